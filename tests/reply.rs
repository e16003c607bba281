//! Replies end to end against a real SMTP server (aiosmtpd) that delivers into
//! a real Dovecot: the email as the visitor receives it, the outbox across a
//! server outage, and a crash between the send and its commit.

use crate::live::run_with_stdin;
use crate::support::dovecot::{Dovecot, VISITOR};
use crate::support::keychain::Keychain;
use crate::support::smtp::{SMTP_PASS, SMTP_USER, SmtpSink, plain_identity};
use crate::support::{fails, handoff, json_lines, ok, text};
use chrono::Utc;
use handoff::Store;
use handoff::model::{PromiseState, Status};
use handoff::reply::worker::{self, Backoff};
use handoff::reply::{self, Draft};
use handoff::store::ReplyKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const NOTIFICATION_ID: &str = "<handoff-77@convira.example>";

fn notification() -> Vec<u8> {
    format!(
        "From: Convira Bot <notifications@convira.example>\r\n\
         To: helpdesk@example.test\r\n\
         Subject: New handoff: Dana Reyes\r\n\
         Date: {}\r\n\
         Message-ID: {NOTIFICATION_ID}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Name: Dana Reyes\r\n\
         Email: {VISITOR}\r\n\
         Page: https://acme.test/heaters\r\n\
         Reason: No answer found\r\n\
         Question: Do you service <b>tankless</b> heaters & boilers?\r\n\
         Promise: We'll get back to you within 4 business hours.\r\n",
        Utc::now().to_rfc2822()
    )
    .into_bytes()
}

struct Rig {
    _dir: tempfile::TempDir,
    db: PathBuf,
    kc: Keychain,
    dovecot: Dovecot,
    smtp: SmtpSink,
    id: i64,
}

impl Rig {
    fn start() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let dovecot = Dovecot::start();
        let smtp = SmtpSink::start(&dovecot);
        let kc = Keychain::start();
        ok(handoff(&db).args(["init", "--workspace", "acme", "--tz", "America/New_York"]));
        let eml = dir.path().join("n.eml");
        std::fs::write(&eml, notification()).unwrap();
        ok(handoff(&db).args(["import", "-w", "acme"]).arg(&eml));
        let id = json_lines(&ok(handoff(&db).args(["list", "--json"])))[0]["id"].as_i64().unwrap();
        Rig { _dir: dir, db, kc, dovecot, smtp, id }
    }

    fn cli(&self) -> Command {
        let mut c = handoff(&self.db);
        self.kc.apply(&mut c);
        c
    }

    fn smtp_set(&self, password: &str) -> std::process::Output {
        let port = self.smtp.port.to_string();
        let mut c = self.cli();
        c.args(["smtp", "set", "-w", "acme", "--host", "127.0.0.1", "--port", &port, "--tls", "plain"]);
        c.args([
            "--user",
            SMTP_USER,
            "--from",
            "help@acme.test",
            "--name",
            "Sam at Acme",
            "--password-stdin",
        ]);
        run_with_stdin(&mut c, password)
    }

    fn visitor_mail(&self) -> Vec<Vec<u8>> {
        self.dovecot.fetch_all(VISITOR, "INBOX")
    }
}

fn header<'a>(m: &'a mail_parser::Message<'a>, name: &str) -> String {
    m.header_raw(name).unwrap_or_default().trim().to_string()
}

