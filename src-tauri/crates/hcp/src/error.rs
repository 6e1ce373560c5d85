//! The one error type of the crate, and the mapping from HTTP failures to it.
//!
//! Messages are meant to be shown to office staff. They carry the API's own
//! `error.message` text where there is one, but never the API key, request
//! headers or raw response bodies.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;

/// Longest API-provided text copied into an error message.
const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the API key is wrong, deleted, or the plan has no API access.
    #[error("Housecall Pro rejected the API key ({message}); check the key in Settings")]
    Unauthorized { message: String },
    /// 403: the key is valid but not allowed to do this.
    #[error("Housecall Pro refused access: {message}")]
    Forbidden { message: String },
    /// 404: no such customer or address (or it belongs to another company).
    #[error("Housecall Pro could not find that record: {message}")]
    NotFound { message: String },
    /// 400 or 422: the API refused the data sent.
    #[error("Housecall Pro rejected the request: {message}")]
    Validation { message: String },
    /// The client's own checks refused the input; nothing was sent.
    #[error("Not sent to Housecall Pro: {message}")]
    InvalidInput { message: String },
    /// 429. `retry_after` comes from the `Retry-After` header when sent.
    #[error("Housecall Pro rate limit reached; {}", retry_hint(*.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// Any other 4xx/5xx.
    #[error("Housecall Pro returned an error (HTTP {status}): {message}")]
    Api { status: u16, message: String },
    /// Connection refused/reset, DNS failure, TLS failure.
    #[error("Could not reach Housecall Pro: {message}")]
    Network { message: String },
    #[error("Housecall Pro did not respond in time")]
    Timeout,
    /// A success response whose body is not what the operation declares.
    #[error("Housecall Pro sent an unexpected response to {operation}: {message}")]
    InvalidResponse {
        operation: &'static str,
        message: String,
    },
    /// Bad settings on our side (base URL, key characters, timeout).
    #[error("Invalid Housecall Pro connection settings: {message}")]
    Config { message: String },
    /// A create failed after the request may have reached Housecall Pro (the
    /// connection dropped, timed out, or the server failed). It was not
    /// repeated, because a repeat could create a duplicate: look the record
    /// up before trying again.
    #[error("Housecall Pro may or may not have completed {operation} ({cause}); check before trying again")]
    OutcomeUnknown {
        operation: &'static str,
        cause: Box<Error>,
    },
}

impl Error {
    /// Stable machine-readable code for the UI and logs (the same vocabulary
    /// as the `ghl` crate's).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized { .. } => "unauthorized",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } | Error::InvalidInput { .. } => "validation",
            Error::RateLimited { .. } => "rate_limited",
            Error::Api { .. } => "api",
            Error::Network { .. } => "network",
            Error::Timeout => "timeout",
            Error::InvalidResponse { .. } => "invalid_response",
            // A misconfiguration is our bug or setup problem, not the API's.
            Error::Config { .. } => "internal",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
        }
    }

    /// Whether repeating the same request later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Network { .. } | Error::Timeout => true,
            Error::Api { status, .. } => *status == 408 || *status >= 500,
            _ => false,
        }
    }

    /// Maps a non-success HTTP response. `secret` (the API key) is scrubbed
    /// from any text the API echoes back.
    pub(crate) fn from_response(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        secret: &str,
    ) -> Error {
        let message = error_message(body)
            .map(|m| clean(&m, secret))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("no details given")
                    .to_owned()
            });
        match status.as_u16() {
            401 => Error::Unauthorized { message },
            403 => Error::Forbidden { message },
            404 => Error::NotFound { message },
            400 | 422 => Error::Validation { message },
            429 => Error::RateLimited {
                retry_after: retry_after(headers),
            },
            code => Error::Api {
                status: code,
                message,
            },
        }
    }

    /// Maps a transport failure. The text comes from the innermost cause
    /// ("Connection refused"), which carries no URL or header.
    pub(crate) fn from_transport(err: &reqwest::Error) -> Error {
        if err.is_timeout() {
            return Error::Timeout;
        }
        if err.is_builder() {
            return Error::Config {
                message: truncate(&root_cause(err)),
            };
        }
        let message = if err.is_connect() {
            format!("could not connect ({})", root_cause(err))
        } else {
            root_cause(err)
        };
        Error::Network {
            message: truncate(&message),
        }
    }
}

/// The spec's `ErrorResponse` is `{ "error": { "message": "…" } }`; also read
/// the flatter shapes other Rails APIs answer with (`{ "error": "…" }`,
/// `{ "message": "…" }`, `{ "errors": ["…"] }`). HTML or empty → `None`.
pub(crate) fn error_message(body: &[u8]) -> Option<String> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let list = |v: &Value| match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        other => text(other),
    };
    match map.get("error") {
        Some(Value::Object(inner)) => inner.get("message").and_then(list),
        Some(other) => list(other),
        None => None,
    }
    .or_else(|| map.get("message").and_then(list))
    .or_else(|| map.get("errors").and_then(list))
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) if d.as_secs() >= 1 => format!("try again in {} s", d.as_secs_f64().ceil()),
        Some(_) => "try again in a moment".to_owned(),
        None => "try again shortly".to_owned(),
    }
}

