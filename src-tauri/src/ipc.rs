//! Everything that crosses the IPC boundary to the web view. The TypeScript
//! declarations in `ui/src/bindings.ts` are generated from these types (see the
//! test at the bottom), so the two sides cannot drift apart.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AppMode {
    /// Against the built-in sandbox with seeded sample data.
    Demo,
    /// Against a real GoHighLevel location.
    Live,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub mode: AppMode,
    pub location_id: String,
    pub location_name: String,
    pub version: String,
    /// False when the token may only read; the UI then disables editing and says why.
    pub can_write: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactSummary {
    pub id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub date_updated: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    pub contacts: Vec<ContactSummary>,
    pub total: u32,
    /// Opaque; hand it back to `list_contacts` for the next page. `null` at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldValue {
    pub id: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    pub id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub contact_type: Option<String>,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub timezone: Option<String>,
    pub date_of_birth: Option<String>,
    pub date_added: Option<String>,
    pub date_updated: Option<String>,
    pub dnd: bool,
    pub business_id: Option<String>,
    pub custom_fields: Vec<CustomFieldValue>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub title: String,
    pub body: Option<String>,
    pub due_date: Option<String>,
    pub completed: bool,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: String,
    pub title: Option<String>,
    pub body: String,
    pub date_added: Option<String>,
    pub pinned: bool,
    pub color: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// A contact's editable fields. On create, absent fields are not sent; on update,
/// absent fields are left as they are and an empty string clears the field.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskForm {
    pub title: String,
    pub body: Option<String>,
    /// RFC 3339.
    pub due_date: String,
    pub completed: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteForm {
    pub title: Option<String>,
    pub body: String,
    pub pinned: bool,
    pub color: Option<String>,
}

/// What the UI branches on when a command fails; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    Validation,
    Network,
    Timeout,
    InvalidResponse,
    /// A write whose result never arrived: it may or may not have happened.
    OutcomeUnknown,
    Api,
    Internal,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[ts(type = "unknown")]
    pub details: Option<serde_json::Value>,
}

/// The generated TypeScript module, one declaration per IPC type.
pub fn typescript_bindings() -> String {
    let config = ts_rs::Config::new().with_large_int("number");
    let declarations = [
        AppMode::decl(&config),
        AppInfo::decl(&config),
        ContactSummary::decl(&config),
        ContactPage::decl(&config),
        CustomFieldValue::decl(&config),
        ContactDetail::decl(&config),
        Task::decl(&config),
        Note::decl(&config),
        Appointment::decl(&config),
        ContactForm::decl(&config),
        TaskForm::decl(&config),
        NoteForm::decl(&config),
        ErrorCode::decl(&config),
        AppError::decl(&config),
    ];
    let mut module = String::from(
        "// Generated by ts-rs from the Rust types in src-tauri/src/ipc.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p switchboard bindings\n\n",
    );
    for declaration in declarations {
        module.push_str("export ");
        module.push_str(&declaration);
        module.push('\n');
    }
    module
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn bindings_file_is_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = typescript_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p switchboard bindings`"
        );
    }
}
