//! Normalisation applied to every value before the sides are compared, so
//! that formatting differences (`(303) 555-0142` vs `+13035550142`, `Bob@X.com`
//! vs `bob@x.com`) are never seen as edits.
//!
//! The phone normaliser is this crate's own (the `ghl` crate has one too, but
//! this crate must not depend on `ghl`); both accept the same inputs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::model::{Field, Value};

/// Turns raw text from either API into normalised [`Value`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalizer {
    /// Country calling code for numbers written without one (`"1"` = North America).
    pub default_country_code: String,
}

impl Default for Normalizer {
    fn default() -> Self {
        Self {
            default_country_code: "1".to_owned(),
        }
    }
}

impl Normalizer {
    /// Checks the configuration (called by [`crate::Mapping::check`]).
    pub fn check(&self) -> Result<(), Error> {
        country_code(&self.default_country_code).map(|_| ())
    }

    /// The normalised value of raw text for `field`; blank input is `Missing`.
    ///
    /// A phone that cannot be parsed is kept as trimmed text rather than
    /// dropped, so it still compares and [`crate::validate`] can name it.
    pub fn text(&self, field: Field, raw: &str) -> Value {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Value::Missing;
        }
        match field {
            Field::Email => Value::Text(trimmed.to_lowercase()),
            Field::Phone | Field::ExtraPhone(_) => Value::Text(
                phone(trimmed, &self.default_country_code).unwrap_or_else(|_| collapse(trimmed)),
            ),
            // Line breaks in a note are meaningful; only the ends are trimmed.
            Field::Note => Value::Text(trimmed.to_owned()),
            Field::Tags => Value::from_set(trimmed.split(',').filter_map(tag).collect()),
            _ => Value::Text(collapse(trimmed)),
        }
    }
}

/// Runs of whitespace become one space; ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tag name as compared: trimmed, inner whitespace collapsed, lowercase
/// (GHL stores tags lowercase, so `VIP` in HCP and `vip` in GHL are one tag).
pub fn tag(raw: &str) -> Option<String> {
    let t = collapse(raw).to_lowercase();
    (!t.is_empty()).then_some(t)
}

/// Why a phone number was refused. Never repeats the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    Empty,
    Letters,
    BadCharacter,
    TooShort,
    TooLong,
    NoCountryCode,
    BadAreaCode,
    BadDefaultCountryCode,
}

impl PhoneProblem {
    pub fn message(self) -> &'static str {
        match self {
            PhoneProblem::Empty => "is empty",
            PhoneProblem::Letters => "must not contain letters (extensions are not supported)",
            PhoneProblem::BadCharacter => {
                "may contain only digits, spaces, a leading + and - . / ( )"
            }
            PhoneProblem::TooShort => "is too short to be a phone number",
            PhoneProblem::TooLong => "is too long to be a phone number",
            PhoneProblem::NoCountryCode => "has no valid country code",
            PhoneProblem::BadAreaCode => "has an invalid North American area code",
            PhoneProblem::BadDefaultCountryCode => {
                "cannot be read: the default country code is not 1 to 3 digits"
            }
        }
    }
}

fn country_code(cc: &str) -> Result<&str, Error> {
    let cc = cc.trim();
    let ok = (1..=3).contains(&cc.len())
        && cc.bytes().all(|b| b.is_ascii_digit())
        && !cc.starts_with('0');
    if ok {
        Ok(cc)
    } else {
        Err(Error::InvalidMapping(
            "the default country calling code must be 1 to 3 digits, not starting with 0".into(),
        ))
    }
}

/// Normalises a phone number to E.164 (`+13035550142`).
///
/// Accepts digits with the usual separators, a leading `+` or `00` for an
/// international number, and otherwise reads the number as national in the
/// country `default_cc`. For `1` (North America) a national number is ten
/// digits, optionally after the trunk `1`; elsewhere one trunk `0` is dropped.
pub fn phone(input: &str, default_cc: &str) -> Result<String, PhoneProblem> {
    let cc = country_code(default_cc).map_err(|_| PhoneProblem::BadDefaultCountryCode)?;
    let s = input.trim();
    if s.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    let mut digits = String::with_capacity(s.len());
    let mut international = false;
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => international = true,
            ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}' => {}
            c if c.is_alphabetic() => return Err(PhoneProblem::Letters),
            _ => return Err(PhoneProblem::BadCharacter),
        }
    }
    if digits.len() > 20 {
        return Err(PhoneProblem::TooLong);
    }
    let full = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if cc == "1" {
        match digits.len() {
            10 => format!("1{digits}"),
            11 if digits.starts_with('1') => digits,
            n if n < 10 => return Err(PhoneProblem::TooShort),
            _ => return Err(PhoneProblem::TooLong),
        }
    } else {
        format!("{cc}{}", digits.strip_prefix('0').unwrap_or(&digits))
    };
    if full.is_empty() || full.starts_with('0') {
        return Err(PhoneProblem::NoCountryCode);
    }
    // E.164 allows at most 15 digits; fewer than 8 is no real number.
    if full.len() < 8 {
        return Err(PhoneProblem::TooShort);
    }
    if full.len() > 15 {
        return Err(PhoneProblem::TooLong);
    }
    if let Some(national) = full.strip_prefix('1') {
        match national.len() {
            n if n < 10 => return Err(PhoneProblem::TooShort),
            n if n > 10 => return Err(PhoneProblem::TooLong),
            _ if national.starts_with(['0', '1']) => return Err(PhoneProblem::BadAreaCode),
            _ => {}
        }
    }
    Ok(format!("+{full}"))
}

