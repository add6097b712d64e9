//! Actor documents and their collections, served as AS JSON or HTML by content negotiation.
use axum::{
    Router,
    extract::{Path, Query},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::get,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::{
    accounts,
    app::Ctx,
    db::entities::{activity, follower, following},
    error::{AppError, AppResult},
    federation::actors::{instance_actor_json, org_actor_json},
    http::negotiate::{Wants, activity_json, wants},
};

pub const PAGE_SIZE: u64 = 20;

pub fn routes() -> Router {
    Router::new()
        .route("/actor", get(instance_actor))
        .route("/actor/outbox", get(instance_outbox))
        .route("/actor/followers", get(instance_followers))
        .route("/actor/following", get(instance_following))
        .route("/actor/organizations", get(instance_organizations))
        .route("/o/{slug}", get(org_actor))
        .route("/o/{slug}/outbox", get(org_outbox))
        .route("/o/{slug}/followers", get(org_followers))
        .route("/o/{slug}/following", get(org_following))
        .route("/t/{name}", get(topic_actor))
        .route("/t/{name}/outbox", get(topic_outbox))
        .route("/t/{name}/followers", get(topic_followers))
}

async fn instance_actor(ctx: Ctx, headers: HeaderMap) -> Response {
    match wants(&headers) {
        Wants::ActivityJson => activity_json(&instance_actor_json(&ctx)),
        Wants::Html => vary_accept(axum::response::Redirect::to("/").into_response()),
    }
}

/// Both representations of a negotiated URL must say so, or a shared cache may serve the HTML
/// to fediverse software (or the JSON to a browser).
fn vary_accept(mut resp: Response) -> Response {
    // HTML pages say so already (with Accept-Language and Cookie too).
    if !resp.headers().contains_key(axum::http::header::VARY) {
        resp.headers_mut().insert(
            axum::http::header::VARY,
            axum::http::HeaderValue::from_static("Accept"),
        );
    }
    resp
}

async fn org_actor(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = accounts::find_org(&ctx.db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(match wants(&headers) {
        Wants::ActivityJson => activity_json(&org_actor_json(&ctx, &org)),
        Wants::Html => vary_accept(crate::web::org_page(&ctx, &reader, &org).await?),
    })
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
}

/// An outbox: public activities of one actor, newest first, paged.
pub async fn outbox(ctx: &Ctx, actor: &Url, outbox: &Url, page: Option<u64>) -> AppResult<Value> {
    let base = activity::Entity::find()
        .filter(activity::Column::ActorApId.eq(actor.as_str()))
        .filter(activity::Column::Local.eq(true))
        .filter(activity::Column::Public.eq(true));
    let total = base.clone().count(&ctx.db).await?;
    let Some(page) = page else {
        return Ok(collection(outbox, total, total > 0));
    };
    let page = page.max(1);
    let rows = base
        .order_by_desc(activity::Column::CreatedAt)
        .order_by_desc(activity::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(&ctx.db)
        .await?;
    let items: Vec<Value> = rows
        .into_iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.json).ok())
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("@context");
            }
            v
        })
        .collect();
    Ok(collection_page(outbox, page, total, items))
}

fn collection(id: &Url, total: u64, has_items: bool) -> Value {
    let mut doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": total,
    });
    if has_items {
        let last = total.div_ceil(PAGE_SIZE).max(1);
        doc["first"] = json!(format!("{id}?page=1"));
        doc["last"] = json!(format!("{id}?page={last}"));
    }
    doc
}

fn collection_page(id: &Url, page: u64, total: u64, items: Vec<Value>) -> Value {
    let mut doc = json!({
        "@context": crate::federation::objects::entry_context(),
        "id": format!("{id}?page={page}"),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "totalItems": total,
        "orderedItems": items,
    });
    if page * PAGE_SIZE < total {
        doc["next"] = json!(format!("{id}?page={}", page + 1));
    }
    if page > 1 {
        doc["prev"] = json!(format!("{id}?page={}", page - 1));
    }
    doc
}

