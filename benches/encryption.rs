//! The cost of encryption at rest: the import (store + index) and the
//! searches of `ingest_search`, on a plain file and on an SQLCipher file,
//! printed side by side.
//!
//! `cargo bench --bench encryption` (in `scripts/bench`); `--quick` runs
//! small sizes as a smoke test. Parsing is done once, up front: it is the
//! same work for both files. Each variant is run three times, interleaved
//! (plain, encrypted, plain, …), and the best run of each is compared, so a
//! pause of the shared host hurts one run, not the comparison. Beside the
//! wall-clock figures it prints the thread's CPU time (Linux: the scheduler's
//! `sum_exec_runtime` in /proc/thread-self/schedstat), which leaves out the
//! time the thread waited for a core: on a machine shared with other builds
//! the wall clock mostly measures the neighbours, the CPU time much less so.

use chrono::Utc;
use handoff::ingest::{Parsed, email, reason};
use handoff::store::cipher::Key;
use handoff::store::{NewWorkspace, SearchOrder};
use handoff::{SourceKind, Store};
use std::time::{Duration, Instant};

const BATCH: usize = 500;
const TERMS: &[&str] = &["refund", "delivery", "invoice*", "\"opening hours\"", "price"];

struct Run {
    import: Duration,
    search: Vec<Duration>,
    /// CPU time of the import and of all the searches (None off Linux).
    cpu: Option<(Duration, Duration)>,
}

/// This thread's CPU time so far.
fn cpu_now() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

fn run(
    dir: &std::path::Path,
    tag: &str,
    key: Option<Key>,
    emails: &[Vec<u8>],
    searches: usize,
) -> Result<Run, Box<dyn std::error::Error>> {
    let path = dir.join(format!("{tag}.db"));
    let _ = std::fs::remove_file(&path);
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
    let mut store = match key {
        Some(k) => Store::open_with_key(&path, k)?,
        None => Store::open(&path)?,
    };
    let ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "America/New_York"))?;
    let now = Utc::now();
    let parsed: Vec<Vec<Parsed>> = emails
        .chunks(BATCH)
        .map(|chunk| {
            chunk
                .iter()
                .map(|e| {
                    let mut h = email::parse_email(e, SourceKind::Import);
                    reason::finish(&mut h);
                    Parsed::Handoff(Box::new(h))
                })
                .collect()
        })
        .collect();
    let (t, c) = (Instant::now(), cpu_now());
    for items in parsed {
        store.ingest(&ws, items, now)?;
    }
    let import = t.elapsed();
    let import_cpu = c.zip(cpu_now()).map(|(a, b)| b - a);
    // A fresh connection, as a search in the app or the CLI would have.
    drop(store);
    let store = match key_again(tag) {
        Some(k) => Store::open_with_key(&path, k)?,
        None => Store::open(&path)?,
    };
    let mut search = Vec::new();
    let c = cpu_now();
    for i in 0..searches {
        let term = TERMS[i % TERMS.len()];
        let t = Instant::now();
        let r = store.search(term, None, SearchOrder::Relevance, 50)?;
        search.push(t.elapsed());
        std::hint::black_box(r);
    }
    let search_cpu = c.zip(cpu_now()).map(|(a, b)| b - a);
    search.sort();
    Ok(Run { import, search, cpu: import_cpu.zip(search_cpu) })
}

static KEY: std::sync::OnceLock<Key> = std::sync::OnceLock::new();

fn key_again(tag: &str) -> Option<Key> {
    (tag == "encrypted").then(|| KEY.get_or_init(Key::generate).clone())
}

fn pct(v: &[Duration], q: f64) -> f64 {
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, searches) = if quick { (1_000, 50) } else { (20_000, 500) };
    println!(
        "Encryption at rest (SQLCipher) cost{}",
        if quick { " (--quick smoke run: small sizes)" } else { "" }
    );
    let emails: Vec<Vec<u8>> = handoff::demo::notification_emails(n, 1, Utc::now()).collect();
    let dir = tempfile::tempdir()?;
    let (mut plain, mut enc) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        plain.push(run(dir.path(), "plain", None, &emails, searches)?);
        enc.push(run(dir.path(), "encrypted", key_again("encrypted"), &emails, searches)?);
    }
    // The best import and the best search series of each variant.
    let best = |runs: &[Run]| -> Option<Run> {
        let import = runs.iter().map(|r| r.import).min()?;
        let search =
            runs.iter().min_by(|a, b| pct(&a.search, 0.5).total_cmp(&pct(&b.search, 0.5)))?.search.clone();
        let cpu = runs
            .iter()
            .map(|r| r.cpu)
            .collect::<Option<Vec<_>>>()
            .and_then(|c| Some((c.iter().map(|x| x.0).min()?, c.iter().map(|x| x.1).min()?)));
        Some(Run { import, search, cpu })
    };
    let (Some(p), Some(e)) = (best(&plain), best(&enc)) else { return Ok(()) };
    let rate = |r: &Run| n as f64 / r.import.as_secs_f64();
    println!(
        "{n} handoffs stored + indexed ({BATCH} a transaction), then {searches} searches over them; best of 3 each"
    );
    println!("{:<28}{:>14}{:>14}{:>10}", "", "plain", "encrypted", "cost");
    println!(
        "{:<28}{:>12.0}/s{:>12.0}/s{:>+9.1}%",
        "import (store + index)",
        rate(&p),
        rate(&e),
        (rate(&p) / rate(&e) - 1.0) * 100.0
    );
    for (label, q) in [("search p50", 0.5), ("search p95", 0.95)] {
        let (a, b) = (pct(&p.search, q), pct(&e.search, q));
        println!("{label:<28}{a:>11.3} ms{b:>11.3} ms{:>+9.1}%", (b / a - 1.0) * 100.0);
    }
    if let (Some((pi, ps)), Some((ei, es))) = (p.cpu, e.cpu) {
        let per = |d: Duration, k: usize| d.as_secs_f64() * 1000.0 / k as f64;
        println!("CPU time (waiting for a core left out):");
        println!(
            "{:<28}{:>10.3} ms{:>11.3} ms{:>+9.1}%",
            "  import, per handoff",
            per(pi, n),
            per(ei, n),
            (ei.as_secs_f64() / pi.as_secs_f64() - 1.0) * 100.0
        );
        println!(
            "{:<28}{:>10.3} ms{:>11.3} ms{:>+9.1}%",
            "  search, mean",
            per(ps, searches),
            per(es, searches),
            (es.as_secs_f64() / ps.as_secs_f64() - 1.0) * 100.0
        );
    }
    Ok(())
}
