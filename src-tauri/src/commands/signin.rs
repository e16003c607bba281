//! Signing mailboxes in with Google or Microsoft from the window: find an
//! address's settings, open the provider's sign-in in the system browser
//! (authorization code with PKCE and a loopback redirect, `handoff::oauth`),
//! wait for it, then add the source, sign a source in again, or set the reply
//! identity — each checked against the server before anything is saved, as
//! the CLI's `source add imap --oauth`, `source signin` and `smtp set --oauth`.

use crate::error::{AppError, CmdResult};
use crate::state::{Db, Outbox};
use crate::views::{SettingsView, SmtpForm, SourceForm, provider};
use handoff::ErrorCode;
use handoff::connect;
use handoff::discover::{Discovery, OAuthProvider, Security};
use handoff::oauth::{OAuthClient, SignIn, flow};
use handoff::store::SourceConfig;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ts_rs::TS;

/// How long a sign-in waits for the browser.
const WAIT: Duration = Duration::from_secs(300);

/// A sign-in's provider, and the sign-in itself until `finish_sign_in` takes it.
type Pending = (OAuthProvider, Option<SignIn>);

/// Sign-ins waiting for the browser, by id; a cancelled one is removed, so
/// a late answer from the browser saves nothing.
#[derive(Default, Clone)]
pub struct SignIns {
    next: Arc<AtomicU64>,
    pending: Arc<Mutex<HashMap<u64, Pending>>>,
}

/// What was found for an address, for the person to confirm.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailboxFound {
    /// The provider's name, or the server's host.
    pub provider: String,
    /// IMAP server.
    pub host: String,
    /// IMAP port.
    pub port: u16,
    /// `implicit`, `starttls` or `plain`.
    pub tls: String,
    /// `google` or `microsoft` when the mailbox signs in instead of a password.
    pub sign_in: Option<String>,
    /// Reply identity: SMTP server, port and security, when known.
    pub smtp_host: Option<String>,
    /// SMTP port.
    pub smtp_port: Option<u16>,
    /// SMTP `implicit` or `starttls`.
    pub smtp_tls: Option<String>,
    /// What the provider asks of people first (app passwords, IMAP switches).
    pub note: Option<String>,
    /// Where the settings came from, in words.
    pub source: String,
}

/// A sign-in waiting for the browser.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInStarted {
    /// Pass to `finish_sign_in` or `cancel_sign_in`.
    #[ts(type = "number")]
    pub id: u64,
    /// The provider's sign-in page, shown in case the browser did not open.
    pub url: String,
    /// Why the browser did not open, when it did not.
    pub browser_problem: Option<String>,
}

/// What a finished sign-in is for.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum SignInFor {
    /// A new IMAP source in a workspace.
    NewSource {
        /// The workspace's slug.
        workspace: String,
        /// The mailbox's settings (its login is the signed-in address).
        form: SourceForm,
    },
    /// An existing source whose sign-in expired or was revoked.
    Source {
        /// The source's id.
        #[ts(type = "number")]
        id: i64,
    },
    /// A workspace's reply identity.
    Smtp {
        /// The workspace's slug.
        workspace: String,
        /// The identity; its login is the signed-in address.
        form: SmtpForm,
    },
}

fn security(s: Security) -> &'static str {
    match s {
        Security::Implicit => "implicit",
        Security::Starttls => "starttls",
        Security::Plain => "plain",
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> CmdResult<T> + Send + 'static) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(AppError::task)?
}

fn oauth_error(e: handoff::oauth::OAuthError) -> AppError {
    e.into()
}

/// Host, port and security for an address (presets, autoconfig, SRV, MX).
#[tauri::command]
pub async fn discover_mailbox(address: String) -> CmdResult<MailboxFound> {
    blocking(move || {
        let found =
            Discovery::from_env().find(address.trim()).map_err(|e| AppError::new(e.code(), e.to_string()))?;
        Ok(MailboxFound {
            provider: found.provider.clone(),
            host: found.imap.host.clone(),
            port: found.imap.port,
            tls: security(found.imap.security).into(),
            sign_in: found.oauth.map(|p| p.as_str().to_string()),
            smtp_host: found.smtp.as_ref().map(|s| s.host.clone()),
            smtp_port: found.smtp.as_ref().map(|s| s.port),
            smtp_tls: found.smtp.as_ref().map(|s| security(s.security).to_string()),
            note: found.note.clone(),
            source: match &found.found {
                handoff::discover::Found::Preset => "the app's built-in settings".into(),
                handoff::discover::Found::Autoconfig { url } => format!("the autoconfig file at {url}"),
                handoff::discover::Found::Srv => "the domain's SRV records".into(),
                handoff::discover::Found::Mx { mx } => format!("a guess from the domain's mail server {mx}"),
            },
        })
    })
    .await
}

