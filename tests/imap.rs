//! IMAP sync against a real Dovecot on loopback: filters, IDLE, a server
//! restart mid-sync, a recreated folder, a refused login.

use crate::support::dovecot::{Dovecot, PASSWORD, USER};
use crate::support::mail::{email_key, handoff_email, unrelated_email};
use handoff::Store;
use handoff::ingest::imap::{Canceller, ImapConfig, ImapError, Mailbox, TlsMode};
use handoff::store::{NewWorkspace, SourceConfig};
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn config(d: &Dovecot) -> ImapConfig {
    ImapConfig::new("127.0.0.1", d.port, TlsMode::Plain, USER)
}

/// A store with workspace `acme` and one IMAP source; returns (store, workspace, source id).
fn setup(config: &ImapConfig) -> (Store, handoff::Workspace, i64) {
    let store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    let source = store.add_source(ws.id, "inbox", &SourceConfig::Imap(config.clone())).unwrap();
    (store, ws, source.id)
}

fn keys(store: &Store) -> Vec<String> {
    let mut stmt = store.conn().prepare("SELECT source_key FROM handoffs ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn initial_sync_takes_the_filtered_handoffs_once_and_leaves_flags_alone() {
    let d = Dovecot::start();
    let mut mixed = Vec::new();
    for n in 0..6 {
        mixed.push(handoff_email("init", n));
        mixed.push(unrelated_email("init", n));
    }
    d.append_all("INBOX", &mixed);
    let mut cfg = config(&d);
    cfg.from_filter = Some("convira".into());
    let (mut store, ws, id) = setup(&cfg);

    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    assert_eq!(report.fetched, 6, "the filter keeps the newsletter out");
    assert_eq!(report.outcome.inserted.len(), 6);
    let expected: HashSet<String> = (0..6).map(|n| email_key("init", n)).collect();
    assert_eq!(keys(&store).into_iter().collect::<HashSet<_>>(), expected);
    // The cursor covers the skipped newsletters too: nothing is fetched again.
    assert_eq!(store.imap_cursor(id).unwrap().map(|c| c.1), Some(12));
    let again = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    assert_eq!(again.fetched, 0);
    mb.logout();

    // BODY.PEEK: nothing was marked \Seen on the server.
    let mut s = d.session();
    s.select("INBOX").unwrap();
    let seen = s.uid_search("SEEN").unwrap();
    assert!(seen.is_empty(), "messages marked seen: {seen:?}");
}

#[test]
fn without_a_filter_unrelated_mail_is_kept_and_flagged_not_dropped() {
    let d = Dovecot::start();
    d.append_all("INBOX", &[handoff_email("nofilter", 1), unrelated_email("nofilter", 1)]);
    let cfg = config(&d);
    let (mut store, ws, id) = setup(&cfg);
    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    assert_eq!(report.outcome.inserted.len(), 2);
    let status: String = store
        .conn()
        .query_row("SELECT parse_status FROM handoffs WHERE source_key LIKE 'msgid:news-%'", [], |r| r.get(0))
        .unwrap();
    assert_ne!(status, "ok", "a newsletter is not a handoff that was understood");
}

#[test]
fn a_message_appended_while_idling_arrives_through_idle() {
    let d = Dovecot::start();
    let cfg = config(&d);
    let (mut store, ws, id) = setup(&cfg);
    let cancel = Canceller::default();
    let mut mb = Mailbox::connect(&cfg, PASSWORD, &cancel).unwrap();
    assert!(mb.idles(), "Dovecot offers IDLE");
    handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();

    let appender = {
        let port = d.port;
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            let d2 = Dovecot::session_on(port);
            let started = Instant::now();
            let mut s = d2;
            s.append("INBOX", handoff_email("idle", 1)).unwrap();
            started
        })
    };
    let waited = Instant::now();
    // A long poll interval: only IDLE can bring the message back in time.
    mb.wait(Duration::from_secs(60), &cancel).unwrap();
    let woke = waited.elapsed();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    appender.join().unwrap();
    assert!(woke < Duration::from_secs(20), "IDLE woke after {woke:?}");
    assert_eq!(report.outcome.inserted.len(), 1);
    assert_eq!(keys(&store), vec![email_key("idle", 1)]);
}

