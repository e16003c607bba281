//! Which version of the reader read each stored record (`handoffs.read_by`,
//! written at ingest and by every re-read), and the window's offer to read
//! again: flagged records an older version stored.
//!
//! Invariant: a record with no `read_by` was stored before versions were
//! recorded, so by an older version.

use super::Store;
use crate::error::Result;

/// The reader version this build stores with each handoff it reads.
pub const READER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Whether the window should offer a re-read: flagged records read by an older version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RereadOffer {
    /// Records not fully read (raw or partial).
    pub flagged: usize,
    /// Of those, the ones an older version read (the ones a re-read may improve).
    pub older: usize,
    /// The newest older version that stored one (`None`: before versions were recorded).
    pub stored_by: Option<String>,
    /// This build's reader version.
    pub current: String,
}

/// `1.10.0` > `1.9.2`; a pre-release or build suffix is ignored.
fn version_key(v: &str) -> Vec<u64> {
    v.split(['-', '+']).next().unwrap_or("").split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// True when `stored` (a `read_by` value) is older than this build's reader.
pub fn read_by_older(stored: Option<&str>) -> bool {
    stored.is_none_or(|v| version_key(v) < version_key(READER_VERSION))
}

impl Store {
    /// Whether a re-read may read more than what is stored (for the window's offer).
    pub fn reread_offer(&self) -> Result<RereadOffer> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT read_by, count(*) FROM handoffs WHERE parse_status IN ('raw', 'partial') GROUP BY read_by",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))?;
        let mut offer =
            RereadOffer { flagged: 0, older: 0, stored_by: None, current: READER_VERSION.to_string() };
        for row in rows {
            let (by, n) = row?;
            offer.flagged += n as usize;
            if read_by_older(by.as_deref()) {
                offer.older += n as usize;
                if let Some(v) = by
                    && offer.stored_by.as_deref().is_none_or(|s| version_key(s) < version_key(&v))
                {
                    offer.stored_by = Some(v);
                }
            }
        }
        Ok(offer)
    }
}
