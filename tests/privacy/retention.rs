//! Retention across a month edge: a handoff closed on 31 January is purged a
//! month later on 28 February at the same wall time (Europe/Berlin), not on
//! 3 March and not a day early; the month's figures keep their counts.

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::metrics::{Month, monthly};
use handoff::model::*;
use handoff::store::{ListFilter, NewWorkspace, purge_due};

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn item(key: &str, at: &str, email: &str) -> Parsed {
    let mut h = NewHandoff::raw(
        SourceKind::Import,
        RawKind::Json,
        format!("{{\"visitor\":\"{email}\"}}").into_bytes(),
    );
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some(format!("Visitor {key}"));
    h.visitor.email = Some(email.into());
    h.question = Some(format!("Question of {key} about gift vouchers"));
    h.transcript =
        vec![Message { author: Author::Visitor, name: None, at: None, text: format!("Words of {key}") }];
    h.sent_at = Some(z(at));
    Parsed::Handoff(Box::new(h))
}

#[test]
fn months_are_counted_on_the_workspace_calendar() {
    let berlin = chrono_tz::Europe::Berlin;
    // 31 Jan 10:00 CET + 1 month = 28 Feb 10:00 CET (the month has no 31st).
    assert_eq!(purge_due(z("2026-01-31T09:00:00Z"), 1, berlin), Some(z("2026-02-28T09:00:00Z")));
    // In a leap year, the 29th.
    assert_eq!(purge_due(z("2028-01-31T09:00:00Z"), 1, berlin), Some(z("2028-02-29T09:00:00Z")));
    // Across the change to summer time the wall time stays: 10:00 CET -> 10:00 CEST.
    assert_eq!(purge_due(z("2026-03-15T09:00:00Z"), 1, berlin), Some(z("2026-04-15T08:00:00Z")));
    // The first of the month is a month later, not 30 days.
    assert_eq!(purge_due(z("2026-02-01T08:00:00Z"), 1, berlin), Some(z("2026-03-01T08:00:00Z")));
}

#[test]
fn retention_purges_at_the_month_edge_and_keeps_the_counts() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = store.create_workspace(&NewWorkspace::new("alps", "Bergblick", "Europe/Berlin")).unwrap();
    store
        .ingest(
            &ws,
            vec![
                item("a", "2026-01-30T09:00:00Z", "anna@example.de"),
                item("b", "2026-01-31T12:00:00Z", "bert@example.de"),
                item("c", "2026-01-31T13:00:00Z", "carla@example.de"),
            ],
            z("2026-02-01T00:00:00Z"),
        )
        .unwrap();
    let id = |key: &str| store.handoff_by_key(ws.id, key).unwrap().unwrap();
    let (a, b, c) = (id("a"), id("b"), id("c"));
    // a closes on 31 Jan 10:00 Berlin, b on 1 Feb 09:00 Berlin; c stays open.
    store.resolve(a, Resolution::ContentGap, z("2026-01-31T09:00:00Z")).unwrap();
    store.resolve(b, Resolution::Answered, z("2026-02-01T08:00:00Z")).unwrap();
    let january = Month::parse("2026-01").unwrap();
    let figures = |s: &Store| {
        let m =
            monthly(s, &s.require_workspace("alps").unwrap(), january, z("2026-03-10T00:00:00Z")).unwrap();
        serde_json::to_value(&m).unwrap()
    };
    let before = figures(&store);

    ws.settings.privacy.handoff_months = 1;
    ws.settings.privacy.raw_days = 30;
    store.update_workspace(&ws).unwrap();

    // One minute before a's month is up: raw originals older than 30 days go, no handoff yet.
    let r = store.apply_retention(z("2026-02-28T08:59:00Z"), false).unwrap();
    assert_eq!((r.handoffs, r.raw_originals), (0, 0), "no raw original is 30 days old on 28 Feb");
    let r = store.apply_retention(z("2026-03-01T09:30:00Z"), true).unwrap();
    assert_eq!((r.handoffs, r.raw_originals), (2, 1), "dry run: a and b due, a's raw original past 30 days");
    assert_eq!(
        store.list(&ListFilter { limit: 10, ..Default::default() }).unwrap().len(),
        3,
        "a dry run removes nothing"
    );

    // At the minute: a goes, b (closed a day later) stays.
    let r = store.apply_retention(z("2026-02-28T09:00:00Z"), false).unwrap();
    assert_eq!(r.handoffs, 1);
    let left: Vec<i64> =
        store.list(&ListFilter { limit: 10, ..Default::default() }).unwrap().iter().map(|h| h.id).collect();
    assert_eq!(left, vec![c, b]);
    let purged = store.detail(a).unwrap();
    assert_eq!(purged.handoff.visitor, Visitor::default());
    assert!(purged.handoff.question.is_none() && purged.transcript.is_empty());
    assert_eq!(purged.handoff.reason, Reason::KnowledgeGap);
    assert!(store.raw(a).is_err());
    assert!(
        store
            .search("gift", None, handoff::store::SearchOrder::Relevance, 10)
            .unwrap()
            .hits
            .iter()
            .all(|h| h.handoff.id != a)
    );

    // b goes on 1 March at 09:00 Berlin (08:00 UTC).
    let r = store.apply_retention(z("2026-03-01T07:59:00Z"), false).unwrap();
    assert_eq!(r.handoffs, 0);
    let r = store.apply_retention(z("2026-03-01T08:00:00Z"), false).unwrap();
    assert_eq!((r.handoffs, r.raw_originals), (1, 0));
    // c is open: kept, but its raw original goes 30 days after it arrived.
    assert!(store.raw(c).is_ok());
    let r = store.apply_retention(z("2026-03-02T14:00:00Z"), false).unwrap();
    assert_eq!((r.handoffs, r.raw_originals), (0, 1));
    assert!(store.raw(c).is_err());
    assert_eq!(store.detail(c).unwrap().handoff.visitor.email.as_deref(), Some("carla@example.de"));

    // The month's figures keep their numbers (repeat visitors aside: none here).
    assert_eq!(before, figures(&store));
    let tombs = store.tombstones().unwrap();
    assert!(tombs.iter().all(|t| t.by == "retention"));
    assert_eq!(tombs.len(), 3);
    for t in &tombs {
        assert!(!t.detail.to_string().contains("example.de"));
    }
}
