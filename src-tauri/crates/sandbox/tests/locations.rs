//! `GET /locations/{locationId}`: the sub-account read, through the same
//! pipeline as the contacts operations (tokens, scopes, rate limits, faults).
//! No spec file of it is stored; the shape is GHL's public documentation's.

mod common;

use std::time::Duration;

use common::{bare, call_as, send};
use reqwest::Method;
use sandbox::{
    FaultKind, RateLimitConfig, Sandbox, SandboxConfig, API_VERSION, SCOPE_LOCATIONS_READ,
    SCOPE_READ, SCOPE_WRITE,
};
use serde_json::{json, Value};
use time::macros::datetime;

const ROUTE: &str = "/locations/{locationId}";

async fn start(locations: usize, rate_limit: RateLimitConfig) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: 60,
        seed: 42,
        port: 0,
        anchor: Some(datetime!(2026-06-15 17:30:00 UTC)),
        rate_limit,
        locations,
    })
    .await
    .unwrap_or_else(|e| panic!("sandbox did not start: {e}"))
}

async fn read(sb: &Sandbox, token: &str, location_id: &str) -> (u16, Value) {
    call_as(
        sb,
        token,
        Method::GET,
        &format!("/locations/{location_id}"),
        None,
    )
    .await
}

#[tokio::test]
async fn each_token_reads_its_own_sub_account() {
    let sb = start(3, RateLimitConfig::unlimited()).await;
    let mut company_ids = Vec::new();
    for info in sb.locations() {
        let token = sb.issue_token_for(&info.id, &[SCOPE_LOCATIONS_READ]);
        let (status, body) = read(&sb, &token, &info.id).await;
        assert_eq!(status, 200, "{body}");
        let l = &body["location"];
        let dataset = sb
            .dataset_of(&info.id)
            .unwrap_or_else(|| panic!("no dataset for {}", info.id));
        let model = dataset.read().await.location.clone();
        assert_eq!(l["id"], json!(info.id));
        assert_eq!(l["name"], json!(info.name));
        assert_eq!(l["companyId"], json!(model.company_id));
        assert_eq!(l["address"], json!(model.address1));
        assert_eq!(l["city"], json!(model.city));
        assert_eq!(l["state"], json!(model.state));
        assert_eq!(l["postalCode"], json!(model.postal_code));
        assert_eq!(l["country"], json!(model.country));
        assert_eq!(l["website"], json!(model.website));
        assert_eq!(l["timezone"], json!(model.timezone));
        assert_eq!(l["business"]["name"], json!(info.name));
        assert_eq!(l["settings"]["allowDuplicateContact"], json!(false));
        // Unknown to the sandbox, so absent rather than made up.
        for key in ["domain", "logoUrl", "email", "phone", "firstName", "social"] {
            assert!(l.get(key).is_none(), "{key} in {l}");
        }
        company_ids.push(model.company_id);
    }
    assert_eq!(sb.location_name(), "Summit Home Services");
    assert!(!company_ids[0].is_empty());
    assert!(
        company_ids.iter().all(|c| *c == company_ids[0]),
        "one agency owns every location: {company_ids:?}"
    );
    let names: Vec<String> = sb.locations().into_iter().map(|l| l.name).collect();
    assert_eq!(
        names.len(),
        names.iter().collect::<std::collections::HashSet<_>>().len()
    );

    // The default token carries every scope, this one included.
    let (status, body) = read(&sb, sb.access_token(), sb.location_id()).await;
    assert_eq!(
        (status, body["location"]["name"].as_str()),
        (200, Some("Summit Home Services"))
    );
    assert_eq!(sb.stats().by_route.get(&format!("GET {ROUTE}")), Some(&4));
    sb.shutdown().await;
}

