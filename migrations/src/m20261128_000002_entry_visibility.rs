//! Moderation state of entries: `visible` (listed and searchable), `limited` (reachable by link
//! only), `pending_review` and `removed` (not shown).
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_entry_visibility"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("entries"))
                .add_column(
                    ColumnDef::new(Alias::new("moderation_state"))
                        .text()
                        .not_null()
                        .default("visible"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("entries_moderation_state")
                .table(Alias::new("entries"))
                .col(Alias::new("moderation_state"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("entries_moderation_state")
                .table(Alias::new("entries"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("entries"))
                .drop_column(Alias::new("moderation_state"))
                .to_owned(),
        )
        .await
    }
}
