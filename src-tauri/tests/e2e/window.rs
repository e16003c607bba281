//! The window an owner works in, on the demo in the real webview: Reply from
//! the pane with the cursor on the answer line (and, without a reply
//! identity, a button to Settings rather than a command to type), Undo after
//! Snooze and after Resolve from the toast, Reopen, and links handed to the
//! system's URL handler. The handler is a test double: a recording
//! `xdg-open` first on PATH (the opener plugin's `open` crate tries
//! xdg-open first on Linux), so no browser or mail program ever starts.

use crate::World;
use crate::driver::Session;
use handoff::model::Status;
use handoff::store::InboxFilter;
use std::path::{Path, PathBuf};

/// A recording `xdg-open` in `dir/bin`: each call appends its argument to `dir/opened.txt`.
pub fn fake_url_handler(dir: &Path) -> (PathBuf, String) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    (log, path)
}

/// Click the action button ("Undo") of the toast that says `text`.
fn toast_action(s: &Session, text: &str) {
    let mut button = None;
    s.until(&format!("a toast saying {text:?} with an action"), 10, |s| {
        button = s.find_by_script(
            "const t = [...document.querySelectorAll('[data-testid=toast]')].find(t => t.innerText.includes(arguments[0])); \
             return t ? t.querySelector('[data-testid=toast-action]') : null;",
            serde_json::json!([text]),
        );
        button.is_some()
    });
    s.click(&button.unwrap());
}

fn row_shown(s: &Session, id: i64) -> bool {
    !s.all(&format!("[data-testid=inbox-row][data-id=\"{id}\"]")).is_empty()
}

