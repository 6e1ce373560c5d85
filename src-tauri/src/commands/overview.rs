//! The overview (home screen) of the active location's cached data.

use tauri::State;

use crate::ipc::AppError;
use crate::overview::{self, Overview};
use crate::session::Sessions;

/// Tasks due by the end of the local day, this week's appointments, recently
/// changed contacts and contacts waiting to sync, from one read of the cache.
#[tauri::command]
pub async fn overview(state: State<'_, Sessions>) -> Result<Overview, AppError> {
    let connection = state.active().await?;
    let window = overview::local_window();
    let found = connection.cached(move |s| s.overview(&window)).await?;
    Ok(overview::overview(found, &window))
}
