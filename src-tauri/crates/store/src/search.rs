//! Search as you type, ranked and paged by keyset.
//!
//! A query is read into folded word tokens and, when it looks like a phone
//! number, digit strings. Every contact that matches falls into one tier:
//!
//! 0. its display name starts with the query ("ann le" → "Ann Lee");
//! 1. every word of the query starts a word of its name ("lee ann", "jose" → "José");
//! 2. the query matches its email (a run of its words, the last one by
//!    prefix: "ann.lee@ex"), company (word prefixes), a tag (word prefixes
//!    within one tag) or phone (the digits as a substring, with or without
//!    the country code).
//!
//! Tier 0 comes in name order: a range of the `contacts_by_name` index.
//! Tiers 1 and 2 come in the order the contacts were first cached (their
//! rowid), the order FTS5 hands out its matches: a page reads the FTS
//! doclists from the cursor on, lazily, and stops when it is full, so it
//! costs about the same for 10 matches or 50,000 — no count, no sort, no
//! walk. The FTS expressions select each tier almost exactly; [`Query::tier`]
//! has the last word on every candidate (a phrase may span two tags, say).
//! A cursor is `(tier, sort key, id)` in tier 0 and `(tier, rowid)` after it,
//! so every page is a keyset seek, never OFFSET.

use rusqlite::{params, Connection, OptionalExtension};

use crate::contacts::{clamp_limit, keyed_row, KeyedRow, ListOrder, Page, ROW_COLUMNS};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::text::{self, HayView, MIN_PHONE_DIGITS, TAG_SEP};
use crate::Store;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// Folded, whitespace-collapsed text for "display name starts with".
    prefix: String,
    /// Folded words.
    words: Vec<String>,
    /// Digit strings to find in phone numbers (empty: not a phone query).
    phone: Vec<String>,
}

