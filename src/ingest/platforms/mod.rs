//! Platform recognisers: one file per chatbot or helpdesk platform whose
//! notification emails have a known layout (its own mail templates), chosen by
//! evidence, read before the generic labelled-field reader fills what they
//! leave.
//!
//! How a notification is read ([`crate::ingest::email::parse_email`]):
//! 1. every recogniser in [`RECOGNISERS`] looks at the [`Mail`] cheaply
//!    ([`Recogniser::recognise`]: sender domain, headers such as X-Mailer,
//!    template markers in the subject or body) and says how sure it is and why;
//! 2. the most sure one reads the mail ([`Recogniser::read`]) into a
//!    [`Reading`]: the fields it knows where to find, the transcript in the
//!    platform's own layout, or that this mail is one of the platform's
//!    notifications that is not a handoff;
//! 3. the generic reader ([`super::fields`], [`super::transcript`]) fills every
//!    field the recogniser left empty, and the handoff records which
//!    recogniser read it and why (`platform` = `email:<name>`, and a line in
//!    `parse_notes`).
//!
//! Adding a platform is one file here (and its line in [`RECOGNISERS`]) plus its
//! fixtures under `tests/fixtures/corpus/email/<name>/`, each with an
//! expected JSON naming where the layout comes from.
//!
//! Invariants: recognisers never panic on any input and never drop
//! anything: what they cannot find they leave empty for the generic reader.
//! Evidence is never the visitor's own text alone (a visitor who types
//! "chatwoot" must not switch readers): it is the sender, the headers or the
//! template's fixed wording.

use super::fields::Fields;
use crate::model::{Author, Message};
use chrono::{DateTime, FixedOffset, Utc};

pub mod botpress;
pub mod chatwoot;
pub mod copilot;
pub mod crisp;
pub mod dialogflow;
pub mod drift;
pub mod forms;
pub mod freshworks;
pub mod hubspot;
pub mod intercom;
pub mod landbot;
pub mod livechat;
pub mod liveperson;
pub mod manychat;
pub mod rocketchat;
pub mod smartsupp;
pub mod tawkto;
pub mod tidio;
pub mod tiledesk;
pub mod typebot;
pub mod userlike;
pub mod voiceflow;
pub mod zammad;
pub mod zendesk;

/// Every recogniser, in no particular order: the evidence decides.
pub static RECOGNISERS: &[&dyn Recogniser] = &[
    &botpress::Botpress,
    &chatwoot::Chatwoot,
    &copilot::Copilot,
    &crisp::Crisp,
    &dialogflow::Dialogflow,
    &drift::Drift,
    &forms::Forms,
    &freshworks::Freshworks,
    &hubspot::Hubspot,
    &intercom::Intercom,
    &landbot::Landbot,
    &livechat::Livechat,
    &liveperson::Liveperson,
    &manychat::Manychat,
    &rocketchat::Rocketchat,
    &smartsupp::Smartsupp,
    &tawkto::Tawkto,
    &tidio::Tidio,
    &tiledesk::Tiledesk,
    &typebot::Typebot,
    &userlike::Userlike,
    &voiceflow::Voiceflow,
    &zammad::Zammad,
    &zendesk::Zendesk,
];

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
        self.html_text.get_or_init(|| self.html.as_deref().map(super::html::to_text).unwrap_or_default())
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

/// The recogniser with the strongest evidence, if any claims the mail.
pub fn pick(mail: &Mail) -> Option<(&'static dyn Recogniser, Evidence)> {
    RECOGNISERS
        .iter()
        .filter_map(|r| r.recognise(mail).map(|e| (*r, e)))
        .max_by(|a, b| a.1.score.cmp(&b.1.score).then_with(|| b.0.name().cmp(a.0.name())))
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

#[cfg(test)]
mod fixtures {
    use super::RECOGNISERS;

    /// Every email in these platforms' corpus folders
    /// (`tests/fixtures/corpus/email/<name>/`) is read by that platform's
    /// recogniser: as a handoff, or kept raw as one of its non-handoff mails.
    /// (Other folders also hold mails the generic reader reads on purpose,
    /// such as form plugins' localised variants.)
    /// `HANDOFF_DEBUG_FIXTURES=1` prints what each was read as.
    #[test]
    fn every_platform_folder_is_read_by_its_own_recogniser() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/email");
        let mut checked = 0;
        let whole = ["chatwoot", "rocketchat", "tiledesk", "typebot"];
        for r in RECOGNISERS.iter().filter(|r| whole.contains(&r.name())) {
            let Ok(dir) = std::fs::read_dir(root.join(r.name())) else { continue };
            for path in dir.flatten().map(|f| f.path()).filter(|p| p.extension().is_some_and(|e| e == "eml"))
            {
                let raw = std::fs::read(&path).unwrap();
                let mut h = crate::ingest::email::parse_email(&raw, crate::model::SourceKind::Import);
                crate::ingest::reason::finish(&mut h);
                if std::env::var("HANDOFF_DEBUG_FIXTURES").is_ok() {
                    eprintln!(
                        "{}: {:?} {:?} {:?} {:?}",
                        path.display(),
                        h.parse_status,
                        h.platform,
                        h.visitor,
                        h.reason
                    );
                    for m in &h.transcript {
                        eprintln!("    {:?} {:?} {:?}: {}", m.author, m.name, m.at, m.text);
                    }
                }
                let want = format!("email:{}", r.name());
                assert_eq!(h.platform.as_deref(), Some(want.as_str()), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 0, "no platform fixtures under {}", root.display());
    }
}
