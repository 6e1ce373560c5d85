//! An apply killed with SIGKILL at every point of every step (before the
//! request, after the answer but before it is recorded, after it is
//! recorded), then applied again: exactly one GHL contact, no duplicated note
//! or task, and the link stored.
//!
//! No libtest harness: this binary is both the test and the "app" it kills
//! (as `store/tests/replay_crash.rs`). The child applies and reports each
//! event; at the chosen one it waits to be killed.

mod common;

use std::io::Write;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use store::Store;
use sync::{note_stamp, ApplyEvent, Choices, SyncEngine, SyncSettings, SyncTarget};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const NOTE: &str = "Gate code 1234. Dog in the yard.";

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var("SYNC_CRASH_CHILD").as_deref() {
        Ok("apply") => runtime.block_on(child()),
        Ok(other) => panic!("unknown SYNC_CRASH_CHILD {other}"),
        Err(_) => {
            if std::env::args().any(|a| a == "--list") {
                println!("engine_crash: test");
                return ExitCode::SUCCESS;
            }
            if std::env::args().any(|a| a == "--ignored") {
                return ExitCode::SUCCESS;
            }
            runtime.block_on(parent());
            println!("test result: ok. an apply killed at any point creates everything once");
        }
    }
    ExitCode::SUCCESS
}

fn event_name(e: &ApplyEvent<'_>) -> String {
    let (phase, step) = match e {
        ApplyEvent::Sending { step } => ("sending", step),
        ApplyEvent::Answered { step } => ("answered", step),
        ApplyEvent::Done { step } => ("done", step),
    };
    // Note ids carry a hash; the parent names them by kind.
    let step = if step.starts_with("ghl.note.") {
        "ghl.note"
    } else {
        step
    };
    format!("{phase} {step}")
}

fn engine(store: Arc<Store>) -> SyncEngine {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
    SyncEngine::new(
        common::ghl_client(
            &var("SYNC_GHL_URL"),
            &var("SYNC_GHL_LOCATION"),
            &var("SYNC_GHL_TOKEN"),
        ),
        common::hcp_client(&var("SYNC_HCP_URL"), &var("SYNC_HCP_KEY")),
        store,
        SyncSettings::default(),
    )
}

async fn child() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
    let stop_at = var("SYNC_STOP_AT");
    let (store, _) = Store::open(var("SYNC_DB")).expect("open");
    let engine = engine(Arc::new(store));
    let observer = |e: ApplyEvent<'_>| {
        let name = event_name(&e);
        let mut out = std::io::stdout().lock();
        writeln!(out, "event {name}").expect("stdout");
        if name == stop_at {
            writeln!(out, "stopped").expect("stdout");
            out.flush().expect("stdout");
            drop(out);
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        out.flush().expect("stdout");
    };
    engine
        .apply_observed(
            SyncTarget::Hcp(var("SYNC_CUSTOMER")),
            &Choices::new(),
            None,
            &observer,
        )
        .await
        .expect("apply");
    println!("finished");
}

async fn run_case(w: &common::World, n: usize, stop_at: &str) {
    let cus = format!("cus_crash{n}");
    let email = format!("crash{n}@example.com");
    w.hcp.set_customer(common::full_customer(
        &cus,
        &email,
        &format!("303 555 {:04}", 1000 + n),
    ));
    let db = w.dir.path().join(format!("case{n}.sqlite3"));
    drop(Store::open(&db).expect("create"));

    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env("SYNC_CRASH_CHILD", "apply")
        .env("SYNC_GHL_URL", w.ghl.base_url())
        .env("SYNC_GHL_LOCATION", w.ghl.location_id())
        .env("SYNC_GHL_TOKEN", w.ghl.access_token())
        .env("SYNC_HCP_URL", w.hcp.base_url())
        .env("SYNC_HCP_KEY", w.hcp.api_key())
        .env("SYNC_DB", &db)
        .env("SYNC_CUSTOMER", &cus)
        .env("SYNC_STOP_AT", stop_at)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("child");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("child reports")
            .expect("read")
            .unwrap_or_else(|| panic!("child ended before {stop_at}"));
        if line == "stopped" {
            break;
        }
    }
    child.start_kill().expect("SIGKILL");
    assert!(!child.wait().await.expect("reaped").success());

    let (store, _) = Store::open(&db).expect("reopen after kill");
    let store = Arc::new(store);
    let out = SyncEngine::new(
        w.ghl_client(),
        w.hcp_client(),
        store.clone(),
        SyncSettings::default(),
    )
    .apply(SyncTarget::Hcp(cus.clone()), &Choices::new(), None)
    .await
    .unwrap_or_else(|e| panic!("apply after a kill at {stop_at}: {e}"));

    let found = w.ghl_by_email(&email).await;
    assert_eq!(found.len(), 1, "killed at {stop_at}: one contact");
    let id = &found[0].id;
    assert_eq!(&out.ghl_contact_id, id);
    let notes = w.ghl_notes(id).await;
    let stamped = notes
        .iter()
        .filter(|b| b.starts_with(&note_stamp(NOTE)))
        .count();
    assert_eq!(stamped, 1, "killed at {stop_at}: one note");
    assert_eq!(
        w.ghl_tasks(id).await,
        ["Call to welcome"],
        "killed at {stop_at}: one task"
    );
    let link = store.sync_link_by_hcp(&cus).unwrap().expect("link");
    assert_eq!(&link.ghl_contact_id, id);
    assert!(store.sync_run(&format!("hcp:{cus}")).unwrap().is_none());
    assert_eq!(
        out.created,
        Some(sync::Side::Ghl),
        "still the sync's new contact at {stop_at}"
    );
    println!("killed at {stop_at}: one contact, one note, one task, linked");
}

async fn parent() {
    let w = common::world().await;
    let mut points = Vec::new();
    for step in ["ghl.find", "ghl.create", "ghl.note", "ghl.task.1"] {
        for phase in ["sending", "answered", "done"] {
            if step == "ghl.find" && phase == "answered" {
                continue; // folded into the reads: nothing is sent
            }
            points.push(format!("{phase} {step}"));
        }
    }
    points.push("sending link.save".into());
    for (n, point) in points.iter().enumerate() {
        run_case(&w, n, point).await;
    }
}
