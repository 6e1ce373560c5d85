//! How this run of the app is connected: the built-in demo sandbox, or a GHL location.

use std::ffi::OsString;
use std::path::PathBuf;

use auth::OAuthAppSettings;

/// The demo sandbox uses the sandbox's default data set (seeded, so the same every
/// run; the end-to-end tests rebuild it to know what the window must show).
pub const DEMO_CONTACTS: usize = sandbox::SandboxConfig::DEFAULT_CONTACTS;
pub const DEMO_SEED: u64 = sandbox::SandboxConfig::DEFAULT_SEED;

/// How the demo's consent page answers: a person clicks Allow or Deny, or (for
/// automated runs, `SWITCHBOARD_DEMO_CONSENT=approve`) it approves at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoConsent {
    Interactive,
    Approve,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// The built-in sandbox, signed in through its own OAuth consent page.
    Demo {
        contacts: usize,
        seed: u64,
        /// Ask only for `contacts.readonly`, to see the app as a person whose
        /// access may only read.
        read_only: bool,
        consent: DemoConsent,
        home: Option<PathBuf>,
    },
    /// Real GoHighLevel (or another API base for support and tests).
    Live {
        base_url: String,
        /// The Housecall Pro API address.
        hcp_base_url: String,
        home: Option<PathBuf>,
        /// An OAuth app configuration deployed by IT (read-only in Settings).
        oauth_app_file: PathBuf,
    },
}

/// What the command line asks for before any window opens.
#[derive(Debug, PartialEq, Eq)]
pub enum CommandLine {
    Run,
    /// Print this text to stdout and exit 0.
    Print(String),
    /// Print this text to stderr and exit 2.
    Usage(String),
}

pub const USAGE: &str = "\
Usage: switchboard [--demo] [--read-only]

Browse GoHighLevel contacts and sync them with Housecall Pro.

Options:
  --demo        run against the built-in sandbox with sample data (no account needed)
  --read-only   in demo mode, sign in with read-only access
  -h, --help    print this help
  -V, --version print the version

Environment:
  SWITCHBOARD_LOG           log filter, e.g. info or switchboard=debug
  SWITCHBOARD_DEMO=1        same as --demo
  SWITCHBOARD_DEMO_CONTACTS number of sample contacts in demo mode
  SWITCHBOARD_HOME          keep settings, accounts and cache in this directory
  SWITCHBOARD_GHL_BASE_URL  the GoHighLevel API address (support and tests)
  SWITCHBOARD_HCP_BASE_URL  the Housecall Pro API address (support and tests)
  SWITCHBOARD_OAUTH_APP_FILE the OAuth app settings deployed by IT
                            (default /etc/switchboard/oauth-app.json)
";

impl CommandLine {
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> CommandLine {
        for arg in args.into_iter().skip(1) {
            match arg.to_str() {
                Some("-h" | "--help") => return CommandLine::Print(USAGE.to_owned()),
                Some("-V" | "--version") => {
                    return CommandLine::Print(format!(
                        "switchboard {}\n",
                        env!("CARGO_PKG_VERSION")
                    ))
                }
                Some("--demo" | "--read-only") => {}
                _ => {
                    return CommandLine::Usage(format!(
                        "switchboard: unknown argument {}\n\n{USAGE}",
                        arg.to_string_lossy()
                    ))
                }
            }
        }
        CommandLine::Run
    }
}

