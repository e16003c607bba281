//! The bot's monthly conversations read from Chatwoot's reports API
//! (`handoff conversations --from-chatwoot`) against a real HTTP server that
//! answers with a summary in Chatwoot's format (`tests/fixtures/chatwoot/`):
//! the month is asked for in the workspace's zone, the token travels in the
//! `api_access_token` header and stays in the keychain, the address is kept
//! for next month, the figure feeds escalation rate, and a refused token says
//! what to do. No Chatwoot can run here; the server is a stand-in.

use crate::support::keychain::Keychain;
use crate::support::web::Web;
use crate::support::{conversations, fails, fixture, handoff, ok, text, with_stdin};
use handoff::Store;
use handoff::insights::outcomes;
use handoff::metrics::Month;
use std::path::Path;
use std::process::Command;

const PATH: &str = "/api/v2/accounts/3/reports/summary";
/// `handoff conversations -w alps --month MONTH --from-chatwoot [ADDRESS …]`.
fn from_chatwoot<'a>(cmd: &'a mut Command, month: &str, more: &[&str]) -> &'a mut Command {
    cmd.args(["conversations", "-w", "alps", "--month", month, "--from-chatwoot"]).args(more)
}

fn count(db: &Path, month: &str) -> Option<(i64, String)> {
    conversations(db, "alps", month)
}

#[test]
fn the_months_conversations_come_from_chatwoot_and_feed_the_escalation_rate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let kc = Keychain::start();
    let web = Web::start();
    web.route(
        PATH,
        "application/json; charset=utf-8",
        &std::fs::read_to_string(fixture("chatwoot/reports-summary.json")).unwrap(),
    );
    ok(handoff(&db).args(["workspace", "add", "alps", "--name", "Bergblick", "--tz", "Europe/Berlin"]));
    let address = format!("{}/app/accounts/3/inbox/7", web.url());

    let out = with_stdin(
        from_chatwoot(kc.apply(&mut handoff(&db)), "2026-11", &[&address, "--token-stdin"]),
        "cw-admin-token-1",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("412 conversations in 2026-11"), "{}", text(&out.stdout));
    // November in Berlin: 2026-10-31 23:00 UTC to a second before 2026-11-30 23:00 UTC.
    assert_eq!(
        web.seen(),
        vec![format!("127.0.0.1{PATH}?type=inbox&id=7&since=1793487600&until=1796079599")]
    );
    assert!(
        web.headers()[0].iter().any(|h| h == "api_access_token: cw-admin-token-1"),
        "{:?}",
        web.headers()
    );
    assert_eq!(count(&db, "2026-11"), Some((412, "chatwoot".to_string())));
    assert_eq!(kc.lookup("alps/chatwoot").as_deref(), Some("cw-admin-token-1"));
    let file = std::fs::read(&db).unwrap();
    assert!(!file.windows(16).any(|w| w == b"cw-admin-token-1"), "the token is not in the data file");

    // Next month: the kept address and token.
    ok(from_chatwoot(kc.apply(&mut handoff(&db)), "2026-12", &[]));
    assert_eq!(web.seen()[1], format!("127.0.0.1{PATH}?type=inbox&id=7&since=1796079600&until=1798757999"));
    assert_eq!(count(&db, "2026-12").map(|c| c.0), Some(412));

    // The figure is the escalation rate's denominator (0 handoffs of 412 → rate 0).
    let store = Store::open(&db).unwrap();
    let ws = store.workspace("alps").unwrap().unwrap();
    let m = outcomes(&store, &ws, Month::parse("2026-11").unwrap()).unwrap();
    assert_eq!((m.conversations, m.conversations_source.as_deref()), (Some(412), Some("chatwoot")));
    drop(store);

    // A token that is not an administrator's, as Chatwoot answers it.
    web.answer(PATH, 401, "application/json", r#"{"error":"You are not authorized to do this action"}"#);
    let october = || fails(from_chatwoot(kc.apply(&mut handoff(&db)), "2026-10", &[]));
    let out = october();
    let err = text(&out.stderr);
    assert!(err.contains("You are not authorized") && err.contains("administrator's token"), "{err}");
    assert_eq!(count(&db, "2026-10"), None, "nothing recorded");
    // An inbox that is not there.
    web.answer(PATH, 404, "application/json", r#"{"error":"Resource could not be found"}"#);
    let out = october();
    assert!(text(&out.stderr).contains("no account 3, inbox 7"), "{}", text(&out.stderr));
}

#[test]
fn without_a_kept_token_or_address_it_says_where_to_get_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let kc = Keychain::start();
    ok(handoff(&db).args(["workspace", "add", "alps", "--name", "Bergblick", "--tz", "Europe/Berlin"]));
    let out = fails(from_chatwoot(kc.apply(&mut handoff(&db)), "2026-11", &[]));
    assert!(text(&out.stderr).contains("no Chatwoot address is kept"), "{}", text(&out.stderr));
    let out = fails(from_chatwoot(
        kc.apply(&mut handoff(&db)),
        "2026-11",
        &["https://app.chatwoot.com/app/accounts/3/inbox/7"],
    ));
    assert!(
        text(&out.stderr).contains("Profile settings → Access token")
            && text(&out.stderr).contains("--token-stdin"),
        "{}",
        text(&out.stderr)
    );
}
