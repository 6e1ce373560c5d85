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
    /// `sync` found neither `SWITCHBOARD_HCP_KEY` nor a key saved by the
    /// app; holds why the keyring could not be read, if it could not.
    #[error(
        "No Housecall Pro API key: set SWITCHBOARD_HCP_KEY or enter it in the app's Settings{}",
        .0.as_ref().map(|e| format!(" (keyring: {e})")).unwrap_or_default()
    )]
    NoHcpKey(Option<String>),
    /// Setting up the Housecall Pro client failed (e.g. an unusable base URL).
    #[error("Housecall Pro: {0}")]
    Hcp(#[from] hcp::Error),
    /// The sync state database could not be opened.
    #[error("the sync state database {path} could not be opened: {message}")]
    Cache { path: String, message: String },
    /// Several records of the other side match; nothing is guessed.
    #[error(
        "{} {} records match {} {}; choose one with --match <id> (or --match new to create one): {}",
        .candidates.len(),
        .candidates.first().map_or(sync::Side::Ghl, |c| c.side).name(),
        .target.side().name(),
        .target.id(),
        crate::sync_cmd::describe_candidates(.candidates)
    )]
    AmbiguousMatch {
        target: sync::SyncTarget,
        candidates: Vec<sync::Candidate>,
    },
    /// From the sync engine; its messages never contain a key or token.
    #[error("{}", sync_message(.0))]
    Sync(#[from] sync::Error),
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
            CliError::NoToken | CliError::Keyring(_) | CliError::NoHcpKey(_) => 3,
            CliError::AmbiguousMatch { .. } => 2,
            CliError::Cancelled(_) | CliError::Io(_) | CliError::Cache { .. } => 1,
            CliError::Hcp(e) => remote_code(e.code()),
            CliError::Sync(e) => match e {
                sync::Error::Invalid(_)
                | sync::Error::CannotCreate(_)
                | sync::Error::NeedsMatchChoice { .. }
                | sync::Error::BadMatchChoice(_) => 2,
                sync::Error::NotFound { .. } | sync::Error::NoRecord => 4,
                sync::Error::Remote { code, .. } => remote_code(code),
                _ => 1,
            },
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

/// The exit code of a `ghl`/`hcp` error code (the two share one vocabulary).
fn remote_code(code: &str) -> u8 {
    match code {
        "unauthorized" | "forbidden" | "reauth_required" => 3,
        "not_found" => 4,
        "rate_limited" => 5,
        "validation" | "internal" => 2,
        _ => 1,
    }
}

/// A sync error, with the service named when one failed.
fn sync_message(e: &sync::Error) -> String {
    match e {
        sync::Error::Remote { side, message, .. } => format!("{}: {message}", side.name()),
        other => other.to_string(),
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
    fn sync_exit_codes_and_messages() {
        let remote = |code: &str| sync::Error::Remote {
            side: sync::Side::Hcp,
            code: code.into(),
            message: "refused".into(),
        };
        let cases: [(CliError, u8); 8] = [
            (CliError::NoHcpKey(None), 3),
            (remote("unauthorized").into(), 3),
            (remote("not_found").into(), 4),
            (remote("rate_limited").into(), 5),
            (remote("network").into(), 1),
            (sync::Error::Invalid(Vec::new()).into(), 2),
            (
                sync::Error::StepFailed {
                    step: "ghl.create".into(),
                    message: "boom".into(),
                }
                .into(),
                1,
            ),
            (
                CliError::AmbiguousMatch {
                    target: sync::SyncTarget::Hcp("cus_1".into()),
                    candidates: Vec::new(),
                },
                2,
            ),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code(), code, "{err}");
        }
        assert_eq!(
            CliError::from(remote("unauthorized")).one_line(),
            "Housecall Pro: refused"
        );
        assert_eq!(
            CliError::NoHcpKey(Some("no Secret Service".into())).one_line(),
            "No Housecall Pro API key: set SWITCHBOARD_HCP_KEY or enter it in the app's \
             Settings (keyring: no Secret Service)"
        );
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
