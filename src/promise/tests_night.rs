//! Night shifts (a close at or before the open runs into the next day):
//! hand-computed cases across both DST changes in Berlin, New York and Sydney,
//! holidays on either side of midnight, and properties of random night-shift
//! calendars.
//!
//! Expected values are literal local times worked out by hand. The 2026 DST
//! changes used: Berlin Sun 29 Mar 02:00 CET → 03:00 CEST (01:00 UTC) and Sun
//! 25 Oct 03:00 CEST → 02:00 CET (01:00 UTC); New York Sun 8 Mar 02:00 EST →
//! 03:00 EDT (07:00 UTC) and Sun 1 Nov 02:00 EDT → 01:00 EST (06:00 UTC);
//! Sydney Sun 5 Apr 03:00 AEDT → 02:00 AEST and Sun 4 Oct 02:00 AEST → 03:00
//! AEDT (both 16:00 UTC the day before).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests_calendar::{date, fixed, t};
use super::{Calendar, Due, Span, due_at};
use crate::model::BusinessHours;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{America::New_York, Australia::Sydney, Europe::Berlin, Tz};
use proptest::prelude::*;

fn local(tz: Tz, s: &str) -> DateTime<Utc> {
    let wall = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    tz.from_local_datetime(&wall).single().expect("unambiguous local time").to_utc()
}

/// 22:00-06:00 every night.
fn nights(tz: Tz) -> Calendar {
    Calendar::new(
        BusinessHours { days: std::array::from_fn(|_| vec![(t(22, 0), t(6, 0))]), holidays: vec![] },
        tz,
    )
}

fn add(cal: &Calendar, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    cal.add_business_minutes(start, minutes).unwrap()
}

fn hours_between(cal: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    cal.business_seconds_between(a, b) / 3600
}

#[test]
fn a_night_shift_runs_past_midnight_and_belongs_to_its_start_day() {
    let cal = nights(Berlin);
    let fri_22 = local(Berlin, "2026-11-20T22:00");
    assert!(cal.is_open(local(Berlin, "2026-11-21T02:00")));
    assert!(cal.is_open(local(Berlin, "2026-11-21T05:59")));
    assert!(!cal.is_open(local(Berlin, "2026-11-21T06:00")));
    assert!(!cal.is_open(local(Berlin, "2026-11-21T21:59")));
    assert_eq!(add(&cal, fri_22, 240), local(Berlin, "2026-11-21T02:00"));
    assert_eq!(add(&cal, fri_22, 480), local(Berlin, "2026-11-21T06:00"));
    assert_eq!(add(&cal, fri_22, 481), local(Berlin, "2026-11-21T22:01"));
    assert_eq!(cal.intervals_on(date("2026-11-20")), vec![(fri_22, local(Berlin, "2026-11-21T06:00"))]);
    assert_eq!(cal.shift_date(local(Berlin, "2026-11-21T03:00")), Some(date("2026-11-20")));
    assert_eq!(cal.shift_date(local(Berlin, "2026-11-21T23:00")), Some(date("2026-11-21")));
    assert_eq!(cal.current_close(local(Berlin, "2026-11-20T23:00")), Some(local(Berlin, "2026-11-21T06:00")));
    assert_eq!(cal.next_opening(local(Berlin, "2026-11-21T07:00")), Some(local(Berlin, "2026-11-21T22:00")));
}

#[test]
fn a_holiday_cancels_its_own_night_shift_not_the_one_ending_on_it() {
    let mut cal_hours = nights(Berlin).hours().clone();
    cal_hours.holidays = vec![date("2026-11-20")]; // Friday
    let cal = Calendar::new(cal_hours, Berlin);
    assert!(cal.is_open(local(Berlin, "2026-11-20T02:00")), "Thursday's shift ends on the holiday morning");
    assert!(!cal.is_open(local(Berlin, "2026-11-20T23:00")), "the holiday's own shift is cancelled");
    assert!(!cal.is_open(local(Berlin, "2026-11-21T02:00")), "…all of it, after midnight too");
    assert!(cal.intervals_on(date("2026-11-20")).is_empty());
    assert!(!cal.is_business_date(date("2026-11-20")));
    // Thu 19 Nov 23:00 + 8 h: 7 h left on Thursday's shift, then Saturday's from 22:00.
    assert_eq!(add(&cal, local(Berlin, "2026-11-19T23:00"), 480), local(Berlin, "2026-11-21T23:00"));
    assert_eq!(cal.next_opening(local(Berlin, "2026-11-20T10:00")), Some(local(Berlin, "2026-11-21T22:00")));
}

