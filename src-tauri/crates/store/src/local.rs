//! What a queued edit does to the cache before it reaches GHL, and how its
//! stand-ins are swapped for the server's records once it does.
//!
//! A record created offline gets the id `local-<client key>` (a placeholder
//! contact, task or note), so lists, search and the contact view show it at
//! once. Edits, deletions and tag changes are applied to the cached copy in
//! the transaction that queues them. When a create completes, the same
//! transaction that removes its entry replaces the placeholder with the
//! server's record and rewrites every reference to the local id (queued
//! entries, and for a contact its cached tasks, notes and appointments).

use ghl::{Contact, Note, Task};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::outbox::{OutboxEntry, OutboxKind};
use crate::related::{delete_one_in, now_rfc3339, upsert_one_in, RelatedRecord};

/// Ids of records created offline start with this.
pub const LOCAL_ID_PREFIX: &str = "local-";

/// The cache id of the record an offline create makes.
pub(crate) fn local_id(client_key: &str) -> String {
    format!("{LOCAL_ID_PREFIX}{client_key}")
}

pub(crate) fn is_local(id: &str) -> bool {
    id.starts_with(LOCAL_ID_PREFIX)
}

pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidEntry(message.into())
}

fn object(v: &Value, what: &str) -> Result<Map<String, Value>> {
    v.as_object()
        .cloned()
        .ok_or_else(|| invalid(format!("{what} is not a JSON object")))
}

/// The record id a task or note entry is about (`taskId` / `noteId`).
pub(crate) fn target_id(entry: &OutboxEntry) -> Option<&str> {
    let key = match entry.kind {
        OutboxKind::UpdateTask | OutboxKind::SetTaskCompleted | OutboxKind::DeleteTask => "taskId",
        OutboxKind::UpdateNote | OutboxKind::DeleteNote => "noteId",
        _ => return None,
    };
    entry.payload.get(key).and_then(Value::as_str)
}

/// The fields an update entry changes (`payload` for a contact, its
/// `update` for a task or note).
pub(crate) fn update_fields(entry: &OutboxEntry) -> Result<Map<String, Value>> {
    match entry.kind {
        OutboxKind::UpdateContact => object(&entry.payload, "the contact update"),
        OutboxKind::UpdateTask | OutboxKind::UpdateNote => object(
            entry.payload.get("update").unwrap_or(&Value::Null),
            "the update",
        ),
        other => Err(invalid(format!("{} is not an update", other.as_str()))),
    }
}

fn tags_of(entry: &OutboxEntry) -> Result<Vec<String>> {
    entry
        .payload
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("a tag change needs {\"tags\": [..]} with at least one tag"))
}

/// Checks that `entry` has what its kind needs, before anything is stored.
pub(crate) fn check(entry: &OutboxEntry) -> Result<()> {
    let kind = entry.kind;
    if kind.is_create() && entry.client_key.as_deref().is_none_or(str::is_empty) {
        return Err(invalid(format!("{} needs a client key", kind.as_str())));
    }
    if kind != OutboxKind::CreateContact && entry.contact_id.as_deref().is_none_or(str::is_empty) {
        return Err(invalid(format!("{} needs a contact id", kind.as_str())));
    }
    let need = |key: &str| {
        entry
            .payload
            .get(key)
            .filter(|v| !v.is_null())
            .map(|_| ())
            .ok_or_else(|| invalid(format!("{} needs `{key}` in its payload", kind.as_str())))
    };
    match kind {
        OutboxKind::CreateContact => {
            serde_json::from_value::<ghl::ContactInput>(entry.payload.clone())
                .map_err(|e| invalid(format!("not a contact: {e}")))?;
        }
        OutboxKind::UpdateContact => {
            serde_json::from_value::<ghl::ContactUpdate>(entry.payload.clone())
                .map_err(|e| invalid(format!("not a contact update: {e}")))?;
        }
        OutboxKind::AddTags | OutboxKind::RemoveTags => {
            tags_of(entry)?;
        }
        OutboxKind::CreateTask => {
            serde_json::from_value::<ghl::TaskInput>(entry.payload.clone())
                .map_err(|e| invalid(format!("not a task: {e}")))?;
        }
        OutboxKind::UpdateTask => {
            need("taskId")?;
            serde_json::from_value::<ghl::TaskUpdate>(entry.payload["update"].clone())
                .map_err(|e| invalid(format!("not a task update: {e}")))?;
        }
        OutboxKind::SetTaskCompleted => {
            need("taskId")?;
            if !entry.payload["completed"].is_boolean() {
                return Err(invalid("set_task_completed needs `completed: bool`"));
            }
        }
        OutboxKind::DeleteTask => need("taskId")?,
        OutboxKind::CreateNote => {
            serde_json::from_value::<ghl::NoteInput>(entry.payload.clone())
                .map_err(|e| invalid(format!("not a note: {e}")))?;
        }
        OutboxKind::UpdateNote => {
            need("noteId")?;
            serde_json::from_value::<ghl::NoteUpdate>(entry.payload["update"].clone())
                .map_err(|e| invalid(format!("not a note update: {e}")))?;
        }
        OutboxKind::DeleteNote => need("noteId")?,
        OutboxKind::DeleteContact => {}
    }
    Ok(())
}

