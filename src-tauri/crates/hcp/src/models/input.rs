//! Write bodies: `CustomerCreate`, `CustomerUpdate`, `AddressCreate`.
//! Unset fields are left out of the JSON, so the API keeps its values.

use serde::Serialize;

/// `POST /customers` (`CustomerCreate`). At least one of `first_name`,
/// `last_name`, `email`, `mobile_number`, `home_number`, `work_number` is
/// required; the client checks that before sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's own business name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NewCustomerAddress>,
}

/// An address inside [`CustomerInput`] (the inline item of
/// `CustomerCreate.addresses`; every part optional there).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewCustomerAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_line_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// `PUT /customers/{customer_id}` (`CustomerUpdate`; addresses are changed
/// through the addresses sub-resource). For the nullable fields, `None`
/// leaves the value alone, `Some(None)` clears it (sends `null`) and
/// `Some(Some(v))` sets it. `tags`, when set, replaces the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_number: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_number: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<Option<String>>,
    /// Not nullable in the spec: clear it with an empty string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl CustomerUpdate {
    /// Whether the update would send no field at all.
    pub fn is_empty(&self) -> bool {
        *self == CustomerUpdate::default()
    }
}

/// `POST /customers/{customer_id}/addresses` (`AddressCreate`): `street`,
/// `city`, `state`, `zip` and `country` are required. The spec has no `type`
/// here: the API decides whether the new address is a service or billing one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AddressInput {
    pub street: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_line_2: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}
