//! Search speed, second step (SQLite): `search_keys`, one small row per entry with what a text
//! search reads for EVERY match, so that a search reads each match once, in one statement.
//!
//! A broad query matches a third of the directory (38,000 of 100,000 entries for "help"). For
//! each match, the search needs to know whether the entry is shown (deleted, removed, inactive),
//! the event dates, and, to count the facets and pick the page, its kind, country, categories,
//! languages, `updated` and id. Reading those from `entries_search` (seventeen columns, 40 MB
//! at 100,000 entries) costs about a microsecond per match; from this table (a few integers and
//! one text value, `packed`, that the search concatenates as it is) a third of that.
//!
//! - `gone`: deleted or not visible (moderation): never found.
//! - `dormant`: an inactive or defunct service, or a cancelled event: hidden unless asked for.
//! - `starts`, `ends`: an event's times (text, as `entries` stores them: RFC 3339 in UTC, so
//!   that they compare as text); NULL for other kinds. An event without an end has `ends = ''`
//!   (before every bound), as `end_time >= …` was false for it.
//! - `updated`, `kind`, `country`, `categories`, `languages`: as in `entries` (the filters on
//!   them need no other table).
//! - `packed`: `sid`, the id in hex (as `hex` prints a UUID stored as a blob), `updated`, kind,
//!   country, categories, languages, separated by the ASCII unit separator (never in those
//!   values: the JSON lists escape control characters): what the search reads of each match,
//!   stored ready to concatenate, because building it per match costs as much as the rest.
//!
//! Kept in step with `entries_search` by triggers (which `entries`' own triggers keep in step),
//! so every write path keeps it right without knowing about it. PostgreSQL needs nothing: its
//! rows keep the large `data` out of line already.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000020_search_keys"
    }
}

/// The values of a `search_keys` row from a row `r` of `entries_search`.
fn values(r: &str) -> String {
    format!(
        "{r}.sid, \
         ({r}.deleted_at IS NOT NULL OR {r}.moderation_state <> 'visible'), \
         (({r}.kind = 'service' AND {r}.status IN ('inactive', 'defunct')) \
           OR ({r}.kind = 'event' AND {r}.status = 'cancelled')), \
         CASE WHEN {r}.kind = 'event' THEN coalesce({r}.start_time, '9999') END, \
         CASE WHEN {r}.kind = 'event' THEN coalesce({r}.end_time, '') END, \
         {r}.updated, {r}.kind, {r}.country, {r}.categories, {r}.languages, \
         {r}.sid || char(31) || (CASE WHEN typeof({r}.id) = 'blob' THEN hex({r}.id) \
           ELSE upper(replace({r}.id, '-', '')) END) || char(31) || {r}.updated || char(31) \
           || {r}.kind || char(31) || coalesce({r}.country, '') || char(31) || {r}.categories \
           || char(31) || {r}.languages"
    )
}

const COLUMNS: &str =
    "sid, gone, dormant, starts, ends, updated, kind, country, categories, languages, packed";

pub(crate) fn sqlite_up() -> Vec<String> {
    vec![
        "CREATE TABLE search_keys (sid INTEGER PRIMARY KEY, gone INTEGER NOT NULL, \
         dormant INTEGER NOT NULL, starts TEXT, ends TEXT, updated TEXT NOT NULL, \
         kind TEXT NOT NULL, country TEXT, categories TEXT NOT NULL, languages TEXT NOT NULL, \
         packed TEXT NOT NULL)"
            .into(),
        format!(
            "INSERT INTO search_keys ({COLUMNS}) SELECT {} FROM entries_search s",
            values("s")
        ),
        format!(
            "CREATE TRIGGER search_keys_insert AFTER INSERT ON entries_search BEGIN \
             INSERT INTO search_keys ({COLUMNS}) VALUES ({}); END",
            values("new")
        ),
        format!(
            "CREATE TRIGGER search_keys_update AFTER UPDATE ON entries_search BEGIN \
             INSERT OR REPLACE INTO search_keys ({COLUMNS}) VALUES ({}); END",
            values("new")
        ),
        "CREATE TRIGGER search_keys_delete AFTER DELETE ON entries_search BEGIN \
         DELETE FROM search_keys WHERE sid = old.sid; END"
            .into(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            return Ok(());
        }
        for sql in sqlite_up() {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            return Ok(());
        }
        for sql in [
            "DROP TRIGGER IF EXISTS search_keys_insert",
            "DROP TRIGGER IF EXISTS search_keys_update",
            "DROP TRIGGER IF EXISTS search_keys_delete",
            "DROP TABLE IF EXISTS search_keys",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
