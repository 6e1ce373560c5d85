//! What each column of a file holds: recognition by the usual header names
//! (any case, order or punctuation), the layout key a mapping is remembered
//! under, and the remembered mappings themselves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A contact field a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Ignore,
    FirstName,
    LastName,
    /// "Jo Smith" or "Smith, Jo": split into first and last name.
    FullName,
    Email,
    Phone,
    /// Used as the phone when the row has no main phone (and for the lookup).
    SecondPhone,
    Company,
    Address,
    City,
    State,
    PostalCode,
    /// A two-letter code or a common country name.
    Country,
    /// Separated by `,` or `;`; added to the contact.
    Tags,
    Source,
}

impl Field {
    /// Every field, in the order a menu lists them.
    pub const ALL: [Field; 15] = [
        Field::Ignore,
        Field::FirstName,
        Field::LastName,
        Field::FullName,
        Field::Email,
        Field::Phone,
        Field::SecondPhone,
        Field::Company,
        Field::Address,
        Field::City,
        Field::State,
        Field::PostalCode,
        Field::Country,
        Field::Tags,
        Field::Source,
    ];

    /// The name shown to people (and in problem messages).
    pub fn label(self) -> &'static str {
        match self {
            Field::Ignore => "Don't import",
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::FullName => "Full name",
            Field::Email => "Email",
            Field::Phone => "Phone",
            Field::SecondPhone => "Mobile / second phone",
            Field::Company => "Company",
            Field::Address => "Street address",
            Field::City => "City",
            Field::State => "State",
            Field::PostalCode => "Postal code",
            Field::Country => "Country",
            Field::Tags => "Tags",
            Field::Source => "Source",
        }
    }
}

/// Lower-case letters and digits only: `"E-mail Address "` → `"emailaddress"`.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The key a mapping is remembered under: the normalised header row, so the
/// same export layout is recognised again whatever its case or punctuation.
pub fn layout_key(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| normalize_header(h))
        .collect::<Vec<_>>()
        .join("|")
}

/// Exact names (normalised) first; the contains-rules below catch the rest.
const EXACT: &[(Field, &[&str])] = &[
    (
        Field::FirstName,
        &["firstname", "first", "givenname", "fname", "forename"],
    ),
    (
        Field::LastName,
        &["lastname", "last", "surname", "familyname", "lname"],
    ),
    (
        Field::FullName,
        &[
            "name",
            "fullname",
            "client",
            "clientname",
            "customer",
            "customername",
            "contact",
            "contactname",
            "displayname",
            "leadname",
        ],
    ),
    (Field::Email, &["email", "mail", "emailaddress"]),
    (
        Field::Phone,
        &["phone", "phonenumber", "telephone", "tel", "primaryphone"],
    ),
    (
        Field::SecondPhone,
        &[
            "mobile",
            "cell",
            "cellphone",
            "mobilephone",
            "mobilenumber",
            "cellnumber",
            "secondaryphone",
            "otherphone",
            "altphone",
            "alternatephone",
        ],
    ),
    (
        Field::Company,
        &[
            "company",
            "companyname",
            "business",
            "businessname",
            "organization",
            "organisation",
        ],
    ),
    (
        Field::Address,
        &[
            "address",
            "streetaddress",
            "street",
            "address1",
            "addressline1",
            "streetaddress1",
        ],
    ),
    (Field::City, &["city", "town", "locality"]),
    (
        Field::State,
        &["state", "province", "region", "stateprovince", "county"],
    ),
    (
        Field::PostalCode,
        &["zip", "zipcode", "postalcode", "postcode", "zippostalcode"],
    ),
    (Field::Country, &["country", "countrycode"]),
    (Field::Tags, &["tags", "tag", "labels"]),
    (Field::Source, &["source", "leadsource", "referralsource"]),
];

/// Word stems for headers like "Client E-mail" or "Billing Zip": order
/// matters (a "Phone (Mobile)" is a second phone, "Email Address" an email).
const CONTAINS: &[(Field, &[&str])] = &[
    (Field::Email, &["email"]),
    (Field::SecondPhone, &["mobile", "cell"]),
    (Field::Phone, &["phone", "telephone"]),
    (Field::PostalCode, &["zip", "postal", "postcode"]),
    (Field::FirstName, &["firstname", "givenname"]),
    (Field::LastName, &["lastname", "surname"]),
    (Field::Company, &["company", "business", "organi"]),
    (Field::Address, &["address", "street"]),
    (Field::City, &["city"]),
    (Field::State, &["province"]),
    (Field::Country, &["country"]),
    (Field::Tags, &["tags"]),
    (Field::Source, &["source"]),
    (Field::FullName, &["name"]),
];

