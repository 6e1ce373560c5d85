//! An outbox replay killed with SIGKILL at each step of sending a create
//! (before the request, after GHL answered but before the answer is stored,
//! after it is stored), then replayed again: the sandbox ends up with the
//! record exactly once and the outbox is empty.
//!
//! This test binary has no libtest harness: it is both the test and the
//! "app" it kills. Run as a test, it starts the sandbox, queues one create in
//! a fresh cache file and starts itself as a child in `replay` mode, telling
//! it at which step to stop; the child reports each step and, at that one,
//! waits to be killed. The parent kills it, checks what reached the sandbox,
//! replays the same file itself and checks the sandbox and the cache.

mod common;

use std::io::Write;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ghl::{ContactInput, NoteInput};
use sandbox::Sandbox;
use store::{replay_outbox, replay_outbox_observed, OutboxEntry, ReplayStep, Store};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

const STEPS: [&str; 3] = ["sending", "answered", "done"];

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var("STORE_REPLAY_CHILD").as_deref() {
        Ok("replay") => runtime.block_on(child()),
        Ok(other) => panic!("unknown STORE_REPLAY_CHILD {other}"),
        Err(_) => {
            if std::env::args().any(|a| a == "--list") {
                println!("replay_crash: test");
                return ExitCode::SUCCESS;
            }
            // `-- --ignored` (the end-to-end step) runs only ignored tests: none here.
            if std::env::args().any(|a| a == "--ignored") {
                return ExitCode::SUCCESS;
            }
            runtime.block_on(parent());
            println!("test result: ok. a replay killed at any step sends each create once");
        }
    }
    ExitCode::SUCCESS
}

fn step_name(step: &ReplayStep) -> &'static str {
    match step {
        ReplayStep::Sending { .. } => "sending",
        ReplayStep::Answered { .. } => "answered",
        ReplayStep::Done { .. } => "done",
    }
}

/// The "app": replays `STORE_REPLAY_DB`, printing each step, and at
/// `STORE_REPLAY_STOP_AT` waits to be killed.
async fn child() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
    let client = common::client(
        &var("STORE_REPLAY_URL"),
        &var("STORE_REPLAY_LOCATION"),
        &var("STORE_REPLAY_TOKEN"),
    );
    let stop_at = var("STORE_REPLAY_STOP_AT");
    let (store, _) = Store::open(var("STORE_REPLAY_DB")).expect("open");
    let store = Arc::new(store);
    let summary = replay_outbox_observed(&client, &store, CancellationToken::new(), |step| {
        let name = step_name(&step);
        let mut out = std::io::stdout().lock();
        writeln!(out, "step {name}").expect("stdout");
        if name == stop_at {
            writeln!(out, "stopped {name}").expect("stdout");
            out.flush().expect("stdout");
            drop(out);
            // Hold the replay right here until the parent kills the process.
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        out.flush().expect("stdout");
    })
    .await
    .expect("replay");
    println!("finished {}", summary.sent);
}

#[derive(Clone, Copy, Debug)]
enum Case {
    Note,
    Contact,
}

/// What the sandbox holds of the record `case` creates at `step`.
async fn on_server(sandbox: &Sandbox, case: Case, contact_id: &str, step: &str) -> Vec<String> {
    let data = sandbox.dataset();
    let data = data.read().await;
    match case {
        Case::Note => data
            .notes_of(contact_id)
            .iter()
            .filter(|n| n.body == note_body(step))
            .map(|n| n.id.clone())
            .collect(),
        Case::Contact => data
            .contacts
            .iter()
            .filter(|c| c.email.as_deref() == Some(email(step).as_str()))
            .map(|c| c.id.clone())
            .collect(),
    }
}

fn note_body(step: &str) -> String {
    format!("Note killed at {step}")
}

fn email(step: &str) -> String {
    format!("killed.at.{step}@example.com")
}

async fn run_case(sandbox: &Sandbox, dir: &std::path::Path, case: Case, step: &str) {
    let contact_id = {
        let data = sandbox.dataset();
        let data = data.read().await;
        data.contacts[0].id.clone()
    };
    let db = dir.join(format!("{case:?}-{step}.sqlite3"));
    {
        let (store, _) = Store::open(&db).expect("open");
        let entry = match case {
            Case::Note => OutboxEntry::create_note(&contact_id, &NoteInput::new(note_body(step))),
            Case::Contact => OutboxEntry::create_contact(&ContactInput {
                first_name: Some("Killed".into()),
                last_name: Some(step.to_owned()),
                email: Some(email(step)),
                ..ContactInput::default()
            }),
        };
        store.enqueue(&entry).expect("enqueue");
    }

    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env("STORE_REPLAY_CHILD", "replay")
        .env("STORE_REPLAY_URL", sandbox.base_url())
        .env("STORE_REPLAY_LOCATION", sandbox.location_id())
        .env("STORE_REPLAY_TOKEN", sandbox.access_token())
        .env("STORE_REPLAY_DB", &db)
        .env("STORE_REPLAY_STOP_AT", step)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("child");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("child reports its steps")
            .expect("read")
            .unwrap_or_else(|| panic!("{case:?}: child ended before {step}"));
        if line == format!("stopped {step}") {
            break;
        }
    }
    child.start_kill().expect("SIGKILL");
    assert!(!child.wait().await.expect("reaped").success());

    let found = on_server(sandbox, case, &contact_id, step).await;
    let expected_then = usize::from(step != "sending");
    assert_eq!(
        found.len(),
        expected_then,
        "{case:?} killed at {step}: {found:?}"
    );
    let (store, _) = Store::open(&db).expect("reopen after kill");
    let store = Arc::new(store);
    let queued = store.pending().expect("pending");
    if step == "done" {
        assert!(queued.is_empty(), "stored with its answer");
    } else {
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].attempts, 1, "the attempt was recorded first");
        assert!(queued[0].first_attempt_at.is_some());
    }

    let client = common::client_for(sandbox);
    let summary = replay_outbox(&client, &store, CancellationToken::new())
        .await
        .expect("replay after the kill");
    assert_eq!(
        summary.sent,
        u64::from(step != "done"),
        "{case:?} {step}: {summary:?}"
    );
    let found = on_server(sandbox, case, &contact_id, step).await;
    assert_eq!(found.len(), 1, "{case:?} killed at {step}: exactly once");
    assert_eq!(store.pending_count().unwrap(), 0);
    match case {
        Case::Note => {
            let notes = store.notes(&contact_id).unwrap().unwrap().items;
            let ids: Vec<&str> = notes.iter().map(|n| n.id.as_str()).collect();
            assert_eq!(
                ids,
                [found[0].as_str()],
                "the server's note, no placeholder"
            );
        }
        Case::Contact => {
            assert_eq!(
                store.contact_ids().unwrap(),
                found,
                "the server's contact only"
            );
        }
    }
    println!("{case:?} killed at {step}: one record, outbox empty");
}

async fn parent() {
    let sandbox = common::sandbox(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    for case in [Case::Note, Case::Contact] {
        for step in STEPS {
            run_case(&sandbox, dir.path(), case, step).await;
        }
    }
    sandbox.shutdown().await;
}
