//! Import throughput and search latency, printed as figures.
//!
//! `cargo bench --bench ingest_search` (or `scripts/bench`): imports 50,000
//! generated notification emails (parse + store + index, one thread, 500 per
//! transaction as `handoff import` does), grows the database to 200,000
//! handoffs, then times searches for rare, mid-frequency and very common
//! terms (picked by their real document frequency) and the inbox's first
//! page. `--quick` runs small sizes as a smoke test.
//!
//! Shared virtual machines pause their guests now and then (seen here: pauses
//! of 0.1 to 0.8 s, several a second at worst, counted as the process's own
//! CPU time, so no clock inside the guest can tell them from work). A stall
//! meter (a thread that sleeps 1 ms at a time and notes every late wake-up
//! beyond 5 ms) runs alongside, on the same core (`scripts/bench` pins the process to one). Figures are given two ways: over the whole
//! run as the wall clock saw it, and over the import batches and search runs
//! that no stall touched (stalled search runs are retaken). Targets are
//! judged on the second; both are printed, with the stall time.

use chrono::Utc;
use handoff::ingest::{Parsed, email, reason};
use handoff::store::{ListFilter, NewWorkspace, SearchOrder};
use handoff::{SourceKind, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Sizes {
    import: usize,
    corpus: usize,
    runs: usize,
}

/// Import batch size: as `handoff import`.
const BATCH: usize = 500;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = if quick {
        Sizes { import: 2_000, corpus: 6_000, runs: 30 }
    } else {
        Sizes { import: 50_000, corpus: 200_000, runs: 100 }
    };
    println!("Handoff Desk benchmark{}", if quick { " (--quick smoke run: small sizes)" } else { "" });
    println!("machine: {}", machine());
    match std::fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).map(|c| c.trim().to_string())
    }) {
        Some(cpus) if !cpus.contains([',', '-']) => println!("pinned to core {cpus}, with the stall meter"),
        _ => println!("not pinned to one core (run scripts/bench): the stall meter may miss stalls"),
    }
    let stalls = Stalls::start();
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path().join("bench.db"))?;
    let ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "America/New_York"))?;
    let now = Utc::now();

    // --- Import: parse + store + index, one thread, from generated emails held in memory.
    let emails: Vec<Vec<u8>> = handoff::demo::notification_emails(sizes.import, 1, now).collect();
    let bytes: usize = emails.iter().map(Vec::len).sum();
    let (mut parse_time, mut clean_time, mut clean_n) = (Duration::ZERO, Duration::ZERO, 0);
    let mut batches = Vec::new();
    let stalled_before = stalls.total();
    let start = Instant::now();
    for chunk in emails.chunks(BATCH) {
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
        let took = t.elapsed();
        if !stalls.overlaps(t, Instant::now()) {
            clean_time += took;
            clean_n += chunk.len();
            batches.push(chunk.len() as f64 / took.as_secs_f64());
        }
    }
    let total = start.elapsed();
    let stalled = stalls.total() - stalled_before;
    println!(
        "import: {} emails ({:.1} MB) in {:.2} s wall = {:.0} handoffs/s (parse {:.0}/s, store+index {:.0}/s); host stalls took {:.2} s of it",
        sizes.import,
        bytes as f64 / 1e6,
        total.as_secs_f64(),
        sizes.import as f64 / total.as_secs_f64(),
        sizes.import as f64 / parse_time.as_secs_f64(),
        sizes.import as f64 / (total - parse_time).as_secs_f64(),
        stalled.as_secs_f64(),
    );
    batches.sort_by(f64::total_cmp);
    let clean_rate = clean_n as f64 / clean_time.as_secs_f64();
    match (batches.first(), batches.get(batches.len() / 2)) {
        (Some(slowest), Some(median)) => println!(
            "import, {} of {} batches of {BATCH} untouched by stalls: {clean_rate:.0} handoffs/s (batch median {median:.0}/s, slowest {slowest:.0}/s)  target >= 5000/s: {}",
            batches.len(),
            sizes.import.div_ceil(BATCH),
            verdict(clean_rate >= 5000.0)
        ),
        _ => println!("import: every batch was touched by a host stall; no clean figure this run"),
    }
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
    let mut worst = Timing::default();
    for (class, terms) in &classes {
        for (term, df) in terms {
            for order in [SearchOrder::Relevance, SearchOrder::Recent] {
                let t = time(&stalls, sizes.runs, || {
                    store.search(term, None, order, 50).map(|r| r.hits.len()).unwrap_or(0);
                });
                println!(
                    "search {class:<26} {term:<14} in {df:>7} handoffs, {:<9} {t}",
                    format!("{order:?}")
                );
                worst = worst.worst(t);
            }
        }
    }
    let t = time(&stalls, sizes.runs, || {
        store.search("refund policy", None, SearchOrder::Relevance, 50).map(|r| r.hits.len()).unwrap_or(0);
    });
    println!("search two words \"refund policy\"{:51}{t}", "");
    worst = worst.worst(t);
    let t = time(&stalls, sizes.runs, || {
        store.list(&ListFilter { limit: 50, ..Default::default() }).map(|r| r.len()).unwrap_or(0);
    });
    println!("inbox first page (50 rows, all workspaces){:41}{t}", "");
    let t = time(&stalls, sizes.runs, || {
        let f = ListFilter {
            workspace_id: Some(ws.id),
            reasons: vec![handoff::Reason::PolicyTopic],
            limit: 50,
            ..Default::default()
        };
        store.list(&f).map(|r| r.len()).unwrap_or(0);
    });
    println!("inbox first page, filtered by workspace + reason{:35}{t}", "");
    println!(
        "search p95 worst case {:.2} ms over runs untouched by stalls ({:.2} ms counting them)  target <= 25 ms: {}",
        worst.p95,
        worst.p95_all,
        verdict(worst.p95 <= 25.0)
    );
    println!("host stalls during the whole bench: {:.2} s", stalls.total().as_secs_f64());
    Ok(())
}

