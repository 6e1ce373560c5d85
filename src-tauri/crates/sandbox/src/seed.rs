//! Deterministic seeded data.
//!
//! Every value except dates depends only on `seed` (and, through the default
//! ordering, on `contacts`); dates are the anchor plus seeded offsets. Each contact
//! and its activity draw from their own ChaCha stream, so contact *i* is the same
//! whatever the total count, and generation needs no shared state.

use std::collections::HashMap;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

use crate::model::{
    Appointment, AppointmentStatus, Attribution, Calendar, Contact, CustomFieldDef,
    CustomFieldValue, Dataset, Location, Note, Task, User,
};
use crate::seed_data::{self as words, Trade};
use crate::SandboxConfig;

/// The first contacts in default order get a guaranteed mix of tasks, notes and
/// appointments so demos look rich on the first screen.
const RICH_CONTACTS: usize = 12;
const LOCATION_TIMEZONE: &str = "America/Denver";
/// Stream ranges keep contact and activity draws independent of each other.
const CONTACT_STREAM_BASE: u64 = 1;
const ACTIVITY_STREAM_BASE: u64 = 1 << 40;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A 20-character alphanumeric id like GHL's (`ocQHyuzHvysMo5N5VsXc`).
pub(crate) fn ghl_id(rng: &mut impl Rng) -> String {
    (0..20)
        .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
        .collect()
}

fn pick<'a, T: ?Sized>(rng: &mut impl Rng, items: &'a [&'a T]) -> &'a T {
    // Lists are non-empty constants; the fallback only satisfies the type checker.
    items.choose(rng).copied().unwrap_or(items[0])
}

fn pick_weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// Lower-case ASCII for email local parts and domains: "Zoë O'Brien" → "zoeobrien".
fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let folded = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'ễ' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' | 'Ç' => 'c',
                'ř' | 'Ř' => 'r',
                c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(folded)
        })
        .collect()
}

/// Start of the anchor's UTC day plus `days`, at `hour:minute` UTC.
fn day_at(anchor: OffsetDateTime, days: i64, hour: u8, minute: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
    anchor.replace_time(time) + Duration::days(days)
}

/// Business hours in Denver (UTC−7/−6) are roughly 15:00–23:00 UTC.
fn business_hour(rng: &mut impl Rng) -> (u8, u8) {
    (rng.random_range(15..=22), if rng.random_bool(0.5) { 0 } else { 30 })
}

fn between(rng: &mut impl Rng, from: OffsetDateTime, to: OffsetDateTime) -> OffsetDateTime {
    let span_ms = (to - from).whole_milliseconds().max(0);
    let span_ms = i64::try_from(span_ms).unwrap_or(i64::MAX);
    if span_ms == 0 {
        return from;
    }
    from + Duration::milliseconds(rng.random_range(0..=span_ms))
}

fn location(seed: u64) -> Location {
    let mut rng = rng_for(seed, 0);
    let id = ghl_id(&mut rng);
    let users = words::USERS
        .iter()
        .map(|(first, last)| User {
            id: ghl_id(&mut rng),
            first_name: (*first).to_owned(),
            last_name: (*last).to_owned(),
            email: format!("{}@summithomeservices.com", ascii_slug(first)),
        })
        .collect();
    let calendars = words::CALENDARS
        .iter()
        .map(|name| Calendar {
            id: ghl_id(&mut rng),
            name: (*name).to_owned(),
        })
        .collect();
    let custom_fields = words::CUSTOM_FIELDS
        .iter()
        .map(|(name, key)| CustomFieldDef {
            id: ghl_id(&mut rng),
            name: (*name).to_owned(),
            key: (*key).to_owned(),
        })
        .collect();
    Location {
        id,
        name: "Summit Home Services".to_owned(),
        timezone: LOCATION_TIMEZONE.to_owned(),
        address1: "4150 Wadsworth Blvd".to_owned(),
        city: "Wheat Ridge".to_owned(),
        state: "CO".to_owned(),
        postal_code: "80033".to_owned(),
        country: "US".to_owned(),
        website: "https://summithomeservices.com".to_owned(),
        users,
        calendars,
        custom_fields,
    }
}

/// What the activity generator needs to know about a contact besides its id.
struct ContactSeed {
    trade: Trade,
    address: String,
}

