//! HTTP surface: one module per GHL resource, each contributing its routes and
//! owning the JSON rendering of its records.

mod appointments;
mod contacts;
pub mod error;
mod notes;
mod search;
mod tasks;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::RwLock;

use crate::model::Dataset;
pub use error::ApiError;

/// The only `Version` header value the contacts operations accept.
pub const API_VERSION: &str = "2021-07-28";

#[derive(Clone)]
pub(crate) struct AppState {
    pub dataset: Arc<RwLock<Dataset>>,
    pub token: Arc<str>,
}

pub(crate) fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(contacts::routes())
        .merge(search::routes())
        .merge(tasks::routes())
        .merge(notes::routes())
        .merge(appointments::routes())
        // route_layer: unknown paths answer 404 without auth, as NestJS does.
        .route_layer(middleware::from_fn_with_state(state.clone(), check_headers));
    api.fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Auth first, then `Version`: a request without a valid token learns nothing else.
async fn check_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(e) = check_token(req.headers(), &state.token) {
        return e.into_response();
    }
    if let Err(e) = check_version(req.headers()) {
        return e.into_response();
    }
    next.run(req).await
}

fn check_token(headers: &HeaderMap, token: &str) -> Result<(), ApiError> {
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    match presented {
        Some(t) if t == token => Ok(()),
        _ => Err(ApiError::Unauthorized(error::INVALID_TOKEN.to_owned())),
    }
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

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("Cannot {method} {}", uri.path()))
}

async fn log_request(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::debug!(
        %method, %path, status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "sandbox request"
    );
    response
}

const ISO_MILLIS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// `2026-11-23T15:00:00.000Z`, the timestamp format GHL uses in JSON.
pub(crate) fn iso(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(ISO_MILLIS)
        .unwrap_or_else(|_| t.to_string())
}

/// Looks a contact up or answers GHL's 400 for unknown ids.
pub(crate) fn require_contact<'d>(
    dataset: &'d Dataset,
    id: &str,
) -> Result<&'d crate::model::Contact, ApiError> {
    dataset
        .contact(id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn iso_has_millis_and_z() {
        assert_eq!(
            iso(datetime!(2026-11-23 08:00:00 -7)),
            "2026-11-23T15:00:00.000Z"
        );
        assert_eq!(
            iso(datetime!(2024-06-06 18:54:57.221 UTC)),
            "2024-06-06T18:54:57.221Z"
        );
    }
}
