//! File import: `.eml`, `.mbox`, `.json` (a canonical handoff, an array of
//! them, or a platform payload), `.ndjson` (one JSON document per line).
//! The extension picks the format; the content decides when it says nothing.

use super::{Parsed, email, webhook};
use crate::model::{NewHandoff, RawKind, SourceKind};

/// The formats a file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One RFC 5322 message.
    Eml,
    /// An mbox mailbox.
    Mbox,
    /// One JSON document.
    Json,
    /// One JSON document per line.
    Ndjson,
}

/// Decide the format from the file name, falling back to the first bytes.
pub fn detect(name: &str, bytes: &[u8]) -> Format {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    match ext {
        "eml" | "msg" => return Format::Eml,
        "mbox" | "mbx" => return Format::Mbox,
        "ndjson" | "jsonl" => return Format::Ndjson,
        "json" | "jsonc" | "json5" => return Format::Json,
        _ => {}
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let head = &bytes[start..];
    if head.starts_with(b"From ") {
        Format::Mbox
    } else if head.starts_with(b"{") || head.starts_with(b"[") {
        let lines = head.split(|b| *b == b'\n').filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
        let json_lines = lines.take(3).filter(|l| l.trim_ascii_start().starts_with(b"{")).count();
        if json_lines > 1 { Format::Ndjson } else { Format::Json }
    } else {
        Format::Eml
    }
}

/// Parse a whole file into handoffs (and skipped events). Never fails.
pub fn parse_file(name: &str, bytes: &[u8]) -> Vec<Parsed> {
    parse_as(detect(name, bytes), bytes)
}

/// Parse bytes in a known format. Never fails.
pub fn parse_as(format: Format, bytes: &[u8]) -> Vec<Parsed> {
    match format {
        Format::Eml => vec![handoff(email::parse_email(bytes, SourceKind::Import))],
        Format::Json => webhook::parse_webhook(bytes, SourceKind::Import),
        Format::Ndjson => bytes
            .split(|b| *b == b'\n')
            .filter(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
            .flat_map(|line| webhook::parse_webhook(line, SourceKind::Import))
            .collect(),
        Format::Mbox => {
            let mut out = Vec::new();
            for msg in mail_parser::mailbox::mbox::MessageIterator::new(bytes) {
                match msg {
                    Ok(m) => out.push(handoff(email::parse_email(m.contents(), SourceKind::Import))),
                    Err(e) => {
                        let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Email, bytes.to_vec());
                        h.parse_notes.push(format!("the mbox file could not be read to the end: {e}"));
                        out.push(handoff(h));
                        break;
                    }
                }
            }
            out
        }
    }
}

fn handoff(h: NewHandoff) -> Parsed {
    Parsed::Handoff(Box::new(h))
}
