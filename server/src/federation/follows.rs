//! Follow / Accept / Reject / Undo between our actors and remote ones, and instances that follow
//! each other (with backfill from the followed instance's organisations' outboxes).
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use url::Url;
use uuid::Uuid;

use super::{
    objects::rfc3339,
    remote::{self, RemoteActor, id_of},
};
use crate::{
    AppState, accounts,
    app::Ctx,
    db::entities::{activity, follower, following},
    error::{AppError, AppResult},
};

/// A local actor that can be followed: an organisation, the instance actor or a topic.
#[derive(Debug, Clone)]
pub enum LocalTarget {
    Instance,
    Organization(Box<crate::db::entities::organization::Model>),
    /// A topic actor (see `federation::topics`); follows are accepted automatically.
    Topic(Box<crate::db::entities::topic_actor::Model>),
}

impl LocalTarget {
    pub fn id(&self, state: &AppState) -> Url {
        match self {
            LocalTarget::Instance => state.urls.instance_actor(),
            LocalTarget::Organization(o) => state.urls.org(&o.slug),
            LocalTarget::Topic(t) => state.urls.topic(&t.name),
        }
    }
}

/// The local actor an id names, if any.
pub async fn local_target(state: &AppState, id: &str) -> AppResult<Option<LocalTarget>> {
    if id == state.urls.instance_actor().as_str() {
        return Ok(Some(LocalTarget::Instance));
    }
    let prefix = state.urls.join("o/");
    if let Some(slug) = id.strip_prefix(prefix.as_str()) {
        return Ok(accounts::find_org(&state.db, slug)
            .await?
            .map(|o| LocalTarget::Organization(Box::new(o))));
    }
    if let Some(name) = super::topics::name_in_id(state, id) {
        return Ok(super::topics::lookup(state, name)
            .await?
            .map(|(_, actor)| LocalTarget::Topic(Box::new(actor))));
    }
    Ok(None)
}

/// Store and queue an activity of a local actor for one remote inbox (Accept, Reject, Follow,
/// Undo): not listed in the public outbox, but served at its id.
pub async fn send_to(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &Url,
    kind: &str,
    object: Value,
    to: &RemoteActor,
) -> AppResult<activity::Model> {
    let id = Uuid::now_v7();
    let ap_id = state.urls.activity(id);
    let now = Utc::now();
    let doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": ap_id,
        "type": kind,
        "actor": actor,
        "object": object,
        "to": [to.row.ap_id],
        "published": rfc3339(&now),
    });
    let row = super::outbox::store(db, id, &doc, false).await?;
    super::delivery::enqueue(db, &row, [to.row.inbox.clone()], actor.as_str()).await?;
    Ok(row)
}

fn follow_object(follow_id: &str, follower: &str, target: &str) -> Value {
    json!({ "id": follow_id, "type": "Follow", "actor": follower, "object": target })
}

