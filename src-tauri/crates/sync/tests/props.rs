//! Properties of the merge for any base and two edits: no change is lost
//! without a conflict, applying a plan then planning again changes nothing,
//! and choices settle exactly the fields chosen.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sync::{note_stamp, plan, Change, Choice, Choices, Field, Plan, Record, Side, Value};

/// Few distinct values, so that equal edits and reverts are common.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Missing), "[abc]".prop_map(Value::Text),]
}

fn tag_set() -> impl Strategy<Value = Value> {
    prop::collection::btree_set("t[1-4]", 0..4).prop_map(Value::from_set)
}

fn note_text() -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Missing), "n[12]".prop_map(Value::Text)]
}

fn stamps() -> impl Strategy<Value = Value> {
    prop::collection::btree_set("n[12]", 0..3)
        .prop_map(|s| Value::from_set(s.iter().map(|n| note_stamp(n)).collect()))
}

/// A value for `field` as held by `side` (GHL holds note stamps).
fn value(field: Field, side: Side) -> BoxedStrategy<Value> {
    match (field, side) {
        (Field::Tags, _) => tag_set().boxed(),
        (Field::Note, Side::Ghl) => stamps().boxed(),
        (Field::Note, Side::Hcp) => note_text().boxed(),
        _ => scalar().boxed(),
    }
}

fn record(side: Side) -> impl Strategy<Value = Record> {
    Field::ALL
        .iter()
        .map(|f| value(*f, side))
        .collect::<Vec<_>>()
        .prop_map(|values| {
            let mut r = Record::new();
            for (f, v) in Field::ALL.into_iter().zip(values) {
                r.set(f, v);
            }
            r
        })
}

/// `base` with about half of the fields replaced on `side`.
fn edit(base: Record, side: Side) -> impl Strategy<Value = Record> {
    Field::ALL
        .iter()
        .map(|f| prop::option::weighted(0.5, value(*f, side)))
        .collect::<Vec<_>>()
        .prop_map(move |edits| {
            let mut r = base.clone();
            for (f, e) in Field::ALL.into_iter().zip(edits) {
                if let Some(v) = e {
                    r.set(f, v);
                } else if f == Field::Note && side == Side::Ghl {
                    // The base holds HCP's note text; GHL holds stamps.
                    let stamps = match base.get(Field::Note) {
                        Value::Text(t) => Value::Set([note_stamp(t)].into()),
                        _ => Value::Missing,
                    };
                    r.set(f, stamps);
                }
            }
            r
        })
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::ChangeNothing),
        Just(Choice::KeepHcp),
        Just(Choice::KeepGhl),
    ]
}

fn choices() -> impl Strategy<Value = Choices> {
    prop::collection::vec(choice(), Field::ALL.len()).prop_map(|cs| {
        let mut out = Choices::new();
        for (f, c) in Field::ALL.into_iter().zip(cs) {
            out.set(f, c);
        }
        out
    })
}

/// (base or first sync, HCP record, GHL record)
fn scenario() -> impl Strategy<Value = (Option<Record>, Record, Record)> {
    (any::<bool>(), record(Side::Hcp)).prop_flat_map(|(first_sync, base)| {
        let base_in = if first_sync { Record::new() } else { base };
        (
            Just((!first_sync).then(|| base_in.clone())),
            edit(base_in.clone(), Side::Hcp),
            edit(base_in, Side::Ghl),
        )
    })
}

fn changes_for(list: &[Change], field: Field) -> Vec<&Change> {
    list.iter().filter(|c| c.field == field).collect()
}

fn is_conflict(p: &Plan, field: Field) -> bool {
    p.conflicts.iter().any(|c| c.field == field)
}

