//! One signed-in location: its credential, refreshed single-flight, always
//! persisted to the keyring before a new access token is handed out.
//!
//! GoHighLevel refresh tokens are single use (API-NOTES §5.4): a refresh
//! retires the old one. So refreshes are serialized per location, and the
//! new pair is written to the keyring before anyone gets the new access
//! token. The refresh runs in its own task, so a caller that gives up (a
//! dropped future) cannot abandon a rotated pair half-way.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ghl::{AccessToken, TokenFuture, TokenSource};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::accounts::{Accounts, AuthMethod};
use crate::app::OAuthApp;
use crate::error::{Error, Result};
use crate::store::{location_key, SecretStore};
use crate::token::{self, token_http_client, Credential, TokenSet};

/// Refresh this long before the access token expires.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// What the UI should show for a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStatus {
    Active,
    /// A refreshed token pair could not be written to the keyring. The
    /// session works for this run; after a restart it will likely need a
    /// reconnect (the keyring still holds the retired refresh token).
    NotPersisted {
        reason: String,
    },
    /// The refresh token (or the Private Integration Token) was refused:
    /// show "Reconnect". The keyring entry and cached data are kept.
    NeedsReconnect {
        message: String,
    },
    /// Signed out: the keyring entry is gone.
    SignedOut,
}

/// Points of a refresh, reported to [`SessionOptions::on_refresh_step`]
/// (crash-safety tests pause a child process at one of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshStep {
    /// Under the refresh lock, before the token endpoint is called.
    BeforeRequest,
    /// The server has rotated the pair; nothing is persisted yet.
    AfterRotation,
    /// The keyring write was attempted (see [`SessionStatus`] for its result);
    /// the new token is not handed out yet.
    AfterPersist,
}

impl RefreshStep {
    pub fn name(self) -> &'static str {
        match self {
            RefreshStep::BeforeRequest => "before_request",
            RefreshStep::AfterRotation => "after_rotation",
            RefreshStep::AfterPersist => "after_persist",
        }
    }
}

pub type RefreshHook = Arc<dyn Fn(RefreshStep) + Send + Sync>;

#[derive(Clone)]
pub struct SessionOptions {
    /// Refresh when the access token expires within this margin.
    pub refresh_margin: Duration,
    /// Called (synchronously, on the refresh task) at each [`RefreshStep`].
    pub on_refresh_step: Option<RefreshHook>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            on_refresh_step: None,
        }
    }
}

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field("refresh_margin", &self.refresh_margin)
            .field("on_refresh_step", &self.on_refresh_step.is_some())
            .finish()
    }
}

/// A signed-in location. Cheap to clone (clones share state); implements
/// [`ghl::TokenSource`], see [`LocationSession::ghl_client`].
#[derive(Clone)]
pub struct LocationSession {
    inner: Arc<Inner>,
}

struct Inner {
    location_id: String,
    app: Option<OAuthApp>,
    store: Arc<dyn SecretStore>,
    http: reqwest::Client,
    options: SessionOptions,
    credential: Mutex<Credential>,
    status: watch::Sender<SessionStatus>,
    /// Held for the whole of a refresh: one in flight per location.
    refresh_lock: Arc<tokio::sync::Mutex<()>>,
    refreshes: AtomicU64,
}

