//! The search engine in-process: paging, cursors, ordering, query and filters.

use std::collections::HashSet;
use std::time::Instant;

use sandbox::search::{
    Direction, Filter, FilterField, FilterOp, SearchRequest, SortField, SortValue, Start,
};
use sandbox::{seed, Contact, Dataset, SandboxConfig};
use time::macros::datetime;

fn dataset(contacts: usize) -> Dataset {
    let config = SandboxConfig {
        contacts,
        seed: 42,
        ..SandboxConfig::default()
    };
    seed(&config, datetime!(2026-06-15 17:30:00 UTC))
}

fn sort_key(c: &Contact, field: SortField) -> SortValue {
    let ms =
        |t: time::OffsetDateTime| SortValue::Millis((t.unix_timestamp_nanos() / 1_000_000) as i64);
    match field {
        SortField::DateAdded => ms(c.date_added),
        SortField::DateUpdated => ms(c.date_updated),
        SortField::FirstNameLowerCase => SortValue::Text(c.first_name.to_lowercase()),
        SortField::LastNameLowerCase => SortValue::Text(c.last_name.to_lowercase()),
    }
}

/// Walks every page with `searchAfter` and returns the ids in order.
fn walk(d: &Dataset, mut req: SearchRequest) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut total = None;
    loop {
        let page = d.search(&req);
        assert!(page.hits.len() <= req.limit);
        match total {
            None => total = Some(page.total),
            Some(t) => assert_eq!(t, page.total, "total is stable across pages"),
        }
        let Some(last) = page.hits.last() else { break };
        req.start = Start::After(last.sort_value.clone(), last.contact.id.clone());
        ids.extend(page.hits.iter().map(|h| h.contact.id.clone()));
        assert!(ids.len() <= d.contacts.len(), "paging does not terminate");
    }
    (ids, total.unwrap_or(0))
}

#[test]
fn search_after_visits_every_contact_once_in_order() {
    let d = dataset(1000);
    for field in SortField::ALL {
        for direction in [Direction::Asc, Direction::Desc] {
            let req = SearchRequest {
                sort: field,
                direction,
                limit: 37,
                ..SearchRequest::default()
            };
            let (ids, total) = walk(&d, req);
            assert_eq!(total, 1000);
            assert_eq!(ids.len(), 1000, "{field:?} {direction:?}");
            assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1000);

            // Order is (key, id), reversed for desc, so ties are stable.
            let keys: Vec<(SortValue, &str)> = ids
                .iter()
                .map(|id| {
                    let c = d.contact(id).unwrap_or_else(|| panic!("{id}"));
                    (sort_key(c, field), c.id.as_str())
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort();
            if direction == Direction::Desc {
                expected.reverse();
            }
            assert_eq!(keys, expected, "{field:?} {direction:?}");
        }
    }
}

#[test]
fn page_paging_matches_search_after_paging() {
    let d = dataset(500);
    let (by_cursor, _) = walk(
        &d,
        SearchRequest {
            limit: 50,
            ..SearchRequest::default()
        },
    );
    let mut by_page = Vec::new();
    for page in 1..=11 {
        let p = d.search(&SearchRequest {
            limit: 50,
            start: Start::Page(page),
            ..SearchRequest::default()
        });
        assert_eq!(p.total, 500);
        by_page.extend(p.hits.iter().map(|h| h.contact.id.clone()));
    }
    assert_eq!(by_page, by_cursor);
    // Default order is newest first.
    assert_eq!(by_page[0], d.contacts[0].id);
}

#[test]
fn query_paging_with_cursor_is_complete() {
    let d = dataset(2000);
    let expected: HashSet<String> = d
        .contacts
        .iter()
        .filter(|c| c.full_name().to_lowercase().contains("an"))
        .map(|c| c.id.clone())
        .collect();
    let (ids, total) = walk(
        &d,
        SearchRequest {
            query: Some("an".into()),
            limit: 25,
            sort: SortField::LastNameLowerCase,
            direction: Direction::Asc,
            ..SearchRequest::default()
        },
    );
    let got: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(got.len(), ids.len());
    assert!(got.is_superset(&expected), "every name match is returned");
    assert_eq!(total, ids.len());
}

fn query<'d>(d: &'d Dataset, q: &str) -> Vec<&'d Contact> {
    d.search(&SearchRequest {
        query: Some(q.into()),
        limit: 100,
        ..SearchRequest::default()
    })
    .hits
    .into_iter()
    .map(|h| h.contact)
    .collect()
}

