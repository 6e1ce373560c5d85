//! GHL's rate limits: a burst window of `max_per_interval` requests per
//! `interval` and a daily allowance, per Marketplace app and location
//! (API-NOTES §6). The sandbox has one app, so buckets are per location.
//!
//! The burst window slides over arrival times: a request is admitted when fewer
//! than `max_per_interval` were admitted in the last `interval`. A client that
//! stays under a sliding window also stays under a fixed one, so this is the
//! stricter reading. The daily allowance resets at midnight UTC.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimitConfig {
    /// Requests admitted per sliding `interval` (GHL: 100).
    pub max_per_interval: u32,
    /// GHL: 10 seconds.
    pub interval: Duration,
    /// Requests admitted per UTC day (GHL: 200,000).
    pub daily: u64,
}

impl Default for RateLimitConfig {
    /// The live API's limits.
    fn default() -> Self {
        RateLimitConfig {
            max_per_interval: 100,
            interval: Duration::from_secs(10),
            daily: 200_000,
        }
    }
}

impl RateLimitConfig {
    /// Never refuses a request. The `X-RateLimit-*` headers are still sent and
    /// still count (from `u32::MAX` / `u64::MAX` down), so a client that reads
    /// them keeps working, it just never has a reason to wait.
    pub fn unlimited() -> Self {
        RateLimitConfig {
            max_per_interval: u32::MAX,
            interval: Duration::from_secs(10),
            daily: u64::MAX,
        }
    }
}

/// What the `X-RateLimit-*` headers report after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub limit_daily: u64,
    pub daily_remaining: u64,
    pub interval_ms: u128,
    pub max: u32,
    pub remaining: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Admitted(Snapshot),
    /// Not counted; retry after this long.
    Refused(Snapshot, Duration),
}

#[derive(Debug, Default)]
struct Bucket {
    /// Admission times within the last `interval`, oldest first.
    window: VecDeque<Instant>,
    day: Option<Date>,
    used_today: u64,
}

#[derive(Debug)]
struct State {
    config: RateLimitConfig,
    buckets: HashMap<String, Bucket>,
}

#[derive(Debug)]
pub(crate) struct RateLimiter {
    state: Mutex<State>,
}

/// Time until the next UTC midnight.
fn until_midnight(now: OffsetDateTime) -> Duration {
    let next = now
        .date()
        .next_day()
        .map(|d| d.midnight().assume_utc())
        .unwrap_or(now);
    Duration::try_from(next - now).unwrap_or(Duration::from_secs(1))
}

impl Bucket {
    fn roll(&mut self, config: &RateLimitConfig, now: Instant, today: Date) {
        while self
            .window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= config.interval)
        {
            self.window.pop_front();
        }
        if self.day != Some(today) {
            self.day = Some(today);
            self.used_today = 0;
        }
    }

    fn snapshot(&self, config: &RateLimitConfig) -> Snapshot {
        let in_window = u32::try_from(self.window.len()).unwrap_or(u32::MAX);
        Snapshot {
            limit_daily: config.daily,
            daily_remaining: config.daily.saturating_sub(self.used_today),
            interval_ms: config.interval.as_millis(),
            max: config.max_per_interval,
            remaining: config.max_per_interval.saturating_sub(in_window),
        }
    }
}

impl RateLimiter {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            state: Mutex::new(State {
                config,
                buckets: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent counters behind.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn config(&self) -> RateLimitConfig {
        self.lock().config
    }

    /// New limits apply from the next request; the counts so far are kept.
    pub(crate) fn set_config(&self, config: RateLimitConfig) {
        self.lock().config = config;
    }

    /// Forgets every count (a fresh window and a fresh day).
    pub(crate) fn reset(&self) {
        self.lock().buckets.clear();
    }

    /// Counts one request against `key`'s bucket, or refuses it uncounted.
    pub(crate) fn admit(&self, key: &str) -> Admission {
        let (now, wall) = (Instant::now(), OffsetDateTime::now_utc());
        let mut state = self.lock();
        let config = state.config;
        let bucket = state.buckets.entry(key.to_owned()).or_default();
        bucket.roll(&config, now, wall.date());
        if bucket.used_today >= config.daily {
            return Admission::Refused(bucket.snapshot(&config), until_midnight(wall));
        }
        if bucket.window.len() >= config.max_per_interval as usize {
            let oldest = bucket.window.front().copied().unwrap_or(now);
            let wait = (oldest + config.interval).saturating_duration_since(now);
            return Admission::Refused(bucket.snapshot(&config), wait);
        }
        bucket.window.push_back(now);
        bucket.used_today += 1;
        Admission::Admitted(bucket.snapshot(&config))
    }

    /// The headers' values without counting anything.
    pub(crate) fn peek(&self, key: &str) -> Snapshot {
        let (now, wall) = (Instant::now(), OffsetDateTime::now_utc());
        let mut state = self.lock();
        let config = state.config;
        let bucket = state.buckets.entry(key.to_owned()).or_default();
        bucket.roll(&config, now, wall.date());
        bucket.snapshot(&config)
    }
}

/// `Retry-After` in whole seconds, rounded up (at least 1).
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_window_slides() {
        let limiter = RateLimiter::new(RateLimitConfig {
            max_per_interval: 3,
            interval: Duration::from_millis(100),
            daily: 1000,
        });
        for left in [2, 1, 0] {
            match limiter.admit("loc") {
                Admission::Admitted(s) => assert_eq!(s.remaining, left),
                other => panic!("{other:?}"),
            }
        }
        let Admission::Refused(s, wait) = limiter.admit("loc") else {
            panic!("fourth request admitted");
        };
        assert_eq!((s.remaining, s.daily_remaining), (0, 997));
        assert!(wait <= Duration::from_millis(100) && wait > Duration::ZERO);
        // Other locations have their own bucket.
        assert!(matches!(limiter.admit("other"), Admission::Admitted(_)));
        std::thread::sleep(Duration::from_millis(110));
        assert!(matches!(limiter.admit("loc"), Admission::Admitted(_)));
    }

    #[test]
    fn daily_allowance_runs_out() {
        let limiter = RateLimiter::new(RateLimitConfig {
            max_per_interval: 100,
            interval: Duration::from_secs(10),
            daily: 2,
        });
        assert!(matches!(limiter.admit("loc"), Admission::Admitted(_)));
        assert!(matches!(limiter.admit("loc"), Admission::Admitted(s) if s.daily_remaining == 0));
        let Admission::Refused(_, wait) = limiter.admit("loc") else {
            panic!("admitted past the daily allowance");
        };
        assert!(wait <= Duration::from_secs(86_400));
        assert_eq!(limiter.peek("loc").daily_remaining, 0);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1000)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
    }
}
