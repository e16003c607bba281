//! Promises, follow-ups and resolutions: what the team owes the visitor and
//! whether it was kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a promise has been kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PromiseState {
    /// The clock is running.
    Running,
    /// The team replied (or called) in time.
    Met,
    /// Due time passed with no reply (a late reply keeps it breached, with `met_at` set).
    Breached,
    /// Closed without a reply before it was due (spam, a test, solved elsewhere): not counted.
    Dropped,
}

/// Where the promise's wording came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseOrigin {
    /// The bot told the visitor.
    Bot,
    /// The bot said nothing usable; the workspace default applies.
    Default,
}

/// The response time the bot promised the visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promise {
    /// The handoff it belongs to.
    pub handoff_id: i64,
    /// The bot's wording, or the workspace default.
    pub text: Option<String>,
    /// Where the wording came from.
    pub origin: PromiseOrigin,
    /// When the clock started: the receive time, or the next opening when it
    /// arrived after hours.
    pub clock_from: Option<DateTime<Utc>>,
    /// When a reply is due.
    pub due_at: DateTime<Utc>,
    /// Kept, running, broken or dropped.
    pub state: PromiseState,
    /// When the visitor was first contacted.
    pub met_at: Option<DateTime<Utc>>,
    /// How: `reply`, `phone`, `manual`.
    pub met_by: Option<String>,
}

/// The kind of a scheduled follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// Warn before the promise is due.
    Reminder,
    /// The promise is due now and nobody replied.
    Breach,
    /// Write again when the visitor did not answer.
    SecondAttempt,
    /// Alert the backup contact when a promise is about to break.
    BackupContact,
    /// Call the visitor back at a chosen time.
    Callback,
}

/// A scheduled follow-up; fired once, when `due_at` passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Row id.
    pub id: i64,
    /// The handoff it belongs to.
    pub handoff_id: i64,
    /// What to do.
    pub kind: FollowUpKind,
    /// When.
    pub due_at: DateTime<Utc>,
    /// When it fired or was cancelled; `None` while pending.
    pub done_at: Option<DateTime<Utc>>,
    /// Through what (`notification`, `email`).
    pub channel: Option<String>,
    /// How it ended: `fired`, `caught_up`, `skipped`, `cancelled`.
    pub outcome: Option<String>,
    /// The owner's note ("call about the invoice").
    pub note: Option<String>,
}

/// Why a handoff was closed: the feedback loop into the gap checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Resolution {
    /// The visitor got their answer.
    Answered,
    /// The bot should have known: content to write (feeds the gap checklist).
    ContentGap,
    /// A human was needed by policy (billing, refunds, legal).
    Policy,
    /// Spam, a test, not a real lead.
    NotALead,
}
