//! The HTTP surface: one handler that authenticates, applies faults, routes
//! by hand to the spec's customer operations and records what it saw.
//!
//! Routing by hand (not axum's router) keeps ids percent-decoded exactly
//! once, gives every request its spec route for stats and records, and lets
//! unknown paths answer like the live API (an HTML 404 page, as observed for
//! `DELETE /customers/{id}`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::model::{Expand, HcpAddress, HcpCustomer};
use super::{HcpFault, Shared};
use crate::observe::{RecordedRequest, UNMATCHED};

/// Largest page the sandbox serves; the live maximum is undocumented (50 is
/// used in production, API-NOTES §8.2), so larger requests are capped.
pub const MAX_PAGE_SIZE: u64 = 100;
const DEFAULT_PAGE_SIZE: u64 = 10;

pub(crate) const ROUTE_CUSTOMERS: &str = "/customers";
pub(crate) const ROUTE_CUSTOMER: &str = "/customers/{customer_id}";
pub(crate) const ROUTE_ADDRESSES: &str = "/customers/{customer_id}/addresses";
pub(crate) const ROUTE_ADDRESS: &str = "/customers/{customer_id}/addresses/{address_id}";

const IDENTITY_FIELDS: [&str; 6] = [
    "first_name",
    "last_name",
    "email",
    "mobile_number",
    "home_number",
    "work_number",
];
/// Nullable string fields of `CustomerCreate` / `CustomerUpdate`.
const STRING_FIELDS: [&str; 8] = [
    "first_name",
    "last_name",
    "email",
    "company",
    "mobile_number",
    "home_number",
    "work_number",
    "lead_source",
];

/// One answer before it is sent.
struct Answer {
    status: StatusCode,
    body: Value,
    /// Sent as an HTML page instead of JSON.
    html: bool,
    retry_after: Option<u64>,
}

impl Answer {
    fn json(status: StatusCode, body: Value) -> Answer {
        Answer {
            status,
            body,
            html: false,
            retry_after: None,
        }
    }

    fn ok(body: Value) -> Answer {
        Answer::json(StatusCode::OK, body)
    }

    /// The spec's `ErrorResponse`.
    fn error(status: StatusCode, message: &str) -> Answer {
        Answer::json(status, json!({ "error": { "message": message } }))
    }

    fn html(status: StatusCode, title: &str) -> Answer {
        Answer {
            status,
            body: Value::String(format!(
                "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
            )),
            html: true,
            retry_after: None,
        }
    }

