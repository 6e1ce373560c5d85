//! Change alerts: the rules the person sets and the activity feed they fill.
//!
//! Contact changes are found where the refresh writes them
//! ([`detect_in`], called inside the refresh page's transaction before the
//! new copies replace the cached ones): only the page's contacts are read,
//! so the cost follows the number of changed contacts, not the cache size.
//! The comparison is against the cached copy, which already holds the
//! person's own edits (GHL's answer, or the outbox's local change), so those
//! produce no difference and no alert. Contacts with edits still waiting in
//! the outbox are skipped: until the edit is sent, the server's copy is older
//! than the cache's. Every entry has a dedupe key (UNIQUE), so the same
//! change seen twice (the refresh re-reads the mark's own millisecond, a
//! crash between page and mark) is recorded once.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::Store;

pub(crate) const MIGRATION: &str = r#"
    CREATE TABLE alert_rules (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL
                    CHECK (kind IN ('field_changed', 'tag_added', 'task_overdue', 'hcp_changed')),
        field       TEXT,
        tag         TEXT,
        scope       TEXT NOT NULL CHECK (scope IN ('all', 'chosen')),
        contact_ids TEXT NOT NULL DEFAULT '[]',
        enabled     INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL
    );

    -- Entries outlive their rule (rule_id is then dangling): the feed is a
    -- history of what happened.
    CREATE TABLE activity (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id      INTEGER,
        contact_id   TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        kind         TEXT NOT NULL,
        field        TEXT,
        old_value    TEXT,
        new_value    TEXT,
        happened_at  TEXT NOT NULL,
        recorded_at  TEXT NOT NULL,
        read         INTEGER NOT NULL DEFAULT 0,
        notified     INTEGER NOT NULL DEFAULT 0,
        dedupe_key   TEXT NOT NULL UNIQUE
    );
    CREATE INDEX activity_unread ON activity (id) WHERE read = 0;
    CREATE INDEX activity_unnotified ON activity (id) WHERE notified = 0;
"#;

/// Meta key: the HCP `updated_at` mark the next poll starts from.
const HCP_MARK: &str = "alerts.hcp_since";

/// An HCP change within this long after the last sync of its link is taken
/// as that sync's own write (clocks of the two sides differ a little).
const OWN_SYNC_SLACK: time::Duration = time::Duration::minutes(2);

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A contact's field (one of [`WATCHABLE_FIELDS`]) changed.
    FieldChanged,
    /// A contact got a tag.
    TagAdded,
    /// A task became overdue.
    TaskOverdue,
    /// The HCP customer linked to a contact changed.
    HcpChanged,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::FieldChanged => "field_changed",
            AlertKind::TagAdded => "tag_added",
            AlertKind::TaskOverdue => "task_overdue",
            AlertKind::HcpChanged => "hcp_changed",
        }
    }

    fn parse(s: &str) -> Option<AlertKind> {
        [
            AlertKind::FieldChanged,
            AlertKind::TagAdded,
            AlertKind::TaskOverdue,
            AlertKind::HcpChanged,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Which contacts a rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertScope {
    All,
    /// Only the rule's `contact_ids`.
    Chosen,
}

/// The contact fields a "field changed" rule can watch: key and label.
pub const WATCHABLE_FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("companyName", "Company"),
    ("address", "Address"),
    ("tags", "Tags"),
    ("dnd", "Do not disturb"),
    ("source", "Source"),
    ("website", "Website"),
    ("assignedTo", "Assigned user"),
    ("dateOfBirth", "Date of birth"),
];

/// The label of a watchable field (the key itself when unknown).
pub fn field_label(key: &str) -> &str {
    WATCHABLE_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, label)| label)
}

/// A saved rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertRule {
    pub id: i64,
    pub kind: AlertKind,
    /// For [`AlertKind::FieldChanged`]: a key of [`WATCHABLE_FIELDS`].
    pub field: Option<String>,
    /// For [`AlertKind::TagAdded`].
    pub tag: Option<String>,
    pub scope: AlertScope,
    /// The chosen contacts (GHL ids) when `scope` is `Chosen`.
    pub contact_ids: Vec<String>,
    pub enabled: bool,
    pub created_at: String,
}

