//! Per-channel webhook rate limiting: a token bucket that holds up to one
//! minute's allowance and refills continuously.
//!
//! Invariants: a request either takes a whole token or is refused with the
//! exact wait until one is available (rounded up to whole seconds for
//! `Retry-After`); refusals do not consume anything.

use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

/// A token bucket of `per_minute` tokens refilled at `per_minute / 60` per second.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// A full bucket allowing bursts of `per_minute` (at least 1).
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        Self {
            per_minute,
            bucket: Mutex::new(Bucket { tokens: f64::from(per_minute), last: Instant::now() }),
        }
    }

    /// The configured allowance.
    pub fn rate(&self) -> u32 {
        self.per_minute
    }

    /// Takes a token now, or says how long until one is available.
    pub fn check(&self) -> Result<(), Duration> {
        self.check_at(Instant::now())
    }

    fn check_at(&self, now: Instant) -> Result<(), Duration> {
        // The bucket holds plain numbers; a panic elsewhere cannot leave it inconsistent.
        let mut b = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_second).min(capacity);
        b.last = now.max(b.last);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_second))
        }
    }
}

/// Whole seconds for a `Retry-After` header, never 0.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_to_capacity_then_refills_at_the_rate() {
        let limiter = RateLimiter::per_minute(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check_at(t0), Ok(()));
        }
        let wait = limiter.check_at(t0).unwrap_err();
        assert!((19.9..=20.1).contains(&wait.as_secs_f64()), "{wait:?}");
        // A refusal takes nothing: after 20 s exactly one more fits.
        let t1 = t0 + Duration::from_secs(20);
        assert_eq!(limiter.check_at(t1), Ok(()));
        assert!(limiter.check_at(t1).is_err());
        // Idle time never stores more than one minute's allowance.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.check_at(t2), Ok(()));
        }
        assert!(limiter.check_at(t2).is_err());
    }

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
