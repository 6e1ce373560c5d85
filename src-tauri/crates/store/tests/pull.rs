//! Full pull and incremental refresh against the sandbox.

mod common;

use std::sync::{Arc, Mutex};

use common::{cache_snapshot, client_for, fresh_store, sandbox, server_snapshot};
use sandbox::Faults;
use store::{full_pull, incremental_refresh, Error, PullProgress, PULL_PAGE_SIZE};
use tokio_util::sync::CancellationToken;

fn recorder() -> (Arc<Mutex<Vec<PullProgress>>>, impl Fn(PullProgress)) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    (seen, move |p| sink.lock().unwrap().push(p))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_pull_stores_exactly_the_servers_contacts() {
    let n = 1234;
    let sandbox = sandbox(n).await;
    let client = client_for(&sandbox);
    let (_dir, store) = fresh_store();
    let (seen, progress) = recorder();
    let summary = full_pull(&client, &store, progress, CancellationToken::new())
        .await
        .expect("pull");
    assert_eq!(summary.pulled, n as u64);
    assert_eq!(summary.done, n as u64);
    assert!(!summary.resumed);
    assert_eq!(cache_snapshot(&store), server_snapshot(&sandbox).await);
    let state = store.pull_state().unwrap();
    assert!(state.is_complete() && !state.is_resumable());
    assert_eq!(state.done, n as u64);
    assert!(state.high_water_ms.is_some());
    // The full contact (not only the list columns) is there.
    let any = sandbox.dataset().read().await.contacts[7].clone();
    let cached = store.contact(&any.id).unwrap().expect("cached");
    assert_eq!(cached.city.as_deref(), Some(any.city.as_str()));
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        seen.windows(2).all(|w| w[0].done <= w[1].done),
        "done only grows"
    );
    let last = seen.last().expect("progress reported");
    assert_eq!((last.done, last.total), (n as u64, n as u64));
    assert!(
        seen.iter().all(|p| !p.waiting_for_rate_limit),
        "unlimited sandbox"
    );
    assert!(seen.iter().any(|p| p.eta_seconds.is_some()));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_pull_resumes_without_duplicates_or_holes() {
    let n = 2050;
    let sandbox = sandbox(n).await;
    let client = client_for(&sandbox);
    let (_dir, store) = fresh_store();
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let err = full_pull(
        &client,
        &store,
        move |p| {
            if p.done >= 700 {
                stop.cancel();
            }
        },
        cancel,
    )
    .await
    .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled), "{err}");
    let state = store.pull_state().unwrap();
    assert!(state.is_resumable());
    assert!(state.done >= 700 && state.done < n as u64, "{}", state.done);
    assert_eq!(
        state.done % u64::from(PULL_PAGE_SIZE),
        0,
        "whole pages only"
    );
    assert_eq!(store.count().unwrap(), state.done, "stored = counted");
    let before = state.done;

    let summary = full_pull(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("resumed pull");
    assert!(summary.resumed);
    assert_eq!(summary.pulled, n as u64 - before, "nothing fetched twice");
    assert_eq!(summary.done, n as u64);
    assert_eq!(cache_snapshot(&store), server_snapshot(&sandbox).await);
    // A finished pull started again is a new pull, not a resume.
    let again = full_pull(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("second pull");
    assert!(!again.resumed);
    assert_eq!(store.count().unwrap(), n as u64);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_completes_through_injected_server_errors() {
    let n = 1500;
    let sandbox = sandbox(n).await;
    sandbox.set_faults(Faults {
        error_rate: 0.25,
        reset_rate: 0.05,
        seed: 11,
        ..Faults::none()
    });
    let client = client_for(&sandbox);
    let (_dir, store) = fresh_store();
    let summary = full_pull(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("pull despite faults");
    assert_eq!(summary.done, n as u64);
    assert!(client.stats().retries > 0, "faults were met");
    sandbox.set_faults(Faults::none());
    assert_eq!(cache_snapshot(&store), server_snapshot(&sandbox).await);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_picks_up_edits_additions_and_deletions() {
    let n = 640;
    let sandbox = sandbox(n).await;
    let client = client_for(&sandbox);
    let (_dir, store) = fresh_store();
    assert!(matches!(
        incremental_refresh(&client, &store, |_| {}, CancellationToken::new()).await,
        Err(Error::NoFullPull)
    ));
    full_pull(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("pull");

    // Nothing changed: nothing to do.
    let quiet = incremental_refresh(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("refresh");
    assert_eq!(quiet.deleted, 0);
    assert!(
        quiet.updated <= 1,
        "only the mark's own millisecond: {quiet:?}"
    );

    let later = time::OffsetDateTime::now_utc() + time::Duration::minutes(1);
    let (edited, removed, added) = {
        let data = sandbox.dataset();
        let mut data = data.write().await;
        let edited = data.contacts[3].id.clone();
        let c = data.contact_mut(&edited).unwrap();
        c.first_name = "Quentin".into();
        c.tags.push("renamed".into());
        c.date_updated = later;
        let removed = data.contacts[10].id.clone();
        data.remove_contact(&removed).unwrap();
        let mut new = data.contacts[0].clone();
        new.id = data.new_id();
        new.first_name = "Newly".into();
        new.last_name = "Added".into();
        new.date_added = later;
        new.date_updated = later;
        let added = new.id.clone();
        data.insert_contact(new);
        data.refresh_index();
        (edited, removed, added)
    };
    let summary = incremental_refresh(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("refresh");
    assert_eq!(summary.deleted, 1, "{summary:?}");
    assert!(summary.updated >= 2, "{summary:?}");
    assert_eq!(cache_snapshot(&store), server_snapshot(&sandbox).await);
    let row = store.contact_row(&edited).unwrap().unwrap();
    assert!(row.display_name.starts_with("Quentin"));
    assert!(store.contact_row(&removed).unwrap().is_none());
    assert!(store.contact_row(&added).unwrap().is_some());
    assert_eq!(
        store
            .search("quentin", store::ListOrder::Name, None, 10)
            .unwrap()
            .items[0]
            .id,
        edited,
        "the search index follows the edit"
    );
    let state = store.pull_state().unwrap();
    assert_eq!(
        state.high_water_ms,
        Some(i64::try_from(later.unix_timestamp_nanos() / 1_000_000).unwrap()),
        "the mark moved to the newest change"
    );
    assert!(state.last_refresh_at.is_some());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_says_when_the_rate_limit_holds_the_pull_back() {
    let n = 1000;
    let limit = sandbox::RateLimitConfig {
        max_per_interval: 4,
        interval: std::time::Duration::from_millis(800),
        daily: 1_000_000,
    };
    let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
        contacts: n,
        rate_limit: limit,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let client = ghl::Client::new(
        ghl::ClientConfig::new(
            url::Url::parse(&sandbox.base_url()).unwrap(),
            sandbox.location_id(),
        )
        .with_rate_limit(ghl::RateLimit {
            max_per_interval: limit.max_per_interval,
            interval: limit.interval,
            daily: limit.daily,
        }),
        ghl::AccessToken::new(sandbox.access_token().to_owned()),
    )
    .unwrap();
    let (_dir, store) = fresh_store();
    let (seen, progress) = recorder();
    full_pull(&client, &store, progress, CancellationToken::new())
        .await
        .expect("pull");
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(seen.iter().any(|p| p.waiting_for_rate_limit), "{seen:?}");
    let last = seen.last().unwrap();
    assert_eq!(last.done, n as u64);
    assert!(!client.is_waiting_for_rate_limit());
    assert_eq!(sandbox.stats().rate_limited, 0, "no 429: the client waited");
    sandbox.shutdown().await;
}
