//! Team records: claims with exactly one winner, releases only by the holder,
//! the first answer kept, `GET /v1/team` paging and long-polling, bearer auth,
//! channel isolation, input validation and retention.

use std::{
    sync::{Arc, Barrier},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use crate::support::{Harness, PLAIN_READ, Relay, sigterm_answers_a_long_poll};

const OTHER_READ: &str = "other-read-token-0123456789";
const OTHER: &str = "[[channels]]\nid = \"other\"\nread_token = \"other-read-token-0123456789\"\n";
const DANA: &str = "dana@acme.test";
const SAM: &str = "sam@acme.test";

/// POSTs `body` to `/v1/team/{what}` with `token`; returns status and JSON body.
fn post(relay: &Relay, token: &str, what: &str, body: &Value) -> (u16, Value) {
    post_raw(relay, token, what, body.to_string())
}

fn post_raw(relay: &Relay, token: &str, what: &str, body: String) -> (u16, Value) {
    let res = relay
        .client
        .post(format!("{}/v1/team/{what}", relay.url))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().unwrap())
}

fn claim(relay: &Relay, key: &str, name: &str, email: &str) -> (u16, Value) {
    post(relay, PLAIN_READ, "claim", &json!({"key": key, "by_name": name, "by_email": email}))
}

/// GETs `/v1/team{query}` with `token`.
fn team(relay: &Relay, token: &str, query: &str) -> (u16, Value) {
    let res = relay.client.get(format!("{}/v1/team{query}", relay.url)).bearer_auth(token).send().unwrap();
    let status = res.status().as_u16();
    (status, res.json().unwrap())
}

fn keys(page: &Value) -> Vec<String> {
    page["records"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap().to_owned()).collect()
}

fn seqs(page: &Value) -> Vec<i64> {
    page["records"].as_array().unwrap().iter().map(|r| r["seq"].as_i64().unwrap()).collect()
}

#[test]
fn a_claim_wins_a_reclaim_is_idempotent_and_another_teammate_gets_409_naming_the_holder() {
    let h = Harness::new("");
    let relay = h.start();
    let (status, won) = claim(&relay, "intercom:1", "Dana", DANA);
    assert_eq!(status, 200, "{won}");
    assert_eq!(won["won"], true);
    let record = &won["record"];
    assert_eq!(record["key"], "intercom:1");
    assert_eq!(record["claim"]["by_name"], "Dana");
    assert_eq!(record["claim"]["by_email"], DANA);
    assert!(record["answered"].is_null());
    let at = record["claim"]["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.ends_with('Z') && at.len() == 24, "{at}");
    assert!(record["claim"].get("message_id").is_none(), "claims carry no message id: {record}");

    std::thread::sleep(Duration::from_millis(5));
    let (status, again) = claim(&relay, "intercom:1", "Dana", DANA);
    assert_eq!(status, 200);
    assert_eq!(again["won"], true);
    assert_eq!(again["record"], *record, "a re-claim keeps claimed_at and does not bump seq");

    let (status, lost) = claim(&relay, "intercom:1", "Sam", SAM);
    assert_eq!(status, 409, "{lost}");
    assert_eq!(lost["won"], false);
    assert_eq!(lost["record"]["claim"]["by_email"], DANA, "the answer names the holder");
    assert_eq!(lost["record"]["seq"], record["seq"]);
}

#[test]
fn simultaneous_claims_by_two_teammates_always_have_exactly_one_winner() {
    let h = Harness::new("");
    let relay = h.start();
    const PAIRS: usize = 20;
    let start = Arc::new(Barrier::new(PAIRS * 2));
    let mut racers = Vec::new();
    for n in 0..PAIRS {
        for email in [DANA, SAM] {
            let (url, start) = (relay.url.clone(), Arc::clone(&start));
            racers.push(std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let req = client
                    .post(format!("{url}/v1/team/claim"))
                    .bearer_auth(PLAIN_READ)
                    .json(&json!({"key": format!("race:{n}"), "by_name": "", "by_email": email}));
                start.wait();
                let res = req.send().unwrap();
                let status = res.status().as_u16();
                (n, email, status, res.json::<Value>().unwrap())
            }));
        }
    }
    let results: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    for n in 0..PAIRS {
        let pair: Vec<_> = results.iter().filter(|r| r.0 == n).collect();
        let winners: Vec<_> = pair.iter().filter(|r| r.2 == 200).collect();
        let losers: Vec<_> = pair.iter().filter(|r| r.2 == 409).collect();
        assert_eq!((winners.len(), losers.len()), (1, 1), "key race:{n}: {pair:?}");
        let winner = winners[0].1;
        assert_eq!(winners[0].3["won"], true);
        assert_eq!(losers[0].3["won"], false);
        assert_eq!(losers[0].3["record"]["claim"]["by_email"], winner, "the loser is told who won");
        let (_, now) = claim(&relay, &format!("race:{n}"), "", winner);
        assert_eq!(now["record"]["claim"]["by_email"], winner, "the stored holder is the winner");
    }
}