impl fmt::Debug for LocationSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocationSession")
            .field("location_id", &self.inner.location_id)
            .field("method", &self.method())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl LocationSession {
    /// A session for `credential` without touching the store (the credential
    /// came from it, or the caller persists it). An OAuth credential needs
    /// `app` to refresh.
    pub fn new(
        credential: Credential,
        app: Option<OAuthApp>,
        store: Arc<dyn SecretStore>,
        options: SessionOptions,
    ) -> Result<LocationSession> {
        if credential.location_id().trim().is_empty() {
            return Err(Error::config("the credential has no location id"));
        }
        match (&credential, &app) {
            (Credential::OAuth(_), None) => {
                return Err(Error::config(
                    "an OAuth sign-in needs the OAuth app settings to refresh its token",
                ))
            }
            (Credential::OAuth(_), Some(app)) => app.validate()?,
            (Credential::PrivateIntegration { token, .. }, _)
                if token.expose().trim().is_empty() =>
            {
                return Err(Error::config("the Private Integration Token is empty"))
            }
            _ => {}
        }
        let (status, _) = watch::channel(SessionStatus::Active);
        Ok(LocationSession {
            inner: Arc::new(Inner {
                location_id: credential.location_id().to_owned(),
                app,
                store,
                http: token_http_client()?,
                options,
                credential: Mutex::new(credential),
                status,
                refresh_lock: Arc::default(),
                refreshes: AtomicU64::new(0),
            }),
        })
    }

    /// Saves a fresh credential (after a login or a verified Private
    /// Integration Token) to the keyring, then starts a session. Fails with
    /// [`Error::KeyringUnavailable`] if it cannot be saved.
    pub async fn sign_in(
        credential: Credential,
        app: Option<OAuthApp>,
        store: Arc<dyn SecretStore>,
        options: SessionOptions,
    ) -> Result<LocationSession> {
        let session = LocationSession::new(credential.clone(), app, store, options)?;
        persist(&*session.inner.store, &credential).await?;
        Ok(session)
    }

    /// The session saved in the keyring for `location_id`, if any.
    pub async fn restore(
        location_id: &str,
        app: Option<OAuthApp>,
        store: Arc<dyn SecretStore>,
        options: SessionOptions,
    ) -> Result<Option<LocationSession>> {
        let Some(text) = store.get(&location_key(location_id)).await? else {
            return Ok(None);
        };
        let credential = Credential::from_stored_json(&text)?;
        if credential.location_id() != location_id {
            return Err(Error::CorruptCredential {
                message: format!(
                    "the entry for {location_id} belongs to location {}",
                    credential.location_id()
                ),
            });
        }
        LocationSession::new(credential, app, store, options).map(Some)
    }

    pub fn location_id(&self) -> &str {
        &self.inner.location_id
    }

    pub fn method(&self) -> AuthMethod {
        match &*self.inner.credential.lock().expect("lock") {
            Credential::OAuth(_) => AuthMethod::OAuth,
            Credential::PrivateIntegration { .. } => AuthMethod::Pit,
        }
    }

    /// Granted scopes (empty for a Private Integration Token: not reported).
    pub fn scopes(&self) -> Vec<String> {
        match &*self.inner.credential.lock().expect("lock") {
            Credential::OAuth(t) => t.scopes.clone(),
            Credential::PrivateIntegration { .. } => Vec::new(),
        }
    }

    /// When the current OAuth access token expires.
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        match &*self.inner.credential.lock().expect("lock") {
            Credential::OAuth(t) => Some(t.expires_at),
            Credential::PrivateIntegration { .. } => None,
        }
    }

    /// The company (agency) id of an OAuth sign-in.
    pub fn company_id(&self) -> Option<String> {
        match &*self.inner.credential.lock().expect("lock") {
            Credential::OAuth(t) => t.company_id.clone(),
            Credential::PrivateIntegration { .. } => None,
        }
    }

    pub fn status(&self) -> SessionStatus {
        self.inner.status.borrow().clone()
    }

    /// Status changes, for the UI ("Reconnect", "not saved").
    pub fn subscribe(&self) -> watch::Receiver<SessionStatus> {
        self.inner.status.subscribe()
    }

    /// Successful token refreshes made by this session.
    pub fn refresh_count(&self) -> u64 {
        self.inner.refreshes.load(Ordering::Relaxed)
    }

    /// This session as the token source of a `ghl` client.
    pub fn token_source(&self) -> Arc<dyn TokenSource> {
        Arc::new(self.clone())
    }

    /// A `ghl` client for this location that refreshes through this session.
    pub fn ghl_client(&self, config: ghl::ClientConfig) -> Result<ghl::Client> {
        if config.location_id != self.inner.location_id {
            return Err(Error::config(
                "the client configuration is for another location",
            ));
        }
        ghl::Client::with_token_source(config, self.token_source()).map_err(Error::Ghl)
    }

    /// Replaces the credential after a reconnect (a new login for the same
    /// location): saved to the keyring first, then used by every client of
    /// this session.
    pub async fn reconnect(&self, credential: Credential) -> Result<()> {
        if credential.location_id() != self.inner.location_id {
            return Err(Error::config(format!(
                "signed in to location {} instead of {}",
                credential.location_id(),
                self.inner.location_id
            )));
        }
        if matches!(credential, Credential::OAuth(_)) && self.inner.app.is_none() {
            return Err(Error::config(
                "an OAuth sign-in needs the OAuth app settings to refresh its token",
            ));
        }
        let _refreshing = self.inner.refresh_lock.lock().await;
        persist(&*self.inner.store, &credential).await?;
        *self.inner.credential.lock().expect("lock") = credential;
        self.inner.status.send_replace(SessionStatus::Active);
        Ok(())
    }

    /// Signs out: deletes the keyring entry and removes the location from
    /// `accounts` (saved). GoHighLevel documents no token revocation
    /// endpoint, so the tokens stay valid at GoHighLevel until they expire
    /// (the refresh token: unused for a year); uninstalling the app from the
    /// sub-account revokes them.
    pub async fn sign_out(&self, accounts: &mut Accounts) -> Result<()> {
        let _refreshing = self.inner.refresh_lock.lock().await;
        sign_out(&*self.inner.store, accounts, &self.inner.location_id).await?;
        self.inner.status.send_replace(SessionStatus::SignedOut);
        Ok(())
    }

    /// The token to use now; refreshes first when it expires within the
    /// margin.
    pub async fn access_token(&self) -> Result<AccessToken> {
        self.inner.usable()?;
        match &*self.inner.credential.lock().expect("lock") {
            Credential::PrivateIntegration { token, .. } => {
                return Ok(AccessToken::new(token.expose()))
            }
            Credential::OAuth(t) if !self.inner.expiring(t) => return Ok(t.access_token()),
            Credential::OAuth(_) => {}
        }
        match self.inner.clone().refresh(None).await {
            Ok(token) => Ok(token),
            // Refreshing early failed (network, 5xx): the current token is
            // still good until it actually expires.
            Err(e) if !matches!(e, Error::ReauthRequired { .. }) => {
                let credential = self.inner.credential.lock().expect("lock");
                match &*credential {
                    Credential::OAuth(t) if t.expires_at > OffsetDateTime::now_utc() => {
                        tracing::warn!(location = %self.inner.location_id, error = %e, "early token refresh failed; using the current token");
                        Ok(t.access_token())
                    }
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// GoHighLevel rejected `rejected` with a 401: refresh (once for all
    /// concurrent callers) unless the current token is already another one.
    pub async fn refresh_after_unauthorized(&self, rejected: &AccessToken) -> Result<AccessToken> {
        self.inner.clone().refresh(Some(rejected.clone())).await
    }
}

impl Inner {
    fn usable(&self) -> Result<()> {
        match &*self.status.borrow() {
            SessionStatus::NeedsReconnect { message } => Err(Error::ReauthRequired {
                message: message.clone(),
            }),
            SessionStatus::SignedOut => Err(Error::ReauthRequired {
                message: format!("location {} was signed out", self.location_id),
            }),
            _ => Ok(()),
        }
    }

    fn expiring(&self, t: &TokenSet) -> bool {
        t.expires_at - self.options.refresh_margin <= OffsetDateTime::now_utc()
    }

    fn step(&self, step: RefreshStep) {
        if let Some(hook) = &self.options.on_refresh_step {
            hook(step);
        }
    }

    fn needs_reconnect(&self, message: String) -> Error {
        self.status.send_replace(SessionStatus::NeedsReconnect {
            message: message.clone(),
        });
        Error::ReauthRequired { message }
    }

    /// Single-flight refresh. `rejected`: the token a 401 answered (refresh
    /// only if it is still the current one); `None`: refresh if expiring.
    async fn refresh(self: Arc<Self>, rejected: Option<AccessToken>) -> Result<AccessToken> {
        // Its own task: finishes (and persists) even if the caller is dropped.
        let task = tokio::spawn(async move {
            let _refreshing = Arc::clone(&self.refresh_lock).lock_owned().await;
            self.usable()?;
            let current = self.credential.lock().expect("lock").clone();
            let tokens = match current {
                Credential::PrivateIntegration { .. } => {
                    return Err(self.needs_reconnect(
                        "GoHighLevel rejected the Private Integration Token (it may have been rotated or deleted); paste a new one".to_owned(),
                    ));
                }
                Credential::OAuth(tokens) => tokens,
            };
            let stale = match &rejected {
                Some(rejected) => tokens.access_token.expose() != rejected.expose(),
                None => !self.expiring(&tokens),
            };
            if stale {
                // Someone else refreshed while this caller waited.
                return Ok(tokens.access_token());
            }
            let app = self
                .app
                .as_ref()
                .ok_or_else(|| Error::config("no OAuth app to refresh with"))?;
            self.step(RefreshStep::BeforeRequest);
            let fresh = match token::refresh(&self.http, app, &tokens).await {
                Ok(fresh) => fresh,
                Err(Error::ReauthRequired { message }) => {
                    tracing::warn!(location = %self.location_id, "refresh token refused; reconnect needed");
                    return Err(self.needs_reconnect(message));
                }
                Err(e) => return Err(e),
            };
            self.step(RefreshStep::AfterRotation);
            let credential = Credential::OAuth(fresh.clone());
            let persisted = persist(&*self.store, &credential).await;
            *self.credential.lock().expect("lock") = credential;
            self.refreshes.fetch_add(1, Ordering::Relaxed);
            match persisted {
                Ok(()) => {
                    self.status.send_if_modified(|s| {
                        let changed = matches!(s, SessionStatus::NotPersisted { .. });
                        if changed {
                            *s = SessionStatus::Active;
                        }
                        changed
                    });
                }
                Err(e) => {
                    tracing::error!(location = %self.location_id, error = %e, "the refreshed token pair could not be saved");
                    let reason = match e {
                        Error::KeyringUnavailable { reason } => reason,
                        other => other.to_string(),
                    };
                    self.status
                        .send_replace(SessionStatus::NotPersisted { reason });
                }
            }
            self.step(RefreshStep::AfterPersist);
            Ok(fresh.access_token())
        });
        task.await
            .map_err(|e| Error::config(format!("the token refresh task failed ({e})")))?
    }
}

impl TokenSource for LocationSession {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            LocationSession::access_token(self)
                .await
                .map_err(Into::into)
        })
    }

    fn refresh_after_unauthorized<'a>(&'a self, rejected: &'a AccessToken) -> TokenFuture<'a> {
        Box::pin(async move {
            LocationSession::refresh_after_unauthorized(self, rejected)
                .await
                .map_err(Into::into)
        })
    }
}

async fn persist(store: &dyn SecretStore, credential: &Credential) -> Result<()> {
    store
        .set(
            &location_key(credential.location_id()),
            &credential.to_stored_json(),
        )
        .await
}

/// Signs a location out without a session (e.g. its entry could not be
/// read): deletes the keyring entry, then removes it from `accounts` and
/// saves them. See [`LocationSession::sign_out`] about revocation.
pub async fn sign_out(
    store: &dyn SecretStore,
    accounts: &mut Accounts,
    location_id: &str,
) -> Result<()> {
    store.delete(&location_key(location_id)).await?;
    if accounts.remove(location_id).is_some() {
        accounts.save()?;
    }
    Ok(())
}
