//! Undo and Reopen in the core: reopening a resolved handoff puts back what
//! the close took (status, a running promise, its pending follow-ups still
//! ahead) and clears the resolution; waking a snoozed one returns it to the
//! inbox. Instants are hand-written (Mon–Fri 09:00–17:00 New York).

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::{InboxFilter, NewWorkspace};

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn one(store: &mut Store) -> i64 {
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme Plumbing", "America/New_York")).unwrap();
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, b"{}".to_vec());
    h.source_key = "k1".into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some("Dana Reyes".into());
    h.promise = Some("We'll reply within 4 business hours.".into());
    // Monday 10:00 New York: due 14:00 (19:00 UTC).
    store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], z("2026-11-23T15:00:00Z")).unwrap().inserted[0]
}

fn open_ids(store: &Store, now: DateTime<Utc>) -> Vec<i64> {
    store
        .inbox(&InboxFilter { limit: 100, ..Default::default() }, now)
        .unwrap()
        .iter()
        .map(|e| e.handoff.id)
        .collect()
}

#[test]
fn reopening_a_resolved_handoff_restores_its_promise_and_follow_ups() {
    let mut store = Store::open_in_memory().unwrap();
    let id = one(&mut store);
    let pending = |s: &Store| s.follow_ups(id).unwrap().iter().filter(|f| f.done_at.is_none()).count();
    let before = pending(&store);
    assert!(before > 0, "the promise has follow-ups");

    store.resolve(id, Resolution::ContentGap, z("2026-11-23T15:30:00Z")).unwrap();
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Dropped);
    assert_eq!(pending(&store), 0);
    assert!(!open_ids(&store, z("2026-11-23T15:31:00Z")).contains(&id));

    let back = store.reopen(id, z("2026-11-23T15:31:00Z")).unwrap();
    assert_eq!(back, Status::AwaitingReply);
    let h = store.handoff(id).unwrap().unwrap();
    assert_eq!(h.status, Status::AwaitingReply);
    assert_eq!(store.resolution(id).unwrap(), None);
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Running);
    assert_eq!(pending(&store), before, "the follow-ups still ahead are pending again");
    assert!(open_ids(&store, z("2026-11-23T15:32:00Z")).contains(&id));
    let kinds: Vec<String> =
        store.detail(id).unwrap().events.iter().filter_map(|e| e.detail.clone()).collect();
    assert!(kinds.iter().any(|d| d == "reopened"), "{kinds:?}");

    // Reopening an open handoff says so instead of doing anything.
    let err = store.reopen(id, z("2026-11-23T15:33:00Z")).unwrap_err().to_string();
    assert!(err.contains("already open"), "{err}");
}

#[test]
fn reopening_after_the_due_time_breaches_and_a_met_promise_stays_met() {
    let mut store = Store::open_in_memory().unwrap();
    let id = one(&mut store);
    store.resolve(id, Resolution::NotALead, z("2026-11-23T15:30:00Z")).unwrap();
    // Reopened after 14:00 New York: the promise is late now, and no alarm fires for the past.
    store.reopen(id, z("2026-11-23T20:00:00Z")).unwrap();
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Breached);
    let ahead = store.follow_ups(id).unwrap().into_iter().filter(|f| f.done_at.is_none()).count();
    assert_eq!(ahead, 0, "follow-ups already past stay cancelled");

    // Answered by phone (meets the promise), then reopened: back to replied.
    store.resolve(id, Resolution::Answered, z("2026-11-23T20:10:00Z")).unwrap();
    assert_eq!(store.reopen(id, z("2026-11-23T20:11:00Z")).unwrap(), Status::Replied);
}

#[test]
fn waking_a_snoozed_handoff_puts_it_back_in_the_inbox() {
    let mut store = Store::open_in_memory().unwrap();
    let id = one(&mut store);
    let now = z("2026-11-23T15:30:00Z");
    store.snooze(id, Some(z("2026-11-23T18:30:00Z")), now).unwrap();
    assert_eq!(store.snoozed_until(id).unwrap(), Some(z("2026-11-23T18:30:00Z")));
    assert!(!open_ids(&store, now).contains(&id));
    store.snooze(id, None, now).unwrap();
    assert_eq!(store.snoozed_until(id).unwrap(), None);
    assert!(open_ids(&store, now).contains(&id));
}

#[test]
fn undoing_contacted_unmeets_the_promise_and_puts_its_reminders_back() {
    let mut store = Store::open_in_memory().unwrap();
    let id = one(&mut store);
    let pending = |s: &Store| s.follow_ups(id).unwrap().iter().filter(|f| f.done_at.is_none()).count();
    let before = pending(&store);
    store.mark_contacted(id, "phone", z("2026-11-23T15:30:00Z")).unwrap();
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Met);
    assert_eq!(store.handoff(id).unwrap().unwrap().status, Status::Replied);

    assert_eq!(store.undo_contacted(id, z("2026-11-23T15:31:00Z")).unwrap(), Status::AwaitingReply);
    let p = store.promise(id).unwrap().unwrap();
    assert_eq!((p.state, p.met_at), (PromiseState::Running, None));
    assert_eq!(pending(&store), before, "the reminders still ahead are back");
    let err = store.undo_contacted(id, z("2026-11-23T15:32:00Z")).unwrap_err().to_string();
    assert!(err.contains("not marked as contacted"), "{err}");
}