/// Open the provider's sign-in for `address` in the system browser.
#[tauri::command]
pub async fn begin_sign_in(
    sign_ins: tauri::State<'_, SignIns>,
    provider_name: String,
    address: String,
) -> CmdResult<SignInStarted> {
    let p = provider(&provider_name)
        .map_err(AppError::invalid)?
        .ok_or_else(|| AppError::invalid("choose Google or Microsoft."))?;
    let address = address.trim().to_string();
    if !address.contains('@') {
        return Err(AppError::invalid("type the mailbox's whole address (name@example.com) first."));
    }
    let client = OAuthClient::from_env(p).map_err(oauth_error)?;
    let started = SignIn::start(&client, Some(&address)).map_err(oauth_error)?;
    let url = started.url().to_string();
    let browser_problem = flow::open_browser(&url).err();
    let id = sign_ins.next.fetch_add(1, Ordering::SeqCst) + 1;
    if let Ok(mut pending) = sign_ins.pending.lock() {
        pending.insert(id, (p, Some(started)));
    }
    Ok(SignInStarted { id, url, browser_problem })
}

/// Stop waiting for a sign-in; a later answer from the browser saves nothing.
#[tauri::command]
pub fn cancel_sign_in(sign_ins: tauri::State<'_, SignIns>, id: u64) {
    if let Ok(mut pending) = sign_ins.pending.lock() {
        pending.remove(&id);
    }
}

/// Wait for the browser, then save what the sign-in was for (after a login check).
#[tauri::command]
pub async fn finish_sign_in(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    sign_ins: tauri::State<'_, SignIns>,
    id: u64,
    target: SignInFor,
) -> CmdResult<SettingsView> {
    let (p, waiting) = sign_ins
        .pending
        .lock()
        .ok()
        .and_then(|mut m| m.get_mut(&id).map(|(p, s)| (*p, s.take())))
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "that sign-in was cancelled; start it again."))?;
    let waiting =
        waiting.ok_or_else(|| AppError::new(ErrorCode::Busy, "that sign-in is already being finished."))?;
    let grant = blocking(move || waiting.finish(WAIT).map_err(oauth_error)).await;
    let still_wanted = sign_ins.pending.lock().map(|mut m| m.remove(&id).is_some()).unwrap_or(false);
    let grant = grant?;
    if !still_wanted {
        return Err(AppError::new(ErrorCode::Cancelled, "the sign-in was cancelled; nothing was saved."));
    }
    let db = db.inner().clone();
    let reload = matches!(target, SignInFor::NewSource { .. } | SignInFor::Source { .. });
    let view = blocking(move || {
        let keychain = handoff::secrets::Keychain::open()?;
        db.with(|s| match target {
            SignInFor::NewSource { workspace, form } => {
                let SourceConfig::Imap(mut config) = form.config().map_err(AppError::invalid)? else {
                    return Err(AppError::invalid("a relay has a token, not a sign-in."));
                };
                config.oauth = Some(p);
                let ws = s.require_workspace(&workspace)?;
                connect::add_oauth_source(s, &keychain, &ws, form.name.trim(), config, &grant, true)?;
                Ok(super::settings::view(s, &workspace)?)
            }
            SignInFor::Source { id } => {
                let source = s.source(id)?;
                connect::replace_oauth_grant(&keychain, &source, &grant, true)?;
                Ok(super::settings::view(s, &source.workspace_slug)?)
            }
            SignInFor::Smtp { workspace, form } => {
                let mut identity = form.identity().map_err(AppError::invalid)?;
                identity.oauth = Some(p);
                if identity.user.is_none() {
                    identity.user = Some(identity.from_address.clone());
                }
                connect::set_smtp_oauth(s, &keychain, &workspace, identity, &grant, true)?;
                Ok(super::settings::view(s, &workspace)?)
            }
        })
    })
    .await?;
    if reload {
        outbox.reload_sources();
    }
    Ok(view)
}