impl Launch {
    /// `--demo` (or `SWITCHBOARD_DEMO=1`) selects demo mode; without it the app
    /// works with real GoHighLevel. `SWITCHBOARD_HOME` moves settings, accounts
    /// and cache into one directory (tests and portable installs).
    pub fn from_args_and_env(
        args: impl IntoIterator<Item = OsString>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Launch, String> {
        let args: Vec<OsString> = args.into_iter().collect();
        let read_only = args.iter().any(|arg| arg == "--read-only");
        let demo = args.iter().any(|arg| arg == "--demo")
            || matches!(
                env("SWITCHBOARD_DEMO").as_deref(),
                Some("1" | "true" | "yes")
            );
        let home = env("SWITCHBOARD_HOME")
            .filter(|home| !home.trim().is_empty())
            .map(PathBuf::from);
        if !demo {
            return Ok(Launch::Live {
                base_url: env("SWITCHBOARD_GHL_BASE_URL")
                    .filter(|url| !url.trim().is_empty())
                    .unwrap_or_else(|| ghl::DEFAULT_BASE_URL.to_owned()),
                hcp_base_url: env("SWITCHBOARD_HCP_BASE_URL")
                    .filter(|url| !url.trim().is_empty())
                    .unwrap_or_else(|| hcp::DEFAULT_BASE_URL.to_owned()),
                home,
                oauth_app_file: env("SWITCHBOARD_OAUTH_APP_FILE")
                    .filter(|path| !path.trim().is_empty())
                    .map_or_else(
                        || PathBuf::from(OAuthAppSettings::DEPLOYED_FILE),
                        PathBuf::from,
                    ),
            });
        }
        let contacts = match env("SWITCHBOARD_DEMO_CONTACTS") {
            Some(count) => count.parse().map_err(|_| {
                format!("SWITCHBOARD_DEMO_CONTACTS must be a whole number, not {count:?}")
            })?,
            None => DEMO_CONTACTS,
        };
        let consent = match env("SWITCHBOARD_DEMO_CONSENT").as_deref() {
            None | Some("" | "interactive") => DemoConsent::Interactive,
            Some("approve") => DemoConsent::Approve,
            Some(other) => {
                return Err(format!(
                    "SWITCHBOARD_DEMO_CONSENT must be \"interactive\" or \"approve\", not {other:?}"
                ))
            }
        };
        Ok(Launch::Demo {
            contacts,
            seed: DEMO_SEED,
            read_only,
            consent,
            home,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn launch(args: &[&str], vars: &[(&str, &str)]) -> Result<Launch, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Launch::from_args_and_env(args.iter().map(OsString::from), |key| {
            vars.get(key).cloned()
        })
    }

    fn command_line(args: &[&str]) -> CommandLine {
        CommandLine::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn help_version_and_unknown_arguments() {
        assert_eq!(command_line(&["switchboard"]), CommandLine::Run);
        assert_eq!(
            command_line(&["switchboard", "--demo", "--read-only"]),
            CommandLine::Run
        );
        assert_eq!(
            command_line(&["switchboard", "--help"]),
            CommandLine::Print(USAGE.to_owned())
        );
        assert!(matches!(
            command_line(&["switchboard", "-V"]),
            CommandLine::Print(text) if text.starts_with("switchboard 0.")
        ));
        assert!(matches!(
            command_line(&["switchboard", "--demo", "--bogus"]),
            CommandLine::Usage(text) if text.contains("--bogus") && text.contains("Usage:")
        ));
    }

    #[test]
    fn demo_flag_or_variable_selects_demo_mode() {
        assert_eq!(
            launch(&["switchboard", "--demo"], &[]),
            Ok(Launch::Demo {
                contacts: DEMO_CONTACTS,
                seed: DEMO_SEED,
                read_only: false,
                consent: DemoConsent::Interactive,
                home: None,
            })
        );
        assert!(matches!(
            launch(&["switchboard"], &[("SWITCHBOARD_DEMO", "1")]),
            Ok(Launch::Demo { .. })
        ));
    }

    #[test]
    fn read_only_and_consent_and_home_are_read() {
        assert_eq!(
            launch(
                &["switchboard", "--demo", "--read-only"],
                &[
                    ("SWITCHBOARD_DEMO_CONSENT", "approve"),
                    ("SWITCHBOARD_HOME", "/tmp/sb"),
                    ("SWITCHBOARD_DEMO_CONTACTS", "100"),
                ],
            ),
            Ok(Launch::Demo {
                contacts: 100,
                seed: DEMO_SEED,
                read_only: true,
                consent: DemoConsent::Approve,
                home: Some(PathBuf::from("/tmp/sb")),
            })
        );
    }

    #[test]
    fn bad_values_are_explained() {
        let error = launch(
            &["switchboard", "--demo"],
            &[("SWITCHBOARD_DEMO_CONTACTS", "lots")],
        )
        .expect_err("not a number");
        assert!(error.contains("SWITCHBOARD_DEMO_CONTACTS"), "{error}");
        let error = launch(
            &["switchboard", "--demo"],
            &[("SWITCHBOARD_DEMO_CONSENT", "yes")],
        )
        .expect_err("unknown consent");
        assert!(error.contains("approve"), "{error}");
    }

    #[test]
    fn without_demo_the_app_works_with_ghl() {
        assert_eq!(
            launch(&["switchboard"], &[]),
            Ok(Launch::Live {
                base_url: ghl::DEFAULT_BASE_URL.to_owned(),
                hcp_base_url: hcp::DEFAULT_BASE_URL.to_owned(),
                home: None,
                oauth_app_file: PathBuf::from(OAuthAppSettings::DEPLOYED_FILE),
            })
        );
        assert_eq!(
            launch(
                &["switchboard"],
                &[
                    ("SWITCHBOARD_GHL_BASE_URL", "http://127.0.0.1:9"),
                    ("SWITCHBOARD_OAUTH_APP_FILE", "/tmp/app.json"),
                ],
            ),
            Ok(Launch::Live {
                base_url: "http://127.0.0.1:9".to_owned(),
                hcp_base_url: hcp::DEFAULT_BASE_URL.to_owned(),
                home: None,
                oauth_app_file: PathBuf::from("/tmp/app.json"),
            })
        );
    }
}
