//! The domain model: workspaces, handoffs, their transcripts, promises,
//! follow-ups and the event timeline.
//!
//! These types are shared by the parsers (which produce [`NewHandoff`]), the
//! store (which persists and reads them), the CLI and the desktop shell.
//! All instants are UTC; they are shown in the workspace's time zone.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub mod alerts;
mod briefing;
mod claims;
pub mod hours;
mod outgoing;
mod parsed;
mod promise;
mod settings;
mod sources;
mod template;
#[cfg(test)]
mod tests_hours;
pub use alerts::{AlertChannel, AlertEvent, AlertRoute, AlertSender, AlertSettings, EngineRole};
pub use briefing::*;
pub use claims::*;
pub use hours::HoursError;
pub use outgoing::*;
pub use parsed::*;
pub use promise::*;
pub use settings::*;
pub use sources::*;
pub use template::*;

/// The app's identifier; the desktop shell uses the same, so both find one data file.
pub const APP_IDENTIFIER: &str = "desk.handoff.app";

/// Why the bot handed the conversation to a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Reason {
    /// The bot had no content for the question.
    KnowledgeGap,
    /// The bot had an answer but was not confident enough to give it.
    LowConfidence,
    /// The visitor asked for a person.
    HumanRequest,
    /// The visitor was frustrated (repeated questions, shouting, complaints).
    Frustration,
    /// A topic the business keeps for humans: billing, refunds, legal, cancellation.
    PolicyTopic,
    /// A buying signal: quote, demo, pricing for a large order.
    HighIntent,
    /// Anything else, or not known.
    Other,
}

impl Reason {
    /// Every reason, in display order.
    pub const ALL: [Reason; 7] = [
        Reason::KnowledgeGap,
        Reason::LowConfidence,
        Reason::HumanRequest,
        Reason::Frustration,
        Reason::PolicyTopic,
        Reason::HighIntent,
        Reason::Other,
    ];

    /// The stable machine name (`knowledge_gap`, …), as stored and serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::KnowledgeGap => "knowledge_gap",
            Reason::LowConfidence => "low_confidence",
            Reason::HumanRequest => "human_request",
            Reason::Frustration => "frustration",
            Reason::PolicyTopic => "policy_topic",
            Reason::HighIntent => "high_intent",
            Reason::Other => "other",
        }
    }

    /// A short human label ("Knowledge gap").
    pub fn label(self) -> &'static str {
        match self {
            Reason::KnowledgeGap => "Knowledge gap",
            Reason::LowConfidence => "Low confidence",
            Reason::HumanRequest => "Asked for a human",
            Reason::Frustration => "Frustration",
            Reason::PolicyTopic => "Policy topic",
            Reason::HighIntent => "High intent",
            Reason::Other => "Other",
        }
    }
}

/// Where a handoff is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Status {
    /// Arrived, nobody has looked at it.
    New,
    /// Seen, a reply is owed.
    AwaitingReply,
    /// The team replied.
    Replied,
    /// The team replied and is waiting for the visitor.
    WaitingOnVisitor,
    /// Done.
    Resolved,
    /// The visitor could not be reached or went elsewhere.
    Lost,
}

/// How well the source was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParseStatus {
    /// Every field the source carries was understood.
    Ok,
    /// Some fields were understood; the raw source is kept beside them.
    Partial,
    /// Nothing useful was understood; only the raw source is kept. Flagged in the inbox.
    Raw,
}

/// How a handoff reached the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An IMAP mailbox.
    Imap,
    /// The webhook relay.
    Relay,
    /// A file imported by hand (eml, json, ndjson, mbox).
    Import,
    /// Generated sample data.
    Demo,
}

/// Who wrote a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The website visitor.
    Visitor,
    /// The chatbot.
    Bot,
    /// A human on the team.
    Agent,
    /// The platform itself ("conversation transferred").
    System,
}

/// The kind of the raw source kept beside a handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawKind {
    /// An RFC 5322 message.
    Email,
    /// A JSON document (webhook body or canonical handoff).
    Json,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident = $s:literal),+ $(,)? }) => {
        impl $t {
            /// The stable machine name, as stored and serialized.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),+ }
            }
        }
        impl FromStr for $t {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($s => Ok(<$t>::$v),)+ _ => Err(UnknownName(s.to_string())) }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

str_enum!(Status { New = "new", AwaitingReply = "awaiting_reply", Replied = "replied",
    WaitingOnVisitor = "waiting_on_visitor", Resolved = "resolved", Lost = "lost" });
