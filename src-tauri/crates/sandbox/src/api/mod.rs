//! HTTP surface: one module per GHL resource, each contributing its routes and
//! owning the JSON rendering of its records.

mod appointments;
mod contact_input;
mod contacts;
pub mod error;
mod gateway;
mod listing;
mod locations;
mod notes;
pub(crate) mod oauth;
mod search;
mod tags;
mod tasks;
mod validate;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::{RwLock, RwLockReadGuard};

use crate::faults::FaultsHandle;
use crate::limits::RateLimiter;
use crate::model::{Contact, Dataset};
use crate::oauth::OAuth;
use crate::observe::Observer;
pub use error::ApiError;
pub(crate) use gateway::Tokens;
pub use gateway::{
    Operation, OperationSource, FULL_SCOPES, OPERATIONS, SCOPE_LOCATIONS_READ, SCOPE_READ,
    SCOPE_WRITE,
};
pub use listing::LIST_CONTACT_LIVE_KEYS;
use validate::QueryParams;

/// The only `Version` header value the operations accept.
pub const API_VERSION: &str = "2021-07-28";

/// One location (GHL sub-account) and its data.
#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    /// Also its rate-limit bucket.
    pub id: Arc<str>,
    pub dataset: Arc<RwLock<Dataset>>,
}

/// The handlers' view of the request's location: the one the bearer token
/// belongs to, which the gateway put in the request's extensions.
impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Tenant>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized(error::INVALID_TOKEN.to_owned()))
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    /// Never empty; location 0 is the default one.
    pub locations: Arc<[Tenant]>,
    pub tokens: Arc<Tokens>,
    pub oauth: Arc<OAuth>,
    pub limiter: Arc<RateLimiter>,
    pub faults: FaultsHandle,
    pub observer: Arc<Observer>,
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(contacts::routes())
        .merge(listing::routes())
        .merge(search::routes())
        .merge(tasks::routes())
        .merge(notes::routes())
        .merge(tags::routes())
        .merge(appointments::routes())
        .merge(locations::routes())
        .merge(oauth::token_routes())
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        // `layer` (not `route_layer`): the fallback goes through it too, and
        // the matched route is known inside it.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            gateway::gateway,
        ))
        // Merged after the gateway: GHL serves them from another host, without
        // rate limits, and faults injected into the API leave them alone.
        .merge(oauth::page_routes())
        .layer(middleware::from_fn(log_request))
        .with_state(state)
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

/// The dataset for reading, with the search index brought up to date first if
/// writes made it stale (one rebuild per burst of writes, not per write).
pub(crate) async fn read_indexed(dataset: &RwLock<Dataset>) -> RwLockReadGuard<'_, Dataset> {
    {
        let guard = dataset.read().await;
        if !guard.index_is_stale() {
            return guard;
        }
    }
    let mut guard = dataset.write().await;
    guard.refresh_index();
    guard.downgrade()
}

/// The current time in milliseconds, as GHL stores timestamps.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(t)
}

/// Marks a contact as changed now (never moving `dateUpdated` backwards, even
/// when the seed's anchor lies in the future).
pub(crate) fn touch(contact: &mut Contact) {
    contact.date_updated = contact.date_updated.max(now());
}

/// Decoded query pairs; a query that does not decode is a 400.
fn query_params(uri: &Uri) -> Result<QueryParams, ApiError> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| QueryParams(q.0))
        .map_err(|e| ApiError::BadRequest(format!("Invalid query string: {e}")))
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
