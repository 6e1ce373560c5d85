//! Write operations, paging walkers, retries and rate limiting, over real
//! HTTP against a raw-socket mock (`common`).

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{ok, status, Mock, Recorded, Reply};
use ghl::{
    AccessToken, BusinessQuery, Client, ClientConfig, ContactInput, ContactUpdate,
    CustomFieldInput, DuplicateQuery, Error, LegacyListRequest, NoteInput, NoteUpdate, RateLimit,
    RetryPolicy, SearchFilter, SearchRequest, TaskInput, TaskUpdate,
};
use serde_json::{json, Value};

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_rate_limit_wait: Duration::from_secs(5),
    }
}

fn client_with(mock: &Mock, config: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    let base = ClientConfig::new(mock.base.clone(), "loc-1").with_retry_policy(quick_retries());
    Client::new(config(base), AccessToken::new("tok-123")).expect("client")
}

fn client(mock: &Mock) -> Client {
    client_with(mock, |c| c)
}

fn contact(id: &str) -> Value {
    json!({ "id": id, "firstName": "Ada", "email": "ada@example.com", "phone": "+13035550142" })
}

fn task(id: &str) -> Value {
    json!({ "id": id, "title": "Call back", "dueDate": "2020-10-25T11:00:00Z", "completed": false, "contactId": "c1" })
}

fn note(id: &str) -> Value {
    json!({ "id": id, "body": "Gate code 1234", "contactId": "c1", "pinned": true })
}

/// Routes by method and path, like the API would answer a success.
fn api(_: usize, r: &Recorded) -> Reply {
    let created = |body: Value| Reply::Json(201, Vec::new(), body.to_string());
    match (r.method.as_str(), r.path()) {
        ("POST", "/contacts/") => created(json!({ "contact": contact("new1") })),
        ("PUT", "/contacts/c1") => ok(json!({ "succeded": true, "contact": contact("c1") })),
        ("DELETE", "/contacts/c1")
        | ("DELETE", "/contacts/c1/tasks/t1")
        | ("DELETE", "/contacts/c1/notes/n1") => ok(json!({ "succeded": true })),
        ("POST", "/contacts/upsert") => {
            ok(json!({ "new": false, "contact": contact("c1"), "traceId": "tr-9" }))
        }
        ("GET", "/contacts/search/duplicate") => ok(json!({ "contact": contact("dup1") })),
        ("GET", "/contacts/c1/tasks/t1")
        | ("PUT", "/contacts/c1/tasks/t1")
        | ("PUT", "/contacts/c1/tasks/t1/completed") => ok(json!({ "task": task("t1") })),
        ("POST", "/contacts/c1/tasks") => created(json!({ "task": task("t2") })),
        ("GET", "/contacts/c1/notes/n1") | ("PUT", "/contacts/c1/notes/n1") => {
            ok(json!({ "note": note("n1") }))
        }
        ("POST", "/contacts/c1/notes") => created(json!({ "note": note("n2") })),
        ("POST", "/contacts/c1/tags") => created(json!({ "tags": ["vip", "roof"] })),
        ("DELETE", "/contacts/c1/tags") => ok(json!({ "tags": ["roof"] })),
        ("GET", "/contacts/") | ("GET", "/contacts/business/b1") => {
            ok(json!({ "contacts": [contact("c1")], "count": 1 }))
        }
        ("POST", "/contacts/search") => ok(json!({ "contacts": [], "total": 0 })),
        _ => status(
            404,
            json!({ "message": format!("Cannot {} {}", r.method, r.path()) }),
        ),
    }
}