str_enum!(ParseStatus { Ok = "ok", Partial = "partial", Raw = "raw" });
str_enum!(SourceKind { Imap = "imap", Relay = "relay", Import = "import", Demo = "demo" });
str_enum!(Author { Visitor = "visitor", Bot = "bot", Agent = "agent", System = "system" });
str_enum!(RawKind { Email = "email", Json = "json" });
str_enum!(PromiseState { Running = "running", Met = "met", Breached = "breached", Dropped = "dropped" });
str_enum!(FollowUpKind { Reminder = "reminder", Breach = "breach", SecondAttempt = "second_attempt",
    BackupContact = "backup_contact", Callback = "callback" });
str_enum!(PromiseOrigin { Bot = "bot", Default = "default" });
str_enum!(Resolution { Answered = "answered", ContentGap = "content_gap", Policy = "policy",
    NotALead = "not_a_lead" });

impl FromStr for Reason {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownName(s.to_string()))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of an enum's stable names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

/// The visitor's contact details, as collected by the bot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Visitor {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The page the chat started on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Page {
    /// Absolute URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The page's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One line of a transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Who wrote it.
    pub author: Author,
    /// The speaker's display name when the source gives one ("Dana", "Convira").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it was written, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Plain text; any HTML in the source has been converted to text.
    pub text: String,
}

/// A handoff as a parser produced it, before the store gives it an id and a workspace.
///
/// Parsers never fail: what they cannot understand lowers `parse_status` and
/// adds a line to `parse_notes`, and the raw source is always kept in `raw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewHandoff {
    /// How it arrived.
    pub source: SourceKind,
    /// Unique per handoff: `msgid:<Message-ID>`, `event:<platform>:<id>`,
    /// `imap:<uidvalidity>:<uid>`, or `sha256:<hex of raw>` when none exists.
    pub source_key: String,
    /// The workspace named by the source itself (canonical JSON `workspace`), if any.
    pub workspace_hint: Option<String>,
    /// The chatbot product or bot name ("Convira", "Intercom Fin").
    pub bot: Option<String>,
    /// The platform adapter or email style that understood it ("chatwoot", "email:labelled").
    pub platform: Option<String>,
    /// Why the bot escalated.
    pub reason: Reason,
    /// The bot's own wording of the reason.
    pub reason_detail: Option<String>,
    /// True when the reason was inferred from the transcript, not given by the bot.
    pub reason_inferred: bool,
    /// The bot's confidence (0–1) when given.
    pub confidence: Option<f64>,
    /// Who to get back to.
    pub visitor: Visitor,
    /// Where the chat started.
    pub page: Page,
    /// When the chat started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the bot handed off.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When the notification itself was sent (email Date, webhook time), used as received time on import.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the shared server took it in (IMAP INTERNALDATE, the relay's
    /// receive time): the received time of a live handoff, the same on every
    /// teammate's laptop. `None`: the time this app stored it.
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// What the bot promised the visitor ("We'll email you within 4 business hours").
    pub promise: Option<String>,
    /// The unanswered question, given by the source or derived from the transcript.
    pub question: Option<String>,
    /// True when `question` was derived from the transcript.
    pub question_derived: bool,
    /// The conversation, in order.
    pub transcript: Vec<Message>,
    /// The notification's subject line, for emails.
    pub subject: Option<String>,
    /// The notification's own Message-ID, for threading replies.
    pub message_id: Option<String>,
    /// The raw source, verbatim.
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// What `raw` is.
    pub raw_kind: RawKind,
    /// How well it was understood.
    pub parse_status: ParseStatus,
    /// What was not understood, in words a person can act on.
    pub parse_notes: Vec<String>,
    /// The briefing's facts, filled just before the handoff is stored
    /// (`ingest::briefing::attach`); `None` leaves it to be made when shown.
    #[serde(skip)]
    pub briefing: Option<BriefingFacts>,
}

impl NewHandoff {
    /// An empty handoff of `parse_status` raw around a raw source: the parsers'
    /// starting point, and what is stored when nothing can be understood.
    pub fn raw(source: SourceKind, raw_kind: RawKind, raw: Vec<u8>) -> Self {
        Self::keyed(source, raw_kind, raw, None)
    }

