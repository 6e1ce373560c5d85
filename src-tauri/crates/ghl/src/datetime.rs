//! Parsing the several timestamp spellings the GHL API uses.
//!
//! Models keep dates as the strings the API sent (so nothing is lost or
//! reformatted on a round trip); call these helpers where a real time is needed.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Parses a GHL timestamp. Accepted forms:
///
/// * RFC 3339, e.g. `2021-07-08T02:30:00.000Z` (`dateAdded`, `dueDate`);
/// * zone-less `2021-07-16 11:00:00` (also with `T` or fractional seconds), as in
///   the spec's `GetEventSchema` examples. Treated as **UTC**: every zoned
///   timestamp the API returns is UTC, and this layer does not know the
///   location's time zone, so UTC is the only deterministic reading. Callers
///   that learn otherwise can re-interpret the wall-clock fields;
/// * a bare date `1990-09-25` (birth dates), as midnight UTC;
/// * epoch milliseconds as digits, e.g. `653961600000` (search `dateOfBirth`);
///   a leading `-` allows dates before 1970.
///
/// Returns `None` for anything else, including blank strings.
pub fn parse_ghl_datetime(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().and_then(from_epoch_millis);
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let naive = [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
    ];
    if let Some(t) = naive
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(s, f).ok())
    {
        return Some(t.assume_utc());
    }
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc())
}

/// Like [`parse_ghl_datetime`] for a raw JSON value: strings as above,
/// numbers as epoch milliseconds.
pub fn parse_ghl_datetime_value(v: &Value) -> Option<OffsetDateTime> {
    match v {
        Value::String(s) => parse_ghl_datetime(s),
        Value::Number(n) => from_epoch_millis(
            n.as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))?,
        ),
        _ => None,
    }
}

/// Formats as RFC 3339 in UTC, e.g. `2021-07-08T02:30:00Z`.
pub fn to_rfc3339(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    // Only years outside 0000–9999 fail to format; fall back to time's own format.
    utc.format(&Rfc3339).unwrap_or_else(|_| utc.to_string())
}

fn from_epoch_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn accepts_the_spellings_ghl_uses() {
        assert_eq!(
            parse_ghl_datetime("2021-07-08T02:30:00.000Z"),
            Some(datetime!(2021-07-08 02:30:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("2020-10-25T11:00:00Z"),
            Some(datetime!(2020-10-25 11:00:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("2021-07-16T11:00:00+05:30"),
            Some(datetime!(2021-07-16 05:30:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("2021-07-16 11:00:00"),
            Some(datetime!(2021-07-16 11:00:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("2021-07-16T11:00:00.5"),
            Some(datetime!(2021-07-16 11:00:00.5 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("1990-09-25"),
            Some(datetime!(1990-09-25 00:00:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("653961600000"),
            Some(datetime!(1990-09-22 00:00:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime("-86400000"),
            Some(datetime!(1969-12-31 00:00:00 UTC))
        );
    }

    #[test]
    fn rejects_junk() {
        for s in [
            "",
            "  ",
            "Date format YYYY-MM-DD", // the spec's own dateOfBirth "example"
            "2021-13-01",
            "yesterday",
            "-",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_ghl_datetime(s), None, "{s:?}");
        }
    }

    #[test]
    fn json_values() {
        assert_eq!(
            parse_ghl_datetime_value(&serde_json::json!(653961600000_i64)),
            Some(datetime!(1990-09-22 00:00:00 UTC))
        );
        assert_eq!(
            parse_ghl_datetime_value(&serde_json::json!("1990-09-25")),
            Some(datetime!(1990-09-25 00:00:00 UTC))
        );
        assert_eq!(parse_ghl_datetime_value(&Value::Null), None);
    }

    #[test]
    fn formats_rfc3339_in_utc() {
        assert_eq!(
            to_rfc3339(datetime!(2021-07-16 11:00:00 +05:30)),
            "2021-07-16T05:30:00Z"
        );
        let t = parse_ghl_datetime("2021-07-08T02:30:00.250Z").expect("parses");
        assert_eq!(parse_ghl_datetime(&to_rfc3339(t)), Some(t));
    }
}
