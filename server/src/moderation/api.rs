//! The moderation API. Moderators (and administrators) handle reports, removals and the review
//! queue; only administrators change the federation policy (domain blocks, the allow-list,
//! actor sanctions) and read the log. Editors get 403 everywhere here, no token 401.
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query},
    http::{Extensions, HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use url::Url;
use uuid::Uuid;

use super::{
    actions,
    log::{self, Who},
    policy::{Severity, normalize_domain},
    reports,
};
use crate::{
    accounts::Role,
    app::Ctx,
    db::entities::{
        actor_sanction, allowed_domain, domain_block, entry, moderation_log, remote_actor, report,
    },
    directory::{
        store::{PENDING_REVIEW, REMOVED},
        validate::FieldError,
    },
    error::{AppError, AppResult},
    federation::objects::rfc3339,
    http::{auth::ApiUser, entries::paging},
    urls::domain_of,
};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/reports", post(create_report))
        .route(
            "/api/v1/admin/domain-blocks",
            get(list_blocks).post(create_block),
        )
        .route("/api/v1/admin/domain-blocks/{id}", delete(delete_block))
        .route(
            "/api/v1/admin/allowed-domains",
            get(list_allowed).post(create_allowed),
        )
        .route("/api/v1/admin/allowed-domains/{id}", delete(delete_allowed))
        .route(
            "/api/v1/admin/actor-sanctions",
            get(list_sanctions).post(create_sanction),
        )
        .route(
            "/api/v1/admin/actor-sanctions/{id}",
            delete(delete_sanction),
        )
        .route("/api/v1/admin/entries/{id}/remove", post(remove_entry))
        .route("/api/v1/admin/entries/{id}/restore", post(restore_entry))
        .route("/api/v1/admin/entries/{id}/approve", post(approve_entry))
        .route("/api/v1/admin/review-queue", get(review_queue))
        .route("/api/v1/admin/reports", get(list_reports))
        .route("/api/v1/admin/reports/{id}/resolve", post(resolve_report))
        .route("/api/v1/admin/reports/{id}/forward", post(forward_report))
        .route("/api/v1/admin/log", get(list_log))
        .route("/api/v1/admin/log/export", get(export_log))
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn require_moderator(user: &ApiUser) -> AppResult<Who> {
    match user.role() {
        Some(Role::Admin) | Some(Role::Moderator) => Ok(Who::from(&user.0)),
        _ => Err(AppError::Forbidden(
            "moderators and administrators only".into(),
        )),
    }
}

fn require_admin(user: &ApiUser) -> AppResult<Who> {
    user.require_admin()?;
    Ok(Who::from(&user.0))
}

fn body_object(body: &Bytes) -> AppResult<Map<String, Value>> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(AppError::field("", "the body must be a JSON object")),
        Err(e) => Err(AppError::BadRequest(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// An optional string field, at most `max` characters.
fn opt_string(
    body: &Map<String, Value>,
    field: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= max => {
            Some(s.trim().to_string()).filter(|s| !s.is_empty())
        }
        Some(Value::String(_)) => {
            errors.push(FieldError::new(field, format!("at most {max} characters")));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(field, "must be a string"));
            None
        }
    }
}

fn done(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn parse_id(id: &str, what: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found(what))
}

fn severity_field(body: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Severity> {
    match body
        .get("severity")
        .and_then(Value::as_str)
        .map(Severity::parse)
    {
        Some(Some(s)) => Some(s),
        _ => {
            errors.push(FieldError::new(
                "severity",
                "required: \"suspend\" or \"limit\"",
            ));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Domain blocks
// ---------------------------------------------------------------------------------------------

fn block_json(b: &domain_block::Model) -> Value {
    json!({
        "id": b.id,
        "domain": b.domain,
        "severity": b.severity,
        "public_reason": b.public_reason,
        "private_reason": b.private_reason,
        "expires_at": b.expires_at.as_ref().map(rfc3339),
        "expired": b.expires_at.is_some_and(|e| e <= Utc::now()),
        "created_at": rfc3339(&b.created_at),
        "created_by": b.created_by,
    })
}

async fn list_blocks(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    require_moderator(&user)?;
    let rows = domain_block::Entity::find()
        .order_by_asc(domain_block::Column::Domain)
        .all(&ctx.db)
        .await?;
    Ok(Json(
        json!({ "items": rows.iter().map(block_json).collect::<Vec<_>>() }),
    ))
}

/// Create a block (the effects are applied at once) — also used by report resolutions.
pub async fn add_block(
    ctx: &Ctx,
    who: &Who,
    domain: String,
    severity: Severity,
    public_reason: Option<String>,
    private_reason: Option<String>,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<domain_block::Model> {
    if domain.eq_ignore_ascii_case(&ctx.urls.domain()) {
        return Err(AppError::field("domain", "that is this instance"));
    }
    if domain_block::Entity::find()
        .filter(domain_block::Column::Domain.eq(&domain))
        .one(&ctx.db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{domain} is already blocked: delete that block first"
        )));
    }
    let row = domain_block::ActiveModel {
        id: Set(Uuid::now_v7()),
        domain: Set(domain.clone()),
        severity: Set(severity.as_str().into()),
        public_reason: Set(public_reason),
        private_reason: Set(private_reason),
        expires_at: Set(expires_at),
        created_at: Set(Utc::now()),
        created_by: Set(who.email.clone()),
    }
    .insert(&ctx.db)
    .await?;
    ctx.moderation.refresh(&ctx.db).await?;
    actions::apply_domain_block(ctx, &domain, severity).await?;
    log::record(
        &ctx.db,
        who,
        "domain_block.create",
        &domain,
        row.private_reason
            .as_deref()
            .or(row.public_reason.as_deref()),
        json!({
            "id": row.id,
            "severity": row.severity,
            "public_reason": row.public_reason,
            "private_reason": row.private_reason,
            "expires_at": row.expires_at.as_ref().map(rfc3339),
        }),
    )
    .await?;
    Ok(row)
}

async fn create_block(ctx: Ctx, user: ApiUser, body: Bytes) -> AppResult<Response> {
    let who = require_admin(&user)?;
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let domain = match body
        .get("domain")
        .and_then(Value::as_str)
        .map(normalize_domain)
    {
        Some(Some(d)) => Some(d),
        _ => {
            errors.push(FieldError::new(
                "domain",
                "required: a domain name such as spam.example",
            ));
            None
        }
    };
    let severity = severity_field(&body, &mut errors);
    let public_reason = opt_string(&body, "public_reason", 1000, &mut errors);
    let private_reason = opt_string(&body, "private_reason", 1000, &mut errors);
    let expires_at = match body.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
            Ok(d) if d.with_timezone(&Utc) > Utc::now() => Some(d.with_timezone(&Utc)),
            Ok(_) => {
                errors.push(FieldError::new("expires_at", "must be in the future"));
                None
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "expires_at",
                    "must be an RFC 3339 date-time",
                ));
                None
            }
        },
        Some(_) => {
            errors.push(FieldError::new(
                "expires_at",
                "must be an RFC 3339 date-time",
            ));
            None
        }
    };
    done(errors)?;
    let (Some(domain), Some(severity)) = (domain, severity) else {
        return Err(AppError::BadRequest("invalid block".into()));
    };
    let row = add_block(
        &ctx,
        &who,
        domain,
        severity,
        public_reason,
        private_reason,
        expires_at,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/admin/domain-blocks/{}", row.id),
        )],
        Json(block_json(&row)),
    )
        .into_response())
}

