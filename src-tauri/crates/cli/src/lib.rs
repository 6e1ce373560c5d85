//! `switchboard-cli`: a thin command line over the [`ghl`] client, and
//! `sync` of one contact with Housecall Pro over the [`sync`] engine.
//!
//! [`run`] executes one parsed command and writes its JSON to `out`, so
//! tests run commands in-process; the binary only parses, runs and maps a
//! [`CliError`] to its exit code ([`CliError::exit_code`]).

mod args;
mod commands;
mod error;
mod sync_cmd;

use std::io::{IsTerminal, Write};

use ghl::{AccessToken, Client, ClientConfig};

pub use args::{
    AppointmentsCmd, Cli, Command, ContactFields, ContactsCmd, DuplicateArgs, NotesCmd, PreferSide,
    SyncArgs, TagsCmd, TasksCmd, UpdateFields,
};
pub use error::{clap_error_line, CliError};
pub use sync_cmd::HCP_KEY_ENV;

/// Environment variable holding the access token.
pub const TOKEN_ENV: &str = "SWITCHBOARD_TOKEN";

/// Stands in for the location id when a command does not send one: the
/// `ghl` client insists on a location, but these requests never carry it.
const NO_LOCATION: &str = "-";

/// Keyring service of the app's sign-ins; another one only for tests and
/// separate profiles.
pub const KEYRING_SERVICE_ENV: &str = "SWITCHBOARD_KEYRING_SERVICE";

/// `SWITCHBOARD_TOKEN`, if set.
pub fn resolve_token() -> Option<AccessToken> {
    let token = std::env::var(TOKEN_ENV).ok()?;
    let token = token.trim();
    (!token.is_empty()).then(|| AccessToken::new(token))
}

/// The app's settings folder: `$SWITCHBOARD_HOME/config`, else where Tauri
/// keeps it on Linux (`$XDG_CONFIG_HOME` or `~/.config`, then the app's
/// identifier).
pub(crate) fn app_config_dir() -> Option<std::path::PathBuf> {
    let var = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty());
    if let Some(home) = var("SWITCHBOARD_HOME") {
        return Some(std::path::PathBuf::from(home).join("config"));
    }
    let base = var("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| var("HOME").map(|home| std::path::PathBuf::from(home).join(".config")))?;
    Some(base.join("com.example.switchboard"))
}

/// A client on the app's saved sign-in for `location` (OS keyring): a Private
/// Integration Token as is, an OAuth pair refreshed through the app's OAuth
/// settings when it expires (the rotated pair is saved back).
async fn keyring_client(config: ClientConfig, location: &str) -> Result<Client, CliError> {
    let service =
        std::env::var(KEYRING_SERVICE_ENV).unwrap_or_else(|_| auth::APP_SERVICE.to_owned());
    let store: std::sync::Arc<dyn auth::SecretStore> =
        std::sync::Arc::new(auth::KeyringStore::new(service));
    let deployed = std::env::var_os("SWITCHBOARD_OAUTH_APP_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| auth::OAuthAppSettings::DEPLOYED_FILE.into());
    // Without readable OAuth settings a saved OAuth sign-in cannot refresh;
    // a PIT needs none.
    let app = match app_config_dir() {
        Some(dir) => {
            match auth::OAuthAppSettings::load(
                Some(&deployed),
                &dir.join(auth::OAuthAppSettings::USER_FILE_NAME),
            ) {
                Ok(loaded) => loaded.app(&*store).await.ok().flatten(),
                Err(_) => None,
            }
        }
        None => None,
    };
    let session =
        auth::LocationSession::restore(location, app, store, auth::SessionOptions::default())
            .await
            .map_err(|e| CliError::Keyring(e.to_string()))?
            .ok_or(CliError::NoToken)?;
    session
        .ghl_client(config)
        .map_err(|e| CliError::Keyring(e.to_string()))
}

/// Runs one command and writes its JSON result (one document and a newline)
/// to `out`.
pub async fn run(args: Cli, out: &mut impl Write) -> Result<(), CliError> {
    let pretty = args
        .pretty
        .unwrap_or_else(|| std::io::stdout().is_terminal());
    let location = match args.location.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => l.to_owned(),
        _ if args.command.needs_location() => {
            return Err(CliError::Usage(
                "this command needs a location: pass --location or set SWITCHBOARD_LOCATION_ID"
                    .to_owned(),
            ))
        }
        _ => NO_LOCATION.to_owned(),
    };
    let config = ClientConfig::new(args.base_url, location.clone());
    let client = match args.token.or_else(resolve_token) {
        Some(token) => Client::new(config, token)?,
        None if location == NO_LOCATION => return Err(CliError::NoToken),
        None => keyring_client(config, &location).await?,
    };
    let bytes = commands::execute(&client, args.command)
        .await?
        .render(pretty)?;
    out.write_all(&bytes)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
