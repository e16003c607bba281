//! The first run on an empty data file: the inbox offers the demo and adding
//! a mailbox, Gaps and Insights show their empty states (never a spinner),
//! each screen audited and photographed at every size in light and dark.
//! Then the CLI, another process, writes to the same file while the window
//! is open: its import shows in the inbox by itself. The issue asks for
//! "within 2 s": that is checked as a generous behavioural bound (the window
//! polls the file every 0.4 s), and the time taken is printed.

use crate::World;
use crate::audit::{LARGEST, every_look};
use crate::driver::{Display, Driver, Session};
use std::time::{Duration, Instant};

fn screen_state(s: &Session, screen: &str, state: &str) {
    s.wait(&format!("[data-testid={screen}][data-state={state}]"), 20);
}

#[test]
fn an_empty_file_opens_on_the_first_run_and_a_cli_import_appears_by_itself() {
    let world = World::empty();
    let driver =
        Driver::start_on(Display::start_sized(LARGEST.0, LARGEST.1), &world.db, world.dir.path(), &[]);
    let s = driver.session();
    let mut problems = Vec::new();

    screen_state(&s, "inbox", "empty");
    s.wait("[data-testid=first-run-new-workspace]", 10);
    s.wait("[data-testid=first-run-demo]", 10);
    let panel = s.inner_text("[data-testid=first-run]");
    assert!(!panel.contains("handoff "), "no terminal commands on the first-run panel: {panel}");
    problems.extend(every_look(&s, "first-run", |s| {
        s.wait("[data-testid=first-run]", 10);
    }));

    s.click(&s.wait("[data-testid=nav-gaps]", 10));
    screen_state(&s, "gaps", "empty");
    s.wait("[data-testid=no-workspace-yet]", 10);
    problems.extend(every_look(&s, "gaps-empty", |s| screen_state(s, "gaps", "empty")));

    s.click(&s.wait("[data-testid=nav-insights]", 10));
    screen_state(&s, "insights", "empty");
    s.wait("[data-testid=no-workspace-yet]", 10);
    problems.extend(every_look(&s, "insights-empty", |s| screen_state(s, "insights", "empty")));
    assert!(problems.is_empty(), "axe-core found serious or critical problems:\n{}", problems.join("\n"));

    // The CLI adds a workspace and imports a handoff while the window is open.
    s.click(&s.wait("[data-testid=nav-inbox]", 10));
    let add = crate::cli()
        .env("HANDOFF_DB", &world.db)
        .args(["workspace", "add", "acme", "--name", "Acme Plumbing", "--tz", "America/New_York"])
        .output()
        .unwrap();
    assert!(add.status.success(), "workspace add: {}", String::from_utf8_lossy(&add.stderr));
    let file = world.dir.path().join("handoff.json");
    std::fs::write(
        &file,
        serde_json::json!({
            "id": "evt_cli_1", "workspace": "acme", "bot": "Convira", "reason": "knowledge_gap",
            "visitor": { "name": "Dana Reyes", "email": "dana@example.com" },
            "page": { "url": "https://acme.test/pricing", "title": "Pricing" },
            "escalated_at": chrono::Utc::now().to_rfc3339(),
            "question": "Do you offer refunds after 30 days?",
            "transcript": [ { "from": "visitor", "text": "Do you offer refunds after 30 days?" } ]
        })
        .to_string(),
    )
    .unwrap();
    let import = crate::cli().env("HANDOFF_DB", &world.db).arg("import").arg(&file).output().unwrap();
    assert!(import.status.success(), "import: {}", String::from_utf8_lossy(&import.stderr));
    let written = Instant::now();
    let mut seen = None;
    while written.elapsed() < Duration::from_secs(2) {
        if s.inner_text("[data-testid=inbox]").contains("Dana Reyes") {
            seen = Some(written.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let seen = seen.unwrap_or_else(|| {
        panic!(
            "the imported handoff did not show within 2 s; the inbox says: {}",
            s.inner_text("[data-testid=inbox]")
        )
    });
    eprintln!("CLI import to row in the open window: {} ms", seen.as_millis());
    assert_eq!(s.all("[data-testid=inbox-row]").len(), 1);
}
