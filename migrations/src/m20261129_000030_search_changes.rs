//! Search speed, third step (SQLite): `search_changes`, a change number per entry, in place of
//! `search_keys`.
//!
//! The search keeps in memory what it reads of every match (state, kind, categories,
//! languages, country, place, dates, `updated`, id: `passerelle::search::cache`), so that a
//! broad query costs the full-text match and a pass over memory, not a table lookup per match.
//! That copy must follow every write, from any process on the database. Each row of
//! `entries_search` written (inserted, updated, deleted) gets the next change number `seq`
//! here; a search first reads the rows changed since the last number it has seen (an index
//! range, empty most of the time). SQLite lets one writer at a time commit, so numbers become
//! visible in order: nothing is skipped. A deleted entry keeps its `search_changes` row (its
//! `entries_search` row is gone, which the copy reads as "never found").
//!
//! `search_keys` (migration `m20261129_000020_search_keys`), which the search read for every
//! match, is dropped with its triggers. PostgreSQL needs nothing here.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000030_search_changes"
    }
}

/// The statement that gives `sid` the next change number.
fn bump(sid: &str) -> String {
    format!(
        "INSERT OR REPLACE INTO search_changes (sid, seq) VALUES ({sid}, \
         (SELECT coalesce(max(seq), 0) + 1 FROM search_changes));"
    )
}

fn sqlite_up() -> Vec<String> {
    vec![
        "DROP TRIGGER IF EXISTS search_keys_insert".into(),
        "DROP TRIGGER IF EXISTS search_keys_update".into(),
        "DROP TRIGGER IF EXISTS search_keys_delete".into(),
        "DROP TABLE IF EXISTS search_keys".into(),
        "CREATE TABLE search_changes (sid INTEGER PRIMARY KEY, seq INTEGER NOT NULL)".into(),
        "CREATE UNIQUE INDEX search_changes_seq ON search_changes (seq)".into(),
        "INSERT INTO search_changes (sid, seq) SELECT sid, sid FROM entries_search".into(),
        format!(
            "CREATE TRIGGER search_changes_insert AFTER INSERT ON entries_search BEGIN {} END",
            bump("new.sid")
        ),
        format!(
            "CREATE TRIGGER search_changes_update AFTER UPDATE ON entries_search BEGIN {} END",
            bump("new.sid")
        ),
        format!(
            "CREATE TRIGGER search_changes_delete AFTER DELETE ON entries_search BEGIN {} END",
            bump("old.sid")
        ),
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
            "DROP TRIGGER IF EXISTS search_changes_insert",
            "DROP TRIGGER IF EXISTS search_changes_update",
            "DROP TRIGGER IF EXISTS search_changes_delete",
            "DROP TABLE IF EXISTS search_changes",
        ] {
            db.execute_unprepared(sql).await?;
        }
        for sql in crate::m20261129_000020_search_keys::sqlite_up() {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
