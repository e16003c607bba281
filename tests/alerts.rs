//! Slack and Teams alerts through the outbox, against the stand-ins that check
//! every request against the services' documented rules: hostile visitor text
//! arrives inert and within limits; 429 storms and 5xx are waited out with
//! every alert arriving once; an alert whose handoff was answered meanwhile is
//! never sent; kill -9 before, during and after a post never doubles or loses one.

use crate::support::alerts::Standin;
use crate::support::keychain::Keychain;
use crate::support::{handoff, ok};
use chrono::{DateTime, Duration, Utc};
use handoff::Store;
use handoff::alerts::worker::{AlertOptions, CRASH_AFTER_POST_ENV, CRASH_BEFORE_POST_ENV, run_due};
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::{JobState, NewWorkspace};
use serde_json::{Value, json};
use std::io::Write;
use std::process::Stdio;

fn quick() -> AlertOptions {
    AlertOptions {
        timeout: std::time::Duration::from_secs(10),
        min_gap: std::time::Duration::from_millis(20),
        backoff: handoff::reply::worker::Backoff {
            min: std::time::Duration::from_millis(100),
            max: std::time::Duration::from_millis(400),
        },
        default_retry_after: std::time::Duration::from_secs(1),
    }
}

fn workspace(store: &Store, channels: &[AlertChannel]) -> Workspace {
    let w = NewWorkspace::new("acme", "Acme & Sons", "Europe/Berlin");
    let mut ws = store.create_workspace(&w).unwrap();
    for c in channels {
        let route = Some(AlertRoute::default());
        match c {
            AlertChannel::Slack => ws.settings.alerts.slack = route,
            AlertChannel::Teams => ws.settings.alerts.teams = route,
        }
    }
    ws.settings.alerts.since = Some(Utc::now() - Duration::days(1));
    store.update_workspace(&ws).unwrap();
    store.workspace("acme").unwrap().unwrap()
}

fn handoff_item(key: &str, name: &str, question: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::HumanRequest;
    h.visitor.name = Some(name.into());
    h.visitor.email = Some("dana@example.com".into());
    h.page.url = Some("https://acme.test/pricing?a=1&b=<2>".into());
    h.question = Some(question.into());
    h.promise = Some("We'll email you within 4 hours".into());
    Parsed::Handoff(Box::new(h))
}

fn add(store: &mut Store, ws: &Workspace, key: &str) -> i64 {
    store.ingest(ws, vec![handoff_item(key, "Dana Reyes", "Do you refund?")], Utc::now()).unwrap().inserted[0]
}

fn hooks(s: &Standin) -> impl Fn(&Workspace, AlertChannel) -> Result<String, String> + '_ {
    move |_, c| {
        Ok(match c {
            AlertChannel::Slack => s.slack_url(),
            AlertChannel::Teams => s.teams_url(),
        })
    }
}

fn arrived_for(s: &Standin, service: &str, id: i64) -> usize {
    let needle = format!("Handoff #{id} in ");
    s.arrived(service).iter().filter(|m| m["body"].to_string().contains(&needle)).count()
}

fn texts(v: &Value, key: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some(key)
                && let Some(t) = m.get("text").and_then(Value::as_str)
            {
                out.push(t.to_string());
            }
            m.values().for_each(|x| texts(x, key, out));
        }
        Value::Array(a) => a.iter().for_each(|x| texts(x, key, out)),
        _ => {}
    }
}

#[test]
fn hostile_visitor_text_arrives_inert_and_within_each_services_limits() {
    let s = Standin::start();
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, &[AlertChannel::Slack, AlertChannel::Teams]);
    let question =
        format!("<!channel> <@U024BE7LH> *urgent* [click](http://evil.test) & {}", "é".repeat(5000));
    let id = store
        .ingest(&ws, vec![handoff_item("x", "<!here> Dana & <b>Co</b>", &question)], Utc::now())
        .unwrap()
        .inserted[0];
    let queued = store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap();
    assert_eq!(queued.len(), 2, "one per service");
    assert!(
        store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap().is_empty(),
        "queued once"
    );
    let url = hooks(&s);
    let reports = run_due(&mut store, &url, &Utc::now, quick()).unwrap();
    assert!(reports.iter().all(|r| r.state == "done"), "{reports:?}");
    assert_eq!(reports.len(), 2);
    s.assert_clean();
    assert_eq!((arrived_for(&s, "slack", id), arrived_for(&s, "teams", id)), (1, 1));

    let slack = &s.arrived("slack")[0]["body"];
    let all = slack.to_string();
    assert!(all.contains("&lt;!channel&gt;") && all.contains("&lt;!here&gt; Dana &amp;"), "{all}");
    assert!(!all.contains("<!channel>") && !all.contains("<@U024BE7LH>"));
    assert!(all.contains("…"), "the long question was cut to fit 3,000 characters");

    let card = &s.arrived("teams")[0]["body"];
    let mut blocks = Vec::new();
    texts(card, "TextBlock", &mut blocks);
    assert!(
        blocks.iter().all(|t| !t.contains("Dana") && !t.contains("urgent")),
        "visitor text only in TextRuns: {blocks:?}"
    );
    let mut runs = Vec::new();
    texts(card, "TextRun", &mut runs);
    assert!(
        runs.iter().any(|t| t.contains("[click](http://evil.test)")),
        "kept as written, never read as Markdown"
    );
}

