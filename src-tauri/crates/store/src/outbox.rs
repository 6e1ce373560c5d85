//! Edits waiting to reach GHL, in order. An entry leaves the outbox only by
//! [`Store::complete`] (in the same transaction that stores the server's
//! answer) or [`Store::discard`]; failures, conflicts and rejections keep it.
//!
//! Queue edits with the typed constructors of [`OutboxEntry`] (one per
//! [`OutboxKind`]) and [`Store::enqueue`], which also applies the edit to the
//! cache in the same transaction (see [`Store::is_local_id`] for records
//! created offline). [`crate::replay_outbox`] sends them.

use std::cell::RefCell;
use std::collections::BTreeMap;

use ghl::{
    Contact, ContactInput, ContactUpdate, Note, NoteInput, NoteUpdate, Task, TaskInput, TaskUpdate,
};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::local::{self, invalid};
use crate::related::{delete_one_in, now_rfc3339, upsert_one_in};
use crate::Store;

/// What an outbox entry does when replayed, and the payload it carries
/// (JSON, camelCase as GHL spells it). Build entries with the constructors
/// of [`OutboxEntry`] rather than by hand.
///
/// | kind | `contact_id` | `payload` | `base` |
/// |---|---|---|---|
/// | `CreateContact` | `None` | a [`ContactInput`] (`locationId` is filled in at replay) | — |
/// | `UpdateContact` | the contact | a [`ContactUpdate`] | the cached contact's values of the same keys |
/// | `DeleteContact` | the contact | `{}` | — |
/// | `AddTags`, `RemoveTags` | the contact | `{"tags": [..]}` | — |
/// | `CreateTask` | the contact | a [`TaskInput`] | — |
/// | `UpdateTask` | the contact | `{"taskId", "update": <TaskUpdate>}` | the cached task's values of the keys of `update` |
/// | `SetTaskCompleted` | the contact | `{"taskId", "completed": bool}` | — |
/// | `DeleteTask` | the contact | `{"taskId"}` | — |
/// | `CreateNote` | the contact | a [`NoteInput`] | — |
/// | `UpdateNote` | the contact | `{"noteId", "update": <NoteUpdate>}` | the cached note's values of the keys of `update` |
/// | `DeleteNote` | the contact | `{"noteId"}` | — |
///
/// Creates carry a client key; the record they make is cached at once as
/// `local-<client key>` and later entries may name that id (as `contact_id`,
/// `taskId` or `noteId`): they are rewritten to the server's id when the
/// create completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    CreateContact,
    UpdateContact,
    DeleteContact,
    AddTags,
    RemoveTags,
    CreateTask,
    UpdateTask,
    SetTaskCompleted,
    DeleteTask,
    CreateNote,
    UpdateNote,
    DeleteNote,
}

impl OutboxKind {
    const ALL: [OutboxKind; 12] = [
        OutboxKind::CreateContact,
        OutboxKind::UpdateContact,
        OutboxKind::DeleteContact,
        OutboxKind::AddTags,
        OutboxKind::RemoveTags,
        OutboxKind::CreateTask,
        OutboxKind::UpdateTask,
        OutboxKind::SetTaskCompleted,
        OutboxKind::DeleteTask,
        OutboxKind::CreateNote,
        OutboxKind::UpdateNote,
        OutboxKind::DeleteNote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::CreateContact => "create_contact",
            OutboxKind::UpdateContact => "update_contact",
            OutboxKind::DeleteContact => "delete_contact",
            OutboxKind::AddTags => "add_tags",
            OutboxKind::RemoveTags => "remove_tags",
            OutboxKind::CreateTask => "create_task",
            OutboxKind::UpdateTask => "update_task",
            OutboxKind::SetTaskCompleted => "set_task_completed",
            OutboxKind::DeleteTask => "delete_task",
            OutboxKind::CreateNote => "create_note",
            OutboxKind::UpdateNote => "update_note",
            OutboxKind::DeleteNote => "delete_note",
        }
    }

    fn parse(s: &str) -> Option<OutboxKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Creates carry a client key so a replay can look the record up first.
    pub fn is_create(self) -> bool {
        matches!(
            self,
            OutboxKind::CreateContact | OutboxKind::CreateTask | OutboxKind::CreateNote
        )
    }
}

