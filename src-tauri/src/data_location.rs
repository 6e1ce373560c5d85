//! Settings → General → Move…: moves the data folder (every location's cache
//! database with its outbox, the import reports, the logs) to another folder.
//!
//! Design: the move happens while the app runs, not at the next start.
//! `Sessions` opens a location's cache on first use, so closing them all
//! (`Sessions::close_for_move`) and refusing to open any until the move ends
//! is enough for nothing (background refresh, alerts loop, import, sync) to
//! write to a database being copied: the move then waits until the last
//! holder has let go of every database, and gives up, untouched, if one does
//! not within [`RELEASE_TIMEOUT`]. A move at the next start would also be
//! correct, but costs a restart and a move the person cannot watch or cancel.
//!
//! Order: check the target, copy (databases through SQLite's backup API, which
//! reads the -wal too, so a database is never copied apart from its log;
//! other files byte for byte), verify (`PRAGMA quick_check` and the row count
//! of every table against the source; the size of every other file), switch
//! (the new folder saved in `app-settings.json`, which `Dirs` reads at start;
//! the log file follows), and only then remove the old copy. Whatever fails
//! before the switch removes what was copied and leaves the old folder in
//! use, untouched.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::app_settings::AppSettings;
use crate::ipc::{AppError, ErrorCode};
use crate::session::{Dirs, Sessions};

/// How long the move waits for running work to let go of the databases.
pub const RELEASE_TIMEOUT: Duration = Duration::from_secs(30);
/// Free space asked beyond the data itself (the file system needs some too).
const SPACE_MARGIN: u64 = 16 * 1024 * 1024;
/// Database pages copied per backup step (4 KiB pages: 1 MiB between checks
/// for Cancel and progress reports).
const PAGES_PER_STEP: i32 = 256;
const COPY_BUFFER: usize = 1024 * 1024;
/// Progress goes to the UI at most this often (and at every file's end).
const REPORT_EVERY: Duration = Duration::from_millis(100);
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// What SQLite keeps beside a database file.
const DATABASE_SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];
const WRITE_PROBE: &str = ".switchboard-write-test";

/// What the confirmation shows before anything happens.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DataMovePlan {
    pub from: String,
    pub to: String,
    pub files: u32,
    pub bytes: u64,
    /// Free space on the target's disk.
    pub available_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DataMoveStage {
    /// Waiting for background work to close the databases.
    Closing,
    Copying,
    Verifying,
    /// The new folder is saved: past this point the move no longer cancels.
    Switching,
    RemovingOld,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DataMoveProgress {
    pub stage: DataMoveStage,
    pub files_done: u32,
    pub files_total: u32,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub cancellable: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DataMoveOutcome {
    /// False when the person cancelled: the old folder is still in use.
    pub moved: bool,
    /// The data folder in use now.
    pub data_dir: String,
    pub files: u32,
    pub bytes: u64,
    /// Why (part of) the old folder is still there, when it could not be removed.
    pub left_behind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    Database,
}

#[derive(Debug, Clone)]
struct Item {
    /// Relative to the data folder.
    path: PathBuf,
    kind: Kind,
    /// A database's includes its -wal.
    bytes: u64,
}

/// What the data folder holds, parents before children.
#[derive(Debug, Default)]
pub struct Inventory {
    items: Vec<Item>,
    files: u32,
    bytes: u64,
}

/// What a copied file must look like.
#[derive(Debug)]
enum Expected {
    Database {
        path: PathBuf,
        user_version: i64,
        rows: BTreeMap<String, i64>,
    },
    Bytes {
        path: PathBuf,
        len: u64,
    },
}

/// Why the copy stopped.
#[derive(Debug)]
pub enum Stop {
    Cancelled,
    Failed(AppError),
}

impl From<AppError> for Stop {
    fn from(error: AppError) -> Self {
        Stop::Failed(error)
    }
}

fn refused(reason: &str, message: String) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message,
        details: Some(serde_json::json!({ "reason": reason })),
    }
}

fn io_failed(what: &str, path: &Path, error: &io::Error) -> AppError {
    AppError {
        code: ErrorCode::CacheUnavailable,
        message: format!(
            "{what} {} failed: {error}. The data folder was not moved.",
            path.display()
        ),
        details: Some(serde_json::json!({ "reason": "copyFailed" })),
    }
}

fn sqlite_failed(path: &Path, error: &rusqlite::Error) -> AppError {
    AppError {
        code: ErrorCode::CacheUnavailable,
        message: format!(
            "Copying the database {} failed: {error}. The data folder was not moved.",
            path.display()
        ),
        details: Some(serde_json::json!({ "reason": "copyFailed" })),
    }
}

/// `path` without `.` and `..`, its existing part resolved (symbolic links,
/// case on case-insensitive disks), so two spellings of one folder compare equal.
fn resolved(path: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canonical, |path: PathBuf, part| path.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

/// The nearest folder of `path` that exists (the disk whose space counts).
fn existing_ancestor(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| p.is_dir())
}

fn is_database(path: &Path) -> bool {
    let mut magic = [0u8; 16];
    File::open(path)
        .and_then(|mut file| file.read_exact(&mut magic))
        .is_ok()
        && &magic == SQLITE_MAGIC
}

fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn len_of(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Lists the data folder (empty when it does not exist yet).
pub fn inventory(from: &Path) -> Result<Inventory, AppError> {
    let mut inventory = Inventory::default();
    if !from.exists() {
        return Ok(inventory);
    }
    let mut pending = std::collections::VecDeque::from([PathBuf::new()]);
    while let Some(dir) = pending.pop_front() {
        let read = std::fs::read_dir(from.join(&dir))
            .map_err(|error| io_failed("Reading", &from.join(&dir), &error))?;
        let mut entries: Vec<_> = read
            .collect::<Result<_, _>>()
            .map_err(|error| io_failed("Reading", &from.join(&dir), &error))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        let names: Vec<_> = entries.iter().map(|e| e.file_name()).collect();
        for entry in entries {
            let path = entry.path();
            let relative = dir.join(entry.file_name());
            // Followed, so a link to a file or folder is copied as what it names.
            let metadata =
                std::fs::metadata(&path).map_err(|error| io_failed("Reading", &path, &error))?;
            if metadata.is_dir() {
                inventory.items.push(Item {
                    path: relative.clone(),
                    kind: Kind::Dir,
                    bytes: 0,
                });
                pending.push_back(relative);
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let belongs_to_database = DATABASE_SIDE_FILES.iter().any(|suffix| {
                name.strip_suffix(suffix).is_some_and(|base| {
                    names.iter().any(|n| n.to_string_lossy() == base)
                        && is_database(&from.join(&dir).join(base))
                })
            });
            if belongs_to_database {
                continue;
            }
            let (kind, bytes) = if is_database(&path) {
                (
                    Kind::Database,
                    metadata.len() + len_of(&side_file(&path, "-wal")),
                )
            } else {
                (Kind::File, metadata.len())
            };
            inventory.files += 1;
            inventory.bytes += bytes;
            inventory.items.push(Item {
                path: relative,
                kind,
                bytes,
            });
        }
    }
    Ok(inventory)
}

/// Checks that the data can go to `to`: an absolute path, not the current
/// folder nor inside it, an empty folder (or none yet), writable, with room.
pub fn check(
    from: &Path,
    to: &Path,
    available_space: impl Fn(&Path) -> io::Result<u64>,
) -> Result<(DataMovePlan, Inventory), AppError> {
    if !to.is_absolute() {
        return Err(refused(
            "notAbsolute",
            format!(
                "{} is not a full path; choose a folder with Choose… or type its full path.",
                to.display()
            ),
        ));
    }
    let from_real = resolved(from);
    let to_real = resolved(to);
    if from_real == to_real {
        return Err(refused(
            "sameFolder",
            "That is the data folder already in use.".to_owned(),
        ));
    }
    if to_real.starts_with(&from_real) {
        return Err(refused(
            "insideCurrent",
            format!(
                "{} is inside the current data folder; choose a folder outside it.",
                to.display()
            ),
        ));
    }
    if from_real.starts_with(&to_real) {
        return Err(refused(
            "containsCurrent",
            format!(
                "{} holds the current data folder; choose an empty folder elsewhere.",
                to.display()
            ),
        ));
    }
    if to.exists() {
        if !to.is_dir() {
            return Err(refused(
                "notAFolder",
                format!("{} is a file, not a folder.", to.display()),
            ));
        }
        let not_empty = std::fs::read_dir(to)
            .map_err(|error| not_writable(to, &error))?
            .next()
            .is_some();
        if not_empty {
            return Err(refused(
                "notEmpty",
                format!(
                    "{} is not empty. Choose an empty folder, or create a new one, so nothing there is mixed with or overwritten by Switchboard's files.",
                    to.display()
                ),
            ));
        }
    }
    probe_writable(to)?;
    let inventory = inventory(from)?;
    let disk = existing_ancestor(to).unwrap_or(to);
    let available_bytes = available_space(disk).map_err(|error| not_writable(to, &error))?;
    let needed = inventory.bytes.saturating_add(SPACE_MARGIN);
    if available_bytes < needed {
        return Err(AppError {
            code: ErrorCode::Validation,
            message: format!(
                "There is not enough space there: the data needs {}, the disk has {} free.",
                human_bytes(needed),
                human_bytes(available_bytes)
            ),
            details: Some(serde_json::json!({
                "reason": "notEnoughSpace",
                "neededBytes": needed,
                "availableBytes": available_bytes,
            })),
        });
    }
    Ok((
        DataMovePlan {
            from: from.display().to_string(),
            to: to.display().to_string(),
            files: inventory.files,
            bytes: inventory.bytes,
            available_bytes,
        },
        inventory,
    ))
}

fn not_writable(to: &Path, error: &io::Error) -> AppError {
    refused(
        "notWritable",
        format!(
            "Switchboard cannot write to {}: {error}. Choose a folder you can write to.",
            to.display()
        ),
    )
}

/// Creates `to` (and what is missing above it), writes and deletes a file
/// there, then removes what it created: checking leaves no trace.
fn probe_writable(to: &Path) -> Result<(), AppError> {
    let first_missing = to.ancestors().take_while(|p| !p.exists()).last();
    let result = std::fs::create_dir_all(to).and_then(|()| {
        let probe = to.join(WRITE_PROBE);
        File::create_new(&probe)?.write_all(b"ok")?;
        std::fs::remove_file(&probe)
    });
    if let Some(created) = first_missing {
        let _ = std::fs::remove_dir_all(created);
    }
    result.map_err(|error| not_writable(to, &error))
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Sends progress to the UI, at most every [`REPORT_EVERY`].
struct Reporter<'a> {
    send: &'a (dyn Fn(DataMoveProgress) + Sync),
    last: Option<Instant>,
    progress: DataMoveProgress,
}

impl<'a> Reporter<'a> {
    /// A stage of the copy, reported at once from zero.
    fn start(
        send: &'a (dyn Fn(DataMoveProgress) + Sync),
        stage: DataMoveStage,
        inventory: &Inventory,
    ) -> Reporter<'a> {
        let mut reporter = Reporter {
            send,
            last: None,
            progress: DataMoveProgress {
                stage,
                files_done: 0,
                files_total: inventory.files,
                bytes_done: 0,
                bytes_total: inventory.bytes,
                cancellable: true,
            },
        };
        reporter.report(true);
        reporter
    }

    fn report(&mut self, force: bool) {
        let due = self.last.is_none_or(|last| last.elapsed() >= REPORT_EVERY);
        if force || due {
            self.last = Some(Instant::now());
            (self.send)(self.progress.clone());
        }
    }
}

/// Copies everything listed into `to` (empty or missing), then verifies the
/// copy. On any stop, what was copied is removed again.
pub fn copy_and_verify(
    from: &Path,
    to: &Path,
    inventory: &Inventory,
    cancel: &CancellationToken,
    send: &(dyn Fn(DataMoveProgress) + Sync),
) -> Result<(), Stop> {
    let created_root = !to.exists();
    let result = copy_all(from, to, inventory, cancel, send)
        .and_then(|expected| verify(to, &expected, inventory, send).map_err(Stop::Failed));
    if result.is_err() {
        remove_copy(to, created_root);
    }
    result
}

fn copy_all(
    from: &Path,
    to: &Path,
    inventory: &Inventory,
    cancel: &CancellationToken,
    send: &(dyn Fn(DataMoveProgress) + Sync),
) -> Result<Vec<Expected>, Stop> {
    std::fs::create_dir_all(to).map_err(|error| io_failed("Creating", to, &error))?;
    let mut reporter = Reporter::start(send, DataMoveStage::Copying, inventory);
    let mut expected = Vec::new();
    for item in &inventory.items {
        if cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        let source = from.join(&item.path);
        let target = to.join(&item.path);
        let before = reporter.progress.bytes_done;
        match item.kind {
            Kind::Dir => {
                std::fs::create_dir(&target)
                    .map_err(|error| io_failed("Creating", &target, &error))?;
                continue;
            }
            Kind::File => {
                let len = copy_file(&source, &target, cancel, &mut reporter)?;
                expected.push(Expected::Bytes {
                    path: item.path.clone(),
                    len,
                });
            }
            Kind::Database => {
                expected.extend(copy_database(
                    &source,
                    &target,
                    item,
                    cancel,
                    &mut reporter,
                )?);
            }
        }
        reporter.progress.bytes_done = before + item.bytes;
        reporter.progress.files_done += 1;
        reporter.report(true);
    }
    Ok(expected)
}

/// Byte for byte, flushed to the disk. Returns the bytes written.
fn copy_file(
    source: &Path,
    target: &Path,
    cancel: &CancellationToken,
    reporter: &mut Reporter<'_>,
) -> Result<u64, Stop> {
    let mut input = File::open(source).map_err(|error| io_failed("Reading", source, &error))?;
    let mut output =
        File::create_new(target).map_err(|error| io_failed("Writing", target, &error))?;
    let mut buffer = vec![0u8; COPY_BUFFER];
    let mut written = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        let read = input
            .read(&mut buffer)
            .map_err(|error| io_failed("Reading", source, &error))?;
        if read == 0 {
            break;
        }
        output
            .write_all(&buffer[..read])
            .map_err(|error| io_failed("Writing", target, &error))?;
        written += read as u64;
        reporter.progress.bytes_done += read as u64;
        reporter.report(false);
    }
    output
        .sync_all()
        .map_err(|error| io_failed("Writing", target, &error))?;
    Ok(written)
}

