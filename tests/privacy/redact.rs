//! Redaction before anything leaves the machine: with a workspace's
//! redaction on, the HubSpot note and the backup contact's email carry no
//! phone, card, IBAN or email address from the visitor's words; off, they
//! carry the words unchanged.

use chrono::{TimeZone, Utc};
use handoff::Store;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;

const SAID: &str = "Call me on +44 20 7946 0958 or write to zeb@example.org; card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00";

fn setup(redact: bool) -> (Store, Workspace, i64) {
    let mut store = Store::open_in_memory().unwrap();
    let mut ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    ws.settings.privacy.redact = redact;
    ws.backup_contact = Some("boss@acme.test".into());
    ws.settings.smtp = Some(SmtpIdentity {
        host: "smtp.acme.test".into(),
        port: 587,
        tls: SmtpTls::Starttls,
        user: None,
        from_address: "help@acme.test".into(),
        from_name: None,
        bcc: None,
        oauth: None,
    });
    store.update_workspace(&ws).unwrap();
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, b"{}".to_vec());
    h.source_key = "k1".into();
    h.parse_status = ParseStatus::Ok;
    h.visitor.email = Some("zeb@example.org".into());
    h.question = Some(SAID.into());
    h.transcript = vec![Message { author: Author::Visitor, name: None, at: None, text: SAID.into() }];
    h.sent_at = Some(Utc.with_ymd_and_hms(2026, 11, 18, 10, 0, 0).unwrap());
    store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], Utc::now()).unwrap();
    let id = store.handoff_by_key(ws.id, "k1").unwrap().unwrap();
    (store, ws, id)
}

fn outgoing(redact: bool) -> (String, String) {
    let (store, ws, id) = setup(redact);
    let d = store.detail(id).unwrap();
    let note = handoff::hubspot::note_html(&ws, &d);
    let promise = Promise {
        handoff_id: id,
        text: Some("within 4 hours".into()),
        origin: PromiseOrigin::Bot,
        clock_from: None,
        due_at: Utc::now(),
        state: PromiseState::Running,
        met_at: None,
        met_by: None,
    };
    let alert = handoff::reply::backup_alert(&ws, &d.handoff, &promise, 1).unwrap();
    (note, alert.body_text)
}

#[test]
fn redaction_masks_the_visitors_words_in_what_leaves_the_machine() {
    let (note, mail) = outgoing(true);
    for text in [&note, &mail] {
        for secret in ["7946 0958", "4111 1111", "DE89 3704", "zeb@example.org\u{3b}"] {
            assert!(!text.contains(secret), "{secret:?} left the machine:\n{text}");
        }
        assert!(text.contains("[phone]") && text.contains("[card]") && text.contains("[IBAN]"), "{text}");
    }
    // The words around them stay.
    assert!(note.contains("Call me on [phone] or write to [email]"), "{note}");
}

#[test]
fn without_redaction_the_words_go_as_they_were() {
    let (note, mail) = outgoing(false);
    assert!(note.contains("4111 1111 1111 1111") && mail.contains("DE89 3704 0044 0532 0130 00"));
}
