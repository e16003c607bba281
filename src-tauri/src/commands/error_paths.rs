//! Every registered command that can fail, driven into its failure on a
//! temporary data file (a mock Tauri app holds the same states `run` manages;
//! no webview): the error that crosses IPC has the expected typed code and a
//! message a person can act on that names no CLI command.
//!
//! Not driven here: the commands that take an `AppHandle` (resolve,
//! contacted, snooze, reopen, undo_contacted, unsnooze, load_demo, reparse,
//! claim_handoff, release_handoff, template_save, template_import) need the
//! real runtime's handle, which a mock app cannot give; their failures come
//! from the same `Db::run` and `AppError::from` these tests cross. Commands that
//! cannot fail: list_workspaces, templates, template_remove (removing an unknown
//! template is a no-op), reparse_offer, apply_retention
//! (database faults aside), ui_ready, cancel_sign_in.

use super::{claims, gaps, handoff, inbox, insights, privacy, reply, report, settings, signin, template};
use crate::error::{AppError, CmdResult};
use crate::state::{Db, Gaps, Outbox};
use ::handoff::ErrorCode;
use serde_json::json;
use tauri::Manager;
use tauri::test::{MockRuntime, mock_app};

/// The app with a data file holding one workspace, `acme`.
fn app(dir: &std::path::Path) -> tauri::App<MockRuntime> {
    let path = dir.join("handoff.db");
    // A plain file, made before Db::open so it never asks a keychain to encrypt it.
    drop(::handoff::Store::open(&path).expect("create the data file"));
    let app = mock_app();
    app.manage(Db::open(&path).expect("open the data file"));
    app.manage(Gaps::default());
    app.manage(Outbox::new().0);
    app.manage(signin::SignIns::default());
    let made = block(workspaces_create(&app));
    assert!(made.is_ok(), "the workspace is made");
    app
}

fn workspaces_create(
    app: &tauri::App<MockRuntime>,
) -> impl Future<Output = CmdResult<crate::views::WorkspaceSummary>> {
    settings::create_workspace(app.state(), "acme".into(), "Acme".into(), "Europe/Berlin".into())
}

fn block<T>(f: impl Future<Output = T>) -> T {
    tauri::async_runtime::block_on(f)
}

/// Words that belong to the command line, not to the window.
fn names_cli(message: &str) -> bool {
    ["`handoff ", "handoff source ", "handoff smtp", "handoff list", "--workspace", "--db", "HANDOFF_DB"]
        .iter()
        .any(|w| message.contains(w))
}

/// `code` where this machine has a keychain; `keychain_missing` where it has
/// none (commands that keep a secret open the keychain before anything else).
fn unless_no_keychain(code: ErrorCode) -> ErrorCode {
    if ::handoff::secrets::Keychain::open().is_ok() { code } else { ErrorCode::KeychainMissing }
}

/// The command failed with `code` and a message fit for the window.
fn fails<T>(what: &str, result: CmdResult<T>, code: ErrorCode) -> AppError {
    let e = match result {
        Ok(_) => panic!("{what}: succeeded, expected {code:?}"),
        Err(e) => e,
    };
    assert_eq!(e.code, code, "{what}: {}", e.message);
    assert!(e.message.trim().len() > 10, "{what}: says what happened: {:?}", e.message);
    assert!(!names_cli(&e.message), "{what}: names a CLI command: {}", e.message);
    e
}

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a form the window sends")
}

fn workspace_form(slug: &str, hours: &str) -> crate::views::WorkspaceForm {
    let template = json!({ "subject": "", "body": "", "custom": false });
    from_json(json!({
        "slug": slug, "name": "Acme", "timeZone": "Europe/Berlin",
        "hours": [hours, hours, hours, hours, hours, "", ""], "holidays": [],
        "defaultPromise": "", "backupContact": "", "reminderBeforeMinutes": 0, "backupBeforeMinutes": 0,
        "backupEmail": false, "secondAttemptAfterDays": 0,
        "replyTemplate": template, "secondTemplate": template,
    }))
}

fn imap_form(port: u16) -> crate::views::SourceForm {
    from_json(json!({
        "name": "support", "kind": "imap", "host": "127.0.0.1", "port": port, "tls": "plain",
        "user": "help@acme.test", "folder": "INBOX", "fromFilter": "", "subjectFilter": "", "url": "",
    }))
}

/// A TCP port on this machine that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    port
}

