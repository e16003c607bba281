//! Zendesk Sunshine Conversations v2 webhooks: `{ "app", "webhook",
//! "events": [ { "id", "createdAt", "type", "payload" } ] }`. One delivery
//! may carry several events; each becomes its own result.
//!
//! Which events are handoffs:
//! - `switchboard:passControl` and `switchboard:offerControl`, when the
//!   integration now in control (`payload.conversation.activeSwitchboardIntegration`)
//!   is not a bot. When control passes *to* a bot (named or typed like one:
//!   "bot", "answerBot", "ultimate"…) the event is skipped: that is a human or
//!   a workflow handing back, not a bot handing over. The API's own example
//!   passes control to an integration named "bot", so it is skipped.
//! - `switchboard:acceptControl` / `releaseControl` are skipped (they follow
//!   an offer or a pass, which is the handoff).
//! - `conversation:message` is skipped: one message, not a hand-over.
//! - Every other event is skipped as not a handoff.
//!
//! Fields: reason wording from `payload.metadata` (`reason`, `handoff_reason`,
//! `escalation_reason`); visitor from `payload.user` (sent with "include full
//! user"); times from `createdAt`. Key: `event:sunshine:<conversation>:<event id>`.

use super::{at, event_key, id_at, new_handoff, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{ParseStatus, SourceKind};
use serde_json::Value;

/// A Sunshine Conversations delivery: `events` whose types look like `noun:verb`, plus `app` or `webhook`.
pub fn detect(v: &Value) -> bool {
    let typed = |e: &Value| text_at(e, &["type"]).is_some_and(|t| t.contains(':'));
    let events = v.get("events").and_then(Value::as_array);
    events.is_some_and(|e| !e.is_empty() && e.iter().all(typed))
        && (v.get("app").is_some() || v.get("webhook").is_some())
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let events = v.get("events").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    events.iter().map(|e| event(e, raw, source)).collect()
}

fn event(e: &Value, raw: &[u8], source: SourceKind) -> Parsed {
    let kind = text_at(e, &["type"]).unwrap_or("unknown");
    let payload = at(e, &["payload"]).unwrap_or(&Value::Null);
    let conv = id_at(payload, &["conversation", "id"]);
    let key = match (conv.as_deref(), id_at(e, &["id"])) {
        (Some(c), Some(id)) => Some(event_key("sunshine", &[c, &id])),
        (None, Some(id)) => Some(event_key("sunshine", &[&id])),
        _ => None,
    };
    let active = at(payload, &["conversation", "activeSwitchboardIntegration"]);
    let active_name = active.and_then(|a| text_at(a, &["name"])).unwrap_or("");
    match kind {
        "switchboard:passControl" | "switchboard:offerControl" => {
            if active.is_some_and(looks_like_bot) {
                let why = format!(
                    "control passed to the bot integration {active_name:?}, not to a human; that is a hand-back, not a handoff"
                );
                return skipped("sunshine", kind, key, why, raw);
            }
        }
        "switchboard:acceptControl" | "switchboard:releaseControl" => {
            let why = format!("{kind} follows an offer or pass of control, which is the handoff");
            return skipped("sunshine", kind, key, why, raw);
        }
        "conversation:message" => {
            let why = "a single message; a hand-over arrives as switchboard:passControl";
            return skipped("sunshine", kind, key, why, raw);
        }
        other => {
            return skipped("sunshine", kind, key, format!("{other} is not a handoff"), raw);
        }
    }

    let mut h = new_handoff("sunshine", key, raw, source);
    let meta = at(payload, &["metadata"]);
    h.reason_detail = ["reason", "handoff_reason", "escalation_reason"]
        .iter()
        .find_map(|k| meta.and_then(|m| text_at(m, &[k])))
        .map(str::to_string);
    h.reason_inferred = h.reason_detail.is_none();
    h.escalated_at = time_at(e, &["createdAt"]);
    h.sent_at = h.escalated_at;
    if let Some(user) = at(payload, &["user"]) {
        let given = text_at(user, &["profile", "givenName"]);
        let surname = text_at(user, &["profile", "surname"]);
        h.visitor.name = match (given, surname) {
            (Some(g), Some(s)) => Some(format!("{g} {s}")),
            (g, s) => g.or(s).map(str::to_string),
        };
        h.visitor.email = text_at(user, &["profile", "email"]).map(str::to_string);
    }
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        let conv = conv.as_deref().unwrap_or("(no id)");
        h.parse_notes.push(format!(
            "the event carries no visitor or transcript; open conversation {conv} in Zendesk for them (or turn on \"include full user\" for the webhook)"
        ));
    }
    Parsed::Handoff(Box::new(h))
}

fn looks_like_bot(integration: &Value) -> bool {
    let name = text_at(integration, &["name"]).unwrap_or("").to_lowercase();
    let kind = text_at(integration, &["integrationType"]).unwrap_or("").to_lowercase();
    ["bot", "ultimate", "answerbot"].iter().any(|b| name.contains(b) || kind.contains(b))
}
