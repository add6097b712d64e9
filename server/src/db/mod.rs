//! Database connection, migrations and the instance's own row.
pub mod entities;

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use passerelle_migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, Set};

use crate::config::Config;
use entities::site;

/// Connect to the configured database. For SQLite, the file's directory is created and the
/// connection tuned for a web server (WAL, foreign keys, a busy timeout).
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = &config.database.url;
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(&path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database directory {}", dir.display()))?;
    }
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(config.database.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // A SQLite connection is a file opened by this process: nothing can close it behind
        // the pool's back, so the ping sqlx sends by default before lending a connection tests
        // nothing, and it costs a round trip to the connection's worker thread (two thread
        // switches) on every query (BENCHMARKS.md, reads). PostgreSQL keeps the ping: a
        // restarted database server leaves dead connections in the pool, which it weeds out.
        opts.test_before_acquire(false);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Read the file through a memory map (shared by every connection, in the
                // system's page cache) rather than copying its pages into each connection's
                // small private cache: a broad search reads tens of megabytes of index.
                .pragma("mmap_size", "268435456")
        });
    }
    let db = Database::connect(opts)
        .await
        .with_context(|| format!("connecting to the database ({})", redact_url(url)))?;
    Ok(db)
}

/// Apply every pending migration. On PostgreSQL, processes starting together (several
/// servers and workers) take turns: a session advisory lock, held on a connection of its own,
/// lets one migrate while the others wait and then find nothing to do.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::DatabaseBackend;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        // On ONE connection of its own: sea-orm-migration runs SQLite migrations outside a
        // transaction, statement by statement, on whichever pooled connection is free, and a
        // connection still reading an older snapshot of the schema (WAL) could prepare a
        // statement against it (seen once as "trigger … already exists" right after the
        // statement that dropped it).
        use sea_orm::sqlx::sqlite::SqlitePoolOptions;
        let options = db.get_sqlite_connection_pool().connect_options();
        if options.get_filename().as_os_str() == ":memory:" {
            // One database per connection: only the pool's own connections see it.
            return Migrator::up(db, None)
                .await
                .context("applying database migrations");
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with((*options).clone())
            .await
            .context("a connection for the migrations")?;
        let one = sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool);
        let result = Migrator::up(&one, None)
            .await
            .context("applying database migrations");
        let _ = one.close().await;
        return result;
    }
    // An arbitrary constant naming "Passerelle's migrations" among advisory locks.
    const LOCK: i64 = 0x5061_7373_6572_656c; // "Passerel"
    // Outside the pool, so that a pool of one connection can still migrate.
    use sea_orm::sqlx::{ConnectOptions, Connection};
    let mut conn = db
        .get_postgres_connection_pool()
        .connect_options()
        .connect()
        .await
        .context("a connection for the migration lock")?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LOCK)
        .execute(&mut conn)
        .await
        .context("taking the migration lock")?;
    let result = Migrator::up(db, None)
        .await
        .context("applying database migrations");
    let _ = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK)
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

/// The instance actor's key pair, created on first start.
pub async fn ensure_site(db: &DatabaseConnection) -> anyhow::Result<site::Model> {
    if let Some(s) = site::Entity::find_by_id(1).one(db).await? {
        return Ok(s);
    }
    let keys = crate::federation::keys::generate()?;
    let row = site::ActiveModel {
        id: Set(1),
        public_key_pem: Set(keys.public_key),
        private_key_pem: Set(keys.private_key),
        created_at: Set(Utc::now()),
    };
    match row.insert(db).await {
        Ok(s) => Ok(s),
        // Another process created it at the same moment: use theirs.
        Err(_) => site::Entity::find_by_id(1)
            .one(db)
            .await?
            .context("site row missing after insert"),
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_string())
    }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation (portable across backends).
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Begin a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so that it waits for other writers (busy timeout) instead of failing
/// with SQLITE_BUSY when a read would have to be upgraded to a write; on PostgreSQL it is a
/// plain transaction.
pub async fn begin_write(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
