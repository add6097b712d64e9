//! The append-only moderation log: who did what, when and why. Nothing updates or deletes it.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::db::entities::{moderation_log, user};

/// Who acted.
#[derive(Debug, Clone)]
pub struct Who {
    pub email: String,
    pub role: String,
}

impl Who {
    /// The `passerelle` command line (run by whoever administers the server).
    pub fn command_line() -> Who {
        Who {
            email: "cli".into(),
            role: "cli".into(),
        }
    }
}

impl From<&user::Model> for Who {
    fn from(u: &user::Model) -> Who {
        Who {
            email: u.email.clone(),
            role: u.role.clone(),
        }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    who: &Who,
    action: &str,
    target: &str,
    reason: Option<&str>,
    details: Value,
) -> Result<moderation_log::Model, DbErr> {
    moderation_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(Utc::now()),
        actor_email: Set(who.email.clone()),
        actor_role: Set(who.role.clone()),
        action: Set(action.to_string()),
        target: Set(target.to_string()),
        reason: Set(reason.map(str::to_string)),
        details: Set(details.to_string()),
    }
    .insert(db)
    .await
}
