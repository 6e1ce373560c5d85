//! Versioned migrations, applied in order; `PRAGMA user_version` holds the
//! version reached. A database newer than [`CURRENT_VERSION`] was written by a
//! newer app: it is not touched (the open path sets it aside and rebuilds).

use rusqlite::Connection;

use crate::error::Result;

/// One step of the schema. Never edit a released step: add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: everything the cache started with.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    -- The columns lists and search read; the full GHL JSON lives in
    -- contact_json so these rows stay small and many fit in a page.
    CREATE TABLE contacts (
        rid           INTEGER PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        first_name    TEXT,
        last_name     TEXT,
        display_name  TEXT NOT NULL,
        sort_key      TEXT NOT NULL,
        email         TEXT,
        phone         TEXT,
        phone_digits  TEXT NOT NULL DEFAULT '',
        company_name  TEXT,
        tags          TEXT NOT NULL DEFAULT '[]',
        source        TEXT,
        date_added    TEXT,
        date_updated  TEXT,
        added_ms      INTEGER NOT NULL DEFAULT 0,
        updated_ms    INTEGER NOT NULL DEFAULT 0,
        hay           TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX contacts_by_name ON contacts (sort_key, id);
    CREATE INDEX contacts_by_updated ON contacts (updated_ms DESC, id);

    CREATE TABLE contact_json (
        rid  INTEGER PRIMARY KEY REFERENCES contacts (rid) ON DELETE CASCADE,
        json TEXT NOT NULL
    );

    -- Words by prefix, as a candidate filter only: the matcher in search.rs
    -- decides. Name words in one table, email, tag and company words in
    -- another: a doclist holds every column's hits, so "com" (in every
    -- email) would make a name-only lookup of "com" read 100,000 entries if
    -- they shared one. Prefixes of 1 to 3 letters are indexed so every word
    -- a person types is one doclist. Contentless: search reads rowids only.
    -- Rows are removed with the 'delete' command and their old words
    -- (rebuilt from contacts.hay), so readers never skip tombstones.
    CREATE VIRTUAL TABLE names_fts USING fts5 (
        name,
        content = '',
        columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
    );
    -- email_tags: the query is a phrase in them; company: every query word
    -- starts one of its words.
    CREATE VIRTUAL TABLE others_fts USING fts5 (
        email_tags, company,
        content = '',
        columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
    );
    -- Every suffix (3+ digits) of each phone number as a token: a substring
    -- of the number is a prefix of one of them. An FTS5 index rather than a
    -- (suffix, rid) table because FTS5 buffers a transaction's tokens and
    -- writes them in order, about five times quicker than nine B-tree
    -- inserts per contact. Prefixes of 3 to 7 digits are indexed, so a
    -- lookup is one doclist even when many numbers share an area code and
    -- exchange (longer digit strings match few distinct suffixes).
    CREATE VIRTUAL TABLE phones_fts USING fts5 (
        suffixes,
        content = '',
        detail = none,
        columnsize = 0,
        tokenize = 'unicode61',
        prefix = '3 4 5 6 7 8 9'
    );

    CREATE TABLE tasks (
        contact_id TEXT NOT NULL,
        id         TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        json       TEXT NOT NULL,
        PRIMARY KEY (contact_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        contact_id TEXT NOT NULL,
        id         TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        json       TEXT NOT NULL,
        PRIMARY KEY (contact_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE appointments (
        contact_id TEXT NOT NULL,
        id         TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        json       TEXT NOT NULL,
        PRIMARY KEY (contact_id, id)
    ) WITHOUT ROWID;
    -- When each list was last fetched: tells "no tasks" from "never fetched".
    CREATE TABLE related_fetched (
        contact_id TEXT NOT NULL,
        kind       TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (contact_id, kind)
    ) WITHOUT ROWID;

    -- One row: the database is per location.
    CREATE TABLE pull_state (
        one             INTEGER PRIMARY KEY CHECK (one = 1),
        cursor          TEXT,
        done            INTEGER NOT NULL DEFAULT 0,
        total           INTEGER,
        started_at      TEXT,
        finished_at     TEXT,
        high_water_ms   INTEGER,
        last_refresh_at TEXT
    );

    CREATE TABLE outbox (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind         TEXT NOT NULL,
        contact_id   TEXT,
        payload      TEXT NOT NULL,
        client_key   TEXT UNIQUE,
        base         TEXT,
        state        TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'failed', 'conflict')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        server_value TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    "#,
    // 2: outbox replay. A `rejected` state (a 4xx the person must look at),
    // the time of the first send attempt (a create interrupted after it is
    // looked up on the server from then on) and an index for the entries of
    // one contact. SQLite cannot change a CHECK, so the table is rebuilt;
    // its AUTOINCREMENT counter is carried over so ids are never reused.
    r#"
    CREATE TABLE outbox_v2 (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        kind             TEXT NOT NULL,
        contact_id       TEXT,
        payload          TEXT NOT NULL,
        client_key       TEXT UNIQUE,
        base             TEXT,
        state            TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'failed', 'conflict', 'rejected')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        first_attempt_at TEXT,
        last_error       TEXT,
        server_value     TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    );
    INSERT INTO outbox_v2 (seq, kind, contact_id, payload, client_key, base, state, attempts,
                           last_error, server_value, created_at, updated_at)
        SELECT seq, kind, contact_id, payload, client_key, base, state, attempts,
               last_error, server_value, created_at, updated_at
        FROM outbox;
    DELETE FROM sqlite_sequence WHERE name = 'outbox_v2';
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'outbox_v2', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                                coalesce((SELECT max(seq) FROM outbox_v2), 0));
    DROP TABLE outbox;
    ALTER TABLE outbox_v2 RENAME TO outbox;
    CREATE INDEX outbox_by_contact ON outbox (contact_id);
    "#,
    // 3: sync links, sync log, apply progress, learnt custom field ids.
    crate::sync_state::MIGRATION,
    // 4: change alerts: the rules and the activity feed they fill.
    crate::alerts::MIGRATION,
    // 5: tasks' due time and done flag as indexed columns.
    crate::related::MIGRATION,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema to [`CURRENT_VERSION`], each step in its own
/// transaction with its version bump, so a crash leaves a consistent version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let mut version = user_version(conn)?;
    while version < CURRENT_VERSION {
        let step = MIGRATIONS[version as usize];
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        version += 1;
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
    }
    Ok(())
}
