//! What every step of the IMAP client shares: its limits (batch, message
//! size, timeouts) and its error, in words that say what to do.

use crate::error::Error as StoreError;
use std::time::Duration;

/// Messages fetched per round trip, and stored per transaction.
pub const BATCH: usize = 100;
/// Larger messages are kept as a flagged record holding only their header.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;
/// Connect, read and write timeout for every step but IDLE.
pub const NET_TIMEOUT: Duration = Duration::from_secs(30);
/// Servers drop IDLE after ~30 minutes; re-issue well before.
pub const REIDLE: Duration = Duration::from_secs(9 * 60);

/// What went wrong, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached.
    #[error(
        "cannot reach the IMAP server {host}:{port}: {why}. Check the host name and port, and your network."
    )]
    Connect {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// Cause.
        why: String,
    },
    /// TLS could not be set up.
    #[error(
        "cannot set up an encrypted connection to {host}: {why}. Check the TLS mode (implicit on 993, STARTTLS on 143) and the server's certificate."
    )]
    Tls {
        /// Host.
        host: String,
        /// Cause.
        why: String,
    },
    /// The server refused the login.
    #[error(
        "the IMAP server refused the login for {user}: {why}. Check the password and replace it (in the app: Settings → Sources → New IMAP password; or `handoff source secret WORKSPACE/NAME`); with Gmail or Outlook use an app password."
    )]
    Auth {
        /// Login name.
        user: String,
        /// The server's words.
        why: String,
    },
    /// The server refused the OAuth access token.
    #[error(
        "the IMAP server refused the {provider} sign-in for {user}: {why}. If IMAP is turned off for this mailbox, turn it on (Google Workspace: Admin console → Apps → Gmail → End User Access → IMAP; Microsoft 365: Exchange admin center → the mailbox → Manage email apps → IMAP); otherwise sign in again (Settings → Sources → Sign in again, or `handoff source signin WORKSPACE/NAME`)."
    )]
    Token {
        /// Login name.
        user: String,
        /// Which provider.
        provider: String,
        /// The server's words.
        why: String,
    },
    /// The folder does not exist.
    #[error(
        "the folder {folder:?} does not exist on the server ({why}). Check its name (it is case-sensitive)."
    )]
    NoFolder {
        /// Folder.
        folder: String,
        /// The server's words.
        why: String,
    },
    /// The connection dropped or timed out mid-way.
    #[error("the connection to the IMAP server was lost: {0}. It will be retried.")]
    Lost(String),
    /// The server answered something unexpected.
    #[error("the IMAP server answered unexpectedly: {0}. It will be retried.")]
    Protocol(String),
    /// The sync was cancelled.
    #[error("stopped")]
    Cancelled,
    /// Storing failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImapError {
    /// Whether retrying without a change of settings can help.
    pub fn is_transient(&self) -> bool {
        matches!(self, ImapError::Connect { .. } | ImapError::Lost(_) | ImapError::Protocol(_))
    }

    /// The code a face chooses its next step by.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            ImapError::Connect { .. } | ImapError::Lost(_) => C::Offline,
            ImapError::Tls { .. } | ImapError::Auth { .. } | ImapError::Protocol(_) => C::Connection,
            ImapError::Token { .. } => C::SignInAgain,
            ImapError::NoFolder { .. } => C::InvalidInput,
            ImapError::Cancelled => C::Cancelled,
            ImapError::Store(_) => C::Database,
        }
    }
}

pub(super) fn lost(e: imap::Error) -> ImapError {
    match e {
        imap::Error::Io(e) => ImapError::Lost(e.to_string()),
        imap::Error::ConnectionLost => ImapError::Lost("the server closed the connection".into()),
        other => ImapError::Protocol(other.to_string()),
    }
}

/// `1,2,3,7,9` as `1:3,7,9`.
pub(super) fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// An IMAP quoted string.
pub(super) fn quote(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    format!("\"{}\"", clean.replace('\\', "\\\\").replace('"', "\\\""))
}
