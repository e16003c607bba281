//! Monthly metrics against values worked out by hand on a fixed dataset in
//! Europe/Berlin (Mon–Fri 09:00–17:00), across the month boundary and the
//! end of summer time (25 Oct 2026).

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::metrics::{Month, monthly, percentile};
use handoff::model::*;
use handoff::store::NewWorkspace;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn item(key: &str, at: &str, reason: Reason, email: Option<&str>, promise: Option<&str>) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = reason;
    h.visitor.email = email.map(String::from);
    h.promise = promise.map(String::from);
    h.sent_at = Some(z(at));
    Parsed::Handoff(Box::new(h))
}

#[test]
fn nearest_rank_percentiles() {
    assert_eq!(percentile(&[], 0.5), None);
    assert_eq!(percentile(&[7], 0.9), Some(7));
    assert_eq!(percentile(&[20, 180, 600], 0.5), Some(180));
    assert_eq!(percentile(&[20, 180, 600], 0.9), Some(600));
    assert_eq!(percentile(&[1, 2, 3, 4], 0.5), Some(2));
    assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 0.9), Some(9));
}

#[test]
fn a_month_in_berlin_matches_the_hand_computed_figures() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("alps", "Bergblick", "Europe/Berlin")).unwrap();
    let now = z("2026-11-22T12:00:00Z");
    let items = vec![
        // Thu 1 Oct 00:30 CEST: October in Berlin though still September in UTC; after hours.
        item(
            "A",
            "2026-09-30T22:30:00Z",
            Reason::KnowledgeGap,
            Some("a@x.test"),
            Some("within 2 business hours"),
        ),
        // Mon 5 Oct 10:00 CEST, in hours.
        item(
            "B",
            "2026-10-05T08:00:00Z",
            Reason::KnowledgeGap,
            Some("b@x.test"),
            Some("within 2 business hours"),
        ),
        // Sat 10 Oct 12:00 CEST, after hours; same visitor as A; never answered.
        item("C", "2026-10-10T10:00:00Z", Reason::HumanRequest, Some("a@x.test"), Some("within 4 hours")),
        // Mon 26 Oct 09:00 CET (winter time now), in hours; wrote in September too (upper case here).
        item("D", "2026-10-26T08:00:00Z", Reason::PolicyTopic, Some("D@X.test"), Some("within 1 hour")),
        // Tue 20 Oct 14:00 CEST, no email, no promise.
        item("G", "2026-10-20T12:00:00Z", Reason::Frustration, None, None),
        // Sun 1 Nov 00:30 CET: November, not October.
        item("E", "2026-10-31T23:30:00Z", Reason::KnowledgeGap, Some("e@x.test"), None),
        // September.
        item("F", "2026-09-15T10:00:00Z", Reason::KnowledgeGap, Some("d@x.test"), None),
    ];
    store.ingest(&ws, items, now).unwrap();
    let id = |key: &str| -> i64 {
        store.conn().query_row("SELECT id FROM handoffs WHERE source_key = ?1", [key], |r| r.get(0)).unwrap()
    };
    let (a, b, d) = (id("A"), id("B"), id("D"));
    store.mark_contacted(a, "phone", z("2026-10-01T08:30:00Z")).unwrap(); // 10:30 CEST, due 11:00: met
    store.mark_contacted(b, "email", z("2026-10-05T11:00:00Z")).unwrap(); // 13:00 CEST, due 12:00: late
    store.mark_contacted(d, "phone", z("2026-10-26T08:20:00Z")).unwrap(); // 09:20 CET, due 10:00: met

    let m = monthly(&store, &ws, Month::parse("2026-10").unwrap(), now).unwrap();
    assert_eq!(m.handoffs, 5);
    let reasons: Vec<(&str, i64, f64)> =
        m.by_reason.iter().map(|r| (r.reason.as_str(), r.count, r.share)).collect();
    assert_eq!(
        reasons,
        vec![
            ("knowledge_gap", 2, 0.4),
            ("frustration", 1, 0.2),
            ("human_request", 1, 0.2),
            ("policy_topic", 1, 0.2),
        ]
    );
    assert_eq!(m.after_hours_share, Some(0.4), "A at 00:30 and C on a Saturday");
    assert_eq!(m.replied, 3);
    // Waits: D 20 min, B 180 min, A 600 min (00:30 → 10:30 CEST).
    assert_eq!(m.first_reply_median_minutes, Some(180));
    assert_eq!(m.first_reply_p90_minutes, Some(600));
    // In open hours: D 20, A 90 (09:00 → 10:30), B 180.
    assert_eq!(m.first_reply_median_business_minutes, Some(90));
    assert_eq!((m.promises_met, m.promises_breached), (2, 2), "A and D met; B late, C never");
    assert_eq!(m.promises_kept, Some(0.5));
    assert_eq!(m.overdue_now, 1, "C is still open and past due");
    assert_eq!(m.repeat_visitors, 2, "a@ wrote twice this month; d@ wrote in September");
    assert_eq!((m.knowledge_gaps, m.knowledge_gaps_previous), (2, 1));

    let nov = monthly(&store, &ws, Month::parse("2026-11").unwrap(), now).unwrap();
    assert_eq!((nov.handoffs, nov.knowledge_gaps, nov.knowledge_gaps_previous), (1, 1, 2));
    assert_eq!(
        (nov.first_reply_median_minutes, nov.promises_kept, nov.after_hours_share),
        (None, None, Some(1.0))
    );
    assert!(Month::parse("2026-13").is_err() && Month::parse("October").is_err());
}

