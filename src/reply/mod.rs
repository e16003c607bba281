//! Replies: drafts from templates, the email itself (plain text plus a simple
//! HTML alternative, threaded to the notification), and sending over SMTP.
//!
//! The default reply quotes the visitor's question, so they never have to
//! repeat it. Drafts carry a marker line where the answer goes; a draft that
//! still has it is not sent.

pub mod smtp;
pub mod worker;

use crate::error::{Error, ErrorCode, Next, Result};
use crate::model::{Handoff, Template, Workspace};
use crate::store::{NewReply, ReplyKind};

/// The line a draft carries until the owner writes the answer.
pub const ANSWER_MARKER: &str = "[Write your answer here]";

const DEFAULT_REPLY: (&str, &str) = (
    "Re: your question{on_page}",
    "Hi {first_name},\n\nThank you for your patience. You asked our assistant{on_page}:\n\n{quoted_question}\n\n[Write your answer here]\n\nBest regards,\n{sender}\n{workspace}\n",
);

const DEFAULT_SECOND: (&str, &str) = (
    "Following up: your question{on_page}",
    "Hi {first_name},\n\nI wanted to make sure my earlier answer reached you. You asked:\n\n{quoted_question}\n\nIf anything is still unclear, just reply to this email and I will help.\n\nBest regards,\n{sender}\n{workspace}\n",
);

/// The built-in template for a first reply (`second`: the second attempt),
/// used when a workspace has none of its own.
pub fn builtin_template(second: bool) -> Template {
    let (subject, body) = if second { DEFAULT_SECOND } else { DEFAULT_REPLY };
    Template { subject: subject.to_string(), body: body.to_string() }
}

