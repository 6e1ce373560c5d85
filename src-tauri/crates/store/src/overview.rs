//! The home screen's read of current data: open tasks due by the end of today,
//! appointments from today to the end of the week, the contacts changed last
//! and the contacts with edits waiting in the outbox, in one read transaction.
//!
//! Tasks and appointments are cached per contact (GHL has no location-wide
//! task list in the API the app uses): when a contact is opened, and by the
//! background walk over every contact; [`Overview::contacts_with_tasks`] says
//! how many are cached. The day boundaries come from the caller: "today" is
//! the person's local day, which only the shell knows.

use ghl::{Appointment, Task};
use rusqlite::{Connection, OptionalExtension};
use time::OffsetDateTime;

use crate::contacts::{keyed_row, ContactRow, ROW_COLUMNS};
use crate::error::{Error, Result};
use crate::Store;

/// The instants that bound "overdue", "today" and "this week", in the
/// person's time zone (as UTC instants). `now <= today_end <= week_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverviewWindow {
    pub now: OffsetDateTime,
    /// Midnight that starts the local day.
    pub today_start: OffsetDateTime,
    /// Midnight that ends it (start of tomorrow).
    pub today_end: OffsetDateTime,
    /// Where "this week" ends (exclusive).
    pub week_end: OffsetDateTime,
    /// Tasks and appointments kept per list; the totals count them all.
    pub limit: usize,
    /// How many recently updated contacts.
    pub recent: usize,
}

/// An open task with a due time, and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewTask {
    pub contact_id: String,
    /// `None` when the contact is no longer cached.
    pub contact_name: Option<String>,
    pub due: OffsetDateTime,
    pub task: Task,
}

/// An appointment with a start time, and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewAppointment {
    pub contact_id: String,
    pub contact_name: Option<String>,
    pub start: OffsetDateTime,
    pub appointment: Appointment,
}

/// A contact with edits in the outbox, by state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingContact {
    pub contact_id: String,
    pub contact_name: Option<String>,
    /// Edits waiting to be sent (or re-sent after a network failure).
    pub waiting: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

/// A list cut to [`OverviewWindow::limit`] items and how many there are.
#[derive(Debug, Clone, PartialEq)]
pub struct Limited<T> {
    pub items: Vec<T>,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Open tasks due before `now`, the latest due first.
    pub overdue: Limited<OverviewTask>,
    /// Open tasks due from `now` to the end of today, soonest first.
    pub due_today: Limited<OverviewTask>,
    /// Appointments starting today (earlier ones too), in time order.
    pub appointments_today: Limited<OverviewAppointment>,
    /// Appointments from tomorrow to the end of the week.
    pub appointments_week: Limited<OverviewAppointment>,
    /// Most recently updated contacts (GHL's `dateUpdated`), newest first.
    pub recently_updated: Vec<ContactRow>,
    /// Contacts with outbox entries, the one waiting longest first.
    pub waiting: Vec<WaitingContact>,
    /// How many contacts have their tasks cached.
    pub contacts_with_tasks: u64,
    /// How many contacts have their appointments cached.
    pub contacts_with_appointments: u64,
}

fn corrupt(what: &'static str) -> impl Fn(serde_json::Error) -> Error {
    move |e| Error::Corrupt {
        what,
        message: e.to_string(),
    }
}

/// A cached task or appointment in a time window. Only its time is read for
/// every row; the record (and its contact's name) is read for the few a list
/// keeps.
struct Hit {
    at: OffsetDateTime,
    id: String,
    contact_id: String,
}

pub(crate) fn epoch_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(crate) fn from_epoch_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// Rows of `table` whose time column `at` lies in `[from, until)` (and that
/// match `filter`): how many, and the first `limit` in time order
/// (`latest_first` reverses it). Two ranges of an index on the time (which
/// holds id and contact too); no record's JSON is read.
fn hits_between(
    conn: &Connection,
    (table, at, filter): (&str, &str, &str),
    from: Option<OffsetDateTime>,
    until: OffsetDateTime,
    limit: usize,
    latest_first: bool,
) -> Result<(Vec<Hit>, u64)> {
    let range = [from.map_or(i64::MIN, epoch_ms), epoch_ms(until)];
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM {table} WHERE {filter} {at} >= ?1 AND {at} < ?2"
        ))?
        .query_row(range, |r| r.get(0))?;
    let order = if latest_first { "DESC" } else { "" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {at}, id, contact_id FROM {table}
         WHERE {filter} {at} >= ?1 AND {at} < ?2
         ORDER BY {at} {order}, id {order} LIMIT ?3"
    ))?;
    let mut rows = stmt.query(rusqlite::params![range[0], range[1], limit as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let Some(at) = from_epoch_ms(r.get(0)?) else {
            continue;
        };
        out.push(Hit {
            at,
            id: r.get(1)?,
            contact_id: r.get(2)?,
        });
    }
    Ok((out, u64::try_from(total).unwrap_or(0)))
}

