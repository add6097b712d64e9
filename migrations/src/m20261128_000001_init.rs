//! The initial schema: organisations, users and tokens, directory entries, ActivityPub state
//! (remote actors, activities, followers, de-duplication) and the durable delivery queue.
use sea_orm_migration::prelude::*;

use crate::columns::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_init"
    }
}

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The instance itself: one row holding the instance actor's key pair.
        m.create_table(table(
            "site",
            vec![
                ColumnDef::new(Alias::new("id"))
                    .integer()
                    .not_null()
                    .primary_key()
                    .to_owned(),
                text("public_key_pem"),
                text("private_key_pem"),
                ts("created_at"),
            ],
        ))
        .await?;

        m.create_table(table(
            "organizations",
            vec![
                uuid_pk("id"),
                text("slug"),
                text("name"),
                text("summary"), // JSON language map
                text("default_language"),
                text_null("website"),
                text_null("email"),
                text_null("phone"),
                text_null("address"),
                text("languages"), // JSON array of BCP-47 tags
                text_null("icon_url"),
                boolean("manually_approves_followers"),
                text("public_key_pem"),
                text("private_key_pem"),
                ts("created_at"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "organizations",
            "organizations_slug",
            &["slug"],
            true,
        ))
        .await?;

        m.create_table(table(
            "users",
            vec![
                uuid_pk("id"),
                text("email"),
                text("password_hash"),
                text("role"),
                uuid_null("organization_id"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index("users", "users_email", &["email"], true))
            .await?;

        m.create_table(table(
            "api_tokens",
            vec![
                uuid_pk("id"),
                uuid("user_id"),
                text("token_hash"),
                ts("created_at"),
                ts_null("last_used_at"),
                ts_null("revoked_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "api_tokens",
            "api_tokens_hash",
            &["token_hash"],
            true,
        ))
        .await?;

        // Remote actors we know of (organisations of other instances, fediverse accounts).
        m.create_table(table(
            "remote_actors",
            vec![
                uuid_pk("id"),
                text("ap_id"),
                text("actor_type"),
                text("domain"),
                text_null("preferred_username"),
                text_null("name"),
                text("inbox"),
                text_null("shared_inbox"),
                text_null("outbox"),
                text_null("followers_url"),
                text_null("url"),
                text("public_key_id"),
                text("public_key_pem"),
                text("raw"),
                ts("fetched_at"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "remote_actors",
            "remote_actors_ap_id",
            &["ap_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "remote_actors",
            "remote_actors_domain",
            &["domain"],
            false,
        ))
        .await?;

        // Directory entries, local and federated. `data` holds the whole record as JSON; the
        // other columns are what listing and filtering need.
        m.create_table(table(
            "entries",
            vec![
                uuid_pk("id"),
                text("kind"),
                text("ap_id"),
                text("url"),
                uuid_null("organization_id"),
                uuid_null("remote_actor_id"),
                text("origin_domain"),
                boolean("local"),
                text("status"),
                text("data"),
                text("search_text"),
                text("categories"),
                text("languages"),
                text_null("country"),
                text_null("locality"),
                double_null("latitude"),
                double_null("longitude"),
                ts_null("start_time"),
                ts_null("end_time"),
                boolean("do_not_federate"),
                int("version"),
                ts("published"),
                ts("updated"),
                ts_null("deleted_at"),
            ],
        ))
        .await?;
        m.create_index(index("entries", "entries_ap_id", &["ap_id"], true))
            .await?;
        m.create_index(index(
            "entries",
            "entries_kind_updated",
            &["kind", "updated"],
            false,
        ))
        .await?;
        m.create_index(index("entries", "entries_org", &["organization_id"], false))
            .await?;
        m.create_index(index(
            "entries",
            "entries_remote_actor",
            &["remote_actor_id"],
            false,
        ))
        .await?;

        // Activities: those our actors publish (outboxes, served at their ids) and a record of
        // those received.
        m.create_table(table(
            "activities",
            vec![
                uuid_pk("id"),
                text("ap_id"),
                text("kind"),
                text("actor_ap_id"),
                text_null("object_ap_id"),
                boolean("local"),
                boolean("public"),
                text("json"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index("activities", "activities_ap_id", &["ap_id"], true))
            .await?;
        m.create_index(index(
            "activities",
            "activities_actor_created",
            &["actor_ap_id", "created_at"],
            false,
        ))
        .await?;

        // Ids of received activities, so that a replay has no second effect.
        m.create_table(table(
            "received_activities",
            vec![
                ColumnDef::new(Alias::new("ap_id"))
                    .text()
                    .not_null()
                    .primary_key()
                    .to_owned(),
                ts("received_at"),
            ],
        ))
        .await?;

        // Who follows our local actors (organisations, the instance actor, topic actors).
        m.create_table(table(
            "followers",
            vec![
                uuid_pk("id"),
                text("local_actor_ap_id"),
                text("follower_ap_id"),
                uuid("remote_actor_id"),
                text("follow_ap_id"),
                text("state"),
                ts("created_at"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "followers",
            "followers_pair",
            &["local_actor_ap_id", "follower_ap_id"],
            true,
        ))
        .await?;

        // Whom our local actors follow (the instance actor following other instances, ...).
        m.create_table(table(
            "following",
            vec![
                uuid_pk("id"),
                text("local_actor_ap_id"),
                text("target_ap_id"),
                uuid("remote_actor_id"),
                text("follow_ap_id"),
                text("state"),
                ts("created_at"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "following",
            "following_pair",
            &["local_actor_ap_id", "target_ap_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "following",
            "following_follow_id",
            &["follow_ap_id"],
            true,
        ))
        .await?;

        // The durable delivery queue: one row per (activity, inbox).
        m.create_table(table(
            "deliveries",
            vec![
                uuid_pk("id"),
                uuid("activity_id"),
                text("inbox"),
                text("domain"),
                text("signer_ap_id"),
                text("state"),
                int("attempts"),
                ts("next_attempt_at"),
                ts_null("claimed_until"),
                int_null("last_status"),
                text_null("last_error"),
                ts("created_at"),
                ts_null("finished_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "deliveries",
            "deliveries_due",
            &["state", "next_attempt_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "deliveries",
            "deliveries_activity_inbox",
            &["activity_id", "inbox"],
            true,
        ))
        .await?;

        // Health of remote instances, from delivery outcomes.
        m.create_table(table(
            "instance_health",
            vec![
                ColumnDef::new(Alias::new("domain"))
                    .text()
                    .not_null()
                    .primary_key()
                    .to_owned(),
                int("consecutive_failures"),
                ts_null("last_success_at"),
                ts_null("last_failure_at"),
                text_null("last_error"),
                ts_null("retry_after"),
            ],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "instance_health",
            "deliveries",
            "following",
            "followers",
            "received_activities",
            "activities",
            "entries",
            "remote_actors",
            "api_tokens",
            "users",
            "organizations",
            "site",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
