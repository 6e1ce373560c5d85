//! The background walk that caches every contact's tasks and appointments, so
//! the overview and the overdue alert know them without each contact being
//! opened first (GHL has no location-wide task list).
//!
//! It takes the contacts whose tasks were never fetched, or were fetched
//! before GHL last changed the contact, most recently updated first, and
//! fetches them the way opening a contact does. What is left is derived from
//! the store each time, so a restart resumes where the walk stopped. It
//! never gets in the person's way: it starts a while after the first full
//! download, pauses while offline or signed out, takes at most a share of the
//! rate-limit window (and none while any request waits for it), and spends
//! at most a daily request budget, kept in the cache so a restart does not
//! reset it.

use std::sync::Arc;
use std::time::Duration;

use store::{Store, WalkCount, WalkMark};
use time::OffsetDateTime;

use crate::cache::{self, LocationCache};
use crate::ipc::TaskWalkStatus;

/// Requests the walk may make per location and UTC day: a fifth of GHL's
/// 200,000, so the rest stays for the person's work and other apps.
pub const DAILY_BUDGET: u64 = 40_000;
/// Two requests per contact: its tasks and its appointments.
const REQUESTS_PER_CONTACT: u64 = 2;
/// Contacts read from the store per batch.
const BATCH: usize = 50;
/// How often a walk held back by the rate limit looks again.
const ROOM_POLL: Duration = Duration::from_millis(100);
/// The overview is told to re-read at most this often while walking.
const CHANGED_THROTTLE: Duration = Duration::from_secs(2);
/// A 429 that says nothing about when to come back.
const RATE_LIMITED_PAUSE: Duration = Duration::from_secs(60);
/// Where today's spending is kept: `"<UTC date> <requests>"`.
const BUDGET_META: &str = "app.task_walk_budget";

/// How much the walk may take; the defaults are the app's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimits {
    /// Requests per UTC day.
    pub daily_budget: u64,
    /// At most this percentage of the rate-limit window (1 to 100).
    pub window_percent: u32,
    /// How long after the first download (or the start) the walk waits, so
    /// the first paint and the start-up refresh go first.
    pub grace: Duration,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            daily_budget: DAILY_BUDGET,
            window_percent: 50,
            grace: Duration::from_secs(5),
        }
    }
}

/// Requests spent today (UTC), as kept in the cache.
fn spent_today(store: &Store, today: time::Date) -> store::Result<u64> {
    let kept = store.meta(BUDGET_META)?;
    Ok(kept
        .as_deref()
        .and_then(|v| v.split_once(' '))
        .filter(|(day, _)| *day == today.to_string())
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0))
}

fn record_spent(store: &Store, today: time::Date, spent: u64) -> store::Result<()> {
    store.set_meta(BUDGET_META, Some(&format!("{today} {spent}")))
}

