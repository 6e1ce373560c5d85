//! How HCP customers and GHL contacts map onto the neutral [`Record`], and
//! back into write bodies. Plain input views ([`HcpCustomer`], [`GhlContact`])
//! keep this crate free of both API clients; the lead fills them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{Field, PhoneKind, Record, Value};
use crate::normalize::{self, note_stamps, Normalizer};
use crate::plan::Change;

/// Which HCP address feeds GHL's single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressChoice {
    /// The first `service` address, else the first address.
    #[default]
    PreferService,
    /// The first `billing` address, else the first address.
    PreferBilling,
    /// The first address, whatever its type.
    First,
}

/// The sync mapping (Settings). Every field has a default; see [`Mapping::describe`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mapping {
    /// Country calling code for numbers written without one.
    pub default_country_code: String,
    /// The HCP number that becomes GHL's phone: the first non-empty of these.
    pub phone_priority: Vec<PhoneKind>,
    /// GHL custom field keys holding the HCP numbers that are not the GHL
    /// phone. A kind without an entry is not synced (unless it is the phone).
    pub phone_custom_fields: BTreeMap<PhoneKind, String>,
    /// GHL custom field key holding the HCP customer id.
    pub hcp_id_custom_field: String,
    pub address: AddressChoice,
    /// Merge tags tag by tag (never replacing either side's list).
    pub sync_tags: bool,
    /// Copy HCP `notes` to a GHL note stamped with its hash.
    pub notes_to_ghl: bool,
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            default_country_code: "1".into(),
            phone_priority: PhoneKind::ALL.to_vec(),
            phone_custom_fields: [
                (PhoneKind::Home, "contact.hcp_home_phone".to_owned()),
                (PhoneKind::Work, "contact.hcp_work_phone".to_owned()),
            ]
            .into(),
            hcp_id_custom_field: "contact.hcp_customer_id".into(),
            address: AddressChoice::PreferService,
            sync_tags: true,
            notes_to_ghl: true,
        }
    }
}

/// The HCP `Customer` fields the sync reads. Deserialises straight from the
/// HCP API's JSON (unknown properties are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HcpCustomer {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub mobile_number: Option<String>,
    pub home_number: Option<String>,
    pub work_number: Option<String>,
    /// The customer's business (not `company_name`, the Pro's own account).
    pub company: Option<String>,
    pub lead_source: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub addresses: Vec<HcpAddress>,
}

impl HcpCustomer {
    pub fn number(&self, kind: PhoneKind) -> Option<&str> {
        match kind {
            PhoneKind::Mobile => self.mobile_number.as_deref(),
            PhoneKind::Home => self.home_number.as_deref(),
            PhoneKind::Work => self.work_number.as_deref(),
        }
    }
}

/// An HCP `Address`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HcpAddress {
    pub id: Option<String>,
    /// `billing` or `service`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub street: Option<String>,
    pub street_line_2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

/// The GHL contact fields the sync reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GhlContact {
    pub id: String,
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
    pub source: Option<String>,
    pub tags: Vec<String>,
    /// Custom field values by **key** (GHL returns ids: the caller resolves
    /// them with the location's custom field definitions).
    pub custom_fields: BTreeMap<String, String>,
    /// Bodies of the contact's notes (only the stamps are used).
    pub note_bodies: Vec<String>,
}

/// Fields to write to a GHL contact, by their API names (`firstName`, …);
/// `None` clears the field. Tags and notes have their own steps.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GhlWrite {
    pub fields: BTreeMap<String, Option<String>>,
    /// Custom field values by key; `None` clears the value.
    pub custom_fields: BTreeMap<String, Option<String>>,
}

impl GhlWrite {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.custom_fields.is_empty()
    }
}

