//! Walks every contact of a sandbox through `POST /contacts/search` pages while
//! the sandbox enforces GHL's burst limit, and reports how close the client comes
//! to the allowed rate without meeting a 429.
//!
//! `cargo bench -p ghl --bench rate_limited_walk` (figures in BENCHMARKS.md).
//! Options through the environment: `WALK_CONTACTS` (10000), `WALK_PAGE` (20),
//! `WALK_MAX` (100 requests) per `WALK_INTERVAL_MS` (1000; GHL's real window is
//! 10000 — scaled down by default so a run takes seconds, the ratio is the same).

use std::time::{Duration, Instant};

use ghl::{AccessToken, Client, ClientConfig, RateLimit, RetryPolicy, SearchRequest};
use sandbox::{Faults, RateLimitConfig, Sandbox, SandboxConfig};

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

struct Run {
    contacts: usize,
    requests: u64,
    retries: u64,
    rate_limited: u64,
    elapsed: Duration,
}

async fn walk(contacts: usize, page: u32, limit: RateLimit, error_rate: f64) -> Run {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts,
        rate_limit: RateLimitConfig {
            max_per_interval: limit.max_per_interval,
            interval: limit.interval,
            daily: limit.daily,
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    sandbox.set_faults(Faults {
        error_rate,
        seed: 7,
        ..Faults::none()
    });
    let base_url = url::Url::parse(&sandbox.base_url()).expect("url");
    // A shortened window shortens every wait of the schedule alike, the retry
    // backoff included; otherwise a scaled run would overstate the backoff's
    // share tenfold (GHL's real window is 10 s).
    let scale = limit.interval.as_secs_f64() / 10.0;
    let default_retry = RetryPolicy::default();
    let retry = RetryPolicy {
        base_delay: default_retry.base_delay.mul_f64(scale),
        max_delay: default_retry.max_delay.mul_f64(scale),
        ..default_retry
    };
    let client = Client::new(
        ClientConfig::new(base_url, sandbox.location_id())
            .with_rate_limit(limit)
            .with_retry_policy(retry),
        AccessToken::new(sandbox.access_token().to_owned()),
    )
    .expect("client");

    let started = Instant::now();
    let all = client
        .search_all(SearchRequest {
            page_limit: page,
            ..SearchRequest::default()
        })
        .await
        .expect("walk every page");
    let elapsed = started.elapsed();
    assert_eq!(all.len(), contacts, "every contact exactly once");
    let stats = client.stats();
    let server = sandbox.stats();
    sandbox.shutdown().await;
    Run {
        contacts: all.len(),
        requests: server.requests,
        retries: stats.retries,
        rate_limited: server.rate_limited,
        elapsed,
    }
}

fn report(label: &str, run: &Run, limit: RateLimit) {
    let allowed_per_second = f64::from(limit.max_per_interval) / limit.interval.as_secs_f64();
    let achieved_per_second = run.requests as f64 / run.elapsed.as_secs_f64();
    // The best any client can do: the first window's burst is free, every later
    // request waits for the window to move on.
    let windows_after_burst =
        (run.requests.saturating_sub(1) / u64::from(limit.max_per_interval)) as f64;
    let ideal = limit.interval.as_secs_f64() * windows_after_burst;
    let efficiency = if run.elapsed.as_secs_f64() > 0.0 {
        (ideal / run.elapsed.as_secs_f64()).min(1.0)
    } else {
        1.0
    };
    println!(
        "{label}: {} contacts, {} requests ({} retries) in {:.2} s; {:.1} req/s of {:.1} allowed \
         (ratio {:.3}); efficiency against the ideal schedule {:.3}; 429s: {}",
        run.contacts,
        run.requests,
        run.retries,
        run.elapsed.as_secs_f64(),
        achieved_per_second,
        allowed_per_second,
        achieved_per_second / allowed_per_second,
        efficiency,
        run.rate_limited,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing else we use.
    let contacts = env_or("WALK_CONTACTS", 10_000usize);
    let page = env_or("WALK_PAGE", 20u32);
    let limit = RateLimit {
        max_per_interval: env_or("WALK_MAX", 100u32),
        interval: Duration::from_millis(env_or("WALK_INTERVAL_MS", 1_000u64)),
        daily: 200_000,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let clean = walk(contacts, page, limit, 0.0).await;
        report("no faults", &clean, limit);
        let faulty = walk(contacts, page, limit, 0.05).await;
        report("5% injected 5xx", &faulty, limit);
    });
}
