//! Microsoft Copilot Studio (Power Virtual Agents) hand-offs as a Bot
//! Framework / Direct Line activity: the `handoff.initiate` event the bot
//! sends when a "Transfer conversation" node runs (the Escalate system topic,
//! or any topic that transfers).
//!
//! Payload source: learn.microsoft.com, "Hand off to a live agent"
//! (microsoft-copilot-studio/advanced-hand-off) and "Configure handoff to any
//! generic engagement hub": an activity `{ "type": "event", "name":
//! "handoff.initiate", "from", "conversation", "timestamp", "value": {
//! va_Scope, va_LastTopic, va_Topics, va_LastPhrases, va_ConversationId,
//! va_AgentMessage, va_BotName, va_Language, … any global variables }, and
//! "attachments": [{ "contentType":
//! "application/vnd.microsoft.activity.transcript", "content": {
//! "activities": [ … ] } }] }` (the Bot Framework `EventFactory.
//! createHandoffInitiation` shape; some hubs forward the transcript as
//! `value.activities`, which is read too).
//!
//! Which events are handoffs: `handoff.initiate` is one. `handoff.status`
//! (accepted, failed, completed: the hub's answer) and other activities are
//! skipped with their reason.
//!
//! Fields: the visitor from the transcript's user `from.name` or from global
//! variables whose names say name/email/phone; the reason from
//! `va_AgentMessage` (the text the bot author wrote for the agent), else from
//! the last topic (Escalate → a human was asked for; Fallback / On Error →
//! the bot had no answer) with `va_LastPhrases` as the visitor's question.
//! Times: the first transcript activity → started; the event → escalated.
//! Key: `event:copilot:<conversation id>:<activity id>` (else a hash).

use super::{at, event_key, id_at, new_handoff, short_hash, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{Author, Message, ParseStatus, SourceKind};
use serde_json::Value;

const TRANSCRIPT_TYPE: &str = "application/vnd.microsoft.activity.transcript";

/// A Bot Framework event activity whose name is a `handoff.*` event.
pub fn detect(v: &Value) -> bool {
    text_at(v, &["type"]) == Some("event")
        && text_at(v, &["name"]).is_some_and(|n| n.starts_with("handoff."))
        && (v.get("conversation").is_some() || v.get("channelId").is_some())
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let name = text_at(v, &["name"]).unwrap_or("unknown");
    let conv = id_at(v, &["conversation", "id"]).or_else(|| id_at(v, &["value", "va_ConversationId"]));
    let id = id_at(v, &["id"]).unwrap_or_else(|| short_hash(raw));
    let key = Some(match &conv {
        Some(c) => event_key("copilot", &[c, &id]),
        None => event_key("copilot", &[&id]),
    });
    if name != "handoff.initiate" {
        let why = match name {
            "handoff.status" => {
                let state = text_at(v, &["value", "state"]).unwrap_or("a new state");
                format!(
                    "the engagement hub's answer to a hand-off ({state}); the handoff is handoff.initiate"
                )
            }
            other => format!("{other} is not a hand-off initiation"),
        };
        return vec![skipped("copilot", name, key, why, raw)];
    }

    let mut h = new_handoff("copilot", key, raw, source);
    let value = at(v, &["value"]).unwrap_or(&Value::Null);
    let activities = transcript_activities(v);
    h.transcript = activities.iter().filter_map(|a| line(a)).collect();
    h.started_at = activities.iter().find_map(|a| time_at(a, &["timestamp"]));
    h.escalated_at = time_at(v, &["timestamp"]).or_else(|| time_at(v, &["localTimestamp"]));
    h.bot = text_at(value, &["va_BotName"])
        .or_else(|| text_at(v, &["from", "name"]))
        .or_else(|| h.transcript.iter().find(|m| m.author == Author::Bot).and_then(|m| m.name.as_deref()))
        .map(str::to_string);

    let user = activities
        .iter()
        .filter(|a| text_at(a, &["from", "role"]) == Some("user"))
        .find_map(|a| text_at(a, &["from", "name"]))
        .filter(|n| !n.eq_ignore_ascii_case("user") && !n.eq_ignore_ascii_case("you"));
    h.visitor.name =
        variable(value, &["username", "name", "displayname", "fullname"]).or(user).map(str::to_string);
    h.visitor.email = variable(value, &["email", "mail"]).filter(|e| e.contains('@')).map(str::to_string);
    h.visitor.phone = variable(value, &["phone", "mobile", "telephone"]).map(str::to_string);

    let last_topic = text_at(value, &["va_LastTopic"]);
    h.reason_detail = text_at(value, &["va_AgentMessage"]).map(str::to_string).or_else(|| {
        last_topic.map(|t| match t.to_ascii_lowercase().as_str() {
            "escalate" => format!("the visitor asked to talk to a human (topic {t})"),
            "fallback" | "on error" | "conversationalboosting" => {
                format!("no answer found: the bot fell back (topic {t})")
            }
            _ => format!("transferred from topic {t}"),
        })
    });
    h.reason_inferred = h.reason_detail.is_none();
    h.question = text_at(value, &["va_LastPhrases"]).map(str::to_string);
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        h.parse_notes.push(
            "Copilot Studio's hand-off names no visitor; add a global variable (e.g. UserEmail) to the transfer's context"
                .into(),
        );
    }
    vec![Parsed::Handoff(Box::new(h))]
}