fn contact(
    seed: u64,
    index: usize,
    loc: &Location,
    anchor: OffsetDateTime,
) -> (Contact, ContactSeed) {
    let rng = &mut rng_for(seed, CONTACT_STREAM_BASE + index as u64);
    let id = ghl_id(rng);
    let first_name = pick(rng, words::FIRST_NAMES).to_owned();
    let last_name = pick(rng, words::LAST_NAMES).to_owned();
    let trade = pick_weighted(rng, Trade::WEIGHTED);

    let company_name = rng.random_bool(0.3).then(|| {
        format!(
            "{} {}",
            pick(rng, words::COMPANY_PREFIXES),
            pick(rng, words::COMPANY_SUFFIXES)
        )
    });
    let business_id = company_name.as_ref().map(|_| ghl_id(rng));
    let company_domain = company_name.as_deref().map(|c| format!("{}.com", ascii_slug(c)));

    let (first_slug, last_slug) = (ascii_slug(&first_name), ascii_slug(&last_name));
    let email = rng.random_bool(0.96).then(|| match &company_domain {
        Some(domain) => format!("{first_slug}@{domain}"),
        None => {
            let domain = pick(rng, words::EMAIL_DOMAINS);
            match rng.random_range(0..5) {
                0 => format!("{first_slug}.{last_slug}@{domain}"),
                1 => format!("{first_slug}{last_slug}@{domain}"),
                2 => format!("{}{last_slug}@{domain}", &first_slug[..1.min(first_slug.len())]),
                3 => format!("{first_slug}_{last_slug}{}@{domain}", rng.random_range(10..99)),
                _ => format!("{first_slug}.{last_slug}{}@{domain}", rng.random_range(1..9)),
            }
        }
    });
    let phone = rng.random_bool(0.97).then(|| {
        let area = pick_weighted(rng, words::AREA_CODES);
        // 555-0100..0199 is the range reserved for fictional use.
        format!("+1{area}55501{:02}", rng.random_range(0..100))
    });

    let mut tags = Vec::new();
    let contact_type = if rng.random_bool(0.35) { "lead" } else { "customer" };
    if rng.random_bool(0.9) {
        tags.push(trade.tag().to_owned());
    }
    if contact_type == "lead" && rng.random_bool(0.7) {
        tags.push("new-lead".to_owned());
    }
    if contact_type == "customer" && rng.random_bool(0.3) {
        tags.push("repeat-customer".to_owned());
    }
    if company_name.is_some() && rng.random_bool(0.8) {
        tags.push("commercial".to_owned());
    }
    for (tag, p) in words::EXTRA_TAGS {
        if rng.random_bool(*p) {
            tags.push((*tag).to_owned());
        }
    }
    tags.truncate(4);

    let source = pick_weighted(rng, words::SOURCES).to_owned();
    let attribution = match source.as_str() {
        "Website form" => Some(Attribution {
            url: format!("{}/contact", loc.website),
            medium: "form".to_owned(),
            utm_source: None,
            utm_medium: None,
            campaign: None,
            referrer: Some("https://www.google.com/".to_owned()),
        }),
        "Google Ads" => Some(Attribution {
            url: format!("{}/{}-repair", loc.website, trade.tag()),
            medium: "ppc".to_owned(),
            utm_source: Some("google".to_owned()),
            utm_medium: Some("cpc".to_owned()),
            campaign: Some(format!("{} - Denver Metro", trade.tag().to_uppercase())),
            referrer: None,
        }),
        "Facebook" => Some(Attribution {
            url: format!("{}/offers", loc.website),
            medium: "facebook".to_owned(),
            utm_source: Some("facebook".to_owned()),
            utm_medium: Some("paid_social".to_owned()),
            campaign: Some("Seasonal tune-up special".to_owned()),
            referrer: None,
        }),
        _ => None,
    };

    let (city, zips) = words::CITIES[rng.random_range(0..words::CITIES.len())];
    let address1 = format!(
        "{} {} {}",
        rng.random_range(100..9999),
        pick(rng, words::STREET_NAMES),
        pick(rng, words::STREET_SUFFIXES)
    );
    let postal_code = pick(rng, zips).to_owned();
    let timezone = if rng.random_bool(0.05) {
        pick(rng, words::OTHER_TIMEZONES)
    } else {
        LOCATION_TIMEZONE
    }
    .to_owned();
    let website = company_domain
        .as_ref()
        .filter(|_| rng.random_bool(0.5))
        .map(|d| format!("https://www.{d}"));
    let date_of_birth = rng.random_bool(0.25).then(|| {
        let year = rng.random_range(1940..=2002);
        let month = Month::try_from(rng.random_range(1..=12u8)).unwrap_or(Month::January);
        let day = rng.random_range(1..=28);
        Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
    });
    let dnd = rng.random_bool(0.04);
    let assigned_to = rng
        .random_bool(0.7)
        .then(|| loc.users[rng.random_range(0..loc.users.len())].id.clone());

    let mut custom_fields = Vec::new();
    let field_id = |i: usize| loc.custom_fields[i].id.clone();
    if rng.random_bool(0.6) {
        custom_fields.push(CustomFieldValue {
            id: field_id(0),
            value: rng.random_range(1..=25).to_string(),
        });
    }
    if rng.random_bool(0.5) {
        custom_fields.push(CustomFieldValue {
            id: field_id(1),
            value: pick(rng, words::CONTACT_TIMES).to_owned(),
        });
    }
    if rng.random_bool(0.2) {
        custom_fields.push(CustomFieldValue {
            id: field_id(2),
            value: pick(rng, words::ACCESS_CODES).to_owned(),
        });
    }
    if tags.iter().any(|t| t == "maintenance-plan") {
        custom_fields.push(CustomFieldValue {
            id: field_id(3),
            value: pick(rng, words::PLAN_TIERS).to_owned(),
        });
    }

    // Up to three years back, with milliseconds so values look like real records.
    let age_ms = rng.random_range(0..3 * 365 * 86_400_000i64);
    let date_added = anchor - Duration::milliseconds(age_ms);
    let date_updated = between(rng, date_added, anchor);

    let full_address = format!("{address1}, {city}, CO {postal_code}");
    let contact = Contact {
        id,
        location_id: loc.id.clone(),
        first_name,
        last_name,
        email,
        phone,
        company_name,
        business_id,
        tags,
        source,
        contact_type: contact_type.to_owned(),
        address1,
        city: city.to_owned(),
        state: "CO".to_owned(),
        postal_code,
        country: "US".to_owned(),
        timezone,
        website,
        date_of_birth,
        dnd,
        assigned_to,
        custom_fields,
        attribution,
        date_added,
        date_updated,
    };
    (
        contact,
        ContactSeed {
            trade,
            address: full_address,
        },
    )
}

