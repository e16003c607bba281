//! URL validation handshakes: some platforms check a webhook URL before they
//! send anything to it, each in its own way. A channel names the one its
//! platform uses (`handshake = "…"` in the config) and the relay answers it:
//!
//! | `handshake`  | request                                                       | answer                                  |
//! |--------------|---------------------------------------------------------------|-----------------------------------------|
//! | `intercom`   | `HEAD` on the webhook URL                                     | `200`, no body                          |
//! | `meta`       | `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`  | the challenge, `text/plain`; wrong token `403` |
//! | `slack`      | `POST {"type":"url_verification","challenge":…}`              | `{"challenge":…}`; wrong `token` `403` (when set) |
//! | `event_grid` | `POST` with `aeg-event-type: SubscriptionValidation`; `OPTIONS` with `WebHook-Request-Origin` (CloudEvents) | `{"validationResponse":…}`; `WebHook-Allowed-Origin` |
//! | `ms_graph`   | `POST` (or `GET`) `?validationToken=…`                        | the token, `text/plain`                 |
//! | `challenge`  | `GET ?challenge=…` (Dropbox, Nylas and others)                | the challenge, `text/plain`             |
//!
//! Invariants: a handshake stores nothing and wakes no reader; it is answered
//! only on a channel configured for it and only after the channel's
//! `?token=` check (the platform validates the same URL it will post to);
//! anything else keeps the answer it had before handshakes existed (`405` for
//! `GET`, `HEAD` and `OPTIONS`; a `POST` that is no handshake is an ordinary
//! webhook). Verify tokens are compared in constant time and never logged.

use std::{collections::HashMap, str::FromStr, sync::Arc};

use axum::{
    Json,
    extract::{Path, Query, State, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use crate::{
    App,
    channels::Channel,
    config::{ConfigError, HandshakeConfig, Secret, invalid},
    error::ApiError,
};

/// The handshakes a channel can be configured to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// Intercom: a `HEAD` request must get `200`.
    Intercom,
    /// Meta (Messenger, Instagram, WhatsApp Cloud API): `hub.challenge` echoed
    /// when `hub.verify_token` matches.
    Meta,
    /// Slack Events API: the `url_verification` challenge in a `POST` body.
    Slack,
    /// Azure Event Grid: the `SubscriptionValidationEvent`'s `validationCode`,
    /// and the CloudEvents abuse-protection `OPTIONS` request.
    EventGrid,
    /// Microsoft Graph change notifications: `validationToken` echoed.
    MsGraph,
    /// A plain `GET ?challenge=…` echoed.
    Challenge,
}

impl Handshake {
    /// Every name accepted in the config, for error messages.
    pub const NAMES: &'static str =
        "\"intercom\", \"meta\", \"slack\", \"event_grid\", \"ms_graph\" or \"challenge\"";

    /// Whether this handshake checks a verify token: required for `meta`, optional for `slack`.
    pub fn uses_verify_token(self) -> bool {
        matches!(self, Self::Meta | Self::Slack)
    }
}

impl FromStr for Handshake {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "intercom" => Ok(Self::Intercom),
            "meta" | "facebook" | "whatsapp" => Ok(Self::Meta),
            "slack" => Ok(Self::Slack),
            "event_grid" | "eventgrid" => Ok(Self::EventGrid),
            "ms_graph" | "graph" => Ok(Self::MsGraph),
            "challenge" => Ok(Self::Challenge),
            _ => Err(()),
        }
    }
}

/// The channel's handshake: a known name, with a verify token exactly where one is used.
pub(crate) fn configure(
    field: &dyn Fn(&str) -> String,
    name: Option<String>,
    verify_token: Option<Secret>,
) -> Result<Option<HandshakeConfig>, ConfigError> {
    let Some(name) = name else {
        if verify_token.is_some() {
            return Err(invalid(
                field("verify_token"),
                "is set but the channel has no handshake, so nothing would check it; \
                 set handshake = \"meta\" (or \"slack\") or remove verify_token",
            ));
        }
        return Ok(None);
    };
    let kind: Handshake = name.parse().map_err(|()| {
        invalid(field("handshake"), format!("{name:?} is unknown; use {}", Handshake::NAMES))
    })?;
    match (&verify_token, kind) {
        (None, Handshake::Meta) => Err(invalid(
            field("verify_token"),
            "is required for handshake = \"meta\": the Verify Token you type into the app's webhook settings",
        )),
        (Some(_), k) if !k.uses_verify_token() => Err(invalid(
            field("verify_token"),
            format!("is not used by handshake = {name:?}; remove it (only \"meta\" and \"slack\" check one)"),
        )),
        _ => Ok(Some(HandshakeConfig { kind, verify_token })),
    }
}

