//! The one error type of the crate.

use crate::validate::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stored snapshot, choice or mapping names a field this version does not know.
    #[error("unknown sync field \"{0}\"")]
    UnknownField(String),
    /// The mapping settings cannot be used as they are.
    #[error("sync mapping: {0}")]
    InvalidMapping(String),
    /// Neither an HCP customer nor a GHL contact was given.
    #[error("there is no record to sync: neither side was found")]
    NoRecord,
    /// The record to create lacks what the other side requires.
    #[error("cannot create the record: {0}")]
    CannotCreate(String),
    /// The plan holds values the other side would refuse; nothing was sent.
    #[error("nothing was sent: {}", join(.0))]
    Invalid(Vec<FieldError>),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
