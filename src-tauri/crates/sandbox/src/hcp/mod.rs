//! A local emulator of Housecall Pro's customer endpoints, on its own base
//! URL (HCP and GHL are different hosts).
//!
//! [`HcpSandbox::start`] seeds customers ([`HcpConfig`]), some of them the
//! same people as given GHL contacts ([`seed_contacts_from_dataset`] builds
//! that list from the GHL sandbox's [`crate::Dataset`]), and serves
//! `GET/POST /customers`, `GET/PUT /customers/{id}`,
//! `GET/POST /customers/{id}/addresses` and
//! `GET /customers/{id}/addresses/{address_id}` with the shapes and statuses
//! of `housecallpro/housecall.v1.yaml`. Requests need `Authorization: Token
//! <key>` ([`HcpSandbox::api_key`]). Around the handlers: latency and
//! 429/5xx faults ([`HcpSandbox::set_latency`], [`HcpSandbox::fail_next`]),
//! counters ([`HcpSandbox::stats`]) and a request recorder for contract
//! checks ([`HcpSandbox::record_requests`]).
//!
//! Where the spec is silent the sandbox picks the plausible behaviour and
//! says so: errors use the spec's `ErrorResponse` (`{"error":{"message"}}`)
//! with 401/404/422 (400 for malformed query parameters); an unknown path
//! answers an HTML 404 page (as observed live); `page_size` is capped at
//! [`MAX_PAGE_SIZE`]; `updated_at` changes only when a write changes
//! something; `Bearer <key>` is accepted as well as `Token <key>`.

mod api;
mod model;
mod seed;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use api::MAX_PAGE_SIZE;
pub use model::{HcpAddress, HcpCompany, HcpCustomer};
pub use seed::{seed_contacts_from_dataset, SeedContact, SeedMatch, SeededMatch};

use crate::observe::{Observer, RecordedRequest, SandboxStats};
use model::Store;
use seed::IdSource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpConfig {
    pub customers: usize,
    pub seed: u64,
    /// GHL contacts some customers should be (30 % by email, 20 % by phone
    /// only, as far as the list allows); empty = nobody matches.
    pub ghl_contacts: Vec<SeedContact>,
    /// 0 = any free port.
    pub port: u16,
    /// Reference "now" for seeded dates; `None` = the current time.
    pub anchor: Option<OffsetDateTime>,
}

impl HcpConfig {
    pub const DEFAULT_CUSTOMERS: usize = 300;
    pub const DEFAULT_SEED: u64 = 42;
}

impl Default for HcpConfig {
    fn default() -> Self {
        HcpConfig {
            customers: Self::DEFAULT_CUSTOMERS,
            seed: Self::DEFAULT_SEED,
            ghl_contacts: Vec::new(),
            port: 0,
            anchor: None,
        }
    }
}

/// One injected failure (see [`HcpSandbox::fail_next`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HcpFault {
    /// Answer with this status without executing (502 is a proxy's HTML
    /// page, others the JSON `ErrorResponse`).
    Status(u16),
    /// 429 without executing, with `Retry-After: <secs>` when given.
    RateLimited { retry_after_secs: Option<u64> },
    /// Execute (a write is applied), then answer with this status: the
    /// ambiguous outcome a client must not blindly repeat.
    StatusAfterWrite(u16),
    /// Wait this long before executing (on top of the latency).
    Delay(Duration),
}

/// Why a test helper could not change a customer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HcpEditError {
    #[error("the HCP sandbox has no customer {0}")]
    NoSuchCustomer(String),
    #[error("{0} is not a text field of a customer")]
    UnknownField(String),
}

#[derive(Debug)]
struct FaultState {
    latency: Duration,
    queue: VecDeque<(Option<String>, HcpFault)>,
    error_rate: f64,
    rng: ChaCha8Rng,
}

