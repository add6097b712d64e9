//! Administration API: instance follows, follow requests, the delivery queue; and the
//! follower requests of an organisation for its staff.
use axum::{
    Json, Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::{self, Role},
    app::Ctx,
    db::entities::{follower, following, remote_actor},
    error::{AppError, AppResult},
    federation::{delivery, follows, objects::rfc3339},
    http::auth::ApiUser,
    moderation::log::{self as modlog, Who},
};

pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/admin/instance-follows",
            get(list_follows).post(create_follow),
        )
        .route(
            "/api/v1/admin/instance-follows/{id}",
            axum::routing::delete(delete_follow),
        )
        .route("/api/v1/admin/instance-follow-requests", get(list_requests))
        .route(
            "/api/v1/admin/instance-follow-requests/{id}/accept",
            post(accept_request),
        )
        .route(
            "/api/v1/admin/instance-follow-requests/{id}/reject",
            post(reject_request),
        )
        .route("/api/v1/admin/deliveries", get(queue))
        .route(
            "/api/v1/organizations/{slug}/follow-requests",
            get(org_requests),
        )
        .route(
            "/api/v1/organizations/{slug}/follow-requests/{id}/accept",
            post(org_accept),
        )
        .route(
            "/api/v1/organizations/{slug}/follow-requests/{id}/reject",
            post(org_reject),
        )
}

fn following_json(f: &following::Model, actor: Option<&remote_actor::Model>) -> Value {
    json!({
        "id": f.id,
        "target": f.target_ap_id,
        "domain": actor.map(|a| a.domain.clone()),
        "state": f.state,
        "created_at": rfc3339(&f.created_at),
        "updated_at": rfc3339(&f.updated_at),
    })
}

async fn create_follow(ctx: Ctx, user: ApiUser, body: axum::body::Bytes) -> AppResult<Response> {
    user.require_admin()?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let target = match body.get("target") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        Some(_) => {
            return Err(AppError::field(
                "target",
                "must be a domain or an actor URL (a string)",
            ));
        }
        None => {
            return Err(AppError::field(
                "target",
                "required: a domain or an actor URL",
            ));
        }
    };
    let actor = follows::resolve_target(&ctx, &target).await?;
    let row = follows::follow(&ctx, &actor).await?;
    modlog::record(
        &ctx.db,
        &Who::from(&user.0),
        "instance_follow.create",
        &actor.row.ap_id,
        None,
        json!({ "id": row.id, "requested": target }),
    )
    .await?;
    tracing::info!(admin = %user.0.email, target = %actor.row.ap_id, "instance follow requested");
    let location = format!("/api/v1/admin/instance-follows/{}", row.id);
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
        Json(following_json(&row, Some(&actor.row))),
    )
        .into_response())
}

async fn list_follows(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    user.require_admin()?;
    let rows = following::Entity::find()
        .filter(following::Column::LocalActorApId.eq(ctx.urls.instance_actor().as_str()))
        .order_by_asc(following::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let mut items = Vec::new();
    for f in &rows {
        let a = remote_actor::Entity::find_by_id(f.remote_actor_id)
            .one(&ctx.db)
            .await?;
        items.push(following_json(f, a.as_ref()));
    }
    Ok(Json(json!({ "items": items })))
}

async fn delete_follow(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    user.require_admin()?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("instance follow"))?;
    let row = following::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("instance follow"))?;
    let target = row.target_ap_id.clone();
    follows::unfollow(&ctx, row).await?;
    modlog::record(
        &ctx.db,
        &Who::from(&user.0),
        "instance_follow.delete",
        &target,
        None,
        json!({ "id": id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn follower_json(ctx: &Ctx, f: &follower::Model) -> AppResult<Value> {
    let a = remote_actor::Entity::find_by_id(f.remote_actor_id)
        .one(&ctx.db)
        .await?;
    Ok(json!({
        "id": f.id,
        "actor": f.follower_ap_id,
        "domain": a.as_ref().map(|a| a.domain.clone()),
        "name": a.as_ref().and_then(|a| a.name.clone()),
        "type": a.as_ref().map(|a| a.actor_type.clone()),
        "state": f.state,
        "created_at": rfc3339(&f.created_at),
    }))
}

async fn pending_of(ctx: &Ctx, local_actor: &str) -> AppResult<Vec<Value>> {
    let rows = follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(local_actor))
        .filter(follower::Column::State.eq("pending"))
        .order_by_asc(follower::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let mut out = Vec::new();
    for f in &rows {
        out.push(follower_json(ctx, f).await?);
    }
    Ok(out)
}

async fn list_requests(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    user.require_admin()?;
    Ok(Json(
        json!({ "items": pending_of(&ctx, ctx.urls.instance_actor().as_str()).await? }),
    ))
}

pub(crate) async fn find_pending(
    ctx: &Ctx,
    local_actor: &str,
    id: &str,
) -> AppResult<follower::Model> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::not_found("follow request"))?;
    follower::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|f| f.local_actor_ap_id == local_actor && f.state == "pending")
        .ok_or_else(|| AppError::not_found("follow request"))
}

async fn accept_request(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    user.require_admin()?;
    let row = find_pending(&ctx, ctx.urls.instance_actor().as_str(), &id).await?;
    let (follower, row_id) = (row.follower_ap_id.clone(), row.id);
    follows::decide_follower(&ctx, row, true).await?;
    modlog::record(
        &ctx.db,
        &Who::from(&user.0),
        "instance_follow_request.accept",
        &follower,
        None,
        json!({ "id": row_id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn reject_request(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    user.require_admin()?;
    let row = find_pending(&ctx, ctx.urls.instance_actor().as_str(), &id).await?;
    let (follower, row_id) = (row.follower_ap_id.clone(), row.id);
    follows::decide_follower(&ctx, row, false).await?;
    modlog::record(
        &ctx.db,
        &Who::from(&user.0),
        "instance_follow_request.reject",
        &follower,
        None,
        json!({ "id": row_id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn queue(ctx: Ctx, user: ApiUser) -> AppResult<Json<delivery::QueueStats>> {
    match user.role() {
        Some(Role::Admin) | Some(Role::Moderator) => Ok(Json(delivery::stats(&ctx).await?)),
        _ => Err(AppError::Forbidden(
            "administrators and moderators only".into(),
        )),
    }
}

async fn org_for_staff(ctx: &Ctx, user: &ApiUser, slug: &str) -> AppResult<String> {
    let org = accounts::find_org(&ctx.db, slug)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    if !accounts::may_publish_for(&user.0, org.id) {
        return Err(AppError::Forbidden(format!("you are not staff of {slug}")));
    }
    Ok(ctx.urls.org(&org.slug).to_string())
}

async fn org_requests(ctx: Ctx, user: ApiUser, Path(slug): Path<String>) -> AppResult<Json<Value>> {
    let actor = org_for_staff(&ctx, &user, &slug).await?;
    Ok(Json(json!({ "items": pending_of(&ctx, &actor).await? })))
}

async fn org_accept(
    ctx: Ctx,
    user: ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let actor = org_for_staff(&ctx, &user, &slug).await?;
    let row = find_pending(&ctx, &actor, &id).await?;
    follows::decide_follower(&ctx, row, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn org_reject(
    ctx: Ctx,
    user: ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let actor = org_for_staff(&ctx, &user, &slug).await?;
    let row = find_pending(&ctx, &actor, &id).await?;
    follows::decide_follower(&ctx, row, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
