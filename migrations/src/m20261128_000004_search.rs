//! Full-text search over every language of every entry.
//!
//! - SQLite: an FTS5 table `entries_fts` (`entry_id` unindexed, `name`, `description`: the texts
//!   of every language of the language maps, one column each so that `bm25` can weight names
//!   higher), tokenised with `unicode61 remove_diacritics 2` (accent-insensitive).
//! - PostgreSQL: a `search_vector` tsvector column on `entries` with a GIN index: for every
//!   language of `name` (weight A) and `description` (weight B), the `simple` tokens of the
//!   unaccented text plus its stems in the language's text-search configuration, when PostgreSQL
//!   has one (`passerelle_search_config`).
//!
//! Both are kept in sync by triggers rather than by `directory::store`: every write of
//! `entries.data` (the store, moderation, federation, the demo, a manual fix in SQL) updates the
//! index in the same statement, hence the same transaction, and none of those paths has to
//! remember it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_search"
    }
}

/// SQL of the texts of one language map of `entries.data` (`$.name`, `$.description`).
fn sqlite_texts(row: &str, path: &str) -> String {
    format!(
        "(SELECT group_concat(value, ' ') FROM json_each({row}.data, '{path}') \
         WHERE json_valid({row}.data))"
    )
}

fn sqlite_up() -> Vec<String> {
    let insert = |row: &str| {
        format!(
            "INSERT INTO entries_fts(entry_id, name, description) VALUES ({row}.id, {}, {});",
            sqlite_texts(row, "$.name"),
            sqlite_texts(row, "$.description")
        )
    };
    vec![
        "CREATE VIRTUAL TABLE entries_fts USING fts5(entry_id UNINDEXED, name, description, \
         tokenize = 'unicode61 remove_diacritics 2')"
            .to_string(),
        format!(
            "CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN {} END",
            insert("new")
        ),
        format!(
            "CREATE TRIGGER entries_fts_update AFTER UPDATE OF data ON entries BEGIN \
             DELETE FROM entries_fts WHERE entry_id = old.id; {} END",
            insert("new")
        ),
        "CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN \
         DELETE FROM entries_fts WHERE entry_id = old.id; END"
            .to_string(),
        format!(
            "INSERT INTO entries_fts(entry_id, name, description) SELECT e.id, {}, {} FROM entries e",
            sqlite_texts("e", "$.name"),
            sqlite_texts("e", "$.description")
        ),
    ]
}

/// Accented Latin letters and their base letter, for the fallback `unaccent`.
const ACCENTED: &[(char, char)] = &[
    ('à', 'a'),
    ('á', 'a'),
    ('â', 'a'),
    ('ã', 'a'),
    ('ä', 'a'),
    ('å', 'a'),
    ('ç', 'c'),
    ('è', 'e'),
    ('é', 'e'),
    ('ê', 'e'),
    ('ë', 'e'),
    ('ì', 'i'),
    ('í', 'i'),
    ('î', 'i'),
    ('ï', 'i'),
    ('ñ', 'n'),
    ('ò', 'o'),
    ('ó', 'o'),
    ('ô', 'o'),
    ('õ', 'o'),
    ('ö', 'o'),
    ('ø', 'o'),
    ('ù', 'u'),
    ('ú', 'u'),
    ('û', 'u'),
    ('ü', 'u'),
    ('ý', 'y'),
    ('ÿ', 'y'),
    ('À', 'A'),
    ('Á', 'A'),
    ('Â', 'A'),
    ('Ã', 'A'),
    ('Ä', 'A'),
    ('Å', 'A'),
    ('Ç', 'C'),
    ('È', 'E'),
    ('É', 'E'),
    ('Ê', 'E'),
    ('Ë', 'E'),
    ('Ì', 'I'),
    ('Í', 'I'),
    ('Î', 'I'),
    ('Ï', 'I'),
    ('Ñ', 'N'),
    ('Ò', 'O'),
    ('Ó', 'O'),
    ('Ô', 'O'),
    ('Õ', 'O'),
    ('Ö', 'O'),
    ('Ø', 'O'),
    ('Ù', 'U'),
    ('Ú', 'U'),
    ('Û', 'U'),
    ('Ü', 'U'),
    ('Ý', 'Y'),
];