fn has(v: &Value, tag: &str) -> bool {
    matches!(v, Value::Set(s) if s.contains(tag))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_change_is_lost_without_a_conflict(
        (base, hcp, ghl) in scenario(),
        choices in choices(),
    ) {
        let p = plan(base.as_ref(), &hcp, &ghl, &choices);
        let b = base.unwrap_or_default();
        let snap = &p.new_snapshot;
        for f in Field::ALL {
            let (bv, hv, gv) = (b.get(f), hcp.get(f), ghl.get(f));
            match f {
                Field::Tags => {
                    let all: BTreeSet<String> =
                        [bv, hv, gv].iter().flat_map(|v| v.set()).collect();
                    for t in &all {
                        if has(hv, t) != has(bv, t) {
                            prop_assert_eq!(has(snap.get(f), t), has(hv, t), "HCP tag {}", t);
                        }
                        if has(gv, t) != has(bv, t) {
                            prop_assert_eq!(has(snap.get(f), t), has(gv, t), "GHL tag {}", t);
                        }
                    }
                    prop_assert!(!is_conflict(&p, f));
                }
                Field::Note => {
                    prop_assert_eq!(snap.get(f), hv);
                    if let Value::Text(t) = hv {
                        if hv != bv {
                            let sent = changes_for(&p.to_ghl, f).iter().any(|c| &c.to == hv);
                            let present = gv.set().contains(&note_stamp(t));
                            prop_assert!(sent != present, "note sent once: {} {}", sent, present);
                        }
                    }
                }
                _ => {
                    if hv != bv {
                        prop_assert!(snap.get(f) == hv || is_conflict(&p, f), "HCP {}", f);
                    }
                    if gv != bv && !f.is_hcp_to_ghl_only() {
                        prop_assert!(snap.get(f) == gv || is_conflict(&p, f), "GHL {}", f);
                    }
                    if is_conflict(&p, f) {
                        prop_assert!(hv != bv && gv != bv && hv != gv);
                    }
                }
            }
        }
    }

    #[test]
    fn applying_then_planning_again_changes_nothing(
        (base, hcp, ghl) in scenario(),
        choices in choices(),
    ) {
        let p = plan(base.as_ref(), &hcp, &ghl, &choices);
        let hcp2 = p.after(Side::Hcp, &hcp);
        let ghl2 = p.after(Side::Ghl, &ghl);
        let unresolved: Vec<Field> = p.unresolved().map(|c| c.field).collect();
        for f in Field::ALL {
            if unresolved.contains(&f) || f == Field::Note {
                continue;
            }
            prop_assert_eq!(hcp2.get(f), p.new_snapshot.get(f), "HCP {}", f);
            if !f.is_hcp_to_ghl_only() {
                prop_assert_eq!(ghl2.get(f), p.new_snapshot.get(f), "GHL {}", f);
            }
        }

        let again = plan(Some(&p.new_snapshot), &hcp2, &ghl2, &Choices::new());
        prop_assert!(!again.has_changes(), "{:?}", again);
        let again_fields: Vec<Field> = again.conflicts.iter().map(|c| c.field).collect();
        prop_assert_eq!(again_fields, unresolved);
        prop_assert_eq!(&again.new_snapshot, &p.new_snapshot);
        if p.unresolved().count() == 0 {
            prop_assert!(again.is_empty());
        }
    }

    #[test]
    fn choices_resolve_exactly_the_fields_chosen(
        (base, hcp, ghl) in scenario(),
        choices in choices(),
    ) {
        let plain = plan(base.as_ref(), &hcp, &ghl, &Choices::new());
        let chosen = plan(base.as_ref(), &hcp, &ghl, &choices);
        let fields = |p: &Plan| p.conflicts.iter().map(|c| c.field).collect::<Vec<_>>();
        prop_assert_eq!(fields(&plain), fields(&chosen));
        let b = base.unwrap_or_default();
        for f in Field::ALL {
            let (to_ghl, to_hcp) = (changes_for(&chosen.to_ghl, f), changes_for(&chosen.to_hcp, f));
            let snap = chosen.new_snapshot.get(f);
            if !is_conflict(&plain, f) {
                prop_assert_eq!(to_ghl, changes_for(&plain.to_ghl, f));
                prop_assert_eq!(to_hcp, changes_for(&plain.to_hcp, f));
                prop_assert_eq!(snap, plain.new_snapshot.get(f));
                continue;
            }
            let c = choices.get(f);
            prop_assert!(chosen.conflicts.iter().any(|x| x.field == f && x.choice == c));
            let (hv, gv) = (hcp.get(f), ghl.get(f));
            match c {
                Choice::ChangeNothing => {
                    prop_assert!(to_ghl.is_empty() && to_hcp.is_empty());
                    prop_assert_eq!(snap, b.get(f));
                }
                Choice::KeepHcp => {
                    prop_assert!(to_hcp.is_empty());
                    prop_assert_eq!(to_ghl.len(), 1);
                    prop_assert_eq!((&to_ghl[0].from, &to_ghl[0].to), (gv, hv));
                    prop_assert_eq!(snap, hv);
                }
                Choice::KeepGhl if f.is_hcp_to_ghl_only() => {
                    prop_assert!(to_ghl.is_empty() && to_hcp.is_empty());
                    prop_assert_eq!(snap, hv);
                }
                Choice::KeepGhl => {
                    prop_assert!(to_ghl.is_empty());
                    prop_assert_eq!(to_hcp.len(), 1);
                    prop_assert_eq!((&to_hcp[0].from, &to_hcp[0].to), (hv, gv));
                    prop_assert_eq!(snap, gv);
                }
            }
        }
    }
}
