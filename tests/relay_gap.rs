//! A relay source against the real relay process, through the CLI: a plain
//! `http://` relay address off this machine is refused, and a retention gap
//! (the relay purged events this app had not fetched, while newer ones exist)
//! is reported with how many and when, and kept until acknowledged.

use crate::live::{add_relay, init, run_with_stdin};
use crate::support::keychain::Keychain;
use crate::support::mail::handoff_webhook;
use crate::support::relay::{READ_TOKEN, Relay};
use crate::support::{handoff, json_lines, text};
use std::time::{Duration, Instant};

fn cli(db: &std::path::Path, kc: &Keychain) -> std::process::Command {
    let mut c = handoff(db);
    kc.apply(&mut c);
    c
}

#[test]
fn a_plain_http_relay_address_off_this_machine_is_refused_with_what_to_do() {
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    let mut c = cli(&db, &kc);
    c.args(["source", "add", "relay", "-w", "acme", "--name", "web", "--url", "http://relay.example.com"]);
    c.arg("--token-stdin");
    let out = run_with_stdin(&mut c, READ_TOKEN);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("http://relay.example.com") && said.contains("https://") && said.contains("in clear"),
        "{said}"
    );
    assert_eq!(kc.lookup("acme/source:web"), None, "nothing reached the keychain");
    let list = cli(&db, &kc).args(["source", "list", "--json"]).output().unwrap();
    assert!(json_lines(&text(&list.stdout)).is_empty(), "nothing was saved");
}

#[test]
fn a_retention_gap_is_reported_with_how_many_and_when_until_acknowledged() {
    let kc = Keychain::start();
    // 0.0005 h = 1.8 s of retention, purged every second.
    let relay = Relay::start_with_retention(0.0005);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    let added = add_relay(&db, &kc, &relay, "web");
    assert!(added.status.success(), "{}", text(&added.stderr));

    // Two handoffs arrive while the app is away, and expire on the relay unread.
    for n in 0..2 {
        assert_eq!(relay.post(&handoff_webhook("expired", n)), 202);
    }
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page: serde_json::Value = http
            .get(format!("{}/v1/events", relay.url))
            .bearer_auth(READ_TOKEN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        if page["events"].as_array().unwrap().is_empty() && page["gap"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "the relay never purged: {page}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // A newer one is waiting when the app comes back: it is stored, and the loss is not silent.
    assert_eq!(relay.post(&handoff_webhook("fresh", 1)), 202);
    let out = cli(&db, &kc).args(["sync"]).output().unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert!(said.contains("1 new"), "the newer handoff is stored: {said}");
    assert!(said.contains("up to 2 events") && said.contains("expired on the relay"), "{said}");

    let list = cli(&db, &kc).args(["source", "list"]).output().unwrap();
    let listed = text(&list.stdout);
    assert!(listed.contains("up to 2 events that reached the relay"), "{listed}");
    assert!(listed.contains("handoff source ack-gap acme/web"), "{listed}");
    // Still there after another sync: it stays until the user acknowledges it.
    assert!(cli(&db, &kc).args(["sync"]).output().unwrap().status.success());
    let json = json_lines(&text(&cli(&db, &kc).args(["source", "list", "--json"]).output().unwrap().stdout));
    assert_eq!(json[0]["gaps"].as_array().unwrap().len(), 1, "{json:?}");
    assert_eq!(json[0]["gaps"][0]["events"], 2);

    let ack = cli(&db, &kc).args(["source", "ack-gap", "acme/web"]).output().unwrap();
    assert!(ack.status.success() && text(&ack.stdout).contains("Acknowledged 1"), "{}", text(&ack.stdout));
    let listed = text(&cli(&db, &kc).args(["source", "list"]).output().unwrap().stdout);
    assert!(!listed.contains("lost on the relay"), "{listed}");
}
