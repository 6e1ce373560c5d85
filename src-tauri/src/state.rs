//! The app's connection to GHL (or to the demo sandbox) and the queries the UI makes.

use crate::convert;
use crate::ipc::{
    AppError, AppInfo, AppMode, Appointment, ContactDetail, ContactPage, ErrorCode, Note, Task,
};
use crate::launch::Launch;

/// The most contacts one list page may hold; GHL's search caps `pageLimit` at 100.
pub const MAX_PAGE_SIZE: u32 = 100;

pub struct Connection {
    client: ghl::Client,
    info: AppInfo,
    /// Kept alive for as long as the app runs in demo mode.
    _sandbox: Option<sandbox::Sandbox>,
}

/// What the commands share. A connection that could not be opened is kept as its
/// error, so the window still opens and shows why.
pub struct AppState {
    connection: Result<Connection, AppError>,
}

impl AppState {
    pub async fn open(launch: Result<Launch, String>) -> AppState {
        let connection = match launch {
            Ok(launch) => Connection::open(launch).await,
            Err(message) => Err(AppError::internal(message)),
        };
        if let Err(error) = &connection {
            tracing::error!(message = %error.message, "could not connect");
        }
        AppState { connection }
    }

    pub fn connection(&self) -> Result<&Connection, AppError> {
        self.connection.as_ref().map_err(Clone::clone)
    }
}

impl Connection {
    pub async fn open(launch: Launch) -> Result<Connection, AppError> {
        let version = env!("CARGO_PKG_VERSION").to_owned();
        match launch {
            Launch::Demo { contacts, seed } => {
                let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
                    contacts,
                    seed,
                    ..sandbox::SandboxConfig::default()
                })
                .await
                .map_err(|error| {
                    AppError::internal(format!("The demo sandbox could not start: {error}"))
                })?;
                let client = client_for(
                    &sandbox.base_url(),
                    sandbox.location_id(),
                    ghl::AccessToken::new(sandbox.access_token().to_owned()),
                )?;
                tracing::info!(base_url = %sandbox.base_url(), contacts, "demo sandbox running");
                Ok(Connection {
                    info: AppInfo {
                        mode: AppMode::Demo,
                        location_id: sandbox.location_id().to_owned(),
                        location_name: sandbox.location_name().to_owned(),
                        version,
                    },
                    client,
                    _sandbox: Some(sandbox),
                })
            }
            Launch::Live {
                base_url,
                location_id,
                token,
            } => {
                let client = client_for(&base_url, &location_id, token)?;
                Ok(Connection {
                    info: AppInfo {
                        mode: AppMode::Live,
                        // The location's own name needs the Locations API, which
                        // sign-in brings; until then the id identifies it.
                        location_name: format!("Location {location_id}"),
                        location_id,
                        version,
                    },
                    client,
                    _sandbox: None,
                })
            }
        }
    }

    pub fn info(&self) -> &AppInfo {
        &self.info
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

    pub async fn contact(&self, contact_id: &str) -> Result<ContactDetail, AppError> {
        let contact = self.client.get_contact(contact_id).await?;
        Ok(convert::contact_detail(contact))
    }

    pub async fn tasks(&self, contact_id: &str) -> Result<Vec<Task>, AppError> {
        let tasks = self.client.contact_tasks(contact_id).await?;
        Ok(tasks.into_iter().map(convert::task).collect())
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

fn client_for(
    base_url: &str,
    location_id: &str,
    token: ghl::AccessToken,
) -> Result<ghl::Client, AppError> {
    let base_url = url::Url::parse(base_url).map_err(|error| {
        AppError::internal(format!(
            "The GHL address {base_url:?} is not a URL: {error}"
        ))
    })?;
    Ok(ghl::Client::new(
        ghl::ClientConfig::new(base_url, location_id),
        token,
    )?)
}

/// The cursor is GHL's `searchAfter` value, passed through the UI as an opaque string.
fn encode_cursor(search_after: &[serde_json::Value]) -> String {
    serde_json::Value::Array(search_after.to_vec()).to_string()
}

fn decode_cursor(cursor: &str) -> Result<Vec<serde_json::Value>, AppError> {
    serde_json::from_str(cursor).map_err(|_| AppError {
        code: ErrorCode::Validation,
        message: "The list position is no longer valid; reload the list.".to_owned(),
        details: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const CONTACTS: usize = 250;

    async fn demo() -> Connection {
        Connection::open(Launch::Demo {
            contacts: CONTACTS,
            seed: 7,
        })
        .await
        .expect("demo connection")
    }

    #[tokio::test]
    async fn paging_by_cursor_lists_every_contact_once() {
        let connection = demo().await;
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
        let connection = demo().await;
        let dataset = connection
            ._sandbox
            .as_ref()
            .expect("demo has a sandbox")
            .dataset();
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
    async fn a_bad_cursor_or_unknown_contact_is_a_typed_error() {
        let connection = demo().await;
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
    async fn an_unreachable_service_is_a_network_error() {
        // Bind then drop a listener so the port is very likely closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let connection = Connection::open(Launch::Live {
            base_url: format!("http://127.0.0.1:{port}"),
            location_id: "loc".to_owned(),
            token: ghl::AccessToken::new("pit-test".to_owned()),
        })
        .await
        .expect("live connection is lazy");
        let error = connection
            .list_contacts("", None, 10)
            .await
            .expect_err("offline");
        assert_eq!(error.code, ErrorCode::Network);
        assert!(!error.message.contains("pit-test"));
    }
}
