//! `/staff/admin/health`: the delivery queue and the health of the instances we deliver to,
//! for administrators (the same report as `GET /api/v1/admin/health`).
use axum::{
    Router,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};

use super::{
    Reader,
    staff::{current, staff_page},
};
use crate::{AppState, accounts::Role, app::Ctx, error::AppResult};

pub fn routes() -> Router {
    Router::new().route("/staff/admin/health", get(health_page))
}

fn when(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

async fn health_page(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = current(state, &headers).await? else {
        return Ok(Redirect::to("/staff/login").into_response());
    };
    if Role::parse(&user.role) != Some(Role::Admin) {
        return staff_page(
            state,
            &reader,
            StatusCode::FORBIDDEN,
            "staff_error.html",
            context! { title_key => "ops-admins-only-title", text_key => "ops-admins-only-text" },
            vec![],
        );
    }
    let h = crate::http::ops::health(state).await?;
    let instances: Vec<Value> = h
        .instances
        .iter()
        .map(|i| {
            context! {
                domain => i.domain,
                pending => i.pending,
                failed => i.failed,
                consecutive_failures => i.consecutive_failures,
                failing => i.consecutive_failures > 0,
                last_success => when(i.last_success_at),
                last_failure => when(i.last_failure_at),
                last_error => i.last_error,
                paused_until => when(i.paused_until),
            }
        })
        .collect();
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "ops_health.html",
        context! {
            email => user.email,
            csrf => session.csrf_token,
            generated => when(Some(h.generated_at)),
            pending => h.queue.pending,
            due => h.queue.due,
            failed => h.queue.failed,
            oldest => when(h.queue.oldest_pending_at),
            instances,
        },
        vec![],
    )
}
