//! Calendar arithmetic: hand-computed cases (weekends, holidays, split shifts,
//! shifts until midnight, DST days in three zones); night shifts are in
//! `tests_night`, business days in `tests_days`, the properties in
//! `tests_calendar_props`.
//!
//! Expected values are written as literal local times, worked out by hand from
//! the definition in the module docs, never by calling the code under test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::Calendar;
use crate::model::BusinessHours;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::{America::New_York, Australia::Sydney, Europe::Berlin, Tz};

pub(super) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub(super) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An unambiguous local wall time in `tz`, written "2026-03-09T10:00".
fn local(tz: Tz, s: &str) -> DateTime<Utc> {
    let wall = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    tz.from_local_datetime(&wall).single().expect("unambiguous local time").to_utc()
}

/// An instant with its offset, for wall times that occur twice.
pub(super) fn fixed(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z").unwrap().to_utc()
}

fn every_day(open: NaiveTime, close: NaiveTime) -> BusinessHours {
    BusinessHours { days: std::array::from_fn(|_| vec![(open, close)]), holidays: Vec::new() }
}

fn weekdays(shifts: &[(NaiveTime, NaiveTime)]) -> BusinessHours {
    let day = |i: usize| if i < 5 { shifts.to_vec() } else { Vec::new() };
    BusinessHours { days: std::array::from_fn(day), holidays: Vec::new() }
}

/// Mon–Fri 09:00–17:00 in New York, closed on Christmas Day 2026 (a Friday).
fn ny() -> Calendar {
    let mut hours = BusinessHours::nine_to_five();
    hours.holidays = vec![date("2026-12-25")];
    Calendar::new(hours, New_York)
}

fn add(cal: &Calendar, tz: Tz, start: &str, minutes: i64) -> DateTime<Utc> {
    cal.add_business_minutes(local(tz, start), minutes).unwrap()
}

#[test]
fn minutes_within_a_day_and_up_to_the_close() {
    let cal = ny();
    assert_eq!(add(&cal, New_York, "2026-11-17T10:00", 60), local(New_York, "2026-11-17T11:00"));
    // Using the day up exactly stays at the close ...
    assert_eq!(add(&cal, New_York, "2026-11-17T10:00", 420), local(New_York, "2026-11-17T17:00"));
    // ... and one more minute goes on from the next opening.
    assert_eq!(add(&cal, New_York, "2026-11-17T10:00", 421), local(New_York, "2026-11-18T09:01"));
}

#[test]
fn minutes_across_a_weekend() {
    let cal = ny();
    assert_eq!(add(&cal, New_York, "2026-11-20T16:00", 240), local(New_York, "2026-11-23T12:00"));
    assert_eq!(add(&cal, New_York, "2026-11-21T10:00", 30), local(New_York, "2026-11-23T09:30"));
    assert_eq!(add(&cal, New_York, "2026-11-20T17:00", 0), local(New_York, "2026-11-23T09:00"));
    assert_eq!(add(&cal, New_York, "2026-11-20T17:00", 1), local(New_York, "2026-11-23T09:01"));
    assert_eq!(
        cal.business_seconds_between(
            local(New_York, "2026-11-20T16:00"),
            local(New_York, "2026-11-23T10:00")
        ),
        2 * 3600
    );
}

#[test]
fn minutes_across_a_holiday() {
    let cal = ny();
    // Thu 24 Dec 15:00: two hours left, Fri 25 a holiday, then the weekend.
    assert_eq!(add(&cal, New_York, "2026-12-24T15:00", 240), local(New_York, "2026-12-28T11:00"));
    assert_eq!(
        cal.business_seconds_between(
            local(New_York, "2026-12-24T00:00"),
            local(New_York, "2026-12-29T00:00")
        ),
        16 * 3600
    );
    assert!(cal.intervals_on(date("2026-12-25")).is_empty());
}

