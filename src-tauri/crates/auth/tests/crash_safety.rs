//! Crash safety of the token refresh, with real processes and the real
//! keyring (run under `scripts/with-keyring.sh`).
//!
//! This test binary has no libtest harness: it is both the test and the
//! "app" it kills. Run as a test, it starts the sandbox, signs in (the pair
//! goes to the keyring), expires the access tokens, and starts itself as a
//! child in `refresh` mode. The child restores the session from the keyring
//! and makes an API call; the 401 starts a refresh, and the child's refresh
//! hook stops at the step named by `AUTH_PAUSE_AT` and says so on stdout.
//! The parent then SIGKILLs it, checks the keyring entry and the sandbox's
//! counters, and starts a second child in `resume` mode (a restarted app)
//! that restores from the keyring and calls the API again.
//!
//! Expected, per kill point:
//! * `before_request`: nothing rotated; the restart refreshes and works.
//! * `after_rotation`: the server rotated, the keyring still has the retired
//!   refresh token; the restart sends it once, gets `invalid_grant`, and
//!   reports `reauth_required` (the best possible outcome: the new pair died
//!   with the process).
//! * `after_persist`: the keyring has the new pair; the restart works.
//!
//! And in every case: whenever the token endpoint refused a grant, the
//! restarted app reported `reauth_required`.
//!
//! A `probe` child also checks that an unreachable Secret Service is an
//! error (`keyring_unavailable`), not a silent fallback.

mod common;

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth::{
    location_key, Credential, KeyringStore, LocationSession, OAuthApp, RefreshHook, SecretStore,
    SecretString, SessionOptions, TokenSet,
};
use ghl::{ClientConfig, RateLimit, SearchRequest};
use sandbox::Sandbox;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use url::Url;

const POINTS: [&str; 3] = ["before_request", "after_rotation", "after_persist"];

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var("AUTH_CRASH_MODE").as_deref() {
        Ok("refresh") => runtime.block_on(child_refresh()),
        Ok("resume") => runtime.block_on(child_resume()),
        Ok("probe") => runtime.block_on(child_probe()),
        Ok(other) => panic!("unknown AUTH_CRASH_MODE {other}"),
        Err(_) => {
            // `cargo test -- --list` and filters: this binary is one test.
            if std::env::args().any(|a| a == "--list") {
                println!("crash_safety: test");
                return ExitCode::SUCCESS;
            }
            // `-- --ignored` (the end-to-end step) runs only ignored tests: none here.
            if std::env::args().any(|a| a == "--ignored") {
                return ExitCode::SUCCESS;
            }
            runtime.block_on(parent());
            println!("test result: ok. crash safety at every refresh step");
            ExitCode::SUCCESS
        }
    }
}

// ---------------------------------------------------------------- parent

async fn parent() {
    probe_unreachable_keyring().await;
    for point in POINTS {
        scenario(point).await;
        println!("crash at {point}: ok");
    }
}

struct Env {
    vars: Vec<(&'static str, String)>,
}

impl Env {
    fn new(sb: &Sandbox, store: &KeyringStore) -> Env {
        let app = common::app_for(sb);
        Env {
            vars: vec![
                ("AUTH_SERVICE", store.service().to_owned()),
                ("AUTH_LOCATION", sb.location_id().to_owned()),
                ("AUTH_CLIENT_ID", app.client_id.clone()),
                ("AUTH_CLIENT_SECRET", app.client_secret.expose().to_owned()),
                ("AUTH_AUTHORIZE_URL", app.authorize_url.to_string()),
                ("AUTH_TOKEN_URL", app.token_url.to_string()),
                ("AUTH_BASE_URL", sb.base_url()),
            ],
        }
    }

