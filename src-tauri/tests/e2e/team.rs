//! Team mode from the window, against a real Dovecot: turned on in Settings →
//! Team, a handoff claimed from the pane lands on its message as the
//! `$HandoffClaimed` keyword plus ours; a teammate's keywords STOREd on
//! another message from outside show up in the open inbox and pane within
//! 10 s (the engine IDLEs on the folder) with the warning before answering;
//! releasing with the `c` key takes our keywords off again.
//!
//! It pins that turning team mode on in Settings takes effect at once: the
//! engine's running IMAP session must start reading teammates' claims without
//! an app restart (a reload that restarted only sources whose own config
//! changed left it blind to them until the next launch).

use crate::World;
use crate::dovecot::{Dovecot, USER};
use crate::keychain::Keychain;
use handoff::store::NewWorkspace;
use std::time::{Duration, Instant};

#[path = "../../../tests/support/mail.rs"]
#[allow(dead_code)]
mod mail;

const CLAIMED: &str = "$HandoffClaimed";
const OURS: &str = "$HD:Pat~pat@example.test";

/// Wait up to `secs` for the flags of INBOX message `seq` (1-based) to pass `check`.
fn wait_flags(d: &Dovecot, seq: usize, secs: u64, what: &str, check: impl Fn(&[String]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let flags = d.flags(USER, "INBOX");
        if check(&flags[seq - 1]) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {secs} s; message {seq} has {:?}",
            flags[seq - 1]
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn claims_travel_through_the_shared_mailbox_from_the_window() {
    let world = World::empty();
    let ws =
        world.store().create_workspace(&NewWorkspace::new("acme", "Acme Plumbing", "Europe/Berlin")).unwrap();
    let dovecot = Dovecot::start();
    dovecot.append_all("INBOX", &[mail::handoff_email("team", 1), mail::handoff_email("team", 2)]);
    let kc = Keychain::start();
    world.add_imap_source(&kc, &dovecot);

    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.until("both handoffs are in the inbox", 30, |s| s.all("[data-testid=inbox-row]").len() == 2);
    let store = world.store();
    let id = |n: usize| store.handoff_by_key(ws.id, &mail::email_key("team", n)).unwrap().unwrap();
    let (first, second) = (id(1), id(2));

    // Team mode on, from Settings → Team; no reply identity, so name and address are given.
    s.click(&s.wait("[data-testid=open-settings]", 10));
    s.click(&s.wait("[data-testid=team-enabled]", 20));
    s.set_input("[data-testid=team-name]", "Pat");
    s.set_input("[data-testid=team-email]", "pat@example.test");
    s.set_input("[data-testid=team-stale]", "30");
    s.click(&s.wait("[data-testid=team-save]", 5));
    s.wait("[data-testid=team-status][data-state=ok]", 20);
    let team = world.store().require_workspace("acme").unwrap().settings.team.expect("team mode is saved");
    assert_eq!(
        (team.name.as_str(), team.email.as_str(), team.stale_after_minutes),
        ("Pat", "pat@example.test", 30)
    );
    s.click(&s.wait("[data-testid=nav-inbox]", 5));

    // Claim the first from its pane: ours in the window, both keywords on its message.
    s.click(&s.wait(&format!("[data-testid=inbox-row][data-id=\"{first}\"]"), 20));
    s.wait(&format!("[data-testid=handoff-view][data-id=\"{first}\"]"), 20);
    s.click(&s.wait("[data-testid=team-card] [data-testid=team-claim]", 10));
    s.wait("[data-testid=team-card][data-claim=mine]", 20);
    assert!(s.inner_text("[data-testid=team-holder]").contains("Claimed by you"));
    assert!(
        s.all("[data-testid=team-pending]").is_empty(),
        "shared at once: {}",
        s.inner_text("[data-testid=team-card]")
    );
    wait_flags(&dovecot, 1, 10, "our claim on the server", |f| {
        f.iter().any(|k| k == CLAIMED) && f.iter().any(|k| k == OURS)
    });
    assert!(
        !dovecot.flags(USER, "INBOX")[1].iter().any(|k| k == CLAIMED),
        "only the claimed message is marked"
    );
    s.until("the row says it is ours", 10, |s| {
        s.inner_text(&format!("[data-testid=inbox-row][data-id=\"{first}\"] [data-testid=row-claim]"))
            .contains("You")
    });

    // A teammate claims the second from their app: its keywords, STOREd on the server.
    let mut imap = dovecot.session();
    imap.select("INBOX").unwrap();
    let stored = Instant::now();
    // Raw: new keywords make the server announce new PERMANENTFLAGS, which the crate's STORE does not expect.
    imap.run_command_and_read_response("STORE 2 +FLAGS ($HandoffClaimed $HD:Sam~sam@example.test)").unwrap();
    imap.logout().unwrap();
    let row = format!("[data-testid=inbox-row][data-id=\"{second}\"] [data-testid=row-claim]");
    s.until("the teammate's claim shows on the row", 10, |s| s.inner_text(&row).contains("Sam"));
    eprintln!("teammate's STORE to the inbox chip: {} ms", stored.elapsed().as_millis());
    s.click(&s.wait(&format!("[data-testid=inbox-row][data-id=\"{second}\"]"), 5));
    s.wait(&format!("[data-testid=handoff-view][data-id=\"{second}\"]"), 20);
    s.wait("[data-testid=team-card][data-claim=other]", 10);
    assert!(s.inner_text("[data-testid=team-holder]").contains("Claimed by Sam"));
    assert!(
        s.all("[data-testid=team-claim], [data-testid=team-release]").is_empty(),
        "not ours to claim or release"
    );
    s.screenshot("team-claimed-by-teammate");
    // Answering anyway is possible, after the warning.
    s.click(&s.wait("[data-testid=action-reply]", 5));
    let warning = s.wait("[data-testid=reply-warning]", 20);
    assert!(s.text(&warning).contains("Sam claimed this"), "{}", s.text(&warning));
    assert_eq!(s.inner_text("[data-testid=reply-send]"), "Send anyway");
    s.script(
        "document.querySelector('[data-testid=reply-warning]').scrollIntoView({block: 'center'})",
        serde_json::json!([]),
    );
    s.screenshot("team-warning");

    // Release the first with the keyboard: our keywords come off the message.
    s.click(&s.wait(&format!("[data-testid=inbox-row][data-id=\"{first}\"]"), 5));
    s.wait(&format!("[data-testid=handoff-view][data-id=\"{first}\"]"), 20);
    s.wait("[data-testid=team-card][data-claim=mine]", 10);
    s.keys("c");
    s.wait("[data-testid=team-card][data-claim=none]", 20);
    wait_flags(&dovecot, 1, 10, "our release on the server", |f| {
        !f.iter().any(|k| k == CLAIMED || k == OURS)
    });
    s.until("the row no longer shows a claim", 10, |s| {
        s.all(&format!("[data-testid=inbox-row][data-id=\"{first}\"] [data-testid=row-claim]")).is_empty()
    });
    assert!(
        dovecot.flags(USER, "INBOX")[1].iter().any(|k| k == "$HD:Sam~sam@example.test"),
        "Sam's claim is left alone"
    );
}
