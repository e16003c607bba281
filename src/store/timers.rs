//! The timer tick: fire every follow-up whose time has come, exactly once,
//! and the `due` list.
//!
//! A follow-up is claimed by setting `done_at` in the same transaction as its
//! effects (the promise breached, the timeline entry, the backup alert queued),
//! so two processes ticking the same file, or a crash mid-tick, cannot fire it
//! twice or lose it. Follow-ups found more than `late_after` past due (the app
//! was closed) are caught up: their effects apply, but they are folded into one
//! summary instead of a notification each, and no alert emails go out for them.

use super::handoffs::handoff_in;
use super::promises::{FOLLOW_UP_COLUMNS, PROMISE_COLUMNS, event, follow_up_row, promise_row};
use super::replies::queue_in;
use super::{Store, from_ms, to_ms};
use crate::error::Result;
use crate::model::{FollowUpKind, Handoff, Promise, PromiseState, Status, Workspace};
use crate::promise::Calendar;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::HashMap;

/// Something to tell the owner (a desktop notification, a CLI line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notice {
    /// What fired.
    pub kind: FollowUpKind,
    /// The follow-up row.
    pub follow_up_id: i64,
    /// The handoff.
    pub handoff_id: i64,
    /// Its workspace's short name.
    pub workspace: String,
    /// When it was due.
    pub due_at: DateTime<Utc>,
    /// One line ("Reply to Dana due in 30 min").
    pub title: String,
    /// More detail.
    pub body: String,
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TickReport {
    /// Fired on time: one notification each.
    pub fired: Vec<Notice>,
    /// Fired late after the app was closed: folded into `summary`.
    pub caught_up: Vec<Notice>,
    /// One line for everything caught up, if anything was.
    pub summary: Option<String>,
    /// Outbox jobs queued (backup alerts).
    pub queued_jobs: Vec<i64>,
}

/// One line of `handoff due`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    /// `promise`, `callback` or `second_attempt`.
    pub kind: String,
    /// When.
    pub due_at: DateTime<Utc>,
    /// The handoff.
    pub handoff: Handoff,
    /// Its promise, for promise items.
    pub promise: Option<Promise>,
    /// The owner's note (callbacks).
    pub note: Option<String>,
    /// The workspace's time zone, to show times in.
    pub time_zone: String,
}

fn who(h: &Handoff) -> String {
    h.visitor
        .name
        .clone()
        .or_else(|| h.visitor.email.clone())
        .unwrap_or_else(|| format!("visitor of #{}", h.id))
}

