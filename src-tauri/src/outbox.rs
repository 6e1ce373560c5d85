//! The outbox as people see it: what each queued edit does, to whom, where it
//! stands, and the fields in conflict side by side.

use std::collections::BTreeMap;

use serde_json::Value;
use store::{OutboxKind, OutboxState, QueuedEdit};

use crate::ipc::{FieldConflict, OutboxItem, OutboxItemState};

/// One queued edit for the outbox panel; `contact_name` from the cache.
pub fn item(queued: &QueuedEdit, contact_name: Option<String>) -> OutboxItem {
    let (state, message, conflicts) = match &queued.state {
        OutboxState::Pending => (OutboxItemState::Waiting, None, Vec::new()),
        OutboxState::Failed { message } => {
            (OutboxItemState::Failed, Some(message.clone()), Vec::new())
        }
        OutboxState::Rejected { message } => {
            (OutboxItemState::Rejected, Some(message.clone()), Vec::new())
        }
        OutboxState::Conflict { server_value } => (
            OutboxItemState::Conflict,
            Some(
                "Changed in GoHighLevel since you edited it offline: choose which value to keep."
                    .to_owned(),
            ),
            conflicts(queued, server_value),
        ),
    };
    OutboxItem {
        id: queued.id,
        description: description(queued.entry.kind).to_owned(),
        contact_id: queued.entry.contact_id.clone(),
        contact_name,
        state,
        message,
        conflicts,
        created_at: queued.created_at.clone(),
    }
}

fn description(kind: OutboxKind) -> &'static str {
    match kind {
        OutboxKind::CreateContact => "Create the contact",
        OutboxKind::UpdateContact => "Edit the contact",
        OutboxKind::DeleteContact => "Delete the contact",
        OutboxKind::AddTags => "Add tags",
        OutboxKind::RemoveTags => "Remove tags",
        OutboxKind::CreateTask => "Add a task",
        OutboxKind::UpdateTask => "Edit a task",
        OutboxKind::SetTaskCompleted => "Mark a task done or not done",
        OutboxKind::DeleteTask => "Delete a task",
        OutboxKind::CreateNote => "Add a note",
        OutboxKind::UpdateNote => "Edit a note",
        OutboxKind::DeleteNote => "Delete a note",
    }
}

/// The edit's value and the server's for each field in conflict.
fn conflicts(queued: &QueuedEdit, server_value: &Value) -> Vec<FieldConflict> {
    let payload = &queued.entry.payload;
    // Task and note updates carry their fields under `update`.
    let mine = payload.get("update").unwrap_or(payload);
    let Some(server) = server_value.as_object() else {
        return Vec::new();
    };
    server
        .iter()
        .map(|(field, theirs)| FieldConflict {
            field: field.clone(),
            label: label(field),
            mine: text(mine.get(field)),
            theirs: text(Some(theirs)),
        })
        .collect()
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => Some(other.to_string()),
    }
}

/// GHL's field keys in words people use.
fn label(field: &str) -> String {
    let known: BTreeMap<&str, &str> = [
        ("firstName", "First name"),
        ("lastName", "Last name"),
        ("name", "Name"),
        ("email", "Email"),
        ("phone", "Phone"),
        ("companyName", "Company"),
        ("address1", "Street address"),
        ("city", "City"),
        ("state", "State"),
        ("postalCode", "Postal code"),
        ("country", "Country"),
        ("website", "Website"),
        ("source", "Source"),
        ("tags", "Tags"),
        ("title", "Title"),
        ("body", "Text"),
        ("dueDate", "Due"),
        ("completed", "Done"),
        ("pinned", "Pinned"),
        ("color", "Colour"),
    ]
    .into_iter()
    .collect();
    known
        .get(field)
        .map_or_else(|| field.to_owned(), |l| (*l).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_conflict_shows_both_values_by_field() {
        let entry = store::OutboxEntry {
            kind: OutboxKind::UpdateContact,
            contact_id: Some("c1".into()),
            payload: json!({ "phone": "+15550100", "email": "mine@example.com" }),
            client_key: None,
            base: Some(json!({ "phone": "+15550199", "email": "old@example.com" })),
        };
        let queued = QueuedEdit {
            id: 7,
            entry,
            state: OutboxState::Conflict {
                server_value: json!({ "phone": "+15550142" }),
            },
            attempts: 1,
            first_attempt_at: None,
            created_at: "2026-11-22T10:00:00Z".into(),
            updated_at: "2026-11-22T10:00:00Z".into(),
        };
        let item = item(&queued, Some("Ann Lee".into()));
        assert_eq!(item.state, OutboxItemState::Conflict);
        assert_eq!(item.description, "Edit the contact");
        assert_eq!(item.conflicts.len(), 1);
        let conflict = &item.conflicts[0];
        assert_eq!(conflict.label, "Phone");
        assert_eq!(conflict.mine.as_deref(), Some("+15550100"));
        assert_eq!(conflict.theirs.as_deref(), Some("+15550142"));
    }

    #[test]
    fn task_updates_compare_the_fields_under_update() {
        let entry = store::OutboxEntry {
            kind: OutboxKind::UpdateTask,
            contact_id: Some("c1".into()),
            payload: json!({ "taskId": "t1", "update": { "title": "Call back Friday" } }),
            client_key: None,
            base: Some(json!({ "title": "Call back" })),
        };
        let server_value = json!({ "title": "Call back Monday" });
        let found = conflicts(
            &QueuedEdit {
                id: 1,
                entry,
                state: OutboxState::Pending,
                attempts: 0,
                first_attempt_at: None,
                created_at: String::new(),
                updated_at: String::new(),
            },
            &server_value,
        );
        assert_eq!(found[0].mine.as_deref(), Some("Call back Friday"));
        assert_eq!(found[0].theirs.as_deref(), Some("Call back Monday"));
        assert_eq!(found[0].label, "Title");
    }
}
