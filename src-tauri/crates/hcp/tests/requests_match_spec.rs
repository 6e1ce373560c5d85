//! Every request the client sends, for every operation, is checked against
//! `housecallpro/housecall.v1.yaml` (method, path, query parameters, body
//! schema and undeclared body keys) by the sandbox's request checker — not
//! against the sandbox's own idea of the API.

mod common;

use std::collections::BTreeSet;

use common::{client, hcp_spec, sandbox};
use hcp::{
    AddressInput, AddressQuery, AddressSort, CustomerInput, CustomerQuery, CustomerSort,
    CustomerUpdate, NewCustomerAddress, SortDirection,
};

/// The generic checker expects GHL's `Bearer` scheme; HCP's security schemes
/// are `apiKey` headers with `Token <key>`, which is checked here instead.
const BEARER_PROBLEM: &str = ": no bearer token";

#[tokio::test]
async fn every_client_request_matches_the_spec() {
    let sb = sandbox(40).await;
    let c = client(&sb);
    sb.record_requests(true);

    c.verify_key().await.expect("verify");
    let page = c
        .list_customers(&CustomerQuery {
            q: Some("a@b".into()),
            page: Some(1),
            page_size: Some(5),
            sort_by: Some(CustomerSort::UpdatedAt),
            sort_direction: Some(SortDirection::Desc),
        })
        .await
        .expect("list");
    let _ = page;
    let existing = sb.customers()[0].id.clone();
    c.get_customer(&existing).await.expect("get");
    c.all_customers(CustomerQuery {
        page_size: Some(15),
        sort_by: Some(CustomerSort::CreatedAt),
        sort_direction: Some(SortDirection::Asc),
        ..CustomerQuery::default()
    })
    .await
    .expect("walk");
    let created = c
        .create_customer(&CustomerInput {
            first_name: Some("Spec".into()),
            last_name: Some("Check".into()),
            email: Some("spec.check@example.com".into()),
            company: Some("Spec Co".into()),
            notifications_enabled: Some(true),
            mobile_number: Some("(303) 555-0101".into()),
            home_number: Some("303-555-0102".into()),
            work_number: Some("303.555.0103".into()),
            tags: vec!["vip".into()],
            lead_source: Some("Referral".into()),
            notes: Some("Gate code 1".into()),
            addresses: vec![NewCustomerAddress {
                street: Some("1 Main St".into()),
                street_line_2: Some("Unit 2".into()),
                city: Some("Denver".into()),
                state: Some("CO".into()),
                zip: Some("80202".into()),
                country: Some("US".into()),
            }],
        })
        .await
        .expect("create");
    c.update_customer(
        &created.id,
        &CustomerUpdate {
            first_name: Some(Some("Spec2".into())),
            email: Some(None),
            company: Some(None),
            notifications_enabled: Some(false),
            mobile_number: Some(Some("720-555-0100".into())),
            home_number: Some(None),
            work_number: Some(None),
            tags: Some(vec![]),
            lead_source: Some(Some("Google".into())),
            notes: Some(String::new()),
            last_name: Some(Some("Check".into())),
        },
    )
    .await
    .expect("update");
    let address = c
        .create_address(
            &created.id,
            &AddressInput {
                street: "2 Oak Ave".into(),
                street_line_2: None,
                city: "Golden".into(),
                state: "CO".into(),
                zip: "80401".into(),
                country: "US".into(),
                latitude: Some(39.7),
                longitude: Some(-105.2),
            },
        )
        .await
        .expect("create address");
    c.list_addresses(
        &created.id,
        &AddressQuery {
            page: Some(1),
            page_size: Some(10),
            sort_by: Some(AddressSort::UpdatedAt),
            sort_direction: Some(SortDirection::Asc),
        },
    )
    .await
    .expect("list addresses");
    c.get_address(&created.id, &address.id)
        .await
        .expect("get address");
    c.customers_updated_since(time::OffsetDateTime::now_utc() - time::Duration::hours(1))
        .await
        .expect("since");

    sb.record_requests(false);
    let recorded = sb.take_recorded_requests();
    let spec = hcp_spec();
    let checker = spec.request_checker();
    let mut problems = Vec::new();
    let mut operations = BTreeSet::new();
    for request in &recorded {
        operations.insert(format!(
            "{} {}",
            request.method,
            request.route.clone().unwrap_or_default()
        ));
        if request.header("authorization") != Some("Token ***") {
            problems.push(format!(
                "{} {}: not authorised with `Token <key>`",
                request.method, request.path
            ));
        }
        if let Err(found) = checker.check(request) {
            problems.extend(found.into_iter().filter(|p| !p.ends_with(BEARER_PROBLEM)));
        }
        assert!(
            request.status.is_some_and(|s| s < 300),
            "{} {} failed: {:?}",
            request.method,
            request.path,
            request.status
        );
    }
    assert!(
        problems.is_empty(),
        "requests that break the spec:\n{}",
        problems.join("\n")
    );
    assert_eq!(
        operations.len(),
        7,
        "every customer operation exercised: {operations:?}"
    );
}

#[test]
fn the_checker_catches_what_the_spec_forbids() {
    // Guards the test above against passing vacuously.
    let spec = hcp_spec();
    let checker = spec.request_checker();
    let request =
        |method: &str, path: &str, query: Vec<(&str, &str)>, body| sandbox::RecordedRequest {
            method: method.into(),
            path: path.into(),
            route: None,
            query: query
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            headers: [
                ("authorization".to_owned(), "Token ***".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
            ]
            .into_iter()
            .collect(),
            body,
            body_text: None,
            status: Some(200),
        };
    let bad = [
        request("GET", "/customers", vec![("pageSize", "5")], None),
        request("GET", "/customers", vec![("page", "two")], None),
        request(
            "POST",
            "/customers",
            vec![],
            Some(serde_json::json!({"firstName": "camelCase"})),
        ),
        request(
            "PUT",
            "/customers/cus_1",
            vec![],
            Some(serde_json::json!({"tags": "not a list"})),
        ),
        request(
            "POST",
            "/customers/cus_1/addresses",
            vec![],
            Some(serde_json::json!({"street": "1 Main"})),
        ),
        request("DELETE", "/customers/cus_1", vec![], None),
    ];
    for r in &bad {
        let problems = checker.check(r).err().unwrap_or_default();
        let real: Vec<_> = problems
            .iter()
            .filter(|p| !p.ends_with(BEARER_PROBLEM))
            .collect();
        assert!(
            !real.is_empty(),
            "{} {} {:?} passed",
            r.method,
            r.path,
            r.query
        );
    }
}
