//! Promises and follow-ups: due times at ingest, meeting and breaking them,
//! and the timer tick firing each follow-up once at its instant — also across
//! two processes and after a week offline. Expected instants are written by
//! hand from the rules in `handoff::promise` (Mon–Fri 09:00–17:00 New York).

use crate::support::smtp::plain_identity;
use chrono::{DateTime, Duration, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::{NewReply, NewWorkspace, ReplyKind};
use handoff::sync::{Engine, EngineOptions, ManualClock, SyncEvent};
use std::collections::HashMap;
use std::sync::Arc;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn workspace(store: &Store, backup: Option<&str>) -> Workspace {
    let mut w = NewWorkspace::new("acme", "Acme Plumbing", "America/New_York");
    w.backup_contact = backup.map(String::from);
    let mut ws = store.create_workspace(&w).unwrap();
    ws.settings.follow_ups.backup_email = false;
    store.update_workspace(&ws).unwrap();
    store.workspace("acme").unwrap().unwrap()
}

fn live(key: &str, promise: Option<&str>) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some("Dana Reyes".into());
    h.visitor.email = Some("dana@example.com".into());
    h.question = Some("Do you fix tankless heaters?".into());
    h.promise = promise.map(String::from);
    Parsed::Handoff(Box::new(h))
}

fn ingest_one(store: &mut Store, ws: &Workspace, item: Parsed, at: DateTime<Utc>) -> i64 {
    store.ingest(ws, vec![item], at).unwrap().inserted[0]
}

// Monday 2026-11-23, 10:00 in New York (EST, UTC-5).
const MON_10: &str = "2026-11-23T15:00:00Z";

#[test]
fn a_promise_is_scheduled_at_ingest_with_reminder_backup_alert_and_breach() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, Some("backup@acme.test"));
    let id = ingest_one(
        &mut store,
        &ws,
        live("a", Some("A team member will reply within 2 business hours.")),
        z(MON_10),
    );
    let p = store.promise(id).unwrap().unwrap();
    assert_eq!(p.due_at, z("2026-11-23T17:00:00Z"), "12:00 EST");
    assert_eq!(p.state, PromiseState::Running);
    assert_eq!(p.origin, PromiseOrigin::Bot);
    assert_eq!(p.clock_from, Some(z(MON_10)), "open on arrival: the clock starts at once");
    let f: Vec<(FollowUpKind, DateTime<Utc>)> =
        store.follow_ups(id).unwrap().iter().map(|f| (f.kind, f.due_at)).collect();
    assert_eq!(
        f,
        vec![
            (FollowUpKind::Reminder, z("2026-11-23T16:30:00Z")),
            (FollowUpKind::BackupContact, z("2026-11-23T16:45:00Z")),
            (FollowUpKind::Breach, z("2026-11-23T17:00:00Z")),
        ]
    );
}

#[test]
fn an_after_hours_handoff_starts_its_clock_at_the_next_opening() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, None);
    // Friday 2026-11-27 18:00 EST.
    let id = ingest_one(
        &mut store,
        &ws,
        live("fri", Some("We'll get back to you within 4 hours")),
        z("2026-11-27T23:00:00Z"),
    );
    let h = store.handoff(id).unwrap().unwrap();
    assert!(h.after_hours);
    let p = store.promise(id).unwrap().unwrap();
    assert_eq!(p.clock_from, Some(z("2026-11-30T14:00:00Z")), "Monday 09:00 EST");
    assert_eq!(p.due_at, z("2026-11-30T18:00:00Z"), "Monday 13:00 EST");
}

#[test]
fn the_workspace_default_applies_when_the_bot_names_no_time() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = workspace(&store, None);
    ws.default_promise = Some("within one business day".into());
    store.update_workspace(&ws).unwrap();
    let id = ingest_one(&mut store, &ws, live("soon", Some("We'll be in touch soon!")), z(MON_10));
    let p = store.promise(id).unwrap().unwrap();
    assert_eq!(p.origin, PromiseOrigin::Default);
    assert_eq!(p.text.as_deref(), Some("within one business day"));
    assert_eq!(p.due_at, z("2026-11-24T15:00:00Z"), "Tuesday 10:00 EST");
    // No wording and no default: no promise at all.
    ws.default_promise = None;
    store.update_workspace(&ws).unwrap();
    let id = ingest_one(&mut store, &ws, live("none", None), z(MON_10));
    assert_eq!(store.promise(id).unwrap(), None);
    assert!(store.follow_ups(id).unwrap().is_empty());
}

