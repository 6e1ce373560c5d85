//! The OAuth redirect's query string, parsed and judged without I/O.

use oauth2::AuthorizationCode;

use crate::error::{truncate, Error};
use crate::secret::constant_time_eq;

/// What the authorization server put in the redirect's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `code=…` (the code is masked in `Debug`).
    Code {
        code: CallbackCode,
        state: Option<String>,
    },
    /// `error=…` (an `error` wins over a `code` sent alongside it).
    Error {
        error: String,
        description: Option<String>,
        state: Option<String>,
    },
    /// Neither, or a parameter given twice.
    Invalid { reason: String },
}

/// The authorization code as received; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackCode(String);

impl CallbackCode {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CallbackCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackCode(****)")
    }
}

/// Parses a redirect query (`code=…&state=…`, without the leading `?`).
/// Never panics; anything unusable becomes [`Callback::Invalid`].
pub fn parse_callback(query: &str) -> Callback {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        if slot.is_some() {
            // Two codes or two states: ambiguous, so not trusted.
            return Callback::Invalid {
                reason: format!("the parameter \"{key}\" was given more than once"),
            };
        }
        *slot = Some(value.into_owned());
    }
    let state = state.filter(|s| !s.is_empty());
    if let Some(error) = error.filter(|e| !e.trim().is_empty()) {
        return Callback::Error {
            error: truncate(&error),
            description: description.map(|d| truncate(&d)).filter(|d| !d.is_empty()),
            state,
        };
    }
    match code.filter(|c| !c.is_empty()) {
        Some(code) => Callback::Code {
            code: CallbackCode(code),
            state,
        },
        None => Callback::Invalid {
            reason: "it carried no authorization code".to_owned(),
        },
    }
}

/// Judges a callback against the `state` this login sent.
///
/// A code needs the exact state. An error response with a *different* state
/// is reported as a mismatch; one without a state is reported as the
/// provider's error, since GoHighLevel does not document echoing `state` and
/// a forged error can only end a login the user can restart.
pub(crate) fn evaluate(
    callback: Callback,
    expected_state: &str,
) -> Result<AuthorizationCode, Error> {
    let state_ok = |state: &Option<String>| {
        state
            .as_deref()
            .is_some_and(|s| constant_time_eq(s, expected_state))
    };
    match callback {
        Callback::Code { code, state } => {
            if state_ok(&state) {
                Ok(AuthorizationCode::new(code.0))
            } else {
                Err(Error::StateMismatch)
            }
        }
        Callback::Error { state, .. } if state.is_some() && !state_ok(&state) => {
            Err(Error::StateMismatch)
        }
        Callback::Error {
            error, description, ..
        } if error == "access_denied" => Err(Error::Denied {
            provider_message: description,
        }),
        Callback::Error {
            error, description, ..
        } => Err(Error::ProviderError { error, description }),
        Callback::Invalid { reason } => Err(Error::InvalidCallback { message: reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code_of(cb: &Callback) -> Option<(&str, Option<&str>)> {
        match cb {
            Callback::Code { code, state } => Some((code.expose(), state.as_deref())),
            _ => None,
        }
    }

    #[test]
    fn parses_success_and_errors() {
        let cb = parse_callback("code=abc%2F1&state=s1&extra=x");
        assert_eq!(code_of(&cb), Some(("abc/1", Some("s1"))));
        assert!(!format!("{cb:?}").contains("abc"), "{cb:?}");

        let cb = parse_callback("error=access_denied&error_description=User+said+no&state=s1");
        assert_eq!(
            cb,
            Callback::Error {
                error: "access_denied".into(),
                description: Some("User said no".into()),
                state: Some("s1".into())
            }
        );
        // An error wins over a code.
        assert!(matches!(
            parse_callback("code=c&error=server_error"),
            Callback::Error { .. }
        ));
        assert!(matches!(parse_callback(""), Callback::Invalid { .. }));
        assert!(matches!(
            parse_callback("state=s1"),
            Callback::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("code=&state=s"),
            Callback::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("code=a&code=b&state=s"),
            Callback::Invalid { .. }
        ));
        assert!(matches!(
            parse_callback("code=a&state=s&state=t"),
            Callback::Invalid { .. }
        ));
    }

    #[test]
    fn evaluation() {
        let ok = evaluate(parse_callback("code=abc&state=s1"), "s1").expect("accepted");
        assert_eq!(ok.secret(), "abc");
        for q in [
            "code=abc&state=s2",
            "code=abc",
            "code=abc&state=",
            "code=abc&state=s1x",
        ] {
            assert!(
                matches!(evaluate(parse_callback(q), "s1"), Err(Error::StateMismatch)),
                "{q}"
            );
        }
        assert!(matches!(
            evaluate(parse_callback("error=access_denied&error_description=no&state=s1"), "s1"),
            Err(Error::Denied { provider_message: Some(m) }) if m == "no"
        ));
        assert!(matches!(
            evaluate(parse_callback("error=access_denied"), "s1"),
            Err(Error::Denied {
                provider_message: None
            })
        ));
        assert!(matches!(
            evaluate(parse_callback("error=access_denied&state=other"), "s1"),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            evaluate(parse_callback("error=server_error&error_description=boom&state=s1"), "s1"),
            Err(Error::ProviderError { error, description: Some(d) }) if error == "server_error" && d == "boom"
        ));
        assert!(matches!(
            evaluate(parse_callback("state=s1"), "s1"),
            Err(Error::InvalidCallback { .. })
        ));
    }

    proptest! {
        #[test]
        fn never_panics(query in ".*") {
            let _ = evaluate(parse_callback(&query), "expected");
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let query = String::from_utf8_lossy(&bytes);
            let _ = evaluate(parse_callback(&query), "expected");
        }

        #[test]
        fn round_trips_any_code_and_state(code in ".+", state in ".+", noise in "[a-z_]{0,8}") {
            prop_assume!(!matches!(noise.as_str(), "code" | "state" | "error" | "error_description"));
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(&noise, "x")
                .append_pair("code", &code)
                .append_pair("state", &state)
                .finish();
            let cb = parse_callback(&query);
            prop_assert_eq!(code_of(&cb), Some((code.as_str(), Some(state.as_str()))));
            prop_assert!(evaluate(cb.clone(), &state).is_ok());
            let wrong = format!("{state}x");
            prop_assert!(matches!(evaluate(cb, &wrong), Err(Error::StateMismatch)));
        }
    }
}
