//! `GET /locations/{locationId}`: the sub-account itself, which the app reads for
//! its name after signing in (GHL's token answer carries only the id).
//!
//! No spec file of the Locations API is stored with the others, so the shape
//! follows GHL's public documentation of "Get Sub-Account (Formerly Location)"
//! (`GetLocationByIdSuccessfulResponseDto`): `{ location: GetLocationByIdSchema }`.
//! Only what the sandbox's [`Location`] knows is rendered; the documented keys
//! it has no data for (`domain`, `logoUrl`, `firstName`, `lastName`, `email`,
//! `phone`, `social`, the other `settings`) are left out, as GHL leaves out
//! unset ones.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use super::{error, ApiError, AppState, Tenant};
use crate::model::Location;

/// The route, as GHL's documentation writes it.
pub(super) const LOCATION_PATH: &str = "/locations/{locationId}";

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(LOCATION_PATH, get(get_location))
}

/// 200 for the token's own location; 422 for a blank id, 403 for another
/// location of the sandbox, 404 for an id of no location. (GHL's page lists
/// only 400/401/422; the 403 is the live API's answer to a token used on
/// another location elsewhere, see [`error::WRONG_LOCATION`].)
async fn get_location(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(location_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if location_id.trim().is_empty() {
        return Err(ApiError::Unprocessable(vec![
            "locationId should not be empty".to_owned(),
        ]));
    }
    if location_id != *tenant.id {
        return Err(if state.locations.iter().any(|t| *t.id == location_id) {
            ApiError::Forbidden(error::WRONG_LOCATION.to_owned())
        } else {
            ApiError::NotFound(error::LOCATION_NOT_FOUND.to_owned())
        });
    }
    let dataset = tenant.dataset.read().await;
    Ok(Json(
        json!({ "location": LocationJson::from(&dataset.location) }),
    ))
}

/// `GetLocationByIdSchema`, the keys the sandbox has data for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationJson<'a> {
    id: &'a str,
    company_id: &'a str,
    name: &'a str,
    address: &'a str,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    postal_code: &'a str,
    website: &'a str,
    timezone: &'a str,
    business: BusinessJson<'a>,
    settings: SettingsJson,
}

/// `BusinessSchema`: the business profile. The sandbox keeps one address per
/// location, so it repeats the location's.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BusinessJson<'a> {
    name: &'a str,
    address: &'a str,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    postal_code: &'a str,
    website: &'a str,
    timezone: &'a str,
}

/// `SettingsSchema`, the one setting the sandbox models.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsJson {
    allow_duplicate_contact: bool,
}

impl<'a> From<&'a Location> for LocationJson<'a> {
    fn from(l: &'a Location) -> Self {
        LocationJson {
            id: &l.id,
            company_id: &l.company_id,
            name: &l.name,
            address: &l.address1,
            city: &l.city,
            state: &l.state,
            country: &l.country,
            postal_code: &l.postal_code,
            website: &l.website,
            timezone: &l.timezone,
            business: BusinessJson {
                name: &l.name,
                address: &l.address1,
                city: &l.city,
                state: &l.state,
                country: &l.country,
                postal_code: &l.postal_code,
                website: &l.website,
                timezone: &l.timezone,
            },
            settings: SettingsJson {
                allow_duplicate_contact: l.allow_duplicate_contacts,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    #[test]
    fn renders_the_documented_keys_it_has_data_for() {
        let mut location = crate::seed(
            &crate::SandboxConfig {
                contacts: 0,
                ..crate::SandboxConfig::default()
            },
            OffsetDateTime::UNIX_EPOCH,
        )
        .location;
        location.allow_duplicate_contacts = true;
        let v = serde_json::to_value(LocationJson::from(&location)).unwrap_or_default();
        let mut keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "address",
                "business",
                "city",
                "companyId",
                "country",
                "id",
                "name",
                "postalCode",
                "settings",
                "state",
                "timezone",
                "website"
            ]
        );
        assert_eq!(v["name"], "Summit Home Services");
        assert_eq!(v["address"], "4150 Wadsworth Blvd");
        assert_eq!(v["postalCode"], "80033");
        assert_eq!(v["timezone"], "America/Denver");
        assert_eq!(v["business"]["name"], v["name"]);
        assert_eq!(v["business"]["website"], "https://summithomeservices.com");
        assert_eq!(v["settings"], json!({ "allowDuplicateContact": true }));
    }
}
