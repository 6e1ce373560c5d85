//! One test per merge rule, on hand-built records.

use sync::{
    note_stamp, plan, validate, Change, Choice, Choices, Conflict, Field, Normalizer, PhoneKind,
    Record, Side, Value,
};

fn rec(pairs: &[(Field, &str)]) -> Record {
    let n = Normalizer::default();
    let mut r = Record::new();
    for (f, v) in pairs {
        if *f == Field::Tags {
            r.set_tags(v.split(','));
        } else {
            r.set_raw(*f, Some(v), &n);
        }
    }
    r
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn tags(s: &[&str]) -> Value {
    Value::Set(s.iter().map(|t| t.to_string()).collect())
}

fn change(field: Field, from: Value, to: Value) -> Change {
    Change { field, from, to }
}

#[test]
fn equal_sides_plan_nothing() {
    let r = rec(&[(Field::FirstName, "Ann"), (Field::Email, "ann@x.com")]);
    let p = plan(Some(&r), &r, &r, &Choices::new());
    assert!(p.is_empty());
    assert_eq!(p.new_snapshot, r);
    // Even without a base.
    assert!(plan(None, &r, &r, &Choices::new()).is_empty());
}

#[test]
fn formatting_differences_are_not_changes() {
    let hcp = rec(&[
        (Field::Email, " Ann@X.com"),
        (Field::Phone, "(303) 555-0142"),
    ]);
    let ghl = rec(&[(Field::Email, "ann@x.com"), (Field::Phone, "+13035550142")]);
    assert!(plan(None, &hcp, &ghl, &Choices::new()).is_empty());
}

#[test]
fn first_sync_copies_one_sided_fields_both_ways() {
    let hcp = rec(&[(Field::FirstName, "Ann"), (Field::CompanyName, "Acme")]);
    let ghl = rec(&[(Field::FirstName, "Ann"), (Field::Email, "ann@x.com")]);
    let p = plan(None, &hcp, &ghl, &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(Field::CompanyName, Value::Missing, text("Acme"))]
    );
    assert_eq!(
        p.to_hcp,
        vec![change(Field::Email, Value::Missing, text("ann@x.com"))]
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(
        p.new_snapshot,
        rec(&[
            (Field::FirstName, "Ann"),
            (Field::CompanyName, "Acme"),
            (Field::Email, "ann@x.com")
        ])
    );
}

#[test]
fn first_sync_differing_values_conflict() {
    let hcp = rec(&[(Field::LastName, "Smith")]);
    let ghl = rec(&[(Field::LastName, "Smyth")]);
    let p = plan(None, &hcp, &ghl, &Choices::new());
    assert!(!p.has_changes());
    assert_eq!(
        p.conflicts,
        vec![Conflict {
            field: Field::LastName,
            base: Value::Missing,
            hcp: text("Smith"),
            ghl: text("Smyth"),
            choice: Choice::ChangeNothing,
        }]
    );
    assert_eq!(p.new_snapshot.get(Field::LastName), &Value::Missing);
}

#[test]
fn change_on_one_side_is_taken() {
    let base = rec(&[(Field::Phone, "3035550142"), (Field::Email, "a@x.com")]);
    // The issue's scenario: phone changed in HCP, email changed in GHL.
    let hcp = rec(&[(Field::Phone, "3035550199"), (Field::Email, "a@x.com")]);
    let ghl = rec(&[(Field::Phone, "3035550142"), (Field::Email, "b@x.com")]);
    let p = plan(Some(&base), &hcp, &ghl, &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(
            Field::Phone,
            text("+13035550142"),
            text("+13035550199")
        )]
    );
    assert_eq!(
        p.to_hcp,
        vec![change(Field::Email, text("a@x.com"), text("b@x.com"))]
    );
    assert_eq!(
        p.new_snapshot,
        rec(&[(Field::Phone, "3035550199"), (Field::Email, "b@x.com")])
    );
}