#[test]
fn only_the_holder_can_release_a_claim() {
    let h = Harness::new("");
    let relay = h.start();
    let (status, nothing) = post(&relay, PLAIN_READ, "release", &json!({"key": "k", "by_email": DANA}));
    assert_eq!(status, 200);
    assert!(nothing["record"].is_null(), "{nothing}");

    let (_, claimed) = claim(&relay, "k", "Dana", DANA);
    let (status, refused) = post(&relay, PLAIN_READ, "release", &json!({"key": "k", "by_email": SAM}));
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["record"]["claim"]["by_email"], DANA);
    assert_eq!(claim(&relay, "k", "Sam", SAM).0, 409, "Sam's release did not free it");

    // Emails match ignoring ASCII case and surrounding spaces.
    let (status, released) =
        post(&relay, PLAIN_READ, "release", &json!({"key": "k", "by_email": " DANA@acme.test "}));
    assert_eq!(status, 200, "{released}");
    assert!(released["record"]["claim"].is_null());
    assert!(released["record"]["seq"].as_i64().unwrap() > claimed["record"]["seq"].as_i64().unwrap());

    let (status, again) = post(&relay, PLAIN_READ, "release", &json!({"key": "k", "by_email": SAM}));
    assert_eq!(status, 200, "nothing is held, so anyone's release is a no-op");
    assert_eq!(again["record"]["seq"], released["record"]["seq"], "a no-op bumps nothing");

    let (status, sam) = claim(&relay, "k", "Sam", SAM);
    assert_eq!(status, 200);
    assert_eq!(sam["record"]["claim"]["by_email"], SAM);
}

#[test]
fn the_first_answer_is_kept() {
    let h = Harness::new("");
    let relay = h.start();
    claim(&relay, "k", "Dana", DANA);
    let body = json!({"key": "k", "by_name": "Dana", "by_email": DANA, "message_id": "<r1@acme.test>"});
    let (status, first) = post(&relay, PLAIN_READ, "answered", &body);
    assert_eq!(status, 200, "{first}");
    let answered = &first["record"]["answered"];
    assert_eq!(answered["by_email"], DANA);
    assert_eq!(answered["message_id"], "<r1@acme.test>");
    assert_eq!(first["record"]["claim"]["by_email"], DANA, "answering leaves the claim as it was");

    let (status, again) = post(
        &relay,
        PLAIN_READ,
        "answered",
        &json!({"key": "k", "by_name": "Sam", "by_email": SAM, "message_id": "<r2@acme.test>"}),
    );
    assert_eq!(status, 200);
    assert_eq!(again["record"], first["record"], "the second answer changes nothing");

    // An answer without a claim or a message id is recorded too.
    let (status, bare) = post(&relay, PLAIN_READ, "answered", &json!({"key": "k2", "by_email": SAM}));
    assert_eq!(status, 200, "{bare}");
    assert!(bare["record"]["claim"].is_null());
    assert_eq!(bare["record"]["answered"]["by_name"], "");
    assert!(bare["record"]["answered"].get("message_id").is_none(), "{bare}");
}

