//! Issue 22's rules on a Mon–Fri 09:00–17:00 New York calendar closed on
//! Christmas Day 2026 (a Friday): business days from closed and open
//! instants, lengths of a day or more, the morning and first thing, the
//! reminder rule, the calculator's words and the open/closed line.
//!
//! Expected values are literal local times worked out by hand. Dates: Mon 16
//! … Sun 22 Nov, Mon 23 … Wed 25 Nov 2026; Thu 24 Dec, Fri 25 Dec (holiday),
//! Mon 28 / Tue 29 Dec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests_calendar::{date, t};
use super::{Calendar, DayRef, Due, Span, SpanSource, calculate, describe, parse};
use crate::model::BusinessHours;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{America::New_York, America::Sao_Paulo, Tz};

fn local(tz: Tz, s: &str) -> DateTime<Utc> {
    let wall = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    tz.from_local_datetime(&wall).single().expect("unambiguous local time").to_utc()
}

fn ny(s: &str) -> DateTime<Utc> {
    local(New_York, s)
}

fn office() -> Calendar {
    let mut hours = BusinessHours::nine_to_five();
    hours.holidays = vec![date("2026-12-25")];
    Calendar::new(hours, New_York)
}

fn weekdays(open: (u32, u32), close: (u32, u32)) -> Calendar {
    let day = |i: usize| if i < 5 { vec![(t(open.0, open.1), t(close.0, close.1))] } else { vec![] };
    Calendar::new(BusinessHours { days: std::array::from_fn(day), holidays: vec![] }, New_York)
}

fn due(text: &str, received: &str, cal: &Calendar) -> Due {
    Due::new(parse(text).expect("a time is named"), ny(received), cal).expect("the calendar opens")
}

#[test]
fn one_business_day_from_a_closed_instant_ends_that_day() {
    let cal = office();
    let one = |at: &str| cal.add_business_days(ny(at), 1);
    assert_eq!(one("2026-11-20T17:00"), Some(ny("2026-11-23T17:00")), "Friday at the close");
    assert_eq!(one("2026-11-20T20:00"), Some(ny("2026-11-23T17:00")), "Friday evening");
    assert_eq!(one("2026-11-22T10:00"), Some(ny("2026-11-23T17:00")), "a closed Sunday");
    assert_eq!(one("2026-11-23T08:00"), Some(ny("2026-11-23T17:00")), "before Monday's opening");
    assert_eq!(one("2026-12-25T11:00"), Some(ny("2026-12-28T17:00")), "a holiday");
    assert_eq!(cal.add_business_days(ny("2026-12-24T18:00"), 2), Some(ny("2026-12-29T17:00")));
    assert_eq!(cal.add_business_days(ny("2026-11-20T17:00"), 3), Some(ny("2026-11-25T17:00")));
}

#[test]
fn business_days_from_an_open_instant_keep_the_wall_time() {
    let cal = office();
    assert_eq!(cal.add_business_days(ny("2026-11-17T10:00"), 1), Some(ny("2026-11-18T10:00")));
    assert_eq!(cal.add_business_days(ny("2026-11-20T16:59"), 1), Some(ny("2026-11-23T16:59")));
    assert_eq!(
        cal.add_business_days(ny("2026-11-20T09:00"), 1),
        Some(ny("2026-11-23T09:00")),
        "the opening is open"
    );
    assert_eq!(cal.add_business_days(ny("2026-12-24T10:00"), 2), Some(ny("2026-12-29T10:00")));
    // A lunch break is a gap inside a business day, not between days.
    let mut hours = BusinessHours { days: Default::default(), holidays: vec![] };
    hours.days[0] = vec![(t(9, 0), t(12, 0)), (t(13, 0), t(17, 0))];
    hours.days[1] = hours.days[0].clone();
    let lunch = Calendar::new(hours, New_York);
    assert_eq!(lunch.add_business_days(ny("2026-11-16T12:30"), 1), Some(ny("2026-11-17T13:00")));
}