#[test]
fn twenty_four_hundred_is_midnight_and_a_whole_day_shift_is_a_day() {
    let mut hours = BusinessHours { days: Default::default(), holidays: vec![] };
    hours.days[0] = vec![(t(18, 0), t(0, 0))]; // mon 18:00-24:00
    hours.days[1] = vec![(t(0, 0), t(0, 0))]; // tue 00:00-24:00
    let cal = Calendar::new(hours, Berlin);
    assert_eq!(
        cal.current_close(local(Berlin, "2026-11-16T19:00")),
        Some(local(Berlin, "2026-11-18T00:00")),
        "Monday evening and all of Tuesday are one stretch"
    );
    assert_eq!(hours_between(&cal, local(Berlin, "2026-11-16T00:00"), local(Berlin, "2026-11-19T00:00")), 30);
    assert!(!cal.is_open(local(Berlin, "2026-11-18T00:00")));
}

#[test]
fn berlin_night_shifts_across_both_dst_changes() {
    let cal = nights(Berlin);
    // Sat 28 Mar 22:00 CET to Sun 29 Mar 06:00 CEST: 7 hours.
    let sat = local(Berlin, "2026-03-28T22:00");
    assert_eq!(hours_between(&cal, local(Berlin, "2026-03-28T12:00"), local(Berlin, "2026-03-29T12:00")), 7);
    assert_eq!(add(&cal, sat, 180), fixed("2026-03-29T01:00+01:00"));
    assert_eq!(add(&cal, sat, 240), fixed("2026-03-29T03:00+02:00"), "02:00 CET is 03:00 CEST");
    assert_eq!(add(&cal, sat, 420), local(Berlin, "2026-03-29T06:00"));
    assert_eq!(add(&cal, sat, 421), local(Berlin, "2026-03-29T22:01"));
    assert_eq!(
        cal.intervals_on(date("2026-03-28")),
        vec![(fixed("2026-03-28T22:00+01:00"), fixed("2026-03-29T06:00+02:00"))]
    );
    // Sat 24 Oct 22:00 CEST to Sun 25 Oct 06:00 CET: 9 hours, 02:00-03:00 twice.
    let sat = local(Berlin, "2026-10-24T22:00");
    assert_eq!(hours_between(&cal, local(Berlin, "2026-10-24T12:00"), local(Berlin, "2026-10-25T12:00")), 9);
    assert_eq!(add(&cal, sat, 270), fixed("2026-10-25T02:30+02:00"));
    assert_eq!(add(&cal, sat, 330), fixed("2026-10-25T02:30+01:00"));
    assert_eq!(add(&cal, sat, 540), local(Berlin, "2026-10-25T06:00"));
    assert_eq!(add(&cal, sat, 541), local(Berlin, "2026-10-25T22:01"));
    assert!(cal.is_open(fixed("2026-10-25T02:30+01:00")));
    assert_eq!(cal.current_close(fixed("2026-10-25T02:30+02:00")), Some(local(Berlin, "2026-10-25T06:00")));
}

