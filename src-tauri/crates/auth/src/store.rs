//! Where secrets live: the OS keyring ([`KeyringStore`]), or memory for tests
//! of other units ([`MemoryStore`]). There is no file fallback: if the
//! keyring cannot be used the caller gets [`Error::KeyringUnavailable`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// Keyring service name of the app.
pub const APP_SERVICE: &str = "com.example.switchboard";
/// Keyring service name of the demo (sandbox) mode, so demo sign-ins never
/// touch real ones.
pub const DEMO_SERVICE: &str = "com.example.switchboard.demo";
/// Entry holding the OAuth app's client secret.
pub const OAUTH_CLIENT_SECRET_KEY: &str = "ghl:oauth-client-secret";

/// Entry reserved for the Housecall Pro API key.
pub const HCP_API_KEY_KEY: &str = "hcp:api-key";

/// Entry of a signed-in location's [`crate::Credential`].
pub fn location_key(location_id: &str) -> String {
    format!("ghl:location:{location_id}")
}

/// Every keyring call gives up after this long.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// A place for secrets, keyed by entry name (e.g. [`location_key`]).
pub trait SecretStore: Send + Sync {
    /// `Ok(None)` when there is no such entry.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<SecretString>>;
    fn set<'a>(&'a self, key: &'a str, value: &'a SecretString) -> StoreFuture<'a, ()>;
    /// Deleting a missing entry is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows) through the `keyring` crate. Each call runs on
/// `spawn_blocking` with a [`KEYRING_TIMEOUT`].
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: Arc<str>,
    timeout: Duration,
}

impl KeyringStore {
    /// `service` is e.g. [`APP_SERVICE`] or [`DEMO_SERVICE`].
    pub fn new(service: impl Into<String>) -> KeyringStore {
        KeyringStore {
            service: Arc::from(service.into()),
            timeout: KEYRING_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> KeyringStore {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    async fn run<T, F>(&self, key: &str, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(keyring::Entry) -> std::result::Result<T, keyring::Error> + Send + 'static,
    {
        let service = Arc::clone(&self.service);
        let user = key.to_owned();
        let task = tokio::task::spawn_blocking(move || {
            let entry = keyring::Entry::new(&service, &user)?;
            op(entry)
        });
        match tokio::time::timeout(self.timeout, task).await {
            Err(_) => Err(Error::KeyringUnavailable {
                reason: format!(
                    "the keyring did not answer within {} s",
                    self.timeout.as_secs_f32()
                ),
            }),
            Ok(Err(join)) => Err(Error::KeyringUnavailable {
                reason: format!("the keyring call failed ({join})"),
            }),
            Ok(Ok(result)) => result.map_err(keyring_error),
        }
    }
}

/// A reason that never contains entry contents (`BadEncoding` carries the
/// raw bytes, so its data is not formatted).
fn keyring_error(e: keyring::Error) -> Error {
    let reason = match e {
        keyring::Error::PlatformFailure(inner) => format!("the keyring service failed ({inner})"),
        keyring::Error::NoStorageAccess(inner) => {
            format!("the keyring is locked or not reachable ({inner})")
        }
        keyring::Error::BadEncoding(_) => "an entry is not valid text".to_owned(),
        keyring::Error::TooLong(what, max) => format!("the {what} is longer than {max}"),
        keyring::Error::Invalid(what, why) => format!("invalid {what}: {why}"),
        keyring::Error::Ambiguous(_) => "more than one entry matches".to_owned(),
        keyring::Error::NoEntry => "no such entry".to_owned(),
        _ => "an unknown keyring error occurred".to_owned(),
    };
    Error::KeyringUnavailable { reason }
}

impl SecretStore for KeyringStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<SecretString>> {
        Box::pin(self.run(key, |entry| match entry.get_password() {
            Ok(value) => Ok(Some(SecretString::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }))
    }

    fn set<'a>(&'a self, key: &'a str, value: &'a SecretString) -> StoreFuture<'a, ()> {
        let value = value.clone();
        Box::pin(self.run(key, move |entry| entry.set_password(value.expose())))
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.run(key, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }))
    }
}

/// Secrets in memory, for tests of code that needs a [`SecretStore`].
/// [`MemoryStore::set_unavailable`] makes every call fail like a locked
/// keyring.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, SecretString>>,
    unavailable: AtomicBool,
    fail_writes: AtomicBool,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Every call fails with [`Error::KeyringUnavailable`] while `on`.
    pub fn set_unavailable(&self, on: bool) {
        self.unavailable.store(on, Ordering::SeqCst);
    }

    /// `set` fails with [`Error::KeyringUnavailable`] while `on`; reads work.
    pub fn set_fail_writes(&self, on: bool) {
        self.fail_writes.store(on, Ordering::SeqCst);
    }

    /// The names of all entries, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries.lock().expect("lock").keys().cloned().collect();
        keys.sort();
        keys
    }

    fn check(&self, writing: bool) -> Result<()> {
        if self.unavailable.load(Ordering::SeqCst)
            || (writing && self.fail_writes.load(Ordering::SeqCst))
        {
            return Err(Error::KeyringUnavailable {
                reason: "the test keyring is switched off".to_owned(),
            });
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<SecretString>> {
        Box::pin(async move {
            self.check(false)?;
            Ok(self.entries.lock().expect("lock").get(key).cloned())
        })
    }

    fn set<'a>(&'a self, key: &'a str, value: &'a SecretString) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.check(true)?;
            self.entries
                .lock()
                .expect("lock")
                .insert(key.to_owned(), value.clone());
            Ok(())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.check(true)?;
            self.entries.lock().expect("lock").remove(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store() {
        let s = MemoryStore::new();
        assert!(s.get("k").await.expect("get").is_none());
        s.set("k", &SecretString::new("v")).await.expect("set");
        assert_eq!(s.get("k").await.expect("get"), Some(SecretString::new("v")));
        s.set_fail_writes(true);
        assert_eq!(
            s.set("k", &SecretString::new("w"))
                .await
                .map_err(|e| e.code()),
            Err("keyring_unavailable")
        );
        assert_eq!(
            s.get("k").await.expect("reads work"),
            Some(SecretString::new("v"))
        );
        s.set_fail_writes(false);
        s.delete("k").await.expect("delete");
        s.delete("k").await.expect("delete again");
        assert!(s.keys().is_empty());
        s.set_unavailable(true);
        assert!(s.get("k").await.is_err());
    }

    #[test]
    fn keys_and_errors() {
        assert_eq!(location_key("abc"), "ghl:location:abc");
        let e = keyring_error(keyring::Error::BadEncoding(b"secret-bytes".to_vec()));
        assert!(!format!("{e} {e:?}").contains("secret"), "{e:?}");
        assert_eq!(e.code(), "keyring_unavailable");
    }
}
