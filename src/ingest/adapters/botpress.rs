//! Botpress webhooks: what Botpress's "Human in the Loop API" integration
//! (botpress/growth `integrations/hitl-api`, documented in its
//! `docs/output/openapi-external-service.json` and at
//! <https://botpress.com/reference/botpress-hitl-integration-apis>) posts to
//! the agent service it hands conversations to. Every body is
//! `{ "type": …, "payload": … }`:
//! - `createRemoteConversation` is the handoff (`startHitl`): `payload`
//!   holds `title`, `description` and the conversation so far as
//!   `messages: [{ text, author, timestamp }]`;
//! - `createRemoteUser` (the visitor created on the agent side: `role`
//!   "end-user", `name`, `email`, `pictureUrl`), `botSendsMessage` (one later
//!   message, `remoteConversationId`), `closeRemoteTicket` (`stopHitl`) and
//!   `ping` are skipped: none of them hands a conversation over.
//!
//! Who wrote a message is the free `author` string: "bot"/"assistant"-like
//! names are the bot, "agent" an agent, anyone else the visitor (whose name
//! it is, unless it is a generic "user"). Botpress sends no event id, so the
//! key is `event:botpress:<type>:<hash of the payload>`; the escalation time
//! is the last message's timestamp.

use super::{at, event_key, new_handoff, parse_time, short_hash, skipped, text_at};
use crate::ingest::Parsed;
use crate::ingest::platforms::message;
use crate::model::{Author, ParseStatus, SourceKind};
use serde_json::Value;

const TYPES: [&str; 5] =
    ["createRemoteConversation", "createRemoteUser", "botSendsMessage", "closeRemoteTicket", "ping"];

/// Whether `value` is one of this platform's webhook payloads.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["type"]).is_some_and(|t| TYPES.contains(&t))
        && (v.get("payload").is_some_and(Value::is_object) || text_at(v, &["type"]) == Some("ping"))
}

/// The handoffs (or skipped events) in a payload [`detect`] claimed.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let kind = text_at(v, &["type"]).unwrap_or("unknown");
    let payload = at(v, &["payload"]).unwrap_or(&Value::Null);
    let hash = short_hash(&serde_json::to_vec(payload).unwrap_or_default());
    let key = Some(event_key("botpress", &[kind, &hash]));
    if kind != "createRemoteConversation" {
        let why = match kind {
            "createRemoteUser" => {
                "the visitor being created on the agent side; the handoff is createRemoteConversation"
            }
            "botSendsMessage" => "a later message in a conversation already handed over",
            "closeRemoteTicket" => "the bot taking the conversation back (stopHitl)",
            _ => "Botpress checking that the agent service answers",
        };
        return vec![skipped("botpress", kind, key, why, raw)];
    }
    let mut h = new_handoff("botpress", key, raw, source);
    let messages =
        at(payload, &["messages"]).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for m in messages {
        let Some(text) = text_at(m, &["text"]) else { continue };
        let author_name = text_at(m, &["author"]);
        let author = author_name.map_or(Author::Visitor, role);
        let named = author_name.filter(|n| !is_generic(n));
        if author == Author::Visitor && h.visitor.name.is_none() {
            h.visitor.name = named.map(str::to_string);
        }
        h.transcript.push(message(author, named, at(m, &["timestamp"]).and_then(parse_time), text));
    }
    h.started_at = h.transcript.first().and_then(|m| m.at);
    h.escalated_at = h.transcript.last().and_then(|m| m.at);
    h.bot = Some("Botpress".into());
    h.reason_detail =
        text_at(payload, &["description"]).or_else(|| text_at(payload, &["title"])).map(str::to_string);
    h.reason_inferred = true;
    if let Some(detail) = h.reason_detail.as_deref()
        && let Some(r) = crate::ingest::reason::map_wording(detail)
    {
        h.reason = r;
        h.reason_inferred = false;
    }
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        h.parse_notes.push(
            "Botpress's createRemoteConversation names no visitor (createRemoteUser, sent before it, carries the name and email)"
                .into(),
        );
    }
    vec![Parsed::Handoff(Box::new(h))]
}

/// The role behind a free `author` string.
fn role(author: &str) -> Author {
    let a = author.to_lowercase();
    if ["bot", "assistant", "botpress", "ai"]
        .iter()
        .any(|b| a == *b || a.ends_with(&format!(" {b}")) || a.starts_with(&format!("{b} ")))
    {
        Author::Bot
    } else if a == "agent" || a.starts_with("agent ") || a == "human agent" {
        Author::Agent
    } else if a == "system" {
        Author::System
    } else {
        Author::Visitor
    }
}

/// Author strings that name a role, not a person.
fn is_generic(author: &str) -> bool {
    matches!(
        author.to_lowercase().as_str(),
        "user" | "visitor" | "end-user" | "customer" | "bot" | "agent" | "system"
    )
}