    fn command(&self, mode: &str) -> Command {
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command
            .env("AUTH_CRASH_MODE", mode)
            .envs(self.vars.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        command
    }
}

async fn entry(store: &KeyringStore, location: &str) -> TokenSet {
    let text = store
        .get(&location_key(location))
        .await
        .expect("keyring readable")
        .expect("entry present");
    match serde_json::from_str::<Credential>(text.expose()).expect("credential") {
        Credential::OAuth(t) => t,
        other => panic!("unexpected credential {other:?}"),
    }
}

async fn scenario(point: &str) {
    let sb = common::sandbox().await;
    let store = common::keyring(&format!("crash-{point}")).await;
    let tokens = common::login(&sb).await;
    LocationSession::sign_in(
        Credential::OAuth(tokens),
        Some(common::app_for(&sb)),
        Arc::new(store.clone()),
        SessionOptions::default(),
    )
    .await
    .expect("signed in, pair in the keyring");
    let original = entry(&store, sb.location_id()).await;
    let env = Env::new(&sb, &store);

    // 1. A child refreshes and is killed at `point`.
    sb.expire_access_tokens();
    let mut child = env
        .command("refresh")
        .env("AUTH_PAUSE_AT", point)
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("the child reaches the pause point in time")
        .expect("stdout readable")
        .expect("a line");
    assert_eq!(line, format!("PAUSED {point}"));
    child.kill().await.expect("SIGKILL");
    let at_kill = sb.oauth_stats();
    let after_kill = entry(&store, sb.location_id()).await;
    match point {
        "before_request" => {
            assert_eq!(at_kill.refreshes, 0);
            assert_eq!(after_kill, original);
        }
        "after_rotation" => {
            assert_eq!(at_kill.refreshes, 1, "the server rotated");
            assert_eq!(
                after_kill, original,
                "the keyring still has the retired pair"
            );
        }
        "after_persist" => {
            assert_eq!(at_kill.refreshes, 1);
            assert_ne!(after_kill.refresh_token, original.refresh_token);
            assert_ne!(after_kill.access_token, original.access_token);
        }
        _ => unreachable!(),
    }

    // 2. The app restarts from the keyring and calls the API.
    sb.expire_access_tokens();
    let refused_before = sb.oauth_stats().refused_grants;
    let result = run_resume(&env).await;
    let stats = sb.oauth_stats();
    let refused = stats.refused_grants - refused_before;
    if refused > 0 {
        assert_eq!(
            result, "reauth_required",
            "a refused grant must be reported as reauth_required"
        );
    }
    match point {
        "before_request" | "after_persist" => {
            assert_eq!(result, "ok", "signed in after the restart");
            assert_eq!(refused, 0, "no retired refresh token was sent");
            assert_eq!(stats.refreshes, at_kill.refreshes + 1);
            let now = entry(&store, sb.location_id()).await;
            assert_ne!(
                now.refresh_token, after_kill.refresh_token,
                "rotated and saved"
            );
        }
        "after_rotation" => {
            assert_eq!(result, "reauth_required");
            assert_eq!(
                refused, 1,
                "the retired refresh token was sent exactly once"
            );
            assert_eq!(stats.refreshes, at_kill.refreshes);
            // Kept, so the cache and the screen stay; the app offers "Reconnect".
            assert_eq!(entry(&store, sb.location_id()).await, original);
        }
        _ => unreachable!(),
    }

    store
        .delete(&location_key(sb.location_id()))
        .await
        .expect("cleanup");
}

async fn run_resume(env: &Env) -> String {
    let output = tokio::time::timeout(Duration::from_secs(60), env.command("resume").output())
        .await
        .expect("the restarted child finishes in time")
        .expect("child runs");
    assert!(output.status.success(), "resume child failed: {output:?}");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT line in {stdout:?}"))
        .to_owned()
}

async fn probe_unreachable_keyring() {
    let started = Instant::now();
    let output = Command::new(std::env::current_exe().expect("own path"))
        .env("AUTH_CRASH_MODE", "probe")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/switchboard-test-bus",
        )
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .expect("probe runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("RESULT keyring_unavailable"),
        "an unreachable Secret Service must be an error: {stdout}"
    );
    assert!(!stdout.contains("probe-secret-value"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(30));
    println!("unreachable keyring: ok");
}

// ---------------------------------------------------------------- children

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn child_app() -> OAuthApp {
    OAuthApp {
        client_id: var("AUTH_CLIENT_ID"),
        client_secret: SecretString::new(var("AUTH_CLIENT_SECRET")),
        authorize_url: Url::parse(&var("AUTH_AUTHORIZE_URL")).expect("url"),
        token_url: Url::parse(&var("AUTH_TOKEN_URL")).expect("url"),
        scopes: Vec::new(),
    }
}

async fn child_session(hook: Option<RefreshHook>) -> (LocationSession, ghl::Client) {
    let location = var("AUTH_LOCATION");
    let store = Arc::new(KeyringStore::new(var("AUTH_SERVICE")));
    let session = LocationSession::restore(
        &location,
        Some(child_app()),
        store,
        SessionOptions {
            on_refresh_step: hook,
            ..SessionOptions::default()
        },
    )
    .await
    .expect("keyring readable")
    .expect("signed in");
    let config = ClientConfig::new(Url::parse(&var("AUTH_BASE_URL")).expect("url"), &location)
        .with_rate_limit(RateLimit {
            max_per_interval: 10_000,
            interval: Duration::from_secs(1),
            daily: u64::MAX,
        });
    let client = session.ghl_client(config).expect("client");
    (session, client)
}

async fn child_refresh() -> ExitCode {
    let pause_at = var("AUTH_PAUSE_AT");
    let hook: RefreshHook = Arc::new(move |step| {
        if step.name() == pause_at {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "PAUSED {}", step.name());
            let _ = out.flush();
            // Wait to be killed, holding the refresh exactly here.
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
    });
    let (_session, client) = child_session(Some(hook)).await;
    let result = client.search_contacts(&SearchRequest::default()).await;
    println!(
        "UNEXPECTED the call returned: {:?}",
        result.map(|p| p.total)
    );
    ExitCode::FAILURE
}

async fn child_resume() -> ExitCode {
    let (session, client) = child_session(None).await;
    let result = client.search_contacts(&SearchRequest::default()).await;
    match result {
        Ok(_) => println!("RESULT ok"),
        Err(e) => println!("RESULT {}", e.code()),
    }
    println!("STATUS {:?}", session.status());
    ExitCode::SUCCESS
}

async fn child_probe() -> ExitCode {
    let store = KeyringStore::new("com.example.switchboard.test.probe");
    let result = store
        .set("ghl:probe", &SecretString::new("probe-secret-value"))
        .await;
    match result {
        Ok(()) => println!("RESULT stored"),
        Err(e) => println!("RESULT {} {e}", e.code()),
    }
    ExitCode::SUCCESS
}
