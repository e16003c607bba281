//! Hostile text in a handoff is shown as text in the real webview: script
//! tags, event handlers, javascript: links and an attempt to call the app's
//! commands are inert. Proof: the payloads' marker is never set, no such
//! element exists in the page, the handoff is not resolved (the payload's IPC
//! call never ran), and the payload is visible as literal text.

use crate::World;
use chrono::Utc;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;

const IMG: &str = r#"<img src=x onerror="window.__xss='img'">"#;
const SCRIPT: &str = "<script>window.__xss='script'</script>";
const IPC: &str =
    r#"<img src=x onerror="window.__TAURI_INTERNALS__.invoke('resolve',{id:1,why:'not_a_lead'})">"#;
const SVG: &str = r#"<svg onload="window.__xss='svg'"></svg>"#;

#[test]
fn script_in_a_handoff_is_shown_as_text_and_never_runs() {
    let world = World::empty();
    let mut store = world.store();
    let ws = store.create_workspace(&NewWorkspace::new("evil", "Evil Corp <b>bold</b>", "UTC")).unwrap();
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, b"{}".to_vec());
    h.source_key = "xss-1".into();
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::HumanRequest;
    h.reason_detail = Some(SVG.into());
    h.visitor.name = Some(IMG.into());
    h.visitor.email = Some("x@example.com".into());
    h.page.url = Some("javascript:window.__xss='link'".into());
    h.page.title = Some(SCRIPT.into());
    h.question = Some(IPC.into());
    h.transcript = vec![
        Message { author: Author::Visitor, name: Some(SCRIPT.into()), at: None, text: IPC.into() },
        Message {
            author: Author::Bot,
            name: None,
            at: None,
            text: format!("{IMG} {SVG} <a href=\"javascript:window.__xss='a'\">click</a>"),
        },
    ];
    let id = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], Utc::now()).unwrap().inserted[0];
    assert_eq!(id, 1, "the IPC payload aims at this handoff");

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    let row = s.wait("[data-testid=inbox-row]", 20);
    // Read as the page renders it (innerText). WebKitWebDriver's own element
    // text drops anything shaped like a tag, so it cannot tell text from markup.
    s.until("the visitor's name shown literally in the row", 10, |s| {
        s.inner_text("[data-testid=row-visitor]").contains("<img src=x onerror=")
    });
    s.click(&row);
    s.wait("[data-testid=handoff-view]", 20);
    // Give any handler that could run every chance to.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let found = s.script(
        "return [String(window.__xss), document.querySelectorAll('#root script, [onerror], [onload], [onclick], a[href^=\"javascript\"]').length]",
        serde_json::json!([]),
    );
    assert_eq!(found, serde_json::json!(["undefined", 0]), "no payload ran and no payload element exists");
    assert!(s.all("[data-testid=page-link]").is_empty(), "a javascript: page is not a link");
    s.wait("[data-testid=page-text]", 5);
    assert!(s.inner_text("[data-testid=page-text]").contains("javascript:"));
    let text = s.inner_text("[data-testid=handoff-view]");
    for payload in ["<script>window.__xss='script'</script>", "<img src=x onerror=", "<svg onload="] {
        assert!(text.contains(payload), "{payload} is visible as text in: {text}");
    }
    assert_eq!(
        world.store().handoff(id).unwrap().unwrap().status,
        Status::New,
        "the payload's IPC call never ran"
    );
    s.screenshot("xss");
}

/// The teaching view shows a raw email's original: hostile HTML in it (a
/// script, event handlers, a remote image, an iframe, a meta refresh, a
/// javascript: link) is shown as text and nothing in it runs, loads or
/// navigates: no element is made from it, the marker stays unset, the
/// window stays on the app's page.
#[test]
fn hostile_markup_in_an_original_is_shown_as_text_in_the_teaching_view() {
    let world = World::empty();
    let mut store = world.store();
    let ws = store.create_workspace(&NewWorkspace::new("evil", "Evil", "UTC")).unwrap();
    let html = format!(
        "<html><head><meta http-equiv=\"refresh\" content=\"0;url=https://evil.test/\"></head><body>\
         <p>{SCRIPT}</p><p>{IMG}</p><p>{SVG}</p><p><img src=\"http://127.0.0.1:9/track.png\"></p>\
         <iframe src=\"https://evil.test/\"></iframe><p><a href=\"javascript:window.__xss='a'\">click</a></p>\
         <p>{IPC}</p><p>&lt;img src=x onerror=&quot;window.__xss='entity'&quot;&gt;</p></body></html>"
    );
    let raw = format!(
        "From: Stranger <noreply@evil.test>\r\nTo: team@acme.test\r\nSubject: hello\r\nMessage-ID: <xss-original@evil.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
    );
    let h = handoff::ingest::email::parse_email(raw.as_bytes(), SourceKind::Import);
    assert_ne!(h.parse_status, ParseStatus::Ok);
    let id = store.ingest(&ws, vec![Parsed::Handoff(Box::new(h))], Utc::now()).unwrap().inserted[0];
    assert_eq!(id, 1, "the IPC payload aims at this handoff");

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=inbox-row]", 20));
    s.click(&s.wait("[data-testid=teach-open]", 20));
    s.wait("[data-testid=teach-original]", 20);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let found = s.script(
        "const o = document.querySelector('[data-testid=teach-original]'); \
         return [String(window.__xss), o.children.length, \
           document.querySelectorAll('#root script, #root iframe, #root img, #root meta, [onerror], [onload]').length, \
           location.href.startsWith('https://evil')]",
        serde_json::json!([]),
    );
    assert_eq!(
        found,
        serde_json::json!(["undefined", 0, 0, false]),
        "nothing in the original became an element"
    );
    let text = s.inner_text("[data-testid=teach-original]");
    // Markup is read as the email's text (tags are not text); markup written as
    // text in the email (entities) is shown literally, never parsed again.
    assert!(text.contains("<img src=x onerror=\"window.__xss='entity'\">"), "not shown as text: {text}");
    assert!(text.contains("click"), "{text}");
    assert_eq!(
        world.store().handoff(id).unwrap().unwrap().status,
        Status::New,
        "the payload's IPC call never ran"
    );
    s.screenshot("xss-original");
}
