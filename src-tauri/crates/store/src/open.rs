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

fn classify(path: &Path, e: rusqlite::Error) -> Unusable {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Unusable::Damaged("the file is not a database".to_owned()),
        Some(ErrorCode::DatabaseCorrupt) => Unusable::Damaged("the database is damaged".to_owned()),
        _ => Unusable::Failed(sqlite_io(path, e)),
    }
}

/// Cheap checks only (a few page reads, whatever the size): the header, the
/// length the header promises, the schema version and the first page of each
/// table. Damage deeper in the file shows up as [`Error::Damaged`] when it is
/// read, and [`crate::Store::quick_check`] looks at every page, off the
/// startup path.
fn check_existing(path: &Path) -> std::result::Result<Connection, Unusable> {
    let classify = |e: rusqlite::Error| classify(path, e);
    // Look before SQLite opens it: opening can change the file and its
    // journal (e.g. a leftover -wal), which should be kept as they were.
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|e| Unusable::Failed(io_error(path, &e)))?;
    let read = std::io::Read::read(&mut file, &mut header)
        .map_err(|e| Unusable::Failed(io_error(path, &e)))?;
    if read < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(Unusable::Damaged("the file is not a database".to_owned()));
    }
    let len = file
        .metadata()
        .map_err(|e| Unusable::Failed(io_error(path, &e)))?
        .len();
    if let Some(expected) = promised_length(&header) {
        // With a -wal, pages past the end may legitimately still be there.
        let wal = std::fs::metadata(companion(path, "-wal")).map_or(0, |m| m.len());
        if wal == 0 && len < expected {
            return Err(Unusable::Damaged(
                "the database file is shorter than it should be (truncated)".to_owned(),
            ));
        }
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
    probe_tables(&conn).map_err(classify)?;
    if version >= 1 && !has_current_search_tables(&conn).map_err(classify)? {
        // Schema 1 changed shape before the first release; a file from
        // before that is rebuilt rather than half-used.
        return Err(Unusable::Damaged(
            "the cache was written by a development version of the app".to_owned(),
        ));
    }
    apply_pragmas(&conn).map_err(classify)?;
    schema::migrate(&mut conn).map_err(Unusable::Failed)?;
    Ok(conn)
}

/// The database size the header states (page size × page count), when the
/// header says that count is current.
fn promised_length(header: &[u8; 100]) -> Option<u64> {
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    // The count is valid only when "version-valid-for" equals the change counter.
    let pages = u64::from(be32(28));
    (be32(92) == be32(24) && pages > 0).then_some(page_size * pages)
}

/// Reads the schema and the first row of every table: a damaged root page
/// fails here, before the app relies on the cache.
fn probe_tables(conn: &Connection) -> rusqlite::Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        // Names come from the schema itself; quoted for SQL.
        let sql = format!("SELECT 1 FROM \"{}\" LIMIT 1", t.replace('"', "\"\""));
        conn.prepare(&sql)?.exists([])?;
    }
    Ok(())
}

fn has_current_search_tables(conn: &Connection) -> rusqlite::Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema
         WHERE name IN ('names_fts', 'others_fts', 'phones_fts')",
        [],
        |r| r.get(0),
    )?;
    Ok(n == 3)
}

/// `PRAGMA quick_check` on its own read-only connection (so readers and the
/// writer are not held up). `Some(reason)` when the file is damaged.
pub(crate) fn quick_check(path: &Path) -> Result<Option<String>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_io(path, e))?;
    let check: std::result::Result<Vec<String>, rusqlite::Error> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect());
    match check {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(None),
        Ok(lines) => Ok(Some(format!(
            "the integrity check failed ({})",
            lines.first().map_or("no answer", String::as_str)
        ))),
        Err(e) => match classify(path, e) {
            Unusable::Damaged(reason) => Ok(Some(reason)),
            Unusable::Failed(e) => Err(e),
        },
    }
}

/// Sets the file at `path` aside for `reason` and creates an empty cache.
pub(crate) fn rebuild(path: &Path, reason: String) -> Result<(Connection, Opened)> {
    let kept_aside = set_aside(path)?;
    tracing::warn!(path = %path.display(), kept_aside = %kept_aside.display(), %reason,
        "local cache damaged; set aside and rebuilt");
    let conn = prepare(path)?;
    Ok((conn, Opened::Rebuilt { kept_aside, reason }))
}

fn configure(conn: &Connection) -> Result<()> {
    apply_pragmas(conn)?;
    Ok(())
}

fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Only an in-memory database answers otherwise; paths never are.
        return Err(rusqlite::Error::InvalidQuery);
    }
    // 16 MB of page cache per connection (a writer and a reader): searches over
    // 100,000 contacts stay within their budget (BENCHMARKS.md), the rest of the
    // file is read from the OS's cache, and the app stays within 200 MB resident.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
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
