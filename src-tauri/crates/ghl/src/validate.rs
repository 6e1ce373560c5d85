//! Input checks run before a write is sent, so the user gets a clear message
//! naming the field instead of a vague 400/422 from the API.

use crate::error::Error;

/// Field-named validation error.
pub(crate) fn invalid(field: &str, problem: &str) -> Error {
    Error::InvalidInput {
        messages: vec![format!("{field}: {problem}")],
    }
}

/// Normalises a phone number to E.164 (`+13035550142`).
///
/// Accepts digits with the usual separators (spaces, `-`, `.`, `/`, `(`, `)`),
/// an optional leading `+` (or `00`) for an international number, and
/// otherwise treats the number as national in the country whose calling code
/// is `default_country_calling_code` (`"1"` = North America). For `"1"`, a
/// national number is 10 digits, optionally preceded by the trunk `1`
/// (`1-303-555-0142`); elsewhere one leading trunk `0` is dropped.
///
/// Examples that all give `+13035550142`: `(303) 555-0142`, `303.555.0142`,
/// `+1 303 555 0142`, `1-303-555-0142`.
///
/// Rejects letters (including extensions), other symbols, and numbers that
/// are too short or too long for E.164 (8 to 15 digits after the `+`). The
/// error never repeats the input.
pub fn normalize_phone(input: &str, default_country_calling_code: &str) -> Result<String, Error> {
    const FIELD: &str = "phone";
    let cc = country_calling_code(default_country_calling_code)?;

    let s = input.trim();
    if s.is_empty() {
        return Err(invalid(FIELD, "is empty"));
    }
    let mut digits = String::with_capacity(s.len());
    let mut plus = false;
    for (i, ch) in s.char_indices() {
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}' => {}
            c if c.is_alphabetic() => {
                return Err(invalid(FIELD, "must not contain letters"));
            }
            _ => {
                return Err(invalid(
                    FIELD,
                    "may contain only digits, spaces, a leading + and - . / ( )",
                ))
            }
        }
    }
    if digits.len() > 20 {
        return Err(invalid(FIELD, "is too long"));
    }

    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if cc == "1" {
        match digits.len() {
            10 => format!("1{digits}"),
            11 if digits.starts_with('1') => digits,
            n if n < 10 => return Err(invalid(FIELD, "is too short")),
            _ => return Err(invalid(FIELD, "is too long")),
        }
    } else {
        let national = digits.strip_prefix('0').unwrap_or(&digits);
        format!("{cc}{national}")
    };

    if international.starts_with('0') || international.is_empty() {
        return Err(invalid(FIELD, "has no valid country code"));
    }
    if international.len() < 8 {
        return Err(invalid(FIELD, "is too short"));
    }
    if international.len() > 15 {
        return Err(invalid(FIELD, "is too long"));
    }
    // +1 numbers are North American: exactly 10 digits after the 1, and
    // area codes never start with 0 or 1.
    if let Some(nanp) = international.strip_prefix('1') {
        if nanp.len() < 10 {
            return Err(invalid(FIELD, "is too short"));
        }
        if nanp.len() > 10 {
            return Err(invalid(FIELD, "is too long"));
        }
        if nanp.starts_with(['0', '1']) {
            return Err(invalid(FIELD, "has an invalid area code"));
        }
    }
    Ok(format!("+{international}"))
}

/// A country calling code: 1 to 3 digits, not starting with 0 (`"1"`, `"44"`).
pub(crate) fn country_calling_code(cc: &str) -> Result<&str, Error> {
    let cc = cc.trim();
    if cc.is_empty()
        || cc.len() > 3
        || !cc.bytes().all(|b| b.is_ascii_digit())
        || cc.starts_with('0')
    {
        return Err(invalid(
            "default country calling code",
            "must be 1 to 3 digits, not starting with 0",
        ));
    }
    Ok(cc)
}

/// Checks an email address's syntax (pragmatically, not full RFC 5322) and
/// returns it trimmed.
pub(crate) fn email(field: &str, input: &str) -> Result<String, Error> {
    let s = input.trim();
    let bad = || invalid(field, "is not a valid email address");
    if s.is_empty() {
        return Err(invalid(field, "is empty"));
    }
    if s.len() > 254 {
        return Err(bad());
    }
    let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"@,;:<>()[]\\\"".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c == '-' || c.is_alphanumeric())
        })
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
        });
    if local_ok && domain_ok {
        Ok(s.to_owned())
    } else {
        Err(bad())
    }
}

/// A required text field: present and not blank.
pub(crate) fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, Error> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(invalid(field, "is required"))
    } else {
        Ok(trimmed)
    }
}

