//! The one error type of the crate. Messages are for office staff; none of
//! them ever carries a token, a code or a client secret.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user declined the app in GoHighLevel (`error=access_denied`).
    #[error("Sign-in was declined in GoHighLevel{}", suffix(provider_message.as_deref()))]
    Denied { provider_message: Option<String> },
    /// GoHighLevel sent the browser back with another `error=`.
    #[error("GoHighLevel reported a sign-in error ({error}){}", suffix(description.as_deref()))]
    ProviderError {
        error: String,
        description: Option<String>,
    },
    /// The callback's `state` was missing or not the one this login sent:
    /// the response belongs to another (or a forged) login attempt.
    #[error("The sign-in response did not belong to this sign-in attempt; please try again")]
    StateMismatch,
    /// The callback had neither a `code` nor an `error`, or repeated one.
    #[error("The sign-in response from the browser was incomplete: {message}")]
    InvalidCallback { message: String },
    #[error("Sign-in timed out waiting for the browser")]
    TimedOut,
    #[error("Sign-in was cancelled")]
    Cancelled,
    /// Every configured loopback port is taken.
    #[error(
        "Could not start the sign-in listener: none of the ports {} is free on 127.0.0.1",
        list(ports)
    )]
    PortsUnavailable { ports: Vec<u16> },
    #[error("Could not open the web browser: {message}")]
    Browser { message: String },
    /// The refresh token (or a Private Integration Token) was refused: sign in again.
    #[error("Sign in to GoHighLevel again: {message}")]
    ReauthRequired { message: String },
    /// The token endpoint refused a request for another reason than an
    /// invalid grant (e.g. 400 "Location is not active", a 5xx).
    #[error("GoHighLevel could not issue a token{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    TokenEndpoint {
        status: Option<u16>,
        message: String,
    },
    #[error("Could not reach GoHighLevel: {message}")]
    Network { message: String },
    #[error("GoHighLevel did not respond in time")]
    Timeout,
    /// The OS keyring could not be used (no Secret Service, locked, timed
    /// out). Secrets are never written anywhere else instead.
    #[error("The system keyring is not available: {reason}")]
    KeyringUnavailable { reason: String },
    /// A keyring entry exists but is not a credential this app wrote.
    #[error("The saved sign-in for this location is unreadable: {message}")]
    CorruptCredential { message: String },
    /// `verify_private_integration_token`: GoHighLevel answered 401/403.
    #[error("{message}")]
    TokenRejected { message: String },
    /// Any other failure of a GoHighLevel API call.
    #[error(transparent)]
    Ghl(ghl::Error),
    /// A JSON file (accounts, settings) exists but cannot be read as such.
    /// It is left in place.
    #[error("{} is damaged ({message}); it was left in place, fix or remove it", path.display())]
    CorruptFile { path: PathBuf, message: String },
    #[error("Could not {action} {}: {message}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        message: String,
    },
    /// Bad settings: URLs, ports, empty client id, …
    #[error("Invalid sign-in settings: {message}")]
    Config { message: String },
    #[error("Location {location_id} is not signed in")]
    NotSignedIn { location_id: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Stable machine-readable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Denied { .. } => "login_denied",
            Error::ProviderError { .. } => "login_provider_error",
            Error::StateMismatch => "login_state_mismatch",
            Error::InvalidCallback { .. } => "login_invalid_callback",
            Error::TimedOut => "login_timed_out",
            Error::Cancelled => "login_cancelled",
            Error::PortsUnavailable { .. } => "login_ports_unavailable",
            Error::Browser { .. } => "browser_unavailable",
            Error::ReauthRequired { .. } => "reauth_required",
            Error::TokenEndpoint { .. } => "token_endpoint",
            Error::Network { .. } => "network",
            Error::Timeout => "timeout",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::CorruptCredential { .. } => "credential_corrupt",
            Error::TokenRejected { .. } => "token_rejected",
            Error::Ghl(e) => e.code(),
            Error::CorruptFile { .. } => "file_corrupt",
            Error::Io { .. } => "io",
            Error::Config { .. } => "config",
            Error::NotSignedIn { .. } => "not_signed_in",
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, err: &std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_owned(),
            message: err.to_string(),
        }
    }
}

impl From<ghl::Error> for Error {
    fn from(e: ghl::Error) -> Self {
        Error::Ghl(e)
    }
}

/// What a [`ghl::TokenSource`] reports to the `ghl` client.
impl From<Error> for ghl::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::ReauthRequired { message } => ghl::Error::ReauthRequired { message },
            Error::Network { message } => ghl::Error::Network { message },
            Error::Timeout => ghl::Error::Timeout,
            Error::TokenEndpoint { status, message } => ghl::Error::Api {
                status: status.unwrap_or(400),
                message,
                trace_id: None,
            },
            Error::Ghl(e) => e,
            other => ghl::Error::Config {
                message: other.to_string(),
            },
        }
    }
}

fn suffix(text: Option<&str>) -> String {
    match text {
        Some(t) if !t.trim().is_empty() => format!(": {}", t.trim()),
        _ => String::new(),
    }
}

fn list(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Caps provider-supplied text copied into messages.
pub(crate) fn truncate(text: &str) -> String {
    const MAX: usize = 300;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_codes() {
        let e = Error::Denied {
            provider_message: Some("The user denied access".into()),
        };
        assert_eq!(e.code(), "login_denied");
        assert_eq!(
            e.to_string(),
            "Sign-in was declined in GoHighLevel: The user denied access"
        );
        assert_eq!(
            Error::Denied {
                provider_message: None
            }
            .to_string(),
            "Sign-in was declined in GoHighLevel"
        );
        let e = Error::PortsUnavailable {
            ports: vec![47615, 47616],
        };
        assert!(e.to_string().contains("47615, 47616"), "{e}");
        let e = Error::TokenEndpoint {
            status: Some(400),
            message: "Location is not active".into(),
        };
        assert!(e.to_string().contains("(HTTP 400)"), "{e}");
        assert_eq!(
            Error::Ghl(ghl::Error::Timeout).code(),
            "timeout",
            "ghl codes pass through"
        );
    }

    #[test]
    fn maps_to_ghl_errors() {
        let g: ghl::Error = Error::ReauthRequired {
            message: "m".into(),
        }
        .into();
        assert_eq!(g.code(), "reauth_required");
        let g: ghl::Error = Error::TokenEndpoint {
            status: Some(503),
            message: "down".into(),
        }
        .into();
        assert!(g.is_retryable());
        let g: ghl::Error = Error::Timeout.into();
        assert_eq!(g.code(), "timeout");
        let g: ghl::Error = Error::KeyringUnavailable {
            reason: "locked".into(),
        }
        .into();
        assert_eq!(g.code(), "internal");
    }

    #[test]
    fn truncates_provider_text() {
        assert_eq!(truncate("a\n  b"), "a b");
        assert!(truncate(&"x".repeat(1000)).chars().count() <= 301);
    }
}
