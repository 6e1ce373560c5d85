//! `/contacts/{contactId}/notes` and the `GetNoteSchema` shape.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use super::{iso, require_contact, ApiError, AppState};
use crate::model::Note;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/{contactId}/notes", get(list_notes))
}

async fn list_notes(
    State(state): State<AppState>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    require_contact(&dataset, &contact_id)?;
    let notes: Vec<NoteJson> = dataset
        .notes_of(&contact_id)
        .iter()
        .map(NoteJson::from)
        .collect();
    Ok(Json(json!({ "notes": notes })))
}

/// `GetNoteSchema`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NoteJson<'a> {
    id: &'a str,
    body: &'a str,
    user_id: &'a str,
    date_added: String,
    contact_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'a str>,
    pinned: bool,
}

impl<'a> From<&'a Note> for NoteJson<'a> {
    fn from(n: &'a Note) -> Self {
        NoteJson {
            id: &n.id,
            body: &n.body,
            user_id: &n.user_id,
            date_added: iso(n.date_added),
            contact_id: &n.contact_id,
            title: n.title.as_deref(),
            color: n.color.as_deref(),
            pinned: n.pinned,
        }
    }
}
