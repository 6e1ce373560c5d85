//! The app's connection to GHL (or to the demo sandbox) and the queries the UI makes.

use crate::cache::{self, LocationCache};
use crate::convert;
use crate::ipc::{
    AppError, Appointment, ConflictChoice, ContactDetail, ContactForm, ContactPage, DuplicateMatch,
    ErrorCode, KeepSide, Note, NoteForm, OutboxItem, Task, TaskForm, UpsertOutcome,
};
use crate::outbox;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::OutboxEntry;

/// The most contacts one list page may hold; GHL's search caps `pageLimit` at 100.
pub const MAX_PAGE_SIZE: u32 = 100;

pub struct Connection {
    client: ghl::Client,
    location_id: String,
    /// Every tag seen in this session, offered as completions when tagging.
    known_tags: Mutex<BTreeSet<String>>,
    /// The sign-in behind `client`'s tokens (`None` for a fixed token in tests).
    session: Option<auth::LocationSession>,
    /// The location's contacts on this computer; lists and contacts are read
    /// from it, edits are written through to it.
    cache: Arc<LocationCache>,
}

impl Connection {
    /// Connects and opens the location's cache at `cache_file` (its background
    /// download/refresh starts at once).
    pub async fn open(
        client: ghl::Client,
        session: Option<auth::LocationSession>,
        cache_file: PathBuf,
        refresh_interval: Duration,
    ) -> Result<Connection, AppError> {
        let cache = LocationCache::open(client.clone(), cache_file, refresh_interval).await?;
        Ok(Connection {
            location_id: client.location_id().to_owned(),
            client,
            known_tags: Mutex::default(),
            session,
            cache,
        })
    }

    pub fn cache(&self) -> &Arc<LocationCache> {
        &self.cache
    }

    /// The GHL client itself, for work that keeps its own answers in the
    /// cache (the Houzz Pro import).
    pub fn ghl(&self) -> &ghl::Client {
        &self.client
    }

    /// Waits (up to 60 s) for the first download to finish.
    #[cfg(test)]
    pub async fn wait_for_download(&self) {
        for _ in 0..600 {
            if self.cache.status().download_complete {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the first download did not finish: {:?}",
            self.cache.status()
        );
    }

    /// The sync of one contact between Housecall Pro and this location; its
    /// links and log live in this location's cache.
    pub fn sync_engine(
        &self,
        hcp: hcp::Client,
        settings: sync::SyncSettings,
    ) -> Result<sync::SyncEngine, AppError> {
        Ok(sync::SyncEngine::new(
            self.client.clone(),
            hcp,
            self.cache.store()?,
            settings,
        ))
    }

    /// Runs a read or write of the cache on the blocking pool.
    pub async fn cached<T: Send + 'static>(
        &self,
        f: impl FnOnce(&store::Store) -> store::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        cache::blocking(self.cache.store()?, f).await
    }

