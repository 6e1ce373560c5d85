//! Who is signed in where: the signed-in locations, the active one, the browser
//! sign-in in progress, and the OAuth app settings. The work itself (loopback
//! login, keyring, refresh) is the `auth` crate's; this module keeps the app's
//! state around it and turns it into what the UI sees.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use auth::{
    Account, Accounts, AuthMethod, CancellationToken, Credential, LoadedAppSettings,
    LocationSession, LoopbackConfig, OAuthApp, OAuthAppSettings, SecretStore, SecretString,
    SessionOptions, SessionStatus, SettingsSource,
};
use url::Url;

use crate::housecall::Housecall;
use crate::ipc::{
    AppError, AppMode, AuthorizeHost, ErrorCode, LocationAccount, OAuthSettings, OAuthSettingsForm,
    PrivateTokenForm, SessionInfo, SignInMethod,
};
use crate::launch::{DemoConsent, Launch};
use crate::state::Connection;

/// GHL scope names (apps/contacts.json `security`).
pub const SCOPE_CONTACTS_READ: &str = "contacts.readonly";
pub const SCOPE_CONTACTS_WRITE: &str = "contacts.write";
/// To show the location's name (`GET /locations/{id}`).
pub const SCOPE_LOCATIONS_READ: &str = "locations.readonly";

/// Locations the demo sandbox offers on its consent page.
const DEMO_LOCATIONS: usize = 3;

/// The file in the config directory naming the location shown last.
const ACTIVE_LOCATION_FILE: &str = "active-location";
/// The location's cache database, inside its cache folder.
const CACHE_FILE: &str = "contacts.sqlite3";

/// Where the app keeps its files.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// Settings and the accounts list (no secrets).
    pub config: PathBuf,
    /// One cache directory per location.
    pub data: PathBuf,
}

impl Dirs {
    /// `SWITCHBOARD_HOME` when given, else the OS's per-user directories.
    pub fn resolve(home: Option<&Path>, os_config: PathBuf, os_data: PathBuf) -> Dirs {
        match home {
            Some(home) => Dirs {
                config: home.join("config"),
                data: home.join("data"),
            },
            None => Dirs {
                config: os_config,
                data: os_data,
            },
        }
    }

    /// Demo runs live in a directory of their own (`<home>/demo`, or a fresh
    /// temporary one), never beside a real sign-in.
    pub fn for_launch(launch: &Launch, os_config: PathBuf, os_data: PathBuf) -> Dirs {
        let dirs = match launch {
            Launch::Demo { home, .. } => {
                let home = home
                    .as_ref()
                    .map(|home| home.join("demo"))
                    .unwrap_or_else(|| {
                        std::env::temp_dir()
                            .join(format!("switchboard-demo-{}", std::process::id()))
                    });
                Dirs::resolve(Some(&home), PathBuf::new(), PathBuf::new())
            }
            Launch::Live { home, .. } => Dirs::resolve(home.as_deref(), os_config, os_data),
        };
        dirs.with_saved_data_location()
    }

    /// The data folder chosen with Settings → General → Move…, when there is one.
    fn with_saved_data_location(mut self) -> Dirs {
        if let Some(data) = crate::app_settings::AppSettings::load(&self.config).data_dir {
            self.data = data;
        }
        self
    }

    pub fn logs(&self) -> PathBuf {
        self.data.join("logs")
    }

    pub fn location_cache(&self, location_id: &str) -> PathBuf {
        self.data.join("locations").join(sanitize(location_id))
    }
}

