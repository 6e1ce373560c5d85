//! `POST /contacts/search`: body validation in GHL's (NestJS class-validator) style,
//! then `Dataset::search`.
//!
//! Status codes: shape/constraint errors → 422 with a `message` array (issue
//! highlevel-api-docs#31); unknown filter or sort field → 400 `Invalid field <name>`
//! (#170); a `locationId` other than the token's → 403 (#213); malformed JSON → 400.

use axum::body::Bytes;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::contacts::SearchContactJson;
use super::error::WRONG_LOCATION;
use super::{read_indexed, ApiError, AppState, Tenant};
use crate::search::{
    epoch_millis, Direction, Filter, FilterField, FilterOp, SearchRequest, SortField, SortValue,
    Start, DEEP_PAGING_LIMIT, MAX_PAGE_LIMIT,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/contacts/search", post(search_contacts))
}

async fn search_contacts(state: Tenant, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body = parse_json_object(&body)?;
    let dataset = read_indexed(&state.dataset).await;
    let request = parse_search(&body, &dataset.location.id)?;
    let page = dataset.search(&request);
    let contacts: Vec<SearchContactJson> = page
        .hits
        .into_iter()
        .map(|h| SearchContactJson::new(h.contact, h.sort_value))
        .collect();
    Ok(Json(json!({ "contacts": contacts, "total": page.total })))
}

/// An empty body counts as `{}` (so it reports the missing required keys).
pub(super) fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::BadRequest(
            "Request body must be a JSON object".to_owned(),
        )),
        Err(e) => Err(ApiError::BadRequest(format!(
            "Invalid JSON in request body: {e}"
        ))),
    }
}

/// class-validator style checks for an integer field with bounds.
fn bounded_int(name: &str, v: &Value, max: Option<u64>) -> Result<u64, String> {
    let Some(f) = v.as_f64() else {
        return Err(format!(
            "{name} must be a number conforming to the specified constraints"
        ));
    };
    if f.fract() != 0.0 {
        return Err(format!("{name} must be an integer number"));
    }
    if f < 1.0 {
        return Err(format!("{name} must not be less than 1"));
    }
    match max {
        Some(max) if f > max as f64 => Err(format!("{name} must not be greater than {max}")),
        // In range and integral, so the conversion is exact.
        _ => Ok(f as u64),
    }
}

/// Validates the body and turns it into a [`SearchRequest`].
pub(crate) fn parse_search(
    body: &Map<String, Value>,
    location_id: &str,
) -> Result<SearchRequest, ApiError> {
    let mut problems = Vec::new();

    let location = match body.get("locationId") {
        None | Some(Value::Null) => {
            problems.push("locationId should not be empty".to_owned());
            None
        }
        Some(Value::String(s)) if s.is_empty() => {
            problems.push("locationId should not be empty".to_owned());
            None
        }
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            problems.push("locationId must be a string".to_owned());
            None
        }
    };

    let limit = match body.get("pageLimit") {
        None | Some(Value::Null) => {
            problems.push("pageLimit should not be empty".to_owned());
            None
        }
        Some(v) => bounded_int("pageLimit", v, Some(MAX_PAGE_LIMIT as u64))
            .map_err(|m| problems.push(m))
            .ok()
            .map(|n| n as usize),
    };

    let page = match body.get("page") {
        None | Some(Value::Null) => None,
        Some(v) => bounded_int("page", v, None)
            .map_err(|m| problems.push(m))
            .ok(),
    };

    let query = match body.get("query") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            problems.push("query must be a string".to_owned());
            None
        }
    };

    let search_after = match body.get("searchAfter") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::Array(a)) => match a.as_slice() {
            [value, Value::String(id)] if value.is_number() || value.is_string() => {
                let value = match value {
                    Value::String(s) => SortValue::Text(s.clone()),
                    // Sort values are whole epoch millis; fractions cannot match.
                    v => SortValue::Millis(
                        v.as_i64()
                            .unwrap_or_else(|| v.as_f64().map_or(0, |f| f as i64)),
                    ),
                };
                Some((value, id.clone()))
            }
            _ => {
                problems.push(
                    "searchAfter must be the [sortValue, id] pair from the last contact of the previous page"
                        .to_owned(),
                );
                None
            }
        },
        Some(_) => {
            problems.push("searchAfter must be an array".to_owned());
            None
        }
    };

    let sort = match body.get("sort") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if items.is_empty() => None,
        Some(Value::Array(items)) if items.len() > 1 => {
            problems.push("sort supports a single field".to_owned());
            None
        }
        Some(Value::Array(items)) => match &items[0] {
            Value::Object(o) => {
                let direction = match o.get("direction") {
                    None | Some(Value::Null) => Some(Direction::Desc),
                    Some(Value::String(d)) if d.eq_ignore_ascii_case("asc") => Some(Direction::Asc),
                    Some(Value::String(d)) if d.eq_ignore_ascii_case("desc") => {
                        Some(Direction::Desc)
                    }
                    Some(_) => {
                        problems.push(
                            "sort.0.direction must be one of the following values: asc, desc"
                                .to_owned(),
                        );
                        None
                    }
                };
                match (o.get("field"), direction) {
                    (Some(Value::String(f)), Some(d)) => Some((f.clone(), d)),
                    (Some(Value::String(_)), None) => None,
                    _ => {
                        problems.push("sort.0.field must be a string".to_owned());
                        None
                    }
                }
            }
            _ => {
                problems.push("sort.0 must be an object".to_owned());
                None
            }
        },
        Some(_) => {
            problems.push("sort must be an array".to_owned());
            None
        }
    };

    let filters = match body.get("filters") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, f)| parse_filter(f, &format!("filters.{i}")))
            .collect::<Result<Vec<_>, _>>(),
        Some(_) => {
            problems.push("filters must be an array".to_owned());
            Ok(Vec::new())
        }
    };

    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    // Validation passed, so the required values are present.
    let (Some(location), Some(limit)) = (location, limit) else {
        return Err(ApiError::Unprocessable(vec![
            "locationId and pageLimit are required".to_owned(),
        ]));
    };
    if location != location_id {
        return Err(ApiError::Forbidden(WRONG_LOCATION.to_owned()));
    }
    let filters = filters?;
    let (sort, direction) = match sort {
        None => (SortField::DateAdded, Direction::Desc),
        Some((name, direction)) => match SortField::from_wire(&name) {
            Some(field) => (field, direction),
            None => return Err(ApiError::BadRequest(format!("Invalid field {name}"))),
        },
    };
    let start = match (search_after, page) {
        (Some(_), Some(p)) if p > 1 => {
            return Err(ApiError::Unprocessable(vec![
                "page cannot be combined with searchAfter; send searchAfter alone".to_owned(),
            ]))
        }
        (Some((value, id)), _) => Start::After(value, id),
        (None, page) => {
            let page = page.unwrap_or(1) as usize;
            if page.saturating_mul(limit) > DEEP_PAGING_LIMIT {
                return Err(ApiError::Unprocessable(vec![format!(
                    "page * pageLimit must not exceed {DEEP_PAGING_LIMIT}; use searchAfter to paginate deeper"
                )]));
            }
            Start::Page(page)
        }
    };
    Ok(SearchRequest {
        query,
        filters,
        sort,
        direction,
        start,
        limit,
    })
}

