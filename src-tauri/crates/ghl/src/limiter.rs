//! Client-side rate limiting, one limiter per (API base URL, location), shared
//! by every [`crate::Client`] for that location in the process.
//!
//! GHL allows 100 requests per 10 s and 200,000 per day per location
//! (API-NOTES §6). The limiter keeps a sliding window of request *completion*
//! times: a request may start only while fewer than `max` requests are in
//! flight or finished less than one `interval` ago. Because the server sees a
//! request somewhere between its start and its completion, this guarantees that
//! no window of `interval` at the server holds more than `max` of our requests,
//! whatever the latency, and still lets a full burst of `max` go at once.
//!
//! The response headers steer it (`X-RateLimit-Max`, `-Interval-Milliseconds`,
//! `-Remaining`, `-Limit-Daily`, `-Daily-Remaining`): the server's window size
//! replaces the configured one, a `Remaining` lower than our own count (another
//! app using the same location) fills the window so we wait, a 429 pauses every
//! caller until `Retry-After`, and an exhausted daily allowance makes requests
//! fail fast with [`Error::RateLimited`] instead of waiting for hours.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::error::Error;

/// Request budget per location. The default is GHL's documented limit;
/// tests and benchmarks against the sandbox may scale it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per `interval` (burst window).
    pub max_per_interval: u32,
    pub interval: Duration,
    /// Requests allowed per UTC day.
    pub daily: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            max_per_interval: 100,
            interval: Duration::from_secs(10),
            daily: 200_000,
        }
    }
}

impl RateLimit {
    pub(crate) fn validate(&self) -> Result<(), &'static str> {
        if self.max_per_interval == 0 || self.daily == 0 {
            return Err("the rate limit must allow at least one request");
        }
        if self.interval < Duration::from_millis(1) {
            return Err("the rate-limit interval must be at least 1 ms");
        }
        Ok(())
    }
}

/// Header names (lower case, as `HeaderMap` stores them).
const H_MAX: &str = "x-ratelimit-max";
const H_REMAINING: &str = "x-ratelimit-remaining";
const H_INTERVAL: &str = "x-ratelimit-interval-milliseconds";
const H_DAILY_LIMIT: &str = "x-ratelimit-limit-daily";
const H_DAILY_REMAINING: &str = "x-ratelimit-daily-remaining";

/// Ignore header values that would stall the client or make no sense.
const MAX_STEERED_INTERVAL: Duration = Duration::from_secs(24 * 3600);

pub(crate) struct RateLimiter {
    state: Mutex<State>,
    /// Woken whenever a permit is released or the window changes.
    changed: Notify,
    /// Callers of `acquire` currently held back (window full or paused).
    waiting: AtomicUsize,
}

/// Counts one caller in `RateLimiter::waiting` while it lives, so a caller
/// cancelled mid-wait is uncounted too.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(n: &'a AtomicUsize) -> Self {
        n.fetch_add(1, AtomicOrdering::Relaxed);
        Waiting(n)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, AtomicOrdering::Relaxed);
    }
}

struct State {
    max: u32,
    interval: Duration,
    daily_limit: u64,
    /// Completion times (oldest first) of requests finished within `interval`,
    /// plus placeholders for requests the server counted that were not ours.
    recent: VecDeque<Instant>,
    in_flight: u32,
    /// No request starts before this (set by a 429).
    paused_until: Option<Instant>,
    /// Daily allowance exhausted until this instant.
    daily_blocked_until: Option<Instant>,
    /// Requests started today (UTC), counted locally.
    day: time::Date,
    day_count: u64,
}

/// Held while a request is in flight; releasing it records the completion.
pub(crate) struct Permit {
    limiter: Arc<RateLimiter>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        {
            let mut s = self.limiter.lock();
            s.in_flight = s.in_flight.saturating_sub(1);
            s.recent.push_back(Instant::now());
        }
        self.limiter.changed.notify_waiters();
    }
}

/// Why `acquire` refused or what it cost.
pub(crate) struct Acquired {
    pub(crate) permit: Permit,
    /// Time spent waiting for the window (zero when the request went at once).
    pub(crate) waited: Duration,
}

