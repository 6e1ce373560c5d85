//! How this run of the app is connected: the built-in demo sandbox, or a GHL location.

use std::ffi::OsString;

/// The demo sandbox uses the sandbox's default data set (seeded, so the same every
/// run; the end-to-end tests rebuild it to know what the window must show).
pub const DEMO_CONTACTS: usize = sandbox::SandboxConfig::DEFAULT_CONTACTS;
pub const DEMO_SEED: u64 = sandbox::SandboxConfig::DEFAULT_SEED;

#[derive(Clone)]
pub enum Launch {
    Demo {
        contacts: usize,
        seed: u64,
        /// Sign in to the sandbox with a `contacts.readonly` token, to see the app
        /// as a person whose access may only read.
        read_only: bool,
    },
    /// Until interactive sign-in lands, a live location is given through the
    /// environment (a Private Integration Token), as the command line does.
    Live {
        base_url: String,
        location_id: String,
        token: ghl::AccessToken,
    },
}

impl std::fmt::Debug for Launch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Launch::Demo {
                contacts,
                seed,
                read_only,
            } => f
                .debug_struct("Demo")
                .field("contacts", contacts)
                .field("seed", seed)
                .field("read_only", read_only)
                .finish(),
            // The token stays out of debug output (AccessToken's Debug hides it too).
            Launch::Live {
                base_url,
                location_id,
                ..
            } => f
                .debug_struct("Live")
                .field("base_url", base_url)
                .field("location_id", location_id)
                .finish_non_exhaustive(),
        }
    }
}

impl Launch {
    /// `--demo` (or `SWITCHBOARD_DEMO=1`) forces demo mode, `--read-only` makes it
    /// use a read-only token; `SWITCHBOARD_TOKEN` with
    /// `SWITCHBOARD_LOCATION_ID` selects a live location; with neither, demo mode.
    pub fn from_args_and_env(
        args: impl IntoIterator<Item = OsString>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Launch, String> {
        let args: Vec<OsString> = args.into_iter().collect();
        let read_only = args.iter().any(|arg| arg == "--read-only");
        let demo_flag = args.iter().any(|arg| arg == "--demo")
            || matches!(
                env("SWITCHBOARD_DEMO").as_deref(),
                Some("1" | "true" | "yes")
            );
        let token = env("SWITCHBOARD_TOKEN").filter(|t| !t.trim().is_empty());
        match (demo_flag, token) {
            (false, Some(token)) => {
                let location_id = env("SWITCHBOARD_LOCATION_ID")
                    .filter(|id| !id.trim().is_empty())
                    .ok_or("SWITCHBOARD_TOKEN is set but SWITCHBOARD_LOCATION_ID is not: set the location (sub-account) id the token belongs to.")?;
                Ok(Launch::Live {
                    base_url: env("SWITCHBOARD_GHL_BASE_URL")
                        .unwrap_or_else(|| ghl::DEFAULT_BASE_URL.to_owned()),
                    location_id,
                    token: ghl::AccessToken::new(token),
                })
            }
            _ => {
                let contacts = match env("SWITCHBOARD_DEMO_CONTACTS") {
                    Some(count) => count.parse().map_err(|_| {
                        format!("SWITCHBOARD_DEMO_CONTACTS must be a whole number, not {count:?}")
                    })?,
                    None => DEMO_CONTACTS,
                };
                Ok(Launch::Demo {
                    contacts,
                    seed: DEMO_SEED,
                    read_only,
                })
            }
        }
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

    #[test]
    fn no_configuration_means_demo() {
        assert!(matches!(
            launch(&["switchboard"], &[]),
            Ok(Launch::Demo {
                contacts: DEMO_CONTACTS,
                seed: DEMO_SEED,
                read_only: false,
            })
        ));
    }

    #[test]
    fn read_only_flag_selects_a_read_only_demo() {
        assert!(matches!(
            launch(&["switchboard", "--demo", "--read-only"], &[]),
            Ok(Launch::Demo {
                read_only: true,
                ..
            })
        ));
    }

    #[test]
    fn demo_flag_wins_over_a_token() {
        let result = launch(
            &["switchboard", "--demo"],
            &[
                ("SWITCHBOARD_TOKEN", "pit-1"),
                ("SWITCHBOARD_LOCATION_ID", "loc"),
            ],
        );
        assert!(matches!(result, Ok(Launch::Demo { .. })));
    }

    #[test]
    fn a_token_needs_a_location_and_is_not_printed() {
        let error = launch(&["switchboard"], &[("SWITCHBOARD_TOKEN", "pit-secret")])
            .expect_err("location is required");
        assert!(error.contains("SWITCHBOARD_LOCATION_ID"));
        assert!(!error.contains("pit-secret"));

        let live = launch(
            &["switchboard"],
            &[
                ("SWITCHBOARD_TOKEN", "pit-secret"),
                ("SWITCHBOARD_LOCATION_ID", "loc-1"),
            ],
        )
        .expect("live launch");
        assert!(!format!("{live:?}").contains("pit-secret"));
        match live {
            Launch::Live {
                base_url,
                location_id,
                ..
            } => {
                assert_eq!(base_url, ghl::DEFAULT_BASE_URL);
                assert_eq!(location_id, "loc-1");
            }
            other => panic!("expected live, got {other:?}"),
        }
    }

    #[test]
    fn demo_contact_count_must_be_a_number() {
        assert!(launch(&["switchboard"], &[("SWITCHBOARD_DEMO_CONTACTS", "lots")]).is_err());
        assert!(matches!(
            launch(&["switchboard"], &[("SWITCHBOARD_DEMO_CONTACTS", "100")]),
            Ok(Launch::Demo {
                contacts: 100,
                seed: DEMO_SEED,
                read_only: false,
            })
        ));
    }
}
