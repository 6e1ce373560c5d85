//! The pure part of syncing one Housecall Pro customer with one GoHighLevel
//! contact: a neutral record per side ([`Record`]), the mapping from and to
//! both APIs ([`Mapping`]), the field-level three-way merge ([`plan`]), the
//! checks before sending ([`validate`]) and the apply steps ([`steps`]).
//!
//! Those modules do no I/O. The [`SyncEngine`] does the rest against the
//! services: matching, reading both sides, preview, and the step-by-step
//! apply recorded in the store.

mod apply;
mod engine;
mod error;
mod mapping;
mod model;
mod normalize;
mod plan;
mod validate;

pub use apply::{steps, Action, Apply, Step, StepId};
pub use engine::{
    ApplyEvent, ApplyOutcome, Candidate, FollowUpTask, MatchChoice, MatchedBy, Matching,
    PlannedTask, Preview, SideView, SyncEngine, SyncSettings, SyncTarget,
};
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
