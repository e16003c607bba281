//! Re-reading stored records with a newer reader (`handoff reparse`, the
//! window's "read again" offer). The caller parses each record's raw source
//! with the current readers and hands the result here; this module decides
//! what the new reading may change and writes it.
//!
//! Invariants:
//! - the raw source is never touched: a re-read only ever reads it;
//! - one transaction per record; the handoff keeps its id, source key,
//!   workspace, received time, timeline, replies, claims and outbox jobs;
//! - a reading no better than the stored one (parse status ok > partial > raw)
//!   changes nothing but the record of which version read it, so running a
//!   re-read twice changes nothing the second time;
//! - what a person or the owner decided is never overwritten: status,
//!   resolution, snooze, replies, claims, promises met or breached, notes;
//!   a reason or question the bot gave is kept, an inferred one is replaced;
//! - every upgrade adds a `reread` event saying what changed
//!   ("re-read: raw → ok (read as a chatwoot notification)").

use super::read_by::READER_VERSION;
use super::{Store, from_ms, opt_from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{
    Author, FollowUpKind, Handoff, Message, NewHandoff, ParseStatus, PromiseOrigin, RawKind, Reason,
    SourceKind, Status, Workspace,
};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Which stored records to re-read.
#[derive(Debug, Clone, Default)]
pub struct RereadFilter {
    /// Only this workspace.
    pub workspace_id: Option<i64>,
    /// Only records kept raw (`--flagged`); otherwise raw and partial ones.
    pub raw_only: bool,
}

/// A stored record's raw source, as the readers need it.
#[derive(Debug, Clone)]
pub struct StoredSource {
    /// The handoff.
    pub id: i64,
    /// Its workspace's short name.
    pub workspace: String,
    /// How it arrived (passed to the reader again).
    pub source: SourceKind,
    /// What the raw bytes are.
    pub raw_kind: RawKind,
    /// The raw source exactly as received.
    pub raw: Vec<u8>,
    /// How well it is read today.
    pub parse_status: ParseStatus,
}

/// What re-reading one record did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq)]
pub struct Reread {
    /// The handoff.
    pub id: i64,
    /// Parse status before.
    pub from: ParseStatus,
    /// Parse status after (unchanged unless upgraded).
    pub to: ParseStatus,
    /// True when the new reading replaced the stored fields.
    pub upgraded: bool,
    /// The fields that changed, by name ("visitor email", "transcript").
    pub changed: Vec<&'static str>,
    /// The timeline entry written, or why nothing was changed.
    pub detail: String,
}

fn rank(s: ParseStatus) -> u8 {
    match s {
        ParseStatus::Raw => 0,
        ParseStatus::Partial => 1,
        ParseStatus::Ok => 2,
    }
}

impl Store {
    /// Ids of the records a re-read looks at, oldest first.
    pub fn reread_ids(&self, f: &RereadFilter) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM handoffs
             WHERE (parse_status = 'raw' OR (?1 = 0 AND parse_status = 'partial'))
               AND (?2 IS NULL OR workspace_id = ?2)
             ORDER BY id",
        )?;
        let ids = stmt.query_map(params![f.raw_only, f.workspace_id], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    /// One record's raw source and how it is read today.
    pub fn stored_source(&self, id: i64) -> Result<StoredSource> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT h.source, h.parse_status, w.slug, r.kind, r.compressed, r.bytes
                 FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id
                 LEFT JOIN raw_sources r ON r.handoff_id = h.id WHERE h.id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<bool>>(4)?,
                    r.get::<_, Option<Vec<u8>>>(5)?,
                ))
            })
            .optional()?
            .ok_or(Error::NoSuchHandoff(id))?;
        let (source, status, workspace, kind, compressed, bytes) = row;
        let bad = |what: &str| Error::Invalid(format!("handoff #{id}: {what}"));
        let (Some(kind), Some(bytes)) = (kind, bytes) else {
            return Err(bad("its raw source is missing, so there is nothing to read again"));
        };
        let raw = super::handoffs::unpack_raw(compressed.unwrap_or(false), bytes)
            .map_err(|e| bad(&format!("its raw source is damaged: {e}")))?;
        Ok(StoredSource {
            id,
            workspace,
            source: source.parse().map_err(|_| bad(&format!("unknown source {source:?}")))?,
            raw_kind: kind.parse().map_err(|_| bad(&format!("unknown raw kind {kind:?}")))?,
            raw,
            parse_status: status.parse().map_err(|_| bad(&format!("unknown parse status {status:?}")))?,
        })
    }

    /// Apply a new reading of record `id` (one transaction), or with
    /// `dry_run` work out the same outcome and write nothing.
    pub fn apply_reread(
        &mut self,
        id: i64,
        read: &NewHandoff,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Reread> {
        let current = super::handoffs::handoff_in(&self.conn, id)?.ok_or(Error::NoSuchHandoff(id))?;
        let ws = self
            .workspace_by_id(current.workspace_id)?
            .ok_or_else(|| Error::Invalid(format!("handoff #{id} belongs to no workspace")))?;
        let tx = self.conn.transaction()?;
        let outcome = if rank(read.parse_status) <= rank(current.parse_status) {
            tx.execute(
                "UPDATE handoffs SET read_by = ?2 WHERE id = ?1 AND read_by IS NOT ?2",
                params![id, READER_VERSION],
            )?;
            let detail =
                format!("read no better than before ({}); left as it is", read.parse_status.as_str());
            Reread {
                id,
                from: current.parse_status,
                to: current.parse_status,
                upgraded: false,
                changed: vec![],
                detail,
            }
        } else {
            upgrade(&tx, &ws, &current, read, now)?
        };
        if !dry_run {
            tx.commit()?;
        }
        Ok(outcome)
    }
}

