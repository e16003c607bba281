//! Business hours as written: the one reader the CLI and the window share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::BusinessHours;
use super::hours::{check_week, format_shifts, parse_shifts, week_stretches};
use chrono::NaiveTime;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn week(spec: &str) -> Result<BusinessHours, String> {
    BusinessHours::parse_week(spec, vec![]).map_err(|e| e.to_string())
}

#[test]
fn weeks_read_ranges_split_and_night_shifts() {
    let w = week("mon-fri 09:00-17:00, sat 10:00-14:00").unwrap();
    assert_eq!(w.days[0], vec![(t(9, 0), t(17, 0))]);
    assert_eq!(w.days[4], vec![(t(9, 0), t(17, 0))]);
    assert_eq!(w.days[5], vec![(t(10, 0), t(14, 0))]);
    assert!(w.days[6].is_empty());
    let split = vec![(t(9, 0), t(12, 0)), (t(14, 0), t(18, 0))];
    assert_eq!(week("mon 09:00-12:00 14:00-18:00").unwrap().days[0], split);
    assert_eq!(week("Monday 14:00-18:00, 09:00-12:00").unwrap().days[0], split);
    let night = week("mon-thu 09:00-17:00, fri 09:00-17:00 22:00-06:00").unwrap();
    assert_eq!(night.days[4], vec![(t(9, 0), t(17, 0)), (t(22, 0), t(6, 0))]);
    assert_eq!(week("daily 18:00-24:00").unwrap().days[3], vec![(t(18, 0), t(0, 0))]);
    assert_eq!(week("every day 00:00-24:00").unwrap().days[6], vec![(t(0, 0), t(0, 0))]);
    let wrap = week("sat-mon 10:00-14:00").unwrap();
    assert_eq!(wrap.days.iter().filter(|d| !d.is_empty()).count(), 3);
    assert!(wrap.days[1].is_empty());
    // Touching is not overlapping: Monday until midnight, Tuesday from midnight.
    assert!(week("mon 18:00-24:00, tue 00:00-02:00").is_ok());
    assert!(week("fri 22:00-06:00, sat 06:00-12:00").is_ok());
    assert!(week("").unwrap().days.iter().all(Vec::is_empty));
    let listed = week("sat, sun 10:00-14:00").unwrap();
    assert_eq!((listed.days[5].len(), listed.days[6].len(), listed.days[4].len()), (1, 1, 0));
    assert!(week("mon-fri 09:00-17:00, sat closed").unwrap().days[5].is_empty());
}

#[test]
fn overlaps_are_refused_naming_the_days() {
    let err = week("fri 22:00-06:00, sat 05:00-12:00").unwrap_err();
    assert!(err.contains("Friday") && err.contains("Saturday") && err.contains("22:00-06:00"), "{err}");
    let err = week("mon 09:00-13:00 12:00-17:00").unwrap_err();
    assert!(err.contains("Monday's shifts 09:00-13:00 and 12:00-17:00 overlap"), "{err}");
    let err = week("sun 22:00-06:00, mon-fri 05:00-12:00").unwrap_err();
    assert!(err.contains("Sunday") && err.contains("Monday"), "{err}");
    let err = week("mon-fri 09:00-17:00, fri 16:00-18:00").unwrap_err();
    assert!(err.contains("Friday"), "{err}");
    assert!(
        week("mon 09:00-09:00, tue 08:00-10:00").is_err(),
        "a 24-hour shift from 09:00 reaches Tuesday 09:00"
    );
}

#[test]
fn nonsense_is_refused_with_the_way_to_write_it() {
    for bad in [
        "xyz 09:00-17:00",
        "mon 9-5",
        "mon 25:00-26:00",
        "mon 24:00-02:00",
        "09:00-17:00",
        "mon 09:00",
        "mon-fri",
    ] {
        let err = week(bad).unwrap_err();
        assert!(err.contains("write") || err.contains("names no day"), "{bad:?}: {err}");
    }
}

#[test]
fn one_day_reads_and_writes_back() {
    assert_eq!(
        parse_shifts("13:00–17:30; 08:30-12:00").unwrap(),
        vec![(t(8, 30), t(12, 0)), (t(13, 0), t(17, 30))]
    );
    assert_eq!(parse_shifts("  ").unwrap(), vec![]);
    assert_eq!(parse_shifts("22:00-06:00").unwrap(), vec![(t(22, 0), t(6, 0))]);
    assert!(parse_shifts("9-5").is_err());
    assert_eq!(format_shifts(&[(t(9, 0), t(12, 0)), (t(18, 0), t(0, 0))]), "09:00-12:00, 18:00-24:00");
    let w = week("mon-fri 09:00-17:00, fri 22:00-06:00, sat 10:00-14:00").unwrap();
    assert_eq!(w.week_text(), "mon-thu 09:00-17:00, fri 09:00-17:00 22:00-06:00, sat 10:00-14:00");
    assert_eq!(week(&w.week_text()).unwrap(), w);
    assert!(check_week(&w.days).is_ok());
}

#[test]
fn the_week_picture_spills_night_shifts_into_the_next_day() {
    let w = week("fri 22:00-06:00, sun 20:00-02:00").unwrap();
    let s = week_stretches(&w.days);
    assert_eq!(s[4], vec![(22 * 60, 24 * 60)]);
    assert_eq!(s[5], vec![(0, 6 * 60)]);
    assert_eq!(s[6], vec![(20 * 60, 24 * 60)]);
    assert_eq!(s[0], vec![(0, 2 * 60)], "Sunday's night shift ends on Monday");
}