impl Query {
    pub fn parse(raw: &str, country_code: &str) -> Query {
        let words = text::tokens(raw);
        let digits = text::digits(raw);
        let phone_like = digits.len() >= MIN_PHONE_DIGITS
            && raw
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let mut phone = Vec::new();
        if phone_like {
            phone.push(digits.clone());
            // "+1 555 0100" or "15550100123" typed for a number stored
            // without its country code: also look for the national part.
            let international = raw.trim_start().starts_with('+') || digits.len() > 10;
            if international && !country_code.is_empty() {
                if let Some(national) = digits.strip_prefix(country_code) {
                    if national.len() >= MIN_PHONE_DIGITS {
                        phone.push(national.to_owned());
                    }
                }
            }
        }
        Query {
            prefix: text::sort_key(raw),
            words,
            phone,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.prefix.is_empty() && self.words.is_empty() && self.phone.is_empty()
    }

    /// The tier a contact falls in, or `None` when it does not match.
    pub fn tier(&self, sort_key: &str, hay: &str) -> Option<u8> {
        if !self.prefix.is_empty() && sort_key.starts_with(&self.prefix) {
            return Some(0);
        }
        let hay = HayView::parse(hay);
        if !self.words.is_empty() && all_words_prefix(&self.words, hay.name) {
            return Some(1);
        }
        let other = !self.words.is_empty()
            && (phrase_prefix(&self.words, hay.email)
                || all_words_prefix(&self.words, hay.company)
                || hay
                    .tags
                    .split(TAG_SEP)
                    .any(|tag| phrase_prefix(&self.words, tag)));
        if other
            || self
                .phone
                .iter()
                .any(|d| hay.phone_digits.contains(d.as_str()))
        {
            return Some(2);
        }
        None
    }

    /// Every query word as a prefix (`"ann"* AND "le"*`); words are runs of
    /// letters and digits, so they need no escaping.
    fn all_words(&self) -> String {
        self.words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// `names_fts` expression for exactly tier 1: every word starts a name
    /// word, and the display name does not start with the query (the name
    /// column starts with the display name's words, then a separator).
    fn name_match(&self) -> Option<String> {
        if self.words.is_empty() {
            return None;
        }
        Some(format!(
            "({}) NOT ^\"{}\"*",
            self.all_words(),
            self.words.join(" ")
        ))
    }

    /// `others_fts` expression for the word candidates of tier 2: the words
    /// as a phrase in email and tag words, or each starting a company word.
    /// Name matches (tiers 0 and 1) are left out with `names_fts`.
    fn other_match(&self) -> Option<String> {
        if self.words.is_empty() {
            return None;
        }
        Some(format!(
            "email_tags : \"{}\"* OR company : ({})",
            self.words.join(" "),
            self.all_words()
        ))
    }

    /// `phones_fts` expression: a suffix of the number starts with the
    /// digits (with or without the country code).
    fn phone_match(&self) -> Option<String> {
        (!self.phone.is_empty()).then(|| {
            self.phone
                .iter()
                .map(|d| format!("\"{d}\"*"))
                .collect::<Vec<_>>()
                .join(" OR ")
        })
    }
}

/// Every query word starts some word of `field` (space-separated words).
fn all_words_prefix(words: &[String], field: &str) -> bool {
    words
        .iter()
        .all(|w| field.split(' ').any(|f| f.starts_with(w.as_str())))
}

/// The query words appear as consecutive words of `field`, the last one as a
/// prefix (FTS5's `"a b c"*`).
fn phrase_prefix(words: &[String], field: &str) -> bool {
    let Some((last, head)) = words.split_last() else {
        return false;
    };
    let fields: Vec<&str> = field.split(' ').filter(|f| !f.is_empty()).collect();
    fields.windows(words.len()).any(|win| {
        win[..head.len()].iter().zip(head).all(|(f, w)| *f == w)
            && win[head.len()].starts_with(last.as_str())
    })
}

/// Tier 0: display names starting with the query, in name order.
/// ?1 start of the range, ?2 its end, ?3 ?4 cursor, ?5 limit.
pub(crate) const RANGE_SQL_PREFIX: &str = "WHERE c.sort_key >= ?1 AND c.sort_key < ?2
     AND (c.sort_key, c.id) > (?3, ?4) ORDER BY c.sort_key, c.id LIMIT ?5";

pub(crate) fn range_sql() -> String {
    format!("SELECT {ROW_COLUMNS} FROM contacts c {RANGE_SQL_PREFIX}")
}

/// Tier 1 candidates after a rowid, in rowid order: ?1 expression, ?2 rowid.
pub(crate) const NAME_CANDIDATES: &str = "SELECT rowid FROM names_fts
     WHERE names_fts MATCH ?1 AND rowid > ?2 ORDER BY rowid";
/// Tier 2 word candidates: ?1 `others_fts` expression, ?2 rowid, ?3 the
/// `names_fts` expression of the name matches to leave out (tiers 0 and 1).
pub(crate) const OTHER_CANDIDATES: &str = "SELECT rowid FROM others_fts
     WHERE others_fts MATCH ?1 AND rowid > ?2
       AND rowid NOT IN (SELECT rowid FROM names_fts WHERE names_fts MATCH ?3)
     ORDER BY rowid";
/// Tier 2 phone candidates: ?1 `phones_fts` expression, ?2 rowid.
pub(crate) const PHONE_CANDIDATES: &str = "SELECT rowid FROM phones_fts
     WHERE phones_fts MATCH ?1 AND rowid > ?2 ORDER BY rowid";

/// A row by rowid, with what the matcher needs.
pub(crate) fn row_sql() -> String {
    format!("SELECT {ROW_COLUMNS}, c.hay FROM contacts c WHERE c.rid = ?1")
}

/// Ascending rowids of one FTS statement, read lazily.
struct Stream<'s> {
    rows: rusqlite::Rows<'s>,
    head: Option<i64>,
}

impl<'s> Stream<'s> {
    fn new(mut rows: rusqlite::Rows<'s>) -> Result<Self> {
        let head = rows.next()?.map(|r| r.get(0)).transpose()?;
        Ok(Stream { rows, head })
    }

