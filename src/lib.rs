//! Handoff Desk core: everything but windows and webviews.
//!
//! A chatbot hands a conversation to a human; this library ingests that
//! handoff (email, webhook, file), stores it in one SQLite file with
//! full-text search, and answers the questions the CLI and the desktop shell
//! ask of it. It has no Tauri dependency.
#![warn(missing_docs)]

pub mod alerts;
pub mod briefing;
pub mod connect;
pub mod conversations;
pub mod demo;
pub mod discover;
pub mod error;
pub mod export;
pub mod gaps;
pub mod hubspot;
pub mod ingest;
pub mod insights;
pub mod metrics;
pub mod model;
pub mod oauth;
pub mod promise;
pub mod redact;
pub mod reparse;
pub mod reply;
pub mod report;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod teach;
pub mod team;

pub use error::{Error, ErrorCode, Next, Result};
pub use model::*;
pub use store::Store;
