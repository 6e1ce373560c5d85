//! Sending the outbox to GHL, in order, exactly once.
//!
//! [`replay_outbox`] sends the queued entries one at a time in the order
//! they were queued. For each one:
//!
//! 1. The attempt is recorded in its own transaction (`attempts + 1`, and
//!    `first_attempt_at` the first time) before anything is sent, so after a
//!    crash the next replay knows the request may have reached GHL.
//! 2. A create with an earlier attempt is **looked up** before it is sent
//!    again. The entry's client key is its identity in the outbox; GHL has no
//!    field to carry it, so the lookup uses the record's natural key: a note
//!    by its body, dated no earlier than the first attempt minus two minutes
//!    of clock skew; a task by title, due date and body (and the same date
//!    bound when GHL gives the task one); a contact by GHL's duplicate lookup
//!    by email, then phone, else by name among the contacts added since the
//!    first attempt minus two minutes. Found: the entry completes with that
//!    record and nothing is sent.
//! 3. An update with a base is checked against the server's current copy
//!    (fetched first): a field the server changed (server ≠ base) to
//!    something other than the edit (server ≠ edit) is a **conflict**: the
//!    entry is parked with the server's values of those fields
//!    ([`crate::OutboxState::Conflict`]) and nothing is overwritten. The
//!    replay goes on with later entries, except those about the same contact,
//!    which wait behind it. When the server already has every value, the
//!    entry completes without sending.
//! 4. The server's answer is stored and the entry removed in one
//!    transaction ([`crate::Store::complete_with`]). A delete answered "not
//!    found" is done; adding or removing tags is idempotent.
//!
//! Entries about a record created offline (a `local-…` id) wait until its
//! create has completed, which rewrites them to the server's id.
//!
//! Failures: a network error, a timeout, a 5xx or a 429 that outlasted the
//! client's retries stop the replay; the entry stays queued
//! ([`crate::OutboxState::Failed`], retried by the next replay) and the
//! summary says `offline` when GHL could not be reached. Any other 4xx
//! (validation, forbidden, not found on an update) marks the entry
//! [`crate::OutboxState::Rejected`]: replays skip it until the person
//! retries ([`crate::Store::retry`]) or discards it. A 401 (or a sign-in
//! that cannot be renewed) stops the replay with that error and leaves the
//! entry pending.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use ghl::{
    Client, Contact, ContactInput, ContactUpdate, DuplicateQuery, Note, NoteInput, NoteUpdate,
    SearchFilter, SearchRequest, SortDirection, Task, TaskInput, TaskUpdate,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::local;
use crate::outbox::{OutboxEntry, OutboxKind, OutboxState, QueuedEdit, ServerAnswer};
use crate::Store;

/// How far before the first attempt a record found by a lookup may be
/// dated: the clocks of this machine and GHL's servers differ a little.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(2);

/// Pages of recently added contacts read when looking a contact up by name.
const NAME_LOOKUP_PAGES: usize = 20;

/// What a replay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaySummary {
    /// Entries that reached GHL (or were found there) and are done.
    pub sent: u64,
    /// Entries now waiting for the person to choose (all, not only this run's).
    pub conflicts: u64,
    /// Entries now refused by GHL, waiting for a retry or a discard.
    pub rejected: u64,
    /// Entries still to send (e.g. after the replay stopped, or waiting
    /// behind a conflict).
    pub remaining: u64,
    /// The replay stopped because GHL could not be reached.
    pub offline: bool,
}

/// Where the replay of one entry stands, for progress reports (and for
/// tests that stop the process at each point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum ReplayStep {
    /// The attempt is recorded; requests are about to go out.
    Sending { id: i64, kind: OutboxKind },
    /// GHL answered (or the record was found there); not stored yet.
    Answered { id: i64, kind: OutboxKind },
    /// The answer is stored and the entry removed.
    Done { id: i64, kind: OutboxKind },
}

/// Sends the outbox (see the module docs). Call it when the network comes
/// back, after a sign-in, and on the person's "Send now". On cancel it
/// returns [`Error::Cancelled`]; an entry whose request was under way is
/// looked up by the next replay.
pub async fn replay_outbox(
    client: &Client,
    store: &Arc<Store>,
    cancel: CancellationToken,
) -> Result<ReplaySummary> {
    replay_outbox_observed(client, store, cancel, |_| {}).await
}

