//! The bot's total conversations in a month, read from the platform's own
//! reports instead of typed in: the denominator of escalation rate and
//! containment (see [`crate::insights`]).
//!
//! Chatwoot, from its API documentation and source (developers.chatwoot.com,
//! "Get Account reports summary"; `app/controllers/api/v2/accounts/
//! reports_controller.rb`, `app/builders/v2/report_builder.rb`):
//! - `GET {base}/api/v2/accounts/{account_id}/reports/summary` with
//!   `type=account`, or `type=inbox&id={inbox_id}` for one inbox (the bot's),
//!   and `since`/`until` as Unix seconds; the range is inclusive of `until`;
//! - the answer is an object with `conversations_count` (conversations
//!   created in the range) beside message counts and average times, and a
//!   `previous` object with the same figures for the range before;
//! - authentication is a user's access token in the `api_access_token`
//!   header (Profile settings → Access token); reports need an
//!   administrator: any other token is answered 401 ("You are not authorized
//!   to do this action"), as is an unknown token ("Invalid Access Token"); an
//!   unknown account or inbox is 404.
//!
//! Intercom (where the bot is Fin) is read in [`intercom`].
//!
//! A Chatwoot address is taken as people copy it from the browser: the
//! inbox's page (`…/app/accounts/3/inbox/7`, `…/app/accounts/3/settings/inboxes/7`)
//! names the account and the inbox; an account's page counts the whole account.

pub mod intercom;

use crate::error::ErrorCode;
use crate::metrics::Month;
use crate::secrets::{Keychain, SecretError};
use crate::store::Store;
use chrono::Utc;
use serde::Deserialize;
use std::time::Duration;

/// The keychain key a workspace's Chatwoot access token is filed under.
pub const CHATWOOT_TOKEN_KEY: &str = "chatwoot";

/// Which Chatwoot conversations count: an account, or one inbox of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatwootScope {
    /// The installation's address, without a path (`https://app.chatwoot.com`).
    pub base: String,
    /// The account id.
    pub account: u64,
    /// The bot's inbox, when one is named.
    pub inbox: Option<u64>,
}

/// What can go wrong reading the count.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    /// The address names no Chatwoot account.
    #[error(
        "cannot tell the Chatwoot account from {0:?}: paste the address of the bot's inbox as the browser shows it, e.g. https://app.chatwoot.com/app/accounts/3/inbox/7"
    )]
    Address(String),
    /// Chatwoot could not be reached.
    #[error(
        "could not reach Chatwoot at {base}: {why}. Check the address and the connection, then try again."
    )]
    Unreachable {
        /// The installation.
        base: String,
        /// What the connection said.
        why: String,
    },
    /// The token was refused or is not an administrator's.
    #[error(
        "Chatwoot refused the access token ({said}). Reports need an administrator's token: copy it from Chatwoot → Profile settings → Access token and store it again."
    )]
    Refused {
        /// Chatwoot's own words.
        said: String,
    },
    /// No such account or inbox.
    #[error(
        "Chatwoot has no account {account}{inbox} for this token (404). Check the address: open the bot's inbox in Chatwoot and copy the address from the browser."
    )]
    NotFound {
        /// The account id.
        account: u64,
        /// ", inbox N" when one was named.
        inbox: String,
    },
    /// Any other answer.
    #[error("Chatwoot answered {status} to the report request{said}. Try again later.")]
    Failed {
        /// The HTTP status.
        status: u16,
        /// ": its words", when it said any.
        said: String,
    },
    /// An answer without the figure.
    #[error(
        "Chatwoot's report has no conversations_count ({0}): this Chatwoot may be too old for reports API v2."
    )]
    Unreadable(String),
    /// No address given, and none kept for the workspace.
    #[error(
        "no Chatwoot address is kept for {0:?}: give the address of the bot's inbox once, as the browser shows it (e.g. https://app.chatwoot.com/app/accounts/3/inbox/7)."
    )]
    NoAddress(String),
    /// No token given, and none in the keychain.
    #[error(
        "no Chatwoot access token is kept for {0:?}: copy an administrator's token from Chatwoot → Profile settings → Access token and give it once; it is kept in the OS keychain."
    )]
    NoToken(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(SecretError),
    /// The data file failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
}

