//! [`Mailbox`]: a logged-in session with the source's folder selected, and
//! what this session has learnt about the server. Its methods live beside
//! what they do (`mod.rs`: sync and IDLE; `sent`, `team`, `condstore`).

use super::transport::{Stream, Tap};
use crate::model::ImapConfig;
use std::net::TcpStream;

/// A logged-in session with the source's folder selected.
pub struct Mailbox {
    pub(super) session: imap::Session<Stream>,
    pub(super) sock: TcpStream,
    pub(super) config: ImapConfig,
    pub(super) uid_validity: u32,
    pub(super) can_idle: bool,
    /// PERMANENTFLAGS has `\*`: new keywords (claims) can be set.
    pub(super) keywords_ok: bool,
    /// The server offers CONDSTORE (MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE).
    pub(super) condstore: bool,
    /// Copies the server's bytes during a raw command (see [`condstore`]).
    pub(super) tap: Tap,
    /// How far the shared Sent folder has been read in this session: (UIDVALIDITY, last UID).
    pub(super) sent_seen: Option<(u32, u32)>,
}
