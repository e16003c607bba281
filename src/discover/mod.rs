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
pub mod presets;

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

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

/// Where to look, and how long to wait.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The ISPDB's base URL (`<base>/<domain>`).
    pub ispdb_base: String,
    /// A DNS-over-HTTPS JSON endpoint; `None`: skip SRV and MX.
    pub dns_json: Option<String>,
    /// Host names pinned to addresses (a split-horizon setup, or tests).
    pub resolve: Vec<(String, SocketAddr)>,
    /// Per request.
    pub timeout: Duration,
}

/// Mozilla's ISPDB.
pub const ISPDB: &str = "https://autoconfig.thunderbird.net/v1.1";
/// Google Public DNS's JSON API.
pub const DNS_JSON: &str = "https://dns.google/resolve";

impl Default for Discovery {
    fn default() -> Self {
        Discovery {
            ispdb_base: ISPDB.into(),
            dns_json: Some(DNS_JSON.into()),
            resolve: Vec::new(),
            timeout: Duration::from_secs(6),
        }
    }
}

impl Discovery {
    /// The defaults, with `HANDOFF_ISPDB_URL` and `HANDOFF_DNS_JSON_URL`
    /// (empty: no DNS lookups) applied.
    pub fn from_env() -> Discovery {
        let mut d = Discovery::default();
        if let Ok(v) = std::env::var("HANDOFF_ISPDB_URL")
            && !v.is_empty()
        {
            d.ispdb_base = v;
        }
        if let Ok(v) = std::env::var("HANDOFF_DNS_JSON_URL") {
            d.dns_json = (!v.is_empty()).then_some(v);
        }
        d
    }

    /// Find the settings for `address`. Blocking (HTTP): call it off the async runtime.
    pub fn find(&self, address: &str) -> Result<MailSettings, DiscoverError> {
        let address = address.trim();
        let domain = match address.rsplit_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && domain.contains('.')
                    && !domain.contains(['/', '?', '#', ' ', '@']) =>
            {
                domain.to_ascii_lowercase()
            }
            _ => return Err(DiscoverError::NotAnAddress(address.to_string())),
        };
        if let Some(s) = presets::by_domain(address, &domain) {
            return Ok(s);
        }
        let client = self.client();
        for url in autoconfig::urls(address, &domain, &self.ispdb_base) {
            if let Some(s) = self.fetch(&client, &url).and_then(|xml| autoconfig::parse(&xml, address, &url))
            {
                return Ok(s);
            }
        }
        if let Some(s) = self.srv(&client, address, &domain) {
            return Ok(s);
        }
        for mx in self.dns(&client, &domain, "MX") {
            let host = mx.split_whitespace().last().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() {
                continue;
            }
            if let Some(s) = presets::by_mx(address, &host) {
                return Ok(s);
            }
            // The ISPDB entry for the MX host's domain (Thunderbird does the same).
            let labels: Vec<&str> = host.split('.').collect();
            if labels.len() >= 2 {
                let base = labels[labels.len() - 2..].join(".");
                let url = format!("{}/{base}", self.ispdb_base.trim_end_matches('/'));
                if let Some(mut s) =
                    self.fetch(&client, &url).and_then(|x| autoconfig::parse(&x, address, &url))
                {
                    s.found = Found::Mx { mx: host.clone() };
                    return Ok(s);
                }
            }
        }
        Err(DiscoverError::NotFound { domain })
    }

    fn client(&self) -> Option<reqwest::blocking::Client> {
        let mut b = reqwest::blocking::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::limited(3));
        for (host, addr) in &self.resolve {
            b = b.resolve(host, *addr);
        }
        b.build().ok()
    }

    fn fetch(&self, client: &Option<reqwest::blocking::Client>, url: &str) -> Option<String> {
        let resp = client.as_ref()?.get(url).send().ok()?;
        if !resp.status().is_success() {
            return None;
        }
        // An autoconfig file is a few kilobytes; refuse anything huge.
        let text = resp.text().ok()?;
        (text.len() < 1_000_000).then_some(text)
    }

    /// The `data` strings of the answers of one type.
    fn dns(&self, client: &Option<reqwest::blocking::Client>, name: &str, kind: &str) -> Vec<String> {
        let (Some(base), Some(client)) = (&self.dns_json, client) else { return Vec::new() };
        let code = if kind == "MX" { 15 } else { 33 };
        let Ok(resp) = client
            .get(base)
            .query(&[("name", name), ("type", kind)])
            .header("accept", "application/dns-json")
            .send()
        else {
            return Vec::new();
        };
        let Ok(body) = resp.json::<serde_json::Value>() else { return Vec::new() };
        if body.get("Status").and_then(serde_json::Value::as_i64) != Some(0) {
            return Vec::new();
        }
        let mut answers: Vec<(u64, String)> = body
            .get("Answer")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter(|a| a.get("type").and_then(serde_json::Value::as_i64) == Some(code))
            .filter_map(|a| a.get("data").and_then(serde_json::Value::as_str))
            .map(|d| {
                (d.split_whitespace().next().and_then(|p| p.parse().ok()).unwrap_or(u64::MAX), d.to_string())
            })
            .collect();
        // MX preference and SRV priority: lowest first.
        answers.sort();
        answers.into_iter().map(|(_, d)| d).collect()
    }

    /// RFC 6186 §3: `_imaps._tcp` before `_imap._tcp`; a target of "." means
    /// "not offered". SMTP from `_submissions._tcp` (RFC 8314 §5.1) or `_submission._tcp`.
    fn srv(
        &self,
        client: &Option<reqwest::blocking::Client>,
        address: &str,
        domain: &str,
    ) -> Option<MailSettings> {
        let first = |service: &str, security: Security| -> Option<Server> {
            self.dns(client, &format!("{service}.{domain}"), "SRV").iter().find_map(|d| {
                let parts: Vec<&str> = d.split_whitespace().collect();
                let [_, _, port, target] = parts.as_slice() else { return None };
                let host = target.trim_end_matches('.');
                let port = port.parse().ok()?;
                (!host.is_empty()).then(|| Server {
                    host: host.to_string(),
                    port,
                    security,
                    username: address.to_string(),
                })
            })
        };
        let imap =
            first("_imaps._tcp", Security::Implicit).or_else(|| first("_imap._tcp", Security::Starttls))?;
        let smtp = first("_submissions._tcp", Security::Implicit)
            .or_else(|| first("_submission._tcp", Security::Starttls));
        Some(MailSettings {
            provider: imap.host.clone(),
            oauth: OAuthProvider::for_host(&imap.host),
            imap,
            smtp,
            note: None,
            found: Found::Srv,
        })
    }
}
