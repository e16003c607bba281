//! Team mode end to end: two app instances (two database files, the real
//! `handoff` binary) sharing one real Dovecot mailbox, and the real SMTP sink
//! delivering the Bcc copy of a reply back into it. B runs the engine
//! (`handoff watch`, IDLE + CONDSTORE); A claims, releases and replies from
//! the command line.

use crate::live::{Watch, add_imap, add_relay, init};
use crate::support::dovecot::{Dovecot, PASSWORD, USER};
use crate::support::keychain::Keychain;
use crate::support::mail::{email_key, handoff_email, handoff_webhook};
use crate::support::relay::Relay;
use crate::support::smtp::{SmtpSink, plain_identity};
use crate::support::{handoff, text};
use handoff::{Store, TeamSettings};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

pub(crate) struct App {
    pub(crate) db: PathBuf,
}

impl App {
    pub(crate) fn new(dir: &Path, name: &str, who: (&str, &str), smtp_port: Option<u16>) -> App {
        let db = dir.join(format!("{name}.db"));
        init(&db);
        let store = Store::open(&db).unwrap();
        let mut ws = store.require_workspace("acme").unwrap();
        ws.settings.team =
            Some(TeamSettings { name: who.0.into(), email: who.1.into(), ..TeamSettings::default() });
        ws.default_promise = Some("within 4 business hours".into());
        if let Some(port) = smtp_port {
            let mut id = plain_identity(port);
            id.bcc = Some(USER.into());
            ws.settings.smtp = Some(id);
        }
        store.update_workspace(&ws).unwrap();
        App { db }
    }

    pub(crate) fn run(&self, kc: &Keychain, args: &[&str]) -> Output {
        let mut c = handoff(&self.db);
        kc.apply(&mut c);
        c.args(args).output().unwrap()
    }

    pub(crate) fn ok(&self, kc: &Keychain, args: &[&str]) -> String {
        let out = self.run(kc, args);
        assert!(out.status.success(), "{args:?} failed: {}{}", text(&out.stdout), text(&out.stderr));
        text(&out.stdout)
    }

    pub(crate) fn id(&self, key: &str) -> i64 {
        let s = Store::open(&self.db).unwrap();
        let ws = s.require_workspace("acme").unwrap();
        s.handoff_by_key(ws.id, key).unwrap().unwrap_or_else(|| panic!("no handoff {key} in {:?}", self.db))
    }

    pub(crate) fn claim_holder(&self, id: i64) -> Option<String> {
        Store::open(&self.db).unwrap().team_state(id).unwrap().claim.map(|c| c.by.email)
    }
}

fn team_event(v: &Value, id: i64) -> bool {
    v["event"] == "team" && v["handoff_id"] == id
}

fn holder(v: &Value) -> Option<&str> {
    v["team"]["claim"]["by"]["email"].as_str()
}

pub(crate) const DANA: (&str, &str) = ("Dana", "dana@example.test");
pub(crate) const SAM: (&str, &str) = ("Sam", "sam@example.test");