#[test]
fn clearing_a_field_is_a_change() {
    let base = rec(&[(Field::Source, "Yelp")]);
    let p = plan(Some(&base), &Record::new(), &base, &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Source, text("Yelp"), Value::Missing)]
    );
    assert!(p.new_snapshot.is_empty());
}

#[test]
fn same_change_on_both_sides_plans_nothing() {
    let base = rec(&[(Field::City, "Denver")]);
    let both = rec(&[(Field::City, "Boulder")]);
    let p = plan(Some(&base), &both, &both, &Choices::new());
    assert!(p.is_empty());
    assert_eq!(p.new_snapshot, both);
}

#[test]
fn different_changes_on_both_sides_conflict_and_choices_settle_them() {
    let base = rec(&[(Field::Email, "a@x.com"), (Field::FirstName, "Ann")]);
    let hcp = rec(&[(Field::Email, "h@x.com"), (Field::FirstName, "Anne")]);
    let ghl = rec(&[(Field::Email, "g@x.com"), (Field::FirstName, "Annie")]);

    let none = plan(Some(&base), &hcp, &ghl, &Choices::new());
    assert!(!none.has_changes());
    assert_eq!(none.unresolved().count(), 2);
    assert_eq!(
        none.new_snapshot, base,
        "unresolved conflicts keep the base"
    );

    let choices = Choices::new()
        .with(Field::Email, Choice::KeepHcp)
        .with(Field::FirstName, Choice::KeepGhl);
    let p = plan(Some(&base), &hcp, &ghl, &choices);
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Email, text("g@x.com"), text("h@x.com"))]
    );
    assert_eq!(
        p.to_hcp,
        vec![change(Field::FirstName, text("Anne"), text("Annie"))]
    );
    assert_eq!(p.conflicts.len(), 2);
    assert_eq!(p.unresolved().count(), 0);
    assert_eq!(
        p.new_snapshot,
        rec(&[(Field::Email, "h@x.com"), (Field::FirstName, "Annie")])
    );
}

#[test]
fn choices_on_fields_without_conflict_do_nothing() {
    let base = rec(&[(Field::Email, "a@x.com")]);
    let hcp = rec(&[(Field::Email, "h@x.com")]);
    let p = plan(
        Some(&base),
        &hcp,
        &base,
        &Choices::new().with(Field::Email, Choice::KeepGhl),
    );
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Email, text("a@x.com"), text("h@x.com"))]
    );
    assert!(p.to_hcp.is_empty() && p.conflicts.is_empty());
}

#[test]
fn prefer_side_resolves_every_conflict() {
    let base = rec(&[(Field::Email, "a@x.com"), (Field::LastName, "Lee")]);
    let hcp = rec(&[(Field::Email, "h@x.com"), (Field::LastName, "Li")]);
    let ghl = rec(&[(Field::Email, "g@x.com"), (Field::LastName, "Leigh")]);
    let p = plan(Some(&base), &hcp, &ghl, &Choices::prefer(Side::Ghl));
    assert_eq!(p.to_hcp.len(), 2);
    assert_eq!(p.new_snapshot, ghl);
}

#[test]
fn address_fields_flow_from_hcp_to_ghl_only() {
    let base = rec(&[(Field::City, "Denver")]);
    // Edited in GHL only: kept in GHL, never sent to HCP.
    let ghl = rec(&[(Field::City, "Aurora")]);
    let p = plan(Some(&base), &base, &ghl, &Choices::new());
    assert!(p.is_empty());
    assert_eq!(p.new_snapshot, base);
    // First sync, only GHL has an address: HCP does not get it.
    let p = plan(None, &Record::new(), &ghl, &Choices::new());
    assert!(p.is_empty());
    // Edited in HCP: sent to GHL.
    let hcp = rec(&[(Field::City, "Boulder")]);
    let p = plan(Some(&base), &hcp, &base, &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(Field::City, text("Denver"), text("Boulder"))]
    );
    // Edited on both: a conflict; KeepGhl settles it without writing to HCP.
    let p = plan(Some(&base), &hcp, &ghl, &Choices::new());
    assert_eq!(p.unresolved().count(), 1);
    let p = plan(
        Some(&base),
        &hcp,
        &ghl,
        &Choices::new().with(Field::City, Choice::KeepGhl),
    );
    assert!(!p.has_changes());
    assert_eq!(p.unresolved().count(), 0);
    assert_eq!(p.new_snapshot, hcp);
    assert!(plan(Some(&p.new_snapshot), &hcp, &ghl, &Choices::new()).is_empty());
}

