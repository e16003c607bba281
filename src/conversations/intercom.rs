//! The bot's monthly conversations read from Intercom, where the bot is Fin
//! (Fin's hand-overs arrive as "Fin handed the conversation to the team").
//!
//! From Intercom's REST API reference (version 2.14, "Search conversations",
//! and its OpenAPI description in intercom/Intercom-OpenAPI):
//! - `POST {api}/conversations/search` with a JSON query; filters on
//!   `created_at` (a date, Unix seconds) accept `>` and `<`, which Intercom
//!   documents as "greater (or equal)" and "lower (or equal)": the month is
//!   `created_at > first second` and `created_at < last second`;
//!   `ai_agent_participated = true` keeps the conversations Fin took part in;
//! - the answer is a `conversation.list` whose `total_count` counts every
//!   match, so one result per page is enough (`pagination.per_page: 1`);
//! - authentication is `Authorization: Bearer <access token>` of an app in
//!   the workspace's Developer Hub, with the "Read conversations"
//!   permission; a bad token is answered 401 with an `error.list`
//!   (`unauthorized`, "Access Token Invalid"), a missing permission 403;
//!   too many requests 429;
//! - the API lives per hosting region: `https://api.intercom.io` (US),
//!   `https://api.eu.intercom.io` (Europe), `https://api.au.intercom.io`
//!   (Australia); the `Intercom-Version` header pins the version.

use super::{CountRead, clip, platform_client, platform_token};
use crate::error::ErrorCode;
use crate::metrics::Month;
use crate::model::IntercomReports;
use crate::secrets::{Keychain, SecretError};
use crate::store::Store;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

/// The keychain key a workspace's Intercom access token is filed under.
pub const INTERCOM_TOKEN_KEY: &str = "intercom";

/// The API version asked for.
pub const INTERCOM_VERSION: &str = "2.14";

/// What can go wrong reading the count from Intercom.
#[derive(Debug, thiserror::Error)]
pub enum IntercomError {
    /// Neither a region nor an https address.
    #[error(
        "{0:?} is not an Intercom region: give us, eu or au (where the workspace is hosted: Intercom → Settings → Workspace → General)"
    )]
    Region(String),
    /// Intercom could not be reached.
    #[error("could not reach Intercom at {api}: {why}. Check the connection, then try again.")]
    Unreachable {
        /// The API address.
        api: String,
        /// What the connection said.
        why: String,
    },
    /// The token was refused.
    #[error(
        "Intercom refused the access token ({said}). Copy it from Intercom → Settings → Integrations → Developer Hub → your app → Authentication, and give it again."
    )]
    Refused {
        /// Intercom's own words.
        said: String,
    },
    /// The token lacks the permission.
    #[error(
        "Intercom's access token may not read conversations ({said}). In the Developer Hub, give the app the \"Read conversations\" permission, then give the token again."
    )]
    Permission {
        /// Intercom's own words.
        said: String,
    },
    /// Any other answer.
    #[error("Intercom answered {status} to the search{said}. Try again later.")]
    Failed {
        /// The HTTP status.
        status: u16,
        /// ": its words", when it said any.
        said: String,
    },
    /// An answer without the figure.
    #[error("Intercom's answer has no total_count ({0}).")]
    Unreadable(String),
    /// No token given, and none in the keychain.
    #[error(
        "no Intercom access token is kept for {0:?}: copy it from Intercom → Settings → Integrations → Developer Hub → your app → Authentication and give it once; it is kept in the OS keychain."
    )]
    NoToken(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(SecretError),
    /// The data file failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
}

impl IntercomError {
    /// The code a face chooses its next step by.
    pub fn code(&self) -> ErrorCode {
        match self {
            IntercomError::Region(_) => ErrorCode::InvalidInput,
            IntercomError::Unreachable { .. } => ErrorCode::Offline,
            IntercomError::Refused { .. } | IntercomError::Permission { .. } => ErrorCode::Connection,
            IntercomError::Failed { status: 429, .. } => ErrorCode::Busy,
            IntercomError::Failed { .. } | IntercomError::Unreadable(_) => ErrorCode::Connection,
            IntercomError::NoToken(_) => ErrorCode::NotFound,
            IntercomError::Keychain(e) => e.code(),
            IntercomError::Store(e) => e.code(),
        }
    }
}