#[test]
fn split_shifts() {
    let cal = Calendar::new(weekdays(&[(t(9, 0), t(12, 0)), (t(14, 0), t(18, 0))]), New_York);
    assert_eq!(add(&cal, New_York, "2026-11-16T11:00", 120), local(New_York, "2026-11-16T15:00"));
    assert_eq!(add(&cal, New_York, "2026-11-16T12:30", 30), local(New_York, "2026-11-16T14:30"));
    assert_eq!(add(&cal, New_York, "2026-11-16T11:00", 60), local(New_York, "2026-11-16T12:00"));
    assert_eq!(
        cal.business_seconds_between(
            local(New_York, "2026-11-16T08:00"),
            local(New_York, "2026-11-16T20:00")
        ),
        7 * 3600
    );
    assert_eq!(
        cal.intervals_on(date("2026-11-16")),
        vec![
            (local(New_York, "2026-11-16T09:00"), local(New_York, "2026-11-16T12:00")),
            (local(New_York, "2026-11-16T14:00"), local(New_York, "2026-11-16T18:00")),
        ]
    );
    assert!(cal.is_open(local(New_York, "2026-11-16T11:59")));
    assert!(!cal.is_open(local(New_York, "2026-11-16T12:00")));
    assert!(cal.is_open(local(New_York, "2026-11-16T14:00")));
    assert_eq!(
        cal.current_close(local(New_York, "2026-11-16T10:00")),
        Some(local(New_York, "2026-11-16T12:00"))
    );
    assert_eq!(
        cal.next_opening(local(New_York, "2026-11-16T12:30")),
        Some(local(New_York, "2026-11-16T14:00"))
    );
}

#[test]
fn shifts_until_midnight() {
    let cal = Calendar::new(every_day(t(18, 0), t(0, 0)), Berlin);
    assert_eq!(add(&cal, Berlin, "2026-11-16T23:00", 120), local(Berlin, "2026-11-17T19:00"));
    assert!(cal.is_open(local(Berlin, "2026-11-16T23:59")));
    assert!(!cal.is_open(local(Berlin, "2026-11-17T00:00")));
    // A close before the open runs into the next day (issue 22: it used to
    // mean "until midnight"): 20:00-02:00 is open until 02:00.
    let cal = Calendar::new(every_day(t(20, 0), t(2, 0)), Berlin);
    assert_eq!(add(&cal, Berlin, "2026-11-16T23:30", 60), local(Berlin, "2026-11-17T00:30"));
    assert!(cal.is_open(local(Berlin, "2026-11-17T01:00")));
    assert!(!cal.is_open(local(Berlin, "2026-11-17T02:00")));
    // Until midnight on Monday, then from midnight on Tuesday: one interval.
    let mut hours = BusinessHours { days: Default::default(), holidays: Vec::new() };
    hours.days[0] = vec![(t(18, 0), t(0, 0))];
    hours.days[1] = vec![(t(0, 0), t(2, 0))];
    let cal = Calendar::new(hours, Berlin);
    assert_eq!(cal.current_close(local(Berlin, "2026-11-16T19:00")), Some(local(Berlin, "2026-11-17T02:00")));
    assert_eq!(add(&cal, Berlin, "2026-11-16T23:00", 120), local(Berlin, "2026-11-17T01:00"));
    assert_eq!(
        cal.business_seconds_between(local(Berlin, "2026-11-16T00:00"), local(Berlin, "2026-11-18T00:00")),
        8 * 3600
    );
}

#[test]
fn a_calendar_without_shifts_never_opens() {
    let cal = Calendar::new(BusinessHours { days: Default::default(), holidays: Vec::new() }, New_York);
    let at = local(New_York, "2026-11-17T10:00");
    assert!(!cal.is_open(at));
    assert!(cal.is_after_hours(at));
    assert_eq!(cal.next_opening(at), None);
    assert_eq!(cal.current_close(at), None);
    assert_eq!(cal.add_business_minutes(at, 0), None);
    assert_eq!(cal.add_business_minutes(at, 60), None);
    assert_eq!(cal.add_business_days(at, 1), None);
    assert_eq!(cal.business_seconds_between(at, at + Duration::days(30)), 0);
    assert_eq!(cal.next_business_date(date("2026-11-17")), None);
    assert!(cal.intervals_on(date("2026-11-17")).is_empty());
}

