//! A contact's tasks, notes and appointments, cached per contact as the full
//! GHL JSON with the time each list was fetched.

use ghl::{Appointment, Note, Task};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::Store;

/// A cached list and when it was fetched from GHL.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached<T> {
    pub items: Vec<T>,
    pub fetched_at: OffsetDateTime,
}

impl<T: Serialize> Serialize for Cached<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Cached", 2)?;
        st.serialize_field("items", &self.items)?;
        st.serialize_field("fetchedAt", &ghl::datetime::to_rfc3339(self.fetched_at))?;
        st.end()
    }
}

/// The record kinds cached per contact.
pub(crate) trait RelatedRecord: Serialize + DeserializeOwned {
    const TABLE: &'static str;
    const WHAT: &'static str;
    fn record_id(&self) -> &str;
}

impl RelatedRecord for Task {
    const TABLE: &'static str = "tasks";
    const WHAT: &'static str = "task";
    fn record_id(&self) -> &str {
        &self.id
    }
}

impl RelatedRecord for Note {
    const TABLE: &'static str = "notes";
    const WHAT: &'static str = "note";
    fn record_id(&self) -> &str {
        &self.id
    }
}

impl RelatedRecord for Appointment {
    const TABLE: &'static str = "appointments";
    const WHAT: &'static str = "appointment";
    fn record_id(&self) -> &str {
        &self.id
    }
}

pub(crate) fn now_rfc3339() -> String {
    ghl::datetime::to_rfc3339(OffsetDateTime::now_utc())
}

fn to_json<T: Serialize>(what: &'static str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Corrupt {
        what,
        message: e.to_string(),
    })
}

pub(crate) fn replace_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    items: &[T],
) -> Result<()> {
    // Records created offline (`local-…`) stay until their create completes
    // or is discarded; they follow the server's list.
    tx.execute(
        &format!(
            "DELETE FROM {} WHERE contact_id = ?1 AND substr(id, 1, 6) <> 'local-'",
            T::TABLE
        ),
        [contact_id],
    )?;
    tx.execute(
        &format!(
            "UPDATE {} SET pos = pos + ?2 WHERE contact_id = ?1",
            T::TABLE
        ),
        params![contact_id, items.len() as i64],
    )?;
    let mut insert = tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {} (contact_id, id, pos, json) VALUES (?1, ?2, ?3, ?4)",
        T::TABLE
    ))?;
    for (pos, item) in items.iter().enumerate() {
        insert.execute(params![
            contact_id,
            item.record_id(),
            pos as i64,
            to_json(T::WHAT, item)?
        ])?;
    }
    tx.execute(
        "INSERT INTO related_fetched (contact_id, kind, fetched_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (contact_id, kind) DO UPDATE SET fetched_at = excluded.fetched_at",
        params![contact_id, T::TABLE, now_rfc3339()],
    )?;
    Ok(())
}

/// Inserts or replaces one record, keeping its place (new ones go last).
pub(crate) fn upsert_one_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    item: &T,
) -> Result<()> {
    let json = to_json(T::WHAT, item)?;
    let updated = tx.execute(
        &format!(
            "UPDATE {} SET json = ?3 WHERE contact_id = ?1 AND id = ?2",
            T::TABLE
        ),
        params![contact_id, item.record_id(), json],
    )?;
    if updated == 0 {
        tx.execute(
            &format!(
                "INSERT INTO {t} (contact_id, id, pos, json)
                 VALUES (?1, ?2, (SELECT coalesce(max(pos), -1) + 1 FROM {t} WHERE contact_id = ?1), ?3)",
                t = T::TABLE
            ),
            params![contact_id, item.record_id(), json],
        )?;
    }
    Ok(())
}

pub(crate) fn delete_one_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    id: &str,
) -> Result<bool> {
    let n = tx.execute(
        &format!("DELETE FROM {} WHERE contact_id = ?1 AND id = ?2", T::TABLE),
        params![contact_id, id],
    )?;
    Ok(n > 0)
}

pub(crate) fn forget_contact_in(tx: &Transaction<'_>, contact_id: &str) -> Result<()> {
    for table in ["tasks", "notes", "appointments", "related_fetched"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE contact_id = ?1"))?
            .execute([contact_id])?;
    }
    Ok(())
}

fn read_in<T: RelatedRecord>(conn: &Connection, contact_id: &str) -> Result<Option<Cached<T>>> {
    let fetched: Option<String> = conn
        .prepare_cached(
            "SELECT fetched_at FROM related_fetched WHERE contact_id = ?1 AND kind = ?2",
        )?
        .query_row(params![contact_id, T::TABLE], |r| r.get(0))
        .optional()?;
    let Some(fetched) = fetched else {
        return Ok(None);
    };
    let fetched_at = ghl::datetime::parse_ghl_datetime(&fetched).ok_or(Error::Corrupt {
        what: "fetch time",
        message: "unreadable timestamp".to_owned(),
    })?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT json FROM {} WHERE contact_id = ?1 ORDER BY pos, id",
        T::TABLE
    ))?;
    let items = stmt
        .query_map([contact_id], |r| r.get::<_, String>(0))?
        .map(|json| {
            let json = json?;
            serde_json::from_str(&json).map_err(|e| Error::Corrupt {
                what: T::WHAT,
                message: e.to_string(),
            })
        })
        .collect::<Result<Vec<T>>>()?;
    Ok(Some(Cached { items, fetched_at }))
}

impl Store {
    /// Replaces the cached tasks of a contact with a freshly fetched list.
    pub fn replace_tasks(&self, contact_id: &str, tasks: &[Task]) -> Result<()> {
        self.write(|tx| replace_in(tx, contact_id, tasks))
    }

    pub fn replace_notes(&self, contact_id: &str, notes: &[Note]) -> Result<()> {
        self.write(|tx| replace_in(tx, contact_id, notes))
    }

    pub fn replace_appointments(
        &self,
        contact_id: &str,
        appointments: &[Appointment],
    ) -> Result<()> {
        self.write(|tx| replace_in(tx, contact_id, appointments))
    }

    /// The cached tasks, in GHL's order; `None` if never fetched.
    pub fn tasks(&self, contact_id: &str) -> Result<Option<Cached<Task>>> {
        self.read(|conn| read_in(conn, contact_id))
    }

    pub fn notes(&self, contact_id: &str) -> Result<Option<Cached<Note>>> {
        self.read(|conn| read_in(conn, contact_id))
    }

    pub fn appointments(&self, contact_id: &str) -> Result<Option<Cached<Appointment>>> {
        self.read(|conn| read_in(conn, contact_id))
    }

    /// One task after a create or an edit.
    pub fn upsert_task(&self, contact_id: &str, task: &Task) -> Result<()> {
        self.write(|tx| upsert_one_in(tx, contact_id, task))
    }

    /// Returns whether it was cached.
    pub fn delete_task(&self, contact_id: &str, task_id: &str) -> Result<bool> {
        self.write(|tx| delete_one_in::<Task>(tx, contact_id, task_id))
    }

    pub fn upsert_note(&self, contact_id: &str, note: &Note) -> Result<()> {
        self.write(|tx| upsert_one_in(tx, contact_id, note))
    }

    pub fn delete_note(&self, contact_id: &str, note_id: &str) -> Result<bool> {
        self.write(|tx| delete_one_in::<Note>(tx, contact_id, note_id))
    }
}