/// What the handler shares.
pub(crate) struct Shared {
    store: Mutex<Store>,
    api_key: String,
    company: HcpCompany,
    ids: Mutex<IdSource>,
    clock: Mutex<OffsetDateTime>,
    faults: Mutex<FaultState>,
    observer: Observer,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    fn ids(&self) -> MutexGuard<'_, IdSource> {
        lock(&self.ids)
    }

    /// The current time, strictly after every timestamp handed out before.
    fn now(&self) -> OffsetDateTime {
        api::monotonic(&mut lock(&self.clock))
    }

    /// Latency for this request, and the fault to apply, if any.
    fn next_fault(&self, method: &str) -> (Duration, Option<HcpFault>) {
        let mut f = lock(&self.faults);
        let queued = f
            .queue
            .iter()
            .position(|(m, _)| m.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)));
        if let Some(i) = queued {
            let fault = f.queue.remove(i).map(|(_, fault)| fault);
            return (f.latency, fault);
        }
        let rate = f.error_rate;
        let fault = (rate > 0.0 && f.rng.random_bool(rate.clamp(0.0, 1.0)))
            .then(|| HcpFault::Status([500, 502, 503][f.rng.random_range(0..3)]));
        (f.latency, fault)
    }
}

/// A running HCP sandbox. Dropping it stops the server too.
pub struct HcpSandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    matches: Vec<SeededMatch>,
    app: axum::Router,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HcpSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The API key stays out of debug output (and logs).
        f.debug_struct("HcpSandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl HcpSandbox {
    pub async fn start(config: HcpConfig) -> std::io::Result<HcpSandbox> {
        // Bind first so a busy port fails fast, before seeding.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let anchor = config.anchor.unwrap_or_else(OffsetDateTime::now_utc);
        let seed = config.seed;
        let (customers, matches) = tokio::task::spawn_blocking(move || {
            seed::seed_customers(seed, config.customers, &config.ghl_contacts, anchor)
        })
        .await
        .map_err(std::io::Error::other)?;
        let newest = customers
            .iter()
            .map(|c| c.updated_at)
            .max()
            .unwrap_or(anchor);
        // A throwaway key, random per start like a freshly generated one.
        let mut rng = rand::rng();
        let api_key: String = (0..32)
            .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
            .collect();
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::new(customers)),
            api_key,
            company: seed::company(seed),
            ids: Mutex::new(IdSource::new(seed)),
            clock: Mutex::new(newest.max(anchor)),
            faults: Mutex::new(FaultState {
                latency: Duration::ZERO,
                queue: VecDeque::new(),
                error_rate: 0.0,
                rng: ChaCha8Rng::seed_from_u64(seed),
            }),
            observer: Observer::default(),
        });
        let app = axum::Router::new()
            .fallback(api::handle)
            .with_state(shared.clone());
        let (tx, server) = serve(listener, app.clone());
        Ok(HcpSandbox {
            addr,
            shared,
            matches,
            app,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The company API key requests must send (`Authorization: Token <key>`).
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The Pro's account every customer's `company_name`/`company_id` names.
    pub fn company(&self) -> &HcpCompany {
        &self.shared.company
    }

    /// Every customer now, in storage order (seeded ones newest first, then
    /// those created through the API).
    pub fn customers(&self) -> Vec<HcpCustomer> {
        self.shared.store().customers.clone()
    }

    pub fn customer(&self, id: &str) -> Option<HcpCustomer> {
        self.shared.store().get(id).cloned()
    }

    /// How each seeded customer relates to `HcpConfig::ghl_contacts`, in
    /// seeded order.
    pub fn seeded_matches(&self) -> &[SeededMatch] {
        &self.matches
    }

    /// Inserts `customer`, or replaces the one with its id, as given
    /// (timestamps included).
    pub fn set_customer(&self, customer: HcpCustomer) {
        self.shared.store().put(customer);
    }

    /// Sets one text field, named as in the API (`first_name`, `last_name`,
    /// `email`, `mobile_number`, `home_number`, `work_number`, `company`,
    /// `lead_source`, `notes`), as if edited in Housecall Pro: `updated_at`
    /// moves on when the value changes. `None` clears it.
    pub fn update_customer_field(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<(), HcpEditError> {
        let mut store = self.shared.store();
        let customer = store
            .get_mut(id)
            .ok_or_else(|| HcpEditError::NoSuchCustomer(id.to_owned()))?;
        let slot = match field {
            "first_name" => &mut customer.first_name,
            "last_name" => &mut customer.last_name,
            "email" => &mut customer.email,
            "mobile_number" => &mut customer.mobile_number,
            "home_number" => &mut customer.home_number,
            "work_number" => &mut customer.work_number,
            "company" => &mut customer.company,
            "lead_source" => &mut customer.lead_source,
            "notes" => &mut customer.notes,
            other => return Err(HcpEditError::UnknownField(other.to_owned())),
        };
        let value = value.map(str::to_owned);
        if *slot != value {
            *slot = value;
            customer.updated_at = self.shared.now();
        }
        Ok(())
    }

    /// Extra latency before every request from now on.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.faults).latency = latency;
    }

    /// Share (0.0–1.0) of requests answered with a 500, 502 or 503 without
    /// executing; seeded, so a run is reproducible.
    pub fn set_error_rate(&self, rate: f64, seed: u64) {
        let mut f = lock(&self.shared.faults);
        f.error_rate = rate.clamp(0.0, 1.0);
        f.rng = ChaCha8Rng::seed_from_u64(seed);
    }

    /// The next request gets `fault`. Queued faults apply in order, one per
    /// request.
    pub fn fail_next(&self, fault: HcpFault) {
        lock(&self.shared.faults).queue.push_back((None, fault));
    }

    /// The next `times` requests with this method (`"POST"`) get `fault`.
    pub fn fail_next_with_method(&self, method: &str, fault: HcpFault, times: usize) {
        let mut f = lock(&self.shared.faults);
        for _ in 0..times {
            f.queue.push_back((Some(method.to_owned()), fault));
        }
    }

    /// No latency, no queued or random faults.
    pub fn clear_faults(&self) {
        let mut f = lock(&self.shared.faults);
        f.latency = Duration::ZERO;
        f.queue.clear();
        f.error_rate = 0.0;
    }

    /// Counters since start (or [`HcpSandbox::reset_stats`]); routes are
    /// keyed `METHOD /customers/{customer_id}` as the spec writes them.
    pub fn stats(&self) -> SandboxStats {
        self.shared.observer.snapshot()
    }

    pub fn reset_stats(&self) {
        self.shared.observer.reset();
    }

    /// Starts or stops recording requests (off by default). The key is
    /// recorded masked (`Token ***`).
    pub fn record_requests(&self, on: bool) {
        self.shared.observer.set_recording(on);
    }

    /// The recorded requests, clearing the record.
    pub fn take_recorded_requests(&self) -> Vec<RecordedRequest> {
        self.shared.observer.take_recorded()
    }

    /// Stops answering (the port closes); data and key stay, and
    /// [`HcpSandbox::resume`] serves them again on the same port.
    pub async fn stop(&mut self) {
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

    /// Serves again on the same address after [`HcpSandbox::stop`].
    pub async fn resume(&mut self) -> std::io::Result<()> {
        if self.server.is_some() {
            return Ok(());
        }
        let listener = TcpListener::bind(self.addr).await?;
        let (tx, server) = serve(listener, self.app.clone());
        self.shutdown = Some(tx);
        self.server = Some(server);
        Ok(())
    }
}

/// Serves `app` on `listener` until the returned sender fires (or is dropped).
fn serve(listener: TcpListener, app: axum::Router) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "HCP sandbox server stopped with an error");
        }
    });
    (tx, server)
}

impl Drop for HcpSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
