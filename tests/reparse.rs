//! `handoff reparse` through the binary: records an older reader stored raw
//! are read again with today's readers; originals, ids, timelines and the
//! owner's decisions are kept; a second run changes nothing.

use crate::support::{fixture, handoff, json_lines, ok};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::{NewHandoff, RawKind, SourceKind};
use handoff::store::{NewWorkspace, RereadFilter};
use serde_json::Value;
use std::path::Path;

/// A notification today's generic reader understands fully.
fn notification() -> Vec<u8> {
    std::fs::read(fixture("email/01_plain_labelled.eml")).unwrap()
}

/// Store `raw` the way an older version would have: kept raw, every field
/// empty, its note, and no record of which reader read it.
fn store_as_old_reader(db: &Path, workspace: &str, kind: RawKind, raw: Vec<u8>, note: &str) -> i64 {
    let mut store = Store::open(db).unwrap();
    let ws = match store.workspace(workspace).unwrap() {
        Some(ws) => ws,
        None => store.create_workspace(&NewWorkspace::new(workspace, workspace, "UTC")).unwrap(),
    };
    let mut h = NewHandoff::raw(SourceKind::Import, kind, raw);
    h.parse_notes.push(note.into());
    let out = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], chrono::Utc::now()).unwrap();
    let id = out.inserted[0];
    store.conn().execute("UPDATE handoffs SET read_by = NULL WHERE id = ?1", [id]).unwrap();
    id
}

fn show(db: &Path, id: i64) -> Value {
    serde_json::from_str(&ok(handoff(db).args(["show", &id.to_string(), "--json"]))).unwrap()
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

#[test]
fn an_old_readers_raw_record_is_upgraded_keeping_its_original_id_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let id =
        store_as_old_reader(&db, "acme", RawKind::Email, notification(), "the old reader understood nothing");
    let before = show(&db, id);
    assert_eq!(before["parse_status"], "raw");
    assert!(before["visitor"]["email"].is_null());
    let offer = Store::open(&db).unwrap().reread_offer().unwrap();
    assert_eq!((offer.flagged, offer.older, offer.stored_by), (1, 1, None));

    let out = ok(handoff(&db).arg("reparse"));
    assert!(out.contains(&format!("#{id} [acme]: re-read: raw → ok (read as")), "{out}");
    assert!(out.contains("1 re-read: 1 now ok, 0 partial, 0 still raw"), "{out}");

    let after = show(&db, id);
    assert_eq!(after["id"], id);
    assert_eq!(after["parse_status"], "ok");
    assert_eq!(after["visitor"]["email"], "dana.reyes@example.com");
    assert_eq!(after["visitor"]["name"], "Dana Reyes");
    assert_eq!(after["page"]["url"], "https://acme-plumbing.test/pricing");
    assert_eq!(after["question"], "Do you offer refunds after 30 days?");
    assert!(after["transcript"].as_array().unwrap().len() >= 3, "{}", after["transcript"]);
    assert_eq!(after["source_key"], before["source_key"]);
    assert_eq!(after["received_at"], before["received_at"]);
    // The timeline keeps what it had and says what happened.
    assert_eq!(kinds(&after), ["received", "reread"]);
    let events = after["events"].as_array().unwrap();
    assert_eq!(events[0], before["events"][0]);
    let detail = events[1]["detail"].as_str().unwrap();
    assert!(detail.starts_with("re-read: raw → ok (read as "), "{detail}");
    assert!(detail.contains("visitor email") && detail.contains("transcript"), "{detail}");
    // The bot's promise now runs (the record had none, and nobody had touched it).
    assert_eq!(after["promise"]["text"], "We'll email you within 4 business hours");
    assert_eq!(after["promise"]["state"], "running");
    // The original, byte for byte.
    let store = Store::open(&db).unwrap();
    assert_eq!(store.raw(id).unwrap(), notification());
    // Found by what it now says, through the index.
    let hits = json_lines(&ok(handoff(&db).args(["search", "\"water heater\"", "--json"])));
    assert_eq!(hits.iter().map(|h| h["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);
    assert_eq!(store.reread_offer().unwrap().flagged, 0);

    // A second run changes nothing.
    let again = ok(handoff(&db).arg("reparse"));
    assert!(again.contains("0 re-read: 0 now ok, 0 partial, 0 still raw"), "{again}");
    assert_eq!(show(&db, id), after);
}

#[test]
fn a_resolved_record_keeps_the_owners_status_and_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let id = store_as_old_reader(&db, "acme", RawKind::Email, notification(), "old reader");
    ok(handoff(&db).args(["resolve", &id.to_string(), "--why", "content_gap"]));
    let before = show(&db, id);
    assert_eq!(
        (before["status"].as_str(), before["resolution"].as_str()),
        (Some("resolved"), Some("content_gap"))
    );

    let out = ok(handoff(&db).args(["reparse", "--flagged"]));
    assert!(out.contains("1 now ok"), "{out}");
    let after = show(&db, id);
    assert_eq!(after["parse_status"], "ok");
    assert_eq!(after["visitor"]["email"], "dana.reyes@example.com");
    assert_eq!(after["status"], "resolved");
    assert_eq!(after["resolution"], "content_gap");
    // A closed handoff gets no promise clock from its re-read.
    assert!(after["promise"].is_null(), "{}", after["promise"]);
    let mut expected = kinds(&before);
    expected.push("reread".into());
    assert_eq!(kinds(&after), expected);
}

#[test]
fn a_record_still_unreadable_stays_raw_with_its_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let garbage = b"{\"visitor\": this is not JSON at all".to_vec();
    let id = store_as_old_reader(&db, "acme", RawKind::Json, garbage.clone(), "not JSON: kept as received");
    let before = show(&db, id);

    let out = ok(handoff(&db).arg("reparse"));
    assert!(out.contains(&format!("#{id} [acme]: still raw")), "{out}");
    assert!(out.contains("1 re-read: 0 now ok, 0 partial, 1 still raw (0 improved)"), "{out}");
    let after = show(&db, id);
    assert_eq!(after["parse_status"], "raw");
    assert_eq!(after["parse_notes"], before["parse_notes"]);
    assert!(after["parse_notes"].to_string().contains("not JSON: kept as received"));
    assert_eq!(after["events"], before["events"]);
    assert_eq!(Store::open(&db).unwrap().raw(id).unwrap(), garbage);
    // Read by this version now: the window stops offering a re-read.
    let offer = Store::open(&db).unwrap().reread_offer().unwrap();
    assert_eq!((offer.flagged, offer.older), (1, 0));
}

#[test]
fn workspace_limits_a_run_and_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let a = store_as_old_reader(&db, "acme", RawKind::Email, notification(), "old reader");
    let b = store_as_old_reader(&db, "bolt", RawKind::Email, notification(), "old reader");
    let listing = || ok(handoff(&db).args(["list", "--limit", "100", "--json"]));
    let (list_before, a_before, b_before) = (listing(), show(&db, a), show(&db, b));

    let dry = ok(handoff(&db).args(["reparse", "--workspace", "acme", "--dry-run"]));
    assert!(dry.contains(&format!("#{a} [acme]: re-read: raw → ok")), "{dry}");
    assert!(!dry.contains(&format!("#{b} ")), "{dry}");
    assert!(dry.contains("1 re-read (dry run, nothing written): 1 now ok"), "{dry}");
    assert_eq!(listing(), list_before);
    assert_eq!(show(&db, a), a_before);
    assert_eq!(Store::open(&db).unwrap().reread_offer().unwrap().older, 2);

    ok(handoff(&db).args(["reparse", "-w", "acme"]));
    assert_eq!(show(&db, a)["parse_status"], "ok");
    assert_eq!(show(&db, b), b_before);
    let store = Store::open(&db).unwrap();
    let left = store.reread_ids(&RereadFilter::default()).unwrap();
    assert_eq!(left, [b]);
}

