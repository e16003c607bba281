//! A real SMTP server for tests: `smtp_sink.py` (aiosmtpd) on a free loopback
//! port, plain SMTP with optional AUTH PLAIN/LOGIN, delivering every
//! `@example.test` recipient into a [`Dovecot`] over LMTP so a sent message
//! can be read back over IMAP ([`Dovecot::fetch_all`]).
//!
//! Invariants: the port stays the same across [`stop`](SmtpSink::stop) /
//! [`start_again`](SmtpSink::start_again); a message is in
//! [`deliveries`](SmtpSink::deliveries) as soon as the client's send returned
//! Ok (the sink writes its log line before it answers 250), and only then.
//! Recipients outside `example.test` are accepted and logged but delivered
//! nowhere; an unknown `@example.test` user is refused with 550.
//!
//! Needs Debian's `python3-aiosmtpd` and `dovecot-lmtpd` (scripts/setup).

use super::dovecot::{Dovecot, USER, free_port};
use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The login the sink accepts (the helpdesk's own address, as in Dovecot).
pub const SMTP_USER: &str = USER;
/// Its password (deliberately not Dovecot's, so a mix-up shows).
pub const SMTP_PASS: &str = "smtp-test-pass-91c2";

/// `smtp_sink.py`, from the core's tests or from a crate beside it (the
/// desktop app's e2e tests include this module too).
fn script() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = here.join("../tests/support/smtp_sink.py");
    if beside.is_file() { beside } else { here.join("tests/support/smtp_sink.py") }
}
/// The Debian interpreter that has `aiosmtpd`, whatever `python3` is on PATH.
const PYTHON: &str = "/usr/bin/python3";

pub struct SmtpSink {
    dir: tempfile::TempDir,
    /// SMTP on 127.0.0.1.
    pub port: u16,
    lmtp_port: u16,
    child: Option<Child>,
    /// Where AUTH XOAUTH2 tokens are checked (RFC 7662), when offered.
    introspect: Option<String>,
}

impl SmtpSink {
    /// Start a sink delivering into `dovecot`; returns once it accepts connections.
    pub fn start(dovecot: &Dovecot) -> SmtpSink {
        Self::start_with(dovecot, None)
    }

    fn start_with(dovecot: &Dovecot, introspect: Option<String>) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let port = loop {
            let p = free_port();
            if p != dovecot.port && p != dovecot.lmtp_port {
                break p;
            }
        };
        let mut me = SmtpSink { dir, port, lmtp_port: dovecot.lmtp_port, child: None, introspect };
        me.launch();
        me
    }

    /// A sink that also takes AUTH XOAUTH2, asking `introspection_url` (the
    /// OAuth stand-in's, the one Dovecot asks) whether each token is good.
    pub fn start_oauth(dovecot: &Dovecot, introspection_url: &str) -> SmtpSink {
        Self::start_with(dovecot, Some(introspection_url.to_string()))
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("deliveries.jsonl")
    }

    fn output_path(&self) -> PathBuf {
        self.dir.path().join("sink.out")
    }

    fn launch(&mut self) {
        // Output goes to a file, not a pipe nobody drains (a full pipe would stall the sink).
        let out = File::options().create(true).append(true).open(self.output_path()).unwrap();
        let child = Command::new(PYTHON)
            .arg(script())
            .env("SMTP_PORT", self.port.to_string())
            .env("LMTP_PORT", self.lmtp_port.to_string())
            .env("SMTP_USER", SMTP_USER)
            .env("SMTP_PASS", SMTP_PASS)
            .env("SMTP_LOG", self.log_path())
            .env("SMTP_INTROSPECT", self.introspect.as_deref().unwrap_or(""))
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {PYTHON} {} (scripts/setup installs python3-aiosmtpd): {e}", script().display())
            });
        self.child = Some(child);
        // Python plus aiosmtpd take ~0.2 s to start when idle; far more on a loaded machine.
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Some(status)) = self.child.as_mut().map(|c| c.try_wait().unwrap()) {
                self.child = None;
                panic!("the SMTP sink exited with {status}:\n{}", self.output());
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("the SMTP sink did not listen on {} within 10 s:\n{}", self.port, self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kill the sink (as a crash would); the port refuses connections afterwards.
    pub fn stop(&mut self) {
        self.kill();
    }

    /// Start again after [`stop`](Self::stop), same port, same delivery log.
    pub fn start_again(&mut self) {
        self.launch();
    }

    /// One entry per message the sink accepted, in order: `mail_from`,
    /// `rcpt_tos`, `message_id` (the header, with its angle brackets, or null),
    /// `size` (bytes) and `delivered` (the recipients put into Dovecot).
    pub fn deliveries(&self) -> Vec<serde_json::Value> {
        read_lines(&self.log_path())
    }

    /// What the sink printed: one line per delivery, errors, Python tracebacks.
    pub fn output(&self) -> String {
        std::fs::read_to_string(self.output_path()).unwrap_or_default()
    }
}

fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("read {}: {e}", path.display()),
    };
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a JSON line {l:?}: {e}")))
        .collect()
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A reply identity sending through a plain, login-less SMTP server on loopback `port`.
pub fn plain_identity(port: u16) -> handoff::model::SmtpIdentity {
    handoff::model::SmtpIdentity {
        host: "127.0.0.1".into(),
        port,
        tls: handoff::model::SmtpTls::Plain,
        user: None,
        from_address: "help@acme.test".into(),
        from_name: None,
        bcc: None,
        oauth: None,
    }
}
