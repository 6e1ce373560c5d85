//! Mapping from and to the two APIs, and the apply steps.

use sync::{
    plan, steps, Action, AddressChoice, Choices, Error, Field, GhlContact, HcpAddress, HcpCustomer,
    Mapping, PhoneKind, Record, StepId, Value,
};

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn customer() -> HcpCustomer {
    serde_json::from_value(serde_json::json!({
        "id": "cus_1",
        "first_name": " Ann ",
        "last_name": "Lee",
        "email": "Ann@Example.com",
        "mobile_number": null,
        "home_number": "(303) 555-0142",
        "work_number": "720.555.0100",
        "company": "Acme Plumbing",
        "company_name": "My Own Contracting",
        "lead_source": "Yelp",
        "notes": "Gate code 1234",
        "tags": ["VIP", "Residential"],
        "addresses": [
            {"id": "adr_1", "type": "billing", "street": "1 Bill St", "city": "Denver",
             "state": "CO", "zip": "80202", "country": "US"},
            {"id": "adr_2", "type": "service", "street": "2 Main St", "street_line_2": "Apt 3",
             "city": "Boulder", "state": "CO", "zip": "80301", "country": "US"}
        ],
        "updated_at": "2026-07-24T04:00:37Z"
    }))
    .unwrap()
}

#[test]
fn hcp_customer_maps_to_a_record() {
    let m = Mapping::default();
    let r = m.hcp_record(&customer());
    assert_eq!(r.get(Field::FirstName), &text("Ann"));
    assert_eq!(r.get(Field::Email), &text("ann@example.com"));
    // No mobile: home is the phone, work goes to its custom field.
    assert_eq!(r.get(Field::Phone), &text("+13035550142"));
    assert_eq!(r.get(Field::ExtraPhone(PhoneKind::Home)), &Value::Missing);
    assert_eq!(
        r.get(Field::ExtraPhone(PhoneKind::Work)),
        &text("+17205550100")
    );
    assert_eq!(r.get(Field::CompanyName), &text("Acme Plumbing"));
    assert_eq!(r.get(Field::Address1), &text("2 Main St, Apt 3"));
    assert_eq!(r.get(Field::City), &text("Boulder"));
    assert_eq!(r.get(Field::PostalCode), &text("80301"));
    assert_eq!(r.get(Field::Source), &text("Yelp"));
    assert_eq!(
        r.get(Field::Tags),
        &Value::Set(["residential".to_owned(), "vip".to_owned()].into())
    );
    assert_eq!(r.get(Field::Note), &text("Gate code 1234"));

    let billing = Mapping {
        address: AddressChoice::PreferBilling,
        ..Mapping::default()
    };
    assert_eq!(
        billing.hcp_record(&customer()).get(Field::City),
        &text("Denver")
    );
    let first = Mapping {
        address: AddressChoice::First,
        ..Mapping::default()
    };
    assert_eq!(
        first.hcp_record(&customer()).get(Field::City),
        &text("Denver")
    );
}

#[test]
fn settings_switch_off_tags_and_notes() {
    let m = Mapping {
        sync_tags: false,
        notes_to_ghl: false,
        ..Mapping::default()
    };
    let r = m.hcp_record(&customer());
    assert!(r.get(Field::Tags).is_missing() && r.get(Field::Note).is_missing());
}

#[test]
fn ghl_contact_maps_to_a_record() {
    let m = Mapping::default();
    let c = GhlContact {
        id: "c1".into(),
        email: Some("ann@example.com".into()),
        phone: Some("+13035550142".into()),
        tags: vec!["vip".into()],
        custom_fields: [("contact.hcp_home_phone".into(), "303 555 0199".into())].into(),
        note_bodies: vec![sync::note_body("Gate code 1234"), "other".into()],
        ..GhlContact::default()
    };
    let r = m.ghl_record(&c);
    assert_eq!(
        r.get(Field::ExtraPhone(PhoneKind::Home)),
        &text("+13035550199")
    );
    assert_eq!(
        r.get(Field::Note),
        &Value::Set([sync::note_stamp("Gate code 1234")].into())
    );
}

