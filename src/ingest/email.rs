//! Notification emails → handoffs. (Stub: being written.)

use crate::model::{NewHandoff, RawKind, SourceKind};

/// Parse one RFC 5322 message. Never fails: see the module invariant in [`crate::ingest`].
pub fn parse_email(raw: &[u8], source: SourceKind) -> NewHandoff {
    NewHandoff::raw(source, RawKind::Email, raw.to_vec())
}