/// Location ids are GHL's alphanumeric ids; anything else is replaced so an id
/// can never name a path outside the cache directory.
fn sanitize(location_id: &str) -> String {
    location_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Where the OAuth app registration comes from.
enum OAuthSource {
    /// The demo sandbox's own app: fixed, nothing to set up.
    Demo(OAuthApp),
    /// Settings: the user's file (secret in the keyring) or a deployed file.
    Settings {
        user_file: PathBuf,
        deployed_file: PathBuf,
    },
}

struct Signed {
    accounts: Accounts,
    active: Option<String>,
    /// Sessions opened so far, by location id.
    open: HashMap<String, Arc<Connection>>,
    notice: Option<String>,
}

pub struct Sessions {
    mode: AppMode,
    api_base_url: Url,
    /// Settings → General → Move… changes the data folder while the app runs.
    dirs: std::sync::RwLock<Dirs>,
    /// `dirs.config`, which never moves.
    config: PathBuf,
    /// Set while the data folder moves: no location opens its cache.
    moving: std::sync::atomic::AtomicBool,
    store: Arc<dyn SecretStore>,
    oauth: OAuthSource,
    loopback: LoopbackConfig,
    signed: tokio::sync::Mutex<Signed>,
    /// The browser sign-in in progress (numbered), so Cancel can stop it.
    login: Mutex<Option<(u64, CancellationToken)>>,
    logins_started: std::sync::atomic::AtomicU64,
    /// Housecall Pro (one account for the business, whatever the location).
    housecall: Housecall,
    /// Kept alive for as long as the app runs in demo mode.
    _sandbox: Option<sandbox::Sandbox>,
}

impl Sessions {
    /// Prepares the sessions for `launch`. Nothing here talks to GHL; a saved
    /// sign-in is opened from the keyring when its location is first used.
    pub async fn open(
        launch: Launch,
        dirs: Dirs,
        store_for: impl Fn(&str) -> Arc<dyn SecretStore>,
    ) -> Result<Sessions, AppError> {
        match launch {
            Launch::Demo {
                contacts,
                seed,
                read_only,
                consent,
                ..
            } => {
                let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
                    contacts,
                    seed,
                    locations: DEMO_LOCATIONS,
                    ..sandbox::SandboxConfig::default()
                })
                .await
                .map_err(|error| {
                    AppError::internal(format!("The demo sandbox could not start: {error}"))
                })?;
                if consent == DemoConsent::Approve {
                    sandbox.set_consent(sandbox::Consent::Approve {
                        location_id: sandbox.location_id().to_owned(),
                    });
                }
                let client = sandbox.oauth_client();
                let app = OAuthApp {
                    client_id: client.client_id.clone(),
                    client_secret: SecretString::new(client.client_secret.clone()),
                    authorize_url: parse_url(&sandbox.authorize_url())?,
                    token_url: parse_url(&sandbox.token_url())?,
                    scopes: scopes(!read_only),
                };
                // The sandbox forgets its tokens when the app quits, so every demo
                // run starts signed out, with no cache of an earlier sandbox.
                let _ = std::fs::remove_dir_all(&dirs.config);
                let _ = std::fs::remove_dir_all(dirs.data.join("locations"));
                tracing::info!(base_url = %sandbox.base_url(), contacts, "demo sandbox running");
                let keyring = store_for(auth::DEMO_SERVICE);
                let housecall = Housecall::demo(&sandbox, keyring.clone()).await?;
                Sessions::new(
                    AppMode::Demo,
                    parse_url(&sandbox.base_url())?,
                    dirs,
                    keyring,
                    OAuthSource::Demo(app),
                    housecall,
                    Some(sandbox),
                )
            }
            Launch::Live {
                base_url,
                hcp_base_url,
                oauth_app_file,
                ..
            } => {
                let keyring = store_for(auth::APP_SERVICE);
                let housecall = Housecall::live(parse_url(&hcp_base_url)?, keyring.clone());
                Sessions::new(
                    AppMode::Live,
                    parse_url(&base_url)?,
                    dirs.clone(),
                    keyring,
                    OAuthSource::Settings {
                        user_file: dirs.config.join(OAuthAppSettings::USER_FILE_NAME),
                        deployed_file: oauth_app_file,
                    },
                    housecall,
                    None,
                )
            }
        }
    }

    fn new(
        mode: AppMode,
        api_base_url: Url,
        dirs: Dirs,
        store: Arc<dyn SecretStore>,
        oauth: OAuthSource,
        housecall: Housecall,
        sandbox: Option<sandbox::Sandbox>,
    ) -> Result<Sessions, AppError> {
        std::fs::create_dir_all(&dirs.config).map_err(|error| {
            AppError::internal(format!(
                "Could not create the settings folder {}: {error}",
                dirs.config.display()
            ))
        })?;
        let (accounts, notice) = load_accounts(&dirs.config);
        let active = std::fs::read_to_string(dirs.config.join(ACTIVE_LOCATION_FILE))
            .ok()
            .map(|id| id.trim().to_owned())
            .filter(|id| accounts.get(id).is_some())
            .or_else(|| accounts.list().first().map(|a| a.location_id.clone()));
        Ok(Sessions {
            mode,
            api_base_url,
            config: dirs.config.clone(),
            dirs: std::sync::RwLock::new(dirs),
            moving: std::sync::atomic::AtomicBool::new(false),
            store,
            oauth,
            loopback: LoopbackConfig::default(),
            signed: tokio::sync::Mutex::new(Signed {
                accounts,
                active,
                open: HashMap::new(),
                notice,
            }),
            login: Mutex::new(None),
            logins_started: std::sync::atomic::AtomicU64::new(0),
            housecall,
            _sandbox: sandbox,
        })
    }

    pub fn housecall(&self) -> &Housecall {
        &self.housecall
    }

    /// Settings (no secrets) live here.
    pub fn config_dir(&self) -> &Path {
        &self.config
    }

    pub fn dirs(&self) -> Dirs {
        self.dirs
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Closes every open location before the data folder moves, and keeps
    /// any from opening until [`Sessions::reopen_after_move`]. Returns the
    /// closed databases: the move waits until nothing holds them any more
    /// (a command or a background task may still be finishing with one).
    pub async fn close_for_move(&self) -> Vec<std::sync::Weak<store::Store>> {
        let mut signed = self.signed.lock().await;
        self.moving.store(true, std::sync::atomic::Ordering::SeqCst);
        signed
            .open
            .drain()
            .filter_map(|(_, connection)| {
                connection.cache().stop();
                connection
                    .cache()
                    .store()
                    .ok()
                    .map(|store| Arc::downgrade(&store))
            })
            .collect()
    }

    /// Ends a move: the locations open again on first use, from `data` when
    /// the move happened, else from where they were.
    pub async fn reopen_after_move(&self, data: Option<PathBuf>) {
        let _signed = self.signed.lock().await;
        if let Some(data) = data {
            self.dirs
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .data = data;
        }
        self.moving
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// Applies a new background refresh interval to every open location.
    pub async fn set_refresh_interval(&self, interval: std::time::Duration) {
        for connection in self.signed.lock().await.open.values() {
            connection.cache().set_refresh_interval(interval);
        }
    }

    /// What the UI asks first: the accounts, the active one, and whether the
    /// browser sign-in can start.
    pub async fn info(&self) -> SessionInfo {
        let oauth_ready = matches!(self.oauth_app().await, Ok(Some(_)));
        let signed = self.signed.lock().await;
        SessionInfo {
            mode: self.mode,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            accounts: signed
                .accounts
                .list()
                .iter()
                .map(|account| location_account(account, signed.open.get(&account.location_id)))
                .collect(),
            active_location_id: signed.active.clone(),
            oauth_ready,
            notice: signed.notice.clone(),
        }
    }

    /// The active location's connection, opened from the keyring on first use.
    pub async fn active(&self) -> Result<Arc<Connection>, AppError> {
        let mut signed = self.signed.lock().await;
        let Some(location_id) = signed.active.clone() else {
            return Err(not_signed_in());
        };
        if let Some(connection) = signed.open.get(&location_id) {
            return Ok(connection.clone());
        }
        let account = signed
            .accounts
            .get(&location_id)
            .cloned()
            .ok_or_else(not_signed_in)?;
        let app = match account.method {
            AuthMethod::OAuth => self.oauth_app().await?,
            AuthMethod::Pit => None,
        };
        let session = LocationSession::restore(
            &location_id,
            app,
            self.store.clone(),
            SessionOptions::default(),
        )
        .await
        .map_err(auth_error)?
        .ok_or_else(|| AppError {
            code: ErrorCode::ReauthRequired,
            message: format!(
                "The saved sign-in for {} is missing from the system keyring; sign in again.",
                account.name
            ),
            details: None,
        })?;
        let connection = Arc::new(self.connect(&account, session).await?);
        signed.open.insert(location_id, connection.clone());
        Ok(connection)
    }

    async fn connect(
        &self,
        account: &Account,
        session: LocationSession,
    ) -> Result<Connection, AppError> {
        if self.moving.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(AppError {
                code: ErrorCode::CacheUnavailable,
                message:
                    "Switchboard is moving its data folder; the contacts are back in a moment."
                        .to_owned(),
                details: Some(serde_json::json!({ "reason": "dataFolderMoving" })),
            });
        }
        let client = session
            .ghl_client(ghl::ClientConfig::new(
                self.api_base_url.clone(),
                &account.location_id,
            ))
            .map_err(auth_error)?;
        Connection::open(
            client,
            Some(session),
            self.dirs()
                .location_cache(&account.location_id)
                .join(CACHE_FILE),
            crate::app_settings::AppSettings::load(&self.config).refresh_interval(),
        )
        .await
    }

    /// "Sign in with HighLevel": the system browser, one loopback callback, the
    /// code exchanged for tokens, the tokens saved to the keyring, and the
    /// location made active. Also how an expired sign-in is reconnected.
    pub async fn sign_in_with_highlevel(&self) -> Result<SessionInfo, AppError> {
        let app = self.oauth_app().await?.ok_or_else(|| AppError {
            code: ErrorCode::NotConfigured,
            message: "Sign-in with HighLevel is not set up yet: an administrator enters the app's client id and secret in Settings.".to_owned(),
            details: None,
        })?;
        let cancel = CancellationToken::new();
        let attempt = self
            .logins_started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some((_, previous)) = self.login_slot().replace((attempt, cancel.clone())) {
            // Only one browser sign-in at a time: a new one replaces the old.
            previous.cancel();
        }
        let result = async {
            let pending = auth::begin_login(&app, &self.loopback)
                .await
                .map_err(auth_error)?;
            auth::open_in_browser(pending.authorize_url()).map_err(auth_error)?;
            let tokens = pending.finish(cancel.clone()).await.map_err(auth_error)?;
            let account = Account {
                name: self
                    .location_name(&tokens.location_id, tokens.access_token())
                    .await,
                location_id: tokens.location_id.clone(),
                method: AuthMethod::OAuth,
                scopes: tokens.scopes.clone(),
                company_id: tokens.company_id.clone(),
            };
            self.add_account(account, Credential::OAuth(tokens), Some(app))
                .await
        }
        .await;
        {
            let mut slot = self.login_slot();
            if slot
                .as_ref()
                .is_some_and(|(current, _)| *current == attempt)
            {
                *slot = None;
            }
        }
        result?;
        Ok(self.info().await)
    }

    pub fn cancel_sign_in(&self) {
        if let Some((_, cancel)) = self.login_slot().take() {
            cancel.cancel();
        }
    }

    fn login_slot(&self) -> std::sync::MutexGuard<'_, Option<(u64, CancellationToken)>> {
        self.login
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A pasted Private Integration Token: checked with a test call, then saved.
    pub async fn sign_in_with_token(
        &self,
        form: PrivateTokenForm,
    ) -> Result<SessionInfo, AppError> {
        let location_id = form.location_id.trim().to_owned();
        let token = SecretString::new(form.token.trim());
        if location_id.is_empty() || token.is_empty() {
            return Err(AppError {
                code: ErrorCode::Validation,
                message: "Enter both the location id and the token.".to_owned(),
                details: Some(serde_json::json!({
                    "field": if location_id.is_empty() { "locationId" } else { "token" },
                })),
            });
        }
        auth::verify_private_integration_token(&self.api_base_url, &location_id, &token)
            .await
            .map_err(auth_error)?;
        let account = Account {
            name: self
                .location_name(&location_id, ghl::AccessToken::new(token.expose()))
                .await,
            location_id: location_id.clone(),
            method: AuthMethod::Pit,
            scopes: Vec::new(),
            company_id: None,
        };
        self.add_account(
            account,
            Credential::PrivateIntegration { token, location_id },
            None,
        )
        .await?;
        Ok(self.info().await)
    }

    /// Saves the credential (keyring first), lists the location and makes it
    /// active. A location already open is reconnected in place, so screens
    /// and caches stay.
    async fn add_account(
        &self,
        account: Account,
        credential: Credential,
        app: Option<OAuthApp>,
    ) -> Result<(), AppError> {
        let mut signed = self.signed.lock().await;
        let location_id = account.location_id.clone();
        match signed.open.get(&location_id) {
            Some(connection) if connection.session_method() == Some(account.method) => {
                connection.reconnect(credential).await.map_err(auth_error)?;
            }
            _ => {
                let session = LocationSession::sign_in(
                    credential,
                    app,
                    self.store.clone(),
                    SessionOptions::default(),
                )
                .await
                .map_err(auth_error)?;
                let connection = Arc::new(self.connect(&account, session).await?);
                signed.open.insert(location_id.clone(), connection);
            }
        }
        signed.accounts.upsert(account);
        signed.accounts.save().map_err(auth_error)?;
        signed.notice = None;
        self.set_active(&mut signed, Some(location_id));
        Ok(())
    }

    pub async fn switch_location(&self, location_id: &str) -> Result<SessionInfo, AppError> {
        {
            let mut signed = self.signed.lock().await;
            if signed.accounts.get(location_id).is_none() {
                return Err(not_signed_in());
            }
            self.set_active(&mut signed, Some(location_id.to_owned()));
        }
        Ok(self.info().await)
    }

    /// Removes the location's tokens from the keyring and the location from the
    /// list; its cached data too when asked. GHL has no revocation endpoint.
    pub async fn sign_out(
        &self,
        location_id: &str,
        delete_cache: bool,
    ) -> Result<SessionInfo, AppError> {
        {
            let mut signed = self.signed.lock().await;
            if signed.accounts.get(location_id).is_none() {
                return Err(not_signed_in());
            }
            let Signed { accounts, open, .. } = &mut *signed;
            match open.remove(location_id) {
                Some(connection) => connection.sign_out(accounts).await,
                None => auth::sign_out(&*self.store, accounts, location_id).await,
            }
            .map_err(auth_error)?;
            if delete_cache {
                let cache = self.dirs().location_cache(location_id);
                if let Err(error) = std::fs::remove_dir_all(&cache) {
                    if error.kind() != std::io::ErrorKind::NotFound {
                        tracing::warn!(%error, "could not delete the location's cache");
                    }
                }
            }
            let next = if signed.active.as_deref() == Some(location_id) {
                signed
                    .accounts
                    .list()
                    .first()
                    .map(|a| a.location_id.clone())
            } else {
                signed.active.clone()
            };
            self.set_active(&mut signed, next);
        }
        Ok(self.info().await)
    }

    fn set_active(&self, signed: &mut Signed, location_id: Option<String>) {
        let path = self.config.join(ACTIVE_LOCATION_FILE);
        let written = match &location_id {
            Some(id) => std::fs::write(&path, id),
            None => std::fs::remove_file(&path).or_else(|error| {
                if error.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(error)
                }
            }),
        };
        if let Err(error) = written {
            // Only which location opens first next time is lost.
            tracing::warn!(%error, "could not remember the active location");
        }
        signed.active = location_id;
    }

    /// The location's name for the switcher. The token response has none, so
    /// the Locations API is asked; without `locations.readonly` (a Private
    /// Integration Token created without it) the id stands in.
    async fn location_name(&self, location_id: &str, token: ghl::AccessToken) -> String {
        let config = ghl::ClientConfig::new(self.api_base_url.clone(), location_id);
        let name = match ghl::Client::new(config, token) {
            Ok(client) => client.get_location(location_id).await.map(|l| l.name),
            Err(error) => Err(error),
        };
        match name {
            Ok(Some(name)) if !name.trim().is_empty() => name,
            Ok(_) => format!("Location {location_id}"),
            Err(error) => {
                tracing::info!(code = error.code(), "the location's name could not be read");
                format!("Location {location_id}")
            }
        }
    }

    /// The registered OAuth app with its secret, or `None` until set up.
    async fn oauth_app(&self) -> Result<Option<OAuthApp>, AppError> {
        match &self.oauth {
            OAuthSource::Demo(app) => Ok(Some(app.clone())),
            OAuthSource::Settings { .. } => {
                let loaded = self.load_settings()?;
                loaded.app(&*self.store).await.map_err(auth_error)
            }
        }
    }

    fn load_settings(&self) -> Result<LoadedAppSettings, AppError> {
        match &self.oauth {
            OAuthSource::Demo(_) => Err(AppError::internal("demo mode has no settings file")),
            OAuthSource::Settings {
                user_file,
                deployed_file,
            } => OAuthAppSettings::load(Some(deployed_file), user_file).map_err(auth_error),
        }
    }

    fn redirect_uris(&self) -> Vec<String> {
        self.loopback
            .ports
            .iter()
            .map(|port| format!("http://127.0.0.1:{port}{}", self.loopback.path))
            .collect()
    }

    pub async fn oauth_settings(&self) -> Result<OAuthSettings, AppError> {
        let redirect_uris = self.redirect_uris();
        match &self.oauth {
            OAuthSource::Demo(app) => Ok(OAuthSettings {
                client_id: app.client_id.clone(),
                has_client_secret: true,
                authorize_host: AuthorizeHost::Custom,
                custom_authorize_url: Some(app.authorize_url.to_string()),
                redirect_uris,
                editing_enabled: app.scopes.iter().any(|s| s == SCOPE_CONTACTS_WRITE),
                managed_by_file: Some("demo mode (the built-in sandbox's app)".to_owned()),
            }),
            OAuthSource::Settings { deployed_file, .. } => {
                let loaded = self.load_settings()?;
                let has_client_secret = loaded
                    .client_secret(&*self.store)
                    .await
                    .map_err(auth_error)?
                    .is_some();
                let settings = loaded.settings.clone();
                let (authorize_host, custom_authorize_url) = match &settings {
                    Some(s) => authorize_host_of(&s.authorize_url),
                    None => (AuthorizeHost::Standard, None),
                };
                Ok(OAuthSettings {
                    client_id: settings
                        .as_ref()
                        .map(|s| s.client_id.clone())
                        .unwrap_or_default(),
                    has_client_secret,
                    authorize_host,
                    custom_authorize_url,
                    redirect_uris,
                    editing_enabled: settings.as_ref().is_some_and(|s| {
                        s.scopes.iter().any(|scope| scope == SCOPE_CONTACTS_WRITE)
                    }),
                    managed_by_file: (!loaded.editable
                        && loaded.source == Some(SettingsSource::Deployed))
                    .then(|| deployed_file.display().to_string()),
                })
            }
        }
    }

    pub async fn save_oauth_settings(
        &self,
        form: OAuthSettingsForm,
    ) -> Result<OAuthSettings, AppError> {
        let OAuthSource::Settings { user_file, .. } = &self.oauth else {
            return Err(validation(
                "In demo mode the built-in sandbox's app is used; there is nothing to set up.",
            ));
        };
        let loaded = self.load_settings()?;
        if !loaded.editable {
            return Err(validation(
                "These settings were deployed by your IT department and cannot be changed here.",
            ));
        }
        let client_id = form.client_id.trim().to_owned();
        if client_id.is_empty() {
            return Err(validation("Enter the app's client id."));
        }
        let authorize_url = match form.authorize_host {
            AuthorizeHost::Standard => parse_url(auth::STANDARD_AUTHORIZE_URL)?,
            AuthorizeHost::WhiteLabel => parse_url(auth::WHITE_LABEL_AUTHORIZE_URL)?,
            AuthorizeHost::Custom => {
                let text = form.custom_authorize_url.as_deref().unwrap_or("").trim();
                Url::parse(text).map_err(|_| {
                    validation("Enter the full authorize address, starting with https://")
                })?
            }
        };
        let token_url = loaded
            .settings
            .as_ref()
            .map(|s| s.token_url.clone())
            .unwrap_or(parse_url(auth::DEFAULT_TOKEN_URL)?);
        let settings = OAuthAppSettings {
            client_id,
            authorize_url,
            token_url,
            scopes: scopes(form.editing_enabled),
        };
        let secret = form
            .client_secret
            .as_deref()
            .map(str::trim)
            .filter(|secret| !secret.is_empty())
            .map(SecretString::new);
        // Checked as a whole (URLs, ids) before anything is written.
        settings
            .to_app(
                secret
                    .clone()
                    .unwrap_or_else(|| SecretString::new("unchanged")),
            )
            .map_err(auth_error)?;
        if let Some(secret) = &secret {
            auth::store_client_secret(&*self.store, secret)
                .await
                .map_err(auth_error)?;
        }
        settings.save_user(user_file).map_err(auth_error)?;
        self.oauth_settings().await
    }
}

