//! The canonical handoff JSON: the one shape the relay and file import accept
//! directly, and the target every platform adapter maps into.
//!
//! Its JSON Schema is published at `schemas/handoff.schema.json`, generated
//! from [`CanonicalHandoff`] (a test fails when the file is out of date).

use crate::model::{Author, Message, NewHandoff, Page, ParseStatus, RawKind, SourceKind, Visitor};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A handoff in the canonical JSON shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Handoff Desk canonical handoff")]
pub struct CanonicalHandoff {
    /// Unique event id from the sender; makes delivery idempotent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Workspace short name this handoff belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The bot's or product's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
    /// Escalation reason; free text is accepted and mapped (unknown wording → inferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The bot's own wording of why it escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_detail: Option<String>,
    /// Bot confidence between 0 and 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Visitor contact details.
    #[serde(default)]
    pub visitor: Visitor,
    /// The page the chat started on.
    #[serde(default)]
    pub page: Page,
    /// RFC 3339 time the chat started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    /// RFC 3339 time the bot escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at: Option<DateTime<Utc>>,
    /// What the bot promised the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<String>,
    /// The question the bot could not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The conversation in order.
    #[serde(default)]
    pub transcript: Vec<CanonicalLine>,
}

/// One transcript line in the canonical shape.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CanonicalLine {
    /// visitor, bot, agent or system.
    pub from: Author,
    /// Display name of the speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// RFC 3339 time of the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Plain text.
    pub text: String,
}

impl CanonicalHandoff {
    /// True when the value looks like a canonical handoff (and not some other JSON).
    pub fn looks_canonical(value: &serde_json::Value) -> bool {
        let Some(obj) = value.as_object() else { return false };
        let keys = ["transcript", "visitor", "reason", "question", "escalated_at"];
        keys.iter().filter(|k| obj.contains_key(**k)).count() >= 2
    }

    /// Into a [`NewHandoff`]. The reason wording is mapped by [`crate::ingest::reason`];
    /// `finish` is left to the caller.
    pub fn into_new(self, source: SourceKind, raw: Vec<u8>) -> NewHandoff {
        let mut h = NewHandoff::raw(source, RawKind::Json, raw);
        if let Some(id) = &self.id {
            h.source_key = format!("event:canonical:{id}");
        }
        h.platform = Some("canonical".into());
        h.workspace_hint = self.workspace;
        h.bot = self.bot;
        match self.reason.as_deref().and_then(super::reason::map_wording) {
            Some(r) => h.reason = r,
            None => {
                if let Some(w) = &self.reason {
                    h.parse_notes.push(format!("reason {w:?} not recognised; inferred from the transcript"));
                }
            }
        }
        let reason_given = self.reason.as_deref().and_then(super::reason::map_wording).is_some();
        h.reason_detail = self.reason_detail.or(if reason_given { None } else { self.reason });
        h.reason_inferred = !reason_given;
        h.confidence = self.confidence.filter(|c| c.is_finite());
        h.visitor = self.visitor;
        h.page = self.page;
        h.started_at = self.started_at;
        h.escalated_at = self.escalated_at;
        h.promise = self.promise;
        h.question = self.question;
        h.transcript = self
            .transcript
            .into_iter()
            .map(|l| Message { author: l.from, name: l.name, at: l.at, text: l.text })
            .collect();
        h.parse_status = ParseStatus::Ok;
        h
    }
}
