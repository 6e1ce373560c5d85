//! `GetContectByIdSchema` (sic) from `apps/contacts.json`: the contact returned
//! by `GET /contacts/{contactId}`, update and upsert.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{first_non_blank, join_name, Extra};
use crate::serde_lenient as lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub location_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_name: Option<String>,
    /// Tag names (not ids).
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub source: Option<String>,
    /// The spec's `type` (e.g. `lead`, `customer`).
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub contact_type: Option<String>,
    /// User id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub assigned_to: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address1: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub website: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timezone: Option<String>,
    /// Free-form in practice; parse with [`crate::datetime::parse_ghl_datetime`].
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_of_birth: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_updated: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub dnd: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::lenient_vec")]
    pub custom_fields: Vec<CustomField>,
    /// Fields this model does not name (e.g. `dndSettings`, `attributionSource`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Contact {
    /// Best human label: full name, first + last, company, email, phone, then id.
    pub fn display_name(&self) -> String {
        first_non_blank([self.name.as_deref()])
            .or_else(|| join_name(self.first_name.as_deref(), self.last_name.as_deref()))
            .or_else(|| {
                first_non_blank([
                    self.company_name.as_deref(),
                    self.email.as_deref(),
                    self.phone.as_deref(),
                ])
            })
            .unwrap_or_else(|| self.id.clone())
    }
}

/// A custom field value as read (`{ id, value }`). The spec types `value` as a
/// string, but numeric, checkbox and file fields arrive as numbers, arrays and
/// objects, so it is kept as raw JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default)]
    pub value: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

impl CustomField {
    /// The value as text for display: arrays joined with ", ", booleans as
    /// "Yes"/"No", null as "", objects as compact JSON.
    pub fn display_value(&self) -> String {
        display(&self.value)
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(display)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => v.to_string(),
    }
}
