//! Typed client for the Housecall Pro (HCP) public API: customers and their
//! addresses.
//!
//! Field names follow `housecallpro/housecall.v1.yaml` (see
//! `shared/specs/API-NOTES.md` §8). Every model keeps unknown fields in
//! `extra`: the spec is a vendored copy of unclear age, and the live API may
//! carry more than it documents.
//!
//! Every request goes through one send path that adds `Authorization: Token
//! <api key>`, applies the retry rules ([`RetryPolicy`]) and maps failures to
//! the crate's one [`Error`] type.

mod client;
mod error;
pub mod models;
mod paging;
mod retry;
mod serde_lenient;
mod validate;

pub use client::{ApiKey, Client, ClientConfig, ClientStats, DEFAULT_BASE_URL};
pub use error::Error;
pub use models::{
    Address, AddressInput, AddressQuery, AddressSort, AddressesPage, Attachment, Customer,
    CustomerInput, CustomerQuery, CustomerSort, CustomerUpdate, CustomersPage, NewCustomerAddress,
    SortDirection,
};
pub use paging::{CustomerPages, DEFAULT_WALK_PAGE_SIZE};
pub use retry::RetryPolicy;
