//! The import itself: for each valid row, look the contact up (email, then
//! phone) before anything is created, so a second import of the same file
//! creates nothing; update only what the row changes; create the rest with
//! the chosen tags and follow-up task. A few rows run at a time, never two
//! that could be the same contact.

use std::collections::HashSet;
use std::future::Future;

use ghl::{Contact, ContactInput, ContactUpdate, DuplicateQuery, TaskInput};
use time::{Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;

use crate::rows::MappedRow;

/// Where contacts go: GHL in the app ([`ghl::Client`] implements it), a
/// fake in tests.
pub trait Destination: Sync {
    fn find(
        &self,
        by: DuplicateQuery,
    ) -> impl Future<Output = Result<Option<Contact>, ghl::Error>> + Send;
    fn create(
        &self,
        input: &ContactInput,
    ) -> impl Future<Output = Result<Contact, ghl::Error>> + Send;
    fn update(
        &self,
        contact_id: &str,
        update: &ContactUpdate,
    ) -> impl Future<Output = Result<Contact, ghl::Error>> + Send;
    fn add_tags(
        &self,
        contact_id: &str,
        tags: &[String],
    ) -> impl Future<Output = Result<Vec<String>, ghl::Error>> + Send;
    fn add_task(
        &self,
        contact_id: &str,
        task: &TaskInput,
    ) -> impl Future<Output = Result<ghl::Task, ghl::Error>> + Send;
}

impl Destination for ghl::Client {
    async fn find(&self, by: DuplicateQuery) -> Result<Option<Contact>, ghl::Error> {
        self.find_duplicate(by).await
    }
    async fn create(&self, input: &ContactInput) -> Result<Contact, ghl::Error> {
        self.create_contact(input).await
    }
    async fn update(&self, id: &str, update: &ContactUpdate) -> Result<Contact, ghl::Error> {
        self.update_contact(id, update).await
    }
    async fn add_tags(&self, id: &str, tags: &[String]) -> Result<Vec<String>, ghl::Error> {
        ghl::Client::add_tags(self, id, tags).await
    }
    async fn add_task(&self, id: &str, task: &TaskInput) -> Result<ghl::Task, ghl::Error> {
        self.create_task(id, task).await
    }
}

/// A task to add to every contact the import creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub title: String,
    pub due_in_days: u32,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Added to contacts the import creates (not to existing ones).
    pub tags: Vec<String>,
    pub follow_up: Option<FollowUp>,
    /// Rows in flight at once (the client's rate limiter still applies).
    pub parallel: usize,
    /// For reading existing phone numbers, as in [`crate::MapOptions`].
    pub default_country_calling_code: String,
    /// The follow-up is due `due_in_days` after this.
    pub now: OffsetDateTime,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            tags: vec!["houzz-pro".to_owned()],
            follow_up: None,
            parallel: 4,
            default_country_calling_code: "1".to_owned(),
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// Counts so far; `done` of `total` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    pub created: usize,
    pub updated: usize,
    /// Existing contacts the row would not change.
    pub unchanged: usize,
    /// Rows with problems (not sent) and rows GHL refused.
    pub failed: usize,
}

/// A row that needs attention, with its line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFailure {
    pub line: usize,
    pub reason: String,
}

/// Why an import ended before its last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Cancelled,
    /// GHL cannot be reached, or refuses every request (sign-in, rate limit).
    Unreachable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub progress: Progress,
    /// Failed rows, and created rows whose follow-up task failed.
    pub failures: Vec<RowFailure>,
    pub stopped: Option<Stop>,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Created(Contact),
    Updated(Contact),
    Unchanged(String),
    Failed(String),
}