    fn into_response(self) -> Response {
        let mut response = if self.html {
            let text = self.body.as_str().unwrap_or_default().to_owned();
            (
                self.status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                text,
            )
                .into_response()
        } else {
            (
                self.status,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                self.body.to_string(),
            )
                .into_response()
        };
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// What a request asks for, parsed once.
struct Parsed<'a> {
    method: &'a Method,
    /// Percent-decoded path segments after the leading `/`.
    segments: Vec<String>,
    query: Vec<(String, String)>,
    body: Option<Value>,
    body_is_json: bool,
}

impl Parsed<'_> {
    fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Values of an array parameter, sent as `key[]=a&key[]=b` (observed)
    /// or `key=a&key=b` or `key=a,b`.
    fn query_list(&self, key: &str) -> Vec<String> {
        let bracketed = format!("{key}[]");
        self.query
            .iter()
            .filter(|(k, _)| *k == key || *k == bracketed)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The spec route a request is for, if any.
pub(crate) fn route_of(method: &Method, segments: &[String]) -> Option<&'static str> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let id = |x: &str| !x.is_empty();
    match (method.as_str(), s.as_slice()) {
        ("GET" | "POST", ["customers"]) => Some(ROUTE_CUSTOMERS),
        ("GET" | "PUT", ["customers", c]) if id(c) => Some(ROUTE_CUSTOMER),
        ("GET" | "POST", ["customers", c, "addresses"]) if id(c) => Some(ROUTE_ADDRESSES),
        ("GET", ["customers", c, "addresses", a]) if id(c) && id(a) => Some(ROUTE_ADDRESS),
        _ => None,
    }
}

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw_path = uri.path().to_owned();
    let segments: Vec<String> = raw_path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let (json_body, body_text) = if body.is_empty() {
        (None, None)
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => (Some(v), None),
            Err(_) => (None, Some(String::from_utf8_lossy(&body).into_owned())),
        }
    };
    let route = route_of(&method, &segments);
    shared.observer.request(&match route {
        Some(r) => format!("{method} {r}"),
        None => UNMATCHED.to_owned(),
    });

    let (latency, fault) = shared.next_fault(method.as_str());
    let delay = latency
        + match fault {
            Some(HcpFault::Delay(d)) => d,
            _ => Duration::ZERO,
        };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let parsed = Parsed {
        method: &method,
        segments,
        query: query.clone(),
        body: json_body.clone(),
        body_is_json: body_text.is_none(),
    };
    let answer = match fault {
        Some(HcpFault::Status(code)) => {
            shared.observer.fault();
            status_fault(code)
        }
        Some(HcpFault::RateLimited { retry_after_secs }) => {
            shared.observer.fault();
            let mut a = Answer::error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            a.retry_after = retry_after_secs;
            a
        }
        Some(HcpFault::StatusAfterWrite(code)) => {
            shared.observer.fault();
            // The request takes effect; only the answer is lost.
            let _ = execute(&shared, &headers, route, &parsed);
            status_fault(code)
        }
        Some(HcpFault::Delay(_)) | None => execute(&shared, &headers, route, &parsed),
    };

    shared.observer.answered(answer.status.as_u16());
    if shared.observer.is_recording() {
        shared.observer.record(RecordedRequest {
            method: method.to_string(),
            path: raw_path,
            route: route.map(str::to_owned),
            query,
            headers: recorded_headers(&headers),
            body: json_body,
            body_text,
            status: Some(answer.status.as_u16()),
        });
    }
    answer.into_response()
}

fn status_fault(code: u16) -> Answer {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if code == 502 {
        // What a proxy in front of the API answers.
        Answer::html(status, "502 Bad Gateway")
    } else {
        Answer::error(
            status,
            status.canonical_reason().unwrap_or("Internal Server Error"),
        )
    }
}

/// Headers worth recording, names lower-cased, the key masked.
fn recorded_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in ["content-type", "accept", "user-agent", "authorization"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            let value = if name == "authorization" {
                match v.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} ***"),
                    None => "***".to_owned(),
                }
            } else {
                v.to_owned()
            };
            out.insert(name.to_owned(), value);
        }
    }
    out
}

/// `Token <key>` (the spec's scheme) or `Bearer <key>` (observed to work).
fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, key)) = value.trim().split_once(' ') else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer"))
        && constant_time_eq(key.trim().as_bytes(), shared.api_key.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn execute(
    shared: &Shared,
    headers: &HeaderMap,
    route: Option<&'static str>,
    req: &Parsed<'_>,
) -> Answer {
    let Some(route) = route else {
        return Answer::html(
            StatusCode::NOT_FOUND,
            "The page you were looking for doesn't exist (404)",
        );
    };
    if !authorized(shared, headers) {
        return Answer::error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: invalid or missing API key",
        );
    }
    if !req.body_is_json {
        return Answer::error(
            StatusCode::BAD_REQUEST,
            "The request body is not valid JSON",
        );
    }
    let customer_id = req.segments.get(1).map(String::as_str).unwrap_or_default();
    match (req.method.as_str(), route) {
        ("GET", ROUTE_CUSTOMERS) => list_customers(shared, req),
        ("POST", ROUTE_CUSTOMERS) => create_customer(shared, req),
        ("GET", ROUTE_CUSTOMER) => get_customer(shared, req, customer_id),
        ("PUT", ROUTE_CUSTOMER) => update_customer(shared, req, customer_id),
        ("GET", ROUTE_ADDRESSES) => list_addresses(shared, req, customer_id),
        ("POST", ROUTE_ADDRESSES) => create_address(shared, req, customer_id),
        ("GET", ROUTE_ADDRESS) => get_address(
            shared,
            customer_id,
            req.segments.get(3).map(String::as_str).unwrap_or_default(),
        ),
        _ => Answer::html(
            StatusCode::NOT_FOUND,
            "The page you were looking for doesn't exist (404)",
        ),
    }
}

