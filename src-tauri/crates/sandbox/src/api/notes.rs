//! `/contacts/{contactId}/notes[/{id}]` (note the `{id}`, not `{noteId}`) and
//! the `GetNoteSchema` shape. Every write also bumps the contact's
//! `dateUpdated`.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::search::parse_json_object;
use super::validate::Body;
use super::{error, iso, now, require_contact, touch, ApiError, AppState, Tenant};
use crate::model::{Dataset, Note};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/contacts/{contactId}/notes",
            get(list_notes).post(create_note),
        )
        .route(
            "/contacts/{contactId}/notes/{id}",
            get(get_note).put(update_note).delete(delete_note),
        )
}

async fn list_notes(
    state: Tenant,
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

fn note_not_found() -> ApiError {
    ApiError::BadRequest(error::NOTE_NOT_FOUND.to_owned())
}

/// `GET /contacts/{contactId}/notes/{id}` → `{ note }`.
async fn get_note(
    state: Tenant,
    Path((contact_id, note_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    require_contact(&dataset, &contact_id)?;
    let note = dataset
        .notes_of(&contact_id)
        .iter()
        .find(|n| n.id == note_id)
        .ok_or_else(note_not_found)?;
    Ok(Json(json!({ "note": NoteJson::from(note) })))
}

/// The fields of `NotesDTO` / `UpdateNoteDTO`.
#[derive(Debug, Default)]
struct NoteFields {
    body: Option<String>,
    user_id: Option<String>,
    title: Option<String>,
    color: Option<String>,
    pinned: Option<bool>,
}

fn parse_note(map: &Map<String, Value>, create: bool) -> Result<NoteFields, ApiError> {
    let mut body = Body::new(map);
    body.only(&["body", "userId", "title", "color", "pinned"]);
    let text = if create {
        body.required_string("body")
    } else {
        body.string("body")
    };
    let fields = NoteFields {
        body: text,
        user_id: body.string("userId"),
        title: body.string("title"),
        color: body.string("color"),
        pinned: body.bool("pinned"),
    };
    body.finish()?;
    Ok(fields)
}

/// Runs `change` on one note of a contact, then bumps the contact's
/// `dateUpdated`.
fn with_note<T>(
    dataset: &mut Dataset,
    contact_id: &str,
    note_id: &str,
    change: impl FnOnce(&mut Vec<Note>, usize) -> T,
) -> Result<T, ApiError> {
    require_contact(dataset, contact_id)?;
    let notes = dataset.notes_of_mut(contact_id);
    let pos = notes
        .iter()
        .position(|n| n.id == note_id)
        .ok_or_else(note_not_found)?;
    let out = change(notes, pos);
    if let Some(contact) = dataset.contact_mut(contact_id) {
        touch(contact);
    }
    Ok(out)
}

/// `POST /contacts/{contactId}/notes` → 201 `{ note }`.
async fn create_note(
    state: Tenant,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let fields = parse_note(&parse_json_object(&body)?, true)?;
    let mut dataset = state.dataset.write().await;
    let id = dataset.new_id();
    let contact = dataset
        .contact_mut(&contact_id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))?;
    touch(contact);
    let note = Note {
        id,
        contact_id: contact_id.clone(),
        body: fields.body.unwrap_or_default(),
        title: fields.title.filter(|t| !t.is_empty()),
        color: fields.color.filter(|c| !c.is_empty()),
        pinned: fields.pinned.unwrap_or_default(),
        user_id: fields.user_id.unwrap_or_default(),
        date_added: now(),
    };
    let answer = json!({ "note": NoteJson::from(&note) });
    dataset.notes_of_mut(&contact_id).push(note);
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `PUT /contacts/{contactId}/notes/{id}` → `{ note }`.
async fn update_note(
    state: Tenant,
    Path((contact_id, note_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let fields = parse_note(&parse_json_object(&body)?, false)?;
    let mut dataset = state.dataset.write().await;
    with_note(&mut dataset, &contact_id, &note_id, |notes, pos| {
        let n = &mut notes[pos];
        if let Some(body) = fields.body {
            n.body = body;
        }
        if let Some(user_id) = fields.user_id {
            n.user_id = user_id;
        }
        if let Some(title) = fields.title {
            n.title = Some(title).filter(|t| !t.is_empty());
        }
        if let Some(color) = fields.color {
            n.color = Some(color).filter(|c| !c.is_empty());
        }
        if let Some(pinned) = fields.pinned {
            n.pinned = pinned;
        }
        Json(json!({ "note": NoteJson::from(&*n) }))
    })
}

/// `DELETE /contacts/{contactId}/notes/{id}` → `{ succeded }`.
async fn delete_note(
    state: Tenant,
    Path((contact_id, note_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut dataset = state.dataset.write().await;
    with_note(&mut dataset, &contact_id, &note_id, |notes, pos| {
        notes.remove(pos);
    })?;
    Ok(Json(json!({ "succeded": true })))
}

/// `GetNoteSchema`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NoteJson<'a> {
    id: &'a str,
    body: &'a str,
    /// Notes created without `userId` have none.
    #[serde(skip_serializing_if = "str::is_empty")]
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