#[test]
fn tags_merge_tag_by_tag() {
    let base = rec(&[(Field::Tags, "a,b,c")]);
    // HCP removed b and added d; GHL removed c and added e.
    let hcp = rec(&[(Field::Tags, "a,c,d")]);
    let ghl = rec(&[(Field::Tags, "a,b,e")]);
    let p = plan(Some(&base), &hcp, &ghl, &Choices::new());
    let merged = tags(&["a", "d", "e"]);
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Tags, tags(&["a", "b", "e"]), merged.clone())]
    );
    assert_eq!(p.to_ghl[0].added_tags(), ["d".to_owned()].into());
    assert_eq!(p.to_ghl[0].removed_tags(), ["b".to_owned()].into());
    assert_eq!(
        p.to_hcp,
        vec![change(Field::Tags, tags(&["a", "c", "d"]), merged.clone())]
    );
    assert!(p.conflicts.is_empty());
    assert_eq!(p.new_snapshot.get(Field::Tags), &merged);
}

#[test]
fn first_sync_tags_are_united_and_case_insensitive() {
    let hcp = rec(&[(Field::Tags, "VIP, Plumbing")]);
    let ghl = rec(&[(Field::Tags, "vip,newsletter")]);
    let p = plan(None, &hcp, &ghl, &Choices::new());
    let all = tags(&["newsletter", "plumbing", "vip"]);
    assert_eq!(p.to_ghl[0].added_tags(), ["plumbing".to_owned()].into());
    assert_eq!(p.to_hcp[0].added_tags(), ["newsletter".to_owned()].into());
    assert!(p.to_ghl[0].removed_tags().is_empty() && p.to_hcp[0].removed_tags().is_empty());
    assert_eq!(p.new_snapshot.get(Field::Tags), &all);
}

#[test]
fn removing_every_tag_on_one_side_reaches_the_other() {
    let base = rec(&[(Field::Tags, "a")]);
    let p = plan(Some(&base), &base, &Record::new(), &Choices::new());
    assert_eq!(
        p.to_hcp,
        vec![change(Field::Tags, tags(&["a"]), Value::Missing)]
    );
    assert!(p.new_snapshot.is_empty());
}

fn ghl_with_stamps(stamps: &[String]) -> Record {
    let mut r = Record::new();
    r.set(Field::Note, Value::Set(stamps.iter().cloned().collect()));
    r
}

#[test]
fn hcp_notes_become_one_stamped_ghl_note() {
    let hcp = rec(&[(Field::Note, "Gate code 1234")]);
    let p = plan(None, &hcp, &Record::new(), &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Note, Value::Missing, text("Gate code 1234"))]
    );
    assert!(p.to_hcp.is_empty());
    assert_eq!(p.new_snapshot.get(Field::Note), &text("Gate code 1234"));

    // The stamp is already there (a previous apply stopped before saving
    // the link): no second note.
    let ghl = ghl_with_stamps(&[note_stamp("Gate code 1234")]);
    assert!(!plan(None, &hcp, &ghl, &Choices::new()).has_changes());

    // Unchanged since the last sync but deleted in GHL: not re-created.
    let p = plan(Some(&p.new_snapshot), &hcp, &Record::new(), &Choices::new());
    assert!(p.is_empty());

    // Changed text: a new note (the old one stays).
    let base = p.new_snapshot;
    let hcp2 = rec(&[(Field::Note, "Gate code 9999")]);
    let p = plan(Some(&base), &hcp2, &ghl, &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(Field::Note, Value::Missing, text("Gate code 9999"))]
    );
}

