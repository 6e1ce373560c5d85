//! The local cache: its status (streamed), refresh, pause/resume of the first
//! download, one contact's refresh, and the outbox of edits made offline.

use tauri::ipc::Channel;
use tauri::State;

use crate::ipc::{AppError, CacheStatus, ConflictChoice, OutboxItem};
use crate::session::Sessions;

/// The active location's cache status now; every later change is sent on
/// `on_status` until the web view drops the channel or another location
/// becomes active.
#[tauri::command]
pub async fn watch_cache(
    state: State<'_, Sessions>,
    on_status: Channel<CacheStatus>,
) -> Result<CacheStatus, AppError> {
    let connection = state.active().await?;
    let cache = connection.cache();
    cache.watch(move |status| on_status.send(status.clone()).is_ok());
    Ok(cache.status())
}

#[tauri::command]
pub async fn refresh_cache(state: State<'_, Sessions>) -> Result<(), AppError> {
    state.active().await?.cache().refresh_now();
    Ok(())
}

#[tauri::command]
pub async fn pause_download(state: State<'_, Sessions>) -> Result<(), AppError> {
    state.active().await?.cache().pause_download();
    Ok(())
}

#[tauri::command]
pub async fn resume_download(state: State<'_, Sessions>) -> Result<(), AppError> {
    state.active().await?.cache().resume_download();
    Ok(())
}

/// Brings one contact and its tasks, notes and appointments up to date;
/// `false` when GoHighLevel cannot be reached.
#[tauri::command]
pub async fn refresh_contact(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<bool, AppError> {
    state.active().await?.refresh_contact(&contact_id).await
}

#[tauri::command]
pub async fn outbox_items(state: State<'_, Sessions>) -> Result<Vec<OutboxItem>, AppError> {
    state.active().await?.outbox_items().await
}

#[tauri::command]
pub async fn resolve_outbox_conflict(
    state: State<'_, Sessions>,
    id: i64,
    choices: Vec<ConflictChoice>,
) -> Result<(), AppError> {
    state.active().await?.resolve_conflict(id, choices).await
}

#[tauri::command]
pub async fn retry_outbox_item(state: State<'_, Sessions>, id: i64) -> Result<(), AppError> {
    state.active().await?.retry_outbox_item(id).await
}

#[tauri::command]
pub async fn discard_outbox_item(state: State<'_, Sessions>, id: i64) -> Result<(), AppError> {
    state.active().await?.discard_outbox_item(id).await
}