#[test]
fn mobile_appearing_in_hcp_moves_the_old_phone_to_its_custom_field() {
    let m = Mapping::default();
    let before = m.hcp_record(&customer());
    let mut c = customer();
    c.mobile_number = Some("303-555-0111".into());
    let after = m.hcp_record(&c);
    let p = plan(Some(&before), &after, &before, &Choices::new());
    let fields: Vec<(Field, &Value)> = p.to_ghl.iter().map(|c| (c.field, &c.to)).collect();
    assert_eq!(
        fields,
        vec![
            (Field::Phone, &text("+13035550111")),
            (Field::ExtraPhone(PhoneKind::Home), &text("+13035550142")),
        ]
    );
    let w = m.ghl_write(&p.to_ghl);
    assert_eq!(w.fields["phone"], Some("+13035550111".into()));
    assert_eq!(
        w.custom_fields["contact.hcp_home_phone"],
        Some("+13035550142".into())
    );
}

#[test]
fn hcp_write_targets_the_current_phone_and_keeps_tag_spelling() {
    let m = Mapping::default();
    let hcp = customer();
    let base = m.hcp_record(&hcp);
    let mut ghl = base.clone();
    ghl.set(Field::Phone, text("+13035550177"));
    ghl.set(Field::CompanyName, Value::Missing);
    ghl.set(
        Field::Tags,
        Value::Set(["vip".to_owned(), "gold".to_owned()].into()),
    );
    let p = plan(Some(&base), &base, &ghl, &Choices::new());
    let w = m.hcp_write(&hcp, &p.to_hcp);
    assert_eq!(w.fields["home_number"], Some("+13035550177".into()));
    assert_eq!(w.fields["company"], None);
    assert!(!w.fields.contains_key("mobile_number"));
    assert_eq!(w.tags, Some(vec!["VIP".to_owned(), "gold".to_owned()]));
}

#[test]
fn mapping_is_checked_serialised_and_described() {
    let m = Mapping::default();
    assert_eq!(m.check(), Ok(()));
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json["phone_custom_fields"]["home"],
        "contact.hcp_home_phone"
    );
    assert_eq!(serde_json::from_value::<Mapping>(json).unwrap(), m);
    // Missing settings take their defaults.
    let partial: Mapping = serde_json::from_str(r#"{"sync_tags": false}"#).unwrap();
    assert_eq!(partial.phone_priority, m.phone_priority);
    assert!(!partial.sync_tags);

    let lines = m.describe();
    assert!(lines.iter().any(|l| l.contains("company ↔ companyName")));
    assert!(lines.iter().any(|l| l.contains("first service")));
    assert!(lines
        .iter()
        .any(|l| l.contains("custom field contact.hcp_work_phone")));

    for bad in [
        Mapping {
            phone_priority: vec![],
            ..Mapping::default()
        },
        Mapping {
            phone_priority: vec![PhoneKind::Home, PhoneKind::Home],
            ..Mapping::default()
        },
        Mapping {
            default_country_code: "0".into(),
            ..Mapping::default()
        },
        Mapping {
            hcp_id_custom_field: "contact.hcp_home_phone".into(),
            ..Mapping::default()
        },
    ] {
        assert!(
            matches!(bad.check(), Err(Error::InvalidMapping(_))),
            "{bad:?}"
        );
    }
}

