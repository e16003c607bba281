//! Taking back a close or a snooze: a resolved (or lost) handoff reopens as
//! it was before, and a snoozed one wakes now. These are the window's Undo
//! and Reopen, so each is the exact inverse a person expects:
//!
//! - reopening clears the resolution; the status goes back to `replied` when
//!   the visitor was already contacted (the promise is met), else to
//!   `awaiting_reply`;
//! - a promise the close dropped runs again (or is breached at once when its
//!   due time passed meanwhile), and the follow-ups the close cancelled that
//!   are still ahead (reminder, backup alert, breach, callback) are pending
//!   again; ones already past stay cancelled (no alarm for a moment gone by);
//! - undoing "contacted" unmeets the promise (running again, or breached when
//!   its due time passed), puts back the reminders that contact cancelled
//!   and are still ahead, and returns a handoff the contact moved to
//!   `replied` to `awaiting_reply`;
//! - everything lands in the timeline like any other change.

use super::promises::{current_status, event};
use super::{Store, from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::Status;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Reopen a resolved or lost handoff (see the module header).
    pub fn reopen(&mut self, id: i64, at: DateTime<Utc>) -> Result<Status> {
        let tx = self.conn.transaction()?;
        let status = current_status(&tx, id)?;
        if !matches!(status, Status::Resolved | Status::Lost) {
            return Err(Error::Invalid(format!("Handoff #{id} is already open.")));
        }
        // When it was closed: the follow-ups cancelled then are the close's.
        let closed_at: Option<i64> = tx
            .query_row(
                "SELECT MAX(at) FROM events WHERE handoff_id = ?1 AND kind = 'status' AND detail IN ('resolved', 'lost')",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let met: bool = tx
            .query_row("SELECT met_at IS NOT NULL FROM promises WHERE handoff_id = ?1", [id], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        let back = if met { Status::Replied } else { Status::AwaitingReply };
        tx.execute(
            "UPDATE handoffs SET status = ?2, resolution = NULL WHERE id = ?1",
            params![id, back.as_str()],
        )?;
        tx.execute(
            "UPDATE promises SET state = CASE WHEN due_at <= ?2 THEN 'breached' ELSE 'running' END
             WHERE handoff_id = ?1 AND state = 'dropped' AND met_at IS NULL",
            params![id, to_ms(at)],
        )?;
        if let Some(closed) = closed_at {
            tx.execute(
                "UPDATE follow_ups SET done_at = NULL, outcome = NULL
                 WHERE handoff_id = ?1 AND outcome = 'cancelled' AND done_at = ?2 AND due_at > ?3",
                params![id, closed, to_ms(at)],
            )?;
        }
        event(&tx, id, at, "status", "reopened")?;
        event(&tx, id, at, "status", back.as_str())?;
        tx.commit()?;
        Ok(back)
    }

    /// Undo [`Store::mark_contacted`] (see the module header). Refused when
    /// the promise was met by something else (a reply sent), which stays.
    pub fn undo_contacted(&mut self, id: i64, at: DateTime<Utc>) -> Result<Status> {
        let tx = self.conn.transaction()?;
        let status = current_status(&tx, id)?;
        let met: Option<(Option<i64>, Option<String>)> = tx
            .query_row("SELECT met_at, met_by FROM promises WHERE handoff_id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((Some(met_at), Some(by))) = met else {
            return Err(Error::Invalid(format!("Handoff #{id} was not marked as contacted.")));
        };
        if !matches!(by.as_str(), "phone" | "email" | "other") {
            return Err(Error::Invalid(format!(
                "Handoff #{id} was answered by {by}, not only marked as contacted: that stays."
            )));
        }
        tx.execute(
            "UPDATE promises SET met_at = NULL, met_by = NULL,
                 state = CASE WHEN due_at <= ?2 THEN 'breached' ELSE 'running' END
             WHERE handoff_id = ?1",
            params![id, to_ms(at)],
        )?;
        tx.execute(
            "UPDATE follow_ups SET done_at = NULL, outcome = NULL
             WHERE handoff_id = ?1 AND outcome = 'cancelled' AND done_at = ?2 AND due_at > ?3",
            params![id, met_at, to_ms(at)],
        )?;
        let back = if status == Status::Replied { Status::AwaitingReply } else { status };
        if back != status {
            tx.execute("UPDATE handoffs SET status = ?2 WHERE id = ?1", params![id, back.as_str()])?;
            event(&tx, id, at, "status", back.as_str())?;
        }
        event(&tx, id, at, "contacted", "marked contacted by mistake: undone")?;
        tx.commit()?;
        Ok(back)
    }

    /// Until when a handoff is snoozed, if it is.
    pub fn snoozed_until(&self, id: i64) -> Result<Option<DateTime<Utc>>> {
        let until: Option<Option<i64>> = self
            .conn
            .query_row("SELECT snoozed_until FROM handoffs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(until.ok_or(Error::NoSuchHandoff(id))?.map(from_ms))
    }
}
