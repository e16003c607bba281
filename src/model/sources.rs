//! Where handoffs come from, as configured: an IMAP mailbox or a relay
//! channel, and the relay's notice of events its retention removed. The
//! readers in `ingest` use these; the store keeps them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    Implicit,
    /// Plain connect, then STARTTLS (port 143).
    Starttls,
    /// No encryption. Only for servers on this machine (tests, local bridges).
    Plain,
}

/// One IMAP source: where the notifications land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapConfig {
    /// Server name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Encryption.
    pub tls: TlsMode,
    /// Login name.
    pub user: String,
    /// Folder to watch.
    #[serde(default = "inbox")]
    pub folder: String,
    /// Only messages whose From contains this (server-side SEARCH FROM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_filter: Option<String>,
    /// Only messages whose Subject contains this (server-side SEARCH SUBJECT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_filter: Option<String>,
    /// Use IDLE when the server offers it.
    #[serde(default = "yes")]
    pub idle: bool,
    /// Seconds between polls when IDLE is off or not offered; also the re-IDLE interval cap.
    #[serde(default = "poll_default")]
    pub poll_seconds: u64,
    /// Sign in with this OAuth provider (the keychain holds its refresh
    /// token); `None`: a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<crate::discover::OAuthProvider>,
}

fn inbox() -> String {
    "INBOX".into()
}
fn yes() -> bool {
    true
}
fn poll_default() -> u64 {
    60
}

impl ImapConfig {
    /// A config with defaults: INBOX, IDLE on, 60 s poll.
    pub fn new(host: &str, port: u16, tls: TlsMode, user: &str) -> Self {
        ImapConfig {
            host: host.into(),
            port,
            tls,
            user: user.into(),
            folder: inbox(),
            from_filter: None,
            subject_filter: None,
            idle: true,
            poll_seconds: poll_default(),
            oauth: None,
        }
    }

    /// `imap://user@host:port/folder`, for people.
    pub fn describe(&self) -> String {
        let scheme = match self.tls {
            TlsMode::Implicit => "imaps",
            TlsMode::Starttls | TlsMode::Plain => "imap",
        };
        format!("{scheme}://{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

/// One relay source: a channel on a relay, chosen by its read token (kept in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayConfig {
    /// The relay's base URL ("https://relay.example.com").
    pub url: String,
    /// Seconds each long-poll may wait for news (the relay caps it).
    #[serde(default = "wait_default")]
    pub wait_seconds: u64,
}

fn wait_default() -> u64 {
    50
}

impl RelayConfig {
    /// A config with the default long-poll wait.
    pub fn new(url: &str) -> Self {
        RelayConfig { url: url.trim_end_matches('/').to_string(), wait_seconds: wait_default() }
    }

    /// The URL, for people.
    pub fn describe(&self) -> String {
        format!("relay {}", self.url)
    }
}

/// What the relay's retention removed before this app fetched it (the relay's `lost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct RelayLost {
    /// How many events, at most.
    pub events: i64,
    /// When the oldest of them reached the relay.
    #[serde(rename = "oldest_received_at")]
    pub oldest: DateTime<Utc>,
    /// When the newest of them reached the relay.
    #[serde(rename = "newest_received_at")]
    pub newest: DateTime<Utc>,
}
