//! New handoffs appear in the open window by themselves: the app's sync
//! engine watches a real Dovecot mailbox (IDLE), with its password in a real
//! private keychain, and a notification APPENDed to the mailbox shows up in
//! the inbox without a reload, with a desktop notification (received by a
//! real notification daemon, dunst, on the same session bus). The time from
//! APPEND to the row is printed; the 2 s target is judged by the live-sync
//! benchmark, not here.

use crate::World;
use crate::dovecot::Dovecot;
use crate::keychain::Keychain;
use handoff::store::NewWorkspace;
use std::process::{Command, Stdio};
use std::time::Instant;

#[test]
fn a_handoff_appended_to_the_mailbox_appears_in_the_open_inbox() {
    let world = World::empty();
    world.store().create_workspace(&NewWorkspace::new("acme", "Acme Plumbing", "America/New_York")).unwrap();
    let dovecot = Dovecot::start();
    let kc = Keychain::start();
    world.add_imap_source(&kc, &dovecot);

    let driver = world.driver_with_keychain(&kc);
    let notifications = Dunst::start(driver.display(), &kc);
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=empty]", 60);
    // Let the engine reach IDLE before the message lands (it would be found
    // by the first sync otherwise, which proves less).
    std::thread::sleep(std::time::Duration::from_secs(3));
    let mail = handoff::demo::notification_emails(1, 42, chrono::Utc::now()).next().unwrap();
    let start = Instant::now();
    dovecot.append("INBOX", &mail);
    s.wait("[data-testid=inbox-row]", 30);
    let latency = start.elapsed();
    eprintln!("APPEND to row in the open inbox: {} ms", latency.as_millis());
    let row = s.all("[data-testid=inbox-row]");
    assert_eq!(row.len(), 1);
    let id: i64 = s.attr(&row[0], "data-id").unwrap().parse().unwrap();
    let stored = world.store().handoff(id).unwrap().unwrap();
    assert_eq!(stored.source, handoff::model::SourceKind::Imap);
    if let Some(name) = &stored.visitor.name {
        assert!(s.inner_text("[data-testid=row-visitor]").contains(name.as_str()));
    }
    s.screenshot("inbox-live");
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let shown = notifications.history();
        // The body is the briefing: "Asks: …", or what it says when the mail holds no question.
        if shown.contains("New handoff in acme") && (shown.contains("Asks:") || shown.contains("question")) {
            break;
        }
        assert!(Instant::now() < deadline, "no desktop notification for the new handoff; dunst saw: {shown}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// dunst, a real notification daemon, on the keychain's session bus and the
/// app's display; `dunstctl history` lists what it was asked to show.
pub struct Dunst {
    child: std::process::Child,
    address: String,
}

impl Dunst {
    pub fn start(display: u32, kc: &Keychain) -> Dunst {
        let child = kc
            .command("dunst")
            .env("DISPLAY", format!(":{display}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start dunst (scripts/setup installs it): {e}"));
        let d = Dunst { child, address: kc.address.clone() };
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while !d.ctl(&["is-paused"]).status.success() {
            assert!(Instant::now() < deadline, "dunst did not come up on the session bus");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        d
    }

    fn ctl(&self, args: &[&str]) -> std::process::Output {
        Command::new("dunstctl").args(args).env("DBUS_SESSION_BUS_ADDRESS", &self.address).output().unwrap()
    }

    /// Everything shown so far (`dunstctl history`, JSON).
    pub fn history(&self) -> String {
        // Shown notifications move to the history once closed: close them all first.
        let _ = self.ctl(&["close-all"]);
        String::from_utf8_lossy(&self.ctl(&["history"]).stdout).into_owned()
    }
}

impl Drop for Dunst {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
