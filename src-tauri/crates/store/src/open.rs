//! Opening a location's database: connection settings, migrations, and what
//! happens when the file is not usable (set aside, start fresh, say so).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::Serialize;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::schema;

/// How long a connection waits for another one's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What [`crate::Store::open`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Opened {
    /// No database yet: a new, empty one was created (a full pull is needed).
    Fresh,
    /// The existing cache was opened.
    Existing,
    /// The file was unusable; it was moved to `kept_aside` and an empty cache
    /// created in its place (a full pull is needed). `reason` is for people.
    Rebuilt { kept_aside: PathBuf, reason: String },
}

/// Why an existing file cannot be used as it is.
enum Unusable {
    /// Not a database, damaged, or written by a newer version: set it aside.
    Damaged(String),
    /// Cannot be read at all (permissions, I/O): report, touch nothing.
    Failed(Error),
}

/// Opens `path`, creating or rebuilding it as needed; returns a writer
/// connection with the schema in place.
pub(crate) fn open_writer(path: &Path) -> Result<(Connection, Opened)> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    }
    let existed = std::fs::metadata(path)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if !existed {
        let conn = prepare(path)?;
        return Ok((conn, Opened::Fresh));
    }
    match check_existing(path) {
        Ok(conn) => Ok((conn, Opened::Existing)),
        Err(Unusable::Failed(e)) => Err(e),
        Err(Unusable::Damaged(reason)) => {
            let kept_aside = set_aside(path)?;
            tracing::warn!(path = %path.display(), kept_aside = %kept_aside.display(), %reason,
                "local cache unusable; set aside and rebuilt");
            let conn = prepare(path)?;
            Ok((conn, Opened::Rebuilt { kept_aside, reason }))
        }
    }
}

/// A second connection for reads (WAL lets it read while the writer writes).
pub(crate) fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    Ok(conn)
}

fn prepare(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path).map_err(|e| sqlite_io(path, e))?;
    configure(&conn)?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

fn check_existing(path: &Path) -> std::result::Result<Connection, Unusable> {
    let classify = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Unusable::Damaged("the file is not a database".to_owned()),
        Some(ErrorCode::DatabaseCorrupt) => Unusable::Damaged("the database is damaged".to_owned()),
        _ => Unusable::Failed(sqlite_io(path, e)),
    };
    // Look before SQLite opens it: opening can change the file and its
    // journal (e.g. a leftover -wal), which should be kept as they were.
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut header))
        .map_err(|e| Unusable::Failed(io_error(path, &e)))?;
    if read < header.len() || &header != b"SQLite format 3\0" {
        return Err(Unusable::Damaged("the file is not a database".to_owned()));
    }
    let mut conn = Connection::open(path).map_err(classify)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    if version > schema::CURRENT_VERSION {
        return Err(Unusable::Damaged(format!(
            "the cache was written by a newer version of the app (schema {version}, this one knows {})",
            schema::CURRENT_VERSION
        )));
    }
    let check: std::result::Result<Vec<String>, rusqlite::Error> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect());
    match check {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => {}
        Ok(lines) => {
            return Err(Unusable::Damaged(format!(
                "the integrity check failed ({})",
                lines.first().map_or("no answer", String::as_str)
            )))
        }
        Err(e) => return Err(classify(e)),
    }
    apply_pragmas(&conn).map_err(classify)?;
    crate::search::register_functions(&conn).map_err(classify)?;
    schema::migrate(&mut conn).map_err(Unusable::Failed)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    apply_pragmas(conn)?;
    crate::search::register_functions(conn)?;
    Ok(())
}

fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Only an in-memory database answers otherwise; paths never are.
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )
}

/// Moves `path` and its `-wal` / `-shm` companions to
/// `<name>.corrupt-<UTC timestamp>` (companions keep their suffix, so the
/// kept file still opens with its journal).
fn set_aside(path: &Path) -> Result<PathBuf> {
    let stamp = utc_stamp();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cache.sqlite".to_owned());
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
    }
    for suffix in ["-wal", "-shm"] {
        let from = companion(path, suffix);
        if from.exists() {
            let to = companion(&target, suffix);
            std::fs::rename(&from, &to).map_err(|e| io_error(&from, &e))?;
        }
    }
    std::fs::rename(path, &target).map_err(|e| io_error(path, &e))?;
    Ok(target)
}

fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn utc_stamp() -> String {
    let t = OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

fn sqlite_io(path: &Path, e: rusqlite::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}
