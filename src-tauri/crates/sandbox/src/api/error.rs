//! Error bodies in the shapes of GHL's shared DTOs (`common/common-schemas.json`).

use axum::http::StatusCode;
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
}

pub const INVALID_TOKEN: &str = "Invalid token: access token is invalid";
pub const CONTACT_NOT_FOUND: &str = "Contact not found";

/// A random id in UUID layout, like the `traceId` GHL puts on errors.
fn trace_id() -> String {
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
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
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
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}
