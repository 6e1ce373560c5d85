//! Deterministic seeded data.
//!
//! Every value except dates depends only on `seed` (and, through the default
//! ordering, on `contacts`); dates are the anchor plus seeded offsets. Each contact
//! and its activity draw from their own ChaCha stream, so contact *i* is the same
//! whatever the total count, and generation needs no shared state.

use std::collections::HashMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::model::{
    Appointment, AppointmentStatus, Attribution, Calendar, Contact, CustomFieldDef,
    CustomFieldValue, Dataset, Location, Note, Task, User,
};
use crate::search::epoch_millis;
use crate::seed_data::{self as words, Business, Trade};
use crate::SandboxConfig;

/// The first contacts in default order get a guaranteed mix of tasks, notes and
/// appointments so demos look rich on the first screen.
const RICH_CONTACTS: usize = 12;
const LOCATION_TIMEZONE: &str = "America/Denver";
/// Stream ranges keep contact and activity draws independent of each other.
const CONTACT_STREAM_BASE: u64 = 1;
const ACTIVITY_STREAM_BASE: u64 = 1 << 40;
const COMPANY_STREAM: u64 = u64::MAX;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Seeded dice on top of ChaCha8. Plain modulo arithmetic on `next_u64` instead of
/// `rand`'s generic samplers: the bias is irrelevant here, and it keeps seeding
/// 100k contacts fast even in unoptimised test builds.
#[derive(Debug, Clone)]
pub(crate) struct Dice(ChaCha8Rng);

impl Dice {
    pub(crate) fn new(seed: u64, stream: u64) -> Dice {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Dice(rng)
    }

    /// `0..n`; `n` must be non-zero (all callers pass constant list lengths).
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }

    /// `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.saturating_sub(lo).saturating_add(1).max(1) as u64;
        lo + (self.0.next_u64() % span) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Like `pick`, but avoids values already in `used` while any are left, so one
    /// contact does not get the same note or task twice.
    fn pick_fresh<T: Copy + PartialEq>(&mut self, items: &[T], used: &mut Vec<T>) -> T {
        let fresh: Vec<T> = items
            .iter()
            .copied()
            .filter(|i| !used.contains(i))
            .collect();
        let value = if fresh.is_empty() {
            self.pick(items)
        } else {
            self.pick(&fresh)
        };
        used.push(value);
        value
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as usize) as u32;
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }

    /// A 20-character alphanumeric id like GHL's (`ocQHyuzHvysMo5N5VsXc`):
    /// ten base-62 digits from each of two u64s (62^10 < 2^64).
    pub(crate) fn id(&mut self) -> String {
        let mut out = String::with_capacity(20);
        for _ in 0..2 {
            let mut v = self.0.next_u64();
            for _ in 0..10 {
                out.push(char::from(ALNUM[(v % 62) as usize]));
                v /= 62;
            }
        }
        out
    }
}

/// Lower-case ASCII for email local parts and domains: "Zoë O'Brien" → "zoeobrien".
fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let folded = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => {
                    'a'
                }
                'é' | 'è' | 'ê' | 'ë' | 'ễ' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => {
                    'o'
                }
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

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Dates are computed as epoch millis and converted once: date arithmetic on
/// `OffsetDateTime` dominated seeding time in unoptimised builds.
#[derive(Debug, Clone, Copy)]
struct Clock {
    anchor: OffsetDateTime,
    anchor_ms: i64,
}

impl Clock {
    fn new(anchor: OffsetDateTime) -> Clock {
        Clock {
            anchor,
            anchor_ms: epoch_millis(anchor),
        }
    }

    fn at(self, ms: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(self.anchor)
    }

    /// Start of the anchor's UTC day plus `days`, at `hour:minute` UTC.
    fn day_at(self, days: i64, hour: u8, minute: u8) -> i64 {
        self.anchor_ms - self.anchor_ms.rem_euclid(DAY_MS)
            + days * DAY_MS
            + i64::from(hour) * HOUR_MS
            + i64::from(minute) * MINUTE_MS
    }
}

/// Business hours in Denver (UTC−7/−6) are roughly 15:00–23:00 UTC.
fn business_hour(rng: &mut Dice) -> (u8, u8) {
    (
        rng.range(15, 22) as u8,
        if rng.chance(0.5) { 0 } else { 30 },
    )
}

