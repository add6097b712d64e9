//! What each verified activity does.
use activitypub_federation::fetch::fetch_object_http;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::Query,
};
use serde_json::Value;
use url::Url;
use uuid::Uuid;

use super::{
    follows,
    objects::{IngestError, entry_from_object},
    remote::{RemoteActor, id_of},
};
use crate::{
    AppState,
    app::Ctx,
    db::entities::{activity, entry, follower, following, remote_actor},
    directory::store::{self, Origin},
    error::{AppError, AppResult},
    urls::domain_of,
};

/// Apply a verified activity. Every branch is idempotent: `resumed` is true when the inbox runs
/// the handler again for an activity whose first run may have stopped anywhere (its process
/// died; see `inbox::claim`), and a re-run adds nothing twice (no second entry, follower,
/// Accept or report) while finishing what the first run left undone.
pub async fn handle(
    ctx: &Ctx,
    actor: &RemoteActor,
    activity: &Value,
    resumed: bool,
) -> AppResult<()> {
    let kind = activity
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let object = activity.get("object").cloned().unwrap_or(Value::Null);
    match kind {
        "Follow" => follows::receive_follow(ctx, actor, activity).await?,
        "Undo" => {
            let undone = match object.get("type").and_then(Value::as_str) {
                Some("Follow") => follows::receive_undo_follow(ctx, actor, &object, activity).await,
                None if object.is_string() => {
                    follows::receive_undo_follow(ctx, actor, &object, activity).await
                }
                _ => {
                    tracing::debug!("Undo of something we do not track: ignored");
                    Ok(())
                }
            };
            match undone {
                // The first run deleted the follow before its process died.
                Err(AppError::NotFound(_)) if resumed => {
                    tracing::info!("Undo handled again: the follow was already gone")
                }
                other => other?,
            }
        }
        "Accept" => follows::receive_answer(ctx, actor, &object, true).await?,
        // An actor's own profile changed (name, summary, logo…): read it again from its origin.
        "Update" if id_of(&object) == Some(actor.row.ap_id.as_str()) => {
            if let Err(e) = super::remote::refetch(ctx, &actor.id).await {
                tracing::info!(actor = %actor.row.ap_id, error = %e, "profile update: refetch failed");
            }
        }
        "Reject" => follows::receive_answer(ctx, actor, &object, false).await?,
        "Create" | "Update" => {
            if is_followed(ctx, actor).await? {
                let object = match &object {
                    Value::String(s) => fetch(ctx, s).await?,
                    o => o.clone(),
                };
                ingest(ctx, actor, &object).await?;
            } else {
                tracing::info!("not following this actor or its instance: ignored");
            }
        }
        "Delete" => receive_delete(ctx, actor, &object).await?,
        // A report from another server (Mastodon's form): shown beside local reports.
        "Flag" => crate::moderation::reports::receive_flag(ctx, actor, activity).await?,
        "Announce" => {
            if is_followed(ctx, actor).await? {
                receive_announce(ctx, &object).await?;
            }
        }
        other => tracing::debug!(kind = other, "activity type not handled: ignored"),
    }
    record(ctx, actor, activity).await
}

/// Keep a copy of what was received and processed.
async fn record(ctx: &Ctx, actor: &RemoteActor, activity: &Value) -> AppResult<()> {
    let Some(id) = activity.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    let row = activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        ap_id: Set(id.to_string()),
        kind: Set(activity
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()),
        actor_ap_id: Set(actor.row.ap_id.clone()),
        object_ap_id: Set(activity.get("object").and_then(id_of).map(str::to_string)),
        local: Set(false),
        public: Set(false),
        json: Set(activity.to_string()),
        created_at: Set(Utc::now()),
    };
    if let Err(e) = row.insert(&ctx.db).await
        && !crate::db::is_unique_violation(&e)
    {
        return Err(e.into());
    }
    Ok(())
}

