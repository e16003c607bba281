//! Taught formats (templates) and the notifications that stopped matching
//! them. Knows only the model's [`FormatTemplate`]; reading mail with a template
//! is [`crate::ingest::templates`]'s job.
//!
//! Invariants: one template per sender (saving a template for a sender that
//! has one replaces it, keeps its id and clears its misses: the format was
//! taught again); a miss is counted once per notification (source key).

use super::{Store, from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{FieldRule, FormatTemplate, TemplateMisses};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, i64, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn template_of(row: (i64, String, String, i64, String)) -> Result<FormatTemplate> {
    let (id, sender, name, taught_at, spec) = row;
    let fields: Vec<FieldRule> = serde_json::from_str(&spec).map_err(|e| {
        Error::Invalid(format!(
            "the template for {sender} is damaged in the data file ({e}); remove it (handoff template remove {id}) and teach the format again"
        ))
    })?;
    Ok(FormatTemplate { id, sender, name, taught_at: from_ms(taught_at), fields })
}

const COLUMNS: &str = "id, sender, name, taught_at, spec";

impl Store {
    /// Every template, by sender.
    pub fn templates(&self) -> Result<Vec<FormatTemplate>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM templates ORDER BY sender"))?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(template_of).collect()
    }

    /// One template by id, or by its sender address.
    pub fn template(&self, key: &str) -> Result<Option<FormatTemplate>> {
        let id: Option<i64> = key.trim().trim_start_matches('#').parse().ok();
        let row = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM templates WHERE id = ?1 OR sender = ?2"))?
            .query_row(params![id, key.trim().to_lowercase()], from_row)
            .optional()?;
        row.map(template_of).transpose()
    }

    /// Save a template (replacing the sender's previous one); its id.
    pub fn save_template(&mut self, t: &FormatTemplate) -> Result<i64> {
        let sender = t.sender.trim().to_lowercase();
        if !sender.contains('@') {
            return Err(Error::Invalid(format!(
                "a template needs the sender's email address, and {:?} is none; teach it on a notification email",
                t.sender
            )));
        }
        let spec = serde_json::to_string(&t.fields).map_err(|e| Error::Invalid(e.to_string()))?;
        let tx = self.conn.transaction()?;
        let id: i64 = tx.query_row(
            "INSERT INTO templates (sender, name, taught_at, spec) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(sender) DO UPDATE SET name = excluded.name, taught_at = excluded.taught_at,
                 spec = excluded.spec
             RETURNING id",
            params![sender, t.name, to_ms(t.taught_at), spec],
            |r| r.get(0),
        )?;
        tx.execute("DELETE FROM template_misses WHERE template_id = ?1", [id])?;
        tx.commit()?;
        Ok(id)
    }

    /// Remove a template (by id or sender); the removed one, if there was one.
    /// Records it read keep what it read.
    pub fn remove_template(&mut self, key: &str) -> Result<Option<FormatTemplate>> {
        let Some(t) = self.template(key)? else { return Ok(None) };
        self.conn.execute("DELETE FROM templates WHERE id = ?1", [t.id])?;
        Ok(Some(t))
    }

    /// Count a notification (by source key) that no longer matched template `id`.
    pub fn record_template_miss(&self, id: i64, source_key: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO template_misses (template_id, source_key, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![id, source_key, to_ms(at)])?;
        Ok(())
    }

    /// How many notifications no longer matched template `id`, and the last one's time.
    pub fn template_misses(&self, id: i64) -> Result<TemplateMisses> {
        let (count, last): (i64, Option<i64>) = self
            .conn
            .prepare_cached("SELECT count(*), max(at) FROM template_misses WHERE template_id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(TemplateMisses { count: usize::try_from(count).unwrap_or(0), last_at: last.map(from_ms) })
    }
}
