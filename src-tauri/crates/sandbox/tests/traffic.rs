//! Rate limits, fault injection, scopes, counters and the request recorder.

mod common;

use std::time::{Duration, Instant};

use common::{bare, call, call_as, get, request, send, start, start_with};
use reqwest::{Method, Response};
use sandbox::{FaultKind, Faults, RateLimitConfig, Sandbox, SCOPE_READ, SCOPE_WRITE};
use serde_json::{json, Value};

fn header(r: &Response, name: &str) -> Option<u64> {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// (Remaining, Daily-Remaining, Max, Interval-Milliseconds, Limit-Daily).
fn limits(r: &Response) -> [Option<u64>; 5] {
    [
        header(r, "x-ratelimit-remaining"),
        header(r, "x-ratelimit-daily-remaining"),
        header(r, "x-ratelimit-max"),
        header(r, "x-ratelimit-interval-milliseconds"),
        header(r, "x-ratelimit-limit-daily"),
    ]
}

async fn raw(sb: &Sandbox, path: &str) -> Response {
    request(sb, Method::GET, path)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn first_id(sb: &Sandbox) -> String {
    sb.dataset().read().await.contacts[0].id.clone()
}

fn create_body(sb: &Sandbox, email: &str) -> Value {
    json!({ "locationId": sb.location_id(), "firstName": "Grace", "email": email })
}

async fn has_email(sb: &Sandbox, email: &str) -> bool {
    sb.dataset().read().await.find_by_email(email).is_some()
}

#[tokio::test]
async fn burst_window_counts_down_then_refuses_without_executing() {
    let sb = start_with(
        20,
        RateLimitConfig {
            max_per_interval: 100,
            interval: Duration::from_secs(2),
            daily: 10_000,
        },
    )
    .await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    let started = Instant::now();
    for i in 1..=100u64 {
        let r = raw(&sb, &path).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            limits(&r),
            [
                Some(100 - i),
                Some(10_000 - i),
                Some(100),
                Some(2000),
                Some(10_000)
            ],
            "request {i}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "too slow to test the window"
    );
    let r = raw(&sb, &path).await;
    assert_eq!(r.status(), 429);
    let retry = header(&r, "retry-after").unwrap_or_else(|| panic!("no Retry-After"));
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(
        limits(&r)[..2],
        [Some(0), Some(9_900)],
        "a refused request does not count"
    );
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({ "statusCode": 429, "message": "Too many requests" })
    );
    // A refused write does not execute.
    let (status, _) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(create_body(&sb, "limited@example.org")),
    )
    .await;
    assert_eq!(status, 429);
    assert!(!has_email(&sb, "limited@example.org").await);
    let stats = sb.stats();
    assert_eq!(
        (stats.rate_limited, stats.by_status.get(&429).copied()),
        (2, Some(2))
    );

    tokio::time::sleep(Duration::from_secs(retry)).await;
    let r = raw(&sb, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(limits(&r)[1], Some(9_899));
}

#[tokio::test]
async fn short_window_recovers_and_unauthenticated_requests_do_not_count() {
    let sb = start_with(
        10,
        RateLimitConfig {
            max_per_interval: 3,
            interval: Duration::from_millis(200),
            daily: 1000,
        },
    )
    .await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    // 401s and unknown routes answer with the headers but use nothing up.
    let r = bare(&sb, Method::GET, &path)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-ratelimit-remaining")),
        (401, Some(3))
    );
    let r = raw(&sb, "/nowhere").await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-ratelimit-remaining")),
        (404, Some(3))
    );
    for left in [2, 1, 0] {
        let r = raw(&sb, &path).await;
        assert_eq!(
            (r.status().as_u16(), header(&r, "x-ratelimit-remaining")),
            (200, Some(left))
        );
    }
    let r = raw(&sb, &path).await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "retry-after")),
        (429, Some(1))
    );
    tokio::time::sleep(Duration::from_millis(220)).await;
    let r = raw(&sb, &path).await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "x-ratelimit-remaining")),
        (200, Some(2))
    );
}

