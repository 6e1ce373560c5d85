//! Write operations: contacts, tasks, notes and tags. Inputs are validated
//! before anything is sent; creates are never repeated blindly (see
//! [`crate::RetryPolicy`] and [`Client::create_contact`]).

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{path_id, Call, Client, Failure};
use crate::error::Error;
use crate::models::responses::{
    ContactEnvelope, DeletedEnvelope, NoteEnvelope, TagsEnvelope, TaskEnvelope,
    UpdateContactEnvelope,
};
use crate::models::{
    tag_list, Contact, ContactInput, ContactUpdate, NoteInput, NoteUpdate, Task, TaskInput,
    TaskUpdate, UpsertOutcome,
};
use crate::Note;

impl Client {
    /// `POST /contacts/` → 201 `{ contact }`. `locationId` comes from the
    /// configuration; the phone is sent in E.164.
    ///
    /// Not retried after an ambiguous failure (timeout, dropped connection,
    /// 5xx), because the contact may have been created. Instead the contact is
    /// looked up with [`Client::find_duplicate`] (by email, else phone): if
    /// one is found it is returned as if the create had answered — note it
    /// may be a contact that already existed with that email/phone, which is
    /// what GHL's duplicate rule would have matched anyway. If none is found
    /// the original error is returned (the create did not happen, so a retry
    /// is safe). If the lookup is impossible (no email or phone) or fails,
    /// the error is [`Error::OutcomeUnknown`].
    pub async fn create_contact(&self, input: &ContactInput) -> Result<Contact, Error> {
        const OP: &str = "create_contact";
        let mut body = input.to_body(self.country_code())?;
        body.remove("createNewIfDuplicateAllowed");
        let call = Call::new(OP, Method::POST, &["contacts", ""]).json(&self.located(body))?;
        match self.send_create::<ContactEnvelope>(call).await {
            Ok(env) => Ok(env.contact),
            Err(Failure {
                error,
                maybe_applied: false,
            }) => Err(error),
            Err(Failure { error, .. }) => {
                let Some(key) = input.lookup_key(self.country_code()) else {
                    return Err(unknown(OP, error));
                };
                tracing::warn!(operation = OP, error = %error, "create outcome unknown; looking the contact up");
                match self.find_duplicate(key).await {
                    Ok(Some(contact)) => {
                        tracing::info!(operation = OP, contact_id = %contact.id, "found the contact after an ambiguous create");
                        Ok(contact)
                    }
                    Ok(None) => Err(error),
                    Err(lookup) => {
                        tracing::warn!(operation = OP, error = %lookup, "lookup after an ambiguous create failed");
                        Err(unknown(OP, error))
                    }
                }
            }
        }
    }

    /// `PUT /contacts/{contactId}` → `{ succeded, contact }`. Sends only the
    /// fields that are `Some` in `update`.
    pub async fn update_contact(
        &self,
        contact_id: &str,
        update: &ContactUpdate,
    ) -> Result<Contact, Error> {
        const OP: &str = "update_contact";
        let id = path_id("contact", contact_id)?;
        let body = update.to_body(self.country_code())?;
        let call = Call::new(OP, Method::PUT, &["contacts", id]).json(&body)?;
        let env: UpdateContactEnvelope = self.send(call).await?;
        check_succeeded(OP, env.succeded)?;
        Ok(env.contact)
    }

    /// `DELETE /contacts/{contactId}` → `{ succeded }`.
    pub async fn delete_contact(&self, contact_id: &str) -> Result<(), Error> {
        const OP: &str = "delete_contact";
        let id = path_id("contact", contact_id)?;
        self.delete(Call::new(OP, Method::DELETE, &["contacts", id]))
            .await
    }

    /// `POST /contacts/upsert` → `{ new, contact, traceId }`: updates the
    /// contact the location's duplicate rule matches, else creates one. Tags
    /// given here replace the contact's tags. An ambiguous failure is
    /// [`Error::OutcomeUnknown`] (not retried).
    pub async fn upsert_contact(&self, input: &ContactInput) -> Result<UpsertOutcome, Error> {
        const OP: &str = "upsert_contact";
        let body = input.to_body(self.country_code())?;
        let call =
            Call::new(OP, Method::POST, &["contacts", "upsert"]).json(&self.located(body))?;
        self.create(call).await
    }

    /// `POST /contacts/{contactId}/tasks` → 201 `{ task }`.
    pub async fn create_task(&self, contact_id: &str, task: &TaskInput) -> Result<Task, Error> {
        let id = path_id("contact", contact_id)?;
        task.validate()?;
        let call = Call::new("create_task", Method::POST, &["contacts", id, "tasks"]).json(task)?;
        self.create::<TaskEnvelope>(call).await.map(|e| e.task)
    }

    /// `PUT /contacts/{contactId}/tasks/{taskId}` → `{ task }`.
    pub async fn update_task(
        &self,
        contact_id: &str,
        task_id: &str,
        update: &TaskUpdate,
    ) -> Result<Task, Error> {
        let id = path_id("contact", contact_id)?;
        let task = path_id("task", task_id)?;
        update.validate()?;
        let call =
            Call::new("update_task", Method::PUT, &["contacts", id, "tasks", task]).json(update)?;
        self.send::<TaskEnvelope>(call).await.map(|e| e.task)
    }

