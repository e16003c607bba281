//! The canonical handoff JSON: the one shape the relay and file import accept
//! directly, and the target every platform adapter maps into.
//!
//! Its JSON Schema is published at `schemas/handoff.schema.json`, generated
//! from [`CanonicalHandoff`] (a test fails when the file is out of date).
//!
//! Reading is forgiving: a document with a wrong type in one field (a
//! confidence sent as `"0.31"`, a unix time, `"role": "user"`) keeps every
//! other field; what was coerced or dropped is said in a note.

use crate::model::{Author, Message, NewHandoff, Page, ParseStatus, RawKind, SourceKind, Visitor};
use chrono::{DateTime, Utc};
use mail_parser::MimeHeaders;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// MIME parts looked at for JSON and bodies (here and in `email`).
pub(super) const PART_CAP: usize = 256;

/// A handoff in the canonical JSON shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Handoff Desk canonical handoff")]
pub struct CanonicalHandoff {
    /// Unique event id from the sender; makes delivery idempotent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Workspace short name this handoff belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The bot's or product's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
    /// Escalation reason: knowledge_gap, low_confidence, human_request, frustration, policy_topic, high_intent or other. Free text ("no article matched") is accepted and mapped; unknown wording is kept as the detail and the reason inferred from the transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The bot's own wording of why it escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_detail: Option<String>,
    /// Bot confidence between 0 and 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: Option<f64>,
    /// Visitor contact details.
    #[serde(default)]
    pub visitor: Visitor,
    /// The page the chat started on.
    #[serde(default)]
    pub page: Page,
    /// RFC 3339 time the chat started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    /// RFC 3339 time the bot escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at: Option<DateTime<Utc>>,
    /// What the bot promised the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<String>,
    /// The question the bot could not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The conversation in order.
    #[serde(default)]
    pub transcript: Vec<CanonicalLine>,
}

/// One transcript line in the canonical shape.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CanonicalLine {
    /// visitor, bot, agent or system.
    pub from: Author,
    /// Display name of the speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// RFC 3339 time of the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Plain text.
    pub text: String,
}

/// The JSON Schema of [`CanonicalHandoff`], pretty-printed, as committed in
/// `schemas/handoff.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(CanonicalHandoff);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

impl CanonicalHandoff {
    /// True when the value looks like a canonical handoff (and not some other JSON).
    pub fn looks_canonical(value: &serde_json::Value) -> bool {
        let Some(obj) = value.as_object() else {
            return false;
        };
        let keys = ["transcript", "visitor", "reason", "question", "escalated_at"];
        keys.iter().filter(|k| obj.contains_key(**k)).count() >= 2
    }

    /// Read a canonical handoff, field by field when the strict shape fails.
    /// Returns the handoff, notes on what was coerced or dropped, and whether
    /// anything was dropped.
    pub fn from_value(value: &Value) -> (CanonicalHandoff, Vec<String>, bool) {
        if let Ok(c) = CanonicalHandoff::deserialize(value) {
            return (c, Vec::new(), false);
        }
        let mut r = Lenient::default();
        let Some(obj) = value.as_object() else {
            return (CanonicalHandoff::default(), vec!["not a JSON object".into()], true);
        };
        let c = CanonicalHandoff {
            id: r.text(obj, "id"),
            workspace: r.text(obj, "workspace"),
            bot: r.text(obj, "bot"),
            reason: r.text(obj, "reason"),
            reason_detail: r.text(obj, "reason_detail"),
            confidence: r.confidence(obj),
            visitor: Visitor {
                name: r.nested(obj, "visitor", "name"),
                email: r.nested(obj, "visitor", "email"),
                phone: r.nested(obj, "visitor", "phone"),
            },
            page: Page { url: r.nested(obj, "page", "url"), title: r.nested(obj, "page", "title") },
            started_at: r.time(obj, "started_at"),
            escalated_at: r.time(obj, "escalated_at"),
            promise: r.text(obj, "promise"),
            question: r.text(obj, "question"),
            transcript: r.transcript(obj),
        };
        (c, r.notes, r.dropped)
    }

