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

use crate::model::NewHandoff;

/// The result of parsing one unit of input.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A handoff (possibly only raw and flagged).
    Handoff(Box<NewHandoff>),
    /// A known event that is not a handoff.
    Skipped(Skipped),
    /// A teammate's reply to a handoff (the Bcc copy in the shared mailbox).
    Answer(crate::team::TeamReply),
}

/// A known platform event that is not a handoff, kept so nothing vanishes unseen.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Unique key, as for handoffs.
    pub source_key: String,
    /// The platform that sent it.
    pub platform: String,
    /// The platform's event name ("conversation.admin.closed").
    pub event: String,
    /// Why it is not a handoff, in words.
    pub why: String,
    /// The raw input, verbatim.
    pub raw: Vec<u8>,
}

impl Parsed {
    /// The handoff, if this is one.
    pub fn handoff(&self) -> Option<&NewHandoff> {
        match self {
            Parsed::Handoff(h) => Some(h),
            Parsed::Skipped(_) | Parsed::Answer(_) => None,
        }
    }
}
