//! Notification emails → handoffs: platform layouts (`fixtures`), real-world
//! MIME oddities that are not handoffs (`reference`), inputs that must not
//! panic (`robustness`) and transcript line shapes (`lines`).
// Helpers outside `#[test]` fns are not covered by clippy's allow-unwrap-in-tests.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod lines;
mod reference;
mod robustness;

use chrono::{DateTime, Utc};
use handoff::ingest::email::parse_email;
use handoff::{NewHandoff, SourceKind};
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/email"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap()
}

/// Every `.eml` in a directory, sorted by name.
fn emls(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn parse(name: &str) -> NewHandoff {
    let raw = fixture(name);
    let h = parse_email(&raw, SourceKind::Import);
    assert_eq!(h.raw, raw, "{name}: raw bytes kept verbatim");
    h
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}