async fn delete_block(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    let who = require_admin(&user)?;
    let id = parse_id(&id, "domain block")?;
    remove_block(&ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a domain block (its effects are lifted at once) and log it.
pub async fn remove_block(ctx: &Ctx, who: &Who, id: Uuid) -> AppResult<()> {
    let row = domain_block::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("domain block"))?;
    domain_block::Entity::delete_by_id(id).exec(&ctx.db).await?;
    ctx.moderation.refresh(&ctx.db).await?;
    actions::lift_domain_block(ctx, &row.domain).await?;
    log::record(
        &ctx.db,
        who,
        "domain_block.delete",
        &row.domain,
        None,
        json!({ "id": row.id, "severity": row.severity }),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Allow-list
// ---------------------------------------------------------------------------------------------

fn allowed_json(a: &allowed_domain::Model) -> Value {
    json!({
        "id": a.id,
        "domain": a.domain,
        "created_at": rfc3339(&a.created_at),
        "created_by": a.created_by,
    })
}

async fn list_allowed(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    require_moderator(&user)?;
    let rows = allowed_domain::Entity::find()
        .order_by_asc(allowed_domain::Column::Domain)
        .all(&ctx.db)
        .await?;
    Ok(Json(json!({
        "mode": match ctx.moderation.mode() {
            crate::config::FederationMode::Open => "open",
            crate::config::FederationMode::Allowlist => "allowlist",
        },
        "items": rows.iter().map(allowed_json).collect::<Vec<_>>(),
    })))
}

async fn create_allowed(ctx: Ctx, user: ApiUser, body: Bytes) -> AppResult<Response> {
    let who = require_admin(&user)?;
    let body = body_object(&body)?;
    let domain = body
        .get("domain")
        .and_then(Value::as_str)
        .and_then(normalize_domain)
        .ok_or_else(|| AppError::field("domain", "required: a domain name"))?;
    if allowed_domain::Entity::find()
        .filter(allowed_domain::Column::Domain.eq(&domain))
        .one(&ctx.db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!("{domain} is already allowed")));
    }
    let row = allowed_domain::ActiveModel {
        id: Set(Uuid::now_v7()),
        domain: Set(domain.clone()),
        created_at: Set(Utc::now()),
        created_by: Set(who.email.clone()),
    }
    .insert(&ctx.db)
    .await?;
    ctx.moderation.refresh(&ctx.db).await?;
    log::record(
        &ctx.db,
        &who,
        "allowed_domain.create",
        &domain,
        None,
        json!({ "id": row.id }),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(allowed_json(&row))).into_response())
}

