//! Rule evaluation, dedupe and "no alert for my own edit", on real files.

use serde_json::json;
use tempfile::TempDir;
use time::macros::datetime;

use crate::tests::contact;
use crate::*;

fn fresh() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Store::path_for(dir.path(), "loc1")).unwrap();
    (dir, store)
}

fn jane(phone: &str, tags: &[&str], updated: &str) -> ghl::Contact {
    contact(json!({
        "id": "c1", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com",
        "phone": phone, "tags": tags, "dateAdded": "2024-01-01T00:00:00.000Z",
        "dateUpdated": updated,
    }))
}

/// One refresh page holding Jane as GoHighLevel now has her.
fn refresh_jane(store: &Store, phone: &str, tags: &[&str], updated: &str) {
    store
        .save_refresh_page(&[jane(phone, tags, updated)], None)
        .unwrap();
}

fn rule(kind: AlertKind) -> NewAlertRule {
    NewAlertRule {
        id: None,
        kind,
        field: None,
        tag: None,
        scope: AlertScope::All,
        contact_ids: Vec::new(),
        enabled: true,
    }
}

fn phone_rule(store: &Store) -> AlertRule {
    store
        .save_alert_rule(&NewAlertRule {
            field: Some("phone".to_owned()),
            ..rule(AlertKind::FieldChanged)
        })
        .unwrap()
}

/// A cache holding Jane with phone …0001, as a full pull leaves it.
fn cached_jane() -> (TempDir, Store) {
    let (dir, store) = fresh();
    store
        .upsert_contacts(&[jane("+15550000001", &[], "2024-02-01T00:00:00.000Z")])
        .unwrap();
    (dir, store)
}

#[test]
fn a_watched_field_change_is_recorded_once_with_old_and_new_values() {
    let (_d, store) = cached_jane();
    let r = phone_rule(&store);
    let changed = jane("+15550000002", &[], "2024-03-01T00:00:00.000Z");
    store
        .save_refresh_page(std::slice::from_ref(&changed), None)
        .unwrap();
    // The refresh re-reads the mark's own millisecond: the same copy again.
    store.save_refresh_page(&[changed], None).unwrap();
    let feed = store.activity(50, None).unwrap();
    assert_eq!(feed.len(), 1, "{feed:?}");
    let e = &feed[0];
    assert_eq!(e.rule_id, Some(r.id));
    assert_eq!(e.contact_id, "c1");
    assert_eq!(e.contact_name, "Jane Doe");
    assert_eq!(e.kind, AlertKind::FieldChanged);
    assert_eq!(e.field.as_deref(), Some("phone"));
    assert_eq!(e.old_value.as_deref(), Some("+15550000001"));
    assert_eq!(e.new_value.as_deref(), Some("+15550000002"));
    assert_eq!(e.happened_at, "2024-03-01T00:00:00.000Z");
    assert!(!e.read);
    assert_eq!(store.unread_activity().unwrap(), 1);
}

#[test]
fn an_unwatched_field_change_and_a_disabled_rule_record_nothing() {
    let (_d, store) = cached_jane();
    let r = phone_rule(&store);
    let mut email_changed = jane("+15550000001", &[], "2024-03-01T00:00:00.000Z");
    email_changed.email = Some("new@example.com".to_owned());
    store.save_refresh_page(&[email_changed], None).unwrap();
    assert!(store.activity(50, None).unwrap().is_empty());

    store
        .save_alert_rule(&NewAlertRule {
            id: Some(r.id),
            field: Some("phone".to_owned()),
            enabled: false,
            ..rule(AlertKind::FieldChanged)
        })
        .unwrap();
    refresh_jane(&store, "+15550000009", &[], "2024-04-01T00:00:00.000Z");
    assert!(store.activity(50, None).unwrap().is_empty());
}

#[test]
fn the_persons_own_edit_is_not_an_alert() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    // What the shell does with GHL's answer to an edit made in the app.
    let answer = jane("+15550000002", &[], "2024-03-01T00:00:00.000Z");
    store.upsert_contact(&answer).unwrap();
    // The refresh then brings the same copy (search shape, same values).
    store.save_refresh_page(&[answer], None).unwrap();
    assert!(store.activity(50, None).unwrap().is_empty());
}

