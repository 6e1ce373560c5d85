//! `switchboard-cli sync` as a process, against the GHL sandbox and the HCP
//! sandbox: the printed plan, what each service received, and the sync
//! state kept in the location's cache.

use std::process::{Command, Output, Stdio};

use sandbox::hcp::{HcpAddress, HcpConfig, HcpCustomer, HcpSandbox};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use serde_json::{json, Value};
use tempfile::TempDir;
use time::OffsetDateTime;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard-cli");

struct World {
    ghl: Sandbox,
    hcp: HcpSandbox,
    /// `SWITCHBOARD_HOME`: the default cache lives under it.
    home: TempDir,
}

async fn world() -> World {
    let ghl = Sandbox::start(SandboxConfig {
        contacts: 5,
        rate_limit: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .expect("GHL sandbox");
    let hcp = HcpSandbox::start(HcpConfig {
        customers: 0,
        ..HcpConfig::default()
    })
    .await
    .expect("HCP sandbox");
    ghl.record_requests(true);
    hcp.record_requests(true);
    World {
        ghl,
        hcp,
        home: tempfile::tempdir().expect("home"),
    }
}

impl World {
    /// `switchboard-cli --base-url … --location … sync <args>` with both
    /// sandboxes' credentials in its environment only.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("SWITCHBOARD_LOCATION_ID")
            .env_remove("SWITCHBOARD_GHL_BASE_URL")
            .env("SWITCHBOARD_TOKEN", self.ghl.access_token())
            .env("SWITCHBOARD_HCP_KEY", self.hcp.api_key())
            .env("SWITCHBOARD_HCP_BASE_URL", self.hcp.base_url())
            .env("SWITCHBOARD_HOME", self.home.path())
            .env(
                "SWITCHBOARD_KEYRING_SERVICE",
                "com.example.switchboard.cli-test.empty",
            )
            .args(["--base-url", &self.ghl.base_url()])
            .args(["--location", self.ghl.location_id()])
            .arg("sync")
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        // Off the async workers: the sandboxes serve on them.
        tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
            .await
            .expect("join")
    }

    /// Runs and returns the printed JSON, which must be one compact line.
    async fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "one compact document: {text}");
        serde_json::from_str(&text).expect("JSON")
    }

    /// Writes (anything but GET) each sandbox received since the last call.
    fn writes(&self) -> (Vec<String>, Vec<String>) {
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

    fn ghl_client(&self) -> ghl::Client {
        ghl::Client::new(
            ghl::ClientConfig::new(
                url::Url::parse(&self.ghl.base_url()).expect("url"),
                self.ghl.location_id(),
            ),
            ghl::AccessToken::new(self.ghl.access_token()),
        )
        .expect("GHL client")
    }

    async fn ghl_contacts_with_email(&self, email: &str) -> Vec<sandbox::model::Contact> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        data.contacts
            .iter()
            .filter(|c| c.email.as_deref() == Some(email))
            .cloned()
            .collect()
    }

    /// The value of a GHL contact's custom field `key`, by the location's
    /// seeded definition.
    async fn ghl_custom(&self, id: &str, key: &str) -> Option<String> {
        let data = self.ghl.dataset();
        let data = data.read().await;
        let def = data.location.custom_fields.iter().find(|d| d.key == key)?;
        data.contact(id)?
            .custom_fields
            .iter()
            .find(|f| f.id == def.id)
            .map(|f| f.value.clone())
    }

    async fn ghl_contact(&self, email: Option<&str>, phone: Option<&str>) -> String {
        self.ghl_client()
            .create_contact(&ghl::ContactInput {
                first_name: Some("Bob".into()),
                last_name: Some("Jones".into()),
                email: email.map(str::to_owned),
                phone: phone.map(str::to_owned),
                ..Default::default()
            })
            .await
            .expect("GHL contact")
            .id
    }
}

