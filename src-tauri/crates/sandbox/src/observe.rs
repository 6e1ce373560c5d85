//! What tests and benchmarks can see of the traffic: counters, and (when
//! switched on) a record of every request for contract checks against the spec.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde_json::Value;

/// Counters since start (or the last [`crate::Sandbox::reset_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxStats {
    /// Every request received, answered or not.
    pub requests: u64,
    /// Requests refused with 429 by the rate limiter (injected 429s not included).
    pub rate_limited: u64,
    /// Requests hit by an injected fault (random or queued).
    pub faults_injected: u64,
    /// Requests per operation, keyed `METHOD /spec/path/{param}`; requests that
    /// match no operation count under `UNMATCHED`.
    pub by_route: BTreeMap<String, u64>,
    /// Answers sent, per status (dropped connections have none).
    pub by_status: BTreeMap<u16, u64>,
}

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as sent (percent-encoding kept).
    pub path: String,
    /// The operation's path as the spec writes it, if one matched.
    pub route: Option<String>,
    /// Decoded query pairs (form rules: `+` is a space), in order.
    pub query: Vec<(String, String)>,
    /// Lower-cased names: `version`, `content-type`, `accept`, `user-agent`, and
    /// `authorization` with the token masked (`Bearer ***`).
    pub headers: BTreeMap<String, String>,
    /// The body parsed as JSON; `None` when empty.
    pub body: Option<Value>,
    /// The raw body when it is not valid JSON.
    pub body_text: Option<String>,
    /// The answer's status; `None` when the connection was dropped.
    pub status: Option<u16>,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) const RECORDED_HEADERS: &[&str] = &[
    "version",
    "content-type",
    "accept",
    "user-agent",
    "authorization",
];

pub(crate) const UNMATCHED: &str = "UNMATCHED";

#[derive(Debug, Default)]
pub(crate) struct Observer {
    stats: Mutex<SandboxStats>,
    recording: AtomicBool,
    recorded: Mutex<Vec<RecordedRequest>>,
}

impl Observer {
    fn stats(&self) -> std::sync::MutexGuard<'_, SandboxStats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn recorded(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn request(&self, route_key: &str) {
        let mut s = self.stats();
        s.requests += 1;
        *s.by_route.entry(route_key.to_owned()).or_default() += 1;
    }

    pub(crate) fn answered(&self, status: u16) {
        *self.stats().by_status.entry(status).or_default() += 1;
    }

    pub(crate) fn rate_limited(&self) {
        self.stats().rate_limited += 1;
    }

    pub(crate) fn fault(&self) {
        self.stats().faults_injected += 1;
    }

    pub(crate) fn snapshot(&self) -> SandboxStats {
        self.stats().clone()
    }

    pub(crate) fn reset(&self) {
        *self.stats() = SandboxStats::default();
    }

    pub(crate) fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Relaxed)
    }

    pub(crate) fn set_recording(&self, on: bool) {
        self.recording.store(on, Ordering::Relaxed);
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        self.recorded().push(request);
    }

    pub(crate) fn recorded_requests(&self) -> Vec<RecordedRequest> {
        self.recorded().clone()
    }

    pub(crate) fn take_recorded(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *self.recorded())
    }
}
