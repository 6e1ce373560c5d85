//! Unit tests on real SQLite files in temporary folders.

use std::collections::HashSet;

use ghl::{Appointment, Contact, Note, Task};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::search::Query;
use crate::*;

pub(crate) fn contact(v: Value) -> Contact {
    serde_json::from_value(v).expect("valid contact json")
}

fn person(id: &str, first: &str, last: &str, email: &str, phone: &str, updated: &str) -> Contact {
    contact(json!({
        "id": id, "firstName": first, "lastName": last, "email": email, "phone": phone,
        "dateAdded": "2024-01-01T00:00:00.000Z", "dateUpdated": updated,
        "tags": [], "customFields": [{"id": "cf1", "value": 3}], "dndSettings": {"sms": {"status": "active"}}
    }))
}

fn fresh() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, opened) = Store::open(Store::path_for(dir.path(), "loc1")).unwrap();
    assert_eq!(opened, Opened::Fresh);
    (dir, store)
}

fn ids(page: &Page) -> Vec<&str> {
    page.items.iter().map(|r| r.id.as_str()).collect()
}

fn search_ids(store: &Store, q: &str) -> Vec<String> {
    walk(|cursor| store.search(q, ListOrder::Name, cursor, 7))
}

/// Every id of a paged walk, checking that pages never repeat an id.
fn walk(mut page: impl FnMut(Option<&str>) -> Result<Page>) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = page(cursor.as_deref()).unwrap();
        for r in &p.items {
            assert!(seen.insert(r.id.clone()), "{} repeated", r.id);
            out.push(r.id.clone());
        }
        match p.next_cursor {
            Some(c) => {
                assert!(!p.items.is_empty());
                cursor = Some(c);
            }
            None => return out,
        }
    }
}

#[test]
fn fts5_is_compiled_in() {
    let (_dir, store) = fresh();
    let used: i64 = store
        .read(|c| {
            Ok(
                c.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(used, 1);
}

#[test]
fn path_for_keeps_ids_inside_the_folder() {
    let base = std::path::Path::new("/data");
    assert_eq!(
        Store::path_for(base, "abc123"),
        std::path::Path::new("/data/locations/abc123.sqlite3")
    );
    assert_eq!(
        Store::path_for(base, "../../etc/x"),
        std::path::Path::new("/data/locations/______etc_x.sqlite3")
    );
}

#[test]
fn opens_fresh_then_existing_with_wal_and_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = Store::path_for(dir.path(), "loc");
    {
        let (store, opened) = Store::open(&path).unwrap();
        assert_eq!(opened, Opened::Fresh);
        store
            .upsert_contacts(&[person(
                "a",
                "Ann",
                "Lee",
                "ann@x.com",
                "",
                "2024-01-02T00:00:00Z",
            )])
            .unwrap();
    }
    let (store, opened) = Store::open(&path).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(store.count().unwrap(), 1);
    store
        .read(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            assert_eq!(sync, 1, "NORMAL");
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            assert_eq!(fk, 1);
            assert_eq!(schema::user_version(c)?, SCHEMA_VERSION);
            Ok(())
        })
        .unwrap();
}

#[test]
fn migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("m.sqlite3")).unwrap();
    schema::migrate(&mut conn).unwrap();
    schema::migrate(&mut conn).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), SCHEMA_VERSION);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
             ('meta','contacts','contact_json','tasks','notes','appointments','pull_state','outbox')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 8);
}

fn assert_rebuilt(dir: &TempDir, path: &std::path::Path, original: &[u8], reason_has: &str) {
    let (store, opened) = Store::open(path).unwrap();
    let Opened::Rebuilt { kept_aside, reason } = opened else {
        panic!("expected a rebuild, got {opened:?}");
    };
    assert!(reason.contains(reason_has), "{reason}");
    assert_eq!(kept_aside.parent(), path.parent());
    let name = kept_aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("loc.sqlite3.corrupt-"), "{name}");
    assert!(name.ends_with('Z'), "{name}");
    assert!(
        std::fs::read(&kept_aside).unwrap() == original,
        "kept aside unchanged"
    );
    // The new cache works.
    assert_eq!(store.count().unwrap(), 0);
    store
        .upsert_contacts(&[person("a", "Ann", "Lee", "", "", "2024-01-01T00:00:00Z")])
        .unwrap();
    assert_eq!(store.count().unwrap(), 1);
    drop(store);
    let (_, again) = Store::open(path).unwrap();
    assert_eq!(again, Opened::Existing);
    let _ = dir;
}

#[test]
fn random_bytes_are_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    std::fs::write(dir.path().join("loc.sqlite3-wal"), b"junk wal").unwrap();
    assert_rebuilt(&dir, &path, &bytes, "not a database");
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt") && n.ends_with("-wal"))
        .collect();
    assert_eq!(kept.len(), 1, "the wal was moved aside with the file");
}

#[test]
fn truncated_database_is_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    {
        let (store, _) = Store::open(&path).unwrap();
        let many: Vec<Contact> = (0..3000)
            .map(|i| {
                person(
                    &format!("c{i}"),
                    "Ann",
                    &format!("Lee{i}"),
                    &format!("a{i}@x.com"),
                    "+15550100",
                    "2024-01-01T00:00:00Z",
                )
            })
            .collect();
        store.upsert_contacts(&many).unwrap();
    } // Closing the last connection checkpoints the WAL into the file.
    assert!(!dir.path().join("loc.sqlite3-wal").exists());
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > 200_000);
    let cut = &full[..full.len() / 2];
    std::fs::write(&path, cut).unwrap();
    assert_rebuilt(&dir, &path, cut, "");
}

