//! A local, deterministic emulator of the GoHighLevel (LeadConnector) API v2.
//!
//! [`Sandbox::start`] seeds a dataset and serves it on `127.0.0.1`; the app, the
//! `ghl` client's tests and demos talk to it instead of the real API.
//!
//! Every contacts operation of `apps/contacts.json` the app uses is served
//! ([`OPERATIONS`]), reads and writes, on a shared [`Dataset`] tests can inspect,
//! and `GET /locations/{locationId}`, which gives the app the sub-account's name.
//! Around the handlers: scoped tokens ([`Sandbox::issue_token`]), GHL's rate
//! limits with their `X-RateLimit-*` headers ([`RateLimitConfig`]), fault
//! injection ([`Sandbox::faults`]), counters ([`Sandbox::stats`]) and a request
//! recorder for contract checks ([`Sandbox::record_requests`], and
//! `spec::RequestChecker` with the `spec` feature).
//!
//! A sandbox can serve several locations ([`SandboxConfig::locations`]), each
//! with its own data; a token reads and writes only its own location's. Apps
//! sign in with GHL's OAuth 2.0 authorization-code flow
//! ([`Sandbox::authorize_url`], [`Sandbox::token_url`], [`Sandbox::oauth_client`]):
//! a consent page (or [`Consent`] for tests), single-use codes with optional
//! PKCE, expiring access tokens and rotating refresh tokens.

mod api;
mod conn;
mod faults;
pub mod hcp;
mod limits;
pub mod model;
mod oauth;
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
    Operation, OperationSource, API_VERSION, FULL_SCOPES, LIST_CONTACT_LIVE_KEYS, OPERATIONS,
    SCOPE_LOCATIONS_READ, SCOPE_READ, SCOPE_WRITE,
};
pub use faults::{FaultKind, Faults, FaultsHandle};
pub use limits::RateLimitConfig;
pub use model::{
    Appointment, AppointmentStatus, Attribution, Calendar, Contact, CustomFieldDef,
    CustomFieldValue, Dataset, Location, Note, Task, User,
};
pub use oauth::{
    Consent, OAuthClient, OAuthStats, DEFAULT_CODE_LIFETIME, DEFAULT_REDIRECT_URIS,
    DEFAULT_TOKEN_LIFETIME,
};
pub use observe::{RecordedRequest, SandboxStats};
pub use seed::{seed, seed_location};

use api::{Tenant, Tokens};
use conn::{ConnHandle, KillableListener};
use limits::RateLimiter;
use oauth::{GrantLocation, OAuth};
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
    /// How many locations (sub-accounts) to serve; 0 counts as 1. Location 0
    /// has `contacts` contacts from `seed`; the others are other businesses
    /// with a fifth as many (at least 50), see [`seed_location`].
    pub locations: usize,
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
            locations: 1,
        }
    }
}

/// One location of a running sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationInfo {
    pub id: String,
    pub name: String,
}

