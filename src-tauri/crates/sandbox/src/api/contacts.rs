//! `/contacts/{contactId}` and the two contact shapes: `GetContectByIdSchema`
//! (get/update/upsert) and the search item `Contact` (history spec), which differ
//! (`address1` vs `address`, ISO vs epoch `dateOfBirth`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use time::{OffsetDateTime, Time};

use super::{iso, require_contact, ApiError, AppState};
use crate::model::{Attribution, Contact, CustomFieldValue};
use crate::search::{epoch_millis, SortValue};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/{contactId}", get(get_contact))
}

async fn get_contact(
    State(state): State<AppState>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    let contact = require_contact(&dataset, &contact_id)?;
    Ok(Json(json!({ "contact": ContactJson::from(contact) })))
}

#[derive(Serialize)]
pub(super) struct CustomFieldJson<'a> {
    id: &'a str,
    value: &'a str,
}

fn custom_fields(fields: &[CustomFieldValue]) -> Vec<CustomFieldJson<'_>> {
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

fn birth_datetime(c: &Contact) -> Option<OffsetDateTime> {
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
