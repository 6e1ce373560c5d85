//! A client fed by a [`TokenSource`]: the Authorization header is built per
//! request, a 401 triggers exactly one refresh and one re-send, and tokens
//! never show up in Debug output or errors.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ok, status, Mock, Recorded, Reply};
use ghl::{
    AccessToken, Client, ClientConfig, Error, NoteInput, RetryPolicy, SearchRequest, TokenFuture,
    TokenSource,
};
use sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use url::Url;

/// Hands out `tokens[0]` until a refresh, then `tokens[1]`, and so on; the
/// last one stays. Refreshing past the end answers `refresh_error`.
struct Scripted {
    tokens: Vec<&'static str>,
    current: AtomicUsize,
    refreshes: AtomicUsize,
    rejected: Mutex<Vec<String>>,
    refresh_error: Option<fn() -> Error>,
}

impl Scripted {
    fn new(tokens: Vec<&'static str>) -> Arc<Scripted> {
        Arc::new(Scripted {
            tokens,
            current: AtomicUsize::new(0),
            refreshes: AtomicUsize::new(0),
            rejected: Mutex::default(),
            refresh_error: None,
        })
    }

    fn failing_refresh(tokens: Vec<&'static str>, error: fn() -> Error) -> Arc<Scripted> {
        Arc::new(Scripted {
            refresh_error: Some(error),
            ..Arc::into_inner(Scripted::new(tokens)).expect("sole owner")
        })
    }

    fn token(&self) -> AccessToken {
        let i = self
            .current
            .load(Ordering::SeqCst)
            .min(self.tokens.len() - 1);
        AccessToken::new(self.tokens[i])
    }
}

impl TokenSource for Scripted {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move { Ok(self.token()) })
    }

    fn refresh_after_unauthorized<'a>(&'a self, rejected: &'a AccessToken) -> TokenFuture<'a> {
        Box::pin(async move {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            self.rejected
                .lock()
                .expect("lock")
                .push(rejected.expose().to_owned());
            if let Some(error) = self.refresh_error {
                return Err(error());
            }
            self.current.fetch_add(1, Ordering::SeqCst);
            Ok(self.token())
        })
    }
}

fn client(mock: &Mock, source: Arc<Scripted>) -> Client {
    let config = ClientConfig::new(mock.base.clone(), "loc-1").with_retry_policy(RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_rate_limit_wait: Duration::from_secs(5),
    });
    Client::with_token_source(config, source).expect("client")
}

fn unauthorized() -> Reply {
    status(
        401,
        json!({ "statusCode": 401, "message": "Invalid JWT", "error": "Unauthorized" }),
    )
}

fn bearer(r: &Recorded) -> &str {
    r.header("authorization").expect("authorization header")
}

