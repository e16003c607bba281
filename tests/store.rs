//! The store: migrations, pragmas, idempotent ingest, the timeline, search, raw sources.

use chrono::{TimeZone, Utc};
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::{ListFilter, MIGRATIONS, NewWorkspace, SCHEMA_VERSION, SearchOrder};
use handoff::{Error, Store};

fn store_with_ws() -> (Store, Workspace) {
    let store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "America/New_York")).unwrap();
    (store, ws)
}

fn handoff(key: &str, question: &str, at_hour_utc: u32) -> Parsed {
    let mut h =
        NewHandoff::raw(SourceKind::Import, RawKind::Json, format!("{{\"k\":\"{key}\"}}").into_bytes());
    h.source_key = key.to_string();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some("Dana Reyes".into());
    h.visitor.email = Some("dana@example.com".into());
    h.question = Some(question.to_string());
    h.sent_at = Some(Utc.with_ymd_and_hms(2026, 11, 18, at_hour_utc, 0, 0).unwrap());
    h.transcript = vec![
        Message { author: Author::Visitor, name: None, at: None, text: "Hi".into() },
        Message { author: Author::Visitor, name: None, at: None, text: question.to_string() },
        Message { author: Author::Bot, name: None, at: None, text: "I don't know, sorry.".into() },
    ];
    Parsed::Handoff(Box::new(h))
}

fn table_count(store: &Store, table: &str) -> i64 {
    store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn every_migration_file_is_embedded_in_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    let embedded: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
    assert_eq!(files, embedded);
}

#[test]
fn migrates_an_empty_file_and_reopens_without_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/h.db");
    let store = Store::open(&path).unwrap();
    let v: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    store.create_workspace(&NewWorkspace::new("a", "A", "UTC")).unwrap();
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.workspaces().unwrap().len(), 1);
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5).unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, Error::TooNew { .. }), "{err}");
    assert!(err.to_string().contains("Update Handoff Desk"), "{err}");
}

#[test]
fn ingesting_the_same_input_twice_changes_nothing() {
    let (mut store, ws) = store_with_ws();
    let now = Utc::now();
    let batch = || {
        vec![handoff("k1", "Do you offer refunds after 30 days?", 15), handoff("k2", "Is parking free?", 16)]
    };
    let first = store.ingest(&ws, batch(), now).unwrap();
    assert_eq!(first.inserted.len(), 2);
    let tables = ["handoffs", "messages", "raw_sources", "events", "handoff_fts"];
    let before: Vec<i64> = tables.iter().map(|t| table_count(&store, t)).collect();
    let second = store.ingest(&ws, batch(), now).unwrap();
    assert_eq!(second.inserted.len(), 0);
    assert_eq!(second.duplicates, 2);
    let after: Vec<i64> = tables.iter().map(|t| table_count(&store, t)).collect();
    assert_eq!(before, after);
    assert_eq!(before, vec![2, 6, 2, 2, 2]);
}

#[test]
fn skipped_events_are_recorded_once_not_dropped() {
    let (mut store, ws) = store_with_ws();
    let skipped = || {
        Parsed::Skipped(handoff::ingest::Skipped {
            source_key: "event:intercom:closed-1".into(),
            platform: "intercom".into(),
            event: "conversation.admin.closed".into(),
            why: "a closed conversation is not a handoff".into(),
            raw: b"{}".to_vec(),
        })
    };
    assert_eq!(store.ingest(&ws, vec![skipped()], Utc::now()).unwrap().skipped, 1);
    assert_eq!(store.ingest(&ws, vec![skipped()], Utc::now()).unwrap().duplicates, 1);
    assert_eq!(table_count(&store, "skipped_events"), 1);
    assert_eq!(table_count(&store, "handoffs"), 0);
}

#[test]
fn workspace_named_by_the_source_wins_when_it_exists() {
    let (mut store, ws) = store_with_ws();
    let other =
        store.create_workspace(&NewWorkspace::new("bergblick", "Bergblick", "Europe/Berlin")).unwrap();
    let mut a = handoff("a", "q", 10);
    let mut b = handoff("b", "q", 10);
    if let Parsed::Handoff(h) = &mut a {
        h.workspace_hint = Some("bergblick".into());
    }
    if let Parsed::Handoff(h) = &mut b {
        h.workspace_hint = Some("no-such-workspace".into());
    }
    let out = store.ingest(&ws, vec![a, b], Utc::now()).unwrap();
    assert_eq!(store.handoff(out.inserted[0]).unwrap().unwrap().workspace_id, other.id);
    assert_eq!(store.handoff(out.inserted[1]).unwrap().unwrap().workspace_id, ws.id);
}

