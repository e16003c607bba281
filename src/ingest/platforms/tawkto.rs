//! Tawk.to notification emails: chat transcripts (subject "Chat Transcript:
//! Property - Visitor"), missed chats, and offline messages, which tawk.to
//! turns into tickets (subject "New Offline Message from Visitor [#1042]",
//! the visitor as Reply-To so the answer goes to them).
//!
//! Layout source: tawk.to's help centre (help.tawk.to: notification settings,
//! chat transcripts, offline messages and tickets) and its dashboard links
//! (dashboard.tawk.to). No raw template is published; the fixtures under
//! `tests/fixtures/corpus/email/tawkto/` reconstruct the layout from those
//! descriptions, in English and Spanish.
//!
//! Evidence: the sender domain tawk.to (90 with a known subject, else 70); a
//! forwarded or re-sent mail with tawk.to's dashboard links and template
//! wording (55). Read: the visitor's name from the subject when the body has
//! no name label; reports (weekly/daily/monthly) are not handoffs. Everything
//! else (labelled details, "[time] Name: text" lines) the generic reader does.

use super::{Evidence, Mail, Reading, Recogniser};
use crate::ingest::fields::Fields;
use crate::model::{Author, Message};
use chrono::{DateTime, NaiveTime, Offset, TimeZone, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// Tawk.to.
pub struct Tawkto;

/// Subject openings of tawk.to's notifications, in the dashboard languages
/// the fixtures cover, before the visitor's name.
const SUBJECT_FROM: &[&str] = &[
    "new offline message from ",
    "offline message from ",
    "missed chat from ",
    "chat perdido de ",
    "nuevo mensaje sin conexión de ",
    "nouveau message hors ligne de ",
    "chat manqué de ",
];

const SUBJECT_MARKERS: &[&str] = &[
    "chat transcript",
    "offline message",
    "missed chat",
    "new ticket",
    "transcripción del chat",
    "chat perdido",
    "mensaje sin conexión",
    "transcription du chat",
    "message hors ligne",
];

const LAYOUT: ChatMail<'static> = ChatMail {
    name: &["Visitor Name", "Nombre del visitante", "Nom du visiteur", "Name", "Nombre", "Nom"],
    email: &["Visitor Email", "Correo electrónico", "E-mail du visiteur", "Email", "E-mail", "Correo"],
    phone: &["Visitor Phone", "Teléfono", "Téléphone", "Phone"],
    page: &["Chat started on", "Chat iniciado en", "Chat démarré sur", "Page"],
    message: &["Message", "Mensaje"],
    message_ends: &["Reply to this email", "View Ticket", "Responde a este correo", "Ver ticket"],
};

const REPORTS: &[&str] =
    &["weekly", "daily report", "monthly", "report for", "informe semanal", "rapport hebdomadaire"];

impl Recogniser for Tawkto {
    fn name(&self) -> &'static str {
        "tawkto"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = SUBJECT_MARKERS.iter().find(|m| mail.subject_has(m));
        if mail.from_domain_is("tawk.to") {
            return Some(match subject {
                Some(m) => Evidence::new(90, format!("sender domain tawk.to; subject '{m}'")),
                None => Evidence::new(70, "sender domain tawk.to"),
            });
        }
        let links = mail.body_has("dashboard.tawk.to") || mail.body_has("static-v.tawk.to");
        let wording = mail.body_has("tawk.to - ") || mail.body_has("Powered by tawk.to");
        (links && (wording || subject.is_some()))
            .then(|| Evidence::new(55, "tawk.to dashboard links and template wording"))
    }

    fn read(&self, mail: &Mail) -> Reading {
        let subject = mail.subject.as_deref().unwrap_or("");
        let lower = subject.to_lowercase();
        if REPORTS.iter().any(|r| lower.contains(r)) {
            return Reading {
                not_a_handoff: Some("a tawk.to activity report, not a conversation".into()),
                platform_name: Some("tawk.to".into()),
                ..Reading::default()
            };
        }
        let bots = ["ai assist", "asistente ia", "assistant ia", "bot", "apollo"];
        let (mut fields, transcript) = LAYOUT.read(mail, &bots, name_in_subject(subject));
        fields.started = transcript.first().and_then(|m| m.at);
        Reading { fields, transcript, platform_name: Some("tawk.to".into()), ..Reading::default() }
    }
}