/// [`replay_outbox`], reporting each step of each entry to `on_step`.
pub async fn replay_outbox_observed(
    client: &Client,
    store: &Arc<Store>,
    cancel: CancellationToken,
    on_step: impl Fn(ReplayStep),
) -> Result<ReplaySummary> {
    let ids: Vec<i64> = blocking(store, Store::pending)
        .await?
        .into_iter()
        .map(|q| q.id)
        .collect();
    let mut summary = ReplaySummary::default();
    // Contacts whose later entries wait behind a conflict.
    let mut held: HashSet<String> = HashSet::new();
    for id in ids {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        // Read again: an earlier completion may have rewritten its ids.
        let Some(queued) = blocking(store, move |s| s.outbox_entry(id)).await? else {
            continue;
        };
        let contact = queued.entry.contact_id.clone();
        if let OutboxState::Conflict { .. } = queued.state {
            held.extend(contact);
            continue;
        }
        if !queued.state.is_sendable() || waits(&queued.entry, &held) {
            continue;
        }
        let queued = blocking(store, move |s| s.begin_attempt(id)).await?;
        let kind = queued.entry.kind;
        on_step(ReplayStep::Sending { id, kind });
        let outcome = tokio::select! {
            () = cancel.cancelled() => return Err(Error::Cancelled),
            o = send(client, &queued) => o,
        };
        match outcome {
            Outcome::Done(answer) => {
                on_step(ReplayStep::Answered { id, kind });
                blocking(store, move |s| {
                    s.complete_with(id, |w| match &answer {
                        Answer::Server(a) => w.store(a),
                        Answer::Tags { contact_id, tags } => w.set_contact_tags(contact_id, tags),
                    })
                })
                .await?;
                on_step(ReplayStep::Done { id, kind });
                summary.sent += 1;
            }
            Outcome::Conflict(server) => {
                tracing::info!(
                    id,
                    kind = kind.as_str(),
                    "outbox entry conflicts with the server's copy"
                );
                blocking(store, move |s| s.mark_conflict(id, &server)).await?;
                held.extend(contact);
            }
            Outcome::Rejected(message) => {
                tracing::warn!(id, kind = kind.as_str(), %message, "GHL refused an outbox entry");
                blocking(store, move |s| s.mark_rejected(id, &message)).await?;
            }
            Outcome::Stop { message, offline } => {
                tracing::warn!(id, kind = kind.as_str(), %message, offline, "outbox replay stopped");
                blocking(store, move |s| s.note_failure(id, &message)).await?;
                summary.offline = offline;
                break;
            }
            Outcome::Fatal(e) => return Err(Error::Api(e)),
        }
    }
    let counts = blocking(store, Store::outbox_counts).await?;
    summary.conflicts = counts.conflicts;
    summary.rejected = counts.rejected;
    summary.remaining = counts.pending;
    Ok(summary)
}

/// Whether `entry` must wait: it is about a record whose offline create has
/// not completed, or about a contact held behind a conflict.
fn waits(entry: &OutboxEntry, held: &HashSet<String>) -> bool {
    let contact = entry.contact_id.as_deref();
    contact.is_some_and(|c| local::is_local(c) || held.contains(c))
        || local::target_id(entry).is_some_and(local::is_local)
}

async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Sqlite(format!("a cache write stopped: {e}")))?
}

/// What to store when an entry is done.
enum Answer {
    Server(ServerAnswer),
    Tags {
        contact_id: String,
        tags: Vec<String>,
    },
}

enum Outcome {
    Done(Answer),
    /// The server's values of the fields in conflict.
    Conflict(Value),
    Rejected(String),
    Stop {
        message: String,
        offline: bool,
    },
    /// Stops the replay with this error (the sign-in is not valid).
    Fatal(ghl::Error),
}

fn done(answer: ServerAnswer) -> Outcome {
    Outcome::Done(Answer::Server(answer))
}

fn is_network(e: &ghl::Error) -> bool {
    match e {
        ghl::Error::Network { .. } | ghl::Error::Timeout => true,
        ghl::Error::OutcomeUnknown { cause, .. } => is_network(cause),
        _ => false,
    }
}

