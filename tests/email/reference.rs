//! Real-world emails that are not handoffs (`shared/reference/eml`): odd
//! charsets, broken MIME, bounces. They must parse without panic, keep their
//! bytes, come out raw or partial with notes, and decode their headers.

use super::*;
use handoff::ParseStatus;
use std::path::Path;

fn reference() -> Vec<(String, Vec<u8>)> {
    emls(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/eml")))
}

fn one(name: &str) -> NewHandoff {
    let (_, raw) = reference().into_iter().find(|(n, _)| n == name).unwrap();
    parse_email(&raw, SourceKind::Import)
}

#[test]
fn none_is_taken_for_a_handoff() {
    let all = reference();
    assert!(all.len() >= 20, "reference emails missing: {}", all.len());
    for (name, raw) in all {
        let h = parse_email(&raw, SourceKind::Import);
        assert_eq!(h.raw, raw, "{name}");
        assert!(
            matches!(h.parse_status, ParseStatus::Raw | ParseStatus::Partial),
            "{name}: {:?}",
            h.parse_status
        );
        assert!(!h.parse_notes.is_empty(), "{name}: no notes");
        assert!(h.transcript.len() <= 2, "{name}: {:#?}", h.transcript);
    }
}

#[test]
fn decoded_subjects() {
    let cases = [
        ("mikelmail-multi_charset-japanese_iso_2022.eml", "まみむめも"),
        ("mikelmail-plain_emails-raw_email.eml", "NOTE: 한국말로 하는 것"),
        ("stalwart-legacy-001.eml", "Die Hasen und die Frösche (Microsoft Outlook 00)"),
        ("stalwart-legacy-002.eml", "Die Hasen und die Frösche"),
        ("stalwart-legacy-012.eml", "Die Hasen und die Frösche (Microsoft Outlook 00)"),
        ("spamscope-mail_test_17.eml", "Transferencia Interbancaria Banca en Línea"),
        ("mikelmail-rfc2822-example01.eml", "Saying Hello"),
    ];
    for (name, subject) in cases {
        assert_eq!(one(name).subject.as_deref(), Some(subject), "{name}");
    }
}

#[test]
fn envelope_facts() {
    let h = one("mikelmail-rfc2822-example01.eml");
    assert_eq!(h.message_id.as_deref(), Some("1234@local.machine.example"));
    assert_eq!(h.source_key, "msgid:1234@local.machine.example");
    assert_eq!(h.sent_at, Some(utc("1997-11-21T15:55:06Z")));
    assert_eq!(h.parse_status, ParseStatus::Raw);
    assert_eq!(h.parse_notes, ["no visitor name, email or transcript found in this email; kept as raw"]);
    // No Message-ID: the content key stays.
    let h = one("stalwart-rfc-000.eml");
    assert_eq!(h.message_id, None);
    assert_eq!(h.source_key, handoff::content_key(&h.raw));
}

#[test]
fn reply_to_of_a_non_handoff_is_not_a_visitor() {
    for name in
        ["spamscope-mail_malformed_3.eml", "mikelmail-mime_emails-raw_email_with_illegal_boundary.eml"]
    {
        let h = one(name);
        assert_eq!(h.visitor, Default::default(), "{name}");
        assert_eq!(h.parse_status, ParseStatus::Raw, "{name}");
    }
}

#[test]
fn a_form_like_scam_is_only_partial() {
    // Labelled "Name:"/"Phone:" fields are read, but with no conversation it stays partial.
    let h = one("mikelmail-error_emails-empty_group_lists.eml");
    assert_eq!(h.parse_status, ParseStatus::Partial);
    assert!(h.transcript.is_empty());
    assert!(
        h.parse_notes.contains(&"no transcript or unanswered question found in this email".to_string()),
        "{:?}",
        h.parse_notes
    );
}