#[test]
fn after_shows_each_side_once_applied() {
    let base = rec(&[(Field::Email, "a@x.com")]);
    let hcp = rec(&[(Field::Email, "a@x.com"), (Field::Note, "hi")]);
    let ghl = rec(&[(Field::Email, "b@x.com")]);
    let p = plan(Some(&base), &hcp, &ghl, &Choices::new());
    let hcp_after = p.after(Side::Hcp, &hcp);
    let ghl_after = p.after(Side::Ghl, &ghl);
    assert_eq!(hcp_after.get(Field::Email), &text("b@x.com"));
    assert_eq!(
        ghl_after.get(Field::Note),
        &Value::Set([note_stamp("hi")].into())
    );
    assert!(plan(
        Some(&p.new_snapshot),
        &hcp_after,
        &ghl_after,
        &Choices::new()
    )
    .is_empty());
}

#[test]
fn extra_phones_sync_like_other_fields() {
    let f = Field::ExtraPhone(PhoneKind::Work);
    let hcp = rec(&[(f, "720 555 0100")]);
    let p = plan(None, &hcp, &Record::new(), &Choices::new());
    assert_eq!(
        p.to_ghl,
        vec![change(f, Value::Missing, text("+17205550100"))]
    );
}

#[test]
fn validate_names_bad_email_and_phone_and_the_side() {
    let hcp = rec(&[(Field::Email, "not-an-email"), (Field::Phone, "555-01")]);
    let ghl = rec(&[(Field::ExtraPhone(PhoneKind::Home), "call me")]);
    let p = plan(None, &hcp, &ghl, &Choices::new());
    let errors = validate(&p).unwrap_err();
    let named: Vec<(Side, Field)> = errors.iter().map(|e| (e.side, e.field)).collect();
    assert_eq!(
        named,
        vec![
            (Side::Ghl, Field::Email),
            (Side::Ghl, Field::Phone),
            (Side::Hcp, Field::ExtraPhone(PhoneKind::Home)),
        ]
    );
    let msg = errors[0].to_string();
    assert!(
        msg.contains("Email") && msg.contains("Housecall Pro"),
        "{msg}"
    );
    assert!(
        !msg.contains("not-an-email"),
        "values are not repeated: {msg}"
    );
}

#[test]
fn validate_accepts_good_values_and_clearing() {
    let base = rec(&[(Field::Email, "a@x.com"), (Field::Phone, "3035550142")]);
    let hcp = rec(&[(Field::Email, "b@x.com")]);
    let p = plan(Some(&base), &hcp, &base, &Choices::new());
    assert_eq!(p.to_ghl.len(), 2);
    assert_eq!(validate(&p), Ok(()));
}

#[test]
fn snapshot_and_choices_round_trip_through_json() {
    let r = rec(&[
        (Field::Email, "a@x.com"),
        (Field::ExtraPhone(PhoneKind::Home), "3035550142"),
        (Field::Tags, "a,b"),
    ]);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"extra_phone.home\""), "{json}");
    assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), r);
    let with_missing = r#"{"email":{"text":"a@x.com"},"city":"missing","tags":{"set":[]}}"#;
    assert_eq!(
        serde_json::from_str::<Record>(with_missing).unwrap(),
        rec(&[(Field::Email, "a@x.com")])
    );
    let c = Choices::new().with(Field::City, Choice::KeepHcp);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(json, r#"{"city":"keep_hcp"}"#);
    assert_eq!(serde_json::from_str::<Choices>(&json).unwrap(), c);
    assert!(serde_json::from_str::<Choices>(r#"{"nope":"keep_hcp"}"#).is_err());
}
