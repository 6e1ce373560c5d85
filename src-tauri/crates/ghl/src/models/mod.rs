//! Response and request models, one file per API resource.

mod appointment;
mod contact;
mod input;
mod list;
mod location;
mod note;
pub(crate) mod responses;
mod search;
mod task;

pub use appointment::Appointment;
pub use contact::{Contact, CustomField};
pub(crate) use input::tag_list;
pub use input::{
    ContactInput, ContactUpdate, CustomFieldInput, NoteInput, NoteUpdate, TaskInput, TaskUpdate,
};
pub use list::{
    BusinessQuery, ContactsPage, DuplicateQuery, LegacyListRequest, ListMeta, UpsertOutcome,
};
pub use location::Location;
pub(crate) use location::LocationEnvelope;
pub use note::Note;
pub use search::{
    FilterGroup, SearchContact, SearchFilter, SearchPage, SearchRequest, SortDirection, SortSpec,
};
pub use task::Task;

/// Unknown fields of a model, kept so nothing the API sends is lost.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Joins non-empty name parts; shared by the contact models' `display_name`.
pub(crate) fn join_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let joined = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// First of `candidates` that is present and not blank.
pub(crate) fn first_non_blank<'a>(
    candidates: impl IntoIterator<Item = Option<&'a str>>,
) -> Option<String> {
    candidates
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
