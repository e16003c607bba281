//! The one error type that crosses IPC: a machine-readable `code` the UI
//! can switch on and a `message` a person can act on (the core's own words,
//! which say what happened and what to do).

use serde::Serialize;
use ts_rs::TS;

/// A failed command.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    /// `not_found`, `bad_input`, `database`, `busy` or `internal`.
    pub code: String,
    /// What happened and what to do.
    pub message: String,
}

impl AppError {
    /// An error with this code and message.
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError { code: code.into(), message: message.into() }
    }
}

impl From<handoff::Error> for AppError {
    fn from(e: handoff::Error) -> Self {
        use handoff::Error as E;
        let code = match &e {
            E::NoSuchWorkspace(_) | E::NoSuchHandoff(_) => "not_found",
            E::BadQuery { .. } | E::Invalid(_) => "bad_input",
            _ => "database",
        };
        AppError::new(code, e.to_string())
    }
}

/// What every command returns.
pub type CmdResult<T> = Result<T, AppError>;
