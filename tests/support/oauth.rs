//! The OAuth 2.0 authorization server stand-in (`oauth_standin.py`) on a
//! free loopback port: authorize (approving a scripted user), token,
//! introspection (RFC 7662, which Dovecot's oauth2 passdb asks), revocation
//! (RFC 7009). It records every request that breaks RFC 6749/7636/8252;
//! tests end with [`OAuthServer::assert_clean`]. A stand-in because Google's
//! and Microsoft's sign-in cannot run here; the mail servers are real.

use super::dovecot::free_port;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const CLIENT_ID: &str = "handoff-desk-test-client";
pub const CLIENT_SECRET: &str = "installed-app-not-secret";

fn script() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = here.join("../tests/support/oauth_standin.py");
    if beside.is_file() { beside } else { here.join("tests/support/oauth_standin.py") }
}

pub struct OAuthServer {
    pub port: u16,
    child: Child,
}

impl OAuthServer {
    pub fn start() -> OAuthServer {
        let port = free_port();
        let mut child = Command::new("/usr/bin/python3")
            .arg(script())
            .args(["--port", &port.to_string(), "--client", &format!("{CLIENT_ID}:{CLIENT_SECRET}")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the OAuth stand-in");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("ready"), "the OAuth stand-in did not start: {line:?}");
        OAuthServer { port, child }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The environment that points the app's Google (or Microsoft) client here.
    pub fn env(&self, provider: &str) -> Vec<(String, String)> {
        let p = provider.to_ascii_uppercase();
        vec![
            (format!("HANDOFF_OAUTH_{p}_CLIENT_ID"), CLIENT_ID.into()),
            (format!("HANDOFF_OAUTH_{p}_CLIENT_SECRET"), CLIENT_SECRET.into()),
            (format!("HANDOFF_OAUTH_{p}_AUTHORIZE_URL"), self.url("/authorize")),
            (format!("HANDOFF_OAUTH_{p}_TOKEN_URL"), self.url("/token")),
            (format!("HANDOFF_OAUTH_{p}_REVOKE_URL"), self.url("/revoke")),
        ]
    }

    fn admin(&self, path: &str, body: Value) {
        let r = reqwest::blocking::Client::new().post(self.url(path)).json(&body).send().unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }

    /// Who the next authorize request signs in as, and whether they agree:
    /// `approve`, `deny`, `admin_consent`.
    pub fn script(&self, user: &str, outcome: &str) {
        self.admin("/admin/script", json!({"user": user, "outcome": outcome}));
    }

    /// Access tokens issued from now on live this many seconds.
    pub fn ttl(&self, seconds: u64) {
        self.admin("/admin/script", json!({"ttl": seconds, "outcome": "approve"}));
    }

    /// Every access token stops working now (refresh tokens still do).
    pub fn expire_access(&self) {
        self.admin("/admin/expire", json!({}));
    }

    /// Revoke every grant of `user` (as the account's security page would).
    pub fn revoke_user(&self, user: &str) {
        self.admin("/admin/revoke", json!({"user": user}));
    }

    pub fn state(&self) -> Value {
        reqwest::blocking::get(self.url("/admin/state")).unwrap().json().unwrap()
    }

    pub fn count(&self, what: &str) -> u64 {
        self.state()["counts"][what].as_u64().unwrap()
    }

    /// No request broke the specs the stand-in checks.
    pub fn assert_clean(&self) {
        let v = self.state()["violations"].clone();
        assert_eq!(v, json!([]), "requests that broke RFC 6749/7636/8252");
    }

    /// Play the browser: follow the authorization URL to the app's loopback
    /// redirect, as a person clicking Allow would.
    pub fn browse(url: &str) {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .unwrap();
        let _ = client.get(url).send();
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