fn until_next_utc_day() -> Duration {
    let now = OffsetDateTime::now_utc();
    let next = (now.date() + time::Duration::days(1))
        .midnight()
        .assume_utc();
    Duration::try_from(next - now).unwrap_or(Duration::from_secs(60))
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A contact's tasks and appointments from GHL, fetched together. Opening a
/// contact fetches them the same way, beside the contact and its notes.
pub async fn fetch_tasks_and_appointments(
    client: &ghl::Client,
    contact_id: &str,
) -> (
    Result<Vec<ghl::Task>, ghl::Error>,
    Result<Vec<ghl::Appointment>, ghl::Error>,
) {
    tokio::join!(
        client.contact_tasks(contact_id),
        client.contact_appointments(contact_id)
    )
}

/// Why a pass stopped before the end.
enum Halt {
    /// Signed out or the cache closed.
    Stopped,
    /// Offline, signed out of GHL, or the cache is being rebuilt: wait to be
    /// woken (a refresh, GHL back).
    Paused,
    /// The day's budget is spent.
    BudgetSpent,
    /// GHL said to wait (and the wait is over): start the pass again.
    Again,
}

/// What one contact's fetch came to.
enum Fetched {
    Cached,
    /// Deleted in GHL: dropped from the cache like a refresh would.
    Gone,
    /// A malformed or refused answer: logged, skipped, the walk goes on.
    Skipped,
}

struct Walk {
    cache: Arc<LocationCache>,
    limits: WalkLimits,
    count: WalkCount,
    last_changed: Option<std::time::Instant>,
    /// Requests spent on a UTC day: read from the cache once, then kept here
    /// (only the walk spends them) and written back after every contact.
    spent: Option<(time::Date, u64)>,
}

/// Runs until the cache stops (sign-out, another location).
pub async fn run(cache: Arc<LocationCache>, limits: WalkLimits) {
    let mut walk = Walk {
        cache,
        limits,
        count: WalkCount {
            checked: 0,
            total: 0,
        },
        last_changed: None,
        spent: None,
    };
    walk.run().await;
}

impl Walk {
    async fn run(&mut self) {
        let stop = self.cache.stopped();
        // The first download first, then a moment for the start-up work.
        while !self.cache.status().download_complete {
            tokio::select! {
                () = stop.cancelled() => return,
                () = self.cache.walk_woken() => {}
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(self.limits.grace) => {}
        }
        loop {
            let halt = self.pass().await;
            let wait = match halt {
                Some(Halt::Stopped) => break,
                Some(Halt::Again) => continue,
                Some(Halt::BudgetSpent) => until_next_utc_day(),
                // Done, or paused: a refresh (new changes, GHL back) wakes it.
                None | Some(Halt::Paused) => Duration::MAX,
            };
            self.show(false, matches!(halt, Some(Halt::BudgetSpent)));
            let sleep = tokio::time::sleep(wait.min(Duration::from_secs(86_400)));
            tokio::select! {
                () = stop.cancelled() => break,
                () = self.cache.walk_woken() => {}
                () = sleep => {}
            }
        }
        tracing::debug!("task walk stopped");
    }

    fn store(&self) -> Option<Arc<Store>> {
        self.cache.store().ok()
    }

    fn show(&self, running: bool, budget_spent: bool) {
        let status = TaskWalkStatus {
            checked: saturate(self.count.checked),
            total: saturate(self.count.total),
            running,
            budget_spent,
        };
        self.cache.set_task_walk(status);
    }

    /// Tells the UI to re-read what it shows, at most every few seconds.
    async fn changed(&mut self, force: bool) {
        let due = self
            .last_changed
            .is_none_or(|at| at.elapsed() >= CHANGED_THROTTLE);
        if force || due {
            self.last_changed = Some(std::time::Instant::now());
            self.cache.changed().await;
        }
    }

    /// One pass over the contacts that need it; `None` when it got to the end.
    async fn pass(&mut self) -> Option<Halt> {
        let store = self.store()?;
        match cache::blocking(Arc::clone(&store), Store::walk_count).await {
            Ok(count) => self.count = count,
            Err(error) => {
                tracing::warn!(message = %error.message, "task walk could not count");
                return Some(Halt::Paused);
            }
        }
        if self.count.is_complete() {
            return None;
        }
        let mut mark: Option<WalkMark> = None;
        let mut walked = 0_u64;
        let halt = loop {
            let after = mark.clone();
            let batch = match cache::blocking(Arc::clone(&store), move |s| {
                s.contacts_to_walk(after.as_ref(), BATCH)
            })
            .await
            {
                Ok(batch) => batch,
                Err(error) => {
                    tracing::warn!(message = %error.message, "task walk could not read the cache");
                    break Some(Halt::Paused);
                }
            };
            let Some(last) = batch.last().cloned() else {
                break None;
            };
            if let Some(halt) = self.walk_batch(&store, &batch).await {
                break Some(halt);
            }
            walked += batch.len() as u64;
            mark = Some(last);
        };
        if walked > 0 || halt.is_none() {
            self.changed(true).await;
        }
        halt
    }

    async fn walk_batch(&mut self, store: &Arc<Store>, batch: &[WalkMark]) -> Option<Halt> {
        for contact in batch {
            let status = self.cache.status();
            if !status.online {
                return Some(Halt::Paused);
            }
            let today = OffsetDateTime::now_utc().date();
            let spent = self.spent_on(store, today).await;
            if spent + REQUESTS_PER_CONTACT > self.limits.daily_budget {
                return Some(Halt::BudgetSpent);
            }
            self.show(true, false);
            if !self.wait_for_room().await {
                return Some(Halt::Stopped);
            }
            // Counted before the answer: a request sent is spent either way.
            let total = spent + REQUESTS_PER_CONTACT;
            if let Err(error) =
                cache::blocking(Arc::clone(store), move |s| record_spent(s, today, total)).await
            {
                tracing::warn!(message = %error.message, "task walk budget not recorded");
                return Some(Halt::Paused);
            }
            self.spent = Some((today, total));
            match self.fetch(store, &contact.contact_id).await {
                Ok(Fetched::Cached) => self.count.checked += 1,
                Ok(Fetched::Gone) => self.count.total = self.count.total.saturating_sub(1),
                Ok(Fetched::Skipped) => {}
                Err(halt) => return Some(halt),
            }
            self.show(true, false);
            self.changed(false).await;
        }
        None
    }

    /// Requests spent on `today`; an unreadable cache counts as the whole budget.
    async fn spent_on(&mut self, store: &Arc<Store>, today: time::Date) -> u64 {
        if let Some((day, spent)) = self.spent {
            if day == today {
                return spent;
            }
        }
        match cache::blocking(Arc::clone(store), move |s| spent_today(s, today)).await {
            Ok(spent) => {
                self.spent = Some((today, spent));
                spent
            }
            // Not kept: the next look reads the cache again.
            Err(_) => self.limits.daily_budget,
        }
    }

    /// Waits until the walk's requests fit in its share of the rate-limit
    /// window and nobody's request is held back by it. False when stopped.
    async fn wait_for_room(&self) -> bool {
        let client = self.cache.client();
        let stop = self.cache.stopped();
        loop {
            let (used, max) = client.rate_window();
            let share = (u64::from(max) * u64::from(self.limits.window_percent.clamp(1, 100))
                / 100)
                .max(REQUESTS_PER_CONTACT);
            if !client.is_waiting_for_rate_limit() && used + REQUESTS_PER_CONTACT <= share {
                return true;
            }
            tokio::select! {
                () = stop.cancelled() => return false,
                () = tokio::time::sleep(ROOM_POLL) => {}
            }
        }
    }

    async fn fetch(&self, store: &Arc<Store>, contact_id: &str) -> Result<Fetched, Halt> {
        let client = self.cache.client();
        let (tasks, appointments) = fetch_tasks_and_appointments(client, contact_id).await;
        let (tasks, appointments) = match (tasks, appointments) {
            (Ok(tasks), Ok(appointments)) => (tasks, appointments),
            (Err(error), _) | (_, Err(error)) => {
                return self.failed(store, contact_id, error).await
            }
        };
        self.cache.observe::<()>(&Ok(()));
        let id = contact_id.to_owned();
        match cache::blocking(Arc::clone(store), move |s| {
            s.replace_tasks_and_appointments(&id, &tasks, &appointments)
        })
        .await
        {
            Ok(()) => Ok(Fetched::Cached),
            Err(error) => {
                tracing::warn!(message = %error.message, "task walk could not save");
                Err(Halt::Paused)
            }
        }
    }

    async fn failed(
        &self,
        store: &Arc<Store>,
        contact_id: &str,
        error: ghl::Error,
    ) -> Result<Fetched, Halt> {
        match error {
            ghl::Error::NotFound { .. } => {
                let id = contact_id.to_owned();
                if let Err(error) =
                    cache::blocking(Arc::clone(store), move |s| s.delete_contacts(&[id])).await
                {
                    tracing::warn!(message = %error.message, "task walk could not drop a contact");
                }
                Ok(Fetched::Gone)
            }
            error if cache::is_offline_error(&error) => {
                self.cache.observe::<()>(&Err(error));
                Err(Halt::Paused)
            }
            ghl::Error::RateLimited { retry_after } => {
                let pause = retry_after.unwrap_or(RATE_LIMITED_PAUSE);
                tracing::info!(seconds = pause.as_secs(), "task walk backs off");
                let stop = self.cache.stopped();
                tokio::select! {
                    () = stop.cancelled() => return Err(Halt::Stopped),
                    () = tokio::time::sleep(pause) => {}
                }
                Err(Halt::Again)
            }
            ghl::Error::Unauthorized { .. } | ghl::Error::ReauthRequired { .. } => {
                Err(Halt::Paused)
            }
            // The error's code only: the answer may hold personal data.
            error => {
                tracing::warn!(code = error.code(), "task walk skipped a contact");
                Ok(Fetched::Skipped)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const CONTACTS: usize = 40;
    const TASK_ROUTE: &str = "GET /contacts/{contactId}/tasks";

    async fn sandbox_with(rate_limit: sandbox::RateLimitConfig) -> sandbox::Sandbox {
        sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts: CONTACTS,
            seed: 11,
            rate_limit,
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("sandbox")
    }

    async fn sandbox() -> sandbox::Sandbox {
        sandbox_with(sandbox::RateLimitConfig::unlimited()).await
    }

    fn client(sandbox: &sandbox::Sandbox) -> ghl::Client {
        let config = ghl::ClientConfig::new(
            url::Url::parse(&sandbox.base_url()).expect("url"),
            sandbox.location_id(),
        );
        ghl::Client::new(config, ghl::AccessToken::new(sandbox.access_token())).expect("client")
    }

    fn limits(daily_budget: u64) -> WalkLimits {
        WalkLimits {
            daily_budget,
            grace: Duration::ZERO,
            ..WalkLimits::default()
        }
    }

    async fn open(
        sandbox: &sandbox::Sandbox,
        dir: &tempfile::TempDir,
        walk: WalkLimits,
    ) -> Arc<LocationCache> {
        LocationCache::open_with(
            client(sandbox),
            dir.path().join("cache.sqlite3"),
            Duration::from_secs(3600),
            walk,
        )
        .await
        .expect("cache opens")
    }

    /// Waits (up to 60 s) until the walk's status satisfies `done`.
    async fn wait_for_walk(cache: &LocationCache, done: impl Fn(&TaskWalkStatus) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(walk) = cache.status().task_walk {
                if done(&walk) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the walk did not get there: {:?}",
                cache.status().task_walk
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn finished(walk: &TaskWalkStatus) -> bool {
        !walk.running && walk.total > 0 && walk.checked == walk.total
    }

    async fn contact_ids(sandbox: &sandbox::Sandbox) -> Vec<String> {
        let dataset = sandbox.dataset();
        let dataset = dataset.read().await;
        dataset.contacts.iter().map(|c| c.id.clone()).collect()
    }

    fn task_requests(sandbox: &sandbox::Sandbox) -> u64 {
        sandbox
            .stats()
            .by_route
            .get(TASK_ROUTE)
            .copied()
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn after_the_download_every_contact_is_walked_and_a_changed_one_again() {
        let sandbox = sandbox().await;
        let dir = tempfile::tempdir().expect("dir");
        let cache = open(&sandbox, &dir, limits(DAILY_BUDGET)).await;
        wait_for_walk(&cache, finished).await;
        let store = cache.store().expect("store");
        let ids: Vec<String> = store
            .contacts_to_walk(None, 1000)
            .expect("left")
            .into_iter()
            .map(|m| m.contact_id)
            .collect();
        assert!(ids.is_empty(), "not walked: {ids:?}");
        assert_eq!(store.walk_count().expect("count").total, CONTACTS as u64);
        assert_eq!(
            task_requests(&sandbox),
            CONTACTS as u64,
            "each contact once"
        );
        // What is cached is what GHL answers, for a contact with tasks.
        let direct = client(&sandbox);
        let mut with_tasks = 0;
        for row in contact_ids(&sandbox).await {
            let cached = store.tasks(&row).expect("read").expect("fetched");
            let live = direct.contact_tasks(&row).await.expect("tasks");
            assert_eq!(cached.items, live, "tasks of {row}");
            with_tasks += usize::from(!live.is_empty());
        }
        assert!(with_tasks > 0, "the sandbox seeds tasks");

        // GHL changes one contact later: the refresh brings it, the walk
        // fetches its tasks again, and only its.
        let victim = contact_ids(&sandbox).await.pop().expect("a contact");
        direct
            .update_contact(
                &victim,
                &ghl::ContactUpdate {
                    first_name: Some("Changed".to_owned()),
                    ..ghl::ContactUpdate::default()
                },
            )
            .await
            .expect("update");
        sandbox.reset_stats();
        cache.refresh_now();
        let deadline = Instant::now() + Duration::from_secs(30);
        while task_requests(&sandbox) == 0 {
            assert!(
                Instant::now() < deadline,
                "the changed contact is walked again"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        wait_for_walk(&cache, finished).await;
        let recorded = sandbox.stats().by_route.get(TASK_ROUTE).copied();
        assert_eq!(recorded, Some(1), "only the changed contact");
        cache.stop();
    }

    #[tokio::test]
    async fn the_walk_stops_at_the_daily_budget_even_after_a_restart() {
        let sandbox = sandbox().await;
        let dir = tempfile::tempdir().expect("dir");
        // Ten requests: five contacts.
        let cache = open(&sandbox, &dir, limits(10)).await;
        wait_for_walk(&cache, |w| w.budget_spent).await;
        let walk = cache.status().task_walk.expect("status");
        assert_eq!((walk.checked, walk.total), (5, CONTACTS as u32));
        assert!(!walk.running);
        assert_eq!(task_requests(&sandbox), 5);
        cache.stop();
        drop(cache);

        // Started again the same day: the budget is still spent.
        sandbox.reset_stats();
        let cache = open(&sandbox, &dir, limits(10)).await;
        wait_for_walk(&cache, |w| w.budget_spent).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(task_requests(&sandbox), 0, "nothing more today");
        assert_eq!(cache.status().task_walk.expect("status").checked, 5);
        cache.stop();
    }

    #[tokio::test]
    async fn the_walk_leaves_half_the_window_to_the_person() {
        // GHL's window, shrunk to 20 requests per second: the walk may use 10.
        let sandbox = sandbox_with(sandbox::RateLimitConfig {
            max_per_interval: 20,
            interval: Duration::from_secs(1),
            daily: u64::MAX,
        })
        .await;
        let dir = tempfile::tempdir().expect("dir");
        let cache = open(&sandbox, &dir, limits(DAILY_BUDGET)).await;
        wait_for_walk(&cache, |w| w.running && w.checked > 0).await;
        // The person opens contacts while the walk runs: with 8 requests at
        // once they never wait for the window.
        let person = client(&sandbox);
        let ids = contact_ids(&sandbox).await;
        for _ in 0..3 {
            let mut calls = tokio::task::JoinSet::new();
            for id in &ids[..8] {
                let (person, id) = (person.clone(), id.clone());
                calls.spawn(async move { person.get_contact(&id).await });
            }
            while let Some(result) = calls.join_next().await {
                result.expect("task").expect("contact");
            }
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let waited = person.stats().waited;
        assert!(
            waited < Duration::from_millis(50),
            "the person waited {waited:?}"
        );
        assert_eq!(sandbox.stats().rate_limited, 0, "no 429s");
        let walk = cache.status().task_walk.expect("status");
        assert!(walk.checked < walk.total, "the walk was still going");
        assert!(walk.checked >= 5, "and moving: {walk:?}");
        cache.stop();
    }
}
