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

pub use derive::{Selection, TeachError, derive};
pub use read::{TemplateReading, read_with};

use super::platforms::{Evidence, Mail, Reading};
use super::{Parsed, email};
use crate::error::Result;
use crate::model::{FormatTemplate, ParseStatus, RawKind};
use crate::store::Store;
use chrono::{DateTime, Utc};

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

/// Re-read the flagged emails of a batch with the taught templates before it
/// is stored: a raw or partial email from a sender with a template is parsed
/// again with it; one that no longer matches is counted on the template.
/// Nothing is dropped: the re-reading replaces the first one only as a whole.
pub fn reread_batch(store: &Store, items: &mut [Parsed], now: DateTime<Utc>) -> Result<()> {
    let taught = store.templates()?;
    if taught.is_empty() {
        return Ok(());
    }
    for item in items.iter_mut() {
        let Parsed::Handoff(h) = item else { continue };
        if h.raw_kind != RawKind::Email || h.parse_status == ParseStatus::Ok || h.raw.is_empty() {
            continue;
        }
        let (again, outcome) = email::parse_email_taught(&h.raw, h.source, &taught);
        match outcome {
            Taught::None => {}
            Taught::Read { .. } => {
                let received_at = h.received_at;
                let hint = h.workspace_hint.take();
                **h = again;
                h.received_at = received_at;
                h.workspace_hint = hint;
                super::reason::finish(h);
            }
            Taught::Miss { id, note } => {
                store.record_template_miss(id, &h.source_key, now)?;
                if !h.parse_notes.contains(&note) {
                    h.parse_notes.push(note);
                }
            }
        }
    }
    Ok(())
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
