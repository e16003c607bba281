//! Connections, checked before they are saved: a source's password or token,
//! the SMTP login, the HubSpot token. The CLI and the desktop app both set
//! connections up through here, so both check the same way and say the same
//! thing when a server says no.
//!
//! Order matters: validate, then check against the server, then write the
//! secret to the keychain, then the settings to the database. A failed check
//! saves nothing; a secret is never written to the database.

use crate::ErrorCode;
use crate::hubspot::worker::{self, PushOptions};
use crate::hubspot::{self, Failure, TOKEN_KEY};
use crate::ingest::imap::{Canceller, ImapConfig, Mailbox, TlsMode};
use crate::ingest::relay::RelayClient;
use crate::model::{HubspotSettings, SmtpIdentity, SmtpTls, Workspace};
use crate::oauth::Grant;
use crate::reply::smtp;
use crate::secrets::{Keychain, SMTP_KEY, SecretError, source_key};
use crate::store::{Source, SourceConfig, Store};
use chrono::Utc;
use std::time::Duration;

/// Why a connection was not set up or did not answer.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The server could not be reached or refused the login.
    #[error("{message}")]
    Check {
        /// What kind of failure (offline, refused, sign in again…).
        code: ErrorCode,
        /// What happened and what to do.
        message: String,
    },
    /// The settings themselves are not usable.
    #[error("{0}")]
    Invalid(String),
    /// The keychain could not keep or give the secret.
    #[error(transparent)]
    Keychain(#[from] SecretError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
}

impl ConnectError {
    /// The code a face chooses its next step by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ConnectError::Check { code, .. } => *code,
            ConnectError::Invalid(_) => ErrorCode::InvalidInput,
            ConnectError::Keychain(k) => k.code(),
            ConnectError::Store(e) => e.code(),
        }
    }
}

fn check(code: ErrorCode, message: impl Into<String>) -> ConnectError {
    ConnectError::Check { code, message: message.into() }
}

/// The code of a failed SMTP login check.
fn smtp_code(e: &smtp::SendError) -> ErrorCode {
    match e.failure {
        smtp::Failure::Retry => ErrorCode::Offline,
        _ => ErrorCode::Connection,
    }
}

/// The code of a failed HubSpot check.
fn hubspot_code(e: &hubspot::ApiError) -> ErrorCode {
    match e.failure {
        Failure::Transient => ErrorCode::Offline,
        Failure::RateLimited(_) => ErrorCode::Busy,
        _ => ErrorCode::Connection,
    }
}

type Result<T> = std::result::Result<T, ConnectError>;

/// True for this machine's own addresses.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn nonempty(what: &str, secret: &str) -> Result<()> {
    if secret.is_empty() {
        return Err(ConnectError::Invalid(format!("the {what} is empty; nothing was saved.")));
    }
    Ok(())
}

/// What a source's secret is called.
pub fn secret_name(config: &SourceConfig) -> &'static str {
    match config {
        SourceConfig::Imap(c) if c.oauth.is_some() => "sign-in",
        SourceConfig::Imap(_) => "IMAP password",
        SourceConfig::Relay(_) => "relay read token",
    }
}

/// Log in to the source's server with `secret` (IMAP: log in and out; relay:
/// one request that asks for nothing new). The message says what to fix.
pub fn check_source(config: &SourceConfig, secret: &str) -> Result<()> {
    match config {
        SourceConfig::Imap(c) => Mailbox::connect(c, secret, &Canceller::default())
            .map(|m| m.logout())
            .map_err(|e| check(e.code(), e.to_string())),
        SourceConfig::Relay(c) => {
            let client = RelayClient::new(c, secret).map_err(|e| check(e.code(), e.to_string()))?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| check(ErrorCode::Internal, format!("cannot start the network runtime: {e}")))?;
            // A cursor far ahead: only the token is tested.
            rt.block_on(client.fetch(i64::MAX - 1, Duration::ZERO))
                .map(|_| ())
                .map_err(|e| check(e.code(), e.to_string()))
        }
    }
}

