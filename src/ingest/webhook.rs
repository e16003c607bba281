//! Webhook bodies → handoffs: the canonical JSON or a platform adapter.
//!
//! In order:
//! 1. **Decode.** Strict JSON first. Failing that, a lenient read (comments,
//!    trailing commas, single quotes, and a missing comma at a line break —
//!    what vendor doc samples contain), with a note that it was not strict
//!    JSON. Failing that, one raw flagged handoff whose note says where the
//!    JSON broke (line, column, the text there) and what to look for.
//! 2. **A platform adapter** ([`super::adapters`]) when one claims the document.
//! 3. **The canonical shape**: one object, or an array of them (an array of
//!    platform payloads works too). Each array item keeps its own item,
//!    re-serialized compactly, as its raw source, so the same item imported
//!    twice is one handoff.
//! 4. **Anything else**: one raw flagged handoff, never rejected.
//!
//! Every handoff returned is tidied (control characters removed, over-long
//! fields cut, each cut noted; the raw body keeps everything) and finished by
//! [`super::reason::finish`].
//!
//! Hostile input: nothing here panics. Nesting deeper than [`MAX_DEPTH`] is
//! refused by both parsers (the lenient one is recursive, so it is checked
//! first); invalid UTF-8 is replaced with U+FFFD and noted, which lowers the
//! parse status to partial; NUL and other control characters never reach text.

use super::adapters;
use super::canonical::CanonicalHandoff;
use super::{Parsed, reason};
use crate::model::{NewHandoff, ParseStatus, RawKind, SourceKind};
use serde_json::Value;
use std::borrow::Cow;

/// The deepest nesting read; serde_json's own limit, and far beyond any handoff.
pub const MAX_DEPTH: usize = 128;
/// Longest name, address, URL, question… kept in a field (characters).
const SHORT: usize = 2_000;
/// Longest transcript line kept (characters).
const LONG: usize = 10_000;
/// Most transcript lines kept.
const MAX_LINES: usize = 5_000;

/// Parse one webhook body (or one JSON document from a file). Never fails.
pub fn parse_webhook(body: &[u8], source: SourceKind) -> Vec<Parsed> {
    let (mut out, notes, degraded) = match decode(body) {
        Ok(d) => (dispatch(&d.value, body, source), d.notes, d.degraded),
        Err(notes) => (vec![raw_flagged(body, source, None)], notes, true),
    };
    for p in &mut out {
        if let Parsed::Handoff(h) = p {
            let h = h.as_mut();
            h.parse_notes.splice(0..0, notes.iter().cloned());
            if degraded && h.parse_status == ParseStatus::Ok {
                h.parse_status = ParseStatus::Partial;
            }
            tidy(h);
            reason::finish(h);
            tidy(h);
        }
    }
    out
}

struct Decoded {
    value: Value,
    notes: Vec<String>,
    degraded: bool,
}

/// The JSON value, or the notes saying why there is none.
fn decode(body: &[u8]) -> Result<Decoded, Vec<String>> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec!["the body is empty: there is nothing to read".into()]);
    }
    let strict = match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            return Ok(Decoded { value, notes: Vec::new(), degraded: false });
        }
        Err(e) => e,
    };
    let mut notes = Vec::new();
    let mut degraded = false;
    let text: Cow<str> = match std::str::from_utf8(body) {
        Ok(t) => Cow::Borrowed(t),
        Err(e) => {
            let (line, col) = line_col(body, e.valid_up_to());
            notes.push(format!(
                "not valid UTF-8 from byte {} (line {line}, column {col}); the bad bytes were replaced with \u{FFFD}",
                e.valid_up_to()
            ));
            degraded = true;
            let t = String::from_utf8_lossy(body);
            if let Ok(value) = serde_json::from_str::<Value>(&t) {
                return Ok(Decoded { value, notes, degraded });
            }
            t
        }
    };
    if let Some(at) = too_deep(text.as_bytes()) {
        let (line, col) = line_col(text.as_bytes(), at);
        notes.push(format!(
            "not read: the JSON nests more than {MAX_DEPTH} levels deep (line {line}, column {col}); no handoff needs that, so only the raw body is kept"
        ));
        return Err(notes);
    }
    match lenient(&text) {
        Ok((value, repairs)) => {
            let mut note =
                "not strict JSON (comments, trailing commas or similar); it was read leniently".to_string();
            if !repairs.is_empty() {
                let at: Vec<String> = repairs.iter().map(|(l, c)| format!("line {l}, column {c}")).collect();
                note.push_str(&format!(", assuming a missing comma at {}", at.join("; ")));
            }
            notes.push(note);
            Ok(Decoded { value, notes, degraded })
        }
        Err(e) => {
            notes.push(describe(&strict, &e, &text));
            Err(notes)
        }
    }
}