#[test]
fn after_hours_is_judged_in_the_workspace_time_zone() {
    let (mut store, ws) = store_with_ws();
    // 15:00 UTC on a Wednesday = 10:00 in New York (open); 02:00 UTC = 21:00 the evening before (closed).
    let out = store.ingest(&ws, vec![handoff("day", "q", 15), handoff("night", "q", 2)], Utc::now()).unwrap();
    assert!(!store.handoff(out.inserted[0]).unwrap().unwrap().after_hours);
    assert!(store.handoff(out.inserted[1]).unwrap().unwrap().after_hours);
}

#[test]
fn the_timeline_is_append_only() {
    let (mut store, ws) = store_with_ws();
    let id = store.ingest(&ws, vec![handoff("k", "q", 10)], Utc::now()).unwrap().inserted[0];
    store.set_status(id, Status::Resolved, Utc::now()).unwrap();
    let d = store.detail(id).unwrap();
    let kinds: Vec<&str> = d.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["received", "status"]);
    let err = store.conn().execute("UPDATE events SET detail = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn large_raw_sources_round_trip_compressed() {
    let (mut store, ws) = store_with_ws();
    let big: Vec<u8> =
        (0..200_000u32).flat_map(|i| format!("line {i} of a big email\r\n").into_bytes()).collect();
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Email, big.clone());
    h.parse_notes.push("nothing understood".into());
    let out = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], Utc::now()).unwrap();
    assert_eq!(out.flagged, 1);
    let id = out.inserted[0];
    assert_eq!(store.raw(id).unwrap(), big);
    let stored: i64 =
        store.conn().query_row("SELECT length(bytes) FROM raw_sources", [], |r| r.get(0)).unwrap();
    assert!((stored as usize) < big.len() / 4, "stored {stored} bytes for {}", big.len());
    let flagged = store.list(&ListFilter { flagged: true, ..Default::default() }).unwrap();
    assert_eq!(flagged.len(), 1);
}

#[test]
fn search_finds_by_question_visitor_and_transcript_and_ranks_question_hits_first() {
    let (mut store, ws) = store_with_ws();
    let mut items =
        vec![handoff("r1", "Do you offer refunds after 30 days?", 10), handoff("p", "Is parking free?", 11)];
    // A handoff that mentions refunds only deep in the transcript.
    if let Parsed::Handoff(mut h) = handoff("r2", "What are your hours?", 12) {
        h.source_key = "r2".into();
        h.transcript.push(Message {
            author: Author::Visitor,
            name: None,
            at: None,
            text: "also what about a refund".into(),
        });
        items.push(Parsed::Handoff(h));
    }
    let ids = store.ingest(&ws, items, Utc::now()).unwrap().inserted;
    let hits = store.search("refund*", None, SearchOrder::Relevance, 10).unwrap();
    let found: Vec<i64> = hits.hits.iter().map(|h| h.handoff.id).collect();
    assert_eq!(found, vec![ids[0], ids[2]]);
    assert!(!hits.bounded);
    let recent: Vec<i64> = store
        .search("dana@example.com", None, SearchOrder::Recent, 10)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.handoff.id)
        .collect();
    assert_eq!(recent, vec![ids[2], ids[1], ids[0]]);
    assert!(store.search("nothing-like-this", None, SearchOrder::Relevance, 10).unwrap().hits.is_empty());
}

#[test]
fn search_hits_keep_the_ranking_order_not_the_id_order() {
    let (mut store, ws) = store_with_ws();
    // The transcript-only mention is stored first, the question hit last.
    let mut items = Vec::new();
    if let Parsed::Handoff(mut h) = handoff("t", "What are your hours?", 10) {
        h.transcript.push(Message {
            author: Author::Visitor,
            name: None,
            at: None,
            text: "and a refund".into(),
        });
        items.push(Parsed::Handoff(h));
    }
    items.push(handoff("q", "Refund after 30 days? I want a refund, a full refund", 11));
    let ids = store.ingest(&ws, items, Utc::now()).unwrap().inserted;
    let r = store.search("refund", None, SearchOrder::Relevance, 10).unwrap();
    let found: Vec<i64> = r.hits.iter().map(|h| h.handoff.id).collect();
    assert_eq!(found, vec![ids[1], ids[0]]);
    let scores: Vec<f64> = r.hits.iter().map(|h| h.score.unwrap()).collect();
    assert!(scores[0] < scores[1], "bm25: lower is better, in order: {scores:?}");
}