/// An edit to queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    pub kind: OutboxKind,
    /// The contact concerned; `None` for a contact create.
    pub contact_id: Option<String>,
    /// The request to send (e.g. a `ContactUpdate`, `NoteInput`, tag list).
    pub payload: Value,
    /// Unique per create ([`new_client_key`]); lets a replay find a record an
    /// earlier, interrupted attempt already created.
    pub client_key: Option<String>,
    /// The server's values the edit was made against, to detect that the
    /// server changed meanwhile (three-way comparison on replay).
    pub base: Option<Value>,
}

/// Where a queued entry stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum OutboxState {
    /// Waiting to be sent (or re-sent).
    Pending,
    /// The last attempt failed; it will be retried.
    Failed { message: String },
    /// The server's copy changed since `base`; a person must choose. Replays
    /// skip it until [`Store::resolve_conflict`] or [`Store::discard`].
    Conflict { server_value: Value },
    /// GHL refused it for good (validation, forbidden, record gone). Replays
    /// skip it until [`Store::retry`] or [`Store::discard`].
    Rejected { message: String },
}

impl OutboxState {
    /// Whether a replay sends it (pending or failed).
    pub fn is_sendable(&self) -> bool {
        matches!(self, OutboxState::Pending | OutboxState::Failed { .. })
    }
}

/// A queued entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedEdit {
    /// Order of replay (increasing).
    pub id: i64,
    pub entry: OutboxEntry,
    pub state: OutboxState,
    /// Send attempts so far (recorded before each send).
    pub attempts: u32,
    /// When it was first sent (RFC 3339); from then on a create is looked up
    /// on the server before it is sent again.
    pub first_attempt_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The server's answer to a replayed entry, stored in the same transaction
/// that removes the entry.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerAnswer {
    /// Nothing to store (e.g. tags changed; the next refresh brings them).
    Nothing,
    /// A created or updated contact.
    Contact(Box<Contact>),
    ContactDeleted {
        contact_id: String,
    },
    Task {
        contact_id: String,
        task: Task,
    },
    TaskDeleted {
        contact_id: String,
        task_id: String,
    },
    Note {
        contact_id: String,
        note: Note,
    },
    NoteDeleted {
        contact_id: String,
        note_id: String,
    },
}

/// A fresh random key for a create (128 bits, hex, uuid-shaped).
pub fn new_client_key() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The entry types are plain structs with string keys: serde_json cannot
/// fail on them.
fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("write bodies serialise to JSON")
}

/// `record`'s values of exactly the keys `update` sets (`null` when absent).
fn base_of<T: Serialize>(record: &T, update: &Value) -> Value {
    let record = to_value(record);
    let base: Map<String, Value> = update
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| (k.clone(), record.get(k).cloned().unwrap_or(Value::Null)))
        .collect();
    Value::Object(base)
}

impl OutboxEntry {
    fn new(kind: OutboxKind, contact_id: Option<&str>, payload: Value) -> OutboxEntry {
        OutboxEntry {
            kind,
            contact_id: contact_id.map(str::to_owned),
            payload,
            client_key: kind.is_create().then(new_client_key),
            base: None,
        }
    }

    fn with_base(mut self, base: Value) -> OutboxEntry {
        self.base = Some(base);
        self
    }

    /// A new contact (cached at once as [`OutboxEntry::local_id`]; see
    /// [`Store::enqueue_create_contact`]).
    pub fn create_contact(input: &ContactInput) -> OutboxEntry {
        Self::new(OutboxKind::CreateContact, None, to_value(input))
    }

    /// `base` is the cached contact the person edited: its values of the
    /// fields `update` sets are kept to detect a change on the server.
    pub fn update_contact(contact_id: &str, update: &ContactUpdate, base: &Contact) -> OutboxEntry {
        let payload = to_value(update);
        let base = base_of(base, &payload);
        Self::new(OutboxKind::UpdateContact, Some(contact_id), payload).with_base(base)
    }

    pub fn delete_contact(contact_id: &str) -> OutboxEntry {
        Self::new(OutboxKind::DeleteContact, Some(contact_id), json!({}))
    }

