//! What crosses the IPC boundary: the screens' view of the core's types,
//! camelCase, with times as RFC 3339 strings. The TypeScript types in
//! `ui/src/bindings/` are generated from these by ts-rs when the tests run
//! (scripts/test fails when the committed ones differ).

use chrono::{DateTime, SecondsFormat, Utc};
use handoff::model::{Author, PromiseState, Reason, Resolution, Status};
use handoff::store::{HandoffDetail, InboxEntry};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod briefing;
mod claims;
mod hours;
mod privacy;
mod reparse;
mod reports;
mod settings;
mod template;
pub use briefing::*;
pub use claims::*;
pub use hours::*;
pub use privacy::*;
pub use reparse::*;
pub use reports::*;
pub use settings::*;
pub use template::*;

pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A workspace in the switcher.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkspaceSummary {
    /// Short name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Handoffs in all.
    #[ts(type = "number")]
    pub handoffs: i64,
    /// Handoffs not resolved or lost.
    #[ts(type = "number")]
    pub open: i64,
    /// Unmet promises past due.
    #[ts(type = "number")]
    pub overdue: i64,
}

/// What the inbox asks for.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InboxQuery {
    /// One workspace's slug, or all.
    pub workspace: Option<String>,
    /// One reason, or all.
    pub reason: Option<Reason>,
    /// One status, or every open one.
    pub status: Option<Status>,
    /// Only unmet promises past due.
    pub overdue_only: bool,
    /// Full-text search (words, "phrases", prefix*).
    pub search: Option<String>,
    /// At most this many rows (a page).
    pub limit: u32,
    /// From this row on (0: the first page).
    pub offset: u32,
}

/// One inbox row.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InboxRow {
    /// Handoff id.
    #[ts(type = "number")]
    pub id: i64,
    /// Workspace slug.
    pub workspace: String,
    /// Workspace display name.
    pub workspace_name: String,
    /// Visitor's name.
    pub visitor_name: Option<String>,
    /// Visitor's email.
    pub visitor_email: Option<String>,
    /// Why the bot handed over.
    pub reason: Reason,
    /// The bot's own wording.
    pub reason_detail: Option<String>,
    /// Where the chat started.
    pub page_url: Option<String>,
    /// That page's title.
    pub page_title: Option<String>,
    /// The unanswered question.
    pub question: Option<String>,
    /// When it arrived (RFC 3339, UTC).
    pub received_at: String,
    /// Arrived outside business hours.
    pub after_hours: bool,
    /// Where it is in its life.
    pub status: Status,
    /// When a reply is due, while the promise is unmet.
    pub due_at: Option<String>,
    /// The promise's state.
    pub promise_state: Option<PromiseState>,
    /// Not fully understood: kept raw or partly read.
    pub flagged: bool,
    /// Who on the team has claimed it, if anyone.
    pub claimed_by: Option<String>,
    /// The claim is this app's teammate's.
    pub claimed_by_me: bool,
    /// Who on the team answered it last, if anyone.
    pub answered_by: Option<String>,
}

impl InboxRow {
    /// The row for an inbox entry; `names` maps workspace slugs to names.
    pub fn new(e: &InboxEntry, workspace_name: &str) -> InboxRow {
        let h = &e.handoff;
        InboxRow {
            id: h.id,
            workspace: h.workspace.clone(),
            workspace_name: workspace_name.to_string(),
            visitor_name: h.visitor.name.clone(),
            visitor_email: h.visitor.email.clone(),
            reason: h.reason,
            reason_detail: h.reason_detail.clone(),
            page_url: h.page.url.clone(),
            page_title: h.page.title.clone(),
            question: h.question.clone(),
            received_at: time(h.received_at),
            after_hours: h.after_hours,
            status: h.status,
            due_at: e.due_at.map(time),
            promise_state: e.promise_state,
            flagged: h.parse_status != handoff::model::ParseStatus::Ok,
            claimed_by: e.claimed_by.as_ref().map(|(by, _)| by.clone()),
            claimed_by_me: e.claimed_by.as_ref().is_some_and(|(_, mine)| *mine),
            answered_by: e.answered_by.clone(),
        }
    }
}