#[test]
fn search_input_is_never_fts_syntax() {
    let (mut store, ws) = store_with_ws();
    store.ingest(&ws, vec![handoff("k", "Do you offer refunds?", 10)], Utc::now()).unwrap();
    for q in [
        "refunds OR",
        "\"unclosed",
        "NEAR(refunds",
        "refunds AND NOT",
        "col:refunds",
        "-refunds",
        "((",
        "*",
        "\"\"",
        "^refunds",
    ] {
        let r = store.search(q, None, SearchOrder::Relevance, 10);
        assert!(r.is_ok(), "{q:?}: {:?}", r.err());
    }
    assert_eq!(handoff::store::fts_query("  "), None);
    assert_eq!(handoff::store::fts_query("refund po*").as_deref(), Some("\"refund\" \"po\"*"));
    assert_eq!(
        handoff::store::fts_query("\"late checkout\" fee").as_deref(),
        Some("\"late checkout\" \"fee\"")
    );
}

#[test]
fn common_terms_rank_only_the_newest_window() {
    let (mut store, ws) = store_with_ws();
    let items: Vec<Parsed> = (0..1200).map(|i| handoff(&format!("k{i}"), "common words here", 10)).collect();
    store.ingest(&ws, items, Utc::now()).unwrap();
    let r = store.search("common", None, SearchOrder::Relevance, 5).unwrap();
    assert!(r.bounded);
    assert_eq!(r.hits.len(), 5);
    // All hits come from the newest window of rowids.
    assert!(r.hits.iter().all(|h| h.handoff.id > 1200 - 1000));
}

#[test]
fn list_filters_combine() {
    let (mut store, ws) = store_with_ws();
    let mut items = Vec::new();
    for (i, reason) in
        [Reason::KnowledgeGap, Reason::PolicyTopic, Reason::PolicyTopic].into_iter().enumerate()
    {
        if let Parsed::Handoff(mut h) = handoff(&format!("k{i}"), "q", 10 + i as u32) {
            h.reason = reason;
            items.push(Parsed::Handoff(h));
        }
    }
    let ids = store.ingest(&ws, items, Utc::now()).unwrap().inserted;
    store.set_status(ids[2], Status::Resolved, Utc::now()).unwrap();
    let f =
        ListFilter { reasons: vec![Reason::PolicyTopic], statuses: vec![Status::New], ..Default::default() };
    let rows = store.list(&f).unwrap();
    assert_eq!(rows.iter().map(|h| h.id).collect::<Vec<_>>(), vec![ids[1]]);
    let since = ListFilter {
        since: Some(Utc.with_ymd_and_hms(2026, 11, 18, 11, 0, 0).unwrap()),
        ..Default::default()
    };
    assert_eq!(store.list(&since).unwrap().len(), 2);
}

#[test]
fn workspace_names_and_zones_are_checked() {
    let store = Store::open_in_memory().unwrap();
    let e = store.create_workspace(&NewWorkspace::new("Bad Name", "x", "UTC")).unwrap_err();
    assert!(e.to_string().contains("lower-case"), "{e}");
    let e = store.create_workspace(&NewWorkspace::new("ok", "x", "Mars/Olympus")).unwrap_err();
    assert!(e.to_string().contains("IANA"), "{e}");
    store.create_workspace(&NewWorkspace::new("ok", "x", "UTC")).unwrap();
    assert!(store.create_workspace(&NewWorkspace::new("ok", "x", "UTC")).is_err());
}

#[test]
fn a_version_1_database_migrates_to_the_current_schema_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO workspaces (slug, name, hours, created_at) VALUES ('old', 'Old', '{}', 0)",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let v: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    const { assert!(SCHEMA_VERSION >= 2) };
    let ws = store.require_workspace("old").unwrap();
    assert!(store.sources().unwrap().is_empty());
    let cfg =
        handoff::store::SourceConfig::Relay(handoff::ingest::relay::RelayConfig::new("https://r.example"));
    store.add_source(ws.id, "web", &cfg).unwrap();
    assert_eq!(store.sources().unwrap().len(), 1);
}
