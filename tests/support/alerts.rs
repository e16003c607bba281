//! The Slack and Teams webhook stand-ins (`alerts_standin.py`) on a free
//! loopback port, started like the HubSpot stand-in. They check every request
//! against the services' documented payload rules (see the script's header),
//! answer 429 with Retry-After and 5xx on demand, and record what arrived.
//! A real Slack or Teams cannot run here; these are the stand-ins.

use super::dovecot::free_port;
use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn script() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = here.join("../tests/support/alerts_standin.py");
    if beside.is_file() { beside } else { here.join("tests/support/alerts_standin.py") }
}

pub struct Standin {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Standin {
    pub fn start() -> Standin {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let err = File::create(dir.path().join("standin.err")).unwrap();
        let mut child = Command::new("/usr/bin/python3")
            .arg(script())
            .args(["--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .expect("start python3 alerts_standin.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(
            line.starts_with("ready"),
            "the alerts stand-in did not start: {line:?} {}",
            std::fs::read_to_string(dir.path().join("standin.err")).unwrap_or_default()
        );
        Standin { port, child, _dir: dir }
    }

    /// A Slack incoming-webhook URL on the stand-in.
    pub fn slack_url(&self) -> String {
        format!("http://127.0.0.1:{}/services/T0TEST/B0TEST/abcdefSECRET123", self.port)
    }

    /// A Teams Workflows webhook URL on the stand-in.
    pub fn teams_url(&self) -> String {
        format!("http://127.0.0.1:{}/workflows/flow-0001", self.port)
    }

    pub fn state(&self) -> Value {
        let url = format!("http://127.0.0.1:{}/__admin/state", self.port);
        reqwest::blocking::get(url).unwrap().json().unwrap()
    }

    /// Queue faults: `[{"service": "slack", "status": 429, "retry_after": 1, "times": 3}, {"hang": 5}]`.
    pub fn faults(&self, faults: Value) {
        let url = format!("http://127.0.0.1:{}/__admin/faults", self.port);
        reqwest::blocking::Client::new().post(url).json(&faults).send().unwrap();
    }

    /// The accepted messages of one service.
    pub fn arrived(&self, service: &str) -> Vec<Value> {
        self.state()[service].as_array().cloned().unwrap_or_default()
    }

    /// No request broke the rules, none came during a 429's pause.
    pub fn assert_clean(&self) {
        let s = self.state();
        assert_eq!(s["violations"], json!([]), "requests that break the services' rules");
        assert_eq!(s["pause_breaches"], json!([]), "requests sent while the service asked to wait");
    }

    pub fn wait_for(&self, secs: u64, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.state();
            if check(&s) {
                return s;
            }
            assert!(Instant::now() < until, "timed out waiting for {what}; state: {s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
