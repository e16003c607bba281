//! Manychat's "Notify Admins" emails: the admin's own notification text
//! (contact fields filled in: name, phone, email, last input, custom fields)
//! inside Manychat's frame — the page's name as a heading, a "Go to Live
//! Chat" link to the contact's thread (`app.manychat.com/fb<page>/chat/<id>`)
//! and a footer naming the "Notify Admins" action.
//!
//! Layout source: help.manychat.com ("Notify Admins" action, "Manychat Live
//! Chat Overview"); the sender and the frame's wording are reconstructed (no
//! raw sample is published), so the evidence is the sender domain or the Live
//! Chat thread link, never the admin's text.
//!
//! Reading: the labelled fields are the generic reader's; this reads the
//! contact's last message ("Last message", "Last input", "Último mensaje")
//! as the visitor's line and the admin's headline as the reason wording when
//! it names one ("wants to talk to a human", "New lead").

use super::{Evidence, Mail, Reading, Recogniser, labelled, message};
use crate::ingest::reason::map_wording;
use crate::model::{Author, Reason};

/// Manychat.
pub struct Manychat;

const LAST_MESSAGE: &[&str] = &[
    "Last message",
    "Last input",
    "Last user input",
    "Último mensaje",
    "Letzte Nachricht",
    "Dernier message",
];

impl Recogniser for Manychat {
    fn name(&self) -> &'static str {
        "manychat"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let thread_link = mail.body_has("app.manychat.com/") && mail.body_has("/chat/");
        let footer = mail.body_has("\"Notify Admins\" action");
        match (mail.from_domain_is("manychat.com"), thread_link || footer) {
            (true, true) => Some(Evidence::new(95, "sender domain manychat.com; a Live Chat thread link")),
            (true, false) => Some(Evidence::new(70, "sender domain manychat.com")),
            (false, true) => {
                Some(Evidence::new(60, "a Manychat Live Chat thread link or 'Notify Admins' footer"))
            }
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let body = mail.body();
        let mut r = Reading { platform_name: Some("Manychat".into()), ..Reading::default() };
        if let Some(last) = LAST_MESSAGE.iter().find_map(|l| labelled(body, l)) {
            r.transcript.push(message(Author::Visitor, None, None, last));
            r.fields.question = Some(last.to_string());
        }
        // The admin's headline: the first line that is neither the page name
        // (the subject's "Notification from NAME") nor a labelled field.
        let page =
            mail.subject.as_deref().and_then(|s| s.strip_prefix("Notification from ")).unwrap_or_default();
        let headline = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != page.trim())
            .find(|l| !l.contains(':'));
        r.fields.reason =
            headline.filter(|h| map_wording(h).is_some_and(|w| w != Reason::Other)).map(str::to_string);
        r
    }
}
