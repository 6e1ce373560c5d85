//! The pure part of syncing one Housecall Pro customer with one GoHighLevel
//! contact: a neutral record per side ([`Record`]), the mapping from and to
//! both APIs ([`Mapping`]), the field-level three-way merge ([`plan`]), the
//! checks before sending ([`validate`]) and the apply steps ([`steps`]).
//!
//! No I/O, no async: the caller reads both sides, builds the records with the
//! mapping, plans, shows the plan, then executes the steps.

mod apply;
mod error;
mod mapping;
mod model;
mod normalize;
mod plan;
mod validate;

pub use apply::{steps, Action, Apply, Step, StepId};
pub use error::Error;
pub use mapping::{
    AddressChoice, GhlContact, GhlWrite, HcpAddress, HcpCustomer, HcpWrite, Mapping,
};
pub use model::{Field, PhoneKind, Record, Side, Snapshot, Value};
pub use normalize::{
    is_e164, is_email, note_body, note_stamp, note_stamps, phone as normalize_phone, Normalizer,
    PhoneProblem,
};
pub use plan::{plan, Change, Choice, Choices, Conflict, Plan};
pub use validate::{validate, FieldError};
