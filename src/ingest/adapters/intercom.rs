//! Intercom webhooks: a `notification_event` whose `topic` names the event and
//! whose `data.item` is the conversation (v1.x payloads with `user`, and v2
//! payloads with `source`/`contacts` are both read).
//!
//! Which topics are handoffs:
//! - `conversation.admin.assigned` is one: an assignment is how a bot (Fin, a
//!   workflow) hands a conversation to a teammate or team.
//! - Every other topic is skipped with its reason: `conversation.admin.closed`
//!   (the conversation ended), replies, notes, snoozes and opens (traffic on a
//!   conversation, not a hand-over), contact/user topics and `ping`.
//!
//! Fields: visitor from `item.user` or `source.author`; page from the first
//! message's `url` (the page the chat started on). `links.conversation_web`
//! is Intercom's own inbox link, not the visitor's page, so it is not used as
//! the page (it would pollute per-page gap counts). Transcript: the first
//! message and every part with a body (HTML → text); assignment, close and
//! open parts become system lines. Times: conversation `created_at` → started,
//! the last assignment part → escalated, the notification's `created_at` →
//! sent. Reason: a reason-like custom attribute, else left to inference.
//! Key: `event:intercom:<conversation>:<last part id>` (stable across retries
//! and across two subscriptions; new for each new part), else the
//! notification id.

use super::{at, event_key, finish_conversation, id_at, new_handoff, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::ingest::html;
use crate::model::{Author, Message, SourceKind};
use serde_json::Value;

/// An Intercom notification event.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["type"]) == Some("notification_event") && text_at(v, &["topic"]).is_some()
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Parsed {
    let topic = text_at(v, &["topic"]).unwrap_or("unknown");
    let item = at(v, &["data", "item"]).unwrap_or(&Value::Null);
    let parts: &[Value] = at(item, &["conversation_parts", "conversation_parts"])
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let conv = id_at(item, &["id"]);
    let last_part = parts.iter().rev().find_map(|p| id_at(p, &["id"]));
    let key = match (&conv, &last_part, id_at(v, &["id"])) {
        (Some(c), Some(p), _) => Some(event_key("intercom", &[c, p])),
        (Some(c), None, Some(n)) => Some(event_key("intercom", &[c, &n])),
        (None, _, Some(n)) => Some(event_key("intercom", &[&n])),
        _ => None,
    };
    if topic != "conversation.admin.assigned" {
        let why = match topic {
            "conversation.admin.closed" => {
                "the conversation was closed by a teammate; that ends a conversation, it is not a handoff"
                    .to_string()
            }
            "ping" => "Intercom's test ping; no conversation in it".to_string(),
            t if t.starts_with("conversation") => {
                format!(
                    "{t} is ordinary traffic on a conversation; the handoff is conversation.admin.assigned"
                )
            }
            t => format!("{t} is not about a conversation, so it is not a handoff"),
        };
        return skipped("intercom", topic, key, why, raw);
    }

    let mut h = new_handoff("intercom", key, raw, source);
    let first = at(item, &["source"]).or_else(|| at(item, &["conversation_message"]));
    let person = at(item, &["user"])
        .or_else(|| first.and_then(|f| at(f, &["author"])))
        .filter(|p| matches!(text_at(p, &["type"]), Some("user" | "lead" | "contact")));
    if let Some(p) = person {
        h.visitor.name = text_at(p, &["name"]).map(str::to_string);
        h.visitor.email = text_at(p, &["email"]).map(str::to_string);
        h.visitor.phone = text_at(p, &["phone"]).map(str::to_string);
    }
    h.page.url = first.and_then(|f| text_at(f, &["url"])).map(str::to_string);
    h.started_at = time_at(item, &["created_at"]);
    h.sent_at = time_at(v, &["created_at"]);

    if let Some(f) = first {
        push_line(&mut h.transcript, f, time_at(item, &["created_at"]));
    }
    for p in parts {
        push_line(&mut h.transcript, p, time_at(p, &["created_at"]));
    }
    let assignment = parts.iter().rev().find(|p| is_assignment(text_at(p, &["part_type"])));
    h.escalated_at =
        assignment.and_then(|p| time_at(p, &["created_at"])).or_else(|| time_at(item, &["updated_at"]));
    h.bot = h.transcript.iter().find(|m| m.author == Author::Bot).and_then(|m| m.name.clone());

    finish_conversation(
        &mut h,
        at(item, &["custom_attributes"]),
        "the payload names no visitor; open the conversation in Intercom for their details",
    );
    Parsed::Handoff(Box::new(h))
}

fn is_assignment(part_type: Option<&str>) -> bool {
    matches!(
        part_type,
        Some("assignment" | "default_assignment" | "away_mode_assignment" | "assign_and_unsnooze")
    )
}

/// One message or conversation part as a transcript line (if it says anything).
fn push_line(out: &mut Vec<Message>, part: &Value, when: Option<chrono::DateTime<chrono::Utc>>) {
    let author_type = text_at(part, &["author", "type"]);
    let name = text_at(part, &["author", "name"]).map(str::to_string);
    let body = text_at(part, &["body"]).map(html::to_text).filter(|t| !t.is_empty());
    let part_type = text_at(part, &["part_type"]);
    let (author, text) = match body {
        Some(text) => (author_of(author_type), text),
        None if is_assignment(part_type) => {
            let to = text_at(part, &["assigned_to", "name"]).unwrap_or("a teammate");
            (Author::System, format!("Assigned to {to}"))
        }
        None if part_type == Some("close") => (Author::System, "Conversation closed".to_string()),
        None if part_type == Some("open") => (Author::System, "Conversation reopened".to_string()),
        None => return,
    };
    out.push(Message { author, name, at: when, text });
}

fn author_of(kind: Option<&str>) -> Author {
    match kind {
        Some("user" | "lead" | "contact") => Author::Visitor,
        Some("admin" | "team") => Author::Agent,
        Some("bot") => Author::Bot,
        _ => Author::System,
    }
}
