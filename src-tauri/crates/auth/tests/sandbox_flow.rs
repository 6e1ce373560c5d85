//! The whole flow against the sandbox's OAuth emulation: login, denial,
//! code replay, refresh ahead of expiry and after 401 (single-flight),
//! invalid_grant, keyring write failure, Private Integration Tokens.
//! Secrets go to a `MemoryStore` here; `keyring.rs` uses the real keyring.

mod common;

use std::sync::Arc;
use std::time::Duration;

use auth::{
    location_key, verify_private_integration_token, CancellationToken, Credential, Error,
    LocationSession, MemoryStore, SecretStore, SecretString, SessionOptions, SessionStatus,
};
use common::{app_for, begin, follow_authorize, login, redirect_target, sandbox};
use ghl::{ClientConfig, RateLimit, SearchRequest};
use sandbox::{Consent, Sandbox, SCOPE_READ};
use url::Url;

fn client_config(sb: &Sandbox, location: &str) -> ClientConfig {
    ClientConfig::new(Url::parse(&sb.base_url()).expect("url"), location).with_rate_limit(
        RateLimit {
            max_per_interval: 100_000,
            interval: Duration::from_secs(1),
            daily: u64::MAX,
        },
    )
}

async fn signed_in(sb: &Sandbox, store: Arc<MemoryStore>) -> LocationSession {
    let tokens = login(sb).await;
    LocationSession::sign_in(
        Credential::OAuth(tokens),
        Some(app_for(sb)),
        store,
        SessionOptions::default(),
    )
    .await
    .expect("signed in")
}

/// The credential in the store's entry for `location` (the keyring format
/// is a versioned `Credential`).
async fn stored(store: &MemoryStore, location: &str) -> Credential {
    let text = store
        .get(&location_key(location))
        .await
        .expect("store")
        .expect("entry exists");
    serde_json::from_str(text.expose()).expect("a credential")
}

fn oauth(c: &Credential) -> &auth::TokenSet {
    match c {
        Credential::OAuth(t) => t,
        other => panic!("not OAuth: {other:?}"),
    }
}

#[tokio::test]
async fn full_login_with_approve() {
    let sb = sandbox().await;
    let tokens = login(&sb).await;
    assert_eq!(tokens.location_id, sb.location_id());
    assert_eq!(tokens.user_type.as_deref(), Some("Location"));
    assert!(tokens.company_id.is_some());
    assert!(tokens.user_id.is_some());
    assert_eq!(tokens.scopes, vec!["contacts.readonly", "contacts.write"]);
    let left = tokens.expires_at - time::OffsetDateTime::now_utc();
    assert!(left > time::Duration::hours(23), "{left}");
    let shown = format!("{tokens:?}");
    assert!(!shown.contains(tokens.access_token.expose()), "{shown}");
    assert!(!shown.contains(tokens.refresh_token.expose()), "{shown}");
    let stats = sb.oauth_stats();
    assert_eq!((stats.codes_issued, stats.code_exchanges), (1, 1));

    // The token works against the API.
    let client = ghl::Client::new(client_config(&sb, sb.location_id()), tokens.access_token())
        .expect("client");
    let page = client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("search");
    assert_eq!(page.total, 20);
}

#[tokio::test]
async fn login_for_another_location() {
    let sb = sandbox().await;
    let other = sb.locations()[1].clone();
    sb.set_consent(Consent::Approve {
        location_id: other.id.clone(),
    });
    let pending = begin(&sb).await;
    let url = pending.authorize_url().clone();
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    follow_authorize(&url).await;
    let tokens = finish.await.expect("task").expect("tokens");
    assert_eq!(tokens.location_id, other.id);
}

#[tokio::test]
async fn denied_login() {
    let sb = sandbox().await;
    sb.set_consent(Consent::Deny);
    let pending = begin(&sb).await;
    let url = pending.authorize_url().clone();
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let (status, page) = follow_authorize(&url).await;
    assert_eq!(status, 400);
    assert!(page.contains("declined"), "{page}");
    let result = finish.await.expect("task");
    assert!(matches!(result, Err(Error::Denied { .. })), "{result:?}");
    assert_eq!(sb.oauth_stats().code_exchanges, 0);
}

