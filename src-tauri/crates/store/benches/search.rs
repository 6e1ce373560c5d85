//! Search and list latency over a 100,000-contact cache, and upsert throughput.
//!
//! `cargo bench -p store --bench search` (set `STORE_BENCH_CONTACTS` for
//! another size). Contacts come from the sandbox's seeded generator, so names,
//! emails, phones and tags look like a real location's.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use store::{ListOrder, Store};

const QUERIES_PER_KIND: usize = 300;
const PAGE: usize = 50;

fn to_ghl(c: &sandbox::Contact) -> ghl::Contact {
    let iso = |t: time::OffsetDateTime| ghl::datetime::to_rfc3339(t);
    let v = json!({
        "id": c.id,
        "locationId": c.location_id,
        "name": c.full_name(),
        "firstName": c.first_name,
        "lastName": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "companyName": c.company_name,
        "businessId": c.business_id,
        "tags": c.tags,
        "source": c.source,
        "type": c.contact_type,
        "address1": c.address1,
        "city": c.city,
        "state": c.state,
        "postalCode": c.postal_code,
        "country": c.country,
        "timezone": c.timezone,
        "website": c.website,
        "dnd": c.dnd,
        "assignedTo": c.assigned_to,
        "customFields": c.custom_fields.iter().map(|f| json!({"id": f.id, "value": f.value})).collect::<Vec<_>>(),
        "dateAdded": iso(c.date_added),
        "dateUpdated": iso(c.date_updated),
    });
    serde_json::from_value(v).expect("contact json")
}

/// The first `n` characters of `s`.
fn chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

struct Stats(Vec<Duration>);

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort();
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i].as_secs_f64() * 1000.0
    }

    fn line(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} |",
            self.0.len(),
            self.pct(0.5),
            self.pct(0.99),
            self.pct(1.0)
        )
    }
}

