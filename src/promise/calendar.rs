//! The business calendar: which instants are open, and arithmetic in open time.
//!
//! The open set is defined on instants through their local wall time (see the
//! module docs of [`crate::promise`]). Everything here is computed by sweeping
//! UTC time in one-day chunks, each cut into stretches of constant UTC offset;
//! inside a stretch wall time is UTC plus that offset, so the open wall-time
//! ranges map back to instants exactly, and DST days come out one hour longer
//! or shorter without special cases. Work is per day, never per minute.

use crate::model::{BusinessHours, Workspace};
use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use std::collections::VecDeque;

/// How far the calendar looks for open time before it decides it never opens.
pub(super) const HORIZON_DAYS: i64 = 3 * 366;

/// Business hours placed in a time zone: the clock promises run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    hours: BusinessHours,
    tz: Tz,
}

impl Calendar {
    /// A calendar of `hours` read in zone `tz`.
    pub fn new(hours: BusinessHours, tz: Tz) -> Self {
        Calendar { hours, tz }
    }

    /// The calendar of a workspace: its hours in its zone (UTC when the zone is unknown).
    pub fn for_workspace(ws: &Workspace) -> Self {
        Calendar::new(ws.hours.clone(), ws.tz())
    }

    /// The zone wall times are read in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The shifts and holidays.
    pub fn hours(&self) -> &BusinessHours {
        &self.hours
    }

