//! The relay's SQLite file: accepted webhook events, what retention purged,
//! and the team records (who claimed and who answered each handoff).
//!
//! Invariants:
//! - WAL with `synchronous=FULL`: when [`Store::insert`] returns, the row is on
//!   disk, so the `202` that follows it is a promise the relay can keep.
//! - Ids come from `AUTOINCREMENT` and are never reused, even after a purge.
//! - A page of events and its `gap` flag are read in one snapshot.
//! - The schema is applied from embedded, forward-only migrations tracked by
//!   `PRAGMA user_version`; a file from a newer relay is refused, not touched.
//! - Team writes run in `BEGIN IMMEDIATE` transactions that read, decide and
//!   write at once, so of two racing claims exactly one wins: the first to
//!   commit. Every change takes the next relay-wide `team_seq` number in the
//!   same transaction; with one writer, numbers commit in increasing order.
//! - rusqlite blocks: async code goes through [`Store::call`], which runs on
//!   tokio's blocking pool. One connection writes, one reads.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use rusqlite::{Connection, OptionalExtension, Row, params};

mod records;
pub use records::{Claimed, Released, TeamMark, TeamRecord};

/// Schema migrations, applied in order; index + 1 is the `user_version` after each.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_team.sql"),
    include_str!("../../migrations/0003_purge_log.sql"),
];

/// Purge log rows are kept this long (90 days), then trimmed.
const PURGE_LOG_KEEP_MS: i64 = 90 * 24 * 3600 * 1000;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or prepared.
    #[error(
        "cannot open database {}: {source}; check that its folder exists and is writable by the relay's user \
         (set `database` in the config or HANDOFF_RELAY_DB)",
        path.display()
    )]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file refused write-ahead logging.
    #[error(
        "database {} cannot use WAL (journal_mode stayed {mode}); keep it on a local disk, not a network share",
        path.display()
    )]
    NotWal {
        /// The file.
        path: PathBuf,
        /// The journal mode SQLite reported.
        mode: String,
    },
    /// The file was written by a newer relay.
    #[error(
        "database schema version {found} is newer than this relay understands ({known}); \
         run the newer handoff-relay, or restore a backup made before the upgrade"
    )]
    NewerSchema {
        /// The file's `user_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The blocking task running a query died.
    #[error("database task failed: {0}")]
    Task(String),
}

/// One stored webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The cursor value.
    pub id: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub received_at_ms: i64,
    /// The request's `Content-Type`, when it had one.
    pub content_type: Option<String>,
    /// The raw body bytes.
    pub body: Vec<u8>,
}

impl StoredEvent {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get("id")?,
            received_at_ms: row.get("received_at")?,
            content_type: row.get("content_type")?,
            body: row.get("body")?,
        })
    }
}

/// Events after a cursor, and whether some were purged before being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Oldest first.
    pub events: Vec<StoredEvent>,
    /// True when retention purged an event of this channel with an id above the cursor.
    pub gap: bool,
    /// The highest id of this channel that retention purged (0 when none).
    pub purged_through: i64,
    /// What the purges behind a `gap` removed, when the purge log still knows.
    pub lost: Option<Lost>,
}

/// The events retention removed above a reader's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost {
    /// How many, at most (a purge that also removed events the reader had
    /// already read is counted whole).
    pub events: i64,
    /// When the oldest of them had come in (ms since the Unix epoch).
    pub oldest_received_ms: i64,
    /// When the newest of them had come in.
    pub newest_received_ms: i64,
}

/// A page holds no more events than fit in this many bytes of JSON, counting
/// everything an event becomes (id, time, content type, escaped or base64
/// body; see [`json_size`]), though always at least one event, so neither
/// `limit` × `max_body_bytes` nor stored headers can blow up memory.
pub const PAGE_BYTES: usize = 4 << 20;

/// The bytes `event` takes in a page's JSON, at most (keys, punctuation, id
/// and time included; a string counted as JSON escapes it, a non-UTF-8 body
/// as base64).
pub fn json_size(event: &StoredEvent) -> usize {
    // {"id":…,"received_at":"2026-11-22T10:00:00.123Z","content_type":null,"body_base64":""},
    const FIXED: usize = 120;
    let body = match std::str::from_utf8(&event.body) {
        Ok(text) => escaped_len(text),
        Err(_) => event.body.len().div_ceil(3) * 4,
    };
    FIXED + event.content_type.as_deref().map_or(0, escaped_len) + body
}

