//! Filling the cache from GHL: the first full pull (resumable after a cancel,
//! a crash or a kill) and the incremental refresh after it.
//!
//! Both walk `POST /contacts/search` by `searchAfter` cursor in a stable
//! order (the API sorts by the requested field, then by id, and the cursor
//! is that pair), so a page is never repeated or skipped. Each page is stored
//! with the cursor after it in one transaction: whatever kills the process,
//! the next run starts right after the last stored page.
//!
//! Writes run on tokio's blocking pool while the next page is fetched, so
//! the async threads never wait for SQLite and the walk goes at the API's pace.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ghl::{Client, SearchFilter, SearchPage, SearchRequest, SortDirection};
use serde::Serialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::contacts::contact_from_search;
use crate::error::{Error, Result};
use crate::Store;

/// Contacts per request: the most `POST /contacts/search` returns.
pub const PULL_PAGE_SIZE: u32 = 100;

/// How often progress is reported while a request is outstanding (so
/// "waiting for the rate limit" shows while it waits).
const TICK: Duration = Duration::from_millis(250);

/// Attempts per page on top of the client's own retries: a pull of 1,000
/// pages should not die of one unlucky run of 5xx answers.
const PAGE_ATTEMPTS: u32 = 4;

/// Where a pull or refresh stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullProgress {
    /// Contacts stored so far (a resumed pull counts what earlier runs stored).
    pub done: u64,
    /// What the server says there are (for a refresh: changed contacts).
    pub total: u64,
    /// A request is held back by the API's rate limit right now.
    pub waiting_for_rate_limit: bool,
    /// Time left at this run's pace; `None` until two pages are in.
    pub eta_seconds: Option<u64>,
}

/// What [`full_pull`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullSummary {
    /// Contacts stored by this run.
    pub pulled: u64,
    /// Contacts stored by the whole pull, earlier (interrupted) runs included.
    pub done: u64,
    /// This run continued an interrupted pull.
    pub resumed: bool,
}

/// What [`incremental_refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshSummary {
    /// Contacts changed or added since the last refresh, now stored.
    pub updated: u64,
    /// Contacts the server no longer has, removed from the cache.
    pub deleted: u64,
}

/// Runs `f(store)` on the blocking pool.
async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Sqlite(format!("a cache write stopped: {e}")))?
}

/// Progress reporting with an ETA from this run's pace.
struct Meter<'a, P: Fn(PullProgress)> {
    client: &'a Client,
    progress: P,
    started: Instant,
    /// `done` when this run started and its first page arrived.
    base: u64,
    first_page_at: Option<(Instant, u64)>,
    done: u64,
    total: u64,
    last: Option<PullProgress>,
}

impl<'a, P: Fn(PullProgress)> Meter<'a, P> {
    fn new(client: &'a Client, progress: P, done: u64, total: u64) -> Self {
        Meter {
            client,
            progress,
            started: Instant::now(),
            base: done,
            first_page_at: None,
            done,
            total,
            last: None,
        }
    }

    fn stored(&mut self, done: u64, total: u64) {
        self.done = done;
        self.total = total.max(done);
        if self.first_page_at.is_none() {
            self.first_page_at = Some((Instant::now(), done));
        }
        self.report(true);
    }

    fn eta(&self) -> Option<u64> {
        // From the first page on: the first request's latency (and a burst
        // the rate limiter lets through at once) would skew the pace.
        let (at, from) = self.first_page_at?;
        let pulled = self.done.checked_sub(from).filter(|n| *n > 0)?;
        let rate = pulled as f64 / at.elapsed().as_secs_f64().max(1e-3);
        let left = self.total.saturating_sub(self.done) as f64;
        Some((left / rate).ceil() as u64)
    }

    /// Reports the current state; unless `always`, only when something a
    /// person would see changed.
    fn report(&mut self, always: bool) {
        let now = PullProgress {
            done: self.done,
            total: self.total,
            waiting_for_rate_limit: self.client.is_waiting_for_rate_limit(),
            eta_seconds: self.eta(),
        };
        let changed = self.last.is_none_or(|l| {
            l.waiting_for_rate_limit != now.waiting_for_rate_limit || l.done != now.done
        });
        if always || changed {
            (self.progress)(now);
            self.last = Some(now);
        }
    }