fn assert_common_headers(r: &Recorded) {
    assert_eq!(r.header("authorization"), Some("Bearer tok-123"), "{r:?}");
    assert_eq!(r.header("version"), Some("2021-07-28"));
    assert_eq!(r.header("accept"), Some("application/json"));
    if !r.body.is_empty() {
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

fn query_of(r: &Recorded) -> Vec<(String, String)> {
    r.query()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn contact_writes_on_the_wire() {
    let mock = Mock::start(api).await;
    let c = client(&mock);

    // Create: 201, locationId from the config, phone in E.164, sparse body.
    let input = ContactInput {
        first_name: Some("Ada".into()),
        email: Some("ada+roof@example.com".into()),
        phone: Some("(303) 555-0142".into()),
        address1: Some("1 Main St".into()),
        tags: Some(vec!["vip".into()]),
        custom_fields: Some(vec![CustomFieldInput::by_id("cf1", "blue")]),
        create_new_if_duplicate_allowed: Some(true),
        ..ContactInput::default()
    };
    let created = c.create_contact(&input).await.expect("create");
    assert_eq!(created.id, "new1");
    let r = mock.last();
    assert_common_headers(&r);
    assert_eq!((r.method.as_str(), r.path()), ("POST", "/contacts/"));
    assert_eq!(
        r.json(),
        json!({
            "locationId": "loc-1", "firstName": "Ada", "email": "ada+roof@example.com",
            "phone": "+13035550142", "address1": "1 Main St", "tags": ["vip"],
            "customFields": [{ "id": "cf1", "field_value": "blue" }]
        }),
        "create has no createNewIfDuplicateAllowed"
    );

    // Update: only the changed keys; `succeded` (sic) decoded.
    let update = ContactUpdate {
        city: Some("Denver".into()),
        phone: Some("+1 303 555 0199".into()),
        ..ContactUpdate::default()
    };
    let updated = c.update_contact("c1", &update).await.expect("update");
    assert_eq!(updated.id, "c1");
    let r = mock.last();
    assert_common_headers(&r);
    assert_eq!((r.method.as_str(), r.path()), ("PUT", "/contacts/c1"));
    assert_eq!(
        r.json(),
        json!({ "city": "Denver", "phone": "+13035550199" })
    );

    // Upsert: locationId and the upsert-only flag.
    let outcome = c.upsert_contact(&input).await.expect("upsert");
    assert!(!outcome.new);
    assert_eq!(outcome.trace_id.as_deref(), Some("tr-9"));
    let r = mock.last();
    assert_eq!((r.method.as_str(), r.path()), ("POST", "/contacts/upsert"));
    assert_eq!(r.json()["locationId"], "loc-1");
    assert_eq!(r.json()["createNewIfDuplicateAllowed"], true);

    // Delete: no body.
    c.delete_contact("c1").await.expect("delete");
    let r = mock.last();
    assert_common_headers(&r);
    assert_eq!(
        (r.method.as_str(), r.path(), r.body.as_str()),
        ("DELETE", "/contacts/c1", "")
    );

    // Duplicate lookup: `+` and `@` are URL-encoded.
    let dup = c
        .find_duplicate(DuplicateQuery::Phone("303.555.0142".into()))
        .await
        .expect("dup");
    assert_eq!(dup.map(|d| d.id).as_deref(), Some("dup1"));
    let r = mock.last();
    assert_eq!(r.path(), "/contacts/search/duplicate");
    assert_eq!(r.raw_query(), "locationId=loc-1&number=%2B13035550142");
    c.find_duplicate(DuplicateQuery::Email("test+abc@gmail.com".into()))
        .await
        .expect("dup");
    assert_eq!(
        mock.last().raw_query(),
        "locationId=loc-1&email=test%2Babc%40gmail.com"
    );
    assert_eq!(mock.requests().len(), 6, "nothing is sent twice");
}

#[tokio::test]
async fn task_note_and_tag_writes_on_the_wire() {
    let mock = Mock::start(api).await;
    let c = client(&mock);

    assert_eq!(c.get_task("c1", "t1").await.expect("get task").id, "t1");
    assert_eq!(
        (mock.last().method.as_str(), mock.last().path()),
        ("GET", "/contacts/c1/tasks/t1")
    );

    let input = TaskInput {
        body: Some("about the roof".into()),
        assigned_to: Some("u1".into()),
        ..TaskInput::new("Call back", time::macros::datetime!(2020-10-25 11:00 UTC))
    };
    assert_eq!(
        c.create_task("c1", &input).await.expect("create task").id,
        "t2"
    );
    let r = mock.last();
    assert_common_headers(&r);
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("POST", "/contacts/c1/tasks")
    );
    assert_eq!(
        r.json(),
        json!({ "title": "Call back", "body": "about the roof", "dueDate": "2020-10-25T11:00:00Z", "completed": false, "assignedTo": "u1" })
    );

    let update = TaskUpdate {
        title: Some("Call back (urgent)".into()),
        ..TaskUpdate::default()
    };
    c.update_task("c1", "t1", &update)
        .await
        .expect("update task");
    let r = mock.last();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("PUT", "/contacts/c1/tasks/t1")
    );
    assert_eq!(r.json(), json!({ "title": "Call back (urgent)" }));

    c.set_task_completed("c1", "t1", true)
        .await
        .expect("complete");
    let r = mock.last();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("PUT", "/contacts/c1/tasks/t1/completed")
    );
    assert_eq!(r.json(), json!({ "completed": true }));

    c.delete_task("c1", "t1").await.expect("delete task");
    assert_eq!(
        (mock.last().method.as_str(), mock.last().path()),
        ("DELETE", "/contacts/c1/tasks/t1")
    );

    // Notes: the path parameter is `{id}`.
    assert!(c.get_note("c1", "n1").await.expect("get note").pinned);
    assert_eq!(mock.last().path(), "/contacts/c1/notes/n1");
    let new_note = NoteInput {
        title: Some("Access".into()),
        pinned: Some(true),
        ..NoteInput::new("Gate code 1234")
    };
    assert_eq!(c.create_note("c1", &new_note).await.expect("note").id, "n2");
    let r = mock.last();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("POST", "/contacts/c1/notes")
    );
    assert_eq!(
        r.json(),
        json!({ "body": "Gate code 1234", "title": "Access", "pinned": true })
    );
    let note_update = NoteUpdate {
        color: Some("#FFAA00".into()),
        ..NoteUpdate::default()
    };
    c.update_note("c1", "n1", &note_update)
        .await
        .expect("update note");
    let r = mock.last();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("PUT", "/contacts/c1/notes/n1")
    );
    assert_eq!(r.json(), json!({ "color": "#FFAA00" }));
    c.delete_note("c1", "n1").await.expect("delete note");
    assert_eq!(
        (mock.last().method.as_str(), mock.last().path()),
        ("DELETE", "/contacts/c1/notes/n1")
    );

    // Tags: POST adds (201); DELETE carries a JSON body.
    let tags = c
        .add_tags("c1", &["vip".into(), " roof ".into(), " ".into()])
        .await
        .expect("add tags");
    assert_eq!(tags, ["vip", "roof"]);
    let r = mock.last();
    assert_eq!((r.method.as_str(), r.path()), ("POST", "/contacts/c1/tags"));
    assert_eq!(r.json(), json!({ "tags": ["vip", "roof"] }));
    let tags = c
        .remove_tags("c1", &["vip".into()])
        .await
        .expect("remove tags");
    assert_eq!(tags, ["roof"]);
    let r = mock.last();
    assert_common_headers(&r);
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("DELETE", "/contacts/c1/tags")
    );
    assert_eq!(r.json(), json!({ "tags": ["vip"] }));
    assert_eq!(mock.requests().len(), 11);
}

