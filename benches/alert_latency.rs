//! Due time to alert: how long after a promise's due time its Slack alert
//! arrives at the stand-in (tests/support/alerts_standin.py), with the real
//! `handoff watch` running (the engine the desktop app runs), and after the
//! computer "wakes" (the process stopped with SIGSTOP across the due times,
//! then continued): the late alerts, counted from SIGCONT.
//!
//! Breaches are spaced two seconds apart while running, so what is measured is
//! the timer and the outbox, not Slack's one-post-a-second pacing (which the
//! outbox keeps: four late alerts after a wake are spread over ~4 s by it).
//! Targets (issue 20): p95 ≤ 5 s running, ≤ 5 s after wake.
//!
//! `--quick` runs small sizes (scripts/test's smoke run).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::alerts::Standin;
use support::keychain::Keychain;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (running, asleep) = if quick { (4, 2) } else { (30, 4) };
    println!(
        "Alert latency benchmark ({}), {} cores",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let s = Standin::start();
    let kc = Keychain::start();
    let ran = run(&s, &kc, running, false);
    report("app running: due → alert at the stand-in", &ran);
    let s2 = Standin::start();
    let woke = run(&s2, &kc, asleep, true);
    report("after wake: SIGCONT → late alert at the stand-in", &woke);
}

fn report(label: &str, delays: &[f64]) {
    let mut d = delays.to_vec();
    d.sort_by(f64::total_cmp);
    let q = |p: f64| d[((d.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "  {label}: n={}, p50 {:.2} s, p95 {:.2} s, max {:.2} s",
        d.len(),
        q(0.5),
        q(0.95),
        d.last().copied().unwrap_or_default()
    );
}

fn item(i: usize) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, format!("b{i}").into_bytes());
    h.source_key = format!("b{i}");
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::HumanRequest;
    h.visitor.name = Some(format!("Visitor {i}"));
    h.question = Some("Can someone call me back?".into());
    h.promise = Some("within 2 hours".into());
    Parsed::Handoff(Box::new(h))
}

fn watch(db: &Path, kc: &Keychain) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handoff"));
    // A stop of a few seconds counts as sleep here (a minute by default).
    c.arg("--db").arg(db).arg("watch").env_remove("HANDOFF_DB").env("HANDOFF_WAKE_GAP_MS", "3000");
    c.stdout(Stdio::null()).stderr(Stdio::null());
    kc.apply(&mut c);
    c.spawn().unwrap()
}

fn run(s: &Standin, kc: &Keychain, n: usize, sleep: bool) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let ids = {
        let mut store = Store::open(&db).unwrap();
        let mut ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "UTC")).unwrap();
        ws.settings.follow_ups.backup_email = false;
        store.update_workspace(&ws).unwrap();
        store.ingest(&ws, (0..n).map(item).collect(), Utc::now()).unwrap().inserted
    };
    let mut set = Command::new(env!("CARGO_BIN_EXE_handoff"));
    set.arg("--db").arg(&db).args([
        "alerts",
        "set",
        "slack",
        "-w",
        "bench",
        "--url-stdin",
        "--events",
        "breach",
    ]);
    let mut set = kc.apply(&mut set).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    writeln!(set.stdin.take().unwrap(), "{}", s.slack_url()).unwrap();
    assert!(set.wait().unwrap().success());
    // Due times from now (the watch starting meanwhile): every two seconds
    // while running; all within the stop when asleep.
    let now = Utc::now();
    let mut due: HashMap<i64, DateTime<Utc>> = HashMap::new();
    {
        let store = Store::open(&db).unwrap();
        for (k, id) in ids.iter().enumerate() {
            let at = if sleep {
                now + chrono::Duration::milliseconds(5000 + 300 * k as i64)
            } else {
                now + chrono::Duration::seconds(6 + 2 * k as i64)
            };
            due.insert(*id, at);
            store
                .conn()
                .execute("UPDATE promises SET due_at = ?2 WHERE handoff_id = ?1", (id, at.timestamp_millis()))
                .unwrap();
            store
                .conn()
                .execute(
                    "UPDATE follow_ups SET due_at = ?2 WHERE handoff_id = ?1 AND kind IN ('backup_contact', 'reminder')",
                    (id, (at - chrono::Duration::milliseconds(1)).timestamp_millis()),
                )
                .unwrap();
            store
                .conn()
                .execute(
                    "UPDATE follow_ups SET due_at = ?2 WHERE handoff_id = ?1 AND kind = 'breach'",
                    (id, at.timestamp_millis()),
                )
                .unwrap();
        }
    }
    let mut child = watch(&db, kc);
    std::thread::sleep(Duration::from_secs(3)); // started, first tick done
    let mut resumed: Option<DateTime<Utc>> = None;
    if sleep {
        let pid = child.id().to_string();
        Command::new("kill").args(["-STOP", &pid]).status().unwrap();
        // Past every due time and past the wake gap.
        std::thread::sleep(Duration::from_millis(2000 + 300 * n as u64 + 4000));
        resumed = Some(Utc::now());
        Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60 + 3 * n as u64);
    let delays = loop {
        let got = s.arrived("slack");
        if got.len() >= n {
            break got
                .iter()
                .filter_map(|m| {
                    let text = m["body"].to_string();
                    let id = ids.iter().find(|id| text.contains(&format!("Handoff #{id} in")))?;
                    let at = m["at"].as_f64()?;
                    let from = resumed.unwrap_or(due[id]);
                    Some(at - from.timestamp_millis() as f64 / 1000.0)
                })
                .collect::<Vec<f64>>();
        }
        assert!(Instant::now() < deadline, "only {} of {n} alerts arrived", got.len());
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    s.assert_clean();
    delays
}
