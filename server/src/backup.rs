//! `passerelle backup <dir>`: a consistent copy of a SQLite instance while it runs.
//!
//! The database is copied with `VACUUM INTO`, which reads one transaction's snapshot (the
//! server keeps writing meanwhile; WAL mode lets both go on), then checked with
//! `PRAGMA integrity_check`. Uploaded files (`media.dir`, when it exists) are copied after the database, so every file the copied database names is
//! there. The target directory must not exist: a backup never overwrites anything.
//!
//! PostgreSQL is backed up with its own tools (`pg_dump`/`pg_restore`, see
//! docs/operations.md); this command says so.
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Utc;
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::config::Config;

/// What a backup contains.
#[derive(Debug)]
pub struct Report {
    pub dir: PathBuf,
    pub database: PathBuf,
    pub database_bytes: u64,
    pub media_files: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup written to {}: database {} ({} bytes), {} media file(s)",
            self.dir.display(),
            self.database.display(),
            self.database_bytes,
            self.media_files
        )
    }
}

/// The database file of a `sqlite:` URL.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Uploaded files: `media.dir` (by default `data/media`, beside the default database file).
pub fn media_dir(config: &Config) -> Option<PathBuf> {
    Some(config.media.dir.clone())
}

/// The explanation printed for a PostgreSQL instance.
pub fn postgres_advice(config: &Config) -> String {
    format!(
        "this instance uses PostgreSQL ({}): back it up with pg_dump, which takes a consistent \
         snapshot while the servers run, e.g.\n  \
         pg_dump --format=custom --file=passerelle-$(date +%F).dump \"$DATABASE_URL\"\n\
         and restore into an empty database with\n  \
         pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" passerelle-YYYY-MM-DD.dump\n\
         (see docs/operations.md, \"Backups\")",
        crate::db::redact_url(&config.database.url)
    )
}

fn quote_sql(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<u64> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut n = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            n += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
            n += 1;
        }
        // Symbolic links and special files are not followed.
    }
    Ok(n)
}

/// Write a backup of the configured SQLite instance into `dir` (which must not exist).
pub async fn run(config: &Config, dir: &Path) -> anyhow::Result<Report> {
    if config.is_postgres() {
        bail!("{}", postgres_advice(config));
    }
    let Some(source) = sqlite_file(&config.database.url) else {
        bail!("database.url names no SQLite file to back up");
    };
    if !source.exists() {
        bail!("the database file {} does not exist", source.display());
    }
    if dir.exists() {
        bail!(
            "{} already exists: a backup never overwrites anything; choose a new directory",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let target = dir.join("passerelle.db");
    let target_str = target
        .to_str()
        .context("the backup path is not valid UTF-8")?;
    // A read-only connection of our own: no migration, no pool of the running server.
    let url = format!("sqlite://{}?mode=ro", source.display());
    let db = Database::connect(url.as_str())
        .await
        .with_context(|| format!("opening {}", source.display()))?;
    db.execute_unprepared("PRAGMA busy_timeout = 10000").await?;
    db.execute_unprepared(&format!("VACUUM INTO {}", quote_sql(target_str)))
        .await
        .context("copying the database (VACUUM INTO)")?;
    db.close().await.ok();
    // The copy must be sound before we call it a backup.
    let copy = Database::connect(format!("sqlite://{target_str}?mode=ro").as_str()).await?;
    let row = copy
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?
        .context("integrity_check gave no answer")?;
    let check: String = row.try_get_by_index(0)?;
    copy.close().await.ok();
    if check != "ok" {
        bail!("the copied database failed its integrity check: {check}");
    }
    let media_files = match media_dir(config) {
        Some(m) if m.is_dir() => copy_tree(&m, &dir.join("media"))?,
        _ => 0,
    };
    let database_bytes = std::fs::metadata(&target)?.len();
    let manifest = json!({
        "software": "passerelle",
        "version": env!("CARGO_PKG_VERSION"),
        "created_at": Utc::now().to_rfc3339(),
        "instance": config.instance.domain,
        "database": "passerelle.db",
        "database_bytes": database_bytes,
        "media_files": media_files,
    });
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(Report {
        dir: dir.to_path_buf(),
        database: target,
        database_bytes,
        media_files,
    })
}
