//! `/contacts/{contactId}`, create, upsert and the duplicate lookup, and the
//! contact shapes: `GetContectByIdSchema` (get/update/upsert/duplicate),
//! `CreateContactSchema` (create) and the search item `Contact` (history spec),
//! which differ (`address1` vs `address`, ISO vs epoch `dateOfBirth`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use time::{OffsetDateTime, Time};

use super::contact_input::{self, ContactChanges, Dto};
use super::error::{self, trace_id};
use super::search::parse_json_object;
use super::validate::{is_e164, is_email};
use super::{iso, listing, now, query_params, require_contact, touch, ApiError, AppState, Tenant};
use crate::model::{Attribution, Contact, CustomFieldValue, Dataset};
use crate::search::{epoch_millis, SortValue};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/contacts/{contactId}",
            get(get_contact).put(update_contact).delete(delete_contact),
        )
        // NestJS routes `/contacts` and `/contacts/` alike.
        .route("/contacts/", post(create_contact).get(listing::legacy_list))
        .route("/contacts", post(create_contact).get(listing::legacy_list))
        .route("/contacts/upsert", post(upsert_contact))
        .route("/contacts/search/duplicate", get(find_duplicate))
}

async fn get_contact(
    state: Tenant,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    let contact = require_contact(&dataset, &contact_id)?;
    Ok(Json(json!({ "contact": ContactJson::from(contact) })))
}

/// Another contact (not `except`) holding `email` (any case) or `phone`, email
/// first, as the duplicate rule of a location that disallows duplicates.
fn duplicate_of<'d>(
    dataset: &'d Dataset,
    email: Option<&str>,
    phone: Option<&str>,
    except: Option<&str>,
) -> Option<(&'d Contact, &'static str)> {
    let others = || {
        dataset
            .contacts
            .iter()
            .filter(move |c| Some(c.id.as_str()) != except)
    };
    let by_email = email.and_then(|e| {
        others().find(|c| {
            c.email
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(e))
        })
    });
    by_email.map(|c| (c, "email")).or_else(|| {
        phone
            .and_then(|p| others().find(|c| c.phone.as_deref() == Some(p)))
            .map(|c| (c, "phone"))
    })
}

fn refuse_duplicate(
    dataset: &Dataset,
    changes: &ContactChanges,
    except: Option<&str>,
) -> Result<(), ApiError> {
    if dataset.location.allow_duplicate_contacts {
        return Ok(());
    }
    match duplicate_of(dataset, changes.new_email(), changes.new_phone(), except) {
        Some((c, field)) => Err(ApiError::Duplicate {
            contact_id: c.id.clone(),
            contact_name: c.full_name(),
            matching_field: field,
        }),
        None => Ok(()),
    }
}

fn check_location(given: Option<&str>, dataset: &Dataset) -> Result<(), ApiError> {
    match given {
        Some(l) if l != dataset.location.id => {
            Err(ApiError::Forbidden(error::WRONG_LOCATION.to_owned()))
        }
        _ => Ok(()),
    }
}

/// Creates the contact `changes` describes; returns its id.
fn insert_new(dataset: &mut Dataset, changes: &ContactChanges) -> String {
    let id = dataset.new_id();
    let business_id = dataset.new_id();
    let contact = changes.create(id.clone(), &dataset.location, now(), Some(business_id));
    dataset.insert_contact(contact);
    id
}

/// Applies `changes` to an existing contact and bumps `dateUpdated`.
fn update_existing(
    dataset: &mut Dataset,
    id: &str,
    changes: &ContactChanges,
) -> Result<(), ApiError> {
    let business_id = dataset.new_id();
    let contact = dataset
        .contact_mut(id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))?;
    changes.apply(contact);
    if contact.company_name.is_some() && contact.business_id.is_none() {
        contact.business_id = Some(business_id);
    }
    touch(contact);
    Ok(())
}

/// `POST /contacts/` → 201 `{ contact: CreateContactSchema }`.
async fn create_contact(state: Tenant, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = parse_json_object(&body)?;
    let mut dataset = state.dataset.write().await;
    let changes = contact_input::parse(&body, Dto::Create, &dataset.location)?;
    check_location(changes.location_id.as_deref(), &dataset)?;
    refuse_duplicate(&dataset, &changes, None)?;
    let id = insert_new(&mut dataset, &changes);
    let contact = require_contact(&dataset, &id)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "contact": CreatedContactJson::from(contact) })),
    ))
}