#[tokio::test]
async fn daily_allowance_runs_out() {
    let sb = start_with(
        10,
        RateLimitConfig {
            max_per_interval: 100,
            interval: Duration::from_secs(10),
            daily: 5,
        },
    )
    .await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    for left in (0..5).rev() {
        let r = raw(&sb, &path).await;
        assert_eq!(
            (
                r.status().as_u16(),
                header(&r, "x-ratelimit-daily-remaining")
            ),
            (200, Some(left))
        );
    }
    for _ in 0..3 {
        let r = raw(&sb, &path).await;
        assert_eq!(r.status(), 429);
        let retry = header(&r, "retry-after").unwrap_or_default();
        assert!((1..=86_400).contains(&retry), "until midnight UTC: {retry}");
        assert_eq!(header(&r, "x-ratelimit-daily-remaining"), Some(0));
    }
    // Limits change at runtime.
    sb.set_rate_limit(RateLimitConfig {
        daily: 10,
        ..sb.rate_limit()
    });
    let r = raw(&sb, &path).await;
    assert_eq!(
        (
            r.status().as_u16(),
            header(&r, "x-ratelimit-daily-remaining")
        ),
        (200, Some(4))
    );
    sb.reset_rate_limits();
    assert_eq!(
        header(&raw(&sb, &path).await, "x-ratelimit-daily-remaining"),
        Some(9)
    );
}

#[tokio::test]
async fn unlimited_still_reports_headers() {
    let sb = start(10).await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    let r = raw(&sb, &path).await;
    assert_eq!(
        limits(&r),
        [
            Some(u64::from(u32::MAX) - 1),
            Some(u64::MAX - 1),
            Some(u64::from(u32::MAX)),
            Some(10_000),
            Some(u64::MAX)
        ]
    );
}

