//! The CLI's error, its exit codes and its one-line rendering.

use std::io;

use ghl::Error as Api;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad or missing arguments that clap could not catch.
    #[error("{0}")]
    Usage(String),
    #[error("No token: set SWITCHBOARD_TOKEN or sign in with the app")]
    NoToken,
    /// The app's saved sign-in could not be used (no keyring, unreadable
    /// entry, OAuth settings missing for a refresh). Never holds a secret.
    #[error("The app's saved sign-in could not be used: {0}")]
    Keyring(String),
    /// From the `ghl` client; its `Display` never contains the token.
    #[error(transparent)]
    Api(#[from] Api),
    /// The user answered no to a confirmation.
    #[error("{0}")]
    Cancelled(String),
    /// Writing the JSON output (or reading the confirmation) failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl CliError {
    /// 2 usage/validation, 3 auth, 4 not found, 5 rate limited, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::NoToken | CliError::Keyring(_) => 3,
            CliError::Cancelled(_) | CliError::Io(_) => 1,
            CliError::Api(e) => match e {
                Api::Unauthorized { .. } | Api::Forbidden { .. } => 3,
                Api::NotFound { .. } => 4,
                Api::RateLimited { .. } => 5,
                // Config: the base URL or token characters are unusable.
                Api::Validation { .. } | Api::InvalidInput { .. } | Api::Config { .. } => 2,
                // GoHighLevel reports most invalid input (and duplicates) as 400.
                Api::Api { status: 400, .. } => 2,
                _ => 1,
            },
        }
    }

    /// The message on one line (API texts may carry line breaks).
    pub fn one_line(&self) -> String {
        single_line(&self.to_string())
    }

    /// A write to a closed pipe (`switchboard-cli … | head`): not worth an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Collapses whitespace runs (line breaks included) and drops control characters.
pub(crate) fn single_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// clap's error as one `error: …` line: its message without the usage block
/// and the "For more information" trailer.
pub fn clap_error_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let kept: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.starts_with("For more information"))
        .collect();
    let line = single_line(&kept.join(" "));
    let line = if line.starts_with("error:") {
        line
    } else {
        format!("error: {line}")
    };
    format!("{line} (see --help)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn exit_codes() {
        let cases = [
            (CliError::Usage("x".into()), 2),
            (CliError::NoToken, 3),
            (
                Api::Unauthorized {
                    message: "m".into(),
                }
                .into(),
                3,
            ),
            (
                Api::Forbidden {
                    message: "m".into(),
                }
                .into(),
                3,
            ),
            (
                Api::NotFound {
                    message: "m".into(),
                }
                .into(),
                4,
            ),
            (Api::RateLimited { retry_after: None }.into(), 5),
            (
                Api::Validation {
                    messages: vec!["phone: is too short".into()],
                }
                .into(),
                2,
            ),
            (
                Api::Api {
                    status: 400,
                    message: "bad".into(),
                    trace_id: None,
                }
                .into(),
                2,
            ),
            (
                Api::Api {
                    status: 500,
                    message: "boom".into(),
                    trace_id: None,
                }
                .into(),
                1,
            ),
            (Api::Timeout.into(), 1),
            (CliError::Cancelled("no".into()), 1),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code(), code, "{err}");
        }
    }

    #[test]
    fn messages_are_one_line() {
        let err: CliError = Api::Api {
            status: 500,
            message: "line one\nline\ttwo\r\n".into(),
            trace_id: None,
        }
        .into();
        let line = err.one_line();
        assert!(!line.contains('\n') && !line.contains('\r') && !line.contains('\t'));
        assert!(line.ends_with("line one line two"), "{line}");
        assert_eq!(
            CliError::NoToken.one_line(),
            "No token: set SWITCHBOARD_TOKEN or sign in with the app"
        );
    }

    #[test]
    fn clap_errors_become_one_line() {
        let err = crate::Cli::try_parse_from(["switchboard-cli", "tasks", "create", "c1"])
            .expect_err("missing --title and --due");
        let line = clap_error_line(&err);
        assert!(line.starts_with("error: "), "{line}");
        assert!(line.contains("--title"), "{line}");
        assert!(!line.contains('\n'), "{line}");
        assert!(!line.contains("Usage:"), "{line}");
        assert_eq!(err.exit_code(), 2);
    }
}
