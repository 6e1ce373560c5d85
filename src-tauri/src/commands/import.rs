//! Houzz Pro import commands: open a file (its bytes come from the web view,
//! which never touches the file system), change the mapping, import with
//! progress on a channel, cancel, and show the failure report.

use base64::Engine;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::importing::{
    ImportField, ImportOptionsForm, ImportPreview, ImportProgress, ImportSummary, Imports,
};
use crate::ipc::{AppError, ErrorCode};
use crate::session::Sessions;

/// `content_base64`: the file's bytes, base64 (JSON carries it compactly).
#[tauri::command]
pub async fn import_preview(
    sessions: State<'_, Sessions>,
    imports: State<'_, Imports>,
    file_name: String,
    content_base64: String,
) -> Result<ImportPreview, AppError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64.as_bytes())
        .map_err(|_| AppError {
            code: ErrorCode::Validation,
            message: "The file's content did not arrive intact; choose it again".to_owned(),
            details: None,
        })?;
    imports.open(sessions.config_dir(), file_name, bytes).await
}

#[tauri::command]
pub async fn import_remap(
    imports: State<'_, Imports>,
    import_id: u32,
    mapping: Vec<ImportField>,
) -> Result<ImportPreview, AppError> {
    imports.remap(import_id, mapping).await
}

#[tauri::command]
pub async fn import_start(
    sessions: State<'_, Sessions>,
    imports: State<'_, Imports>,
    import_id: u32,
    mapping: Vec<ImportField>,
    options: ImportOptionsForm,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportSummary, AppError> {
    let connection = sessions.active().await?;
    let dirs = sessions.dirs();
    imports
        .start(
            connection,
            (&dirs.config, &dirs.data),
            import_id,
            mapping,
            options,
            move |progress| {
                // A closed window only stops the progress display, not the import.
                let _ = on_progress.send(progress);
            },
        )
        .await
}

#[tauri::command]
pub fn import_cancel(imports: State<'_, Imports>, import_id: u32) {
    imports.cancel(import_id);
}

/// Shows the failure report (a CSV in the app's data folder, `imports/`)
/// selected in the file manager.
#[tauri::command]
pub fn import_show_report(
    app: AppHandle,
    sessions: State<'_, Sessions>,
    imports: State<'_, Imports>,
    import_id: u32,
) -> Result<String, AppError> {
    let path = imports.report(import_id, &sessions.dirs().data)?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| AppError::internal(format!("The file manager could not be opened: {e}")))?;
    Ok(path.display().to_string())
}
