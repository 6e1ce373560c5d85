//! One row → the contact it describes, with the problems that keep it from
//! being sent (each naming the field): a bad email, a phone that cannot be
//! read, a country that is not one, no way to recognise the contact again.

use ghl::ContactInput;
use serde::Serialize;

use crate::columns::Field;
use crate::error::{Error, Result};
use crate::read::Row;

/// How rows are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOptions {
    /// For phone numbers written without `+`: `"1"` = North America.
    pub default_country_calling_code: String,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            default_country_calling_code: "1".to_owned(),
        }
    }
}

/// Why a row will not be sent, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    pub field: Field,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field.label(), self.message)
    }
}

/// A row read through a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedRow {
    /// Line in the file (1-based, header = 1).
    pub line: usize,
    /// Normalised: phone in E.164, email trimmed, country as a two-letter
    /// code; `None` for empty cells; the file's tags in `tags`.
    pub contact: ContactInput,
    /// Empty when the row can be imported.
    pub problems: Vec<RowProblem>,
}

impl MappedRow {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads every row through `mapping` (one field per column).
pub fn map_rows(
    headers: &[String],
    rows: &[Row],
    mapping: &[Field],
    options: &MapOptions,
) -> Result<Vec<MappedRow>> {
    if mapping.len() != headers.len() {
        return Err(Error::Mapping(format!(
            "the file has {} columns but the mapping names {}",
            headers.len(),
            mapping.len()
        )));
    }
    Ok(rows
        .iter()
        .map(|row| map_row(row, mapping, options))
        .collect())
}

/// Reads one row. The first non-empty cell of a field wins (tags collect
/// from every tags column).
pub fn map_row(row: &Row, mapping: &[Field], options: &MapOptions) -> MappedRow {
    let mut raw: [Option<&str>; Field::ALL.len()] = [None; Field::ALL.len()];
    let mut tags = Vec::new();
    for (cell, field) in row.cells.iter().zip(mapping) {
        let cell = cell.trim();
        if cell.is_empty() || *field == Field::Ignore {
            continue;
        }
        if *field == Field::Tags {
            for tag in cell.split([',', ';']).filter_map(crate::rows::tag) {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            continue;
        }
        raw[*field as usize].get_or_insert(cell);
    }
    let get = |field: Field| raw[field as usize].map(str::to_owned);

    let mut problems = Vec::new();
    let mut contact = ContactInput {
        first_name: get(Field::FirstName),
        last_name: get(Field::LastName),
        company_name: get(Field::Company),
        address1: get(Field::Address),
        city: get(Field::City),
        state: get(Field::State),
        postal_code: get(Field::PostalCode),
        source: get(Field::Source),
        tags: (!tags.is_empty()).then_some(tags),
        ..ContactInput::default()
    };
    if contact.first_name.is_none() && contact.last_name.is_none() {
        if let Some(full) = raw[Field::FullName as usize] {
            let (first, last) = split_full_name(full);
            contact.first_name = first;
            contact.last_name = last;
        }
    }
    if let Some(email) = raw[Field::Email as usize] {
        if sync::is_email(email) {
            contact.email = Some(email.to_owned());
        } else {
            problems.push(problem(Field::Email, "is not a valid email address"));
        }
    }
    // The main phone, else the second one; a bad second phone is a problem
    // only when it would be the one used.
    let phone_field = [Field::Phone, Field::SecondPhone]
        .into_iter()
        .find(|f| raw[*f as usize].is_some());
    if let Some(field) = phone_field {
        let cell = raw[field as usize].unwrap_or_default();
        match sync::normalize_phone(cell, &options.default_country_calling_code) {
            Ok(e164) => contact.phone = Some(e164),
            Err(bad) => problems.push(problem(field, bad.message())),
        }
    }
    if let Some(country) = raw[Field::Country as usize] {
        match country_code(country) {
            Some(code) => contact.country = Some(code),
            None => problems.push(problem(
                Field::Country,
                "is not a country GoHighLevel knows: use a two-letter code such as US",
            )),
        }
    }
    let named = contact.first_name.is_some()
        || contact.last_name.is_some()
        || contact.company_name.is_some();
    let reachable_cell = [Field::Email, Field::Phone, Field::SecondPhone]
        .iter()
        .any(|f| raw[*f as usize].is_some());
    if !named && !reachable_cell {
        problems.push(problem(
            Field::FullName,
            "is missing, and so are the email and phone: the row has no contact to import",
        ));
    } else if !reachable_cell {
        // Without an email or phone the contact cannot be looked up, so a
        // second import would create it twice.
        problems.push(problem(
            Field::Email,
            "and phone are both missing: the contact could not be found again, so it is not imported",
        ));
    }
    MappedRow {
        line: row.line,
        contact,
        problems,
    }
}

fn problem(field: Field, message: &str) -> RowProblem {
    RowProblem {
        field,
        message: message.to_owned(),
    }
}

/// A tag as GHL stores it: trimmed, inner spaces collapsed, lowercase (the
/// same rule as the sync crate's tag comparison).
pub(crate) fn tag(raw: &str) -> Option<String> {
    let t = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!t.is_empty()).then_some(t)
}

/// "Smith, Jo" → (Jo, Smith); "Mary Ann Smith" → (Mary Ann, Smith); a
/// single word is a first name.
pub fn split_full_name(full: &str) -> (Option<String>, Option<String>) {
    let some = |s: &str| {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        (!s.is_empty()).then_some(s)
    };
    if let Some((last, first)) = full.split_once(',') {
        return (some(first), some(last));
    }
    let full = full.trim();
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (some(first), some(last)),
        None => (some(full), None),
    }
}

