//! Moderation: domain blocks, the allow-list, sanctions on single remote actors, reports (local
//! and received as `Flag`) and the append-only moderation log.
use sea_orm_migration::prelude::*;

use crate::columns::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_moderation"
    }
}

fn index(name: &str, table: &'static str, col: &'static str) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(Alias::new(table))
        .col(Alias::new(col))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "domain_blocks",
            vec![
                uuid_pk("id"),
                text_unique("domain"),
                text("severity"),
                text_null("public_reason"),
                text_null("private_reason"),
                ts_null("expires_at"),
                ts("created_at"),
                text("created_by"),
            ],
        ))
        .await?;
        m.create_table(table(
            "allowed_domains",
            vec![
                uuid_pk("id"),
                text_unique("domain"),
                ts("created_at"),
                text("created_by"),
            ],
        ))
        .await?;
        m.create_table(table(
            "actor_sanctions",
            vec![
                uuid_pk("id"),
                text_unique("ap_id"),
                text("severity"),
                text_null("reason"),
                ts("created_at"),
                text("created_by"),
            ],
        ))
        .await?;
        m.create_table(table(
            "reports",
            vec![
                uuid_pk("id"),
                text("target"),
                uuid_null("entry_id"),
                text("category"),
                text("comment"),
                text("origin"),
                text_null("reporter_actor"),
                text_null("reporter_domain"),
                text("state"),
                text_null("resolution_note"),
                text_null("resolution_action"),
                text_null("resolved_by"),
                ts_null("resolved_at"),
                ts_null("forwarded_at"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index("reports_state", "reports", "state"))
            .await?;
        m.create_table(table(
            "moderation_log",
            vec![
                uuid_pk("id"),
                ts("at"),
                text("actor_email"),
                text("actor_role"),
                text("action"),
                text("target"),
                text_null("reason"),
                text("details"),
            ],
        ))
        .await?;
        m.create_index(index("moderation_log_action", "moderation_log", "action"))
            .await?;
        m.create_index(index("moderation_log_at", "moderation_log", "at"))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "moderation_log",
            "reports",
            "actor_sanctions",
            "allowed_domains",
            "domain_blocks",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