/// A positive whole number query parameter; the spec types them `number`.
fn positive(req: &Parsed<'_>, key: &str, default: u64) -> Result<u64, Answer> {
    match req.query(key) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f >= 1.0 && f.fract() == 0.0)
            .map(|f| f as u64)
            .ok_or_else(|| {
                Answer::error(
                    StatusCode::BAD_REQUEST,
                    &format!("{key} must be a positive whole number"),
                )
            }),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Created,
    Updated,
}

fn sort_params(req: &Parsed<'_>) -> Result<(SortKey, bool), Answer> {
    let key = match req.query("sort_by") {
        None | Some("") | Some("created_at") => SortKey::Created,
        Some("updated_at") => SortKey::Updated,
        Some(_) => {
            return Err(Answer::error(
                StatusCode::BAD_REQUEST,
                "sort_by must be created_at or updated_at",
            ))
        }
    };
    let descending = match req.query("sort_direction") {
        None | Some("") | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            return Err(Answer::error(
                StatusCode::BAD_REQUEST,
                "sort_direction must be asc or desc",
            ))
        }
    };
    Ok((key, descending))
}

fn expand_of(req: &Parsed<'_>) -> Expand {
    let list = req.query_list("expand");
    Expand {
        attachments: list.iter().any(|e| e == "attachments"),
        do_not_service: list.iter().any(|e| e == "do_not_service"),
    }
}

/// `page`, `page_size`, `total_pages`, `total_items` and the page's slice.
fn paginate<T>(items: Vec<T>, page: u64, page_size: u64) -> (Map<String, Value>, Vec<T>) {
    let total = items.len() as u64;
    let size = page_size.min(MAX_PAGE_SIZE);
    let start = (page - 1).saturating_mul(size);
    let slice: Vec<T> = items
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(size as usize)
        .collect();
    let mut meta = Map::new();
    meta.insert("page".into(), json!(page));
    meta.insert("page_size".into(), json!(size));
    meta.insert("total_pages".into(), json!(total.div_ceil(size)));
    meta.insert("total_items".into(), json!(total));
    (meta, slice)
}

