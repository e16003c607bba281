//! The desktop inbox's query: open promises by due time (overdue first),
//! then the rest newest first; filters; snoozed handoffs hidden until their
//! snooze ends; per-workspace counts. Expected orders are written by hand
//! from the due times the promises get (Mon–Fri 09:00–17:00 New York).

use chrono::{DateTime, Duration, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::{InboxFilter, NewWorkspace};

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn one(key: &str, reason: Reason, promise: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = reason;
    h.visitor.name = Some(format!("Visitor {key}"));
    h.question = Some(format!("Question {key}"));
    h.promise = Some(promise.into());
    Parsed::Handoff(Box::new(h))
}

fn all() -> InboxFilter {
    InboxFilter { limit: 1000, ..Default::default() }
}

fn names(store: &Store, f: &InboxFilter, now: DateTime<Utc>) -> Vec<String> {
    store.inbox(f, now).unwrap().into_iter().map(|e| e.handoff.source_key).collect()
}

#[test]
fn due_first_then_newest_with_filters_snoozes_and_counts() {
    let mut store = Store::open_in_memory().unwrap();
    let acme = store.create_workspace(&NewWorkspace::new("acme", "Acme", "America/New_York")).unwrap();
    let beta = store.create_workspace(&NewWorkspace::new("beta", "Beta", "America/New_York")).unwrap();
    // Monday 2026-11-23 in New York (EST): 10:00 = 15:00Z.
    // a: 10:00 + 4 business hours = 14:00; b: 11:00 + 1 h = 12:00;
    // c: 12:00 + one business day = Tue 12:00; d (beta): 10:30 + 2 h = 12:30.
    let a = store
        .ingest(
            &acme,
            vec![one("a", Reason::KnowledgeGap, "within 4 business hours")],
            z("2026-11-23T15:00:00Z"),
        )
        .unwrap()
        .inserted[0];
    let b = store
        .ingest(
            &acme,
            vec![one("b", Reason::HumanRequest, "within 1 business hour")],
            z("2026-11-23T16:00:00Z"),
        )
        .unwrap()
        .inserted[0];
    let c = store
        .ingest(
            &acme,
            vec![one("c", Reason::KnowledgeGap, "within one business day")],
            z("2026-11-23T17:00:00Z"),
        )
        .unwrap()
        .inserted[0];
    store
        .ingest(
            &beta,
            vec![one("d", Reason::PolicyTopic, "within 2 business hours")],
            z("2026-11-23T15:30:00Z"),
        )
        .unwrap();
    let e = store
        .ingest(&acme, vec![one("e", Reason::Other, "within 2 business hours")], z("2026-11-23T18:00:00Z"))
        .unwrap()
        .inserted[0];
    // e is met (a reply by phone): no clock, so it sorts with the newest of the rest.
    store.mark_contacted(e, "phone", z("2026-11-23T18:05:00Z")).unwrap();
    let now = z("2026-11-23T17:40:00Z"); // 12:40: b and d are overdue
    assert_eq!(names(&store, &all(), now), ["b", "d", "a", "c", "e"]);

    let acme_only = InboxFilter { workspace_id: Some(acme.id), ..all() };
    assert_eq!(names(&store, &acme_only, now), ["b", "a", "c", "e"]);
    let gaps = InboxFilter { reason: Some(Reason::KnowledgeGap), ..all() };
    assert_eq!(names(&store, &gaps, now), ["a", "c"]);
    let overdue = InboxFilter { overdue_only: true, ..all() };
    assert_eq!(names(&store, &overdue, now), ["b", "d"]);
    let replied = InboxFilter { status: Some(Status::Replied), ..all() };
    assert_eq!(names(&store, &replied, now), ["e"]);
    let hits = InboxFilter { ids: Some(vec![c, a]), ..all() };
    assert_eq!(names(&store, &hits, now), ["a", "c"]);
    assert_eq!(names(&store, &InboxFilter { limit: 2, ..all() }, now), ["b", "d"]);
    // Pages: the next two from the third on, and the count of all pages.
    assert_eq!(names(&store, &InboxFilter { limit: 2, offset: 2, ..all() }, now), ["a", "c"]);
    assert_eq!(names(&store, &InboxFilter { limit: 2, offset: 4, ..all() }, now), ["e"]);
    assert_eq!(store.inbox_count(&InboxFilter { limit: 2, ..all() }, now).unwrap(), 5);
    assert_eq!(store.inbox_count(&gaps, now).unwrap(), 2);
    assert_eq!(store.inbox_count(&overdue, now).unwrap(), 2);
    assert_eq!(store.inbox_count(&hits, now).unwrap(), 2);
    let entry = &store.inbox(&all(), now).unwrap()[0];
    assert_eq!(entry.due_at, Some(z("2026-11-23T17:00:00Z")), "b is due at 12:00 New York");
    assert_eq!(
        entry.promise_state,
        Some(PromiseState::Running),
        "the breach fires on the tick, not the query"
    );

    // Resolved handoffs leave the open inbox; a snoozed one is back when its snooze ends.
    store.resolve(a, Resolution::Answered, now).unwrap();
    store.snooze(b, Some(now + Duration::hours(3)), now).unwrap();
    assert_eq!(names(&store, &all(), now), ["d", "c", "e"]);
    assert_eq!(names(&store, &all(), now + Duration::hours(4)), ["b", "d", "c", "e"]);
    let resolved = InboxFilter { status: Some(Status::Resolved), ..all() };
    assert_eq!(names(&store, &resolved, now), ["a"]);

    let counts: Vec<(String, i64, i64, i64)> = store
        .workspace_counts(now)
        .unwrap()
        .into_iter()
        .map(|(w, c)| (w.slug, c.total, c.open, c.overdue))
        .collect();
    // acme: a resolved; b overdue (snoozed still counts as overdue); c, e open.
    assert_eq!(counts, [("acme".into(), 4, 3, 1), ("beta".into(), 1, 1, 1)]);

    // The tray: across workspaces, unmet promises past due and due within the
    // hour; snoozed (b) and resolved (a) ones are not asking for anyone now.
    // d is overdue (12:30); c is due Tue 12:00, e is met.
    let due = store.due_counts(now, Duration::hours(1)).unwrap();
    assert_eq!((due.overdue, due.due_soon), (1, 0));
    let later = z("2026-11-24T16:30:00Z"); // Tue 11:30: c due within the hour; b's snooze over, b and d overdue
    let due = store.due_counts(later, Duration::hours(1)).unwrap();
    assert_eq!((due.overdue, due.due_soon), (2, 1));
}
