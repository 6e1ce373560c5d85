//! A location (sub-account) as `GET /locations/{locationId}` returns it. No spec
//! file for the Locations API is stored with the contacts specs; the shape is
//! GHL's public `GetLocationByIdSchema`, kept tolerant (unknown keys in `extra`).

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::serde_lenient as lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timezone: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `{ location }`.
#[derive(Deserialize)]
pub(crate) struct LocationEnvelope {
    pub(crate) location: Location,
}