#[test]
fn business_day_phrases_received_while_closed() {
    let cal = office();
    for (text, at, want) in [
        ("within one business day", "2026-11-20T17:00", "2026-11-23T17:00"),
        ("next business day", "2026-11-22T15:00", "2026-11-23T17:00"),
        ("We'll reply within 24 hours", "2026-11-23T07:30", "2026-11-23T17:00"),
        ("within 2 business days", "2026-12-25T09:30", "2026-12-29T17:00"),
        ("within one business day", "2026-11-20T12:00", "2026-11-23T12:00"),
    ] {
        assert_eq!(due(text, at, &cal).due_at, ny(want), "{text:?} at {at}");
    }
}

#[test]
fn lengths_of_a_day_or_more_are_whole_business_days_rounded_up() {
    for (text, days) in [
        ("within 24 hours", 1),
        ("within 25 hours", 2),
        ("within 36 hours", 2),
        ("within 48h", 2),
        ("within 72 hours", 3),
        ("within 1.5 days", 2),
        ("PT36H", 2),
        ("P1DT4H", 2),
        ("within 1440 minutes", 1),
    ] {
        assert_eq!(parse(text), Some(Span::BusinessDays(days)), "{text:?}");
    }
    assert_eq!(parse("within 23 hours"), Some(Span::BusinessMinutes(23 * 60)));
    assert_eq!(parse("within 23.5 hours"), Some(Span::BusinessMinutes(1410)));
    let cal = office();
    assert_eq!(due("within 36 hours", "2026-11-17T10:00", &cal).due_at, ny("2026-11-19T10:00"));
    assert_eq!(due("within 36 hours", "2026-11-20T18:00", &cal).due_at, ny("2026-11-24T17:00"));
}

#[test]
fn tomorrow_morning_is_due_at_noon_and_reminded_at_the_opening() {
    let cal = office();
    let d = due("We'll call you tomorrow morning", "2026-11-17T14:00", &cal);
    assert_eq!(d.span, Span::Morning(DayRef::NextBusinessDay));
    assert_eq!(d.due_at, ny("2026-11-18T12:00"));
    assert_eq!(d.reminder_at(&cal, 30), Some(ny("2026-11-18T09:00")));
    assert_eq!(d.reminder_at(&cal, 240), Some(ny("2026-11-17T16:00")), "a longer lead still wins");
    assert_eq!(d.reminder_at(&cal, 0), None);
    let d = due("by tomorrow morning", "2026-11-20T15:00", &cal);
    assert_eq!((d.due_at, d.reminder_at(&cal, 30)), (ny("2026-11-23T12:00"), Some(ny("2026-11-23T09:00"))));
    // "This morning" before the opening and during it.
    let d = due("this morning", "2026-11-17T08:00", &cal);
    assert_eq!((d.due_at, d.reminder_at(&cal, 30)), (ny("2026-11-17T12:00"), Some(ny("2026-11-17T09:00"))));
    let d = due("this morning", "2026-11-17T10:00", &cal);
    assert_eq!((d.due_at, d.reminder_at(&cal, 30)), (ny("2026-11-17T12:00"), Some(ny("2026-11-17T11:30"))));
    // A day that closes before noon: its close. One that opens after noon: an hour in.
    let early = weekdays((7, 0), (11, 0));
    let d = due("tomorrow morning", "2026-11-17T10:00", &early);
    assert_eq!((d.due_at, d.reminder_at(&early, 30)), (ny("2026-11-18T11:00"), Some(ny("2026-11-18T07:00"))));
    let late = weekdays((12, 30), (20, 0));
    let d = due("tomorrow morning", "2026-11-17T13:00", &late);
    assert_eq!((d.due_at, d.reminder_at(&late, 30)), (ny("2026-11-18T13:30"), Some(ny("2026-11-18T12:30"))));
}

