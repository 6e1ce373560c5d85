//! The client against the HCP sandbox: every operation, search and paging,
//! error mapping, and the retry rules under injected faults.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{client, client_with, sandbox};
use hcp::{
    AddressInput, AddressQuery, AddressSort, ApiKey, Client, CustomerInput, CustomerQuery,
    CustomerSort, CustomerUpdate, Error, NewCustomerAddress, RetryPolicy, SortDirection,
};
use sandbox::hcp::HcpFault;
use url::Url;

#[tokio::test]
async fn lists_pages_and_walks_every_customer() {
    let sb = sandbox(57).await;
    let c = client(&sb);
    let first = c
        .list_customers(&CustomerQuery::default())
        .await
        .expect("list");
    assert_eq!((first.page, first.page_size), (1, 10), "the API's defaults");
    assert_eq!((first.total_items, first.total_pages), (57, 6));
    assert_eq!(first.customers.len(), 10);
    // Default order: newest created first.
    let created: Vec<_> = first
        .customers
        .iter()
        .map(|c| c.created().expect("time"))
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    let company = sb.company();
    assert!(first
        .customers
        .iter()
        .all(|c| c.company_name.as_deref() == Some(company.name.as_str())
            && c.company_id.as_deref() == Some(company.id.as_str())));

    let all = c
        .all_customers(CustomerQuery {
            page_size: Some(8),
            ..CustomerQuery::default()
        })
        .await
        .expect("walk");
    assert_eq!(all.len(), 57);
    let ids: HashSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 57, "no customer twice");
    let expected: HashSet<String> = sb.customers().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect());

    let mut pages = c.customer_pages(CustomerQuery {
        page: Some(6),
        page_size: Some(10),
        ..CustomerQuery::default()
    });
    let last = pages.next_page().await.expect("a page").expect("ok");
    assert_eq!(last.customers.len(), 7);
    assert!(pages.next_page().await.is_none(), "stops after total_pages");
}

#[tokio::test]
async fn sorts_by_updated_at_both_ways() {
    // Seeded a day ago, so no seeded customer counts as changed "just now".
    let sb = sandbox::hcp::HcpSandbox::start(sandbox::hcp::HcpConfig {
        customers: 30,
        anchor: Some(time::OffsetDateTime::now_utc() - time::Duration::days(1)),
        ..sandbox::hcp::HcpConfig::default()
    })
    .await
    .expect("sandbox");
    let c = client(&sb);
    let query = |direction| CustomerQuery {
        page_size: Some(30),
        sort_by: Some(CustomerSort::UpdatedAt),
        sort_direction: Some(direction),
        ..CustomerQuery::default()
    };
    let desc = c
        .list_customers(&query(SortDirection::Desc))
        .await
        .expect("desc");
    let asc = c
        .list_customers(&query(SortDirection::Asc))
        .await
        .expect("asc");
    let times = |p: &hcp::CustomersPage| -> Vec<_> {
        p.customers
            .iter()
            .map(|c| c.updated().expect("time"))
            .collect()
    };
    assert!(times(&desc).windows(2).all(|w| w[0] >= w[1]));
    assert!(times(&asc).windows(2).all(|w| w[0] <= w[1]));
    let mut reversed: Vec<_> = asc.customers.iter().map(|c| c.id.clone()).collect();
    reversed.reverse();
    assert_eq!(
        desc.customers
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>(),
        reversed
    );

    // An edit in HCP moves the customer to the top and shows up in polling.
    let oldest = asc.customers[0].id.clone();
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    sb.update_customer_field(&oldest, "notes", Some("Moved to a new house"))
        .expect("edit");
    let top = c
        .list_customers(&query(SortDirection::Desc))
        .await
        .expect("desc");
    assert_eq!(top.customers[0].id, oldest);
    assert_eq!(
        top.customers[0].notes.as_deref(),
        Some("Moved to a new house")
    );
    sb.reset_stats();
    let changed = c.customers_updated_since(before).await.expect("since");
    assert_eq!(
        changed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        vec![oldest.as_str()]
    );
    assert_eq!(sb.stats().requests, 1, "stops at the first older customer");
}

