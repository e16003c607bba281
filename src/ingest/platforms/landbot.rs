//! Landbot notification emails: the "Send an Email" block (subject and body
//! written by the bot's builder with @variables, sent by Landbot), the
//! pending-chat / assigned-chat mails of a Human Takeover, and Landbot's own
//! account mails (not handoffs).
//!
//! Layout source: <https://help.landbot.io/article/firuwrimfz-human-takeover>
//! (with agents busy, Landbot can email a notification of pending chats); no
//! raw sample was found, so the frames are reconstructed (see the fixtures'
//! `source`). A Send-an-Email body is free text: the generic labelled-field
//! reader is the right reader for it; this recogniser adds the chat lines
//! ("Bot: …", "<name>: …" under "Last messages"/"Conversation"), the
//! "Last message: "…"" line of the assigned-chat mail, and the visitor named in
//! "<name> is waiting for an agent".
//!
//! Evidence: the sender domain landbot.io, or Landbot's app link with the
//! takeover wording.

use super::livechat::{author, contact_fields, label_value};
use super::{Evidence, Mail, Reading, Recogniser, message, section};
use crate::model::Author;

/// Landbot.
pub struct Landbot;

/// Fixed wording of the takeover mails.
const MARKERS: &[&str] = &[
    "Human Takeover",
    "waiting for an agent",
    "waiting to talk",
    "New chat assigned to you",
    "has been assigned to you",
];
/// Headings over the chat lines, in the languages seen.
const CHAT_HEADINGS: &[&str] =
    &["Last messages", "Conversation:", "Conversación:", "Conversa:", "Conversazione:", "Transcript"];
/// Subjects of Landbot's own account mails.
const NOT_HANDOFF: &[&str] =
    &["trial", "invoice", "payment", "password", "welcome to landbot", "subscription", "webinar", "verify"];

impl Recogniser for Landbot {
    fn name(&self) -> &'static str {
        "landbot"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        match (mail.from_domain_is("landbot.io"), marker) {
            (true, Some(m)) => {
                Some(Evidence::new(95, format!("sender domain landbot.io; template wording '{m}'")))
            }
            (true, None) => Some(Evidence::new(75, "sender domain landbot.io")),
            (false, Some(m)) if mail.body_has("app.landbot.io") => {
                Some(Evidence::new(60, format!("Landbot app link; wording '{m}'")))
            }
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Landbot".into()), ..Reading::default() };
        let takeover = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m));
        if !takeover && NOT_HANDOFF.iter().any(|w| mail.subject_has(w)) {
            r.not_a_handoff = Some("a Landbot account mail, not a chat".into());
            return r;
        }
        let body = mail.body();
        contact_fields(body, &mut r.fields);
        if r.fields.name.is_none() {
            let subject = mail.subject.as_deref().unwrap_or_default();
            r.fields.name = subject
                .split(" is waiting")
                .next()
                .filter(|n| n.len() < subject.len() && !n.trim().is_empty())
                .map(|n| n.trim().to_string());
        }
        let visitor = r.fields.name.clone();
        for heading in CHAT_HEADINGS {
            let lines =
                section(body, heading, &["Go to Inbox", "Open the chat", "Enviado desde", "Sent from", "--"]);
            r.transcript = lines.iter().filter_map(|l| chat_line(l, visitor.as_deref())).collect();
            if !r.transcript.is_empty() {
                break;
            }
        }
        if r.transcript.is_empty()
            && let Some(last) =
                label_value(body, "Last message").or_else(|| label_value(body, "Último mensaje"))
        {
            let text = last.trim_matches(['"', '“', '”', '«', '»']);
            r.transcript.push(message(Author::Visitor, visitor.as_deref(), mail.sent_at, text));
        }
        r
    }
}

/// "Bot: text" / "Mateo García: text" (HTML cells come as "Bot\t: text" or "Bot: text").
fn chat_line(line: &str, visitor: Option<&str>) -> Option<crate::model::Message> {
    let (who, text) = line.trim().split_once(':')?;
    let who = who.trim();
    let text = text.trim();
    if who.is_empty() || who.len() > 60 || text.is_empty() || who.contains("://") {
        return None;
    }
    let a = match author(who, visitor, &[]) {
        Author::Agent if visitor.is_none() => Author::Visitor,
        a => a,
    };
    let a = if who.eq_ignore_ascii_case("bot") { Author::Bot } else { a };
    Some(message(a, Some(who), None, text))
}