    pub fn add_tags(contact_id: &str, tags: &[String]) -> OutboxEntry {
        Self::new(
            OutboxKind::AddTags,
            Some(contact_id),
            json!({ "tags": tags }),
        )
    }

    pub fn remove_tags(contact_id: &str, tags: &[String]) -> OutboxEntry {
        Self::new(
            OutboxKind::RemoveTags,
            Some(contact_id),
            json!({ "tags": tags }),
        )
    }

    pub fn create_task(contact_id: &str, task: &TaskInput) -> OutboxEntry {
        Self::new(OutboxKind::CreateTask, Some(contact_id), to_value(task))
    }

    /// `base` is the cached task the person edited.
    pub fn update_task(
        contact_id: &str,
        task_id: &str,
        update: &TaskUpdate,
        base: &Task,
    ) -> OutboxEntry {
        let update = to_value(update);
        let base = base_of(base, &update);
        Self::new(
            OutboxKind::UpdateTask,
            Some(contact_id),
            json!({ "taskId": task_id, "update": update }),
        )
        .with_base(base)
    }

    pub fn set_task_completed(contact_id: &str, task_id: &str, completed: bool) -> OutboxEntry {
        Self::new(
            OutboxKind::SetTaskCompleted,
            Some(contact_id),
            json!({ "taskId": task_id, "completed": completed }),
        )
    }

    pub fn delete_task(contact_id: &str, task_id: &str) -> OutboxEntry {
        Self::new(
            OutboxKind::DeleteTask,
            Some(contact_id),
            json!({ "taskId": task_id }),
        )
    }

    pub fn create_note(contact_id: &str, note: &NoteInput) -> OutboxEntry {
        Self::new(OutboxKind::CreateNote, Some(contact_id), to_value(note))
    }

    /// `base` is the cached note the person edited.
    pub fn update_note(
        contact_id: &str,
        note_id: &str,
        update: &NoteUpdate,
        base: &Note,
    ) -> OutboxEntry {
        let update = to_value(update);
        let base = base_of(base, &update);
        Self::new(
            OutboxKind::UpdateNote,
            Some(contact_id),
            json!({ "noteId": note_id, "update": update }),
        )
        .with_base(base)
    }

    pub fn delete_note(contact_id: &str, note_id: &str) -> OutboxEntry {
        Self::new(
            OutboxKind::DeleteNote,
            Some(contact_id),
            json!({ "noteId": note_id }),
        )
    }

    /// For a create: the id its record has in the cache until it reaches GHL
    /// (`local-<client key>`).
    pub fn local_id(&self) -> Option<String> {
        self.client_key
            .as_deref()
            .filter(|_| self.kind.is_create())
            .map(local::local_id)
    }
}

/// Counts for the header badge and the outbox view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxCounts {
    /// Waiting to be sent (including failed attempts to retry).
    pub pending: u64,
    /// Waiting for the person to choose between their values and the server's.
    pub conflicts: u64,
    /// Refused by GHL; waiting for the person to retry or discard.
    pub rejected: u64,
}

/// The person's choice for one field of a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Choice {
    /// Send my value anyway.
    Mine,
    /// Keep the server's value (my change to this field is dropped).
    Theirs,
}

fn corrupt(message: impl Into<String>) -> Error {
    Error::Corrupt {
        what: "outbox entry",
        message: message.into(),
    }
}

fn json_text(v: &Value) -> String {
    v.to_string()
}

fn parse_json(s: &str) -> Result<Value> {
    serde_json::from_str(s).map_err(|e| corrupt(e.to_string()))
}

const COLUMNS: &str = "seq, kind, contact_id, payload, client_key, base, state, attempts, \
                       last_error, server_value, created_at, updated_at, first_attempt_at";