#[tokio::test]
async fn a_replayed_code_is_refused_by_the_token_endpoint() {
    let sb = sandbox().await;
    sb.set_consent(Consent::Approve {
        location_id: sb.location_id().to_owned(),
    });
    let pending = begin(&sb).await;
    let target = redirect_target(pending.authorize_url()).await;
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let http = common::no_redirects();
    assert_eq!(
        http.get(&target).send().await.expect("callback").status(),
        200
    );
    finish.await.expect("task").expect("first exchange");

    // The same code (and state) again, through a second login whose state
    // matches: the listener accepts it, the token endpoint must not.
    let code = Url::parse(&target)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let pending = begin(&sb).await;
    let state = pending
        .authorize_url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let replay = format!("{}?code={}&state={}", pending.redirect_uri(), code, state);
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let response = http.get(&replay).send().await.expect("callback");
    assert_eq!(response.status(), 400);
    let page = response.text().await.expect("page");
    assert!(page.contains("authorization code was refused"), "{page}");
    let err = finish.await.expect("task").expect_err("replay refused");
    assert_eq!(err.code(), "token_endpoint");
    assert!(!err.to_string().contains(&code), "{err}");
    assert_eq!(sb.oauth_stats().code_exchanges, 1);

    // And the first callback URL cannot be replayed at all: that listener is gone.
    assert!(http.get(&target).send().await.is_err());
}

#[tokio::test]
async fn refresh_ahead_of_expiry() {
    let sb = sandbox().await;
    // Issued with 30 s left: inside the 60 s margin.
    sb.set_token_lifetime(Duration::from_secs(30));
    let store = Arc::new(MemoryStore::new());
    let session = signed_in(&sb, store.clone()).await;
    let first = oauth(&stored(&store, sb.location_id()).await).clone();
    sb.set_token_lifetime(sandbox::DEFAULT_TOKEN_LIFETIME);

    let token = session.access_token().await.expect("refreshed");
    assert_ne!(token.expose(), first.access_token.expose());
    assert_eq!(sb.oauth_stats().refreshes, 1);
    assert_eq!(session.refresh_count(), 1);
    // The keyring entry holds the rotated pair.
    let now = oauth(&stored(&store, sb.location_id()).await).clone();
    assert_eq!(now.access_token.expose(), token.expose());
    assert_ne!(now.refresh_token, first.refresh_token);

    // Now a day ahead: no further refresh.
    let again = session.access_token().await.expect("token");
    assert_eq!(again, token);
    assert_eq!(sb.oauth_stats().refreshes, 1);
    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("works");
    assert_eq!(session.status(), SessionStatus::Active);
}

#[tokio::test]
async fn a_margin_larger_than_the_lifetime_refreshes_every_time() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    let tokens = login(&sb).await;
    let session = LocationSession::sign_in(
        Credential::OAuth(tokens),
        Some(app_for(&sb)),
        store,
        SessionOptions {
            refresh_margin: Duration::from_secs(2 * 86_400),
            ..SessionOptions::default()
        },
    )
    .await
    .expect("session");
    let a = session.access_token().await.expect("a");
    let b = session.access_token().await.expect("b");
    assert_ne!(a, b);
    assert_eq!(sb.oauth_stats().refreshes, 2);
}

#[tokio::test]
async fn fifty_concurrent_calls_with_an_expired_token_refresh_once() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    let session = signed_in(&sb, store.clone()).await;
    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("warm up");
    sb.expire_access_tokens();

    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                client.search_contacts(&SearchRequest::default()).await
            })
        })
        .collect();
    for call in calls {
        let page = call.await.expect("task").expect("every call succeeds");
        assert_eq!(page.total, 20);
    }
    assert_eq!(sb.oauth_stats().refreshes, 1);
    assert_eq!(sb.oauth_stats().refused_grants, 0);
    assert_eq!(session.refresh_count(), 1);
    let entry = oauth(&stored(&store, sb.location_id()).await).clone();
    assert_eq!(
        entry.access_token.expose(),
        session.access_token().await.expect("token").expose()
    );
}