#[tokio::test]
async fn listing_and_search_on_the_wire() {
    let mock = Mock::start(api).await;
    let c = client(&mock);

    let request = LegacyListRequest {
        query: Some("smith".into()),
        limit: Some(50),
        start_after_id: Some("c9".into()),
        start_after: Some(1_631_087_949_919),
    };
    let page = c.list_contacts_legacy(&request).await.expect("legacy");
    assert_eq!((page.contacts.len(), page.count), (1, Some(1)));
    let r = mock.last();
    assert_eq!((r.method.as_str(), r.path()), ("GET", "/contacts/"));
    assert_eq!(
        query_of(&r),
        pairs(&[
            ("locationId", "loc-1"),
            ("query", "smith"),
            ("limit", "50"),
            ("startAfterId", "c9"),
            ("startAfter", "1631087949919")
        ])
    );

    let q = BusinessQuery {
        limit: Some(10),
        skip: Some(20),
        query: Some("acme".into()),
    };
    c.contacts_by_business("b1", &q).await.expect("business");
    let r = mock.last();
    assert_eq!(r.path(), "/contacts/business/b1");
    assert_eq!(
        query_of(&r),
        pairs(&[
            ("locationId", "loc-1"),
            ("limit", "10"),
            ("skip", "20"),
            ("query", "acme")
        ])
    );

    let search = SearchRequest::new()
        .with_page_limit(10)
        .with_filter(SearchFilter::eq("tags", "vip"))
        .with_filter(SearchFilter::any(vec![
            SearchFilter::new("firstNameLowerCase", "contains", "ada"),
            SearchFilter::new("email", "exists", Value::Null),
        ]));
    c.search_contacts(&search).await.expect("search");
    assert_eq!(
        mock.last().json(),
        json!({
            "locationId": "loc-1", "pageLimit": 10,
            "filters": [
                { "field": "tags", "operator": "eq", "value": "vip" },
                { "group": "OR", "filters": [
                    { "field": "firstNameLowerCase", "operator": "contains", "value": "ada" },
                    { "field": "email", "operator": "exists" }
                ] }
            ]
        })
    );

    // Out-of-range limits never leave the client.
    let before = mock.requests().len();
    for bad in [0, 101] {
        let err = c
            .list_contacts_legacy(&LegacyListRequest::new().with_limit(bad))
            .await
            .expect_err("limit");
        assert_eq!(err.code(), "validation");
    }
    assert_eq!(mock.requests().len(), before);
}