async fn delete_allowed(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    let who = require_admin(&user)?;
    let id = parse_id(&id, "allowed domain")?;
    let row = allowed_domain::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("allowed domain"))?;
    allowed_domain::Entity::delete_by_id(id)
        .exec(&ctx.db)
        .await?;
    ctx.moderation.refresh(&ctx.db).await?;
    log::record(
        &ctx.db,
        &who,
        "allowed_domain.delete",
        &row.domain,
        None,
        json!({ "id": row.id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Sanctions on single remote actors
// ---------------------------------------------------------------------------------------------

fn sanction_json(s: &actor_sanction::Model) -> Value {
    json!({
        "id": s.id,
        "actor": s.ap_id,
        "severity": s.severity,
        "reason": s.reason,
        "created_at": rfc3339(&s.created_at),
        "created_by": s.created_by,
    })
}

async fn list_sanctions(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    require_moderator(&user)?;
    let rows = actor_sanction::Entity::find()
        .order_by_asc(actor_sanction::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    Ok(Json(
        json!({ "items": rows.iter().map(sanction_json).collect::<Vec<_>>() }),
    ))
}

async fn create_sanction(ctx: Ctx, user: ApiUser, body: Bytes) -> AppResult<Response> {
    let who = require_admin(&user)?;
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let actor = match body.get("actor").and_then(Value::as_str).map(Url::parse) {
        Some(Ok(u)) if !ctx.urls.is_local(&u) => Some(u),
        _ => {
            errors.push(FieldError::new(
                "actor",
                "required: the ActivityPub id (URL) of a remote actor",
            ));
            None
        }
    };
    let severity = severity_field(&body, &mut errors);
    let reason = opt_string(&body, "reason", 1000, &mut errors);
    done(errors)?;
    let (Some(actor), Some(severity)) = (actor, severity) else {
        return Err(AppError::BadRequest("invalid sanction".into()));
    };
    let row = add_sanction(&ctx, &who, actor, severity, reason).await?;
    Ok((StatusCode::CREATED, Json(sanction_json(&row))).into_response())
}

/// Suspend or limit one remote actor (applied at once to what we hold of it) and log it.
pub async fn add_sanction(
    ctx: &Ctx,
    who: &Who,
    actor: Url,
    severity: Severity,
    reason: Option<String>,
) -> AppResult<actor_sanction::Model> {
    if actor_sanction::Entity::find()
        .filter(actor_sanction::Column::ApId.eq(actor.as_str()))
        .one(&ctx.db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{actor} is already sanctioned: delete that sanction first"
        )));
    }
    let row = actor_sanction::ActiveModel {
        id: Set(Uuid::now_v7()),
        ap_id: Set(actor.to_string()),
        severity: Set(severity.as_str().into()),
        reason: Set(reason),
        created_at: Set(Utc::now()),
        created_by: Set(who.email.clone()),
    }
    .insert(&ctx.db)
    .await?;
    ctx.moderation.refresh(&ctx.db).await?;
    if let Some(known) = remote_actor::Entity::find()
        .filter(remote_actor::Column::ApId.eq(actor.as_str()))
        .one(&ctx.db)
        .await?
    {
        actions::apply_actor_sanction(ctx, &known, severity).await?;
    }
    log::record(
        &ctx.db,
        who,
        "actor_sanction.create",
        actor.as_str(),
        row.reason.as_deref(),
        json!({ "id": row.id, "severity": row.severity }),
    )
    .await?;
    Ok(row)
}

async fn delete_sanction(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<StatusCode> {
    let who = require_admin(&user)?;
    let id = parse_id(&id, "actor sanction")?;
    remove_sanction(&ctx, &who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lift a sanction on a remote actor and log it.
pub async fn remove_sanction(ctx: &Ctx, who: &Who, id: Uuid) -> AppResult<()> {
    let row = actor_sanction::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("actor sanction"))?;
    actor_sanction::Entity::delete_by_id(id)
        .exec(&ctx.db)
        .await?;
    ctx.moderation.refresh(&ctx.db).await?;
    if let Some(known) = remote_actor::Entity::find()
        .filter(remote_actor::Column::ApId.eq(&row.ap_id))
        .one(&ctx.db)
        .await?
    {
        actions::lift_actor_sanction(ctx, known.id).await?;
    }
    log::record(
        &ctx.db,
        who,
        "actor_sanction.delete",
        &row.ap_id,
        None,
        json!({ "id": row.id, "severity": row.severity }),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Entries: remove, restore, review
// ---------------------------------------------------------------------------------------------

fn moderated_json(e: &entry::Model) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind,
        "ap_id": e.ap_id,
        "url": e.url,
        "local": e.local,
        "origin_domain": e.origin_domain,
        "moderation_state": e.moderation_state,
        "published": rfc3339(&e.published),
        "updated": rfc3339(&e.updated),
    })
}

async fn load_entry(ctx: &Ctx, id: &str) -> AppResult<entry::Model> {
    let id = parse_id(id, "entry")?;
    entry::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("entry"))
}

/// Remove an entry (hidden at once; kept removed through later Updates and backfills).
pub async fn remove(
    ctx: &Ctx,
    who: &Who,
    e: entry::Model,
    reason: Option<&str>,
) -> AppResult<entry::Model> {
    let previous = e.moderation_state.clone();
    let was_shown = previous != REMOVED && previous != PENDING_REVIEW;
    let e = actions::set_state(ctx, e, REMOVED).await?;
    actions::federate_local_visibility(ctx, &e, was_shown).await?;
    log::record(
        &ctx.db,
        who,
        "entry.remove",
        &e.ap_id,
        reason,
        json!({ "entry_id": e.id, "previous_state": previous }),
    )
    .await?;
    Ok(e)
}

async fn remove_entry(
    ctx: Ctx,
    user: ApiUser,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let who = require_moderator(&user)?;
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let reason = opt_string(&body, "reason", 1000, &mut errors);
    done(errors)?;
    let e = load_entry(&ctx, &id).await?;
    if e.moderation_state == REMOVED {
        return Err(AppError::Conflict("this entry is already removed".into()));
    }
    let e = remove(&ctx, &who, e, reason.as_deref()).await?;
    Ok(Json(moderated_json(&e)))
}

async fn restore_entry(
    ctx: Ctx,
    user: ApiUser,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let who = require_moderator(&user)?;
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let reason = opt_string(&body, "reason", 1000, &mut errors);
    done(errors)?;
    let e = load_entry(&ctx, &id).await?;
    let e = restore(&ctx, &who, e, reason.as_deref()).await?;
    Ok(Json(moderated_json(&e)))
}

/// Restore a removed entry (shown again, federated again if local) and log it.
pub async fn restore(
    ctx: &Ctx,
    who: &Who,
    e: entry::Model,
    reason: Option<&str>,
) -> AppResult<entry::Model> {
    if e.moderation_state != REMOVED {
        return Err(AppError::Conflict("this entry is not removed".into()));
    }
    let shown = actions::shown_state(ctx, &e).await?;
    let e = actions::set_state(ctx, e, shown).await?;
    actions::federate_local_visibility(ctx, &e, false).await?;
    log::record(
        &ctx.db,
        who,
        "entry.restore",
        &e.ap_id,
        reason,
        json!({ "entry_id": e.id, "state": shown }),
    )
    .await?;
    Ok(e)
}

async fn approve_entry(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let who = require_moderator(&user)?;
    let e = load_entry(&ctx, &id).await?;
    let e = approve(&ctx, &who, e).await?;
    Ok(Json(moderated_json(&e)))
}

/// Approve an entry of the review queue (it appears) and log it.
pub async fn approve(ctx: &Ctx, who: &Who, e: entry::Model) -> AppResult<entry::Model> {
    if e.moderation_state != PENDING_REVIEW {
        return Err(AppError::Conflict(
            "this entry is not waiting for review".into(),
        ));
    }
    let shown = actions::shown_state(ctx, &e).await?;
    let e = actions::set_state(ctx, e, shown).await?;
    log::record(
        &ctx.db,
        who,
        "entry.approve",
        &e.ap_id,
        None,
        json!({ "entry_id": e.id, "state": shown }),
    )
    .await?;
    Ok(e)
}

/// The entries waiting for review, oldest first.
pub async fn pending_entries(ctx: &Ctx) -> AppResult<Vec<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::ModerationState.eq(PENDING_REVIEW))
        .filter(entry::Column::DeletedAt.is_null())
        .order_by_asc(entry::Column::Published)
        .all(&ctx.db)
        .await?)
}

