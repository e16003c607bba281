//! The SMTP test harness itself: lettre → the SMTP sink → Dovecot LMTP → IMAP.
//! If these fail, tests of sending replies cannot be trusted.

use crate::support::dovecot::{BACKUP, Dovecot, USER, VISITOR};
use crate::support::smtp::{SMTP_PASS, SMTP_USER, SmtpSink};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A Message-ID no other test (or run) uses.
fn unique_id(tag: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("<harness-{tag}-{nanos}@example.test>")
}

fn message(to: &str, id: &str) -> Message {
    Message::builder()
        .from(format!("Helpdesk <{USER}>").parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Re: your question")
        .message_id(Some(id.to_owned()))
        .body(String::from("We have looked into it.\r\n"))
        .unwrap()
}

fn mailer(sink: &SmtpSink, password: Option<&str>) -> SmtpTransport {
    let builder =
        SmtpTransport::builder_dangerous("127.0.0.1").port(sink.port).timeout(Some(Duration::from_secs(30)));
    match password {
        Some(p) => builder.credentials(Credentials::new(SMTP_USER.to_owned(), p.to_owned())).build(),
        None => builder.build(),
    }
}

/// `user`'s INBOX once it holds `n` messages (delivery is synchronous, but
/// poll anyway rather than trust timing on a loaded machine).
fn inbox_with(d: &Dovecot, user: &str, n: usize) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let all = d.fetch_all(user, "INBOX");
        if all.len() >= n || Instant::now() > deadline {
            return all;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_authenticated_send_lands_in_the_recipients_imap_inbox_once() {
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let id = unique_id("auth");
    let sent = Instant::now();
    mailer(&sink, Some(SMTP_PASS)).send(&message(VISITOR, &id)).unwrap();
    let took = sent.elapsed();

    let inbox = inbox_with(&d, VISITOR, 1);
    assert_eq!(inbox.len(), 1, "visitor's INBOX; sink said:\n{}\ndovecot log:\n{}", sink.output(), d.log());
    assert!(contains(&inbox[0], &format!("Message-ID: {id}")), "{}", String::from_utf8_lossy(&inbox[0]));
    assert!(d.fetch_all(USER, "INBOX").is_empty(), "nothing for the sender");
    assert!(d.fetch_all(BACKUP, "INBOX").is_empty(), "nothing for backup");

    let log = sink.deliveries();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["mail_from"], USER);
    assert_eq!(log[0]["rcpt_tos"], serde_json::json!([VISITOR]));
    assert_eq!(log[0]["message_id"], id.as_str());
    assert!(log[0]["size"].as_u64().unwrap() > 0);
    assert!(took < Duration::from_secs(30), "send took {took:?}");
}

#[test]
fn a_wrong_password_is_refused_with_535_and_nothing_is_delivered() {
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    let err =
        mailer(&sink, Some("not-the-password")).send(&message(VISITOR, &unique_id("badpass"))).unwrap_err();
    assert!(err.to_string().contains("535"), "{err}");
    assert!(err.is_permanent(), "{err:?}");

    // A good send afterwards proves the sink was working: only it is there.
    let id = unique_id("goodpass");
    mailer(&sink, Some(SMTP_PASS)).send(&message(VISITOR, &id)).unwrap();
    let log = sink.deliveries();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["message_id"], id.as_str());
    assert_eq!(inbox_with(&d, VISITOR, 1).len(), 1);
}

#[test]
fn a_stopped_sink_refuses_connections_and_works_again_on_the_same_port() {
    let d = Dovecot::start();
    let mut sink = SmtpSink::start(&d);
    let port = sink.port;
    sink.stop();
    let err = mailer(&sink, Some(SMTP_PASS)).send(&message(VISITOR, &unique_id("down"))).unwrap_err();
    assert!(err.to_string().contains("Connection error"), "{err}");
    assert!(err.status().is_none(), "no SMTP reply while down: {err}");

    sink.start_again();
    assert_eq!(sink.port, port);
    let id = unique_id("up-again");
    mailer(&sink, Some(SMTP_PASS)).send(&message(VISITOR, &id)).unwrap();
    let log = sink.deliveries();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["message_id"], id.as_str());
    let inbox = inbox_with(&d, VISITOR, 1);
    assert_eq!(inbox.len(), 1);
    assert!(contains(&inbox[0], &id));
}

#[test]
fn unknown_local_users_get_550_and_outside_recipients_are_logged_but_not_delivered() {
    let d = Dovecot::start();
    let sink = SmtpSink::start(&d);
    // AUTH is optional.
    let anonymous = mailer(&sink, None);

    let err = anonymous.send(&message("nobody-here@example.test", &unique_id("unknown"))).unwrap_err();
    assert!(err.to_string().contains("550"), "{err}");
    assert!(sink.deliveries().is_empty(), "{:?}", sink.deliveries());

    let id = unique_id("outside");
    anonymous.send(&message("customer@elsewhere.test", &id)).unwrap();
    let log = sink.deliveries();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["rcpt_tos"], serde_json::json!(["customer@elsewhere.test"]));
    assert_eq!(log[0]["delivered"], serde_json::json!([]));

    // Two mailboxes in one message: one log line, a copy in each INBOX.
    let both = Message::builder()
        .from(USER.parse().unwrap())
        .to(VISITOR.parse().unwrap())
        .cc(BACKUP.parse().unwrap())
        .message_id(Some(unique_id("both")))
        .body(String::from("hello\r\n"))
        .unwrap();
    anonymous.send(&both).unwrap();
    assert_eq!(sink.deliveries().len(), 2);
    assert_eq!(inbox_with(&d, VISITOR, 1).len(), 1);
    assert_eq!(inbox_with(&d, BACKUP, 1).len(), 1);
}
