//! The sync plan: a field-level three-way merge of both sides against the
//! snapshot stored at the last sync. Pure: no I/O, same input, same plan.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{Field, Record, Side, Snapshot, Value};
use crate::normalize::note_stamp;

/// How the person resolved a conflict on one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Leave both sides as they are; the conflict is shown again next sync.
    #[default]
    ChangeNothing,
    /// Write the Housecall Pro value to GoHighLevel.
    KeepHcp,
    /// Write the GoHighLevel value to Housecall Pro. For HCP → GHL only
    /// fields ([`Field::is_hcp_to_ghl_only`]) nothing is written: GHL keeps
    /// its value and the conflict is considered settled.
    KeepGhl,
}

/// The person's choices per conflicting field (absent = [`Choice::ChangeNothing`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Choices {
    per_field: BTreeMap<Field, Choice>,
}

impl Choices {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder form of [`Choices::set`].
    pub fn with(mut self, field: Field, choice: Choice) -> Self {
        self.set(field, choice);
        self
    }

    pub fn set(&mut self, field: Field, choice: Choice) {
        if choice == Choice::ChangeNothing {
            self.per_field.remove(&field);
        } else {
            self.per_field.insert(field, choice);
        }
    }

    pub fn get(&self, field: Field) -> Choice {
        self.per_field.get(&field).copied().unwrap_or_default()
    }

    /// All choices applied to every field of `prefer`'s side (the CLI's `--prefer`).
    pub fn prefer(side: Side) -> Self {
        let choice = match side {
            Side::Hcp => Choice::KeepHcp,
            Side::Ghl => Choice::KeepGhl,
        };
        let mut c = Self::new();
        for f in Field::ALL {
            c.set(f, choice);
        }
        c
    }
}

/// One field written to one side.
///
/// For [`Field::Tags`] `from`/`to` are the whole sets before and after (the
/// apply step turns them into add/remove calls, never a replacement); for
/// [`Field::Note`] sent to GHL, `to` is the HCP text of the note to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: Field,
    pub from: Value,
    pub to: Value,
}

impl Change {
    /// Tags the change adds (empty for other fields).
    pub fn added_tags(&self) -> BTreeSet<String> {
        self.to
            .set()
            .difference(&self.from.set())
            .cloned()
            .collect()
    }

    /// Tags the change removes (empty for other fields).
    pub fn removed_tags(&self) -> BTreeSet<String> {
        self.from
            .set()
            .difference(&self.to.set())
            .cloned()
            .collect()
    }
}

/// A field changed differently on both sides since the last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub field: Field,
    /// The value at the last sync (`Missing` on a first sync).
    pub base: Value,
    pub hcp: Value,
    pub ghl: Value,
    /// The choice the plan applied.
    pub choice: Choice,
}

/// What a sync will do.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub to_ghl: Vec<Change>,
    pub to_hcp: Vec<Change>,
    /// Every conflict, resolved or not (see [`Conflict::choice`]).
    pub conflicts: Vec<Conflict>,
    /// What to store with the link once the plan is applied: for two-way
    /// fields the value both sides then hold; for HCP → GHL only fields the
    /// HCP value; for an unresolved conflict the old base value, so the
    /// conflict is shown again next time.
    pub new_snapshot: Snapshot,
}

impl Plan {
    /// Nothing to send and nothing to show.
    pub fn is_empty(&self) -> bool {
        !self.has_changes() && self.conflicts.is_empty()
    }

    /// Something will be written to either side.
    pub fn has_changes(&self) -> bool {
        !self.to_ghl.is_empty() || !self.to_hcp.is_empty()
    }

    /// Conflicts left as they are ([`Choice::ChangeNothing`]).
    pub fn unresolved(&self) -> impl Iterator<Item = &Conflict> {
        self.conflicts
            .iter()
            .filter(|c| c.choice == Choice::ChangeNothing)
    }

    /// The changes for one side.
    pub fn changes(&self, side: Side) -> &[Change] {
        match side {
            Side::Hcp => &self.to_hcp,
            Side::Ghl => &self.to_ghl,
        }
    }

    /// `record` of `side` as it will be once the plan is applied (for the
    /// preview, and for tests). On GHL a created note adds its stamp.
    pub fn after(&self, side: Side, record: &Record) -> Record {
        let mut out = record.clone();
        for change in self.changes(side) {
            match (side, change.field, &change.to) {
                (Side::Ghl, Field::Note, Value::Text(text)) => {
                    let mut stamps = out.get(Field::Note).set();
                    stamps.insert(note_stamp(text));
                    out.set(Field::Note, Value::Set(stamps));
                }
                _ => out.set(change.field, change.to.clone()),
            }
        }
        out
    }
}

