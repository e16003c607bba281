//! The sign-in itself: authorization code with PKCE (RFC 7636, S256) in the
//! system browser, answered on a loopback redirect (RFC 8252 §7.3:
//! `http://127.0.0.1:{ephemeral port}/`, the listener bound before the
//! browser opens and closed after one answer).
//!
//! The `state` parameter (RFC 6749 §10.12) ties the answer to this sign-in;
//! an answer with another state is refused. The browser is opened with the
//! command in `HANDOFF_BROWSER` when set (the e2e tests drive the consent
//! step themselves through it), else the desktop's opener (`xdg-open`).

use super::token::{self, Grant};
use super::{OAuthClient, OAuthError};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A sign-in waiting for the browser.
pub struct SignIn {
    client: OAuthClient,
    listener: TcpListener,
    url: String,
    redirect_uri: String,
    verifier: String,
    state: String,
    login_hint: Option<String>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn").field("url", &self.url).finish()
    }
}

fn random(bytes: usize) -> Result<String, OAuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| OAuthError::Local(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl SignIn {
    /// Bind the loopback listener and build the authorization URL.
    /// `login_hint`: the mailbox address, preselected in the account chooser.
    pub fn start(client: &OAuthClient, login_hint: Option<&str>) -> Result<SignIn, OAuthError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| OAuthError::Local(e.to_string()))?;
        let port = listener.local_addr().map_err(|e| OAuthError::Local(e.to_string()))?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}/");
        // RFC 7636 §4.1: 32 random octets, base64url: a 43-character verifier.
        let verifier = random(32)?;
        let challenge =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let state = random(16)?;
        let mut params: Vec<(String, String)> = vec![
            ("response_type".into(), "code".into()),
            ("client_id".into(), client.client_id.clone()),
            ("redirect_uri".into(), redirect_uri.clone()),
            ("scope".into(), client.scopes.join(" ")),
            ("state".into(), state.clone()),
            ("code_challenge".into(), challenge),
            ("code_challenge_method".into(), "S256".into()),
        ];
        if let Some(hint) = login_hint {
            params.push(("login_hint".into(), hint.into()));
        }
        params.extend(client.extra.iter().cloned());
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        let sep = if client.authorize_url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}{}", client.authorize_url, query.join("&"));
        Ok(SignIn {
            client: client.clone(),
            listener,
            url,
            redirect_uri,
            verifier,
            state,
            login_hint: login_hint.map(str::to_string),
        })
    }

    /// The address to open in the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Wait up to `timeout` for the browser's answer, then trade the code for
    /// tokens. With a login hint, a token for another account is refused.
    pub fn finish(self, timeout: Duration) -> Result<Grant, OAuthError> {
        let provider = self.client.provider;
        self.listener.set_nonblocking(true).map_err(|e| OAuthError::Local(e.to_string()))?;
        let deadline = Instant::now() + timeout;
        let query = loop {
            match self.listener.accept() {
                Ok((conn, _)) => {
                    if let Some(q) = answer(conn, &self.state)? {
                        break q;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() > deadline {
                        return Err(OAuthError::TimedOut(timeout.as_secs().div_ceil(60)));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(OAuthError::Local(e.to_string())),
            }
        };
        let get = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        if get("state").as_deref() != Some(self.state.as_str()) {
            return Err(OAuthError::Mismatch("the state parameter differs".into()));
        }
        if let Some(error) = get("error") {
            let description = get("error_description");
            let d = description.clone().unwrap_or_default();
            // AADSTS65001 (not consented), AADSTS90094 (grant requires admin permission).
            if d.contains("AADSTS90094") || d.contains("AADSTS65001") || error == "consent_required" {
                return Err(OAuthError::AdminConsent { why: d.lines().next().unwrap_or("").to_string() });
            }
            if error == "access_denied" {
                return Err(OAuthError::ConsentRefused { provider });
            }
            return Err(OAuthError::Refused { provider, error, description });
        }
        let code = get("code").ok_or_else(|| OAuthError::Mismatch("the answer has no code".into()))?;
        let grant = token::exchange(&self.client, &code, &self.redirect_uri, &self.verifier)?;
        if grant.refresh_token.is_none() {
            return Err(OAuthError::Server {
                provider,
                why: "no refresh token came with the sign-in (Google: remove Handoff Desk from your account's third-party access and sign in again)".into(),
            });
        }
        if let (Some(expected), Some(got)) = (&self.login_hint, &grant.email)
            && !expected.eq_ignore_ascii_case(got)
        {
            if let Some(r) = &grant.refresh_token {
                let _ = token::revoke(&self.client, r);
            }
            return Err(OAuthError::WrongAccount { expected: expected.clone(), got: got.clone() });
        }
        Ok(grant)
    }
}

/// Read one request on the loopback listener. `Some(query)` for the
/// redirect; `None` for anything else (a favicon), which gets a 404.
fn answer(mut conn: TcpStream, state: &str) -> Result<Option<Vec<(String, String)>>, OAuthError> {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let target = head.lines().next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/" || query.is_empty() {
        let _ = conn.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return Ok(None);
    }
    let pairs: Vec<(String, String)> =
        query.split('&').filter_map(|kv| kv.split_once('=').map(|(k, v)| (decode(k), decode(v)))).collect();
    let ok = pairs.iter().any(|(k, v)| k == "state" && v == state) && pairs.iter().any(|(k, _)| k == "code");
    let page = if ok {
        "Handoff Desk is signed in. You can close this tab and go back to the app."
    } else {
        "The sign-in did not finish. Go back to Handoff Desk to see why."
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Handoff Desk</title><p style=\"font:16px sans-serif;margin:3em\">{page}</p>"
    );
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Ok(Some(pairs))
}

/// Open `url` in the person's browser: `HANDOFF_BROWSER` (a command; the URL
/// is its last argument) when set, else `xdg-open`. The caller also shows the
/// URL, so a failure here only means the person opens it by hand.
pub fn open_browser(url: &str) -> Result<(), String> {
    let custom = std::env::var("HANDOFF_BROWSER").ok().filter(|c| !c.trim().is_empty());
    let (program, args): (String, Vec<String>) = match &custom {
        Some(cmd) => {
            let mut parts = cmd.split_whitespace().map(str::to_string);
            let program = parts.next().unwrap_or_default();
            (program, parts.collect())
        }
        None => ("xdg-open".into(), Vec::new()),
    };
    std::process::Command::new(&program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot start {program}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::OAuthProvider;

    #[test]
    fn percent_decoding() {
        assert_eq!(decode("a%20b+c%2Fd"), "a b c/d");
        assert_eq!(decode("%zz%"), "%zz%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("x%41"), "xA");
    }

    #[test]
    fn the_authorization_url_carries_pkce_and_state() {
        let c = OAuthClient::defaults(OAuthProvider::Google, "cid");
        let s = SignIn::start(&c, Some("a@gmail.com")).unwrap();
        let u = s.url();
        assert!(
            u.starts_with("https://accounts.google.com/o/oauth2/v2/auth?response_type=code&client_id=cid")
        );
        assert!(u.contains("&code_challenge_method=S256") && u.contains("&login_hint=a%40gmail.com"));
        assert!(u.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"));
        assert!(u.contains("scope=https%3A%2F%2Fmail.google.com%2F%20openid%20email"));
        assert_eq!(s.verifier.len(), 43);
    }
}
