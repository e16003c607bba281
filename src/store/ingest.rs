//! Writing parsed input: handoffs with their transcript, raw source, index row
//! and `received` event; skipped events on their own.
//!
//! One call is one transaction. A `(workspace, source_key)` already present is
//! counted as a duplicate and left untouched, so re-ingesting is a no-op and a
//! crash mid-import can simply be re-run.

use super::sources::Cursor;
use super::{Store, to_ms};
use crate::error::Result;
use crate::model::{NewHandoff, ParseStatus, SourceKind, Workspace};
use crate::model::{Parsed, Skipped};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;
use std::io::Write;

/// Raw sources larger than this are stored deflate-compressed.
const COMPRESS_ABOVE: usize = 8 * 1024;

/// What one ingest call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Ids of the handoffs newly stored, in input order.
    pub inserted: Vec<i64>,
    /// Inputs already in the store (same source key), left untouched.
    pub duplicates: usize,
    /// Known non-handoff events recorded in `skipped_events`.
    pub skipped: usize,
    /// Handoffs a teammate's reply was newly seen for.
    pub answered: Vec<i64>,
    /// Newly stored handoffs that were not fully understood (parse status raw).
    pub flagged: usize,
}

impl IngestOutcome {
    /// Add another outcome's counts to this one.
    pub fn absorb(&mut self, other: IngestOutcome) {
        self.inserted.extend(other.inserted);
        self.duplicates += other.duplicates;
        self.skipped += other.skipped;
        self.flagged += other.flagged;
        self.answered.extend(other.answered);
    }
}

impl Store {
    /// Store a batch of parsed input in one transaction.
    ///
    /// Each handoff goes to the workspace its source names (`workspace_hint`)
    /// when that workspace exists, else to `default`. `now` is the receive
    /// time for live sources; imports and demo data keep the time the
    /// notification was sent.
    pub fn ingest(
        &mut self,
        default: &Workspace,
        items: Vec<Parsed>,
        now: DateTime<Utc>,
    ) -> Result<IngestOutcome> {
        self.ingest_inner(default, items, now, None)
    }

    /// Store a batch from a live source and move that source's cursor, in one
    /// transaction: after a crash either both happened or neither did, so the
    /// source re-fetches the batch and the source keys absorb the repeat.
    pub fn ingest_at(
        &mut self,
        default: &Workspace,
        items: Vec<Parsed>,
        now: DateTime<Utc>,
        source_id: i64,
        cursor: Cursor,
    ) -> Result<IngestOutcome> {
        self.ingest_inner(default, items, now, Some((source_id, cursor)))
    }

    fn ingest_inner(
        &mut self,
        default: &Workspace,
        items: Vec<Parsed>,
        now: DateTime<Utc>,
        cursor: Option<(i64, Cursor)>,
    ) -> Result<IngestOutcome> {
        let hinted = self.hinted_workspaces(default, &items)?;
        let tx = self.conn.transaction()?;
        let mut out = IngestOutcome::default();
        let mut index = Vec::new();
        for item in &items {
            match item {
                Parsed::Handoff(h) => {
                    let ws = h.workspace_hint.as_ref().and_then(|slug| hinted.get(slug)).unwrap_or(default);
                    match insert_handoff(&tx, ws, h, now)? {
                        Some(id) => {
                            index.push(super::search::index_row(id, h));
                            if h.parse_status == ParseStatus::Raw {
                                out.flagged += 1;
                            }
                            out.inserted.push(id);
                        }
                        None => out.duplicates += 1,
                    }
                }
                Parsed::Answer(a) => match answer_in(&tx, default, a, now)? {
                    Some(handoff_id) => out.answered.push(handoff_id),
                    None => out.duplicates += 1,
                },
                Parsed::Skipped(s) => {
                    if insert_skipped(&tx, default, s, now)? {
                        out.skipped += 1;
                    } else {
                        out.duplicates += 1;
                    }
                }
            }
        }
        if let Some((source_id, cursor)) = cursor {
            super::sources::write_cursor(&tx, source_id, cursor, now)?;
        }
        // Last, and with nothing after it: see `index_batch`.
        super::search::index_batch(&tx, &index)?;
        tx.commit()?;
        Ok(out)
    }

