//! The briefing at the top of a handoff and the client's monthly report
//! (Insights → Report) in the real window against the real core: the
//! briefing is the core's, the conversation count typed in gives the
//! escalation rate, and Save as PDF writes a PDF that poppler reads back and
//! renders to an image (kept in ci-artifacts/screenshots/ to look at).

use crate::World;
use chrono::Utc;
use handoff::metrics::Month;

#[test]
fn briefing_and_monthly_report_with_pdf() {
    let world = World::demo(40);
    let store = world.store();
    let ws = store.workspace("bergblick-hotel").unwrap().unwrap();
    let month = Month::of(Utc::now(), ws.tz()).previous();
    let handoffs = handoff::insights::outcomes(&store, &ws, month).unwrap().handoffs;
    assert!(handoffs > 0, "the demo has handoffs in {month}");

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    let first = s.wait("[data-testid=inbox-row]", 20);
    let id: i64 = s.attr(&first, "data-id").unwrap().parse().unwrap();
    let want = handoff::briefing::of(&mut world.store(), id).unwrap();
    s.script(
        "document.querySelector(`[data-testid=inbox-row][data-id=\"${arguments[0]}\"]`).click()",
        serde_json::json!([id]),
    );
    s.wait(&format!("[data-testid=handoff-view][data-id=\"{id}\"]"), 20);
    s.until("the briefing", 20, |s| !s.all("[data-testid=briefing-summary]").is_empty());
    assert_eq!(s.inner_text("[data-testid=briefing-summary]"), want.facts.summary);
    s.screenshot("briefing");

    s.click(&s.wait("[data-testid=nav-insights]", 10));
    s.select("[data-testid=insights-workspace]", "bergblick-hotel");
    s.set_input("[data-testid=insights-month]", &month.to_string());
    s.wait("[data-testid=progress]", 60);
    // 10 conversations per handoff: a 10 % escalation rate, 90 % contained.
    s.set_input("[data-testid=conversations-input]", &(handoffs * 10).to_string());
    s.click(&s.wait("[data-testid=conversations-save]", 5));
    s.until("the escalation rate", 30, |s| {
        s.inner_text("[data-testid=figure-row-escalation]").contains("10 %")
    });
    assert!(s.inner_text("[data-testid=figure-row-containment]").contains("90 %"));
    s.screenshot("insights-progress");

    s.click(&s.wait("[data-testid=insights-tab-report]", 5));
    s.wait("[data-testid=month-report]", 60);
    assert!(s.inner_text("[data-testid=month-report]").contains("Hotel Bergblick"));
    s.screenshot("report");
    s.click(&s.wait("[data-testid=report-save-pdf]", 5));
    s.until("the PDF is saved", 30, |s| !s.all("[data-testid=report-saved]").is_empty());
    let said = s.inner_text("[data-testid=report-saved]");
    let path = said.strip_prefix("Saved the report as ").unwrap_or_else(|| panic!("said {said:?}")).trim();
    let pdf = std::fs::read(path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Hotel Bergblick") && text.contains("Escalation rate"), "{text}");
    let squeezed: String = text.split_whitespace().collect();
    assert!(squeezed.contains("Escalationrate10%"), "{text}");
    // Rendered to an image beside the screenshots, to look at.
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ci-artifacts/screenshots/report-pdf");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let st = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(path)
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success(), "pdftoppm could not render the PDF");
}