/// Damage deep inside the file is not looked for on open (that would read
/// every page); `quick_check` finds it and `rebuild` sets the file aside.
#[test]
fn damage_inside_the_file_is_found_by_quick_check_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    {
        let (store, _) = Store::open(&path).unwrap();
        let many: Vec<Contact> = (0..3000)
            .map(|i| {
                person(
                    &format!("c{i}"),
                    "Ann",
                    &format!("Lee{i}"),
                    &format!("a{i}@x.com"),
                    "+15550100",
                    "2024-01-01T00:00:00Z",
                )
            })
            .collect();
        store.upsert_contacts(&many).unwrap();
        assert_eq!(store.quick_check().unwrap(), None, "a sound file passes");
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    for b in &mut bytes[middle..middle + 3 * page] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let started = std::time::Instant::now();
    let (store, opened) = Store::open(&path).unwrap();
    assert_eq!(opened, Opened::Existing, "open only reads a few pages");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let reason = store.quick_check().unwrap().expect("damage found");
    // Reading through the damage says so in a way the app can act on.
    let walked = (|| -> Result<()> {
        let mut cursor: Option<String> = None;
        loop {
            let p = store.list(ListOrder::RecentlyUpdated, cursor.as_deref(), 500)?;
            for r in &p.items {
                store.contact(&r.id)?;
            }
            match p.next_cursor {
                Some(c) => cursor = Some(c),
                None => return Ok(()),
            }
        }
    })();
    if let Err(e) = walked {
        assert_eq!(e.code(), "cache_damaged", "{e}");
    }
    let (store, opened) = store.rebuild(&reason).unwrap();
    let Opened::Rebuilt { kept_aside, .. } = opened else {
        panic!("expected a rebuild, got {opened:?}");
    };
    assert_eq!(
        std::fs::read(&kept_aside).unwrap(),
        bytes,
        "kept aside unchanged"
    );
    assert_eq!(store.count().unwrap(), 0);
    assert_eq!(store.quick_check().unwrap(), None);
}

#[test]
fn a_development_schema_is_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (rid INTEGER PRIMARY KEY, id TEXT);
             CREATE TABLE phone_suffixes (suffix TEXT, rid INTEGER);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let original = std::fs::read(&path).unwrap();
    assert_rebuilt(&dir, &path, &original, "development version");
}

#[test]
fn newer_schema_is_set_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        ))
        .unwrap();
    }
    let original = std::fs::read(&path).unwrap();
    assert_rebuilt(&dir, &path, &original, "newer version");
}

#[test]
fn unreadable_folder_is_an_error_not_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: nothing can be created there.
    std::fs::write(dir.path().join("locations"), b"x").unwrap();
    let err = Store::open(Store::path_for(dir.path(), "loc")).unwrap_err();
    assert_eq!(err.code(), "cache_io");
}

#[test]
fn upserts_reads_and_deletes_contacts() {
    let (_dir, store) = fresh();
    let a = person(
        "a",
        "José",
        "Núñez",
        "jose@example.com",
        "+1 (303) 555-0142",
        "2024-03-01T10:00:00.000Z",
    );
    let b = person(
        "b",
        "Ann",
        "Lee",
        "ann@example.com",
        "",
        "2024-03-02T10:00:00.000Z",
    );
    assert_eq!(store.upsert_contacts(&[a.clone(), b.clone()]).unwrap(), 2);
    assert_eq!(store.count().unwrap(), 2);
    // Nothing lost: unknown fields and custom fields come back.
    assert_eq!(store.contact("a").unwrap().unwrap(), a);
    let row = store.contact_row("a").unwrap().unwrap();
    assert_eq!(row.display_name, "José Núñez");
    assert_eq!(row.phone.as_deref(), Some("+1 (303) 555-0142"));
    assert!(store.contact("zzz").unwrap().is_none());

    // An update replaces the row and its index entries.
    let mut a2 = a.clone();
    a2.last_name = Some("Smith".into());
    a2.date_updated = Some("2024-03-05T10:00:00.000Z".into());
    store.upsert_contact(&a2).unwrap();
    assert_eq!(store.count().unwrap(), 2);
    assert_eq!(search_ids(&store, "smith"), ["a"]);
    assert!(search_ids(&store, "nunez").is_empty());

    // An older copy (a slow pull page) does not undo a newer one.
    assert_eq!(store.upsert_contacts(std::slice::from_ref(&a)).unwrap(), 0);
    assert_eq!(store.contact("a").unwrap().unwrap(), a2);

    store.replace_tasks("a", &[task("t1", "Call")]).unwrap();
    assert_eq!(
        store.delete_contacts(&["a".into(), "nope".into()]).unwrap(),
        1
    );
    assert_eq!(store.count().unwrap(), 1);
    assert!(store.contact("a").unwrap().is_none());
    assert!(store.tasks("a").unwrap().is_none());
    assert!(search_ids(&store, "smith").is_empty());
    let orphans: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM contact_json", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(orphans, 1);
}