/// The API address of a hosting region (`us`, `eu`, `au`), or an https
/// address given whole (a proxy; http only on this machine's loopback).
pub fn api_address(region: &str) -> Result<String, IntercomError> {
    let r = region.trim();
    match r.to_ascii_lowercase().as_str() {
        "" | "us" => return Ok("https://api.intercom.io".into()),
        "eu" => return Ok("https://api.eu.intercom.io".into()),
        "au" => return Ok("https://api.au.intercom.io".into()),
        _ => {}
    }
    let bad = || IntercomError::Region(r.to_string());
    let url = reqwest::Url::parse(r).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) || url.host_str().is_none() {
        return Err(bad());
    }
    Ok(r.trim_end_matches('/').to_string())
}

/// The search body counting `month`'s conversations in zone `tz`.
pub fn search_body(month: Month, tz: chrono_tz::Tz, every_conversation: bool) -> serde_json::Value {
    let (start, end) = month.bounds(tz);
    // Both operators include their value: stop a second before the next month.
    let mut filters = vec![
        json!({"field": "created_at", "operator": ">", "value": start.timestamp()}),
        json!({"field": "created_at", "operator": "<", "value": end.timestamp() - 1}),
    ];
    if !every_conversation {
        filters.push(json!({"field": "ai_agent_participated", "operator": "=", "value": true}));
    }
    json!({"query": {"operator": "AND", "value": filters}, "pagination": {"per_page": 1}})
}

#[derive(Deserialize)]
struct Found {
    total_count: Option<f64>,
}

/// Intercom's own words from an `error.list` ("message, code"), if the body is one.
fn said(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let e = v.get("errors")?.get(0)?;
    let word = |k: &str| e.get(k).and_then(|c| c.as_str()).filter(|w| !w.is_empty());
    let both = match (word("message"), word("code")) {
        (Some(m), Some(c)) => format!("{m}, {c}"),
        (Some(w), None) | (None, Some(w)) => w.to_string(),
        (None, None) => return None,
    };
    Some(clip(&both, 200))
}

/// What an Intercom read needs, gathered from the data file and the
/// keychain before going out. (No `Debug`: it holds the token.)
#[derive(Clone)]
pub struct IntercomRead {
    /// The workspace's slug.
    pub slug: String,
    /// The workspace's zone: the month's bounds are counted in it.
    pub tz: chrono_tz::Tz,
    /// The region or address, as given or kept.
    pub reports: IntercomReports,
    /// The API address it names.
    pub api: String,
    /// The access token (never stored outside the keychain).
    pub token: String,
}

impl IntercomRead {
    /// Gather the read of workspace `slug`: `region` (us, eu, au) and which
    /// conversations count, or what was kept last time (US and Fin's
    /// conversations when nothing was); `token` (then kept), or the kept one.
    pub fn prepare(
        store: &Store,
        keychain: &Keychain,
        slug: &str,
        region: Option<&str>,
        every_conversation: Option<bool>,
        token: Option<&str>,
    ) -> Result<IntercomRead, IntercomError> {
        let ws = store.require_workspace(slug)?;
        let kept = ws.settings.intercom_reports.clone().unwrap_or_default();
        let reports = IntercomReports {
            region: region.map(str::trim).filter(|r| !r.is_empty()).map_or(kept.region, str::to_string),
            every_conversation: every_conversation.unwrap_or(kept.every_conversation),
        };
        let api = api_address(&reports.region)?;
        let token = platform_token(keychain, &ws.slug, INTERCOM_TOKEN_KEY, token)
            .map_err(IntercomError::Keychain)?
            .ok_or_else(|| IntercomError::NoToken(ws.slug.clone()))?;
        Ok(IntercomRead { tz: ws.tz(), slug: ws.slug, reports, api, token })
    }

