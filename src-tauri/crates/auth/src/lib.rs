//! Sign-in to GoHighLevel: OAuth loopback login, Private Integration Tokens,
//! tokens on the OS keyring, and single-flight token refresh.
//!
//! * [`begin_login`] → [`PendingLogin`]: RFC 8252 loopback login (127.0.0.1,
//!   one callback, `state`, PKCE S256); [`PendingLogin::finish`] exchanges
//!   the code for a [`TokenSet`].
//! * [`verify_private_integration_token`]: checks a pasted token.
//! * [`LocationSession`]: one per signed-in location; a [`ghl::TokenSource`]
//!   that refreshes ahead of expiry and after a 401, one refresh at a time,
//!   writing the rotated pair to the keyring before using it.
//! * [`KeyringStore`] / [`MemoryStore`]: secrets ([`SecretStore`]).
//! * [`Accounts`], [`OAuthAppSettings`]: the files without secrets.
//!
//! Nothing here depends on Tauri.

mod accounts;
mod app;
mod browser;
mod callback;
mod error;
mod login;
mod loopback;
mod pit;
mod secret;
mod session;
mod store;
mod token;

pub use accounts::{
    store_client_secret, write_atomic, Account, Accounts, AuthMethod, LoadedAppSettings,
    OAuthAppSettings, SettingsSource,
};
pub use app::{OAuthApp, DEFAULT_TOKEN_URL, STANDARD_AUTHORIZE_URL, WHITE_LABEL_AUTHORIZE_URL};
pub use browser::open_in_browser;
pub use callback::{parse_callback, Callback, CallbackCode};
pub use error::{Error, Result};
pub use login::{begin_login, PendingLogin};
pub use loopback::LoopbackConfig;
pub use pit::verify_private_integration_token;
pub use secret::SecretString;
pub use session::{
    sign_out, LocationSession, RefreshHook, RefreshStep, SessionOptions, SessionStatus,
    DEFAULT_REFRESH_MARGIN,
};
pub use store::{
    location_key, KeyringStore, MemoryStore, SecretStore, StoreFuture, APP_SERVICE, DEMO_SERVICE,
    HCP_API_KEY_KEY, KEYRING_TIMEOUT, OAUTH_CLIENT_SECRET_KEY,
};
pub use token::{Credential, TokenSet};
pub use tokio_util::sync::CancellationToken;
