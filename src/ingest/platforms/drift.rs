//! Drift (Salesloft) notification emails.
//!
//! Layout source: no public template or raw sample of Drift's notification
//! mails was found (help.drift.com and GitHub searched); the layouts are
//! reconstructed (see the fixtures' `source`):
//! - "New conversation with <visitor>": "<visitor> started a conversation on
//!   <page>", Email/Company, then speaker headers "<name> · <time>" over each
//!   message;
//! - "New lead: <visitor>" from a playbook: Name, Email, Phone, Company,
//!   Page, Playbook, then the conversation;
//! - "Conversation transcript: <visitor>": "Conversation with <visitor>",
//!   Started, Page, Email, then "<name> - <time>" headers;
//! - "A conversation was routed to you": "… routed to you from <page>";
//! - reports and digests are not handoffs.
//!
//! Evidence: the sender domain drift.com (or driftt.com) plus the fixed
//! wording, or Drift's app link with the wording.

use super::livechat::{chat_lines, contact_fields};
use super::{Evidence, Mail, Reading, Recogniser};
use regex::Regex;
use std::sync::LazyLock;

/// Drift.
pub struct Drift;

const DOMAINS: &[&str] = &["drift.com", "driftt.com", "salesloft.com"];
/// Fixed wording of the handoff templates.
const MARKERS: &[&str] = &[
    "New conversation with",
    "started a conversation on",
    "new lead",
    "captured a new lead",
    "Conversation transcript",
    "routed to you",
    "waiting to chat",
];
/// Subjects of the same senders that are not handoffs.
const NOT_HANDOFF: &[&str] = &["report", "digest", "summary", "invoice", "password", "webinar", "welcome"];

/// "… on https://…" / "… from https://…" after Drift's fixed sentences.
static PAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:started a conversation on|routed to you from|conversation on)\s+(?:<)?(https?://[^\s<>]+)",
    )
    .ok()
});
/// "Conversation with Emma Clarke" / "New conversation with Sam Patel" / "New lead: Jordan Lee from …".
static NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^Conversation with|conversation with|transcript:|New lead:)\s+([^\n@:]{2,60}?)(?:\s+from\s.*)?\s*$")
        .ok()
});

impl Recogniser for Drift {
    fn name(&self) -> &'static str {
        "drift"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let domain = DOMAINS.iter().find(|d| mail.from_domain_is(d));
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        let link = mail.body_has("app.drift.com/conversations");
        match (domain, marker) {
            (Some(d), Some(m)) => {
                Some(Evidence::new(95, format!("sender domain {d}; template wording '{m}'")))
            }
            (Some(d), None) => Some(Evidence::new(70, format!("sender domain {d}"))),
            (None, Some(m)) if link => {
                Some(Evidence::new(60, format!("Drift conversation link; wording '{m}'")))
            }
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Drift".into()), ..Reading::default() };
        let chat = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m));
        if !chat && (NOT_HANDOFF.iter().any(|w| mail.subject_has(w)) || !mail.body_has("/conversations/")) {
            r.not_a_handoff = Some("a Drift report or account mail, not a conversation".into());
            return r;
        }
        let body = mail.body();
        let f = &mut r.fields;
        contact_fields(body, f);
        if f.name.is_none() {
            let subject = mail.subject.as_deref().unwrap_or_default();
            f.name = [body, subject]
                .iter()
                .find_map(|t| NAME.as_ref()?.captures(t).map(|c| c[1].trim().to_string()))
                .filter(|n| !n.eq_ignore_ascii_case("site visitor"));
        }
        if f.page_url.is_none() {
            f.page_url = PAGE.as_ref().and_then(|re| re.captures(body)).map(|c| c[1].to_string());
        }
        let visitor = f.name.clone();
        r.transcript = chat_lines(
            mail,
            body,
            visitor.as_deref(),
            &["driftbot"],
            &["View this conversation", "Reply in Drift", "--"],
        );
        r
    }
}