fn task(id: &str, title: &str) -> Task {
    serde_json::from_value(
        json!({"id": id, "title": title, "completed": false, "contactId": "a", "x": 1}),
    )
    .unwrap()
}

fn note(id: &str, body: &str) -> Note {
    serde_json::from_value(json!({"id": id, "body": body, "contactId": "a"})).unwrap()
}

#[test]
fn related_records_are_replaced_and_edited_per_contact() {
    let (_dir, store) = fresh();
    assert!(store.tasks("a").unwrap().is_none(), "never fetched");
    store.replace_tasks("a", &[]).unwrap();
    assert!(
        store.tasks("a").unwrap().unwrap().items.is_empty(),
        "fetched, none"
    );
    store
        .replace_tasks("a", &[task("t2", "Second"), task("t1", "First")])
        .unwrap();
    store.replace_tasks("b", &[task("t9", "Other")]).unwrap();
    let got = store.tasks("a").unwrap().unwrap();
    assert_eq!(
        got.items,
        [task("t2", "Second"), task("t1", "First")],
        "server order kept"
    );
    store
        .upsert_task("a", &task("t1", "First, renamed"))
        .unwrap();
    store.upsert_task("a", &task("t3", "Third")).unwrap();
    let titles: Vec<_> = store
        .tasks("a")
        .unwrap()
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.title.unwrap())
        .collect();
    assert_eq!(titles, ["Second", "First, renamed", "Third"]);
    assert!(store.delete_task("a", "t2").unwrap());
    assert!(!store.delete_task("a", "t2").unwrap());
    assert_eq!(store.tasks("a").unwrap().unwrap().items.len(), 2);
    assert_eq!(store.tasks("b").unwrap().unwrap().items.len(), 1);

    store.replace_notes("a", &[note("n1", "hello")]).unwrap();
    store.upsert_note("a", &note("n2", "again")).unwrap();
    assert!(store.delete_note("a", "n1").unwrap());
    assert_eq!(
        store.notes("a").unwrap().unwrap().items,
        [note("n2", "again")]
    );

    let appt: Appointment = serde_json::from_value(
        json!({"id": "p1", "title": "Visit", "startTime": "2024-05-01 10:00:00"}),
    )
    .unwrap();
    store
        .replace_appointments("a", std::slice::from_ref(&appt))
        .unwrap();
    let cached = store.appointments("a").unwrap().unwrap();
    assert_eq!(cached.items, [appt]);
    assert!(cached.fetched_at <= time::OffsetDateTime::now_utc());
}

/// Contacts with deliberate ties in name and update time.
fn tied_contacts(n: usize) -> Vec<Contact> {
    (0..n)
        .map(|i| {
            person(
                &format!("id{:04}", (i * 7919) % 10_000),
                ["Ann", "Bob", "Émile", "ann", "Zoë"][i % 5],
                ["Lee", "Lee", "Ng", "Ortiz"][i % 4],
                &format!("u{i}@example.com"),
                &format!("+1303555{:04}", i),
                &format!("2024-02-{:02}T00:00:00.000Z", 1 + i % 3),
            )
        })
        .collect()
}

