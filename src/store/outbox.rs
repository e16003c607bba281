//! The durable outbox: jobs (SMTP sends, HubSpot pushes) that must
//! survive restarts and offline spells and never run twice.
//!
//! A job is `pending` until a worker claims it: the claim commits `sending`
//! with the worker's process id *before* the work starts, and `done` commits
//! right after it succeeds. A job found `sending` whose process is gone was
//! interrupted mid-way (a crash, kill -9, power loss): whether the server got
//! it is unknown, so it becomes `unsure` and is never retried on its own — the
//! owner looks and resends deliberately. Failures the server answered
//! (connection refused, 4xx) go back to `pending` with a backoff; permanent
//! ones (5xx, bad address) become `failed` with the server's words.

use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, ErrorCode, Next, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// The outbox kind of a reply or backup email sent over SMTP.
pub const SMTP_KIND: &str = "smtp_send";
/// The outbox kind of a HubSpot push.
pub const HUBSPOT_KIND: &str = "hubspot_push";
/// The outbox kinds of team alerts (Slack, Teams).
pub const ALERT_KINDS: [&str; 2] = ["slack_alert", "teams_alert"];

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its next try.
    Pending,
    /// A worker is on it now.
    Sending,
    /// Finished.
    Done,
    /// Stopped with an error that retrying will not fix.
    Failed,
    /// Interrupted after it may have reached the server; needs a person.
    Unsure,
    /// Dropped before it went out: what it was about no longer needs it
    /// (an alert about a handoff answered meanwhile).
    Cancelled,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Sending => "sending",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Unsure => "unsure",
            JobState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> JobState {
        match s {
            "sending" => JobState::Sending,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "unsure" => JobState::Unsure,
            "cancelled" => JobState::Cancelled,
            _ => JobState::Pending,
        }
    }
}

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Owning workspace.
    pub workspace_id: i64,
    /// The handoff it is about, if any.
    pub handoff_id: Option<i64>,
    /// `smtp_send` or `hubspot_push`.
    pub kind: String,
    /// Unique per piece of work: adding the same key twice is one job.
    pub idempotency_key: String,
    /// What the worker needs, as JSON.
    pub payload: String,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// Owning workspace.
    pub workspace_id: i64,
    /// The handoff it is about.
    pub handoff_id: Option<i64>,
    /// `smtp_send` or `hubspot_push`.
    pub kind: String,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// JSON payload.
    pub payload: String,
    /// Where it is.
    pub state: JobState,
    /// Tries so far.
    pub attempts: i64,
    /// Not before.
    pub next_try_at: DateTime<Utc>,
    /// The last failure, in words.
    pub last_error: Option<String>,
    /// Added at.
    pub created_at: DateTime<Utc>,
    /// The current or last try started at.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished at.
    pub done_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "id, workspace_id, handoff_id, kind, idempotency_key, payload, state, attempts, next_try_at,
    last_error, created_at, started_at, done_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = r.get(6)?;
    Ok(Job {
        id: r.get(0)?,
        workspace_id: r.get(1)?,
        handoff_id: r.get(2)?,
        kind: r.get(3)?,
        idempotency_key: r.get(4)?,
        payload: r.get(5)?,
        state: JobState::parse(&state),
        attempts: r.get(7)?,
        next_try_at: from_ms(r.get(8)?),
        last_error: r.get(9)?,
        created_at: from_ms(r.get(10)?),
        started_at: opt_from_ms(r.get(11)?),
        done_at: opt_from_ms(r.get(12)?),
    })
}

/// This process, as recorded in `outbox.owner`.
pub fn this_owner() -> String {
    format!("pid:{}", std::process::id())
}

