//! `GET /api/v1/search`: full text and filters over every entry, local and federated, with
//! facets. The list endpoints (`GET /api/v1/services|events|offers`) answer with the same
//! engine ([`search_response`]).
use std::collections::BTreeMap;

use axum::{Json, Router, extract::Query, routing::get};
use chrono::Utc;
use serde_json::{Value, json};

use crate::{
    app::Ctx,
    directory::model::Kind,
    error::{AppError, AppResult},
    http::entries::entry_json,
    search::{self, query},
};

pub fn routes() -> Router {
    Router::new().route("/api/v1/search", get(search_handler))
}

async fn search_handler(
    ctx: Ctx,
    Query(params): Query<BTreeMap<String, String>>,
) -> AppResult<Json<Value>> {
    search_response(&ctx, &params, None).await.map(Json)
}

/// Parses the parameters (422 naming each bad one), searches, and renders
/// `{items, total, page, per_page, facets}`; items carry `distance_km` when a point is given.
pub async fn search_response(
    ctx: &Ctx,
    params: &BTreeMap<String, String>,
    implied_kind: Option<Kind>,
) -> AppResult<Value> {
    let p = query::parse(params, implied_kind, Utc::now()).map_err(AppError::Validation)?;
    let result = search::search(&ctx.db, &ctx.search_cache, &p).await?;
    let mut items = Vec::with_capacity(result.hits.len());
    for hit in &result.hits {
        let mut item = entry_json(&ctx.db, ctx, &hit.row).await?;
        if p.point.is_some()
            && let Value::Object(m) = &mut item
        {
            m.insert(
                "distance_km".into(),
                json!(hit.distance_km.map(|d| (d * 1000.0).round() / 1000.0)),
            );
        }
        items.push(item);
    }
    Ok(json!({
        "items": items,
        "total": result.total,
        "page": p.page,
        "per_page": p.per_page,
        "facets": result.facets,
    }))
}
