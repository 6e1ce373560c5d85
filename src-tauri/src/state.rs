//! The app's connection to GHL (or to the demo sandbox) and the queries the UI makes.

use crate::convert;
use crate::ipc::{
    AppError, Appointment, ContactDetail, ContactForm, ContactPage, DuplicateMatch, ErrorCode,
    Note, NoteForm, Task, TaskForm, UpsertOutcome,
};
use std::collections::BTreeSet;
use std::sync::Mutex;

/// The most contacts one list page may hold; GHL's search caps `pageLimit` at 100.
pub const MAX_PAGE_SIZE: u32 = 100;

pub struct Connection {
    client: ghl::Client,
    location_id: String,
    /// Every tag seen in this session, offered as completions when tagging.
    known_tags: Mutex<BTreeSet<String>>,
    /// The sign-in behind `client`'s tokens (`None` for a fixed token in tests).
    session: Option<auth::LocationSession>,
}

impl Connection {
    pub fn new(client: ghl::Client, session: Option<auth::LocationSession>) -> Connection {
        Connection {
            location_id: client.location_id().to_owned(),
            client,
            known_tags: Mutex::default(),
            session,
        }
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
        match &self.session {
            Some(session) => session.sign_out(accounts).await,
            None => Err(auth::Error::NotSignedIn {
                location_id: self.location_id.clone(),
            }),
        }
    }

    /// One page of contacts matching `query`, most recently updated first.
    pub async fn list_contacts(
        &self,
        query: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ContactPage, AppError> {
        let search_after = cursor.map(decode_cursor).transpose()?;
        let query = query.trim();
        let request = ghl::SearchRequest {
            query: (!query.is_empty()).then(|| query.to_owned()),
            page_limit: limit.clamp(1, MAX_PAGE_SIZE),
            search_after,
            sort: vec![ghl::SortSpec {
                field: "dateUpdated".to_owned(),
                direction: ghl::SortDirection::Desc,
            }],
            ..ghl::SearchRequest::default()
        };
        let page = self.client.search_contacts(&request).await?;
        self.remember_tags(page.contacts.iter().flat_map(|c| c.tags.iter()));
        let next_cursor = request
            .next_page(&page)
            .and_then(|next| next.search_after)
            .map(|after| encode_cursor(&after));
        Ok(ContactPage {
            total: u32::try_from(page.total).unwrap_or(u32::MAX),
            contacts: page
                .contacts
                .into_iter()
                .map(convert::contact_summary)
                .collect(),
            next_cursor,
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
            total: u32::try_from(total).unwrap_or(u32::MAX),
            contacts: page
                .contacts
                .into_iter()
                .map(|contact| convert::contact_summary_of(convert::contact_detail(contact)))
                .collect(),
            next_cursor: next.map(|next| serde_json::to_string(&next).expect("cursor serializes")),
        })
    }

    pub async fn contact(&self, contact_id: &str) -> Result<ContactDetail, AppError> {
        let contact = self.client.get_contact(contact_id).await?;
        self.remember_tags(contact.tags.iter());
        Ok(convert::contact_detail(contact))
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
            total: page
                .count
                .and_then(|count| u32::try_from(count).ok())
                .unwrap_or(contacts.len() as u32),
            contacts,
            next_cursor: None,
        })
    }

    pub async fn create_contact(&self, form: ContactForm) -> Result<ContactDetail, AppError> {
        let contact = self
            .client
            .create_contact(&convert::contact_input(form))
            .await?;
        Ok(convert::contact_detail(contact))
    }

    pub async fn update_contact(
        &self,
        contact_id: &str,
        form: ContactForm,
    ) -> Result<ContactDetail, AppError> {
        let update = convert::contact_update(form);
        let contact = self.client.update_contact(contact_id, &update).await?;
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
            .client
            .upsert_contact(&convert::contact_input(form))
            .await?;
        Ok(UpsertOutcome {
            created: outcome.new,
            contact: convert::contact_detail(outcome.contact),
        })
    }

    pub async fn delete_contact(&self, contact_id: &str) -> Result<(), AppError> {
        Ok(self.client.delete_contact(contact_id).await?)
    }

    pub async fn create_task(&self, contact_id: &str, form: TaskForm) -> Result<Task, AppError> {
        let input = ghl::TaskInput {
            title: form.title,
            body: form.body.filter(|b| !b.trim().is_empty()),
            due_date: form.due_date,
            completed: form.completed,
            assigned_to: None,
        };
        Ok(convert::task(
            self.client.create_task(contact_id, &input).await?,
        ))
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
        let task = self
            .client
            .update_task(contact_id, task_id, &update)
            .await?;
        Ok(convert::task(task))
    }

    pub async fn set_task_completed(
        &self,
        contact_id: &str,
        task_id: &str,
        completed: bool,
    ) -> Result<Task, AppError> {
        let task = self
            .client
            .set_task_completed(contact_id, task_id, completed)
            .await?;
        Ok(convert::task(task))
    }

    pub async fn delete_task(&self, contact_id: &str, task_id: &str) -> Result<(), AppError> {
        Ok(self.client.delete_task(contact_id, task_id).await?)
    }

    pub async fn create_note(&self, contact_id: &str, form: NoteForm) -> Result<Note, AppError> {
        let input = ghl::NoteInput {
            body: form.body,
            title: form.title.filter(|t| !t.trim().is_empty()),
            color: form.color,
            pinned: Some(form.pinned),
            ..ghl::NoteInput::default()
        };
        Ok(convert::note(
            self.client.create_note(contact_id, &input).await?,
        ))
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
        let note = self
            .client
            .update_note(contact_id, note_id, &update)
            .await?;
        Ok(convert::note(note))
    }

    pub async fn delete_note(&self, contact_id: &str, note_id: &str) -> Result<(), AppError> {
        Ok(self.client.delete_note(contact_id, note_id).await?)
    }

    pub async fn add_tags(
        &self,
        contact_id: &str,
        tags: Vec<String>,
    ) -> Result<Vec<String>, AppError> {
        let tags = self.client.add_tags(contact_id, &tags).await?;
        self.remember_tags(tags.iter());
        Ok(tags)
    }

    pub async fn remove_tags(
        &self,
        contact_id: &str,
        tags: Vec<String>,
    ) -> Result<Vec<String>, AppError> {
        Ok(self.client.remove_tags(contact_id, &tags).await?)
    }

    pub async fn tasks(&self, contact_id: &str) -> Result<Vec<Task>, AppError> {
        let tasks = self.client.contact_tasks(contact_id).await?;
        Ok(tasks.into_iter().map(convert::task).collect())
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
        let notes = self.client.contact_notes(contact_id).await?;
        Ok(notes.into_iter().map(convert::note).collect())
    }

    pub async fn appointments(&self, contact_id: &str) -> Result<Vec<Appointment>, AppError> {
        let events = self.client.contact_appointments(contact_id).await?;
        Ok(events.into_iter().map(convert::appointment).collect())
    }
}

