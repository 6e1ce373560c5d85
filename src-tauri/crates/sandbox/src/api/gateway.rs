//! The pipeline every request goes through before and after its handler:
//! counting, recording, fault injection, then for known operations the token,
//! the rate limit, the scope and the `Version` header.
//!
//! Requests that match no operation answer NestJS's 404 without any check, as
//! before. Every answer carries the `X-RateLimit-*` headers.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, MatchedPath, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use serde_json::json;

use super::error::{self, ApiError};
use super::{AppState, API_VERSION};
use crate::conn::ConnHandle;
use crate::faults::FaultKind;
use crate::limits::{retry_after_secs, Admission, Snapshot};
use crate::observe::{RecordedRequest, RECORDED_HEADERS, UNMATCHED};

pub const SCOPE_READ: &str = "contacts.readonly";
pub const SCOPE_WRITE: &str = "contacts.write";
/// Reading the sub-account itself (`GET /locations/{locationId}`).
pub const SCOPE_LOCATIONS_READ: &str = "locations.readonly";
/// What [`crate::Sandbox::access_token`] carries: every scope that unlocks an
/// operation.
pub const FULL_SCOPES: &[&str] = &[SCOPE_READ, SCOPE_WRITE, SCOPE_LOCATIONS_READ];

/// Where an operation's request and answer shapes are written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationSource {
    /// `apps/contacts.json` of the stored specs; contract tests check the
    /// operation against it.
    ContactsSpec,
    /// Only GHL's public API documentation: no spec file of it is stored, so
    /// it cannot be checked against one.
    PublicDocs,
}

/// One operation the sandbox serves, as its spec (or GHL's docs) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub method: &'static str,
    /// The path template (`/contacts/{contactId}/notes/{id}`).
    pub path: &'static str,
    /// The scope the `security` block asks for.
    pub scope: &'static str,
    /// Where its shapes come from, so contract tests know what to check it against.
    pub source: OperationSource,
}

const fn op(method: &'static str, path: &'static str, scope: &'static str) -> Operation {
    Operation {
        method,
        path,
        scope,
        source: OperationSource::ContactsSpec,
    }
}

/// Every operation served, with its scope: those of `apps/contacts.json`, and
/// the sub-account read the app uses to show which location it is signed in to.
pub const OPERATIONS: &[Operation] = &[
    op("GET", "/contacts/", SCOPE_READ),
    op("POST", "/contacts/", SCOPE_WRITE),
    op("POST", "/contacts/search", SCOPE_READ),
    op("GET", "/contacts/search/duplicate", SCOPE_READ),
    op("POST", "/contacts/upsert", SCOPE_WRITE),
    op("GET", "/contacts/business/{businessId}", SCOPE_READ),
    op("GET", "/contacts/{contactId}", SCOPE_READ),
    op("PUT", "/contacts/{contactId}", SCOPE_WRITE),
    op("DELETE", "/contacts/{contactId}", SCOPE_WRITE),
    op("GET", "/contacts/{contactId}/tasks", SCOPE_READ),
    op("POST", "/contacts/{contactId}/tasks", SCOPE_WRITE),
    op("GET", "/contacts/{contactId}/tasks/{taskId}", SCOPE_READ),
    op("PUT", "/contacts/{contactId}/tasks/{taskId}", SCOPE_WRITE),
    op(
        "DELETE",
        "/contacts/{contactId}/tasks/{taskId}",
        SCOPE_WRITE,
    ),
    op(
        "PUT",
        "/contacts/{contactId}/tasks/{taskId}/completed",
        SCOPE_WRITE,
    ),
    op("POST", "/contacts/{contactId}/tags", SCOPE_WRITE),
    op("DELETE", "/contacts/{contactId}/tags", SCOPE_WRITE),
    op("GET", "/contacts/{contactId}/notes", SCOPE_READ),
    op("POST", "/contacts/{contactId}/notes", SCOPE_WRITE),
    op("GET", "/contacts/{contactId}/notes/{id}", SCOPE_READ),
    op("PUT", "/contacts/{contactId}/notes/{id}", SCOPE_WRITE),
    op("DELETE", "/contacts/{contactId}/notes/{id}", SCOPE_WRITE),
    op("GET", "/contacts/{contactId}/appointments", SCOPE_READ),
    Operation {
        method: "GET",
        path: super::locations::LOCATION_PATH,
        scope: SCOPE_LOCATIONS_READ,
        source: OperationSource::PublicDocs,
    },
];

/// Routes of the API host besides [`OPERATIONS`]: `(method, path)`.
const OTHER_ROUTES: &[(&str, &str)] = &[("POST", super::oauth::TOKEN_PATH)];

fn operation(method: &str, matched: &str) -> Option<&'static Operation> {
    // `/contacts` is routed like `/contacts/`.
    let path = if matched == "/contacts" {
        "/contacts/"
    } else {
        matched
    };
    OPERATIONS
        .iter()
        .find(|o| o.method == method && o.path == path)
}

