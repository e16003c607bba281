//! Tidio webhooks.
//!
//! Payload source: not yet researched — [`detect`] claims nothing yet, so such
//! payloads are read as canonical JSON or kept raw.

use crate::ingest::Parsed;
use crate::model::SourceKind;
use serde_json::Value;

/// Whether `value` is one of this platform's webhook payloads.
pub fn detect(_value: &Value) -> bool {
    false
}

/// The handoffs (or skipped events) in a payload [`detect`] claimed.
pub fn parse(_value: &Value, _raw: &[u8], _source: SourceKind) -> Vec<Parsed> {
    Vec::new()
}