#[test]
fn first_thing_is_an_hour_after_opening() {
    let cal = office();
    let d = due("first thing tomorrow", "2026-11-17T15:00", &cal);
    assert_eq!(d.span, Span::FirstThing(DayRef::NextBusinessDay));
    assert_eq!((d.due_at, d.reminder_at(&cal, 30)), (ny("2026-11-18T10:00"), Some(ny("2026-11-18T09:30"))));
    assert_eq!(due("first thing in the morning", "2026-11-20T20:00", &cal).due_at, ny("2026-11-23T10:00"));
    let eight = weekdays((8, 0), (16, 0));
    let d = due("first thing tomorrow", "2026-11-17T15:00", &eight);
    assert_eq!((d.due_at, d.reminder_at(&eight, 30)), (ny("2026-11-18T09:00"), Some(ny("2026-11-18T08:30"))));
}

#[test]
fn reminders_count_business_minutes_back_from_due() {
    let cal = office();
    // Due Tue 09:15: 30 business minutes earlier is Monday 16:45, when someone is in.
    let d = due("within 1 hour", "2026-11-16T16:15", &cal);
    assert_eq!(d.due_at, ny("2026-11-17T09:15"));
    assert_eq!(d.reminder_at(&cal, 30), Some(ny("2026-11-16T16:45")));
    assert_eq!(d.before(&cal, 15), ny("2026-11-17T09:00"));
    // Due at the end of Monday: reminded at 16:30 on Monday, not 08:30 on Tuesday.
    let d = due("within one business day", "2026-11-20T17:00", &cal);
    assert_eq!(d.reminder_at(&cal, 30), Some(ny("2026-11-23T16:30")));
    // Never before the receipt: a 15-minute promise is reminded at once.
    let d = due("within 15 minutes", "2026-11-17T10:00", &cal);
    assert_eq!(d.reminder_at(&cal, 30), Some(ny("2026-11-17T10:00")));
}

#[test]
fn the_calculator_says_how_it_read_the_text() {
    let cal = office();
    let c =
        calculate("We'll get back to you within 4 business hours", None, ny("2026-11-20T15:00"), &cal, 30);
    assert_eq!(c.source, Some(SpanSource::Text));
    assert_eq!(c.understood_as, "4 hours of business time");
    assert!(!c.after_hours);
    assert_eq!(c.due.as_ref().map(|d| d.due_at), Some(ny("2026-11-23T11:00")));
    assert_eq!(c.reminder_at, Some(ny("2026-11-23T10:30")));
    let c = calculate("We'll be in touch soon", Some(90), ny("2026-11-21T10:00"), &cal, 30);
    assert_eq!(c.source, Some(SpanSource::Default));
    assert!(c.after_hours);
    assert_eq!(
        c.due.as_ref().map(|d| (d.clock_from, d.due_at)),
        Some((ny("2026-11-23T09:00"), ny("2026-11-23T10:30")))
    );
    assert!(c.understood_as.contains("default"), "{}", c.understood_as);
    let c = calculate("soon", None, ny("2026-11-21T10:00"), &cal, 30);
    assert_eq!((c.source, c.due, c.reminder_at), (None, None, None));
    assert!(c.understood_as.contains("no time named"), "{}", c.understood_as);
    assert_eq!(describe(&Span::BusinessDays(2)), "2 business days");
    assert_eq!(describe(&Span::BusinessMinutes(90)), "1 h 30 min of business time");
    assert_eq!(describe(&Span::By { day: DayRef::Today, at: t(17, 0) }), "by 17:00 today");
}

#[test]
fn the_open_line_reads_like_a_sign_on_the_door() {
    let cal = office();
    assert_eq!(cal.state_label(ny("2026-11-20T10:00")), "open until 17:00");
    assert_eq!(cal.state_label(ny("2026-11-20T18:00")), "closed, opens Mon 09:00");
    let mut hours = BusinessHours::nine_to_five();
    hours.days[4] = vec![(t(22, 0), t(6, 0))];
    let night = Calendar::new(hours, Sao_Paulo);
    assert_eq!(night.state_label(local(Sao_Paulo, "2026-11-20T23:00")), "open until 06:00");
    assert_eq!(night.state_label(local(Sao_Paulo, "2026-11-21T07:00")), "closed, opens Mon 09:00");
}
