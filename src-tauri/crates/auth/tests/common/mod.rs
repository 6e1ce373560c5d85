//! Helpers shared by the integration tests: a sandbox with OAuth, the app
//! registration for it, and a login driven by a plain HTTP client.

#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

use auth::{
    begin_login, CancellationToken, KeyringStore, LoopbackConfig, OAuthApp, PendingLogin,
    SecretString, TokenSet,
};
use reqwest::header::LOCATION;
use sandbox::{Consent, RateLimitConfig, Sandbox, SandboxConfig, SCOPE_READ, SCOPE_WRITE};
use url::Url;

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: 20,
        rate_limit: RateLimitConfig::unlimited(),
        locations: 2,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

pub fn app_for(sb: &Sandbox) -> OAuthApp {
    let client = sb.oauth_client();
    OAuthApp {
        client_id: client.client_id.clone(),
        client_secret: SecretString::new(client.client_secret.clone()),
        authorize_url: Url::parse(&sb.authorize_url()).expect("url"),
        token_url: Url::parse(&sb.token_url()).expect("url"),
        scopes: vec![SCOPE_READ.to_owned(), SCOPE_WRITE.to_owned()],
    }
}

/// Any free port, so tests can run in parallel.
pub fn loopback() -> LoopbackConfig {
    LoopbackConfig {
        ports: vec![0],
        timeout: Duration::from_secs(60),
        ..LoopbackConfig::default()
    }
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// Begins a login and registers its redirect URI with the sandbox.
pub async fn begin(sb: &Sandbox) -> PendingLogin {
    let pending = begin_login(&app_for(sb), &loopback())
        .await
        .expect("login begins");
    sb.register_redirect_uri(pending.redirect_uri().as_str());
    pending
}

/// Plays the browser: GET the authorize URL (the sandbox answers 302 at once
/// under `Consent::Approve`/`Deny`), then GET the redirect target. Returns
/// the callback page's status and HTML.
pub async fn follow_authorize(authorize_url: &Url) -> (u16, String) {
    let http = no_redirects();
    let response = http
        .get(authorize_url.clone())
        .send()
        .await
        .expect("authorize answers");
    assert_eq!(response.status().as_u16(), 302, "authorize redirects");
    let target = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_owned();
    assert!(target.starts_with("http://127.0.0.1:"), "{target}");
    let callback = http.get(&target).send().await.expect("callback answers");
    let status = callback.status().as_u16();
    (status, callback.text().await.expect("page"))
}

/// The callback URL the sandbox redirects to, without visiting it.
pub async fn redirect_target(authorize_url: &Url) -> String {
    let response = no_redirects()
        .get(authorize_url.clone())
        .send()
        .await
        .expect("authorize answers");
    assert_eq!(response.status().as_u16(), 302);
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_owned()
}

/// A complete login for the sandbox's first location.
pub async fn login(sb: &Sandbox) -> TokenSet {
    sb.set_consent(Consent::Approve {
        location_id: sb.location_id().to_owned(),
    });
    let pending = begin(sb).await;
    let url = pending.authorize_url().clone();
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let (status, page) = follow_authorize(&url).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(
            "You are signed in to Switchboard. You can close this tab and return to the app."
        ),
        "{page}"
    );
    finish.await.expect("task").expect("tokens")
}

/// A keyring store with a service name no other test uses. Panics (never
/// skips) when no Secret Service is reachable.
pub async fn keyring(test: &str) -> KeyringStore {
    let service = format!(
        "com.example.switchboard.test.{test}.{}.{}",
        std::process::id(),
        rand::random::<u32>()
    );
    let store = KeyringStore::new(service);
    if let Err(e) = auth::SecretStore::get(&store, "probe").await {
        panic!(
            "no usable Secret Service ({e}); run the keyring tests as \
             `scripts/with-keyring.sh cargo test -p auth`"
        );
    }
    store
}