#[test]
fn query_matches_phone_digits_names_email_and_company() {
    let d = dataset(1000);
    let with_phone = d
        .contacts
        .iter()
        .find(|c| c.phone.is_some())
        .unwrap_or_else(|| panic!("no phone"));
    let phone = with_phone.phone.clone().unwrap_or_default();
    // "+13035550142" typed as "(303) 555-0142".
    let typed = format!("({}) {}-{}", &phone[2..5], &phone[5..8], &phone[8..]);
    let hits = query(&d, &typed);
    assert!(hits.iter().any(|c| c.id == with_phone.id), "{typed}");
    assert!(hits
        .iter()
        .all(|c| c.phone.as_deref() == Some(phone.as_str())));

    let loose = query(&d, "555 01");
    let total = d
        .search(&SearchRequest {
            query: Some("555 01".into()),
            ..SearchRequest::default()
        })
        .total;
    assert_eq!(
        total,
        d.contacts.iter().filter(|c| c.phone.is_some()).count()
    );
    assert!(!loose.is_empty());

    let c = &d.contacts[5];
    let name_upper = c.full_name().to_uppercase();
    assert!(
        query(&d, &name_upper).iter().any(|h| h.id == c.id),
        "case-insensitive full name"
    );
    if let Some(email) = &c.email {
        assert!(query(&d, email).iter().any(|h| h.id == c.id));
    }
    let company = d
        .contacts
        .iter()
        .find(|c| c.company_name.is_some())
        .unwrap_or_else(|| panic!("no company"));
    let name = company
        .company_name
        .as_deref()
        .unwrap_or_default()
        .to_lowercase();
    assert!(query(&d, &name).iter().any(|h| h.id == company.id));

    // Non-ASCII names match case-insensitively.
    if let Some(accented) = d.contacts.iter().find(|c| c.first_name == "Zoë") {
        assert!(query(&d, "ZOË").iter().any(|h| h.id == accented.id));
    }
    assert!(query(&d, "no such person xyz").is_empty());
}

#[test]
fn filters_narrow_results() {
    let d = dataset(1000);
    let vip = d.search(&SearchRequest {
        filters: vec![Filter::Condition {
            field: FilterField::Tags,
            op: FilterOp::Eq(vec!["vip".into()]),
        }],
        limit: 100,
        ..SearchRequest::default()
    });
    let expected = d
        .contacts
        .iter()
        .filter(|c| c.tags.iter().any(|t| t == "vip"))
        .count();
    assert_eq!(vip.total, expected);
    assert!(expected > 0);
    assert!(vip
        .hits
        .iter()
        .all(|h| h.contact.tags.iter().any(|t| t == "vip")));

    let either = d.search(&SearchRequest {
        filters: vec![Filter::Group {
            any: true,
            filters: vec![
                Filter::Condition {
                    field: FilterField::City,
                    op: FilterOp::Eq(vec!["boulder".into()]),
                },
                Filter::Condition {
                    field: FilterField::City,
                    op: FilterOp::Eq(vec!["Golden".into()]),
                },
            ],
        }],
        ..SearchRequest::default()
    });
    let expected = d
        .contacts
        .iter()
        .filter(|c| c.city == "Boulder" || c.city == "Golden")
        .count();
    assert_eq!(either.total, expected);
}

#[test]
fn search_over_100k_is_fast() {
    let d = dataset(100_000);
    // A few ms optimised; the debug budget leaves room for unoptimised builds.
    let budget_ms = if cfg!(debug_assertions) { 100.0 } else { 15.0 };
    let cases = [
        SearchRequest {
            limit: 100,
            start: Start::Page(100),
            ..SearchRequest::default()
        },
        SearchRequest {
            limit: 100,
            sort: SortField::LastNameLowerCase,
            start: Start::After(SortValue::Text("m".into()), String::new()),
            ..SearchRequest::default()
        },
        SearchRequest {
            query: Some("smith".into()),
            limit: 100,
            ..SearchRequest::default()
        },
        // Matches every contact with a phone: the worst case for counting `total`.
        SearchRequest {
            query: Some("555 01".into()),
            limit: 100,
            sort: SortField::FirstNameLowerCase,
            ..SearchRequest::default()
        },
    ];
    for req in cases {
        // Best of three: the first pass also pays for cold caches.
        let mut ms = f64::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            let page = d.search(&req);
            ms = ms.min(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(page.hits.len(), 100, "{req:?}");
        }
        eprintln!("search {:?} took {ms:.2} ms", req.query);
        assert!(ms < budget_ms, "{req:?} took {ms} ms");
    }
}
