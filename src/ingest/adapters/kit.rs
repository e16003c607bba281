//! What the webhook adapters share: JSON look-ups, time parsing, source-key
//! building and the handoff / skipped-event skeletons. The list of adapters
//! and the choice between them are in [`super`].

use crate::model::{NewHandoff, ParseStatus, Parsed, RawKind, Skipped, SourceKind};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// The value at a path of object keys.
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// A non-empty, trimmed string at a path.
pub(crate) fn text_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// An id at a path: a non-empty string or an integer.
pub(crate) fn id_at(v: &Value, path: &[&str]) -> Option<String> {
    match at(v, path)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A time at a path (see [`parse_time`]).
pub(crate) fn time_at(v: &Value, path: &[&str]) -> Option<DateTime<Utc>> {
    parse_time(at(v, path)?)
}

/// A time as platforms send it: unix seconds (or milliseconds when the number
/// is too large for seconds), RFC 3339, Chatwoot's "2020-03-03 13:05:57 UTC",
/// a naive ISO time (taken as UTC), a JavaScript `Date` string, or any date
/// [`crate::ingest::dates::parse`] reads (taken as UTC when it has no zone).
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Number(n) => unix(n.as_f64()?),
        Value::String(s) => parse_time_str(s),
        _ => None,
    }
}

fn unix(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() || secs <= 0.0 {
        return None;
    }
    // 1e11 seconds is the year 5138: anything larger is milliseconds.
    let secs = if secs > 1e11 { secs / 1000.0 } else { secs };
    let whole = secs.trunc();
    let nanos = ((secs - whole) * 1e9) as u32;
    Utc.timestamp_opt(whole as i64, nanos).single()
}

/// See [`parse_time`].
pub fn parse_time_str(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(n) = s.parse::<f64>() {
        return unix(n);
    }
    let naive = s.strip_suffix(" UTC").or_else(|| s.strip_suffix('Z')).unwrap_or(s);
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, f) {
            return Some(t.and_utc());
        }
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %z") {
        return Some(t.with_timezone(&Utc));
    }
    // JavaScript: "Tue Mar 03 2020 18:37:38 GMT-0700 (Mountain Standard Time)".
    let js = s.split(" (").next().unwrap_or(s);
    if let Ok(t) = DateTime::parse_from_str(js, "%a %b %d %Y %H:%M:%S GMT%z") {
        return Some(t.with_timezone(&Utc));
    }
    // Anything else a person might write ("20. November 2026, 14:32"), read as UTC.
    crate::ingest::dates::parse(s, chrono::FixedOffset::east_opt(0)?)
}

/// An id made safe for a source key: kept as is when short and plain,
/// otherwise replaced by a hash so a hostile id cannot bloat the key.
pub(crate) fn key_part(id: &str) -> String {
    let plain = id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic() && c != ':');
    if plain { id.to_string() } else { format!("h{}", short_hash(id.as_bytes())) }
}

/// The first 16 hex digits of the SHA-256 of `bytes`.
pub(crate) fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `event:<platform>:<part>:<part>…`, each part passed through [`key_part`].
pub(crate) fn event_key(platform: &str, parts: &[&str]) -> String {
    let mut key = format!("event:{platform}");
    for p in parts {
        key.push(':');
        key.push_str(&key_part(p));
    }
    key
}

/// A handoff started by an adapter: platform set, key set when known
/// (the content hash otherwise), parse status ok until the adapter lowers it.
pub(crate) fn new_handoff(platform: &str, key: Option<String>, raw: &[u8], source: SourceKind) -> NewHandoff {
    let mut h = NewHandoff::keyed(source, RawKind::Json, raw.to_vec(), key);
    h.platform = Some(platform.to_string());
    h.parse_status = ParseStatus::Ok;
    h
}

/// Conversation platforms' common ending: the bot's reason from the
/// conversation's custom attributes (else it will be inferred), and status
/// partial with `note` when the payload names no visitor.
pub(crate) fn finish_conversation(h: &mut NewHandoff, attrs: Option<&Value>, note: &str) {
    h.reason_detail = ["handoff_reason", "escalation_reason", "reason"]
        .iter()
        .find_map(|k| attrs.and_then(|a| text_at(a, &[k])))
        .map(str::to_string);
    h.reason_inferred = h.reason_detail.is_none();
    if h.visitor == Default::default() {
        h.parse_status = ParseStatus::Partial;
        h.parse_notes.push(note.into());
    }
}

/// A known event that is not a handoff.
pub(crate) fn skipped(
    platform: &str,
    event: &str,
    key: Option<String>,
    why: impl Into<String>,
    raw: &[u8],
) -> Parsed {
    Parsed::Skipped(Skipped {
        source_key: key.unwrap_or_else(|| crate::model::content_key(raw)),
        platform: platform.to_string(),
        event: event.chars().take(200).collect(),
        why: why.into(),
        raw: raw.to_vec(),
    })
}
