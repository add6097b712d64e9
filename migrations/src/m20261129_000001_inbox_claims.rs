//! Exactly-once inbox processing (see `server/src/federation/inbox.rs`):
//! - `received_activities.done_at`: when the activity's handler finished. A row with `done_at`
//!   NULL is a claim: a request is handling the activity now, or its process died while doing so
//!   (the claim is then taken over once `federation.inbox_claim_secs` have passed). Rows
//!   received before this migration were handled: they get `done_at = received_at`.
//! - `reports.activity_ap_id`: the id of the `Flag` a remote report came from (unique), so that
//!   handling the same `Flag` again files no second report.
use sea_orm_migration::prelude::*;

use crate::columns::{text_null, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_inbox_claims"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("received_activities"))
                .add_column(ts_null("done_at"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(Alias::new("received_activities"))
                .value(Alias::new("done_at"), Expr::col(Alias::new("received_at")))
                .to_owned(),
        )
        .await?;
        // For the purge of old rows.
        m.create_index(
            Index::create()
                .name("received_activities_done_at")
                .table(Alias::new("received_activities"))
                .col(Alias::new("done_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("reports"))
                .add_column(text_null("activity_ap_id"))
                .to_owned(),
        )
        .await?;
        // Unique; several NULLs (local reports) are allowed on both databases.
        m.create_index(
            Index::create()
                .name("reports_activity_ap_id")
                .table(Alias::new("reports"))
                .col(Alias::new("activity_ap_id"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("reports_activity_ap_id")
                .table(Alias::new("reports"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("reports"))
                .drop_column(Alias::new("activity_ap_id"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("received_activities_done_at")
                .table(Alias::new("received_activities"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("received_activities"))
                .drop_column(Alias::new("done_at"))
                .to_owned(),
        )
        .await
    }
}
