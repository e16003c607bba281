//! `POST /v1/hooks/{channel}`: a chatbot platform delivers one webhook.
//!
//! Checks run cheapest-first and before anything is stored: channel (404),
//! `?token=` (401, before the body is even read), body size (413, also for
//! chunked bodies), signature over the raw bytes (401), rate (429 +
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
use http_body_util::LengthLimitError;
use serde::{Deserialize, Serialize};

use crate::{App, error::ApiError};

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

    let body = read_body(&headers, body, app.max_body_bytes).await?;

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

    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let received_at_ms = chrono::Utc::now().timestamp_millis();
    let event_id = app
        .store
        .call(move |store| store.insert(&id, received_at_ms, content_type.as_deref(), &body))
        .await?;
    channel.announce(event_id);
    Ok((StatusCode::ACCEPTED, Json(Accepted { id: event_id })).into_response())
}

/// Reads the whole body, refusing more than `max` bytes whether the client
/// declared a length or streams it chunked.
async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(ApiError::TooLarge { max });
    }
    match axum::body::to_bytes(body, max).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(e) => {
            let inner = e.into_inner();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
            while let Some(err) = source {
                if err.is::<LengthLimitError>() {
                    return Err(ApiError::TooLarge { max });
                }
                source = err.source();
            }
            Err(ApiError::BodyRead)
        }
    }
}