#[test]
fn a_contact_with_an_edit_waiting_in_the_outbox_is_not_compared() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    let base = store.contact("c1").unwrap().unwrap();
    let update: ghl::ContactUpdate =
        serde_json::from_value(json!({ "phone": "+15550000003" })).unwrap();
    store
        .enqueue(&OutboxEntry::update_contact("c1", &update, &base))
        .unwrap();
    // The server does not have the queued edit yet: its copy differs from
    // the cache's only by the person's own change.
    refresh_jane(&store, "+15550000001", &[], "2024-03-01T00:00:00.000Z");
    assert!(store.activity(50, None).unwrap().is_empty());
}

#[test]
fn an_older_copy_than_the_cached_one_is_not_a_change() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    refresh_jane(&store, "+15550000000", &[], "2024-01-15T00:00:00.000Z");
    assert!(store.activity(50, None).unwrap().is_empty());
}

#[test]
fn tag_rules_fire_when_the_tag_arrives_for_chosen_contacts_only() {
    let (_d, store) = cached_jane();
    store
        .upsert_contacts(&[contact(json!({
            "id": "c2", "firstName": "Bob", "tags": [],
            "dateUpdated": "2024-02-01T00:00:00.000Z"
        }))])
        .unwrap();
    store
        .save_alert_rule(&NewAlertRule {
            tag: Some(" VIP ".to_owned()),
            scope: AlertScope::Chosen,
            contact_ids: vec!["c1".to_owned()],
            ..rule(AlertKind::TagAdded)
        })
        .unwrap();
    let bob = contact(json!({
        "id": "c2", "firstName": "Bob", "tags": ["vip"],
        "dateUpdated": "2024-03-01T00:00:00.000Z"
    }));
    store
        .save_refresh_page(
            &[
                jane("+15550000001", &["vip", "x"], "2024-03-01T00:00:00.000Z"),
                bob,
            ],
            None,
        )
        .unwrap();
    let feed = store.activity(50, None).unwrap();
    assert_eq!(feed.len(), 1, "{feed:?}");
    assert_eq!(feed[0].contact_id, "c1");
    assert_eq!(feed[0].kind, AlertKind::TagAdded);
    assert_eq!(feed[0].field.as_deref(), Some("VIP"));
    // Still tagged after another change: not "gets the tag" again.
    refresh_jane(&store, "+15550000005", &["vip"], "2024-04-01T00:00:00.000Z");
    assert_eq!(store.activity(50, None).unwrap().len(), 1);
}

#[test]
fn two_rules_on_the_same_change_make_one_entry() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    phone_rule(&store);
    refresh_jane(&store, "+15550000002", &[], "2024-03-01T00:00:00.000Z");
    assert_eq!(store.activity(50, None).unwrap().len(), 1);
}

#[test]
fn a_change_back_and_forth_is_two_alerts() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    refresh_jane(&store, "+15550000002", &[], "2024-03-01T00:00:00.000Z");
    refresh_jane(&store, "+15550000001", &[], "2024-04-01T00:00:00.000Z");
    let feed = store.activity(50, None).unwrap();
    assert_eq!(feed.len(), 2);
    // Newest first, and paging by `before` continues after it.
    assert_eq!(feed[0].new_value.as_deref(), Some("+15550000001"));
    let older = store.activity(50, Some(feed[0].id)).unwrap();
    assert_eq!(older, vec![feed[1].clone()]);
}

#[test]
fn read_and_notified_marks() {
    let (_d, store) = cached_jane();
    phone_rule(&store);
    refresh_jane(&store, "+15550000002", &[], "2024-03-01T00:00:00.000Z");
    refresh_jane(&store, "+15550000003", &[], "2024-04-01T00:00:00.000Z");
    let first = store.take_unnotified_activity().unwrap();
    assert_eq!(first.len(), 2);
    assert!(store.take_unnotified_activity().unwrap().is_empty());
    store.mark_activity_read(Some(first[0].id)).unwrap();
    assert_eq!(store.unread_activity().unwrap(), 1);
    store.mark_activity_read(None).unwrap();
    assert_eq!(store.unread_activity().unwrap(), 0);
}