#[test]
fn unknown_workspaces_and_ids_are_not_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(dir.path());
    let nf = ErrorCode::NotFound;
    let month = || "2026-11".to_string();
    let nope = || "nope".to_string();

    let e = fails("settings", block(settings::settings(app.state(), nope())), nf);
    assert!(e.message.contains("no workspace named \"nope\""), "{}", e.message);
    fails("handoff", block(handoff::handoff(app.state(), 999)), nf);
    fails("reply_draft", block(reply::reply_draft(app.state(), 999)), nf);
    fails(
        "send_reply",
        block(reply::send_reply(app.state(), app.state(), 999, "Re".into(), "Hi".into())),
        nf,
    );
    fails("push_to_hubspot", block(handoff::push_to_hubspot(app.state(), app.state(), 999)), nf);
    fails("gap_checklist", block(gaps::gap_checklist(app.state(), app.state(), nope(), None)), nf);
    fails("gap_markdown", block(gaps::gap_markdown(app.state(), app.state(), nope(), month())), nf);
    let e = fails(
        "gap_check",
        block(gaps::gap_check(app.state(), app.state(), "acme".into(), month(), 9, None)),
        nf,
    );
    assert!(e.message.contains("The gap checklist lists them."), "the window's own next step: {}", e.message);
    fails("gap_uncheck", block(gaps::gap_uncheck(app.state(), app.state(), "acme".into(), month(), 9)), nf);
    fails("insights", block(insights::insights(app.state(), nope(), None)), nf);
    fails("briefing", block(report::briefing(app.state(), app.state(), 999)), nf);
    fails("month_report", block(report::month_report(app.state(), app.state(), nope(), None)), nf);
    fails("save_report_pdf", block(report::save_report_pdf(app.state(), app.state(), nope(), month())), nf);
    fails("set_conversations", block(report::set_conversations(app.state(), nope(), month(), 10)), nf);
    fails(
        "read_chatwoot_conversations",
        block(report::read_chatwoot_conversations(app.state(), nope(), month(), None, None)),
        nf,
    );
    fails(
        "read_intercom_conversations",
        block(report::read_intercom_conversations(app.state(), nope(), month(), None, None, None)),
        nf,
    );
    fails("save_workspace", block(settings::save_workspace(app.state(), workspace_form("nope", "9-17"))), nf);
    fails(
        "add_source",
        block(settings::add_source(app.state(), app.state(), nope(), imap_form(143), "pw".into())),
        nf,
    );
    let e = fails("test_source", block(settings::test_source(app.state(), 999)), nf);
    assert!(e.message.contains("Settings → Sources lists them."), "{}", e.message);
    fails("set_source_secret", block(settings::set_source_secret(app.state(), 999, "pw".into())), nf);
    fails(
        "set_source_enabled",
        block(settings::set_source_enabled(app.state(), app.state(), 999, false)),
        nf,
    );
    fails("acknowledge_source_gaps", block(settings::acknowledge_source_gaps(app.state(), 999)), nf);
    fails("remove_source", block(settings::remove_source(app.state(), app.state(), 999)), nf);
    let smtp = from_json(json!({
        "host": "127.0.0.1", "port": 25, "tls": "plain", "user": "", "fromAddress": "help@acme.test",
        "fromName": "", "bcc": "", "oauth": "",
    }));
    fails("save_smtp", block(settings::save_smtp(app.state(), nope(), smtp, None)), nf);
    fails("test_smtp", block(settings::test_smtp(app.state(), nope())), nf);
    let hub = from_json(json!({ "baseUrl": "", "autoPush": false, "leadStatus": false, "ratePer10s": 0 }));
    fails(
        "connect_hubspot",
        block(settings::connect_hubspot(app.state(), app.state(), nope(), hub, None)),
        unless_no_keychain(nf),
    );
    fails("disconnect_hubspot", block(settings::disconnect_hubspot(app.state(), nope())), nf);
    fails("push_all_pending", block(settings::push_all_pending(app.state(), app.state(), nope())), nf);
    let team_form = from_json(json!({
        "enabled": false, "name": "", "email": "", "staleAfterMinutes": 0, "sentFolder": "",
    }));
    fails("save_team", block(claims::save_team(app.state(), app.state(), nope(), team_form)), nf);
    fails("original", block(template::original(app.state(), 999)), nf);
    fails("template_preview", block(template::template_preview(app.state(), 999, Vec::new())), nf);
    fails("template_export", block(template::template_export(app.state(), 999)), nf);
    fails("erase_plan", block(privacy::erase_plan(app.state(), 999)), nf);
    fails("forget_visitor", block(privacy::forget_visitor(app.state(), 999)), nf);
    fails("privacy", block(privacy::privacy(app.state(), nope())), nf);
    let query = from_json(json!({
        "workspace": "nope", "reason": null, "status": null, "overdueOnly": false, "search": null,
        "limit": 50, "offset": 0,
    }));
    fails("inbox", block(inbox::inbox(app.state(), query)), nf);
    fails("finish_sign_in", block(finish_sign_in_unknown(&app)), nf);
}