#[test]
fn paging_with_after_yields_each_change_once_oldest_first() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    let (status, empty) = team(&relay, PLAIN_READ, "");
    assert_eq!((status, empty["next"].as_i64()), (200, Some(0)));
    assert!(keys(&empty).is_empty());

    for n in 0..505 {
        assert_eq!(claim(&relay, &format!("k{n}"), "Dana", DANA).0, 200);
        if n % 100 == 0 {
            // Another channel's changes take numbers too, so seqs have holes here.
            let body = json!({"key": "x", "by_email": format!("{n}@o.test")});
            assert_eq!(post(&relay, OTHER_READ, "answered", &body).0, 200);
        }
    }
    let (_, first) = team(&relay, PLAIN_READ, "?after=0");
    assert_eq!(keys(&first).len(), 500, "pages hold at most 500 records");
    let s = seqs(&first);
    assert!(s.windows(2).all(|w| w[0] < w[1]), "oldest change first");
    assert_eq!(first["next"], *s.last().unwrap());
    let (_, second) = team(&relay, PLAIN_READ, &format!("?after={}", first["next"]));
    assert_eq!(keys(&second), ["k500", "k501", "k502", "k503", "k504"]);
    let next = second["next"].as_i64().unwrap();
    let (_, done) = team(&relay, PLAIN_READ, &format!("?after={next}"));
    assert!(keys(&done).is_empty());
    assert_eq!(done["next"], next, "an empty page keeps the cursor");

    // A changed record comes again, once, with a new and larger seq.
    post(&relay, PLAIN_READ, "answered", &json!({"key": "k7", "by_email": DANA}));
    let (_, changed) = team(&relay, PLAIN_READ, &format!("?after={next}"));
    assert_eq!(keys(&changed), ["k7"]);
    assert!(changed["next"].as_i64().unwrap() > next);
    assert_eq!(changed["records"][0]["answered"]["by_email"], DANA);

    for query in ["?after=-1", "?after=abc", "?wait=soon"] {
        let (status, body) = team(&relay, PLAIN_READ, query);
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"].as_str().unwrap().contains("after="), "{body}");
    }
}

