//! LiveChat / HelpDesk (Text, Inc.) notification emails, and the chat-line
//! reading the other live-chat widget recognisers share (`drift`,
//! `freshworks`, `landbot`, `smartsupp`, `userlike`).
//!
//! Layout source: no public template or raw sample of LiveChat's mails was
//! found (LiveChat's help centre and GitHub searched); the layouts are
//! reconstructed from the product (documented in the fixtures' `source`):
//! - chat transcript (`Chat transcript with <visitor>`, and the localised
//!   "Trascrizione della chat con …"): a details block ("Visitor", "Email",
//!   "Chat started on", "Agents", "Group", "Chat ID") then `[time] name: text`
//!   lines (tab-separated cells in the HTML part);
//! - offline message turned ticket (`New ticket #N from <visitor>`): Name,
//!   E-mail, Phone, Page URL, then the "Message";
//! - HelpDesk new-ticket notification: "Requester: Name <address>" and
//!   "<name> wrote:" above the message;
//! - reports and summaries from the same senders are not handoffs.
//!
//! Evidence: the sender domain (livechatinc.com, livechat.com, text.com,
//! helpdesk.com) plus the template's fixed wording; the wording alone
//! (without the sender) is weak evidence, so a forwarded copy still matches.

use super::{Evidence, Mail, Reading, Recogniser, labelled, message};
use crate::model::{Author, Message};
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// LiveChat / HelpDesk.
pub struct Livechat;

const DOMAINS: &[&str] = &["livechatinc.com", "livechat.com", "text.com", "helpdesk.com"];
/// Fixed wording of the handoff templates (subject or body), in the languages seen.
const MARKERS: &[&str] = &[
    "Chat transcript",
    "transcript of your chat",
    "Trascrizione della chat",
    "Chat-Transkript",
    "Transcripción del chat",
    "Transcription du chat",
    "New ticket",
    "A new ticket has been created",
    "left a message while your agents were offline",
];
/// Subjects of the same senders that are not handoffs.
const NOT_HANDOFF: &[&str] =
    &["summary", "report", "invoice", "receipt", "password", "verify", "welcome to", "trial", "webinar"];

impl Recogniser for Livechat {
    fn name(&self) -> &'static str {
        "livechat"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let domain = DOMAINS.iter().find(|d| mail.from_domain_is(d));
        let marker = MARKERS.iter().find(|m| mail.subject_has(m) || mail.body_has(m));
        let link = mail.body_has("my.livechatinc.com") || mail.body_has("app.helpdesk.com");
        match (domain, marker) {
            (Some(d), Some(m)) => {
                Some(Evidence::new(95, format!("sender domain {d}; template wording '{m}'")))
            }
            (Some(d), None) => Some(Evidence::new(70, format!("sender domain {d}"))),
            (None, Some(m)) if link => {
                Some(Evidence::new(45, format!("LiveChat link and template wording '{m}'")))
            }
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some(product(mail).into()), ..Reading::default() };
        let body = mail.body();
        let handoffish = MARKERS.iter().any(|m| mail.subject_has(m) || mail.body_has(m));
        if !handoffish && NOT_HANDOFF.iter().any(|w| mail.subject_has(w)) {
            r.not_a_handoff = Some(format!("a {} account or report mail, not a chat", product(mail)));
            return r;
        }
        contact_fields(body, &mut r.fields);
        let f = &mut r.fields;
        if let Some(req) = labelled(body, "Requester") {
            let (name, email) = name_and_address(req);
            f.name = f.name.take().or(name);
            f.email = email;
        }
        let visitor = f.name.clone();
        r.transcript = chat_lines(mail, body, visitor.as_deref(), &[], &["LiveChat ·", "Chat duration"]);
        if r.transcript.is_empty() {
            let text =
                message_after(body, |l| is_label_line(l, &["Message", "Messaggio", "Nachricht", "Mensaje"]))
                    .or_else(|| message_after(body, |l| l.trim_end().ends_with(" wrote:")));
            if let Some(text) = text {
                r.transcript.push(message(Author::Visitor, visitor.as_deref(), mail.sent_at, &text));
            }
        }
        r
    }
}

