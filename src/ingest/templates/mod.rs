//! Templates taught by the user ([`crate::model::FormatTemplate`]) as one more
//! recogniser: chosen by the same evidence as the built-in ones (the sender
//! address, then the template's fixed wording found in the mail), read before
//! the generic reader fills what they leave.
//!
//! A template reads the text of the notification as the teaching view shows
//! it ([`teach_text`]: the plain body, or the HTML body as text), one line at
//! a time with whitespace collapsed, so HTML whitespace, line wrapping and
//! table layout do not matter; labels are matched case-insensitively; values
//! run to the end of their line (or below a heading, up to a blank line), so
//! any length reads; the transcript is every line between its two fixed
//! lines, so any length reads.
//!
//! Invariants: a template never guesses. A value is taken only when it looks
//! like what the field holds (an address for email, digits for a phone, a
//! URL for the page, a readable date for the date); when too little of the
//! template's wording is found, or found wording holds the wrong kind of
//! value, the mail is reported as no longer matching ([`Taught::Miss`]) and
//! the generic reader alone reads it: a changed layout is reported, never
//! mis-read. Never panics on any input.

mod derive;
mod read;
mod reread;

pub use derive::{Selection, TeachError, derive};
pub use read::{TemplateReading, read_with};
pub use reread::reread_batch;

use super::platforms::{Evidence, Mail, Reading};
use crate::model::FormatTemplate;

/// What the taught templates made of one mail.
#[derive(Debug)]
pub enum Taught {
    /// No template is for this sender.
    None,
    /// Template `id` read it.
    Read {
        /// The template.
        id: i64,
        /// Why it matched, for the handoff's notes.
        evidence: Evidence,
        /// What it read.
        reading: Box<Reading>,
    },
    /// The sender has a template, but this mail no longer matches it.
    Miss {
        /// The template.
        id: i64,
        /// What to tell the owner ("from bot@acme.test, but …").
        note: String,
    },
}

/// The text a template reads and the teaching view shows: the plain body
/// when it has substance, else the HTML body as text; each line's
/// whitespace (tabs, no-break spaces, runs) collapsed to one space.
pub fn teach_text(mail: &Mail) -> String {
    mail.body().lines().map(normalise).collect::<Vec<_>>().join("\n")
}

/// One line with its whitespace collapsed and trimmed.
pub(crate) fn normalise(line: &str) -> String {
    line.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Apply the template for this mail's sender, if there is one.
pub fn apply(taught: &[FormatTemplate], mail: &Mail) -> Taught {
    let Some(from) = mail.from_addr.as_deref() else { return Taught::None };
    let Some(t) = taught.iter().find(|t| t.sender.eq_ignore_ascii_case(from)) else { return Taught::None };
    let r = read_with(t, mail);
    if r.matches() {
        let mut why = format!("sender {from}; {} of {} labels found", r.found, r.total);
        why.push_str(&format!(" ({}, \"{}\")", t.taught_phrase(), t.name));
        Taught::Read { id: t.id, evidence: Evidence::new(100, why), reading: Box::new(r.reading) }
    } else {
        Taught::Miss { id: t.id, note: r.miss_note(t, from) }
    }
}

/// "3 notifications from bot@acme.test no longer match the template taught
/// on 2 Dec 2026: teach the format again from one of them", or `None`.
pub fn miss_report(t: &FormatTemplate, count: usize) -> Option<String> {
    (count > 0).then(|| {
        format!(
            "{count} notification{} from {} no longer match{} {}: open one and teach the format again",
            if count == 1 { "" } else { "s" },
            t.sender,
            if count == 1 { "es" } else { "" },
            t.taught_phrase()
        )
    })
}
