//! Reports: from the public form (anonymous) and from other servers as `Flag` activities
//! (Mastodon's form: `actor`, `object` a list of URIs, `content`); forwarded to the origin of a
//! federated entry as a `Flag` of our instance actor that never names the reporter.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    AppState, accounts,
    db::entities::{entry, remote_actor, report},
    directory::store,
    error::{AppError, AppResult},
    federation::{objects::rfc3339, remote::RemoteActor},
};

pub const CATEGORIES: [&str; 5] = ["outdated", "scam", "hateful", "privacy", "other"];
pub const MAX_COMMENT: usize = 2000;

/// What a report target resolves to.
pub struct Target {
    pub ap_id: String,
    pub entry_id: Option<Uuid>,
}

/// An entry (by its ActivityPub id) or an organisation (ours, or a known remote actor).
pub async fn resolve_target(state: &AppState, ap_id: &str) -> AppResult<Option<Target>> {
    if let Some(e) = store::get_by_ap_id(&state.db, ap_id).await? {
        return Ok(Some(Target {
            ap_id: e.ap_id,
            entry_id: Some(e.id),
        }));
    }
    let prefix = state.urls.join("o/");
    if let Some(slug) = ap_id.strip_prefix(prefix.as_str())
        && !slug.contains('/')
        && accounts::find_org(&state.db, slug).await?.is_some()
    {
        return Ok(Some(Target {
            ap_id: ap_id.to_string(),
            entry_id: None,
        }));
    }
    let remote = remote_actor::Entity::find()
        .filter(remote_actor::Column::ApId.eq(ap_id))
        .one(&state.db)
        .await?;
    Ok(remote.map(|a| Target {
        ap_id: a.ap_id,
        entry_id: None,
    }))
}

pub async fn insert(
    db: &impl ConnectionTrait,
    target: Target,
    category: &str,
    comment: &str,
    reporter: Option<&RemoteActor>,
    activity_ap_id: Option<&str>,
) -> Result<report::Model, sea_orm::DbErr> {
    report::ActiveModel {
        id: Set(Uuid::now_v7()),
        target: Set(target.ap_id),
        entry_id: Set(target.entry_id),
        category: Set(category.to_string()),
        comment: Set(comment.to_string()),
        origin: Set(if reporter.is_some() {
            "remote"
        } else {
            "local"
        }
        .into()),
        reporter_actor: Set(reporter.map(|r| r.row.ap_id.clone())),
        reporter_domain: Set(reporter.map(|r| r.row.domain.clone())),
        state: Set("open".into()),
        resolution_note: Set(None),
        resolution_action: Set(None),
        resolved_by: Set(None),
        resolved_at: Set(None),
        forwarded_at: Set(None),
        created_at: Set(Utc::now()),
        activity_ap_id: Set(activity_ap_id.map(str::to_string)),
    }
    .insert(db)
    .await
}

/// A `Flag` from another server: one report for the first entry it names, else for the first
/// organisation or actor it names that we know. Objects we do not know are ignored.
pub async fn receive_flag(
    state: &AppState,
    actor: &RemoteActor,
    activity: &Value,
) -> AppResult<()> {
    let objects: Vec<&str> = match activity.get("object") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(crate::federation::remote::id_of)
            .collect(),
        Some(v) => crate::federation::remote::id_of(v).into_iter().collect(),
        None => vec![],
    };
    if objects.is_empty() {
        return Err(AppError::BadRequest("a Flag needs an object".into()));
    }
    let mut targets = Vec::new();
    for o in objects.iter().take(20) {
        if let Some(t) = resolve_target(state, o).await? {
            targets.push(t);
        }
    }
    targets.sort_by_key(|t| t.entry_id.is_none());
    let Some(target) = targets.into_iter().next() else {
        tracing::info!("Flag about nothing we hold: ignored");
        return Ok(());
    };
    let content: String = activity
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .take(MAX_COMMENT)
        .collect();
    // A category, when the content starts with one of ours (our own forwarded Flags do).
    let category = CATEGORIES
        .iter()
        .find(|c| content.starts_with(&format!("{c}:")) || content == **c)
        .copied()
        .unwrap_or("other");
    let flag_id = activity.get("id").and_then(Value::as_str);
    let row = match insert(&state.db, target, category, &content, Some(actor), flag_id).await {
        Ok(row) => row,
        // This Flag was handled already (a re-run after a crash, see `inbox::claim`).
        Err(e) if crate::db::is_unique_violation(&e) => {
            tracing::info!(flag = ?flag_id, "Flag already recorded");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(report = %row.id, target = %row.target, from = %actor.row.ap_id, "Flag received");
    Ok(())
}

/// Send a `Flag` about the report's federated entry to its origin, from our instance actor.
/// The object lists the entry's owner and the entry (Mastodon files reports against the
/// accounts listed); the content is the category and the comment, never who reported.
pub async fn forward(state: &AppState, r: &report::Model) -> AppResult<Value> {
    let e = match r.entry_id {
        Some(id) => entry::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    }
    .ok_or_else(|| AppError::Conflict("only reports about an entry can be forwarded".into()))?;
    if e.local {
        return Err(AppError::Conflict(
            "this entry is ours: there is no origin to forward to".into(),
        ));
    }
    let owner = match e.remote_actor_id {
        Some(id) => remote_actor::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    }
    .ok_or_else(|| AppError::Conflict("the entry's origin actor is unknown".into()))?;
    if let Some(reason) = state.moderation.refuses_domain(&owner.domain) {
        return Err(AppError::Conflict(reason));
    }
    let id = Uuid::now_v7();
    let me = state.urls.instance_actor();
    let content = if r.comment.trim().is_empty() {
        r.category.clone()
    } else {
        format!("{}: {}", r.category, r.comment.trim())
    };
    let doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": state.urls.activity(id),
        "type": "Flag",
        "actor": me,
        "object": [owner.ap_id, e.ap_id],
        "content": content,
        "to": [owner.ap_id],
        "published": rfc3339(&Utc::now()),
    });
    let inbox = owner.shared_inbox.clone().unwrap_or(owner.inbox.clone());
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let act = crate::federation::outbox::store(&txn, id, &doc, false).await?;
    crate::federation::delivery::enqueue(&txn, &act, [inbox], me.as_str()).await?;
    let mut a: report::ActiveModel = r.clone().into();
    a.forwarded_at = Set(Some(Utc::now()));
    a.update(&txn).await?;
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(doc)
}
