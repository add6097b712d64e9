//! Buddy requests: what a reader sends through a local volunteer offer's form, for the staff
//! of the mediating organisation only (never public, never federated; deleted after
//! `[buddy] retention_days`).
use sea_orm_migration::prelude::*;

use crate::columns::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000010_buddy_requests"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "buddy_requests",
            vec![
                uuid_pk("id"),
                uuid("entry_id"),
                uuid("organization_id"),
                text("name"),
                text("contact"),
                text("language"),
                text("message"),
                ts("created_at"),
                ts_null("handled_at"),
                uuid_null("handled_by"),
            ],
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("buddy_requests_org")
                .table(Alias::new("buddy_requests"))
                .col(Alias::new("organization_id"))
                .col(Alias::new("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("buddy_requests_created")
                .table(Alias::new("buddy_requests"))
                .col(Alias::new("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("buddy_requests")).to_owned())
            .await
    }
}