/// The channel, when it exists and is configured for `kind` and `token` passes its hook token.
fn channel_for(
    app: &App,
    path: Result<Path<String>, PathRejection>,
    token: Option<&str>,
    kinds: &[Handshake],
) -> Result<Arc<Channel>, ApiError> {
    let Ok(Path(id)) = path else { return Err(ApiError::MethodNotAllowed) };
    let channel = app.channels.by_id(&id).ok_or(ApiError::MethodNotAllowed)?;
    if !channel.handshake().is_some_and(|h| kinds.contains(&h)) {
        return Err(ApiError::MethodNotAllowed);
    }
    if !channel.hook_token_ok(token) {
        eprintln!("handoff-relay: channel {id}: refused a URL validation with a missing or wrong ?token=");
        return Err(ApiError::HookToken);
    }
    Ok(Arc::clone(channel))
}

fn text(body: &str) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body.to_owned()).into_response()
}

/// `HEAD /v1/hooks/{channel}`: Intercom's check that the URL answers.
pub async fn head(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    channel_for(&app, path, q.get("token").map(String::as_str), &[Handshake::Intercom])?;
    Ok(StatusCode::OK)
}

/// `GET /v1/hooks/{channel}?…`: Meta's verify request, Graph's validation
/// token, or a plain challenge.
pub async fn get(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let kinds = [Handshake::Meta, Handshake::MsGraph, Handshake::Challenge];
    let channel = channel_for(&app, path, q.get("token").map(String::as_str), &kinds)?;
    let param = |name: &str| q.get(name).map(String::as_str);
    match channel.handshake() {
        Some(Handshake::Meta) if param("hub.mode") == Some("subscribe") => {
            let Some(challenge) = param("hub.challenge") else { return Err(ApiError::MethodNotAllowed) };
            if !channel.verify_token_ok(param("hub.verify_token")) {
                eprintln!(
                    "handoff-relay: channel {}: refused a Meta verify request: wrong verify token",
                    channel.id()
                );
                return Err(ApiError::VerifyToken);
            }
            Ok(text(challenge))
        }
        Some(Handshake::MsGraph) => param("validationToken").map(text).ok_or(ApiError::MethodNotAllowed),
        Some(Handshake::Challenge) => param("challenge").map(text).ok_or(ApiError::MethodNotAllowed),
        _ => Err(ApiError::MethodNotAllowed),
    }
}

/// `OPTIONS /v1/hooks/{channel}`: the CloudEvents webhook abuse-protection
/// request Event Grid sends for CloudEvents subscriptions.
pub async fn options(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    channel_for(&app, path, q.get("token").map(String::as_str), &[Handshake::EventGrid])?;
    let origin = headers.get("webhook-request-origin").ok_or(ApiError::MethodNotAllowed)?;
    let mut response = StatusCode::OK.into_response();
    response.headers_mut().insert("webhook-allowed-origin", origin.clone());
    response.headers_mut().insert("webhook-allowed-rate", HeaderValue::from_static("*"));
    Ok(response)
}

/// A `POST` that is the channel's handshake rather than a webhook: its
/// answer, or `None` when it is an ordinary webhook. Called after the hook
/// token check and before the signature check: a handshake is not signed the
/// way the platform signs its webhooks (Slack signs `v0:timestamp:body`), it
/// is answered with nothing but what it carried, and it is never stored.
pub fn answer_post(
    channel: &Channel,
    headers: &HeaderMap,
    validation_token: Option<&str>,
    body: &[u8],
) -> Option<Result<Response, ApiError>> {
    match channel.handshake()? {
        Handshake::MsGraph => validation_token.map(|t| Ok(text(t))),
        Handshake::Slack => {
            let v: Value = serde_json::from_slice(body).ok()?;
            if v.get("type")?.as_str()? != "url_verification" {
                return None;
            }
            let challenge = v.get("challenge")?.as_str()?;
            if channel.has_verify_token() && !channel.verify_token_ok(v.get("token").and_then(Value::as_str))
            {
                eprintln!(
                    "handoff-relay: channel {}: refused a Slack url_verification: wrong token",
                    channel.id()
                );
                return Some(Err(ApiError::VerifyToken));
            }
            Some(Ok(Json(json!({ "challenge": challenge })).into_response()))
        }
        Handshake::EventGrid => {
            let kind = headers.get("aeg-event-type")?.to_str().ok()?;
            if !kind.eq_ignore_ascii_case("SubscriptionValidation") {
                return None;
            }
            let v: Value = serde_json::from_slice(body).ok()?;
            let event = v.as_array().and_then(|a| a.first()).unwrap_or(&v);
            let code = event.get("data")?.get("validationCode")?.as_str()?;
            Some(Ok(Json(json!({ "validationResponse": code })).into_response()))
        }
        Handshake::Intercom | Handshake::Meta | Handshake::Challenge => None,
    }
}
