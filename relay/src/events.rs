//! `GET /v1/events?after=&wait=&limit=`: the desktop app reads its channel's
//! events, long-polling when there are none yet.
//!
//! Invariants:
//! - The bearer token alone picks the channel; a reader never sees another
//!   channel's events.
//! - Events come oldest first with id > `after`; `next` is the cursor to send
//!   next time, so paging with it yields every retained event exactly once.
//! - The long-poll subscribes to the channel's commit signal *before* each
//!   query, so an event committed between the query and the wait still wakes it.
//! - `gap` is set when retention purged an event above `after` that the
//!   reader never fetched; `next` then skips the hole so the flag is not
//!   repeated forever.
//! - Shutdown ends every long-poll at once with what it has (an empty page).

use std::{sync::Arc, time::Duration};

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, header},
};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::{App, error::ApiError, store::Page};

/// Default and largest `limit`.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest `limit`; larger values are clamped.
pub const MAX_LIMIT: u32 = 500;

/// The query string.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    after: Option<i64>,
    wait: Option<u64>,
    limit: Option<u32>,
}

/// The `200` answer.
#[derive(Debug, Serialize)]
pub struct EventsPage {
    /// Oldest first.
    pub events: Vec<EventJson>,
    /// The cursor for the next request.
    pub next: i64,
    /// Present (and true) only when events were purged before this reader got them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gap: bool,
    /// With `gap`: how many events retention removed above `after` (at most)
    /// and when they had come in, while the relay's purge log still knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<LostJson>,
}

/// What a `gap` lost.
#[derive(Debug, Serialize)]
pub struct LostJson {
    /// How many events, at most.
    pub events: i64,
    /// When the oldest of them came in (RFC 3339, UTC).
    pub oldest_received_at: String,
    /// When the newest of them came in.
    pub newest_received_at: String,
}

/// One event as sent to the reader.
#[derive(Debug, Serialize)]
pub struct EventJson {
    /// The event id.
    pub id: i64,
    /// RFC 3339, UTC, milliseconds: `2026-11-22T10:00:00.123Z`.
    pub received_at: String,
    /// The webhook's `Content-Type`, or null.
    pub content_type: Option<String>,
    /// The body, when it is valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in standard base64, when it is not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// Lists (and long-polls for) the caller's channel's events.
pub async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<EventsPage>, ApiError> {
    let channel =
        Arc::clone(bearer(&headers).and_then(|t| app.channels.by_read_token(t)).ok_or(ApiError::Bearer)?);
    let Query(q) = query.map_err(|e| ApiError::BadQuery(e.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::BadQuery("after must be 0 or a previous `next`".into()));
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let wait = Duration::from_secs(q.wait.unwrap_or(0)).min(app.max_wait);
    let deadline = Instant::now() + wait;

    let mut commits = channel.subscribe();
    let mut shutdown = app.shutdown.clone();
    loop {
        commits.borrow_and_update();
        let id = channel.id().to_owned();
        let page = app.store.call(move |store| store.page(&id, after, limit)).await?;
        if !page.events.is_empty() || page.gap || Instant::now() >= deadline || *shutdown.borrow() {
            return Ok(Json(render(page, after)));
        }
        tokio::select! {
            changed = commits.changed() => {
                if changed.is_err() {
                    return Ok(Json(render(page, after)));
                }
            }
            () = tokio::time::sleep_until(deadline) => return Ok(Json(render(page, after))),
            _ = shutdown.wait_for(|stopping| *stopping) => return Ok(Json(render(page, after))),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn render(page: Page, after: i64) -> EventsPage {
    let next = match page.events.last() {
        Some(last) => last.id,
        // Nothing left to read: step over whatever retention removed.
        None => after.max(page.purged_through),
    };
    let events = page
        .events
        .into_iter()
        .map(|e| {
            let received_at = rfc3339(e.received_at_ms);
            let (body, body_base64) = match String::from_utf8(e.body) {
                Ok(text) => (Some(text), None),
                Err(raw) => (None, Some(base64::engine::general_purpose::STANDARD.encode(raw.into_bytes()))),
            };
            EventJson { id: e.id, received_at, content_type: e.content_type, body, body_base64 }
        })
        .collect();
    let lost = page.lost.map(|l| LostJson {
        events: l.events,
        oldest_received_at: rfc3339(l.oldest_received_ms),
        newest_received_at: rfc3339(l.newest_received_ms),
    });
    EventsPage { events, next, gap: page.gap, lost }
}
