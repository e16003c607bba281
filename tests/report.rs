//! The client's monthly report: its PDF read back with poppler's pdftotext
//! (the figures, the checklist and the advice are there, nothing personal
//! is), rendered to an image with pdftoppm, and the HTML escaped and redacted.

use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::gaps::Grouper;
use handoff::ingest::Parsed;
use handoff::metrics::Month;
use handoff::model::*;
use handoff::store::NewWorkspace;
use std::process::Command;

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn item(key: &str, at: &str, reason: Reason, question: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, key.as_bytes().to_vec());
    h.source_key = key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = reason;
    h.question = Some(question.into());
    h.visitor.name = Some("Dana Reyes".into());
    h.visitor.email = Some(format!("{key}@northwind.test"));
    h.promise = Some("within 4 business hours".into());
    h.sent_at = Some(z(at));
    Parsed::Handoff(Box::new(h))
}

fn report() -> handoff::report::MonthReport {
    let mut store = Store::open_in_memory().unwrap();
    let ws =
        store.create_workspace(&NewWorkspace::new("koala", "Koala Dental & Co", "Europe/Berlin")).unwrap();
    let now = z("2026-11-30T12:00:00Z");
    let items = vec![
        item(
            "a",
            "2026-11-02T09:00:00Z",
            Reason::KnowledgeGap,
            "Do you do <b>teeth whitening</b>? mail me at dana@northwind.test",
        ),
        item("b", "2026-11-03T09:00:00Z", Reason::KnowledgeGap, "Do you do teeth whitening?"),
        item("c", "2026-11-04T09:00:00Z", Reason::HumanRequest, "Can I talk to someone about my bill?"),
        item("d", "2026-10-05T09:00:00Z", Reason::KnowledgeGap, "Is there parking?"),
    ];
    store.ingest(&ws, items, now).unwrap();
    store.set_conversations(ws.id, "2026-11", 100, "typed", now).unwrap();
    let grouper = Grouper::Lexical("wording only, in this test".into());
    handoff::report::build(&mut store, &ws, Month::parse("2026-11").unwrap(), &grouper, now).unwrap()
}

#[test]
fn the_pdf_reads_back_with_the_figures_and_nothing_personal() {
    let r = report();
    let pdf = handoff::report::pdf::render(&r);
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/setup)");
    assert!(out.status.success(), "pdftotext refused the PDF: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "Koala Dental & Co",
        "Escalation rate",
        "teeth whitening",
        "Your bot promises “within 4 business hours”.",
        "A promise to paste into the bot:",
    ] {
        assert!(text.contains(want), "{want:?} not in the PDF's text:\n{text}");
    }
    // 3 handoffs of 100 conversations; 97 % contained (pdftotext may drop the thin space).
    let squeezed: String = text.split_whitespace().collect();
    assert!(
        squeezed.contains("Escalationrate3%") && squeezed.contains("Containment(solvedbythebot)97%"),
        "{text}"
    );
    for personal in ["Dana", "northwind", "@"] {
        assert!(!text.contains(personal), "{personal:?} is in the report:\n{text}");
    }
    let png = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "40", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    let img = std::fs::read(dir.path().join("page-1.png")).unwrap();
    assert!(img.starts_with(b"\x89PNG") && img.len() > 2_000, "page 1 rendered to {} bytes", img.len());
}

#[test]
fn the_html_is_escaped_printable_and_redacted() {
    let html = handoff::report::html::render(&report());
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("Koala Dental &amp; Co"));
    assert!(html.contains("&lt;b&gt;teeth whitening&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<script"));
    assert!(!html.contains("northwind") && !html.contains("Dana"), "{html}");
}
