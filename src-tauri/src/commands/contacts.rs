use tauri::State;

use crate::ipc::{AppError, AppInfo, Appointment, ContactDetail, ContactPage, Note, Task};
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(state.connection()?.info().clone())
}

#[tauri::command]
pub async fn list_contacts(
    state: State<'_, AppState>,
    query: String,
    cursor: Option<String>,
    limit: u32,
) -> Result<ContactPage, AppError> {
    state
        .connection()?
        .list_contacts(&query, cursor.as_deref(), limit)
        .await
}

#[tauri::command]
pub async fn get_contact(
    state: State<'_, AppState>,
    contact_id: String,
) -> Result<ContactDetail, AppError> {
    state.connection()?.contact(&contact_id).await
}

#[tauri::command]
pub async fn list_contact_tasks(
    state: State<'_, AppState>,
    contact_id: String,
) -> Result<Vec<Task>, AppError> {
    state.connection()?.tasks(&contact_id).await
}

#[tauri::command]
pub async fn list_contact_notes(
    state: State<'_, AppState>,
    contact_id: String,
) -> Result<Vec<Note>, AppError> {
    state.connection()?.notes(&contact_id).await
}

#[tauri::command]
pub async fn list_contact_appointments(
    state: State<'_, AppState>,
    contact_id: String,
) -> Result<Vec<Appointment>, AppError> {
    state.connection()?.appointments(&contact_id).await
}