#[tokio::test]
async fn invalid_input_is_rejected_before_sending() {
    let mock = Mock::start(api).await;
    let c = client(&mock);
    // Refused by the client itself: the message says nothing was sent.
    let messages = |e: Error| {
        assert!(
            e.to_string().starts_with("Not sent to GoHighLevel: "),
            "{e}"
        );
        match e {
            Error::InvalidInput { messages } => messages.join("; "),
            other => panic!("{other:?}"),
        }
    };
    let bad_email = ContactInput {
        email: Some("ada@".into()),
        ..ContactInput::default()
    };
    assert!(messages(c.create_contact(&bad_email).await.expect_err("email")).starts_with("email:"));
    let bad_phone = ContactInput {
        name: Some("Ada".into()),
        phone: Some("555-CALL".into()),
        ..ContactInput::default()
    };
    assert!(messages(c.upsert_contact(&bad_phone).await.expect_err("phone")).starts_with("phone:"));
    assert!(messages(
        c.create_contact(&ContactInput::default())
            .await
            .expect_err("empty")
    )
    .contains("name, an email or a phone"));
    let no_title = TaskInput {
        title: "  ".into(),
        ..TaskInput::new("x", time::macros::datetime!(2020-10-25 11:00 UTC))
    };
    assert!(
        messages(c.create_task("c1", &no_title).await.expect_err("title")).starts_with("title:")
    );
    let bad_due = TaskInput {
        due_date: "next week".into(),
        ..TaskInput::new("x", time::macros::datetime!(2020-10-25 11:00 UTC))
    };
    assert!(
        messages(c.create_task("c1", &bad_due).await.expect_err("due")).starts_with("dueDate:")
    );
    assert!(messages(
        c.create_note("c1", &NoteInput::new(" "))
            .await
            .expect_err("body")
    )
    .starts_with("body:"));
    assert!(messages(c.add_tags("c1", &[]).await.expect_err("tags")).starts_with("tags:"));
    assert!(c
        .find_duplicate(DuplicateQuery::Email("nope".into()))
        .await
        .is_err());
    assert!(c.delete_note("c1", "").await.is_err());
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn api_refusals_map_to_errors() {
    let mock = Mock::sequence(vec![
        status(
            422,
            json!({ "statusCode": 422, "message": ["title must be a string", "dueDate must be a valid ISO 8601 date string"], "error": "Unprocessable Entity" }),
        ),
        ok(json!({ "succeded": false })),
        status(
            401,
            json!({ "statusCode": 401, "message": "The token is not authorized for this scope." }),
        ),
        ok(json!({ "succeded": false, "contact": contact("c1") })),
    ])
    .await;
    let c = client(&mock);
    let input = TaskInput::new("x", time::macros::datetime!(2020-10-25 11:00 UTC));
    match c.create_task("c1", &input).await {
        Err(Error::Validation { messages }) => assert_eq!(messages.len(), 2, "{messages:?}"),
        other => panic!("{other:?}"),
    }
    let err = c.delete_task("c1", "t1").await.expect_err("succeded false");
    assert!(matches!(err, Error::Api { status: 200, .. }), "{err:?}");
    match c.update_note("c1", "n1", &NoteUpdate::default()).await {
        Err(Error::Forbidden { message }) => assert!(message.contains("scope")),
        other => panic!("{other:?}"),
    }
    assert!(c
        .update_contact("c1", &ContactUpdate::default())
        .await
        .is_err());
    assert_eq!(mock.requests().len(), 4, "none of these is retried");
}

#[tokio::test]
async fn get_is_retried_after_503_and_put_after_a_dropped_connection() {
    let mock = Mock::sequence(vec![
        status(503, json!({ "message": "Service Unavailable" })),
        ok(json!({ "task": task("t1") })),
        Reply::Hangup,
        ok(json!({ "task": task("t1") })),
    ])
    .await;
    let c = client(&mock);
    assert_eq!(c.get_task("c1", "t1").await.expect("retried").id, "t1");
    let update = TaskUpdate {
        completed: Some(true),
        ..TaskUpdate::default()
    };
    c.update_task("c1", "t1", &update).await.expect("retried");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[2].body, reqs[3].body, "the same body is sent again");
    let stats = c.stats();
    assert_eq!((stats.requests, stats.retries), (4, 2), "{stats:?}");
}

