//! Commands run in-process against the real sandbox, their JSON compared
//! with the sandbox's dataset.

use std::collections::HashSet;

use clap::Parser;
use ghl::AccessToken;
use sandbox::search::SearchRequest;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use switchboard_cli::{run, Cli, CliError};

const CONTACTS: usize = 200;

async fn start() -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: CONTACTS,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

/// Runs `switchboard-cli --base-url … --location … <args>` with the
/// sandbox's token and returns the parsed JSON output.
async fn cli(sb: &Sandbox, args: &[&str]) -> Result<Value, CliError> {
    let base = sb.base_url();
    let mut argv = vec![
        "switchboard-cli",
        "--base-url",
        &base,
        "--location",
        sb.location_id(),
    ];
    argv.extend_from_slice(args);
    let parsed = Cli::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("{argv:?} should parse: {e}"))
        .with_token(AccessToken::new(sb.access_token()))
        .with_pretty(false);
    let mut out = Vec::new();
    run(parsed, &mut out).await?;
    let text = String::from_utf8(out).expect("utf-8 output");
    assert!(text.ends_with('\n'), "output ends with a newline");
    assert_eq!(text.trim_end().lines().count(), 1, "compact JSON: {text}");
    Ok(serde_json::from_str(&text).expect("output is JSON"))
}

async fn ok(sb: &Sandbox, args: &[&str]) -> Value {
    match cli(sb, args).await {
        Ok(v) => v,
        Err(e) => panic!("{args:?} failed: {e}"),
    }
}

async fn fails(sb: &Sandbox, args: &[&str]) -> CliError {
    match cli(sb, args).await {
        Ok(v) => panic!("{args:?} should fail, printed {v}"),
        Err(e) => e,
    }
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|item| item["id"].as_str().expect("string id").to_owned())
        .collect()
}

fn unique(ids: &[String]) -> HashSet<String> {
    let set: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "no id twice");
    set
}

/// Ids of the sandbox's own search, in its order (newest first).
async fn expected_search(sb: &Sandbox, query: Option<&str>) -> Vec<String> {
    let dataset = sb.dataset();
    let dataset = dataset.read().await;
    let page = dataset.search(&SearchRequest {
        query: query.map(str::to_owned),
        limit: CONTACTS * 2,
        ..SearchRequest::default()
    });
    page.hits.iter().map(|h| h.contact.id.clone()).collect()
}

#[tokio::test]
async fn list_all_returns_every_contact_once() {
    let sb = start().await;
    let out = ok(&sb, &["contacts", "list", "--all"]).await;
    let got = ids(&out["contacts"]);
    assert_eq!(got.len(), CONTACTS);
    let dataset = sb.dataset();
    let all: HashSet<String> = dataset
        .read()
        .await
        .contacts
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(unique(&got), all);
    assert_eq!(out["total"], CONTACTS);
    // The search's order, across page boundaries.
    assert_eq!(got, expected_search(&sb, None).await);
}

#[tokio::test]
async fn list_limits_and_pages_past_one_page() {
    let sb = start().await;
    let expected = expected_search(&sb, None).await;

    let first = ok(&sb, &["contacts", "list"]).await;
    assert_eq!(ids(&first["contacts"]), expected[..20], "default is 20");
    assert_eq!(first["total"], CONTACTS);

    let many = ok(&sb, &["contacts", "list", "--limit", "150"]).await;
    let got = ids(&many["contacts"]);
    unique(&got);
    assert_eq!(got, expected[..150]);

    // Each item is the API's search shape, including its cursor.
    let item = &many["contacts"][0];
    assert!(item["searchAfter"].is_array(), "{item}");
}

#[tokio::test]
async fn list_query_matches_the_sandbox_search() {
    let sb = start().await;
    let last_name = {
        let dataset = sb.dataset();
        let dataset = dataset.read().await;
        dataset.contacts[7].last_name.clone()
    };
    let expected = expected_search(&sb, Some(&last_name.to_lowercase())).await;
    assert!(!expected.is_empty());
    assert!(expected.len() < CONTACTS, "the query narrows the list");

    let out = ok(&sb, &["contacts", "list", "--all", "--query", &last_name]).await;
    let got = ids(&out["contacts"]);
    assert_eq!(unique(&got), expected.iter().cloned().collect());
    assert_eq!(out["total"], expected.len());
    for c in out["contacts"].as_array().expect("contacts") {
        let text = c.to_string().to_lowercase();
        assert!(text.contains(&last_name.to_lowercase()), "{c}");
    }
}

