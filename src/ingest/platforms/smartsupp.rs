//! Smartsupp notification emails: a message left while the team was offline,
//! and conversation transcripts, in the account's language (English, Czech,
//! Italian, …).
//!
//! Layout source: no public template or raw sample was found (Smartsupp's
//! help centre and GitHub searched); the layout is reconstructed (see the
//! fixtures' `source`):
//! - offline message ("New message from <name>", "Nová zpráva od …",
//!   "Nuovo messaggio da …"): Name/Jméno/Nome, E-mail, Phone/Telefon/Telefono,
//!   Page/Stránka/Pagina, then the message under a "<time> <name>" header
//!   (HTML) or a "Zpráva:"/"Message:" label (text);
//! - transcript ("Conversation transcript - <name>"): the same contact block,
//!   then `[time] name: text` lines; Smartsupp's AI bot writes as "Mira".
//!
//! Evidence: the sender domain smartsupp.com plus the fixed wording, or
//! Smartsupp's app link with the wording.

use super::livechat::{chat_lines, contact_fields, is_label_line, message_after};
use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::model::Author;

/// Smartsupp.
pub struct Smartsupp;

/// Fixed wording of the handoff templates, in the languages seen.
const MARKERS: &[&str] = &[
    "New message from",
    "while you were offline",
    "Conversation transcript",
    "Nová zpráva od",
    "když jste byli offline",
    "Nuovo messaggio da",
    "mentre eri offline",
    "Nieuw bericht van",
    "Neue Nachricht von",
    "Nouveau message de",
    "Nuevo mensaje de",
];
/// The label over an offline message's words.
const MESSAGE: &[&str] = &["Message", "Zpráva", "Messaggio", "Bericht", "Nachricht", "Mensaje", "Wiadomość"];
/// Subjects of the same sender that are not handoffs.
const NOT_HANDOFF: &[&str] =
    &["invoice", "faktura", "fattura", "password", "heslo", "trial", "newsletter", "webinar"];

impl Recogniser for Smartsupp {
    fn name(&self) -> &'static str {
        "smartsupp"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        let link = mail.body_has("app.smartsupp.com");
        match (mail.from_domain_is("smartsupp.com"), marker) {
            (true, Some(m)) => {
                Some(Evidence::new(95, format!("sender domain smartsupp.com; template wording '{m}'")))
            }
            (true, None) => Some(Evidence::new(70, "sender domain smartsupp.com")),
            (false, Some(m)) if link => Some(Evidence::new(60, format!("Smartsupp app link; wording '{m}'"))),
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Smartsupp".into()), ..Reading::default() };
        let chat = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m));
        if !chat && NOT_HANDOFF.iter().any(|w| mail.subject_has(w)) {
            r.not_a_handoff = Some("a Smartsupp account or billing mail, not a chat".into());
            return r;
        }
        let body = mail.body();
        contact_fields(body, &mut r.fields);
        if r.fields.name.is_none() {
            r.fields.name = subject_visitor(mail.subject.as_deref().unwrap_or_default());
        }
        let visitor = r.fields.name.clone();
        let ends = ["Reply in Smartsupp", "Open the conversation", "Odpovědět", "Rispondi", "Smartsupp.com"];
        // The HTML part carries the message's time ("06:38 Jana"); the text part only a label.
        r.transcript = [body, mail.html_text()]
            .iter()
            .map(|t| chat_lines(mail, t, visitor.as_deref(), &["mira"], &ends))
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        if r.transcript.is_empty()
            && let Some(text) = message_after(body, |l| is_label_line(l, MESSAGE))
        {
            r.transcript.push(message(Author::Visitor, visitor.as_deref(), mail.sent_at, &text));
        }
        r
    }
}

/// The visitor after "from", "od", "da", "van", "von", "de" or "-" in the subject.
fn subject_visitor(subject: &str) -> Option<String> {
    let at = [" from ", " od ", " da ", " van ", " von ", " de ", " - "]
        .iter()
        .find_map(|k| subject.rfind(k).map(|i| i + k.len()))?;
    let name = subject.get(at..)?.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}
