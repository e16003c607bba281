//! Tidio notification emails: the offline email notification ("New message
//! from <visitor>", sent when a conversation stays unassigned five minutes
//! after the visitor's last message; answered by replying), Lyro AI Agent's
//! hand-over to the team, and "a conversation has been assigned to you".
//!
//! Layout source: Tidio's help centre —
//! <https://www.tidio.com/knowledge/admin-dashboard/how-to-use-offline-email-notifications/>
//! (visitor data plus the chat messages, reply from the mailbox) and
//! <https://help.tidio.com/hc/en-us/articles/5399286434460-Going-Offline>. No
//! raw template is published; the fixtures reconstruct it (English, Spanish).
//!
//! Evidence: a Tidio sender domain (tidio.net, tidio.com, tidio.co,
//! tidiomail.com: 90 with a known subject, else 70); Tidio panel links with
//! Tidio's footer wording in a forwarded mail (55). Read: the visitor's name
//! from the subject; Lyro's hand-over says the bot could not answer; account
//! mail (trial, billing, plans) is not a handoff. The generic reader does the
//! labelled visitor data and the "Name (10:32): text" lines.

use super::tawkto::ChatMail;
use super::{Evidence, Mail, Reading, Recogniser};

/// Tidio.
pub struct Tidio;

const DOMAINS: &[&str] = &["tidio.net", "tidio.com", "tidio.co", "tidiomail.com"];

const SUBJECT_FROM: &[&str] = &[
    "new message from ",
    "nuevo mensaje de ",
    "nouveau message de ",
    "neue nachricht von ",
    "conversation with ",
];

const SUBJECT_MARKERS: &[&str] = &[
    "new message from",
    "transferred a conversation",
    "assigned to you",
    "nuevo mensaje de",
    "asignada",
    "nouveau message de",
    "neue nachricht von",
];

/// Tidio's labels (its visitor-data block), English and Spanish.
const LAYOUT: ChatMail<'static> = ChatMail {
    name: &["Name", "Nombre", "Nom"],
    email: &["Email", "E-mail", "Correo electrónico"],
    phone: &["Phone", "Teléfono", "Téléphone"],
    page: &["Current page", "Página actual", "Page actuelle"],
    message: &["Last message", "Último mensaje"],
    message_ends: &["Open the conversation", "Abrir la conversación"],
};

const ACCOUNT: &[&str] =
    &["trial", "invoice", "billing", "your plan", "payment", "prueba gratuita", "factura"];

impl Recogniser for Tidio {
    fn name(&self) -> &'static str {
        "tidio"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = SUBJECT_MARKERS.iter().find(|m| mail.subject_has(m));
        if let Some(d) = DOMAINS.iter().find(|d| mail.from_domain_is(d)) {
            return Some(match subject {
                Some(m) => Evidence::new(90, format!("sender domain {d}; subject '{m}'")),
                None => Evidence::new(70, format!("sender domain {d}")),
            });
        }
        let panel = mail.body_has("tidio.com/panel");
        (panel && (mail.body_has("Tidio LLC") || subject.is_some()))
            .then(|| Evidence::new(55, "Tidio panel links and Tidio's footer"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if ACCOUNT.iter().any(|a| lower.contains(a)) {
            return Reading {
                not_a_handoff: Some(
                    "a Tidio account mail (trial, plan or billing), not a conversation".into(),
                ),
                platform_name: Some("Tidio".into()),
                ..Reading::default()
            };
        }
        let (mut fields, transcript) = LAYOUT.read(mail, &["lyro", "bot"], name_in_subject(subject));
        fields.started = transcript.first().and_then(|m| m.at);
        if lower.contains("lyro") || mail.body_has("Lyro AI Agent couldn't answer") {
            fields.bot = Some("Lyro".into());
            fields.reason = Some("Lyro could not answer and handed the conversation to the team".into());
        }
        Reading { fields, transcript, platform_name: Some("Tidio".into()), ..Reading::default() }
    }
}

/// "New message from Dana Reyes" → "Dana Reyes"; "… with Tom Becker to your team" → "Tom Becker".
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let at = SUBJECT_FROM.iter().find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let rest = subject.get(at..)?;
    let end = [" to your team", " has been", " ha sido", " a été", " - ", " ("]
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    let name = rest.get(..end)?.trim();
    let anonymous = name.is_empty() || name.contains('@') || name.starts_with('#') || name.len() > 80;
    (!anonymous).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_subject_patterns() {
        assert_eq!(name_in_subject("New message from Dana Reyes").as_deref(), Some("Dana Reyes"));
        assert_eq!(
            name_in_subject("Lyro transferred a conversation with Tom Becker to your team").as_deref(),
            Some("Tom Becker")
        );
        assert_eq!(
            name_in_subject("A conversation with Ines Moreau has been assigned to you").as_deref(),
            Some("Ines Moreau")
        );
        assert_eq!(name_in_subject("New message from #48213"), None);
    }
}