    fn hinted_workspaces(&self, default: &Workspace, items: &[Parsed]) -> Result<HashMap<String, Workspace>> {
        let mut map = HashMap::new();
        for h in items.iter().filter_map(Parsed::handoff) {
            if let Some(slug) = &h.workspace_hint
                && slug != &default.slug
                && !map.contains_key(slug)
                && let Some(ws) = self.workspace(slug)?
            {
                map.insert(slug.clone(), ws);
            }
        }
        Ok(map)
    }
}

fn received_at(h: &NewHandoff, now: DateTime<Utc>) -> DateTime<Utc> {
    match h.source {
        // The server's receive time, so every teammate's copy agrees.
        SourceKind::Imap | SourceKind::Relay => h.received_at.unwrap_or(now),
        SourceKind::Import | SourceKind::Demo => h.sent_at.or(h.escalated_at).unwrap_or(now),
    }
}

fn insert_handoff(
    tx: &Transaction<'_>,
    ws: &Workspace,
    h: &NewHandoff,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    // An erased visitor's handoff stays erased when its source is read again.
    if super::erase::was_erased(tx, ws.id, &h.source_key)? {
        return Ok(None);
    }
    let received = received_at(h, now);
    let after_hours =
        crate::promise::Calendar::for_workspace(ws).is_after_hours(h.escalated_at.unwrap_or(received));
    // A record kept raw always says why, even when the parser had nothing to say.
    let fallback = ["nothing in this input could be understood; the original is kept verbatim".to_string()];
    let notes = if h.parse_status == ParseStatus::Raw && h.parse_notes.is_empty() {
        &fallback[..]
    } else {
        &h.parse_notes[..]
    };
    let notes = serde_json::to_string(notes).unwrap_or_else(|_| "[]".into());
    let mut stmt = tx.prepare_cached(
        "INSERT INTO handoffs (workspace_id, source, source_key, bot, platform, reason, reason_detail,
             reason_inferred, confidence, visitor_name, visitor_email, visitor_phone, page_url, page_title,
             started_at, escalated_at, received_at, after_hours, promise, question, question_derived,
             subject, message_id, parse_status, parse_notes, read_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                 ?21, ?22, ?23, ?24, ?25, ?26)
         ON CONFLICT (workspace_id, source_key) DO NOTHING",
    )?;
    let changed = stmt.execute(params![
        ws.id,
        h.source.as_str(),
        h.source_key,
        h.bot,
        h.platform,
        h.reason.as_str(),
        h.reason_detail,
        h.reason_inferred,
        h.confidence,
        h.visitor.name,
        h.visitor.email,
        h.visitor.phone,
        h.page.url,
        h.page.title,
        h.started_at.map(to_ms),
        h.escalated_at.map(to_ms),
        to_ms(received),
        after_hours,
        h.promise,
        h.question,
        h.question_derived,
        h.subject,
        h.message_id,
        h.parse_status.as_str(),
        notes,
        super::read_by::READER_VERSION,
    ])?;
    if changed == 0 {
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    let mut msg = tx.prepare_cached(
        "INSERT INTO messages (handoff_id, ordinal, author, name, at, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, m) in h.transcript.iter().enumerate() {
        msg.execute(params![id, i as i64, m.author.as_str(), m.name, m.at.map(to_ms), m.text])?;
    }

    let (compressed, bytes) = pack_raw(&h.raw);
    tx.prepare_cached(
        "INSERT INTO raw_sources (handoff_id, kind, compressed, size, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, h.raw_kind.as_str(), compressed, h.raw.len() as i64, bytes])?;

    tx.prepare_cached("INSERT INTO events (handoff_id, at, kind, detail) VALUES (?1, ?2, 'received', ?3)")?
        .execute(params![id, to_ms(received), received_detail(h)])?;
    if let Some(b) = &h.briefing {
        super::briefings::write(tx, id, b)?;
    }
    super::promises::schedule(tx, ws, id, h.promise.as_deref(), received, now)?;
    Ok(Some(id))
}

fn received_detail(h: &NewHandoff) -> String {
    let via = match h.source {
        SourceKind::Imap => "mailbox",
        SourceKind::Relay => "webhook relay",
        SourceKind::Import => "file import",
        SourceKind::Demo => "demo data",
    };
    match h.parse_status {
        ParseStatus::Ok => format!("received via {via}"),
        ParseStatus::Partial => {
            format!("received via {via}; partly understood: {}", h.parse_notes.join("; "))
        }
        ParseStatus::Raw => {
            format!("received via {via}; not understood, kept raw: {}", h.parse_notes.join("; "))
        }
    }
}

fn insert_skipped(tx: &Transaction<'_>, ws: &Workspace, s: &Skipped, now: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO skipped_events (workspace_id, source_key, platform, event, why, raw, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (workspace_id, source_key) DO NOTHING",
        )?
        .execute(params![ws.id, s.source_key, s.platform, s.event, s.why, s.raw, to_ms(now)])?;
    Ok(n == 1)
}

