//! Decoding real-looking and hostile payloads, and what write bodies contain.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

fn webhook_customer() -> Value {
    // Shape of a captured `customer.updated` payload (API-NOTES §8.3), with
    // the undeclared `kind` field.
    json!({
        "id": "cus_4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c",
        "first_name": "Maria",
        "last_name": "Lopez",
        "email": "maria.lopez@example.com",
        "mobile_number": "(303) 555-0142",
        "home_number": null,
        "work_number": "720.555.0199",
        "company": "Lopez Dental",
        "notifications_enabled": true,
        "lead_source": "Google",
        "notes": "Gate code 4821",
        "created_at": "2026-07-24T04:00:37Z",
        "updated_at": "2026-07-25T10:11:12Z",
        "company_name": "Summit Home Services",
        "company_id": "0f5e6a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "tags": ["hvac", "vip"],
        "kind": "homeowner",
        "addresses": [
            {"id": "adr_2", "type": "billing", "street": "PO Box 12", "street_line_2": null,
             "city": "Denver", "state": "CO", "zip": "80202", "country": "US"},
            {"id": "adr_1", "type": "service", "street": "1420 Larimer St", "street_line_2": "Unit 4",
             "city": "Denver", "state": "CO", "zip": "80202", "country": "US"}
        ]
    })
}

#[test]
fn customer_decodes_with_extras_and_helpers() {
    let c: Customer = serde_json::from_value(webhook_customer()).expect("customer");
    assert_eq!(c.full_name(), "Maria Lopez");
    assert_eq!(c.home_number, None);
    assert_eq!(c.tags, vec!["hvac", "vip"]);
    assert_eq!(c.extra.get("kind"), Some(&json!("homeowner")));
    assert_eq!(c.primary_address().map(|a| a.id.as_str()), Some("adr_1"));
    assert!(c.addresses[0].is_billing());
    let updated = c.updated().expect("parsed");
    assert_eq!(updated.unix_timestamp(), 1_784_974_272);
    assert!(c.created().expect("parsed") < updated);
    // Serialising and decoding again gives the same record (cache round trip).
    let again: Customer =
        serde_json::from_value(serde_json::to_value(&c).expect("to json")).expect("decode");
    assert_eq!(again, c);
}

#[test]
fn drifted_fields_do_not_fail_the_record() {
    let c: Customer = serde_json::from_value(json!({
        "id": "cus_1", "first_name": 42, "tags": null, "addresses": [{"street": "no id"}, {"id": "a"}],
        "notifications_enabled": "yes", "do_not_service": 0, "attachments": "none"
    }))
    .expect("lenient");
    assert_eq!(c.first_name.as_deref(), Some("42"));
    assert!(c.tags.is_empty());
    assert_eq!(c.addresses.len(), 1, "the address without id is dropped");
    assert_eq!(c.notifications_enabled, Some(true));
    assert_eq!(c.do_not_service, Some(false));
    assert_eq!(c.full_name(), "42");
    assert!(serde_json::from_value::<Customer>(json!({"first_name": "no id"})).is_err());
}

#[test]
fn pages_accept_numeric_spellings_but_not_nonsense() {
    let page: CustomersPage = serde_json::from_value(json!({
        "page": 1.0, "page_size": "10", "total_pages": 3, "total_items": 25,
        "customers": [webhook_customer()]
    }))
    .expect("page");
    assert_eq!((page.page, page.page_size, page.total_pages), (1, 10, 3));
    for bad in [json!(-1), json!(1.5), json!("x"), json!(null)] {
        let body = json!({"page": bad, "page_size": 1, "total_pages": 1, "total_items": 0, "customers": []});
        assert!(serde_json::from_value::<CustomersPage>(body).is_err());
    }
    let addresses: AddressesPage = serde_json::from_value(json!({
        "page": 1, "page_size": 10, "total_pages": 1, "total_items": 1,
        "addresses": [{"id": "adr_1", "type": "service"}]
    }))
    .expect("addresses");
    assert!(addresses.addresses[0].is_service());
}

