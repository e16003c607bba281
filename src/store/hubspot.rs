//! What is in HubSpot: one push record per handoff (the contact and note ids,
//! so nothing is created twice), each connected portal's state (properties
//! created, paused on a token problem), and the shared request pace.
//!
//! Pushes travel as `hubspot_push` outbox jobs. Unlike an email, a push is
//! safe to repeat — the contact is upserted by email and a note is only
//! created after looking for the one an interrupted try may have left — so
//! an interrupted push goes back to `pending` rather than `unsure`.

use super::outbox::enqueue_in;
use super::{Job, NewJob, Store, from_ms, opt_from_ms, to_ms};
use crate::error::Result;
use crate::model::Status;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

pub use super::outbox::HUBSPOT_KIND;

/// A handoff's place in HubSpot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushRecord {
    /// The handoff.
    pub handoff_id: i64,
    /// `queued`, `pushed`, `no_email`, `failed` or `stopped`.
    pub state: String,
    /// The HubSpot contact id, once known.
    pub contact_id: Option<String>,
    /// The transcript note's id, once created.
    pub note_id: Option<String>,
    /// Why it is not pushed (for people), if it is not.
    pub message: Option<String>,
    /// The escalation status last written to the contact.
    pub synced: Option<String>,
    /// When it was last pushed.
    pub pushed_at: Option<DateTime<Utc>>,
    /// When a request to create its note was last sent. Set while the note id
    /// is unknown, a note may exist: the next push looks for it first.
    pub note_tried_at: Option<DateTime<Utc>>,
}

/// A connected portal's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortalState {
    /// The workspace.
    pub workspace_id: i64,
    /// Whether the app's contact properties exist in the portal.
    pub properties_ready: bool,
    /// Why pushing is paused (a revoked token, a missing scope), until reconnected.
    pub stopped: Option<String>,
    /// When it was connected; handoffs that arrive later are pushed automatically.
    pub connected_at: DateTime<Utc>,
    /// HubSpot asked this portal to wait (429, Retry-After): no request before then.
    pub retry_at: Option<DateTime<Utc>>,
    /// Why it waits, for people.
    pub retry_why: Option<String>,
}

/// What a push job asks for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PushJob {
    /// The handoff.
    pub handoff_id: i64,
}

/// The escalation status a handoff's contact should carry.
pub fn escalation_status(status: Status) -> &'static str {
    match status {
        Status::Resolved => "resolved",
        _ => "open",
    }
}