#[test]
fn rules_that_could_never_match_are_refused_and_rules_can_be_deleted() {
    let (_d, store) = fresh();
    for bad in [
        rule(AlertKind::FieldChanged),
        NewAlertRule {
            field: Some("shoeSize".to_owned()),
            ..rule(AlertKind::FieldChanged)
        },
        NewAlertRule {
            tag: Some("  ".to_owned()),
            ..rule(AlertKind::TagAdded)
        },
        NewAlertRule {
            scope: AlertScope::Chosen,
            ..rule(AlertKind::TaskOverdue)
        },
    ] {
        assert!(matches!(
            store.save_alert_rule(&bad),
            Err(Error::InvalidAlertRule(_))
        ));
    }
    let r = store
        .save_alert_rule(&rule(AlertKind::TaskOverdue))
        .unwrap();
    assert_eq!(store.alert_rules().unwrap(), vec![r.clone()]);
    assert!(store.delete_alert_rule(r.id).unwrap());
    assert!(!store.delete_alert_rule(r.id).unwrap());
    assert!(store.alert_rules().unwrap().is_empty());
}

#[test]
fn overdue_tasks_are_recorded_once_and_completed_ones_never() {
    let (_d, store) = cached_jane();
    store
        .save_alert_rule(&rule(AlertKind::TaskOverdue))
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let due = ghl::datetime::to_rfc3339(now + time::Duration::hours(1));
    let tasks: Vec<ghl::Task> = serde_json::from_value(json!([
        { "id": "t1", "title": "Call back", "dueDate": due, "completed": false },
        { "id": "t2", "title": "Done", "dueDate": due, "completed": true },
        { "id": "t3", "title": "Old", "dueDate": "2020-01-01T00:00:00Z", "completed": false },
    ]))
    .unwrap();
    store.replace_tasks("c1", &tasks).unwrap();
    assert_eq!(store.check_overdue_tasks(now).unwrap(), 0, "not due yet");
    let later = now + time::Duration::hours(2);
    assert_eq!(store.check_overdue_tasks(later).unwrap(), 1);
    assert_eq!(store.check_overdue_tasks(later).unwrap(), 0);
    let feed = store.activity(50, None).unwrap();
    assert_eq!(feed[0].kind, AlertKind::TaskOverdue);
    assert_eq!(feed[0].field.as_deref(), Some("Call back"));
    assert_eq!(feed[0].contact_name, "Jane Doe");
}

fn link(store: &Store, hcp: &str, ghl_id: &str, synced: &str) {
    store
        .write(|tx| {
            tx.execute(
                "INSERT INTO sync_links (ghl_contact_id, hcp_customer_id, snapshot, linked_at,
                     last_synced_at) VALUES (?1, ?2, '{}', ?3, ?3)",
                [ghl_id, hcp, synced],
            )?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn hcp_changes_of_linked_customers_alert_except_the_persons_own_sync() {
    let (_d, store) = cached_jane();
    store.save_alert_rule(&rule(AlertKind::HcpChanged)).unwrap();
    link(&store, "cus_1", "c1", "2024-05-01T10:00:00Z");
    let change = |id: &str, at| HcpCustomerChange {
        customer_id: id.to_owned(),
        name: "Jane D.".to_owned(),
        updated_at: at,
    };
    let mark = datetime!(2024-05-02 00:00 UTC);
    let recorded = store
        .record_hcp_changes(
            &[
                // Written by the sync itself.
                change("cus_1", datetime!(2024-05-01 10:00:30 UTC)),
                // Not linked.
                change("cus_2", datetime!(2024-05-01 12:00 UTC)),
            ],
            mark,
        )
        .unwrap();
    assert_eq!(recorded, 0);
    assert_eq!(store.hcp_alert_mark().unwrap(), Some(mark));
    let later = change("cus_1", datetime!(2024-05-01 15:00 UTC));
    assert_eq!(
        store
            .record_hcp_changes(std::slice::from_ref(&later), mark)
            .unwrap(),
        1
    );
    assert_eq!(store.record_hcp_changes(&[later], mark).unwrap(), 0);
    let feed = store.activity(50, None).unwrap();
    assert_eq!(feed[0].contact_id, "c1");
    assert_eq!(feed[0].contact_name, "Jane Doe");
    assert_eq!(feed[0].kind, AlertKind::HcpChanged);
}
