//! Team mode, issue 26: one truth across teammates. Two app instances (two
//! database files, the real `handoff` binary) on one real Dovecot mailbox:
//! acting on a stale local copy, lost offline claims, one received time for
//! everyone, settings changed under a running engine. Replies from ordinary
//! mail programs: `team_answers.rs`.

use crate::live::{Watch, add_imap};
use crate::support::dovecot::{Dovecot, PASSWORD, USER};
use crate::support::keychain::Keychain;
use crate::support::mail::{email_key, handoff_email};
use crate::support::smtp::SmtpSink;
use crate::support::text;
use crate::team::{App, DANA, SAM};
use chrono::{DateTime, Duration as Span, FixedOffset, Utc};
use handoff::Store;
use serde_json::Value;

/// `claim` and `reply` exit codes (README, "Using Handoff Desk as a team").
const HELD_BY_TEAMMATE: i32 = 3;
const NOT_SHARED_YET: i32 = 4;

fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn both_sources(a: &App, b: &App, kc: &Keychain, d: &Dovecot) {
    for app in [a, b] {
        let out = add_imap(&app.db, kc, d, "shared", PASSWORD, true);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

#[test]
fn with_no_engine_running_claim_and_reply_ask_the_server_first() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, Some(sink.port));
    let b = App::new(dir.path(), "b", SAM, Some(sink.port));
    both_sources(&a, &b, &kc, &d);
    d.append_all("INBOX", &[handoff_email("stale", 1), handoff_email("stale", 2)]);
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let (a1, b1) = (a.id(&email_key("stale", 1)), b.id(&email_key("stale", 1)));
    let (a2, b2) = (a.id(&email_key("stale", 2)), b.id(&email_key("stale", 2)));

    // Sam claims #1 on the server; Dana's copy has not heard of it.
    b.ok(&kc, &["claim", &b1.to_string()]);
    assert_eq!(a.claim_holder(a1), None, "A has not synced");
    let out = a.run(&kc, &["reply", &a1.to_string(), "-m", "Hello from Dana"]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), HELD_BY_TEAMMATE, "{}{err}", text(&out.stdout));
    assert!(err.contains("Sam claimed this at") && err.contains("--anyway"), "{err}");
    assert!(sink.deliveries().is_empty(), "nothing may be sent: {:?}", sink.deliveries());
    assert_eq!(a.claim_holder(a1).as_deref(), Some(SAM.1), "A's copy now says what the server says");
    // Insisting sends it.
    let out = a.ok(&kc, &["reply", &a1.to_string(), "-m", "Hello anyway", "--anyway"]);
    assert!(out.contains("Sent to"), "{out}");

    // The reverse: Dana saw Sam's claim on #2, Sam released it since; Dana's claim checks and succeeds.
    b.ok(&kc, &["claim", &b2.to_string()]);
    a.ok(&kc, &["sync"]);
    assert_eq!(a.claim_holder(a2).as_deref(), Some(SAM.1));
    b.ok(&kc, &["release", &b2.to_string()]);
    let out = a.run(&kc, &["claim", &a2.to_string()]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("claimed by you"), "{}", text(&out.stdout));
    // Claiming it again: already ours, still 0.
    let out = a.ok(&kc, &["claim", &a2.to_string()]);
    assert!(out.contains("already yours"), "{out}");
    // And Sam, whose copy still shows #2 free, is refused after the check, with who.
    let out = b.run(&kc, &["claim", &b2.to_string()]);
    assert_eq!(code(&out), HELD_BY_TEAMMATE, "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stderr).contains("Dana <dana@example.test> has claimed"), "{}", text(&out.stderr));
}