fn load_accounts(config: &Path) -> (Accounts, Option<String>) {
    match Accounts::load(config) {
        Ok(accounts) => (accounts, None),
        Err(error) => {
            // The list holds no secrets and is rebuilt by signing in again; the
            // damaged file is kept beside it for anyone who wants to look.
            let path = config.join(Accounts::FILE_NAME);
            let aside = config.join(format!(
                "{}.damaged-{}",
                Accounts::FILE_NAME,
                time::OffsetDateTime::now_utc().unix_timestamp()
            ));
            let moved = std::fs::rename(&path, &aside);
            tracing::warn!(%error, "the accounts file could not be read");
            let notice = match moved {
                Ok(()) => format!(
                    "The list of signed-in locations could not be read ({error}). It was set aside as {}; please sign in again.",
                    aside.display()
                ),
                Err(_) => format!(
                    "The list of signed-in locations could not be read ({error}); please sign in again."
                ),
            };
            (Accounts::empty(config), Some(notice))
        }
    }
}

fn location_account(account: &Account, open: Option<&Arc<Connection>>) -> LocationAccount {
    LocationAccount {
        location_id: account.location_id.clone(),
        name: account.name.clone(),
        method: match account.method {
            AuthMethod::OAuth => SignInMethod::Oauth,
            AuthMethod::Pit => SignInMethod::PrivateToken,
        },
        can_write: can_write(account),
        needs_reconnect: open.is_some_and(|connection| {
            matches!(
                connection.session_status(),
                Some(SessionStatus::NeedsReconnect { .. } | SessionStatus::SignedOut)
            )
        }),
    }
}