#[test]
fn write_bodies_leave_out_unset_fields() {
    let body = serde_json::to_value(CustomerInput {
        first_name: Some("Ann".into()),
        tags: vec!["vip".into()],
        ..CustomerInput::default()
    })
    .expect("json");
    assert_eq!(body, json!({"first_name": "Ann", "tags": ["vip"]}));
    let update = CustomerUpdate {
        email: Some(None),
        mobile_number: Some(Some("303-555-0100".into())),
        ..CustomerUpdate::default()
    };
    assert!(!update.is_empty());
    assert!(CustomerUpdate::default().is_empty());
    assert_eq!(
        serde_json::to_value(&update).expect("json"),
        json!({"email": null, "mobile_number": "303-555-0100"})
    );
    let address = serde_json::to_value(AddressInput {
        street: "1 Main".into(),
        city: "Denver".into(),
        state: "CO".into(),
        zip: "80202".into(),
        country: "US".into(),
        ..AddressInput::default()
    })
    .expect("json");
    assert_eq!(
        address,
        json!({"street": "1 Main", "city": "Denver", "state": "CO", "zip": "80202", "country": "US"})
    );
}

#[test]
fn queries_send_only_what_is_set() {
    assert!(CustomerQuery::default().query_pairs().is_empty());
    let q = CustomerQuery {
        q: Some("  ".into()),
        page: Some(2),
        page_size: Some(50),
        sort_by: Some(CustomerSort::UpdatedAt),
        sort_direction: Some(SortDirection::Asc),
    };
    assert_eq!(
        q.query_pairs(),
        vec![
            ("page", "2".to_owned()),
            ("page_size", "50".to_owned()),
            ("sort_by", "updated_at".to_owned()),
            ("sort_direction", "asc".to_owned()),
        ]
    );
    let a = AddressQuery {
        sort_by: Some(AddressSort::CreatedAt),
        ..AddressQuery::default()
    };
    assert_eq!(a.query_pairs(), vec![("sort_by", "created_at".to_owned())]);
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("customers".to_owned()),
                    Just("addresses".to_owned()),
                    Just("page".to_owned()),
                    Just("tags".to_owned()),
                    Just("email".to_owned()),
                    Just("type".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A customer-shaped object whose fields hold arbitrary JSON.
fn customer_like() -> impl Strategy<Value = Value> {
    const FIELDS: &[&str] = &[
        "first_name",
        "last_name",
        "email",
        "mobile_number",
        "home_number",
        "work_number",
        "company",
        "notifications_enabled",
        "lead_source",
        "notes",
        "created_at",
        "updated_at",
        "company_name",
        "company_id",
        "tags",
        "addresses",
        "attachments",
        "do_not_service",
    ];
    (
        prop_oneof![".{0,10}".prop_map(Value::String), any_json()],
        prop::collection::vec((prop::sample::select(FIELDS), any_json()), 0..10),
    )
        .prop_map(|(id, pairs)| {
            let mut map = serde_json::Map::new();
            map.insert("id".to_owned(), id);
            for (k, v) in pairs {
                map.insert(k.to_owned(), v);
            }
            Value::Object(map)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoders_never_panic(value in any_json()) {
        let bytes = serde_json::to_vec(&value).expect("bytes");
        let _ = crate::client::decode::<Customer>("get_customer", &bytes);
        let _ = crate::client::decode::<CustomersPage>("list_customers", &bytes);
        let _ = crate::client::decode::<Address>("get_address", &bytes);
        let _ = crate::client::decode::<AddressesPage>("list_addresses", &bytes);
        let _ = crate::error::error_message(&bytes);
    }

    #[test]
    fn raw_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = crate::client::decode::<CustomersPage>("list_customers", &bytes);
        let _ = crate::error::error_message(&bytes);
    }

    #[test]
    fn customer_like_objects_decode_when_the_id_is_a_string(value in customer_like()) {
        let decoded = serde_json::from_value::<Customer>(value.clone());
        prop_assert_eq!(decoded.is_ok(), value["id"].is_string());
        if let Ok(c) = decoded {
            // Whatever was accepted survives a round trip through our own JSON.
            let again: Customer = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
            prop_assert_eq!(again, c);
        }
    }
}
