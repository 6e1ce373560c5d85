//! One function per resource: turns a parsed command into `ghl` calls and
//! the JSON to print (the API's envelopes: `{ "contact": … }`, `{ "tasks": … }`).

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};

use ghl::{
    BusinessQuery, Client, Contact, ContactInput, ContactUpdate, DuplicateQuery, LegacyListRequest,
    NoteInput, NoteUpdate, SearchRequest, TaskInput, TaskUpdate,
};
use serde::Serialize;

use crate::args::{
    AppointmentsCmd, Command, ContactFields, ContactsCmd, NotesCmd, TagsCmd, TasksCmd, UpdateFields,
};
use crate::error::CliError;

/// `contacts list` without `--limit`/`--all`.
const DEFAULT_LIST_LIMIT: u32 = 20;
/// Largest page both contact lists accept.
const MAX_PAGE: u32 = 100;

pub(crate) async fn execute(client: &Client, command: Command) -> Result<Doc, CliError> {
    match command {
        Command::Contacts(cmd) => contacts(client, cmd).await,
        Command::Tasks(cmd) => tasks(client, cmd).await,
        Command::Notes(cmd) => notes(client, cmd).await,
        Command::Tags(cmd) => tags(client, cmd).await,
        Command::Appointments(AppointmentsCmd::List { contact_id }) => {
            one("events", client.contact_appointments(&contact_id).await?)
        }
        Command::Sync(args) => crate::sync_cmd::execute(client, args).await,
    }
}

async fn contacts(client: &Client, cmd: ContactsCmd) -> Result<Doc, CliError> {
    match cmd {
        ContactsCmd::List {
            query,
            limit,
            all,
            legacy,
        } => {
            let cap = (!all).then(|| limit.unwrap_or(DEFAULT_LIST_LIMIT) as usize);
            let page_size = cap.map_or(MAX_PAGE, |c| c.min(MAX_PAGE as usize) as u32);
            if legacy {
                list_legacy(client, query, page_size, cap).await
            } else {
                list_search(client, query, page_size, cap).await
            }
        }
        ContactsCmd::Get { id } => one("contact", client.get_contact(&id).await?),
        ContactsCmd::Create(fields) => {
            let contact = client.create_contact(&contact_input(fields)).await?;
            one("contact", contact)
        }
        ContactsCmd::Update { id, fields } => {
            let update = contact_update(fields);
            if update == ContactUpdate::default() {
                return Err(CliError::Usage(
                    "nothing to update: give at least one field (see --help)".to_owned(),
                ));
            }
            let contact = client.update_contact(&id, &update).await?;
            Ok(doc(Updated {
                succeded: true,
                contact,
            }))
        }
        ContactsCmd::Delete { id, yes } => {
            if !yes {
                confirm_delete(client, &id).await?;
            }
            client.delete_contact(&id).await?;
            succeeded()
        }
        ContactsCmd::Business {
            business_id,
            query,
            limit,
            skip,
        } => {
            let page = client
                .contacts_by_business(&business_id, &BusinessQuery { limit, skip, query })
                .await?;
            Ok(doc(page))
        }
        ContactsCmd::Duplicate(by) => {
            let by = match (by.email, by.phone) {
                (Some(email), _) => DuplicateQuery::Email(email),
                (None, Some(phone)) => DuplicateQuery::Phone(phone),
                // clap's group makes exactly one required.
                (None, None) => return Err(CliError::Usage("give --email or --phone".to_owned())),
            };
            one("contact", client.find_duplicate(by).await?)
        }
        ContactsCmd::Upsert {
            fields,
            allow_duplicate,
        } => {
            let mut input = contact_input(fields);
            input.create_new_if_duplicate_allowed = allow_duplicate.then_some(true);
            Ok(doc(client.upsert_contact(&input).await?))
        }
    }
}

