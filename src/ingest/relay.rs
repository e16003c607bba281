//! The relay client: long-poll a `handoff-relay` channel for webhook events,
//! and share team records (who claimed, who answered each handoff) with the
//! teammates reading the same channel.
//!
//! Invariant: the cursor (the last relay event id) is written in the same
//! transaction as the handoffs parsed from the events it covers
//! ([`crate::store::Store::ingest_at`]). A crash between receiving and
//! committing therefore re-delivers the events, and their source keys (the
//! platform's event id, else a content hash) keep them from doubling.
//!
//! Team records are decided by the relay, not here: a claim's `won` is the
//! relay's answer after its commit, so two teammates never both win.

use crate::ingest::Parsed;
use crate::ingest::webhook::parse_webhook;
use crate::model::SourceKind;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use std::time::Duration;

pub use crate::model::{RelayConfig, RelayLost};

/// Events fetched per request.
pub const PAGE: usize = 200;

/// What went wrong, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The relay could not be reached.
    #[error(
        "the relay at {url} cannot be reached: {why}. Check the URL, your network, and that the relay is running."
    )]
    Unreachable {
        /// Base URL.
        url: String,
        /// Cause.
        why: String,
    },
    /// The token was refused.
    #[error(
        "the relay at {url} refused the token (HTTP {status}). Copy the channel's read_token from the relay's config and store it again (in the app: Settings → Sources → New relay read token; or `handoff source secret WORKSPACE/NAME`)."
    )]
    Unauthorized {
        /// Base URL.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// Any other answer.
    #[error("the relay at {url} answered HTTP {status}: {message}. It will be retried.")]
    Status {
        /// Base URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// The relay's message.
        message: String,
    },
    /// The answer was not what a relay sends.
    #[error("the relay at {url} sent an answer this app cannot read ({why}). Is the URL a handoff-relay?")]
    BadAnswer {
        /// Base URL.
        url: String,
        /// Cause.
        why: String,
    },
    /// A plain `http://` address off this machine: the token would cross the network in clear.
    #[error(
        "refusing the relay address {url}: {why}. Use the relay's https:// address (its README shows a TLS proxy in front of it); plain http:// is only for a relay on this machine (localhost, 127.0.0.1, ::1)."
    )]
    Insecure {
        /// The address as given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A release was refused: another teammate holds the claim.
    #[error("{} holds this claim; only they can release it.", holder(by_name, by_email))]
    HeldByTeammate {
        /// The holder's display name (may be empty).
        by_name: String,
        /// The holder's email.
        by_email: String,
    },
}

fn holder(name: &str, email: &str) -> String {
    if name.is_empty() { email.to_string() } else { format!("{name} <{email}>") }
}

impl RelayError {
    /// Whether retrying without a change of settings can help.
    pub fn is_transient(&self) -> bool {
        !matches!(
            self,
            RelayError::Unauthorized { .. }
                | RelayError::BadAnswer { .. }
                | RelayError::Insecure { .. }
                | RelayError::HeldByTeammate { .. }
        )
    }

    /// The code a face chooses its next step by.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            RelayError::Unreachable { .. } => C::Offline,
            RelayError::Status { status: 429, .. } => C::Busy,
            RelayError::Unauthorized { .. } | RelayError::Status { .. } | RelayError::BadAnswer { .. } => {
                C::Connection
            }
            RelayError::Insecure { .. } => C::InvalidInput,
            RelayError::HeldByTeammate { .. } => C::Busy,
        }
    }
}

/// Refuses a relay address that would send the read token in clear: only
/// `https://`, or `http://` to this machine's own loopback addresses (the same
/// rule as a plain IMAP source, see [`crate::connect::add_source`]).
pub fn check_url(url: &str) -> Result<(), RelayError> {
    let insecure = |why: &str| Err(RelayError::Insecure { url: url.to_string(), why: why.to_string() });
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return insecure("it is not a web address like https://relay.example.com");
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            // host_str writes IPv6 addresses in brackets.
            let host = parsed.host_str().unwrap_or("").trim_matches(['[', ']']);
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(())
            } else {
                insecure(
                    "plain http:// would send the channel's read token and every handoff across the network in clear",
                )
            }
        }
        other => insecure(&format!("{other}:// is not a relay address")),
    }
}

