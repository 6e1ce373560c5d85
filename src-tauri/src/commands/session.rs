use tauri::{AppHandle, Manager, State};

use crate::ipc::{AppError, OAuthSettings, OAuthSettingsForm, PrivateTokenForm, SessionInfo};
use crate::session::Sessions;
use crate::window::MAIN_WINDOW;

#[tauri::command]
pub async fn session(state: State<'_, Sessions>) -> Result<SessionInfo, AppError> {
    Ok(state.info().await)
}

/// Resolves when the person has finished in the browser (or cancelled, or
/// the five minutes ran out); the window then comes back to the front.
#[tauri::command]
pub async fn sign_in_with_highlevel(
    app: AppHandle,
    state: State<'_, Sessions>,
) -> Result<SessionInfo, AppError> {
    let result = state.sign_in_with_highlevel().await;
    if result.is_ok() {
        if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
            // Best effort: some window managers refuse focus changes.
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
    result
}

#[tauri::command]
pub fn cancel_sign_in(state: State<'_, Sessions>) {
    state.cancel_sign_in();
}

#[tauri::command]
pub async fn sign_in_with_token(
    state: State<'_, Sessions>,
    form: PrivateTokenForm,
) -> Result<SessionInfo, AppError> {
    state.sign_in_with_token(form).await
}

#[tauri::command]
pub async fn switch_location(
    state: State<'_, Sessions>,
    location_id: String,
) -> Result<SessionInfo, AppError> {
    state.switch_location(&location_id).await
}

#[tauri::command]
pub async fn sign_out(
    state: State<'_, Sessions>,
    location_id: String,
    delete_cache: bool,
) -> Result<SessionInfo, AppError> {
    state.sign_out(&location_id, delete_cache).await
}

#[tauri::command]
pub async fn oauth_settings(state: State<'_, Sessions>) -> Result<OAuthSettings, AppError> {
    state.oauth_settings().await
}

#[tauri::command]
pub async fn save_oauth_settings(
    state: State<'_, Sessions>,
    form: OAuthSettingsForm,
) -> Result<OAuthSettings, AppError> {
    state.save_oauth_settings(form).await
}
