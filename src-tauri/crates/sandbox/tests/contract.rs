//! Contract test: every operation over real HTTP, every response body validated
//! against the schema `ghl/apps/contacts.json` declares for that operation and
//! status (the search response against `SearchContactSuccessResponseDto` of the
//! history file, which is its only official description).

mod common;

use std::collections::BTreeSet;

use common::{bare, call, call_as, encode, get, request, search, send, start};
use reqwest::Method;
use sandbox::spec::{
    self, SchemaValidator, Spec, SpecError, SEARCH_CONTACT_DRIFT, WRITE_BODY_DRIFT,
};
use sandbox::{
    Operation, OperationSource, RecordedRequest, LIST_CONTACT_LIVE_KEYS, OPERATIONS, SCOPE_READ,
};
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

/// One answer against what the spec documents for its operation: the status is
/// documented and the body validates against the declared schema, if any.
#[track_caller]
fn check_answer(spec: &Spec, method: &str, path: &str, status: u16, body: &Value, extras: &[&str]) {
    let documented = spec
        .documented_statuses(method, path)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        documented.contains(&status),
        "{method} {path}: {status} is not documented ({documented:?}): {body}"
    );
    match spec.response_validator(method, path, status) {
        Ok(v) => assert_valid(&v, body, extras),
        Err(SpecError::NoSchema { .. }) => {}
        Err(e) => panic!("{e}"),
    }
}

const ERROR_EXTRAS: &[&str] = &["error", "traceId"];

