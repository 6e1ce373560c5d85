//! A local, deterministic emulator of the GoHighLevel (LeadConnector) API v2.
//!
//! [`Sandbox::start`] seeds a dataset and serves it on `127.0.0.1`; the app, the
//! `ghl` client's tests and demos talk to it instead of the real API.
//!
//! Every contacts operation of `apps/contacts.json` the app uses is served
//! ([`OPERATIONS`]), reads and writes, on a shared [`Dataset`] tests can inspect.
//! Around the handlers: scoped tokens ([`Sandbox::issue_token`]), GHL's rate
//! limits with their `X-RateLimit-*` headers ([`RateLimitConfig`]), fault
//! injection ([`Sandbox::faults`]), counters ([`Sandbox::stats`]) and a request
//! recorder for contract checks ([`Sandbox::record_requests`], and
//! `spec::RequestChecker` with the `spec` feature).

mod api;
mod conn;
mod faults;
mod limits;
pub mod model;
mod observe;
pub mod search;
mod seed;
mod seed_data;
#[cfg(feature = "spec")]
pub mod spec;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, RwLock};
use tokio::task::JoinHandle;

pub use api::error::ApiError;
pub use api::{
    Operation, API_VERSION, FULL_SCOPES, LIST_CONTACT_LIVE_KEYS, OPERATIONS, SCOPE_READ,
    SCOPE_WRITE,
};
pub use faults::{FaultKind, Faults, FaultsHandle};
pub use limits::RateLimitConfig;
pub use model::{
    Appointment, AppointmentStatus, Attribution, Calendar, Contact, CustomFieldDef,
    CustomFieldValue, Dataset, Location, Note, Task, User,
};
pub use observe::{RecordedRequest, SandboxStats};
pub use seed::seed;

use api::Tokens;
use conn::{ConnHandle, KillableListener};
use limits::RateLimiter;
use observe::Observer;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    pub contacts: usize,
    pub seed: u64,
    /// 0 = any free port.
    pub port: u16,
    /// Reference "now" for all seeded dates; `None` = the current time.
    pub anchor: Option<OffsetDateTime>,
    /// The live API's limits by default; [`RateLimitConfig::unlimited`] for
    /// tests that fire many requests.
    pub rate_limit: RateLimitConfig,
}

impl SandboxConfig {
    /// The demo data set: big enough to show that the list scales.
    pub const DEFAULT_CONTACTS: usize = 5000;
    /// Fixed, so the demo (and tests that rebuild its data) see the same contacts every run.
    pub const DEFAULT_SEED: u64 = 42;
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            contacts: Self::DEFAULT_CONTACTS,
            seed: Self::DEFAULT_SEED,
            port: 0,
            anchor: None,
            rate_limit: RateLimitConfig::default(),
        }
    }
}

/// A running sandbox server. Dropping it stops the server too.
pub struct Sandbox {
    addr: SocketAddr,
    location_id: String,
    location_name: String,
    token: String,
    dataset: Arc<RwLock<Dataset>>,
    tokens: Arc<Tokens>,
    limiter: Arc<RateLimiter>,
    faults: FaultsHandle,
    observer: Arc<Observer>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token stays out of debug output so it does not end up in logs.
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("location_id", &self.location_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        // Bind first so a busy port fails fast, before seeding.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let anchor = config.anchor.unwrap_or_else(OffsetDateTime::now_utc);
        let rate_limit = config.rate_limit;
        // Seeding 100k contacts is CPU work; keep it off the async worker threads.
        let dataset = tokio::task::spawn_blocking(move || seed(&config, anchor))
            .await
            .map_err(std::io::Error::other)?;
        let location_id = dataset.location.id.clone();
        let location_name = dataset.location.name.clone();
        let tokens = Arc::new(Tokens::default());
        let token = tokens.issue(FULL_SCOPES);
        let dataset = Arc::new(RwLock::new(dataset));
        let limiter = Arc::new(RateLimiter::new(rate_limit));
        let faults = FaultsHandle::default();
        let observer = Arc::new(Observer::default());

        let app = api::router(api::AppState {
            dataset: dataset.clone(),
            location_id: Arc::from(location_id.as_str()),
            tokens: tokens.clone(),
            limiter: limiter.clone(),
            faults: faults.clone(),
            observer: observer.clone(),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<ConnHandle>();
            let result = axum::serve(KillableListener(listener), service)
                .with_graceful_shutdown(async {
                    // A dropped sender also means "stop".
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = result {
                tracing::error!(error = %e, "sandbox server stopped with an error");
            }
        });
        Ok(Sandbox {
            addr,
            location_id,
            location_name,
            token,
            dataset,
            tokens,
            limiter,
            faults,
            observer,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn location_id(&self) -> &str {
        &self.location_id
    }

    pub fn location_name(&self) -> &str {
        &self.location_name
    }

    /// Random per start, with every scope ([`FULL_SCOPES`]).
    pub fn access_token(&self) -> &str {
        &self.token
    }

    /// Mints another token for the same location with only these scopes, e.g.
    /// `&[SCOPE_READ]` for a read-only one. A write without `contacts.write`
    /// answers 401 "The token is not authorized for this scope.".
    pub fn issue_token(&self, scopes: &[&str]) -> String {
        self.tokens.issue(scopes)
    }

    pub fn dataset(&self) -> Arc<RwLock<Dataset>> {
        self.dataset.clone()
    }

    pub fn rate_limit(&self) -> RateLimitConfig {
        self.limiter.config()
    }

    /// Changes the limits from the next request on; counts so far are kept.
    pub fn set_rate_limit(&self, config: RateLimitConfig) {
        self.limiter.set_config(config);
    }

    /// Forgets every rate-limit count (a fresh window and a fresh day).
    pub fn reset_rate_limits(&self) {
        self.limiter.reset();
    }

    /// Runtime control of fault injection (random faults, `fail_next`, …).
    pub fn faults(&self) -> FaultsHandle {
        self.faults.clone()
    }

    /// Shorthand for `faults().set(faults)`.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.set(faults);
    }

    pub fn stats(&self) -> SandboxStats {
        self.observer.snapshot()
    }

    pub fn reset_stats(&self) {
        self.observer.reset();
    }

    /// Starts or stops recording requests (off by default).
    pub fn record_requests(&self, on: bool) {
        self.observer.set_recording(on);
    }

    /// Every request recorded so far, oldest first.
    pub fn recorded_requests(&self) -> Vec<RecordedRequest> {
        self.observer.recorded_requests()
    }

    /// The recorded requests, clearing the record.
    pub fn take_recorded_requests(&self) -> Vec<RecordedRequest> {
        self.observer.take_recorded()
    }

    /// Stops accepting connections and waits (up to 5 s) for in-flight requests.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
