//! Reading handoffs: one by id, lists with filters, the full detail (transcript,
//! timeline, raw source), and the timeline writes that go with status changes.

use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{Author, Event, Handoff, Message, Page, ParseStatus, Reason, SourceKind, Status, Visitor};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params, types::Value};
use serde::Serialize;

pub(super) const COLUMNS: &str =
    "h.id, h.workspace_id, w.slug, h.source, h.source_key, h.bot, h.platform, h.reason,
    h.reason_detail, h.reason_inferred, h.confidence, h.visitor_name, h.visitor_email, h.visitor_phone,
    h.page_url, h.page_title, h.started_at, h.escalated_at, h.received_at, h.after_hours, h.promise,
    h.question, h.question_derived, h.subject, h.message_id, h.status, h.parse_status, h.parse_notes";

fn parse_enum<T: std::str::FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value {s:?}").into(),
        )
    })
}

pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Handoff> {
    let notes: String = r.get(27)?;
    Ok(Handoff {
        id: r.get(0)?,
        workspace_id: r.get(1)?,
        workspace: r.get(2)?,
        source: parse_enum::<SourceKind>(r, 3)?,
        source_key: r.get(4)?,
        bot: r.get(5)?,
        platform: r.get(6)?,
        reason: parse_enum::<Reason>(r, 7)?,
        reason_detail: r.get(8)?,
        reason_inferred: r.get(9)?,
        confidence: r.get(10)?,
        visitor: Visitor { name: r.get(11)?, email: r.get(12)?, phone: r.get(13)? },
        page: Page { url: r.get(14)?, title: r.get(15)? },
        started_at: opt_from_ms(r.get(16)?),
        escalated_at: opt_from_ms(r.get(17)?),
        received_at: from_ms(r.get(18)?),
        after_hours: r.get(19)?,
        promise: r.get(20)?,
        question: r.get(21)?,
        question_derived: r.get(22)?,
        subject: r.get(23)?,
        message_id: r.get(24)?,
        status: parse_enum::<Status>(r, 25)?,
        parse_status: parse_enum::<ParseStatus>(r, 26)?,
        parse_notes: serde_json::from_str(&notes).unwrap_or_default(),
    })
}

/// One handoff by id, on any connection or open transaction.
pub(super) fn handoff_in(conn: &rusqlite::Connection, id: i64) -> Result<Option<Handoff>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id WHERE h.id = ?1"
    );
    Ok(conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?)
}

/// Filters for [`Store::list`]; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this workspace.
    pub workspace_id: Option<i64>,
    /// Only these reasons.
    pub reasons: Vec<Reason>,
    /// Only these statuses.
    pub statuses: Vec<Status>,
    /// Received at or after.
    pub since: Option<DateTime<Utc>>,
    /// Received before.
    pub until: Option<DateTime<Utc>>,
    /// Only handoffs that were not fully understood (parse status raw or partial).
    pub flagged: bool,
    /// Only after-hours handoffs.
    pub after_hours: bool,
    /// Page size.
    pub limit: usize,
    /// Rows to skip.
    pub offset: usize,
}

/// Everything about one handoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandoffDetail {
    /// The handoff.
    #[serde(flatten)]
    pub handoff: Handoff,
    /// The workspace's time zone, for display.
    pub time_zone: String,
    /// The conversation.
    pub transcript: Vec<Message>,
    /// The timeline, oldest first.
    pub events: Vec<Event>,
    /// Size of the raw source in bytes.
    pub raw_size: i64,
    /// What the bot promised and whether it was kept.
    pub promise: Option<crate::model::Promise>,
    /// Reminders, alerts, callbacks and second attempts, pending and done.
    pub follow_ups: Vec<crate::model::FollowUp>,
    /// Emails written to the visitor or the backup contact.
    pub replies: Vec<super::StoredReply>,
    /// Why it was resolved, once it is.
    pub resolution: Option<crate::model::Resolution>,
    /// Its place in HubSpot, once a push was asked for.
    pub hubspot: Option<super::PushRecord>,
    /// Who on the team has claimed or answered it (team mode).
    pub team: crate::model::TeamState,
}

impl Store {
    /// One handoff by id.
    pub fn handoff(&self, id: i64) -> Result<Option<Handoff>> {
        handoff_in(&self.conn, id)
    }

