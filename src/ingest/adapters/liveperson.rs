//! LivePerson Conversational Cloud webhooks (Webhooks 2.0): `{ "kind":
//! "notification", "type": "cqm.ExConversationChangeNotification" |
//! "ms.MessagingEventNotification" | …, "body": { "changes": [ … ] } }`.
//!
//! Payload source: developers.liveperson.com, "Webhooks API: Overview" and
//! its notification samples (ExConversationChangeNotification: `changes[]`
//! of `{ "type": "UPSERT" | "DELETE", "result": { "convId",
//! "conversationDetails": { "state", "stage", "skillId", "participants":
//! [{ "id", "role": "CONSUMER" | "ASSIGNED_AGENT" | … }], "dialogs",
//! "startTs", "metaDataLastUpdateTs", … } } }`; MessagingEventNotification:
//! `changes[]` of `{ "originatorMetadata": { "role" }, "serverTimestamp",
//! "event": { "type": "ContentEvent", "message" }, "dialogId" }`).
//!
//! Which changes are handoffs: an open conversation with no assigned agent
//! is one — after a bot transfers to a skill the conversation waits in that
//! skill's queue for a person (the bot leaves the ASSIGNED_AGENT role).
//! Closed conversations, deletions, conversations an agent already holds
//! (that follows the transfer) and messaging events (traffic on a
//! conversation) are skipped with the reason. LivePerson sends no visitor
//! details or transcript here, so a handoff is partial and says so.
//!
//! Key: `event:liveperson:<convId>:<metaDataLastUpdateTs>` (a retry repeats
//! the same update time; a new transfer has a new one), else a hash.

use super::{at, event_key, id_at, new_handoff, short_hash, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{ParseStatus, SourceKind};
use serde_json::Value;

/// A LivePerson Webhooks 2.0 notification.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["kind"]) == Some("notification")
        && text_at(v, &["type"]).is_some()
        && at(v, &["body", "changes"]).is_some_and(Value::is_array)
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let kind = text_at(v, &["type"]).unwrap_or("unknown");
    let changes: &[Value] = at(v, &["body", "changes"]).and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let mut out = Vec::new();
    for (i, change) in changes.iter().take(500).enumerate() {
        let conv = id_at(change, &["result", "convId"])
            .or_else(|| id_at(change, &["conversationId"]))
            .or_else(|| id_at(change, &["dialogId"]));
        let stamp = id_at(change, &["result", "conversationDetails", "metaDataLastUpdateTs"])
            .or_else(|| id_at(change, &["serverTimestamp"]))
            .or_else(|| id_at(change, &["sequence"]));
        let hash = short_hash(&serde_json::to_vec(change).unwrap_or_default());
        let key = Some(match (&conv, &stamp) {
            (Some(c), Some(s)) => event_key("liveperson", &[c, s]),
            (Some(c), None) => event_key("liveperson", &[c, &hash]),
            _ => event_key("liveperson", &[&hash, &i.to_string()]),
        });
        out.push(one(kind, change, key, raw, source));
    }
    if out.is_empty() {
        out.push(skipped("liveperson", kind, None, "a notification with no changes", raw));
    }
    out
}

fn one(kind: &str, change: &Value, key: Option<String>, raw: &[u8], source: SourceKind) -> Parsed {
    if kind != "cqm.ExConversationChangeNotification" {
        let why = if kind.starts_with("ms.MessagingEventNotification") {
            "a messaging event (a message or a read receipt) is traffic on a conversation; the hand-off is the conversation's transfer (ExConversationChangeNotification)".to_string()
        } else {
            format!("{kind} is not about a conversation's state, so it is not a hand-off")
        };
        return skipped("liveperson", kind, key, why, raw);
    }
    let details = at(change, &["result", "conversationDetails"]).unwrap_or(&Value::Null);
    let state = text_at(details, &["state"]).unwrap_or_default();
    let participants: &[Value] =
        at(details, &["participants"]).and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let assigned = participants.iter().any(|p| text_at(p, &["role"]) == Some("ASSIGNED_AGENT"));
    let event = format!("{kind} {state}");
    if text_at(change, &["type"]) == Some("DELETE") {
        return skipped("liveperson", &event, key, "the conversation was removed from the stream", raw);
    }
    if state != "OPEN" {
        let why = format!("the conversation is {}; that ends it, it is not a hand-off", state.to_lowercase());
        return skipped("liveperson", &event, key, why, raw);
    }
    if assigned {
        let why =
            "an agent holds the conversation; that follows the transfer to a skill, which is the hand-off";
        return skipped("liveperson", &event, key, why, raw);
    }

    let mut h = new_handoff("liveperson", key, raw, source);
    h.started_at = time_at(details, &["startTs"]);
    h.escalated_at = time_at(details, &["metaDataLastUpdateTs"]);
    let skill = id_at(details, &["skillId"])
        .or_else(|| id_at(details, &["conversationHandlerDetails", "skillId"]))
        .filter(|s| s != "-1");
    h.reason_detail = text_at(details, &["context", "reason"])
        .map(str::to_string)
        .or_else(|| skill.as_ref().map(|s| format!("transferred to skill {s} (queued)")));
    h.reason_inferred = text_at(details, &["context", "reason"]).is_none();
    h.parse_status = ParseStatus::Partial;
    let conv = id_at(change, &["result", "convId"]).unwrap_or_else(|| "(no id)".into());
    h.parse_notes.push(format!(
        "LivePerson's conversation change carries no visitor or transcript; open conversation {conv} in Conversational Cloud for them"
    ));
    Parsed::Handoff(Box::new(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queued_after_transfer_is_a_handoff_assigned_and_messages_are_not() {
        let queued = json!({"kind": "notification", "type": "cqm.ExConversationChangeNotification", "body": {"changes": [
            {"type": "UPSERT", "result": {"convId": "c1", "conversationDetails": {
                "state": "OPEN", "skillId": "42", "startTs": 1763600000000u64, "metaDataLastUpdateTs": 1763600060000u64,
                "participants": [{"id": "v", "role": "CONSUMER"}]}}}]}});
        assert!(detect(&queued));
        assert!(matches!(parse(&queued, b"{}", SourceKind::Relay).as_slice(), [Parsed::Handoff(_)]));
        let msg = json!({"kind": "notification", "type": "ms.MessagingEventNotification", "body": {"changes": [
            {"dialogId": "c1", "serverTimestamp": 1, "event": {"type": "ContentEvent", "message": "hi"}}]}});
        assert!(matches!(parse(&msg, b"{}", SourceKind::Relay).as_slice(), [Parsed::Skipped(_)]));
    }
}