/// One webhook the relay took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayEvent {
    /// The relay's id: the cursor.
    pub id: i64,
    /// The webhook body, verbatim.
    pub body: Vec<u8>,
    /// When the relay took it in: the handoff's received time for every teammate.
    pub received_at: Option<DateTime<Utc>>,
}

/// One page of events.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Events, oldest first.
    pub events: Vec<RelayEvent>,
    /// The cursor after this page.
    pub next: i64,
    /// Events between the cursor and this page were purged by the relay's retention.
    pub gap: bool,
    /// With `gap`: how many and when, when the relay says (older relays do not).
    pub lost: Option<RelayLost>,
}

impl Page {
    /// Parse every event into handoffs (or flagged raw records).
    pub fn parse(&self) -> Vec<Parsed> {
        self.events
            .iter()
            .flat_map(|e| {
                parse_webhook(&e.body, SourceKind::Relay).into_iter().map(|mut p| {
                    if let Parsed::Handoff(h) = &mut p {
                        h.received_at = e.received_at;
                    }
                    p
                })
            })
            .collect()
    }
}

use handoff_wire::{
    AnsweredAnswer, AnsweredRequest, ClaimRequest, EventsPage, ReleaseAnswer, ReleaseRequest,
};
/// The relay's team wire types, under the names the app uses.
pub use handoff_wire::{ClaimAnswer as ClaimOutcome, Mark as TeamMark, Record as TeamRecord, TeamPage};

/// A client for one channel.
#[derive(Clone)]
pub struct RelayClient {
    http: reqwest::Client,
    config: RelayConfig,
    token: String,
    page: usize,
}

impl std::fmt::Debug for RelayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayClient").field("url", &self.config.url).finish_non_exhaustive()
    }
}