#[test]
fn claims_and_answers_travel_through_the_shared_mailbox_between_two_apps() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, Some(sink.port));
    let b = App::new(dir.path(), "b", SAM, Some(sink.port));
    for app in [&a, &b] {
        let out = add_imap(&app.db, &kc, &d, "shared", PASSWORD, true);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    d.append_all("INBOX", &(1..=4).map(|n| handoff_email("team", n)).collect::<Vec<_>>());
    let mut watch_b = Watch::start(&b.db, &kc);
    for n in 1..=4 {
        watch_b
            .wait_for(20, |v| v["event"] == "received" && v["handoff"]["source_key"] == email_key("team", n));
    }
    a.ok(&kc, &["sync"]);
    let (a1, b1) = (a.id(&email_key("team", 1)), b.id(&email_key("team", 1)));

    // A claims: B, idling on the folder, shows it within 5 s.
    let out = a.ok(&kc, &["claim", &a1.to_string()]);
    assert!(out.contains("claimed by you"), "{out}");
    let claimed = Instant::now();
    let v = watch_b.wait_for(5, |v| team_event(v, b1) && holder(v) == Some(DANA.1));
    assert!(claimed.elapsed() <= Duration::from_secs(5));
    eprintln!("A's claim was seen by B's engine {} ms after `claim` returned", claimed.elapsed().as_millis());
    let shown = b.ok(&kc, &["show", &b1.to_string()]);
    assert!(shown.contains("Claimed by") && shown.contains("Dana <dana@example.test>"), "{shown}");
    assert_eq!(v["team"]["claim"]["by"]["name"], "Dana");
    assert_eq!(v["team"]["claim"]["mine"], false);
    // The keyword is on the message for mail programs too.
    let flags = d.flags(USER, "INBOX");
    assert!(flags[0].iter().any(|f| f == "$HandoffClaimed"), "{flags:?}");

    // B cannot take it, and B's reply is held back with the reason.
    let out = b.run(&kc, &["claim", &b1.to_string()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Dana <dana@example.test> has claimed this handoff"),
        "{}",
        text(&out.stderr)
    );
    let out = b.run(&kc, &["reply", &b1.to_string(), "-m", "Hello from Sam"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("Dana claimed this at") && err.contains("--anyway"), "{err}");
    assert!(sink.deliveries().is_empty(), "nothing may be sent: {:?}", sink.deliveries());

    // A replies (Bcc to the shared mailbox): B sees it answered by Dana, promise met, no new handoff.
    let handoffs_before = Store::open(&b.db).unwrap().count(None).unwrap();
    let out = a.ok(&kc, &["reply", &a1.to_string(), "-m", "Yes, order team-1 ships Monday."]);
    assert!(out.contains("Sent to"), "{out}");
    let v = watch_b.wait_for(20, |v| team_event(v, b1) && v["team"]["answers"][0]["by"]["email"] == DANA.1);
    assert_eq!(v["team"]["answers"][0]["mine"], false);
    // On A, the Bcc copy and A's own record are one answer.
    let answers_a = Store::open(&a.db).unwrap().team_state(a1).unwrap().answers;
    assert_eq!(answers_a.len(), 1, "{answers_a:?}");
    assert!(answers_a[0].mine);
    let sb = Store::open(&b.db).unwrap();
    assert_eq!(sb.count(None).unwrap(), handoffs_before, "the Bcc copy must not become a handoff");
    assert_eq!(sb.handoff(b1).unwrap().unwrap().status, handoff::Status::Replied);
    let promise = sb.promise(b1).unwrap().expect("the workspace's default promise");
    assert!(promise.met_at.is_some(), "B's promise is met by Dana's reply: {promise:?}");
    let detail = sb.detail(b1).unwrap();
    assert!(
        detail.events.iter().any(|e| e.detail.as_deref().is_some_and(|d| d.contains("answered by Dana"))),
        "{:?}",
        detail.events
    );
    // B's composer now warns that Dana answered.
    let out = b.run(&kc, &["reply", &b1.to_string(), "-m", "Me too"]);
    assert!(text(&out.stderr).contains("Dana already answered this visitor"), "{}", text(&out.stderr));

    // Release: A claims #2 and gives it back; B sees both.
    let (a2, b2) = (a.id(&email_key("team", 2)), b.id(&email_key("team", 2)));
    a.ok(&kc, &["claim", &a2.to_string()]);
    watch_b.wait_for(5, |v| team_event(v, b2) && holder(v) == Some(DANA.1));
    let out = a.ok(&kc, &["release", &a2.to_string()]);
    assert!(out.contains("released"), "{out}");
    watch_b.wait_for(5, |v| team_event(v, b2) && v["team"]["claim"].is_null());
    assert_eq!(a.claim_holder(a2), None);
    // B can claim it now, and A sees B's claim after a sync.
    b.ok(&kc, &["claim", &b2.to_string()]);
    a.ok(&kc, &["sync"]);
    assert_eq!(a.claim_holder(a2).as_deref(), Some(SAM.1));
    watch_b.stop();

    // Both claim #3 at the same moment: exactly one wins, and both apps agree.
    let (a3, b3) = (a.id(&email_key("team", 3)), b.id(&email_key("team", 3)));
    let (ka, kb) = (&kc, &kc);
    let (out_a, out_b) = std::thread::scope(|s| {
        let ta = s.spawn(|| a.run(ka, &["claim", &a3.to_string()]));
        let tb = s.spawn(|| b.run(kb, &["claim", &b3.to_string()]));
        (ta.join().unwrap(), tb.join().unwrap())
    });
    let won = [&out_a, &out_b].iter().filter(|o| text(&o.stdout).contains("claimed by you")).count();
    assert_eq!(
        won,
        1,
        "A: {}{}\nB: {}{}",
        text(&out_a.stdout),
        text(&out_a.stderr),
        text(&out_b.stdout),
        text(&out_b.stderr)
    );
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let (ha, hb) = (a.claim_holder(a3), b.claim_holder(b3));
    assert!(ha.is_some() && ha == hb, "A sees {ha:?}, B sees {hb:?}");
    let flags = d.flags(USER, "INBOX");
    let claimers = flags[2].iter().filter(|f| f.starts_with("$HD:")).count();
    assert_eq!(claimers, 1, "one claimer keyword stays on the raced message: {flags:?}");

    // Offline: A's claim on #4 waits while the server is down and is shared on reconnect.
    let (a4, b4) = (a.id(&email_key("team", 4)), b.id(&email_key("team", 4)));
    let mut d = d;
    d.stop();
    let out = a.run(&kc, &["claim", &a4.to_string()]);
    assert_eq!(out.status.code(), Some(4), "exit code 4: recorded, not shared yet");
    assert!(text(&out.stdout).contains("not shared with the team yet"), "{}", text(&out.stdout));
    d.start_again();
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    assert_eq!(b.claim_holder(b4).as_deref(), Some(DANA.1));
    let state = Store::open(&a.db).unwrap().team_state(a4).unwrap();
    assert_eq!(state.claim.map(|c| (c.mine, c.pending)), Some((true, None)));
}

#[test]
fn a_mailbox_without_keywords_is_reported_and_the_claim_stays_local() {
    let kc = Keychain::start();
    let d = Dovecot::start_without_keywords();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    assert!(add_imap(&a.db, &kc, &d, "shared", PASSWORD, true).status.success());
    d.append("INBOX", &handoff_email("nokw", 1));
    a.ok(&kc, &["sync"]);
    let id = a.id(&email_key("nokw", 1));
    let out = a.ok(&kc, &["claim", &id.to_string()]);
    assert!(out.contains("does not let apps set keywords"), "{out}");
    // The engine says so where sources report their state.
    let mut watch = Watch::start(&a.db, &kc);
    watch.wait_for(20, |v| {
        v["event"] == "status"
            && v["message"].as_str().is_some_and(|m| m.contains("team claims stay on this computer"))
    });
    watch.stop();
    let flags = d.flags(USER, "INBOX");
    assert!(!flags.concat().iter().any(|f| f.starts_with('$')), "no keyword may land: {flags:?}");
}

#[test]
fn relay_handoffs_share_claims_and_answers_through_the_relay() {
    let kc = Keychain::start();
    let relay = Relay::start();
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, Some(sink.port));
    let b = App::new(dir.path(), "b", SAM, Some(sink.port));
    for app in [&a, &b] {
        assert!(add_relay(&app.db, &kc, &relay, "hooks").status.success());
    }
    for n in 1..=2 {
        relay.post(&handoff_webhook("rteam", n));
    }
    let mut watch_b = Watch::start(&b.db, &kc);
    for _ in 1..=2 {
        watch_b.wait_for(20, |v| v["event"] == "received");
    }
    a.ok(&kc, &["sync"]);
    // The same event is the same handoff in both files: match them by source key.
    let first = |app: &App| {
        let s = Store::open(&app.db).unwrap();
        let mut all = s.list(&Default::default()).unwrap();
        all.sort_by_key(|h| h.source_key.clone());
        (all[0].id, all[0].source_key.clone())
    };
    let ((a1, ka), (b1, kb)) = (first(&a), first(&b));
    assert_eq!(ka, kb);

    a.ok(&kc, &["claim", &a1.to_string()]);
    watch_b.wait_for(5, |v| team_event(v, b1) && holder(v) == Some(DANA.1));
    let out = b.run(&kc, &["claim", &b1.to_string()]);
    assert!(text(&out.stderr).contains("Dana <dana@example.test> has claimed"), "{}", text(&out.stderr));
    let out = b.run(&kc, &["reply", &b1.to_string(), "-m", "Sam here"]);
    assert!(text(&out.stderr).contains("Dana claimed this at"), "{}", text(&out.stderr));

    // A's reply goes to the visitor only; the relay records the answer and B sees it.
    let out = a.ok(&kc, &["reply", &a1.to_string(), "-m", "Dana here: yes, we can."]);
    assert!(out.contains("Sent to"), "{out}");
    let sent = sink.deliveries();
    let message_id = sent[0]["message_id"].as_str().unwrap().trim_matches(['<', '>']).to_string();
    a.ok(&kc, &["sync"]);
    let v = watch_b.wait_for(10, |v| team_event(v, b1) && v["team"]["answers"][0]["by"]["email"] == DANA.1);
    assert_eq!(v["team"]["answers"][0]["message_id"], message_id.as_str());
    let promise = Store::open(&b.db).unwrap().promise(b1).unwrap().expect("the default promise");
    assert!(promise.met_at.is_some(), "{promise:?}");

    a.ok(&kc, &["release", &a1.to_string()]);
    watch_b.wait_for(5, |v| team_event(v, b1) && v["team"]["claim"].is_null());
    watch_b.stop();
}

#[test]
fn replies_saved_in_the_shared_sent_folder_count_as_answers() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    {
        let store = Store::open(&a.db).unwrap();
        let mut ws = store.require_workspace("acme").unwrap();
        ws.settings.team.as_mut().unwrap().sent_folder = Some("Sent".into());
        store.update_workspace(&ws).unwrap();
    }
    assert!(add_imap(&a.db, &kc, &d, "shared", PASSWORD, true).status.success());
    d.append("INBOX", &handoff_email("sent", 1));
    d.create("Sent");
    a.ok(&kc, &["sync"]);
    let id = a.id(&email_key("sent", 1));
    // Kim's mail program saved her reply (sent through the shared account) in Sent.
    let date = chrono::Utc::now().to_rfc2822();
    let reply = format!(
        "From: Leads <{USER}>\r\nTo: visitor1.sent@example.org\r\nSubject: Re: your question\r\n\
         Date: {date}\r\nMessage-ID: <kim-1@acme.test>\r\nIn-Reply-To: <sent-1@convira.example>\r\n\
         References: <sent-1@convira.example>\r\nX-Handoff-Desk-Teammate: Kim <kim@example.test>\r\n\r\nHello!\r\n"
    );
    d.append("Sent", reply.as_bytes());
    // Mail in Sent that answers no handoff (no thread, another addressee) is not an answer.
    d.append("Sent", b"From: x@example.test\r\nTo: y@example.test\r\nSubject: Lunch?\r\nMessage-ID: <other@acme.test>\r\n\r\nhi\r\n");
    a.ok(&kc, &["sync"]);
    let state = Store::open(&a.db).unwrap().team_state(id).unwrap();
    assert_eq!(state.answers.len(), 1, "{state:?}");
    assert_eq!(
        (state.answers[0].by.name.as_str(), state.answers[0].message_id.as_str()),
        ("Kim", "kim-1@acme.test")
    );
    // The watched folder is still the one synced: new mail there still arrives.
    d.append("INBOX", &handoff_email("sent", 2));
    a.ok(&kc, &["sync"]);
    a.id(&email_key("sent", 2));
    a.ok(&kc, &["sync"]);
    assert_eq!(
        Store::open(&a.db).unwrap().team_state(id).unwrap().answers.len(),
        1,
        "seen once, however often synced"
    );
}

