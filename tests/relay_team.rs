//! The relay client's team calls against the real relay binary: two teammates
//! (two clients, one channel token, different emails) claim, release, answer
//! and follow each other's changes.

use crate::support::relay::{READ_TOKEN, Relay};
use handoff::ingest::relay::{RelayClient, RelayConfig, RelayError};
use std::time::{Duration, Instant};

const DANA: &str = "dana@acme.test";
const SAM: &str = "sam@acme.test";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn clients(relay: &Relay) -> (RelayClient, RelayClient) {
    let config = RelayConfig::new(&relay.url);
    (RelayClient::new(&config, READ_TOKEN).unwrap(), RelayClient::new(&config, READ_TOKEN).unwrap())
}

#[test]
fn relay_team_claim_release_and_answer_between_two_teammates() {
    let relay = Relay::start();
    let (dana, sam) = clients(&relay);
    let rt = rt();

    let won = rt.block_on(dana.claim("web:1", "Dana", DANA)).unwrap();
    assert!(won.won);
    let claim = won.record.claim.clone().unwrap();
    assert_eq!((claim.by_name.as_str(), claim.by_email.as_str()), ("Dana", DANA));
    assert!((chrono::Utc::now() - claim.at).num_seconds().abs() < 60, "claimed at {}", claim.at);
    assert!(won.record.answered.is_none());

    let again = rt.block_on(dana.claim("web:1", "Dana", DANA)).unwrap();
    assert!(again.won, "re-claiming one's own claim wins");
    assert_eq!(again.record, won.record, "and changes nothing");

    let lost = rt.block_on(sam.claim("web:1", "Sam", SAM)).unwrap();
    assert!(!lost.won);
    assert_eq!(lost.record.claim.as_ref().unwrap().by_email, DANA, "the loser learns who holds it");

    let err = rt.block_on(sam.release("web:1", SAM)).unwrap_err();
    assert!(matches!(&err, RelayError::HeldByTeammate { by_email, .. } if by_email == DANA), "{err:?}");
    assert_eq!(err.to_string(), "Dana <dana@acme.test> holds this claim; only they can release it.");
    assert!(!err.is_transient());

    let released = rt.block_on(dana.release("web:1", DANA)).unwrap().unwrap();
    assert!(released.claim.is_none());
    assert!(released.seq > won.record.seq);
    assert_eq!(rt.block_on(sam.release("never-claimed", SAM)).unwrap(), None);

    let answered = rt.block_on(sam.answered("web:1", "Sam", SAM, Some("<r1@acme.test>"))).unwrap();
    let mark = answered.answered.clone().unwrap();
    assert_eq!(mark.by_email, SAM);
    assert_eq!(mark.message_id.as_deref(), Some("<r1@acme.test>"));
    let second = rt.block_on(dana.answered("web:1", "Dana", DANA, None)).unwrap();
    assert_eq!(second, answered, "the first answer is kept");
}

#[test]
fn relay_team_changes_page_and_wake_on_a_teammates_claim() {
    let relay = Relay::start();
    let (dana, sam) = clients(&relay);
    let rt = rt();

    let empty = rt.block_on(sam.team_changes(0, Duration::ZERO)).unwrap();
    assert!(empty.records.is_empty());
    assert_eq!(empty.next, 0);

    for key in ["a", "b", "c"] {
        assert!(rt.block_on(dana.claim(key, "Dana", DANA)).unwrap().won);
    }
    let page = rt.block_on(sam.team_changes(0, Duration::ZERO)).unwrap();
    let keys: Vec<&str> = page.records.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"], "oldest change first");
    assert_eq!(page.next, page.records[2].seq);
    let idle = rt.block_on(sam.team_changes(page.next, Duration::ZERO)).unwrap();
    assert!(idle.records.is_empty());
    assert_eq!(idle.next, page.next, "an empty page keeps the cursor");

    // Sam waits; Dana's claim a moment later wakes him long before the wait ends.
    let started = Instant::now();
    let woken = rt.block_on(async {
        let waiting = sam.team_changes(page.next, Duration::from_secs(30));
        let claiming = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            dana.claim("d", "Dana", DANA).await
        };
        let (woken, claimed) = tokio::join!(waiting, claiming);
        assert!(claimed.unwrap().won);
        woken.unwrap()
    });
    assert!(started.elapsed() < Duration::from_secs(10), "woke after {:?}", started.elapsed());
    assert_eq!(woken.records.len(), 1);
    assert_eq!(woken.records[0].key, "d");
    assert_eq!(woken.records[0].claim.as_ref().unwrap().by_email, DANA);
    assert!(woken.next > page.next);
}

#[test]
fn relay_team_simultaneous_claims_have_one_winner_and_a_wrong_token_is_unauthorized() {
    let relay = Relay::start();
    let (dana, sam) = clients(&relay);
    let rt = rt();
    for n in 0..10 {
        let key = format!("race:{n}");
        let (a, b) =
            rt.block_on(async { tokio::join!(dana.claim(&key, "Dana", DANA), sam.claim(&key, "Sam", SAM)) });
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.won != b.won, "{key}: exactly one winner, got {a:?} / {b:?}");
        assert_eq!(a.record.claim, b.record.claim, "{key}: both name the same holder");
    }

    let bad = RelayClient::new(&RelayConfig::new(&relay.url), "not-the-token-at-all").unwrap();
    for err in [
        rt.block_on(bad.claim("k", "", DANA)).unwrap_err(),
        rt.block_on(bad.release("k", DANA)).unwrap_err(),
        rt.block_on(bad.answered("k", "", DANA, None)).unwrap_err(),
        rt.block_on(bad.team_changes(0, Duration::ZERO)).unwrap_err(),
    ] {
        assert!(matches!(err, RelayError::Unauthorized { status: 401, .. }), "{err}");
    }

    let err = rt.block_on(dana.claim("", "Dana", DANA)).unwrap_err();
    assert!(
        matches!(&err, RelayError::Status { status: 400, message, .. } if message.contains("`key`")),
        "{err}"
    );
}
