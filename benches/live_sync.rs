//! Live-source figures against real servers on loopback:
//! - initial IMAP sync throughput from a local Dovecot (10k-message mailbox);
//! - arrival latency, APPEND / POST → row committed, seen through the real
//!   engine (`handoff watch --json` with a real keychain): IDLE, relay
//!   long-poll, and poll-only beside them.
//!
//! `--quick` runs a small version (used by scripts/test as a smoke run).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use handoff::Store;
use handoff::ingest::imap::{Canceller, ImapConfig, Mailbox, TlsMode};
use handoff::store::{NewWorkspace, SourceConfig};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::dovecot::{Dovecot, PASSWORD, USER};
use support::keychain::Keychain;
use support::mail::{handoff_email, handoff_webhook};
use support::relay::{READ_TOKEN, Relay, post_signed_with};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (mailbox, samples, poll_samples) = if quick { (1_000, 8, 3) } else { (10_000, 40, 10) };
    println!("live sync benchmark ({}), {} cores", if quick { "quick" } else { "full" }, cores());
    initial_sync(mailbox);
    latency(samples, poll_samples);
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn initial_sync(n: usize) {
    let d = Dovecot::start();
    let messages: Vec<Vec<u8>> = (0..n).map(|i| handoff_email("bench", i)).collect();
    d.fill_inbox(&messages);
    // Let Dovecot index the maildir first: a live mailbox is indexed already.
    let t = Instant::now();
    let mut s = d.session();
    let exists = s.select("INBOX").unwrap().exists as usize;
    let _ = s.logout();
    assert_eq!(exists, n);
    let index_time = t.elapsed();

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("bench.db")).unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    let cfg = ImapConfig::new("127.0.0.1", d.port, TlsMode::Plain, USER);
    let id = store.add_source(ws.id, "inbox", &SourceConfig::Imap(cfg.clone())).unwrap().id;
    let started = Instant::now();
    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.outcome.inserted.len(), n);
    println!(
        "initial IMAP sync: {n} messages in {secs:.2} s = {:.0} messages/s (target >= 500/s); \
         fetch + parse + store, one transaction per {} messages (Dovecot's own first indexing, {:.2} s, not counted)",
        n as f64 / secs,
        handoff::ingest::imap::BATCH,
        index_time.as_secs_f64()
    );
}

struct Watch {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
    /// The watcher's stderr, shown when it does not report in time.
    log: tempfile::NamedTempFile,
}

impl Watch {
    fn start(db: &std::path::Path, kc: &Keychain) -> Watch {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
        kc.apply(&mut cmd);
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = cmd
            .arg("--db")
            .arg(db)
            .args(["watch", "--json"])
            .stdout(Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines, log }
    }

    /// When a line containing `needle` arrived.
    fn until(&self, needle: &str, secs: u64) -> Instant {
        self.until_all(&[needle], secs)
    }

    /// When the last of `needles` arrived, each in a line of its own, in
    /// any order. Other lines are skipped.
    fn until_all(&self, needles: &[&str], secs: u64) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut missing: Vec<&str> = needles.to_vec();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok((at, line)) = self.lines.recv_timeout(left) else {
                let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
                panic!("the watcher did not report {missing:?} within {secs} s; its stderr:\n{log}");
            };
            missing.retain(|n| !line.contains(n));
            if missing.is_empty() {
                return at;
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add(db: &std::path::Path, kc: &Keychain, args: &[&str], secret: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    kc.apply(&mut cmd);
    let mut child = cmd
        .arg("--db")
        .arg(db)
        .args(args)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{secret}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "source add {args:?}");
}

fn latency(samples: usize, poll_samples: usize) {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lat.db");
    drop(Store::open(&db).unwrap().create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap());
    let port = d.port.to_string();
    let imap =
        ["source", "add", "imap", "-w", "acme", "--host", "127.0.0.1", "--port", &port, "--tls", "plain"];
    add(&db, &kc, &[&imap[..], &["--user", USER, "--name", "inbox"]].concat(), PASSWORD);
    add(
        &db,
        &kc,
        &["source", "add", "relay", "-w", "acme", "--name", "web", "--url", &relay.url],
        READ_TOKEN,
    );

    let watch = Watch::start(&db, &kc);
    // Both sources report in, in either order.
    watch.until_all(
        &[
            "\"label\":\"acme/inbox\",\"kind\":\"imap\",\"state\":\"idle\"",
            "\"label\":\"acme/web\",\"kind\":\"relay\",\"state\":\"idle\"",
        ],
        120,
    );
    let mut session = d.session();
    // Made once, as a platform's webhook sender keeps its client: making one
    // (a TLS connector, the system's certificates) is not part of an arrival.
    let poster = reqwest::blocking::Client::new();
    let mut idle = Vec::new();
    let mut long_poll = Vec::new();
    let mut posted = Vec::new();
    for i in 0..samples {
        std::thread::sleep(Duration::from_millis(150));
        let t0 = Instant::now();
        session.append("INBOX", handoff_email("lat", i)).unwrap();
        idle.push(watch.until(&format!("visitor{i}.lat@example.org"), 30) - t0);
        std::thread::sleep(Duration::from_millis(150));
        let t0 = Instant::now();
        assert_eq!(post_signed_with(&poster, &relay.url, &handoff_webhook("lat", i)), 202);
        posted.push(t0.elapsed());
        long_poll.push(watch.until(&format!("hook{i}.lat@example.org"), 30) - t0);
    }
    drop(watch);
    print_latency("IMAP IDLE", &mut idle, "target p95 <= 1 s");
    print_latency("relay long-poll", &mut long_poll, "target p95 <= 0.5 s: one round trip after the POST");
    print_latency("relay POST answered (202, row committed on the relay)", &mut posted, "part of the above");

    // Poll-only: the same mailbox with IDLE off and a 5 s interval.
    let poll = ["--user", USER, "--name", "polled", "--no-idle", "--poll-seconds", "5", "--folder", "Polled"];
    d.create("Polled");
    add(&db, &kc, &[&imap[..], &poll[..]].concat(), PASSWORD);
    let mut c = Command::new(env!("CARGO_BIN_EXE_handoff"));
    let st = c.arg("--db").arg(&db).args(["source", "disable", "acme/inbox"]).status().unwrap();
    assert!(st.success());
    let watch = Watch::start(&db, &kc);
    watch.until("\"label\":\"acme/polled\",\"kind\":\"imap\",\"state\":\"idle\"", 120);
    let mut polled = Vec::new();
    for i in 0..poll_samples {
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..5000)));
        let t0 = Instant::now();
        session.append("Polled", handoff_email("poll", i)).unwrap();
        polled.push(watch.until(&format!("visitor{i}.poll@example.org"), 30) - t0);
    }
    print_latency("IMAP poll-only (5 s interval)", &mut polled, "bounded by the interval; no target");
}

/// The 1-minute load average, printed beside each figure (the machine may be shared).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split(' ').next().map(str::to_owned))
        .unwrap_or_default()
}

fn print_latency(what: &str, v: &mut [Duration], note: &str) {
    v.sort();
    let pick = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "arrival latency, {what}: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms over {} arrivals ({note}); load {}",
        pick(0.5),
        pick(0.95),
        pick(1.0),
        v.len(),
        load()
    );
}
