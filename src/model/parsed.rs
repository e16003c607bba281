//! What reading one unit of input gives (a handoff, a known event that is not
//! one, or a teammate's answer), and the team's people: the types the readers
//! produce and the store keeps, so the store needs nothing from the readers.

use super::NewHandoff;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The result of parsing one unit of input.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A handoff (possibly only raw and flagged).
    Handoff(Box<NewHandoff>),
    /// A known event that is not a handoff.
    Skipped(Skipped),
    /// A teammate's reply to a handoff (the Bcc copy in the shared mailbox).
    Answer(TeamReply),
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

/// Someone on the team, as the others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teammate {
    /// Display name ("Dana"); may be empty.
    pub name: String,
    /// Address: the teammate's identity.
    pub email: String,
}

impl Teammate {
    /// "Dana", or the address when there is no name.
    pub fn label(&self) -> &str {
        if self.name.trim().is_empty() { &self.email } else { &self.name }
    }

    /// Whether this is the same person as `other` (addresses compare case-insensitively).
    pub fn same(&self, other: &Teammate) -> bool {
        self.email.eq_ignore_ascii_case(&other.email)
    }
}

/// A teammate's reply found in the shared mailbox (the Bcc copy).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamReply {
    /// The reply's own Message-ID (bare).
    pub message_id: String,
    /// The Message-IDs it answers (In-Reply-To, then References), bare.
    pub parents: Vec<String>,
    /// Who sent it.
    pub by: Teammate,
    /// When it was sent.
    pub at: Option<DateTime<Utc>>,
    /// The email, verbatim (kept when it answers no known handoff).
    pub raw: Vec<u8>,
    /// It carries `X-Handoff-Desk-Teammate` (`team::TEAMMATE_HEADER`) (sent by Handoff Desk). Unmarked replies
    /// (from any mail program) that match no handoff are not kept.
    pub marked: bool,
    /// Its To and Cc addresses, lower-case.
    pub to: Vec<String>,
    /// Its subject.
    pub subject: Option<String>,
}

/// A subject without its reply and forward prefixes ("Re: AW: Fwd: x" → "x"), lower-case.
pub fn bare_subject(s: &str) -> String {
    let mut rest = s.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let cut = ["re:", "aw:", "sv:", "fw:", "fwd:", "wg:"].iter().find(|p| lower.starts_with(**p));
        match cut {
            Some(p) => rest = rest[p.len()..].trim_start(),
            None => return rest.to_lowercase(),
        }
    }
}
