//! Shared test helpers: temp databases, the CLI binary, shared reference paths.
#![allow(dead_code)]

pub mod acmebot;
pub mod alerts;
pub mod dovecot;
pub mod hubspot;
pub mod keychain;
pub mod mail;
pub mod oauth;
pub mod relay;
pub mod smtp;
pub mod web;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared/reference/<sub>` beside the checkout.
pub fn shared(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference").join(sub)
}

/// `tests/fixtures/<sub>`.
pub fn fixture(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(sub)
}

/// The `handoff` CLI against database `db`.
pub fn handoff(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handoff"));
    c.arg("--db").arg(db).env_remove("HANDOFF_DB");
    c
}

/// Run and require success; returns stdout.
pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run handoff");
    assert!(
        out.status.success(),
        "command failed: {:?}\nstdout: {}\nstderr: {}",
        cmd,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Run and require failure; returns the output.
pub fn fails(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run handoff");
    assert!(!out.status.success(), "command should have failed: {cmd:?}\nstdout: {}", text(&out.stdout));
    out
}

/// Run with `line` (and a newline) on standard input, as a piped secret.
pub fn with_stdin(cmd: &mut Command, line: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
    child.wait_with_output().unwrap()
}

/// The bot's conversations recorded for workspace `slug` in `month`, and where they came from.
pub fn conversations(db: &Path, slug: &str, month: &str) -> Option<(i64, String)> {
    let store = handoff::Store::open(db).unwrap();
    let ws = store.workspace(slug).unwrap().unwrap();
    store.conversations(ws.id, month).unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Lines of `--json` output as values.
pub fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}
