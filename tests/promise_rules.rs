//! Issue 22's promise rules seen from outside: the calculator through the
//! real binary (no data file), and a night-shift workspace in the store whose
//! promises, reminders, inbox clock and "promises kept" agree with it.
//! Expected instants are worked out by hand (Berlin: CEST = UTC+2 until Sun 25
//! Oct 2026 03:00, then CET = UTC+1; New York: EST = UTC-5 in late November).

use crate::support::{fails, ok, text};
use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::metrics::{Month, monthly};
use handoff::model::*;
use handoff::promise::{Calendar, calculate};
use handoff::store::{InboxFilter, NewWorkspace};
use std::process::Command;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// `handoff promise due …` with no database anywhere: HOME and the XDG data
/// folder point at an empty temporary folder, which must stay empty.
fn calculator(home: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handoff"));
    c.env_remove("HANDOFF_DB").env("HOME", home).env("XDG_DATA_HOME", home.join("data"));
    c.args(["promise", "due"]).args(args);
    c
}

fn json(home: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(&mut calculator(home, &all))).unwrap()
}

#[test]
fn the_calculator_answers_in_json_without_a_data_file() {
    let home = tempfile::tempdir().unwrap();
    let office =
        ["--tz", "America/New_York", "--hours", "mon-fri 09:00-17:00", "--holidays", "2026-12-24,2026-12-25"];

    // Friday 17:00 EST, at the close: one business day is the end of Monday.
    let mut args = office.to_vec();
    args.extend(["--received", "2026-11-20T22:00:00Z", "We'll email you within one business day"]);
    let v = json(home.path(), &args);
    assert_eq!(v["due_at"], "2026-11-23T22:00:00Z", "{v}");
    assert_eq!(v["due_local"], "2026-11-23T17:00:00-05:00");
    assert_eq!(v["after_hours"], true);
    assert_eq!(v["understood_as"], "1 business day");
    assert_eq!(v["reminder_at"], "2026-11-23T21:30:00Z");
    assert_eq!(v["clock_from"], "2026-11-23T14:00:00Z");

    // Holidays are honoured: Wed 23 Dec 16:00 + 2 business hours = Mon 28 Dec 10:00.
    let mut args = office.to_vec();
    args.extend(["--received", "2026-12-23T21:00:00Z", "within 2 hours"]);
    assert_eq!(json(home.path(), &args)["due_at"], "2026-12-28T15:00:00Z");

    // No time named: the default minutes, or a null due time that says why.
    let mut args = office.to_vec();
    args.extend(["--received", "2026-11-17T15:00:00Z", "We'll be in touch soon"]);
    let v = json(home.path(), &args);
    assert!(v["due_at"].is_null() && v["reminder_at"].is_null(), "{v}");
    assert!(v["understood_as"].as_str().unwrap().contains("no time named"), "{v}");
    args.extend(["--default-minutes", "120"]);
    let v = json(home.path(), &args);
    assert_eq!(v["due_at"], "2026-11-17T17:00:00Z", "{v}");
    assert_eq!(v["after_hours"], false);

    // A night shift across the autumn clock change: Saturday 22:00 CEST + 8 h
    // of real time is Sunday 05:00 CET.
    let v = json(
        home.path(),
        &[
            "--tz",
            "Europe/Berlin",
            "--hours",
            "sat 22:00-06:00",
            "--received",
            "2026-10-24T18:00:00Z",
            "within 8 hours",
        ],
    );
    assert_eq!(v["due_at"], "2026-10-25T04:00:00Z", "{v}");
    assert_eq!(v["due_local"], "2026-10-25T05:00:00+01:00");
    assert_eq!(v["clock_from"], "2026-10-24T20:00:00Z");
    assert_eq!(v["reminder_at"], "2026-10-25T03:30:00Z");

    // People read the same thing.
    let mut args = office.to_vec();
    args.extend(["--received", "2026-11-20T22:00:00Z", "first thing tomorrow"]);
    let out = ok(&mut calculator(home.path(), &args));
    assert!(out.contains("Due        Mon 23 Nov 10:00 EST"), "{out}");
    assert!(out.contains("Reminder   Mon 23 Nov 09:30 EST"), "{out}");
    assert!(out.contains("after hours"), "{out}");

    // Overlapping shifts are refused, naming the days.
    let bad = fails(&mut calculator(
        home.path(),
        &[
            "--tz",
            "UTC",
            "--hours",
            "fri 22:00-06:00, sat 05:00-12:00",
            "--received",
            "2026-11-20T22:00:00Z",
            "within 1 hour",
        ],
    ));
    let err = text(&bad.stderr);
    assert!(err.contains("Friday") && err.contains("Saturday"), "{err}");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0, "no data file was made");
}