#[test]
fn metrics_from_the_command_line_for_every_workspace() {
    use crate::support::{fails, handoff, json_lines, ok, text};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    ok(handoff(&db).args(["demo", "--per-client", "40", "--months", "2"]));
    let rows = json_lines(&ok(handoff(&db).args(["metrics", "--json"])));
    assert_eq!(rows.len(), 3, "one line per demo workspace");
    for r in &rows {
        let shares: f64 =
            r["by_reason"].as_array().unwrap().iter().map(|x| x["share"].as_f64().unwrap()).sum();
        assert!(r["handoffs"].as_i64().unwrap() == 0 || (shares - 1.0).abs() < 1e-9, "{r}");
    }
    for r in &rows {
        let resolved: i64 =
            r["by_resolution"].as_array().unwrap().iter().map(|x| x["count"].as_i64().unwrap()).sum();
        assert_eq!(resolved + r["unresolved"].as_i64().unwrap(), r["handoffs"].as_i64().unwrap(), "{r}");
    }
    let human = ok(handoff(&db).args(["metrics", "-w", "acme-plumbing"]));
    assert!(human.contains("Promises kept") && human.contains("Knowledge gaps"), "{human}");
    assert!(human.contains("Resolutions") && human.contains("unresolved"), "{human}");
    assert!(human.contains("Gaps found by people"), "{human}");
    let err = text(&fails(handoff(&db).args(["metrics", "--month", "2026-13"])).stderr);
    assert!(err.contains("YYYY-MM"), "{err}");
}

