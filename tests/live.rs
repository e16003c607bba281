//! Live sources end to end through the CLI: a real keychain (Secret Service
//! under a private D-Bus), real Dovecot, the real relay, `source add`, `sync`
//! and `watch`.

use crate::support::dovecot::{Dovecot, PASSWORD, USER};
use crate::support::keychain::Keychain;
use crate::support::mail::{handoff_email, handoff_webhook};
use crate::support::relay::{READ_TOKEN, Relay};
use crate::support::{handoff, json_lines, ok, text};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Run `cmd` with `stdin` fed in; returns the output.
pub fn run_with_stdin(cmd: &mut Command, stdin: &str) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{stdin}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn cli(db: &Path, kc: &Keychain) -> Command {
    let mut c = handoff(db);
    kc.apply(&mut c);
    c
}

pub fn add_imap(db: &Path, kc: &Keychain, d: &Dovecot, name: &str, password: &str, check: bool) -> Output {
    let port = d.port.to_string();
    let mut c = cli(db, kc);
    c.args(["source", "add", "imap", "-w", "acme", "--name", name, "--host", "127.0.0.1", "--port", &port]);
    c.args(["--tls", "plain", "--user", USER, "--password-stdin"]);
    if !check {
        c.arg("--no-check");
    }
    run_with_stdin(&mut c, password)
}

pub fn add_relay(db: &Path, kc: &Keychain, relay: &Relay, name: &str) -> Output {
    let mut c = cli(db, kc);
    c.args(["source", "add", "relay", "-w", "acme", "--name", name, "--url", &relay.url, "--token-stdin"]);
    run_with_stdin(&mut c, READ_TOKEN)
}

fn must(out: Output) -> String {
    assert!(out.status.success(), "failed: {}\n{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout) + &text(&out.stderr)
}

pub fn init(db: &Path) {
    ok(handoff(db).args(["init", "--workspace", "acme"]));
}

/// `handoff watch --json` with its output lines on a channel.
pub struct Watch {
    pub child: Child,
    pub lines: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Watch {
    pub fn start(db: &Path, kc: &Keychain) -> Watch {
        Self::start_with(cli(db, kc))
    }

    /// `watch --json` run by `cli` (a `handoff` command with its environment).
    pub fn start_with(mut cli: Command) -> Watch {
        let mut child =
            cli.args(["watch", "--json"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines, seen: Vec::new() }
    }

    /// Wait until a line satisfies `pred`; panics with everything seen after `secs`.
    pub fn wait_for(&mut self, secs: u64, pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        if let Some(v) = self.seen.iter().map(|l| serde_json::from_str(l).unwrap()).find(|v| pred(v)) {
            return v;
        }
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                    if pred(&v) {
                        return v;
                    }
                }
                Err(_) => panic!("not seen within {secs} s; output so far:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// SIGTERM and wait: the watcher stops cleanly.
    pub fn stop(mut self) -> Vec<String> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "watch exited with {status}");
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(l);
        }
        self.seen
    }
}

fn count(db: &Path) -> usize {
    let s = handoff::Store::open(db).unwrap();
    s.count(None).unwrap() as usize
}

#[test]
fn secrets_round_trip_through_the_keychain_and_never_reach_the_database_or_output() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    let mut output = String::new();
    output += &must(add_imap(&db, &kc, &d, "inbox", PASSWORD, true));
    output += &must(add_relay(&db, &kc, &relay, "web"));

    // Another keychain client (secret-tool) reads back exactly what was stored.
    assert_eq!(kc.lookup("acme/source:inbox").as_deref(), Some(PASSWORD));
    assert_eq!(kc.lookup("acme/source:web").as_deref(), Some(READ_TOKEN));

    d.append_all("INBOX", &(0..5).map(|n| handoff_email("secret", n)).collect::<Vec<_>>());
    for n in 0..4 {
        assert_eq!(relay.post(&handoff_webhook("secret", n)), 202);
    }
    // A new process finds the secrets in the keychain and syncs everything.
    let out = cli(&db, &kc).args(["sync", "--json"]).output().unwrap();
    output += &text(&out.stdout);
    output += &text(&out.stderr);
    assert!(out.status.success(), "{output}");
    let reports = json_lines(&text(&out.stdout));
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r["error"].is_null()), "{reports:?}");
    assert_eq!(count(&db), 9);
    output += &must(cli(&db, &kc).args(["source", "list"]).output().unwrap());
    output += &must(cli(&db, &kc).args(["source", "list", "--json"]).output().unwrap());

    // Neither secret is anywhere in the database files or in what the CLI printed.
    drop(handoff::Store::open(&db).unwrap());
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        for secret in [PASSWORD, READ_TOKEN] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} found in a db file"
            );
        }
    }
    for secret in [PASSWORD, READ_TOKEN] {
        assert!(!output.contains(secret), "{secret} printed:\n{output}");
    }

    // Removing the source removes its keychain item.
    must(cli(&db, &kc).args(["source", "remove", "acme/web"]).output().unwrap());
    assert_eq!(kc.lookup("acme/source:web"), None);
}