/// The field a header most likely names, if any.
pub fn recognize(header: &str) -> Option<Field> {
    let h = normalize_header(header);
    if h.is_empty() {
        return None;
    }
    EXACT
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .or_else(|| {
            CONTAINS
                .iter()
                .find(|(_, stems)| stems.iter().any(|s| h.contains(s)))
        })
        .map(|(field, _)| *field)
}

/// A guess for every column. A field goes to the first column that names
/// it (later ones are ignored, except a second phone column); with no main
/// phone column, the first mobile/second phone column becomes the phone.
pub fn guess_mapping(headers: &[String]) -> Vec<Field> {
    let mut taken = std::collections::HashSet::new();
    let mut mapping: Vec<Field> = headers
        .iter()
        .map(|h| match recognize(h) {
            Some(Field::Phone) if taken.contains(&Field::Phone) => {
                if taken.insert(Field::SecondPhone) {
                    Field::SecondPhone
                } else {
                    Field::Ignore
                }
            }
            Some(field) if taken.insert(field) => field,
            _ => Field::Ignore,
        })
        .collect();
    if !mapping.contains(&Field::Phone) {
        if let Some(second) = mapping.iter_mut().find(|f| **f == Field::SecondPhone) {
            *second = Field::Phone;
        }
    }
    mapping
}

/// The mappings people chose, by layout key; stored as JSON by the app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingMemory {
    #[serde(default)]
    layouts: BTreeMap<String, Vec<Field>>,
}

impl MappingMemory {
    /// Memory from its JSON; a damaged file is forgotten rather than fatal
    /// (it only holds suggestions).
    pub fn from_json(bytes: &[u8]) -> MappingMemory {
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// The mapping last used for this header row, if it still fits.
    pub fn recall(&self, headers: &[String]) -> Option<Vec<Field>> {
        self.layouts
            .get(&layout_key(headers))
            .filter(|m| m.len() == headers.len())
            .cloned()
    }

    pub fn remember(&mut self, headers: &[String], mapping: &[Field]) {
        self.layouts.insert(layout_key(headers), mapping.to_vec());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn usual_names_are_recognised_in_any_case_and_punctuation() {
        let cases = [
            ("First Name", Field::FirstName),
            ("LAST_NAME", Field::LastName),
            ("Client Name", Field::FullName),
            ("E-mail", Field::Email),
            ("Email Address", Field::Email),
            ("Client E-Mail", Field::Email),
            ("Mobile", Field::SecondPhone),
            ("Cell #", Field::SecondPhone),
            ("Phone", Field::Phone),
            ("Phone Number", Field::Phone),
            ("Company", Field::Company),
            ("Street Address", Field::Address),
            ("Address", Field::Address),
            ("Zip", Field::PostalCode),
            ("Postal Code", Field::PostalCode),
            ("ZIP/Postal", Field::PostalCode),
            ("State/Province", Field::State),
            ("Lead Source", Field::Source),
            ("Project Stage", Field::Ignore),
            ("Real Estate Agent", Field::Ignore),
        ];
        for (header, field) in cases {
            assert_eq!(
                recognize(header).unwrap_or(Field::Ignore),
                field,
                "{header}"
            );
        }
    }

    #[test]
    fn a_field_goes_to_one_column_and_a_lone_mobile_is_the_phone() {
        let m = guess_mapping(&h(&["Mobile", "Client Name", "E-mail", "Email 2"]));
        assert_eq!(
            m,
            [Field::Phone, Field::FullName, Field::Email, Field::Ignore]
        );
        let m = guess_mapping(&h(&["Phone", "Work Phone", "Mobile"]));
        assert_eq!(m, [Field::Phone, Field::SecondPhone, Field::Ignore]);
    }

    #[test]
    fn the_layout_key_ignores_case_and_punctuation_but_not_order() {
        assert_eq!(
            layout_key(&h(&["First Name", "E-mail"])),
            layout_key(&h(&["first_name", "EMAIL"]))
        );
        assert_ne!(layout_key(&h(&["A", "B"])), layout_key(&h(&["B", "A"])));
    }

    #[test]
    fn a_remembered_mapping_survives_json_and_must_fit() {
        let headers = h(&["Name", "Notes"]);
        let mut memory = MappingMemory::default();
        memory.remember(&headers, &[Field::Company, Field::Ignore]);
        let back = MappingMemory::from_json(&memory.to_json());
        assert_eq!(
            back.recall(&h(&["NAME", "notes"])),
            Some(vec![Field::Company, Field::Ignore])
        );
        assert_eq!(back.recall(&h(&["Name"])), None);
        assert_eq!(
            MappingMemory::from_json(b"{not json"),
            MappingMemory::default()
        );
    }
}
