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

pub mod client;
pub mod flow;
pub mod sasl;
pub mod token;

pub use client::OAuthClient;
pub use flow::SignIn;
pub use token::Grant;

use crate::discover::OAuthProvider;
use crate::secrets::{Keychain, SecretError};
use chrono::{DateTime, Duration as Span, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

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

/// Access tokens in memory: (workspace, key) → (token, expires).
type Cache = Mutex<HashMap<(String, String), (String, DateTime<Utc>)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Remember a fresh access token (after a sign-in).
pub fn remember(workspace: &str, key: &str, grant: &Grant) {
    if let Ok(mut c) = cache().lock() {
        c.insert((workspace.into(), key.into()), (grant.access_token.clone(), grant.expires_at));
    }
}

/// Drop the access token held for this key (the server refused it).
pub fn forget(workspace: &str, key: &str) {
    if let Ok(mut c) = cache().lock() {
        c.remove(&(workspace.to_string(), key.to_string()));
    }
}

/// Where a refresh token is filed, and for whom, for messages.
#[derive(Debug, Clone)]
pub struct Account<'a> {
    /// Workspace slug.
    pub workspace: &'a str,
    /// Keychain key (`source:<name>`, `smtp`).
    pub key: &'a str,
    /// The mailbox address.
    pub address: &'a str,
    /// The command that signs it in again.
    pub again: String,
    /// Which provider.
    pub provider: OAuthProvider,
}

/// A usable access token for `account`: the one in memory while it has more
/// than a minute left, else a new one from the refresh token in the keychain
/// (a rotated refresh token is stored back).
pub fn access_token(keychain: &Keychain, account: &Account<'_>) -> Result<String, OAuthError> {
    let id = (account.workspace.to_string(), account.key.to_string());
    if let Ok(c) = cache().lock()
        && let Some((token, expires)) = c.get(&id)
        && *expires - Utc::now() > Span::seconds(60)
    {
        return Ok(token.clone());
    }
    let refresh = keychain.get(account.workspace, account.key)?;
    let client = OAuthClient::from_env(account.provider)?;
    let grant = token::refresh(&client, &refresh).map_err(|e| match e {
        OAuthError::Refused { error, description, .. } if error == "invalid_grant" => {
            OAuthError::SignInAgain {
                provider: account.provider,
                account: account.address.into(),
                again: account.again.clone(),
                why: description.unwrap_or(error),
            }
        }
        other => other,
    })?;
    if let Some(new) = &grant.refresh_token
        && *new != refresh
    {
        keychain.set(account.workspace, account.key, new)?;
    }
    remember(account.workspace, account.key, &grant);
    Ok(grant.access_token)
}

/// What a workspace's reply identity logs in with: its SMTP password, or
/// for a Google/Microsoft sign-in a current access token. `Ok(None)`: no login.
pub fn smtp_secret(
    keychain: &Keychain,
    workspace: &str,
    identity: &crate::model::SmtpIdentity,
) -> Result<Option<String>, OAuthError> {
    let Some(user) = &identity.user else { return Ok(None) };
    let key = crate::secrets::SMTP_KEY;
    match identity.oauth {
        None => Ok(Some(keychain.get(workspace, key)?)),
        Some(provider) => access_token(
            keychain,
            &Account {
                workspace,
                key,
                address: user,
                again: format!(
                    "handoff smtp set --workspace {workspace} --oauth {} --from …",
                    provider.as_str()
                ),
                provider,
            },
        )
        .map(Some),
    }
}

/// The account behind a source that signs in with OAuth.
pub fn source_account(source: &crate::store::Source) -> Option<(OAuthProvider, String, String)> {
    match &source.config {
        crate::store::SourceConfig::Imap(c) => {
            c.oauth.map(|p| (p, crate::secrets::source_key(&source.name), c.user.clone()))
        }
        crate::store::SourceConfig::Relay(_) => None,
    }
}

/// What a source logs in with: its password or relay token from the
/// keychain, or for an OAuth source a current access token. Blocking (the
/// keychain, and the token endpoint when a refresh is due).
pub fn source_secret(keychain: &Keychain, source: &crate::store::Source) -> Result<String, OAuthError> {
    match source_account(source) {
        None => Ok(keychain.get(&source.workspace_slug, &crate::secrets::source_key(&source.name))?),
        Some((provider, key, address)) => access_token(
            keychain,
            &Account {
                workspace: &source.workspace_slug,
                key: &key,
                address: &address,
                again: format!("handoff source signin {}", source.label()),
                provider,
            },
        ),
    }
}
