//! Retention: old events are purged in the background, and a reader that had
//! not fetched them is told with `gap: true` (once: `next` skips the hole).

use std::time::{Duration, Instant};

use crate::support::{Harness, PLAIN_READ, Relay};

#[test]
fn purged_events_disappear_and_unread_ones_are_reported_as_a_gap() {
    // 0.0004 h = 1.44 s of retention, checked every second.
    let h = Harness::new("retention_hours = 0.0004\npurge_interval_seconds = 1");
    let relay = h.start();
    let first = relay.post_plain("{\"n\":1}");
    let second = relay.post_plain("{\"n\":2}");
    let (_, page) = relay.events(PLAIN_READ, "");
    assert_eq!(Relay::ids(&page), vec![first, second]);

    let deadline = Instant::now() + Duration::from_secs(15);
    let page = loop {
        let (_, page) = relay.events(PLAIN_READ, "");
        if Relay::ids(&page).is_empty() {
            break page;
        }
        assert!(Instant::now() < deadline, "events were never purged");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(page["gap"], true, "{page}");
    assert_eq!(page["lost"]["events"], 2, "the gap says how many: {page}");
    let oldest = page["lost"]["oldest_received_at"].as_str().unwrap();
    let newest = page["lost"]["newest_received_at"].as_str().unwrap();
    assert!(oldest.ends_with('Z') && oldest <= newest, "and when they had come in: {page}");
    assert_eq!(page["next"], second, "next steps over the purged hole");
    let (_, page) = relay.events(PLAIN_READ, &format!("?after={second}"));
    assert!(page.get("gap").is_none(), "a reader past the hole missed nothing: {page}");
    let (_, page) = relay.events(PLAIN_READ, &format!("?after={first}"));
    assert_eq!(page["gap"], true, "the second event was purged unread");
    assert!(page["lost"]["events"].as_i64().unwrap() >= 1, "{page}");

    let third = relay.post_plain("{\"n\":3}");
    assert!(third > second, "ids are not reused after a purge");
    let (_, page) = relay.events(PLAIN_READ, "");
    assert_eq!(Relay::ids(&page), vec![third]);
    assert_eq!(page["gap"], true);
    assert_eq!(page["next"], third);
    let (_, page) = relay.events(PLAIN_READ, &format!("?after={second}"));
    assert_eq!(Relay::ids(&page), vec![third]);
    assert!(page.get("gap").is_none());
}
