//! Userlike notification emails: chat transcripts and offline messages, in
//! the widget's language (German, English, Dutch, …).
//!
//! Layout source: no public raw sample was found; Userlike documents
//! (<https://www.userlike.com/en/public/tutorial/transcript-callback>) that a
//! transcript mail has a subject, an HTML and a text body and a messages
//! array; the layout is reconstructed (see the fixtures' `source`):
//! - transcript ("Chat-Transkript: <name>", "Chat transcript: <name>"):
//!   Kontakt/Contact, E-Mail, Telefon, Seite/Page, Operator, Beginn/Started,
//!   then `time name: text` lines (tab-separated cells in the HTML part);
//! - offline message ("Neue Offline-Nachricht von <name>", "New offline
//!   message from …", "Nieuw offline bericht van …"): Name/Naam, E-Mail,
//!   Telefoon, URL/Pagina, then "Nachricht:"/"Message:"/"Bericht:" over the
//!   visitor's words.
//!
//! Evidence: the sender domain userlike.com plus the fixed wording, or a
//! Userlike Message Center link with the wording.

use super::livechat::{chat_lines, contact_fields, is_label_line, message_after};
use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::model::Author;

/// Userlike.
pub struct Userlike;

/// Fixed wording of the handoff templates, in the languages Userlike writes.
const MARKERS: &[&str] = &[
    "Chat-Transkript",
    "Chat transcript",
    "Chattranscript",
    "Offline-Nachricht",
    "offline message",
    "Offline message",
    "offline bericht",
    "Offline bericht",
    "Message Center",
];
/// The label over an offline message's words.
const MESSAGE: &[&str] = &["Nachricht", "Message", "Bericht", "Messaggio", "Mensaje", "Zpráva"];
/// Subjects of the same sender that are not handoffs.
const NOT_HANDOFF: &[&str] =
    &["rechnung", "invoice", "passwort", "password", "newsletter", "webinar", "willkommen", "welcome"];

impl Recogniser for Userlike {
    fn name(&self) -> &'static str {
        "userlike"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        let link = mail.body_has("userlike.com/");
        match (mail.from_domain_is("userlike.com"), marker) {
            (true, Some(m)) => {
                Some(Evidence::new(95, format!("sender domain userlike.com; template wording '{m}'")))
            }
            (true, None) => Some(Evidence::new(70, "sender domain userlike.com")),
            (false, Some(m)) if link => Some(Evidence::new(55, format!("Userlike link; wording '{m}'"))),
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Userlike".into()), ..Reading::default() };
        let chat = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m));
        if !chat && NOT_HANDOFF.iter().any(|w| mail.subject_has(w)) {
            r.not_a_handoff = Some("a Userlike account or news mail, not a chat".into());
            return r;
        }
        let body = mail.body();
        contact_fields(body, &mut r.fields);
        if r.fields.name.is_none() {
            r.fields.name = subject_visitor(mail.subject.as_deref().unwrap_or_default());
        }
        let visitor = r.fields.name.clone();
        r.transcript =
            chat_lines(mail, body, visitor.as_deref(), &[], &["--", "Dieses Transkript", "This transcript"]);
        if r.transcript.is_empty()
            && let Some(text) = message_after(body, |l| is_label_line(l, MESSAGE))
        {
            r.transcript.push(message(Author::Visitor, visitor.as_deref(), mail.sent_at, &text));
        }
        r
    }
}

/// The visitor after "von", "from", "van" or ":" in the subject.
fn subject_visitor(subject: &str) -> Option<String> {
    let at = [" von ", " from ", " van ", ": "].iter().find_map(|k| subject.rfind(k).map(|i| i + k.len()))?;
    let name = subject.get(at..)?.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}
