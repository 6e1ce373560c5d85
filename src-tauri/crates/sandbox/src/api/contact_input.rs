//! Contact write bodies: `CreateContactDto`, `UpsertContactDto` and
//! `UpdateContactDto`, validated and turned into changes to a [`Contact`].

use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use super::validate::{is_e164, is_email, parse_birth_date, Body};
use super::ApiError;
use crate::model::{Contact, CustomFieldValue, Location};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dto {
    Create,
    Upsert,
    Update,
}

/// Keys every contact DTO declares.
const COMMON_KEYS: &[&str] = &[
    "firstName",
    "lastName",
    "name",
    "email",
    "phone",
    "address1",
    "city",
    "state",
    "postalCode",
    "website",
    "timezone",
    "dnd",
    "dndSettings",
    "inboundDndSettings",
    "tags",
    "customFields",
    "source",
    "dateOfBirth",
    "country",
    "assignedTo",
];

/// Accepted live although the spec does not declare them (highlevel-api-docs#314:
/// `PUT` accepts `companyName`, `type`, `keyword` and `ssn`). `keyword` and `ssn`
/// are accepted and dropped: the sandbox does not model them.
const LIVE_EXTRA_KEYS: &[&str] = &["type", "keyword", "ssn"];

impl Dto {
    fn allowed(self) -> Vec<&'static str> {
        let mut keys: Vec<&str> = COMMON_KEYS.iter().chain(LIVE_EXTRA_KEYS).copied().collect();
        match self {
            Dto::Create => keys.extend(["locationId", "gender", "companyName"]),
            Dto::Upsert => keys.extend([
                "locationId",
                "gender",
                "companyName",
                "createNewIfDuplicateAllowed",
            ]),
            Dto::Update => keys.push("companyName"),
        }
        keys
    }
}

/// `Some(None)` clears a field, `Some(Some(v))` sets it, `None` leaves it.
type Change<T> = Option<Option<T>>;

/// A validated contact body.
#[derive(Debug, Default)]
pub(super) struct ContactChanges {
    pub location_id: Option<String>,
    first_name: Change<String>,
    last_name: Change<String>,
    name: Change<String>,
    pub email: Change<String>,
    pub phone: Change<String>,
    company_name: Change<String>,
    address1: Change<String>,
    city: Change<String>,
    state: Change<String>,
    postal_code: Change<String>,
    country: Change<String>,
    website: Change<String>,
    timezone: Change<String>,
    source: Change<String>,
    assigned_to: Change<String>,
    contact_type: Change<String>,
    date_of_birth: Change<Date>,
    dnd: Option<bool>,
    tags: Option<Vec<String>>,
    custom_fields: Option<Vec<CustomFieldValue>>,
    pub create_new_if_duplicate_allowed: bool,
}

/// GHL stores tags lower-cased and trimmed, once each.
pub(super) fn normalize_tags(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

fn dnd_settings(body: &mut Body<'_>, key: &str, statuses: &[&str]) {
    let Some(value) = body.get(key) else { return };
    let Value::Object(channels) = value else {
        body.problem(format!("{key} must be an object"));
        return;
    };
    for (channel, setting) in channels {
        let status = setting.get("status").and_then(Value::as_str);
        if !status.is_some_and(|s| statuses.contains(&s)) {
            body.problem(format!(
                "{key}.{channel}.status must be one of the following values: {}",
                statuses.join(", ")
            ));
        }
    }
}

/// `customFields` on write: `{ id | key, field_value }` (also `value`, which
/// clients often send); stored as the read shape `{ id, value }`.
fn custom_fields(body: &mut Body<'_>, location: &Location) -> Option<Vec<CustomFieldValue>> {
    let value = body.get("customFields")?;
    let Value::Array(items) = value else {
        body.problem("customFields must be an array".to_owned());
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(o) = item else {
            body.problem(format!("customFields.{i} must be an object"));
            continue;
        };
        let def = match (o.get("id"), o.get("key")) {
            (Some(Value::String(id)), _) => location.custom_fields.iter().find(|d| &d.id == id),
            (_, Some(Value::String(key))) => location
                .custom_fields
                .iter()
                .find(|d| d.key == *key || d.key.strip_prefix("contact.") == Some(key)),
            _ => {
                body.problem(format!("customFields.{i}.id must be a string"));
                continue;
            }
        };
        let Some(def) = def else {
            body.problem(format!(
                "customFields.{i} is not a custom field of this location"
            ));
            continue;
        };
        let raw = o.get("field_value").or_else(|| o.get("value"));
        let value = match raw {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Array(vs)) => vs
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
            Some(other @ Value::Object(_)) => other.to_string(),
        };
        out.push(CustomFieldValue {
            id: def.id.clone(),
            value,
        });
    }
    Some(out)
}