#[test]
fn a_waiting_get_is_woken_by_a_claim_and_not_by_another_channel() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    let (_, before) = claim(&relay, "old", "Dana", DANA);
    let after = before["record"]["seq"].as_i64().unwrap();
    let url = relay.url.clone();
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let res = reqwest::blocking::Client::new()
            .get(format!("{url}/v1/team?after={after}&wait=20"))
            .bearer_auth(PLAIN_READ)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200);
        (res.json::<Value>().unwrap(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    // Another channel's change must not end the wait with an empty page.
    assert_eq!(post(&relay, OTHER_READ, "claim", &json!({"key": "new", "by_email": SAM})).0, 200);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(claim(&relay, "new", "Sam", SAM).0, 200);
    let (page, elapsed) = waiter.join().unwrap();
    assert_eq!(keys(&page), ["new"], "{page}");
    assert_eq!(page["records"][0]["claim"]["by_email"], SAM);
    assert!(elapsed < Duration::from_secs(10), "woke after {elapsed:?}, not on the claim");
}

#[test]
fn a_wait_with_no_change_returns_empty_when_the_capped_wait_expires() {
    let h = Harness::new("max_wait_seconds = 1");
    let relay = h.start();
    let started = Instant::now();
    let (status, page) = team(&relay, PLAIN_READ, "?after=0&wait=30");
    let elapsed = started.elapsed();
    assert_eq!(status, 200);
    assert!(keys(&page).is_empty());
    assert!(elapsed >= Duration::from_millis(900), "returned early: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "wait was not capped: {elapsed:?}");
}

#[test]
fn a_wrong_or_missing_token_is_401_on_every_team_endpoint() {
    let h = Harness::new("");
    let relay = h.start();
    let body = json!({"key": "k", "by_name": "Dana", "by_email": DANA});
    for what in ["claim", "release", "answered"] {
        let (status, err) = post(&relay, "not-a-token-of-this-relay", what, &body);
        assert_eq!(status, 401, "{what}");
        assert!(err["error"].as_str().unwrap().contains("read_token"), "{err}");
        let res = relay.client.post(format!("{}/v1/team/{what}", relay.url)).json(&body).send().unwrap();
        assert_eq!(res.status(), 401, "{what} without a token");
    }
    assert_eq!(team(&relay, "not-a-token-of-this-relay", "").0, 401);
    let res = relay
        .client
        .get(format!("{}/v1/team", relay.url))
        .header("authorization", format!("Basic {PLAIN_READ}"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 401, "only the Bearer scheme counts");
    assert!(keys(&team(&relay, PLAIN_READ, "").1).is_empty(), "refused requests stored nothing");
}

#[test]
fn each_token_sees_and_claims_only_its_own_channel() {
    let h = Harness::new(OTHER);
    let relay = h.start();
    assert_eq!(claim(&relay, "shared-key", "Dana", DANA).0, 200);
    let (_, other) = team(&relay, OTHER_READ, "");
    assert!(keys(&other).is_empty(), "{other}");
    let (status, theirs) =
        post(&relay, OTHER_READ, "claim", &json!({"key": "shared-key", "by_name": "Sam", "by_email": SAM}));
    assert_eq!(status, 200, "the same key on another channel is a different record: {theirs}");
    let (status, _) = post(&relay, OTHER_READ, "release", &json!({"key": "shared-key", "by_email": SAM}));
    assert_eq!(status, 200);
    let (_, mine) = team(&relay, PLAIN_READ, "");
    assert_eq!(keys(&mine), ["shared-key"]);
    assert_eq!(mine["records"][0]["claim"]["by_email"], DANA, "the other channel's release left mine");
}

#[test]
fn bad_bodies_are_400_naming_the_field_and_big_ones_413() {
    let h = Harness::new("");
    let relay = h.start();
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("claim", json!({"by_name": "Dana", "by_email": DANA}), "`key`"),
        ("claim", json!({"key": "", "by_email": DANA}), "`key`"),
        ("claim", json!({"key": long(513), "by_email": DANA}), "`key`"),
        ("claim", json!({"key": 5, "by_email": DANA}), "`key`"),
        ("claim", json!({"key": "k"}), "`by_email`"),
        ("claim", json!({"key": "k", "by_email": "   "}), "`by_email`"),
        ("claim", json!({"key": "k", "by_email": long(321)}), "`by_email`"),
        ("claim", json!({"key": "k", "by_name": long(201), "by_email": DANA}), "`by_name`"),
        ("claim", json!({"key": "k", "by_name": "Da\nna", "by_email": DANA}), "`by_name`"),
        ("release", json!({"key": "k"}), "`by_email`"),
        ("answered", json!({"key": "k", "by_email": DANA, "message_id": 7}), "`message_id`"),
        ("answered", json!(["k", DANA]), "JSON object"),
    ];
    for (what, body, field) in cases {
        let (status, err) = post(&relay, PLAIN_READ, what, &body);
        assert_eq!(status, 400, "{what} {body}: {err}");
        assert!(err["error"].as_str().unwrap().contains(field), "{what} {body}: {err}");
    }
    let (status, err) = post_raw(&relay, PLAIN_READ, "claim", "{\"key\": ".into());
    assert_eq!(status, 400, "{err}");
    assert!(err["error"].as_str().unwrap().contains("not JSON"), "{err}");

    // The longest valid values are accepted.
    let (status, ok) = claim(&relay, &long(512), &long(200), &long(320));
    assert_eq!(status, 200, "{ok}");

    let huge = json!({"key": "k", "by_email": DANA, "pad": long(20 * 1024)});
    let (status, err) = post(&relay, PLAIN_READ, "claim", &huge);
    assert_eq!(status, 413, "{err}");
    assert!(err["error"].as_str().unwrap().contains("bytes"), "{err}");
    let (_, page) = team(&relay, PLAIN_READ, "");
    assert_eq!(keys(&page), [long(512)], "nothing invalid was stored");
}

#[test]
fn claims_survive_kill_9_and_seqs_keep_growing() {
    let h = Harness::new("");
    let relay = h.start();
    let (_, claimed) = claim(&relay, "k", "Dana", DANA);
    relay.kill_9();
    let relay = h.start();
    let (status, lost) = claim(&relay, "k", "Sam", SAM);
    assert_eq!(status, 409, "the committed claim is still held: {lost}");
    let (_, next) = claim(&relay, "k2", "Sam", SAM);
    assert!(next["record"]["seq"].as_i64().unwrap() > claimed["record"]["seq"].as_i64().unwrap());
}

#[test]
fn retention_purges_unchanged_records_without_reusing_seqs() {
    // 0.0004 h = 1.44 s of retention, checked every second.
    let h = Harness::new("retention_hours = 0.0004\npurge_interval_seconds = 1");
    let relay = h.start();
    let (_, old) = claim(&relay, "old", "Dana", DANA);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if keys(&team(&relay, PLAIN_READ, "").1).is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the team record was never purged");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, again) = claim(&relay, "old", "Sam", SAM);
    assert_eq!(status, 200, "a purged claim no longer blocks: {again}");
    assert!(again["record"]["seq"].as_i64().unwrap() > old["record"]["seq"].as_i64().unwrap());
}

#[cfg(unix)]
#[test]
fn sigterm_ends_a_team_long_poll() {
    sigterm_answers_a_long_poll("/v1/team?wait=60");
}
