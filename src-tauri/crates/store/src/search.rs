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
//! Results come in `(tier, sort_key, id)` order, so a cursor is that triple
//! and every page is a keyset seek, never OFFSET. Tier 0 is a range of the
//! `contacts_by_name` index. Tiers 1 and 2 find candidates in FTS5 when they
//! are few (then sort them), or, when they are many, walk `contacts_by_name`
//! from the cursor and test each entry with `sb_tier()` over the `hay`
//! stored in that index: dense matches fill a page within a short walk.
//! Either way `sb_tier()` (this module's [`Query::tier`]) decides, so both
//! paths return exactly the same rows and cursors work across them.

use std::sync::Arc;

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};

use crate::contacts::{clamp_limit, keyed_row, KeyedRow, ListOrder, Page, ROW_COLUMNS};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::text::{self, HayView, MIN_PHONE_DIGITS, TAG_SEP};
use crate::Store;

/// Below this many FTS candidates a tier is fetched and sorted; above it,
/// matches are dense enough (≥ 1 in 100,000 / this) that walking the name
/// index finds a page quickly.
const SPARSE_LIMIT: i64 = 1500;

/// A parsed query; also the argument cache of `sb_tier()`.
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

    /// FTS5 expression for the candidates of tier 1 (`None`: tier empty).
    fn name_match(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| {
            self.words
                .iter()
                .map(|w| format!("name : \"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" AND ")
        })
    }

    /// `contacts_fts` expression for the word candidates of tier 2.
    fn other_match(&self) -> Option<String> {
        if self.words.is_empty() {
            return None;
        }
        let phrase = self.words.join(" ");
        let company = self
            .words
            .iter()
            .map(|w| format!("company : \"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ");
        Some(format!(
            "email : \"{phrase}\"* OR ({company}) OR tags : \"{phrase}\"*"
        ))
    }

    /// `phones_fts` expression for the phone candidates of tier 2: every
    /// trigram of one of the digit strings (a superset; `sb_tier` checks).
    fn phone_match(&self) -> Option<String> {
        (!self.phone.is_empty()).then(|| {
            self.phone
                .iter()
                .map(|d| {
                    let grams: Vec<String> = (0..=d.len() - MIN_PHONE_DIGITS)
                        .map(|i| format!("\"{}\"", &d[i..i + MIN_PHONE_DIGITS]))
                        .collect();
                    format!("({})", grams.join(" AND "))
                })
                .collect::<Vec<_>>()
                .join(" OR ")
        })
    }

    /// Words of one letter have no prefix index: their matches are many by
    /// nature, so they are walked without counting.
    fn only_short_words(&self) -> bool {
        self.phone.is_empty() && self.words.iter().all(|w| w.chars().count() < 2)
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

/// `sb_tier(query, country_code, sort_key, hay)` → tier or NULL. The parsed
/// query is cached per statement (SQLite keeps it while the argument is constant).
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "sb_tier",
        4,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let cc: String = ctx.get(1)?;
            let query: Arc<Query> = ctx.get_or_create_aux(0, |v| {
                v.as_str()
                    .map(|q| Query::parse(q, &cc))
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
            })?;
            let sort_key = ctx.get_raw(2).as_str().unwrap_or("");
            let hay = ctx.get_raw(3).as_str().unwrap_or("");
            Ok(query.tier(sort_key, hay).map(i64::from))
        },
    )
}

/// How a tier is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    /// Tier 0: a range of the name index.
    Range,
    /// Few candidates: FTS5 finds them (in `contacts_fts`, `phones_fts` or
    /// both), then they are tested and sorted.
    Sparse { words: bool, phone: bool },
    /// Many candidates: walk the name index from the cursor, test each entry.
    Dense,
}

impl Path {
    /// Parameters the query takes (the highest `?N` it uses).
    fn param_count(self) -> usize {
        match self {
            Path::Range => 6,
            Path::Sparse { phone: true, .. } => 9,
            Path::Sparse { .. } | Path::Dense => 8,
        }
    }
}

