//! LiveChat webhooks (API v3.x): `{ "action", "payload", "webhook_id",
//! "organization_id" or "license_id", "additional_data" }`.
//!
//! Which actions are handoffs:
//! - `chat_transferred` is one: the chat moved to another agent or group,
//!   which is how a bot agent (ChatBot, a custom bot) hands over. Its
//!   `reason` (manual, inactive, assigned, unassigned, other) is kept as the
//!   reason wording; "manual" maps to a human request. The payload carries no
//!   visitor and no transcript, so the handoff is partial and says so.
//! - `incoming_chat` is skipped: a new chat starting is not a hand-over (the
//!   transfer that follows is).
//! - `user_added_to_chat` is skipped: an agent joining follows a transfer,
//!   which is already the handoff; taking both would count one hand-over twice.
//! - Every other action is skipped as not a handoff.
//!
//! LiveChat sends no event id, so the key is
//! `event:livechat:<chat>:<thread>:<action>:<hash of the payload>`: a retried
//! delivery is byte-for-byte the same payload, a second transfer is not.
//! Queue `queued_at` is taken as the escalation time.

use super::{at, event_key, id_at, new_handoff, short_hash, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{ParseStatus, SourceKind};
use serde_json::Value;

/// A LiveChat webhook: `action` plus `payload`, and one of LiveChat's own keys.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["action"]).is_some()
        && v.get("payload").is_some_and(Value::is_object)
        && ["webhook_id", "organization_id", "license_id", "secret_key"].iter().any(|k| v.get(*k).is_some())
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Parsed {
    let action = text_at(v, &["action"]).unwrap_or("unknown");
    let payload = at(v, &["payload"]).unwrap_or(&Value::Null);
    let chat = id_at(payload, &["chat_id"]).or_else(|| id_at(payload, &["chat", "id"]));
    let thread = id_at(payload, &["thread_id"]).or_else(|| id_at(payload, &["chat", "thread", "id"]));
    let hash = short_hash(&serde_json::to_vec(payload).unwrap_or_default());
    let mut parts: Vec<&str> = chat.iter().chain(thread.iter()).map(String::as_str).collect();
    parts.extend([action, hash.as_str()]);
    let key = Some(event_key("livechat", &parts));

    match action {
        "chat_transferred" => {}
        "incoming_chat" => {
            let why = "a new chat started; that is not a hand-over (a later chat_transferred is)";
            return skipped("livechat", action, key, why, raw);
        }
        "user_added_to_chat" => {
            let why = "a user joined the chat; that follows a transfer, which is already the handoff (chat_transferred)";
            return skipped("livechat", action, key, why, raw);
        }
        other => {
            return skipped("livechat", action, key, format!("{other} is not a handoff"), raw);
        }
    }

    let mut h = new_handoff("livechat", key, raw, source);
    h.reason_detail = text_at(payload, &["reason"]).map(str::to_string);
    h.reason_inferred = h.reason_detail.is_none();
    h.escalated_at = time_at(payload, &["queue", "queued_at"]);
    h.parse_status = ParseStatus::Partial;
    let chat = chat.as_deref().unwrap_or("(no id)");
    h.parse_notes.push(format!(
        "LiveChat's chat_transferred carries no visitor or transcript; open chat {chat} in LiveChat for them"
    ));
    Parsed::Handoff(Box::new(h))
}