#[test]
fn an_import_of_old_mail_records_history_without_alarms() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, Some("backup@acme.test"));
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, b"old".to_vec());
    h.source_key = "old".into();
    h.promise = Some("within 2 business hours".into());
    h.sent_at = Some(z("2026-10-05T15:00:00Z")); // Monday 11:00 EDT
    let id = ingest_one(&mut store, &ws, Parsed::Handoff(Box::new(h)), z("2026-11-22T12:00:00Z"));
    let p = store.promise(id).unwrap().unwrap();
    assert_eq!(p.due_at, z("2026-10-05T17:00:00Z"), "13:00 EDT");
    assert_eq!(p.state, PromiseState::Breached);
    assert!(store.follow_ups(id).unwrap().is_empty());
    // Its reply, found in the history, was on time: met after all.
    store.set_status(id, Status::Replied, z("2026-10-05T16:00:00Z")).unwrap();
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Met);
}

#[test]
fn first_contact_meets_or_breaks_the_promise_and_closing_drops_it() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, None);
    let on_time = ingest_one(&mut store, &ws, live("t", Some("within 2 hours")), z(MON_10));
    let late = ingest_one(&mut store, &ws, live("l", Some("within 2 hours")), z(MON_10));
    let spam = ingest_one(&mut store, &ws, live("s", Some("within 2 hours")), z(MON_10));

    store.mark_contacted(on_time, "phone", z("2026-11-23T16:59:00Z")).unwrap();
    let p = store.promise(on_time).unwrap().unwrap();
    assert_eq!((p.state, p.met_by.as_deref()), (PromiseState::Met, Some("phone")));
    assert_eq!(store.handoff(on_time).unwrap().unwrap().status, Status::Replied);
    assert!(store.follow_ups(on_time).unwrap().iter().all(|f| f.outcome.as_deref() == Some("cancelled")));

    store.mark_contacted(late, "phone", z("2026-11-23T17:01:00Z")).unwrap();
    let p = store.promise(late).unwrap().unwrap();
    assert_eq!(p.state, PromiseState::Breached, "a late call keeps it breached");
    assert_eq!(p.met_at, Some(z("2026-11-23T17:01:00Z")));

    store.resolve(spam, Resolution::NotALead, z("2026-11-23T15:30:00Z")).unwrap();
    assert_eq!(store.promise(spam).unwrap().unwrap().state, PromiseState::Dropped);
    assert_eq!(store.resolution(spam).unwrap(), Some(Resolution::NotALead));
    assert!(store.due(z("2026-11-23T15:31:00Z"), None, false).unwrap().iter().all(|d| d.handoff.id != spam));
}

/// Tick minute by minute from `from` to `to`; return when each (handoff, kind) fired.
fn tick_minutes(
    store: &mut Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    log: &mut Vec<(i64, FollowUpKind, DateTime<Utc>)>,
) {
    let mut now = from;
    while now <= to {
        let r = store.fire_due(now, Duration::minutes(10)).unwrap();
        assert!(r.caught_up.is_empty(), "nothing is late when ticking every minute");
        for n in r.fired {
            log.push((n.handoff_id, n.kind, now));
        }
        now += Duration::minutes(1);
    }
}

fn sent_reply(store: &mut Store, ws: &Workspace, handoff_id: i64, at: DateTime<Utc>) {
    let r = NewReply {
        handoff_id,
        kind: ReplyKind::Reply,
        message_id: format!("<r{handoff_id}@acme.test>"),
        in_reply_to: None,
        from: "help@acme.test".into(),
        to: "dana@example.com".into(),
        subject: "Re: your question".into(),
        body_text: "Yes, we do.".into(),
    };
    let (reply_id, job_id) = store.queue_reply(ws, &r, at).unwrap();
    let job = store.claim_job(&["smtp_send"], at).unwrap().unwrap();
    assert_eq!(job.id, job_id);
    store.reply_delivered(job_id, reply_id, ws, at).unwrap();
}

