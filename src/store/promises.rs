//! Promises and the status flow: a promise is scheduled when a handoff is
//! stored, met by the first contact, breached when its due time passes, and
//! dropped when the handoff is closed without one. Its follow-ups (reminder,
//! backup alert, breach) are rows fired once by [`Store::fire_due`].
//!
//! Rules:
//! - the bot's promise wording is used when it names a time; otherwise the
//!   workspace default; with neither, the handoff has no promise;
//! - due times count business time (see [`crate::promise`]); an after-hours
//!   handoff's clock starts at the next opening; the reminder and the backup
//!   alert come from the same [`crate::promise::Due`] the calculator prints
//!   (lead times in business minutes; a morning promise reminds at opening);
//! - a handoff stored after its promise was already due (an import of old
//!   mail) gets a breached promise and no follow-ups: history, not alarms;
//! - the first contact at or before due meets the promise; a later one leaves
//!   it breached with `met_at` set, so "promises kept" stays honest.

use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{
    FollowUp, FollowUpKind, Promise, PromiseOrigin, PromiseState, Resolution, Status, Workspace,
};
use crate::promise::{Calendar, Due, parse};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// What a handoff's promise will be, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPromise {
    /// The wording used.
    pub text: String,
    /// Bot or workspace default.
    pub origin: PromiseOrigin,
    /// When the clock starts.
    pub clock_from: DateTime<Utc>,
    /// When a reply is due.
    pub due_at: DateTime<Utc>,
    /// When the reminder fires ([`crate::promise::Due::reminder_at`] with the
    /// workspace's lead); `None` when the workspace wants no reminder.
    pub reminder_at: Option<DateTime<Utc>>,
    /// When the backup contact is alerted (the backup lead in business minutes before due).
    pub backup_at: DateTime<Utc>,
}

/// Work out a handoff's promise: the bot's words when they name a time, else
/// the workspace default; `None` when neither does or the calendar never opens.
pub fn plan_promise(
    ws: &Workspace,
    bot_text: Option<&str>,
    received: DateTime<Utc>,
) -> Option<PlannedPromise> {
    let cal = Calendar::for_workspace(ws);
    let (text, origin, span) = match bot_text.and_then(|t| parse(t).map(|s| (t, s))) {
        Some((t, s)) => (t, PromiseOrigin::Bot, s),
        None => {
            let t = ws.default_promise.as_deref()?;
            (t, PromiseOrigin::Default, parse(t)?)
        }
    };
    let due = Due::new(span, received, &cal)?;
    let policy = &ws.settings.follow_ups;
    Some(PlannedPromise {
        text: text.to_string(),
        origin,
        clock_from: due.clock_from,
        due_at: due.due_at,
        reminder_at: due.reminder_at(&cal, policy.reminder_before_minutes),
        backup_at: due.before(&cal, policy.backup_before_minutes),
    })
}

/// Store the promise of a newly inserted handoff and schedule its follow-ups.
pub(super) fn schedule(
    tx: &Transaction<'_>,
    ws: &Workspace,
    handoff_id: i64,
    bot_text: Option<&str>,
    received: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(p) = plan_promise(ws, bot_text, received) else { return Ok(()) };
    let state = if p.due_at <= now { PromiseState::Breached } else { PromiseState::Running };
    tx.prepare_cached(
        "INSERT INTO promises (handoff_id, text, due_at, state, clock_from, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![handoff_id, p.text, to_ms(p.due_at), state.as_str(), to_ms(p.clock_from), p.origin.as_str()])?;
    if state != PromiseState::Running {
        return Ok(());
    }
    let policy = &ws.settings.follow_ups;
    if let Some(at) = p.reminder_at {
        add_follow_up(tx, handoff_id, FollowUpKind::Reminder, at, "notification", None)?;
    }
    if ws.backup_contact.is_some() {
        let channel = if policy.backup_email { "email" } else { "notification" };
        add_follow_up(tx, handoff_id, FollowUpKind::BackupContact, p.backup_at, channel, None)?;
    }
    add_follow_up(tx, handoff_id, FollowUpKind::Breach, p.due_at, "notification", None)?;
    Ok(())
}

pub(super) fn add_follow_up(
    conn: &Connection,
    handoff_id: i64,
    kind: FollowUpKind,
    at: DateTime<Utc>,
    channel: &str,
    note: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO follow_ups (handoff_id, kind, due_at, channel, note) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (handoff_id, kind, due_at) DO NOTHING",
    )?
    .execute(params![handoff_id, kind.as_str(), to_ms(at), channel, note])?;
    Ok(())
}