/// Imports `rows` in file order. `on_row` sees each contact GHL answered
/// with (to keep a local copy); `on_progress` the counts as they change.
pub async fn run<D: Destination>(
    destination: &D,
    rows: &[MappedRow],
    options: &RunOptions,
    cancel: &CancellationToken,
    mut on_row: impl FnMut(&MappedRow, &Outcome),
    mut on_progress: impl FnMut(&Progress),
) -> Summary {
    let mut progress = Progress {
        total: rows.len(),
        ..Progress::default()
    };
    let mut failures = Vec::new();
    let mut stopped = None;
    let mut next = 0;
    on_progress(&progress);
    while next < rows.len() {
        if cancel.is_cancelled() {
            stopped = Some(Stop::Cancelled);
            break;
        }
        let batch = next_batch(rows, next, options.parallel.max(1));
        next += batch.len();
        let results = futures_util::future::join_all(
            batch
                .iter()
                .map(|row| import_row(destination, row, options)),
        )
        .await;
        for (row, result) in batch.iter().zip(results) {
            match result {
                Ok((outcome, warning)) => {
                    match &outcome {
                        Outcome::Created(_) => progress.created += 1,
                        Outcome::Updated(_) => progress.updated += 1,
                        Outcome::Unchanged(_) => progress.unchanged += 1,
                        Outcome::Failed(reason) => {
                            progress.failed += 1;
                            failures.push(RowFailure {
                                line: row.line,
                                reason: reason.clone(),
                            });
                        }
                    }
                    if let Some(reason) = warning {
                        failures.push(RowFailure {
                            line: row.line,
                            reason,
                        });
                    }
                    progress.done += 1;
                    on_row(row, &outcome);
                }
                Err(unreachable) => {
                    stopped.get_or_insert(Stop::Unreachable(unreachable));
                }
            }
        }
        on_progress(&progress);
        if stopped.is_some() {
            break;
        }
    }
    failures.sort_by_key(|f| f.line);
    Summary {
        progress,
        failures,
        stopped,
    }
}

/// Up to `size` rows from `start` of which no two share an email or phone:
/// a later row for the same person must see what the earlier one created.
fn next_batch(rows: &[MappedRow], start: usize, size: usize) -> &[MappedRow] {
    let mut keys = HashSet::new();
    let mut end = start;
    while end < rows.len() && end - start < size {
        let row_keys = lookup_keys(&rows[end].contact);
        if row_keys.iter().any(|k| keys.contains(k)) {
            break;
        }
        keys.extend(row_keys);
        end += 1;
    }
    &rows[start..end.max(start + 1).min(rows.len())]
}

fn lookup_keys(c: &ContactInput) -> Vec<String> {
    let email = c.email.as_ref().map(|e| e.to_lowercase());
    email.into_iter().chain(c.phone.clone()).collect()
}

/// Errors after which no further row can succeed: stop, keep what is done.
fn stops_import(error: &ghl::Error) -> bool {
    matches!(
        error.code(),
        "network" | "timeout" | "unauthorized" | "reauth_required" | "forbidden" | "rate_limited"
    )
}

/// The row's outcome and an optional warning; `Err` when GHL is out of
/// reach (the row is not done).
async fn import_row<D: Destination>(
    destination: &D,
    row: &MappedRow,
    options: &RunOptions,
) -> Result<(Outcome, Option<String>), String> {
    if !row.is_valid() {
        let reasons: Vec<String> = row.problems.iter().map(ToString::to_string).collect();
        return Ok((Outcome::Failed(reasons.join("; ")), None));
    }
    let fail = |error: ghl::Error| {
        if stops_import(&error) {
            Err(error.to_string())
        } else {
            Ok((Outcome::Failed(error.to_string()), None))
        }
    };
    let existing = match find(destination, &row.contact).await {
        Ok(existing) => existing,
        Err(error) => return fail(error),
    };
    if let Some(existing) = existing {
        return match update_existing(destination, &existing, &row.contact, options).await {
            Ok(outcome) => Ok((outcome, None)),
            Err(error) => fail(error),
        };
    }
    let contact = match destination
        .create(&contact_input(&row.contact, &options.tags))
        .await
    {
        Ok(contact) => contact,
        Err(error) => return fail(error),
    };
    let mut warning = None;
    if let Some(follow_up) = &options.follow_up {
        let due = options.now + Duration::days(i64::from(follow_up.due_in_days));
        let task = TaskInput::new(follow_up.title.trim(), due);
        if let Err(error) = destination.add_task(&contact.id, &task).await {
            warning = Some(format!(
                "The contact was created, but its follow-up task was not: {error}"
            ));
        }
    }
    Ok((Outcome::Created(contact), warning))
}

