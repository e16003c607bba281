//! The gap checklist's tables: question embeddings and checked-off items,
//! and the sent replies that can seed a checklist item's draft answer.

use super::{Store, from_ms, to_ms};
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

/// Which handoffs' questions are content gaps: the bot had no answer or was
/// not sure of it, or someone resolved the handoff as a content gap; never
/// one resolved as not a lead (spam, tests).
const GAP_FILTER: &str = "h.question IS NOT NULL AND trim(h.question) <> ''
    AND (h.reason IN ('knowledge_gap', 'low_confidence') OR h.resolution = 'content_gap')
    AND coalesce(h.resolution, '') <> 'not_a_lead'";

/// One unanswered question, with what the checklist shows about it.
#[derive(Debug, Clone, Serialize)]
pub struct GapQuestion {
    /// The handoff.
    pub handoff_id: i64,
    /// The question, as the visitor wrote it.
    pub text: String,
    /// Who asked: their email (lower-cased), else phone, else `#id`.
    pub visitor: String,
    /// The page the chat started on (URL, else title).
    pub page: Option<String>,
    /// When the handoff arrived.
    pub received_at: DateTime<Utc>,
    /// Its stored embedding, when one was made with the current model.
    #[serde(skip)]
    pub vector: Option<Vec<f32>>,
}

/// A checked-off checklist item.
#[derive(Debug, Clone, Serialize)]
pub struct GapCheck {
    /// Its id.
    pub id: i64,
    /// The month it was checked off in (`YYYY-MM`).
    pub month: String,
    /// The group's label when checked.
    pub label: String,
    /// The handoffs whose questions made the group.
    pub members: Vec<i64>,
    /// What was done ("added /faq#refunds").
    pub note: Option<String>,
    /// When.
    pub checked_at: DateTime<Utc>,
}

/// A sent reply to a handoff whose answer the owner had to write because the
/// bot could not: a candidate draft answer for the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct GapReply {
    /// The handoff it answered.
    pub handoff_id: i64,
    /// Whether the handoff was resolved as a content gap (else: answered, knowledge gap).
    pub content_gap: bool,
    /// The From line, as sent (`"Dana" <help@acme.test>` or a bare address).
    pub from: String,
    /// The body as sent, template text included.
    pub body_text: String,
    /// When the SMTP server took it.
    pub sent_at: DateTime<Utc>,
}