/// Two-letter codes as given; the names a client list commonly uses.
fn country_code(raw: &str) -> Option<String> {
    let letters: String = raw
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect();
    let code = match letters.as_str() {
        "US" | "USA" | "UNITEDSTATES" | "UNITEDSTATESOFAMERICA" | "AMERICA" => "US",
        "CA" | "CAN" | "CANADA" => "CA",
        "UK" | "GB" | "GBR" | "UNITEDKINGDOM" | "GREATBRITAIN" | "ENGLAND" => "GB",
        "AU" | "AUS" | "AUSTRALIA" => "AU",
        "NZ" | "NEWZEALAND" => "NZ",
        "IE" | "IRELAND" => "IE",
        "MX" | "MEXICO" => "MX",
        code if code.len() == 2 && raw.trim().chars().count() == 2 => code,
        _ => return None,
    };
    Some(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            line: 2,
            cells: cells.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn read(cells: &[&str], mapping: &[Field]) -> MappedRow {
        map_row(&row(cells), mapping, &MapOptions::default())
    }

    #[test]
    fn a_full_row_is_normalised() {
        use Field::*;
        let m = read(
            &[
                "Smith, Jo Ann",
                " jo@example.com ",
                "(303) 555-0142",
                "12 Main St, Apt 4",
                "80202",
                "United States",
                "vip; houzz",
            ],
            &[FullName, Email, Phone, Address, PostalCode, Country, Tags],
        );
        assert!(m.is_valid(), "{:?}", m.problems);
        let c = m.contact;
        assert_eq!(c.first_name.as_deref(), Some("Jo Ann"));
        assert_eq!(c.last_name.as_deref(), Some("Smith"));
        assert_eq!(c.email.as_deref(), Some("jo@example.com"));
        assert_eq!(c.phone.as_deref(), Some("+13035550142"));
        assert_eq!(c.address1.as_deref(), Some("12 Main St, Apt 4"));
        assert_eq!(c.country.as_deref(), Some("US"));
        assert_eq!(c.tags.unwrap(), ["vip", "houzz"]);
    }

    #[test]
    fn problems_name_their_field() {
        use Field::*;
        let m = read(&["Jo", "jo@", "555-CALL"], &[FirstName, Email, Phone]);
        let fields: Vec<Field> = m.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Email, Phone]);
        assert!(m.problems[1].message.contains("letters"));

        let m = read(&["", "", "Narnia"], &[FullName, Email, Country]);
        let fields: Vec<Field> = m.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Country, FullName]);
    }

    #[test]
    fn the_second_phone_stands_in_for_a_missing_main_phone() {
        use Field::*;
        let m = read(
            &["Bo", "", "303 555 0199"],
            &[FirstName, Phone, SecondPhone],
        );
        assert!(m.is_valid());
        assert_eq!(m.contact.phone.as_deref(), Some("+13035550199"));
        let m = read(
            &["Bo", "3035550142", "nope"],
            &[FirstName, Phone, SecondPhone],
        );
        assert!(m.is_valid());
        assert_eq!(m.contact.phone.as_deref(), Some("+13035550142"));
    }

    #[test]
    fn an_email_alone_is_enough() {
        let m = read(&["a@b.co"], &[Field::Email]);
        assert!(m.is_valid());
    }

    #[test]
    fn first_and_last_columns_win_over_a_full_name() {
        use Field::*;
        let m = read(
            &["Jo Smith", "Joanne", "a@b.co"],
            &[FullName, FirstName, Email],
        );
        assert_eq!(m.contact.first_name.as_deref(), Some("Joanne"));
        assert_eq!(m.contact.last_name, None);
    }

    #[test]
    fn names_split() {
        assert_eq!(split_full_name("Cher"), (Some("Cher".into()), None));
        assert_eq!(
            split_full_name("  Mary  Ann   Smith "),
            (Some("Mary Ann".into()), Some("Smith".into()))
        );
        assert_eq!(split_full_name(", "), (None, None));
    }

    #[test]
    fn a_mapping_must_fit_the_file() {
        let headers = vec!["A".to_owned()];
        assert!(map_rows(&headers, &[], &[], &MapOptions::default()).is_err());
    }
}
