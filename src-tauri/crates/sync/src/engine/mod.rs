//! The sync of one contact against the real services: match, read both
//! sides, plan ([`crate::plan`]), preview, apply step by step.
//!
//! Round trips are kept few: both sides are read in parallel where the ids
//! are known, lookups before a create are the matching reads themselves
//! (done again on every apply, never taken from a stale preview), and the
//! writes of one apply go out in at most two parallel waves (creates and
//! updates, then what needs a created id: notes, tasks, the HCP id).
//!
//! GHL custom fields: the mapping names them by **key**. The `ghl` client
//! (and the sandbox) have no call listing a location's custom field
//! definitions, so values are written by key (`{ key, field_value }`, which
//! GHL accepts) and the ids GHL reads back are learnt from the write answers
//! and kept in the store (`SyncSettings::custom_field_ids` can give them up
//! front). Until a key's id is known its value is taken as unchanged since
//! the last sync, so an unknown id never reads as "cleared".

mod exec;
mod read;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::mapping::Mapping;
use crate::model::{Field, Record, Side};
use crate::plan::{Change, Choices, Plan};
use crate::validate::FieldError;

pub use exec::ApplyEvent;

/// A follow-up task added to a GHL contact the sync creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpTask {
    pub title: String,
    pub body: String,
    /// Due this many days after the sync…
    pub due_in_days: u32,
    /// …at this hour (0–23, UTC: GHL stores due dates in UTC).
    pub due_hour: u8,
}

/// Sync settings (Settings screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncSettings {
    pub mapping: Mapping,
    /// Added to a GHL contact created by a sync (never to an existing one).
    pub follow_up_tasks: Vec<FollowUpTask>,
    /// Who syncs, for the sync log.
    pub actor: String,
    /// GHL custom field ids by key, when known in advance; others are learnt.
    pub custom_field_ids: BTreeMap<String, String>,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            mapping: Mapping::default(),
            follow_up_tasks: vec![FollowUpTask {
                title: "Call to welcome".into(),
                body: "Welcome call for a customer synced from Housecall Pro.".into(),
                due_in_days: 1,
                due_hour: 10,
            }],
            actor: "Switchboard".into(),
            custom_field_ids: BTreeMap::new(),
        }
    }
}

impl SyncSettings {
    /// The file in the app's settings folder that holds them (no secrets).
    pub const FILE_NAME: &'static str = "sync-settings.json";

    /// The settings saved in `config_dir`, or the defaults when there are
    /// none. A damaged file is reported and the defaults used: they are safe,
    /// and saving replaces the file.
    pub fn load(config_dir: &std::path::Path) -> SyncSettings {
        let path = config_dir.join(Self::FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %path.display(), "sync settings unreadable; defaults used");
                SyncSettings::default()
            }),
            Err(_) => SyncSettings::default(),
        }
    }
}

/// What to sync: an HCP customer or a GHL contact, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "side", content = "id", rename_all = "snake_case")]
pub enum SyncTarget {
    Hcp(String),
    Ghl(String),
}

impl SyncTarget {
    pub fn side(&self) -> Side {
        match self {
            SyncTarget::Hcp(_) => Side::Hcp,
            SyncTarget::Ghl(_) => Side::Ghl,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            SyncTarget::Hcp(id) | SyncTarget::Ghl(id) => id,
        }
    }

    /// The key of this target's apply in progress in the store.
    fn run_key(&self) -> String {
        match self {
            SyncTarget::Hcp(id) => format!("hcp:{id}"),
            SyncTarget::Ghl(id) => format!("ghl:{id}"),
        }
    }
}

/// The person's answer to [`Matching::Ambiguous`] (or an override).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum MatchChoice {
    /// Sync with this record of the other side.
    Existing(String),
    /// Create a new record on the other side.
    New,
}

/// Why a record of the other side was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Email,
    Phone,
    /// Chosen by the person ([`MatchChoice::Existing`]).
    Choice,
    /// Created by an earlier apply that stopped before its end.
    EarlierApply,
}

/// A record of the other side that matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub side: Side,
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub matched_by: Vec<MatchedBy>,
}

/// How the two sides were paired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Matching {
    /// The stored link of an earlier sync.
    Linked {
        linked_at: String,
        last_synced_at: String,
    },
    /// One record of the other side.
    Matched { by: MatchedBy },
    /// Several records match: nothing is guessed, the person picks one
    /// ([`MatchChoice`]).
    Ambiguous { candidates: Vec<Candidate> },
    /// None matches: the other side's record will be created.
    New,
}

/// One side as read, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SideView {
    pub side: Side,
    pub id: String,
    pub name: String,
    /// The synced fields, normalised (`Missing` fields are absent).
    pub record: Record,
}

/// A follow-up task the apply would create, with its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTask {
    pub title: String,
    pub body: String,
    /// RFC 3339, UTC.
    pub due_date: String,
}

