//! Team mode, issue 26: replies sent from ordinary mail programs count as
//! answers — saved in the shared Sent folder (seen within 30 s with no
//! activity in the watched folder) or Bcc'd to the shared mailbox — through a
//! real Dovecot and the real `handoff` binary.

use crate::live::{Watch, add_imap};
use crate::support::dovecot::{Dovecot, PASSWORD, USER};
use crate::support::keychain::Keychain;
use crate::support::mail::{email_key, handoff_email};
use crate::team::{App, DANA};
use chrono::Utc;
use handoff::Store;
use std::time::{Duration, Instant};

#[test]
fn a_reply_from_a_mail_program_in_the_shared_sent_folder_counts_and_is_seen_without_inbox_activity() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    // A short interval for the test; the default is 30 s.
    a.ok(&kc, &["team", "set", "-w", "acme", "--sent-folder", "Sent", "--sent-poll-seconds", "2"]);
    assert!(add_imap(&a.db, &kc, &d, "shared", PASSWORD, true).status.success());
    d.create("Sent");
    d.append_all("INBOX", &[handoff_email("gmail", 1), handoff_email("gmail", 2)]);
    let mut watch = Watch::start(&a.db, &kc);
    for n in 1..=2 {
        watch.wait_for(20, |v| {
            v["event"] == "received" && v["handoff"]["source_key"] == email_key("gmail", n)
        });
    }
    let (id1, id2) = (a.id(&email_key("gmail", 1)), a.id(&email_key("gmail", 2)));
    watch.wait_for(20, |v| v["event"] == "status" && v["state"] == "idle");
    let date = Utc::now().to_rfc2822();
    // Kim answered #1 from Gmail: threaded, no Handoff Desk header.
    let gmail = format!(
        "From: Kim Park <{USER}>\r\nTo: visitor1.gmail@example.org\r\nSubject: Re: New handoff: visitor 1 needs a human\r\n\
         Date: {date}\r\nMessage-ID: <CAK-gmail-1@mail.gmail.com>\r\nIn-Reply-To: <gmail-1@convira.example>\r\n\
         References: <gmail-1@convira.example>\r\n\r\nHi, Kim here.\r\n"
    );
    // Outlook on another laptop lost the thread but kept the subject, to the visitor of #2.
    let outlook = format!(
        "From: Lee <{USER}>\r\nTo: \"Visitor\" <visitor2.gmail@example.org>\r\nSubject: RE: New handoff: visitor 2 needs a human\r\n\
         Date: {date}\r\nMessage-ID: <outlook-2@acme.test>\r\n\r\nHi, Lee here.\r\n"
    );
    // Unrelated mail in Sent is not an answer.
    let other = format!(
        "From: Kim Park <{USER}>\r\nTo: supplier@example.org\r\nSubject: Invoice\r\nDate: {date}\r\n\
         Message-ID: <invoice@acme.test>\r\n\r\nPlease find attached.\r\n"
    );
    let appended = Instant::now();
    d.append_all("Sent", &[other.into_bytes(), gmail.into_bytes(), outlook.into_bytes()]);
    // Nothing arrives in INBOX meanwhile: the Sent folder is looked at on its own.
    let v = watch.wait_for(30, |v| {
        v["event"] == "team" && v["handoff_id"] == id1 && v["team"]["answers"][0]["by"]["name"] == "Kim Park"
    });
    eprintln!(
        "the Gmail-style reply in Sent was seen {} ms after it was saved",
        appended.elapsed().as_millis()
    );
    assert!(appended.elapsed() <= Duration::from_secs(30), "seen within 30 s");
    assert_eq!(v["team"]["answers"][0]["by"]["email"], USER);
    assert_eq!(v["team"]["answers"][0]["mine"], false);
    let v = watch.wait_for(30, |v| v["event"] == "team" && v["handoff_id"] == id2);
    assert_eq!(v["team"]["answers"][0]["by"]["name"], "Lee", "{v}");
    watch.stop();
    let s = Store::open(&a.db).unwrap();
    assert_eq!(s.handoff(id1).unwrap().unwrap().status, handoff::Status::Replied);
    assert_eq!(s.count(None).unwrap(), 2, "nothing in Sent becomes a handoff");
    let all: usize = [id1, id2].iter().map(|&id| s.team_state(id).unwrap().answers.len()).sum();
    assert_eq!(all, 2, "the invoice answers nothing");
}

/// A teammate who answers from Gmail with the shared address in Bcc: the copy
/// in the watched folder has no header of ours, but names the notification
/// and goes to the visitor. The visitor's own answer names it too, and is not ours.
#[test]
fn a_bcc_copy_of_a_reply_from_a_mail_program_counts_and_the_visitors_own_reply_does_not() {
    let kc = Keychain::start();
    let d = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let a = App::new(dir.path(), "a", DANA, None);
    assert!(add_imap(&a.db, &kc, &d, "shared", PASSWORD, true).status.success());
    d.append("INBOX", &handoff_email("bcc", 1));
    a.ok(&kc, &["sync"]);
    let id = a.id(&email_key("bcc", 1));
    let date = Utc::now().to_rfc2822();
    let kim = format!(
        "From: Kim Park <kim@example.test>\r\nTo: visitor1.bcc@example.org\r\nSubject: Re: your question\r\n\
         Date: {date}\r\nMessage-ID: <CAK-bcc-1@mail.gmail.com>\r\nIn-Reply-To: <bcc-1@convira.example>\r\n\
         References: <bcc-1@convira.example>\r\n\r\nHi, Kim here.\r\n"
    );
    let visitor = format!(
        "From: Visitor <visitor1.bcc@example.org>\r\nTo: {USER}\r\nSubject: Re: Re: your question\r\n\
         Date: {date}\r\nMessage-ID: <v-bcc-1@example.org>\r\nIn-Reply-To: <CAK-bcc-1@mail.gmail.com>\r\n\
         References: <bcc-1@convira.example> <CAK-bcc-1@mail.gmail.com>\r\n\r\nThanks!\r\n"
    );
    d.append_all("INBOX", &[kim.into_bytes(), visitor.into_bytes()]);
    a.ok(&kc, &["sync"]);
    let state = Store::open(&a.db).unwrap().team_state(id).unwrap();
    assert_eq!(state.answers.len(), 1, "{state:?}");
    assert_eq!(
        (state.answers[0].by.name.as_str(), state.answers[0].by.email.as_str()),
        ("Kim Park", "kim@example.test")
    );
    assert!(Store::open(&a.db).unwrap().promise(id).unwrap().unwrap().met_at.is_some());
}