async fn org_outbox(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let org = accounts::find_org(&ctx.db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    let doc = outbox(
        &ctx,
        &ctx.urls.org(&org.slug),
        &ctx.urls.org_outbox(&org.slug),
        q.page,
    )
    .await?;
    Ok(activity_json(&doc))
}

async fn instance_outbox(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let doc = outbox(
        &ctx,
        &ctx.urls.instance_actor(),
        &ctx.urls.instance_outbox(),
        q.page,
    )
    .await?;
    Ok(activity_json(&doc))
}

/// Followers are counted, never listed: who follows a migrant-support organisation is private.
async fn followers_doc(ctx: &Ctx, actor: &Url, id: &Url) -> AppResult<Value> {
    let total = follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(actor.as_str()))
        .filter(follower::Column::State.eq("accepted"))
        .count(&ctx.db)
        .await?;
    Ok(collection(id, total, false))
}

async fn following_doc(ctx: &Ctx, actor: &Url, id: &Url) -> AppResult<Value> {
    let total = following::Entity::find()
        .filter(following::Column::LocalActorApId.eq(actor.as_str()))
        .filter(following::Column::State.eq("accepted"))
        .count(&ctx.db)
        .await?;
    Ok(collection(id, total, false))
}

async fn org_followers(ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let org = accounts::find_org(&ctx.db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(activity_json(
        &followers_doc(
            &ctx,
            &ctx.urls.org(&org.slug),
            &ctx.urls.org_followers(&org.slug),
        )
        .await?,
    ))
}

async fn org_following(ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let org = accounts::find_org(&ctx.db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    Ok(activity_json(
        &following_doc(
            &ctx,
            &ctx.urls.org(&org.slug),
            &ctx.urls.org_following(&org.slug),
        )
        .await?,
    ))
}

async fn instance_followers(ctx: Ctx) -> AppResult<Response> {
    Ok(activity_json(
        &followers_doc(
            &ctx,
            &ctx.urls.instance_actor(),
            &ctx.urls.instance_followers(),
        )
        .await?,
    ))
}

async fn instance_following(ctx: Ctx) -> AppResult<Response> {
    Ok(activity_json(
        &following_doc(
            &ctx,
            &ctx.urls.instance_actor(),
            &ctx.urls.instance_following(),
        )
        .await?,
    ))
}

/// The organisations of this instance, so that a following instance can backfill from each
/// organisation's outbox (see FEDERATION.md).
async fn instance_organizations(ctx: Ctx) -> AppResult<Response> {
    use crate::db::entities::organization;
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::Slug)
        .all(&ctx.db)
        .await?;
    let id = ctx.urls.join("actor/organizations");
    let items: Vec<Value> = orgs.iter().map(|o| json!(ctx.urls.org(&o.slug))).collect();
    Ok(activity_json(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}

async fn find_topic(
    ctx: &Ctx,
    name: &str,
) -> AppResult<(
    crate::federation::topics::Topic,
    crate::db::entities::topic_actor::Model,
)> {
    crate::federation::topics::lookup(ctx, name)
        .await?
        .ok_or_else(|| AppError::not_found("topic"))
}

/// A topic actor (`Group`): AS JSON, or its page listing the matching entries.
async fn topic_actor(
    ctx: Ctx,
    headers: HeaderMap,
    reader: crate::web::Reader,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let (topic, actor) = find_topic(&ctx, &name).await?;
    Ok(match wants(&headers) {
        Wants::ActivityJson => {
            activity_json(&crate::federation::topics::actor_json(&ctx, &topic, &actor))
        }
        Wants::Html => vary_accept(crate::web::topic_page(&ctx, &reader, &topic).await?),
    })
}

async fn topic_outbox(
    ctx: Ctx,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let (topic, _) = find_topic(&ctx, &name).await?;
    let doc = outbox(
        &ctx,
        &ctx.urls.topic(&topic.name),
        &ctx.urls.topic_outbox(&topic.name),
        q.page,
    )
    .await?;
    Ok(activity_json(&doc))
}

async fn topic_followers(ctx: Ctx, Path(name): Path<String>) -> AppResult<Response> {
    let (topic, _) = find_topic(&ctx, &name).await?;
    Ok(activity_json(
        &followers_doc(
            &ctx,
            &ctx.urls.topic(&topic.name),
            &ctx.urls.topic_followers(&topic.name),
        )
        .await?,
    ))
}
