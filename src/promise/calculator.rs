//! The promise calculator: a sentence and a receipt time in, the due time,
//! the reminder and how the sentence was read out. The CLI's `handoff promise
//! due` and the window's "Try a promise" both print what [`calculate`] says;
//! the store schedules promises with the same [`Due`].

use super::calendar::Calendar;
use super::due::Due;
use super::phrase::parse;
use super::span::{DayRef, Span};
use chrono::{DateTime, Utc, Weekday};

/// Where the span came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanSource {
    /// The promise text named a time.
    Text,
    /// The text named none; the default length applied.
    Default,
}

/// What the calculator found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calculation {
    /// When the handoff was received.
    pub received: DateTime<Utc>,
    /// Whether it arrived while the calendar was closed.
    pub after_hours: bool,
    /// How the text was read, in words ("4 business hours").
    pub understood_as: String,
    /// Where the span came from; `None` when there was none.
    pub source: Option<SpanSource>,
    /// The placed promise; `None` without a span, or when the calendar never opens.
    pub due: Option<Due>,
    /// When the team is reminded.
    pub reminder_at: Option<DateTime<Utc>>,
}

/// Read `text`, fall back to `default_minutes` of business time when it names
/// no time, and place it for a receipt at `received`, reminding `lead`
/// business minutes ahead (0: no reminder).
pub fn calculate(
    text: &str,
    default_minutes: Option<u32>,
    received: DateTime<Utc>,
    cal: &Calendar,
    lead: u32,
) -> Calculation {
    let (source, span) = match (parse(text), default_minutes) {
        (Some(span), _) => (Some(SpanSource::Text), Some(span)),
        (None, Some(m)) => (Some(SpanSource::Default), Some(Span::BusinessMinutes(m))),
        (None, None) => (None, None),
    };
    let due = span.and_then(|s| Due::new(s, received, cal));
    let understood_as = match (span, source) {
        (Some(s), Some(SpanSource::Text)) => describe(&s),
        (Some(s), _) => format!("no time named; the default applies: {}", describe(&s)),
        (None, _) => "no time named, and no default given (--default-minutes N)".to_string(),
    };
    let understood_as = match (&span, &due) {
        (Some(_), None) => format!("{understood_as}; but the business hours never open, so it is never due"),
        _ => understood_as,
    };
    Calculation {
        received,
        after_hours: cal.is_after_hours(received),
        understood_as,
        source,
        reminder_at: due.as_ref().and_then(|d| d.reminder_at(cal, lead)),
        due,
    }
}

/// A span in words: "4 business hours", "2 business days", "by 17:00 on the
/// next business day", "first thing Monday (an hour after opening)".
pub fn describe(span: &Span) -> String {
    match *span {
        Span::BusinessMinutes(m) => minutes(m),
        Span::BusinessDays(1) => "1 business day".to_string(),
        Span::BusinessDays(n) => format!("{n} business days"),
        Span::By { day, at } => format!("by {} {}", at.format("%H:%M"), on(day)),
        Span::EndOf(day) => format!("by the close of business {}", on(day)),
        Span::Morning(day) => format!(
            "the morning {}: by 12:00 (or that day's close if earlier); reminder at that day's opening",
            on(day)
        ),
        Span::FirstThing(day) => format!("first thing {}: an hour after opening", on(day)),
    }
}

fn minutes(m: u32) -> String {
    let (h, rest) = (m / 60, m % 60);
    let plural = |n: u32, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    match (h, rest) {
        (0, _) => format!("{} of business time", plural(m, "minute")),
        (_, 0) => format!("{} of business time", plural(h, "hour")),
        _ => format!("{h} h {rest} min of business time"),
    }
}

fn on(day: DayRef) -> String {
    match day {
        DayRef::Today => "today".to_string(),
        DayRef::NextBusinessDay => "on the next business day".to_string(),
        DayRef::Weekday(w) => format!("on {}", weekday_name(w)),
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
