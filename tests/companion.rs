//! A laptop (`handoff watch`) and the always-on companion (`handoff serve`,
//! secrets in a 0600-file store) watch one mailbox for one workspace whose
//! alerts are sent by the companion. Both are killed (SIGKILL) and restarted
//! at random while handoffs arrive and come due; every Slack alert (counted
//! at the stand-in) and every backup-contact email (counted at the real SMTP
//! server) goes out exactly once, all from the companion.
//!
//! `HANDOFF_TEST_KILLS` sets how many kills (the suite runs 6; the issue's
//! figure is 20: `HANDOFF_TEST_KILLS=20 cargo test -p handoff --test integration companion::`).

use crate::support::alerts::Standin;
use crate::support::dovecot::{BACKUP, Dovecot, PASSWORD, USER};
use crate::support::handoff;
use crate::support::keychain::Keychain;
use crate::support::smtp::{SmtpSink, plain_identity};
use chrono::Utc;
use handoff::Store;
use handoff::model::*;
use handoff::store::NewWorkspace;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Side {
    db: PathBuf,
    env: Vec<(String, String)>,
    serve: bool,
    child: Option<Child>,
    log: PathBuf,
}

impl Drop for Side {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Side {
    fn cmd(&self) -> Command {
        let mut c = handoff(&self.db);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    fn run_stdin(&self, args: &[&str], stdin: &str) {
        let mut child = self
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn start(&mut self) {
        let log = std::fs::File::options().create(true).append(true).open(&self.log).unwrap();
        let mut c = self.cmd();
        c.arg(if self.serve { "serve" } else { "watch" })
            .env("HANDOFF_TICK_MS", "300")
            .env("HANDOFF_ALERT_GAP_MS", "20")
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        self.child = Some(c.spawn().unwrap());
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }
}

fn setup(side: &Side, d: &Dovecot, smtp_port: u16, slack: &str) {
    {
        let store = Store::open(&side.db).unwrap();
        let mut ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
        ws.hours = BusinessHours::parse_week("mon-sun 00:00-24:00", vec![]).unwrap();
        ws.default_promise = Some("We'll reply within 1 minute".into());
        ws.backup_contact = Some(BACKUP.into());
        ws.settings.follow_ups.reminder_before_minutes = 0;
        ws.settings.follow_ups.backup_before_minutes = 0;
        ws.settings.follow_ups.backup_email = true;
        ws.settings.follow_ups.second_attempt_after_days = 0;
        ws.settings.smtp = Some(plain_identity(smtp_port));
        store.update_workspace(&ws).unwrap();
    }
    let port = d.port.to_string();
    side.run_stdin(
        &[
            "source",
            "add",
            "imap",
            "-w",
            "acme",
            "--name",
            "support",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "plain",
            "--user",
            USER,
            "--password-stdin",
        ],
        PASSWORD,
    );
    side.run_stdin(&["alerts", "set", "slack", "-w", "acme", "--url-stdin"], slack);
    let out = side.cmd().args(["alerts", "sender", "-w", "acme", "companion"]).output().unwrap();
    assert!(out.status.success());
    let store = Store::open(&side.db).unwrap();
    let mut ws = store.workspace("acme").unwrap().unwrap();
    ws.settings.alerts.since = Some(Utc::now() - chrono::Duration::minutes(1));
    store.update_workspace(&ws).unwrap();
}

fn notification(n: usize) -> Vec<u8> {
    format!(
        "From: Convira Bot <notifications@convira.example>\r\nTo: {USER}\r\n\
         Subject: New handoff: visitor {n} needs a human\r\nDate: {}\r\n\
         Message-ID: <companion-{n}@convira.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Name: Visitor {n}\r\nEmail: visitor{n}@example.org\r\nPage: https://shop.example.com/pricing\r\n\
         Reason: Visitor asked for a human\r\n\r\nTranscript:\r\nVisitor: Where is order {n}?\r\nBot: Let me get a colleague.\r\n",
        Utc::now().to_rfc2822()
    )
    .into_bytes()
}

fn jobs_of(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    store.jobs(&[]).unwrap().into_iter().map(|j| format!("{}:{}", j.kind, j.state.as_str())).collect()
}

#[test]
fn a_laptop_and_a_companion_killed_at_random_send_each_alert_and_backup_email_once() {
    let kills: usize = std::env::var("HANDOFF_TEST_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(6);
    const HANDOFFS: usize = 5;
    let d = Dovecot::start();
    let smtp = SmtpSink::start(&d);
    let s = Standin::start();
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets");
    let kc_env: Vec<(String, String)> = {
        let mut c = Command::new("true");
        kc.apply(&mut c);
        c.get_envs().filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string()))).collect()
    };
    let mut laptop = Side {
        db: dir.path().join("laptop.db"),
        env: kc_env,
        serve: false,
        child: None,
        log: dir.path().join("laptop.log"),
    };
    let mut companion = Side {
        db: dir.path().join("companion.db"),
        env: vec![("HANDOFF_SECRETS".into(), format!("dir:{}", secrets.display()))],
        serve: true,
        child: None,
        log: dir.path().join("companion.log"),
    };
    setup(&laptop, &d, smtp.port, &s.slack_url());
    setup(&companion, &d, smtp.port, &s.slack_url());
    assert!(secrets.join("acme.alert-slack").is_file() && secrets.join("acme.source-support").is_file());