    fn advance(&mut self) -> Result<()> {
        self.head = self.rows.next()?.map(|r| r.get(0)).transpose()?;
        Ok(())
    }
}

/// Up to `want` contacts of tier 1 or 2 after rowid `after`, in rowid order.
fn read_by_rowid(
    conn: &Connection,
    query: &Query,
    tier: u8,
    after: i64,
    want: usize,
) -> Result<Vec<(i64, KeyedRow)>> {
    let names = query.all_words();
    let (words, phone) = match tier {
        1 => (query.name_match(), None),
        _ => (query.other_match(), query.phone_match()),
    };
    let mut word_stmt = match &words {
        Some(_) if tier == 1 => Some(conn.prepare_cached(NAME_CANDIDATES)?),
        Some(_) => Some(conn.prepare_cached(OTHER_CANDIDATES)?),
        None => None,
    };
    let mut phone_stmt = match &phone {
        Some(_) => Some(conn.prepare_cached(PHONE_CANDIDATES)?),
        None => None,
    };
    let mut streams = Vec::with_capacity(2);
    if let (Some(stmt), Some(expr)) = (word_stmt.as_mut(), &words) {
        let rows = if tier == 1 {
            stmt.query(params![expr, after])?
        } else {
            stmt.query(params![expr, after, names])?
        };
        streams.push(Stream::new(rows)?);
    }
    if let (Some(stmt), Some(expr)) = (phone_stmt.as_mut(), &phone) {
        streams.push(Stream::new(stmt.query(params![expr, after])?)?);
    }
    let mut row = conn.prepare_cached(&row_sql())?;
    let mut out = Vec::new();
    while out.len() < want {
        // The smallest head of the streams; equal heads are one contact.
        let Some(rid) = streams.iter().filter_map(|s| s.head).min() else {
            break;
        };
        for s in &mut streams {
            if s.head == Some(rid) {
                s.advance()?;
            }
        }
        let found = row
            .query_row([rid], |r| {
                let hay: String = r.get(13)?;
                Ok((keyed_row(r)?, hay))
            })
            .optional()?;
        if let Some((keyed, hay)) = found {
            if query.tier(&keyed.sort_key, &hay) == Some(tier) {
                out.push((rid, keyed));
            }
        }
    }
    Ok(out)
}

/// Up to `want` contacts of tier 0 after `(key, id)`.
fn read_range(
    conn: &Connection,
    query: &Query,
    after_key: &str,
    after_id: &str,
    want: usize,
) -> Result<Vec<KeyedRow>> {
    if query.prefix.is_empty() {
        return Ok(Vec::new());
    }
    let upper = text::prefix_end(&query.prefix);
    let rows = conn
        .prepare_cached(&range_sql())?
        .query_map(
            params![query.prefix, upper, after_key, after_id, want as i64],
            keyed_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Where a search page starts.
enum Start {
    Name { key: String, id: String },
    Rowid { tier: u8, rid: i64 },
}

pub(crate) fn search_in(
    conn: &Connection,
    raw: &str,
    cc: &str,
    order: ListOrder,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page> {
    let query = Query::parse(raw, cc);
    if query.is_empty() {
        return crate::contacts::list_in(conn, order, cursor, limit);
    }
    let limit = clamp_limit(limit);
    let from = match cursor.map(Cursor::decode).transpose()? {
        None => Start::Name {
            key: String::new(),
            id: String::new(),
        },
        Some(Cursor::Search { t: 0, k, i, .. }) => Start::Name { key: k, id: i },
        Some(Cursor::Search {
            t: t @ 1..=2, r, ..
        }) => Start::Rowid { tier: t, rid: r },
        Some(_) => return Err(Error::InvalidCursor),
    };
    // One more than a page tells whether there is a next one.
    let want = limit + 1;
    let mut rows: Vec<(u8, i64, KeyedRow)> = Vec::new();
    let (first_tier, mut after_rid) = match from {
        Start::Name { key, id } => {
            let found = read_range(conn, &query, &key, &id, want)?;
            rows.extend(found.into_iter().map(|r| (0, 0, r)));
            (1, 0)
        }
        Start::Rowid { tier, rid } => (tier, rid),
    };
    for tier in first_tier..=2 {
        if rows.len() >= want {
            break;
        }
        let found = read_by_rowid(conn, &query, tier, after_rid, want - rows.len())?;
        rows.extend(found.into_iter().map(|(rid, r)| (tier, rid, r)));
        after_rid = 0;
    }
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(t, rid, r)| {
            Cursor::Search {
                t: *t,
                k: if *t == 0 {
                    r.sort_key.clone()
                } else {
                    String::new()
                },
                i: r.row.id.clone(),
                r: *rid,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(|(_, _, r)| r.row).collect(),
        next_cursor,
    })
}

impl Store {
    /// Search as you type: contacts matching `query` by name, email, company,
    /// tag or phone, best matches first (see the module docs), one page after
    /// `cursor`. A blank query lists everything in `order` (which a non-blank
    /// query ignores: results are ranked).
    pub fn search(
        &self,
        query: &str,
        order: ListOrder,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page> {
        let cc = self.country_code();
        self.read(|conn| search_in(conn, query, &cc, order, cursor, limit))
    }
}