#[test]
fn an_alert_carries_the_briefing_a_hot_frustrated_returning_visitor_is_marked() {
    let s = Standin::start();
    let mut store = Store::open_in_memory().unwrap();
    let ws = workspace(&store, &[AlertChannel::Slack, AlertChannel::Teams]);
    let earlier = Utc::now() - Duration::days(3);
    store.ingest(&ws, vec![handoff_item("first", "Dana Reyes", "Do you fix boilers?")], earlier).unwrap();
    let Parsed::Handoff(mut h) = handoff_item("second", "Dana Reyes", "How much does a boiler service cost?")
    else {
        unreachable!()
    };
    h.reason = Reason::Frustration;
    let id = store.ingest(&ws, vec![Parsed::Handoff(h)], Utc::now()).unwrap().inserted[0];
    store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap();
    let reports = run_due(&mut store, &hooks(&s), &Utc::now, quick()).unwrap();
    assert!(reports.iter().all(|r| r.state == "done"), "{reports:?}");
    s.assert_clean();

    let slack =
        s.arrived("slack").into_iter().find(|m| m["body"].to_string().contains(&format!("#{id} "))).unwrap();
    let mut sections = Vec::new();
    texts(&slack["body"], "mrkdwn", &mut sections);
    let briefing = sections.iter().find(|t| t.starts_with("*Briefing:*")).expect("a briefing section");
    assert!(briefing.contains("How much does a boiler service cost?"), "{briefing}");
    assert!(!sections.iter().any(|t| t.starts_with("*They asked:*")), "the question is not said twice");
    let marks = sections.iter().find(|t| t.contains("Hot lead")).expect("a marks line");
    assert!(marks.contains("price") && marks.contains("Tone: frustrated"), "{marks}");
    assert!(marks.contains("Returning visitor: 1 earlier handoff"), "{marks}");

    let card =
        s.arrived("teams").into_iter().find(|m| m["body"].to_string().contains(&format!("#{id} "))).unwrap();
    let mut runs = Vec::new();
    texts(&card["body"], "TextRun", &mut runs);
    assert!(runs.iter().any(|t| t.contains("How much does a boiler service cost?")), "{runs:?}");
    let facts = card["body"].to_string();
    for (title, value) in [
        ("Hot lead", "asked about price"),
        ("Tone", "frustrated"),
        ("Returning visitor", "1 earlier handoff"),
    ] {
        assert!(facts.contains(&json!({ "title": title, "value": value }).to_string()), "{title}: {facts}");
    }
}

#[test]
fn a_429_storm_and_server_errors_are_waited_out_and_each_alert_arrives_once() {
    let s = Standin::start();
    s.faults(json!([
        { "service": "slack", "status": 429, "retry_after": 1, "times": 3 },
        { "service": "teams", "status": 429, "retry_after": 1, "times": 2 },
        { "service": "teams", "status": 503, "times": 2 }
    ]));
    let mut store = Store::open(tempfile::tempdir().unwrap().keep().join("h.db")).unwrap();
    let ws = workspace(&store, &[AlertChannel::Slack, AlertChannel::Teams]);
    let ids: Vec<i64> = (0..5).map(|i| add(&mut store, &ws, &format!("k{i}"))).collect();
    store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap();
    let url = hooks(&s);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        run_due(&mut store, &url, &Utc::now, quick()).unwrap();
        let left = store.jobs(&[JobState::Pending, JobState::Sending]).unwrap();
        if left.is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < until, "alerts still waiting: {left:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    s.assert_clean();
    for id in ids {
        assert_eq!((arrived_for(&s, "slack", id), arrived_for(&s, "teams", id)), (1, 1), "handoff #{id}");
    }
    let refused = s.state()["requests"].as_array().unwrap().len() - 10;
    assert_eq!(refused, 3 + 2 + 2, "every 429 and 503 was answered and retried");
}

