//! Team records: teammates whose desktop apps read the same channel mark which
//! handoff each has claimed and which is answered, so no handoff is answered
//! twice.
//!
//! ```text
//! POST /v1/team/claim    {"key","by_name","by_email"}              200 won / 409 held by another
//! POST /v1/team/release  {"key","by_email"}                        200 / 409 held by another
//! POST /v1/team/answered {"key","by_name","by_email","message_id"?} 200 (first answer kept)
//! GET  /v1/team?after=SEQ&wait=SECONDS                             changes after SEQ, long-polled
//! ```
//!
//! Invariants:
//! - Authentication is the events' bearer read token; the token alone picks
//!   the channel, and records are per channel.
//! - Claims are decided inside one write transaction (see
//!   [`crate::store::Store::team_claim`]): of two racing claims, the first to
//!   commit wins and the other gets `409` naming the holder.
//! - Every change bumps the record's `seq` to a relay-wide number never used
//!   before; a no-op (re-claim, repeated answer, releasing nothing) bumps nothing.
//! - The channel's team signal is set only after a change commits, and a
//!   long-poll subscribes before each query, so no change slips between them.
//! - Bodies are refused (`413`) past [`MAX_BODY_BYTES`] and validated field by
//!   field (`400` naming the field) before anything is stored.

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::{
    Json,
    body::Body,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode, header},
};
use chrono::DateTime;
use serde::Deserialize;
use serde_json::{Map, Value};
use tokio::{sync::watch, time::Instant};

use crate::{
    App,
    body::BodyError,
    channels::Channel,
    error::ApiError,
    store::{Claimed, Released, TeamMark, TeamRecord},
};

/// Largest accepted team request body.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Most records per `GET /v1/team` page.
pub const PAGE_LIMIT: u32 = 500;
/// Longest accepted handoff key, in characters.
pub const MAX_KEY_CHARS: usize = 512;
/// Longest accepted `by_name`, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted `by_email`, in characters.
pub const MAX_EMAIL_CHARS: usize = 320;
/// Longest accepted `message_id`, in characters.
pub const MAX_MESSAGE_ID_CHARS: usize = 998;

/// Per-channel signals that wake `GET /v1/team` long-polls after a team change commits.
#[derive(Debug)]
pub struct TeamSignals {
    by_channel: HashMap<String, watch::Sender<i64>>,
    // Never announced: what an unknown channel waits on (cannot happen, as
    // channels come from the same config; this keeps the lookup infallible).
    silent: watch::Sender<i64>,
}

impl TeamSignals {
    /// One signal per channel id.
    pub fn new<'a>(channel_ids: impl IntoIterator<Item = &'a str>) -> Self {
        let by_channel = channel_ids.into_iter().map(|id| (id.to_owned(), watch::Sender::new(0))).collect();
        Self { by_channel, silent: watch::Sender::new(0) }
    }

    /// A receiver that changes whenever a team record of `channel` changes.
    /// Subscribe before querying, so a change in between is not missed.
    pub fn subscribe(&self, channel: &str) -> watch::Receiver<i64> {
        self.by_channel.get(channel).unwrap_or(&self.silent).subscribe()
    }

    /// Wakes `channel`'s team long-polls; call only after change `seq` has committed.
    pub fn announce(&self, channel: &str, seq: i64) {
        if let Some(sender) = self.by_channel.get(channel) {
            sender.send_if_modified(|latest| {
                let newer = seq > *latest;
                *latest = (*latest).max(seq);
                newer
            });
        }
    }
}

// The answers' shapes are `handoff_wire`'s, shared with the app's client.
use handoff_wire::{AnsweredAnswer, ClaimAnswer, Mark, Record, ReleaseAnswer, TeamPage};

fn record(r: TeamRecord) -> Record {
    Record { key: r.key, claim: r.claim.map(mark), answered: r.answered.map(mark), seq: r.seq }
}

fn mark(m: TeamMark) -> Mark {
    let at = DateTime::from_timestamp_millis(m.at_ms).unwrap_or_default();
    Mark { by_name: m.name, by_email: m.email, at, message_id: m.message_id }
}

/// The `GET /v1/team` query string.
#[derive(Debug, Deserialize)]
pub struct TeamQuery {
    after: Option<i64>,
    wait: Option<u64>,
}

/// `POST /v1/team/claim`.
pub async fn claim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ClaimAnswer>), ApiError> {
    let channel = reader(&app, &headers)?;
    let fields = read_object(&app, &headers, body).await?;
    let key = key_field(&fields)?;
    let name = name_field(&fields)?;
    let email = email_field(&fields)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let id = channel.id().to_owned();
    let claimed = app.store.call(move |s| s.team_claim(&id, &key, &name, &email, now_ms)).await?;
    Ok(match claimed {
        Claimed::Won(record) => {
            app.team.announce(channel.id(), record.seq);
            (StatusCode::OK, Json(ClaimAnswer { won: true, record: self::record(record) }))
        }
        Claimed::Held(record) => {
            (StatusCode::CONFLICT, Json(ClaimAnswer { won: false, record: self::record(record) }))
        }
    })
}

/// `POST /v1/team/release`.
pub async fn release(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ReleaseAnswer>), ApiError> {
    let channel = reader(&app, &headers)?;
    let fields = read_object(&app, &headers, body).await?;
    let key = key_field(&fields)?;
    let email = email_field(&fields)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let id = channel.id().to_owned();
    let released = app.store.call(move |s| s.team_release(&id, &key, &email, now_ms)).await?;
    Ok(match released {
        Released::Free(record) => {
            if let Some(r) = &record {
                app.team.announce(channel.id(), r.seq);
            }
            (StatusCode::OK, Json(ReleaseAnswer { record: record.map(self::record) }))
        }
        Released::Held(record) => {
            (StatusCode::CONFLICT, Json(ReleaseAnswer { record: Some(self::record(record)) }))
        }
    })
}

