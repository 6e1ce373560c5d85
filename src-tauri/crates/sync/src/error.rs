//! The one error type of the crate.

use crate::model::Side;
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
    /// A call to Housecall Pro or GoHighLevel failed while reading or
    /// looking up (nothing was written by this call).
    #[error("{message}")]
    Remote {
        side: Side,
        code: String,
        message: String,
    },
    /// The record to sync does not exist (any more) on that side.
    #[error("{} has no record {id}", side.name())]
    NotFound { side: Side, id: String },
    /// Several records of the other side match; the person must choose one.
    #[error("{count} {} records match; choose which one to sync with", side.name())]
    NeedsMatchChoice { side: Side, count: usize },
    /// The chosen record cannot be used (e.g. it is linked to another one).
    #[error("the chosen record cannot be used: {0}")]
    BadMatchChoice(String),
    /// An apply step failed; earlier steps are recorded and applying again
    /// resumes after them.
    #[error("sync stopped at step {step}: {message}. Retry to continue from there")]
    StepFailed { step: String, message: String },
    /// The local sync state could not be read or written.
    #[error("{0}")]
    Store(String),
}

impl Error {
    /// Stable code the UI can branch on.
    pub fn code(&self) -> &str {
        match self {
            Error::UnknownField(_) => "unknown_field",
            Error::InvalidMapping(_) => "invalid_mapping",
            Error::NoRecord => "no_record",
            Error::CannotCreate(_) => "cannot_create",
            Error::Invalid(_) => "invalid_data",
            Error::Remote { code, .. } => code,
            Error::NotFound { .. } => "not_found",
            Error::NeedsMatchChoice { .. } => "needs_match_choice",
            Error::BadMatchChoice(_) => "bad_match_choice",
            Error::StepFailed { .. } => "step_failed",
            Error::Store(_) => "store_failed",
        }
    }
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        Error::Store(e.to_string())
    }
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