fn customer(id: &str, email: &str, mobile: &str) -> HcpCustomer {
    let now = OffsetDateTime::now_utc();
    HcpCustomer {
        id: id.to_owned(),
        first_name: Some("Ann".into()),
        last_name: Some("Smith".into()),
        email: Some(email.to_owned()),
        mobile_number: Some(mobile.to_owned()),
        home_number: Some("(720) 555-0177".into()),
        work_number: None,
        company: Some("Acme Roofing".into()),
        notifications_enabled: true,
        lead_source: Some("Google".into()),
        notes: Some("Gate code 1234.".into()),
        tags: vec!["VIP".into()],
        addresses: vec![HcpAddress {
            id: format!("adr_{id}"),
            kind: "service".into(),
            street: Some("12 Elm St".into()),
            street_line_2: None,
            city: Some("Denver".into()),
            state: Some("CO".into()),
            zip: Some("80202".into()),
            country: Some("US".into()),
            created_at: now,
            updated_at: now,
        }],
        do_not_service: false,
        created_at: now,
        updated_at: now,
    }
}

fn fields(changes: &Value) -> Vec<&str> {
    changes
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["field"].as_str().expect("field"))
        .collect()
}

fn change<'a>(changes: &'a Value, field: &str) -> &'a Value {
    changes
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("{field} not in {changes}"))
}