#[test]
fn a_calendar_closed_for_longer_than_the_horizon_never_opens() {
    // Open on Tuesdays only, and every Tuesday for four years is a holiday.
    let mut hours = BusinessHours { days: Default::default(), holidays: Vec::new() };
    hours.days[1] = vec![(t(9, 0), t(17, 0))];
    hours.holidays = (0..4 * 53).map(|w| date("2026-11-17") + Duration::weeks(w)).collect();
    let cal = Calendar::new(hours, New_York);
    let at = local(New_York, "2026-11-16T10:00");
    assert_eq!(cal.next_opening(at), None);
    assert_eq!(cal.add_business_minutes(at, 1), None);
    assert_eq!(cal.next_business_date(date("2026-11-16")), None);
}

#[test]
fn new_york_spring_forward_day_is_an_hour_shorter() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. Open 00:00–06:00 every day.
    let cal = Calendar::new(every_day(t(0, 0), t(6, 0)), New_York);
    let day = "2026-03-08T00:00";
    assert_eq!(add(&cal, New_York, day, 120), local(New_York, "2026-03-08T03:00"));
    assert_eq!(add(&cal, New_York, day, 300), local(New_York, "2026-03-08T06:00"));
    assert_eq!(add(&cal, New_York, day, 301), local(New_York, "2026-03-09T00:01"));
    assert_eq!(
        cal.business_seconds_between(local(New_York, day), local(New_York, "2026-03-09T00:00")),
        5 * 3600
    );
    assert_eq!(
        cal.business_seconds_between(
            local(New_York, "2026-03-07T00:00"),
            local(New_York, "2026-03-08T00:00")
        ),
        6 * 3600
    );
    assert_eq!(
        cal.intervals_on(date("2026-03-08")),
        vec![(fixed("2026-03-08T00:00-05:00"), fixed("2026-03-08T06:00-04:00"))]
    );
}

#[test]
fn new_york_fall_back_day_is_an_hour_longer() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00–02:00 happens twice.
    let cal = Calendar::new(every_day(t(0, 0), t(6, 0)), New_York);
    let day = "2026-11-01T00:00";
    assert_eq!(add(&cal, New_York, day, 90), fixed("2026-11-01T01:30-04:00"));
    assert_eq!(add(&cal, New_York, day, 150), fixed("2026-11-01T01:30-05:00"));
    assert_eq!(add(&cal, New_York, day, 420), local(New_York, "2026-11-01T06:00"));
    assert_eq!(add(&cal, New_York, day, 421), local(New_York, "2026-11-02T00:01"));
    assert_eq!(
        cal.business_seconds_between(local(New_York, day), local(New_York, "2026-11-02T00:00")),
        7 * 3600
    );
}

#[test]
fn berlin_transitions_inside_a_night_shift() {
    // Open 01:00–04:00 every day.
    let cal = Calendar::new(every_day(t(1, 0), t(4, 0)), Berlin);
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so the shift lasts two hours.
    assert_eq!(add(&cal, Berlin, "2026-03-29T01:00", 60), local(Berlin, "2026-03-29T03:00"));
    assert_eq!(add(&cal, Berlin, "2026-03-29T01:00", 120), local(Berlin, "2026-03-29T04:00"));
    assert_eq!(add(&cal, Berlin, "2026-03-29T01:00", 121), local(Berlin, "2026-03-30T01:01"));
    assert_eq!(
        cal.business_seconds_between(local(Berlin, "2026-03-29T00:00"), local(Berlin, "2026-03-30T00:00")),
        2 * 3600
    );
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET, so the shift lasts four hours.
    assert_eq!(add(&cal, Berlin, "2026-10-25T01:00", 90), fixed("2026-10-25T02:30+02:00"));
    assert_eq!(add(&cal, Berlin, "2026-10-25T01:00", 150), fixed("2026-10-25T02:30+01:00"));
    assert_eq!(add(&cal, Berlin, "2026-10-25T01:00", 180), local(Berlin, "2026-10-25T03:00"));
    assert_eq!(add(&cal, Berlin, "2026-10-25T01:00", 240), local(Berlin, "2026-10-25T04:00"));
    assert_eq!(add(&cal, Berlin, "2026-10-25T01:00", 241), local(Berlin, "2026-10-26T01:01"));
    assert_eq!(
        cal.business_seconds_between(local(Berlin, "2026-10-25T00:00"), local(Berlin, "2026-10-26T00:00")),
        4 * 3600
    );
}