/// Deepest error in the `source()` chain, as text.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// `Retry-After` as delta seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, format)
        .ok()?
        .assume_utc();
    let wait = at - time::OffsetDateTime::now_utc();
    // A date in the past means "now".
    Some(wait.try_into().unwrap_or(Duration::ZERO))
}

/// Scrubs the secret, collapses whitespace and caps the length.
fn clean(text: &str, secret: &str) -> String {
    let scrubbed = if secret.is_empty() {
        text.to_owned()
    } else {
        text.replace(secret, "****")
    };
    truncate(&scrubbed.split_whitespace().collect::<Vec<_>>().join(" "))
}

pub(crate) fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn map(status: u16, body: &str) -> Error {
        Error::from_response(
            StatusCode::from_u16(status).expect("valid status"),
            &HeaderMap::new(),
            body.as_bytes(),
            "sekret-key",
        )
    }

    #[test]
    fn error_bodies_in_every_shape() {
        assert_eq!(
            error_message(br#"{"error":{"message":"Customer not found"}}"#).as_deref(),
            Some("Customer not found")
        );
        assert_eq!(
            error_message(br#"{"error":"Unauthorized"}"#).as_deref(),
            Some("Unauthorized")
        );
        assert_eq!(
            error_message(br#"{"message":"nope"}"#).as_deref(),
            Some("nope")
        );
        assert_eq!(
            error_message(br#"{"errors":["a is bad","b is bad"]}"#).as_deref(),
            Some("a is bad; b is bad")
        );
        assert_eq!(error_message(b"<html>404</html>"), None);
        assert_eq!(error_message(b""), None);
        assert_eq!(error_message(br#"{"error":{}}"#), None);
    }

    #[test]
    fn statuses_map_to_variants() {
        let e = map(401, r#"{"error":{"message":"Invalid API key"}}"#);
        assert!(matches!(&e, Error::Unauthorized { message } if message == "Invalid API key"));
        assert_eq!(e.code(), "unauthorized");
        assert!(e.to_string().contains("Settings"), "{e}");
        assert_eq!(map(403, "{}").code(), "forbidden");
        assert_eq!(map(404, "<html>Not Found</html>").code(), "not_found");
        let e = map(422, r#"{"error":{"message":"email is invalid"}}"#);
        assert!(matches!(&e, Error::Validation { message } if message == "email is invalid"));
        assert_eq!(map(400, "").code(), "validation");
        assert!(!map(400, "").is_retryable());
        let e = map(502, "<html>Bad gateway</html>");
        assert!(matches!(&e, Error::Api { status: 502, message } if message == "Bad Gateway"));
        assert!(e.is_retryable());
        assert!(map(408, "").is_retryable());
        assert!(!map(409, "").is_retryable());
    }

    #[test]
    fn key_and_long_bodies_stay_out_of_messages() {
        let e = map(401, r#"{"error":{"message":"key sekret-key is revoked"}}"#);
        assert!(!e.to_string().contains("sekret-key"), "{e}");
        assert!(!format!("{e:?}").contains("sekret-key"));
        let long = "x".repeat(5000);
        let e = map(500, &format!(r#"{{"error":{{"message":"{long}"}}}}"#));
        assert!(e.to_string().chars().count() < MAX_MESSAGE_CHARS + 100);
    }

    #[test]
    fn rate_limit_hints() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &headers, b"", "");
        assert!(
            matches!(e, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(7))
        );
        assert!(e.is_retryable());
        assert_eq!(e.code(), "rate_limited");
        assert!(e.to_string().contains("7 s"), "{e}");

        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"", "");
        assert!(matches!(e, Error::RateLimited { retry_after: None }));
        assert!(e.to_string().contains("shortly"));
    }

    #[test]
    fn codes() {
        assert_eq!(Error::Timeout.code(), "timeout");
        assert_eq!(
            Error::InvalidInput {
                message: "x".into()
            }
            .code(),
            "validation"
        );
        assert_eq!(
            Error::Config {
                message: "x".into()
            }
            .code(),
            "internal"
        );
        let unknown = Error::OutcomeUnknown {
            operation: "create_customer",
            cause: Box::new(Error::Timeout),
        };
        assert_eq!(unknown.code(), "outcome_unknown");
        assert!(!unknown.is_retryable());
        assert!(unknown.to_string().contains("create_customer"));
        let inv = Error::InvalidResponse {
            operation: "get_customer",
            message: "x".into(),
        };
        assert_eq!(inv.code(), "invalid_response");
    }
}