/// Runs `f` three times and keeps the median time: the machine is shared, and
/// one preemption (a few ms) would otherwise decide a p99 of 300 samples.
fn median_of_3<T>(mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut times = Vec::with_capacity(3);
    let mut out = None;
    for _ in 0..3 {
        let (v, d) = time(&mut f);
        times.push(d);
        out = Some(v);
    }
    times.sort();
    (out.expect("ran"), times[1])
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// What takes the space: bytes per table and index (SQLite's `dbstat`).
fn space_by_table(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("open for dbstat");
    let mut stmt = conn
        .prepare(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 14",
        )
        .expect("dbstat");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("dbstat rows")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("dbstat rows");
    let parts: Vec<String> = rows
        .iter()
        .map(|(name, bytes)| format!("{name} {:.1} MB", *bytes as f64 / 1e6))
        .collect();
    println!("space: {}", parts.join(", "));
}

fn main() {
    let n: usize = std::env::var("STORE_BENCH_CONTACTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let anchor = time::macros::datetime!(2026-01-15 12:00 UTC);
    let dataset = sandbox::seed(
        &sandbox::SandboxConfig {
            contacts: n,
            ..Default::default()
        },
        anchor,
    );
    let contacts: Vec<ghl::Contact> = dataset.contacts.iter().map(to_ghl).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    // STORE_BENCH_DB keeps the database at that path for a closer look.
    let path = std::env::var_os("STORE_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Store::path_for(dir.path(), &dataset.location.id));
    let _ = std::fs::remove_file(&path);
    let (store, _) = Store::open(&path).expect("open");

    // Upsert throughput: batches of 1,000, one transaction each.
    let mut batch_times = Vec::new();
    let (_, total) = time(|| {
        for chunk in contacts.chunks(1000) {
            let (r, d) = time(|| store.upsert_contacts(chunk));
            r.expect("upsert");
            batch_times.push(d);
        }
    });
    let insert_rate = n as f64 / total.as_secs_f64();
    // Again, now every row exists (the refresh case).
    let mut update_times = Vec::new();
    let (_, total_upd) = time(|| {
        for chunk in contacts.chunks(1000) {
            let (r, d) = time(|| store.upsert_contacts(chunk));
            r.expect("upsert");
            update_times.push(d);
        }
    });
    let update_rate = n as f64 / total_upd.as_secs_f64();
    // And once more with every contact edited (a tag added, a newer
    // dateUpdated): the search index is rewritten for each.
    let edited: Vec<ghl::Contact> = contacts
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.tags.push("Edited".to_owned());
            c.date_updated = Some("2026-02-01T00:00:00.000Z".to_owned());
            c
        })
        .collect();
    let mut edit_times = Vec::new();
    let (_, total_edit) = time(|| {
        for chunk in edited.chunks(1000) {
            let (r, d) = time(|| store.upsert_contacts(chunk));
            r.expect("upsert");
            edit_times.push(d);
        }
    });
    let edit_rate = n as f64 / total_edit.as_secs_f64();
    // Pages of 100, the size a pull stores at once.
    let mut page_times = Vec::new();
    for chunk in contacts.chunks(100).take(200) {
        let (r, d) = time(|| store.upsert_contacts(chunk));
        r.expect("upsert");
        page_times.push(d);
    }
    // What finishing a full pull does.
    let (r, optimize_time) = time(|| store.optimize_search_index());
    r.expect("optimize");
    drop(store);
    let db_size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    space_by_table(&path);
    let (opened, open_time) = time(|| Store::open(&path).expect("reopen"));
    let store = opened.0;
    let (check, check_time) = time(|| store.quick_check().expect("quick_check"));
    assert_eq!(check, None);

    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let pick =
        |rng: &mut ChaCha8Rng| &dataset.contacts[rng.random_range(0..dataset.contacts.len())];
    let mut kinds: Vec<(&str, Vec<String>)> = Vec::new();
    let mut q = Vec::new();
    for i in 0..QUERIES_PER_KIND {
        let c = pick(&mut rng);
        let len = rng.random_range(2..=5);
        q.push(match i % 3 {
            0 => chars(&c.first_name, len),
            1 => chars(&c.last_name, len),
            _ => format!("{} {}", c.first_name, chars(&c.last_name, 1)),
        });
    }
    kinds.push(("name prefix", std::mem::take(&mut q)));
    while q.len() < QUERIES_PER_KIND {
        let c = pick(&mut rng);
        if let Some(e) = &c.email {
            q.push(chars(e, rng.random_range(3..=12)));
        }
    }
    kinds.push(("email prefix", std::mem::take(&mut q)));
    while q.len() < QUERIES_PER_KIND {
        let c = pick(&mut rng);
        if let Some(p) = &c.phone {
            let d: String = p.chars().filter(char::is_ascii_digit).collect();
            let national = &d[d.len() - 10..];
            let len = rng.random_range(4..=7);
            let start = rng.random_range(0..=10 - len);
            let s = &national[start..start + len];
            q.push(match q.len() % 4 {
                0 => s.to_owned(),
                1 => format!("{} {}", &s[..3], &s[3..]),
                2 => format!("({}) {}", &national[..3], &national[3..3 + len.min(7)]),
                _ => format!("+1{}-{}", &national[..3], &national[3..len + 3]),
            });
        }
    }
    kinds.push(("phone digits", std::mem::take(&mut q)));
    while q.len() < QUERIES_PER_KIND {
        let c = pick(&mut rng);
        if let Some(t) = c
            .tags
            .first()
            .map(|_| &c.tags[rng.random_range(0..c.tags.len())])
        {
            q.push(chars(t, rng.random_range(2..=6)));
        }
    }
    kinds.push(("tag prefix", std::mem::take(&mut q)));

    // Warm the page cache the way a running app has it.
    for (_, queries) in &kinds {
        for query in queries.iter().take(20) {
            let _ = store.search(query, ListOrder::Name, None, PAGE);
        }
    }

    let mut lines = Vec::new();
    let mut hits = Vec::new();
    for (kind, queries) in &kinds {
        let mut first = Vec::new();
        let mut next = Vec::new();
        let mut empty = 0;
        let mut slowest: Vec<(Duration, &str)> = Vec::new();
        for query in queries {
            let (page, d) = median_of_3(|| {
                store
                    .search(query, ListOrder::Name, None, PAGE)
                    .expect("search")
            });
            first.push(d);
            slowest.push((d, query));
            if page.items.is_empty() {
                empty += 1;
            }
            if let Some(c) = page.next_cursor {
                let (_, d) = median_of_3(|| {
                    store
                        .search(query, ListOrder::Name, Some(&c), PAGE)
                        .expect("search")
                });
                next.push(d);
            }
        }
        hits.push(format!(
            "{kind}: {} of {} queries found something",
            queries.len() - empty,
            queries.len()
        ));
        slowest.sort_by_key(|e| std::cmp::Reverse(e.0));
        eprintln!(
            "slowest {kind}: {}",
            slowest
                .iter()
                .take(6)
                .map(|(d, q)| format!("{q:?} {:.1} ms", d.as_secs_f64() * 1000.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        lines.push(Stats(first).line(&format!("search: {kind}, first page")));
        if !next.is_empty() {
            lines.push(Stats(next).line(&format!("search: {kind}, next page")));
        }
    }
    for order in [ListOrder::Name, ListOrder::RecentlyUpdated] {
        let mut first = Vec::new();
        for _ in 0..QUERIES_PER_KIND {
            let (_, d) = median_of_3(|| store.list(order, None, PAGE).expect("list"));
            first.push(d);
        }
        // Next pages: 300 consecutive pages from the start, then 300 from deep
        // in the list (keyset: the depth must not matter).
        let mut next = Vec::new();
        let mut cursor = store.list(order, None, PAGE).expect("list").next_cursor;
        for i in 0..(2 * QUERIES_PER_KIND) {
            if i == QUERIES_PER_KIND {
                let deep = store.list(order, None, 500).expect("list");
                let mut c = deep.next_cursor;
                for _ in 0..(n / 500 / 2) {
                    c = store
                        .list(order, c.as_deref(), 500)
                        .expect("list")
                        .next_cursor;
                }
                cursor = c;
            }
            let Some(c) = cursor.take() else { break };
            let (page, d) = median_of_3(|| store.list(order, Some(&c), PAGE).expect("list"));
            next.push(d);
            cursor = page.next_cursor;
        }
        lines.push(Stats(first).line(&format!("list {order:?}: first page")));
        lines.push(Stats(next).line(&format!("list {order:?}: next page (keyset)")));
    }
    let overview_line = overview_bench(&store, &dataset, anchor);
    let (_, count_time) = time(|| store.count().expect("count"));

    println!(
        "contacts: {n}, page size {PAGE}, database {:.1} MB",
        db_size as f64 / 1e6
    );
    println!(
        "upsert (batches of 1,000): {:.0} contacts/s inserting, {:.0}/s re-storing unchanged, {:.0}/s storing edited; batch p50 {:.1} / {:.1} / {:.1} ms",
        insert_rate,
        update_rate,
        edit_rate,
        Stats(batch_times).pct(0.5),
        Stats(update_times).pct(0.5),
        Stats(edit_times).pct(0.5)
    );
    println!(
        "upsert of a 100-contact page (edited contacts back to their original): p50 {:.2} ms, p99 {:.2} ms",
        Stats(page_times.clone()).pct(0.5),
        Stats(page_times).pct(0.99)
    );
    println!(
        "optimize_search_index (end of a full pull): {:.0} ms",
        optimize_time.as_secs_f64() * 1000.0
    );
    println!(
        "open existing (cheap checks + migrations): {:.1} ms; quick_check (background): {:.0} ms; count(): {:.2} ms",
        open_time.as_secs_f64() * 1000.0,
        check_time.as_secs_f64() * 1000.0,
        count_time.as_secs_f64() * 1000.0
    );
    println!("| operation | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|");
    for l in lines {
        println!("{l}");
    }
    println!("{overview_line}");
    for h in hits {
        println!("{h}");
    }
}

/// Contacts whose tasks and appointments are cached for the overview bench:
/// they are cached when a contact is opened, so a share of the location.
const OVERVIEW_OPENED_SHARE: usize = 20;
const OVERVIEW_RUNS: usize = 100;

/// `Store::overview` with 1 in 20 contacts opened (4 tasks, 2 appointments
/// each, due within a month either side of now): its table row, and a line
/// about what it found on stderr.
fn overview_bench(store: &Store, dataset: &sandbox::Dataset, now: time::OffsetDateTime) -> String {
    let opened = (dataset.contacts.len() / OVERVIEW_OPENED_SHARE).max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let at = |rng: &mut ChaCha8Rng| {
        let minutes = rng.random_range(-30 * 24 * 60..30 * 24 * 60);
        ghl::datetime::to_rfc3339(now + time::Duration::minutes(minutes))
    };
    for c in dataset.contacts.iter().take(opened) {
        let tasks: Vec<ghl::Task> = (0..4)
            .map(|i| {
                let v = json!({
                    "id": format!("{}-t{i}", c.id), "title": "Follow up",
                    "dueDate": at(&mut rng), "completed": rng.random_bool(0.3),
                });
                serde_json::from_value(v).expect("task json")
            })
            .collect();
        store.replace_tasks(&c.id, &tasks).expect("tasks");
        let appointments: Vec<ghl::Appointment> = (0..2)
            .map(|i| {
                let v = json!({
                    "id": format!("{}-a{i}", c.id), "title": "Visit", "startTime": at(&mut rng),
                });
                serde_json::from_value(v).expect("appointment json")
            })
            .collect();
        store
            .replace_appointments(&c.id, &appointments)
            .expect("appointments");
    }
    let today_start = now - time::Duration::hours(12);
    let window = store::OverviewWindow {
        now,
        today_start,
        today_end: today_start + time::Duration::days(1),
        week_end: today_start + time::Duration::days(7),
        limit: 50,
        recent: 10,
    };
    let mut times = Vec::with_capacity(OVERVIEW_RUNS);
    let mut found = None;
    for _ in 0..OVERVIEW_RUNS {
        let (o, d) = time(|| store.overview(&window).expect("overview"));
        times.push(d);
        found = Some(o);
    }
    let o = found.expect("ran");
    eprintln!(
        "overview: {opened} opened contacts ({} tasks, {} appointments): {} overdue, {} due today, {} appointments today, {} this week, {} recent",
        opened * 4,
        opened * 2,
        o.overdue.total,
        o.due_today.total,
        o.appointments_today.total,
        o.appointments_week.total,
        o.recently_updated.len()
    );
    Stats(times).line(&format!(
        "overview ({opened} opened contacts: {} tasks, {} appointments)",
        opened * 4,
        opened * 2
    ))
}
