//! `/contacts/{contactId}/tasks` and the `TaskSchema` shape.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use super::{iso, require_contact, ApiError, AppState};
use crate::model::Task;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/{contactId}/tasks", get(list_tasks))
}

async fn list_tasks(
    State(state): State<AppState>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    require_contact(&dataset, &contact_id)?;
    let tasks: Vec<TaskJson> = dataset
        .tasks_of(&contact_id)
        .iter()
        .map(TaskJson::from)
        .collect();
    Ok(Json(json!({ "tasks": tasks })))
}

/// `TaskSchema`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TaskJson<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
    due_date: String,
    completed: bool,
    contact_id: &'a str,
}

impl<'a> From<&'a Task> for TaskJson<'a> {
    fn from(t: &'a Task) -> Self {
        TaskJson {
            id: &t.id,
            title: &t.title,
            body: &t.body,
            assigned_to: t.assigned_to.as_deref(),
            due_date: iso(t.due_date),
            completed: t.completed,
            contact_id: &t.contact_id,
        }
    }
}