/// Every operation besides the plain GETs: 2xx and error answers against the
/// declared schemas, and every request this test sent against the request
/// schemas (through the recorder and `RequestChecker`).
#[tokio::test]
async fn write_and_listing_operations_match_the_spec() {
    let mut spec = load(spec::ghl_contacts());
    spec.apply_drift(WRITE_BODY_DRIFT)
        .unwrap_or_else(|e| panic!("{e}"));
    spec.check_sound().unwrap_or_else(|e| panic!("{e}"));
    let by_id = component(&spec, "GetContectByIdSchema");
    let meta = component(&spec, "ContactsMetaSchema");
    let bad_request = component(&spec, "BadRequestDTO");
    let mut list_extras = LIST_CONTACT_LIVE_KEYS.to_vec();
    list_extras.push("meta");

    let sb = start(120).await;
    let loc = sb.location_id().to_owned();
    let (user, field, numeric_field, business, existing_email) = {
        let d = sb.dataset();
        let d = d.read().await;
        let with_business = d.contacts.iter().find(|c| c.business_id.is_some());
        let email = d.contacts.iter().find_map(|c| c.email.clone());
        (
            d.location.users[0].id.clone(),
            d.location.custom_fields[0].id.clone(),
            d.location.custom_fields[1].id.clone(),
            with_business
                .and_then(|c| c.business_id.clone())
                .unwrap_or_default(),
            email.unwrap_or_default(),
        )
    };
    sb.record_requests(true);

    // --- listings and lookups ---------------------------------------------------
    let (status, page) = get(&sb, &format!("/contacts/?locationId={loc}&limit=30")).await;
    assert_eq!(status, 200, "{page}");
    check_answer(&spec, "get", "/contacts/", 200, &page, &list_extras);
    assert_eq!(page["contacts"].as_array().map(Vec::len), Some(30));
    assert_valid(&meta, &page["meta"], &[]);
    let next = page["meta"]["nextPageUrl"].as_str().unwrap_or_default();
    let next = next.strip_prefix(&sb.base_url()).unwrap_or(next).to_owned();
    let (status, page) = get(&sb, &next).await;
    assert_eq!(status, 200, "{next}: {page}");
    check_answer(&spec, "get", "/contacts/", 200, &page, &list_extras);
    assert_valid(&meta, &page["meta"], &[]);
    // The last page: `nextPage` / `nextPageUrl` are null, which the (unwired)
    // meta schema does not allow; nothing else about it is off.
    let (_, last) = get(
        &sb,
        &format!(
            "/contacts/?locationId={loc}&limit=100&startAfterId={}",
            page["meta"]["startAfterId"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert!(last["meta"]["nextPage"].is_null());
    if let Err(errors) = meta.validate(&last["meta"]) {
        assert!(
            errors.iter().all(|e| e.starts_with("/nextPage")),
            "{errors:?}"
        );
    }

    let (status, page) = get(
        &sb,
        &format!("/contacts/business/{business}?locationId={loc}&limit=10&skip=0"),
    )
    .await;
    assert_eq!((status, page["count"].as_u64()), (200, Some(1)), "{page}");
    check_answer(
        &spec,
        "get",
        "/contacts/business/{businessId}",
        200,
        &page,
        &list_extras,
    );

    // The duplicate lookup declares no 200 schema: its `contact` is the get shape.
    let (status, found) = get(
        &sb,
        &format!(
            "/contacts/search/duplicate?locationId={loc}&email={}",
            encode(&existing_email)
        ),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    check_answer(&spec, "get", "/contacts/search/duplicate", 200, &found, &[]);
    assert_valid(&by_id, &found["contact"], &[]);
    let (status, none) = get(
        &sb,
        &format!("/contacts/search/duplicate?locationId={loc}&number=%2B19995550000"),
    )
    .await;
    assert_eq!((status, none), (200, json!({ "contact": null })));

    // --- contacts -----------------------------------------------------------------
    let create = json!({
        "locationId": loc, "firstName": "Rosa", "lastName": "Parks", "email": "rosa@example.org",
        "phone": "+13135550299", "address1": "1 Main St", "city": "Detroit", "state": "MI",
        "postalCode": "48201", "website": "https://rosa.example.org", "timezone": "America/Detroit",
        "dnd": false, "dndSettings": { "SMS": { "status": "inactive", "message": "ok" } },
        "inboundDndSettings": { "all": { "status": "inactive" } }, "tags": ["Civic"],
        "customFields": [{ "id": field, "field_value": "yes" }, { "id": numeric_field, "field_value": 12 }],
        "source": "contract test", "dateOfBirth": "1913-02-04", "country": "US",
        "companyName": "Montgomery Improvement", "assignedTo": user, "gender": "female",
    });
    let (status, created) = call(&sb, Method::POST, "/contacts/", Some(create.clone())).await;
    assert_eq!(status, 201, "{created}");
    check_answer(&spec, "post", "/contacts/", 201, &created, &[]);
    let id = created["contact"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, body) = call(&sb, Method::POST, "/contacts/", Some(create)).await;
    assert_eq!(status, 400, "{body}");
    check_answer(
        &spec,
        "post",
        "/contacts/",
        400,
        &body,
        &["error", "traceId", "meta"],
    );

    let update = json!({
        "firstName": "Rosa Louise", "lastName": "Parks", "name": "Rosa Louise Parks",
        "email": "rosa.parks@example.org", "phone": "+13135550298", "address1": "2 Main St",
        "city": "Detroit", "state": "MI", "postalCode": "48202", "website": null,
        "timezone": "America/Detroit", "dnd": true, "tags": ["civic", "history"],
        "customFields": [{ "id": field, "field_value": "no" }], "source": "contract test",
        "dateOfBirth": "02/04/1913", "country": "US", "assignedTo": user, "companyName": "MIA",
    });
    let (status, updated) = call(&sb, Method::PUT, &format!("/contacts/{id}"), Some(update)).await;
    assert_eq!(status, 200, "{updated}");
    check_answer(&spec, "put", "/contacts/{contactId}", 200, &updated, &[]);
    assert!(updated["contact"]["dndSettings"].is_object());

    for body in [
        json!({ "locationId": loc, "email": "rosa.parks@example.org", "tags": ["upserted"] }),
        json!({ "locationId": loc, "email": "claudette@example.org", "firstName": "Claudette", "createNewIfDuplicateAllowed": false }),
    ] {
        let (status, answer) = call(&sb, Method::POST, "/contacts/upsert", Some(body)).await;
        assert_eq!(status, 200, "{answer}");
        check_answer(&spec, "post", "/contacts/upsert", 200, &answer, &[]);
    }

    // --- tasks, tags, notes ----------------------------------------------------------
    let (status, task) = call(
        &sb,
        Method::POST,
        &format!("/contacts/{id}/tasks"),
        Some(json!({ "title": "Follow up", "body": "Bus schedule", "dueDate": "2026-12-01T09:00:00Z", "completed": false, "assignedTo": user })),
    )
    .await;
    assert_eq!(status, 201, "{task}");
    check_answer(
        &spec,
        "post",
        "/contacts/{contactId}/tasks",
        201,
        &task,
        &[],
    );
    let task_path = format!(
        "/contacts/{id}/tasks/{}",
        task["task"]["id"].as_str().unwrap_or_default()
    );
    for (method, path, template, body) in [
        (
            Method::GET,
            task_path.clone(),
            "/contacts/{contactId}/tasks/{taskId}",
            None,
        ),
        (
            Method::PUT,
            task_path.clone(),
            "/contacts/{contactId}/tasks/{taskId}",
            Some(json!({ "title": "Follow up again", "dueDate": "2026-12-02T09:00:00.000Z" })),
        ),
        (
            Method::PUT,
            format!("{task_path}/completed"),
            "/contacts/{contactId}/tasks/{taskId}/completed",
            Some(json!({ "completed": true })),
        ),
        (
            Method::DELETE,
            task_path.clone(),
            "/contacts/{contactId}/tasks/{taskId}",
            None,
        ),
    ] {
        let m = method.as_str().to_ascii_lowercase();
        let (status, answer) = call(&sb, method, &path, body).await;
        assert_eq!(status, 200, "{m} {path}: {answer}");
        check_answer(&spec, &m, template, 200, &answer, &[]);
    }

    let (status, tags) = call(
        &sb,
        Method::POST,
        &format!("/contacts/{id}/tags"),
        Some(json!({ "tags": ["Boycott", "civic"] })),
    )
    .await;
    assert_eq!(status, 201, "{tags}");
    check_answer(&spec, "post", "/contacts/{contactId}/tags", 201, &tags, &[]);
    let (status, tags) = call(
        &sb,
        Method::DELETE,
        &format!("/contacts/{id}/tags"),
        Some(json!({ "tags": ["boycott"] })),
    )
    .await;
    assert_eq!(status, 200, "{tags}");
    check_answer(
        &spec,
        "delete",
        "/contacts/{contactId}/tags",
        200,
        &tags,
        &[],
    );

    let (status, note) = call(
        &sb,
        Method::POST,
        &format!("/contacts/{id}/notes"),
        Some(json!({ "body": "Met at the library", "userId": user, "title": "Intro", "color": "#2196F3", "pinned": false })),
    )
    .await;
    assert_eq!(status, 201, "{note}");
    check_answer(
        &spec,
        "post",
        "/contacts/{contactId}/notes",
        201,
        &note,
        &[],
    );
    let note_path = format!(
        "/contacts/{id}/notes/{}",
        note["note"]["id"].as_str().unwrap_or_default()
    );
    for (method, body) in [
        (Method::GET, None),
        (
            Method::PUT,
            Some(json!({ "body": "Met at the library, twice", "pinned": true })),
        ),
        (Method::DELETE, None),
    ] {
        let m = method.as_str().to_ascii_lowercase();
        let (status, answer) = call(&sb, method, &note_path, body).await;
        assert_eq!(status, 200, "{m} {note_path}: {answer}");
        check_answer(
            &spec,
            &m,
            "/contacts/{contactId}/notes/{id}",
            200,
            &answer,
            &[],
        );
    }

    // --- 400s for unknown records (valid requests) ---------------------------------------
    let missing = "NoSuchRecord00000000";
    for (method, path, template, body) in [
        (
            Method::GET,
            format!("/contacts/{id}/tasks/{missing}"),
            "/contacts/{contactId}/tasks/{taskId}",
            None,
        ),
        (
            Method::PUT,
            format!("/contacts/{id}/tasks/{missing}"),
            "/contacts/{contactId}/tasks/{taskId}",
            Some(json!({ "title": "x" })),
        ),
        (
            Method::PUT,
            format!("/contacts/{id}/tasks/{missing}/completed"),
            "/contacts/{contactId}/tasks/{taskId}/completed",
            Some(json!({ "completed": true })),
        ),
        (
            Method::DELETE,
            format!("/contacts/{id}/tasks/{missing}"),
            "/contacts/{contactId}/tasks/{taskId}",
            None,
        ),
        (
            Method::POST,
            format!("/contacts/{missing}/tasks"),
            "/contacts/{contactId}/tasks",
            Some(json!({ "title": "x", "dueDate": "2026-12-01T09:00:00Z", "completed": false })),
        ),
        (
            Method::GET,
            format!("/contacts/{id}/notes/{missing}"),
            "/contacts/{contactId}/notes/{id}",
            None,
        ),
        (
            Method::PUT,
            format!("/contacts/{id}/notes/{missing}"),
            "/contacts/{contactId}/notes/{id}",
            Some(json!({ "body": "x" })),
        ),
        (
            Method::DELETE,
            format!("/contacts/{id}/notes/{missing}"),
            "/contacts/{contactId}/notes/{id}",
            None,
        ),
        (
            Method::POST,
            format!("/contacts/{missing}/notes"),
            "/contacts/{contactId}/notes",
            Some(json!({ "body": "x" })),
        ),
        (
            Method::POST,
            format!("/contacts/{missing}/tags"),
            "/contacts/{contactId}/tags",
            Some(json!({ "tags": ["x"] })),
        ),
        (
            Method::DELETE,
            format!("/contacts/{missing}/tags"),
            "/contacts/{contactId}/tags",
            Some(json!({ "tags": ["x"] })),
        ),
        (
            Method::PUT,
            format!("/contacts/{missing}"),
            "/contacts/{contactId}",
            Some(json!({ "firstName": "x" })),
        ),
        (
            Method::GET,
            format!("/contacts/search/duplicate?locationId={loc}"),
            "/contacts/search/duplicate",
            None,
        ),
    ] {
        let m = method.as_str().to_ascii_lowercase();
        let (status, answer) = call(&sb, method, &path, body).await;
        assert_eq!(status, 400, "{m} {path}: {answer}");
        check_answer(&spec, &m, template, 400, &answer, ERROR_EXTRAS);
    }

    let (status, gone) = call(&sb, Method::DELETE, &format!("/contacts/{id}"), None).await;
    assert_eq!(status, 200);
    check_answer(&spec, "delete", "/contacts/{contactId}", 200, &gone, &[]);
    let (status, gone) = call(&sb, Method::DELETE, &format!("/contacts/{id}"), None).await;
    assert_eq!(status, 400);
    check_answer(
        &spec,
        "delete",
        "/contacts/{contactId}",
        400,
        &gone,
        ERROR_EXTRAS,
    );

    // The plain reads, so the recorder has seen every operation.
    let other = sb.dataset().read().await.contacts[0].id.clone();
    for suffix in ["", "/tasks", "/notes", "/appointments"] {
        let (status, _) = get(&sb, &format!("/contacts/{other}{suffix}")).await;
        assert_eq!(status, 200);
    }
    let (status, _) = search(&sb, json!({ "locationId": loc, "pageLimit": 10 })).await;
    assert_eq!(status, 200);

    // --- every request sent so far is a valid request ---------------------------------------
    sb.record_requests(false);
    let recorded = sb.take_recorded_requests();
    let checker = spec.request_checker();
    for r in &recorded {
        if let Err(problems) = checker.check(r) {
            panic!("{}", problems.join("\n"));
        }
    }
    let mut uncovered: Vec<String> = contacts_operations()
        .filter(|op| {
            !recorded
                .iter()
                .any(|r| r.method == op.method && r.route.as_deref() == Some(op.path))
        })
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    uncovered.sort();
    assert!(
        uncovered.is_empty(),
        "operations never exercised: {uncovered:?}"
    );
    for op in contacts_operations() {
        assert_eq!(
            spec.match_path(op.method, op.path).as_deref(),
            Some(op.path),
            "{} {} is not an operation of the spec",
            op.method,
            op.path
        );
    }
    // Marked as outside the spec only when the spec indeed lacks them.
    for op in OPERATIONS
        .iter()
        .filter(|op| op.source != OperationSource::ContactsSpec)
    {
        assert_eq!(
            spec.match_path(op.method, op.path),
            None,
            "{} {} is in the spec",
            op.method,
            op.path
        );
    }

    // --- 422s: invalid requests ---------------------------------------------------------------
    let task_path = format!("/contacts/{other}/tasks/{missing}");
    for (method, path, template, body) in [
        (
            Method::POST,
            "/contacts/".to_owned(),
            "/contacts/",
            Some(json!({ "locationId": loc, "email": "nope" })),
        ),
        (
            Method::POST,
            "/contacts/".to_owned(),
            "/contacts/",
            Some(json!({ "locationId": loc, "foobar": 1 })),
        ),
        (
            Method::PUT,
            format!("/contacts/{other}"),
            "/contacts/{contactId}",
            Some(json!({ "phone": "555-0101" })),
        ),
        (
            Method::POST,
            "/contacts/upsert".to_owned(),
            "/contacts/upsert",
            Some(json!({ "email": "x@example.org" })),
        ),
        (
            Method::POST,
            format!("/contacts/{other}/tasks"),
            "/contacts/{contactId}/tasks",
            Some(json!({ "title": "x" })),
        ),
        (
            Method::PUT,
            task_path.clone(),
            "/contacts/{contactId}/tasks/{taskId}",
            Some(json!({ "completed": "yes" })),
        ),
        (
            Method::PUT,
            format!("{task_path}/completed"),
            "/contacts/{contactId}/tasks/{taskId}/completed",
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/contacts/{other}/tags"),
            "/contacts/{contactId}/tags",
            Some(json!({})),
        ),
        (
            Method::DELETE,
            format!("/contacts/{other}/tags"),
            "/contacts/{contactId}/tags",
            Some(json!({ "tags": [1] })),
        ),
        (
            Method::POST,
            format!("/contacts/{other}/notes"),
            "/contacts/{contactId}/notes",
            Some(json!({ "pinned": true })),
        ),
        (
            Method::PUT,
            format!("/contacts/{other}/notes/{missing}"),
            "/contacts/{contactId}/notes/{id}",
            Some(json!({ "pinned": "no" })),
        ),
        (
            Method::GET,
            format!("/contacts/?locationId={loc}&limit=500"),
            "/contacts/",
            None,
        ),
        (
            Method::GET,
            "/contacts/?limit=5".to_owned(),
            "/contacts/",
            None,
        ),
        (
            Method::GET,
            format!("/contacts/business/{business}?locationId={loc}&skip=x"),
            "/contacts/business/{businessId}",
            None,
        ),
    ] {
        let m = method.as_str().to_ascii_lowercase();
        let (status, answer) = call(&sb, method, &path, body).await;
        assert_eq!(status, 422, "{m} {path}: {answer}");
        check_answer(&spec, &m, template, 422, &answer, &[]);
        assert!(!answer["message"].as_array().is_none_or(Vec::is_empty));
    }

    // --- 401s: wrong token, and a read-only token on every write --------------------------------
    let read_only = sb.issue_token(&[SCOPE_READ]);
    for op in contacts_operations() {
        let path = op
            .path
            .replace("{contactId}", &other)
            .replace("{taskId}", missing)
            .replace("{id}", missing)
            .replace("{businessId}", &business);
        let m = op.method.to_ascii_lowercase();
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::GET);
        let (status, answer) = call_as(&sb, "not-the-token", method.clone(), &path, None).await;
        assert_eq!(status, 401, "{} {path}", op.method);
        check_answer(&spec, &m, op.path, 401, &answer, &[]);
        if op.scope != SCOPE_READ {
            let (status, answer) = call_as(&sb, &read_only, method, &path, Some(json!({}))).await;
            assert_eq!(
                (status, answer["message"].as_str()),
                (401, Some("The token is not authorized for this scope.")),
                "{} {path}",
                op.method
            );
            check_answer(&spec, &m, op.path, 401, &answer, &[]);
        }
    }

    // 403 for another location has no DTO; it carries the BadRequestDTO keys.
    let (status, answer) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({ "locationId": "someOtherLocation000" })),
    )
    .await;
    assert_eq!(status, 403);
    assert_valid(&bad_request, &answer, &[]);
    sb.shutdown().await;
}

/// The operations `apps/contacts.json` defines. The others (the sub-account
/// read) come from GHL's public docs, with no stored spec to check them
/// against; `tests/locations.rs` covers their behaviour.
fn contacts_operations() -> impl Iterator<Item = &'static Operation> {
    OPERATIONS
        .iter()
        .filter(|op| op.source == OperationSource::ContactsSpec)
}