struct Activity {
    tasks: Vec<Task>,
    notes: Vec<Note>,
    appointments: Vec<Appointment>,
}

fn activity(
    seed: u64,
    index: usize,
    rank: usize,
    contact: &Contact,
    cs: &ContactSeed,
    loc: &Location,
    anchor: OffsetDateTime,
) -> Activity {
    let rng = &mut rng_for(seed, ACTIVITY_STREAM_BASE + index as u64);
    let rich = rank < RICH_CONTACTS;
    let showcase = rank == 0;
    let user = |rng: &mut ChaCha8Rng| loc.users[rng.random_range(0..loc.users.len())].id.clone();

    let task_count = if rich {
        rng.random_range(2..=5)
    } else {
        rng.random_range(0..=5)
    };
    let mut tasks: Vec<Task> = (0..task_count)
        .map(|i| {
            let title = if rng.random_bool(0.75) {
                pick(rng, cs.trade.task_titles())
            } else {
                pick(rng, words::GENERAL_TASK_TITLES)
            };
            // The showcase contact gets one overdue open task and one completed one.
            let days = match (showcase, i) {
                (true, 0) => rng.random_range(-10..=-2),
                _ => rng.random_range(-20..=30),
            };
            let (hour, minute) = business_hour(rng);
            let due_date = day_at(anchor, days, hour, minute);
            let completed = match (showcase, i) {
                (true, 0) => false,
                (true, 1) => true,
                _ if due_date < anchor => rng.random_bool(0.65),
                _ => rng.random_bool(0.1),
            };
            Task {
                id: ghl_id(rng),
                contact_id: contact.id.clone(),
                title: title.to_owned(),
                body: pick(rng, words::TASK_BODIES).to_owned(),
                assigned_to: rng.random_bool(0.8).then(|| user(rng)),
                due_date,
                completed,
            }
        })
        .collect();
    tasks.sort_by(|a, b| a.due_date.cmp(&b.due_date).then_with(|| a.id.cmp(&b.id)));

    let note_count = if rich {
        rng.random_range(2..=6)
    } else {
        rng.random_range(0..=6)
    };
    let mut notes: Vec<Note> = (0..note_count)
        .map(|i| {
            let body = if rng.random_bool(0.6) {
                pick(rng, cs.trade.note_bodies())
            } else {
                pick(rng, words::GENERAL_NOTE_BODIES)
            };
            Note {
                id: ghl_id(rng),
                contact_id: contact.id.clone(),
                body: body.to_owned(),
                title: rng
                    .random_bool(0.4)
                    .then(|| pick(rng, words::NOTE_TITLES).to_owned()),
                color: rng
                    .random_bool(0.3)
                    .then(|| pick(rng, words::NOTE_COLORS).to_owned()),
                pinned: (showcase && i == 0) || rng.random_ratio(1, 6),
                user_id: user(rng),
                date_added: between(rng, contact.date_added, anchor),
            }
        })
        .collect();
    // GHL lists notes newest first.
    notes.sort_by(|a, b| b.date_added.cmp(&a.date_added).then_with(|| a.id.cmp(&b.id)));

    let appointment_count = if rich {
        rng.random_range(1..=3)
    } else {
        rng.random_range(0..=3)
    };
    let mut appointments: Vec<Appointment> = (0..appointment_count)
        .map(|i| {
            let title = pick(rng, cs.trade.appointment_titles());
            let days = if showcase && i == 0 {
                rng.random_range(1..=7)
            } else {
                rng.random_range(-60..=45)
            };
            let (hour, minute) = business_hour(rng);
            let start_time = day_at(anchor, days, hour, minute);
            let minutes = 30 * rng.random_range(1..=4i64);
            let end_time = start_time + Duration::minutes(minutes);
            let status = if start_time < anchor {
                if rng.random_bool(0.8) {
                    AppointmentStatus::Showed
                } else {
                    AppointmentStatus::Cancelled
                }
            } else {
                pick_weighted(
                    rng,
                    &[
                        (AppointmentStatus::Booked, 50),
                        (AppointmentStatus::Confirmed, 40),
                        (AppointmentStatus::Cancelled, 10),
                    ],
                )
            };
            let lower = title.to_lowercase();
            let calendar = if ["estimate", "consultation", "inspection", "assessment"]
                .iter()
                .any(|w| lower.contains(w))
            {
                &loc.calendars[1]
            } else if lower.contains("maintenance") || lower.contains("tune-up") {
                &loc.calendars[2]
            } else {
                &loc.calendars[0]
            };
            let booked_at = start_time - Duration::days(rng.random_range(1..=21));
            let date_added = booked_at.clamp(contact.date_added, anchor);
            let date_updated = between(rng, date_added, anchor.min(end_time).max(date_added));
            Appointment {
                id: ghl_id(rng),
                contact_id: contact.id.clone(),
                calendar_id: calendar.id.clone(),
                title: title.to_owned(),
                status,
                assigned_user_id: user(rng),
                notes: rng
                    .random_bool(0.3)
                    .then(|| pick(rng, words::APPOINTMENT_NOTES).to_owned()),
                address: Some(cs.address.clone()),
                start_time,
                end_time,
                date_added,
                date_updated,
            }
        })
        .collect();
    appointments.sort_by(|a, b| {
        a.start_time
            .cmp(&b.start_time)
            .then_with(|| a.id.cmp(&b.id))
    });

    Activity {
        tasks,
        notes,
        appointments,
    }
}

