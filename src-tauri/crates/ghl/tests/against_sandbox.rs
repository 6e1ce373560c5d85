//! The client against the sandbox GHL emulator (`crates/sandbox`), over real HTTP.

use std::collections::HashSet;
use std::time::Duration;

use ghl::datetime::parse_ghl_datetime;
use ghl::{AccessToken, Client, ClientConfig, Error, RateLimit, RetryPolicy, SearchRequest};
use sandbox::{Sandbox, SandboxConfig};
use time::OffsetDateTime;
use url::Url;

async fn start(contacts: usize) -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts,
        seed: 7,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn client_for(sb: &Sandbox) -> Client {
    client_with(sb, sb.location_id(), sb.access_token())
}

fn client_with(sb: &Sandbox, location: &str, token: &str) -> Client {
    let base = Url::parse(&sb.base_url()).expect("sandbox url");
    // These tests check data, not pacing: lift the client's own budget (the
    // sandbox's rate-limit headers, once it sends them, still steer it).
    let fast = RateLimit {
        max_per_interval: 100_000,
        interval: Duration::from_secs(1),
        daily: u64::MAX,
    };
    Client::new(
        ClientConfig::new(base, location).with_rate_limit(fast),
        AccessToken::new(token),
    )
    .expect("client")
}

/// A client that reports the first failure as is (no retries).
fn no_retry_client(base: Url) -> Client {
    Client::new(
        ClientConfig::new(base, "loc").with_retry_policy(RetryPolicy::none()),
        AccessToken::new("t"),
    )
    .expect("client")
}

/// The sandbox renders times with millisecond precision.
fn millis(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
        .expect("valid nanosecond")
}

fn parsed(s: Option<&str>) -> Option<OffsetDateTime> {
    s.and_then(parse_ghl_datetime)
}

/// Walks every page of `request` via `searchAfter`, returning ids in order.
async fn walk(client: &Client, mut request: SearchRequest, expected_total: usize) -> Vec<String> {
    let mut ids = Vec::new();
    // Guard against a cursor that never advances: at most one page per item, plus one.
    for _ in 0..=expected_total + 1 {
        let page = client.search_contacts(&request).await.expect("search page");
        assert_eq!(page.total, expected_total as u64, "total on every page");
        assert!(page.contacts.len() <= request.page_limit as usize);
        ids.extend(page.contacts.iter().map(|c| c.id.clone()));
        match request.next_page(&page) {
            Some(next) => request = next,
            None => return ids,
        }
    }
    panic!("paging did not terminate");
}

#[tokio::test]
async fn search_after_walks_every_contact_exactly_once() {
    const N: usize = 257;
    let sb = start(N).await;
    let client = client_for(&sb);
    let all: HashSet<String> = {
        let ds = sb.dataset();
        let ds = ds.read().await;
        ds.contacts.iter().map(|c| c.id.clone()).collect()
    };
    assert_eq!(all.len(), N);

    for limit in [100, 50, 7] {
        let ids = walk(&client, SearchRequest::new().with_page_limit(limit), N).await;
        assert_eq!(ids.len(), N, "page limit {limit}: every contact once");
        let unique: HashSet<String> = ids.iter().cloned().collect();
        assert_eq!(
            unique, all,
            "page limit {limit}: no duplicates, none missing"
        );
    }

    // An explicit sort pages just as completely.
    let sorted = SearchRequest::new()
        .with_page_limit(60)
        .sorted_by("dateAdded", ghl::SortDirection::Asc);
    let ids = walk(&client, sorted, N).await;
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), all);
}

#[tokio::test]
async fn query_filters_results() {
    let sb = start(150).await;
    let client = client_for(&sb);
    let ds = sb.dataset();
    let ds = ds.read().await;

    // A last name: the results are exactly the contacts whose name, email or
    // company contains it (the emulator's documented query semantics).
    let last = ds.contacts[3].last_name.to_lowercase();
    let expected: HashSet<String> = ds
        .contacts
        .iter()
        .filter(|c| {
            c.full_name().to_lowercase().contains(&last)
                || c.email
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&last)
                || c.company_name
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&last)
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(!expected.is_empty() && expected.len() < ds.contacts.len());
    let request = SearchRequest::new()
        .with_query(ds.contacts[3].last_name.to_uppercase())
        .with_page_limit(100);
    let ids = walk(&client, request, expected.len()).await;
    assert_eq!(ids.into_iter().collect::<HashSet<_>>(), expected);

    // A unique email finds its contact, with the search-only fields filled in.
    let target = ds
        .contacts
        .iter()
        .find(|c| c.email.is_some())
        .expect("a contact with an email");
    let email = target.email.clone().unwrap_or_default();
    let page = client
        .search_contacts(&SearchRequest::new().with_query(email.clone()))
        .await
        .expect("search");
    let hit = page
        .contacts
        .iter()
        .find(|c| c.id == target.id)
        .expect("target found");
    assert_eq!(hit.email.as_deref(), Some(email.as_str()));
    assert_eq!(hit.first_name.as_deref(), Some(target.first_name.as_str()));
    assert_eq!(hit.address.as_deref(), Some(target.address1.as_str()));
    assert_eq!(
        hit.contact_name.as_deref(),
        Some(target.full_name().as_str())
    );
    assert!(hit.search_after.is_some());

    let none = client
        .search_contacts(&SearchRequest::new().with_query("zzqx-no-such-contact"))
        .await
        .expect("search");
    assert_eq!((none.total, none.contacts.len()), (0, 0));
    assert_eq!(none.next_search_after(), None);
}

