//! `GET /contacts/` (deprecated), `GET /contacts/business/{businessId}` and
//! the duplicate lookup: requests, the `ContactsSearchSuccessfulResponseDto`
//! page with its (unwired, uncertain) `ContactsMetaSchema` cursor.

use serde::{Deserialize, Serialize};

use super::{Contact, Extra};
use crate::serde_lenient as lenient;

/// A page of `{ contacts, count, meta? }`. Items are decoded as [`Contact`]
/// (the spec's `ContactsSearchSchema` is a subset of it; live payloads carry
/// more, kept in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactsPage {
    pub contacts: Vec<Contact>,
    /// Matches across all pages (absent or odd → `None`).
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub count: Option<u64>,
    /// Paging cursor of the deprecated list; `None` when absent or malformed.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub meta: Option<ListMeta>,
}

/// `ContactsMetaSchema`. The cursor for the next page is
/// `start_after_id` + `start_after`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub next_page_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub start_after_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub start_after: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub current_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub next_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub prev_page: Option<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Query of the deprecated `GET /contacts/` (`locationId` comes from the client).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LegacyListRequest {
    /// Free text.
    pub query: Option<String>,
    /// Page size, 1–100 (the API's default is 20).
    pub limit: Option<u32>,
    pub start_after_id: Option<String>,
    /// Epoch milliseconds.
    pub start_after: Option<u64>,
}

impl LegacyListRequest {
    pub const MAX_LIMIT: u32 = 100;

    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The same listing (query and limit kept) continued after `page`, or
    /// `None` when `page` is empty, carries no cursor, or repeats the cursor
    /// just sent.
    pub fn next_page(&self, page: &ContactsPage) -> Option<LegacyListRequest> {
        if page.contacts.is_empty() {
            return None;
        }
        let meta = page.meta.as_ref()?;
        let id = meta.start_after_id.clone().filter(|s| !s.is_empty());
        if id.is_none() && meta.start_after.is_none() {
            return None;
        }
        if id == self.start_after_id && meta.start_after == self.start_after {
            return None;
        }
        Some(LegacyListRequest {
            start_after_id: id,
            start_after: meta.start_after,
            ..self.clone()
        })
    }

    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(text) = self
            .query
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            q.push(("query", text.to_owned()));
        }
        if let Some(limit) = self.limit {
            q.push(("limit", limit.to_string()));
        }
        if let Some(id) = self.start_after_id.as_deref().filter(|s| !s.is_empty()) {
            q.push(("startAfterId", id.to_owned()));
        }
        if let Some(after) = self.start_after {
            q.push(("startAfter", after.to_string()));
        }
        q
    }
}

/// Query of `GET /contacts/business/{businessId}`; `limit` and `skip` go out
/// as strings, as the spec declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BusinessQuery {
    /// 1–100 (the API's default is 25).
    pub limit: Option<u32>,
    /// Records to skip (default 0).
    pub skip: Option<u32>,
    pub query: Option<String>,
}

impl BusinessQuery {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(limit) = self.limit {
            q.push(("limit", limit.to_string()));
        }
        if let Some(skip) = self.skip {
            q.push(("skip", skip.to_string()));
        }
        if let Some(text) = self
            .query
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            q.push(("query", text.to_owned()));
        }
        q
    }
}

/// What to look a duplicate up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuplicateQuery {
    Email(String),
    /// Any spelling [`crate::normalize_phone`] accepts; sent in E.164.
    Phone(String),
}

/// `POST /contacts/upsert` → `{ new, contact, traceId }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertOutcome {
    /// `true` when a contact was created, `false` when one was updated.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub new: bool,
    pub contact: Contact,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub trace_id: Option<String>,
}