fn queued(r: &Row<'_>) -> rusqlite::Result<Result<QueuedEdit>> {
    let kind: String = r.get(1)?;
    let payload: String = r.get(3)?;
    let base: Option<String> = r.get(5)?;
    let state: String = r.get(6)?;
    let last_error: Option<String> = r.get(8)?;
    let server_value: Option<String> = r.get(9)?;
    let id: i64 = r.get(0)?;
    let contact_id: Option<String> = r.get(2)?;
    let client_key: Option<String> = r.get(4)?;
    let attempts: i64 = r.get(7)?;
    let created_at: String = r.get(10)?;
    let updated_at: String = r.get(11)?;
    let first_attempt_at: Option<String> = r.get(12)?;
    Ok((|| {
        let kind =
            OutboxKind::parse(&kind).ok_or_else(|| corrupt(format!("unknown kind {kind}")))?;
        let state = match state.as_str() {
            "pending" => OutboxState::Pending,
            "failed" => OutboxState::Failed {
                message: last_error.unwrap_or_default(),
            },
            "conflict" => OutboxState::Conflict {
                server_value: server_value
                    .as_deref()
                    .map(parse_json)
                    .transpose()?
                    .unwrap_or(Value::Null),
            },
            "rejected" => OutboxState::Rejected {
                message: last_error.unwrap_or_default(),
            },
            other => return Err(corrupt(format!("unknown state {other}"))),
        };
        Ok(QueuedEdit {
            id,
            entry: OutboxEntry {
                kind,
                contact_id,
                payload: parse_json(&payload)?,
                client_key,
                base: base.as_deref().map(parse_json).transpose()?,
            },
            state,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            first_attempt_at,
            created_at,
            updated_at,
        })
    })())
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        what: "Outbox entry",
        id: id.to_string(),
    }
}

fn entry_in(conn: &rusqlite::Connection, id: i64) -> Result<Option<QueuedEdit>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?1"))?
        .query_row([id], queued)
        .optional()?
        .transpose()
}

/// After a create's answer is written: the placeholder gives way to the
/// server's record and references to the local id follow it.
fn finish_create_in(tx: &Transaction<'_>, entry: &OutboxEntry, written: Written) -> Result<()> {
    let Some(local) = entry.local_id() else {
        return Ok(());
    };
    let contact_id = entry.contact_id.as_deref().unwrap_or_default();
    match entry.kind {
        OutboxKind::CreateContact => {
            let server = written.contact.ok_or_else(|| {
                invalid("completing a contact create needs the contact GHL created")
            })?;
            local::relink_contact_in(tx, &local, &server)
        }
        OutboxKind::CreateTask => {
            let task = written
                .task
                .ok_or_else(|| invalid("completing a task create needs the task GHL created"))?;
            local::relink_record_in(tx, contact_id, &local, &task)
        }
        OutboxKind::CreateNote => {
            let note = written
                .note
                .ok_or_else(|| invalid("completing a note create needs the note GHL created"))?;
            local::relink_record_in(tx, contact_id, &local, &note)
        }
        _ => Ok(()),
    }
}

impl Store {
    /// Whether `id` is a record created offline that has not reached GHL yet
    /// (show it as "Waiting to send"; it gets its server id on replay).
    pub fn is_local_id(id: &str) -> bool {
        local::is_local(id)
    }

