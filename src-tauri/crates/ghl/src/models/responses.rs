//! Response envelopes (the `…SuccessfulResponseDto` schemas). Crate-private:
//! operations unwrap them and return the models inside.

use serde::Deserialize;
use serde_json::Value;

use super::{Appointment, Contact, Note, Task};
use crate::client::decode;
use crate::error::Error;
use crate::serde_lenient as lenient;

/// `{ contact }`: get (`GetContectByIdSchema`) and create (`CreateContactSchema`,
/// whose extra fields — `deleted`, `birthMonth`, … — land in `extra`).
#[derive(Deserialize)]
pub(crate) struct ContactEnvelope {
    pub(crate) contact: Contact,
}

/// `{ succeded, contact }` (sic). The v3 spelling `succeeded` is accepted too.
#[derive(Deserialize)]
pub(crate) struct UpdateContactEnvelope {
    #[serde(default, alias = "succeeded", deserialize_with = "lenient::opt_bool")]
    pub(crate) succeded: Option<bool>,
    pub(crate) contact: Contact,
}

/// `{ succeded }` (sic) of the deletes.
#[derive(Deserialize)]
pub(crate) struct DeletedEnvelope {
    #[serde(default, alias = "succeeded", deserialize_with = "lenient::opt_bool")]
    pub(crate) succeded: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct TaskEnvelope {
    pub(crate) task: Task,
}

#[derive(Deserialize)]
pub(crate) struct TasksEnvelope {
    pub(crate) tasks: Vec<Task>,
}

#[derive(Deserialize)]
pub(crate) struct NoteEnvelope {
    pub(crate) note: Note,
}

#[derive(Deserialize)]
pub(crate) struct NotesEnvelope {
    pub(crate) notes: Vec<Note>,
}

#[derive(Deserialize)]
pub(crate) struct EventsEnvelope {
    pub(crate) events: Vec<Appointment>,
}

/// `{ tags }` of add/remove tags: the contact's tags afterwards.
#[derive(Deserialize)]
pub(crate) struct TagsEnvelope {
    #[serde(deserialize_with = "lenient::string_vec")]
    pub(crate) tags: Vec<String>,
}

/// `GET /contacts/search/duplicate` has no documented response. Accepted:
/// `{ contact: {…} | null }`, `{}` (nothing found), `{ contacts: [...] }`
/// (first one) and a bare contact object. A `contact` that is present but
/// not a decodable contact is an error, not "no duplicate": guessing "none"
/// there could lead to creating a duplicate.
pub(crate) fn decode_duplicate(body: &[u8]) -> Result<Option<Contact>, Error> {
    const OP: &str = "find_duplicate";
    let value: Value = decode(OP, body)?;
    let Value::Object(map) = value else {
        return Err(Error::InvalidResponse {
            operation: OP,
            message: format!("expected a JSON object, found {}", lenient::kind(&value)),
        });
    };
    let one = |v: &Value| -> Result<Contact, Error> {
        serde_json::from_value(v.clone()).map_err(|_| Error::InvalidResponse {
            operation: OP,
            message: "the duplicate is not a contact with an id".to_owned(),
        })
    };
    if let Some(v) = map.get("contact") {
        return match v {
            Value::Null => Ok(None),
            Value::Object(_) => one(v).map(Some),
            other => Err(Error::InvalidResponse {
                operation: OP,
                message: format!("`contact` is {}", lenient::kind(other)),
            }),
        };
    }
    if let Some(v) = map.get("contacts") {
        return match v {
            Value::Null => Ok(None),
            Value::Array(items) => items.first().map(one).transpose(),
            other => Err(Error::InvalidResponse {
                operation: OP,
                message: format!("`contacts` is {}", lenient::kind(other)),
            }),
        };
    }
    if map.contains_key("id") {
        return one(&Value::Object(map)).map(Some);
    }
    Ok(None)
}
