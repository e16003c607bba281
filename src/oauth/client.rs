//! Which OAuth client the app signs in as, per provider: endpoints, client
//! id (and Google's installed-app secret), scopes. All of it is configuration
//! with documented defaults; tests point the endpoints at a local server.
//!
//! Sources (read December 2026):
//! - Google: https://developers.google.com/identity/protocols/oauth2/native-app
//!   (authorization `https://accounts.google.com/o/oauth2/v2/auth`, token
//!   `https://oauth2.googleapis.com/token`, revoke `https://oauth2.googleapis.com/revoke`;
//!   loopback redirect `http://127.0.0.1:port`; `access_type=offline` for a
//!   refresh token; a Desktop client's secret is sent but "is obviously not
//!   treated as a secret"); scope for IMAP/SMTP `https://mail.google.com/`,
//!   https://developers.google.com/workspace/gmail/imap/xoauth2-protocol.
//! - Microsoft: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
//!   (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize` and
//!   `/token`, tenant `common` for work/school and personal accounts, public
//!   clients send no secret); scopes
//!   `https://outlook.office.com/IMAP.AccessAsUser.All`,
//!   `https://outlook.office.com/SMTP.Send`, `offline_access`:
//!   https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth;
//!   loopback redirect: https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
//!   ("the port component is ignored" for `http://127.0.0.1` on native apps).
//! - Both: `openid email` so the token response carries an ID token whose
//!   `email` (Google) or `preferred_username`/`email` (Microsoft) says which
//!   account was chosen.

use super::OAuthError;
use crate::discover::OAuthProvider;

/// One provider's client settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// Which provider.
    pub provider: OAuthProvider,
    /// Authorization endpoint.
    pub authorize_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Revocation endpoint (RFC 7009), if the provider has one.
    pub revoke_url: Option<String>,
    /// The registered client id.
    pub client_id: String,
    /// Google's installed-app client secret (not a secret; Google requires it).
    pub client_secret: Option<String>,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// Extra authorization parameters.
    pub extra: Vec<(String, String)>,
}

fn env(provider: OAuthProvider, what: &str) -> Option<String> {
    let name = format!("HANDOFF_OAUTH_{}_{what}", provider.as_str().to_ascii_uppercase());
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl OAuthClient {
    /// The built-in defaults for `provider`, with a client id.
    pub fn defaults(provider: OAuthProvider, client_id: &str) -> OAuthClient {
        match provider {
            OAuthProvider::Google => OAuthClient {
                provider,
                authorize_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
                token_url: "https://oauth2.googleapis.com/token".into(),
                revoke_url: Some("https://oauth2.googleapis.com/revoke".into()),
                client_id: client_id.into(),
                client_secret: None,
                scopes: vec!["https://mail.google.com/".into(), "openid".into(), "email".into()],
                extra: vec![("access_type".into(), "offline".into()), ("prompt".into(), "consent".into())],
            },
            OAuthProvider::Microsoft => {
                let base = "https://login.microsoftonline.com/common/oauth2/v2.0";
                OAuthClient {
                    provider,
                    authorize_url: format!("{base}/authorize"),
                    token_url: format!("{base}/token"),
                    revoke_url: None,
                    client_id: client_id.into(),
                    client_secret: None,
                    scopes: vec![
                        "https://outlook.office.com/IMAP.AccessAsUser.All".into(),
                        "https://outlook.office.com/SMTP.Send".into(),
                        "offline_access".into(),
                        "openid".into(),
                        "email".into(),
                    ],
                    extra: vec![("prompt".into(), "select_account".into())],
                }
            }
        }
    }

    /// The client from the environment: `HANDOFF_OAUTH_<GOOGLE|MICROSOFT>_CLIENT_ID`
    /// (required: register your own, see the README), `…_CLIENT_SECRET`
    /// (Google), `…_TENANT` (Microsoft; default `common`), and
    /// `…_AUTHORIZE_URL`, `…_TOKEN_URL`, `…_REVOKE_URL` to replace the endpoints.
    pub fn from_env(provider: OAuthProvider) -> Result<OAuthClient, OAuthError> {
        let client_id = env(provider, "CLIENT_ID").ok_or(OAuthError::NoClient { provider })?;
        let mut c = OAuthClient::defaults(provider, &client_id);
        c.client_secret = env(provider, "CLIENT_SECRET");
        if provider == OAuthProvider::Microsoft
            && let Some(tenant) = env(provider, "TENANT")
        {
            c.authorize_url = c.authorize_url.replace("/common/", &format!("/{tenant}/"));
            c.token_url = c.token_url.replace("/common/", &format!("/{tenant}/"));
        }
        if let Some(u) = env(provider, "AUTHORIZE_URL") {
            c.authorize_url = u;
        }
        if let Some(u) = env(provider, "TOKEN_URL") {
            c.token_url = u;
        }
        if let Some(u) = env(provider, "REVOKE_URL") {
            c.revoke_url = Some(u);
        }
        Ok(c)
    }
}