/// "New Offline Message from Kwame Mensah [#1042]" → "Kwame Mensah";
/// "Chat Transcript: Property - Dana Reyes" → "Dana Reyes".
fn name_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_lowercase();
    let rest = SUBJECT_FROM
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))
        .and_then(|i| subject.get(i..))
        .or_else(|| {
            let after = subject.split_once(':')?.1;
            after.rsplit_once(" - ").map(|(_, n)| n)
        })?;
    let name = rest.split(" [").next().unwrap_or(rest).split(" - ").next().unwrap_or(rest).trim();
    (!name.is_empty() && name.len() <= 80 && !name.contains('@')).then(|| name.to_string())
}

/// The layout tawk.to, Tidio and Crisp share in their notifications: a block
/// of labelled visitor details (a table in the HTML, "Label: value" lines in
/// the text) and chat lines "[10:32] Name: text", "[10:32]<TAB>Name<TAB>text"
/// or "Name (10:32): text", plus an optional free-text message under a
/// "Message" heading (offline forms). Labels are given per platform and
/// language; the first that has a value wins.
pub(super) struct ChatMail<'l> {
    /// Labels of the visitor's name.
    pub name: &'l [&'l str],
    /// Labels of the visitor's email.
    pub email: &'l [&'l str],
    /// Labels of the visitor's phone.
    pub phone: &'l [&'l str],
    /// Labels of the page the chat started on.
    pub page: &'l [&'l str],
    /// Headings of an offline form's message.
    pub message: &'l [&'l str],
    /// Lines that end the message (the reply hint, the footer).
    pub message_ends: &'l [&'l str],
}

static STAMPED: LazyLock<Regex> = LazyLock::new(|| {
    let re = r"^[\[(](?P<t>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)[\])]\s*(?:\t\s*)?(?P<n>[^\t:]{1,60}?)\s*(?:\t|:\s)\s*(?P<x>.+)$";
    crate::ingest::dates::re(re)
});
static NAME_DOT: LazyLock<Regex> = LazyLock::new(|| {
    crate::ingest::dates::re(
        r"^(?P<n>[^\t:]{1,60}?)\s*·\s*(?P<t>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)$",
    )
});
static NAME_TIME: LazyLock<Regex> = LazyLock::new(|| {
    let re =
        r"^(?P<n>[^\t:()]{1,60}?)\s*\((?P<t>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)\)\s*:\s*(?P<x>.+)$";
    crate::ingest::dates::re(re)
});

impl ChatMail<'_> {
    /// Fields and transcript of `mail` in this layout (empty where not found).
    pub(super) fn read(
        &self,
        mail: &Mail,
        bot_names: &[&str],
        name_hint: Option<String>,
    ) -> (Fields, Vec<Message>) {
        let mut f = Fields::default();
        let mut lines = Vec::new();
        for html in [false, true] {
            // The HTML is converted only when the text part left something out.
            let enough = !lines.is_empty() && f.email.is_some() && f.page_url.is_some();
            if html && (enough || mail.html.is_none()) {
                break;
            }
            let text = if html { mail.html_text() } else { mail.text.as_str() };
            let text = text.replace('\u{a0}', " ");
            fill(&mut f.name, value(&text, self.name).filter(|v| !v.contains('@')));
            fill(&mut f.email, value(&text, self.email).filter(|v| v.contains('@')));
            fill(
                &mut f.phone,
                value(&text, self.phone).filter(|v| v.chars().filter(char::is_ascii_digit).count() >= 6),
            );
            fill(&mut f.page_url, value(&text, self.page).filter(|v| v.starts_with("http")));
            if lines.is_empty() {
                let visitor = f.name.as_deref().or(name_hint.as_deref());
                lines = chat_lines(&text, mail, visitor, bot_names);
            }
            if lines.is_empty()
                && let Some(m) = message_block(&text, self.message, self.message_ends)
            {
                let at = mail.sent_at;
                lines.push(Message { author: Author::Visitor, name: f.name.clone(), at, text: m });
            }
        }
        fill(&mut f.name, name_hint);
        (f, lines)
    }
}

fn fill(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v;
    }
}