// Parameters of every tier query: ?1 query, ?2 country code, ?3 end of the
// tier-0 prefix range, ?4 ?5 cursor (sort key, id), ?6 limit, ?7 words
// expression, ?8 tier, ?9 phone expression.
pub(crate) fn tier_query(path: Path) -> String {
    let candidates = |words: bool, phone: bool| match (words, phone) {
        (true, true) => {
            "SELECT rowid AS r FROM contacts_fts WHERE contacts_fts MATCH ?7
             UNION SELECT rowid AS r FROM phones_fts WHERE phones_fts MATCH ?9"
        }
        (false, true) => "SELECT rowid AS r FROM phones_fts WHERE phones_fts MATCH ?9",
        _ => "SELECT rowid AS r FROM contacts_fts WHERE contacts_fts MATCH ?7",
    };
    match path {
        Path::Range => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c
             WHERE c.sort_key < ?3 AND (c.sort_key, c.id) > (?4, ?5)
             ORDER BY c.sort_key, c.id LIMIT ?6"
        ),
        Path::Sparse { words, phone } => format!(
            "SELECT {ROW_COLUMNS}
             FROM ({}) m
             CROSS JOIN contacts c ON c.rid = m.r
             WHERE (c.sort_key, c.id) > (?4, ?5) AND sb_tier(?1, ?2, c.sort_key, c.hay) = ?8
             ORDER BY c.sort_key, c.id LIMIT ?6",
            candidates(words, phone)
        ),
        Path::Dense => format!(
            "SELECT {ROW_COLUMNS} FROM contacts c INDEXED BY contacts_by_name
             WHERE (c.sort_key, c.id) > (?4, ?5) AND sb_tier(?1, ?2, c.sort_key, c.hay) = ?8
             ORDER BY c.sort_key, c.id LIMIT ?6"
        ),
    }
}

/// The FTS5 expressions of a tier: (words, phone).
pub(crate) struct Exprs {
    pub words: String,
    pub phone: String,
}

fn count_candidates(conn: &Connection, table: &str, expr: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"
        ))?
        .query_row(params![expr, SPARSE_LIMIT + 1], |r| r.get(0))?)
}

/// How to read `tier` of `query`; `None` when the tier cannot have matches.
pub(crate) fn plan_tier(
    conn: &Connection,
    query: &Query,
    tier: u8,
) -> Result<Option<(Path, Exprs)>> {
    let (words, phone) = match tier {
        0 if query.prefix.is_empty() => return Ok(None),
        0 => {
            let none = Exprs {
                words: String::new(),
                phone: String::new(),
            };
            return Ok(Some((Path::Range, none)));
        }
        1 => (query.name_match(), None),
        _ => (query.other_match(), query.phone_match()),
    };
    if words.is_none() && phone.is_none() {
        return Ok(None);
    }
    let exprs = Exprs {
        words: words.clone().unwrap_or_default(),
        phone: phone.clone().unwrap_or_default(),
    };
    if query.only_short_words() {
        return Ok(Some((Path::Dense, exprs)));
    }
    let mut candidates = 0;
    if let Some(w) = &words {
        candidates += count_candidates(conn, "contacts_fts", w)?;
    }
    if let Some(p) = &phone {
        candidates += count_candidates(conn, "phones_fts", p)?;
    }
    Ok(match candidates {
        0 => None,
        n if n <= SPARSE_LIMIT => Some((
            Path::Sparse {
                words: words.is_some(),
                phone: phone.is_some(),
            },
            exprs,
        )),
        _ => Some((Path::Dense, exprs)),
    })
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
    let (start_tier, mut after_key, mut after_id) = match cursor.map(Cursor::decode).transpose()? {
        None => (0, String::new(), String::new()),
        Some(Cursor::Search { t, k, i }) if t <= 2 => (t, k, i),
        Some(_) => return Err(Error::InvalidCursor),
    };
    let upper = text::prefix_end(&query.prefix);
    let mut rows: Vec<(u8, KeyedRow)> = Vec::new();
    for tier in start_tier..=2 {
        let want = limit + 1 - rows.len();
        if want == 0 {
            break;
        }
        if tier == 0 && after_key < query.prefix {
            after_key.clone_from(&query.prefix);
            after_id.clear();
        }
        if let Some((path, exprs)) = plan_tier(conn, &query, tier)? {
            let fetch = want as i64;
            let all: [&dyn rusqlite::ToSql; 9] = [
                &raw,
                &cc,
                &upper,
                &after_key,
                &after_id,
                &fetch,
                &exprs.words,
                &tier,
                &exprs.phone,
            ];
            let found = conn
                .prepare_cached(&tier_query(path))?
                .query_map(&all[..path.param_count()], keyed_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.extend(found.into_iter().map(|r| (tier, r)));
        }
        after_key.clear();
        after_id.clear();
    }
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(t, r)| {
            Cursor::Search {
                t: *t,
                k: r.sort_key.clone(),
                i: r.row.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(|(_, r)| r.row).collect(),
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
