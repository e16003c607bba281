//! Promises: the business calendar a promise runs on, and the promise phrase
//! ("We'll get back to you within 4 business hours.") understood and placed
//! on it.
//!
//! # The calendar ([`Calendar`])
//!
//! - A shift `(open, close)` on weekday W, for a local date D falling on W, is
//!   the set of instants whose *local wall time* lies in `[D open, D close)`.
//!   A close at or before the open runs into the next day: a *night shift*
//!   `[D open, D+1 close)` ("fri 22:00-06:00"); a close of 00:00 (written
//!   `24:00`) is the end of D, and `00:00-24:00` the whole day.
//! - A shift belongs to the date it starts on: a holiday on D cancels D's
//!   shifts, night shifts included, and a holiday on D+1 does not touch D's
//!   night shift. The open set is the union of all shifts. Touching intervals
//!   (a shift until midnight followed by one from midnight) form one interval.
//! - DST: a wall time that does not exist (spring-forward gap) is skipped, so
//!   an open time in the gap opens at the first instant after it and the day
//!   is shorter; on a fall-back day a shift containing the repeated hour
//!   contains it twice and is longer. A *close* inside the repeated hour can
//!   therefore leave two intervals, as the definition says.
//! - Business time is real elapsed time inside the open set, counted in whole
//!   seconds; so a 22:00–06:00 night shift lasts 7 hours on the night clocks
//!   spring forward and 9 hours on the night they fall back. [`Calendar::add_business_minutes`] first moves a closed start to
//!   the next opening; a result that uses up an interval exactly is that
//!   interval's close (a boundary, not an open instant), and adding more from
//!   a close goes on from the next opening. So `add(add(s, a), b) ==
//!   add(s, a + b)` for every `b > 0`; with `b == 0` the left side is the next
//!   opening after `add(s, a)`, because adding zero means `next_opening`.
//! - A business day is a non-holiday local date whose weekday has a shift;
//!   its open time is that of its own shifts ([`Calendar::intervals_on`]).
//! - N business days ([`Calendar::add_business_days`]): from a *closed*
//!   instant between business days (after the last close, before the first
//!   opening, on a closed day or a holiday) whole days are counted from the
//!   next opening, whose business day is day 1, and the result is day N's
//!   last close (one business day received Friday 17:00 on a Mon–Fri 09–17
//!   calendar is Monday 17:00, not Tuesday 09:00). From an *open* instant (or
//!   a gap between two shifts of one day) it is the same wall time N business
//!   days later, counted from the start of the shift's date, clamped to that
//!   day's open time (its first opening, its last close, or the next shift).
//! - A calendar that has no shift, or no open time within about three years
//!   of the instant asked about, never opens: its arithmetic returns `None`.
//!
//! # Promise phrases ([`parse`], [`Span`])
//!
//! - Every hour or minute length is business time ("within 4 hours" = "within
//!   4 business hours"), and after hours the clock starts at the next opening.
//!   A length of 24 hours or more is whole business days, rounded up: "within
//!   24 hours" and "48h" are 1 and 2 days, "within 36 hours" is 2.
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
//!   and weeks (five days) are added in, and the total follows the length
//!   rule (PT4H = 240 min, P1D = 1 day, P1DT4H = 2 days).
//! - Order: ISO duration, then a length, then a time of day, then "first
//!   thing", then a part of day, then whole days. So "within 4 hours after we
//!   open at 9am" is a length.
//! - Times of day need a lead word (by, before, until, at, bis, um, avant,
//!   vers, à, antes de las, a las, …) and a sign of being a time (am/pm,
//!   minutes, "Uhr", French "17h" after avant/à/vers/pour, "de la tarde"):
//!   "by 5pm" / "by 17:00" → `By { Today, 17:00 }`; with tomorrow or a weekday
//!   in the sentence that day ("by 10am tomorrow" → `By { NextBusinessDay,
//!   10:00 }`). "d'ici 2h" is a length; "d'ici 17h30" a time.
//! - "first thing (tomorrow / in the morning)" → `FirstThing(NextBusinessDay)`;
//!   "(by) tomorrow morning" → `Morning(NextBusinessDay)`, "tomorrow
//!   afternoon" → 17:00 on the next business day; "this morning/afternoon" →
//!   today; "in the morning" without a day → the next business day; "tomorrow evening" →
//!   `EndOf(NextBusinessDay)`, "tonight" → `EndOf(Today)`.
//! - "by end of day", "by the end of the day", "today", "later today", "by
//!   close of business", "EOD", "COB" → `EndOf(Today)`; the same with
//!   tomorrow ("tomorrow EOD", "by close of business tomorrow"), or "by end of
//!   next business day" → `EndOf(NextBusinessDay)`; "tomorrow" alone →
//!   `EndOf(NextBusinessDay)`; "by Monday" / "on Tuesday" →
//!   `EndOf(Weekday)`.
//! - No time named ("as soon as possible", "shortly", "soon") → `None`.
//!
//! # Due times ([`Due`], [`due_at`])
//!
//! `BusinessMinutes` and `BusinessDays` use the calendar arithmetic.
//! `EndOf(Today)` is the last close of the business day of the next opening;
//! `EndOf(NextBusinessDay)` the last close of the next business date after
//! the received date; `EndOf(Weekday(w))` the last close of the first date
//! after the received date falling on `w`, or of the next business date after
//! it when that date is not one. `By { Today, t }` is `t` on the received date
//! when that is later than the receipt (even on a closed day: that is what
//! was promised), else `t` on the next business date; `By { NextBusinessDay,
//! t }` is `t` on the next business date; `By { Weekday(w), t }` is `t` on the
//! first date after the received date falling on `w`. `Morning(day)` and
//! `FirstThing(day)` pick their date the same way; a morning ends at noon, or
//! at the day's last close when that is earlier, or an hour of open time after
//! the opening when the day opens at noon or later; first thing is an hour of
//! open time after the day's first opening (not after its last close). On a
//! date without open time they fall back to 12:00 and 10:00. A wall time in a
//! DST gap is the first instant after the gap; one in a repeated hour the
//! earlier. A due time is never before the receipt; it is `None` when the
//! calendar never opens.
//!
//! # Reminders ([`Due::reminder_at`])
//!
//! The workspace's lead time is counted in business minutes back from the due
//! time (so a reminder for Tuesday 09:30 fires Tuesday 09:00 or Monday 16:45,
//! while someone is in), never before the receipt. A morning promise is
//! reminded at that morning's opening (or earlier, if the lead says so), so the
//! reminder comes before the morning is over. The backup alert uses the same
//! count ([`Due::before`]).

mod calculator;
mod calendar;
mod clock;
mod days;
mod due;
mod duration;
pub mod notices;
mod phrase;
mod span;
mod state;

pub use calculator::{Calculation, SpanSource, calculate, describe};
pub use calendar::Calendar;
pub use due::{Due, due_at};
pub use phrase::parse;
pub use span::{DayRef, Span};
pub use state::OpenState;

#[cfg(test)]
mod tests_calendar;
#[cfg(test)]
mod tests_calendar_props;
#[cfg(test)]
mod tests_days;
#[cfg(test)]
mod tests_night;
#[cfg(test)]
mod tests_phrase;