/// Fields to write to an HCP customer (`CustomerCreate`/`CustomerUpdate`
/// names); `None` clears the field. HCP replaces the tag list, so `tags`
/// is the whole new list, keeping HCP's own spelling of existing tags.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HcpWrite {
    pub fields: BTreeMap<String, Option<String>>,
    pub tags: Option<Vec<String>>,
}

impl HcpWrite {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.tags.is_none()
    }
}

/// GHL contact property for a plain field (not tags, note, extra phones).
fn ghl_property(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::FirstName => "firstName",
        Field::LastName => "lastName",
        Field::Email => "email",
        Field::Phone => "phone",
        Field::CompanyName => "companyName",
        Field::Address1 => "address1",
        Field::City => "city",
        Field::State => "state",
        Field::PostalCode => "postalCode",
        Field::Country => "country",
        Field::Source => "source",
        Field::ExtraPhone(_) | Field::Tags | Field::Note => return None,
    })
}

/// HCP customer property for a plain field that can be written to HCP.
fn hcp_property(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::FirstName => "first_name",
        Field::LastName => "last_name",
        Field::Email => "email",
        Field::CompanyName => "company",
        Field::Source => "lead_source",
        _ => return None,
    })
}

fn text(value: &Value) -> Option<String> {
    value.as_text().map(str::to_owned)
}

impl Mapping {
    /// Refuses settings that cannot work.
    pub fn check(&self) -> Result<(), Error> {
        self.normalizer().check()?;
        if self.phone_priority.is_empty() {
            return Err(Error::InvalidMapping(
                "choose at least one HCP phone for the GHL phone".into(),
            ));
        }
        let distinct: BTreeSet<_> = self.phone_priority.iter().collect();
        if distinct.len() != self.phone_priority.len() {
            return Err(Error::InvalidMapping(
                "each HCP phone may appear once in the phone order".into(),
            ));
        }
        let mut keys: Vec<&str> = self
            .phone_custom_fields
            .values()
            .map(String::as_str)
            .collect();
        keys.push(&self.hcp_id_custom_field);
        if keys.iter().any(|k| k.trim().is_empty()) {
            return Err(Error::InvalidMapping(
                "a GHL custom field key is empty".into(),
            ));
        }
        let distinct: BTreeSet<_> = keys.iter().collect();
        if distinct.len() != keys.len() {
            return Err(Error::InvalidMapping(
                "each GHL custom field may hold only one value".into(),
            ));
        }
        Ok(())
    }

    pub fn normalizer(&self) -> Normalizer {
        Normalizer {
            default_country_code: self.default_country_code.clone(),
        }
    }

    /// One line per rule, for the Settings screen and the preview.
    pub fn describe(&self) -> Vec<String> {
        let kinds = |ks: &[PhoneKind]| {
            ks.iter()
                .map(|k| k.hcp_property())
                .collect::<Vec<_>>()
                .join(", else ")
        };
        let mut lines = vec![
            "first_name / last_name ↔ firstName / lastName".to_owned(),
            "email ↔ email (compared lowercase)".to_owned(),
            format!(
                "{} ↔ phone (numbers compared in E.164, default country code +{})",
                kinds(&self.phone_priority),
                self.default_country_code
            ),
        ];
        for (kind, key) in &self.phone_custom_fields {
            lines.push(format!(
                "{} (when not the phone) ↔ custom field {key}",
                kind.hcp_property()
            ));
        }
        lines.extend([
            "company ↔ companyName (HCP company_name is your own account and is not synced)"
                .to_owned(),
            format!(
                "{} address → address1 (street, line 2), city, state, postalCode, country; \
                 HCP → GHL only, since HCP addresses cannot be updated",
                match self.address {
                    AddressChoice::PreferService => "first service (else first)",
                    AddressChoice::PreferBilling => "first billing (else first)",
                    AddressChoice::First => "first",
                }
            ),
            "lead_source ↔ source".to_owned(),
            if self.sync_tags {
                "tags ↔ tags, tag by tag: additions and removals on either side are copied, \
                 no list is ever replaced"
                    .to_owned()
            } else {
                "tags are not synced".to_owned()
            },
            if self.notes_to_ghl {
                "notes → a GHL note starting with [HCP note <hash>], created once per text"
                    .to_owned()
            } else {
                "notes are not synced".to_owned()
            },
            format!(
                "the HCP customer id is kept in custom field {}",
                self.hcp_id_custom_field
            ),
            "deletes are never synced; conflicting edits change nothing until you choose"
                .to_owned(),
        ]);
        lines
    }

