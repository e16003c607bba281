//! The client's monthly report: one workspace's month on paper — the figures
//! beside the month before, handoffs by reason, the gap checklist with what
//! was done, and the honest-promise advice — as HTML with print CSS
//! ([`html::render`]) and as PDF ([`pdf::render`]).
//!
//! Nothing personal goes in: no visitor names, addresses or transcripts; the
//! gap questions' wording passes through the redaction every outgoing text
//! uses (emails, phone and card numbers, IBANs masked) and is cut short.

pub mod html;
pub mod pdf;

use crate::error::Result;
use crate::gaps::{self, Grouper, ItemState};
use crate::insights::{self, Progress, PromiseAdvice};
use crate::metrics::{self, Month, MonthlyMetrics};
use crate::model::Workspace;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The longest gap wording printed.
const LABEL_MAX: usize = 140;

/// One line of the gap checklist as the report prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapLine {
    /// The group's representative question, redacted and cut short.
    pub label: String,
    /// Distinct visitors who asked.
    pub visitors: usize,
    /// `open`, `done` or `still_asked`.
    pub state: String,
    /// What was done (the check-off's note).
    pub note: Option<String>,
}

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthReport {
    /// The client's name (the workspace's).
    pub workspace_name: String,
    /// The month.
    pub month: Month,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The month's figures.
    pub metrics: MonthlyMetrics,
    /// Outcomes beside the month before.
    pub progress: Progress,
    /// Gap groups asked again after being checked off.
    pub reopened_gaps: i64,
    /// The gap checklist, most asked first.
    pub gaps: Vec<GapLine>,
    /// Whether the gaps were grouped by wording only (no model installed).
    pub gaps_by_wording: bool,
    /// The honest-promise advice.
    pub advice: PromiseAdvice,
}

/// Put the month's report together, as of `now`.
pub fn build(
    store: &mut Store,
    ws: &Workspace,
    month: Month,
    grouper: &Grouper,
    now: DateTime<Utc>,
) -> Result<MonthReport> {
    let checklist = gaps::build(store, ws, month, grouper)?;
    let gaps = checklist
        .items
        .iter()
        .map(|i| {
            let (state, note) = match &i.state {
                ItemState::Open => ("open", None),
                ItemState::Done { note, .. } => ("done", note.clone()),
                ItemState::StillAsked { note, .. } => ("still_asked", note.clone()),
            };
            GapLine {
                label: clip(&crate::redact::redact(&i.label), LABEL_MAX),
                visitors: i.visitors,
                state: state.to_string(),
                note: note.map(|n| clip(&crate::redact::redact(&n), LABEL_MAX)),
            }
        })
        .collect();
    Ok(MonthReport {
        workspace_name: ws.name.clone(),
        month,
        made_at: now,
        metrics: metrics::monthly(store, ws, month, now)?,
        progress: insights::progress(store, ws, month)?,
        reopened_gaps: insights::reopened_gaps(&checklist),
        gaps,
        gaps_by_wording: checklist.method == gaps::Method::Lexical,
        advice: insights::promise_advice(store, ws, month, now)?,
    })
}

fn clip(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max).collect();
    out.push('…');
    out
}

/// A share as a whole percentage, "—" when unknown.
pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0} %", x * 100.0)).unwrap_or_else(|| "—".into())
}

/// Minutes as "3 h 05 min", "2 d 4 h", "—" when unknown.
pub fn minutes(v: Option<i64>) -> String {
    match v {
        None => "—".into(),
        Some(m) if m >= 60 * 24 => format!("{} d {} h", m / 1440, (m % 1440) / 60),
        Some(m) if m >= 60 => format!("{} h {:02} min", m / 60, m % 60),
        Some(m) => format!("{m} min"),
    }
}

/// The rows of the figures table: label, this month, the month before.
pub fn figure_rows(r: &MonthReport) -> Vec<(&'static str, String, String)> {
    let (t, p) = (&r.progress.this, &r.progress.previous);
    let count = |v: i64| v.to_string();
    let conv = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_else(|| "not given".into());
    vec![
        ("Handoffs to people", count(t.handoffs), count(p.handoffs)),
        ("Bot conversations", conv(t.conversations), conv(p.conversations)),
        ("Escalation rate", pct(t.escalation_rate), pct(p.escalation_rate)),
        ("Containment (solved by the bot)", pct(t.containment), pct(p.containment)),
        ("Fixable (content gaps, low confidence)", count(t.fixable), count(p.fixable)),
        ("Intentional (asked for a person, policy)", count(t.intentional), count(p.intentional)),
        ("First-contact resolution", pct(t.first_contact_resolution), pct(p.first_contact_resolution)),
        ("Promises kept", pct(r.metrics.promises_kept), String::new()),
        ("Median first reply", minutes(r.metrics.first_reply_median_minutes), String::new()),
        ("Gaps asked again after being fixed", count(r.reopened_gaps), String::new()),
    ]
}

/// Where the window saves a report: the user's Downloads folder (else home),
/// `handoff-report-<workspace>-<YYYY-MM>.pdf`; `None` without a home folder.
pub fn default_pdf_path(workspace: &str, month: Month) -> Option<std::path::PathBuf> {
    let dirs = directories::UserDirs::new()?;
    let dir = dirs.download_dir().unwrap_or(dirs.home_dir()).to_path_buf();
    Some(dir.join(format!("handoff-report-{workspace}-{month}.pdf")))
}