#[test]
fn the_tick_fires_reminder_alert_breach_and_second_attempt_at_their_minute_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let ws = workspace(&store, Some("backup@acme.test"));
    let id = ingest_one(&mut store, &ws, live("a", Some("within 2 business hours")), z(MON_10));
    let mut log = Vec::new();
    tick_minutes(&mut store, z(MON_10), z("2026-11-23T17:29:00Z"), &mut log);
    assert_eq!(
        log,
        vec![
            (id, FollowUpKind::Reminder, z("2026-11-23T16:30:00Z")),
            (id, FollowUpKind::BackupContact, z("2026-11-23T16:45:00Z")),
            (id, FollowUpKind::Breach, z("2026-11-23T17:00:00Z")),
        ]
    );
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Breached);

    // Replied Monday 12:30 EST; no answer from the visitor: a second attempt
    // two business days later, Wednesday 12:30 EST.
    sent_reply(&mut store, &ws, id, z("2026-11-23T17:30:00Z"));
    log.clear();
    tick_minutes(&mut store, z("2026-11-23T17:30:00Z"), z("2026-11-26T17:30:00Z"), &mut log);
    assert_eq!(log, vec![(id, FollowUpKind::SecondAttempt, z("2026-11-25T17:30:00Z"))]);
    let fired: Vec<_> =
        store.follow_ups(id).unwrap().into_iter().map(|f| (f.kind, f.outcome.unwrap_or_default())).collect();
    assert!(fired.iter().all(|(_, o)| o == "fired"), "{fired:?}");
}

#[test]
fn a_visitor_answer_cancels_the_second_attempt() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, None);
    let id = ingest_one(&mut store, &ws, live("a", Some("within 2 business hours")), z(MON_10));
    sent_reply(&mut store, &ws, id, z("2026-11-23T15:30:00Z"));
    store.set_status(id, Status::AwaitingReply, z("2026-11-24T15:00:00Z")).unwrap();
    let r = store.fire_due(z("2026-11-30T15:00:00Z"), Duration::minutes(10)).unwrap();
    assert!(r.fired.is_empty() && r.caught_up.is_empty(), "{r:?}");
}

#[test]
fn a_week_offline_is_one_late_alert_per_open_handoff_and_one_summary() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = workspace(&store, Some("backup@acme.test"));
    ws.settings.follow_ups.backup_email = true;
    ws.settings.smtp = Some(plain_identity(2525));
    store.update_workspace(&ws).unwrap();
    let ids: Vec<i64> = (0..3)
        .map(|i| ingest_one(&mut store, &ws, live(&format!("k{i}"), Some("within 2 hours")), z(MON_10)))
        .collect();
    store.schedule_callback(ids[0], z("2026-11-24T15:00:00Z"), Some("about the invoice"), z(MON_10)).unwrap();

    let week_later = z(MON_10) + Duration::days(7);
    let r = store.fire_due(week_later, Duration::minutes(10)).unwrap();
    // Still open, unanswered and unclaimed: each handoff's breach fires now,
    // marked late, and its backup contact is emailed (marked late too).
    assert_eq!(r.fired.len(), 3, "one notification per still-open handoff, not three: {:?}", r.fired);
    assert!(r.fired.iter().all(|n| n.kind == FollowUpKind::Breach && n.body.contains("Late: was due")));
    assert_eq!(r.caught_up.len(), 3 * 2 + 1, "reminder and backup alert per handoff, plus the callback");
    assert_eq!(r.queued_jobs.len(), 3, "one late backup email per open handoff");
    let late: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM replies WHERE kind = 'backup_alert' AND subject LIKE '[Late] %'
               AND body_text LIKE 'Late: this alert was due %, sent at % after Handoff Desk started again.%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(late, 3);
    let summary = r.summary.unwrap();
    assert!(summary.contains("3 reminders passed"), "{summary}");
    assert!(summary.contains("1 callback is overdue"), "{summary}");
    for id in &ids {
        assert_eq!(store.promise(*id).unwrap().unwrap().state, PromiseState::Breached);
    }
    let again = store.fire_due(week_later + Duration::minutes(1), Duration::minutes(10)).unwrap();
    assert_eq!((again.fired.len(), again.caught_up.len(), again.summary), (0, 0, None));
}

