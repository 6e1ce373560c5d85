//! Where the full pull stands (resumable cursor, counts, times) and the
//! high-water `dateUpdated` for incremental refreshes.

use ghl::Contact;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::related::now_rfc3339;
use crate::Store;

/// The pull state of this database's location.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullState {
    /// `searchAfter` of the last page stored by the running full pull;
    /// `None` before its first page.
    pub cursor: Option<Vec<Value>>,
    /// Contacts stored by the running (or last) full pull.
    pub done: u64,
    /// What the server reported as the total.
    pub total: Option<u64>,
    pub started_at: Option<String>,
    /// Set when a full pull walked every page.
    pub finished_at: Option<String>,
    /// Every change up to this `dateUpdated` (epoch ms) is in the cache.
    pub high_water_ms: Option<i64>,
    pub last_refresh_at: Option<String>,
}

impl PullState {
    /// A full pull has completed at least once: the cache is usable offline.
    pub fn is_complete(&self) -> bool {
        self.finished_at.is_some()
    }

    /// A full pull was started and did not finish (crash, kill, cancel).
    pub fn is_resumable(&self) -> bool {
        self.started_at.is_some() && self.finished_at.is_none()
    }
}

fn cursor_text(cursor: Option<&[Value]>) -> Option<String> {
    cursor.map(|c| Value::Array(c.to_vec()).to_string())
}

fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn read_in(conn: &Connection) -> Result<PullState> {
    let row = conn
        .prepare_cached(
            "SELECT cursor, done, total, started_at, finished_at, high_water_ms, last_refresh_at
             FROM pull_state WHERE one = 1",
        )?
        .query_row([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .optional()?;
    let Some((cursor, done, total, started_at, finished_at, high_water_ms, last_refresh_at)) = row
    else {
        return Ok(PullState::default());
    };
    let cursor = cursor
        .map(|c| serde_json::from_str::<Vec<Value>>(&c))
        .transpose()
        .map_err(|e| Error::Corrupt {
            what: "pull cursor",
            message: e.to_string(),
        })?;
    Ok(PullState {
        cursor,
        done: u64::try_from(done).unwrap_or(0),
        total: total.and_then(|t| u64::try_from(t).ok()),
        started_at,
        finished_at,
        high_water_ms,
        last_refresh_at,
    })
}

fn ensure_row(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("INSERT OR IGNORE INTO pull_state (one) VALUES (1)", [])?;
    Ok(())
}

impl Store {
    pub fn pull_state(&self) -> Result<PullState> {
        self.read(read_in)
    }

    /// Starts a full pull from the beginning: no cursor, nothing done.
    /// `high_water_ms` is the newest `dateUpdated` on the server before the
    /// walk starts; it becomes the refresh mark once the pull finishes, so
    /// whatever changes during the walk is caught by the next refresh.
    pub fn start_full_pull(&self, total: Option<u64>, high_water_ms: Option<i64>) -> Result<()> {
        self.write(|tx| {
            ensure_row(tx)?;
            tx.execute(
                "UPDATE pull_state SET cursor = NULL, done = 0, total = ?1, started_at = ?2,
                     finished_at = NULL, high_water_ms = NULL, last_refresh_at = NULL
                 WHERE one = 1",
                params![total.map(as_i64), now_rfc3339()],
            )?;
            crate::meta::set_in(
                tx,
                crate::meta::PENDING_HIGH_WATER,
                high_water_ms.map(|m| m.to_string()).as_deref(),
            )?;
            Ok(())
        })
    }

    /// Stores one page of a full pull and the cursor after it in one
    /// transaction: after a crash the pull resumes right after the last
    /// stored page. Returns the new `done`.
    pub fn save_pull_page(
        &self,
        contacts: &[Contact],
        cursor: Option<&[Value]>,
        total: Option<u64>,
    ) -> Result<u64> {
        self.write(|tx| {
            ensure_row(tx)?;
            crate::contacts::upsert_in(tx, contacts)?;
            tx.execute(
                "UPDATE pull_state SET cursor = ?1, done = done + ?2, total = coalesce(?3, total)
                 WHERE one = 1",
                params![
                    cursor_text(cursor),
                    contacts.len() as i64,
                    total.map(as_i64)
                ],
            )?;
            let done: i64 = tx.query_row("SELECT done FROM pull_state WHERE one = 1", [], |r| {
                r.get(0)
            })?;
            Ok(u64::try_from(done).unwrap_or(0))
        })
    }

    /// Marks the full pull complete and sets the refresh mark saved by
    /// [`Store::start_full_pull`].
    pub fn finish_full_pull(&self) -> Result<()> {
        self.write(|tx| {
            ensure_row(tx)?;
            let mark = crate::meta::get_in(tx, crate::meta::PENDING_HIGH_WATER)?
                .and_then(|m| m.parse::<i64>().ok());
            let now = now_rfc3339();
            tx.execute(
                "UPDATE pull_state SET cursor = NULL, finished_at = ?1, last_refresh_at = ?1,
                     high_water_ms = ?2
                 WHERE one = 1",
                params![now, mark],
            )?;
            crate::meta::set_in(tx, crate::meta::PENDING_HIGH_WATER, None)?;
            Ok(())
        })?;
        self.optimize_search_index()
    }

    /// Stores a page of an incremental refresh, moving the refresh mark to
    /// `high_water_ms` in the same transaction (never backwards).
    pub fn save_refresh_page(
        &self,
        contacts: &[Contact],
        high_water_ms: Option<i64>,
    ) -> Result<()> {
        self.write(|tx| {
            ensure_row(tx)?;
            // Before the write: the rules compare against the cached copies.
            crate::alerts::detect_in(tx, contacts)?;
            crate::contacts::upsert_in(tx, contacts)?;
            tx.execute(
                "UPDATE pull_state SET high_water_ms = max(coalesce(high_water_ms, ?1), ?1)
                 WHERE one = 1 AND ?1 IS NOT NULL",
                params![high_water_ms],
            )?;
            Ok(())
        })
    }

    /// Records that an incremental refresh completed now, and tidies the
    /// search index a little (a bounded merge, a few milliseconds).
    pub fn finish_refresh(&self) -> Result<()> {
        self.write(|tx| {
            ensure_row(tx)?;
            tx.execute(
                "UPDATE pull_state SET last_refresh_at = ?1 WHERE one = 1",
                [now_rfc3339()],
            )?;
            // FTS5 merges segments as it goes; this spends a little more so
            // that many small refreshes do not leave many small segments.
            tx.execute_batch(
                "INSERT INTO names_fts (names_fts, rank) VALUES ('merge', 64);
                 INSERT INTO others_fts (others_fts, rank) VALUES ('merge', 64);
                 INSERT INTO phones_fts (phones_fts, rank) VALUES ('merge', 64);",
            )?;
            Ok(())
        })
    }

    /// Merges the search index into one segment per table, dropping what
    /// deleted and edited contacts left behind: searches read one doclist
    /// per word instead of one per segment. About a second per 100,000
    /// contacts; [`Store::finish_full_pull`] does it.
    pub fn optimize_search_index(&self) -> Result<()> {
        self.write(|tx| {
            tx.execute_batch(
                "INSERT INTO names_fts (names_fts) VALUES ('optimize');
                 INSERT INTO others_fts (others_fts) VALUES ('optimize');
                 INSERT INTO phones_fts (phones_fts) VALUES ('optimize');",
            )?;
            Ok(())
        })
    }
}