/// A remote actor asks to follow one of ours.
pub async fn receive_follow(ctx: &Ctx, actor: &RemoteActor, activity: &Value) -> AppResult<()> {
    let follow_id = activity
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::BadRequest("a Follow needs an id".into()))?;
    let target_id = activity
        .get("object")
        .and_then(id_of)
        .ok_or_else(|| AppError::BadRequest("a Follow needs an object".into()))?;
    let target = local_target(ctx, target_id)
        .await?
        .ok_or_else(|| AppError::NotFound("no such actor to follow".into()))?;
    let target_url = target.id(ctx);
    let approve_automatically = match &target {
        LocalTarget::Organization(o) => !o.manually_approves_followers,
        LocalTarget::Topic(_) => true,
        LocalTarget::Instance => ctx
            .config
            .federation
            .auto_accept_instances
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&actor.row.domain)),
    };
    // A limited domain or actor needs approval, even from an auto-approving organisation.
    let approve_automatically = approve_automatically
        && !ctx
            .moderation
            .is_limited(&actor.row.domain, Some(&actor.row.ap_id));
    let now = Utc::now();
    let txn = crate::db::begin_write(&ctx.db).await?;
    let existing = follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(target_url.as_str()))
        .filter(follower::Column::FollowerApId.eq(&actor.row.ap_id))
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|f| f.follow_ap_id == follow_id)
    {
        // This very Follow was handled already (the inbox runs a handler again when its first
        // run's process died after committing): the follower and any Accept are stored.
        tracing::info!(follower = %actor.row.ap_id, target = %target_url, "follow already recorded");
        return Ok(());
    }
    let state = match &existing {
        Some(f) if f.state == "accepted" => "accepted",
        _ if approve_automatically => "accepted",
        _ => "pending",
    };
    match existing {
        Some(f) => {
            let mut a: follower::ActiveModel = f.into();
            a.follow_ap_id = Set(follow_id.to_string());
            a.state = Set(state.into());
            a.updated_at = Set(now);
            a.update(&txn).await?;
        }
        None => {
            follower::ActiveModel {
                id: Set(Uuid::now_v7()),
                local_actor_ap_id: Set(target_url.to_string()),
                follower_ap_id: Set(actor.row.ap_id.clone()),
                remote_actor_id: Set(actor.row.id),
                follow_ap_id: Set(follow_id.to_string()),
                state: Set(state.into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    if state == "accepted" {
        let object = follow_object(follow_id, &actor.row.ap_id, target_url.as_str());
        send_to(&txn, ctx, &target_url, "Accept", object, actor).await?;
    }
    txn.commit().await?;
    ctx.delivery_wakeup.notify_waiters();
    tracing::info!(follower = %actor.row.ap_id, target = %target_url, %state, "follow received");
    Ok(())
}

/// Staff approve (or refuse) a pending follower; Accept (or Reject) is sent.
pub async fn decide_follower(
    state: &AppState,
    row: follower::Model,
    accept: bool,
) -> AppResult<()> {
    let actor = crate::db::entities::remote_actor::Entity::find_by_id(row.remote_actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("follower"))?;
    let actor = RemoteActor::new(actor)?;
    let target = Url::parse(&row.local_actor_ap_id).map_err(|e| AppError::Internal(e.into()))?;
    let object = follow_object(
        &row.follow_ap_id,
        &row.follower_ap_id,
        &row.local_actor_ap_id,
    );
    let txn = crate::db::begin_write(&state.db).await?;
    if accept {
        let mut a: follower::ActiveModel = row.into();
        a.state = Set("accepted".into());
        a.updated_at = Set(Utc::now());
        a.update(&txn).await?;
        send_to(&txn, state, &target, "Accept", object, &actor).await?;
    } else {
        follower::Entity::delete_by_id(row.id).exec(&txn).await?;
        send_to(&txn, state, &target, "Reject", object, &actor).await?;
    }
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(())
}

/// Undo of a Follow: only the follower may undo its own follow. Deliveries are not ordered: an
/// Undo naming an older Follow than the one we hold, published before that Follow arrived (the
/// follower unfollowed, then followed again, and the Undo came last), ends nothing.
pub async fn receive_undo_follow(
    ctx: &Ctx,
    actor: &RemoteActor,
    follow: &Value,
    undo: &Value,
) -> AppResult<()> {
    let mut q =
        follower::Entity::find().filter(follower::Column::FollowerApId.eq(&actor.row.ap_id));
    match follow {
        Value::String(id) => q = q.filter(follower::Column::FollowApId.eq(id.as_str())),
        _ => {
            if let Some(follower_id) = follow.get("actor").and_then(id_of)
                && follower_id != actor.row.ap_id
            {
                return Err(AppError::Forbidden(
                    "only the follower may undo a follow".into(),
                ));
            }
            match (
                follow.get("id").and_then(Value::as_str),
                follow.get("object").and_then(id_of),
            ) {
                (_, Some(target)) => q = q.filter(follower::Column::LocalActorApId.eq(target)),
                (Some(id), None) => q = q.filter(follower::Column::FollowApId.eq(id)),
                (None, None) => {
                    return Err(AppError::BadRequest(
                        "Undo of a Follow without id or object".into(),
                    ));
                }
            }
        }
    }
    let rows = q.all(&ctx.db).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound("no such follow by this actor".into()));
    }
    let named = match follow {
        Value::String(id) => Some(id.as_str()),
        _ => follow.get("id").and_then(Value::as_str),
    };
    let published = undo
        .get("published")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    for r in rows {
        if let (Some(id), Some(published)) = (named, published)
            && r.follow_ap_id != id
            && r.updated_at > published
        {
            tracing::info!(follower = %r.follower_ap_id, undone = %id, current = %r.follow_ap_id,
                "Undo of an older Follow than the current one: ignored");
            continue;
        }
        follower::Entity::delete_by_id(r.id).exec(&ctx.db).await?;
    }
    Ok(())
}

/// Accept or Reject of one of our Follows: only its target may answer.
pub async fn receive_answer(
    ctx: &Ctx,
    actor: &RemoteActor,
    object: &Value,
    accepted: bool,
) -> AppResult<()> {
    let follow_id =
        id_of(object).ok_or_else(|| AppError::BadRequest("Accept without an object".into()))?;
    let row = following::Entity::find()
        .filter(following::Column::FollowApId.eq(follow_id))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such follow of ours".into()))?;
    if row.target_ap_id != actor.row.ap_id {
        return Err(AppError::Forbidden(
            "only the followed actor may answer a follow".into(),
        ));
    }
    let mut a: following::ActiveModel = row.clone().into();
    a.state = Set(if accepted { "accepted" } else { "rejected" }.into());
    a.updated_at = Set(Utc::now());
    a.update(&ctx.db).await?;
    tracing::info!(target = %row.target_ap_id, accepted, "follow answered");
    if accepted {
        let state = (*ctx).clone();
        let target = actor.clone();
        tokio::spawn(async move {
            match super::backfill::backfill(&state, &target).await {
                Ok(n) => tracing::info!(target = %target.row.ap_id, entries = n, "backfill done"),
                Err(e) => tracing::warn!(target = %target.row.ap_id, error = %e, "backfill failed"),
            }
        });
    }
    Ok(())
}

/// The instance actor follows a remote actor (another instance's actor, or any actor).
pub async fn follow(state: &AppState, target: &RemoteActor) -> AppResult<following::Model> {
    let me = state.urls.instance_actor();
    if let Some(existing) = following::Entity::find()
        .filter(following::Column::LocalActorApId.eq(me.as_str()))
        .filter(following::Column::TargetApId.eq(&target.row.ap_id))
        .one(&state.db)
        .await?
    {
        if existing.state != "rejected" {
            return Err(AppError::Conflict(format!(
                "already following {} ({})",
                target.row.ap_id, existing.state
            )));
        }
        following::Entity::delete_by_id(existing.id)
            .exec(&state.db)
            .await?;
    }
    let follow_uuid = Uuid::now_v7();
    let follow_id = state.urls.activity(follow_uuid);
    let now = Utc::now();
    let txn = crate::db::begin_write(&state.db).await?;
    let row = following::ActiveModel {
        id: Set(Uuid::now_v7()),
        local_actor_ap_id: Set(me.to_string()),
        target_ap_id: Set(target.row.ap_id.clone()),
        remote_actor_id: Set(target.row.id),
        follow_ap_id: Set(follow_id.to_string()),
        state: Set("pending".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": follow_id,
        "type": "Follow",
        "actor": me,
        "object": target.row.ap_id,
        "to": [target.row.ap_id],
        "published": rfc3339(&now),
    });
    let act = super::outbox::store(&txn, follow_uuid, &doc, false).await?;
    super::delivery::enqueue(&txn, &act, [target.row.inbox.clone()], me.as_str()).await?;
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(row)
}

/// Stop following: Undo is sent, the follow removed, and the entries received only through it
/// are withdrawn from the directory.
pub async fn unfollow(state: &AppState, row: following::Model) -> AppResult<()> {
    let target = crate::db::entities::remote_actor::Entity::find_by_id(row.remote_actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("followed actor"))?;
    let target = RemoteActor::new(target)?;
    let me = Url::parse(&row.local_actor_ap_id).map_err(|e| AppError::Internal(e.into()))?;
    let object = follow_object(&row.follow_ap_id, me.as_str(), &row.target_ap_id);
    let txn = crate::db::begin_write(&state.db).await?;
    following::Entity::delete_by_id(row.id).exec(&txn).await?;
    send_to(&txn, state, &me, "Undo", object, &target).await?;
    txn.commit().await?;
    withdraw_unfollowed(state, &target).await?;
    state.delivery_wakeup.notify_waiters();
    Ok(())
}

/// Remote entries whose origin we no longer follow are removed from the directory.
async fn withdraw_unfollowed(state: &AppState, target: &RemoteActor) -> AppResult<()> {
    use crate::db::entities::entry;
    let rows = entry::Entity::find()
        .filter(entry::Column::Local.eq(false))
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::OriginDomain.eq(&target.row.domain))
        .all(&state.db)
        .await?;
    for r in rows {
        let Some(actor_id) = r.remote_actor_id else {
            continue;
        };
        let Some(actor) = crate::db::entities::remote_actor::Entity::find_by_id(actor_id)
            .one(&state.db)
            .await?
        else {
            continue;
        };
        if !super::handlers::is_followed(state, &RemoteActor::new(actor)?).await? {
            // Withdrawn, not deleted by its origin: `updated` keeps the origin's time, so that
            // following again (backfill) restores the entry, whereas an origin's Delete (which
            // moves `updated` to the deletion time) keeps older copies out.
            let version = r.version + 1;
            let mut a: entry::ActiveModel = r.into();
            a.deleted_at = Set(Some(Utc::now()));
            a.version = Set(version);
            a.update(&state.db).await?;
        }
    }
    Ok(())
}

