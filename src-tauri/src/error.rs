//! The one error type that crosses IPC: a typed `code` (the core's
//! [`ErrorCode`]) the UI switches on for its button or banner, and a `message`
//! a person can act on. The message is the core's own words (what happened
//! and what to do, naming no CLI command) plus the window's way to take a
//! core [`Next`] step; nothing here words a command line.

use handoff::connect::ConnectError;
use handoff::conversations::CountError;
use handoff::conversations::intercom::IntercomError;
use handoff::oauth::OAuthError;
use handoff::secrets::SecretError;
use handoff::{ErrorCode, Next};
use serde::Serialize;
use ts_rs::TS;

/// A failed command.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    /// What kind of failure, for the window to choose its next step by.
    pub code: ErrorCode,
    /// What happened and what to do.
    pub message: String,
}

impl AppError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError { code, message: message.into() }
    }

    /// A background task that broke off (a panic or a cancelled runtime).
    pub fn task(e: impl std::fmt::Display) -> AppError {
        AppError::new(ErrorCode::Internal, format!("a background task failed: {e}; try again"))
    }

    /// An unusable value the person gave.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::InvalidInput, message)
    }
}

/// The window's way to take a core next step, when it has one to add.
fn window_step(next: &Next) -> Option<&'static str> {
    match next {
        Next::ListSources => Some("Settings → Sources lists them."),
        Next::RemoveSource => Some("Settings → Sources can remove the other one."),
        Next::ListGaps { .. } => Some("The gap checklist lists them."),
        Next::ExportTemplate => Some("Settings → Templates exports one."),
        Next::SetReplyIdentity { .. } => Some("Set one in Settings → Reply identity."),
        Next::MarkContacted { .. } => Some("Press Contacted."),
        Next::CloseOthers => Some("(A second Handoff Desk or a sync running in a terminal may be the one.)"),
        Next::ListOutbox | Next::UncheckGap { .. } | Next::ChooseBackup => None,
    }
}

impl From<handoff::Error> for AppError {
    fn from(e: handoff::Error) -> Self {
        let message = match &e {
            handoff::Error::Refused { message, next, .. } => match window_step(next) {
                Some(step) => format!("{message} {step}"),
                None => message.clone(),
            },
            other => other.to_string(),
        };
        AppError::new(e.code(), message)
    }
}

impl From<ConnectError> for AppError {
    fn from(e: ConnectError) -> Self {
        match e {
            ConnectError::Store(s) => s.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

impl From<OAuthError> for AppError {
    fn from(e: OAuthError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<CountError> for AppError {
    fn from(e: CountError) -> Self {
        match e {
            CountError::Store(s) => s.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

impl From<IntercomError> for AppError {
    fn from(e: IntercomError) -> Self {
        match e {
            IntercomError::Store(s) => s.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

impl From<SecretError> for AppError {
    fn from(e: SecretError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

/// What every command returns.
pub type CmdResult<T> = Result<T, AppError>;
