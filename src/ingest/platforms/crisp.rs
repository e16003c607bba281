//! Crisp notification emails: unread messages ("New message from <visitor>" /
//! "Nouveau message de <visiteur>", sent to one operator when a visitor's
//! message stays unread three minutes; answered by replying) and conversation
//! transcripts ("Conversation transcript with …" / "Transcription de la
//! conversation avec …", sent an hour after the last message). Crisp is a
//! French company: the operator's language (French or English here) sets the
//! template's wording.
//!
//! Layout source: Crisp's help centre —
//! <https://help.crisp.chat/en/article/how-do-email-notifications-work-q3gel4>
//! and <https://help.crisp.chat/en/article/how-do-chat-transcripts-work-123u31k/>.
//! No raw template is published; the fixtures reconstruct it.
//!
//! Evidence: a Crisp sender domain (crisp.chat, crisp.email, crisp.help: 90
//! with a known subject, else 70) or a reply address at crisp.email (70);
//! app.crisp.chat links with Crisp's footer wording in a forward (55). Read:
//! the visitor's name from the subject; billing and account mail is not a
//! handoff. The generic reader does the labelled details (French labels
//! "Nom :", "E-mail :" included) and the "[10:32] Name: text" lines.

use super::tawkto::ChatMail;
use super::{Evidence, Mail, Reading, Recogniser};

/// Crisp.
pub struct Crisp;

const DOMAINS: &[&str] = &["crisp.chat", "crisp.email", "crisp.help", "crisp.im"];

const SUBJECT_FROM: &[&str] = &[
    "new message from ",
    "new messages from ",
    "nouveau message de ",
    "nouveaux messages de ",
    "transcript with ",
    "conversation avec ",
    "nuevo mensaje de ",
];

const SUBJECT_MARKERS: &[&str] = &[
    "new message from",
    "new messages from",
    "conversation transcript",
    "nouveau message de",
    "nouveaux messages de",
    "transcription de la conversation",
    "nuevo mensaje de",
];

/// Crisp's labels, English and French (French puts a space before the colon).
const LAYOUT: ChatMail<'static> = ChatMail {
    name: &["Name", "Nom"],
    email: &["Email", "E-mail"],
    phone: &["Phone", "Téléphone"],
    page: &["Page"],
    message: &[],
    message_ends: &[],
};

const ACCOUNT: &[&str] =
    &["invoice", "facture", "billing", "trial", "essai", "paiement", "payment", "abonnement"];

impl Recogniser for Crisp {
    fn name(&self) -> &'static str {
        "crisp"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = SUBJECT_MARKERS.iter().find(|m| mail.subject_has(m));
        if let Some(d) = DOMAINS.iter().find(|d| mail.from_domain_is(d)) {
            return Some(match subject {
                Some(m) => Evidence::new(90, format!("sender domain {d}; subject '{m}'")),
                None => Evidence::new(70, format!("sender domain {d}")),
            });
        }
        let reply = mail.reply_to_addr.as_deref().is_some_and(|a| a.ends_with(".crisp.email"));
        if reply {
            return Some(Evidence::new(70, "reply address at crisp.email"));
        }
        let app = mail.body_has("app.crisp.chat");
        let footer =
            mail.body_has("Sent by Crisp") || mail.body_has("Envoyé par Crisp") || mail.body_has("via Crisp");
        (app && (footer || subject.is_some()))
            .then(|| Evidence::new(55, "app.crisp.chat links and Crisp's footer"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if ACCOUNT.iter().any(|a| lower.contains(a)) {
            return Reading {
                not_a_handoff: Some("a Crisp account mail (billing or plan), not a conversation".into()),
                platform_name: Some("Crisp".into()),
                ..Reading::default()
            };
        }
        let (mut fields, transcript) =
            LAYOUT.read(mail, &["bot", "assistant", "magicreply", "chatbot"], name_in_subject(subject));
        fields.started = transcript.first().and_then(|m| m.at);
        Reading { fields, transcript, platform_name: Some("Crisp".into()), ..Reading::default() }
    }
}

/// "Nouveau message de Camille Durand" → "Camille Durand".
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let at = SUBJECT_FROM.iter().find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let rest = subject.get(at..)?;
    let end =
        [" - ", " — ", " (", " on ", " sur "].iter().filter_map(|e| rest.find(e)).min().unwrap_or(rest.len());
    let name = rest.get(..end)?.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_subject_patterns() {
        assert_eq!(name_in_subject("Nouveau message de Camille Durand").as_deref(), Some("Camille Durand"));
        assert_eq!(
            name_in_subject("Transcription de la conversation avec Julien Martin").as_deref(),
            Some("Julien Martin")
        );
        assert_eq!(
            name_in_subject("Conversation transcript with visitor8841").as_deref(),
            Some("visitor8841")
        );
        assert_eq!(name_in_subject("Votre facture Crisp est disponible"), None);
    }
}
