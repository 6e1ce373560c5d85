//! The neutral model both sides are translated into: synced fields, values,
//! and one record per side.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::normalize::{self, Normalizer};

/// One of Housecall Pro's three phone numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Home,
    Work,
}

impl PhoneKind {
    pub const ALL: [PhoneKind; 3] = [PhoneKind::Mobile, PhoneKind::Home, PhoneKind::Work];

    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Home => "home",
            PhoneKind::Work => "work",
        }
    }

    /// The HCP `Customer` property holding this number.
    pub fn hcp_property(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile_number",
            PhoneKind::Home => "home_number",
            PhoneKind::Work => "work_number",
        }
    }
}

/// A synced field. Serialised as a stable string (`"email"`,
/// `"extra_phone.home"`) so it can key JSON maps in stored snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    FirstName,
    LastName,
    Email,
    /// GHL's one phone ↔ the HCP number chosen by [`crate::Mapping::phone_priority`].
    Phone,
    /// An HCP number that is not the primary one ↔ a GHL custom field.
    ExtraPhone(PhoneKind),
    /// HCP `company` (the customer's business; not `company_name`) ↔ GHL `companyName`.
    CompanyName,
    Address1,
    City,
    State,
    PostalCode,
    Country,
    /// HCP `lead_source` ↔ GHL `source`.
    Source,
    /// A set of tag names, merged tag by tag.
    Tags,
    /// HCP `notes` → one stamped GHL note per distinct text (HCP → GHL only).
    Note,
}

impl Field {
    /// Every field, in display order.
    pub const ALL: [Field; 16] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::ExtraPhone(PhoneKind::Mobile),
        Field::ExtraPhone(PhoneKind::Home),
        Field::ExtraPhone(PhoneKind::Work),
        Field::CompanyName,
        Field::Address1,
        Field::City,
        Field::State,
        Field::PostalCode,
        Field::Country,
        Field::Source,
        Field::Tags,
        Field::Note,
    ];

    /// Fields that only flow from HCP to GHL. HCP has no endpoint to update
    /// an address in place (only to add one), and its notes are one free text
    /// while GHL notes are a list, so edits to these on the GHL side stay in
    /// GHL and are never sent to HCP.
    pub fn is_hcp_to_ghl_only(self) -> bool {
        matches!(
            self,
            Field::Address1
                | Field::City
                | Field::State
                | Field::PostalCode
                | Field::Country
                | Field::Note
        )
    }

    /// Whether values of this field are tag sets ([`Value::Set`]).
    pub fn is_set(self) -> bool {
        matches!(self, Field::Tags)
    }

    /// A label for people (preview, conflicts, validation messages).
    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::Email => "Email",
            Field::Phone => "Phone",
            Field::ExtraPhone(PhoneKind::Mobile) => "Mobile phone",
            Field::ExtraPhone(PhoneKind::Home) => "Home phone",
            Field::ExtraPhone(PhoneKind::Work) => "Work phone",
            Field::CompanyName => "Company",
            Field::Address1 => "Street address",
            Field::City => "City",
            Field::State => "State",
            Field::PostalCode => "Postal code",
            Field::Country => "Country",
            Field::Source => "Lead source",
            Field::Tags => "Tags",
            Field::Note => "Note",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::ExtraPhone(PhoneKind::Mobile) => "extra_phone.mobile",
            Field::ExtraPhone(PhoneKind::Home) => "extra_phone.home",
            Field::ExtraPhone(PhoneKind::Work) => "extra_phone.work",
            Field::CompanyName => "company_name",
            Field::Address1 => "address1",
            Field::City => "city",
            Field::State => "state",
            Field::PostalCode => "postal_code",
            Field::Country => "country",
            Field::Source => "source",
            Field::Tags => "tags",
            Field::Note => "note",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Field {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Field::ALL
            .into_iter()
            .find(|f| f.key() == s)
            .ok_or_else(|| Error::UnknownField(s.chars().take(40).collect()))
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A field's value on one side, already normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Set(BTreeSet<String>),
    #[default]
    Missing,
}

impl Value {
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The members of a set value; empty for anything else.
    pub fn set(&self) -> BTreeSet<String> {
        match self {
            Value::Set(s) => s.clone(),
            _ => BTreeSet::new(),
        }
    }

    /// A set value; the empty set is `Missing` so both compare equal.
    pub fn from_set(set: BTreeSet<String>) -> Value {
        if set.is_empty() {
            Value::Missing
        } else {
            Value::Set(set)
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Set(s) => {
                let items: Vec<&str> = s.iter().map(String::as_str).collect();
                f.write_str(&items.join(", "))
            }
            Value::Missing => f.write_str("(empty)"),
        }
    }
}

/// Which system a record, change or error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Hcp,
    Ghl,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Hcp => "Housecall Pro",
            Side::Ghl => "GoHighLevel",
        }
    }
}

/// One side's synced fields, normalised. `Missing` values are not stored, so
/// two records holding the same data are always equal.
///
/// On the GHL side [`Field::Note`] holds the set of note stamps already
/// present on the contact (see [`crate::note_stamp`]); on the HCP side it
/// holds the `notes` text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Record {
    fields: BTreeMap<Field, Value>,
}

impl<'de> Deserialize<'de> for Record {
    /// Goes through [`Record::set`] so stored `missing` or empty sets keep
    /// two equal records equal.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut r = Record::new();
        for (f, v) in BTreeMap::<Field, Value>::deserialize(d)? {
            r.set(f, v);
        }
        Ok(r)
    }
}

/// The record both sides held after the last sync (stored with the link).
pub type Snapshot = Record;

impl Record {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `field`, `Missing` when absent.
    pub fn get(&self, field: Field) -> &Value {
        const MISSING: Value = Value::Missing;
        self.fields.get(&field).unwrap_or(&MISSING)
    }

    /// Stores a value as is (it must already be normalised: use
    /// [`Record::set_raw`] for raw input). Empty sets and `Missing` remove the field.
    pub fn set(&mut self, field: Field, value: Value) {
        match value {
            Value::Missing => {
                self.fields.remove(&field);
            }
            Value::Set(s) if s.is_empty() => {
                self.fields.remove(&field);
            }
            v => {
                self.fields.insert(field, v);
            }
        }
    }

    /// Normalises raw text for `field` and stores it (blank = removed).
    pub fn set_raw(&mut self, field: Field, raw: Option<&str>, normalizer: &Normalizer) {
        let value = match raw {
            Some(raw) => normalizer.text(field, raw),
            None => Value::Missing,
        };
        self.set(field, value);
    }

    /// Normalises tag names and stores them as the record's tag set.
    pub fn set_tags<'a>(&mut self, tags: impl IntoIterator<Item = &'a str>) {
        let set = tags.into_iter().filter_map(normalize::tag).collect();
        self.set(Field::Tags, Value::from_set(set));
    }

    /// Fields with a value, in field order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &Value)> {
        self.fields.iter().map(|(f, v)| (*f, v))
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}