fn unprocessable(msg: String) -> ApiError {
    ApiError::Unprocessable(vec![msg])
}

fn string_values(v: &Value, at: &str) -> Result<Vec<String>, ApiError> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(unprocessable(format!(
            "{at}.value must be a string, number, boolean or an array of them"
        ))),
    };
    match v {
        Value::Array(items) => items.iter().map(one).collect(),
        v => one(v).map(|s| vec![s]),
    }
}

fn millis(v: &Value, at: &str) -> Result<i64, ApiError> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| unprocessable(format!("{at} must be epoch milliseconds"))),
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map(epoch_millis)
            .or_else(|_| s.parse::<i64>())
            .map_err(|_| unprocessable(format!("{at} must be an ISO 8601 date or epoch ms"))),
        _ => Err(unprocessable(format!(
            "{at} must be an ISO 8601 date or epoch ms"
        ))),
    }
}

/// `{ field, operator, value }` or `{ group: "AND"|"OR", filters: [...] }`.
fn parse_filter(v: &Value, at: &str) -> Result<Filter, ApiError> {
    let Value::Object(o) = v else {
        return Err(unprocessable(format!("{at} must be an object")));
    };
    if let Some(group) = o.get("group") {
        let any = match group.as_str().map(str::to_ascii_uppercase).as_deref() {
            Some("OR") => true,
            Some("AND") => false,
            _ => {
                return Err(unprocessable(format!(
                    "{at}.group must be one of the following values: AND, OR"
                )))
            }
        };
        let Some(Value::Array(items)) = o.get("filters") else {
            return Err(unprocessable(format!("{at}.filters must be an array")));
        };
        let filters = items
            .iter()
            .enumerate()
            .map(|(i, f)| parse_filter(f, &format!("{at}.filters.{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Filter::Group { any, filters });
    }

    let Some(Value::String(name)) = o.get("field") else {
        return Err(unprocessable(format!("{at}.field must be a string")));
    };
    let field = FilterField::from_wire(name)
        .ok_or_else(|| ApiError::BadRequest(format!("Invalid field {name}")))?;
    let Some(Value::String(operator)) = o.get("operator") else {
        return Err(unprocessable(format!("{at}.operator must be a string")));
    };
    let value = o.get("value").unwrap_or(&Value::Null);
    let invalid_operator =
        || ApiError::BadRequest(format!("Invalid operator {operator} for field {name}"));
    let op = match operator.as_str() {
        "exists" => FilterOp::Exists,
        "not_exists" => FilterOp::NotExists,
        "eq" | "not_eq" if field == FilterField::Dnd => {
            let b = value
                .as_bool()
                .ok_or_else(|| unprocessable(format!("{at}.value must be a boolean")))?;
            FilterOp::BoolEq(if operator == "eq" { b } else { !b })
        }
        "eq" => FilterOp::Eq(string_values(value, at)?),
        "not_eq" => FilterOp::NotEq(string_values(value, at)?),
        "contains" | "not_contains" if !field.is_date() && field != FilterField::Dnd => {
            let mut values = string_values(value, at)?;
            let negate = operator == "not_contains";
            let make = |s: String| {
                let op = if negate {
                    FilterOp::NotContains(s)
                } else {
                    FilterOp::Contains(s)
                };
                Filter::Condition { field, op }
            };
            // Several values: "contains any" (or "contains none" when negated).
            if values.len() == 1 {
                return Ok(make(values.remove(0)));
            }
            return Ok(Filter::Group {
                any: !negate,
                filters: values.into_iter().map(make).collect(),
            });
        }
        "range" if field.is_date() => {
            let Value::Object(bounds) = value else {
                return Err(unprocessable(format!(
                    "{at}.value must be an object with gt, gte, lt or lte"
                )));
            };
            let bound = |k: &str| {
                bounds
                    .get(k)
                    .map(|b| millis(b, &format!("{at}.value.{k}")))
                    .transpose()
            };
            FilterOp::Range {
                gt: bound("gt")?,
                gte: bound("gte")?,
                lt: bound("lt")?,
                lte: bound("lte")?,
            }
        }
        _ => return Err(invalid_operator()),
    };
    Ok(Filter::Condition { field, op })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn err(v: Value) -> ApiError {
        match parse_search(&body(v), "LOC") {
            Err(e) => e,
            Ok(r) => panic!("expected an error, got {r:?}"),
        }
    }

    #[test]
    fn requires_location_and_page_limit() {
        let ApiError::Unprocessable(m) = err(json!({})) else {
            panic!("expected 422")
        };
        assert!(m.iter().any(|s| s.contains("locationId")));
        assert!(m.iter().any(|s| s.contains("pageLimit")));
    }

    #[test]
    fn page_limit_bounds() {
        for bad in [json!(0), json!(101), json!(2.5), json!("20")] {
            let e = err(json!({"locationId": "LOC", "pageLimit": bad}));
            assert!(matches!(e, ApiError::Unprocessable(_)), "{bad}: {e:?}");
        }
        assert!(parse_search(&body(json!({"locationId": "LOC", "pageLimit": 100})), "LOC").is_ok());
    }

    #[test]
    fn deep_paging_cap() {
        assert!(parse_search(
            &body(json!({"locationId": "LOC", "pageLimit": 100, "page": 100})),
            "LOC"
        )
        .is_ok());
        let e = err(json!({"locationId": "LOC", "pageLimit": 100, "page": 101}));
        let ApiError::Unprocessable(m) = e else {
            panic!("expected 422")
        };
        assert!(m[0].contains("searchAfter"));
    }

    #[test]
    fn wrong_location_is_forbidden() {
        let e = err(json!({"locationId": "OTHER", "pageLimit": 10}));
        assert_eq!(e.status().as_u16(), 403);
    }

    #[test]
    fn unknown_filter_or_sort_field_is_400() {
        let e = err(json!({"locationId": "LOC", "pageLimit": 10,
            "filters": [{"field": "contact_name", "operator": "eq", "value": "x"}]}));
        assert_eq!(
            e,
            ApiError::BadRequest("Invalid field contact_name".to_owned())
        );
        let e = err(json!({"locationId": "LOC", "pageLimit": 10,
            "filters": [{"group": "OR", "filters": [{"field": "nope", "operator": "eq", "value": "x"}]}]}));
        assert_eq!(e, ApiError::BadRequest("Invalid field nope".to_owned()));
        let e = err(json!({"locationId": "LOC", "pageLimit": 10,
            "sort": [{"field": "email", "direction": "asc"}]}));
        assert_eq!(e, ApiError::BadRequest("Invalid field email".to_owned()));
    }

    #[test]
    fn parses_a_full_request() {
        let r = parse_search(
            &body(
                json!({"locationId": "LOC", "pageLimit": 5, "query": "smith",
                "sort": [{"field": "lastNameLowerCase", "direction": "asc"}],
                "searchAfter": ["smith", "abc"],
                "filters": [{"field": "tags", "operator": "contains", "value": ["vip", "hvac"]}]}),
            ),
            "LOC",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.sort, SortField::LastNameLowerCase);
        assert_eq!(r.direction, Direction::Asc);
        assert_eq!(
            r.start,
            Start::After(SortValue::Text("smith".into()), "abc".into())
        );
        assert!(matches!(r.filters[0], Filter::Group { any: true, .. }));
    }

    #[test]
    fn malformed_json_is_400() {
        assert!(matches!(
            parse_json_object(b"{\"locationId\": "),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(parse_json_object(b"  "), Ok(m) if m.is_empty()));
        assert!(matches!(
            parse_json_object(b"[1]"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
