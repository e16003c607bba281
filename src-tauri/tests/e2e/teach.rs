//! Teaching a format in the real window (issue 24): an AcmeBot notification
//! (a format no reader knows) arrives in a real Dovecot mailbox and is kept
//! raw; the owner opens it, teaches the format in the pane (one value
//! selected with the mouse in the original, the rest named with the
//! keyboard), sees what the template reads, saves it; the record reads fully,
//! and a second email of the format (other values, a longer transcript)
//! arrives read fully. After a restart the template is in Settings →
//! Templates; its JSON, exported there, imports into another data file,
//! where it reads that second email too.

use crate::acmebot::Notice;
use crate::dovecot::Dovecot;
use crate::keychain::Keychain;
use crate::{World, cli};
use handoff::model::ParseStatus;
use handoff::store::NewWorkspace;

/// Name one value with the keyboard: choose the field, type the value, press Enter.
fn name_by_keyboard(s: &crate::driver::Session, field: &str, value: &str) {
    s.select("[data-testid=teach-field]", field);
    let input = s.wait("[data-testid=teach-value]", 5);
    s.clear(&input);
    s.type_into(&input, value);
    s.keys("\u{E007}");
    s.until(&format!("{field} named"), 10, |s| {
        !s.all(&format!("[data-testid=teach-chosen][data-field={field}]")).is_empty()
    });
}

fn row_ids(s: &crate::driver::Session) -> Vec<i64> {
    s.all("[data-testid=inbox-row]").iter().filter_map(|r| s.attr(r, "data-id")?.parse().ok()).collect()
}