#[test]
fn a_queued_claim_that_loses_is_told_in_sync_and_in_watch() {
    let kc = Keychain::start();
    let mut d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let b = App::new(dir.path(), "b", SAM, None);
    both_sources(&a, &b, &kc, &d);
    d.append_all("INBOX", &[handoff_email("lost", 1), handoff_email("lost", 2)]);
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let (a1, b1) = (a.id(&email_key("lost", 1)), b.id(&email_key("lost", 1)));
    let (a2, b2) = (a.id(&email_key("lost", 2)), b.id(&email_key("lost", 2)));

    // Dana claims #1 and #2 offline: recorded, not shared yet.
    d.stop();
    for id in [a1, a2] {
        let out = a.run(&kc, &["claim", &id.to_string()]);
        assert_eq!(code(&out), NOT_SHARED_YET, "{}{}", text(&out.stdout), text(&out.stderr));
        assert!(text(&out.stdout).contains("not shared with the team yet"), "{}", text(&out.stdout));
    }
    d.start_again();
    // Sam gets to the server first with both.
    b.ok(&kc, &["claim", &b1.to_string()]);
    b.ok(&kc, &["claim", &b2.to_string()]);

    // `sync` says the claim was lost, and to whom.
    let out = a.ok(&kc, &["sync"]);
    assert!(out.contains(&format!("#{a1}: your claim was lost: Sam claimed it first")), "{out}");
    assert_eq!(a.claim_holder(a1).as_deref(), Some(SAM.1));
    let events = Store::open(&a.db).unwrap().detail(a1).unwrap().events;
    assert!(events.iter().any(|e| e.kind == "claim_lost"), "{events:?}");
    let out = a.run(&kc, &["claim", &a1.to_string()]);
    assert_eq!(code(&out), HELD_BY_TEAMMATE, "{}", text(&out.stderr));
    // `sync` told #2 too (both were queued); a lost claim told once is not told again.
    assert!(out_has_no_lost_line(&a.ok(&kc, &["sync"])));

    // `watch`: a claim queued offline and lost on reconnect is an event.
    let out = b.ok(&kc, &["release", &b2.to_string()]);
    assert!(out.contains("released"), "{out}");
    a.ok(&kc, &["sync"]);
    assert_eq!(a.claim_holder(a2), None, "A knows #2 is free again");
    d.stop();
    let out = a.run(&kc, &["claim", &a2.to_string()]);
    assert_eq!(code(&out), NOT_SHARED_YET, "{}{}", text(&out.stdout), text(&out.stderr));
    d.start_again();
    b.ok(&kc, &["claim", &b2.to_string()]);
    let mut watch = Watch::start(&a.db, &kc);
    let v = watch.wait_for(30, |v| v["event"] == "claim_lost" && v["handoff_id"] == a2);
    assert_eq!(v["holder"]["email"], SAM.1);
    assert!(v["message"].as_str().unwrap().contains("Sam claimed it first"), "{v}");
    watch.stop();
}

fn out_has_no_lost_line(out: &str) -> bool {
    !out.contains("your claim was lost")
}

/// Append with a given INTERNALDATE (the server's receive time).
fn append_at(d: &Dovecot, folder: &str, message: &[u8], at: DateTime<Utc>) {
    let mut s = d.session();
    let at: DateTime<FixedOffset> = at.fixed_offset();
    s.append_with_flags_and_date(folder, message, &[], Some(at)).unwrap();
    s.logout().unwrap();
}

fn metrics(app: &App, kc: &Keychain, month: &str) -> String {
    app.ok(kc, &["metrics", "--json", "--month", month])
}