#[tokio::test]
async fn searches_by_name_email_phone_company_and_address() {
    let sb = sandbox(80).await;
    let c = client(&sb);
    let stored = sb.customers();
    let search = |q: String| {
        let c = c.clone();
        async move {
            c.all_customers(CustomerQuery {
                q: Some(q),
                ..CustomerQuery::default()
            })
            .await
            .expect("search")
        }
    };
    let target = stored
        .iter()
        .find(|c| c.email.is_some() && c.mobile_number.is_some())
        .expect("a customer with email and mobile");

    let by_email = search(target.email.clone().expect("email").to_uppercase()).await;
    assert!(by_email.iter().any(|c| c.id == target.id));

    // The mobile number written another way: E.164 finds "(303) 555-0142".
    let digits: String = target
        .mobile_number
        .as_deref()
        .expect("mobile")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let by_phone = search(format!("+1{digits}")).await;
    assert!(by_phone.iter().any(|c| c.id == target.id), "{digits}");
    assert!(by_phone
        .iter()
        .all(|c| [&c.mobile_number, &c.home_number, &c.work_number]
            .into_iter()
            .flatten()
            .any(|n| n
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .ends_with(&digits))));

    let last = target.last_name.clone().expect("last name");
    let by_name = search(last.to_lowercase()).await;
    assert!(by_name.iter().any(|c| c.id == target.id));
    assert!(by_name.len() < stored.len());

    let with_company = stored
        .iter()
        .find(|c| c.company.is_some())
        .expect("a company");
    let by_company = search(with_company.company.clone().expect("company")).await;
    assert!(by_company.iter().any(|c| c.id == with_company.id));

    let street = target.addresses[0].street.clone().expect("street");
    assert!(search(street).await.iter().any(|c| c.id == target.id));

    assert!(search("no such person zzz".into()).await.is_empty());
    // A blank query is no query.
    assert_eq!(search("   ".into()).await.len(), stored.len());
}

