//! Decoding tests built from the spec's `example` values.

use serde_json::{json, Value};

use super::*;
use crate::client::decode;
use crate::Error;

/// `GetContectByIdSchema` examples from `apps/contacts.json`, plus fields the
/// spec lists that the model does not name.
fn spec_contact() -> Value {
    json!({
        "id": "seD4PfOuKoVMLkEZqohJ",
        "name": "rubika deo",
        "locationId": "ve9EPM428h8vShlRW1KT",
        "firstName": "rubika",
        "lastName": "Deo",
        "email": "rubika@deos.com",
        "emailLowerCase": "rubika@deos.com",
        "timezone": "Asia/Calcutta",
        "companyName": "DGS VolMAX",
        "phone": "+18832327657",
        "dnd": true,
        "dndSettings": { "Call": { "status": "active", "message": "x", "code": "y" } },
        "type": "read",
        "source": "public api",
        "assignedTo": "ve9EPM428h8vShlRW1KT",
        "address1": "3535 1st St N",
        "city": "ruDolomitebika",
        "state": "AL",
        "country": "US",
        "postalCode": "35061",
        "website": "https://www.tesla.com",
        "tags": ["nisi sint commodo amet", "consequat"],
        "dateOfBirth": "Date format YYYY-MM-DD",
        "dateAdded": "2021-07-02T05:18:26.704Z",
        "dateUpdated": "2021-07-02T05:18:26.704Z",
        "keyword": "test",
        "lastActivity": "2021-07-16T11:39:30.564Z",
        "customFields": [{ "id": "MgobCB14YMVKuE4Ka8p1", "value": "name" }],
        "businessId": "641c094001436dbc2081e642",
        "attributionSource": { "url": "https://example.com", "campaign": null },
        "visitorId": "ve9EPM428h8vShlRW1KT"
    })
}

#[test]
fn spec_contact_decodes() {
    let body = json!({ "contact": spec_contact() }).to_string();
    #[derive(serde::Deserialize)]
    struct Envelope {
        contact: Contact,
    }
    let c = decode::<Envelope>("get_contact", body.as_bytes())
        .expect("decodes")
        .contact;
    assert_eq!(c.id, "seD4PfOuKoVMLkEZqohJ");
    assert_eq!(c.name.as_deref(), Some("rubika deo"));
    assert_eq!(c.location_id.as_deref(), Some("ve9EPM428h8vShlRW1KT"));
    assert_eq!(c.contact_type.as_deref(), Some("read"));
    assert_eq!(c.address1.as_deref(), Some("3535 1st St N"));
    assert_eq!(c.postal_code.as_deref(), Some("35061"));
    assert_eq!(c.dnd, Some(true));
    assert_eq!(c.tags, ["nisi sint commodo amet", "consequat"]);
    assert_eq!(c.custom_fields.len(), 1);
    assert_eq!(c.custom_fields[0].display_value(), "name");
    assert_eq!(c.business_id.as_deref(), Some("641c094001436dbc2081e642"));
    assert_eq!(c.display_name(), "rubika deo");
    // Spec fields the model does not name are kept, not dropped.
    for key in [
        "emailLowerCase",
        "dndSettings",
        "lastActivity",
        "attributionSource",
        "visitorId",
    ] {
        assert!(c.extra.contains_key(key), "{key} missing from extra");
    }
    assert!(
        !c.extra.contains_key("firstName"),
        "named fields must not be duplicated"
    );
}

#[test]
fn unknown_fields_survive_a_round_trip() {
    let mut raw = spec_contact();
    raw["brandNewField"] = json!({ "nested": [1, 2, 3] });
    let c: Contact = serde_json::from_value(raw).expect("decodes");
    assert_eq!(c.extra["brandNewField"], json!({ "nested": [1, 2, 3] }));
    let out = serde_json::to_value(&c).expect("serializes");
    assert_eq!(out["brandNewField"], json!({ "nested": [1, 2, 3] }));
    assert_eq!(out["type"], json!("read"));
    assert_eq!(out["address1"], json!("3535 1st St N"));
    let again: Contact = serde_json::from_value(out).expect("decodes again");
    assert_eq!(again, c);
}

#[test]
fn drifted_fields_do_not_sink_the_contact() {
    let c: Contact = serde_json::from_value(json!({
        "id": "c1",
        "tags": null,
        "customFields": [{ "id": "n", "value": 42 }, { "id": "m", "value": ["a", "b"] }, { "value": "no id" }],
        "postalCode": 35061,
        "dnd": "false",
        "email": null,
        "phone": { "weird": true }
    }))
    .expect("decodes");
    assert!(c.tags.is_empty());
    assert_eq!(c.postal_code.as_deref(), Some("35061"));
    assert_eq!(c.dnd, Some(false));
    assert_eq!(c.email, None);
    assert_eq!(c.phone, None);
    let values: Vec<_> = c
        .custom_fields
        .iter()
        .map(CustomField::display_value)
        .collect();
    assert_eq!(values, ["42", "a, b"]);
    assert_eq!(c.display_name(), "c1");
}

