//! Reading both sides and matching them: the stored link first, then the
//! record an unfinished apply created, then the person's choice, then
//! lookups by email and phone (both at once).

use std::collections::BTreeMap;

use futures_util::future::OptionFuture;

use super::{Candidate, MatchChoice, MatchedBy, Matching, SideView, SyncEngine, SyncTarget};
use crate::error::Error;
use crate::mapping::{GhlContact, HcpCustomer, Mapping};
use crate::model::{Field, Record, Side, Snapshot, Value};
use crate::normalize::{is_email, phone as normalize_phone};
use crate::plan::{plan, Choices, Plan};

/// Everything read for one preview or apply.
#[derive(Debug, Clone)]
pub(super) struct State {
    pub target: SyncTarget,
    pub run: Option<store::SyncRun>,
    pub base: Option<Snapshot>,
    pub matching: Matching,
    pub hcp: Option<hcp::Customer>,
    pub ghl: Option<ghl::Contact>,
    /// Bodies of the GHL contact's notes.
    pub ghl_notes: Vec<String>,
    /// Titles of the GHL contact's tasks, when read (only for a contact the
    /// sync created, the only one that gets follow-up tasks).
    pub ghl_tasks: Option<Vec<String>>,
    /// GHL custom field ids by key (settings, then learnt).
    pub custom_field_ids: BTreeMap<String, String>,
}

/// The plan and the views it was made from; `None` from `prepare` while
/// the match is ambiguous.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub plan: Plan,
    pub hcp: Option<HcpCustomer>,
    pub ghl: Option<GhlContact>,
}

