//! An alert as a Slack message for an incoming webhook: Block Kit blocks plus
//! the top-level `text` Slack shows in notifications.
//!
//! Facts used, from Slack's documentation (api.slack.com, now docs.slack.dev):
//! - incoming webhooks take a JSON POST of a message payload (`text`,
//!   `blocks`) and answer `200 ok`; errors are plain-text codes such as
//!   `invalid_payload`, `invalid_blocks`, `no_service` (404, the webhook was
//!   removed), `action_prohibited` (403), `channel_is_archived` (410)
//!   ("Sending messages using incoming webhooks");
//! - a message holds at most 50 blocks; a section's `text` at most 3,000
//!   characters, its `fields` at most 10 of at most 2,000; a header's
//!   `plain_text` at most 150 ("Block Kit: blocks reference");
//! - `&`, `<` and `>` are control characters in text and must be sent as
//!   `&amp;`, `&lt;`, `&gt;` when meant literally; this is also what keeps a
//!   visitor's `<!channel>`, `<!here>` or `<@U123>` from pinging anyone
//!   ("Formatting text for app surfaces", escaping); `verbatim: true` on a
//!   mrkdwn text object turns off the automatic linking of names and URLs;
//! - rate limit: about one message per second per webhook, with short bursts;
//!   beyond that HTTP 429 with `Retry-After` in seconds ("Rate limits").

use super::{Alert, cut};
use serde_json::{Value, json};

/// A section's text limit.
pub const SECTION_TEXT_MAX: usize = 3000;
/// A section field's limit.
pub const FIELD_TEXT_MAX: usize = 2000;
/// A header's limit.
pub const HEADER_TEXT_MAX: usize = 150;
/// Blocks per message.
pub const MAX_BLOCKS: usize = 50;

/// Escape Slack's three control characters.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape `s` and cut it so the escaped text fits in `max` characters
/// (never splitting an entity), marking a cut with an ellipsis.
pub fn escape_within(s: &str, max: usize) -> String {
    let full = escape(s);
    if full.chars().count() <= max {
        return full;
    }
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        let e = escape(&c.to_string());
        let n = e.chars().count();
        if len + n > max.saturating_sub(1) {
            break;
        }
        out.push_str(&e);
        len += n;
    }
    out.push('…');
    out
}

fn mrkdwn(text: String) -> Value {
    json!({ "type": "mrkdwn", "text": text, "verbatim": true })
}

/// The webhook payload for an alert.
pub fn message(a: &Alert) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": cut(&a.headline, HEADER_TEXT_MAX), "emoji": false }
    })];
    if let Some(late) = &a.late {
        blocks.push(json!({
            "type": "context",
            "elements": [mrkdwn(escape_within(&format!(":warning: Late: {late}"), SECTION_TEXT_MAX))]
        }));
    }
    let mut who = format!("*Visitor:* {}", escape_within(&a.visitor, 500));
    who.push_str(&format!("\n*Reason:* {}", escape(&a.reason)));
    if let Some(d) = &a.reason_detail {
        who.push_str(&format!(" ({})", escape_within(d, 500)));
    }
    if let Some(p) = &a.page {
        who.push_str(&format!("\n*Page:* {}", escape_within(p, 1000)));
    }
    blocks.push(json!({ "type": "section", "text": mrkdwn(cut(&who, SECTION_TEXT_MAX)) }));
    if let Some(b) = &a.briefing {
        let head = "*Briefing:* ";
        let body = escape_within(b, SECTION_TEXT_MAX - head.len());
        blocks.push(json!({ "type": "section", "text": mrkdwn(format!("{head}{body}")) }));
    }
    if !a.marks.is_empty() {
        let line = escape_within(&a.marks.join("  ·  "), SECTION_TEXT_MAX);
        blocks.push(json!({ "type": "context", "elements": [mrkdwn(line)] }));
    }
    if let Some(q) = &a.question {
        let head = "*They asked:*\n";
        let body = escape_within(q, SECTION_TEXT_MAX - head.len());
        blocks.push(json!({ "type": "section", "text": mrkdwn(format!("{head}{body}")) }));
    }
    let mut fields = Vec::new();
    if let Some(p) = &a.promise {
        fields.push(mrkdwn(format!("*Promised*\n{}", escape_within(p, FIELD_TEXT_MAX - 12))));
    }
    if let Some(d) = &a.due {
        fields.push(mrkdwn(format!("*Reply due*\n{}", escape(d))));
    }
    if !fields.is_empty() {
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    blocks.push(json!({ "type": "context", "elements": [mrkdwn(escape(&a.reference))] }));
    blocks.truncate(MAX_BLOCKS);
    json!({ "text": escape_within(&a.summary_line(), SECTION_TEXT_MAX), "blocks": blocks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_the_three_control_characters_and_mentions() {
        assert_eq!(escape("a & b <!channel> <@U1> >"), "a &amp; b &lt;!channel&gt; &lt;@U1&gt; &gt;");
    }

    #[test]
    fn a_cut_never_splits_an_entity_and_fits() {
        let s = "<".repeat(2000);
        let e = escape_within(&s, 3000);
        assert!(e.chars().count() <= 3000);
        assert!(e.trim_end_matches('…').ends_with("&lt;"));
    }
}