#[tokio::test]
async fn legacy_list_walks_every_page() {
    let sb = start().await;
    let out = ok(&sb, &["contacts", "list", "--legacy", "--all"]).await;
    let got = ids(&out["contacts"]);
    assert_eq!(got.len(), CONTACTS);
    assert_eq!(unique(&got).len(), CONTACTS);
    assert_eq!(out["total"], CONTACTS);

    let some = ok(&sb, &["contacts", "list", "--legacy", "--limit", "130"]).await;
    let got = ids(&some["contacts"]);
    assert_eq!(got.len(), 130);
    // Both lists are newest first.
    assert_eq!(got, expected_search(&sb, None).await[..130]);
}

#[tokio::test]
async fn pretty_output_is_the_same_json() {
    let sb = start().await;
    let id = sb.dataset().read().await.contacts[0].id.clone();
    let base = sb.base_url();
    let args = [
        "switchboard-cli",
        "--base-url",
        &base,
        "contacts",
        "get",
        &id,
    ];
    let mut out = Vec::new();
    let parsed = Cli::try_parse_from(args)
        .expect("parses")
        .with_token(AccessToken::new(sb.access_token()))
        .with_pretty(true);
    run(parsed, &mut out)
        .await
        .expect("runs without --location");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.lines().count() > 10, "pretty: {text}");
    let pretty: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(pretty, ok(&sb, &["contacts", "get", &id]).await);
}

