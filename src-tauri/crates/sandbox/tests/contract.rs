//! Contract test: every operation over real HTTP, every response body validated
//! against the schema `ghl/apps/contacts.json` declares for that operation and
//! status (the search response against `SearchContactSuccessResponseDto` of the
//! history file, which is its only official description).

mod common;

use std::collections::BTreeSet;

use common::{bare, get, request, search, send, start};
use reqwest::Method;
use sandbox::spec::{self, SchemaValidator, Spec, SpecError, SEARCH_CONTACT_DRIFT};
use serde_json::{json, Value};

const GET_CONTACT: &str = "/contacts/{contactId}";
const GET_TASKS: &str = "/contacts/{contactId}/tasks";
const GET_NOTES: &str = "/contacts/{contactId}/notes";
const GET_EVENTS: &str = "/contacts/{contactId}/appointments";
const SEARCH: &str = "/contacts/search";

/// Keys the live search returns beyond the history schema (highlevel-api-docs#314).
const SEARCH_LIVE_EXTRAS: &[&str] = &["contactName", "website", "attributionSource"];

fn load(spec: Result<Spec, SpecError>) -> Spec {
    let spec = spec.unwrap_or_else(|e| panic!("cannot load spec: {e}"));
    spec.check_sound()
        .unwrap_or_else(|e| panic!("{}: {e}", spec.path().display()));
    spec
}