/// What one bearer token grants.
#[derive(Debug, Clone)]
struct Grant {
    /// Index into the sandbox's locations.
    location: usize,
    scopes: Vec<String>,
    /// `None` for tokens that never expire, like private integration tokens.
    expires_at: Option<Instant>,
}

/// The outcome of presenting a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Access {
    Granted {
        location: usize,
        scopes: Vec<String>,
    },
    Expired,
    Unknown,
}

/// Bearer tokens: their location, scopes and expiry.
#[derive(Debug, Default)]
pub(crate) struct Tokens(Mutex<HashMap<String, Grant>>);

impl Tokens {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new random token for location `location` with these scopes, valid for
    /// `lifetime` (`None`: forever).
    pub(crate) fn issue(
        &self,
        location: usize,
        scopes: Vec<String>,
        lifetime: Option<Duration>,
    ) -> String {
        let token = format!("{:032x}", rand::random::<u128>());
        let now = Instant::now();
        let grant = Grant {
            location,
            scopes,
            expires_at: lifetime.map(|l| now.checked_add(l).unwrap_or(now + YEAR)),
        };
        self.lock().insert(token.clone(), grant);
        token
    }

    pub(crate) fn check(&self, token: &str) -> Access {
        match self.lock().get(token) {
            None => Access::Unknown,
            Some(g) if g.expires_at.is_some_and(|at| Instant::now() >= at) => Access::Expired,
            Some(g) => Access::Granted {
                location: g.location,
                scopes: g.scopes.clone(),
            },
        }
    }

    /// Every token that can expire is expired from now on.
    pub(crate) fn expire_all(&self) {
        let now = Instant::now();
        for grant in self.lock().values_mut() {
            if let Some(at) = &mut grant.expires_at {
                *at = (*at).min(now);
            }
        }
    }
}

/// A bound for lifetimes too long for `Instant` arithmetic.
const YEAR: Duration = Duration::from_secs(365 * 86_400);

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
}

fn check_version(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("version").map(|v| v.to_str()) {
        None => Err(ApiError::BadRequest(
            "Version header was not found".to_owned(),
        )),
        Some(Ok(API_VERSION)) => Ok(()),
        Some(_) => Err(ApiError::BadRequest(format!(
            "Invalid Version header: this operation supports {API_VERSION}"
        ))),
    }
}

const H_LIMIT_DAILY: HeaderName = HeaderName::from_static("x-ratelimit-limit-daily");
const H_DAILY_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-daily-remaining");
const H_INTERVAL: HeaderName = HeaderName::from_static("x-ratelimit-interval-milliseconds");
const H_MAX: HeaderName = HeaderName::from_static("x-ratelimit-max");
const H_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

fn rate_headers(response: &mut Response, s: Snapshot) {
    let h = response.headers_mut();
    h.insert(H_LIMIT_DAILY, HeaderValue::from(s.limit_daily));
    h.insert(H_DAILY_REMAINING, HeaderValue::from(s.daily_remaining));
    h.insert(
        H_INTERVAL,
        HeaderValue::from(u64::try_from(s.interval_ms).unwrap_or(u64::MAX)),
    );
    h.insert(H_MAX, HeaderValue::from(s.max));
    h.insert(H_REMAINING, HeaderValue::from(s.remaining));
}

/// Token, rate limit, scope, `Version`, then the handler.
async fn admit_and_run(
    state: &AppState,
    op: &'static Operation,
    req: Request,
    next: Next,
) -> Response {
    let access = bearer(req.headers()).map_or(Access::Unknown, |t| state.tokens.check(t));
    let (tenant, scopes) = match access {
        Access::Granted { location, scopes } => match state.locations.get(location) {
            Some(tenant) => (tenant.clone(), scopes),
            None => return ApiError::Unauthorized(error::INVALID_TOKEN.to_owned()).into_response(),
        },
        Access::Expired => {
            return ApiError::Unauthorized(error::EXPIRED_TOKEN.to_owned()).into_response()
        }
        Access::Unknown => {
            return ApiError::Unauthorized(error::INVALID_TOKEN.to_owned()).into_response()
        }
    };
    let snapshot = match state.limiter.admit(&tenant.id) {
        Admission::Admitted(s) => s,
        Admission::Refused(s, wait) => {
            state.observer.rate_limited();
            let mut response = ApiError::TooManyRequests {
                retry_after_secs: retry_after_secs(wait),
            }
            .into_response();
            rate_headers(&mut response, s);
            return response;
        }
    };
    let mut req = req;
    // The handlers serve the data of the token's location.
    req.extensions_mut().insert(tenant);
    let mut response = if !scopes.iter().any(|s| s == op.scope) {
        ApiError::Unauthorized(error::SCOPE_NOT_AUTHORIZED.to_owned()).into_response()
    } else if let Err(e) = check_version(req.headers()) {
        e.into_response()
    } else {
        next.run(req).await
    };
    rate_headers(&mut response, snapshot);
    response
}

