//! An alert as a Microsoft Teams message: an Adaptive Card posted to a
//! Workflows webhook (the "Post to a channel when a webhook request is
//! received" template; the Office 365 connectors' MessageCard is retired).
//!
//! Facts used, from Microsoft's documentation (learn.microsoft.com):
//! - Workflows webhooks take Adaptive Cards only, wrapped as a message:
//!   `{"type":"message","attachments":[{"contentType":
//!   "application/vnd.microsoft.card.adaptive","content":{…card…}}]}`
//!   ("Create incoming webhooks with Workflows for Microsoft Teams"; "Create
//!   and send messages", known issues: no MessageCard format);
//! - a card is `{"type":"AdaptiveCard","version":"1.4","body":[…]}` with the
//!   `$schema` `http://adaptivecards.io/schemas/adaptive-card.json`; Teams
//!   renders schema versions up to 1.5 (1.4 here, for the mobile clients);
//!   `TextBlock` and `FactSet` are 1.0, `RichTextBlock` and `TextRun` 1.2
//!   (adaptivecards.io schema explorer);
//! - `TextBlock` text and `Fact` title/value are read as Markdown (bold,
//!   italic, lists, `[title](url)` links), while a `TextRun`'s text is not:
//!   "Markdown is not supported" (schema explorer: TextRun; "Text features").
//!   So every piece of visitor text goes into `TextRun`s, never into a
//!   `TextBlock` or a fact: no escaping scheme to get wrong;
//! - messages are limited to 28 KB; more than four requests a second are
//!   throttled with HTTP 429 ("Create an Incoming Webhook", rate limiting).

use super::{Alert, cut};
use serde_json::{Value, json};

/// The Adaptive Card schema version sent.
pub const CARD_VERSION: &str = "1.4";
/// Teams' message size limit, in bytes.
pub const MAX_BYTES: usize = 28 * 1024;

fn runs(label: &str, text: &str, max: usize) -> Value {
    json!({
        "type": "RichTextBlock",
        "inlines": [
            { "type": "TextRun", "text": format!("{label}: "), "weight": "Bolder" },
            { "type": "TextRun", "text": cut(text, max) }
        ]
    })
}

fn card(a: &Alert, question_max: usize) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock", "text": cut(&a.headline, 300), "weight": "Bolder", "size": "Medium", "wrap": true
    })];
    if let Some(late) = &a.late {
        body.push(json!({ "type": "TextBlock", "text": format!("Late: {late}"), "color": "Attention", "wrap": true }));
    }
    body.push(runs("Visitor", &a.visitor, 500));
    if let Some(b) = &a.briefing {
        body.push(runs("Briefing", b, question_max));
    }
    let mut facts = vec![json!({ "title": "Reason", "value": a.reason })];
    for m in &a.marks {
        // Ours, no visitor text: "Hot lead: asked about price".
        if let Some((title, value)) = m.split_once(": ") {
            facts.push(json!({ "title": title, "value": value }));
        }
    }
    if let Some(d) = &a.due {
        facts.push(json!({ "title": "Reply due", "value": d }));
    }
    body.push(json!({ "type": "FactSet", "facts": facts }));
    if let Some(d) = &a.reason_detail {
        body.push(runs("The bot said", d, 500));
    }
    if let Some(p) = &a.page {
        body.push(runs("Page", p, 1000));
    }
    if let Some(q) = &a.question {
        body.push(runs("They asked", q, question_max));
    }
    if let Some(p) = &a.promise {
        body.push(runs("Promised", p, 500));
    }
    body.push(
        json!({ "type": "TextBlock", "text": a.reference, "isSubtle": true, "size": "Small", "wrap": true }),
    );
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": CARD_VERSION,
                "body": body
            }
        }]
    })
}

/// The webhook payload for an alert, within Teams' 28 KB.
pub fn message(a: &Alert) -> Value {
    let mut question_max = 6000;
    loop {
        let m = card(a, question_max);
        if question_max <= 200 || serde_json::to_vec(&m).map_or(0, |b| b.len()) <= MAX_BYTES {
            return m;
        }
        question_max /= 2;
    }
}
