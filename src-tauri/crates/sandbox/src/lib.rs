//! A local, deterministic emulator of the GoHighLevel (LeadConnector) API v2.
//!
//! [`Sandbox::start`] seeds a dataset and serves it on `127.0.0.1`; the app, the
//! `ghl` client's tests and demos talk to it instead of the real API.

mod api;
pub mod model;
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
pub use api::API_VERSION;
pub use model::{
    Appointment, AppointmentStatus, Attribution, Calendar, Contact, CustomFieldDef,
    CustomFieldValue, Dataset, Location, Note, Task, User,
};
pub use seed::seed;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    pub contacts: usize,
    pub seed: u64,
    /// 0 = any free port.
    pub port: u16,
    /// Reference "now" for all seeded dates; `None` = the current time.
    pub anchor: Option<OffsetDateTime>,
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
        // Seeding 100k contacts is CPU work; keep it off the async worker threads.
        let dataset = tokio::task::spawn_blocking(move || seed(&config, anchor))
            .await
            .map_err(std::io::Error::other)?;
        let location_id = dataset.location.id.clone();
        let location_name = dataset.location.name.clone();
        let token = format!("{:032x}", rand::random::<u128>());
        let dataset = Arc::new(RwLock::new(dataset));

        let app = api::router(api::AppState {
            dataset: dataset.clone(),
            token: Arc::from(token.as_str()),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let result = axum::serve(listener, app)
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

    /// Random per start; the only bearer token the server accepts.
    pub fn access_token(&self) -> &str {
        &self.token
    }

    pub fn dataset(&self) -> Arc<RwLock<Dataset>> {
        self.dataset.clone()
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
