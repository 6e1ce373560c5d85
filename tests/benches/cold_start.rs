//! Cold start of the real app with 100,000 cached contacts: from the app
//! process' start to the first painted contact list, and the resident memory
//! once it is idle. Run: `scripts/with-keyring.sh cargo bench -p switchboard-e2e
//! --bench cold_start` (needs what the e2e tests need: the built app, Xvfb,
//! tauri-driver). `COLD_START_CONTACTS` changes the size, `COLD_START_RUNS`
//! the number of starts measured.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use switchboard_e2e::{app_binary, App, Profile};

fn env_number(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Milliseconds since the epoch, now.
fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
        * 1000.0
}

/// The app processes now running (the binary under test), newest last.
fn app_pids() -> Vec<u32> {
    let binary = app_binary().canonicalize().expect("app binary");
    let mut pids: Vec<u32> = std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|pid: &u32| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// When `pid` started, in epoch milliseconds (10 ms resolution: clock ticks).
fn process_start_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    // Fields after the command name (which may hold spaces) in parentheses.
    let after = &stat[stat.rfind(')').expect("comm") + 2..];
    let start_ticks: f64 = after
        .split_whitespace()
        .nth(19)
        .and_then(|t| t.parse().ok())
        .expect("starttime");
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .expect("uptime")
        .split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .expect("uptime seconds");
    let now = epoch_ms();
    // Linux reports process times in USER_HZ, 100 on every mainstream build.
    let ticks_per_second = 100.0;
    now - (uptime - start_ticks / ticks_per_second) * 1000.0
}

/// Resident memory of `pid` and of all its descendants (WebKit's web and
/// network processes), in MB.
fn rss_mb(pid: u32) -> (f64, f64) {
    fn rss_kb(pid: u32) -> f64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0)
    }
    fn children(pid: u32) -> Vec<u32> {
        let mut all = Vec::new();
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.flatten() {
                let path = task.path().join("children");
                for child in std::fs::read_to_string(path)
                    .unwrap_or_default()
                    .split_whitespace()
                {
                    if let Ok(child) = child.parse::<u32>() {
                        all.push(child);
                        all.extend(children(child));
                    }
                }
            }
        }
        all
    }
    let own = rss_kb(pid);
    let total = own + children(pid).into_iter().map(rss_kb).sum::<f64>();
    (own / 1024.0, total / 1024.0)
}

async fn wait_long(app: &App, what: &str, limit: Duration, check: impl AsyncFn() -> bool) {
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = app;
}

/// When the web view started loading the page and when the UI painted the
/// first list, in epoch ms.
async fn page_times_ms(app: &App) -> Option<(f64, f64)> {
    let times = app
        .client
        .execute(
            "const m = performance.getEntriesByName('switchboard:first-list-paint')[0];
             const origin = Date.now() - performance.now();
             return m ? [origin, origin + m.startTime] : null;",
            vec![],
        )
        .await
        .ok()?;
    let times = times.as_array()?;
    Some((times.first()?.as_f64()?, times.get(1)?.as_f64()?))
}

/// Every `switchboard:` performance mark of the page, in epoch ms, in order.
async fn marks_ms(app: &App) -> Vec<(String, f64)> {
    let marks = app
        .client
        .execute(
            "const origin = Date.now() - performance.now();
             return performance.getEntriesByType('mark')
               .filter((m) => m.name.startsWith('switchboard:'))
               .map((m) => [m.name, origin + m.startTime]);",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    marks
        .iter()
        .filter_map(|m| Some((m.get(0)?.as_str()?.to_owned(), m.get(1)?.as_f64()?)))
        .collect()
}

fn file_mb(path: &Path) -> f64 {
    std::fs::metadata(path)
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--ignored") {
        return;
    }
    let contacts = env_number("COLD_START_CONTACTS", 100_000);
    let runs = env_number("COLD_START_RUNS", 3);
    let sandbox = Sandbox::start(SandboxConfig {
        contacts,
        rate_limit: RateLimitConfig::unlimited(),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let profile = Profile::new("cold-start");

    // Sign in once and let the first download fill the cache.
    let started = Instant::now();
    let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    let expected = format!("{}", contacts);
    wait_long(
        &app,
        "the first download",
        Duration::from_secs(1800),
        async || {
            let count = app.text_content("[data-testid=contact-count]").await;
            count.replace(',', "").contains(&expected)
                && app
                    .texts("[data-testid=download-progress]")
                    .await
                    .is_empty()
        },
    )
    .await;
    eprintln!(
        "downloaded {contacts} contacts in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    app.close().await;
    let cache_file = std::fs::read_dir(profile.path().join("data/locations"))
        .expect("cache folder")
        .flatten()
        .map(|e| e.path().join("contacts.sqlite3"))
        .next()
        .expect("a location's cache");

    let mut paints = Vec::new();
    let mut rss = Vec::new();
    for run in 1..=runs {
        let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
        app.wait_for("[data-testid=contact-row]").await;
        let pid = *app_pids().last().expect("the app is running");
        let start = process_start_ms(pid);
        let mut times = None;
        for _ in 0..40 {
            times = page_times_ms(&app).await;
            if times.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (page_start, painted) = times.expect("the UI marks its first list paint");
        let paint = painted - start;
        for (name, at) in marks_ms(&app).await {
            eprintln!("run {run}:   {:>6.0} ms  {name}", at - start);
        }
        eprintln!(
            "run {run}: the web view began loading the page {:.0} ms after the process started",
            page_start - start
        );
        // Idle: the start-up refresh done, nothing on screen changing.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let (own, total) = rss_mb(pid);
        eprintln!("run {run}: first list painted {paint:.0} ms after the process started; idle RSS {own:.0} MB (app) / {total:.0} MB (with WebKit's processes)");
        paints.push(paint);
        rss.push((own, total));
        app.close().await;
    }
    paints.sort_by(f64::total_cmp);
    let median = paints[paints.len() / 2];
    let worst_rss = rss.iter().map(|r| r.0).fold(0.0, f64::max);
    let worst_total = rss.iter().map(|r| r.1).fold(0.0, f64::max);
    println!(
        "cold start, {contacts} cached contacts ({:.0} MB cache), {runs} runs: first list paint median {median:.0} ms (min {:.0}, max {:.0}); idle RSS max {worst_rss:.0} MB app, {worst_total:.0} MB with WebKit",
        file_mb(&cache_file),
        paints[0],
        paints[paints.len() - 1],
    );
}
