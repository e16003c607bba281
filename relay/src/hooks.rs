//! `POST /v1/hooks/{channel}`: a chatbot platform delivers one webhook.
//!
//! Checks run cheapest-first and before anything is stored: channel (404),
//! `?token=` (401, before the body is even read), `Content-Type` length (431),
//! body size (413, also for chunked bodies; see [`crate::body`] for the body
//! timeout and memory budget), signature over the raw bytes (401), rate (429 +
//! `Retry-After`; only authenticated requests spend the channel's allowance).
//!
//! A channel configured with a URL validation handshake answers it after the
//! hook token and body checks and before the signature check, and stores
//! nothing for it (see [`crate::handshake`]).
//!
//! Invariants: any bytes are accepted as the body — parsing is the desktop
//! side's job; `202 {"id": N}` is sent only after the row has committed, and
//! the channel's long-polls are woken only after that commit too. Bodies and
//! tokens are never logged.

use std::sync::Arc;

use axum::{
    Json,
    body::Body,
    extract::{
        Path, Query, State,
        rejection::{PathRejection, QueryRejection},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use crate::{
    App,
    body::{BodyBytes, BodyError},
    error::ApiError,
};

/// Longest `Content-Type` kept with an event; a longer one is refused with 431
/// (real media types with parameters are well under 200 bytes).
pub const MAX_CONTENT_TYPE_BYTES: usize = 1024;

/// The webhook URL's query.
#[derive(Debug, Deserialize)]
pub struct HookQuery {
    token: Option<String>,
    /// Microsoft Graph's validation token (the `ms_graph` handshake).
    #[serde(rename = "validationToken")]
    validation_token: Option<String>,
}

/// The `202` answer.
#[derive(Debug, Serialize)]
pub struct Accepted {
    /// The stored event's id (the readers' cursor).
    pub id: i64,
}

/// Accepts one webhook for a channel.
pub async fn receive(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HookQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Ok(Path(id)) = path else { return Err(ApiError::UnknownChannel) };
    let channel = Arc::clone(app.channels.by_id(&id).ok_or(ApiError::UnknownChannel)?);

    let (token, validation_token) = match query {
        Ok(Query(q)) => (q.token, q.validation_token),
        Err(_) => (None, None),
    };
    if !channel.hook_token_ok(token.as_deref()) {
        eprintln!("handoff-relay: channel {id}: refused a webhook with a missing or wrong ?token=");
        return Err(ApiError::HookToken);
    }

    let content_type = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().map(str::to_owned));
    let content_type = match content_type {
        Some(Ok(v)) if v.len() > MAX_CONTENT_TYPE_BYTES => {
            return Err(ApiError::HeaderTooLarge { name: "Content-Type", max: MAX_CONTENT_TYPE_BYTES });
        }
        Some(Ok(v)) => Some(v),
        // Not visible ASCII: not a media type, so it is not kept.
        Some(Err(_)) | None => None,
    };

    // Held until the answer: the body's share of the relay's body memory budget.
    let BodyBytes { bytes: body, permit: _permit } = read_body(&app, &headers, body).await?;

    if let Some(answer) =
        crate::handshake::answer_post(&channel, &headers, validation_token.as_deref(), &body)
    {
        return answer;
    }

    if let Some(verifier) = channel.verifier()
        && let Err(e) = verifier.verify(&headers, &body)
    {
        eprintln!("handoff-relay: channel {id}: refused a webhook: signature {e:?}");
        return Err(ApiError::Signature(e));
    }

    let limiter = channel.limiter();
    limiter
        .check()
        .map_err(|retry_after| ApiError::RateLimited { retry_after, per_minute: limiter.rate() })?;

    let received_at_ms = chrono::Utc::now().timestamp_millis();
    let event_id = app
        .store
        .call(move |store| store.insert(&id, received_at_ms, content_type.as_deref(), &body))
        .await?;
    channel.announce(event_id);
    Ok((StatusCode::ACCEPTED, Json(Accepted { id: event_id })).into_response())
}

/// Reads the whole body within the relay's body limits (see [`crate::body`]).
async fn read_body(app: &App, headers: &HeaderMap, body: Body) -> Result<BodyBytes, ApiError> {
    let max = app.max_body_bytes;
    crate::body::read(headers, body, max, &app.body_budget, app.body_timeout).await.map_err(|e| match e {
        BodyError::TooLarge => ApiError::TooLarge { max },
        BodyError::Timeout => ApiError::BodyTimeout { secs: app.body_timeout.as_secs() },
        BodyError::Busy => ApiError::Busy,
        BodyError::Read => ApiError::BodyRead,
    })
}
