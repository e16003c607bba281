//! Replying from the window: the composer opens on the pre-filled draft,
//! refuses to send while the answer marker is still there, and a written
//! answer goes out through the app's outbox to a real SMTP server, which
//! delivers it into the visitor's real Dovecot mailbox; the promise is met.

use crate::World;
use crate::dovecot::{Dovecot, VISITOR};
use crate::smtp::{SmtpSink, plain_identity};
use chrono::Utc;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;

#[test]
fn a_reply_written_in_the_window_reaches_the_visitors_mailbox() {
    let dovecot = Dovecot::start();
    let smtp = SmtpSink::start(&dovecot);
    let world = World::empty();
    let mut store = world.store();
    let mut ws =
        store.create_workspace(&NewWorkspace::new("acme", "Acme Plumbing", "America/New_York")).unwrap();
    ws.settings.smtp = Some(plain_identity(smtp.port));
    store.update_workspace(&ws).unwrap();
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, b"{}".to_vec());
    h.source_key = "reply-1".into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::KnowledgeGap;
    h.visitor.name = Some("Dana Reyes".into());
    h.visitor.email = Some(VISITOR.into());
    h.question = Some("Do you fix tankless heaters?".into());
    h.message_id = Some("<notify-1@bot.example>".into());
    h.promise = Some("within 4 business hours".into());
    let id = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], Utc::now()).unwrap().inserted[0];

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=inbox-row]", 20));
    s.wait("[data-testid=handoff-view]", 20);
    s.click(&s.wait("[data-testid=action-reply]", 10));
    let body = s.wait("[data-testid=reply-body]", 20);
    s.until("the draft quotes the question", 10, |s| {
        s.prop("[data-testid=reply-body]", "value").contains("Do you fix tankless heaters?")
    });
    assert!(s.prop("[data-testid=reply-body]", "value").contains("[Write your answer here]"));
    assert_eq!(s.prop("[data-testid=reply-send]", "disabled"), "true", "not with the marker still in");
    s.screenshot("reply-composer");

    let draft = s.prop("[data-testid=reply-body]", "value");
    let answer = draft.replace("[Write your answer here]", "Yes, we service every make of tankless heater.");
    s.clear(&body);
    s.type_into(&body, &answer);
    s.click(&s.wait("[data-testid=reply-send]", 5));
    s.wait("[data-testid=reply-item][data-state=sent]", 30);
    s.screenshot("reply-sent");

    let mail = dovecot.fetch_all(VISITOR, "INBOX");
    assert_eq!(mail.len(), 1, "one email in the visitor's mailbox");
    let text = String::from_utf8_lossy(&mail[0]);
    assert!(text.contains("Yes, we service every make of tankless heater."), "{text}");
    assert!(text.contains("In-Reply-To: <notify-1@bot.example>"), "threaded to the notification: {text}");
    let after = world.store();
    assert_eq!(after.handoff(id).unwrap().unwrap().status, Status::Replied);
    assert_eq!(after.promise(id).unwrap().unwrap().state, PromiseState::Met);
}
