//! The harness: a temp folder holding a config and a database, and the real
//! `handoff-relay` binary started on port 0 with its address read from the
//! one line it prints.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::blocking::{Body, Client, Response};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_handoff-relay");

/// Read token of the `plain` channel every config gets.
pub const PLAIN_READ: &str = "plain-read-token-0123456789";

/// A folder with `relay.toml` (and, once started, `relay.db`).
pub struct Harness {
    dir: tempfile::TempDir,
}

impl Harness {
    /// `extra` is appended to a config that listens on 127.0.0.1:0, keeps its
    /// database beside the config, and has an unauthenticated channel `plain`.
    pub fn new(extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "listen = \"127.0.0.1:0\"\ndatabase = \"relay.db\"\n{extra}\n\n\
             [[channels]]\nid = \"plain\"\nread_token = \"{PLAIN_READ}\"\n"
        );
        std::fs::write(dir.path().join("relay.toml"), config).unwrap();
        Self { dir }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("relay.toml")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the relay and waits for its listening line.
    pub fn start(&self) -> Relay {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path().join("relay.log"))
            .unwrap();
        let mut child = Command::new(BIN)
            .arg("--config")
            .arg(self.config_path())
            .env_remove("HANDOFF_RELAY_LISTEN")
            .env_remove("HANDOFF_RELAY_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let log = std::fs::read_to_string(self.path().join("relay.log")).unwrap_or_default();
                panic!("relay printed no listening line; its log:\n{log}");
            }
        };
        let url =
            line.strip_prefix("handoff-relay listening on ").unwrap_or_else(|| panic!("odd line {line:?}"));
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Relay { child: Some(child), url: url.to_owned(), client }
    }
}

/// A running relay process; killed when dropped.
pub struct Relay {
    child: Option<Child>,
    pub url: String,
    pub client: Client,
}

impl Relay {
    /// POSTs `body` to `/v1/hooks/{channel}{query}` with `headers`.
    pub fn post(
        &self,
        channel: &str,
        query: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Response {
        let mut req = self.client.post(format!("{}/v1/hooks/{channel}{query}", self.url)).body(body);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().unwrap()
    }

    /// POSTs to the unauthenticated `plain` channel and returns the new id.
    pub fn post_plain(&self, body: &str) -> i64 {
        let res = self.post("plain", "", &[("content-type", "application/json")], body.to_owned());
        assert_eq!(res.status(), 202);
        res.json::<Value>().unwrap()["id"].as_i64().unwrap()
    }

    /// GETs `/v1/events{query}` with `token`; returns status and JSON body.
    pub fn events(&self, token: &str, query: &str) -> (u16, Value) {
        let res =
            self.client.get(format!("{}/v1/events{query}", self.url)).bearer_auth(token).send().unwrap();
        let status = res.status().as_u16();
        (status, res.json().unwrap())
    }

    /// Ids in an events page.
    pub fn ids(page: &Value) -> Vec<i64> {
        page["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
    }

    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGKILL, as a crash or power cut would end it.
    pub fn kill_9(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub fn wait_exit(mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take().unwrap();
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// HMAC-SHA-256 of `body`, hex.
pub fn sha256_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC-SHA-1 of `body`, hex.
pub fn sha1_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC-SHA-1 of `body`, standard base64.
pub fn sha1_base64(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `error` message of a JSON error body.
pub fn error_of(res: Response) -> String {
    let v: Value = res.json().unwrap();
    v["error"].as_str().unwrap_or_else(|| panic!("no error message in {v}")).to_owned()
}

/// SIGTERM while a long-poll on `path_and_query` (waiting 60 s) is in flight:
/// the poll is answered (200, not cut) and the relay exits cleanly, both quickly.
#[cfg(unix)]
pub fn sigterm_answers_a_long_poll(path_and_query: &str) {
    let h = Harness::new("");
    let relay = h.start();
    let url = format!("{}{path_and_query}", relay.url);
    let waiter = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let res = reqwest::blocking::Client::new().get(url).bearer_auth(PLAIN_READ).send();
        (res.map(|r| r.status().as_u16()), started.elapsed())
    });
    // Give the long-poll time to be in flight, even on a loaded machine (it waits 60 s).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed =
        std::process::Command::new("kill").arg("-TERM").arg(relay.pid().to_string()).status().unwrap();
    assert!(killed.success());
    let status =
        relay.wait_exit(std::time::Duration::from_secs(10)).expect("relay did not exit after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let (res, elapsed) = waiter.join().unwrap();
    assert_eq!(res.unwrap(), 200, "the long-poll is answered, not cut");
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
}
