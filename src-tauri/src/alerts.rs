//! Change alerts in the shell: the IPC shapes of rules and feed entries, the
//! desktop notification for each new entry, and the periodic checks the
//! cache refresh does not cover (overdue tasks, linked HCP customers).
//!
//! Contact changes are recorded by the store during the refresh itself; the
//! cache worker calls [`announce`] after each refresh, and [`start`]'s loop
//! does the rest every [`CHECK_EVERY`].

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use store::{AlertKind, AlertScope, Store};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

use crate::cache::{blocking, LocationCache};
use crate::ipc::AppError;
use crate::session::Sessions;

/// How often overdue tasks are looked for (and HCP polled, at most once per
/// refresh interval).
const CHECK_EVERY: Duration = Duration::from_secs(60);

/// The app, for notifications from the cache worker (which has no handle).
static APP: OnceLock<AppHandle> = OnceLock::new();

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AlertRuleKind {
    /// A contact's field changed.
    FieldChanged,
    /// A contact got a tag.
    TagAdded,
    /// A task became overdue.
    TaskOverdue,
    /// The linked Housecall Pro customer changed.
    HcpChanged,
}

impl From<AlertKind> for AlertRuleKind {
    fn from(kind: AlertKind) -> Self {
        match kind {
            AlertKind::FieldChanged => AlertRuleKind::FieldChanged,
            AlertKind::TagAdded => AlertRuleKind::TagAdded,
            AlertKind::TaskOverdue => AlertRuleKind::TaskOverdue,
            AlertKind::HcpChanged => AlertRuleKind::HcpChanged,
        }
    }
}

impl From<AlertRuleKind> for AlertKind {
    fn from(kind: AlertRuleKind) -> Self {
        match kind {
            AlertRuleKind::FieldChanged => AlertKind::FieldChanged,
            AlertRuleKind::TagAdded => AlertKind::TagAdded,
            AlertRuleKind::TaskOverdue => AlertKind::TaskOverdue,
            AlertRuleKind::HcpChanged => AlertKind::HcpChanged,
        }
    }
}

/// A contact a rule is limited to, with its name for the chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertContact {
    pub id: String,
    /// The cached display name; the id when the contact is no longer cached.
    pub name: String,
}

/// A saved rule.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertRuleView {
    pub id: i64,
    pub kind: AlertRuleKind,
    /// For `fieldChanged`: a key of `AlertRules.fields`.
    pub field: Option<String>,
    /// For `tagAdded`.
    pub tag: Option<String>,
    /// `None`: every contact. Otherwise only these.
    pub contacts: Option<Vec<AlertContact>>,
    pub enabled: bool,
    pub created_at: String,
}

/// A field a "field changed" rule can watch.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertField {
    pub key: String,
    pub label: String,
}

/// The rules tab: the rules and what they can watch.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertRules {
    pub rules: Vec<AlertRuleView>,
    pub fields: Vec<AlertField>,
    /// Housecall Pro is set up, so HCP rules can fire.
    pub hcp_configured: bool,
}

/// A rule to create (`id` absent) or replace.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertRuleForm {
    #[ts(optional)]
    pub id: Option<i64>,
    pub kind: AlertRuleKind,
    #[ts(optional)]
    pub field: Option<String>,
    #[ts(optional)]
    pub tag: Option<String>,
    /// Absent: every contact.
    #[ts(optional)]
    pub contact_ids: Option<Vec<String>>,
    pub enabled: bool,
}

/// One entry of the activity feed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityItem {
    pub id: i64,
    pub contact_id: String,
    pub contact_name: String,
    pub kind: AlertRuleKind,
    /// `fieldChanged`: the field's label; `tagAdded`: the tag; `taskOverdue`:
    /// the task's title; `hcpChanged`: the customer's name.
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// RFC 3339.
    pub happened_at: String,
    pub read: bool,
}

pub fn activity_item(entry: store::ActivityEntry) -> ActivityItem {
    let subject = match entry.kind {
        AlertKind::FieldChanged => entry
            .field
            .as_deref()
            .map(|f| store::field_label(f).to_owned()),
        _ => entry.field,
    };
    ActivityItem {
        id: entry.id,
        contact_id: entry.contact_id,
        contact_name: entry.contact_name,
        kind: entry.kind.into(),
        subject,
        from: entry.old_value,
        to: entry.new_value,
        happened_at: entry.happened_at,
        read: entry.read,
    }
}

