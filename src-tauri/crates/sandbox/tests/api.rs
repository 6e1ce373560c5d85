//! HTTP behaviour: auth, Version, errors, paging, shared dataset, lifecycle.

mod common;

use std::collections::HashSet;

use common::{bare, get, request, search, send, start};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn binds_loopback_only_with_a_random_token() {
    let a = start(10).await;
    let b = start(10).await;
    assert!(
        a.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        a.base_url()
    );
    assert_eq!(a.access_token().len(), 32);
    assert!(a.access_token().chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a.access_token(), b.access_token());
    // Same seed, same data; but b's token does not open a.
    assert_eq!(a.location_id(), b.location_id());
    assert_eq!(a.location_name(), "Summit Home Services");
    let id = a.dataset().read().await.contacts[0].id.clone();
    let (status, _) = send(
        bare(&a, Method::GET, &format!("/contacts/{id}"))
            .bearer_auth(b.access_token())
            .header("Version", "2021-07-28"),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn auth_is_checked_before_version() {
    let sb = start(10).await;
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let path = format!("/contacts/{id}");
    let token = sb.access_token().to_owned();

    let cases: Vec<(Option<String>, Option<&str>, u16)> = vec![
        (None, Some("2021-07-28"), 401),
        (Some("Bearer wrong".into()), Some("2021-07-28"), 401),
        (Some(format!("Basic {token}")), Some("2021-07-28"), 401),
        (Some(token.clone()), Some("2021-07-28"), 401),
        (None, None, 401),
        (Some(format!("bearer {token}")), Some("2021-07-28"), 200),
        (Some(format!("Bearer {token}")), None, 400),
        (Some(format!("Bearer {token}")), Some("2021-04-15"), 400),
        (Some(format!("Bearer {token}")), Some("2021-07-28"), 200),
    ];
    for (auth, version, expected) in cases {
        let mut req = bare(&sb, Method::GET, &path);
        if let Some(a) = &auth {
            req = req.header("Authorization", a);
        }
        if let Some(v) = version {
            req = req.header("Version", v);
        }
        let (status, body) = send(req).await;
        assert_eq!(status, expected, "{auth:?} {version:?} → {body}");
        match status {
            401 => {
                assert_eq!(body["statusCode"], 401);
                assert_eq!(body["message"], "Invalid token: access token is invalid");
                assert_eq!(body["error"], "Unauthorized");
            }
            400 => {
                assert_eq!(body["statusCode"], 400);
                assert!(body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("Version")));
            }
            _ => assert_eq!(body["contact"]["id"], json!(id)),
        }
    }
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies_answer_json() {
    let sb = start(10).await;
    let (status, body) = send(bare(&sb, Method::GET, "/nope")).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Cannot GET /nope"))
    );
    // A known path with the wrong method is also NestJS's 404, not axum's 405.
    let (status, body) = send(request(&sb, Method::PUT, "/contacts/search")).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Cannot PUT /contacts/search"))
    );

    let raw = |body: &'static str| {
        request(&sb, Method::POST, "/contacts/search")
            .header("Content-Type", "application/json")
            .body(body)
    };
    let (status, body) = send(raw("{not json")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["statusCode"], 400);
    assert!(body["message"].is_string());
    let (status, _) = send(raw("[1, 2]")).await;
    assert_eq!(status, 400);
    let (status, body) = send(raw("")).await;
    assert_eq!(status, 422);
    let messages: Vec<&str> = body["message"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        messages.iter().any(|m| m.starts_with("locationId")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("pageLimit")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn search_validation_and_location() {
    let sb = start(50).await;
    let loc = sb.location_id().to_owned();
    let cases = [
        (json!({ "locationId": loc, "pageLimit": 0 }), 422),
        (json!({ "locationId": loc, "pageLimit": 101 }), 422),
        (json!({ "locationId": loc, "pageLimit": "10" }), 422),
        (
            json!({ "locationId": loc, "pageLimit": 10, "page": 0 }),
            422,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 100, "page": 100 }),
            200,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 100, "page": 101 }),
            422,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10, "searchAfter": "x" }),
            422,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10, "searchAfter": [1, "a"], "page": 2 }),
            422,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10, "sort": [{ "field": "email" }] }),
            400,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10,
                 "sort": [{ "field": "dateAdded", "direction": "up" }] }),
            422,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10,
                 "filters": [{ "field": "tags", "operator": "sounds_like", "value": "x" }] }),
            400,
        ),
        (
            json!({ "locationId": "AAAAAAAAAAAAAAAAAAAA", "pageLimit": 10 }),
            403,
        ),
        (
            json!({ "locationId": loc, "pageLimit": 10, "query": 5 }),
            422,
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = search(&sb, body.clone()).await;
        assert_eq!(status, expected, "{body} → {answer}");
    }
    let (_, answer) = search(
        &sb,
        json!({ "locationId": loc, "pageLimit": 100, "page": 101 }),
    )
    .await;
    assert!(answer["message"][0]
        .as_str()
        .is_some_and(|m| m.contains("searchAfter") && m.contains("10000")));
    let (_, answer) = search(
        &sb,
        json!({ "locationId": "AAAAAAAAAAAAAAAAAAAA", "pageLimit": 10 }),
    )
    .await;
    assert_eq!(
        answer["message"],
        "The token does not have access to this location."
    );
    // Past the end: empty page, total still reported.
    let (_, answer) = search(
        &sb,
        json!({ "locationId": loc, "pageLimit": 100, "page": 2 }),
    )
    .await;
    assert_eq!(answer["contacts"], json!([]));
    assert_eq!(answer["total"], 50);
}