#[test]
fn cancelling_breaks_an_idle_wait_at_once() {
    let d = Dovecot::start();
    let cfg = config(&d);
    let cancel = Canceller::default();
    let mut mb = Mailbox::connect(&cfg, PASSWORD, &cancel).unwrap();
    let c2 = cancel.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        c2.cancel();
    });
    let started = Instant::now();
    let err = mb.wait(Duration::from_secs(120), &cancel).unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, ImapError::Cancelled), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_server_restart_mid_sync_resumes_with_nothing_lost_or_doubled() {
    let mut d = Dovecot::start();
    let all: Vec<Vec<u8>> = (0..350).map(|n| handoff_email("restart", n)).collect();
    d.append_all("INBOX", &all);
    let cfg = config(&d);
    let (mut store, ws, id) = setup(&cfg);

    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let mut batches = 0;
    // Restart the server as soon as the first batch is committed.
    let err = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {
        batches += 1;
        if batches == 1 {
            d.restart();
        }
    })
    .unwrap_err();
    assert!(err.is_transient(), "a dropped connection is retried: {err}");
    assert!(err.to_string().contains("retried"), "{err}");
    let stored_before = store.count(None).unwrap();
    assert!((100..350).contains(&stored_before), "first batch kept, the rest not yet: {stored_before}");

    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    assert_eq!(report.outcome.duplicates, 0, "the cursor had moved with the committed batch");
    let got = keys(&store);
    assert_eq!(got.len(), 350);
    let expected: HashSet<String> = (0..350).map(|n| email_key("restart", n)).collect();
    assert_eq!(got.into_iter().collect::<HashSet<_>>(), expected);
}

#[test]
fn a_recreated_folder_is_rescanned_without_duplicates() {
    let d = Dovecot::start();
    d.create("Bots");
    let first: Vec<Vec<u8>> = (0..5).map(|n| handoff_email("uidv", n)).collect();
    d.append_all("Bots", &first);
    let mut cfg = config(&d);
    cfg.folder = "Bots".into();
    let (mut store, ws, id) = setup(&cfg);
    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    assert_eq!(
        handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap().outcome.inserted.len(),
        5
    );
    mb.logout();

    // Restored from a backup: the old five plus two new, under a new UIDVALIDITY.
    let mut second = first.clone();
    second.push(handoff_email("uidv", 5));
    second.push(handoff_email("uidv", 6));
    let (before, after) = d.recreate("Bots", &second);
    assert_ne!(before, after, "the folder got a new UIDVALIDITY");

    let mut mb = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).unwrap();
    let report = handoff::sync::sync_mailbox(&mut mb, &mut store, id, &ws, |_| {}).unwrap();
    assert!(report.rescanned);
    assert_eq!(report.fetched, 7);
    assert_eq!(report.outcome.inserted.len(), 2);
    assert_eq!(report.outcome.duplicates, 5);
    assert_eq!(store.count(None).unwrap(), 7);
    assert_eq!(store.imap_cursor(id).unwrap(), Some((after, 7)));
}

#[test]
fn a_wrong_password_is_a_clear_permanent_error() {
    let d = Dovecot::start();
    let err = Mailbox::connect(&config(&d), "not-the-password", &Canceller::default()).err().unwrap();
    assert!(matches!(err, ImapError::Auth { .. }), "{err}");
    assert!(!err.is_transient());
    let msg = err.to_string();
    assert!(msg.contains(USER) && msg.contains("password"), "{msg}");
}

#[test]
fn an_unreachable_server_and_a_missing_folder_say_what_to_do() {
    let port = crate::support::dovecot::free_port();
    let err = Mailbox::connect(
        &ImapConfig::new("127.0.0.1", port, TlsMode::Plain, USER),
        "x",
        &Canceller::default(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, ImapError::Connect { .. }) && err.is_transient(), "{err}");
    assert!(err.to_string().contains("Check the host name and port"), "{err}");

    let d = Dovecot::start();
    let mut cfg = config(&d);
    cfg.folder = "Nope".into();
    let err = Mailbox::connect(&cfg, PASSWORD, &Canceller::default()).err().unwrap();
    assert!(matches!(err, ImapError::NoFolder { .. }), "{err}");
}