async fn review_queue(ctx: Ctx, user: ApiUser) -> AppResult<Json<Value>> {
    require_moderator(&user)?;
    let rows = pending_entries(&ctx).await?;
    Ok(Json(
        json!({ "items": rows.iter().map(moderated_json).collect::<Vec<_>>() }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

async fn create_report(
    ctx: Ctx,
    ext: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    if !ctx.report_limiter.allow(ctx.client_ip(&ext, &headers)) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(
                header::RETRY_AFTER,
                ctx.config.moderation.report_refill_secs.to_string(),
            )],
            Json(json!({ "error": "too many reports from this address: try again later" })),
        )
            .into_response());
    }
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let target = match body.get("target") {
        Some(Value::String(s)) if Url::parse(s).is_ok() => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::new(
                "target",
                "must be the ActivityPub id (URL) of an entry or an organisation",
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                "target",
                "required: the ActivityPub id (URL) of an entry or an organisation",
            ));
            None
        }
    };
    let category = match body.get("category").and_then(Value::as_str) {
        Some(c) if reports::CATEGORIES.contains(&c) => Some(c.to_string()),
        _ => {
            errors.push(FieldError::new(
                "category",
                format!("required: one of {}", reports::CATEGORIES.join(", ")),
            ));
            None
        }
    };
    let comment = opt_string(&body, "comment", reports::MAX_COMMENT, &mut errors);
    for key in body.keys() {
        if !["target", "category", "comment"].contains(&key.as_str()) {
            errors.push(FieldError::new(key, "unknown field"));
        }
    }
    done(errors)?;
    let (Some(target), Some(category)) = (target, category) else {
        return Err(AppError::BadRequest("invalid report".into()));
    };
    let row = submit_report(&ctx, &target, &category, comment.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": row.id, "state": row.state })),
    )
        .into_response())
}

