//! In-memory Housecall Pro records and their JSON shapes (the spec's
//! `Customer` and `Address`).

use std::collections::HashMap;

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// One customer as the sandbox stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpCustomer {
    /// `cus_` + 32 hex digits.
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// Stored as typed, e.g. `(303) 555-0142`; HCP does not normalise numbers.
    pub mobile_number: Option<String>,
    pub home_number: Option<String>,
    pub work_number: Option<String>,
    /// The customer's own business.
    pub company: Option<String>,
    pub notifications_enabled: bool,
    pub lead_source: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub addresses: Vec<HcpAddress>,
    /// Rendered only with `expand=do_not_service`.
    pub do_not_service: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpAddress {
    /// `adr_` + 32 hex digits.
    pub id: String,
    /// `service` or `billing`.
    pub kind: String,
    pub street: Option<String>,
    pub street_line_2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The Pro's own account, rendered as every customer's `company_name` /
/// `company_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpCompany {
    pub id: String,
    pub name: String,
}

/// `2026-07-24T04:00:37Z`: whole seconds, as observed in live payloads.
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl HcpAddress {
    pub(crate) fn render(&self) -> Value {
        json!({
            "id": self.id,
            "type": self.kind,
            "street": self.street,
            "street_line_2": self.street_line_2,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
            "country": self.country,
        })
    }
}

/// Which optional parts `expand` asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Expand {
    pub attachments: bool,
    pub do_not_service: bool,
}

impl HcpCustomer {
    pub(crate) fn render(&self, company: &HcpCompany, expand: Expand) -> Value {
        let mut v = json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "mobile_number": self.mobile_number,
            "home_number": self.home_number,
            "work_number": self.work_number,
            "company": self.company,
            "notifications_enabled": self.notifications_enabled,
            "lead_source": self.lead_source,
            "notes": self.notes,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "company_name": company.name,
            "company_id": company.id,
            "tags": self.tags,
            "addresses": self.addresses.iter().map(HcpAddress::render).collect::<Vec<_>>(),
        });
        if expand.attachments {
            // The sandbox stores no files.
            v["attachments"] = json!([]);
        }
        if expand.do_not_service {
            v["do_not_service"] = json!(self.do_not_service);
        }
        v
    }

    /// "First Last" of the parts present.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Case-insensitive substring search over name, email, company and
    /// address; phone numbers compare by digits, so `5550142`,
    /// `(303) 555-0142` and `+13035550142` find the same customer.
    pub(crate) fn matches(&self, needle_lower: &str, needle_digits: &str) -> bool {
        let text = [
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.email.as_deref(),
            self.company.as_deref(),
        ];
        if text
            .iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(needle_lower))
            || self.full_name().to_lowercase().contains(needle_lower)
        {
            return true;
        }
        let address_hit = self.addresses.iter().any(|a| {
            [&a.street, &a.street_line_2, &a.city, &a.state, &a.zip]
                .into_iter()
                .flatten()
                .any(|t| t.to_lowercase().contains(needle_lower))
        });
        if address_hit {
            return true;
        }
        needle_digits.len() >= 4
            && [&self.mobile_number, &self.home_number, &self.work_number]
                .into_iter()
                .flatten()
                .any(|n| national_digits(n).contains(needle_digits))
    }
}

/// The digits of a phone number without a leading US country code.
pub(crate) fn national_digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('1') {
        Some(rest) if digits.len() == 11 => rest.to_owned(),
        _ => digits,
    }
}

/// The customers, in insertion order, with an id index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    pub customers: Vec<HcpCustomer>,
    by_id: HashMap<String, usize>,
}

impl Store {
    pub fn new(customers: Vec<HcpCustomer>) -> Store {
        let mut store = Store {
            customers,
            by_id: HashMap::new(),
        };
        store.reindex();
        store
    }

    fn reindex(&mut self) {
        self.by_id = self
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
    }

    pub fn get(&self, id: &str) -> Option<&HcpCustomer> {
        self.by_id.get(id).map(|&i| &self.customers[i])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut HcpCustomer> {
        self.by_id.get(id).map(|&i| &mut self.customers[i])
    }

    /// Inserts, or replaces the customer with the same id.
    pub fn put(&mut self, customer: HcpCustomer) {
        match self.by_id.get(&customer.id) {
            Some(&i) => self.customers[i] = customer,
            None => {
                self.by_id.insert(customer.id.clone(), self.customers.len());
                self.customers.push(customer);
            }
        }
    }
}