fn pack_raw(raw: &[u8]) -> (bool, std::borrow::Cow<'_, [u8]>) {
    if raw.len() <= COMPRESS_ABOVE {
        return (false, raw.into());
    }
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    match enc.write_all(raw).and_then(|_| enc.finish()) {
        Ok(packed) if packed.len() < raw.len() => (true, packed.into()),
        _ => (false, raw.into()),
    }
}

/// A teammate's reply: recorded against the handoff it answers. One that
/// answers no handoff here is kept as a skipped event, never dropped.
/// Returns the handoff when the answer is new.
/// The handoff a reply answers: one whose notification, or an earlier reply
/// to it (ours or a teammate's), its In-Reply-To/References name; else the
/// newest one whose visitor it is addressed to under the notification's subject.
fn answered_handoff(
    tx: &Transaction<'_>,
    ws: &Workspace,
    a: &crate::model::TeamReply,
) -> Result<Option<i64>> {
    for parent in &a.parents {
        let id: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM handoffs WHERE workspace_id = ?1 AND message_id = ?2
                 UNION ALL SELECT a.handoff_id FROM answers a JOIN handoffs h ON h.id = a.handoff_id
                     WHERE h.workspace_id = ?1 AND a.message_id = ?2
                 UNION ALL SELECT r.handoff_id FROM replies r JOIN handoffs h ON h.id = r.handoff_id
                     WHERE h.workspace_id = ?1 AND r.message_id IN (?2, '<' || ?2 || '>')
                 LIMIT 1",
            )?
            .query_row(params![ws.id, parent], |r| r.get(0))
            .optional()?;
        if id.is_some() {
            return Ok(id);
        }
    }
    let Some(subject) = a.subject.as_deref().map(crate::model::bare_subject).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    for to in &a.to {
        let mut stmt = tx.prepare_cached(
            "SELECT id, subject FROM handoffs WHERE workspace_id = ?1 AND lower(visitor_email) = ?2
             AND subject IS NOT NULL ORDER BY received_at DESC, id DESC",
        )?;
        let rows =
            stmt.query_map(params![ws.id, to], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, s) = row?;
            if crate::model::bare_subject(&s) == subject {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

fn answer_in(
    tx: &Transaction<'_>,
    ws: &Workspace,
    a: &crate::model::TeamReply,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let Some(handoff_id) = answered_handoff(tx, ws, a)? else {
        // A mail program's unrelated mail (the Sent folder holds plenty) is not ours to keep.
        if !a.marked {
            return Ok(None);
        }
        let skipped = Skipped {
            source_key: format!("msgid:{}", a.message_id),
            platform: "handoff-desk".into(),
            event: "teammate_reply".into(),
            why: format!("a reply by {} to a handoff that is not in this workspace", a.by.label()),
            raw: a.raw.clone(),
        };
        insert_skipped(tx, ws, &skipped, now)?;
        return Ok(None);
    };
    let seen = super::claims::SeenAnswer {
        handoff_id,
        message_id: a.message_id.clone(),
        by: a.by.clone(),
        at: a.at.unwrap_or(now).min(now),
    };
    Ok(super::claims::record_answer_in(tx, &seen, false, true)?.then_some(handoff_id))
}
