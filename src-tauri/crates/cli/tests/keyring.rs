//! The command line uses the app's saved sign-in from the OS keyring when no
//! `SWITCHBOARD_TOKEN` is set: a Private Integration Token as is, an OAuth
//! pair refreshed (and saved back) when expired. Runs against the real Secret
//! Service: `scripts/with-keyring.sh cargo test -p switchboard-cli`.

use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use auth::{location_key, Credential, KeyringStore, SecretStore, SecretString};
use sandbox::{Consent, Sandbox, SandboxConfig};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard-cli");

fn command(sb: &Sandbox, service: &str, home: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("SWITCHBOARD_TOKEN")
        .env_remove("SWITCHBOARD_LOCATION_ID")
        .env_remove("SWITCHBOARD_GHL_BASE_URL")
        .env("SWITCHBOARD_KEYRING_SERVICE", service)
        .env("SWITCHBOARD_HOME", home)
        .env("SWITCHBOARD_OAUTH_APP_FILE", home.join("oauth-app.json"))
        .args(["--base-url", &sb.base_url()])
        .args(["--location", sb.location_id()])
        .args(["contacts", "list", "--limit", "5"])
        .stdin(Stdio::null());
    cmd
}

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
        .await
        .expect("join")
}

fn service(test: &str) -> String {
    format!(
        "com.example.switchboard.cli-test.{test}.{}",
        std::process::id()
    )
}

#[tokio::test]
async fn a_saved_private_token_is_used() {
    let sb = Sandbox::start(SandboxConfig {
        contacts: 20,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let service = service("pit");
    let store = KeyringStore::new(&service);
    let out = output(command(&sb, &service, home.path())).await;
    assert_eq!(out.status.code(), Some(3), "no sign-in yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("No token"));

    let session = auth::LocationSession::sign_in(
        Credential::PrivateIntegration {
            token: SecretString::new(sb.access_token()),
            location_id: sb.location_id().to_owned(),
        },
        None,
        Arc::new(KeyringStore::new(&service)),
        auth::SessionOptions::default(),
    )
    .await
    .expect("saved in the keyring");
    drop(session);
    let out = output(command(&sb, &service, home.path())).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(page["contacts"].as_array().map(Vec::len), Some(5));
    store
        .delete(&location_key(sb.location_id()))
        .await
        .expect("clean up");
}

#[tokio::test]
async fn an_expired_oauth_sign_in_is_refreshed_and_saved_back() {
    let sb = Sandbox::start(SandboxConfig {
        contacts: 20,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let service = service("oauth");
    let client = sb.oauth_client();
    // The OAuth app as IT would deploy it (the CLI needs it to refresh).
    std::fs::write(
        home.path().join("oauth-app.json"),
        serde_json::json!({
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "authorizeUrl": sb.authorize_url(),
            "tokenUrl": sb.token_url(),
            "scopes": ["contacts.readonly"],
        })
        .to_string(),
    )
    .expect("settings");
    // Sign in the way the app does, through the loopback login.
    sb.set_consent(Consent::Approve {
        location_id: sb.location_id().to_owned(),
    });
    let app = auth::OAuthApp {
        client_id: client.client_id.clone(),
        client_secret: SecretString::new(client.client_secret.clone()),
        authorize_url: url::Url::parse(&sb.authorize_url()).expect("url"),
        token_url: url::Url::parse(&sb.token_url()).expect("url"),
        scopes: vec!["contacts.readonly".to_owned()],
    };
    let loopback = auth::LoopbackConfig {
        ports: vec![0],
        ..auth::LoopbackConfig::default()
    };
    let pending = auth::begin_login(&app, &loopback).await.expect("login");
    sb.register_redirect_uri(pending.redirect_uri().as_str());
    let authorize = pending.authorize_url().clone();
    let finish = tokio::spawn(pending.finish(auth::CancellationToken::new()));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .expect("http");
    http.get(authorize).send().await.expect("browser");
    let tokens = finish.await.expect("join").expect("tokens");
    let first_refresh = tokens.refresh_token.clone();
    auth::LocationSession::sign_in(
        Credential::OAuth(tokens),
        Some(app),
        Arc::new(KeyringStore::new(&service)),
        auth::SessionOptions::default(),
    )
    .await
    .expect("saved");
    sb.expire_access_tokens();

    let out = output(command(&sb, &service, home.path())).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sb.oauth_stats().refreshes, 1);
    let store = KeyringStore::new(&service);
    let saved = store
        .get(&location_key(sb.location_id()))
        .await
        .expect("keyring")
        .expect("entry");
    match serde_json::from_str::<Credential>(saved.expose()).expect("credential") {
        Credential::OAuth(t) => assert_ne!(t.refresh_token, first_refresh, "rotated pair saved"),
        other => panic!("{other:?}"),
    }
    store
        .delete(&location_key(sb.location_id()))
        .await
        .expect("clean up");
}

#[tokio::test]
async fn sync_uses_the_hcp_key_saved_by_the_app() {
    let ghl = Sandbox::start(SandboxConfig {
        contacts: 5,
        ..Default::default()
    })
    .await
    .expect("GHL sandbox");
    let hcp = sandbox::hcp::HcpSandbox::start(sandbox::hcp::HcpConfig {
        customers: 0,
        ..Default::default()
    })
    .await
    .expect("HCP sandbox");
    let home = tempfile::tempdir().expect("home");
    let service = service("hcp");
    let sync_cmd = || {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("SWITCHBOARD_HCP_KEY")
            .env("SWITCHBOARD_TOKEN", ghl.access_token())
            .env("SWITCHBOARD_KEYRING_SERVICE", &service)
            .env("SWITCHBOARD_HOME", home.path())
            .env("SWITCHBOARD_HCP_BASE_URL", hcp.base_url())
            .args(["--base-url", &ghl.base_url()])
            .args(["--location", ghl.location_id()])
            .args(["sync", "--hcp", "no-such-customer", "--dry-run"])
            .stdin(Stdio::null());
        cmd
    };
    let out = output(sync_cmd()).await;
    assert_eq!(out.status.code(), Some(3), "no key saved yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("SWITCHBOARD_HCP_KEY"));

    let store = KeyringStore::new(&service);
    store
        .set(auth::HCP_API_KEY_KEY, &SecretString::new(hcp.api_key()))
        .await
        .expect("saved");
    let out = output(sync_cmd()).await;
    // HCP took the key (a wrong one is a 401, exit 3): only the customer
    // is missing.
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    store.delete(auth::HCP_API_KEY_KEY).await.expect("clean up");
}
