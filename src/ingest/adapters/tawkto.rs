//! Tawk.to webhooks: `{ "event", "time", "property": {id, name}, … }` as
//! documented at <https://developer.tawk.to/webhooks/> (and the transcript
//! event at <https://help.tawk.to/article/how-to-send-chat-transcripts-via-webhooks>).
//!
//! Which events are handoffs:
//! - `chat:start` whose first message is the visitor's: a visitor is waiting
//!   for a person (tawk.to is a live chat; the event fires on the first
//!   message). One started by an agent is skipped (the team reached out).
//! - `chat:transcript_created` with at least one visitor message: the whole
//!   conversation, sent once the visitor has been idle for a few minutes.
//! - `ticket:create`: an offline form (or an email) became a ticket; the
//!   visitor left a message for the team.
//! - `chat:end` is skipped: it carries no messages (the transcript event does).
//!
//! Fields: visitor from `visitor`, `chat.visitor` or `requester`; transcript
//! from `message` (`sender.type` visitor/agent/system) or `chat.messages`
//! (`sender.t` v/a/s, `sender.n` the name, `msg`, `time`); the ticket's
//! subject and message become the visitor's one message. Agents named like a
//! bot ("AI Assist", "… Bot") are bot lines: tawk.to's AI agent posts as an
//! agent. Times: `time` → sent; the first message → started. Keys:
//! `event:tawkto:<chat id>:<event>` or `event:tawkto:ticket:<ticket id>`.

use super::{at, event_key, id_at, new_handoff, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{Author, Message, NewHandoff, ParseStatus, SourceKind};
use serde_json::Value;

const EVENTS: &[&str] = &["chat:start", "chat:end", "chat:transcript_created", "ticket:create"];

/// A tawk.to event: one of its four event names and a `property` object.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["event"]).is_some_and(|e| EVENTS.contains(&e))
        && v.get("property").is_some_and(Value::is_object)
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let event = text_at(v, &["event"]).unwrap_or("unknown");
    let chat = id_at(v, &["chatId"]).or_else(|| id_at(v, &["chat", "id"]));
    let key = match (&chat, id_at(v, &["ticket", "id"])) {
        (_, Some(t)) if event == "ticket:create" => Some(event_key("tawkto", &["ticket", &t])),
        (Some(c), _) => Some(event_key("tawkto", &[c, event])),
        _ => None,
    };
    let result = match event {
        "chat:start" => chat_start(v, key, raw, source),
        "chat:transcript_created" => transcript(v, key, raw, source),
        "ticket:create" => ticket(v, key, raw, source),
        "chat:end" => skipped(
            "tawkto",
            event,
            key,
            "the chat ended; its messages arrive as chat:transcript_created",
            raw,
        ),
        other => skipped("tawkto", other, key, format!("{other} is not a handoff"), raw),
    };
    vec![result]
}

fn chat_start(v: &Value, key: Option<String>, raw: &[u8], source: SourceKind) -> Parsed {
    let sender = text_at(v, &["message", "sender", "type"]).unwrap_or("visitor");
    if sender != "visitor" {
        let why = format!("the chat was started by the {sender}, not by a visitor waiting for a person");
        return skipped("tawkto", "chat:start", key, why, raw);
    }
    let mut h = new_handoff("tawkto", key, raw, source);
    person(&mut h, at(v, &["visitor"]));
    h.sent_at = time_at(v, &["time"]);
    h.started_at = h.sent_at;
    if let Some(text) = text_at(v, &["message", "text"]) {
        let name = h.visitor.name.clone();
        h.transcript.push(Message {
            author: Author::Visitor,
            name,
            at: h.started_at,
            text: text.to_string(),
        });
    }
    finish(&mut h, "chat:start names no visitor; open the chat in the tawk.to dashboard");
    Parsed::Handoff(Box::new(h))
}

