//! One-contact sync in the app: the sync settings (a file beside the
//! accounts, no secrets), and the shapes the UI shows for the engine's
//! preview, result and log.

use std::path::Path;

use serde_json::Value as Json;
use sync::{Field, MatchedBy, Matching, Side, Value};

use crate::ipc::{
    AppError, ErrorCode, FollowUpTaskForm, HcpCustomerSummary, SyncCandidate, SyncConflictView,
    SyncFieldChange, SyncFieldChoice, SyncFieldValue, SyncKeep, SyncLogLine, SyncMatchChoice,
    SyncMatchKind, SyncPreview, SyncProblem, SyncRecordView, SyncResult, SyncSettingsForm,
    SyncSettingsView, SyncSide, SyncTargetRef, SyncTaskView,
};

impl From<sync::Error> for AppError {
    fn from(error: sync::Error) -> Self {
        let code = match &error {
            sync::Error::NeedsMatchChoice { .. } => ErrorCode::NeedsMatchChoice,
            sync::Error::StepFailed { .. } => ErrorCode::SyncStopped,
            sync::Error::NotFound { .. } => ErrorCode::NotFound,
            sync::Error::Invalid(_)
            | sync::Error::BadMatchChoice(_)
            | sync::Error::CannotCreate(_)
            | sync::Error::InvalidMapping(_) => ErrorCode::Validation,
            sync::Error::Remote { code, .. } => match code.as_str() {
                "network" => ErrorCode::Network,
                "timeout" => ErrorCode::Timeout,
                "unauthorized" => ErrorCode::Unauthorized,
                "forbidden" => ErrorCode::Forbidden,
                "rate_limited" => ErrorCode::RateLimited,
                "reauth_required" => ErrorCode::ReauthRequired,
                _ => ErrorCode::Api,
            },
            sync::Error::Store(_) => ErrorCode::CacheUnavailable,
            _ => ErrorCode::Internal,
        };
        let details = match &error {
            sync::Error::StepFailed { step, .. } => Some(serde_json::json!({ "step": step })),
            sync::Error::Invalid(problems) => Some(serde_json::json!({
                "messages": problems.iter().map(ToString::to_string).collect::<Vec<_>>()
            })),
            _ => None,
        };
        AppError {
            code,
            message: error.to_string(),
            details,
        }
    }
}

pub fn save_settings(config: &Path, settings: &sync::SyncSettings) -> Result<(), AppError> {
    let json = serde_json::to_vec_pretty(settings)
        .map_err(|error| AppError::internal(format!("sync settings: {error}")))?;
    auth::write_atomic(&config.join(sync::SyncSettings::FILE_NAME), &json)
        .map_err(crate::session::auth_error)
}

pub fn settings_view(settings: &sync::SyncSettings) -> SyncSettingsView {
    let mapping = &settings.mapping;
    let phone_field = |kind| {
        mapping
            .phone_custom_fields
            .get(&kind)
            .cloned()
            .unwrap_or_default()
    };
    SyncSettingsView {
        mapping: mapping.describe(),
        home_phone_field: phone_field(sync::PhoneKind::Home),
        work_phone_field: phone_field(sync::PhoneKind::Work),
        hcp_id_field: mapping.hcp_id_custom_field.clone(),
        follow_up_tasks: settings
            .follow_up_tasks
            .iter()
            .map(|task| FollowUpTaskForm {
                title: task.title.clone(),
                body: task.body.clone(),
                due_in_days: task.due_in_days,
                due_hour: task.due_hour,
            })
            .collect(),
    }
}

/// The form applied to `settings`, checked first.
pub fn apply_form(
    settings: &mut sync::SyncSettings,
    form: SyncSettingsForm,
) -> Result<(), AppError> {
    let invalid = |message: String| AppError {
        code: ErrorCode::Validation,
        message,
        details: None,
    };
    let mut next = settings.clone();
    for (kind, key) in [
        (sync::PhoneKind::Home, form.home_phone_field),
        (sync::PhoneKind::Work, form.work_phone_field),
    ] {
        let key = key.trim().to_owned();
        if key.is_empty() {
            next.mapping.phone_custom_fields.remove(&kind);
        } else {
            next.mapping.phone_custom_fields.insert(kind, key);
        }
    }
    let id_field = form.hcp_id_field.trim();
    if id_field.is_empty() {
        return Err(invalid(
            "The custom field for the Housecall Pro id is needed: it links the two records."
                .to_owned(),
        ));
    }
    next.mapping.hcp_id_custom_field = id_field.to_owned();
    let mut tasks = Vec::new();
    for task in form.follow_up_tasks {
        let title = task.title.trim();
        if title.is_empty() {
            return Err(invalid("Every follow-up task needs a title.".to_owned()));
        }
        if task.due_hour > 23 || task.due_in_days > 365 {
            return Err(invalid(format!(
                "“{title}”: the due day must be within a year and the hour 0–23."
            )));
        }
        tasks.push(sync::FollowUpTask {
            title: title.to_owned(),
            body: task.body.trim().to_owned(),
            due_in_days: task.due_in_days,
            due_hour: task.due_hour,
        });
    }
    next.follow_up_tasks = tasks;
    next.mapping
        .check()
        .map_err(|error| invalid(error.to_string()))?;
    *settings = next;
    Ok(())
}

