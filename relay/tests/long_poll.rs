//! Long-polling: a waiting reader wakes on a commit, and gives up when its
//! wait runs out.

use std::time::{Duration, Instant};

use crate::support::{Harness, PLAIN_READ, Relay};

#[test]
fn a_waiting_get_returns_the_event_posted_while_it_waits() {
    let h = Harness::new("");
    let relay = h.start();
    let before = relay.post_plain("{\"old\":true}");

    let url = relay.url.clone();
    let started = Instant::now();
    let waiter = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::new();
        let res = client
            .get(format!("{url}/v1/events?after={before}&wait=10"))
            .bearer_auth(PLAIN_READ)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200);
        (res.json::<serde_json::Value>().unwrap(), started.elapsed())
    });
    // Give the GET time to reach its wait; if it has not, it still sees the event.
    std::thread::sleep(Duration::from_millis(300));
    let id = relay.post_plain("{\"new\":true}");
    let (page, elapsed) = waiter.join().unwrap();
    assert_eq!(Relay::ids(&page), vec![id]);
    assert_eq!(page["next"], id);
    assert!(elapsed < Duration::from_secs(5), "woke after {elapsed:?}, not on the commit");
}

#[test]
fn a_wait_with_nothing_new_returns_an_empty_page_when_it_expires() {
    let h = Harness::new("max_wait_seconds = 1");
    let relay = h.start();
    let id = relay.post_plain("{}");
    let started = Instant::now();
    // wait=30 is capped to max_wait_seconds = 1.
    let (status, page) = relay.events(PLAIN_READ, &format!("?after={id}&wait=30"));
    let elapsed = started.elapsed();
    assert_eq!(status, 200);
    assert!(Relay::ids(&page).is_empty());
    assert_eq!(page["next"], id);
    assert!(elapsed >= Duration::from_millis(900), "returned early: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "wait was not capped: {elapsed:?}");
}

#[test]
fn an_event_for_another_channel_does_not_end_the_wait() {
    let h = Harness::new(
        "max_wait_seconds = 2\n[[channels]]\nid = \"other\"\nread_token = \"other-read-token-0123456789\"\n",
    );
    let relay = h.start();
    let url = relay.url.clone();
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let res = reqwest::blocking::Client::new()
            .get(format!("{url}/v1/events?wait=2"))
            .bearer_auth(PLAIN_READ)
            .send()
            .unwrap();
        (res.json::<serde_json::Value>().unwrap(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(relay.post("other", "", &[], "{}").status(), 202);
    let (page, elapsed) = waiter.join().unwrap();
    assert!(Relay::ids(&page).is_empty());
    assert!(elapsed >= Duration::from_millis(1900), "woken by another channel after {elapsed:?}");
}