/// Add a source: check `secret` against its server (unless `verify` is off),
/// keep it in the keychain, then add the source.
pub fn add_source(
    store: &Store,
    keychain: &Keychain,
    ws: &Workspace,
    name: &str,
    config: SourceConfig,
    secret: &str,
    verify: bool,
) -> Result<Source> {
    if let SourceConfig::Imap(c) = &config
        && c.tls == TlsMode::Plain
        && !is_loopback(&c.host)
    {
        return Err(ConnectError::Invalid(format!(
            "refusing an unencrypted IMAP connection to {}: the password would cross the network in clear. Use implicit TLS (port 993) or STARTTLS (port 143).",
            c.host
        )));
    }
    if let SourceConfig::Relay(c) = &config {
        crate::ingest::relay::check_url(&c.url).map_err(|e| ConnectError::Invalid(e.to_string()))?;
    }
    nonempty(secret_name(&config), secret)?;
    // A taken name would otherwise overwrite the other source's secret below.
    if store.sources()?.iter().any(|s| s.workspace_slug == ws.slug && s.name == name) {
        return Err(ConnectError::Invalid(format!(
            "this workspace already has a source named {name:?}. Pick another name, or remove that source first."
        )));
    }
    if verify {
        check_source(&config, secret)?;
    }
    keychain.set(&ws.slug, &source_key(name), secret)?;
    match store.add_source(ws.id, name, &config) {
        Ok(s) => Ok(s),
        Err(e) => {
            let _ = keychain.delete(&ws.slug, &source_key(name));
            Err(e.into())
        }
    }
}

/// Add a source that signs in with OAuth, from a finished sign-in: log in
/// with the access token (unless `verify` is off), keep the refresh token in
/// the keychain, then add the source.
pub fn add_oauth_source(
    store: &Store,
    keychain: &Keychain,
    ws: &Workspace,
    name: &str,
    config: ImapConfig,
    grant: &Grant,
    verify: bool,
) -> Result<Source> {
    let refresh = oauth_refresh(grant)?;
    if config.tls == TlsMode::Plain && !is_loopback(&config.host) {
        return Err(ConnectError::Invalid(format!(
            "refusing an unencrypted IMAP connection to {}: the token would cross the network in clear. Use implicit TLS (port 993) or STARTTLS (port 143).",
            config.host
        )));
    }
    if store.sources()?.iter().any(|s| s.workspace_slug == ws.slug && s.name == name) {
        return Err(ConnectError::Invalid(format!(
            "this workspace already has a source named {name:?}. Pick another name, or remove that source first."
        )));
    }
    let config = SourceConfig::Imap(config);
    if verify {
        check_source(&config, &grant.access_token)?;
    }
    keychain.set(&ws.slug, &source_key(name), refresh)?;
    match store.add_source(ws.id, name, &config) {
        Ok(s) => {
            crate::oauth::remember(&ws.slug, &source_key(name), grant);
            Ok(s)
        }
        Err(e) => {
            let _ = keychain.delete(&ws.slug, &source_key(name));
            Err(e.into())
        }
    }
}

/// Sign an OAuth source in again: check the new access token, then replace
/// the refresh token in the keychain.
pub fn replace_oauth_grant(keychain: &Keychain, source: &Source, grant: &Grant, verify: bool) -> Result<()> {
    let refresh = oauth_refresh(grant)?;
    if verify {
        check_source(&source.config, &grant.access_token)?;
    }
    keychain.set(&source.workspace_slug, &source_key(&source.name), refresh)?;
    crate::oauth::remember(&source.workspace_slug, &source_key(&source.name), grant);
    Ok(())
}

fn oauth_refresh(grant: &Grant) -> Result<&str> {
    grant.refresh_token.as_deref().filter(|r| !r.is_empty()).ok_or_else(|| {
        ConnectError::Invalid(
            "the sign-in gave no refresh token, so it could not be kept; sign in again.".into(),
        )
    })
}

/// Replace a source's password or token (checked first unless `verify` is off).
pub fn replace_source_secret(keychain: &Keychain, source: &Source, secret: &str, verify: bool) -> Result<()> {
    nonempty(secret_name(&source.config), secret)?;
    if verify {
        check_source(&source.config, secret)?;
    }
    keychain.set(&source.workspace_slug, &source_key(&source.name), secret)?;
    Ok(())
}

/// Log in to a saved source with its saved secret.
pub fn test_source(keychain: &Keychain, source: &Source) -> Result<()> {
    let secret = crate::oauth::source_secret(keychain, source).map_err(|e| match e {
        crate::oauth::OAuthError::Keychain(k) => ConnectError::Keychain(k),
        other => check(other.code(), other.to_string()),
    })?;
    check_source(&source.config, &secret)
}

/// Remove a source and its secret. Returns a warning when the keychain entry stayed.
pub fn remove_source(store: &Store, keychain: Option<&Keychain>, source: &Source) -> Result<Option<String>> {
    store.remove_source(source.id)?;
    let gone = keychain
        .ok_or_else(|| "no keychain is available".to_string())
        .and_then(|k| k.delete(&source.workspace_slug, &source_key(&source.name)).map_err(|e| e.to_string()));
    Ok(gone.err().map(|why| format!("its secret could not be removed from the keychain ({why})")))
}