/// Open tasks, from `tasks_open_by_due`.
const OPEN_TASKS: (&str, &str, &str) = ("tasks", "due_ms", "completed = 0 AND");
/// Appointments, from `appointments_by_start`.
const APPOINTMENTS: (&str, &str, &str) = ("appointments", "start_ms", "");

fn name_of(conn: &Connection, contact_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT display_name FROM contacts WHERE id = ?1")?
        .query_row([contact_id], |r| r.get(0))
        .optional()?)
}

/// The first `limit` hits as records of `table` (`T`), with their contacts'
/// names.
fn kept<T: serde::de::DeserializeOwned, Out>(
    conn: &Connection,
    table: &str,
    (hits, total): (Vec<Hit>, u64),
    limit: usize,
    what: &'static str,
    make: impl Fn(Hit, Option<String>, T) -> Out,
) -> Result<Limited<Out>> {
    let mut json = conn.prepare_cached(&format!(
        "SELECT json FROM {table} WHERE contact_id = ?1 AND id = ?2"
    ))?;
    let items = hits
        .into_iter()
        .take(limit)
        .map(|hit| {
            let text: String =
                json.query_row(rusqlite::params![hit.contact_id, hit.id], |r| r.get(0))?;
            let record: T = serde_json::from_str(&text).map_err(corrupt(what))?;
            let name = name_of(conn, &hit.contact_id)?;
            Ok(make(hit, name, record))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Limited { items, total })
}

fn tasks(conn: &Connection, hits: (Vec<Hit>, u64), limit: usize) -> Result<Limited<OverviewTask>> {
    kept(
        conn,
        "tasks",
        hits,
        limit,
        "task",
        |hit, contact_name, task| OverviewTask {
            contact_id: hit.contact_id,
            contact_name,
            due: hit.at,
            task,
        },
    )
}

fn appointments(
    conn: &Connection,
    hits: (Vec<Hit>, u64),
    limit: usize,
) -> Result<Limited<OverviewAppointment>> {
    kept(
        conn,
        "appointments",
        hits,
        limit,
        "appointment",
        |hit, contact_name, appointment| OverviewAppointment {
            contact_id: hit.contact_id,
            contact_name,
            start: hit.at,
            appointment,
        },
    )
}

/// Reads `contacts_by_updated` from its start: `limit` index entries, not a
/// sort of the whole table.
fn recently_updated(conn: &Connection, limit: usize) -> Result<Vec<ContactRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM contacts c ORDER BY c.updated_ms DESC, c.id LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit as i64], keyed_row)?
        .map(|r| r.map(|k| k.row))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn waiting_contacts(conn: &Connection) -> Result<Vec<WaitingContact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.contact_id, c.display_name,
                sum(o.state IN ('pending', 'failed')),
                sum(o.state = 'conflict'),
                sum(o.state = 'rejected')
         FROM outbox o LEFT JOIN contacts c ON c.id = o.contact_id
         WHERE o.contact_id IS NOT NULL
         GROUP BY o.contact_id
         ORDER BY min(o.seq)",
    )?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let rows = stmt
        .query_map([], |r| {
            Ok(WaitingContact {
                contact_id: r.get(0)?,
                contact_name: r.get(1)?,
                waiting: count(r.get(2)?),
                conflicts: count(r.get(3)?),
                rejected: count(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn fetched_count(conn: &Connection, kind: &str) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM related_fetched WHERE kind = ?1")?
        .query_row([kind], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

impl Store {
    /// Everything the overview shows, from one snapshot of the cache. Tasks
    /// and appointments are ranges of the `tasks_open_by_due` and
    /// `appointments_by_start` indexes, and only the records returned are
    /// parsed; recent contacts are ten-odd entries of `contacts_by_updated`.
    pub fn overview(&self, window: &OverviewWindow) -> Result<Overview> {
        self.read(|conn| {
            // The task that became overdue last first: it is the one most
            // likely still to matter, and a long list is cut at the old end.
            let (now, limit) = (window.now, window.limit);
            let overdue = hits_between(conn, OPEN_TASKS, None, now, limit, true)?;
            let due_today =
                hits_between(conn, OPEN_TASKS, Some(now), window.today_end, limit, false)?;
            let (today_start, today_end) = (Some(window.today_start), window.today_end);
            let today = hits_between(conn, APPOINTMENTS, today_start, today_end, limit, false)?;
            let week = hits_between(
                conn,
                APPOINTMENTS,
                Some(today_end),
                window.week_end,
                limit,
                false,
            )?;
            Ok(Overview {
                overdue: tasks(conn, overdue, window.limit)?,
                due_today: tasks(conn, due_today, window.limit)?,
                appointments_today: appointments(conn, today, window.limit)?,
                appointments_week: appointments(conn, week, window.limit)?,
                recently_updated: recently_updated(conn, window.recent)?,
                waiting: waiting_contacts(conn)?,
                contacts_with_tasks: fetched_count(conn, "tasks")?,
                contacts_with_appointments: fetched_count(conn, "appointments")?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use ghl::Contact;
    use serde_json::json;
    use time::macros::datetime;
    use time::Duration;

    use super::*;
    use crate::OutboxEntry;

    fn contact(id: &str, name: &str, updated: &str) -> Contact {
        serde_json::from_value(json!({
            "id": id, "firstName": name, "lastName": "Test",
            "dateUpdated": updated, "tags": [],
        }))
        .expect("contact json")
    }

    fn task(id: &str, due: Option<&str>, completed: bool) -> Task {
        serde_json::from_value(json!({
            "id": id, "title": format!("Task {id}"), "dueDate": due, "completed": completed,
        }))
        .expect("task json")
    }

    fn appointment(id: &str, start: &str) -> Appointment {
        serde_json::from_value(
            json!({ "id": id, "title": format!("Visit {id}"), "startTime": start }),
        )
        .expect("appointment json")
    }

    /// 2026-03-10, a Tuesday, at 15:00 in UTC-7 (22:00 UTC): the local day
    /// runs from 07:00 UTC on the 10th to 07:00 UTC on the 11th.
    fn window() -> OverviewWindow {
        let today_start = datetime!(2026-03-10 07:00 UTC);
        OverviewWindow {
            now: datetime!(2026-03-10 22:00 UTC),
            today_start,
            today_end: today_start + Duration::days(1),
            week_end: today_start + Duration::days(7),
            limit: 10,
            recent: 10,
        }
    }

    fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, _) = Store::open(Store::path_for(dir.path(), "loc1")).expect("open");
        (dir, store)
    }

    /// A cache with contacts c1 (Ann Test) and c2 (Ben Test).
    fn ann_and_ben() -> (tempfile::TempDir, Store) {
        let (dir, store) = fresh();
        store
            .upsert_contacts(&[
                contact("c1", "Ann", "2026-03-01T00:00:00Z"),
                contact("c2", "Ben", "2026-03-02T00:00:00Z"),
            ])
            .expect("contacts");
        (dir, store)
    }

    fn ids<T>(list: &Limited<T>, id: impl Fn(&T) -> &str) -> Vec<&str> {
        list.items.iter().map(id).collect()
    }

    #[test]
    fn tasks_split_by_the_local_day_and_skip_done_and_undated_ones() {
        let (_dir, store) = ann_and_ben();
        store
            .replace_tasks(
                "c1",
                &[
                    // Due earlier today (local): overdue, not "due today".
                    task("earlier-today", Some("2026-03-10T16:00:00.000Z"), false),
                    task("last-week", Some("2026-03-03T16:00:00Z"), false),
                    // 23:30 local is still today although the UTC date is the 11th.
                    task("tonight", Some("2026-03-11T06:30:00Z"), false),
                    task("tomorrow", Some("2026-03-11T07:00:00Z"), false),
                    task("done", Some("2026-03-09T16:00:00Z"), true),
                    task("undated", None, false),
                ],
            )
            .expect("tasks");
        // A contact no longer cached still has its task listed, without a name.
        store
            .replace_tasks(
                "gone",
                &[task("orphan", Some("2026-03-10T23:00:00Z"), false)],
            )
            .expect("tasks");

        let o = store.overview(&window()).expect("overview");
        assert_eq!(
            ids(&o.overdue, |t| &t.task.id),
            ["earlier-today", "last-week"]
        );
        assert_eq!(o.overdue.items[0].contact_name.as_deref(), Some("Ann Test"));
        assert_eq!(ids(&o.due_today, |t| &t.task.id), ["orphan", "tonight"]);
        assert_eq!(o.due_today.items[0].contact_name, None);
        assert_eq!(o.contacts_with_tasks, 2);
    }

    #[test]
    fn appointments_from_the_start_of_today_to_the_end_of_the_week() {
        let (_dir, store) = fresh();
        store
            .upsert_contacts(&[contact("c1", "Ann", "2026-03-01T00:00:00Z")])
            .expect("contacts");
        store
            .replace_appointments(
                "c1",
                &[
                    appointment("yesterday", "2026-03-10T06:59:00Z"),
                    appointment("this-morning", "2026-03-10T15:00:00Z"),
                    appointment("friday", "2026-03-13T17:00:00Z"),
                    appointment("next-week", "2026-03-17T07:00:00Z"),
                    appointment("unreadable", "soon"),
                ],
            )
            .expect("appointments");
        let o = store.overview(&window()).expect("overview");
        assert_eq!(
            ids(&o.appointments_today, |a| &a.appointment.id),
            ["this-morning"]
        );
        assert_eq!(ids(&o.appointments_week, |a| &a.appointment.id), ["friday"]);
        assert_eq!(
            o.appointments_today.items[0].contact_name.as_deref(),
            Some("Ann Test")
        );
        assert_eq!(o.contacts_with_appointments, 1);
    }

    #[test]
    fn lists_are_cut_to_the_limit_but_counted_in_full() {
        let (_dir, store) = fresh();
        let tasks: Vec<Task> = (0..25)
            .map(|i| {
                task(
                    &format!("t{i:02}"),
                    Some(&format!("2026-03-0{}T12:00:00Z", 1 + i % 9)),
                    false,
                )
            })
            .collect();
        store.replace_tasks("c1", &tasks).expect("tasks");
        let o = store.overview(&window()).expect("overview");
        assert_eq!(o.overdue.total, 25);
        assert_eq!(o.overdue.items.len(), 10);
        // Latest due first.
        assert!(o.overdue.items.windows(2).all(|w| w[0].due >= w[1].due));
        assert_eq!(o.overdue.items[0].due, datetime!(2026-03-09 12:00 UTC));
    }

    #[test]
    fn recently_updated_contacts_newest_first() {
        let (_dir, store) = fresh();
        let contacts: Vec<Contact> = (0..15)
            .map(|i| {
                contact(
                    &format!("c{i:02}"),
                    "P",
                    &format!("2026-02-{:02}T00:00:00Z", i + 1),
                )
            })
            .collect();
        store.upsert_contacts(&contacts).expect("contacts");
        let o = store.overview(&window()).expect("overview");
        let recent: Vec<&str> = o.recently_updated.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            recent,
            ["c14", "c13", "c12", "c11", "c10", "c09", "c08", "c07", "c06", "c05"]
        );
    }

    #[test]
    fn contacts_with_outbox_entries_by_state() {
        let (_dir, store) = ann_and_ben();
        let first = store
            .enqueue(&OutboxEntry::add_tags("c2", &["vip".to_owned()]))
            .expect("enqueue");
        store
            .enqueue(&OutboxEntry::remove_tags("c1", &["old".to_owned()]))
            .expect("enqueue");
        store
            .enqueue(&OutboxEntry::add_tags("c2", &["new".to_owned()]))
            .expect("enqueue");
        store
            .mark_conflict(first, &json!({"tags": []}))
            .expect("conflict");
        let o = store.overview(&window()).expect("overview");
        assert_eq!(
            o.waiting,
            [
                WaitingContact {
                    contact_id: "c2".into(),
                    contact_name: Some("Ben Test".into()),
                    waiting: 1,
                    conflicts: 1,
                    rejected: 0,
                },
                WaitingContact {
                    contact_id: "c1".into(),
                    contact_name: Some("Ann Test".into()),
                    waiting: 1,
                    conflicts: 0,
                    rejected: 0,
                },
            ]
        );
    }

    #[test]
    fn an_empty_cache_has_an_empty_overview() {
        let (_dir, store) = fresh();
        let o = store.overview(&window()).expect("overview");
        assert_eq!(o.overdue.total + o.due_today.total, 0);
        assert!(o.recently_updated.is_empty() && o.waiting.is_empty());
        assert_eq!(o.contacts_with_tasks, 0);
    }
}
