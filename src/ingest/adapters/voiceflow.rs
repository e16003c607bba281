//! Voiceflow transcripts: what a Voiceflow agent's hand-off integration
//! forwards (Voiceflow has no hand-off webhook of its own; live-agent
//! integrations end a conversation with a Custom Action step, e.g.
//! `talk_to_agent`, and post the session's transcript onward).
//!
//! Payload sources (docs.voiceflow.com):
//! - Analytics API "Get transcript" (`GET analytics-api.voiceflow.com/v1/
//!   transcript/{id}`): `{ "transcript": { "id", "sessionID", "projectID",
//!   "environmentID", "createdAt", "endedAt", "properties": [{ "name",
//!   "value" }], "logs": [{ "type": "action" | "trace", "data", "createdAt" }] } }`
//!   where an action's data is the user's request (`{ "type": "text",
//!   "payload": "…" }`, `{ "type": "intent", "payload": { "query" } }`) and a
//!   trace's data is the agent's output (`{ "type": "text", "payload": {
//!   "message" } }`, see "Trace types"; a Custom Action's trace has the
//!   action's own name as its type).
//! - Legacy Transcripts API (`GET /v2/transcripts/{projectID}/{id}`): an
//!   array of turns `{ "turnID", "type", "payload", "startTime", "format":
//!   "request" | "trace" }`.
//!
//! Which transcripts are handoffs: one with a hand-off trace (a custom action
//! or trace type naming an agent, a human, a hand-off, an escalation or live
//! chat). Any other transcript is skipped as a conversation the agent
//! finished alone. The visitor comes from transcript properties (or a
//! `variables` object beside the transcript) named name/email/phone.
//! Key: `event:voiceflow:<transcript or session id>:<hand-off trace time>`.

use super::{at, event_key, id_at, new_handoff, parse_time, short_hash, skipped, text_at, time_at};
use crate::ingest::Parsed;
use crate::model::{Author, Message, ParseStatus, SourceKind};
use serde_json::Value;

/// An Analytics API transcript, or a legacy transcript's array of turns.
pub fn detect(v: &Value) -> bool {
    let t = at(v, &["transcript"]).unwrap_or(v);
    let analytics = at(t, &["logs"]).is_some_and(Value::is_array)
        && (t.get("sessionID").is_some() || t.get("projectID").is_some());
    let legacy = v.as_array().is_some_and(|turns| {
        !turns.is_empty()
            && turns.iter().take(3).all(|x| x.get("turnID").is_some() && x.get("format").is_some())
    });
    analytics || legacy
}

/// One entry of the conversation: who, the data object, when.
struct Entry<'v> {
    user: bool,
    data: std::borrow::Cow<'v, Value>,
    at: Option<chrono::DateTime<chrono::Utc>>,
}

/// See the module header.
pub fn parse(v: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let t = at(v, &["transcript"]).unwrap_or(v);
    let entries = entries(v);
    let handoff = entries.iter().find(|e| !e.user && is_handoff(text_at(&e.data, &["type"])));
    let id = id_at(t, &["id"]).or_else(|| id_at(t, &["sessionID"])).or_else(|| id_at(t, &["_id"]));
    let when = handoff.and_then(|e| e.at).map(|t| t.timestamp_millis().to_string());
    let key = Some(match (&id, &when) {
        (Some(i), Some(w)) => event_key("voiceflow", &[i, w]),
        (Some(i), None) => event_key("voiceflow", &[i]),
        _ => event_key("voiceflow", &[&short_hash(raw)]),
    });
    let Some(hand) = handoff else {
        let why =
            "a transcript with no hand-off step (no custom action or trace naming an agent or a hand-off)";
        return vec![skipped("voiceflow", "transcript", key, why, raw)];
    };

    let mut h = new_handoff("voiceflow", key, raw, source);
    h.transcript = entries.iter().filter_map(line).collect();
    h.started_at = time_at(t, &["createdAt"]).or_else(|| entries.iter().find_map(|e| e.at));
    h.escalated_at = hand.at.or_else(|| time_at(t, &["endedAt"]));
    let prop = |names: &[&str]| property(t, names).or_else(|| variable(v, names));
    h.visitor.name = prop(&["name", "user_name", "username", "full_name", "customer_name"]);
    h.visitor.email = prop(&["email", "user_email", "customer_email"]).filter(|e| e.contains('@'));
    h.visitor.phone = prop(&["phone", "user_phone", "phone_number"]);
    h.page.url = prop(&["page", "url", "page_url", "source_url"]).filter(|u| u.starts_with("http"));
    let payload = at(&hand.data, &["payload"]);
    let reason = payload
        .and_then(|p| text_at(p, &["reason"]).map(str::to_string))
        .or_else(|| prop(&["handoff_reason", "escalation_reason", "reason"]));
    h.reason_inferred = reason.is_none();
    h.reason_detail = reason;
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        h.parse_notes.push(
            "the transcript names no visitor; capture name/email into variables before the hand-off".into(),
        );
    }
    vec![Parsed::Handoff(Box::new(h))]
}

