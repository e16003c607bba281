//! What the inbox's "read again" notice shows: stored records an older
//! version could not read fully, and what a re-read did.

use serde::Serialize;
use ts_rs::TS;

/// Whether to offer a re-read: flagged records an older version stored.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReparseOffer {
    /// Records not fully read (raw or partial).
    pub flagged: u32,
    /// Of those, the ones an older version read: the notice shows when this is above 0.
    pub older: u32,
    /// The newest older version that stored one (`null`: before versions were recorded).
    pub stored_by: Option<String>,
    /// This version.
    pub current: String,
}

impl From<handoff::store::RereadOffer> for ReparseOffer {
    fn from(o: handoff::store::RereadOffer) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        ReparseOffer { flagged: n(o.flagged), older: n(o.older), stored_by: o.stored_by, current: o.current }
    }
}

/// What a re-read did, records by their parse status afterwards.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReparseDone {
    /// Records read again.
    pub seen: u32,
    /// Now fully read.
    pub ok: u32,
    /// Partly read.
    pub partial: u32,
    /// Still raw.
    pub raw: u32,
    /// Records whose fields the new reading filled.
    pub improved: u32,
    /// The summary sentence ("12 re-read: 9 now ok, 2 partial, 1 still raw (11 improved)").
    pub summary: String,
}

impl From<handoff::reparse::ReparseSummary> for ReparseDone {
    fn from(s: handoff::reparse::ReparseSummary) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        ReparseDone {
            seen: n(s.seen),
            ok: n(s.ok),
            partial: n(s.partial),
            raw: n(s.raw),
            improved: n(s.improved),
            summary: s.line(false),
        }
    }
}
