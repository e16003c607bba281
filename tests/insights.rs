//! Insights' outcome figures and the honest-promise advice against values
//! worked out by hand, in Europe/Berlin (Mon–Fri 09:00–17:00), November 2026
//! (1 November is a Sunday; CET = UTC+1).

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::insights::{outcomes, progress, promise_advice};
use handoff::metrics::Month;
use handoff::model::*;
use handoff::store::NewWorkspace;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn item(key: &str, at: &str, reason: Reason, promise: Option<&str>) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = reason;
    h.promise = promise.map(String::from);
    h.sent_at = Some(z(at));
    Parsed::Handoff(Box::new(h))
}

fn id(store: &Store, key: &str) -> i64 {
    store.conn().query_row("SELECT id FROM handoffs WHERE source_key = ?1", [key], |r| r.get(0)).unwrap()
}

#[test]
fn outcomes_match_the_hand_computed_figures() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("alps", "Bergblick", "Europe/Berlin")).unwrap();
    let now = z("2026-11-30T12:00:00Z");
    let items = vec![
        item("N1", "2026-11-02T09:00:00Z", Reason::KnowledgeGap, None),
        item("N2", "2026-11-03T09:00:00Z", Reason::LowConfidence, None),
        item("N3", "2026-11-04T09:00:00Z", Reason::HumanRequest, None),
        item("N4", "2026-11-05T09:00:00Z", Reason::PolicyTopic, None),
        item("N5", "2026-11-06T09:00:00Z", Reason::HighIntent, None),
        // Asked for a person, but someone found it was a content gap: fixable.
        item("N6", "2026-11-09T09:00:00Z", Reason::HumanRequest, None),
        item("O1", "2026-10-05T09:00:00Z", Reason::KnowledgeGap, None),
        item("O2", "2026-10-06T09:00:00Z", Reason::Other, None),
    ];
    store.ingest(&ws, items, now).unwrap();
    let (n1, n2, n3, n6) = (id(&store, "N1"), id(&store, "N2"), id(&store, "N3"), id(&store, "N6"));
    // N1 answered after one contact, N2 after two, N3 answered with no recorded contact.
    store.mark_contacted(n1, "phone", z("2026-11-02T10:00:00Z")).unwrap();
    store.resolve(n1, Resolution::Answered, z("2026-11-02T11:00:00Z")).unwrap();
    store.mark_contacted(n2, "phone", z("2026-11-03T10:00:00Z")).unwrap();
    store.mark_contacted(n2, "email", z("2026-11-04T10:00:00Z")).unwrap();
    store.resolve(n2, Resolution::Answered, z("2026-11-04T11:00:00Z")).unwrap();
    store.resolve(n3, Resolution::Answered, z("2026-11-04T11:00:00Z")).unwrap();
    store.resolve(n6, Resolution::ContentGap, z("2026-11-09T11:00:00Z")).unwrap();
    store.set_conversations(ws.id, "2026-11", 60, "typed", now).unwrap();
    store.set_conversations(ws.id, "2026-10", 10, "typed", now).unwrap();

    let p = progress(&store, &ws, Month::parse("2026-11").unwrap()).unwrap();
    let m = &p.this;
    assert_eq!(m.handoffs, 6);
    assert_eq!(m.conversations, Some(60));
    assert_eq!(m.conversations_source.as_deref(), Some("typed"));
    assert_eq!(m.escalation_rate, Some(0.1)); // 6 / 60
    assert!((m.containment.unwrap() - 0.9).abs() < 1e-12);
    assert_eq!((m.fixable, m.intentional), (3, 2)); // N1, N2, N6 | N3, N4
    assert_eq!((m.answered, m.first_contact), (3, 2)); // N1 and N3 once, N2 twice
    assert!((m.first_contact_resolution.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let o = &p.previous;
    assert_eq!((o.handoffs, o.conversations, o.escalation_rate), (2, Some(10), Some(0.2)));
    assert_eq!((o.fixable, o.intentional, o.answered, o.first_contact_resolution), (1, 0, 0, None));

    // Fewer conversations than handoffs is a typo, not a negative containment.
    store.set_conversations(ws.id, "2026-11", 5, "typed", now).unwrap();
    let m = outcomes(&store, &ws, Month::parse("2026-11").unwrap()).unwrap();
    assert_eq!((m.conversations, m.escalation_rate, m.containment), (Some(5), None, None));
    assert!(store.set_conversations(ws.id, "2026-11", -1, "typed", now).is_err());
    // Unknown for a month nobody typed in.
    let m = outcomes(&store, &ws, Month::parse("2026-09").unwrap()).unwrap();
    assert_eq!((m.conversations, m.escalation_rate), (None, None));
}

#[test]
fn honest_promise_advice_names_the_late_arrivals() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("alps", "Bergblick", "Europe/Berlin")).unwrap();
    let now = z("2026-11-30T12:00:00Z");
    let four = Some("within 4 business hours");
    let items = vec![
        // Fridays 16:00 CET: due the Monday after at 12:00.
        item("F1", "2026-11-06T15:00:00Z", Reason::KnowledgeGap, four),
        item("F2", "2026-11-13T15:00:00Z", Reason::KnowledgeGap, four),
        item("F3", "2026-11-20T15:00:00Z", Reason::KnowledgeGap, four),
        // Mondays 10:00 CET, answered half an hour later.
        item("M1", "2026-11-02T09:00:00Z", Reason::KnowledgeGap, four),
        item("M2", "2026-11-09T09:00:00Z", Reason::KnowledgeGap, four),
        item("M3", "2026-11-16T09:00:00Z", Reason::KnowledgeGap, four),
    ];
    store.ingest(&ws, items, now).unwrap();
    // F1 Mon 13:00 (1 h Friday + 4 h Monday = 300 business minutes), F2 Mon
    // 16:00 (1 + 7 = 480), F3 Tue 12:00 (1 + 8 + 3 = 720): median 480 = one
    // 8-hour business day, against 240 promised; all three late.
    let contacts = [
        ("F1", "2026-11-09T12:00:00Z"),
        ("F2", "2026-11-16T15:00:00Z"),
        ("F3", "2026-11-24T11:00:00Z"),
        ("M1", "2026-11-02T09:30:00Z"),
        ("M2", "2026-11-09T09:30:00Z"),
        ("M3", "2026-11-16T09:30:00Z"),
    ];
    for (key, at) in contacts {
        let h = id(&store, key);
        store.mark_contacted(h, "phone", z(at)).unwrap();
    }
    let a = promise_advice(&store, &ws, Month::parse("2026-11").unwrap(), now).unwrap();
    assert_eq!(a.day_minutes, 480);
    assert_eq!(a.promise.as_deref(), Some("within 4 business hours"));
    assert_eq!(a.kept_share, Some(0.5));
    let labels: Vec<(&str, i64, i64, i64)> = a
        .groups
        .iter()
        .map(|g| (g.label.as_str(), g.handoffs, g.median_wait_minutes, g.median_promised_minutes))
        .collect();
    assert_eq!(labels, vec![("Monday before 12:00", 3, 30, 240), ("Friday after 15:00", 3, 480, 240)]);
    assert_eq!(
        a.advice,
        vec![
            "Your bot promises \u{201c}within 4 business hours\u{201d}.".to_string(),
            "Handoffs arriving Friday after 15:00 wait 1.0 business days on median: promise \u{2018}next business day\u{2019} for those, or staff Saturday morning.".to_string(),
        ]
    );
    // 80 % of the waits (30, 30, 30, 300, 480, 720) are within 480 minutes.
    assert_eq!(
        a.suggested_wording.as_deref(),
        Some("Thanks! A person from our team will get back to you next business day.")
    );
}