/// Validates a contact body for `dto`; `location` resolves custom field ids.
pub(super) fn parse(
    map: &Map<String, Value>,
    dto: Dto,
    location: &Location,
) -> Result<ContactChanges, ApiError> {
    let mut body = Body::new(map);
    body.only(&dto.allowed());
    let mut c = ContactChanges::default();
    if dto != Dto::Update {
        c.location_id = body.required_string("locationId");
    }
    c.first_name = body.nullable_string("firstName");
    c.last_name = body.nullable_string("lastName");
    c.name = body.nullable_string("name");
    c.email = body
        .nullable_string("email")
        .map(|e| e.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()));
    if let Some(Some(email)) = &c.email {
        if !is_email(email) {
            body.problem("email must be an email".to_owned());
        }
    }
    c.phone = body
        .nullable_string("phone")
        .map(|p| p.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()));
    if let Some(Some(phone)) = &c.phone {
        if !is_e164(phone) {
            body.problem("phone must be a valid phone number".to_owned());
        }
    }
    c.company_name = body.nullable_string("companyName");
    c.address1 = body.nullable_string("address1");
    c.city = body.nullable_string("city");
    c.state = body.nullable_string("state");
    c.postal_code = body.nullable_string("postalCode");
    c.country = body.nullable_string("country");
    c.website = body.nullable_string("website");
    c.timezone = body.nullable_string("timezone");
    c.source = body.nullable_string("source");
    c.assigned_to = body.nullable_string("assignedTo");
    c.contact_type = body.nullable_string("type");
    body.nullable_string("gender");
    body.nullable_string("keyword");
    body.nullable_string("ssn");
    c.date_of_birth = match body.get("dateOfBirth") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.is_empty() => Some(None),
        Some(Value::String(s)) => match parse_birth_date(s) {
            Some(d) => Some(Some(d)),
            None => {
                body.problem("dateOfBirth must be a valid date".to_owned());
                None
            }
        },
        Some(_) => {
            body.problem("dateOfBirth must be a valid date".to_owned());
            None
        }
    };
    c.dnd = body.bool("dnd");
    dnd_settings(
        &mut body,
        "dndSettings",
        &["active", "inactive", "permanent"],
    );
    dnd_settings(&mut body, "inboundDndSettings", &["active", "inactive"]);
    c.tags = body.string_array("tags").map(normalize_tags);
    c.custom_fields = custom_fields(&mut body, location);
    if dto == Dto::Upsert {
        c.create_new_if_duplicate_allowed = body.bool("createNewIfDuplicateAllowed") == Some(true);
    }
    body.finish()?;
    Ok(c)
}

fn set_string(field: &mut String, change: &Change<String>) {
    if let Some(v) = change {
        *field = v.clone().unwrap_or_default();
    }
}

fn set_option(field: &mut Option<String>, change: &Change<String>) {
    if let Some(v) = change {
        *field = v.clone().filter(|s| !s.is_empty());
    }
}

impl ContactChanges {
    /// A new contact with these values (and the location's defaults).
    pub(super) fn create(
        &self,
        id: String,
        location: &Location,
        now: OffsetDateTime,
        business_id: Option<String>,
    ) -> Contact {
        let mut contact = Contact {
            id,
            location_id: location.id.clone(),
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            company_name: None,
            business_id: None,
            tags: Vec::new(),
            source: String::new(),
            contact_type: "lead".to_owned(),
            address1: String::new(),
            city: String::new(),
            state: String::new(),
            postal_code: String::new(),
            country: location.country.clone(),
            timezone: location.timezone.clone(),
            website: None,
            date_of_birth: None,
            dnd: false,
            assigned_to: None,
            custom_fields: Vec::new(),
            attribution: None,
            date_added: now,
            date_updated: now,
        };
        self.apply(&mut contact);
        contact.business_id = contact.company_name.as_ref().and(business_id);
        contact
    }

