//! sea-orm entities, one module per table of `migrations/`.
#![allow(clippy::derive_partial_eq_without_eq)]

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod site {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "site")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub public_key_pem: String,
        pub private_key_pem: String,
        pub created_at: DateTimeUtc,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("site::Model")
                .field("id", &self.id)
                .field("created_at", &self.created_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}

pub mod organization {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub slug: String,
        pub name: String,
        pub summary: String,
        pub default_language: String,
        pub website: Option<String>,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub address: Option<String>,
        pub languages: String,
        pub icon_url: Option<String>,
        pub manually_approves_followers: bool,
        pub public_key_pem: String,
        pub private_key_pem: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("organization::Model")
                .field("id", &self.id)
                .field("slug", &self.slug)
                .field("name", &self.name)
                .field("created_at", &self.created_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub email: String,
        pub password_hash: String,
        pub role: String,
        pub organization_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        /// Set when an administrator disabled the account (no sign-in, no API tokens).
        pub disabled_at: Option<DateTimeUtc>,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("user::Model")
                .field("id", &self.id)
                .field("email", &self.email)
                .field("role", &self.role)
                .field("organization_id", &self.organization_id)
                .field("created_at", &self.created_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("api_token::Model")
                .field("id", &self.id)
                .field("user_id", &self.user_id)
                .field("created_at", &self.created_at)
                .field("last_used_at", &self.last_used_at)
                .field("revoked_at", &self.revoked_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}

pub mod remote_actor {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "remote_actors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub ap_id: String,
        pub actor_type: String,
        pub domain: String,
        pub preferred_username: Option<String>,
        pub name: Option<String>,
        pub inbox: String,
        pub shared_inbox: Option<String>,
        pub outbox: Option<String>,
        pub followers_url: Option<String>,
        pub url: Option<String>,
        pub public_key_id: String,
        pub public_key_pem: String,
        pub raw: String,
        pub fetched_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod entry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub ap_id: String,
        pub url: String,
        pub organization_id: Option<Uuid>,
        pub remote_actor_id: Option<Uuid>,
        pub origin_domain: String,
        pub local: bool,
        pub status: String,
        pub data: String,
        pub search_text: String,
        pub categories: String,
        pub languages: String,
        pub country: Option<String>,
        pub locality: Option<String>,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub start_time: Option<DateTimeUtc>,
        pub end_time: Option<DateTimeUtc>,
        pub do_not_federate: bool,
        pub version: i32,
        pub published: DateTimeUtc,
        pub updated: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
        /// `visible`, `limited`, `pending_review` or `removed` (see the moderation module).
        pub moderation_state: String,
        /// Identifier of the record in the imported HSDS dataset or CSV file it came from.
        pub hsds_id: Option<String>,
    }
    no_relations!();
}

pub mod activity {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub ap_id: String,
        pub kind: String,
        pub actor_ap_id: String,
        pub object_ap_id: Option<String>,
        pub local: bool,
        pub public: bool,
        pub json: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod received_activity {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "received_activities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ap_id: String,
        /// When the activity was claimed (first received, or its claim taken over).
        pub received_at: DateTimeUtc,
        /// When its handler finished; NULL while it is being handled (a claim, see
        /// `federation::inbox`).
        pub done_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod follower {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "followers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub local_actor_ap_id: String,
        pub follower_ap_id: String,
        pub remote_actor_id: Uuid,
        pub follow_ap_id: String,
        pub state: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod following {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "following")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub local_actor_ap_id: String,
        pub target_ap_id: String,
        pub remote_actor_id: Uuid,
        pub follow_ap_id: String,
        pub state: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod delivery {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub activity_id: Uuid,
        pub inbox: String,
        pub domain: String,
        pub signer_ap_id: String,
        pub state: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub claimed_until: Option<DateTimeUtc>,
        pub last_status: Option<i32>,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod instance_health {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "instance_health")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub domain: String,
        pub consecutive_failures: i32,
        pub last_success_at: Option<DateTimeUtc>,
        pub last_failure_at: Option<DateTimeUtc>,
        pub last_error: Option<String>,
        pub retry_after: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod domain_block {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "domain_blocks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub domain: String,
        /// `suspend` or `limit`.
        pub severity: String,
        pub public_reason: Option<String>,
        pub private_reason: Option<String>,
        pub expires_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub created_by: String,
    }
    no_relations!();
}

pub mod allowed_domain {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "allowed_domains")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub domain: String,
        pub created_at: DateTimeUtc,
        pub created_by: String,
    }
    no_relations!();
}

pub mod actor_sanction {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "actor_sanctions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub ap_id: String,
        /// `suspend` or `limit`.
        pub severity: String,
        pub reason: Option<String>,
        pub created_at: DateTimeUtc,
        pub created_by: String,
    }
    no_relations!();
}

pub mod report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub target: String,
        pub entry_id: Option<Uuid>,
        pub category: String,
        pub comment: String,
        /// `local` (the report form) or `remote` (a `Flag` from another server).
        pub origin: String,
        pub reporter_actor: Option<String>,
        pub reporter_domain: Option<String>,
        /// `open` or `resolved`.
        pub state: String,
        pub resolution_note: Option<String>,
        pub resolution_action: Option<String>,
        pub resolved_by: Option<String>,
        pub resolved_at: Option<DateTimeUtc>,
        pub forwarded_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        /// The id of the `Flag` a remote report came from (unique): the same `Flag` handled
        /// again files no second report.
        pub activity_ap_id: Option<String>,
    }
    no_relations!();
}

pub mod moderation_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "moderation_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub at: DateTimeUtc,
        pub actor_email: String,
        pub actor_role: String,
        pub action: String,
        pub target: String,
        pub reason: Option<String>,
        /// A JSON object.
        pub details: String,
    }
    no_relations!();
}

pub mod topic_actor {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_actors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub public_key_pem: String,
        pub private_key_pem: String,
        pub created_at: DateTimeUtc,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("topic_actor::Model")
                .field("id", &self.id)
                .field("name", &self.name)
                .field("created_at", &self.created_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}

pub mod topic_announce {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_announces")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub topic: String,
        pub entry_ap_id: String,
        pub entry_updated: DateTimeUtc,
        pub activity_id: Uuid,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod staff_session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// SHA-256 (hex) of the cookie's secret; the secret itself is never stored.
        pub id_hash: String,
        pub user_id: Uuid,
        pub csrf_token: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
    }
    /// Keys, secrets and their hashes are never printed (logs, panics).
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("staff_session::Model")
                .field("id", &self.id)
                .field("user_id", &self.user_id)
                .field("created_at", &self.created_at)
                .field("expires_at", &self.expires_at)
                .finish_non_exhaustive()
        }
    }
    no_relations!();
}
