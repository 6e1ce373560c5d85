//! Every request the client sends, for every operation, is checked against the
//! official spec (method, path, required query and body keys, headers, body
//! schema) by the sandbox's request checker — not against the sandbox's own
//! idea of the API.

use ghl::{
    AccessToken, BusinessQuery, Client, ClientConfig, ContactInput, ContactUpdate, DuplicateQuery,
    LegacyListRequest, NoteInput, NoteUpdate, SearchRequest, TaskInput, TaskUpdate,
};
use sandbox::spec::{self, WRITE_BODY_DRIFT};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use url::Url;

#[tokio::test]
async fn every_client_request_matches_the_spec() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 60,
        rate_limit: RateLimitConfig::unlimited(),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let client = Client::new(
        ClientConfig::new(
            Url::parse(&sandbox.base_url()).expect("url"),
            sandbox.location_id(),
        ),
        AccessToken::new(sandbox.access_token().to_owned()),
    )
    .expect("client");
    let business_id = {
        let data = sandbox.dataset();
        let data = data.read().await;
        data.contacts
            .iter()
            .find_map(|c| c.business_id.clone())
            .expect("a seeded business")
    };
    sandbox.record_requests(true);

    // Reads.
    let page = client
        .search_contacts(&SearchRequest {
            query: Some("a".into()),
            page_limit: 10,
            ..SearchRequest::default()
        })
        .await
        .expect("search");
    let existing = page.contacts[0].id.clone();
    client.get_contact(&existing).await.expect("get");
    client.contact_tasks(&existing).await.expect("tasks");
    client.contact_notes(&existing).await.expect("notes");
    client
        .contact_appointments(&existing)
        .await
        .expect("appointments");
    client
        .list_contacts_legacy(&LegacyListRequest {
            limit: Some(5),
            ..LegacyListRequest::default()
        })
        .await
        .expect("legacy list");
    client
        .contacts_by_business(&business_id, &BusinessQuery::default())
        .await
        .expect("business");

    // Writes, on a contact of our own.
    let created = client
        .create_contact(&ContactInput {
            first_name: Some("Spec".into()),
            last_name: Some("Check".into()),
            email: Some("spec.check@example.com".into()),
            phone: Some("(303) 555-7788".into()),
            ..ContactInput::default()
        })
        .await
        .expect("create");
    client
        .find_duplicate(DuplicateQuery::Email("spec.check@example.com".into()))
        .await
        .expect("duplicate by email");
    client
        .find_duplicate(DuplicateQuery::Phone("+13035557788".into()))
        .await
        .expect("duplicate by phone");
    client
        .update_contact(
            &created.id,
            &ContactUpdate {
                city: Some("Boulder".into()),
                ..ContactUpdate::default()
            },
        )
        .await
        .expect("update");
    client
        .upsert_contact(&ContactInput {
            email: Some("spec.check@example.com".into()),
            source: Some("Spec test".into()),
            ..ContactInput::default()
        })
        .await
        .expect("upsert");
    client
        .add_tags(&created.id, &["vip".to_owned()])
        .await
        .expect("add tags");
    client
        .remove_tags(&created.id, &["vip".to_owned()])
        .await
        .expect("remove tags");
    let due = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let task = client
        .create_task(&created.id, &TaskInput::new("Call back", due))
        .await
        .expect("create task");
    client
        .get_task(&created.id, &task.id)
        .await
        .expect("get task");
    client
        .update_task(
            &created.id,
            &task.id,
            &TaskUpdate {
                title: Some("Call back today".into()),
                ..TaskUpdate::default()
            },
        )
        .await
        .expect("update task");
    client
        .set_task_completed(&created.id, &task.id, true)
        .await
        .expect("complete task");
    client
        .delete_task(&created.id, &task.id)
        .await
        .expect("delete task");
    let note = client
        .create_note(
            &created.id,
            &NoteInput {
                body: "Gate code 4821".into(),
                ..NoteInput::default()
            },
        )
        .await
        .expect("create note");
    client
        .get_note(&created.id, &note.id)
        .await
        .expect("get note");
    client
        .update_note(
            &created.id,
            &note.id,
            &NoteUpdate {
                pinned: Some(true),
                ..NoteUpdate::default()
            },
        )
        .await
        .expect("update note");
    client
        .delete_note(&created.id, &note.id)
        .await
        .expect("delete note");
    client.delete_contact(&created.id).await.expect("delete");

    sandbox.record_requests(false);
    let recorded = sandbox.take_recorded_requests();
    let mut spec = spec::ghl_contacts().expect("the contacts spec");
    spec.apply_drift(WRITE_BODY_DRIFT).expect("drift");
    let checker = spec.request_checker();
    let mut problems = Vec::new();
    let mut operations = std::collections::BTreeSet::new();
    for request in &recorded {
        operations.insert(format!(
            "{} {}",
            request.method,
            request.route.clone().unwrap_or_default()
        ));
        if let Err(found) = checker.check(request) {
            problems.extend(found);
        }
    }
    assert!(
        problems.is_empty(),
        "requests that break the spec:\n{}",
        problems.join("\n")
    );
    // Every call above reached a distinct operation of the spec.
    assert!(
        operations.len() >= 22,
        "only {} operations exercised: {operations:?}",
        operations.len()
    );
}
