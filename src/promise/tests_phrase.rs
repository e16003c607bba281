//! Promise phrases: one table from sentence and receipt to due time, on a
//! Mon–Fri 09:00–17:00 calendar closed on Christmas Day 2026 (a Friday).
//!
//! Every expected due time was worked out by hand from the rules in the module
//! docs. Dates used: Mon 16 Nov … Sun 22 Nov 2026; Thu 24 Dec, Fri 25 Dec
//! (holiday), Mon 28 Dec; New York springs forward on Sun 8 Mar, Berlin falls
//! back on Sun 25 Oct, Sydney falls back on Sun 5 Apr and springs forward on
//! Sun 4 Oct.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{Calendar, DayRef, Span, due_at, parse};
use crate::model::BusinessHours;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::{America::New_York, Australia::Sydney, Europe::Berlin, Europe::Madrid, Europe::Paris, Tz};
use proptest::prelude::*;

fn calendar(tz: Tz) -> Calendar {
    let mut hours = BusinessHours::nine_to_five();
    hours.holidays = vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()];
    Calendar::new(hours, tz)
}

fn local(tz: Tz, s: &str) -> DateTime<Utc> {
    let wall = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    tz.from_local_datetime(&wall).single().expect("unambiguous local time").to_utc()
}

/// (promise, received local time, zone, expected due local time).
const ROWS: &[(&str, &str, Tz, Option<&str>)] = &[
    // Business hours, counted from the receipt or the next opening.
    (
        "We'll get back to you within 4 business hours.",
        "2026-11-17T10:00",
        New_York,
        Some("2026-11-17T14:00"),
    ),
    (
        "A team member will reply within 2 business hours.",
        "2026-11-17T16:00",
        New_York,
        Some("2026-11-18T10:00"),
    ),
    ("within 2 hours", "2026-11-18T09:30", New_York, Some("2026-11-18T11:30")),
    ("We'll reply within 4 hours", "2026-11-20T16:00", New_York, Some("2026-11-23T12:00")),
    ("within 4 hours", "2026-11-21T11:00", New_York, Some("2026-11-23T13:00")),
    ("within 4 hours", "2026-12-24T15:00", New_York, Some("2026-12-28T11:00")),
    ("within 30 minutes", "2026-11-17T16:45", New_York, Some("2026-11-18T09:15")),
    ("in under an hour", "2026-11-17T10:00", New_York, Some("2026-11-17T11:00")),
    ("within an hour and a half", "2026-11-17T10:00", New_York, Some("2026-11-17T11:30")),
    ("within 1.5 hours", "2026-11-17T08:00", New_York, Some("2026-11-17T10:30")),
    ("within half an hour", "2026-11-17T16:50", New_York, Some("2026-11-18T09:20")),
    ("a couple of hours", "2026-11-17T10:00", New_York, Some("2026-11-17T12:00")),
    ("We'll call you back in a few hours", "2026-11-17T15:00", New_York, Some("2026-11-18T10:00")),
    // 36 h is two whole business days (issue 22; it was 36 business hours, Fri 13:00).
    ("within 36 hours", "2026-11-16T09:00", New_York, Some("2026-11-18T09:00")),
    ("within 8 hours", "2026-03-06T13:00", New_York, Some("2026-03-09T13:00")),
    ("PT4H", "2026-11-17T15:00", New_York, Some("2026-11-18T11:00")),
    ("PT1H30M", "2026-11-17T16:00", New_York, Some("2026-11-18T09:30")),
    // Business days, same wall time.
    (
        "Our front desk will answer within one business day.",
        "2026-11-17T10:00",
        New_York,
        Some("2026-11-18T10:00"),
    ),
    ("We'll email you within one business day", "2026-11-20T15:30", New_York, Some("2026-11-23T15:30")),
    ("within 24 hours", "2026-11-18T11:15", New_York, Some("2026-11-19T11:15")),
    ("within 24 hours", "2026-12-24T14:00", New_York, Some("2026-12-28T14:00")),
    ("within 48h", "2026-11-17T12:00", New_York, Some("2026-11-19T12:00")),
    ("within 2 days", "2026-11-19T10:00", New_York, Some("2026-11-23T10:00")),
    ("within 2 working days", "2026-11-18T14:00", New_York, Some("2026-11-20T14:00")),
    ("next business day", "2026-11-20T11:00", New_York, Some("2026-11-23T11:00")),
    // Before Monday's opening: the end of Monday (issue 22; it was Tue 09:00).
    ("P1D", "2026-11-16T08:00", New_York, Some("2026-11-16T17:00")),
    // Ends of days.
    ("by end of day", "2026-11-17T11:00", New_York, Some("2026-11-17T17:00")),
    ("by end of day", "2026-11-17T18:00", New_York, Some("2026-11-18T17:00")),
    ("by the end of the day", "2026-11-21T10:00", New_York, Some("2026-11-23T17:00")),
    ("We'll respond later today", "2026-11-17T09:00", New_York, Some("2026-11-17T17:00")),
    ("COB", "2026-11-17T10:00", New_York, Some("2026-11-17T17:00")),
    ("by close of business tomorrow", "2026-11-17T11:00", New_York, Some("2026-11-18T17:00")),
    ("by close of business tomorrow", "2026-11-20T11:00", New_York, Some("2026-11-23T17:00")),
    ("by end of next business day", "2026-12-24T10:00", New_York, Some("2026-12-28T17:00")),
    ("tomorrow EOD", "2026-11-19T12:00", New_York, Some("2026-11-20T17:00")),
    ("We'll be in touch by Monday.", "2026-11-18T10:00", New_York, Some("2026-11-23T17:00")),
    ("on Tuesday", "2026-11-17T10:00", New_York, Some("2026-11-24T17:00")),
    // Times of day.
    ("by 5pm", "2026-11-17T10:00", New_York, Some("2026-11-17T17:00")),
    ("by 5pm", "2026-11-17T17:30", New_York, Some("2026-11-18T17:00")),
    ("by 5pm", "2026-11-21T10:00", New_York, Some("2026-11-21T17:00")),
    ("by 17:00", "2026-11-19T16:59", New_York, Some("2026-11-19T17:00")),
    ("by 10am tomorrow", "2026-12-24T14:00", New_York, Some("2026-12-28T10:00")),
    ("by tomorrow morning", "2026-11-17T14:00", New_York, Some("2026-11-18T12:00")),
    ("first thing tomorrow", "2026-11-17T15:00", New_York, Some("2026-11-18T10:00")),
    ("first thing in the morning", "2026-11-20T20:00", New_York, Some("2026-11-23T10:00")),
    ("tomorrow afternoon", "2026-11-19T10:00", New_York, Some("2026-11-20T17:00")),
    // German, French, Spanish.
    ("Wir melden uns innerhalb von 4 Stunden.", "2026-11-17T15:00", Berlin, Some("2026-11-18T11:00")),
    ("Antwort innerhalb eines Werktages", "2026-11-20T10:00", Berlin, Some("2026-11-23T10:00")),
    ("innerhalb von 2 Werktagen", "2026-11-17T10:00", Berlin, Some("2026-11-19T10:00")),
    ("Wir antworten bis morgen früh.", "2026-11-17T16:00", Berlin, Some("2026-11-18T12:00")),
    ("bis 17 Uhr", "2026-11-17T10:00", Berlin, Some("2026-11-17T17:00")),
    ("within one business day", "2026-10-23T14:00", Berlin, Some("2026-10-26T14:00")),
    ("Nous vous répondrons dans les 2 heures.", "2026-11-17T10:00", Paris, Some("2026-11-17T12:00")),
    ("Réponse sous 24 heures", "2026-11-20T16:00", Paris, Some("2026-11-23T16:00")),
    ("Nous reviendrons vers vous d’ici demain matin.", "2026-11-17T11:00", Paris, Some("2026-11-18T12:00")),
    ("Sous 2 jours ouvrés", "2026-12-24T10:00", Paris, Some("2026-12-29T10:00")),
    ("avant 17h", "2026-11-17T10:00", Paris, Some("2026-11-17T17:00")),
    ("Le responderemos en 2 horas", "2026-11-17T16:00", Madrid, Some("2026-11-18T10:00")),
    ("Le contestaremos dentro de 24 horas.", "2026-11-18T10:00", Madrid, Some("2026-11-19T10:00")),
    ("Te llamaremos mañana por la mañana", "2026-11-17T10:00", Madrid, Some("2026-11-18T12:00")),
    ("en menos de una hora", "2026-11-17T16:30", Madrid, Some("2026-11-18T09:30")),
    // Sydney, around its DST changes.
    ("within 4 hours", "2026-10-02T15:00", Sydney, Some("2026-10-05T11:00")),
    ("by end of day", "2026-10-03T10:00", Sydney, Some("2026-10-05T17:00")),
    ("within 24 hours", "2026-04-03T10:00", Sydney, Some("2026-04-06T10:00")),
    // No time named.
    ("as soon as possible", "2026-11-17T10:00", New_York, None),
    ("shortly", "2026-11-17T10:00", New_York, None),
    ("", "2026-11-17T10:00", New_York, None),
    ("We have received your message", "2026-11-17T10:00", New_York, None),
    ("We'll get back to you soon.", "2026-11-17T10:00", New_York, None),
    ("Good morning! Someone will be with you shortly.", "2026-11-17T10:00", New_York, None),
];

