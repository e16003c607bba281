//! Body size and per-channel rate limits.

use std::io::Cursor;

use reqwest::blocking::Body;

use crate::support::{Harness, PLAIN_READ, Relay, error_of};

#[test]
fn bodies_over_max_body_bytes_are_413_whether_sized_or_chunked() {
    let h = Harness::new("max_body_bytes = 1024");
    let relay = h.start();
    assert_eq!(relay.post("plain", "", &[], vec![b'a'; 1024]).status(), 202, "exactly the limit fits");

    let res = relay.post("plain", "", &[], vec![b'a'; 4096]);
    assert_eq!(res.status(), 413);
    assert!(error_of(res).contains("max_body_bytes"));

    // No Content-Length: the limit must hold while streaming too.
    let chunked = Body::new(Cursor::new(vec![b'b'; 4096]));
    let res = relay.post("plain", "", &[], chunked);
    assert_eq!(res.status(), 413);
    let small_chunked = Body::new(Cursor::new(vec![b'c'; 100]));
    assert_eq!(relay.post("plain", "", &[], small_chunked).status(), 202);

    let (_, page) = relay.events(PLAIN_READ, "");
    assert_eq!(Relay::ids(&page).len(), 2, "only the two accepted bodies are stored");
}

#[test]
fn a_channel_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected() {
    let h = Harness::new(
        "[[channels]]\nid = \"slow\"\nread_token = \"slow-read-token-0123456789\"\nrate_per_minute = 3\n",
    );
    let relay = h.start();
    for _ in 0..3 {
        assert_eq!(relay.post("slow", "", &[], "x").status(), 202);
    }
    let res = relay.post("slow", "", &[], "x");
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "3/min refills one every 20 s, got {retry}");
    assert!(error_of(res).contains("rate_per_minute"));

    assert_eq!(relay.post("plain", "", &[], "x").status(), 202, "limits are per channel");
    let (_, page) = relay.events("slow-read-token-0123456789", "");
    assert_eq!(Relay::ids(&page).len(), 3);
}
