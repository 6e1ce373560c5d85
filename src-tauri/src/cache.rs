//! The local cache of one location and the background work that keeps it
//! current: the first full download (resumable, pausable), the incremental
//! refresh on start, every few minutes and on demand, the outbox replay, and
//! whether GoHighLevel can be reached at all. Every change of state is pushed
//! to the watchers (the UI's channel) as a [`CacheStatus`].

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use store::{Opened, PullProgress, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::ipc::{
    AppError, CacheActivity, CacheProgress, CacheStatus, ErrorCode, OutboxCounts, TaskWalkStatus,
};
use crate::task_walk::WalkLimits;

/// How often an offline app checks whether GoHighLevel is back.
pub const OFFLINE_RETRY: Duration = Duration::from_secs(10);
/// How long a start with a full cache leaves the machine to the first paint
/// before the integrity check (reads the whole file) and the start-up refresh.
const STARTUP_GRACE: Duration = Duration::from_secs(3);
/// During a download the list is re-read at most this often.
const GENERATION_THROTTLE: Duration = Duration::from_secs(1);

type Watcher = Box<dyn Fn(&CacheStatus) -> bool + Send + Sync>;

pub struct LocationCache {
    client: ghl::Client,
    path: PathBuf,
    /// `None` only while a damaged file is being set aside and rebuilt.
    store: RwLock<Option<Arc<Store>>>,
    status: Mutex<CacheStatus>,
    last_generation_bump: Mutex<Option<Instant>>,
    watchers: Mutex<Vec<Watcher>>,
    wake: Notify,
    stop: CancellationToken,
    /// Cancels the download in progress (Pause).
    download: Mutex<CancellationToken>,
    /// Settings → General; a change applies to the wait in progress.
    refresh_interval: Mutex<Duration>,
    interval_changed: Notify,
    /// Wakes the task walk: the download finished, a refresh found changes,
    /// GoHighLevel is back.
    walk_wake: Notify,
}

impl std::fmt::Debug for LocationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocationCache")
            .field("location_id", &self.client.location_id())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs a store call on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    store: Arc<Store>,
    f: impl FnOnce(&Store) -> store::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|error| AppError::internal(format!("A cache task stopped: {error}")))?
        .map_err(AppError::from)
}

impl From<store::Error> for AppError {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::Api(error) => error.into(),
            store::Error::NotFound { .. } => AppError {
                code: ErrorCode::NotFound,
                message: error.to_string(),
                details: None,
            },
            store::Error::InvalidEntry(_) | store::Error::InvalidAlertRule(_) => AppError {
                code: ErrorCode::Validation,
                message: error.to_string(),
                details: None,
            },
            store::Error::InvalidCursor => AppError {
                code: ErrorCode::Validation,
                message: "The list position is no longer valid; reload the list.".to_owned(),
                details: None,
            },
            other => AppError {
                code: ErrorCode::CacheUnavailable,
                message: other.to_string(),
                details: None,
            },
        }
    }
}