    /// `PUT /contacts/{contactId}/tasks/{taskId}/completed` → `{ task }`.
    pub async fn set_task_completed(
        &self,
        contact_id: &str,
        task_id: &str,
        completed: bool,
    ) -> Result<Task, Error> {
        #[derive(Serialize)]
        struct Body {
            completed: bool,
        }
        let id = path_id("contact", contact_id)?;
        let task = path_id("task", task_id)?;
        let call = Call::new(
            "set_task_completed",
            Method::PUT,
            &["contacts", id, "tasks", task, "completed"],
        )
        .json(&Body { completed })?;
        self.send::<TaskEnvelope>(call).await.map(|e| e.task)
    }

    /// `DELETE /contacts/{contactId}/tasks/{taskId}` → `{ succeded }`.
    pub async fn delete_task(&self, contact_id: &str, task_id: &str) -> Result<(), Error> {
        let id = path_id("contact", contact_id)?;
        let task = path_id("task", task_id)?;
        self.delete(Call::new(
            "delete_task",
            Method::DELETE,
            &["contacts", id, "tasks", task],
        ))
        .await
    }

    /// `POST /contacts/{contactId}/notes` → 201 `{ note }`.
    pub async fn create_note(&self, contact_id: &str, note: &NoteInput) -> Result<Note, Error> {
        let id = path_id("contact", contact_id)?;
        note.validate()?;
        let call = Call::new("create_note", Method::POST, &["contacts", id, "notes"]).json(note)?;
        self.create::<NoteEnvelope>(call).await.map(|e| e.note)
    }

    /// `PUT /contacts/{contactId}/notes/{id}` → `{ note }`.
    pub async fn update_note(
        &self,
        contact_id: &str,
        note_id: &str,
        update: &NoteUpdate,
    ) -> Result<Note, Error> {
        let id = path_id("contact", contact_id)?;
        let note = path_id("note", note_id)?;
        update.validate()?;
        let call =
            Call::new("update_note", Method::PUT, &["contacts", id, "notes", note]).json(update)?;
        self.send::<NoteEnvelope>(call).await.map(|e| e.note)
    }

    /// `DELETE /contacts/{contactId}/notes/{id}` → `{ succeded }`.
    pub async fn delete_note(&self, contact_id: &str, note_id: &str) -> Result<(), Error> {
        let id = path_id("contact", contact_id)?;
        let note = path_id("note", note_id)?;
        self.delete(Call::new(
            "delete_note",
            Method::DELETE,
            &["contacts", id, "notes", note],
        ))
        .await
    }

    /// `POST /contacts/{contactId}/tags` with `{ tags }` → 201 `{ tags }`
    /// (the contact's tags afterwards). Adds, never replaces.
    pub async fn add_tags(&self, contact_id: &str, tags: &[String]) -> Result<Vec<String>, Error> {
        let id = path_id("contact", contact_id)?;
        let call = Call::new("add_tags", Method::POST, &["contacts", id, "tags"])
            .json(&tags_body(tags)?)?;
        self.create::<TagsEnvelope>(call).await.map(|e| e.tags)
    }

    /// `DELETE /contacts/{contactId}/tags` with a JSON body `{ tags }` →
    /// `{ tags }` (the contact's tags afterwards).
    pub async fn remove_tags(
        &self,
        contact_id: &str,
        tags: &[String],
    ) -> Result<Vec<String>, Error> {
        let id = path_id("contact", contact_id)?;
        let call = Call::new("remove_tags", Method::DELETE, &["contacts", id, "tags"])
            .json(&tags_body(tags)?)?;
        self.send::<TagsEnvelope>(call).await.map(|e| e.tags)
    }

    /// A create whose ambiguous failure cannot be resolved: reported as
    /// [`Error::OutcomeUnknown`].
    async fn create<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let operation = call.operation;
        self.send_create(call).await.map_err(|f| {
            if f.maybe_applied {
                unknown(operation, f.error)
            } else {
                f.error
            }
        })
    }

    async fn delete(&self, call: Call<'_>) -> Result<(), Error> {
        let operation = call.operation;
        let env: DeletedEnvelope = self.send(call).await?;
        check_succeeded(operation, env.succeded)
    }

    /// `body` with `locationId` from the configuration (overriding any given).
    fn located(&self, mut body: Map<String, Value>) -> Map<String, Value> {
        body.insert(
            "locationId".to_owned(),
            Value::String(self.location_id().to_owned()),
        );
        body
    }
}

fn tags_body(tags: &[String]) -> Result<Value, Error> {
    Ok(serde_json::json!({ "tags": tag_list(tags)? }))
}

/// `succeded: false` on a 200 is a failure; a missing flag is taken as
/// success (the status said so).
fn check_succeeded(operation: &'static str, flag: Option<bool>) -> Result<(), Error> {
    if flag == Some(false) {
        return Err(Error::Api {
            status: 200,
            message: format!("GoHighLevel reported that {operation} did not succeed"),
            trace_id: None,
        });
    }
    Ok(())
}

fn unknown(operation: &'static str, cause: Error) -> Error {
    Error::OutcomeUnknown {
        operation,
        cause: Box::new(cause),
    }
}
