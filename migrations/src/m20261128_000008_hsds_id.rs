//! The identifier an entry has in an imported Open Referral HSDS dataset or CSV file, so that a
//! second import of the same file updates the entry instead of creating it again. Unique per
//! organisation (NULLs are distinct on both databases).
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000008_hsds_id"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("entries"))
                .add_column(ColumnDef::new(Alias::new("hsds_id")).text().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("entries_organization_hsds_id")
                .table(Alias::new("entries"))
                .col(Alias::new("organization_id"))
                .col(Alias::new("hsds_id"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("entries_organization_hsds_id")
                .table(Alias::new("entries"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("entries"))
                .drop_column(Alias::new("hsds_id"))
                .to_owned(),
        )
        .await
    }
}
