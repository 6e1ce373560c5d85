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

mod envelopes {
    //! Every response envelope against the spec examples and against
    //! arbitrary, truncated and wrong-typed JSON: always `Ok` or a typed
    //! error, never a panic.

    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    use super::spec_contact;
    use crate::client::decode;
    use crate::models::responses::*;
    use crate::models::{ContactsPage, SearchPage, UpsertOutcome};
    use crate::Error;

    fn task() -> Value {
        json!({ "id": "t1", "title": "First Task", "body": "loram ipsum", "dueDate": "2020-10-25T11:00:00Z", "completed": true, "assignedTo": "u1", "contactId": "c1" })
    }

    fn note() -> Value {
        json!({ "id": "n1", "body": "lorem ipsum", "userId": "u1", "dateAdded": "2021-07-08T12:02:11.285Z", "contactId": "c1", "title": "t", "color": "#FFAA00", "pinned": false })
    }

    /// `CreateContactSchema` example from the spec.
    fn created_contact() -> Value {
        json!({
            "id": "seD4PfOuKoVMLkEZqohJ", "dateAdded": "2021-08-31T09:59:41.937Z",
            "dateUpdated": "2021-08-31T09:59:41.937Z", "deleted": false,
            "tags": ["nisi sint commodo amet", "consequat"], "type": "read",
            "customFields": [{ "id": "MgobCB14YMVKuE4Ka8p1", "value": "name" }],
            "locationId": "ve9EPM428h8vShlRW1KT", "firstName": "rubika",
            "firstNameLowerCase": "rubika", "fullNameLowerCase": "rubika deo", "lastName": "Deo",
            "lastNameLowerCase": "deo", "email": "rubika@deos.com", "emailLowerCase": "rubika@deos.com",
            "bounceEmail": false, "unsubscribeEmail": false, "dnd": true,
            "dndSettings": { "Call": { "status": "active", "message": "x", "code": "y" } },
            "phone": "+18832327657", "address1": "3535 1st St N", "city": "ruDolomitebika",
            "state": "AL", "country": "US", "postalCode": "35061", "website": "https://www.tesla.com",
            "source": "public api", "companyName": "DGS VolMAX",
            "dateOfBirth": "1990-09-25T00:00:00.000Z", "birthMonth": 8, "birthDay": 25,
            "lastSessionActivityAt": "2021-07-16T11:39:30.564Z", "offers": [], "products": [],
            "businessId": "641c094001436dbc2081e642", "assignedTo": "y0BeYjuRIlDwsDcOHOJo"
        })
    }

    /// One valid body per envelope (the spec's examples).
    fn examples() -> Vec<Value> {
        vec![
            json!({ "contact": created_contact() }),
            json!({ "succeded": true, "contact": spec_contact() }),
            json!({ "succeded": true }),
            json!({ "new": true, "contact": spec_contact(), "traceId": "tr-1" }),
            json!({ "task": task() }),
            json!({ "tasks": [task(), task()] }),
            json!({ "note": note() }),
            json!({ "notes": [note()] }),
            json!({ "events": [{ "id": "e1", "startTime": "2021-07-16 11:00:00" }] }),
            json!({ "tags": ["minim", "velit magna"] }),
            json!({ "contacts": [spec_contact()], "count": 1,
                    "meta": { "total": 50, "startAfterId": "yd0jdjOavGk2o6Nh5Ndb", "startAfter": 1631087949919_u64,
                              "nextPageUrl": "http://localhost:5058/contacts/?x", "currentPage": 2, "nextPage": 3, "prevPage": null } }),
            json!({ "contacts": [{ "id": "s1", "searchAfter": [1, "s1"] }], "total": 1 }),
            json!({ "contact": spec_contact() }),
            json!({ "contact": null }),
        ]
    }

    /// Runs every decoder on `body`; each must return (not panic). Returns
    /// how many succeeded, for sanity checks.
    fn decode_all(body: &[u8]) -> usize {
        fn ok<T>(r: Result<T, Error>) -> usize {
            match r {
                Ok(_) => 1,
                Err(Error::InvalidResponse { operation, message }) => {
                    assert!(!operation.is_empty() && !message.is_empty());
                    0
                }
                Err(other) => panic!("decoders only fail with InvalidResponse: {other:?}"),
            }
        }
        ok(decode::<ContactEnvelope>("e", body))
            + ok(decode::<UpdateContactEnvelope>("e", body))
            + ok(decode::<DeletedEnvelope>("e", body))
            + ok(decode::<UpsertOutcome>("e", body))
            + ok(decode::<TaskEnvelope>("e", body))
            + ok(decode::<TasksEnvelope>("e", body))
            + ok(decode::<NoteEnvelope>("e", body))
            + ok(decode::<NotesEnvelope>("e", body))
            + ok(decode::<EventsEnvelope>("e", body))
            + ok(decode::<TagsEnvelope>("e", body))
            + ok(decode::<ContactsPage>("e", body))
            + ok(decode::<SearchPage>("e", body))
            + ok(decode_duplicate(body))
    }

