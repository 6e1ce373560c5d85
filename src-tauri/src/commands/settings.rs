//! Settings → General: the refresh interval and the log level (both applied
//! at once, no restart), where the data and the logs are, opening those
//! folders in the file manager, and moving the data folder.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::app_settings::{
    AppSettings, AppSettingsForm, AppSettingsView, MAX_REFRESH_MINUTES, MIN_REFRESH_MINUTES,
};
use crate::data_location::{DataMoveOutcome, DataMovePlan, DataMoveProgress, DataMoves};
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
    let before = AppSettings::load(state.config_dir());
    let settings = AppSettings::from_form(&form, &before)?;
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

/// The system's folder picker, shown from Rust: the web view gets the chosen
/// path only, and needs no permission to open dialogs itself. `None` when
/// the person closed it.
#[tauri::command]
pub async fn choose_data_folder(
    app: AppHandle,
    state: State<'_, Sessions>,
) -> Result<Option<String>, AppError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let current = state.dirs().data;
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Choose an empty folder for Switchboard's data");
    if let Some(parent) = current.parent().filter(|parent| parent.is_dir()) {
        dialog = dialog.set_directory(parent);
    }
    dialog.pick_folder(move |folder| {
        let _ = sender.send(folder);
    });
    let folder = receiver
        .await
        .map_err(|_| AppError::internal("The folder picker closed unexpectedly."))?;
    folder
        .map(|folder| {
            folder
                .into_path()
                .map(|path| path.display().to_string())
                .map_err(|error| AppError::internal(format!("That folder cannot be used: {error}")))
        })
        .transpose()
}

/// Checks a target folder for the confirmation (nothing changes).
#[tauri::command]
pub async fn check_data_folder_move(
    state: State<'_, Sessions>,
    target: String,
) -> Result<DataMovePlan, AppError> {
    DataMoves::plan(&state, PathBuf::from(target.trim())).await
}

/// Moves the data folder to `target`, reporting progress on `on_progress`.
#[tauri::command]
pub async fn move_data_folder(
    state: State<'_, Sessions>,
    moves: State<'_, DataMoves>,
    target: String,
    on_progress: Channel<DataMoveProgress>,
) -> Result<DataMoveOutcome, AppError> {
    moves
        .run(&state, PathBuf::from(target.trim()), move |progress| {
            // A closed window only stops the progress display, not the move.
            let _ = on_progress.send(progress);
        })
        .await
}

/// Cancels the move in progress (until it switches to the new folder).
#[tauri::command]
pub fn cancel_data_folder_move(moves: State<'_, DataMoves>) {
    moves.cancel();
}
