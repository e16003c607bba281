//! Microsoft Copilot Studio hand-off emails. Copilot Studio sends no
//! notification mail of its own: a topic's "Transfer conversation" goes to an
//! engagement hub (see `adapters/copilot.rs`), and makers who want a mail
//! add a Power Automate flow or a connector action to the topic. What arrives
//! is then one of:
//! - the Office 365 Outlook connector's "Send an email (V2)"
//!   (learn.microsoft.com/connectors/office365/), sent from the connection
//!   owner's own mailbox, its HTML written in the flow designer's rich-text
//!   editor (`<p class="editor-paragraph">`);
//! - the Mail connector's "Send an email notification (V3)"
//!   (learn.microsoft.com/connectors/sendmail/), sent from Microsoft's
//!   notification sender (flow-noreply@microsoft.com).
//!
//! The body's wording is the maker's, so the evidence is the sender or the
//! editor's markup together with the Copilot/Power Virtual Agents name or
//! `System.Conversation.Id`'s label; the labelled fields and "User:"/"Bot:"
//! lines are left to the generic reader.

use super::{Evidence, Mail, Reading, Recogniser};

/// Microsoft Copilot Studio / Power Virtual Agents.
pub struct Copilot;

const NAMES: &[&str] = &["Copilot Studio", "Copilot", "Power Virtual Agents"];
const CONVERSATION_ID: &[&str] =
    &["Conversation ID", "Conversation Id", "Unterhaltungs-ID", "ID de conversation", "ID de conversación"];

impl Recogniser for Copilot {
    fn name(&self) -> &'static str {
        "copilot"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let local = mail.from_addr.as_deref().and_then(|a| a.split('@').next()).unwrap_or_default();
        let flow_sender =
            mail.from_domain_is("microsoft.com") && matches!(local, "flow-noreply" | "maker-noreply");
        let editor = mail.html.as_deref().is_some_and(|h| h.contains("class=\"editor-paragraph\""));
        let named = NAMES.iter().any(|n| mail.body_has(n) || mail.subject_has(n));
        let conv_id = CONVERSATION_ID.iter().any(|c| mail.body_has(c));
        match (flow_sender, editor, named || conv_id) {
            (true, _, true) => Some(Evidence::new(
                85,
                "sent by Power Automate's Mail connector; names Copilot or a conversation id",
            )),
            (true, _, false) => Some(Evidence::new(50, "sent by Power Automate's Mail connector")),
            (false, true, true) => {
                Some(Evidence::new(70, "Power Automate editor markup; names Copilot or a conversation id"))
            }
            _ => None,
        }
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading { platform_name: Some("Copilot Studio".into()), ..Reading::default() }
    }
}
