//! Shared helpers for the HTTP tests.
#![allow(dead_code)] // each test binary uses a different subset

use reqwest::{Method, RequestBuilder};
use sandbox::{Sandbox, SandboxConfig, API_VERSION};
use serde_json::Value;
use time::macros::datetime;

pub async fn start(contacts: usize) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts,
        seed: 42,
        port: 0,
        anchor: Some(datetime!(2026-06-15 17:30:00 UTC)),
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