/// Set a workspace's reply identity. `password`: the SMTP password when
/// `identity.user` is set; `None` keeps the one in the keychain. The login is
/// checked first unless `verify` is off.
pub fn set_smtp(
    store: &Store,
    keychain: Option<&Keychain>,
    slug: &str,
    mut identity: SmtpIdentity,
    password: Option<&str>,
    verify: bool,
) -> Result<Workspace> {
    let mut ws = store.require_workspace(slug)?;
    identity.host = identity.host.trim().to_string();
    identity.from_address = identity.from_address.trim().to_string();
    if identity.host.is_empty() || identity.from_address.is_empty() {
        return Err(ConnectError::Invalid(
            "the SMTP server's host and the From address are both needed.".into(),
        ));
    }
    if identity.tls == SmtpTls::Plain && !is_loopback(&identity.host) {
        return Err(ConnectError::Invalid(
            "an unencrypted SMTP connection would send your password in clear; it is allowed only for a server on this machine. Use STARTTLS (port 587) or implicit TLS (port 465).".into(),
        ));
    }
    let keychain_needed =
        || keychain.ok_or_else(|| ConnectError::Keychain(SecretError::Unavailable("not running".into())));
    // A typed password is checked and saved; without one the saved secret is
    // used for the check (for a Google/Microsoft sign-in, a fresh access
    // token from the kept refresh token) and the keychain is left as it is.
    let (login, typed) = match (&identity.user, password) {
        (None, _) => (None, None),
        (Some(_), Some(_)) if identity.oauth.is_some() => {
            return Err(ConnectError::Invalid(
                "this reply identity signs in with Google or Microsoft, not a password: sign in again instead.".into(),
            ));
        }
        (Some(_), Some(p)) => {
            nonempty("SMTP password", p)?;
            (Some(p.to_string()), Some(p))
        }
        (Some(_), None) => {
            (crate::oauth::smtp_secret(keychain_needed()?, &ws.slug, &identity).map_err(oauth_err)?, None)
        }
    };
    if verify {
        smtp::check(&identity, login.as_deref())
            .map_err(|e| check(smtp_code(&e), format!("{e}. Nothing was saved.")))?;
    }
    if let Some(p) = typed {
        keychain_needed()?.set(&ws.slug, SMTP_KEY, p)?;
    }
    ws.settings.smtp = Some(identity);
    store.update_workspace(&ws)?;
    Ok(ws)
}

fn oauth_err(e: crate::oauth::OAuthError) -> ConnectError {
    match e {
        crate::oauth::OAuthError::Keychain(k) => ConnectError::Keychain(k),
        other => check(other.code(), other.to_string()),
    }
}

/// Set a workspace's reply identity to send with a Google/Microsoft sign-in
/// (`identity.oauth` set, `identity.user` the address): log in with the
/// access token (unless `verify` is off), keep the refresh token, save.
pub fn set_smtp_oauth(
    store: &Store,
    keychain: &Keychain,
    slug: &str,
    identity: SmtpIdentity,
    grant: &Grant,
    verify: bool,
) -> Result<Workspace> {
    let mut ws = store.require_workspace(slug)?;
    if identity.oauth.is_none() || identity.user.is_none() {
        return Err(ConnectError::Invalid("a sign-in needs the provider and the mailbox address.".into()));
    }
    if identity.tls == SmtpTls::Plain && !is_loopback(&identity.host) {
        return Err(ConnectError::Invalid(
            "an unencrypted SMTP connection would send the sign-in in clear; it is allowed only for a server on this machine. Use STARTTLS (port 587) or implicit TLS (port 465).".into(),
        ));
    }
    let refresh = oauth_refresh(grant)?;
    if verify {
        smtp::check(&identity, Some(&grant.access_token))
            .map_err(|e| check(smtp_code(&e), format!("{e}. Nothing was saved.")))?;
    }
    keychain.set(&ws.slug, SMTP_KEY, refresh)?;
    crate::oauth::remember(&ws.slug, SMTP_KEY, grant);
    ws.settings.smtp = Some(identity);
    store.update_workspace(&ws)?;
    Ok(ws)
}