    #[test]
    fn examples_decode() {
        for example in examples() {
            let body = example.to_string();
            assert!(decode_all(body.as_bytes()) >= 1, "{body}");
        }
        let created: ContactEnvelope = decode(
            "create_contact",
            json!({ "contact": created_contact() })
                .to_string()
                .as_bytes(),
        )
        .expect("create schema");
        assert_eq!(created.contact.id, "seD4PfOuKoVMLkEZqohJ");
        assert_eq!(created.contact.name, None);
        assert_eq!(created.contact.extra["birthMonth"], json!(8));
        assert_eq!(created.contact.extra["deleted"], json!(false));

        let page: ContactsPage = decode("l", examples()[10].to_string().as_bytes()).expect("page");
        let meta = page.meta.expect("meta");
        assert_eq!(meta.start_after, Some(1631087949919));
        assert_eq!(meta.start_after_id.as_deref(), Some("yd0jdjOavGk2o6Nh5Ndb"));
        assert_eq!(page.count, Some(1));
        // A malformed meta or count is dropped, not fatal.
        let page: ContactsPage =
            decode("l", br#"{"contacts":[],"count":"many","meta":[1]}"#).expect("lenient");
        assert_eq!((page.count, page.meta), (None, None));

        let up: UpdateContactEnvelope =
            decode("u", br#"{"succeeded":"true","contact":{"id":"x"}}"#).expect("v3 spelling");
        assert_eq!(up.succeded, Some(true));
        let del: DeletedEnvelope = decode("d", br#"{"succeded":false}"#).expect("delete");
        assert_eq!(del.succeded, Some(false));
    }

    #[test]
    fn duplicate_shapes() {
        let found = |body: &str| decode_duplicate(body.as_bytes()).map(|c| c.map(|c| c.id));
        assert_eq!(
            found(r#"{"contact":{"id":"c1"}}"#).ok(),
            Some(Some("c1".into()))
        );
        assert_eq!(found(r#"{"contact":null}"#).ok(), Some(None));
        assert_eq!(found(r#"{}"#).ok(), Some(None));
        assert_eq!(
            found(r#"{"contacts":[{"id":"c2"},{"id":"c3"}]}"#).ok(),
            Some(Some("c2".into()))
        );
        assert_eq!(found(r#"{"contacts":[]}"#).ok(), Some(None));
        assert_eq!(
            found(r#"{"id":"c4","email":"a@b.co"}"#).ok(),
            Some(Some("c4".into()))
        );
        for bad in [
            r#"{"contact":{"email":"no id"}}"#,
            r#"{"contact":"c1"}"#,
            r#"[]"#,
            "",
            "nope",
        ] {
            assert!(
                matches!(
                    found(bad),
                    Err(Error::InvalidResponse {
                        operation: "find_duplicate",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "\\PC{0,12}".prop_map(Value::String),
            prop_oneof![Just("id"), Just("c1"), Just("2021-07-08T02:30:00Z")]
                .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let key = prop_oneof![
                Just("id".to_owned()),
                Just("contact".to_owned()),
                Just("contacts".to_owned()),
                Just("task".to_owned()),
                Just("tasks".to_owned()),
                Just("note".to_owned()),
                Just("notes".to_owned()),
                Just("tags".to_owned()),
                Just("events".to_owned()),
                Just("succeded".to_owned()),
                Just("new".to_owned()),
                Just("count".to_owned()),
                Just("total".to_owned()),
                Just("meta".to_owned()),
                Just("startAfter".to_owned()),
                "[a-zA-Z]{1,8}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key, inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_json_never_panics(v in arb_json()) {
            decode_all(v.to_string().as_bytes());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            decode_all(&bytes);
        }

        #[test]
        fn truncated_examples_never_panic(which in 0usize..14, cut in 0.0f64..1.0) {
            let body = examples()[which].to_string();
            let at = ((body.len() as f64) * cut) as usize;
            decode_all(&body.as_bytes()[..at]);
        }

        /// Replace one field (at any depth ≤ 2) of a valid example with
        /// arbitrary JSON.
        #[test]
        fn wrong_typed_fields_never_panic(which in 0usize..14, pick in any::<prop::sample::Index>(), inner in any::<prop::sample::Index>(), v in arb_json()) {
            let mut example = examples()[which].clone();
            if let Value::Object(map) = &mut example {
                let keys: Vec<String> = map.keys().cloned().collect();
                let key = &keys[pick.index(keys.len())];
                let slot = map.get_mut(key).expect("key exists");
                match slot {
                    Value::Object(nested) if !nested.is_empty() => {
                        let nested_keys: Vec<String> = nested.keys().cloned().collect();
                        let k = nested_keys[inner.index(nested_keys.len())].clone();
                        nested.insert(k, v);
                    }
                    _ => *slot = v,
                }
            }
            decode_all(example.to_string().as_bytes());
        }
    }
}