fn handoff_with(key: &str, promise: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.email = Some(format!("{key}@example.com"));
    h.promise = Some(promise.into());
    Parsed::Handoff(Box::new(h))
}

#[test]
fn a_night_shift_workspace_schedules_what_the_calculator_says() {
    let mut store = Store::open_in_memory().unwrap();
    let mut new = NewWorkspace::new("night", "Night Desk", "Europe/Berlin");
    new.backup_contact = Some("boss@night.test".into());
    let mut ws = store.create_workspace(&new).unwrap();
    ws.hours = BusinessHours::parse_week("mon-fri 09:00-17:00, sat 22:00-06:00", vec![]).unwrap();
    ws.settings.follow_ups.backup_email = false;
    store.update_workspace(&ws).unwrap();
    let ws = store.workspace("night").unwrap().unwrap();
    let cal = Calendar::for_workspace(&ws);

    // (promise, received, after hours, clock from, due, reminder), by hand:
    let cases = [
        // Sat 20:00 CEST, closed; Saturday's night shift from 22:00 CEST; 8 h
        // of real time across the change: Sun 05:00 CET; reminded 04:30 CET.
        (
            "within 8 hours",
            "2026-10-24T18:00:00Z",
            true,
            "2026-10-24T20:00:00Z",
            "2026-10-25T04:00:00Z",
            "2026-10-25T03:30:00Z",
        ),
        // Thu 15:00 CEST: Friday opens 09:00, first thing is 10:00; reminded 09:30.
        (
            "first thing tomorrow",
            "2026-10-22T13:00:00Z",
            false,
            "2026-10-22T13:00:00Z",
            "2026-10-23T08:00:00Z",
            "2026-10-23T07:30:00Z",
        ),
        // Fri 15:00 CEST: the next business day is Saturday, which opens at
        // 22:00, so its "morning" is an hour in (23:00); reminded at the opening.
        (
            "tomorrow morning",
            "2026-10-23T13:00:00Z",
            false,
            "2026-10-23T13:00:00Z",
            "2026-10-24T21:00:00Z",
            "2026-10-24T20:00:00Z",
        ),
    ];
    let mut ids = Vec::new();
    for (i, (text, received, after, clock, due, reminder)) in cases.iter().enumerate() {
        let id =
            store.ingest(&ws, vec![handoff_with(&format!("h{i}"), text)], z(received)).unwrap().inserted[0];
        ids.push(id);
        let h = store.handoff(id).unwrap().unwrap();
        let p = store.promise(id).unwrap().unwrap();
        assert_eq!((h.after_hours, p.clock_from, p.due_at), (*after, Some(z(clock)), z(due)), "{text}");
        let follow: Vec<(FollowUpKind, DateTime<Utc>)> =
            store.follow_ups(id).unwrap().iter().map(|f| (f.kind, f.due_at)).collect();
        assert_eq!(follow.first(), Some(&(FollowUpKind::Reminder, z(reminder))), "{text}: {follow:?}");
        assert_eq!(follow.last(), Some(&(FollowUpKind::Breach, z(due))), "{text}");
        // The calculator, given the same workspace, says the same.
        let c = calculate(text, None, z(received), &cal, ws.settings.follow_ups.reminder_before_minutes);
        let d = c.due.unwrap();
        assert_eq!(
            (c.after_hours, d.clock_from, d.due_at, c.reminder_at),
            (*after, z(clock), z(due), Some(z(reminder)))
        );
    }

    // The inbox's clock is the same due time.
    let now = z("2026-10-24T19:00:00Z");
    let inbox = store.inbox(&InboxFilter { limit: 10, ..Default::default() }, now).unwrap();
    let due_of = |id: i64| inbox.iter().find(|e| e.handoff.id == id).and_then(|e| e.due_at);
    assert_eq!(due_of(ids[0]), Some(z("2026-10-25T04:00:00Z")));
    assert_eq!(due_of(ids[2]), Some(z("2026-10-24T21:00:00Z")));

    // Replied in the night shift before 05:00 CET: kept. Replied to the first-thing
    // promise at 10:30 CEST: broken. "Promises kept" counts exactly that.
    store.set_status(ids[0], Status::Replied, z("2026-10-25T03:50:00Z")).unwrap();
    store.set_status(ids[1], Status::Replied, z("2026-10-23T08:30:00Z")).unwrap();
    assert_eq!(store.promise(ids[0]).unwrap().unwrap().state, PromiseState::Met);
    assert_eq!(store.promise(ids[1]).unwrap().unwrap().state, PromiseState::Breached);
    let m = monthly(&store, &ws, Month::parse("2026-10").unwrap(), z("2026-10-26T12:00:00Z")).unwrap();
    assert_eq!((m.promises_met, m.promises_breached), (1, 1));
}
