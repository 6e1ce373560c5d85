//! Houzz Pro import in the app: keeps each opened file on the Rust side
//! (by import id) between the preview and the import, remembers the column
//! mapping per file layout, runs the import against the active location
//! with its answers kept in the local cache, and writes the failure report.
//! The work itself is the `import` crate's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use import::{Field, MappedRow, Table};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::ipc::{AppError, ErrorCode};
use crate::state::Connection;

/// The file the chosen mappings are kept in, in the app's config directory.
const MEMORY_FILE: &str = "import-mappings.json";
/// Files kept open for a preview; older ones are forgotten.
const OPEN_FILES: usize = 4;
/// Failure reports, in the data folder.
const REPORTS_DIR: &str = "imports";

/// A contact field a column can go to (the `import` crate's `Field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportField {
    Ignore,
    FirstName,
    LastName,
    FullName,
    Email,
    Phone,
    SecondPhone,
    Company,
    Address,
    City,
    State,
    PostalCode,
    Country,
    Tags,
    Source,
}

impl From<Field> for ImportField {
    fn from(field: Field) -> Self {
        match field {
            Field::Ignore => ImportField::Ignore,
            Field::FirstName => ImportField::FirstName,
            Field::LastName => ImportField::LastName,
            Field::FullName => ImportField::FullName,
            Field::Email => ImportField::Email,
            Field::Phone => ImportField::Phone,
            Field::SecondPhone => ImportField::SecondPhone,
            Field::Company => ImportField::Company,
            Field::Address => ImportField::Address,
            Field::City => ImportField::City,
            Field::State => ImportField::State,
            Field::PostalCode => ImportField::PostalCode,
            Field::Country => ImportField::Country,
            Field::Tags => ImportField::Tags,
            Field::Source => ImportField::Source,
        }
    }
}