#[test]
fn reply_undo_reopen_and_links_from_the_pane() {
    let world = World::demo(12);
    let store = world.store();
    let now = chrono::Utc::now();
    let open = store.inbox(&InboxFilter { limit: 8, ..Default::default() }, now).unwrap();
    // The first rows on screen: one with an email address and a web page.
    let target = open
        .iter()
        .find(|e| {
            e.handoff.visitor.email.is_some()
                && e.handoff.page.url.as_deref().is_some_and(|u| u.starts_with("http"))
        })
        .expect("a demo handoff with an email and a page in the first rows");
    let id = target.handoff.id;
    let (opened, path) = fake_url_handler(world.dir.path());
    let driver = crate::driver::Driver::start(&world.db, world.dir.path(), &[("PATH", path)]);
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait(&format!("[data-testid=inbox-row][data-id=\"{id}\"]"), 20));
    s.wait(&format!("[data-testid=handoff-view][data-id=\"{id}\"]"), 20);

    // Reply is the pane's primary action, and `r` opens it with the cursor on the answer line.
    let reply = s.wait("[data-testid=action-reply]", 10);
    assert!(s.attr(&reply, "class").unwrap_or_default().contains("primary"), "Reply is the primary button");
    s.script("document.activeElement && document.activeElement.blur()", serde_json::json!([]));
    s.keys("r");
    s.wait("[data-testid=reply-body]", 20);
    let marker = "[Write your answer here]";
    s.until("the draft is in the field", 10, |s| {
        s.prop("[data-testid=reply-body]", "value").contains(marker)
    });
    let caret_now = |s: &crate::driver::Session| {
        s.script(
            "const b = document.querySelector('[data-testid=reply-body]'); \
             return [document.activeElement === b, b.selectionStart, b.selectionEnd, b.value.indexOf(arguments[0])];",
            serde_json::json!([marker]),
        )
    };
    // The focus follows the draft by a frame or two (longer on a loaded machine).
    s.until("the message field takes the focus", 10, |s| caret_now(s)[0] == true);
    let caret = caret_now(&s);
    let at = caret[3].as_i64().unwrap();
    assert_eq!(caret[0], true, "the message field has the focus");
    assert_eq!(caret[1].as_i64(), Some(at), "the cursor starts on the answer line: {caret}");
    assert_eq!(caret[2].as_i64(), Some(at + marker.len() as i64), "the marker is selected: {caret}");
    // The demo has no reply identity: the window offers Settings, not a command.
    let problem = s.inner_text("[data-testid=reply-problem]");
    assert!(!problem.contains("handoff ") && !problem.contains('`'), "no CLI in the window: {problem}");
    s.wait("[data-testid=reply-fix-identity]", 5);
    s.click(&s.wait("[data-testid=composer] button[type=button]:not([data-testid])", 5));

    // Snooze: a toast says so, the row leaves the inbox; Undo brings it back.
    s.click(&s.wait("[data-testid=action-snooze]", 10));
    s.until("the snoozed row leaves the list", 10, |s| !row_shown(s, id));
    assert!(world.store().snoozed_until(id).unwrap().is_some());
    toast_action(&s, "Snoozed");
    s.until("the row is back after Undo", 10, |s| row_shown(s, id));
    assert_eq!(world.store().snoozed_until(id).unwrap(), None, "the snooze is gone from the data file");

    // Resolve, then Undo from the toast: open again, no resolution left.
    s.click(&s.wait("[data-testid=action-resolve]", 10));
    s.click(&s.wait("[data-testid=resolve-content_gap]", 10));
    s.until("resolved", 10, |_| world.store().handoff(id).unwrap().unwrap().status == Status::Resolved);
    toast_action(&s, "Resolved as");
    s.until("reopened by Undo", 10, |_| {
        !matches!(world.store().handoff(id).unwrap().unwrap().status, Status::Resolved | Status::Lost)
    });
    assert_eq!(world.store().resolution(id).unwrap(), None);
    s.until("the pane offers Resolve again", 10, |s| !s.all("[data-testid=action-resolve]").is_empty());

    // Resolve as answered: the pane offers Reopen (not Resolve, Snooze, Contacted).
    s.click(&s.wait("[data-testid=action-resolve]", 10));
    s.click(&s.wait("[data-testid=resolve-answered]", 10));
    let reopen = s.wait("[data-testid=action-reopen]", 10);
    for gone in ["action-resolve", "action-snooze", "action-contacted"] {
        assert!(
            s.all(&format!("[data-testid={gone}]")).is_empty(),
            "{gone} is not offered on a resolved handoff"
        );
    }
    assert_eq!(s.inner_text("[data-testid=status]"), "Resolved", "the status reads as a word");
    s.click(&reopen);
    s.until("reopened", 10, |_| {
        !matches!(world.store().handoff(id).unwrap().unwrap().status, Status::Resolved | Status::Lost)
    });
    s.wait("[data-testid=action-resolve]", 10);

    // Links go to the system's handler, http(s) and mailto as they are.
    let url = s.attr(&s.wait("[data-testid=page-link]", 10), "href").unwrap();
    s.click(&s.wait("[data-testid=page-link]", 10));
    let read = || std::fs::read_to_string(&opened).unwrap_or_default();
    s.until("the page URL reaches the URL handler", 10, |_| read().lines().any(|l| l == url));
    let mailto = s.attr(&s.wait("[data-testid=visitor-email]", 10), "href").unwrap();
    assert!(mailto.starts_with("mailto:"));
    s.click(&s.wait("[data-testid=visitor-email]", 10));
    s.until("the mailto link reaches the URL handler", 10, |_| read().lines().any(|l| l == mailto));
    assert_eq!(read().lines().count(), 2, "one call per click: {}", read());
    // The webview itself never navigated away.
    let here = s.script("return location.href", serde_json::json!([]));
    assert!(!here.as_str().unwrap_or_default().starts_with("http"), "the window stayed on the app: {here}");

    // The reply problem's button takes the owner to Settings.
    s.keys("r");
    s.click(&s.wait("[data-testid=reply-fix-identity]", 20));
    s.wait("[data-testid=settings-screen]", 10);
}