#[tokio::test]
async fn read_only_tokens_cannot_write() {
    let sb = start(20).await;
    let id = first_id(&sb).await;
    let read_only = sb.issue_token(&[SCOPE_READ]);
    let write_only = sb.issue_token(&[SCOPE_WRITE]);
    assert_ne!(read_only, sb.access_token());
    let (status, body) = call_as(
        &sb,
        &read_only,
        Method::GET,
        &format!("/contacts/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["contact"]["id"].as_str()),
        (200, Some(id.as_str()))
    );
    let (status, _) = call_as(
        &sb,
        &read_only,
        Method::POST,
        "/contacts/search",
        Some(json!({ "locationId": sb.location_id(), "pageLimit": 5 })),
    )
    .await;
    assert_eq!(status, 200);

    let tags_before = sb
        .dataset()
        .read()
        .await
        .contact(&id)
        .map(|c| c.tags.clone());
    let writes = [
        (
            Method::POST,
            "/contacts/".to_owned(),
            Some(create_body(&sb, "scoped@example.org")),
        ),
        (
            Method::PUT,
            format!("/contacts/{id}"),
            Some(json!({ "firstName": "Nope" })),
        ),
        (
            Method::POST,
            format!("/contacts/{id}/tags"),
            Some(json!({ "tags": ["nope"] })),
        ),
        (Method::DELETE, format!("/contacts/{id}"), None),
    ];
    for (method, path, body) in writes {
        let (status, answer) = call_as(&sb, &read_only, method.clone(), &path, body).await;
        assert_eq!(status, 401, "{method} {path}");
        assert_eq!(
            answer,
            json!({ "statusCode": 401, "message": "The token is not authorized for this scope.", "error": "Unauthorized" })
        );
    }
    let d = sb.dataset();
    let d = d.read().await;
    assert_eq!(d.contact(&id).map(|c| c.tags.clone()), tags_before);
    assert!(d.find_by_email("scoped@example.org").is_none());
    drop(d);

    let (status, answer) = call_as(
        &sb,
        &write_only,
        Method::GET,
        &format!("/contacts/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (401, Some("The token is not authorized for this scope."))
    );
    let (status, answer) = call_as(
        &sb,
        "not-a-token",
        Method::GET,
        &format!("/contacts/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (401, Some("Invalid token: access token is invalid"))
    );
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

/// Status of one GET, or `None` when the connection was dropped.
async fn status_of(sb: &Sandbox, path: &str) -> Option<u16> {
    request(sb, Method::GET, path)
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

#[tokio::test]
async fn random_errors_follow_the_rate_and_the_seed() {
    let sb = start(10).await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    let faults = Faults {
        error_rate: 0.25,
        seed: 99,
        ..Faults::none()
    };
    let run = |sb: &Sandbox| {
        sb.set_faults(faults.clone());
        let (sb_url, token) = (sb.base_url(), sb.access_token().to_owned());
        let path = path.clone();
        async move {
            let client = reqwest::Client::new();
            let mut statuses = Vec::new();
            for _ in 0..400 {
                let r = client
                    .get(format!("{sb_url}{path}"))
                    .bearer_auth(&token)
                    .header("Version", sandbox::API_VERSION)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                let status = r.status().as_u16();
                let content_type = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if status == 502 {
                    assert!(content_type.starts_with("text/html"));
                } else {
                    let body: Value = r.json().await.unwrap_or_else(|e| panic!("{status}: {e}"));
                    assert_eq!(
                        body["statusCode"].as_u64().unwrap_or(200),
                        u64::from(status)
                    );
                }
                statuses.push(status);
            }
            statuses
        }
    };
    let first = run(&sb).await;
    let errors = first.iter().filter(|s| **s >= 500).count();
    assert!(
        (70..=130).contains(&errors),
        "{errors} errors in 400 at 25%"
    );
    for s in [500, 502, 503] {
        assert!(first.contains(&s), "no {s}");
    }
    assert!(first.iter().all(|s| [200, 500, 502, 503].contains(s)));
    assert_eq!(run(&sb).await, first, "same seed, same sequence");
    assert_eq!(sb.stats().faults_injected as usize, 2 * errors);
    sb.faults().clear();
    assert_eq!(status_of(&sb, &path).await, Some(200));
}

#[tokio::test]
async fn resets_drop_the_connection_and_only_reset_after_write_applies_it() {
    let sb = start(10).await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    sb.faults().fail_next(1, FaultKind::Reset);
    let err = request(&sb, Method::GET, &path).send().await.err();
    let err = err.unwrap_or_else(|| panic!("a reset request got an answer"));
    let chain = error_chain(&err);
    assert!(!err.is_timeout() && chain.contains("closed"), "{chain}");
    assert_eq!(
        status_of(&sb, &path).await,
        Some(200),
        "only one request fails"
    );

    // Reset before executing: nothing is written.
    sb.faults()
        .fail_matching("POST", "/contacts/", 1, FaultKind::Reset);
    let sent = request(&sb, Method::POST, "/contacts/")
        .json(&create_body(&sb, "lost@example.org"))
        .send()
        .await;
    assert!(sent.is_err());
    assert!(!has_email(&sb, "lost@example.org").await);

    // Reset after executing: the create happened although no answer came; the
    // retry meets the duplicate rule.
    let faults = sb.faults();
    faults.fail_matching("GET", "/contacts/{contactId}", 1, FaultKind::Status(500));
    faults.fail_matching("POST", "/contacts/", 1, FaultKind::ResetAfterWrite);
    let sent = request(&sb, Method::POST, "/contacts/")
        .json(&create_body(&sb, "ambiguous@example.org"))
        .send()
        .await;
    assert!(sent.is_err(), "{sent:?}");
    assert!(has_email(&sb, "ambiguous@example.org").await);
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(create_body(&sb, "ambiguous@example.org")),
    )
    .await;
    assert_eq!(
        (status, body["meta"]["matchingField"].as_str()),
        (400, Some("email"))
    );
    // The rule for GET is still waiting for its request.
    assert_eq!(faults.pending(), 1);
    assert_eq!(status_of(&sb, &path).await, Some(500));
    assert_eq!(faults.pending(), 0);
    let stats = sb.stats();
    assert_eq!(stats.faults_injected, 4);
    assert_eq!(stats.by_route.get("POST /contacts/"), Some(&3));
}

#[tokio::test]
async fn malformed_and_truncated_bodies() {
    let sb = start(10).await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    let full = raw(&sb, &path).await.bytes().await.unwrap_or_default();

    sb.faults().fail_next(1, FaultKind::Malformed);
    let r = raw(&sb, &path).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .is_ok_and(|c| c.starts_with("application/json")));
    let text = r
        .text()
        .await
        .unwrap_or_else(|e| panic!("a malformed body is still a complete message: {e}"));
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(text.as_bytes(), &full[..full.len() / 2]);

    sb.faults().fail_next(1, FaultKind::Truncated);
    let r = raw(&sb, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.content_length(), Some(full.len() as u64));
    let err = r
        .bytes()
        .await
        .err()
        .unwrap_or_else(|| panic!("the body was not cut"));
    assert!(err.is_body() || err.is_decode(), "{}", error_chain(&err));

    // Both execute the request first.
    sb.faults().fail_next(1, FaultKind::Truncated);
    let r = request(&sb, Method::POST, "/contacts/")
        .json(&create_body(&sb, "cut@example.org"))
        .send()
        .await;
    let r = r.unwrap_or_else(|e| panic!("headers arrive: {e}"));
    assert_eq!(r.status(), 201);
    assert!(r.bytes().await.is_err());
    assert!(has_email(&sb, "cut@example.org").await);
    assert_eq!(status_of(&sb, &path).await, Some(200));
}

#[tokio::test]
async fn latency_injected_statuses_and_429s() {
    let sb = start(10).await;
    let path = format!("/contacts/{}", first_id(&sb).await);
    sb.set_faults(Faults {
        latency: Duration::from_millis(120),
        ..Faults::none()
    });
    let started = Instant::now();
    assert_eq!(status_of(&sb, &path).await, Some(200));
    assert!(started.elapsed() >= Duration::from_millis(120));
    sb.set_faults(Faults::none());
    sb.faults()
        .fail_next(1, FaultKind::Delay(Duration::from_millis(100)));
    let started = Instant::now();
    assert_eq!(status_of(&sb, &path).await, Some(200));
    assert!(started.elapsed() >= Duration::from_millis(100));

    sb.faults().fail_next(1, FaultKind::Status(503));
    let (status, body) = get(&sb, &path).await;
    assert_eq!((status, body["statusCode"].as_u64()), (503, Some(503)));
    sb.faults().fail_next(1, FaultKind::RateLimited);
    let r = raw(&sb, &path).await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "retry-after")),
        (429, Some(1))
    );
    assert_eq!(
        sb.stats().rate_limited,
        0,
        "injected 429s are faults, not limits"
    );
}