enum Decision {
    Go,
    Wait(Option<Duration>),
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Arc<RateLimiter> {
        Arc::new(RateLimiter {
            state: Mutex::new(State {
                max: limit.max_per_interval.max(1),
                interval: limit.interval.max(Duration::from_millis(1)),
                daily_limit: limit.daily.max(1),
                recent: VecDeque::new(),
                in_flight: 0,
                paused_until: None,
                daily_blocked_until: None,
                day: OffsetDateTime::now_utc().date(),
                day_count: 0,
            }),
            changed: Notify::new(),
            waiting: AtomicUsize::new(0),
        })
    }

    /// Some request for this location is being held back right now by the
    /// window or a 429 pause (not by the network).
    pub(crate) fn is_waiting(&self) -> bool {
        self.waiting.load(AtomicOrdering::Relaxed) > 0
    }

    /// Requests in the current window (in flight or finished less than an
    /// interval ago) and the window's size.
    pub(crate) fn usage(&self) -> (u64, u32) {
        let mut s = self.lock();
        s.prune(Instant::now());
        (s.used(), s.max)
    }

    /// The limiter for `key` (base URL + location), created on first use and
    /// shared while any client holds it. A later `limit` for a live key is
    /// ignored: the first client's configuration (and what the server said
    /// since) wins.
    pub(crate) fn shared(key: &str, limit: RateLimit) -> Arc<RateLimiter> {
        static REGISTRY: OnceLock<Mutex<HashMap<String, Weak<RateLimiter>>>> = OnceLock::new();
        let mut map = REGISTRY
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = map.get(key).and_then(Weak::upgrade) {
            return existing;
        }
        map.retain(|_, weak| weak.strong_count() > 0);
        let limiter = RateLimiter::new(limit);
        map.insert(key.to_owned(), Arc::downgrade(&limiter));
        limiter
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a request may start. Fails fast with `RateLimited` when the
    /// daily allowance is spent or a server-imposed pause exceeds `max_wait`.
    pub(crate) async fn acquire(self: &Arc<Self>, max_wait: Duration) -> Result<Acquired, Error> {
        let started = Instant::now();
        let mut held: Option<Waiting<'_>> = None;
        loop {
            // Register for wake-ups before looking, so a release between the
            // check and the wait is not missed.
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            let decision = {
                let mut s = self.lock();
                let now = Instant::now();
                s.decide(now, max_wait)?
            };
            match decision {
                Decision::Go => {
                    return Ok(Acquired {
                        permit: Permit {
                            limiter: Arc::clone(self),
                        },
                        waited: started.elapsed(),
                    })
                }
                Decision::Wait(Some(d)) => {
                    held.get_or_insert_with(|| Waiting::new(&self.waiting));
                    tokio::select! {
                        () = tokio::time::sleep(d) => {}
                        () = &mut notified => {}
                    }
                }
                Decision::Wait(None) => {
                    held.get_or_insert_with(|| Waiting::new(&self.waiting));
                    notified.await;
                }
            }
        }
    }

    /// Reads the rate-limit headers of a response (call before releasing the
    /// permit of that request, so it still counts as in flight).
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let now = Instant::now();
        {
            let mut s = self.lock();
            s.observe(headers, now);
        }
        self.changed.notify_waiters();
    }

    /// A 429 arrived: pause everyone for `Retry-After` (else the window
    /// length). Returns the pause, or the error to give up with when the
    /// daily allowance is spent.
    pub(crate) fn on_too_many_requests(&self, headers: &HeaderMap) -> Result<Duration, Error> {
        let now = Instant::now();
        let result = {
            let mut s = self.lock();
            s.observe(headers, now);
            if let Some(until) = s.daily_blocked_until.filter(|u| *u > now) {
                Err(Error::RateLimited {
                    retry_after: Some(until - now),
                })
            } else {
                let wait = retry_after_header(headers)
                    .or_else(|| header_u64(headers, H_INTERVAL).map(Duration::from_millis))
                    .unwrap_or(s.interval)
                    .min(MAX_STEERED_INTERVAL);
                let until = now + wait;
                s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
                Ok(wait)
            }
        };
        self.changed.notify_waiters();
        result
    }
}