/// JSON5 with up to 16 missing commas inserted where a value ends a line and
/// the next line starts another member. Returns the value and the (1-based)
/// places a comma was assumed.
fn lenient(text: &str) -> Result<(Value, Vec<(usize, usize)>), json5::Error> {
    let mut doc = Cow::Borrowed(text);
    let mut repairs = Vec::new();
    let mut first_error = None;
    loop {
        let err = match json5::from_str::<Value>(&doc) {
            Ok(v) => return Ok((v, repairs)),
            Err(e) => e,
        };
        let fix = err
            .position()
            .filter(|_| repairs.len() < 16 && doc.len() <= 1 << 20)
            .filter(|_| {
                use json5::ErrorCode::*;
                matches!(err.code(), Some(ExpectedComma | ExpectedClosingBrace | ExpectedClosingBracket))
            })
            .and_then(|p| first_on_line(&doc, p.line, p.column).map(|off| (off, p)));
        let first = first_error.get_or_insert(err);
        let Some((off, p)) = fix else {
            return Err(first.clone());
        };
        doc.to_mut().insert(off, ',');
        repairs.push((p.line + 1, p.column + 1));
    }
}

/// The byte offset of 0-based (line, column-in-chars), if only whitespace
/// precedes it on its line (so a comma there joins two lines' members).
/// Line breaks are counted as json5 counts them (CR LF is one).
fn first_on_line(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut seen = 0;
    let mut start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            let mut end = i + c.len_utf8();
            if c == '\r' && chars.next_if(|(_, n)| *n == '\n').is_some() {
                end += 1;
            }
            seen += 1;
            if seen == line {
                start = Some(end);
                break;
            }
        }
    }
    let start = start?;
    let rest = text.get(start..)?;
    let (off, _) = rest.char_indices().nth(column)?;
    rest[..off].chars().all(char::is_whitespace).then_some(start + off)
}

/// Where nesting first exceeds [`MAX_DEPTH`], skipping strings and comments.
fn too_deep(b: &[u8]) -> Option<usize> {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(b: &[u8], at: usize) -> (usize, usize) {
    let before = &b[..at.min(b.len())];
    let line = before.iter().filter(|c| **c == b'\n').count() + 1;
    let start = before.iter().rposition(|c| *c == b'\n').map_or(0, |p| p + 1);
    let col = before[start..].iter().filter(|c| (**c & 0xC0) != 0x80).count() + 1;
    (line, col)
}

/// Where the JSON broke, in words a person can act on: whichever parser got
/// further, the text there, and what to look for.
fn describe(strict: &serde_json::Error, lenient: &json5::Error, text: &str) -> String {
    use serde_json::error::Category;
    let s_pos = (strict.line(), strict.column().max(1));
    let l_pos = lenient.position().map(|p| (p.line + 1, p.column + 1));
    let (what, (line, col), eof) = match l_pos {
        Some(lp) if lp > s_pos => {
            let what = lenient.code().map_or_else(|| lenient.to_string(), |c| c.to_string());
            let eof = what.starts_with("EOF");
            (what, lp, eof)
        }
        _ => {
            let full = strict.to_string();
            let what = full.split(" at line ").next().unwrap_or(&full).to_string();
            (what, s_pos, strict.classify() == Category::Eof)
        }
    };
    let hint = if eof {
        "The document ends too early: the body may have been cut off, or a } or ] is missing."
    } else if what.contains("control character") {
        "Text values must not contain raw control characters (such as NUL or a line break); escape them."
    } else {
        "Look for a missing comma, quote or bracket at or just before that point."
    };
    let excerpt = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|l| {
            let snippet: String = l
                .chars()
                .skip(col.saturating_sub(20))
                .take(40)
                .map(|c| if c.is_control() { '·' } else { c })
                .collect();
            format!(" (near `{}`)", snippet.trim())
        })
        .filter(|e| e != " (near ``)")
        .unwrap_or_default();
    format!("not valid JSON: {what} at line {line}, column {col}{excerpt}. {hint} Only the raw body is kept.")
}

/// Platform payload, canonical object, or an array of them; raw otherwise.
fn dispatch(value: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    let Value::Array(items) = value else {
        return one(value, raw, source);
    };
    let known = |i: &Value| adapters::detect(i).is_some() || CanonicalHandoff::looks_canonical(i);
    if items.is_empty() || !items.iter().all(known) {
        let bad = items.iter().position(|i| !known(i));
        let why = match bad {
            None => "an empty JSON array: there is no handoff in it".to_string(),
            Some(i) => format!(
                "a JSON array whose item {} of {} is neither a canonical handoff nor a known platform payload; nothing was read from it",
                i + 1,
                items.len()
            ),
        };
        return vec![raw_flagged(raw, source, Some(why))];
    }
    items
        .iter()
        .flat_map(|item| {
            let raw = serde_json::to_vec(item).unwrap_or_default();
            one(item, &raw, source)
        })
        .collect()
}

