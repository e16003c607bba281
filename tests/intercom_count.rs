//! The bot's monthly conversations read from Intercom's search API
//! (`handoff conversations --from-intercom`) against a real HTTP server that
//! answers in Intercom's format (`tests/fixtures/intercom/`): the month is
//! asked for in the workspace's zone with both ends included, only Fin's
//! conversations count unless told otherwise, the token travels as a bearer
//! token and stays in the keychain, the choices are kept for next month, and
//! a refused token or a missing permission says what to do. No Intercom can
//! run here; the server is a stand-in.

use crate::support::keychain::Keychain;
use crate::support::web::Web;
use crate::support::{conversations, fails, fixture, handoff, ok, text, with_stdin};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const PATH: &str = "/conversations/search";
const TOKEN: &str = "dG9rOmludGVyY29tLWUyZQ==";

/// `handoff conversations -w alps --month MONTH --from-intercom [REGION …]`.
fn from_intercom<'a>(cmd: &'a mut Command, month: &str, more: &[&str]) -> &'a mut Command {
    cmd.args(["conversations", "-w", "alps", "--month", month, "--from-intercom"]).args(more)
}

fn count(db: &Path, month: &str) -> Option<(i64, String)> {
    conversations(db, "alps", month)
}

/// The filters of the `n`th search body.
fn filters(web: &Web, n: usize) -> Vec<Value> {
    let body: Value = serde_json::from_str(&web.bodies()[n]).unwrap();
    assert_eq!(body["query"]["operator"], "AND", "{body}");
    assert_eq!(body["pagination"]["per_page"], 1, "one result is enough: total_count counts them all");
    body["query"]["value"].as_array().unwrap().clone()
}

fn header(web: &Web, n: usize, name: &str) -> Option<String> {
    web.headers()[n].iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

const FIN: &str = r#"{"field":"ai_agent_participated","operator":"=","value":true}"#;

#[test]
fn fins_conversations_of_the_month_come_from_intercom() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let kc = Keychain::start();
    let web = Web::start();
    let found = std::fs::read_to_string(fixture("intercom/search-conversations.json")).unwrap();
    web.route(PATH, "application/json; charset=utf-8", &found);
    ok(handoff(&db).args(["workspace", "add", "alps", "--name", "Bergblick", "--tz", "Europe/Berlin"]));

    let out = with_stdin(
        from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &[&web.url(), "--token-stdin"]),
        TOKEN,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("287 conversations Fin took part in in 2026-11"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(web.seen(), vec![format!("127.0.0.1{PATH}")]);
    assert_eq!(header(&web, 0, "authorization").as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(header(&web, 0, "intercom-version").as_deref(), Some("2.14"));
    assert!(header(&web, 0, "content-type").is_some_and(|c| c.starts_with("application/json")));
    // November in Berlin: 2026-10-31 23:00 UTC up to and including a second
    // before 2026-11-30 23:00 UTC (Intercom's > and < include their value).
    let fin: Value = serde_json::from_str(FIN).unwrap();
    assert_eq!(
        filters(&web, 0),
        vec![
            json!({"field": "created_at", "operator": ">", "value": 1793487600}),
            json!({"field": "created_at", "operator": "<", "value": 1796079599}),
            fin.clone(),
        ]
    );
    assert_eq!(count(&db, "2026-11"), Some((287, "intercom".to_string())));
    assert_eq!(kc.lookup("alps/intercom").as_deref(), Some(TOKEN));
    let file = std::fs::read(&db).unwrap();
    assert!(!file.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "the token is not in the data file");

    // Next month: the kept address and token; every conversation, then kept so.
    web.route(
        PATH,
        "application/json",
        r#"{"type":"conversation.list","total_count":1204,"conversations":[]}"#,
    );
    ok(from_intercom(kc.apply(&mut handoff(&db)), "2026-12", &["--every-conversation"]));
    let december = filters(&web, 1);
    assert_eq!(december.len(), 2, "no Fin filter: {december:?}");
    assert_eq!(december[0]["value"], 1796079600);
    assert_eq!(count(&db, "2026-12"), Some((1204, "intercom".to_string())));
    ok(from_intercom(kc.apply(&mut handoff(&db)), "2026-10", &[]));
    assert_eq!(filters(&web, 2).len(), 2, "the choice was kept");
    ok(from_intercom(kc.apply(&mut handoff(&db)), "2026-10", &["--fin-only"]));
    assert_eq!(filters(&web, 3)[2], fin, "and undone");
    assert_eq!(header(&web, 3, "authorization").as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn a_refused_token_a_missing_permission_and_a_wrong_region_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let kc = Keychain::start();
    let web = Web::start();
    ok(handoff(&db).args(["workspace", "add", "alps", "--name", "Bergblick", "--tz", "Europe/Berlin"]));

    // No token kept yet.
    let out = fails(from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &[&web.url()]));
    assert!(
        text(&out.stderr).contains("Developer Hub") && text(&out.stderr).contains("--token-stdin"),
        "{}",
        text(&out.stderr)
    );
    // Intercom's documented 401.
    web.answer(
        PATH,
        401,
        "application/json",
        r#"{"type":"error.list","request_id":"b1c2","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#,
    );
    let out = with_stdin(
        from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &[&web.url(), "--token-stdin"]),
        "wrong",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("Access Token Invalid") && err.contains("Authentication"), "{err}");
    assert_eq!(count(&db, "2026-11"), None, "nothing recorded");
    // A token without the permission.
    web.answer(
        PATH,
        403,
        "application/json",
        r#"{"type":"error.list","errors":[{"code":"token_unauthorized","message":"Token not authorized to access resource"}]}"#,
    );
    let out = fails(from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &[&web.url()]));
    assert!(text(&out.stderr).contains("\"Read conversations\" permission"), "{}", text(&out.stderr));
    // Too many requests.
    web.answer(
        PATH,
        429,
        "application/json",
        r#"{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Rate Limit Exceeded"}]}"#,
    );
    let out = fails(from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &[&web.url()]));
    assert!(
        text(&out.stderr).contains("429") && text(&out.stderr).contains("Try again later"),
        "{}",
        text(&out.stderr)
    );
    // Not a region.
    let out = fails(from_intercom(kc.apply(&mut handoff(&db)), "2026-11", &["uk"]));
    assert!(text(&out.stderr).contains("us, eu or au"), "{}", text(&out.stderr));
    assert_eq!(count(&db, "2026-11"), None);
}
