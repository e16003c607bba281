//! Retention gaps on relay sources: the relay deleted events (its retention
//! window passed) before this app fetched them, so the handoffs in them may be
//! lost. A gap is recorded when the relay reports it — even on a page that
//! also brings newer events — and stays shown (window and CLI) until the user
//! acknowledges it.
//!
//! Invariants: a gap row holds counts and times only, never personal data;
//! the same unacknowledged gap reported twice (a crash between recording it
//! and moving the cursor makes the relay say it again) is kept once.

use super::{Store, opt_from_ms, to_ms};
use crate::error::Result;
use crate::model::RelayLost;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// One reported gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayGap {
    /// Row id.
    pub id: i64,
    /// The relay source.
    pub source_id: i64,
    /// When this app learnt of it.
    pub detected_at: DateTime<Utc>,
    /// At most this many events were lost (None: the relay did not say).
    pub events: Option<i64>,
    /// When the oldest lost event had reached the relay.
    pub oldest_received: Option<DateTime<Utc>>,
    /// When the newest had.
    pub newest_received: Option<DateTime<Utc>>,
    /// When the user acknowledged it (None: still shown).
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl RelayGap {
    /// The notice, for people: what was lost, when, and what to do.
    pub fn notice(&self) -> String {
        let how_many = match self.events {
            Some(1) => "1 event".to_string(),
            Some(n) => format!("up to {n} events"),
            None => "some events".to_string(),
        };
        let when = match (self.oldest_received, self.newest_received) {
            (Some(a), Some(b)) if a.date_naive() == b.date_naive() => {
                format!(
                    " that reached the relay on {} ({}–{} UTC)",
                    a.format("%Y-%m-%d"),
                    a.format("%H:%M"),
                    b.format("%H:%M")
                )
            }
            (Some(a), Some(b)) => {
                format!(
                    " that reached the relay between {} and {} UTC",
                    a.format("%Y-%m-%d %H:%M"),
                    b.format("%Y-%m-%d %H:%M")
                )
            }
            _ => String::new(),
        };
        format!(
            "{how_many}{when} expired on the relay (its retention window passed) before this app fetched them \
             (noticed {} UTC); the handoffs in them are not here. Ask the platform to resend them if it can, and \
             keep the app syncing more often than the relay's retention_hours.",
            self.detected_at.format("%Y-%m-%d %H:%M")
        )
    }
}

impl Store {
    /// Records a gap the relay reported for `source_id`; returns its id (an
    /// identical unacknowledged gap already recorded is returned instead).
    pub fn record_relay_gap(
        &self,
        source_id: i64,
        at: DateTime<Utc>,
        lost: Option<RelayLost>,
    ) -> Result<i64> {
        let events = lost.map(|l| l.events);
        let oldest = lost.map(|l| to_ms(l.oldest));
        let newest = lost.map(|l| to_ms(l.newest));
        let existing: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM relay_gaps WHERE source_id = ?1 AND acknowledged_at IS NULL
                 AND events IS ?2 AND oldest_received IS ?3 AND newest_received IS ?4",
                params![source_id, events, oldest, newest],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO relay_gaps (source_id, detected_at, events, oldest_received, newest_received)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![source_id, to_ms(at), events, oldest, newest],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The gaps of `source_id` not yet acknowledged, oldest first.
    pub fn open_relay_gaps(&self, source_id: i64) -> Result<Vec<RelayGap>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, source_id, detected_at, events, oldest_received, newest_received, acknowledged_at
             FROM relay_gaps WHERE source_id = ?1 AND acknowledged_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([source_id], |r| {
            Ok(RelayGap {
                id: r.get(0)?,
                source_id: r.get(1)?,
                detected_at: super::from_ms(r.get(2)?),
                events: r.get(3)?,
                oldest_received: opt_from_ms(r.get(4)?),
                newest_received: opt_from_ms(r.get(5)?),
                acknowledged_at: opt_from_ms(r.get(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Acknowledges every open gap of `source_id`; returns how many there were.
    pub fn acknowledge_relay_gaps(&self, source_id: i64, at: DateTime<Utc>) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE relay_gaps SET acknowledged_at = ?2 WHERE source_id = ?1 AND acknowledged_at IS NULL",
            params![source_id, to_ms(at)],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RelayConfig;
    use crate::store::{NewWorkspace, SourceConfig};
    use chrono::TimeZone;

    #[test]
    fn gaps_are_kept_once_until_acknowledged() {
        let store = Store::open_in_memory().unwrap();
        let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
        let src =
            store.add_source(ws.id, "web", &SourceConfig::Relay(RelayConfig::new("https://r.test"))).unwrap();
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 22, h, 5, 0).unwrap();
        let lost = RelayLost { events: 3, oldest: t(8), newest: t(9) };
        let id = store.record_relay_gap(src.id, t(12), Some(lost)).unwrap();
        assert_eq!(
            store.record_relay_gap(src.id, t(13), Some(lost)).unwrap(),
            id,
            "reported again: kept once"
        );
        let open = store.open_relay_gaps(src.id).unwrap();
        assert_eq!(open.len(), 1);
        let notice = open[0].notice();
        assert!(
            notice.contains("up to 3 events") && notice.contains("2026-11-22 (08:05–09:05 UTC)"),
            "{notice}"
        );
        assert_eq!(store.acknowledge_relay_gaps(src.id, t(14)).unwrap(), 1);
        assert!(store.open_relay_gaps(src.id).unwrap().is_empty());
        // A later gap, even the same figures, is news again.
        store.record_relay_gap(src.id, t(15), Some(lost)).unwrap();
        store.record_relay_gap(src.id, t(15), None).unwrap();
        let open = store.open_relay_gaps(src.id).unwrap();
        assert_eq!(open.len(), 2);
        assert!(open[1].notice().starts_with("some events expired"), "{}", open[1].notice());
    }
}