#[tokio::test]
async fn errors_have_the_gateway_shapes() {
    let sb = start(2, RateLimitConfig::unlimited()).await;
    let own = sb.location_id().to_owned();
    let other = sb.locations()[1].id.clone();

    // 401: a token the sandbox never issued, and no token at all.
    let (status, body) = read(&sb, "not-a-token", &own).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({
            "statusCode": 401,
            "message": "Invalid token: access token is invalid",
            "error": "Unauthorized",
        })
    );
    let (status, _) =
        send(bare(&sb, Method::GET, &format!("/locations/{own}")).header("Version", API_VERSION))
            .await;
    assert_eq!(status, 401);

    // 401: a contacts-only token lacks locations.readonly.
    let contacts_only = sb.issue_token(&[SCOPE_READ, SCOPE_WRITE]);
    let (status, body) = read(&sb, &contacts_only, &own).await;
    assert_eq!(
        (status, body["message"].as_str(), body["error"].as_str()),
        (
            401,
            Some("The token is not authorized for this scope."),
            Some("Unauthorized")
        )
    );

    // 403: the token's location is not the one asked for.
    let token = sb.issue_token(&[SCOPE_LOCATIONS_READ]);
    let (status, body) = read(&sb, &token, &other).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({
            "statusCode": 403,
            "message": "The token does not have access to this location.",
        })
    );
    // … and the other way round.
    let token_b = sb.issue_token_for(&other, &[SCOPE_LOCATIONS_READ]);
    assert_eq!(read(&sb, &token_b, &own).await.0, 403);
    assert_eq!(read(&sb, &token_b, &other).await.0, 200);

    // 404: no location has this id.
    let (status, body) = read(&sb, &token, "NoSuchLocation000000").await;
    assert_eq!(
        body,
        json!({ "statusCode": 404, "message": "Location not found", "error": "Not Found" })
    );
    assert_eq!(status, 404);

    // 422: a blank id.
    for blank in ["%20", "%20%20%09"] {
        let (status, body) = read(&sb, &token, blank).await;
        assert_eq!(status, 422, "{blank}: {body}");
        assert_eq!(
            body,
            json!({
                "statusCode": 422,
                "message": ["locationId should not be empty"],
                "error": "Unprocessable Entity",
            })
        );
    }

    // 400: the Version header is checked as for the contacts operations.
    let (status, body) = send(
        bare(&sb, Method::GET, &format!("/locations/{own}"))
            .bearer_auth(&token)
            .header("Version", "2021-04-15"),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // Only GET is served.
    let (status, _) = call_as(
        &sb,
        sb.access_token(),
        Method::PUT,
        &format!("/locations/{own}"),
        Some(json!({ "name": "Renamed" })),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(sb.location_name(), "Summit Home Services");
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limits_share_the_locations_bucket() {
    let sb = start(
        2,
        RateLimitConfig {
            max_per_interval: 2,
            interval: Duration::from_secs(60),
            daily: 1_000,
        },
    )
    .await;
    let own = sb.location_id().to_owned();
    let other = sb.locations()[1].id.clone();
    let contact = sb.dataset().read().await.contacts[0].id.clone();
    let token = sb.access_token().to_owned();

    let (status, _) = call_as(
        &sb,
        &token,
        Method::GET,
        &format!("/contacts/{contact}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let response = bare(&sb, Method::GET, &format!("/locations/{own}"))
        .bearer_auth(&token)
        .header("Version", API_VERSION)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("0")
    );
    let response = bare(&sb, Method::GET, &format!("/locations/{own}"))
        .bearer_auth(&token)
        .header("Version", API_VERSION)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({ "statusCode": 429, "message": "Too many requests" })
    );
    assert_eq!(sb.stats().rate_limited, 1);

    // Another location has its own bucket.
    let token_b = sb.issue_token_for(&other, &[SCOPE_LOCATIONS_READ]);
    assert_eq!(read(&sb, &token_b, &other).await.0, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_are_injected_as_for_the_contacts_operations() {
    let sb = start(1, RateLimitConfig::unlimited()).await;
    let own = sb.location_id().to_owned();
    let token = sb.access_token().to_owned();

    sb.faults()
        .fail_matching("GET", ROUTE, 1, FaultKind::Status(503));
    let (status, body) = read(&sb, &token, &own).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(sb.faults().pending(), 0);

    sb.faults()
        .fail_matching("GET", ROUTE, 1, FaultKind::RateLimited);
    assert_eq!(read(&sb, &token, &own).await.0, 429);

    // Malformed: the handler ran, the answer is not JSON.
    sb.faults()
        .fail_matching("GET", ROUTE, 1, FaultKind::Malformed);
    let response = bare(&sb, Method::GET, &format!("/locations/{own}"))
        .bearer_auth(&token)
        .header("Version", API_VERSION)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap_or_default();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    // A rule for another route leaves this one alone.
    sb.faults()
        .fail_matching("GET", "/contacts/{contactId}", 1, FaultKind::Status(500));
    assert_eq!(read(&sb, &token, &own).await.0, 200);
    assert_eq!(sb.faults().pending(), 1);
    assert_eq!(sb.stats().faults_injected, 3);
    sb.shutdown().await;
}