fn corrupt(what: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        what,
        message: e.to_string(),
    }
}

fn contact_json_in(tx: &Transaction<'_>, contact_id: &str) -> Result<Option<Value>> {
    let json: Option<String> = tx
        .prepare_cached(
            "SELECT j.json FROM contacts c JOIN contact_json j ON j.rid = c.rid WHERE c.id = ?1",
        )?
        .query_row([contact_id], |r| r.get(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt("contact", e)))
        .transpose()
}

fn write_contact_json(tx: &Transaction<'_>, json: Value) -> Result<()> {
    let contact: Contact = serde_json::from_value(json).map_err(|e| corrupt("contact", e))?;
    crate::contacts::upsert_in(tx, std::slice::from_ref(&contact)).map(|_| ())
}

/// `customFields` as an update sends them (`{id|key, field_value}`) merged
/// into the cached ones (`{id, value}`); fields named by key only cannot be
/// matched to a cached id and wait for the server's copy.
fn merge_custom_fields(cached: Option<&Value>, update: &Value) -> Value {
    let mut fields: Vec<Value> = cached
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for f in update.as_array().into_iter().flatten() {
        let Some(id) = f.get("id").and_then(Value::as_str) else {
            continue;
        };
        // `field_value` from an update, `value` from a server copy.
        let value = f
            .get("field_value")
            .or_else(|| f.get("value"))
            .cloned()
            .unwrap_or(Value::Null);
        match fields
            .iter_mut()
            .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
        {
            Some(c) => c["value"] = value,
            None => fields.push(serde_json::json!({ "id": id, "value": value })),
        }
    }
    Value::Array(fields)
}

/// Applies contact fields (a `ContactUpdate`'s keys) to the cached contact.
pub(crate) fn merge_contact_in(
    tx: &Transaction<'_>,
    contact_id: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let Some(mut json) = contact_json_in(tx, contact_id)? else {
        return Ok(());
    };
    let Some(map) = json.as_object_mut() else {
        return Err(corrupt("contact", "not an object"));
    };
    // GHL derives the full name from the parts; a stale one would hide the edit.
    if (fields.contains_key("firstName") || fields.contains_key("lastName"))
        && !fields.contains_key("name")
    {
        map.remove("name");
    }
    for (k, v) in fields {
        let v = match (k.as_str(), v) {
            ("customFields", v) => merge_custom_fields(map.get("customFields"), v),
            ("email" | "phone", Value::String(s)) if s.trim().is_empty() => Value::Null,
            _ => v.clone(),
        };
        map.insert(k.clone(), v);
    }
    write_contact_json(tx, json)
}

/// Adds or removes tags on the cached contact (case-insensitively, as GHL).
fn change_tags_in(
    tx: &Transaction<'_>,
    contact_id: &str,
    tags: &[String],
    add: bool,
) -> Result<()> {
    let Some(mut json) = contact_json_in(tx, contact_id)? else {
        return Ok(());
    };
    let mut current: Vec<String> = json
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for tag in tags {
        let pos = current.iter().position(|t| t.eq_ignore_ascii_case(tag));
        match (add, pos) {
            (true, None) => current.push(tag.clone()),
            (false, Some(i)) => {
                current.remove(i);
            }
            _ => {}
        }
    }
    json["tags"] = Value::from(current);
    write_contact_json(tx, json)
}

/// Replaces the cached contact's tags with the server's list.
pub(crate) fn set_tags_in(tx: &Transaction<'_>, contact_id: &str, tags: &[String]) -> Result<()> {
    let Some(mut json) = contact_json_in(tx, contact_id)? else {
        return Ok(());
    };
    json["tags"] = Value::from(tags.to_vec());
    write_contact_json(tx, json)
}

