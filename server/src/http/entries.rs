//! The directory's JSON API (`/api/v1/services|events|offers`) and the entries' ActivityPub
//! objects at their ids.
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::Utc;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{
    AppState, accounts,
    app::Ctx,
    db::entities::{entry, organization, remote_actor},
    directory::{
        model::{Entry, Kind},
        store::{self, Origin},
        validate::{self, Context, FieldError},
    },
    error::{AppError, AppResult},
    federation::{
        self,
        objects::{Author, entry_object, rfc3339, tombstone},
    },
    http::{
        auth::{ApiUser, MaybeApiUser},
        negotiate::{Wants, activity_json, wants},
    },
};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/{kind}", get(list).post(create))
        .route(
            "/api/v1/{kind}/{id}",
            get(show).put(replace).patch(patch).delete(remove),
        )
        .route("/services/{id}", get(object_service))
        .route("/events/{id}", get(object_event))
        .route("/offers/{id}", get(object_offer))
        .route("/activities/{id}", get(activity_doc))
        .route("/ns", get(context_doc))
        .layer(DefaultBodyLimit::max(1024 * 1024))
}

fn parse_kind(s: &str) -> AppResult<Kind> {
    match s {
        "services" => Ok(Kind::Service),
        "events" => Ok(Kind::Event),
        "offers" => Ok(Kind::Offer),
        _ => Err(AppError::NotFound(format!("no such collection: {s}"))),
    }
}

fn parse_body(body: &Bytes) -> AppResult<Value> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(AppError::field("", "the body must be a JSON object"));
    }
    Ok(v)
}

/// What an API client sees of an entry: its public view plus identity and origin.
pub async fn entry_json(
    db: &DatabaseConnection,
    state: &AppState,
    row: &entry::Model,
) -> AppResult<Value> {
    entry_json_as(db, state, row, false).await
}

/// As [`entry_json`]; with `full`, the whole record (hidden locations included), for the staff
/// of the publishing organisation, so that what they GET can be PUT back without loss.
pub async fn entry_json_as(
    db: &DatabaseConnection,
    state: &AppState,
    row: &entry::Model,
    full: bool,
) -> AppResult<Value> {
    let entry = store::parse(row)?;
    let public = if full { entry } else { entry.public_view() };
    let mut obj = match serde_json::to_value(&public).map_err(anyhow::Error::from)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let (org_slug, actor) = if let Some(org_id) = row.organization_id {
        let org = accounts::find_org_by_id(db, org_id).await?;
        (
            org.as_ref().map(|o| o.slug.clone()),
            org.map(|o| state.urls.org(&o.slug).to_string()),
        )
    } else if let Some(ra) = row.remote_actor_id {
        use sea_orm::EntityTrait;
        let a = remote_actor::Entity::find_by_id(ra).one(db).await?;
        (None, a.map(|a| a.ap_id))
    } else {
        (None, None)
    };
    let mut out = Map::new();
    out.insert("id".into(), json!(row.id));
    out.insert("ap_id".into(), json!(row.ap_id));
    out.insert("kind".into(), json!(row.kind));
    out.insert("organization".into(), json!(org_slug));
    out.insert(
        "origin".into(),
        json!({ "local": row.local, "domain": row.origin_domain, "actor": actor, "url": row.url }),
    );
    out.insert("published".into(), json!(rfc3339(&row.published)));
    out.insert("updated".into(), json!(rfc3339(&row.updated)));
    obj.remove("kind");
    out.extend(obj);
    Ok(Value::Object(out))
}

pub fn author(state: &AppState, org: &organization::Model) -> Author {
    Author {
        actor: state.urls.org(&org.slug),
        followers: state.urls.org_followers(&org.slug),
        default_language: org.default_language.clone(),
    }
}

async fn org_for_write(ctx: &Ctx, user: &ApiUser, body: &Value) -> AppResult<organization::Model> {
    let slug = match body.get("organization") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => {
            return Err(AppError::field(
                "organization",
                "must be the slug of an organisation",
            ));
        }
        None => {
            return Err(AppError::field(
                "organization",
                "required: the slug of the publishing organisation",
            ));
        }
    };
    let org = accounts::find_org(&ctx.db, &slug).await?.ok_or_else(|| {
        AppError::field(
            "organization",
            format!("no organisation with slug {slug:?}"),
        )
    })?;
    if !accounts::may_publish_for(&user.0, org.id) {
        return Err(AppError::Forbidden(format!(
            "you may not publish for {slug}"
        )));
    }
    Ok(org)
}

