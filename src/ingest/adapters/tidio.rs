//! Tidio webhooks: `{ "created_at", "project_public_key", "topic", "version",
//! "webhook_id", "content" }` as documented at
//! <https://developers.tidio.com/docs/webhooks-structure>, with the topics of
//! <https://developers.tidio.com/reference/events> (`contact.created`,
//! `contact.updated`, `conversation.solved_by_operator`).
//!
//! Tidio documents no webhook topic for a new conversation, a message or a
//! hand-over from Lyro (its AI agent) to an operator, so no documented topic
//! is a handoff: every one is recognised and skipped with its reason (the
//! relay records it instead of keeping an unreadable payload). Tidio's
//! handoffs arrive by email (see `platforms::tidio`).
//!
//! Key: `event:tidio:<webhook_id>` (the same delivery retried keeps its id).

use super::{event_key, id_at, skipped, text_at};
use crate::ingest::Parsed;
use crate::model::SourceKind;
use serde_json::Value;

/// A Tidio delivery: a `topic`, a `content` object and Tidio's envelope ids.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["topic"]).is_some()
        && v.get("content").is_some_and(Value::is_object)
        && (v.get("project_public_key").is_some() || v.get("webhook_id").is_some())
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], _source: SourceKind) -> Vec<Parsed> {
    let topic = text_at(v, &["topic"]).unwrap_or("unknown");
    let key = id_at(v, &["webhook_id"]).map(|id| event_key("tidio", &[&id]));
    let why = match topic {
        "contact.created" | "contact.updated" => {
            format!(
                "{topic}: a visitor's contact details changed; Tidio sends no conversation with it, so it is not a handoff"
            )
        }
        "conversation.solved_by_operator" => {
            "an operator marked the conversation solved; that ends a conversation, it is not a handoff"
                .to_string()
        }
        t => format!("{t} is not one of Tidio's documented handoff events (Tidio documents none)"),
    };
    vec![skipped("tidio", topic, key, why, raw)]
}
