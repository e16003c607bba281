//! Freshchat webhooks: `{ "actor": {actor_type, actor_id}, "action",
//! "action_time", "data": {…} }`, as documented in
//! <https://crmsupport.freshworks.com/support/solutions/articles/50000004461-freshchat-webhooks-payload-structure-and-authentication>
//! (events `message_create`, `conversation_assignment`,
//! `conversation_resolution`, `conversation_reopen`; actor types user, agent,
//! system; headers `X-Freshchat-Signature`, `X-Freshchat-Payload-Version`).
//!
//! Which actions are handoffs:
//! - `conversation_assignment` by the bot or the system (Freddy, an
//!   assignment rule) to an agent or a group is one: that is how a Freshchat
//!   bot hands a conversation to people. The payload carries no visitor and no
//!   transcript, so the handoff is partial and says where to look; the
//!   assignment time is the escalation time.
//! - an assignment made by an agent (passing a chat to a colleague, or taking
//!   it) is skipped: people are already on it.
//! - `message_create`, `conversation_resolution`, `conversation_reopen` and
//!   anything else are skipped as not a handoff.
//!
//! Freshchat sends no event id, so the key is
//! `event:freshchat:<conversation>:<action>:<hash of the payload>`: a retried
//! delivery is the same payload, a second assignment is not.

use super::{at, event_key, new_handoff, short_hash, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{ParseStatus, SourceKind};
use serde_json::Value;

/// The documented actions; a payload with another action is not claimed.
const ACTIONS: &[&str] =
    &["message_create", "conversation_assignment", "conversation_resolution", "conversation_reopen"];

/// A Freshchat webhook: a documented `action`, an `actor` with an
/// `actor_type`, and a `data` object.
pub fn detect(value: &Value) -> bool {
    text_at(value, &["action"]).is_some_and(|a| ACTIONS.contains(&a))
        && text_at(value, &["actor", "actor_type"]).is_some()
        && value.get("data").is_some_and(Value::is_object)
}

/// See the module header.
pub fn parse(value: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let action = text_at(value, &["action"]).unwrap_or("unknown");
    let data = at(value, &["data"]).unwrap_or(&Value::Null);
    let conversation = ["assignment", "resolve", "reopen"]
        .iter()
        .find_map(|k| text_at(data, &[k, "conversation", "conversation_id"]))
        .or_else(|| text_at(data, &["message", "conversation_id"]));
    let hash = short_hash(&serde_json::to_vec(value).unwrap_or_default());
    let mut parts: Vec<&str> = conversation.into_iter().collect();
    parts.extend([action, hash.as_str()]);
    let key = Some(event_key("freshchat", &parts));

    if action != "conversation_assignment" {
        let why = match action {
            "message_create" => "a message was posted; a message alone is not a hand-over".to_string(),
            "conversation_resolution" => "the conversation was resolved; that is not a hand-over".to_string(),
            "conversation_reopen" => "the conversation was reopened; that is not a hand-over".to_string(),
            other => format!("{other} is not a handoff"),
        };
        return vec![skipped("freshchat", action, key, why, raw)];
    }

    let assignment = at(data, &["assignment"]).unwrap_or(&Value::Null);
    let assignor = text_at(assignment, &["assignor"])
        .or_else(|| text_at(value, &["actor", "actor_type"]))
        .unwrap_or("unknown")
        .to_ascii_lowercase();
    let to_agent = text_at(assignment, &["to_agent_id"]);
    let to_group = text_at(assignment, &["to_group_id"]);
    if assignor == "agent" || assignor == "user" {
        let why = format!(
            "assigned by {assignor}: people are already on this conversation, so it is not a bot's hand-over"
        );
        return vec![skipped("freshchat", action, key, why, raw)];
    }
    if to_agent.is_none() && to_group.is_none() {
        let why = "an assignment to no agent and no group (unassigned) is not a hand-over";
        return vec![skipped("freshchat", action, key, why, raw)];
    }

    let mut h = new_handoff("freshchat", key, raw, source);
    h.escalated_at = time_at(value, &["action_time"]);
    h.reason_inferred = true;
    h.parse_status = ParseStatus::Partial;
    let to = match (to_agent, to_group) {
        (Some(a), _) => format!("agent {a}"),
        (None, Some(g)) => format!("group {g}"),
        (None, None) => "nobody".to_string(),
    };
    let conversation = conversation.unwrap_or("(no id)");
    h.parse_notes.push(format!(
        "Freshchat's conversation_assignment (by {assignor} to {to}) carries no visitor or transcript; \
         open conversation {conversation} in Freshchat for them"
    ));
    vec![Parsed::Handoff(Box::new(h))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(v: &Value) -> Parsed {
        let raw = serde_json::to_vec(v).unwrap_or_default();
        parse(v, &raw, SourceKind::Relay).into_iter().next().unwrap_or_else(|| panic!("nothing parsed"))
    }

    fn assignment(assignor: &str, to_agent: &str) -> Value {
        json!({"actor": {"actor_type": assignor, "actor_id": "x"}, "action": "conversation_assignment",
               "action_time": "2026-11-19T03:32:44.210Z",
               "data": {"assignment": {"assignor": assignor, "to_agent_id": to_agent, "to_group_id": "",
                        "conversation": {"conversation_id": "c1"}}}})
    }

    #[test]
    fn a_bot_or_system_assignment_is_the_handoff_an_agent_one_is_not() {
        assert!(detect(&assignment("bot", "a1")));
        assert!(
            matches!(one(&assignment("bot", "a1")), Parsed::Handoff(h) if h.parse_status == ParseStatus::Partial)
        );
        assert!(matches!(one(&assignment("system", "a1")), Parsed::Handoff(_)));
        assert!(matches!(one(&assignment("agent", "a1")), Parsed::Skipped(_)));
        assert!(matches!(one(&assignment("bot", "")), Parsed::Skipped(_)));
    }

    #[test]
    fn other_shapes_are_not_claimed_or_are_skipped() {
        assert!(!detect(&json!({"action": "message_create"})));
        assert!(!detect(&json!({"action": "chat_transferred", "actor": {"actor_type": "bot"}, "data": {}})));
        let msg =
            json!({"actor": {"actor_type": "user"}, "action": "message_create", "data": {"message": 5}});
        assert!(matches!(one(&msg), Parsed::Skipped(_)));
    }
}