/// Store an anonymous report (the JSON API and the public form; both rate-limit first).
pub async fn submit_report(
    ctx: &Ctx,
    target: &str,
    category: &str,
    comment: Option<&str>,
) -> AppResult<report::Model> {
    if !reports::CATEGORIES.contains(&category) {
        return Err(AppError::field(
            "category",
            format!("required: one of {}", reports::CATEGORIES.join(", ")),
        ));
    }
    let resolved = reports::resolve_target(ctx, target)
        .await?
        .ok_or_else(|| AppError::field("target", "no entry or organisation with this id here"))?;
    reports::insert(
        &ctx.db,
        resolved,
        category,
        comment.unwrap_or_default(),
        None,
        None,
    )
    .await
    .map_err(AppError::from)
}

fn report_json(r: &report::Model) -> Value {
    json!({
        "id": r.id,
        "target": r.target,
        "entry_id": r.entry_id,
        "category": r.category,
        "comment": r.comment,
        "origin": r.origin,
        "reporter_actor": r.reporter_actor,
        "reporter_domain": r.reporter_domain,
        "state": r.state,
        "resolution_note": r.resolution_note,
        "resolution_action": r.resolution_action,
        "resolved_by": r.resolved_by,
        "resolved_at": r.resolved_at.as_ref().map(rfc3339),
        "forwarded_at": r.forwarded_at.as_ref().map(rfc3339),
        "created_at": rfc3339(&r.created_at),
    })
}

