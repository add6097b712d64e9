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
    let row = store(db, id, &doc, true).await?;
    super::delivery::enqueue_to_followers(db, state, &row).await?;
    Ok(row)
}

/// Store an activity of one of our actors, as built (`id`, `type`, `actor`, `object`), so that
/// it is served at its id; `public` ones are also listed in the actor's outbox.
pub async fn store(
    db: &impl ConnectionTrait,
    id: Uuid,
    doc: &Value,
    public: bool,
) -> Result<activity::Model, DbErr> {
    let text = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    activity::ActiveModel {
        id: Set(id),
        ap_id: Set(text("id")),
        kind: Set(text("type")),
        actor_ap_id: Set(text("actor")),
        object_ap_id: Set(doc
            .get("object")
            .and_then(super::remote::id_of)
            .map(str::to_string)),
        local: Set(true),
        public: Set(public),
        json: Set(doc.to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
}