/// `PUT /contacts/{contactId}` → `{ succeded, contact }`; `tags` replace.
async fn update_contact(
    state: Tenant,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = parse_json_object(&body)?;
    let mut dataset = state.dataset.write().await;
    let changes = contact_input::parse(&body, Dto::Update, &dataset.location)?;
    require_contact(&dataset, &contact_id)?;
    refuse_duplicate(&dataset, &changes, Some(&contact_id))?;
    update_existing(&mut dataset, &contact_id, &changes)?;
    let contact = require_contact(&dataset, &contact_id)?;
    Ok(Json(
        json!({ "succeded": true, "contact": ContactJson::from(contact) }),
    ))
}

/// `DELETE /contacts/{contactId}` → `{ succeded }`, with its tasks, notes and
/// appointments.
async fn delete_contact(
    state: Tenant,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mut dataset = state.dataset.write().await;
    dataset
        .remove_contact(&contact_id)
        .ok_or_else(|| ApiError::BadRequest(error::CONTACT_NOT_FOUND.to_owned()))?;
    Ok(Json(json!({ "succeded": true })))
}

/// `POST /contacts/upsert` → `{ new, contact, traceId }`: matches by email, then
/// phone; updates the match (tags replace) or creates. A field that would
/// duplicate a third contact is left out, as live (highlevel-api-docs#37).
async fn upsert_contact(state: Tenant, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body = parse_json_object(&body)?;
    let mut dataset = state.dataset.write().await;
    let mut changes = contact_input::parse(&body, Dto::Upsert, &dataset.location)?;
    check_location(changes.location_id.as_deref(), &dataset)?;
    let allow = dataset.location.allow_duplicate_contacts;
    let matched = if allow && changes.create_new_if_duplicate_allowed {
        None
    } else {
        duplicate_of(&dataset, changes.new_email(), changes.new_phone(), None)
            .map(|(c, _)| c.id.clone())
    };
    let (id, created) = match matched {
        Some(id) => {
            if !allow {
                let (email, phone) = (changes.new_email(), changes.new_phone());
                let email_taken = duplicate_of(&dataset, email, None, Some(&id)).is_some();
                let phone_taken = duplicate_of(&dataset, None, phone, Some(&id)).is_some();
                if email_taken {
                    changes.skip_email();
                }
                if phone_taken {
                    changes.skip_phone();
                }
            }
            update_existing(&mut dataset, &id, &changes)?;
            (id, false)
        }
        None => (insert_new(&mut dataset, &changes), true),
    };
    let contact = require_contact(&dataset, &id)?;
    Ok(Json(json!({
        "new": created,
        "contact": ContactJson::from(contact),
        "traceId": trace_id(),
    })))
}

/// `GET /contacts/search/duplicate?locationId&email|number` → `{ contact }`
/// (`null` when none). Both values must arrive URL-encoded: a raw `+` decodes
/// to a space, which this answers with a 400 instead of a silent miss.
async fn find_duplicate(state: Tenant, uri: Uri) -> Result<Json<Value>, ApiError> {
    let query = query_params(&uri)?;
    let dataset = state.dataset.read().await;
    query.location(&dataset.location.id)?;
    let email = query.get("email").filter(|e| !e.is_empty());
    let number = query.get("number").filter(|n| !n.is_empty());
    if email.is_none() && number.is_none() {
        return Err(ApiError::BadRequest(
            "Pass at least one of number, email query parameter".to_owned(),
        ));
    }
    if email.is_some_and(|e| !is_email(e)) {
        return Err(ApiError::BadRequest(
            "email must be an email (URL-encode it: + is %2B, @ is %40)".to_owned(),
        ));
    }
    if number.is_some_and(|n| !is_e164(n)) {
        return Err(ApiError::BadRequest(
            "number must be an E.164 phone number, URL-encoded (+ is %2B)".to_owned(),
        ));
    }
    let found = email
        .and_then(|e| dataset.find_by_email(e))
        .or_else(|| number.and_then(|n| dataset.find_by_phone(n)));
    Ok(Json(json!({ "contact": found.map(ContactJson::from) })))
}

#[derive(Serialize)]
pub(super) struct CustomFieldJson<'a> {
    id: &'a str,
    value: &'a str,
}

