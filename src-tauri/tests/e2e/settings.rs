//! Setting up a real workspace from the window, against real servers: from
//! the first-run panel, a new workspace; its hours and promise; an IMAP
//! source on a real Dovecot (a wrong password refused with the server's
//! reason, the right one kept in a real keychain, "test connection", and the
//! engine picking the new source up: a message APPENDed afterwards appears in
//! the inbox); a reply identity on the real SMTP sink; a HubSpot portal (the
//! spec-validating stand-in) and a push from the handoff pane that reaches
//! it. Last, a second launch on the same data file hands over to the open
//! window and exits.

use crate::World;
use crate::dovecot::{Dovecot, PASSWORD, USER};
use crate::hubspot::{HubSpot, TOKEN};
use crate::keychain::Keychain;
use crate::smtp::{SMTP_PASS, SMTP_USER, SmtpSink};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_new_workspace_is_set_up_from_the_window_against_real_servers() {
    let world = World::empty();
    let dovecot = Dovecot::start();
    let smtp = SmtpSink::start(&dovecot);
    let hubspot = HubSpot::start();
    let kc = Keychain::start();
    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();

    // First run: no workspace yet, and a clear way to add one.
    s.wait("[data-testid=inbox][data-state=empty]", 60);
    s.screenshot("first-run");
    s.click(&s.wait("[data-testid=first-run-new-workspace]", 10));
    s.set_input("[data-testid=new-ws-slug]", "acme");
    s.set_input("[data-testid=new-ws-name]", "Acme Plumbing");
    s.set_input("[data-testid=new-ws-timezone]", "America/New_York");
    s.click(&s.wait("[data-testid=new-ws-create]", 5));
    s.until("the settings show the new workspace", 20, |s| {
        s.prop("[data-testid=settings-workspace]", "value") == "acme"
            && s.prop("[data-testid=ws-name]", "value") == "Acme Plumbing"
    });

    // Hours, a holiday and the promise, saved to the data file.
    s.set_input("[data-testid=ws-hours-5]", "10:00-14:00");
    s.set_input("[data-testid=ws-holidays]", "2026-12-25");
    s.set_input("[data-testid=ws-promise]", "within 2 business hours");
    s.click(&s.wait("[data-testid=ws-save]", 5));
    s.wait("[data-testid=ws-status][data-state=saved]", 20);
    let ws = world.store().require_workspace("acme").unwrap();
    assert_eq!(ws.time_zone, "America/New_York");
    assert_eq!(ws.default_promise.as_deref(), Some("within 2 business hours"));
    assert_eq!(ws.hours.days[5].len(), 1, "Saturday 10:00-14:00");
    assert_eq!(ws.hours.holidays.len(), 1);

    // An IMAP source: the wrong password is refused with the server's reason
    // and nothing is saved; the right one is checked, then kept in the keychain.
    // A workspace made from the first run opens its add-a-source form by itself.
    s.wait("[data-testid=source-form]", 10);
    s.select("[data-testid=source-kind]", "imap");
    s.set_input("[data-testid=source-name]", "support");
    s.set_input("[data-testid=source-host]", "127.0.0.1");
    s.set_input("[data-testid=source-port]", &dovecot.port.to_string());
    s.select("[data-testid=source-tls]", "plain");
    s.set_input("[data-testid=source-user]", USER);
    s.set_input("[data-testid=source-secret]", "not-the-password");
    s.click(&s.wait("[data-testid=source-submit]", 5));
    let refused = s.wait("[data-testid=source-form-error]", 30);
    let why = s.text(&refused);
    assert!(why.contains("refused the login"), "the server's refusal, for people: {why}");
    assert!(world.store().sources().unwrap().is_empty(), "nothing saved after a failed check");
    assert_eq!(kc.lookup("acme/source:support"), None);
    s.screenshot("settings-source-refused");

    s.set_input("[data-testid=source-secret]", PASSWORD);
    s.click(&s.wait("[data-testid=source-submit]", 5));
    s.wait("[data-testid=source-item]", 30);
    assert_eq!(
        kc.lookup("acme/source:support").as_deref(),
        Some(PASSWORD),
        "the password is in the keychain"
    );
    let db_bytes = std::fs::read(&world.db).unwrap();
    assert!(!db_bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "never in the data file");
    s.click(&s.wait("[data-testid=source-test]", 5));
    s.wait("[data-testid=source-result][data-state=ok]", 30);

    // A reply identity on the SMTP sink, its login checked, then tested.
    s.set_input("[data-testid=smtp-host]", "127.0.0.1");
    s.set_input("[data-testid=smtp-port]", &smtp.port.to_string());
    s.select("[data-testid=smtp-tls]", "plain");
    s.set_input("[data-testid=smtp-user]", SMTP_USER);
    s.set_input("[data-testid=smtp-password]", SMTP_PASS);
    s.set_input("[data-testid=smtp-from]", "help@acme.test");
    s.click(&s.wait("[data-testid=smtp-save]", 5));
    s.wait("[data-testid=smtp-status][data-state=ok]", 30);
    assert_eq!(kc.lookup("acme/smtp").as_deref(), Some(SMTP_PASS));
    assert_eq!(s.prop("[data-testid=smtp-password]", "value"), "", "the password is not kept in the form");
    s.click(&s.wait("[data-testid=smtp-test]", 5));
    s.until("the SMTP test passes", 30, |s| {
        s.attr(&s.wait("[data-testid=smtp-status]", 5), "data-state").as_deref() == Some("ok")
            && s.inner_text("[data-testid=smtp-status]").contains("accepts the login")
    });

    // HubSpot: a token without scopes is refused, the right one connects.
    s.set_input("[data-testid=hubspot-base-url]", &hubspot.url());
    s.set_input("[data-testid=hubspot-token]", "wrong-token");
    s.click(&s.wait("[data-testid=hubspot-connect]", 5));
    let refused = s.wait("[data-testid=hubspot-error]", 30);
    assert!(s.text(&refused).contains("HubSpot refused the token"), "{}", s.text(&refused));
    s.set_input("[data-testid=hubspot-token]", TOKEN);
    s.click(&s.wait("[data-testid=hubspot-connect]", 5));
    s.wait("[data-testid=hubspot-status][data-state=connected]", 30);
    assert_eq!(kc.lookup("acme/hubspot").as_deref(), Some(TOKEN));
    s.screenshot("settings");

    // The engine picked the new source up: a handoff mailed now appears.
    s.click(&s.wait("[data-testid=nav-inbox]", 5));
    s.wait("[data-testid=inbox]", 10);
    dovecot.append("INBOX", include_bytes!("../../../tests/fixtures/email/01_plain_labelled.eml"));
    s.click(&s.wait("[data-testid=inbox-row]", 30));
    s.wait("[data-testid=handoff-view]", 20);

    // Pushed from the pane; it reaches the portal (auto-push is on too, so
    // it may already be on its way: either way it lands once).
    let card = s.wait("[data-testid=hubspot-card]", 10);
    if s.attr(&card, "data-state").as_deref() == Some("not_pushed") {
        s.click(&s.wait("[data-testid=hubspot-push]", 5));
    }
    s.wait("[data-testid=hubspot-card][data-state=pushed]", 60);
    let state = hubspot.wait_for(10, "a contact and its transcript note", |st| {
        st["contacts"].as_object().is_some_and(|c| c.len() == 1)
            && st["notes"].as_object().is_some_and(|n| n.len() == 1)
    });
    assert_eq!(state["contacts"].as_object().map(|c| c.len()), Some(1), "one contact, not two");
    hubspot.assert_clean();
    s.screenshot("handoff-pushed");

    // A second launch on the same data file: it hands over and exits.
    let started = Instant::now();
    let mut second = Command::new(env!("CARGO_BIN_EXE_handoff-desk"));
    kc.apply(&mut second);
    let second_err = tempfile::NamedTempFile::new().unwrap();
    let status = second
        .env("HANDOFF_DB", &world.db)
        .env("DISPLAY", format!(":{}", driver.display()))
        .stdout(Stdio::null())
        .stderr(second_err.reopen().unwrap())
        .spawn()
        .unwrap();
    let status = wait_exit(status, Duration::from_secs(20));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "the second instance exits at once; it ended with {status:?} after {} ms, saying: {}",
        started.elapsed().as_millis(),
        std::fs::read_to_string(second_err.path()).unwrap_or_default()
    );
    eprintln!("second launch handed over in {} ms", started.elapsed().as_millis());
    s.wait("[data-testid=handoff-view]", 5);
}

fn wait_exit(mut child: std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