fn transcript(v: &Value, key: Option<String>, raw: &[u8], source: SourceKind) -> Parsed {
    let messages = at(v, &["chat", "messages"]).and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let lines: Vec<Message> = messages.iter().filter_map(line).collect();
    if !lines.iter().any(|m| m.author == Author::Visitor) {
        let why = "the transcript has no message from the visitor, so nobody is waiting for an answer";
        return skipped("tawkto", "chat:transcript_created", key, why, raw);
    }
    let mut h = new_handoff("tawkto", key, raw, source);
    person(&mut h, at(v, &["chat", "visitor"]));
    h.sent_at = time_at(v, &["time"]);
    h.started_at = lines.iter().find(|m| m.author == Author::Visitor).and_then(|m| m.at);
    h.bot = lines.iter().find(|m| m.author == Author::Bot).and_then(|m| m.name.clone());
    h.transcript = lines;
    finish(&mut h, "the transcript names no visitor; open the chat in the tawk.to dashboard");
    Parsed::Handoff(Box::new(h))
}

fn ticket(v: &Value, key: Option<String>, raw: &[u8], source: SourceKind) -> Parsed {
    let mut h = new_handoff("tawkto", key, raw, source);
    person(&mut h, at(v, &["requester"]));
    h.sent_at = time_at(v, &["time"]);
    h.started_at = h.sent_at;
    let subject = text_at(v, &["ticket", "subject"]);
    h.subject = subject.map(str::to_string);
    if let Some(text) = text_at(v, &["ticket", "message"]).or(subject) {
        let text = crate::ingest::html::to_text(text);
        let name = h.visitor.name.clone();
        h.transcript.push(Message { author: Author::Visitor, name, at: h.started_at, text });
    }
    finish(&mut h, "the ticket names no requester; open it in the tawk.to dashboard");
    Parsed::Handoff(Box::new(h))
}

/// One `chat.messages` entry as a transcript line (if it says anything).
fn line(m: &Value) -> Option<Message> {
    let text = text_at(m, &["msg"]).or_else(|| text_at(m, &["text"]))?;
    let name = text_at(m, &["sender", "n"]).or_else(|| text_at(m, &["sender", "name"]));
    let kind = text_at(m, &["sender", "t"]).or_else(|| text_at(m, &["sender", "type"])).unwrap_or("");
    let author = match kind {
        "v" | "visitor" => Author::Visitor,
        "a" | "agent" if name.is_some_and(bot_like) => Author::Bot,
        "a" | "agent" => Author::Agent,
        _ => Author::System,
    };
    Some(Message {
        author,
        name: name.map(str::to_string),
        at: time_at(m, &["time"]),
        text: text.to_string(),
    })
}

/// tawk.to's AI agent and bot integrations post as agents under a bot's name.
fn bot_like(name: &str) -> bool {
    let n = name.to_lowercase();
    n == "ai assist"
        || n.contains("bot")
        || n.starts_with("ai ")
        || n.ends_with(" ai")
        || n.contains("apollo")
}

fn person(h: &mut NewHandoff, p: Option<&Value>) {
    let Some(p) = p else { return };
    h.visitor.name = text_at(p, &["name"]).map(str::to_string);
    h.visitor.email = text_at(p, &["email"]).map(str::to_string);
    h.visitor.phone = text_at(p, &["phone"]).map(str::to_string);
}

fn finish(h: &mut NewHandoff, note: &str) {
    h.reason_inferred = true;
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        h.parse_notes.push(note.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn odd_payloads_never_panic_and_agent_starts_are_skipped() {
        let odd = [
            json!({"event": "chat:start", "property": {}}),
            json!({"event": "chat:transcript_created", "property": {}, "chat": {"messages": [1, null, {"msg": 5}]}}),
            json!({"event": "ticket:create", "property": {}, "ticket": {"message": ["x"]}, "requester": "x"}),
            json!({"event": "chat:start", "property": {}, "message": {"text": "hi", "sender": {"type": "agent"}}}),
        ];
        for v in &odd {
            assert!(detect(v));
            let out = parse(v, b"{}", SourceKind::Relay);
            assert_eq!(out.len(), 1);
        }
        let agent = parse(&odd[3], b"{}", SourceKind::Relay);
        assert!(matches!(agent.first(), Some(Parsed::Skipped(_))));
        assert!(!detect(&json!({"event": "chat:start"})), "no property: not tawk.to");
    }
}
