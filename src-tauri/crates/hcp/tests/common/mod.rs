//! Shared by the integration tests: a sandbox, a client for it, and the
//! Housecall Pro spec loaded through the sandbox's OpenAPI → JSON Schema
//! translation.

#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

use hcp::{ApiKey, Client, ClientConfig, RetryPolicy};
use sandbox::hcp::{HcpConfig, HcpSandbox};
use sandbox::spec::{specs_dir, Spec};
use url::Url;

pub async fn sandbox(customers: usize) -> HcpSandbox {
    HcpSandbox::start(HcpConfig {
        customers,
        ..HcpConfig::default()
    })
    .await
    .expect("HCP sandbox starts")
}

/// Fast retries, so fault tests do not sleep for seconds.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(2),
    }
}

pub fn client_with(
    sandbox: &HcpSandbox,
    config: impl FnOnce(ClientConfig) -> ClientConfig,
) -> Client {
    let base = Url::parse(&sandbox.base_url()).expect("url");
    Client::with_config(
        config(ClientConfig::new(base).with_retry_policy(quick_retries())),
        ApiKey::new(sandbox.api_key()),
    )
    .expect("client")
}

pub fn client(sandbox: &HcpSandbox) -> Client {
    client_with(sandbox, |c| c)
}

/// `housecallpro/housecall.v1.yaml` as a [`Spec`]. The spec is YAML and the
/// sandbox's loader reads JSON, so the document is converted first (to a
/// temporary file, removed again once loaded).
pub fn hcp_spec() -> Spec {
    let path = specs_dir()
        .expect("the shared specs directory")
        .join("housecallpro/housecall.v1.yaml");
    let text = std::fs::read_to_string(&path).expect("read the HCP spec");
    let doc: serde_json::Value = serde_yaml_ng::from_str(&text).expect("the HCP spec is YAML");
    let json_path = std::env::temp_dir().join(format!(
        "hcp-spec-{}-{}.json",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::write(&json_path, serde_json::to_vec(&doc).expect("json")).expect("write");
    let spec = Spec::load(&json_path);
    let _ = std::fs::remove_file(&json_path);
    let spec = spec.expect("the HCP spec loads");
    spec.check_sound().expect("translation is sound");
    spec
}