/// A rule to create (`id: None`) or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlertRule {
    pub id: Option<i64>,
    pub kind: AlertKind,
    pub field: Option<String>,
    pub tag: Option<String>,
    pub scope: AlertScope,
    pub contact_ids: Vec<String>,
    pub enabled: bool,
}

/// One entry of the activity feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    pub id: i64,
    /// The rule that matched (it may since have been deleted).
    pub rule_id: Option<i64>,
    /// The GHL contact it is about.
    pub contact_id: String,
    pub contact_name: String,
    pub kind: AlertKind,
    /// The field that changed ([`WATCHABLE_FIELDS`] key), the tag added, the
    /// task title or the HCP customer's name.
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// When it happened (the record's `dateUpdated`, the task's due date),
    /// RFC 3339 as the source gave it.
    pub happened_at: String,
    pub read: bool,
}

/// An HCP customer that changed, as the poll saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpCustomerChange {
    pub customer_id: String,
    pub name: String,
    pub updated_at: OffsetDateTime,
}

fn now() -> String {
    crate::related::now_rfc3339()
}

fn corrupt(what: &'static str) -> impl Fn(serde_json::Error) -> Error {
    move |e| Error::Corrupt {
        what,
        message: e.to_string(),
    }
}

/// FNV-1a: a hash that is the same in every build, for dedupe keys (std's
/// hasher may change between releases, which would repeat old alerts).
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stored value this build cannot read (a hand edit, a newer app).
fn unreadable(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, message.into())
}

fn rule_from_row(r: &Row<'_>) -> rusqlite::Result<AlertRule> {
    let kind: String = r.get(1)?;
    let scope: String = r.get(4)?;
    let ids: String = r.get(5)?;
    Ok(AlertRule {
        id: r.get(0)?,
        kind: AlertKind::parse(&kind)
            .ok_or_else(|| unreadable(1, format!("unknown alert kind {kind}")))?,
        field: r.get(2)?,
        tag: r.get(3)?,
        scope: if scope == "chosen" {
            AlertScope::Chosen
        } else {
            AlertScope::All
        },
        contact_ids: serde_json::from_str(&ids).map_err(|e| unreadable(5, e.to_string()))?,
        enabled: r.get(6)?,
        created_at: r.get(7)?,
    })
}

const RULE_COLUMNS: &str = "id, kind, field, tag, scope, contact_ids, enabled, created_at";

fn rules_in(conn: &Connection, only_enabled: bool) -> Result<Vec<AlertRule>> {
    let sql = format!(
        "SELECT {RULE_COLUMNS} FROM alert_rules {} ORDER BY id",
        if only_enabled {
            "WHERE enabled = 1"
        } else {
            ""
        }
    );
    let rules = conn
        .prepare_cached(&sql)?
        .query_map([], rule_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rules)
}

impl AlertRule {
    fn covers(&self, contact_id: &str) -> bool {
        self.scope == AlertScope::All || self.contact_ids.iter().any(|id| id == contact_id)
    }
}

