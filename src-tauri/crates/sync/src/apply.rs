//! The apply of a plan as an ordered list of steps, pure data: the caller
//! executes them one by one, recording "done up to step id" together with
//! each write so a crash or failure can resume.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::mapping::{GhlContact, GhlWrite, HcpCustomer, HcpWrite, Mapping};
use crate::model::{Field, Snapshot, Value};
use crate::normalize::{note_body, note_stamp};
use crate::plan::Plan;

/// A step's identity, stable for the same plan (`ghl.update`, `ghl.note.a1b2c3d4`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepId(String);

impl StepId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// GHL duplicate lookup before a create. If a contact is found, stop
    /// and plan again against it: a retry must never create a second one.
    FindGhlContact {
        email: Option<String>,
        phone: Option<String>,
    },
    /// Create the GHL contact (its tags are part of the create body).
    CreateGhlContact {
        write: GhlWrite,
        tags: Vec<String>,
    },
    UpdateGhlContact {
        write: GhlWrite,
    },
    /// `POST /contacts/{id}/tags`.
    AddGhlTags {
        tags: Vec<String>,
    },
    /// `DELETE /contacts/{id}/tags`.
    RemoveGhlTags {
        tags: Vec<String>,
    },
    /// Create a note unless one of the contact's notes already holds `stamp`
    /// (list the notes first: the previous attempt may have created it).
    CreateGhlNote {
        stamp: String,
        body: String,
    },
    /// HCP search (`q`) by email, else phone, before a create; if found,
    /// stop and plan again against it.
    FindHcpCustomer {
        email: Option<String>,
        phone: Option<String>,
    },
    CreateHcpCustomer {
        write: HcpWrite,
    },
    UpdateHcpCustomer {
        write: HcpWrite,
    },
    /// Write the id of the HCP customer created by an earlier step to this
    /// GHL custom field.
    SetGhlHcpId {
        custom_field: String,
    },
    /// Store the link (both ids) with this snapshot.
    SaveLink {
        snapshot: Snapshot,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    pub action: Action,
}

/// The steps of one apply, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apply {
    pub steps: Vec<Step>,
}

impl Apply {
    /// A hash of the steps: store it with "done up to"; if a retry builds a
    /// different list (the sides changed meanwhile), plan again from the start
    /// instead of resuming — safe, since every write is idempotent or
    /// preceded by a lookup.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(&self.steps).unwrap_or_default();
        Sha256::digest(&json)
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The steps after `done` (all of them if `done` is `None` or unknown).
    pub fn remaining(&self, done: Option<&StepId>) -> &[Step] {
        let start = done
            .and_then(|d| self.steps.iter().position(|s| &s.id == d))
            .map_or(0, |i| i + 1);
        &self.steps[start..]
    }
}

fn step(id: impl Into<String>, action: Action) -> Step {
    Step {
        id: StepId(id.into()),
        action,
    }
}

fn lookup_keys(values: &Snapshot) -> (Option<String>, Option<String>) {
    let get = |f: Field| values.get(f).as_text().map(str::to_owned);
    (get(Field::Email), get(Field::Phone))
}

/// The steps applying `plan`. `hcp`/`ghl` are the records as read (`None`:
/// that side has no record yet and one is created). The plan must have
/// passed [`crate::validate`]; this checks it again.
pub fn steps(
    plan: &Plan,
    mapping: &Mapping,
    hcp: Option<&HcpCustomer>,
    ghl: Option<&GhlContact>,
) -> Result<Apply, Error> {
    if hcp.is_none() && ghl.is_none() {
        return Err(Error::NoRecord);
    }
    crate::validate(plan).map_err(Error::Invalid)?;
    let mut steps = Vec::new();
    let snapshot = &plan.new_snapshot;
    let tags_change = plan.to_ghl.iter().find(|c| c.field == Field::Tags);

    match ghl {
        None => {
            let (email, phone) = lookup_keys(snapshot);
            if email.is_none() && phone.is_none() {
                return Err(Error::CannotCreate(
                    "GoHighLevel needs an email or a phone to create a contact".into(),
                ));
            }
            steps.push(step("ghl.find", Action::FindGhlContact { email, phone }));
            let tags = snapshot.get(Field::Tags).set().into_iter().collect();
            let write = mapping.ghl_create(snapshot, hcp.map(|c| c.id.as_str()));
            steps.push(step("ghl.create", Action::CreateGhlContact { write, tags }));
        }
        Some(contact) => {
            let mut write = mapping.ghl_write(&plan.to_ghl);
            if let Some(h) = hcp {
                let stored = contact.custom_fields.get(&mapping.hcp_id_custom_field);
                if stored != Some(&h.id) {
                    write
                        .custom_fields
                        .insert(mapping.hcp_id_custom_field.clone(), Some(h.id.clone()));
                }
            }
            if !write.is_empty() {
                steps.push(step("ghl.update", Action::UpdateGhlContact { write }));
            }
            if let Some(c) = tags_change {
                let added: Vec<String> = c.added_tags().into_iter().collect();
                let removed: Vec<String> = c.removed_tags().into_iter().collect();
                if !added.is_empty() {
                    steps.push(step("ghl.tags.add", Action::AddGhlTags { tags: added }));
                }
                if !removed.is_empty() {
                    steps.push(step(
                        "ghl.tags.remove",
                        Action::RemoveGhlTags { tags: removed },
                    ));
                }
            }
        }
    }

    for change in plan.to_ghl.iter().filter(|c| c.field == Field::Note) {
        if let Value::Text(text) = &change.to {
            let stamp = note_stamp(text);
            let id = format!(
                "ghl.note.{}",
                stamp.trim_start_matches("[HCP note ").trim_end_matches(']')
            );
            let body = note_body(text);
            steps.push(step(id, Action::CreateGhlNote { stamp, body }));
        }
    }

    match hcp {
        None => {
            let write = mapping.hcp_create(snapshot);
            const IDENTIFYING: [&str; 6] = [
                "first_name",
                "last_name",
                "email",
                "mobile_number",
                "home_number",
                "work_number",
            ];
            if !IDENTIFYING.iter().any(|k| write.fields.contains_key(*k)) {
                return Err(Error::CannotCreate(
                    "Housecall Pro needs a name, an email or a phone to create a customer".into(),
                ));
            }
            let (email, phone) = lookup_keys(snapshot);
            steps.push(step("hcp.find", Action::FindHcpCustomer { email, phone }));
            steps.push(step("hcp.create", Action::CreateHcpCustomer { write }));
            steps.push(step(
                "ghl.hcp_id",
                Action::SetGhlHcpId {
                    custom_field: mapping.hcp_id_custom_field.clone(),
                },
            ));
        }
        Some(customer) => {
            let write = mapping.hcp_write(customer, &plan.to_hcp);
            if !write.is_empty() {
                steps.push(step("hcp.update", Action::UpdateHcpCustomer { write }));
            }
        }
    }

    steps.push(step(
        "link.save",
        Action::SaveLink {
            snapshot: snapshot.clone(),
        },
    ));
    Ok(Apply { steps })
}
