//! A contact's tasks, notes and appointments, cached per contact as the full
//! GHL JSON with the time each list was fetched, and which contacts still
//! need theirs fetched (the background task walk).

use ghl::{Appointment, Note, Task};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::Store;

/// SQL for the epoch milliseconds of the date-time at JSON `$path` of
/// `$json`, read the way `ghl::datetime::parse_ghl_datetime` reads GHL's
/// spellings: epoch milliseconds as a number or a digit string, else an ISO
/// 8601 date-time (UTC unless it says otherwise); NULL when unreadable.
macro_rules! epoch_ms_sql {
    ($json:literal, $path:literal) => {
        concat!(
            "CASE json_type(",
            $json,
            ", '",
            $path,
            "')
                WHEN 'integer' THEN json_extract(",
            $json,
            ", '",
            $path,
            "')
                WHEN 'real' THEN CAST(json_extract(",
            $json,
            ", '",
            $path,
            "') AS INTEGER)
                WHEN 'text' THEN
                    CASE WHEN trim(json_extract(",
            $json,
            ", '",
            $path,
            "')) GLOB '[0-9]*'
                          AND trim(json_extract(",
            $json,
            ", '",
            $path,
            "')) NOT GLOB '*[^0-9]*'
                    THEN CAST(trim(json_extract(",
            $json,
            ", '",
            $path,
            "')) AS INTEGER)
                    ELSE CAST(round((julianday(trim(json_extract(",
            $json,
            ", '",
            $path,
            "')))
                                     - 2440587.5) * 86400000.0) AS INTEGER)
                    END
            END"
        )
    };
}

/// SQL that makes every insert into `$table` (and, once, every row already
/// there) touch its `json`, so the table's `AFTER UPDATE OF json` trigger
/// fills the columns derived from it.
macro_rules! derive_on_insert_sql {
    ($table:literal) => {
        concat!(
            "CREATE TRIGGER ",
            $table,
            "_derive_on_insert AFTER INSERT ON ",
            $table,
            " BEGIN
                UPDATE ",
            $table,
            " SET json = json WHERE contact_id = NEW.contact_id AND id = NEW.id;
            END;
            UPDATE ",
            $table,
            " SET json = json;"
        )
    };
}

/// Schema step 5: a task's due time (epoch ms) and done flag, and an
/// appointment's start, as indexed columns, so the overview and the overdue
/// alert read index ranges instead of parsing every record's JSON. Triggers
/// fill them from the JSON whenever a row is written, so no writer can
/// forget them (an insert touches `json`, which runs the update trigger: one
/// expression per table); `UPDATE … SET json = json` backfills the rows
/// cached before. Plain columns rather than generated ones: SQLite reads an
/// index on a virtual column back from the table, parsing the JSON again.
pub(crate) const MIGRATION: &str = concat!(
    "
    ALTER TABLE tasks ADD COLUMN due_ms INTEGER;
    ALTER TABLE tasks ADD COLUMN completed INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER tasks_derive_on_update AFTER UPDATE OF json ON tasks BEGIN
        UPDATE tasks SET due_ms = ",
    epoch_ms_sql!("NEW.json", "$.dueDate"),
    ",
            completed = (json_extract(NEW.json, '$.completed') IS 1)
        WHERE contact_id = NEW.contact_id AND id = NEW.id;
    END;
    ",
    derive_on_insert_sql!("tasks"),
    "
    CREATE INDEX tasks_open_by_due ON tasks (completed, due_ms);

    ALTER TABLE appointments ADD COLUMN start_ms INTEGER;
    CREATE TRIGGER appointments_derive_on_update AFTER UPDATE OF json ON appointments BEGIN
        UPDATE appointments SET start_ms = ",
    epoch_ms_sql!("NEW.json", "$.startTime"),
    "
        WHERE contact_id = NEW.contact_id AND id = NEW.id;
    END;
    ",
    derive_on_insert_sql!("appointments"),
    "
    CREATE INDEX appointments_by_start ON appointments (start_ms);
    "
);

/// The SQL condition "this contact's tasks must be fetched (again)": never
/// fetched, or fetched before GHL last changed the contact. `c` is the
/// contact, `r` its `related_fetched` row for tasks (LEFT JOINed). Contacts
/// made offline (`local-…`) are not in GHL yet.
const NEEDS_WALK: &str = "substr(c.id, 1, 6) <> 'local-'
     AND (r.fetched_at IS NULL
          OR (julianday(r.fetched_at) - 2440587.5) * 86400000.0 < c.updated_ms)";

/// A place in the walk's order (most recently updated first): the last
/// contact handed out, so the next batch starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkMark {
    pub contact_id: String,
    pub updated_ms: i64,
}

/// How many contacts the walk has left, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkCount {
    /// Contacts whose tasks and appointments are cached and current.
    pub checked: u64,
    pub total: u64,
}

impl WalkCount {
    pub fn is_complete(&self) -> bool {
        self.checked >= self.total
    }
}

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
    /// Up to `limit` contacts whose tasks were never fetched or were fetched
    /// before the contact's `dateUpdated`, most recently updated first,
    /// starting after `after`. Reads the `contacts_by_updated` index in order,
    /// so a batch costs the contacts it passes, not a sort of the table.
    pub fn contacts_to_walk(
        &self,
        after: Option<&WalkMark>,
        limit: usize,
    ) -> Result<Vec<WalkMark>> {
        self.read(|conn| {
            let (updated, id) = after.map_or((i64::MAX, ""), |m| (m.updated_ms, &m.contact_id));
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT c.id, c.updated_ms FROM contacts c
                 LEFT JOIN related_fetched r ON r.contact_id = c.id AND r.kind = 'tasks'
                 WHERE (c.updated_ms < ?1 OR (c.updated_ms = ?1 AND c.id > ?2))
                   AND {NEEDS_WALK}
                 ORDER BY c.updated_ms DESC, c.id
                 LIMIT ?3"
            ))?;
            let rows = stmt
                .query_map(params![updated, id, limit as i64], |r| {
                    Ok(WalkMark {
                        contact_id: r.get(0)?,
                        updated_ms: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// How many cached contacts have current tasks and appointments.
    pub fn walk_count(&self) -> Result<WalkCount> {
        self.read(|conn| {
            let (total, left): (i64, i64) = conn
                .prepare_cached(&format!(
                    "SELECT count(*), coalesce(sum({NEEDS_WALK}), 0) FROM contacts c
                     LEFT JOIN related_fetched r ON r.contact_id = c.id AND r.kind = 'tasks'"
                ))?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let total = u64::try_from(total).unwrap_or(0);
            Ok(WalkCount {
                checked: total.saturating_sub(u64::try_from(left).unwrap_or(0)),
                total,
            })
        })
    }

    /// Caches what the walk fetched for one contact: its tasks and
    /// appointments, in one transaction.
    pub fn replace_tasks_and_appointments(
        &self,
        contact_id: &str,
        tasks: &[Task],
        appointments: &[Appointment],
    ) -> Result<()> {
        self.write(|tx| {
            replace_in(tx, contact_id, tasks)?;
            replace_in(tx, contact_id, appointments)
        })
    }

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

#[cfg(test)]
mod tests {
    use ghl::Contact;
    use rusqlite::Connection;
    use serde_json::json;

    use super::*;
    use crate::schema;

    fn contact(id: &str, updated: &str) -> Contact {
        serde_json::from_value(json!({
            "id": id, "firstName": id, "dateUpdated": updated, "tags": [],
        }))
        .expect("contact json")
    }

    fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, _) = Store::open(Store::path_for(dir.path(), "loc1")).expect("open");
        (dir, store)
    }

    fn columns(store: &Store) -> Vec<(String, Option<i64>, i64)> {
        store
            .read(|conn| {
                let rows = conn
                    .prepare("SELECT id, due_ms, completed FROM tasks ORDER BY id")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(rows)
            })
            .expect("columns")
    }

    #[test]
    fn the_migration_fills_due_and_done_from_tasks_cached_before_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = Store::path_for(dir.path(), "loc1");
        std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        {
            let mut conn = Connection::open(&path).expect("sqlite");
            let tx = conn.transaction().expect("tx");
            for step in &schema::MIGRATIONS[..4] {
                tx.execute_batch(step).expect("old step");
            }
            tx.execute_batch("PRAGMA user_version = 4")
                .expect("version");
            let mut insert = tx
                .prepare("INSERT INTO tasks (contact_id, id, pos, json) VALUES ('c1', ?1, 0, ?2)")
                .expect("insert");
            for (id, task) in [
                ("a-iso", json!({"dueDate": "2026-03-10T16:00:00.000Z"})),
                ("b-offset", json!({"dueDate": "2026-03-10T09:00:00-07:00"})),
                ("c-millis", json!({"dueDate": 1_773_158_400_000_i64})),
                ("d-millis-text", json!({"dueDate": "1773158400000"})),
                ("e-naive", json!({"dueDate": "2026-03-10 16:00:00"})),
                (
                    "f-done",
                    json!({"dueDate": "2026-03-10T16:00:00Z", "completed": true}),
                ),
                ("g-undated", json!({"completed": false})),
                ("h-unreadable", json!({"dueDate": "soon"})),
            ] {
                insert
                    .execute(rusqlite::params![id, task.to_string()])
                    .expect("row");
            }
            drop(insert);
            tx.execute(
                "INSERT INTO appointments (contact_id, id, pos, json)
                 VALUES ('c1', 'visit', 0, '{\"startTime\": \"2026-03-10T16:00:00Z\"}')",
                [],
            )
            .expect("appointment");
            tx.commit().expect("commit");
        }
        let (store, _) = Store::open(&path).expect("migrate");
        let at = 1_773_158_400_000_i64; // 2026-03-10T16:00:00Z
        assert_eq!(
            ghl::datetime::parse_ghl_datetime("2026-03-10T16:00:00Z")
                .map(crate::overview::epoch_ms),
            Some(at)
        );
        assert_eq!(
            columns(&store),
            [
                ("a-iso".to_owned(), Some(at), 0),
                ("b-offset".to_owned(), Some(at), 0),
                ("c-millis".to_owned(), Some(at), 0),
                ("d-millis-text".to_owned(), Some(at), 0),
                ("e-naive".to_owned(), Some(at), 0),
                ("f-done".to_owned(), Some(at), 1),
                ("g-undated".to_owned(), None, 0),
                ("h-unreadable".to_owned(), None, 0),
            ]
        );
        let start: Option<i64> = store
            .read(|conn| Ok(conn.query_row("SELECT start_ms FROM appointments", [], |r| r.get(0))?))
            .expect("start");
        assert_eq!(start, Some(at));
        // Written after the migration, by the ordinary paths, too.
        let task: Task = serde_json::from_value(
            json!({"id": "z", "title": "New", "dueDate": "2026-03-10T16:00:00Z", "completed": true}),
        )
        .expect("task");
        store.upsert_task("c1", &task).expect("upsert");
        assert!(columns(&store).contains(&("z".to_owned(), Some(at), 1)));
        // An edit of a task cached before the migration (done, moved a day).
        let edited: Task = serde_json::from_value(json!({
            "id": "a-iso", "title": "Edited", "dueDate": "2026-03-11T16:00:00Z", "completed": true,
        }))
        .expect("task");
        store.upsert_task("c1", &edited).expect("edit");
        assert!(columns(&store).contains(&("a-iso".to_owned(), Some(at + 86_400_000), 1)));
        // A fresh list replaces the rows (REPLACE deletes and inserts).
        store.replace_tasks("c1", &[task]).expect("replace");
        assert_eq!(columns(&store), [("z".to_owned(), Some(at), 1)]);
        let plan: String = store
            .read(|conn| {
                Ok(conn.query_row(
                    "EXPLAIN QUERY PLAN SELECT count(*) FROM tasks
                     WHERE completed = 0 AND due_ms < 0",
                    [],
                    |r| r.get(3),
                )?)
            })
            .expect("plan");
        assert!(plan.contains("COVERING INDEX tasks_open_by_due"), "{plan}");
    }

    fn walk_ids(store: &Store, after: Option<&WalkMark>, limit: usize) -> Vec<String> {
        store
            .contacts_to_walk(after, limit)
            .expect("walk")
            .into_iter()
            .map(|m| m.contact_id)
            .collect()
    }

    #[test]
    fn the_walk_takes_never_fetched_and_stale_contacts_newest_first() {
        let (_dir, store) = fresh();
        store
            .upsert_contacts(&[
                contact("old", "2020-01-01T00:00:00Z"),
                contact("mid", "2024-01-01T00:00:00Z"),
                contact("new", "2025-06-01T00:00:00Z"),
                contact("same-a", "2022-01-01T00:00:00Z"),
                contact("same-b", "2022-01-01T00:00:00Z"),
                contact("future", "2999-01-01T00:00:00Z"),
            ])
            .expect("contacts");
        assert_eq!(
            walk_ids(&store, None, 10),
            ["future", "new", "mid", "same-a", "same-b", "old"]
        );
        assert_eq!(
            store.walk_count().expect("count"),
            WalkCount {
                checked: 0,
                total: 6
            }
        );

        // Fetched now: current, unless GHL changed the contact after (the
        // one dated in the future stands for a change after the fetch).
        for id in ["new", "mid", "future"] {
            store
                .replace_tasks_and_appointments(id, &[], &[])
                .expect("fetched");
        }
        // Only the tasks' fetch time counts.
        store.replace_notes("old", &[]).expect("notes");
        assert_eq!(
            walk_ids(&store, None, 10),
            ["future", "same-a", "same-b", "old"]
        );
        let count = store.walk_count().expect("count");
        assert_eq!(
            count,
            WalkCount {
                checked: 2,
                total: 6
            }
        );
        assert!(!count.is_complete());

        // Batches continue after the mark, through equal update times.
        let first = store.contacts_to_walk(None, 2).expect("walk");
        assert_eq!(walk_ids(&store, first.last(), 10), ["same-b", "old"]);

        // A contact made offline is not in GHL to fetch from.
        store
            .upsert_contacts(&[contact("local-1", "2026-01-01T00:00:00Z")])
            .expect("local");
        assert!(!walk_ids(&store, None, 10).contains(&"local-1".to_owned()));
    }
}
