//! Contacts: the columns lists and search need, the full GHL JSON, and the
//! FTS index, always written together in one transaction.

use ghl::Contact;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;

use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::text::{self, Hay};
use crate::Store;

/// One contact as a list or search result shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactRow {
    pub id: String,
    /// Full name, else first + last, company, email, phone, id.
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    /// As GHL sent it (ISO-8601).
    pub date_added: Option<String>,
    pub date_updated: Option<String>,
}

/// The orders of [`Store::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ListOrder {
    /// By display name (accents and case folded), then id.
    #[default]
    Name,
    /// Most recently updated first (`dateUpdated` descending), then id.
    RecentlyUpdated,
}

/// One page of contacts. `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub items: Vec<ContactRow>,
    pub next_cursor: Option<String>,
}

/// Columns read into a [`ContactRow`], then the keys cursors need.
pub(crate) const ROW_COLUMNS: &str = "c.id, c.display_name, c.first_name, c.last_name, c.email, \
     c.phone, c.company_name, c.tags, c.source, c.date_added, c.date_updated, c.sort_key, \
     c.updated_ms";

/// A row plus its keyset keys.
pub(crate) struct KeyedRow {
    pub row: ContactRow,
    pub sort_key: String,
    pub updated_ms: i64,
}

pub(crate) fn keyed_row(r: &Row<'_>) -> rusqlite::Result<KeyedRow> {
    let tags: String = r.get(7)?;
    Ok(KeyedRow {
        row: ContactRow {
            id: r.get(0)?,
            display_name: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            email: r.get(4)?,
            phone: r.get(5)?,
            company_name: r.get(6)?,
            // Written by us from a Vec<String>; unreadable only if edited by hand.
            tags: serde_json::from_str(&tags).unwrap_or_default(),
            source: r.get(8)?,
            date_added: r.get(9)?,
            date_updated: r.get(10)?,
        },
        sort_key: r.get(11)?,
        updated_ms: r.get(12)?,
    })
}

/// Everything written for one contact, computed before the transaction.
struct Prepared<'a> {
    contact: &'a Contact,
    display_name: String,
    sort_key: String,
    phone_digits: String,
    tags: String,
    added_ms: i64,
    updated_ms: i64,
    hay: String,
    fts: [String; 4],
    json: String,
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn millis(s: &Option<String>) -> i64 {
    s.as_deref()
        .and_then(ghl::datetime::parse_ghl_datetime)
        .map(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0))
        .unwrap_or(0)
}

fn prepare(contact: &Contact) -> Result<Prepared<'_>> {
    let display_name = contact.display_name();
    let mut name = Vec::new();
    for part in [&contact.name, &contact.first_name, &contact.last_name] {
        for t in text::tokens(non_blank(part).unwrap_or("")) {
            if !name.contains(&t) {
                name.push(t);
            }
        }
    }
    let phone_digits = text::digits(non_blank(&contact.phone).unwrap_or(""));
    let hay = Hay {
        name,
        email: text::tokens(non_blank(&contact.email).unwrap_or("")),
        company: text::tokens(non_blank(&contact.company_name).unwrap_or("")),
        tags: contact
            .tags
            .iter()
            .map(|t| text::tokens(t))
            .filter(|t| !t.is_empty())
            .collect(),
        phone_digits: phone_digits.clone(),
    };
    let json = serde_json::to_string(contact).map_err(|e| Error::Corrupt {
        what: "contact",
        message: e.to_string(),
    })?;
    Ok(Prepared {
        contact,
        sort_key: text::sort_key(&display_name),
        display_name,
        phone_digits,
        tags: serde_json::to_string(&contact.tags).unwrap_or_else(|_| "[]".to_owned()),
        added_ms: millis(&contact.date_added),
        updated_ms: millis(&contact.date_updated),
        hay: hay.encode(),
        fts: hay.fts_columns(),
        json,
    })
}

