//! The report screens' views: the month's gap checklist and the insights
//! figures.

use super::time;
use handoff::model::{Reason, Resolution};
use serde::Serialize;
use ts_rs::TS;

/// One wording of a gap question and how often it was asked.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GapWording {
    /// As the visitor wrote it.
    pub text: String,
    /// Times asked so.
    pub count: u32,
}

/// A page gap questions were asked on.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GapPage {
    /// Its address.
    pub url: String,
    /// Times.
    pub count: u32,
}

/// The owner's own answer to one of an item's questions, sent by email: a
/// start for the content.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GapDraftAnswer {
    /// The answer, without the reply template's greeting, quote and signature.
    pub text: String,
    /// The handoff it answered.
    #[ts(type = "number")]
    pub handoff_id: i64,
    /// Who sent it (display name, else address).
    pub by: Option<String>,
    /// When it was sent.
    pub sent_at: String,
}

/// One piece of content to write.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GapItem {
    /// 1 = asked by the most visitors.
    pub rank: u32,
    /// The group's most representative question.
    pub label: String,
    /// Distinct visitors who asked.
    pub visitors: u32,
    /// The handoffs behind it.
    #[ts(type = "Array<number>")]
    pub handoffs: Vec<i64>,
    /// Wordings, most frequent first.
    pub wordings: Vec<GapWording>,
    /// Pages, most frequent first.
    pub pages: Vec<GapPage>,
    /// First asked this month.
    pub first_seen: String,
    /// Last asked this month.
    pub last_seen: String,
    /// open, done, or still_asked (checked off in an earlier month, asked again).
    pub state: String,
    /// The check-off's note.
    pub note: Option<String>,
    /// When it was checked off (done).
    pub checked_at: Option<String>,
    /// The month of the earlier check-off (still_asked).
    pub checked_month: Option<String>,
    /// An answer the owner already sent to one of these questions.
    pub draft_answer: Option<GapDraftAnswer>,
}

/// A workspace's month of gaps.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GapChecklist {
    /// Workspace slug.
    pub workspace: String,
    /// Its display name.
    pub workspace_name: String,
    /// YYYY-MM.
    pub month: String,
    /// embeddings or lexical.
    pub method: String,
    /// Why the lexical fallback is in use, and how to fix it.
    pub fallback_reason: Option<String>,
    /// Unanswered questions in the month.
    pub questions: u32,
    /// Ranked.
    pub items: Vec<GapItem>,
}

impl GapChecklist {
    /// The view of a core checklist.
    pub fn new(c: &handoff::gaps::Checklist) -> GapChecklist {
        use handoff::gaps::ItemState;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        GapChecklist {
            workspace: c.workspace.clone(),
            workspace_name: c.workspace_name.clone(),
            month: c.month.to_string(),
            method: match c.method {
                handoff::gaps::Method::Embeddings => "embeddings",
                handoff::gaps::Method::Lexical => "lexical",
            }
            .to_string(),
            fallback_reason: c.fallback_reason.clone(),
            questions: count(c.questions),
            items: c
                .items
                .iter()
                .map(|i| {
                    let (state, note, checked_at, checked_month) = match &i.state {
                        ItemState::Open => ("open", None, None, None),
                        ItemState::Done { note, at, .. } => ("done", note.clone(), Some(time(*at)), None),
                        ItemState::StillAsked { month, note, .. } => {
                            ("still_asked", note.clone(), None, Some(month.clone()))
                        }
                    };
                    GapItem {
                        rank: count(i.rank),
                        label: i.label.clone(),
                        visitors: count(i.visitors),
                        handoffs: i.handoffs.clone(),
                        wordings: i
                            .wordings
                            .iter()
                            .map(|w| GapWording { text: w.text.clone(), count: count(w.count) })
                            .collect(),
                        pages: i
                            .pages
                            .iter()
                            .map(|(u, n)| GapPage { url: u.clone(), count: count(*n) })
                            .collect(),
                        first_seen: time(i.first_seen),
                        last_seen: time(i.last_seen),
                        state: state.to_string(),
                        note,
                        checked_at,
                        checked_month,
                        draft_answer: i.draft_answer.as_ref().map(|d| GapDraftAnswer {
                            text: d.text.clone(),
                            handoff_id: d.handoff_id,
                            by: d.by.clone(),
                            sent_at: time(d.sent_at),
                        }),
                    }
                })
                .collect(),
        }
    }
}

