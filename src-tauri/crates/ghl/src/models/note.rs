//! `GetNoteSchema` from `apps/contacts.json`.

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::serde_lenient as lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub body: Option<String>,
    /// Author's user id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub contact_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    /// e.g. `#FFAA00`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub color: Option<String>,
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub pinned: bool,
    #[serde(flatten)]
    pub extra: Extra,
}