/// Builds the dataset for `config.seed` / `config.contacts`; `anchor` is "now" for
/// all relative dates (truncated to milliseconds, UTC, like GHL timestamps).
pub fn seed(config: &SandboxConfig, anchor: OffsetDateTime) -> Dataset {
    let anchor = anchor.to_offset(UtcOffset::UTC);
    let anchor = anchor
        .replace_nanosecond(anchor.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(anchor);
    let loc = location(config.seed);

    let mut generated: Vec<(usize, Contact, ContactSeed)> = (0..config.contacts)
        .map(|i| {
            let (c, cs) = contact(config.seed, i, &loc, anchor);
            (i, c, cs)
        })
        .collect();
    // Store contacts in default search order (newest first, ties by id) so "the
    // first contacts" and "the first page" are the same rich records.
    generated.sort_by(|a, b| {
        b.1.date_added
            .cmp(&a.1.date_added)
            .then_with(|| b.1.id.cmp(&a.1.id))
    });

    let mut tasks = HashMap::with_capacity(generated.len());
    let mut notes = HashMap::with_capacity(generated.len());
    let mut appointments = HashMap::with_capacity(generated.len());
    let mut contacts = Vec::with_capacity(generated.len());
    for (rank, (index, c, cs)) in generated.into_iter().enumerate() {
        let a = activity(config.seed, index, rank, &c, &cs, &loc, anchor);
        if !a.tasks.is_empty() {
            tasks.insert(c.id.clone(), a.tasks);
        }
        if !a.notes.is_empty() {
            notes.insert(c.id.clone(), a.notes);
        }
        if !a.appointments.is_empty() {
            appointments.insert(c.id.clone(), a.appointments);
        }
        contacts.push(c);
    }
    Dataset::new(loc, contacts, tasks, notes, appointments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_accents_and_punctuation() {
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("Nguyễn"), "nguyen");
        assert_eq!(ascii_slug("Van der Berg"), "vanderberg");
    }

    #[test]
    fn ids_look_like_ghl_ids() {
        let mut rng = rng_for(1, 0);
        let id = ghl_id(&mut rng);
        assert_eq!(id.len(), 20);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