/// `POST /v1/team/answered`.
pub async fn answered(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AnsweredAnswer>, ApiError> {
    let channel = reader(&app, &headers)?;
    let fields = read_object(&app, &headers, body).await?;
    let key = key_field(&fields)?;
    let name = name_field(&fields)?;
    let email = email_field(&fields)?;
    let message_id = message_id_field(&fields)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let id = channel.id().to_owned();
    let record = app
        .store
        .call(move |s| s.team_answered(&id, &key, &name, &email, message_id.as_deref(), now_ms))
        .await?;
    app.team.announce(channel.id(), record.seq);
    Ok(Json(AnsweredAnswer { record: self::record(record) }))
}

/// `GET /v1/team`: the channel's records changed after `after`, long-polling when none.
pub async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<TeamQuery>, QueryRejection>,
) -> Result<Json<TeamPage>, ApiError> {
    let channel = reader(&app, &headers)?;
    let Query(q) = query.map_err(|e| ApiError::TeamQuery(e.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::TeamQuery("after must be 0 or a previous `next`".into()));
    }
    let wait = Duration::from_secs(q.wait.unwrap_or(0)).min(app.max_wait);
    let deadline = Instant::now() + wait;

    let mut changes = app.team.subscribe(channel.id());
    let mut shutdown = app.shutdown.clone();
    loop {
        changes.borrow_and_update();
        let id = channel.id().to_owned();
        let records = app.store.call(move |s| s.team_page(&id, after, PAGE_LIMIT)).await?;
        if !records.is_empty() || Instant::now() >= deadline || *shutdown.borrow() {
            return Ok(Json(page(records, after)));
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return Ok(Json(page(records, after)));
                }
            }
            () = tokio::time::sleep_until(deadline) => return Ok(Json(page(records, after))),
            _ = shutdown.wait_for(|stopping| *stopping) => return Ok(Json(page(records, after))),
        }
    }
}

fn page(records: Vec<TeamRecord>, after: i64) -> TeamPage {
    let next = records.last().map_or(after, |r| r.seq);
    TeamPage { records: records.into_iter().map(record).collect(), next }
}

/// The channel of the bearer read token, exactly as `GET /v1/events` picks it.
fn reader(app: &App, headers: &HeaderMap) -> Result<Arc<Channel>, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .and_then(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()));
    token.and_then(|t| app.channels.by_read_token(t)).map(Arc::clone).ok_or(ApiError::Bearer)
}

/// Reads at most [`MAX_BODY_BYTES`] and parses them as a JSON object.
async fn read_object(app: &App, headers: &HeaderMap, body: Body) -> Result<Map<String, Value>, ApiError> {
    let read = crate::body::read(headers, body, MAX_BODY_BYTES, &app.body_budget, app.body_timeout).await;
    let bytes = match read {
        Ok(read) => read.bytes,
        Err(BodyError::TooLarge) => return Err(ApiError::TeamBodyTooLarge { max: MAX_BODY_BYTES }),
        Err(BodyError::Timeout) => return Err(ApiError::BodyTimeout { secs: app.body_timeout.as_secs() }),
        Err(BodyError::Busy) => return Err(ApiError::Busy),
        Err(BodyError::Read) => return Err(ApiError::BodyRead),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::TeamBody("expected a JSON object like {\"key\": …, \"by_email\": …}".into())),
        Err(e) => Err(ApiError::TeamBody(format!("not JSON ({e}); send a JSON object"))),
    }
}

/// A string field: `Ok(None)` when absent or null.
fn text(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::TeamBody(format!("`{name}` must be a string"))),
    }
}

fn check_len(name: &str, value: &str, min: usize, max: usize, hint: &str) -> Result<(), ApiError> {
    let chars = value.chars().count();
    if chars < min || chars > max {
        return Err(ApiError::TeamBody(format!(
            "`{name}` must be {min} to {max} characters, not {chars}; {hint}"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::TeamBody(format!("`{name}` must not contain control characters; {hint}")));
    }
    Ok(())
}

fn key_field(fields: &Map<String, Value>) -> Result<String, ApiError> {
    let hint = "send the handoff's source key";
    let key = text(fields, "key")?.ok_or_else(|| ApiError::TeamBody(format!("`key` is missing; {hint}")))?;
    check_len("key", &key, 1, MAX_KEY_CHARS, hint)?;
    Ok(key)
}

fn name_field(fields: &Map<String, Value>) -> Result<String, ApiError> {
    let name = text(fields, "by_name")?.unwrap_or_default().trim().to_owned();
    check_len("by_name", &name, 0, MAX_NAME_CHARS, "send the teammate's display name, or \"\"")?;
    Ok(name)
}

fn email_field(fields: &Map<String, Value>) -> Result<String, ApiError> {
    let hint = "send the teammate's email address (it identifies who holds a claim)";
    let email = text(fields, "by_email")?
        .ok_or_else(|| ApiError::TeamBody(format!("`by_email` is missing; {hint}")))?;
    let email = email.trim().to_owned();
    check_len("by_email", &email, 1, MAX_EMAIL_CHARS, hint)?;
    Ok(email)
}

fn message_id_field(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let Some(id) = text(fields, "message_id")? else { return Ok(None) };
    let id = id.trim().to_owned();
    check_len("message_id", &id, 0, MAX_MESSAGE_ID_CHARS, "send the reply's Message-ID, or leave it out")?;
    Ok((!id.is_empty()).then_some(id))
}
