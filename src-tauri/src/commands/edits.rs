//! Commands that change GHL data. Each forwards to the connection; a refusal
//! (validation, scope, network) comes back as `{ code, message, details }`.

use tauri::State;

use crate::ipc::{
    AppError, ContactDetail, ContactForm, ContactPage, DuplicateMatch, Note, NoteForm, Task,
    TaskForm, UpsertOutcome,
};
use crate::session::Sessions;

#[tauri::command]
pub async fn create_contact(
    state: State<'_, Sessions>,
    form: ContactForm,
) -> Result<ContactDetail, AppError> {
    state.active().await?.create_contact(form).await
}

#[tauri::command]
pub async fn find_duplicate_contact(
    state: State<'_, Sessions>,
    email: Option<String>,
    phone: Option<String>,
) -> Result<Option<DuplicateMatch>, AppError> {
    state.active().await?.find_duplicate(email, phone).await
}

#[tauri::command]
pub async fn upsert_contact(
    state: State<'_, Sessions>,
    form: ContactForm,
) -> Result<UpsertOutcome, AppError> {
    state.active().await?.upsert_contact(form).await
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, Sessions>,
    contact_id: String,
    form: ContactForm,
) -> Result<ContactDetail, AppError> {
    state
        .active()
        .await?
        .update_contact(&contact_id, form)
        .await
}

#[tauri::command]
pub async fn delete_contact(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<(), AppError> {
    state.active().await?.delete_contact(&contact_id).await
}

#[tauri::command]
pub async fn create_task(
    state: State<'_, Sessions>,
    contact_id: String,
    form: TaskForm,
) -> Result<Task, AppError> {
    state.active().await?.create_task(&contact_id, form).await
}

#[tauri::command]
pub async fn update_task(
    state: State<'_, Sessions>,
    contact_id: String,
    task_id: String,
    form: TaskForm,
) -> Result<Task, AppError> {
    state
        .active()
        .await?
        .update_task(&contact_id, &task_id, form)
        .await
}

#[tauri::command]
pub async fn set_task_completed(
    state: State<'_, Sessions>,
    contact_id: String,
    task_id: String,
    completed: bool,
) -> Result<Task, AppError> {
    state
        .active()
        .await?
        .set_task_completed(&contact_id, &task_id, completed)
        .await
}

#[tauri::command]
pub async fn delete_task(
    state: State<'_, Sessions>,
    contact_id: String,
    task_id: String,
) -> Result<(), AppError> {
    state
        .active()
        .await?
        .delete_task(&contact_id, &task_id)
        .await
}

#[tauri::command]
pub async fn create_note(
    state: State<'_, Sessions>,
    contact_id: String,
    form: NoteForm,
) -> Result<Note, AppError> {
    state.active().await?.create_note(&contact_id, form).await
}

#[tauri::command]
pub async fn update_note(
    state: State<'_, Sessions>,
    contact_id: String,
    note_id: String,
    form: NoteForm,
) -> Result<Note, AppError> {
    state
        .active()
        .await?
        .update_note(&contact_id, &note_id, form)
        .await
}

#[tauri::command]
pub async fn delete_note(
    state: State<'_, Sessions>,
    contact_id: String,
    note_id: String,
) -> Result<(), AppError> {
    state
        .active()
        .await?
        .delete_note(&contact_id, &note_id)
        .await
}

#[tauri::command]
pub async fn add_tags(
    state: State<'_, Sessions>,
    contact_id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, AppError> {
    state.active().await?.add_tags(&contact_id, tags).await
}

#[tauri::command]
pub async fn remove_tags(
    state: State<'_, Sessions>,
    contact_id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, AppError> {
    state.active().await?.remove_tags(&contact_id, tags).await
}

#[tauri::command]
pub async fn known_tags(state: State<'_, Sessions>) -> Result<Vec<String>, AppError> {
    Ok(state.active().await?.known_tags())
}

#[tauri::command]
pub async fn list_business_contacts(
    state: State<'_, Sessions>,
    business_id: String,
) -> Result<ContactPage, AppError> {
    state.active().await?.business_contacts(&business_id).await
}
