//! Error bodies in the shapes of GHL's shared DTOs (`common/common-schemas.json`).

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400 `BadRequestDTO` (`message` is a string). The live API also sends
    /// `error` and `traceId` (highlevel-api-docs#170); extra keys are allowed.
    #[error("400 {0}")]
    BadRequest(String),
    /// 401 `UnauthorizedDTO`.
    #[error("401 {0}")]
    Unauthorized(String),
    /// 403 as the live API answers a token used on another location
    /// (highlevel-api-docs#213): `{ statusCode, message }`. Not in the spec.
    #[error("403 {0}")]
    Forbidden(String),
    /// 404 in NestJS's default shape for unknown routes. Not in the spec.
    #[error("404 {0}")]
    NotFound(String),
    /// 422 `UnprocessableDTO` (`message` is an array).
    #[error("422 {0:?}")]
    Unprocessable(Vec<String>),
    /// 400 for a create (or an update) that would duplicate another contact's
    /// email or phone while the location disallows duplicates. The live API adds
    /// `meta` to the `BadRequestDTO` keys.
    #[error("400 duplicate of {contact_id} by {matching_field}")]
    Duplicate {
        contact_id: String,
        contact_name: String,
        /// `email` or `phone`.
        matching_field: &'static str,
    },
    /// 429 with `Retry-After` in whole seconds (rounded up). No schema anywhere;
    /// `{ statusCode, message }` like the other NestJS errors.
    #[error("429 retry after {retry_after_secs}s")]
    TooManyRequests { retry_after_secs: u64 },
}

pub const INVALID_TOKEN: &str = "Invalid token: access token is invalid";
/// The live API's answer to an expired OAuth access token.
pub const EXPIRED_TOKEN: &str = "Invalid JWT";
pub const CONTACT_NOT_FOUND: &str = "Contact not found";
pub const TASK_NOT_FOUND: &str = "Task not found";
pub const NOTE_NOT_FOUND: &str = "Note not found";
pub const LOCATION_NOT_FOUND: &str = "Location not found";
/// The live API's answer to a token without the operation's scope.
pub const SCOPE_NOT_AUTHORIZED: &str = "The token is not authorized for this scope.";
pub const DUPLICATE_CONTACT: &str = "This location does not allow duplicated contacts.";
pub const WRONG_LOCATION: &str = "The token does not have access to this location.";
pub const TOO_MANY_REQUESTS: &str = "Too many requests";

/// A random id in UUID layout, like the `traceId` GHL puts on errors.
pub(crate) fn trace_id() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Duplicate { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    pub fn body(&self) -> Value {
        let code = self.status().as_u16();
        match self {
            ApiError::BadRequest(m) => json!({
                "statusCode": code, "message": m, "error": "Bad Request", "traceId": trace_id(),
            }),
            ApiError::Unauthorized(m) => json!({
                "statusCode": code, "message": m, "error": "Unauthorized",
            }),
            ApiError::Forbidden(m) => json!({ "statusCode": code, "message": m }),
            ApiError::NotFound(m) => json!({
                "statusCode": code, "message": m, "error": "Not Found",
            }),
            ApiError::Unprocessable(ms) => json!({
                "statusCode": code, "message": ms, "error": "Unprocessable Entity",
            }),
            ApiError::Duplicate {
                contact_id,
                contact_name,
                matching_field,
            } => json!({
                "statusCode": code, "message": DUPLICATE_CONTACT, "error": "Bad Request",
                "meta": {
                    "contactName": contact_name,
                    "contactId": contact_id,
                    "matchingField": matching_field,
                },
                "traceId": trace_id(),
            }),
            ApiError::TooManyRequests { .. } => json!({
                "statusCode": code, "message": TOO_MANY_REQUESTS,
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