/// Close pending follow-ups of these kinds without firing them.
pub(super) fn cancel_follow_ups(
    conn: &Connection,
    handoff_id: i64,
    kinds: &[FollowUpKind],
    at: DateTime<Utc>,
) -> Result<usize> {
    let mut n = 0;
    for k in kinds {
        n += conn
            .prepare_cached(
                "UPDATE follow_ups SET done_at = ?3, outcome = 'cancelled'
                 WHERE handoff_id = ?1 AND kind = ?2 AND done_at IS NULL",
            )?
            .execute(params![handoff_id, k.as_str(), to_ms(at)])?;
    }
    Ok(n)
}

const PROMISE_KINDS: [FollowUpKind; 3] =
    [FollowUpKind::Reminder, FollowUpKind::BackupContact, FollowUpKind::Breach];

pub(super) fn event(
    conn: &Connection,
    handoff_id: i64,
    at: DateTime<Utc>,
    kind: &str,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO events (handoff_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![handoff_id, to_ms(at), kind, detail])?;
    Ok(())
}

/// The first contact with the visitor: meets the promise (or leaves it breached
/// when late) and stops its reminders. Later contacts change nothing.
pub(super) fn contact(conn: &Connection, handoff_id: i64, at: DateTime<Utc>, how: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE promises SET met_at = ?2, met_by = ?3,
             state = CASE WHEN ?2 <= due_at THEN 'met' ELSE 'breached' END
         WHERE handoff_id = ?1 AND met_at IS NULL",
    )?
    .execute(params![handoff_id, to_ms(at), how])?;
    cancel_follow_ups(conn, handoff_id, &PROMISE_KINDS, at)?;
    Ok(())
}

pub(super) fn promise_row(r: &Row<'_>) -> rusqlite::Result<Promise> {
    let state: String = r.get(4)?;
    let origin: String = r.get(5)?;
    Ok(Promise {
        handoff_id: r.get(0)?,
        text: r.get(1)?,
        clock_from: opt_from_ms(r.get(2)?),
        due_at: from_ms(r.get(3)?),
        state: state.parse().unwrap_or(PromiseState::Running),
        origin: origin.parse().unwrap_or(PromiseOrigin::Bot),
        met_at: opt_from_ms(r.get(6)?),
        met_by: r.get(7)?,
    })
}

pub(super) const PROMISE_COLUMNS: &str =
    "handoff_id, text, clock_from, due_at, state, origin, met_at, met_by";

pub(super) fn follow_up_row(r: &Row<'_>) -> rusqlite::Result<FollowUp> {
    let kind: String = r.get(2)?;
    Ok(FollowUp {
        id: r.get(0)?,
        handoff_id: r.get(1)?,
        kind: kind.parse().unwrap_or(FollowUpKind::Reminder),
        due_at: from_ms(r.get(3)?),
        done_at: opt_from_ms(r.get(4)?),
        channel: r.get(5)?,
        outcome: r.get(6)?,
        note: r.get(7)?,
    })
}

pub(super) const FOLLOW_UP_COLUMNS: &str = "id, handoff_id, kind, due_at, done_at, channel, outcome, note";

impl Store {
    /// The handoff's promise, if it has one.
    pub fn promise(&self, handoff_id: i64) -> Result<Option<Promise>> {
        let sql = format!("SELECT {PROMISE_COLUMNS} FROM promises WHERE handoff_id = ?1");
        Ok(self.conn.query_row(&sql, [handoff_id], promise_row).optional()?)
    }