    /// A GHL call whose outcome also tells the cache whether GHL is reachable.
    async fn remote<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, ghl::Error>>,
    ) -> Result<T, ghl::Error> {
        let result = call.await;
        self.cache.observe(&result);
        result
    }

    pub fn session_method(&self) -> Option<auth::AuthMethod> {
        self.session.as_ref().map(auth::LocationSession::method)
    }

    pub fn session_status(&self) -> Option<auth::SessionStatus> {
        self.session.as_ref().map(auth::LocationSession::status)
    }

    /// A new sign-in for this location replaces the old one for every caller.
    pub async fn reconnect(&self, credential: auth::Credential) -> auth::Result<()> {
        match &self.session {
            Some(session) => session.reconnect(credential).await,
            None => Err(auth::Error::NotSignedIn {
                location_id: self.location_id.clone(),
            }),
        }
    }

    pub async fn sign_out(&self, accounts: &mut auth::Accounts) -> auth::Result<()> {
        self.cache.stop();
        match &self.session {
            Some(session) => session.sign_out(accounts).await,
            None => Err(auth::Error::NotSignedIn {
                location_id: self.location_id.clone(),
            }),
        }
    }

    /// One page of cached contacts matching `query` (ranked; a blank query
    /// lists the most recently updated first).
    pub async fn list_contacts(
        &self,
        query: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ContactPage, AppError> {
        let query = query.trim().to_owned();
        let cursor = cursor.map(str::to_owned);
        let first_page = cursor.is_none();
        let limit = limit.clamp(1, MAX_PAGE_SIZE) as usize;
        let (page, count) = self
            .cached(move |s| {
                let page = s.search(
                    &query,
                    store::ListOrder::RecentlyUpdated,
                    cursor.as_deref(),
                    limit,
                )?;
                let count = if query.is_empty() {
                    Some(s.count()?)
                } else {
                    None
                };
                Ok((page, count))
            })
            .await?;
        self.remember_tags(page.items.iter().flat_map(|c| c.tags.iter()));
        let total = match count {
            Some(count) => Some(u32::try_from(count).unwrap_or(u32::MAX)),
            None if first_page && page.next_cursor.is_none() => Some(page.items.len() as u32),
            None => None,
        };
        Ok(ContactPage {
            total,
            contacts: page.items.into_iter().map(convert::contact_row).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// One page from GHL's deprecated `GET /contacts/` list (a support option
    /// for comparing with search). The cursor carries `startAfterId` and
    /// `startAfter`; a cursor that comes back unchanged ends the list.
    pub async fn list_contacts_legacy(
        &self,
        query: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ContactPage, AppError> {
        let after: Option<LegacyCursor> = cursor
            .map(|cursor| serde_json::from_str(cursor).map_err(|_| stale_cursor()))
            .transpose()?;
        let query = query.trim();
        let request = ghl::LegacyListRequest {
            query: (!query.is_empty()).then(|| query.to_owned()),
            limit: Some(limit.clamp(1, ghl::LegacyListRequest::MAX_LIMIT)),
            start_after_id: after.as_ref().map(|a| a.start_after_id.clone()),
            start_after: after.as_ref().map(|a| a.start_after),
        };
        let page = self.client.list_contacts_legacy(&request).await?;
        self.remember_tags(page.contacts.iter().flat_map(|c| c.tags.iter()));
        let next = page.meta.as_ref().and_then(|meta| {
            Some(LegacyCursor {
                start_after_id: meta.start_after_id.clone()?,
                start_after: meta.start_after?,
            })
        });
        let next = next.filter(|next| !page.contacts.is_empty() && after.as_ref() != Some(next));
        let total = page
            .meta
            .as_ref()
            .and_then(|meta| meta.total)
            .or(page.count)
            .unwrap_or(page.contacts.len() as u64);
        Ok(ContactPage {
            total: Some(u32::try_from(total).unwrap_or(u32::MAX)),
            contacts: page
                .contacts
                .into_iter()
                .map(|contact| convert::contact_summary_of(convert::contact_detail(contact)))
                .collect(),
            next_cursor: next.map(|next| serde_json::to_string(&next).expect("cursor serializes")),
        })
    }

    /// The cached contact; one not cached yet (the first download is still
    /// running) is fetched and kept.
    pub async fn contact(&self, contact_id: &str) -> Result<ContactDetail, AppError> {
        let id = contact_id.to_owned();
        let contact = match self.cached(move |s| s.contact(&id)).await? {
            Some(contact) => contact,
            None => {
                self.online_or_not_cached()?;
                let contact = self
                    .remote(self.client.get_contact(contact_id))
                    .await
                    .map_err(not_cached)?;
                let kept = contact.clone();
                self.cached(move |s| s.upsert_contact(&kept)).await?;
                contact
            }
        };
        self.remember_tags(contact.tags.iter());
        Ok(convert::contact_detail(contact))
    }

    /// Fetches the contact, its tasks, notes and appointments from GHL in
    /// parallel into the cache. `false` when GHL cannot be reached (the cache
    /// is left as it is) or the contact was made offline and not sent yet.
    pub async fn refresh_contact(&self, contact_id: &str) -> Result<bool, AppError> {
        if convert::is_pending(contact_id) {
            return Ok(false);
        }
        let (contact, notes, (tasks, appointments)) = tokio::join!(
            self.remote(self.client.get_contact(contact_id)),
            self.remote(self.client.contact_notes(contact_id)),
            crate::task_walk::fetch_tasks_and_appointments(&self.client, contact_id),
        );
        self.cache.observe(&tasks);
        self.cache.observe(&appointments);
        let offline = [
            contact.as_ref().err(),
            tasks.as_ref().err(),
            notes.as_ref().err(),
            appointments.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .any(cache::is_offline_error);
        if offline {
            return Ok(false);
        }
        let id = contact_id.to_owned();
        match contact {
            Err(ghl::Error::NotFound { .. }) => {
                // Deleted in GHL since it was cached.
                self.cached(move |s| s.delete_contacts(&[id])).await?;
                self.cache.changed().await;
                return Err(AppError {
                    code: ErrorCode::NotFound,
                    message: "This contact no longer exists in GoHighLevel.".to_owned(),
                    details: None,
                });
            }
            Err(error) => return Err(error.into()),
            Ok(contact) => {
                let (tasks, notes, appointments) = (tasks?, notes?, appointments?);
                self.remember_tags(contact.tags.iter());
                self.cached(move |s| {
                    s.upsert_contact(&contact)?;
                    s.replace_notes(&id, &notes)?;
                    s.replace_tasks_and_appointments(&id, &tasks, &appointments)
                })
                .await?;
            }
        }
        self.cache.changed().await;
        Ok(true)
    }

    fn remember_tags<'a>(&self, tags: impl Iterator<Item = &'a String>) {
        if let Ok(mut known) = self.known_tags.lock() {
            known.extend(tags.cloned());
        }
    }

    pub fn known_tags(&self) -> Vec<String> {
        self.known_tags
            .lock()
            .map(|known| known.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The contacts linked to one business (company), first 100.
    pub async fn business_contacts(&self, business_id: &str) -> Result<ContactPage, AppError> {
        let query = ghl::BusinessQuery {
            limit: Some(MAX_PAGE_SIZE),
            ..ghl::BusinessQuery::default()
        };
        let page = self
            .client
            .contacts_by_business(business_id, &query)
            .await?;
        let contacts: Vec<_> = page
            .contacts
            .into_iter()
            .map(|contact| convert::contact_summary_of(convert::contact_detail(contact)))
            .collect();
        Ok(ContactPage {
            total: Some(
                page.count
                    .and_then(|count| u32::try_from(count).ok())
                    .unwrap_or(contacts.len() as u32),
            ),
            contacts,
            next_cursor: None,
        })
    }

    /// Creates the contact in GHL, or, when GHL cannot be reached, queues it
    /// and shows it at once with a local id ("Waiting to send").
    pub async fn create_contact(&self, form: ContactForm) -> Result<ContactDetail, AppError> {
        let input = convert::contact_input(form);
        let queued = input.clone();
        let sent = self
            .send_or_queue(None, self.client.create_contact(&input), move |_| {
                Ok(OutboxEntry::create_contact(&queued))
            })
            .await?;
        let contact = match sent {
            Sent::Answered(contact) => {
                self.keep_contact(&contact).await?;
                contact
            }
            Sent::Queued(local_id) => self.cached_contact(local_id.as_deref()).await?,
        };
        Ok(convert::contact_detail(contact))
    }

    pub async fn update_contact(
        &self,
        contact_id: &str,
        form: ContactForm,
    ) -> Result<ContactDetail, AppError> {
        let update = convert::contact_update(form);
        let (id, queued) = (contact_id.to_owned(), update.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.update_contact(contact_id, &update),
                move |s| {
                    let base = s
                        .contact(&id)?
                        .ok_or_else(|| not_in_cache("Contact", &id))?;
                    Ok(OutboxEntry::update_contact(&id, &queued, &base))
                },
            )
            .await?;
        let contact = match sent {
            Sent::Answered(contact) => {
                self.keep_contact(&contact).await?;
                contact
            }
            Sent::Queued(_) => self.cached_contact(Some(contact_id)).await?,
        };
        Ok(convert::contact_detail(contact))
    }

    /// The contact GHL's duplicate rule would match for this email, else this
    /// phone (what the new-contact form warns about as the person types).
    pub async fn find_duplicate(
        &self,
        email: Option<String>,
        phone: Option<String>,
    ) -> Result<Option<DuplicateMatch>, AppError> {
        let lookups = [
            ("email", email.map(ghl::DuplicateQuery::Email)),
            ("phone", phone.map(ghl::DuplicateQuery::Phone)),
        ];
        for (matched_on, query) in lookups {
            let Some(query) = query else { continue };
            if let Some(contact) = self.client.find_duplicate(query).await? {
                return Ok(Some(DuplicateMatch {
                    contact: convert::contact_summary_of(convert::contact_detail(contact)),
                    matched_on: matched_on.to_owned(),
                }));
            }
        }
        Ok(None)
    }

    /// Creates the contact, or updates the one with the same email or phone.
    pub async fn upsert_contact(&self, form: ContactForm) -> Result<UpsertOutcome, AppError> {
        let outcome = self
            .remote(self.client.upsert_contact(&convert::contact_input(form)))
            .await?;
        self.keep_contact(&outcome.contact).await?;
        Ok(UpsertOutcome {
            created: outcome.new,
            contact: convert::contact_detail(outcome.contact),
        })
    }

    pub async fn delete_contact(&self, contact_id: &str) -> Result<(), AppError> {
        let id = contact_id.to_owned();
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.delete_contact(contact_id),
                move |_| Ok(OutboxEntry::delete_contact(&id)),
            )
            .await?;
        if let Sent::Answered(()) = sent {
            let id = contact_id.to_owned();
            self.cached(move |s| s.delete_contacts(&[id])).await?;
            self.cache.changed().await;
        }
        Ok(())
    }

    pub async fn create_task(&self, contact_id: &str, form: TaskForm) -> Result<Task, AppError> {
        let input = ghl::TaskInput {
            title: form.title,
            body: form.body.filter(|b| !b.trim().is_empty()),
            due_date: form.due_date,
            completed: form.completed,
            assigned_to: None,
        };
        let (id, queued) = (contact_id.to_owned(), input.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.create_task(contact_id, &input),
                move |_| Ok(OutboxEntry::create_task(&id, &queued)),
            )
            .await?;
        self.record_outcome(
            contact_id,
            sent,
            None,
            store::Store::upsert_task,
            cached_task,
        )
        .await
        .map(convert::task)
    }

    pub async fn update_task(
        &self,
        contact_id: &str,
        task_id: &str,
        form: TaskForm,
    ) -> Result<Task, AppError> {
        let update = ghl::TaskUpdate {
            title: Some(form.title),
            body: Some(form.body.unwrap_or_default()),
            due_date: Some(form.due_date),
            completed: Some(form.completed),
            ..ghl::TaskUpdate::default()
        };
        let (id, task, queued) = (contact_id.to_owned(), task_id.to_owned(), update.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.update_task(contact_id, task_id, &update),
                move |s| {
                    let base = cached_task(s, &id, &task)?;
                    Ok(OutboxEntry::update_task(&id, &task, &queued, &base))
                },
            )
            .await?;
        self.record_outcome(
            contact_id,
            sent,
            Some(task_id),
            store::Store::upsert_task,
            cached_task,
        )
        .await
        .map(convert::task)
    }

    pub async fn set_task_completed(
        &self,
        contact_id: &str,
        task_id: &str,
        completed: bool,
    ) -> Result<Task, AppError> {
        let (id, task) = (contact_id.to_owned(), task_id.to_owned());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client
                    .set_task_completed(contact_id, task_id, completed),
                move |_| Ok(OutboxEntry::set_task_completed(&id, &task, completed)),
            )
            .await?;
        self.record_outcome(
            contact_id,
            sent,
            Some(task_id),
            store::Store::upsert_task,
            cached_task,
        )
        .await
        .map(convert::task)
    }

    /// The task or note GHL answered with (kept in the cache), or the queued
    /// edit's cached copy (a create's by its local id).
    async fn record_outcome<T: Clone + Send + Sync + 'static>(
        &self,
        contact_id: &str,
        sent: Sent<T>,
        record_id: Option<&str>,
        keep: fn(&store::Store, &str, &T) -> store::Result<()>,
        read: fn(&store::Store, &str, &str) -> store::Result<T>,
    ) -> Result<T, AppError> {
        let id = contact_id.to_owned();
        match sent {
            Sent::Answered(record) => {
                let kept = record.clone();
                self.cached(move |s| keep(s, &id, &kept)).await?;
                self.cache.changed().await;
                Ok(record)
            }
            Sent::Queued(local_id) => {
                let record_id = local_id
                    .or(record_id.map(str::to_owned))
                    .ok_or_else(|| AppError::internal("A queued edit has no record id"))?;
                self.cached(move |s| read(s, &id, &record_id)).await
            }
        }
    }

    pub async fn delete_task(&self, contact_id: &str, task_id: &str) -> Result<(), AppError> {
        let (id, task) = (contact_id.to_owned(), task_id.to_owned());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.delete_task(contact_id, task_id),
                move |_| Ok(OutboxEntry::delete_task(&id, &task)),
            )
            .await?;
        if let Sent::Answered(()) = sent {
            let (contact_id, task_id) = (contact_id.to_owned(), task_id.to_owned());
            self.cached(move |s| s.delete_task(&contact_id, &task_id))
                .await?;
            self.cache.changed().await;
        }
        Ok(())
    }

    pub async fn create_note(&self, contact_id: &str, form: NoteForm) -> Result<Note, AppError> {
        let input = ghl::NoteInput {
            body: form.body,
            title: form.title.filter(|t| !t.trim().is_empty()),
            color: form.color,
            pinned: Some(form.pinned),
            ..ghl::NoteInput::default()
        };
        let (id, queued) = (contact_id.to_owned(), input.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.create_note(contact_id, &input),
                move |_| Ok(OutboxEntry::create_note(&id, &queued)),
            )
            .await?;
        self.record_outcome(
            contact_id,
            sent,
            None,
            store::Store::upsert_note,
            cached_note,
        )
        .await
        .map(convert::note)
    }

    pub async fn update_note(
        &self,
        contact_id: &str,
        note_id: &str,
        form: NoteForm,
    ) -> Result<Note, AppError> {
        let update = ghl::NoteUpdate {
            body: Some(form.body),
            title: Some(form.title.unwrap_or_default()),
            color: form.color,
            pinned: Some(form.pinned),
            ..ghl::NoteUpdate::default()
        };
        let (id, note, queued) = (contact_id.to_owned(), note_id.to_owned(), update.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.update_note(contact_id, note_id, &update),
                move |s| {
                    let base = cached_note(s, &id, &note)?;
                    Ok(OutboxEntry::update_note(&id, &note, &queued, &base))
                },
            )
            .await?;
        self.record_outcome(
            contact_id,
            sent,
            Some(note_id),
            store::Store::upsert_note,
            cached_note,
        )
        .await
        .map(convert::note)
    }

    pub async fn delete_note(&self, contact_id: &str, note_id: &str) -> Result<(), AppError> {
        let (id, note) = (contact_id.to_owned(), note_id.to_owned());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.delete_note(contact_id, note_id),
                move |_| Ok(OutboxEntry::delete_note(&id, &note)),
            )
            .await?;
        if let Sent::Answered(()) = sent {
            let (contact_id, note_id) = (contact_id.to_owned(), note_id.to_owned());
            self.cached(move |s| s.delete_note(&contact_id, &note_id))
                .await?;
            self.cache.changed().await;
        }
        Ok(())
    }

    pub async fn add_tags(
        &self,
        contact_id: &str,
        tags: Vec<String>,
    ) -> Result<Vec<String>, AppError> {
        self.remember_tags(tags.iter());
        let (id, queued) = (contact_id.to_owned(), tags.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.add_tags(contact_id, &tags),
                move |_| Ok(OutboxEntry::add_tags(&id, &queued)),
            )
            .await?;
        self.tags_outcome(contact_id, sent).await
    }

    pub async fn remove_tags(
        &self,
        contact_id: &str,
        tags: Vec<String>,
    ) -> Result<Vec<String>, AppError> {
        let (id, queued) = (contact_id.to_owned(), tags.clone());
        let sent = self
            .send_or_queue(
                Some(contact_id),
                self.client.remove_tags(contact_id, &tags),
                move |_| Ok(OutboxEntry::remove_tags(&id, &queued)),
            )
            .await?;
        self.tags_outcome(contact_id, sent).await
    }

    async fn tags_outcome(
        &self,
        contact_id: &str,
        sent: Sent<Vec<String>>,
    ) -> Result<Vec<String>, AppError> {
        match sent {
            Sent::Answered(tags) => {
                self.keep_tags(contact_id, &tags).await?;
                Ok(tags)
            }
            Sent::Queued(_) => Ok(self.cached_contact(Some(contact_id)).await?.tags),
        }
    }

    /// Sends an edit to GHL; queues it in the outbox instead (applied to the
    /// cache at once) when GHL cannot be reached, when the contact itself is
    /// still waiting to be sent, or when earlier edits of the contact wait,
    /// so edits reach GHL in the order they were made.
    async fn send_or_queue<T>(
        &self,
        contact_id: Option<&str>,
        send: impl std::future::Future<Output = Result<T, ghl::Error>>,
        entry: impl FnOnce(&store::Store) -> store::Result<OutboxEntry> + Send + 'static,
    ) -> Result<Sent<T>, AppError> {
        if !self.must_queue(contact_id).await? {
            match self.remote(send).await {
                Ok(answer) => return Ok(Sent::Answered(answer)),
                Err(error) if cache::is_offline_error(&error) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let local_id = self
            .cached(move |s| {
                let entry = entry(s)?;
                s.enqueue(&entry)?;
                Ok(entry.local_id())
            })
            .await?;
        self.cache.changed().await;
        self.cache.refresh_now();
        Ok(Sent::Queued(local_id))
    }

    async fn must_queue(&self, contact_id: Option<&str>) -> Result<bool, AppError> {
        if !self.cache.status().online {
            return Ok(true);
        }
        let Some(contact_id) = contact_id.map(str::to_owned) else {
            return Ok(false);
        };
        if convert::is_pending(&contact_id) {
            return Ok(true);
        }
        self.cached(move |s| {
            Ok(s.pending_for(&contact_id)?
                .iter()
                .any(|queued| queued.state.is_sendable()))
        })
        .await
    }

    /// While GHL is known to be out of reach, what is not cached is answered
    /// at once (the background work notices when GHL is back).
    fn online_or_not_cached(&self) -> Result<(), AppError> {
        if self.cache.status().online {
            Ok(())
        } else {
            Err(offline())
        }
    }

    /// A contact as the cache has it (after a queued edit was applied to it).
    async fn cached_contact(&self, contact_id: Option<&str>) -> Result<ghl::Contact, AppError> {
        let id = contact_id
            .ok_or_else(|| AppError::internal("A queued contact has no id"))?
            .to_owned();
        self.cached(move |s| s.contact(&id)?.ok_or_else(|| not_in_cache("Contact", &id)))
            .await
    }

    pub async fn tasks(&self, contact_id: &str) -> Result<Vec<Task>, AppError> {
        let tasks = self
            .related(
                contact_id,
                store::Store::tasks,
                self.client.contact_tasks(contact_id),
                store::Store::replace_tasks,
            )
            .await?;
        Ok(tasks.into_iter().map(convert::task).collect())
    }

    /// A contact's cached tasks, notes or appointments; fetched and kept when
    /// this contact's have not been cached yet.
    async fn related<T: Clone + Send + Sync + 'static>(
        &self,
        contact_id: &str,
        read: fn(&store::Store, &str) -> store::Result<Option<store::Cached<T>>>,
        fetch: impl std::future::Future<Output = Result<Vec<T>, ghl::Error>>,
        write: fn(&store::Store, &str, &[T]) -> store::Result<()>,
    ) -> Result<Vec<T>, AppError> {
        let id = contact_id.to_owned();
        if let Some(cached) = self.cached(move |s| read(s, &id)).await? {
            return Ok(cached.items);
        }
        if convert::is_pending(contact_id) {
            return Ok(Vec::new());
        }
        self.online_or_not_cached()?;
        let items = self.remote(fetch).await.map_err(not_cached)?;
        let (id, kept) = (contact_id.to_owned(), items.clone());
        self.cached(move |s| write(s, &id, &kept)).await?;
        Ok(items)
    }

    /// One task as GHL has it now (the edit form starts from this).
    pub async fn task(&self, contact_id: &str, task_id: &str) -> Result<Task, AppError> {
        Ok(convert::task(
            self.client.get_task(contact_id, task_id).await?,
        ))
    }

    /// One note as GHL has it now (the edit form starts from this).
    pub async fn note(&self, contact_id: &str, note_id: &str) -> Result<Note, AppError> {
        Ok(convert::note(
            self.client.get_note(contact_id, note_id).await?,
        ))
    }

    pub async fn notes(&self, contact_id: &str) -> Result<Vec<Note>, AppError> {
        let notes = self
            .related(
                contact_id,
                store::Store::notes,
                self.client.contact_notes(contact_id),
                store::Store::replace_notes,
            )
            .await?;
        Ok(notes.into_iter().map(convert::note).collect())
    }

    pub async fn appointments(&self, contact_id: &str) -> Result<Vec<Appointment>, AppError> {
        let events = self
            .related(
                contact_id,
                store::Store::appointments,
                self.client.contact_appointments(contact_id),
                store::Store::replace_appointments,
            )
            .await?;
        Ok(events.into_iter().map(convert::appointment).collect())
    }
}

impl Connection {
    /// Every queued edit, oldest first, with its contact's name.
    pub async fn outbox_items(&self) -> Result<Vec<OutboxItem>, AppError> {
        self.cached(|s| {
            s.pending()?
                .iter()
                .map(|queued| {
                    let name = match queued.entry.contact_id.as_deref() {
                        Some(id) => s.contact_row(id)?.map(|row| row.display_name),
                        None => None,
                    };
                    Ok(outbox::item(queued, name))
                })
                .collect()
        })
        .await
    }

    /// The person chose, per field, between their offline edit and GHL's value.
    pub async fn resolve_conflict(
        &self,
        id: i64,
        choices: Vec<ConflictChoice>,
    ) -> Result<(), AppError> {
        let choices: BTreeMap<String, store::Choice> = choices
            .into_iter()
            .map(|choice| {
                let keep = match choice.keep {
                    KeepSide::Mine => store::Choice::Mine,
                    KeepSide::Theirs => store::Choice::Theirs,
                };
                (choice.field, keep)
            })
            .collect();
        self.cached(move |s| s.resolve_conflict_with_choices(id, &choices))
            .await?;
        self.outbox_changed().await;
        Ok(())
    }

    pub async fn retry_outbox_item(&self, id: i64) -> Result<(), AppError> {
        self.cached(move |s| s.retry(id)).await?;
        self.outbox_changed().await;
        Ok(())
    }

    pub async fn discard_outbox_item(&self, id: i64) -> Result<(), AppError> {
        self.cached(move |s| s.discard(id)).await?;
        self.outbox_changed().await;
        Ok(())
    }

    /// The outbox changed: recount, and send what can be sent now.
    async fn outbox_changed(&self) {
        self.cache.changed().await;
        self.cache.refresh_now();
    }

    /// GHL's answer to an edit, kept in the cache so lists show it at once.
    async fn keep_contact(&self, contact: &ghl::Contact) -> Result<(), AppError> {
        let kept = contact.clone();
        self.cached(move |s| s.upsert_contact(&kept)).await?;
        self.cache.changed().await;
        Ok(())
    }

    /// The contact's tag list as GHL answered it.
    async fn keep_tags(&self, contact_id: &str, tags: &[String]) -> Result<(), AppError> {
        let (id, tags) = (contact_id.to_owned(), tags.to_vec());
        self.cached(move |s| match s.contact(&id)? {
            Some(mut contact) => {
                contact.tags = tags;
                s.upsert_contact(&contact)
            }
            None => Ok(()),
        })
        .await?;
        self.cache.changed().await;
        Ok(())
    }
}

/// What became of an edit.
enum Sent<T> {
    /// GHL's answer.
    Answered(T),
    /// Queued in the outbox; a create's local id.
    Queued(Option<String>),
}

fn not_in_cache(what: &'static str, id: &str) -> store::Error {
    store::Error::NotFound {
        what,
        id: id.to_owned(),
    }
}

fn cached_task(s: &store::Store, contact_id: &str, task_id: &str) -> store::Result<ghl::Task> {
    s.tasks(contact_id)?
        .and_then(|cached| cached.items.into_iter().find(|t| t.id == task_id))
        .ok_or_else(|| not_in_cache("Task", task_id))
}

fn cached_note(s: &store::Store, contact_id: &str, note_id: &str) -> store::Result<ghl::Note> {
    s.notes(contact_id)?
        .and_then(|cached| cached.items.into_iter().find(|n| n.id == note_id))
        .ok_or_else(|| not_in_cache("Note", note_id))
}

/// A record not in the cache could not be fetched: when GHL is out of reach,
/// say that rather than a bare network error.
fn not_cached(error: ghl::Error) -> AppError {
    if cache::is_offline_error(&error) {
        offline()
    } else {
        error.into()
    }
}

fn offline() -> AppError {
    AppError {
        code: ErrorCode::Offline,
        message: "This is not saved on this computer yet, and GoHighLevel cannot be reached \
                  right now."
            .to_owned(),
        details: None,
    }
}

fn stale_cursor() -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: "The list position is no longer valid; reload the list.".to_owned(),
        details: None,
    }
}