#[test]
fn new_york_night_shifts_across_both_dst_changes() {
    let cal = nights(New_York);
    // Sat 7 Mar 22:00 EST to Sun 8 Mar 06:00 EDT: 7 hours.
    let sat = local(New_York, "2026-03-07T22:00");
    assert_eq!(
        hours_between(&cal, local(New_York, "2026-03-07T12:00"), local(New_York, "2026-03-08T12:00")),
        7
    );
    assert_eq!(add(&cal, sat, 240), local(New_York, "2026-03-08T03:00"));
    assert_eq!(add(&cal, sat, 420), local(New_York, "2026-03-08T06:00"));
    assert_eq!(add(&cal, sat, 421), local(New_York, "2026-03-08T22:01"));
    // Sat 31 Oct 22:00 EDT to Sun 1 Nov 06:00 EST: 9 hours.
    let sat = local(New_York, "2026-10-31T22:00");
    assert_eq!(
        hours_between(&cal, local(New_York, "2026-10-31T12:00"), local(New_York, "2026-11-01T12:00")),
        9
    );
    assert_eq!(add(&cal, sat, 210), fixed("2026-11-01T01:30-04:00"));
    assert_eq!(add(&cal, sat, 270), fixed("2026-11-01T01:30-05:00"));
    assert_eq!(add(&cal, sat, 540), local(New_York, "2026-11-01T06:00"));
    // A 9-hour promise that night ends at the close; 10 hours runs into Sunday night.
    assert_eq!(due_at(&Span::BusinessMinutes(540), sat, &cal), Some(local(New_York, "2026-11-01T06:00")));
    assert_eq!(due_at(&Span::BusinessMinutes(600), sat, &cal), Some(local(New_York, "2026-11-01T23:00")));
}

#[test]
fn sydney_night_shifts_in_the_southern_hemisphere() {
    let cal = nights(Sydney);
    // Sat 4 Apr 22:00 AEDT to Sun 5 Apr 06:00 AEST: clocks fall back, 9 hours.
    let sat = local(Sydney, "2026-04-04T22:00");
    assert_eq!(hours_between(&cal, local(Sydney, "2026-04-04T12:00"), local(Sydney, "2026-04-05T12:00")), 9);
    assert_eq!(add(&cal, sat, 240), fixed("2026-04-05T02:00+11:00"));
    assert_eq!(add(&cal, sat, 300), fixed("2026-04-05T02:00+10:00"));
    assert_eq!(add(&cal, sat, 540), local(Sydney, "2026-04-05T06:00"));
    // Sat 3 Oct 22:00 AEST to Sun 4 Oct 06:00 AEDT: clocks spring forward, 7 hours.
    let sat = local(Sydney, "2026-10-03T22:00");
    assert_eq!(hours_between(&cal, local(Sydney, "2026-10-03T12:00"), local(Sydney, "2026-10-04T12:00")), 7);
    assert_eq!(add(&cal, sat, 240), local(Sydney, "2026-10-04T03:00"));
    assert_eq!(add(&cal, sat, 420), local(Sydney, "2026-10-04T06:00"));
}

#[test]
fn business_days_on_night_shifts() {
    let cal = nights(Berlin);
    let days = |at: &str, n| cal.add_business_days(local(Berlin, at), n);
    // Closed Friday noon: the day is Friday's shift, which ends Saturday 06:00.
    assert_eq!(days("2026-11-20T12:00", 1), Some(local(Berlin, "2026-11-21T06:00")));
    assert_eq!(days("2026-11-20T12:00", 2), Some(local(Berlin, "2026-11-22T06:00")));
    // Open at 02:00 in Friday's shift: 02:00 in Saturday's shift, i.e. on Sunday.
    assert_eq!(days("2026-11-21T02:00", 1), Some(local(Berlin, "2026-11-22T02:00")));
    assert_eq!(days("2026-11-20T23:00", 1), Some(local(Berlin, "2026-11-21T23:00")));
    // Across the spring-forward night: 02:30 in Saturday's shift does not exist,
    // so it is the first instant after the gap.
    assert_eq!(days("2026-03-28T02:30", 1), Some(fixed("2026-03-29T03:00+02:00")));
    // "Within one business day" received during the day before a night: Friday night's close.
    let due = Due::new(Span::BusinessDays(1), local(Berlin, "2026-11-20T12:00"), &cal).unwrap();
    assert!(due.after_hours);
    assert_eq!(due.clock_from, local(Berlin, "2026-11-20T22:00"));
    assert_eq!(due.due_at, local(Berlin, "2026-11-21T06:00"));
    assert_eq!(due.reminder_at(&cal, 30), Some(local(Berlin, "2026-11-21T05:30")));
    // "By end of day" in a night shift is the end of that shift, not of the next one.
    let eod = |at: &str| due_at(&Span::EndOf(super::DayRef::Today), local(Berlin, at), &cal);
    assert_eq!(eod("2026-11-21T02:00"), Some(local(Berlin, "2026-11-21T06:00")));
    assert_eq!(eod("2026-11-20T12:00"), Some(local(Berlin, "2026-11-21T06:00")));
}

