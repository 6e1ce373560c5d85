//! The HCP sandbox answers with the spec's shapes and statuses: every
//! response body is validated against `housecallpro/housecall.v1.yaml`'s
//! schemas, through the sandbox's JSON-Schema translation.

mod common;

use common::{hcp_spec, sandbox};
use reqwest::StatusCode;
use sandbox::hcp::{seed_contacts_from_dataset, HcpConfig, HcpSandbox, SeedMatch};
use sandbox::spec::Spec;
use serde_json::{json, Value};

struct Raw {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Raw {
    fn new(sb: &HcpSandbox) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            base: sb.base_url(),
            key: sb.api_key().to_owned(),
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send_as(method, path, body, Some(format!("Token {}", self.key)))
            .await
    }

    async fn send_as(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        auth: Option<String>,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("send");
        let status = res.status();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn check(spec: &Spec, method: &str, template: &str, status: StatusCode, body: &Value) {
    let code = status.as_u16();
    let documented = spec
        .documented_statuses(method, template)
        .expect("operation");
    assert!(
        documented.contains(&code),
        "{method} {template} answered {code}, documented {documented:?}"
    );
    let validator = spec
        .response_validator(method, template, code)
        .or_else(|_| {
            // The spec puts the addresses list's 200 shape in a request
            // body by mistake (API-NOTES §8.2).
            spec.request_validator(method, template)
        })
        .expect("a schema for the answer");
    if let Err(errors) = validator.validate(body) {
        panic!("{method} {template} {code}:\n{}", errors.join("\n"));
    }
    let undeclared = validator.undeclared_keys(body);
    assert!(
        undeclared.is_empty(),
        "{method} {template}: undeclared {undeclared:?}"
    );
}

#[tokio::test]
async fn every_answer_has_the_spec_shape() {
    let sb = sandbox(25).await;
    let spec = hcp_spec();
    let raw = Raw::new(&sb);
    let id = sb.customers()[0].id.clone();

    for query in [
        "",
        "?page=2&page_size=5&sort_by=updated_at&sort_direction=asc",
        "?q=denver&expand[]=attachments&expand[]=do_not_service",
        "?page=99",
    ] {
        let (status, body) = raw.send("GET", &format!("/customers{query}"), None).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        check(&spec, "get", "/customers", status, &body);
    }
    let (status, body) = raw
        .send(
            "GET",
            &format!("/customers/{id}?expand[]=do_not_service"),
            None,
        )
        .await;
    assert!(body.get("do_not_service").is_some());
    check(&spec, "get", "/customers/{customer_id}", status, &body);

    let (status, created) = raw
        .send(
            "POST",
            "/customers",
            Some(json!({
                "first_name": "Contract", "email": "contract@example.com", "tags": ["a"],
                "addresses": [{"street": "1 Main", "city": "Denver", "state": "CO", "zip": "80202", "country": "US"}]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    check(&spec, "post", "/customers", status, &created);
    let new_id = created["id"].as_str().expect("id").to_owned();

    let (status, body) = raw
        .send(
            "PUT",
            &format!("/customers/{new_id}"),
            Some(json!({"last_name": "Test", "email": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["email"], Value::Null);
    check(&spec, "put", "/customers/{customer_id}", status, &body);

    let (status, address) = raw
        .send(
            "POST",
            &format!("/customers/{new_id}/addresses"),
            Some(json!({"street": "9 Elm", "city": "Golden", "state": "CO", "zip": "80401", "country": "US", "latitude": "39.7"})),
        )
        .await;
    check(
        &spec,
        "post",
        "/customers/{customer_id}/addresses",
        status,
        &address,
    );
    let (status, body) = raw
        .send(
            "GET",
            &format!("/customers/{new_id}/addresses?sort_by=updated_at"),
            None,
        )
        .await;
    assert_eq!(body["total_items"], json!(2));
    check(
        &spec,
        "get",
        "/customers/{customer_id}/addresses",
        status,
        &body,
    );
    let (status, body) = raw
        .send(
            "GET",
            &format!(
                "/customers/{new_id}/addresses/{}",
                address["id"].as_str().expect("id")
            ),
            None,
        )
        .await;
    check(
        &spec,
        "get",
        "/customers/{customer_id}/addresses/{address_id}",
        status,
        &body,
    );
}

#[tokio::test]
async fn errors_use_the_error_response_shape() {
    let sb = sandbox(2).await;
    let spec = hcp_spec();
    let error_response = spec.component_validator("ErrorResponse").expect("schema");
    let raw = Raw::new(&sb);
    let id = sb.customers()[0].id.clone();
    let cases: Vec<(StatusCode, (StatusCode, Value))> = vec![
        (
            StatusCode::UNAUTHORIZED,
            raw.send_as("GET", "/customers", None, None).await,
        ),
        (
            StatusCode::UNAUTHORIZED,
            raw.send_as("GET", "/customers", None, Some("Token wrong".into()))
                .await,
        ),
        (
            StatusCode::NOT_FOUND,
            raw.send("GET", "/customers/cus_nope", None).await,
        ),
        (
            StatusCode::NOT_FOUND,
            raw.send("GET", &format!("/customers/{id}/addresses/adr_nope"), None)
                .await,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            raw.send("POST", "/customers", Some(json!({"company": "only"})))
                .await,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            raw.send(
                "PUT",
                &format!("/customers/{id}"),
                Some(json!({"email": "x"})),
            )
            .await,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            raw.send(
                "POST",
                &format!("/customers/{id}/addresses"),
                Some(json!({"street": "1 Main"})),
            )
            .await,
        ),
        (
            StatusCode::BAD_REQUEST,
            raw.send("GET", "/customers?page=0", None).await,
        ),
        (
            StatusCode::BAD_REQUEST,
            raw.send("GET", "/customers?sort_direction=up", None).await,
        ),
    ];
    for (expected, (status, body)) in cases {
        assert_eq!(status, expected, "{body}");
        assert!(error_response.is_valid(&body), "{status}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    // Bearer works too (observed live), and DELETE is an HTML 404 as observed.
    let (status, _) = raw
        .send_as(
            "GET",
            "/customers",
            None,
            Some(format!("Bearer {}", sb.api_key())),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = raw.send("DELETE", &format!("/customers/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.as_str().is_some_and(|b| b.contains("<html>")));
}

#[tokio::test]
async fn seeded_from_ghl_contacts_some_match_by_email_some_by_phone() {
    let ghl = sandbox::Sandbox::start(sandbox::SandboxConfig {
        contacts: 300,
        ..sandbox::SandboxConfig::default()
    })
    .await
    .expect("ghl sandbox");
    let contacts = {
        let data = ghl.dataset();
        let data = data.read().await;
        seed_contacts_from_dataset(&data)
    };
    assert!(contacts.len() > 250);
    let config = HcpConfig {
        customers: 60,
        seed: 9,
        ghl_contacts: contacts.clone(),
        anchor: Some(time::macros::datetime!(2026-11-01 12:00 UTC)),
        ..HcpConfig::default()
    };
    let sb = HcpSandbox::start(config.clone()).await.expect("hcp");
    let again = HcpSandbox::start(config).await.expect("hcp again");
    assert!(
        sb.customers() == again.customers(),
        "deterministic per seed"
    );
    assert_ne!(sb.api_key(), again.api_key(), "a throwaway key per start");

    let digits = |s: &str| -> String {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        d.strip_prefix('1')
            .filter(|_| d.len() == 11)
            .map(str::to_owned)
            .unwrap_or(d)
    };
    let (mut email, mut phone, mut none) = (0, 0, 0);
    for m in sb.seeded_matches() {
        let customer = sb.customer(&m.customer_id).expect("customer");
        match m.relation {
            SeedMatch::Email { contact } => {
                email += 1;
                assert_eq!(
                    customer.email.as_deref().map(str::to_lowercase),
                    contacts[contact].email.as_deref().map(str::to_lowercase)
                );
            }
            SeedMatch::PhoneOnly { contact } => {
                phone += 1;
                let mobile = customer.mobile_number.expect("mobile");
                let ghl_phone = contacts[contact].phone.clone().expect("phone");
                assert_ne!(mobile, ghl_phone, "written differently");
                assert_eq!(digits(&mobile), digits(&ghl_phone));
                assert!(customer.email.is_none_or(|e| contacts.iter().all(|c| c
                    .email
                    .as_deref()
                    .map(str::to_lowercase)
                    != Some(e.to_lowercase()))));
            }
            SeedMatch::NoMatch => none += 1,
        }
    }
    assert_eq!((email, phone, none), (18, 12, 30));
}

#[test]
fn the_validators_reject_wrong_shapes() {
    // Guards the tests above against passing vacuously.
    let spec = hcp_spec();
    let list = spec
        .response_validator("get", "/customers", 200)
        .expect("schema");
    assert!(
        !list.is_valid(&json!({"customers": []})),
        "counters are required"
    );
    assert!(!list.is_valid(&json!({
        "page": 1, "page_size": 1, "total_pages": 1, "total_items": 1,
        "customers": [{"id": "cus_1", "tags": "vip"}]
    })));
    let address = spec.component_validator("Address").expect("schema");
    assert!(!address.is_valid(&json!({"street": "no id"})));
    assert!(!address.is_valid(&json!({"id": "adr_1", "type": "home"})));
    let customer = spec.component_validator("Customer").expect("schema");
    assert_eq!(
        customer.undeclared_keys(&json!({"id": "cus_1", "firstName": "x"})),
        vec!["/firstName".to_owned()]
    );
}

#[tokio::test]
async fn test_helpers_stats_and_random_faults() {
    let sb = sandbox(4).await;
    let raw = Raw::new(&sb);
    let mut customer = sb.customers()[1].clone();
    customer.first_name = Some("Set".into());
    customer.tags = vec!["from-test".into()];
    sb.set_customer(customer.clone());
    assert_eq!(sb.customer(&customer.id), Some(customer.clone()));
    let (_, body) = raw
        .send("GET", &format!("/customers/{}", customer.id), None)
        .await;
    assert_eq!(body["first_name"], json!("Set"));
    assert_eq!(body["tags"], json!(["from-test"]));
    let before = sb.customer(&customer.id).expect("stored").updated_at;
    sb.update_customer_field(&customer.id, "mobile_number", Some("+13035550142"))
        .expect("edit");
    assert!(sb.customer(&customer.id).expect("stored").updated_at > before);
    assert!(sb.update_customer_field("cus_nope", "email", None).is_err());
    assert!(sb
        .update_customer_field(&customer.id, "tags", Some("x"))
        .is_err());

    sb.reset_stats();
    sb.set_error_rate(1.0, 5);
    for _ in 0..3 {
        let (status, _) = raw.send("GET", "/customers", None).await;
        assert!(status.is_server_error(), "{status}");
    }
    sb.clear_faults();
    let (status, _) = raw.send("GET", "/customers", None).await;
    assert_eq!(status, StatusCode::OK);
    let stats = sb.stats();
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.faults_injected, 3);
    assert_eq!(stats.by_route.get("GET /customers"), Some(&4));
    let (status, _) = raw.send("GET", "/jobs", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(sb.stats().by_route.get("UNMATCHED"), Some(&1));
}
