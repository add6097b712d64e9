//! Search speed on PostgreSQL: `entries.name_vector`, the names alone, for the rank.
//!
//! The rank is the number of query words found in an entry's name. It was computed with
//! weight-A tsqueries on `search_vector`, which holds the names and the descriptions of every
//! language: a broad query (38,000 matches of 100,000) read and decompressed that large value
//! again for every word of every match, and took more than 1.5 s. `name_vector` holds the
//! names only (the same `simple` tokens and stems, without positions): a few dozen bytes,
//! small enough to stay in the row.
//!
//! The trigger function of migration `m20261128_000004_search` is replaced by one that fills
//! both columns. SQLite needs nothing (its rank is an FTS5 query on the name column).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000031_search_names"
    }
}

const FUNCTION: &str = "CREATE OR REPLACE FUNCTION passerelle_entry_search_vector() \
     RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE doc jsonb; v tsvector := ''::tsvector; n tsvector := ''::tsvector; r record; \
       tv tsvector; \
     BEGIN \
       doc := NEW.data::jsonb; \
       FOR r IN \
         SELECT 'A' AS w, t.key, t.value FROM jsonb_each_text(CASE WHEN \
           jsonb_typeof(doc->'name') = 'object' THEN doc->'name' ELSE '{}'::jsonb END) t \
         UNION ALL \
         SELECT 'B' AS w, t.key, t.value FROM jsonb_each_text(CASE WHEN \
           jsonb_typeof(doc->'description') = 'object' THEN doc->'description' \
           ELSE '{}'::jsonb END) t \
       LOOP \
         tv := to_tsvector('simple', unaccent(r.value)) \
              || to_tsvector(passerelle_search_config(r.key), unaccent(r.value)); \
         v := v || setweight(tv, r.w::\"char\"); \
         IF r.w = 'A' THEN n := n || strip(tv); END IF; \
       END LOOP; \
       NEW.search_vector := v; \
       NEW.name_vector := n; \
       RETURN NEW; \
     END $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for sql in [
            "ALTER TABLE entries ADD COLUMN name_vector tsvector",
            FUNCTION,
            "UPDATE entries SET data = data",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for sql in [
            crate::m20261128_000004_search::search_vector_function(),
            "ALTER TABLE entries DROP COLUMN IF EXISTS name_vector",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