    /// The handoff's follow-ups, pending and done, in due order.
    pub fn follow_ups(&self, handoff_id: i64) -> Result<Vec<FollowUp>> {
        let sql =
            format!("SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups WHERE handoff_id = ?1 ORDER BY due_at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([handoff_id], follow_up_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Change a handoff's status, with its consequences, in one transaction:
    /// replied/waiting meets the promise; the visitor answering (back to
    /// awaiting reply) cancels a pending second attempt; resolved or lost
    /// closes every pending follow-up and drops a promise nobody met.
    pub fn set_status(&mut self, id: i64, status: Status, at: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        set_status_in(&tx, id, status, at)?;
        tx.commit()?;
        Ok(())
    }

    /// Mark a handoff contacted another way ("called her back"): meets the promise.
    pub fn mark_contacted(&mut self, id: i64, how: &str, at: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let status = current_status(&tx, id)?;
        contact(&tx, id, at, how)?;
        event(&tx, id, at, "contacted", &format!("visitor contacted by {how}"))?;
        if matches!(status, Status::New | Status::AwaitingReply) {
            set_status_in(&tx, id, Status::Replied, at)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Resolve a handoff and say why (the feedback loop into the gap checklist).
    pub fn resolve(&mut self, id: i64, why: Resolution, at: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        current_status(&tx, id)?;
        tx.execute("UPDATE handoffs SET resolution = ?2 WHERE id = ?1", params![id, why.as_str()])?;
        if why == Resolution::Answered {
            // Answered without a recorded reply (by phone, from another mail client).
            contact(&tx, id, at, "manual")?;
        }
        set_status_in(&tx, id, Status::Resolved, at)?;
        event(&tx, id, at, "resolution", why.as_str())?;
        tx.commit()?;
        Ok(())
    }

    /// Why a handoff was resolved, if it was.
    pub fn resolution(&self, id: i64) -> Result<Option<Resolution>> {
        let r: Option<Option<String>> = self
            .conn
            .query_row("SELECT resolution FROM handoffs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(r.ok_or(Error::NoSuchHandoff(id))?.and_then(|s| s.parse().ok()))
    }

    /// Schedule a callback; it fires once at `at` (a notification to call the visitor).
    pub fn schedule_callback(
        &mut self,
        id: i64,
        at: DateTime<Utc>,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        current_status(&tx, id)?;
        add_follow_up(&tx, id, FollowUpKind::Callback, at, "notification", note)?;
        let detail = match note {
            Some(n) => format!("callback scheduled for {} UTC: {n}", at.format("%Y-%m-%d %H:%M")),
            None => format!("callback scheduled for {} UTC", at.format("%Y-%m-%d %H:%M")),
        };
        event(&tx, id, now, "follow_up", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Hide a handoff from the inbox and `due` until `until` (`None` wakes it now).
    pub fn snooze(&mut self, id: i64, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        current_status(&tx, id)?;
        tx.execute("UPDATE handoffs SET snoozed_until = ?2 WHERE id = ?1", params![id, until.map(to_ms)])?;
        let detail = match until {
            Some(u) => format!("snoozed until {} UTC", u.format("%Y-%m-%d %H:%M")),
            None => "snooze ended".to_string(),
        };
        event(&tx, id, now, "status", &detail)?;
        tx.commit()?;
        Ok(())
    }
}

pub(super) fn current_status(conn: &Connection, id: i64) -> Result<Status> {
    let s: Option<String> =
        conn.query_row("SELECT status FROM handoffs WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let s = s.ok_or(Error::NoSuchHandoff(id))?;
    Ok(s.parse().unwrap_or(Status::New))
}

pub(super) fn set_status_in(tx: &Connection, id: i64, status: Status, at: DateTime<Utc>) -> Result<()> {
    let n = tx.execute("UPDATE handoffs SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
    if n == 0 {
        return Err(Error::NoSuchHandoff(id));
    }
    event(tx, id, at, "status", status.as_str())?;
    match status {
        Status::Replied | Status::WaitingOnVisitor => contact(tx, id, at, "reply")?,
        Status::AwaitingReply => {
            cancel_follow_ups(tx, id, &[FollowUpKind::SecondAttempt], at)?;
        }
        Status::Resolved | Status::Lost => {
            let all = [
                PROMISE_KINDS[0],
                PROMISE_KINDS[1],
                PROMISE_KINDS[2],
                FollowUpKind::SecondAttempt,
                FollowUpKind::Callback,
            ];
            cancel_follow_ups(tx, id, &all, at)?;
            tx.execute(
                "UPDATE promises SET state = 'dropped' WHERE handoff_id = ?1 AND state = 'running'",
                [id],
            )?;
        }
        Status::New => {}
    }
    Ok(())
}