    /// Queues an edit and applies it to the cache, in one transaction;
    /// returns its id. A create needs a `client_key` (one key, one entry:
    /// queuing the same key twice is refused) and gets a placeholder record
    /// `local-<client key>` (see [`OutboxEntry::local_id`]); an update,
    /// deletion or tag change is applied to the cached copy, so lists and
    /// the contact view show it at once. An entry whose payload is not its
    /// kind's format ([`OutboxKind`]) is refused ([`Error::InvalidEntry`]).
    pub fn enqueue(&self, entry: &OutboxEntry) -> Result<i64> {
        local::check(entry)?;
        self.write(|tx| {
            let now = now_rfc3339();
            tx.prepare_cached(
                "INSERT INTO outbox (kind, contact_id, payload, client_key, base, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![
                entry.kind.as_str(),
                entry.contact_id,
                json_text(&entry.payload),
                entry.client_key,
                entry.base.as_ref().map(json_text),
                now
            ])?;
            let id = tx.last_insert_rowid();
            local::apply_in(tx, entry)?;
            Ok(id)
        })
    }

    /// Queues a new contact and caches it as a placeholder, in one
    /// transaction. Returns its local id (use it as the contact id of later
    /// edits: notes, tasks, tags…) and the entry's id.
    pub fn enqueue_create_contact(&self, input: &ContactInput) -> Result<(String, i64)> {
        let entry = OutboxEntry::create_contact(input);
        let local = entry
            .local_id()
            .ok_or_else(|| invalid("a contact create has a client key"))?;
        let id = self.enqueue(&entry)?;
        Ok((local, id))
    }

    /// Every entry not yet completed or discarded, oldest first (failed,
    /// conflicting and rejected ones included, with their state).
    pub fn pending(&self) -> Result<Vec<QueuedEdit>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))?;
            let rows = stmt.query_map([], queued)?;
            rows.map(|r| r?).collect()
        })
    }

    /// The queued entries about one contact, oldest first (e.g. to mark its
    /// view "Waiting to send").
    pub fn pending_for(&self, contact_id: &str) -> Result<Vec<QueuedEdit>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE contact_id = ?1 ORDER BY seq"
            ))?;
            let rows = stmt.query_map([contact_id], queued)?;
            rows.map(|r| r?).collect()
        })
    }

    /// One entry, if still queued.
    pub fn outbox_entry(&self, id: i64) -> Result<Option<QueuedEdit>> {
        self.read(|conn| entry_in(conn, id))
    }

    /// Number of entries that still need something (to be sent, or a
    /// person's choice), for the header badge.
    pub fn pending_count(&self) -> Result<u64> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// The queued entries by what they wait for.
    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        self.read(|conn| {
            let mut counts = OutboxCounts::default();
            let mut stmt =
                conn.prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (state, n) = row?;
                let n = u64::try_from(n).unwrap_or(0);
                match state.as_str() {
                    "conflict" => counts.conflicts += n,
                    "rejected" => counts.rejected += n,
                    _ => counts.pending += n,
                }
            }
            Ok(counts)
        })
    }

    /// The entry reached GHL: stores `answer` and removes the entry in one
    /// transaction, so a crash leaves either both or neither.
    pub fn complete(&self, id: i64, answer: &ServerAnswer) -> Result<()> {
        self.complete_with(id, |w| w.store(answer))
    }

    /// Like [`Store::complete`], with the caller writing the answer through
    /// `write` (e.g. several records) inside the same transaction. If `write`
    /// fails, nothing is stored and the entry stays queued.
    ///
    /// For a create, `write` must store the created record: in the same
    /// transaction it replaces the placeholder, and the contact id (or task
    /// or note id) of later entries and cached records is rewritten from the
    /// local id to the server's.
    pub fn complete_with(
        &self,
        id: i64,
        write: impl FnOnce(&AnswerWriter<'_>) -> Result<()>,
    ) -> Result<()> {
        self.write(|tx| {
            let entry = entry_in(tx, id)?.ok_or_else(|| not_found(id))?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [id])?;
            let writer = AnswerWriter {
                tx,
                written: RefCell::default(),
            };
            write(&writer)?;
            finish_create_in(tx, &entry.entry, writer.written.into_inner())
        })
    }

    /// Records a send attempt, in its own transaction, before the request
    /// goes out: `attempts + 1` and, the first time, `first_attempt_at`.
    /// Returns the entry as it now stands.
    pub fn begin_attempt(&self, id: i64) -> Result<QueuedEdit> {
        self.write(|tx| {
            let now = now_rfc3339();
            let n = tx.execute(
                "UPDATE outbox SET attempts = attempts + 1,
                     first_attempt_at = coalesce(first_attempt_at, ?2), updated_at = ?2
                 WHERE seq = ?1",
                params![id, now],
            )?;
            if n == 0 {
                return Err(not_found(id));
            }
            entry_in(tx, id)?.ok_or_else(|| not_found(id))
        })
    }

    /// The server's copy changed since the entry's `base`: keep the entry,
    /// parked until a person chooses. `server_value` holds the server's
    /// values of the fields in conflict (an object keyed like the payload).
    pub fn mark_conflict(&self, id: i64, server_value: &Value) -> Result<()> {
        self.update_state(id, "conflict", None, Some(json_text(server_value)), false)
    }

    /// The attempt failed (network, 5xx…); the entry stays queued for retry.
    /// Counts an attempt (for callers that do not use
    /// [`Store::begin_attempt`]).
    pub fn mark_failed(&self, id: i64, message: &str) -> Result<()> {
        self.update_state(id, "failed", Some(message.to_owned()), None, true)
    }

    /// Like [`Store::mark_failed`] after [`Store::begin_attempt`] counted it.
    pub(crate) fn note_failure(&self, id: i64, message: &str) -> Result<()> {
        self.update_state(id, "failed", Some(message.to_owned()), None, false)
    }

    /// GHL refused the entry for good (a 4xx): replays skip it until
    /// [`Store::retry`] or [`Store::discard`].
    pub fn mark_rejected(&self, id: i64, message: &str) -> Result<()> {
        self.update_state(id, "rejected", Some(message.to_owned()), None, false)
    }

    /// Queues a rejected or failed entry to be sent again as it is. A
    /// conflict needs [`Store::resolve_conflict_with_choices`] instead.
    pub fn retry(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            let entry = entry_in(tx, id)?.ok_or_else(|| not_found(id))?;
            if matches!(entry.state, OutboxState::Conflict { .. }) {
                return Err(invalid(
                    "a conflict is resolved by choosing values, not retried",
                ));
            }
            tx.execute(
                "UPDATE outbox SET state = 'pending', last_error = NULL, updated_at = ?2
                 WHERE seq = ?1",
                params![id, now_rfc3339()],
            )?;
            Ok(())
        })
    }

    /// The person chose: replace what will be sent (and its base) and queue
    /// it again in its original place.
    pub fn resolve_conflict(&self, id: i64, payload: &Value, base: Option<&Value>) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET payload = ?2, base = ?3, state = 'pending', last_error = NULL,
                     server_value = NULL, updated_at = ?4
                 WHERE seq = ?1",
                params![id, json_text(payload), base.map(json_text), now_rfc3339()],
            )?;
            if n == 0 {
                return Err(not_found(id));
            }
            Ok(())
        })
    }

    /// Resolves a conflict field by field: `choices` names every field of
    /// the entry's `server_value`. [`Choice::Mine`] sends the person's value
    /// (the server's value becomes its base, so it is sent unless the server
    /// changes again); [`Choice::Theirs`] drops the field from what is sent
    /// and puts the server's value in the cache. Returns `true` when the
    /// entry is queued again, `false` when nothing was left to send and it
    /// is done (in the same transaction).
    pub fn resolve_conflict_with_choices(
        &self,
        id: i64,
        choices: &BTreeMap<String, Choice>,
    ) -> Result<bool> {
        self.write(|tx| {
            let queued = entry_in(tx, id)?.ok_or_else(|| not_found(id))?;
            let OutboxState::Conflict { server_value } = &queued.state else {
                return Err(invalid("this edit is not waiting for a choice"));
            };
            let entry = &queued.entry;
            let server = server_value
                .as_object()
                .ok_or_else(|| corrupt("the server's values are not an object"))?;
            let mut fields = local::update_fields(entry)?;
            let mut base = entry
                .base
                .as_ref()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut theirs = Map::new();
            for (field, value) in server {
                match choices.get(field) {
                    None => return Err(invalid(format!("no choice was made for {field}"))),
                    Some(Choice::Mine) => {
                        base.insert(field.clone(), value.clone());
                    }
                    Some(Choice::Theirs) => {
                        fields.remove(field);
                        base.remove(field);
                        theirs.insert(field.clone(), value.clone());
                    }
                }
            }
            let contact_id = entry.contact_id.as_deref().unwrap_or_default();
            let record_id = local::target_id(entry).unwrap_or_default();
            if !theirs.is_empty() {
                match entry.kind {
                    OutboxKind::UpdateContact => local::merge_contact_in(tx, contact_id, &theirs)?,
                    OutboxKind::UpdateTask => {
                        local::merge_record_in::<Task>(tx, contact_id, record_id, &theirs)?
                    }
                    OutboxKind::UpdateNote => {
                        local::merge_record_in::<Note>(tx, contact_id, record_id, &theirs)?
                    }
                    _ => {}
                }
            }
            if fields.is_empty() {
                tx.execute("DELETE FROM outbox WHERE seq = ?1", [id])?;
                return Ok(false);
            }
            let payload = match entry.kind {
                OutboxKind::UpdateContact => Value::Object(fields),
                _ => {
                    let mut p = entry.payload.clone();
                    p["update"] = Value::Object(fields);
                    p
                }
            };
            tx.execute(
                "UPDATE outbox SET payload = ?2, base = ?3, state = 'pending', last_error = NULL,
                     server_value = NULL, updated_at = ?4
                 WHERE seq = ?1",
                params![
                    id,
                    json_text(&payload),
                    json_text(&Value::Object(base)),
                    now_rfc3339()
                ],
            )?;
            Ok(true)
        })
    }

    /// Drops an entry without sending it (the person gave up the edit). For
    /// a create, its placeholder goes too, with the queued entries about the
    /// record it would have made (they could never be sent). An edit applied
    /// to a cached copy stays until the next refresh brings the server's.
    pub fn discard(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            let entry = entry_in(tx, id)?.ok_or_else(|| not_found(id))?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [id])?;
            local::forget_create_in(tx, &entry.entry)?;
            Ok(())
        })
    }

    fn update_state(
        &self,
        id: i64,
        state: &str,
        error: Option<String>,
        server_value: Option<String>,
        attempt: bool,
    ) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET state = ?2, last_error = ?3, server_value = ?4,
                     attempts = attempts + ?5, updated_at = ?6
                 WHERE seq = ?1",
                params![
                    id,
                    state,
                    error,
                    server_value,
                    i64::from(attempt),
                    now_rfc3339()
                ],
            )?;
            if n == 0 {
                return Err(not_found(id));
            }
            Ok(())
        })
    }
}

