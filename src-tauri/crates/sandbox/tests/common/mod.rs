//! Shared helpers for the HTTP tests.
#![allow(dead_code)] // each test binary uses a different subset

use reqwest::{Method, RequestBuilder};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig, API_VERSION};
use serde_json::Value;
use time::macros::datetime;

/// A sandbox without rate limits (tests of the limits set their own).
pub async fn start(contacts: usize) -> Sandbox {
    start_with(contacts, RateLimitConfig::unlimited()).await
}

pub async fn start_with(contacts: usize, rate_limit: RateLimitConfig) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts,
        seed: 42,
        port: 0,
        anchor: Some(datetime!(2026-06-15 17:30:00 UTC)),
        rate_limit,
        locations: 1,
    })
    .await
    .unwrap_or_else(|e| panic!("sandbox did not start: {e}"))
}

/// A request with the valid token and `Version` header.
pub fn request(sb: &Sandbox, method: Method, path: &str) -> RequestBuilder {
    bare(sb, method, path)
        .bearer_auth(sb.access_token())
        .header("Version", API_VERSION)
}

/// A request without any auth or `Version` header.
pub fn bare(sb: &Sandbox, method: Method, path: &str) -> RequestBuilder {
    reqwest::Client::new().request(method, format!("{}{path}", sb.base_url()))
}

/// Sends and returns `(status, JSON body)`; every sandbox answer must be JSON.
pub async fn send(req: RequestBuilder) -> (u16, Value) {
    let response = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("request failed: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("cannot read body: {e}"));
    assert!(
        content_type.starts_with("application/json"),
        "status {status}: content-type {content_type:?}, body {text}"
    );
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

pub async fn get(sb: &Sandbox, path: &str) -> (u16, Value) {
    send(request(sb, Method::GET, path)).await
}

pub async fn search(sb: &Sandbox, body: Value) -> (u16, Value) {
    send(request(sb, Method::POST, "/contacts/search").json(&body)).await
}

/// A request with the valid token, `Version` and, if given, a JSON body.
pub async fn call(sb: &Sandbox, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = request(sb, method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    send(req).await
}

/// The same with another bearer token.
pub async fn call_as(
    sb: &Sandbox,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = bare(sb, method, path)
        .bearer_auth(token)
        .header("Version", API_VERSION);
    if let Some(body) = body {
        req = req.json(&body);
    }
    send(req).await
}

/// `+` → `%2B` and `@` → `%40`, as the spec asks for query values.
pub fn encode(value: &str) -> String {
    value.replace('+', "%2B").replace('@', "%40")
}
