//! One adapter per chatbot platform, each mapping that platform's webhook
//! payload into a [`NewHandoff`] (or a [`Parsed::Skipped`] for a known event
//! that is not a handoff), plus what the adapters share: JSON look-ups, time
//! parsing and source-key building. HTML message bodies go through
//! [`crate::ingest::html::to_text`], the one HTML converter.
//!
//! Detection is by shape, most specific first, and never guesses: a payload
//! no adapter claims goes back to the caller (canonical JSON or raw).
//!
//! Invariants: adapters never panic on any JSON value; source keys are
//! `event:<platform>:<ids…>` built only from the platform's own ids (or a hash
//! of the event when it has none), so the same delivery twice gives the same
//! key; every id part is bounded in length (see `kit::key_part`).

pub mod botpress;
pub mod chatwoot;
pub mod copilot;
pub mod crisp;
pub mod freshchat;
pub mod intercom;
pub mod livechat;
pub mod liveperson;
pub mod sunshine;
pub mod tawkto;
pub mod tidio;
pub mod voiceflow;

mod kit;
pub(crate) use kit::{
    at, event_key, finish_conversation, id_at, new_handoff, short_hash, skipped, text_at, time_at,
};
pub use kit::{parse_time, parse_time_str};

use super::Parsed;
use crate::model::SourceKind;
use serde_json::Value;

/// Which platform, if any, sent this value.
pub fn detect(value: &Value) -> Option<&'static str> {
    if intercom::detect(value) {
        Some("intercom")
    } else if sunshine::detect(value) {
        Some("sunshine")
    } else if livechat::detect(value) {
        Some("livechat")
    } else if chatwoot::detect(value) {
        Some("chatwoot")
    } else if liveperson::detect(value) {
        Some("liveperson")
    } else if copilot::detect(value) {
        Some("copilot")
    } else if tidio::detect(value) {
        Some("tidio")
    } else if crisp::detect(value) {
        Some("crisp")
    } else if tawkto::detect(value) {
        Some("tawkto")
    } else if freshchat::detect(value) {
        Some("freshchat")
    } else if botpress::detect(value) {
        Some("botpress")
    } else if voiceflow::detect(value) {
        Some("voiceflow")
    } else {
        None
    }
}

/// Parse a platform payload; `None` when no adapter claims it.
pub fn parse(value: &Value, raw: &[u8], source: SourceKind) -> Option<Vec<Parsed>> {
    Some(match detect(value)? {
        "intercom" => vec![intercom::parse(value, raw, source)],
        "sunshine" => sunshine::parse(value, raw, source),
        "livechat" => vec![livechat::parse(value, raw, source)],
        "liveperson" => liveperson::parse(value, raw, source),
        "copilot" => copilot::parse(value, raw, source),
        "tidio" => tidio::parse(value, raw, source),
        "crisp" => crisp::parse(value, raw, source),
        "tawkto" => tawkto::parse(value, raw, source),
        "freshchat" => freshchat::parse(value, raw, source),
        "botpress" => botpress::parse(value, raw, source),
        "voiceflow" => voiceflow::parse(value, raw, source),
        _ => vec![chatwoot::parse(value, raw, source)],
    })
}