/// Search paged with `searchAfter` until `cap` contacts (or all of them).
async fn list_search(
    client: &Client,
    query: Option<String>,
    page_size: u32,
    cap: Option<usize>,
) -> Result<Doc, CliError> {
    let mut request = SearchRequest::new().with_page_limit(page_size);
    if let Some(q) = query {
        request = request.with_query(q);
    }
    let mut pages = client.search_pages(request);
    let (mut contacts, mut total) = (Vec::new(), None);
    while let Some(page) = pages.next_page().await {
        let page = page?;
        total = total.or(Some(page.total));
        contacts.extend(page.contacts);
        if cap.is_some_and(|c| contacts.len() >= c) {
            break;
        }
    }
    if let Some(c) = cap {
        contacts.truncate(c);
    }
    Ok(doc(Listed { contacts, total }))
}

/// The deprecated `GET /contacts/`, paged with `startAfterId`.
async fn list_legacy(
    client: &Client,
    query: Option<String>,
    page_size: u32,
    cap: Option<usize>,
) -> Result<Doc, CliError> {
    let mut request = LegacyListRequest::new().with_limit(page_size);
    if let Some(q) = query {
        request = request.with_query(q);
    }
    let mut pages = client.legacy_contacts_stream(request);
    let (mut contacts, mut total) = (Vec::new(), None);
    while let Some(page) = pages.next_page().await {
        let page = page?;
        total = total
            .or_else(|| page.meta.as_ref().and_then(|m| m.total))
            .or(page.count);
        contacts.extend(page.contacts);
        if cap.is_some_and(|c| contacts.len() >= c) {
            break;
        }
    }
    if let Some(c) = cap {
        contacts.truncate(c);
    }
    Ok(doc(Listed { contacts, total }))
}

/// Asks on the terminal; without one, refuses (scripts must say `--yes`).
async fn confirm_delete(client: &Client, id: &str) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "refusing to delete contact {id} without --yes (no terminal to confirm on)"
        )));
    }
    // Names the contact (and fails early on a wrong id).
    let contact = client.get_contact(id).await?;
    let mut stderr = std::io::stderr();
    write!(
        stderr,
        "Delete contact {} ({id}) with its tasks, notes and appointments? [y/N] ",
        contact.display_name()
    )?;
    stderr.flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Cancelled(format!(
            "cancelled: contact {id} was not deleted"
        ))),
    }
}

async fn tasks(client: &Client, cmd: TasksCmd) -> Result<Doc, CliError> {
    let task = match cmd {
        TasksCmd::List { contact_id } => {
            return one("tasks", client.contact_tasks(&contact_id).await?)
        }
        TasksCmd::Get {
            contact_id,
            task_id,
        } => client.get_task(&contact_id, &task_id).await?,
        TasksCmd::Create {
            contact_id,
            title,
            due,
            body,
            assigned_to,
        } => {
            let input = TaskInput {
                title,
                body,
                due_date: due,
                completed: false,
                assigned_to,
            };
            client.create_task(&contact_id, &input).await?
        }
        TasksCmd::Update {
            contact_id,
            task_id,
            title,
            due,
            body,
            assigned_to,
        } => {
            let update = TaskUpdate {
                title,
                body,
                due_date: due,
                completed: None,
                assigned_to,
            };
            if update == TaskUpdate::default() {
                return Err(CliError::Usage(
                    "nothing to update: give --title, --due, --body or --assigned-to".to_owned(),
                ));
            }
            client.update_task(&contact_id, &task_id, &update).await?
        }
        TasksCmd::Complete {
            contact_id,
            task_id,
            reopen,
        } => {
            client
                .set_task_completed(&contact_id, &task_id, !reopen)
                .await?
        }
        TasksCmd::Delete {
            contact_id,
            task_id,
        } => {
            client.delete_task(&contact_id, &task_id).await?;
            return succeeded();
        }
    };
    one("task", task)
}