#[tokio::test]
async fn retries_are_bounded() {
    let mock = Mock::start(|_, _| status(502, json!({ "message": "Bad Gateway" }))).await;
    let c = client(&mock);
    let err = c.get_contact("c1").await.expect_err("gives up");
    assert!(matches!(err, Error::Api { status: 502, .. }), "{err:?}");
    assert_eq!(mock.requests().len(), 3, "max_attempts");
}

#[tokio::test]
async fn ambiguous_create_contact_is_looked_up_not_retried() {
    // 503 on the create; the lookup finds the contact.
    let mock = Mock::start(|_, r| match (r.method.as_str(), r.path()) {
        ("POST", "/contacts/") => status(503, json!({ "message": "Service Unavailable" })),
        ("GET", "/contacts/search/duplicate") => ok(json!({ "contact": contact("made-it") })),
        _ => status(404, json!({})),
    })
    .await;
    let c = client(&mock);
    let input = ContactInput {
        name: Some("Ada".into()),
        email: Some("Ada@Example.com".into()),
        phone: Some("3035550142".into()),
        ..ContactInput::default()
    };
    let found = c.create_contact(&input).await.expect("resolved by lookup");
    assert_eq!(found.id, "made-it");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2, "one create, one lookup: {reqs:?}");
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(
        reqs[1].raw_query(),
        "locationId=loc-1&email=Ada%40Example.com"
    );

    // Dropped connection; no email, so the lookup is by phone; nothing found
    // → the original error.
    let mock = Mock::start(|_, r| match (r.method.as_str(), r.path()) {
        ("POST", "/contacts/") => Reply::Hangup,
        _ => ok(json!({ "contact": null })),
    })
    .await;
    let c = client(&mock);
    let input = ContactInput {
        name: Some("Ada".into()),
        phone: Some("(303) 555-0142".into()),
        ..ContactInput::default()
    };
    let err = c.create_contact(&input).await.expect_err("not created");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].raw_query(),
        "locationId=loc-1&number=%2B13035550142"
    );

    // The lookup fails too → outcome unknown.
    let mock = Mock::start(|_, r| match r.method.as_str() {
        "POST" => status(500, json!({})),
        _ => status(500, json!({})),
    })
    .await;
    let c = client(&mock);
    let err = c.create_contact(&input).await.expect_err("unknown");
    assert!(
        matches!(&err, Error::OutcomeUnknown { operation: "create_contact", cause } if matches!(**cause, Error::Api { status: 500, .. })),
        "{err:?}"
    );
    assert_eq!(err.code(), "outcome_unknown");
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "the create is never repeated");

    // A definite refusal is not looked up.
    let mock = Mock::sequence(vec![status(
        422,
        json!({ "message": ["email must be an email"] }),
    )])
    .await;
    let err = client(&mock).create_contact(&input).await.expect_err("422");
    assert_eq!(err.code(), "validation");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn ambiguous_task_note_and_tag_creates_report_unknown_outcome() {
    let mock = Mock::start(|_, r| match r.path() {
        "/contacts/c1/tasks" => status(503, json!({})),
        "/contacts/c1/notes" => Reply::Hangup,
        _ => Reply::Stall,
    })
    .await;
    let c = client_with(&mock, |cfg| cfg.with_timeout(Duration::from_millis(300)));
    let input = TaskInput::new("x", time::macros::datetime!(2020-10-25 11:00 UTC));
    let err = c.create_task("c1", &input).await.expect_err("503");
    assert!(
        matches!(
            &err,
            Error::OutcomeUnknown {
                operation: "create_task",
                ..
            }
        ),
        "{err:?}"
    );
    let err = c
        .create_note("c1", &NoteInput::new("hi"))
        .await
        .expect_err("hangup");
    assert!(
        matches!(&err, Error::OutcomeUnknown { operation: "create_note", cause } if matches!(**cause, Error::Network { .. })),
        "{err:?}"
    );
    let err = c
        .add_tags("c1", &["vip".into()])
        .await
        .expect_err("timeout");
    assert!(
        matches!(&err, Error::OutcomeUnknown { operation: "add_tags", cause } if matches!(**cause, Error::Timeout)),
        "{err:?}"
    );
    assert_eq!(mock.requests().len(), 3, "no create was repeated");
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after_then_succeeds() {
    let mock = Mock::sequence(vec![
        Reply::Json(
            429,
            vec![("Retry-After", "0.3".to_owned())],
            json!({ "statusCode": 429, "message": "Too many requests" }).to_string(),
        ),
        ok(json!({ "contact": contact("c1") })),
        // A create refused with 429 was not processed: it is sent again.
        Reply::Json(
            429,
            vec![("X-RateLimit-Interval-Milliseconds", "100".to_owned())],
            "{}".to_owned(),
        ),
        Reply::Json(
            201,
            Vec::new(),
            json!({ "contact": contact("new1") }).to_string(),
        ),
    ])
    .await;
    let c = client(&mock);
    assert_eq!(c.get_contact("c1").await.expect("after wait").id, "c1");
    let input = ContactInput {
        name: Some("Ada".into()),
        ..ContactInput::default()
    };
    assert_eq!(
        c.create_contact(&input).await.expect("after wait").id,
        "new1"
    );
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 4);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(290), "waited only {gap:?}");
    let gap = reqs[3].at - reqs[2].at;
    assert!(gap >= Duration::from_millis(95), "waited only {gap:?}");
    let stats = c.stats();
    assert_eq!(stats.rate_limited_responses, 2);
    assert_eq!(stats.retries, 2);
    assert!(stats.waited >= Duration::from_millis(390), "{stats:?}");
}