#[tokio::test]
async fn get_location_names_the_sub_account_and_refuses_another() {
    let sb = start(60).await;
    let client = client_for(&sb);
    let location = client
        .get_location(sb.location_id())
        .await
        .expect("get_location");
    assert_eq!(location.id, sb.location_id());
    assert_eq!(location.name.as_deref(), Some(sb.location_name()));
    let err = client
        .get_location("someOtherLocation01")
        .await
        .expect_err("another location");
    assert!(
        matches!(
            err,
            ghl::Error::Forbidden { .. } | ghl::Error::NotFound { .. }
        ),
        "{err:?}"
    );
    let err = client.get_location(" ").await.expect_err("blank id");
    assert_eq!(err.code(), "validation");
}

#[tokio::test]
async fn get_contact_matches_dataset() {
    let sb = start(60).await;
    let client = client_for(&sb);
    let ds = sb.dataset();
    let ds = ds.read().await;
    for expected in ds.contacts.iter().step_by(7) {
        let c = client.get_contact(&expected.id).await.expect("get_contact");
        assert_eq!(c.id, expected.id);
        assert_eq!(c.location_id.as_deref(), Some(sb.location_id()));
        assert_eq!(c.first_name.as_deref(), Some(expected.first_name.as_str()));
        assert_eq!(c.last_name.as_deref(), Some(expected.last_name.as_str()));
        assert_eq!(c.email, expected.email);
        assert_eq!(c.phone, expected.phone);
        assert_eq!(c.company_name, expected.company_name);
        assert_eq!(c.business_id, expected.business_id);
        assert_eq!(c.tags, expected.tags);
        assert_eq!(c.source.as_deref(), Some(expected.source.as_str()));
        assert_eq!(
            c.contact_type.as_deref(),
            Some(expected.contact_type.as_str())
        );
        assert_eq!(c.address1.as_deref(), Some(expected.address1.as_str()));
        assert_eq!(c.city.as_deref(), Some(expected.city.as_str()));
        assert_eq!(c.state.as_deref(), Some(expected.state.as_str()));
        assert_eq!(
            c.postal_code.as_deref(),
            Some(expected.postal_code.as_str())
        );
        assert_eq!(c.country.as_deref(), Some(expected.country.as_str()));
        assert_eq!(c.timezone.as_deref(), Some(expected.timezone.as_str()));
        assert_eq!(c.website, expected.website);
        assert_eq!(c.assigned_to, expected.assigned_to);
        assert_eq!(c.dnd, Some(expected.dnd));
        assert_eq!(
            parsed(c.date_added.as_deref()),
            Some(millis(expected.date_added))
        );
        assert_eq!(
            parsed(c.date_of_birth.as_deref()).map(OffsetDateTime::date),
            expected.date_of_birth
        );
        assert_eq!(c.custom_fields.len(), expected.custom_fields.len());
    }
}

