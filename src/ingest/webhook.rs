//! Webhook bodies → handoffs: the canonical JSON or a platform adapter.
//! (Stub: being written.)

use super::Parsed;
use crate::model::{NewHandoff, RawKind, SourceKind};

/// Parse one webhook body (or one JSON document from a file). Never fails.
pub fn parse_webhook(body: &[u8], source: SourceKind) -> Vec<Parsed> {
    vec![Parsed::Handoff(Box::new(NewHandoff::raw(source, RawKind::Json, body.to_vec())))]
}