/// Whether the process that claimed a job may still be working on it.
fn owner_alive(owner: Option<&str>, started: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let Some(pid) = owner.and_then(|o| o.strip_prefix("pid:")) else { return false };
    if pid == std::process::id().to_string() {
        return true;
    }
    if cfg!(target_os = "linux") {
        std::path::Path::new("/proc").join(pid).exists()
    } else {
        // No cheap liveness check: assume a sender is gone after 10 minutes
        // (every network step has a shorter timeout).
        now - started < chrono::Duration::minutes(10)
    }
}

pub(super) fn enqueue_in(conn: &Connection, job: &NewJob, now: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (workspace_id, handoff_id, kind, idempotency_key, payload, state, next_try_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6) ON CONFLICT (idempotency_key) DO NOTHING",
    )?
    .execute(params![job.workspace_id, job.handoff_id, job.kind, job.idempotency_key, job.payload, to_ms(now)])?;
    Ok(conn.query_row("SELECT id FROM outbox WHERE idempotency_key = ?1", [&job.idempotency_key], |r| {
        r.get(0)
    })?)
}

impl Store {
    /// Add a job (a no-op returning the existing id when its key is known).
    pub fn enqueue(&self, job: &NewJob, now: DateTime<Utc>) -> Result<i64> {
        enqueue_in(&self.conn, job, now)
    }