impl From<ImportField> for Field {
    fn from(field: ImportField) -> Self {
        Field::ALL
            .into_iter()
            .find(|f| ImportField::from(*f) == field)
            .unwrap_or(Field::Ignore)
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFieldOption {
    pub field: ImportField,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportColumn {
    pub header: String,
    pub field: ImportField,
    /// The first non-empty value of the column, to recognise it by.
    pub sample: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRowProblem {
    pub field: ImportField,
    /// A sentence naming the field ("Email is not a valid email address").
    pub message: String,
}

/// One row as it would be imported.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub line: u32,
    pub name: Option<String>,
    pub email: Option<String>,
    /// In E.164.
    pub phone: Option<String>,
    pub company: Option<String>,
    /// Street, city, state and postal code on one line.
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub problems: Vec<ImportRowProblem>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub import_id: u32,
    pub file_name: String,
    pub columns: Vec<ImportColumn>,
    pub field_options: Vec<ImportFieldOption>,
    /// The mapping is the one chosen last time for this layout.
    pub remembered: bool,
    pub rows: Vec<ImportRow>,
    pub valid: u32,
    pub with_problems: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFollowUpForm {
    pub title: String,
    pub due_in_days: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptionsForm {
    /// Added to new contacts only.
    pub tags: Vec<String>,
    pub follow_up: Option<ImportFollowUpForm>,
}

#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub total: u32,
    pub done: u32,
    pub created: u32,
    pub updated: u32,
    /// Existing contacts the row would not change.
    pub skipped: u32,
    pub failed: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportStopReason {
    Cancelled,
    /// GoHighLevel could not be reached (or refused every request).
    Unreachable,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub import_id: u32,
    pub counts: ImportProgress,
    /// Rows not reached because the import stopped.
    pub not_done: u32,
    pub stopped: Option<ImportStopReason>,
    pub stop_message: Option<String>,
    /// Rows needing attention (failed, or created without their task).
    pub report_rows: u32,
}

struct Opened {
    file_name: String,
    table: Table,
    /// Relative to the data folder, which may move while the dialog is open.
    report: Mutex<Option<PathBuf>>,
}

/// The open import files and running imports (managed app state).
#[derive(Default)]
pub struct Imports {
    files: Mutex<Vec<(u32, Arc<Opened>)>>,
    running: Mutex<HashMap<u32, CancellationToken>>,
    next_id: AtomicU32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn import_error(error: import::Error) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: error.to_string(),
        details: None,
    }
}

fn unknown_import() -> AppError {
    AppError {
        code: ErrorCode::NotFound,
        message: "This import is no longer open: choose the file again".to_owned(),
        details: None,
    }
}

impl Imports {
    /// Reads the file and answers its columns (mapping remembered for this
    /// layout, else guessed) and every row checked.
    pub async fn open(
        &self,
        config_dir: &Path,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<ImportPreview, AppError> {
        let table = tokio::task::spawn_blocking(move || import::read_table(&bytes))
            .await
            .map_err(|e| AppError::internal(format!("Reading the file stopped: {e}")))?
            .map_err(import_error)?;
        let memory = load_memory(config_dir);
        let remembered = memory.recall(&table.headers);
        let is_remembered = remembered.is_some();
        let mapping = remembered.unwrap_or_else(|| import::guess_mapping(&table.headers));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let opened = Arc::new(Opened {
            file_name,
            table,
            report: Mutex::default(),
        });
        {
            let mut files = lock(&self.files);
            files.push((id, opened.clone()));
            let excess = files.len().saturating_sub(OPEN_FILES);
            files.drain(..excess);
        }
        preview(id, &opened, &mapping, is_remembered).await
    }

    /// The same file read through another mapping.
    pub async fn remap(
        &self,
        import_id: u32,
        mapping: Vec<ImportField>,
    ) -> Result<ImportPreview, AppError> {
        let opened = self.get(import_id)?;
        let mapping: Vec<Field> = mapping.into_iter().map(Field::from).collect();
        preview(import_id, &opened, &mapping, false).await
    }

    fn get(&self, import_id: u32) -> Result<Arc<Opened>, AppError> {
        lock(&self.files)
            .iter()
            .find(|(id, _)| *id == import_id)
            .map(|(_, o)| o.clone())
            .ok_or_else(unknown_import)
    }

    /// Imports the file into the active location; the mapping is remembered
    /// for the file's layout first. Progress goes to `on_progress`.
    pub async fn start(
        &self,
        connection: Arc<Connection>,
        dirs: (&Path, &Path),
        import_id: u32,
        mapping: Vec<ImportField>,
        options: ImportOptionsForm,
        on_progress: impl Fn(ImportProgress) + Send,
    ) -> Result<ImportSummary, AppError> {
        let (config_dir, data_dir) = dirs;
        let opened = self.get(import_id)?;
        let mapping: Vec<Field> = mapping.into_iter().map(Field::from).collect();
        let rows = import::map_rows(
            &opened.table.headers,
            &opened.table.rows,
            &mapping,
            &import::MapOptions::default(),
        )
        .map_err(import_error)?;
        remember(config_dir, &opened.table.headers, &mapping);

        let cancel = CancellationToken::new();
        lock(&self.running).insert(import_id, cancel.clone());
        let run_options = import::RunOptions {
            tags: options.tags,
            follow_up: options
                .follow_up
                .filter(|f| !f.title.trim().is_empty())
                .map(|f| import::FollowUp {
                    title: f.title,
                    due_in_days: f.due_in_days,
                }),
            ..import::RunOptions::default()
        };
        let destination = CachedGhl {
            connection: connection.clone(),
            last_notice: Mutex::new(Instant::now()),
        };
        let summary = import::run(
            &destination,
            &rows,
            &run_options,
            &cancel,
            |_, _| {},
            |p| on_progress(progress(p)),
        )
        .await;
        lock(&self.running).remove(&import_id);
        connection.cache().changed().await;

        *lock(&opened.report) = None;
        if !summary.failures.is_empty() {
            let path = write_report(data_dir, &opened, &summary.failures).await?;
            *lock(&opened.report) = Some(path);
        }
        let counts = progress(&summary.progress);
        let (stopped, stop_message) = match &summary.stopped {
            None => (None, None),
            Some(import::Stop::Cancelled) => (Some(ImportStopReason::Cancelled), None),
            Some(import::Stop::Unreachable(why)) => (
                Some(ImportStopReason::Unreachable),
                Some(format!(
                    "GoHighLevel cannot be reached, so the import stopped. The rows done so far \
                     are saved; import the file again later to continue ({why})."
                )),
            ),
        };
        Ok(ImportSummary {
            import_id,
            not_done: counts.total - counts.done,
            counts,
            stopped,
            stop_message,
            report_rows: count(summary.failures.len()),
        })
    }

    /// Stops a running import after the rows in flight.
    pub fn cancel(&self, import_id: u32) {
        if let Some(cancel) = lock(&self.running).get(&import_id) {
            cancel.cancel();
        }
    }

    /// The failure report written at the end of the import, in the data
    /// folder as it is now.
    pub fn report(&self, import_id: u32, data_dir: &Path) -> Result<PathBuf, AppError> {
        let opened = self.get(import_id)?;
        let path = lock(&opened.report).as_ref().map(|p| data_dir.join(p));
        path.ok_or_else(|| AppError {
            code: ErrorCode::NotFound,
            message: "This import has no failure report".to_owned(),
            details: None,
        })
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn progress(p: &import::Progress) -> ImportProgress {
    ImportProgress {
        total: count(p.total),
        done: count(p.done),
        created: count(p.created),
        updated: count(p.updated),
        skipped: count(p.unchanged),
        failed: count(p.failed),
    }
}

async fn preview(
    import_id: u32,
    opened: &Arc<Opened>,
    mapping: &[Field],
    remembered: bool,
) -> Result<ImportPreview, AppError> {
    let (opened, owned) = (opened.clone(), mapping.to_vec());
    let rows = tokio::task::spawn_blocking(move || {
        let t = &opened.table;
        import::map_rows(&t.headers, &t.rows, &owned, &import::MapOptions::default())
            .map(|rows| (rows, opened))
    })
    .await
    .map_err(|e| AppError::internal(format!("Checking the rows stopped: {e}")))?
    .map_err(import_error)?;
    let (rows, opened) = rows;
    let table = &opened.table;
    let columns = table
        .headers
        .iter()
        .zip(mapping)
        .enumerate()
        .map(|(i, (header, field))| ImportColumn {
            header: header.clone(),
            field: (*field).into(),
            sample: table
                .rows
                .iter()
                .map(|r| &r.cells[i])
                .find(|c| !c.is_empty())
                .cloned(),
        })
        .collect();
    let valid = rows.iter().filter(|r| r.is_valid()).count();
    Ok(ImportPreview {
        import_id,
        file_name: opened.file_name.clone(),
        columns,
        field_options: Field::ALL
            .iter()
            .map(|f| ImportFieldOption {
                field: (*f).into(),
                label: f.label().to_owned(),
            })
            .collect(),
        remembered,
        valid: count(valid),
        with_problems: count(rows.len() - valid),
        rows: rows.iter().map(row_view).collect(),
    })
}

fn row_view(row: &MappedRow) -> ImportRow {
    let c = &row.contact;
    let join = |parts: &[&Option<String>], sep: &str| {
        let parts: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
        (!parts.is_empty()).then(|| parts.join(sep))
    };
    ImportRow {
        line: count(row.line),
        name: join(&[&c.first_name, &c.last_name], " "),
        email: c.email.clone(),
        phone: c.phone.clone(),
        company: c.company_name.clone(),
        address: join(&[&c.address1, &c.city, &c.state, &c.postal_code], ", "),
        tags: c.tags.clone().unwrap_or_default(),
        problems: row
            .problems
            .iter()
            .map(|p| ImportRowProblem {
                field: p.field.into(),
                message: p.to_string(),
            })
            .collect(),
    }
}

fn load_memory(config_dir: &Path) -> import::MappingMemory {
    std::fs::read(config_dir.join(MEMORY_FILE))
        .map(|bytes| import::MappingMemory::from_json(&bytes))
        .unwrap_or_default()
}

/// Best effort: a mapping that cannot be saved is only not suggested next time.
fn remember(config_dir: &Path, headers: &[String], mapping: &[Field]) {
    let mut memory = load_memory(config_dir);
    memory.remember(headers, mapping);
    if let Err(error) = auth::write_atomic(&config_dir.join(MEMORY_FILE), &memory.to_json()) {
        tracing::warn!(%error, "could not save the import column mapping");
    }
}

/// Writes the report under `imports/` and returns its path relative to the
/// data folder.
async fn write_report(
    data_dir: &Path,
    opened: &Arc<Opened>,
    failures: &[import::RowFailure],
) -> Result<PathBuf, AppError> {
    let dir = data_dir.join(REPORTS_DIR);
    let stem = Path::new(&opened.file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("import")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>();
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .unwrap_or_default();
    let file_name = format!("{stem}-failures-{stamp}.csv");
    let (opened, failures, target) = (opened.clone(), failures.to_vec(), dir.join(&file_name));
    tokio::task::spawn_blocking(move || -> Result<(), AppError> {
        let failed = |e: &dyn std::fmt::Display| {
            AppError::internal(format!("The failure report could not be written: {e}"))
        };
        std::fs::create_dir_all(&dir).map_err(|e| failed(&e))?;
        let mut bytes = Vec::new();
        import::write_failure_report(&opened.table, &failures, &mut bytes)
            .map_err(|e| failed(&e))?;
        auth::write_atomic(&target, &bytes).map_err(|e| failed(&e))
    })
    .await
    .map_err(|e| AppError::internal(format!("Writing the report stopped: {e}")))??;
    Ok(Path::new(REPORTS_DIR).join(file_name))
}

/// GHL through the active connection: every answer is kept in the local
/// cache (as the edit commands do) so new and updated contacts show in the
/// list, and every outcome tells the cache whether GHL is reachable.
struct CachedGhl {
    connection: Arc<Connection>,
    /// The list is told to re-read at most twice a second during an import.
    last_notice: Mutex<Instant>,
}

impl CachedGhl {
    async fn keep(
        &self,
        result: Result<ghl::Contact, ghl::Error>,
    ) -> Result<ghl::Contact, ghl::Error> {
        self.connection.cache().observe(&result);
        let contact = result?;
        let kept = contact.clone();
        if let Err(error) = self
            .connection
            .cached(move |s| s.upsert_contact(&kept))
            .await
        {
            tracing::warn!(code = ?error.code, "an imported contact could not be kept in the cache");
        }
        let notify = {
            let mut last = lock(&self.last_notice);
            let due = last.elapsed() >= Duration::from_millis(500);
            if due {
                *last = Instant::now();
            }
            due
        };
        if notify {
            self.connection.cache().changed().await;
        }
        Ok(contact)
    }

    fn observed<T>(&self, result: Result<T, ghl::Error>) -> Result<T, ghl::Error> {
        self.connection.cache().observe(&result);
        result
    }
}

impl import::Destination for CachedGhl {
    async fn find(&self, by: ghl::DuplicateQuery) -> Result<Option<ghl::Contact>, ghl::Error> {
        self.observed(self.connection.ghl().find_duplicate(by).await)
    }
    async fn create(&self, input: &ghl::ContactInput) -> Result<ghl::Contact, ghl::Error> {
        self.keep(self.connection.ghl().create_contact(input).await)
            .await
    }
    async fn update(
        &self,
        id: &str,
        update: &ghl::ContactUpdate,
    ) -> Result<ghl::Contact, ghl::Error> {
        self.keep(self.connection.ghl().update_contact(id, update).await)
            .await
    }
    async fn add_tags(&self, id: &str, tags: &[String]) -> Result<Vec<String>, ghl::Error> {
        let tags = self.observed(self.connection.ghl().add_tags(id, tags).await)?;
        let (contact_id, kept) = (id.to_owned(), tags.clone());
        let _ = self
            .connection
            .cached(move |s| match s.contact(&contact_id)? {
                Some(mut contact) => {
                    contact.tags = kept;
                    s.upsert_contact(&contact)
                }
                None => Ok(()),
            })
            .await;
        Ok(tags)
    }
    async fn add_task(&self, id: &str, task: &ghl::TaskInput) -> Result<ghl::Task, ghl::Error> {
        let task = self.observed(self.connection.ghl().create_task(id, task).await)?;
        let (contact_id, kept) = (id.to_owned(), task.clone());
        let _ = self
            .connection
            .cached(move |s| s.upsert_task(&contact_id, &kept))
            .await;
        Ok(task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_converts_both_ways() {
        for field in Field::ALL {
            assert_eq!(Field::from(ImportField::from(field)), field);
        }
    }

    #[test]
    fn a_chosen_mapping_is_remembered_for_the_layout() {
        let dir = tempfile::tempdir().unwrap();
        let headers = vec!["Client".to_owned(), "Notes".to_owned()];
        remember(dir.path(), &headers, &[Field::Company, Field::Ignore]);
        let upper = vec!["CLIENT".to_owned(), "notes".to_owned()];
        assert_eq!(
            load_memory(dir.path()).recall(&upper),
            Some(vec![Field::Company, Field::Ignore])
        );
    }

    #[tokio::test]
    async fn the_failure_report_is_found_in_the_data_folder_after_it_moved() {
        let config = tempfile::tempdir().unwrap();
        let (before, after) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let imports = Imports::default();
        let csv = b"Name,Email\nAna Ruiz,not-an-email\n".to_vec();
        let preview = imports
            .open(config.path(), "Houzz clients.csv".to_owned(), csv)
            .await
            .unwrap();
        let opened = imports.get(preview.import_id).unwrap();
        let failures = [import::RowFailure {
            line: 2,
            reason: "Email is not an email address".to_owned(),
        }];
        let relative = write_report(before.path(), &opened, &failures)
            .await
            .unwrap();
        assert!(relative.is_relative(), "{relative:?}");
        let written = before.path().join(&relative);
        let report = std::fs::read_to_string(&written).unwrap();
        assert!(report.contains("Email is not an email address"), "{report}");
        *lock(&opened.report) = Some(relative.clone());

        // What "Show report" opens follows the data folder to where it is now.
        let shown = imports.report(preview.import_id, after.path()).unwrap();
        assert_eq!(shown, after.path().join(&relative));
        assert!(shown.starts_with(after.path().join(REPORTS_DIR)));
    }
}
