//! OAuth 2.0 and several locations, over real HTTP with redirects not followed:
//! the authorize endpoint, consent, the token endpoint (every answer checked
//! against `ghl/apps/oauth.json`) and tokens bound to one location.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode};
use sandbox::spec::{self, SchemaValidator, Spec};
use sandbox::{
    Consent, RateLimitConfig, RecordedRequest, Sandbox, SandboxConfig, API_VERSION,
    SCOPE_LOCATIONS_READ, SCOPE_READ, SCOPE_WRITE,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::macros::datetime;

const TOKEN: &str = "/oauth/token";
const CONTACTS: usize = 300;
const SCOPES: &str = "contacts.readonly contacts.write";
/// Characters a client may put in `state` that need encoding.
const STATE: &str = "s/1 +=&ü";

async fn start(locations: usize) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: CONTACTS,
        seed: 42,
        port: 0,
        anchor: Some(datetime!(2026-06-15 17:30:00 UTC)),
        rate_limit: RateLimitConfig::unlimited(),
        locations,
    })
    .await
    .unwrap_or_else(|e| panic!("sandbox did not start: {e}"))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A loopback redirect URI on a random port, registered with the sandbox.
fn redirect_uri(sb: &Sandbox) -> String {
    let port = 20_000 + rand::random::<u16>() % 40_000;
    let uri = format!("http://127.0.0.1:{port}/oauth/callback");
    sb.register_redirect_uri(&uri);
    uri
}

/// RFC 7636: a random verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

struct Flow {
    redirect_uri: String,
    challenge: Option<String>,
    scope: String,
    state: String,
}

impl Flow {
    fn new(sb: &Sandbox) -> Flow {
        Flow {
            redirect_uri: redirect_uri(sb),
            challenge: None,
            scope: SCOPES.to_owned(),
            state: STATE.to_owned(),
        }
    }

    fn params(&self, sb: &Sandbox) -> Vec<(String, String)> {
        let mut p = vec![
            ("response_type".to_owned(), "code".to_owned()),
            ("client_id".to_owned(), sb.oauth_client().client_id),
            ("redirect_uri".to_owned(), self.redirect_uri.clone()),
            ("scope".to_owned(), self.scope.clone()),
            ("state".to_owned(), self.state.clone()),
            ("loginWindowOpenMode".to_owned(), "self".to_owned()),
        ];
        if let Some(c) = &self.challenge {
            p.push(("code_challenge".to_owned(), c.clone()));
            p.push(("code_challenge_method".to_owned(), "S256".to_owned()));
        }
        p
    }
}

async fn authorize_at(url: &str, params: &[(String, String)]) -> reqwest::Response {
    http()
        .get(url)
        .query(params)
        .send()
        .await
        .unwrap_or_else(|e| panic!("authorize failed: {e}"))
}

/// The redirect's target without its query, and the query's pairs.
#[track_caller]
fn redirected(response: &reqwest::Response) -> (String, HashMap<String, String>) {
    assert_eq!(response.status(), StatusCode::FOUND, "not a redirect");
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Location header"));
    let url = url::Url::parse(location).unwrap_or_else(|e| panic!("{location}: {e}"));
    let pairs = url.query_pairs().into_owned().collect();
    let mut base = url.clone();
    base.set_query(None);
    (base.to_string(), pairs)
}

/// Runs authorize with consent approved for `location_id`; returns the code.
async fn code_for(sb: &Sandbox, flow: &Flow, location_id: &str) -> String {
    sb.set_consent(Consent::Approve {
        location_id: location_id.to_owned(),
    });
    let response = authorize_at(&sb.authorize_url(), &flow.params(sb)).await;
    let (target, query) = redirected(&response);
    assert_eq!(target, flow.redirect_uri);
    assert_eq!(query.get("state").map(String::as_str), Some(STATE));
    query
        .get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code in {query:?}"))
}

async fn token(sb: &Sandbox, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(sb.token_url())
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("token request failed: {e}"));
    let status = response.status();
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("token answer is not JSON: {e}"));
    (status, body)
}

async fn exchange(
    sb: &Sandbox,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> (StatusCode, Value) {
    let client = sb.oauth_client();
    let mut form = vec![
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.as_str()),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("user_type", "Location"),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    token(sb, &form).await
}

async fn refresh(sb: &Sandbox, refresh_token: &str) -> (StatusCode, Value) {
    let client = sb.oauth_client();
    token(
        sb,
        &[
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("user_type", "Location"),
        ],
    )
    .await
}

fn str_of<'v>(body: &'v Value, key: &str) -> &'v str {
    body[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key} in {body}"))
}

