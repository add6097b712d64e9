//! Database schema of Passerelle, portable between SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod columns;

mod m20261128_000001_init;
mod m20261128_000002_entry_visibility;
mod m20261128_000003_moderation;
mod m20261128_000004_search;
mod m20261128_000005_topics;
mod m20261128_000006_search_rows;
mod m20261128_000007_staff_sessions;
mod m20261128_000008_hsds_id;
mod m20261128_000010_buddy_requests;
mod m20261128_000011_user_disabled;
mod m20261129_000001_inbox_claims;
mod m20261129_000020_search_keys;
mod m20261129_000030_search_changes;
mod m20261129_000031_search_names;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_init::Migration),
            Box::new(m20261128_000002_entry_visibility::Migration),
            Box::new(m20261128_000003_moderation::Migration),
            Box::new(m20261128_000004_search::Migration),
            Box::new(m20261128_000005_topics::Migration),
            Box::new(m20261128_000006_search_rows::Migration),
            Box::new(m20261128_000007_staff_sessions::Migration),
            Box::new(m20261128_000008_hsds_id::Migration),
            Box::new(m20261128_000010_buddy_requests::Migration),
            Box::new(m20261128_000011_user_disabled::Migration),
            Box::new(m20261129_000001_inbox_claims::Migration),
            Box::new(m20261129_000020_search_keys::Migration),
            Box::new(m20261129_000030_search_changes::Migration),
            Box::new(m20261129_000031_search_names::Migration),
        ]
    }
}
