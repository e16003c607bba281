//! Properties of the calendar arithmetic over random calendars of split and
//! night shifts (a close at or before the open runs into the next day) in
//! several zones (three with DST, one with a 30-minute DST change), random
//! starts across 2026 and around its DST changes, and random lengths.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::Calendar;
use super::tests_calendar::{date, fixed, t};
use crate::model::BusinessHours;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::{America::New_York, Australia::Sydney, Europe::Berlin, Tz};
use proptest::prelude::*;

const ZONES: [Tz; 6] = [
    chrono_tz::UTC,
    New_York,
    Berlin,
    Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Australia::Lord_Howe, // a 30-minute DST change
];

/// DST changes of 2026 (UTC): New York, Berlin, Sydney.
const CHANGES: [&str; 6] = [
    "2026-03-08T07:00+00:00",
    "2026-11-01T06:00+00:00",
    "2026-03-29T01:00+00:00",
    "2026-10-25T01:00+00:00",
    "2026-04-04T16:00+00:00",
    "2026-10-03T16:00+00:00",
];

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let year = fixed("2026-01-01T00:00+00:00");
    prop_oneof![
        (0i64..365 * 86_400).prop_map(move |s| year + Duration::seconds(s)),
        (0usize..CHANGES.len(), -2 * 86_400i64..2 * 86_400)
            .prop_map(|(i, s)| fixed(CHANGES[i]) + Duration::seconds(s)),
    ]
}

fn shift() -> impl Strategy<Value = (NaiveTime, NaiveTime)> {
    (0u32..1440, 30u32..720).prop_map(|(open, len)| {
        let close = (open + len) % 1440;
        (t(open / 60, open % 60), t(close / 60, close % 60))
    })
}

fn calendar() -> impl Strategy<Value = Calendar> {
    let day = prop::collection::vec(shift(), 0..=2);
    let holidays = prop::collection::vec(0u64..365, 0..6);
    (prop::array::uniform7(day), holidays, 0..ZONES.len()).prop_map(|(days, holidays, zone)| {
        let holidays = holidays.into_iter().map(|d| date("2026-01-01") + chrono::Days::new(d)).collect();
        Calendar::new(BusinessHours { days, holidays }, ZONES[zone])
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_lands_open_or_on_a_close_and_counts_back(cal in calendar(), s in instant(), m in 0i64..20_000) {
        match cal.add_business_minutes(s, m) {
            Some(r) => {
                prop_assert!(r >= s);
                prop_assert!(cal.is_open(r) || cal.is_open(r - Duration::seconds(1)), "{r} neither open nor a close");
                prop_assert_eq!(cal.business_seconds_between(s, r), m * 60);
            }
            None => prop_assert_eq!(cal.next_opening(s), None),
        }
    }

    #[test]
    fn adding_is_monotone(cal in calendar(), s in instant(), a in 0i64..20_000, b in 0i64..20_000) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(cal.add_business_minutes(s, lo) <= cal.add_business_minutes(s, hi));
    }

    #[test]
    fn adding_is_additive(cal in calendar(), s in instant(), a in 0i64..20_000, b in 1i64..20_000) {
        let Some(first) = cal.add_business_minutes(s, a) else { return Ok(()) };
        prop_assert_eq!(cal.add_business_minutes(first, b), cal.add_business_minutes(s, a + b));
        // Adding nothing moves to the next opening (a close is not open).
        prop_assert_eq!(cal.add_business_minutes(first, 0), cal.next_opening(first));
    }

    #[test]
    fn open_means_one_open_second(cal in calendar(), x in instant()) {
        let open = cal.is_open(x);
        prop_assert_eq!(open, cal.business_seconds_between(x, x + Duration::seconds(1)) == 1);
        prop_assert_eq!(open, !cal.is_after_hours(x));
        // Open means inside a shift of its own date or of the day before (a night shift).
        let today = cal.local_date(x);
        let inside = [Some(today), today.pred_opt()]
            .into_iter()
            .flatten()
            .any(|d| cal.intervals_on(d).iter().any(|&(a, b)| a <= x && x < b));
        prop_assert_eq!(open, inside);
        prop_assert_eq!(open, cal.shift_date(x).is_some());
        if let Some(next) = cal.next_opening(x) {
            prop_assert!(next >= x && cal.is_open(next));
            prop_assert_eq!(cal.business_seconds_between(x, next), 0);
            prop_assert_eq!(open, next == x);
        }
        if let Some(close) = cal.current_close(x) {
            prop_assert!(open && close > x && !cal.is_open(close));
            prop_assert_eq!(cal.business_seconds_between(x, close), (close - x).num_seconds());
        }
    }

    #[test]
    fn business_days_land_on_a_later_business_date(cal in calendar(), s in instant(), n in 1u32..15) {
        if let Some(r) = cal.add_business_days(s, n) {
            prop_assert!(r > s);
            // r lies in (or closes) the open time of a business date: its own or,
            // for a night shift, the day before.
            let today = cal.local_date(r);
            let on_a_business_day = [Some(today), today.pred_opt()].into_iter().flatten().any(|day| {
                let intervals = cal.intervals_on(day);
                cal.is_business_date(day)
                    && intervals.first().is_some_and(|f| f.0 <= r)
                    && intervals.last().is_some_and(|l| r <= l.1)
            });
            prop_assert!(on_a_business_day, "{} is on no business day", r);
        }
    }
}