/// An ISO-8601 / RFC 3339 date-time with a zone, e.g. `2020-10-25T11:00:00Z`.
pub(crate) fn date_time(field: &str, value: &str) -> Result<String, Error> {
    let trimmed = required(field, value)?;
    time::OffsetDateTime::parse(trimmed, &time::format_description::well_known::Rfc3339)
        .map(|_| trimmed.to_owned())
        .map_err(|_| {
            invalid(
                field,
                "must be a date and time with a zone, like 2020-10-25T11:00:00Z",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(s: &str) -> bool {
        let Some(rest) = s.strip_prefix('+') else {
            return false;
        };
        (8..=15).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_digit())
            && !rest.starts_with('0')
    }

    fn message(e: Error) -> String {
        match e {
            Error::InvalidInput { messages } => messages.join("; "),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn north_american_spellings() {
        for input in [
            "(303) 555-0142",
            "303.555.0142",
            "+1 303 555 0142",
            "1-303-555-0142",
            "3035550142",
            " +1 (303) 555-0142 ",
            "001 303 555 0142",
        ] {
            assert_eq!(
                normalize_phone(input, "1").ok().as_deref(),
                Some("+13035550142"),
                "{input}"
            );
        }
    }

    #[test]
    fn other_countries() {
        assert_eq!(
            normalize_phone("+44 20 7946 0958", "1").ok().as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            normalize_phone("020 7946 0958", "44").ok().as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            normalize_phone("0049 30 123456", "1").ok().as_deref(),
            Some("+4930123456")
        );
    }

    #[test]
    fn rejects_bad_numbers_naming_the_field() {
        let cases = [
            ("303-555-CALL", "letters"),
            ("303 555 0142 ext 5", "letters"),
            ("555-0142", "too short"),
            ("+1 303 555 01", "too short"),
            ("12345678901234567", "too long"),
            ("+1234567890123456", "too long"),
            ("", "empty"),
            ("   ", "empty"),
            ("+0 303 555 0142", "country code"),
            ("(103) 555-0142", "area code"),
            ("303#555#0142", "may contain only"),
            ("3+03 555 0142", "may contain only"),
        ];
        for (input, expected) in cases {
            let msg = message(normalize_phone(input, "1").expect_err(input));
            assert!(msg.starts_with("phone: "), "{input}: {msg}");
            assert!(msg.contains(expected), "{input}: {msg}");
        }
        assert!(normalize_phone("3035550142", "01").is_err());
        assert!(normalize_phone("3035550142", "x").is_err());
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "first.last+tag@example.com",
            " padded@example.org ",
            "ünï@exämple.de",
        ] {
            assert_eq!(email("email", ok).ok().as_deref(), Some(ok.trim()), "{ok}");
        }
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@b.c",
            "a b@example.com",
            "a@exa mple.com",
            "a@-x.com",
            "a@x..com",
            ".a@x.com",
            "a..b@x.com",
            "a@1.2.3.4",
            "",
        ] {
            let msg = message(email("email", bad).expect_err(bad));
            assert!(msg.starts_with("email: "), "{bad}: {msg}");
        }
    }

    #[test]
    fn date_times() {
        assert!(date_time("dueDate", "2020-10-25T11:00:00Z").is_ok());
        assert!(date_time("dueDate", "2020-10-25T11:00:00.000+02:00").is_ok());
        for bad in ["", "2020-10-25", "tomorrow", "2020-10-25 11:00:00"] {
            let msg = message(date_time("dueDate", bad).expect_err(bad));
            assert!(msg.starts_with("dueDate: "), "{msg}");
        }
    }

    proptest! {
        #[test]
        fn normalize_phone_never_panics_and_is_e164(input in "\\PC{0,40}", cc in "[0-9]{0,4}") {
            if let Ok(out) = normalize_phone(&input, &cc) {
                prop_assert!(e164(&out), "{:?} -> {:?}", input, out);
            }
        }

        #[test]
        fn phone_like_inputs_are_e164(input in "[+]?[0-9 ().\\-/]{0,30}", cc in "[1-9][0-9]{0,2}") {
            if let Ok(out) = normalize_phone(&input, &cc) {
                prop_assert!(e164(&out), "{:?} -> {:?}", input, out);
            }
        }

        #[test]
        fn ten_digit_us_numbers_always_normalise(area in 2u32..10, rest in 0u64..1_000_000_000) {
            let raw = format!("{area}{rest:09}");
            let spaced = format!("({}) {}-{}", &raw[..3], &raw[3..6], &raw[6..]);
            let expected = format!("+1{raw}");
            prop_assert_eq!(normalize_phone(&raw, "1").ok(), Some(expected.clone()));
            prop_assert_eq!(normalize_phone(&spaced, "1").ok(), Some(expected));
        }

        #[test]
        fn email_check_never_panics(input in "\\PC{0,80}") {
            let _ = email("email", &input);
        }
    }
}