    laptop.start();
    companion.start();
    let started = Instant::now();
    let mut appended = 0;
    let mut killed = 0;
    let mut rng = fastrand::Rng::with_seed(20);
    // Arrivals over the first part; kills spread until the last due time (+1 min) has passed.
    let window = Duration::from_secs(75);
    while killed < kills || appended < HANDOFFS {
        let now = started.elapsed();
        if appended < HANDOFFS && now >= Duration::from_secs(2 * appended as u64) {
            d.append("INBOX", &notification(appended));
            appended += 1;
        }
        if killed < kills && now >= window.mul_f64(killed as f64 / kills as f64) {
            let side = if rng.bool() { &mut laptop } else { &mut companion };
            side.kill();
            std::thread::sleep(Duration::from_millis(rng.u64(50..1500)));
            side.start();
            killed += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Everything is due a minute after it arrived; wait for all of it.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let alerts = s.arrived("slack").len();
        let mails = smtp.deliveries().len();
        if alerts >= 3 * HANDOFFS && mails >= HANDOFFS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after {kills} kills: {alerts} alerts, {mails} emails; companion jobs {:?}\n{}",
            jobs_of(&companion.db),
            std::fs::read_to_string(&companion.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(3)); // a late double would show now
    laptop.kill();
    companion.kill();

    s.assert_clean();
    // Each handoff: one "new handoff", one backup alert, one breach.
    let mut per: HashMap<String, usize> = HashMap::new();
    for m in s.arrived("slack") {
        let blocks = m["body"]["blocks"].as_array().unwrap().clone();
        let head = blocks[0]["text"]["text"].as_str().unwrap().to_string();
        let who = m["body"]["text"].as_str().unwrap().split(" — ").nth(1).unwrap_or("").to_string();
        *per.entry(format!("{head} | {who}")).or_default() += 1;
    }
    assert_eq!(per.len(), 3 * HANDOFFS, "{per:#?}");
    assert!(per.values().all(|&n| n == 1), "an alert arrived twice: {per:#?}");
    let mails = smtp.deliveries();
    let mut ids: Vec<String> = mails.iter().map(|m| m["message_id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((mails.len(), ids.len()), (HANDOFFS, HANDOFFS), "each backup email once: {mails:?}");
    // The laptop stayed silent: its workspace's sender is the companion.
    assert!(
        jobs_of(&laptop.db).iter().all(|j| !j.starts_with("slack_alert") && !j.starts_with("smtp_send")),
        "{:?}",
        jobs_of(&laptop.db)
    );
}