/// Trace types that hand the conversation to people.
fn is_handoff(kind: Option<&str>) -> bool {
    let Some(k) = kind.map(str::to_ascii_lowercase) else { return false };
    ["agent", "human", "handoff", "hand_off", "handover", "escalat", "live_chat", "livechat"]
        .iter()
        .any(|w| k.contains(w))
}

fn entries(v: &Value) -> Vec<Entry<'_>> {
    let t = at(v, &["transcript"]).unwrap_or(v);
    if let Some(logs) = at(t, &["logs"]).and_then(Value::as_array) {
        return logs
            .iter()
            .take(5_000)
            .filter_map(|l| {
                let data = match l.get("data")? {
                    // The API may deliver each log's data as a JSON string.
                    Value::String(s) => std::borrow::Cow::Owned(serde_json::from_str(s).ok()?),
                    d => std::borrow::Cow::Borrowed(d),
                };
                let user = text_at(l, &["type"]) == Some("action");
                Some(Entry { user, data, at: time_at(l, &["createdAt"]) })
            })
            .collect();
    }
    v.as_array()
        .into_iter()
        .flatten()
        .take(5_000)
        .map(|turn| Entry {
            user: text_at(turn, &["format"]) == Some("request"),
            data: std::borrow::Cow::Borrowed(turn),
            at: at(turn, &["startTime"]).and_then(parse_time),
        })
        .collect()
}

/// One entry as a transcript line, when it says something.
fn line(e: &Entry<'_>) -> Option<Message> {
    let kind = text_at(&e.data, &["type"]).unwrap_or_default();
    let payload = at(&e.data, &["payload"]);
    let text = if e.user {
        payload.and_then(|p| p.as_str().map(str::trim).or_else(|| text_at(p, &["query"])))
    } else if matches!(kind, "text" | "speak") {
        payload.and_then(|p| text_at(p, &["message"]))
    } else {
        None
    }?;
    if text.is_empty() {
        return None;
    }
    let author = if e.user { Author::Visitor } else { Author::Bot };
    Some(Message { author, name: None, at: e.at, text: text.to_string() })
}

/// A transcript property's value by name (case-insensitive).
fn property(t: &Value, names: &[&str]) -> Option<String> {
    let props = at(t, &["properties"])?.as_array()?;
    props.iter().find_map(|p| {
        let n = text_at(p, &["name"])?.to_ascii_lowercase();
        names.contains(&n.as_str()).then(|| text_at(p, &["value"]).map(str::to_string)).flatten()
    })
}

/// A variable beside the transcript (`variables` of the integration's body).
fn variable(v: &Value, names: &[&str]) -> Option<String> {
    let vars = at(v, &["variables"])?.as_object()?;
    vars.iter().find_map(|(k, val)| {
        let k = k.to_ascii_lowercase();
        names
            .contains(&k.as_str())
            .then(|| val.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn analytics_transcript_with_a_handoff_action() {
        let v = json!({"transcript": {"id": "t1", "sessionID": "s1", "projectID": "p1",
        "properties": [{"name": "email", "value": "dana@example.com"}],
        "logs": [
            {"type": "action", "data": {"type": "text", "payload": "refund please"}, "createdAt": "2026-11-20T10:00:00Z"},
            {"type": "trace", "data": "{\"type\":\"text\",\"payload\":{\"message\":\"Let me get someone.\"}}", "createdAt": "2026-11-20T10:00:01Z"},
            {"type": "trace", "data": {"type": "talk_to_agent", "payload": "{}"}, "createdAt": "2026-11-20T10:00:02Z"}
        ]}});
        assert!(detect(&v));
        let Some(Parsed::Handoff(h)) = parse(&v, b"{}", SourceKind::Relay).into_iter().next() else {
            panic!()
        };
        assert_eq!(h.visitor.email.as_deref(), Some("dana@example.com"));
        assert_eq!(h.transcript.len(), 2);
        let plain = json!({"transcript": {"id": "t2", "sessionID": "s", "logs": []}});
        assert!(matches!(parse(&plain, b"{}", SourceKind::Relay).as_slice(), [Parsed::Skipped(_)]));
    }
}
