//! The timer tick: fire every follow-up whose time has come, exactly once,
//! and the `due` list.
//!
//! A follow-up is claimed by setting `done_at` in the same transaction as its
//! effects (the promise breached, the timeline entry, the backup alert queued),
//! so two processes ticking the same file, or a crash mid-tick, cannot fire it
//! twice or lose it.
//!
//! Catch-up: follow-ups found more than `late_after` past due (the app was
//! closed), or any found on the first tick after the computer slept or the
//! process was stopped ([`FireOptions::woke`]), are late. A late promise
//! follow-up whose handoff is still actionable (open, unanswered, unclaimed)
//! fires now, marked late ("was due 07:40, sent at 09:12 after this computer
//! woke"): its notification, its Slack/Teams alert and the backup contact's
//! email. Only the latest of a handoff's late follow-ups notifies and alerts (a
//! week away is one alert per handoff, not three); the rest, and whatever is no
//! longer actionable, are folded into one summary line.

use super::alerts::{AlertJob, actionable_in, queue_alerts_in};
use super::handoffs::handoff_in;
use super::promises::{FOLLOW_UP_COLUMNS, PROMISE_COLUMNS, event, follow_up_row, promise_row};
use super::replies::queue_in;
use super::{Store, from_ms, to_ms};
use crate::error::Result;
use crate::model::{
    AlertChannel, AlertEvent, EngineRole, FollowUpKind, Handoff, Promise, PromiseState, Status, Workspace,
};
use crate::promise::{Calendar, notices};
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

/// How a tick runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FireOptions {
    /// Which kind of process ticks (who sends alerts and backup emails is a workspace setting).
    pub role: EngineRole,
    /// The first tick after the computer slept or the process was stopped:
    /// everything due now came due meanwhile and is late.
    pub woke: bool,
}

fn promise_event(kind: FollowUpKind) -> Option<(AlertEvent, u8)> {
    match kind {
        FollowUpKind::Reminder => Some((AlertEvent::Reminder, 1)),
        FollowUpKind::BackupContact => Some((AlertEvent::Backup, 2)),
        FollowUpKind::Breach => Some((AlertEvent::Breach, 3)),
        FollowUpKind::SecondAttempt | FollowUpKind::Callback => None,
    }
}

impl Store {
    /// Fire every follow-up due at `now`, once, as the laptop app after no sleep.
    pub fn fire_due(&mut self, now: DateTime<Utc>, late_after: Duration) -> Result<TickReport> {
        self.fire_due_with(now, late_after, FireOptions::default())
    }