impl Store {
    /// Fire every follow-up due at `now`, once. See the module doc.
    pub fn fire_due(&mut self, now: DateTime<Utc>, late_after: Duration) -> Result<TickReport> {
        let workspaces: HashMap<i64, Workspace> = self.workspaces()?.into_iter().map(|w| (w.id, w)).collect();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due = {
            let sql = format!(
                "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups WHERE done_at IS NULL AND due_at <= ?1 ORDER BY due_at, id"
            );
            let mut stmt = tx.prepare(&sql)?;
            stmt.query_map([to_ms(now)], follow_up_row)?.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let mut report = TickReport::default();
        for fu in due {
            let Some(h) = handoff_in(&tx, fu.handoff_id)? else { continue };
            let Some(ws) = workspaces.get(&h.workspace_id) else { continue };
            let promise: Option<Promise> = tx
                .query_row(
                    &format!("SELECT {PROMISE_COLUMNS} FROM promises WHERE handoff_id = ?1"),
                    [h.id],
                    promise_row,
                )
                .optional()?;
            let running = promise.as_ref().is_some_and(|p| p.state == PromiseState::Running);
            let open = !matches!(h.status, Status::Resolved | Status::Lost);
            let relevant = match fu.kind {
                FollowUpKind::Reminder | FollowUpKind::BackupContact | FollowUpKind::Breach => {
                    running && open
                }
                FollowUpKind::SecondAttempt => matches!(h.status, Status::Replied | Status::WaitingOnVisitor),
                FollowUpKind::Callback => open,
            };
            let late = now - fu.due_at > late_after;
            let outcome = match (relevant, late) {
                (false, _) => "skipped",
                (true, true) => "caught_up",
                (true, false) => "fired",
            };
            tx.execute(
                "UPDATE follow_ups SET done_at = ?2, outcome = ?3 WHERE id = ?1 AND done_at IS NULL",
                params![fu.id, to_ms(now), outcome],
            )?;
            if !relevant {
                continue;
            }
            let cal = Calendar::for_workspace(ws);
            let name = who(&h);
            let due_label = promise.as_ref().map(|p| cal.local_label(p.due_at)).unwrap_or_default();
            let (title, body) = match fu.kind {
                FollowUpKind::Reminder => {
                    let mins = promise.as_ref().map(|p| (p.due_at - now).num_minutes().max(0)).unwrap_or(0);
                    (
                        format!("Reply to {name} due in {mins} min"),
                        format!("Promised: reply by {due_label}. #{} in {}", h.id, ws.name),
                    )
                }
                FollowUpKind::BackupContact => {
                    let mut body =
                        format!("Due {due_label}; nobody has replied to #{} in {}.", h.id, ws.name);
                    if fu.channel.as_deref() == Some("email") && !late {
                        match promise.as_ref().and_then(|p| crate::reply::backup_alert(ws, &h, p, fu.id)) {
                            Some(mail) => {
                                let (_, job) = queue_in(&tx, ws.id, &mail, now)?;
                                report.queued_jobs.push(job);
                                body.push_str(&format!(" Emailing the backup contact {}.", mail.to));
                            }
                            None => body.push_str(" The backup contact was not emailed: set a backup contact and a reply identity (`handoff smtp set`)."),
                        }
                    }
                    (format!("Promise to {name} is about to break"), body)
                }
                FollowUpKind::Breach => {
                    tx.execute(
                        "UPDATE promises SET state = 'breached' WHERE handoff_id = ?1 AND state = 'running'",
                        [h.id],
                    )?;
                    (
                        format!("Promise broken: {name} is still waiting"),
                        format!("A reply was due {due_label}. #{} in {}", h.id, ws.name),
                    )
                }
                FollowUpKind::SecondAttempt => (
                    format!("No answer from {name}: time for a second attempt"),
                    format!("`handoff reply {} --second` sends a follow-up. #{} in {}", h.id, h.id, ws.name),
                ),
                FollowUpKind::Callback => {
                    let phone = h.visitor.phone.clone().unwrap_or_else(|| "no phone number on file".into());
                    let note = fu.note.clone().map(|n| format!(" — {n}")).unwrap_or_default();
                    (format!("Call {name} back now"), format!("{phone}{note}. #{} in {}", h.id, ws.name))
                }
            };
            let detail = if late {
                format!("{title} (caught up: the app was closed when it was due)")
            } else {
                title.clone()
            };
            event(&tx, h.id, now, "follow_up", &detail)?;
            let notice = Notice {
                kind: fu.kind,
                follow_up_id: fu.id,
                handoff_id: h.id,
                workspace: ws.slug.clone(),
                due_at: fu.due_at,
                title,
                body,
            };
            if late { report.caught_up.push(notice) } else { report.fired.push(notice) }
        }
        tx.commit()?;
        report.summary = summary(&report.caught_up);
        Ok(report)
    }

    /// What is due and overdue across workspaces (or one), earliest first:
    /// unmet promises of open handoffs, pending callbacks and second attempts.
    /// Snoozed handoffs are left out until their snooze ends unless `with_snoozed`.
    pub fn due(
        &self,
        now: DateTime<Utc>,
        workspace_id: Option<i64>,
        with_snoozed: bool,
    ) -> Result<Vec<DueItem>> {
        let zones: HashMap<i64, String> =
            self.workspaces()?.into_iter().map(|w| (w.id, w.time_zone)).collect();
        let mut rows: Vec<(String, i64, i64, Option<String>)> = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT 'promise', p.due_at, h.id, NULL FROM promises p JOIN handoffs h ON h.id = p.handoff_id
              WHERE p.met_at IS NULL AND p.state IN ('running', 'breached') AND h.status NOT IN ('resolved', 'lost')
                AND (?1 IS NULL OR h.workspace_id = ?1) AND (?2 OR h.snoozed_until IS NULL OR h.snoozed_until <= ?3)
             UNION ALL
             SELECT f.kind, f.due_at, h.id, f.note FROM follow_ups f JOIN handoffs h ON h.id = f.handoff_id
              WHERE f.done_at IS NULL AND f.kind IN ('callback', 'second_attempt') AND h.status NOT IN ('resolved', 'lost')
                AND (?1 IS NULL OR h.workspace_id = ?1) AND (?2 OR h.snoozed_until IS NULL OR h.snoozed_until <= ?3)
             ORDER BY 2, 3",
        )?;
        let mapped = stmt.query_map(params![workspace_id, with_snoozed, to_ms(now)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in mapped {
            rows.push(row?);
        }
        let mut out = Vec::with_capacity(rows.len());
        for (kind, due, id, note) in rows {
            let Some(handoff) = handoff_in(&self.conn, id)? else { continue };
            let promise = if kind == "promise" { self.promise(id)? } else { None };
            let time_zone = zones.get(&handoff.workspace_id).cloned().unwrap_or_else(|| "UTC".into());
            out.push(DueItem { kind, due_at: from_ms(due), handoff, promise, note, time_zone });
        }
        Ok(out)
    }
}

fn summary(caught: &[Notice]) -> Option<String> {
    if caught.is_empty() {
        return None;
    }
    let count = |k: FollowUpKind| caught.iter().filter(|n| n.kind == k).count();
    let parts: Vec<String> = [
        (count(FollowUpKind::Breach), "promise broke", "promises broke"),
        (count(FollowUpKind::Reminder), "reminder passed", "reminders passed"),
        (count(FollowUpKind::BackupContact), "backup alert was due", "backup alerts were due"),
        (count(FollowUpKind::Callback), "callback is overdue", "callbacks are overdue"),
        (count(FollowUpKind::SecondAttempt), "second attempt is due", "second attempts are due"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    Some(format!(
        "While Handoff Desk was closed: {}. `handoff due` lists what is still open.",
        parts.join(", ")
    ))
}