fn validate_for(kind: Kind, body: &Value, org: &organization::Model) -> AppResult<Entry> {
    validate::validate(
        kind,
        body,
        &Context {
            default_language: &org.default_language,
        },
    )
    .map_err(AppError::Validation)
}

async fn create(
    ctx: Ctx,
    Path(kind): Path<String>,
    user: ApiUser,
    body: Bytes,
) -> AppResult<Response> {
    let kind = parse_kind(&kind)?;
    let body = parse_body(&body)?;
    let org = org_for_write(&ctx, &user, &body).await?;
    let entry = validate_for(kind, &body, &org)?;
    let row = create_local_entry(&ctx, &org, &entry).await?;
    let json = entry_json(&ctx.db, &ctx, &row).await?;
    let location = format!("/api/v1/{}/{}", kind.plural(), row.id);
    let mut resp = (StatusCode::CREATED, Json(json)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Store a new local entry and publish its `Create`, in one transaction.
pub async fn create_local_entry(
    state: &AppState,
    org: &organization::Model,
    entry: &Entry,
) -> AppResult<entry::Model> {
    let txn = crate::db::begin_write(&state.db).await?;
    let row = insert_local_entry(&txn, state, org, entry).await?;
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(row)
}

/// As [`create_local_entry`], inside the caller's transaction (the caller commits, then wakes
/// the delivery worker).
pub async fn insert_local_entry(
    txn: &DatabaseTransaction,
    state: &AppState,
    org: &organization::Model,
    entry: &Entry,
) -> AppResult<entry::Model> {
    let id = Uuid::now_v7();
    let ap_id = state.urls.entry(entry.kind(), id).to_string();
    let now = Utc::now();
    let row = store::insert(
        txn,
        Origin {
            id,
            ap_id: ap_id.clone(),
            url: ap_id,
            organization_id: Some(org.id),
            remote_actor_id: None,
            origin_domain: state.urls.domain(),
            local: true,
            published: now,
            updated: now,
        },
        entry,
    )
    .await?;
    if !entry.safety().do_not_federate {
        let a = author(state, org);
        let object = entry_object(state, &row, entry, &a);
        federation::outbox::publish(txn, state, &a.actor, &a.followers, "Create", object).await?;
    }
    federation::topics::announce_entry(txn, state, &row).await?;
    Ok(row)
}

async fn load_local_for_write(
    ctx: &Ctx,
    user: &ApiUser,
    kind: Kind,
    id: &str,
) -> AppResult<(entry::Model, organization::Model)> {
    let row = load_row(ctx, kind, id).await?;
    if row.deleted_at.is_some() {
        return Err(AppError::NotFound(format!(
            "{} {id} was deleted",
            kind.as_str()
        )));
    }
    let Some(org_id) = row.organization_id.filter(|_| row.local) else {
        return Err(AppError::Forbidden(
            "federated entries are changed by their origin instance".into(),
        ));
    };
    let org = accounts::find_org_by_id(&ctx.db, org_id)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    if !accounts::may_publish_for(&user.0, org.id) {
        return Err(AppError::Forbidden(format!(
            "you may not publish for {}",
            org.slug
        )));
    }
    Ok((row, org))
}

async fn load_row(ctx: &Ctx, kind: Kind, id: &str) -> AppResult<entry::Model> {
    let uuid = Uuid::parse_str(id)
        .map_err(|_| AppError::NotFound(format!("no {} with id {id}", kind.as_str())))?;
    let row = store::get(&ctx.db, uuid)
        .await?
        .filter(|r| r.kind == kind.as_str())
        .ok_or_else(|| AppError::NotFound(format!("no {} with id {id}", kind.as_str())))?;
    Ok(row)
}

/// Replace a local entry's record and publish what followers need to know: `Update`, or
/// `Create`/`Delete` when the do-not-federate flag changed.
pub async fn update_local_entry(
    state: &AppState,
    org: &organization::Model,
    row: entry::Model,
    entry: &Entry,
) -> AppResult<entry::Model> {
    let txn = crate::db::begin_write(&state.db).await?;
    let row = replace_local_entry(&txn, state, org, row, entry).await?;
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(row)
}

/// As [`update_local_entry`], inside the caller's transaction (the caller commits, then wakes
/// the delivery worker).
pub async fn replace_local_entry(
    txn: &DatabaseTransaction,
    state: &AppState,
    org: &organization::Model,
    row: entry::Model,
    entry: &Entry,
) -> AppResult<entry::Model> {
    // An entry a moderator removed stays unknown to followers while its editors change it.
    let removed = row.moderation_state == store::REMOVED;
    let was_federated = !row.do_not_federate && !removed;
    let row = store::update(txn, row, entry, Utc::now()).await?;
    let a = author(state, org);
    match (was_federated, !entry.safety().do_not_federate && !removed) {
        (true, true) => {
            let object = entry_object(state, &row, entry, &a);
            federation::outbox::publish(txn, state, &a.actor, &a.followers, "Update", object)
                .await?;
        }
        (false, true) => {
            let object = entry_object(state, &row, entry, &a);
            federation::outbox::publish(txn, state, &a.actor, &a.followers, "Create", object)
                .await?;
        }
        (true, false) => {
            let mut t = tombstone(&row);
            t["deleted"] = json!(rfc3339(&Utc::now()));
            federation::outbox::publish(txn, state, &a.actor, &a.followers, "Delete", t).await?;
        }
        (false, false) => {}
    }
    federation::topics::announce_entry(txn, state, &row).await?;
    Ok(row)
}

async fn replace(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    user: ApiUser,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let kind = parse_kind(&kind)?;
    let body = parse_body(&body)?;
    let (row, org) = load_local_for_write(&ctx, &user, kind, &id).await?;
    check_same_org(&body, &org)?;
    let entry = validate_for(kind, &body, &org)?;
    let row = update_local_entry(&ctx, &org, row, &entry).await?;
    Ok(Json(entry_json(&ctx.db, &ctx, &row).await?))
}

/// An entry cannot move to another organisation through an update.
fn check_same_org(body: &Value, org: &organization::Model) -> AppResult<()> {
    match body.get("organization") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if *s == org.slug => Ok(()),
        Some(_) => Err(AppError::field(
            "organization",
            "an entry cannot be moved to another organisation",
        )),
    }
}

async fn patch(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    user: ApiUser,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let kind = parse_kind(&kind)?;
    let body = parse_body(&body)?;
    let (row, org) = load_local_for_write(&ctx, &user, kind, &id).await?;
    check_same_org(&body, &org)?;
    let current = store::parse(&row)?;
    let mut merged = serde_json::to_value(&current).map_err(anyhow::Error::from)?;
    validate::merge_patch(&mut merged, &body);
    let entry = validate_for(kind, &merged, &org)?;
    let row = update_local_entry(&ctx, &org, row, &entry).await?;
    Ok(Json(entry_json(&ctx.db, &ctx, &row).await?))
}

async fn remove(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    user: ApiUser,
) -> AppResult<StatusCode> {
    let kind = parse_kind(&kind)?;
    let (row, org) = load_local_for_write(&ctx, &user, kind, &id).await?;
    delete_local_entry(&ctx, &org, row).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_local_entry(
    state: &AppState,
    org: &organization::Model,
    row: entry::Model,
) -> AppResult<()> {
    let was_federated = !row.do_not_federate;
    let txn = crate::db::begin_write(&state.db).await?;
    let row = store::mark_deleted(&txn, row).await?;
    federation::topics::announce_entry(&txn, state, &row).await?;
    if was_federated {
        let a = author(state, org);
        federation::outbox::publish(
            &txn,
            state,
            &a.actor,
            &a.followers,
            "Delete",
            tombstone(&row),
        )
        .await?;
    }
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    Ok(())
}

/// Removed entries and entries waiting for review are shown to nobody but moderators (limited
/// ones are reachable by link).
fn hidden_by_moderation(row: &entry::Model) -> bool {
    row.moderation_state == store::REMOVED || row.moderation_state == store::PENDING_REVIEW
}

async fn show(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    user: MaybeApiUser,
) -> AppResult<Response> {
    let kind = parse_kind(&kind)?;
    let row = load_row(&ctx, kind, &id).await?;
    let staff = match (&user.0, row.organization_id) {
        (Some(u), Some(org)) if row.local => accounts::may_publish_for(u, org),
        _ => false,
    };
    if row.deleted_at.is_some() {
        return Ok((
            StatusCode::GONE,
            Json(json!({ "error": format!("{} {id} was deleted", kind.as_str()) })),
        )
            .into_response());
    }
    let moderator = matches!(
        user.0.as_ref().and_then(|u| accounts::Role::parse(&u.role)),
        Some(accounts::Role::Admin) | Some(accounts::Role::Moderator)
    );
    if hidden_by_moderation(&row) && !moderator {
        return Err(AppError::not_found(kind.as_str()));
    }
    Ok(Json(entry_json_as(&ctx.db, &ctx, &row, staff).await?).into_response())
}

/// `page` and `per_page` checked, each error naming its parameter.
pub fn paging(page: Option<&str>, per_page: Option<&str>) -> AppResult<(u64, u64)> {
    let mut errors = Vec::new();
    let page = match page.map(str::parse::<u64>) {
        None => 1,
        Some(Ok(p)) if (1..=100_000).contains(&p) => p,
        Some(_) => {
            errors.push(FieldError::new("page", "must be a whole number from 1"));
            1
        }
    };
    let per_page = match per_page.map(str::parse::<u64>) {
        None => 20,
        Some(Ok(p)) if (1..=100).contains(&p) => p,
        Some(_) => {
            errors.push(FieldError::new(
                "per_page",
                "must be a whole number from 1 to 100",
            ));
            20
        }
    };
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A page of entries of one kind, local and federated, with the filters and facets of
/// `GET /api/v1/search` (see [`crate::http::search::search_response`]).
async fn list(
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(q): Query<std::collections::BTreeMap<String, String>>,
) -> AppResult<Json<Value>> {
    let kind = parse_kind(&kind)?;
    Ok(Json(
        crate::http::search::search_response(&ctx, &q, Some(kind)).await?,
    ))
}

async fn object_service(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    Path(id): Path<String>,
) -> AppResult<Response> {
    object(ctx, headers, reader, Kind::Service, id).await
}
async fn object_event(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    Path(id): Path<String>,
) -> AppResult<Response> {
    object(ctx, headers, reader, Kind::Event, id).await
}
async fn object_offer(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    Path(id): Path<String>,
) -> AppResult<Response> {
    object(ctx, headers, reader, Kind::Offer, id).await
}

/// An entry at its id: AS JSON for fediverse software (410 Tombstone once deleted; 404 for
/// entries kept off the fediverse), HTML for browsers.
async fn object(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    kind: Kind,
    id: String,
) -> AppResult<Response> {
    let row = load_row(&ctx, kind, &id).await?;
    if hidden_by_moderation(&row) && row.deleted_at.is_none() {
        return Err(AppError::not_found("object"));
    }
    match wants(&headers) {
        Wants::ActivityJson => {
            if !row.local {
                return Ok(Redirect::temporary(&row.ap_id).into_response());
            }
            if row.deleted_at.is_some() {
                let mut resp = activity_json(&tombstone(&row));
                *resp.status_mut() = StatusCode::GONE;
                return Ok(resp);
            }
            if row.do_not_federate {
                return Err(AppError::not_found("object"));
            }
            let org_id = row
                .organization_id
                .ok_or_else(|| AppError::not_found("organisation"))?;
            let org = accounts::find_org_by_id(&ctx.db, org_id)
                .await?
                .ok_or_else(|| AppError::not_found("organisation"))?;
            let entry = store::parse(&row)?;
            Ok(activity_json(&entry_object(
                &ctx,
                &row,
                &entry,
                &author(&ctx, &org),
            )))
        }
        Wants::Html => {
            if row.deleted_at.is_some() {
                return Err(AppError::NotFound("this entry was deleted".into()));
            }
            crate::web::entry_page(&ctx, &reader, &row).await
        }
    }
}

async fn activity_doc(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    use sea_orm::EntityTrait;
    let uuid = Uuid::parse_str(&id).map_err(|_| AppError::not_found("activity"))?;
    let row = crate::db::entities::activity::Entity::find_by_id(uuid)
        .one(&ctx.db)
        .await?
        .filter(|a| a.local)
        .ok_or_else(|| AppError::not_found("activity"))?;
    let doc: Value = serde_json::from_str(&row.json).map_err(anyhow::Error::from)?;
    Ok(activity_json(&doc))
}

/// Our JSON-LD context document (see FEDERATION.md).
async fn context_doc() -> Response {
    let ctx = federation::objects::entry_context();
    let body = json!({ "@context": ctx.as_array().and_then(|a| a.get(2)).cloned().unwrap_or(Value::Null) });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/ld+json"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}
