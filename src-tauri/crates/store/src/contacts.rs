//! Contacts: the columns lists and search need, the full GHL JSON, and the
//! FTS index, always written together in one transaction.

use ghl::Contact;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;

use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::text::{self, Hay, HayView};
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

/// The contact's JSON without its null fields (about a third of a typical
/// contact's keys): they read back as `None` all the same.
fn compact_json(contact: &Contact) -> Result<String> {
    let bad = |e: serde_json::Error| Error::Corrupt {
        what: "contact",
        message: e.to_string(),
    };
    let mut v = serde_json::to_value(contact).map_err(bad)?;
    if let Some(map) = v.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::to_string(&v).map_err(bad)
}

fn prepare(contact: &Contact) -> Result<Prepared<'_>> {
    let display_name = contact.display_name();
    // The display name's words first, in order, then (after a separator) the
    // other name parts: FTS5's `^` then means "display name starts with".
    let mut name = text::tokens(&display_name);
    let shown = name.len();
    for part in [&contact.name, &contact.first_name, &contact.last_name] {
        for t in text::tokens(non_blank(part).unwrap_or("")) {
            if !name.contains(&t) {
                if name.len() == shown {
                    name.push(text::NAME_SEP.to_owned());
                }
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
    Ok(Prepared {
        contact,
        sort_key: text::sort_key(&display_name),
        display_name,
        phone_digits,
        tags: serde_json::to_string(&contact.tags).unwrap_or_else(|_| "[]".to_owned()),
        added_ms: millis(&contact.date_added),
        updated_ms: millis(&contact.date_updated),
        hay: hay.encode(),
        json: compact_json(contact)?,
    })
}

/// The statements that keep the search tables (`*_fts`) in step with
/// a contact's searchable text.
struct IndexWriter<'t> {
    name_insert: rusqlite::CachedStatement<'t>,
    name_delete: rusqlite::CachedStatement<'t>,
    other_insert: rusqlite::CachedStatement<'t>,
    other_delete: rusqlite::CachedStatement<'t>,
    phone_insert: rusqlite::CachedStatement<'t>,
    phone_delete: rusqlite::CachedStatement<'t>,
}

/// A number's suffixes of at least `MIN_PHONE_DIGITS` digits, space-separated
/// (the `phones_fts` document).
fn suffixes(digits: &str) -> String {
    let n = digits.len().saturating_sub(text::MIN_PHONE_DIGITS - 1);
    let mut out = String::with_capacity(n * (digits.len() + 1) / 2 + n);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&digits[i..]);
    }
    out
}

impl<'t> IndexWriter<'t> {
    fn new(tx: &'t Transaction<'_>) -> Result<Self> {
        Ok(IndexWriter {
            name_insert: tx
                .prepare_cached("INSERT INTO names_fts (rowid, name) VALUES (?1, ?2)")?,
            // A contentless table forgets a row when told its exact old words.
            name_delete: tx.prepare_cached(
                "INSERT INTO names_fts (names_fts, rowid, name) VALUES ('delete', ?1, ?2)",
            )?,
            other_insert: tx.prepare_cached(
                "INSERT INTO others_fts (rowid, email_tags, company) VALUES (?1, ?2, ?3)",
            )?,
            other_delete: tx.prepare_cached(
                "INSERT INTO others_fts (others_fts, rowid, email_tags, company)
                 VALUES ('delete', ?1, ?2, ?3)",
            )?,
            phone_insert: tx
                .prepare_cached("INSERT INTO phones_fts (rowid, suffixes) VALUES (?1, ?2)")?,
            phone_delete: tx.prepare_cached(
                "INSERT INTO phones_fts (phones_fts, rowid, suffixes) VALUES ('delete', ?1, ?2)",
            )?,
        })
    }

    fn add_words(&mut self, rid: i64, hay: &str) -> Result<()> {
        let view = HayView::parse(hay);
        self.name_insert.execute(params![rid, view.name])?;
        self.other_insert
            .execute(params![rid, view.fts_email_tags(), view.company])?;
        Ok(())
    }

    fn remove_words(&mut self, rid: i64, hay: &str) -> Result<()> {
        let view = HayView::parse(hay);
        self.name_delete.execute(params![rid, view.name])?;
        self.other_delete
            .execute(params![rid, view.fts_email_tags(), view.company])?;
        Ok(())
    }

    fn add_phone(&mut self, rid: i64, digits: &str) -> Result<()> {
        if digits.len() >= text::MIN_PHONE_DIGITS {
            self.phone_insert.execute(params![rid, suffixes(digits)])?;
        }
        Ok(())
    }

    fn remove_phone(&mut self, rid: i64, digits: &str) -> Result<()> {
        if digits.len() >= text::MIN_PHONE_DIGITS {
            self.phone_delete.execute(params![rid, suffixes(digits)])?;
        }
        Ok(())
    }
}

/// What is stored for a contact id, as far as an upsert needs to know.
struct Stored {
    rid: i64,
    updated_ms: i64,
    hay: String,
    phone_digits: String,
    json: Option<String>,
}

