//! Crashes and shutdowns: committed events survive `kill -9`, ids keep
//! growing across restarts, SIGTERM ends long-polls and exits cleanly.

use crate::support::{Harness, PLAIN_READ, Relay, sigterm_answers_a_long_poll};

#[test]
fn events_survive_kill_9_and_new_ids_are_larger() {
    let h = Harness::new("");
    let relay = h.start();
    let before: Vec<i64> = (0..5).map(|n| relay.post_plain(&format!("{{\"n\":{n}}}"))).collect();
    relay.kill_9();

    let relay = h.start();
    let (_, page) = relay.events(PLAIN_READ, "");
    assert_eq!(Relay::ids(&page), before, "every acknowledged event is still there");
    let after = relay.post_plain("{\"n\":5}");
    assert!(after > *before.iter().max().unwrap());
}

#[cfg(unix)]
#[test]
fn sigterm_ends_a_long_poll_and_exits_cleanly() {
    sigterm_answers_a_long_poll("/v1/events?wait=60");
}