#[test]
fn without_condstore_claims_are_found_by_rescanning_flags_and_a_double_claim_resolves_the_same_everywhere() {
    let kc = Keychain::start();
    let d = Dovecot::start_without_condstore();
    let caps =
        d.session().capabilities().unwrap().iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(" ");
    assert!(!caps.contains("CONDSTORE"), "{caps}");
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let b = App::new(dir.path(), "b", SAM, None);
    for app in [&a, &b] {
        assert!(add_imap(&app.db, &kc, &d, "shared", PASSWORD, true).status.success());
    }
    d.append_all("INBOX", &[handoff_email("nocs", 1), handoff_email("nocs", 2)]);
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let (a1, b1) = (a.id(&email_key("nocs", 1)), b.id(&email_key("nocs", 1)));
    a.ok(&kc, &["claim", &a1.to_string()]);
    b.ok(&kc, &["sync"]);
    assert_eq!(b.claim_holder(b1).as_deref(), Some(DANA.1));
    a.ok(&kc, &["release", &a1.to_string()]);
    b.ok(&kc, &["sync"]);
    assert_eq!(b.claim_holder(b1), None, "the release is seen by the re-scan");

    // Both keywords landed on #2 (what two unconditional stores can do): every app picks the same holder.
    let (a2, b2) = (a.id(&email_key("nocs", 2)), b.id(&email_key("nocs", 2)));
    let mut s = d.session();
    s.select("INBOX").unwrap();
    // Raw: the new keywords make the server announce new PERMANENTFLAGS, which the crate's STORE does not expect.
    s.run_command_and_read_response(
        "STORE 2 +FLAGS ($HandoffClaimed $HD:Sam~sam@example.test $HD:Dana~dana@example.test)",
    )
    .unwrap();
    s.logout().unwrap();
    a.ok(&kc, &["sync"]);
    b.ok(&kc, &["sync"]);
    let (ha, hb) = (a.claim_holder(a2), b.claim_holder(b2));
    assert_eq!(ha.as_deref(), Some(DANA.1), "the first claimer keyword in order holds it");
    assert_eq!(ha, hb);
    let out = b.run(&kc, &["claim", &b2.to_string()]);
    assert!(text(&out.stderr).contains("Dana <dana@example.test> has claimed"), "{}", text(&out.stderr));
}