impl State {
    fn prune(&mut self, now: Instant) {
        let keep = self.interval + margin(self.interval);
        while let Some(front) = self.recent.front() {
            if *front + keep <= now {
                self.recent.pop_front();
            } else {
                break;
            }
        }
    }

    fn used(&self) -> u64 {
        u64::from(self.in_flight) + self.recent.len() as u64
    }

    fn decide(&mut self, now: Instant, max_wait: Duration) -> Result<Decision, Error> {
        self.prune(now);
        if let Some(until) = self.daily_blocked_until {
            if until > now {
                return Err(Error::RateLimited {
                    retry_after: Some(until - now),
                });
            }
            self.daily_blocked_until = None;
        }
        let today = OffsetDateTime::now_utc().date();
        if today != self.day {
            self.day = today;
            self.day_count = 0;
        }
        if self.day_count >= self.daily_limit {
            return Err(Error::RateLimited {
                retry_after: Some(until_next_utc_midnight()),
            });
        }
        if let Some(until) = self.paused_until {
            if until > now {
                let wait = until - now;
                if wait > max_wait {
                    return Err(Error::RateLimited {
                        retry_after: Some(wait),
                    });
                }
                return Ok(Decision::Wait(Some(wait)));
            }
            self.paused_until = None;
        }
        if self.used() < u64::from(self.max) {
            self.in_flight += 1;
            self.day_count += 1;
            return Ok(Decision::Go);
        }
        // Full: the oldest completion leaves the window first; if everything
        // is still in flight, wait for a release.
        let keep = self.interval + margin(self.interval);
        Ok(Decision::Wait(
            self.recent.front().map(|front| (*front + keep) - now),
        ))
    }

    fn observe(&mut self, headers: &HeaderMap, now: Instant) {
        if let Some(max) = header_u64(headers, H_MAX).filter(|m| *m > 0) {
            self.max = u32::try_from(max).unwrap_or(u32::MAX);
        }
        if let Some(ms) = header_u64(headers, H_INTERVAL).filter(|ms| *ms > 0) {
            self.interval = Duration::from_millis(ms).min(MAX_STEERED_INTERVAL);
        }
        if let Some(daily) = header_u64(headers, H_DAILY_LIMIT).filter(|d| *d > 0) {
            self.daily_limit = daily;
        }
        if let Some(remaining) = header_u64(headers, H_REMAINING) {
            // The server counts `max - remaining` requests in its window. If
            // that is more than we know of, someone else shares the budget:
            // hold placeholders for theirs so we wait instead of meeting 429s.
            self.prune(now);
            let server_used = u64::from(self.max).saturating_sub(remaining);
            let missing = server_used.saturating_sub(self.used());
            for _ in 0..missing.min(u64::from(self.max)) {
                self.recent.push_back(now);
            }
        }
        if header_u64(headers, H_DAILY_REMAINING) == Some(0) {
            let wait = retry_after_header(headers)
                .filter(|d| !d.is_zero())
                .unwrap_or_else(until_next_utc_midnight);
            self.daily_blocked_until = Some(now + wait);
        }
    }
}

/// Slack added to the window so rounding (millisecond clocks, timer
/// granularity) never makes us one request early.
fn margin(interval: Duration) -> Duration {
    Duration::from_millis(1) + interval / 1000
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    let v = headers.get(name)?.to_str().ok()?.trim();
    v.parse::<u64>().ok().or_else(|| {
        v.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f >= 0.0)
            .map(|f| f as u64)
    })
}

/// `Retry-After` as delta seconds (fractions allowed) or an HTTP date.
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX_STEERED_INTERVAL.as_secs_f64())));
    }
    let at = crate::error::parse_http_date(v)?;
    let wait = at - OffsetDateTime::now_utc();
    Some(wait.try_into().unwrap_or(Duration::ZERO))
}