/// Writes contacts inside `tx`. A stored copy with a later `dateUpdated` is
/// kept (a slow page of a pull must not undo a newer edit's answer); an
/// identical one is left alone, and the search index is only touched when
/// the searchable text changed. Returns how many of `contacts` the cache now
/// holds as given.
pub(crate) fn upsert_in(tx: &Transaction<'_>, contacts: &[Contact]) -> Result<usize> {
    let mut existing = tx.prepare_cached(
        "SELECT c.rid, c.updated_ms, c.hay, c.phone_digits, j.json
         FROM contacts c LEFT JOIN contact_json j ON j.rid = c.rid WHERE c.id = ?1",
    )?;
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
    let mut json = tx.prepare_cached(
        "INSERT INTO contact_json (rid, json) VALUES (?1, ?2)
         ON CONFLICT (rid) DO UPDATE SET json = excluded.json",
    )?;
    let mut index = IndexWriter::new(tx)?;
    let mut written = 0;
    for contact in contacts {
        let p = prepare(contact)?;
        let c = p.contact;
        let found: Option<Stored> = existing
            .query_row([&c.id], |r| {
                Ok(Stored {
                    rid: r.get(0)?,
                    updated_ms: r.get(1)?,
                    hay: r.get(2)?,
                    phone_digits: r.get(3)?,
                    json: r.get(4)?,
                })
            })
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
        match found {
            Some(old) if p.updated_ms > 0 && old.updated_ms > p.updated_ms => continue,
            Some(old) if old.json.as_deref() == Some(p.json.as_str()) => {}
            Some(old) => {
                let rid = old.rid;
                let mut with_rid: Vec<&dyn rusqlite::ToSql> = values.to_vec();
                with_rid.push(&rid);
                update.execute(with_rid.as_slice())?;
                if old.hay != p.hay {
                    index.remove_words(rid, &old.hay)?;
                    index.add_words(rid, &p.hay)?;
                }
                if old.phone_digits != p.phone_digits {
                    index.remove_phone(rid, &old.phone_digits)?;
                    index.add_phone(rid, &p.phone_digits)?;
                }
                json.execute(params![rid, p.json])?;
            }
            None => {
                insert.execute(values)?;
                let rid = tx.last_insert_rowid();
                index.add_words(rid, &p.hay)?;
                index.add_phone(rid, &p.phone_digits)?;
                json.execute(params![rid, p.json])?;
            }
        }
        written += 1;
    }
    Ok(written)
}

/// Removes contacts and everything cached about them. Returns how many existed.
pub(crate) fn delete_in(tx: &Transaction<'_>, ids: &[String]) -> Result<usize> {
    let mut find =
        tx.prepare_cached("SELECT rid, hay, phone_digits FROM contacts WHERE id = ?1")?;
    let mut delete = tx.prepare_cached("DELETE FROM contacts WHERE rid = ?1")?;
    let mut index = IndexWriter::new(tx)?;
    let mut deleted = 0;
    for id in ids {
        let found = find
            .query_row([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .optional()?;
        if let Some((rid, hay, digits)) = found {
            index.remove_words(rid, &hay)?;
            index.remove_phone(rid, &digits)?;
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
        // Mixed directions cannot use a row-value comparison: first the rest
        // of the cursor's own time (many contacts can share one, e.g. after
        // an import), then RECENT_AFTER_SQL; each is one index seek.
        (ListOrder::RecentlyUpdated, true) => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c
             WHERE c.updated_ms = ?1 AND c.id > ?2
             ORDER BY c.updated_ms DESC, c.id LIMIT ?3"
        ),
    }
}

/// "Recently updated" after the cursor's time: `?1` time, `?2` limit.
pub(crate) fn recent_after_sql() -> String {
    format!(
        "SELECT {ROW_COLUMNS} FROM contacts c WHERE c.updated_ms < ?1
         ORDER BY c.updated_ms DESC, c.id LIMIT ?2"
    )
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
        (ListOrder::RecentlyUpdated, Some(Cursor::Updated { m, i })) => {
            let mut rows = conn
                .prepare_cached(&list_sql(order, true))?
                .query_map(params![m, i, fetch], keyed_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let more = fetch - rows.len() as i64;
            if more > 0 {
                rows.extend(
                    conn.prepare_cached(&recent_after_sql())?
                        .query_map(params![m, more], keyed_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()?,
                );
            }
            rows
        }
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

    /// Every cached contact id (for finding the ones the server deleted).
    pub fn contact_ids(&self) -> Result<Vec<String>> {
        self.read(|conn| {
            let ids = conn
                .prepare("SELECT id FROM contacts")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(ids)
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

/// A contact as listed by `POST /contacts/search`, in the shape of
/// `GET /contacts/{id}` that the cache stores: `contactName` becomes `name`,
/// `address` becomes `address1`, the paging cursor `searchAfter` is dropped,
/// everything else (e.g. `additionalEmails`) is kept.
pub fn contact_from_search(contact: &ghl::SearchContact) -> Result<Contact> {
    let bad = |e: serde_json::Error| Error::Corrupt {
        what: "search result",
        message: e.to_string(),
    };
    let mut v = serde_json::to_value(contact).map_err(bad)?;
    if let Some(map) = v.as_object_mut() {
        map.remove("searchAfter");
        for (from, to) in [("contactName", "name"), ("address", "address1")] {
            if let Some(value) = map.remove(from) {
                map.entry(to).or_insert(value);
            }
        }
    }
    serde_json::from_value(v).map_err(bad)
}
