//! What the API returns: customers, their addresses and pages of either.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::serde_lenient::{count, lenient_vec, opt_bool, opt_string, string_vec};

/// The spec's `Customer`. `company` is the customer's own business (→ GHL
/// `companyName`); `company_name` / `company_id` name the Housecall Pro
/// account (the contractor), not the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// `cus_…`.
    pub id: String,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// The only number that can receive texts.
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub mobile_number: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub home_number: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub work_number: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub company: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub notifications_enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub lead_source: Option<String>,
    /// One free-text string, not a list.
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub notes: Option<String>,
    /// ISO-8601 as sent (`2026-07-24T04:00:37Z`); see [`Customer::created`].
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<String>,
    /// ISO-8601 as sent; see [`Customer::updated`].
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_id: Option<String>,
    /// Tag names.
    #[serde(default, deserialize_with = "string_vec")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub addresses: Vec<Address>,
    /// Only with `expand=attachments`.
    #[serde(
        default,
        deserialize_with = "lenient_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachments: Vec<Attachment>,
    /// Only with `expand=do_not_service`.
    #[serde(
        default,
        deserialize_with = "opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub do_not_service: Option<bool>,
    /// Fields the spec does not declare (e.g. `kind`, seen in webhooks).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Customer {
    /// "First Last", whichever parts are present; empty when neither is.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `created_at` parsed; `None` when absent or not RFC 3339.
    pub fn created(&self) -> Option<OffsetDateTime> {
        parse_time(self.created_at.as_deref())
    }

    /// `updated_at` parsed; `None` when absent or not RFC 3339.
    pub fn updated(&self) -> Option<OffsetDateTime> {
        parse_time(self.updated_at.as_deref())
    }

    /// The address to show or sync first: the first `service` address, else
    /// the first `billing` one, else the first of any type.
    pub fn primary_address(&self) -> Option<&Address> {
        self.addresses
            .iter()
            .find(|a| a.is_service())
            .or_else(|| self.addresses.iter().find(|a| a.is_billing()))
            .or_else(|| self.addresses.first())
    }
}

fn parse_time(text: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text?.trim(), &Rfc3339).ok()
}

/// The spec's `Address`: every part nullable, `type` `billing` or `service`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub id: String,
    /// `type` on the wire: [`Address::SERVICE`] or [`Address::BILLING`]
    /// (kept as text so an unexpected kind is not lost).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub street: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub street_line_2: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub city: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub zip: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Address {
    pub const SERVICE: &'static str = "service";
    pub const BILLING: &'static str = "billing";

    pub fn is_service(&self) -> bool {
        self.kind.as_deref() == Some(Self::SERVICE)
    }

    pub fn is_billing(&self) -> bool {
        self.kind.as_deref() == Some(Self::BILLING)
    }
}

/// The spec's `Attachment` (only with `expand=attachments`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /customers`: `PaginatedList` plus `customers`. The counters are
/// required by the spec; a customer without an `id` fails the whole page
/// rather than being dropped silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomersPage {
    /// 1-based.
    #[serde(deserialize_with = "count")]
    pub page: u64,
    #[serde(deserialize_with = "count")]
    pub page_size: u64,
    #[serde(deserialize_with = "count")]
    pub total_pages: u64,
    #[serde(deserialize_with = "count")]
    pub total_items: u64,
    pub customers: Vec<Customer>,
}

/// `GET /customers/{customer_id}/addresses`: `PaginatedList` plus `addresses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddressesPage {
    #[serde(deserialize_with = "count")]
    pub page: u64,
    #[serde(deserialize_with = "count")]
    pub page_size: u64,
    #[serde(deserialize_with = "count")]
    pub total_pages: u64,
    #[serde(deserialize_with = "count")]
    pub total_items: u64,
    pub addresses: Vec<Address>,
}
