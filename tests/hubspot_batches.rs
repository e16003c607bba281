//! HubSpot pushes in batches: a 429 holds every push to the portal in every
//! process while a 5xx keeps the batch together, upsert answers matched to
//! their contacts whatever order they come back in, and one refused contact
//! among good ones. Same rig as `hubspot` (the stand-in that checks every
//! request against HubSpot's OpenAPI specs).

use crate::hubspot::*;
use crate::support::hubspot::TOKEN;
use crate::support::ok;
use serde_json::{Value, json};
use std::process::Command;

#[test]
fn a_429_holds_every_push_to_the_portal_in_every_process_and_a_5xx_keeps_the_batch_together() {
    let rig = Rig::start(&["acme"]);
    assert!(rig.connect("acme", TOKEN, &[]).status.success());
    // Batches of 4, and a backoff long enough that the failed batch is still
    // waiting when this run has pushed the others.
    let batch4 = |c: &mut Command| {
        c.env("HANDOFF_HUBSPOT_BATCH", "4").env("HANDOFF_HUBSPOT_BACKOFF_MS", "1500");
    };
    rig.import(
        "acme",
        &(0..12).map(|i| lead("acme", i, Some(&format!("w{i}@example.com")))).collect::<Vec<_>>(),
    );

    // A 502 on the first batch's upsert: its four jobs come back together.
    rig.hs.faults(json!([{ "status": 502, "times": 1, "path": "batch/upsert" }]));
    let mut c = rig.cli();
    batch4(&mut c);
    ok(c.args(["outbox", "run"]));
    let waiting: Vec<Value> = push_jobs(&rig).into_iter().filter(|j| j["state"] == "pending").collect();
    assert_eq!(waiting.len(), 4, "{waiting:?}");
    assert!(
        waiting.iter().all(|j| j["next_try_at"] == waiting[0]["next_try_at"]),
        "one backoff for the batch: {waiting:?}"
    );
    for _ in 0..60 {
        let mut c = rig.cli();
        batch4(&mut c);
        ok(c.args(["outbox", "run"]));
        if push_jobs(&rig).iter().all(|j| j["state"] == "done") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    let s = rig.hs.state();
    let sizes: Vec<i64> =
        requests_to(&s, "contacts/batch/upsert").iter().map(|r| r["inputs"].as_i64().unwrap()).collect();
    assert_eq!(sizes, vec![4, 4, 4, 4], "the retried batch stayed whole");
    assert_one_note_each(&s, 12);

    // A 429 with Retry-After: 3 on the next lead's upsert. Nothing more goes to
    // the portal until it has passed — not from this run, not from another process.
    rig.import(
        "acme",
        &(12..20).map(|i| lead("acme", i, Some(&format!("w{i}@example.com")))).collect::<Vec<_>>(),
    );
    rig.hs.faults(json!([{ "status": 429, "retry_after": 3, "times": 1, "path": "batch/upsert" }]));
    let mut c = rig.cli();
    batch4(&mut c);
    let said = ok(c.args(["outbox", "run"]));
    assert!(said.contains("every push to this portal waits until"), "{said}");
    let sent = rig.hs.state()["requests"].as_array().unwrap().len();
    let mut c = rig.cli();
    batch4(&mut c);
    ok(c.args(["outbox", "run"]));
    assert_eq!(rig.hs.state()["requests"].as_array().unwrap().len(), sent, "a second process waits too");
    let status = ok(rig.cli().args(["hubspot", "status"]));
    assert!(status.contains("WAITING") && status.contains("slow down"), "{status}");
    rig.drain();
    let s = rig.hs.state();
    assert_one_note_each(&s, 20);
    assert_eq!(s["pause_breaches"], json!([]), "no request inside the pause");

    // HubSpot's daily limit (a long wait): the run says so and nothing is sent until then.
    rig.import("acme", &[lead("acme", 20, Some("w20@example.com"))]);
    rig.hs.faults(json!([{ "status": 429, "retry_after": 3600, "times": 1, "path": "" }]));
    let said = ok(rig.cli().args(["outbox", "run"]));
    assert!(said.contains("API limit for this portal is used up"), "{said}");
    let sent = rig.hs.state()["requests"].as_array().unwrap().len();
    ok(rig.cli().args(["outbox", "run"]));
    ok(rig.cli().args(["push", &rig.ids()[20].to_string()]));
    assert_eq!(rig.hs.state()["requests"].as_array().unwrap().len(), sent, "held for the hour");
    assert_eq!(rig.show(rig.ids()[20])["hubspot"]["state"], "queued");
    rig.hs.assert_clean();
}

#[test]
fn upsert_results_match_their_contacts_whatever_the_answer_echoes() {
    for mode in ["documented", "no_email", "bare"] {
        let rig = Rig::start(&["acme"]);
        assert!(rig.connect("acme", TOKEN, &[]).status.success());
        rig.hs.answers(mode, 500);
        // One visitor HubSpot already knows; the answer lists results in another order.
        rig.hs.seed(&[("x3@example.com".to_string(), 0)]);
        let leads: Vec<Value> = (0..6).map(|i| lead("acme", i, Some(&format!("X{i}@Example.com")))).collect();
        rig.import("acme", &leads);
        rig.drain();
        let s = rig.hs.state();
        assert_eq!(contacts(&s).len(), 6, "{mode}");
        for (i, id) in rig.ids().into_iter().enumerate() {
            let h = rig.show(id)["hubspot"].clone();
            assert_eq!(h["state"], "pushed", "{mode}: {h}");
            let (cid, _) = contact_by_email(&s, &format!("x{i}@example.com"));
            assert_eq!(
                h["contact_id"].as_str(),
                Some(cid.as_str()),
                "{mode}: handoff {i} on its own contact"
            );
            let on_it: Vec<&Value> =
                notes(&s).into_iter().filter(|n| n["contact_ids"] == json!([cid])).collect();
            assert_eq!(on_it.len(), 1, "{mode}");
            assert!(
                on_it[0]["properties"]["hs_note_body"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("question number {i} "))
            );
        }
        let read_back = requests_to(&s, "contacts/batch/read").len();
        if mode == "bare" {
            assert!(read_back > 0, "an answer naming neither email nor trace id is read back by email");
        } else {
            assert_eq!(read_back, 0, "{mode}: the answer was enough");
        }
        rig.hs.assert_clean();
    }
}

#[test]
fn a_refused_contact_says_so_and_the_others_go_through() {
    let rig = Rig::start(&["acme"]);
    assert!(rig.connect("acme", TOKEN, &[]).status.success());
    // HubSpot refuses this address; the app's own check lets it through.
    rig.import(
        "acme",
        &[
            lead("acme", 0, Some("a0@example.com")),
            lead("acme", 1, Some("dana@bad@example.com")),
            lead("acme", 2, Some("a2@example.com")),
        ],
    );
    rig.drain();
    let ids = rig.ids();
    assert_eq!(rig.show(ids[0])["hubspot"]["state"], "pushed");
    assert_eq!(rig.show(ids[2])["hubspot"]["state"], "pushed");
    let bad = rig.show(ids[1])["hubspot"].clone();
    assert_eq!(bad["state"], "failed");
    let msg = bad["message"].as_str().unwrap();
    assert!(msg.contains("refused this visitor's contact details") && msg.contains("INVALID_EMAIL"), "{msg}");
    assert!(msg.contains("Nothing was created"), "{msg}");
    assert_eq!(ours(&rig.hs.state()).len(), 2);
    rig.hs.assert_clean();
}
