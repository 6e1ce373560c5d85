//! The store's one error type.

use std::path::PathBuf;

/// What went wrong with the local cache. Messages are meant for people: they
/// never contain contact data or credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database file or its folder could not be created, read or moved.
    #[error("The local cache at {path} could not be used: {message}")]
    Io { path: PathBuf, message: String },
    /// SQLite refused an operation (disk full, locked for too long, …).
    #[error("The local cache failed: {0}")]
    Sqlite(String),
    /// A record the caller asked to change does not exist.
    #[error("{what} {id} is not in the local cache")]
    NotFound { what: &'static str, id: String },
    /// A cursor that this store did not hand out (or from another order/query).
    #[error("The page cursor is not valid for this list")]
    InvalidCursor,
    /// A stored value could not be read back (should not happen; the cache can
    /// be rebuilt from GHL).
    #[error("A cached {what} could not be read: {message}")]
    Corrupt { what: &'static str, message: String },
    /// SQLite found the file damaged while reading it. The cache cannot be
    /// trusted: [`crate::Store::rebuild`] sets it aside and starts empty.
    #[error("The local cache is damaged ({0}) and must be rebuilt from GoHighLevel")]
    Damaged(String),
    /// An incremental refresh was asked of a cache no full pull has filled.
    #[error("The local cache has not been filled yet; a full download is needed first")]
    NoFullPull,
    /// A full pull or refresh was cancelled by the caller.
    #[error("The download was cancelled")]
    Cancelled,
    /// An outbox entry that cannot be queued, completed or resolved as asked
    /// (e.g. a create without its client key, a payload that is not the
    /// kind's format, a conflict resolved without a choice for every field).
    #[error("The queued edit cannot be used: {0}")]
    InvalidEntry(String),
    /// An alert rule that could never match (no field, no tag, no contact).
    #[error("This alert rule is incomplete: {0}")]
    InvalidAlertRule(String),
    /// The GHL API failed during a pull, refresh or outbox replay.
    #[error(transparent)]
    Api(#[from] ghl::Error),
}

impl Error {
    /// Stable code the UI can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "cache_io",
            Error::Sqlite(_) => "cache_failed",
            Error::NotFound { .. } => "not_found",
            Error::InvalidCursor => "invalid_cursor",
            Error::Corrupt { .. } => "cache_corrupt",
            Error::Damaged(_) => "cache_damaged",
            Error::NoFullPull => "needs_full_pull",
            Error::Cancelled => "cancelled",
            Error::InvalidEntry(_) => "invalid_entry",
            Error::InvalidAlertRule(_) => "invalid_alert_rule",
            Error::Api(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                Error::Damaged(e.to_string())
            }
            _ => Error::Sqlite(e.to_string()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
