//! Secrets in the OS keychain: IMAP/SMTP passwords, relay tokens, the HubSpot token.
//!
//! Invariant: a secret value only ever lives in the keychain and in memory.
//! It is never written to the database, a config file or a log line, and no
//! error message here quotes one. On Linux the keychain is the Secret Service
//! (GNOME Keyring, KWallet) reached over the session D-Bus.
//!
//! Each secret is one keychain item: service `desk.handoff.app`, user
//! `<workspace>/<key>`, where key names what it unlocks (`source:support-inbox`,
//! `smtp`, `hubspot`, `alert:slack`).
//!
//! On a server without a desktop session (the always-on companion) the store
//! is a directory of 0600 files or systemd credentials instead, chosen
//! explicitly with `HANDOFF_SECRETS` ([`Keychain::from_env`], [`files`]).

pub mod files;
mod keychain;

pub use keychain::Keychain;

/// The keychain service name every item is filed under.
pub const SERVICE: &str = crate::model::APP_IDENTIFIER;

/// What can go wrong with the keychain.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keychain service could be reached.
    #[error(
        "no OS keychain is available ({0}). Handoff Desk keeps passwords and tokens only in the keychain. \
         On a desktop, log in to a session with GNOME Keyring or KWallet running. On a server or in CI, run Handoff Desk \
         inside one: dbus-run-session -- sh -c 'echo -n unlock-pass | gnome-keyring-daemon --unlock --components=secrets; …'"
    )]
    Unavailable(String),
    /// The keychain has no such item.
    #[error("the keychain holds no secret for {workspace}/{key}. Store the password or token again.")]
    Missing {
        /// Workspace slug.
        workspace: String,
        /// What it unlocks.
        key: String,
    },
    /// The keychain refused or failed.
    #[error(
        "the keychain failed on {workspace}/{key}: {why}. If it is locked, unlock it (log in again, or open your \
         keyring manager) and retry."
    )]
    Failed {
        /// Workspace slug.
        workspace: String,
        /// What it unlocks.
        key: String,
        /// The keychain's own words (never the secret).
        why: String,
    },
}

impl SecretError {
    /// The code a face chooses its next step by: no keychain (or a locked
    /// one) is `keychain_missing`; a keychain without this item is `not_found`.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            SecretError::Unavailable(_) | SecretError::Failed { .. } => crate::ErrorCode::KeychainMissing,
            SecretError::Missing { .. } => crate::ErrorCode::NotFound,
        }
    }
}

/// The key a live source's secret is filed under.
pub fn source_key(source_name: &str) -> String {
    format!("source:{source_name}")
}

/// The key a workspace's SMTP password is filed under.
pub const SMTP_KEY: &str = "smtp";

/// The environment variable that picks the companion's file store
/// (`dir:/path` or `systemd`); unset means the OS keychain.
pub const SECRETS_ENV: &str = "HANDOFF_SECRETS";