#[tokio::test]
async fn get_prints_the_contact() {
    let sb = start().await;
    let expected = {
        let dataset = sb.dataset();
        let dataset = dataset.read().await;
        dataset
            .contacts
            .iter()
            .find(|c| c.email.is_some() && c.phone.is_some() && !c.tags.is_empty())
            .expect("a contact with email, phone and tags")
            .clone()
    };
    let out = ok(&sb, &["contacts", "get", &expected.id]).await;
    let c = &out["contact"];
    assert_eq!(c["id"], expected.id.as_str());
    assert_eq!(c["firstName"], expected.first_name.as_str());
    assert_eq!(c["lastName"], expected.last_name.as_str());
    assert_eq!(c["email"].as_str(), expected.email.as_deref());
    assert_eq!(c["phone"].as_str(), expected.phone.as_deref());
    assert_eq!(c["locationId"], sb.location_id());
    let tags: Vec<&str> = c["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags, expected.tags);

    let err = fails(&sb, &["contacts", "get", "no-such-contact"]).await;
    assert_eq!(err.exit_code(), 4, "{err}");
}

#[tokio::test]
async fn tasks_notes_and_appointments_lists() {
    let sb = start().await;
    let dataset = sb.dataset();
    let (contact, tasks, notes, events) = {
        let d = dataset.read().await;
        let c = d
            .contacts
            .iter()
            .find(|c| {
                !d.tasks_of(&c.id).is_empty()
                    && !d.notes_of(&c.id).is_empty()
                    && !d.appointments_of(&c.id).is_empty()
            })
            .expect("a contact with tasks, notes and appointments");
        (
            c.id.clone(),
            d.tasks_of(&c.id).to_vec(),
            d.notes_of(&c.id).to_vec(),
            d.appointments_of(&c.id).to_vec(),
        )
    };

    let out = ok(&sb, &["tasks", "list", &contact]).await;
    let got = &out["tasks"];
    assert_eq!(
        ids(got),
        tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    );
    for (json, task) in got.as_array().expect("tasks").iter().zip(&tasks) {
        assert_eq!(json["title"], task.title.as_str());
        assert_eq!(json["completed"], task.completed);
        assert_eq!(json["contactId"], contact.as_str());
    }

    let out = ok(&sb, &["notes", "list", &contact]).await;
    let got = &out["notes"];
    assert_eq!(
        ids(got),
        notes.iter().map(|n| n.id.clone()).collect::<Vec<_>>()
    );
    for (json, note) in got.as_array().expect("notes").iter().zip(&notes) {
        assert_eq!(json["body"], note.body.as_str());
    }

    let out = ok(&sb, &["appointments", "list", &contact]).await;
    let got = &out["events"];
    assert_eq!(
        ids(got),
        events.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    );
    for (json, event) in got.as_array().expect("events").iter().zip(&events) {
        assert_eq!(json["title"], event.title.as_str());
        assert_eq!(json["calendarId"], event.calendar_id.as_str());
    }
}

#[tokio::test]
async fn business_lists_its_contacts() {
    let sb = start().await;
    let (business, members) = {
        let dataset = sb.dataset();
        let d = dataset.read().await;
        let business = d
            .contacts
            .iter()
            .find_map(|c| c.business_id.clone())
            .expect("a contact with a business");
        let members: HashSet<String> = d
            .contacts
            .iter()
            .filter(|c| c.business_id.as_deref() == Some(business.as_str()))
            .map(|c| c.id.clone())
            .collect();
        (business, members)
    };
    let out = ok(&sb, &["contacts", "business", &business, "--limit", "100"]).await;
    assert_eq!(unique(&ids(&out["contacts"])), members);
    assert_eq!(out["count"], members.len());

    let skipped = ok(&sb, &["contacts", "business", &business, "--skip", "100"]).await;
    assert_eq!(skipped["contacts"].as_array().map(Vec::len), Some(0));

    let err = fails(&sb, &["contacts", "business", &business, "--limit", "500"]).await;
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
}

#[tokio::test]
async fn duplicate_finds_by_email_and_phone() {
    let sb = start().await;
    let (id, email, phone) = {
        let dataset = sb.dataset();
        let d = dataset.read().await;
        let c = d
            .contacts
            .iter()
            .find(|c| c.email.is_some() && c.phone.is_some())
            .expect("a contact with email and phone");
        (c.id.clone(), c.email.clone(), c.phone.clone())
    };
    let email = email.expect("email");
    let out = ok(&sb, &["contacts", "duplicate", "--email", &email]).await;
    assert_eq!(out["contact"]["id"], id.as_str());

    let phone = phone.expect("phone");
    let out = ok(&sb, &["contacts", "duplicate", "--phone", &phone]).await;
    assert_eq!(out["contact"]["id"], id.as_str());

    let out = ok(
        &sb,
        &["contacts", "duplicate", "--email", "nobody@nowhere.example"],
    )
    .await;
    assert_eq!(out["contact"], Value::Null);

    let err = fails(&sb, &["contacts", "duplicate", "--email", "not-an-email"]).await;
    assert_eq!(err.exit_code(), 2, "{err}");
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let sb = start().await;
    let err = fails(
        &sb,
        &[
            "contacts",
            "create",
            "--first-name",
            "Nope",
            "--phone",
            "call me maybe",
        ],
    )
    .await;
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(err.to_string().contains("phone"), "{err}");

    let err = fails(&sb, &["contacts", "create", "--company", "Only Co"]).await;
    assert_eq!(err.exit_code(), 2, "{err}");

    // The API's 400 for a duplicate (the location disallows them).
    let taken = {
        let d = sb.dataset();
        let d = d.read().await;
        d.contacts
            .iter()
            .find_map(|c| c.email.clone())
            .expect("an email")
    };
    let err = fails(
        &sb,
        &[
            "contacts",
            "create",
            "--first-name",
            "Nope",
            "--email",
            &taken,
        ],
    )
    .await;
    assert!(err.to_string().contains("duplicate"), "{err}");
    assert_eq!(err.exit_code(), 2, "{err}");

    let some_id = sb.dataset().read().await.contacts[0].id.clone();
    let err = fails(&sb, &["contacts", "update", &some_id]).await;
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(err.to_string().contains("nothing to update"), "{err}");

    let err = fails(
        &sb,
        &["tasks", "create", &some_id, "--title", "x", "--due", "soon"],
    )
    .await;
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(err.to_string().contains("dueDate"), "{err}");

    let d = sb.dataset();
    let d = d.read().await;
    assert_eq!(d.contacts.len(), CONTACTS, "nothing created");
    assert!(d.contacts.iter().all(|c| c.first_name != "Nope"));
    assert!(d.tasks_of(&some_id).iter().all(|t| t.title != "x"));
}

#[tokio::test]
async fn contact_create_update_tags_upsert_delete() {
    let sb = start().await;
    let dataset = sb.dataset();

    let out = ok(
        &sb,
        &[
            "contacts",
            "create",
            "--first-name",
            "Cli",
            "--last-name",
            "Tester",
            "--email",
            "cli.tester@example.com",
            "--phone",
            "(303) 555-0299",
            "--company",
            "Terminal Plumbing",
            "--tag",
            "from-cli",
            "--tag",
            "vip",
            "--source",
            "cli",
        ],
    )
    .await;
    let id = out["contact"]["id"].as_str().expect("new id").to_owned();
    {
        let d = dataset.read().await;
        assert_eq!(d.contacts.len(), CONTACTS + 1);
        let c = d.contact(&id).expect("created in the dataset");
        assert_eq!(c.first_name, "Cli");
        assert_eq!(c.last_name, "Tester");
        assert_eq!(c.email.as_deref(), Some("cli.tester@example.com"));
        assert_eq!(c.phone.as_deref(), Some("+13035550299"), "sent as E.164");
        assert_eq!(c.company_name.as_deref(), Some("Terminal Plumbing"));
        assert_eq!(c.source, "cli");
        let tags: HashSet<&str> = c.tags.iter().map(String::as_str).collect();
        assert_eq!(tags, HashSet::from(["from-cli", "vip"]));
    }
    // It shows up in the list too.
    let found = ok(&sb, &["contacts", "list", "--query", "cli.tester"]).await;
    assert_eq!(ids(&found["contacts"]), std::slice::from_ref(&id));

    // Only the given field changes.
    let out = ok(
        &sb,
        &[
            "contacts",
            "update",
            &id,
            "--email",
            "cli.renamed@example.com",
        ],
    )
    .await;
    assert_eq!(out["succeded"], true);
    assert_eq!(out["contact"]["email"], "cli.renamed@example.com");
    {
        let d = dataset.read().await;
        let c = d.contact(&id).expect("still there");
        assert_eq!(c.email.as_deref(), Some("cli.renamed@example.com"));
        assert_eq!(c.first_name, "Cli");
        assert_eq!(c.phone.as_deref(), Some("+13035550299"));
        assert_eq!(c.tags.len(), 2, "tags untouched");
    }

    let out = ok(&sb, &["tags", "add", &id, "roofing", "estimate"]).await;
    let tags: HashSet<&str> = out["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        tags,
        HashSet::from(["from-cli", "vip", "roofing", "estimate"])
    );
    {
        let d = dataset.read().await;
        let c = d.contact(&id).expect("contact");
        assert!(c.tags.iter().any(|t| t == "roofing"));
        assert!(c.tags.iter().any(|t| t == "estimate"));
    }

    let out = ok(&sb, &["tags", "remove", &id, "vip", "estimate"]).await;
    let tags: HashSet<&str> = out["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags, HashSet::from(["from-cli", "roofing"]));
    {
        let d = dataset.read().await;
        let c = d.contact(&id).expect("contact");
        let tags: HashSet<&str> = c.tags.iter().map(String::as_str).collect();
        assert_eq!(tags, HashSet::from(["from-cli", "roofing"]));
    }

    // Upsert by the same email updates that contact…
    let out = ok(
        &sb,
        &[
            "contacts",
            "upsert",
            "--email",
            "cli.renamed@example.com",
            "--city",
            "Boulder",
        ],
    )
    .await;
    assert_eq!(out["new"], false, "{out}");
    assert_eq!(out["contact"]["id"], id.as_str());
    assert_eq!(
        dataset.read().await.contact(&id).map(|c| c.city.clone()),
        Some("Boulder".to_owned())
    );
    // …and a new email creates one.
    let out = ok(
        &sb,
        &[
            "contacts",
            "upsert",
            "--first-name",
            "Second",
            "--email",
            "cli.second@example.com",
        ],
    )
    .await;
    assert_eq!(out["new"], true, "{out}");
    let second = out["contact"]["id"].as_str().expect("id").to_owned();
    assert!(dataset.read().await.contact(&second).is_some());

    let out = ok(&sb, &["contacts", "delete", &id, "--yes"]).await;
    assert_eq!(out["succeded"], true);
    {
        let d = dataset.read().await;
        assert!(d.contact(&id).is_none(), "deleted from the dataset");
        assert_eq!(d.contacts.len(), CONTACTS + 1);
    }
    let err = fails(&sb, &["contacts", "get", &id]).await;
    assert_eq!(err.exit_code(), 4, "{err}");
}

#[tokio::test]
async fn task_and_note_lifecycle() {
    let sb = start().await;
    let dataset = sb.dataset();
    let contact = dataset.read().await.contacts[3].id.clone();
    let tasks_before = dataset.read().await.tasks_of(&contact).len();
    let notes_before = dataset.read().await.notes_of(&contact).len();

    let out = ok(
        &sb,
        &[
            "tasks",
            "create",
            &contact,
            "--title",
            "Call back about the quote",
            "--due",
            "2026-12-01T10:00:00Z",
            "--body",
            "Ask about the water heater",
        ],
    )
    .await;
    let task = out["task"]["id"].as_str().expect("task id").to_owned();
    assert_eq!(out["task"]["completed"], false);
    {
        let d = dataset.read().await;
        let t = d
            .tasks_of(&contact)
            .iter()
            .find(|t| t.id == task)
            .expect("task in the dataset");
        assert_eq!(t.title, "Call back about the quote");
        assert_eq!(t.body, "Ask about the water heater");
        assert_eq!(t.due_date.unix_timestamp(), 1_796_119_200);
        assert!(!t.completed);
        assert_eq!(d.tasks_of(&contact).len(), tasks_before + 1);
    }

    let out = ok(&sb, &["tasks", "get", &contact, &task]).await;
    assert_eq!(out["task"]["title"], "Call back about the quote");

    let out = ok(
        &sb,
        &["tasks", "update", &contact, &task, "--title", "Call back"],
    )
    .await;
    assert_eq!(out["task"]["title"], "Call back");

    let out = ok(&sb, &["tasks", "complete", &contact, &task]).await;
    assert_eq!(out["task"]["completed"], true);
    let completed = |d: &sandbox::Dataset| {
        d.tasks_of(&contact)
            .iter()
            .find(|t| t.id == task)
            .map(|t| (t.title.clone(), t.completed))
    };
    assert_eq!(
        completed(&*dataset.read().await),
        Some(("Call back".to_owned(), true))
    );
    ok(&sb, &["tasks", "complete", &contact, &task, "--reopen"]).await;
    assert_eq!(
        completed(&*dataset.read().await),
        Some(("Call back".to_owned(), false))
    );

    let out = ok(&sb, &["tasks", "delete", &contact, &task]).await;
    assert_eq!(out["succeded"], true);
    assert_eq!(completed(&*dataset.read().await), None);
    assert_eq!(dataset.read().await.tasks_of(&contact).len(), tasks_before);

    let out = ok(
        &sb,
        &[
            "notes",
            "create",
            &contact,
            "--body",
            "Gate code 4321",
            "--title",
            "Access",
            "--pinned",
        ],
    )
    .await;
    let note = out["note"]["id"].as_str().expect("note id").to_owned();
    let stored = |d: &sandbox::Dataset| {
        d.notes_of(&contact)
            .iter()
            .find(|n| n.id == note)
            .map(|n| (n.body.clone(), n.title.clone(), n.pinned))
    };
    assert_eq!(
        stored(&*dataset.read().await),
        Some(("Gate code 4321".to_owned(), Some("Access".to_owned()), true))
    );

    let out = ok(&sb, &["notes", "get", &contact, &note]).await;
    assert_eq!(out["note"]["body"], "Gate code 4321");

    ok(
        &sb,
        &[
            "notes",
            "update",
            &contact,
            &note,
            "--body",
            "Gate code 9999",
            "--unpinned",
        ],
    )
    .await;
    assert_eq!(
        stored(&*dataset.read().await),
        Some((
            "Gate code 9999".to_owned(),
            Some("Access".to_owned()),
            false
        ))
    );

    let out = ok(&sb, &["notes", "delete", &contact, &note]).await;
    assert_eq!(out["succeded"], true);
    assert_eq!(stored(&*dataset.read().await), None);
    assert_eq!(dataset.read().await.notes_of(&contact).len(), notes_before);

    let err = fails(&sb, &["notes", "get", &contact, &note]).await;
    assert_eq!(err.exit_code(), 4, "{err}");
}