/// One reason's part of a month.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReasonCount {
    /// The reason.
    pub reason: Reason,
    /// Handoffs.
    pub count: u32,
    /// Share of the month's handoffs, 0–1.
    pub share: f64,
}

/// One resolution's part of a month.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResolutionCount {
    /// Why the handoffs were closed.
    pub resolution: Resolution,
    /// Handoffs.
    pub count: u32,
    /// Share of the month's handoffs, 0–1.
    pub share: f64,
}

/// A workspace's month in figures.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonthFigures {
    /// YYYY-MM.
    pub month: String,
    /// Handoffs received.
    pub handoffs: u32,
    /// Per reason, most frequent first.
    pub by_reason: Vec<ReasonCount>,
    /// Share received after hours, 0–1.
    pub after_hours_share: Option<f64>,
    /// Handoffs contacted so far.
    pub replied: u32,
    /// Median minutes to first contact.
    pub first_reply_median_minutes: Option<u32>,
    /// 90th percentile minutes to first contact.
    pub first_reply_p90_minutes: Option<u32>,
    /// Median business minutes to first contact.
    pub first_reply_median_business_minutes: Option<u32>,
    /// Promises kept.
    pub promises_met: u32,
    /// Promises broken.
    pub promises_breached: u32,
    /// kept ÷ (kept + broken), 0–1.
    pub promises_kept: Option<f64>,
    /// Overdue now (any month).
    pub overdue_now: u32,
    /// Visitors who had written before.
    pub repeat_visitors: u32,
    /// Knowledge-gap handoffs.
    pub knowledge_gaps: u32,
    /// Knowledge-gap handoffs the month before.
    pub knowledge_gaps_previous: u32,
    /// Per resolution, most frequent first.
    pub by_resolution: Vec<ResolutionCount>,
    /// Handoffs with no resolution recorded.
    pub unresolved: u32,
    /// Resolved as a content gap though the bot gave another reason.
    pub content_gaps_found_by_people: u32,
}

impl MonthFigures {
    /// The view of the core's figures.
    pub fn new(m: &handoff::metrics::MonthlyMetrics) -> MonthFigures {
        let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        MonthFigures {
            month: m.month.to_string(),
            handoffs: n(m.handoffs),
            by_reason: m
                .by_reason
                .iter()
                .map(|r| ReasonCount { reason: r.reason, count: n(r.count), share: r.share })
                .collect(),
            after_hours_share: m.after_hours_share,
            replied: n(m.replied),
            first_reply_median_minutes: m.first_reply_median_minutes.map(n),
            first_reply_p90_minutes: m.first_reply_p90_minutes.map(n),
            first_reply_median_business_minutes: m.first_reply_median_business_minutes.map(n),
            promises_met: n(m.promises_met),
            promises_breached: n(m.promises_breached),
            promises_kept: m.promises_kept,
            overdue_now: n(m.overdue_now),
            repeat_visitors: n(m.repeat_visitors),
            knowledge_gaps: n(m.knowledge_gaps),
            knowledge_gaps_previous: n(m.knowledge_gaps_previous),
            by_resolution: m
                .by_resolution
                .iter()
                .map(|r| ResolutionCount { resolution: r.resolution, count: n(r.count), share: r.share })
                .collect(),
            unresolved: n(m.unresolved),
            content_gaps_found_by_people: n(m.content_gaps_found_by_people),
        }
    }
}

/// The insights screen: six months of one workspace, oldest first.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Insights {
    /// Workspace slug.
    pub workspace: String,
    /// Its display name.
    pub workspace_name: String,
    /// Six months, the chosen one last.
    pub months: Vec<MonthFigures>,
}