    /// Changes `c` in place. `tags` and `customFields` given replace / merge;
    /// `name` fills first and last name unless those are given too.
    pub(super) fn apply(&self, c: &mut Contact) {
        if let Some(Some(name)) = &self.name {
            if self.first_name.is_none() && self.last_name.is_none() {
                let mut parts = name.trim().splitn(2, char::is_whitespace);
                c.first_name = parts.next().unwrap_or_default().to_owned();
                c.last_name = parts.next().unwrap_or_default().trim().to_owned();
            }
        }
        set_string(&mut c.first_name, &self.first_name);
        set_string(&mut c.last_name, &self.last_name);
        set_option(&mut c.email, &self.email);
        set_option(&mut c.phone, &self.phone);
        if let Some(company) = &self.company_name {
            c.company_name = company.clone().filter(|s| !s.is_empty());
            if c.company_name.is_none() {
                c.business_id = None;
            }
        }
        set_string(&mut c.address1, &self.address1);
        set_string(&mut c.city, &self.city);
        set_string(&mut c.state, &self.state);
        set_string(&mut c.postal_code, &self.postal_code);
        set_string(&mut c.country, &self.country);
        set_option(&mut c.website, &self.website);
        set_string(&mut c.timezone, &self.timezone);
        set_string(&mut c.source, &self.source);
        set_option(&mut c.assigned_to, &self.assigned_to);
        if let Some(Some(t)) = &self.contact_type {
            c.contact_type = t.clone();
        }
        if let Some(d) = self.date_of_birth {
            c.date_of_birth = d;
        }
        if let Some(dnd) = self.dnd {
            c.dnd = dnd;
        }
        if let Some(tags) = &self.tags {
            c.tags = tags.clone();
        }
        if let Some(fields) = &self.custom_fields {
            for f in fields {
                match c.custom_fields.iter_mut().find(|x| x.id == f.id) {
                    Some(existing) => existing.value = f.value.clone(),
                    None => c.custom_fields.push(f.clone()),
                }
            }
            c.custom_fields.retain(|f| !f.value.is_empty());
        }
    }

    /// The email and phone this body sets (for duplicate checks).
    pub(super) fn new_email(&self) -> Option<&str> {
        self.email.as_ref().and_then(Option::as_deref)
    }

    pub(super) fn new_phone(&self) -> Option<&str> {
        self.phone.as_ref().and_then(Option::as_deref)
    }

    /// Drops the email / phone change (upsert keeps a duplicate's value out).
    pub(super) fn skip_email(&mut self) {
        self.email = None;
    }

    pub(super) fn skip_phone(&mut self) {
        self.phone = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn location() -> Location {
        crate::seed(
            &crate::SandboxConfig {
                contacts: 0,
                ..crate::SandboxConfig::default()
            },
            OffsetDateTime::UNIX_EPOCH,
        )
        .location
    }

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn problems(v: Value, dto: Dto) -> Vec<String> {
        match parse(&map(v), dto, &location()) {
            Err(ApiError::Unprocessable(p)) => p,
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn create_requires_location_and_checks_types() {
        let p = problems(
            json!({ "email": "nope", "phone": "303-555-0142", "dnd": "no", "tags": "vip",
                    "foobar": 1 }),
            Dto::Create,
        );
        for expected in [
            "property foobar should not exist",
            "locationId should not be empty",
            "email must be an email",
            "phone must be a valid phone number",
            "dnd must be a boolean value",
            "tags must be an array",
        ] {
            assert!(p.iter().any(|m| m == expected), "{expected} not in {p:?}");
        }
    }

    #[test]
    fn update_whitelist_follows_the_live_api() {
        let loc = location();
        assert!(parse(
            &map(json!({ "companyName": "X", "type": "customer" })),
            Dto::Update,
            &loc
        )
        .is_ok());
        for key in ["locationId", "gender", "id", "emailLowerCase"] {
            let p = problems(json!({ key: "x" }), Dto::Update);
            assert_eq!(p, vec![format!("property {key} should not exist")]);
        }
    }

    #[test]
    fn applies_name_tags_and_custom_fields() {
        let loc = location();
        let field = &loc.custom_fields[0];
        let changes = parse(
            &map(json!({
                "locationId": loc.id, "name": "Ada  King Lovelace", "tags": ["VIP", " vip", "HVAC"],
                "customFields": [{ "key": field.key, "field_value": ["a", "b"] }],
                "dateOfBirth": "12/10/1815",
            })),
            Dto::Create,
            &loc,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let c = changes.create("id".into(), &loc, OffsetDateTime::UNIX_EPOCH, None);
        assert_eq!(
            (c.first_name.as_str(), c.last_name.as_str()),
            ("Ada", "King Lovelace")
        );
        assert_eq!(c.tags, vec!["vip", "hvac"]);
        assert_eq!(
            c.custom_fields,
            vec![CustomFieldValue {
                id: field.id.clone(),
                value: "a, b".into()
            }]
        );
        assert_eq!(c.timezone, loc.timezone);
        assert_eq!(c.date_of_birth.map(|d| d.year()), Some(1815));
    }
}
