//! Search speed.
//!
//! - SQLite: `entries_search`, a narrow copy of the columns search filters, sorts and counts
//!   on (one row per entry, `sid INTEGER PRIMARY KEY`), kept in step with `entries` by
//!   triggers. `entries` holds the whole record (`data`, `search_text`) before those columns, so
//!   reading them from `entries` walks each row's overflow pages; from `entries_search` it reads
//!   a few dozen bytes. The FTS5 table is rebuilt with its `rowid` equal to `entries_search.sid`
//!   (the join is a rowid lookup, and a write deletes its old FTS row by rowid instead of
//!   scanning the FTS table for the entry id). An index on `(latitude, longitude)` serves the
//!   bounding box of a radius search, one on `(updated, id)` the listing order without text.
//! - PostgreSQL: an index on `entries (latitude, longitude)` (its rows keep the large `data`
//!   out of line in TOAST, so the table itself is the narrow copy).
//!
//! `sid` is an explicit `INTEGER PRIMARY KEY`, which `VACUUM` keeps (it may renumber the
//! implicit rowids of `entries`, which is why those are not used).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_search_rows"
    }
}

/// The columns copied from `entries`, with the same names and values.
const COLUMNS: &[&str] = &[
    "id",
    "kind",
    "organization_id",
    "local",
    "origin_domain",
    "status",
    "categories",
    "languages",
    "country",
    "locality",
    "latitude",
    "longitude",
    "start_time",
    "end_time",
    "updated",
    "deleted_at",
    "moderation_state",
];

/// SQL of the texts of one language map of `entries.data` (`$.name`, `$.description`), as in
/// migration `m20261128_000004_search`.
fn sqlite_texts(row: &str, path: &str) -> String {
    format!(
        "(SELECT group_concat(value, ' ') FROM json_each({row}.data, '{path}') \
         WHERE json_valid({row}.data))"
    )
}

fn sid_of(row: &str) -> String {
    format!("(SELECT sid FROM entries_search WHERE id = {row}.id)")
}

fn fts_insert(row: &str) -> String {
    format!(
        "INSERT INTO entries_fts(rowid, name, description) VALUES ({}, {}, {});",
        sid_of(row),
        sqlite_texts(row, "$.name"),
        sqlite_texts(row, "$.description")
    )
}

fn sqlite_up() -> Vec<String> {
    let cols = COLUMNS.join(", ");
    let new_values = COLUMNS
        .iter()
        .map(|c| format!("new.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let assignments = COLUMNS
        .iter()
        .map(|c| format!("{c} = new.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        "DROP TRIGGER IF EXISTS entries_fts_insert".into(),
        "DROP TRIGGER IF EXISTS entries_fts_update".into(),
        "DROP TRIGGER IF EXISTS entries_fts_delete".into(),
        "DROP TABLE IF EXISTS entries_fts".into(),
        // No declared types: values are stored exactly as `entries` holds them, so
        // comparisons behave the same on both tables.
        format!(
            "CREATE TABLE entries_search (sid INTEGER PRIMARY KEY, {})",
            COLUMNS.join(", ")
        ),
        "CREATE UNIQUE INDEX entries_search_id ON entries_search (id)".into(),
        "CREATE INDEX entries_search_lat_lon ON entries_search (latitude, longitude)".into(),
        "CREATE INDEX entries_search_updated ON entries_search (updated, id)".into(),
        "CREATE VIRTUAL TABLE entries_fts USING fts5(name, description, \
         tokenize = 'unicode61 remove_diacritics 2')"
            .into(),
        format!("INSERT INTO entries_search ({cols}) SELECT {cols} FROM entries"),
        format!(
            "INSERT INTO entries_fts(rowid, name, description) SELECT s.sid, {}, {} \
             FROM entries e JOIN entries_search s ON s.id = e.id",
            sqlite_texts("e", "$.name"),
            sqlite_texts("e", "$.description")
        ),
        format!(
            "CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN \
             INSERT INTO entries_search ({cols}) VALUES ({new_values}); {} END",
            fts_insert("new")
        ),
        format!(
            "CREATE TRIGGER entries_search_update AFTER UPDATE ON entries BEGIN \
             UPDATE entries_search SET {assignments} WHERE id = old.id; END"
        ),
        format!(
            "CREATE TRIGGER entries_fts_update AFTER UPDATE OF data ON entries BEGIN \
             DELETE FROM entries_fts WHERE rowid = {}; {} END",
            sid_of("old"),
            fts_insert("new")
        ),
        format!(
            "CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN \
             DELETE FROM entries_fts WHERE rowid = {}; \
             DELETE FROM entries_search WHERE id = old.id; END",
            sid_of("old")
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements = match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                vec!["CREATE INDEX entries_lat_lon ON entries (latitude, longitude)".to_string()]
            }
            _ => sqlite_up(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: Vec<String> = match db.get_database_backend() {
            DatabaseBackend::Postgres => vec!["DROP INDEX IF EXISTS entries_lat_lon".into()],
            _ => vec![
                "DROP TRIGGER IF EXISTS entries_search_insert".into(),
                "DROP TRIGGER IF EXISTS entries_search_update".into(),
                "DROP TRIGGER IF EXISTS entries_fts_update".into(),
                "DROP TRIGGER IF EXISTS entries_search_delete".into(),
                "DROP TABLE IF EXISTS entries_fts".into(),
                "DROP TABLE IF EXISTS entries_search".into(),
                // Back to the FTS table of m20261128_000004_search.
                "CREATE VIRTUAL TABLE entries_fts USING fts5(entry_id UNINDEXED, name, \
                 description, tokenize = 'unicode61 remove_diacritics 2')"
                    .into(),
                format!(
                    "INSERT INTO entries_fts(entry_id, name, description) \
                     SELECT e.id, {}, {} FROM entries e",
                    sqlite_texts("e", "$.name"),
                    sqlite_texts("e", "$.description")
                ),
                format!(
                    "CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN \
                     INSERT INTO entries_fts(entry_id, name, description) \
                     VALUES (new.id, {}, {}); END",
                    sqlite_texts("new", "$.name"),
                    sqlite_texts("new", "$.description")
                ),
                format!(
                    "CREATE TRIGGER entries_fts_update AFTER UPDATE OF data ON entries BEGIN \
                     DELETE FROM entries_fts WHERE entry_id = old.id; \
                     INSERT INTO entries_fts(entry_id, name, description) \
                     VALUES (new.id, {}, {}); END",
                    sqlite_texts("new", "$.name"),
                    sqlite_texts("new", "$.description")
                ),
                "CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN \
                 DELETE FROM entries_fts WHERE entry_id = old.id; END"
                    .into(),
            ],
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