/// The value after the first of `labels` that starts a line and is followed by
/// ":" or a tab (a label that merely begins another word does not count).
pub(super) fn value(text: &str, labels: &[&str]) -> Option<String> {
    for label in labels {
        for line in text.lines() {
            let l = line.trim();
            let Some(head) = l.get(..label.len()) else { continue };
            if !head.eq_ignore_ascii_case(label) {
                continue;
            }
            let rest = l.get(label.len()..).unwrap_or("");
            let rest = rest.trim_start_matches([' ', '\u{a0}']);
            let Some(v) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('\t')) else { continue };
            let v = v.trim();
            if !v.is_empty() && v.len() <= 300 {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// The text under a "Message" heading, up to a blank line followed by one of `ends`.
fn message_block(text: &str, heads: &[&str], ends: &[&str]) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| {
        let l = l.trim().trim_end_matches(':').trim();
        heads.iter().any(|h| l.eq_ignore_ascii_case(h))
    })?;
    let body: Vec<&str> = lines
        .get(start + 1..)?
        .iter()
        .map(|l| l.trim())
        .skip_while(|l| l.is_empty())
        .take_while(|l| !ends.iter().any(|e| l.contains(e)) && !l.starts_with("--"))
        .collect();
    let text = body.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Chat lines with their time placed on the mail's local date.
fn chat_lines(text: &str, mail: &Mail, visitor: Option<&str>, bots: &[&str]) -> Vec<Message> {
    let mut out = Vec::new();
    let all: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    for (i, line) in all.iter().enumerate() {
        let (t, name, words) = if let Some(c) = STAMPED.captures(line).or_else(|| NAME_TIME.captures(line)) {
            let (Some(t), Some(n), Some(x)) = (c.name("t"), c.name("n"), c.name("x")) else { continue };
            (t.as_str(), n.as_str().trim(), x.as_str().trim())
        } else if let Some(c) = NAME_DOT.captures(line) {
            // "Name · 10:32" above the message's own line.
            let (Some(t), Some(n), Some(x)) = (c.name("t"), c.name("n"), all.get(i + 1)) else { continue };
            (t.as_str(), n.as_str().trim(), x.trim())
        } else {
            continue;
        };
        let system = words.starts_with("***") || name.starts_with("***");
        let author = if system {
            Author::System
        } else if visitor.is_some_and(|v| v.eq_ignore_ascii_case(name)) {
            Author::Visitor
        } else if bots.iter().any(|b| name.to_lowercase().contains(b)) {
            Author::Bot
        } else if (visitor.is_none() && out.is_empty())
            || out.iter().any(|m: &Message| m.author == Author::Visitor && m.name.as_deref() == Some(name))
        {
            // No name given: the first speaker is the visitor, and so is anyone speaking under their name.
            Author::Visitor
        } else {
            Author::Agent
        };
        let text = if system {
            line.trim_start_matches(|c| c != '*').trim_matches(['*', ' ']).to_string()
        } else {
            words.to_string()
        };
        let name = (!system).then(|| name.to_string());
        out.push(Message { author, name, at: clock(t, mail), text });
    }
    out
}

/// A bare chat time on the mail's local date (the day before when that would
/// fall after the mail was sent).
fn clock(t: &str, mail: &Mail) -> Option<DateTime<Utc>> {
    let t = t.trim().to_uppercase();
    let time = ["%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&t, f).ok())?;
    let sent = mail.sent_at?;
    let offset = mail.offset.unwrap_or_else(|| Utc.fix());
    let day = sent.with_timezone(&offset).date_naive();
    let at = offset.from_local_datetime(&day.and_time(time)).single()?.with_timezone(&Utc);
    Some(if at > sent + chrono::Duration::minutes(5) { at - chrono::Duration::days(1) } else { at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_subject_patterns() {
        assert_eq!(
            name_in_subject("New Offline Message from Kwame Mensah [#1042]").as_deref(),
            Some("Kwame Mensah")
        );
        assert_eq!(
            name_in_subject("Chat Transcript: Northwind Outfitters - Dana Reyes").as_deref(),
            Some("Dana Reyes")
        );
        assert_eq!(
            name_in_subject("Chat perdido de Lucía Fernández - Tienda Sol").as_deref(),
            Some("Lucía Fernández")
        );
        assert_eq!(name_in_subject("Your weekly report"), None);
    }

    #[test]
    fn a_visitor_typing_tawk_to_is_not_evidence() {
        let raw = b"From: someone@example.test\r\nSubject: hello\r\n\r\nI found you on tawk.to, chat transcript please\r\n";
        let mail = crate::ingest::email::mail_of(raw).unwrap_or_default();
        assert!(Tawkto.recognise(&mail).is_none());
    }
}
