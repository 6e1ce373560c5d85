//! The two listing operations besides search: the deprecated `GET /contacts/`
//! with its `startAfterId` + `startAfter` cursor, and
//! `GET /contacts/business/{businessId}` with `limit` / `skip`. Both answer
//! `ContactsSearchSuccessfulResponseDto` (`{ contacts, count }`); the legacy
//! list adds the `meta` object (`ContactsMetaSchema`) its cursor lives in.
//!
//! Both list newest first (`dateAdded` descending, ties by id descending), the
//! search's default order. `count` is the number of matches over all pages.

use axum::extract::Path;
use axum::http::header::HOST;
use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use super::contacts::{birth_datetime, custom_fields, AttributionJson, CustomFieldJson};
use super::validate::QueryParams;
use super::{iso, query_params, read_indexed, ApiError, AppState, Tenant};
use crate::model::Contact;
use crate::search::{
    epoch_millis, Direction, Filter, FilterField, FilterOp, SearchRequest, SortField, SortValue,
    Start, MAX_PAGE_LIMIT,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/business/{businessId}", get(business_list))
}

/// `ContactsSearchSchema`, plus the keys live payloads carry beyond it
/// (API-NOTES §4.1: names, phone, …).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListContactJson<'a> {
    id: &'a str,
    location_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    timezone: &'a str,
    country: &'a str,
    source: &'a str,
    date_added: String,
    custom_fields: Vec<CustomFieldJson<'a>>,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<&'a str>,
    attributions: Vec<AttributionJson<'a>>,
    followers: [&'a str; 0],
    // Live-only keys.
    contact_name: String,
    first_name: &'a str,
    last_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    dnd: bool,
    #[serde(rename = "type")]
    contact_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
    address1: &'a str,
    city: &'a str,
    state: &'a str,
    postal_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
    date_updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
}

/// Keys the list items (`GET /contacts/`, the business list) carry that
/// `ContactsSearchSchema` does not declare; live payloads have them too.
pub const LIST_CONTACT_LIVE_KEYS: &[&str] = &[
    "contactName",
    "firstName",
    "lastName",
    "companyName",
    "phone",
    "dnd",
    "type",
    "assignedTo",
    "address1",
    "city",
    "state",
    "postalCode",
    "website",
    "dateUpdated",
    "dateOfBirth",
];

impl<'a> From<&'a Contact> for ListContactJson<'a> {
    fn from(c: &'a Contact) -> Self {
        ListContactJson {
            id: &c.id,
            location_id: &c.location_id,
            email: c.email.as_deref(),
            timezone: &c.timezone,
            country: &c.country,
            source: &c.source,
            date_added: iso(c.date_added),
            custom_fields: custom_fields(&c.custom_fields),
            tags: &c.tags,
            business_id: c.business_id.as_deref(),
            attributions: c.attribution.iter().map(AttributionJson::from).collect(),
            followers: [],
            contact_name: c.full_name(),
            first_name: &c.first_name,
            last_name: &c.last_name,
            company_name: c.company_name.as_deref(),
            phone: c.phone.as_deref(),
            dnd: c.dnd,
            contact_type: &c.contact_type,
            assigned_to: c.assigned_to.as_deref(),
            address1: &c.address1,
            city: &c.city,
            state: &c.state,
            postal_code: &c.postal_code,
            website: c.website.as_deref(),
            date_updated: iso(c.date_updated),
            date_of_birth: birth_datetime(c).map(iso),
        }
    }
}

/// An integer query value (sent as a string) in `min..=max`.
fn int_param(
    query: &QueryParams,
    key: &str,
    default: usize,
    min: usize,
    max: Option<usize>,
    problems: &mut Vec<String>,
) -> usize {
    let Some(raw) = query.get(key).filter(|s| !s.is_empty()) else {
        return default;
    };
    match raw.parse::<f64>() {
        Ok(f) if f.fract() != 0.0 => problems.push(format!("{key} must be an integer number")),
        Ok(f) if f < min as f64 => problems.push(format!("{key} must not be less than {min}")),
        Ok(f) if max.is_some_and(|m| f > m as f64) => problems.push(format!(
            "{key} must not be greater than {}",
            max.unwrap_or_default()
        )),
        // In range and integral, so the conversion is exact.
        Ok(f) => return f as usize,
        Err(_) => problems.push(format!(
            "{key} must be a number conforming to the specified constraints"
        )),
    }
    default
}

