//! Write bodies: `CreateContactDto` / `UpsertContactDto`, `UpdateContactDto`,
//! `CreateTaskParams` / `UpdateTaskBody`, `NotesDTO` / `UpdateNoteDTO`
//! (API-NOTES §3.2, §3.3).
//!
//! Every optional field is skipped when `None`, so an update sends only the
//! keys being changed. `locationId` is never set here: the client fills it
//! in from its configuration where the API wants it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Extra;
use crate::error::Error;
use crate::validate;

/// Body of `POST /contacts/` and `POST /contacts/upsert`.
///
/// At least one of `name`/`first_name`/`last_name`, `email` or `phone` is
/// required. `phone` is normalised to E.164 before sending and `email` is
/// syntax-checked. Note `address1` (not `address`), and that `tags` given to
/// upsert **replace** the contact's tags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Two-letter code, e.g. `US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// e.g. `1990-09-25`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// User id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd: Option<bool>,
    /// `DndSettingsSchema` as raw JSON (`{ "Call": { "status": "active" } }`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd_settings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_dnd_settings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    /// Upsert only (ignored by create): create a new contact even when a
    /// duplicate exists, if the location allows duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_new_if_duplicate_allowed: Option<bool>,
    /// Any other body keys, sent as given.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Body of `PUT /contacts/{contactId}` (`UpdateContactDto`): only the fields
/// that are `Some` are sent.
///
/// `email`/`phone` set to a blank string clear the field (sent as `null`);
/// other values are checked as for create. The DTO has no `companyName`,
/// `gender` or `locationId`; `tags` here **overwrite** all tags (prefer
/// [`crate::Client::add_tags`] / [`crate::Client::remove_tags`]). Keys the DTO
/// lacks can still be sent through `extra` at your own risk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd_settings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_dnd_settings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom field value on write: `{ id | key, field_value }`. `field_value`
/// is a string (text, select, radio), a number (numeric, monetary), a string
/// array (checkbox, multi-select) or an object (files).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub field_value: Value,
}

impl CustomFieldInput {
    pub fn by_id(id: impl Into<String>, value: impl Into<Value>) -> Self {
        CustomFieldInput {
            id: Some(id.into()),
            key: None,
            field_value: value.into(),
        }
    }

    pub fn by_key(key: impl Into<String>, value: impl Into<Value>) -> Self {
        CustomFieldInput {
            id: None,
            key: Some(key.into()),
            field_value: value.into(),
        }
    }
}

/// Body of `POST /contacts/{contactId}/tasks` (`CreateTaskParams`):
/// `title`, `due_date` and `completed` are required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskInput {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// RFC 3339 with a zone, e.g. `2020-10-25T11:00:00Z`.
    pub due_date: String,
    pub completed: bool,
    /// User id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
}

impl TaskInput {
    /// An open task due at `due`.
    pub fn new(title: impl Into<String>, due: time::OffsetDateTime) -> Self {
        TaskInput {
            title: title.into(),
            body: None,
            due_date: crate::datetime::to_rfc3339(due),
            completed: false,
            assigned_to: None,
        }
    }
}

/// Body of `PUT /contacts/{contactId}/tasks/{taskId}` (`UpdateTaskBody`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
}

/// Body of `POST /contacts/{contactId}/notes` (`NotesDTO`): `body` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteInput {
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// e.g. `#FFAA00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Author's user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl NoteInput {
    pub fn new(body: impl Into<String>) -> Self {
        NoteInput {
            body: body.into(),
            ..NoteInput::default()
        }
    }
}

/// Body of `PUT /contacts/{contactId}/notes/{id}` (`UpdateNoteDTO`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

fn to_map(value: &impl Serialize) -> Result<Map<String, Value>, Error> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::Config {
            message: "a request body did not serialise to a JSON object".to_owned(),
        }),
    }
}

fn has_text(v: Option<&String>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

fn check_custom_fields(fields: Option<&Vec<CustomFieldInput>>) -> Result<(), Error> {
    for f in fields.into_iter().flatten() {
        if !has_text(f.id.as_ref()) && !has_text(f.key.as_ref()) {
            return Err(validate::invalid(
                "customFields",
                "each needs an id or a key",
            ));
        }
    }
    Ok(())
}

impl ContactInput {
    /// The body to send (without `locationId`): validated, phone in E.164,
    /// blank email/phone left out.
    pub(crate) fn to_body(&self, country_code: &str) -> Result<Map<String, Value>, Error> {
        let email = match self.email.as_deref().map(str::trim) {
            Some(e) if !e.is_empty() => Some(validate::email("email", e)?),
            _ => None,
        };
        let phone = match self.phone.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => Some(validate::normalize_phone(p, country_code)?),
            _ => None,
        };
        let named = has_text(self.name.as_ref())
            || has_text(self.first_name.as_ref())
            || has_text(self.last_name.as_ref());
        if !named && email.is_none() && phone.is_none() {
            return Err(validate::invalid(
                "contact",
                "a name, an email or a phone number is required",
            ));
        }
        check_custom_fields(self.custom_fields.as_ref())?;
        let mut map = to_map(self)?;
        map.remove("email");
        map.remove("phone");
        if let Some(e) = email {
            map.insert("email".into(), Value::String(e));
        }
        if let Some(p) = phone {
            map.insert("phone".into(), Value::String(p));
        }
        Ok(map)
    }

    /// Email, else phone, to look the contact up by (validated forms).
    pub(crate) fn lookup_key(&self, country_code: &str) -> Option<super::DuplicateQuery> {
        if let Some(e) = self.email.as_deref().filter(|e| !e.trim().is_empty()) {
            return validate::email("email", e)
                .ok()
                .map(super::DuplicateQuery::Email);
        }
        let p = self.phone.as_deref().filter(|p| !p.trim().is_empty())?;
        validate::normalize_phone(p, country_code)
            .ok()
            .map(super::DuplicateQuery::Phone)
    }
}