/// Merge a better reading into the stored record and say what changed.
fn upgrade(
    tx: &Transaction<'_>,
    ws: &Workspace,
    cur: &Handoff,
    read: &NewHandoff,
    now: DateTime<Utc>,
) -> Result<Reread> {
    let mut m = read.clone();
    let mut changed = Vec::new();
    // The bot's own reason and question stay; inferred ones follow the better reading.
    let reason_given = cur.reason != Reason::Other && !cur.reason_inferred;
    if reason_given || (read.reason == Reason::Other && cur.reason != Reason::Other) {
        m.reason = cur.reason;
        m.reason_detail = cur.reason_detail.clone();
        m.reason_inferred = cur.reason_inferred;
        m.confidence = cur.confidence;
    }
    if (cur.question.is_some() && !cur.question_derived) || m.question.is_none() {
        m.question = cur.question.clone();
        m.question_derived = cur.question_derived;
    }
    keep_if_none(&mut m.visitor.name, &cur.visitor.name);
    keep_if_none(&mut m.visitor.email, &cur.visitor.email);
    keep_if_none(&mut m.visitor.phone, &cur.visitor.phone);
    keep_if_none(&mut m.page.url, &cur.page.url);
    keep_if_none(&mut m.page.title, &cur.page.title);
    keep_if_none(&mut m.bot, &cur.bot);
    keep_if_none(&mut m.subject, &cur.subject);
    keep_if_none(&mut m.message_id, &cur.message_id);
    keep_if_none(&mut m.promise, &cur.promise);
    if m.started_at.is_none() {
        m.started_at = cur.started_at;
    }
    if m.escalated_at.is_none() {
        m.escalated_at = cur.escalated_at;
    }
    let stored = transcript(tx, cur.id)?;
    let new_transcript = !m.transcript.is_empty() && m.transcript != stored;
    if m.transcript.is_empty() {
        m.transcript = stored;
    }

    let mut note = |differs: bool, name: &'static str| {
        if differs {
            changed.push(name);
        }
    };
    note(m.visitor.name != cur.visitor.name, "visitor name");
    note(m.visitor.email != cur.visitor.email, "visitor email");
    note(m.visitor.phone != cur.visitor.phone, "visitor phone");
    note(m.page.url != cur.page.url || m.page.title != cur.page.title, "page");
    note(m.reason != cur.reason || m.reason_detail != cur.reason_detail, "reason");
    note(m.question != cur.question, "question");
    note(new_transcript, "transcript");
    note(m.bot != cur.bot, "bot");
    note(m.platform != cur.platform, "platform");
    note(m.started_at != cur.started_at || m.escalated_at != cur.escalated_at, "times");
    note(m.promise != cur.promise, "promise");

    let after_hours = match (m.escalated_at, cur.escalated_at) {
        (Some(new), old) if Some(new) != old => {
            crate::promise::Calendar::for_workspace(ws).is_after_hours(new)
        }
        _ => cur.after_hours,
    };
    let notes = serde_json::to_string(&m.parse_notes).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "UPDATE handoffs SET bot = ?2, platform = ?3, reason = ?4, reason_detail = ?5, reason_inferred = ?6,
             confidence = ?7, visitor_name = ?8, visitor_email = ?9, visitor_phone = ?10, page_url = ?11,
             page_title = ?12, started_at = ?13, escalated_at = ?14, after_hours = ?15, promise = ?16,
             question = ?17, question_derived = ?18, subject = ?19, message_id = ?20, parse_status = ?21,
             parse_notes = ?22, read_by = ?23
         WHERE id = ?1",
    )?
    .execute(params![
        cur.id,
        m.bot,
        m.platform,
        m.reason.as_str(),
        m.reason_detail,
        m.reason_inferred,
        m.confidence,
        m.visitor.name,
        m.visitor.email,
        m.visitor.phone,
        m.page.url,
        m.page.title,
        m.started_at.map(to_ms),
        m.escalated_at.map(to_ms),
        after_hours,
        m.promise,
        m.question,
        m.question_derived,
        m.subject,
        m.message_id,
        m.parse_status.as_str(),
        notes,
        READER_VERSION,
    ])?;
    // The briefing is made again from the new reading when next shown.
    tx.execute("DELETE FROM briefings WHERE handoff_id = ?1", [cur.id])?;
    if new_transcript {
        tx.execute("DELETE FROM messages WHERE handoff_id = ?1", [cur.id])?;
        let mut msg = tx.prepare_cached(
            "INSERT INTO messages (handoff_id, ordinal, author, name, at, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, x) in m.transcript.iter().enumerate() {
            msg.execute(params![cur.id, i as i64, x.author.as_str(), x.name, x.at.map(to_ms), x.text])?;
        }
    }
    let mut detail =
        format!("re-read: {} → {} ({})", cur.parse_status.as_str(), m.parse_status.as_str(), read_as(read));
    if !changed.is_empty() {
        detail.push_str(&format!("; now knows {}", changed.join(", ")));
    }
    if m.promise != cur.promise
        && let Some(text) = m.promise.as_deref()
        && let Some(what) = replan_promise(tx, ws, cur, text, now)?
    {
        detail.push_str(&format!("; {what}"));
    }
    tx.execute(
        "INSERT INTO events (handoff_id, at, kind, detail) VALUES (?1, ?2, 'reread', ?3)",
        params![cur.id, to_ms(now), detail],
    )?;
    // The index row goes last, as at ingest (see `search::index_batch`).
    tx.execute("DELETE FROM handoff_fts WHERE rowid = ?1", [cur.id])?;
    super::search::index_batch(tx, &[super::search::index_row(cur.id, &m)])?;
    Ok(Reread { id: cur.id, from: cur.parse_status, to: m.parse_status, upgraded: true, changed, detail })
}