#[test]
fn an_alert_for_a_handoff_answered_meanwhile_is_never_sent() {
    let s = Standin::start();
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = workspace(&store, &[AlertChannel::Slack]);
    ws.default_promise = Some("within 2 hours".into());
    store.update_workspace(&ws).unwrap();
    let answered = add(&mut store, &ws, "a");
    let open = add(&mut store, &ws, "b");
    store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap();
    // Both promises come due; the reminders and breaches queue alerts.
    let later = Utc::now() + Duration::days(3);
    let fired = store.fire_due(later, Duration::days(30)).unwrap();
    assert!(!fired.queued_jobs.is_empty());
    // The owner answers one before the outbox runs (offline, say).
    store.mark_contacted(answered, "phone", later).unwrap();
    let url = hooks(&s);
    let at = move || later;
    run_due(&mut store, &url, &at, quick()).unwrap();
    s.assert_clean();
    assert_eq!(arrived_for(&s, "slack", answered), 0, "nothing about the answered handoff");
    assert!(
        arrived_for(&s, "slack", open) >= 2,
        "the open one's new-handoff and promise alerts: {:?} {}",
        store.jobs(&[]).unwrap(),
        s.state()
    );
    let cancelled = store.jobs(&[JobState::Cancelled]).unwrap();
    assert!(!cancelled.is_empty() && cancelled.iter().all(|j| j.handoff_id == Some(answered)));
    assert!(cancelled[0].last_error.as_deref().unwrap().contains("dropped"));
}

fn set_slack(db: &std::path::Path, kc: &Keychain, url: &str) {
    let mut child = kc
        .apply(&mut handoff(db))
        .args(["alerts", "set", "slack", "-w", "acme", "--url-stdin", "--events", "new"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{url}").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

fn states(db: &std::path::Path) -> Vec<(i64, String)> {
    let store = Store::open(db).unwrap();
    let mut v: Vec<(i64, String)> = store
        .jobs(&[])
        .unwrap()
        .into_iter()
        .map(|j| (j.handoff_id.unwrap(), j.state.as_str().into()))
        .collect();
    v.sort();
    v
}

#[test]
fn kill_9_before_during_and_after_a_post_never_doubles_or_silently_loses_an_alert() {
    let s = Standin::start();
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    {
        let store = Store::open(&db).unwrap();
        store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    }
    set_slack(&db, &kc, &s.slack_url());
    let out = ok(kc.apply(&mut handoff(&db)).args(["alerts", "show"]));
    assert!(out.contains("slack: new_handoff"), "{out}");
    let mut store = Store::open(&db).unwrap();
    let mut ws = store.workspace("acme").unwrap().unwrap();
    ws.settings.alerts.since = Some(Utc::now() - Duration::days(1));
    store.update_workspace(&ws).unwrap();
    let ids: Vec<i64> = (0..4).map(|i| add(&mut store, &ws, &format!("k{i}"))).collect();
    store.queue_new_handoff_alerts(EngineRole::Laptop, Utc::now()).unwrap();
    let run = |env: Option<&str>| {
        let mut c = handoff(&db);
        kc.apply(&mut c).args(["outbox", "run"]).env("HANDOFF_ALERT_GAP_MS", "10");
        if let Some(e) = env {
            c.env(e, "1");
        }
        c.output().unwrap()
    };
    // Killed after the claim, before the request: nothing left the machine.
    assert!(!run(Some(CRASH_BEFORE_POST_ENV)).status.success());
    assert_eq!(s.arrived("slack").len(), 0);
    // Killed after Slack took it, before that was recorded: it arrived once.
    assert!(!run(Some(CRASH_AFTER_POST_ENV)).status.success());
    assert_eq!(s.arrived("slack").len(), 1, "the interrupted-before-posting job was sent on the next run");
    // Killed with kill -9 while the request hangs at Slack (already delivered).
    s.faults(json!([{ "service": "slack", "hang": 30, "times": 1 }]));
    let mut child =
        kc.apply(&mut handoff(&db)).args(["outbox", "run"]).stdout(Stdio::null()).spawn().unwrap();
    s.wait_for(20, "the hung post to arrive", |st| st["slack"].as_array().unwrap().len() == 2);
    child.kill().unwrap();
    child.wait().unwrap();
    // The rest go out; the two interrupted after posting are never re-posted.
    assert!(run(None).status.success());
    s.assert_clean();
    for id in &ids {
        assert_eq!(arrived_for(&s, "slack", *id), 1, "handoff #{id}: {:?}", states(&db));
    }
    let st = states(&db);
    assert_eq!(st.iter().filter(|(_, s)| s == "unsure").count(), 2, "{st:?}");
    assert_eq!(st.iter().filter(|(_, s)| s == "done").count(), 2, "{st:?}");
    let unsure = store.jobs(&[JobState::Unsure]).unwrap();
    assert!(unsure[0].last_error.as_deref().unwrap().contains("Look in the Slack channel"));
    let _: DateTime<Utc> = Utc::now();
}
