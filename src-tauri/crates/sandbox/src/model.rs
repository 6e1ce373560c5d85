//! In-memory records of the emulated GHL sub-account.
//!
//! Fields are plain Rust (snake_case, `OffsetDateTime`); the JSON shapes of the API
//! live next to the handlers in `crate::api`, one renderer per shape.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};

use crate::search::SearchIndex;

/// The single sub-account (GHL "location") the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub website: String,
    /// Staff that tasks, notes and appointments are assigned to.
    pub users: Vec<User>,
    pub calendars: Vec<Calendar>,
    pub custom_fields: Vec<CustomFieldDef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFieldDef {
    pub id: String,
    pub name: String,
    /// GHL-style key, e.g. `contact.equipment_age`.
    pub key: String,
}

/// A `{ id, value }` pair as GHL returns custom field values on reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFieldValue {
    pub id: String,
    pub value: String,
}

/// Where a contact came from; rendered as GHL's `attributionSource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub url: String,
    pub medium: String,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub campaign: Option<String>,
    pub referrer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub location_id: String,
    pub first_name: String,
    pub last_name: String,
    /// A few contacts have no email or phone, as in real accounts.
    pub email: Option<String>,
    /// E.164, e.g. `+13035550142`.
    pub phone: Option<String>,
    pub company_name: Option<String>,
    /// Set exactly when `company_name` is.
    pub business_id: Option<String>,
    pub tags: Vec<String>,
    pub source: String,
    /// `lead` or `customer`.
    pub contact_type: String,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: String,
    pub website: Option<String>,
    pub date_of_birth: Option<Date>,
    pub dnd: bool,
    pub assigned_to: Option<String>,
    pub custom_fields: Vec<CustomFieldValue>,
    pub attribution: Option<Attribution>,
    pub date_added: OffsetDateTime,
    pub date_updated: OffsetDateTime,
}

impl Contact {
    /// "First Last", as GHL's `name` / `contactName`.
    pub fn full_name(&self) -> String {
        match (self.first_name.is_empty(), self.last_name.is_empty()) {
            (false, false) => format!("{} {}", self.first_name, self.last_name),
            (false, true) => self.first_name.clone(),
            _ => self.last_name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub contact_id: String,
    pub title: String,
    pub body: String,
    pub assigned_to: Option<String>,
    pub due_date: OffsetDateTime,
    pub completed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub contact_id: String,
    pub body: String,
    pub title: Option<String>,
    /// Hex colour such as `#FFAA00`.
    pub color: Option<String>,
    pub pinned: bool,
    pub user_id: String,
    pub date_added: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentStatus {
    Booked,
    Confirmed,
    Cancelled,
    Showed,
}

impl AppointmentStatus {
    /// The wire value GHL uses for `status` / `appointmentStatus`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Showed => "showed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: String,
    pub contact_id: String,
    pub calendar_id: String,
    pub title: String,
    pub status: AppointmentStatus,
    pub assigned_user_id: String,
    pub notes: Option<String>,
    pub address: Option<String>,
    pub start_time: OffsetDateTime,
    pub end_time: OffsetDateTime,
    pub date_added: OffsetDateTime,
    pub date_updated: OffsetDateTime,
}

/// Everything the sandbox serves. Shared with the handlers behind an `RwLock`.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub location: Location,
    /// Seeded in default search order (newest `date_added` first).
    ///
    /// After changing this vector (or any field that search looks at), call
    /// [`Dataset::reindex`]: lookups and search use indexes built from it.
    pub contacts: Vec<Contact>,
    pub(crate) tasks: HashMap<String, Vec<Task>>,
    pub(crate) notes: HashMap<String, Vec<Note>>,
    pub(crate) appointments: HashMap<String, Vec<Appointment>>,
    pub(crate) by_id: HashMap<String, usize>,
    pub(crate) search: SearchIndex,
}

impl Dataset {
    pub fn new(
        location: Location,
        contacts: Vec<Contact>,
        tasks: HashMap<String, Vec<Task>>,
        notes: HashMap<String, Vec<Note>>,
        appointments: HashMap<String, Vec<Appointment>>,
    ) -> Dataset {
        let mut dataset = Dataset {
            location,
            contacts,
            tasks,
            notes,
            appointments,
            by_id: HashMap::new(),
            search: SearchIndex::default(),
        };
        dataset.reindex();
        dataset
    }

    /// Rebuilds the id lookup and the search orders from `contacts`.
    pub fn reindex(&mut self) {
        self.by_id = self
            .contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        self.search = SearchIndex::build(&self.contacts);
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.by_id.get(id).and_then(|&i| self.contacts.get(i))
    }

    pub fn tasks_of(&self, contact_id: &str) -> &[Task] {
        self.tasks.get(contact_id).map_or(&[], Vec::as_slice)
    }

    pub fn notes_of(&self, contact_id: &str) -> &[Note] {
        self.notes.get(contact_id).map_or(&[], Vec::as_slice)
    }

    pub fn appointments_of(&self, contact_id: &str) -> &[Appointment] {
        self.appointments.get(contact_id).map_or(&[], Vec::as_slice)
    }

    /// Mutable access for the write endpoints (a later issue).
    pub fn tasks_of_mut(&mut self, contact_id: &str) -> &mut Vec<Task> {
        self.tasks.entry(contact_id.to_owned()).or_default()
    }

    pub fn notes_of_mut(&mut self, contact_id: &str) -> &mut Vec<Note> {
        self.notes.entry(contact_id.to_owned()).or_default()
    }

    pub fn appointments_of_mut(&mut self, contact_id: &str) -> &mut Vec<Appointment> {
        self.appointments.entry(contact_id.to_owned()).or_default()
    }
}