fn product(mail: &Mail) -> &'static str {
    if mail.from_domain_is("helpdesk.com") || mail.subject_has("[HelpDesk]") {
        "HelpDesk"
    } else {
        "LiveChat"
    }
}

// ---- shared by the live-chat widget recognisers ----

const NAME_LABELS: &[&str] = &[
    "Visitor",
    "Visitatore",
    "Besucher",
    "Bezoeker",
    "Visitante",
    "Visiteur",
    "Návštěvník",
    "Contact",
    "Kontakt",
    "Name",
    "Nome",
    "Naam",
    "Jméno",
    "Nombre",
    "Nom",
];
const EMAIL_LABELS: &[&str] = &["Email", "E-mail", "E-Mail", "Visitor email", "Correo"];
const PHONE_LABELS: &[&str] = &["Phone", "Telefon", "Telefono", "Telefoon", "Teléfono", "Téléphone", "Tel"];
const PAGE_LABELS: &[&str] = &[
    "Chat started on",
    "Chat iniziata su",
    "Started on",
    "Page URL",
    "Page",
    "Pagina",
    "Seite",
    "Stránka",
    "Página",
    "URL",
];

/// The visitor's name, address, phone and page from the labels the widget
/// platforms use in their languages, each only when it looks like one.
pub(crate) fn contact_fields(body: &str, f: &mut super::super::fields::Fields) {
    let first = |labels: &[&str], ok: &dyn Fn(&str) -> bool| {
        labels.iter().filter_map(|l| label_value(body, l)).find(|v| ok(v)).map(str::to_string)
    };
    f.name = f.name.take().or_else(|| {
        first(NAME_LABELS, &|v| {
            !v.contains('@') && !v.contains("://") && v.chars().any(char::is_alphabetic) && v.len() <= 80
        })
    });
    f.email = f.email.take().or_else(|| first(EMAIL_LABELS, &|v| v.contains('@') && !v.contains(' ')));
    f.phone = f.phone.take().or_else(|| {
        first(PHONE_LABELS, &|v| v.chars().filter(char::is_ascii_digit).count() >= 6 && !v.contains('@'))
    });
    f.page_url =
        f.page_url.take().or_else(|| first(PAGE_LABELS, &|v| v.starts_with("http") && !v.contains(' ')));
}

/// Like [`labelled`], but the label must be a whole word: "Telefon" does not
/// take the line "Telefono: …", "Tel" not "Telefon: …".
pub(crate) fn label_value<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let lines: Vec<&str> = text.lines().take(2_000).collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim().trim_start_matches(['*', '-', '•']).trim();
        let Some(head) = l.get(..label.len()) else { continue };
        let Some(rest) = l.get(label.len()..) else { continue };
        if !head.eq_ignore_ascii_case(label) || !(rest.is_empty() || rest.starts_with([':', '\t', ' ', '*']))
        {
            continue;
        }
        let rest = rest.trim_start_matches(['*', ' ']);
        let Some(rest) =
            rest.strip_prefix(':').or_else(|| rest.strip_prefix('\t')).or(rest.is_empty().then_some(rest))
        else {
            continue;
        };
        let rest = rest.trim().trim_matches('*').trim();
        if !rest.is_empty() {
            return Some(rest);
        }
        return lines.get(i + 1..)?.iter().map(|l| l.trim()).find(|l| !l.is_empty());
    }
    None
}

/// "Dana Reyes <dana@x.test>" or "Dana Reyes (dana@x.test)" → (name, address).
pub(crate) fn name_and_address(v: &str) -> (Option<String>, Option<String>) {
    let Some(i) = v.find(['<', '(']) else {
        return if v.contains('@') {
            (None, Some(v.trim().to_string()))
        } else {
            (Some(v.trim().to_string()), None)
        };
    };
    let name = v[..i].trim().trim_matches('"').trim();
    let addr = v[i + 1..].trim_end_matches(['>', ')']).trim();
    let name = (!name.is_empty()).then(|| name.to_string());
    (name, addr.contains('@').then(|| addr.to_string()))
}

/// Whether the line is just `label` (with an optional colon), any of `labels`.
pub(crate) fn is_label_line(line: &str, labels: &[&str]) -> bool {
    let l = line.trim().trim_end_matches(':').trim();
    labels.iter().any(|x| l.eq_ignore_ascii_case(x))
}