/// The promises in `due --json` (a second attempt is the answering
/// teammate's own follow-up, listed only in their app).
fn due(app: &App, kc: &Keychain) -> Vec<(String, String, String)> {
    let out = app.ok(kc, &["due", "--json"]);
    let mut v: Vec<(String, String, String)> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["kind"] == "promise")
        .map(|v| {
            (
                v["handoff"]["source_key"].as_str().unwrap_or_default().to_string(),
                v["kind"].to_string(),
                v["due_at"].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn two_apps_on_one_mailbox_report_the_same_metrics_and_due_list() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, Some(sink.port));
    let b = App::new(dir.path(), "b", SAM, Some(sink.port));
    both_sources(&a, &b, &kc, &d);
    // Received by the server hours before either app fetches them.
    let base = DateTime::from_timestamp(Utc::now().timestamp() - 5 * 3600, 0).unwrap();
    let times: Vec<DateTime<Utc>> = (0..4).map(|k| base + Span::minutes(37 * k)).collect();
    for (n, at) in times.iter().enumerate() {
        append_at(&d, "INBOX", &handoff_email("same", n + 1), *at);
    }
    a.ok(&kc, &["sync"]);
    // Dana answers #1 (Bcc to the shared mailbox) before Sam's app has ever looked.
    let a1 = a.id(&email_key("same", 1));
    a.ok(&kc, &["reply", &a1.to_string(), "-m", "Dana here."]);
    b.ok(&kc, &["sync"]);
    a.ok(&kc, &["sync"]);
    for app in [&a, &b] {
        let s = Store::open(&app.db).unwrap();
        for (n, at) in times.iter().enumerate() {
            let h = s.handoff(app.id(&email_key("same", n + 1))).unwrap().unwrap();
            assert_eq!(h.received_at, *at, "received_at is the server's INTERNALDATE in {:?}", app.db);
        }
        let b1 = app.id(&email_key("same", 1));
        assert!(s.promise(b1).unwrap().unwrap().met_at.is_some(), "Dana's answer meets the promise");
    }
    let mut months: Vec<String> = times.iter().map(|t| t.format("%Y-%m").to_string()).collect();
    months.dedup();
    for month in &months {
        let (ma, mb) = (metrics(&a, &kc, month), metrics(&b, &kc, month));
        assert_eq!(ma, mb, "metrics for {month} differ");
        let v: Value = serde_json::from_str(ma.lines().next().unwrap()).unwrap();
        if times[0].format("%Y-%m").to_string() == *month {
            assert_eq!(v["replied"], 1, "{v}");
        }
    }
    let (da, db) = (due(&a, &kc), due(&b, &kc));
    assert_eq!(da, db);
    assert_eq!(da.len(), 3, "three promises still open: {da:?}");
}

#[test]
fn a_running_engine_gives_new_handoffs_a_promise_set_in_another_process() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    {
        let store = Store::open(&a.db).unwrap();
        let mut ws = store.require_workspace("acme").unwrap();
        ws.default_promise = None;
        store.update_workspace(&ws).unwrap();
    }
    assert!(add_imap(&a.db, &kc, &d, "shared", PASSWORD, true).status.success());
    d.append("INBOX", &handoff_email("prom", 1));
    let mut watch = Watch::start(&a.db, &kc);
    watch.wait_for(20, |v| v["event"] == "received" && v["handoff"]["source_key"] == email_key("prom", 1));
    let first = a.id(&email_key("prom", 1));
    assert!(Store::open(&a.db).unwrap().promise(first).unwrap().is_none());
    a.ok(&kc, &["workspace", "set", "acme", "--promise", "within 2 business hours"]);
    d.append("INBOX", &handoff_email("prom", 2));
    watch.wait_for(20, |v| v["event"] == "received" && v["handoff"]["source_key"] == email_key("prom", 2));
    watch.stop();
    let second = a.id(&email_key("prom", 2));
    let p = Store::open(&a.db).unwrap().promise(second).unwrap();
    assert_eq!(p.and_then(|p| p.text).as_deref(), Some("within 2 business hours"));
    let due = a.ok(&kc, &["due", "--json"]);
    assert!(due.contains(&email_key("prom", 2)), "{due}");
}