pub(super) fn custom_fields(fields: &[CustomFieldValue]) -> Vec<CustomFieldJson<'_>> {
    fields
        .iter()
        .map(|f| CustomFieldJson {
            id: &f.id,
            value: &f.value,
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct DndSettingJson {
    status: &'static str,
    message: &'static str,
}

/// `DndSettingsSchema`: only DND contacts carry it, with every channel blocked.
fn dnd_settings(c: &Contact) -> Option<BTreeMap<&'static str, DndSettingJson>> {
    c.dnd.then(|| {
        ["Call", "Email", "SMS", "WhatsApp", "GMB", "FB"]
            .into_iter()
            .map(|channel| {
                let setting = DndSettingJson {
                    status: "active",
                    message: "Customer asked not to be contacted",
                };
                (channel, setting)
            })
            .collect()
    })
}

/// `AttributionSource`: absent values are JSON `null`, as the live API sends them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AttributionJson<'a> {
    url: &'a str,
    medium: &'a str,
    utm_source: Option<&'a str>,
    utm_medium: Option<&'a str>,
    campaign: Option<&'a str>,
    referrer: Option<&'a str>,
}

impl<'a> From<&'a Attribution> for AttributionJson<'a> {
    fn from(a: &'a Attribution) -> Self {
        AttributionJson {
            url: &a.url,
            medium: &a.medium,
            utm_source: a.utm_source.as_deref(),
            utm_medium: a.utm_medium.as_deref(),
            campaign: a.campaign.as_deref(),
            referrer: a.referrer.as_deref(),
        }
    }
}

/// `GetContectByIdSchema`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContactJson<'a> {
    id: &'a str,
    name: String,
    location_id: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_lower_case: Option<String>,
    timezone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    dnd: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    dnd_settings: Option<BTreeMap<&'static str, DndSettingJson>>,
    #[serde(rename = "type")]
    contact_type: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
    address1: &'a str,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    postal_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    date_added: String,
    date_updated: String,
    first_name_lower_case: String,
    full_name_lower_case: String,
    last_name_lower_case: String,
    custom_fields: Vec<CustomFieldJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution_source: Option<AttributionJson<'a>>,
}

pub(super) fn birth_datetime(c: &Contact) -> Option<OffsetDateTime> {
    c.date_of_birth
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc())
}

impl<'a> From<&'a Contact> for ContactJson<'a> {
    fn from(c: &'a Contact) -> Self {
        let name = c.full_name();
        ContactJson {
            id: &c.id,
            full_name_lower_case: name.to_lowercase(),
            name,
            location_id: &c.location_id,
            first_name: &c.first_name,
            last_name: &c.last_name,
            email: c.email.as_deref(),
            email_lower_case: c.email.as_deref().map(str::to_lowercase),
            timezone: &c.timezone,
            company_name: c.company_name.as_deref(),
            phone: c.phone.as_deref(),
            dnd: c.dnd,
            dnd_settings: dnd_settings(c),
            contact_type: &c.contact_type,
            source: &c.source,
            assigned_to: c.assigned_to.as_deref(),
            address1: &c.address1,
            city: &c.city,
            state: &c.state,
            country: &c.country,
            postal_code: &c.postal_code,
            website: c.website.as_deref(),
            tags: &c.tags,
            // The get endpoint returns the birth date as an ISO timestamp string.
            date_of_birth: birth_datetime(c).map(iso),
            date_added: iso(c.date_added),
            date_updated: iso(c.date_updated),
            first_name_lower_case: c.first_name.to_lowercase(),
            last_name_lower_case: c.last_name.to_lowercase(),
            custom_fields: custom_fields(&c.custom_fields),
            business_id: c.business_id.as_deref(),
            attribution_source: c.attribution.as_ref().map(AttributionJson::from),
        }
    }
}