    /// Which conversations were counted, for people.
    pub fn counted(&self) -> &'static str {
        if self.reports.every_conversation { "conversations" } else { "conversations Fin took part in" }
    }
}

impl CountRead for IntercomRead {
    type Error = IntercomError;

    /// Ask Intercom for the count in `month` (network; no data file).
    fn fetch(&self, month: Month) -> Result<i64, IntercomError> {
        let unreachable =
            |e: reqwest::Error| IntercomError::Unreachable { api: self.api.clone(), why: e.to_string() };
        let res = platform_client()
            .map_err(unreachable)?
            .post(format!("{}/conversations/search", self.api))
            .bearer_auth(&self.token)
            .header("Intercom-Version", INTERCOM_VERSION)
            .header("Accept", "application/json")
            .json(&search_body(month, self.tz, self.reports.every_conversation))
            .send()
            .map_err(unreachable)?;
        let status = res.status().as_u16();
        let body = res.text().unwrap_or_default();
        match status {
            200 => {
                let found: Found = serde_json::from_str(&body)
                    .map_err(|e| IntercomError::Unreadable(clip(&e.to_string(), 200)))?;
                match found.total_count {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as i64),
                    _ => Err(IntercomError::Unreadable(clip(&body, 200))),
                }
            }
            401 => {
                Err(IntercomError::Refused { said: said(&body).unwrap_or_else(|| format!("HTTP {status}")) })
            }
            403 => Err(IntercomError::Permission {
                said: said(&body).unwrap_or_else(|| format!("HTTP {status}")),
            }),
            _ => Err(IntercomError::Failed {
                status,
                said: said(&body).map(|s| format!(": {s}")).unwrap_or_default(),
            }),
        }
    }

    /// Record the count (source `intercom`) and keep the region and choice.
    fn record(&self, store: &mut Store, month: Month, total: i64) -> Result<(), IntercomError> {
        let mut ws = store.require_workspace(&self.slug)?;
        store.set_conversations(ws.id, &month.to_string(), total, "intercom", Utc::now())?;
        if ws.settings.intercom_reports.as_ref() != Some(&self.reports) {
            ws.settings.intercom_reports = Some(self.reports.clone());
            store.update_workspace(&ws)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_addresses() {
        assert_eq!(api_address("").unwrap(), "https://api.intercom.io");
        assert_eq!(api_address(" EU ").unwrap(), "https://api.eu.intercom.io");
        assert_eq!(api_address("au").unwrap(), "https://api.au.intercom.io");
        assert_eq!(
            api_address("https://proxy.acme.test/intercom/").unwrap(),
            "https://proxy.acme.test/intercom"
        );
        assert_eq!(api_address("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        for bad in ["uk", "http://api.intercom.io", "ftp://x", "api.intercom.io"] {
            assert!(matches!(api_address(bad), Err(IntercomError::Region(_))), "{bad}");
        }
    }

    #[test]
    fn the_month_in_the_workspaces_zone_with_both_ends_included() {
        // 2026-11-01 00:00 in Berlin is 1793487600; December starts at 1796079600.
        let body = search_body(Month::parse("2026-11").unwrap(), chrono_tz::Europe::Berlin, false);
        let filters = body["query"]["value"].as_array().unwrap();
        assert_eq!(body["query"]["operator"], "AND");
        assert_eq!(filters[0], json!({"field": "created_at", "operator": ">", "value": 1793487600}));
        assert_eq!(filters[1], json!({"field": "created_at", "operator": "<", "value": 1796079599}));
        assert_eq!(filters[2], json!({"field": "ai_agent_participated", "operator": "=", "value": true}));
        assert_eq!(body["pagination"]["per_page"], 1);
        let every = search_body(Month::parse("2026-11").unwrap(), chrono_tz::Europe::Berlin, true);
        assert_eq!(every["query"]["value"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn intercoms_own_words() {
        let body = r#"{"type":"error.list","request_id":"x","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#;
        assert_eq!(said(body).as_deref(), Some("Access Token Invalid, unauthorized"));
        assert_eq!(said("<html>"), None);
    }
}