/// Plans the sync of one HCP customer with one GHL contact.
///
/// `base` is the snapshot stored at the last sync; `None` (first sync) is the
/// same as an empty snapshot: a field present on one side only is copied to
/// the other, and a field present on both with different values is a conflict.
///
/// Per field: changed on one side only, that side wins; changed on both to
/// the same value, nothing to do; changed on both differently, a [`Conflict`]
/// settled only by `choices`. Tags merge tag by tag (each side's additions
/// and removals are applied to the other). HCP `notes` text becomes a GHL
/// note when it changed since the last sync and no note with its stamp exists.
/// HCP → GHL only fields ignore edits made on the GHL side.
pub fn plan(base: Option<&Snapshot>, hcp: &Record, ghl: &Record, choices: &Choices) -> Plan {
    let empty = Snapshot::new();
    let base = base.unwrap_or(&empty);
    let mut plan = Plan::default();
    for field in Field::ALL {
        match field {
            Field::Tags => merge_tags(&mut plan, base, hcp, ghl),
            Field::Note => merge_note(&mut plan, base, hcp, ghl),
            _ => merge_scalar(&mut plan, field, base, hcp, ghl, choices.get(field)),
        }
    }
    plan
}

fn push(list: &mut Vec<Change>, field: Field, from: &Value, to: &Value) {
    list.push(Change {
        field,
        from: from.clone(),
        to: to.clone(),
    });
}

fn merge_scalar(
    plan: &mut Plan,
    field: Field,
    base: &Record,
    hcp: &Record,
    ghl: &Record,
    choice: Choice,
) {
    let (b, h, g) = (base.get(field), hcp.get(field), ghl.get(field));
    let one_way = field.is_hcp_to_ghl_only();
    let snapshot = if h == g {
        h
    } else {
        match (h != b, g != b) {
            (true, false) => {
                push(&mut plan.to_ghl, field, g, h);
                h
            }
            // Only GHL changed a field GHL may not send: it keeps its value.
            (false, _) if one_way => h,
            (false, _) => {
                push(&mut plan.to_hcp, field, h, g);
                g
            }
            (true, true) => {
                plan.conflicts.push(Conflict {
                    field,
                    base: b.clone(),
                    hcp: h.clone(),
                    ghl: g.clone(),
                    choice,
                });
                match choice {
                    Choice::ChangeNothing => b,
                    Choice::KeepHcp => {
                        push(&mut plan.to_ghl, field, g, h);
                        h
                    }
                    Choice::KeepGhl if one_way => h,
                    Choice::KeepGhl => {
                        push(&mut plan.to_hcp, field, h, g);
                        g
                    }
                }
            }
        }
    };
    plan.new_snapshot.set(field, snapshot.clone());
}

/// Tag-by-tag three-way merge. A tag's membership is a yes/no that each side
/// either kept as in the base or flipped; since both sides can only flip it
/// the same way, tags never conflict: each side's additions and removals
/// reach the other, and nobody's tags are replaced wholesale.
fn merge_tags(plan: &mut Plan, base: &Record, hcp: &Record, ghl: &Record) {
    let (b, h, g) = (
        base.get(Field::Tags).set(),
        hcp.get(Field::Tags).set(),
        ghl.get(Field::Tags).set(),
    );
    let merged: BTreeSet<String> = b
        .iter()
        .chain(&h)
        .chain(&g)
        .filter(|t| {
            let (in_b, in_h, in_g) = (b.contains(*t), h.contains(*t), g.contains(*t));
            if in_h == in_b {
                in_g
            } else {
                in_h
            }
        })
        .cloned()
        .collect();
    let merged_value = Value::from_set(merged);
    if merged_value != *ghl.get(Field::Tags) {
        push(
            &mut plan.to_ghl,
            Field::Tags,
            ghl.get(Field::Tags),
            &merged_value,
        );
    }
    if merged_value != *hcp.get(Field::Tags) {
        push(
            &mut plan.to_hcp,
            Field::Tags,
            hcp.get(Field::Tags),
            &merged_value,
        );
    }
    plan.new_snapshot.set(Field::Tags, merged_value);
}

/// HCP notes → a GHL note, created once per distinct text. Unchanged text is
/// not re-sent, so a note deleted in GHL on purpose stays deleted.
fn merge_note(plan: &mut Plan, base: &Record, hcp: &Record, ghl: &Record) {
    let h = hcp.get(Field::Note);
    if let Value::Text(text) = h {
        let changed = h != base.get(Field::Note);
        if changed && !ghl.get(Field::Note).set().contains(&note_stamp(text)) {
            push(&mut plan.to_ghl, Field::Note, &Value::Missing, h);
        }
    }
    plan.new_snapshot.set(Field::Note, h.clone());
}