fn failure(e: ghl::Error) -> Outcome {
    match e {
        ghl::Error::Unauthorized { .. } | ghl::Error::ReauthRequired { .. } => Outcome::Fatal(e),
        ghl::Error::Config { .. } => Outcome::Fatal(e),
        ghl::Error::Validation { .. }
        | ghl::Error::InvalidInput { .. }
        | ghl::Error::Forbidden { .. }
        | ghl::Error::NotFound { .. } => Outcome::Rejected(e.to_string()),
        ghl::Error::Api { status, .. } if (400..500).contains(&status) && status != 408 => {
            Outcome::Rejected(e.to_string())
        }
        // Network trouble, 5xx, 429, an unknown outcome or an unreadable
        // answer: try again later (a create is looked up first).
        e => Outcome::Stop {
            offline: is_network(&e),
            message: e.to_string(),
        },
    }
}

/// A payload that does not read as its kind's format: the entry is
/// rejected with this message.
fn parse<T: DeserializeOwned>(v: &Value) -> std::result::Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("The queued edit is not readable: {e}"))
}

/// The value, or the entry is rejected with the message.
macro_rules! attempt {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(message) => return Outcome::Rejected(message),
        }
    };
}

/// The earliest time a record made by this entry's first attempt can carry.
fn lookup_since(q: &QueuedEdit) -> Option<OffsetDateTime> {
    let at = q.first_attempt_at.as_deref().unwrap_or(&q.created_at);
    ghl::datetime::parse_ghl_datetime(at).map(|t| t - CLOCK_SKEW)
}

/// Whether an earlier attempt may have created the record.
fn tried_before(q: &QueuedEdit) -> bool {
    q.attempts > 1
}