#[test]
fn list_walks_every_contact_once_in_both_orders() {
    let (_dir, store) = fresh();
    let all = tied_contacts(203);
    store.upsert_contacts(&all).unwrap();
    for order in [ListOrder::Name, ListOrder::RecentlyUpdated] {
        for limit in [1, 10, 50, 500] {
            let got = walk(|c| store.list(order, c, limit));
            assert_eq!(got.len(), 203, "{order:?} {limit}");
        }
    }
    // Name order: folded sort key, then id.
    let rows = store.list(ListOrder::Name, None, 500).unwrap().items;
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| (text::sort_key(&r.display_name), r.id.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(rows[0].display_name.to_lowercase().starts_with("ann"));
    assert!(
        rows.iter()
            .position(|r| r.display_name.starts_with("Émile"))
            < rows.iter().position(|r| r.display_name.starts_with("Zoë"))
    );
    // Recently updated: date descending, then id.
    let rows = store
        .list(ListOrder::RecentlyUpdated, None, 500)
        .unwrap()
        .items;
    let keys: Vec<(std::cmp::Reverse<String>, String)> = rows
        .iter()
        .map(|r| {
            (
                std::cmp::Reverse(r.date_updated.clone().unwrap()),
                r.id.clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn list_pages_survive_inserts_between_pages() {
    let (_dir, store) = fresh();
    store.upsert_contacts(&tied_contacts(40)).unwrap();
    let first = store.list(ListOrder::Name, None, 10).unwrap();
    // A contact sorting before the cursor arrives: the next page neither repeats nor skips.
    store
        .upsert_contacts(&[person("new", "Aaron", "A", "", "", "2024-02-01T00:00:00Z")])
        .unwrap();
    let second = store
        .list(ListOrder::Name, first.next_cursor.as_deref(), 10)
        .unwrap();
    let mut seen: HashSet<&str> = ids(&first).into_iter().collect();
    assert!(ids(&second).iter().all(|id| seen.insert(id)));
    let all = store.list(ListOrder::Name, None, 500).unwrap();
    let pos = |id: &str| ids(&all).iter().position(|x| *x == id).unwrap();
    assert_eq!(pos(ids(&second)[0]), pos(ids(&first)[9]) + 1);
}

#[test]
fn cursors_are_checked() {
    let (_dir, store) = fresh();
    store.upsert_contacts(&tied_contacts(30)).unwrap();
    let by_name = store
        .list(ListOrder::Name, None, 5)
        .unwrap()
        .next_cursor
        .unwrap();
    assert!(matches!(
        store.list(ListOrder::RecentlyUpdated, Some(&by_name), 5),
        Err(Error::InvalidCursor)
    ));
    assert!(matches!(
        store.list(ListOrder::Name, Some("nonsense"), 5),
        Err(Error::InvalidCursor)
    ));
    assert!(matches!(
        store.search("ann", ListOrder::Name, Some(&by_name), 5),
        Err(Error::InvalidCursor)
    ));
}

fn search_fixture() -> (TempDir, Store) {
    let (dir, store) = fresh();
    let c = |id: &str, v: Value| {
        let mut v = v;
        v["id"] = json!(id);
        v["dateUpdated"] = json!("2024-01-01T00:00:00.000Z");
        contact(v)
    };
    store
        .upsert_contacts(&[
            c("lee", json!({"firstName": "Ann", "lastName": "Lee", "email": "ann.lee@example.com", "phone": "+13035550142", "tags": ["VIP customer"]})),
            c("leeann", json!({"firstName": "Lee", "lastName": "Annan", "email": "lee@annan.org", "phone": "(720) 555-0199"})),
            c("jose", json!({"firstName": "José", "lastName": "Núñez", "email": "jnunez@correo.mx", "phone": "+525512345678", "companyName": "Plomería Núñez"})),
            c("acme", json!({"firstName": "Bea", "lastName": "Cole", "email": "bea@acme.com", "companyName": "Acme Roofing", "tags": ["new lead", "roof"]})),
            c("nophone", json!({"firstName": "Carl", "lastName": "Anders", "email": "carl@anders.dk", "tags": ["annual plan"]})),
            c("local", json!({"firstName": "Dee", "lastName": "Local", "phone": "555-0123"})),
            c("company_only", json!({"companyName": "Annex Builders", "email": "office@annex.com"})),
        ])
        .unwrap();
    (dir, store)
}

#[test]
fn search_names_by_word_prefix_with_accents_folded() {
    let (_dir, store) = search_fixture();
    // Every word starts a name word: Lee Annan matches too, after the
    // display-name prefix match.
    assert_eq!(search_ids(&store, "ann le"), ["lee", "leeann"]);
    assert_eq!(search_ids(&store, "Ann Lee"), ["lee", "leeann"]);
    assert_eq!(
        search_ids(&store, "lee ann"),
        ["leeann", "lee"],
        "display-name prefix first"
    );
    assert_eq!(search_ids(&store, "jose"), ["jose"]);
    assert_eq!(search_ids(&store, "JOSÉ nú"), ["jose"]);
    assert_eq!(search_ids(&store, "nunez"), ["jose"]);
    assert!(search_ids(&store, "xavier").is_empty());
}

#[test]
fn search_ranks_name_matches_before_other_fields() {
    let (_dir, store) = search_fixture();
    // "ann": display starts with it (Ann Lee, Annex Builders), then a name word
    // (Lee Annan), then email/company/tag matches (Carl: tag "annual plan").
    assert_eq!(
        search_ids(&store, "ann"),
        ["lee", "company_only", "leeann", "nophone"]
    );
}

#[test]
fn search_email_company_and_tags() {
    let (_dir, store) = search_fixture();
    assert_eq!(search_ids(&store, "ann.lee@ex"), ["lee"]);
    assert_eq!(search_ids(&store, "lee@annan"), ["leeann"]);
    assert_eq!(search_ids(&store, "bea@acme.com"), ["acme"]);
    assert_eq!(search_ids(&store, "acme.c"), ["acme"]);
    assert_eq!(
        search_ids(&store, "acme roof"),
        ["acme"],
        "company words by prefix"
    );
    assert_eq!(search_ids(&store, "plomeria"), ["jose"]);
    assert_eq!(search_ids(&store, "vip"), ["lee"]);
    assert_eq!(search_ids(&store, "vip cust"), ["lee"]);
    assert_eq!(search_ids(&store, "new le"), ["acme"]);
    // A phrase never spans two tags.
    assert!(search_ids(&store, "lead roof").is_empty());
}

#[test]
fn search_phone_digits_typed_any_way() {
    let (_dir, store) = search_fixture();
    for typed in ["555 01", "(555) 01", "555-01", "55501"] {
        assert_eq!(
            search_ids(&store, typed),
            ["lee", "leeann", "local"],
            "{typed}: tier 2, in the order they were cached"
        );
    }
    assert_eq!(search_ids(&store, "555-0123"), ["local"]);
    assert_eq!(
        search_ids(&store, "+1 555 0123"),
        ["local"],
        "country code of a number stored without it"
    );
    assert_eq!(search_ids(&store, "+1303555"), ["lee"]);
    assert_eq!(search_ids(&store, "303-555-0142"), ["lee"]);
    assert_eq!(search_ids(&store, "13035550142"), ["lee"]);
    assert_eq!(search_ids(&store, "(720) 555"), ["leeann"]);
    assert_eq!(search_ids(&store, "55 12345"), ["jose"]);
    assert!(search_ids(&store, "999").is_empty());
    // Too few digits to mean a phone number.
    assert!(search_ids(&store, "55").is_empty());
}

#[test]
fn search_with_blank_query_lists_in_the_chosen_order() {
    let (_dir, store) = search_fixture();
    let listed = store.list(ListOrder::RecentlyUpdated, None, 100).unwrap();
    assert_eq!(
        store
            .search("   ", ListOrder::RecentlyUpdated, None, 100)
            .unwrap(),
        listed
    );
}

#[test]
fn query_parsing() {
    let q = Query::parse("+1 (555) 01", "1");
    assert_eq!(q.tier("zzz", "\u{1}\u{1}\u{1}\u{1}4155550100"), Some(2));
    assert_eq!(
        q.tier("zzz", "\u{1}\u{1}\u{1}\u{1}5550100"),
        Some(2),
        "without country code"
    );
    assert_eq!(q.tier("zzz", "\u{1}\u{1}\u{1}\u{1}4155550200"), None);
    assert!(Query::parse(" ", "1").is_empty());
    assert!(!Query::parse("ab", "1").is_empty());
}

/// Pages of every tier are exact, whatever the number of matches: tier 0 in
/// name order, tiers 1 and 2 in the order contacts were first cached.
#[test]
fn tiers_page_exactly_for_few_and_many_matches() {
    let (_dir, store) = fresh();
    let n = 4000;
    let all: Vec<Contact> = (0..n)
        .map(|i| {
            let mut c = person(
                &format!("c{i:05}"),
                ["Mia", "Noah", "Olga", "Pete", "Ruth"][i % 5],
                &format!("Stone{}", i % 97),
                &format!("p{i}@mail.test"),
                &format!("+1720555{:04}", i),
                "2024-01-01T00:00:00Z",
            );
            // Every 2nd contact: many matches; every 1000th: few.
            if i % 2 == 0 {
                c.tags.push("gold member".into());
            }
            if i % 1000 == 0 {
                c.tags.push("platinum".into());
            }
            c
        })
        .collect();
    // Stored in several batches, in a shuffled order: the cached order is
    // the order of first storing.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|i| (i * 7919) % n);
    let shuffled: Vec<Contact> = order.iter().map(|&i| all[i].clone()).collect();
    for chunk in shuffled.chunks(333) {
        store.upsert_contacts(chunk).unwrap();
    }
    let cached = |pred: &dyn Fn(&Contact) -> bool| {
        shuffled
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    let by_name = |pred: &dyn Fn(&Contact) -> bool| {
        let mut v: Vec<(String, String)> = all
            .iter()
            .filter(|c| pred(c))
            .map(|c| (text::sort_key(&c.display_name()), c.id.clone()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    let gold = cached(&|c| c.tags.iter().any(|t| t == "gold member"));
    assert_eq!(gold.len(), 2000);
    assert_eq!(walk(|c| store.search("gold", ListOrder::Name, c, 37)), gold);
    let plat = cached(&|c| c.tags.iter().any(|t| t == "platinum"));
    assert_eq!(walk(|c| store.search("plat", ListOrder::Name, c, 3)), plat);
    // Phone: "555" is in every number, "5550999" in one.
    assert_eq!(
        walk(|c| store.search("555", ListOrder::Name, c, 100)),
        cached(&|_| true)
    );
    assert_eq!(
        walk(|c| store.search("555-0999", ListOrder::Name, c, 100)),
        ["c00999"]
    );
    // "stone1": no display name starts with it (tier 0 empty); Stone1 and
    // Stone10..19 are tier 1.
    let stone1 = cached(&|c| c.last_name.as_deref().unwrap().starts_with("Stone1"));
    assert_eq!(
        walk(|c| store.search("stone1", ListOrder::Name, c, 50)),
        stone1
    );
    // "mia": tier 0 (Mia …, name order), then tier 2 (no Mia in other
    // fields): exactly the Mias.
    let mia = by_name(&|c| c.first_name.as_deref() == Some("Mia"));
    assert_eq!(walk(|c| store.search("mia", ListOrder::Name, c, 64)), mia);
    // Tier 0 then tier 1 across one page boundary: "pete stone1" has
    // display-name matches and no others; "stone1 pete" only tier 1.
    let pete1 = by_name(&|c| {
        c.first_name.as_deref() == Some("Pete")
            && c.last_name.as_deref().unwrap().starts_with("Stone1")
    });
    assert_eq!(
        walk(|c| store.search("pete stone1", ListOrder::Name, c, 5)),
        pete1
    );
    let pete1_cached = cached(&|c| {
        c.first_name.as_deref() == Some("Pete")
            && c.last_name.as_deref().unwrap().starts_with("Stone1")
    });
    assert_eq!(
        walk(|c| store.search("stone1 pete", ListOrder::Name, c, 5)),
        pete1_cached
    );
}

fn plan(store: &Store, sql: &str, params: &[&dyn rusqlite::ToSql]) -> String {
    store
        .read(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let rows = stmt.query_map(params, |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
        })
        .unwrap()
}

#[test]
fn no_query_scans_the_contacts_table() {
    let (_dir, store) = fresh();
    store.upsert_contacts(&tied_contacts(50)).unwrap();
    let words = "\"ann\"*";
    let mut plans: Vec<(&str, String)> = vec![
        (
            "range",
            plan(
                &store,
                &search::range_sql(),
                &[&"ann", &"annz", &"a", &"b", &10i64],
            ),
        ),
        (
            "names",
            plan(&store, search::NAME_CANDIDATES, &[&words, &5i64]),
        ),
        (
            "others",
            plan(&store, search::OTHER_CANDIDATES, &[&words, &5i64, &words]),
        ),
        (
            "phones",
            plan(&store, search::PHONE_CANDIDATES, &[&"\"555\"*", &5i64]),
        ),
        ("row", plan(&store, &search::row_sql(), &[&5i64])),
    ];
    for order in [ListOrder::Name, ListOrder::RecentlyUpdated] {
        plans.push((
            "list",
            plan(&store, &contacts::list_sql(order, false), &[&10i64]),
        ));
        let p: Vec<&dyn rusqlite::ToSql> = vec![&5i64, &"x", &10i64];
        plans.push(("list", plan(&store, &contacts::list_sql(order, true), &p)));
        if order == ListOrder::RecentlyUpdated {
            let p: Vec<&dyn rusqlite::ToSql> = vec![&5i64, &10i64];
            plans.push(("list", plan(&store, &contacts::recent_after_sql(), &p)));
        }
    }
    for (what, p) in &plans {
        for line in p.lines() {
            let full_scan = line.starts_with("SCAN ")
                && !line.contains("USING")
                && !line.contains("VIRTUAL TABLE");
            assert!(!full_scan, "{what}: {p}");
        }
        // Every page is read in index order: never a sort of all matches.
        assert!(!p.contains("TEMP B-TREE"), "{what}: {p}");
    }
    let find = |what: &str| plans.iter().find(|(w, _)| *w == what).unwrap().1.clone();
    assert!(
        find("range").contains("USING INDEX contacts_by_name"),
        "{}",
        find("range")
    );
    assert!(find("names").contains("names_fts VIRTUAL TABLE INDEX"));
    let others = find("others");
    assert!(
        others.contains("others_fts VIRTUAL TABLE INDEX")
            && others.contains("names_fts VIRTUAL TABLE INDEX"),
        "{others}"
    );
    assert!(find("phones").contains("phones_fts VIRTUAL TABLE INDEX"));
    assert!(find("row").contains("USING INTEGER PRIMARY KEY"));
}

/// The FTS expression of each tier selects that tier: what the matcher
/// drops is only what FTS5 cannot tell (a phrase across two tags).
#[test]
fn fts_candidates_are_the_tiers() {
    let (_dir, store) = search_fixture();
    let candidates = |sql: &str, expr: &str, names: Option<&str>| -> Vec<i64> {
        store
            .read(|c| {
                let mut stmt = c.prepare(sql)?;
                let get = |r: &rusqlite::Row<'_>| r.get::<_, i64>(0);
                let rows = match names {
                    Some(n) => stmt
                        .query_map(rusqlite::params![expr, 0, n], get)?
                        .collect::<rusqlite::Result<Vec<i64>>>()?,
                    None => stmt
                        .query_map(rusqlite::params![expr, 0], get)?
                        .collect::<rusqlite::Result<Vec<i64>>>()?,
                };
                Ok(rows)
            })
            .unwrap()
    };
    // "ann": Ann Lee and Annex Builders start with it (tier 0); Lee Annan
    // has it as a later name word (tier 1); Carl's tag "annual plan" and
    // the annex.com email are other fields (tier 2, but Annex Builders is a
    // name match, so only Carl).
    let q = Query::parse("ann", "1");
    let tier1 = candidates(search::NAME_CANDIDATES, "(\"ann\"*) NOT ^\"ann\"*", None);
    assert_eq!(tier1.len(), 1);
    let tier2 = candidates(
        search::OTHER_CANDIDATES,
        "email_tags : \"ann\"* OR company : (\"ann\"*)",
        Some("\"ann\"*"),
    );
    assert_eq!(tier2.len(), 1);
    assert_eq!(
        search_ids(&store, "ann"),
        ["lee", "company_only", "leeann", "nophone"]
    );
    assert!(!q.is_empty());
}

#[test]
fn outbox_keeps_entries_until_completed_or_discarded() {
    let (_dir, store) = fresh();
    let create = OutboxEntry {
        kind: OutboxKind::CreateContact,
        contact_id: None,
        payload: json!({"firstName": "New"}),
        client_key: Some(new_client_key()),
        base: None,
    };
    let update = OutboxEntry {
        kind: OutboxKind::UpdateContact,
        contact_id: Some("a".into()),
        payload: json!({"lastName": "Lee"}),
        client_key: None,
        base: Some(json!({"lastName": "Li"})),
    };
    let note_entry = OutboxEntry {
        kind: OutboxKind::CreateNote,
        contact_id: Some("a".into()),
        payload: json!({"body": "hi"}),
        client_key: Some(new_client_key()),
        base: None,
    };
    store.replace_notes("a", &[]).unwrap();
    let k1 = store.enqueue(&create).unwrap();
    let k2 = store.enqueue(&update).unwrap();
    let k3 = store.enqueue(&note_entry).unwrap();
    assert!(k1 < k2 && k2 < k3);
    assert!(
        store.enqueue(&create).is_err(),
        "a client key is queued once"
    );
    assert_eq!(store.pending_count().unwrap(), 3);
    let pending = store.pending().unwrap();
    assert_eq!(
        pending.iter().map(|e| e.id).collect::<Vec<_>>(),
        [k1, k2, k3]
    );
    assert_eq!(pending[0].entry, create);
    assert_eq!(pending[1].entry, update);
    assert_eq!(pending[0].state, OutboxState::Pending);

    store.mark_failed(k1, "network down").unwrap();
    store.mark_failed(k1, "network down again").unwrap();
    store.mark_conflict(k2, &json!({"lastName": "Lo"})).unwrap();
    let e1 = store.outbox_entry(k1).unwrap().unwrap();
    assert_eq!(
        e1.state,
        OutboxState::Failed {
            message: "network down again".into()
        }
    );
    assert_eq!(e1.attempts, 2);
    let e2 = store.outbox_entry(k2).unwrap().unwrap();
    assert_eq!(
        e2.state,
        OutboxState::Conflict {
            server_value: json!({"lastName": "Lo"})
        }
    );
    assert_eq!(
        store.pending_count().unwrap(),
        3,
        "failures and conflicts are kept"
    );

    // The answer and the removal are one transaction.
    let created = person("srv1", "New", "", "", "", "2024-06-01T00:00:00Z");
    store
        .complete(k1, &ServerAnswer::Contact(Box::new(created.clone())))
        .unwrap();
    assert_eq!(store.contact("srv1").unwrap().unwrap(), created);
    assert!(store.outbox_entry(k1).unwrap().is_none());
    assert!(matches!(
        store.complete(k1, &ServerAnswer::Nothing),
        Err(Error::NotFound { .. })
    ));

    // A failing answer write keeps the entry (and stores nothing).
    let err = store
        .complete_with(k3, |w| {
            w.upsert_note("a", &note("n1", "hi"))?;
            Err(Error::Cancelled)
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled));
    assert!(store.outbox_entry(k3).unwrap().is_some());
    let local_note = note_entry.local_id().unwrap();
    assert_eq!(
        store
            .notes("a")
            .unwrap()
            .unwrap()
            .items
            .iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>(),
        [local_note.as_str()],
        "only the placeholder queued with the note"
    );
    store
        .complete_with(k3, |w| {
            w.store(&ServerAnswer::Note {
                contact_id: "a".into(),
                note: note("n1", "hi"),
            })
        })
        .unwrap();
    let notes = store.notes("a").unwrap().unwrap().items;
    assert_eq!(notes.len(), 1, "the server's note replaced the placeholder");
    assert_eq!(notes[0].id, "n1");

    store
        .resolve_conflict(
            k2,
            &json!({"lastName": "Lee"}),
            Some(&json!({"lastName": "Lo"})),
        )
        .unwrap();
    let e2 = store.outbox_entry(k2).unwrap().unwrap();
    assert_eq!(e2.state, OutboxState::Pending);
    assert_eq!(e2.entry.base, Some(json!({"lastName": "Lo"})));
    store.discard(k2).unwrap();
    assert!(matches!(store.discard(k2), Err(Error::NotFound { .. })));
    assert_eq!(store.pending_count().unwrap(), 0);
}

#[test]
fn outbox_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    let entry = OutboxEntry {
        kind: OutboxKind::AddTags,
        contact_id: Some("a".into()),
        payload: json!({"tags": ["vip"]}),
        client_key: None,
        base: None,
    };
    {
        let (store, _) = Store::open(&path).unwrap();
        store.enqueue(&entry).unwrap();
    }
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(store.pending().unwrap()[0].entry, entry);
}

#[test]
fn client_keys_are_unique_and_uuid_shaped() {
    let a = new_client_key();
    assert_eq!(a.len(), 36);
    assert_eq!(a.matches('-').count(), 4);
    assert_ne!(a, new_client_key());
}

#[test]
fn pull_state_tracks_a_resumable_pull_and_the_refresh_mark() {
    let (_dir, store) = fresh();
    assert_eq!(store.pull_state().unwrap(), PullState::default());
    store.start_full_pull(Some(3), Some(1_700)).unwrap();
    let s = store.pull_state().unwrap();
    assert!(s.is_resumable() && !s.is_complete());
    assert_eq!(s.high_water_ms, None, "only once the pull finished");
    let page = [
        person("a", "A", "", "", "", "2024-01-01T00:00:00Z"),
        person("b", "B", "", "", "", "2024-01-01T00:00:00Z"),
    ];
    let cursor = [json!(1_600), json!("b")];
    assert_eq!(
        store.save_pull_page(&page, Some(&cursor), Some(3)).unwrap(),
        2
    );
    let s = store.pull_state().unwrap();
    assert_eq!(s.cursor.as_deref(), Some(&cursor[..]));
    assert_eq!((s.done, s.total), (2, Some(3)));
    assert_eq!(store.count().unwrap(), 2);
    store
        .save_pull_page(
            &[person("c", "C", "", "", "", "2024-01-01T00:00:00Z")],
            None,
            None,
        )
        .unwrap();
    store.finish_full_pull().unwrap();
    let s = store.pull_state().unwrap();
    assert!(s.is_complete() && !s.is_resumable());
    assert_eq!((s.done, s.total, s.cursor.clone()), (3, Some(3), None));
    assert_eq!(s.high_water_ms, Some(1_700));
    store.save_refresh_page(&[], Some(2_000)).unwrap();
    store.save_refresh_page(&[], Some(1_900)).unwrap();
    store.finish_refresh().unwrap();
    let s = store.pull_state().unwrap();
    assert_eq!(s.high_water_ms, Some(2_000), "never backwards");
    assert!(s.last_refresh_at.is_some());
    // A new full pull starts over.
    store.start_full_pull(None, None).unwrap();
    let s = store.pull_state().unwrap();
    assert_eq!((s.done, s.cursor, s.finished_at), (0, None, None));
}

#[test]
fn meta_values() {
    let (_dir, store) = fresh();
    assert_eq!(store.meta("location_id").unwrap(), None);
    store.set_meta("location_id", Some("loc1")).unwrap();
    assert_eq!(store.meta("location_id").unwrap().as_deref(), Some("loc1"));
    store.set_meta("location_id", None).unwrap();
    assert_eq!(store.meta("location_id").unwrap(), None);
}

#[test]
fn store_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Store>();
}

#[test]
fn search_results_convert_to_the_stored_shape() {
    let found: ghl::SearchContact = serde_json::from_value(json!({
        "id": "s1", "contactName": "Ann Lee", "firstName": "Ann", "address": "1 Main St",
        "additionalEmails": ["a2@x.com"], "dateOfBirth": 631152000000i64,
        "searchAfter": [1700000000000i64, "s1"], "tags": ["vip"]
    }))
    .unwrap();
    let c = contact_from_search(&found).unwrap();
    assert_eq!(c.name.as_deref(), Some("Ann Lee"));
    assert_eq!(c.address1.as_deref(), Some("1 Main St"));
    assert_eq!(c.tags, ["vip"]);
    assert!(c.extra.contains_key("additionalEmails"));
    assert!(!c.extra.contains_key("searchAfter"));
    let (_dir, store) = fresh();
    store.upsert_contact(&c).unwrap();
    assert_eq!(search_ids(&store, "ann lee"), ["s1"]);
}

#[test]
fn schema_2_keeps_queued_edits_and_never_reuses_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loc.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO outbox (kind, contact_id, payload, state, attempts, last_error,
                                 created_at, updated_at)
             VALUES ('add_tags', 'a', '{\"tags\":[\"x\"]}', 'failed', 2, 'down',
                     '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
                    ('delete_contact', 'b', '{}', 'pending', 0, NULL,
                     '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
             DELETE FROM outbox WHERE seq = 2;",
        )
        .unwrap();
    }
    let (store, opened) = Store::open(&path).unwrap();
    assert_eq!(opened, Opened::Existing);
    let queued = store.pending().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        queued[0].state,
        OutboxState::Failed {
            message: "down".into()
        }
    );
    assert_eq!(
        (queued[0].attempts, queued[0].first_attempt_at.as_deref()),
        (2, None)
    );
    let next = store.enqueue(&OutboxEntry::delete_contact("c")).unwrap();
    assert_eq!(next, 3, "id 2 was used before the migration");
    store.mark_rejected(next, "refused").unwrap();
    assert_eq!(
        store.outbox_counts().unwrap(),
        OutboxCounts {
            pending: 1,
            conflicts: 0,
            rejected: 1
        }
    );
}

#[test]
fn a_refreshed_list_keeps_records_created_offline_after_the_servers() {
    let (_dir, store) = fresh();
    store.replace_notes("a", &[note("n1", "old")]).unwrap();
    let entry = OutboxEntry::create_note("a", &ghl::NoteInput::new("offline"));
    store.enqueue(&entry).unwrap();
    store
        .replace_notes("a", &[note("n1", "old"), note("n2", "new")])
        .unwrap();
    let ids: Vec<String> = store
        .notes("a")
        .unwrap()
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(
        ids,
        ["n1".to_owned(), "n2".to_owned(), entry.local_id().unwrap()]
    );
    assert!(Store::is_local_id(&ids[2]));
    // A task created offline for a contact whose tasks were never fetched
    // still shows, in a list marked as fetched long ago.
    let task = OutboxEntry::create_task(
        "b",
        &ghl::TaskInput::new("t", time::OffsetDateTime::UNIX_EPOCH),
    );
    store.enqueue(&task).unwrap();
    let tasks = store.tasks("b").unwrap().unwrap();
    assert_eq!(tasks.items.len(), 1);
    assert_eq!(tasks.fetched_at, time::OffsetDateTime::UNIX_EPOCH);
}

#[test]
fn malformed_entries_are_refused_before_anything_is_stored() {
    let (_dir, store) = fresh();
    let mut no_key = OutboxEntry::create_note("a", &ghl::NoteInput::new("x"));
    no_key.client_key = None;
    let mut no_contact = OutboxEntry::delete_note("a", "n1");
    no_contact.contact_id = None;
    let mut bad_tags = OutboxEntry::add_tags("a", &["x".into()]);
    bad_tags.payload = json!({"tags": []});
    for entry in [no_key, no_contact, bad_tags] {
        assert!(
            matches!(store.enqueue(&entry), Err(Error::InvalidEntry(_))),
            "{entry:?}"
        );
    }
    assert_eq!(store.pending_count().unwrap(), 0);
}