#[tokio::test]
async fn invalid_grant_requires_reauth_and_keeps_the_entry() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    let session = signed_in(&sb, store.clone()).await;
    let tokens = oauth(&stored(&store, sb.location_id()).await).clone();

    // Someone else spends the refresh token (rotation retires it).
    let app = app_for(&sb);
    let response = reqwest::Client::new()
        .post(sb.token_url())
        .form(&[
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens.refresh_token.expose()),
            ("user_type", "Location"),
        ])
        .send()
        .await
        .expect("refresh");
    assert_eq!(response.status(), 200);
    sb.expire_access_tokens();

    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    let err = client
        .search_contacts(&SearchRequest::default())
        .await
        .expect_err("reauth");
    assert_eq!(err.code(), "reauth_required");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(tokens.refresh_token.expose()), "{shown}");
        assert!(!shown.contains(tokens.access_token.expose()), "{shown}");
    }
    assert!(matches!(
        session.status(),
        SessionStatus::NeedsReconnect { .. }
    ));
    let refused = sb.oauth_stats().refused_grants;
    assert_eq!(refused, 1);

    // No more attempts with the dead refresh token.
    let again = session
        .access_token()
        .await
        .expect_err("marked for reconnect");
    assert_eq!(again.code(), "reauth_required");
    let err = session
        .refresh_after_unauthorized(&tokens.access_token())
        .await
        .expect_err("still reauth");
    assert_eq!(err.code(), "reauth_required");
    assert!(client
        .search_contacts(&SearchRequest::default())
        .await
        .is_err());
    assert_eq!(sb.oauth_stats().refused_grants, refused);

    // The entry stays, so the cache and screen can stay.
    assert!(store
        .get(&location_key(sb.location_id()))
        .await
        .expect("store")
        .is_some());

    // Reconnect: a new login for the same location revives the same clients.
    let fresh = login(&sb).await;
    session
        .reconnect(Credential::OAuth(fresh.clone()))
        .await
        .expect("reconnected");
    assert_eq!(session.status(), SessionStatus::Active);
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("works again");
    assert_eq!(
        oauth(&stored(&store, sb.location_id()).await).refresh_token,
        fresh.refresh_token
    );
}

#[tokio::test]
async fn a_failed_keyring_write_is_reported_and_the_pair_kept_in_memory() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    let session = signed_in(&sb, store.clone()).await;
    let before = oauth(&stored(&store, sb.location_id()).await).clone();
    let mut status = session.subscribe();
    store.set_fail_writes(true);
    sb.expire_access_tokens();
    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("the call still works this run");
    status.changed().await.expect("status changed");
    assert!(
        matches!(&*status.borrow(), SessionStatus::NotPersisted { reason } if reason.contains("switched off")),
        "{:?}",
        session.status()
    );
    // The keyring still has the old pair; memory has the new one.
    assert_eq!(
        oauth(&stored(&store, sb.location_id()).await).refresh_token,
        before.refresh_token
    );
    assert_ne!(
        session.access_token().await.expect("token").expose(),
        before.access_token.expose()
    );

    // The next successful refresh persists and clears the warning.
    store.set_fail_writes(false);
    sb.expire_access_tokens();
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("works");
    assert_eq!(session.status(), SessionStatus::Active);
    assert_eq!(
        oauth(&stored(&store, sb.location_id()).await)
            .access_token
            .expose(),
        session.access_token().await.expect("token").expose()
    );
}

#[tokio::test]
async fn sign_in_fails_when_the_keyring_is_unavailable() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    store.set_unavailable(true);
    let tokens = login(&sb).await;
    let err = LocationSession::sign_in(
        Credential::OAuth(tokens.clone()),
        Some(app_for(&sb)),
        store,
        SessionOptions::default(),
    )
    .await
    .expect_err("nowhere to save");
    assert_eq!(err.code(), "keyring_unavailable");
    assert!(!err.to_string().contains(tokens.access_token.expose()));
}