pub fn target(target: SyncTargetRef) -> sync::SyncTarget {
    match target.side {
        SyncSide::Hcp => sync::SyncTarget::Hcp(target.id),
        SyncSide::Ghl => sync::SyncTarget::Ghl(target.id),
    }
}

pub fn match_choice(choice: Option<SyncMatchChoice>) -> Option<sync::MatchChoice> {
    choice.map(|choice| match choice.existing_id {
        Some(id) => sync::MatchChoice::Existing(id),
        None => sync::MatchChoice::New,
    })
}

pub fn choices(picked: Vec<SyncFieldChoice>) -> Result<sync::Choices, AppError> {
    let mut choices = sync::Choices::new();
    for pick in picked {
        let field = field_of(&pick.field).ok_or_else(|| AppError {
            code: ErrorCode::Validation,
            message: format!("Unknown field {}", pick.field),
            details: None,
        })?;
        let choice = match pick.keep {
            SyncKeep::Nothing => sync::Choice::ChangeNothing,
            SyncKeep::Hcp => sync::Choice::KeepHcp,
            SyncKeep::Ghl => sync::Choice::KeepGhl,
        };
        choices.set(field, choice);
    }
    Ok(choices)
}

fn side(side: Side) -> SyncSide {
    match side {
        Side::Hcp => SyncSide::Hcp,
        Side::Ghl => SyncSide::Ghl,
    }
}

/// The field's key as stored and sent (`email`, `extra_phone.home`).
fn field_key(field: Field) -> String {
    match serde_json::to_value(field) {
        Ok(Json::String(key)) => key,
        _ => field.label().to_owned(),
    }
}

fn field_of(key: &str) -> Option<Field> {
    serde_json::from_value(Json::String(key.to_owned())).ok()
}

/// A logged field's name for people (the log also records follow-up tasks).
fn label_of(key: &str) -> String {
    match field_of(key) {
        Some(field) => field.label().to_owned(),
        None if key == "task" => "Follow-up task".to_owned(),
        None => key.to_owned(),
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Missing => None,
        Value::Text(text) => Some(text.clone()),
        Value::Set(set) if set.is_empty() => None,
        Value::Set(set) => Some(set.iter().cloned().collect::<Vec<_>>().join(", ")),
    }
}

fn change(change: &sync::Change) -> SyncFieldChange {
    SyncFieldChange {
        field: field_key(change.field),
        label: change.field.label().to_owned(),
        from: text(&change.from),
        to: text(&change.to),
    }
}

fn record_view(view: sync::SideView) -> SyncRecordView {
    SyncRecordView {
        id: view.id,
        name: view.name,
        fields: view
            .record
            .iter()
            .map(|(field, value)| SyncFieldValue {
                field: field_key(field),
                label: field.label().to_owned(),
                value: text(value),
            })
            .collect(),
    }
}

fn matched_by(by: &[MatchedBy]) -> String {
    let words: Vec<&str> = by
        .iter()
        .map(|by| match by {
            MatchedBy::Email => "email",
            MatchedBy::Phone => "phone",
            MatchedBy::Choice => "your choice",
            MatchedBy::EarlierApply => "an earlier sync",
        })
        .collect();
    words.join(" and ")
}