/// The length of `text` as a JSON string's contents (serde_json escapes
/// quote, backslash and control characters; `\u00XX` is the longest).
fn escaped_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

/// The open database.
#[derive(Debug)]
pub struct Store {
    write: Mutex<Connection>,
    read: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) and migrates the file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut write = connect(path)?;
        migrate(&mut write)?;
        let read = connect(path)?;
        Ok(Self { write: Mutex::new(write), read: Mutex::new(read) })
    }

    /// Runs `f` on the blocking pool.
    pub async fn call<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(self);
        tokio::task::spawn_blocking(move || f(&store)).await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Stores one webhook durably and returns its id.
    pub fn insert(
        &self,
        channel: &str,
        received_at_ms: i64,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<i64, StoreError> {
        let conn = lock(&self.write);
        conn.prepare_cached(
            "INSERT INTO events (channel, received_at, content_type, body) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![channel, received_at_ms, content_type, body])?;
        Ok(conn.last_insert_rowid())
    }

    /// Up to `limit` events of `channel` with id > `after`, oldest first
    /// (fewer when they would pass [`PAGE_BYTES`] as JSON).
    pub fn page(&self, channel: &str, after: i64, limit: u32) -> Result<Page, StoreError> {
        let mut conn = lock(&self.read);
        let tx = conn.transaction()?;
        let mut events = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, received_at, content_type, body FROM events \
                 WHERE channel = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )?;
            let mut rows = stmt.query(params![channel, after, limit])?;
            let mut bytes = 0;
            while let Some(row) = rows.next()? {
                let event = StoredEvent::from_row(row)?;
                let size = json_size(&event);
                // Always at least one event, so a reader can never be stuck behind a large one.
                if !events.is_empty() && bytes + size > PAGE_BYTES {
                    break;
                }
                bytes += size;
                events.push(event);
            }
        }
        let purged_through: i64 = tx
            .prepare_cached("SELECT last_purged_id FROM channel_purges WHERE channel = ?1")?
            .query_row([channel], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        let gap = purged_through > after;
        let lost = if gap {
            tx.prepare_cached(
                "SELECT SUM(events), MIN(oldest_received), MAX(newest_received) FROM purge_log \
                 WHERE channel = ?1 AND last_id > ?2",
            )?
            .query_row(params![channel, after], |row| {
                Ok(match (row.get(0)?, row.get(1)?, row.get(2)?) {
                    (Some(events), Some(oldest_received_ms), Some(newest_received_ms)) => {
                        Some(Lost { events, oldest_received_ms, newest_received_ms })
                    }
                    _ => None,
                })
            })?
        } else {
            None
        };
        tx.finish()?;
        Ok(Page { events, gap, purged_through, lost })
    }

    /// Deletes events received before `cutoff_ms`, remembering per channel the
    /// highest id deleted; returns how many rows went.
    pub fn purge(&self, cutoff_ms: i64) -> Result<usize, StoreError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut conn = lock(&self.write);
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO purge_log \
             (channel, first_id, last_id, events, oldest_received, newest_received, purged_at) \
             SELECT channel, MIN(id), MAX(id), COUNT(*), MIN(received_at), MAX(received_at), ?2 \
             FROM events WHERE received_at < ?1 GROUP BY channel",
            params![cutoff_ms, now_ms],
        )?;
        tx.execute("DELETE FROM purge_log WHERE purged_at < ?1", [now_ms.saturating_sub(PURGE_LOG_KEEP_MS)])?;
        tx.execute(
            "INSERT INTO channel_purges (channel, last_purged_id) \
             SELECT channel, MAX(id) FROM events WHERE received_at < ?1 GROUP BY channel \
             ON CONFLICT (channel) DO UPDATE \
             SET last_purged_id = MAX(last_purged_id, excluded.last_purged_id)",
            [cutoff_ms],
        )?;
        let deleted = tx.execute("DELETE FROM events WHERE received_at < ?1", [cutoff_ms])?;
        tx.commit()?;
        Ok(deleted)
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(lock(&self.read).pragma_query_value(None, "user_version", |row| row.get(0))?)
    }
}

