//! The errors the HTTP API answers with: each has one status code and a JSON
//! body `{"error": "<what happened and what to do>"}`.
//!
//! Invariants: messages never contain a token, secret, signature or body;
//! internal failures are logged here (once) with their cause and answered
//! with a generic 500.

use std::time::Duration;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::{limits::retry_after_secs, signature::SignatureError, store::StoreError};

/// A refused or failed request.
#[derive(Debug)]
pub enum ApiError {
    /// No channel with the id in the webhook URL.
    UnknownChannel,
    /// The channel needs `?token=` and it was missing or wrong.
    HookToken,
    /// The channel verifies signatures and this one failed.
    Signature(SignatureError),
    /// The body exceeded `max_body_bytes`.
    TooLarge {
        /// The configured limit.
        max: usize,
    },
    /// The body could not be read.
    BodyRead,
    /// The body did not arrive within the body timeout.
    BodyTimeout {
        /// The configured timeout in seconds.
        secs: u64,
    },
    /// Other uploads hold the whole body memory budget.
    Busy,
    /// One header is longer than the relay keeps.
    HeaderTooLarge {
        /// The header.
        name: &'static str,
        /// Its limit in bytes.
        max: usize,
    },
    /// The channel is over its webhook rate.
    RateLimited {
        /// Until a request would be accepted.
        retry_after: Duration,
        /// The configured rate.
        per_minute: u32,
    },
    /// `GET /v1/events` or a `/v1/team` request without a valid bearer token.
    Bearer,
    /// A query parameter could not be understood.
    BadQuery(String),
    /// `GET /v1/team` had a query parameter that could not be understood.
    TeamQuery(String),
    /// A team request's JSON body was malformed or a field was out of range;
    /// the text names the field.
    TeamBody(String),
    /// A team request's body exceeded the small fixed limit.
    TeamBodyTooLarge {
        /// The limit in bytes.
        max: usize,
    },
    /// No such route.
    NotFound,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// A URL validation handshake with the wrong verify token.
    VerifyToken,
    /// The database failed.
    Store(StoreError),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownChannel | Self::NotFound => StatusCode::NOT_FOUND,
            Self::HookToken | Self::Signature(_) | Self::Bearer => StatusCode::UNAUTHORIZED,
            Self::TooLarge { .. } | Self::TeamBodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyRead | Self::BadQuery(_) | Self::TeamQuery(_) | Self::TeamBody(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::HeaderTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::VerifyToken => StatusCode::FORBIDDEN,
            Self::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::UnknownChannel => "no channel with this id on this relay; check the channel id in the webhook URL \
                                     against the [[channels]] ids in the relay's config"
                .into(),
            Self::HookToken => "missing or wrong ?token= in the webhook URL; copy the URL again with the channel's \
                                hook_token"
                .into(),
            Self::Signature(SignatureError::Missing { header }) => format!(
                "the signature header {header} is missing; turn on webhook signing at the platform with the \
                 channel's secret, or set signature_header to the header the platform uses"
            ),
            Self::Signature(SignatureError::Malformed { header, encoding }) => format!(
                "the signature header {header} is not valid {encoding}; check signature_encoding and \
                 signature_prefix in the relay's config for this channel"
            ),
            Self::Signature(SignatureError::Mismatch) => "the webhook signature does not match the body; check \
                                                          that the platform's signing secret equals the channel's \
                                                          secret and that signature_algorithm matches"
                .into(),
            Self::TooLarge { max } => format!(
                "the body is larger than this relay accepts ({max} bytes); raise max_body_bytes in the relay's \
                 config if the platform really sends webhooks this large"
            ),
            Self::BodyRead => "the request body could not be read; send it again".into(),
            Self::BodyTimeout { secs } => format!(
                "the request body did not arrive within {secs} s; send it again (raise body_timeout_seconds in \
                 the relay's config if this client is really that slow)"
            ),
            Self::Busy => "the relay is holding as many unfinished uploads as its memory budget allows \
                           (max_body_memory_bytes); retry shortly"
                .into(),
            Self::HeaderTooLarge { name, max } => format!(
                "the {name} header is longer than this relay accepts ({max} bytes); send a shorter one"
            ),
            Self::RateLimited { retry_after, per_minute } => format!(
                "this channel is over its limit of {per_minute} webhooks per minute; retry after {} s, or raise \
                 rate_per_minute in the relay's config",
                retry_after_secs(*retry_after)
            ),
            Self::Bearer => "missing or wrong bearer token; send `Authorization: Bearer <read_token>` with the \
                             channel's read_token (handoff source add relay --token-stdin)"
                .into(),
            Self::BadQuery(detail) => format!(
                "invalid query ({detail}); use after=<last event id seen>, wait=<seconds>, limit=<1..500>"
            ),
            Self::TeamQuery(detail) => {
                format!("invalid query ({detail}); use after=<last seq seen, from `next`>, wait=<seconds>")
            }
            Self::TeamBody(detail) => format!("invalid request body: {detail}"),
            Self::TeamBodyTooLarge { max } => format!(
                "the request body is larger than team requests may be ({max} bytes); send only key, by_name, \
                 by_email and message_id"
            ),
            Self::NotFound => "no such endpoint; the relay serves POST /v1/hooks/{channel}, GET /v1/events, \
                               GET /v1/team, POST /v1/team/claim, /release and /answered, and GET /healthz"
                .into(),
            Self::MethodNotAllowed => "method not allowed here; webhooks are POST /v1/hooks/{channel}, events \
                                       are GET /v1/events, team records are GET /v1/team and \
                                       POST /v1/team/{claim,release,answered}"
                .into(),
            Self::VerifyToken => "the verify token does not match the channel's verify_token; type the same value \
                                  into the platform's webhook settings and the relay's config"
                .into(),
            Self::Store(_) => "the relay could not store or read its data (its log has the cause); try again \
                               shortly"
                .into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Store(e) = &self {
            eprintln!("handoff-relay: {e}");
        }
        let mut response = (self.status(), Json(ErrorBody { error: self.message() })).into_response();
        if let Self::RateLimited { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(*retry_after)));
        }
        if matches!(self, Self::Busy | Self::BodyTimeout { .. }) {
            // The rest of the body is not wanted: close rather than read it.
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            if let Self::Busy = &self {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
        }
        if let Self::Bearer = &self {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
