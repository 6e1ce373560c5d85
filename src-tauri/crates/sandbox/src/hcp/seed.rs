//! Deterministic Housecall Pro customers, some of them the same people as
//! given GHL contacts: matched by email, by phone only (written the way HCP
//! users type it, not E.164), or not at all.

use std::collections::{HashMap, HashSet};

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Duration as TimeDuration, OffsetDateTime};

use super::model::{national_digits, HcpAddress, HcpCompany, HcpCustomer};
use crate::model::Dataset;
use crate::seed_data as words;

/// Share of customers that are a given GHL contact found by email.
const EMAIL_MATCH_SHARE: f64 = 0.30;
/// Share that are a given GHL contact found only by phone.
const PHONE_MATCH_SHARE: f64 = 0.20;
/// Independent streams of one seed: the plan, then one per customer.
const PLAN_STREAM: u64 = 1 << 50;
const CUSTOMER_STREAM_BASE: u64 = (1 << 50) + 1;
const COMPANY_STREAM: u64 = (1 << 50) - 1;

const TAGS: &[(&str, f64)] = &[
    ("residential", 0.55),
    ("commercial", 0.12),
    ("maintenance plan", 0.25),
    ("warranty", 0.10),
    ("vip", 0.06),
    ("new construction", 0.05),
    ("referral reward", 0.04),
];
const TRADES: &[&str] = &["hvac", "plumbing", "electrical", "roofing"];
const LEAD_SOURCES: &[&str] = &[
    "Google",
    "Referral",
    "Facebook",
    "Yelp",
    "Nextdoor",
    "Website",
    "Angi",
    "Repeat customer",
];
const NOTES: &[&str] = &[
    "Gate code 4821. Dog in the backyard, friendly.",
    "Prefers text messages before arrival.",
    "Furnace in the crawl space – bring knee pads.",
    "Tenant occupied; call the owner for approval over $500.",
    "Water heater replaced 2024, 10-year warranty.",
    "Please use the side door; front steps are being redone.",
    "Annual maintenance in October.",
    "Senior discount applied.",
    "Electric panel is a Zinsco – recommend replacement.",
    "Lockbox on the back door, code 1137.",
];
const APARTMENT_UNITS: &[&str] = &["Apt 2B", "Unit 4", "Suite 210", "#12", "Apt 305"];

/// A GHL contact to mirror in Housecall Pro (see [`seed_contacts_from_dataset`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedContact {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// E.164, as GHL stores it (`+13035550142`).
    pub phone: Option<String>,
}

/// How a seeded customer relates to the given GHL contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMatch {
    /// Same email as `ghl_contacts[index]` (sometimes in other letter case).
    Email { contact: usize },
    /// Same phone as `ghl_contacts[index]`, written differently, and an
    /// email no GHL contact has (or none).
    PhoneOnly { contact: usize },
    /// Neither email nor phone of any given contact.
    NoMatch,
}

/// One seeded customer's relation to the GHL contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededMatch {
    pub customer_id: String,
    pub relation: SeedMatch,
}

/// Every GHL contact with an email or a phone, in dataset order: the
/// `ghl_contacts` to seed HCP customers that match the GHL side.
pub fn seed_contacts_from_dataset(dataset: &Dataset) -> Vec<SeedContact> {
    dataset
        .contacts
        .iter()
        .filter(|c| c.email.is_some() || c.phone.is_some())
        .map(|c| SeedContact {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        })
        .collect()
}

struct Dice(ChaCha8Rng);

impl Dice {
    fn new(seed: u64, stream: u64) -> Dice {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Dice(rng)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }

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

