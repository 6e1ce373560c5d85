//! Housecall Pro for the app: the API key (in the keyring, checked by a test
//! call before it is saved), the client, and in demo mode the built-in HCP
//! emulator seeded with customers that match the demo's GHL contacts.

use std::sync::Arc;

use auth::{SecretStore, SecretString, HCP_API_KEY_KEY};
use url::Url;

use crate::ipc::{AppError, ErrorCode, HcpStatus};

pub struct Housecall {
    base_url: Url,
    keyring: Arc<dyn SecretStore>,
    /// Built from the saved key on first use; replaced when a key is saved.
    client: tokio::sync::Mutex<Option<hcp::Client>>,
    /// Kept alive for as long as the app runs in demo mode.
    demo: Option<sandbox::hcp::HcpSandbox>,
}

impl From<hcp::Error> for AppError {
    fn from(error: hcp::Error) -> Self {
        let code = match error.code() {
            "unauthorized" => ErrorCode::Unauthorized,
            "forbidden" => ErrorCode::Forbidden,
            "not_found" => ErrorCode::NotFound,
            "validation" => ErrorCode::Validation,
            "rate_limited" => ErrorCode::RateLimited,
            "network" => ErrorCode::Network,
            "timeout" => ErrorCode::Timeout,
            "invalid_response" => ErrorCode::InvalidResponse,
            "outcome_unknown" => ErrorCode::OutcomeUnknown,
            "api" => ErrorCode::Api,
            _ => ErrorCode::Internal,
        };
        AppError {
            code,
            message: error.to_string(),
            details: None,
        }
    }
}

impl Housecall {
    pub fn live(base_url: Url, keyring: Arc<dyn SecretStore>) -> Housecall {
        Housecall {
            base_url,
            keyring,
            client: tokio::sync::Mutex::new(None),
            demo: None,
        }
    }

    /// The emulator, seeded from the demo's first location, its key saved in
    /// the demo keyring so the HCP panel works at once.
    pub async fn demo(
        ghl: &sandbox::Sandbox,
        keyring: Arc<dyn SecretStore>,
    ) -> Result<Housecall, AppError> {
        let matching = sandbox::hcp::seed_contacts_from_dataset(&*ghl.dataset().read().await);
        let emulator = sandbox::hcp::HcpSandbox::start(sandbox::hcp::HcpConfig {
            customers: sandbox::hcp::HcpConfig::DEFAULT_CUSTOMERS,
            seed: sandbox::hcp::HcpConfig::DEFAULT_SEED,
            ghl_contacts: matching,
            port: 0,
            anchor: None,
        })
        .await
        .map_err(|error| {
            AppError::internal(format!("The demo Housecall Pro could not start: {error}"))
        })?;
        let base_url = Url::parse(&emulator.base_url())
            .map_err(|error| AppError::internal(format!("demo HCP address: {error}")))?;
        keyring
            .set(HCP_API_KEY_KEY, &SecretString::new(emulator.api_key()))
            .await
            .map_err(crate::session::auth_error)?;
        Ok(Housecall {
            base_url,
            keyring,
            client: tokio::sync::Mutex::new(None),
            demo: Some(emulator),
        })
    }

    pub async fn status(&self) -> Result<HcpStatus, AppError> {
        let configured = self.client.lock().await.is_some()
            || self
                .keyring
                .get(HCP_API_KEY_KEY)
                .await
                .map_err(crate::session::auth_error)?
                .is_some();
        Ok(HcpStatus {
            configured,
            base_url: self.base_url.to_string(),
            demo: self.demo.is_some(),
        })
    }

    /// Checks `key` with a test call, then keeps it in the keyring.
    pub async fn save_key(&self, key: &str) -> Result<HcpStatus, AppError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(AppError {
                code: ErrorCode::Validation,
                message: "Paste the API key from Housecall Pro (My Apps → API).".to_owned(),
                details: None,
            });
        }
        let client = self.build(hcp::ApiKey::new(key))?;
        client.verify_key().await?;
        self.keyring
            .set(HCP_API_KEY_KEY, &SecretString::new(key))
            .await
            .map_err(crate::session::auth_error)?;
        *self.client.lock().await = Some(client);
        self.status().await
    }

    /// The client with the saved key.
    pub async fn client(&self) -> Result<hcp::Client, AppError> {
        let mut client = self.client.lock().await;
        if let Some(client) = client.as_ref() {
            return Ok(client.clone());
        }
        let key = self
            .keyring
            .get(HCP_API_KEY_KEY)
            .await
            .map_err(crate::session::auth_error)?
            .ok_or_else(|| AppError {
                code: ErrorCode::HcpNotConfigured,
                message: "Housecall Pro is not set up yet: enter its API key in Settings."
                    .to_owned(),
                details: None,
            })?;
        let built = self.build(hcp::ApiKey::new(key.expose()))?;
        *client = Some(built.clone());
        Ok(built)
    }

    fn build(&self, key: hcp::ApiKey) -> Result<hcp::Client, AppError> {
        hcp::Client::new(self.base_url.clone(), key).map_err(AppError::from)
    }
}
