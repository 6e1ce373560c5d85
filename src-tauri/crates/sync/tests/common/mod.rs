//! Both sandboxes, clients for them, a fresh store and an engine; shared by
//! the engine tests, the crash test and the bench.

#![allow(dead_code)] // each test binary uses its own part

use std::sync::Arc;
use std::time::Duration;

use sandbox::hcp::{HcpConfig, HcpCustomer, HcpSandbox};
use sandbox::model::CustomFieldDef;
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use store::Store;
use sync::{SyncEngine, SyncSettings};
use tempfile::TempDir;
use time::OffsetDateTime;
use url::Url;

pub struct World {
    pub ghl: Sandbox,
    pub hcp: HcpSandbox,
    pub dir: TempDir,
    pub store: Arc<Store>,
}

/// The custom fields the default mapping uses (a real location needs them
/// created once in GHL's settings).
pub const CUSTOM_FIELDS: [&str; 3] = [
    "contact.hcp_customer_id",
    "contact.hcp_home_phone",
    "contact.hcp_work_phone",
];

pub async fn world() -> World {
    let ghl = Sandbox::start(SandboxConfig {
        contacts: 5,
        rate_limit: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .expect("GHL sandbox");
    add_custom_fields(&ghl).await;
    let hcp = HcpSandbox::start(HcpConfig {
        customers: 0,
        ..HcpConfig::default()
    })
    .await
    .expect("HCP sandbox");
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _) = Store::open(dir.path().join("sync.sqlite3")).expect("store");
    World {
        ghl,
        hcp,
        dir,
        store: Arc::new(store),
    }
}

pub async fn add_custom_fields(ghl: &Sandbox) {
    let data = ghl.dataset();
    let mut data = data.write().await;
    for (i, key) in CUSTOM_FIELDS.iter().enumerate() {
        data.location.custom_fields.push(CustomFieldDef {
            id: format!("cfSync{i}"),
            name: (*key).to_owned(),
            key: (*key).to_owned(),
        });
    }
}

pub fn ghl_client(url: &str, location: &str, token: &str) -> ghl::Client {
    let retry = ghl::RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..ghl::RetryPolicy::default()
    };
    ghl::Client::new(
        ghl::ClientConfig::new(Url::parse(url).expect("url"), location).with_retry_policy(retry),
        ghl::AccessToken::new(token.to_owned()),
    )
    .expect("GHL client")
}

pub fn hcp_client(url: &str, key: &str) -> hcp::Client {
    let retry = hcp::RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(2),
    };
    hcp::Client::with_config(
        hcp::ClientConfig::new(Url::parse(url).expect("url")).with_retry_policy(retry),
        hcp::ApiKey::new(key),
    )
    .expect("HCP client")
}

impl World {
    pub fn ghl_client(&self) -> ghl::Client {
        ghl_client(
            &self.ghl.base_url(),
            self.ghl.location_id(),
            self.ghl.access_token(),
        )
    }

    pub fn hcp_client(&self) -> hcp::Client {
        hcp_client(&self.hcp.base_url(), self.hcp.api_key())
    }

    pub fn engine(&self) -> SyncEngine {
        self.engine_with(SyncSettings::default())
    }

    pub fn engine_with(&self, settings: SyncSettings) -> SyncEngine {
        SyncEngine::new(
            self.ghl_client(),
            self.hcp_client(),
            self.store.clone(),
            settings,
        )
    }

    /// GHL contacts with this email (any case).
    pub async fn ghl_by_email(&self, email: &str) -> Vec<sandbox::model::Contact> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        data.contacts
            .iter()
            .filter(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .cloned()
            .collect()
    }

    pub async fn ghl_contact(&self, id: &str) -> sandbox::model::Contact {
        let data = self.ghl.dataset();
        let data = data.read().await;
        data.contact(id).cloned().expect("GHL contact")
    }

    pub async fn ghl_notes(&self, id: &str) -> Vec<String> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        data.notes_of(id).iter().map(|n| n.body.clone()).collect()
    }

    pub async fn ghl_tasks(&self, id: &str) -> Vec<String> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        data.tasks_of(id).iter().map(|t| t.title.clone()).collect()
    }

    /// The value of a GHL contact's custom field `key`.
    pub async fn ghl_custom(&self, id: &str, key: &str) -> Option<String> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        let def = data.location.custom_fields.iter().find(|d| d.key == key)?;
        data.contact(id)?
            .custom_fields
            .iter()
            .find(|f| f.id == def.id)
            .map(|f| f.value.clone())
    }

    /// Writes (POST, PUT, DELETE) each sandbox received since the last reset.
    pub fn writes(&self) -> (Vec<String>, Vec<String>) {
        let w = |reqs: Vec<sandbox::RecordedRequest>| {
            reqs.into_iter()
                .filter(|r| r.method != "GET")
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        };
        (
            w(self.ghl.take_recorded_requests()),
            w(self.hcp.take_recorded_requests()),
        )
    }

    pub fn record(&self) {
        self.ghl.record_requests(true);
        self.hcp.record_requests(true);
        self.ghl.take_recorded_requests();
        self.hcp.take_recorded_requests();
    }
}

/// An HCP customer with the given identity; the rest empty.
pub fn customer(id: &str, first: &str, last: &str) -> HcpCustomer {
    let now = OffsetDateTime::now_utc();
    HcpCustomer {
        id: id.to_owned(),
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
        email: None,
        mobile_number: None,
        home_number: None,
        work_number: None,
        company: None,
        notifications_enabled: true,
        lead_source: None,
        notes: None,
        tags: Vec::new(),
        addresses: Vec::new(),
        do_not_service: false,
        created_at: now,
        updated_at: now,
    }
}

/// A complete customer: every mapped field set.
pub fn full_customer(id: &str, email: &str, mobile: &str) -> HcpCustomer {
    let now = OffsetDateTime::now_utc();
    HcpCustomer {
        email: Some(email.to_owned()),
        mobile_number: Some(mobile.to_owned()),
        home_number: Some("(720) 555-0177".into()),
        company: Some("Acme Roofing".into()),
        lead_source: Some("Google".into()),
        notes: Some("Gate code 1234. Dog in the yard.".into()),
        tags: vec!["VIP".into(), "Spring promo".into()],
        addresses: vec![sandbox::hcp::HcpAddress {
            id: format!("adr_{id}"),
            kind: "service".into(),
            street: Some("12 Elm St".into()),
            street_line_2: Some("Unit 4".into()),
            city: Some("Denver".into()),
            state: Some("CO".into()),
            zip: Some("80202".into()),
            country: Some("US".into()),
            created_at: now,
            updated_at: now,
        }],
        ..customer(id, "Ann", "Smith")
    }
}
