//! Checks run on a plan before anything is sent, so a bad value is refused
//! with the field named instead of failing half-way through an apply.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Field, Side, Value};
use crate::normalize::{is_e164, is_email};
use crate::plan::Plan;

/// A value the receiving side would refuse. The message never repeats the
/// value itself (it may be personal data and messages end up in logs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The side the value would be written to.
    pub side: Side,
    pub field: Field,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} for {}: {}",
            self.field.label(),
            self.side.name(),
            self.message
        )
    }
}

/// Every problem in the plan's outgoing values, or `Ok` if it can be sent.
pub fn validate(plan: &Plan) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (side, source) in [(Side::Ghl, Side::Hcp), (Side::Hcp, Side::Ghl)] {
        for change in plan.changes(side) {
            let Value::Text(value) = &change.to else {
                continue;
            };
            let problem = match change.field {
                Field::Email if !is_email(value) => "is not a valid email address",
                Field::Phone | Field::ExtraPhone(_) if !is_e164(value) => {
                    "is not a phone number that can be read (digits with an optional \
                     leading + and country code; no letters or extensions)"
                }
                _ => continue,
            };
            errors.push(FieldError {
                side,
                field: change.field,
                message: format!("the value from {} {problem}", source.name()),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
