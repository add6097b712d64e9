//! Topic actors (followable feeds per category and per category + city): their keys, created
//! lazily on first lookup, and which entry version each topic last announced.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_topics"
    }
}

fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .text()
        .not_null()
        .to_owned()
}
fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn table(name: &'static str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "topic_actors",
            vec![
                ColumnDef::new(Alias::new("id"))
                    .uuid()
                    .not_null()
                    .primary_key()
                    .to_owned(),
                ColumnDef::new(Alias::new("name"))
                    .text()
                    .not_null()
                    .unique_key()
                    .to_owned(),
                text("public_key_pem"),
                text("private_key_pem"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_table(table(
            "topic_announces",
            vec![
                ColumnDef::new(Alias::new("id"))
                    .uuid()
                    .not_null()
                    .primary_key()
                    .to_owned(),
                text("topic"),
                text("entry_ap_id"),
                ts("entry_updated"),
                ColumnDef::new(Alias::new("activity_id"))
                    .uuid()
                    .not_null()
                    .to_owned(),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("topic_announces_topic_entry")
                .table(Alias::new("topic_announces"))
                .col(Alias::new("topic"))
                .col(Alias::new("entry_ap_id"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("topic_announces"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("topic_actors")).to_owned())
            .await
    }
}
