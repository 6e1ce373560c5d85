//! Query parameters of the two list operations.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    Asc,
    Desc,
}

impl SortDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDirection::Asc => "asc",
            SortDirection::Desc => "desc",
        }
    }
}

/// `sort_by` of `GET /customers` (the API's default is `created_at`).
/// `updated_at` is what incremental polling uses; it is observed to work
/// but not listed in the spec, which types `sort_by` as a free string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerSort {
    CreatedAt,
    UpdatedAt,
}

impl CustomerSort {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerSort::CreatedAt => "created_at",
            CustomerSort::UpdatedAt => "updated_at",
        }
    }
}

/// `GET /customers`. Unset fields are not sent (the API's defaults: page 1,
/// 10 per page, newest `created_at` first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    /// Searches name, email, mobile number and address. Blank = no search.
    pub q: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    pub sort_by: Option<CustomerSort>,
    pub sort_direction: Option<SortDirection>,
}

impl CustomerQuery {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            pairs.push(("q", q.to_owned()));
        }
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(size) = self.page_size {
            pairs.push(("page_size", size.to_string()));
        }
        if let Some(sort) = self.sort_by {
            pairs.push(("sort_by", sort.as_str().to_owned()));
        }
        if let Some(direction) = self.sort_direction {
            pairs.push(("sort_direction", direction.as_str().to_owned()));
        }
        pairs
    }
}

/// `sort_by` of `GET /customers/{customer_id}/addresses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressSort {
    CreatedAt,
    UpdatedAt,
}

impl AddressSort {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressSort::CreatedAt => "created_at",
            AddressSort::UpdatedAt => "updated_at",
        }
    }
}

/// `GET /customers/{customer_id}/addresses`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressQuery {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    pub sort_by: Option<AddressSort>,
    pub sort_direction: Option<SortDirection>,
}

impl AddressQuery {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(size) = self.page_size {
            pairs.push(("page_size", size.to_string()));
        }
        if let Some(sort) = self.sort_by {
            pairs.push(("sort_by", sort.as_str().to_owned()));
        }
        if let Some(direction) = self.sort_direction {
            pairs.push(("sort_direction", direction.as_str().to_owned()));
        }
        pairs
    }
}
