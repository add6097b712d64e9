//! Staff accounts an administrator disabled: they can no longer sign in nor use their API
//! tokens, and are kept (with their history in the moderation log) until deleted.
use sea_orm_migration::prelude::*;

use crate::columns::ts_null;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000011_user_disabled"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("users"))
                .add_column(ts_null("disabled_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("users"))
                .drop_column(Alias::new("disabled_at"))
                .to_owned(),
        )
        .await
    }
}
