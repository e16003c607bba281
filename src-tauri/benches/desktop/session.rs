//! One start of a binary under test, isolated: its own Xvfb display, its own
//! D-Bus session (dbus-run-session), a fresh HOME and XDG folders and a fresh
//! copy of its database, all gone when the run ends.
//!
//! The measured tree is the binary's process and its descendants (WebKit's
//! web and network processes); dbus-run-session's daemon and the services it
//! activates (the accessibility bus, the keyring) are not counted, but they
//! are killed with the rest.

use crate::procs::{self, Proc};
use crate::{Res, Variant};
use handoff_desk::commands::window::{PHASE_PREFIX, READY_LINE};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// benches/hello-tauri's ready line; the app's is [`READY_LINE`].
const BASELINE_READY_LINE: &str = "hello-tauri: first paint";
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// What one start measured.
pub struct Run {
    /// Spawn → the ready line read from its stdout.
    pub paint: Duration,
    /// The app's start-up steps before its paint (`handoff-desk: phase NAME`), in order.
    pub phases: Vec<(String, Duration)>,
    /// The tree's processes after the idle pause.
    pub procs: Vec<Proc>,
}

impl Run {
    pub fn rss(&self) -> u64 {
        self.procs.iter().map(|p| p.rss).sum()
    }
    pub fn pss(&self) -> u64 {
        self.procs.iter().map(|p| p.pss).sum()
    }
}

/// Start `v` once: time its first paint, idle, sum its tree's memory, end it.
/// With `no_notify`, the session's notification service fails at once
/// instead of starting (dunst here), to see what showing notifications costs.
pub fn measure(v: &Variant, idle: Duration, no_notify: bool) -> Res<Run> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let runtime = dir.path().join("runtime");
    for d in [".config", ".local/share", ".local/state", ".cache"] {
        std::fs::create_dir_all(home.join(d))?;
    }
    if no_notify {
        // The session bus reads XDG_DATA_HOME's service files before the system's.
        let services = home.join(".local/share/dbus-1/services");
        std::fs::create_dir_all(&services)?;
        std::fs::write(
            services.join("org.freedesktop.Notifications.service"),
            "[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/false\n",
        )?;
    }
    std::fs::create_dir(&runtime)?;
    std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    let display = Display::start()?;
    let mut cmd = Command::new("dbus-run-session");
    cmd.arg("--").arg(&v.bin);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HANDOFF_") {
            cmd.env_remove(k);
        }
    }
    if let Some(db) = &v.db {
        // A fresh copy each run: whatever the app writes stays in this run.
        let copy = dir.path().join("handoff.db");
        std::fs::copy(db, &copy)?;
        // Written back before the clock starts, so no run waits on another's writes.
        std::fs::File::open(&copy)?.sync_all()?;
        cmd.env("HANDOFF_DB", copy);
    }
    cmd.env("HANDOFF_REPORT_READY", "1")
        .env("DISPLAY", format!(":{}", display.number))
        .env("GDK_BACKEND", "x11")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("stderr.log"))?);
    let start = Instant::now();
    let spawned_ms = epoch_ms(SystemTime::now());
    let mut session =
        cmd.spawn().map_err(|e| format!("start dbus-run-session (scripts/setup installs dbus): {e}"))?;
    let (tx, rx) = mpsc::channel();
    let (phase_tx, phase_rx) = mpsc::channel();
    if let Some(out) = session.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if line == READY_LINE || line == BASELINE_READY_LINE {
                    let _ = tx.send(start.elapsed());
                } else if let Some(name) = line.strip_prefix(PHASE_PREFIX) {
                    // The window's own steps carry their wall-clock time (`js:NAME @MS`).
                    let step = match name.split_once(" @") {
                        Some((n, at)) => at.parse::<f64>().ok().map(|at| {
                            (n.to_owned(), Duration::from_secs_f64((at - spawned_ms).max(0.0) / 1000.0))
                        }),
                        None => Some((name.to_owned(), start.elapsed())),
                    };
                    if let Some(step) = step {
                        let _ = phase_tx.send(step);
                    }
                }
            }
        });
    }
    let home = home.to_string_lossy().into_owned();
    let paint = match rx.recv_timeout(READY_TIMEOUT) {
        Ok(t) => t,
        Err(e) => {
            end(&mut session, &home);
            let why = match e {
                mpsc::RecvTimeoutError::Timeout => {
                    format!("printed no first-paint line within {} s", READY_TIMEOUT.as_secs())
                }
                mpsc::RecvTimeoutError::Disconnected => "exited before its first paint".into(),
            };
            let log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
            let (label, bin) = (&v.label, v.bin.display());
            return Err(format!("{label} ({bin}) {why}; its stderr ends:\n{}", tail.join("\n")).into());
        }
    };
    std::thread::sleep(idle);
    // The app is the child of dbus-run-session that runs our binary (the
    // other is dbus-daemon).
    let table = procs::parents();
    let name = v.bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let app = table.iter().find(|&(&p, &ppid)| ppid == session.id() && procs::program(p) == name);
    let measured: Vec<Proc> = match app {
        Some((&app, _)) => procs::tree(&table, app).into_iter().filter_map(procs::memory).collect(),
        None => Vec::new(),
    };
    end(&mut session, &home);
    drop(display);
    if measured.is_empty() {
        return Err(format!("{}: no {name} process under dbus-run-session to measure", v.label).into());
    }
    let mut phases: Vec<(String, Duration)> = phase_rx.try_iter().collect();
    phases.sort_by_key(|(_, t)| *t);
    Ok(Run { paint, phases, procs: measured })
}

/// End the whole session: every process under dbus-run-session, and any
/// that left the tree but still runs with this run's HOME (a daemon that
/// forked away).
fn end(session: &mut Child, home: &str) {
    let table = procs::parents();
    let mut pids = procs::tree(&table, session.id());
    pids.extend(
        table.keys().filter(|&&p| !pids.contains(&p) && procs::has_env(p, "HOME", home)).collect::<Vec<_>>(),
    );
    let _ = Command::new("kill")
        .arg("-KILL")
        .args(pids.iter().map(u32::to_string))
        .stderr(Stdio::null())
        .status();
    let _ = session.wait();
}

/// A private Xvfb display for one run.
struct Display {
    number: u32,
    child: Child,
}

impl Display {
    fn start() -> Res<Display> {
        // The lowest free number from a per-process base, away from the e2e tests' range.
        let base = 700 + std::process::id() % 200;
        for number in base..base + 200 {
            if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
                || Path::new(&format!("/tmp/.X{number}-lock")).exists()
            {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([&format!(":{number}"), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("start Xvfb (scripts/setup installs xvfb): {e}"))?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                    return Ok(Display { number, child });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("Xvfb :{number} did not come up within 10 s").into());
        }
        Err("no free X display number".into())
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // SIGTERM lets Xvfb remove its socket and lock file; SIGKILL would
        // leave them behind and use up the display numbers.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{}", self.number));
        let _ = std::fs::remove_file(format!("/tmp/.X{}-lock", self.number));
    }
}

/// Milliseconds since the Unix epoch (the window's marks are in these).
fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}
