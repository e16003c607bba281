//! Business days on the calendar: which dates are business dates, which date
//! an open instant's shift belongs to, and "N business days" from an instant.
//!
//! A shift belongs to the local date it starts on, so a night shift's hours
//! after midnight are part of the day before (see [`crate::promise`]). The
//! business-day rule:
//! - from a *closed* instant between business days (after the last close,
//!   before the first opening, on a closed day or a holiday), whole days are
//!   counted from the next opening: the business date of that opening is day
//!   1, and N business days end at the last close of day N;
//! - from an *open* instant (or one in a gap between two shifts of the same
//!   business day), the result is the same wall time N business dates later,
//!   measured from the start of the shift's date (so 02:00 in Friday's night
//!   shift is 02:00 after Saturday, in Saturday's night shift), clamped to that
//!   date's open time.

use super::calendar::{Calendar, HORIZON_DAYS, merge};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

impl Calendar {
    /// N business days from `start`, by the rule in the module docs. Zero days
    /// give `next_opening(start)`. `None` when the calendar never opens.
    pub fn add_business_days(&self, start: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        let open = self.next_opening(start)?;
        if days == 0 {
            return Some(open);
        }
        let first = self.shift_date(open)?;
        let starts_the_day = self.intervals_on(first).first().is_some_and(|&(from, _)| from == open);
        if open > start && starts_the_day {
            let mut date = first;
            for _ in 1..days {
                date = self.next_business_date(date)?;
            }
            return self.last_close_from(date);
        }
        let since_midnight = open.with_timezone(&self.tz()).naive_local() - first.and_time(NaiveTime::MIN);
        let mut date = first;
        for _ in 0..days {
            date = self.next_business_date(date)?;
        }
        loop {
            let intervals = self.intervals_on(date);
            if let (Some(first), Some(last)) = (intervals.first(), intervals.last()) {
                let wanted =
                    self.resolve(date.and_time(NaiveTime::MIN).checked_add_signed(since_midnight)?)?;
                if wanted < first.0 {
                    return Some(first.0);
                }
                if wanted >= last.1 {
                    return Some(last.1);
                }
                return intervals.iter().find(|(_, to)| wanted < *to).map(|(from, _)| wanted.max(*from));
            }
            // A business date whose shifts all fall in a DST gap has no open time.
            date = self.next_business_date(date)?;
        }
    }

    /// The business date whose shift contains `at` (a night shift's hours
    /// after midnight belong to the day before); `None` when `at` is closed.
    pub fn shift_date(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        let today = self.local_date(at);
        [Some(today), today.pred_opt()]
            .into_iter()
            .flatten()
            .find(|&d| self.intervals_on(d).iter().any(|&(from, to)| from <= at && at < to))
    }

    /// The first opening of the shifts of date `d`, if it has open time.
    pub fn first_opening_on(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        self.intervals_on(d).first().map(|&(from, _)| from)
    }

    /// The last close of the shifts of date `d`, if it has open time.
    pub fn last_close_on(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        self.intervals_on(d).last().map(|&(_, to)| to)
    }

    /// The last close of business date `d`, or of the next business date with
    /// open time when `d` has none (its shifts all fall in a DST gap).
    pub fn last_close_from(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        let mut date = d;
        loop {
            if let Some(close) = self.last_close_on(date) {
                return Some(close);
            }
            date = self.next_business_date(date)?;
        }
    }

    /// The first business date strictly after `after`; `None` when there is
    /// none within the search horizon.
    pub fn next_business_date(&self, after: NaiveDate) -> Option<NaiveDate> {
        if self.never_opens() {
            return None;
        }
        let mut date = after;
        for _ in 0..HORIZON_DAYS {
            date = date.succ_opt()?;
            if self.is_business_date(date) {
                return Some(date);
            }
        }
        None
    }

    /// Whether `d` is a business date: not a holiday, and its weekday has a shift.
    pub fn is_business_date(&self, d: NaiveDate) -> bool {
        !self.hours().holidays.contains(&d) && !self.shifts(d).is_empty()
    }

    /// The instant `minutes` of open time before `end`: the latest `r` with
    /// `minutes` of open time in `[r, end)`, so an amount that uses up an
    /// interval exactly gives its opening. `None` when there is not that much
    /// open time within the search horizon before `end`.
    pub fn sub_business_minutes(&self, end: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        let mut left = Duration::try_minutes(minutes.max(0))?;
        if left.is_zero() {
            return Some(end);
        }
        let (chunk, horizon) = (Duration::try_days(1)?, Duration::try_days(HORIZON_DAYS)?);
        let (mut cursor, mut last_open) = (end, end);
        while last_open - cursor <= horizon {
            let from = cursor.checked_sub_signed(chunk)?;
            for (a, b) in merge(self.pieces(from, cursor, None)).into_iter().rev() {
                if left <= b - a {
                    return b.checked_sub_signed(left);
                }
                left -= b - a;
                last_open = a;
            }
            cursor = from;
        }
        None
    }
}