    /// One job.
    pub fn job(&self, id: i64) -> Result<Option<Job>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], from_row).optional()?)
    }

    /// Jobs, newest first; only those in `states` when given.
    pub fn jobs(&self, states: &[JobState]) -> Result<Vec<Job>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let all = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(all.into_iter().filter(|j| states.is_empty() || states.contains(&j.state)).collect())
    }

    /// Turn jobs whose sender died mid-way into `unsure`; returns how many.
    pub fn recover_interrupted(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        type Stuck = (i64, Option<String>, Option<i64>, String, Option<i64>);
        let stuck: Vec<Stuck> = {
            let mut stmt = tx.prepare(
                "SELECT id, owner, started_at, kind, posted_at FROM outbox WHERE state = 'sending'",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut n = 0;
        for (id, owner, started_ms, kind, posted) in stuck {
            let started = started_ms.map(from_ms).unwrap_or(now);
            if owner_alive(owner.as_deref(), started, now) {
                continue;
            }
            let posted_this_try = posted.is_some_and(|p| started_ms.is_none_or(|s| p >= s));
            let marks_posts = ALERT_KINDS.contains(&kind.as_str()) || kind == SMTP_KIND;
            if marks_posts && !posted_this_try {
                // Interrupted before its request was written: nothing left the machine.
                n += tx.execute(
                    "UPDATE outbox SET state = 'pending', owner = NULL, next_try_at = ?2, last_error = ?3
                     WHERE id = ?1 AND state = 'sending'",
                    params![id, to_ms(now), "interrupted before it was posted; sent on the next try"],
                )?;
                continue;
            }
            if kind == HUBSPOT_KIND {
                // Safe to repeat: the retry looks for what this try left in HubSpot first.
                n += tx.execute(
                    "UPDATE outbox SET state = 'pending', owner = NULL, next_try_at = ?2, last_error = ?3
                     WHERE id = ?1 AND state = 'sending'",
                    params![
                        id,
                        to_ms(now),
                        "interrupted; the next try checks HubSpot for what already arrived"
                    ],
                )?;
                continue;
            }
            n += tx.execute(
                "UPDATE outbox SET state = 'unsure', last_error = ?2 WHERE id = ?1 AND state = 'sending'",
                params![
                    id,
                    format!(
                        "interrupted at {} UTC after it may have reached the server; not retried, so it cannot go out twice. {}, then `handoff outbox resend {id}` if it is missing.",
                        started.format("%Y-%m-%d %H:%M:%S"),
                        match kind.as_str() {
                            "slack_alert" => "Look in the Slack channel",
                            "teams_alert" => "Look in the Teams channel",
                            _ => "Check your Sent folder",
                        }
                    )
                ],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Claim the next due pending job of one of `kinds`, committing `sending`
    /// before any work starts. Interrupted jobs are recovered first.
    pub fn claim_job(&mut self, kinds: &[&str], now: DateTime<Utc>) -> Result<Option<Job>> {
        self.recover_interrupted(now)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND next_try_at <= ?1 ORDER BY next_try_at, id"
        );
        let candidates = {
            let mut stmt = tx.prepare(&sql)?;
            stmt.query_map([to_ms(now)], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let Some(mut job) = candidates.into_iter().find(|j| kinds.contains(&j.kind.as_str())) else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE outbox SET state = 'sending', owner = ?2, started_at = ?3, attempts = attempts + 1 WHERE id = ?1",
            params![job.id, this_owner(), to_ms(now)],
        )?;
        tx.commit()?;
        job.state = JobState::Sending;
        job.attempts += 1;
        job.started_at = Some(now);
        Ok(Some(job))
    }

    /// The earliest time a pending job of these kinds becomes due.
    pub fn next_job_at(&self, kinds: &[&str]) -> Result<Option<DateTime<Utc>>> {
        let mut best: Option<DateTime<Utc>> = None;
        for k in kinds {
            // Pushes of a paused HubSpot portal wait for the owner, not for a time.
            let t: Option<i64> = self.conn.query_row(
                "SELECT min(next_try_at) FROM outbox o WHERE state = 'pending' AND kind = ?1
                 AND NOT EXISTS (SELECT 1 FROM hubspot_portals p
                                 WHERE p.workspace_id = o.workspace_id AND o.kind = ?2 AND p.stopped IS NOT NULL)",
                [k, &HUBSPOT_KIND],
                |r| r.get(0),
            )?;
            if let Some(t) = t.map(from_ms) {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        }
        Ok(best)
    }

    /// A try failed in a way worth retrying: back to pending until `next`.
    pub fn retry_job(&mut self, id: i64, next: DateTime<Utc>, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'pending', next_try_at = ?2, last_error = ?3, owner = NULL WHERE id = ?1",
            params![id, to_ms(next), error],
        )?;
        Ok(())
    }

    /// A try failed for good: `failed`, with what to do.
    pub fn fail_job(&mut self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        fail_in(&self.conn, id, error, now)
    }

    /// A try broke off after the work may have reached the server: `unsure`, never retried by itself.
    pub fn mark_unsure(&mut self, id: i64, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'unsure', last_error = ?2, owner = NULL WHERE id = ?1",
            params![id, why],
        )?;
        Ok(())
    }

    /// Mark a job finished (callers with more to record use their own transaction).
    pub fn finish_job(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        finish_in(&self.conn, id, now)
    }

    /// Send a failed or unsure job again, now: the owner's explicit decision.
    pub fn requeue_job(&mut self, id: i64, now: DateTime<Utc>) -> Result<Job> {
        let job = self.job(id)?.ok_or_else(|| Error::Refused {
            code: ErrorCode::NotFound,
            message: format!("no outbox job #{id}"),
            next: Next::ListOutbox,
        })?;
        if !matches!(job.state, JobState::Failed | JobState::Unsure | JobState::Pending) {
            return Err(Error::Invalid(format!(
                "outbox job #{id} is {}; only failed, unsure or waiting jobs can be sent again",
                job.state.as_str()
            )));
        }
        self.conn.execute(
            "UPDATE outbox SET state = 'pending', next_try_at = ?2, done_at = NULL, owner = NULL WHERE id = ?1",
            params![id, to_ms(now)],
        )?;
        self.job(id)?.ok_or_else(|| Error::Invalid(format!("no outbox job #{id}")))
    }
}

pub(super) fn finish_in(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'done', done_at = ?2, last_error = NULL, owner = NULL WHERE id = ?1",
        params![id, to_ms(now)],
    )?;
    Ok(())
}

pub(super) fn fail_in(conn: &Connection, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ?2, done_at = ?3, owner = NULL WHERE id = ?1",
        params![id, error, to_ms(now)],
    )?;
    Ok(())
}