fn night_shift() -> impl Strategy<Value = (chrono::NaiveTime, chrono::NaiveTime)> {
    (12u32 * 60..24 * 60, 60u32..12 * 60).prop_map(|(open, len)| {
        let close = (open + len) % 1440;
        (t(open / 60, open % 60), t(close / 60, close % 60))
    })
}

fn night_calendar() -> impl Strategy<Value = Calendar> {
    let day = prop::option::of(night_shift());
    let holidays = prop::collection::vec(0u64..365, 0..6);
    (prop::array::uniform7(day), holidays, 0usize..4).prop_map(|(days, holidays, zone)| {
        let days = days.map(|d| d.into_iter().collect());
        let holidays = holidays.into_iter().map(|d| date("2026-01-01") + chrono::Days::new(d)).collect();
        let zone = [Berlin, New_York, Sydney, chrono_tz::America::Sao_Paulo][zone];
        Calendar::new(BusinessHours { days, holidays }, zone)
    })
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let year = fixed("2026-01-01T00:00+00:00");
    (0i64..365 * 86_400).prop_map(move |s| year + Duration::seconds(s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A night shift's length is the real time between its open and its close,
    /// however the clocks change in between.
    #[test]
    fn a_night_shift_lasts_the_real_time_between_its_ends(cal in night_calendar(), x in instant()) {
        let d = cal.local_date(x);
        let Some(&(open, close)) = cal.hours().days[chrono::Datelike::weekday(&d).num_days_from_monday() as usize].first() else {
            return Ok(());
        };
        if cal.hours().holidays.contains(&d) {
            prop_assert!(cal.intervals_on(d).is_empty());
            return Ok(());
        }
        let end_date = if close <= open { d.succ_opt().unwrap() } else { d };
        let (Some(a), Some(b)) = (cal.resolve(d.and_time(open)), cal.resolve(end_date.and_time(close))) else {
            return Ok(());
        };
        let got: i64 = cal.intervals_on(d).iter().map(|&(x, y)| (y - x).num_seconds()).sum();
        prop_assert_eq!(got, (b - a).num_seconds());
    }

    /// Every span is due no earlier than received, and its reminder falls
    /// between the receipt and the due time.
    #[test]
    fn night_promises_are_due_after_receipt_and_reminded_before(
        cal in night_calendar(), x in instant(), span in super::tests_phrase::span(), lead in 0u32..600
    ) {
        if let Some(due) = Due::new(span, x, &cal) {
            prop_assert!(due.due_at >= x);
            prop_assert!(due.clock_from >= x && due.clock_from <= due.due_at);
            if let Some(r) = due.reminder_at(&cal, lead) {
                prop_assert!(x <= r && r <= due.due_at, "reminder {} outside [{}, {}]", r, x, due.due_at);
            }
        }
    }

    /// From a closed instant, N business days end at a close: the instant
    /// just before it is open and the result itself is not.
    #[test]
    fn business_days_from_closed_end_at_a_close(cal in night_calendar(), x in instant(), n in 1u32..6) {
        if cal.is_open(x) {
            return Ok(());
        }
        if let Some(r) = cal.add_business_days(x, n) {
            prop_assert!(!cal.is_open(r) && cal.is_open(r - Duration::seconds(1)), "{} is not a close", r);
            prop_assert_eq!(cal.add_business_days(x, n + 1).map(|next| next > r), Some(true));
        }
    }
}
