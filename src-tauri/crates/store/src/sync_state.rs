//! What the HCP ↔ GHL sync keeps: the link of each synced pair with the
//! snapshot of the last sync, the append-only sync log, the apply in progress
//! per sync target (so Retry resumes where it stopped), and the GHL custom
//! field ids learnt for the mapping's keys.
//!
//! The store does not depend on the `sync` crate (which depends on it): the
//! snapshot is kept as the JSON the caller gives.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::related::now_rfc3339;
use crate::Store;

/// Migration 3: the sync tables. The log refuses UPDATE and DELETE at the
/// database level, so no code path can rewrite history.
pub(crate) const MIGRATION: &str = r#"
    CREATE TABLE sync_links (
        ghl_contact_id  TEXT NOT NULL UNIQUE,
        hcp_customer_id TEXT NOT NULL UNIQUE,
        snapshot        TEXT NOT NULL,
        linked_at       TEXT NOT NULL,
        last_synced_at  TEXT NOT NULL
    );

    CREATE TABLE sync_log (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        ghl_contact_id  TEXT NOT NULL,
        hcp_customer_id TEXT NOT NULL,
        direction       TEXT NOT NULL CHECK (direction IN ('to_ghl', 'to_hcp')),
        field           TEXT NOT NULL,
        from_value      TEXT,
        to_value        TEXT,
        actor           TEXT NOT NULL
    );
    CREATE INDEX sync_log_by_ghl ON sync_log (ghl_contact_id, id);
    CREATE INDEX sync_log_by_hcp ON sync_log (hcp_customer_id, id);
    CREATE TRIGGER sync_log_no_update BEFORE UPDATE ON sync_log
        BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;
    CREATE TRIGGER sync_log_no_delete BEFORE DELETE ON sync_log
        BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;

    CREATE TABLE sync_runs (
        target          TEXT PRIMARY KEY,
        fingerprint     TEXT NOT NULL,
        done            TEXT NOT NULL DEFAULT '[]',
        ghl_contact_id  TEXT,
        hcp_customer_id TEXT,
        created_ghl     INTEGER NOT NULL DEFAULT 0,
        started_at      TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE sync_custom_fields (
        key TEXT PRIMARY KEY,
        id  TEXT NOT NULL
    ) WITHOUT ROWID;
"#;

/// A linked HCP customer / GHL contact pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLink {
    pub ghl_contact_id: String,
    pub hcp_customer_id: String,
    /// The record both sides held after the last sync (`sync::Snapshot` JSON).
    pub snapshot: Value,
    pub linked_at: String,
    pub last_synced_at: String,
}

/// Which way a logged change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncDirection {
    ToGhl,
    ToHcp,
}

impl SyncDirection {
    fn as_str(self) -> &'static str {
        match self {
            SyncDirection::ToGhl => "to_ghl",
            SyncDirection::ToHcp => "to_hcp",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "to_ghl" => Ok(SyncDirection::ToGhl),
            "to_hcp" => Ok(SyncDirection::ToHcp),
            _ => Err(Error::Corrupt {
                what: "sync log direction",
                message: "unknown direction".into(),
            }),
        }
    }
}

/// One field change written by a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLogEntry {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub ghl_contact_id: String,
    pub hcp_customer_id: String,
    pub direction: SyncDirection,
    pub field: String,
    /// `None`: the field was empty.
    pub from: Option<String>,
    pub to: Option<String>,
    pub actor: String,
}

/// A log entry to append (id and time are set by the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSyncLogEntry {
    pub ghl_contact_id: String,
    pub hcp_customer_id: String,
    pub direction: SyncDirection,
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub actor: String,
}

/// The apply in progress for one sync target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRun {
    /// What the sync was started from, e.g. `hcp:cus_…` or `ghl:…`.
    pub target: String,
    /// Of the step list being applied; another list starts `done` afresh.
    pub fingerprint: String,
    /// Step ids recorded as done, in the order they completed.
    pub done: Vec<String>,
    /// Ids known so far (a create fills the one it made).
    pub ghl_contact_id: Option<String>,
    pub hcp_customer_id: Option<String>,
    /// This apply set out to create the GHL contact: it stays "new" (e.g. for
    /// follow-up tasks) even when a retry finds the contact already created.
    pub created_ghl: bool,
    pub started_at: String,
}

/// What one completed step records, in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStepRecord {
    pub target: String,
    pub step: String,
    /// Ids the step learnt (a create's new id); `None` keeps the stored one.
    pub ghl_contact_id: Option<String>,
    pub hcp_customer_id: Option<String>,
    pub log: Vec<NewSyncLogEntry>,
    /// GHL custom field ids learnt for mapping keys (key → id).
    pub custom_field_ids: BTreeMap<String, String>,
}

