//! Promises: the business calendar a promise runs on, and the promise phrase
//! ("We'll get back to you within 4 business hours.") understood and placed
//! on it.
//!
//! # The calendar ([`Calendar`])
//!
//! - A shift `(open, close)` on weekday W is the set of instants whose *local
//!   wall time*, on a local date that falls on W, lies in `[open, close)`.
//!   A close of 00:00, or any close `<= open`, means "until midnight" (the end
//!   of that local day); shifts never run past midnight.
//! - The open set is the union of all shifts. Holidays (local dates in
//!   `hours.holidays`) have no open time. Touching intervals (a shift until
//!   midnight followed by one from midnight) form one interval.
//! - DST: a wall time that does not exist (spring-forward gap) is skipped, so
//!   an open time in the gap opens at the first instant after it and the day
//!   is shorter; on a fall-back day a shift containing the repeated hour
//!   contains it twice and is longer. A *close* inside the repeated hour can
//!   therefore leave two intervals, as the definition says.
//! - Business time is real elapsed time inside the open set, counted in whole
//!   seconds. [`Calendar::add_business_minutes`] first moves a closed start to
//!   the next opening; a result that uses up an interval exactly is that
//!   interval's close (a boundary, not an open instant), and adding more from
//!   a close goes on from the next opening. So `add(add(s, a), b) ==
//!   add(s, a + b)` for every `b > 0`; with `b == 0` the left side is the next
//!   opening after `add(s, a)`, because adding zero means `next_opening`.
//! - A business day is a non-holiday local date whose weekday has a shift.
//! - A calendar that has no shift, or no open time within about three years
//!   of the instant asked about, never opens: its arithmetic returns `None`.
//!
//! # Promise phrases ([`parse`], [`Span`], [`due_at`])
//!
//! - Every hour or minute length is business time ("within 4 hours" = "within
//!   4 business hours"), and after hours the clock starts at the next opening.
//!   Whole multiples of 24 hours ("within 24 hours", "48h") are
//!   `BusinessDays(n / 24)`; other lengths over a day stay minutes ("within
//!   36 hours" = 2,160 business minutes).
//! - "N days", "N business/working days", "one business day", "next business
//!   day", "P1D" are `BusinessDays(N)`; a week is five business days.
//! - Numbers in digits ("1.5", "1,5") or words (a/an/one … twelve, and the
//!   German, French and Spanish words up to twelve); "half an hour" = 30 min,
//!   "an hour and a half" = 90, "a couple of hours" = 2 h, "a few hours" = 3 h.
//!   Units min/mins/minutes/m, h/hr/hrs/hour/hours and their German, French
//!   and Spanish forms. When a sentence holds several lengths, the first one
//!   after a prefix (within, in, in under, under, less than, up to, no later
//!   than, innerhalb von, binnen, dans les, sous, d'ici, dentro de, en, ...)
//!   wins, else the first.
//! - ISO 8601 durations: time parts are business minutes; days (24 h each)
//!   and weeks (five days) are added in; a whole number of days is
//!   `BusinessDays`, anything else `BusinessMinutes` (P1DT4H = 1,680 min).
//! - Order: ISO duration, then a length, then a time of day, then "first
//!   thing", then a part of day, then whole days. So "within 4 hours after we
//!   open at 9am" is a length.
//! - Times of day need a lead word (by, before, until, at, bis, um, avant,
//!   vers, à, antes de las, a las, …) and a sign of being a time (am/pm,
//!   minutes, "Uhr", French "17h" after avant/à/vers/pour, "de la tarde"):
//!   "by 5pm" / "by 17:00" → `By { Today, 17:00 }`; with tomorrow or a weekday
//!   in the sentence that day ("by 10am tomorrow" → `By { NextBusinessDay,
//!   10:00 }`). "d'ici 2h" is a length; "d'ici 17h30" a time.
//! - "first thing (tomorrow / in the morning)" → `By { NextBusinessDay, 10:00 }`;
//!   "(by) tomorrow morning" → 12:00 and "tomorrow afternoon" → 17:00 on the
//!   next business day; "this morning/afternoon" → today; "in the morning"
//!   without a day → the next business day; "tomorrow evening" →
//!   `EndOf(NextBusinessDay)`, "tonight" → `EndOf(Today)`.
//! - "by end of day", "by the end of the day", "today", "later today", "by
//!   close of business", "EOD", "COB" → `EndOf(Today)`; the same with
//!   tomorrow ("tomorrow EOD", "by close of business tomorrow"), or "by end of
//!   next business day" → `EndOf(NextBusinessDay)`; "tomorrow" alone →
//!   `EndOf(NextBusinessDay)`; "by Monday" / "on Tuesday" →
//!   `EndOf(Weekday)`.
//! - No time named ("as soon as possible", "shortly", "soon") → `None`.
//!
//! # Due times ([`due_at`])
//!
//! `BusinessMinutes` and `BusinessDays` use the calendar arithmetic.
//! `EndOf(Today)` is the last close of the local date of the next opening;
//! `EndOf(NextBusinessDay)` the last close of the next business date after
//! the received date; `EndOf(Weekday(w))` the last close of the first date
//! after the received date falling on `w`, or of the next business date after
//! it when that date is not one. `By { Today, t }` is `t` on the received date
//! when that is later than the receipt (even on a closed day: that is what
//! was promised), else `t` on the next business date; `By { NextBusinessDay,
//! t }` is `t` on the next business date; `By { Weekday(w), t }` is `t` on the
//! first date after the received date falling on `w`. A wall time in a DST gap
//! is the first instant after the gap; one in a repeated hour the earlier.
//! A due time is never before the receipt; it is `None` when the calendar
//! never opens.

mod calendar;
mod clock;
mod duration;
mod phrase;
mod sweep;

pub use calendar::Calendar;
pub use phrase::{DayRef, Span, due_at, parse};

#[cfg(test)]
mod tests_calendar;
#[cfg(test)]
mod tests_calendar_props;
#[cfg(test)]
mod tests_phrase;
