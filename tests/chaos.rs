//! Chaos: `handoff watch` is killed with SIGKILL fifty times at random
//! moments while a producer keeps APPENDing mail to Dovecot and POSTing
//! webhooks to the relay. Afterwards every produced handoff is stored exactly once.

use crate::live::{add_imap, add_relay, init};
use crate::support::dovecot::{Dovecot, PASSWORD};
use crate::support::keychain::Keychain;
use crate::support::mail::{email_key, handoff_email, handoff_webhook};
use crate::support::relay::{Relay, post_signed};
use crate::support::{handoff, ok};
use std::collections::HashSet;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const ITERATIONS: usize = 50;

#[test]
fn fifty_kill_nines_while_mail_and_webhooks_keep_coming_lose_and_double_nothing() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    assert!(add_imap(&db, &kc, &d, "inbox", PASSWORD, true).status.success());
    assert!(add_relay(&db, &kc, &relay, "web").status.success());

    let stop = Arc::new(AtomicBool::new(false));
    let producer = {
        let (stop, port, url) = (stop.clone(), d.port, relay.url.clone());
        std::thread::spawn(move || {
            let mut imap = Dovecot::session_on(port);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                imap.append("INBOX", handoff_email("chaos", n)).unwrap();
                assert_eq!(post_signed(&url, &handoff_webhook("chaos", n)), 202);
                n += 1;
            }
            n
        })
    };

    let mut progressed = 0;
    let mut mid_work = 0;
    let mut last = 0;
    for _ in 0..ITERATIONS {
        let mut watch = handoff(&db);
        kc.apply(&mut watch);
        let mut child =
            watch.args(["watch", "--json"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        // Kill at a random moment once a source has started fetching and
        // storing (process start-up time varies a lot with machine load).
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if line.contains("\"state\":\"syncing\"") && tx.send(()).is_err() {
                    break;
                }
            }
        });
        if rx.recv_timeout(Duration::from_secs(20)).is_ok() {
            mid_work += 1;
        }
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..400)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = handoff::Store::open(&db).unwrap().count(None).unwrap();
        if now > last {
            progressed += 1;
        }
        last = now;
    }
    stop.store(true, Ordering::Relaxed);
    let produced = producer.join().unwrap();

    // One clean catch-up run after the storm.
    let mut sync = handoff(&db);
    kc.apply(&mut sync);
    ok(sync.arg("sync"));

    let store = handoff::Store::open(&db).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    let mut stmt = store.conn().prepare("SELECT source_key FROM handoffs").unwrap();
    let keys: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let unique: HashSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "no handoff stored twice");
    let mut expected: HashSet<String> = (0..produced).map(|n| email_key("chaos", n)).collect();
    let hooks: Vec<String> = store
        .conn()
        .prepare("SELECT visitor_email FROM handoffs WHERE source = 'relay'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let hook_set: HashSet<String> = hooks.iter().cloned().collect();
    let expected_hooks: HashSet<String> =
        (0..produced).map(|n| format!("hook{n}.chaos@example.org")).collect();
    assert_eq!(hook_set, expected_hooks, "every webhook once");
    assert_eq!(hooks.len(), produced);
    let emails: HashSet<String> = keys.into_iter().filter(|k| k.starts_with("msgid:")).collect();
    assert_eq!(emails.len(), produced);
    expected.retain(|k| !emails.contains(k));
    assert!(expected.is_empty(), "missing emails: {expected:?}");
    // Each APPEND and POST is fsynced by its server: a few dozen pairs in the ~30 s storm.
    assert!(produced >= 30, "the producer kept producing ({produced})");
    eprintln!(
        "chaos: {produced} emails and {produced} webhooks; {mid_work} of {ITERATIONS} kills came after a sync \
         had started; {progressed} killed runs had stored something"
    );
    // The kills landed while work was flowing, not only on a watcher still starting up.
    assert!(mid_work >= ITERATIONS / 2, "only {mid_work} of {ITERATIONS} kills came mid-sync");
    assert!(progressed >= 5, "only {progressed} of {ITERATIONS} runs stored anything");
}