/// The records an [`AnswerWriter`] stored, to finish a create.
#[derive(Default)]
struct Written {
    contact: Option<String>,
    task: Option<Task>,
    note: Option<Note>,
}

/// Writes inside the transaction of [`Store::complete_with`].
pub struct AnswerWriter<'a> {
    tx: &'a Transaction<'a>,
    written: RefCell<Written>,
}

impl AnswerWriter<'_> {
    pub fn store(&self, answer: &ServerAnswer) -> Result<()> {
        match answer {
            ServerAnswer::Nothing => {}
            ServerAnswer::Contact(c) => self.upsert_contact(c)?,
            ServerAnswer::ContactDeleted { contact_id } => {
                crate::contacts::delete_in(self.tx, std::slice::from_ref(contact_id))?;
            }
            ServerAnswer::Task { contact_id, task } => self.upsert_task(contact_id, task)?,
            ServerAnswer::TaskDeleted {
                contact_id,
                task_id,
            } => {
                delete_one_in::<Task>(self.tx, contact_id, task_id)?;
            }
            ServerAnswer::Note { contact_id, note } => self.upsert_note(contact_id, note)?,
            ServerAnswer::NoteDeleted {
                contact_id,
                note_id,
            } => {
                delete_one_in::<Note>(self.tx, contact_id, note_id)?;
            }
        }
        Ok(())
    }

    pub fn upsert_contact(&self, contact: &Contact) -> Result<()> {
        crate::contacts::upsert_in(self.tx, std::slice::from_ref(contact))?;
        self.written.borrow_mut().contact = Some(contact.id.clone());
        Ok(())
    }

    pub fn upsert_task(&self, contact_id: &str, task: &Task) -> Result<()> {
        upsert_one_in(self.tx, contact_id, task)?;
        self.written.borrow_mut().task = Some(task.clone());
        Ok(())
    }

    pub fn upsert_note(&self, contact_id: &str, note: &Note) -> Result<()> {
        upsert_one_in(self.tx, contact_id, note)?;
        self.written.borrow_mut().note = Some(note.clone());
        Ok(())
    }

    /// Replaces the cached contact's tags with the server's list (the answer
    /// to a tag change).
    pub fn set_contact_tags(&self, contact_id: &str, tags: &[String]) -> Result<()> {
        local::set_tags_in(self.tx, contact_id, tags)
    }
}
