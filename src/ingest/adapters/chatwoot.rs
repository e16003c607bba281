//! Chatwoot webhooks: a flat object with `event`; conversation events carry
//! the conversation itself (with `meta.sender`, `messages`), message events
//! carry the message with a `conversation` inside.
//!
//! Which events are handoffs:
//! - `conversation_status_changed`, `conversation_updated` (with a status
//!   change) and `conversation_opened` to status `open`: Chatwoot's agent-bot
//!   hand-over (a bot's conversations are `pending`; the bot opens one to hand
//!   it to agents). A reopen from `resolved` or `snoozed` is skipped: that is
//!   an agent or the visitor coming back, not a bot handing over.
//! - `message_created` of an outgoing bot message (sender `AgentBot` or
//!   Captain) whose words hand over ("assigned to an agent", "let me connect
//!   you", "te paso con un agente").
//! - Skipped: other messages (no hand-over signal), other status changes,
//!   contact, typing and widget events.
//!
//! Key: `event:chatwoot:<account>:<conversation>:m<message>` built from the
//! bot's hand-over message when there is one, so that message's
//! `message_created` and the status change it came with are one handoff;
//! otherwise `…:<conversation>:open<timestamp>`. Private notes are left out
//! of the transcript. Page: `additional_attributes.referer`.