fn recorded(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> RecordedRequest {
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("version".to_owned(), "2021-07-28".to_owned());
    headers.insert("authorization".to_owned(), "Bearer ***".to_owned());
    if body.is_some() {
        headers.insert("content-type".to_owned(), "application/json".to_owned());
    }
    RecordedRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        route: None,
        query: query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        headers,
        body,
        body_text: None,
        status: None,
    }
}

/// The request checker rejects what the live API would (the test can fail).
#[test]
fn request_checker_catches_broken_requests() {
    let mut spec = load(spec::ghl_contacts());
    spec.apply_drift(WRITE_BODY_DRIFT)
        .unwrap_or_else(|e| panic!("{e}"));
    let checker = spec.request_checker();
    let ok = |r: RecordedRequest| {
        if let Err(p) = checker.check(&r) {
            panic!("{p:?}");
        }
    };
    ok(recorded("GET", "/contacts/abc", &[], None));
    ok(recorded(
        "GET",
        "/contacts/",
        &[
            ("locationId", "L"),
            ("limit", "20"),
            ("startAfter", "1700000000000"),
        ],
        None,
    ));
    ok(recorded("GET", "/contacts", &[("locationId", "L")], None));
    ok(recorded(
        "POST",
        "/contacts/",
        &[],
        Some(json!({ "locationId": "L", "dateOfBirth": "1990-09-25",
        "customFields": [{ "id": "f", "field_value": 3 }, { "id": "g", "field_value": ["a"] }] })),
    ));
    ok(recorded(
        "PUT",
        "/contacts/abc",
        &[],
        Some(json!({ "companyName": "live-only key" })),
    ));
    ok(recorded(
        "DELETE",
        "/contacts/abc/tags",
        &[],
        Some(json!({ "tags": ["a"] })),
    ));
    ok(recorded(
        "GET",
        "/contacts/search/duplicate",
        &[("locationId", "L"), ("number", "+13035550142")],
        None,
    ));
    ok(recorded(
        "POST",
        "/contacts/search",
        &[],
        Some(json!({ "locationId": "L", "pageLimit": 10 })),
    ));

    let broken: Vec<(RecordedRequest, &str)> = vec![
        (
            {
                let mut r = recorded("GET", "/contacts/abc", &[], None);
                r.headers.remove("version");
                r
            },
            "missing header Version",
        ),
        (
            {
                let mut r = recorded("GET", "/contacts/abc", &[], None);
                r.headers.insert("version".into(), "2021-04-15".into());
                r
            },
            "not allowed",
        ),
        (
            {
                let mut r = recorded("GET", "/contacts/abc", &[], None);
                r.headers.remove("authorization");
                r
            },
            "no bearer token",
        ),
        (
            recorded("GET", "/contacts/", &[("limit", "20")], None),
            "missing query parameter locationId",
        ),
        (
            recorded(
                "GET",
                "/contacts/",
                &[("locationId", "L"), ("limit", "many")],
                None,
            ),
            "is not a number",
        ),
        (
            recorded(
                "GET",
                "/contacts/",
                &[("locationId", "L"), ("pageLimit", "20")],
                None,
            ),
            "unknown query parameter pageLimit",
        ),
        (
            recorded("POST", "/contacts/", &[], Some(json!({ "firstName": "x" }))),
            "locationId",
        ),
        (
            recorded(
                "POST",
                "/contacts/",
                &[],
                Some(json!({ "locationId": "L", "tags": "vip" })),
            ),
            "/tags",
        ),
        (
            recorded(
                "POST",
                "/contacts/",
                &[],
                Some(json!({ "locationId": "L", "address": "1 Main" })),
            ),
            "body key /address is not in the DTO",
        ),
        (
            recorded("PUT", "/contacts/abc", &[], Some(json!({ "gender": "f" }))),
            "body key /gender",
        ),
        (
            recorded("POST", "/contacts/abc/tags", &[], None),
            "missing the required JSON body",
        ),
        (
            recorded(
                "POST",
                "/contacts/abc/tasks",
                &[],
                Some(json!({ "title": "x" })),
            ),
            "dueDate",
        ),
        (
            recorded("GET", "/contacts/abc/tasks", &[], Some(json!({}))),
            "takes no body",
        ),
        (
            recorded("PATCH", "/contacts/abc", &[], None),
            "no such operation",
        ),
        (
            recorded("GET", "/contacts/abc/nothing", &[], None),
            "no such operation",
        ),
        (
            {
                let mut r = recorded(
                    "POST",
                    "/contacts/abc/notes",
                    &[],
                    Some(json!({ "body": "x" })),
                );
                r.headers.remove("content-type");
                r
            },
            "application/json",
        ),
        (
            {
                let mut r = recorded("POST", "/contacts/abc/notes", &[], None);
                r.body_text = Some("body=x".into());
                r
            },
            "not JSON",
        ),
    ];
    for (r, expected) in broken {
        match checker.check(&r) {
            Ok(()) => panic!("{} {} {:?} passed", r.method, r.path, r.body),
            Err(problems) => assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{expected:?} not in {problems:?}"
            ),
        }
    }
    // Literal segments win over parameters.
    assert_eq!(
        spec.match_path("GET", "/contacts/search/duplicate")
            .as_deref(),
        Some("/contacts/search/duplicate")
    );
    assert_eq!(
        spec.match_path("POST", "/contacts/search").as_deref(),
        Some("/contacts/search")
    );
    assert_eq!(
        spec.match_path("GET", "/contacts/search").as_deref(),
        Some("/contacts/{contactId}")
    );
}