#[test]
fn an_unknown_format_is_taught_in_the_pane_and_read_from_then_on() {
    let world = World::empty();
    world.store().create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    let dovecot = Dovecot::start();
    let kc = Keychain::start();
    world.add_imap_source(&kc, &dovecot);
    let first = Notice::first();
    dovecot.append("INBOX", &first.email());

    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    let row = s.wait("[data-testid=inbox-row]", 30);
    let id: i64 = s.attr(&row, "data-id").unwrap().parse().unwrap();
    assert_eq!(world.store().handoff(id).unwrap().unwrap().parse_status, ParseStatus::Raw, "arrives raw");

    // The pane offers to teach the format and shows the original as text.
    s.click(&row);
    s.click(&s.wait("[data-testid=teach-open]", 20));
    s.wait("[data-testid=teach-original]", 20);
    assert!(s.inner_text("[data-testid=teach-from]").contains("bot@acme.test"));
    assert!(s.inner_text("[data-testid=teach-original]").contains("Reach at: dana.reyes@example.com"));

    // The mouse path: select the email address in the original.
    s.script(
        "const pre = document.querySelector('[data-testid=teach-original]'); \
         const node = pre.firstChild; const at = node.textContent.indexOf(arguments[0]); \
         const r = document.createRange(); r.setStart(node, at); r.setEnd(node, at + arguments[0].length); \
         const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);",
        serde_json::json!([first.email]),
    );
    s.until("the selection becomes the value", 10, |s| {
        s.prop("[data-testid=teach-value]", "value") == first.email
    });
    s.select("[data-testid=teach-field]", "visitor_email");
    s.click(&s.wait("[data-testid=teach-add]", 5));
    s.wait("[data-testid=teach-chosen][data-field=visitor_email]", 10);

    // The keyboard path for the rest.
    name_by_keyboard(&s, "visitor_name", &first.name);
    name_by_keyboard(&s, "visitor_phone", first.phone.as_deref().unwrap());
    name_by_keyboard(&s, "page", &first.page);
    name_by_keyboard(&s, "date", &first.when);
    name_by_keyboard(&s, "question", &first.question);
    name_by_keyboard(&s, "reason", &first.reason);
    name_by_keyboard(&s, "promise", &first.promise);
    // The transcript, from its first line to its last (Shift+Enter starts a new line).
    let line = |(w, t): &(String, String)| format!("{w} » {t}");
    s.select("[data-testid=teach-field]", "transcript");
    let input = s.wait("[data-testid=teach-value]", 5);
    s.clear(&input);
    s.set_input(
        "[data-testid=teach-value]",
        &format!("{}\n{}", line(first.chat.first().unwrap()), line(first.chat.last().unwrap())),
    );
    s.click(&s.wait("[data-testid=teach-add]", 5));
    s.wait("[data-testid=teach-chosen][data-field=transcript]", 10);
    s.screenshot("teach-original");

    // What the template reads on this email, before anything is saved.
    s.click(&s.wait("[data-testid=teach-preview]", 5));
    s.wait("[data-testid=teach-preview-result][data-status=ok]", 30);
    assert_eq!(s.inner_text("[data-testid=teach-read-visitor-email]"), first.email);
    assert!(s.inner_text("[data-testid=teach-read-transcript]").contains("4 messages"));
    assert!(world.store().templates().unwrap().is_empty(), "nothing saved by the preview");
    s.script(
        "document.querySelector('[data-testid=teach-preview-result]').scrollIntoView()",
        serde_json::json!([]),
    );
    s.screenshot("teach-preview");
    let problems = crate::audit::axe(&s);
    assert!(problems.is_empty(), "axe-core on the teaching view:\n{}", problems.join("\n"));

    s.click(&s.wait("[data-testid=teach-save]", 5));
    s.wait("[data-testid=teach-done]", 30);
    assert!(
        s.inner_text("[data-testid=teach-done]").contains("1 now ok"),
        "{}",
        s.inner_text("[data-testid=teach-done]")
    );
    s.until("the pane shows the record read", 20, |s| {
        s.inner_text("[data-testid=visitor-email]") == first.email
    });
    let read = world.store().handoff(id).unwrap().unwrap();
    assert_eq!(read.parse_status, ParseStatus::Ok);
    assert_eq!(read.visitor.phone, first.phone);
    assert_eq!(world.store().detail(id).unwrap().transcript.len(), first.chat.len());
    s.script(
        "document.querySelector('[data-testid=teach-done]').scrollIntoView({block: 'center'})",
        serde_json::json!([]),
    );
    s.screenshot("teach-saved");

    // A second email of the format, other values and a longer transcript, arrives read.
    let second = Notice::second();
    dovecot.append("INBOX", &second.email());
    s.until("the second email arrives", 60, |s| row_ids(s).len() == 2);
    let id2 = row_ids(&s).into_iter().find(|r| *r != id).unwrap();
    let h2 = world.store().handoff(id2).unwrap().unwrap();
    assert_eq!(h2.parse_status, ParseStatus::Ok, "{:?}", h2.parse_notes);
    assert_eq!(h2.visitor.email.as_deref(), Some(second.email.as_str()));
    assert_eq!(h2.visitor.name.as_deref(), Some(second.name.as_str()));
    assert_eq!(h2.question.as_deref(), Some(second.question.as_str()));
    assert_eq!(world.store().detail(id2).unwrap().transcript.len(), second.chat.len());
    let row2 = s.wait(&format!("[data-testid=inbox-row][data-id=\"{id2}\"]"), 5);
    s.click(&row2);
    s.until("the second handoff's pane", 20, |s| s.inner_text("[data-testid=visitor-email]") == second.email);
    s.screenshot("teach-second-email");

    // The platform changes its layout: the next email is kept, read without the template, and reported.
    let changed = Notice { message_id: "acme-0003@acme.test".into(), ..Notice::first() };
    let changed = String::from_utf8(changed.email())
        .unwrap()
        .replace("Who:", "Visitor name:")
        .replace("Reach at:", "Contact:")
        .replace("~~ chat log ~~", "Conversation");
    dovecot.append("INBOX", changed.as_bytes());
    s.until("the changed email arrives", 60, |s| row_ids(s).len() == 3);
    let id3 = row_ids(&s).into_iter().find(|r| *r != id && *r != id2).unwrap();
    let h3 = world.store().handoff(id3).unwrap().unwrap();
    assert_ne!(h3.platform.as_deref(), Some("email:taught"));
    assert!(
        h3.parse_notes.iter().any(|n| n.contains("no longer matches the template taught on")),
        "{:?}",
        h3.parse_notes
    );
    drop(s);
    drop(driver);

    // After a restart the template is listed in Settings → Templates and exports.
    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=open-settings]", 10));
    let listed = s.wait("[data-testid=template-row][data-sender=\"bot@acme.test\"]", 30);
    let report = "1 notification from bot@acme.test no longer matches the template taught on";
    s.until("the changed layout reported on the template", 20, |s| {
        s.inner_text("[data-testid=template-misses]").contains(report)
    });
    assert!(s.inner_text("[data-testid=source-template-misses]").contains(report), "reported under Sources");
    s.script(
        "document.querySelector('[data-testid=source-template-misses]').scrollIntoView({block: 'center'})",
        serde_json::json!([]),
    );
    s.screenshot("teach-source-report");
    s.click(&s.wait("[data-testid=template-row] button", 5));
    s.wait("[data-testid=template-json]", 20);
    let json = s.prop("[data-testid=template-json]", "value");
    assert!(json.contains("\"sender\": \"bot@acme.test\"") && !json.contains("dana"), "{json}");
    let _ = listed;
    s.script(
        "document.querySelector('[data-testid=settings-section-templates]').scrollIntoView()",
        serde_json::json!([]),
    );
    s.screenshot("teach-templates-settings");

    // Into another data file: import the exported JSON, then the second email reads there too.
    let other = World::empty();
    let file = other.dir.path().join("acmebot.json");
    std::fs::write(&file, &json).unwrap();
    let run = |args: &[&str]| {
        let out = cli().env("HANDOFF_DB", &other.db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["workspace", "add", "client2", "--tz", "UTC"]);
    run(&["template", "import", file.to_str().unwrap()]);
    let eml = other.dir.path().join("second.eml");
    std::fs::write(&eml, second.email()).unwrap();
    run(&["import", "-w", "client2", eml.to_str().unwrap()]);
    let there = other.store().list(&Default::default()).unwrap();
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].parse_status, ParseStatus::Ok);
    assert_eq!(there[0].visitor.email.as_deref(), Some(second.email.as_str()));
}
