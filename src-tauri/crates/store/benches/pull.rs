//! A full pull of 10,000, 50,000 and 100,000 contacts from the sandbox under
//! GHL's rate limit (scaled up so a run takes seconds): throughput against
//! the allowed rate, and the pulling process's peak RSS.
//!
//! `cargo bench -p store --bench pull` (figures in BENCHMARKS.md). Options
//! through the environment: `PULL_SIZES` (10000,50000,100000), `PULL_MAX`
//! (100 requests) per `PULL_INTERVAL_MS` (2000; GHL's window is 10000 —
//! scaled down five times, the ratio is what matters).
//!
//! The sandbox (which holds every contact in memory) runs in this process;
//! each pull runs in a child process of its own (this binary again, with
//! `PULL_BENCH_CHILD` set), so the peak RSS it reports (`VmHWM`) is the
//! pull's alone, from a fresh process per size.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ghl::{AccessToken, Client, ClientConfig, RateLimit, RetryPolicy};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use store::{full_pull, Store};
use tokio_util::sync::CancellationToken;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn limit() -> RateLimit {
    RateLimit {
        max_per_interval: env_or("PULL_MAX", 100u32),
        interval: Duration::from_millis(env_or("PULL_INTERVAL_MS", 2000u64)),
        daily: 100_000_000,
    }
}

/// `VmHWM` / `VmRSS` of this process in MB.
fn memory(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and
    // stime are the 12th and 13th, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    if std::env::var("PULL_BENCH_CHILD").is_ok() {
        runtime.block_on(child());
    } else {
        runtime.block_on(parent());
    }
}

/// One pull into a fresh cache; prints one result line.
async fn child() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
    let limit = limit();
    // Scale the retry backoff with the window, as the ghl bench does.
    let scale = limit.interval.as_secs_f64() / 10.0;
    let default_retry = RetryPolicy::default();
    let retry = RetryPolicy {
        base_delay: default_retry.base_delay.mul_f64(scale),
        max_delay: default_retry.max_delay.mul_f64(scale),
        ..default_retry
    };
    let client = Client::new(
        ClientConfig::new(
            url::Url::parse(&var("PULL_URL")).expect("url"),
            var("PULL_LOCATION"),
        )
        .with_rate_limit(limit)
        .with_retry_policy(retry),
        AccessToken::new(var("PULL_TOKEN")),
    )
    .expect("client");
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _) = Store::open(dir.path().join("pull.sqlite3")).expect("open");
    let store = Arc::new(store);
    let rss_before = memory("VmRSS:");
    let waiting = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let w = Arc::clone(&waiting);
    let started = Instant::now();
    let summary = full_pull(
        &client,
        &store,
        move |p| {
            if p.waiting_for_rate_limit {
                w.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        },
        CancellationToken::new(),
    )
    .await
    .expect("pull");
    let elapsed = started.elapsed();
    let stats = client.stats();
    println!(
        "result {} {} {} {:.3} {:.1} {:.1} {} {:.1}",
        summary.done,
        stats.requests,
        stats.retries,
        elapsed.as_secs_f64(),
        rss_before,
        memory("VmHWM:"),
        waiting.load(std::sync::atomic::Ordering::Relaxed),
        cpu_seconds(),
    );
}

async fn parent() {
    let limit = limit();
    let sizes: Vec<usize> = std::env::var("PULL_SIZES")
        .unwrap_or_else(|_| "10000,50000,100000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let allowed = f64::from(limit.max_per_interval) / limit.interval.as_secs_f64();
    println!(
        "rate limit: {} requests per {} ms ({allowed:.1} req/s, {:.0} contacts/s at {} per page)",
        limit.max_per_interval,
        limit.interval.as_millis(),
        allowed * f64::from(store::PULL_PAGE_SIZE),
        store::PULL_PAGE_SIZE
    );
    println!("| contacts | requests | seconds | req/s | ratio to allowed | ideal-schedule efficiency | contacts/s | RSS at start MB | peak RSS MB | progress reports while rate-limited | pull CPU s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let sandbox = Sandbox::start(SandboxConfig {
            contacts: n,
            rate_limit: RateLimitConfig {
                max_per_interval: limit.max_per_interval,
                interval: limit.interval,
                daily: limit.daily,
            },
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let exe = std::env::current_exe().expect("own path");
        let url = sandbox.base_url();
        let location = sandbox.location_id().to_owned();
        let token = sandbox.access_token().to_owned();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(exe)
                .env("PULL_BENCH_CHILD", "1")
                .env("PULL_URL", url)
                .env("PULL_LOCATION", location)
                .env("PULL_TOKEN", token)
                .output()
                .expect("child runs")
        })
        .await
        .expect("child joined");
        assert!(
            out.status.success(),
            "pull failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("result "))
            .expect("result line");
        let f: Vec<&str> = line.split(' ').collect();
        let done: u64 = f[0].parse().expect("done");
        let requests: u64 = f[1].parse().expect("requests");
        let seconds: f64 = f[3].parse().expect("seconds");
        assert_eq!(done, n as u64, "every contact pulled");
        let per_second = requests as f64 / seconds;
        // The best any client can do: the first window's burst is free,
        // every later request waits for the window to move on.
        let windows_after_burst =
            (requests.saturating_sub(1) / u64::from(limit.max_per_interval)) as f64;
        let ideal = limit.interval.as_secs_f64() * windows_after_burst;
        println!(
            "| {n} | {requests} | {seconds:.1} | {per_second:.1} | {:.3} | {:.3} | {:.0} | {} | {} | {} | {} |",
            per_second / allowed,
            (ideal / seconds).min(1.0),
            done as f64 / seconds,
            f[4],
            f[5],
            f[6],
            f[7],
        );
        sandbox.shutdown().await;
    }
}