fn keep_if_none(new: &mut Option<String>, old: &Option<String>) {
    if new.as_deref().is_none_or(|s| s.trim().is_empty()) {
        new.clone_from(old);
    }
}

fn transcript(conn: &Connection, id: i64) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT author, name, at, text FROM messages WHERE handoff_id = ?1 ORDER BY ordinal",
    )?;
    let rows = stmt.query_map([id], |r| {
        let author: String = r.get(0)?;
        Ok(Message {
            author: author.parse().unwrap_or(Author::System),
            name: r.get(1)?,
            at: opt_from_ms(r.get(2)?),
            text: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// "read as a chatwoot notification", from the reader's own note or the platform it names.
fn read_as(h: &NewHandoff) -> String {
    if let Some(n) = h.parse_notes.iter().find(|n| n.starts_with("read as ")) {
        return n.split(':').next().unwrap_or(n).trim().to_string();
    }
    match h.platform.as_deref() {
        Some("email:labelled") => "read as a labelled notification".into(),
        Some("email:json" | "canonical") => "read as canonical handoff JSON".into(),
        Some(p) if p.starts_with("email:") => format!("read as a {} notification", &p[6..]),
        Some(p) => format!("read as a {p} webhook"),
        None => "read by the current reader".into(),
    }
}

/// A changed promise: recompute the due time only while the clock still runs
/// (a promise met, breached or dropped is history); give a new handoff that
/// had none its promise. Returns what was done, for the timeline.
fn replan_promise(
    tx: &Transaction<'_>,
    ws: &Workspace,
    cur: &Handoff,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let Some(plan) = super::promises::plan_promise(ws, Some(text), cur.received_at)
        .filter(|p| p.origin == PromiseOrigin::Bot)
    else {
        return Ok(None);
    };
    let row: Option<(String, i64)> = tx
        .query_row("SELECT state, due_at FROM promises WHERE handoff_id = ?1", [cur.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match row {
        None if cur.status == Status::New => {
            super::promises::schedule(tx, ws, cur.id, Some(text), cur.received_at, now)?;
            Ok(Some(format!("promise due {}", plan.due_at.to_rfc3339())))
        }
        Some((state, due)) if state == "running" && from_ms(due) != plan.due_at => {
            tx.execute(
                "UPDATE promises SET text = ?2, due_at = ?3, clock_from = ?4, origin = 'bot' WHERE handoff_id = ?1",
                params![cur.id, plan.text, to_ms(plan.due_at), to_ms(plan.clock_from)],
            )?;
            let kinds = [FollowUpKind::Reminder, FollowUpKind::BackupContact, FollowUpKind::Breach];
            super::promises::cancel_follow_ups(tx, cur.id, &kinds, now)?;
            if let Some(at) = plan.reminder_at.filter(|at| *at > now) {
                super::promises::add_follow_up(tx, cur.id, FollowUpKind::Reminder, at, "notification", None)?;
            }
            if ws.backup_contact.is_some() && plan.backup_at > now {
                let channel = if ws.settings.follow_ups.backup_email { "email" } else { "notification" };
                super::promises::add_follow_up(
                    tx,
                    cur.id,
                    FollowUpKind::BackupContact,
                    plan.backup_at,
                    channel,
                    None,
                )?;
            }
            super::promises::add_follow_up(
                tx,
                cur.id,
                FollowUpKind::Breach,
                plan.due_at,
                "notification",
                None,
            )?;
            Ok(Some(format!("promise due time recomputed: {}", plan.due_at.to_rfc3339())))
        }
        _ => Ok(None),
    }
}
