//! The real `handoff-relay` binary on a free loopback port, with one channel.
//! Built by `cargo test --workspace` beside this test binary; built on demand
//! when a plain `cargo test` left it out.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

pub const CHANNEL: &str = "acme";
pub const READ_TOKEN: &str = "read-token-0123456789abcdef";
pub const HOOK_SECRET: &str = "hook-secret-for-hmac";

pub struct Relay {
    dir: tempfile::TempDir,
    pub url: String,
    port: u16,
    child: Option<Child>,
}

/// The relay binary (target/<profile>/handoff-relay), built if missing.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        // target/<profile>/deps/integration-… → target/<profile>/handoff-relay
        let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
        let bin = profile_dir.join("handoff-relay");
        if !bin.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "-p", "handoff-relay", "--quiet"]);
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let st = cmd.status().unwrap();
            assert!(st.success(), "building handoff-relay failed");
        }
        bin
    })
    .clone()
}

impl Relay {
    pub fn start() -> Relay {
        Relay::start_with_retention(24.0)
    }

    /// A relay that purges events older than `hours` (checking every second when that is under an hour).
    pub fn start_with_retention(hours: f64) -> Relay {
        let purge = if hours < 1.0 { 1 } else { 60 };
        let dir = tempfile::tempdir().unwrap();
        let port = super::dovecot::free_port();
        let config = format!(
            r#"listen = "127.0.0.1:{port}"
database = "relay.db"
retention_hours = {hours}
purge_interval_seconds = {purge}
max_body_bytes = 65536
max_wait_seconds = 60

[[channels]]
id = "{CHANNEL}"
read_token = "{READ_TOKEN}"
secret = "{HOOK_SECRET}"
signature_header = "X-Hub-Signature-256"
signature_algorithm = "sha256"
signature_encoding = "hex"
signature_prefix = "sha256="
rate_per_minute = 100000
"#
        );
        std::fs::write(dir.path().join("relay.toml"), config).unwrap();
        let mut me = Relay { dir, url: format!("http://127.0.0.1:{port}"), port, child: None };
        me.launch();
        me
    }

    fn launch(&mut self) {
        let mut child = Command::new(binary())
            .arg("--config")
            .arg(self.dir.path().join("relay.toml"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains(&format!(":{}", self.port)), "relay said {line:?}");
        self.child = Some(child);
    }

    /// kill -9 and start again on the same database.
    pub fn crash_and_restart(&mut self) {
        self.kill();
        self.launch();
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// POST a webhook, signed with the channel secret; returns the HTTP status.
    pub fn post(&self, body: &[u8]) -> u16 {
        post_signed(&self.url, body)
    }
}

/// POST a webhook to the relay at `url`, signed; returns the HTTP status.
pub fn post_signed(url: &str, body: &[u8]) -> u16 {
    post_signed_with(&reqwest::blocking::Client::new(), url, body)
}

/// [`post_signed`] on a client made beforehand (a platform's sender keeps
/// its connections; making a TLS-capable client costs more than the POST).
pub fn post_signed_with(client: &reqwest::blocking::Client, url: &str, body: &[u8]) -> u16 {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HOOK_SECRET.as_bytes()).unwrap();
    mac.update(body);
    let sig = hex::encode(mac.finalize().into_bytes());
    let resp = client
        .post(format!("{url}/v1/hooks/{CHANNEL}"))
        .header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", format!("sha256={sig}"))
        .body(body.to_vec())
        .send()
        .unwrap();
    resp.status().as_u16()
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}