impl CountError {
    /// The code a face chooses its next step by.
    pub fn code(&self) -> ErrorCode {
        match self {
            CountError::Address(_) => ErrorCode::InvalidInput,
            CountError::Unreachable { .. } => ErrorCode::Offline,
            CountError::Refused { .. } => ErrorCode::Connection,
            CountError::NotFound { .. } => ErrorCode::NotFound,
            CountError::Failed { status: 429, .. } => ErrorCode::Busy,
            CountError::Failed { .. } | CountError::Unreadable(_) => ErrorCode::Connection,
            CountError::NoAddress(_) => ErrorCode::InvalidInput,
            CountError::NoToken(_) => ErrorCode::NotFound,
            CountError::Keychain(e) => e.code(),
            CountError::Store(e) => e.code(),
        }
    }
}

impl ChatwootScope {
    /// Read the scope from an address as copied from Chatwoot's dashboard.
    pub fn parse(address: &str) -> Result<ChatwootScope, CountError> {
        let bad = || CountError::Address(address.to_string());
        let url = reqwest::Url::parse(address.trim()).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad());
        }
        let parts: Vec<&str> =
            url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
        let after = |name: &str| {
            parts
                .iter()
                .position(|p| *p == name)
                .and_then(|i| parts.get(i + 1))
                .and_then(|n| n.parse::<u64>().ok())
        };
        let account = after("accounts").ok_or_else(bad)?;
        let inbox = after("inbox").or_else(|| after("inboxes"));
        let mut base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
        if let Some(port) = url.port() {
            base.push_str(&format!(":{port}"));
        }
        Ok(ChatwootScope { base, account, inbox })
    }

    /// The report request for `month` in zone `tz`: path and query.
    pub fn summary_url(&self, month: Month, tz: chrono_tz::Tz) -> String {
        let (start, end) = month.bounds(tz);
        // Chatwoot's range includes `until`: stop a second before the next month.
        let (since, until) = (start.timestamp(), end.timestamp() - 1);
        let scope = match self.inbox {
            Some(id) => format!("type=inbox&id={id}"),
            None => "type=account".to_string(),
        };
        format!(
            "{}/api/v2/accounts/{}/reports/summary?{scope}&since={since}&until={until}",
            self.base, self.account
        )
    }
}

/// A read of the month's count from a platform, in three steps so that no
/// lock on the data file is held while the platform answers: gather what it
/// needs (`prepare`, platform-specific), [`CountRead::fetch`] (network only),
/// then [`CountRead::record`].
pub trait CountRead: Send + 'static {
    /// What can go wrong.
    type Error;
    /// Ask the platform for the count in `month`.
    fn fetch(&self, month: Month) -> Result<i64, Self::Error>;
    /// Record the count and keep the details for next time.
    fn record(&self, store: &mut Store, month: Month, total: i64) -> Result<(), Self::Error>;

    /// Both in a row, for a caller that may hold the data file meanwhile
    /// (the CLI). Returns the count.
    fn fetch_and_record(&self, store: &mut Store, month: Month) -> Result<i64, Self::Error> {
        let total = self.fetch(month)?;
        self.record(store, month, total)?;
        Ok(total)
    }
}

