//! OAuth 2.0 sign-in for mailboxes (Google, Microsoft): the authorization
//! code flow with PKCE in the system browser and a loopback redirect
//! ([`flow`]), the token endpoint ([`token`]), the SASL strings IMAP and
//! SMTP send ([`sasl`]), and the access tokens in memory ([`access_token`]).
//!
//! Invariants:
//! - the refresh token lives only in the OS keychain, under the same key a
//!   password would (`source:<name>`, `smtp`); access tokens live only in this
//!   process's memory, never in the database, a file or a log line;
//! - an access token is refreshed a minute before it expires, and at once
//!   after the server refuses it ([`forget`]);
//! - a refresh the provider answers with `invalid_grant` (revoked, expired,
//!   password changed) is [`OAuthError::SignInAgain`]: the caller stops and
//!   asks the person, it never retries on its own.

mod access;
pub mod client;
pub mod flow;
pub mod sasl;
pub mod token;

pub use access::{Account, access_token, forget, remember, smtp_secret, source_account, source_secret};

pub use client::OAuthClient;
pub use flow::SignIn;
pub use token::Grant;

use crate::discover::OAuthProvider;
use crate::secrets::SecretError;

fn name(p: OAuthProvider) -> &'static str {
    match p {
        OAuthProvider::Google => "Google",
        OAuthProvider::Microsoft => "Microsoft",
    }
}

/// What went wrong signing in, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// No client id is configured.
    #[error(
        "no {} OAuth client is configured. Register one (README: \"Connecting Gmail, Google Workspace and Microsoft 365\") and set HANDOFF_OAUTH_{}_CLIENT_ID before starting Handoff Desk.",
        name(*provider), provider.as_str().to_ascii_uppercase()
    )]
    NoClient {
        /// Which provider.
        provider: OAuthProvider,
    },
    /// The person pressed Cancel or Deny on the consent screen.
    #[error(
        "you did not allow Handoff Desk to use the mailbox at {}. Sign in again and press Allow (Accept) to connect it.",
        name(*provider)
    )]
    ConsentRefused {
        /// Which provider.
        provider: OAuthProvider,
    },
    /// A Microsoft 365 tenant needs its administrator's consent first.
    #[error(
        "your organisation's Microsoft 365 requires an administrator to approve Handoff Desk before anyone can sign in ({why}). Ask your Microsoft 365 admin to grant admin consent for the app (README: \"Admin consent\"), then sign in again."
    )]
    AdminConsent {
        /// Microsoft's words.
        why: String,
    },
    /// The account chosen in the browser is not the mailbox's.
    #[error(
        "you signed in as {got}, but the mailbox is {expected}. Sign in again and choose {expected} in the account chooser (or sign out of {got} in the browser first)."
    )]
    WrongAccount {
        /// The mailbox.
        expected: String,
        /// The account signed in.
        got: String,
    },
    /// The provider refused for another reason.
    #[error("{} refused the sign-in: {error}{}. Try again; if it keeps failing, check the OAuth client's settings (README).", name(*provider), description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// Which provider.
        provider: OAuthProvider,
        /// The OAuth error code.
        error: String,
        /// Its description.
        description: Option<String>,
    },
    /// The sign-in expired or was revoked: a person must sign in again.
    #[error(
        "the {} sign-in for {account} has expired or was revoked ({why}). Sign in again: `{again}`.",
        name(*provider)
    )]
    SignInAgain {
        /// Which provider.
        provider: OAuthProvider,
        /// The mailbox.
        account: String,
        /// The command that signs it in again.
        again: String,
        /// The provider's words.
        why: String,
    },
    /// The browser's answer did not belong to this sign-in.
    #[error("the answer from the browser did not belong to this sign-in ({0}). Start the sign-in again.")]
    Mismatch(String),
    /// Nobody finished the sign-in in time.
    #[error("no answer came back from the browser within {0} minutes. Start the sign-in again.")]
    TimedOut(u64),
    /// The provider could not be reached.
    #[error("cannot reach {} to sign in: {why}. Check the network; it will be retried.", name(*provider))]
    Network {
        /// Which provider.
        provider: OAuthProvider,
        /// Cause.
        why: String,
    },
    /// The provider answered something unexpected.
    #[error("{} answered unexpectedly: {why}. Try again later.", name(*provider))]
    Server {
        /// Which provider.
        provider: OAuthProvider,
        /// Cause.
        why: String,
    },
    /// The loopback listener could not start.
    #[error("cannot wait for the browser's answer on this computer: {0}.")]
    Local(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] SecretError),
}

impl OAuthError {
    /// Whether retrying later without a person can help.
    pub fn is_transient(&self) -> bool {
        matches!(self, OAuthError::Network { .. } | OAuthError::Server { .. })
    }

    /// The code a face chooses its next step by.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            OAuthError::NoClient { .. } => C::InvalidInput,
            OAuthError::ConsentRefused { .. }
            | OAuthError::AdminConsent { .. }
            | OAuthError::WrongAccount { .. }
            | OAuthError::Refused { .. }
            | OAuthError::SignInAgain { .. }
            | OAuthError::Mismatch(_)
            | OAuthError::TimedOut(_) => C::SignInAgain,
            OAuthError::Network { .. } => C::Offline,
            OAuthError::Server { .. } => C::Connection,
            OAuthError::Local(_) => C::Internal,
            OAuthError::Keychain(e) => e.code(),
        }
    }
}
