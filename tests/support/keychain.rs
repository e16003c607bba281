//! A real, private OS keychain for tests: a session D-Bus daemon and
//! gnome-keyring-daemon (the Secret Service) under a temp HOME, unlocked with
//! a throwaway password. Processes that should use it get its environment
//! via [`Keychain::apply`]; the test process itself never touches it.
//!
//! Needs Debian's `dbus` and `gnome-keyring` (scripts/setup installs them).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Keychain {
    dir: tempfile::TempDir,
    pub address: String,
    bus: Child,
    keyring: Option<Child>,
}

impl Keychain {
    pub fn start() -> Keychain {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let mut bus = Command::new("dbus-daemon")
            .args(["--config-file=/usr/share/dbus-1/session.conf", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon (install dbus: scripts/setup)");
        let mut line = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().to_string();
        assert!(address.starts_with("unix:"), "dbus-daemon printed {address:?}");
        let mut me = Keychain { dir, address, bus, keyring: None };
        let mut keyring = me
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon (install gnome-keyring: scripts/setup)");
        {
            let mut stdin = keyring.stdin.take().unwrap();
            stdin.write_all(b"test-keyring-unlock").unwrap();
        }
        me.keyring = Some(keyring);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !me.secrets_owned() {
            assert!(Instant::now() < deadline, "gnome-keyring-daemon did not take org.freedesktop.secrets");
            std::thread::sleep(Duration::from_millis(25));
        }
        me
    }

    fn secrets_owned(&self) -> bool {
        let out = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }

    /// The temp HOME the keyring files live under.
    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// Point `cmd` at this keychain.
    pub fn apply<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.dir.path())
            .env("XDG_RUNTIME_DIR", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
    }

    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        self.apply(&mut c);
        c
    }

    /// Every item's secret, read through `secret-tool` (a different client).
    pub fn lookup(&self, user: &str) -> Option<String> {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", "desk.handoff.app", "username", user])
            .output()
            .unwrap();
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Keychain {
    fn drop(&mut self) {
        if let Some(mut k) = self.keyring.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