#[tokio::test]
async fn stats_count_requests_by_route_and_status() {
    let sb = start(10).await;
    let id = first_id(&sb).await;
    for _ in 0..3 {
        get(&sb, &format!("/contacts/{id}")).await;
    }
    get(&sb, "/contacts/NoSuchContact0000000").await;
    get(&sb, &format!("/contacts/{id}/notes")).await;
    let (status, _) = send(bare(&sb, Method::GET, "/nope")).await;
    assert_eq!(status, 404);
    let s = sb.stats();
    assert_eq!(s.requests, 6);
    assert_eq!(s.by_route.get("GET /contacts/{contactId}"), Some(&4));
    assert_eq!(s.by_route.get("GET /contacts/{contactId}/notes"), Some(&1));
    assert_eq!(s.by_route.get("UNMATCHED"), Some(&1));
    assert_eq!(s.by_status.get(&200), Some(&4));
    assert_eq!(s.by_status.get(&400), Some(&1));
    assert_eq!(s.rate_limited, 0);
    sb.reset_stats();
    assert_eq!(sb.stats(), sandbox::SandboxStats::default());
}

#[tokio::test]
async fn recorder_is_off_by_default_and_captures_requests() {
    let sb = start(10).await;
    let id = first_id(&sb).await;
    get(&sb, &format!("/contacts/{id}")).await;
    assert!(sb.recorded_requests().is_empty());
    sb.record_requests(true);
    call(
        &sb,
        Method::POST,
        &format!("/contacts/{id}/tags"),
        Some(json!({ "tags": ["a b"] })),
    )
    .await;
    get(
        &sb,
        &format!(
            "/contacts/search/duplicate?locationId={}&number=%2B13035550142&email=a+b%40c.io",
            sb.location_id()
        ),
    )
    .await;
    sb.faults().fail_next(1, FaultKind::Reset);
    let _ = request(&sb, Method::GET, &format!("/contacts/{id}"))
        .send()
        .await;
    let recorded = sb.take_recorded_requests();
    assert_eq!(recorded.len(), 3);
    let tags = &recorded[0];
    assert_eq!(
        (tags.method.as_str(), tags.route.as_deref()),
        ("POST", Some("/contacts/{contactId}/tags"))
    );
    assert_eq!(tags.path, format!("/contacts/{id}/tags"));
    assert_eq!(tags.body, Some(json!({ "tags": ["a b"] })));
    assert_eq!(tags.header("Version"), Some(sandbox::API_VERSION));
    assert_eq!(tags.header("authorization"), Some("Bearer ***"));
    assert_eq!(tags.status, Some(201));
    let dup = &recorded[1];
    assert_eq!(dup.query_value("number"), Some("+13035550142"));
    assert_eq!(
        dup.query_value("email"),
        Some("a b@c.io"),
        "a raw + decodes to a space"
    );
    assert_eq!(dup.body, None);
    assert_eq!(recorded[2].status, None, "dropped");
    assert!(sb.recorded_requests().is_empty());
    sb.record_requests(false);
    get(&sb, &format!("/contacts/{id}")).await;
    assert!(sb.recorded_requests().is_empty());
}