    fn pulled(&self) -> u64 {
        self.done - self.base
    }

    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// One search request, retried on transient failures, reporting progress
/// while it waits and giving up at once when cancelled.
async fn fetch<P: Fn(PullProgress)>(
    client: &Client,
    request: &SearchRequest,
    meter: &mut Meter<'_, P>,
    cancel: &CancellationToken,
) -> Result<SearchPage> {
    let mut attempt = 1;
    loop {
        let call = client.search_contacts(request);
        tokio::pin!(call);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let outcome = loop {
            tokio::select! {
                () = cancel.cancelled() => return Err(Error::Cancelled),
                r = &mut call => break r,
                _ = tick.tick() => meter.report(false),
            }
        };
        match outcome {
            Ok(page) => return Ok(page),
            Err(e) if e.is_retryable() && attempt < PAGE_ATTEMPTS => {
                tracing::warn!(error = %e, attempt, "contacts page failed; trying again");
                attempt += 1;
                tokio::select! {
                    () = cancel.cancelled() => return Err(Error::Cancelled),
                    () = tokio::time::sleep(Duration::from_millis(500) * attempt) => {}
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn to_contacts(page: &SearchPage) -> Result<Vec<ghl::Contact>> {
    page.contacts.iter().map(contact_from_search).collect()
}

fn epoch_ms(date: Option<&str>) -> Option<i64> {
    let t = ghl::datetime::parse_ghl_datetime(date?)?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The newest `dateUpdated` on the server and the number of contacts.
async fn server_mark<P: Fn(PullProgress)>(
    client: &Client,
    meter: &mut Meter<'_, P>,
    cancel: &CancellationToken,
) -> Result<(Option<i64>, u64)> {
    let request = SearchRequest::new()
        .with_page_limit(1)
        .sorted_by("dateUpdated", SortDirection::Desc);
    let page = fetch(client, &request, meter, cancel).await?;
    let newest = page
        .contacts
        .first()
        .and_then(|c| epoch_ms(c.date_updated.as_deref()));
    Ok((newest, page.total))
}

/// Downloads every contact of the client's location into `store`, or
/// finishes the pull an earlier run started (after a cancel, crash or kill):
/// nothing is fetched twice and nothing is missed. On cancel it returns
/// [`Error::Cancelled`] with everything so far kept; call it again to resume.
///
/// The refresh mark is the newest `dateUpdated` seen before the walk, so a
/// contact edited during the pull is picked up by the next
/// [`incremental_refresh`].
pub async fn full_pull(
    client: &Client,
    store: &Arc<Store>,
    progress: impl Fn(PullProgress),
    cancel: CancellationToken,
) -> Result<PullSummary> {
    let state = blocking(store, Store::pull_state).await?;
    let resumed = state.is_resumable();
    let mut meter = Meter::new(client, progress, state.done, state.total.unwrap_or(0));
    let mut cursor = if resumed {
        state.cursor.clone()
    } else {
        let (mark, total) = server_mark(client, &mut meter, &cancel).await?;
        blocking(store, move |s| s.start_full_pull(Some(total), mark)).await?;
        meter.total = total;
        None
    };
    meter.report(true);
    // Finished when a page comes back short: `None` cursor after the first
    // page would otherwise look like "start again".
    let mut finished = resumed && state.done > 0 && cursor.is_none();
    // The write of the previous page, finishing while the next one is fetched.
    let mut writing: Option<tokio::task::JoinHandle<Result<u64>>> = None;
    while !finished {
        let request = SearchRequest::new()
            .with_page_limit(PULL_PAGE_SIZE)
            .sorted_by("dateAdded", SortDirection::Asc)
            .with_search_after(cursor.clone());
        let page = fetch(client, &request, &mut meter, &cancel).await;
        // Whatever happened to the request, the previous page's write
        // completes first: it is part of the resumable state.
        if let Some(w) = writing.take() {
            let done = w
                .await
                .map_err(|e| Error::Sqlite(format!("a cache write stopped: {e}")))??;
            let total = meter.total;
            meter.stored(done, total);
        }
        let page = page?;
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        finished = page.contacts.len() < PULL_PAGE_SIZE as usize;
        let next = page.next_search_after();
        if next.is_none() {
            finished = true;
        }
        meter.total = page.total;
        let total = page.total;
        let store2 = Arc::clone(store);
        let saved_cursor = next.clone();
        // Converting and storing both run on the blocking pool, so the next
        // request goes out at once.
        writing = Some(tokio::task::spawn_blocking(move || {
            let contacts = to_contacts(&page)?;
            store2.save_pull_page(&contacts, saved_cursor.as_deref(), Some(total))
        }));
        cursor = next;
    }
    if let Some(w) = writing.take() {
        let done = w
            .await
            .map_err(|e| Error::Sqlite(format!("a cache write stopped: {e}")))??;
        let total = meter.total;
        meter.stored(done, total);
    }
    blocking(store, Store::finish_full_pull).await?;
    tracing::info!(
        pulled = meter.pulled(),
        done = meter.done,
        seconds = meter.elapsed().as_secs_f64(),
        resumed,
        "full pull finished"
    );
    Ok(PullSummary {
        pulled: meter.pulled(),
        done: meter.done,
        resumed,
    })
}

/// Brings a filled cache up to date: contacts changed since the refresh mark
/// (`dateUpdated` at or after it, oldest first, the mark moving with every
/// stored page), then deletions.
///
/// Deletions: the search API has no "deleted since", so when the server's
/// total differs from the cached count after the changes are in, every id is
/// walked (full pages: the API has no field projection) and cached contacts
/// the server no longer has are removed. Equal counts skip that walk (a
/// deletion exactly offset by an addition waits for the next difference).
pub async fn incremental_refresh(
    client: &Client,
    store: &Arc<Store>,
    progress: impl Fn(PullProgress),
    cancel: CancellationToken,
) -> Result<RefreshSummary> {
    let state = blocking(store, Store::pull_state).await?;
    let Some(mark) = state.high_water_ms.filter(|_| state.is_complete()) else {
        return Err(Error::NoFullPull);
    };
    let mut meter = Meter::new(client, progress, 0, 0);
    let mut summary = RefreshSummary::default();
    // `gte`: contacts changed in the mark's own millisecond are fetched again
    // rather than missed.
    let filter = SearchFilter::new("dateUpdated", "range", json!({ "gte": mark }));
    let mut cursor: Option<Vec<Value>> = None;
    loop {
        let request = SearchRequest::new()
            .with_page_limit(PULL_PAGE_SIZE)
            .sorted_by("dateUpdated", SortDirection::Asc)
            .with_filter(filter.clone())
            .with_search_after(cursor.clone());
        let page = fetch(client, &request, &mut meter, &cancel).await?;
        let contacts = to_contacts(&page)?;
        let newest = contacts
            .iter()
            .filter_map(|c| epoch_ms(c.date_updated.as_deref()))
            .max();
        let n = contacts.len() as u64;
        blocking(store, move |s| s.save_refresh_page(&contacts, newest)).await?;
        summary.updated += n;
        meter.stored(summary.updated, page.total);
        cursor = page.next_search_after();
        if page.contacts.len() < PULL_PAGE_SIZE as usize || cursor.is_none() {
            break;
        }
    }
    let (_, server_total) = server_mark(client, &mut meter, &cancel).await?;
    // Placeholders of contacts created offline are not on the server.
    let local = blocking(store, |s| {
        s.read(|conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM contacts WHERE substr(id, 1, 6) <> 'local-'",
                [],
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    })
    .await?;
    if server_total != local {
        summary.deleted = remove_deleted(client, store, &mut meter, &cancel, server_total).await?;
    }
    blocking(store, Store::finish_refresh).await?;
    Ok(summary)
}

/// Walks every contact on the server and removes the cached ones it did not
/// see. Pages are stored as they come (unchanged contacts cost a lookup), so
/// anything missing locally is filled in too.
async fn remove_deleted<P: Fn(PullProgress)>(
    client: &Client,
    store: &Arc<Store>,
    meter: &mut Meter<'_, P>,
    cancel: &CancellationToken,
    server_total: u64,
) -> Result<u64> {
    let mut seen = std::collections::HashSet::with_capacity(server_total as usize);
    let mut cursor: Option<Vec<Value>> = None;
    meter.stored(0, server_total);
    loop {
        let request = SearchRequest::new()
            .with_page_limit(PULL_PAGE_SIZE)
            .sorted_by("dateAdded", SortDirection::Asc)
            .with_search_after(cursor.clone());
        let page = fetch(client, &request, meter, cancel).await?;
        let contacts = to_contacts(&page)?;
        seen.extend(contacts.iter().map(|c| c.id.clone()));
        blocking(store, move |s| s.upsert_contacts(&contacts)).await?;
        meter.stored(seen.len() as u64, page.total);
        cursor = page.next_search_after();
        if page.contacts.len() < PULL_PAGE_SIZE as usize || cursor.is_none() {
            break;
        }
    }
    blocking(store, move |s| {
        let gone: Vec<String> = s
            .contact_ids()?
            .into_iter()
            // Contacts created offline are not on the server yet.
            .filter(|id| !seen.contains(id) && !Store::is_local_id(id))
            .collect();
        s.delete_contacts(&gone).map(|n| n as u64)
    })
    .await
}
