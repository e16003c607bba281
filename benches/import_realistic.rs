//! Import of real platforms' notifications, beside `notmuch new` on the same
//! mail.
//!
//! `cargo bench --bench import_realistic` (part of `scripts/bench`): every
//! handoff email of the platform corpus (`tests/fixtures/corpus/email/`, the
//! real templates' layouts: HTML-heavy, multipart, quoted-printable, several
//! languages) is replicated with unique Message-IDs into a Maildir of at least
//! 20,000 messages (`--quick`: 2,000). Then, in the same run:
//! - Handoff Desk's import path on one thread — read each file, parse it,
//!   settle its reason, store and full-text index it, 500 per transaction as
//!   `handoff import` does — timed end to end, with parse and store split;
//! - `notmuch new` indexing the same Maildir into a fresh database (Xapian),
//!   timed as a whole process (`notmuch` from Debian's package, installed by
//!   scripts/setup; skipped with a note where it is missing).
//!
//! Targets: ≥ 3,000 handoffs/s, and ≥ 3× notmuch's messages/s. The
//! embedding of content-gap questions is not part of an import (the gap
//! checklist and the engine embed in the background), so it is not timed here.

use chrono::Utc;
use handoff::ingest::{Parsed, email, reason};
use handoff::store::NewWorkspace;
use handoff::{SourceKind, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BATCH: usize = 500;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let want = if quick { 2_000 } else { 20_000 };
    println!("Realistic import benchmark{}", if quick { " (--quick smoke run)" } else { "" });
    println!("machine: {} cores, {}", cores(), cpu_model());

    let originals = corpus_handoffs()?;
    if originals.is_empty() {
        println!("no handoff emails in the corpus: nothing to measure");
        return Ok(());
    }
    let bytes: usize = originals.iter().map(Vec::len).sum();
    println!(
        "corpus: {} handoff emails, {:.1} KB on average, replicated to {want}",
        originals.len(),
        bytes as f64 / originals.len() as f64 / 1024.0
    );
    let dir = tempfile::tempdir()?;
    let maildir = dir.path().join("mail");
    let files = write_maildir(&maildir, &originals, want)?;

    // --- Handoff Desk: read + parse + store + index, one thread.
    let mut store = Store::open(dir.path().join("bench.db"))?;
    let ws = store.create_workspace(&NewWorkspace::new("bench", "Bench", "Europe/Berlin"))?;
    let now = Utc::now();
    let (mut parse, mut stored) = (Duration::ZERO, 0usize);
    let start = Instant::now();
    for chunk in files.chunks(BATCH) {
        let t = Instant::now();
        let mut items = Vec::with_capacity(chunk.len());
        for f in chunk {
            let raw = std::fs::read(f)?;
            let mut h = email::parse_email(&raw, SourceKind::Import);
            reason::finish(&mut h);
            items.push(Parsed::Handoff(Box::new(h)));
        }
        parse += t.elapsed();
        stored += store.ingest(&ws, items, now)?.inserted.len();
    }
    let ours = start.elapsed();
    let rate = files.len() as f64 / ours.as_secs_f64();
    println!(
        "handoff import: {} messages in {:.2} s = {rate:.0} handoffs/s (read+parse {:.0}/s = {:.3} ms each; store+index {:.0}/s); {stored} stored  target >= 3000/s: {}",
        files.len(),
        ours.as_secs_f64(),
        files.len() as f64 / parse.as_secs_f64(),
        parse.as_secs_f64() * 1e3 / files.len() as f64,
        files.len() as f64 / (ours - parse).as_secs_f64(),
        verdict(rate >= 3000.0)
    );

    // --- notmuch new on the same Maildir.
    match notmuch(dir.path(), &maildir) {
        Ok(took) => {
            let theirs = files.len() as f64 / took.as_secs_f64();
            println!(
                "notmuch new: {} messages in {:.2} s = {theirs:.0} messages/s; handoff import is {:.1}x as fast  target >= 3x: {}",
                files.len(),
                took.as_secs_f64(),
                rate / theirs,
                verdict(rate >= 3.0 * theirs)
            );
        }
        Err(why) => println!("notmuch new: not measured ({why})"),
    }
    Ok(())
}

/// The corpus's emails whose expected JSON says they are handoffs.
fn corpus_handoffs() -> std::io::Result<Vec<Vec<u8>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/email");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)?.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for d in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)?.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "eml")) {
            let expected = f.with_extension("expected.json");
            let handoff = std::fs::read_to_string(&expected)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|v| v["handoff"] != false);
            if handoff {
                out.push(std::fs::read(&f)?);
            }
        }
    }
    Ok(out)
}

/// Copies of the originals, each with its own Message-ID, in `dir/cur`.
fn write_maildir(dir: &Path, originals: &[Vec<u8>], want: usize) -> std::io::Result<Vec<PathBuf>> {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let mut files = Vec::with_capacity(want);
    for i in 0..want {
        let raw = with_message_id(&originals[i % originals.len()], i);
        let path = dir.join("cur").join(format!("{i:06}.bench:2,S"));
        std::fs::write(&path, raw)?;
        files.push(path);
    }
    Ok(files)
}

/// The message with its Message-ID replaced (or added) by one unique to copy `n`.
fn with_message_id(raw: &[u8], n: usize) -> Vec<u8> {
    let id = format!("Message-ID: <bench-{n}@import.bench.test>");
    let text = String::from_utf8_lossy(raw);
    let (head, body) = match text.find("\r\n\r\n").or_else(|| text.find("\n\n")) {
        Some(i) => text.split_at(i),
        None => (text.as_ref(), ""),
    };
    let mut out = String::with_capacity(raw.len() + 64);
    out.push_str(&id);
    out.push('\n');
    let mut skipping = false;
    for line in head.split_inclusive('\n') {
        let folded = line.starts_with([' ', '\t']);
        if folded && skipping {
            continue;
        }
        skipping = line.to_ascii_lowercase().starts_with("message-id:");
        if !skipping {
            out.push_str(line);
        }
    }
    out.push_str(body);
    out.into_bytes()
}

/// `notmuch new` into a fresh database over `maildir`: its wall time.
fn notmuch(home: &Path, maildir: &Path) -> Result<Duration, String> {
    let config = home.join("notmuch-config");
    std::fs::write(
        &config,
        format!(
            "[database]\npath={}\n[user]\nname=Bench\nprimary_email=bench@example.test\n[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n",
            maildir.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let out = Command::new("notmuch")
        .args(["new", "--quiet"])
        .env("NOTMUCH_CONFIG", &config)
        .env("HOME", home)
        .output()
        .map_err(|e| format!("cannot run notmuch ({e}); scripts/setup installs it"))?;
    let took = start.elapsed();
    if !out.status.success() {
        return Err(format!("notmuch new failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(took)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(usize::from).unwrap_or(1)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
