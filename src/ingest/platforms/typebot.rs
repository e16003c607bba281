//! Typebot "Send email" block notifications (the bot's owner sends themselves
//! the collected answers).
//!
//! Layout source: baptisteArno/typebot.io
//! `packages/emails/src/emails/DefaultBotNotificationEmail.tsx` — the block's
//! default body when no custom body is set: one `<b>KEY</b>: VALUE` line per
//! answer (an email as a `mailto:` link, line breaks as `<br />`), then a
//! "Go to results" button to `…/typebots/<id>/results`, rendered by MJML.
//! The subject, sender name and Reply-To are whatever the block sets (often
//! the visitor's email variable as Reply-To), so the evidence is the body.
//!
//! The answers' keys are the bot's own variable names: the ones that read as
//! name, email, phone, page or a free-text question are mapped; the free text
//! becomes the visitor's one message.

use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::ingest::dates::re;
use crate::ingest::html::to_text;
use crate::model::Author;
use regex::Regex;
use std::sync::LazyLock;

/// Typebot.
pub struct Typebot;

/// One answer line.
static ANSWER: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<b>([^<]{1,80})</b>:\s*(.*?)</div>"));
/// The results link behind "Go to results".
static RESULTS: LazyLock<Regex> = LazyLock::new(|| re(r"/typebots/[A-Za-z0-9_-]+/results"));
/// Keys, by what they hold.
static NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(full ?name|name|nome|nom|nombre|vorname|first ?name|your name|seu nome)$"));
static EMAIL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)e-?mail|correo|courriel"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)phone|telefon|telefone|teléfono|téléphone|whats ?app|mobile|celular|handy"));
static PAGE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(page|url|page url|source|website|página|seite)$"));

impl Recogniser for Typebot {
    fn name(&self) -> &'static str {
        "typebot"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let html = mail.html.as_deref().unwrap_or("");
        let results = RESULTS.is_match(html);
        if results && html.contains(">Go to results</a>") {
            return Some(Evidence::new(90, "Typebot's 'Go to results' button to /typebots/<id>/results"));
        }
        if results && mail.from_domain_is("typebot.io") {
            return Some(Evidence::new(85, "sender domain typebot.io and a results link"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Typebot".into()), ..Reading::default() };
        let html = mail.html.as_deref().unwrap_or("");
        let mut free = Vec::new();
        for c in ANSWER.captures_iter(html) {
            let key = clean(c.get(1).map_or("", |m| m.as_str()));
            let value = clean(&to_text(c.get(2).map_or("", |m| m.as_str())));
            if value.is_empty() {
                continue;
            }
            if EMAIL.is_match(&key) && value.contains('@') {
                r.fields.email.get_or_insert(value.to_lowercase());
            } else if PHONE.is_match(&key) && value.chars().filter(char::is_ascii_digit).count() >= 6 {
                r.fields.phone.get_or_insert(value);
            } else if NAME.is_match(&key) {
                r.fields.name.get_or_insert(value);
            } else if PAGE.is_match(&key) && value.contains("://") {
                r.fields.page_url.get_or_insert(value);
            } else if value.split_whitespace().count() >= 4 {
                free.push(value);
            }
        }
        if r.fields.email.is_none() {
            r.fields.email = mail.reply_to_addr.clone().filter(|a| !a.ends_with("@typebot.io"));
        }
        if !free.is_empty() {
            let text = free.join(" ");
            r.transcript.push(message(Author::Visitor, r.fields.name.as_deref(), mail.sent_at, &text));
            r.fields.question = Some(text);
        }
        r.fields.escalated = mail.sent_at;
        r
    }
}

/// Collapse whitespace.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