/// Requests other than GET counted by a sandbox's stats.
fn writes_counted(stats: &sandbox::SandboxStats) -> u64 {
    stats
        .by_route
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn dry_run_prints_the_plan_and_sends_nothing() {
    let w = world().await;
    w.hcp
        .set_customer(customer("cus_dry", "Ann.Dry@Example.com", "(303) 555-0101"));
    w.ghl.reset_stats();
    w.hcp.reset_stats();
    let cache = w.home.path().join("state.sqlite3");
    let cache = cache.to_str().expect("utf-8 path");

    let plan = w
        .ok(&["--hcp", "cus_dry", "--dry-run", "--cache", cache])
        .await;
    assert_eq!(plan["dryRun"], true);
    assert_eq!(plan["target"], json!({"side": "hcp", "id": "cus_dry"}));
    assert_eq!(plan["matching"]["kind"], "new");
    assert_eq!(plan["hcp"]["id"], "cus_dry");
    assert_eq!(plan["hcp"]["fields"]["email"], "ann.dry@example.com");
    assert!(plan["ghl"].is_null());
    let email = change(&plan["toGhl"], "email");
    assert_eq!(email["label"], "Email");
    assert_eq!(email["from"], Value::Null);
    assert_eq!(email["to"], "ann.dry@example.com");
    assert_eq!(change(&plan["toGhl"], "phone")["to"], "+13035550101");
    assert_eq!(change(&plan["toGhl"], "tags")["added"], json!(["vip"]));
    assert_eq!(plan["toHcp"], json!([]));
    assert_eq!(plan["conflicts"], json!([]));
    assert_eq!(plan["problems"], json!([]));
    assert_eq!(plan["followUpTasks"][0]["title"], "Call to welcome");
    assert_eq!(plan["willSend"], true);
    assert!(plan["result"].is_null());

    assert!(w.ghl.stats().requests > 0, "GHL was read");
    assert!(w.hcp.stats().requests > 0, "HCP was read");
    assert_eq!(writes_counted(&w.ghl.stats()), 0, "{:?}", w.ghl.stats());
    assert_eq!(writes_counted(&w.hcp.stats()), 0, "{:?}", w.hcp.stats());
    assert!(w
        .ghl_contacts_with_email("ann.dry@example.com")
        .await
        .is_empty());
}

#[tokio::test]
async fn apply_creates_once_and_a_second_run_sends_nothing() {
    let w = world().await;
    w.hcp.set_customer(customer(
        "cus_apply",
        "ann.apply@example.com",
        "303 555 0102",
    ));
    w.writes();

    let first = w.ok(&["--hcp", "cus_apply"]).await;
    assert_eq!(first["dryRun"], false);
    assert_eq!(first["matching"]["kind"], "new");
    let result = &first["result"];
    assert_eq!(result["created"], "ghl");
    assert_eq!(result["hcpCustomerId"], "cus_apply");
    assert_eq!(result["nothingSent"], false);
    assert_eq!(result["tasksCreated"], json!(["Call to welcome"]));
    assert!(fields(&result["toGhl"]).contains(&"email"));
    let (ghl_writes, hcp_writes) = w.writes();
    assert_eq!(ghl_writes.len(), 3, "create, note, task: {ghl_writes:?}");
    assert!(hcp_writes.is_empty(), "{hcp_writes:?}");

    let created = w.ghl_contacts_with_email("ann.apply@example.com").await;
    assert_eq!(created.len(), 1);
    let id = created[0].id.as_str();
    assert_eq!(result["ghlContactId"], id);
    // The sandbox seeds the custom fields the default mapping writes.
    assert_eq!(
        w.ghl_custom(id, "contact.hcp_customer_id").await.as_deref(),
        Some("cus_apply")
    );
    assert_eq!(
        w.ghl_custom(id, "contact.hcp_home_phone").await.as_deref(),
        Some("+17205550177")
    );
    // The sync state is in the app's cache of the location.
    let cache = w
        .home
        .path()
        .join("data/locations")
        .join(w.ghl.location_id())
        .join("contacts.sqlite3");
    let (store, _) = store::Store::open(&cache).expect("the app's cache");
    let link = store
        .sync_link_by_hcp("cus_apply")
        .expect("read")
        .expect("linked");
    assert_eq!(link.ghl_contact_id, id);
    let log = store.sync_log_for_hcp("cus_apply").expect("log");
    assert!(log.iter().any(|e| e.field == "email"));
    assert!(log.iter().all(|e| e.actor == "switchboard-cli"));
    drop(store);

    // Again, from either side: linked, nothing to send, nothing sent.
    for target in [["--hcp", "cus_apply"], ["--ghl", id]] {
        let again = w.ok(&target).await;
        assert_eq!(again["matching"]["kind"], "linked", "{again}");
        assert_eq!(again["willSend"], false);
        assert_eq!(again["toGhl"], json!([]));
        assert_eq!(again["toHcp"], json!([]));
        assert_eq!(again["result"]["nothingSent"], true);
        assert_eq!(again["result"]["created"], Value::Null);
    }
    assert_eq!(w.writes(), (vec![], vec![]));
    assert_eq!(
        w.ghl_contacts_with_email("ann.apply@example.com")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn prefer_resolves_a_conflict() {
    let w = world().await;
    w.hcp
        .set_customer(customer("cus_conf", "ann.conf@example.com", "303 555 0103"));
    let cache = w.home.path().join("conf.sqlite3");
    let cache = cache.to_str().expect("utf-8 path");
    let first = w.ok(&["--hcp", "cus_conf", "--cache", cache]).await;
    let id = first["result"]["ghlContactId"]
        .as_str()
        .expect("id")
        .to_owned();
    w.hcp
        .update_customer_field("cus_conf", "first_name", Some("Anna"))
        .expect("HCP edit");
    w.ghl_client()
        .update_contact(
            &id,
            &ghl::ContactUpdate {
                first_name: Some("Annie".into()),
                ..Default::default()
            },
        )
        .await
        .expect("GHL edit");
    w.writes();

    // Without --prefer: reported, nothing changed.
    let out = w.ok(&["--hcp", "cus_conf", "--cache", cache]).await;
    let conflict = &out["conflicts"][0];
    assert_eq!(out["conflicts"].as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(conflict["field"], "first_name");
    assert_eq!(
        (&conflict["base"], &conflict["hcp"], &conflict["ghl"]),
        (&json!("Ann"), &json!("Anna"), &json!("Annie"))
    );
    assert_eq!(conflict["resolution"], "change_nothing");
    assert_eq!(out["willSend"], false);
    assert_eq!(out["result"]["unresolved"], json!(["first_name"]));
    assert_eq!(w.writes(), (vec![], vec![]));

    // The dry run shows what --prefer ghl would write.
    let plan = w
        .ok(&[
            "--ghl",
            &id,
            "--prefer",
            "ghl",
            "--dry-run",
            "--cache",
            cache,
        ])
        .await;
    assert_eq!(plan["conflicts"][0]["resolution"], "keep_ghl");
    let write = change(&plan["toHcp"], "first_name");
    assert_eq!(
        (&write["from"], &write["to"]),
        (&json!("Anna"), &json!("Annie"))
    );
    assert_eq!(plan["willSend"], true);
    assert_eq!(w.writes(), (vec![], vec![]));

    let out = w
        .ok(&["--ghl", &id, "--prefer", "ghl", "--cache", cache])
        .await;
    assert_eq!(out["result"]["unresolved"], json!([]));
    assert_eq!(fields(&out["result"]["toHcp"]), ["first_name"]);
    let (ghl_writes, hcp_writes) = w.writes();
    assert!(ghl_writes.is_empty(), "{ghl_writes:?}");
    assert_eq!(hcp_writes.len(), 1, "{hcp_writes:?}");
    assert_eq!(
        w.hcp
            .customer("cus_conf")
            .expect("customer")
            .first_name
            .as_deref(),
        Some("Annie")
    );

    let settled = w.ok(&["--hcp", "cus_conf", "--cache", cache]).await;
    assert_eq!(settled["conflicts"], json!([]));
    assert_eq!(settled["result"]["nothingSent"], true);
}

#[tokio::test]
async fn an_ambiguous_match_without_match_fails_clearly() {
    let w = world().await;
    let by_email = w.ghl_contact(Some("amb@example.com"), None).await;
    let by_phone = w.ghl_contact(None, Some("+13035550188")).await;
    w.hcp
        .set_customer(customer("cus_amb", "amb@example.com", "(303) 555-0188"));
    let cache = w.home.path().join("amb.sqlite3");
    let cache = cache.to_str().expect("utf-8 path");
    w.writes();

    let out = w.run(&["--hcp", "cus_amb", "--cache", cache]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: 2 GoHighLevel records match"),
        "{stderr}"
    );
    for expected in [
        by_email.as_str(),
        by_phone.as_str(),
        "same email",
        "same phone",
        "--match",
    ] {
        assert!(stderr.contains(expected), "{expected} missing: {stderr}");
    }
    assert!(
        !stderr.contains("amb@example.com"),
        "no personal data: {stderr}"
    );
    assert_eq!(w.writes(), (vec![], vec![]));

    // A dry run shows the candidates instead.
    let plan = w
        .ok(&["--hcp", "cus_amb", "--dry-run", "--cache", cache])
        .await;
    assert_eq!(plan["matching"]["kind"], "ambiguous");
    let ids: Vec<&str> = plan["matching"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [by_email.as_str(), by_phone.as_str()]);
    assert_eq!(plan["willSend"], false);

    // --match picks one; --match new creates a contact of its own.
    let chosen = w
        .ok(&[
            "--hcp",
            "cus_amb",
            "--match",
            &by_phone,
            "--dry-run",
            "--cache",
            cache,
        ])
        .await;
    assert_eq!(
        chosen["matching"],
        json!({"kind": "matched", "by": "choice"})
    );
    assert_eq!(chosen["ghl"]["id"], by_phone.as_str());
    let new = w
        .ok(&[
            "--hcp",
            "cus_amb",
            "--match",
            "new",
            "--dry-run",
            "--cache",
            cache,
        ])
        .await;
    assert_eq!(new["ghl"], Value::Null, "{new}");
    assert_eq!(w.writes(), (vec![], vec![]));
}

#[tokio::test]
async fn usage_and_key_errors_exit_with_the_cli_codes() {
    let w = world().await;
    // Neither --hcp nor --ghl, or both.
    for args in [&["--dry-run"][..], &["--hcp", "a", "--ghl", "b"]] {
        let out = w.run(args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
    let out = w.run(&["--hcp", "x", "--prefer", "both"]).await;
    assert_eq!(out.status.code(), Some(2));

    // No HCP key: not in the environment, none in the (empty) keyring service.
    let mut cmd = w.command(&["--hcp", "cus_x", "--dry-run"]);
    cmd.env_remove("SWITCHBOARD_HCP_KEY");
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SWITCHBOARD_HCP_KEY"), "{stderr}");

    // A wrong key: HCP refuses it, exit 3, the key never printed.
    let mut cmd = w.command(&["--hcp", "cus_x", "--dry-run"]);
    cmd.env("SWITCHBOARD_HCP_KEY", "wrong-key-123");
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: Housecall Pro"), "{stderr}");
    assert!(!stderr.contains("wrong-key-123"), "{stderr}");

    // A customer HCP does not have: not found.
    let out = w.run(&["--hcp", "cus_missing", "--dry-run"]).await;
    assert_eq!(out.status.code(), Some(4), "{out:?}");
}
