//! `POST` / `DELETE /contacts/{contactId}/tags` with a `TagsDTO` body
//! (`{ tags }`, a JSON body on DELETE too). Both answer the contact's tags as
//! they are afterwards. Tags are stored lower-cased, trimmed and once each, so
//! adding `VIP` to a contact tagged `vip` changes nothing.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::contact_input::normalize_tags;
use super::search::parse_json_object;
use super::validate::Body;
use super::{error, touch, ApiError, AppState, Tenant};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(
        "/contacts/{contactId}/tags",
        post(add_tags).delete(remove_tags),
    )
}

fn parse_tags(body: &[u8]) -> Result<Vec<String>, ApiError> {
    let map = parse_json_object(body)?;
    let mut body = Body::new(&map);
    body.only(&["tags"]);
    let tags = body.required_string_array("tags");
    body.finish()?;
    Ok(normalize_tags(tags.unwrap_or_default()))
}

/// Runs `change` on the contact's tags and answers the result.
async fn with_tags(
    state: &Tenant,
    contact_id: &str,
    change: impl FnOnce(&mut Vec<String>),
) -> Result<Json<Value>, ApiError> {
    let mut dataset = state.dataset.write().await;
    let contact = dataset
        .contact_mut(contact_id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))?;
    change(&mut contact.tags);
    touch(contact);
    Ok(Json(json!({ "tags": contact.tags })))
}

/// 201 `{ tags }`: the contact's tags with the new ones appended.
async fn add_tags(
    state: Tenant,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new = parse_tags(&body)?;
    let tags = with_tags(&state, &contact_id, |tags| {
        let mut all = std::mem::take(tags);
        all.extend(new);
        *tags = normalize_tags(all);
    })
    .await?;
    Ok((StatusCode::CREATED, tags))
}

/// 200 `{ tags }`: the contact's remaining tags.
async fn remove_tags(
    state: Tenant,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let gone = parse_tags(&body)?;
    with_tags(&state, &contact_id, |tags| {
        tags.retain(|t| !gone.iter().any(|g| g.eq_ignore_ascii_case(t)));
    })
    .await
}