/// An inbox page.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Inbox {
    /// The rows, due first.
    pub rows: Vec<InboxRow>,
    /// How many rows match, all pages together.
    pub total: u32,
}

/// One line of the conversation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TranscriptLine {
    /// visitor, bot, agent or system.
    #[ts(type = "\"visitor\" | \"bot\" | \"agent\" | \"system\"")]
    pub author: String,
    /// The speaker's name, when known.
    pub name: Option<String>,
    /// Plain text (never HTML).
    pub text: String,
    /// When, if known.
    pub at: Option<String>,
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimelineEntry {
    /// When.
    pub at: String,
    /// What kind of thing happened.
    pub kind: String,
    /// In words.
    pub detail: Option<String>,
}

/// A reminder, alert, callback or second attempt.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FollowUpView {
    /// reminder, breach, second_attempt, backup_contact, callback.
    pub kind: String,
    /// When it is (or was) due.
    pub due_at: String,
    /// When it fired or was cancelled.
    pub done_at: Option<String>,
    /// The owner's note.
    pub note: Option<String>,
}

/// The composer's starting point: the pre-filled reply.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplyDraft {
    /// The visitor's address, when there is one.
    pub to: Option<String>,
    /// The workspace's reply identity, when it has one.
    pub from: Option<String>,
    /// Subject line.
    pub subject: String,
    /// Greeting, their question quoted, and `marker` where the answer goes.
    pub body: String,
    /// The line to replace with the answer; a reply that still has it is refused.
    pub marker: String,
    /// Why the reply cannot be sent from here yet, and what to do.
    pub problem: Option<String>,
    /// What the window offers to fix `problem`: `reply_identity` (set one up
    /// in Settings), `contacted` (no email: mark them reached another way).
    pub problem_fix: Option<String>,
}

/// An email written for this handoff, and where it is.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplyView {
    /// Recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// reply, second_attempt or backup_alert.
    pub kind: String,
    /// queued, sending, sent, failed or unsure (may or may not have gone out).
    pub state: String,
    /// When it was written.
    pub queued_at: String,
    /// When the SMTP server took it.
    pub sent_at: Option<String>,
    /// The server's words, when it failed or is being retried.
    pub error: Option<String>,
}

impl ReplyView {
    /// A stored reply and its outbox job.
    pub fn new(r: &handoff::store::StoredReply, job: Option<&handoff::store::Job>) -> ReplyView {
        use handoff::store::JobState;
        let state = match (r.sent_at, job.map(|j| j.state)) {
            (Some(_), _) | (_, Some(JobState::Done)) => "sent",
            (_, Some(JobState::Sending)) => "sending",
            (_, Some(JobState::Failed)) => "failed",
            (_, Some(JobState::Unsure)) => "unsure",
            _ => "queued",
        };
        ReplyView {
            to: r.reply.to.clone(),
            subject: r.reply.subject.clone(),
            kind: r.reply.kind.as_str().to_string(),
            state: state.to_string(),
            queued_at: time(r.created_at),
            sent_at: r.sent_at.map(time),
            error: job.and_then(|j| j.last_error.clone()).filter(|_| state != "sent"),
        }
    }
}

/// Everything the handoff pane shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoffView {
    /// The inbox row's fields.
    pub row: InboxRow,
    /// The workspace's time zone.
    pub time_zone: String,
    /// Visitor's phone.
    pub visitor_phone: Option<String>,
    /// The bot's name.
    pub bot: Option<String>,
    /// The reason was inferred from the transcript.
    pub reason_inferred: bool,
    /// The bot's confidence, 0–1.
    pub confidence: Option<f64>,
    /// What the bot promised (or the workspace default).
    pub promise_text: Option<String>,
    /// When the promise's clock started.
    pub clock_from: Option<String>,
    /// When the visitor was first contacted.
    pub met_at: Option<String>,
    /// How: reply, phone, manual.
    pub met_by: Option<String>,
    /// The conversation.
    pub transcript: Vec<TranscriptLine>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Pending and done.
    pub follow_ups: Vec<FollowUpView>,
    /// Why it was resolved.
    pub resolution: Option<Resolution>,
    /// Emails written for it, oldest first.
    pub replies: Vec<ReplyView>,
    /// What the parser could not read.
    pub parse_notes: Vec<String>,
    /// Its place in HubSpot.
    pub hubspot: HubspotPush,
    /// Who on the team has it or answered it.
    pub team: TeamView,
    /// Hidden from the inbox until then (RFC 3339, UTC), while snoozed.
    pub snoozed_until: Option<String>,
}

