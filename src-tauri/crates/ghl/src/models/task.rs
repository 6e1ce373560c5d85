//! `TaskSchema` from `apps/contacts.json`.

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::serde_lenient as lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub body: Option<String>,
    /// User id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub assigned_to: Option<String>,
    /// ISO-8601, e.g. `2021-07-08T02:30:00.000Z`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub due_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub completed: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub contact_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
