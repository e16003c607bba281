//! Emails the app writes — replies, second attempts, backup alerts — queued
//! with their outbox job in one transaction and marked sent with the job's
//! completion in another, so the timeline, the promise and the outbox never
//! disagree.

use super::outbox::{NewJob, enqueue_in, finish_in};
use super::promises::{add_follow_up, contact, current_status, event, set_status_in};
use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{FollowUpKind, NewReply, ReplyKind, Status, Workspace};
use crate::promise::Calendar;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// A stored email and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReply {
    /// Row id.
    pub id: i64,
    /// The email.
    #[serde(flatten)]
    pub reply: NewReply,
    /// Its outbox job.
    pub outbox_id: Option<i64>,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Handed to the SMTP server at.
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, handoff_id, kind, message_id, in_reply_to, from_addr, to_addr, subject, body_text, outbox_id, created_at, sent_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredReply> {
    let kind: String = r.get(2)?;
    Ok(StoredReply {
        id: r.get(0)?,
        reply: NewReply {
            handoff_id: r.get(1)?,
            kind: ReplyKind::parse(&kind),
            message_id: r.get(3)?,
            in_reply_to: r.get(4)?,
            from: r.get(5)?,
            to: r.get(6)?,
            subject: r.get(7)?,
            body_text: r.get(8)?,
        },
        outbox_id: r.get(9)?,
        created_at: from_ms(r.get(10)?),
        sent_at: opt_from_ms(r.get(11)?),
    })
}

/// The outbox payload of an SMTP job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmtpJob {
    /// The `replies` row to send.
    pub reply_id: i64,
}

pub(super) fn queue_in(
    conn: &Connection,
    ws_id: i64,
    r: &NewReply,
    now: DateTime<Utc>,
) -> Result<(i64, i64)> {
    conn.prepare_cached(
        "INSERT INTO replies (handoff_id, kind, message_id, in_reply_to, from_addr, to_addr, subject, body_text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (message_id) DO NOTHING",
    )?
    .execute(params![r.handoff_id, r.kind.as_str(), r.message_id, r.in_reply_to, r.from, r.to, r.subject, r.body_text, to_ms(now)])?;
    let reply_id: i64 =
        conn.query_row("SELECT id FROM replies WHERE message_id = ?1", [&r.message_id], |x| x.get(0))?;
    let payload = serde_json::to_string(&SmtpJob { reply_id }).map_err(|e| Error::Invalid(e.to_string()))?;
    let job = NewJob {
        workspace_id: ws_id,
        handoff_id: Some(r.handoff_id),
        kind: super::outbox::SMTP_KIND.into(),
        idempotency_key: format!("smtp:{}", r.message_id),
        payload,
    };
    let job_id = enqueue_in(conn, &job, now)?;
    conn.execute("UPDATE replies SET outbox_id = ?2 WHERE id = ?1", params![reply_id, job_id])?;
    Ok((reply_id, job_id))
}

impl Store {
    /// Queue an email to the visitor (or backup contact) with its outbox job, in one transaction.
    /// Returns (reply id, outbox job id). Queuing the same Message-ID twice is one email.
    pub fn queue_reply(&mut self, ws: &Workspace, r: &NewReply, now: DateTime<Utc>) -> Result<(i64, i64)> {
        let tx = self.conn.transaction()?;
        current_status(&tx, r.handoff_id)?;
        let ids = queue_in(&tx, ws.id, r, now)?;
        event(
            &tx,
            r.handoff_id,
            now,
            "reply_queued",
            &format!("{} to {} queued: {}", r.kind.as_str().replace('_', " "), r.to, r.subject),
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// One stored email.
    pub fn stored_reply(&self, id: i64) -> Result<Option<StoredReply>> {
        let sql = format!("SELECT {COLUMNS} FROM replies WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], from_row).optional()?)
    }

    /// A handoff's emails, oldest first.
    pub fn replies(&self, handoff_id: i64) -> Result<Vec<StoredReply>> {
        let sql = format!("SELECT {COLUMNS} FROM replies WHERE handoff_id = ?1 ORDER BY created_at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([handoff_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The SMTP server took the email: finish the job, stamp the email, meet
    /// the promise, move the status on and schedule the second attempt — one transaction.
    pub fn reply_delivered(
        &mut self,
        job_id: i64,
        reply_id: i64,
        ws: &Workspace,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let r = self.stored_reply(reply_id)?.ok_or_else(|| {
            Error::Invalid(format!("outbox job #{job_id} names email #{reply_id}, which no longer exists"))
        })?;
        let h = r.reply.handoff_id;
        let tx = self.conn.transaction()?;
        finish_in(&tx, job_id, now)?;
        tx.execute(
            "UPDATE replies SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL",
            params![reply_id, to_ms(now)],
        )?;
        match r.reply.kind {
            ReplyKind::Reply | ReplyKind::SecondAttempt => {
                contact(&tx, h, now, "reply")?;
                event(
                    &tx,
                    h,
                    now,
                    "replied",
                    &format!(
                        "{} sent to {}: {} ({})",
                        r.reply.kind.as_str().replace('_', " "),
                        r.reply.to,
                        r.reply.subject,
                        r.reply.message_id
                    ),
                )?;
                let status = current_status(&tx, h)?;
                if matches!(status, Status::New | Status::AwaitingReply) {
                    set_status_in(&tx, h, Status::Replied, now)?;
                }
                let days = ws.settings.follow_ups.second_attempt_after_days;
                if r.reply.kind == ReplyKind::Reply
                    && days > 0
                    && let Some(at) = Calendar::for_workspace(ws).add_business_days(now, days)
                {
                    add_follow_up(&tx, h, FollowUpKind::SecondAttempt, at, "notification", None)?;
                }
            }
            ReplyKind::BackupAlert => {
                event(&tx, h, now, "follow_up", &format!("backup contact {} alerted by email", r.reply.to))?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
