//! The relay client against the real relay binary: long-poll order and
//! cursor, and a client crash between receiving and committing.

use crate::support::mail::handoff_webhook;
use crate::support::relay::{READ_TOKEN, Relay};
use handoff::Store;
use handoff::ingest::relay::{RelayClient, RelayConfig, RelayError};
use handoff::store::{Cursor, NewWorkspace, SourceConfig};
use std::time::{Duration, Instant};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn setup(relay: &Relay) -> (Store, handoff::Workspace, i64, RelayClient) {
    let store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    let config = RelayConfig::new(&relay.url);
    let id = store.add_source(ws.id, "web", &SourceConfig::Relay(config.clone())).unwrap().id;
    let client = RelayClient::new(&config, READ_TOKEN).unwrap();
    (store, ws, id, client)
}

#[test]
fn long_poll_delivers_in_order_and_the_cursor_pages_through() {
    let relay = Relay::start();
    let (_store, _ws, _id, client) = setup(&relay);
    let client = client.with_page(7);
    for n in 0..30 {
        assert_eq!(relay.post(&handoff_webhook("order", n)), 202);
    }
    let rt = rt();
    let mut after = 0;
    let mut bodies = Vec::new();
    loop {
        let page = rt.block_on(client.fetch(after, Duration::ZERO)).unwrap();
        if page.events.is_empty() {
            break;
        }
        assert!(page.events.windows(2).all(|w| w[0].id < w[1].id), "ids ascend");
        after = page.next;
        bodies.extend(page.events.into_iter().map(|e| e.body));
    }
    let expected: Vec<Vec<u8>> = (0..30).map(|n| handoff_webhook("order", n)).collect();
    assert_eq!(bodies, expected, "every event once, in the order posted");

    // A waiting poll returns as soon as something arrives.
    let url = relay.url.clone();
    let poster = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        crate::support::relay::post_signed(&url, &handoff_webhook("order", 999))
    });
    let started = Instant::now();
    let page = rt.block_on(client.fetch(after, Duration::from_secs(30))).unwrap();
    assert_eq!(poster.join().unwrap(), 202);
    assert_eq!(page.events.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(10), "woke after {:?}", started.elapsed());
}

#[test]
fn a_client_crash_between_receive_and_commit_redelivers_without_duplicating() {
    let relay = Relay::start();
    let (mut store, ws, id, client) = setup(&relay);
    for n in 0..12 {
        assert_eq!(relay.post(&handoff_webhook("crash", n)), 202);
    }
    let rt = rt();
    // Received, then the process "dies" before the commit: nothing stored, cursor unmoved.
    let lost = rt.block_on(client.fetch(store.relay_cursor(id).unwrap(), Duration::ZERO)).unwrap();
    assert_eq!(lost.events.len(), 12);
    drop(lost);
    assert_eq!(store.relay_cursor(id).unwrap(), 0);

    // The restarted client asks from its committed cursor and gets them again.
    let page = rt.block_on(client.fetch(store.relay_cursor(id).unwrap(), Duration::ZERO)).unwrap();
    assert_eq!(page.events.len(), 12);
    let out = store
        .ingest_at(&ws, page.parse(), chrono::Utc::now(), id, Cursor::Relay { after: page.next })
        .unwrap();
    assert_eq!(out.inserted.len(), 12);
    assert_eq!(store.relay_cursor(id).unwrap(), page.next);

    // Committed, then "crashed" before anything else: a replay from an older
    // cursor (say a restored backup of the database) doubles nothing.
    let replay = rt.block_on(client.fetch(0, Duration::ZERO)).unwrap();
    let again = store
        .ingest_at(&ws, replay.parse(), chrono::Utc::now(), id, Cursor::Relay { after: replay.next })
        .unwrap();
    assert_eq!(again.inserted.len(), 0);
    assert_eq!(again.duplicates, 12);
    assert_eq!(store.count(None).unwrap(), 12);
}

#[test]
fn a_wrong_token_and_a_dead_relay_say_what_to_do() {
    let relay = Relay::start();
    let rt = rt();
    let bad = RelayClient::new(&RelayConfig::new(&relay.url), "not-the-token-at-all").unwrap();
    let err = rt.block_on(bad.fetch(0, Duration::ZERO)).unwrap_err();
    assert!(matches!(err, RelayError::Unauthorized { status: 401, .. }), "{err}");
    assert!(!err.is_transient());
    assert!(err.to_string().contains("read_token"), "{err}");

    let port = crate::support::dovecot::free_port();
    let dead = RelayClient::new(&RelayConfig::new(&format!("http://127.0.0.1:{port}")), READ_TOKEN).unwrap();
    let err = rt.block_on(dead.fetch(0, Duration::ZERO)).unwrap_err();
    assert!(matches!(err, RelayError::Unreachable { .. }) && err.is_transient(), "{err}");
    assert!(err.to_string().contains("that the relay is running"), "{err}");
}

#[test]
fn broken_json_from_the_relay_is_kept_raw_and_flagged() {
    let relay = Relay::start();
    let (mut store, ws, id, client) = setup(&relay);
    assert_eq!(relay.post(b"{\"visitor\": {\"name\": \"Trunc"), 202);
    assert_eq!(relay.post(b"<script>alert(1)</script>"), 202);
    let page = rt().block_on(client.fetch(0, Duration::ZERO)).unwrap();
    let out = store
        .ingest_at(&ws, page.parse(), chrono::Utc::now(), id, Cursor::Relay { after: page.next })
        .unwrap();
    assert_eq!(out.inserted.len(), 2);
    assert_eq!(out.flagged, 2);
}
