//! Reading request bodies without letting slow or stalled uploads tie up the
//! relay's memory.
//!
//! - A declared `Content-Length` over the limit is refused before a byte is read;
//!   a chunked body is counted frame by frame as it arrives, so the limit holds
//!   before anything past it is buffered.
//! - The whole body must arrive within the body timeout (408 otherwise).
//! - Every buffered byte takes a permit from one relay-wide budget
//!   (`max_body_memory_bytes`), held until the request is answered. A body
//!   that would overdraw it is refused with 503 and `Retry-After`, and its
//!   connection closes, so stalled uploads cannot add up to more than the
//!   budget however many there are. A quarter of the budget is kept for bodies
//!   of at most [`SMALL_BODY`] (webhooks are a few KiB), so large stalled
//!   uploads cannot crowd out ordinary webhooks.
//!
//! Invariants: permits are counted in bytes actually buffered, never more
//! than the limit per request; they return to the budget when the
//! [`BodyBytes`] (or the failed read) is dropped.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{HeaderMap, header},
};
use http_body_util::BodyExt as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bodies up to this size may use the part of the budget kept back from larger ones.
pub const SMALL_BODY: usize = 64 << 10;

/// The relay-wide allowance of buffered body bytes.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    permits: Arc<Semaphore>,
    reserve: usize,
}

impl BodyBudget {
    /// A budget of `bytes` (at most `u32::MAX` per acquisition is never reached:
    /// single frames are far smaller).
    pub fn new(bytes: usize) -> Self {
        let bytes = bytes.min(Semaphore::MAX_PERMITS);
        Self { permits: Arc::new(Semaphore::new(bytes)), reserve: bytes / 4 }
    }

    /// Bytes not taken by bodies being read or handled right now.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    fn take(&self, n: usize, total_after: usize) -> Option<OwnedSemaphorePermit> {
        if total_after > SMALL_BODY && self.available().saturating_sub(n) < self.reserve {
            return None;
        }
        let n = u32::try_from(n).ok()?;
        Arc::clone(&self.permits).try_acquire_many_owned(n).ok()
    }
}

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Over the request's limit.
    TooLarge,
    /// Not all there within the body timeout.
    Timeout,
    /// The relay-wide budget is spent by other uploads.
    Busy,
    /// The client broke off or sent a malformed body.
    Read,
}

/// A read body and its share of the budget.
#[derive(Debug)]
pub struct BodyBytes {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The bytes' share of the budget: keep it until the request is answered.
    pub permit: Option<OwnedSemaphorePermit>,
}

/// Reads a whole body of at most `max` bytes within `timeout`, within `budget`.
pub async fn read(
    headers: &HeaderMap,
    body: Body,
    max: usize,
    budget: &BodyBudget,
    timeout: Duration,
) -> Result<BodyBytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(timeout, collect(body, max, budget, declared)).await {
        Ok(result) => result,
        Err(_) => Err(BodyError::Timeout),
    }
}

async fn collect(
    mut body: Body,
    max: usize,
    budget: &BodyBudget,
    declared: Option<u64>,
) -> Result<BodyBytes, BodyError> {
    // A declared length (already checked against `max`) is allocated once, not grown by doubling.
    let capacity = declared.and_then(|d| usize::try_from(d).ok()).unwrap_or(0).min(max);
    let mut bytes = Vec::with_capacity(capacity);
    let mut permit: Option<OwnedSemaphorePermit> = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Read)?;
        let Ok(data) = frame.into_data() else { continue };
        let total = bytes.len() + data.len();
        if total > max {
            return Err(BodyError::TooLarge);
        }
        if data.is_empty() {
            continue;
        }
        let taken = budget.take(data.len(), total).ok_or(BodyError::Busy)?;
        match &mut permit {
            Some(p) => p.merge(taken),
            None => permit = Some(taken),
        }
        bytes.extend_from_slice(&data);
    }
    Ok(BodyBytes { bytes, permit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_bodies_leave_the_reserve_to_small_ones() {
        let budget = BodyBudget::new(400);
        // A large body (past SMALL_BODY in total) may take only what leaves the reserve of 100.
        assert!(budget.take(301, SMALL_BODY + 1).is_none());
        let big = budget.take(300, SMALL_BODY + 1);
        assert!(big.is_some());
        assert!(budget.take(1, SMALL_BODY + 2).is_none());
        // A small one may use the reserve.
        let small = budget.take(100, 100);
        assert!(small.is_some());
        assert!(budget.take(1, 1).is_none(), "the budget is spent");
        drop(big);
        assert_eq!(budget.available(), 300, "permits return when dropped");
    }
}
