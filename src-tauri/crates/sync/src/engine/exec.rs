//! Running the apply steps: in waves of parallel requests (a step runs as
//! soon as the ids it needs are known), each result recorded with "this step
//! is done" and its log entries in one store transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures_util::future::join_all;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime, Time};

use super::read::{ghl_err, hcp_err, Prepared, State};
use super::{ApplyOutcome, PlannedTask, SyncEngine};
use crate::apply::Action;
use crate::error::Error;
use crate::mapping::{GhlWrite, HcpWrite};
use crate::model::{Field, Side, Value};
use crate::plan::Change;

/// Progress of an apply, for [`SyncEngine::apply_observed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyEvent<'a> {
    /// The step's request is about to be sent (or, for a lookup folded
    /// into the reads, the step is about to be recorded).
    Sending { step: &'a str },
    /// The service answered; the result is not recorded yet.
    Answered { step: &'a str },
    /// The result and "step done" are stored.
    Done { step: &'a str },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Work {
    Sync(Action),
    Task(PlannedTask),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Step {
    pub id: String,
    pub work: Work,
}

impl Step {
    /// Whether the step writes to a service.
    pub fn sends(&self) -> bool {
        !matches!(
            self.work,
            Work::Sync(
                Action::FindGhlContact { .. }
                    | Action::FindHcpCustomer { .. }
                    | Action::SaveLink { .. }
            )
        )
    }

    fn needs_ghl(&self) -> bool {
        match &self.work {
            Work::Task(_) => true,
            Work::Sync(a) => matches!(
                a,
                Action::UpdateGhlContact { .. }
                    | Action::AddGhlTags { .. }
                    | Action::RemoveGhlTags { .. }
                    | Action::CreateGhlNote { .. }
                    | Action::SetGhlHcpId { .. }
            ),
        }
    }

    fn needs_hcp(&self) -> bool {
        matches!(
            &self.work,
            Work::Sync(Action::UpdateHcpCustomer { .. } | Action::SetGhlHcpId { .. })
        )
    }
}

fn fingerprint(apply: &crate::Apply, tasks: &[PlannedTask]) -> String {
    let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
    let digest = Sha256::digest(serde_json::to_vec(&titles).unwrap_or_default());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", apply.fingerprint())
}

fn log_text(v: &Value) -> Option<String> {
    (!v.is_missing()).then(|| v.to_string())
}

/// The id GHL reads back for each custom field key written by value, when
/// exactly one unknown id holds that value (and no other key wrote it).
fn learn_ids(
    written: &BTreeMap<String, Option<String>>,
    known: &BTreeMap<String, String>,
    got: &[ghl::CustomField],
) -> BTreeMap<String, String> {
    let known_ids: BTreeSet<&str> = known.values().map(String::as_str).collect();
    let mut out = BTreeMap::new();
    for (key, value) in written {
        let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        if known.contains_key(key)
            || written
                .values()
                .filter(|v| v.as_deref() == Some(value))
                .count()
                > 1
        {
            continue;
        }
        let ids: Vec<&str> = got
            .iter()
            .filter(|f| !known_ids.contains(f.id.as_str()) && f.display_value() == value)
            .map(|f| f.id.as_str())
            .collect();
        if let [id] = ids.as_slice() {
            out.insert(key.clone(), (*id).to_owned());
        }
    }
    out
}

fn custom_fields(
    w: &BTreeMap<String, Option<String>>,
    ids: &BTreeMap<String, String>,
) -> Option<Vec<ghl::CustomFieldInput>> {
    let list: Vec<_> = w
        .iter()
        .map(|(key, v)| {
            let value = v.clone().unwrap_or_default();
            match ids.get(key) {
                Some(id) => ghl::CustomFieldInput::by_id(id, value),
                None => ghl::CustomFieldInput::by_key(key, value),
            }
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

fn contact_input(
    w: &GhlWrite,
    tags: &[String],
    ids: &BTreeMap<String, String>,
) -> ghl::ContactInput {
    let get = |k: &str| w.fields.get(k).cloned().flatten();
    ghl::ContactInput {
        first_name: get("firstName"),
        last_name: get("lastName"),
        email: get("email"),
        phone: get("phone"),
        company_name: get("companyName"),
        address1: get("address1"),
        city: get("city"),
        state: get("state"),
        postal_code: get("postalCode"),
        country: get("country"),
        source: get("source"),
        tags: (!tags.is_empty()).then(|| tags.to_vec()),
        custom_fields: custom_fields(&w.custom_fields, ids),
        ..ghl::ContactInput::default()
    }
}

fn contact_update(w: &GhlWrite, ids: &BTreeMap<String, String>) -> ghl::ContactUpdate {
    // A blank value clears the field in GHL.
    let get = |k: &str| w.fields.get(k).map(|v| v.clone().unwrap_or_default());
    let mut update = ghl::ContactUpdate {
        first_name: get("firstName"),
        last_name: get("lastName"),
        email: get("email"),
        phone: get("phone"),
        address1: get("address1"),
        city: get("city"),
        state: get("state"),
        postal_code: get("postalCode"),
        country: get("country"),
        source: get("source"),
        custom_fields: custom_fields(&w.custom_fields, ids),
        ..ghl::ContactUpdate::default()
    };
    // Not in UpdateContactDto, but accepted by the live API (see the ghl crate).
    if let Some(v) = w.fields.get("companyName") {
        update.extra.insert(
            "companyName".into(),
            v.clone().map_or(Json::Null, Json::String),
        );
    }
    update
}

fn customer_input(w: &HcpWrite) -> hcp::CustomerInput {
    let get = |k: &str| w.fields.get(k).cloned().flatten();
    hcp::CustomerInput {
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        company: get("company"),
        mobile_number: get("mobile_number"),
        home_number: get("home_number"),
        work_number: get("work_number"),
        lead_source: get("lead_source"),
        tags: w.tags.clone().unwrap_or_default(),
        ..hcp::CustomerInput::default()
    }
}

fn customer_update(w: &HcpWrite) -> hcp::CustomerUpdate {
    let get = |k: &str| w.fields.get(k).cloned();
    hcp::CustomerUpdate {
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        company: get("company"),
        mobile_number: get("mobile_number"),
        home_number: get("home_number"),
        work_number: get("work_number"),
        lead_source: get("lead_source"),
        tags: w.tags.clone(),
        ..hcp::CustomerUpdate::default()
    }
}

/// Ids known while applying, filled by creates.
#[derive(Debug, Default)]
struct Ids {
    ghl: Option<String>,
    hcp: Option<String>,
    custom_fields: BTreeMap<String, String>,
}

/// What one step's request produced.
#[derive(Default)]
struct StepResult {
    ghl_id: Option<String>,
    hcp_id: Option<String>,
    learnt: BTreeMap<String, String>,
}

impl SyncEngine {
    /// The follow-up tasks due now for a GHL contact the sync creates.
    fn planned_tasks(&self, existing: Option<&[String]>) -> Vec<PlannedTask> {
        let now = OffsetDateTime::now_utc();
        self.settings
            .follow_up_tasks
            .iter()
            .filter(|t| !existing.is_some_and(|e| e.iter().any(|x| x.trim() == t.title.trim())))
            .map(|t| {
                let day = now.date() + Duration::days(i64::from(t.due_in_days));
                let at = Time::from_hms(t.due_hour.min(23), 0, 0).unwrap_or(Time::MIDNIGHT);
                PlannedTask {
                    title: t.title.clone(),
                    body: t.body.clone(),
                    due_date: ghl::datetime::to_rfc3339(day.with_time(at).assume_utc()),
                }
            })
            .collect()
    }

    pub(super) fn build_steps(&self, state: &State, p: &Prepared) -> Result<Vec<Step>, Error> {
        let apply = crate::steps(
            &p.plan,
            &self.settings.mapping,
            p.hcp.as_ref(),
            p.ghl.as_ref(),
        )?;
        let new_ghl = state.ghl.is_none() || state.run.as_ref().is_some_and(|r| r.created_ghl);
        let tasks = if new_ghl {
            self.planned_tasks(state.ghl_tasks.as_deref())
        } else {
            Vec::new()
        };
        let mut steps: Vec<Step> = apply
            .steps
            .iter()
            .map(|s| Step {
                id: s.id.to_string(),
                work: Work::Sync(s.action.clone()),
            })
            .collect();
        let link = steps.pop();
        steps.extend(tasks.into_iter().enumerate().map(|(i, t)| Step {
            id: format!("ghl.task.{}", i + 1),
            work: Work::Task(t),
        }));
        steps.extend(link);
        Ok(steps)
    }

    pub(super) async fn execute(
        &self,
        state: &State,
        p: &Prepared,
        steps: Vec<Step>,
        observer: &(dyn Fn(super::ApplyEvent<'_>) + Sync),
    ) -> Result<ApplyOutcome, Error> {
        let run_key = state.target.run_key();
        let tasks: Vec<PlannedTask> = steps
            .iter()
            .filter_map(|s| match &s.work {
                Work::Task(t) => Some(t.clone()),
                Work::Sync(_) => None,
            })
            .collect();
        let sync_steps = crate::Apply {
            steps: steps
                .iter()
                .filter_map(|s| match &s.work {
                    Work::Sync(a) => Some(crate::Step {
                        id: serde_json::from_value(Json::String(s.id.clone())).ok()?,
                        action: a.clone(),
                    }),
                    Work::Task(_) => None,
                })
                .collect(),
        };
        let run = self.store.begin_sync_run(
            &run_key,
            &fingerprint(&sync_steps, &tasks),
            state.ghl.is_none(),
        )?;
        let ids = Mutex::new(Ids {
            ghl: state
                .ghl
                .as_ref()
                .map(|c| c.id.clone())
                .or(run.ghl_contact_id.clone()),
            hcp: state
                .hcp
                .as_ref()
                .map(|c| c.id.clone())
                .or(run.hcp_customer_id.clone()),
            custom_fields: state.custom_field_ids.clone(),
        });
        let completed = Mutex::new(Vec::<String>::new());
        let done_before: BTreeSet<String> = run.done.iter().cloned().collect();

        let (link_step, work): (Vec<&Step>, Vec<&Step>) = steps
            .iter()
            .partition(|s| matches!(s.work, Work::Sync(Action::SaveLink { .. })));
        let mut pending: Vec<&Step> = work
            .into_iter()
            .filter(|s| !done_before.contains(&s.id))
            .collect();
        while !pending.is_empty() {
            let (has_ghl, has_hcp) = {
                let ids = ids
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                (ids.ghl.is_some(), ids.hcp.is_some())
            };
            let (ready, later): (Vec<&Step>, Vec<&Step>) = pending
                .into_iter()
                .partition(|s| (!s.needs_ghl() || has_ghl) && (!s.needs_hcp() || has_hcp));
            if ready.is_empty() {
                return Err(Error::StepFailed {
                    step: later[0].id.clone(),
                    message: "it needs a record that no earlier step created".into(),
                });
            }
            let results = join_all(
                ready
                    .iter()
                    .map(|s| self.run_step(p, &run_key, s, &ids, &completed, observer)),
            )
            .await;
            if let Some(e) = results.into_iter().find_map(Result::err) {
                return Err(e);
            }
            pending = later;
        }

        let (ghl_id, hcp_id) = {
            let ids = ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (ids.ghl.clone(), ids.hcp.clone())
        };
        let (Some(ghl_id), Some(hcp_id)) = (ghl_id, hcp_id) else {
            return Err(Error::StepFailed {
                step: "link.save".into(),
                message: "one of the two records is missing".into(),
            });
        };
        let link_id = link_step.first().map_or("link.save", |s| s.id.as_str());
        observer(super::ApplyEvent::Sending { step: link_id });
        let snapshot = serde_json::to_value(&p.plan.new_snapshot)
            .map_err(|e| Error::Store(format!("the sync snapshot cannot be stored: {e}")))?;
        let link = self
            .store
            .finish_sync(&run_key, &ghl_id, &hcp_id, &snapshot, &[])?;
        observer(super::ApplyEvent::Done { step: link_id });

        let steps_done = completed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let sent = steps
            .iter()
            .any(|s| s.sends() && steps_done.contains(&s.id));
        let created = if state.hcp.is_none() {
            Some(Side::Hcp)
        } else if state.ghl.is_none() || run.created_ghl {
            Some(Side::Ghl)
        } else {
            None
        };
        Ok(ApplyOutcome {
            hcp_customer_id: hcp_id,
            ghl_contact_id: ghl_id,
            created,
            to_ghl: p.plan.to_ghl.clone(),
            to_hcp: p.plan.to_hcp.clone(),
            unresolved: p.plan.unresolved().map(|c| c.field).collect(),
            tasks_created: steps
                .iter()
                .filter(|s| steps_done.contains(&s.id))
                .filter_map(|s| match &s.work {
                    Work::Task(t) => Some(t.title.clone()),
                    Work::Sync(_) => None,
                })
                .collect(),
            steps_done,
            nothing_sent: !sent,
            link,
        })
    }

    /// Log entries for `changes` going to `side`.
    fn log_entries(
        &self,
        changes: &[&Change],
        side: Side,
        ghl_id: &str,
        hcp_id: &str,
    ) -> Vec<store::NewSyncLogEntry> {
        changes
            .iter()
            .map(|c| store::NewSyncLogEntry {
                ghl_contact_id: ghl_id.to_owned(),
                hcp_customer_id: hcp_id.to_owned(),
                direction: match side {
                    Side::Ghl => store::SyncDirection::ToGhl,
                    Side::Hcp => store::SyncDirection::ToHcp,
                },
                field: c.field.to_string(),
                from: log_text(&c.from),
                to: match (c.field, &c.to) {
                    // The note's text may be long: the log keeps its stamp.
                    (Field::Note, Value::Text(t)) => Some(crate::note_stamp(t)),
                    (_, v) => log_text(v),
                },
                actor: self.settings.actor.clone(),
            })
            .collect()
    }

    async fn run_step(
        &self,
        p: &Prepared,
        run_key: &str,
        step: &Step,
        ids: &Mutex<Ids>,
        completed: &Mutex<Vec<String>>,
        observer: &(dyn Fn(super::ApplyEvent<'_>) + Sync),
    ) -> Result<(), Error> {
        let (ghl_id, hcp_id, cf_ids) = {
            let ids = ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (
                ids.ghl.clone().unwrap_or_default(),
                ids.hcp.clone().unwrap_or_default(),
                ids.custom_fields.clone(),
            )
        };
        let failed = |message: String| Error::StepFailed {
            step: step.id.clone(),
            message,
        };
        let to_ghl = |pred: &dyn Fn(Field) -> bool| -> Vec<&Change> {
            p.plan.to_ghl.iter().filter(|c| pred(c.field)).collect()
        };
        observer(super::ApplyEvent::Sending { step: &step.id });
        let mut out = StepResult::default();
        let mut log = Vec::new();
        match &step.work {
            // Folded into this apply's matching reads, done moments ago.
            Work::Sync(Action::FindGhlContact { .. } | Action::FindHcpCustomer { .. }) => {}
            Work::Sync(Action::SaveLink { .. }) => return Ok(()),
            Work::Sync(Action::CreateGhlContact { write, tags }) => {
                let contact = self
                    .ghl
                    .create_contact(&contact_input(write, tags, &cf_ids))
                    .await
                    .map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                out.learnt = learn_ids(&write.custom_fields, &cf_ids, &contact.custom_fields);
                log = self.log_entries(
                    &to_ghl(&|f| f != Field::Note),
                    Side::Ghl,
                    &contact.id,
                    &hcp_id,
                );
                out.ghl_id = Some(contact.id);
            }
            Work::Sync(Action::UpdateGhlContact { write }) => {
                let contact = self
                    .ghl
                    .update_contact(&ghl_id, &contact_update(write, &cf_ids))
                    .await
                    .map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                out.learnt = learn_ids(&write.custom_fields, &cf_ids, &contact.custom_fields);
                log = self.log_entries(
                    &to_ghl(&|f| !matches!(f, Field::Note | Field::Tags)),
                    Side::Ghl,
                    &ghl_id,
                    &hcp_id,
                );
            }
            Work::Sync(Action::AddGhlTags { tags } | Action::RemoveGhlTags { tags }) => {
                let adding = matches!(step.work, Work::Sync(Action::AddGhlTags { .. }));
                let r = if adding {
                    self.ghl.add_tags(&ghl_id, tags).await
                } else {
                    self.ghl.remove_tags(&ghl_id, tags).await
                };
                r.map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                let change = p.plan.to_ghl.iter().find(|c| c.field == Field::Tags);
                if let Some(c) = change {
                    let (set, sign) = if adding {
                        (c.added_tags(), "+")
                    } else {
                        (c.removed_tags(), "-")
                    };
                    log.push(store::NewSyncLogEntry {
                        ghl_contact_id: ghl_id.clone(),
                        hcp_customer_id: hcp_id.clone(),
                        direction: store::SyncDirection::ToGhl,
                        field: Field::Tags.to_string(),
                        from: log_text(&c.from),
                        to: Some(
                            set.iter()
                                .map(|t| format!("{sign}{t}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                        actor: self.settings.actor.clone(),
                    });
                }
            }
            Work::Sync(Action::CreateGhlNote { stamp, body }) => {
                self.ghl
                    .create_note(&ghl_id, &ghl::NoteInput::new(body.clone()))
                    .await
                    .map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                let change: Vec<&Change> = p
                    .plan
                    .to_ghl
                    .iter()
                    .filter(|c| {
                        c.field == Field::Note
                            && c.to.as_text().map(crate::note_stamp).as_ref() == Some(stamp)
                    })
                    .collect();
                log = self.log_entries(&change, Side::Ghl, &ghl_id, &hcp_id);
            }
            Work::Sync(Action::CreateHcpCustomer { write }) => {
                let customer = self
                    .hcp
                    .create_customer(&customer_input(write))
                    .await
                    .map_err(|e| failed(hcp_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                let changes: Vec<&Change> = p.plan.to_hcp.iter().collect();
                log = self.log_entries(&changes, Side::Hcp, &ghl_id, &customer.id);
                out.hcp_id = Some(customer.id);
            }
            Work::Sync(Action::UpdateHcpCustomer { write }) => {
                self.hcp
                    .update_customer(&hcp_id, &customer_update(write))
                    .await
                    .map_err(|e| failed(hcp_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                let changes: Vec<&Change> = p.plan.to_hcp.iter().collect();
                log = self.log_entries(&changes, Side::Hcp, &ghl_id, &hcp_id);
            }
            Work::Sync(Action::SetGhlHcpId { custom_field }) => {
                let write = GhlWrite {
                    fields: BTreeMap::new(),
                    custom_fields: [(custom_field.clone(), Some(hcp_id.clone()))].into(),
                };
                let contact = self
                    .ghl
                    .update_contact(&ghl_id, &contact_update(&write, &cf_ids))
                    .await
                    .map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                out.learnt = learn_ids(&write.custom_fields, &cf_ids, &contact.custom_fields);
            }
            Work::Task(t) => {
                let input = ghl::TaskInput {
                    title: t.title.clone(),
                    body: (!t.body.trim().is_empty()).then(|| t.body.clone()),
                    due_date: t.due_date.clone(),
                    completed: false,
                    assigned_to: None,
                };
                self.ghl
                    .create_task(&ghl_id, &input)
                    .await
                    .map_err(|e| failed(ghl_err(e).to_string()))?;
                observer(super::ApplyEvent::Answered { step: &step.id });
                log.push(store::NewSyncLogEntry {
                    ghl_contact_id: ghl_id.clone(),
                    hcp_customer_id: hcp_id.clone(),
                    direction: store::SyncDirection::ToGhl,
                    field: "task".into(),
                    from: None,
                    to: Some(format!("{} (due {})", t.title, t.due_date)),
                    actor: self.settings.actor.clone(),
                });
            }
        }
        self.store
            .record_sync_step(&store::SyncStepRecord {
                target: run_key.to_owned(),
                step: step.id.clone(),
                ghl_contact_id: out.ghl_id.clone(),
                hcp_customer_id: out.hcp_id.clone(),
                log,
                custom_field_ids: out.learnt.clone(),
            })
            .map_err(|e| failed(e.to_string()))?;
        {
            let mut ids = ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if out.ghl_id.is_some() {
                ids.ghl = out.ghl_id;
            }
            if out.hcp_id.is_some() {
                ids.hcp = out.hcp_id;
            }
            ids.custom_fields.extend(out.learnt);
        }
        completed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(step.id.clone());
        observer(super::ApplyEvent::Done { step: &step.id });
        Ok(())
    }
}