#[derive(Deserialize)]
pub struct ReportsQuery {
    state: Option<String>,
}

async fn list_reports(
    ctx: Ctx,
    user: ApiUser,
    Query(q): Query<ReportsQuery>,
) -> AppResult<Json<Value>> {
    require_moderator(&user)?;
    let rows = list_reports_in(&ctx, q.state.as_deref()).await?;
    Ok(Json(
        json!({ "items": rows.iter().map(report_json).collect::<Vec<_>>() }),
    ))
}

/// Reports in a state (`open`, the default, `resolved` or `all`), newest first.
pub async fn list_reports_in(ctx: &Ctx, state: Option<&str>) -> AppResult<Vec<report::Model>> {
    let mut find = report::Entity::find();
    match state {
        None | Some("open") => find = find.filter(report::Column::State.eq("open")),
        Some("resolved") => find = find.filter(report::Column::State.eq("resolved")),
        Some("all") => {}
        Some(_) => {
            return Err(AppError::field(
                "state",
                "one of open (the default), resolved, all",
            ));
        }
    }
    Ok(find
        .order_by_desc(report::Column::CreatedAt)
        .all(&ctx.db)
        .await?)
}

pub async fn load_report(ctx: &Ctx, id: &str) -> AppResult<report::Model> {
    let id = parse_id(id, "report")?;
    report::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::not_found("report"))
}

pub const RESOLUTIONS: [&str; 4] = ["none", "remove_entry", "limit_domain", "block_domain"];

async fn resolve_report(
    ctx: Ctx,
    user: ApiUser,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let who = require_moderator(&user)?;
    let body = body_object(&body)?;
    let mut errors = Vec::new();
    let note = opt_string(&body, "note", 2000, &mut errors);
    let action = match body.get("action") {
        None | Some(Value::Null) => "none".to_string(),
        Some(Value::String(a)) if RESOLUTIONS.contains(&a.as_str()) => a.clone(),
        Some(_) => {
            errors.push(FieldError::new(
                "action",
                format!("one of {}", RESOLUTIONS.join(", ")),
            ));
            String::new()
        }
    };
    done(errors)?;
    let r = load_report(&ctx, &id).await?;
    let r = resolve(&ctx, &who, r, note, &action).await?;
    Ok(Json(report_json(&r)))
}

/// Resolve a report with an optional note and action (`none`, `remove_entry`, and for
/// administrators `limit_domain`, `block_domain`), and log it.
pub async fn resolve(
    ctx: &Ctx,
    who: &Who,
    r: report::Model,
    note: Option<String>,
    action: &str,
) -> AppResult<report::Model> {
    if !RESOLUTIONS.contains(&action) {
        return Err(AppError::field(
            "action",
            format!("one of {}", RESOLUTIONS.join(", ")),
        ));
    }
    if r.state == "resolved" {
        return Err(AppError::Conflict("this report is already resolved".into()));
    }
    let target_entry = match r.entry_id {
        Some(id) => entry::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let reason = note
        .clone()
        .unwrap_or_else(|| format!("report {} ({})", r.id, r.category));
    match action {
        "remove_entry" => {
            let e = target_entry
                .ok_or_else(|| AppError::field("action", "this report is not about an entry"))?;
            if e.moderation_state != REMOVED {
                remove(ctx, who, e, Some(&reason)).await?;
            }
        }
        "limit_domain" | "block_domain" => {
            if Role::parse(&who.role) != Some(Role::Admin) {
                return Err(AppError::Forbidden("administrators only".into()));
            }
            let domain = match &target_entry {
                Some(e) => e.origin_domain.clone(),
                None => Url::parse(&r.target)
                    .map(|u| domain_of(&u))
                    .unwrap_or_default(),
            };
            if domain.is_empty() || domain.eq_ignore_ascii_case(&ctx.urls.domain()) {
                return Err(AppError::field(
                    "action",
                    "the reported content is ours: there is no domain to block",
                ));
            }
            let severity = if action == "block_domain" {
                Severity::Suspend
            } else {
                Severity::Limit
            };
            add_block(ctx, who, domain, severity, None, Some(reason), None).await?;
        }
        _ => {}
    }
    let mut a: report::ActiveModel = r.into();
    a.state = Set("resolved".into());
    a.resolution_note = Set(note.clone());
    a.resolution_action = Set(Some(action.to_string()));
    a.resolved_by = Set(Some(who.email.clone()));
    a.resolved_at = Set(Some(Utc::now()));
    let r = a.update(&ctx.db).await?;
    log::record(
        &ctx.db,
        who,
        "report.resolve",
        &r.target,
        note.as_deref(),
        json!({ "report_id": r.id, "action": action, "category": r.category }),
    )
    .await?;
    Ok(r)
}

async fn forward_report(ctx: Ctx, user: ApiUser, Path(id): Path<String>) -> AppResult<Response> {
    let who = require_moderator(&user)?;
    let r = load_report(&ctx, &id).await?;
    let flag = forward(&ctx, &who, &r).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "flag": flag }))).into_response())
}

