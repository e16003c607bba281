//! Erasing a visitor (the right to erasure): every handoff that carries them,
//! with its transcript, raw original, timeline, promise, follow-ups, replies,
//! outbox jobs, HubSpot record, gap embedding, team claims and answers, and
//! its search-index entry, in one transaction; then the freed bytes are
//! overwritten so they are gone from the file, not only from the tables.
//!
//! Invariants:
//! - the plan shown for confirmation and the erasure select the same rows
//!   (both go through [`matching_ids`]);
//! - the tombstone (`erasures`) says what kind of request it was, when, and
//!   how many rows of each kind went: never the email, phone, name or text;
//! - an erased handoff's source key is remembered only as a SHA-256, so a
//!   re-import or a mailbox re-scan does not bring it back;
//! - the scrub runs after the commit: `secure_delete` zeroes what the delete
//!   frees, FTS5's `optimize` merges the index so the erased terms leave its
//!   segments (a contentless-delete table otherwise keeps them until a
//!   merge), `VACUUM` rebuilds the file without free pages, and a `TRUNCATE`
//!   checkpoint empties the WAL, whose old frames still hold earlier page
//!   images (SQLite docs: pragma.html#pragma_secure_delete, fts5.html
//!   "The 'optimize' command", lang_vacuum.html, pragma.html#pragma_wal_checkpoint).

use super::{Store, from_ms, to_ms};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Whom to erase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureTarget {
    /// Every handoff whose visitor has this email address (case-insensitive).
    Email(String),
    /// Every handoff whose visitor has this phone number (compared by its digits).
    Phone(String),
    /// One handoff.
    Handoff(i64),
}

impl ErasureTarget {
    /// The kind of request, as the tombstone records it.
    pub fn kind(&self) -> &'static str {
        match self {
            ErasureTarget::Email(_) => "email",
            ErasureTarget::Phone(_) => "phone",
            ErasureTarget::Handoff(_) => "handoff",
        }
    }
}

/// How many rows of each kind an erasure removes (or removed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureCounts {
    /// Handoffs.
    pub handoffs: i64,
    /// Transcript lines.
    pub messages: i64,
    /// Raw originals (the email or webhook as received).
    pub raw_originals: i64,
    /// Timeline events.
    pub events: i64,
    /// Emails written to the visitor (replies, second attempts, backup alerts).
    pub replies: i64,
    /// Outbox jobs (queued or done sends and pushes).
    pub outbox_jobs: i64,
    /// Promises and follow-ups.
    pub promises_and_follow_ups: i64,
    /// HubSpot push records.
    pub hubspot_records: i64,
    /// Gap checklist embeddings of their questions.
    pub gap_embeddings: i64,
    /// Gap checklist items that named one of these handoffs.
    pub gap_items: i64,
    /// Team claims and answers.
    pub team_records: i64,
    /// Non-handoff platform events whose original mentions the visitor.
    pub skipped_events: i64,
}

/// One handoff an erasure will remove, for the confirmation.
#[derive(Debug, Clone, Serialize)]
pub struct ErasedHandoff {
    /// Handoff id.
    pub id: i64,
    /// Workspace slug.
    pub workspace: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The visitor as stored (name, email or phone).
    pub visitor: String,
    /// Their question, if any.
    pub question: Option<String>,
}

/// What an erasure will remove: shown before it runs.
#[derive(Debug, Clone, Serialize)]
pub struct ErasurePlan {
    /// The handoffs.
    pub handoffs: Vec<ErasedHandoff>,
    /// Rows per kind.
    pub counts: ErasureCounts,
}

/// What an erasure did.
#[derive(Debug, Clone, Serialize)]
pub struct Erasure {
    /// The tombstone's id.
    pub tombstone: i64,
    /// Rows per kind.
    pub counts: ErasureCounts,
    /// Whether the freed bytes are gone from the file and its WAL.
    pub scrub: Scrub,
}

