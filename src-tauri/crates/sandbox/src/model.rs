//! In-memory records of the emulated GHL sub-account.
//!
//! Fields are plain Rust (snake_case, `OffsetDateTime`); the JSON shapes of the API
//! live next to the handlers in `crate::api`, one renderer per shape.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};

use crate::search::SearchIndex;
use crate::seed::Dice;

/// The single sub-account (GHL "location") the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: String,
    /// The agency (GHL "company") the location belongs to; the same for every
    /// location of a sandbox, and the `companyId` of its OAuth token answers.
    pub company_id: String,
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
    /// GHL's "Allow Duplicate Contact" setting. Off (the default), a create with
    /// the email or phone of an existing contact is refused with a 400.
    pub allow_duplicate_contacts: bool,
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
    /// Seeded in default search order (newest `date_added` first); contacts
    /// created through the API are appended.
    ///
    /// After changing this vector (or any field that search looks at) directly,
    /// call [`Dataset::reindex`]: lookups and search use indexes built from it.
    /// The write methods below keep the indexes right themselves.
    pub contacts: Vec<Contact>,
    pub(crate) tasks: HashMap<String, Vec<Task>>,
    pub(crate) notes: HashMap<String, Vec<Note>>,
    pub(crate) appointments: HashMap<String, Vec<Appointment>>,
    pub(crate) by_id: HashMap<String, usize>,
    pub(crate) search: SearchIndex,
    /// Set by writes; the search index is rebuilt lazily, once per burst of
    /// writes, by the next listing ([`Dataset::refresh_index`]).
    pub(crate) search_stale: bool,
    /// Ids for records created through the API (seeded from the location id, so
    /// a replayed session creates the same ids).
    pub(crate) ids: Dice,
}

impl Dataset {
    pub fn new(
        location: Location,
        contacts: Vec<Contact>,
        tasks: HashMap<String, Vec<Task>>,
        notes: HashMap<String, Vec<Note>>,
        appointments: HashMap<String, Vec<Appointment>>,
    ) -> Dataset {
        let ids = Dice::new(fnv1a(location.id.as_bytes()), WRITE_ID_STREAM);
        let mut dataset = Dataset {
            location,
            contacts,
            tasks,
            notes,
            appointments,
            by_id: HashMap::new(),
            search: SearchIndex::default(),
            search_stale: false,
            ids,
        };
        dataset.reindex();
        dataset
    }

    /// Rebuilds the id lookup and the search orders from `contacts`.
    pub fn reindex(&mut self) {
        self.rebuild_ids();
        self.search = SearchIndex::build(&self.contacts);
        self.search_stale = false;
    }

    fn rebuild_ids(&mut self) {
        self.by_id = self
            .contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
    }

    /// Whether writes happened since the search index was last built. Search
    /// stays correct either way (it builds a throw-away index), just slower.
    pub fn index_is_stale(&self) -> bool {
        self.search_stale || !self.search.is_for(&self.contacts)
    }

    /// Rebuilds the search index if writes made it stale.
    pub fn refresh_index(&mut self) {
        if self.index_is_stale() {
            self.reindex();
        }
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

/// Keeps API-created ids apart from every seeded stream.
const WRITE_ID_STREAM: u64 = 1 << 50;

/// FNV-1a, to turn the location id into a seed without pulling in a hasher
/// whose output may change between Rust versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The writes of the API. Each keeps `by_id` right at once and marks the search
/// index stale; none of them touches `date_updated` (the handlers do).
impl Dataset {
    /// A fresh 20-character id (119 random bits: tasks and notes cannot collide
    /// in practice; contacts are checked anyway, their ids key the maps).
    pub fn new_id(&mut self) -> String {
        loop {
            let id = self.ids.id();
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// Mutable access to one contact; marks the search index stale.
    pub fn contact_mut(&mut self, id: &str) -> Option<&mut Contact> {
        let &pos = self.by_id.get(id)?;
        self.search_stale = true;
        self.contacts.get_mut(pos)
    }

    /// Appends a contact (its id must be new).
    pub fn insert_contact(&mut self, contact: Contact) {
        self.by_id.insert(contact.id.clone(), self.contacts.len());
        self.contacts.push(contact);
        self.search_stale = true;
    }

    /// Removes a contact with its tasks, notes and appointments.
    pub fn remove_contact(&mut self, id: &str) -> Option<Contact> {
        let pos = *self.by_id.get(id)?;
        let contact = self.contacts.remove(pos);
        self.tasks.remove(id);
        self.notes.remove(id);
        self.appointments.remove(id);
        self.rebuild_ids();
        self.search_stale = true;
        Some(contact)
    }

    /// The first contact (in `contacts` order) with this email, ignoring case.
    pub fn find_by_email(&self, email: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| {
            c.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    }

    /// The first contact with exactly this (E.164) phone.
    pub fn find_by_phone(&self, phone: &str) -> Option<&Contact> {
        self.contacts
            .iter()
            .find(|c| c.phone.as_deref() == Some(phone))
    }
}
