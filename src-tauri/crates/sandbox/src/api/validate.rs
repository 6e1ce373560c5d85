//! Request validation in GHL's (NestJS class-validator) style: every problem of a
//! body is collected and answered at once as a 422 `message` array.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

use super::ApiError;

/// One JSON object body under validation.
pub(super) struct Body<'a> {
    map: &'a Map<String, Value>,
    problems: Vec<String>,
}

impl<'a> Body<'a> {
    pub(super) fn new(map: &'a Map<String, Value>) -> Self {
        Body {
            map,
            problems: Vec::new(),
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub(super) fn problem(&mut self, message: String) {
        self.problems.push(message);
    }

    /// The live API whitelists body keys (`forbidNonWhitelisted`):
    /// `property foobar should not exist` (highlevel-api-docs#314, #262).
    pub(super) fn only(&mut self, allowed: &[&str]) {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.problems
                    .push(format!("property {key} should not exist"));
            }
        }
    }

    /// Absent → `None`; `null` → `Some(None)`; a string → `Some(Some(s))`.
    pub(super) fn nullable_string(&mut self, key: &str) -> Option<Option<String>> {
        match self.map.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => {
                self.problems.push(format!("{key} must be a string"));
                None
            }
        }
    }

    /// An optional, non-null string.
    pub(super) fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problems.push(format!("{key} must be a string"));
                None
            }
        }
    }

    /// A required, non-empty string.
    pub(super) fn required_string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None | Some(Value::Null) => {
                self.problems.push(format!("{key} should not be empty"));
                self.problems.push(format!("{key} must be a string"));
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.problems.push(format!("{key} should not be empty"));
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problems.push(format!("{key} must be a string"));
                None
            }
        }
    }

    pub(super) fn bool(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.problems.push(format!("{key} must be a boolean value"));
                None
            }
        }
    }

    pub(super) fn required_bool(&mut self, key: &str) -> Option<bool> {
        if matches!(self.map.get(key), None | Some(Value::Null)) {
            self.problems.push(format!("{key} should not be empty"));
            self.problems.push(format!("{key} must be a boolean value"));
            return None;
        }
        self.bool(key)
    }

    /// An optional array of strings.
    pub(super) fn string_array(&mut self, key: &str) -> Option<Vec<String>> {
        match self.map.get(key) {
            None => None,
            Some(Value::Array(items)) => {
                let strings: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                if strings.len() == items.len() {
                    Some(strings)
                } else {
                    self.problems
                        .push(format!("each value in {key} must be a string"));
                    None
                }
            }
            Some(_) => {
                self.problems.push(format!("{key} must be an array"));
                None
            }
        }
    }

    pub(super) fn required_string_array(&mut self, key: &str) -> Option<Vec<String>> {
        if matches!(self.map.get(key), None | Some(Value::Null)) {
            self.problems.push(format!("{key} must be an array"));
            return None;
        }
        self.string_array(key)
    }

    /// 422 with every problem found, if any.
    pub(super) fn finish(self) -> Result<(), ApiError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Unprocessable(self.problems))
        }
    }
}

/// A plain syntax check, roughly class-validator's `IsEmail`.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_graphic() && !"@\"(),:;<>[\\]".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// `+` and 7 to 15 digits, not starting with 0: the only phone format the
/// sandbox accepts (the client normalises before sending).
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

/// `dateOfBirth` in the formats `CreateContactDto` lists (`YYYY-MM-DD`,
/// `MM/DD/YYYY`, … with `-`, `/`, `.` or `_`), or an ISO timestamp.
pub(super) fn parse_birth_date(s: &str) -> Option<Date> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.date());
    }
    let parts: Vec<&str> = s.split(['-', '/', '.', '_']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 {
        (a, b, c)
    } else if c.len() == 4 {
        (c, a, b)
    } else {
        return None;
    };
    let all_digits = [y, m, d]
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|ch| ch.is_ascii_digit()));
    if !all_digits {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// An ISO 8601 timestamp with an offset (`2020-10-25T11:00:00Z`).
pub(super) fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Decoded query pairs (form rules: `+` is a space, so a phone must arrive as
/// `%2B…`); the first value of a repeated key wins.
pub(super) struct QueryParams(pub(super) Vec<(String, String)>);

impl QueryParams {
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `locationId` as the list endpoints require it: 422 when missing, 403 when
    /// it is not the token's location.
    pub(super) fn location(&self, expected: &str) -> Result<(), ApiError> {
        match self.get("locationId") {
            None | Some("") => Err(ApiError::Unprocessable(vec![
                "locationId should not be empty".to_owned(),
                "locationId must be a string".to_owned(),
            ])),
            Some(l) if l != expected => {
                Err(ApiError::Forbidden(super::error::WRONG_LOCATION.to_owned()))
            }
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@mail.example.com", "x_y@d-1.io"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a b@c.co", "a@b..co", "a@-b.co", "a@b.co.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert!(is_e164("+13035550142"));
        assert!(is_e164("+447911123456"));
        for bad in [
            "13035550142",
            "+1 303 555 0142",
            "+0123456789",
            "+12",
            "(303) 555-0142",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn birth_dates() {
        let d = Date::from_calendar_date(1990, Month::September, 25).ok();
        for s in [
            "1990-09-25",
            "1990/09/25",
            "09/25/1990",
            "09-25-1990",
            "1990.09.25",
            "09_25_1990",
            "1990-09-25T00:00:00.000Z",
        ] {
            assert_eq!(parse_birth_date(s), d, "{s}");
        }
        for bad in ["1990-13-01", "25/09/90", "yesterday", "1990-02-30"] {
            assert_eq!(parse_birth_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn collects_every_problem() {
        let map = json!({ "title": 5, "completed": "yes", "extra": 1 });
        let map = map.as_object().cloned().unwrap_or_default();
        let mut body = Body::new(&map);
        body.only(&["title", "completed", "dueDate"]);
        body.required_string("title");
        body.required_string("dueDate");
        body.required_bool("completed");
        let Err(ApiError::Unprocessable(problems)) = body.finish() else {
            panic!("expected 422");
        };
        assert_eq!(
            problems,
            vec![
                "property extra should not exist",
                "title must be a string",
                "dueDate should not be empty",
                "dueDate must be a string",
                "completed must be a boolean value",
            ]
        );
    }
}