/// A contact's value of a watchable field, normalised so that formatting
/// GHL does not keep (tag order, letter case of a tag) is not a change.
pub(crate) fn field_value(contact: &ghl::Contact, field: &str) -> Option<String> {
    fn text(s: &Option<String>) -> Option<String> {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
    match field {
        "name" => {
            let joined = [&contact.first_name, &contact.last_name]
                .into_iter()
                .filter_map(text)
                .collect::<Vec<_>>()
                .join(" ");
            text(&Some(joined)).or_else(|| text(&contact.name))
        }
        "email" => text(&contact.email).map(|e| e.to_lowercase()),
        "phone" => text(&contact.phone),
        "companyName" => text(&contact.company_name),
        "address" => {
            let parts: Vec<String> = [
                &contact.address1,
                &contact.city,
                &contact.state,
                &contact.postal_code,
                &contact.country,
            ]
            .into_iter()
            .filter_map(text)
            .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        "tags" => {
            let mut tags: Vec<String> = contact
                .tags
                .iter()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect();
            tags.sort();
            tags.dedup();
            (!tags.is_empty()).then(|| tags.join(", "))
        }
        "dnd" => contact
            .dnd
            .map(|on| if on { "On" } else { "Off" }.to_owned()),
        "source" => text(&contact.source),
        "website" => text(&contact.website),
        "assignedTo" => text(&contact.assigned_to),
        "dateOfBirth" => text(&contact.date_of_birth),
        _ => None,
    }
}

/// Milliseconds since the epoch of a GHL date, 0 when absent (as the
/// `updated_ms` column stores it).
fn epoch_ms(date: Option<&str>) -> i64 {
    date.and_then(ghl::datetime::parse_ghl_datetime)
        .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
        .unwrap_or(0)
}

fn has_tag(contact: &ghl::Contact, tag: &str) -> bool {
    contact
        .tags
        .iter()
        .any(|t| t.trim().eq_ignore_ascii_case(tag.trim()))
}

/// A new entry; `false` when its dedupe key was already recorded.
struct NewEntry<'a> {
    rule_id: i64,
    contact_id: &'a str,
    contact_name: &'a str,
    kind: AlertKind,
    field: Option<&'a str>,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
    happened_at: &'a str,
    dedupe_key: String,
}

fn record_in(tx: &Transaction<'_>, e: &NewEntry<'_>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO activity (rule_id, contact_id, contact_name, kind, field, old_value,
                 new_value, happened_at, recorded_at, dedupe_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (dedupe_key) DO NOTHING",
        )?
        .execute(params![
            e.rule_id,
            e.contact_id,
            e.contact_name,
            e.kind.as_str(),
            e.field,
            e.old_value,
            e.new_value,
            e.happened_at,
            now(),
            e.dedupe_key,
        ])?;
    Ok(n == 1)
}

/// Compares each contact of a refresh page with its cached copy and records
/// what the enabled contact rules ask for. Called in the page's transaction
/// before the copies are written. Reads nothing when no contact rule is on.
pub(crate) fn detect_in(tx: &Transaction<'_>, contacts: &[ghl::Contact]) -> Result<usize> {
    let rules: Vec<AlertRule> = rules_in(tx, true)?
        .into_iter()
        .filter(|r| matches!(r.kind, AlertKind::FieldChanged | AlertKind::TagAdded))
        .collect();
    if rules.is_empty() || contacts.is_empty() {
        return Ok(0);
    }
    let mut cached = tx.prepare_cached(
        "SELECT c.updated_ms, j.json FROM contacts c JOIN contact_json j ON j.rid = c.rid
         WHERE c.id = ?1",
    )?;
    let mut waiting = tx.prepare_cached("SELECT 1 FROM outbox WHERE contact_id = ?1 LIMIT 1")?;
    let mut recorded = 0;
    for new in contacts {
        if !rules.iter().any(|r| r.covers(&new.id)) {
            continue;
        }
        let old: Option<(i64, String)> = cached
            .query_row([&new.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let new_ms = epoch_ms(new.date_updated.as_deref());
        let old = match old {
            // The cache keeps a newer copy (see upsert_in): nothing changes.
            Some((old_ms, _)) if new_ms > 0 && old_ms > new_ms => continue,
            Some((_, json)) => {
                Some(serde_json::from_str::<ghl::Contact>(&json).map_err(corrupt("contact"))?)
            }
            None => None,
        };
        if waiting.exists([&new.id])? {
            continue;
        }
        let name = new.display_name();
        let updated = new.date_updated.clone().unwrap_or_else(now);
        for rule in rules.iter().filter(|r| r.covers(&new.id)) {
            let entry = match (rule.kind, &old) {
                (AlertKind::FieldChanged, Some(old)) => {
                    let Some(field) = rule.field.as_deref() else {
                        continue;
                    };
                    let (from, to) = (field_value(old, field), field_value(new, field));
                    if from == to {
                        continue;
                    }
                    let key = format!(
                        "field:{}:{field}:{:016x}:{updated}",
                        new.id,
                        stable_hash(to.as_deref().unwrap_or(""))
                    );
                    Some((Some(field.to_owned()), from, to, key))
                }
                (AlertKind::TagAdded, old) => {
                    let Some(tag) = rule.tag.as_deref() else {
                        continue;
                    };
                    let had = old.as_ref().is_some_and(|o| has_tag(o, tag));
                    if had || !has_tag(new, tag) {
                        continue;
                    }
                    let key = format!("tag:{}:{}:{updated}", new.id, tag.trim().to_lowercase());
                    Some((Some(tag.trim().to_owned()), None, None, key))
                }
                _ => None,
            };
            let Some((field, from, to, dedupe_key)) = entry else {
                continue;
            };
            let added = record_in(
                tx,
                &NewEntry {
                    rule_id: rule.id,
                    contact_id: &new.id,
                    contact_name: &name,
                    kind: rule.kind,
                    field: field.as_deref(),
                    old_value: from.as_deref(),
                    new_value: to.as_deref(),
                    happened_at: &updated,
                    dedupe_key,
                },
            )?;
            recorded += usize::from(added);
        }
    }
    Ok(recorded)
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<ActivityEntry> {
    let kind: String = r.get(4)?;
    Ok(ActivityEntry {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        contact_id: r.get(2)?,
        contact_name: r.get(3)?,
        kind: AlertKind::parse(&kind)
            .ok_or_else(|| unreadable(4, format!("unknown alert kind {kind}")))?,
        field: r.get(5)?,
        old_value: r.get(6)?,
        new_value: r.get(7)?,
        happened_at: r.get(8)?,
        read: r.get(9)?,
    })
}

const ENTRY_COLUMNS: &str =
    "id, rule_id, contact_id, contact_name, kind, field, old_value, new_value, happened_at, read";

fn validate(rule: &NewAlertRule) -> Result<()> {
    let invalid = |m: &str| Err(Error::InvalidAlertRule(m.to_owned()));
    match rule.kind {
        AlertKind::FieldChanged => match rule.field.as_deref() {
            Some(f) if WATCHABLE_FIELDS.iter().any(|(k, _)| *k == f) => {}
            _ => return invalid("choose which field to watch"),
        },
        AlertKind::TagAdded => {
            if rule.tag.as_deref().is_none_or(|t| t.trim().is_empty()) {
                return invalid("enter the tag to watch for");
            }
        }
        AlertKind::TaskOverdue | AlertKind::HcpChanged => {}
    }
    if rule.scope == AlertScope::Chosen && rule.contact_ids.is_empty() {
        return invalid("choose at least one contact, or watch all contacts");
    }
    Ok(())
}

fn due_of(task: &Value) -> Option<(OffsetDateTime, String)> {
    let raw = task.get("dueDate")?.as_str()?;
    Some((ghl::datetime::parse_ghl_datetime(raw)?, raw.to_owned()))
}

impl Store {
    /// Every rule, oldest first.
    pub fn alert_rules(&self) -> Result<Vec<AlertRule>> {
        self.read(|conn| rules_in(conn, false))
    }

    /// Creates a rule, or replaces the one with `rule.id`. Rejects a rule
    /// that could never match (no field, no tag, no chosen contact).
    pub fn save_alert_rule(&self, rule: &NewAlertRule) -> Result<AlertRule> {
        validate(rule)?;
        let field = match rule.kind {
            AlertKind::FieldChanged => rule.field.clone(),
            _ => None,
        };
        let tag = match rule.kind {
            AlertKind::TagAdded => rule.tag.as_deref().map(|t| t.trim().to_owned()),
            _ => None,
        };
        let ids = match rule.scope {
            AlertScope::All => "[]".to_owned(),
            AlertScope::Chosen => {
                serde_json::to_string(&rule.contact_ids).map_err(corrupt("alert rule"))?
            }
        };
        let scope = match rule.scope {
            AlertScope::All => "all",
            AlertScope::Chosen => "chosen",
        };
        let id = self.write(|tx| match rule.id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE alert_rules SET kind = ?2, field = ?3, tag = ?4, scope = ?5,
                             contact_ids = ?6, enabled = ?7 WHERE id = ?1",
                    params![id, rule.kind.as_str(), field, tag, scope, ids, rule.enabled],
                )?;
                if n == 0 {
                    return Err(Error::NotFound {
                        what: "alert rule",
                        id: id.to_string(),
                    });
                }
                Ok(id)
            }
            None => {
                tx.execute(
                    "INSERT INTO alert_rules (kind, field, tag, scope, contact_ids, enabled,
                             created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        rule.kind.as_str(),
                        field,
                        tag,
                        scope,
                        ids,
                        rule.enabled,
                        now()
                    ],
                )?;
                Ok(tx.last_insert_rowid())
            }
        })?;
        self.alert_rules()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(Error::NotFound {
                what: "alert rule",
                id: id.to_string(),
            })
    }

    /// Deletes a rule (its feed entries stay). `false` when it did not exist.
    pub fn delete_alert_rule(&self, id: i64) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM alert_rules WHERE id = ?1", [id])? == 1))
    }

    /// Feed entries, newest first, older than entry `before` when given.
    pub fn activity(&self, limit: usize, before: Option<i64>) -> Result<Vec<ActivityEntry>> {
        let limit = i64::try_from(limit.clamp(1, 500)).unwrap_or(500);
        self.read(|conn| {
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM activity WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
                ))?
                .query_map(params![before.unwrap_or(i64::MAX), limit], entry_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Entries not yet read.
    pub fn unread_activity(&self) -> Result<u64> {
        self.read(|conn| {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM activity WHERE read = 0", [], |r| {
                    r.get(0)
                })?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Marks one entry (`Some(id)`) or all of them read.
    pub fn mark_activity_read(&self, id: Option<i64>) -> Result<()> {
        self.write(|tx| {
            match id {
                Some(id) => tx.execute("UPDATE activity SET read = 1 WHERE id = ?1", [id])?,
                None => tx.execute("UPDATE activity SET read = 1 WHERE read = 0", [])?,
            };
            Ok(())
        })
    }

    /// Entries no desktop notification was shown for yet, oldest first;
    /// they count as notified from now on (a notification is shown once,
    /// also across restarts).
    pub fn take_unnotified_activity(&self) -> Result<Vec<ActivityEntry>> {
        self.write(|tx| {
            let rows = tx
                .prepare_cached(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM activity WHERE notified = 0 ORDER BY id"
                ))?
                .query_map([], entry_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.execute("UPDATE activity SET notified = 1 WHERE notified = 0", [])?;
            Ok(rows)
        })
    }

    /// Are any rules of `kind` on? (Lets the shell skip a poll nobody needs.)
    pub fn has_enabled_alert_rule(&self, kind: AlertKind) -> Result<bool> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT 1 FROM alert_rules WHERE enabled = 1 AND kind = ?1")?
                .exists([kind.as_str()])?)
        })
    }

    /// Records the cached tasks that are past due at `now` and not
    /// completed, for the enabled overdue rules: once per task and due date,
    /// and only tasks that fell due after the rule was made (a new rule does
    /// not replay the past). The `tasks_open_by_due` index narrows the tasks
    /// to those due between the oldest rule and `now`, so only their JSON is
    /// read. Returns how many entries were added.
    pub fn check_overdue_tasks(&self, now: OffsetDateTime) -> Result<usize> {
        self.write(|tx| {
            let rules: Vec<AlertRule> = rules_in(tx, true)?
                .into_iter()
                .filter(|r| r.kind == AlertKind::TaskOverdue)
                .collect();
            if rules.is_empty() {
                return Ok(0);
            }
            // Only tasks due after the oldest rule was made can match one.
            let since = rules
                .iter()
                .map(|r| {
                    ghl::datetime::parse_ghl_datetime(&r.created_at)
                        .map_or(i64::MIN, crate::overview::epoch_ms)
                })
                .min()
                .unwrap_or(i64::MIN);
            let tasks = tx
                .prepare_cached(
                    "SELECT t.contact_id, t.id, t.json, c.display_name
                     FROM tasks t LEFT JOIN contacts c ON c.id = t.contact_id
                     WHERE t.completed = 0 AND t.due_ms >= ?1 AND t.due_ms < ?2",
                )?
                .query_map(
                    rusqlite::params![since, crate::overview::epoch_ms(now)],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<String>>(3)?,
                        ))
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut recorded = 0;
            for (contact_id, task_id, json, name) in tasks {
                let task: Value = serde_json::from_str(&json).map_err(corrupt("task"))?;
                let Some((due, due_raw)) = due_of(&task) else {
                    continue;
                };
                if due >= now {
                    continue;
                }
                let title = task
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("Task")
                    .to_owned();
                let name = name.unwrap_or_else(|| contact_id.clone());
                let Some(rule) = rules.iter().find(|r| {
                    r.covers(&contact_id)
                        && ghl::datetime::parse_ghl_datetime(&r.created_at)
                            .is_none_or(|created| due >= created)
                }) else {
                    continue;
                };
                let added = record_in(
                    tx,
                    &NewEntry {
                        rule_id: rule.id,
                        contact_id: &contact_id,
                        contact_name: &name,
                        kind: AlertKind::TaskOverdue,
                        field: Some(&title),
                        old_value: None,
                        new_value: None,
                        happened_at: &due_raw,
                        dedupe_key: format!("overdue:{task_id}:{due_raw}"),
                    },
                )?;
                recorded += usize::from(added);
            }
            Ok(recorded)
        })
    }

    /// Where the next HCP poll starts (`None` before the first poll).
    pub fn hcp_alert_mark(&self) -> Result<Option<OffsetDateTime>> {
        Ok(self
            .meta(HCP_MARK)?
            .as_deref()
            .and_then(ghl::datetime::parse_ghl_datetime))
    }

    /// Records the changes of linked HCP customers seen by a poll for the
    /// enabled HCP rules, and moves the poll mark to `mark`, in one
    /// transaction. Customers with no link are ignored; a change within a
    /// moment of the link's last sync is that sync's own write.
    pub fn record_hcp_changes(
        &self,
        changes: &[HcpCustomerChange],
        mark: OffsetDateTime,
    ) -> Result<usize> {
        self.write(|tx| {
            let rules: Vec<AlertRule> = rules_in(tx, true)?
                .into_iter()
                .filter(|r| r.kind == AlertKind::HcpChanged)
                .collect();
            let mut link = tx.prepare_cached(
                "SELECT l.ghl_contact_id, l.last_synced_at, c.display_name
                 FROM sync_links l LEFT JOIN contacts c ON c.id = l.ghl_contact_id
                 WHERE l.hcp_customer_id = ?1",
            )?;
            let mut recorded = 0;
            for change in changes {
                let found: Option<(String, String, Option<String>)> = link
                    .query_row([&change.customer_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                let Some((contact_id, synced, name)) = found else {
                    continue;
                };
                let own = ghl::datetime::parse_ghl_datetime(&synced)
                    .is_some_and(|at| change.updated_at <= at + OWN_SYNC_SLACK);
                if own {
                    continue;
                }
                let Some(rule) = rules.iter().find(|r| r.covers(&contact_id)) else {
                    continue;
                };
                let at = ghl::datetime::to_rfc3339(change.updated_at);
                let added = record_in(
                    tx,
                    &NewEntry {
                        rule_id: rule.id,
                        contact_id: &contact_id,
                        contact_name: name.as_deref().unwrap_or(&change.name),
                        kind: AlertKind::HcpChanged,
                        field: Some(&change.name),
                        old_value: None,
                        new_value: None,
                        happened_at: &at,
                        dedupe_key: format!("hcp:{}:{at}", change.customer_id),
                    },
                )?;
                recorded += usize::from(added);
            }
            crate::meta::set_in(tx, HCP_MARK, Some(&ghl::datetime::to_rfc3339(mark)))?;
            Ok(recorded)
        })
    }
}

#[cfg(test)]
mod tests;
