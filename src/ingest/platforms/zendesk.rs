//! Zendesk ticket notification emails for tickets created from a messaging
//! conversation (the bot's "Transfer to agent" step hands the conversation
//! over and a ticket "Conversation with <name>" is created): the default
//! triggers "Notify all agents of received request" ("A ticket (#4812) by
//! <name> has been received. It is unassigned.") and "Notify assignee of
//! assignment" ("You have been assigned to this ticket (#4812)."), in the
//! account's language, followed by `{{ticket.comments_formatted}}` whose
//! transcript comment holds "(hh:mm:ss) Name: text" lines; custom triggers
//! may add the requester's email and phone and the conversation's URL.
//!
//! Layout source: Zendesk's default trigger templates and placeholders
//! (support.zendesk.com: "About the standard triggers", "Zendesk Support
//! placeholders reference") and messaging hand-over
//! (<https://support.zendesk.com/hc/en-us/articles/4408824482586>). The
//! transcript comment's exact rendering is not published; the fixtures
//! reconstruct it.
//!
//! Evidence: the `X-Mailer: Zendesk Mailer` header (95), another
//! `X-Zendesk-…` header (90), a sender at *.zendesk.com (80), or Zendesk's
//! footer "Delivered by Zendesk" with the trigger's wording (60). Read: the
//! requester from the trigger sentence, the subject or a "Requester:" line;
//! transcript lines with speakers told apart by the requester's name and bot
//! names; account mail (verification, password, invitations) is not a handoff.

use super::tawkto::{ChatMail, value};
use super::{Evidence, Mail, Reading, Recogniser};

/// Zendesk (messaging and Sunshine Conversations).
pub struct Zendesk;

const NOT_HANDOFF: &[&str] =
    &["verify your email", "password", "invitation", "welcome to", "verifique su correo", "contraseña"];

const LAYOUT: ChatMail<'static> = ChatMail {
    name: &[],
    email: &["Requester email", "Email", "Correo electrónico"],
    phone: &["Phone", "Requester phone", "Teléfono"],
    page: &["URL", "Page", "Página"],
    message: &[],
    message_ends: &[],
};

impl Recogniser for Zendesk {
    fn name(&self) -> &'static str {
        "zendesk"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        if mail.header("x-mailer").is_some_and(|m| m.to_lowercase().contains("zendesk")) {
            return Some(Evidence::new(95, "X-Mailer: Zendesk Mailer"));
        }
        if let Some((h, _)) = mail.headers.iter().find(|(n, _)| n.starts_with("x-zendesk-")) {
            return Some(Evidence::new(90, format!("header {h}")));
        }
        if mail.from_domain_is("zendesk.com") {
            return Some(Evidence::new(80, "sender domain zendesk.com"));
        }
        let footer = mail.body_has("Delivered by Zendesk") || mail.body_has("Enviado por Zendesk");
        let trigger =
            mail.body_has("has been received. It is unassigned") || mail.body_has("assigned to this ticket");
        (footer && trigger).then(|| Evidence::new(60, "Zendesk's footer and default trigger wording"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if NOT_HANDOFF.iter().any(|n| lower.contains(n)) {
            return Reading {
                not_a_handoff: Some("a Zendesk account mail, not a ticket".into()),
                platform_name: Some("Zendesk".into()),
                ..Reading::default()
            };
        }
        let body = mail.body();
        let requester =
            value(body, &["Requester", "Solicitante"]).or_else(|| value(mail.html_text(), &["Requester"]));
        let (req_name, req_email) = requester.as_deref().map(split_requester).unwrap_or((None, None));
        let hint = req_name.or_else(|| name_in_trigger(body)).or_else(|| name_in_subject(subject));
        let bots = ["bot", "answer bot", "asistente", "assistant"];
        let (mut fields, transcript) = LAYOUT.read(mail, &bots, hint);
        if fields.email.is_none() {
            fields.email = req_email;
        }
        fields.started = transcript.first().and_then(|m| m.at);
        Reading { fields, transcript, platform_name: Some("Zendesk".into()), ..Reading::default() }
    }
}

/// "Kwame Mensah <kwame.m@example.org>" → (name, email).
fn split_requester(v: &str) -> (Option<String>, Option<String>) {
    match v.split_once('<') {
        Some((n, e)) => {
            let email = e.trim_end_matches('>').trim();
            let n = n.trim();
            ((!n.is_empty()).then(|| n.to_string()), email.contains('@').then(|| email.to_string()))
        }
        None if v.contains('@') => (None, Some(v.trim().to_string())),
        None => (Some(v.trim().to_string()), None),
    }
}

/// "A ticket (#4812) by Dana Reyes has been received." → "Dana Reyes".
fn name_in_trigger(body: &str) -> Option<String> {
    let line = body.lines().find(|l| l.contains("has been received") && l.contains(") by "))?;
    let after = line.split_once(") by ")?.1;
    let name = after.split(" has been received").next()?.trim();
    (!name.is_empty() && name.len() <= 80).then(|| name.to_string())
}

/// "[Account] Conversation with Dana Reyes" (and the Spanish "Conversación con").
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let at = ["conversation with ", "conversación con ", "conversation avec ", "unterhaltung mit "]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let name = subject.get(at..)?.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_requester_is_found_in_the_trigger_subject_or_label() {
        assert_eq!(
            name_in_trigger("A ticket (#4812) by Dana Reyes has been received. It is unassigned.").as_deref(),
            Some("Dana Reyes")
        );
        assert_eq!(
            name_in_subject("[Tienda Sol] Asignación: Conversación con Lucía Fernández").as_deref(),
            Some("Lucía Fernández")
        );
        assert_eq!(
            split_requester("Kwame Mensah <kwame.m@example.org>"),
            (Some("Kwame Mensah".into()), Some("kwame.m@example.org".into()))
        );
    }
}