/// Latency of one query: over runs untouched by stalls, and over every run.
#[derive(Clone, Copy, Default)]
struct Timing {
    p50: f64,
    p95: f64,
    p95_all: f64,
    retaken: usize,
}

impl Timing {
    fn worst(self, other: Timing) -> Timing {
        Timing { p95: self.p95.max(other.p95), p95_all: self.p95_all.max(other.p95_all), ..self }
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:6.2} ms  p95 {:6.2} ms", self.p50, self.p95)?;
        if self.retaken > 0 {
            write!(
                f,
                "  ({} runs retaken after stalls; p95 with them {:.2} ms)",
                self.retaken, self.p95_all
            )?;
        }
        Ok(())
    }
}

/// `runs` timed runs after one warm-up; a run a stall touched is retaken (at most `runs` times).
fn time(stalls: &Stalls, runs: usize, mut f: impl FnMut()) -> Timing {
    f();
    let (mut clean, mut all) = (Vec::new(), Vec::new());
    while clean.len() < runs && all.len() < 2 * runs {
        let t = Instant::now();
        f();
        let end = Instant::now();
        let ms = (end - t).as_secs_f64() * 1000.0;
        all.push(ms);
        if !stalls.overlaps(t, end) {
            clean.push(ms);
        }
    }
    let at = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v.get(((v.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN)
    };
    let retaken = all.len() - clean.len();
    Timing { p50: at(&mut clean, 0.5), p95: at(&mut clean, 0.95), p95_all: at(&mut all, 0.95), retaken }
}

/// Host stalls seen by a thread that sleeps 1 ms at a time: every wake-up
/// later than [`Stalls::LATE`] is recorded as a stalled interval.
struct Stalls {
    seen: Arc<Mutex<Vec<(Instant, Instant)>>>,
    stop: Arc<AtomicBool>,
}

impl Stalls {
    const LATE: Duration = Duration::from_millis(5);

    fn start() -> Stalls {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, halt) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                let t = Instant::now();
                std::thread::sleep(Duration::from_millis(1));
                let end = Instant::now();
                if end - t > Stalls::LATE
                    && let Ok(mut v) = s.lock()
                {
                    v.push((t, end));
                }
            }
        });
        Stalls { seen, stop }
    }

    fn total(&self) -> Duration {
        self.seen.lock().map(|v| v.iter().map(|(a, b)| *b - *a).sum()).unwrap_or_default()
    }

    fn overlaps(&self, from: Instant, to: Instant) -> bool {
        // The meter notes a stall when it wakes, which may be just after `to`.
        std::thread::sleep(Duration::from_millis(2));
        self.seen.lock().map(|v| v.iter().rev().any(|(a, b)| *a < to && *b > from)).unwrap_or(true)
    }
}

impl Drop for Stalls {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim);
    let cores = info.lines().filter(|l| l.starts_with("processor")).count();
    format!("{cpu}, {cores} cores (the import runs on one)")
}
