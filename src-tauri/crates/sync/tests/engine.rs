//! The sync engine against the GHL sandbox and the HCP sandbox.

mod common;

use common::{customer, full_customer, world};
use sync::{
    note_stamp, Choice, Choices, Error, Field, MatchChoice, MatchedBy, Matching, Side, SyncTarget,
};

fn hcp(id: &str) -> SyncTarget {
    SyncTarget::Hcp(id.to_owned())
}

#[tokio::test]
async fn first_sync_creates_the_contact_once_then_sends_nothing() {
    let w = world().await;
    w.hcp.set_customer(full_customer(
        "cus_first",
        "Ann.First@Example.com",
        "(303) 555-0101",
    ));
    let engine = w.engine();

    let preview = engine.preview(hcp("cus_first"), None).await.unwrap();
    assert_eq!(preview.matching, Matching::New);
    assert!(preview.will_send && preview.problems.is_empty());
    assert!(preview.ghl.is_none());
    assert_eq!(preview.follow_up_tasks.len(), 1);
    assert_eq!(preview.follow_up_tasks[0].title, "Call to welcome");
    let plan = preview.plan.as_ref().unwrap();
    assert!(plan.to_ghl.iter().any(|c| c.field == Field::Email));
    assert!(plan.to_hcp.is_empty());
    assert_eq!(
        preview.steps,
        [
            "ghl.find",
            "ghl.create",
            &format!(
                "ghl.note.{}",
                &note_stamp("Gate code 1234. Dog in the yard.")[10..18]
            ),
            "ghl.task.1",
            "link.save"
        ]
    );

    w.record();
    let out = engine
        .apply(hcp("cus_first"), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.created, Some(Side::Ghl));
    assert!(!out.nothing_sent);
    assert_eq!(out.tasks_created, ["Call to welcome"]);
    let (ghl_writes, hcp_writes) = w.writes();
    assert_eq!(ghl_writes.len(), 3, "create, note, task: {ghl_writes:?}");
    assert!(hcp_writes.is_empty(), "{hcp_writes:?}");

    let found = w.ghl_by_email("ann.first@example.com").await;
    assert_eq!(found.len(), 1);
    let c = &found[0];
    assert_eq!(c.id, out.ghl_contact_id);
    assert_eq!(
        (c.first_name.as_str(), c.last_name.as_str()),
        ("Ann", "Smith")
    );
    assert_eq!(c.phone.as_deref(), Some("+13035550101"));
    assert_eq!(c.company_name.as_deref(), Some("Acme Roofing"));
    assert_eq!(c.address1, "12 Elm St, Unit 4");
    assert_eq!(
        (c.city.as_str(), c.postal_code.as_str()),
        ("Denver", "80202")
    );
    assert_eq!(c.source, "Google");
    let mut tags = c.tags.clone();
    tags.sort();
    assert_eq!(tags, ["spring promo", "vip"]);
    assert_eq!(
        w.ghl_custom(&c.id, "contact.hcp_customer_id")
            .await
            .as_deref(),
        Some("cus_first")
    );
    assert_eq!(
        w.ghl_custom(&c.id, "contact.hcp_home_phone")
            .await
            .as_deref(),
        Some("+17205550177")
    );
    let notes = w.ghl_notes(&c.id).await;
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with(&note_stamp("Gate code 1234. Dog in the yard.")));
    assert_eq!(w.ghl_tasks(&c.id).await, ["Call to welcome"]);

    let link = w.store.sync_link_by_hcp("cus_first").unwrap().unwrap();
    assert_eq!(link.ghl_contact_id, c.id);
    assert_eq!(
        link.snapshot["email"],
        serde_json::json!({"text": "ann.first@example.com"})
    );
    let log = w.store.sync_log_for_hcp("cus_first").unwrap();
    assert!(log
        .iter()
        .any(|e| e.field == "email" && e.to.as_deref() == Some("ann.first@example.com")));
    assert!(log.iter().any(|e| e.field == "note"));
    assert!(log.iter().any(|e| e.field == "task"));
    assert!(log.iter().all(|e| e.actor == "Switchboard"));
    assert!(w.store.sync_run("hcp:cus_first").unwrap().is_none());

    // Again: nothing to send, from either side.
    for target in [hcp("cus_first"), SyncTarget::Ghl(c.id.clone())] {
        let again = engine.preview(target.clone(), None).await.unwrap();
        assert!(matches!(again.matching, Matching::Linked { .. }));
        assert!(!again.will_send, "{:?}", again.plan);
        assert!(again.plan.unwrap().is_empty());
        assert!(again.follow_up_tasks.is_empty());
        let out = engine.apply(target, &Choices::new(), None).await.unwrap();
        assert!(out.nothing_sent);
    }
    assert_eq!(w.writes(), (vec![], vec![]));
    assert_eq!(w.ghl_by_email("ann.first@example.com").await.len(), 1);
    assert_eq!(w.ghl_notes(&c.id).await.len(), 1);
    assert_eq!(w.ghl_tasks(&c.id).await.len(), 1);
}