fn text_query(query: &QueryParams) -> Option<String> {
    query
        .get("query")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /contacts/` (deprecated): `{ contacts, count, meta }`. Send the page's
/// `meta.startAfterId` and `meta.startAfter` back for the next page; on the last
/// page `nextPage` and `nextPageUrl` are `null` and following the cursor anyway
/// gives an empty page.
pub(super) async fn legacy_list(
    state: Tenant,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let query = query_params(&uri)?;
    let dataset = read_indexed(&state.dataset).await;
    query.location(&dataset.location.id)?;
    let mut problems = Vec::new();
    let limit = int_param(&query, "limit", 20, 1, Some(MAX_PAGE_LIMIT), &mut problems);
    let start_after = match query.get("startAfter").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(ms) => Some(ms),
            Err(_) => {
                problems.push(
                    "startAfter must be a number conforming to the specified constraints"
                        .to_owned(),
                );
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let start_after_id = query.get("startAfterId").filter(|s| !s.is_empty());
    let start = match (start_after, start_after_id) {
        (Some(ms), id) => Start::After(SortValue::Millis(ms), id.unwrap_or_default().to_owned()),
        (None, Some(id)) => {
            let c = dataset.contact(id).ok_or_else(|| {
                ApiError::BadRequest(format!("Invalid startAfterId {id}: send startAfter too"))
            })?;
            Start::After(SortValue::Millis(epoch_millis(c.date_added)), id.to_owned())
        }
        (None, None) => Start::Page(1),
    };
    let text = text_query(&query);
    let request = SearchRequest {
        query: text.clone(),
        filters: Vec::new(),
        sort: SortField::DateAdded,
        direction: Direction::Desc,
        start,
        limit,
    };
    let page = dataset.search(&request);

    let last = page.hits.last().map(|h| h.contact);
    let current_page = page.skipped / limit + 1;
    let has_next = page.skipped + page.hits.len() < page.total;
    let next_url = match (has_next, last) {
        (true, Some(last)) => {
            let host = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let mut url = format!(
                "http://{host}/contacts/?locationId={}&startAfter={}&startAfterId={}",
                encode(&dataset.location.id),
                epoch_millis(last.date_added),
                encode(&last.id),
            );
            if query.get("limit").is_some() {
                url.push_str(&format!("&limit={limit}"));
            }
            if let Some(t) = &text {
                url.push_str(&format!("&query={}", encode(t)));
            }
            Some(url)
        }
        _ => None,
    };
    let meta = json!({
        "total": page.total,
        "nextPageUrl": next_url,
        "startAfterId": last.map(|c| c.id.as_str()),
        "startAfter": last.map(|c| epoch_millis(c.date_added)),
        "currentPage": current_page,
        "nextPage": has_next.then_some(current_page + 1),
        "prevPage": (current_page > 1).then(|| current_page - 1),
    });
    let contacts: Vec<ListContactJson> = page
        .hits
        .iter()
        .map(|h| ListContactJson::from(h.contact))
        .collect();
    Ok(Json(
        json!({ "contacts": contacts, "count": page.total, "meta": meta }),
    ))
}

/// `GET /contacts/business/{businessId}?locationId&limit&skip&query` →
/// `{ contacts, count }`; `limit` (default 25, at most 100) and `skip`
/// (default 0) arrive as strings.
async fn business_list(
    state: Tenant,
    Path(business_id): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let query = query_params(&uri)?;
    let dataset = read_indexed(&state.dataset).await;
    query.location(&dataset.location.id)?;
    let mut problems = Vec::new();
    let limit = int_param(&query, "limit", 25, 1, Some(MAX_PAGE_LIMIT), &mut problems);
    let skip = int_param(&query, "skip", 0, 0, None, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let request = SearchRequest {
        query: text_query(&query),
        filters: vec![Filter::Condition {
            field: FilterField::BusinessId,
            op: FilterOp::Eq(vec![business_id]),
        }],
        sort: SortField::DateAdded,
        direction: Direction::Desc,
        start: Start::Page(1),
        limit: usize::MAX,
    };
    let page = dataset.search(&request);
    let contacts: Vec<ListContactJson> = page
        .hits
        .iter()
        .skip(skip)
        .take(limit)
        .map(|h| ListContactJson::from(h.contact))
        .collect();
    Ok(Json(json!({ "contacts": contacts, "count": page.total })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("a b+c@d.e"), "a%20b%2Bc%40d.e");
        assert_eq!(encode("Zoë"), "Zo%C3%AB");
    }

    #[test]
    fn integer_params() {
        let q = QueryParams(vec![
            ("limit".into(), "101".into()),
            ("skip".into(), "x".into()),
            ("ok".into(), "7".into()),
        ]);
        let mut problems = Vec::new();
        assert_eq!(int_param(&q, "ok", 1, 1, Some(100), &mut problems), 7);
        assert_eq!(int_param(&q, "absent", 25, 1, Some(100), &mut problems), 25);
        assert!(problems.is_empty());
        int_param(&q, "limit", 25, 1, Some(100), &mut problems);
        int_param(&q, "skip", 0, 0, None, &mut problems);
        assert_eq!(
            problems,
            vec![
                "limit must not be greater than 100",
                "skip must be a number conforming to the specified constraints"
            ]
        );
    }
}
