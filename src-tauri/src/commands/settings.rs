//! Settings → General: the refresh interval and the log level (both applied
//! at once, no restart), where the data and the logs are, and opening those
//! folders in the file manager.

use std::path::Path;

use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::app_settings::{
    AppSettings, AppSettingsForm, AppSettingsView, MAX_REFRESH_MINUTES, MIN_REFRESH_MINUTES,
};
use crate::ipc::AppError;
use crate::logging;
use crate::session::Sessions;

fn view(settings: &AppSettings, state: &Sessions) -> AppSettingsView {
    let dirs = state.dirs();
    AppSettingsView {
        refresh_interval_minutes: settings.refresh_interval_minutes,
        log_level: settings.log_level,
        log_filter_from_env: logging::env_filter_in_effect(),
        data_dir: dirs.data.display().to_string(),
        logs_dir: dirs.logs().display().to_string(),
        min_refresh_minutes: MIN_REFRESH_MINUTES,
        max_refresh_minutes: MAX_REFRESH_MINUTES,
    }
}

#[tauri::command]
pub async fn app_settings(state: State<'_, Sessions>) -> Result<AppSettingsView, AppError> {
    Ok(view(&AppSettings::load(state.config_dir()), &state))
}

/// Saves the settings and applies them: the log filter at once, the refresh
/// interval to the wait in progress of every open location.
#[tauri::command]
pub async fn save_app_settings(
    state: State<'_, Sessions>,
    form: AppSettingsForm,
) -> Result<AppSettingsView, AppError> {
    let settings = AppSettings::from_form(&form)?;
    let before = AppSettings::load(state.config_dir());
    settings.save(state.config_dir())?;
    if settings.log_level != before.log_level || logging::env_filter_in_effect().is_some() {
        logging::set_level(settings.log_level)?;
    }
    state
        .set_refresh_interval(settings.refresh_interval())
        .await;
    Ok(view(&settings, &state))
}

/// Opens the logs folder in the file manager (from Rust, so the web view
/// needs no permission to open arbitrary paths).
#[tauri::command]
pub async fn open_logs_folder(app: AppHandle, state: State<'_, Sessions>) -> Result<(), AppError> {
    open_folder(&app, &state.dirs().logs())
}

#[tauri::command]
pub async fn open_data_folder(app: AppHandle, state: State<'_, Sessions>) -> Result<(), AppError> {
    open_folder(&app, &state.dirs().data)
}

fn open_folder(app: &AppHandle, dir: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(dir).map_err(|error| {
        AppError::internal(format!(
            "The folder {} could not be created: {error}",
            dir.display()
        ))
    })?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|error| {
            AppError::internal(format!(
                "The folder {} could not be opened: {error}",
                dir.display()
            ))
        })
}
