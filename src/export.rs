//! Export of handoffs with their transcripts, for the owner's own use or a
//! visitor's access request.
//!
//! - **JSON lines**: one object per handoff in the canonical handoff shape
//!   (`DESIGN.md`, `schemas/`), so `handoff import` reads an export back into
//!   the same handoffs; the stored extras (`received_at`, `status`,
//!   `resolution`, `source`, `platform`, `parse_status`) ride along and the
//!   importer ignores them.
//! - **CSV** (RFC 4180, quoted where needed, CRLF line ends, a UTF-8 byte
//!   order mark so spreadsheet programs read the accents right): one row per
//!   handoff, the transcript in one cell as `author: text` lines. A cell that
//!   starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
//!   apostrophe so a spreadsheet shows it as text rather than running it as a
//!   formula (OWASP, "CSV Injection").
//!
//! Handoffs whose personal data retention removed are left out.

use crate::error::{Error, Result};
use crate::ingest::canonical::{CanonicalHandoff, CanonicalLine};
use crate::store::{HandoffDetail, ListFilter, Store};
use chrono::{DateTime, Utc};
use std::io::Write;

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values for spreadsheets.
    Csv,
    /// One JSON object per line, re-importable.
    Jsonl,
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "jsonl" | "ndjson" | "json" => Ok(ExportFormat::Jsonl),
            other => Err(Error::Invalid(format!(
                "unknown export format {other:?}: use csv (for spreadsheets) or jsonl (JSON lines, for tools)"
            ))),
        }
    }
}

/// The CSV header, in column order.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "workspace",
    "received_at",
    "status",
    "resolution",
    "reason",
    "reason_detail",
    "bot",
    "platform",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "page_url",
    "page_title",
    "question",
    "promise",
    "transcript",
];

/// One export line: the canonical shape plus what the store adds.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    canonical: CanonicalHandoff,
    received_at: DateTime<Utc>,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<&'a str>,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
    parse_status: &'a str,
}

fn canonical(d: &HandoffDetail) -> CanonicalHandoff {
    let h = &d.handoff;
    CanonicalHandoff {
        id: Some(h.source_key.clone()),
        workspace: Some(h.workspace.clone()),
        bot: h.bot.clone(),
        reason: Some(h.reason.as_str().to_string()),
        reason_detail: h.reason_detail.clone(),
        confidence: h.confidence,
        visitor: h.visitor.clone(),
        page: h.page.clone(),
        started_at: h.started_at,
        escalated_at: h.escalated_at,
        promise: h.promise.clone(),
        question: h.question.clone(),
        transcript: d
            .transcript
            .iter()
            .map(|m| CanonicalLine { from: m.author, name: m.name.clone(), at: m.at, text: m.text.clone() })
            .collect(),
    }
}

/// A cell a spreadsheet will not run as a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

fn transcript_cell(d: &HandoffDetail) -> String {
    d.transcript
        .iter()
        .map(|m| format!("{}: {}", m.name.as_deref().unwrap_or(m.author.as_str()), m.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Write the handoffs of `workspace` (all when `None`) received since
/// `since` (all when `None`), oldest first. The number written.
pub fn export(
    store: &Store,
    format: ExportFormat,
    workspace_id: Option<i64>,
    since: Option<DateTime<Utc>>,
    out: &mut dyn Write,
) -> Result<usize> {
    let io = |source: std::io::Error| Error::Io { path: "the export".into(), source };
    let mut ids = Vec::new();
    let page = 1000;
    loop {
        let f = ListFilter { workspace_id, since, limit: page, offset: ids.len(), ..ListFilter::default() };
        let rows = store.list(&f)?;
        let n = rows.len();
        ids.extend(rows.into_iter().map(|h| h.id));
        if n < page {
            break;
        }
    }
    ids.reverse();
    let bad = |e: csv::Error| Error::Invalid(format!("cannot write the CSV: {e}"));
    match format {
        ExportFormat::Jsonl => {
            for id in &ids {
                let d = store.detail(*id)?;
                let h = &d.handoff;
                let line = Line {
                    canonical: canonical(&d),
                    received_at: h.received_at,
                    status: h.status.as_str(),
                    resolution: d.resolution.map(|r| r.as_str()),
                    source: h.source.as_str(),
                    platform: h.platform.as_deref(),
                    parse_status: h.parse_status.as_str(),
                };
                serde_json::to_writer(&mut *out, &line).map_err(|e| Error::Invalid(e.to_string()))?;
                out.write_all(b"\n").map_err(io)?;
            }
        }
        ExportFormat::Csv => {
            out.write_all("\u{feff}".as_bytes()).map_err(io)?;
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *out);
            w.write_record(CSV_COLUMNS).map_err(bad)?;
            for id in &ids {
                let d = store.detail(*id)?;
                let h = &d.handoff;
                let o = |s: &Option<String>| cell(s.as_deref().unwrap_or(""));
                w.write_record([
                    h.id.to_string(),
                    cell(&h.workspace),
                    h.received_at.to_rfc3339(),
                    h.status.as_str().to_string(),
                    d.resolution.map(|r| r.as_str()).unwrap_or("").to_string(),
                    h.reason.as_str().to_string(),
                    o(&h.reason_detail),
                    o(&h.bot),
                    o(&h.platform),
                    o(&h.visitor.name),
                    o(&h.visitor.email),
                    o(&h.visitor.phone),
                    o(&h.page.url),
                    o(&h.page.title),
                    o(&h.question),
                    o(&h.promise),
                    cell(&transcript_cell(&d)),
                ])
                .map_err(bad)?;
            }
            w.flush().map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    Ok(ids.len())
}

/// Where the window writes an export: the user's Downloads folder (else
/// home), `handoffs-<workspace or all>-<date>.csv|jsonl`.
pub fn default_path(
    format: ExportFormat,
    workspace: Option<&str>,
    now: DateTime<Utc>,
) -> Option<std::path::PathBuf> {
    let dirs = directories::UserDirs::new()?;
    let dir = dirs.download_dir().unwrap_or(dirs.home_dir()).to_path_buf();
    let ext = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Jsonl => "jsonl",
    };
    Some(dir.join(format!("handoffs-{}-{}.{ext}", workspace.unwrap_or("all"), now.format("%Y-%m-%d"))))
}