/// A millisecond in `from..=to` (or `from` when the range is empty).
fn between(rng: &mut Dice, from: i64, to: i64) -> i64 {
    if to <= from {
        return from;
    }
    rng.range(from, to)
}

fn location(seed: u64, biz: &Business, name: String, company_id: String) -> Location {
    let mut rng = Dice::new(seed, 0);
    let id = rng.id();
    let users = biz
        .users
        .iter()
        .map(|(first, last)| User {
            id: rng.id(),
            first_name: (*first).to_owned(),
            last_name: (*last).to_owned(),
            email: format!("{}@{}", ascii_slug(first), biz.domain),
        })
        .collect();
    let calendars = words::CALENDARS
        .iter()
        .map(|name| Calendar {
            id: rng.id(),
            name: (*name).to_owned(),
        })
        .collect();
    // The sync's fields come last: their ids are drawn after every other
    // id of the location, which therefore stay what they always were.
    let custom_fields = words::CUSTOM_FIELDS
        .iter()
        .chain(words::SYNC_CUSTOM_FIELDS)
        .map(|(name, key)| CustomFieldDef {
            id: rng.id(),
            name: (*name).to_owned(),
            key: (*key).to_owned(),
        })
        .collect();
    Location {
        id,
        company_id,
        name,
        timezone: LOCATION_TIMEZONE.to_owned(),
        address1: biz.address1.to_owned(),
        city: biz.city.to_owned(),
        state: "CO".to_owned(),
        postal_code: biz.postal_code.to_owned(),
        country: "US".to_owned(),
        website: format!("https://{}", biz.domain),
        users,
        calendars,
        custom_fields,
        allow_duplicate_contacts: false,
    }
}

/// What the activity generator needs to know about a contact besides its id.
struct ContactSeed {
    trade: Trade,
    address: String,
    added_ms: i64,
}