fn finish_sign_in_unknown(
    app: &tauri::App<MockRuntime>,
) -> impl Future<Output = CmdResult<crate::views::SettingsView>> {
    signin::finish_sign_in(
        app.state(),
        app.state(),
        app.state(),
        42,
        from_json(json!({ "kind": "source", "id": 1 })),
    )
}

#[test]
fn unusable_input_is_invalid_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(dir.path());
    let bad = ErrorCode::InvalidInput;

    fails(
        "create_workspace",
        block(settings::create_workspace(
            app.state(),
            "Not A Slug!".into(),
            "X".into(),
            "Europe/Berlin".into(),
        )),
        bad,
    );
    fails(
        "save_workspace",
        block(settings::save_workspace(app.state(), workspace_form("acme", "17-9 and lunch"))),
        bad,
    );
    let attempt = from_json(json!({ "text": "", "received": "not a time" }));
    fails(
        "try_promise",
        block(settings::try_promise(app.state(), workspace_form("acme", "25:00-26:00"), attempt)),
        bad,
    );
    fails(
        "set_conversations",
        block(report::set_conversations(app.state(), "acme".into(), "November".into(), 10)),
        bad,
    );
    let chatwoot = |address: Option<&str>| {
        block(report::read_chatwoot_conversations(
            app.state(),
            "acme".into(),
            "2026-11".into(),
            address.map(Into::into),
            None,
        ))
    };
    let e = fails("read_chatwoot_conversations (no address kept)", chatwoot(None), unless_no_keychain(bad));
    assert!(e.code != bad || e.message.contains("address of the bot's inbox"), "{}", e.message);
    fails(
        "read_chatwoot_conversations (not an inbox's address)",
        chatwoot(Some("chatwoot.example/app/login")),
        unless_no_keychain(bad),
    );
    let e = fails(
        "read_intercom_conversations (not a region)",
        block(report::read_intercom_conversations(
            app.state(),
            "acme".into(),
            "2026-11".into(),
            Some("uk".into()),
            None,
            None,
        )),
        unless_no_keychain(bad),
    );
    assert!(e.code != bad || e.message.contains("us, eu or au"), "{}", e.message);
    fails(
        "gap_checklist",
        block(gaps::gap_checklist(app.state(), app.state(), "acme".into(), Some("13/2026".into()))),
        bad,
    );
    fails("test_smtp", block(settings::test_smtp(app.state(), "acme".into())), bad);
    let privacy_form = from_json(json!({ "rawDays": 0, "handoffMonths": 0, "redact": false }));
    let backup = from_json(json!({ "daily": true, "keep": 0 }));
    fails(
        "save_privacy",
        block(privacy::save_privacy(app.state(), "acme".into(), privacy_form, backup)),
        bad,
    );
    fails("export_handoffs", block(privacy::export_handoffs(app.state(), None, "xml".into())), bad);
    fails("discover_mailbox", block(signin::discover_mailbox("not an address".into())), bad);
    fails("begin_sign_in", block(signin::begin_sign_in(app.state(), "yahoo".into(), "a@b.test".into())), bad);
    fails(
        "begin_sign_in",
        block(signin::begin_sign_in(app.state(), "google".into(), "no-at-sign".into())),
        bad,
    );
    let mut insecure = imap_form(143);
    insecure.tls = "telepathy".into();
    fails(
        "add_source",
        block(settings::add_source(app.state(), app.state(), "acme".into(), insecure, "pw".into())),
        bad,
    );
}

/// A login check against a closed port: offline, when this machine has a
/// keychain; without one the check cannot start, and the code says so.
#[test]
fn a_server_that_does_not_answer_is_offline_or_the_keychain_is_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(dir.path());
    let has_keychain = ::handoff::secrets::Keychain::open().is_ok();
    let expected = if has_keychain { ErrorCode::Offline } else { ErrorCode::KeychainMissing };
    let form = imap_form(closed_port());
    let e = fails(
        "add_source",
        block(settings::add_source(app.state(), app.state(), "acme".into(), form, "pw".into())),
        expected,
    );
    if !has_keychain {
        assert!(e.message.contains("no OS keychain is available"), "{}", e.message);
    }
}

#[test]
fn every_core_code_travels_typed() {
    let json = serde_json::to_value(AppError::from(::handoff::Error::NoSuchHandoff(3))).expect("serialize");
    assert_eq!(json["code"], "not_found");
    let e = AppError::from(::handoff::Error::Invalid("x".into()));
    assert_eq!(serde_json::to_value(e.code).expect("serialize"), "invalid_input");
}