    /// Like [`NewHandoff::raw`] with a source key known up front; the content
    /// hash (which costs a pass over the input) only when there is none.
    pub fn keyed(source: SourceKind, raw_kind: RawKind, raw: Vec<u8>, key: Option<String>) -> Self {
        let source_key = key.unwrap_or_else(|| content_key(&raw));
        NewHandoff {
            source,
            source_key,
            workspace_hint: None,
            bot: None,
            platform: None,
            reason: Reason::Other,
            reason_detail: None,
            reason_inferred: false,
            confidence: None,
            visitor: Visitor::default(),
            page: Page::default(),
            started_at: None,
            escalated_at: None,
            sent_at: None,
            received_at: None,
            promise: None,
            question: None,
            question_derived: false,
            transcript: Vec::new(),
            subject: None,
            message_id: None,
            raw,
            raw_kind,
            parse_status: ParseStatus::Raw,
            parse_notes: Vec::new(),
            briefing: None,
        }
    }
}

/// The fallback source key: a hash of the raw bytes, so the same file imported twice is one handoff.
pub fn content_key(raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(raw);
    let mut key = String::with_capacity(7 + 64);
    key.push_str("sha256:");
    for b in digest {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// A stored handoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// Row id.
    pub id: i64,
    /// Owning workspace id.
    pub workspace_id: i64,
    /// Owning workspace's short name.
    pub workspace: String,
    /// How it arrived.
    pub source: SourceKind,
    /// Unique source key (see [`NewHandoff::source_key`]).
    pub source_key: String,
    /// Bot name.
    pub bot: Option<String>,
    /// Adapter or email style that understood it.
    pub platform: Option<String>,
    /// Why the bot escalated.
    pub reason: Reason,
    /// The bot's own wording.
    pub reason_detail: Option<String>,
    /// True when inferred from the transcript.
    pub reason_inferred: bool,
    /// Bot confidence, 0–1.
    pub confidence: Option<f64>,
    /// Contact details.
    pub visitor: Visitor,
    /// Where the chat started.
    pub page: Page,
    /// Chat start.
    pub started_at: Option<DateTime<Utc>>,
    /// Escalation time.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When the app received it (or, on import, when the notification was sent).
    pub received_at: DateTime<Utc>,
    /// Received outside the workspace's business hours.
    pub after_hours: bool,
    /// What the bot promised.
    pub promise: Option<String>,
    /// The unanswered question.
    pub question: Option<String>,
    /// True when the question was derived from the transcript.
    pub question_derived: bool,
    /// Notification subject.
    pub subject: Option<String>,
    /// Notification Message-ID.
    pub message_id: Option<String>,
    /// Where it is in its life.
    pub status: Status,
    /// How well the source was understood.
    pub parse_status: ParseStatus,
    /// What was not understood.
    pub parse_notes: Vec<String>,
}

/// Opening hours for one weekday: zero or more shifts (split shifts allowed);
/// a shift whose close is at or before its open is a night shift running into
/// the next day, and a close of 00:00 is midnight (written `24:00`). Read and
/// checked by [`hours`].
pub type DayHours = Vec<(NaiveTime, NaiveTime)>;

/// A workspace's business hours: shifts per weekday (Monday first) and holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// Shifts per weekday, index 0 = Monday.
    pub days: [DayHours; 7],
    /// Closed all day on these local dates.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

impl BusinessHours {
    /// Monday to Friday, 09:00–17:00.
    pub fn nine_to_five() -> Self {
        let shift = |h1, h2| {
            vec![(
                NaiveTime::from_hms_opt(h1, 0, 0).unwrap_or_default(),
                NaiveTime::from_hms_opt(h2, 0, 0).unwrap_or_default(),
            )]
        };
        BusinessHours {
            days: [
                shift(9, 17),
                shift(9, 17),
                shift(9, 17),
                shift(9, 17),
                shift(9, 17),
                Vec::new(),
                Vec::new(),
            ],
            holidays: Vec::new(),
        }
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self::nine_to_five()
    }
}

/// One client chatbot's space: its own hours, promise, sources and identities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Row id.
    pub id: i64,
    /// Short unique name used on the command line ("acme").
    pub slug: String,
    /// Display name ("Acme Plumbing").
    pub name: String,
    /// IANA time zone ("America/New_York").
    pub time_zone: String,
    /// Opening hours and holidays.
    pub hours: BusinessHours,
    /// The promise used when a handoff states none ("within 4 business hours").
    pub default_promise: Option<String>,
    /// Who to alert when a promise is about to break.
    pub backup_contact: Option<String>,
    /// Follow-up policy, reply identity and templates.
    pub settings: WorkspaceSettings,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl Workspace {
    /// The workspace's time zone, or UTC when the stored name is not a known zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// One entry of a handoff's append-only timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Row id.
    pub id: i64,
    /// The handoff it belongs to.
    pub handoff_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened: received, viewed, replied, note, status, pushed, follow_up, error.
    pub kind: String,
    /// Details, in words.
    pub detail: Option<String>,
}
