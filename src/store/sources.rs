//! Live sources (IMAP mailboxes, relay channels), their cursors and health.
//!
//! Invariants:
//! - a source's configuration never holds a secret: passwords and tokens live
//!   in the OS keychain (`secrets.rs`), keyed by workspace and source name;
//! - a cursor only moves inside the transaction that stores the rows it
//!   covers ([`Store::ingest_at`]), so it never runs ahead of the data.

use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, ErrorCode, Next, Result};
use crate::model::{ImapConfig, RelayConfig};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};

/// How to reach a source. Stored as JSON; never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceConfig {
    /// An IMAP mailbox.
    Imap(ImapConfig),
    /// A channel on a webhook relay.
    Relay(RelayConfig),
}

impl SourceConfig {
    /// `imap` or `relay`.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceConfig::Imap(_) => "imap",
            SourceConfig::Relay(_) => "relay",
        }
    }

    /// Where it points, for people ("imap://desk@mail.example.com:993/INBOX").
    pub fn describe(&self) -> String {
        match self {
            SourceConfig::Imap(c) => c.describe(),
            SourceConfig::Relay(c) => c.describe(),
        }
    }
}

/// A configured source of one workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Row id.
    pub id: i64,
    /// Owning workspace.
    pub workspace_id: i64,
    /// The workspace's slug (for keychain keys and messages).
    pub workspace_slug: String,
    /// Unique within the workspace ("support-inbox").
    pub name: String,
    /// How to reach it.
    pub config: SourceConfig,
    /// Whether the engine runs it.
    pub enabled: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl Source {
    /// `workspace/name`, how sources are named to people.
    pub fn label(&self) -> String {
        format!("{}/{}", self.workspace_slug, self.name)
    }
}

/// Where a source has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cursor {
    /// IMAP: everything up to `last_uid` of the folder generation `uid_validity` is stored.
    Imap {
        /// The folder's UIDVALIDITY.
        uid_validity: u32,
        /// Highest UID stored (or skipped by the filter).
        last_uid: u32,
    },
    /// Relay: every event up to and including `after` is stored.
    Relay {
        /// Last event id committed.
        after: i64,
    },
}

/// The last outcome of a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceHealth {
    /// Last time a sync completed.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Last time one failed.
    pub last_error_at: Option<DateTime<Utc>>,
    /// What went wrong, for people.
    pub last_error: Option<String>,
}

const COLUMNS: &str = "s.id, s.workspace_id, w.slug, s.name, s.config, s.enabled, s.created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Source> {
    let config: String = r.get(4)?;
    let config = serde_json::from_str(&config)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into()))?;
    Ok(Source {
        id: r.get(0)?,
        workspace_id: r.get(1)?,
        workspace_slug: r.get(2)?,
        name: r.get(3)?,
        config,
        enabled: r.get(5)?,
        created_at: from_ms(r.get(6)?),
    })
}

pub(super) fn write_cursor(
    tx: &Transaction<'_>,
    source_id: i64,
    c: Cursor,
    now: DateTime<Utc>,
) -> Result<()> {
    match c {
        Cursor::Imap { uid_validity, last_uid } => tx.execute(
            "INSERT INTO source_cursors (source_id, uid_validity, last_uid, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (source_id) DO UPDATE SET uid_validity = ?2, last_uid = ?3, updated_at = ?4",
            params![source_id, uid_validity, last_uid, to_ms(now)],
        )?,
        Cursor::Relay { after } => tx.execute(
            "INSERT INTO source_cursors (source_id, relay_after, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (source_id) DO UPDATE SET relay_after = ?2, updated_at = ?3",
            params![source_id, after, to_ms(now)],
        )?,
    };
    Ok(())
}

