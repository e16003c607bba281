//! The demo's last hours staged as a real morning, whatever day it is made
//! on: a few handoffs new since yesterday with time left, one due within the
//! hour, exactly one overdue, the rest of the recent ones answered (replied,
//! or waiting on the visitor), and one held by a teammate. Random history
//! alone leaves almost every recent row red ("overdue 1 d"), because business
//! hours pause the clock over nights and weekends but not the calendar.
//!
//! Due times are set on the promise rows directly: the morning is data, not
//! a run of the timer (follow-ups of the staged promises are re-timed to
//! match, so nothing fires for a past that did not happen).

use crate::error::Result;
use crate::model::{ParseStatus, Status};
use crate::store::{InboxFilter, Store, to_ms};
use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

/// New handoffs left open with time to spare.
pub const NEW_OPEN: usize = 4;

/// The teammate who has claimed one of the morning's handoffs.
pub const TEAMMATE: (&str, &str) = ("Sam", "sam@acme-plumbing.example");

/// Stage the morning over what [`super::install`] stored (see the module header).
pub fn stage(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    // Every open handoff; the unreadable samples (kept raw) stay new, with
    // time left on their promise; the rest are staged below.
    let open = store.inbox(&InboxFilter { limit: 100_000, ..Default::default() }, now)?;
    let (raw, read): (Vec<_>, Vec<_>) = open
        .into_iter()
        .filter(|e| matches!(e.handoff.status, Status::New | Status::AwaitingReply))
        .partition(|e| e.handoff.parse_status == ParseStatus::Raw);
    for e in &raw {
        if e.due_at.is_some_and(|d| d <= now + Duration::hours(1)) {
            set_due(store, e.handoff.id, now + Duration::hours(4), "running")?;
        }
    }
    let mut recent = read;
    // Newest first: they are the morning's arrivals.
    recent.sort_by_key(|e| std::cmp::Reverse(e.handoff.received_at));
    // A small demo has fewer recent ones: the due-soon and the overdue come first.
    let new = NEW_OPEN.min(recent.len().saturating_sub(2)).max(1);
    for (i, e) in recent.iter().enumerate() {
        let id = e.handoff.id;
        match i {
            // Arrived since yesterday, with hours left on the promise.
            i if i < new => set_due(store, id, now + Duration::minutes(95 + 70 * i as i64), "running")?,
            // One to answer now.
            i if i == new => set_due(store, id, now + Duration::minutes(38), "running")?,
            // The one that slipped.
            i if i == new + 1 => set_due(store, id, now - Duration::minutes(52), "breached")?,
            // Everything older was answered (on time or late, as its promise says).
            n => {
                let at = (e.handoff.received_at + Duration::minutes(25 + (n as i64 % 7) * 40)).min(now);
                let status = if n % 3 == 0 { Status::WaitingOnVisitor } else { Status::Replied };
                store.set_status(id, Status::Replied, at)?;
                if status != Status::Replied {
                    store.set_status(id, status, at)?;
                }
            }
        }
    }
    // A teammate has the second-newest in hand.
    if let Some(e) = recent.get(1) {
        store.conn().execute(
            "INSERT OR REPLACE INTO claims (handoff_id, by_name, by_email, at, mine, pending, note)
             VALUES (?1, ?2, ?3, ?4, 0, NULL, NULL)",
            params![e.handoff.id, TEAMMATE.0, TEAMMATE.1, to_ms(now - Duration::minutes(12))],
        )?;
    }
    Ok(())
}

/// The handoff's promise due at `due` in `state`, its pending follow-ups
/// re-timed around it (reminder before, breach and backup alert at due).
fn set_due(store: &Store, id: i64, due: DateTime<Utc>, state: &str) -> Result<()> {
    let conn = store.conn();
    conn.execute(
        "UPDATE promises SET due_at = ?2, state = ?3, met_at = NULL, met_by = NULL WHERE handoff_id = ?1",
        params![id, to_ms(due), state],
    )?;
    conn.execute(
        "UPDATE follow_ups SET due_at = CASE kind WHEN 'reminder' THEN ?2 ELSE ?3 END
         WHERE handoff_id = ?1 AND done_at IS NULL AND kind IN ('reminder', 'breach', 'backup_contact')",
        params![id, to_ms(due - Duration::minutes(30)), to_ms(due)],
    )?;
    if state == "breached" {
        // It already broke: its alarms went off then.
        conn.execute(
            "UPDATE follow_ups SET done_at = ?2, outcome = 'fired'
             WHERE handoff_id = ?1 AND done_at IS NULL AND kind IN ('reminder', 'breach', 'backup_contact')",
            params![id, to_ms(due)],
        )?;
    }
    Ok(())
}
