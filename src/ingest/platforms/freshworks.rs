//! Freshchat / Freshdesk (Freshworks) notification emails.
//!
//! Layout source: no public template or raw sample of Freshchat's agent
//! notifications was found (Freshworks' support articles and GitHub
//! searched); the layouts are reconstructed (see the fixtures' `source`):
//! - Freshchat "New message from <visitor>" (a message left while the team
//!   was away): Name, Email, Phone, Page URL, then "<visitor> <time>" above
//!   the message;
//! - Freshchat "New conversation assigned to you - <visitor>": Contact, Email,
//!   Group, then `Name (time): text` lines (the bot is Freddy);
//! - Freshdesk's default agent notifications ("New Ticket Created",
//!   "Assigned to you") for a ticket made from a chat: "Requester: Name
//!   (address)" and the transcript as the description, "Started on: <page>".
//!   Freshdesk sends from `<helpdesk>.freshdesk.com` or the helpdesk's own
//!   domain, so the ticket link (`.freshdesk.com/a/tickets/`) is evidence too;
//! - product news and support-article mails from freshworks.com are not
//!   handoffs.

use super::livechat::{chat_lines, contact_fields, is_label_line, message_after, name_and_address};
use super::{Evidence, Mail, Reading, Recogniser, labelled, message};
use crate::model::Author;

/// Freshchat / Freshdesk.
pub struct Freshworks;

const DOMAINS: &[&str] = &["freshchat.com", "freshdesk.com", "freshworks.com", "freshworksapi.com"];
/// Fixed wording of the handoff templates.
const MARKERS: &[&str] = &[
    "New conversation assigned to you",
    "sent a message while your team was away",
    "New message from",
    "New Ticket Created",
    "A new ticket has been created",
    "has been assigned to you",
    "Assigned to you",
    "Conversation transcript",
];
/// Links only Freshworks' own mails carry.
const LINKS: &[&str] =
    &[".freshchat.com/a/", ".freshdesk.com/a/tickets/", ".freshdesk.com/helpdesk/tickets/"];
/// Bots that answer in Freshchat.
const BOTS: &[&str] = &["freddy", "freddy ai"];

impl Recogniser for Freshworks {
    fn name(&self) -> &'static str {
        "freshworks"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let domain = DOMAINS.iter().find(|d| mail.from_domain_is(d));
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        let link = LINKS.iter().find(|l| mail.body_has(l));
        match (domain, marker, link) {
            (Some(d), Some(m), _) => {
                Some(Evidence::new(95, format!("sender domain {d}; template wording '{m}'")))
            }
            (Some(d), None, _) => Some(Evidence::new(70, format!("sender domain {d}"))),
            (None, Some(m), Some(l)) => {
                Some(Evidence::new(75, format!("Freshworks link '{l}'; template wording '{m}'")))
            }
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let product = if mail.body_has("freshdesk") || mail.from_domain_is("freshdesk.com") {
            "Freshdesk"
        } else {
            "Freshchat"
        };
        let mut r = Reading { platform_name: Some(product.into()), ..Reading::default() };
        let chat = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m))
            || LINKS.iter().any(|l| mail.body_has(l));
        if !chat || (mail.from_domain_is("freshworks.com") && mail.header("list-unsubscribe").is_some()) {
            r.not_a_handoff =
                Some("a Freshworks product, account or support-article mail, not a chat".into());
            return r;
        }
        let body = mail.body();
        let f = &mut r.fields;
        if let Some(req) = labelled(body, "Requester") {
            let (name, email) = name_and_address(req);
            f.name = name;
            f.email = email;
        }
        contact_fields(body, f);
        if f.name.is_none() {
            f.name = subject_visitor(mail.subject.as_deref().unwrap_or_default());
        }
        let visitor = f.name.clone();
        let ends = ["Conversation URL", "View conversation", "Reply in Freshchat", "Please follow the link"];
        r.transcript = chat_lines(mail, body, visitor.as_deref(), BOTS, &ends);
        if r.transcript.is_empty() {
            let v = visitor.as_deref().unwrap_or("\u{0}");
            let text = message_after(body, |l| is_label_line(l, &["Message", "Description", "Description:"]))
                .or_else(|| message_after(body, |l| l.trim().starts_with(v)));
            if let Some(text) = text {
                r.transcript.push(message(Author::Visitor, visitor.as_deref(), mail.sent_at, &text));
            }
        }
        r
    }
}

/// The visitor in "New message from Aiko Tanaka", "… assigned to you - Ravi
/// Kumar", "Conversation with Lena Fischer", "Offline message from Noor".
fn subject_visitor(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let at = ["conversation with ", "message from ", "assigned to you - "]
        .iter()
        .find_map(|k| lower.rfind(k).map(|i| i + k.len()))?;
    let name = subject.get(at..)?.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}