    fn hex(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        while out.len() < len {
            out.push_str(&format!("{:016x}", self.0.next_u64()));
        }
        out.truncate(len);
        out
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Ids for records created through the API: deterministic per seed, and
/// from a stream the seeded records never use.
pub(crate) struct IdSource(Dice);

impl IdSource {
    pub fn new(seed: u64) -> IdSource {
        IdSource(Dice::new(seed, u64::MAX))
    }

    pub fn customer(&mut self) -> String {
        format!("cus_{}", self.0.hex(32))
    }

    pub fn address(&mut self) -> String {
        format!("adr_{}", self.0.hex(32))
    }
}

/// The Pro's account: the GHL sandbox's home business, so demo data reads
/// as one company using both products.
pub(crate) fn company(seed: u64) -> HcpCompany {
    let mut dice = Dice::new(seed, COMPANY_STREAM);
    let h = dice.hex(32);
    HcpCompany {
        id: format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ),
        name: words::HOME_BUSINESS.name.to_owned(),
    }
}

/// A US number the way people type it into HCP: `(303) 555-0142`,
/// `303-555-0142`, `303.555.0142` or `3035550142`; never E.164.
fn local_format(digits: &str, style: usize) -> String {
    if digits.len() != 10 {
        return digits.to_owned();
    }
    let (a, b, c) = (&digits[..3], &digits[3..6], &digits[6..]);
    match style % 4 {
        0 => format!("({a}) {b}-{c}"),
        1 => format!("{a}-{b}-{c}"),
        2 => format!("{a}.{b}.{c}"),
        _ => format!("{a}{b}{c}"),
    }
}

/// `Maria.Lopez@Gmail.com` for `maria.lopez@gmail.com`: the same mailbox.
fn recase(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut upper_next = true;
    for ch in email.chars() {
        if upper_next {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
        upper_next = matches!(ch, '.' | '@' | '_');
    }
    out
}

/// Lower-case ASCII for email addresses: "Zoë O'Brien" → "zoeobrien".
fn slug(s: &str) -> String {
    const FOLDS: &[(&str, char)] = &[
        ("áàâäãå", 'a'),
        ("éèêëễ", 'e'),
        ("íìîï", 'i'),
        ("óòôöõø", 'o'),
        ("úùûü", 'u'),
        ("ñ", 'n'),
        ("ç", 'c'),
        ("ř", 'r'),
    ];
    s.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(c);
            }
            FOLDS
                .iter()
                .find(|(from, _)| from.contains(c))
                .map(|(_, to)| *to)
        })
        .collect()
}

/// Builds the seeded customers (newest `created_at` first) and how each
/// relates to `contacts`. Deterministic in `seed`, `count` and `contacts`;
/// dates are `anchor` minus seeded offsets.
pub(crate) fn seed_customers(
    seed: u64,
    count: usize,
    contacts: &[SeedContact],
    anchor: OffsetDateTime,
) -> (Vec<HcpCustomer>, Vec<SeededMatch>) {
    let taken_emails: HashSet<String> = contacts
        .iter()
        .filter_map(|c| c.email.as_deref())
        .map(str::to_lowercase)
        .collect();
    let mut phone_uses: HashMap<String, usize> = HashMap::new();
    for digits in contacts
        .iter()
        .filter_map(|c| c.phone.as_deref())
        .map(national_digits)
    {
        *phone_uses.entry(digits).or_default() += 1;
    }
    let email_uses = {
        let mut uses: HashMap<String, usize> = HashMap::new();
        for e in contacts.iter().filter_map(|c| c.email.as_deref()) {
            *uses.entry(e.to_lowercase()).or_default() += 1;
        }
        uses
    };

    // Which contacts to mirror: unique emails / phones first, so a match
    // points at one GHL contact wherever the data allows.
    let plan = &mut Dice::new(seed, PLAN_STREAM);
    let mut by_email: Vec<usize> = (0..contacts.len())
        .filter(|&i| contacts[i].email.is_some())
        .collect();
    plan.shuffle(&mut by_email);
    by_email.sort_by_key(|&i| {
        email_uses[&contacts[i]
            .email
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()]
            > 1
    });
    let email_n = ((count as f64 * EMAIL_MATCH_SHARE).round() as usize).min(by_email.len());
    let email_picks: Vec<usize> = by_email[..email_n].to_vec();
    let used: HashSet<usize> = email_picks.iter().copied().collect();
    let mut by_phone: Vec<usize> = (0..contacts.len())
        .filter(|&i| contacts[i].phone.is_some() && !used.contains(&i))
        .collect();
    plan.shuffle(&mut by_phone);
    by_phone.sort_by_key(|&i| {
        phone_uses[&national_digits(contacts[i].phone.as_deref().unwrap_or_default())] > 1
    });
    let phone_n = ((count as f64 * PHONE_MATCH_SHARE).round() as usize)
        .min(by_phone.len())
        .min(count - email_n);
    let mut relations: Vec<SeedMatch> = email_picks
        .into_iter()
        .map(|contact| SeedMatch::Email { contact })
        .chain(
            by_phone[..phone_n]
                .iter()
                .map(|&contact| SeedMatch::PhoneOnly { contact }),
        )
        .collect();
    relations.resize(count, SeedMatch::NoMatch);
    plan.shuffle(&mut relations);

    let mut customers: Vec<HcpCustomer> = relations
        .iter()
        .enumerate()
        .map(|(i, relation)| {
            let rng = &mut Dice::new(seed, CUSTOMER_STREAM_BASE + i as u64);
            customer(rng, *relation, contacts, &taken_emails, &phone_uses, anchor)
        })
        .collect();
    // Newest first, like the API's default sort; ties by id for stability.
    let mut order: Vec<usize> = (0..customers.len()).collect();
    order.sort_by(|&a, &b| {
        customers[b]
            .created_at
            .cmp(&customers[a].created_at)
            .then_with(|| customers[a].id.cmp(&customers[b].id))
    });
    let matches = order
        .iter()
        .map(|&i| SeededMatch {
            customer_id: customers[i].id.clone(),
            relation: relations[i],
        })
        .collect();
    let mut slots: Vec<Option<HcpCustomer>> = customers.drain(..).map(Some).collect();
    let customers = order.into_iter().filter_map(|i| slots[i].take()).collect();
    (customers, matches)
}

