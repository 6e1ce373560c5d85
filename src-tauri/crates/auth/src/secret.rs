//! A string that must never be printed: tokens, client secrets.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;

/// A secret value. `Debug` and `Display` print `****`; the value is only
/// reachable through [`SecretString::expose`].
///
/// It serializes as the plain string, because the one place it is written to
/// is the OS keyring entry (see [`crate::Credential`]).
#[derive(Clone, Default)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_owned())
    }
}

/// Constant time, so comparing a guess with a secret leaks nothing through
/// timing.
impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretString {}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

/// Constant-time string comparison (for the OAuth `state`).
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = SecretString::new("hunter2-token");
        assert_eq!(format!("{s:?}"), "****");
        assert_eq!(s.to_string(), "****");
        assert_eq!(s.expose(), "hunter2-token");
        assert_eq!(
            serde_json::to_string(&s).expect("json"),
            "\"hunter2-token\""
        );
    }

    #[test]
    fn equality() {
        assert_eq!(SecretString::new("a"), SecretString::from("a"));
        assert_ne!(SecretString::new("a"), SecretString::new("ab"));
        assert!(constant_time_eq("state-1", "state-1"));
        assert!(!constant_time_eq("state-1", "state-2"));
        assert!(!constant_time_eq("state", ""));
        assert!(!constant_time_eq("", "x"));
    }
}
