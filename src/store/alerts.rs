//! Slack and Teams alerts in the outbox: queueing them (in the transaction
//! of what caused them), deciding at send time whether they are still worth
//! sending, and the per-service pacing and 429 holds shared by every process
//! on this data file.
//!
//! Invariants:
//! - one job per (service, event, follow-up or handoff): the idempotency key
//!   makes queueing twice a no-op;
//! - an alert job (and an SMTP send) records `posted_at` (committed) right
//!   before its request is written; an interrupted job without it in its
//!   current attempt goes back to pending (nothing left the machine), one with
//!   it becomes `unsure` and is never sent again on its own
//!   ([`super::Store::recover_interrupted`]);
//! - an alert whose handoff was answered, claimed, resolved or whose promise
//!   was met meanwhile is `cancelled` at send time, never posted.

use super::outbox::{NewJob, enqueue_in};
use super::{Store, from_ms, to_ms};
use crate::error::Result;
use crate::model::{AlertChannel, AlertEvent, EngineRole, Workspace};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// What an alert job carries (its JSON payload).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertJob {
    /// Where it goes.
    pub channel: AlertChannel,
    /// What it is about.
    pub event: AlertEvent,
    /// The handoff.
    pub handoff_id: i64,
    /// The follow-up that fired it (none for a new handoff).
    pub follow_up_id: Option<i64>,
    /// When the follow-up was due.
    pub due_at: Option<DateTime<Utc>>,
    /// Why it goes out late, when it does ("after this computer woke").
    pub late_because: Option<String>,
}

