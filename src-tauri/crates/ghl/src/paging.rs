//! Page walkers: every page of a search (via `searchAfter`, so past the
//! 10,000-record cap of page numbers) or of the deprecated contact list (via
//! `meta.startAfterId` / `meta.startAfter`).
//!
//! Each walker stops at an empty page, at a page without a cursor, and at a
//! cursor it has already followed (a server that repeats itself would
//! otherwise loop forever). After an error the walker keeps its place:
//! calling `next_page` again retries the same page.

use std::collections::HashSet;

use crate::client::Client;
use crate::error::Error;
use crate::models::{ContactsPage, LegacyListRequest, SearchContact, SearchPage, SearchRequest};

/// Walks `POST /contacts/search` page by page.
#[derive(Debug)]
pub struct SearchPages {
    client: Client,
    next: Option<SearchRequest>,
    seen: HashSet<String>,
}

impl SearchPages {
    /// The next page, or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Option<Result<SearchPage, Error>> {
        let request = self.next.take()?;
        match self.client.search_contacts(&request).await {
            Ok(page) => {
                self.next = request.next_page(&page).filter(|next| {
                    let key = serde_json::to_string(&next.search_after).unwrap_or_default();
                    self.seen.insert(key)
                });
                Some(Ok(page))
            }
            Err(e) => {
                self.next = Some(request);
                Some(Err(e))
            }
        }
    }
}

/// Walks the deprecated `GET /contacts/` page by page, keeping the query and
/// limit of the first request on every follow-up.
#[derive(Debug)]
pub struct LegacyContactPages {
    client: Client,
    next: Option<LegacyListRequest>,
    seen: HashSet<(Option<String>, Option<u64>)>,
}

impl LegacyContactPages {
    /// The next page, or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Option<Result<ContactsPage, Error>> {
        let request = self.next.take()?;
        match self.client.list_contacts_legacy(&request).await {
            Ok(page) => {
                self.next = request.next_page(&page).filter(|next| {
                    self.seen
                        .insert((next.start_after_id.clone(), next.start_after))
                });
                Some(Ok(page))
            }
            Err(e) => {
                self.next = Some(request);
                Some(Err(e))
            }
        }
    }

    /// Every remaining contact, in page order.
    pub async fn collect_all(mut self) -> Result<Vec<crate::Contact>, Error> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?.contacts);
        }
        Ok(all)
    }
}

impl Client {
    /// A walker over every page of `request`, following `searchAfter`.
    pub fn search_pages(&self, request: SearchRequest) -> SearchPages {
        let mut seen = HashSet::new();
        if request.search_after.is_some() {
            seen.insert(serde_json::to_string(&request.search_after).unwrap_or_default());
        }
        SearchPages {
            client: self.clone(),
            next: Some(request),
            seen,
        }
    }

    /// Every contact `request` matches, across all pages (`searchAfter`
    /// paging, so not limited to 10,000). Sort by a stable field (the
    /// default sort is fine) so the cursor means the same on every page.
    pub async fn search_all(&self, request: SearchRequest) -> Result<Vec<SearchContact>, Error> {
        let mut pages = self.search_pages(request);
        let mut all = Vec::new();
        while let Some(page) = pages.next_page().await {
            all.extend(page?.contacts);
        }
        Ok(all)
    }

    /// A walker over every page of the deprecated `GET /contacts/`.
    pub fn legacy_contacts_stream(&self, request: LegacyListRequest) -> LegacyContactPages {
        let mut seen = HashSet::new();
        if request.start_after_id.is_some() || request.start_after.is_some() {
            seen.insert((request.start_after_id.clone(), request.start_after));
        }
        LegacyContactPages {
            client: self.clone(),
            next: Some(request),
            seen,
        }
    }
}
