//! The one error type of the crate, and the mapping from HTTP failures to it.
//!
//! Messages are meant to be shown to office staff. They carry the API's own
//! `message` text where there is one, but never the access token, request
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
    /// 401: token missing, expired, revoked or for another location.
    #[error("GoHighLevel rejected the access token: {message}")]
    Unauthorized { message: String },
    /// The sign-in can no longer be renewed (the refresh token was refused,
    /// or a Private Integration Token was rejected): the user has to sign in
    /// again. Returned by a [`crate::TokenSource`], never mapped from a status.
    #[error("Sign in to GoHighLevel again: {message}")]
    ReauthRequired { message: String },
    /// 403: the token is valid but not allowed to do this (usually a scope).
    #[error("GoHighLevel refused access (the token may lack a permission): {message}")]
    Forbidden { message: String },
    /// 404, or a 400 whose message says the record was not found.
    #[error("GoHighLevel could not find that record: {message}")]
    NotFound { message: String },
    /// 429. `retry_after` comes from `Retry-After` or the rate-limit window header.
    #[error("GoHighLevel rate limit reached; {}", retry_hint(*.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// 422: the API listed what is wrong with the request.
    #[error("GoHighLevel rejected the request: {}", messages.join("; "))]
    Validation { messages: Vec<String> },
    /// The client's own checks refused the input; nothing was sent.
    #[error("Not sent to GoHighLevel: {}", messages.join("; "))]
    InvalidInput { messages: Vec<String> },
    /// Any other 4xx/5xx.
    #[error("GoHighLevel returned an error (HTTP {status}): {message}")]
    Api {
        status: u16,
        message: String,
        trace_id: Option<String>,
    },
    /// Connection refused/reset, DNS failure, TLS failure.
    #[error("Could not reach GoHighLevel: {message}")]
    Network { message: String },
    #[error("GoHighLevel did not respond in time")]
    Timeout,
    /// A success response whose body is not what the operation declares.
    #[error("GoHighLevel sent an unexpected response to {operation}: {message}")]
    InvalidResponse {
        operation: &'static str,
        message: String,
    },
    /// Bad settings on our side (base URL, token characters, ...).
    #[error("Invalid GoHighLevel connection settings: {message}")]
    Config { message: String },
    /// A create (task, note, tags, upsert, or a contact that could not be
    /// looked up afterwards) failed in a way that leaves its outcome unknown:
    /// the connection dropped, timed out or the server failed after the
    /// request was sent. It was not retried, because a retry could create a
    /// duplicate; check the record before trying again.
    #[error("GoHighLevel may or may not have completed {operation} ({cause}); check before trying again")]
    OutcomeUnknown {
        operation: &'static str,
        cause: Box<Error>,
    },
}