#[test]
fn sydney_transitions_in_the_southern_hemisphere() {
    let cal = Calendar::new(every_day(t(0, 0), t(6, 0)), Sydney);
    // 2026-04-05: 03:00 AEDT falls back to 02:00 AEST.
    assert_eq!(add(&cal, Sydney, "2026-04-05T00:00", 150), fixed("2026-04-05T02:30+11:00"));
    assert_eq!(add(&cal, Sydney, "2026-04-05T00:00", 210), fixed("2026-04-05T02:30+10:00"));
    assert_eq!(add(&cal, Sydney, "2026-04-05T00:00", 420), local(Sydney, "2026-04-05T06:00"));
    assert_eq!(add(&cal, Sydney, "2026-04-05T00:00", 421), local(Sydney, "2026-04-06T00:01"));
    assert_eq!(
        cal.business_seconds_between(local(Sydney, "2026-04-05T00:00"), local(Sydney, "2026-04-06T00:00")),
        7 * 3600
    );
    // 2026-10-04: 02:00 AEST jumps to 03:00 AEDT.
    assert_eq!(add(&cal, Sydney, "2026-10-04T00:00", 120), local(Sydney, "2026-10-04T03:00"));
    assert_eq!(add(&cal, Sydney, "2026-10-04T00:00", 300), local(Sydney, "2026-10-04T06:00"));
    assert_eq!(add(&cal, Sydney, "2026-10-04T00:00", 301), local(Sydney, "2026-10-05T00:01"));
    assert_eq!(
        cal.business_seconds_between(local(Sydney, "2026-10-04T00:00"), local(Sydney, "2026-10-05T00:00")),
        5 * 3600
    );
}

#[test]
fn an_opening_in_the_spring_forward_gap_opens_after_the_gap() {
    let cal = Calendar::new(every_day(t(2, 30), t(5, 0)), New_York);
    assert_eq!(
        cal.next_opening(local(New_York, "2026-03-08T00:00")),
        Some(local(New_York, "2026-03-08T03:00"))
    );
    assert_eq!(
        cal.next_opening(local(New_York, "2026-03-07T06:00")),
        Some(local(New_York, "2026-03-08T03:00"))
    );
    assert_eq!(
        cal.business_seconds_between(
            local(New_York, "2026-03-08T00:00"),
            local(New_York, "2026-03-09T00:00")
        ),
        2 * 3600
    );
}

#[test]
fn office_hours_keep_their_wall_time_across_dst() {
    let cal = ny();
    assert_eq!(add(&cal, New_York, "2026-03-06T16:00", 120), local(New_York, "2026-03-09T10:00"));
    assert_eq!(
        cal.add_business_days(local(New_York, "2026-03-06T10:00"), 1),
        Some(local(New_York, "2026-03-09T10:00"))
    );
    let berlin = Calendar::new(BusinessHours::nine_to_five(), Berlin);
    assert_eq!(
        berlin.add_business_days(local(Berlin, "2026-10-23T14:00"), 1),
        Some(local(Berlin, "2026-10-26T14:00"))
    );
}

#[test]
fn after_hours() {
    let cal = ny();
    assert!(cal.is_after_hours(local(New_York, "2026-11-20T18:00"))); // Friday evening
    assert!(cal.is_after_hours(local(New_York, "2026-11-21T12:00"))); // Saturday
    assert!(cal.is_after_hours(local(New_York, "2026-12-25T10:00"))); // holiday
    assert!(cal.is_after_hours(local(New_York, "2026-11-23T08:59")));
    assert!(!cal.is_after_hours(local(New_York, "2026-11-23T09:00")));
    assert!(!cal.is_after_hours(fixed("2026-11-23T16:59-05:00") + Duration::seconds(59)));
    assert!(cal.is_after_hours(local(New_York, "2026-11-23T17:00")));
    assert_eq!(
        cal.next_opening(local(New_York, "2026-11-20T18:00")),
        Some(local(New_York, "2026-11-23T09:00"))
    );
    assert_eq!(
        cal.next_opening(local(New_York, "2026-11-23T10:00")),
        Some(local(New_York, "2026-11-23T10:00"))
    );
    assert_eq!(
        cal.current_close(local(New_York, "2026-11-23T10:00")),
        Some(local(New_York, "2026-11-23T17:00"))
    );
    assert_eq!(cal.current_close(local(New_York, "2026-11-23T18:00")), None);
}