#[tokio::test]
async fn rate_limit_headers_steer_the_client() {
    let steer = |remaining: &str, daily: &str| {
        Reply::Json(
            200,
            vec![
                ("X-RateLimit-Max", "50".to_owned()),
                ("X-RateLimit-Remaining", remaining.to_owned()),
                ("X-RateLimit-Interval-Milliseconds", "300".to_owned()),
                ("X-RateLimit-Limit-Daily", "200000".to_owned()),
                ("X-RateLimit-Daily-Remaining", daily.to_owned()),
            ],
            json!({ "contact": contact("c1") }).to_string(),
        )
    };
    // Remaining 0 (someone else used the window): the next request waits
    // for the window instead of meeting a 429.
    let mock = Mock::sequence(vec![steer("0", "5000"), steer("49", "4999")]).await;
    let c = client(&mock);
    c.get_contact("c1").await.expect("first");
    let after_first = Instant::now();
    c.get_contact("c1").await.expect("second");
    let reqs = mock.requests();
    let gap = reqs[1].at - after_first;
    assert!(gap >= Duration::from_millis(290), "waited only {gap:?}");
    assert!(c.stats().throttled_requests >= 1);

    // Daily allowance gone: fail fast, nothing sent.
    let mock = Mock::sequence(vec![steer("10", "0"), ok(json!({}))]).await;
    let c = client(&mock);
    c.get_contact("c1").await.expect("last one of the day");
    let started = Instant::now();
    match c.get_contact("c1").await {
        Err(Error::RateLimited {
            retry_after: Some(d),
        }) => assert!(d > Duration::ZERO),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "failed fast"
    );
    assert_eq!(mock.requests().len(), 1);
}