/// A connection holds no invariant a panicking holder could break: an open
/// transaction rolls back when its guard drops. So a poisoned lock is usable.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open_err = |source| StoreError::Open { path: path.to_owned(), source };
    let conn = Connection::open(path).map_err(open_err)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(open_err)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotWal { path: path.to_owned(), mode });
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(open_err)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("relay.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn an_empty_file_migrates_to_the_latest_version_and_reopens() {
        let (dir, store) = temp();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(store);
        let again = Store::open(&dir.path().join("relay.db")).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_version_1_file_migrates_and_keeps_its_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.db");
        let v1 = Connection::open(&path).unwrap();
        v1.execute_batch(MIGRATIONS[0]).unwrap();
        v1.execute("INSERT INTO events (channel, received_at, body) VALUES ('a', 1, x'00')", []).unwrap();
        v1.pragma_update(None, "user_version", 1).unwrap();
        drop(v1);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(store.page("a", 0, 10).unwrap().events.len(), 1);
        assert!(
            matches!(store.team_claim("a", "k", "Dana", "d@x.test", 5).unwrap(), Claimed::Won(r) if r.seq == 1)
        );
    }

    #[test]
    fn a_newer_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.db");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::NewerSchema { found: 99, .. })));
    }

    #[test]
    fn pages_are_per_channel_and_purges_leave_a_gap_marker() {
        let (_dir, store) = temp();
        let a1 = store.insert("a", 1_000, Some("application/json"), b"{}").unwrap();
        let b1 = store.insert("b", 1_000, None, b"x").unwrap();
        let a2 = store.insert("a", 5_000, None, &[0xff]).unwrap();
        assert!(a1 < b1 && b1 < a2);

        let page = store.page("a", 0, 10).unwrap();
        assert_eq!(page.events.iter().map(|e| e.id).collect::<Vec<_>>(), vec![a1, a2]);
        assert_eq!(page.events[0].content_type.as_deref(), Some("application/json"));
        assert!(!page.gap);
        assert_eq!(store.page("a", a1, 10).unwrap().events.len(), 1);
        assert_eq!(store.page("a", 0, 1).unwrap().events.len(), 1);

        assert_eq!(store.purge(2_000).unwrap(), 2);
        let page = store.page("a", 0, 10).unwrap();
        assert_eq!(page.events.iter().map(|e| e.id).collect::<Vec<_>>(), vec![a2]);
        assert!(page.gap, "a1 was purged unread");
        assert_eq!(
            page.lost,
            Some(Lost { events: 1, oldest_received_ms: 1_000, newest_received_ms: 1_000 }),
            "the purge log says how many and when"
        );
        assert!(!store.page("a", a1, 10).unwrap().gap, "a reader already past a1 missed nothing");
        assert!(store.page("b", 0, 10).unwrap().gap);
        assert!(!store.page("c", 0, 10).unwrap().gap);

        // Ids are not reused once everything is gone.
        assert_eq!(store.purge(10_000).unwrap(), 1);
        let lost = store.page("a", 0, 10).unwrap().lost.unwrap();
        assert_eq!((lost.events, lost.oldest_received_ms, lost.newest_received_ms), (2, 1_000, 5_000));
        assert_eq!(store.page("a", a1, 10).unwrap().lost.map(|l| l.events), Some(1));
        assert!(store.insert("a", 20_000, None, b"").unwrap() > a2);
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn the_page_cap_counts_stored_content_types_and_escapes_too() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("relay.db")).unwrap();
        // Bodies alone are tiny; 300 KB content types (stored before the relay capped them) are not.
        let big_type = "a".repeat(300_000);
        for _ in 0..100 {
            store.insert("a", 1, Some(&big_type), b"{}").unwrap();
        }
        let page = store.page("a", 0, 500).unwrap();
        let size: usize = page.events.iter().map(json_size).sum();
        assert!(size <= PAGE_BYTES, "{size}");
        assert_eq!(page.events.len(), PAGE_BYTES / (300_000 + 122), "as many as fit, no more");
        // Control characters are counted as the escapes JSON sends.
        let event = StoredEvent { id: 1, received_at_ms: 0, content_type: None, body: vec![1; 10] };
        assert_eq!(json_size(&event), 120 + 60);
        let one = StoredEvent { id: 1, received_at_ms: 0, content_type: None, body: vec![0xff; 3] };
        assert_eq!(json_size(&one), 124, "non-UTF-8 goes as base64");
    }
}
