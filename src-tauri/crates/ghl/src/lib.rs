//! Typed client for the GoHighLevel (LeadConnector) v2 contacts API.
//!
//! Field names follow `apps/contacts.json` (see `shared/specs/API-NOTES.md`).
//! Every model keeps unknown fields in `extra`, because the live API carries
//! more (and drifting) fields than the spec documents.

mod client;
pub mod datetime;
mod error;
pub mod models;
mod serde_lenient;

pub use client::{AccessToken, Client, ClientConfig, API_VERSION, DEFAULT_BASE_URL};
pub use error::Error;
pub use models::{
    Appointment, Contact, CustomField, Note, SearchContact, SearchPage, SearchRequest,
    SortDirection, SortSpec, Task,
};