/// A running sandbox server. Dropping it stops the server too.
pub struct Sandbox {
    addr: SocketAddr,
    /// Never empty; location 0 is the default one.
    locations: Vec<LocationInfo>,
    tenants: Arc<[Tenant]>,
    token: String,
    tokens: Arc<Tokens>,
    oauth: Arc<OAuth>,
    limiter: Arc<RateLimiter>,
    faults: FaultsHandle,
    observer: Arc<Observer>,
    /// Kept to serve again after [`Sandbox::stop_serving`].
    app: axum::Router,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Tokens and the client secret stay out of debug output (and logs).
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("locations", &self.locations)
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
        let company_id = seed::company_id(config.seed);
        // Seeding 100k contacts is CPU work; keep it off the async worker threads.
        let datasets = tokio::task::spawn_blocking(move || {
            (0..config.locations.max(1))
                .map(|i| seed_location(&config, i, anchor))
                .collect::<Vec<Dataset>>()
        })
        .await
        .map_err(std::io::Error::other)?;
        let locations: Vec<LocationInfo> = datasets
            .iter()
            .map(|d| LocationInfo {
                id: d.location.id.clone(),
                name: d.location.name.clone(),
            })
            .collect();
        let grant_locations = datasets
            .iter()
            .map(|d| GrantLocation {
                id: d.location.id.clone(),
                name: d.location.name.clone(),
                user_id: d
                    .location
                    .users
                    .first()
                    .map(|u| u.id.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let tenants: Arc<[Tenant]> = datasets
            .into_iter()
            .map(|d| Tenant {
                id: Arc::from(d.location.id.as_str()),
                dataset: Arc::new(RwLock::new(d)),
            })
            .collect();
        let tokens = Arc::new(Tokens::default());
        let token = tokens.issue(0, owned(FULL_SCOPES), None);
        let oauth = Arc::new(OAuth::new(company_id, grant_locations));
        let limiter = Arc::new(RateLimiter::new(rate_limit));
        let faults = FaultsHandle::default();
        let observer = Arc::new(Observer::default());

        let app = api::router(api::AppState {
            locations: tenants.clone(),
            tokens: tokens.clone(),
            oauth: oauth.clone(),
            limiter: limiter.clone(),
            faults: faults.clone(),
            observer: observer.clone(),
        });
        let (tx, server) = serve(listener, app.clone());
        Ok(Sandbox {
            addr,
            locations,
            tenants,
            token,
            tokens,
            oauth,
            limiter,
            faults,
            observer,
            app,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// Stops answering, as if the network were gone: the port is closed and
    /// idle connections are dropped, but the data, tokens and limits stay, so
    /// [`Sandbox::resume_serving`] brings the same API back on the same port.
    pub async fn stop_serving(&mut self) {
        self.stop_server().await;
    }

    /// Serves again on the same address after [`Sandbox::stop_serving`].
    pub async fn resume_serving(&mut self) -> std::io::Result<()> {
        if self.server.is_some() {
            return Ok(());
        }
        let listener = TcpListener::bind(self.addr).await?;
        let (tx, server) = serve(listener, self.app.clone());
        self.shutdown = Some(tx);
        self.server = Some(server);
        Ok(())
    }

    async fn stop_server(&mut self) {
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

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The id of location 0.
    pub fn location_id(&self) -> &str {
        &self.locations[0].id
    }

    /// The name of location 0.
    pub fn location_name(&self) -> &str {
        &self.locations[0].name
    }

    /// Every location, location 0 first.
    pub fn locations(&self) -> Vec<LocationInfo> {
        self.locations.clone()
    }

    /// Random per start, for location 0 with every scope ([`FULL_SCOPES`]);
    /// never expires, like a private integration token.
    pub fn access_token(&self) -> &str {
        &self.token
    }

    /// Mints another never-expiring token for location 0 with only these
    /// scopes, e.g. `&[SCOPE_READ]` for a read-only one. A write without
    /// `contacts.write` answers 401 "The token is not authorized for this scope.".
    pub fn issue_token(&self, scopes: &[&str]) -> String {
        self.tokens.issue(0, owned(scopes), None)
    }

    /// The same for the location `location_id`.
    ///
    /// # Panics
    /// If the sandbox has no such location (a mistake in the calling test).
    pub fn issue_token_for(&self, location_id: &str, scopes: &[&str]) -> String {
        let Some(index) = self.index_of(location_id) else {
            panic!("the sandbox has no location {location_id}");
        };
        self.tokens.issue(index, owned(scopes), None)
    }

    /// The data of location 0.
    pub fn dataset(&self) -> Arc<RwLock<Dataset>> {
        self.tenants[0].dataset.clone()
    }

    /// The data of the location `location_id`, if the sandbox has it.
    pub fn dataset_of(&self, location_id: &str) -> Option<Arc<RwLock<Dataset>>> {
        self.index_of(location_id)
            .map(|i| self.tenants[i].dataset.clone())
    }

    fn index_of(&self, location_id: &str) -> Option<usize> {
        self.locations.iter().position(|l| l.id == location_id)
    }

    /// The OAuth client registered with the sandbox (random per start).
    pub fn oauth_client(&self) -> OAuthClient {
        self.oauth.client().clone()
    }

    /// Registers another redirect URI for the client; authorize requests must
    /// name a registered one exactly. [`DEFAULT_REDIRECT_URIS`] are registered
    /// from the start.
    pub fn register_redirect_uri(&self, uri: &str) {
        self.oauth.register_redirect_uri(uri);
    }

    /// The registered redirect URIs, in order of registration.
    pub fn redirect_uris(&self) -> Vec<String> {
        self.oauth.redirect_uris()
    }

    /// `{base}/v2/oauth/chooselocation`, GHL's authorize URL (also served at
    /// the older `/oauth/chooselocation`).
    pub fn authorize_url(&self) -> String {
        format!("{}{}", self.base_url(), api::oauth::AUTHORIZE_PATH)
    }

    /// `{base}/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.base_url(), api::oauth::TOKEN_PATH)
    }

    /// How the authorize endpoint answers from now on ([`Consent::Interactive`]
    /// by default).
    pub fn set_consent(&self, consent: Consent) {
        self.oauth.set_consent(consent);
    }

    /// Lifetime of access tokens issued by the token endpoint from now on
    /// ([`DEFAULT_TOKEN_LIFETIME`] by default).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.oauth.set_token_lifetime(lifetime);
    }

    /// Lifetime of authorization codes issued from now on
    /// ([`DEFAULT_CODE_LIFETIME`] by default).
    pub fn set_code_lifetime(&self, lifetime: Duration) {
        self.oauth.set_code_lifetime(lifetime);
    }

    /// Every access token issued by the token endpoint is expired from now on
    /// (refresh tokens stay valid; tokens of [`Sandbox::issue_token`] too).
    pub fn expire_access_tokens(&self) {
        self.tokens.expire_all();
    }

    pub fn oauth_stats(&self) -> OAuthStats {
        self.oauth.stats()
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
        self.stop_server().await;
    }
}

/// Serves `app` on `listener` until the returned sender fires (or is dropped).
fn serve(listener: TcpListener, app: axum::Router) -> (oneshot::Sender<()>, JoinHandle<()>) {
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
    (tx, server)
}

fn owned(scopes: &[&str]) -> Vec<String> {
    scopes.iter().map(|s| (*s).to_owned()).collect()
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