fn one(value: &Value, raw: &[u8], source: SourceKind) -> Vec<Parsed> {
    if let Some(parsed) = adapters::parse(value, raw, source) {
        return parsed;
    }
    if CanonicalHandoff::looks_canonical(value) {
        let (c, notes, dropped) = CanonicalHandoff::from_value(value);
        let mut h = c.into_new(source, raw.to_vec());
        h.parse_notes.extend(notes);
        if dropped {
            h.parse_status = ParseStatus::Partial;
        }
        return vec![Parsed::Handoff(Box::new(h))];
    }
    let why = match value.as_object() {
        Some(obj) => {
            let keys: Vec<String> = obj.keys().take(8).map(|k| k.chars().take(30).collect()).collect();
            let more = if obj.len() > 8 { ", …" } else { "" };
            format!(
                "not a handoff this app knows: no platform adapter matched and it is not the canonical handoff shape (schemas/handoff.schema.json); its top-level keys are {}{more}",
                keys.join(", ")
            )
        }
        None => format!("a JSON {}, not an object: there is no handoff in it", kind(value)),
    };
    vec![raw_flagged(raw, source, Some(why))]
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn raw_flagged(raw: &[u8], source: SourceKind, why: Option<String>) -> Parsed {
    let mut h = NewHandoff::raw(source, RawKind::Json, raw.to_vec());
    h.parse_notes.extend(why);
    Parsed::Handoff(Box::new(h))
}

/// Removes control characters, empties and over-long text (noting each cut).
fn tidy(h: &mut NewHandoff) {
    let mut notes = Vec::new();
    let fields = [
        ("workspace", &mut h.workspace_hint),
        ("bot", &mut h.bot),
        ("reason_detail", &mut h.reason_detail),
        ("visitor name", &mut h.visitor.name),
        ("visitor email", &mut h.visitor.email),
        ("visitor phone", &mut h.visitor.phone),
        ("page url", &mut h.page.url),
        ("page title", &mut h.page.title),
        ("promise", &mut h.promise),
        ("question", &mut h.question),
    ];
    for (label, field) in fields {
        clean(field, label, SHORT, false, &mut notes);
    }
    if h.transcript.len() > MAX_LINES {
        notes.push(format!(
            "the transcript has {} lines; only the first {MAX_LINES} were kept",
            h.transcript.len()
        ));
        h.transcript.truncate(MAX_LINES);
    }
    for (i, m) in h.transcript.iter_mut().enumerate() {
        clean(&mut m.name, "speaker name", SHORT, false, &mut notes);
        let mut text = Some(std::mem::take(&mut m.text));
        clean(&mut text, &format!("transcript line {}", i + 1), LONG, true, &mut notes);
        m.text = text.unwrap_or_default();
    }
    h.transcript.retain(|m| !m.text.is_empty());
    h.confidence = h.confidence.filter(|c| c.is_finite());
    h.parse_notes.extend(notes);
}

/// Trim; drop control characters (keeping line breaks and tabs when
/// `multiline`); `None` when empty; cut to `max` characters with a note.
fn clean(field: &mut Option<String>, label: &str, max: usize, multiline: bool, notes: &mut Vec<String>) {
    let Some(s) = field.as_deref() else { return };
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\t'));
    // Only the first `max` characters are looked at: a 10 MB value costs what a short one does.
    // Idempotent: a value already cut (max characters and an ellipsis) is left alone.
    let cut = s.char_indices().nth(max).map(|(i, _)| i).filter(|&i| &s[i..] != "…");
    let head = &s[..cut.unwrap_or(s.len())];
    if cut.is_none() && !head.is_empty() && !head.chars().any(bad) && head.trim().len() == head.len() {
        return;
    }
    // Line breaks and tabs become spaces on one-line fields; other control characters go.
    let mut out: String = head
        .chars()
        .map(|c| if !multiline && matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
        .filter(|c| !bad(*c))
        .collect();
    out = out.trim().to_string();
    if cut.is_some() {
        out.push('…');
        notes.push(format!(
            "{label} was {} bytes long; cut to its first {max} characters (the raw source has it all)",
            s.len()
        ));
    }
    *field = (!out.is_empty()).then_some(out);
}