    /// Fire every follow-up due at `now`, once. See the module doc.
    pub fn fire_due_with(
        &mut self,
        now: DateTime<Utc>,
        late_after: Duration,
        opts: FireOptions,
    ) -> Result<TickReport> {
        let workspaces: HashMap<i64, Workspace> = self.workspaces()?.into_iter().map(|w| (w.id, w)).collect();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due = {
            let sql = format!(
                "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups WHERE done_at IS NULL AND due_at <= ?1 ORDER BY due_at, id"
            );
            let mut stmt = tx.prepare(&sql)?;
            stmt.query_map([to_ms(now)], follow_up_row)?.collect::<rusqlite::Result<Vec<_>>>()?
        };
        // The latest late promise follow-up of each handoff speaks for it.
        let mut latest: HashMap<i64, u8> = HashMap::new();
        for fu in &due {
            if let Some((_, rank)) = promise_event(fu.kind) {
                let e = latest.entry(fu.handoff_id).or_default();
                *e = (*e).max(rank);
            }
        }
        let because = match (opts.woke, opts.role) {
            (true, _) => "after this computer woke",
            (false, EngineRole::Companion) => "after the companion started again",
            (false, EngineRole::Laptop) => "after Handoff Desk started again",
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
            let late = opts.woke || now - fu.due_at > late_after;
            let pev = promise_event(fu.kind);
            // Late and still needing someone: it goes out now, marked late.
            let late_fire = late
                && relevant
                && match pev {
                    Some((e, _)) => actionable_in(&tx, h.id, e)?,
                    None => false,
                };
            let speaks = pev.is_none_or(|(_, rank)| latest.get(&h.id).is_none_or(|m| rank >= *m));
            let fire = relevant && (!late || (late_fire && speaks));
            let outcome = match (relevant, fire) {
                (false, _) => "skipped",
                (true, false) => "caught_up",
                (true, true) if late => "fired_late",
                (true, true) => "fired",
            };
            tx.execute(
                "UPDATE follow_ups SET done_at = ?2, outcome = ?3 WHERE id = ?1 AND done_at IS NULL",
                params![fu.id, to_ms(now), outcome],
            )?;
            if !relevant {
                continue;
            }
            let cal = Calendar::for_workspace(ws);
            let late_note = late_fire.then(|| {
                let local = |t: DateTime<Utc>| t.with_timezone(&cal.tz()).format("%H:%M").to_string();
                format!("was due {}, sent at {} {because}", local(fu.due_at), local(now))
            });
            let name = notices::who(&h);
            let due_label = promise.as_ref().map(|p| cal.local_label(p.due_at)).unwrap_or_default();
            let (title, body) = match fu.kind {
                FollowUpKind::Reminder => {
                    let mins = promise.as_ref().map(|p| (p.due_at - now).num_minutes().max(0)).unwrap_or(0);
                    notices::reminder(&name, mins, &due_label, &h, ws)
                }
                FollowUpKind::BackupContact => {
                    let (title, mut body) = notices::backup_contact(&name, &due_label, &h, ws);
                    let sends = ws.settings.alerts.sender.allows(opts.role);
                    if fu.channel.as_deref() == Some("email") && (!late || late_fire) && sends {
                        match promise.as_ref().and_then(|p| notices::backup_email(ws, &h, p, fu.id)) {
                            Some(mut mail) => {
                                if let Some(note) = &late_note {
                                    notices::mark_late(&mut mail, note);
                                }
                                let (_, job) = queue_in(&tx, ws.id, &mail, now)?;
                                report.queued_jobs.push(job);
                                body.push_str(&notices::emailing_backup(&mail.to));
                            }
                            None => body.push_str(notices::BACKUP_NOT_EMAILED),
                        }
                    }
                    (title, body)
                }
                FollowUpKind::Breach => {
                    tx.execute(
                        "UPDATE promises SET state = 'breached' WHERE handoff_id = ?1 AND state = 'running'",
                        [h.id],
                    )?;
                    notices::breach(&name, &due_label, &h, ws)
                }
                FollowUpKind::SecondAttempt => notices::second_attempt(&name, &h, ws),
                FollowUpKind::Callback => notices::callback(&name, fu.note.as_deref(), &h, ws),
            };
            let body = notices::with_late(body, late_note.as_deref());
            let detail = notices::detail(&title, late_note.as_deref(), late);
            if fire && let Some((e, _)) = pev {
                let job = AlertJob {
                    channel: AlertChannel::Slack,
                    event: e,
                    handoff_id: h.id,
                    follow_up_id: Some(fu.id),
                    due_at: Some(fu.due_at),
                    late_because: late_note.clone(),
                };
                report.queued_jobs.extend(queue_alerts_in(&tx, ws, opts.role, job, now)?);
            }
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
            if fire { report.fired.push(notice) } else { report.caught_up.push(notice) }
        }
        tx.commit()?;
        report.summary = notices::caught_up_summary(
            &report.caught_up.iter().map(|n| n.kind).collect::<Vec<_>>(),
            opts.woke,
        );
        Ok(report)
    }

    /// When the earliest pending follow-up comes due.
    pub fn next_follow_up_at(&self) -> Result<Option<DateTime<Utc>>> {
        let t: Option<i64> =
            self.conn
                .query_row("SELECT min(due_at) FROM follow_ups WHERE done_at IS NULL", [], |r| r.get(0))?;
        Ok(t.map(from_ms))
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