/// The rules with their contacts' names.
pub fn rule_views(store: &Store) -> store::Result<Vec<AlertRuleView>> {
    store
        .alert_rules()?
        .into_iter()
        .map(|rule| {
            let contacts = match rule.scope {
                AlertScope::All => None,
                AlertScope::Chosen => Some(
                    rule.contact_ids
                        .iter()
                        .map(|id| {
                            let name = store
                                .contact_row(id)?
                                .map_or_else(|| id.clone(), |row| row.display_name);
                            Ok(AlertContact {
                                id: id.clone(),
                                name,
                            })
                        })
                        .collect::<store::Result<Vec<_>>>()?,
                ),
            };
            Ok(AlertRuleView {
                id: rule.id,
                kind: rule.kind.into(),
                field: rule.field,
                tag: rule.tag,
                contacts,
                enabled: rule.enabled,
                created_at: rule.created_at,
            })
        })
        .collect()
}

pub fn fields() -> Vec<AlertField> {
    store::WATCHABLE_FIELDS
        .iter()
        .map(|(key, label)| AlertField {
            key: (*key).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}

pub fn new_rule(form: AlertRuleForm) -> store::NewAlertRule {
    let (scope, contact_ids) = match form.contact_ids {
        Some(ids) => (AlertScope::Chosen, ids),
        None => (AlertScope::All, Vec::new()),
    };
    store::NewAlertRule {
        id: form.id,
        kind: form.kind.into(),
        field: form.field,
        tag: form.tag,
        scope,
        contact_ids,
        enabled: form.enabled,
    }
}

/// Title and text of the desktop notification for an entry.
fn describe(item: &ActivityItem) -> (String, String) {
    let subject = item.subject.as_deref().unwrap_or("");
    let body = match item.kind {
        AlertRuleKind::FieldChanged => match (&item.from, &item.to) {
            (Some(from), Some(to)) => format!("{subject} changed from {from} to {to}"),
            (None, Some(to)) => format!("{subject} set to {to}"),
            (Some(from), None) => format!("{subject} cleared (was {from})"),
            (None, None) => format!("{subject} changed"),
        },
        AlertRuleKind::TagAdded => format!("Tagged {subject}"),
        AlertRuleKind::TaskOverdue => format!("Task overdue: {subject}"),
        AlertRuleKind::HcpChanged => {
            format!("Housecall Pro customer {subject} changed")
        }
    };
    (item.contact_name.clone(), body)
}

/// Shows a desktop notification per entry not announced yet, and pushes the
/// new unread count to the UI. Notifications that cannot be shown (no
/// notification service, e.g. under Xvfb) are skipped quietly: the feed has
/// the entry.
pub async fn announce(cache: &LocationCache) {
    let Ok(store) = cache.store() else { return };
    let entries = match blocking(store, Store::take_unnotified_activity).await {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(message = %error.message, "alerts not read");
            return;
        }
    };
    if entries.is_empty() {
        return;
    }
    tracing::info!(count = entries.len(), "new alerts");
    if let Some(app) = APP.get() {
        for entry in entries {
            let (title, body) = describe(&activity_item(entry));
            if let Err(error) = app.notification().builder().title(title).body(body).show() {
                tracing::debug!(%error, "desktop notification not shown");
            }
        }
    }
    cache.changed().await;
}

/// Starts the periodic checks of the active location (overdue tasks every
/// minute, linked HCP customers once per refresh interval).
pub fn start(app: &AppHandle) {
    if APP.set(app.clone()).is_err() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut hcp_polled: Option<Instant> = None;
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let sessions = app.state::<Sessions>();
            let Ok(connection) = sessions.active().await else {
                continue;
            };
            let cache = connection.cache();
            if let Err(error) = check(&sessions, cache, &mut hcp_polled).await {
                tracing::debug!(code = ?error.code, message = %error.message, "alert check failed");
            }
            announce(cache).await;
        }
    });
}