#[test]
fn a_wrong_password_is_refused_at_add_and_shown_as_a_source_error_while_the_others_run() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);

    // Checked at add: refused, nothing saved.
    let out = add_imap(&db, &kc, &d, "bad", "wrong-password", true);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("refused the login") && err.contains("password"), "{err}");
    assert_eq!(kc.lookup("acme/source:bad"), None);

    must(add_imap(&db, &kc, &d, "bad", "wrong-password", false));
    must(add_imap(&db, &kc, &d, "good", PASSWORD, true));
    must(add_relay(&db, &kc, &relay, "web"));

    let mut watch = Watch::start(&db, &kc);
    let status =
        watch.wait_for(30, |v| v["event"] == "status" && v["label"] == "acme/bad" && v["state"] == "error");
    let message = status["message"].as_str().unwrap();
    assert!(message.contains("refused the login"), "{message}");
    assert!(message.contains("handoff source secret acme/bad"), "names the fix for this source: {message}");
    watch.wait_for(30, |v| v["event"] == "status" && v["label"] == "acme/good" && v["state"] == "idle");
    watch.wait_for(30, |v| v["event"] == "status" && v["label"] == "acme/web" && v["state"] == "idle");

    d.append("INBOX", &handoff_email("others", 1));
    assert_eq!(relay.post(&handoff_webhook("others", 1)), 202);
    let a = watch.wait_for(30, |v| v["event"] == "received" && v["source"] == "acme/good");
    assert_eq!(a["handoff"]["visitor"]["email"], "visitor1.others@example.org");
    let b = watch.wait_for(30, |v| v["event"] == "received" && v["source"] == "acme/web");
    assert_eq!(b["handoff"]["visitor"]["email"], "hook1.others@example.org");
    watch.stop();

    let out = cli(&db, &kc).args(["source", "list"]).output().unwrap();
    let listing = text(&out.stdout);
    assert!(listing.lines().any(|l| l.starts_with("acme/bad") && l.contains("error")), "{listing}");

    // The fix the message names: a wrong replacement is refused, the right one works.
    let mut replace = cli(&db, &kc);
    replace.args(["source", "secret", "acme/bad", "--password-stdin"]);
    assert!(!run_with_stdin(&mut replace, "still-wrong").status.success());
    let mut replace = cli(&db, &kc);
    replace.args(["source", "secret", "acme/bad", "--password-stdin"]);
    must(run_with_stdin(&mut replace, PASSWORD));
    let out = cli(&db, &kc).args(["sync", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    let listing = text(&cli(&db, &kc).args(["source", "list"]).output().unwrap().stdout);
    assert!(listing.lines().any(|l| l.starts_with("acme/bad") && l.contains("ok ")), "{listing}");
}

#[test]
fn without_a_keychain_the_cli_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    let mut c = handoff(&db);
    c.env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}/no-bus", dir.path().display())).args([
        "source",
        "add",
        "relay",
        "-w",
        "acme",
        "--name",
        "web",
        "--url",
        "http://127.0.0.1:9",
        "--token-stdin",
    ]);
    let out = run_with_stdin(&mut c, "token-that-goes-nowhere");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("no OS keychain is available") && err.contains("gnome-keyring-daemon"), "{err}");
    let store = handoff::Store::open(&db).unwrap();
    assert!(store.sources().unwrap().is_empty(), "nothing saved without a keychain");
}

#[test]
fn a_relay_crash_loses_nothing_it_accepted() {
    let kc = Keychain::start();
    let mut relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    must(add_relay(&db, &kc, &relay, "web"));
    for n in 0..10 {
        assert_eq!(relay.post(&handoff_webhook("relaycrash", n)), 202);
    }
    relay.crash_and_restart();
    for n in 10..15 {
        assert_eq!(relay.post(&handoff_webhook("relaycrash", n)), 202);
    }
    must(cli(&db, &kc).arg("sync").output().unwrap());
    assert_eq!(count(&db), 15);
    // Syncing again brings nothing new and doubles nothing.
    must(cli(&db, &kc).arg("sync").output().unwrap());
    assert_eq!(count(&db), 15);
}

#[test]
fn the_engine_reconnects_after_the_server_goes_away_and_catches_up() {
    let kc = Keychain::start();
    let mut d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    must(add_imap(&db, &kc, &d, "inbox", PASSWORD, true));
    let mut watch = Watch::start(&db, &kc);
    watch.wait_for(30, |v| v["event"] == "status" && v["state"] == "idle");

    // The server dies under the IDLE connection; mail lands while it is down.
    d.stop();
    let err = watch.wait_for(30, |v| v["event"] == "status" && v["state"] == "error");
    let lost = err["message"].as_str().unwrap();
    assert!(lost.contains("retried") || lost.contains("cannot reach"), "{lost}");
    d.start_again();
    d.append("INBOX", &handoff_email("reconnect", 1));
    let got = watch.wait_for(60, |v| v["event"] == "received");
    assert_eq!(got["handoff"]["visitor"]["email"], "visitor1.reconnect@example.org");
    watch.stop();
    assert_eq!(count(&db), 1);
}

#[test]
fn a_source_added_while_watching_joins_without_a_restart() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    must(add_imap(&db, &kc, &d, "inbox", PASSWORD, true));
    let mut watch = Watch::start(&db, &kc);
    watch.wait_for(30, |v| v["event"] == "status" && v["label"] == "acme/inbox" && v["state"] == "idle");
    must(add_relay(&db, &kc, &relay, "web"));
    assert_eq!(relay.post(&handoff_webhook("joined", 1)), 202);
    let got = watch.wait_for(40, |v| v["event"] == "received" && v["source"] == "acme/web");
    assert_eq!(got["handoff"]["visitor"]["email"], "hook1.joined@example.org");
    must(cli(&db, &kc).args(["source", "disable", "acme/web"]).output().unwrap());
    watch.wait_for(40, |v| v["event"] == "status" && v["label"] == "acme/web" && v["state"] == "stopped");
    watch.stop();
}
