//! Maps the GHL client's wire models onto the smaller shapes the UI shows.

use crate::ipc;

/// GHL sends several date formats; the UI gets RFC 3339 in UTC, or the original
/// text when it cannot be read, so nothing is silently dropped.
pub fn normalize_datetime(raw: Option<String>) -> Option<String> {
    let raw = raw?;
    if raw.trim().is_empty() {
        return None;
    }
    Some(
        ghl::datetime::parse_ghl_datetime(&raw)
            .map(ghl::datetime::to_rfc3339)
            .unwrap_or(raw),
    )
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Records made offline carry a local id until the outbox sends them.
pub fn is_pending(id: &str) -> bool {
    store::Store::is_local_id(id)
}

/// A list row of the local cache.
pub fn contact_row(row: store::ContactRow) -> ipc::ContactSummary {
    ipc::ContactSummary {
        pending: is_pending(&row.id),
        id: row.id,
        display_name: row.display_name,
        first_name: non_blank(row.first_name),
        last_name: non_blank(row.last_name),
        email: non_blank(row.email),
        phone: non_blank(row.phone),
        company_name: non_blank(row.company_name),
        tags: row.tags,
        date_updated: normalize_datetime(row.date_updated),
    }
}

pub fn contact_detail(contact: ghl::Contact) -> ipc::ContactDetail {
    ipc::ContactDetail {
        pending: is_pending(&contact.id),
        display_name: contact.display_name(),
        id: contact.id,
        first_name: non_blank(contact.first_name),
        last_name: non_blank(contact.last_name),
        email: non_blank(contact.email),
        phone: non_blank(contact.phone),
        company_name: non_blank(contact.company_name),
        tags: contact.tags,
        source: non_blank(contact.source),
        contact_type: non_blank(contact.contact_type),
        address1: non_blank(contact.address1),
        city: non_blank(contact.city),
        state: non_blank(contact.state),
        postal_code: non_blank(contact.postal_code),
        country: non_blank(contact.country),
        website: non_blank(contact.website),
        timezone: non_blank(contact.timezone),
        date_of_birth: non_blank(contact.date_of_birth),
        date_added: normalize_datetime(contact.date_added),
        date_updated: normalize_datetime(contact.date_updated),
        dnd: contact.dnd.unwrap_or(false),
        business_id: non_blank(contact.business_id),
        custom_fields: contact
            .custom_fields
            .iter()
            .map(|field| ipc::CustomFieldValue {
                id: field.id.clone(),
                value: field.display_value(),
            })
            .collect(),
    }
}

pub fn task(task: ghl::Task) -> ipc::Task {
    ipc::Task {
        pending: is_pending(&task.id),
        id: task.id,
        title: non_blank(task.title).unwrap_or_else(|| "Untitled task".to_owned()),
        body: non_blank(task.body),
        due_date: normalize_datetime(task.due_date),
        completed: task.completed,
        assigned_to: non_blank(task.assigned_to),
    }
}

pub fn note(note: ghl::Note) -> ipc::Note {
    ipc::Note {
        pending: is_pending(&note.id),
        id: note.id,
        title: non_blank(note.title),
        body: note.body.unwrap_or_default(),
        date_added: normalize_datetime(note.date_added),
        pinned: note.pinned,
        color: non_blank(note.color),
    }
}

pub fn appointment(event: ghl::Appointment) -> ipc::Appointment {
    ipc::Appointment {
        id: event.id,
        title: non_blank(event.title),
        // `appointmentStatus` is the booking state people know (confirmed, showed…);
        // `status` is the calendar event's own state and only a fallback.
        status: non_blank(event.appointment_status).or(non_blank(event.status)),
        start_time: normalize_datetime(event.start_time),
        end_time: normalize_datetime(event.end_time),
        address: non_blank(event.address),
        notes: non_blank(event.notes),
    }
}

pub fn contact_summary_of(detail: ipc::ContactDetail) -> ipc::ContactSummary {
    ipc::ContactSummary {
        id: detail.id,
        display_name: detail.display_name,
        first_name: detail.first_name,
        last_name: detail.last_name,
        email: detail.email,
        phone: detail.phone,
        company_name: detail.company_name,
        tags: detail.tags,
        date_updated: detail.date_updated,
        pending: detail.pending,
    }
}

/// A new contact: blank fields are simply not sent.
pub fn contact_input(form: ipc::ContactForm) -> ghl::ContactInput {
    ghl::ContactInput {
        first_name: non_blank(form.first_name),
        last_name: non_blank(form.last_name),
        email: non_blank(form.email),
        phone: non_blank(form.phone),
        company_name: non_blank(form.company_name),
        address1: non_blank(form.address1),
        city: non_blank(form.city),
        state: non_blank(form.state),
        postal_code: non_blank(form.postal_code),
        country: non_blank(form.country),
        website: non_blank(form.website),
        source: non_blank(form.source),
        ..ghl::ContactInput::default()
    }
}

/// Changes to a contact: only the fields the form carries are sent.
pub fn contact_update(form: ipc::ContactForm) -> ghl::ContactUpdate {
    let mut extra = serde_json::Map::new();
    // `companyName` is missing from the spec's UpdateContactDto but accepted by
    // the live API (API-NOTES §3.2), so it travels as an extra key.
    if let Some(company) = form.company_name {
        extra.insert("companyName".into(), company.into());
    }
    ghl::ContactUpdate {
        first_name: form.first_name,
        last_name: form.last_name,
        email: form.email,
        phone: form.phone,
        address1: form.address1,
        city: form.city,
        state: form.state,
        postal_code: form.postal_code,
        country: form.country,
        website: form.website,
        source: form.source,
        extra,
        ..ghl::ContactUpdate::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_become_rfc3339_and_unreadable_ones_are_kept() {
        assert_eq!(
            normalize_datetime(Some("2021-07-16 11:00:00".into())).as_deref(),
            Some("2021-07-16T11:00:00Z")
        );
        assert_eq!(
            normalize_datetime(Some("next tuesday".into())).as_deref(),
            Some("next tuesday")
        );
        assert_eq!(normalize_datetime(Some(" ".into())), None);
        assert_eq!(normalize_datetime(None), None);
    }
}