/// The cursor is GHL's `searchAfter` value, passed through the UI as an opaque string.
fn encode_cursor(search_after: &[serde_json::Value]) -> String {
    serde_json::Value::Array(search_after.to_vec()).to_string()
}

fn decode_cursor(cursor: &str) -> Result<Vec<serde_json::Value>, AppError> {
    serde_json::from_str(cursor).map_err(|_| stale_cursor())
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

    fn connect(base_url: &str, location_id: &str, token: &str) -> Connection {
        let config = ghl::ClientConfig::new(url::Url::parse(base_url).expect("url"), location_id);
        let client = ghl::Client::new(config, ghl::AccessToken::new(token)).expect("client");
        Connection::new(client, None)
    }

    /// A connection with every scope to a sandbox of `CONTACTS` contacts.
    async fn demo() -> (Connection, sandbox::Sandbox) {
        let sandbox = sandbox(CONTACTS).await;
        let connection = connect(
            &sandbox.base_url(),
            sandbox.location_id(),
            sandbox.access_token(),
        );
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
            assert_eq!(page.total as usize, CONTACTS);
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
            assert_eq!(page.total as usize, CONTACTS);
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
        let connection = connect(&sandbox.base_url(), sandbox.location_id(), &token);
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
    async fn an_unreachable_service_is_a_network_error() {
        // Bind then drop a listener so the port is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let connection = connect(&format!("http://127.0.0.1:{port}"), "loc", "pit-test");
        let error = connection
            .list_contacts("", None, 10)
            .await
            .expect_err("offline");
        assert_eq!(error.code, ErrorCode::Network);
        assert!(!error.message.contains("pit-test"));
    }
}
