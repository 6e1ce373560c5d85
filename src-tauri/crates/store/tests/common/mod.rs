//! A sandbox, a client for it and an empty cache, shared by the pull tests.

#![allow(dead_code)] // Each test binary uses its own part.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ghl::{AccessToken, Client, ClientConfig, RetryPolicy};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use store::Store;
use tempfile::TempDir;

pub async fn sandbox(contacts: usize) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts,
        rate_limit: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

/// Quick retries: the tests inject failures and should not sit in backoff.
pub fn client(base_url: &str, location_id: &str, token: &str) -> Client {
    let retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    Client::new(
        ClientConfig::new(url::Url::parse(base_url).expect("url"), location_id)
            .with_retry_policy(retry),
        AccessToken::new(token.to_owned()),
    )
    .expect("client")
}

pub fn client_for(sandbox: &Sandbox) -> Client {
    client(
        &sandbox.base_url(),
        sandbox.location_id(),
        sandbox.access_token(),
    )
}

pub fn fresh_store() -> (TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _) = Store::open(Store::path_for(dir.path(), "loc")).expect("open");
    (dir, Arc::new(store))
}

/// What the comparison looks at: (display name, email, phone, tags) by id.
pub type Snapshot = BTreeMap<String, (String, Option<String>, Option<String>, Vec<String>)>;

pub async fn server_snapshot(sandbox: &Sandbox) -> Snapshot {
    let data = sandbox.dataset();
    let data = data.read().await;
    data.contacts
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                (
                    c.full_name(),
                    c.email.clone(),
                    c.phone.clone(),
                    c.tags.clone(),
                ),
            )
        })
        .collect()
}

/// Every cached contact, read through the list pages (each id once).
pub fn cache_snapshot(store: &Store) -> Snapshot {
    let mut out = Snapshot::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list(
                store::ListOrder::Name,
                cursor.as_deref(),
                store::MAX_PAGE_SIZE,
            )
            .expect("list");
        for r in page.items {
            let id = r.id.clone();
            let value = (r.display_name, r.email, r.phone, r.tags);
            assert!(out.insert(id.clone(), value).is_none(), "{id} listed twice");
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
}