/// True for the errors that mean "GoHighLevel cannot be reached".
pub fn is_offline_error(error: &ghl::Error) -> bool {
    matches!(error.code(), "network" | "timeout")
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn progress_of(p: PullProgress) -> CacheProgress {
    CacheProgress {
        done: saturate(p.done),
        total: saturate(p.total),
        waiting_for_rate_limit: p.waiting_for_rate_limit,
        eta_seconds: p.eta_seconds.map(saturate),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Where the last refresh time is kept in the cache itself.
const LAST_REFRESHED_META: &str = "app.last_refreshed_at";

impl LocationCache {
    /// Opens (or creates) the cache file at `path` and starts its background
    /// work. A damaged file is set aside and the cache downloaded again; the
    /// status' `notice` says so.
    pub async fn open(
        client: ghl::Client,
        path: PathBuf,
        refresh_interval: Duration,
    ) -> Result<Arc<LocationCache>, AppError> {
        Self::open_with(client, path, refresh_interval, WalkLimits::default()).await
    }

    /// [`LocationCache::open`] with the task walk's limits.
    pub async fn open_with(
        client: ghl::Client,
        path: PathBuf,
        refresh_interval: Duration,
        walk: WalkLimits,
    ) -> Result<Arc<LocationCache>, AppError> {
        let location_id = client.location_id().to_owned();
        let file = path.clone();
        let (store, opened) = tokio::task::spawn_blocking(move || Store::open(file))
            .await
            .map_err(|error| AppError::internal(format!("The cache could not open: {error}")))??;
        let notice = match &opened {
            Opened::Rebuilt { reason, kept_aside } => {
                tracing::warn!(%reason, ?kept_aside, "damaged cache set aside");
                Some(damaged_notice(kept_aside))
            }
            _ => None,
        };
        let store = Arc::new(store);
        let mut status = CacheStatus {
            location_id,
            cached_contacts: 0,
            online: true,
            activity: CacheActivity::Idle,
            progress: None,
            download_complete: false,
            download_paused: false,
            last_refreshed_at: None,
            outbox: OutboxCounts::default(),
            unread_activity: 0,
            notice,
            last_error: None,
            generation: 0,
            task_walk: None,
        };
        read_counts(&store, &mut status).await?;
        let cache = Arc::new(LocationCache {
            client,
            path,
            store: RwLock::new(Some(store)),
            status: Mutex::new(status),
            last_generation_bump: Mutex::new(None),
            watchers: Mutex::default(),
            wake: Notify::new(),
            stop: CancellationToken::new(),
            download: Mutex::new(CancellationToken::new()),
            refresh_interval: Mutex::new(refresh_interval),
            interval_changed: Notify::new(),
            walk_wake: Notify::new(),
        });
        tokio::spawn(Arc::clone(&cache).run());
        tokio::spawn(crate::task_walk::run(Arc::clone(&cache), walk));
        Ok(cache)
    }

    pub fn store(&self) -> Result<Arc<Store>, AppError> {
        self.store
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| AppError {
                code: ErrorCode::CacheUnavailable,
                message: "The saved contacts are being rebuilt; try again in a moment.".to_owned(),
                details: None,
            })
    }

    pub fn status(&self) -> CacheStatus {
        lock(&self.status).clone()
    }

    /// `watcher` gets every new status until it returns false (its channel
    /// closed) or another watcher replaces it: there is one window, and a
    /// window that watches again (a reload, another location) has dropped its
    /// previous channel.
    pub fn watch(&self, watcher: impl Fn(&CacheStatus) -> bool + Send + Sync + 'static) {
        *lock(&self.watchers) = vec![Box::new(watcher)];
    }

    pub(crate) fn client(&self) -> &ghl::Client {
        &self.client
    }

    /// Cancelled when the background work stops.
    pub(crate) fn stopped(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Resolves when the task walk has something new to look at.
    pub(crate) async fn walk_woken(&self) {
        self.walk_wake.notified().await;
    }

    pub(crate) fn set_task_walk(&self, walk: TaskWalkStatus) {
        self.update(|s| s.task_walk = Some(walk));
    }

    /// Stops the background work (sign-out); the file stays as it is.
    pub fn stop(&self) {
        self.stop.cancel();
        lock(&self.download).cancel();
    }

    /// The next refresh comes `interval` after the last one (at once when
    /// that time has already passed).
    pub fn refresh_interval(&self) -> Duration {
        *lock(&self.refresh_interval)
    }

    pub fn set_refresh_interval(&self, interval: Duration) {
        *lock(&self.refresh_interval) = interval;
        self.interval_changed.notify_one();
    }

    /// Refresh now ("Refresh", F5), or check at once whether GHL is back.
    pub fn refresh_now(&self) {
        self.wake.notify_one();
    }

    pub fn pause_download(&self) {
        let paused = {
            let status = lock(&self.status);
            !status.download_complete
        };
        if paused {
            lock(&self.download).cancel();
            self.update(|s| s.download_paused = true);
        }
    }

    pub fn resume_download(&self) {
        *lock(&self.download) = CancellationToken::new();
        self.update(|s| s.download_paused = false);
        self.wake.notify_one();
    }

    /// A call to GHL outside the background work answered (or failed to
    /// reach it): keep the header's online state true to what just happened.
    pub fn observe<T>(&self, result: &Result<T, ghl::Error>) {
        match result {
            Ok(_) => self.set_online(true),
            Err(error) if is_offline_error(error) => self.set_online(false),
            Err(_) => {}
        }
    }

    fn set_online(&self, online: bool) {
        let came_back = {
            let status = lock(&self.status);
            online && !status.online
        };
        self.update(|s| s.online = online);
        if came_back {
            // Send what waited in the outbox and catch up.
            self.wake.notify_one();
            self.walk_wake.notify_one();
        }
    }

    /// Cached data changed: the UI re-reads what it shows.
    pub async fn changed(&self) {
        let Ok(store) = self.store() else { return };
        let mut counts = self.status();
        if let Err(error) = read_counts(&store, &mut counts).await {
            tracing::warn!(message = %error.message, "could not count the cache");
        }
        *lock(&self.last_generation_bump) = Some(Instant::now());
        self.update(|s| {
            s.cached_contacts = counts.cached_contacts;
            s.outbox = counts.outbox;
            s.unread_activity = counts.unread_activity;
            s.download_complete = counts.download_complete;
            s.generation = s.generation.wrapping_add(1);
        });
    }

    fn update(&self, f: impl FnOnce(&mut CacheStatus)) {
        let snapshot = {
            let mut status = lock(&self.status);
            let before = status.clone();
            f(&mut status);
            if *status == before {
                return;
            }
            status.clone()
        };
        lock(&self.watchers).retain(|watcher| watcher(&snapshot));
    }

    async fn run(self: Arc<Self>) {
        if self.status().download_complete {
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(STARTUP_GRACE) => {}
            }
        }
        self.check_integrity().await;
        'work: loop {
            if self.stop.is_cancelled() {
                break;
            }
            self.sync_once().await;
            let synced_at = tokio::time::Instant::now();
            loop {
                let wait = if self.status().online {
                    *lock(&self.refresh_interval)
                } else {
                    OFFLINE_RETRY
                };
                tokio::select! {
                    () = self.stop.cancelled() => break 'work,
                    () = self.wake.notified() => break,
                    () = tokio::time::sleep_until(synced_at + wait) => break,
                    // Wait again, measured from the same refresh.
                    () = self.interval_changed.notified() => {}
                }
            }
        }
        tracing::debug!(location_id = %self.client.location_id(), "cache worker stopped");
    }

    /// Reads every page of the file once in the background; a damaged file is
    /// set aside and the cache downloaded again.
    async fn check_integrity(&self) {
        let Ok(store) = self.store() else { return };
        match blocking(store, Store::quick_check).await {
            Ok(None) => {}
            Ok(Some(reason)) => self.rebuild(&reason).await,
            Err(error) => tracing::warn!(message = %error.message, "cache check failed"),
        }
    }

    async fn rebuild(&self, reason: &str) {
        tracing::warn!(%reason, "rebuilding a damaged cache");
        let Some(old) = self
            .store
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        else {
            return;
        };
        let reason = reason.to_owned();
        let rebuilt = tokio::task::spawn_blocking(move || {
            // Commands may hold the old store for a moment.
            match wait_for_sole_owner(old) {
                Ok(store) => store.rebuild(&reason).map_err(|e| (None, e.to_string())),
                Err(shared) => Err((Some(shared), "the cache is in use".to_owned())),
            }
        })
        .await;
        match rebuilt {
            Ok(Ok((store, opened))) => {
                let notice = match &opened {
                    Opened::Rebuilt { kept_aside, .. } => damaged_notice(kept_aside),
                    _ => damaged_notice(&self.path),
                };
                *self.store.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(store));
                self.update(|s| {
                    s.notice = Some(notice);
                    s.download_complete = false;
                });
                self.changed().await;
            }
            Ok(Err((old, message))) => {
                tracing::error!(%message, "the damaged cache could not be rebuilt");
                if let Some(old) = old {
                    *self.store.write().unwrap_or_else(PoisonError::into_inner) = Some(old);
                }
                self.update(|s| {
                    s.notice = Some(
                        "The saved contacts file is damaged and could not be replaced. \
                         Restart Switchboard to rebuild it."
                            .to_owned(),
                    );
                });
            }
            Err(error) => tracing::error!(%error, "the cache rebuild stopped"),
        }
    }

    /// One round: send the outbox, then download or refresh.
    async fn sync_once(&self) {
        // Edits first, so a refresh does not show the old values over them.
        self.replay().await;
        let status = self.status();
        if !status.online && !self.probe().await {
            return;
        }
        if status.download_complete {
            self.refresh().await;
        } else if !status.download_paused {
            self.download().await;
        }
    }

    /// Is GHL reachable again? One cheap request.
    async fn probe(&self) -> bool {
        let request = ghl::SearchRequest::new().with_page_limit(1);
        let result = self.client.search_contacts(&request).await;
        self.observe(&result);
        result.is_ok()
    }

    async fn replay(&self) {
        let Ok(store) = self.store() else { return };
        let waiting = lock(&self.status).outbox.waiting;
        if waiting == 0 {
            return;
        }
        self.update(|s| s.activity = CacheActivity::Sending);
        let result = store::replay_outbox(&self.client, &store, self.stop.child_token()).await;
        match result {
            Ok(summary) => {
                if summary.offline {
                    self.set_online(false);
                } else if summary.sent > 0 {
                    self.set_online(true);
                }
                self.update(|s| s.last_error = None);
            }
            Err(error) => self.failed(error).await,
        }
        self.update(|s| s.activity = CacheActivity::Idle);
        self.changed().await;
    }

    async fn download(&self) {
        let Ok(store) = self.store() else { return };
        let cancel = lock(&self.download).clone();
        self.update(|s| {
            s.activity = CacheActivity::Downloading;
            s.progress = None;
        });
        let result = store::full_pull(
            &self.client,
            &store,
            |progress| self.pulled(progress),
            cancel,
        )
        .await;
        self.update(|s| {
            s.activity = CacheActivity::Idle;
            s.progress = None;
        });
        match result {
            Ok(summary) => {
                tracing::info!(
                    done = summary.done,
                    resumed = summary.resumed,
                    "download finished"
                );
                self.refreshed().await;
                // Merging the index segments speeds up search; not urgent.
                if let Err(error) = blocking(store, Store::optimize_search_index).await {
                    tracing::warn!(message = %error.message, "search index not optimised");
                }
            }
            Err(store::Error::Cancelled) => {}
            Err(error) => self.failed(error).await,
        }
        self.changed().await;
        // Its tasks and appointments next.
        self.walk_wake.notify_one();
    }

    async fn refresh(&self) {
        let Ok(store) = self.store() else { return };
        self.update(|s| {
            s.activity = CacheActivity::Refreshing;
            s.progress = None;
        });
        let result = store::incremental_refresh(
            &self.client,
            &store,
            |progress| self.pulled(progress),
            self.stop.child_token(),
        )
        .await;
        self.update(|s| {
            s.activity = CacheActivity::Idle;
            s.progress = None;
        });
        match result {
            Ok(summary) => {
                if summary.updated + summary.deleted > 0 {
                    tracing::info!(
                        updated = summary.updated,
                        deleted = summary.deleted,
                        "cache refreshed"
                    );
                }
                self.refreshed().await;
                self.changed().await;
                // Contacts changed since they were walked are walked again.
                self.walk_wake.notify_one();
                // Changes the alert rules found in this refresh.
                crate::alerts::announce(self).await;
            }
            Err(store::Error::Cancelled) => {}
            Err(store::Error::NoFullPull) => {
                self.update(|s| s.download_complete = false);
                self.wake.notify_one();
            }
            Err(error) => self.failed(error).await,
        }
    }

    /// Progress of a download or refresh (called from the pull's own task).
    fn pulled(&self, progress: PullProgress) {
        self.update(|s| {
            s.online = true;
            s.progress = Some(progress_of(progress));
        });
        // The list fills in as pages arrive, without re-reading it per page.
        let due = lock(&self.last_generation_bump)
            .is_none_or(|last| last.elapsed() >= GENERATION_THROTTLE);
        if due {
            *lock(&self.last_generation_bump) = Some(Instant::now());
            self.update(|s| {
                s.cached_contacts = s.cached_contacts.max(saturate(progress.done));
                s.generation = s.generation.wrapping_add(1);
            });
        }
    }

    async fn refreshed(&self) {
        let at = now_rfc3339();
        let Ok(store) = self.store() else { return };
        let saved = at.clone();
        if let Err(error) = blocking(store, move |s| {
            s.set_meta(LAST_REFRESHED_META, Some(&saved))
        })
        .await
        {
            tracing::warn!(message = %error.message, "could not record the refresh time");
        }
        self.set_online(true);
        self.update(|s| {
            s.last_refreshed_at = Some(at);
            s.last_error = None;
        });
    }

    async fn failed(&self, error: store::Error) {
        match error {
            store::Error::Api(error) if is_offline_error(&error) => {
                self.set_online(false);
            }
            store::Error::Damaged(reason) => self.rebuild(&reason).await,
            error => {
                tracing::warn!(code = error.code(), %error, "cache work failed");
                let message = AppError::from(error).message;
                self.update(|s| s.last_error = Some(message));
            }
        }
    }
}