fn list_customers(shared: &Shared, req: &Parsed<'_>) -> Answer {
    let (page, page_size, (key, descending)) = match (
        positive(req, "page", 1),
        positive(req, "page_size", DEFAULT_PAGE_SIZE),
        sort_params(req),
    ) {
        (Ok(p), Ok(s), Ok(o)) => (p, s, o),
        (Err(a), _, _) | (_, Err(a), _) | (_, _, Err(a)) => return a,
    };
    let expand = expand_of(req);
    let needle = req.query("q").map(str::trim).unwrap_or_default();
    let needle_lower = needle.to_lowercase();
    // Only a query that looks like a phone number searches by digits.
    let needle_digits = if needle
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        super::model::national_digits(needle)
    } else {
        String::new()
    };
    let store = shared.store();
    let mut hits: Vec<&HcpCustomer> = store
        .customers
        .iter()
        .filter(|c| needle.is_empty() || c.matches(&needle_lower, &needle_digits))
        .collect();
    hits.sort_by(|a, b| {
        let (x, y) = match key {
            SortKey::Created => (a.created_at, b.created_at),
            SortKey::Updated => (a.updated_at, b.updated_at),
        };
        let order = x.cmp(&y).then_with(|| a.id.cmp(&b.id));
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    let (mut meta, slice) = paginate(hits, page, page_size);
    let rendered: Vec<Value> = slice
        .into_iter()
        .map(|c| c.render(&shared.company, expand))
        .collect();
    meta.insert("customers".into(), Value::Array(rendered));
    Answer::ok(Value::Object(meta))
}

fn not_found(what: &str) -> Answer {
    Answer::error(StatusCode::NOT_FOUND, &format!("{what} not found"))
}

fn get_customer(shared: &Shared, req: &Parsed<'_>, id: &str) -> Answer {
    let store = shared.store();
    match store.get(id) {
        Some(c) => Answer::ok(c.render(&shared.company, expand_of(req))),
        None => not_found("Customer"),
    }
}

fn unprocessable(message: &str) -> Answer {
    Answer::error(StatusCode::UNPROCESSABLE_ENTITY, message)
}

fn body_object<'a>(req: &'a Parsed<'_>) -> Result<&'a Map<String, Value>, Answer> {
    match &req.body {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(Answer::error(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object",
        )),
        None => Err(Answer::error(
            StatusCode::BAD_REQUEST,
            "The request body is missing",
        )),
    }
}

/// A nullable string field: absent → `None`, `null` → `Some(None)`.
fn opt_text(map: &Map<String, Value>, key: &str) -> Result<Option<Option<String>>, Answer> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.trim().to_owned()).filter(|s| !s.is_empty()))),
        Some(_) => Err(unprocessable(&format!("{key} must be a string"))),
    }
}

fn opt_bool(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, Answer> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(unprocessable(&format!("{key} must be true or false"))),
    }
}

fn opt_tags(map: &Map<String, Value>) -> Result<Option<Vec<String>>, Answer> {
    match map.get("tags") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| match t {
                Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                _ => Err(unprocessable("tags must be a list of names")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|mut tags| {
                let mut seen = std::collections::HashSet::new();
                tags.retain(|t| seen.insert(t.to_lowercase()));
                Some(tags)
            }),
        Some(_) => Err(unprocessable("tags must be a list of names")),
    }
}

