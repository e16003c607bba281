//! The demo, made on any day, looks like a real morning in the inbox: a few
//! new handoffs with time left, one due within the hour, one overdue (not a
//! wall of red), answered ones, a teammate's claim. Checked on days that
//! stress business hours: a Monday morning, a Saturday, a Sunday night, New
//! Year's Day, a month's first.

use chrono::{DateTime, Duration, Utc};
use handoff::Store;
use handoff::model::{PromiseState, Status};
use handoff::store::InboxFilter;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn the_demo_made_on_any_day_shows_a_realistic_morning() {
    for day in [
        "2026-11-23T14:05:00Z", // Monday morning in New York
        "2026-11-28T08:30:00Z", // Saturday
        "2026-11-29T22:40:00Z", // Sunday night
        "2027-01-01T10:00:00Z", // New Year's Day
        "2026-12-01T07:15:00Z", // the first of a month
    ] {
        let now = z(day);
        let mut store = Store::open_in_memory().unwrap();
        handoff::demo::install(&mut store, 120, 5, now).unwrap();
        let open = store.inbox(&InboxFilter { limit: 100_000, ..Default::default() }, now).unwrap();
        let unmet: Vec<_> = open.iter().filter(|e| e.due_at.is_some()).collect();
        let overdue = unmet.iter().filter(|e| e.due_at.is_some_and(|d| d <= now)).count();
        let within_hour = unmet
            .iter()
            .filter(|e| e.due_at.is_some_and(|d| d > now && d <= now + Duration::hours(1)))
            .count();
        let new_with_time = open
            .iter()
            .filter(|e| e.handoff.status == Status::New)
            .filter(|e| e.due_at.is_some_and(|d| d > now + Duration::hours(1)))
            .count();
        let answered = open
            .iter()
            .filter(|e| matches!(e.handoff.status, Status::Replied | Status::WaitingOnVisitor))
            .count();
        let claimed = open.iter().filter(|e| e.claimed_by.as_ref().is_some_and(|(_, mine)| !mine)).count();
        let mix = format!(
            "{day}: {} open, {overdue} overdue, {within_hour} due within the hour, {new_with_time} new with time left, {answered} answered, {claimed} claimed",
            open.len()
        );
        let late: Vec<_> = unmet
            .iter()
            .filter(|e| e.due_at.is_some_and(|d| d <= now))
            .map(|e| {
                (e.handoff.id, e.handoff.status, e.handoff.parse_status, e.handoff.received_at, e.due_at)
            })
            .collect();
        assert_eq!(overdue, 1, "one overdue, not a graveyard: {mix}: {late:?}");
        assert_eq!(within_hour, 1, "one due within the hour: {mix}");
        assert!((3..=8).contains(&new_with_time), "a few new ones with time left: {mix}");
        assert!(answered >= 5, "answered ones: {mix}");
        assert_eq!(claimed, 1, "a teammate has one: {mix}");
        // The first row is what is due next, and the overdue one reads as breached.
        let breached = unmet.iter().filter(|e| e.promise_state == Some(PromiseState::Breached)).count();
        assert_eq!(breached, 1, "{mix}");
        // History is worked: most of the older handoffs are resolved.
        let all = store.count(None).unwrap();
        assert!(open.len() * 3 < all as usize, "most of the history is closed: {mix} of {all}");
    }
}