fn customer(
    rng: &mut Dice,
    relation: SeedMatch,
    contacts: &[SeedContact],
    taken_emails: &HashSet<String>,
    phone_uses: &HashMap<String, usize>,
    anchor: OffsetDateTime,
) -> HcpCustomer {
    let id = format!("cus_{}", rng.hex(32));
    let (first_name, last_name) = match relation {
        SeedMatch::Email { contact } | SeedMatch::PhoneOnly { contact } => (
            contacts[contact].first_name.clone(),
            contacts[contact].last_name.clone(),
        ),
        SeedMatch::NoMatch => (
            rng.pick(words::FIRST_NAMES).to_owned(),
            rng.pick(words::LAST_NAMES).to_owned(),
        ),
    };
    let fresh_email = |rng: &mut Dice| -> String {
        let (f, l) = (slug(&first_name), slug(&last_name));
        let domain = rng.pick(words::EMAIL_DOMAINS);
        let mut n = rng.range(2, 99);
        loop {
            let candidate = format!("{f}.{l}{n}@{domain}");
            if !taken_emails.contains(&candidate) {
                return candidate;
            }
            n += 100;
        }
    };
    let fresh_phone = |rng: &mut Dice| -> String {
        loop {
            let area = rng.weighted(words::AREA_CODES);
            // Outside the 555-01xx range the GHL seed uses.
            let digits = format!("{area}555{:04}", rng.range(200, 999));
            if !phone_uses.contains_key(&digits) {
                return digits;
            }
        }
    };
    let style = rng.below(4);
    let (email, mobile_digits) = match relation {
        SeedMatch::Email { contact } => {
            let c = &contacts[contact];
            let email = c
                .email
                .clone()
                .map(|e| if rng.chance(0.2) { recase(&e) } else { e });
            let phone = match &c.phone {
                Some(p) if rng.chance(0.7) => Some(national_digits(p)),
                _ => rng.chance(0.8).then(|| fresh_phone(rng)),
            };
            (email, phone)
        }
        SeedMatch::PhoneOnly { contact } => {
            let c = &contacts[contact];
            let email = rng.chance(0.5).then(|| fresh_email(rng));
            (email, c.phone.as_deref().map(national_digits))
        }
        SeedMatch::NoMatch => (
            rng.chance(0.9).then(|| fresh_email(rng)),
            rng.chance(0.95).then(|| fresh_phone(rng)),
        ),
    };
    let mobile_number = mobile_digits.map(|d| local_format(&d, style));
    let home_number = rng
        .chance(0.25)
        .then(|| local_format(&fresh_phone(rng), style));
    let work_number = rng
        .chance(0.15)
        .then(|| local_format(&fresh_phone(rng), style + 1));
    let company = rng.chance(0.15).then(|| {
        format!(
            "{} {}",
            rng.pick(words::COMPANY_PREFIXES),
            rng.pick(words::COMPANY_SUFFIXES)
        )
    });

    let mut tags = vec![rng.pick(TRADES).to_owned()];
    for (tag, p) in TAGS {
        if rng.chance(*p) {
            tags.push((*tag).to_owned());
        }
    }
    let lead_source = rng.chance(0.85).then(|| rng.pick(LEAD_SOURCES).to_owned());
    let notes = rng.chance(0.4).then(|| rng.pick(NOTES).to_owned());

    let created_at = anchor - TimeDuration::minutes(rng.range(60, 3 * 365 * 24 * 60));
    let since_created = (anchor - created_at).whole_minutes().max(1);
    let updated_at = if rng.chance(0.6) {
        created_at + TimeDuration::minutes(rng.range(0, since_created))
    } else {
        created_at
    };
    let mut addresses = vec![address(rng, "service", created_at)];
    if rng.chance(0.3) {
        addresses.push(address(rng, "billing", created_at));
    }
    if rng.chance(0.05) {
        addresses.push(address(rng, "service", created_at));
    }
    HcpCustomer {
        id,
        first_name: Some(first_name),
        last_name: Some(last_name),
        email,
        mobile_number,
        home_number,
        work_number,
        company,
        notifications_enabled: rng.chance(0.8),
        lead_source,
        notes,
        tags,
        addresses,
        do_not_service: rng.chance(0.02),
        created_at,
        updated_at,
    }
}

