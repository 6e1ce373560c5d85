//! The local SQLite cache of one GoHighLevel location.
//!
//! One database file per location ([`Store::path_for`]), opened with
//! [`Store::open`], which also rebuilds a file that is not usable and says so
//! ([`Opened`]). It holds contacts (list columns, the full GHL JSON and an
//! FTS5 index for [`Store::search`]), each contact's tasks, notes and
//! appointments, the state of the pull from GHL ([`PullState`]: a resumable
//! cursor and the refresh mark), and the [outbox](Store::enqueue) of edits
//! made offline. [`full_pull`] and [`incremental_refresh`] fill it from GHL.
//!
//! Edits made while GHL cannot be reached are queued with the constructors
//! of [`OutboxEntry`] (payload formats: [`OutboxKind`]) and
//! [`Store::enqueue`] / [`Store::enqueue_create_contact`], which apply them
//! to the cache at once; records created offline carry `local-…` ids
//! ([`Store::is_local_id`]) until [`replay_outbox`] sends the queue in
//! order, exactly once, parking conflicts for the person to resolve
//! ([`Store::resolve_conflict_with_choices`]) and refused edits for a retry
//! or a discard ([`Store::retry`], [`Store::discard`]). Counts for the
//! header: [`Store::outbox_counts`].
//!
//! Every `Store` method is synchronous and quick (milliseconds; the
//! exceptions say so); from async code call it through
//! `tokio::task::spawn_blocking` or accept the short block. Reads use their
//! own connection, so they run while a pull writes (WAL mode).

mod alerts;
mod contacts;
mod cursor;
mod error;
mod local;
mod meta;
mod open;
mod outbox;
mod overview;
mod pull;
mod pull_state;
mod related;
mod replay;
mod schema;
mod search;
mod sync_state;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, TransactionBehavior};

pub use alerts::{
    field_label, ActivityEntry, AlertKind, AlertRule, AlertScope, HcpCustomerChange, NewAlertRule,
    WATCHABLE_FIELDS,
};
pub use contacts::{contact_from_search, ContactRow, ListOrder, Page, MAX_PAGE_SIZE};
pub use error::{Error, Result};
pub use local::LOCAL_ID_PREFIX;
pub use open::Opened;
pub use outbox::{
    new_client_key, AnswerWriter, Choice, OutboxCounts, OutboxEntry, OutboxKind, OutboxState,
    QueuedEdit, ServerAnswer,
};
pub use overview::{
    Limited, Overview, OverviewAppointment, OverviewTask, OverviewWindow, WaitingContact,
};
pub use pull::{
    full_pull, incremental_refresh, PullProgress, PullSummary, RefreshSummary, PULL_PAGE_SIZE,
};
pub use pull_state::PullState;
pub use related::{Cached, WalkCount, WalkMark};
pub use replay::{replay_outbox, replay_outbox_observed, ReplayStep, ReplaySummary};
pub use schema::CURRENT_VERSION as SCHEMA_VERSION;
pub use sync_state::{
    NewSyncLogEntry, SyncDirection, SyncLink, SyncLogEntry, SyncRun, SyncStepRecord,
};

/// The cache of one location. `Send + Sync`: share it behind an `Arc`.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    country_code: Mutex<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic inside a call rolled its transaction back (dropped), so the
    // connection is still consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// `<data_dir>/locations/<location_id>.sqlite3`, with anything but
    /// letters, digits, `-` and `_` in the id replaced, so an id can never
    /// point outside the folder.
    pub fn path_for(data_dir: &Path, location_id: &str) -> PathBuf {
        let safe: String = location_id
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let safe = if safe.is_empty() {
            "_".to_owned()
        } else {
            safe
        };
        data_dir.join("locations").join(format!("{safe}.sqlite3"))
    }

    /// Opens (creating folders and file as needed) the cache at `path`. A
    /// file that is not a database, is truncated, has a damaged schema or
    /// table root, or has a newer schema is moved aside and replaced by an
    /// empty cache ([`Opened::Rebuilt`]); an unreadable one is an
    /// [`Error::Io`]. These checks read a few pages whatever the size (a few
    /// milliseconds); run [`Store::quick_check`] in the background for the
    /// rest, and treat [`Error::Damaged`] from any call the same way.
    pub fn open(path: impl AsRef<Path>) -> Result<(Store, Opened)> {
        let path = path.as_ref().to_owned();
        let (writer, opened) = open::open_writer(&path)?;
        let reader = open::open_reader(&path)?;
        Ok((
            Store {
                path,
                writer: Mutex::new(writer),
                reader: Mutex::new(reader),
                country_code: Mutex::new("1".to_owned()),
            },
            opened,
        ))
    }

    /// Reads every page of the file (`PRAGMA quick_check`, about 1 s per
    /// 100,000 contacts) on a connection of its own, so lists and writes go
    /// on meanwhile. `Some(reason)` when the file is damaged: then call
    /// [`Store::rebuild`].
    pub fn quick_check(&self) -> Result<Option<String>> {
        open::quick_check(&self.path)
    }

    /// Closes this cache, sets its file aside (as [`Store::open`] does for an
    /// unusable file) and opens an empty one in its place, for when
    /// [`Store::quick_check`] or an [`Error::Damaged`] says it is damaged.
    pub fn rebuild(self, reason: &str) -> Result<(Store, Opened)> {
        let Store {
            path,
            writer,
            reader,
            country_code,
        } = self;
        let cc = country_code
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        drop(reader);
        drop(writer);
        let (writer, opened) = open::rebuild(&path, reason.to_owned())?;
        let reader = open::open_reader(&path)?;
        Ok((
            Store {
                path,
                writer: Mutex::new(writer),
                reader: Mutex::new(reader),
                country_code: Mutex::new(cc),
            },
            opened,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Country calling code of the location's numbers (default `1`): a phone
    /// search typed with it (`+1 555…`) also finds numbers stored without it.
    pub fn set_country_calling_code(&self, code: &str) {
        *lock(&self.country_code) = text::digits(code);
    }

    pub(crate) fn country_code(&self) -> String {
        lock(&self.country_code).clone()
    }

    /// Runs `f` in one immediate (write-locking) transaction; commits if it
    /// returns `Ok`, rolls back otherwise.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on the read connection inside one read transaction, so a
    /// multi-query read sees one snapshot.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.reader);
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
