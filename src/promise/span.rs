//! The words of a promise, understood: a [`Span`] of business time or a day,
//! and the [`DayRef`] it may name. [`super::phrase`] reads them from a
//! sentence, [`super::clock`] and [`super::duration`] from their pieces.

use chrono::{NaiveTime, Weekday};
use regex::Regex;

/// What the bot promised, understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// N minutes of business time ("within 4 hours", "within 2 business
    /// hours", "PT90M", "within 30 minutes").
    BusinessMinutes(u32),
    /// N business days, same wall time ("within one business day", "within
    /// 24 hours", "within 2 days", "P1D", "next business day").
    BusinessDays(u32),
    /// A wall time on a relative day ("by 5pm", "by 10am tomorrow", "tomorrow
    /// morning").
    By {
        /// Which day.
        day: DayRef,
        /// Local wall time on that day.
        at: NaiveTime,
    },
    /// At a day's last close ("by end of day", "by close of business
    /// tomorrow", "by Monday").
    EndOf(DayRef),
    /// By the end of that day's business morning ("tomorrow morning", "this
    /// morning", "Monday morning", "demain matin"): noon, or the day's close
    /// when earlier, or an hour after opening when the day opens at noon or
    /// later. Its reminder fires at the day's opening.
    Morning(DayRef),
    /// An hour of open time after that day's first opening ("first thing
    /// tomorrow", "first thing in the morning").
    FirstThing(DayRef),
}

/// A day relative to when the handoff was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayRef {
    /// The day it was received (or, for [`Span::EndOf`], the day of the next opening).
    Today,
    /// The first business date after the day it was received.
    NextBusinessDay,
    /// The first such weekday after the day it was received.
    Weekday(Weekday),
}

/// Compile a constant pattern. The patterns are literals exercised by the
/// tests, so a failure is a programming error caught before release.
#[allow(clippy::expect_used)]
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex compiles")
}