/// Whether `s` is already in E.164 form.
pub fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    }) && phone(s, "1").as_deref() == Ok(s)
}

/// Checks an email address's syntax pragmatically (not full RFC 5322).
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(|c| "@,;:<>()[]\\\"".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c == '-' || c.is_alphanumeric())
        });
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && !t.chars().all(|c| c.is_ascii_digit()));
    local_ok && labels_ok && tld_ok
}

const STAMP_PREFIX: &str = "[HCP note ";

/// The marker put at the top of the GHL note created from HCP `notes` text:
/// `[HCP note a1b2c3d4]`, from the SHA-256 of the trimmed text. A re-sync
/// finds it among the contact's notes and does not create the note again.
pub fn note_stamp(text: &str) -> String {
    let digest = Sha256::digest(text.trim().as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{STAMP_PREFIX}{hex}]")
}

/// The body of the GHL note created for HCP `notes` text.
pub fn note_body(text: &str) -> String {
    format!("{}\n{}", note_stamp(text), text.trim())
}

/// The stamps found in GHL note bodies (feed the contact's notes here to
/// fill the GHL record's [`Field::Note`]).
pub fn note_stamps<'a>(bodies: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for body in bodies {
        let mut rest = body;
        while let Some(at) = rest.find(STAMP_PREFIX) {
            let after = &rest[at + STAMP_PREFIX.len()..];
            let hex: String = after.chars().take(8).collect();
            if hex.len() == 8
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && after[8..].starts_with(']')
            {
                out.insert(format!("{STAMP_PREFIX}{hex}]"));
            }
            rest = after;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_usual_formats_become_e164() {
        for input in [
            "(303) 555-0142",
            "303.555.0142",
            "+1 303 555 0142",
            "1-303-555-0142",
            "303 555 0142 ",
            "001 303 555 0142",
        ] {
            assert_eq!(phone(input, "1").as_deref(), Ok("+13035550142"), "{input}");
        }
        assert_eq!(phone("020 7946 0958", "44").as_deref(), Ok("+442079460958"));
        assert_eq!(
            phone("+44 20 7946 0958", "1").as_deref(),
            Ok("+442079460958")
        );
    }

    #[test]
    fn bad_phones_are_refused_with_a_reason() {
        assert_eq!(phone("", "1"), Err(PhoneProblem::Empty));
        assert_eq!(phone("555-0142", "1"), Err(PhoneProblem::TooShort));
        assert_eq!(phone("303 555 0142 ext 5", "1"), Err(PhoneProblem::Letters));
        assert_eq!(phone("303#555#0142", "1"), Err(PhoneProblem::BadCharacter));
        assert_eq!(phone("(103) 555-0142", "1"), Err(PhoneProblem::BadAreaCode));
        assert_eq!(phone("+1234567890123456", "1"), Err(PhoneProblem::TooLong));
        assert_eq!(phone("+0123456789", "1"), Err(PhoneProblem::NoCountryCode));
        assert_eq!(
            phone("3035550142", "0"),
            Err(PhoneProblem::BadDefaultCountryCode)
        );
    }

    #[test]
    fn normalizer_trims_lowercases_and_keeps_unparseable_phones() {
        let n = Normalizer::default();
        assert_eq!(
            n.text(Field::Email, "  Bob@Example.COM "),
            Value::Text("bob@example.com".into())
        );
        assert_eq!(n.text(Field::FirstName, "   "), Value::Missing);
        assert_eq!(
            n.text(Field::City, " New   York "),
            Value::Text("New York".into())
        );
        assert_eq!(
            n.text(Field::Phone, "(303) 555-0142"),
            Value::Text("+13035550142".into())
        );
        assert_eq!(n.text(Field::Phone, " 12 34 "), Value::Text("12 34".into()));
        assert_eq!(
            n.text(Field::Note, "  line 1\n\nline 2  "),
            Value::Text("line 1\n\nline 2".into())
        );
        assert_eq!(
            n.text(Field::Tags, " VIP , new  lead,,"),
            Value::Set(["new lead".to_owned(), "vip".to_owned()].into())
        );
    }

    #[test]
    fn emails() {
        assert!(is_email("bob@example.com"));
        assert!(is_email("a.b+c@sub.example.co"));
        for bad in [
            "bob",
            "bob@",
            "@example.com",
            "bob@example",
            "bob@@example.com",
            "bob smith@example.com",
            ".bob@example.com",
            "bob@example.123",
            "bob@-example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn e164_check() {
        assert!(is_e164("+13035550142"));
        assert!(!is_e164("13035550142"));
        assert!(!is_e164("+1303555014"));
        assert!(!is_e164("+1 303 555 0142"));
    }

    #[test]
    fn note_stamps_are_stable_and_found_in_bodies() {
        let s = note_stamp("Gate code 1234");
        assert_eq!(s, note_stamp("  Gate code 1234\n"));
        assert_ne!(s, note_stamp("Gate code 1235"));
        assert!(s.starts_with("[HCP note ") && s.ends_with(']') && s.len() == 19);
        let body = note_body("Gate code 1234");
        assert!(body.starts_with(&s) && body.ends_with("Gate code 1234"));
        let found = note_stamps([
            body.as_str(),
            "unrelated",
            "[HCP note XYZ]",
            "[HCP note 0123",
        ]);
        assert_eq!(found, [s].into());
    }
}