/// The transcript's activities: the transcript attachment's, else `value.activities`.
fn transcript_activities(v: &Value) -> Vec<&Value> {
    let from_attachment = at(v, &["attachments"]).and_then(Value::as_array).and_then(|list| {
        list.iter()
            .find(|a| text_at(a, &["contentType"]) == Some(TRANSCRIPT_TYPE))
            .and_then(|a| at(a, &["content", "activities"]).or_else(|| at(a, &["content"])))
            .and_then(Value::as_array)
    });
    from_attachment
        .or_else(|| at(v, &["value", "activities"]).and_then(Value::as_array))
        .map(|l| l.iter().take(5_000).collect())
        .unwrap_or_default()
}

/// One message activity as a transcript line.
fn line(a: &Value) -> Option<Message> {
    if text_at(a, &["type"]).is_some_and(|t| t != "message") {
        return None;
    }
    let text = text_at(a, &["text"]).or_else(|| {
        // An adaptive or hero card: its text.
        at(a, &["attachments"])?.as_array()?.iter().find_map(|c| text_at(c, &["content", "text"]))
    })?;
    let author = match text_at(a, &["from", "role"]) {
        Some("user") => Author::Visitor,
        Some("bot" | "skill") => Author::Bot,
        _ => Author::System,
    };
    let name = text_at(a, &["from", "name"]).map(str::to_string);
    Some(Message { author, name, at: time_at(a, &["timestamp"]), text: text.to_string() })
}

/// A global variable passed in the hand-off context whose name (lower case,
/// without "global." or "bot." and punctuation) ends with one of `names`.
fn variable<'v>(value: &'v Value, names: &[&str]) -> Option<&'v str> {
    let obj = value.as_object()?;
    obj.iter().find_map(|(k, v)| {
        let k: String = k.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
        let k = k.trim_start_matches("global").trim_start_matches("bot").trim_start_matches("va");
        let hit = names.iter().any(|n| k == *n || k == format!("user{n}") || k == format!("visitor{n}"));
        if hit { v.as_str().map(str::trim).filter(|s| !s.is_empty()) } else { None }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn initiate_with_transcript_attachment() {
        let v = json!({
            "type": "event", "name": "handoff.initiate", "id": "a1", "conversation": {"id": "c1"},
            "timestamp": "2026-11-20T02:04:11Z",
            "value": {"va_LastTopic": "Escalate", "va_LastPhrases": "talk to agent", "Global.UserEmail": "dana@example.com"},
            "attachments": [{"contentType": TRANSCRIPT_TYPE, "content": {"activities": [
                {"type": "message", "from": {"role": "user"}, "text": "talk to agent", "timestamp": "2026-11-20T02:03:00Z"},
                {"type": "message", "from": {"role": "bot", "name": "Contoso"}, "text": "Connecting you."}
            ]}}]
        });
        assert!(detect(&v));
        let raw = serde_json::to_vec(&v).unwrap();
        let Some(Parsed::Handoff(h)) = parse(&v, &raw, SourceKind::Relay).into_iter().next() else {
            panic!()
        };
        assert_eq!(h.visitor.email.as_deref(), Some("dana@example.com"));
        assert_eq!(h.transcript.len(), 2);
        assert_eq!(h.transcript[0].author, Author::Visitor);
        assert!(h.reason_detail.as_deref().is_some_and(|r| r.contains("human")));
    }

    #[test]
    fn status_is_skipped_and_messages_are_not_claimed() {
        let v = json!({"type": "event", "name": "handoff.status", "conversation": {"id": "c"}, "value": {"state": "accepted"}});
        assert!(matches!(parse(&v, b"{}", SourceKind::Relay).as_slice(), [Parsed::Skipped(_)]));
        assert!(!detect(&json!({"type": "message", "text": "hi", "conversation": {"id": "c"}})));
    }
}