/// The paragraph after the first line `header` accepts: its non-empty lines
/// up to the next blank line once text began (a "Message" label, a
/// "<name> wrote:" line, a "21:17 Peter" speaker header).
pub(crate) fn message_after(text: &str, header: impl Fn(&str) -> bool) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| !header(l));
    lines.next()?;
    let mut out: Vec<&str> = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        out.push(t);
    }
    let text = out.join("\n");
    (!text.is_empty() && text.len() <= 10_000).then_some(text)
}

/// A speaker whose words are still being read: name, time, lines so far.
type Open = (String, Option<DateTime<Utc>>, Vec<String>);

const TIME: &str = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?";
/// `[10:32] Name: text`, `10:32 Name: text`, `[10:32]<TAB>Name<TAB>text`.
static TIME_FIRST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(r"^\[?(?P<t>{TIME})\]?(?:\t+|\s+)(?P<n>[^\t:]{{1,60}}?)(?::\s+|\t+)(?P<x>\S.*)$"))
        .ok()
});
/// `Name (10:32): text`, `Name (10:32 AM): text`.
static NAME_FIRST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?P<n>[^\t:()]{{1,60}}?)\s+\((?P<t>{TIME})\):\s+(?P<x>\S.*)$")).ok()
});
/// A speaker header with the words below: `Emma Clarke - 4:14 PM`,
/// `Sam Patel · 3:02 PM`, `Aiko Tanaka 11:48 PM`, `21:17 Peter Novak`.
static HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:(?P<n>[^\t:]{{1,60}}?)\s+(?:[-–·|]\s+)?(?P<t>{TIME})|(?P<t2>{TIME})\s+(?P<n2>[^\t:]{{1,60}}))$"
    ))
    .ok()
});

/// Timestamped chat lines in the layouts the widget platforms use (see the
/// statics above), from the first such line to the first line starting with
/// one of `ends`. Authors: the visitor by name (or a "visitor" role word), bots by
/// name ("ChatBot", "Ulli (Bot)", "Mira (AI)", "Freddy" via `bots`), everyone
/// else an agent. Bare times are placed on the mail's local date (the day
/// before when that would be after the mail was sent).
pub(crate) fn chat_lines(
    mail: &Mail,
    text: &str,
    visitor: Option<&str>,
    bots: &[&str],
    ends: &[&str],
) -> Vec<Message> {
    let mut out: Vec<Message> = Vec::new();
    let mut open: Option<Open> = None;
    let flush = |open: &mut Option<Open>, out: &mut Vec<Message>| {
        if let Some((name, at, words)) = open.take()
            && !words.is_empty()
        {
            out.push(message(author(&name, visitor, bots), Some(&name), at, &words.join("\n")));
        }
    };
    for line in text.lines().take(5_000) {
        let l = line.trim();
        if (!out.is_empty() || open.is_some()) && ends.iter().any(|e| l.starts_with(e)) {
            break;
        }
        let caps = [&TIME_FIRST, &NAME_FIRST].iter().find_map(|re| re.as_ref().as_ref()?.captures(l));
        if let Some(c) = caps {
            flush(&mut open, &mut out);
            let (name, t, x) = (&c["n"], &c["t"], &c["x"]);
            out.push(message(author(name, visitor, bots), Some(name), at_local(mail, t), x));
            continue;
        }
        if let Some(c) = HEADER.as_ref().and_then(|re| re.captures(l)) {
            let name = c.name("n").or_else(|| c.name("n2")).map_or("", |m| m.as_str());
            let t = c.name("t").or_else(|| c.name("t2")).map_or("", |m| m.as_str());
            if !super::super::fields::is_label(name) {
                flush(&mut open, &mut out);
                open = Some((name.to_string(), at_local(mail, t), Vec::new()));
                continue;
            }
        }
        match open.as_mut() {
            Some((_, _, words)) if !l.is_empty() => words.push(l.to_string()),
            Some((_, _, words)) if !words.is_empty() => flush(&mut open, &mut out),
            _ => {}
        }
    }
    flush(&mut open, &mut out);
    out
}