/// The outcome of overwriting freed space.
#[derive(Debug, Clone, Serialize)]
pub struct Scrub {
    /// The WAL was emptied (false: another program was reading the file;
    /// closing it and running `handoff forget --scrub` finishes the job).
    pub wal_emptied: bool,
}

/// A past erasure, as the tombstone keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct Tombstone {
    /// Id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// email | phone | handoff | retention.
    pub by: String,
    /// Handoffs removed.
    pub handoffs: i64,
    /// Rows per kind (JSON).
    pub detail: serde_json::Value,
}

/// The digits of a phone number.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Two phone numbers are the same when their digits are, or when one is the
/// other with a country or trunk prefix (at least 7 digits in common).
fn same_phone(a: &str, b: &str) -> bool {
    let (a, b) = (digits(a), digits(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 7 && long.ends_with(&short)
}

/// SHA-256 of a source key, as `erased_sources` keeps it.
pub(super) fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a source key was erased from this workspace.
pub(super) fn was_erased(tx: &Transaction<'_>, workspace_id: i64, key: &str) -> Result<bool> {
    let mut stmt =
        tx.prepare_cached("SELECT 1 FROM erased_sources WHERE workspace_id = ?1 AND key_hash = ?2")?;
    Ok(stmt.exists(params![workspace_id, key_hash(key)])?)
}

fn matching_ids(conn: &rusqlite::Connection, target: &ErasureTarget) -> Result<Vec<i64>> {
    let ids = match target {
        ErasureTarget::Email(email) => {
            let email = email.trim();
            if !email.contains('@') {
                return Err(Error::Invalid(format!(
                    "{email:?} is not an email address; use --phone for a phone number or --handoff for an id"
                )));
            }
            let mut stmt = conn.prepare(
                "SELECT id FROM handoffs WHERE lower(trim(visitor_email)) = lower(?1) ORDER BY id",
            )?;
            stmt.query_map([email], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?
        }
        ErasureTarget::Phone(phone) => {
            if digits(phone).len() < 7 {
                return Err(Error::Invalid(format!(
                    "{phone:?} has fewer than 7 digits; give the whole number (e.g. +1 555 0100 200)"
                )));
            }
            let mut stmt = conn.prepare(
                "SELECT id, visitor_phone FROM handoffs WHERE visitor_phone IS NOT NULL ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            let mut ids = Vec::new();
            for row in rows {
                let (id, stored) = row?;
                if same_phone(&stored, phone) {
                    ids.push(id);
                }
            }
            ids
        }
        ErasureTarget::Handoff(id) => {
            let found: bool = conn.prepare("SELECT 1 FROM handoffs WHERE id = ?1")?.exists([id])?;
            if !found {
                return Err(Error::NoSuchHandoff(*id));
            }
            vec![*id]
        }
    };
    Ok(ids)
}

/// The text a target is searched for in non-handoff originals and loose outbox jobs.
fn needle(target: &ErasureTarget) -> Option<String> {
    match target {
        ErasureTarget::Email(e) => Some(e.trim().to_lowercase()),
        ErasureTarget::Phone(p) => Some(p.trim().to_string()),
        ErasureTarget::Handoff(_) => None,
    }
}

fn count_rows(conn: &rusqlite::Connection, target: &ErasureTarget, ids: &[i64]) -> Result<ErasureCounts> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let n = |sql: &str| -> Result<i64> {
        let sql = sql.replace("$IDS", "(SELECT value FROM json_each(?1))");
        Ok(conn.query_row(&sql, [&list], |r| r.get(0))?)
    };
    let needle = needle(target);
    let loose_jobs: i64 = match &needle {
        Some(s) => conn.query_row(
            "SELECT count(*) FROM outbox WHERE handoff_id IS NULL AND instr(lower(payload), ?1) > 0",
            [s],
            |r| r.get(0),
        )?,
        None => 0,
    };
    let skipped: i64 = match &needle {
        Some(s) => conn.query_row(
            "SELECT count(*) FROM skipped_events WHERE instr(lower(CAST(raw AS TEXT)), ?1) > 0",
            [s],
            |r| r.get(0),
        )?,
        None => 0,
    };
    Ok(ErasureCounts {
        handoffs: ids.len() as i64,
        messages: n("SELECT count(*) FROM messages WHERE handoff_id IN $IDS")?,
        raw_originals: n("SELECT count(*) FROM raw_sources WHERE handoff_id IN $IDS")?,
        events: n("SELECT count(*) FROM events WHERE handoff_id IN $IDS")?,
        replies: n("SELECT count(*) FROM replies WHERE handoff_id IN $IDS")?,
        outbox_jobs: n("SELECT count(*) FROM outbox WHERE handoff_id IN $IDS")? + loose_jobs,
        promises_and_follow_ups: n("SELECT (SELECT count(*) FROM promises WHERE handoff_id IN $IDS)
                + (SELECT count(*) FROM follow_ups WHERE handoff_id IN $IDS)")?,
        hubspot_records: n("SELECT count(*) FROM hubspot_pushes WHERE handoff_id IN $IDS")?,
        gap_embeddings: n("SELECT count(*) FROM question_vectors WHERE handoff_id IN $IDS")?,
        gap_items: n("SELECT count(*) FROM gap_checks g WHERE EXISTS
                (SELECT 1 FROM json_each(g.members) m WHERE m.value IN $IDS)")?,
        team_records: n("SELECT (SELECT count(*) FROM claims WHERE handoff_id IN $IDS)
                + (SELECT count(*) FROM answers WHERE handoff_id IN $IDS)")?,
        skipped_events: skipped,
    })
}

impl Store {
    /// What erasing `target` would remove, without removing anything.
    pub fn erasure_plan(&self, target: &ErasureTarget) -> Result<ErasurePlan> {
        let ids = matching_ids(&self.conn, target)?;
        let mut handoffs = Vec::with_capacity(ids.len());
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, w.slug, h.received_at,
                    coalesce(h.visitor_name, h.visitor_email, h.visitor_phone, 'unknown visitor'), h.question
             FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id WHERE h.id = ?1",
        )?;
        for id in &ids {
            handoffs.push(stmt.query_row([id], |r| {
                Ok(ErasedHandoff {
                    id: r.get(0)?,
                    workspace: r.get(1)?,
                    received_at: from_ms(r.get(2)?),
                    visitor: r.get(3)?,
                    question: r.get(4)?,
                })
            })?);
        }
        Ok(ErasurePlan { handoffs, counts: count_rows(&self.conn, target, &ids)? })
    }

    /// Erase `target` (see the module docs): one transaction, a tombstone,
    /// then the freed bytes overwritten. Erasing nobody is an error that says so.
    pub fn forget(&mut self, target: &ErasureTarget, now: DateTime<Utc>) -> Result<Erasure> {
        self.conn.pragma_update(None, "secure_delete", true)?;
        let result = self.forget_in_tx(target, now);
        let scrub = result.as_ref().ok().map(|_| self.scrub());
        self.conn.pragma_update(None, "secure_delete", false)?;
        let (tombstone, counts) = result?;
        let scrub = scrub.unwrap_or(Ok(Scrub { wal_emptied: false }))?;
        Ok(Erasure { tombstone, counts, scrub })
    }

    fn forget_in_tx(&mut self, target: &ErasureTarget, now: DateTime<Utc>) -> Result<(i64, ErasureCounts)> {
        let tx = self.conn.transaction()?;
        let ids = matching_ids(&tx, target)?;
        let counts = count_rows(&tx, target, &ids)?;
        if ids.is_empty() && counts.skipped_events == 0 && counts.outbox_jobs == 0 {
            return Err(Error::Invalid(match target {
                ErasureTarget::Email(e) => {
                    format!("no handoff has the visitor email {e:?}; nothing was erased")
                }
                ErasureTarget::Phone(p) => {
                    format!("no handoff has the visitor phone {p:?}; nothing was erased")
                }
                ErasureTarget::Handoff(id) => format!("no handoff #{id}; nothing was erased"),
            }));
        }
        let list = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
        // Remember the source keys (hashed) so a re-import does not bring them back.
        let keys: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT workspace_id, source_key FROM handoffs WHERE id IN (SELECT value FROM json_each(?1))",
            )?;
            stmt.query_map([&list], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        for (ws, key) in keys {
            tx.execute(
                "INSERT OR IGNORE INTO erased_sources (workspace_id, key_hash) VALUES (?1, ?2)",
                params![ws, key_hash(&key)],
            )?;
        }
        for id in &ids {
            tx.execute("DELETE FROM handoff_fts WHERE rowid = ?1", [id])?;
        }
        // Gap checklist items: drop the erased handoffs from their members; an
        // item left with none goes; an item whose label is the visitor's own
        // question loses the wording.
        tx.execute(
            "UPDATE gap_checks SET
                label = CASE WHEN EXISTS (SELECT 1 FROM handoffs h WHERE h.id IN (SELECT value FROM json_each(?1))
                                          AND lower(h.question) = lower(gap_checks.label))
                        THEN '(wording erased)' ELSE label END,
                members = (SELECT json_group_array(m.value) FROM json_each(gap_checks.members) m
                           WHERE m.value NOT IN (SELECT value FROM json_each(?1)))
             WHERE EXISTS (SELECT 1 FROM json_each(gap_checks.members) m
                           WHERE m.value IN (SELECT value FROM json_each(?1)))",
            [&list],
        )?;
        tx.execute("DELETE FROM gap_checks WHERE json_array_length(members) = 0", [])?;
        // Everything else hangs off the handoff with ON DELETE CASCADE
        // (messages, raw_sources, events, promises, follow_ups, outbox,
        // replies, hubspot_pushes, question_vectors, claims, answers).
        tx.execute("DELETE FROM handoffs WHERE id IN (SELECT value FROM json_each(?1))", [&list])?;
        if let Some(s) = needle(target) {
            tx.execute(
                "DELETE FROM outbox WHERE handoff_id IS NULL AND instr(lower(payload), ?1) > 0",
                [&s],
            )?;
            tx.execute("DELETE FROM skipped_events WHERE instr(lower(CAST(raw AS TEXT)), ?1) > 0", [&s])?;
        }
        let detail = serde_json::to_string(&counts).unwrap_or_else(|_| "{}".into());
        tx.execute(
            "INSERT INTO erasures (at, by, handoffs, detail) VALUES (?1, ?2, ?3, ?4)",
            params![to_ms(now), target.kind(), counts.handoffs, detail],
        )?;
        let tombstone = tx.last_insert_rowid();
        tx.commit()?;
        Ok((tombstone, counts))
    }

    /// Overwrite freed space: merge the search index, rebuild the file, empty the WAL.
    pub fn scrub(&mut self) -> Result<Scrub> {
        let secure: i64 = self.conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let run = || -> Result<Scrub> {
            self.conn.execute("INSERT INTO handoff_fts (handoff_fts) VALUES ('optimize')", [])?;
            self.conn.execute_batch("VACUUM")?;
            // (busy, WAL frames, frames checkpointed); busy = 1 when a reader held it.
            let (busy, _, _): (i64, i64, i64) =
                self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            Ok(Scrub { wal_emptied: busy == 0 })
        };
        let out = run();
        self.conn.pragma_update(None, "secure_delete", secure != 0)?;
        out
    }

    /// Past erasures and retention runs, newest first.
    pub fn tombstones(&self) -> Result<Vec<Tombstone>> {
        let mut stmt =
            self.conn.prepare("SELECT id, at, by, handoffs, detail FROM erasures ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            let detail: String = r.get(4)?;
            Ok(Tombstone {
                id: r.get(0)?,
                at: from_ms(r.get(1)?),
                by: r.get(2)?,
                handoffs: r.get(3)?,
                detail: serde_json::from_str(&detail).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