async fn notes(client: &Client, cmd: NotesCmd) -> Result<Doc, CliError> {
    let note = match cmd {
        NotesCmd::List { contact_id } => {
            return one("notes", client.contact_notes(&contact_id).await?)
        }
        NotesCmd::Get {
            contact_id,
            note_id,
        } => client.get_note(&contact_id, &note_id).await?,
        NotesCmd::Create {
            contact_id,
            body,
            title,
            pinned,
            color,
        } => {
            let input = NoteInput {
                body,
                title,
                color,
                pinned: pinned.then_some(true),
                user_id: None,
            };
            client.create_note(&contact_id, &input).await?
        }
        NotesCmd::Update {
            contact_id,
            note_id,
            body,
            title,
            color,
            pinned,
            unpinned,
        } => {
            let update = NoteUpdate {
                body,
                title,
                color,
                pinned: match (pinned, unpinned) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                user_id: None,
            };
            if update == NoteUpdate::default() {
                return Err(CliError::Usage(
                    "nothing to update: give --body, --title, --color, --pinned or --unpinned"
                        .to_owned(),
                ));
            }
            client.update_note(&contact_id, &note_id, &update).await?
        }
        NotesCmd::Delete {
            contact_id,
            note_id,
        } => {
            client.delete_note(&contact_id, &note_id).await?;
            return succeeded();
        }
    };
    one("note", note)
}

async fn tags(client: &Client, cmd: TagsCmd) -> Result<Doc, CliError> {
    let tags = match cmd {
        TagsCmd::Add { contact_id, tags } => client.add_tags(&contact_id, &tags).await?,
        TagsCmd::Remove { contact_id, tags } => client.remove_tags(&contact_id, &tags).await?,
    };
    one("tags", tags)
}

fn contact_input(f: ContactFields) -> ContactInput {
    ContactInput {
        first_name: f.first_name,
        last_name: f.last_name,
        name: f.name,
        email: f.email,
        phone: f.phone,
        company_name: f.company,
        address1: f.address,
        city: f.city,
        state: f.state,
        postal_code: f.postal_code,
        country: f.country,
        website: f.website,
        timezone: f.timezone,
        source: f.source,
        date_of_birth: f.date_of_birth,
        assigned_to: f.assigned_to,
        dnd: f.dnd,
        tags: (!f.tags.is_empty()).then_some(f.tags),
        ..ContactInput::default()
    }
}

fn contact_update(f: UpdateFields) -> ContactUpdate {
    ContactUpdate {
        first_name: f.first_name,
        last_name: f.last_name,
        name: f.name,
        email: f.email,
        phone: f.phone,
        address1: f.address,
        city: f.city,
        state: f.state,
        postal_code: f.postal_code,
        country: f.country,
        website: f.website,
        timezone: f.timezone,
        source: f.source,
        date_of_birth: f.date_of_birth,
        assigned_to: f.assigned_to,
        dnd: f.dnd,
        ..ContactUpdate::default()
    }
}

/// A JSON document to print, rendered pretty or compact once the caller
/// knows which. Serialised straight from the models, so their field order
/// (`id` first) is kept.
pub(crate) struct Doc(Box<dyn FnOnce(bool) -> serde_json::Result<Vec<u8>>>);

impl Doc {
    pub(crate) fn render(self, pretty: bool) -> Result<Vec<u8>, CliError> {
        (self.0)(pretty).map_err(|e| CliError::Io(e.into()))
    }
}

pub(crate) fn doc<T: Serialize + 'static>(value: T) -> Doc {
    Doc(Box::new(move |pretty| {
        if pretty {
            serde_json::to_vec_pretty(&value)
        } else {
            serde_json::to_vec(&value)
        }
    }))
}

/// `{ key: value }`, the API's envelope.
fn one<T: Serialize + 'static>(key: &'static str, value: T) -> Result<Doc, CliError> {
    Ok(doc(BTreeMap::from([(key, value)])))
}

/// `{ "succeded": true }`, as the API answers a delete (its spelling).
fn succeeded() -> Result<Doc, CliError> {
    one("succeded", true)
}

/// The API's answer to a contact update.
#[derive(Serialize)]
struct Updated {
    succeded: bool,
    contact: Contact,
}

/// Every page of a contact list in one document.
#[derive(Serialize)]
struct Listed<C> {
    contacts: Vec<C>,
    total: Option<u64>,
}