#[test]
fn essential_fields_still_fail() {
    assert!(serde_json::from_value::<Contact>(json!({ "firstName": "x" })).is_err());
    assert!(serde_json::from_value::<Contact>(json!({ "id": null })).is_err());
    assert!(serde_json::from_value::<Task>(json!({ "id": ["x"] })).is_err());
    // Numeric ids are accepted as text.
    let t: Task = serde_json::from_value(json!({ "id": 7 })).expect("numeric id");
    assert_eq!(t.id, "7");
}

#[test]
fn custom_field_display_values() {
    let cf = |value: Value| CustomField {
        id: "x".into(),
        value,
        extra: Extra::new(),
    };
    assert_eq!(cf(json!("text")).display_value(), "text");
    assert_eq!(cf(json!(12.5)).display_value(), "12.5");
    assert_eq!(cf(json!(["a", 1, null])).display_value(), "a, 1");
    assert_eq!(cf(json!(true)).display_value(), "Yes");
    assert_eq!(cf(Value::Null).display_value(), "");
    assert_eq!(cf(json!({ "k": "v" })).display_value(), r#"{"k":"v"}"#);
}

#[test]
fn spec_task_note_event_decode() {
    let task: Task = serde_json::from_value(json!({
        "id": "lJpzYrWdpkC2hX6t2yue", "title": "test", "body": "testing",
        "assignedTo": "tesTUcmRxWrjqzJS8EjkxNKting", "dueDate": "2021-07-08T02:30:00.000Z",
        "completed": true, "contactId": "lJpzYrWdpkC2hX6t2yue"
    }))
    .expect("task");
    assert!(task.completed);
    assert_eq!(task.due_date.as_deref(), Some("2021-07-08T02:30:00.000Z"));
    assert_eq!(
        task.assigned_to.as_deref(),
        Some("tesTUcmRxWrjqzJS8EjkxNKting")
    );
    assert!(task.extra.is_empty());

    let note: Note = serde_json::from_value(json!({
        "id": "HGPcayliwcdoUFzvbTok", "body": "lorem ipsum", "userId": "TUcmRxWrjqzJS8EjkxNK",
        "dateAdded": "2021-07-08T12:02:11.285Z", "contactId": "TUcmRxWrjqzJS8EjkxNK",
        "title": "Follow-up summary", "color": "#FFAA00", "pinned": false
    }))
    .expect("note");
    assert_eq!(note.color.as_deref(), Some("#FFAA00"));
    assert_eq!(note.user_id.as_deref(), Some("TUcmRxWrjqzJS8EjkxNK"));
    assert!(!note.pinned);
    assert!(note.extra.is_empty());

    let event: Appointment = serde_json::from_value(json!({
        "id": "YS3jaqqeehkR2Is80miy", "calendarId": "YlWd2wuCAZQzh2cH1fVZ", "status": "booked",
        "title": "Test", "assignedUserId": "YlWd2wuCAZQzh2cH1fVZ", "notes": "test",
        "startTime": "2021-07-16 11:00:00", "endTime": "2021-07-16 11:30:00", "address": "Address",
        "locationId": "YlWd2wuCAZQzh2cH1fVZ", "contactId": "YlWd2wuCAZQzh2cH1fVZ",
        "groupId": "YlWd2wuCAZQzh2cH1fVZ", "appointmentStatus": "booked",
        "users": ["YlWd2wuCAZQzh2cH1fVZ", "YlWd2wuCAZQzh2cH1fVZ"],
        "dateAdded": "2021-07-16 11:00:00", "dateUpdated": "2021-07-16 11:30:00",
        "assignedResources": ["YlWd2wuCAZQzh2cH1fVZ"]
    }))
    .expect("event");
    assert_eq!(event.users.len(), 2);
    assert_eq!(event.appointment_status.as_deref(), Some("booked"));
    assert!(
        crate::datetime::parse_ghl_datetime(event.start_time.as_deref().unwrap_or("")).is_some()
    );
    assert!(event.extra.contains_key("assignedResources"));

    // Defaults when the booleans are missing or null.
    let t: Task = serde_json::from_value(json!({ "id": "t", "completed": null })).expect("task");
    assert!(!t.completed);
    let n: Note = serde_json::from_value(json!({ "id": "n" })).expect("note");
    assert!(!n.pinned);
}

/// `SearchContactSuccessResponseDto` with the history `Contact` examples,
/// plus the live-only fields issue #314 reports.
#[test]
fn spec_search_page_decodes() {
    let body = json!({
        "contacts": [{
            "id": "102goXVW3lIExEQPOnd3", "phoneLabel": "Mobile", "country": "United States",
            "address": "123 Main Street", "source": "Website", "type": "lead",
            "locationId": "502goXVW3lIExEQPOnd3", "dnd": false, "state": "California",
            "businessName": "Acme Corporation",
            "customFields": [{ "id": "MgobCB14YMVKuE4Ka8p1", "value": "name" }],
            "tags": ["tag-1", "tag-2"], "dateAdded": "2024-06-06T18:54:57.221Z",
            "additionalEmails": ["john@example.com", "jane@example.com"], "phone": "+123456789",
            "companyName": "XYZ Corp", "additionalPhones": ["123456789", "987654321"],
            "dateUpdated": "2024-06-06T18:54:57.221Z", "city": "New York",
            "dateOfBirth": 653961600000_i64, "firstName": "john", "lastName": "doe",
            "firstNameLowerCase": "john", "lastNameLowerCase": "doe", "email": "john@example.com",
            "assignedTo": "182goXVW3lIExEQPOnd3", "followers": ["682goXVW3lIExEQPOnd3"],
            "validEmail": true, "opportunities": [], "postalCode": "12345",
            "businessId": "282goXVW3lIExEQPOnd3", "contactName": "john doe",
            "searchAfter": [1234, "102goXVW3lIExEQPOnd3"]
        }],
        "total": 120
    })
    .to_string();
    let page: SearchPage = decode("search_contacts", body.as_bytes()).expect("decodes");
    assert_eq!(page.total, 120);
    let c = &page.contacts[0];
    assert_eq!(c.address.as_deref(), Some("123 Main Street"));
    assert_eq!(c.contact_type.as_deref(), Some("lead"));
    assert_eq!(c.contact_name.as_deref(), Some("john doe"));
    assert_eq!(c.additional_phones, ["123456789", "987654321"]);
    assert_eq!(c.date_of_birth, Some(json!(653961600000_i64)));
    assert!(c.extra.contains_key("businessName") && c.extra.contains_key("followers"));
    assert_eq!(c.display_name(), "john doe");
    assert_eq!(
        page.next_search_after(),
        Some(vec![json!(1234), json!("102goXVW3lIExEQPOnd3")])
    );
    // A float total (JSON "number") is accepted too.
    let page: SearchPage =
        decode("search_contacts", br#"{"contacts":[],"total":3.0}"#).expect("float total");
    assert_eq!(page.total, 3);
    assert_eq!(page.next_search_after(), None);
}

#[test]
fn wrong_envelopes_are_invalid_response() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // only decoding is under test
    struct Tasks {
        tasks: Vec<Task>,
    }
    let cases: [&[u8]; 7] = [
        br#"{"task":[]}"#,
        br#"{"tasks":"oops, secret customer text"}"#,
        br#"[]"#,
        br#"{"tasks":{"id":"x"}}"#,
        b"<html>oops</html>",
        b"",
        br#"{"tasks":[{"title":"no id"}]}"#,
    ];
    for body in cases {
        match decode::<Tasks>("contact_tasks", body) {
            Err(Error::InvalidResponse { operation, message }) => {
                assert_eq!(operation, "contact_tasks");
                assert!(!message.is_empty());
                assert!(!message.contains("oops"), "body leaked into {message}");
            }
            other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // The search envelope requires both keys.
    assert!(matches!(
        decode::<SearchPage>("search_contacts", br#"{"contacts":[]}"#),
        Err(Error::InvalidResponse {
            operation: "search_contacts",
            ..
        })
    ));
}

#[test]
fn search_request_paging_helpers() {
    let req = SearchRequest::new()
        .with_query(" smith ")
        .with_page_limit(2);
    assert_eq!(req.effective_query(), Some("smith"));
    assert_eq!(SearchRequest::default().page_limit, 100);
    assert_eq!(
        SearchRequest::new().with_query("  ").effective_query(),
        None
    );

    let contact = |id: &str, cursor: Option<Value>| SearchContact {
        search_after: cursor.map(|c| vec![c, json!(id)]),
        ..serde_json::from_value(json!({ "id": id })).expect("contact")
    };
    let full = SearchPage {
        contacts: vec![contact("a", Some(json!(1))), contact("b", Some(json!(2)))],
        total: 5,
    };
    let next = req.next_page(&full).expect("more pages");
    assert_eq!(next.search_after, Some(vec![json!(2), json!("b")]));
    // Same cursor again would loop: stop.
    assert!(next.next_page(&full).is_none());
    // A short page is the last page.
    let short = SearchPage {
        contacts: vec![contact("c", Some(json!(3)))],
        total: 5,
    };
    assert!(next.next_page(&short).is_none());

    let sorted = SearchRequest::new().sorted_by("dateAdded", SortDirection::Desc);
    assert_eq!(
        serde_json::to_value(&sorted.sort).expect("json"),
        json!([{ "field": "dateAdded", "direction": "desc" }])
    );
}
