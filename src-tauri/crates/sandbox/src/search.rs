//! `POST /contacts/search` engine: query matching, filters, sorting and both paging
//! styles, over indexes built once per dataset so a request never clones or re-sorts
//! the contact list.

use std::cmp::Ordering;

use crate::model::{Contact, Dataset};

/// GHL caps page/pageLimit paging at this many records; deeper needs `searchAfter`.
pub const DEEP_PAGING_LIMIT: usize = 10_000;
pub const MAX_PAGE_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortField {
    DateAdded,
    DateUpdated,
    FirstNameLowerCase,
    LastNameLowerCase,
}

impl SortField {
    pub const ALL: [SortField; 4] = [
        SortField::DateAdded,
        SortField::DateUpdated,
        SortField::FirstNameLowerCase,
        SortField::LastNameLowerCase,
    ];

    pub fn from_wire(name: &str) -> Option<SortField> {
        SortField::ALL.into_iter().find(|f| f.wire_name() == name)
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            SortField::DateAdded => "dateAdded",
            SortField::DateUpdated => "dateUpdated",
            SortField::FirstNameLowerCase => "firstNameLowerCase",
            SortField::LastNameLowerCase => "lastNameLowerCase",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }

    fn is_date(self) -> bool {
        matches!(self, SortField::DateAdded | SortField::DateUpdated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// The first element of a contact's `searchAfter`: epoch millis for date sorts,
/// the lower-cased name for name sorts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortValue {
    Millis(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// 1-based page number.
    Page(usize),
    /// Resume strictly after `(value, id)` in the requested order.
    After(SortValue, String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Condition {
        field: FilterField,
        op: FilterOp,
    },
    /// `any == true` is an OR group, otherwise AND.
    Group {
        any: bool,
        filters: Vec<Filter>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Id,
    FirstNameLowerCase,
    LastNameLowerCase,
    Email,
    Phone,
    CompanyName,
    Tags,
    Source,
    Type,
    City,
    State,
    PostalCode,
    BusinessId,
    AssignedTo,
    Dnd,
    DateAdded,
    DateUpdated,
}

impl FilterField {
    pub fn from_wire(name: &str) -> Option<FilterField> {
        Some(match name {
            "id" => FilterField::Id,
            "firstNameLowerCase" => FilterField::FirstNameLowerCase,
            "lastNameLowerCase" => FilterField::LastNameLowerCase,
            "email" => FilterField::Email,
            "phone" => FilterField::Phone,
            "companyName" => FilterField::CompanyName,
            "tags" => FilterField::Tags,
            "source" => FilterField::Source,
            "type" => FilterField::Type,
            "city" => FilterField::City,
            "state" => FilterField::State,
            "postalCode" => FilterField::PostalCode,
            "businessId" => FilterField::BusinessId,
            "assignedTo" => FilterField::AssignedTo,
            "dnd" => FilterField::Dnd,
            "dateAdded" => FilterField::DateAdded,
            "dateUpdated" => FilterField::DateUpdated,
            _ => return None,
        })
    }

    pub fn is_date(self) -> bool {
        matches!(self, FilterField::DateAdded | FilterField::DateUpdated)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterOp {
    /// Case-insensitive equality with any of the values (tags: has any of them).
    Eq(Vec<String>),
    NotEq(Vec<String>),
    Contains(String),
    NotContains(String),
    Exists,
    NotExists,
    /// Epoch-millis bounds for date fields.
    Range {
        gt: Option<i64>,
        gte: Option<i64>,
        lt: Option<i64>,
        lte: Option<i64>,
    },
    BoolEq(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: Option<String>,
    pub filters: Vec<Filter>,
    pub sort: SortField,
    pub direction: Direction,
    pub start: Start,
    pub limit: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: None,
            filters: Vec::new(),
            sort: SortField::DateAdded,
            direction: Direction::Desc,
            start: Start::Page(1),
            limit: 20,
        }
    }
}

#[derive(Debug)]
pub struct SearchHit<'d> {
    pub contact: &'d Contact,
    /// `[sortValue, id]` to render as the item's `searchAfter`.
    pub sort_value: SortValue,
}

#[derive(Debug)]
pub struct SearchPage<'d> {
    pub hits: Vec<SearchHit<'d>>,
    /// All matches of query + filters, independent of paging.
    pub total: usize,
    /// Matches that come before the first hit (before the cursor, or on earlier
    /// pages): the page's offset within `total`.
    pub skipped: usize,
}

/// Ends every field in a [`TextArena`]; queries never contain it, so a match never
/// straddles two fields or two contacts.
const FIELD_SEPARATOR: char = '\u{1}';

/// Per-contact derived keys, built once per dataset.
#[derive(Debug, Clone)]
struct Keys {
    first_lc: String,
    last_lc: String,
    added_ms: i64,
    updated_ms: i64,
}

/// The searchable text of all contacts in one contiguous string, so a query is a
/// single substring scan over a few MB instead of 100k scattered small ones.
#[derive(Debug, Clone, Default)]
struct TextArena {
    text: String,
    /// Byte offset where each contact's record starts, by position.
    starts: Vec<usize>,
}

impl TextArena {
    fn build<'a>(records: impl Iterator<Item = Vec<&'a str>>) -> TextArena {
        let mut arena = TextArena::default();
        for fields in records {
            arena.starts.push(arena.text.len());
            for field in fields {
                arena.text.push_str(field);
                arena.text.push(FIELD_SEPARATOR);
            }
        }
        arena
    }

    /// Sets `marks[pos]` for every contact whose record contains `needle`.
    fn mark(&self, needle: &str, marks: &mut [bool]) {
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let bytes = self.text.as_bytes();
        let (mut from, mut pos) = (0usize, 0usize);
        while let Some(found) = bytes.get(from..).and_then(|rest| finder.find(rest)) {
            let offset = from + found;
            // Matches come in increasing order, so the owning record only moves forward.
            while self.starts.get(pos + 1).is_some_and(|&next| next <= offset) {
                pos += 1;
            }
            if let Some(m) = marks.get_mut(pos) {
                *m = true;
            }
            // One match per contact is enough: resume at the next record.
            from = self.starts.get(pos + 1).copied().unwrap_or(bytes.len());
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SearchIndex {
    keys: Vec<Keys>,
    /// Lower-cased full name, email and company.
    names: TextArena,
    /// Phone numbers as bare digits.
    phones: TextArena,
    /// For each `SortField` slot, contact positions in ascending `(key, id)` order;
    /// descending requests walk it backwards.
    orders: [Vec<u32>; 4],
}

pub(crate) fn epoch_millis(t: time::OffsetDateTime) -> i64 {
    // Whole milliseconds always fit in i64 for any date `time` can represent.
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Rank of each text among the distinct texts in byte order (equal texts, equal rank).
fn text_ranks<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Vec<u32> {
    let mut distinct: Vec<&str> = texts.clone().collect();
    distinct.sort_unstable();
    distinct.dedup();
    texts
        .map(|t| distinct.binary_search(&t).map_or(0, |i| i as u32))
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl SearchIndex {
    pub(crate) fn build(contacts: &[Contact]) -> SearchIndex {
        let keys: Vec<Keys> = contacts
            .iter()
            .map(|c| Keys {
                first_lc: c.first_name.to_lowercase(),
                last_lc: c.last_name.to_lowercase(),
                added_ms: epoch_millis(c.date_added),
                updated_ms: epoch_millis(c.date_updated),
            })
            .collect();
        let lowered: Vec<[String; 3]> = contacts
            .iter()
            .map(|c| {
                [
                    c.full_name().to_lowercase(),
                    c.email.as_deref().unwrap_or("").to_lowercase(),
                    c.company_name.as_deref().unwrap_or("").to_lowercase(),
                ]
            })
            .collect();
        let names = TextArena::build(
            lowered
                .iter()
                .map(|f| f.iter().map(String::as_str).collect()),
        );
        let phone_digits: Vec<String> = contacts
            .iter()
            .map(|c| digits(c.phone.as_deref().unwrap_or("")))
            .collect();
        let phones = TextArena::build(phone_digits.iter().map(|d| vec![d.as_str()]));
        let mut index = SearchIndex {
            keys,
            names,
            phones,
            orders: Default::default(),
        };
        // Positions fit u32: the sandbox never holds anywhere near 4 billion contacts.
        let mut by_id: Vec<u32> = (0..contacts.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| contacts[a as usize].id.cmp(&contacts[b as usize].id));
        // Stable sorts on integer keys over the id order give (key, id) order without
        // string comparisons per step; names are replaced by their rank.
        let first_rank = text_ranks(index.keys.iter().map(|k| k.first_lc.as_str()));
        let last_rank = text_ranks(index.keys.iter().map(|k| k.last_lc.as_str()));
        for field in SortField::ALL {
            let key = |p: u32| -> i64 {
                let k = &index.keys[p as usize];
                match field {
                    SortField::DateAdded => k.added_ms,
                    SortField::DateUpdated => k.updated_ms,
                    SortField::FirstNameLowerCase => i64::from(first_rank[p as usize]),
                    SortField::LastNameLowerCase => i64::from(last_rank[p as usize]),
                }
            };
            let mut order = by_id.clone();
            order.sort_by_key(|&p| key(p));
            index.orders[field.slot()] = order;
        }
        index
    }

    pub(crate) fn is_for(&self, contacts: &[Contact]) -> bool {
        self.keys.len() == contacts.len()
    }

    fn sort_value(&self, field: SortField, pos: u32) -> SortValue {
        let k = &self.keys[pos as usize];
        match field {
            SortField::DateAdded => SortValue::Millis(k.added_ms),
            SortField::DateUpdated => SortValue::Millis(k.updated_ms),
            SortField::FirstNameLowerCase => SortValue::Text(k.first_lc.clone()),
            SortField::LastNameLowerCase => SortValue::Text(k.last_lc.clone()),
        }
    }

    /// Ascending order of one contact's sort key against `(value, id)`.
    fn cmp_with(
        &self,
        contacts: &[Contact],
        field: SortField,
        pos: u32,
        value: &SortValue,
        id: &str,
    ) -> Ordering {
        let k = &self.keys[pos as usize];
        let key_order = match (field, value) {
            (SortField::DateAdded, SortValue::Millis(v)) => k.added_ms.cmp(v),
            (SortField::DateUpdated, SortValue::Millis(v)) => k.updated_ms.cmp(v),
            (SortField::FirstNameLowerCase, SortValue::Text(v)) => k.first_lc.as_str().cmp(v),
            (SortField::LastNameLowerCase, SortValue::Text(v)) => k.last_lc.as_str().cmp(v),
            // Callers convert the cursor to the field's kind first; a mismatch
            // sorts numbers before text, like Elasticsearch's mixed sort.
            (_, SortValue::Millis(_)) => Ordering::Greater,
            (_, SortValue::Text(_)) => Ordering::Less,
        };
        key_order.then_with(|| contacts[pos as usize].id.as_str().cmp(id))
    }
}

/// Free-text query as GHL's search box uses it: names, email, company, and phone
/// digits when the query looks like a phone number ("555 01", "(303) 555").
struct QueryMatcher {
    text: String,
    digits: Option<String>,
}

impl QueryMatcher {
    fn new(query: &str) -> Option<QueryMatcher> {
        let text = query
            .split(|c: char| c.is_whitespace() || c == FIELD_SEPARATOR)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if text.is_empty() {
            return None;
        }
        let phone_like = text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let d = digits(&text);
        Some(QueryMatcher {
            digits: (phone_like && !d.is_empty()).then_some(d),
            text,
        })
    }

    /// One flag per contact position.
    fn matches(&self, index: &SearchIndex) -> Vec<bool> {
        let mut marks = vec![false; index.keys.len()];
        index.names.mark(&self.text, &mut marks);
        if let Some(d) = &self.digits {
            index.phones.mark(d, &mut marks);
        }
        marks
    }
}

fn field_text<'a>(c: &'a Contact, k: &'a Keys, field: FilterField) -> Option<&'a str> {
    let s = match field {
        FilterField::Id => Some(c.id.as_str()),
        FilterField::FirstNameLowerCase => Some(k.first_lc.as_str()),
        FilterField::LastNameLowerCase => Some(k.last_lc.as_str()),
        FilterField::Email => c.email.as_deref(),
        FilterField::Phone => c.phone.as_deref(),
        FilterField::CompanyName => c.company_name.as_deref(),
        FilterField::Source => Some(c.source.as_str()),
        FilterField::Type => Some(c.contact_type.as_str()),
        FilterField::City => Some(c.city.as_str()),
        FilterField::State => Some(c.state.as_str()),
        FilterField::PostalCode => Some(c.postal_code.as_str()),
        FilterField::BusinessId => c.business_id.as_deref(),
        FilterField::AssignedTo => c.assigned_to.as_deref(),
        FilterField::Tags
        | FilterField::Dnd
        | FilterField::DateAdded
        | FilterField::DateUpdated => None,
    };
    s.filter(|s| !s.is_empty())
}

impl Filter {
    fn matches(&self, c: &Contact, k: &Keys) -> bool {
        match self {
            Filter::Group { any: true, filters } => filters.iter().any(|f| f.matches(c, k)),
            Filter::Group {
                any: false,
                filters,
            } => filters.iter().all(|f| f.matches(c, k)),
            Filter::Condition { field, op } => condition(c, k, *field, op),
        }
    }
}

fn condition(c: &Contact, k: &Keys, field: FilterField, op: &FilterOp) -> bool {
    let millis = match field {
        FilterField::DateAdded => Some(k.added_ms),
        FilterField::DateUpdated => Some(k.updated_ms),
        _ => None,
    };
    match op {
        FilterOp::Range { gt, gte, lt, lte } => millis.is_some_and(|m| {
            gt.is_none_or(|b| m > b)
                && gte.is_none_or(|b| m >= b)
                && lt.is_none_or(|b| m < b)
                && lte.is_none_or(|b| m <= b)
        }),
        FilterOp::BoolEq(b) => field == FilterField::Dnd && c.dnd == *b,
        FilterOp::Exists | FilterOp::NotExists => {
            let exists = match field {
                FilterField::Tags => !c.tags.is_empty(),
                FilterField::Dnd | FilterField::DateAdded | FilterField::DateUpdated => true,
                _ => field_text(c, k, field).is_some(),
            };
            exists == matches!(op, FilterOp::Exists)
        }
        FilterOp::Eq(values) | FilterOp::NotEq(values) => {
            let hit = if field == FilterField::Tags {
                c.tags
                    .iter()
                    .any(|t| values.iter().any(|v| t.eq_ignore_ascii_case(v)))
            } else if let Some(m) = millis {
                values.iter().any(|v| v.parse::<i64>() == Ok(m))
            } else {
                field_text(c, k, field)
                    .is_some_and(|s| values.iter().any(|v| s.to_lowercase() == v.to_lowercase()))
            };
            hit == matches!(op, FilterOp::Eq(_))
        }
        FilterOp::Contains(needle) | FilterOp::NotContains(needle) => {
            let needle = needle.to_lowercase();
            let hit = if field == FilterField::Tags {
                c.tags.iter().any(|t| t.to_lowercase().contains(&needle))
            } else {
                field_text(c, k, field).is_some_and(|s| s.to_lowercase().contains(&needle))
            };
            hit == matches!(op, FilterOp::Contains(_))
        }
    }
}

impl Dataset {
    /// Runs a search. Paging validation (limits, deep-paging cap) is the caller's
    /// job; this only pages.
    pub fn search(&self, req: &SearchRequest) -> SearchPage<'_> {
        let contacts = &self.contacts;
        // Someone changed `contacts` without `reindex()`: stay correct, just slower.
        let rebuilt;
        let index = if !self.index_is_stale() {
            &self.search
        } else {
            rebuilt = SearchIndex::build(contacts);
            &rebuilt
        };
        let order = &index.orders[req.sort.slot()];
        let n = order.len();
        let at = |i: usize| match req.direction {
            Direction::Asc => order[i],
            Direction::Desc => order[n - 1 - i],
        };
        let matcher = req.query.as_deref().and_then(QueryMatcher::new);
        let query_hits = matcher.as_ref().map(|m| m.matches(index));
        let is_match = |pos: u32| {
            let k = &index.keys[pos as usize];
            let c = &contacts[pos as usize];
            query_hits.as_ref().is_none_or(|hits| hits[pos as usize])
                && req.filters.iter().all(|f| f.matches(c, k))
        };
        let unfiltered = matcher.is_none() && req.filters.is_empty();

        // First position in the requested order that comes strictly after the cursor.
        let begin = match &req.start {
            Start::Page(_) => 0,
            Start::After(value, id) => {
                let value = coerce_cursor(req.sort, value);
                partition_point(n, |i| {
                    let asc = index.cmp_with(contacts, req.sort, at(i), &value, id);
                    let ord = match req.direction {
                        Direction::Asc => asc,
                        Direction::Desc => asc.reverse(),
                    };
                    ord != Ordering::Greater
                })
            }
        };
        let skip = match req.start {
            Start::Page(page) => page.saturating_sub(1).saturating_mul(req.limit),
            Start::After(..) => 0,
        };

        let hit = |pos: u32| SearchHit {
            contact: &contacts[pos as usize],
            sort_value: index.sort_value(req.sort, pos),
        };
        if unfiltered {
            let from = begin.saturating_add(skip).min(n);
            let to = from.saturating_add(req.limit).min(n);
            return SearchPage {
                hits: (from..to).map(|i| hit(at(i))).collect(),
                total: n,
                skipped: from,
            };
        }

        // One pass: count every match for `total`, keep the page's slice.
        let mut hits = Vec::with_capacity(req.limit.min(MAX_PAGE_LIMIT));
        let mut total = 0usize;
        let mut before_begin = 0usize;
        let mut after_begin = 0usize;
        for i in 0..n {
            let pos = at(i);
            if !is_match(pos) {
                continue;
            }
            total += 1;
            if i < begin {
                before_begin += 1;
            } else {
                if after_begin >= skip && hits.len() < req.limit {
                    hits.push(hit(pos));
                }
                after_begin += 1;
            }
        }
        SearchPage {
            hits,
            total,
            skipped: before_begin + skip.min(after_begin),
        }
    }
}

/// Cursors arrive as JSON; a date sort may get its millis back as a numeric string.
fn coerce_cursor(field: SortField, value: &SortValue) -> SortValue {
    match (field.is_date(), value) {
        (true, SortValue::Text(s)) => s
            .parse::<i64>()
            .map(SortValue::Millis)
            .unwrap_or_else(|_| value.clone()),
        (false, SortValue::Millis(m)) => SortValue::Text(m.to_string()),
        _ => value.clone(),
    }
}

/// First index in `0..n` where `pred` turns false (`pred` must be monotone).
fn partition_point(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