impl Store {
    /// Add a source to a workspace. Names are unique per workspace.
    pub fn add_source(&self, workspace_id: i64, name: &str, config: &SourceConfig) -> Result<Source> {
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !name_ok {
            return Err(Error::Invalid(format!(
                "the source name {name:?} is not usable: use lower-case letters, digits and dashes (\"support-inbox\")."
            )));
        }
        let json = serde_json::to_string(config).map_err(|e| Error::Invalid(e.to_string()))?;
        let inserted = self.conn.execute(
            "INSERT INTO sources (workspace_id, name, kind, config, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (workspace_id, name) DO NOTHING",
            params![workspace_id, name, config.kind(), json, to_ms(Utc::now())],
        )?;
        if inserted == 0 {
            return Err(Error::Refused {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "this workspace already has a source named {name:?}. Pick another name, or remove that source first."
                ),
                next: Next::RemoveSource,
            });
        }
        self.source(self.conn.last_insert_rowid())
    }

    /// One source by id.
    pub fn source(&self, id: i64) -> Result<Source> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM sources s JOIN workspaces w ON w.id = s.workspace_id WHERE s.id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::Refused {
                code: ErrorCode::NotFound,
                message: format!("no source #{id}; it may have been removed."),
                next: Next::ListSources,
            })
    }

    /// A source by workspace slug and name.
    pub fn source_named(&self, workspace: &str, name: &str) -> Result<Source> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM sources s JOIN workspaces w ON w.id = s.workspace_id
                     WHERE w.slug = ?1 AND s.name = ?2"
                ),
                params![workspace, name],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::Refused {
                code: ErrorCode::NotFound,
                message: format!("workspace {workspace:?} has no source named {name:?}."),
                next: Next::ListSources,
            })
    }

    /// Every source, by workspace then name.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM sources s JOIN workspaces w ON w.id = s.workspace_id ORDER BY w.slug, s.name"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Turn a source on or off.
    pub fn set_source_enabled(&self, id: i64, enabled: bool) -> Result<()> {
        self.conn.execute("UPDATE sources SET enabled = ?2 WHERE id = ?1", params![id, enabled])?;
        Ok(())
    }

    /// Remove a source, its cursor and health (not the handoffs it brought).
    pub fn remove_source(&self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM sources WHERE id = ?1", [id])?;
        Ok(())
    }

    /// The IMAP cursor of a source: `(uid_validity, last_uid)`.
    pub fn imap_cursor(&self, source_id: i64) -> Result<Option<(u32, u32)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uid_validity, last_uid FROM source_cursors
                 WHERE source_id = ?1 AND uid_validity IS NOT NULL",
                [source_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The relay cursor of a source: the last event id committed (0 before the first).
    pub fn relay_cursor(&self, source_id: i64) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT relay_after FROM source_cursors WHERE source_id = ?1 AND relay_after IS NOT NULL",
                [source_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Move a cursor with nothing to store alongside (the filter skipped a range).
    pub fn set_cursor(&mut self, source_id: i64, cursor: Cursor, now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        write_cursor(&tx, source_id, cursor, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Forget a source's cursor, so the next sync starts from the beginning
    /// (source keys keep what is already stored from doubling).
    pub fn reset_cursor(&self, source_id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM source_cursors WHERE source_id = ?1", [source_id])?;
        Ok(())
    }

    /// Record the outcome of a sync: `Ok` or a message for people.
    pub fn record_health(&self, source_id: i64, at: DateTime<Utc>, outcome: Result<(), &str>) -> Result<()> {
        match outcome {
            Ok(()) => self.conn.execute(
                "INSERT INTO source_health (source_id, last_success_at) VALUES (?1, ?2)
                 ON CONFLICT (source_id) DO UPDATE SET last_success_at = ?2",
                params![source_id, to_ms(at)],
            )?,
            Err(message) => self.conn.execute(
                "INSERT INTO source_health (source_id, last_error_at, last_error) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source_id) DO UPDATE SET last_error_at = ?2, last_error = ?3",
                params![source_id, to_ms(at), message],
            )?,
        };
        Ok(())
    }

    /// The last recorded outcome of a source.
    pub fn health(&self, source_id: i64) -> Result<SourceHealth> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_success_at, last_error_at, last_error FROM source_health WHERE source_id = ?1",
                [source_id],
                |r| {
                    Ok(SourceHealth {
                        last_success_at: opt_from_ms(r.get(0)?),
                        last_error_at: opt_from_ms(r.get(1)?),
                        last_error: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }
}