/// A subject and body, before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Fill a template's placeholders from the handoff. Unknown `{names}` stay as written.
pub fn render(template: &str, ws: &Workspace, h: &Handoff) -> String {
    let name = h.visitor.name.clone().unwrap_or_default();
    let first = name.split_whitespace().next().unwrap_or("there").to_string();
    let question = h.question.clone().unwrap_or_default();
    let quoted = if question.is_empty() {
        String::new()
    } else {
        question.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
    };
    let page = h.page.title.clone().or_else(|| h.page.url.clone()).unwrap_or_default();
    let on_page = if page.is_empty() { String::new() } else { format!(" on \"{page}\"") };
    let sender =
        ws.settings.smtp.as_ref().and_then(|s| s.from_name.clone()).unwrap_or_else(|| ws.name.clone());
    let vars: [(&str, String); 12] = [
        ("visitor_name", if name.is_empty() { "there".into() } else { name.clone() }),
        ("first_name", first),
        ("question", question),
        ("quoted_question", quoted),
        ("page", page),
        ("on_page", on_page),
        ("page_url", h.page.url.clone().unwrap_or_default()),
        ("bot", h.bot.clone().unwrap_or_else(|| "our assistant".into())),
        ("promise", h.promise.clone().unwrap_or_default()),
        ("workspace", ws.name.clone()),
        ("sender", sender),
        ("email", h.visitor.email.clone().unwrap_or_default()),
    ];
    let mut out = String::with_capacity(template.len() + 128);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((key, close)) if let Some((_, v)) = vars.iter().find(|(k, _)| *k == key) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The pre-filled draft for a first reply or a second attempt, from the
/// workspace's template or the built-in one.
pub fn draft(ws: &Workspace, h: &Handoff, kind: ReplyKind) -> Draft {
    let (custom, (subject, body)) = match kind {
        ReplyKind::SecondAttempt => (ws.settings.templates.second_attempt.as_ref(), DEFAULT_SECOND),
        _ => (ws.settings.templates.reply.as_ref(), DEFAULT_REPLY),
    };
    let t = custom.cloned().unwrap_or_else(|| Template { subject: subject.into(), body: body.into() });
    Draft { subject: render(&t.subject, ws, h).trim().to_string(), body: render(&t.body, ws, h) }
}

/// A fresh Message-ID in the sender's domain: `<random.time@domain>`.
pub fn new_message_id(from_address: &str) -> String {
    let domain =
        from_address.rsplit_once('@').map(|(_, d)| d).filter(|d| !d.is_empty()).unwrap_or("handoff.desk");
    let now = chrono::Utc::now().timestamp_millis();
    format!("<{:016x}.{now}.handoff@{domain}>", fastrand::u64(..))
}

fn from_line(ws: &Workspace) -> Result<String> {
    crate::model::reply_from(ws).ok_or_else(|| Error::Refused {
        code: ErrorCode::InvalidInput,
        message: format!("workspace {:?} has no reply identity yet: set one first", ws.slug),
        next: Next::SetReplyIdentity { workspace: ws.slug.clone() },
    })
}

/// An email to the visitor, ready to queue. Refuses a draft that still carries
/// [`ANSWER_MARKER`], an empty body, or a handoff without an email address.
pub fn reply_to_visitor(ws: &Workspace, h: &Handoff, kind: ReplyKind, draft: &Draft) -> Result<NewReply> {
    let to = h.visitor.email.clone().filter(|e| e.contains('@')).ok_or_else(|| {
        let phone = h.visitor.phone.as_deref().map(|p| format!(" (phone: {p})")).unwrap_or_default();
        Error::Refused {
            code: ErrorCode::InvalidInput,
            message: format!(
                "handoff #{} has no visitor email to reply to{phone}. If you reached them another way, mark it contacted.",
                h.id
            ),
            next: Next::MarkContacted { id: h.id },
        }
    })?;
    if draft.body.contains(ANSWER_MARKER) {
        return Err(Error::Invalid(format!(
            "the reply still has the line {ANSWER_MARKER:?}: write the answer in its place, then send."
        )));
    }
    if draft.body.trim().is_empty() || draft.subject.trim().is_empty() {
        return Err(Error::Invalid("the reply needs a subject and a body.".into()));
    }
    let from = from_line(ws)?;
    let from_address = ws.settings.smtp.as_ref().map(|s| s.from_address.clone()).unwrap_or_default();
    Ok(NewReply {
        handoff_id: h.id,
        kind,
        message_id: new_message_id(&from_address),
        in_reply_to: h.message_id.clone(),
        from,
        to,
        subject: draft.subject.clone(),
        body_text: draft.body.clone(),
    })
}

pub use crate::promise::notices::backup_email as backup_alert;

/// A simple HTML rendering of a plain-text body: escaped, paragraphs kept,
/// `> ` lines as a quote. Never interprets the text as markup.
pub fn html_alternative(text: &str) -> String {
    let mut html =
        String::from("<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.45\">\n");
    for para in text.split("\n\n") {
        let lines: Vec<&str> = para.lines().collect();
        if lines.is_empty() {
            continue;
        }
        let quoted = lines.iter().all(|l| l.starts_with('>'));
        let inner = lines
            .iter()
            .map(|l| escape(if quoted { l.trim_start_matches('>').trim_start() } else { l }))
            .collect::<Vec<_>>()
            .join("<br>\n");
        if quoted {
            html.push_str(&format!(
                "<blockquote style=\"border-left:3px solid #ccc;margin:0 0 1em;padding-left:.8em;color:#444\">{inner}</blockquote>\n"
            ));
        } else {
            html.push_str(&format!("<p>{inner}</p>\n"));
        }
    }
    html.push_str("</body></html>\n");
    html
}

pub(crate) fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{BusinessHours, Page, Reason, Visitor, WorkspaceSettings};

    fn ws() -> Workspace {
        Workspace {
            id: 1,
            slug: "acme".into(),
            name: "Acme Plumbing".into(),
            time_zone: "UTC".into(),
            hours: BusinessHours::default(),
            default_promise: None,
            backup_contact: None,
            settings: WorkspaceSettings::default(),
            created_at: chrono::Utc::now(),
        }
    }

    fn handoff(name: Option<&str>) -> Handoff {
        Handoff {
            id: 7,
            workspace_id: 1,
            workspace: "acme".into(),
            source: crate::model::SourceKind::Import,
            source_key: "k".into(),
            bot: Some("Piper".into()),
            platform: None,
            reason: Reason::KnowledgeGap,
            reason_detail: None,
            reason_inferred: false,
            confidence: None,
            visitor: Visitor {
                name: name.map(String::from),
                email: Some("dana@example.com".into()),
                phone: None,
            },
            page: Page { url: Some("https://acme.test/heaters".into()), title: Some("Heaters".into()) },
            started_at: None,
            escalated_at: None,
            received_at: chrono::Utc::now(),
            after_hours: false,
            promise: Some("within 2 hours".into()),
            question: Some("Do you fix boilers?\nAnd heaters?".into()),
            question_derived: false,
            subject: None,
            message_id: None,
            status: crate::model::Status::New,
            parse_status: crate::model::ParseStatus::Ok,
            parse_notes: vec![],
        }
    }

    #[test]
    fn placeholders_fill_and_unknown_ones_stay_as_written() {
        let out = render(
            "{first_name} asked {question} on {page} ({bot}, {promise}) {nope} {",
            &ws(),
            &handoff(Some("Dana Reyes")),
        );
        assert_eq!(
            out,
            "Dana asked Do you fix boilers?\nAnd heaters? on Heaters (Piper, within 2 hours) {nope} {"
        );
        assert_eq!(render("Hi {first_name}", &ws(), &handoff(None)), "Hi there");
    }

    #[test]
    fn the_default_draft_quotes_every_line_of_the_question_and_marks_where_the_answer_goes() {
        let d = draft(&ws(), &handoff(Some("Dana")), ReplyKind::Reply);
        assert_eq!(d.subject, "Re: your question on \"Heaters\"");
        assert!(d.body.contains("> Do you fix boilers?\n> And heaters?"), "{}", d.body);
        assert!(d.body.contains(ANSWER_MARKER));
        let refused = reply_to_visitor(&ws(), &handoff(Some("Dana")), ReplyKind::Reply, &d).unwrap_err();
        assert!(refused.to_string().contains(ANSWER_MARKER));
    }

    #[test]
    fn html_alternative_escapes_markup_and_quotes_quoted_lines() {
        let html = html_alternative("Hi <script>alert(1)</script>\n\n> what & why?\n\nBye");
        assert!(html.contains("Hi &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains(">what &amp; why?</blockquote>"), "{html}");
        assert!(html.contains("<p>Bye</p>"));
    }
}