/// The imap crate's SEARCH refused a teammate's flag change that Dovecot
/// sends along with the answer once CONDSTORE is on ("Encountered unexpected
/// parse response"), and a lost race was reported as "not shared yet".
#[test]
fn a_teammates_flag_change_arriving_with_our_search_is_read_and_the_claim_is_lost_to_them() {
    use handoff::ingest::imap::{Canceller, ImapConfig, Mailbox, TlsMode};
    use handoff::model::SourceKind;
    use handoff::store::{ClaimOp, PendingClaim, Settled, Teammate};
    let d = Dovecot::start();
    d.append_all("INBOX", &[handoff_email("race", 1), handoff_email("race", 2)]);
    let config = ImapConfig::new("127.0.0.1", d.port, TlsMode::Plain, USER);
    let mut m = Mailbox::connect(&config, PASSWORD, &Canceller::default()).unwrap();
    assert!(m.condstore());
    let dana = Teammate { name: DANA.0.into(), email: DANA.1.into() };
    let pending = |n: usize| PendingClaim {
        handoff_id: n as i64,
        source: SourceKind::Imap,
        source_key: email_key("race", n),
        message_id: Some(format!("race-{n}@convira.example")),
        op: ClaimOp::Claim,
        by: dana.clone(),
    };
    // Our session has read MODSEQs (CONDSTORE is on for it) by claiming #2.
    assert_eq!(m.push_claim(&pending(2)).unwrap(), Settled::Shared);
    // Sam's app claims #1 on its own connection.
    let mut sam = d.session();
    sam.select("INBOX").unwrap();
    sam.run_command_and_read_response("STORE 1 +FLAGS.SILENT ($HandoffClaimed $HD:Sam~sam@example.test)")
        .unwrap();
    sam.logout().unwrap();
    // Our claim of #1: the server tells us of Sam's keywords with its next answer.
    let got = m.push_claim(&pending(1));
    match got {
        Ok(Settled::Lost { holder, .. }) => assert_eq!(holder.email, SAM.1),
        other => panic!("expected the claim lost to Sam, got {other:?}"),
    }
    m.logout();
}

/// A handoff stored before received times were the server's (the fetch time,
/// later than a teammate's answer) still counts as contacted in metrics.
#[test]
fn a_teammates_answer_before_this_copys_received_time_counts_as_contacted() {
    use handoff::ingest::{Parsed, email::parse_email};
    use handoff::metrics::{Month, monthly};
    use handoff::model::SourceKind;
    use handoff::store::{SeenAnswer, Teammate};
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let mut s = Store::open(&a.db).unwrap();
    let ws = s.require_workspace("acme").unwrap();
    let fetched = DateTime::parse_from_rfc3339("2026-11-24T15:00:00Z").unwrap().with_timezone(&Utc);
    let item = Parsed::Handoff(Box::new(parse_email(&handoff_email("old", 1), SourceKind::Imap)));
    let id = s.ingest(&ws, vec![item], fetched).unwrap().inserted[0];
    let sam = Teammate { name: SAM.0.into(), email: SAM.1.into() };
    let answer = SeenAnswer {
        handoff_id: id,
        message_id: "r@acme.test".into(),
        by: sam,
        at: fetched - Span::minutes(5),
    };
    assert!(s.record_answer(&answer, false, true).unwrap());
    let m = monthly(&s, &ws, Month::parse("2026-11").unwrap(), fetched + Span::hours(1)).unwrap();
    assert_eq!((m.replied, m.promises_met, m.first_reply_median_minutes), (1, 1, Some(0)));
}

/// A relay handoff's received time is the relay's, the same in every app
/// whenever each fetched it.
#[test]
fn relay_handoffs_have_the_relays_received_time_in_every_app() {
    use crate::live::add_relay;
    use crate::support::mail::handoff_webhook;
    use crate::support::relay::Relay;
    let kc = Keychain::start();
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let b = App::new(dir.path(), "b", SAM, None);
    for app in [&a, &b] {
        assert!(add_relay(&app.db, &kc, &relay, "hooks").status.success());
    }
    let posted = Utc::now();
    relay.post(&handoff_webhook("rtime", 1));
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let received = |app: &App| {
        let s = Store::open(&app.db).unwrap();
        let all = s.list(&Default::default()).unwrap();
        assert_eq!(all.len(), 1, "{:?}", app.db);
        all[0].received_at
    };
    let (ra, rb) = (received(&a), received(&b));
    assert_eq!(ra, rb, "one received time for both apps");
    assert!(ra >= posted - Span::seconds(1) && ra <= Utc::now(), "{ra} is the relay's receive time");
}