fn record_json_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    id: &str,
) -> Result<Option<Value>> {
    let json: Option<String> = tx
        .prepare_cached(&format!(
            "SELECT json FROM {} WHERE contact_id = ?1 AND id = ?2",
            T::TABLE
        ))?
        .query_row(params![contact_id, id], |r| r.get(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt(T::WHAT, e)))
        .transpose()
}

/// Applies fields to a cached task or note (absent: nothing to show).
pub(crate) fn merge_record_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    id: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let Some(mut json) = record_json_in::<T>(tx, contact_id, id)? else {
        return Ok(());
    };
    let Some(map) = json.as_object_mut() else {
        return Err(corrupt(T::WHAT, "not an object"));
    };
    for (k, v) in fields {
        map.insert(k.clone(), v.clone());
    }
    let record: T = serde_json::from_value(json).map_err(|e| corrupt(T::WHAT, e))?;
    upsert_one_in(tx, contact_id, &record)
}

/// A cached list that holds only offline-created records has never been
/// fetched: it is marked fetched at the Unix epoch, so it reads back (with
/// the placeholders) and any freshness check sees it as stale.
fn ensure_listed(tx: &Transaction<'_>, contact_id: &str, table: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO related_fetched (contact_id, kind, fetched_at)
         VALUES (?1, ?2, '1970-01-01T00:00:00Z')",
    )?
    .execute(params![contact_id, table])?;
    Ok(())
}

fn placeholder_contact(local: &str, payload: &Value) -> Result<Contact> {
    let mut map = object(payload, "the contact")?;
    // Write-only keys, or in a shape the read model does not have.
    for key in ["customFields", "createNewIfDuplicateAllowed", "locationId"] {
        map.remove(key);
    }
    let now = now_rfc3339();
    map.insert("id".into(), Value::from(local));
    map.insert("dateAdded".into(), Value::from(now.clone()));
    map.insert("dateUpdated".into(), Value::from(now));
    serde_json::from_value(Value::Object(map)).map_err(|e| invalid(format!("not a contact: {e}")))
}

fn placeholder<T: RelatedRecord>(local: &str, contact_id: &str, payload: &Value) -> Result<T> {
    let mut map = object(payload, T::WHAT)?;
    map.insert("id".into(), Value::from(local));
    map.insert("contactId".into(), Value::from(contact_id));
    map.entry("dateAdded")
        .or_insert_with(|| Value::from(now_rfc3339()));
    serde_json::from_value(Value::Object(map))
        .map_err(|e| invalid(format!("not a {}: {e}", T::WHAT)))
}

/// The cache effect of queuing `entry`, inside the enqueue transaction.
pub(crate) fn apply_in(tx: &Transaction<'_>, entry: &OutboxEntry) -> Result<()> {
    let contact_id = entry.contact_id.as_deref().unwrap_or_default();
    let key = entry.client_key.as_deref().unwrap_or_default();
    match entry.kind {
        OutboxKind::CreateContact => {
            let contact = placeholder_contact(&local_id(key), &entry.payload)?;
            crate::contacts::upsert_in(tx, std::slice::from_ref(&contact))?;
        }
        OutboxKind::UpdateContact => {
            merge_contact_in(tx, contact_id, &update_fields(entry)?)?;
        }
        OutboxKind::DeleteContact => {
            crate::contacts::delete_in(tx, &[contact_id.to_owned()])?;
        }
        OutboxKind::AddTags => change_tags_in(tx, contact_id, &tags_of(entry)?, true)?,
        OutboxKind::RemoveTags => change_tags_in(tx, contact_id, &tags_of(entry)?, false)?,
        OutboxKind::CreateTask => {
            let task: Task = placeholder(&local_id(key), contact_id, &entry.payload)?;
            upsert_one_in(tx, contact_id, &task)?;
            ensure_listed(tx, contact_id, Task::TABLE)?;
        }
        OutboxKind::UpdateTask => {
            let id = target_id(entry).unwrap_or_default();
            merge_record_in::<Task>(tx, contact_id, id, &update_fields(entry)?)?;
        }
        OutboxKind::SetTaskCompleted => {
            let id = target_id(entry).unwrap_or_default();
            let mut fields = Map::new();
            fields.insert("completed".into(), entry.payload["completed"].clone());
            merge_record_in::<Task>(tx, contact_id, id, &fields)?;
        }
        OutboxKind::DeleteTask => {
            delete_one_in::<Task>(tx, contact_id, target_id(entry).unwrap_or_default())?;
        }
        OutboxKind::CreateNote => {
            let note: Note = placeholder(&local_id(key), contact_id, &entry.payload)?;
            upsert_one_in(tx, contact_id, &note)?;
            ensure_listed(tx, contact_id, Note::TABLE)?;
        }
        OutboxKind::UpdateNote => {
            let id = target_id(entry).unwrap_or_default();
            merge_record_in::<Note>(tx, contact_id, id, &update_fields(entry)?)?;
        }
        OutboxKind::DeleteNote => {
            delete_one_in::<Note>(tx, contact_id, target_id(entry).unwrap_or_default())?;
        }
    }
    Ok(())
}

