//! Access tokens in memory, per (workspace, keychain key): refreshed from the
//! keychain's refresh token a minute before they expire, forgotten when a
//! server refuses one; and the secret a source or the reply identity logs in
//! with (a password, or a fresh access token).

use super::{Grant, OAuthClient, OAuthError, token};
use crate::discover::OAuthProvider;
use crate::secrets::Keychain;
use chrono::{DateTime, Duration as Span, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

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
