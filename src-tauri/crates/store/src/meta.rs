//! A small key/value table for facts about the cache itself.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::Store;

/// Refresh mark of a full pull in progress, applied when it finishes.
pub(crate) const PENDING_HIGH_WATER: &str = "pull.pending_high_water_ms";

pub(crate) fn get_in(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// `None` removes the key.
pub(crate) fn set_in(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, v])?,
        None => conn
            .prepare_cached("DELETE FROM meta WHERE key = ?1")?
            .execute([key])?,
    };
    Ok(())
}

impl Store {
    /// A value of the `meta` table (e.g. `location_id`).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.read(|conn| get_in(conn, key))
    }

    /// Sets (or with `None`, removes) a `meta` value.
    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.write(|tx| set_in(tx, key, value))
    }
}