/// Resolve what an administrator typed: a domain (its instance actor, by FEP-d556 WebFinger,
/// then NodeInfo's FEP-2677 link) or an actor URL.
pub async fn resolve_target(state: &AppState, target: &str) -> AppResult<RemoteActor> {
    let data = state.data().await?;
    let t = target.trim();
    let domain = Url::parse(t)
        .map(|u| super::super::urls::domain_of(&u))
        .unwrap_or_else(|_| t.to_ascii_lowercase());
    if let Some(reason) = state.moderation.refuses_domain(&domain) {
        return Err(AppError::field("target", reason));
    }
    if t.starts_with("http://") || t.starts_with("https://") {
        let url = Url::parse(t).map_err(|_| AppError::field("target", "not a valid URL"))?;
        if url.path() != "/" && !url.path().is_empty() {
            return remote::dereference(&data, &url).await;
        }
        return resolve_domain(state, &super::super::urls::domain_of(&url)).await;
    }
    if t.is_empty() || t.contains('/') || t.contains('@') || t.contains(' ') {
        return Err(AppError::field(
            "target",
            "give a domain (e.g. partner.example.org) or an actor URL",
        ));
    }
    resolve_domain(state, t).await
}

async fn resolve_domain(state: &AppState, domain: &str) -> AppResult<RemoteActor> {
    let data = state.data().await?;
    let scheme = state.config.scheme();
    let base = Url::parse(&format!("{scheme}://{domain}/"))
        .map_err(|_| AppError::field("target", "not a valid domain"))?;
    if state.urls.is_local(&base) {
        return Err(AppError::field("target", "that is this instance"));
    }
    // FEP-d556: WebFinger for the server itself.
    let mut wf = base
        .join(".well-known/webfinger")
        .map_err(|e| AppError::Internal(e.into()))?;
    wf.query_pairs_mut().append_pair("resource", base.as_str());
    let candidates = async {
        let resp = state
            .http
            .get(wf)
            .header("Accept", "application/jrd+json")
            .send()
            .await
            .ok()?;
        if !resp.status().is_success() {
            return None;
        }
        // A WebFinger document is small: a larger answer is not read further.
        let (body, complete) = super::delivery::read_limited(resp, 256 * 1024).await;
        if !complete {
            return None;
        }
        let jrd: Value = serde_json::from_slice(&body).ok()?;
        jrd.get("links")?.as_array()?.iter().find_map(|l| {
            (l.get("rel").and_then(Value::as_str) == Some("self"))
                .then(|| l.get("href").and_then(Value::as_str))?
                .map(str::to_string)
        })
    }
    .await;
    let actor_url = match candidates {
        Some(u) => Some(u),
        None => {
            async {
                let nodeinfo = base.join(".well-known/nodeinfo").ok()?;
                let doc: Value = state
                    .http
                    .get(nodeinfo)
                    .send()
                    .await
                    .ok()?
                    .json()
                    .await
                    .ok()?;
                doc.get("links")?.as_array()?.iter().find_map(|l| {
                    (l.get("rel").and_then(Value::as_str)
                        == Some("https://www.w3.org/ns/activitystreams#Application"))
                    .then(|| l.get("href").and_then(Value::as_str))?
                    .map(str::to_string)
                })
            }
            .await
        }
    };
    let actor_url = actor_url.ok_or_else(|| {
        AppError::field(
            "target",
            format!("no instance actor found at {domain} (WebFinger and NodeInfo)"),
        )
    })?;
    let url = Url::parse(&actor_url)
        .map_err(|_| AppError::field("target", "the instance actor URL is invalid"))?;
    remote::dereference(&data, &url).await
}
