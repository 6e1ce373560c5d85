//! `/contacts/{contactId}/appointments` and the `GetEventSchema` shape.

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use super::{iso, require_contact, ApiError, AppState, Tenant};
use crate::model::Appointment;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/{contactId}/appointments", get(list_appointments))
}

async fn list_appointments(
    state: Tenant,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dataset = state.dataset.read().await;
    require_contact(&dataset, &contact_id)?;
    let location_id = dataset.location.id.as_str();
    let events: Vec<EventJson> = dataset
        .appointments_of(&contact_id)
        .iter()
        .map(|a| EventJson::new(a, location_id))
        .collect();
    Ok(Json(json!({ "events": events })))
}

/// `GetEventSchema`. Times are ISO UTC strings (`2026-11-23T15:00:00.000Z`); the
/// spec's examples show `2021-07-16 11:00:00`, which the notes flag as uncertain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EventJson<'a> {
    id: &'a str,
    calendar_id: &'a str,
    status: &'static str,
    title: &'a str,
    assigned_user_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    start_time: String,
    end_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
    location_id: &'a str,
    contact_id: &'a str,
    appointment_status: &'static str,
    users: [&'a str; 1],
    date_added: String,
    date_updated: String,
    assigned_resources: [&'a str; 0],
}

impl<'a> EventJson<'a> {
    fn new(a: &'a Appointment, location_id: &'a str) -> Self {
        EventJson {
            id: &a.id,
            calendar_id: &a.calendar_id,
            status: a.status.as_str(),
            title: &a.title,
            assigned_user_id: &a.assigned_user_id,
            notes: a.notes.as_deref(),
            start_time: iso(a.start_time),
            end_time: iso(a.end_time),
            address: a.address.as_deref(),
            location_id,
            contact_id: &a.contact_id,
            appointment_status: a.status.as_str(),
            users: [&a.assigned_user_id],
            date_added: iso(a.date_added),
            date_updated: iso(a.date_updated),
            assigned_resources: [],
        }
    }
}
