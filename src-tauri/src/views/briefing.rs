//! The views of the briefing at the top of a handoff and of the client's
//! monthly report (Insights → Report).

use super::time;
use handoff::model::{Briefing, BuyingSignal, Tone};
use handoff::report::{MonthReport, figure_rows};
use serde::Serialize;
use ts_rs::TS;

/// An earlier handoff from the same visitor.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PastHandoffView {
    /// Its id.
    #[ts(type = "number")]
    pub id: i64,
    /// Received, RFC 3339.
    pub received_at: String,
    /// Its question.
    pub question: Option<String>,
    /// Its status.
    pub status: String,
}

/// The briefing: what the visitor wants at a glance.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BriefingView {
    /// One or two sentences: the ask, then what the bot could not do.
    pub summary: String,
    /// calm, frustrated or urgent.
    pub tone: Tone,
    /// Buying signals.
    pub signals: Vec<BuyingSignal>,
    /// A buying signal is present.
    pub hot_lead: bool,
    /// The company's domain, from a non-freemail address.
    pub company: Option<String>,
    /// The month's gap group the question falls in.
    pub intent: Option<String>,
    /// Earlier handoffs from the same email or phone, newest first.
    pub history: Vec<PastHandoffView>,
}

impl From<Briefing> for BriefingView {
    fn from(b: Briefing) -> Self {
        BriefingView {
            summary: b.facts.summary,
            tone: b.facts.tone,
            signals: b.facts.signals,
            hot_lead: b.hot_lead,
            company: b.facts.company,
            intent: b.intent,
            history: b
                .history
                .into_iter()
                .map(|p| PastHandoffView {
                    id: p.id,
                    received_at: time(p.received_at),
                    question: p.question,
                    status: p.status,
                })
                .collect(),
        }
    }
}

/// One figure of the report, this month and the month before.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FigureRow {
    /// What it is.
    pub label: String,
    /// This month, formatted.
    pub this: String,
    /// The month before, formatted ("" when not compared).
    pub before: String,
}

/// One bar of "why the bot handed over".
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReasonBar {
    /// The reason in words.
    pub label: String,
    /// Handoffs.
    pub count: u32,
    /// Share of the month's handoffs, 0–1.
    pub share: f64,
}

/// One line of the report's gap checklist.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReportGap {
    /// The question (redacted).
    pub label: String,
    /// Distinct visitors.
    pub visitors: u32,
    /// open, done or still_asked.
    pub state: String,
    /// What was done.
    pub note: Option<String>,
}

/// The client's monthly report as the window shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonthReportView {
    /// Workspace slug.
    pub workspace: String,
    /// The client's name.
    pub workspace_name: String,
    /// YYYY-MM.
    pub month: String,
    /// The month before, YYYY-MM.
    pub previous_month: String,
    /// The bot's conversations this month, when given.
    #[ts(type = "number | null")]
    pub conversations: Option<i64>,
    /// Where that count came from: `typed`, `chatwoot` or `intercom`.
    pub conversations_source: Option<String>,
    /// The Chatwoot address the count is read from, when one is kept.
    pub chatwoot_address: Option<String>,
    /// The Intercom region the count is read from (`us`, `eu`, `au` or an
    /// address), when one is kept.
    pub intercom_region: Option<String>,
    /// Whether Intercom's count takes every conversation, not only Fin's.
    pub intercom_every_conversation: bool,
    /// The figures.
    pub figures: Vec<FigureRow>,
    /// Handoffs by reason.
    pub reasons: Vec<ReasonBar>,
    /// The gap checklist.
    pub gaps: Vec<ReportGap>,
    /// The honest-promise advice, a sentence each.
    pub advice: Vec<String>,
    /// A promise to paste into the bot.
    pub suggested_wording: Option<String>,
}

impl MonthReportView {
    /// The view of a report of workspace `slug`.
    pub fn new(slug: &str, r: &MonthReport) -> Self {
        MonthReportView {
            workspace: slug.to_string(),
            workspace_name: r.workspace_name.clone(),
            month: r.month.to_string(),
            previous_month: r.month.previous().to_string(),
            conversations: r.progress.this.conversations,
            conversations_source: r.progress.this.conversations_source.clone(),
            chatwoot_address: None,
            intercom_region: None,
            intercom_every_conversation: false,
            figures: figure_rows(r)
                .into_iter()
                .map(|(label, this, before)| FigureRow { label: label.to_string(), this, before })
                .collect(),
            reasons: r
                .metrics
                .by_reason
                .iter()
                .map(|s| ReasonBar {
                    label: s.reason.label().to_string(),
                    count: s.count as u32,
                    share: s.share,
                })
                .collect(),
            gaps: r
                .gaps
                .iter()
                .map(|g| ReportGap {
                    label: g.label.clone(),
                    visitors: g.visitors as u32,
                    state: g.state.clone(),
                    note: g.note.clone(),
                })
                .collect(),
            advice: r.advice.advice.clone(),
            suggested_wording: r.advice.suggested_wording.clone(),
        }
    }
}