/// Checks every token answer against the spec.
struct Contract {
    spec: Spec,
}

impl Contract {
    fn load() -> Contract {
        let spec = spec::ghl_oauth().unwrap_or_else(|e| panic!("cannot load oauth.json: {e}"));
        spec.check_sound().unwrap_or_else(|e| panic!("{e}"));
        Contract { spec }
    }

    fn validator(&self, status: u16) -> SchemaValidator {
        self.spec
            .response_validator("post", TOKEN, status)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Valid for its status, and without keys the DTO lacks beyond the OAuth
    /// error fields (RFC 6749 §5.2) and GHL's `traceId`.
    #[track_caller]
    fn check(&self, status: StatusCode, body: &Value) {
        let v = self.validator(status.as_u16());
        if let Err(errors) = v.validate(body) {
            panic!("{} rejects {body}: {errors:?}", v.name);
        }
        let extras: Vec<String> = v
            .undeclared_keys(body)
            .into_iter()
            .filter(|k| !["/error", "/error_description", "/traceId"].contains(&k.as_str()))
            .collect();
        assert!(extras.is_empty(), "{}: undeclared {extras:?}", v.name);
        if status != StatusCode::OK {
            assert_eq!(body["statusCode"], json!(status.as_u16()));
            assert!(body["error"].is_string(), "{body}");
            assert!(body["error_description"].is_string(), "{body}");
        }
    }

    /// A refusal with this status and OAuth error code, valid against the spec.
    #[track_caller]
    fn refused(&self, answer: &(StatusCode, Value), status: u16, error: &str) {
        let (got, body) = answer;
        assert_eq!(
            (got.as_u16(), body["error"].as_str()),
            (status, Some(error)),
            "{body}"
        );
        self.check(*got, body);
    }
}

async fn api_get(sb: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    common::send(
        common::bare(sb, Method::GET, path)
            .bearer_auth(token)
            .header("Version", API_VERSION),
    )
    .await
}

#[tokio::test]
async fn code_flow_with_pkce_gives_a_working_token() {
    let contract = Contract::load();
    let sb = start(2).await;
    sb.record_requests(true);
    let mut flow = Flow::new(&sb);
    let (verifier, challenge) = pkce();
    flow.challenge = Some(challenge);
    let location = sb.location_id().to_owned();
    let code = code_for(&sb, &flow, &location).await;

    let answer = exchange(&sb, &code, &flow.redirect_uri, Some(&verifier)).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    contract.check(answer.0, &answer.1);
    let body = &answer.1;
    assert_eq!(str_of(body, "token_type"), "Bearer");
    assert_eq!(body["expires_in"], json!(86_399));
    assert_eq!(str_of(body, "scope"), SCOPES);
    assert_eq!(str_of(body, "userType"), "Location");
    assert_eq!(str_of(body, "locationId"), location);
    let users = sb.dataset().read().await.location.users.clone();
    assert_eq!(str_of(body, "userId"), users[0].id);
    assert!(!str_of(body, "companyId").is_empty());
    assert_ne!(str_of(body, "refresh_token"), str_of(body, "access_token"));

    // The access token works on reads and writes of its location.
    let access = str_of(body, "access_token");
    let (status, page) = api_get(&sb, access, &format!("/contacts/?locationId={location}")).await;
    assert_eq!(status, 200, "{page}");
    let id = page["contacts"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _) = api_get(&sb, access, &format!("/contacts/{id}")).await;
    assert_eq!(status, 200);
    let (status, note) = common::call_as(
        &sb,
        access,
        Method::POST,
        &format!("/contacts/{id}/notes"),
        Some(json!({ "body": "Signed in with OAuth" })),
    )
    .await;
    assert_eq!(status, 201, "{note}");

    let stats = sb.oauth_stats();
    assert_eq!((stats.codes_issued, stats.code_exchanges), (1, 1));
    assert_eq!((stats.refreshes, stats.refused_grants), (0, 0));

    // The token request as sent is a valid GetAccessCodebodyDto.
    let recorded: Vec<RecordedRequest> = sb
        .take_recorded_requests()
        .into_iter()
        .filter(|r| r.path == TOKEN)
        .collect();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].route.as_deref(), Some(TOKEN));
    let checker = contract.spec.request_checker();
    if let Err(problems) = checker.check(&recorded[0]) {
        panic!("{problems:?}");
    }
    assert_eq!(sb.stats().by_route.get("POST /oauth/token"), Some(&1));
    sb.shutdown().await;
}