#[tokio::test]
async fn search_after_pages_through_everything_over_http() {
    let sb = start(250).await;
    let loc = sb.location_id().to_owned();
    for sort in [
        json!([]),
        json!([{ "field": "lastNameLowerCase", "direction": "asc" }]),
        json!([{ "field": "firstNameLowerCase", "direction": "desc" }]),
        json!([{ "field": "dateUpdated", "direction": "asc" }]),
    ] {
        let mut seen = Vec::new();
        let mut cursor = Value::Null;
        loop {
            let mut body = json!({ "locationId": loc, "pageLimit": 100, "sort": sort });
            if !cursor.is_null() {
                body["searchAfter"] = cursor.clone();
            }
            let (status, page) = search(&sb, body).await;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["total"], 250);
            let contacts = page["contacts"].as_array().cloned().unwrap_or_default();
            let Some(last) = contacts.last() else { break };
            cursor = last["searchAfter"].clone();
            assert_eq!(cursor[1], last["id"]);
            seen.extend(
                contacts
                    .iter()
                    .map(|c| c["id"].as_str().unwrap_or("").to_owned()),
            );
            assert!(seen.len() <= 250);
        }
        assert_eq!(seen.len(), 250, "{sort}");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 250, "{sort}");
    }
}

#[tokio::test]
async fn search_query_matches_phone_digits() {
    let sb = start(200).await;
    let loc = sb.location_id().to_owned();
    let (phone, id) = {
        let d = sb.dataset();
        let d = d.read().await;
        let c = d.contacts.iter().find(|c| c.phone.is_some()).cloned();
        let c = c.unwrap_or_else(|| panic!("no contact with a phone"));
        (c.phone.unwrap_or_default(), c.id)
    };
    let spaced = format!("{} {} {}", &phone[2..5], &phone[5..8], &phone[8..]);
    let (_, page) = search(
        &sb,
        json!({ "locationId": loc, "pageLimit": 100, "query": spaced }),
    )
    .await;
    let contacts = page["contacts"].as_array().cloned().unwrap_or_default();
    assert!(contacts.iter().any(|c| c["id"] == json!(id)), "{spaced}");
    assert!(contacts.iter().all(|c| c["phone"] == json!(phone)));

    let (_, page) = search(
        &sb,
        json!({ "locationId": loc, "pageLimit": 10, "query": "555 01" }),
    )
    .await;
    assert!(
        page["total"].as_u64().is_some_and(|t| t > 150),
        "{}",
        page["total"]
    );
}

#[tokio::test]
async fn responses_follow_the_shared_dataset() {
    let sb = start(20).await;
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let (_, before) = get(&sb, &format!("/contacts/{id}/notes")).await;
    let count = before["notes"].as_array().map_or(0, Vec::len);
    {
        let dataset = sb.dataset();
        let mut d = dataset.write().await;
        let mut note = d.notes_of(&id)[0].clone();
        note.id = "AddedByTheTest000000".into();
        d.notes_of_mut(&id).push(note);
    }
    let (_, after) = get(&sb, &format!("/contacts/{id}/notes")).await;
    assert_eq!(after["notes"].as_array().map_or(0, Vec::len), count + 1);
    assert_eq!(after["notes"][count]["id"], "AddedByTheTest000000");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let sb = start(10).await;
    let url = sb.base_url();
    sb.shutdown().await;
    let result = reqwest::Client::new()
        .get(format!("{url}/nope"))
        .send()
        .await;
    assert!(result.is_err(), "server still answers after shutdown");
}

#[tokio::test]
async fn stop_serving_then_resume_keeps_the_data_and_the_address() {
    let mut sb = start(10).await;
    let url = sb.base_url();
    let client = reqwest::Client::new();
    let (_, before) = get(&sb, "/contacts/?limit=100").await;
    // A pooled keep-alive connection must not outlive the stop either.
    sb.stop_serving().await;
    let result = client
        .get(format!("{url}/contacts/?locationId={}", sb.location_id()))
        .bearer_auth(sb.access_token())
        .send()
        .await;
    assert!(result.is_err(), "server still answers while stopped");
    sb.resume_serving().await.expect("serves again");
    assert_eq!(sb.base_url(), url);
    let (_, after) = get(&sb, "/contacts/?limit=100").await;
    assert_eq!(before["contacts"], after["contacts"]);
}