async fn check(
    sessions: &Sessions,
    cache: &Arc<LocationCache>,
    hcp_polled: &mut Option<Instant>,
) -> Result<(), AppError> {
    let store = cache.store()?;
    let now = time::OffsetDateTime::now_utc();
    blocking(Arc::clone(&store), move |s| s.check_overdue_tasks(now)).await?;
    let due = hcp_polled.is_none_or(|at| at.elapsed() >= cache.refresh_interval());
    if due {
        *hcp_polled = Some(Instant::now());
        poll_hcp(sessions, store).await?;
    }
    Ok(())
}

/// Records changes of linked HCP customers since the last poll. The first
/// poll only sets the mark: what changed before the app watched is not news.
async fn poll_hcp(sessions: &Sessions, store: Arc<Store>) -> Result<(), AppError> {
    let watched = blocking(Arc::clone(&store), |s| {
        s.has_enabled_alert_rule(AlertKind::HcpChanged)
    })
    .await?;
    if !watched || !sessions.housecall().status().await?.configured {
        return Ok(());
    }
    let started = time::OffsetDateTime::now_utc();
    let Some(since) = blocking(Arc::clone(&store), Store::hcp_alert_mark).await? else {
        blocking(store, move |s| s.record_hcp_changes(&[], started)).await?;
        return Ok(());
    };
    let client = sessions.housecall().client().await?;
    let customers = client.customers_updated_since(since).await?;
    let changes: Vec<store::HcpCustomerChange> = customers
        .iter()
        .filter_map(|c| {
            Some(store::HcpCustomerChange {
                customer_id: c.id.clone(),
                name: c.full_name(),
                updated_at: c.updated()?,
            })
        })
        .collect();
    // The next poll starts at the newest change seen (inclusive, so one in
    // the same second is not missed; the dedupe key absorbs the repeat).
    let mark = changes
        .iter()
        .map(|c| c.updated_at)
        .max()
        .map_or(since, |newest| newest.max(since));
    blocking(store, move |s| s.record_hcp_changes(&changes, mark)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: AlertRuleKind, from: Option<&str>, to: Option<&str>) -> ActivityItem {
        ActivityItem {
            id: 1,
            contact_id: "c1".to_owned(),
            contact_name: "Jane Doe".to_owned(),
            kind,
            subject: Some("Phone".to_owned()),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            happened_at: "2024-03-01T00:00:00Z".to_owned(),
            read: false,
        }
    }

    #[test]
    fn notifications_say_who_and_what_changed() {
        let (title, body) = describe(&item(AlertRuleKind::FieldChanged, Some("1"), Some("2")));
        assert_eq!(title, "Jane Doe");
        assert_eq!(body, "Phone changed from 1 to 2");
        let (_, body) = describe(&item(AlertRuleKind::FieldChanged, None, Some("2")));
        assert_eq!(body, "Phone set to 2");
        let (_, body) = describe(&item(AlertRuleKind::FieldChanged, Some("1"), None));
        assert_eq!(body, "Phone cleared (was 1)");
    }

    #[test]
    fn a_form_without_contacts_watches_everyone() {
        let form = AlertRuleForm {
            id: None,
            kind: AlertRuleKind::TagAdded,
            field: None,
            tag: Some("vip".to_owned()),
            contact_ids: None,
            enabled: true,
        };
        assert_eq!(new_rule(form.clone()).scope, AlertScope::All);
        let chosen = new_rule(AlertRuleForm {
            contact_ids: Some(vec!["c1".to_owned()]),
            ..form
        });
        assert_eq!(chosen.scope, AlertScope::Chosen);
        assert_eq!(chosen.contact_ids, vec!["c1".to_owned()]);
    }

    #[test]
    fn feed_items_name_the_field_by_its_label() {
        let entry = store::ActivityEntry {
            id: 3,
            rule_id: Some(1),
            contact_id: "c1".to_owned(),
            contact_name: "Jane".to_owned(),
            kind: AlertKind::FieldChanged,
            field: Some("companyName".to_owned()),
            old_value: None,
            new_value: Some("Acme".to_owned()),
            happened_at: "2024-03-01T00:00:00Z".to_owned(),
            read: false,
        };
        let item = activity_item(entry);
        assert_eq!(item.subject.as_deref(), Some("Company"));
        assert_eq!(item.kind, AlertRuleKind::FieldChanged);
    }
}