#[test]
fn a_partial_record_is_left_to_flagged_runs_and_its_running_promise_follows_the_bots_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    {
        let store = Store::open(&db).unwrap();
        let mut ws = NewWorkspace::new("acme", "Acme", "UTC");
        ws.default_promise = Some("within 2 business days".into());
        store.create_workspace(&ws).unwrap();
    }
    // An older reader got the name and an inferred reason, nothing else; the
    // workspace's default promise started running.
    let mut store = Store::open(&db).unwrap();
    let ws = store.require_workspace("acme").unwrap();
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Email, notification());
    h.parse_status = handoff::model::ParseStatus::Partial;
    h.parse_notes.push("no email address found".into());
    h.visitor.name = Some("Dana R.".into());
    h.reason = handoff::model::Reason::HumanRequest;
    h.reason_inferred = true;
    let id = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], chrono::Utc::now()).unwrap().inserted[0];
    drop(store);
    let before = show(&db, id);
    assert_eq!(
        (before["promise"]["origin"].as_str(), before["promise"]["state"].as_str()),
        (Some("default"), Some("running"))
    );

    let out = ok(handoff(&db).args(["reparse", "--flagged"]));
    assert!(out.contains("0 re-read"), "{out}");
    assert_eq!(show(&db, id), before);

    let out = ok(handoff(&db).arg("reparse"));
    assert!(out.contains(&format!("#{id} [acme]: re-read: partial → ok")), "{out}");
    let after = show(&db, id);
    assert_eq!(after["visitor"]["name"], "Dana Reyes");
    assert_eq!(after["visitor"]["email"], "dana.reyes@example.com");
    // The inferred reason gives way to the one the bot gave.
    assert_eq!(after["reason_inferred"], false);
    assert_eq!(after["promise"]["text"], "We'll email you within 4 business hours");
    assert_eq!(after["promise"]["origin"], "bot");
    assert_eq!(after["promise"]["state"], "running");
    assert_ne!(after["promise"]["due_at"], before["promise"]["due_at"]);
    let last = after["events"].as_array().unwrap().last().unwrap()["detail"].as_str().unwrap().to_string();
    assert!(last.contains("promise due time recomputed"), "{last}");
    // Its follow-ups follow the new due time: one pending breach alert, at it.
    let store = Store::open(&db).unwrap();
    let pending: Vec<_> = store
        .follow_ups(id)
        .unwrap()
        .into_iter()
        .filter(|f| f.done_at.is_none() && f.kind == handoff::model::FollowUpKind::Breach)
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(Some(pending[0].due_at), store.promise(id).unwrap().map(|p| p.due_at));
}