/// A Private Integration Token's scopes cannot be read back: assume it may
/// write and let a refusal show GHL's own message.
fn can_write(account: &Account) -> bool {
    match account.method {
        AuthMethod::OAuth => account.scopes.iter().any(|s| s == SCOPE_CONTACTS_WRITE),
        AuthMethod::Pit => true,
    }
}

/// Least privilege: read-only unless editing is enabled.
fn scopes(editing: bool) -> Vec<String> {
    let mut scopes = vec![
        SCOPE_CONTACTS_READ.to_owned(),
        SCOPE_LOCATIONS_READ.to_owned(),
    ];
    if editing {
        scopes.push(SCOPE_CONTACTS_WRITE.to_owned());
    }
    scopes
}

fn authorize_host_of(url: &Url) -> (AuthorizeHost, Option<String>) {
    match url.as_str() {
        auth::STANDARD_AUTHORIZE_URL => (AuthorizeHost::Standard, None),
        auth::WHITE_LABEL_AUTHORIZE_URL => (AuthorizeHost::WhiteLabel, None),
        other => (AuthorizeHost::Custom, Some(other.to_owned())),
    }
}

fn parse_url(text: &str) -> Result<Url, AppError> {
    Url::parse(text)
        .map_err(|error| AppError::internal(format!("{text:?} is not a valid address: {error}")))
}