fn contact(
    seed: u64,
    index: usize,
    loc: &Location,
    trades: &[(Trade, u32)],
    clock: Clock,
) -> (Contact, ContactSeed) {
    let rng = &mut Dice::new(seed, CONTACT_STREAM_BASE + index as u64);
    let id = rng.id();
    let first_name = rng.pick(words::FIRST_NAMES).to_owned();
    let last_name = rng.pick(words::LAST_NAMES).to_owned();
    let trade = rng.weighted(trades);

    let company_name = rng.chance(0.3).then(|| {
        format!(
            "{} {}",
            rng.pick(words::COMPANY_PREFIXES),
            rng.pick(words::COMPANY_SUFFIXES)
        )
    });
    let business_id = company_name.as_ref().map(|_| rng.id());
    let company_domain = company_name
        .as_deref()
        .map(|c| format!("{}.com", ascii_slug(c)));

    let (first_slug, last_slug) = (ascii_slug(&first_name), ascii_slug(&last_name));
    let email = rng.chance(0.96).then(|| match &company_domain {
        Some(domain) => format!("{first_slug}@{domain}"),
        None => {
            let domain = rng.pick(words::EMAIL_DOMAINS);
            match rng.below(5) {
                0 => format!("{first_slug}.{last_slug}@{domain}"),
                1 => format!("{first_slug}{last_slug}@{domain}"),
                2 => format!(
                    "{}{last_slug}@{domain}",
                    &first_slug[..1.min(first_slug.len())]
                ),
                3 => format!("{first_slug}_{last_slug}{}@{domain}", rng.range(10, 98)),
                _ => format!("{first_slug}.{last_slug}{}@{domain}", rng.range(1, 8)),
            }
        }
    });
    let phone = rng.chance(0.97).then(|| {
        let area = rng.weighted(words::AREA_CODES);
        // 555-0100..0199 is the range reserved for fictional use.
        format!("+1{area}55501{:02}", rng.below(100))
    });

    let mut tags = Vec::new();
    let contact_type = if rng.chance(0.35) { "lead" } else { "customer" };
    if rng.chance(0.9) {
        tags.push(trade.tag().to_owned());
    }
    if contact_type == "lead" && rng.chance(0.7) {
        tags.push("new-lead".to_owned());
    }
    if contact_type == "customer" && rng.chance(0.3) {
        tags.push("repeat-customer".to_owned());
    }
    if company_name.is_some() && rng.chance(0.8) {
        tags.push("commercial".to_owned());
    }
    for (tag, p) in words::EXTRA_TAGS {
        if rng.chance(*p) {
            tags.push((*tag).to_owned());
        }
    }
    tags.truncate(4);

    let source = rng.weighted(words::SOURCES).to_owned();
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

    let (city, zips) = rng.pick(words::CITIES);
    let address1 = format!(
        "{} {} {}",
        rng.range(100, 9998),
        rng.pick(words::STREET_NAMES),
        rng.pick(words::STREET_SUFFIXES)
    );
    let postal_code = rng.pick(zips).to_owned();
    let timezone = if rng.chance(0.05) {
        rng.pick(words::OTHER_TIMEZONES)
    } else {
        LOCATION_TIMEZONE
    }
    .to_owned();
    let website = company_domain
        .as_ref()
        .filter(|_| rng.chance(0.5))
        .map(|d| format!("https://www.{d}"));
    let date_of_birth = rng.chance(0.25).then(|| {
        let year = rng.range(1940, 2002) as i32;
        let month = Month::try_from(rng.range(1, 12) as u8).unwrap_or(Month::January);
        let day = rng.range(1, 28) as u8;
        Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
    });
    let dnd = rng.chance(0.04);
    let assigned_to = rng
        .chance(0.7)
        .then(|| loc.users[rng.below(loc.users.len())].id.clone());

    let mut custom_fields = Vec::new();
    let field_id = |i: usize| loc.custom_fields[i].id.clone();
    if rng.chance(0.6) {
        custom_fields.push(CustomFieldValue {
            id: field_id(0),
            value: rng.range(1, 25).to_string(),
        });
    }
    if rng.chance(0.5) {
        custom_fields.push(CustomFieldValue {
            id: field_id(1),
            value: rng.pick(words::CONTACT_TIMES).to_owned(),
        });
    }
    if rng.chance(0.2) {
        custom_fields.push(CustomFieldValue {
            id: field_id(2),
            value: rng.pick(words::ACCESS_CODES).to_owned(),
        });
    }
    if tags.iter().any(|t| t == "maintenance-plan") {
        custom_fields.push(CustomFieldValue {
            id: field_id(3),
            value: rng.pick(words::PLAN_TIERS).to_owned(),
        });
    }

    // Up to three years back, with milliseconds so values look like real records.
    let age_ms = rng.range(0, 3 * 365 * 86_400_000 - 1);
    let added_ms = clock.anchor_ms - age_ms;
    let updated_ms = between(rng, added_ms, clock.anchor_ms);

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
        date_added: clock.at(added_ms),
        date_updated: clock.at(updated_ms),
    };
    (
        contact,
        ContactSeed {
            trade,
            address: full_address,
            added_ms,
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
    clock: Clock,
) -> Activity {
    let now = clock.anchor_ms;
    let rng = &mut Dice::new(seed, ACTIVITY_STREAM_BASE + index as u64);
    let rich = rank < RICH_CONTACTS;
    let showcase = rank == 0;
    let user = |rng: &mut Dice| loc.users[rng.below(loc.users.len())].id.clone();
    // Nothing happens before the contact exists: past dates are clamped to its
    // creation, so the newest contacts' activity lies mostly ahead of them.
    let age_days = (now - cs.added_ms) / DAY_MS;
    let not_before = |ms: i64, rng: &mut Dice| {
        if ms >= cs.added_ms {
            ms
        } else {
            between(rng, cs.added_ms, now.max(cs.added_ms))
        }
    };
    let mut used_titles = Vec::new();
    let mut used_bodies = Vec::new();

    let task_count = if rich {
        rng.range(2, 5)
    } else {
        rng.range(0, 5)
    };
    let mut tasks: Vec<Task> = (0..task_count)
        .map(|i| {
            let title = if rng.chance(0.75) {
                rng.pick_fresh(cs.trade.task_titles(), &mut used_titles)
            } else {
                rng.pick_fresh(words::GENERAL_TASK_TITLES, &mut used_titles)
            };
            // The showcase contact gets one overdue open task and one completed one.
            let days = match (showcase, i) {
                (true, 0) => rng.range(-10, -2),
                _ => rng.range((-20).max(-age_days), 30),
            };
            let (hour, minute) = business_hour(rng);
            let due_ms = not_before(clock.day_at(days, hour, minute), rng);
            // Clamping may push it past "now"; overdue means strictly before it.
            let due_ms = if showcase && i == 0 {
                due_ms.min(now - MINUTE_MS)
            } else {
                due_ms
            };
            let completed = match (showcase, i) {
                (true, 0) => false,
                (true, 1) => true,
                _ if due_ms < now => rng.chance(0.65),
                _ => rng.chance(0.1),
            };
            Task {
                id: rng.id(),
                contact_id: contact.id.clone(),
                title: title.to_owned(),
                body: rng.pick(words::TASK_BODIES).to_owned(),
                assigned_to: rng.chance(0.8).then(|| user(rng)),
                due_date: clock.at(due_ms),
                completed,
            }
        })
        .collect();
    tasks.sort_by(|a, b| a.due_date.cmp(&b.due_date).then_with(|| a.id.cmp(&b.id)));

    let note_count = if rich {
        rng.range(2, 6)
    } else {
        rng.range(0, 6)
    };
    let mut notes: Vec<Note> = (0..note_count)
        .map(|i| {
            let trade_left = cs
                .trade
                .note_bodies()
                .iter()
                .any(|b| !used_bodies.contains(b));
            let body = if trade_left && rng.chance(0.6) {
                rng.pick_fresh(cs.trade.note_bodies(), &mut used_bodies)
            } else {
                rng.pick_fresh(words::GENERAL_NOTE_BODIES, &mut used_bodies)
            };
            Note {
                id: rng.id(),
                contact_id: contact.id.clone(),
                body: body.to_owned(),
                title: rng
                    .chance(0.4)
                    .then(|| rng.pick(words::NOTE_TITLES).to_owned()),
                color: rng
                    .chance(0.3)
                    .then(|| rng.pick(words::NOTE_COLORS).to_owned()),
                pinned: (showcase && i == 0) || rng.below(6) == 0,
                user_id: user(rng),
                date_added: clock.at(between(rng, cs.added_ms, now)),
            }
        })
        .collect();
    // GHL lists notes newest first.
    notes.sort_by(|a, b| {
        b.date_added
            .cmp(&a.date_added)
            .then_with(|| a.id.cmp(&b.id))
    });

    let appointment_count = if rich {
        rng.range(1, 3)
    } else {
        rng.range(0, 3)
    };
    let mut appointments: Vec<Appointment> = (0..appointment_count)
        .map(|i| {
            let title = rng.pick_fresh(cs.trade.appointment_titles(), &mut used_titles);
            let days = if showcase && i == 0 {
                rng.range(1, 7)
            } else {
                rng.range((-60).max(-age_days), 45)
            };
            let (hour, minute) = business_hour(rng);
            let mut start_ms = clock.day_at(days, hour, minute);
            if start_ms < cs.added_ms {
                // Same day as the contact came in, but later: the next whole hour.
                start_ms = cs.added_ms - cs.added_ms.rem_euclid(HOUR_MS) + HOUR_MS;
            }
            let minutes = 30 * rng.range(1, 4);
            let end_ms = start_ms + minutes * MINUTE_MS;
            let status = if start_ms < now {
                if rng.chance(0.8) {
                    AppointmentStatus::Showed
                } else {
                    AppointmentStatus::Cancelled
                }
            } else {
                rng.weighted(&[
                    (AppointmentStatus::Booked, 50),
                    (AppointmentStatus::Confirmed, 40),
                    (AppointmentStatus::Cancelled, 10),
                ])
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
            let booked_ms = start_ms - rng.range(1, 21) * DAY_MS;
            let added_ms = booked_ms.clamp(cs.added_ms, now.max(cs.added_ms));
            let updated_ms = between(rng, added_ms, now.min(end_ms));
            Appointment {
                id: rng.id(),
                contact_id: contact.id.clone(),
                calendar_id: calendar.id.clone(),
                title: title.to_owned(),
                status,
                assigned_user_id: user(rng),
                notes: rng
                    .chance(0.3)
                    .then(|| rng.pick(words::APPOINTMENT_NOTES).to_owned()),
                address: Some(cs.address.clone()),
                start_time: clock.at(start_ms),
                end_time: clock.at(end_ms),
                date_added: clock.at(added_ms),
                date_updated: clock.at(updated_ms),
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

/// Builds the dataset of location 0 for `config.seed` / `config.contacts`;
/// `anchor` is "now" for all relative dates (truncated to milliseconds, UTC, like
/// GHL timestamps).
pub fn seed(config: &SandboxConfig, anchor: OffsetDateTime) -> Dataset {
    seed_location(config, 0, anchor)
}

/// The agency (GHL "company") that owns every location of a sandbox.
pub(crate) fn company_id(seed: u64) -> String {
    Dice::new(seed, COMPANY_STREAM).id()
}

/// The smallest dataset of the extra locations, so each has a few pages.
const MIN_EXTRA_CONTACTS: usize = 50;

/// Builds the dataset of location `index` of a sandbox started with `config`.
/// Location 0 is [`seed`]; the others are other businesses with their own seed
/// (`config.seed + index`), ids and a fifth as many contacts (at least 50).
pub fn seed_location(config: &SandboxConfig, index: usize, anchor: OffsetDateTime) -> Dataset {
    let anchor = anchor.to_offset(UtcOffset::UTC);
    let anchor = anchor
        .replace_nanosecond(anchor.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(anchor);
    let (seed, contacts, biz, name) = if index == 0 {
        let biz = words::HOME_BUSINESS;
        (config.seed, config.contacts, biz, biz.name.to_owned())
    } else {
        let others = words::OTHER_BUSINESSES;
        let biz = others[(index - 1) % others.len()];
        let round = (index - 1) / others.len();
        // Beyond the list the names repeat; a number keeps them apart.
        let name = if round == 0 {
            biz.name.to_owned()
        } else {
            format!("{} {}", biz.name, round + 1)
        };
        (
            config.seed.wrapping_add(index as u64),
            (config.contacts / 5).max(MIN_EXTRA_CONTACTS),
            biz,
            name,
        )
    };
    let loc = location(seed, &biz, name, company_id(config.seed));
    let clock = Clock::new(anchor);

    let mut generated: Vec<(usize, Contact, ContactSeed)> = (0..contacts)
        .map(|i| {
            let (c, cs) = contact(seed, i, &loc, biz.trades, clock);
            (i, c, cs)
        })
        .collect();
    // Store contacts in default search order (newest first, ties by id) so "the
    // first contacts" and "the first page" are the same rich records.
    generated.sort_by(|a, b| {
        b.2.added_ms
            .cmp(&a.2.added_ms)
            .then_with(|| b.1.id.cmp(&a.1.id))
    });

    let mut tasks = HashMap::with_capacity(generated.len());
    let mut notes = HashMap::with_capacity(generated.len());
    let mut appointments = HashMap::with_capacity(generated.len());
    let mut contacts = Vec::with_capacity(generated.len());
    for (rank, (index, c, cs)) in generated.into_iter().enumerate() {
        let a = activity(seed, index, rank, &c, &cs, &loc, clock);
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
    fn every_location_has_the_sync_custom_fields_after_the_others() {
        let config = SandboxConfig {
            contacts: 5,
            ..SandboxConfig::default()
        };
        let anchor = OffsetDateTime::UNIX_EPOCH;
        for index in 0..3 {
            let loc = seed_location(&config, index, anchor).location;
            let keys: Vec<&str> = loc.custom_fields.iter().map(|d| d.key.as_str()).collect();
            assert_eq!(
                keys,
                [
                    "contact.equipment_age",
                    "contact.preferred_contact_time",
                    "contact.access_code",
                    "contact.service_plan_tier",
                    "contact.hcp_customer_id",
                    "contact.hcp_home_phone",
                    "contact.hcp_work_phone",
                ],
                "location {index}"
            );
            let mut ids: Vec<&str> = loc.custom_fields.iter().map(|d| d.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), keys.len(), "distinct ids in location {index}");
        }
    }

    #[test]
    fn ids_look_like_ghl_ids() {
        let id = Dice::new(1, 0).id();
        assert_eq!(id.len(), 20);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