    /// The HCP number that is the GHL phone: the first non-blank in priority order.
    pub fn hcp_phone_kind(&self, customer: &HcpCustomer) -> Option<PhoneKind> {
        self.phone_priority
            .iter()
            .copied()
            .find(|k| customer.number(*k).is_some_and(|n| !n.trim().is_empty()))
    }

    fn chosen_address<'a>(&self, customer: &'a HcpCustomer) -> Option<&'a HcpAddress> {
        let of_kind = |kind: &str| {
            customer
                .addresses
                .iter()
                .find(|a| a.kind.as_deref() == Some(kind))
        };
        match self.address {
            AddressChoice::PreferService => of_kind("service"),
            AddressChoice::PreferBilling => of_kind("billing"),
            AddressChoice::First => None,
        }
        .or_else(|| customer.addresses.first())
    }

    /// The HCP side as a record.
    pub fn hcp_record(&self, c: &HcpCustomer) -> Record {
        let n = self.normalizer();
        let mut r = Record::new();
        r.set_raw(Field::FirstName, c.first_name.as_deref(), &n);
        r.set_raw(Field::LastName, c.last_name.as_deref(), &n);
        r.set_raw(Field::Email, c.email.as_deref(), &n);
        let primary = self.hcp_phone_kind(c);
        r.set_raw(Field::Phone, primary.and_then(|k| c.number(k)), &n);
        for kind in self.phone_custom_fields.keys() {
            if Some(*kind) != primary {
                r.set_raw(Field::ExtraPhone(*kind), c.number(*kind), &n);
            }
        }
        r.set_raw(Field::CompanyName, c.company.as_deref(), &n);
        if let Some(a) = self.chosen_address(c) {
            let street: Vec<&str> = [a.street.as_deref(), a.street_line_2.as_deref()]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            r.set_raw(Field::Address1, Some(&street.join(", ")), &n);
            r.set_raw(Field::City, a.city.as_deref(), &n);
            r.set_raw(Field::State, a.state.as_deref(), &n);
            r.set_raw(Field::PostalCode, a.zip.as_deref(), &n);
            r.set_raw(Field::Country, a.country.as_deref(), &n);
        }
        r.set_raw(Field::Source, c.lead_source.as_deref(), &n);
        if self.sync_tags {
            r.set_tags(c.tags.iter().map(String::as_str));
        }
        if self.notes_to_ghl {
            r.set_raw(Field::Note, c.notes.as_deref(), &n);
        }
        r
    }

    /// The GHL side as a record ([`Field::Note`] = the stamps found in its notes).
    pub fn ghl_record(&self, c: &GhlContact) -> Record {
        let n = self.normalizer();
        let mut r = Record::new();
        r.set_raw(Field::FirstName, c.first_name.as_deref(), &n);
        r.set_raw(Field::LastName, c.last_name.as_deref(), &n);
        r.set_raw(Field::Email, c.email.as_deref(), &n);
        r.set_raw(Field::Phone, c.phone.as_deref(), &n);
        for (kind, key) in &self.phone_custom_fields {
            r.set_raw(
                Field::ExtraPhone(*kind),
                c.custom_fields.get(key).map(String::as_str),
                &n,
            );
        }
        r.set_raw(Field::CompanyName, c.company_name.as_deref(), &n);
        r.set_raw(Field::Address1, c.address1.as_deref(), &n);
        r.set_raw(Field::City, c.city.as_deref(), &n);
        r.set_raw(Field::State, c.state.as_deref(), &n);
        r.set_raw(Field::PostalCode, c.postal_code.as_deref(), &n);
        r.set_raw(Field::Country, c.country.as_deref(), &n);
        r.set_raw(Field::Source, c.source.as_deref(), &n);
        if self.sync_tags {
            r.set_tags(c.tags.iter().map(String::as_str));
        }
        if self.notes_to_ghl {
            let stamps = note_stamps(c.note_bodies.iter().map(String::as_str));
            r.set(Field::Note, Value::from_set(stamps));
        }
        r
    }

    /// The contact fields to send to GHL for `changes` (tags and notes excluded).
    pub fn ghl_write(&self, changes: &[Change]) -> GhlWrite {
        let mut w = GhlWrite::default();
        for c in changes {
            if let Some(prop) = ghl_property(c.field) {
                w.fields.insert(prop.to_owned(), text(&c.to));
            } else if let Field::ExtraPhone(kind) = c.field {
                if let Some(key) = self.phone_custom_fields.get(&kind) {
                    w.custom_fields.insert(key.clone(), text(&c.to));
                }
            }
        }
        w
    }

    /// The customer fields to send to HCP for `changes` against `current`.
    ///
    /// The GHL phone goes to the HCP number that currently is the phone (the
    /// first of [`Mapping::phone_priority`] when there is none). An extra
    /// phone aimed at that same number is dropped: the phone wins.
    pub fn hcp_write(&self, current: &HcpCustomer, changes: &[Change]) -> HcpWrite {
        let mut w = HcpWrite::default();
        let phone_kind = self
            .hcp_phone_kind(current)
            .unwrap_or(self.phone_priority[0]);
        for c in changes {
            let prop = match c.field {
                Field::Phone => phone_kind.hcp_property(),
                Field::ExtraPhone(kind) if kind == phone_kind => continue,
                Field::ExtraPhone(kind) => kind.hcp_property(),
                Field::Tags => {
                    w.tags = Some(merge_tag_spelling(&current.tags, &c.to.set()));
                    continue;
                }
                f => match hcp_property(f) {
                    Some(p) => p,
                    None => continue,
                },
            };
            w.fields.insert(prop.to_owned(), text(&c.to));
        }
        w
    }

    /// The GHL create body for a new contact holding `values`.
    pub fn ghl_create(&self, values: &Record, hcp_id: Option<&str>) -> GhlWrite {
        let changes: Vec<Change> = values
            .iter()
            .map(|(field, v)| Change {
                field,
                from: Value::Missing,
                to: v.clone(),
            })
            .collect();
        let mut w = self.ghl_write(&changes);
        if let Some(id) = hcp_id {
            w.custom_fields
                .insert(self.hcp_id_custom_field.clone(), Some(id.to_owned()));
        }
        w.fields.retain(|_, v| v.is_some());
        w
    }

    /// The HCP create body for a new customer holding `values`.
    pub fn hcp_create(&self, values: &Record) -> HcpWrite {
        let changes: Vec<Change> = values
            .iter()
            .map(|(field, v)| Change {
                field,
                from: Value::Missing,
                to: v.clone(),
            })
            .collect();
        let mut w = self.hcp_write(&HcpCustomer::default(), &changes);
        w.fields.retain(|_, v| v.is_some());
        w
    }
}

/// The new HCP tag list: HCP's existing tags in their own spelling where
/// they are kept, then the added ones.
fn merge_tag_spelling(current: &[String], target: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for t in current {
        if let Some(n) = normalize::tag(t) {
            if target.contains(&n) && seen.insert(n) {
                out.push(t.trim().to_owned());
            }
        }
    }
    out.extend(target.iter().filter(|t| !seen.contains(*t)).cloned());
    out
}