    /// Into a [`NewHandoff`]. The reason wording is mapped by [`crate::ingest::reason`];
    /// `finish` is left to the caller.
    pub fn into_new(self, source: SourceKind, raw: Vec<u8>) -> NewHandoff {
        let key = self.id.as_ref().map(|id| super::adapters::event_key("canonical", &[id]));
        let mut h = NewHandoff::keyed(source, RawKind::Json, raw, key);
        h.platform = Some("canonical".into());
        h.workspace_hint = self.workspace;
        h.bot = self.bot;
        let mapped = self.reason.as_deref().and_then(super::reason::map_wording);
        match mapped {
            Some(r) => h.reason = r,
            None => {
                if let Some(w) = &self.reason {
                    h.parse_notes.push(format!("reason {w:?} not recognised; inferred from the transcript"));
                }
            }
        }
        let reason_given = mapped.is_some();
        h.reason_detail = self.reason_detail.or(if reason_given { None } else { self.reason });
        h.reason_inferred = !reason_given;
        h.confidence = self.confidence.filter(|c| c.is_finite() && (0.0..=1.0).contains(c));
        if let Some(c) = self.confidence.filter(|_| h.confidence.is_none()) {
            h.parse_notes.push(format!("confidence {c} is not between 0 and 1; left out"));
        }
        h.visitor = self.visitor;
        h.page = self.page;
        h.started_at = self.started_at;
        h.escalated_at = self.escalated_at;
        h.promise = self.promise;
        h.question = self.question;
        h.transcript = self
            .transcript
            .into_iter()
            .map(|l| Message { author: l.from, name: l.name, at: l.at, text: l.text })
            .collect();
        h.parse_status = ParseStatus::Ok;
        h
    }
}

/// Field-by-field reading with notes.
#[derive(Default)]
struct Lenient {
    notes: Vec<String>,
    dropped: bool,
}

impl Lenient {
    fn drop_note(&mut self, field: &str, v: &Value) {
        self.notes.push(format!("{field}: expected {}, got {}; left out", expected(field), kind(v)));
        self.dropped = true;
    }

    fn text(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        self.text_value(key, obj.get(key)?)
    }

    fn text_value(&mut self, field: &str, v: &Value) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.drop_note(field, v);
                None
            }
        }
    }

    fn nested(&mut self, obj: &Map<String, Value>, outer: &str, key: &str) -> Option<String> {
        match obj.get(outer)? {
            Value::Object(inner) => self.text_value(&format!("{outer}.{key}"), inner.get(key)?),
            Value::Null => None,
            v => {
                if key == "name" || key == "url" {
                    // Note the bad parent once, not for each of its fields.
                    self.drop_note(outer, v);
                }
                None
            }
        }
    }

    fn confidence(&mut self, obj: &Map<String, Value>) -> Option<f64> {
        let v = obj.get("confidence")?;
        let n = match v {
            Value::Null => return None,
            Value::Number(n) => n.as_f64(),
            Value::String(s) => {
                let t = s.trim().trim_end_matches('%').trim();
                let n = t.parse::<f64>().ok().filter(|n| n.is_finite());
                let n = if s.contains('%') { n.map(|n| n / 100.0) } else { n };
                if let Some(n) = n {
                    self.notes.push(format!("confidence was the text {s:?}; read as {n}"));
                }
                n
            }
            _ => None,
        };
        if n.is_none() {
            self.drop_note("confidence", v);
        }
        n
    }

    fn time(&mut self, obj: &Map<String, Value>, key: &str) -> Option<DateTime<Utc>> {
        let v = obj.get(key)?;
        if v.is_null() {
            return None;
        }
        let t = super::adapters::parse_time(v);
        let exact = v.as_str().is_some_and(|s| DateTime::parse_from_rfc3339(s).is_ok());
        match t {
            None => self.drop_note(key, v),
            Some(t) if !exact => {
                self.notes.push(format!("{key} was {}; read as {}", short(v), t.to_rfc3339()))
            }
            Some(_) => {}
        }
        t
    }

    fn transcript(&mut self, obj: &Map<String, Value>) -> Vec<CanonicalLine> {
        let Some(v) = obj.get("transcript") else {
            return Vec::new();
        };
        let Some(lines) = v.as_array() else {
            if !v.is_null() {
                self.drop_note("transcript", v);
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            match self.line(line) {
                Ok(l) => out.push(l),
                Err(why) => {
                    self.notes.push(format!("transcript line {} left out: {why}", i + 1));
                    self.dropped = true;
                }
            }
        }
        out
    }

    fn line(&mut self, v: &Value) -> Result<CanonicalLine, String> {
        if let Ok(l) = CanonicalLine::deserialize(v) {
            return Ok(l);
        }
        let Some(o) = v.as_object() else {
            return Err(format!("expected an object, got {}", kind(v)));
        };
        let who = ["from", "author", "role", "sender"].iter().find_map(|k| o.get(*k)?.as_str());
        let from = match who.map(str::to_lowercase).as_deref() {
            Some("visitor" | "user" | "customer" | "contact" | "client" | "lead" | "human") => {
                Author::Visitor
            }
            Some("bot" | "assistant" | "ai" | "chatbot" | "agent_bot") => Author::Bot,
            Some("agent" | "admin" | "operator" | "staff") => Author::Agent,
            Some("system" | "platform" | "event") => Author::System,
            Some(other) => {
                return Err(format!("unknown speaker {other:?} (use visitor, bot, agent or system)"));
            }
            None => return Err("no \"from\" (visitor, bot, agent or system)".into()),
        };
        let text = ["text", "message", "content", "body"].iter().find_map(|k| o.get(*k)?.as_str());
        let Some(text) = text else {
            return Err("no \"text\"".into());
        };
        let at = ["at", "time", "timestamp", "created_at"]
            .iter()
            .find_map(|k| super::adapters::parse_time(o.get(*k)?));
        let name = o.get("name").and_then(Value::as_str).map(str::to_string);
        Ok(CanonicalLine { from, name, at, text: text.to_string() })
    }
}