/// Where the deprecated list continues (its `meta.startAfterId` / `startAfter`).
#[derive(Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyCursor {
    start_after_id: String,
    start_after: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const CONTACTS: usize = 250;

    async fn sandbox(contacts: usize) -> sandbox::Sandbox {
        sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts,
            seed: 7,
            rate_limit: sandbox::RateLimitConfig::unlimited(),
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("sandbox")
    }

    /// A connection with its cache in a temporary folder (deleted on drop).
    struct Connected {
        connection: Connection,
        _dir: tempfile::TempDir,
    }

    impl std::ops::Deref for Connected {
        type Target = Connection;
        fn deref(&self) -> &Connection {
            &self.connection
        }
    }

    async fn connect(base_url: &str, location_id: &str, token: &str) -> Connected {
        let config = ghl::ClientConfig::new(url::Url::parse(base_url).expect("url"), location_id);
        let client = ghl::Client::new(config, ghl::AccessToken::new(token)).expect("client");
        let dir = tempfile::tempdir().expect("temp dir");
        let connection = Connection::open(
            client,
            None,
            dir.path().join("cache.sqlite3"),
            Duration::from_secs(3600),
        )
        .await
        .expect("cache opens");
        Connected {
            connection,
            _dir: dir,
        }
    }

    /// A connection with every scope to a sandbox of `CONTACTS` contacts,
    /// its first download finished.
    async fn demo() -> (Connected, sandbox::Sandbox) {
        let sandbox = sandbox(CONTACTS).await;
        let connection = connect(
            &sandbox.base_url(),
            sandbox.location_id(),
            sandbox.access_token(),
        )
        .await;
        connection.wait_for_download().await;
        (connection, sandbox)
    }

    #[tokio::test]
    async fn paging_by_cursor_lists_every_contact_once() {
        let (connection, _sandbox) = demo().await;
        let mut seen = HashSet::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let page = connection
                .list_contacts("", cursor.as_deref(), 100)
                .await
                .expect("page");
            assert_eq!(page.total, Some(CONTACTS as u32));
            for contact in &page.contacts {
                assert!(
                    seen.insert(contact.id.clone()),
                    "{} listed twice",
                    contact.id
                );
            }
            pages += 1;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), CONTACTS);
        assert_eq!(pages, 3);
    }

    #[tokio::test]
    async fn search_finds_a_contact_by_name_and_opens_its_records() {
        let (connection, sandbox) = demo().await;
        let dataset = sandbox.dataset();
        let dataset = dataset.read().await;
        let target = dataset
            .contacts
            .iter()
            .find(|c| !dataset.tasks_of(&c.id).is_empty() && !dataset.notes_of(&c.id).is_empty())
            .expect("a contact with tasks and notes");
        let query = format!("{} {}", target.first_name, target.last_name);

        let page = connection
            .list_contacts(&query, None, 50)
            .await
            .expect("search");
        let hit = page
            .contacts
            .iter()
            .find(|c| c.id == target.id)
            .expect("the contact is found by its full name");
        assert_eq!(hit.display_name, query);

        let detail = connection.contact(&target.id).await.expect("detail");
        assert_eq!(detail.email, target.email);
        let tasks = connection.tasks(&target.id).await.expect("tasks");
        let expected: HashSet<_> = dataset
            .tasks_of(&target.id)
            .iter()
            .map(|t| t.title.clone())
            .collect();
        assert_eq!(
            tasks
                .iter()
                .map(|t| t.title.clone())
                .collect::<HashSet<_>>(),
            expected
        );
        let notes = connection.notes(&target.id).await.expect("notes");
        assert_eq!(notes.len(), dataset.notes_of(&target.id).len());
        let note = connection
            .note(&target.id, &notes[0].id)
            .await
            .expect("one note");
        assert_eq!(note.body, notes[0].body);
        let task = connection
            .task(&target.id, &tasks[0].id)
            .await
            .expect("one task");
        assert_eq!(task.title, tasks[0].title);
        let appointments = connection
            .appointments(&target.id)
            .await
            .expect("appointments");
        assert_eq!(
            appointments.len(),
            dataset.appointments_of(&target.id).len()
        );
        for appointment in &appointments {
            let start = appointment.start_time.as_deref().expect("start time");
            assert!(
                ghl::datetime::parse_ghl_datetime(start).is_some(),
                "{start}"
            );
        }
    }

    #[tokio::test]
    async fn the_legacy_list_pages_through_every_contact_once() {
        let (connection, _sandbox) = demo().await;
        let mut seen = HashSet::new();
        let mut cursor = None;
        loop {
            let page = connection
                .list_contacts_legacy("", cursor.as_deref(), 100)
                .await
                .expect("page");
            assert_eq!(page.total, Some(CONTACTS as u32));
            for contact in &page.contacts {
                assert!(
                    seen.insert(contact.id.clone()),
                    "{} listed twice",
                    contact.id
                );
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), CONTACTS);
        let error = connection
            .list_contacts_legacy("", Some("{}"), 10)
            .await
            .expect_err("bad cursor");
        assert_eq!(error.code, ErrorCode::Validation);
    }

    #[tokio::test]
    async fn a_bad_cursor_or_unknown_contact_is_a_typed_error() {
        let (connection, _sandbox) = demo().await;
        let error = connection
            .list_contacts("", Some("not json"), 10)
            .await
            .expect_err("bad cursor");
        assert_eq!(error.code, ErrorCode::Validation);
        let error = connection
            .contact("no-such-contact")
            .await
            .expect_err("unknown id");
        assert_eq!(error.code, ErrorCode::NotFound);
    }

    #[tokio::test]
    async fn a_read_only_token_can_read_and_a_write_is_refused_clearly() {
        let sandbox = sandbox(20).await;
        let token = sandbox.issue_token(&[sandbox::SCOPE_READ]);
        let connection = connect(&sandbox.base_url(), sandbox.location_id(), &token).await;
        connection.wait_for_download().await;
        let page = connection
            .list_contacts("", None, 5)
            .await
            .expect("reads work");
        let error = connection
            .create_note(
                &page.contacts[0].id,
                NoteForm {
                    title: None,
                    body: "Should not be saved".into(),
                    pinned: false,
                    color: None,
                },
            )
            .await
            .expect_err("the write is refused");
        assert_eq!(error.code, ErrorCode::Forbidden);
        assert!(error.message.contains("scope"), "{}", error.message);
    }

    #[tokio::test]
    async fn an_unreachable_service_reads_the_cache_and_says_offline() {
        // Bind then drop a listener so the port is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let connection = connect(&format!("http://127.0.0.1:{port}"), "loc", "pit-test").await;
        let page = connection
            .list_contacts("", None, 10)
            .await
            .expect("the (empty) cache answers");
        assert_eq!(page.total, Some(0));
        let error = connection.contact("not-cached").await.expect_err("offline");
        assert_eq!(error.code, ErrorCode::Offline);
        assert!(!error.message.contains("pit-test"));
        assert!(!connection.cache().status().online);
    }

    /// Waits (up to 30 s) for `condition` on the cache status.
    async fn wait_for_status(
        connection: &Connection,
        what: &str,
        condition: impl Fn(&crate::ipc::CacheStatus) -> bool,
    ) {
        for _ in 0..300 {
            if condition(&connection.cache().status()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what}: {:?}", connection.cache().status());
    }

    #[tokio::test]
    async fn a_refresh_brings_changes_and_deletions_from_ghl() {
        let (connection, sandbox) = demo().await;
        let ids: Vec<String> = connection
            .list_contacts("", None, 2)
            .await
            .expect("page")
            .contacts
            .into_iter()
            .map(|c| c.id)
            .collect();
        {
            let dataset = sandbox.dataset();
            let mut dataset = dataset.write().await;
            let contact = dataset.contact_mut(&ids[0]).expect("contact");
            contact.first_name = "Renamed".into();
            contact.date_updated = time::OffsetDateTime::now_utc();
            dataset.remove_contact(&ids[1]);
            dataset.reindex();
        }
        let before = connection.cache().status().generation;
        connection.cache().refresh_now();
        wait_for_status(&connection, "refresh", |s| {
            s.generation != before && s.cached_contacts == CONTACTS as u32 - 1
        })
        .await;
        let renamed = connection.contact(&ids[0]).await.expect("still cached");
        assert_eq!(renamed.first_name.as_deref(), Some("Renamed"));
        let found = connection
            .list_contacts("Renamed", None, 10)
            .await
            .expect("search");
        assert!(found.contacts.iter().any(|c| c.id == ids[0]));
        let gone = connection.list_contacts("", None, 100).await.expect("page");
        assert!(gone.contacts.iter().all(|c| c.id != ids[1]));
        assert!(connection.cache().status().last_refreshed_at.is_some());
    }

    #[tokio::test]
    async fn a_note_added_offline_reaches_ghl_once_when_it_is_back() {
        let (connection, mut sandbox) = demo().await;
        let contact_id = connection
            .list_contacts("", None, 1)
            .await
            .expect("page")
            .contacts[0]
            .id
            .clone();
        let notes_before = sandbox.dataset().read().await.notes_of(&contact_id).len();

        sandbox.stop_serving().await;
        let note = connection
            .create_note(
                &contact_id,
                NoteForm {
                    title: None,
                    body: "Gate code 4411, written offline".into(),
                    pinned: false,
                    color: None,
                },
            )
            .await
            .expect("queued, not refused");
        assert!(note.pending, "shown as waiting to send");
        let status = connection.cache().status();
        assert!(!status.online);
        assert_eq!(status.outbox.waiting, 1);
        // The cache shows it, and search and the contact still work offline.
        let notes = connection.notes(&contact_id).await.expect("cached notes");
        assert!(notes
            .iter()
            .any(|n| n.body.contains("Gate code 4411") && n.pending));
        connection
            .contact(&contact_id)
            .await
            .expect("from the cache");

        sandbox.resume_serving().await.expect("back");
        connection.cache().refresh_now();
        wait_for_status(&connection, "the outbox empties", |s| {
            s.online && s.outbox == crate::ipc::OutboxCounts::default()
        })
        .await;
        let dataset = sandbox.dataset();
        let dataset = dataset.read().await;
        let sent: Vec<_> = dataset
            .notes_of(&contact_id)
            .iter()
            .filter(|n| n.body.contains("Gate code 4411"))
            .collect();
        assert_eq!(sent.len(), 1, "exactly once");
        assert_eq!(dataset.notes_of(&contact_id).len(), notes_before + 1);
        drop(dataset);
        let notes = connection.notes(&contact_id).await.expect("cached notes");
        let cached: Vec<_> = notes
            .iter()
            .filter(|n| n.body.contains("Gate code 4411"))
            .collect();
        assert_eq!(cached.len(), 1);
        assert!(!cached[0].pending, "has its GHL id now");
    }

    #[tokio::test]
    async fn an_offline_edit_that_ghl_changed_meanwhile_waits_for_a_choice() {
        let (connection, mut sandbox) = demo().await;
        let contact_id = connection
            .list_contacts("", None, 1)
            .await
            .expect("page")
            .contacts[0]
            .id
            .clone();
        sandbox.stop_serving().await;
        connection
            .update_contact(
                &contact_id,
                ContactForm {
                    phone: Some("+15550100111".into()),
                    ..ContactForm::default()
                },
            )
            .await
            .expect("queued");
        {
            let dataset = sandbox.dataset();
            let mut dataset = dataset.write().await;
            let contact = dataset.contact_mut(&contact_id).expect("contact");
            contact.phone = Some("+15550100222".into());
            contact.date_updated = time::OffsetDateTime::now_utc();
        }
        sandbox.resume_serving().await.expect("back");
        connection.cache().refresh_now();
        wait_for_status(&connection, "a conflict", |s| s.outbox.conflicts == 1).await;
        let items = connection.outbox_items().await.expect("items");
        assert_eq!(items.len(), 1);
        let conflict = &items[0].conflicts[0];
        assert_eq!(conflict.field, "phone");
        assert_eq!(conflict.mine.as_deref(), Some("+15550100111"));
        assert_eq!(conflict.theirs.as_deref(), Some("+15550100222"));
        // Nothing was overwritten silently.
        let phone = |d: &sandbox::Dataset| d.contact(&contact_id).and_then(|c| c.phone.clone());
        assert_eq!(
            phone(&*sandbox.dataset().read().await).as_deref(),
            Some("+15550100222")
        );

        connection
            .resolve_conflict(
                items[0].id,
                vec![ConflictChoice {
                    field: "phone".into(),
                    keep: KeepSide::Mine,
                }],
            )
            .await
            .expect("resolved");
        wait_for_status(&connection, "sent", |s| {
            s.outbox == crate::ipc::OutboxCounts::default()
        })
        .await;
        assert_eq!(
            phone(&*sandbox.dataset().read().await).as_deref(),
            Some("+15550100111")
        );
    }

    #[tokio::test]
    async fn a_damaged_cache_file_is_set_aside_with_a_notice_and_downloaded_again() {
        let sandbox = sandbox(30).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("cache.sqlite3");
        std::fs::write(
            &file,
            b"this is not a database, it was damaged by a disk fault",
        )
        .expect("write garbage");
        let config = ghl::ClientConfig::new(
            url::Url::parse(&sandbox.base_url()).expect("url"),
            sandbox.location_id(),
        );
        let client = ghl::Client::new(config, ghl::AccessToken::new(sandbox.access_token()))
            .expect("client");
        let connection = Connection::open(client, None, file.clone(), Duration::from_secs(3600))
            .await
            .expect("opens anyway");
        let notice = connection.cache().status().notice.expect("a notice");
        assert!(notice.contains("damaged"), "{notice}");
        connection.wait_for_download().await;
        let page = connection.list_contacts("", None, 100).await.expect("page");
        assert_eq!(page.total, Some(30));
        // The damaged file is kept aside, not deleted.
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .filter(|e| e.path() != file && e.file_name().to_string_lossy().contains("cache"))
            .collect();
        assert!(
            kept.iter().any(|e| std::fs::read(e.path())
                .is_ok_and(|bytes| bytes.starts_with(b"this is not a database"))),
            "the damaged file is kept"
        );
    }
}
