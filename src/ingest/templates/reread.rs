//! Taught templates applied to a batch before it is stored (the engine's
//! import step): flagged emails from a sender with a template are read again.

use super::Taught;
use crate::error::Result;
use crate::model::{ParseStatus, Parsed, RawKind};
use crate::store::Store;
use chrono::{DateTime, Utc};

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
        let (again, outcome) = crate::ingest::email::parse_email_taught(&h.raw, h.source, &taught);
        match outcome {
            Taught::None => {}
            Taught::Read { .. } => {
                let received_at = h.received_at;
                let hint = h.workspace_hint.take();
                **h = again;
                h.received_at = received_at;
                h.workspace_hint = hint;
                crate::ingest::reason::finish(h);
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
