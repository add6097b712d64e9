//! Staff sign-in sessions for the web pages: the cookie holds a random 256-bit id, the table
//! only its SHA-256 hash, with the session's CSRF token and expiry.
use sea_orm_migration::prelude::*;

use crate::columns::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000007_staff_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "staff_sessions",
            vec![
                uuid_pk("id"),
                text_unique("id_hash"),
                uuid("user_id"),
                text("csrf_token"),
                ts("created_at"),
                ts("expires_at"),
                ts("last_seen_at"),
            ],
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("staff_sessions_user")
                .table(Alias::new("staff_sessions"))
                .col(Alias::new("user_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("staff_sessions")).to_owned())
            .await
    }
}
