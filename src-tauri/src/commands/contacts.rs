use tauri::State;

use crate::ipc::{AppError, Appointment, ContactDetail, ContactPage, Note, Task};
use crate::session::Sessions;

#[tauri::command]
pub async fn list_contacts(
    state: State<'_, Sessions>,
    query: String,
    cursor: Option<String>,
    limit: u32,
) -> Result<ContactPage, AppError> {
    state
        .active()
        .await?
        .list_contacts(&query, cursor.as_deref(), limit)
        .await
}

/// The same page from GHL's deprecated `GET /contacts/` list (support option).
#[tauri::command]
pub async fn list_contacts_legacy(
    state: State<'_, Sessions>,
    query: String,
    cursor: Option<String>,
    limit: u32,
) -> Result<ContactPage, AppError> {
    state
        .active()
        .await?
        .list_contacts_legacy(&query, cursor.as_deref(), limit)
        .await
}

#[tauri::command]
pub async fn get_contact(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<ContactDetail, AppError> {
    state.active().await?.contact(&contact_id).await
}

#[tauri::command]
pub async fn list_contact_tasks(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<Vec<Task>, AppError> {
    state.active().await?.tasks(&contact_id).await
}

#[tauri::command]
pub async fn get_task(
    state: State<'_, Sessions>,
    contact_id: String,
    task_id: String,
) -> Result<Task, AppError> {
    state.active().await?.task(&contact_id, &task_id).await
}

#[tauri::command]
pub async fn get_note(
    state: State<'_, Sessions>,
    contact_id: String,
    note_id: String,
) -> Result<Note, AppError> {
    state.active().await?.note(&contact_id, &note_id).await
}

#[tauri::command]
pub async fn list_contact_notes(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<Vec<Note>, AppError> {
    state.active().await?.notes(&contact_id).await
}

#[tauri::command]
pub async fn list_contact_appointments(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<Vec<Appointment>, AppError> {
    state.active().await?.appointments(&contact_id).await
}