/// Queue `event` for every service of the workspace that wants it, if this
/// process is the one that sends (see [`crate::model::AlertSender`]).
pub(super) fn queue_alerts_in(
    conn: &Connection,
    ws: &Workspace,
    role: EngineRole,
    job: AlertJob,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let alerts = &ws.settings.alerts;
    if !alerts.sender.allows(role) {
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    for channel in alerts.channels_for(job.event) {
        let what = job.follow_up_id.map_or_else(|| format!("h{}", job.handoff_id), |f| format!("f{f}"));
        let payload = AlertJob { channel, ..job.clone() };
        let new = NewJob {
            workspace_id: ws.id,
            handoff_id: Some(job.handoff_id),
            kind: channel.job_kind().to_string(),
            idempotency_key: format!("alert:{}:{}:{what}", channel.as_str(), job.event.as_str()),
            payload: serde_json::to_string(&payload).map_err(|e| crate::Error::Invalid(e.to_string()))?,
        };
        ids.push(enqueue_in(conn, &new, now)?);
    }
    Ok(ids)
}

/// Whether a handoff still needs someone: open, no reply or teammate's answer
/// recorded, not claimed by anyone, and (for promise events) its promise not met.
pub(super) fn actionable_in(conn: &Connection, handoff_id: i64, event: AlertEvent) -> Result<bool> {
    let open: bool = conn
        .query_row(
            "SELECT h.status IN ('new', 'awaiting_reply')
                    AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.handoff_id = h.id)
                    AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.handoff_id = h.id)
             FROM handoffs h WHERE h.id = ?1",
            [handoff_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false);
    if !open || event == AlertEvent::NewHandoff {
        return Ok(open);
    }
    let unmet: Option<bool> = conn
        .query_row(
            "SELECT met_at IS NULL AND state IN ('running', 'breached') FROM promises WHERE handoff_id = ?1",
            [handoff_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(unmet.unwrap_or(false))
}

impl Store {
    /// Whether an alert about this handoff is still worth sending.
    pub fn alert_actionable(&self, handoff_id: i64, event: AlertEvent) -> Result<bool> {
        actionable_in(&self.conn, handoff_id, event)
    }

    /// Queue "new handoff" alerts for handoffs received since each workspace
    /// turned alerts on that have none yet. Returns the jobs queued.
    pub fn queue_new_handoff_alerts(&mut self, role: EngineRole, now: DateTime<Utc>) -> Result<Vec<i64>> {
        let workspaces = self.workspaces()?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut queued = Vec::new();
        for ws in &workspaces {
            let alerts = &ws.settings.alerts;
            let (Some(since), true) = (alerts.since, alerts.sender.allows(role)) else { continue };
            for channel in alerts.channels_for(AlertEvent::NewHandoff) {
                let ids: Vec<i64> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT h.id FROM handoffs h WHERE h.workspace_id = ?1 AND h.received_at >= ?2
                           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = ?3 || h.id)
                         ORDER BY h.received_at, h.id",
                    )?;
                    let prefix = format!("alert:{}:new_handoff:h", channel.as_str());
                    stmt.query_map(params![ws.id, to_ms(since), prefix], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?
                };
                for handoff_id in ids {
                    let job = AlertJob {
                        channel,
                        event: AlertEvent::NewHandoff,
                        handoff_id,
                        follow_up_id: None,
                        due_at: None,
                        late_because: None,
                    };
                    let mut one = ws.clone();
                    // Only this channel: the others have their own scan.
                    one.settings.alerts.slack =
                        one.settings.alerts.slack.filter(|_| channel == AlertChannel::Slack);
                    one.settings.alerts.teams =
                        one.settings.alerts.teams.filter(|_| channel == AlertChannel::Teams);
                    queued.extend(queue_alerts_in(&tx, &one, role, job, now)?);
                }
            }
        }
        tx.commit()?;
        Ok(queued)
    }

    /// Record, committed, that this job's request (an alert's POST, an
    /// email's SMTP conversation) is about to start.
    pub fn mark_posted(&mut self, job_id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute("UPDATE outbox SET posted_at = ?2 WHERE id = ?1", params![job_id, to_ms(now)])?;
        Ok(())
    }

    /// Drop a job that is no longer worth doing (`cancelled`, with why).
    pub fn cancel_job(&mut self, job_id: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'cancelled', last_error = ?2, done_at = ?3, owner = NULL WHERE id = ?1",
            params![job_id, why, to_ms(now)],
        )?;
        Ok(())
    }

    /// Take a posting slot on a workspace's service: `None` when this process
    /// may post now (the slot is recorded), or how long to wait — for the
    /// pacing gap since the last post, or a hold after a 429.
    pub fn alert_slot(
        &mut self,
        workspace_id: i64,
        channel: AlertChannel,
        min_gap: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, Option<String>)>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let row: Option<(Option<i64>, Option<i64>, Option<String>)> = tx
            .query_row(
                "SELECT last_post_at, retry_at, retry_why FROM alert_holds WHERE workspace_id = ?1 AND channel = ?2",
                params![workspace_id, channel.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (last, retry, why) = row.unwrap_or((None, None, None));
        if let Some(until) = retry.map(from_ms).filter(|t| *t > now) {
            return Ok(Some((until, why)));
        }
        if let Some(next) = last.map(|l| from_ms(l) + min_gap).filter(|t| *t > now) {
            return Ok(Some((next, None)));
        }
        tx.execute(
            "INSERT INTO alert_holds (workspace_id, channel, last_post_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (workspace_id, channel) DO UPDATE SET last_post_at = ?3",
            params![workspace_id, channel.as_str(), to_ms(now)],
        )?;
        tx.commit()?;
        Ok(None)
    }

    /// The service asked to slow down: nobody posts there before `until`.
    pub fn hold_alerts(
        &mut self,
        workspace_id: i64,
        channel: AlertChannel,
        until: DateTime<Utc>,
        why: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO alert_holds (workspace_id, channel, retry_at, retry_why) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (workspace_id, channel) DO UPDATE SET retry_at = max(coalesce(retry_at, 0), ?3), retry_why = ?4",
            params![workspace_id, channel.as_str(), to_ms(until), why],
        )?;
        Ok(())
    }
}