fn validator(spec: &Spec, method: &str, path: &str, status: u16) -> SchemaValidator {
    spec.response_validator(method, path, status)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn component(spec: &Spec, name: &str) -> SchemaValidator {
    spec.component_validator(name)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn assert_valid(v: &SchemaValidator, body: &Value, allowed_extras: &[&str]) {
    if let Err(errors) = v.validate(body) {
        panic!(
            "{} rejects the body:\n  {}\nbody: {body:#}",
            v.name,
            errors.join("\n  ")
        );
    }
    // Extra keys are legal but usually typos; only documented live extras pass.
    let unknown: Vec<String> = v
        .undeclared_keys(body)
        .into_iter()
        .filter(|p| {
            !allowed_extras
                .iter()
                .any(|extra| p.split('/').any(|segment| segment == *extra))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "{}: undeclared keys {unknown:?}",
        v.name
    );
}

#[track_caller]
fn assert_invalid(v: &SchemaValidator, body: &Value) {
    assert!(
        !v.is_valid(body),
        "{} accepted a wrong body: {body}",
        v.name
    );
}

#[tokio::test]
async fn every_operation_matches_the_spec() {
    let spec = load(spec::ghl_contacts());
    let strict_history = load(spec::ghl_contacts_history());
    let mut history = strict_history.clone();
    history
        .apply_drift(SEARCH_CONTACT_DRIFT)
        .unwrap_or_else(|e| panic!("{e}"));
    history.check_sound().unwrap_or_else(|e| panic!("{e}"));

    let sb = start(300).await;
    let dataset = sb.dataset();
    let ids: Vec<String> = dataset
        .read()
        .await
        .contacts
        .iter()
        .map(|c| c.id.clone())
        .collect();

    // --- 200s of the per-contact operations, for every contact --------------
    let ops = [
        (GET_CONTACT, "", "contact"),
        (GET_TASKS, "/tasks", "tasks"),
        (GET_NOTES, "/notes", "notes"),
        (GET_EVENTS, "/appointments", "events"),
    ];
    let mut seen_keys: BTreeSet<String> = BTreeSet::new();
    for (op, suffix, top) in ops {
        let ok = validator(&spec, "get", op, 200);
        let mut items = 0;
        for id in &ids {
            let (status, body) = get(&sb, &format!("/contacts/{id}{suffix}")).await;
            assert_eq!(status, 200, "{op} {id}: {body}");
            assert_valid(&ok, &body, &[]);
            let records: Vec<&Value> = match &body[top] {
                Value::Array(list) => list.iter().collect(),
                record => vec![record],
            };
            for r in &records {
                let obj = r.as_object().unwrap_or_else(|| panic!("{op}: {r}"));
                seen_keys.extend(obj.keys().map(|k| format!("{top}.{k}")));
                items += 1;
            }
        }
        assert!(
            items > ids.len() / 2,
            "{op}: only {items} records over {} contacts",
            ids.len()
        );
    }
    // Optional keys really occur somewhere, so their schemas were exercised.
    for key in [
        "contact.companyName",
        "contact.businessId",
        "contact.dateOfBirth",
        "contact.dndSettings",
        "contact.attributionSource",
        "contact.website",
        "contact.customFields",
        "tasks.assignedTo",
        "notes.title",
        "notes.color",
        "events.notes",
    ] {
        assert!(seen_keys.contains(key), "no response carried {key}");
    }

    // Mutating a real document must break it: the validators look at real fields.
    let first = &ids[0];
    let tasks_ok = validator(&spec, "get", GET_TASKS, 200);
    let (_, mut tasks) = get(&sb, &format!("/contacts/{first}/tasks")).await;
    tasks["tasks"][0]["completed"] = json!("true");
    assert_invalid(&tasks_ok, &tasks);
    let contact_ok = validator(&spec, "get", GET_CONTACT, 200);
    let (_, mut contact) = get(&sb, &format!("/contacts/{first}")).await;
    contact["contact"]["tags"] = json!("vip");
    assert_invalid(&contact_ok, &contact);

    // --- error statuses of the per-contact operations ------------------------
    for (op, suffix, _) in ops {
        let documented = spec
            .documented_statuses("get", op)
            .unwrap_or_else(|e| panic!("{e}"));
        let path = format!("/contacts/{first}{suffix}");

        let (status, body) = get(&sb, &format!("/contacts/NoSuchContact0000000{suffix}")).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some("Contact not found"))
        );
        assert_valid(
            &validator(&spec, "get", op, 400),
            &body,
            &["error", "traceId"],
        );

        let (status, body) = send(
            bare(&sb, Method::GET, &path)
                .bearer_auth("not-the-token")
                .header("Version", "2021-07-28"),
        )
        .await;
        assert_eq!(status, 401, "{body}");
        assert_valid(&validator(&spec, "get", op, 401), &body, &[]);

        let (status, body) =
            send(bare(&sb, Method::GET, &path).bearer_auth(sb.access_token())).await;
        assert_eq!(status, 400, "{body}");
        assert_valid(
            &validator(&spec, "get", op, 400),
            &body,
            &["error", "traceId"],
        );

        assert!(
            documented.contains(&400) && documented.contains(&401),
            "{op}: {documented:?}"
        );
    }

    // --- POST /contacts/search ----------------------------------------------
    // The spec declares no response schemas for search at all.
    assert!(matches!(
        spec.response_validator("post", SEARCH, 200),
        Err(SpecError::NoSchema { .. })
    ));
    let search_ok = component(&history, "SearchContactSuccessResponseDto");
    let search_strict = component(&strict_history, "SearchContactSuccessResponseDto");
    let location = sb.location_id().to_owned();
    let bodies = [
        json!({ "locationId": location, "pageLimit": 100 }),
        json!({ "locationId": location, "pageLimit": 100, "page": 3 }),
        json!({ "locationId": location, "pageLimit": 20, "query": "555 01" }),
        json!({ "locationId": location, "pageLimit": 50,
                "sort": [{ "field": "firstNameLowerCase", "direction": "asc" }] }),
        json!({ "locationId": location, "pageLimit": 50,
                "sort": [{ "field": "dateUpdated", "direction": "asc" }] }),
        json!({ "locationId": location, "pageLimit": 50,
                "filters": [{ "field": "tags", "operator": "contains", "value": "hvac" }] }),
    ];
    let mut search_items = 0;
    for body in &bodies {
        let (status, page) = search(&sb, body.clone()).await;
        assert_eq!(status, 200, "{body} → {page}");
        assert_valid(&search_ok, &page, SEARCH_LIVE_EXTRAS);
        let contacts = page["contacts"].as_array().cloned().unwrap_or_default();
        assert!(!contacts.is_empty(), "{body}");
        search_items += contacts.len();
        // Without the drift list only the two documented drifts fail, nothing else.
        if let Err(errors) = search_strict.validate(&page) {
            for e in errors {
                assert!(
                    e.contains("/dateOfBirth") || e.contains("/searchAfter/0"),
                    "undocumented drift: {e}"
                );
            }
        }
    }
    assert!(search_items > 200);
    // The drift is real: a date-sorted page has numeric searchAfter values.
    let (_, page) = search(&sb, bodies[0].clone()).await;
    assert!(
        !search_strict.is_valid(&page),
        "drift list is stale: strict schema passes"
    );
    assert!(page["contacts"][0]["searchAfter"][0].is_i64());

    // Cursor paging over HTTP: the next page starts right after the cursor.
    let last = page["contacts"][99]["searchAfter"].clone();
    let (status, next) = search(
        &sb,
        json!({ "locationId": location, "pageLimit": 100, "searchAfter": last }),
    )
    .await;
    assert_eq!(status, 200);
    assert_valid(&search_ok, &next, SEARCH_LIVE_EXTRAS);
    let (_, page2) = search(
        &sb,
        json!({ "locationId": location, "pageLimit": 100, "page": 2 }),
    )
    .await;
    assert_eq!(next["contacts"], page2["contacts"]);

    // Search errors: no schemas are declared, so they are checked against the
    // shared DTOs their status code means everywhere else in the spec.
    let documented = spec
        .documented_statuses("post", SEARCH)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(documented, vec![200, 400, 401]);
    let bad_request = component(&spec, "BadRequestDTO");
    let unauthorized = component(&spec, "UnauthorizedDTO");
    let unprocessable = component(&spec, "UnprocessableDTO");

    let (status, body) = send(
        request(&sb, Method::POST, SEARCH)
            .header("Content-Type", "application/json")
            .body("{\"locationId\": "),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_valid(&bad_request, &body, &["error", "traceId"]);

    let (status, body) = send(
        bare(&sb, Method::POST, SEARCH)
            .header("Version", "2021-07-28")
            .json(&bodies[0]),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert_valid(&unauthorized, &body, &[]);

    // 422 is undocumented for search but reported live (highlevel-api-docs#31).
    for wrong in [
        json!({}),
        json!({ "locationId": location }),
        json!({ "locationId": location, "pageLimit": 101 }),
        json!({ "locationId": location, "pageLimit": 100, "page": 101 }),
    ] {
        let (status, body) = search(&sb, wrong.clone()).await;
        assert_eq!(status, 422, "{wrong} → {body}");
        assert_valid(&unprocessable, &body, &[]);
        assert!(!body["message"].as_array().is_none_or(Vec::is_empty));
    }

    let (status, body) = search(
        &sb,
        json!({ "locationId": location, "pageLimit": 10,
                "filters": [{ "field": "contact_name", "operator": "eq", "value": "x" }] }),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Invalid field contact_name"))
    );
    assert_valid(&bad_request, &body, &["error", "traceId"]);

    // 403 (highlevel-api-docs#213) has no DTO; it carries the BadRequestDTO keys.
    let (status, body) = search(
        &sb,
        json!({ "locationId": "someOtherLocation000", "pageLimit": 10 }),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_valid(&bad_request, &body, &[]);

    // Unknown routes: NestJS-style 404 JSON, same keys.
    let (status, body) = get(&sb, "/contacts/abc/nothing-here").await;
    assert_eq!(status, 404, "{body}");
    assert_valid(&bad_request, &body, &["error"]);

    sb.shutdown().await;
}

/// The validators are strict enough to catch wrong shapes (the test can fail).
#[test]
fn validators_reject_wrong_bodies() {
    let spec = load(spec::ghl_contacts());
    let mut history = load(spec::ghl_contacts_history());
    history
        .apply_drift(SEARCH_CONTACT_DRIFT)
        .unwrap_or_else(|e| panic!("{e}"));

    let search_ok = component(&history, "SearchContactSuccessResponseDto");
    assert!(search_ok.is_valid(&json!({ "contacts": [], "total": 0 })));
    assert_invalid(&search_ok, &json!({ "contacts": "x", "total": 1 }));
    assert_invalid(&search_ok, &json!({ "contacts": [] }));
    assert_invalid(
        &search_ok,
        &json!({ "contacts": [{ "dnd": "no" }], "total": 1 }),
    );
    assert_invalid(
        &search_ok,
        &json!({ "contacts": [{ "searchAfter": [true, "id"] }], "total": 1 }),
    );
    assert_invalid(
        &search_ok,
        &json!({ "contacts": [{ "opportunities": [{ "id": "x" }] }], "total": 1 }),
    );

    let tasks = validator(&spec, "get", GET_TASKS, 200);
    assert!(tasks.is_valid(&json!({ "tasks": [{ "completed": true }] })));
    assert_invalid(&tasks, &json!({ "tasks": [{ "completed": "yes" }] }));
    assert_invalid(&tasks, &json!({ "tasks": { "completed": true } }));

    let notes = validator(&spec, "get", GET_NOTES, 200);
    assert_invalid(&notes, &json!({ "notes": [{ "pinned": "true" }] }));
    let events = validator(&spec, "get", GET_EVENTS, 200);
    assert_invalid(&events, &json!({ "events": [{ "users": "abc" }] }));

    let contact = validator(&spec, "get", GET_CONTACT, 200);
    assert_invalid(&contact, &json!({ "contact": { "tags": "vip" } }));
    assert_invalid(
        &contact,
        &json!({ "contact": { "dndSettings": { "SMS": { "status": "bogus" } } } }),
    );
    assert_invalid(
        &contact,
        &json!({ "contact": { "dndSettings": { "SMS": { "message": "no status" } } } }),
    );
    // `nullable: true` became "or null": null passes, other types do not;
    // `required: [url]` still applies.
    assert!(contact.is_valid(
        &json!({ "contact": { "attributionSource": { "url": "u", "campaign": null } } })
    ));
    assert_invalid(
        &contact,
        &json!({ "contact": { "attributionSource": { "url": "u", "campaign": 5 } } }),
    );
    assert_invalid(
        &contact,
        &json!({ "contact": { "attributionSource": { "campaign": null } } }),
    );
    assert_invalid(
        &contact,
        &json!({ "contact": { "customFields": [{ "id": 1 }] } }),
    );

    let unauthorized = validator(&spec, "get", GET_CONTACT, 401);
    assert_invalid(&unauthorized, &json!({ "statusCode": "401" }));
    let unprocessable = validator(&spec, "get", GET_CONTACT, 422);
    assert!(unprocessable.is_valid(&json!({ "statusCode": 422, "message": ["x"] })));
    assert_invalid(
        &unprocessable,
        &json!({ "statusCode": 422, "message": "x" }),
    );

    // Extra keys are allowed by the spec but reported as undeclared.
    let body = json!({ "contact": { "id": "x", "adress": "typo" } });
    assert!(contact.is_valid(&body));
    assert_eq!(
        contact.undeclared_keys(&body),
        vec!["/contact/adress".to_owned()]
    );
}