async fn send(client: &Client, q: &QueuedEdit) -> Outcome {
    let entry = &q.entry;
    let contact_id = entry.contact_id.as_deref().unwrap_or_default();
    let target = local::target_id(entry).unwrap_or_default();
    match entry.kind {
        OutboxKind::CreateContact => {
            let input: ContactInput = attempt!(parse(&entry.payload));
            if tried_before(q) {
                match find_contact(client, &input, lookup_since(q)).await {
                    Ok(Some(found)) => return done(ServerAnswer::Contact(Box::new(found))),
                    Ok(None) => {}
                    Err(e) => return failure(e),
                }
            }
            match client.create_contact(&input).await {
                Ok(c) => done(ServerAnswer::Contact(Box::new(c))),
                Err(e) => failure(e),
            }
        }
        OutboxKind::UpdateContact => {
            let fields = attempt!(update_fields(entry));
            let server = match client.get_contact(contact_id).await {
                Ok(c) => c,
                Err(e) => return failure(e),
            };
            match three_way(&fields, entry.base.as_ref(), &to_map(&server)) {
                Verdict::Conflict(v) => Outcome::Conflict(v),
                Verdict::AlreadyThere => done(ServerAnswer::Contact(Box::new(server))),
                Verdict::Send => {
                    let update: ContactUpdate = attempt!(parse(&entry.payload));
                    match client.update_contact(contact_id, &update).await {
                        Ok(c) => done(ServerAnswer::Contact(Box::new(c))),
                        Err(e) => failure(e),
                    }
                }
            }
        }
        OutboxKind::DeleteContact => match client.delete_contact(contact_id).await {
            Ok(()) | Err(ghl::Error::NotFound { .. }) => done(ServerAnswer::ContactDeleted {
                contact_id: contact_id.to_owned(),
            }),
            Err(e) => failure(e),
        },
        OutboxKind::AddTags | OutboxKind::RemoveTags => {
            let tags: Vec<String> = attempt!(parse(&entry.payload["tags"]));
            let answer = if entry.kind == OutboxKind::AddTags {
                client.add_tags(contact_id, &tags).await
            } else {
                client.remove_tags(contact_id, &tags).await
            };
            match answer {
                Ok(tags) => Outcome::Done(Answer::Tags {
                    contact_id: contact_id.to_owned(),
                    tags,
                }),
                Err(e) => failure(e),
            }
        }
        OutboxKind::CreateTask => {
            let input: TaskInput = attempt!(parse(&entry.payload));
            if tried_before(q) {
                match client.contact_tasks(contact_id).await {
                    Ok(tasks) => {
                        if let Some(task) = find_task(&tasks, &input, lookup_since(q)) {
                            return done(ServerAnswer::Task {
                                contact_id: contact_id.to_owned(),
                                task: task.clone(),
                            });
                        }
                    }
                    Err(e) => return failure(e),
                }
            }
            match client.create_task(contact_id, &input).await {
                Ok(task) => done(ServerAnswer::Task {
                    contact_id: contact_id.to_owned(),
                    task,
                }),
                Err(e) => failure(e),
            }
        }
        OutboxKind::UpdateTask => {
            let fields = attempt!(update_fields(entry));
            let server = match client.get_task(contact_id, target).await {
                Ok(t) => t,
                Err(e) => return failure(e),
            };
            match three_way(&fields, entry.base.as_ref(), &to_map(&server)) {
                Verdict::Conflict(v) => Outcome::Conflict(v),
                Verdict::AlreadyThere => done(ServerAnswer::Task {
                    contact_id: contact_id.to_owned(),
                    task: server,
                }),
                Verdict::Send => {
                    let update: TaskUpdate = attempt!(parse(&entry.payload["update"]));
                    match client.update_task(contact_id, target, &update).await {
                        Ok(task) => done(ServerAnswer::Task {
                            contact_id: contact_id.to_owned(),
                            task,
                        }),
                        Err(e) => failure(e),
                    }
                }
            }
        }
        OutboxKind::SetTaskCompleted => {
            let completed = entry.payload["completed"].as_bool().unwrap_or_default();
            match client
                .set_task_completed(contact_id, target, completed)
                .await
            {
                Ok(task) => done(ServerAnswer::Task {
                    contact_id: contact_id.to_owned(),
                    task,
                }),
                Err(e) => failure(e),
            }
        }
        OutboxKind::DeleteTask => match client.delete_task(contact_id, target).await {
            Ok(()) | Err(ghl::Error::NotFound { .. }) => done(ServerAnswer::TaskDeleted {
                contact_id: contact_id.to_owned(),
                task_id: target.to_owned(),
            }),
            Err(e) => failure(e),
        },
        OutboxKind::CreateNote => {
            let input: NoteInput = attempt!(parse(&entry.payload));
            if tried_before(q) {
                match client.contact_notes(contact_id).await {
                    Ok(notes) => {
                        if let Some(note) = find_note(&notes, &input, lookup_since(q)) {
                            return done(ServerAnswer::Note {
                                contact_id: contact_id.to_owned(),
                                note: note.clone(),
                            });
                        }
                    }
                    Err(e) => return failure(e),
                }
            }
            match client.create_note(contact_id, &input).await {
                Ok(note) => done(ServerAnswer::Note {
                    contact_id: contact_id.to_owned(),
                    note,
                }),
                Err(e) => failure(e),
            }
        }
        OutboxKind::UpdateNote => {
            let fields = attempt!(update_fields(entry));
            let server = match client.get_note(contact_id, target).await {
                Ok(n) => n,
                Err(e) => return failure(e),
            };
            match three_way(&fields, entry.base.as_ref(), &to_map(&server)) {
                Verdict::Conflict(v) => Outcome::Conflict(v),
                Verdict::AlreadyThere => done(ServerAnswer::Note {
                    contact_id: contact_id.to_owned(),
                    note: server,
                }),
                Verdict::Send => {
                    let update: NoteUpdate = attempt!(parse(&entry.payload["update"]));
                    match client.update_note(contact_id, target, &update).await {
                        Ok(note) => done(ServerAnswer::Note {
                            contact_id: contact_id.to_owned(),
                            note,
                        }),
                        Err(e) => failure(e),
                    }
                }
            }
        }
        OutboxKind::DeleteNote => match client.delete_note(contact_id, target).await {
            Ok(()) | Err(ghl::Error::NotFound { .. }) => done(ServerAnswer::NoteDeleted {
                contact_id: contact_id.to_owned(),
                note_id: target.to_owned(),
            }),
            Err(e) => failure(e),
        },
    }
}

fn update_fields(entry: &OutboxEntry) -> std::result::Result<Map<String, Value>, String> {
    local::update_fields(entry).map_err(|e| e.to_string())
}

