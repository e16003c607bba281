//! "Sign in with Google" in the real window, from the first-run panel, against
//! the OAuth stand-in (Google's sign-in cannot run here) and a real Dovecot
//! whose oauth2 passdb checks the same tokens with the stand-in. The app's
//! browser (`HANDOFF_BROWSER`) is a script that records the address it was
//! asked to open; the test then plays the person in the browser, following it
//! to the app's loopback redirect as a click on Allow would. The mailbox is
//! connected with only the refresh token kept (in a real keychain), and a
//! handoff APPENDed afterwards appears in the inbox.

use crate::World;
use crate::dovecot::{Dovecot, USER};
use crate::keychain::Keychain;
use crate::oauth::OAuthServer;
use std::time::{Duration, Instant};

#[test]
fn sign_in_with_google_from_the_first_run_connects_the_mailbox() {
    let world = World::empty();
    let auth = OAuthServer::start();
    let dovecot = Dovecot::start_oauth(&auth.url("/introspect"), "xoauth2");
    let kc = Keychain::start();
    let opened = world.dir.path().join("opened.txt");
    let browser = world.dir.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", opened.display()))
        .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut env: Vec<(String, String)> = auth.env("google");
    env.push(("HANDOFF_BROWSER".into(), browser.display().to_string()));
    env.push(("HANDOFF_DNS_JSON_URL".into(), String::new()));
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let driver = world.driver_with_keychain_and(&kc, &env);
    let s = driver.session();

    // The first run offers the sign-in first.
    s.wait("[data-testid=inbox][data-state=empty]", 60);
    s.click(&s.wait("[data-testid=first-run-signin-google]", 10));
    s.set_input("[data-testid=new-ws-slug]", "acme");
    s.set_input("[data-testid=new-ws-name]", "Acme Plumbing");
    s.set_input("[data-testid=new-ws-timezone]", "Europe/Berlin");
    s.click(&s.wait("[data-testid=new-ws-create]", 5));

    // The new workspace's Sources open on the sign-in, the address field first.
    s.wait("[data-testid=source-signin]", 20);
    s.set_input("[data-testid=source-address]", USER);
    s.set_input("[data-testid=source-name]", "inbox");
    s.set_input("[data-testid=source-host]", "127.0.0.1");
    s.set_input("[data-testid=source-port]", &dovecot.port.to_string());
    s.select("[data-testid=source-tls]", "plain");
    s.click(&s.wait("[data-testid=source-signin-google]", 5));
    s.wait("[data-testid=signin-status][data-state=waiting]", 20);
    s.screenshot("settings-signin-waiting");

    // The person in the browser: the app asked for this address; Allow.
    let deadline = Instant::now() + Duration::from_secs(20);
    let url = loop {
        let lines = std::fs::read_to_string(&opened).unwrap_or_default();
        if let Some(u) = lines.lines().find(|l| l.starts_with("http")) {
            break u.to_string();
        }
        assert!(Instant::now() < deadline, "the app did not open the sign-in page");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(url.starts_with(&auth.url("/authorize")), "{url}");
    assert_eq!(s.inner_text("[data-testid=signin-url]"), url, "the window shows the same address");
    OAuthServer::browse(&url);

    s.wait("[data-testid=source-item]", 60);
    s.wait("[data-testid=source-signin-again]", 5);
    s.screenshot("settings-signed-in");
    let refresh = kc.lookup("acme/source:inbox").expect("the refresh token is in the keychain");
    assert!(refresh.starts_with("rt-"), "a refresh token, not a password: {refresh}");
    let source = world.store().sources().unwrap().remove(0);
    assert!(source.config.describe().contains(USER), "{}", source.config.describe());

    // The engine runs the signed-in source: a handoff arriving now shows up.
    s.click(&s.wait("[data-testid=nav-inbox]", 5));
    s.wait("[data-testid=inbox]", 10);
    dovecot.append("INBOX", &handoff::demo::notification_emails(1, 7, chrono::Utc::now()).next().unwrap());
    s.wait("[data-testid=inbox-row]", 60);
    assert!(auth.count("introspect") >= 1, "Dovecot checked the token with the stand-in");
    auth.assert_clean();
    let stored = std::fs::read(&world.db).unwrap();
    assert!(
        !stored.windows(refresh.len()).any(|w| w == refresh.as_bytes()),
        "the refresh token is not in the data file"
    );
}
