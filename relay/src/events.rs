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
use chrono::{DateTime, Utc};
use serde::Deserialize;
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

// The `200` answer and its parts are `handoff_wire`'s, shared with the app.
use handoff_wire::{Event, EventsPage, Lost};

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

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
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
            let received_at = Some(time(e.received_at_ms));
            let (body, body_base64) = match String::from_utf8(e.body) {
                Ok(text) => (Some(text), None),
                Err(raw) => (None, Some(base64::engine::general_purpose::STANDARD.encode(raw.into_bytes()))),
            };
            Event { id: e.id, received_at, content_type: e.content_type, body, body_base64 }
        })
        .collect();
    let lost = page.lost.map(|l| Lost {
        events: l.events,
        oldest: time(l.oldest_received_ms),
        newest: time(l.newest_received_ms),
    });
    EventsPage { events, next, gap: page.gap, lost }
}