/// Links `cus` to a new GHL contact and returns the contact id.
async fn first_sync(w: &common::World, cus: &str, email: &str, mobile: &str) -> String {
    w.hcp.set_customer(full_customer(cus, email, mobile));
    w.engine()
        .apply(hcp(cus), &Choices::new(), None)
        .await
        .unwrap()
        .ghl_contact_id
}

#[tokio::test]
async fn edits_on_both_sides_are_merged_to_both() {
    let w = world().await;
    let id = first_sync(&w, "cus_merge", "merge@example.com", "303 555 0111").await;
    w.hcp
        .update_customer_field("cus_merge", "mobile_number", Some("303-555-0222"))
        .unwrap();
    let ghl = w.ghl_client();
    ghl.update_contact(
        &id,
        &ghl::ContactUpdate {
            email: Some("merged@example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let engine = w.engine();
    let preview = engine.preview(hcp("cus_merge"), None).await.unwrap();
    let plan = preview.plan.unwrap();
    assert!(plan.conflicts.is_empty());
    assert_eq!(
        plan.to_ghl.iter().map(|c| c.field).collect::<Vec<_>>(),
        [Field::Phone]
    );
    assert_eq!(
        plan.to_hcp.iter().map(|c| c.field).collect::<Vec<_>>(),
        [Field::Email]
    );

    let out = engine
        .apply(hcp("cus_merge"), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.created, None);
    assert!(out.tasks_created.is_empty());
    assert_eq!(
        w.ghl_contact(&id).await.phone.as_deref(),
        Some("+13035550222")
    );
    assert_eq!(
        w.hcp.customer("cus_merge").unwrap().email.as_deref(),
        Some("merged@example.com")
    );
    let log = w.store.sync_log_for_ghl(&id).unwrap();
    let to_hcp: Vec<_> = log
        .iter()
        .filter(|e| e.direction == store::SyncDirection::ToHcp)
        .collect();
    assert_eq!(to_hcp.len(), 1);
    assert_eq!(to_hcp[0].from.as_deref(), Some("merge@example.com"));
    assert_eq!(to_hcp[0].to.as_deref(), Some("merged@example.com"));
    assert!(
        !engine
            .preview(hcp("cus_merge"), None)
            .await
            .unwrap()
            .will_send
    );
}

#[tokio::test]
async fn a_conflict_is_shown_and_settled_only_by_the_choice() {
    let w = world().await;
    let id = first_sync(&w, "cus_conf", "conf@example.com", "303 555 0133").await;
    w.hcp
        .update_customer_field("cus_conf", "first_name", Some("Anna"))
        .unwrap();
    w.ghl_client()
        .update_contact(
            &id,
            &ghl::ContactUpdate {
                first_name: Some("Annie".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let engine = w.engine();
    let preview = engine.preview(hcp("cus_conf"), None).await.unwrap();
    let plan = preview.plan.unwrap();
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.conflicts[0].field, Field::FirstName);
    assert_eq!(plan.conflicts[0].choice, Choice::ChangeNothing);
    assert!(!preview.will_send);

    w.record();
    let out = engine
        .apply(hcp("cus_conf"), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.unresolved, [Field::FirstName]);
    assert_eq!(w.writes(), (vec![], vec![]));
    assert_eq!(w.ghl_contact(&id).await.first_name, "Annie");
    assert_eq!(
        w.hcp.customer("cus_conf").unwrap().first_name.as_deref(),
        Some("Anna")
    );
    // Still a conflict next time.
    let again = engine.preview(hcp("cus_conf"), None).await.unwrap();
    assert_eq!(again.plan.unwrap().conflicts.len(), 1);

    let keep_hcp = Choices::new().with(Field::FirstName, Choice::KeepHcp);
    let out = engine
        .apply(hcp("cus_conf"), &keep_hcp, None)
        .await
        .unwrap();
    assert!(out.unresolved.is_empty());
    assert_eq!(w.ghl_contact(&id).await.first_name, "Anna");
    assert_eq!(
        w.hcp.customer("cus_conf").unwrap().first_name.as_deref(),
        Some("Anna")
    );
    assert!(engine
        .preview(hcp("cus_conf"), None)
        .await
        .unwrap()
        .plan
        .unwrap()
        .is_empty());
}

async fn ghl_contact(w: &common::World, email: Option<&str>, phone: Option<&str>) -> String {
    w.ghl_client()
        .create_contact(&ghl::ContactInput {
            first_name: Some("Bob".into()),
            last_name: Some("Jones".into()),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn matching_by_email_by_phone_and_ambiguous() {
    let w = world().await;
    let engine = w.engine();

    // Email, with another case.
    let by_email = ghl_contact(&w, Some("Bob.Mixed@Example.com"), None).await;
    let mut c = customer("cus_email", "Bob", "Jones");
    c.email = Some("bob.mixed@EXAMPLE.com".into());
    w.hcp.set_customer(c);
    let p = engine.preview(hcp("cus_email"), None).await.unwrap();
    assert_eq!(
        p.matching,
        Matching::Matched {
            by: MatchedBy::Email
        }
    );
    assert_eq!(p.ghl.unwrap().id, by_email);
    assert!(p.follow_up_tasks.is_empty(), "not a new contact");

    // Phone, written differently, no email.
    let by_phone = ghl_contact(&w, None, Some("+13035550199")).await;
    let mut c = customer("cus_phone", "Bob", "Jones");
    c.mobile_number = Some("303.555.0199".into());
    w.hcp.set_customer(c);
    let p = engine.preview(hcp("cus_phone"), None).await.unwrap();
    assert_eq!(
        p.matching,
        Matching::Matched {
            by: MatchedBy::Phone
        }
    );
    assert_eq!(p.ghl.unwrap().id, by_phone);
    let out = engine
        .apply(hcp("cus_phone"), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.ghl_contact_id, by_phone);
    assert_eq!(out.created, None);

    // Email matches one contact, phone another: never guessed.
    let a = ghl_contact(&w, Some("amb@example.com"), None).await;
    let b = ghl_contact(&w, None, Some("+13035550188")).await;
    let mut c = customer("cus_amb", "Bob", "Jones");
    c.email = Some("amb@example.com".into());
    c.mobile_number = Some("(303) 555-0188".into());
    w.hcp.set_customer(c);
    let p = engine.preview(hcp("cus_amb"), None).await.unwrap();
    let Matching::Ambiguous { candidates } = &p.matching else {
        panic!("{:?}", p.matching)
    };
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    assert!(p.plan.is_none() && !p.will_send);
    w.record();
    let err = engine
        .apply(hcp("cus_amb"), &Choices::new(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NeedsMatchChoice { count: 2, .. }),
        "{err}"
    );
    assert_eq!(w.writes(), (vec![], vec![]));

    let choice = Some(MatchChoice::Existing(b.clone()));
    let p = engine
        .preview(hcp("cus_amb"), choice.clone())
        .await
        .unwrap();
    assert_eq!(
        p.matching,
        Matching::Matched {
            by: MatchedBy::Choice
        }
    );
    // Giving B the email A holds breaks GHL's duplicate rule: GHL's refusal
    // stops the apply with the step named.
    let err = engine
        .apply(hcp("cus_amb"), &Choices::new(), choice.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::StepFailed { step, .. } if step == "ghl.update"),
        "{err}"
    );
    // Once A no longer holds the email, the same choice goes through.
    w.ghl_client()
        .update_contact(
            &a,
            &ghl::ContactUpdate {
                email: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let out = engine
        .apply(hcp("cus_amb"), &Choices::new(), choice)
        .await
        .unwrap();
    assert_eq!(out.ghl_contact_id, b);
    assert_eq!(
        w.ghl_contact(&b).await.email.as_deref(),
        Some("amb@example.com")
    );
    assert_eq!(
        w.store
            .sync_link_by_hcp("cus_amb")
            .unwrap()
            .unwrap()
            .ghl_contact_id,
        b
    );
    // Linked now: matching uses the link.
    let p = engine.preview(hcp("cus_amb"), None).await.unwrap();
    assert!(matches!(p.matching, Matching::Linked { .. }));
}

#[tokio::test]
async fn invalid_data_is_refused_before_any_write() {
    let w = world().await;
    let engine = w.engine();
    let mut c = customer("cus_bad_email", "Bad", "Email");
    c.email = Some("not-an-email@".into());
    c.mobile_number = Some("303 555 0144".into());
    w.hcp.set_customer(c);
    let mut c = customer("cus_bad_phone", "Bad", "Phone");
    c.email = Some("bad.phone@example.com".into());
    c.mobile_number = Some("555-CALL-NOW".into());
    w.hcp.set_customer(c);

    for (id, field) in [
        ("cus_bad_email", Field::Email),
        ("cus_bad_phone", Field::Phone),
    ] {
        let p = engine.preview(hcp(id), None).await.unwrap();
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.problems[0].field, field);
        assert!(p.steps.is_empty() && !p.will_send);
        w.record();
        let err = engine
            .apply(hcp(id), &Choices::new(), None)
            .await
            .unwrap_err();
        let Error::Invalid(problems) = &err else {
            panic!("{err}")
        };
        assert_eq!(problems[0].field, field);
        assert!(err.to_string().contains(field.label()), "{err}");
        assert_eq!(w.writes(), (vec![], vec![]), "nothing sent for {id}");
        assert!(w.store.sync_run(&format!("hcp:{id}")).unwrap().is_none());
    }
}

#[tokio::test]
async fn a_ghl_contact_without_match_creates_the_hcp_customer() {
    let w = world().await;
    let id = ghl_contact(&w, Some("only.ghl@example.com"), Some("+13035550166")).await;
    let engine = w.engine();
    let p = engine
        .preview(SyncTarget::Ghl(id.clone()), None)
        .await
        .unwrap();
    assert_eq!(p.matching, Matching::New);
    assert!(p.follow_up_tasks.is_empty());
    let out = engine
        .apply(SyncTarget::Ghl(id.clone()), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.created, Some(Side::Hcp));
    let created = w.hcp.customer(&out.hcp_customer_id).unwrap();
    assert_eq!(created.email.as_deref(), Some("only.ghl@example.com"));
    assert_eq!(created.mobile_number.as_deref(), Some("+13035550166"));
    assert_eq!(
        w.ghl_custom(&id, "contact.hcp_customer_id")
            .await
            .as_deref(),
        Some(out.hcp_customer_id.as_str())
    );
    // Found again from the HCP side through the link, nothing to send.
    let p = engine
        .preview(hcp(&out.hcp_customer_id), None)
        .await
        .unwrap();
    assert!(
        matches!(p.matching, Matching::Linked { .. }) && !p.will_send,
        "{p:?}"
    );
}

#[tokio::test]
async fn a_failed_step_stops_and_retry_resumes() {
    let w = world().await;
    let id = first_sync(&w, "cus_fail", "fail@example.com", "303 555 0155").await;
    w.hcp
        .update_customer_field("cus_fail", "last_name", Some("Smythe"))
        .unwrap();
    w.ghl_client()
        .update_contact(
            &id,
            &ghl::ContactUpdate {
                email: Some("fail2@example.com".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    w.hcp
        .fail_next_with_method("PUT", sandbox::hcp::HcpFault::Status(422), 1);
    let engine = w.engine();
    let err = engine
        .apply(hcp("cus_fail"), &Choices::new(), None)
        .await
        .unwrap_err();
    let Error::StepFailed { step, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(step, "hcp.update");
    assert_eq!(
        w.ghl_contact(&id).await.last_name,
        "Smythe",
        "the GHL step went through"
    );
    let run = w.store.sync_run("hcp:cus_fail").unwrap().unwrap();
    assert!(run.done.contains(&"ghl.update".to_owned()));

    let out = engine
        .apply(hcp("cus_fail"), &Choices::new(), None)
        .await
        .unwrap();
    assert_eq!(out.steps_done, ["hcp.update"], "only what was left");
    assert_eq!(
        w.hcp.customer("cus_fail").unwrap().email.as_deref(),
        Some("fail2@example.com")
    );
    assert!(w.store.sync_run("hcp:cus_fail").unwrap().is_none());
}
