//! `switchboard-cli`: a thin command line over the [`ghl`] client.
//!
//! [`run`] executes one parsed command and writes its JSON to `out`, so
//! tests run commands in-process; the binary only parses, runs and maps a
//! [`CliError`] to its exit code ([`CliError::exit_code`]).

mod args;
mod commands;
mod error;

use std::io::{IsTerminal, Write};

use ghl::{AccessToken, Client, ClientConfig};

pub use args::{
    AppointmentsCmd, Cli, Command, ContactFields, ContactsCmd, DuplicateArgs, NotesCmd, TagsCmd,
    TasksCmd, UpdateFields,
};
pub use error::{clap_error_line, CliError};

/// Environment variable holding the access token.
pub const TOKEN_ENV: &str = "SWITCHBOARD_TOKEN";

/// Stands in for the location id when a command does not send one: the
/// `ghl` client insists on a location, but these requests never carry it.
const NO_LOCATION: &str = "-";

/// The access token: `SWITCHBOARD_TOKEN`, else (once the app's sign-in
/// stores it there) the OS keyring.
pub fn resolve_token() -> Result<AccessToken, CliError> {
    if let Ok(token) = std::env::var(TOKEN_ENV) {
        let token = token.trim();
        if !token.is_empty() {
            return Ok(AccessToken::new(token));
        }
    }
    // The keyring lookup slots in here.
    Err(CliError::NoToken)
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
    let token = match args.token {
        Some(token) => token,
        None => resolve_token()?,
    };
    let client = Client::new(ClientConfig::new(args.base_url, location), token)?;
    let bytes = commands::execute(&client, args.command)
        .await?
        .render(pretty)?;
    out.write_all(&bytes)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