impl Error {
    /// Stable machine-readable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized { .. } => "unauthorized",
            Error::ReauthRequired { .. } => "reauth_required",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::RateLimited { .. } => "rate_limited",
            Error::Validation { .. } | Error::InvalidInput { .. } => "validation",
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
            // 408 and gateway/server trouble are transient; other 4xx are not.
            Error::Api { status, .. } => *status == 408 || *status >= 500,
            _ => false,
        }
    }

    /// Maps a non-success HTTP response to an error. `secret` (the access
    /// token) is scrubbed from any text the API echoes back.
    pub(crate) fn from_response(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        secret: &str,
    ) -> Error {
        let parsed = ErrorBody::parse(body);
        let messages: Vec<String> = parsed
            .messages
            .iter()
            .map(|m| clean(m, secret))
            .filter(|m| !m.is_empty())
            .collect();
        let fallback = || {
            parsed
                .error
                .as_deref()
                .map(|e| clean(e, secret))
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| {
                    status
                        .canonical_reason()
                        .unwrap_or("no details given")
                        .to_owned()
                })
        };
        let message = if messages.is_empty() {
            fallback()
        } else {
            messages.join("; ")
        };

        match status.as_u16() {
            // "The token is not authorized for this scope." is a permission
            // problem, not a bad token.
            401 if message.to_ascii_lowercase().contains("scope") => Error::Forbidden { message },
            401 => Error::Unauthorized { message },
            403 => Error::Forbidden { message },
            404 => Error::NotFound { message },
            // GHL answers an unknown id with 400 "Contact not found" (and similar).
            400 if message.to_ascii_lowercase().contains("not found") => {
                Error::NotFound { message }
            }
            422 => Error::Validation {
                messages: if messages.is_empty() {
                    vec![fallback()]
                } else {
                    messages
                },
            },
            429 => Error::RateLimited {
                retry_after: retry_after(headers),
            },
            code => Error::Api {
                status: code,
                message,
                trace_id: parsed.trace_id.or_else(|| trace_id_header(headers)),
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

/// `Retry-After` (delta seconds or HTTP date), else the burst window length
/// from `X-RateLimit-Interval-Milliseconds` as a conservative hint.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(v) = header(RETRY_AFTER.as_str()) {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() && secs >= 0.0 {
                return Some(Duration::from_secs_f64(secs));
            }
        } else if let Some(at) = parse_http_date(v) {
            let wait = at - time::OffsetDateTime::now_utc();
            return Some(wait.try_into().unwrap_or(Duration::ZERO));
        }
    }
    header("x-ratelimit-interval-milliseconds")
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
pub(crate) fn parse_http_date(s: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s, format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

fn trace_id_header(headers: &HeaderMap) -> Option<String> {
    ["traceid", "x-trace-id", "x-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(|v| truncate(v.trim()))
}

/// The shared error DTOs (`BadRequestDTO`, `UnauthorizedDTO`, `UnprocessableDTO`)
/// read leniently: `message` may be a string or an array of strings.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ErrorBody {
    pub(crate) messages: Vec<String>,
    pub(crate) error: Option<String>,
    pub(crate) trace_id: Option<String>,
}

impl ErrorBody {
    pub(crate) fn parse(body: &[u8]) -> ErrorBody {
        // Proxies answer with HTML or nothing; that is "no details", not a failure.
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return ErrorBody::default();
        };
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let messages = match map.get("message") {
            Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
            Some(v) => text(v).into_iter().collect(),
            None => Vec::new(),
        };
        ErrorBody {
            messages,
            error: map.get("error").and_then(text),
            trace_id: map.get("traceId").and_then(text),
        }
    }
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
            "sekret-token",
        )
    }

    #[test]
    fn error_body_message_as_string_or_array() {
        let one = ErrorBody::parse(br#"{"statusCode":400,"message":"Bad Request"}"#);
        assert_eq!(one.messages, vec!["Bad Request"]);
        let many = ErrorBody::parse(
            br#"{"statusCode":422,"message":["a must be a string","b is required"],"error":"Unprocessable Entity"}"#,
        );
        assert_eq!(many.messages, vec!["a must be a string", "b is required"]);
        assert_eq!(many.error.as_deref(), Some("Unprocessable Entity"));
        assert_eq!(ErrorBody::parse(b"<html>502</html>"), ErrorBody::default());
        assert_eq!(ErrorBody::parse(b""), ErrorBody::default());
    }

    #[test]
    fn statuses_map_to_variants() {
        let e = map(
            401,
            r#"{"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"}"#,
        );
        assert!(
            matches!(&e, Error::Unauthorized { message } if message == "Invalid token: access token is invalid")
        );
        assert_eq!(e.code(), "unauthorized");
        assert_eq!(map(403, "{}").code(), "forbidden");
        let e = map(
            401,
            r#"{"statusCode":401,"message":"The token is not authorized for this scope."}"#,
        );
        assert!(
            matches!(&e, Error::Forbidden { message } if message == "The token is not authorized for this scope."),
            "{e:?}"
        );
        let e = map(403, r#"{"message":"Missing scope contacts.write"}"#);
        assert!(matches!(&e, Error::Forbidden { message } if message.contains("contacts.write")));
        assert_eq!(map(404, "").code(), "not_found");
        assert_eq!(
            map(400, r#"{"statusCode":400,"message":"Contact not found"}"#).code(),
            "not_found"
        );
        let e = map(
            422,
            r#"{"statusCode":422,"message":["pageLimit must not be less than 1"],"error":"Unprocessable Entity"}"#,
        );
        assert!(
            matches!(&e, Error::Validation { messages } if messages == &["pageLimit must not be less than 1"])
        );
        // 422 with a plain-string message still yields one message.
        assert!(
            matches!(map(422, r#"{"message":"nope"}"#), Error::Validation { messages } if messages == ["nope"])
        );
        let e = map(
            400,
            r#"{"statusCode":400,"message":"Invalid field contact_name","error":"Bad Request","traceId":"t-1"}"#,
        );
        assert!(matches!(
            &e,
            Error::Api { status: 400, message, trace_id: Some(t) }
                if message == "Invalid field contact_name" && t == "t-1"
        ));
        assert!(!e.is_retryable());
        let e = map(502, "<html>Bad gateway from some proxy</html>");
        assert!(matches!(&e, Error::Api { status: 502, message, .. } if message == "Bad Gateway"));
        assert!(e.is_retryable());
    }

    #[test]
    fn token_and_long_bodies_stay_out_of_messages() {
        let e = map(401, r#"{"message":"token sekret-token is expired"}"#);
        let shown = e.to_string();
        assert!(!shown.contains("sekret-token"), "{shown}");
        assert!(!format!("{e:?}").contains("sekret-token"));
        let long = "x".repeat(5000);
        let e = map(500, &format!(r#"{{"message":"{long}"}}"#));
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

        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ratelimit-interval-milliseconds",
            HeaderValue::from_static("10000"),
        );
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &headers, b"", "");
        assert!(
            matches!(e, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(10))
        );

        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"", "");
        assert!(matches!(e, Error::RateLimited { retry_after: None }));
    }

    #[test]
    fn http_date_retry_after() {
        assert!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").is_some());
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        // A date in the past means "now".
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
    }

    #[test]
    fn codes_and_retryability() {
        assert_eq!(Error::Timeout.code(), "timeout");
        assert!(Error::Timeout.is_retryable());
        let cfg = Error::Config {
            message: "bad".into(),
        };
        assert_eq!(cfg.code(), "internal");
        assert!(!cfg.is_retryable());
        let inv = Error::InvalidResponse {
            operation: "get_contact",
            message: "x".into(),
        };
        assert_eq!(inv.code(), "invalid_response");
        assert!(inv.to_string().contains("get_contact"));
        assert_eq!(
            Error::Network {
                message: "reset".into()
            }
            .code(),
            "network"
        );
        let unknown = Error::OutcomeUnknown {
            operation: "create_task",
            cause: Box::new(Error::Timeout),
        };
        assert_eq!(unknown.code(), "outcome_unknown");
        assert!(!unknown.is_retryable());
        assert!(unknown.to_string().contains("create_task"), "{unknown}");
        let reauth = Error::ReauthRequired {
            message: "the refresh token was refused".into(),
        };
        assert_eq!(reauth.code(), "reauth_required");
        assert!(!reauth.is_retryable());
        assert!(reauth.to_string().contains("Sign in"), "{reauth}");
    }
}