/// The workspace's token for a platform: `given` (kept in the keychain
/// first), else the kept one; `None` when there is neither.
pub fn platform_token(
    keychain: &Keychain,
    slug: &str,
    key: &str,
    given: Option<&str>,
) -> Result<Option<String>, SecretError> {
    if let Some(t) = given.map(str::trim).filter(|t| !t.is_empty()) {
        keychain.set(slug, key, t)?;
    }
    match keychain.get(slug, key) {
        Ok(t) => Ok(Some(t)),
        Err(SecretError::Missing { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The HTTP client a count is asked with.
pub fn platform_client() -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("HandoffDesk/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// At most `max` characters of what the server said.
pub(crate) fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[derive(Deserialize)]
struct Summary {
    conversations_count: Option<f64>,
}

/// The bot's conversations in `month` as Chatwoot counts them.
pub fn chatwoot_month(
    scope: &ChatwootScope,
    token: &str,
    month: Month,
    tz: chrono_tz::Tz,
) -> Result<i64, CountError> {
    let unreachable =
        |e: reqwest::Error| CountError::Unreachable { base: scope.base.clone(), why: e.to_string() };
    let res = platform_client()
        .map_err(unreachable)?
        .get(scope.summary_url(month, tz))
        .header("api_access_token", token)
        .header("Accept", "application/json")
        .send()
        .map_err(unreachable)?;
    let status = res.status().as_u16();
    let body = res.text().unwrap_or_default();
    let said = || {
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("error").or_else(|| v.get("message")).and_then(|e| e.as_str()).map(str::to_string)
            })
            .map(|s| clip(&s, 200))
    };
    match status {
        200 => {
            let s: Summary =
                serde_json::from_str(&body).map_err(|e| CountError::Unreadable(clip(&e.to_string(), 200)))?;
            match s.conversations_count {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as i64),
                _ => Err(CountError::Unreadable(clip(&body, 200))),
            }
        }
        401 | 403 => Err(CountError::Refused { said: said().unwrap_or_else(|| format!("HTTP {status}")) }),
        404 => Err(CountError::NotFound {
            account: scope.account,
            inbox: scope.inbox.map(|i| format!(", inbox {i}")).unwrap_or_default(),
        }),
        _ => Err(CountError::Failed { status, said: said().map(|s| format!(": {s}")).unwrap_or_default() }),
    }
}

/// What a Chatwoot read needs, gathered from the data file and the keychain
/// before going out (so no lock is held while Chatwoot answers).
/// (No `Debug`: it holds the token.)
#[derive(Clone)]
pub struct ChatwootRead {
    /// The workspace's slug.
    pub slug: String,
    /// The workspace's zone: the month's bounds are counted in it.
    pub tz: chrono_tz::Tz,
    /// The address given or kept.
    pub address: String,
    /// Which conversations count.
    pub scope: ChatwootScope,
    /// The access token (never stored outside the keychain).
    pub token: String,
}

impl ChatwootRead {
    /// Gather the read of workspace `slug`: `address`, or the one kept from
    /// last time; `token` (then kept in the keychain), or the kept one.
    pub fn prepare(
        store: &Store,
        keychain: &Keychain,
        slug: &str,
        address: Option<&str>,
        token: Option<&str>,
    ) -> Result<ChatwootRead, CountError> {
        let ws = store.require_workspace(slug)?;
        let address = match address.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => a.to_string(),
            None => {
                ws.settings.chatwoot_reports.clone().ok_or_else(|| CountError::NoAddress(ws.slug.clone()))?
            }
        };
        let scope = ChatwootScope::parse(&address)?;
        let token = platform_token(keychain, &ws.slug, CHATWOOT_TOKEN_KEY, token)
            .map_err(CountError::Keychain)?
            .ok_or_else(|| CountError::NoToken(ws.slug.clone()))?;
        Ok(ChatwootRead { tz: ws.tz(), slug: ws.slug, address, scope, token })
    }
}

impl CountRead for ChatwootRead {
    type Error = CountError;

    /// Ask Chatwoot for the count in `month` (network; no data file).
    fn fetch(&self, month: Month) -> Result<i64, CountError> {
        chatwoot_month(&self.scope, &self.token, month, self.tz)
    }

    /// Record the count (source `chatwoot`) and keep the address for next time.
    fn record(&self, store: &mut Store, month: Month, total: i64) -> Result<(), CountError> {
        let mut ws = store.require_workspace(&self.slug)?;
        store.set_conversations(ws.id, &month.to_string(), total, "chatwoot", Utc::now())?;
        if ws.settings.chatwoot_reports.as_deref() != Some(self.address.as_str()) {
            ws.settings.chatwoot_reports = Some(self.address.clone());
            store.update_workspace(&ws)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_copied_from_the_dashboard() {
        let s = ChatwootScope::parse("https://app.chatwoot.com/app/accounts/3/inbox/7?foo=1").unwrap();
        assert_eq!(s, ChatwootScope { base: "https://app.chatwoot.com".into(), account: 3, inbox: Some(7) });
        let s =
            ChatwootScope::parse("http://chat.acme.test:3000/app/accounts/12/settings/inboxes/40").unwrap();
        assert_eq!((s.base.as_str(), s.account, s.inbox), ("http://chat.acme.test:3000", 12, Some(40)));
        let s = ChatwootScope::parse("https://app.chatwoot.com/app/accounts/3/dashboard").unwrap();
        assert_eq!(s.inbox, None);
        for bad in [
            "app.chatwoot.com/app/accounts/3",
            "https://app.chatwoot.com/app/login",
            "ftp://x/app/accounts/3",
        ] {
            assert!(matches!(ChatwootScope::parse(bad), Err(CountError::Address(_))), "{bad}");
        }
    }

    #[test]
    fn the_month_is_asked_for_in_the_workspaces_zone_up_to_its_last_second() {
        let s = ChatwootScope { base: "https://c.test".into(), account: 3, inbox: Some(7) };
        let m = Month::parse("2026-11").unwrap();
        // 2026-11-01 00:00 in Berlin is 2026-10-31 23:00 UTC (1793487600); December starts at 1796079600.
        assert_eq!(
            s.summary_url(m, chrono_tz::Europe::Berlin),
            "https://c.test/api/v2/accounts/3/reports/summary?type=inbox&id=7&since=1793487600&until=1796079599"
        );
    }
}