/// Writes contacts inside `tx`. A stored copy with a later `dateUpdated` is
/// kept (a slow page of a pull must not undo a newer edit's answer). Returns
/// how many were written.
pub(crate) fn upsert_in(tx: &Transaction<'_>, contacts: &[Contact]) -> Result<usize> {
    let mut existing = tx.prepare_cached("SELECT rid, updated_ms FROM contacts WHERE id = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO contacts (id, first_name, last_name, display_name, sort_key, email, phone,
             phone_digits, company_name, tags, source, date_added, date_updated, added_ms,
             updated_ms, hay)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut update = tx.prepare_cached(
        "UPDATE contacts SET first_name = ?2, last_name = ?3, display_name = ?4, sort_key = ?5,
             email = ?6, phone = ?7, phone_digits = ?8, company_name = ?9, tags = ?10,
             source = ?11, date_added = ?12, date_updated = ?13, added_ms = ?14,
             updated_ms = ?15, hay = ?16
         WHERE rid = ?17",
    )?;
    let mut fts_delete = tx.prepare_cached("DELETE FROM contacts_fts WHERE rowid = ?1")?;
    let mut fts_insert = tx.prepare_cached(
        "INSERT INTO contacts_fts (rowid, name, email, company, tags) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut phone_delete = tx.prepare_cached("DELETE FROM phones_fts WHERE rowid = ?1")?;
    let mut phone_insert =
        tx.prepare_cached("INSERT INTO phones_fts (rowid, digits) VALUES (?1, ?2)")?;
    let mut json = tx.prepare_cached(
        "INSERT INTO contact_json (rid, json) VALUES (?1, ?2)
         ON CONFLICT (rid) DO UPDATE SET json = excluded.json",
    )?;
    let mut written = 0;
    for contact in contacts {
        let p = prepare(contact)?;
        let c = p.contact;
        let found: Option<(i64, i64)> = existing
            .query_row([&c.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let values = params![
            c.id,
            non_blank(&c.first_name),
            non_blank(&c.last_name),
            p.display_name,
            p.sort_key,
            non_blank(&c.email),
            non_blank(&c.phone),
            p.phone_digits,
            non_blank(&c.company_name),
            p.tags,
            non_blank(&c.source),
            c.date_added,
            c.date_updated,
            p.added_ms,
            p.updated_ms,
            p.hay,
        ];
        let rid = match found {
            Some((_, stored_ms)) if p.updated_ms > 0 && stored_ms > p.updated_ms => continue,
            Some((rid, _)) => {
                let mut with_rid: Vec<&dyn rusqlite::ToSql> = values.to_vec();
                with_rid.push(&rid);
                update.execute(with_rid.as_slice())?;
                fts_delete.execute([rid])?;
                phone_delete.execute([rid])?;
                rid
            }
            None => {
                insert.execute(values)?;
                tx.last_insert_rowid()
            }
        };
        let [name, email, company, tags] = &p.fts;
        fts_insert.execute(params![rid, name, email, company, tags])?;
        if p.phone_digits.len() >= text::MIN_PHONE_DIGITS {
            phone_insert.execute(params![rid, p.phone_digits])?;
        }
        json.execute(params![rid, p.json])?;
        written += 1;
    }
    Ok(written)
}

/// Removes contacts and everything cached about them. Returns how many existed.
pub(crate) fn delete_in(tx: &Transaction<'_>, ids: &[String]) -> Result<usize> {
    let mut find = tx.prepare_cached("SELECT rid FROM contacts WHERE id = ?1")?;
    let mut fts_delete = tx.prepare_cached("DELETE FROM contacts_fts WHERE rowid = ?1")?;
    let mut phone_delete = tx.prepare_cached("DELETE FROM phones_fts WHERE rowid = ?1")?;
    let mut delete = tx.prepare_cached("DELETE FROM contacts WHERE rid = ?1")?;
    let mut deleted = 0;
    for id in ids {
        if let Some(rid) = find.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
            fts_delete.execute([rid])?;
            phone_delete.execute([rid])?;
            delete.execute([rid])?;
            deleted += 1;
        }
        crate::related::forget_contact_in(tx, id)?;
    }
    Ok(deleted)
}

fn page_from(mut rows: Vec<KeyedRow>, limit: usize, cursor: impl Fn(&KeyedRow) -> Cursor) -> Page {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| cursor(r).encode())
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(|r| r.row).collect(),
        next_cursor,
    }
}

/// Page sizes are clamped to this, so one call stays a few milliseconds.
pub const MAX_PAGE_SIZE: usize = 500;

pub(crate) fn clamp_limit(limit: usize) -> usize {
    limit.clamp(1, MAX_PAGE_SIZE)
}