#[test]
fn resolutions_by_reason_and_content_gaps_found_by_people() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("res", "Resolved Ltd", "UTC")).unwrap();
    let now = z("2026-11-22T12:00:00Z");
    // (key, received, the bot's reason, how it was closed, or lost without a reason).
    let cases: [(&str, &str, Reason, Option<Resolution>); 13] = [
        ("a", "2026-10-01T10:00:00Z", Reason::KnowledgeGap, Some(Resolution::ContentGap)),
        ("b", "2026-10-02T10:00:00Z", Reason::HumanRequest, Some(Resolution::ContentGap)),
        ("c", "2026-10-03T10:00:00Z", Reason::PolicyTopic, Some(Resolution::ContentGap)),
        ("d", "2026-10-04T10:00:00Z", Reason::LowConfidence, Some(Resolution::ContentGap)),
        ("e", "2026-10-05T10:00:00Z", Reason::KnowledgeGap, Some(Resolution::Answered)),
        ("f", "2026-10-06T10:00:00Z", Reason::HumanRequest, Some(Resolution::Answered)),
        ("g", "2026-10-07T10:00:00Z", Reason::Frustration, Some(Resolution::Policy)),
        ("h", "2026-10-08T10:00:00Z", Reason::Other, Some(Resolution::NotALead)),
        ("i", "2026-10-09T10:00:00Z", Reason::HighIntent, None),
        ("j", "2026-10-10T10:00:00Z", Reason::KnowledgeGap, None),
        ("lost", "2026-10-11T10:00:00Z", Reason::HumanRequest, None),
        // Other months: not October's.
        ("sep", "2026-09-30T23:59:00Z", Reason::HumanRequest, Some(Resolution::ContentGap)),
        ("nov", "2026-11-01T00:00:00Z", Reason::Frustration, Some(Resolution::ContentGap)),
    ];
    let items = cases.iter().map(|(k, at, reason, _)| item(k, at, *reason, None, None)).collect();
    store.ingest(&ws, items, now).unwrap();
    for (key, at, _, resolution) in &cases {
        let id: i64 = store
            .conn()
            .query_row("SELECT id FROM handoffs WHERE source_key = ?1", [key], |r| r.get(0))
            .unwrap();
        match resolution {
            Some(why) => store.resolve(id, *why, z(at) + chrono::Duration::hours(1)).unwrap(),
            None if *key == "lost" => store.set_status(id, Status::Lost, z(at)).unwrap(),
            None => {}
        }
    }

    // The expected figures, counted from the cases themselves.
    let october: Vec<_> = cases.iter().filter(|c| c.1.starts_with("2026-10")).collect();
    let n = october.len() as i64;
    let mut want: Vec<(&str, i64, f64)> = Vec::new();
    for why in [Resolution::Answered, Resolution::ContentGap, Resolution::Policy, Resolution::NotALead] {
        let count = october.iter().filter(|c| c.3 == Some(why)).count() as i64;
        if count > 0 {
            want.push((why.as_str(), count, count as f64 / n as f64));
        }
    }
    want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let unresolved = october.iter().filter(|c| c.3.is_none()).count() as i64;
    let by_people = october
        .iter()
        .filter(|c| c.3 == Some(Resolution::ContentGap))
        .filter(|c| !matches!(c.2, Reason::KnowledgeGap | Reason::LowConfidence))
        .count() as i64;

    let m = monthly(&store, &ws, Month::parse("2026-10").unwrap(), now).unwrap();
    assert_eq!(m.handoffs, n);
    let got: Vec<(&str, i64, f64)> =
        m.by_resolution.iter().map(|r| (r.resolution.as_str(), r.count, r.share)).collect();
    assert_eq!(got, want);
    // And by hand: 4 content gaps, 2 answered, 1 policy, 1 not a lead; i, j and the lost one open.
    assert_eq!(
        got.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
        vec![("content_gap", 4), ("answered", 2), ("not_a_lead", 1), ("policy", 1)]
    );
    assert_eq!(m.unresolved, unresolved);
    assert_eq!(m.unresolved, 3, "i, j, and the one lost without a reason");
    assert_eq!(m.content_gaps_found_by_people, by_people);
    assert_eq!(m.content_gaps_found_by_people, 2, "b (asked for a person) and c (policy topic)");

    let nov = monthly(&store, &ws, Month::parse("2026-11").unwrap(), now).unwrap();
    assert_eq!((nov.unresolved, nov.content_gaps_found_by_people), (0, 1));
    assert_eq!(nov.by_resolution.len(), 1);
    assert_eq!((nov.by_resolution[0].resolution, nov.by_resolution[0].share), (Resolution::ContentGap, 1.0));
    // An empty month has no shares to divide.
    let empty = monthly(&store, &ws, Month::parse("2026-12").unwrap(), now).unwrap();
    assert!(empty.by_resolution.is_empty() && empty.unresolved == 0);
}
