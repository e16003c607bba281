//! Integration tests of the core and the CLI: one test binary, one module per scenario.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod cli;
mod crash;
mod email;
mod reason;
mod store;
mod support;
mod webhook;
