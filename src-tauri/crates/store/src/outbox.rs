//! Edits waiting to reach GHL, in order. An entry leaves the outbox only by
//! [`Store::complete`] (in the same transaction that stores the server's
//! answer) or [`Store::discard`]; failures and conflicts keep it.

use ghl::{Contact, Note, Task};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::related::{delete_one_in, now_rfc3339, upsert_one_in};
use crate::Store;

/// What an outbox entry does when replayed.
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
}

/// A queued entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedEdit {
    /// Order of replay (increasing).
    pub id: i64,
    pub entry: OutboxEntry,
    pub state: OutboxState,
    pub attempts: u32,
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
                       last_error, server_value, created_at, updated_at";

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
            created_at,
            updated_at,
        })
    })())
}

/// Stores `answer` inside `tx`.
fn store_answer(tx: &Transaction<'_>, answer: &ServerAnswer) -> Result<()> {
    match answer {
        ServerAnswer::Nothing => {}
        ServerAnswer::Contact(c) => {
            crate::contacts::upsert_in(tx, std::slice::from_ref(c))?;
        }
        ServerAnswer::ContactDeleted { contact_id } => {
            crate::contacts::delete_in(tx, std::slice::from_ref(contact_id))?;
        }
        ServerAnswer::Task { contact_id, task } => upsert_one_in(tx, contact_id, task)?,
        ServerAnswer::TaskDeleted {
            contact_id,
            task_id,
        } => {
            delete_one_in::<Task>(tx, contact_id, task_id)?;
        }
        ServerAnswer::Note { contact_id, note } => upsert_one_in(tx, contact_id, note)?,
        ServerAnswer::NoteDeleted {
            contact_id,
            note_id,
        } => {
            delete_one_in::<Note>(tx, contact_id, note_id)?;
        }
    }
    Ok(())
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        what: "Outbox entry",
        id: id.to_string(),
    }
}

impl Store {
    /// Queues an edit; returns its id. A create needs a `client_key` (one
    /// key, one entry: queuing the same key twice is refused).
    pub fn enqueue(&self, entry: &OutboxEntry) -> Result<i64> {
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
            Ok(tx.last_insert_rowid())
        })
    }

    /// Every entry not yet completed or discarded, oldest first (failed and
    /// conflicting ones included, with their state).
    pub fn pending(&self) -> Result<Vec<QueuedEdit>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))?;
            let rows = stmt.query_map([], queued)?;
            rows.map(|r| r?).collect()
        })
    }

    /// One entry, if still queued.
    pub fn outbox_entry(&self, id: i64) -> Result<Option<QueuedEdit>> {
        self.read(|conn| {
            conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?1"))?
                .query_row([id], queued)
                .optional()?
                .transpose()
        })
    }

    /// Number of entries still queued (for the header badge).
    pub fn pending_count(&self) -> Result<u64> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
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
    pub fn complete_with(
        &self,
        id: i64,
        write: impl FnOnce(&AnswerWriter<'_>) -> Result<()>,
    ) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute("DELETE FROM outbox WHERE seq = ?1", [id])?;
            if n == 0 {
                return Err(not_found(id));
            }
            write(&AnswerWriter { tx })
        })
    }

    /// The server's copy changed since the entry's `base`: keep the entry,
    /// parked until a person chooses.
    pub fn mark_conflict(&self, id: i64, server_value: &Value) -> Result<()> {
        self.update_state(id, "conflict", None, Some(json_text(server_value)), false)
    }

    /// The attempt failed (network, 5xx…); the entry stays queued for retry.
    pub fn mark_failed(&self, id: i64, message: &str) -> Result<()> {
        self.update_state(id, "failed", Some(message.to_owned()), None, true)
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

    /// Drops an entry without sending it (the person gave up the edit).
    pub fn discard(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute("DELETE FROM outbox WHERE seq = ?1", [id])?;
            if n == 0 {
                return Err(not_found(id));
            }
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

/// Writes inside the transaction of [`Store::complete_with`].
pub struct AnswerWriter<'a> {
    tx: &'a Transaction<'a>,
}

impl AnswerWriter<'_> {
    pub fn store(&self, answer: &ServerAnswer) -> Result<()> {
        store_answer(self.tx, answer)
    }

    pub fn upsert_contact(&self, contact: &Contact) -> Result<()> {
        crate::contacts::upsert_in(self.tx, std::slice::from_ref(contact)).map(|_| ())
    }

    pub fn upsert_task(&self, contact_id: &str, task: &Task) -> Result<()> {
        upsert_one_in(self.tx, contact_id, task)
    }

    pub fn upsert_note(&self, contact_id: &str, note: &Note) -> Result<()> {
        upsert_one_in(self.tx, contact_id, note)
    }
}
