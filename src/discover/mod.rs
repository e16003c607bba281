//! From an email address to its mail servers: host, port and TLS for IMAP
//! and SMTP, and whether the provider signs in with OAuth, so people type an
//! address and confirm instead of looking settings up.
//!
//! Order (the first that answers wins):
//! 1. a built-in preset for the address's domain ([`presets`]: Gmail,
//!    Outlook.com, iCloud, Yahoo, Fastmail, Zoho, GMX, WEB.DE);
//! 2. the Thunderbird autoconfig protocol ([`autoconfig`]): the domain's own
//!    `autoconfig.` host and `/.well-known/autoconfig/`, then the ISPDB;
//! 3. RFC 6186 SRV records (`_imaps._tcp`, `_imap._tcp`, `_submissions._tcp`
//!    from RFC 8314, `_submission._tcp`);
//! 4. the domain's MX: a hosted domain's provider (Google Workspace,
//!    Microsoft 365, IONOS, OVH, …) by its MX host, else the ISPDB entry for
//!    the MX host's domain.
//!
//! DNS is asked over HTTPS in the JSON form Google Public DNS and Cloudflare
//! serve (https://developers.google.com/speed/public-dns/docs/doh/json:
//! `GET ?name=…&type=MX`, answers `{"Status":0,"Answer":[{"type":15,"data":"10 mx.example."}]}`),
//! so it needs no resolver library and its address is configuration
//! (`HANDOFF_DNS_JSON_URL`, default Google's; the ISPDB's, `HANDOFF_ISPDB_URL`).
//! The result is always shown for confirmation before anything logs in; nothing
//! here sends the password anywhere.

pub mod autoconfig;
mod lookup;
pub mod presets;

pub use lookup::{DNS_JSON, Discovery, ISPDB};

use serde::{Deserialize, Serialize};

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (993, 465).
    Implicit,
    /// Plain, then STARTTLS (143, 587).
    Starttls,
    /// No encryption (only for servers on this machine).
    Plain,
}

/// The OAuth providers the app signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthProvider {
    /// Google (Gmail, Google Workspace).
    Google,
    /// Microsoft (Outlook.com, Microsoft 365 / Entra ID).
    Microsoft,
}

impl OAuthProvider {
    /// The provider whose servers these are, if any.
    pub fn for_host(host: &str) -> Option<OAuthProvider> {
        let h = host.to_ascii_lowercase();
        if h.ends_with(".gmail.com") || h.ends_with(".google.com") || h.ends_with(".googlemail.com") {
            Some(OAuthProvider::Google)
        } else if h.ends_with(".office365.com") || h.ends_with(".outlook.com") {
            Some(OAuthProvider::Microsoft)
        } else {
            None
        }
    }

    /// `google` or `microsoft`.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthProvider::Google => "google",
            OAuthProvider::Microsoft => "microsoft",
        }
    }
}

/// One server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS.
    pub security: Security,
    /// Login name (usually the address).
    pub username: String,
}

/// Where the settings came from, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Found {
    /// A built-in preset.
    Preset,
    /// An autoconfig file (the domain's, or the ISPDB's).
    Autoconfig {
        /// The file's address.
        url: String,
    },
    /// RFC 6186 SRV records.
    Srv,
    /// The domain's MX host.
    Mx {
        /// The MX host.
        mx: String,
    },
}

/// What was found for an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    /// The provider's name, or the server's host.
    pub provider: String,
    /// Incoming mail.
    pub imap: Server,
    /// Outgoing mail, when known.
    pub smtp: Option<Server>,
    /// Sign in with this provider instead of a password.
    pub oauth: Option<OAuthProvider>,
    /// What the provider asks of people first (app passwords, IMAP switches).
    pub note: Option<String>,
    /// Where it came from.
    pub found: Found,
}

/// Why nothing was found.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// Not an address.
    #[error("{0:?} is not an email address; type the whole address (name@example.com).")]
    NotAnAddress(String),
    /// Every way came back empty.
    #[error(
        "no mail server settings were found for {domain} (no preset, no autoconfig file, no SRV or known MX record). Ask your mail provider for the IMAP and SMTP server names and enter them by hand."
    )]
    NotFound {
        /// The domain.
        domain: String,
    },
}

impl DiscoverError {
    /// The code a face chooses its next step by.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            DiscoverError::NotAnAddress(_) => crate::ErrorCode::InvalidInput,
            DiscoverError::NotFound { .. } => crate::ErrorCode::NotFound,
        }
    }
}
