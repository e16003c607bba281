//! Closing the window does not stop the promise timers: the window is closed
//! the way a window manager closes it (WM_DELETE_WINDOW), the app hides to the
//! tray with its one-time notice, and the reminder and the breach that come
//! due afterwards still reach the owner as desktop notifications (received by
//! a real notification daemon, dunst, on the session bus). How late each one
//! fired after its due time is printed; the ≤ 5 s figure is the alert-latency
//! benchmark's to judge.

use crate::World;
use crate::keychain::Keychain;
use crate::live::Dunst;
use crate::x11::X;
use chrono::Utc;
use handoff::ingest::Parsed;
use handoff::model::*;
use handoff::store::NewWorkspace;
use std::time::{Duration, Instant};

fn waiting(name: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Relay, RawKind::Json, name.as_bytes().to_vec());
    h.source_key = format!("bg-{name}");
    h.parse_status = ParseStatus::Ok;
    h.reason = Reason::HumanRequest;
    h.visitor.name = Some(name.into());
    h.visitor.email = Some("olga@example.com".into());
    h.question = Some("Can someone call me about the boiler?".into());
    h.promise = Some("within 2 hours".into());
    Parsed::Handoff(Box::new(h))
}

#[test]
fn closed_to_the_tray_the_app_still_fires_the_reminder_and_the_breach() {
    let world = World::empty();
    {
        let mut store = world.store();
        let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme Plumbing", "UTC")).unwrap();
        store.ingest(&ws, vec![waiting("Olga Berg")], Utc::now()).unwrap();
    }
    let kc = Keychain::start();
    let extra = [("HANDOFF_TICK_MS", "1000".to_string())];
    let driver = world.driver_with_keychain_and(&kc, &extra);
    let notifications = Dunst::start(driver.display(), &kc);
    let s = driver.session();
    s.wait("[data-testid=inbox-row]", 60);
    s.screenshot("background-before-close");

    // Close it as a window manager's close button does.
    let x = X::open(driver.display());
    let shown: Vec<_> = x.windows("Handoff Desk").into_iter().filter(|(_, mapped)| *mapped).collect();
    assert_eq!(shown.len(), 1, "one mapped app window: {shown:?}");
    x.close("Handoff Desk", shown[0].0);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let windows = x.windows("Handoff Desk");
        if !windows.is_empty() && windows.iter().all(|(_, mapped)| !mapped) {
            break; // hidden, not destroyed: the app runs on
        }
        assert!(Instant::now() < deadline, "the window neither hid nor stayed: {windows:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while !notifications.history().contains("Still running in the tray") {
        assert!(Instant::now() < deadline, "no tray notice: {}", notifications.history());
        std::thread::sleep(Duration::from_millis(200));
    }

    // The promise's reminder and breach, a few seconds from now.
    let now = Utc::now();
    let at = |s: i64| now + chrono::Duration::seconds(s);
    {
        let store = world.store();
        store
            .conn()
            .execute(&format!("UPDATE promises SET due_at = {}", at(6).timestamp_millis()), ())
            .unwrap();
        for (kind, secs) in [("reminder", 3), ("breach", 6)] {
            let sql = format!(
                "UPDATE follow_ups SET due_at = {} WHERE kind = '{kind}'",
                at(secs).timestamp_millis()
            );
            store.conn().execute(&sql, ()).unwrap();
        }
    }
    let deadline = Instant::now() + Duration::from_secs(40);
    let (mut reminder, mut breach) = (None, None);
    while reminder.is_none() || breach.is_none() {
        let shown = notifications.history();
        if reminder.is_none() && shown.contains("Reply to Olga Berg due in") {
            reminder = Some(Utc::now());
        }
        if breach.is_none() && shown.contains("Promise broken: Olga Berg is still waiting") {
            breach = Some(Utc::now());
        }
        assert!(Instant::now() < deadline, "closed to the tray, the timers did not fire: {shown}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let late = |seen: Option<chrono::DateTime<Utc>>, due: i64| (seen.unwrap() - at(due)).num_milliseconds();
    eprintln!(
        "window closed to the tray: reminder shown {} ms after due, breach {} ms after due",
        late(reminder, 3),
        late(breach, 6)
    );
    // Still hidden, still running: the windows are there, unmapped.
    assert!(x.windows("Handoff Desk").iter().all(|(_, mapped)| !mapped));
    let state: String =
        world.store().conn().query_row("SELECT state FROM promises", [], |r| r.get(0)).unwrap();
    assert_eq!(state, "breached");
}
