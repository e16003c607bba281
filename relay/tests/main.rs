//! Integration tests for handoff-relay: each test starts the real binary on a
//! loopback port chosen by the OS and talks HTTP to it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod config;
mod durability;
mod events;
mod handshake;
mod hardening;
mod hooks;
mod limits;
mod long_poll;
mod retention;
mod team;
