//! The core's error type and the codes every face switches on. Every
//! variant's message says what happened and what to do in words that fit any
//! face; a face (the CLI, the window) adds its own next step for a code or a
//! variant (the CLI names its command, the window shows a button).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What kind of failure happened, for a face to choose its next step by (a
/// button, a banner, the CLI command that fixes it) without reading words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    /// A workspace, handoff, source, job or item that does not exist (any more).
    NotFound,
    /// A value the person typed or chose is not usable; the message says which and why.
    InvalidInput,
    /// A sign-in expired, was revoked or refused: the mailbox's owner signs in again.
    SignInAgain,
    /// No OS keychain answers (no Secret Service, or it is locked): secrets cannot be kept or read.
    KeychainMissing,
    /// A server, relay or provider could not be reached (network, DNS, timeout).
    Offline,
    /// Something else holds the data file or the action (locked, already running, rate limited): wait and retry.
    Busy,
    /// The data file could not be opened, read or written.
    Database,
    /// The person cancelled the action; nothing was changed.
    Cancelled,
    /// A server answered but refused or failed the check (wrong password, missing scope, bad certificate).
    Connection,
    /// A failure inside Handoff Desk itself (a task that broke off); retrying may help.
    Internal,
}

impl ErrorCode {
    /// The code as it travels (the serde name): `not_found`, `invalid_input`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::SignInAgain => "sign_in_again",
            ErrorCode::KeychainMissing => "keychain_missing",
            ErrorCode::Offline => "offline",
            ErrorCode::Busy => "busy",
            ErrorCode::Database => "database",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Connection => "connection",
            ErrorCode::Internal => "internal",
        }
    }
}

/// A next step the core names without words of any face: the CLI renders
/// it as its command, the window as where to click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// See a workspace's sources.
    ListSources,
    /// Remove the source of that name first.
    RemoveSource,
    /// See the outbox's jobs.
    ListOutbox,
    /// Reopen a checked-off item of the gap checklist.
    UncheckGap {
        /// The item's rank.
        rank: usize,
    },
    /// See a month's gap checklist.
    ListGaps {
        /// Workspace slug.
        workspace: String,
        /// The month, `YYYY-MM`.
        month: String,
    },
    /// Export a template to get a file of the right kind.
    ExportTemplate,
    /// Set the workspace's reply identity (SMTP server or sign-in).
    SetReplyIdentity {
        /// Workspace slug.
        workspace: String,
    },
    /// Record that the visitor was reached another way.
    MarkContacted {
        /// The handoff.
        id: i64,
    },
    /// Name a backup file that exists.
    ChooseBackup,
    /// Close the other programs that have the data file open.
    CloseOthers,
}

/// Errors from the core library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database file could not be opened or used.
    #[error(
        "cannot open the database {path}: {source}. Check that the folder exists and is writable, or use another data file."
    )]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The database was written by a newer version of Handoff Desk.
    #[error(
        "the database is at schema version {found}, newer than this build knows ({known}). Update Handoff Desk, or open another file."
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// A workspace name that does not exist.
    #[error("no workspace named {0:?}. Choose one of the workspaces there are, or create it first.")]
    NoSuchWorkspace(String),
    /// A handoff id that does not exist.
    #[error("no handoff #{0}; it may have been erased. Check the number against the list of handoffs.")]
    NoSuchHandoff(i64),
    /// A search query that FTS5 cannot read.
    #[error("cannot search for {query:?}: {why}. Use plain words; put phrases in double quotes.")]
    BadQuery {
        /// The query.
        query: String,
        /// What SQLite said.
        why: String,
    },
    /// An invalid value given by the user.
    #[error("{0}")]
    Invalid(String),
    /// An action that cannot go on until a named next step is taken; each
    /// face words `next` its own way after the message.
    #[error("{message}")]
    Refused {
        /// What kind of failure.
        code: ErrorCode,
        /// What happened, in words that fit any face.
        message: String,
        /// What to do.
        next: Next,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other SQLite failure.
    #[error("database error: {0}. If this persists, check the data file or restore it from a backup.")]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// The code a face chooses its next step by.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NoSuchWorkspace(_) | Error::NoSuchHandoff(_) => ErrorCode::NotFound,
            Error::BadQuery { .. } | Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Refused { code, .. } => *code,
            Error::Open { source, .. } | Error::Sqlite(source) if is_busy(source) => ErrorCode::Busy,
            Error::Open { .. } | Error::TooNew { .. } | Error::Sqlite(_) => ErrorCode::Database,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => ErrorCode::NotFound,
            Error::Io { .. } => ErrorCode::InvalidInput,
        }
    }
}

/// SQLite's "another connection holds the file" (busy or locked).
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