async fn find<D: Destination>(
    destination: &D,
    c: &ContactInput,
) -> Result<Option<Contact>, ghl::Error> {
    if let Some(email) = &c.email {
        if let Some(found) = destination
            .find(DuplicateQuery::Email(email.clone()))
            .await?
        {
            return Ok(Some(found));
        }
    }
    if let Some(phone) = &c.phone {
        return destination.find(DuplicateQuery::Phone(phone.clone())).await;
    }
    Ok(None)
}

/// The row's contact with the import's tags added to the file's.
fn contact_input(c: &ContactInput, extra_tags: &[String]) -> ContactInput {
    let mut tags = c.tags.clone().unwrap_or_default();
    for tag in extra_tags.iter().filter_map(|t| crate::rows::tag(t)) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    ContactInput {
        tags: (!tags.is_empty()).then_some(tags),
        ..c.clone()
    }
}

/// Sends only the fields the row fills and the contact lacks or has
/// otherwise, and the row's tags the contact lacks. The company is not
/// sent: GHL's update does not take it (`UpdateContactDto`).
async fn update_existing<D: Destination>(
    destination: &D,
    existing: &Contact,
    row: &ContactInput,
    options: &RunOptions,
) -> Result<Outcome, ghl::Error> {
    let update = changes(existing, row, &options.default_country_calling_code);
    let missing_tags: Vec<String> = row
        .tags
        .iter()
        .flatten()
        .filter(|t| {
            !existing
                .tags
                .iter()
                .any(|have| have.eq_ignore_ascii_case(t))
        })
        .cloned()
        .collect();
    if update == ContactUpdate::default() && missing_tags.is_empty() {
        return Ok(Outcome::Unchanged(existing.id.clone()));
    }
    let mut contact = if update == ContactUpdate::default() {
        existing.clone()
    } else {
        destination.update(&existing.id, &update).await?
    };
    if !missing_tags.is_empty() {
        contact.tags = destination.add_tags(&existing.id, &missing_tags).await?;
    }
    Ok(Outcome::Updated(contact))
}