#[test]
fn a_late_follow_up_of_a_claimed_handoff_is_only_a_summary_line() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = workspace(&store, Some("backup@acme.test"));
    ws.settings.follow_ups.backup_email = true;
    ws.settings.smtp = Some(plain_identity(2525));
    store.update_workspace(&ws).unwrap();
    let id = ingest_one(&mut store, &ws, live("c", Some("within 2 hours")), z(MON_10));
    let sam = handoff::store::Teammate { name: "Sam".into(), email: "sam@acme.test".into() };
    store.claim_handoff(id, &sam, z(MON_10)).unwrap();
    let r = store
        .fire_due_with(
            z(MON_10) + Duration::hours(5),
            Duration::minutes(10),
            handoff::store::FireOptions { woke: true, ..Default::default() },
        )
        .unwrap();
    assert!(r.fired.is_empty() && r.queued_jobs.is_empty(), "{r:?}");
    assert!(r.summary.unwrap().starts_with("While this computer slept: 1 promise broke"));
}

#[test]
fn on_time_backup_alerts_are_emailed_through_the_outbox_once() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = workspace(&store, Some("backup@acme.test"));
    ws.settings.follow_ups.backup_email = true;
    ws.settings.smtp = Some(SmtpIdentity { from_name: Some("Acme".into()), ..plain_identity(2525) });
    store.update_workspace(&ws).unwrap();
    let id = ingest_one(&mut store, &ws, live("a", Some("within 2 hours")), z(MON_10));
    let r = store.fire_due(z("2026-11-23T16:30:00Z"), Duration::minutes(10)).unwrap();
    assert_eq!(r.fired.iter().map(|n| n.kind).collect::<Vec<_>>(), vec![FollowUpKind::Reminder]);
    assert!(r.queued_jobs.is_empty());
    let r = store.fire_due(z("2026-11-23T16:45:00Z"), Duration::minutes(10)).unwrap();
    assert_eq!(r.fired.iter().map(|n| n.kind).collect::<Vec<_>>(), vec![FollowUpKind::BackupContact]);
    assert_eq!(r.queued_jobs.len(), 1);
    let mails = store.replies(id).unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].reply.to, "backup@acme.test");
    assert!(mails[0].reply.body_text.contains("Do you fix tankless heaters?"));
    assert!(store.fire_due(z("2026-11-23T16:46:00Z"), Duration::minutes(10)).unwrap().queued_jobs.is_empty());
}

#[test]
fn two_processes_ticking_one_file_fire_each_follow_up_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let ws = workspace(&store, Some("backup@acme.test"));
    let items: Vec<Parsed> = (0..30).map(|i| live(&format!("k{i}"), Some("within 2 hours"))).collect();
    store.ingest(&ws, items, z(MON_10)).unwrap();
    drop(store);
    let ticker = |path: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut s = Store::open(&path).unwrap();
            let mut fired = Vec::new();
            let mut now = z("2026-11-23T16:00:00Z");
            while now <= z("2026-11-23T17:10:00Z") {
                fired.extend(
                    s.fire_due(now, Duration::minutes(10)).unwrap().fired.into_iter().map(|n| n.follow_up_id),
                );
                now += Duration::minutes(1);
            }
            fired
        })
    };
    let (a, b) = (ticker(path.clone()), ticker(path.clone()));
    let mut all = a.join().unwrap();
    all.extend(b.join().unwrap());
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for id in &all {
        *counts.entry(*id).or_default() += 1;
    }
    assert_eq!(counts.len(), 30 * 3);
    assert!(counts.values().all(|&n| n == 1), "a follow-up fired twice");
}

