//! Catch-up after the computer slept: `handoff watch` is stopped with SIGSTOP
//! across the due times of three handoffs, then continued with SIGCONT. The
//! one still open gets its alert now, marked late, and its backup contact's
//! email (through a real SMTP server into Dovecot), marked late; the one a
//! teammate claimed meanwhile and the one answered meanwhile get no email and
//! no alert — the claimed one is a line in the summary.

use crate::support::alerts::Standin;
use crate::support::dovecot::Dovecot;
use crate::support::keychain::Keychain;
use crate::support::smtp::{SmtpSink, plain_identity};
use crate::support::{handoff, ok};
use chrono::{Duration, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

fn item(key: &str, name: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some(name.into());
    h.visitor.email = Some(format!("{}@example.com", key));
    h.question = Some("Do you ship to Norway?".into());
    h.promise = Some("within 2 hours".into());
    Parsed::Handoff(Box::new(h))
}

/// A child killed when the test ends, passed or not.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

#[test]
fn a_stop_across_due_times_sends_the_late_backup_email_only_for_the_still_open_handoff() {
    let dovecot = Dovecot::start();
    let smtp = SmtpSink::start(&dovecot);
    let s = Standin::start();
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (open, claimed, answered) = {
        let mut store = Store::open(&db).unwrap();
        let mut w = NewWorkspace::new("acme", "Acme", "UTC");
        w.backup_contact = Some(crate::support::dovecot::USER.to_string());
        let mut ws = store.create_workspace(&w).unwrap();
        ws.settings.follow_ups.backup_email = true;
        ws.settings.smtp = Some(plain_identity(smtp.port));
        ws.settings.alerts.slack =
            Some(AlertRoute { events: vec![AlertEvent::Reminder, AlertEvent::Backup, AlertEvent::Breach] });
        store.update_workspace(&ws).unwrap();
        let ws = store.workspace("acme").unwrap().unwrap();
        let ids = store
            .ingest(
                &ws,
                vec![item("open", "Olga"), item("claimed", "Carl"), item("answered", "Ann")],
                Utc::now(),
            )
            .unwrap()
            .inserted;
        (ids[0], ids[1], ids[2])
    };
    let mut set = kc
        .apply(&mut handoff(&db))
        .args(["alerts", "set", "slack", "-w", "acme", "--url-stdin", "--events", "reminder,backup,breach"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(set.stdin.take().unwrap(), "{}", s.slack_url()).unwrap();
    assert!(set.wait().unwrap().success());

    let out_path = dir.path().join("watch.out");
    let mut watch = Killed(
        kc.apply(&mut handoff(&db))
            .arg("watch")
            .env("HANDOFF_TICK_MS", "200")
            .env("HANDOFF_WAKE_GAP_MS", "2000")
            .env("HANDOFF_ALERT_GAP_MS", "20")
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let ready = Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&out_path).unwrap_or_default().contains("No live sources") {
        assert!(Instant::now() < ready, "watch did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    {
        // Business hours put the real due times hours away: bring them to a
        // few seconds from now (reminder, backup alert, breach), then sleep.
        let store = Store::open(&db).unwrap();
        let now = Utc::now();
        let at = |s: i64| (now + Duration::seconds(s)).timestamp_millis();
        store.conn().execute("UPDATE promises SET due_at = ?1", [at(4)]).unwrap();
        for (kind, secs) in [("reminder", 2), ("backup_contact", 3), ("breach", 4)] {
            store
                .conn()
                .execute(
                    "UPDATE follow_ups SET due_at = ?1 WHERE kind = ?2",
                    rusqlite::params![at(secs), kind],
                )
                .unwrap();
        }
    }
    signal(watch.0.id(), "-STOP");
    // Asleep across the reminder, the backup alert and the breach.
    std::thread::sleep(std::time::Duration::from_secs(7));
    {
        let mut store = Store::open(&db).unwrap();
        let sam = handoff::store::Teammate { name: "Sam".into(), email: "sam@acme.test".into() };
        store.claim_handoff(claimed, &sam, Utc::now()).unwrap();
        store.mark_contacted(answered, "phone", Utc::now()).unwrap();
    }
    let woke = Instant::now();
    signal(watch.0.id(), "-CONT");
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while !smtp
        .deliveries()
        .iter()
        .any(|d| d["message_id"].as_str().is_some_and(|m| m.contains(&format!("-{open}.handoff@"))))
        || s.arrived("slack").is_empty()
    {
        assert!(Instant::now() < deadline, "no late email or alert: {:?} {}", smtp.deliveries(), s.state());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let after_wake = woke.elapsed();
    std::thread::sleep(std::time::Duration::from_secs(2)); // anything else that would go out
    let _ = watch.0.kill();
    let _ = watch.0.wait();

    let mails = smtp.deliveries();
    assert_eq!(mails.len(), 1, "only the open handoff's backup contact is emailed: {mails:?}");
    let store = Store::open(&db).unwrap();
    let (subject, body): (String, String) = store
        .conn()
        .query_row("SELECT subject, body_text FROM replies WHERE kind = 'backup_alert'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(subject.starts_with("[Late] "), "{subject}");
    assert!(
        body.starts_with("Late: this alert was due ") && body.contains("after this computer woke"),
        "{body}"
    );
    s.assert_clean();
    let slack = s.arrived("slack");
    assert_eq!(slack.len(), 1, "one alert for the open handoff (its breach), none for the others: {slack:?}");
    let text = slack[0]["body"].to_string();
    assert!(text.contains(&format!("Handoff #{open} in")) && text.contains("Late: was due"), "{text}");
    let printed = std::fs::read_to_string(&out_path).unwrap();
    assert!(printed.contains("While this computer slept"), "{printed}");
    let _ = (answered, after_wake);
    let _ = ok;
}