#[tokio::test]
async fn private_integration_tokens() {
    let sb = sandbox().await;
    let base = Url::parse(&sb.base_url()).expect("url");
    let pit = SecretString::new(sb.issue_token(&[SCOPE_READ]));
    verify_private_integration_token(&base, sb.location_id(), &pit)
        .await
        .expect("accepted");

    let err = verify_private_integration_token(
        &base,
        sb.location_id(),
        &SecretString::new("pit-not-a-real-token"),
    )
    .await
    .expect_err("rejected");
    assert_eq!(err.code(), "token_rejected");
    assert!(err.to_string().contains("did not accept"), "{err}");
    assert!(!err.to_string().contains("pit-not-a-real-token"));

    // A token of another location.
    let other = &sb.locations()[1];
    let foreign = SecretString::new(sb.issue_token_for(&other.id, &[SCOPE_READ]));
    let err = verify_private_integration_token(&base, sb.location_id(), &foreign)
        .await
        .expect_err("wrong location");
    assert_eq!(err.code(), "token_rejected", "{err}");
    assert!(!err.to_string().contains(foreign.expose()));

    // A session on a PIT never refreshes; a 401 means "paste a new token".
    let store = Arc::new(MemoryStore::new());
    let session = LocationSession::sign_in(
        Credential::PrivateIntegration {
            token: SecretString::new("pit-revoked-meanwhile"),
            location_id: sb.location_id().to_owned(),
        },
        None,
        store.clone(),
        SessionOptions::default(),
    )
    .await
    .expect("session");
    assert_eq!(session.method(), auth::AuthMethod::Pit);
    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    let err = client
        .search_contacts(&SearchRequest::default())
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), "reauth_required");
    assert!(
        err.to_string().contains("Private Integration Token"),
        "{err}"
    );
    assert!(matches!(
        session.status(),
        SessionStatus::NeedsReconnect { .. }
    ));
    assert_eq!(sb.oauth_stats().refreshes, 0);

    // A good PIT works through the session.
    let good = LocationSession::new(
        Credential::PrivateIntegration {
            token: pit.clone(),
            location_id: sb.location_id().to_owned(),
        },
        None,
        store,
        SessionOptions::default(),
    )
    .expect("session");
    good.ghl_client(client_config(&sb, sb.location_id()))
        .expect("client")
        .search_contacts(&SearchRequest::default())
        .await
        .expect("works");
}

#[tokio::test]
async fn no_token_or_secret_appears_in_debug_display_or_errors() {
    let sb = sandbox().await;
    let store = Arc::new(MemoryStore::new());
    let app = app_for(&sb);
    let tokens = login(&sb).await;
    let secrets = [
        tokens.access_token.expose().to_owned(),
        tokens.refresh_token.expose().to_owned(),
        app.client_secret.expose().to_owned(),
    ];
    let credential = Credential::OAuth(tokens.clone());
    let session = LocationSession::sign_in(
        credential.clone(),
        Some(app.clone()),
        store.clone(),
        SessionOptions::default(),
    )
    .await
    .expect("session");
    let client = session
        .ghl_client(client_config(&sb, sb.location_id()))
        .expect("client");
    let pending = begin(&sb).await;

    // Errors along the way: a refused refresh and the 401 behind it.
    let app_with_wrong_secret = auth::OAuthApp {
        client_secret: SecretString::new(format!("{}-wrong", app.client_secret.expose())),
        ..app.clone()
    };
    let broken = LocationSession::new(
        credential.clone(),
        Some(app_with_wrong_secret),
        Arc::new(MemoryStore::new()),
        SessionOptions::default(),
    )
    .expect("session");
    let refresh_error = broken
        .refresh_after_unauthorized(&tokens.access_token())
        .await
        .expect_err("wrong client secret");
    assert_eq!(refresh_error.code(), "token_endpoint");
    let refresh_shown = format!("{refresh_error} {refresh_error:?}");
    let as_ghl: ghl::Error = refresh_error.into();

    let shown = [
        format!("{tokens:?}"),
        format!("{credential:?}"),
        format!("{session:?}"),
        format!("{client:?}"),
        format!("{app:?}"),
        format!("{pending:?}"),
        format!("{:?}", session.status()),
        refresh_shown,
        format!("{as_ghl} {as_ghl:?}"),
        format!("{:?}", tokens.access_token()),
        format!("{}", tokens.access_token),
    ];
    for text in &shown {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into: {text}"
            );
        }
    }
    drop(pending);
}