/// Upper bound for buffering a body (recording, broken-body faults).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Buffers the body so it can be recorded and still reach the handler.
async fn capture(req: Request, route: Option<&'static str>) -> (Request, RecordedRequest) {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let query = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let mut headers = BTreeMap::new();
    for name in RECORDED_HEADERS {
        if let Some(v) = parts.headers.get(*name) {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            let v = if *name == "authorization" {
                match v.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} ***"),
                    None => "***".to_owned(),
                }
            } else {
                v
            };
            headers.insert((*name).to_owned(), v);
        }
    }
    let (body, body_text) = if bytes.iter().all(u8::is_ascii_whitespace) {
        (None, None)
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => (Some(v), None),
            Err(_) => (None, Some(String::from_utf8_lossy(&bytes).into_owned())),
        }
    };
    let record = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        route: route.map(str::to_owned),
        query,
        headers,
        body,
        body_text,
        status: None,
    };
    (Request::from_parts(parts, Body::from(bytes)), record)
}

/// An injected error answer.
fn error_page(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match code.as_u16() {
        // What a proxy in front of the API answers: HTML, not JSON.
        502 => (
            code,
            [(CONTENT_TYPE, "text/html")],
            "<html><head><title>502 Bad Gateway</title></head>\
             <body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
        )
            .into_response(),
        // The live API's body for unhandled errors (highlevel-api-docs#6).
        500 => (
            code,
            axum::Json(json!({ "statusCode": 500, "message": "Internal server error" })),
        )
            .into_response(),
        n => (
            code,
            axum::Json(json!({
                "statusCode": n,
                "message": code.canonical_reason().unwrap_or("Error"),
            })),
        )
            .into_response(),
    }
}

/// Drops the connection; the returned answer is never written.
fn drop_connection(conn: Option<&ConnHandle>) -> Option<Response> {
    match conn {
        Some(c) => {
            c.kill();
            None
        }
        // Not served through `Sandbox` (no kill switch): the closest thing.
        None => Some(error_page(502)),
    }
}

/// The same status and headers with the first half of the body: never valid
/// JSON, since every body is an object whose closing brace comes last.
async fn malformed(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let half = match bytes.slice(..bytes.len() / 2) {
        b if b.is_empty() => Bytes::from_static(b"{"),
        b => b,
    };
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

/// A body that sends its first part, lets it reach the wire, then fails, so the
/// connection closes short of `Content-Length`.
struct CutBody {
    first: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for CutBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "body truncated by fault injection",
            )))),
        }
    }
}

async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let body = CutBody {
        first: Some(bytes.slice(..bytes.len() / 2)),
        pause: Box::pin(tokio::time::sleep(Duration::from_millis(20))),
    };
    Response::from_parts(parts, Body::new(body))
}

pub(super) async fn gateway(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let op = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| operation(&method, m.as_str()));
    let conn = req
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    // The token endpoint is no contacts operation but is served (and counted,
    // recorded, fault-injected) like one, without the token checks.
    let route: Option<&'static str> = op.map(|o| o.path).or_else(|| {
        let matched = req.extensions().get::<MatchedPath>()?.as_str();
        OTHER_ROUTES
            .iter()
            .find(|(m, p)| *m == method && *p == matched)
            .map(|(_, p)| *p)
    });
    let route_key = route.map_or_else(|| UNMATCHED.to_owned(), |r| format!("{method} {r}"));
    state.observer.request(&route_key);
    let (req, mut record) = if state.observer.is_recording() {
        let (req, record) = capture(req, route).await;
        (req, Some(record))
    } else {
        (req, None)
    };

    let decision = state.faults.decide(&method, route, req.uri().path());
    if decision.kind.is_some() {
        state.observer.fault();
    }
    let delay = decision.latency
        + match decision.kind {
            Some(FaultKind::Delay(d)) => d,
            _ => Duration::ZERO,
        };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let answer = match decision.kind {
        Some(FaultKind::Reset) => drop_connection(conn.as_ref()),
        Some(FaultKind::Status(status)) => Some(error_page(status)),
        Some(FaultKind::RateLimited) => Some(
            ApiError::TooManyRequests {
                retry_after_secs: 1,
            }
            .into_response(),
        ),
        kind => {
            let response = match op {
                Some(op) => admit_and_run(&state, op, req, next).await,
                None => next.run(req).await,
            };
            match kind {
                Some(FaultKind::ResetAfterWrite) => drop_connection(conn.as_ref()),
                Some(FaultKind::Malformed) => Some(malformed(response).await),
                Some(FaultKind::Truncated) => Some(truncated(response).await),
                _ => Some(response),
            }
        }
    };

    if let Some(mut record) = record.take() {
        record.status = answer.as_ref().map(|r| r.status().as_u16());
        state.observer.record(record);
    }
    match answer {
        Some(mut response) => {
            if !response.headers().contains_key(H_MAX) {
                rate_headers(&mut response, state.limiter.peek(&state.locations[0].id));
            }
            state.observer.answered(response.status().as_u16());
            response
        }
        None => StatusCode::NO_CONTENT.into_response(),
    }
}