fn not_signed_in() -> AppError {
    AppError {
        code: ErrorCode::NotSignedIn,
        message: "No location is signed in.".to_owned(),
        details: None,
    }
}

fn validation(message: &str) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: message.to_owned(),
        details: None,
    }
}

/// `auth` errors as the UI sees them. Their messages never hold a secret.
pub fn auth_error(error: auth::Error) -> AppError {
    use auth::Error as E;
    let error = match error {
        E::Ghl(inner) => return AppError::from(inner),
        other => other,
    };
    let code = match &error {
        E::Denied { .. } => ErrorCode::SignInDenied,
        E::Cancelled => ErrorCode::SignInCancelled,
        E::TimedOut => ErrorCode::SignInTimedOut,
        E::ProviderError { .. }
        | E::StateMismatch
        | E::InvalidCallback { .. }
        | E::PortsUnavailable { .. }
        | E::Browser { .. }
        | E::TokenEndpoint { .. } => ErrorCode::SignInFailed,
        E::ReauthRequired { .. } | E::CorruptCredential { .. } => ErrorCode::ReauthRequired,
        E::Network { .. } => ErrorCode::Network,
        E::Timeout => ErrorCode::Timeout,
        E::KeyringUnavailable { .. } => ErrorCode::KeyringUnavailable,
        E::TokenRejected { .. } => ErrorCode::Unauthorized,
        E::Config { .. } => ErrorCode::Validation,
        E::NotSignedIn { .. } => ErrorCode::NotSignedIn,
        _ => ErrorCode::Internal,
    };
    let details = match &error {
        E::Denied { provider_message } => {
            Some(serde_json::json!({ "providerMessage": provider_message }))
        }
        E::ProviderError { error, description } => Some(serde_json::json!({
            "providerError": error,
            "providerMessage": description,
        })),
        _ => None,
    };
    AppError {
        code,
        message: error.to_string(),
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth::MemoryStore;

    async fn sandbox() -> sandbox::Sandbox {
        sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts: 30,
            locations: 2,
            rate_limit: sandbox::RateLimitConfig::unlimited(),
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("sandbox")
    }

    /// Live mode against the sandbox, with a memory keyring shared across
    /// "restarts" (the same `store`) and files in `home`.
    async fn live(sandbox: &sandbox::Sandbox, home: &Path, store: Arc<MemoryStore>) -> Sessions {
        let launch = Launch::Live {
            base_url: sandbox.base_url(),
            hcp_base_url: hcp::DEFAULT_BASE_URL.to_owned(),
            home: Some(home.to_owned()),
            oauth_app_file: home.join("no-deployed-file.json"),
        };
        let dirs = Dirs::for_launch(&launch, PathBuf::new(), PathBuf::new());
        Sessions::open(launch, dirs, move |_| store.clone())
            .await
            .expect("sessions")
    }

    fn token_form(location_id: &str, token: &str) -> PrivateTokenForm {
        PrivateTokenForm {
            location_id: location_id.to_owned(),
            token: token.to_owned(),
        }
    }

    #[tokio::test]
    async fn a_private_token_signs_in_names_the_location_and_survives_a_restart() {
        let sandbox = sandbox().await;
        let home = tempfile::tempdir().expect("home");
        let store = Arc::new(MemoryStore::new());
        let sessions = live(&sandbox, home.path(), store.clone()).await;
        let info = sessions.info().await;
        assert_eq!(info.active_location_id, None);
        assert!(!info.oauth_ready, "no OAuth app is set up");

        let refused = sessions
            .sign_in_with_token(token_form(sandbox.location_id(), "pit-wrong"))
            .await
            .expect_err("a wrong token");
        assert_eq!(refused.code, ErrorCode::Unauthorized);
        assert!(!refused.message.contains("pit-wrong"));
        assert!(store.keys().is_empty(), "nothing half-stored");

        let info = sessions
            .sign_in_with_token(token_form(sandbox.location_id(), sandbox.access_token()))
            .await
            .expect("signed in");
        assert_eq!(
            info.active_location_id.as_deref(),
            Some(sandbox.location_id())
        );
        assert_eq!(info.accounts[0].name, sandbox.location_name());
        assert_eq!(info.accounts[0].method, SignInMethod::PrivateToken);
        let connection = sessions.active().await.expect("connection");
        connection.wait_for_download().await;
        let page = connection
            .list_contacts("", None, 10)
            .await
            .expect("contacts");
        assert_eq!(page.total, Some(30));
        // Only the keyring holds the token.
        for entry in std::fs::read_dir(home.path().join("config")).expect("config") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            assert!(!text.contains(sandbox.access_token()));
        }
        drop(sessions);

        let restarted = live(&sandbox, home.path(), store.clone()).await;
        let info = restarted.info().await;
        assert_eq!(
            info.active_location_id.as_deref(),
            Some(sandbox.location_id())
        );
        restarted
            .active()
            .await
            .expect("opened from the keyring")
            .contact(&page.contacts[0].id)
            .await
            .expect("a contact");
    }

    #[tokio::test]
    async fn switching_and_signing_out_move_between_locations() {
        let sandbox = sandbox().await;
        let home = tempfile::tempdir().expect("home");
        let store = Arc::new(MemoryStore::new());
        let sessions = live(&sandbox, home.path(), store.clone()).await;
        let second = sandbox.locations()[1].clone();
        let second_token =
            sandbox.issue_token_for(&second.id, &[sandbox::SCOPE_READ, "locations.readonly"]);
        sessions
            .sign_in_with_token(token_form(sandbox.location_id(), sandbox.access_token()))
            .await
            .expect("first");
        let info = sessions
            .sign_in_with_token(token_form(&second.id, &second_token))
            .await
            .expect("second");
        assert_eq!(info.accounts.len(), 2);
        assert_eq!(info.active_location_id.as_deref(), Some(second.id.as_str()));

        let info = sessions
            .switch_location(sandbox.location_id())
            .await
            .expect("switch");
        assert_eq!(
            info.active_location_id.as_deref(),
            Some(sandbox.location_id())
        );
        let unknown = sessions
            .switch_location("nowhere")
            .await
            .expect_err("unknown");
        assert_eq!(unknown.code, ErrorCode::NotSignedIn);

        let cache = sessions.dirs().location_cache(sandbox.location_id());
        std::fs::create_dir_all(&cache).expect("a cache folder");
        let info = sessions
            .sign_out(sandbox.location_id(), true)
            .await
            .expect("sign out");
        assert!(!cache.exists(), "the cache was deleted as asked");
        assert_eq!(info.active_location_id.as_deref(), Some(second.id.as_str()));
        assert_eq!(store.keys(), vec![auth::location_key(&second.id)]);

        let info = sessions
            .sign_out(&second.id, false)
            .await
            .expect("sign out");
        assert_eq!(info.active_location_id, None);
        assert!(info.accounts.is_empty());
        assert!(store.keys().is_empty());
        let error = sessions.active().await.err().expect("signed out");
        assert_eq!(error.code, ErrorCode::NotSignedIn);
    }

    #[tokio::test]
    async fn a_damaged_accounts_file_is_set_aside_with_a_notice() {
        let sandbox = sandbox().await;
        let home = tempfile::tempdir().expect("home");
        let config = home.path().join("config");
        std::fs::create_dir_all(&config).expect("config");
        std::fs::write(config.join(Accounts::FILE_NAME), b"{ not json").expect("write");
        let sessions = live(&sandbox, home.path(), Arc::new(MemoryStore::new())).await;
        let info = sessions.info().await;
        assert!(info.accounts.is_empty());
        let notice = info.notice.expect("a notice");
        assert!(notice.contains("set aside"), "{notice}");
        let kept: Vec<_> = std::fs::read_dir(&config)
            .expect("config")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("accounts.json.damaged-"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file is kept beside");
    }

    #[tokio::test]
    async fn oauth_settings_are_validated_and_the_secret_goes_to_the_keyring() {
        let sandbox = sandbox().await;
        let home = tempfile::tempdir().expect("home");
        let store = Arc::new(MemoryStore::new());
        let sessions = live(&sandbox, home.path(), store.clone()).await;
        let not_ready = sessions
            .sign_in_with_highlevel()
            .await
            .expect_err("nothing set up");
        assert_eq!(not_ready.code, ErrorCode::NotConfigured);

        let form = |client_secret: Option<&str>, host, url: Option<&str>| OAuthSettingsForm {
            client_id: "my-client".to_owned(),
            client_secret: client_secret.map(str::to_owned),
            authorize_host: host,
            custom_authorize_url: url.map(str::to_owned),
            editing_enabled: false,
        };
        let bad = sessions
            .save_oauth_settings(form(Some("s3cret"), AuthorizeHost::Custom, Some("ftp://x")))
            .await
            .expect_err("not https");
        assert_eq!(bad.code, ErrorCode::Validation);
        assert!(store.keys().is_empty(), "nothing saved when invalid");

        let saved = sessions
            .save_oauth_settings(form(Some("s3cret"), AuthorizeHost::WhiteLabel, None))
            .await
            .expect("saved");
        assert!(saved.has_client_secret);
        assert_eq!(saved.authorize_host, AuthorizeHost::WhiteLabel);
        assert!(!saved.editing_enabled);
        assert_eq!(saved.redirect_uris.len(), 3);
        assert_eq!(store.keys(), vec![auth::OAUTH_CLIENT_SECRET_KEY.to_owned()]);
        let file = std::fs::read_to_string(
            home.path()
                .join("config")
                .join(OAuthAppSettings::USER_FILE_NAME),
        )
        .expect("settings file");
        assert!(!file.contains("s3cret"), "the secret is not in the file");
        assert!(sessions.info().await.oauth_ready);

        // An empty secret keeps the stored one.
        let kept = sessions
            .save_oauth_settings(form(None, AuthorizeHost::Standard, None))
            .await
            .expect("saved again");
        assert!(kept.has_client_secret);
    }

    #[test]
    fn location_ids_cannot_escape_the_cache_folder() {
        let dirs = Dirs::resolve(Some(Path::new("/h")), PathBuf::new(), PathBuf::new());
        assert_eq!(
            dirs.location_cache("../../etc"),
            PathBuf::from("/h/data/locations/______etc")
        );
        assert_eq!(
            dirs.location_cache("ve9EPM428h8vShlRW1KT"),
            PathBuf::from("/h/data/locations/ve9EPM428h8vShlRW1KT")
        );
    }

    #[test]
    fn scopes_follow_least_privilege() {
        assert_eq!(
            scopes(false),
            vec!["contacts.readonly", "locations.readonly"]
        );
        assert_eq!(
            scopes(true),
            vec!["contacts.readonly", "locations.readonly", "contacts.write"]
        );
    }

    #[test]
    fn authorize_hosts_are_recognised() {
        let standard = Url::parse(auth::STANDARD_AUTHORIZE_URL).unwrap();
        assert_eq!(
            authorize_host_of(&standard),
            (AuthorizeHost::Standard, None)
        );
        let white = Url::parse(auth::WHITE_LABEL_AUTHORIZE_URL).unwrap();
        assert_eq!(authorize_host_of(&white), (AuthorizeHost::WhiteLabel, None));
        let custom = Url::parse("https://login.example.com/oauth/chooselocation").unwrap();
        assert_eq!(
            authorize_host_of(&custom),
            (
                AuthorizeHost::Custom,
                Some("https://login.example.com/oauth/chooselocation".to_owned())
            )
        );
    }
}