/// The contact created offline as `local` is `server` on GHL: its cached
/// tasks, notes and appointments and the queued entries about it move to
/// the server id, and the placeholder goes.
pub(crate) fn relink_contact_in(tx: &Transaction<'_>, local: &str, server: &str) -> Result<()> {
    for table in ["tasks", "notes"] {
        tx.execute(
            &format!(
                "UPDATE OR REPLACE {table} SET contact_id = ?2, json = json_set(json, '$.contactId', ?2)
                 WHERE contact_id = ?1"
            ),
            params![local, server],
        )?;
    }
    tx.execute(
        "UPDATE OR REPLACE appointments SET contact_id = ?2 WHERE contact_id = ?1",
        params![local, server],
    )?;
    tx.execute(
        "UPDATE OR REPLACE related_fetched SET contact_id = ?2 WHERE contact_id = ?1",
        params![local, server],
    )?;
    tx.execute(
        "UPDATE outbox SET contact_id = ?2 WHERE contact_id = ?1",
        params![local, server],
    )?;
    crate::contacts::delete_in(tx, &[local.to_owned()])?;
    Ok(())
}

/// The task or note created offline as `local` is `record` on GHL: it takes
/// the placeholder's place in the list and queued entries about it follow.
pub(crate) fn relink_record_in<T: RelatedRecord>(
    tx: &Transaction<'_>,
    contact_id: &str,
    local: &str,
    record: &T,
) -> Result<()> {
    let server = record.record_id();
    let json = serde_json::to_string(record).map_err(|e| corrupt(T::WHAT, e))?;
    let known = record_json_in::<T>(tx, contact_id, server)?.is_some();
    let moved = if known {
        0
    } else {
        tx.execute(
            &format!(
                "UPDATE {} SET id = ?3, json = ?4 WHERE contact_id = ?1 AND id = ?2",
                T::TABLE
            ),
            params![contact_id, local, server, json],
        )?
    };
    if moved == 0 {
        delete_one_in::<T>(tx, contact_id, local)?;
        upsert_one_in(tx, contact_id, record)?;
    }
    let key = if T::TABLE == "tasks" {
        "$.taskId"
    } else {
        "$.noteId"
    };
    tx.execute(
        &format!(
            "UPDATE outbox SET payload = json_set(payload, '{key}', ?2)
             WHERE json_extract(payload, '{key}') = ?1"
        ),
        params![local, server],
    )?;
    Ok(())
}

/// A create given up: its placeholder goes, and so do the queued entries
/// about it (they could never be sent). Returns how many entries went.
pub(crate) fn forget_create_in(tx: &Transaction<'_>, entry: &OutboxEntry) -> Result<usize> {
    let Some(key) = entry.client_key.as_deref() else {
        return Ok(0);
    };
    let local = local_id(key);
    let contact_id = entry.contact_id.as_deref().unwrap_or_default();
    Ok(match entry.kind {
        OutboxKind::CreateContact => {
            crate::contacts::delete_in(tx, std::slice::from_ref(&local))?;
            tx.execute("DELETE FROM outbox WHERE contact_id = ?1", [&local])?
        }
        OutboxKind::CreateTask => {
            delete_one_in::<Task>(tx, contact_id, &local)?;
            tx.execute(
                "DELETE FROM outbox WHERE json_extract(payload, '$.taskId') = ?1",
                [&local],
            )?
        }
        OutboxKind::CreateNote => {
            delete_one_in::<Note>(tx, contact_id, &local)?;
            tx.execute(
                "DELETE FROM outbox WHERE json_extract(payload, '$.noteId') = ?1",
                [&local],
            )?
        }
        _ => 0,
    })
}