/// Who wrote a line, by the speaker's name.
pub(crate) fn author(name: &str, visitor: Option<&str>, bots: &[&str]) -> Author {
    let n = name.trim().to_lowercase();
    if visitor.is_some_and(|v| v.trim().eq_ignore_ascii_case(name.trim())) {
        return Author::Visitor;
    }
    let bot = n.ends_with("bot")
        || n.contains("bot ")
        || n.contains("(bot)")
        || n.contains("(ai)")
        || n.ends_with(" ai")
        || n.contains("assistant")
        || n.contains("assistent")
        || bots.iter().any(|b| n == *b || n.starts_with(&format!("{b} ")));
    if bot {
        return Author::Bot;
    }
    match super::super::transcript::role_word(name) {
        Some(role) => role,
        None if visitor.is_none() && n.contains("visitor") => Author::Visitor,
        None => Author::Agent,
    }
}

/// A bare time on the mail's local date (the day before when later than the mail).
pub(crate) fn at_local(mail: &Mail, t: &str) -> Option<DateTime<Utc>> {
    let sent = mail.sent_at?;
    let offset = mail.offset.unwrap_or(FixedOffset::east_opt(0)?);
    let norm = t.replace('.', ":").replace(' ', "").to_uppercase();
    let time = ["%I:%M:%S%p", "%I:%M%p", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&norm, f).ok())?;
    let local = sent.with_timezone(&offset);
    let at = local.date_naive().and_time(time).and_local_timezone(offset).single()?.to_utc();
    Some(if at > sent + Duration::minutes(5) { at - Duration::days(1) } else { at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::email::mail_of;

    fn mail(from: &str, subject: &str, body: &str) -> Mail {
        let raw = format!(
            "From: {from}\r\nTo: a@acme.test\r\nSubject: {subject}\r\nDate: Thu, 19 Nov 2026 14:36:12 +0100\r\n\r\n{body}"
        );
        mail_of(raw.as_bytes()).unwrap_or_default()
    }

    #[test]
    fn a_visitor_typing_the_wording_does_not_make_it_livechat() {
        let m = mail("Dana <dana@example.com>", "hello", "Chat transcript please, I use LiveChat");
        assert!(Livechat.recognise(&m).is_none());
        let m = mail("LiveChat <no-reply@livechatinc.com>", "Chat transcript with Dana", "Visitor: Dana\n");
        assert!(Livechat.recognise(&m).is_some_and(|e| e.score >= 90));
    }

    #[test]
    fn chat_lines_read_the_widget_layouts_and_authors() {
        let body = "Visitor: Dana Reyes\n[2:32:05 PM] Dana Reyes: Hi\n[2:32:07 PM] ChatBot: Hello\n\
                    Mark Olsen (2:33 PM): Mark here\n21:17 Peter\nwords below\n";
        let m = mail("LiveChat <no-reply@livechatinc.com>", "Chat transcript", body);
        let t = chat_lines(&m, body, Some("Dana Reyes"), &[], &[]);
        let authors: Vec<Author> = t.iter().map(|m| m.author).collect();
        assert_eq!(authors, [Author::Visitor, Author::Bot, Author::Agent, Author::Agent]);
        assert_eq!(t[3].text, "words below");
        assert_eq!(t[0].at.map(|t| t.to_rfc3339()), Some("2026-11-19T13:32:05+00:00".into()));
    }

    #[test]
    fn labels_are_whole_words() {
        assert_eq!(label_value("Telefono: +39 02 555\nTelefon: +420 555", "Telefon"), Some("+420 555"));
        assert_eq!(label_value("Name\n\nDana", "Name"), Some("Dana"));
        assert_eq!(
            name_and_address("Priya Nair <priya@example.com>").1.as_deref(),
            Some("priya@example.com")
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for body in ["", "é:é", "[99:99 PM] x: y", "Name:", "\t\t\t", "Aé 1:00 PM", "Requester: ("] {
            let m = mail("LiveChat <no-reply@livechatinc.com>", "New ticket", body);
            let _ = Livechat.read(&m);
            let _ = chat_lines(&m, body, None, &[], &[]);
            let _ = at_local(&m, "13:61");
        }
    }
}