impl ContactUpdate {
    pub(crate) fn to_body(&self, country_code: &str) -> Result<Map<String, Value>, Error> {
        let mut map = to_map(self)?;
        if let Some(e) = self.email.as_deref() {
            let v = if e.trim().is_empty() {
                Value::Null
            } else {
                Value::String(validate::email("email", e)?)
            };
            map.insert("email".into(), v);
        }
        if let Some(p) = self.phone.as_deref() {
            let v = if p.trim().is_empty() {
                Value::Null
            } else {
                Value::String(validate::normalize_phone(p, country_code)?)
            };
            map.insert("phone".into(), v);
        }
        check_custom_fields(self.custom_fields.as_ref())?;
        Ok(map)
    }
}

impl TaskInput {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        validate::required("title", &self.title)?;
        validate::date_time("dueDate", &self.due_date)?;
        Ok(())
    }
}

impl TaskUpdate {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(title) = &self.title {
            validate::required("title", title)?;
        }
        if let Some(due) = &self.due_date {
            validate::date_time("dueDate", due)?;
        }
        Ok(())
    }
}

impl NoteInput {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        validate::required("body", &self.body).map(|_| ())
    }
}

impl NoteUpdate {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(body) = &self.body {
            validate::required("body", body)?;
        }
        Ok(())
    }
}

/// Tag names for add/remove: trimmed, blanks dropped, at least one required.
pub(crate) fn tag_list(tags: &[String]) -> Result<Vec<&str>, Error> {
    let list: Vec<&str> = tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if list.is_empty() {
        return Err(validate::invalid("tags", "at least one tag is required"));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contact_input_body_is_validated_and_sparse() {
        let input = ContactInput {
            first_name: Some("Ada".into()),
            phone: Some("(303) 555-0142".into()),
            email: Some(" ada@example.com ".into()),
            address1: Some("1 Main St".into()),
            ..ContactInput::default()
        };
        let body = input.to_body("1").expect("valid");
        assert_eq!(
            Value::Object(body),
            json!({ "firstName": "Ada", "phone": "+13035550142", "email": "ada@example.com", "address1": "1 Main St" })
        );
        let nothing = ContactInput {
            company_name: Some("Acme".into()),
            email: Some("  ".into()),
            ..ContactInput::default()
        };
        let msg = nothing
            .to_body("1")
            .expect_err("no name/email/phone")
            .to_string();
        assert!(msg.contains("name, an email or a phone"), "{msg}");
        let bad_email = ContactInput {
            email: Some("not-an-email".into()),
            ..ContactInput::default()
        };
        assert!(bad_email
            .to_body("1")
            .expect_err("bad email")
            .to_string()
            .contains("email:"));
        let bad_phone = ContactInput {
            name: Some("X".into()),
            phone: Some("call me".into()),
            ..ContactInput::default()
        };
        assert!(bad_phone
            .to_body("1")
            .expect_err("bad phone")
            .to_string()
            .contains("phone:"));
        let bad_cf = ContactInput {
            name: Some("X".into()),
            custom_fields: Some(vec![CustomFieldInput::default()]),
            ..ContactInput::default()
        };
        assert!(bad_cf.to_body("1").is_err());
    }

    #[test]
    fn update_sends_only_changed_keys() {
        let update = ContactUpdate {
            city: Some("Denver".into()),
            email: Some(String::new()),
            custom_fields: Some(vec![CustomFieldInput::by_key("k", json!(["a", "b"]))]),
            ..ContactUpdate::default()
        };
        assert_eq!(
            Value::Object(update.to_body("1").expect("valid")),
            json!({ "city": "Denver", "email": null, "customFields": [{ "key": "k", "field_value": ["a", "b"] }] })
        );
        assert_eq!(
            Value::Object(ContactUpdate::default().to_body("1").expect("empty")),
            json!({})
        );
    }

    #[test]
    fn task_and_note_checks() {
        let mut t = TaskInput::new("Call back", time::macros::datetime!(2020-10-25 11:00 UTC));
        assert_eq!(t.due_date, "2020-10-25T11:00:00Z");
        assert!(t.validate().is_ok());
        assert_eq!(
            serde_json::to_value(&t).expect("json"),
            json!({ "title": "Call back", "dueDate": "2020-10-25T11:00:00Z", "completed": false })
        );
        t.title = " ".into();
        assert!(t
            .validate()
            .expect_err("title")
            .to_string()
            .contains("title:"));
        t.title = "x".into();
        t.due_date = "soon".into();
        assert!(t
            .validate()
            .expect_err("due")
            .to_string()
            .contains("dueDate:"));
        assert!(NoteInput::new("").validate().is_err());
        assert!(NoteUpdate {
            body: Some(" ".into()),
            ..NoteUpdate::default()
        }
        .validate()
        .is_err());
        assert!(tag_list(&[" ".into()]).is_err());
        assert_eq!(
            tag_list(&[" a ".into(), String::new(), "b".into()]).expect("tags"),
            ["a", "b"]
        );
    }
}
