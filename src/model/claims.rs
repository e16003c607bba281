//! The team's view of a handoff: who claimed it (ours, or a teammate's as the
//! shared server says) and who answered it. The store keeps these; `team`
//! shares them.

use super::Teammate;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Ours, not yet on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimOp {
    /// Claim it.
    Claim,
    /// Give it back.
    Release,
}

impl ClaimOp {
    /// From its stored name.
    pub fn parse(s: Option<String>) -> Option<ClaimOp> {
        match s.as_deref() {
            Some("claim") => Some(ClaimOp::Claim),
            Some("release") => Some(ClaimOp::Release),
            _ => None,
        }
    }
}

/// Who is working a handoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The handoff.
    pub handoff_id: i64,
    /// Who.
    pub by: Teammate,
    /// When claimed (ours) or first seen (a teammate's).
    pub at: DateTime<Utc>,
    /// Whether it is this app's teammate.
    pub mine: bool,
    /// What of ours the server has not got yet.
    pub pending: Option<ClaimOp>,
    /// The last thing to tell people about it (lost a race, not shared yet and why).
    pub note: Option<String>,
}

/// A reply someone on the team sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Who.
    pub by: Teammate,
    /// When it was sent (or seen).
    pub at: DateTime<Utc>,
    /// The reply's Message-ID.
    pub message_id: String,
    /// Whether this app sent it.
    pub mine: bool,
}

/// The team's view of one handoff.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TeamState {
    /// Who has it, if anyone.
    pub claim: Option<Claim>,
    /// Replies sent by anyone on the team, oldest first.
    pub answers: Vec<Answer>,
}