pub(super) fn ghl_err(e: ghl::Error) -> Error {
    Error::Remote {
        side: Side::Ghl,
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

pub(super) fn hcp_err(e: hcp::Error) -> Error {
    Error::Remote {
        side: Side::Hcp,
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

fn ghl_read(id: &str, r: Result<ghl::Contact, ghl::Error>) -> Result<ghl::Contact, Error> {
    r.map_err(|e| match e {
        ghl::Error::NotFound { .. } => Error::NotFound {
            side: Side::Ghl,
            id: id.to_owned(),
        },
        e => ghl_err(e),
    })
}

fn hcp_read(id: &str, r: Result<hcp::Customer, hcp::Error>) -> Result<hcp::Customer, Error> {
    r.map_err(|e| match e {
        hcp::Error::NotFound { .. } => Error::NotFound {
            side: Side::Hcp,
            id: id.to_owned(),
        },
        e => hcp_err(e),
    })
}

/// The HCP customer as the pure mapping reads it.
pub(super) fn hcp_view(c: &hcp::Customer) -> HcpCustomer {
    // Both follow the API's JSON names, so the API model converts through JSON.
    serde_json::to_value(c)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_else(|| HcpCustomer {
            id: c.id.clone(),
            ..HcpCustomer::default()
        })
}

/// The GHL contact as the pure mapping reads it; custom field values are
/// keyed by the mapping's keys where their ids are known.
pub(super) fn ghl_view(
    c: &ghl::Contact,
    notes: &[String],
    ids: &BTreeMap<String, String>,
) -> GhlContact {
    let key_of: BTreeMap<&str, &str> = ids.iter().map(|(k, i)| (i.as_str(), k.as_str())).collect();
    GhlContact {
        id: c.id.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        company_name: c.company_name.clone(),
        address1: c.address1.clone(),
        city: c.city.clone(),
        state: c.state.clone(),
        postal_code: c.postal_code.clone(),
        country: c.country.clone(),
        source: c.source.clone(),
        tags: c.tags.clone(),
        custom_fields: c
            .custom_fields
            .iter()
            .filter_map(|f| {
                let key = key_of.get(f.id.as_str())?;
                let value = f.display_value();
                (!value.trim().is_empty()).then(|| ((*key).to_owned(), value))
            })
            .collect(),
        note_bodies: notes.to_vec(),
    }
}

/// A valid email and an E.164 phone of a record, for lookups. Invalid
/// values are not looked up (validation names them before anything is sent).
fn lookup_keys(mapping: &Mapping, record: &Record) -> (Option<String>, Option<String>) {
    let email = record
        .get(Field::Email)
        .as_text()
        .filter(|e| is_email(e))
        .map(str::to_owned);
    let phone = record
        .get(Field::Phone)
        .as_text()
        .and_then(|p| normalize_phone(p, &mapping.default_country_code).ok());
    (email, phone)
}

/// Adds `by` to the candidate `id`, or a new candidate.
fn add_candidate(list: &mut Vec<Candidate>, new: Candidate, by: MatchedBy) {
    match list.iter_mut().find(|c| c.id == new.id) {
        Some(c) => c.matched_by.push(by),
        None => list.push(Candidate {
            matched_by: vec![by],
            ..new
        }),
    }
}

fn ghl_candidate(c: &ghl::Contact) -> Candidate {
    Candidate {
        side: Side::Ghl,
        id: c.id.clone(),
        name: c.display_name(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        matched_by: Vec::new(),
    }
}

fn hcp_candidate(c: &hcp::Customer) -> Candidate {
    Candidate {
        side: Side::Hcp,
        id: c.id.clone(),
        name: c.full_name(),
        email: c.email.clone(),
        phone: c
            .mobile_number
            .clone()
            .or_else(|| c.home_number.clone())
            .or_else(|| c.work_number.clone()),
        matched_by: Vec::new(),
    }
}

/// What the lookups of `q` on HCP should send for a phone: its national
/// digits (HCP searches the number as typed, so the country code is dropped).
fn hcp_phone_query(e164: &str, country_code: &str) -> String {
    let digits = e164.trim_start_matches('+');
    digits
        .strip_prefix(country_code)
        .filter(|rest| rest.len() >= 7)
        .unwrap_or(digits)
        .to_owned()
}

impl State {
    pub fn hcp_view(&self, mapping: &Mapping) -> Option<SideView> {
        self.hcp.as_ref().map(|c| SideView {
            side: Side::Hcp,
            id: c.id.clone(),
            name: c.full_name(),
            record: mapping.hcp_record(&hcp_view(c)),
        })
    }

    pub fn ghl_view(&self, mapping: &Mapping) -> Option<SideView> {
        self.ghl.as_ref().map(|c| SideView {
            side: Side::Ghl,
            id: c.id.clone(),
            name: c.display_name(),
            record: mapping.ghl_record(&ghl_view(c, &self.ghl_notes, &self.custom_field_ids)),
        })
    }
}

impl SyncEngine {
    fn known_custom_field_ids(&self) -> Result<BTreeMap<String, String>, Error> {
        let mut ids = self.store.sync_custom_field_ids()?;
        ids.extend(self.settings.custom_field_ids.clone());
        Ok(ids)
    }

    /// Reads the GHL contact `id` with its notes (and tasks when asked), in parallel.
    async fn read_ghl(
        &self,
        id: &str,
        with_tasks: bool,
    ) -> Result<(ghl::Contact, Vec<String>, Option<Vec<String>>), Error> {
        let tasks: OptionFuture<_> = with_tasks.then(|| self.ghl.contact_tasks(id)).into();
        let (contact, notes, tasks) =
            tokio::join!(self.ghl.get_contact(id), self.ghl.contact_notes(id), tasks);
        Ok((
            ghl_read(id, contact)?,
            notes_of(notes)?,
            tasks.transpose().map_err(ghl_err)?.map(titles),
        ))
    }

    /// Reads both sides by id, in parallel.
    async fn read_pair(
        &self,
        hcp_id: &str,
        ghl_id: &str,
        with_tasks: bool,
    ) -> Result<
        (
            hcp::Customer,
            ghl::Contact,
            Vec<String>,
            Option<Vec<String>>,
        ),
        Error,
    > {
        let (customer, ghl) = tokio::join!(
            self.hcp.get_customer(hcp_id),
            self.read_ghl(ghl_id, with_tasks)
        );
        let (contact, notes, tasks) = ghl?;
        Ok((hcp_read(hcp_id, customer)?, contact, notes, tasks))
    }

    /// Refuses a chosen record already linked to another one.
    fn check_unlinked(&self, side: Side, id: &str, partner: &str) -> Result<(), Error> {
        let link = match side {
            Side::Ghl => self.store.sync_link_by_ghl(id)?.map(|l| l.hcp_customer_id),
            Side::Hcp => self.store.sync_link_by_hcp(id)?.map(|l| l.ghl_contact_id),
        };
        match link {
            Some(other) if other != partner => Err(Error::BadMatchChoice(format!(
                "{} record {id} is already linked to another record",
                side.name()
            ))),
            _ => Ok(()),
        }
    }

    /// Whether a found record is linked to a record other than `partner`
    /// (it then cannot be a match: one link per record).
    fn linked_elsewhere(&self, side: Side, id: &str, partner: &str) -> Result<bool, Error> {
        Ok(self.check_unlinked(side, id, partner).is_err())
    }

    pub(super) async fn load(
        &self,
        target: &SyncTarget,
        choice: Option<&MatchChoice>,
    ) -> Result<State, Error> {
        let run = self.store.sync_run(&target.run_key())?;
        let custom_field_ids = self.known_custom_field_ids()?;
        let with_tasks = run.as_ref().is_some_and(|r| r.created_ghl);
        let mut state = State {
            target: target.clone(),
            run: run.clone(),
            base: None,
            matching: Matching::New,
            hcp: None,
            ghl: None,
            ghl_notes: Vec::new(),
            ghl_tasks: None,
            custom_field_ids,
        };
        match target {
            SyncTarget::Hcp(id) => {
                let link = self.store.sync_link_by_hcp(id)?;
                let partner = match (
                    &link,
                    run.as_ref().and_then(|r| r.ghl_contact_id.clone()),
                    choice,
                ) {
                    (Some(l), _, _) => Some((l.ghl_contact_id.clone(), None)),
                    (None, Some(g), _) => Some((g, Some(MatchedBy::EarlierApply))),
                    (None, None, Some(MatchChoice::Existing(g))) => {
                        self.check_unlinked(Side::Ghl, g, id)?;
                        Some((g.clone(), Some(MatchedBy::Choice)))
                    }
                    (None, None, Some(MatchChoice::New)) => None,
                    (None, None, None) => return self.match_from_hcp(state, id, with_tasks).await,
                };
                match partner {
                    Some((ghl_id, by)) => {
                        let (c, g, notes, tasks) = self.read_pair(id, &ghl_id, with_tasks).await?;
                        state.hcp = Some(c);
                        state.ghl = Some(g);
                        state.ghl_notes = notes;
                        state.ghl_tasks = tasks;
                        state.matching = link_matching(&link, by);
                    }
                    None => {
                        state.hcp = Some(hcp_read(id, self.hcp.get_customer(id).await)?);
                    }
                }
                state.base = snapshot_of(link.as_ref())?;
            }
            SyncTarget::Ghl(id) => {
                let link = self.store.sync_link_by_ghl(id)?;
                let partner = match (
                    &link,
                    run.as_ref().and_then(|r| r.hcp_customer_id.clone()),
                    choice,
                ) {
                    (Some(l), _, _) => Some((l.hcp_customer_id.clone(), None)),
                    (None, Some(h), _) => Some((h, Some(MatchedBy::EarlierApply))),
                    (None, None, Some(MatchChoice::Existing(h))) => {
                        self.check_unlinked(Side::Hcp, h, id)?;
                        Some((h.clone(), Some(MatchedBy::Choice)))
                    }
                    (None, None, Some(MatchChoice::New)) => None,
                    (None, None, None) => return self.match_from_ghl(state, id).await,
                };
                match partner {
                    Some((hcp_id, by)) => {
                        let (c, g, notes, tasks) = self.read_pair(&hcp_id, id, with_tasks).await?;
                        state.hcp = Some(c);
                        state.ghl = Some(g);
                        state.ghl_notes = notes;
                        state.ghl_tasks = tasks;
                        state.matching = link_matching(&link, by);
                    }
                    None => {
                        let (g, notes, _) = self.read_ghl(id, false).await?;
                        state.ghl = Some(g);
                        state.ghl_notes = notes;
                    }
                }
                state.base = snapshot_of(link.as_ref())?;
            }
        }
        Ok(state)
    }

    /// An unlinked HCP customer: read it, then GHL's duplicate lookup by
    /// email and by phone at once.
    async fn match_from_hcp(
        &self,
        mut state: State,
        id: &str,
        with_tasks: bool,
    ) -> Result<State, Error> {
        let mapping = &self.settings.mapping;
        let customer = hcp_read(id, self.hcp.get_customer(id).await)?;
        let (email, phone) = lookup_keys(mapping, &mapping.hcp_record(&hcp_view(&customer)));
        let by_email: OptionFuture<_> = email
            .map(|e| self.ghl.find_duplicate(ghl::DuplicateQuery::Email(e)))
            .into();
        let by_phone: OptionFuture<_> = phone
            .map(|p| self.ghl.find_duplicate(ghl::DuplicateQuery::Phone(p)))
            .into();
        let (by_email, by_phone) = tokio::join!(by_email, by_phone);
        let mut found: Vec<(ghl::Contact, MatchedBy)> = Vec::new();
        for (result, by) in [(by_email, MatchedBy::Email), (by_phone, MatchedBy::Phone)] {
            if let Some(contact) = result.transpose().map_err(ghl_err)?.flatten() {
                if !self.linked_elsewhere(Side::Ghl, &contact.id, id)? {
                    found.push((contact, by));
                }
            }
        }
        let mut candidates = Vec::new();
        for (c, by) in &found {
            add_candidate(&mut candidates, ghl_candidate(c), *by);
        }
        state.hcp = Some(customer);
        match candidates.len() {
            0 => state.matching = Matching::New,
            1 => {
                let (contact, by) = found.swap_remove(0);
                // The duplicate answer is the full contact; only its notes
                // (and tasks) are still needed.
                let tasks: OptionFuture<_> = with_tasks
                    .then(|| self.ghl.contact_tasks(&contact.id))
                    .into();
                let (notes, tasks) = tokio::join!(self.ghl.contact_notes(&contact.id), tasks);
                state.ghl_notes = notes_of(notes)?;
                state.ghl_tasks = tasks.transpose().map_err(ghl_err)?.map(titles);
                state.ghl = Some(contact);
                state.matching = Matching::Matched {
                    by: if with_tasks {
                        MatchedBy::EarlierApply
                    } else {
                        by
                    },
                };
            }
            _ => state.matching = Matching::Ambiguous { candidates },
        }
        Ok(state)
    }

    /// An unlinked GHL contact: read it, then search HCP by its email and by
    /// its phone at once, keeping exact matches only.
    async fn match_from_ghl(&self, mut state: State, id: &str) -> Result<State, Error> {
        let mapping = &self.settings.mapping;
        let (contact, notes, _) = self.read_ghl(id, false).await?;
        let view = ghl_view(&contact, &notes, &state.custom_field_ids);
        let (email, phone) = lookup_keys(mapping, &mapping.ghl_record(&view));
        let query = |q: String| hcp::CustomerQuery {
            q: Some(q),
            page_size: Some(25),
            ..hcp::CustomerQuery::default()
        };
        let by_email: OptionFuture<_> = email
            .clone()
            .map(|e| async move { self.hcp.list_customers(&query(e)).await })
            .into();
        let by_phone: OptionFuture<_> = phone
            .clone()
            .map(|p| {
                let q = hcp_phone_query(&p, &mapping.default_country_code);
                async move { self.hcp.list_customers(&query(q)).await }
            })
            .into();
        let (by_email, by_phone) = tokio::join!(by_email, by_phone);
        let norm = mapping.normalizer();
        let mut found: Vec<hcp::Customer> = Vec::new();
        let mut candidates = Vec::new();
        for (page, by) in [(by_email, MatchedBy::Email), (by_phone, MatchedBy::Phone)] {
            let Some(page) = page.transpose().map_err(hcp_err)? else {
                continue;
            };
            for c in page.customers {
                let hit = match by {
                    MatchedBy::Email => {
                        c.email.as_deref().map(|e| norm.text(Field::Email, e))
                            == email.clone().map(Value::Text)
                    }
                    _ => [&c.mobile_number, &c.home_number, &c.work_number]
                        .into_iter()
                        .flatten()
                        .any(|n| {
                            Some(norm.text(Field::Phone, n)) == phone.clone().map(Value::Text)
                        }),
                };
                if hit && !self.linked_elsewhere(Side::Hcp, &c.id, id)? {
                    add_candidate(&mut candidates, hcp_candidate(&c), by);
                    if !found.iter().any(|f| f.id == c.id) {
                        found.push(c);
                    }
                }
            }
        }
        state.ghl = Some(contact);
        state.ghl_notes = notes;
        match candidates.len() {
            0 => state.matching = Matching::New,
            1 => {
                state.matching = Matching::Matched {
                    by: candidates[0].matched_by[0],
                };
                state.hcp = found.pop();
            }
            _ => state.matching = Matching::Ambiguous { candidates },
        }
        Ok(state)
    }

    /// The plan for `state`; `None` while the match is ambiguous.
    pub(super) fn prepare(
        &self,
        state: &State,
        choices: &Choices,
    ) -> Result<Option<Prepared>, Error> {
        if matches!(state.matching, Matching::Ambiguous { .. }) {
            return Ok(None);
        }
        let mapping = &self.settings.mapping;
        let hcp = state.hcp.as_ref().map(hcp_view);
        let ghl = state
            .ghl
            .as_ref()
            .map(|c| ghl_view(c, &state.ghl_notes, &state.custom_field_ids));
        if hcp.is_none() && ghl.is_none() {
            return Err(Error::NoRecord);
        }
        let hcp_rec = hcp
            .as_ref()
            .map(|c| mapping.hcp_record(c))
            .unwrap_or_default();
        let mut ghl_rec = ghl
            .as_ref()
            .map(|c| mapping.ghl_record(c))
            .unwrap_or_default();
        if ghl.is_some() {
            // A custom field whose id is not known yet cannot be read: take
            // it as unchanged since the last sync rather than as cleared.
            for (kind, key) in &mapping.phone_custom_fields {
                if !state.custom_field_ids.contains_key(key) {
                    let field = Field::ExtraPhone(*kind);
                    let base = state.base.as_ref().map(|b| b.get(field).clone());
                    ghl_rec.set(field, base.unwrap_or_default());
                }
            }
        }
        let plan = plan(state.base.as_ref(), &hcp_rec, &ghl_rec, choices);
        Ok(Some(Prepared { plan, hcp, ghl }))
    }
}

fn link_matching(link: &Option<store::SyncLink>, by: Option<MatchedBy>) -> Matching {
    match (link, by) {
        (Some(l), _) => Matching::Linked {
            linked_at: l.linked_at.clone(),
            last_synced_at: l.last_synced_at.clone(),
        },
        (None, Some(by)) => Matching::Matched { by },
        (None, None) => Matching::New,
    }
}

fn snapshot_of(link: Option<&store::SyncLink>) -> Result<Option<Snapshot>, Error> {
    link.map(|l| {
        serde_json::from_value(l.snapshot.clone())
            .map_err(|e| Error::Store(format!("the stored sync snapshot cannot be read: {e}")))
    })
    .transpose()
}

fn notes_of(notes: Result<Vec<ghl::Note>, ghl::Error>) -> Result<Vec<String>, Error> {
    Ok(notes
        .map_err(ghl_err)?
        .into_iter()
        .filter_map(|n| n.body)
        .collect())
}

fn titles(tasks: Vec<ghl::Task>) -> Vec<String> {
    tasks.into_iter().filter_map(|t| t.title).collect()
}