#[tokio::test]
async fn creates_reads_and_updates_a_customer_with_addresses() {
    let sb = sandbox(5).await;
    let c = client(&sb);
    let created = c
        .create_customer(&CustomerInput {
            first_name: Some("Ana".into()),
            last_name: Some("Ruiz".into()),
            email: Some("ana.ruiz@example.com".into()),
            mobile_number: Some("(720) 555-0111".into()),
            company: Some("Ruiz Bakery".into()),
            tags: vec!["vip".into()],
            lead_source: Some("Referral".into()),
            notes: Some("Side gate".into()),
            addresses: vec![NewCustomerAddress {
                street: Some("1 Main St".into()),
                city: Some("Denver".into()),
                state: Some("CO".into()),
                zip: Some("80202".into()),
                country: Some("US".into()),
                ..NewCustomerAddress::default()
            }],
            ..CustomerInput::default()
        })
        .await
        .expect("create");
    assert!(created.id.starts_with("cus_"));
    assert_eq!(created.full_name(), "Ana Ruiz");
    assert_eq!(created.addresses.len(), 1);
    assert_eq!(sb.stats().by_status.get(&201), Some(&1), "201 Created");
    let fetched = c.get_customer(&created.id).await.expect("get");
    assert_eq!(fetched, created);
    // The API renders whole seconds; the sandbox's own clock is finer.
    let stamp = || sb.customer(&created.id).expect("stored").updated_at;
    let created_at = stamp();

    let updated = c
        .update_customer(
            &created.id,
            &CustomerUpdate {
                email: Some(None),
                work_number: Some(Some("303.555.0177".into())),
                tags: Some(vec!["vip".into(), "maintenance plan".into()]),
                ..CustomerUpdate::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(updated.email, None);
    assert_eq!(updated.work_number.as_deref(), Some("303.555.0177"));
    assert_eq!(updated.tags, vec!["vip", "maintenance plan"]);
    assert_eq!(updated.first_name.as_deref(), Some("Ana"), "untouched");
    assert!(updated.updated() >= created.updated());
    let updated_at = stamp();
    assert!(updated_at > created_at);

    // The same update again changes nothing, not even updated_at.
    let again = c
        .update_customer(
            &created.id,
            &CustomerUpdate {
                work_number: Some(Some("303.555.0177".into())),
                ..CustomerUpdate::default()
            },
        )
        .await
        .expect("no-op update");
    assert_eq!(again.updated_at, updated.updated_at);
    assert_eq!(stamp(), updated_at);

    let address = c
        .create_address(
            &created.id,
            &AddressInput {
                street: "77 Pine Ave".into(),
                street_line_2: Some("Unit 4".into()),
                city: "Golden".into(),
                state: "CO".into(),
                zip: "80401".into(),
                country: "US".into(),
                latitude: Some(39.75),
                longitude: Some(-105.22),
            },
        )
        .await
        .expect("create address");
    assert_eq!(address.city.as_deref(), Some("Golden"));
    let page = c
        .list_addresses(
            &created.id,
            &AddressQuery {
                sort_by: Some(AddressSort::CreatedAt),
                sort_direction: Some(SortDirection::Asc),
                ..AddressQuery::default()
            },
        )
        .await
        .expect("addresses");
    assert_eq!(page.total_items, 2);
    assert_eq!(page.addresses[1].id, address.id, "oldest first");
    assert_eq!(
        c.get_address(&created.id, &address.id)
            .await
            .expect("get address"),
        address
    );
    let stored = sb.customer(&created.id).expect("stored");
    assert_eq!(stored.addresses.len(), 2);
}

#[tokio::test]
async fn errors_are_mapped_for_people() {
    let sb = sandbox(3).await;
    let c = client(&sb);
    let base = Url::parse(&sb.base_url()).expect("url");

    let wrong = Client::new(base.clone(), ApiKey::new("not-the-key")).expect("client");
    let err = wrong.verify_key().await.expect_err("wrong key");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("API key"), "{err}");
    assert!(!err.to_string().contains("not-the-key"));
    c.verify_key().await.expect("the right key works");

    let err = c.get_customer("cus_missing").await.expect_err("404");
    assert_eq!(err.code(), "not_found");
    let err = c
        .get_address(&sb.customers()[0].id, "adr_missing")
        .await
        .expect_err("404");
    assert_eq!(err.code(), "not_found");

    // The API's own validation (the client does not check tag names).
    let err = c
        .update_customer(
            &sb.customers()[0].id,
            &CustomerUpdate {
                tags: Some(vec![" ".into()]),
                ..CustomerUpdate::default()
            },
        )
        .await
        .expect_err("422");
    assert!(
        matches!(&err, Error::Validation { message } if message.contains("tags")),
        "{err:?}"
    );

    // The client's own checks: nothing is sent.
    sb.reset_stats();
    let err = c
        .create_customer(&CustomerInput {
            company: Some("Only a company".into()),
            ..CustomerInput::default()
        })
        .await
        .expect_err("no identity");
    assert!(matches!(err, Error::InvalidInput { .. }));
    let err = c
        .create_customer(&CustomerInput {
            email: Some("ana@@example".into()),
            ..CustomerInput::default()
        })
        .await
        .expect_err("bad email");
    assert!(err.to_string().contains("email"), "{err}");
    let err = c
        .list_customers(&CustomerQuery {
            page: Some(0),
            ..CustomerQuery::default()
        })
        .await
        .expect_err("page 0");
    assert_eq!(err.code(), "validation");
    assert_eq!(sb.stats().requests, 0);
}

#[tokio::test]
async fn reads_and_updates_are_retried_after_5xx_and_429() {
    let sb = sandbox(3).await;
    let c = client(&sb);
    let id = sb.customers()[0].id.clone();

    sb.fail_next(HcpFault::Status(503));
    sb.fail_next(HcpFault::Status(502));
    c.get_customer(&id).await.expect("third try works");
    assert_eq!(c.stats().retries, 2);

    sb.fail_next(HcpFault::RateLimited {
        retry_after_secs: Some(1),
    });
    let started = Instant::now();
    c.list_customers(&CustomerQuery::default())
        .await
        .expect("after the pause");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(c.stats().rate_limited_responses, 1);

    // A PUT whose answer is lost is simply repeated: it is idempotent.
    sb.fail_next_with_method("PUT", HcpFault::StatusAfterWrite(500), 1);
    let updated = c
        .update_customer(
            &id,
            &CustomerUpdate {
                notes: Some("Repeated safely".into()),
                ..CustomerUpdate::default()
            },
        )
        .await
        .expect("retried");
    assert_eq!(updated.notes.as_deref(), Some("Repeated safely"));

    // Too many failures: the last error comes back.
    for _ in 0..3 {
        sb.fail_next(HcpFault::Status(500));
    }
    let err = c.get_customer(&id).await.expect_err("gave up");
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert!(err.is_retryable());

    // A Retry-After beyond the policy's limit is returned at once.
    sb.fail_next(HcpFault::RateLimited {
        retry_after_secs: Some(600),
    });
    let started = Instant::now();
    let err = c.get_customer(&id).await.expect_err("too long to wait");
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(600)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn creates_are_never_repeated_blindly() {
    let sb = sandbox(3).await;
    let c = client(&sb);
    let input = CustomerInput {
        first_name: Some("Once".into()),
        email: Some("once@example.com".into()),
        ..CustomerInput::default()
    };
    let count = |email: &str| {
        sb.customers()
            .iter()
            .filter(|c| c.email.as_deref() == Some(email))
            .count()
    };

    // 429 on a POST: refused, not applied, not repeated.
    sb.reset_stats();
    sb.fail_next(HcpFault::RateLimited {
        retry_after_secs: Some(1),
    });
    let err = c.create_customer(&input).await.expect_err("429");
    assert!(
        matches!(
            err,
            Error::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{err:?}"
    );
    assert_eq!(sb.stats().requests, 1);
    assert_eq!(count("once@example.com"), 0);

    // The create happened but the answer was a 500: outcome unknown, one record.
    sb.fail_next(HcpFault::StatusAfterWrite(500));
    let err = c.create_customer(&input).await.expect_err("ambiguous");
    assert!(
        matches!(&err, Error::OutcomeUnknown { operation: "create_customer", cause } if matches!(**cause, Error::Api { status: 500, .. })),
        "{err:?}"
    );
    assert_eq!(err.code(), "outcome_unknown");
    assert_eq!(count("once@example.com"), 1, "not repeated");

    // A create that times out is ambiguous too.
    let slow = client_with(&sb, |cfg| cfg.with_timeout(Duration::from_millis(300)));
    sb.fail_next(HcpFault::Delay(Duration::from_secs(2)));
    let err = slow
        .create_address(
            &sb.customers()[0].id,
            &AddressInput {
                street: "1 Slow Rd".into(),
                city: "Denver".into(),
                state: "CO".into(),
                zip: "80202".into(),
                country: "US".into(),
                ..AddressInput::default()
            },
        )
        .await
        .expect_err("timeout");
    assert!(
        matches!(&err, Error::OutcomeUnknown { operation: "create_address", cause } if matches!(**cause, Error::Timeout)),
        "{err:?}"
    );
}

#[tokio::test]
async fn timeouts_and_a_server_that_is_gone() {
    let mut sb = sandbox(3).await;
    let c = client_with(&sb, |cfg| {
        cfg.with_timeout(Duration::from_millis(200))
            .with_retry_policy(RetryPolicy::none())
    });
    sb.set_latency(Duration::from_millis(600));
    let err = c.verify_key().await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(err.code(), "timeout");
    sb.clear_faults();
    c.verify_key().await.expect("fast again");

    sb.stop().await;
    let err = c.verify_key().await.expect_err("gone");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    // A create that could not even connect was provably not applied.
    let err = c
        .create_customer(&CustomerInput {
            first_name: Some("Offline".into()),
            ..CustomerInput::default()
        })
        .await
        .expect_err("gone");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    sb.resume().await.expect("resume");
    c.verify_key().await.expect("back");
}
