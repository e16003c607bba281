//! Pushing leads to HubSpot: 1,000 handoffs through the real outbox worker to
//! the HubSpot stand-in (tests/support/hubspot_standin.py, which validates
//! every request against HubSpot's OpenAPI specs and enforces the ten-second
//! rolling window like a portal), printed against HubSpot's documented limit.
//!
//! Two runs:
//! - batched (the default: ≤ 100 contacts per upsert, ≤ 100 notes per create)
//!   at the real Free/Starter window, 100 requests per 10 s;
//! - one handoff per batch against a limit this loopback stand-in can outrun
//!   (20 requests per 1 s, the app told the same), so the pacing itself is
//!   what is measured: requests/s against the ceiling, the busiest window,
//!   and the 429s it caused (should be none).
//!
//! `--quick` runs small sizes (scripts/test's smoke run).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::Utc;
use handoff::Store;
use handoff::hubspot::worker::{self, PushOptions};
use handoff::ingest::{Parsed, webhook};
use handoff::model::{HubspotSettings, SourceKind};
use handoff::store::NewWorkspace;
use std::time::{Duration, Instant};
use support::hubspot::{HubSpot, TOKEN};
use support::mail::handoff_webhook;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (batched, single) = if quick { (200, 40) } else { (1_000, 300) };
    println!("HubSpot push benchmark ({}), {} cores", if quick { "quick" } else { "full" }, cores());
    run("batched, real window", batched, 100, 100, Duration::from_secs(10));
    run("one per batch, binding limit", single, 1, 20, Duration::from_secs(1));
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn run(label: &str, n: usize, batch: usize, limit: u32, window: Duration) {
    let hs = HubSpot::start();
    hs.window(limit, window.as_millis() as u64);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("bench.db")).unwrap();
    let mut ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "Europe/Berlin")).unwrap();
    ws.settings.hubspot = Some(HubspotSettings {
        base_url: hs.url(),
        auto_push: true,
        lead_status: false,
        rate_per_10s: limit,
    });
    store.update_workspace(&ws).unwrap();
    let now = Utc::now();
    store.hubspot_connected(ws.id, false, now - chrono::Duration::minutes(1)).unwrap();
    let items: Vec<Parsed> = (0..n)
        .flat_map(|i| webhook::parse_webhook(&handoff_webhook("bench", i), SourceKind::Import))
        .collect();
    store.ingest(&ws, items, now).unwrap();

    let opts = PushOptions { batch, window, ..PushOptions::default() };
    let token = |_: &handoff::Workspace| Ok(TOKEN.to_string());
    let start = Instant::now();
    let mut pushed = 0;
    while pushed < n {
        let reports = worker::run_due(&mut store, &token, &Utc::now, opts).unwrap();
        pushed += reports.iter().filter(|r| r.state == "done").count();
        if reports.is_empty() {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(start.elapsed() < Duration::from_secs(900), "pushes stalled at {pushed}/{n}");
    }
    let took = start.elapsed().as_secs_f64();
    let s = hs.state();
    let requests = s["requests"].as_array().unwrap();
    let too_many = requests.iter().filter(|r| r["status"] == 429).count();
    let contacts = s["contacts"].as_object().unwrap().len();
    let notes = s["notes"].as_object().unwrap().len();
    assert_eq!((contacts, notes), (n, n), "one contact and one note per handoff");
    assert_eq!(s["violations"], serde_json::json!([]), "requests that break HubSpot's spec");
    let ceiling = f64::from(limit) / window.as_secs_f64();
    let rate = requests.len() as f64 / took;
    let times: Vec<f64> = requests.iter().map(|r| r["t"].as_f64().unwrap()).collect();
    let busiest = times
        .iter()
        .map(|t0| times.iter().filter(|t| **t >= *t0 && **t < t0 + window.as_secs_f64()).count())
        .max()
        .unwrap_or(0);
    println!("  {label}: {n} handoffs in {took:.1} s = {:.0} handoffs/s", n as f64 / took);
    // A run shorter than a few windows is judged by its busiest window alone.
    let share = if took > 3.0 * window.as_secs_f64() {
        format!(
            "{rate:.1} req/s against a ceiling of {ceiling:.0} req/s: {:.0} % of it; ",
            100.0 * rate / ceiling
        )
    } else {
        String::new()
    };
    println!(
        "    {} requests; {share}busiest {} s window {busiest} of the {limit} allowed; {too_many} answered 429",
        requests.len(),
        window.as_secs_f64(),
    );
}
