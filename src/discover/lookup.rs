//! The lookup itself, in the order [`super`] lists: preset, autoconfig,
//! SRV, MX. [`Discovery`] holds where to look and how long to wait.

use super::{DiscoverError, Found, MailSettings, OAuthProvider, Security, Server, autoconfig, presets};
use std::net::SocketAddr;
use std::time::Duration;

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