/// Whether this instance follows the actor, or the instance the actor lives on (an accepted
/// follow of the actor itself, or of an `Application` actor of its domain): one query.
pub async fn is_followed(state: &AppState, actor: &RemoteActor) -> AppResult<bool> {
    let instance_actors = Query::select()
        .column(remote_actor::Column::Id)
        .from(remote_actor::Entity)
        .and_where(remote_actor::Column::Domain.eq(&actor.row.domain))
        .and_where(remote_actor::Column::ActorType.eq("Application"))
        .to_owned();
    let found = following::Entity::find()
        .select_only()
        .column(following::Column::Id)
        .filter(following::Column::State.eq("accepted"))
        .filter(
            Condition::any()
                .add(following::Column::TargetApId.eq(&actor.row.ap_id))
                .add(following::Column::RemoteActorId.in_subquery(instance_actors)),
        )
        .into_tuple::<Uuid>()
        .one(&state.db)
        .await?;
    Ok(found.is_some())
}

/// Fetch an object from its origin (signed GET by the instance actor).
pub async fn fetch(ctx: &Ctx, id: &str) -> AppResult<Value> {
    let url = Url::parse(id).map_err(|_| AppError::BadRequest("object id is not a URL".into()))?;
    if ctx.urls.is_local(&url) {
        return Err(AppError::BadRequest("that object is ours".into()));
    }
    Ok(fetch_object_http::<AppState, Value>(&url, ctx)
        .await?
        .object)
}

fn parse_time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    v.and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Store (or update) a directory entry received from `actor`, and have the matching topic
/// actors announce it (when visible and federated; see `federation::topics`).
pub async fn ingest(
    state: &AppState,
    actor: &RemoteActor,
    object: &Value,
) -> AppResult<Option<entry::Model>> {
    let row = ingest_entry(state, actor, object).await?;
    if let Some(r) = &row {
        match super::topics::announce_entry(&state.db, state, r).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::debug!(entry = %r.ap_id, announces = n, "announced by topics");
                state.delivery_wakeup.notify_waiters();
            }
            Err(e) => tracing::warn!(entry = %r.ap_id, error = %e, "topic announces failed"),
        }
    }
    Ok(row)
}

