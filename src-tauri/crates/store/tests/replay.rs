//! Outbox replay against the sandbox: every kind of edit lands once, offline
//! keeps it queued, a server change is a conflict, lost answers are looked
//! up instead of re-sent, and a contact created offline takes its notes and
//! tasks with it.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{client_for, fresh_store};
use ghl::{ContactInput, ContactUpdate, NoteInput, NoteUpdate, TaskInput, TaskUpdate};
use sandbox::{FaultKind, Faults, Sandbox};
use serde_json::json;
use store::{
    full_pull, replay_outbox, Choice, OutboxCounts, OutboxEntry, OutboxState, ReplaySummary, Store,
};
use tokio_util::sync::CancellationToken;

async fn replay(client: &ghl::Client, store: &Arc<Store>) -> ReplaySummary {
    replay_outbox(client, store, CancellationToken::new())
        .await
        .expect("replay")
}

/// A sandbox, a client and a cache filled by a full pull.
async fn setup(contacts: usize) -> (Sandbox, ghl::Client, tempfile::TempDir, Arc<Store>) {
    let sandbox = common::sandbox(contacts).await;
    let client = client_for(&sandbox);
    let (dir, store) = fresh_store();
    full_pull(&client, &store, |_| {}, CancellationToken::new())
        .await
        .expect("pull");
    (sandbox, client, dir, store)
}

async fn contact_ids(sandbox: &Sandbox, n: usize) -> Vec<String> {
    let data = sandbox.dataset();
    let data = data.read().await;
    data.contacts.iter().take(n).map(|c| c.id.clone()).collect()
}

async fn notes_with_body(sandbox: &Sandbox, contact_id: &str, body: &str) -> usize {
    let data = sandbox.dataset();
    let data = data.read().await;
    data.notes_of(contact_id)
        .iter()
        .filter(|n| n.body == body)
        .count()
}

async fn contacts_with_email(sandbox: &Sandbox, email: &str) -> Vec<String> {
    let data = sandbox.dataset();
    let data = data.read().await;
    data.contacts
        .iter()
        .filter(|c| c.email.as_deref() == Some(email))
        .map(|c| c.id.clone())
        .collect()
}

fn no_local_ids(store: &Store) {
    for id in store.contact_ids().unwrap() {
        assert!(
            !Store::is_local_id(&id),
            "placeholder {id} left in the cache"
        );
        for n in store
            .notes(&id)
            .unwrap()
            .map(|c| c.items)
            .unwrap_or_default()
        {
            assert!(!Store::is_local_id(&n.id), "placeholder note {} left", n.id);
        }
        for t in store
            .tasks(&id)
            .unwrap()
            .map(|c| c.items)
            .unwrap_or_default()
        {
            assert!(!Store::is_local_id(&t.id), "placeholder task {} left", t.id);
        }
    }
}

fn new_person(email: &str) -> ContactInput {
    ContactInput {
        first_name: Some("Offline".into()),
        last_name: Some("Person".into()),
        email: Some(email.into()),
        ..ContactInput::default()
    }
}

