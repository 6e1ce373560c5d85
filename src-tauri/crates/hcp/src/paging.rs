//! Walking every page of `GET /customers`.
//!
//! The API pages by number, so a record that moves while the walk is under
//! way (an update when sorting by `updated_at`) can be seen twice or not at
//! all; callers that need every change sort by `updated_at` ascending and
//! keep a watermark, or repeat the walk.

use time::OffsetDateTime;

use crate::client::Client;
use crate::error::Error;
use crate::models::{Customer, CustomerQuery, CustomerSort, CustomersPage, SortDirection};

/// Page size used when the query sets none: the largest one seen working in
/// production (the maximum is undocumented).
pub const DEFAULT_WALK_PAGE_SIZE: u32 = 50;

/// Walks the pages of one [`CustomerQuery`], from its `page` (default 1).
/// Stops after the last page the API reports (`total_pages`) or at an empty
/// page. After an error the walker keeps its place: calling
/// [`CustomerPages::next_page`] again retries the same page.
#[derive(Debug)]
pub struct CustomerPages {
    client: Client,
    query: CustomerQuery,
    next: Option<u32>,
}

impl CustomerPages {
    /// The next page, or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Option<Result<CustomersPage, Error>> {
        let page = self.next?;
        let query = CustomerQuery {
            page: Some(page),
            ..self.query.clone()
        };
        match self.client.list_customers(&query).await {
            Ok(result) => {
                let last = result.customers.is_empty() || u64::from(page) >= result.total_pages;
                self.next = if last { None } else { page.checked_add(1) };
                Some(Ok(result))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Every remaining customer, in page order.
    pub async fn collect_all(mut self) -> Result<Vec<Customer>, Error> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?.customers);
        }
        Ok(all)
    }
}

impl Client {
    /// A walker over every page of `query` ([`DEFAULT_WALK_PAGE_SIZE`] per
    /// page unless the query sets a size).
    pub fn customer_pages(&self, query: CustomerQuery) -> CustomerPages {
        let next = Some(query.page.unwrap_or(1).max(1));
        CustomerPages {
            client: self.clone(),
            query: CustomerQuery {
                page_size: Some(query.page_size.unwrap_or(DEFAULT_WALK_PAGE_SIZE)),
                ..query
            },
            next,
        }
    }

    /// Every customer `query` matches, across all pages.
    pub async fn all_customers(&self, query: CustomerQuery) -> Result<Vec<Customer>, Error> {
        self.customer_pages(query).collect_all().await
    }

    /// Customers changed at or after `since`, newest first: walks
    /// `sort_by=updated_at&sort_direction=desc` and stops at the first older
    /// one (HCP has no `updated_since` filter; API-NOTES §8.2). Inclusive, so
    /// a watermark taken from the newest `updated_at` seen returns that
    /// customer again rather than missing one changed in the same second.
    /// Customers whose `updated_at` cannot be read are included.
    pub async fn customers_updated_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<Customer>, Error> {
        let mut pages = self.customer_pages(CustomerQuery {
            sort_by: Some(CustomerSort::UpdatedAt),
            sort_direction: Some(SortDirection::Desc),
            ..CustomerQuery::default()
        });
        let mut out = Vec::new();
        while let Some(page) = pages.next_page().await {
            for customer in page?.customers {
                if customer.updated().is_some_and(|at| at < since) {
                    return Ok(out);
                }
                out.push(customer);
            }
        }
        Ok(out)
    }
}
