//! What every platform recogniser shares: the [`Mail`] it looks at, the
//! [`Evidence`] it gives, the [`Reading`] it returns, the [`Recogniser`]
//! trait, and small text helpers. The list of recognisers and the choice
//! between them are in [`super`].

use crate::ingest::fields::Fields;
use crate::model::{Author, Message};
use chrono::{DateTime, FixedOffset, Utc};

/// One notification email as the recognisers see it: the envelope, selected
/// headers, the bodies (the plain text, the HTML source and the HTML as
/// text), and text-like attachments (a transcript sent as .txt/.html/.json).
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// From's address, lower case.
    pub from_addr: Option<String>,
    /// From's display name.
    pub from_name: Option<String>,
    /// Reply-To's address, lower case.
    pub reply_to_addr: Option<String>,
    /// Reply-To's display name.
    pub reply_to_name: Option<String>,
    /// The subject line.
    pub subject: Option<String>,
    /// Every header as (lower-case name, value), in order.
    pub headers: Vec<(String, String)>,
    /// The plain-text body (empty when there is none).
    pub text: String,
    /// The HTML body's source, if any.
    pub html: Option<String>,
    /// [`Mail::html_text`], converted once when first asked for.
    pub(crate) html_text: std::cell::OnceCell<String>,
    /// [`Mail::html_lower`], lower-cased once when first asked for.
    pub(crate) html_lower: std::cell::OnceCell<String>,
    /// The subject lower-cased, once when first asked for.
    pub(crate) subject_lower: std::cell::OnceCell<String>,
    /// Text-like attachments: (file name, content type, text).
    pub attachments: Vec<(String, String, String)>,
    /// The Date header.
    pub sent_at: Option<DateTime<Utc>>,
    /// The Date header's offset (how the sender writes local times).
    pub offset: Option<FixedOffset>,
}

impl Mail {
    /// The HTML body as text (tables as tab-separated rows, see
    /// [`crate::ingest::html::to_text`]); empty when there is no HTML.
    pub fn html_text(&self) -> &str {
        self.html_text
            .get_or_init(|| self.html.as_deref().map(crate::ingest::html::to_text).unwrap_or_default())
    }

    /// The HTML body's source in ASCII lower case (empty when there is none),
    /// for markup markers whose case varies between senders.
    pub fn html_lower(&self) -> &str {
        self.html_lower.get_or_init(|| self.html.as_deref().map(str::to_ascii_lowercase).unwrap_or_default())
    }

    /// The sender's domain, lower case ("chatwoot.com").
    pub fn from_domain(&self) -> Option<&str> {
        self.from_addr.as_deref().and_then(|a| a.rsplit_once('@')).map(|(_, d)| d)
    }

    /// Whether the sender's domain is `domain` or one of its subdomains.
    pub fn from_domain_is(&self, domain: &str) -> bool {
        self.from_domain()
            .and_then(|d| d.strip_suffix(domain))
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    }

    /// The first header of this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body worth reading: the plain text when it has substance, else the HTML as text.
    pub fn body(&self) -> &str {
        if self.text.trim().len() >= 40 || self.html.is_none() { &self.text } else { self.html_text() }
    }

    /// Whether the subject contains `needle` (case-insensitive).
    pub fn subject_has(&self, needle: &str) -> bool {
        let subject =
            self.subject_lower.get_or_init(|| self.subject.as_deref().unwrap_or_default().to_lowercase());
        if needle.chars().any(char::is_uppercase) {
            subject.contains(&needle.to_lowercase())
        } else {
            subject.contains(needle)
        }
    }

    /// Whether either body (text, HTML source) contains `needle` (case-sensitive:
    /// template markers are fixed strings). The HTML is searched as written,
    /// not converted: recognising must stay cheap, and only the mail chosen
    /// pays for the conversion.
    pub fn body_has(&self, needle: &str) -> bool {
        self.text.contains(needle) || self.html.as_deref().is_some_and(|h| h.contains(needle))
    }
}

/// How sure a recogniser is that a mail is its platform's, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// 1 (a weak hint) to 100 (certain: the platform's own header or sender).
    pub score: u8,
    /// Why, for people: "sender domain chatwoot.com; subject 'New message…'".
    pub why: String,
}

impl Evidence {
    /// Evidence of `score` for `why`.
    pub fn new(score: u8, why: impl Into<String>) -> Evidence {
        Evidence { score, why: why.into() }
    }
}

/// What a recogniser read.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The fields found (what is left `None` the generic reader fills).
    pub fields: Fields,
    /// The conversation in the platform's layout; empty: the generic reader looks.
    pub transcript: Vec<Message>,
    /// `Some(why)`: one of the platform's notifications that is not a handoff
    /// (a password reset, a weekly digest): kept raw with this reason.
    pub not_a_handoff: Option<String>,
    /// The platform's product name when the mail names it ("Chatwoot").
    pub platform_name: Option<String>,
}

/// One platform's notification layout.
pub trait Recogniser: Sync {
    /// Short, stable name: the file's name ("chatwoot").
    fn name(&self) -> &'static str;
    /// How sure this is the platform's mail, and why; `None` when it is not.
    fn recognise(&self, mail: &Mail) -> Option<Evidence>;
    /// Read the mail (called only after [`Recogniser::recognise`] said yes).
    fn read(&self, mail: &Mail) -> Reading;
}

/// A message for a transcript.
pub fn message(author: Author, name: Option<&str>, at: Option<DateTime<Utc>>, text: &str) -> Message {
    Message {
        author,
        name: name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
        at,
        text: text.trim().to_string(),
    }
}

/// The text between the first line containing `start` and the next line
/// containing one of `ends` (exclusive), as lines; empty when `start` is absent.
pub fn section<'t>(text: &'t str, start: &str, ends: &[&str]) -> Vec<&'t str> {
    let mut lines = text.lines().skip_while(|l| !l.contains(start));
    if lines.next().is_none() {
        return Vec::new();
    }
    lines.take_while(|l| !ends.iter().any(|e| l.contains(e))).collect()
}

/// The value after `label` on the first line that starts with it (after
/// trimming and an optional `*`/`-` bullet): `"Email: dana@x.test"` → `dana@x.test`.
/// A label alone on its line takes the next non-empty line.
pub fn labelled<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim().trim_start_matches(['*', '-', '•']).trim();
        let Some(rest) = strip_prefix_ci(l, label) else { continue };
        let rest = rest.trim_start_matches(['*']).trim();
        let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('\t')).unwrap_or(rest).trim();
        let rest = rest.trim_matches('*').trim();
        if !rest.is_empty() {
            return Some(rest);
        }
        return lines.get(i + 1..)?.iter().map(|l| l.trim()).find(|l| !l.is_empty());
    }
    None
}

fn strip_prefix_ci<'t>(s: &'t str, prefix: &str) -> Option<&'t str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}
