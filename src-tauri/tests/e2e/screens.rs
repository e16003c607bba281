//! Every screen of the demo (inbox, an open handoff, the reply, Gaps,
//! Insights, Settings) at 800×600, 1280×800 and 1920×1080, light and dark:
//! screenshots for people to look at, and axe-core with no serious or
//! critical violation on any of them. One app session for all of it.

use crate::World;
use crate::audit::{LARGEST, every_look};
use crate::driver::{Display, Driver, Session};

fn any_state(s: &Session, screen: &str, states: &[&str]) {
    s.until(&format!("{screen} shows"), 60, |s| {
        states.iter().any(|st| !s.all(&format!("[data-testid={screen}][data-state={st}]")).is_empty())
    });
}

#[test]
fn every_screen_at_every_size_in_light_and_dark_passes_axe() {
    let world = World::demo(12);
    let driver =
        Driver::start_on(Display::start_sized(LARGEST.0, LARGEST.1), &world.db, world.dir.path(), &[]);
    let s = driver.session();
    let mut problems = Vec::new();

    any_state(&s, "inbox", &["ready"]);
    problems.extend(every_look(&s, "inbox", |s| any_state(s, "inbox", &["ready"])));

    let first = s.wait("[data-testid=inbox-row]", 10);
    let id = s.attr(&first, "data-id").unwrap();
    s.click(&first);
    let pane = format!("[data-testid=handoff-view][data-id=\"{id}\"]");
    s.wait(&pane, 20);
    problems.extend(every_look(&s, "handoff", |s| {
        s.wait(&pane, 10);
    }));

    s.script("document.activeElement && document.activeElement.blur()", serde_json::json!([]));
    s.keys("r");
    s.wait("[data-testid=reply-body]", 20);
    problems.extend(every_look(&s, "reply", |s| {
        s.wait("[data-testid=reply-body]", 10);
    }));

    s.click(&s.wait("[data-testid=nav-gaps]", 10));
    any_state(&s, "gaps", &["ready", "empty"]);
    problems.extend(every_look(&s, "gaps", |s| any_state(s, "gaps", &["ready", "empty"])));

    s.click(&s.wait("[data-testid=nav-insights]", 10));
    any_state(&s, "insights", &["ready"]);
    problems.extend(every_look(&s, "insights", |s| any_state(s, "insights", &["ready"])));

    s.click(&s.wait("[data-testid=open-settings]", 10));
    any_state(&s, "settings-screen", &["ready"]);
    problems.extend(every_look(&s, "settings", |s| any_state(s, "settings-screen", &["ready"])));

    assert!(problems.is_empty(), "axe-core found serious or critical problems:\n{}", problems.join("\n"));
}