#[test]
fn the_engine_fires_follow_ups_on_its_clock_and_reports_them_as_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let ws = workspace(&store, None);
    let id = ingest_one(&mut store, &ws, live("a", Some("within 2 business hours")), z(MON_10));
    let clock = ManualClock::new(z(MON_10));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let options = EngineOptions {
            clock: Arc::new(clock.clone()),
            tick_every: std::time::Duration::from_secs(3600),
            ..EngineOptions::default()
        };
        let engine = Engine::start(path.clone(), None, options).unwrap();
        let mut events = engine.subscribe();
        let mut next_notice = async |expect: FollowUpKind| loop {
            let ev = tokio::time::timeout(std::time::Duration::from_secs(20), events.recv())
                .await
                .unwrap()
                .unwrap();
            if let SyncEvent::Notice(n) = ev {
                assert_eq!((n.kind, n.handoff_id), (expect, id));
                return;
            }
        };
        clock.set(z("2026-11-23T16:30:00Z"));
        engine.kick();
        next_notice(FollowUpKind::Reminder).await;
        clock.set(z("2026-11-23T17:00:00Z"));
        engine.kick();
        next_notice(FollowUpKind::Breach).await;
        // Kicked again at the same instant: nothing fires twice.
        engine.kick();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        while let Ok(ev) = events.try_recv() {
            assert!(!matches!(ev, SyncEvent::Notice(_)), "fired twice: {ev:?}");
        }
        engine.stop().await;
    });
    assert_eq!(store.promise(id).unwrap().unwrap().state, PromiseState::Breached);
    let _ = &mut store;
}

#[test]
fn due_lists_promises_across_workspaces_in_due_order_with_countdowns_in_each_zone() {
    use crate::support::{handoff, json_lines, ok};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    ok(handoff(&db).args(["init", "--workspace", "ny", "--tz", "America/New_York"]));
    ok(handoff(&db).args(["workspace", "add", "berlin", "--tz", "Europe/Berlin"]));
    for ws in ["ny", "berlin"] {
        ok(handoff(&db).args(["workspace", "set", ws, "--hours", "mon-sun 00:00-00:00"]));
    }
    let now = Utc::now();
    let event = |id: &str, ws: &str, ago_min: i64, promise: &str| {
        serde_json::json!({
            "id": id, "workspace": ws, "reason": "knowledge_gap",
            "visitor": { "name": format!("Visitor {id}"), "email": format!("{id}@example.org") },
            "escalated_at": (now - Duration::minutes(ago_min)).to_rfc3339(),
            "promise": promise, "question": "Do you deliver on Sundays?",
            "transcript": [{ "from": "visitor", "text": "Do you deliver on Sundays?" }]
        })
        .to_string()
    };
    let lines = [
        event("late", "ny", 180, "We'll reply within 1 hour"),
        event("soon", "berlin", 10, "Wir melden uns innerhalb von 30 Minuten"),
        event("later", "ny", 0, "within 4 hours"),
        event("closed", "ny", 0, "within 2 hours"),
    ];
    let file = dir.path().join("h.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    ok(handoff(&db).args(["import", "-w", "ny"]).arg(&file));
    let ids: HashMap<String, i64> = json_lines(&ok(handoff(&db).args(["list", "--json"])))
        .iter()
        .map(|h| {
            (
                h["visitor"]["email"].as_str().unwrap().split('@').next().unwrap().to_string(),
                h["id"].as_i64().unwrap(),
            )
        })
        .collect();
    ok(handoff(&db).args(["resolve", &ids["closed"].to_string(), "--why", "not_a_lead"]));

    let out = ok(handoff(&db).arg("due"));
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3, "{out}");
    let expect = [("late", "overdue 2h", "EST"), ("soon", "in ", "CET"), ("later", "in 3h", "EST")];
    for (row, (name, countdown, zone)) in rows.iter().zip(expect) {
        assert!(row.contains(&format!("#{}", ids[name])), "{name} out of order:\n{out}");
        assert!(row.starts_with(countdown) || (name == "later" && row.starts_with("in 4h")), "{name}: {row}");
        assert!(row.contains(zone), "{name} not in its zone: {row}");
    }
    let json = json_lines(&ok(handoff(&db).args(["due", "--json"])));
    let dues: Vec<&str> = json.iter().map(|j| j["due_at"].as_str().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    assert_eq!(json[1]["time_zone"], "Europe/Berlin");
    let only_berlin = ok(handoff(&db).args(["due", "-w", "berlin"]));
    assert_eq!(only_berlin.lines().count(), 1, "{only_berlin}");
}
