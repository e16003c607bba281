//! Crashes and shutdowns: committed events survive `kill -9`, ids keep
//! growing across restarts, SIGTERM ends long-polls and exits cleanly.

use std::time::{Duration, Instant};

use crate::support::{Harness, PLAIN_READ, Relay};

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
    let h = Harness::new("");
    let relay = h.start();
    let url = relay.url.clone();
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let res = reqwest::blocking::Client::new()
            .get(format!("{url}/v1/events?wait=60"))
            .bearer_auth(PLAIN_READ)
            .send();
        (res.map(|r| r.status().as_u16()), started.elapsed())
    });
    // Give the long-poll time to be in flight, even on a loaded machine (it waits 60 s).
    std::thread::sleep(Duration::from_millis(1500));
    let killed =
        std::process::Command::new("kill").arg("-TERM").arg(relay.pid().to_string()).status().unwrap();
    assert!(killed.success());
    let status = relay.wait_exit(Duration::from_secs(10)).expect("relay did not exit after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let (res, elapsed) = waiter.join().unwrap();
    assert_eq!(res.unwrap(), 200, "the long-poll is answered, not cut");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}
