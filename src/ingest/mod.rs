//! Ingest: turn whatever a chatbot sent (a notification email, a webhook body,
//! a canonical JSON file) into [`NewHandoff`]s.
//!
//! Invariant: parsing never fails and never drops input. What is not
//! understood lowers the parse status and is explained in `parse_notes`; the
//! raw bytes are always kept. Known platform events that are not handoffs
//! (a conversation closed, say) come back as [`Parsed::Skipped`] so the caller
//! can record and report them instead of losing them silently.

pub mod adapters;
mod attached;
pub mod briefing;
pub mod canonical;
pub mod dates;
pub mod email;
pub mod fields;
pub mod file;
pub mod forward;
pub mod html;
pub mod imap;
pub mod nonhandoff;
pub mod platforms;
pub mod reason;
pub mod relay;
pub mod speaker;
pub mod templates;
pub mod transcript;
pub mod webhook;

pub use crate::model::{Parsed, Skipped};