async fn ingest_entry(
    state: &AppState,
    actor: &RemoteActor,
    object: &Value,
) -> AppResult<Option<entry::Model>> {
    let Some(ap_id) = object.get("id").and_then(Value::as_str) else {
        return Err(AppError::BadRequest("object without id".into()));
    };
    let url =
        Url::parse(ap_id).map_err(|_| AppError::BadRequest("object id is not a URL".into()))?;
    if domain_of(&url) != actor.row.domain {
        return Err(AppError::BadRequest(
            "the object is not on the actor's host".into(),
        ));
    }
    let entry = match entry_from_object(object, &state.config.instance.default_language) {
        Ok(e) => e,
        Err(IngestError::Unsupported(t)) => {
            tracing::debug!(r#type = %t, "not a directory entry: ignored");
            return Ok(None);
        }
        Err(IngestError::Invalid(m)) => {
            return Err(AppError::Validation(vec![
                crate::directory::validate::FieldError::new("object", m),
            ]));
        }
    };
    let updated = parse_time(object.get("updated"))
        .or_else(|| parse_time(object.get("published")))
        .unwrap_or_else(Utc::now);
    let published = parse_time(object.get("published")).unwrap_or(updated);
    let page_url = match object.get("url") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v
            .get("href")
            .and_then(Value::as_str)
            .unwrap_or(ap_id)
            .to_string(),
        None => ap_id.to_string(),
    };
    match store::get_by_ap_id(&state.db, ap_id).await? {
        Some(row) => {
            // The owner is the actor the entry was first stored under. The new object's
            // `attributedTo` proves nothing: any actor of the same host could name itself there.
            let owner_ok = row.remote_actor_id == Some(actor.row.id);
            if !owner_ok || row.local {
                return Err(AppError::Forbidden(
                    "only the owner may update this object".into(),
                ));
            }
            // The moderation state is kept: a removed entry stores the new content but stays
            // removed until a moderator restores it.
            // A version older than the one stored changes nothing: an Update delivered late
            // (deliveries are retried, in any order), or an Announce of an old copy. So a
            // deleted entry comes back only with something at least as new as what was
            // deleted (a withdrawn entry, see `follows::withdraw_unfollowed`, kept its
            // origin's time).
            if row.updated > updated {
                tracing::debug!(entry = %ap_id, stored = %row.updated, received = %updated,
                    "older version of an entry: ignored");
                return Ok(None);
            }
            Ok(Some(store::update(&state.db, row, &entry, updated).await?))
        }
        None => {
            // Limited origins start limited; the review queue may hold the entry.
            let moderation_state = crate::moderation::actions::initial_state(
                state,
                &actor.row.domain,
                &actor.row.ap_id,
            )
            .await?;
            let row = store::insert_with_state(
                &state.db,
                Origin {
                    id: Uuid::now_v7(),
                    ap_id: ap_id.to_string(),
                    url: page_url,
                    organization_id: None,
                    remote_actor_id: Some(actor.row.id),
                    origin_domain: actor.row.domain.clone(),
                    local: false,
                    published,
                    updated,
                },
                &entry,
                moderation_state,
            )
            .await;
            match row {
                Ok(r) => Ok(Some(r)),
                // Received twice at once (an Announce racing a Create): the first one wins.
                Err(e) if crate::db::is_unique_violation(&e) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }
    }
}

fn attributed_to(object: &Value) -> Vec<&str> {
    match object.get("attributedTo") {
        Some(Value::Array(a)) => a.iter().filter_map(id_of).collect(),
        Some(v) => id_of(v).into_iter().collect(),
        None => vec![],
    }
}

async fn receive_delete(ctx: &Ctx, actor: &RemoteActor, object: &Value) -> AppResult<()> {
    let id =
        id_of(object).ok_or_else(|| AppError::BadRequest("Delete without an object".into()))?;
    if id == actor.row.ap_id {
        // The actor itself is gone: its entries and follows go too.
        let rows = entry::Entity::find()
            .filter(entry::Column::RemoteActorId.eq(actor.row.id))
            .filter(entry::Column::DeletedAt.is_null())
            .all(&ctx.db)
            .await?;
        for r in rows {
            delete_entry(ctx, r).await?;
        }
        ctx.delivery_wakeup.notify_waiters();
        follower::Entity::delete_many()
            .filter(follower::Column::RemoteActorId.eq(actor.row.id))
            .exec(&ctx.db)
            .await?;
        following::Entity::delete_many()
            .filter(following::Column::RemoteActorId.eq(actor.row.id))
            .exec(&ctx.db)
            .await?;
        return Ok(());
    }
    let Some(row) = store::get_by_ap_id(&ctx.db, id).await? else {
        return Ok(());
    };
    if row.local || row.remote_actor_id != Some(actor.row.id) {
        return Err(AppError::Forbidden(
            "only the owner may delete this object".into(),
        ));
    }
    if row.deleted_at.is_none() && delete_entry(ctx, row).await? > 0 {
        ctx.delivery_wakeup.notify_waiters();
    }
    Ok(())
}

/// Mark a remote entry deleted and undo its topic announces, in one transaction: a process
/// dying in between would leave a deleted entry whose announces a re-run (which skips deleted
/// entries) never withdraws. The number of Undo activities queued.
async fn delete_entry(ctx: &Ctx, row: entry::Model) -> AppResult<usize> {
    let txn = crate::db::begin_write(&ctx.db).await?;
    let row = store::mark_deleted(&txn, row).await?;
    let undone = super::topics::announce_entry(&txn, ctx, &row).await?;
    txn.commit().await?;
    Ok(undone)
}

/// An Announce (relays, Mobilizon groups): the object is fetched from its origin, never trusted
/// as embedded, and stored under the actor that owns it.
async fn receive_announce(ctx: &Ctx, object: &Value) -> AppResult<()> {
    let id =
        id_of(object).ok_or_else(|| AppError::BadRequest("Announce without an object".into()))?;
    let fetched = fetch(ctx, id).await?;
    let owner = attributed_to(&fetched)
        .first()
        .map(|s| s.to_string())
        .ok_or_else(|| AppError::BadRequest("announced object has no attributedTo".into()))?;
    let owner_url =
        Url::parse(&owner).map_err(|_| AppError::BadRequest("attributedTo is not a URL".into()))?;
    let owner = super::remote::dereference(ctx, &owner_url).await?;
    ingest(ctx, &owner, &fetched).await?;
    Ok(())
}
