//! Rocket.Chat Omnichannel (Livechat) notification emails.
//!
//! Layout sources (RocketChat/Rocket.Chat):
//! - the offline message, `Livechat.sendOfflineMessage`
//!   (`apps/meteor/app/livechat/server/lib/Livechat.js`, earlier
//!   `packages/rocketchat-livechat/server/methods/sendOfflineMessage.js`):
//!   From `"<name> - <email> <From_Email>"`, Reply-To the visitor, subject
//!   `Livechat offline message from <name>: <first 20 characters>`, body
//!   `<h1>New livechat message</h1>`, an optional `Sent from:` (the page),
//!   `Visitor name:`, `Visitor email:`, `Message:`;
//! - the transcript, `apps/meteor/app/livechat/server/lib/sendTranscript.ts`:
//!   subject `Livechat_transcript_email_subject` or the i18n
//!   "Transcript of your livechat conversation", body `<div> <hr>` then per
//!   message `<p><strong>AUTHOR</strong>  <em>TIME (moment 'LLL')</em></p>
//!   <p>TEXT</p>`, the visitor's own lines written as "You" (translated), an
//!   agent as its name or "Agent";
//! - both wrapped in the `Email_Header` / `Email_Footer` settings ("Powered by
//!   Rocket.Chat").
//!
//! Other Rocket.Chat mails wrapped in that layout (password resets,
//! invitations) are not handoffs.

use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::ingest::dates::{self, re};
use crate::ingest::html::to_text;
use crate::model::Author;
use chrono::FixedOffset;
use regex::Regex;
use std::sync::LazyLock;

/// Rocket.Chat Omnichannel.
pub struct Rocketchat;

/// The transcript subject in the languages Rocket.Chat ships.
static TRANSCRIPT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)transcript of your livechat conversation|transkript (ihrer|deiner) livechat|transcrição da sua conversa|transcripción de su conversación|transcription de votre conversation|trascrizione della tua conversazione",
    )
});
/// One transcript message.
static TURN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?is)<p>\s*<strong>([^<]{1,120})</strong>\s*<em>([^<]{0,80})</em>\s*</p>\s*<p>(.*?)</p>")
});
/// The offline message's labelled lines.
static OFFLINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?is)<strong>\s*([^<:]{2,40}):\s*</strong>\s*(.*?)</p>"));
/// Senders that are the bot.
static BOT_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:\bbot\b|bot$|\bassistant\b|rocket\.cat|\bai\b|\bvirtual\b)"));
/// "You" as the transcript writes the visitor, in Rocket.Chat's languages.
const YOU: [&str; 8] = ["You", "Sie", "Du", "Você", "Vous", "Tú", "Usted", "Tu"];

impl Recogniser for Rocketchat {
    fn name(&self) -> &'static str {
        "rocketchat"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        if mail.subject_has("Livechat offline message from ") {
            return Some(Evidence::new(
                92,
                "Rocket.Chat offline-message subject 'Livechat offline message from …'",
            ));
        }
        let html = mail.html.as_deref().unwrap_or("");
        if html.contains("<h1>New livechat message</h1>") {
            return Some(Evidence::new(90, "Rocket.Chat offline-message heading 'New livechat message'"));
        }
        let subject = mail.subject.as_deref().unwrap_or("");
        if TRANSCRIPT_SUBJECT.is_match(subject) && TURN.is_match(html) {
            return Some(Evidence::new(88, "Rocket.Chat transcript subject and its message rows"));
        }
        if html.contains("<div> <hr>") && TURN.is_match(html) && html.contains("Rocket.Chat") {
            return Some(Evidence::new(75, "Rocket.Chat transcript rows in the Rocket.Chat email layout"));
        }
        if html.contains(">Rocket.Chat</a>") && html.contains("Powered by") {
            return Some(Evidence::new(40, "the Rocket.Chat email layout ('Powered by Rocket.Chat')"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Rocket.Chat".into()), ..Reading::default() };
        let html = mail.html.as_deref().unwrap_or("");
        if html.contains("New livechat message") || mail.subject_has("Livechat offline message from ") {
            read_offline(mail, html, &mut r);
        } else if TURN.is_match(html) {
            read_transcript(mail, html, &mut r);
        } else {
            r.not_a_handoff = Some("a Rocket.Chat account email (no livechat message or transcript)".into());
        }
        r
    }
}

/// The offline form's message: name, email, page and the one message.
fn read_offline(mail: &Mail, html: &str, r: &mut Reading) {
    for c in OFFLINE.captures_iter(html) {
        let label = c.get(1).map_or("", |m| m.as_str()).trim().to_ascii_lowercase();
        let raw = c.get(2).map_or("", |m| m.as_str());
        let value = clean(&to_text(raw));
        match label.as_str() {
            "visitor name" => r.fields.name = Some(value).filter(|v| !v.is_empty()),
            "visitor email" => r.fields.email = Some(value.to_lowercase()).filter(|v| v.contains('@')),
            "sent from" => r.fields.page_url = Some(value).filter(|v| !v.is_empty()),
            "department" => {}
            "message" if !value.is_empty() => {
                r.transcript.push(message(Author::Visitor, r.fields.name.as_deref(), mail.sent_at, &value));
                r.fields.question = Some(value);
            }
            _ => {}
        }
    }
    // The sender and Reply-To carry the visitor when the body was cut.
    if r.fields.email.is_none() {
        r.fields.email = mail.reply_to_addr.clone();
    }
    if r.fields.name.is_none() {
        r.fields.name = mail.reply_to_name.clone();
    }
    r.fields.escalated = mail.sent_at;
}

/// The transcript: "You" is the visitor, bot-like names the bot, others agents.
fn read_transcript(mail: &Mail, html: &str, r: &mut Reading) {
    let offset = mail.offset.or_else(|| FixedOffset::east_opt(0));
    for c in TURN.captures_iter(html) {
        let name = clean(c.get(1).map_or("", |m| m.as_str()));
        let at = offset.and_then(|o| dates::parse(c.get(2).map_or("", |m| m.as_str()), o));
        let text = clean(&to_text(c.get(3).map_or("", |m| m.as_str())));
        if text.is_empty() {
            continue;
        }
        let (author, who) = if YOU.contains(&name.as_str()) {
            (Author::Visitor, None)
        } else if BOT_NAME.is_match(&name) {
            (Author::Bot, Some(name.as_str()))
        } else {
            (Author::Agent, Some(name.as_str()))
        };
        r.transcript.push(message(author, who, at, &text));
    }
    r.fields.started = r.transcript.first().and_then(|m| m.at);
}

/// Collapse whitespace.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