fn date_of(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

pub fn preview(preview: sync::Preview) -> SyncPreview {
    let other = match preview.target.side() {
        Side::Hcp => "GoHighLevel contact",
        Side::Ghl => "Housecall Pro customer",
    };
    let (matching, matching_text, candidates) = match preview.matching {
        Matching::Linked { last_synced_at, .. } => (
            SyncMatchKind::Linked,
            format!(
                "Linked by an earlier sync (last synced {})",
                date_of(&last_synced_at)
            ),
            Vec::new(),
        ),
        Matching::Matched { by } => (
            SyncMatchKind::Matched,
            match by {
                MatchedBy::Email => format!("The {other} with the same email address"),
                MatchedBy::Phone => format!("The {other} with the same phone number"),
                MatchedBy::Choice => format!("The {other} you chose"),
                MatchedBy::EarlierApply => {
                    format!("The {other} an earlier, unfinished sync created")
                }
            },
            Vec::new(),
        ),
        Matching::Ambiguous { candidates } => (
            SyncMatchKind::Ambiguous,
            format!(
                "{} records match. Choose the {other} to sync with, or create a new one.",
                candidates.len()
            ),
            candidates
                .into_iter()
                .map(|c| SyncCandidate {
                    matched_by: matched_by(&c.matched_by),
                    id: c.id,
                    name: c.name,
                    email: c.email,
                    phone: c.phone,
                })
                .collect(),
        ),
        Matching::New => (
            SyncMatchKind::New,
            format!("No {other} matches: a new one will be created."),
            Vec::new(),
        ),
    };
    let (to_ghl, to_hcp, conflicts) = match &preview.plan {
        Some(plan) => (
            plan.to_ghl.iter().map(change).collect(),
            plan.to_hcp.iter().map(change).collect(),
            plan.conflicts
                .iter()
                .map(|c| SyncConflictView {
                    field: field_key(c.field),
                    label: c.field.label().to_owned(),
                    base: text(&c.base),
                    hcp: text(&c.hcp),
                    ghl: text(&c.ghl),
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    SyncPreview {
        target: SyncTargetRef {
            side: side(preview.target.side()),
            id: preview.target.id().to_owned(),
        },
        matching,
        matching_text,
        candidates,
        hcp: preview.hcp.map(record_view),
        ghl: preview.ghl.map(record_view),
        to_ghl,
        to_hcp,
        conflicts,
        problems: preview
            .problems
            .into_iter()
            .map(|p| SyncProblem {
                side: side(p.side),
                field: field_key(p.field),
                label: p.field.label().to_owned(),
                message: p.message,
            })
            .collect(),
        follow_up_tasks: preview
            .follow_up_tasks
            .into_iter()
            .map(|t| SyncTaskView {
                title: t.title,
                due_date: t.due_date,
            })
            .collect(),
        will_send: preview.will_send,
        resuming: preview.resuming,
    }
}

pub fn result(outcome: &sync::ApplyOutcome) -> SyncResult {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    SyncResult {
        ghl_contact_id: outcome.ghl_contact_id.clone(),
        hcp_customer_id: outcome.hcp_customer_id.clone(),
        created: outcome.created.map(side),
        changed_in_ghl: count(outcome.to_ghl.len()),
        changed_in_hcp: count(outcome.to_hcp.len()),
        unresolved: count(outcome.unresolved.len()),
        tasks_created: outcome.tasks_created.clone(),
        nothing_sent: outcome.nothing_sent,
    }
}

pub fn log_line(entry: store::SyncLogEntry) -> SyncLogLine {
    SyncLogLine {
        to: match entry.direction {
            store::SyncDirection::ToGhl => SyncSide::Ghl,
            store::SyncDirection::ToHcp => SyncSide::Hcp,
        },
        label: label_of(&entry.field),
        at: entry.at,
        from: entry.from,
        value: entry.to,
        actor: entry.actor,
    }
}

pub fn customer_summary(
    customer: &hcp::Customer,
    linked_contact_id: Option<String>,
) -> HcpCustomerSummary {
    let non_blank = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let address = customer.primary_address().map(|a| {
        [&a.street, &a.city, &a.state, &a.zip]
            .into_iter()
            .filter_map(non_blank)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let name = customer.full_name();
    HcpCustomerSummary {
        id: customer.id.clone(),
        name: if name.trim().is_empty() {
            non_blank(&customer.company)
                .or_else(|| non_blank(&customer.email))
                .unwrap_or_else(|| customer.id.clone())
        } else {
            name
        },
        email: non_blank(&customer.email),
        phone: non_blank(&customer.mobile_number)
            .or_else(|| non_blank(&customer.home_number))
            .or_else(|| non_blank(&customer.work_number)),
        company: non_blank(&customer.company),
        address: address.filter(|a| !a.is_empty()),
        updated_at: non_blank(&customer.updated_at),
        linked_contact_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_round_trip_and_have_labels() {
        for field in Field::ALL {
            let key = field_key(field);
            assert_eq!(field_of(&key), Some(field), "{key}");
            assert_eq!(label_of(&key), field.label());
        }
        assert_eq!(label_of("no_such_field"), "no_such_field");
    }

    #[test]
    fn the_settings_form_is_checked_before_it_is_applied() {
        let mut settings = sync::SyncSettings::default();
        let form = |title: &str, hour: u8| SyncSettingsForm {
            home_phone_field: "contact.home".into(),
            work_phone_field: String::new(),
            hcp_id_field: "contact.hcp_id".into(),
            follow_up_tasks: vec![FollowUpTaskForm {
                title: title.into(),
                body: String::new(),
                due_in_days: 2,
                due_hour: hour,
            }],
        };
        assert!(apply_form(&mut settings, form("", 9)).is_err());
        assert!(apply_form(&mut settings, form("Call", 24)).is_err());
        assert_eq!(
            settings,
            sync::SyncSettings::default(),
            "unchanged after errors"
        );
        apply_form(&mut settings, form("Call", 9)).expect("valid");
        assert_eq!(settings.follow_up_tasks[0].due_in_days, 2);
        assert_eq!(settings.mapping.hcp_id_custom_field, "contact.hcp_id");
        assert!(!settings
            .mapping
            .phone_custom_fields
            .contains_key(&sync::PhoneKind::Work));
        let view = settings_view(&settings);
        assert_eq!(view.home_phone_field, "contact.home");
        assert!(!view.mapping.is_empty());
    }
}
