//! Inputs that must not panic: truncations, byte flips, huge bodies, deep nesting.

use super::*;
use handoff::ParseStatus;
use std::path::Path;

fn all_inputs() -> Vec<(String, Vec<u8>)> {
    let mut v = emls(&fixture_dir());
    v.extend(emls(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/eml"))));
    v
}

fn check(raw: &[u8]) -> NewHandoff {
    let h = parse_email(raw, SourceKind::Import);
    assert_eq!(h.raw, raw);
    if h.parse_status == ParseStatus::Raw {
        assert!(!h.parse_notes.is_empty());
    }
    h
}

#[test]
fn truncated_anywhere() {
    for (_, raw) in all_inputs() {
        // About 150 cut points per input, always including the first 64 bytes.
        let step = (raw.len() / 150).max(1);
        let cuts = (0..64.min(raw.len())).chain((64..raw.len()).step_by(step));
        for cut in cuts {
            check(&raw[..cut]);
        }
    }
}

#[test]
fn random_byte_flips() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_4a4d);
    let specials = b"\0\r\n<>:=-\"';&#[]()\t\xff\xc3";
    for (_, raw) in all_inputs() {
        for _ in 0..40 {
            let mut m = raw.clone();
            for _ in 0..rng.usize(1..24) {
                let i = rng.usize(..m.len().max(1));
                if let Some(b) = m.get_mut(i) {
                    *b = if rng.bool() { rng.u8(..) } else { specials[rng.usize(..specials.len())] };
                }
            }
            check(&m);
        }
    }
}

#[test]
fn odd_small_inputs() {
    let many_divs = format!("Content-Type: text/html\r\n\r\n{}", "<div>".repeat(100_000));
    let entities = format!("Subject: x\r\n\r\n{}", "&#x110000;&#0;&amp&lt&;&#xFFFFFFFFF;".repeat(2000));
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0; 4096],
        b"\r\n\r\n".to_vec(),
        b"Subject:".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--\r\n".to_vec(),
        format!("Subject: {}\r\n\r\nhi", "x".repeat(200_000)).into_bytes(),
        many_divs.into_bytes(),
        entities.into_bytes(),
        b"Content-Type: text/html\r\n\r\n<script>never closed <p>Name: Dana</p>".to_vec(),
        b"Content-Type: text/html\r\n\r\n<head><p>Name: Dana</p><body><p>Email: d@x.io</p>".to_vec(),
        b"Content-Type: text/html\r\n\r\n<a href=\"https://x\" <<<>>> & &#; <!-- ".to_vec(),
        b"Subject: t\r\n\r\nTranscript\r\n[\r\n(\r\n[99:99] Dana: x\r\n00:00 -: \r\n: :\r\n".to_vec(),
        b"Subject: t\r\n\r\nStarted: 31/02/2026 25:61\r\nEscalated: 99999-99-99\r\nConfidence: 1e400\r\n"
            .to_vec(),
        (0..=255u8).cycle().take(20_000).collect(),
    ];
    for raw in inputs {
        check(&raw);
    }
}

#[test]
fn ten_megabyte_body() {
    let mut raw = b"From: Convira <n@convira.io>\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\nName: Dana Reyes\r\nEmail: dana@example.com\r\n\r\nTranscript\r\n".to_vec();
    while raw.len() < 10 * 1024 * 1024 {
        raw.extend_from_slice(
            b"Visitor: this is a very long conversation line that keeps going\r\nBot: and an answer\r\n",
        );
    }
    let start = std::time::Instant::now();
    let h = check(&raw);
    assert_eq!(h.visitor.email.as_deref(), Some("dana@example.com"));
    assert!(h.parse_notes.iter().any(|n| n.contains("first 256 KB")), "{:?}", h.parse_notes);
    assert!(start.elapsed().as_secs() < 30);

    let mut html = b"Subject: big html\r\nContent-Type: text/html\r\n\r\n<p>Name: Dana</p><table>".to_vec();
    while html.len() < 10 * 1024 * 1024 {
        html.extend_from_slice(b"<tr><td>Visitor</td><td>hello &amp; more</td></tr>");
    }
    check(&html);
}

#[test]
fn thousand_nested_multiparts() {
    let depth = 1000;
    let mut raw = String::from("Subject: nested\r\nMIME-Version: 1.0\r\n");
    for i in 0..depth {
        raw.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
    }
    raw.push_str(
        "Content-Type: text/plain\r\n\r\nName: Dana\r\nEmail: dana@example.com\r\nQuestion: refunds?\r\n",
    );
    for i in (0..depth).rev() {
        raw.push_str(&format!("\r\n--b{i}--\r\n"));
    }
    check(raw.as_bytes());

    // Nested message/rfc822 parts too.
    let mut msg = String::from("Subject: leaf\r\n\r\nName: Dana\r\n");
    for _ in 0..200 {
        msg = format!("Subject: wrap\r\nContent-Type: message/rfc822\r\n\r\n{msg}");
    }
    check(msg.as_bytes());
}
