//! Turns core errors into the `{ code, message, details }` shape the UI branches on.

use crate::ipc::{AppError, ErrorCode};

impl From<ghl::Error> for AppError {
    fn from(error: ghl::Error) -> Self {
        let code = match error.code() {
            "unauthorized" => ErrorCode::Unauthorized,
            "forbidden" => ErrorCode::Forbidden,
            "not_found" => ErrorCode::NotFound,
            "rate_limited" => ErrorCode::RateLimited,
            "validation" => ErrorCode::Validation,
            "network" => ErrorCode::Network,
            "timeout" => ErrorCode::Timeout,
            "invalid_response" => ErrorCode::InvalidResponse,
            "outcome_unknown" => ErrorCode::OutcomeUnknown,
            "reauth_required" => ErrorCode::ReauthRequired,
            "api" => ErrorCode::Api,
            _ => ErrorCode::Internal,
        };
        let details = match &error {
            ghl::Error::RateLimited {
                retry_after: Some(wait),
            } => Some(serde_json::json!({ "retryAfterMs": wait.as_millis() as u64 })),
            ghl::Error::Validation { messages } | ghl::Error::InvalidInput { messages } => {
                Some(serde_json::json!({ "messages": messages }))
            }
            _ => None,
        };
        AppError {
            code,
            message: error.to_string(),
            details,
        }
    }
}

impl AppError {
    pub fn internal(message: impl Into<String>) -> Self {
        AppError {
            code: ErrorCode::Internal,
            message: message.into(),
            details: None,
        }
    }
}