#[tokio::test]
async fn tasks_notes_and_appointments_match_dataset() {
    let sb = start(80).await;
    let client = client_for(&sb);
    let ds = sb.dataset();
    let ds = ds.read().await;
    let (mut saw_tasks, mut saw_notes, mut saw_appts) = (false, false, false);

    for contact in &ds.contacts {
        let id = contact.id.as_str();

        let expected = ds.tasks_of(id);
        let tasks = client.contact_tasks(id).await.expect("tasks");
        assert_eq!(tasks.len(), expected.len(), "tasks of {id}");
        for e in expected {
            let t = tasks.iter().find(|t| t.id == e.id).expect("task present");
            assert_eq!(t.title.as_deref(), Some(e.title.as_str()));
            assert_eq!(t.body.as_deref(), Some(e.body.as_str()));
            assert_eq!(t.completed, e.completed);
            assert_eq!(t.contact_id.as_deref(), Some(id));
            assert_eq!(t.assigned_to, e.assigned_to);
            assert_eq!(parsed(t.due_date.as_deref()), Some(millis(e.due_date)));
        }
        saw_tasks |= !expected.is_empty();

        let expected = ds.notes_of(id);
        let notes = client.contact_notes(id).await.expect("notes");
        assert_eq!(notes.len(), expected.len(), "notes of {id}");
        for e in expected {
            let n = notes.iter().find(|n| n.id == e.id).expect("note present");
            assert_eq!(n.body.as_deref(), Some(e.body.as_str()));
            assert_eq!(n.title, e.title);
            assert_eq!(n.color, e.color);
            assert_eq!(n.pinned, e.pinned);
            assert_eq!(n.user_id.as_deref(), Some(e.user_id.as_str()));
        }
        saw_notes |= !expected.is_empty();

        let expected = ds.appointments_of(id);
        let appts = client.contact_appointments(id).await.expect("appointments");
        assert_eq!(appts.len(), expected.len(), "appointments of {id}");
        for e in expected {
            let a = appts
                .iter()
                .find(|a| a.id == e.id)
                .expect("appointment present");
            assert_eq!(a.title.as_deref(), Some(e.title.as_str()));
            assert_eq!(a.calendar_id.as_deref(), Some(e.calendar_id.as_str()));
            assert_eq!(a.contact_id.as_deref(), Some(id));
            let status = a.appointment_status.as_deref().or(a.status.as_deref());
            assert_eq!(status, Some(e.status.as_str()));
            assert_eq!(parsed(a.start_time.as_deref()), Some(millis(e.start_time)));
            assert_eq!(parsed(a.end_time.as_deref()), Some(millis(e.end_time)));
        }
        saw_appts |= !expected.is_empty();
    }
    assert!(
        saw_tasks && saw_notes && saw_appts,
        "the seed must exercise all three lists"
    );
}