fn to_map<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// Text compared the way a person reads it: trimmed, runs of white space as
/// one space, case folded.
fn folded(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn opt_folded(s: Option<&str>) -> String {
    s.map(folded).unwrap_or_default()
}

/// `at` is no earlier than `since` (unknown bound: anything goes).
fn dated_since(at: Option<&str>, since: Option<OffsetDateTime>) -> bool {
    match (at.and_then(ghl::datetime::parse_ghl_datetime), since) {
        (Some(at), Some(since)) => at >= since,
        (None, Some(_)) => false,
        (_, None) => true,
    }
}

fn same_instant(a: Option<&str>, b: Option<&str>) -> bool {
    let parse = |s: Option<&str>| s.and_then(ghl::datetime::parse_ghl_datetime);
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => opt_folded(a) == opt_folded(b),
    }
}

/// The note an earlier attempt of `input` created: same body, dated since
/// the first attempt (a note without a date cannot be told from an older
/// one with the same text, so it does not match). The earliest wins.
fn find_note<'n>(
    notes: &'n [Note],
    input: &NoteInput,
    since: Option<OffsetDateTime>,
) -> Option<&'n Note> {
    let body = folded(&input.body);
    notes
        .iter()
        .filter(|n| opt_folded(n.body.as_deref()) == body)
        .filter(|n| since.is_some() && dated_since(n.date_added.as_deref(), since))
        .min_by_key(|n| {
            n.date_added
                .as_deref()
                .and_then(ghl::datetime::parse_ghl_datetime)
        })
}

/// The task an earlier attempt of `input` created: same title, due date
/// and body (and dated since the first attempt when GHL dates tasks).
fn find_task<'t>(
    tasks: &'t [Task],
    input: &TaskInput,
    since: Option<OffsetDateTime>,
) -> Option<&'t Task> {
    tasks.iter().find(|t| {
        opt_folded(t.title.as_deref()) == folded(&input.title)
            && opt_folded(t.body.as_deref()) == opt_folded(input.body.as_deref())
            && same_instant(t.due_date.as_deref(), Some(&input.due_date))
            && t.extra
                .get("dateAdded")
                .and_then(Value::as_str)
                .is_none_or(|at| dated_since(Some(at), since))
    })
}

/// Whether a contact has the name `input` gave.
fn same_name(
    input: &ContactInput,
    first: Option<&str>,
    last: Option<&str>,
    full: Option<&str>,
) -> bool {
    let given_parts = input.first_name.is_some() || input.last_name.is_some();
    if given_parts {
        return opt_folded(input.first_name.as_deref()) == opt_folded(first)
            && opt_folded(input.last_name.as_deref()) == opt_folded(last);
    }
    let Some(name) = input.name.as_deref().map(folded).filter(|n| !n.is_empty()) else {
        return false;
    };
    let joined = folded(&format!(
        "{} {}",
        first.unwrap_or_default(),
        last.unwrap_or_default()
    ));
    name == joined || full.map(folded).is_some_and(|f| f == name)
}

