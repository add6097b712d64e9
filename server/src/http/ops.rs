//! Operations: Prometheus metrics at `/metrics` and the queue and instance health report
//! (`/api/v1/admin/health`; the same on the web at `/staff/admin/health`).
use std::net::SocketAddr;

use axum::{
    Json, Router,
    extract::ConnectInfo,
    http::{Extensions, HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};
use serde::Serialize;

use crate::{
    AppState,
    app::Ctx,
    db::entities::{delivery, instance_health},
    error::AppResult,
    http::auth::ApiUser,
};

pub fn routes() -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/api/v1/admin/health", get(health_json))
}

/// The delivery queue as a whole.
#[derive(Debug, Serialize)]
pub struct QueueHealth {
    /// Deliveries waiting (due now or later).
    pub pending: u64,
    /// Of those, the ones due now (not waiting for a backoff or a paused instance).
    pub due: u64,
    /// Deliveries abandoned for good.
    pub failed: u64,
    /// When the oldest pending delivery was queued, and how long ago (seconds).
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub oldest_pending_age_secs: Option<i64>,
}

/// One remote instance we deliver to.
#[derive(Debug, Serialize)]
pub struct InstanceHealth {
    pub domain: String,
    pub pending: u64,
    pub failed: u64,
    pub consecutive_failures: i32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Deliveries to this instance wait until then (after repeated failures).
    pub paused_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub generated_at: DateTime<Utc>,
    pub queue: QueueHealth,
    /// Instances with something pending or failed, or a delivery history; failing ones first.
    pub instances: Vec<InstanceHealth>,
}

/// Pending and failed deliveries per instance: `(domain, state) -> count`.
async fn counts_by_domain(state: &AppState) -> Result<Vec<(String, String, u64)>, DbErr> {
    let backend = state.db.get_database_backend();
    let rows = state
        .db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT domain, state, COUNT(*) AS n FROM deliveries \
             WHERE state IN ('pending', 'failed') GROUP BY domain, state",
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some((
                r.try_get::<String>("", "domain").ok()?,
                r.try_get::<String>("", "state").ok()?,
                r.try_get::<i64>("", "n").ok()? as u64,
            ))
        })
        .collect())
}

/// The health report (queue depth, oldest pending, failures and last success per instance).
pub async fn health(state: &AppState) -> Result<Health, DbErr> {
    use sea_orm::PaginatorTrait;
    let now = Utc::now();
    let counts = counts_by_domain(state).await?;
    let sum = |st: &str| {
        counts
            .iter()
            .filter(|(_, s, _)| s == st)
            .map(|(_, _, n)| n)
            .sum::<u64>()
    };
    let due = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .count(&state.db)
        .await?;
    let oldest = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .order_by_asc(delivery::Column::CreatedAt)
        .one(&state.db)
        .await?
        .map(|d| d.created_at);
    let mut instances: Vec<InstanceHealth> = instance_health::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|h| InstanceHealth {
            domain: h.domain,
            pending: 0,
            failed: 0,
            consecutive_failures: h.consecutive_failures,
            last_success_at: h.last_success_at,
            last_failure_at: h.last_failure_at,
            last_error: h.last_error,
            paused_until: h.retry_after.filter(|t| *t > now),
        })
        .collect();
    for (domain, st, n) in &counts {
        let i = match instances.iter().position(|i| &i.domain == domain) {
            Some(i) => i,
            None => {
                instances.push(InstanceHealth {
                    domain: domain.clone(),
                    pending: 0,
                    failed: 0,
                    consecutive_failures: 0,
                    last_success_at: None,
                    last_failure_at: None,
                    last_error: None,
                    paused_until: None,
                });
                instances.len() - 1
            }
        };
        match st.as_str() {
            "pending" => instances[i].pending = *n,
            _ => instances[i].failed = *n,
        }
    }
    instances.sort_by(|a, b| {
        b.consecutive_failures
            .cmp(&a.consecutive_failures)
            .then(b.pending.cmp(&a.pending))
            .then(a.domain.cmp(&b.domain))
    });
    Ok(Health {
        generated_at: now,
        queue: QueueHealth {
            pending: sum("pending"),
            due,
            failed: sum("failed"),
            oldest_pending_at: oldest,
            oldest_pending_age_secs: oldest.map(|t| (now - t).num_seconds().max(0)),
        },
        instances,
    })
}

async fn health_json(ctx: Ctx, user: ApiUser) -> AppResult<Json<Health>> {
    user.require_admin()?;
    Ok(Json(health(&ctx).await?))
}

/// Equal strings, compared in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Whether this request may read the metrics: with a configured token, the right bearer
/// token; without one, a direct loopback connection that no proxy forwarded.
fn metrics_allowed(state: &AppState, headers: &HeaderMap, ext: &Extensions) -> bool {
    let token = &state.config.metrics.token;
    if !token.is_empty() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        return same(given.trim(), token);
    }
    let loopback = ext
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(a)| a.ip().is_loopback());
    let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    loopback && !proxied
}

/// Gauges read at scrape time: the shared queue and this process's database pool.
async fn gauges(
    state: &AppState,
) -> Result<Vec<(&'static str, crate::metrics::Labels, f64)>, DbErr> {
    let mut g = Vec::new();
    let counts = counts_by_domain(state).await?;
    let mut total_pending = 0u64;
    let mut failed = 0u64;
    for (domain, st, n) in &counts {
        if st == "pending" {
            total_pending += n;
            g.push((
                "passerelle_delivery_queue_depth",
                vec![("instance", domain.clone())],
                *n as f64,
            ));
        } else {
            failed += n;
        }
    }
    if total_pending == 0 {
        // An empty queue still says so.
        g.push((
            "passerelle_delivery_queue_depth",
            vec![("instance", String::new())],
            0.0,
        ));
    }
    let oldest = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .order_by_asc(delivery::Column::CreatedAt)
        .one(&state.db)
        .await?
        .map(|d| (Utc::now() - d.created_at).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    g.push((
        "passerelle_delivery_queue_oldest_pending_seconds",
        vec![],
        oldest,
    ));
    g.push(("passerelle_delivery_queue_failed", vec![], failed as f64));
    let (size, idle) = match state.db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let p = state.db.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => {
            let p = state.db.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
    };
    g.push((
        "passerelle_db_pool_connections",
        vec![("state", "idle".into())],
        idle as f64,
    ));
    g.push((
        "passerelle_db_pool_connections",
        vec![("state", "in_use".into())],
        size.saturating_sub(idle as u32) as f64,
    ));
    g.push((
        "passerelle_db_pool_max_connections",
        vec![],
        state.config.database.max_connections as f64,
    ));
    Ok(g)
}

async fn metrics(ctx: Ctx, headers: HeaderMap, ext: Extensions) -> Response {
    if !ctx.config.metrics.enabled {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !metrics_allowed(&ctx, &headers, &ext) {
        if ctx.config.metrics.token.is_empty() {
            return (
                StatusCode::FORBIDDEN,
                "metrics: only direct loopback connections may read them (or set metrics.token)\n",
            )
                .into_response();
        }
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics: send 'Authorization: Bearer <metrics.token>'\n",
        )
            .into_response();
    }
    let gauges = match gauges(&ctx).await {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: reading the queue failed");
            vec![]
        }
    };
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ctx.metrics.render(&gauges),
    )
        .into_response()
}