use super::{at, event_key, finish_conversation, id_at, new_handoff, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{Author, Message, SourceKind};
use serde_json::Value;

const PREFIXES: [&str; 6] = ["conversation_", "message_", "contact_", "webwidget_", "inbox_", "account_"];

/// A Chatwoot event: a known event family plus Chatwoot's own keys.
pub fn detect(v: &Value) -> bool {
    let Some(event) = text_at(v, &["event"]) else {
        return false;
    };
    let ours =
        ["account", "inbox", "inbox_id", "conversation", "meta", "contact_inbox", "messages", "sender"];
    PREFIXES.iter().any(|p| event.starts_with(p)) && ours.iter().any(|k| v.get(*k).is_some())
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Parsed {
    let event = text_at(v, &["event"]).unwrap_or("unknown");
    let is_message = event.starts_with("message_");
    let conv = if is_message { at(v, &["conversation"]).unwrap_or(&Value::Null) } else { v };
    let conv_id = id_at(conv, &["display_id"])
        .or_else(|| id_at(conv, &["id"]))
        .or_else(|| id_at(v, &["conversation_id"]));
    let messages: Vec<&Value> = if is_message {
        vec![v]
    } else {
        at(v, &["messages"]).and_then(Value::as_array).map(|m| m.iter().collect()).unwrap_or_default()
    };
    let account = id_at(v, &["account", "id"])
        .or_else(|| id_at(v, &["account_id"]))
        .or_else(|| messages.iter().find_map(|m| id_at(m, &["account_id"])));
    let handover = messages.iter().rev().find(|m| is_bot(m) && !is_private(m)).copied();
    let key = |tail: String| {
        let mut parts: Vec<&str> = account.iter().map(String::as_str).collect();
        parts.extend(conv_id.as_deref());
        parts.push(&tail);
        event_key("chatwoot", &parts)
    };
    let msg_key = |m: &Value| id_at(m, &["id"]).map(|id| key(format!("m{id}")));

    if is_message {
        let signal = event == "message_created"
            && handover
                .is_some_and(|m| text_at(m, &["content"]).is_some_and(crate::ingest::reason::is_handover));
        if !signal {
            let why = "an ordinary message with no hand-over signal (Chatwoot marks a bot hand-over by opening the conversation, or by a bot message handing over)";
            return skipped("chatwoot", event, msg_key(v), why, raw);
        }
    } else if let Some(why) = not_a_handover(event, conv) {
        let stamp = id_at(conv, &["timestamp"]).unwrap_or_default();
        return skipped("chatwoot", event, Some(key(format!("{event}{stamp}"))), why, raw);
    }

    let tail = || {
        let stamp = id_at(conv, &["timestamp"]).or_else(|| id_at(conv, &["last_activity_at"]));
        format!("open{}", stamp.unwrap_or_default())
    };
    let key = handover.and_then(msg_key).unwrap_or_else(|| key(tail()));
    let mut h = new_handoff("chatwoot", Some(key), raw, source);
    let person = at(conv, &["meta", "sender"])
        .or_else(|| at(v, &["contact"]))
        .or_else(|| at(v, &["sender"]).filter(|_| author(v) == Some(Author::Visitor)));
    if let Some(p) = person {
        h.visitor.name = text_at(p, &["name"]).map(str::to_string);
        h.visitor.email = text_at(p, &["email"]).map(str::to_string);
        h.visitor.phone =
            text_at(p, &["phone_number"]).or_else(|| text_at(p, &["phone"])).map(str::to_string);
    }
    h.page.url = text_at(conv, &["additional_attributes", "referer"]).map(str::to_string);
    h.started_at =
        time_at(conv, &["created_at"]).or_else(|| time_at(conv, &["additional_attributes", "initiated_at"]));
    h.escalated_at =
        handover.and_then(|m| time_at(m, &["created_at"])).or_else(|| time_at(conv, &["timestamp"]));
    h.bot = handover.and_then(|m| text_at(m, &["sender", "name"])).map(str::to_string);
    h.transcript = messages.iter().filter_map(|m| line(m)).collect();
    finish_conversation(
        &mut h,
        at(conv, &["custom_attributes"]),
        "the payload names no contact; open the conversation in Chatwoot for their details",
    );
    Parsed::Handoff(Box::new(h))
}

/// Why a conversation event is not a hand-over, or `None` when it is one.
fn not_a_handover(event: &str, conv: &Value) -> Option<String> {
    if !matches!(event, "conversation_status_changed" | "conversation_updated" | "conversation_opened") {
        return Some(format!(
            "{event} does not hand a conversation over; only a change of status to open does"
        ));
    }
    let status = text_at(conv, &["status"]).unwrap_or("unknown");
    if status != "open" {
        return Some(format!(
            "the status changed to {status}; only a change to open hands a conversation to agents"
        ));
    }
    let change = status_change(conv);
    if event == "conversation_updated" && change.is_none() {
        return Some("the conversation was updated without a change of status".into());
    }
    match change.and_then(|c| text_at(c, &["previous_value"])) {
        Some(prev @ ("resolved" | "snoozed")) => {
            Some(format!("the conversation was reopened from {prev}; a bot hands over from pending"))
        }
        _ => None,
    }
}

/// `changed_attributes.status`, as an object or inside Chatwoot's array form.
fn status_change(conv: &Value) -> Option<&Value> {
    match at(conv, &["changed_attributes"])? {
        Value::Array(items) => items.iter().find_map(|i| i.get("status")),
        other => other.get("status"),
    }
}

fn is_private(m: &Value) -> bool {
    at(m, &["private"]).and_then(Value::as_bool).unwrap_or(false)
}

fn is_bot(m: &Value) -> bool {
    let sender_type = text_at(m, &["sender_type"]).unwrap_or("");
    let kind = text_at(m, &["sender", "type"]).unwrap_or("");
    sender_type == "AgentBot"
        || sender_type.starts_with("Captain")
        || kind == "agent_bot"
        || kind.starts_with("captain")
}

/// Who wrote a message, from `message_type` (number or name) and the sender.
fn author(m: &Value) -> Option<Author> {
    let kind = match at(m, &["message_type"])? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => match s.as_str() {
            "incoming" => 0,
            "outgoing" => 1,
            "activity" => 2,
            "template" => 3,
            _ => return None,
        },
        _ => return None,
    };
    Some(match kind {
        0 => Author::Visitor,
        1 if is_bot(m) => Author::Bot,
        1 => Author::Agent,
        2 => Author::System,
        _ => Author::Bot,
    })
}

fn line(m: &Value) -> Option<Message> {
    if is_private(m) {
        return None;
    }
    let text = text_at(m, &["content"])?.to_string();
    Some(Message {
        author: author(m).unwrap_or(Author::System),
        name: text_at(m, &["sender", "name"]).map(str::to_string),
        at: time_at(m, &["created_at"]),
        text,
    })
}
