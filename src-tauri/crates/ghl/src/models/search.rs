//! `POST /contacts/search`: request body and the `SearchContactSuccessResponseDto`
//! / `Contact` schemas, which survive only in the history copy of the spec
//! (`ghl/history/apps-contacts-7f7c8a65.json`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{first_non_blank, join_name, CustomField, Extra};
use crate::serde_lenient as lenient;

/// A contact as listed by search. Differs from [`super::Contact`]: `address`
/// instead of `address1`, `contactName`, epoch-millis `dateOfBirth`, and a
/// `searchAfter` cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchContact {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub last_name: Option<String>,
    /// Not in the spec's schema but present in live payloads (issue #314).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub contact_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub source: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub contact_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub date_updated: Option<String>,
    /// Epoch millis in live search payloads, a string in the spec; see
    /// [`crate::datetime::parse_ghl_datetime_value`].
    #[serde(default, deserialize_with = "lenient::opt_value")]
    pub date_of_birth: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::lenient_vec")]
    pub custom_fields: Vec<CustomField>,
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub additional_emails: Vec<String>,
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub additional_phones: Vec<String>,
    /// Opaque paging cursor (sort value(s) + id); send the last one back.
    #[serde(default, deserialize_with = "lenient::opt_value_vec")]
    pub search_after: Option<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl SearchContact {
    /// Best human label: contact name, first + last, company, email, phone, then id.
    pub fn display_name(&self) -> String {
        first_non_blank([self.contact_name.as_deref()])
            .or_else(|| join_name(self.first_name.as_deref(), self.last_name.as_deref()))
            .or_else(|| {
                first_non_blank([
                    self.company_name.as_deref(),
                    self.email.as_deref(),
                    self.phone.as_deref(),
                ])
            })
            .unwrap_or_else(|| self.id.clone())
    }
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub contacts: Vec<SearchContact>,
    /// Total matches for the query, across all pages.
    #[serde(deserialize_with = "lenient::count")]
    pub total: u64,
}

impl SearchPage {
    /// Cursor for the next page: the last contact's `searchAfter`. `None` when
    /// the page is empty or the last contact carries no cursor.
    pub fn next_search_after(&self) -> Option<Vec<Value>> {
        self.contacts.last()?.search_after.clone()
    }
}

/// Body of `POST /contacts/search` (minus `locationId`, which the client adds).
///
/// Only `locationId` and `pageLimit` are known to be required (API-NOTES §4.2).
/// Page through everything with `searchAfter` ([`SearchRequest::next_page`],
/// [`crate::Client::search_all`]); `page`-based paging stops at 10,000 records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchRequest {
    /// Free text; `None` or blank lists everything.
    pub query: Option<String>,
    /// Page size. Nothing documents a maximum; 100 is what known clients use.
    pub page_limit: u32,
    /// Cursor from [`SearchPage::next_search_after`]; `None` for the first page.
    pub search_after: Option<Vec<Value>>,
    pub sort: Vec<SortSpec>,
    /// Sent as `filters`; all must match (wrap in [`SearchFilter::any`] for OR).
    pub filters: Vec<SearchFilter>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            query: None,
            page_limit: Self::DEFAULT_PAGE_LIMIT,
            search_after: None,
            sort: Vec::new(),
            filters: Vec::new(),
        }
    }
}

impl SearchRequest {
    pub const DEFAULT_PAGE_LIMIT: u32 = 100;

    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    pub fn with_page_limit(mut self, page_limit: u32) -> Self {
        self.page_limit = page_limit;
        self
    }

    pub fn with_search_after(mut self, cursor: Option<Vec<Value>>) -> Self {
        self.search_after = cursor;
        self
    }

    pub fn sorted_by(mut self, field: impl Into<String>, direction: SortDirection) -> Self {
        self.sort.push(SortSpec {
            field: field.into(),
            direction,
        });
        self
    }

    pub fn with_filter(mut self, filter: SearchFilter) -> Self {
        self.filters.push(filter);
        self
    }

    /// The same search continued after `page`, or `None` when `page` was the
    /// last one (short page or no cursor).
    pub fn next_page(&self, page: &SearchPage) -> Option<SearchRequest> {
        if page.contacts.is_empty() || page.contacts.len() < self.page_limit as usize {
            return None;
        }
        let cursor = page.next_search_after()?;
        // A cursor equal to the one just sent would loop forever.
        if self.search_after.as_ref() == Some(&cursor) {
            return None;
        }
        Some(self.clone().with_search_after(Some(cursor)))
    }

    /// The query to send, if any (blank text means "no filter").
    pub(crate) fn effective_query(&self) -> Option<&str> {
        self.query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortSpec {
    pub field: String,
    pub direction: SortDirection,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// One entry of the search body's `filters`: a condition
/// `{ field, operator, value }` or a group `{ group: "AND" | "OR", filters }`.
///
/// Field names are the API's internal ones (`firstNameLowerCase`, `tags`,
/// `email`, …; an unknown field is a 400 "Invalid field"). Operators seen in
/// use: `eq`, `not_eq`, `contains`, `not_contains`, `exists`, `not_exists`,
/// `range`, `gt`, `gte`, `lt`, `lte` (uncertain, API-NOTES §4.2), so the
/// operator is free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SearchFilter {
    Group {
        group: FilterGroup,
        filters: Vec<SearchFilter>,
    },
    Condition {
        field: String,
        operator: String,
        /// Left out when `null` (e.g. for `exists`).
        #[serde(default, skip_serializing_if = "Value::is_null")]
        value: Value,
    },
}

impl SearchFilter {
    pub fn new(
        field: impl Into<String>,
        operator: impl Into<String>,
        value: impl Into<Value>,
    ) -> Self {
        SearchFilter::Condition {
            field: field.into(),
            operator: operator.into(),
            value: value.into(),
        }
    }

    /// `{ field, operator: "eq", value }`.
    pub fn eq(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::new(field, "eq", value)
    }

    /// All of `filters` must match.
    pub fn all(filters: Vec<SearchFilter>) -> Self {
        SearchFilter::Group {
            group: FilterGroup::And,
            filters,
        }
    }

    /// Any of `filters` may match.
    pub fn any(filters: Vec<SearchFilter>) -> Self {
        SearchFilter::Group {
            group: FilterGroup::Or,
            filters,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FilterGroup {
    And,
    Or,
}