    /// Several handoffs by id, in the order of `ids`, with one query; ids
    /// that do not exist are left out.
    pub fn handoffs_by_ids(&self, ids: &[i64]) -> Result<Vec<Handoff>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id
             WHERE h.id IN (SELECT value FROM json_each(?1))"
        );
        let list =
            serde_json::to_string(ids).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let mut found: std::collections::HashMap<i64, Handoff> = self
            .conn
            .prepare_cached(&sql)?
            .query_map([list], from_row)?
            .map(|r| r.map(|h| (h.id, h)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Handoffs matching `f`, newest first.
    pub fn list(&self, f: &ListFilter) -> Result<Vec<Handoff>> {
        let mut sql = format!(
            "SELECT {COLUMNS} FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id WHERE h.purged_at IS NULL"
        );
        let mut args: Vec<Value> = Vec::new();
        if let Some(ws) = f.workspace_id {
            args.push(ws.into());
            sql.push_str(&format!(" AND h.workspace_id = ?{}", args.len()));
        }
        let mut any_of = |col: &str, values: Vec<String>, sql: &mut String| {
            if values.is_empty() {
                return;
            }
            let marks: Vec<String> = values
                .into_iter()
                .map(|v| {
                    args.push(v.into());
                    format!("?{}", args.len())
                })
                .collect();
            sql.push_str(&format!(" AND {col} IN ({})", marks.join(",")));
        };
        any_of("h.reason", f.reasons.iter().map(|r| r.as_str().to_string()).collect(), &mut sql);
        any_of("h.status", f.statuses.iter().map(|s| s.as_str().to_string()).collect(), &mut sql);
        if let Some(t) = f.since {
            args.push(to_ms(t).into());
            sql.push_str(&format!(" AND h.received_at >= ?{}", args.len()));
        }
        if let Some(t) = f.until {
            args.push(to_ms(t).into());
            sql.push_str(&format!(" AND h.received_at < ?{}", args.len()));
        }
        if f.flagged {
            sql.push_str(" AND h.parse_status <> 'ok'");
        }
        if f.after_hours {
            sql.push_str(" AND h.after_hours = 1");
        }
        let limit = if f.limit == 0 { 50 } else { f.limit };
        sql.push_str(&format!(" ORDER BY h.received_at DESC, h.id DESC LIMIT {limit} OFFSET {}", f.offset));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of handoffs, in one workspace or all.
    pub fn count(&self, workspace_id: Option<i64>) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM handoffs WHERE ?1 IS NULL OR workspace_id = ?1",
            [workspace_id],
            |r| r.get(0),
        )?)
    }

    /// The handoff with its transcript, timeline and raw size.
    pub fn detail(&self, id: i64) -> Result<HandoffDetail> {
        let handoff = self.handoff(id)?.ok_or(Error::NoSuchHandoff(id))?;
        let time_zone =
            self.workspace_by_id(handoff.workspace_id)?.map(|w| w.time_zone).unwrap_or_else(|| "UTC".into());
        let mut stmt = self.conn.prepare_cached(
            "SELECT author, name, at, text FROM messages WHERE handoff_id = ?1 ORDER BY ordinal",
        )?;
        let transcript = stmt
            .query_map([id], |r| {
                Ok(Message {
                    author: parse_enum::<Author>(r, 0)?,
                    name: r.get(1)?,
                    at: opt_from_ms(r.get(2)?),
                    text: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, handoff_id, at, kind, detail FROM events WHERE handoff_id = ?1 ORDER BY at, id",
        )?;
        let events = stmt
            .query_map([id], |r| {
                Ok(Event {
                    id: r.get(0)?,
                    handoff_id: r.get(1)?,
                    at: from_ms(r.get(2)?),
                    kind: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let raw_size = self
            .conn
            .query_row("SELECT size FROM raw_sources WHERE handoff_id = ?1", [id], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        Ok(HandoffDetail {
            handoff,
            time_zone,
            transcript,
            events,
            raw_size,
            promise: self.promise(id)?,
            follow_ups: self.follow_ups(id)?,
            replies: self.replies(id)?,
            resolution: self.resolution(id)?,
            team: self.team_state(id)?,
            hubspot: self.push_record(id)?,
        })
    }

    /// The source exactly as it was received.
    pub fn raw(&self, id: i64) -> Result<Vec<u8>> {
        let (compressed, bytes): (bool, Vec<u8>) = self
            .conn
            .query_row("SELECT compressed, bytes FROM raw_sources WHERE handoff_id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(Error::NoSuchHandoff(id))?;
        unpack_raw(compressed, bytes)
            .map_err(|e| Error::Invalid(format!("the raw source of #{id} is damaged: {e}")))
    }

    /// Append an event to a handoff's timeline.
    pub fn add_event(
        &self,
        handoff_id: i64,
        kind: &str,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO events (handoff_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
            params![handoff_id, to_ms(at), kind, detail],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// Undo `store::ingest`'s compression of a raw original.
pub(super) fn unpack_raw(compressed: bool, bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
    if !compressed {
        return Ok(bytes);
    }
    use std::io::Write;
    let mut dec = flate2::write::DeflateDecoder::new(Vec::new());
    dec.write_all(&bytes)?;
    dec.finish()
}