impl Store {
    /// Connect (or reconnect) a workspace's portal: clears a pause, and
    /// handoffs received from now on are pushed automatically.
    pub fn hubspot_connected(
        &mut self,
        workspace_id: i64,
        properties_ready: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO hubspot_portals (workspace_id, properties_ready, connected_at, after_handoff)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(id), 0) FROM handoffs))
             ON CONFLICT (workspace_id) DO UPDATE SET stopped = NULL, stopped_at = NULL,
                 properties_ready = max(properties_ready, excluded.properties_ready)",
            params![workspace_id, properties_ready, to_ms(now)],
        )?;
        Ok(())
    }

    /// Forget a workspace's portal (the pushes already made stay recorded).
    pub fn hubspot_disconnected(&mut self, workspace_id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM hubspot_portals WHERE workspace_id = ?1", [workspace_id])?;
        Ok(())
    }

    /// A portal's state, if connected.
    pub fn hubspot_portal(&self, workspace_id: i64) -> Result<Option<PortalState>> {
        Ok(self
            .conn
            .query_row(
                "SELECT properties_ready, stopped, connected_at, retry_at, retry_why
                 FROM hubspot_portals WHERE workspace_id = ?1",
                [workspace_id],
                |r| {
                    Ok(PortalState {
                        workspace_id,
                        properties_ready: r.get(0)?,
                        stopped: r.get(1)?,
                        connected_at: from_ms(r.get(2)?),
                        retry_at: opt_from_ms(r.get(3)?),
                        retry_why: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// The app's properties now exist in the portal.
    pub fn hubspot_properties_ready(&mut self, workspace_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE hubspot_portals SET properties_ready = 1 WHERE workspace_id = ?1",
            [workspace_id],
        )?;
        Ok(())
    }

    /// Pause a portal's pushes with a message that says how to fix it.
    pub fn hubspot_stop(&mut self, workspace_id: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE hubspot_portals SET stopped = ?2, stopped_at = ?3 WHERE workspace_id = ?1",
            params![workspace_id, why, to_ms(now)],
        )?;
        Ok(())
    }

    /// A handoff's push record.
    pub fn push_record(&self, handoff_id: i64) -> Result<Option<PushRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state, contact_id, note_id, message, synced, pushed_at, note_tried_at
                 FROM hubspot_pushes WHERE handoff_id = ?1",
                [handoff_id],
                |r| {
                    Ok(PushRecord {
                        handoff_id,
                        state: r.get(0)?,
                        contact_id: r.get(1)?,
                        note_id: r.get(2)?,
                        message: r.get(3)?,
                        synced: r.get(4)?,
                        pushed_at: opt_from_ms(r.get(5)?),
                        note_tried_at: opt_from_ms(r.get(6)?),
                    })
                },
            )
            .optional()?)
    }

    /// Push counts of a workspace by state.
    pub fn push_counts(&self, workspace_id: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT state, count(*) FROM hubspot_pushes WHERE workspace_id = ?1 GROUP BY state ORDER BY state",
        )?;
        let rows = stmt.query_map([workspace_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Queue a push of these handoffs now (the owner's click, or `--all-pending`).
    /// Returns the job ids; a handoff already waiting keeps its one job.
    pub fn queue_pushes(&mut self, handoff_ids: &[i64], now: DateTime<Utc>) -> Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        let mut jobs = Vec::new();
        for &id in handoff_ids {
            let ws: i64 = tx
                .query_row("SELECT workspace_id FROM handoffs WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(crate::Error::NoSuchHandoff(id))?;
            jobs.push(queue_in(&tx, ws, id, &format!("hubspot:{id}:{}", to_ms(now)), now)?);
        }
        tx.commit()?;
        Ok(jobs)
    }

    /// Handoffs of a workspace never pushed (or whose push failed): what
    /// `handoff push --all-pending` sends.
    pub fn unpushed(&self, workspace_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT h.id FROM handoffs h LEFT JOIN hubspot_pushes p ON p.handoff_id = h.id
             WHERE h.workspace_id = ?1 AND (p.state IS NULL OR p.state IN ('failed', 'stopped'))
             ORDER BY h.id",
        )?;
        let rows = stmt.query_map([workspace_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Queue what the connected portals should get without anyone asking:
    /// handoffs received since connecting (auto-push workspaces), and pushed
    /// contacts whose escalation status changed (resolved or reopened).
    pub fn queue_automatic_pushes(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let fresh: Vec<(i64, i64)> = {
            let mut stmt = tx.prepare(
                "SELECT h.workspace_id, h.id FROM handoffs h
                 JOIN hubspot_portals p ON p.workspace_id = h.workspace_id
                 JOIN workspaces w ON w.id = h.workspace_id
                 WHERE h.id > p.after_handoff
                   AND coalesce(json_extract(w.settings, '$.hubspot.auto_push'), 0) = 1
                   AND NOT EXISTS (SELECT 1 FROM hubspot_pushes x WHERE x.handoff_id = h.id)",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        let changed: Vec<(i64, i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT h.workspace_id, h.id, h.status FROM hubspot_pushes x JOIN handoffs h ON h.id = x.handoff_id
                 WHERE x.state = 'pushed'
                   AND x.synced IS NOT (CASE WHEN h.status = 'resolved' THEN 'resolved' ELSE 'open' END)",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?
        };
        let mut n = 0;
        for (ws, id) in fresh {
            queue_in(&tx, ws, id, &format!("hubspot:{id}:new"), now)?;
            n += 1;
        }
        for (ws, id, status) in changed {
            queue_in(&tx, ws, id, &format!("hubspot:{id}:status:{status}:{}", to_ms(now)), now)?;
            n += 1;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Claim up to `max` due push jobs of one workspace whose portal is
    /// connected and not paused, committing `sending` before any request.
    pub fn claim_push_batch(&mut self, max: usize, now: DateTime<Utc>) -> Result<Vec<Job>> {
        self.recover_interrupted(now)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ws: Option<i64> = tx
            .query_row(
                "SELECT o.workspace_id FROM outbox o JOIN hubspot_portals p ON p.workspace_id = o.workspace_id
                 WHERE o.kind = ?1 AND o.state = 'pending' AND o.next_try_at <= ?2 AND p.stopped IS NULL
                   AND (p.retry_at IS NULL OR p.retry_at <= ?2)
                 ORDER BY o.next_try_at, o.id LIMIT 1",
                params![HUBSPOT_KIND, to_ms(now)],
                |r| r.get(0),
            )
            .optional()?;
        let Some(ws) = ws else { return Ok(Vec::new()) };
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT id FROM outbox WHERE kind = ?1 AND state = 'pending' AND next_try_at <= ?2
                 AND workspace_id = ?3 ORDER BY next_try_at, id LIMIT ?4",
            )?;
            stmt.query_map(params![HUBSPOT_KIND, to_ms(now), ws, max as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            tx.execute(
                "UPDATE outbox SET state = 'sending', owner = ?2, started_at = ?3, attempts = attempts + 1 WHERE id = ?1",
                params![id, super::outbox::this_owner(), to_ms(now)],
            )?;
        }
        tx.commit()?;
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(j) = self.job(id)? {
                jobs.push(j);
            }
        }
        Ok(jobs)
    }

    /// HubSpot asked a portal to wait (a 429, Retry-After): hold every
    /// request of every process to it until `until` (a later hold wins).
    pub fn hubspot_hold(&mut self, workspace_id: i64, until: DateTime<Utc>, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE hubspot_portals SET retry_at = ?2, retry_why = ?3
             WHERE workspace_id = ?1 AND (retry_at IS NULL OR retry_at < ?2)",
            params![workspace_id, to_ms(until), why],
        )?;
        Ok(())
    }

    /// A request to create these handoffs' notes is about to be sent: from
    /// now until their ids are recorded, a note may exist in HubSpot.
    pub fn push_notes_tried(&mut self, handoff_ids: &[i64], now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in handoff_ids {
            tx.execute(
                "UPDATE hubspot_pushes SET note_tried_at = ?2 WHERE handoff_id = ?1",
                params![id, to_ms(now)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Record the note HubSpot created (or that a retry found) for a handoff,
    /// at once: the id is what keeps a retry from creating another.
    pub fn push_note_created(&mut self, handoff_id: i64, note_id: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE hubspot_pushes SET note_id = ?2, updated_at = ?3 WHERE handoff_id = ?1",
            params![handoff_id, note_id, to_ms(now)],
        )?;
        Ok(())
    }

    /// A push finished: the record, the job and the timeline in one transaction.
    pub fn push_done(
        &mut self,
        job_id: i64,
        handoff_id: i64,
        contact_id: &str,
        synced: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let before: Option<String> = tx
            .query_row("SELECT synced FROM hubspot_pushes WHERE handoff_id = ?1", [handoff_id], |r| r.get(0))
            .optional()?
            .flatten();
        tx.execute(
            "UPDATE hubspot_pushes SET state = 'pushed', contact_id = ?2, synced = ?3, message = NULL,
                 pushed_at = ?4, updated_at = ?4 WHERE handoff_id = ?1",
            params![handoff_id, contact_id, synced, to_ms(now)],
        )?;
        super::outbox::finish_in(&tx, job_id, now)?;
        let detail = match before {
            None => format!("pushed to HubSpot (contact {contact_id})"),
            Some(_) => format!("HubSpot contact {contact_id} marked {synced}"),
        };
        tx.execute(
            "INSERT INTO events (handoff_id, at, kind, detail) VALUES (?1, ?2, 'pushed', ?3)",
            params![handoff_id, to_ms(now), detail],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A push waits for the owner to reconnect the portal: the record says why.
    pub fn push_paused(&mut self, handoff_id: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE hubspot_pushes SET state = 'stopped', message = ?2, updated_at = ?3 WHERE handoff_id = ?1",
            params![handoff_id, why, to_ms(now)],
        )?;
        Ok(())
    }

    /// A push that cannot happen (no email) or failed for good: the job ends
    /// and the record says why, in words.
    pub fn push_ended(
        &mut self,
        job_id: i64,
        handoff_id: i64,
        state: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE hubspot_pushes SET state = ?2, message = ?3, updated_at = ?4 WHERE handoff_id = ?1",
            params![handoff_id, state, message, to_ms(now)],
        )?;
        if state == "no_email" {
            super::outbox::finish_in(&tx, job_id, now)?;
        } else {
            super::outbox::fail_in(&tx, job_id, message, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Take one request slot in a portal's rate window. `None`: go ahead now
    /// (the slot is recorded). `Some(wait)`: the window is full, or HubSpot
    /// asked the portal to wait ([`Store::hubspot_hold`]), for that long.
    pub fn pace_take(
        &mut self,
        workspace_id: i64,
        max: u32,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<chrono::Duration>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let held: Option<i64> = tx
            .query_row("SELECT retry_at FROM hubspot_portals WHERE workspace_id = ?1", [workspace_id], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        if let Some(until) = held.map(from_ms).filter(|u| *u > now) {
            return Ok(Some(until - now));
        }
        let since = to_ms(now - window);
        tx.execute(
            "DELETE FROM hubspot_pace WHERE workspace_id = ?1 AND at <= ?2",
            params![workspace_id, since],
        )?;
        let (count, oldest): (i64, Option<i64>) = tx.query_row(
            "SELECT count(*), min(at) FROM hubspot_pace WHERE workspace_id = ?1",
            [workspace_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if count >= i64::from(max.max(1)) {
            let oldest = oldest.map(from_ms).unwrap_or(now);
            return Ok(Some((oldest + window - now).max(chrono::Duration::milliseconds(1))));
        }
        tx.execute(
            "INSERT INTO hubspot_pace (workspace_id, at) VALUES (?1, ?2)",
            params![workspace_id, to_ms(now)],
        )?;
        tx.commit()?;
        Ok(None)
    }
}

fn queue_in(tx: &rusqlite::Connection, ws: i64, id: i64, key: &str, now: DateTime<Utc>) -> Result<i64> {
    tx.execute(
        "INSERT INTO hubspot_pushes (handoff_id, workspace_id, state, updated_at) VALUES (?1, ?2, 'queued', ?3)
         ON CONFLICT (handoff_id) DO UPDATE SET
             state = CASE WHEN state IN ('failed', 'stopped', 'no_email') THEN 'queued' ELSE state END,
             updated_at = excluded.updated_at",
        params![id, ws, to_ms(now)],
    )?;
    // One push in flight per handoff: it sends what is current when it runs.
    let waiting: Option<i64> = tx
        .query_row(
            "SELECT id FROM outbox WHERE handoff_id = ?1 AND kind = ?2 AND state IN ('pending', 'sending')",
            params![id, HUBSPOT_KIND],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(job) = waiting {
        return Ok(job);
    }
    let payload = serde_json::to_string(&PushJob { handoff_id: id }).unwrap_or_default();
    enqueue_in(
        tx,
        &NewJob {
            workspace_id: ws,
            handoff_id: Some(id),
            kind: HUBSPOT_KIND.to_string(),
            idempotency_key: key.to_string(),
            payload,
        },
        now,
    )
}