/// `CreateContactSchema`: the create response, with flags and birth parts the
/// other shapes lack and without `name`, `timezone` or attribution.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreatedContactJson<'a> {
    id: &'a str,
    date_added: String,
    date_updated: String,
    deleted: bool,
    tags: &'a [String],
    #[serde(rename = "type")]
    contact_type: &'a str,
    custom_fields: Vec<CustomFieldJson<'a>>,
    location_id: &'a str,
    first_name: &'a str,
    first_name_lower_case: String,
    full_name_lower_case: String,
    last_name: &'a str,
    last_name_lower_case: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_lower_case: Option<String>,
    bounce_email: bool,
    unsubscribe_email: bool,
    dnd: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    dnd_settings: Option<BTreeMap<&'static str, DndSettingJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    address1: &'a str,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    postal_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    /// 0-based, as the spec's example pairs `8` with a September birth date.
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_day: Option<u8>,
    offers: [&'a str; 0],
    products: [&'a str; 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
}

impl<'a> From<&'a Contact> for CreatedContactJson<'a> {
    fn from(c: &'a Contact) -> Self {
        CreatedContactJson {
            id: &c.id,
            date_added: iso(c.date_added),
            date_updated: iso(c.date_updated),
            deleted: false,
            tags: &c.tags,
            contact_type: &c.contact_type,
            custom_fields: custom_fields(&c.custom_fields),
            location_id: &c.location_id,
            first_name: &c.first_name,
            first_name_lower_case: c.first_name.to_lowercase(),
            full_name_lower_case: c.full_name().to_lowercase(),
            last_name: &c.last_name,
            last_name_lower_case: c.last_name.to_lowercase(),
            email: c.email.as_deref(),
            email_lower_case: c.email.as_deref().map(str::to_lowercase),
            bounce_email: false,
            unsubscribe_email: false,
            dnd: c.dnd,
            dnd_settings: dnd_settings(c),
            phone: c.phone.as_deref(),
            address1: &c.address1,
            city: &c.city,
            state: &c.state,
            country: &c.country,
            postal_code: &c.postal_code,
            website: c.website.as_deref(),
            source: &c.source,
            company_name: c.company_name.as_deref(),
            date_of_birth: birth_datetime(c).map(iso),
            birth_month: c.date_of_birth.map(|d| u8::from(d.month()) - 1),
            birth_day: c.date_of_birth.map(|d| d.day()),
            offers: [],
            products: [],
            business_id: c.business_id.as_deref(),
            assigned_to: c.assigned_to.as_deref(),
        }
    }
}

/// The search response's `Contact` item (history spec `apps-contacts-7f7c8a65`,
/// plus live-only keys reported in highlevel-api-docs#314).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SearchContactJson<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_label: Option<&'static str>,
    country: &'a str,
    address: &'a str,
    source: &'a str,
    #[serde(rename = "type")]
    contact_type: &'a str,
    location_id: &'a str,
    dnd: bool,
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_name: Option<&'a str>,
    custom_fields: Vec<CustomFieldJson<'a>>,
    tags: &'a [String],
    date_added: String,
    additional_emails: [&'a str; 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    additional_phones: [&'a str; 0],
    date_updated: String,
    city: &'a str,
    /// Epoch millis here, unlike the ISO string of the get endpoint (#314).
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<i64>,
    first_name: &'a str,
    last_name: &'a str,
    first_name_lower_case: String,
    last_name_lower_case: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
    followers: [&'a str; 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_email: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dnd_settings: Option<BTreeMap<&'static str, DndSettingJson>>,
    opportunities: [&'a str; 0],
    postal_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<&'a str>,
    /// `[sortValue, id]`; send the last item's value back as `searchAfter`.
    search_after: [Value; 2],
    // Live-only keys (#314).
    contact_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution_source: Option<AttributionJson<'a>>,
}

impl<'a> SearchContactJson<'a> {
    pub(super) fn new(c: &'a Contact, sort_value: SortValue) -> Self {
        let sort_value = match sort_value {
            SortValue::Millis(ms) => Value::from(ms),
            SortValue::Text(s) => Value::from(s),
        };
        SearchContactJson {
            id: &c.id,
            phone_label: c.phone.as_ref().map(|_| "Mobile"),
            country: &c.country,
            address: &c.address1,
            source: &c.source,
            contact_type: &c.contact_type,
            location_id: &c.location_id,
            dnd: c.dnd,
            state: &c.state,
            business_name: c.company_name.as_deref(),
            custom_fields: custom_fields(&c.custom_fields),
            tags: &c.tags,
            date_added: iso(c.date_added),
            additional_emails: [],
            phone: c.phone.as_deref(),
            company_name: c.company_name.as_deref(),
            additional_phones: [],
            date_updated: iso(c.date_updated),
            city: &c.city,
            date_of_birth: birth_datetime(c).map(epoch_millis),
            first_name: &c.first_name,
            last_name: &c.last_name,
            first_name_lower_case: c.first_name.to_lowercase(),
            last_name_lower_case: c.last_name.to_lowercase(),
            email: c.email.as_deref(),
            assigned_to: c.assigned_to.as_deref(),
            followers: [],
            valid_email: c.email.as_ref().map(|_| true),
            dnd_settings: dnd_settings(c),
            opportunities: [],
            postal_code: &c.postal_code,
            business_id: c.business_id.as_deref(),
            search_after: [sort_value, Value::from(c.id.as_str())],
            contact_name: c.full_name(),
            website: c.website.as_deref(),
            attribution_source: c.attribution.as_ref().map(AttributionJson::from),
        }
    }
}