fn ids(apply: &sync::Apply) -> Vec<&str> {
    apply.steps.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn steps_for_a_new_ghl_contact_start_with_a_lookup() {
    let m = Mapping::default();
    let hcp = customer();
    let p = plan(None, &m.hcp_record(&hcp), &Record::new(), &Choices::new());
    let a = steps(&p, &m, Some(&hcp), None).unwrap();
    let note_id = format!("ghl.note.{}", &sync::note_stamp("Gate code 1234")[10..18]);
    assert_eq!(
        ids(&a),
        vec!["ghl.find", "ghl.create", &note_id, "link.save"]
    );
    match &a.steps[0].action {
        Action::FindGhlContact { email, phone } => {
            assert_eq!(email.as_deref(), Some("ann@example.com"));
            assert_eq!(phone.as_deref(), Some("+13035550142"));
        }
        other => panic!("{other:?}"),
    }
    match &a.steps[1].action {
        Action::CreateGhlContact { write, tags } => {
            assert_eq!(write.fields["companyName"], Some("Acme Plumbing".into()));
            assert_eq!(
                write.custom_fields["contact.hcp_customer_id"],
                Some("cus_1".into())
            );
            assert_eq!(tags, &vec!["residential".to_owned(), "vip".to_owned()]);
        }
        other => panic!("{other:?}"),
    }
    match &a.steps[2].action {
        Action::CreateGhlNote { stamp, body } => {
            assert!(body.starts_with(stamp.as_str()) && body.ends_with("Gate code 1234"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.steps[3].action,
        Action::SaveLink {
            snapshot: p.new_snapshot.clone()
        }
    );
}

#[test]
fn steps_for_existing_contacts_update_and_resume() {
    let m = Mapping::default();
    let hcp = customer();
    let base = m.hcp_record(&hcp);
    let ghl = GhlContact {
        id: "c1".into(),
        first_name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        email: Some("ann@example.com".into()),
        phone: Some("+13035550142".into()),
        company_name: Some("Acme Plumbing".into()),
        address1: Some("2 Main St, Apt 3".into()),
        city: Some("Boulder".into()),
        state: Some("CO".into()),
        postal_code: Some("80301".into()),
        country: Some("US".into()),
        source: Some("Yelp".into()),
        tags: vec!["vip".into(), "residential".into(), "newsletter".into()],
        custom_fields: [
            ("contact.hcp_work_phone".into(), "+17205550100".into()),
            ("contact.hcp_customer_id".into(), "cus_1".into()),
        ]
        .into(),
        note_bodies: vec![sync::note_body("Gate code 1234")],
    };
    let mut hcp2 = hcp.clone();
    hcp2.last_name = Some("Li".into());
    hcp2.tags.push("Gold".into());
    let p = plan(
        Some(&base),
        &m.hcp_record(&hcp2),
        &m.ghl_record(&ghl),
        &Choices::new(),
    );
    let a = steps(&p, &m, Some(&hcp2), Some(&ghl)).unwrap();
    assert_eq!(
        ids(&a),
        vec!["ghl.update", "ghl.tags.add", "hcp.update", "link.save"]
    );
    assert_eq!(
        a.steps[1].action,
        Action::AddGhlTags {
            tags: vec!["gold".into()]
        }
    );
    match &a.steps[2].action {
        Action::UpdateHcpCustomer { write } => {
            assert!(write.fields.is_empty());
            assert_eq!(
                write.tags,
                Some(vec![
                    "VIP".into(),
                    "Residential".into(),
                    "Gold".into(),
                    "newsletter".into()
                ])
            );
        }
        other => panic!("{other:?}"),
    }

    assert_eq!(a.remaining(None).len(), 4);
    let done = StepId::clone(&a.steps[1].id);
    assert_eq!(a.remaining(Some(&done)), &a.steps[2..]);
    assert_eq!(
        a.fingerprint(),
        steps(&p, &m, Some(&hcp2), Some(&ghl))
            .unwrap()
            .fingerprint()
    );
    match &a.steps[0].action {
        Action::UpdateGhlContact { write } => {
            assert_eq!(write.fields.len(), 1);
            assert_eq!(write.fields["lastName"], Some("Li".into()));
            assert!(write.custom_fields.is_empty(), "the HCP id is already set");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn steps_for_a_new_hcp_customer_set_the_id_in_ghl_afterwards() {
    let m = Mapping::default();
    let ghl = GhlContact {
        id: "c1".into(),
        first_name: Some("Bo".into()),
        email: Some("bo@example.com".into()),
        ..GhlContact::default()
    };
    let p = plan(None, &Record::new(), &m.ghl_record(&ghl), &Choices::new());
    let a = steps(&p, &m, None, Some(&ghl)).unwrap();
    assert_eq!(
        ids(&a),
        vec!["hcp.find", "hcp.create", "ghl.hcp_id", "link.save"]
    );
    match &a.steps[1].action {
        Action::CreateHcpCustomer { write } => {
            assert_eq!(write.fields["first_name"], Some("Bo".into()));
            assert_eq!(write.fields["email"], Some("bo@example.com".into()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn steps_refuse_invalid_or_impossible_plans() {
    let m = Mapping::default();
    assert_eq!(
        steps(&sync::Plan::default(), &m, None, None),
        Err(Error::NoRecord)
    );
    let hcp = HcpCustomer {
        id: "cus_2".into(),
        company: Some("Acme".into()),
        addresses: vec![HcpAddress {
            street: Some("1 Main".into()),
            ..HcpAddress::default()
        }],
        ..HcpCustomer::default()
    };
    let p = plan(None, &m.hcp_record(&hcp), &Record::new(), &Choices::new());
    assert!(matches!(
        steps(&p, &m, Some(&hcp), None),
        Err(Error::CannotCreate(_))
    ));
    let mut bad = hcp.clone();
    bad.email = Some("nope".into());
    let p = plan(None, &m.hcp_record(&bad), &Record::new(), &Choices::new());
    match steps(&p, &m, Some(&bad), None) {
        Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, Field::Email),
        other => panic!("{other:?}"),
    }
}