/// A server enforcing `MAX` per `WINDOW` (sliding, on arrival times) and
/// reporting it in headers, hammered by concurrent walkers: the client never
/// meets a 429 and uses nearly all of the allowed rate.
#[tokio::test]
async fn concurrent_paging_stays_under_the_limit_at_full_speed() {
    const MAX: usize = 10;
    const WINDOW: Duration = Duration::from_millis(250);
    const WORKERS: usize = 3;
    const EACH: usize = 20;
    let arrivals: Arc<Mutex<VecDeque<Instant>>> = Arc::default();
    let seen = Arc::clone(&arrivals);
    let mock = Mock::start(move |_, r| {
        let now = r.at;
        let mut log = seen.lock().expect("lock");
        while log.front().is_some_and(|t| now - *t >= WINDOW) {
            log.pop_front();
        }
        if log.len() >= MAX {
            return Reply::Json(
                429,
                vec![("Retry-After", "0.25".to_owned())],
                "{}".to_owned(),
            );
        }
        log.push_back(now);
        let remaining = MAX - log.len();
        Reply::Json(
            200,
            vec![
                ("X-RateLimit-Max", MAX.to_string()),
                ("X-RateLimit-Remaining", remaining.to_string()),
                (
                    "X-RateLimit-Interval-Milliseconds",
                    WINDOW.as_millis().to_string(),
                ),
            ],
            json!({ "contacts": [], "total": 0 }).to_string(),
        )
    })
    .await;
    let c = client_with(&mock, |cfg| {
        cfg.with_rate_limit(RateLimit {
            max_per_interval: MAX as u32,
            interval: WINDOW,
            daily: 1_000_000,
        })
    });
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let c = c.clone();
        workers.push(tokio::spawn(async move {
            for _ in 0..EACH {
                c.search_contacts(&SearchRequest::new())
                    .await
                    .expect("page");
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    let elapsed = started.elapsed();
    let stats = c.stats();
    assert_eq!(stats.rate_limited_responses, 0, "{stats:?}");
    assert_eq!(stats.requests, (WORKERS * EACH) as u64);
    // The first MAX go at once; each further MAX needs one more window.
    let ideal = WINDOW * ((WORKERS * EACH / MAX) as u32 - 1);
    let efficiency = ideal.as_secs_f64() / elapsed.as_secs_f64();
    eprintln!(
        "{} requests in {elapsed:?} (ideal {ideal:?}): {:.1}% of the allowed rate",
        WORKERS * EACH,
        efficiency * 100.0
    );
    assert!(elapsed >= ideal);
    assert!(
        efficiency >= 0.85,
        "only {:.1}% of the allowed rate",
        efficiency * 100.0
    );
}

#[tokio::test]
async fn legacy_walker_keeps_the_query_and_stops_on_a_repeated_cursor() {
    let mock = Mock::start(|_, r| {
        let cursor = r
            .query()
            .into_iter()
            .find(|(k, _)| k == "startAfterId")
            .map(|(_, v)| v);
        let (ids, next_id, next_at) = match cursor.as_deref() {
            None => (["a", "b"], "b", 1000),
            Some("b") => (["c", "d"], "d", 2000),
            // The server goes back to an old cursor: the walker must stop.
            _ => (["e", "f"], "b", 1000),
        };
        ok(json!({
            "contacts": ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
            "count": 6,
            "meta": { "startAfterId": next_id, "startAfter": next_at, "total": 6 }
        }))
    })
    .await;
    let c = client(&mock);
    let all = c
        .legacy_contacts_stream(LegacyListRequest::new().with_query("smith").with_limit(2))
        .collect_all()
        .await
        .expect("walk");
    let ids: Vec<_> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e", "f"]);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "stopped at the repeated cursor");
    assert_eq!(
        query_of(&reqs[0]),
        pairs(&[("locationId", "loc-1"), ("query", "smith"), ("limit", "2")])
    );
    assert_eq!(
        query_of(&reqs[1]),
        pairs(&[
            ("locationId", "loc-1"),
            ("query", "smith"),
            ("limit", "2"),
            ("startAfterId", "b"),
            ("startAfter", "1000")
        ])
    );
    assert_eq!(
        query_of(&reqs[2]),
        pairs(&[
            ("locationId", "loc-1"),
            ("query", "smith"),
            ("limit", "2"),
            ("startAfterId", "d"),
            ("startAfter", "2000")
        ])
    );

    // An empty page ends the walk even if it carries a cursor.
    let mock = Mock::start(|i, _| {
        let contacts = if i == 0 { vec![json!({ "id": "a" })] } else { vec![] };
        ok(json!({ "contacts": contacts, "count": 1, "meta": { "startAfterId": format!("x{i}"), "startAfter": i } }))
    })
    .await;
    let all = client(&mock)
        .legacy_contacts_stream(LegacyListRequest::new())
        .collect_all()
        .await
        .expect("walk");
    assert_eq!(all.len(), 1);
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn search_all_follows_search_after_with_the_same_filters() {
    let mock = Mock::start(|_, r| {
        let body = r.json();
        let after = body["searchAfter"].clone();
        let ids: &[&str] = match after.get(1).and_then(Value::as_str) {
            None => &["a", "b"],
            Some("b") => &["c", "d"],
            _ => &["e"],
        };
        let contacts: Vec<Value> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| json!({ "id": id, "searchAfter": [i, id] }))
            .collect();
        ok(json!({ "contacts": contacts, "total": 5 }))
    })
    .await;
    let c = client(&mock);
    let request = SearchRequest::new()
        .with_page_limit(2)
        .with_filter(SearchFilter::eq("tags", "vip"));
    let all = c.search_all(request).await.expect("all");
    let ids: Vec<_> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let bodies: Vec<Value> = mock.requests().iter().map(Recorded::json).collect();
    assert_eq!(bodies.len(), 3);
    for body in &bodies {
        assert_eq!(
            body["filters"],
            json!([{ "field": "tags", "operator": "eq", "value": "vip" }])
        );
        assert_eq!(body["pageLimit"], 2);
        assert!(body.get("page").is_none(), "never page numbers");
    }
    assert_eq!(bodies[0].get("searchAfter"), None);
    assert_eq!(bodies[1]["searchAfter"], json!([1, "b"]));
    assert_eq!(bodies[2]["searchAfter"], json!([1, "d"]));
}

#[tokio::test]
async fn search_is_retried_like_a_read() {
    let mock = Mock::sequence(vec![
        Reply::Hangup,
        ok(json!({ "contacts": [], "total": 0 })),
    ])
    .await;
    let c = client(&mock);
    c.search_contacts(&SearchRequest::new())
        .await
        .expect("retried");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn tokens_stay_out_of_errors() {
    let mock = Mock::sequence(vec![status(
        401,
        json!({ "message": "token tok-123 is expired" }),
    )])
    .await;
    let c = client(&mock);
    let err = c
        .add_tags("c1", &["x".into()])
        .await
        .expect_err("unauthorized");
    assert_eq!(err.code(), "unauthorized");
    assert!(!err.to_string().contains("tok-123"), "{err}");
    assert!(!format!("{err:?}").contains("tok-123"));
    assert!(!format!("{c:?}").contains("tok-123"));
}