#[tokio::test]
async fn wrong_token_is_unauthorized() {
    let sb = start(5).await;
    let client = client_with(&sb, sb.location_id(), "not-the-token");
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let err = client.get_contact(&id).await.expect_err("must fail");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.code(), "unauthorized");
    assert!(!err.to_string().contains("not-the-token"));
    let err = client
        .search_contacts(&SearchRequest::new())
        .await
        .expect_err("must fail");
    assert_eq!(err.code(), "unauthorized");
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let sb = start(5).await;
    let client = client_for(&sb);
    let err = client
        .get_contact("noSuchContact000")
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), "not_found", "{err:?}");
    assert_eq!(
        client
            .contact_tasks("noSuchContact000")
            .await
            .map_err(|e| e.code())
            .err(),
        Some("not_found")
    );
    // Reserved characters stay inside the one path segment: the sandbox
    // routes to the contact handler (a route miss would say "Cannot GET").
    for id in ["a/b", "x?y=1", "p#q", "..%2F"] {
        match client.get_contact(id).await {
            Err(Error::NotFound { message }) => {
                assert!(message.contains("Contact not found"), "{id}: {message}")
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    assert_eq!(
        client.get_contact("").await.map_err(|e| e.code()).err(),
        Some("validation")
    );
}

#[tokio::test]
async fn search_errors_map_to_codes() {
    let sb = start(5).await;
    let client = client_for(&sb);
    let err = client
        .search_contacts(&SearchRequest::new().with_page_limit(0))
        .await
        .expect_err("pageLimit 0");
    match &err {
        Error::Validation { messages } => {
            assert!(
                messages.iter().any(|m| m.contains("pageLimit")),
                "{messages:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    let other_location = client_with(&sb, "someOtherLocation", sb.access_token());
    let err = other_location
        .search_contacts(&SearchRequest::new())
        .await
        .expect_err("other location");
    assert_eq!(err.code(), "forbidden", "{err:?}");
    let err = client
        .search_contacts(&SearchRequest::new().sorted_by("noSuchField", ghl::SortDirection::Asc))
        .await
        .expect_err("bad sort field");
    assert!(
        matches!(&err, Error::Api { status: 400, message, .. } if message.contains("noSuchField")),
        "{err:?}"
    );
}

#[tokio::test]
async fn closed_port_is_a_network_error() {
    // Bind to learn a free port, then close it so nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let base = Url::parse(&format!("http://{addr}")).expect("url");
    let client = Client::new(
        ClientConfig::new(base, "loc").with_retry_policy(quick_retries()),
        AccessToken::new("t"),
    )
    .expect("client");
    let err = client
        .get_contact("abc")
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert!(err.is_retryable());
    // Refused connections are retried up to the policy's limit.
    let stats = client.stats();
    assert_eq!((stats.requests, stats.retries), (3, 2), "{stats:?}");
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn silent_server_times_out() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let base = Url::parse(&format!("http://{addr}")).expect("url");
    let config = ClientConfig::new(base, "loc")
        .with_timeout(Duration::from_millis(300))
        .with_retry_policy(quick_retries());
    let client = Client::new(config, AccessToken::new("t")).expect("client");
    let started = std::time::Instant::now();
    let err = client
        .contact_notes("abc")
        .await
        .expect_err("must time out");
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(err.code(), "timeout");
    // A GET that timed out is tried again (3 tries of 300 ms here).
    assert_eq!(client.stats().requests, 3);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(started.elapsed() < Duration::from_secs(5));
    holder.abort();
}

/// Serves one canned response on a raw socket and hands back the raw request,
/// to check what goes over the wire (headers, path, body) byte for byte.
async fn capture_one(
    status_line: &'static str,
    extra_headers: &'static str,
    body: &'static str,
) -> (Url, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        // Read the head, then as much body as Content-Length announces.
        loop {
            let n = socket.read(&mut buf).await.expect("read");
            raw.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&raw).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if raw.len() >= end + 4 + len || n == 0 {
                    break;
                }
            } else if n == 0 {
                break;
            }
        }
        let response = format!(
            "{status_line}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.expect("write");
        socket.shutdown().await.ok();
        String::from_utf8_lossy(&raw).to_string()
    });
    (
        Url::parse(&format!("http://{addr}/api/v2/")).expect("url"),
        handle,
    )
}

#[tokio::test]
async fn wire_format_headers_path_and_body() {
    let (base, request) = capture_one("HTTP/1.1 200 OK", "", r#"{"contacts":[],"total":0}"#).await;
    let client = Client::new(
        ClientConfig::new(base, "loc-1"),
        AccessToken::new("tok-123"),
    )
    .expect("client");
    let search = SearchRequest::new()
        .with_query("smith")
        .with_page_limit(25)
        .with_search_after(Some(vec![
            serde_json::json!(1234),
            serde_json::json!("abc"),
        ]));
    client.search_contacts(&search).await.expect("search");
    let raw = request.await.expect("captured");
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let head_lc = head.to_ascii_lowercase();
    assert!(
        head.starts_with("POST /api/v2/contacts/search HTTP/1.1"),
        "{head}"
    );
    for expected in [
        "authorization: bearer tok-123",
        "version: 2021-07-28",
        "accept: application/json",
        "user-agent: switchboard/",
        "content-type: application/json",
    ] {
        assert!(
            head_lc.contains(expected),
            "missing {expected:?} in\n{head}"
        );
    }
    let body: serde_json::Value = serde_json::from_str(body).expect("json body");
    assert_eq!(
        body,
        serde_json::json!({
            "locationId": "loc-1", "pageLimit": 25, "query": "smith",
            "searchAfter": [1234, "abc"]
        })
    );

    let (base, request) = capture_one("HTTP/1.1 200 OK", "", r#"{"tasks":[]}"#).await;
    let client =
        Client::new(ClientConfig::new(base, "loc-1"), AccessToken::new("tok")).expect("client");
    client.contact_tasks("a/b c?d").await.expect("tasks");
    let raw = request.await.expect("captured");
    assert!(
        raw.starts_with("GET /api/v2/contacts/a%2Fb%20c%3Fd/tasks HTTP/1.1"),
        "{raw}"
    );
}

#[tokio::test]
async fn rate_limit_and_gateway_errors_over_the_wire() {
    let (base, _req) = capture_one(
        "HTTP/1.1 429 Too Many Requests",
        "Retry-After: 3\r\n",
        r#"{"statusCode":429,"message":"Too many requests"}"#,
    )
    .await;
    let client = no_retry_client(base);
    let err = client.get_contact("x").await.expect_err("429");
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(3)),
        "{err:?}"
    );

    let (base, _req) =
        capture_one("HTTP/1.1 502 Bad Gateway", "", "<html>upstream down</html>").await;
    let client = no_retry_client(base);
    let err = client.get_contact("x").await.expect_err("502");
    assert!(matches!(&err, Error::Api { status: 502, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.to_string().contains("upstream down"));

    // A 200 whose body is not the declared envelope.
    let (base, _req) = capture_one("HTTP/1.1 200 OK", "", r#"{"contacts":[]}"#).await;
    let client =
        Client::new(ClientConfig::new(base, "loc"), AccessToken::new("t")).expect("client");
    let err = client.get_contact("x").await.expect_err("wrong envelope");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "get_contact",
                ..
            }
        ),
        "{err:?}"
    );
}
