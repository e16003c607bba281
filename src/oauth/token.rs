//! The token endpoint (RFC 6749 §4.1.3, §5, §6) and revocation (RFC 7009).
//!
//! Requests are `application/x-www-form-urlencoded` POSTs with the client id
//! in the body (public clients, §2.3.1 allows it; Google's installed-app
//! secret rides along). Errors are the JSON `{"error": …, "error_description": …}`
//! of §5.2. The ID token is read without checking its signature: it comes
//! straight from the token endpoint over TLS, which OpenID Connect Core 1.0
//! §3.1.3.7 accepts in place of the signature check; it only tells which
//! account was chosen, and the mail server decides with the access token.

use super::{OAuthClient, OAuthError};
use base64::Engine as _;
use chrono::{DateTime, Duration as Span, Utc};
use serde::Deserialize;
use std::time::Duration;

/// What a token request gave.
#[derive(Clone)]
pub struct Grant {
    /// The bearer token for IMAP/SMTP.
    pub access_token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// A (new) refresh token, if the provider sent one.
    pub refresh_token: Option<String>,
    /// The account's address, from the ID token.
    pub email: Option<String>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a token.
        f.debug_struct("Grant").field("expires_at", &self.expires_at).field("email", &self.email).finish()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

fn http() -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

fn post(client: &OAuthClient, mut form: Vec<(&str, String)>) -> Result<Grant, OAuthError> {
    let provider = client.provider;
    form.push(("client_id", client.client_id.clone()));
    if let Some(s) = &client.client_secret {
        form.push(("client_secret", s.clone()));
    }
    let http = http().map_err(OAuthError::Local)?;
    let resp = http
        .post(&client.token_url)
        .header("accept", "application/json")
        .form(&form)
        .send()
        .map_err(|e| OAuthError::Network { provider, why: e.without_url().to_string() })?;
    let status = resp.status();
    let body = resp.text().map_err(|e| OAuthError::Network { provider, why: e.without_url().to_string() })?;
    if !status.is_success() {
        return Err(match serde_json::from_str::<ErrorResponse>(&body) {
            Ok(e) => OAuthError::Refused { provider, error: e.error, description: e.error_description },
            Err(_) if status.is_server_error() => {
                OAuthError::Network { provider, why: format!("HTTP {status}") }
            }
            Err(_) => OAuthError::Server { provider, why: format!("HTTP {status} without an OAuth error") },
        });
    }
    let t: TokenResponse = serde_json::from_str(&body).map_err(|e| OAuthError::Server {
        provider,
        why: format!("the token answer is not readable ({e})"),
    })?;
    Ok(Grant {
        access_token: t.access_token,
        expires_at: Utc::now() + Span::seconds(t.expires_in.unwrap_or(3600).clamp(0, 86_400 * 365)),
        refresh_token: t.refresh_token,
        email: t.id_token.as_deref().and_then(id_token_email),
    })
}

/// Trade an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub fn exchange(
    client: &OAuthClient,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Grant, OAuthError> {
    post(
        client,
        vec![
            ("grant_type", "authorization_code".into()),
            ("code", code.into()),
            ("redirect_uri", redirect_uri.into()),
            ("code_verifier", verifier.into()),
        ],
    )
}

/// A new access token from a refresh token (RFC 6749 §6).
pub fn refresh(client: &OAuthClient, refresh_token: &str) -> Result<Grant, OAuthError> {
    post(client, vec![("grant_type", "refresh_token".into()), ("refresh_token", refresh_token.into())])
}

/// Revoke a refresh token (RFC 7009), best effort: Microsoft has no such
/// endpoint (sign-ins are revoked from the account's page).
pub fn revoke(client: &OAuthClient, refresh_token: &str) -> Result<(), OAuthError> {
    let Some(url) = &client.revoke_url else { return Ok(()) };
    let provider = client.provider;
    let http = http().map_err(OAuthError::Local)?;
    http.post(url)
        .form(&[("token", refresh_token), ("token_type_hint", "refresh_token")])
        .send()
        .map_err(|e| OAuthError::Network { provider, why: e.without_url().to_string() })?;
    Ok(())
}

/// The account address in an ID token's payload: `email`, else Microsoft's
/// `preferred_username` when it is an address.
pub fn id_token_email(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    ["email", "preferred_username"]
        .iter()
        .filter_map(|k| claims.get(k).and_then(serde_json::Value::as_str))
        .find(|v| v.contains('@'))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_tokens_name_the_account() {
        let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let jwt = format!("{}.{}.sig", enc("{}"), enc(r#"{"email":"a@b.test"}"#));
        assert_eq!(id_token_email(&jwt).as_deref(), Some("a@b.test"));
        let ms = format!("x.{}.", enc(r#"{"preferred_username":"sam@contoso.test","name":"Sam"}"#));
        assert_eq!(id_token_email(&ms).as_deref(), Some("sam@contoso.test"));
        assert_eq!(id_token_email("garbage"), None);
        assert_eq!(id_token_email("a.!!!.c"), None);
    }
}
