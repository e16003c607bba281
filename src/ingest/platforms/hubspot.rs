//! HubSpot conversations inbox notification emails: a new chat message ("New
//! message from <contact>", "<contact> sent a new message via Live chat"), a
//! conversation assigned to you ("You've been assigned a conversation with
//! <contact>"), and a chatflow's hand-off to a team ("<bot> handed off a
//! conversation with <contact> to your team"). Each carries the contact's
//! details ("Contact", "Email", "Phone", "Page URL"), the latest messages as
//! "[1:58 AM] Name: text" rows and a link into app.hubspot.com/live-messages.
//!
//! Layout source: HubSpot's knowledge base on the conversations inbox,
//! routing and chatflows
//! (<https://knowledge.hubspot.com/articles/kcs_article/conversations/control-which-team-members-answer-messages-in-conversations-inbox>).
//! No raw template is published; the fixtures reconstruct it.
//!
//! Evidence: a sender at hubspot.com (notifications.hubspot.com: 90 with a
//! known subject, else 70); app.hubspot.com/live-messages links with HubSpot's
//! footer in a forward (55). Read: the contact from the details or the
//! subject, the message rows (the layout reader in [`super::tawkto`]), the
//! chatflow's name as the bot; digests and reports are not handoffs.

use super::tawkto::ChatMail;
use super::{Evidence, Mail, Reading, Recogniser};

/// HubSpot chatflows and the conversations inbox.
pub struct Hubspot;

const SUBJECT_MARKERS: &[&str] = &[
    "new message from",
    "assigned a conversation",
    "handed off a conversation",
    "new chat from",
    "assigned to you",
];

const NOT_HANDOFF: &[&str] = &["weekly", "digest", "summary", "report", "invoice", "password", "invited you"];

const LAYOUT: ChatMail<'static> = ChatMail {
    name: &["Contact", "Name"],
    email: &["Email"],
    phone: &["Phone", "Phone number"],
    page: &["Page URL", "Page", "Chat started on"],
    message: &[],
    message_ends: &[],
};

impl Recogniser for Hubspot {
    fn name(&self) -> &'static str {
        "hubspot"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = SUBJECT_MARKERS.iter().find(|m| mail.subject_has(m));
        if mail.from_domain_is("hubspot.com") {
            return Some(match subject {
                Some(m) => Evidence::new(90, format!("sender domain hubspot.com; subject '{m}'")),
                None => Evidence::new(70, "sender domain hubspot.com"),
            });
        }
        let link = mail.body_has("app.hubspot.com/live-messages");
        (link && (subject.is_some() || mail.body_has("notification settings in HubSpot")))
            .then(|| Evidence::new(55, "app.hubspot.com inbox links and HubSpot's footer"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if NOT_HANDOFF.iter().any(|n| lower.contains(n)) {
            return Reading {
                not_a_handoff: Some("a HubSpot digest or account mail, not a conversation".into()),
                platform_name: Some("HubSpot".into()),
                ..Reading::default()
            };
        }
        let chatflow =
            lower.find(" handed off").and_then(|i| subject.get(..i)).map(str::trim).map(str::to_string);
        let mut bots = vec!["bot".to_string(), "chatflow".to_string()];
        bots.extend(chatflow.iter().map(|c| c.to_lowercase()));
        let bots: Vec<&str> = bots.iter().map(String::as_str).collect();
        let (mut fields, transcript) = LAYOUT.read(mail, &bots, name_in_subject(subject));
        fields.bot = chatflow;
        fields.started = transcript.first().and_then(|m| m.at);
        Reading { fields, transcript, platform_name: Some("HubSpot".into()), ..Reading::default() }
    }
}

/// "New message from Amara Obi", "… a conversation with Dana Reyes to your team".
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let at = ["message from ", "conversation with ", "chat from "]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let rest = subject.get(at..)?;
    let name = rest.split(" to your team").next().unwrap_or(rest).trim();
    let anonymous = name.is_empty() || name.eq_ignore_ascii_case("a visitor") || name.contains('@');
    (!anonymous && name.len() <= 80).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_subject_patterns() {
        assert_eq!(name_in_subject("New message from Amara Obi").as_deref(), Some("Amara Obi"));
        assert_eq!(
            name_in_subject("Northwind Bot handed off a conversation with Dana Reyes to your team")
                .as_deref(),
            Some("Dana Reyes")
        );
        assert_eq!(name_in_subject("New message from a visitor"), None);
    }
}
