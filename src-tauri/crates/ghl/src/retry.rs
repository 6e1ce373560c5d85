//! When and how long to wait before repeating a failed request.
//!
//! Rules (applied in [`crate::Client`]'s one send path):
//! * GET, PUT, DELETE and the search POST are repeated after a 5xx, a 408, a
//!   timeout or a dropped/refused connection, with exponential backoff and
//!   full jitter, up to `max_attempts` tries in all.
//! * Creates (POST contact, task, note, tags, upsert) are repeated only when
//!   the request provably never reached the server (the connection could not
//!   be opened) or the server refused it with a 429. Anything else that leaves
//!   the outcome open is handed back to the operation, which resolves it
//!   (see [`crate::Client::create_contact`]) or reports
//!   [`crate::Error::OutcomeUnknown`].
//! * A 429 is repeated (any method) after the server's `Retry-After`, else its
//!   window length, when that wait is at most `max_rate_limit_wait`.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, including the first (1 = never repeat).
    pub max_attempts: u32,
    /// Backoff before the first repeat is up to this; it doubles each time.
    pub base_delay: Duration,
    /// Cap of a single backoff.
    pub max_delay: Duration,
    /// Longest server-imposed wait (429 `Retry-After`) to sit out; a longer one
    /// fails at once with `RateLimited { retry_after }`.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never repeat a request (a 429 fails at once too).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Full jitter: uniformly random in `[0, min(max_delay, base_delay · 2^(retry-1))]`.
    /// `retry` counts from 1.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        if ceiling.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_rate_limit_wait: Duration::from_secs(1),
        };
        for retry in 1..=40 {
            let cap = Duration::from_millis(100 * (1u64 << (retry - 1).min(20))).min(p.max_delay);
            for _ in 0..50 {
                assert!(p.backoff(retry) <= cap);
            }
        }
        // Jitter spreads: 200 draws from [0, 1 s] are not all the same.
        let draws: std::collections::HashSet<Duration> = (0..200).map(|_| p.backoff(5)).collect();
        assert!(draws.len() > 100);
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..p
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts, 4);
    }

    #[test]
    fn backoff_is_bounded_jittered_and_grows() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_rate_limit_wait: Duration::from_secs(1),
        };
        for retry in 1..=40u32 {
            let cap = Duration::from_millis(100 * (1u64 << (retry - 1).min(20))).min(p.max_delay);
            for _ in 0..50 {
                assert!(p.backoff(retry) <= cap);
            }
        }
        let draws: std::collections::HashSet<Duration> = (0..200).map(|_| p.backoff(5)).collect();
        assert!(draws.len() > 100, "full jitter spreads the delays");
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..p
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }
}
