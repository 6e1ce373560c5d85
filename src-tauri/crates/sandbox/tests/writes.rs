//! Write operations and the listings, checked in the shared dataset: every
//! answer is compared with what the sandbox now holds.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{call, encode, get, search, start};
use reqwest::Method;
use sandbox::{Contact, Sandbox};
use serde_json::{json, Value};

async fn contact(sb: &Sandbox, id: &str) -> Option<Contact> {
    sb.dataset().read().await.contact(id).cloned()
}

async fn count(sb: &Sandbox) -> usize {
    sb.dataset().read().await.contacts.len()
}

async fn search_ids(sb: &Sandbox, body: Value) -> Vec<String> {
    let mut body = body;
    body["locationId"] = json!(sb.location_id());
    body["pageLimit"] = json!(100);
    let (status, page) = search(sb, body).await;
    assert_eq!(status, 200, "{page}");
    page["contacts"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Contacts with an email no other contact has, and a phone.
fn distinct_contacts(contacts: &[Contact], unique_phone: bool) -> Vec<Contact> {
    let unique = |c: &Contact| {
        let email = c.email.as_deref().unwrap_or_default();
        let same_email = contacts
            .iter()
            .filter(|x| {
                x.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .count();
        let same_phone = contacts
            .iter()
            .filter(|x| x.phone.is_some() && x.phone == c.phone)
            .count();
        c.email.is_some()
            && same_email == 1
            && c.phone.is_some()
            && (!unique_phone || same_phone == 1)
    };
    contacts.iter().filter(|c| unique(c)).cloned().collect()
}

fn str_list(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn contact_lifecycle_is_reflected_in_the_dataset() {
    let sb = start(60).await;
    let loc = sb.location_id().to_owned();
    let (field_id, field_key, user_id) = {
        let d = sb.dataset();
        let d = d.read().await;
        let f = &d.location.custom_fields[0];
        (f.id.clone(), f.key.clone(), d.location.users[0].id.clone())
    };
    let before = count(&sb).await;

    // --- create ---------------------------------------------------------------
    let (status, created) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({
            "locationId": loc, "firstName": "Ada", "lastName": "Lovelace",
            "email": "Ada.Lovelace@example.org", "phone": "+17205550234",
            "companyName": "Analytical Engines", "tags": ["VIP", "vip", " Solar "],
            "customFields": [{ "key": field_key, "field_value": "12" }],
            "dateOfBirth": "1815-12-10", "source": "api test",
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["contact"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(id.len(), 20);
    assert_eq!(count(&sb).await, before + 1);
    let c = contact(&sb, &id)
        .await
        .unwrap_or_else(|| panic!("not stored"));
    assert_eq!(
        (c.first_name.as_str(), c.last_name.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(c.email.as_deref(), Some("Ada.Lovelace@example.org"));
    assert_eq!(c.phone.as_deref(), Some("+17205550234"));
    assert_eq!(c.tags, vec!["vip", "solar"]);
    assert!(c.business_id.is_some());
    assert_eq!(c.custom_fields.len(), 1);
    assert_eq!(
        (
            c.custom_fields[0].id.as_str(),
            c.custom_fields[0].value.as_str()
        ),
        (field_id.as_str(), "12")
    );
    assert_eq!(c.date_added, c.date_updated);
    assert_eq!(created["contact"]["birthMonth"], 11);
    assert_eq!(
        created["contact"]["emailLowerCase"],
        "ada.lovelace@example.org"
    );

    // Readable and searchable at once.
    let (status, got) = get(&sb, &format!("/contacts/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(got["contact"]["name"], "Ada Lovelace");
    assert_eq!(got["contact"]["dateOfBirth"], "1815-12-10T00:00:00.000Z");
    assert_eq!(
        search_ids(&sb, json!({ "query": "lovelace" })).await,
        vec![id.clone()]
    );
    assert_eq!(
        search_ids(&sb, json!({ "query": "720 555 0234" })).await,
        vec![id.clone()]
    );

    // --- update: tags replace, dateUpdated moves, the index follows -------------
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (status, updated) = call(
        &sb,
        Method::PUT,
        &format!("/contacts/{id}"),
        Some(json!({ "lastName": "King", "tags": ["Engineer"], "website": "https://ada.example.org" })),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["succeded"], true);
    assert_eq!(updated["contact"]["lastName"], "King");
    let c2 = contact(&sb, &id).await.unwrap_or_else(|| panic!("gone"));
    assert_eq!(c2.tags, vec!["engineer"]);
    assert_eq!(c2.last_name, "King");
    assert_eq!(c2.email, c.email, "fields not sent stay");
    assert_eq!(c2.website.as_deref(), Some("https://ada.example.org"));
    assert!(c2.date_updated > c.date_updated);
    assert!(search_ids(&sb, json!({ "query": "ada lovelace" }))
        .await
        .is_empty());
    assert_eq!(
        search_ids(&sb, json!({ "query": "ada king" })).await,
        vec![id.clone()]
    );
    let newest = search_ids(
        &sb,
        json!({ "sort": [{ "field": "dateUpdated", "direction": "desc" }] }),
    )
    .await;
    assert_eq!(
        newest.first(),
        Some(&id),
        "the update re-sorts by dateUpdated"
    );

    let (status, body) = call(
        &sb,
        Method::PUT,
        "/contacts/NoSuchContact0000000",
        Some(json!({ "firstName": "x" })),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Contact not found"))
    );
    // Clearing with null.
    let (status, _) = call(
        &sb,
        Method::PUT,
        &format!("/contacts/{id}"),
        Some(json!({ "website": null })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(contact(&sb, &id).await.and_then(|c| c.website), None);

    // --- tags -----------------------------------------------------------------
    let tags_path = format!("/contacts/{id}/tags");
    let (status, body) = call(
        &sb,
        Method::POST,
        &tags_path,
        Some(json!({ "tags": ["Gold", "ENGINEER", "gold"] })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(str_list(&body["tags"]), vec!["engineer", "gold"]);
    assert_eq!(
        contact(&sb, &id).await.map(|c| c.tags),
        Some(vec!["engineer".into(), "gold".into()])
    );
    assert!(search_ids(
        &sb,
        json!({ "filters": [{ "field": "tags", "operator": "eq", "value": "gold" }] })
    )
    .await
    .contains(&id));
    let (status, body) = call(
        &sb,
        Method::DELETE,
        &tags_path,
        Some(json!({ "tags": ["GOLD", "never-there"] })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(str_list(&body["tags"]), vec!["engineer"]);
    assert_eq!(
        contact(&sb, &id).await.map(|c| c.tags),
        Some(vec!["engineer".into()])
    );
    let (status, body) = call(
        &sb,
        Method::POST,
        &tags_path,
        Some(json!({ "tags": "vip" })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = call(
        &sb,
        Method::POST,
        "/contacts/NoSuchContact0000000/tags",
        Some(json!({ "tags": ["a"] })),
    )
    .await;
    assert_eq!(status, 400);

    // --- tasks ----------------------------------------------------------------
    let tasks_path = format!("/contacts/{id}/tasks");
    let (status, body) = call(&sb, Method::POST, &tasks_path, Some(json!({}))).await;
    assert_eq!(status, 422);
    let messages = str_list(&body["message"]);
    for field in ["title", "dueDate", "completed"] {
        assert!(
            messages.iter().any(|m| m.starts_with(field)),
            "{field}: {messages:?}"
        );
    }
    let (status, body) = call(
        &sb,
        Method::POST,
        &tasks_path,
        Some(json!({ "title": "Call back", "body": "About the quote", "dueDate": "2026-07-01T15:00:00Z", "completed": false })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let task_id = body["task"]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(body["task"]["dueDate"], "2026-07-01T15:00:00.000Z");
    let stored = |sb: &Sandbox| {
        let d = sb.dataset();
        let (id, task_id) = (id.clone(), task_id.clone());
        async move {
            d.read()
                .await
                .tasks_of(&id)
                .iter()
                .find(|t| t.id == task_id)
                .cloned()
        }
    };
    assert_eq!(
        stored(&sb).await.map(|t| t.title),
        Some("Call back".to_owned())
    );
    let task_path = format!("{tasks_path}/{task_id}");
    let (status, body) = get(&sb, &task_path).await;
    assert_eq!(
        (status, body["task"]["title"].as_str()),
        (200, Some("Call back"))
    );
    let (status, body) = call(
        &sb,
        Method::PUT,
        &task_path,
        Some(json!({ "title": "Call back re: quote", "assignedTo": user_id })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let t = stored(&sb).await.unwrap_or_else(|| panic!("task gone"));
    assert_eq!(
        (t.title.as_str(), t.assigned_to.as_deref(), t.body.as_str()),
        (
            "Call back re: quote",
            Some(user_id.as_str()),
            "About the quote"
        )
    );
    let (status, body) = call(
        &sb,
        Method::PUT,
        &format!("{task_path}/completed"),
        Some(json!({ "completed": true })),
    )
    .await;
    assert_eq!(
        (status, body["task"]["completed"].as_bool()),
        (200, Some(true))
    );
    assert_eq!(stored(&sb).await.map(|t| t.completed), Some(true));
    let (status, _) = call(
        &sb,
        Method::PUT,
        &format!("{task_path}/completed"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) = call(&sb, Method::DELETE, &task_path, None).await;
    assert_eq!((status, body["succeded"].as_bool()), (200, Some(true)));
    assert_eq!(stored(&sb).await, None);
    let (status, body) = get(&sb, &task_path).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Task not found"))
    );

    // --- notes (path parameter `{id}`) ------------------------------------------
    let notes_path = format!("/contacts/{id}/notes");
    let (status, _) = call(
        &sb,
        Method::POST,
        &notes_path,
        Some(json!({ "title": "no body" })),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) = call(
        &sb,
        Method::POST,
        &notes_path,
        Some(json!({ "body": "Gate code 1234", "pinned": true })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let note_id = body["note"]["id"].as_str().unwrap_or_default().to_owned();
    let note_path = format!("{notes_path}/{note_id}");
    let note = |sb: &Sandbox| {
        let d = sb.dataset();
        let (id, note_id) = (id.clone(), note_id.clone());
        async move {
            d.read()
                .await
                .notes_of(&id)
                .iter()
                .find(|n| n.id == note_id)
                .cloned()
        }
    };
    assert_eq!(
        note(&sb).await.map(|n| (n.body, n.pinned)),
        Some(("Gate code 1234".to_owned(), true))
    );
    let (status, body) = get(&sb, &note_path).await;
    assert_eq!(
        (status, body["note"]["body"].as_str()),
        (200, Some("Gate code 1234"))
    );
    let (status, _) = call(
        &sb,
        Method::PUT,
        &note_path,
        Some(json!({ "body": "Gate code 4321", "color": "#FFAA00" })),
    )
    .await;
    assert_eq!(status, 200);
    let n = note(&sb).await.unwrap_or_else(|| panic!("note gone"));
    assert_eq!(
        (n.body.as_str(), n.color.as_deref(), n.pinned),
        ("Gate code 4321", Some("#FFAA00"), true)
    );
    let (status, _) = call(&sb, Method::DELETE, &note_path, None).await;
    assert_eq!(status, 200);
    assert_eq!(note(&sb).await, None);
    let (status, body) = call(&sb, Method::DELETE, &note_path, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Note not found"))
    );

    // --- delete ---------------------------------------------------------------
    let (status, body) = call(&sb, Method::DELETE, &format!("/contacts/{id}"), None).await;
    assert_eq!((status, body["succeded"].as_bool()), (200, Some(true)));
    assert_eq!(contact(&sb, &id).await, None);
    assert_eq!(count(&sb).await, before);
    assert!(search_ids(&sb, json!({ "query": "ada king" }))
        .await
        .is_empty());
    let (status, _) = get(&sb, &format!("/contacts/{id}")).await;
    assert_eq!(status, 400);
    let (status, _) = call(&sb, Method::DELETE, &format!("/contacts/{id}"), None).await;
    assert_eq!(status, 400);

    // Deleting a seeded contact takes its tasks, notes and appointments along,
    // and leaves every other lookup intact.
    let (seeded, other) = {
        let d = sb.dataset();
        let d = d.read().await;
        (d.contacts[0].id.clone(), d.contacts[1].id.clone())
    };
    {
        let d = sb.dataset();
        let d = d.read().await;
        assert!(!d.tasks_of(&seeded).is_empty() || !d.notes_of(&seeded).is_empty());
    }
    let (status, _) = call(&sb, Method::DELETE, &format!("/contacts/{seeded}"), None).await;
    assert_eq!(status, 200);
    {
        let d = sb.dataset();
        let d = d.read().await;
        assert!(d.tasks_of(&seeded).is_empty());
        assert!(d.notes_of(&seeded).is_empty());
        assert!(d.appointments_of(&seeded).is_empty());
        for c in &d.contacts {
            assert_eq!(
                d.contact(&c.id).map(|x| &x.id),
                Some(&c.id),
                "by_id out of date"
            );
        }
    }
    let (status, body) = get(&sb, &format!("/contacts/{other}")).await;
    assert_eq!(
        (status, body["contact"]["id"].as_str()),
        (200, Some(other.as_str()))
    );
    let (status, _) = get(&sb, &format!("/contacts/{seeded}/notes")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn invalid_contact_bodies_are_422_and_change_nothing() {
    let sb = start(20).await;
    let loc = sb.location_id().to_owned();
    let before = count(&sb).await;
    for (body, expected) in [
        (
            json!({ "firstName": "No location" }),
            "locationId should not be empty",
        ),
        (
            json!({ "locationId": loc, "email": "not-an-email" }),
            "email must be an email",
        ),
        (
            json!({ "locationId": loc, "phone": "303-555-0199" }),
            "phone must be a valid phone number",
        ),
        (
            json!({ "locationId": loc, "tags": "vip" }),
            "tags must be an array",
        ),
        (
            json!({ "locationId": loc, "dnd": "yes" }),
            "dnd must be a boolean value",
        ),
        (
            json!({ "locationId": loc, "firstName": 7 }),
            "firstName must be a string",
        ),
        (
            json!({ "locationId": loc, "customField": [] }),
            "property customField should not exist",
        ),
        (
            json!({ "locationId": loc, "dateOfBirth": "someday" }),
            "dateOfBirth must be a valid date",
        ),
    ] {
        let (status, answer) = call(&sb, Method::POST, "/contacts/", Some(body.clone())).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert!(
            str_list(&answer["message"]).contains(&expected),
            "{body} → {answer}"
        );
    }
    let (status, _) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({ "locationId": "someOtherLocation000", "firstName": "x" })),
    )
    .await;
    assert_eq!(status, 403);
    let id = sb.dataset().read().await.contacts[0].id.clone();
    for body in [
        json!({ "gender": "f" }),
        json!({ "locationId": loc }),
        json!({ "email": "x@" }),
    ] {
        let (status, answer) = call(
            &sb,
            Method::PUT,
            &format!("/contacts/{id}"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body} → {answer}");
    }
    assert_eq!(count(&sb).await, before);
}

#[tokio::test]
async fn duplicates_are_refused_unless_the_location_allows_them() {
    let sb = start(80).await;
    let loc = sb.location_id().to_owned();
    let (a, b) = {
        let d = sb.dataset();
        let d = d.read().await;
        let picked = distinct_contacts(&d.contacts, false);
        (picked[0].clone(), picked[1].clone())
    };
    let email = a.email.clone().unwrap_or_default();
    let phone = a.phone.clone().unwrap_or_default();
    let first_with_phone = sb
        .dataset()
        .read()
        .await
        .find_by_phone(&phone)
        .map(|c| c.id.clone());
    let before = count(&sb).await;

    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({ "locationId": loc, "firstName": "Copy", "email": email.to_uppercase() })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["message"],
        "This location does not allow duplicated contacts."
    );
    assert_eq!(body["meta"]["contactId"].as_str(), Some(a.id.as_str()));
    assert_eq!(body["meta"]["matchingField"], "email");

    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({ "locationId": loc, "firstName": "Copy", "phone": phone })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["meta"]["matchingField"], "phone");
    assert_eq!(
        body["meta"]["contactId"].as_str(),
        first_with_phone.as_deref()
    );
    assert_eq!(count(&sb).await, before);

    // Updating b to a's email is refused too; b keeps its own.
    let (status, body) = call(
        &sb,
        Method::PUT,
        &format!("/contacts/{}", b.id),
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(
        (status, body["meta"]["matchingField"].as_str()),
        (400, Some("email"))
    );
    assert_eq!(contact(&sb, &b.id).await.and_then(|c| c.email), b.email);
    // Re-sending a contact's own email is no duplicate.
    let (status, _) = call(
        &sb,
        Method::PUT,
        &format!("/contacts/{}", a.id),
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(status, 200);

    // The duplicate lookup finds them (URL-encoded `+`).
    let (status, body) = get(
        &sb,
        &format!(
            "/contacts/search/duplicate?locationId={loc}&email={}",
            encode(&email)
        ),
    )
    .await;
    assert_eq!(
        (status, body["contact"]["id"].as_str()),
        (200, Some(a.id.as_str()))
    );
    let (status, body) = get(
        &sb,
        &format!(
            "/contacts/search/duplicate?locationId={loc}&number={}",
            encode(&phone)
        ),
    )
    .await;
    assert_eq!(
        (status, body["contact"]["id"].as_str()),
        (200, first_with_phone.as_deref())
    );
    let (status, body) = get(
        &sb,
        &format!("/contacts/search/duplicate?locationId={loc}&email=nobody%40example.org"),
    )
    .await;
    assert_eq!((status, body["contact"].clone()), (200, Value::Null));
    // A raw `+` decodes to a space: refused rather than silently missed.
    let (status, body) = get(
        &sb,
        &format!("/contacts/search/duplicate?locationId={loc}&number={phone}"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = get(&sb, &format!("/contacts/search/duplicate?locationId={loc}")).await;
    assert_eq!(status, 400);
    let (status, _) = get(
        &sb,
        &format!("/contacts/search/duplicate?email={}", encode(&email)),
    )
    .await;
    assert_eq!(status, 422);

    // With duplicates allowed, the same create goes through.
    sb.dataset().write().await.location.allow_duplicate_contacts = true;
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/",
        Some(json!({ "locationId": loc, "firstName": "Copy", "email": email })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(count(&sb).await, before + 1);
}

#[tokio::test]
async fn upsert_updates_the_match_or_creates() {
    let sb = start(80).await;
    let loc = sb.location_id().to_owned();
    let (a, b) = {
        let d = sb.dataset();
        let d = d.read().await;
        let picked = distinct_contacts(&d.contacts, true);
        (picked[0].clone(), picked[1].clone())
    };
    let before = count(&sb).await;

    // Matched by email (any case): updated, tags replaced.
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/upsert",
        Some(
            json!({ "locationId": loc, "email": a.email.as_deref().map(str::to_uppercase),
                     "firstName": "Upserted", "tags": ["Only-This"] }),
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["new"].as_bool(), body["contact"]["id"].as_str()),
        (Some(false), Some(a.id.as_str()))
    );
    assert!(body["traceId"].as_str().is_some_and(|t| !t.is_empty()));
    let stored = contact(&sb, &a.id).await.unwrap_or_else(|| panic!("gone"));
    assert_eq!(
        (stored.first_name.as_str(), stored.tags.clone()),
        ("Upserted", vec!["only-this".to_owned()])
    );
    // Every field given is applied, the matched email's spelling included.
    assert_eq!(stored.email, a.email.as_deref().map(str::to_uppercase));
    assert!(stored.date_updated >= a.date_updated);

    // Matched by phone when there is no email.
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/upsert",
        Some(json!({ "locationId": loc, "phone": b.phone, "lastName": "ByPhone" })),
    )
    .await;
    assert_eq!(
        (
            status,
            body["new"].as_bool(),
            body["contact"]["id"].as_str()
        ),
        (200, Some(false), Some(b.id.as_str()))
    );
    assert_eq!(
        contact(&sb, &b.id).await.map(|c| c.last_name),
        Some("ByPhone".to_owned())
    );

    // Email of a, phone of b: a is updated, b's phone is not copied onto it.
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/upsert",
        Some(json!({ "locationId": loc, "email": a.email, "phone": b.phone, "city": "Golden" })),
    )
    .await;
    assert_eq!(
        (status, body["contact"]["id"].as_str()),
        (200, Some(a.id.as_str()))
    );
    let stored = contact(&sb, &a.id).await.unwrap_or_else(|| panic!("gone"));
    assert_eq!(
        (stored.city.as_str(), stored.phone.clone()),
        ("Golden", a.phone.clone())
    );
    assert_eq!(count(&sb).await, before);

    // Nothing matches: created.
    let (status, body) = call(
        &sb,
        Method::POST,
        "/contacts/upsert",
        Some(json!({ "locationId": loc, "email": "brand.new@example.org", "firstName": "New" })),
    )
    .await;
    assert_eq!((status, body["new"].as_bool()), (200, Some(true)), "{body}");
    let new_id = body["contact"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        contact(&sb, &new_id).await.and_then(|c| c.email),
        Some("brand.new@example.org".to_owned())
    );
    assert_eq!(count(&sb).await, before + 1);
    assert_eq!(
        search_ids(&sb, json!({ "query": "brand.new" })).await,
        vec![new_id]
    );

    // createNewIfDuplicateAllowed only creates where duplicates are allowed.
    let dup = json!({ "locationId": loc, "email": a.email, "createNewIfDuplicateAllowed": true });
    let (_, body) = call(&sb, Method::POST, "/contacts/upsert", Some(dup.clone())).await;
    assert_eq!(body["new"], false);
    sb.dataset().write().await.location.allow_duplicate_contacts = true;
    let (_, body) = call(&sb, Method::POST, "/contacts/upsert", Some(dup)).await;
    assert_eq!(body["new"], true);
    assert_eq!(count(&sb).await, before + 2);
}

/// The deprecated list's cursor visits every contact exactly once, newest
/// first, with consistent `meta`.
#[tokio::test]
async fn legacy_list_walks_every_contact_once() {
    let sb = start(250).await;
    let loc = sb.location_id().to_owned();
    let mut path = format!("/contacts/?locationId={loc}&limit=40");
    let mut seen: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    let mut page_no = 0;
    let last_meta = loop {
        let (status, page) = get(&sb, &path).await;
        assert_eq!(status, 200, "{path}: {page}");
        page_no += 1;
        let meta = page["meta"].clone();
        assert_eq!(
            (page["count"].as_u64(), meta["total"].as_u64()),
            (Some(250), Some(250))
        );
        assert_eq!(meta["currentPage"], page_no);
        assert_eq!(
            meta["prevPage"],
            if page_no == 1 {
                Value::Null
            } else {
                json!(page_no - 1)
            }
        );
        let contacts = page["contacts"].as_array().cloned().unwrap_or_default();
        assert!(contacts.len() <= 40);
        for c in &contacts {
            seen.push(c["id"].as_str().unwrap_or_default().to_owned());
            added.push(c["dateAdded"].as_str().unwrap_or_default().to_owned());
        }
        if meta["nextPage"].is_null() {
            assert!(meta["nextPageUrl"].is_null());
            break meta;
        }
        assert_eq!(meta["nextPage"], page_no + 1);
        assert_eq!(meta["startAfterId"], contacts[contacts.len() - 1]["id"]);
        // Follow nextPageUrl, which must carry the same cursor.
        let url = meta["nextPageUrl"].as_str().unwrap_or_default();
        let next = url
            .strip_prefix(&sb.base_url())
            .unwrap_or_else(|| panic!("{url}"));
        assert!(next.contains(&format!(
            "startAfterId={}",
            meta["startAfterId"].as_str().unwrap_or_default()
        )));
        path = next.to_owned();
        assert!(page_no < 20, "the walk does not end");
    };
    assert_eq!(page_no, 7);
    assert_eq!(seen.len(), 250);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 250);
    let mut sorted = added.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(added, sorted, "newest first");
    let expected: Vec<String> = sb
        .dataset()
        .read()
        .await
        .contacts
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(seen, expected, "same order as the seeded default order");

    // Following the last cursor anyway: an empty page.
    let (status, page) = get(
        &sb,
        &format!(
            "/contacts/?locationId={loc}&startAfterId={}&startAfter={}",
            last_meta["startAfterId"].as_str().unwrap_or_default(),
            last_meta["startAfter"]
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["contacts"], json!([]));
    assert!(page["meta"]["startAfterId"].is_null());

    // `startAfterId` alone resumes too; `query` narrows like search does.
    let (_, page) = get(
        &sb,
        &format!(
            "/contacts/?locationId={loc}&limit=5&startAfterId={}",
            seen[9]
        ),
    )
    .await;
    let ids: Vec<&str> = page["contacts"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        seen[10..15].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(page["meta"]["currentPage"], 3);
    let (_, page) = get(
        &sb,
        &format!("/contacts/?locationId={loc}&query=555%2001&limit=100"),
    )
    .await;
    let (_, searched) = search(
        &sb,
        json!({ "locationId": loc, "pageLimit": 100, "query": "555 01" }),
    )
    .await;
    assert_eq!(page["meta"]["total"], searched["total"]);

    for bad in ["limit=101", "limit=0", "limit=abc", "startAfter=yesterday"] {
        let (status, body) = get(&sb, &format!("/contacts/?locationId={loc}&{bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
    let (status, _) = get(&sb, "/contacts/?limit=10").await;
    assert_eq!(status, 422);
    let (status, _) = get(&sb, "/contacts/?locationId=someOtherLocation000").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn business_list_pages_with_limit_and_skip() {
    let sb = start(100).await;
    let loc = sb.location_id().to_owned();
    const BUSINESS: &str = "SharedBusiness000001";
    let members: Vec<String> = {
        let d = sb.dataset();
        let mut d = d.write().await;
        let mut ids = Vec::new();
        for c in d.contacts.iter_mut().skip(10).step_by(9).take(5) {
            c.business_id = Some(BUSINESS.to_owned());
            c.company_name = Some("Shared Co".to_owned());
            ids.push(c.id.clone());
        }
        d.reindex();
        ids
    };
    let list = |query: &str| format!("/contacts/business/{BUSINESS}?locationId={loc}{query}");
    let (status, page) = get(&sb, &list("")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 5);
    let all: Vec<String> = page["contacts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(all, members, "newest first, like the default order");
    let mut paged = Vec::new();
    for skip in [0, 2, 4] {
        let (_, page) = get(&sb, &list(&format!("&limit=2&skip={skip}"))).await;
        assert_eq!(page["count"], 5);
        paged.extend(
            page["contacts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned)),
        );
    }
    assert_eq!(paged, members);
    let first_name = contact(&sb, &members[3])
        .await
        .map(|c| c.first_name)
        .unwrap_or_default();
    let (_, page) = get(&sb, &list(&format!("&query={first_name}"))).await;
    assert!(page["contacts"]
        .as_array()
        .is_some_and(|a| a.iter().any(|c| c["id"] == json!(members[3]))));
    let (_, page) = get(
        &sb,
        &format!("/contacts/business/NoSuchBusiness000000?locationId={loc}"),
    )
    .await;
    assert_eq!(
        (page["count"].as_u64(), page["contacts"].clone()),
        (Some(0), json!([]))
    );
    for bad in ["&limit=abc", "&limit=500", "&skip=-1"] {
        let (status, _) = get(&sb, &list(bad)).await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, _) = get(&sb, &format!("/contacts/business/{BUSINESS}")).await;
    assert_eq!(status, 422);
}