/// The update that makes `existing` show what the row says.
pub fn changes(existing: &Contact, row: &ContactInput, default_cc: &str) -> ContactUpdate {
    fn text(have: &Option<String>, want: &Option<String>) -> Option<String> {
        let want = want.as_ref()?;
        let same = have.as_deref().map(str::trim) == Some(want.as_str());
        (!same).then(|| want.clone())
    }
    fn folded(have: &Option<String>, want: &Option<String>) -> Option<String> {
        let want = want.as_ref()?;
        let same = have
            .as_deref()
            .is_some_and(|h| h.trim().eq_ignore_ascii_case(want));
        (!same).then(|| want.clone())
    }
    let phone = row.phone.as_ref().and_then(|want| {
        let have = existing
            .phone
            .as_deref()
            .and_then(|p| sync::normalize_phone(p, default_cc).ok());
        (have.as_ref() != Some(want)).then(|| want.clone())
    });
    ContactUpdate {
        first_name: text(&existing.first_name, &row.first_name),
        last_name: text(&existing.last_name, &row.last_name),
        email: folded(&existing.email, &row.email),
        phone,
        address1: text(&existing.address1, &row.address1),
        city: text(&existing.city, &row.city),
        state: text(&existing.state, &row.state),
        postal_code: text(&existing.postal_code, &row.postal_code),
        country: folded(&existing.country, &row.country),
        source: text(&existing.source, &row.source),
        ..ContactUpdate::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::{map_row, MapOptions};
    use crate::{Field, Row};
    use std::sync::Mutex;

    /// Contacts in memory; creates for `refuse` fail as GHL's 422 would,
    /// every call fails as offline once `offline` is set, tasks always fail.
    #[derive(Default)]
    struct Fake {
        contacts: Mutex<Vec<Contact>>,
        refuse: &'static str,
        offline_after_creates: Option<usize>,
    }

    impl Fake {
        fn gate(&self) -> Result<(), ghl::Error> {
            let created = self.contacts.lock().unwrap().len();
            match self.offline_after_creates {
                Some(limit) if created >= limit => Err(ghl::Error::Network {
                    message: "connection refused".to_owned(),
                }),
                _ => Ok(()),
            }
        }
    }

    impl Destination for Fake {
        async fn find(&self, by: DuplicateQuery) -> Result<Option<Contact>, ghl::Error> {
            self.gate()?;
            let contacts = self.contacts.lock().unwrap();
            Ok(contacts
                .iter()
                .find(|c| match &by {
                    // GHL matches emails whatever their case.
                    DuplicateQuery::Email(e) => c
                        .email
                        .as_deref()
                        .is_some_and(|have| have.eq_ignore_ascii_case(e)),
                    DuplicateQuery::Phone(p) => c.phone.as_deref() == Some(p.as_str()),
                })
                .cloned())
        }
        async fn create(&self, input: &ContactInput) -> Result<Contact, ghl::Error> {
            self.gate()?;
            if input.email.as_deref() == Some(self.refuse) {
                return Err(ghl::Error::Validation {
                    messages: vec!["email is blocked".to_owned()],
                });
            }
            let mut contacts = self.contacts.lock().unwrap();
            let contact: Contact = serde_json::from_value(serde_json::json!({
                "id": format!("c{}", contacts.len()),
                "firstName": input.first_name,
                "email": input.email,
                "phone": input.phone,
                "tags": input.tags.clone().unwrap_or_default(),
            }))
            .unwrap();
            contacts.push(contact.clone());
            Ok(contact)
        }
        async fn update(&self, _: &str, _: &ContactUpdate) -> Result<Contact, ghl::Error> {
            unreachable!("no row changes an existing contact here")
        }
        async fn add_tags(&self, _: &str, _: &[String]) -> Result<Vec<String>, ghl::Error> {
            unreachable!("no row adds tags to an existing contact here")
        }
        async fn add_task(&self, _: &str, _: &TaskInput) -> Result<ghl::Task, ghl::Error> {
            Err(ghl::Error::Api {
                status: 500,
                message: "tasks are down".to_owned(),
                trace_id: None,
            })
        }
    }

    fn rows(emails: &[&str]) -> Vec<MappedRow> {
        emails
            .iter()
            .enumerate()
            .map(|(i, email)| {
                let row = Row {
                    line: i + 2,
                    cells: vec!["Jo".to_owned(), (*email).to_owned()],
                };
                map_row(
                    &row,
                    &[Field::FirstName, Field::Email],
                    &MapOptions::default(),
                )
            })
            .collect()
    }

    async fn run_fake(fake: &Fake, rows: &[MappedRow], options: &RunOptions) -> Summary {
        run(
            fake,
            rows,
            options,
            &CancellationToken::new(),
            |_, _| {},
            |_| {},
        )
        .await
    }

    #[tokio::test]
    async fn a_refused_row_fails_alone_and_a_failed_task_is_reported() {
        let fake = Fake {
            refuse: "b@x.io",
            ..Fake::default()
        };
        let options = RunOptions {
            follow_up: Some(FollowUp {
                title: "Call".to_owned(),
                due_in_days: 1,
            }),
            ..RunOptions::default()
        };
        let s = run_fake(&fake, &rows(&["a@x.io", "b@x.io", "c@x.io"]), &options).await;
        assert_eq!((s.progress.created, s.progress.failed), (2, 1));
        assert_eq!(s.stopped, None);
        let lines: Vec<usize> = s.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(s.failures[1].reason.contains("email is blocked"));
        assert!(s.failures[0].reason.contains("follow-up task was not"));
        assert_eq!(
            fake.contacts.lock().unwrap()[0].tags,
            ["houzz-pro"],
            "the import's tags go on new contacts"
        );
    }

    #[tokio::test]
    async fn rows_for_one_person_run_one_after_the_other() {
        let fake = Fake::default();
        let s = run_fake(
            &fake,
            &rows(&["a@x.io", "A@x.io", "a@x.io"]),
            &RunOptions::default(),
        )
        .await;
        assert_eq!((s.progress.created, s.progress.unchanged), (1, 2));
    }

    #[tokio::test]
    async fn going_offline_stops_with_the_done_rows_counted() {
        let fake = Fake {
            offline_after_creates: Some(2),
            ..Fake::default()
        };
        let options = RunOptions {
            parallel: 1,
            ..RunOptions::default()
        };
        let s = run_fake(
            &fake,
            &rows(&["a@x.io", "b@x.io", "c@x.io", "d@x.io"]),
            &options,
        )
        .await;
        assert!(matches!(s.stopped, Some(Stop::Unreachable(_))));
        assert_eq!((s.progress.done, s.progress.created), (2, 2));
    }
}
