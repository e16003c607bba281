//! The HubSpot stand-in (`hubspot_standin.py`) on a free loopback port. It
//! validates every request against HubSpot's published OpenAPI specs, read in
//! place from `../shared/reference/hubspot/specs/` (HubSpot does not license
//! them for redistribution, so they are not in this repository), and answers
//! like a portal. This is the one stand-in of the suite: a real portal cannot
//! run here. Tests read what it holds and every request it saw through
//! [`HubSpot::state`], and end with [`HubSpot::assert_clean`] (no request broke
//! the spec, none beat the rate window).
//!
//! Needs Debian's `python3-jsonschema` (scripts/setup).

use super::dovecot::free_port;
use super::shared;
use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `hubspot_standin.py`, from the core's tests or from a crate beside it (the
/// desktop app's e2e tests include this module too).
fn script() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = here.join("../tests/support/hubspot_standin.py");
    if beside.is_file() { beside } else { here.join("tests/support/hubspot_standin.py") }
}
const PYTHON: &str = "/usr/bin/python3";
/// The token the stand-in accepts with every scope the app needs.
pub const TOKEN: &str = "test-token";

pub struct HubSpot {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl HubSpot {
    pub fn start() -> HubSpot {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let out = File::create(dir.path().join("standin.err")).unwrap();
        let script = script();
        let mut child = Command::new(PYTHON)
            .arg(&script)
            .args(["--port", &port.to_string(), "--specs"])
            .arg(shared("hubspot/specs"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {PYTHON} {} (scripts/setup installs python3-jsonschema): {e}", script.display())
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(
            line.starts_with("ready"),
            "the HubSpot stand-in did not start: {line:?} {}",
            std::fs::read_to_string(dir.path().join("standin.err")).unwrap_or_default()
        );
        HubSpot { port, child, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn admin(&self, what: &str, body: Option<Value>) -> Value {
        let c = reqwest::blocking::Client::new();
        let url = format!("{}/__admin/{what}", self.url());
        let r = match body {
            Some(b) => c.post(url).json(&b).send(),
            None => c.get(url).send(),
        }
        .unwrap();
        r.json().unwrap()
    }

    /// Contacts, notes, properties, every request, violations, window breaches.
    pub fn state(&self) -> Value {
        self.admin("state", None)
    }

    /// Queue faults: `[{"status": 429, "retry_after": 1, "times": 3, "path": "upsert"}, {"hang": 5}]`.
    pub fn faults(&self, faults: Value) {
        self.admin("faults", Some(faults));
    }

    /// Tokens and their scopes (replaces the default token).
    pub fn tokens(&self, tokens: Value) {
        self.admin("tokens", Some(tokens));
    }

    /// The rate window: at most `max` requests per `ms`.
    pub fn window(&self, max: u32, ms: u64) {
        self.admin("window", Some(json!({ "max": max, "ms": ms })));
    }

    /// How HubSpot's batch upsert answers: `documented` (the default),
    /// `no_email` or `bare` (see the stand-in's header); associations per page.
    pub fn answers(&self, upsert: &str, page: u32) {
        self.admin("answers", Some(json!({ "upsert": upsert, "page": page })));
    }

    /// Contacts that already carry `notes` older notes each.
    pub fn seed(&self, contacts: &[(String, u32)]) {
        let list: Vec<Value> = contacts.iter().map(|(e, n)| json!({ "email": e, "notes": n })).collect();
        self.admin("seed", Some(json!({ "contacts": list })));
    }

    /// No request broke the spec (batches of 1 to 100 inputs included), none
    /// went past the rate window, and none arrived while a 429's
    /// Retry-After asked the portal to wait.
    pub fn assert_clean(&self) {
        let s = self.state();
        assert_eq!(s["violations"], json!([]), "requests that break HubSpot's spec");
        assert_eq!(s["window_breaches"], 0, "requests sent faster than the rate window allows");
        assert_eq!(s["pause_breaches"], json!([]), "requests sent while HubSpot asked the portal to wait");
    }

    /// Wait until `check` holds on the state (or fail after `secs`).
    pub fn wait_for(&self, secs: u64, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.state();
            if check(&s) {
                return s;
            }
            assert!(Instant::now() < until, "timed out waiting for {what}; state: {s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for HubSpot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
