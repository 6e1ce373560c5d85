//! Seeded data: determinism, realism, and generation speed.

use std::collections::HashSet;
use std::time::Instant;

use sandbox::{seed, AppointmentStatus, Dataset, SandboxConfig};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const ANCHOR: OffsetDateTime = datetime!(2026-06-15 17:30:00.123 UTC);

fn dataset(seed_value: u64, contacts: usize) -> Dataset {
    let config = SandboxConfig {
        contacts,
        seed: seed_value,
        ..SandboxConfig::default()
    };
    seed(&config, ANCHOR)
}

/// Everything except dates, as one comparable string per contact.
fn fingerprint(d: &Dataset) -> Vec<String> {
    d.contacts
        .iter()
        .map(|c| {
            let tasks: Vec<_> = d
                .tasks_of(&c.id)
                .iter()
                .map(|t| (t.id.clone(), t.title.clone(), t.completed))
                .collect();
            let notes: Vec<_> = d
                .notes_of(&c.id)
                .iter()
                .map(|n| (n.id.clone(), n.body.clone(), n.pinned, n.title.clone()))
                .collect();
            let appts: Vec<_> = d
                .appointments_of(&c.id)
                .iter()
                .map(|a| (a.id.clone(), a.title.clone(), a.status))
                .collect();
            format!(
                "{} {} {} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?}",
                c.id,
                c.first_name,
                c.last_name,
                c.email,
                c.phone,
                c.company_name,
                c.tags,
                c.source,
                c.custom_fields,
                tasks,
                notes,
                appts
            )
        })
        .collect()
}

#[test]
fn same_seed_same_data_even_with_another_anchor() {
    let a = dataset(7, 300);
    let b = dataset(7, 300);
    assert_eq!(a.location, b.location);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_eq!(a.contacts, b.contacts);

    // Only dates move with the anchor, and they move by exactly the anchor shift.
    let shifted = seed(
        &SandboxConfig {
            contacts: 300,
            seed: 7,
            ..SandboxConfig::default()
        },
        ANCHOR + Duration::days(10),
    );
    assert_eq!(fingerprint(&a), fingerprint(&shifted));
    for (x, y) in a.contacts.iter().zip(&shifted.contacts) {
        assert_eq!(y.date_added - x.date_added, Duration::days(10));
        let (tx, ty) = (a.tasks_of(&x.id), shifted.tasks_of(&y.id));
        for (t1, t2) in tx.iter().zip(ty) {
            assert_eq!(t2.due_date - t1.due_date, Duration::days(10));
        }
    }
}

#[test]
fn different_seed_different_data() {
    let a = dataset(1, 200);
    let b = dataset(2, 200);
    assert_ne!(a.location.id, b.location.id);
    let names_a: Vec<_> = a.contacts.iter().map(|c| c.full_name()).collect();
    let names_b: Vec<_> = b.contacts.iter().map(|c| c.full_name()).collect();
    assert_ne!(names_a, names_b);
    let titles = |d: &Dataset| -> Vec<String> {
        d.contacts
            .iter()
            .flat_map(|c| d.tasks_of(&c.id).iter().map(|t| t.title.clone()))
            .collect()
    };
    assert_ne!(titles(&a), titles(&b));
}

#[test]
fn contacts_do_not_depend_on_the_total_count() {
    let small = dataset(42, 100);
    let large = dataset(42, 400);
    for c in &small.contacts {
        assert_eq!(large.contact(&c.id), Some(c));
    }
}