/// The contact an earlier attempt of `input` created: GHL's duplicate
/// lookup by email, then by phone, else a contact with the same name added
/// since the first attempt.
async fn find_contact(
    client: &Client,
    input: &ContactInput,
    since: Option<OffsetDateTime>,
) -> std::result::Result<Option<Contact>, ghl::Error> {
    let keys = [
        input.email.clone().map(DuplicateQuery::Email),
        input.phone.clone().map(DuplicateQuery::Phone),
    ];
    for key in keys.into_iter().flatten() {
        match client.find_duplicate(key).await {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            // A value GHL would not have accepted either: nothing to find.
            Err(ghl::Error::InvalidInput { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let Some(since) = since else {
        return Ok(None);
    };
    let named = [&input.first_name, &input.last_name, &input.name]
        .iter()
        .any(|n| n.as_deref().is_some_and(|n| !n.trim().is_empty()));
    if !named {
        return Ok(None);
    }
    let since_ms = i64::try_from(since.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let mut request = SearchRequest::new()
        .with_page_limit(100)
        .sorted_by("dateAdded", SortDirection::Asc)
        .with_filter(SearchFilter::new(
            "dateAdded",
            "range",
            json!({ "gte": since_ms }),
        ));
    for _ in 0..NAME_LOOKUP_PAGES {
        let page = client.search_contacts(&request).await?;
        let hit = page.contacts.iter().find(|c| {
            same_name(
                input,
                c.first_name.as_deref(),
                c.last_name.as_deref(),
                c.contact_name.as_deref(),
            )
        });
        if let Some(hit) = hit {
            return client.get_contact(&hit.id).await.map(Some);
        }
        match request.next_page(&page) {
            Some(next) => request = next,
            None => break,
        }
    }
    Ok(None)
}

/// The three-way comparison of an update with the server's copy.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Send it.
    Send,
    /// The server already has every value: done without sending.
    AlreadyThere,
    /// The server changed these fields to other values (server's values).
    Conflict(Value),
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A field's value as a comparison sees it: blank, `false` and empty lists
/// are "no value"; e-mail case, phone punctuation, date spelling, tag order
/// and case do not count; custom fields become `{id or key: value}`.
fn normal(field: &str, v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Value::Null;
            }
            match field {
                "email" => Value::from(t.to_lowercase()),
                "phone" => Value::from(digits(t)),
                "dueDate" | "dateOfBirth" => ghl::datetime::parse_ghl_datetime(t)
                    .map(|d| Value::from(d.unix_timestamp()))
                    .unwrap_or_else(|| Value::from(t)),
                _ => Value::from(t),
            }
        }
        Value::Bool(false) => Value::Null,
        Value::Array(a) if a.is_empty() => Value::Null,
        Value::Array(a) if field == "tags" => {
            let tags: BTreeSet<String> = a
                .iter()
                .filter_map(Value::as_str)
                .map(folded)
                .filter(|t| !t.is_empty())
                .collect();
            Value::from(tags.into_iter().collect::<Vec<_>>())
        }
        Value::Array(a) if field == "customFields" => {
            let map: Map<String, Value> = a
                .iter()
                .filter_map(|f| {
                    let key = f
                        .get("id")
                        .or_else(|| f.get("key"))
                        .and_then(Value::as_str)?;
                    let value = f.get("field_value").or_else(|| f.get("value"))?;
                    Some((key.to_owned(), normal("", value)))
                })
                .collect();
            Value::Object(map)
        }
        other => other.clone(),
    }
}

/// Equal as far as a person is concerned. Phone numbers match when one is
/// the other with a country code in front.
fn same(field: &str, a: &Value, b: &Value) -> bool {
    if let ("phone", Value::String(a), Value::String(b)) = (field, a, b) {
        let shorter = a.len().min(b.len());
        return a == b || (shorter >= 7 && (a.ends_with(b.as_str()) || b.ends_with(a.as_str())));
    }
    a == b
}

/// Custom fields are compared on the fields the edit sets only.
fn projected(field: &str, v: &Value, keys: &Value) -> Value {
    match (field, v, keys) {
        ("customFields", Value::Object(m), Value::Object(k)) => Value::Object(
            k.keys()
                .map(|key| (key.clone(), m.get(key).cloned().unwrap_or(Value::Null)))
                .collect(),
        ),
        ("customFields", Value::Null, Value::Object(k)) => {
            Value::Object(k.keys().map(|key| (key.clone(), Value::Null)).collect())
        }
        _ => v.clone(),
    }
}

fn three_way(
    fields: &Map<String, Value>,
    base: Option<&Value>,
    server: &Map<String, Value>,
) -> Verdict {
    let base = base.and_then(Value::as_object);
    let mut conflicts = Map::new();
    let mut all_there = true;
    for (field, mine) in fields {
        let mine_n = normal(field, mine);
        let server_raw = server.get(field).cloned().unwrap_or(Value::Null);
        let server_n = projected(field, &normal(field, &server_raw), &mine_n);
        if same(field, &server_n, &mine_n) {
            continue;
        }
        all_there = false;
        // A field without a base value cannot tell a server change apart.
        let Some(base_raw) = base.and_then(|b| b.get(field)) else {
            continue;
        };
        let base_n = projected(field, &normal(field, base_raw), &mine_n);
        if !same(field, &server_n, &base_n) {
            conflicts.insert(field.clone(), server_raw);
        }
    }
    if !conflicts.is_empty() {
        Verdict::Conflict(Value::Object(conflicts))
    } else if all_there {
        Verdict::AlreadyThere
    } else {
        Verdict::Send
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn three_way_tells_conflicts_from_edits_and_no_ops() {
        let mine = map(json!({"firstName": "Ann", "phone": "(303) 555-0142"}));
        let base = json!({"firstName": "Anne", "phone": "+13035550100"});
        // Server unchanged: send.
        let server = map(json!({"firstName": "Anne", "phone": "+13035550100"}));
        assert_eq!(three_way(&mine, Some(&base), &server), Verdict::Send);
        // Server already has the edit (phone spelt in E.164): nothing to send.
        let server = map(json!({"firstName": " Ann ", "phone": "+13035550142"}));
        assert_eq!(
            three_way(&mine, Some(&base), &server),
            Verdict::AlreadyThere
        );
        // Server changed the name to something else: conflict on that field only.
        let server = map(json!({"firstName": "Annie", "phone": "+13035550100", "city": "X"}));
        assert_eq!(
            three_way(&mine, Some(&base), &server),
            Verdict::Conflict(json!({"firstName": "Annie"}))
        );
        // No base: never a conflict.
        assert_eq!(three_way(&mine, None, &server), Verdict::Send);
    }

    #[test]
    fn three_way_compares_tags_dates_and_custom_fields_by_meaning() {
        let mine = map(json!({
            "tags": ["VIP", "hvac"],
            "dueDate": "2024-05-01T10:00:00Z",
            "customFields": [{"id": "cf1", "field_value": "x"}],
            "completed": false,
        }));
        let server = map(json!({
            "tags": ["hvac", "vip"],
            "dueDate": "2024-05-01T10:00:00.000Z",
            "customFields": [{"id": "cf1", "value": "x"}, {"id": "cf2", "value": "other"}],
        }));
        assert_eq!(three_way(&mine, None, &server), Verdict::AlreadyThere);
        let base =
            json!({"customFields": [{"id": "cf1", "value": "w"}, {"id": "cf2", "value": "old"}]});
        let server = map(
            json!({"customFields": [{"id": "cf1", "value": "w"}, {"id": "cf2", "value": "new"}]}),
        );
        let only_cf = map(json!({"customFields": [{"id": "cf1", "field_value": "x"}]}));
        // cf2 changed on the server, but the edit does not touch it.
        assert_eq!(three_way(&only_cf, Some(&base), &server), Verdict::Send);
    }

    #[test]
    fn lookups_match_the_natural_key_within_the_time_window() {
        let since = ghl::datetime::parse_ghl_datetime("2024-05-01T10:00:00Z");
        let note = |id: &str, body: &str, at: Option<&str>| -> Note {
            serde_json::from_value(json!({"id": id, "body": body, "dateAdded": at})).unwrap()
        };
        let notes = [
            note("old", "Left voicemail", Some("2024-04-01T00:00:00Z")),
            note("undated", "Left voicemail", None),
            note("new", "left  voicemail ", Some("2024-05-01T10:00:05Z")),
        ];
        let input = NoteInput::new("Left voicemail");
        assert_eq!(
            find_note(&notes, &input, since).map(|n| n.id.as_str()),
            Some("new")
        );
        assert!(find_note(&notes[..2], &input, since).is_none());

        let task: Task = serde_json::from_value(json!({
            "id": "t1", "title": "Call back", "body": "", "dueDate": "2024-05-02T09:00:00.000Z"
        }))
        .unwrap();
        let mut input = TaskInput {
            title: "Call back".into(),
            body: None,
            due_date: "2024-05-02T09:00:00Z".into(),
            completed: false,
            assigned_to: None,
        };
        assert!(find_task(std::slice::from_ref(&task), &input, since).is_some());
        input.due_date = "2024-05-03T09:00:00Z".into();
        assert!(find_task(std::slice::from_ref(&task), &input, since).is_none());
    }

    #[test]
    fn names_match_by_parts_or_whole() {
        let by_parts = ContactInput {
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            ..ContactInput::default()
        };
        assert!(same_name(&by_parts, Some("ada"), Some("LOVELACE"), None));
        assert!(!same_name(&by_parts, Some("Ada"), None, None));
        let whole = ContactInput {
            name: Some("Ada  Lovelace".into()),
            ..ContactInput::default()
        };
        assert!(same_name(&whole, Some("Ada"), Some("Lovelace"), None));
        assert!(!same_name(
            &ContactInput::default(),
            Some("Ada"),
            None,
            None
        ));
    }
}
