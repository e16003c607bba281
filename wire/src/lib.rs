//! The relay's HTTP wire types, defined once: the relay (`relay/`) serialises
//! them and the app's relay client (`handoff::ingest::relay`) reads them, so
//! the two cannot drift. JSON field names are the wire's; times are RFC 3339
//! in UTC with milliseconds (`2026-11-22T10:00:00.123Z`), read leniently (any
//! RFC 3339 offset).
//!
//! - `GET /v1/events` answers an [`EventsPage`];
//! - `GET /v1/team` answers a [`TeamPage`];
//! - `POST /v1/team/claim|release|answered` take a [`ClaimRequest`],
//!   [`ReleaseRequest`] or [`AnsweredRequest`] and answer a [`ClaimAnswer`],
//!   [`ReleaseAnswer`] or [`AnsweredAnswer`]. (The relay checks each request
//!   field itself, to say which one is wrong.)

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Times on the wire: RFC 3339, UTC, milliseconds.
pub mod time {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Write a time as `2026-11-22T10:00:00.123Z`.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    /// Read any RFC 3339 time, as UTC.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)).map_err(serde::de::Error::custom)
    }

    /// The same, for an optional time (absent or null: `None`).
    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        /// Write `Some` as [`super::serialize`] does, `None` as null.
        pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        /// Read a time, or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(s) => DateTime::parse_from_rfc3339(&s)
                    .map(|t| Some(t.with_timezone(&Utc)))
                    .map_err(serde::de::Error::custom),
            }
        }
    }
}

/// The `GET /v1/events` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPage {
    /// Oldest first.
    pub events: Vec<Event>,
    /// The cursor for the next request.
    pub next: i64,
    /// Present (and true) only when events were purged before this reader got them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gap: bool,
    /// With `gap`: how many events retention removed above the cursor (at
    /// most) and when they had come in, while the relay's purge log knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<Lost>,
}

/// What a `gap` lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lost {
    /// How many events, at most.
    pub events: i64,
    /// When the oldest of them came in.
    #[serde(rename = "oldest_received_at", with = "time")]
    pub oldest: DateTime<Utc>,
    /// When the newest of them came in.
    #[serde(rename = "newest_received_at", with = "time")]
    pub newest: DateTime<Utc>,
}

/// One webhook the relay took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event id (the readers' cursor).
    pub id: i64,
    /// When the relay took it in (older relays did not say).
    #[serde(default, with = "time::option")]
    pub received_at: Option<DateTime<Utc>>,
    /// The webhook's `Content-Type`, or null.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The body, when it is valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in standard base64, when it is not valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// A teammate's mark on a handoff: a claim, or an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The teammate's display name (may be empty).
    #[serde(default)]
    pub by_name: String,
    /// The teammate's email: who they are.
    pub by_email: String,
    /// When the relay recorded the mark.
    #[serde(with = "time")]
    pub at: DateTime<Utc>,
    /// The reply's message id (answers only, when one was sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// One relay handoff's team record, shared by everyone reading the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The handoff's source key.
    pub key: String,
    /// Who holds the claim, if anyone.
    pub claim: Option<Mark>,
    /// Who answered first, if anyone.
    pub answered: Option<Mark>,
    /// The relay's change number of the record's last change (the team cursor).
    pub seq: i64,
}

/// The `GET /v1/team` answer: records changed after the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPage {
    /// Oldest change first, each record in its latest state.
    pub records: Vec<Record>,
    /// The cursor after this page.
    pub next: i64,
}

/// `POST /v1/team/claim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    /// The handoff's source key.
    pub key: String,
    /// The teammate's display name.
    pub by_name: String,
    /// The teammate's email.
    pub by_email: String,
}

/// What a claim came to (`200` when won, `409` when another teammate holds it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAnswer {
    /// Whether this teammate holds the claim now (newly, or already did).
    pub won: bool,
    /// The record; when `won` is false its claim names the holder.
    pub record: Record,
}

/// `POST /v1/team/release`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRequest {
    /// The handoff's source key.
    pub key: String,
    /// The teammate's email.
    pub by_email: String,
}

/// The answer to a release: `200` with the record (null when there is none),
/// `409` with the record when another teammate holds the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseAnswer {
    /// The record after the release.
    pub record: Option<Record>,
}

/// `POST /v1/team/answered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredRequest {
    /// The handoff's source key.
    pub key: String,
    /// The teammate's display name.
    pub by_name: String,
    /// The teammate's email.
    pub by_email: String,
    /// The reply's Message-ID, when one was sent.
    pub message_id: Option<String>,
}

/// The answer to an answered mark: the record, with the first answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredAnswer {
    /// The record.
    pub record: Record,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn times_are_written_with_milliseconds_and_read_from_any_offset() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().with_timezone(&Utc);
        let m = Mark { by_name: String::new(), by_email: "dana@acme.test".into(), at, message_id: None };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["at"], "2026-11-22T10:00:00.000Z");
        assert!(json.get("message_id").is_none());
        let back: Mark =
            serde_json::from_str(r#"{"by_email":"dana@acme.test","at":"2026-11-22T11:00:00.000+01:00"}"#)
                .unwrap();
        assert_eq!(back.at, at);
        assert_eq!(back.by_name, "");
    }

    #[test]
    fn an_events_page_from_an_older_relay_reads_without_gap_lost_or_times() {
        let p: EventsPage = serde_json::from_str(r#"{"events":[{"id":3,"body":"{}"}],"next":3}"#).unwrap();
        assert_eq!(p.events[0].received_at, None);
        assert!(!p.gap && p.lost.is_none());
        let out = serde_json::to_value(&p).unwrap();
        assert!(out.get("gap").is_none() && out.get("lost").is_none());
        assert!(out["events"][0].get("body_base64").is_none());
    }

    #[test]
    fn a_bad_time_is_refused_not_read_as_another() {
        let r = serde_json::from_str::<Lost>(
            r#"{"events":2,"oldest_received_at":"yesterday","newest_received_at":"2026-11-22T10:00:00Z"}"#,
        );
        assert!(r.is_err());
    }
}
