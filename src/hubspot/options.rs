//! How the push worker paces itself: timeouts, retry back-off, batch size and
//! the share of the portal's rate window it may use.

use crate::reply::worker::Backoff;
use std::time::Duration;

/// How the worker talks to HubSpot.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// Bound on each HTTP call.
    pub timeout: Duration,
    /// Retry pacing after 5xx, timeouts and network errors.
    pub backoff: Backoff,
    /// Jobs per batch (HubSpot takes up to 100 inputs).
    pub batch: usize,
    /// Share of the portal's rate window the outbox uses (the rest is
    /// headroom for the owner's other integrations).
    pub window_share: f64,
    /// The rate window's length.
    pub window: Duration,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            timeout: Duration::from_secs(30),
            backoff: Backoff { min: Duration::from_secs(5), max: Duration::from_secs(1800) },
            batch: 100,
            window_share: 0.9,
            window: Duration::from_secs(10),
        }
    }
}
