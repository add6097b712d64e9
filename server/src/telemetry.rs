//! Logging (human-readable by default, JSON lines by option), a request id per HTTP request,
//! and the HTTP metrics.
use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::{
    AppState,
    config::{Config, LogFormat},
};

/// The request id header: honoured when the client (or the proxy) sends a sane one, generated
/// otherwise, and returned in the response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(&config.server.log_level));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match config.server.log_format {
        LogFormat::Human => registry.with(fmt::layer().with_target(false)).try_init(),
        // One JSON object per line; the fields of the enclosing spans (`request_id`, `route`,
        // `activity`, `delivery`…) are in `span` and `spans`.
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(true),
            )
            .try_init(),
    };
    // A second init (tests spawn several instances in one process) is not an error.
    let _ = result;
}

/// A request id from the client is kept when it is 1 to 128 visible ASCII characters.
fn incoming_request_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_string())
}

/// Copies the matched route template into the response, for [`observe_request`] (the outer
/// layer runs before routing, so it cannot see it on the request).
pub async fn keep_matched_path(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut resp = next.run(req).await;
    if let Some(m) = matched {
        resp.extensions_mut().insert(m);
    }
    resp
}

/// Every request: a request id (span field and response header), its duration and status
/// counted by route template (never the raw path: `unmatched` for requests no route took).
pub async fn observe_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(incoming_request_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    // Bounded label values: the usual methods by name, anything else as `other`.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let span = tracing::info_span!("http", request_id = %id, method = %method);
    let mut resp = next.run(req).instrument(span.clone()).await;
    let route = resp
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let status = resp.status();
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::debug!(%route, status = status.as_u16(), elapsed_ms = elapsed.as_millis() as u64, "request answered");
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    state.metrics.inc(
        "passerelle_http_requests_total",
        vec![
            ("method", method.clone()),
            ("route", route.clone()),
            ("status", status.as_u16().to_string()),
        ],
    );
    state.metrics.observe(
        "passerelle_http_request_duration_seconds",
        vec![("method", method), ("route", route)],
        elapsed,
    );
    resp
}