/// The counts and flags the status shows, read from the store.
async fn read_counts(store: &Arc<Store>, status: &mut CacheStatus) -> Result<(), AppError> {
    let (count, state, outbox, refreshed, unread) = blocking(Arc::clone(store), |s| {
        Ok((
            s.count()?,
            s.pull_state()?,
            s.outbox_counts()?,
            s.meta(LAST_REFRESHED_META)?,
            s.unread_activity()?,
        ))
    })
    .await?;
    status.unread_activity = saturate(unread);
    status.cached_contacts = saturate(count);
    status.download_complete = state.is_complete();
    status.outbox = OutboxCounts {
        waiting: saturate(outbox.pending),
        conflicts: saturate(outbox.conflicts),
        rejected: saturate(outbox.rejected),
    };
    if status.last_refreshed_at.is_none() {
        status.last_refreshed_at = refreshed;
    }
    Ok(())
}

fn damaged_notice(kept_aside: &std::path::Path) -> String {
    format!(
        "The saved contacts file was damaged. It was set aside as {} and the contacts are \
         being downloaded again; nothing in GoHighLevel was affected.",
        kept_aside.display()
    )
}

/// Waits (up to 2 s) until no command holds the old store any more.
fn wait_for_sole_owner(mut store: Arc<Store>) -> Result<Store, Arc<Store>> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match Arc::try_unwrap(store) {
            Ok(store) => return Ok(store),
            Err(shared) if Instant::now() < deadline => {
                store = shared;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(shared) => return Err(shared),
        }
    }
}
