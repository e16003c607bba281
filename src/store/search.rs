//! Full-text search (FTS5, contentless; rowid = handoff id).
//!
//! The query plan keeps every query fast at any size: ranking every match by
//! bm25 costs time in proportion to the number of matches (~0.5 s for a word
//! in every handoff at 200k), so ranking is bounded to the newest
//! [`RANK_WINDOW`] matches. A rare term ranks all its matches; a very common
//! one ranks the most recent thousand, which is what a person searching an
//! inbox wants first anyway. The result says when it was bounded.

use super::Store;
use crate::error::{Error, Result};
use crate::model::{Handoff, NewHandoff};
use rusqlite::{Transaction, params};

/// How many of the newest matches are ranked by relevance at most.
pub const RANK_WINDOW: usize = 1000;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first (bm25 over the newest matches).
    #[default]
    Relevance,
    /// Newest first.
    Recent,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The handoff.
    pub handoff: Handoff,
    /// bm25 score (lower is better), when ranked by relevance.
    pub score: Option<f64>,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// The hits, in the order asked for.
    pub hits: Vec<SearchHit>,
    /// True when there were more than [`RANK_WINDOW`] matches and only the newest were ranked.
    pub bounded: bool,
}

/// One index row: a handoff's searchable text by column.
pub(super) struct IndexRow(i64, String, String, String, String);

/// The text a handoff is found by.
pub(super) fn index_row(id: i64, h: &NewHandoff) -> IndexRow {
    let join = |parts: &[Option<&str>]| parts.iter().flatten().copied().collect::<Vec<_>>().join(" ");
    let visitor = join(&[h.visitor.name.as_deref(), h.visitor.email.as_deref(), h.visitor.phone.as_deref()]);
    let page = join(&[h.page.url.as_deref(), h.page.title.as_deref()]);
    let question = join(&[h.question.as_deref(), h.reason_detail.as_deref()]);
    let mut body = String::new();
    for part in [h.subject.as_deref(), h.bot.as_deref()].into_iter().flatten() {
        body.push_str(part);
        body.push('\n');
    }
    for m in &h.transcript {
        body.push_str(&m.text);
        body.push('\n');
    }
    if h.transcript.is_empty() && h.parse_status != crate::model::ParseStatus::Ok {
        // A raw handoff is still findable by the words of its source.
        let cap = h.raw.len().min(64 * 1024);
        body.push_str(&String::from_utf8_lossy(&h.raw[..cap]));
    }
    IndexRow(id, visitor, page, question, body)
}

/// Index a batch of handoffs, as the transaction's last writes.
///
/// FTS5 flushes its pending terms to a new on-disk segment whenever a
/// statement opens a savepoint, as the other inserts of a batch do. Rows indexed between the other inserts therefore cost a segment,
/// and its merges, per handoff: 230k instructions of the 460k a stored
/// handoff cost. Indexed together at the end they share one segment per batch.
pub(super) fn index_batch(tx: &Transaction<'_>, rows: &[IndexRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO handoff_fts (rowid, visitor, page, question, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in rows {
        stmt.execute(params![r.0, r.1, r.2, r.3, r.4])?;
    }
    Ok(())
}

/// Turn what a person typed into an FTS5 query: words and "quoted phrases"
/// are all required; a trailing `*` keeps prefix search; everything else is literal.
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        let (term, prefix, tail) = if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            (&stripped[..end], false, stripped.get(end + 1..).unwrap_or(""))
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            let prefix = word.len() > 1 && word.ends_with('*');
            (word.trim_end_matches('*'), prefix, &rest[end..])
        };
        let has_token = term.chars().any(char::is_alphanumeric);
        if has_token {
            let quoted = format!("\"{}\"{}", term.replace('"', "\"\""), if prefix { "*" } else { "" });
            terms.push(quoted);
        }
        rest = tail.trim_start();
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// Search handoffs in one workspace (or all), best or newest first.
    pub fn search(
        &self,
        input: &str,
        workspace_id: Option<i64>,
        order: SearchOrder,
        limit: usize,
    ) -> Result<SearchResult> {
        let Some(query) = fts_query(input) else {
            return Ok(SearchResult { hits: Vec::new(), bounded: false });
        };
        let bad = |e: rusqlite::Error| Error::BadQuery { query: input.to_string(), why: e.to_string() };
        let limit = limit.clamp(1, RANK_WINDOW) as i64;
        let (ids, bounded): (Vec<(i64, Option<f64>)>, bool) = match order {
            SearchOrder::Recent => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT f.rowid FROM handoff_fts f JOIN handoffs h ON h.id = f.rowid
                     WHERE handoff_fts MATCH ?1 AND (?2 IS NULL OR h.workspace_id = ?2)
                     ORDER BY f.rowid DESC LIMIT ?3",
                )?;
                let rows = stmt.query_map(params![query, workspace_id, limit], |r| Ok((r.get(0)?, None)));
                (rows.map_err(bad)?.collect::<rusqlite::Result<_>>().map_err(bad)?, false)
            }
            SearchOrder::Relevance => {
                // The oldest rowid inside the window of newest matches, if the window is full.
                let floor: Option<i64> = self
                    .conn
                    .prepare_cached(
                        "SELECT f.rowid FROM handoff_fts f JOIN handoffs h ON h.id = f.rowid
                         WHERE handoff_fts MATCH ?1 AND (?2 IS NULL OR h.workspace_id = ?2)
                         ORDER BY f.rowid DESC LIMIT 1 OFFSET ?3",
                    )?
                    .query_row(params![query, workspace_id, RANK_WINDOW as i64 - 1], |r| r.get(0))
                    .map(Some)
                    .or_else(|e| match e {
                        rusqlite::Error::QueryReturnedNoRows => Ok(None),
                        e => Err(bad(e)),
                    })?;
                let mut stmt = self.conn.prepare_cached(
                    "SELECT f.rowid, bm25(handoff_fts, 3.0, 2.0, 4.0, 1.0) AS score
                     FROM handoff_fts f JOIN handoffs h ON h.id = f.rowid
                     WHERE handoff_fts MATCH ?1 AND f.rowid >= ?2 AND (?3 IS NULL OR h.workspace_id = ?3)
                     ORDER BY score, f.rowid DESC LIMIT ?4",
                )?;
                let rows = stmt
                    .query_map(params![query, floor.unwrap_or(i64::MIN), workspace_id, limit], |r| {
                        Ok((r.get(0)?, Some(r.get(1)?)))
                    });
                (rows.map_err(bad)?.collect::<rusqlite::Result<_>>().map_err(bad)?, floor.is_some())
            }
        };
        let scores: std::collections::HashMap<i64, Option<f64>> = ids.iter().copied().collect();
        let order: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
        let hits = self
            .handoffs_by_ids(&order)?
            .into_iter()
            .map(|handoff| SearchHit { score: scores.get(&handoff.id).copied().flatten(), handoff })
            .collect();
        Ok(SearchResult { hits, bounded })
    }
}
