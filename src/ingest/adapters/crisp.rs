//! Crisp web hooks: `{ "website_id", "event", "data", "timestamp" }` as
//! documented at <https://docs.crisp.chat/references/web-hooks/v1> (the same
//! events as the RTM API; example in
//! <https://docs.crisp.chat/guides/web-hooks/quickstart>).
//!
//! Which events are handoffs:
//! - `message:send` with `data.from` = `user`: a visitor wrote and is waiting
//!   for a person (Crisp's own email notification of unread messages is the
//!   same moment, three minutes later).
//! - `message:notify:unread:send`: Crisp's "unread messages from the visitor"
//!   notification, the web-hook twin of that email.
//! - `session:request:initiated`: the visitor opened a conversation request.
//! - Every other event is skipped with its reason: operator messages
//!   (`message:received`, `message:send` from an operator), contact details
//!   (`session:set_email`, `session:set_phone`, `session:set_nickname`, …),
//!   state changes and removals.
//!
//! Fields: visitor from `data.user` (`nickname`, `email`, `phone` when set),
//! else `data.email`/`data.phone`; the message `content` (text, or a file or
//! picker's name) is the visitor's one line; `data.timestamp` (ms) → started,
//! the envelope's `timestamp` → sent. Key:
//! `event:crisp:<session_id>:<fingerprint>` (one per message; retries keep it),
//! else the session and the event name.

use super::{at, event_key, id_at, new_handoff, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{Author, Message, ParseStatus, SourceKind};
use serde_json::Value;

/// A Crisp web hook: `website_id`, a `noun:verb` event and a `data` object.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["website_id"]).is_some()
        && text_at(v, &["event"]).is_some_and(|e| e.contains(':'))
        && v.get("data").is_some_and(Value::is_object)
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let event = text_at(v, &["event"]).unwrap_or("unknown");
    let data = at(v, &["data"]).unwrap_or(&Value::Null);
    let session = id_at(data, &["session_id"]);
    let key = match (&session, id_at(data, &["fingerprint"])) {
        (Some(s), Some(f)) => Some(event_key("crisp", &[s, &f])),
        (Some(s), None) => Some(event_key("crisp", &[s, event])),
        _ => None,
    };
    let from = text_at(data, &["from"]);
    let handoff = match event {
        "message:send" => from.is_none_or(|f| f == "user"),
        "message:notify:unread:send" | "session:request:initiated" => true,
        _ => false,
    };
    if !handoff {
        let why = match event {
            "message:send" | "message:received" => {
                format!(
                    "{event} from {}: an operator's message, not a visitor waiting",
                    from.unwrap_or("an operator")
                )
            }
            e if e.starts_with("session:set_") => {
                format!("{e} changes the visitor's details; the handoff is the visitor's message")
            }
            e => format!("{e} is not a handoff"),
        };
        return vec![skipped("crisp", event, key, why, raw)];
    }

    let mut h = new_handoff("crisp", key, raw, source);
    let user = at(data, &["user"]);
    h.visitor.name = user.and_then(|u| text_at(u, &["nickname"])).map(str::to_string);
    h.visitor.email =
        user.and_then(|u| text_at(u, &["email"])).or_else(|| text_at(data, &["email"])).map(str::to_string);
    h.visitor.phone =
        user.and_then(|u| text_at(u, &["phone"])).or_else(|| text_at(data, &["phone"])).map(str::to_string);
    h.started_at = time_at(data, &["timestamp"]).or_else(|| time_at(v, &["timestamp"]));
    h.sent_at = time_at(v, &["timestamp"]).or(h.started_at);
    let content = text_at(data, &["content"])
        .map(str::to_string)
        .or_else(|| text_at(data, &["content", "name"]).map(|n| format!("[file] {n}")))
        .or_else(|| text_at(data, &["content", "text"]).map(str::to_string));
    if let Some(text) = content {
        let name = h.visitor.name.clone();
        h.transcript.push(Message { author: Author::Visitor, name, at: h.started_at, text });
    }
    h.reason_inferred = true;
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        let s = session.as_deref().unwrap_or("(no session)");
        h.parse_notes.push(format!("the event names no visitor; open conversation {s} in Crisp"));
    }
    vec![Parsed::Handoff(Box::new(h))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn odd_payloads_never_panic_and_operator_messages_are_skipped() {
        let odd = [
            json!({"website_id": "w", "event": "message:send", "data": {}}),
            json!({"website_id": "w", "event": "message:send", "data": {"content": {"name": "a.pdf"}, "user": 3}}),
            json!({"website_id": "w", "event": "message:send", "data": {"from": "operator", "content": "hi"}}),
        ];
        for v in &odd {
            assert!(detect(v));
            assert_eq!(parse(v, b"{}", SourceKind::Relay).len(), 1);
        }
        let op = parse(&odd[2], b"{}", SourceKind::Relay);
        assert!(matches!(op.first(), Some(Parsed::Skipped(_))));
        assert!(!detect(&json!({"event": "message:send", "data": {}})), "no website_id: not Crisp");
    }
}
