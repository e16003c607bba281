//! Import throughput and search latency, printed as figures.
//!
//! `cargo bench --bench ingest_search` (or `scripts/bench`): imports 50,000
//! generated notification emails (parse + store + index, one thread), grows
//! the database to 200,000 handoffs, then times searches for rare,
//! mid-frequency and very common terms (picked by their real document
//! frequency) and the inbox's first page. `--quick` runs small sizes as a
//! smoke test.

use chrono::Utc;
use handoff::ingest::{Parsed, email, reason};
use handoff::store::{ListFilter, NewWorkspace, SearchOrder};
use handoff::{SourceKind, Store};
use std::time::{Duration, Instant};

struct Sizes {
    import: usize,
    corpus: usize,
    runs: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = if quick {
        Sizes { import: 2_000, corpus: 6_000, runs: 10 }
    } else {
        Sizes { import: 50_000, corpus: 200_000, runs: 60 }
    };
    println!("Handoff Desk benchmark{}", if quick { " (--quick smoke run: small sizes)" } else { "" });
    println!("machine: {}", machine());
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path().join("bench.db"))?;
    let ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "America/New_York"))?;
    let now = Utc::now();

    // --- Import: parse + store + index, one thread, from generated emails held in memory.
    let emails: Vec<Vec<u8>> = handoff::demo::notification_emails(sizes.import, 1, now).collect();
    let bytes: usize = emails.iter().map(Vec::len).sum();
    let mut parse_time = Duration::ZERO;
    let start = Instant::now();
    for chunk in emails.chunks(1000) {
        let t = Instant::now();
        let items: Vec<Parsed> = chunk
            .iter()
            .map(|e| {
                let mut h = email::parse_email(e, SourceKind::Import);
                reason::finish(&mut h);
                Parsed::Handoff(Box::new(h))
            })
            .collect();
        parse_time += t.elapsed();
        store.ingest(&ws, items, now)?;
    }
    let total = start.elapsed();
    let rate = sizes.import as f64 / total.as_secs_f64();
    println!(
        "import: {} emails ({:.1} MB) in {:.2} s = {:.0} handoffs/s (parse {:.0}/s, store+index {:.0}/s)  target >= 5000/s: {}",
        sizes.import,
        bytes as f64 / 1e6,
        total.as_secs_f64(),
        rate,
        sizes.import as f64 / parse_time.as_secs_f64(),
        sizes.import as f64 / (total - parse_time).as_secs_f64(),
        verdict(rate >= 5000.0)
    );
    drop(emails);

    // --- Grow to the search corpus size (not timed as import).
    let mut have = sizes.import;
    let mut seed = 2;
    while have < sizes.corpus {
        let n = (sizes.corpus - have).min(10_000);
        let items: Vec<Parsed> = handoff::demo::notification_emails(n, seed, now)
            .map(|e| {
                let mut h = email::parse_email(&e, SourceKind::Import);
                reason::finish(&mut h);
                Parsed::Handoff(Box::new(h))
            })
            .collect();
        have += store.ingest(&ws, items, now)?.inserted.len();
        seed += 1;
    }
    let n = store.count(None)?;
    println!("search corpus: {n} handoffs");

    // --- Search: terms by real document frequency.
    store.conn().execute_batch("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, handoff_fts, row);")?;
    let pick = |lo: f64, hi: f64| -> rusqlite::Result<Vec<(String, i64)>> {
        let mut stmt = store.conn().prepare(
            "SELECT term, doc FROM temp.vocab WHERE doc >= ?1 AND doc <= ?2 AND length(term) > 3
             AND term GLOB '[a-z]*' ORDER BY doc DESC, term LIMIT 4",
        )?;
        let rows = stmt.query_map([(lo * n as f64) as i64, (hi * n as f64).max(1.0) as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect()
    };
    let classes = [
        ("rare (<0.05% of handoffs)", pick(0.0, 0.0005)?),
        ("mid (1-10%)", pick(0.01, 0.10)?),
        ("very common (>50%)", pick(0.5, 1.0)?),
    ];
    let mut worst_p95: f64 = 0.0;
    for (class, terms) in &classes {
        for (term, df) in terms {
            for order in [SearchOrder::Relevance, SearchOrder::Recent] {
                let (p50, p95) = time(sizes.runs, || {
                    store.search(term, None, order, 50).map(|r| r.hits.len()).unwrap_or(0);
                });
                worst_p95 = worst_p95.max(p95);
                println!(
                    "search {class:<26} {term:<14} in {df:>7} handoffs, {:<9} p50 {p50:6.2} ms  p95 {p95:6.2} ms",
                    format!("{order:?}")
                );
            }
        }
    }
    let (p50, p95) = time(sizes.runs, || {
        store.search("refund policy", None, SearchOrder::Relevance, 50).map(|r| r.hits.len()).unwrap_or(0);
    });
    worst_p95 = worst_p95.max(p95);
    println!(
        "search two words \"refund policy\"                                 p50 {p50:6.2} ms  p95 {p95:6.2} ms"
    );
    let (p50, p95) = time(sizes.runs, || {
        store.list(&ListFilter { limit: 50, ..Default::default() }).map(|r| r.len()).unwrap_or(0);
    });
    println!(
        "inbox first page (50 rows, all workspaces)                         p50 {p50:6.2} ms  p95 {p95:6.2} ms"
    );
    let (p50_f, p95_f) = time(sizes.runs, || {
        let f = ListFilter {
            workspace_id: Some(ws.id),
            reasons: vec![handoff::Reason::PolicyTopic],
            limit: 50,
            ..Default::default()
        };
        store.list(&f).map(|r| r.len()).unwrap_or(0);
    });
    println!(
        "inbox first page, filtered by workspace + reason                   p50 {p50_f:6.2} ms  p95 {p95_f:6.2} ms"
    );
    println!("search p95 worst case {worst_p95:.2} ms  target <= 25 ms: {}", verdict(worst_p95 <= 25.0));
    Ok(())
}

/// p50 and p95 in milliseconds over `runs` runs after one warm-up.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{cpu}, {cores} cores available (the import runs on one)")
}
