//! Intercom teammate notification emails: a new conversation ("New
//! conversation from <customer>"), a customer's reply ("<customer> replied to
//! a conversation"), an assignment ("<teammate> assigned you a conversation
//! with <customer>") and Fin AI Agent's hand-over ("Fin handed the
//! conversation to the team: <customer>"). Each shows the latest messages as
//! "Name · 9:32 AM" above the message, then the customer's details ("Email",
//! "Phone", "Started on" the page) and a link to app.intercom.com; replying
//! to the mail answers the customer.
//!
//! Layout source: Intercom's help centre on teammate notifications and
//! assignment (<https://www.intercom.com/help/en/articles/6561699-assign-conversations-to-teammates-and-teams>)
//! and on Fin's hand-over to teams. No raw template is published; the
//! fixtures under `tests/fixtures/corpus/email/intercom/` reconstruct it.
//!
//! Evidence: sender or reply address at intercom-mail.com / intercom.io /
//! intercom.com (90 with a known subject, else 70); app.intercom.com
//! conversation links with Intercom's footer in a forward (55). Read: the
//! customer's name from the subject, the details and the message blocks
//! (the layout reader in [`super::tawkto`]); Fin's hand-over names Fin as the
//! bot; invitations, digests, billing and password mail are not handoffs.

use super::tawkto::ChatMail;
use super::{Evidence, Mail, Reading, Recogniser};

/// Intercom.
pub struct Intercom;

const DOMAINS: &[&str] = &["intercom-mail.com", "intercom.io", "intercom.com", "intercom-mail.eu"];

const SUBJECT_MARKERS: &[&str] = &[
    "handed the conversation",
    "new conversation from",
    "replied to a conversation",
    "assigned you a conversation",
    "assigned to you",
    "new message from",
];

const NOT_HANDOFF: &[&str] =
    &["invited you", "invitation", "weekly", "digest", "invoice", "password", "trial"];

const LAYOUT: ChatMail<'static> = ChatMail {
    name: &["Name"],
    email: &["Email"],
    phone: &["Phone"],
    page: &["Started on", "Page", "Current page"],
    message: &[],
    message_ends: &[],
};

impl Recogniser for Intercom {
    fn name(&self) -> &'static str {
        "intercom"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = SUBJECT_MARKERS.iter().find(|m| mail.subject_has(m));
        let ours = |a: Option<&str>| {
            let d = a.and_then(|a| a.rsplit_once('@')).map(|(_, d)| d).unwrap_or("");
            DOMAINS.iter().find(|x| d == **x || d.ends_with(&format!(".{x}")))
        };
        if let Some(d) = ours(mail.from_addr.as_deref()).or_else(|| ours(mail.reply_to_addr.as_deref())) {
            return Some(match subject {
                Some(m) => Evidence::new(90, format!("sender or reply address at {d}; subject '{m}'")),
                None => Evidence::new(70, format!("sender or reply address at {d}")),
            });
        }
        let link = mail.body_has("app.intercom.com/a/inbox") || mail.body_has("app.intercom.com/a/apps");
        (link && (subject.is_some() || mail.body_has("open it in Intercom")))
            .then(|| Evidence::new(55, "app.intercom.com conversation links and Intercom's wording"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if NOT_HANDOFF.iter().any(|n| lower.contains(n)) {
            return Reading {
                not_a_handoff: Some(
                    "an Intercom account mail (invitation, digest, billing), not a conversation".into(),
                ),
                platform_name: Some("Intercom".into()),
                ..Reading::default()
            };
        }
        let bots = ["fin", "bot", "operator"];
        let (mut fields, transcript) = LAYOUT.read(mail, &bots, name_in_subject(subject));
        if lower.contains("fin handed") || mail.body_has("Fin handed the conversation") {
            fields.bot = Some("Fin".into());
        }
        fields.started = transcript.first().and_then(|m| m.at);
        Reading { fields, transcript, platform_name: Some("Intercom".into()), ..Reading::default() }
    }
}

/// The customer in Intercom's subjects: "New conversation from X", "X replied
/// to a conversation", "… a conversation with X", "…to the team: X".
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let name = if let Some(i) = ["conversation from ", "message from ", "conversation with "]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))
    {
        subject.get(i..)?
    } else if let Some(i) = lower.find(" replied to") {
        subject.get(..i)?
    } else if lower.contains("handed the conversation") {
        subject.rsplit_once(": ")?.1
    } else {
        return None;
    };
    let name = name.trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_subject_patterns() {
        assert_eq!(name_in_subject("New conversation from Dana Reyes").as_deref(), Some("Dana Reyes"));
        assert_eq!(name_in_subject("Amara Obi replied to a conversation").as_deref(), Some("Amara Obi"));
        assert_eq!(
            name_in_subject("Maya Chen assigned you a conversation with Priya Nair").as_deref(),
            Some("Priya Nair")
        );
        assert_eq!(
            name_in_subject("Fin handed the conversation to the team: Tom Becker").as_deref(),
            Some("Tom Becker")
        );
    }
}