#[test]
fn a_reply_is_delivered_once_threaded_to_the_handoff_with_the_question_quoted() {
    let rig = Rig::start();
    let set = rig.smtp_set(SMTP_PASS);
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert_eq!(rig.kc.lookup("acme/smtp").as_deref(), Some(SMTP_PASS), "the password is in the keychain");
    let db_bytes = std::fs::read(&rig.db).unwrap();
    assert!(!db_bytes.windows(SMTP_PASS.len()).any(|w| w == SMTP_PASS.as_bytes()), "never in the data file");

    let draft = ok(rig.cli().args(["reply", &rig.id.to_string(), "--draft"]));
    assert!(draft.contains("> Do you service <b>tankless</b> heaters & boilers?"), "{draft}");
    assert!(draft.contains(reply::ANSWER_MARKER));

    let out =
        ok(rig.cli().args(["reply", &rig.id.to_string(), "--message", "Yes — every make, within the week."]));
    assert!(out.contains("Sent to"), "{out}");

    let mail = rig.visitor_mail();
    assert_eq!(mail.len(), 1, "delivered once");
    assert_eq!(rig.smtp.deliveries().len(), 1);
    let m = mail_parser::MessageParser::default().parse(&mail[0]).unwrap();
    let detail: serde_json::Value =
        serde_json::from_str(&ok(rig.cli().args(["show", &rig.id.to_string(), "--json"]))).unwrap();
    let sent = &detail["replies"][0];
    assert_eq!(header(&m, "Message-ID"), sent["message_id"].as_str().unwrap());
    assert_eq!(header(&m, "In-Reply-To"), NOTIFICATION_ID);
    assert_eq!(header(&m, "References"), NOTIFICATION_ID);
    assert!(header(&m, "From").contains("Sam at Acme") && header(&m, "From").contains("help@acme.test"));
    assert_eq!(header(&m, "To"), VISITOR);
    assert!(m.subject().unwrap().starts_with("Re: your question"), "{:?}", m.subject());
    let plain = m.body_text(0).unwrap();
    assert!(plain.contains("Hi Dana,"), "{plain}");
    assert!(plain.contains("> Do you service <b>tankless</b> heaters & boilers?"), "{plain}");
    assert!(plain.contains("Yes — every make, within the week."));
    assert!(!plain.contains(reply::ANSWER_MARKER));
    let html = m.body_html(0).unwrap();
    assert!(
        html.contains("&lt;b&gt;tankless&lt;/b&gt; heaters &amp; boilers"),
        "escaped, never markup: {html}"
    );
    assert!(html.contains("<blockquote"));

    assert_eq!(detail["promise"]["state"], "met");
    assert_eq!(detail["status"], "replied");
    assert!(detail["events"].as_array().unwrap().iter().any(|e| e["kind"] == "replied"));
    assert!(
        detail["follow_ups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "second_attempt" && f["done_at"].is_null())
    );
}

#[test]
fn a_wrong_smtp_password_is_refused_before_anything_is_saved() {
    let rig = Rig::start();
    let out = rig.smtp_set("not-the-password");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("refused the login") && err.contains("Nothing was saved"), "{err}");
    assert_eq!(rig.kc.lookup("acme/smtp"), None);
    let err = text(&fails(rig.cli().args(["reply", &rig.id.to_string(), "-m", "hi"])).stderr);
    assert!(err.contains("no reply identity") && err.contains("handoff smtp set"), "{err}");
}

fn open_workspace(db: &Path, port: u16) -> (Store, handoff::Workspace) {
    let store = Store::open(db).unwrap();
    let mut ws = store.workspace("acme").unwrap().unwrap();
    ws.settings.smtp = Some(plain_identity(port));
    store.update_workspace(&ws).unwrap();
    (store, ws)
}