/// A handoff's place in HubSpot.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HubspotPush {
    /// `off` (the workspace has no portal), `not_pushed`, `queued`, `pushed`,
    /// `no_email`, `failed` or `stopped`.
    pub state: String,
    /// Why it is not pushed, for people.
    pub message: Option<String>,
    /// The HubSpot contact, once known.
    pub contact_id: Option<String>,
    /// When it was last pushed.
    pub pushed_at: Option<String>,
}

impl HubspotPush {
    /// From the push record, if any, of a handoff whose workspace is (`connected`) or is not connected.
    pub fn new(connected: bool, record: Option<handoff::store::PushRecord>) -> HubspotPush {
        match record {
            Some(r) => HubspotPush {
                state: r.state,
                message: r.message,
                contact_id: r.contact_id,
                pushed_at: r.pushed_at.map(time),
            },
            None => HubspotPush {
                state: if connected { "not_pushed" } else { "off" }.into(),
                message: None,
                contact_id: None,
                pushed_at: None,
            },
        }
    }
}

impl HandoffView {
    /// The pane for a handoff's detail.
    pub fn new(
        d: HandoffDetail,
        workspace_name: &str,
        replies: Vec<ReplyView>,
        hubspot: HubspotPush,
        team: TeamView,
    ) -> HandoffView {
        let p = d.promise.as_ref();
        let entry = InboxEntry {
            due_at: p.filter(|p| p.met_at.is_none()).map(|p| p.due_at),
            promise_state: p.map(|p| p.state),
            claimed_by: d.team.claim.as_ref().map(|c| (c.by.label().to_string(), c.mine)),
            answered_by: d.team.answers.last().map(|a| a.by.label().to_string()),
            handoff: d.handoff,
        };
        let h = &entry.handoff;
        HandoffView {
            row: InboxRow::new(&entry, workspace_name),
            time_zone: d.time_zone,
            visitor_phone: h.visitor.phone.clone(),
            bot: h.bot.clone(),
            reason_inferred: h.reason_inferred,
            confidence: h.confidence,
            promise_text: p.and_then(|p| p.text.clone()).or_else(|| h.promise.clone()),
            clock_from: p.and_then(|p| p.clock_from).map(time),
            met_at: p.and_then(|p| p.met_at).map(time),
            met_by: p.and_then(|p| p.met_by.clone()),
            transcript: d
                .transcript
                .into_iter()
                .map(|m| TranscriptLine {
                    author: match m.author {
                        Author::Visitor => "visitor",
                        Author::Bot => "bot",
                        Author::Agent => "agent",
                        Author::System => "system",
                    }
                    .to_string(),
                    name: m.name,
                    text: m.text,
                    at: m.at.map(time),
                })
                .collect(),
            timeline: d
                .events
                .into_iter()
                .map(|e| TimelineEntry { at: time(e.at), kind: e.kind, detail: e.detail })
                .collect(),
            follow_ups: d
                .follow_ups
                .into_iter()
                .map(|f| FollowUpView {
                    kind: f.kind.as_str().to_string(),
                    due_at: time(f.due_at),
                    done_at: f.done_at.map(time),
                    note: f.note,
                })
                .collect(),
            resolution: d.resolution,
            replies,
            parse_notes: h.parse_notes.clone(),
            hubspot,
            team,
            snoozed_until: None,
        }
    }
}