    /// Whether `at` lies in the open set.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.wall_is_open(at.with_timezone(&self.tz).naive_local())
    }

    /// Whether `at` lies outside the open set.
    pub fn is_after_hours(&self, at: DateTime<Utc>) -> bool {
        !self.is_open(at)
    }

    /// `at` itself when open, else the start of the next open interval; `None`
    /// when the calendar never opens (no shifts at all, or nothing within a
    /// three-year search horizon).
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.open_from(at).next().map(|(start, _)| start)
    }

    /// End of the open interval containing `at`; `None` when `at` is closed,
    /// or when the interval does not close within the search horizon (a
    /// calendar open around the clock).
    pub fn current_close(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.is_open(at) {
            return None;
        }
        let horizon = Duration::try_days(HORIZON_DAYS)?;
        let mut close = at;
        for (from, to) in self.open_from(at) {
            if from > close {
                break;
            }
            if to - at > horizon {
                return None;
            }
            close = to;
        }
        (close > at).then_some(close)
    }

    /// Add `minutes` of open time to `start`, which is first moved to the next
    /// opening when closed. Zero (or negative) minutes give `next_opening(start)`.
    /// A result that uses up an interval exactly is that interval's close.
    /// `None` when the calendar never opens.
    pub fn add_business_minutes(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        self.add_business_seconds(start, minutes.max(0).saturating_mul(60))
    }

    /// [`Calendar::add_business_minutes`] at the resolution of seconds.
    pub fn add_business_seconds(&self, start: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut left = Duration::try_seconds(seconds.max(0))?;
        for (from, to) in self.open_from(start) {
            let len = to - from;
            if left <= len {
                return from.checked_add_signed(left);
            }
            left -= len;
        }
        None
    }

    /// Open time between `a` and `b` in whole seconds; 0 when `b <= a`.
    pub fn business_seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total = Duration::zero();
        for (from, to) in self.open_from(a) {
            if from >= b {
                break;
            }
            total += to.min(b) - from;
        }
        total.num_seconds()
    }

    /// Open time between `a` and `b` in minutes, fractional; 0 when `b <= a`.
    pub fn business_minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
        self.business_seconds_between(a, b) as f64 / 60.0
    }

    /// The local date `at` falls on in this calendar's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The open intervals of the shifts that belong to local date `d` (those
    /// that start on it, a night shift's hours after midnight included), as
    /// UTC instants, in order, merged where they touch.
    pub fn intervals_on(&self, d: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let (Some(after), Some(slack)) = (d.checked_add_days(Days::new(2)), Duration::try_hours(26)) else {
            return Vec::new();
        };
        // No zone is more than 26 hours from UTC, so this window holds the
        // whole local day and the next one, where a night shift ends.
        let (Some(from), Some(to)) = (
            d.and_time(NaiveTime::MIN).checked_sub_signed(slack),
            after.and_time(NaiveTime::MIN).checked_add_signed(slack),
        ) else {
            return Vec::new();
        };
        merge(self.pieces(from.and_utc(), to.and_utc(), Some(d)))
    }

    /// `at` in the calendar's zone, e.g. "Tue 24 Nov 10:00 EST".
    pub fn local_label(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%a %-d %b %H:%M %Z").to_string()
    }

    /// The instant a local wall time names: the earlier of two on a fall-back
    /// day, the first instant after the gap when it falls in a spring-forward gap.
    pub fn resolve(&self, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
        if let Some(at) = self.tz.from_local_datetime(&wall).earliest() {
            return Some(at.with_timezone(&Utc));
        }
        let guess = wall.and_utc().timestamp();
        let (lo, hi) = (guess - 2 * 86_400, guess + 2 * 86_400);
        let before = self.offset_at(lo);
        if self.offset_at(hi) == before {
            return DateTime::from_timestamp(guess - i64::from(before), 0);
        }
        DateTime::from_timestamp(self.first_change(lo, hi, before), 0)
    }

    /// Open pieces from `at` on (the first one clipped to start at `at`); see
    /// [`OpenFrom`] for what a piece is.
    pub(super) fn open_from(&self, at: DateTime<Utc>) -> OpenFrom<'_> {
        OpenFrom::new(self, at, self.never_opens())
    }

    /// Whether no weekday has a shift.
    pub(super) fn never_opens(&self) -> bool {
        self.hours.days.iter().all(Vec::is_empty)
    }

    /// The shifts of `d`'s weekday (whether or not `d` is a holiday).
    pub(super) fn shifts(&self, d: NaiveDate) -> &[(NaiveTime, NaiveTime)] {
        &self.hours.days[d.weekday().num_days_from_monday() as usize]
    }

    /// Whether a shift runs into the next day: its close is at or before its open.
    fn overnight(open: NaiveTime, close: NaiveTime) -> bool {
        close <= open
    }

    fn wall_is_open(&self, wall: NaiveDateTime) -> bool {
        let (date, time) = (wall.date(), wall.time());
        let working = |d: NaiveDate| !self.hours.holidays.contains(&d);
        let own = working(date)
            && self
                .shifts(date)
                .iter()
                .any(|&(open, close)| open <= time && (Self::overnight(open, close) || time < close));
        // The hours after midnight of yesterday's night shifts.
        let spill = date.pred_opt().is_some_and(|y| {
            working(y)
                && self.shifts(y).iter().any(|&(open, close)| Self::overnight(open, close) && time < close)
        });
        own || spill
    }

    /// The open wall-time ranges inside `[from, to)`, in order (they may touch
    /// or overlap when shifts do); only those of the shifts of date `only`
    /// when given. A night shift of date D is the range from D at its open to
    /// D + 1 at its close, so it is found from the day before `from` on.
    fn wall_ranges(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        only: Option<NaiveDate>,
    ) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        let mut out = Vec::new();
        let mut date = from.date().pred_opt().unwrap_or(from.date());
        while date.and_time(NaiveTime::MIN) < to {
            let Some(next) = date.succ_opt() else { break };
            if only.is_none_or(|d| d == date) && !self.hours.holidays.contains(&date) {
                out.extend(
                    self.shifts(date)
                        .iter()
                        .map(|&(open, close)| {
                            let end = if Self::overnight(open, close) {
                                next.and_time(close)
                            } else {
                                date.and_time(close)
                            };
                            (date.and_time(open).max(from), end.min(to))
                        })
                        .filter(|(a, b)| a < b),
                );
            }
            date = next;
        }
        out.sort();
        out
    }

    /// Raw open pieces of `[a, b)`, in order, optionally only those of the
    /// shifts of date `only`.
    pub(super) fn pieces(
        &self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
        only: Option<NaiveDate>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        for (from, to, offset) in self.stretches(a, b) {
            // Out of chrono's range (year ±262,143) there is nothing to find.
            let (Some(lo), Some(hi)) =
                (from.naive_utc().checked_add_signed(offset), to.naive_utc().checked_add_signed(offset))
            else {
                continue;
            };
            if lo >= hi {
                continue;
            }
            out.extend(self.wall_ranges(lo, hi, only).into_iter().filter_map(|(x, y)| {
                Some((x.checked_sub_signed(offset)?.and_utc(), y.checked_sub_signed(offset)?.and_utc()))
            }));
        }
        out
    }

    /// `[a, b)` cut where the UTC offset changes: (from, to, offset) per stretch.
    /// Assumes the offset does not change and change back within `[a, b)` (at
    /// most four days here); no zone does that in the years this app sees.
    fn stretches(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>, Duration)> {
        let mut out = Vec::new();
        let mut lo = a;
        let last = (b - Duration::nanoseconds(1)).timestamp();
        while lo < b {
            let here = self.offset_at(lo.timestamp());
            let offset = Duration::seconds(i64::from(here));
            if self.offset_at(last) == here {
                out.push((lo, b, offset));
                break;
            }
            let change = self.first_change(lo.timestamp(), last, here);
            let Some(at) = DateTime::from_timestamp(change, 0) else { break };
            out.push((lo, at, offset));
            lo = at;
        }
        out
    }

    /// The first second in `(lo, hi]` whose offset differs from `before`, given
    /// that `hi`'s does.
    pub(super) fn first_change(&self, mut lo: i64, mut hi: i64, before: i32) -> i64 {
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.offset_at(mid) == before {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    }

    /// Seconds east of UTC at unix second `ts`.
    fn offset_at(&self, ts: i64) -> i32 {
        DateTime::from_timestamp(ts, 0)
            .map_or(0, |at| self.tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc())
    }
}

/// Sort and merge intervals that touch or overlap.
pub(super) fn merge(mut pieces: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    pieces.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(pieces.len());
    for (from, to) in pieces {
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

// The forward sweep over a calendar's open time.
//
// Invariants: pieces come out in time order and disjoint, the first starting
// no earlier than the sweep's start. Pieces may touch: the sweep loads one
// day at a time and cuts at DST changes, so one open interval can come out
// as several pieces (arithmetic does not care; [`Calendar::current_close`]
// joins them). Overlapping shifts are merged. The sweep stops after
// [`HORIZON_DAYS`] without any open time.

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
