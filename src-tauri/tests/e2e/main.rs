//! End-to-end tests of the real app binary in its real WebKit webview under
//! Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver). Each test
//! gets its own display, driver, home folder and data file. Screenshots of
//! each screen land in `ci-artifacts/screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a failed unwrap is a failed test

#[path = "../../../tests/support/acmebot.rs"]
#[allow(dead_code)]
mod acmebot;
mod audit;
mod background;
#[path = "../../../tests/support/dovecot.rs"]
#[allow(dead_code)]
mod dovecot;
mod driver;
mod first_run;
mod gaps;
#[path = "../../../tests/support/hubspot.rs"]
#[allow(dead_code)]
mod hubspot;
mod inbox;
mod insights;
#[path = "../../../tests/support/keychain.rs"]
#[allow(dead_code)]
mod keychain;
mod live;
#[path = "../../../tests/support/oauth.rs"]
#[allow(dead_code)]
mod oauth;
mod reply;
mod report;
mod screens;
mod settings;
mod signin;
#[path = "../../../tests/support/smtp.rs"]
#[allow(dead_code)]
mod smtp;
mod teach;
mod team;
mod text_layout;
#[path = "../../../tests/support/web.rs"]
#[allow(dead_code)]
mod web;
mod window;
mod x11;
mod xss;

use chrono::Utc;
use handoff::Store;
use std::path::{Path, PathBuf};

/// `../shared/reference/<sub>` beside the checkout (the support modules' helper).
pub fn shared(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference").join(sub)
}

/// The `handoff` CLI built beside this test binary (target/<profile>/handoff).
pub fn cli() -> std::process::Command {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = dir.join("handoff");
    assert!(bin.is_file(), "{} is missing: build the workspace (cargo build --workspace)", bin.display());
    std::process::Command::new(bin)
}

/// A home folder and a data file of the test's own.
pub struct World {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl World {
    /// An empty data file.
    pub fn empty() -> World {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("handoff.db");
        Store::open(&db).unwrap();
        World { dir, db }
    }

    /// Add Dovecot's helpdesk mailbox to workspace `acme` as IMAP source
    /// "support", through the `handoff` CLI (the password goes to `kc`).
    pub fn add_imap_source(&self, kc: &keychain::Keychain, dovecot: &dovecot::Dovecot) {
        use std::io::Write;
        use std::process::Stdio;
        let mut add = cli();
        kc.apply(&mut add);
        add.env("HANDOFF_DB", &self.db)
            .args(["source", "add", "imap", "-w", "acme", "--name", "support", "--host", "127.0.0.1"])
            .args([
                "--port",
                &dovecot.port.to_string(),
                "--tls",
                "plain",
                "--user",
                dovecot::USER,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = add.spawn().unwrap();
        child.stdin.take().unwrap().write_all(dovecot::PASSWORD.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "source add: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// The demo workspaces (as `handoff demo` makes them, smaller).
    pub fn demo(per_client: usize) -> World {
        let w = World::empty();
        let mut store = Store::open(&w.db).unwrap();
        handoff::demo::install(&mut store, per_client, 2, Utc::now()).unwrap();
        w
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    /// tauri-driver for this world's app.
    pub fn driver(&self) -> driver::Driver {
        driver::Driver::start(&self.db, self.dir.path(), &[])
    }

    /// tauri-driver for this world's app, using `kc` as its keychain.
    pub fn driver_with_keychain(&self, kc: &keychain::Keychain) -> driver::Driver {
        self.driver_with_keychain_and(kc, &[])
    }

    /// As [`World::driver_with_keychain`], with more environment for the app.
    pub fn driver_with_keychain_and(
        &self,
        kc: &keychain::Keychain,
        more: &[(&str, String)],
    ) -> driver::Driver {
        let home = kc.home().to_path_buf();
        let mut extra = vec![
            ("DBUS_SESSION_BUS_ADDRESS", kc.address.clone()),
            ("XDG_RUNTIME_DIR", home.display().to_string()),
            ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ];
        extra.extend(more.iter().cloned());
        driver::Driver::start(&self.db, &home, &extra)
    }
}
