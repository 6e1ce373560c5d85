//! `/contacts/{contactId}/tasks[/{taskId}[/completed]]` and the `TaskSchema`
//! shape. Every write also bumps the contact's `dateUpdated`.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::search::parse_json_object;
use super::validate::{parse_timestamp, Body};
use super::{error, iso, require_contact, touch, ApiError, AppState, Tenant};
use crate::model::{Dataset, Task};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/contacts/{contactId}/tasks",
            get(list_tasks).post(create_task),
        )
        .route(
            "/contacts/{contactId}/tasks/{taskId}",
            get(get_task).put(update_task).delete(delete_task),
        )
        .route(
            "/contacts/{contactId}/tasks/{taskId}/completed",
            put(complete_task),
        )
}

async fn list_tasks(
    state: Tenant,
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

fn task_not_found() -> ApiError {
    ApiError::BadRequest(error::TASK_NOT_FOUND.to_owned())
}

/// `GET /contacts/{contactId}/tasks/{taskId}` → `{ task }`.
async fn get_task(
    state: Tenant,
    Path((contact_id, task_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    require_contact(&dataset, &contact_id)?;
    let task = dataset
        .tasks_of(&contact_id)
        .iter()
        .find(|t| t.id == task_id)
        .ok_or_else(task_not_found)?;
    Ok(Json(json!({ "task": TaskJson::from(task) })))
}

/// The fields of `CreateTaskParams` / `UpdateTaskBody`.
#[derive(Debug, Default)]
struct TaskFields {
    title: Option<String>,
    body: Option<String>,
    due_date: Option<OffsetDateTime>,
    completed: Option<bool>,
    assigned_to: Option<String>,
}

const TASK_KEYS: &[&str] = &["title", "body", "dueDate", "completed", "assignedTo"];

fn parse_task(map: &Map<String, Value>, create: bool) -> Result<TaskFields, ApiError> {
    let mut body = Body::new(map);
    body.only(TASK_KEYS);
    let (title, due, completed) = if create {
        (
            body.required_string("title"),
            body.required_string("dueDate"),
            body.required_bool("completed"),
        )
    } else {
        (
            body.string("title"),
            body.string("dueDate"),
            body.bool("completed"),
        )
    };
    let due_date = due.and_then(|d| {
        let parsed = parse_timestamp(&d);
        if parsed.is_none() {
            body.problem("dueDate must be a valid ISO 8601 date string".to_owned());
        }
        parsed
    });
    let fields = TaskFields {
        title,
        body: body.string("body"),
        due_date,
        completed,
        assigned_to: body.string("assignedTo"),
    };
    body.finish()?;
    Ok(fields)
}

/// Runs `change` on one task of a contact, then bumps the contact's
/// `dateUpdated`.
fn with_task<T>(
    dataset: &mut Dataset,
    contact_id: &str,
    task_id: &str,
    change: impl FnOnce(&mut Vec<Task>, usize) -> T,
) -> Result<T, ApiError> {
    require_contact(dataset, contact_id)?;
    let tasks = dataset.tasks_of_mut(contact_id);
    let pos = tasks
        .iter()
        .position(|t| t.id == task_id)
        .ok_or_else(task_not_found)?;
    let out = change(tasks, pos);
    if let Some(contact) = dataset.contact_mut(contact_id) {
        touch(contact);
    }
    Ok(out)
}

/// `POST /contacts/{contactId}/tasks` → 201 `{ task }`.
async fn create_task(
    state: Tenant,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let fields = parse_task(&parse_json_object(&body)?, true)?;
    let mut dataset = state.dataset.write().await;
    let id = dataset.new_id();
    let contact = dataset
        .contact_mut(&contact_id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))?;
    touch(contact);
    let task = Task {
        id,
        contact_id: contact_id.clone(),
        title: fields.title.unwrap_or_default(),
        body: fields.body.unwrap_or_default(),
        assigned_to: fields.assigned_to.filter(|a| !a.is_empty()),
        due_date: fields.due_date.unwrap_or_else(super::now),
        completed: fields.completed.unwrap_or_default(),
    };
    let answer = json!({ "task": TaskJson::from(&task) });
    dataset.tasks_of_mut(&contact_id).push(task);
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `PUT /contacts/{contactId}/tasks/{taskId}` → `{ task }`.
async fn update_task(
    state: Tenant,
    Path((contact_id, task_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let fields = parse_task(&parse_json_object(&body)?, false)?;
    let mut dataset = state.dataset.write().await;
    with_task(&mut dataset, &contact_id, &task_id, |tasks, pos| {
        let t = &mut tasks[pos];
        if let Some(title) = fields.title {
            t.title = title;
        }
        if let Some(body) = fields.body {
            t.body = body;
        }
        if let Some(due) = fields.due_date {
            t.due_date = due;
        }
        if let Some(completed) = fields.completed {
            t.completed = completed;
        }
        if let Some(assigned) = fields.assigned_to {
            t.assigned_to = Some(assigned).filter(|a| !a.is_empty());
        }
        Json(json!({ "task": TaskJson::from(&*t) }))
    })
}

/// `PUT /contacts/{contactId}/tasks/{taskId}/completed` with `{ completed }`.
async fn complete_task(
    state: Tenant,
    Path((contact_id, task_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let map = parse_json_object(&body)?;
    let mut body = Body::new(&map);
    body.only(&["completed"]);
    let completed = body.required_bool("completed");
    body.finish()?;
    let mut dataset = state.dataset.write().await;
    with_task(&mut dataset, &contact_id, &task_id, |tasks, pos| {
        let t = &mut tasks[pos];
        t.completed = completed.unwrap_or_default();
        Json(json!({ "task": TaskJson::from(&*t) }))
    })
}

/// `DELETE /contacts/{contactId}/tasks/{taskId}` → `{ succeded }`.
async fn delete_task(
    state: Tenant,
    Path((contact_id, task_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut dataset = state.dataset.write().await;
    with_task(&mut dataset, &contact_id, &task_id, |tasks, pos| {
        tasks.remove(pos);
    })?;
    Ok(Json(json!({ "succeded": true })))
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