#[tokio::test]
async fn code_flow_without_pkce_and_on_the_older_path() {
    let contract = Contract::load();
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    sb.set_consent(Consent::Approve {
        location_id: sb.location_id().to_owned(),
    });
    let legacy = format!("{}/oauth/chooselocation", sb.base_url());
    let (_, query) = redirected(&authorize_at(&legacy, &flow.params(&sb)).await);
    let code = &query["code"];
    let answer = exchange(&sb, code, &flow.redirect_uri, None).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    contract.check(answer.0, &answer.1);
    let (status, _) = api_get(
        &sb,
        str_of(&answer.1, "access_token"),
        &format!("/contacts/?locationId={}", sb.location_id()),
    )
    .await;
    assert_eq!(status, 200);

    // redirect_uri may be left out of the token request.
    let code = code_for(&sb, &flow, sb.location_id()).await;
    let client = sb.oauth_client();
    let answer = token(
        &sb,
        &[
            ("client_id", &client.client_id),
            ("client_secret", &client.client_secret),
            ("grant_type", "authorization_code"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    sb.shutdown().await;
}

#[tokio::test]
async fn pkce_is_enforced() {
    let contract = Contract::load();
    let sb = start(1).await;
    let loc = sb.location_id().to_owned();
    let mut flow = Flow::new(&sb);
    let (verifier, challenge) = pkce();
    flow.challenge = Some(challenge);

    let (other, _) = pkce();
    let code = code_for(&sb, &flow, &loc).await;
    let wrong = exchange(&sb, &code, &flow.redirect_uri, Some(&other)).await;
    contract.refused(&wrong, 400, "invalid_grant");
    // A failed attempt spends the code.
    let again = exchange(&sb, &code, &flow.redirect_uri, Some(&verifier)).await;
    contract.refused(&again, 400, "invalid_grant");

    let code = code_for(&sb, &flow, &loc).await;
    let missing = exchange(&sb, &code, &flow.redirect_uri, None).await;
    contract.refused(&missing, 400, "invalid_grant");

    // A verifier for a code issued without a challenge is refused too.
    flow.challenge = None;
    let code = code_for(&sb, &flow, &loc).await;
    let unasked = exchange(&sb, &code, &flow.redirect_uri, Some(&verifier)).await;
    contract.refused(&unasked, 400, "invalid_grant");

    // Malformed verifiers are a bad request.
    let code = code_for(&sb, &flow, &loc).await;
    let short = exchange(&sb, &code, &flow.redirect_uri, Some("short")).await;
    contract.refused(&short, 400, "invalid_request");

    // `plain` is not offered: the error goes back to the app.
    let mut params = flow.params(&sb);
    params.push(("code_challenge".to_owned(), "a".repeat(43)));
    params.push(("code_challenge_method".to_owned(), "plain".to_owned()));
    let (_, query) = redirected(&authorize_at(&sb.authorize_url(), &params).await);
    assert_eq!(query["error"], "invalid_request");
    assert_eq!(query["state"], STATE);
    assert_eq!(sb.oauth_stats().refused_grants, 5);
    assert_eq!(sb.oauth_stats().code_exchanges, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn codes_are_single_use_and_expire() {
    let contract = Contract::load();
    let sb = start(1).await;
    let loc = sb.location_id().to_owned();
    let flow = Flow::new(&sb);

    let code = code_for(&sb, &flow, &loc).await;
    let first = exchange(&sb, &code, &flow.redirect_uri, None).await;
    assert_eq!(first.0, StatusCode::OK);
    let replay = exchange(&sb, &code, &flow.redirect_uri, None).await;
    contract.refused(&replay, 400, "invalid_grant");
    assert!(
        str_of(&replay.1, "message").starts_with("Invalid grant"),
        "{}",
        replay.1
    );

    sb.set_code_lifetime(Duration::from_millis(200));
    let code = code_for(&sb, &flow, &loc).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let late = exchange(&sb, &code, &flow.redirect_uri, None).await;
    contract.refused(&late, 400, "invalid_grant");

    let code = code_for(&sb, &flow, &loc).await;
    let fresh = exchange(&sb, &code, &flow.redirect_uri, None).await;
    assert_eq!(fresh.0, StatusCode::OK, "{}", fresh.1);

    let unknown = exchange(&sb, "no-such-code", &flow.redirect_uri, None).await;
    contract.refused(&unknown, 400, "invalid_grant");
    sb.shutdown().await;
}

#[tokio::test]
async fn redirect_uris_must_match_exactly() {
    let contract = Contract::load();
    let sb = start(1).await;
    let loc = sb.location_id().to_owned();
    let flow = Flow::new(&sb);
    let code = code_for(&sb, &flow, &loc).await;
    let other = redirect_uri(&sb);
    let mismatch = exchange(&sb, &code, &other, None).await;
    contract.refused(&mismatch, 400, "invalid_grant");

    // Unregistered (even a trailing slash more): a page, never a redirect.
    for uri in [
        format!("{}/", flow.redirect_uri),
        "http://127.0.0.1:1/elsewhere".to_owned(),
        String::new(),
    ] {
        let mut params = flow.params(&sb);
        params.retain(|(k, _)| k != "redirect_uri");
        params.push(("redirect_uri".to_owned(), uri.clone()));
        let response = authorize_at(&sb.authorize_url(), &params).await;
        assert_error_page(response, "redirect_uri").await;
    }
    assert!(sb
        .redirect_uris()
        .contains(&"http://127.0.0.1:47615/oauth/callback".to_owned()));
    sb.shutdown().await;
}

#[track_caller]
fn assert_html(response: &reqwest::Response) {
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
}

async fn assert_error_page(response: reqwest::Response, mentions: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
    assert_html(&response);
    let html = response.text().await.unwrap_or_default();
    assert!(html.contains(mentions), "{html}");
}

#[tokio::test]
async fn unknown_clients_are_refused() {
    let contract = Contract::load();
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    for client_id in ["someone-else", ""] {
        let mut params = flow.params(&sb);
        params.retain(|(k, _)| k != "client_id");
        params.push(("client_id".to_owned(), client_id.to_owned()));
        let response = authorize_at(&sb.authorize_url(), &params).await;
        assert_error_page(response, "client_id").await;
    }

    let code = code_for(&sb, &flow, sb.location_id()).await;
    let client = sb.oauth_client();
    let base = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    let with = |id: &'static str, secret: Option<&'static str>| {
        let mut form: Vec<(&str, &str)> = base.to_vec();
        form.push(("client_id", id));
        if let Some(s) = secret {
            form.push(("client_secret", s));
        }
        form
    };
    let wrong_secret = token(&sb, &with("x", Some("y"))).await;
    contract.refused(&wrong_secret, 401, "invalid_client");
    let mut form = base.to_vec();
    form.push(("client_id", &client.client_id));
    form.push(("client_secret", "not-the-secret"));
    contract.refused(&token(&sb, &form).await, 401, "invalid_client");
    form.pop();
    contract.refused(&token(&sb, &form).await, 401, "invalid_client");
    assert!(!wrong_secret.1.to_string().contains(&client.client_secret));

    // Credentials in an Authorization header instead of the form.
    let response = http()
        .post(sb.token_url())
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .form(&base)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap_or_default();
    assert!(str_of(&body, "error_description").contains("form body"));

    // The code was not spent by refused client authentication.
    let ok = exchange(&sb, &code, &flow.redirect_uri, None).await;
    assert_eq!(ok.0, StatusCode::OK, "{}", ok.1);
    sb.shutdown().await;
}

#[tokio::test]
async fn deny_and_bad_requests_go_back_to_the_app() {
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    sb.set_consent(Consent::Deny);
    let response = authorize_at(&sb.authorize_url(), &flow.params(&sb)).await;
    let (target, query) = redirected(&response);
    assert_eq!(target, flow.redirect_uri);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["error_description"], "The user denied access.");
    assert_eq!(query["state"], STATE);
    let raw = response.headers()[LOCATION].to_str().unwrap_or_default();
    assert!(
        raw.contains("error=access_denied&error_description=The+user+denied+access.&state="),
        "{raw}"
    );

    sb.set_consent(Consent::Interactive);
    for (key, value, error) in [
        ("response_type", "token", "unsupported_response_type"),
        (
            "scope",
            "contacts.readonly payments.everything",
            "invalid_scope",
        ),
        ("scope", "", "invalid_scope"),
    ] {
        let mut params = flow.params(&sb);
        params.retain(|(k, _)| k != key);
        params.push((key.to_owned(), value.to_owned()));
        let (_, query) = redirected(&authorize_at(&sb.authorize_url(), &params).await);
        assert_eq!(query["error"], error, "{key}={value}");
        assert_eq!(query["state"], STATE);
    }
    // No state sent, none echoed.
    let mut params = flow.params(&sb);
    params.retain(|(k, _)| k != "state" && k != "response_type");
    let (_, query) = redirected(&authorize_at(&sb.authorize_url(), &params).await);
    assert_eq!(query["error"], "invalid_request");
    assert!(!query.contains_key("state"));

    // An auto-approval for a location the sandbox lacks: server_error.
    sb.set_consent(Consent::Approve {
        location_id: "NoSuchLocation000000".to_owned(),
    });
    let (_, query) = redirected(&authorize_at(&sb.authorize_url(), &flow.params(&sb)).await);
    assert_eq!(query["error"], "server_error");
    assert_eq!(sb.oauth_stats().codes_issued, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let contract = Contract::load();
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    let code = code_for(&sb, &flow, sb.location_id()).await;
    let (_, first) = exchange(&sb, &code, &flow.redirect_uri, None).await;
    let old_refresh = str_of(&first, "refresh_token").to_owned();
    let old_access = str_of(&first, "access_token").to_owned();

    let answer = refresh(&sb, &old_refresh).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    contract.check(answer.0, &answer.1);
    let second = answer.1;
    assert_ne!(str_of(&second, "refresh_token"), old_refresh);
    assert_ne!(str_of(&second, "access_token"), old_access);
    assert_eq!(str_of(&second, "scope"), SCOPES);
    assert_eq!(str_of(&second, "locationId"), sb.location_id());

    let reused = refresh(&sb, &old_refresh).await;
    contract.refused(&reused, 400, "invalid_grant");
    assert_eq!(
        str_of(&reused.1, "message"),
        "Invalid grant: refresh token is invalid"
    );
    // The old access token stays valid until it expires; the new one works.
    let path = format!("/contacts/?locationId={}", sb.location_id());
    assert_eq!(api_get(&sb, &old_access, &path).await.0, 200);
    assert_eq!(
        api_get(&sb, str_of(&second, "access_token"), &path).await.0,
        200
    );
    let third = refresh(&sb, str_of(&second, "refresh_token")).await;
    assert_eq!(third.0, StatusCode::OK);

    let stats = sb.oauth_stats();
    assert_eq!((stats.refreshes, stats.refused_grants), (2, 1));
    sb.shutdown().await;
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_succeed_once() {
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    let code = code_for(&sb, &flow, sb.location_id()).await;
    let (_, pair) = exchange(&sb, &code, &flow.redirect_uri, None).await;
    let refresh_token = str_of(&pair, "refresh_token").to_owned();
    let client = sb.oauth_client();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let form = [
                ("client_id", client.client_id.clone()),
                ("client_secret", client.client_secret.clone()),
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", refresh_token.clone()),
                ("user_type", "Location".to_owned()),
            ];
            let request = http().post(sb.token_url()).form(&form);
            tokio::spawn(async move {
                let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
                let status = response.status();
                let body: Value = response.json().await.unwrap_or_default();
                (status, body)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap_or_else(|e| panic!("{e}")));
    }
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::BAD_REQUEST && b["error"] == "invalid_grant")
        .count();
    assert_eq!((ok, refused), (1, 49));
    assert_eq!(sb.oauth_stats().refreshes, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn expired_access_tokens_answer_401_until_refreshed() {
    let contracts = spec::ghl_contacts().unwrap_or_else(|e| panic!("{e}"));
    let unauthorized = contracts
        .response_validator("get", "/contacts/", 401)
        .unwrap_or_else(|e| panic!("{e}"));
    let sb = start(1).await;
    let flow = Flow::new(&sb);
    let path = format!("/contacts/?locationId={}", sb.location_id());
    let pit = sb.issue_token(&[SCOPE_READ]);

    // expire_access_tokens: every OAuth token at once, PIT-like ones never.
    let code = code_for(&sb, &flow, sb.location_id()).await;
    let (_, pair) = exchange(&sb, &code, &flow.redirect_uri, None).await;
    let access = str_of(&pair, "access_token");
    assert_eq!(api_get(&sb, access, &path).await.0, 200);
    sb.expire_access_tokens();
    let (status, body) = api_get(&sb, access, &path).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Invalid JWT"))
    );
    if let Err(e) = unauthorized.validate(&body) {
        panic!("{e:?}");
    }
    assert_eq!(api_get(&sb, &pit, &path).await.0, 200);
    assert_eq!(api_get(&sb, sb.access_token(), &path).await.0, 200);
    let (status, renewed) = refresh(&sb, str_of(&pair, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_eq!(
        api_get(&sb, str_of(&renewed, "access_token"), &path)
            .await
            .0,
        200
    );

    // A short lifetime: valid, then expired on its own.
    sb.set_token_lifetime(Duration::from_secs(1));
    let (_, short) = refresh(&sb, str_of(&renewed, "refresh_token")).await;
    assert_eq!(short["expires_in"], json!(1));
    let access = str_of(&short, "access_token");
    assert_eq!(api_get(&sb, access, &path).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(api_get(&sb, access, &path).await.0, 401);
    let (status, _) = refresh(&sb, str_of(&short, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn locations_are_separate() {
    let sb = start(3).await;
    let locations = sb.locations();
    assert_eq!(locations.len(), 3);
    assert_eq!(locations[0].id, sb.location_id());
    assert_eq!(locations[0].name, sb.location_name());
    assert_eq!(locations[0].name, "Summit Home Services");
    let mut names: Vec<&str> = locations.iter().map(|l| l.name.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), 3, "{names:?}");

    // Location 0 is what a one-location sandbox serves.
    let single = sandbox::seed(
        &SandboxConfig {
            contacts: CONTACTS,
            seed: 42,
            ..SandboxConfig::default()
        },
        datetime!(2026-06-15 17:30:00 UTC),
    );
    let zero = sb.dataset();
    let zero = zero.read().await;
    assert_eq!(zero.location, single.location);
    assert_eq!(zero.contacts, single.contacts);
    drop(zero);

    let mut all_ids = std::collections::HashSet::new();
    for (i, l) in locations.iter().enumerate() {
        let data = sb
            .dataset_of(&l.id)
            .unwrap_or_else(|| panic!("no dataset for {}", l.id));
        let data = data.read().await;
        assert_eq!(data.location.id, l.id);
        assert_eq!(data.location.name, l.name);
        let expected = if i == 0 {
            CONTACTS
        } else {
            (CONTACTS / 5).max(50)
        };
        assert_eq!(data.contacts.len(), expected);
        assert!(data.contacts.iter().all(|c| c.location_id == l.id));
        for c in &data.contacts {
            assert!(all_ids.insert(c.id.clone()), "id {} twice", c.id);
        }
    }
    assert!(sb.dataset_of("NoSuchLocation000000").is_none());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_token_of_one_location_cannot_touch_another() {
    let sb = start(3).await;
    let locations = sb.locations();
    let (a, b) = (&locations[1], &locations[2]);
    let flow = Flow::new(&sb);
    let code = code_for(&sb, &flow, &a.id).await;
    let (_, pair) = exchange(&sb, &code, &flow.redirect_uri, None).await;
    assert_eq!(str_of(&pair, "locationId"), a.id);
    let token_a = str_of(&pair, "access_token").to_owned();
    let b_contact = sb
        .dataset_of(&b.id)
        .unwrap_or_else(|| panic!("no dataset"))
        .read()
        .await
        .contacts[0]
        .id
        .clone();
    let b_count = sb
        .dataset_of(&b.id)
        .unwrap_or_else(|| panic!("no dataset"))
        .read()
        .await
        .contacts
        .len();

    // Its own data: fine, and only its own.
    let (status, page) = api_get(&sb, &token_a, &format!("/contacts/?locationId={}", a.id)).await;
    assert_eq!(status, 200);
    let a_count = sb
        .dataset_of(&a.id)
        .unwrap_or_else(|| panic!("no dataset"))
        .read()
        .await
        .contacts
        .len();
    assert_eq!(page["meta"]["total"], json!(a_count), "{}", page["meta"]);

    // B's location id: 403; B's contact ids: not found in A.
    let forbidden = [
        (Method::GET, format!("/contacts/?locationId={}", b.id), None),
        (
            Method::POST,
            "/contacts/search".to_owned(),
            Some(json!({ "locationId": b.id, "pageLimit": 10 })),
        ),
        (
            Method::POST,
            "/contacts/".to_owned(),
            Some(json!({ "locationId": b.id, "firstName": "Mallory" })),
        ),
    ];
    for (method, path, body) in forbidden {
        let (status, answer) = common::call_as(&sb, &token_a, method, &path, body).await;
        assert_eq!(status, 403, "{path}: {answer}");
        assert_eq!(
            answer["message"],
            "The token does not have access to this location."
        );
    }
    for (method, path, body) in [
        (Method::GET, format!("/contacts/{b_contact}"), None),
        (
            Method::PUT,
            format!("/contacts/{b_contact}"),
            Some(json!({ "firstName": "Mallory" })),
        ),
        (Method::DELETE, format!("/contacts/{b_contact}"), None),
        (Method::GET, format!("/contacts/{b_contact}/notes"), None),
    ] {
        let (status, answer) = common::call_as(&sb, &token_a, method, &path, body).await;
        assert!(matches!(status, 400 | 404), "{path}: {status} {answer}");
    }
    // B is untouched; a token issued for B reads it.
    let data_b = sb.dataset_of(&b.id).unwrap_or_else(|| panic!("no dataset"));
    assert_eq!(data_b.read().await.contacts.len(), b_count);
    assert!(data_b.read().await.contact(&b_contact).is_some());
    let token_b = sb.issue_token_for(&b.id, &[SCOPE_READ, SCOPE_WRITE]);
    let (status, _) = api_get(&sb, &token_b, &format!("/contacts/{b_contact}")).await;
    assert_eq!(status, 200);
    // The default token stays on location 0.
    let (status, _) = api_get(&sb, sb.access_token(), &format!("/contacts/{b_contact}")).await;
    assert_eq!(status, 400);
    sb.shutdown().await;
}

#[tokio::test]
async fn the_consent_page_lists_locations_and_its_answer_gives_a_code() {
    let contract = Contract::load();
    let sb = start(3).await;
    let flow = Flow::new(&sb);
    let response = authorize_at(&sb.authorize_url(), &flow.params(&sb)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_html(&response);
    let html = response.text().await.unwrap_or_default();
    assert!(html.contains("Switchboard"));
    for l in sb.locations() {
        let escaped = l.name.replace('&', "&amp;");
        assert!(html.contains(&escaped), "{} missing", l.name);
        assert!(html.contains(&format!("value=\"{}\"", l.id)));
    }
    assert!(html.contains("<form method=\"post\""));
    assert!(html.contains("name=\"decision\" value=\"allow\""));
    assert!(html.contains("name=\"decision\" value=\"deny\""));
    assert!(html.contains("See your contacts"), "scopes in plain words");
    // The raw parameters stay on the server.
    assert!(!html.contains(&flow.redirect_uri));
    assert!(!html.contains(&sb.oauth_client().client_id));
    let request_id = html
        .split("name=\"request_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no request id in the form"))
        .to_owned();
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no form action"))
        .to_owned();

    let chosen = sb.locations()[2].clone();
    let post = |decision: &'static str| {
        http()
            .post(format!("{}{action}", sb.base_url()))
            .form(&[
                ("request_id", request_id.as_str()),
                ("location_id", chosen.id.as_str()),
                ("decision", decision),
            ])
            .send()
    };
    let response = post("allow").await.unwrap_or_else(|e| panic!("{e}"));
    let (target, query) = redirected(&response);
    assert_eq!(target, flow.redirect_uri);
    assert_eq!(query["state"], STATE);
    let answer = exchange(&sb, &query["code"], &flow.redirect_uri, None).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    contract.check(answer.0, &answer.1);
    assert_eq!(str_of(&answer.1, "locationId"), chosen.id);

    // One answer per consent page.
    let response = post("allow").await.unwrap_or_else(|e| panic!("{e}"));
    assert_error_page(response, "expired").await;

    // Deny from the page.
    let response = authorize_at(&sb.authorize_url(), &flow.params(&sb)).await;
    let html = response.text().await.unwrap_or_default();
    let request_id = html
        .split("name=\"request_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let response = http()
        .post(format!("{}{action}", sb.base_url()))
        .form(&[("request_id", request_id.as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, query) = redirected(&response);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], STATE);
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_token_requests_match_the_spec() {
    let contract = Contract::load();
    let sb = start(1).await;
    let client = sb.oauth_client();
    let (id, secret) = (client.client_id.as_str(), client.client_secret.as_str());

    for (form, status, error) in [
        (
            vec![("client_id", id), ("client_secret", secret)],
            422,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "password"),
            ],
            422,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("user_type", "Agency"),
            ],
            422,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("scope", "contacts.readonly"),
            ],
            422,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("user_type", "Company"),
            ],
            400,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "client_credentials"),
            ],
            400,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "authorization_code"),
            ],
            400,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
            ],
            400,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", "never-issued"),
            ],
            400,
            "invalid_grant",
        ),
        (
            vec![
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("grant_type", "refresh_token"),
            ],
            400,
            "invalid_request",
        ),
    ] {
        let answer = token(&sb, &form).await;
        contract.refused(&answer, status, error);
        if status == 422 {
            assert!(answer.1["message"].is_array());
        }
    }

    // JSON instead of a form.
    let response = http()
        .post(sb.token_url())
        .json(&json!({ "client_id": id, "client_secret": secret, "grant_type": "refresh_token" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    contract.refused(&(status, body), 400, "invalid_request");
    assert_eq!(sb.oauth_stats().refused_grants, 11);
    sb.shutdown().await;
}

fn form_request(body: &str, content_type: Option<&str>) -> RecordedRequest {
    let mut headers = std::collections::BTreeMap::new();
    if let Some(c) = content_type {
        headers.insert("content-type".to_owned(), c.to_owned());
    }
    RecordedRequest {
        method: "POST".to_owned(),
        path: TOKEN.to_owned(),
        route: Some(TOKEN.to_owned()),
        query: Vec::new(),
        headers,
        body: None,
        body_text: Some(body.to_owned()),
        status: None,
    }
}

/// The request checker reads form bodies against `GetAccessCodebodyDto`.
#[test]
fn token_requests_are_checked_against_the_dto() {
    let contract = Contract::load();
    let checker = contract.spec.request_checker();
    let form = Some("application/x-www-form-urlencoded");
    let ok = [
        "client_id=a&client_secret=b&grant_type=authorization_code&code=c&user_type=Location\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A47615%2Foauth%2Fcallback",
        "client_id=a&client_secret=b&grant_type=authorization_code&code=c&code_verifier=v",
        "client_id=a&client_secret=b&grant_type=refresh_token&refresh_token=r&user_type=Location",
    ];
    for body in ok {
        if let Err(p) = checker.check(&form_request(body, form)) {
            panic!("{body}: {p:?}");
        }
    }
    for (body, content_type, expected) in [
        (
            "client_id=a&grant_type=refresh_token",
            form,
            "client_secret",
        ),
        ("client_id=a&client_secret=b", form, "grant_type"),
        (
            "client_id=a&client_secret=b&grant_type=password",
            form,
            "grant_type",
        ),
        (
            "client_id=a&client_secret=b&grant_type=refresh_token&user_type=Agency",
            form,
            "user_type",
        ),
        (
            "client_id=a&client_secret=b&grant_type=refresh_token&scope=x",
            form,
            "body key /scope is not in the DTO",
        ),
        (
            "client_id=a&client_secret=b&grant_type=refresh_token&client_id=c",
            form,
            "repeated",
        ),
        (
            "client_id=a&client_secret=b&grant_type=refresh_token",
            Some("application/json"),
            "not sent as application/x-www-form-urlencoded",
        ),
    ] {
        match checker.check(&form_request(body, content_type)) {
            Ok(()) => panic!("{body} passed"),
            Err(problems) => assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{expected:?} not in {problems:?}"
            ),
        }
    }
    let mut empty = form_request("", form);
    empty.body_text = None;
    assert!(checker.check(&empty).is_err());
}

#[tokio::test]
async fn a_signed_in_app_reads_its_sub_account_name() {
    let contract = Contract::load();
    let sb = start(2).await;
    let chosen = sb.locations()[1].clone();
    let mut flow = Flow::new(&sb);
    flow.scope = format!("{SCOPES} {SCOPE_LOCATIONS_READ}");

    // The consent page says in plain words what the scope shows.
    let response = authorize_at(&sb.authorize_url(), &flow.params(&sb)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap_or_default();
    assert!(
        html.contains("See the sub-account&#39;s name and address"),
        "{html}"
    );

    // The scope is known: the flow gives a token that carries it.
    let code = code_for(&sb, &flow, &chosen.id).await;
    let answer = exchange(&sb, &code, &flow.redirect_uri, None).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    contract.check(answer.0, &answer.1);
    let pair = answer.1;
    assert_eq!(str_of(&pair, "scope"), flow.scope);
    let location_id = str_of(&pair, "locationId");
    assert_eq!(location_id, chosen.id);

    // The token answer has no name; the location read has.
    let path = format!("/locations/{location_id}");
    let access = str_of(&pair, "access_token");
    let (status, body) = api_get(&sb, access, &path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"]["id"], json!(chosen.id));
    assert_eq!(body["location"]["name"], json!(chosen.name));
    assert_eq!(body["location"]["companyId"], pair["companyId"]);
    let (status, _) = api_get(&sb, access, &format!("/locations/{}", sb.location_id())).await;
    assert_eq!(status, 403);

    // Expired: 401 until refreshed, as on the contacts operations.
    sb.expire_access_tokens();
    let (status, body) = api_get(&sb, access, &path).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Invalid JWT"))
    );
    let (status, renewed) = refresh(&sb, str_of(&pair, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let (status, body) = api_get(&sb, str_of(&renewed, "access_token"), &path).await;
    assert_eq!(
        (status, body["location"]["name"].as_str()),
        (200, Some(chosen.name.as_str()))
    );

    // Without the scope the token cannot read the location.
    let mut flow = Flow::new(&sb);
    flow.scope = SCOPE_READ.to_owned();
    let code = code_for(&sb, &flow, &chosen.id).await;
    let (_, pair) = exchange(&sb, &code, &flow.redirect_uri, None).await;
    let (status, body) = api_get(&sb, str_of(&pair, "access_token"), &path).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("The token is not authorized for this scope."))
    );
    sb.shutdown().await;
}
