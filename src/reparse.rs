//! Re-reading stored records with this version's readers (`handoff reparse`,
//! the window's "read again" offer): the engine half. Each stored raw source
//! is parsed here exactly as an import parses it, and the store decides what
//! the new reading may change ([`crate::store::Store::apply_reread`]).
//!
//! Invariants: the raw source is only read; each record is its own
//! transaction, so an interrupted run leaves whole records behind and a
//! re-run finishes the job; records already read as well or better are left
//! alone, so a second run changes nothing.

use crate::error::Result;
use crate::ingest::{Parsed, email, reason, templates, webhook};
use crate::model::{FormatTemplate, NewHandoff, ParseStatus, RawKind};
use crate::store::{Reread, RereadFilter, Store, StoredSource};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a run did: records by their parse status afterwards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReparseSummary {
    /// Records looked at.
    pub seen: usize,
    /// Now (or still) fully read.
    pub ok: usize,
    /// Partly read.
    pub partial: usize,
    /// Still raw.
    pub raw: usize,
    /// Records whose new reading replaced the stored fields.
    pub improved: usize,
    /// Records that could not be read again (raw source missing or damaged).
    pub failed: usize,
}

/// One record's outcome, for the caller to report.
#[derive(Debug)]
pub enum Step<'a> {
    /// Read again; `read` is what today's readers made of it.
    Done {
        /// The stored source.
        source: &'a StoredSource,
        /// What the store did.
        done: &'a Reread,
        /// Today's reading.
        read: &'a NewHandoff,
    },
    /// Its raw source could not be loaded.
    Failed {
        /// The handoff.
        id: i64,
        /// Why.
        why: String,
    },
}

/// Read every record `filter` selects again; `each` hears about each one.
/// With `dry_run` nothing is written, and the outcome is the one a real run would have.
pub fn reparse(
    store: &mut Store,
    filter: &RereadFilter,
    dry_run: bool,
    now: DateTime<Utc>,
    mut each: impl FnMut(Step<'_>),
) -> Result<ReparseSummary> {
    let mut sum = ReparseSummary::default();
    let taught = store.templates()?;
    for id in store.reread_ids(filter)? {
        sum.seen += 1;
        let source = match store.stored_source(id) {
            Ok(s) => s,
            Err(e) => {
                sum.failed += 1;
                each(Step::Failed { id, why: e.to_string() });
                continue;
            }
        };
        let (read, miss) = read_again(&source, &taught);
        if let Some(template) = miss
            && !dry_run
        {
            store.record_template_miss(template, &read.source_key, now)?;
        }
        let done = store.apply_reread(id, &read, now, dry_run)?;
        sum.improved += usize::from(done.upgraded);
        match done.to {
            ParseStatus::Ok => sum.ok += 1,
            ParseStatus::Partial => sum.partial += 1,
            ParseStatus::Raw => sum.raw += 1,
        }
        each(Step::Done { source: &source, done: &done, read: &read });
    }
    Ok(sum)
}

/// Parse a stored raw source as an import does: an email with the email
/// reader and the taught templates, JSON with the webhook reader, then the
/// reason finisher. A JSON source that now reads as an event that is no
/// handoff gives a raw reading, which leaves the record as it is. Also the
/// template this email no longer matches, if any.
pub fn read_again(s: &StoredSource, taught: &[FormatTemplate]) -> (NewHandoff, Option<i64>) {
    let mut miss = None;
    let mut h = match s.raw_kind {
        RawKind::Email => {
            let (h, outcome) = email::parse_email_taught(&s.raw, s.source, taught);
            if let templates::Taught::Miss { id, .. } = outcome {
                miss = Some(id);
            }
            h
        }
        RawKind::Json => {
            let handoff = webhook::parse_webhook(&s.raw, s.source).into_iter().find_map(|p| match p {
                Parsed::Handoff(h) => Some(*h),
                Parsed::Skipped(_) | Parsed::Answer(_) => None,
            });
            handoff.unwrap_or_else(|| {
                let mut h = NewHandoff::raw(s.source, RawKind::Json, Vec::new());
                h.parse_notes.push("now read as an event that is not a handoff; the record is kept".into());
                h
            })
        }
    };
    reason::finish(&mut h);
    (h, miss)
}

impl ReparseSummary {
    /// "12 re-read: 9 now ok, 2 partial, 1 still raw (11 improved)".
    pub fn line(&self, dry_run: bool) -> String {
        let mut line = format!(
            "{} re-read{}: {} now ok, {} partial, {} still raw ({} improved",
            self.seen,
            if dry_run { " (dry run, nothing written)" } else { "" },
            self.ok,
            self.partial,
            self.raw,
            self.improved
        );
        if self.failed > 0 {
            line.push_str(&format!(", {} could not be read again", self.failed));
        }
        line.push(')');
        line
    }
}
