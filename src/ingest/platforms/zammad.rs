//! Zammad notification emails (to agents, about tickets).
//!
//! Layout sources (zammad/zammad):
//! - `app/views/mailer/ticket_create/<locale>.html.erb`: first line the
//!   subject ("New Ticket (TITLE)", de "Neues Ticket (TITLE)"), then "A new
//!   ticket (TITLE) has been created by "<b>CREATOR</b>"." (de "es wurde ein
//!   neues Ticket (TITLE) von "<b>CREATOR</b>" erstellt."), Group / Owner /
//!   State, "Information:" with the first article in a
//!   `<blockquote type="cite">`, and a link to `#ticket/zoom/<id>`;
//! - `app/views/mailer/ticket_update/<locale>.html.erb`: "Updated Ticket
//!   (TITLE)", "… has been updated by "<b>EDITOR</b>".", Changes, the new
//!   article in the same blockquote;
//! - `app/views/mailer/application.html.erb`: the header "<product>
//!   Notification" and the footer "Manage your notifications settings";
//! - `Channel::EmailBuild`: `X-Mailer: Zammad Mail Service`; notifications
//!   carry Message-IDs `<notification.…@fqdn>` and `[Ticket#N]` in the subject.
//!
//! The creator's "longname" may end with the organisation in parentheses,
//! which is dropped from the visitor's name. Zammad's account mails
//! (password change or reset, invitations) are not handoffs.

use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::ingest::dates::re;
use crate::ingest::html::to_text;
use crate::model::Author;
use regex::Regex;
use std::sync::LazyLock;

/// Zammad.
pub struct Zammad;

/// The ticket notifications' subjects (English, German and a few more locales).
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:new ticket|neues ticket|updated ticket|ticket aktualisiert|nouveau ticket|ticket mis à jour|nuevo ticket|ticket actualizado|nuovo ticket|novo chamado|nieuw ticket)\s*\(",
    )
});
/// "by "<b>NAME</b>"" / "von "<b>NAME</b>"" (any locale: the quoted bold name).
static BY: LazyLock<Regex> = LazyLock::new(|| re(r#"(?is)["„“]\s*<b>\s*([^<]{1,160}?)\s*</b>\s*["“”]"#));
/// The article quoted under "Information:".
static ARTICLE: LazyLock<Regex> = LazyLock::new(|| re(r#"(?is)<blockquote type="cite">(.*?)</blockquote>"#));
/// The ticket link.
static ZOOM: LazyLock<Regex> = LazyLock::new(|| re(r"#ticket/zoom/\d+"));
/// A phone number written in the article (international form).
static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"\+\d[\d ().-]{6,18}\d"));
/// A greeting or signature line that is not the message itself.
static FILLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(hello|hi|hallo|guten tag|bonjour|hola|thanks|thank you|danke|cheers|regards|best|viele grüße|mfg)\b[^.?!]{0,25}[,!]?$",
    )
});

impl Recogniser for Zammad {
    fn name(&self) -> &'static str {
        "zammad"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let mailer = mail.header("x-mailer").is_some_and(|m| m.contains("Zammad"));
        let subject = mail.subject.as_deref().unwrap_or("");
        if mailer && SUBJECT.is_match(subject) {
            return Some(Evidence::new(
                97,
                "X-Mailer 'Zammad Mail Service' and a ticket notification subject",
            ));
        }
        if mailer {
            return Some(Evidence::new(90, "X-Mailer 'Zammad Mail Service'"));
        }
        let zoom = mail.html.as_deref().is_some_and(|h| ZOOM.is_match(h)) || ZOOM.is_match(&mail.text);
        if zoom && (SUBJECT.is_match(subject) || subject.contains("[Ticket#")) {
            return Some(Evidence::new(88, "Zammad ticket subject and its #ticket/zoom/ link"));
        }
        if zoom && mail.body_has("target=\"zammad_app\"") {
            return Some(Evidence::new(80, "Zammad's ticket link (target zammad_app)"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Zammad".into()), ..Reading::default() };
        let html = mail.html.as_deref().unwrap_or("");
        let zoom = ZOOM.is_match(html) || ZOOM.is_match(&mail.text);
        if !zoom {
            r.not_a_handoff = Some("a Zammad account email, not about a ticket".into());
            return r;
        }
        let who = BY.captures(html).and_then(|c| c.get(1)).map(|m| person(&to_text(m.as_str())));
        r.fields.name = who.clone().filter(|n| !n.is_empty() && n != "-");
        if let Some(a) = ARTICLE.captures(html).and_then(|c| c.get(1)) {
            let lines: Vec<String> = to_text(a.as_str())
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect();
            // Greeting and signature lines stay out of the message.
            let body: Vec<&str> = lines
                .iter()
                .map(String::as_str)
                .filter(|l| {
                    !FILLER.is_match(l) && r.fields.name.as_deref().is_none_or(|n| !n.starts_with(*l))
                })
                .collect();
            let text = if body.is_empty() { lines.join(" ") } else { body.join(" ") };
            if !text.is_empty() {
                r.fields.phone = PHONE.find(&text).map(|m| m.as_str().to_string());
                r.transcript.push(message(Author::Visitor, r.fields.name.as_deref(), mail.sent_at, &text));
            }
        }
        r.fields.escalated = mail.sent_at;
        r
    }
}

/// A longname without its "(Organisation)" tail.
fn person(longname: &str) -> String {
    let name = longname.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.rsplit_once(" (") {
        Some((n, org)) if org.ends_with(')') => n.trim().to_string(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longnames_lose_their_organisation() {
        assert_eq!(person("Raj Patel (Meridian Analytics)"), "Raj Patel");
        assert_eq!(person("Lena  Hoffmann"), "Lena Hoffmann");
    }

    /// Every Zammad fixture is claimed by this recogniser.
    #[test]
    fn the_corpus_folder_is_read_as_zammad() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/email/zammad");
        for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = f.path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            let mut h = crate::ingest::email::parse_email(&raw, crate::model::SourceKind::Import);
            crate::ingest::reason::finish(&mut h);
            if std::env::var("HANDOFF_DEBUG_FIXTURES").is_ok() {
                eprintln!(
                    "{}: {:?} {:?} reason={:?} esc={:?}\n  notes={:?}",
                    path.display(),
                    h.parse_status,
                    h.visitor,
                    h.reason,
                    h.escalated_at,
                    h.parse_notes
                );
                for m in &h.transcript {
                    eprintln!("    {:?} {:?} {:?}: {}", m.author, m.name, m.at, m.text);
                }
            }
            assert_eq!(h.platform.as_deref(), Some("email:zammad"), "{}", path.display());
        }
    }
}
