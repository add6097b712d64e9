//! Publishing: an activity is written to the `activities` table (the actor's outbox, served at
//! its id) in the caller's transaction, together with one delivery row per follower inbox.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::{Value, json};
use url::Url;
use uuid::Uuid;

use super::objects::{PUBLIC, entry_context, rfc3339};
use crate::{AppState, db::entities::activity};

/// Build and store an activity of `actor` about `object`, addressed publicly with the
/// actor's followers in `cc`, and queue its delivery to those followers.
pub async fn publish(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &Url,
    followers: &Url,
    kind: &str,
    mut object: Value,
) -> Result<activity::Model, DbErr> {
    if let Some(o) = object.as_object_mut() {
        o.remove("@context");
    }
    let id = Uuid::now_v7();
    let ap_id = state.urls.activity(id);
    let now = Utc::now();
    let object_id = object.get("id").and_then(Value::as_str).map(str::to_string);
    let doc = json!({
        "@context": entry_context(),
        "id": ap_id,
        "type": kind,
        "actor": actor,
        "object": object,
        "to": [PUBLIC],
        "cc": [followers],
        "published": rfc3339(&now),
    });
    let row = activity::ActiveModel {
        id: Set(id),
        ap_id: Set(ap_id.to_string()),
        kind: Set(kind.to_string()),
        actor_ap_id: Set(actor.to_string()),
        object_ap_id: Set(object_id),
        local: Set(true),
        public: Set(true),
        json: Set(doc.to_string()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    super::delivery::enqueue_to_followers(db, state, &row).await?;
    Ok(row)
}