impl RelayClient {
    /// A client; `token` is the channel's read token.
    pub fn new(config: &RelayConfig, token: &str) -> Result<RelayClient, RelayError> {
        check_url(&config.url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("handoff-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RelayError::Unreachable { url: config.url.clone(), why: e.to_string() })?;
        Ok(RelayClient { http, config: config.clone(), token: token.to_string(), page: PAGE })
    }

    /// Ask for at most `n` events per request (default [`PAGE`]).
    pub fn with_page(mut self, n: usize) -> Self {
        self.page = n.max(1);
        self
    }

    /// Events after `after`, waiting up to `wait` for the first one.
    pub async fn fetch(&self, after: i64, wait: Duration) -> Result<Page, RelayError> {
        let url = &self.config.url;
        let request = self
            .http
            .get(format!("{url}/v1/events"))
            .query(&[
                ("after", after.to_string()),
                ("wait", wait.as_secs().to_string()),
                ("limit", self.page.to_string()),
            ])
            .timeout(wait + Duration::from_secs(20));
        let (status, bytes) = self.send(request).await?;
        if status != 200 {
            return Err(self.status_error(status, &bytes));
        }
        let wire: EventsPage = self.decode(&bytes)?;
        let mut events = Vec::with_capacity(wire.events.len());
        for e in wire.events {
            let body = match (e.body, e.body_base64) {
                (Some(text), _) => text.into_bytes(),
                (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|err| RelayError::BadAnswer { url: url.clone(), why: err.to_string() })?,
                (None, None) => Vec::new(),
            };
            events.push(RelayEvent { id: e.id, body, received_at: e.received_at });
        }
        let lost = wire.lost.filter(|_| wire.gap).map(|l| RelayLost {
            events: l.events,
            oldest: l.oldest,
            newest: l.newest,
        });
        Ok(Page { events, next: wire.next.max(after), gap: wire.gap, lost })
    }

    /// Claims the handoff `key` for this teammate. `won` is false (not an
    /// error) when another teammate holds it; the record then names them.
    /// Claiming again what one already holds wins and changes nothing.
    pub async fn claim(&self, key: &str, by_name: &str, by_email: &str) -> Result<ClaimOutcome, RelayError> {
        let body = ClaimRequest { key: key.into(), by_name: by_name.into(), by_email: by_email.into() };
        let (status, bytes) = self.post_team("claim", &body).await?;
        match status {
            200 | 409 => self.decode(&bytes),
            _ => Err(self.status_error(status, &bytes)),
        }
    }

    /// Releases this teammate's claim on `key`; `None` when the relay has no
    /// record of it. Another teammate's claim is refused with
    /// [`RelayError::HeldByTeammate`].
    pub async fn release(&self, key: &str, by_email: &str) -> Result<Option<TeamRecord>, RelayError> {
        let body = ReleaseRequest { key: key.into(), by_email: by_email.into() };
        let (status, bytes) = self.post_team("release", &body).await?;
        match status {
            200 => Ok(self.decode::<ReleaseAnswer>(&bytes)?.record),
            409 => {
                let claim =
                    self.decode::<ReleaseAnswer>(&bytes)?.record.and_then(|r| r.claim).ok_or_else(|| {
                        RelayError::BadAnswer {
                            url: self.config.url.clone(),
                            why: "a refused release named no claim holder".into(),
                        }
                    })?;
                Err(RelayError::HeldByTeammate { by_name: claim.by_name, by_email: claim.by_email })
            }
            _ => Err(self.status_error(status, &bytes)),
        }
    }

    /// Records that this teammate answered `key`. The relay keeps the first
    /// answer, so the returned record may name someone else.
    pub async fn answered(
        &self,
        key: &str,
        by_name: &str,
        by_email: &str,
        message_id: Option<&str>,
    ) -> Result<TeamRecord, RelayError> {
        let body = AnsweredRequest {
            key: key.into(),
            by_name: by_name.into(),
            by_email: by_email.into(),
            message_id: message_id.map(String::from),
        };
        let (status, bytes) = self.post_team("answered", &body).await?;
        if status != 200 {
            return Err(self.status_error(status, &bytes));
        }
        Ok(self.decode::<AnsweredAnswer>(&bytes)?.record)
    }

    /// Team records changed after `after` (a previous [`TeamPage::next`], or
    /// 0), waiting up to `wait` for the first change.
    pub async fn team_changes(&self, after: i64, wait: Duration) -> Result<TeamPage, RelayError> {
        let url = &self.config.url;
        let request = self
            .http
            .get(format!("{url}/v1/team"))
            .query(&[("after", after.to_string()), ("wait", wait.as_secs().to_string())])
            .timeout(wait + Duration::from_secs(20));
        let (status, bytes) = self.send(request).await?;
        if status != 200 {
            return Err(self.status_error(status, &bytes));
        }
        let page: TeamPage = self.decode(&bytes)?;
        Ok(TeamPage { next: page.next.max(after), ..page })
    }

    async fn post_team(
        &self,
        what: &str,
        body: &impl serde::Serialize,
    ) -> Result<(u16, Vec<u8>), RelayError> {
        let request = self
            .http
            .post(format!("{}/v1/team/{what}", self.config.url))
            .json(body)
            .timeout(Duration::from_secs(30));
        self.send(request).await
    }

    /// Sends with the bearer token; a refused token is an error, any other status is the caller's.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), RelayError> {
        let url = &self.config.url;
        let resp = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| RelayError::Unreachable { url: url.clone(), why: root_cause(&e) })?;
        let status = resp.status().as_u16();
        if status == 401 || status == 403 {
            return Err(RelayError::Unauthorized { url: url.clone(), status });
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| RelayError::Unreachable { url: url.clone(), why: root_cause(&e) })?;
        Ok((status, bytes.to_vec()))
    }

    /// The relay's `{"error": …}` message (or the start of the body) as an error.
    fn status_error(&self, status: u16, bytes: &[u8]) -> RelayError {
        let message = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).chars().take(200).collect());
        RelayError::Status { url: self.config.url.clone(), status, message }
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, RelayError> {
        serde_json::from_slice(bytes)
            .map_err(|e| RelayError::BadAnswer { url: self.config.url.clone(), why: e.to_string() })
    }
}

/// reqwest's top-level message is "error sending request"; the cause says why.
fn root_cause(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_relay_addresses_are_accepted() {
        for ok in
            ["https://relay.example.com", "http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:9"]
        {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in
            ["http://relay.example.com", "http://10.0.0.5:8787", "http://0.0.0.0:1", "ftp://x", "relay"]
        {
            let e = check_url(bad).unwrap_err().to_string();
            assert!(e.contains("https://") && e.contains(bad), "{e}");
            assert!(!check_url(bad).unwrap_err().is_transient());
        }
        assert!(RelayClient::new(&RelayConfig::new("http://relay.example.com"), "t").is_err());
    }
}
