//! The forward sweep over a calendar's open time.
//!
//! Invariants: pieces come out in time order and disjoint, the first starting
//! no earlier than the sweep's start. Pieces may touch: the sweep loads one
//! day at a time and cuts at DST changes, so one open interval can come out
//! as several pieces (arithmetic does not care; [`Calendar::current_close`]
//! joins them). Overlapping shifts are merged. The sweep stops after
//! [`HORIZON_DAYS`] without any open time.

use super::calendar::{Calendar, HORIZON_DAYS, merge};
use chrono::{DateTime, Duration, Utc};
use std::collections::VecDeque;

/// Iterator over open pieces from an instant on; see [`Calendar::open_from`].
pub(super) struct OpenFrom<'a> {
    cal: &'a Calendar,
    /// Everything before this instant has been loaded into `raw`.
    cursor: DateTime<Utc>,
    /// End of the last open piece seen (or the start), for the horizon.
    last_open: DateTime<Utc>,
    raw: VecDeque<(DateTime<Utc>, DateTime<Utc>)>,
    done: bool,
}

impl<'a> OpenFrom<'a> {
    pub(super) fn new(cal: &'a Calendar, at: DateTime<Utc>, done: bool) -> Self {
        OpenFrom { cal, cursor: at, last_open: at, raw: VecDeque::new(), done }
    }

    fn load(&mut self) {
        let (Some(chunk), Some(horizon)) = (Duration::try_days(1), Duration::try_days(HORIZON_DAYS)) else {
            self.done = true;
            return;
        };
        if self.cursor - self.last_open > horizon {
            self.done = true;
            return;
        }
        let Some(end) = self.cursor.checked_add_signed(chunk) else {
            self.done = true;
            return;
        };
        let pieces = merge(self.cal.pieces(self.cursor, end, None));
        if let Some(&(_, to)) = pieces.last() {
            self.last_open = to;
        }
        self.raw.extend(pieces);
        self.cursor = end;
    }
}

impl Iterator for OpenFrom<'_> {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(piece) = self.raw.pop_front() {
                return Some(piece);
            }
            if self.done {
                return None;
            }
            self.load();
        }
    }
}
