//! A promise placed on the calendar: its due time, when its clock started,
//! whether it arrived after hours, and when to remind the team. Every place
//! that schedules or shows a promise (the store at ingest, the calculator,
//! the window's "Try a promise") goes through [`Due`], so they cannot
//! disagree. The rules are listed in the docs of [`crate::promise`].

use super::calendar::Calendar;
use super::span::{DayRef, Span};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc, Weekday};

/// A span placed on a calendar for one receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// What was promised.
    pub span: Span,
    /// When the handoff was received.
    pub received: DateTime<Utc>,
    /// Whether it arrived while the calendar was closed.
    pub after_hours: bool,
    /// When the clock started: the receipt, or the next opening after hours
    /// (never after the due time).
    pub clock_from: DateTime<Utc>,
    /// When a reply is due; never before the receipt.
    pub due_at: DateTime<Utc>,
    /// For a morning promise, the opening of that morning's business day:
    /// the reminder fires then, while the morning is still ahead.
    pub morning_opens: Option<DateTime<Utc>>,
}

impl Due {
    /// Place `span` for a handoff received at `received`; `None` when the
    /// calendar never opens.
    pub fn new(span: Span, received: DateTime<Utc>, cal: &Calendar) -> Option<Due> {
        let opening = cal.next_opening(received)?;
        let today = cal.local_date(received);
        let mut morning_opens = None;
        let due = match span {
            Span::BusinessMinutes(n) => cal.add_business_minutes(received, i64::from(n))?,
            Span::BusinessDays(n) => cal.add_business_days(received, n)?,
            Span::EndOf(DayRef::Today) => cal.last_close_from(cal.shift_date(opening)?)?,
            Span::EndOf(DayRef::NextBusinessDay) => cal.last_close_from(cal.next_business_date(today)?)?,
            Span::EndOf(DayRef::Weekday(w)) => {
                let date = weekday_after(today, w)?;
                let date = if cal.is_business_date(date) { date } else { cal.next_business_date(date)? };
                cal.last_close_from(date)?
            }
            Span::By { day, at } => on_day(cal, day, received, |d| cal.resolve(d.and_time(at)))?.1,
            Span::Morning(day) => {
                let (date, due) = on_day(cal, day, received, |d| morning(cal, d))?;
                morning_opens = cal.first_opening_on(date).filter(|&o| o < due);
                due
            }
            Span::FirstThing(day) => on_day(cal, day, received, |d| first_thing(cal, d))?.1,
        };
        let due_at = due.max(received);
        Some(Due {
            span,
            received,
            after_hours: cal.is_after_hours(received),
            clock_from: opening.min(due_at),
            due_at,
            morning_opens,
        })
    }

    /// `minutes` of business time before the due time, not before the receipt
    /// (a promise shorter than the lead warns at once).
    pub fn before(&self, cal: &Calendar, minutes: u32) -> DateTime<Utc> {
        let lead = i64::from(minutes);
        let at = cal.sub_business_minutes(self.due_at, lead).unwrap_or(self.due_at - Duration::minutes(lead));
        at.clamp(self.received, self.due_at)
    }

    /// When to remind the team, given the workspace's lead time in business
    /// minutes (0: no reminder). A morning promise is reminded at that day's
    /// opening (or earlier, when the lead says so), so the reminder comes
    /// while the morning is still ahead; every other promise `lead` business
    /// minutes before due, so it fires while someone is in.
    pub fn reminder_at(&self, cal: &Calendar, lead: u32) -> Option<DateTime<Utc>> {
        if lead == 0 {
            return None;
        }
        let by_lead = self.before(cal, lead);
        Some(match self.morning_opens {
            Some(open) if open > self.received => open.min(by_lead),
            _ => by_lead,
        })
    }
}

/// The due instant of `span` for a receipt at `received`: never before
/// `received`; `None` when the calendar never opens.
pub fn due_at(span: &Span, received: DateTime<Utc>, cal: &Calendar) -> Option<DateTime<Utc>> {
    Due::new(*span, received, cal).map(|d| d.due_at)
}

/// The date a day-relative span lands on and its instant there. `Today` is
/// the received date when the instant is later than the receipt (even on a
/// closed day: that is what was promised), else the next business date.
fn on_day(
    cal: &Calendar,
    day: DayRef,
    received: DateTime<Utc>,
    at: impl Fn(NaiveDate) -> Option<DateTime<Utc>>,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let today = cal.local_date(received);
    let date = match day {
        DayRef::Today => match at(today) {
            Some(due) if due > received => return Some((today, due)),
            _ => cal.next_business_date(today)?,
        },
        DayRef::NextBusinessDay => cal.next_business_date(today)?,
        DayRef::Weekday(w) => weekday_after(today, w)?,
    };
    Some((date, at(date)?))
}

/// The end of date `d`'s business morning: noon, or the day's last close when
/// earlier; a day that opens at noon or later has its "morning" an hour after
/// it opens; a date without open time, noon.
fn morning(cal: &Calendar, d: NaiveDate) -> Option<DateTime<Utc>> {
    let noon = cal.resolve(d.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))?;
    match (cal.first_opening_on(d), cal.last_close_on(d)) {
        (Some(open), Some(close)) if open < noon => Some(noon.min(close)),
        (Some(_), Some(_)) => first_thing(cal, d),
        _ => Some(noon),
    }
}

/// An hour of open time after date `d`'s first opening, not after its last
/// close; on a date without open time, 10:00.
fn first_thing(cal: &Calendar, d: NaiveDate) -> Option<DateTime<Utc>> {
    match (cal.first_opening_on(d), cal.last_close_on(d)) {
        (Some(open), Some(close)) => Some(cal.add_business_minutes(open, 60)?.min(close)),
        _ => cal.resolve(d.and_time(NaiveTime::from_hms_opt(10, 0, 0)?)),
    }
}

/// The first date strictly after `date` that falls on `w`.
fn weekday_after(date: NaiveDate, w: Weekday) -> Option<NaiveDate> {
    let ahead = (w.num_days_from_monday() + 7 - date.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    date.checked_add_days(Days::new(u64::from(ahead)))
}
