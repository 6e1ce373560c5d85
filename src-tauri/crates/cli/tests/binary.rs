//! The binary as a process: help, exit codes, the one-line `error:` on
//! stderr, and the token never showing up.

use std::process::{Command, Output, Stdio};

use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard-cli");

/// The binary with none of its environment variables inherited.
fn command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("SWITCHBOARD_TOKEN")
        .env_remove("SWITCHBOARD_LOCATION_ID")
        .env_remove("SWITCHBOARD_GHL_BASE_URL")
        // Without a token the CLI looks in the keyring: a service nobody uses.
        .env(
            "SWITCHBOARD_KEYRING_SERVICE",
            "com.example.switchboard.cli-test.empty",
        )
        .env(
            "SWITCHBOARD_HOME",
            std::env::temp_dir().join("switchboard-cli-test-no-home"),
        )
        .stdin(Stdio::null());
    cmd
}

/// Runs the command off the async workers (the sandbox serves on them).
async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
        .await
        .expect("join")
}

async fn start() -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: 200,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn against(sb: &Sandbox, token: &str) -> Command {
    let mut cmd = command();
    cmd.env("SWITCHBOARD_TOKEN", token)
        .args(["--base-url", &sb.base_url()])
        .args(["--location", sb.location_id()]);
    cmd
}

fn stderr_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one stderr line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    stderr
}

#[test]
fn help_lists_the_resources_and_exit_codes() {
    let out = command().arg("--help").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for resource in ["contacts", "tasks", "notes", "tags", "appointments"] {
        assert!(help.contains(resource), "{resource} missing from {help}");
    }
    assert!(help.contains("Exit codes"), "{help}");
    assert!(help.contains("SWITCHBOARD_TOKEN"), "{help}");

    let out = command()
        .args(["contacts", "--help"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for action in [
        "list",
        "get",
        "create",
        "update",
        "delete",
        "business",
        "duplicate",
        "upsert",
    ] {
        assert!(help.contains(action), "{action} missing from {help}");
    }
}

#[test]
fn usage_errors_exit_2_on_one_line() {
    let out = command()
        .args(["tasks", "create", "c1", "--title", "x"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_line(&out).contains("--due"));
    assert!(out.stdout.is_empty());

    let out = command()
        .args(["contacts", "frobnicate"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    stderr_line(&out);

    // A token flag does not exist (it would land in shell history).
    let out = command()
        .args(["--token", "abc", "contacts", "get", "c1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    stderr_line(&out);
}

#[test]
fn missing_token_exits_3() {
    let out = command()
        .args(["--base-url", "http://127.0.0.1:9", "--location", "loc"])
        .args(["contacts", "get", "abc"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr_line(&out),
        "error: No token: set SWITCHBOARD_TOKEN or sign in with the app\n"
    );
    assert!(out.stdout.is_empty());

    // Blank counts as missing.
    let out = command()
        .env("SWITCHBOARD_TOKEN", "  ")
        .args(["--base-url", "http://127.0.0.1:9", "contacts", "get", "abc"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_exits_3_without_showing_it() {
    let sb = start().await;
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let token = "wrong-token-5f3e9c1d7a";
    let mut cmd = against(&sb, token);
    cmd.args(["contacts", "get", &id]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(3));
    let line = stderr_line(&out);
    assert!(!line.contains(token), "{line}");
    assert!(!line.contains(sb.access_token()), "{line}");
    assert!(line.to_lowercase().contains("token"), "{line}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_compact_json() {
    let sb = start().await;
    let (id, email) = {
        let d = sb.dataset();
        let d = d.read().await;
        (d.contacts[5].id.clone(), d.contacts[5].email.clone())
    };
    let mut cmd = against(&sb, sb.access_token());
    cmd.args(["contacts", "get", &id]);
    let out = output(cmd).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text.lines().count(), 1, "compact when not a terminal");
    assert!(
        text.starts_with(&format!("{{\"contact\":{{\"id\":\"{id}\"")),
        "the API's envelope, the model's field order: {text}"
    );
    let json: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["contact"]["id"], id.as_str());
    assert_eq!(json["contact"]["email"].as_str(), email.as_deref());
    assert!(!text.contains(sb.access_token()));

    // Not found: exit 4.
    let mut cmd = against(&sb, sb.access_token());
    cmd.args(["contacts", "get", "no-such-contact"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(4));
    stderr_line(&out);

    // The location is optional here, and the env vars work like the flags.
    let mut cmd = command();
    cmd.env("SWITCHBOARD_TOKEN", sb.access_token())
        .env("SWITCHBOARD_GHL_BASE_URL", sb.base_url())
        .args(["contacts", "get", &id]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_phone_on_create_exits_2_and_creates_nothing() {
    let sb = start().await;
    let mut cmd = against(&sb, sb.access_token());
    cmd.args([
        "contacts",
        "create",
        "--first-name",
        "Bad",
        "--last-name",
        "Phone",
        "--phone",
        "555-CALL-NOW",
    ]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    let line = stderr_line(&out);
    assert!(line.contains("phone"), "{line}");
    assert!(out.stdout.is_empty());
    let d = sb.dataset();
    let d = d.read().await;
    assert_eq!(d.contacts.len(), 200);
    assert!(d.contacts.iter().all(|c| c.last_name != "Phone"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_without_yes_and_without_a_terminal_refuses() {
    let sb = start().await;
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let mut cmd = against(&sb, sb.access_token());
    cmd.args(["contacts", "delete", &id]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_line(&out).contains("--yes"));
    assert!(sb.dataset().read().await.contact(&id).is_some(), "kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_that_send_a_location_require_one() {
    let sb = start().await;
    let mut cmd = command();
    cmd.env("SWITCHBOARD_TOKEN", sb.access_token()).args([
        "--base-url",
        &sb.base_url(),
        "contacts",
        "list",
    ]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_line(&out).contains("--location"));
}