/// GHL does not document when the daily allowance resets; midnight UTC is
/// the assumption (the server's `Retry-After` wins when it sends one).
fn until_next_utc_midnight() -> Duration {
    let now = OffsetDateTime::now_utc();
    let midnight = now
        .date()
        .next_day()
        .map(|d| d.midnight().assume_utc())
        .unwrap_or(now);
    (midnight - now)
        .try_into()
        .unwrap_or(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn limit(max: u32, interval_ms: u64) -> RateLimit {
        RateLimit {
            max_per_interval: max,
            interval: Duration::from_millis(interval_ms),
            daily: 1_000_000,
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header value"));
        }
        h
    }

    /// `is_waiting` is true exactly while a caller is held back, and a caller
    /// dropped mid-wait stops counting.
    #[tokio::test(start_paused = true)]
    async fn reports_callers_held_back() {
        let limiter = RateLimiter::new(limit(1, 1000));
        assert!(!limiter.is_waiting());
        let Ok(first) = limiter.acquire(Duration::from_secs(60)).await else {
            panic!("a free window lets the first request go");
        };
        assert!(first.waited.is_zero());
        assert!(!limiter.is_waiting(), "went at once");
        let l = Arc::clone(&limiter);
        let second = tokio::spawn(async move { l.acquire(Duration::from_secs(60)).await.is_ok() });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(limiter.is_waiting(), "window full");
        drop(first);
        assert!(second.await.expect("task"));
        assert!(!limiter.is_waiting());
        let l = Arc::clone(&limiter);
        let third = tokio::spawn(async move { l.acquire(Duration::from_secs(60)).await.is_ok() });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(limiter.is_waiting());
        third.abort();
        let _ = third.await;
        assert!(!limiter.is_waiting(), "a cancelled wait is uncounted");
    }

    /// Many tasks, random hold times: no `interval` window ever holds more
    /// than `max` starts, and the limiter is not much slower than the limit.
    #[tokio::test(start_paused = true)]
    async fn never_exceeds_max_per_window_under_concurrency() {
        const MAX: usize = 10;
        const INTERVAL: Duration = Duration::from_millis(1000);
        const TASKS: usize = 25;
        const EACH: usize = 8;
        let limiter = RateLimiter::new(limit(MAX as u32, 1000));
        let t0 = Instant::now();
        let starts = Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for task in 0..TASKS {
            let limiter = Arc::clone(&limiter);
            let starts = Arc::clone(&starts);
            handles.push(tokio::spawn(async move {
                for i in 0..EACH {
                    let acquired = limiter.acquire(Duration::from_secs(60)).await.expect("go");
                    starts.lock().expect("lock").push(Instant::now());
                    // Pseudo-random "latency" between 0 and 60 ms.
                    let hold = ((task * 31 + i * 17) % 61) as u64;
                    tokio::time::sleep(Duration::from_millis(hold)).await;
                    drop(acquired.permit);
                }
            }));
        }
        for h in handles {
            h.await.expect("task");
        }
        let mut starts = starts.lock().expect("lock").clone();
        starts.sort();
        assert_eq!(starts.len(), TASKS * EACH);
        for pair in starts.windows(MAX + 1) {
            assert!(
                pair[MAX] - pair[0] >= INTERVAL,
                "{} starts within {:?}",
                MAX + 1,
                pair[MAX] - pair[0]
            );
        }
        // The first burst goes at once; after that one window (+ hold, at most
        // 60 ms) per `MAX` requests.
        assert_eq!(starts[MAX - 1], t0, "a full burst is allowed at once");
        let windows = (TASKS * EACH / MAX - 1) as u32;
        let elapsed = starts[starts.len() - 1] - t0;
        let ideal = INTERVAL * windows;
        assert!(elapsed >= ideal, "{elapsed:?}");
        assert!(
            elapsed <= (INTERVAL + Duration::from_millis(62)) * windows,
            "too conservative: {elapsed:?} for ideal {ideal:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn remaining_zero_from_the_server_makes_us_wait() {
        let limiter = RateLimiter::new(limit(10, 2000));
        let t0 = Instant::now();
        let a = limiter.acquire(Duration::MAX).await.expect("first");
        // Another app used the rest of the window.
        limiter.observe(&headers(&[
            (H_MAX, "10"),
            (H_REMAINING, "0"),
            (H_INTERVAL, "2000"),
        ]));
        drop(a.permit);
        let b = limiter.acquire(Duration::MAX).await.expect("second");
        assert!(b.waited >= Duration::from_millis(2000), "{:?}", b.waited);
        assert!(Instant::now() - t0 < Duration::from_millis(2100));
    }

    #[tokio::test(start_paused = true)]
    async fn headers_steer_window_size() {
        let limiter = RateLimiter::new(limit(100, 10_000));
        let a = limiter.acquire(Duration::MAX).await.expect("first");
        limiter.observe(&headers(&[
            (H_MAX, "2"),
            (H_REMAINING, "1"),
            (H_INTERVAL, "500"),
        ]));
        drop(a.permit);
        let b = limiter.acquire(Duration::MAX).await.expect("second");
        assert_eq!(b.waited, Duration::ZERO);
        drop(b.permit);
        let c = limiter.acquire(Duration::MAX).await.expect("third");
        assert!(
            c.waited >= Duration::from_millis(500) && c.waited < Duration::from_millis(600),
            "{:?}",
            c.waited
        );
    }

    #[tokio::test(start_paused = true)]
    async fn daily_exhaustion_fails_fast() {
        let limiter = RateLimiter::new(limit(10, 1000));
        let a = limiter.acquire(Duration::MAX).await.expect("first");
        limiter.observe(&headers(&[
            (H_DAILY_LIMIT, "200000"),
            (H_DAILY_REMAINING, "0"),
        ]));
        drop(a.permit);
        match limiter.acquire(Duration::MAX).await {
            Err(Error::RateLimited {
                retry_after: Some(d),
            }) => assert!(d > Duration::ZERO),
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("must fail fast"),
        }

        // The local daily budget also stops us.
        let limiter = RateLimiter::new(RateLimit {
            max_per_interval: 10,
            interval: Duration::from_secs(1),
            daily: 2,
        });
        for _ in 0..2 {
            drop(limiter.acquire(Duration::MAX).await.expect("within budget"));
        }
        assert!(matches!(
            limiter.acquire(Duration::MAX).await.map(|_| ()),
            Err(Error::RateLimited { .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn too_many_requests_pauses_everyone() {
        let limiter = RateLimiter::new(limit(100, 10_000));
        let wait = limiter
            .on_too_many_requests(&headers(&[("retry-after", "3")]))
            .expect("pause");
        assert_eq!(wait, Duration::from_secs(3));
        let a = limiter.acquire(Duration::from_secs(60)).await.expect("go");
        assert!(a.waited >= Duration::from_secs(3), "{:?}", a.waited);
        drop(a.permit);
        // Without Retry-After the window length is the pause.
        let wait = limiter
            .on_too_many_requests(&headers(&[(H_INTERVAL, "1500")]))
            .expect("pause");
        assert_eq!(wait, Duration::from_millis(1500));
        // A pause longer than the caller accepts fails fast.
        limiter
            .on_too_many_requests(&headers(&[("retry-after", "600")]))
            .expect("pause");
        assert!(matches!(
            limiter.acquire(Duration::from_secs(60)).await.map(|_| ()),
            Err(Error::RateLimited { retry_after: Some(d) }) if d > Duration::from_secs(500)
        ));
        // Daily exhaustion in a 429 is reported, not waited for.
        assert!(limiter
            .on_too_many_requests(&headers(&[(H_DAILY_REMAINING, "0"), ("retry-after", "7")]))
            .is_err());
    }

    #[test]
    fn registry_shares_per_key() {
        let a = RateLimiter::shared("http://x/|loc-registry-test", RateLimit::default());
        let b = RateLimiter::shared("http://x/|loc-registry-test", limit(1, 1));
        let c = RateLimiter::shared("http://x/|other-loc", RateLimit::default());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(a.lock().max, 100, "the first configuration wins");
    }

    #[test]
    fn header_parsing() {
        let h = headers(&[
            (H_MAX, " 100 "),
            (H_INTERVAL, "10000.0"),
            ("retry-after", "0.25"),
        ]);
        assert_eq!(header_u64(&h, H_MAX), Some(100));
        assert_eq!(header_u64(&h, H_INTERVAL), Some(10_000));
        assert_eq!(header_u64(&h, H_REMAINING), None);
        assert_eq!(retry_after_header(&h), Some(Duration::from_millis(250)));
        assert!(until_next_utc_midnight() <= Duration::from_secs(86_400));
    }
}
