//! The briefings table: each handoff's [`BriefingFacts`], written in the
//! ingest transaction when the reader made them, or later by the backfill;
//! and the visitor's history, read across handoffs.
//!
//! Invariant: a row describes the handoff as it is stored now; whatever
//! changes the handoff's text (reparse, retention purge) deletes the row, and
//! the next read or backfill makes it again.

use super::{Store, from_ms};
use crate::error::Result;
use crate::model::{BriefingFacts, BuyingSignal, PastHandoff, Tone};
use rusqlite::{OptionalExtension, Transaction, params};

/// How many earlier handoffs a briefing lists at most.
const HISTORY_MAX: i64 = 10;

/// Write one handoff's facts (replacing any).
pub(super) fn write(tx: &Transaction<'_>, handoff_id: i64, f: &BriefingFacts) -> Result<()> {
    let signals: Vec<&str> = f.signals.iter().map(|s| s.as_str()).collect();
    tx.prepare_cached(
        "INSERT OR REPLACE INTO briefings (handoff_id, summary, tone, signals, company)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        handoff_id,
        f.summary,
        f.tone.as_str(),
        serde_json::to_string(&signals).unwrap_or_else(|_| "[]".into()),
        f.company
    ])?;
    Ok(())
}

impl Store {
    /// A handoff's stored briefing facts, `None` when none was made yet.
    pub fn briefing_facts(&self, handoff_id: i64) -> Result<Option<BriefingFacts>> {
        let row = self
            .conn
            .query_row(
                "SELECT summary, tone, signals, company FROM briefings WHERE handoff_id = ?1",
                [handoff_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(|(summary, tone, signals, company)| BriefingFacts {
            summary,
            tone: tone.parse().unwrap_or(Tone::Calm),
            signals: serde_json::from_str::<Vec<String>>(&signals)
                .unwrap_or_default()
                .iter()
                .filter_map(|s| s.parse::<BuyingSignal>().ok())
                .collect(),
            company,
        }))
    }

    /// Store briefing facts made after the handoff was stored, in one transaction.
    pub fn write_briefings(&mut self, facts: &[(i64, BriefingFacts)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (id, f) in facts {
            // The handoff may have been erased meanwhile: write only for a live row.
            let live: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM handoffs WHERE id = ?1)", [id], |r| r.get(0))?;
            if live {
                write(&tx, *id, f)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` handoffs with no briefing yet (not purged), oldest first.
    pub fn handoffs_without_briefing(&self, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id FROM handoffs h LEFT JOIN briefings b ON b.handoff_id = h.id
              WHERE b.handoff_id IS NULL AND h.purged_at IS NULL ORDER BY h.id LIMIT ?1",
        )?;
        let ids = stmt.query_map([limit as i64], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Earlier handoffs (received before this one) from the same email address
    /// (any case) or phone number (digits compared), newest first: in the same
    /// workspace, and in the other workspaces of the same client (see
    /// [`crate::model::WorkspaceSettings::client`]).
    pub fn visitor_history(&self, handoff_id: i64) -> Result<Vec<PastHandoff>> {
        let sql = format!(
            "WITH own AS (SELECT hw.id AS ws, {client_of_hw} AS client
                            FROM handoffs h JOIN workspaces hw ON hw.id = h.workspace_id WHERE h.id = ?1),
                  mates AS (SELECT w.id FROM workspaces w, own
                             WHERE w.id = own.ws OR (own.client <> '' AND {client_of_w} = own.client))
             SELECT o.id, w.slug, o.received_at, o.question, o.status
               FROM handoffs h
               JOIN handoffs o ON o.workspace_id IN (SELECT id FROM mates) AND o.id <> h.id
                AND (o.received_at < h.received_at OR (o.received_at = h.received_at AND o.id < h.id))
               JOIN workspaces w ON w.id = o.workspace_id
              WHERE h.id = ?1 AND o.purged_at IS NULL
                AND ((h.visitor_email IS NOT NULL AND lower(o.visitor_email) = lower(h.visitor_email))
                  OR (length({h}) >= 6 AND {o} = {h}))
              ORDER BY o.received_at DESC, o.id DESC LIMIT ?2",
            h = digits("h.visitor_phone"),
            o = digits("o.visitor_phone"),
            client_of_hw = client("hw.settings"),
            client_of_w = client("w.settings"),
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![handoff_id, HISTORY_MAX], |r| {
                Ok(PastHandoff {
                    id: r.get(0)?,
                    workspace: r.get(1)?,
                    received_at: from_ms(r.get(2)?),
                    question: r.get(3)?,
                    status: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// SQL for a workspace's client label as compared: trimmed, lower case, '' when none.
fn client(settings: &str) -> String {
    format!("lower(trim(coalesce(json_extract({settings}, '$.client'), '')))")
}

/// SQL for a phone column with its spaces, dashes, dots, brackets and plus removed.
fn digits(col: &str) -> String {
    ["' '", "'-'", "'.'", "'('", "')'", "'+'"]
        .iter()
        .fold(format!("coalesce({col}, '')"), |acc, ch| format!("replace({acc}, {ch}, '')"))
}