#[test]
fn business_days_keep_the_wall_time_or_clamp_to_the_day() {
    let cal = ny();
    let days = |start: &str, n| cal.add_business_days(local(New_York, start), n);
    // From a closed Saturday, one whole business day: the end of Monday (issue
    // 22; it used to be Tuesday 09:00, the same business time).
    assert_eq!(days("2026-11-21T12:00", 1), Some(local(New_York, "2026-11-23T17:00")));
    assert_eq!(days("2026-12-24T10:00", 1), Some(local(New_York, "2026-12-28T10:00")));
    assert_eq!(days("2026-11-21T12:00", 0), Some(local(New_York, "2026-11-23T09:00")));
    assert_eq!(days("2026-11-17T10:00", 5), Some(local(New_York, "2026-11-24T10:00")));

    let mut hours = BusinessHours { days: Default::default(), holidays: Vec::new() };
    hours.days[0] = vec![(t(9, 0), t(13, 0))];
    hours.days[1] = vec![(t(9, 0), t(12, 0)), (t(14, 0), t(18, 0))];
    let split = Calendar::new(hours, New_York);
    // 12:30 falls between Tuesday's shifts: the next shift start.
    assert_eq!(
        split.add_business_days(local(New_York, "2026-11-16T12:30"), 1),
        Some(local(New_York, "2026-11-17T14:00"))
    );

    let mut hours = BusinessHours { days: Default::default(), holidays: Vec::new() };
    hours.days[0] = vec![(t(8, 0), t(18, 0))];
    hours.days[1] = vec![(t(10, 0), t(12, 0))];
    let short = Calendar::new(hours, New_York);
    let days = |start: &str| short.add_business_days(local(New_York, start), 1);
    assert_eq!(days("2026-11-16T15:00"), Some(local(New_York, "2026-11-17T12:00"))); // after the last close
    assert_eq!(days("2026-11-16T08:30"), Some(local(New_York, "2026-11-17T10:00"))); // before the opening
    assert_eq!(days("2026-11-16T11:15"), Some(local(New_York, "2026-11-17T11:15"))); // open: same wall time
}

#[test]
fn dates_and_labels() {
    let cal = ny();
    assert_eq!(cal.local_date(fixed("2026-11-21T03:00+00:00")), date("2026-11-20"));
    assert_eq!(cal.next_business_date(date("2026-12-24")), Some(date("2026-12-28")));
    assert_eq!(cal.next_business_date(date("2026-11-20")), Some(date("2026-11-23")));
    assert!(!cal.is_business_date(date("2026-12-25")));
    assert!(!cal.is_business_date(date("2026-11-21")));
    assert!(cal.is_business_date(date("2026-11-23")));
    assert_eq!(cal.local_label(fixed("2026-11-24T10:00-05:00")), "Tue 24 Nov 10:00 EST");
    let berlin = Calendar::new(BusinessHours::nine_to_five(), Berlin);
    assert_eq!(berlin.local_label(fixed("2026-07-01T09:05+02:00")), "Wed 1 Jul 09:05 CEST");
    assert_eq!(cal.tz(), New_York);
}

#[test]
fn ten_thousand_minutes_walk_day_by_day() {
    let cal = ny();
    let started = std::time::Instant::now();
    // 10,000 min = 20 days of 480 min + 400 min: four weeks, then Mon 09:00 + 6h40.
    assert_eq!(add(&cal, New_York, "2026-01-05T09:00", 10_000), local(New_York, "2026-02-02T15:40"));
    let always = Calendar::new(every_day(t(0, 0), t(0, 0)), New_York);
    let start = local(New_York, "2026-01-05T09:00");
    // Open all the time, across two DST changes: business time is real time.
    assert_eq!(always.add_business_minutes(start, 1_000_000), Some(start + Duration::minutes(1_000_000)));
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
}
