//! Tiledesk notification emails.
//!
//! Layout sources (Tiledesk/tiledesk-server):
//! - `models/emailService.js`: `sendNewAssignedRequestNotification` and
//!   `sendNewPooledRequestNotification` (subject `[<brand> <project>] New
//!   Assigned Chat` / `New Pooled Chat`, or the request's own subject in
//!   place of those words; headers `X-TILEDESK-PROJECT-ID`,
//!   `X-TILEDESK-REQUEST-ID`, `X-TILEDESK-TICKET-ID`; Message-ID
//!   `<request_id>+notification@…`), `sendTest` ("<brand> test email");
//! - `template/email/assignedRequest.html` ("New Chat assigned to you") and
//!   `pooledRequest.html` ("New Pooled Chat"): the request's first text
//!   (`msgText`), then `Project name :`, `Department name :`, `Source page :`,
//!   `Contact name :`, `Channel :` and an "Open the dashboard" link to
//!   `…/#/project/<id>/wsrequest/<request_id>/messages`.
//!
//! Mail from Tiledesk that is neither (its test email, password mails) is not
//! a handoff.

use super::{Evidence, Mail, Reading, Recogniser, labelled, message, section};
use crate::ingest::dates::re;
use crate::model::Author;
use regex::Regex;
use std::sync::LazyLock;

/// Tiledesk.
pub struct Tiledesk;

/// A phone number the visitor typed into the first text (international form).
static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"\+\d[\d ().-]{6,18}\d"));

/// Labels that end the first-text block.
const LABELS: [&str; 5] = ["Project name", "Department name", "Source page", "Contact name", "Channel"];

impl Recogniser for Tiledesk {
    fn name(&self) -> &'static str {
        "tiledesk"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        if let Some(h) =
            ["x-tiledesk-request-id", "x-tiledesk-project-id"].iter().find(|h| mail.header(h).is_some())
        {
            return Some(Evidence::new(98, format!("Tiledesk's own header {h}")));
        }
        if mail.subject_has("] New Assigned Chat") || mail.subject_has("] New Pooled Chat") {
            return Some(Evidence::new(90, "Tiledesk subject '[… ] New Assigned/Pooled Chat'"));
        }
        if mail.body_has("/wsrequest/") && mail.body_has("Open the dashboard") {
            return Some(Evidence::new(85, "Tiledesk dashboard link ('Open the dashboard', /wsrequest/)"));
        }
        if mail.from_domain_is("tiledesk.com") {
            return Some(Evidence::new(70, "sender domain tiledesk.com"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Tiledesk".into()), ..Reading::default() };
        let request = mail.header("x-tiledesk-request-id").is_some() || mail.body_has("/wsrequest/");
        if !request {
            r.not_a_handoff = Some("a Tiledesk account or test email, not about a chat request".into());
            return r;
        }
        let text = mail.html_text();
        let text = if text.trim().is_empty() { mail.text.as_str() } else { text };
        let value = |label: &str| {
            labelled(text, label)
                .map(|v| v.trim_start_matches(':').trim())
                .filter(|v| !v.is_empty() && !LABELS.iter().any(|l| v.starts_with(l)))
                .map(str::to_string)
        };
        r.fields.name = value("Contact name");
        r.fields.page_url = value("Source page").filter(|v| v.contains("://") || v.starts_with("www."));
        // The request's first text sits between the heading and "Project name".
        let heading = ["New Chat assigned to you", "New Pooled Chat", "New chat", "New Chat"]
            .into_iter()
            .find(|h| text.contains(h));
        let first: Vec<&str> = match heading {
            Some(h) => section(text, h, &["Project name"]),
            None => text.lines().take_while(|l| !l.contains("Project name")).collect(),
        };
        let first = first.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        if !first.is_empty() {
            r.fields.phone = PHONE.find(&first).map(|m| m.as_str().to_string());
            r.transcript.push(message(Author::Visitor, r.fields.name.as_deref(), mail.sent_at, &first));
            r.fields.question = Some(first);
        }
        r.fields.escalated = mail.sent_at;
        r
    }
}
