//! The core's error type. Every variant's message says what happened and what to do.

use std::path::PathBuf;

/// Errors from the core library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database file could not be opened or used.
    #[error(
        "cannot open the database {path}: {source}. Check that the folder exists and is writable, or pass another file with --db / HANDOFF_DB."
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
    #[error(
        "no workspace named {0:?}. `handoff workspace list` shows them; `handoff init --workspace NAME` creates one."
    )]
    NoSuchWorkspace(String),
    /// A handoff id that does not exist.
    #[error("no handoff #{0}. `handoff list` shows the ids.")]
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
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other SQLite failure.
    #[error("database error: {0}. If this persists, run `handoff doctor` or restore from a backup.")]
    Sqlite(#[from] rusqlite::Error),
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