fn due() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap()
        + time::Duration::days(2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_edit_lands_once() {
    let (sandbox, client, _dir, store) = setup(30).await;
    let ids = contact_ids(&sandbox, 3).await;
    let (a, gone) = (&ids[0], &ids[1]);
    // Records to edit and delete, made online beforehand.
    let task = client
        .create_task(a, &TaskInput::new("Existing task", due()))
        .await
        .unwrap();
    let doomed_task = client
        .create_task(a, &TaskInput::new("Doomed task", due()))
        .await
        .unwrap();
    let note = client
        .create_note(a, &NoteInput::new("Existing note"))
        .await
        .unwrap();
    let doomed_note = client
        .create_note(a, &NoteInput::new("Doomed note"))
        .await
        .unwrap();
    store
        .replace_tasks(a, &[task.clone(), doomed_task.clone()])
        .unwrap();
    store
        .replace_notes(a, &[note.clone(), doomed_note.clone()])
        .unwrap();
    let cached = store.contact(a).unwrap().unwrap();

    let entries = [
        OutboxEntry::create_contact(&new_person("every.kind@example.com")),
        OutboxEntry::update_contact(
            a,
            &ContactUpdate {
                first_name: Some("Renamed".into()),
                city: Some("Boulder".into()),
                ..ContactUpdate::default()
            },
            &cached,
        ),
        OutboxEntry::add_tags(a, &["replayed".into(), "second".into()]),
        OutboxEntry::remove_tags(a, &["second".into()]),
        OutboxEntry::create_task(a, &TaskInput::new("Offline task", due())),
        OutboxEntry::update_task(
            a,
            &task.id,
            &TaskUpdate {
                title: Some("Edited task".into()),
                ..TaskUpdate::default()
            },
            &task,
        ),
        OutboxEntry::set_task_completed(a, &task.id, true),
        OutboxEntry::delete_task(a, &doomed_task.id),
        OutboxEntry::create_note(a, &NoteInput::new("Offline note")),
        OutboxEntry::update_note(
            a,
            &note.id,
            &NoteUpdate {
                body: Some("Edited note".into()),
                ..NoteUpdate::default()
            },
            &note,
        ),
        OutboxEntry::delete_note(a, &doomed_note.id),
        OutboxEntry::delete_contact(gone),
    ];
    for e in &entries {
        store.enqueue(e).unwrap();
    }
    // The cache shows the edits at once.
    let row = store.contact_row(a).unwrap().unwrap();
    assert!(row.display_name.starts_with("Renamed"), "{row:?}");
    assert_eq!(row.tags.iter().filter(|t| *t == "replayed").count(), 1);
    assert!(store.contact_row(gone).unwrap().is_none());
    let notes = store.notes(a).unwrap().unwrap().items;
    assert!(notes
        .iter()
        .any(|n| n.body.as_deref() == Some("Edited note")));
    assert!(notes.iter().any(|n| Store::is_local_id(&n.id)));
    assert!(!notes.iter().any(|n| n.id == doomed_note.id));
    assert_eq!(
        store.outbox_counts().unwrap(),
        OutboxCounts {
            pending: entries.len() as u64,
            ..OutboxCounts::default()
        }
    );

    let summary = replay(&client, &store).await;
    assert_eq!(
        summary,
        ReplaySummary {
            sent: entries.len() as u64,
            ..ReplaySummary::default()
        }
    );
    assert_eq!(store.pending_count().unwrap(), 0);
    no_local_ids(&store);

    let check = |sandbox: &Sandbox| {
        let data = sandbox.dataset();
        let a = a.clone();
        let gone = gone.clone();
        let (task_id, doomed_task, note_id, doomed_note) = (
            task.id.clone(),
            doomed_task.id.clone(),
            note.id.clone(),
            doomed_note.id.clone(),
        );
        async move {
            let data = data.read().await;
            let c = data.contact(&a).unwrap();
            assert_eq!(c.first_name, "Renamed");
            assert_eq!(c.city, "Boulder");
            assert_eq!(c.tags.iter().filter(|t| *t == "replayed").count(), 1);
            assert!(!c.tags.contains(&"second".to_owned()));
            assert!(data.contact(&gone).is_none());
            let tasks = data.tasks_of(&a);
            let t = tasks.iter().find(|t| t.id == task_id).unwrap();
            assert_eq!(t.title, "Edited task");
            assert!(t.completed);
            assert!(!tasks.iter().any(|t| t.id == doomed_task));
            assert_eq!(
                tasks.iter().filter(|t| t.title == "Offline task").count(),
                1
            );
            let notes = data.notes_of(&a);
            assert_eq!(
                notes.iter().find(|n| n.id == note_id).unwrap().body,
                "Edited note"
            );
            assert!(!notes.iter().any(|n| n.id == doomed_note));
            assert_eq!(notes.iter().filter(|n| n.body == "Offline note").count(), 1);
            assert_eq!(
                data.contacts
                    .iter()
                    .filter(|c| c.email.as_deref() == Some("every.kind@example.com"))
                    .count(),
                1
            );
        }
    };
    check(&sandbox).await;
    // The cache holds the server's answers.
    let tasks = store.tasks(a).unwrap().unwrap().items;
    assert!(tasks
        .iter()
        .any(|t| t.title.as_deref() == Some("Offline task")));
    assert!(tasks.iter().any(|t| t.id == task.id && t.completed));
    let created = contacts_with_email(&sandbox, "every.kind@example.com").await;
    assert!(store.contact_row(&created[0]).unwrap().is_some());

    // Nothing left: a second replay sends nothing and changes nothing.
    let again = replay(&client, &store).await;
    assert_eq!(again, ReplaySummary::default());
    check(&sandbox).await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_keeps_edits_queued_until_the_network_is_back() {
    let (sandbox, client, _dir, store) = setup(10).await;
    let a = contact_ids(&sandbox, 1).await.remove(0);
    store
        .enqueue(&OutboxEntry::create_note(
            &a,
            &NoteInput::new("Written offline"),
        ))
        .unwrap();
    store
        .enqueue(&OutboxEntry::add_tags(&a, &["offline".into()]))
        .unwrap();

    // No server at all: a port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let nowhere = common::client(
        &format!("http://127.0.0.1:{closed}"),
        sandbox.location_id(),
        sandbox.access_token(),
    );
    let summary = replay(&nowhere, &store).await;
    assert!(summary.offline, "{summary:?}");
    assert_eq!((summary.sent, summary.remaining), (0, 2));
    let first = &store.pending().unwrap()[0];
    assert!(
        matches!(first.state, OutboxState::Failed { .. }),
        "{:?}",
        first.state
    );
    assert_eq!(first.attempts, 1);

    // The server is there but every connection drops.
    sandbox.set_faults(Faults {
        reset_rate: 1.0,
        ..Faults::none()
    });
    let summary = replay(&client, &store).await;
    assert!(summary.offline, "{summary:?}");
    assert_eq!(summary.remaining, 2);
    sandbox.set_faults(Faults::none());
    assert_eq!(notes_with_body(&sandbox, &a, "Written offline").await, 0);

    let summary = replay(&client, &store).await;
    assert_eq!(
        (summary.sent, summary.remaining, summary.offline),
        (2, 0, false)
    );
    assert_eq!(notes_with_body(&sandbox, &a, "Written offline").await, 1);
    assert_eq!(replay(&client, &store).await.sent, 0);
    assert_eq!(notes_with_body(&sandbox, &a, "Written offline").await, 1);
    no_local_ids(&store);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_was_lost_is_found_not_sent_again() {
    let (sandbox, client, _dir, store) = setup(10).await;
    let a = contact_ids(&sandbox, 1).await.remove(0);
    store
        .enqueue(&OutboxEntry::create_note(
            &a,
            &NoteInput::new("Lost answer"),
        ))
        .unwrap();
    store
        .enqueue(&OutboxEntry::create_task(
            &a,
            &TaskInput::new("Lost task", due()),
        ))
        .unwrap();
    store
        .enqueue(&OutboxEntry::create_contact(&new_person(
            "lost.answer@example.com",
        )))
        .unwrap();
    // Each create is applied, then the connection drops before the answer.
    let faults = sandbox.faults();
    faults.fail_matching(
        "POST",
        "/contacts/{contactId}/notes",
        1,
        FaultKind::ResetAfterWrite,
    );
    faults.fail_matching(
        "POST",
        "/contacts/{contactId}/tasks",
        1,
        FaultKind::ResetAfterWrite,
    );
    faults.fail_matching("POST", "/contacts/", 1, FaultKind::ResetAfterWrite);
    for _ in 0..3 {
        let summary = replay(&client, &store).await;
        if summary.remaining == 0 {
            break;
        }
    }
    assert_eq!(faults.pending(), 0, "every fault struck");
    assert_eq!(store.pending_count().unwrap(), 0);
    assert_eq!(notes_with_body(&sandbox, &a, "Lost answer").await, 1);
    {
        let data = sandbox.dataset();
        let data = data.read().await;
        assert_eq!(
            data.tasks_of(&a)
                .iter()
                .filter(|t| t.title == "Lost task")
                .count(),
            1
        );
    }
    assert_eq!(
        contacts_with_email(&sandbox, "lost.answer@example.com")
            .await
            .len(),
        1
    );
    no_local_ids(&store);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_change_is_a_conflict_and_the_person_chooses() {
    let (sandbox, client, _dir, store) = setup(10).await;
    let ids = contact_ids(&sandbox, 2).await;
    let (a, b) = (&ids[0], &ids[1]);
    let cached = store.contact(a).unwrap().unwrap();
    let edit = store
        .enqueue(&OutboxEntry::update_contact(
            a,
            &ContactUpdate {
                first_name: Some("Mine".into()),
                city: Some("Mine City".into()),
                ..ContactUpdate::default()
            },
            &cached,
        ))
        .unwrap();
    // Later entries: one about the same contact (waits), one about another (goes).
    store
        .enqueue(&OutboxEntry::create_note(
            a,
            &NoteInput::new("After the edit"),
        ))
        .unwrap();
    store
        .enqueue(&OutboxEntry::create_note(b, &NoteInput::new("Unrelated")))
        .unwrap();
    {
        let data = sandbox.dataset();
        let mut data = data.write().await;
        let c = data.contact_mut(a).unwrap();
        c.first_name = "Theirs".into();
    }

    let summary = replay(&client, &store).await;
    assert_eq!(
        (summary.sent, summary.conflicts, summary.remaining),
        (1, 1, 1),
        "{summary:?}"
    );
    let entry = store.outbox_entry(edit).unwrap().unwrap();
    assert_eq!(
        entry.state,
        OutboxState::Conflict {
            server_value: json!({"firstName": "Theirs"})
        },
        "only the field both sides changed"
    );
    assert_eq!(notes_with_body(&sandbox, b, "Unrelated").await, 1);
    assert_eq!(
        notes_with_body(&sandbox, a, "After the edit").await,
        0,
        "waits"
    );
    {
        let data = sandbox.dataset();
        let data = data.read().await;
        assert_eq!(
            data.contact(a).unwrap().first_name,
            "Theirs",
            "not overwritten"
        );
    }
    // Replaying again changes nothing until the person chooses.
    assert_eq!(replay(&client, &store).await.sent, 0);

    let mut choices = BTreeMap::new();
    choices.insert("firstName".to_owned(), Choice::Theirs);
    assert!(
        store.resolve_conflict_with_choices(edit, &choices).unwrap(),
        "the city is still to send"
    );
    assert_eq!(
        store.contact(a).unwrap().unwrap().first_name.as_deref(),
        Some("Theirs")
    );
    let summary = replay(&client, &store).await;
    assert_eq!((summary.sent, summary.remaining), (2, 0), "{summary:?}");
    {
        let data = sandbox.dataset();
        let data = data.read().await;
        let c = data.contact(a).unwrap();
        assert_eq!(
            (c.first_name.as_str(), c.city.as_str()),
            ("Theirs", "Mine City")
        );
    }
    assert_eq!(notes_with_body(&sandbox, a, "After the edit").await, 1);

    // Another round, this time keeping mine.
    let cached = store.contact(a).unwrap().unwrap();
    let edit = store
        .enqueue(&OutboxEntry::update_contact(
            a,
            &ContactUpdate {
                last_name: Some("Mine".into()),
                ..ContactUpdate::default()
            },
            &cached,
        ))
        .unwrap();
    {
        let data = sandbox.dataset();
        let mut data = data.write().await;
        data.contact_mut(a).unwrap().last_name = "Theirs".into();
    }
    assert_eq!(replay(&client, &store).await.conflicts, 1);
    let mut choices = BTreeMap::new();
    assert!(
        store.resolve_conflict_with_choices(edit, &choices).is_err(),
        "a choice per field"
    );
    choices.insert("lastName".to_owned(), Choice::Mine);
    assert!(store.resolve_conflict_with_choices(edit, &choices).unwrap());
    assert_eq!(replay(&client, &store).await.sent, 1);
    {
        let data = sandbox.dataset();
        let data = data.read().await;
        assert_eq!(data.contact(a).unwrap().last_name, "Mine");
    }

    // Theirs for every field: nothing left to send, done at once.
    let cached = store.contact(a).unwrap().unwrap();
    let edit = store
        .enqueue(&OutboxEntry::update_contact(
            a,
            &ContactUpdate {
                last_name: Some("Again".into()),
                ..ContactUpdate::default()
            },
            &cached,
        ))
        .unwrap();
    {
        let data = sandbox.dataset();
        let mut data = data.write().await;
        data.contact_mut(a).unwrap().last_name = "Server".into();
    }
    assert_eq!(replay(&client, &store).await.conflicts, 1);
    let mut choices = BTreeMap::new();
    choices.insert("lastName".to_owned(), Choice::Theirs);
    assert!(!store.resolve_conflict_with_choices(edit, &choices).unwrap());
    assert_eq!(store.pending_count().unwrap(), 0);
    assert_eq!(
        store.contact(a).unwrap().unwrap().last_name.as_deref(),
        Some("Server")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_the_server_already_has_is_not_sent() {
    let (sandbox, client, _dir, store) = setup(5).await;
    let a = contact_ids(&sandbox, 1).await.remove(0);
    let cached = store.contact(&a).unwrap().unwrap();
    store
        .enqueue(&OutboxEntry::update_contact(
            &a,
            &ContactUpdate {
                city: Some("Same Town".into()),
                ..ContactUpdate::default()
            },
            &cached,
        ))
        .unwrap();
    {
        let data = sandbox.dataset();
        let mut data = data.write().await;
        data.contact_mut(&a).unwrap().city = "Same Town".into();
    }
    sandbox.record_requests(true);
    assert_eq!(replay(&client, &store).await.sent, 1);
    let puts = sandbox
        .take_recorded_requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 0, "no update sent");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_what_is_already_gone_is_done() {
    let (sandbox, client, _dir, store) = setup(5).await;
    let ids = contact_ids(&sandbox, 2).await;
    let note = client
        .create_note(&ids[0], &NoteInput::new("Soon gone"))
        .await
        .unwrap();
    store
        .enqueue(&OutboxEntry::delete_note(&ids[0], &note.id))
        .unwrap();
    store
        .enqueue(&OutboxEntry::delete_contact(&ids[1]))
        .unwrap();
    client.delete_note(&ids[0], &note.id).await.unwrap();
    client.delete_contact(&ids[1]).await.unwrap();
    let summary = replay(&client, &store).await;
    assert_eq!(
        (summary.sent, summary.remaining, summary.rejected),
        (2, 0, 0)
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_edit_is_rejected_until_retried_or_discarded() {
    let (sandbox, client, _dir, store) = setup(5).await;
    let a = contact_ids(&sandbox, 1).await.remove(0);
    let cached = store.contact(&a).unwrap().unwrap();
    let mut update = ContactUpdate::default();
    update.extra.insert("notAField".into(), json!(1));
    let bad = store
        .enqueue(&OutboxEntry::update_contact(&a, &update, &cached))
        .unwrap();
    store
        .enqueue(&OutboxEntry::create_note(&a, &NoteInput::new("Still goes")))
        .unwrap();
    let summary = replay(&client, &store).await;
    assert_eq!(
        (summary.sent, summary.rejected, summary.remaining),
        (1, 1, 0),
        "{summary:?}"
    );
    let entry = store.outbox_entry(bad).unwrap().unwrap();
    let OutboxState::Rejected { message } = &entry.state else {
        panic!("{:?}", entry.state);
    };
    assert!(message.contains("notAField"), "{message}");
    assert_eq!(notes_with_body(&sandbox, &a, "Still goes").await, 1);
    // Skipped by later replays…
    assert_eq!(replay(&client, &store).await.sent, 0);
    assert_eq!(entry.attempts, 1);
    // …until retried (refused again) or discarded.
    store.retry(bad).unwrap();
    assert_eq!(
        store.outbox_entry(bad).unwrap().unwrap().state,
        OutboxState::Pending
    );
    assert_eq!(replay(&client, &store).await.rejected, 1);
    store.discard(bad).unwrap();
    assert_eq!(store.outbox_counts().unwrap(), OutboxCounts::default());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_created_offline_takes_its_notes_tasks_and_tags_along() {
    let (sandbox, client, _dir, store) = setup(5).await;
    let email = "made.offline@example.com";
    let (local, _) = store.enqueue_create_contact(&new_person(email)).unwrap();
    assert!(Store::is_local_id(&local));
    store
        .enqueue(&OutboxEntry::create_note(
            &local,
            &NoteInput::new("First call"),
        ))
        .unwrap();
    let task = OutboxEntry::create_task(&local, &TaskInput::new("Send quote", due()));
    let local_task = task.local_id().unwrap();
    store.enqueue(&task).unwrap();
    store
        .enqueue(&OutboxEntry::set_task_completed(&local, &local_task, true))
        .unwrap();
    store
        .enqueue(&OutboxEntry::add_tags(&local, &["new-lead".into()]))
        .unwrap();
    // Shown at once, searchable, with its note.
    let row = store.contact_row(&local).unwrap().unwrap();
    assert_eq!(row.display_name, "Offline Person");
    assert_eq!(row.tags, ["new-lead"]);
    let found = store
        .search("offline pers", store::ListOrder::Name, None, 10)
        .unwrap();
    assert_eq!(found.items[0].id, local);
    assert_eq!(store.notes(&local).unwrap().unwrap().items.len(), 1);
    assert!(store.tasks(&local).unwrap().unwrap().items[0].completed);
    assert_eq!(store.pending_for(&local).unwrap().len(), 4);

    let summary = replay(&client, &store).await;
    assert_eq!((summary.sent, summary.remaining), (5, 0), "{summary:?}");
    let ids = contacts_with_email(&sandbox, email).await;
    assert_eq!(ids.len(), 1);
    let server_id = &ids[0];
    assert_eq!(notes_with_body(&sandbox, server_id, "First call").await, 1);
    {
        let data = sandbox.dataset();
        let data = data.read().await;
        let tasks = data.tasks_of(server_id);
        assert_eq!(tasks.len(), 1);
        assert!(tasks[0].completed);
        assert!(data
            .contact(server_id)
            .unwrap()
            .tags
            .contains(&"new-lead".to_owned()));
    }
    // The cache: the server's contact with the note, no placeholder left.
    assert!(store.contact_row(&local).unwrap().is_none());
    let row = store.contact_row(server_id).unwrap().unwrap();
    assert_eq!(row.tags, ["new-lead"]);
    let notes = store.notes(server_id).unwrap().unwrap().items;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].contact_id.as_deref(), Some(server_id.as_str()));
    no_local_ids(&store);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarding_an_offline_contact_drops_what_depends_on_it() {
    let (_dir, store) = fresh_store();
    let (local, create) = store
        .enqueue_create_contact(&new_person("discarded@example.com"))
        .unwrap();
    store
        .enqueue(&OutboxEntry::create_note(&local, &NoteInput::new("Orphan")))
        .unwrap();
    assert_eq!(store.pending_count().unwrap(), 2);
    store.discard(create).unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
    assert!(store.contact_row(&local).unwrap().is_none());
    assert_eq!(store.count().unwrap(), 0);
}