#[test]
fn data_looks_like_a_home_services_account() {
    let d = dataset(42, 2000);
    let n = d.contacts.len();
    assert_eq!(n, 2000);
    assert_eq!(d.location.name, "Summit Home Services");
    assert_eq!(d.location.id.len(), 20);

    let ids: HashSet<_> = d.contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), n, "contact ids are unique");
    let distinct_names: HashSet<_> = d.contacts.iter().map(|c| c.full_name()).collect();
    assert!(distinct_names.len() > 500, "{} names", distinct_names.len());
    assert!(d
        .contacts
        .iter()
        .any(|c| !c.first_name.is_ascii() || !c.last_name.is_ascii()));

    let companies = d
        .contacts
        .iter()
        .filter(|c| c.company_name.is_some())
        .count();
    assert!(
        (0.25..0.35).contains(&(companies as f64 / n as f64)),
        "{companies} companies"
    );
    for c in &d.contacts {
        assert_eq!(c.id.len(), 20);
        assert!(c.id.chars().all(|ch| ch.is_ascii_alphanumeric()));
        assert_eq!(c.location_id, d.location.id);
        assert_eq!(c.company_name.is_some(), c.business_id.is_some());
        assert!(c.tags.len() <= 4);
        assert_eq!(c.country, "US");
        if let Some(phone) = &c.phone {
            assert_eq!(phone.len(), 12, "{phone}");
            assert!(phone.starts_with("+1"));
            assert_eq!(&phone[5..10], "55501", "fictional 555-01xx: {phone}");
        }
        if let Some(email) = &c.email {
            assert!(email.is_ascii() && email.contains('@'), "{email}");
        }
        assert!(c.date_added <= c.date_updated && c.date_updated <= ANCHOR);
        assert!(c.date_added >= ANCHOR - Duration::days(3 * 366));
        assert!(c.custom_fields.iter().all(|f| !f.value.is_empty()));

        for t in d.tasks_of(&c.id) {
            assert_eq!(t.contact_id, c.id);
            assert!(
                t.due_date >= c.date_added,
                "task due before the contact existed"
            );
            let days = (t.due_date - ANCHOR).whole_days();
            assert!(
                (-21..=31).contains(&days),
                "task due {days} days from anchor"
            );
        }
        assert!(d.tasks_of(&c.id).len() <= 5);
        for note in d.notes_of(&c.id) {
            assert!(note.date_added <= ANCHOR && note.date_added >= c.date_added);
        }
        assert!(d.notes_of(&c.id).len() <= 6);
        let bodies: HashSet<_> = d.notes_of(&c.id).iter().map(|n| &n.body).collect();
        assert_eq!(
            bodies.len(),
            d.notes_of(&c.id).len(),
            "repeated note on {}",
            c.id
        );
        let titles: HashSet<_> = d.tasks_of(&c.id).iter().map(|t| &t.title).collect();
        assert_eq!(
            titles.len(),
            d.tasks_of(&c.id).len(),
            "repeated task on {}",
            c.id
        );
        for a in d.appointments_of(&c.id) {
            assert!(
                a.start_time >= c.date_added,
                "appointment before the contact existed"
            );
            assert!(a.date_added >= c.date_added && a.date_added <= ANCHOR);
            let minutes = (a.end_time - a.start_time).whole_minutes();
            assert!((30..=120).contains(&minutes));
            let days = (a.start_time - ANCHOR).whole_days();
            assert!((-61..=46).contains(&days));
        }
        assert!(d.appointments_of(&c.id).len() <= 3);
    }

    // Realistic mixes, not all-or-nothing.
    let tasks: Vec<_> = d.contacts.iter().flat_map(|c| d.tasks_of(&c.id)).collect();
    assert!(tasks.iter().any(|t| t.completed));
    assert!(
        tasks.iter().any(|t| !t.completed && t.due_date < ANCHOR),
        "overdue open tasks"
    );
    let notes: Vec<_> = d.contacts.iter().flat_map(|c| d.notes_of(&c.id)).collect();
    let pinned = notes.iter().filter(|n| n.pinned).count() as f64 / notes.len() as f64;
    assert!((0.1..0.25).contains(&pinned), "pinned ratio {pinned}");
    assert!(notes.iter().any(|n| n.title.is_some() && n.color.is_some()));
    let statuses: HashSet<_> = d
        .contacts
        .iter()
        .flat_map(|c| d.appointments_of(&c.id))
        .map(|a| a.status)
        .collect();
    for s in [
        AppointmentStatus::Booked,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Showed,
    ] {
        assert!(statuses.contains(&s), "{s:?}");
    }
}

#[test]
fn first_contacts_are_rich_and_newest() {
    let d = dataset(42, 500);
    for c in d.contacts.iter().take(10) {
        assert!(d.tasks_of(&c.id).len() >= 2, "{}", c.full_name());
        assert!(d.notes_of(&c.id).len() >= 2);
        assert!(!d.appointments_of(&c.id).is_empty());
    }
    let first = &d.contacts[0];
    assert!(d
        .tasks_of(&first.id)
        .iter()
        .any(|t| !t.completed && t.due_date < ANCHOR));
    assert!(d.tasks_of(&first.id).iter().any(|t| t.completed));
    assert!(d.notes_of(&first.id).iter().any(|n| n.pinned));
    assert!(d
        .appointments_of(&first.id)
        .iter()
        .any(|a| a.start_time > ANCHOR));
    // Stored newest first = default search order.
    assert!(d
        .contacts
        .windows(2)
        .all(|w| w[0].date_added >= w[1].date_added));
}

#[test]
fn lookups() {
    let d = dataset(42, 50);
    let c = &d.contacts[3];
    assert_eq!(d.contact(&c.id), Some(c));
    assert_eq!(d.contact("nope"), None);
    assert!(d.tasks_of("nope").is_empty());
    assert!(d.notes_of("nope").is_empty());
    assert!(d.appointments_of("nope").is_empty());
}

#[test]
fn generating_100k_contacts_is_fast() {
    let started = Instant::now();
    let d = dataset(42, 100_000);
    let elapsed = started.elapsed();
    assert_eq!(d.contacts.len(), 100_000);
    // Generous for unoptimised test builds on a loaded CI box; release is far faster.
    let budget = if cfg!(debug_assertions) { 12.0 } else { 3.0 };
    assert!(elapsed.as_secs_f64() < budget, "took {elapsed:?}");
    eprintln!("seeded 100k contacts in {elapsed:?}");
}