const _: () = assert!(ROWS.len() >= 35);

#[test]
fn promise_phrases_give_due_times() {
    let mut failures = Vec::new();
    for &(text, received, tz, expected) in ROWS {
        let cal = calendar(tz);
        let received = local(tz, received);
        let span = parse(text);
        let due = span.and_then(|s| due_at(&s, received, &cal));
        let expected = expected.map(|e| local(tz, e));
        if due != expected {
            failures.push(format!(
                "{text:?} received {}: parsed {span:?}, due {:?}, expected {:?}",
                cal.local_label(received),
                due.map(|d| cal.local_label(d)),
                expected.map(|e| cal.local_label(e)),
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows wrong:\n{}", failures.len(), ROWS.len(), failures.join("\n"));
}

pub(super) fn day_ref() -> impl Strategy<Value = DayRef> {
    prop_oneof![
        Just(DayRef::Today),
        Just(DayRef::NextBusinessDay),
        (0u8..7).prop_map(|d| DayRef::Weekday(Weekday::try_from(d).unwrap())),
    ]
}

pub(super) fn span() -> impl Strategy<Value = Span> {
    prop_oneof![
        (0u32..100_000).prop_map(Span::BusinessMinutes),
        (0u32..30).prop_map(Span::BusinessDays),
        (day_ref(), 0u32..24, 0u32..60)
            .prop_map(|(day, h, m)| Span::By { day, at: NaiveTime::from_hms_opt(h, m, 0).unwrap() }),
        day_ref().prop_map(Span::EndOf),
        day_ref().prop_map(Span::Morning),
        day_ref().prop_map(Span::FirstThing),
    ]
}

#[test]
fn every_parsed_span_is_due_no_earlier_than_received() {
    let receipts = [
        "2026-11-17T10:00",
        "2026-11-17T17:00",
        "2026-11-21T10:00",
        "2026-12-25T12:00",
        "2026-03-08T03:30",
        "2026-10-25T02:30",
    ];
    for &(text, _, tz, _) in ROWS {
        let Some(span) = parse(text) else { continue };
        for receipt in receipts {
            let Some(received) = tz
                .from_local_datetime(&NaiveDateTime::parse_from_str(receipt, "%Y-%m-%dT%H:%M").unwrap())
                .earliest()
            else {
                continue;
            };
            let received = received.to_utc();
            let due = due_at(&span, received, &calendar(tz));
            assert!(due.is_some_and(|d| d >= received), "{text:?} ({span:?}) at {receipt} in {tz}: {due:?}");
        }
    }
}

proptest! {
    #[test]
    fn any_span_is_due_no_earlier_than_received(span in span(), zone in 0usize..3, s in 0i64..2 * 365 * 86_400) {
        let tz = [New_York, Berlin, Sydney][zone];
        let received = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(s);
        let due = due_at(&span, received, &calendar(tz));
        prop_assert!(due.is_some_and(|d| d >= received), "{:?} at {} in {}: {:?}", span, received, tz, due);
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,60}") {
        let _ = parse(&text);
    }
}

#[test]
fn spans_as_parsed() {
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let cases = [
        ("within 4 hours", Span::BusinessMinutes(240)),
        ("4h", Span::BusinessMinutes(240)),
        ("30min", Span::BusinessMinutes(30)),
        ("2 hrs", Span::BusinessMinutes(120)),
        ("up to 48h", Span::BusinessDays(2)),
        ("P1DT4H", Span::BusinessDays(2)),
        ("P2D", Span::BusinessDays(2)),
        ("PT48H", Span::BusinessDays(2)),
        ("by 10am tomorrow", Span::By { day: DayRef::NextBusinessDay, at: at(10, 0) }),
        ("tomorrow", Span::EndOf(DayRef::NextBusinessDay)),
        ("by Monday", Span::EndOf(DayRef::Weekday(Weekday::Mon))),
        ("EOD", Span::EndOf(DayRef::Today)),
        ("sous 24h", Span::BusinessDays(1)),
        ("d'ici 17h30", Span::By { day: DayRef::Today, at: at(17, 30) }),
        ("dentro de 24 horas", Span::BusinessDays(1)),
        ("innerhalb einer Stunde", Span::BusinessMinutes(60)),
        ("in einer halben Stunde", Span::BusinessMinutes(30)),
        ("une heure et demie", Span::BusinessMinutes(90)),
        ("less than 2 hours", Span::BusinessMinutes(120)),
        ("no later than 30 mins", Span::BusinessMinutes(30)),
        ("within 1 hour 30 minutes", Span::BusinessMinutes(90)),
        ("sous 1h30", Span::BusinessMinutes(90)),
        ("by tomorrow", Span::EndOf(DayRef::NextBusinessDay)),
        ("today", Span::EndOf(DayRef::Today)),
        ("by close of business", Span::EndOf(DayRef::Today)),
        ("tomorrow morning", Span::Morning(DayRef::NextBusinessDay)),
        ("by noon tomorrow", Span::By { day: DayRef::NextBusinessDay, at: at(12, 0) }),
        ("by 10 a.m. on Friday", Span::By { day: DayRef::Weekday(Weekday::Fri), at: at(10, 0) }),
        ("a las 5 de la tarde", Span::By { day: DayRef::Today, at: at(17, 0) }),
        ("bis morgen", Span::EndOf(DayRef::NextBusinessDay)),
        ("heute Nachmittag", Span::By { day: DayRef::Today, at: at(17, 0) }),
        ("am Morgen", Span::Morning(DayRef::NextBusinessDay)),
        ("demain", Span::EndOf(DayRef::NextBusinessDay)),
        ("esta tarde", Span::By { day: DayRef::Today, at: at(17, 0) }),
        ("We'll reply within 4 hours after we open at 9am", Span::BusinessMinutes(240)),
        ("Open 365 days a year; we reply within 2 hours", Span::BusinessMinutes(120)),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, want)| parse(text) != Some(*want))
        .map(|(text, want)| format!("{text:?}: {:?}, expected {want:?}", parse(text)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