fn corrupt(what: &'static str) -> impl Fn(serde_json::Error) -> Error {
    move |e| Error::Corrupt {
        what,
        message: e.to_string(),
    }
}

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<(String, String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn link_by(conn: &Connection, column: &str, id: &str) -> Result<Option<SyncLink>> {
    // `column` is one of two constants below, never user input.
    let sql = format!(
        "SELECT ghl_contact_id, hcp_customer_id, snapshot, linked_at, last_synced_at
         FROM sync_links WHERE {column} = ?1"
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row([id], link_from_row)
        .optional()?;
    row.map(|(ghl, hcp, snapshot, linked_at, last_synced_at)| {
        Ok(SyncLink {
            ghl_contact_id: ghl,
            hcp_customer_id: hcp,
            snapshot: serde_json::from_str(&snapshot).map_err(corrupt("sync snapshot"))?,
            linked_at,
            last_synced_at,
        })
    })
    .transpose()
}

fn log_by(conn: &Connection, column: &str, id: &str) -> Result<Vec<SyncLogEntry>> {
    let sql = format!(
        "SELECT id, at, ghl_contact_id, hcp_customer_id, direction, field, from_value,
                to_value, actor
         FROM sync_log WHERE {column} = ?1 ORDER BY id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, ghl, hcp, direction, field, from, to, actor) = row?;
        out.push(SyncLogEntry {
            id,
            at,
            ghl_contact_id: ghl,
            hcp_customer_id: hcp,
            direction: SyncDirection::parse(&direction)?,
            field,
            from,
            to,
            actor,
        });
    }
    Ok(out)
}

fn run_in(conn: &Connection, target: &str) -> Result<Option<SyncRun>> {
    let row = conn
        .prepare_cached(
            "SELECT fingerprint, done, ghl_contact_id, hcp_customer_id, created_ghl, started_at
             FROM sync_runs WHERE target = ?1",
        )?
        .query_row([target], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    row.map(|(fingerprint, done, ghl, hcp, created_ghl, started_at)| {
        Ok(SyncRun {
            target: target.to_owned(),
            fingerprint,
            done: serde_json::from_str(&done).map_err(corrupt("sync progress"))?,
            ghl_contact_id: ghl,
            hcp_customer_id: hcp,
            created_ghl,
            started_at,
        })
    })
    .transpose()
}

fn append_log(tx: &Transaction<'_>, at: &str, entries: &[NewSyncLogEntry]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO sync_log (at, ghl_contact_id, hcp_customer_id, direction, field,
                               from_value, to_value, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for e in entries {
        stmt.execute(params![
            at,
            e.ghl_contact_id,
            e.hcp_customer_id,
            e.direction.as_str(),
            e.field,
            e.from,
            e.to,
            e.actor
        ])?;
    }
    Ok(())
}

impl Store {
    /// The link of an HCP customer, if it was synced.
    pub fn sync_link_by_hcp(&self, hcp_customer_id: &str) -> Result<Option<SyncLink>> {
        self.read(|c| link_by(c, "hcp_customer_id", hcp_customer_id))
    }

    /// The link of a GHL contact, if it was synced.
    pub fn sync_link_by_ghl(&self, ghl_contact_id: &str) -> Result<Option<SyncLink>> {
        self.read(|c| link_by(c, "ghl_contact_id", ghl_contact_id))
    }

    /// The sync log of a GHL contact, newest first.
    pub fn sync_log_for_ghl(&self, ghl_contact_id: &str) -> Result<Vec<SyncLogEntry>> {
        self.read(|c| log_by(c, "ghl_contact_id", ghl_contact_id))
    }

    /// The sync log of an HCP customer, newest first.
    pub fn sync_log_for_hcp(&self, hcp_customer_id: &str) -> Result<Vec<SyncLogEntry>> {
        self.read(|c| log_by(c, "hcp_customer_id", hcp_customer_id))
    }

    /// The apply in progress for `target`, if one stopped before its end.
    pub fn sync_run(&self, target: &str) -> Result<Option<SyncRun>> {
        self.read(|c| run_in(c, target))
    }

    /// GHL custom field ids learnt so far, by key.
    pub fn sync_custom_field_ids(&self) -> Result<BTreeMap<String, String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT key, id FROM sync_custom_fields")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<BTreeMap<String, String>>>()?)
        })
    }

    /// Starts (or resumes) the apply of the step list `fingerprint` for
    /// `target` and returns its state. A stored run with the same fingerprint
    /// is resumed as is; with another one its done list starts afresh, keeping
    /// the ids it learnt and its `created_ghl` mark.
    pub fn begin_sync_run(
        &self,
        target: &str,
        fingerprint: &str,
        creates_ghl: bool,
    ) -> Result<SyncRun> {
        self.write(|tx| {
            let run = match run_in(tx, target)? {
                Some(run) if run.fingerprint == fingerprint => SyncRun {
                    created_ghl: run.created_ghl || creates_ghl,
                    ..run
                },
                Some(run) => SyncRun {
                    fingerprint: fingerprint.to_owned(),
                    done: Vec::new(),
                    created_ghl: run.created_ghl || creates_ghl,
                    started_at: now_rfc3339(),
                    ..run
                },
                None => SyncRun {
                    target: target.to_owned(),
                    fingerprint: fingerprint.to_owned(),
                    done: Vec::new(),
                    ghl_contact_id: None,
                    hcp_customer_id: None,
                    created_ghl: creates_ghl,
                    started_at: now_rfc3339(),
                },
            };
            let done = serde_json::to_string(&run.done).map_err(corrupt("sync progress"))?;
            tx.prepare_cached(
                "INSERT INTO sync_runs (target, fingerprint, done, ghl_contact_id,
                                        hcp_customer_id, created_ghl, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (target) DO UPDATE SET
                    fingerprint = excluded.fingerprint, done = excluded.done,
                    ghl_contact_id = excluded.ghl_contact_id,
                    hcp_customer_id = excluded.hcp_customer_id,
                    created_ghl = excluded.created_ghl, started_at = excluded.started_at",
            )?
            .execute(params![
                run.target,
                run.fingerprint,
                done,
                run.ghl_contact_id,
                run.hcp_customer_id,
                run.created_ghl,
                run.started_at
            ])?;
            Ok(run)
        })
    }

    /// Records one step's result, its log entries and learnt custom field
    /// ids together with "this step is done", in one transaction.
    pub fn record_sync_step(&self, record: &SyncStepRecord) -> Result<()> {
        self.write(|tx| {
            let mut run = run_in(tx, &record.target)?.ok_or_else(|| Error::NotFound {
                what: "Sync run",
                id: record.target.clone(),
            })?;
            if !run.done.contains(&record.step) {
                run.done.push(record.step.clone());
            }
            if record.ghl_contact_id.is_some() {
                run.ghl_contact_id.clone_from(&record.ghl_contact_id);
            }
            if record.hcp_customer_id.is_some() {
                run.hcp_customer_id.clone_from(&record.hcp_customer_id);
            }
            let done = serde_json::to_string(&run.done).map_err(corrupt("sync progress"))?;
            tx.prepare_cached(
                "UPDATE sync_runs SET done = ?2, ghl_contact_id = ?3, hcp_customer_id = ?4
                 WHERE target = ?1",
            )?
            .execute(params![
                record.target,
                done,
                run.ghl_contact_id,
                run.hcp_customer_id
            ])?;
            append_log(tx, &now_rfc3339(), &record.log)?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO sync_custom_fields (key, id) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET id = excluded.id",
            )?;
            for (key, id) in &record.custom_field_ids {
                stmt.execute([key, id])?;
            }
            Ok(())
        })
    }

    /// The last step of an apply: stores the link with its new snapshot,
    /// appends `log`, and removes the run of `target`, in one transaction. A
    /// link held by either id before is replaced (one link per contact and
    /// per customer); `linked_at` is kept when the pair was already linked.
    pub fn finish_sync(
        &self,
        target: &str,
        ghl_contact_id: &str,
        hcp_customer_id: &str,
        snapshot: &Value,
        log: &[NewSyncLogEntry],
    ) -> Result<SyncLink> {
        self.write(|tx| {
            let now = now_rfc3339();
            let linked_at = link_by(tx, "hcp_customer_id", hcp_customer_id)?
                .filter(|l| l.ghl_contact_id == ghl_contact_id)
                .map_or_else(|| now.clone(), |l| l.linked_at);
            tx.prepare_cached(
                "DELETE FROM sync_links WHERE ghl_contact_id = ?1 OR hcp_customer_id = ?2",
            )?
            .execute([ghl_contact_id, hcp_customer_id])?;
            let text = serde_json::to_string(snapshot).map_err(corrupt("sync snapshot"))?;
            tx.prepare_cached(
                "INSERT INTO sync_links (ghl_contact_id, hcp_customer_id, snapshot, linked_at,
                                         last_synced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                ghl_contact_id,
                hcp_customer_id,
                text,
                linked_at,
                now
            ])?;
            append_log(tx, &now, log)?;
            tx.prepare_cached("DELETE FROM sync_runs WHERE target = ?1")?
                .execute([target])?;
            Ok(SyncLink {
                ghl_contact_id: ghl_contact_id.to_owned(),
                hcp_customer_id: hcp_customer_id.to_owned(),
                snapshot: snapshot.clone(),
                linked_at,
                last_synced_at: now,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Store::open(dir.path().join("s.sqlite3")).unwrap();
        (dir, s)
    }

    fn entry(field: &str) -> NewSyncLogEntry {
        NewSyncLogEntry {
            ghl_contact_id: "g1".into(),
            hcp_customer_id: "h1".into(),
            direction: SyncDirection::ToGhl,
            field: field.into(),
            from: None,
            to: Some("x".into()),
            actor: "ann".into(),
        }
    }

    #[test]
    fn run_steps_then_link_in_one_go() {
        let (_d, s) = store();
        let run = s.begin_sync_run("hcp:h1", "fp1", true).unwrap();
        assert!(run.done.is_empty() && run.created_ghl);
        s.record_sync_step(&SyncStepRecord {
            target: "hcp:h1".into(),
            step: "ghl.create".into(),
            ghl_contact_id: Some("g1".into()),
            log: vec![entry("email")],
            custom_field_ids: [("contact.hcp_customer_id".into(), "cf1".into())].into(),
            ..SyncStepRecord::default()
        })
        .unwrap();
        let run = s.sync_run("hcp:h1").unwrap().unwrap();
        assert_eq!(run.done, ["ghl.create"]);
        assert_eq!(run.ghl_contact_id.as_deref(), Some("g1"));
        // Same fingerprint resumes; another starts the list afresh but keeps ids.
        assert_eq!(
            s.begin_sync_run("hcp:h1", "fp1", false).unwrap().done.len(),
            1
        );
        let other = s.begin_sync_run("hcp:h1", "fp2", false).unwrap();
        assert!(other.done.is_empty() && other.created_ghl);
        assert_eq!(other.ghl_contact_id.as_deref(), Some("g1"));
        assert_eq!(
            s.sync_custom_field_ids().unwrap()["contact.hcp_customer_id"],
            "cf1"
        );

        let link = s
            .finish_sync(
                "hcp:h1",
                "g1",
                "h1",
                &json!({"email": "a@b.co"}),
                &[entry("tags")],
            )
            .unwrap();
        assert!(s.sync_run("hcp:h1").unwrap().is_none());
        assert_eq!(s.sync_link_by_hcp("h1").unwrap(), Some(link.clone()));
        assert_eq!(s.sync_link_by_ghl("g1").unwrap(), Some(link.clone()));
        let log = s.sync_log_for_ghl("g1").unwrap();
        assert_eq!(
            log.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["tags", "email"],
            "newest first"
        );
        assert_eq!(s.sync_log_for_hcp("h1").unwrap(), log);

        // Re-syncing keeps linked_at; relinking the customer drops the old pair.
        s.begin_sync_run("hcp:h1", "fp3", false).unwrap();
        let again = s
            .finish_sync("hcp:h1", "g1", "h1", &json!({}), &[])
            .unwrap();
        assert_eq!(again.linked_at, link.linked_at);
        s.begin_sync_run("hcp:h1", "fp4", false).unwrap();
        s.finish_sync("hcp:h1", "g2", "h1", &json!({}), &[])
            .unwrap();
        assert!(s.sync_link_by_ghl("g1").unwrap().is_none());
        assert_eq!(
            s.sync_link_by_hcp("h1").unwrap().unwrap().ghl_contact_id,
            "g2"
        );
    }

    #[test]
    fn the_log_cannot_be_rewritten() {
        let (_d, s) = store();
        s.begin_sync_run("t", "fp", false).unwrap();
        s.finish_sync("t", "g1", "h1", &json!({}), &[entry("email")])
            .unwrap();
        let upd = s.write(|tx| Ok(tx.execute("UPDATE sync_log SET actor = 'eve'", [])?));
        assert!(upd.is_err());
        let del = s.write(|tx| Ok(tx.execute("DELETE FROM sync_log", [])?));
        assert!(del.is_err());
        assert_eq!(s.sync_log_for_ghl("g1").unwrap().len(), 1);
    }

    #[test]
    fn recording_a_step_without_a_run_fails() {
        let (_d, s) = store();
        let r = s.record_sync_step(&SyncStepRecord {
            target: "nope".into(),
            step: "x".into(),
            ..SyncStepRecord::default()
        });
        assert!(matches!(r, Err(Error::NotFound { .. })));
    }
}