/// Log in to a workspace's SMTP server with the saved identity and password.
pub fn test_smtp(store: &Store, keychain: Option<&Keychain>, slug: &str) -> Result<SmtpIdentity> {
    let ws = store.require_workspace(slug)?;
    let id = ws.settings.smtp.clone().ok_or_else(|| {
        ConnectError::Invalid(format!("workspace {slug:?} has no reply identity (SMTP) yet: set one first."))
    })?;
    let password = match &id.user {
        Some(_) => crate::oauth::smtp_secret(
            keychain.ok_or_else(|| ConnectError::Keychain(SecretError::Unavailable("not running".into())))?,
            &ws.slug,
            &id,
        )
        .map_err(oauth_err)?,
        None => None,
    };
    smtp::check(&id, password.as_deref()).map_err(|e| check(smtp_code(&e), e.to_string()))?;
    Ok(id)
}

/// What a person should do about a failed HubSpot check.
pub fn hubspot_explain(slug: &str, base: &str, e: &hubspot::ApiError) -> String {
    match &e.failure {
        Failure::Auth => format!(
            "HubSpot refused the token ({}). Copy the whole token again from HubSpot (Development → your app → Auth) and try again. Nothing was saved.",
            e.message
        ),
        Failure::Scope(_) => format!("{}. Nothing was saved.", hubspot::pause_message(slug, e)),
        Failure::Transient | Failure::RateLimited(_) => format!(
            "cannot check the token: {e}. Check the network and the API address ({base}), then try again. Nothing was saved."
        ),
        Failure::Rejected => format!("HubSpot refused the check: {e}. Nothing was saved."),
    }
}

/// Connect a workspace to a HubSpot portal: check the token (`None`: the one
/// already in the keychain, to change settings only), make sure the
/// escalation properties exist, keep the token, save the settings.
pub fn connect_hubspot(
    store: &mut Store,
    keychain: &Keychain,
    slug: &str,
    mut settings: HubspotSettings,
    token: Option<&str>,
    options: PushOptions,
) -> Result<Workspace> {
    let mut ws = store.require_workspace(slug)?;
    if !(1..=1000).contains(&settings.rate_per_10s) {
        return Err(ConnectError::Invalid(
            "the rate is requests per ten seconds: 100 (Free/Starter), 190 (Professional/Enterprise) or 250 (API add-on).".into(),
        ));
    }
    settings.base_url = settings.base_url.trim().trim_end_matches('/').to_string();
    if !(settings.base_url.starts_with("https://")
        || settings.base_url.starts_with("http://") && is_loopback(host_of(&settings.base_url)))
    {
        return Err(ConnectError::Invalid(format!(
            "the HubSpot API address {:?} must start with https:// (plain http only for a server on this machine).",
            settings.base_url
        )));
    }
    let token = match token {
        Some(t) => {
            nonempty("HubSpot token", t)?;
            t.to_string()
        }
        None => keychain.get(&ws.slug, TOKEN_KEY)?,
    };
    let base = settings.base_url.clone();
    ws.settings.hubspot = Some(settings);
    let client = worker::paced_client(store, &ws, &token, options)?;
    client.check().map_err(|e| check(hubspot_code(&e), hubspot_explain(slug, &base, &e)))?;
    hubspot::ensure_properties(&client)
        .map_err(|e| check(hubspot_code(&e), hubspot_explain(slug, &base, &e)))?;
    keychain.set(&ws.slug, TOKEN_KEY, &token)?;
    store.update_workspace(&ws)?;
    store.hubspot_connected(ws.id, true, Utc::now())?;
    Ok(ws)
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h.trim_matches(['[', ']']),
        _ => authority,
    }
}

/// Disconnect a workspace from HubSpot and forget its token. Returns a
/// warning when the keychain entry stayed.
pub fn disconnect_hubspot(
    store: &mut Store,
    keychain: Option<&Keychain>,
    slug: &str,
) -> Result<Option<String>> {
    let mut ws = store.require_workspace(slug)?;
    ws.settings.hubspot = None;
    store.update_workspace(&ws)?;
    store.hubspot_disconnected(ws.id)?;
    let gone = keychain
        .ok_or_else(|| "no keychain is available".to_string())
        .and_then(|k| k.delete(&ws.slug, TOKEN_KEY).map_err(|e| e.to_string()));
    Ok(gone.err().map(|why| format!("the token could not be removed from the keychain ({why})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_api_addresses() {
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:9/"), "::1");
        assert_eq!(host_of("https://api.hubapi.com"), "api.hubapi.com");
        assert!(is_loopback(host_of("http://localhost:1")));
        assert!(!is_loopback(host_of("http://evil.test:80")));
    }
}