fn email_ok(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Applies the fields present in a create or update body. Returns whether
/// anything changed.
fn apply_fields(c: &mut HcpCustomer, map: &Map<String, Value>) -> Result<bool, Answer> {
    let mut changed = false;
    for key in STRING_FIELDS {
        if let Some(value) = opt_text(map, key)? {
            if key == "email" && value.as_deref().is_some_and(|e| !email_ok(e)) {
                return Err(unprocessable("email is invalid"));
            }
            let slot = match key {
                "first_name" => &mut c.first_name,
                "last_name" => &mut c.last_name,
                "email" => &mut c.email,
                "company" => &mut c.company,
                "mobile_number" => &mut c.mobile_number,
                "home_number" => &mut c.home_number,
                "work_number" => &mut c.work_number,
                _ => &mut c.lead_source,
            };
            if *slot != value {
                *slot = value;
                changed = true;
            }
        }
    }
    if let Some(notes) = opt_text(map, "notes")? {
        if c.notes != notes {
            c.notes = notes;
            changed = true;
        }
    }
    if let Some(on) = opt_bool(map, "notifications_enabled")? {
        if c.notifications_enabled != on {
            c.notifications_enabled = on;
            changed = true;
        }
    }
    if let Some(tags) = opt_tags(map)? {
        if c.tags != tags {
            c.tags = tags;
            changed = true;
        }
    }
    Ok(changed)
}

fn create_customer(shared: &Shared, req: &Parsed<'_>) -> Answer {
    let map = match body_object(req) {
        Ok(m) => m,
        Err(a) => return a,
    };
    let has_identity = IDENTITY_FIELDS.iter().any(|k| {
        map.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    });
    if !has_identity {
        return unprocessable(
            "One of first_name, last_name, email, mobile_number, home_number, work_number is required",
        );
    }
    let now = shared.now();
    let mut ids = shared.ids();
    let mut customer = HcpCustomer {
        id: ids.customer(),
        first_name: None,
        last_name: None,
        email: None,
        mobile_number: None,
        home_number: None,
        work_number: None,
        company: None,
        notifications_enabled: false,
        lead_source: None,
        notes: None,
        tags: Vec::new(),
        addresses: Vec::new(),
        do_not_service: false,
        created_at: now,
        updated_at: now,
    };
    if let Err(a) = apply_fields(&mut customer, map) {
        return a;
    }
    match map.get("addresses") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::Object(a) = item else {
                    return unprocessable("addresses must be a list of objects");
                };
                let part = |k: &str| opt_text(a, k).map(Option::flatten);
                let parts = (
                    part("street"),
                    part("street_line_2"),
                    part("city"),
                    part("state"),
                    part("zip"),
                    part("country"),
                );
                let (Ok(street), Ok(street_line_2), Ok(city), Ok(state), Ok(zip), Ok(country)) =
                    parts
                else {
                    return unprocessable("address parts must be strings");
                };
                // Addresses given with a new customer are where the work is.
                customer.addresses.push(HcpAddress {
                    id: ids.address(),
                    kind: "service".to_owned(),
                    street,
                    street_line_2,
                    city,
                    state,
                    zip,
                    country,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        Some(_) => return unprocessable("addresses must be a list of objects"),
    }
    drop(ids);
    let body = customer.render(&shared.company, Expand::default());
    shared.store().put(customer);
    Answer::json(StatusCode::CREATED, body)
}

fn update_customer(shared: &Shared, req: &Parsed<'_>, id: &str) -> Answer {
    let map = match body_object(req) {
        Ok(m) => m,
        Err(a) => return a,
    };
    let mut store = shared.store();
    let Some(existing) = store.get(id) else {
        return not_found("Customer");
    };
    let mut updated = existing.clone();
    // `addresses` is not part of CustomerUpdate and, like other unknown
    // keys, is ignored.
    match apply_fields(&mut updated, map) {
        // Like Rails, a save without changes leaves `updated_at` alone.
        Ok(true) => updated.updated_at = shared.now(),
        Ok(false) => {}
        Err(a) => return a,
    }
    let body = updated.render(&shared.company, Expand::default());
    store.put(updated);
    Answer::ok(body)
}

fn list_addresses(shared: &Shared, req: &Parsed<'_>, id: &str) -> Answer {
    let (page, page_size, (key, descending)) = match (
        positive(req, "page", 1),
        positive(req, "page_size", DEFAULT_PAGE_SIZE),
        sort_params(req),
    ) {
        (Ok(p), Ok(s), Ok(o)) => (p, s, o),
        (Err(a), _, _) | (_, Err(a), _) | (_, _, Err(a)) => return a,
    };
    let store = shared.store();
    let Some(customer) = store.get(id) else {
        return not_found("Customer");
    };
    let mut addresses: Vec<&HcpAddress> = customer.addresses.iter().collect();
    addresses.sort_by(|a, b| {
        let (x, y) = match key {
            SortKey::Created => (a.created_at, b.created_at),
            SortKey::Updated => (a.updated_at, b.updated_at),
        };
        let order = x.cmp(&y).then_with(|| a.id.cmp(&b.id));
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    let (mut meta, slice) = paginate(addresses, page, page_size);
    meta.insert(
        "addresses".into(),
        Value::Array(slice.into_iter().map(HcpAddress::render).collect()),
    );
    Answer::ok(Value::Object(meta))
}

fn create_address(shared: &Shared, req: &Parsed<'_>, id: &str) -> Answer {
    let map = match body_object(req) {
        Ok(m) => m,
        Err(a) => return a,
    };
    let mut missing = Vec::new();
    let mut text = |key: &'static str, required: bool| -> Result<Option<String>, Answer> {
        let value = opt_text(map, key)?.flatten();
        if required && value.is_none() {
            missing.push(key);
        }
        Ok(value)
    };
    let parts = (
        text("street", true),
        text("street_line_2", false),
        text("city", true),
        text("state", true),
        text("zip", true),
        text("country", true),
    );
    let (Ok(street), Ok(street_line_2), Ok(city), Ok(state), Ok(zip), Ok(country)) = parts else {
        return unprocessable("address parts must be strings");
    };
    if !missing.is_empty() {
        return unprocessable(&format!("{} can't be blank", missing.join(", ")));
    }
    for key in ["latitude", "longitude"] {
        match map.get(key) {
            None | Some(Value::Null | Value::Number(_)) => {}
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => {}
            Some(_) => return unprocessable(&format!("{key} must be a number")),
        }
    }
    let mut store = shared.store();
    if store.get(id).is_none() {
        return not_found("Customer");
    }
    let now = shared.now();
    let address = HcpAddress {
        id: shared.ids().address(),
        // AddressCreate has no type; a new address is taken as a service one.
        kind: "service".to_owned(),
        street,
        street_line_2,
        city,
        state,
        zip,
        country,
        created_at: now,
        updated_at: now,
    };
    let body = address.render();
    if let Some(customer) = store.get_mut(id) {
        customer.addresses.push(address);
        // The customer changed too: incremental polling by updated_at sees it.
        customer.updated_at = now;
    }
    Answer::ok(body)
}

fn get_address(shared: &Shared, customer_id: &str, address_id: &str) -> Answer {
    let store = shared.store();
    let Some(customer) = store.get(customer_id) else {
        return not_found("Customer");
    };
    match customer.addresses.iter().find(|a| a.id == address_id) {
        Some(a) => Answer::ok(a.render()),
        None => not_found("Address"),
    }
}

/// `%2F` → `/` etc.; invalid escapes are kept as written.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// For monotonic `updated_at` values: never earlier than the last one given.
pub(crate) fn monotonic(last: &mut OffsetDateTime) -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    *last = if now > *last {
        now
    } else {
        *last + time::Duration::microseconds(1)
    };
    *last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let seg = |p: &str| -> Vec<String> { p.split('/').map(str::to_owned).collect() };
        assert_eq!(
            route_of(&Method::GET, &seg("customers")),
            Some(ROUTE_CUSTOMERS)
        );
        assert_eq!(
            route_of(&Method::PUT, &seg("customers/cus_1")),
            Some(ROUTE_CUSTOMER)
        );
        assert_eq!(route_of(&Method::DELETE, &seg("customers/cus_1")), None);
        assert_eq!(
            route_of(&Method::POST, &seg("customers/cus_1/addresses")),
            Some(ROUTE_ADDRESSES)
        );
        assert_eq!(
            route_of(&Method::GET, &seg("customers/cus_1/addresses/adr_1")),
            Some(ROUTE_ADDRESS)
        );
        assert_eq!(route_of(&Method::GET, &seg("customers//addresses")), None);
        assert_eq!(route_of(&Method::GET, &seg("jobs")), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb%3Fc"), "a/b?c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn pages() {
        let (meta, slice) = paginate((0..25).collect::<Vec<_>>(), 3, 10);
        assert_eq!(slice, vec![20, 21, 22, 23, 24]);
        assert_eq!(meta["total_pages"], json!(3));
        let (meta, slice) = paginate((0..5).collect::<Vec<_>>(), 9, 1000);
        assert!(slice.is_empty());
        assert_eq!(meta["page_size"], json!(MAX_PAGE_SIZE));
        let (meta, _) = paginate(Vec::<u8>::new(), 1, 10);
        assert_eq!(meta["total_pages"], json!(0));
    }
}