/// What a sync would do; nothing has been sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub target: SyncTarget,
    pub matching: Matching,
    pub hcp: Option<SideView>,
    pub ghl: Option<SideView>,
    /// `None` while the match is ambiguous.
    pub plan: Option<Plan>,
    /// Values the receiving side would refuse (apply refuses them too).
    pub problems: Vec<FieldError>,
    /// Created only with a new GHL contact.
    pub follow_up_tasks: Vec<PlannedTask>,
    /// The apply step ids, in order (`ghl.create`, `ghl.note.…`, `link.save`).
    pub steps: Vec<String>,
    /// Anything would be written to HCP or GHL.
    pub will_send: bool,
    /// An earlier apply of this target stopped part-way; applying resumes it.
    pub resuming: bool,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyOutcome {
    pub hcp_customer_id: String,
    pub ghl_contact_id: String,
    /// The side whose record this apply (or the earlier one it resumed) created.
    pub created: Option<Side>,
    pub to_ghl: Vec<Change>,
    pub to_hcp: Vec<Change>,
    /// Conflicts left as they are (shown again next time).
    pub unresolved: Vec<Field>,
    /// Titles of the follow-up tasks created.
    pub tasks_created: Vec<String>,
    /// Steps run by this call, in completion order (resumed ones excluded).
    pub steps_done: Vec<String>,
    /// Nothing was written to either service.
    pub nothing_sent: bool,
    pub link: store::SyncLink,
}

/// Syncs one contact between Housecall Pro and GoHighLevel.
#[derive(Debug, Clone)]
pub struct SyncEngine {
    ghl: ghl::Client,
    hcp: hcp::Client,
    store: Arc<store::Store>,
    settings: SyncSettings,
}

impl SyncEngine {
    pub fn new(
        ghl: ghl::Client,
        hcp: hcp::Client,
        store: Arc<store::Store>,
        settings: SyncSettings,
    ) -> Self {
        Self {
            ghl,
            hcp,
            store,
            settings,
        }
    }

    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    /// Reads both sides, matches them and plans, sending nothing.
    pub async fn preview(
        &self,
        target: SyncTarget,
        choice: Option<MatchChoice>,
    ) -> Result<Preview, Error> {
        self.settings.mapping.check()?;
        let state = self.load(&target, choice.as_ref()).await?;
        let prepared = self.prepare(&state, &Choices::new())?;
        let problems = match &prepared {
            Some(p) => crate::validate(&p.plan).err().unwrap_or_default(),
            None => Vec::new(),
        };
        let steps = prepared
            .as_ref()
            .filter(|_| problems.is_empty())
            .map(|p| self.build_steps(&state, p))
            .transpose()?
            .unwrap_or_default();
        let tasks = steps
            .iter()
            .filter_map(|s| match &s.work {
                exec::Work::Task(t) => Some(t.clone()),
                exec::Work::Sync(_) => None,
            })
            .collect();
        let will_send = steps.iter().any(|s| s.sends());
        Ok(Preview {
            target,
            matching: state.matching.clone(),
            hcp: state.hcp_view(&self.settings.mapping),
            ghl: state.ghl_view(&self.settings.mapping),
            plan: prepared.map(|p| p.plan),
            problems,
            follow_up_tasks: tasks,
            steps: steps.iter().map(|s| s.id.clone()).collect(),
            will_send,
            resuming: state.run.is_some(),
        })
    }

    /// Plans again from fresh reads and applies, step by step. See
    /// [`SyncEngine::apply_observed`].
    pub async fn apply(
        &self,
        target: SyncTarget,
        choices: &Choices,
        match_choice: Option<MatchChoice>,
    ) -> Result<ApplyOutcome, Error> {
        self.apply_observed(target, choices, match_choice, &|_| {})
            .await
    }

    /// [`SyncEngine::apply`], reporting each step to `observer` as it is
    /// sent, answered and recorded (for progress display, and for the crash
    /// tests, which stop the process at each point).
    ///
    /// Invalid data is refused ([`Error::Invalid`]) before anything is sent.
    /// A failed step stops the apply with [`Error::StepFailed`]; the steps
    /// before it are recorded, and applying again resumes: every create is
    /// preceded by a lookup, so nothing is ever created twice.
    pub async fn apply_observed(
        &self,
        target: SyncTarget,
        choices: &Choices,
        match_choice: Option<MatchChoice>,
        observer: &(dyn Fn(ApplyEvent<'_>) + Sync),
    ) -> Result<ApplyOutcome, Error> {
        self.settings.mapping.check()?;
        let state = self.load(&target, match_choice.as_ref()).await?;
        let Some(prepared) = self.prepare(&state, choices)? else {
            let (side, count) = match &state.matching {
                Matching::Ambiguous { candidates } => (
                    candidates.first().map_or(Side::Ghl, |c| c.side),
                    candidates.len(),
                ),
                _ => (Side::Ghl, 0),
            };
            return Err(Error::NeedsMatchChoice { side, count });
        };
        crate::validate(&prepared.plan).map_err(Error::Invalid)?;
        let steps = self.build_steps(&state, &prepared)?;
        self.execute(&state, &prepared, steps, observer).await
    }
}
