//! Integration tests of the core and the CLI: one test binary, one module per scenario.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod alerts;
mod briefing;
mod chaos;
mod cli;
mod companion;
mod corpus;
mod crash;
mod discover;
mod email;
mod gaps;
mod hubspot;
mod imap;
mod inbox;
mod live;
mod metrics;
mod oauth;
mod privacy;
mod promise_rules;
mod promises;
mod reason;
mod relay_client;
mod relay_gap;
mod relay_team;
mod reopen;
mod reparse;
mod reply;
mod smtp_harness;
mod store;
mod support;
mod team;
mod team_answers;
mod team_truth;
mod templates;
mod wake;
mod webhook;
