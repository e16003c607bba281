//! Start-up validation: a bad config stops the relay with exit code 2 and a
//! message naming the field and the fix.

use std::process::Command;

use crate::support::{BIN, Harness};

fn run_with(config: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&path)
        .env_remove("HANDOFF_RELAY_LISTEN")
        .env_remove("HANDOFF_RELAY_DB")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

const GOOD: &str = "[[channels]]\nid = \"a\"\nread_token = \"aaaaaaaaaaaaaaaaaaaa\"\n";

#[test]
fn invalid_configs_exit_2_naming_the_field() {
    let cases = [
        (format!("{GOOD}{GOOD}"), "channels[a].id"),
        (
            format!("{GOOD}[[channels]]\nid = \"b\"\nread_token = \"aaaaaaaaaaaaaaaaaaaa\"\n"),
            "channels[b].read_token",
        ),
        ("[[channels]]\nid = \"a\"\nread_token = \"short\"\n".to_owned(), "16 characters"),
        (format!("{GOOD}secret = \"k\"\nsignature_algorithm = \"md5\"\n"), "signature_algorithm"),
        (format!("{GOOD}secret = \"k\"\nsignature_encoding = \"b32\"\n"), "signature_encoding"),
        (
            "[[channels]]\nid = \"a\"\nread_token_env = \"HANDOFF_TEST_UNSET_VAR\"\n".to_owned(),
            "HANDOFF_TEST_UNSET_VAR",
        ),
        ("listen = 12\n".to_owned(), "listen"),
    ];
    for (config, needle) in cases {
        let (code, stderr) = run_with(&config);
        assert_eq!(code, 2, "{config}\n{stderr}");
        assert!(stderr.contains(needle), "expected {needle:?} in {stderr:?}");
        assert!(!stderr.contains("aaaaaaaaaaaaaaaaaaaa"), "a token leaked: {stderr}");
    }
}

#[test]
fn an_unreadable_config_file_exits_2_and_says_which() {
    let out = Command::new(BIN).arg("--config").arg("/nonexistent/relay.toml").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/relay.toml") && stderr.contains("--config"), "{stderr}");
}

#[test]
fn check_validates_without_serving_and_env_supplies_secrets() {
    let h = Harness::new("[[channels]]\nid = \"e\"\nread_token_env = \"HANDOFF_TEST_READ\"\n");
    let out = Command::new(BIN)
        .arg("--config")
        .arg(h.config_path())
        .arg("--check")
        .env("HANDOFF_TEST_READ", "from-env-0123456789abcdef")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 channel(s)"));
    assert!(!h.path().join("relay.db").exists(), "--check must not create the database");
}