fn address(rng: &mut Dice, kind: &str, at: OffsetDateTime) -> HcpAddress {
    let (city, zips) = rng.pick(words::CITIES);
    HcpAddress {
        id: format!("adr_{}", rng.hex(32)),
        kind: kind.to_owned(),
        street: Some(format!(
            "{} {} {}",
            rng.range(100, 19999),
            rng.pick(words::STREET_NAMES),
            rng.pick(words::STREET_SUFFIXES)
        )),
        street_line_2: rng
            .chance(0.12)
            .then(|| rng.pick(APARTMENT_UNITS).to_owned()),
        city: Some(city.to_owned()),
        state: Some("CO".to_owned()),
        zip: Some(rng.pick(zips).to_owned()),
        country: Some("US".to_owned()),
        created_at: at,
        updated_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contacts(n: usize) -> Vec<SeedContact> {
        (0..n)
            .map(|i| SeedContact {
                first_name: format!("First{i}"),
                last_name: format!("Last{i}"),
                email: (i % 7 != 0).then(|| format!("person{i}@example.com")),
                phone: (i % 5 != 0).then(|| format!("+1303555{:04}", 100 + i)),
            })
            .collect()
    }

    fn anchor() -> OffsetDateTime {
        time::macros::datetime!(2026-11-01 12:00 UTC)
    }

    #[test]
    fn deterministic_per_seed() {
        let c = contacts(80);
        let a = seed_customers(7, 100, &c, anchor());
        let b = seed_customers(7, 100, &c, anchor());
        assert_eq!(a, b);
        let other = seed_customers(8, 100, &c, anchor());
        assert_ne!(a.0, other.0);
        assert_eq!(a.0.len(), 100);
        assert!(a.0.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    }

    #[test]
    fn matches_are_what_they_claim() {
        let c = contacts(200);
        let (customers, matches) = seed_customers(3, 100, &c, anchor());
        let emails: HashSet<String> = c.iter().filter_map(|x| x.email.clone()).collect();
        let phones: HashSet<String> = c
            .iter()
            .filter_map(|x| x.phone.as_deref().map(national_digits))
            .collect();
        let (mut by_email, mut by_phone, mut none) = (0, 0, 0);
        for (customer, m) in customers.iter().zip(&matches) {
            assert_eq!(customer.id, m.customer_id);
            let email = customer.email.as_deref().map(str::to_lowercase);
            let phone_digits: Vec<String> = [
                &customer.mobile_number,
                &customer.home_number,
                &customer.work_number,
            ]
            .into_iter()
            .flatten()
            .map(|p| national_digits(p))
            .collect();
            match m.relation {
                SeedMatch::Email { contact } => {
                    by_email += 1;
                    assert_eq!(email, c[contact].email.clone());
                }
                SeedMatch::PhoneOnly { contact } => {
                    by_phone += 1;
                    let mobile = customer.mobile_number.as_deref().expect("mobile");
                    assert!(!mobile.starts_with('+'), "{mobile}");
                    assert_eq!(
                        national_digits(mobile),
                        national_digits(c[contact].phone.as_deref().expect("phone"))
                    );
                    assert!(email.is_none_or(|e| !emails.contains(&e)));
                    assert_eq!(
                        customer.first_name.as_deref(),
                        Some(c[contact].first_name.as_str())
                    );
                }
                SeedMatch::NoMatch => {
                    none += 1;
                    assert!(email.is_none_or(|e| !emails.contains(&e)));
                    assert!(phone_digits.iter().all(|d| !phones.contains(d)));
                }
            }
        }
        assert_eq!((by_email, by_phone, none), (30, 20, 50));
        // Some customers have every kind of data the sync maps.
        assert!(customers.iter().any(|c| c.notes.is_some()));
        assert!(customers.iter().any(|c| c.home_number.is_some()));
        assert!(customers.iter().any(|c| c.work_number.is_some()));
        assert!(customers.iter().any(|c| c.company.is_some()));
        assert!(customers
            .iter()
            .any(|c| c.addresses.iter().any(|a| a.kind == "billing")));
    }

    #[test]
    fn without_contacts_nothing_matches() {
        let (customers, matches) = seed_customers(1, 20, &[], anchor());
        assert_eq!(customers.len(), 20);
        assert!(matches.iter().all(|m| m.relation == SeedMatch::NoMatch));
    }

    #[test]
    fn phone_formats_and_recase() {
        assert_eq!(local_format("3035550142", 0), "(303) 555-0142");
        assert_eq!(local_format("3035550142", 1), "303-555-0142");
        assert_eq!(local_format("3035550142", 2), "303.555.0142");
        assert_eq!(local_format("3035550142", 3), "3035550142");
        assert_eq!(recase("maria.lopez@gmail.com"), "Maria.Lopez@Gmail.Com");
        assert_eq!(national_digits("+1 (303) 555-0142"), "3035550142");
        assert_eq!(slug("Zoë O'Brien-Dvořák"), "zoeobriendvorak");
    }
}