#[test]
fn with_the_server_down_a_reply_waits_in_the_outbox_and_goes_out_once_when_it_returns() {
    let mut rig = Rig::start();
    let (mut store, ws) = open_workspace(&rig.db, rig.smtp.port);
    let h = store.handoff(rig.id).unwrap().unwrap();
    let draft = Draft { subject: "Re: heaters".into(), body: "Yes, we do.".into() };
    let mail = reply::reply_to_visitor(&ws, &h, ReplyKind::Reply, &draft).unwrap();
    store.queue_reply(&ws, &mail, Utc::now()).unwrap();

    rig.smtp.stop();
    let fast = Backoff { min: Duration::from_millis(300), max: Duration::from_secs(1) };
    let first = worker::run_due(&mut store, None, &Utc::now, fast).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].state, "pending");
    assert!(first[0].message.contains("cannot reach the SMTP server"), "{}", first[0].message);
    assert!(worker::run_due(&mut store, None, &Utc::now, fast).unwrap().is_empty(), "not before its backoff");
    assert_eq!(
        store.promise(rig.id).unwrap().unwrap().state,
        PromiseState::Running,
        "queued is not answered"
    );

    rig.smtp.start_again();
    let mut tries = 0;
    loop {
        let r = worker::run_due(&mut store, None, &Utc::now, fast).unwrap();
        if r.iter().any(|r| r.state == "done") {
            break;
        }
        tries += 1;
        assert!(tries < 100, "never delivered: {r:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(worker::run_due(&mut store, None, &Utc::now, fast).unwrap().is_empty());
    assert_eq!(rig.smtp.deliveries().len(), 1);
    assert_eq!(rig.visitor_mail().len(), 1, "delivered once");
    assert_eq!(store.promise(rig.id).unwrap().unwrap().state, PromiseState::Met);
    assert_eq!(store.handoff(rig.id).unwrap().unwrap().status, Status::Replied);
}

#[test]
fn a_crash_between_send_and_commit_never_sends_twice() {
    let rig = Rig::start();
    assert!(rig.smtp_set(SMTP_PASS).status.success());
    let out = rig
        .cli()
        .env(worker::CRASH_AFTER_SEND_ENV, "1")
        .args(["reply", &rig.id.to_string(), "-m", "Yes, we do."])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the process died mid-way");
    assert_eq!(rig.smtp.deliveries().len(), 1, "the server got it before the crash");

    // Next run: the job's process is gone, so it is `unsure`, not retried.
    let jobs = json_lines(&ok(rig.cli().args(["outbox", "--json"])));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["state"], "unsure", "{jobs:?}");
    assert!(jobs[0]["last_error"].as_str().unwrap().contains("outbox resend"));
    let run = ok(rig.cli().args(["outbox", "run"]));
    assert!(run.contains("Nothing due"), "{run}");
    let mut watch = rig.cli().args(["watch", "--json"]).stdout(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let _ = watch.kill();
    let _ = watch.wait();
    assert_eq!(rig.smtp.deliveries().len(), 1, "nothing sent twice");
    assert_eq!(rig.visitor_mail().len(), 1);

    // Resending is the owner's explicit call; it keeps the Message-ID, so mail clients show one message.
    let first_id = rig.smtp.deliveries()[0]["message_id"].clone();
    ok(rig.cli().args(["outbox", "resend", &jobs[0]["id"].to_string()]));
    let d = rig.smtp.deliveries();
    assert_eq!(d.len(), 2);
    assert_eq!(d[1]["message_id"], first_id);
}

#[test]
fn a_workspace_reply_template_fills_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(handoff(&db).args(["init", "--workspace", "acme"]));
    let eml = dir.path().join("n.eml");
    std::fs::write(&eml, notification()).unwrap();
    ok(handoff(&db).args(["import", "-w", "acme"]).arg(&eml));
    let tpl = dir.path().join("reply.txt");
    std::fs::write(
        &tpl,
        "Subject: About {page}\n\nDear {visitor_name},\n{quoted_question}\n[Write your answer here]\n",
    )
    .unwrap();
    ok(handoff(&db).args(["workspace", "set", "acme", "--reply-template"]).arg(&tpl));
    let draft = ok(handoff(&db).args(["reply", "1", "--draft"]));
    assert!(
        draft.starts_with("Subject: About https://acme.test/heaters\n\nDear Dana Reyes,\n> Do you service"),
        "{draft}"
    );
    std::fs::write(&tpl, "no subject line").unwrap();
    let err =
        text(&fails(handoff(&db).args(["workspace", "set", "acme", "--reply-template"]).arg(&tpl)).stderr);
    assert!(err.contains("must start with a \"Subject: …\" line"), "{err}");
}