/// Forward a report to the origin of its entry as a `Flag` of our instance actor, and log it.
pub async fn forward(ctx: &Ctx, who: &Who, r: &report::Model) -> AppResult<Value> {
    let flag = reports::forward(ctx, r).await?;
    log::record(
        &ctx.db,
        who,
        "report.forward",
        &r.target,
        None,
        json!({ "report_id": r.id, "flag": flag.get("id") }),
    )
    .await?;
    Ok(flag)
}

// ---------------------------------------------------------------------------------------------
// The log
// ---------------------------------------------------------------------------------------------

fn log_json(l: &moderation_log::Model) -> Value {
    json!({
        "id": l.id,
        "at": rfc3339(&l.at),
        "actor": { "email": l.actor_email, "role": l.actor_role },
        "action": l.action,
        "target": l.target,
        "reason": l.reason,
        "details": serde_json::from_str::<Value>(&l.details).unwrap_or(Value::Null),
    })
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub action: Option<String>,
    pub format: Option<String>,
    /// Only what this person (email) did (the web page's filter).
    pub actor: Option<String>,
    /// Only actions whose target contains this text (the web page's filter).
    pub target: Option<String>,
}

pub fn log_query(q: &LogQuery) -> sea_orm::Select<moderation_log::Entity> {
    let mut find = moderation_log::Entity::find();
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty()) {
        find = find.filter(moderation_log::Column::Action.eq(a));
    }
    if let Some(a) = q.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        find = find.filter(moderation_log::Column::ActorEmail.eq(a.to_lowercase()));
    }
    if let Some(t) = q.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        find = find.filter(moderation_log::Column::Target.contains(t));
    }
    find.order_by_desc(moderation_log::Column::At)
        .order_by_desc(moderation_log::Column::Id)
}

async fn list_log(ctx: Ctx, user: ApiUser, Query(q): Query<LogQuery>) -> AppResult<Json<Value>> {
    require_admin(&user)?;
    let (page, per_page) = paging(q.page.as_deref(), q.per_page.as_deref())?;
    let total = log_query(&q).count(&ctx.db).await?;
    let rows = log_query(&q)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&ctx.db)
        .await?;
    Ok(Json(json!({
        "items": rows.iter().map(log_json).collect::<Vec<_>>(),
        "page": page,
        "per_page": per_page,
        "total": total,
    })))
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

async fn export_log(ctx: Ctx, user: ApiUser, Query(q): Query<LogQuery>) -> AppResult<Response> {
    require_admin(&user)?;
    log_export(&ctx, &q).await
}

/// The log (filtered as `q` says) as a CSV or JSON download.
pub async fn log_export(ctx: &Ctx, q: &LogQuery) -> AppResult<Response> {
    let format = q.format.as_deref().unwrap_or("json");
    if format != "json" && format != "csv" {
        return Err(AppError::field("format", "csv or json"));
    }
    let rows = log_query(q).all(&ctx.db).await?;
    if format == "json" {
        let items: Vec<Value> = rows.iter().map(log_json).collect();
        return Ok((
            [(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"moderation-log.json\"",
            )],
            Json(Value::Array(items)),
        )
            .into_response());
    }
    let mut out = String::from("id,at,actor_email,actor_role,action,target,reason,details\r\n");
    for l in &rows {
        let fields = [
            l.id.to_string(),
            rfc3339(&l.at),
            l.actor_email.clone(),
            l.actor_role.clone(),
            l.action.clone(),
            l.target.clone(),
            l.reason.clone().unwrap_or_default(),
            l.details.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"moderation-log.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
