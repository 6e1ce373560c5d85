//! `GetEventSchema` from `apps/contacts.json` (the contact's appointments list).

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::serde_lenient as lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub calendar_id: Option<String>,
    /// e.g. `booked`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub assigned_user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notes: Option<String>,
    /// The spec's example has no zone (`2021-07-16 11:00:00`); see
    /// [`crate::datetime::parse_ghl_datetime`].
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub start_time: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub end_time: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub location_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub contact_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub appointment_status: Option<String>,
    /// User ids.
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub users: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_updated: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
