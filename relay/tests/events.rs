//! Reading events: bearer auth, channel isolation, paging with `next`, query
//! validation.

use crate::support::{Harness, PLAIN_READ, Relay};

const OTHER: &str = "[[channels]]\nid = \"other\"\nread_token = \"other-read-token-0123456789\"\n";

#[test]
fn a_wrong_or_missing_bearer_token_is_401_json() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    let (status, body) = relay.events("not-a-token-of-this-relay", "");
    assert_eq!(status, 401);
    assert!(body["error"].as_str().unwrap().contains("read_token"));
    let res = relay.client.get(format!("{}/v1/events", relay.url)).send().unwrap();
    assert_eq!(res.status(), 401);
    let res = relay
        .client
        .get(format!("{}/v1/events", relay.url))
        .header("authorization", format!("Basic {PLAIN_READ}"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 401, "only the Bearer scheme counts");
}

#[test]
fn each_token_sees_only_its_own_channel() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    let mine = relay.post_plain("{\"n\":1}");
    assert_eq!(relay.post("other", "", &[], "{}").status(), 202);
    let (_, page) = relay.events(PLAIN_READ, "");
    assert_eq!(Relay::ids(&page), vec![mine]);
    let (_, page) = relay.events("other-read-token-0123456789", "");
    assert_eq!(Relay::ids(&page).len(), 1);
    assert_ne!(Relay::ids(&page)[0], mine);
}

#[test]
fn paging_with_next_yields_every_event_once_in_order() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    let mut posted = Vec::new();
    for n in 0..20 {
        posted.push(relay.post_plain(&format!("{{\"n\":{n}}}")));
        // Interleave another channel so this channel's ids are not contiguous.
        assert_eq!(relay.post("other", "", &[], "{}").status(), 202);
    }
    let mut seen = Vec::new();
    let mut bodies = Vec::new();
    let mut after = 0;
    let mut pages = 0;
    loop {
        let (status, page) = relay.events(PLAIN_READ, &format!("?after={after}&limit=7"));
        assert_eq!(status, 200);
        let ids = Relay::ids(&page);
        assert!(ids.len() <= 7);
        let next = page["next"].as_i64().unwrap();
        if ids.is_empty() {
            assert_eq!(next, after, "an empty page keeps the cursor");
            break;
        }
        assert_eq!(next, *ids.last().unwrap());
        bodies.extend(
            page["events"].as_array().unwrap().iter().map(|e| e["body"].as_str().unwrap().to_owned()),
        );
        seen.extend(ids);
        after = next;
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, posted);
    let expected: Vec<String> = (0..20).map(|n| format!("{{\"n\":{n}}}")).collect();
    assert_eq!(bodies, expected);
}

#[test]
fn bad_queries_are_400_and_limits_are_clamped() {
    let h = Harness::new("");
    let relay = h.start();
    for _ in 0..3 {
        relay.post_plain("{}");
    }
    for query in ["?after=abc", "?after=-1", "?wait=soon", "?limit=-5"] {
        let (status, body) = relay.events(PLAIN_READ, query);
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"].as_str().unwrap().contains("after="), "{body}");
    }
    assert_eq!(Relay::ids(&relay.events(PLAIN_READ, "?limit=0").1).len(), 1);
    assert_eq!(Relay::ids(&relay.events(PLAIN_READ, "?limit=100000").1).len(), 3);
}
