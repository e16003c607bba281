//! Transcripts sent as attached files (.txt, .html, .json) beside a
//! notification: read when the mail's body holds none. Invitations, delivery
//! reports and contact cards are never read as transcripts.

use super::canonical::from_value as canonical_value;
use super::html;
use super::platforms::Mail;
use super::transcript::{self, Context, Transcript};
use crate::model::{Author, Message, SourceKind};

/// A transcript sent as an attached file (.txt, .html, .json): the one that
/// reads as the most messages.
pub(super) fn transcript(mail: &Mail, ctx: &Context<'_>) -> Option<Transcript> {
    mail.attachments
        .iter()
        .filter_map(|(name, ct, body)| {
            let lower = name.to_ascii_lowercase();
            // Invitations and delivery reports carry text parts too: never a transcript.
            let structural = ct.starts_with("message/")
                || ["text/calendar", "application/ics", "text/rfc822-headers", "text/x-vcard", "text/vcard"]
                    .contains(&ct.as_str())
                || [".ics", ".vcs", ".vcf", ".eml"].iter().any(|e| lower.ends_with(e));
            if structural {
                return None;
            }
            let messages = if ct == "application/json" || lower.ends_with(".json") {
                json_transcript(body)
            } else if ct == "text/html" || lower.ends_with(".html") || lower.ends_with(".htm") {
                transcript::parse(&html::to_text(body), ctx).messages
            } else {
                transcript::parse(body, ctx).messages
            };
            (!messages.is_empty()).then_some(messages)
        })
        .max_by_key(Vec::len)
        .map(|messages| Transcript { messages, lines: None })
}

/// Messages from a JSON transcript file: the canonical shape, or an array of
/// `{from|author|sender|role, text|message|body|content, at|time|timestamp}`
/// (at the top or under `transcript`/`messages`).
fn json_transcript(body: &str) -> Vec<Message> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else { return Vec::new() };
    if let Some(c) = canonical_value(v.clone()) {
        let h = c.into_new(SourceKind::Import, Vec::new());
        if !h.transcript.is_empty() {
            return h.transcript;
        }
    }
    let list = v
        .as_array()
        .or_else(|| v.get("transcript").and_then(|t| t.as_array()))
        .or_else(|| v.get("messages").and_then(|t| t.as_array()));
    let pick = |m: &serde_json::Value, keys: &[&str]| {
        keys.iter().find_map(|k| m.get(*k).and_then(|x| x.as_str())).map(str::to_string)
    };
    list.into_iter()
        .flatten()
        .filter_map(|m| {
            let text = pick(m, &["text", "message", "body", "content"])?;
            let who = pick(m, &["from", "author", "sender", "role", "type"]).unwrap_or_default();
            let author = transcript::role_word(&who).unwrap_or(Author::Visitor);
            let at = ["at", "time", "timestamp", "created_at"]
                .iter()
                .find_map(|k| m.get(*k).and_then(super::adapters::parse_time));
            Some(Message { author, name: None, at, text: text.trim().to_string() })
        })
        .filter(|m| !m.text.is_empty())
        .take(5_000)
        .collect()
}