/// The list query: parameters `?1, ?2` = cursor keys (when `after`), then the limit.
pub(crate) fn list_sql(order: ListOrder, after: bool) -> String {
    match (order, after) {
        (ListOrder::Name, false) => {
            format!("SELECT {ROW_COLUMNS} FROM contacts c ORDER BY c.sort_key, c.id LIMIT ?1")
        }
        (ListOrder::Name, true) => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c WHERE (c.sort_key, c.id) > (?1, ?2)
             ORDER BY c.sort_key, c.id LIMIT ?3"
        ),
        (ListOrder::RecentlyUpdated, false) => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c ORDER BY c.updated_ms DESC, c.id LIMIT ?1"
        ),
        // Mixed directions cannot use a row-value comparison; the first
        // condition gives the index range, the second the tie-break.
        (ListOrder::RecentlyUpdated, true) => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c
             WHERE c.updated_ms <= ?1 AND (c.updated_ms < ?1 OR c.id > ?2)
             ORDER BY c.updated_ms DESC, c.id LIMIT ?3"
        ),
    }
}

pub(crate) fn list_in(
    conn: &Connection,
    order: ListOrder,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page> {
    let limit = clamp_limit(limit);
    let fetch = (limit + 1) as i64;
    let cursor = cursor.map(Cursor::decode).transpose()?;
    let rows = match (order, cursor) {
        (_, None) => conn
            .prepare_cached(&list_sql(order, false))?
            .query_map([fetch], keyed_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        (ListOrder::Name, Some(Cursor::Name { k, i })) => conn
            .prepare_cached(&list_sql(order, true))?
            .query_map(params![k, i, fetch], keyed_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        (ListOrder::RecentlyUpdated, Some(Cursor::Updated { m, i })) => conn
            .prepare_cached(&list_sql(order, true))?
            .query_map(params![m, i, fetch], keyed_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        _ => return Err(Error::InvalidCursor),
    };
    Ok(match order {
        ListOrder::Name => page_from(rows, limit, |r| Cursor::Name {
            k: r.sort_key.clone(),
            i: r.row.id.clone(),
        }),
        ListOrder::RecentlyUpdated => page_from(rows, limit, |r| Cursor::Updated {
            m: r.updated_ms,
            i: r.row.id.clone(),
        }),
    })
}

impl Store {
    /// Inserts or updates contacts (as GHL returns them) in one transaction.
    /// A cached copy with a later `dateUpdated` is kept. Returns how many
    /// were written.
    pub fn upsert_contacts(&self, contacts: &[Contact]) -> Result<usize> {
        self.write(|tx| upsert_in(tx, contacts))
    }

    /// One contact, e.g. the server's answer after an edit.
    pub fn upsert_contact(&self, contact: &Contact) -> Result<()> {
        self.write(|tx| upsert_in(tx, std::slice::from_ref(contact)).map(|_| ()))
    }

    /// Removes contacts with their tasks, notes and appointments. Unknown ids
    /// are ignored. Returns how many were cached.
    pub fn delete_contacts(&self, ids: &[String]) -> Result<usize> {
        self.write(|tx| delete_in(tx, ids))
    }

    /// The full contact as GHL last sent it.
    pub fn contact(&self, id: &str) -> Result<Option<Contact>> {
        self.read(|conn| {
            let json: Option<String> = conn
                .prepare_cached(
                    "SELECT j.json FROM contacts c JOIN contact_json j ON j.rid = c.rid
                     WHERE c.id = ?1",
                )?
                .query_row([id], |r| r.get(0))
                .optional()?;
            json.map(|j| {
                serde_json::from_str(&j).map_err(|e| Error::Corrupt {
                    what: "contact",
                    message: e.to_string(),
                })
            })
            .transpose()
        })
    }

    /// The list/search view of one contact.
    pub fn contact_row(&self, id: &str) -> Result<Option<ContactRow>> {
        self.read(|conn| {
            let row = conn
                .prepare_cached(&format!(
                    "SELECT {ROW_COLUMNS} FROM contacts c WHERE c.id = ?1"
                ))?
                .query_row([id], keyed_row)
                .optional()?;
            Ok(row.map(|r| r.row))
        })
    }

    /// Number of cached contacts.
    pub fn count(&self) -> Result<u64> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// One page in `order`, after `cursor` (from the previous page's
    /// `next_cursor`; `None` for the first page). `limit` is clamped to
    /// 1..=[`MAX_PAGE_SIZE`]. A cursor from another order is rejected.
    pub fn list(&self, order: ListOrder, cursor: Option<&str>, limit: usize) -> Result<Page> {
        self.read(|conn| list_in(conn, order, cursor, limit))
    }
}