/// The trigger function that computes `search_vector` (migration
/// `m20261129_000031_search_names` replaces it; its `down` restores this one).
pub(crate) fn search_vector_function() -> &'static str {
    "CREATE OR REPLACE FUNCTION passerelle_entry_search_vector() RETURNS trigger \
         LANGUAGE plpgsql AS $$ \
         DECLARE doc jsonb; v tsvector := ''::tsvector; r record; \
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
             v := v || setweight(to_tsvector('simple', unaccent(r.value)) \
                  || to_tsvector(passerelle_search_config(r.key), unaccent(r.value)), \
                  r.w::\"char\"); \
           END LOOP; \
           NEW.search_vector := v; \
           RETURN NEW; \
         END $$"
}

fn postgres_up() -> Vec<String> {
    vec![
        // `unaccent` ships with PostgreSQL (contrib); where it cannot be installed, a plain
        // function of the same name removes the accents of Latin letters.
        format!(
            "DO $do$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent; \
             EXCEPTION WHEN OTHERS THEN \
             CREATE OR REPLACE FUNCTION unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE \
             AS $f$ SELECT translate($1, '{from}', '{to}') $f$; END $do$",
            from = ACCENTED.iter().map(|(a, _)| *a).collect::<String>(),
            to = ACCENTED.iter().map(|(_, b)| *b).collect::<String>(),
        ),
        "ALTER TABLE entries ADD COLUMN search_vector tsvector".to_string(),
        // Keep in step with `server/src/search/postgres.rs` (STEMMED_CONFIGS).
        "CREATE OR REPLACE FUNCTION passerelle_search_config(lang text) RETURNS regconfig \
         LANGUAGE sql IMMUTABLE AS $$ SELECT (CASE split_part(lower(lang), '-', 1) \
           WHEN 'fr' THEN 'french' WHEN 'en' THEN 'english' WHEN 'de' THEN 'german' \
           WHEN 'it' THEN 'italian' WHEN 'es' THEN 'spanish' WHEN 'pt' THEN 'portuguese' \
           WHEN 'nl' THEN 'dutch' WHEN 'ar' THEN 'arabic' WHEN 'ru' THEN 'russian' \
           WHEN 'tr' THEN 'turkish' ELSE 'simple' END)::regconfig $$"
            .to_string(),
        search_vector_function().to_string(),
        "CREATE TRIGGER entries_search_vector BEFORE INSERT OR UPDATE OF data ON entries \
         FOR EACH ROW EXECUTE FUNCTION passerelle_entry_search_vector()"
            .to_string(),
        "UPDATE entries SET data = data".to_string(),
        "CREATE INDEX entries_search_vector ON entries USING GIN (search_vector)".to_string(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements = match db.get_database_backend() {
            DatabaseBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: &[&str] = match db.get_database_backend() {
            DatabaseBackend::Postgres => &[
                "DROP TRIGGER IF EXISTS entries_search_vector ON entries",
                "DROP FUNCTION IF EXISTS passerelle_entry_search_vector()",
                "DROP FUNCTION IF EXISTS passerelle_search_config(text)",
                "DROP INDEX IF EXISTS entries_search_vector",
                "ALTER TABLE entries DROP COLUMN IF EXISTS search_vector",
            ],
            _ => &[
                "DROP TRIGGER IF EXISTS entries_fts_insert",
                "DROP TRIGGER IF EXISTS entries_fts_update",
                "DROP TRIGGER IF EXISTS entries_fts_delete",
                "DROP TABLE IF EXISTS entries_fts",
            ],
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