fn expected(field: &str) -> &'static str {
    match field {
        "confidence" => "a number between 0 and 1",
        "started_at" | "escalated_at" => "an RFC 3339 time",
        "transcript" => "an array of lines",
        "visitor" | "page" => "an object",
        _ => "text",
    }
}

fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => format!("the number {v}"),
        Value::String(_) => format!("the text {}", short(v)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A value as JSON, cut to 40 characters.
fn short(v: &Value) -> String {
    let (s, quoted) = match v {
        Value::String(s) => (s.chars().take(41).collect::<String>(), true),
        _ => (v.to_string().chars().take(41).collect(), false),
    };
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    if quoted { format!("\"{out}\"") } else { out }
}

/// Largest JSON part parsed as a canonical handoff.
const JSON_CAP: usize = 2 * 1024 * 1024;

/// A canonical handoff in a JSON part: `application/json`, `*+json` or a `.json` file.
pub(super) fn from_part(msg: &mail_parser::Message<'_>) -> Option<CanonicalHandoff> {
    msg.parts.iter().take(PART_CAP).find_map(|part| {
        let ct = part.content_type();
        let json_type = ct.is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("application")
                && c.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("json") || s.to_ascii_lowercase().ends_with("+json")
                })
        });
        let json_name = part.attachment_name().is_some_and(|n| n.to_ascii_lowercase().ends_with(".json"));
        if !(json_type || json_name) {
            return None;
        }
        let bytes = part.contents();
        if bytes.len() > JSON_CAP {
            return None;
        }
        from_value(serde_json::from_slice(bytes).ok()?)
    })
}

/// A canonical handoff written into the body: a fenced block or a bare JSON object.
pub(super) fn from_text(text: &str) -> Option<CanonicalHandoff> {
    if !(text.contains("\"transcript\"") || text.contains("\"visitor\"")) {
        return None;
    }
    let mut search = text;
    for _ in 0..8 {
        let start = search.find('{')?;
        let rest = search.get(start..)?;
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        if let Some(Ok(v)) = stream.next()
            && let Some(c) = from_value(v)
        {
            return Some(c);
        }
        search = rest.get(1..)?;
    }
    None
}

pub(super) fn from_value(v: serde_json::Value) -> Option<CanonicalHandoff> {
    if !CanonicalHandoff::looks_canonical(&v) {
        return None;
    }
    serde_json::from_value(v).ok()
}
