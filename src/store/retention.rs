//! Retention, per workspace ([`crate::model::PrivacySettings`]): raw
//! originals go N days after arrival; the personal data of a resolved or
//! closed handoff goes N calendar months after it was closed.
//!
//! Invariants:
//! - "N months after" is counted on the workspace's calendar: closed on
//!   31 January at 10:00 local, one month is 28 (or 29) February at 10:00
//!   (the last day of a shorter month; chrono's `checked_add_months`);
//! - a purged handoff keeps its row with the workspace, reason, times,
//!   after-hours flag, status, resolution and promise, so the monthly figures
//!   and the knowledge-gap counts keep their numbers; it loses the visitor,
//!   page address, question, subject, the bot's wording, transcript, raw
//!   original, replies, outbox jobs, notes, team records, gap embedding and
//!   search entry, and leaves the inbox, lists and search;
//! - each run that removes anything leaves one tombstone (`by = retention`)
//!   with counts only; removing is followed by the same scrub as an erasure.

use super::{Store, from_ms, to_ms};
use crate::error::Result;
use chrono::{DateTime, Months, TimeZone, Utc};
use rusqlite::params;

/// What a retention run removed (or would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    /// Raw originals removed (handoffs' and set-aside platform events').
    pub raw_originals: i64,
    /// Handoffs whose personal data was removed.
    pub handoffs: i64,
}

/// When a handoff closed `closed_at` is due for purging after `months`, in zone `tz`.
pub fn purge_due(closed_at: DateTime<Utc>, months: u32, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let local = closed_at.with_timezone(&tz).naive_local();
    let later = local.checked_add_months(Months::new(months))?;
    // A wall time that a clock change skips or repeats: the earliest instant after it.
    tz.from_local_datetime(&later)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(later + chrono::Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// Apply every workspace's retention as of `now` (or count only, with `dry_run`).
    pub fn apply_retention(&mut self, now: DateTime<Utc>, dry_run: bool) -> Result<RetentionReport> {
        let mut report = RetentionReport::default();
        let workspaces = self.workspaces()?;
        let tx = self.conn.transaction()?;
        for ws in &workspaces {
            let policy = &ws.settings.privacy;
            if policy.raw_days > 0 {
                let cutoff = to_ms(now - chrono::Duration::days(i64::from(policy.raw_days)));
                let (raw, skipped): (i64, i64) = tx.query_row(
                    "SELECT (SELECT count(*) FROM raw_sources r JOIN handoffs h ON h.id = r.handoff_id
                              WHERE h.workspace_id = ?1 AND h.received_at < ?2),
                            (SELECT count(*) FROM skipped_events WHERE workspace_id = ?1 AND received_at < ?2)",
                    params![ws.id, cutoff],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                report.raw_originals += raw + skipped;
                if !dry_run && raw + skipped > 0 {
                    tx.execute(
                        "DELETE FROM raw_sources WHERE handoff_id IN
                            (SELECT id FROM handoffs WHERE workspace_id = ?1 AND received_at < ?2)",
                        params![ws.id, cutoff],
                    )?;
                    tx.execute(
                        "DELETE FROM skipped_events WHERE workspace_id = ?1 AND received_at < ?2",
                        params![ws.id, cutoff],
                    )?;
                }
            }
            if policy.handoff_months > 0 {
                let tz: chrono_tz::Tz = ws.time_zone.parse().unwrap_or(chrono_tz::UTC);
                // When each closed handoff closed: its last status change.
                let closed: Vec<(i64, i64)> = {
                    let mut stmt = tx.prepare(
                        "SELECT h.id, (SELECT max(e.at) FROM events e WHERE e.handoff_id = h.id AND e.kind = 'status')
                         FROM handoffs h
                         WHERE h.workspace_id = ?1 AND h.purged_at IS NULL AND h.status IN ('resolved', 'lost')",
                    )?;
                    stmt.query_map([ws.id], |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))))?
                        .collect::<rusqlite::Result<_>>()?
                };
                let due: Vec<i64> = closed
                    .into_iter()
                    .filter(|(_, at)| {
                        purge_due(from_ms(*at), policy.handoff_months, tz).is_some_and(|d| d <= now)
                    })
                    .map(|(id, _)| id)
                    .collect();
                report.handoffs += due.len() as i64;
                if !dry_run {
                    for id in due {
                        purge(&tx, id, now)?;
                    }
                }
            }
        }
        if !dry_run && (report.raw_originals > 0 || report.handoffs > 0) {
            let detail = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
            tx.execute(
                "INSERT INTO erasures (at, by, handoffs, detail) VALUES (?1, 'retention', ?2, ?3)",
                params![to_ms(now), report.handoffs, detail],
            )?;
        }
        tx.commit()?;
        if !dry_run && (report.raw_originals > 0 || report.handoffs > 0) {
            self.scrub()?;
        }
        Ok(report)
    }
}

/// Remove one handoff's personal data, keeping what the counts need.
fn purge(tx: &rusqlite::Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<()> {
    let (ws, key): (i64, String) =
        tx.query_row("SELECT workspace_id, source_key FROM handoffs WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    // The source read again must not bring the visitor back.
    tx.execute(
        "INSERT OR IGNORE INTO erased_sources (workspace_id, key_hash) VALUES (?1, ?2)",
        params![ws, super::erase::key_hash(&key)],
    )?;
    tx.execute(
        "UPDATE handoffs SET visitor_name = NULL, visitor_email = NULL, visitor_phone = NULL,
             page_url = NULL, page_title = NULL, question = NULL, subject = NULL, reason_detail = NULL,
             message_id = NULL, source_key = 'purged:' || id, parse_notes = '[]', purged_at = ?2
         WHERE id = ?1",
        params![id, to_ms(now)],
    )?;
    for sql in [
        "DELETE FROM messages WHERE handoff_id = ?1",
        "DELETE FROM raw_sources WHERE handoff_id = ?1",
        "DELETE FROM replies WHERE handoff_id = ?1",
        "DELETE FROM outbox WHERE handoff_id = ?1",
        "DELETE FROM claims WHERE handoff_id = ?1",
        "DELETE FROM answers WHERE handoff_id = ?1",
        "DELETE FROM question_vectors WHERE handoff_id = ?1",
        "DELETE FROM briefings WHERE handoff_id = ?1",
        "DELETE FROM handoff_fts WHERE rowid = ?1",
        // The timeline keeps only the status changes and the resolution.
        "DELETE FROM events WHERE handoff_id = ?1 AND kind NOT IN ('status', 'resolution')",
        "UPDATE follow_ups SET note = NULL, channel = NULL WHERE handoff_id = ?1",
        "UPDATE hubspot_pushes SET message = NULL WHERE handoff_id = ?1",
    ] {
        tx.execute(sql, [id])?;
    }
    Ok(())
}