#[test]
fn the_store_keeps_our_claim_until_the_server_settles_it() {
    use handoff::ingest::{Parsed, email::parse_email};
    use handoff::model::SourceKind;
    use handoff::store::{SeenClaim, Settled, Teammate};
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let mut s = Store::open(&a.db).unwrap();
    let ws = s.require_workspace("acme").unwrap();
    let items = (1..=2)
        .map(|n| Parsed::Handoff(Box::new(parse_email(&handoff_email("st", n), SourceKind::Imap))))
        .collect();
    let ids = s.ingest(&ws, items, chrono::Utc::now()).unwrap().inserted;
    let (me, sam) = (
        Teammate { name: "Dana".into(), email: DANA.1.into() },
        Teammate { name: "Sam".into(), email: SAM.1.into() },
    );
    let now = chrono::Utc::now();

    // Claimed offline and released before it was ever sent: nothing is left to send.
    s.claim_handoff(ids[0], &me, now).unwrap();
    assert_eq!(s.pending_claims(ws.id, SourceKind::Imap).unwrap().len(), 1);
    assert_eq!(s.release_handoff(ids[0], now).unwrap(), None);
    assert!(s.pending_claims(ws.id, SourceKind::Imap).unwrap().is_empty());

    // While ours is on its way, what the server showed before does not overwrite it.
    s.claim_handoff(ids[1], &me, now).unwrap();
    let seen = [SeenClaim { handoff_id: ids[1], holder: Some(sam.clone()), at: None }];
    assert!(s.apply_seen_claims(&seen, Some(&me), now).unwrap().is_empty());
    // The send finds Sam first: his claim stands, ours is gone, and we are told.
    let p = s.pending_claims(ws.id, SourceKind::Imap).unwrap().remove(0);
    s.settle_claim(&p, &Settled::Lost { holder: sam.clone(), at: None }, now).unwrap();
    let c = s.team_state(ids[1]).unwrap().claim.unwrap();
    assert_eq!((c.mine, c.by.email.as_str()), (false, SAM.1));
    assert!(c.note.unwrap().contains("Sam claimed it first"));
    let refused = s.claim_handoff(ids[1], &me, now).unwrap_err().to_string();
    assert!(refused.contains("Sam <sam@example.test> has claimed this handoff"), "{refused}");
    let refused = s.release_handoff(ids[1], now).unwrap_err().to_string();
    assert!(refused.contains("Only they can release it."), "{refused}");
    // Sam releases: the server shows nobody, and so do we.
    let seen = [SeenClaim { handoff_id: ids[1], holder: None, at: None }];
    assert_eq!(s.apply_seen_claims(&seen, Some(&me), now).unwrap(), vec![ids[1]]);
    assert!(s.team_state(ids[1]).unwrap().claim.is_none());
}

#[test]
fn an_imported_handoff_is_claimed_on_this_computer_only_and_says_why() {
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    let file = dir.path().join("n.eml");
    std::fs::write(&file, handoff_email("imp", 1)).unwrap();
    a.ok(&kc, &["import", "-w", "acme", file.to_str().unwrap()]);
    let id = a.id(&email_key("imp", 1));
    let out = a.ok(&kc, &["claim", &id.to_string()]);
    assert!(out.contains("on this computer only") && out.contains("imported from a file"), "{out}");
}
