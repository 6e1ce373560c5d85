//! A full pull killed with SIGKILL, then restarted: the cache ends up with
//! every contact exactly once.
//!
//! This test binary has no libtest harness: it is both the test and the
//! "app" it kills. Run as a test, it starts the sandbox (slowed a little, so
//! the pull takes a while) and starts itself as a child in `pull` mode; the
//! child pulls into a cache file and prints each progress step. Once the
//! child has stored a few pages the parent kills it, checks that the file
//! holds whole pages matching the saved cursor, starts a second child that
//! resumes, and compares the cache with the sandbox.

mod common;

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{cache_snapshot, server_snapshot};
use sandbox::Faults;
use store::{full_pull, Store, PULL_PAGE_SIZE};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

const CONTACTS: usize = 3000;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var("STORE_PULL_CHILD").as_deref() {
        Ok("pull") => runtime.block_on(child()),
        Ok(other) => panic!("unknown STORE_PULL_CHILD {other}"),
        Err(_) => {
            if std::env::args().any(|a| a == "--list") {
                println!("pull_crash: test");
                return ExitCode::SUCCESS;
            }
            // `-- --ignored` (the end-to-end step) runs only ignored tests: none here.
            if std::env::args().any(|a| a == "--ignored") {
                return ExitCode::SUCCESS;
            }
            runtime.block_on(parent());
            println!("test result: ok. a killed pull resumes to a complete cache");
        }
    }
    ExitCode::SUCCESS
}

/// The "app": pulls into `STORE_PULL_DB`, printing `done <n>` per step.
async fn child() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
    let client = common::client(
        &var("STORE_PULL_URL"),
        &var("STORE_PULL_LOCATION"),
        &var("STORE_PULL_TOKEN"),
    );
    let (store, _) = Store::open(var("STORE_PULL_DB")).expect("open");
    let store = Arc::new(store);
    let summary = full_pull(
        &client,
        &store,
        |p| println!("done {}", p.done),
        CancellationToken::new(),
    )
    .await
    .expect("pull");
    println!("finished {} resumed {}", summary.done, summary.resumed);
}

fn child_command(sandbox: &sandbox::Sandbox, db: &std::path::Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env("STORE_PULL_CHILD", "pull")
        .env("STORE_PULL_URL", sandbox.base_url())
        .env("STORE_PULL_LOCATION", sandbox.location_id())
        .env("STORE_PULL_TOKEN", sandbox.access_token())
        .env("STORE_PULL_DB", db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    cmd
}

async fn parent() {
    let sandbox = common::sandbox(CONTACTS).await;
    // 30 pages at 15 ms or more each: the kill lands mid-way.
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(15),
        ..Faults::none()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("loc.sqlite3");

    let mut first = child_command(&sandbox, &db).spawn().expect("child");
    let mut lines = BufReader::new(first.stdout.take().expect("stdout")).lines();
    let kill_after = 8 * u64::from(PULL_PAGE_SIZE);
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("child reports progress")
            .expect("read")
            .expect("child alive");
        let done: u64 = line
            .strip_prefix("done ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected line {line:?} before the kill"));
        if done >= kill_after {
            break;
        }
    }
    first.start_kill().expect("SIGKILL");
    let status = first.wait().await.expect("reaped");
    assert!(!status.success(), "killed, not finished: {status:?}");

    {
        let (store, opened) = Store::open(&db).expect("reopen after kill");
        assert_eq!(opened, store::Opened::Existing);
        let state = store.pull_state().unwrap();
        assert!(state.is_resumable(), "{state:?}");
        assert!(state.done >= kill_after && state.done < CONTACTS as u64);
        assert_eq!(
            state.done % u64::from(PULL_PAGE_SIZE),
            0,
            "whole pages only"
        );
        assert_eq!(
            store.count().unwrap(),
            state.done,
            "every stored page counted"
        );
        println!("killed with {} of {CONTACTS} stored", state.done);
    }

    sandbox.set_faults(Faults::none());
    let mut second = child_command(&sandbox, &db).spawn().expect("child");
    let mut lines = BufReader::new(second.stdout.take().expect("stdout")).lines();
    let mut finished = None;
    while let Some(line) = lines.next_line().await.expect("read") {
        if let Some(rest) = line.strip_prefix("finished ") {
            finished = Some(rest.to_owned());
        }
    }
    assert!(second.wait().await.expect("reaped").success());
    assert_eq!(
        finished.as_deref(),
        Some(format!("{CONTACTS} resumed true").as_str())
    );
    let (store, _) = Store::open(&db).expect("open");
    assert!(store.pull_state().unwrap().is_complete());
    assert_eq!(cache_snapshot(&store), server_snapshot(&sandbox).await);
    sandbox.shutdown().await;
}