/// Encode a vector for storage.
pub fn vector_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Decode a stored vector (`None` when it is not `dim` floats).
pub fn vector_from(bytes: &[u8], dim: usize) -> Option<Vec<f32>> {
    (bytes.len() == dim * 4)
        .then(|| bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// The SHA-256 of a question, hex.
pub fn text_hash(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Content-gap questions that have no current embedding from `model`
    /// (oldest first, at most `limit`).
    pub fn gap_questions_to_embed(&self, model: &str, limit: usize) -> Result<Vec<(i64, String)>> {
        let sql = format!(
            "SELECT h.id, h.question, v.text_hash FROM handoffs h
             LEFT JOIN question_vectors v ON v.handoff_id = h.id AND v.model = ?1
             WHERE {GAP_FILTER} ORDER BY h.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([model], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, q, hash) = row?;
            if hash.as_deref() != Some(text_hash(&q).as_str()) {
                out.push((id, q));
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Store embeddings (one transaction): (handoff id, question embedded, vector).
    pub fn put_question_vectors(&mut self, model: &str, items: &[(i64, String, Vec<f32>)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO question_vectors (handoff_id, model, text_hash, vector) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (handoff_id) DO UPDATE SET model = ?2, text_hash = ?3, vector = ?4",
            )?;
            for (id, text, v) in items {
                stmt.execute(params![id, model, text_hash(text), vector_bytes(v)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The workspace's content-gap questions received in `[from, to)`, with
    /// their embeddings from `model` (when current), oldest first.
    pub fn gap_questions(
        &self,
        workspace_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        model: &str,
        dim: usize,
    ) -> Result<Vec<GapQuestion>> {
        let sql = format!(
            "SELECT h.id, h.question, h.visitor_email, h.visitor_phone, h.page_url, h.page_title,
                    h.received_at, v.text_hash, v.vector
             FROM handoffs h LEFT JOIN question_vectors v ON v.handoff_id = h.id AND v.model = ?4
             WHERE h.workspace_id = ?1 AND h.received_at >= ?2 AND h.received_at < ?3 AND {GAP_FILTER}
             ORDER BY h.received_at, h.id"
        );
        self.read_gap_questions(&sql, params![workspace_id, to_ms(from), to_ms(to), model], dim)
    }

    /// The questions of the given handoffs (for comparing a checked item with today's groups).
    pub fn gap_questions_by_ids(&self, ids: &[i64], model: &str, dim: usize) -> Result<Vec<GapQuestion>> {
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let sql = "SELECT h.id, h.question, h.visitor_email, h.visitor_phone, h.page_url, h.page_title,
                    h.received_at, v.text_hash, v.vector
             FROM handoffs h LEFT JOIN question_vectors v ON v.handoff_id = h.id AND v.model = ?2
             WHERE h.id IN (SELECT value FROM json_each(?1)) AND h.question IS NOT NULL
             ORDER BY h.id";
        self.read_gap_questions(sql, params![list, model], dim)
    }

    fn read_gap_questions(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        dim: usize,
    ) -> Result<Vec<GapQuestion>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(p, |r| {
            let id: i64 = r.get(0)?;
            let text: String = r.get(1)?;
            let email: Option<String> = r.get(2)?;
            let phone: Option<String> = r.get(3)?;
            let (url, title): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
            let hash: Option<String> = r.get(7)?;
            let blob: Option<Vec<u8>> = r.get(8)?;
            let current = hash.as_deref() == Some(text_hash(&text).as_str());
            let visitor = email
                .map(|e| e.trim().to_lowercase())
                .filter(|e| !e.is_empty())
                .or_else(|| phone.filter(|p| !p.trim().is_empty()))
                .unwrap_or_else(|| format!("#{id}"));
            Ok(GapQuestion {
                handoff_id: id,
                text: text.trim().to_string(),
                visitor,
                page: url.filter(|u| !u.is_empty()).or(title.filter(|t| !t.is_empty())),
                received_at: from_ms(r.get(6)?),
                vector: if current { blob.and_then(|b| vector_from(&b, dim)) } else { None },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The sent first replies to those of the given handoffs that were
    /// resolved as a content gap, or answered after a knowledge-gap handoff:
    /// content-gap handoffs first, then the most recently sent first.
    /// Second attempts and alerts are left out: they carry no answer.
    pub fn gap_replies(&self, ids: &[i64]) -> Result<Vec<GapReply>> {
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.handoff_id, h.resolution = 'content_gap', r.from_addr, r.body_text, r.sent_at
             FROM replies r JOIN handoffs h ON h.id = r.handoff_id
             WHERE r.handoff_id IN (SELECT value FROM json_each(?1))
               AND r.kind = 'reply' AND r.sent_at IS NOT NULL
               AND (h.resolution = 'content_gap'
                    OR (h.resolution = 'answered' AND h.reason = 'knowledge_gap'))
             ORDER BY 2 DESC, r.sent_at DESC, r.id DESC",
        )?;
        let rows = stmt.query_map([list], |r| {
            Ok(GapReply {
                handoff_id: r.get(0)?,
                content_gap: r.get(1)?,
                from: r.get(2)?,
                body_text: r.get(3)?,
                sent_at: from_ms(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Check an item off.
    pub fn add_gap_check(
        &mut self,
        workspace_id: i64,
        month: &str,
        label: &str,
        members: &[i64],
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO gap_checks (workspace_id, month, label, members, note, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                workspace_id,
                month,
                label,
                serde_json::to_string(members).unwrap_or_else(|_| "[]".into()),
                note,
                to_ms(at)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Undo a check-off. Whether there was one.
    pub fn remove_gap_check(&mut self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM gap_checks WHERE id = ?1", [id])? > 0)
    }

    /// The workspace's check-offs in months up to and including `month`, oldest first.
    pub fn gap_checks(&self, workspace_id: i64, up_to_month: &str) -> Result<Vec<GapCheck>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, month, label, members, note, checked_at FROM gap_checks
             WHERE workspace_id = ?1 AND month <= ?2 ORDER BY month, checked_at, id",
        )?;
        let rows = stmt.query_map(params![workspace_id, up_to_month], |r| {
            let members: String = r.get(3)?;
            Ok(GapCheck {
                id: r.get(0)?,
                month: r.get(1)?,
                label: r.get(2)?,
                members: serde_json::from_str(&members).unwrap_or_default(),
                note: r.get(4)?,
                checked_at: from_ms(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