#[tokio::test]
async fn a_401_refreshes_once_and_resends_the_same_request() {
    let mock = Mock::sequence(vec![
        unauthorized(),
        Reply::Json(
            201,
            Vec::new(),
            json!({ "note": { "id": "n1", "body": "hello", "contactId": "c1" } }).to_string(),
        ),
    ])
    .await;
    let source = Scripted::new(vec!["old-token", "new-token"]);
    let c = client(&mock, source.clone());

    // A create: not idempotent, yet safe to re-send after a 401.
    let note = c
        .create_note("c1", &NoteInput::new("hello"))
        .await
        .expect("succeeds after the refresh");
    assert_eq!(note.id, "n1");

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(bearer(&requests[0]), "Bearer old-token");
    assert_eq!(bearer(&requests[1]), "Bearer new-token");
    assert_eq!(requests[0].body, requests[1].body, "the same request again");
    assert_eq!(requests[0].target, requests[1].target);
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(*source.rejected.lock().expect("lock"), vec!["old-token"]);
    // The re-send is not a retry of a failed attempt.
    assert_eq!(c.stats().requests, 2);
    assert_eq!(c.stats().retries, 0);

    // The next call uses the refreshed token straight away.
    let mock2 = Mock::sequence(vec![ok(json!({ "contacts": [], "total": 0 }))]).await;
    let c2 = client(&mock2, source.clone());
    c2.search_contacts(&SearchRequest::default())
        .await
        .expect("search");
    assert_eq!(bearer(&mock2.last()), "Bearer new-token");
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_second_401_is_returned_as_is() {
    let mock = Mock::sequence(vec![unauthorized(), unauthorized(), unauthorized()]).await;
    let source = Scripted::new(vec!["t1", "t2", "t3"]);
    let c = client(&mock, source.clone());
    let err = c.get_contact("c1").await.expect_err("still unauthorized");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(mock.requests().len(), 2, "one re-send only");
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_refresh_surfaces_reauth_required() {
    let mock = Mock::sequence(vec![unauthorized()]).await;
    let source = Scripted::failing_refresh(vec!["t1"], || Error::ReauthRequired {
        message: "the sign-in expired".into(),
    });
    let c = client(&mock, source.clone());
    let err = c.get_contact("c1").await.expect_err("reauth");
    assert_eq!(err.code(), "reauth_required");
    assert_eq!(mock.requests().len(), 1, "nothing re-sent without a token");
}

#[tokio::test]
async fn a_scope_401_is_not_a_refresh_reason() {
    // "not authorized for this scope" maps to Forbidden: a new token would not help.
    let mock = Mock::sequence(vec![status(
        401,
        json!({ "statusCode": 401, "message": "The token is not authorized for this scope." }),
    )])
    .await;
    let source = Scripted::new(vec!["t1", "t2"]);
    let c = client(&mock, source.clone());
    let err = c.get_contact("c1").await.expect_err("forbidden");
    assert_eq!(err.code(), "forbidden");
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 0);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_static_token_is_not_refreshed() {
    let mock = Mock::sequence(vec![unauthorized(), unauthorized()]).await;
    let c = Client::new(
        ClientConfig::new(mock.base.clone(), "loc-1"),
        AccessToken::new("static-token"),
    )
    .expect("client");
    let err = c.get_contact("c1").await.expect_err("unauthorized");
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn tokens_never_show_in_debug_or_errors() {
    // The API echoes the token it rejected; the error must not repeat it.
    let mock = Mock::start(|_, r| {
        let sent = r.header("authorization").unwrap_or_default().to_owned();
        status(
            401,
            json!({ "message": format!("token {sent} is invalid") }),
        )
    })
    .await;
    let source = Scripted::new(vec!["first-secret-abc", "second-secret-xyz"]);
    let c = client(&mock, source.clone());
    let err = c.get_contact("c1").await.expect_err("unauthorized");
    for shown in [format!("{err}"), format!("{err:?}"), format!("{c:?}")] {
        assert!(!shown.contains("secret"), "{shown}");
    }
    assert_eq!(mock.requests().len(), 2);

    // A source that cannot produce a token: nothing is sent at all.
    struct Broken;
    impl TokenSource for Broken {
        fn access_token(&self) -> TokenFuture<'_> {
            Box::pin(async {
                Err(Error::ReauthRequired {
                    message: "signed out".into(),
                })
            })
        }
        fn refresh_after_unauthorized<'a>(&'a self, _: &'a AccessToken) -> TokenFuture<'a> {
            Box::pin(async { unreachable!("no request was sent") })
        }
    }
    let mock = Mock::sequence(vec![]).await;
    let c = Client::with_token_source(
        ClientConfig::new(mock.base.clone(), "loc"),
        Arc::new(Broken),
    )
    .expect("client");
    assert_eq!(
        c.get_contact("c1").await.map_err(|e| e.code()).err(),
        Some("reauth_required")
    );
    assert!(mock.requests().is_empty());

    // A token a header cannot carry is a configuration error without the value.
    let source = Scripted::new(vec!["bad\nsecret-value"]);
    let c = client(&Mock::sequence(vec![]).await, source);
    let err = c.get_contact("c1").await.expect_err("rejected");
    assert_eq!(err.code(), "internal");
    assert!(!format!("{err} {err:?}").contains("secret-value"));
}

#[tokio::test]
async fn against_the_sandbox_an_unknown_token_is_replaced() {
    let sb = Sandbox::start(SandboxConfig {
        contacts: 3,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let real: &'static str = Box::leak(sb.access_token().to_owned().into_boxed_str());
    let source = Scripted::new(vec!["not-a-sandbox-token", real]);
    let c = Client::with_token_source(
        ClientConfig::new(Url::parse(&sb.base_url()).expect("url"), sb.location_id()),
        source.clone(),
    )
    .expect("client");
    let page = c
        .search_contacts(&SearchRequest::default())
        .await
        .expect("search after refresh");
    assert_eq!(page.total, 3);
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);
}
