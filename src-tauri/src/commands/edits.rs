//! Commands that change GHL data. Each forwards to the connection; a refusal
//! (validation, scope, network) comes back as `{ code, message, details }`.

use tauri::State;

use crate::ipc::{
    AppError, ContactDetail, ContactForm, ContactPage, Note, NoteForm, Task, TaskForm,
};
use crate::state::AppState;

#[tauri::command]
pub async fn create_contact(
    state: State<'_, AppState>,
    form: ContactForm,
) -> Result<ContactDetail, AppError> {
    state.connection()?.create_contact(form).await
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, AppState>,
    contact_id: String,
    form: ContactForm,
) -> Result<ContactDetail, AppError> {
    state.connection()?.update_contact(&contact_id, form).await
}

#[tauri::command]
pub async fn delete_contact(
    state: State<'_, AppState>,
    contact_id: String,
) -> Result<(), AppError> {
    state.connection()?.delete_contact(&contact_id).await
}

#[tauri::command]
pub async fn create_task(
    state: State<'_, AppState>,
    contact_id: String,
    form: TaskForm,
) -> Result<Task, AppError> {
    state.connection()?.create_task(&contact_id, form).await
}

#[tauri::command]
pub async fn update_task(
    state: State<'_, AppState>,
    contact_id: String,
    task_id: String,
    form: TaskForm,
) -> Result<Task, AppError> {
    state
        .connection()?
        .update_task(&contact_id, &task_id, form)
        .await
}

#[tauri::command]
pub async fn set_task_completed(
    state: State<'_, AppState>,
    contact_id: String,
    task_id: String,
    completed: bool,
) -> Result<Task, AppError> {
    state
        .connection()?
        .set_task_completed(&contact_id, &task_id, completed)
        .await
}

#[tauri::command]
pub async fn delete_task(
    state: State<'_, AppState>,
    contact_id: String,
    task_id: String,
) -> Result<(), AppError> {
    state.connection()?.delete_task(&contact_id, &task_id).await
}

#[tauri::command]
pub async fn create_note(
    state: State<'_, AppState>,
    contact_id: String,
    form: NoteForm,
) -> Result<Note, AppError> {
    state.connection()?.create_note(&contact_id, form).await
}

#[tauri::command]
pub async fn update_note(
    state: State<'_, AppState>,
    contact_id: String,
    note_id: String,
    form: NoteForm,
) -> Result<Note, AppError> {
    state
        .connection()?
        .update_note(&contact_id, &note_id, form)
        .await
}

#[tauri::command]
pub async fn delete_note(
    state: State<'_, AppState>,
    contact_id: String,
    note_id: String,
) -> Result<(), AppError> {
    state.connection()?.delete_note(&contact_id, &note_id).await
}

#[tauri::command]
pub async fn add_tags(
    state: State<'_, AppState>,
    contact_id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, AppError> {
    state.connection()?.add_tags(&contact_id, tags).await
}

#[tauri::command]
pub async fn remove_tags(
    state: State<'_, AppState>,
    contact_id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, AppError> {
    state.connection()?.remove_tags(&contact_id, tags).await
}

#[tauri::command]
pub fn known_tags(state: State<'_, AppState>) -> Result<Vec<String>, AppError> {
    Ok(state.connection()?.known_tags())
}

#[tauri::command]
pub async fn list_business_contacts(
    state: State<'_, AppState>,
    business_id: String,
) -> Result<ContactPage, AppError> {
    state.connection()?.business_contacts(&business_id).await
}
