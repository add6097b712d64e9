//! HTTP: JSON API, ActivityPub endpoints, well-known documents, content negotiation.
pub mod actors;
pub mod admin;
pub mod auth;
pub mod entries;
pub mod negotiate;
pub mod ops;
pub mod search;
pub mod wellknown;

use axum::{Router, routing::get};

use crate::AppState;

pub fn routes() -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/openapi.json", get(openapi))
        .merge(wellknown::routes())
        .merge(actors::routes())
        .merge(search::routes())
        .merge(entries::routes())
        .merge(admin::routes())
        .merge(crate::moderation::api::routes())
        .merge(crate::feeds::routes())
        .merge(crate::hsds::routes())
}

pub fn user_agent(state: &AppState) -> String {
    format!(
        "Passerelle/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        state.urls.base()
    )
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(ctx: crate::app::Ctx) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};
    match ctx.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// The OpenAPI document of the JSON API (server/assets/openapi.json, checked in CI by
/// tests/openapi_check.py against the routes and the validation rules).
async fn openapi() -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        include_str!("../../assets/openapi.json"),
    )
        .into_response()
}
