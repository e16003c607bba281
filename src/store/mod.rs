//! The store: one SQLite file (WAL) holding workspaces, handoffs, their
//! transcripts and raw sources, the event timeline, promises, follow-ups,
//! the outbox and a full-text index.
//!
//! Invariants:
//! - every ingest is one transaction: a handoff, its transcript, raw source,
//!   index row and `received` event are written together or not at all;
//! - a handoff's `(workspace, source_key)` is unique, so ingesting the same
//!   input again is a no-op;
//! - the desktop app and the CLI may open the same file at once (WAL, busy timeout).

mod alerts;
mod backup;
mod briefings;
pub mod cipher;
mod claims;
mod conversations;
mod erase;
mod gaps;
mod handoffs;
mod hubspot;
mod inbox;
mod ingest;
mod migrate;
mod outbox;
mod promises;
mod read_by;
mod relay_gaps;
mod reopen;
mod reparse;
mod replies;
mod retention;
mod search;
mod sources;
mod templates;
mod timers;
mod workspaces;

pub use alerts::AlertJob;
pub use backup::{BackupInfo, BackupSettings, RestoreInfo};
pub use claims::{LostClaim, PendingClaim, SeenAnswer, SeenClaim, Settled, held_message};
pub use erase::{ErasedHandoff, Erasure, ErasureCounts, ErasurePlan, ErasureTarget, Scrub, Tombstone};
pub use gaps::{GapCheck, GapQuestion, GapReply, text_hash, vector_bytes, vector_from};
pub use handoffs::{HandoffDetail, ListFilter};
pub use hubspot::{PortalState, PushJob, PushRecord, escalation_status};
pub use inbox::{DueCounts, InboxCounts, InboxEntry, InboxFilter};
pub use ingest::IngestOutcome;
pub use migrate::{MIGRATIONS, SCHEMA_VERSION};
pub use outbox::{ALERT_KINDS, HUBSPOT_KIND, Job, JobState, NewJob, SMTP_KIND};
pub use promises::{PlannedPromise, plan_promise};
pub use read_by::{READER_VERSION, RereadOffer, read_by_older};
pub use relay_gaps::RelayGap;
pub use reparse::{Reread, RereadFilter, StoredSource};
pub use replies::{SmtpJob, StoredReply};
pub use retention::{RetentionReport, purge_due};
pub use search::{RANK_WINDOW, SearchHit, SearchOrder, SearchResult, fts_query};
pub use sources::{Cursor, Source, SourceConfig, SourceHealth};
pub use timers::{DueItem, FireOptions, Notice, TickReport};
pub use workspaces::NewWorkspace;

use crate::error::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// An open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// The SQLCipher key when the file is encrypted.
    key: Option<cipher::Key>,
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    ///
    /// A plain file opens as plain SQLite; an encrypted one (see [`cipher`])
    /// with the key from the OS keychain. A new file is created plain, 0600,
    /// in a folder created 0700 (Unix); [`Store::create_encrypted`] makes an
    /// encrypted one.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let key = if cipher::is_encrypted(path) { Some(cipher::key_for_open(path)?) } else { None };
        Self::open_with(path, key)
    }

    /// Create a new encrypted data file at `path` with the keychain's data-file
    /// key (made and saved on first use). An existing file is opened as it is.
    pub fn create_encrypted(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if path.exists() {
            return Self::open(path);
        }
        Self::open_with(path, Some(cipher::key_or_create()?))
    }

    /// Open or create the file at `path` encrypted with `key`, a key the caller
    /// holds (benchmarks; a key kept elsewhere than this keychain).
    pub fn open_with_key(path: impl AsRef<Path>, key: cipher::Key) -> Result<Store> {
        Self::open_with(path.as_ref(), Some(key))
    }

    fn open_with(path: &Path, key: Option<cipher::Key>) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
            private_mode(dir, 0o700)?;
        }
        if !path.exists() {
            // Created by us, readable by the owner only; SQLite gives the WAL
            // and shared-memory files the database file's permissions.
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(false);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            opts.open(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        }
        let conn =
            Connection::open(path).map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        if let Some(k) = &key {
            cipher::apply_key(&conn, k)?;
        }
        let mut store = Self::setup(conn, Some(path.to_path_buf()))?;
        store.key = key;
        Ok(store)
    }

    /// Whether the file is encrypted at rest.
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// A private in-memory database, for tests and previews.
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        // WAL lets the app and the CLI read while the other writes; NORMAL
        // sync is durable across application crashes (not power loss of the
        // last commit), the usual choice for desktop apps.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -32000;",
        )?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate::migrate(&mut conn)?;
        Ok(Store { conn, path, key: None })
    }

    /// The file this store lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// SQLite's `PRAGMA data_version`: it changes when another connection
    /// (the CLI, the sync engine, a second process) commits to the file, and
    /// not for this connection's own writes. Costs no I/O beyond a page-cache
    /// check, so a window may poll it a few times a second.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The underlying connection, for modules of later features that own their tables.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Run SQLite's integrity check; `Ok(())` or the problems it found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let problems: Vec<String> =
            rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().filter(|s| s != "ok").collect();
        Ok(problems)
    }
}

/// Set a folder's permission bits (Unix; elsewhere the platform's defaults stand).
fn private_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Milliseconds since the epoch, the stored form of every instant.
pub(crate) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Back from the stored form; out-of-range values become the epoch rather than failing a read.
pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn opt_from_ms(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_ms)
}

pub use crate::model::{APP_IDENTIFIER, Answer, Claim, ClaimOp, NewReply, ReplyKind, TeamState, Teammate};

/// The default database file: `<platform data dir>/desk.handoff.app/handoff.db`
/// (on Linux `~/.local/share/desk.handoff.app/handoff.db`). `HANDOFF_DB` overrides it.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HANDOFF_DB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|d| d.data_dir().join(APP_IDENTIFIER).join("handoff.db"))
}