/// Opens a database to copy it. Read-only leaves the old folder as it was;
/// a file with a -wal but no -shm (after a crash) needs a writable
/// connection to read its log, which recovers it without changing its content.
fn open_source(path: &Path) -> rusqlite::Result<Connection> {
    let read_only = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|conn| {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        Ok(conn)
    });
    match read_only {
        Ok(conn) => Ok(conn),
        Err(_) => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ),
    }
}

fn quick_check(conn: &Connection) -> rusqlite::Result<String> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let lines: Vec<String> = stmt
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(lines.join("; "))
}

/// The row count of every ordinary table (an FTS index is counted through
/// its shadow tables).
fn row_counts(conn: &Connection) -> rusqlite::Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    names
        .into_iter()
        .map(|name| {
            let quoted = name.replace('"', "\"\"");
            let count =
                conn.query_row(&format!("SELECT count(*) FROM \"{quoted}\""), [], |row| {
                    row.get(0)
                })?;
            Ok((name, count))
        })
        .collect()
}

/// Through SQLite's backup API: one consistent copy of the database and its
/// -wal, page by page. A database that is already damaged is copied as it
/// is, with its side files, so what support may need stays.
fn copy_database(
    source: &Path,
    target: &Path,
    item: &Item,
    cancel: &CancellationToken,
    reporter: &mut Reporter<'_>,
) -> Result<Vec<Expected>, Stop> {
    let conn = open_source(source).map_err(|error| sqlite_failed(source, &error))?;
    let healthy = quick_check(&conn).is_ok_and(|result| result == "ok");
    if !healthy {
        drop(conn);
        let mut expected = Vec::new();
        for suffix in std::iter::once("").chain(DATABASE_SIDE_FILES) {
            let from = side_file(source, suffix);
            if suffix.is_empty() || from.exists() {
                let to = side_file(target, suffix);
                let len = copy_file(&from, &to, cancel, reporter)?;
                let path = side_file(&item.path, suffix);
                expected.push(Expected::Bytes { path, len });
            }
        }
        return Ok(expected);
    }
    let failed = |error: rusqlite::Error| Stop::Failed(sqlite_failed(source, &error));
    let user_version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(failed)?;
    let rows = row_counts(&conn).map_err(failed)?;
    if target.exists() {
        return Err(Stop::Failed(io_failed(
            "Writing",
            target,
            &io::Error::from(io::ErrorKind::AlreadyExists),
        )));
    }
    let mut copy = Connection::open(target).map_err(failed)?;
    let start = reporter.progress.bytes_done;
    {
        let backup = Backup::new(&conn, &mut copy).map_err(failed)?;
        loop {
            if cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            let step = backup.step(PAGES_PER_STEP).map_err(failed)?;
            let progress = backup.progress();
            if progress.pagecount > 0 {
                let done = (progress.pagecount - progress.remaining).max(0) as u64;
                reporter.progress.bytes_done =
                    start + item.bytes * done / progress.pagecount as u64;
                reporter.report(false);
            }
            match step {
                StepResult::Done => break,
                StepResult::More => {}
                // Nothing else has the file open during a move; be patient anyway.
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
    copy.close().map_err(|(_, error)| failed(error))?;
    File::open(target)
        .and_then(|file| file.sync_all())
        .map_err(|error| io_failed("Writing", target, &error))?;
    Ok(vec![Expected::Database {
        path: item.path.clone(),
        user_version,
        rows,
    }])
}

/// Every copied database passes `PRAGMA quick_check` with the source's row
/// counts and schema version; every other file has the length written.
fn verify(
    to: &Path,
    expected: &[Expected],
    inventory: &Inventory,
    send: &(dyn Fn(DataMoveProgress) + Sync),
) -> Result<(), AppError> {
    let mut reporter = Reporter::start(send, DataMoveStage::Verifying, inventory);
    let mismatch = |path: &Path, what: String| AppError {
        code: ErrorCode::CacheUnavailable,
        message: format!(
            "The copy of {} does not match the original ({what}). The data folder was not moved.",
            path.display()
        ),
        details: Some(serde_json::json!({ "reason": "verifyFailed" })),
    };
    for item in expected {
        match item {
            Expected::Bytes { path, len } => {
                let actual = len_of(&to.join(path));
                if actual != *len {
                    return Err(mismatch(path, format!("{actual} bytes, not {len}")));
                }
                reporter.progress.bytes_done += len;
            }
            Expected::Database {
                path,
                user_version,
                rows,
            } => {
                let file = to.join(path);
                let conn = Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .map_err(|error| sqlite_failed(&file, &error))?;
                let check = quick_check(&conn).map_err(|error| sqlite_failed(&file, &error))?;
                if check != "ok" {
                    return Err(mismatch(path, format!("quick_check: {check}")));
                }
                let version: i64 = conn
                    .query_row("PRAGMA user_version", [], |row| row.get(0))
                    .map_err(|error| sqlite_failed(&file, &error))?;
                if version != *user_version {
                    return Err(mismatch(
                        path,
                        format!("schema {version}, not {user_version}"),
                    ));
                }
                let copied = row_counts(&conn).map_err(|error| sqlite_failed(&file, &error))?;
                if &copied != rows {
                    return Err(mismatch(path, "different row counts".to_owned()));
                }
                reporter.progress.bytes_done += len_of(&file);
            }
        }
        reporter.progress.files_done += 1;
        reporter.report(false);
    }
    reporter.progress.bytes_done = inventory.bytes;
    reporter.progress.files_done = inventory.files;
    reporter.report(true);
    Ok(())
}

/// Undoes a copy: `to` was empty (or missing) before.
fn remove_copy(to: &Path, created_root: bool) {
    let result = if created_root {
        std::fs::remove_dir_all(to)
    } else {
        std::fs::read_dir(to).and_then(|entries| {
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
            Ok(())
        })
    };
    if let Err(error) = result {
        tracing::warn!(%error, "the partial copy could not be removed");
    }
}

/// Removes the old copy: exactly what was listed (something that appeared
/// since stays, with its folder). `None` when all is gone, else what to tell.
pub fn remove_old(from: &Path, inventory: &Inventory) -> Option<String> {
    let mut failed = None;
    for item in inventory.items.iter().rev() {
        let path = from.join(&item.path);
        let result = match item.kind {
            Kind::Dir => std::fs::remove_dir(&path),
            Kind::File => std::fs::remove_file(&path),
            Kind::Database => {
                for suffix in DATABASE_SIDE_FILES {
                    let _ = std::fs::remove_file(side_file(&path, suffix));
                }
                std::fs::remove_file(&path)
            }
        };
        if let Err(error) = result {
            if error.kind() != io::ErrorKind::NotFound {
                failed.get_or_insert(error);
            }
        }
    }
    if let Err(error) = std::fs::remove_dir(from) {
        if error.kind() != io::ErrorKind::NotFound {
            failed.get_or_insert(error);
        }
    }
    failed.map(|error| {
        tracing::warn!(%error, "the old data folder was not removed completely");
        format!(
            "The data was moved, but the old folder {} could not be removed completely ({error}). You can delete it yourself.",
            from.display()
        )
    })
}

/// One move at a time, and its Cancel.
pub struct DataMoves {
    running: Mutex<Option<CancellationToken>>,
    release_timeout: Duration,
    /// Databases closed by a move that then gave up, still held by someone:
    /// the next move waits for them too.
    lingering: Mutex<Vec<Weak<store::Store>>>,
}

impl Default for DataMoves {
    fn default() -> Self {
        DataMoves {
            running: Mutex::default(),
            release_timeout: RELEASE_TIMEOUT,
            lingering: Mutex::default(),
        }
    }
}

/// Clears the running move however `run` ends.
struct Running<'a>(&'a DataMoves);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *self
            .0
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl DataMoves {
    /// Cancels the move in progress, if it has not switched yet.
    pub fn cancel(&self) {
        if let Some(cancel) = &*self.running.lock().unwrap_or_else(PoisonError::into_inner) {
            cancel.cancel();
        }
    }

    /// Checks `to` without changing anything (for the confirmation).
    pub async fn plan(sessions: &Sessions, to: PathBuf) -> Result<DataMovePlan, AppError> {
        let from = sessions.dirs().data;
        blocking(move || check(&from, &to, |disk| fs4::available_space(disk)).map(|(plan, _)| plan))
            .await
    }

    /// Moves the data folder to `to`; see the module's comment.
    pub async fn run(
        &self,
        sessions: &Sessions,
        to: PathBuf,
        send: impl Fn(DataMoveProgress) + Send + Sync + 'static,
    ) -> Result<DataMoveOutcome, AppError> {
        let cancel = CancellationToken::new();
        {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            if running.is_some() {
                return Err(refused(
                    "alreadyMoving",
                    "The data folder is already being moved.".to_owned(),
                ));
            }
            *running = Some(cancel.clone());
        }
        let _running = Running(self);
        let send = std::sync::Arc::new(send);
        let from = sessions.dirs().data;
        let (plan, inventory) = {
            let (from, to) = (from.clone(), to.clone());
            blocking(move || check(&from, &to, |disk| fs4::available_space(disk))).await?
        };
        tracing::info!(
            files = plan.files,
            bytes = plan.bytes,
            "moving the data folder"
        );
        let progress = |stage, done: bool| DataMoveProgress {
            stage,
            files_done: if done { plan.files } else { 0 },
            files_total: plan.files,
            bytes_done: if done { plan.bytes } else { 0 },
            bytes_total: plan.bytes,
            cancellable: matches!(stage, DataMoveStage::Closing),
        };
        send(progress(DataMoveStage::Closing, false));
        let mut closed = sessions.close_for_move().await;
        closed.append(
            &mut self
                .lingering
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let waited = released(&closed, self.release_timeout, &cancel).await;
        if !matches!(waited, Released::All) {
            closed.retain(|store| store.strong_count() > 0);
            *self
                .lingering
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = closed;
        }
        match waited {
            Released::All => {}
            Released::Cancelled => {
                sessions.reopen_after_move(None).await;
                return Ok(not_moved(&from));
            }
            Released::TimedOut => {
                sessions.reopen_after_move(None).await;
                return Err(AppError {
                    code: ErrorCode::CacheUnavailable,
                    message: "An import, sync or refresh is still using the saved contacts. Try again when it has finished; nothing was moved.".to_owned(),
                    details: Some(serde_json::json!({ "reason": "busy" })),
                });
            }
        }
        let inventory = std::sync::Arc::new(inventory);
        let copied = {
            let (from, to, inventory, cancel, send) = (
                from.clone(),
                to.clone(),
                inventory.clone(),
                cancel.clone(),
                send.clone(),
            );
            tokio::task::spawn_blocking(move || {
                copy_and_verify(&from, &to, &inventory, &cancel, &*send)
            })
            .await
            .unwrap_or_else(|error| {
                Err(Stop::Failed(AppError::internal(format!(
                    "The move stopped: {error}"
                ))))
            })
        };
        match copied {
            Ok(()) => {}
            Err(Stop::Cancelled) => {
                sessions.reopen_after_move(None).await;
                tracing::info!("data folder move cancelled");
                return Ok(not_moved(&from));
            }
            Err(Stop::Failed(error)) => {
                sessions.reopen_after_move(None).await;
                tracing::warn!(message = %error.message, "data folder move failed");
                return Err(error);
            }
        }
        send(progress(DataMoveStage::Switching, true));
        let mut settings = AppSettings::load(sessions.config_dir());
        settings.data_dir = Some(to.clone());
        if let Err(error) = settings.save(sessions.config_dir()) {
            let target = to.clone();
            let _ = tokio::task::spawn_blocking(move || remove_copy(&target, false)).await;
            sessions.reopen_after_move(None).await;
            return Err(error);
        }
        let new_dirs = Dirs {
            config: sessions.config_dir().to_owned(),
            data: to.clone(),
        };
        if let Err(error) = crate::logging::relocate(&new_dirs.logs()) {
            tracing::warn!(%error, "the log file stays in the old folder until the next start");
        }
        sessions.reopen_after_move(Some(to.clone())).await;
        tracing::info!("data folder moved");
        send(progress(DataMoveStage::RemovingOld, true));
        let left_behind = {
            let (from, inventory) = (from.clone(), inventory.clone());
            blocking(move || Ok(remove_old(&from, &inventory))).await?
        };
        Ok(DataMoveOutcome {
            moved: true,
            data_dir: to.display().to_string(),
            files: plan.files,
            bytes: plan.bytes,
            left_behind,
        })
    }
}

/// A cancelled move: the old folder is still the one in use.
fn not_moved(from: &Path) -> DataMoveOutcome {
    DataMoveOutcome {
        moved: false,
        data_dir: from.display().to_string(),
        files: 0,
        bytes: 0,
        left_behind: None,
    }
}

enum Released {
    All,
    TimedOut,
    Cancelled,
}

/// Waits until every closed database is let go of, at most `timeout`.
async fn released(
    closed: &[Weak<store::Store>],
    timeout: Duration,
    cancel: &CancellationToken,
) -> Released {
    let deadline = Instant::now() + timeout;
    while closed.iter().any(|store| store.strong_count() > 0) {
        if cancel.is_cancelled() {
            return Released::Cancelled;
        }
        if Instant::now() >= deadline {
            return Released::TimedOut;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Released::All
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|error| AppError::internal(format!("The move stopped: {error}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn plenty(_: &Path) -> io::Result<u64> {
        Ok(u64::MAX / 2)
    }

    fn no_progress(_: DataMoveProgress) {}

    fn reason(error: &AppError) -> String {
        error
            .details
            .as_ref()
            .and_then(|details| details["reason"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    /// Every file under `dir` with its length and a hash of its content, to
    /// compare before and after. Not a -shm: SQLite's shared-memory index,
    /// which any reader updates, holds no data.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (usize, u64)> {
        use std::hash::{Hash, Hasher};
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(&next).expect("read") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else if !path.to_string_lossy().ends_with("-shm") {
                    let content = std::fs::read(&path).expect("file");
                    let mut hasher = std::collections::hash_map::DefaultHasher::new();
                    content.hash(&mut hasher);
                    let relative = path.strip_prefix(dir).expect("inside").to_owned();
                    files.insert(relative, (content.len(), hasher.finish()));
                }
            }
        }
        files
    }

    /// A data folder as a crash would leave it: a cache database whose last
    /// writes (a contact created offline, i.e. an outbox entry) are still
    /// only in its -wal, plus an import report and a log.
    fn data_folder(root: &Path) -> PathBuf {
        let data = root.join("data");
        let location = data.join("locations").join("loc1");
        std::fs::create_dir_all(&location).expect("folders");
        let live = root.join("live");
        let (store, _) = store::Store::open(live.join("contacts.sqlite3")).expect("store");
        store
            .enqueue_create_contact(&ghl::ContactInput {
                first_name: Some("Ann".to_owned()),
                last_name: Some("Offline".to_owned()),
                ..ghl::ContactInput::default()
            })
            .expect("queued");
        for suffix in ["", "-wal", "-shm"] {
            std::fs::copy(
                side_file(&live.join("contacts.sqlite3"), suffix),
                side_file(&location.join("contacts.sqlite3"), suffix),
            )
            .expect("crash image");
        }
        drop(store);
        assert!(
            len_of(&location.join("contacts.sqlite3-wal")) > 0,
            "the outbox entry is only in the -wal"
        );
        std::fs::create_dir_all(data.join("imports")).expect("imports");
        std::fs::write(
            data.join("imports").join("houzz-failures.csv"),
            b"name,problem\n",
        )
        .expect("report");
        std::fs::create_dir_all(data.join("logs")).expect("logs");
        std::fs::write(
            data.join("logs").join("switchboard.log"),
            vec![b'x'; 3 * COPY_BUFFER],
        )
        .expect("log");
        data
    }

    #[test]
    fn the_copy_is_verified_and_a_wal_database_with_its_outbox_arrives_intact() {
        let root = tempfile::tempdir().expect("root");
        let from = data_folder(root.path());
        let before = snapshot(&from);
        let to = root.path().join("bigger disk").join("Switchboard");
        let (plan, inventory) = check(&from, &to, plenty).expect("a good target");
        assert_eq!(
            plan.files, 3,
            "the database (with its -wal), the report, the log"
        );
        assert!(!to.exists(), "checking leaves no trace");

        let reports = Mutex::new(Vec::new());
        let send = |progress: DataMoveProgress| reports.lock().expect("lock").push(progress);
        copy_and_verify(&from, &to, &inventory, &CancellationToken::new(), &send)
            .map_err(|stop| format!("{stop:?}"))
            .expect("copied");
        let reports = reports.into_inner().expect("reports");
        let last_copy = reports
            .iter()
            .rfind(|p| p.stage == DataMoveStage::Copying)
            .expect("copy progress");
        assert_eq!(last_copy.bytes_done, plan.bytes);
        assert_eq!(last_copy.files_done, 3);
        assert!(reports.iter().any(|p| p.stage == DataMoveStage::Verifying));

        assert_eq!(snapshot(&from), before, "the old folder is untouched");
        let copied = to.join("locations").join("loc1").join("contacts.sqlite3");
        assert!(!side_file(&copied, "-wal").exists() || len_of(&side_file(&copied, "-wal")) == 0);
        let (store, opened) = store::Store::open(&copied).expect("the copy opens");
        assert!(matches!(opened, store::Opened::Existing), "{opened:?}");
        let pending = store.pending().expect("outbox");
        assert_eq!(pending.len(), 1, "the edit not yet sent came along");
        assert_eq!(store.count().expect("count"), 1);
        assert_eq!(
            std::fs::read(to.join("imports").join("houzz-failures.csv")).expect("report"),
            b"name,problem\n"
        );
        assert_eq!(
            len_of(&to.join("logs").join("switchboard.log")),
            3 * COPY_BUFFER as u64
        );

        assert_eq!(remove_old(&from, &inventory), None);
        assert!(!from.exists(), "the old copy is gone");
    }

    #[test]
    fn targets_that_would_mix_or_lose_data_are_refused() {
        let root = tempfile::tempdir().expect("root");
        let from = data_folder(root.path());
        let refusal = |to: &Path| {
            let error = check(&from, to, plenty).expect_err("refused");
            assert_eq!(error.code, ErrorCode::Validation);
            reason(&error)
        };
        assert_eq!(refusal(&from), "sameFolder");
        assert_eq!(refusal(&from.join("..").join("data")), "sameFolder");
        assert_eq!(
            refusal(&from.join("locations").join("new")),
            "insideCurrent"
        );
        assert_eq!(refusal(root.path()), "containsCurrent");
        assert_eq!(refusal(Path::new("relative/folder")), "notAbsolute");
        let full = root.path().join("full");
        std::fs::create_dir_all(&full).expect("folder");
        std::fs::write(full.join("holiday.jpg"), b"photo").expect("file");
        assert_eq!(refusal(&full), "notEmpty");
        assert_eq!(refusal(&full.join("holiday.jpg")), "notAFolder");

        let small = check(&from, &root.path().join("small"), |_| Ok(1024 * 1024))
            .expect_err("not enough space");
        assert_eq!(reason(&small), "notEnoughSpace");
        assert!(
            small.message.contains("not enough space"),
            "{}",
            small.message
        );

        // An empty existing folder is fine, and stays as it was.
        let empty = root.path().join("empty");
        std::fs::create_dir_all(&empty).expect("folder");
        check(&from, &empty, plenty).expect("an empty folder");
        assert!(empty.is_dir() && snapshot(&empty).is_empty());
    }

    #[test]
    fn a_failure_half_way_removes_the_copy_and_leaves_the_old_folder_intact() {
        let root = tempfile::tempdir().expect("root");
        let from = data_folder(root.path());
        let before = snapshot(&from);
        let to = root.path().join("target");
        let (_, inventory) = check(&from, &to, plenty).expect("plan");
        // Once the first file is copied, something else takes the name of a
        // later one (the database, copied last): its copy fails.
        let blocker = to.join("locations/loc1/contacts.sqlite3");
        let send = |progress: DataMoveProgress| {
            if progress.stage == DataMoveStage::Copying && progress.files_done == 1 {
                let _ = std::fs::create_dir_all(&blocker);
            }
        };
        let stop = copy_and_verify(&from, &to, &inventory, &CancellationToken::new(), &send)
            .expect_err("the copy fails");
        let Stop::Failed(error) = stop else {
            panic!("a failure, not {stop:?}");
        };
        assert_eq!(reason(&error), "copyFailed");
        assert!(error.message.contains("was not moved"), "{}", error.message);
        assert!(!to.exists(), "the partial copy is removed");
        assert_eq!(snapshot(&from), before, "the old folder is intact");
    }

    #[test]
    fn cancelling_before_the_switch_removes_the_copy() {
        let root = tempfile::tempdir().expect("root");
        let from = data_folder(root.path());
        let to = root.path().join("empty");
        std::fs::create_dir_all(&to).expect("an existing empty folder");
        let (_, inventory) = check(&from, &to, plenty).expect("plan");
        let cancel = CancellationToken::new();
        let send = |progress: DataMoveProgress| {
            if progress.bytes_done > 0 {
                cancel.cancel();
            }
        };
        let stop = copy_and_verify(&from, &to, &inventory, &cancel, &send).expect_err("stopped");
        assert!(matches!(stop, Stop::Cancelled), "{stop:?}");
        assert!(to.is_dir(), "the folder the person chose stays");
        assert!(snapshot(&to).is_empty(), "but holds nothing");
        assert!(from.join("locations/loc1/contacts.sqlite3").exists());
    }

    #[test]
    fn a_copy_that_differs_from_its_source_fails_verification() {
        let root = tempfile::tempdir().expect("root");
        let from = data_folder(root.path());
        let to = root.path().join("target");
        let (_, inventory) = check(&from, &to, plenty).expect("plan");
        let expected = copy_all(
            &from,
            &to,
            &inventory,
            &CancellationToken::new(),
            &no_progress,
        )
        .expect("copied");
        let copied = to.join("locations/loc1/contacts.sqlite3");
        Connection::open(&copied)
            .and_then(|conn| conn.execute("DELETE FROM outbox", []))
            .expect("an edit lost");
        let error = verify(&to, &expected, &inventory, &no_progress).expect_err("caught");
        assert_eq!(reason(&error), "verifyFailed");
    }

    async fn signed_in(
        sandbox: &sandbox::Sandbox,
        home: &Path,
        keyring: Arc<auth::MemoryStore>,
    ) -> Sessions {
        let launch = crate::launch::Launch::Live {
            base_url: sandbox.base_url(),
            hcp_base_url: hcp::DEFAULT_BASE_URL.to_owned(),
            home: Some(home.to_owned()),
            oauth_app_file: home.join("no-deployed-file.json"),
        };
        let dirs = Dirs::for_launch(&launch, PathBuf::new(), PathBuf::new());
        Sessions::open(launch, dirs, move |_| keyring.clone())
            .await
            .expect("sessions")
    }

    /// The whole move in a running app: the open location is closed, its
    /// database moved, and it reopens from the new folder, now and after a
    /// restart; a database still in use stops the move before anything.
    #[tokio::test]
    async fn a_signed_in_profile_moves_and_keeps_the_new_folder_after_a_restart() {
        let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts: 25,
            rate_limit: sandbox::RateLimitConfig::unlimited(),
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let home = tempfile::tempdir().expect("home");
        let keyring = Arc::new(auth::MemoryStore::new());
        let sessions = signed_in(&sandbox, home.path(), keyring.clone()).await;
        sessions
            .sign_in_with_token(crate::ipc::PrivateTokenForm {
                location_id: sandbox.location_id().to_owned(),
                token: sandbox.access_token().to_owned(),
            })
            .await
            .expect("signed in");
        let connection = sessions.active().await.expect("open");
        connection.wait_for_download().await;
        let old = sessions.dirs().data;
        let to = home.path().join("moved data");

        // A command still holding the database: nothing moves.
        let held = connection.cache().store().expect("store");
        drop(connection);
        let impatient = DataMoves {
            release_timeout: Duration::from_millis(300),
            ..DataMoves::default()
        };
        let busy = impatient
            .run(&sessions, to.clone(), no_progress)
            .await
            .expect_err("busy");
        assert_eq!(reason(&busy), "busy");
        assert!(!to.exists());
        assert_eq!(sessions.dirs().data, old);
        // The next move waits for that database too; a cancel while it
        // waits moves nothing either.
        let (waited, ()) = tokio::join!(impatient.run(&sessions, to.clone(), no_progress), async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            impatient.cancel();
        });
        assert!(!waited.expect("cancelled, not failed").moved);
        assert!(!to.exists());
        assert_eq!(sessions.dirs().data, old);
        drop(held);
        sessions.active().await.expect("open again after a cancel");

        let reports = Arc::new(Mutex::new(Vec::new()));
        let sink = reports.clone();
        let outcome = impatient
            .run(&sessions, to.clone(), move |p| {
                sink.lock().expect("lock").push(p)
            })
            .await
            .expect("moved");
        assert!(outcome.moved);
        assert_eq!(outcome.left_behind, None);
        assert_eq!(sessions.dirs().data, to);
        assert!(!old.exists(), "the old folder is gone");
        let database = sessions
            .dirs()
            .location_cache(sandbox.location_id())
            .join("contacts.sqlite3");
        assert!(database.starts_with(&to) && database.exists());
        let stages: Vec<_> = reports
            .lock()
            .expect("lock")
            .iter()
            .map(|p| p.stage)
            .collect();
        for stage in [
            DataMoveStage::Closing,
            DataMoveStage::Copying,
            DataMoveStage::Verifying,
            DataMoveStage::Switching,
            DataMoveStage::RemovingOld,
        ] {
            assert!(stages.contains(&stage), "{stage:?} reported");
        }
        let page = sessions
            .active()
            .await
            .expect("reopened")
            .list_contacts("", None, 10)
            .await
            .expect("contacts");
        assert_eq!(page.total, Some(25));
        drop(sessions);

        let restarted = signed_in(&sandbox, home.path(), keyring).await;
        assert_eq!(restarted.dirs().data, to, "the new folder is remembered");
        let page = restarted
            .active()
            .await
            .expect("opened")
            .list_contacts("", None, 10)
            .await
            .expect("contacts");
        assert_eq!(page.total, Some(25), "read from the moved cache");
        assert!(!old.exists(), "nothing recreated the old folder");
    }
}
