//! Typed client for the GoHighLevel (LeadConnector) v2 contacts API.
//!
//! Field names follow `apps/contacts.json` (see `shared/specs/API-NOTES.md`).
//! Every model keeps unknown fields in `extra`, because the live API carries
//! more (and drifting) fields than the spec documents.
//!
//! Every request goes through one send path that applies the per-location
//! rate limiter ([`RateLimit`]), the retry rules ([`RetryPolicy`]) and the
//! error mapping ([`Error`]).

mod client;
pub mod datetime;
mod error;
mod limiter;
pub mod models;
mod paging;
mod retry;
mod serde_lenient;
mod validate;
mod writes;

pub use client::{
    AccessToken, Client, ClientConfig, ClientStats, TokenFuture, TokenSource, API_VERSION,
    DEFAULT_BASE_URL,
};
pub use error::Error;
pub use limiter::RateLimit;
pub use models::{
    Appointment, BusinessQuery, Contact, ContactInput, ContactUpdate, ContactsPage, CustomField,
    CustomFieldInput, DuplicateQuery, FilterGroup, LegacyListRequest, ListMeta, Location, Note,
    NoteInput, NoteUpdate, SearchContact, SearchFilter, SearchPage, SearchRequest, SortDirection,
    SortSpec, Task, TaskInput, TaskUpdate, UpsertOutcome,
};
pub use paging::{LegacyContactPages, SearchPages};
pub use retry::RetryPolicy;
pub use validate::normalize_phone;
