//! Inboxes that trust nothing unverified. The order of checks (each rejection a 4xx with a short
//! reason and a log line, nothing stored):
//! body size limit → Signature present and well-formed (RFC 9421 alone → 401 so the sender
//! falls back) → required signed headers → date window → Digest matches the body → JSON →
//! moderation policy on the keyId's and the activity actor's hosts (403 for a suspended or,
//! in allow-list mode, unlisted domain, or a suspended actor) →
//! key fetched from the signing actor (fetched again once on failure, for key rotation) →
//! signature verified → the activity's actor is the key's owner → domain checks (activity and
//! embedded object on the actor's host; nothing remote on our domain) → de-duplication of the
//! activity id → handler. No outbound request is made before the signature's shape, date and
//! digest have been checked.
use std::time::Duration;

use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, OriginalUri},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use super::{
    remote::{self, RemoteActor, id_of},
    signature::{self, SigError},
};
use crate::{
    AppState, app::Ctx, db::entities::received_activity, error::AppError, urls::domain_of,
};

pub fn routes(max_body: usize) -> Router {
    Router::new()
        .route("/inbox", post(inbox))
        .route("/actor/inbox", post(inbox))
        .route("/o/{slug}/inbox", post(inbox))
        .route("/t/{name}/inbox", post(inbox))
        .layer(DefaultBodyLimit::max(max_body))
}

fn reject(status: StatusCode, reason: impl Into<String>) -> Response {
    let reason = reason.into();
    tracing::info!(%status, %reason, "inbox: delivery refused");
    (status, axum::Json(serde_json::json!({ "error": reason }))).into_response()
}

/// What one POST to an inbox turned out to be, for the metrics.
#[derive(Default)]
struct Seen {
    /// The activity's type (bounded: see [`crate::metrics::activity_type_label`]).
    kind: Option<String>,
    /// Its id had been received already.
    duplicate: bool,
}

async fn inbox(
    ctx: Ctx,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Every log line of this activity carries its id (and its type and actor once known).
    let span = tracing::info_span!(
        "inbox",
        activity = tracing::field::Empty,
        kind = tracing::field::Empty,
        actor = tracing::field::Empty
    );
    let mut seen = Seen::default();
    let resp = receive(&ctx, method, uri, headers, body, &mut seen, &span)
        .instrument(span.clone())
        .await;
    let status = resp.status();
    let outcome = if seen.duplicate {
        "duplicate"
    } else if status.is_success() {
        "accepted"
    } else if status.is_client_error() {
        "refused"
    } else {
        "failed"
    };
    ctx.metrics.inc(
        "passerelle_inbox_activities_total",
        vec![
            ("type", seen.kind.unwrap_or_else(|| "unknown".into())),
            ("outcome", outcome.into()),
        ],
    );
    resp
}

async fn receive(
    ctx: &Ctx,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
    seen: &mut Seen,
    span: &tracing::Span,
) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let window = Duration::from_secs(ctx.config.federation.signature_window_secs);
    // 1. Everything that needs no key: shape, covered headers, date, digest.
    let sig = match signature::precheck(&method, path, &headers, &body, Utc::now(), window) {
        Ok(s) => s,
        Err(e) => return reject(StatusCode::UNAUTHORIZED, e.to_string()),
    };
    // 2. The body.
    let activity: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return reject(
                StatusCode::BAD_REQUEST,
                "the activity must be a JSON object",
            );
        }
        Err(e) => {
            return reject(
                StatusCode::BAD_REQUEST,
                format!("the body is not valid JSON: {e}"),
            );
        }
    };
    if let Some(id) = activity.get("id").and_then(Value::as_str) {
        span.record("activity", id);
    }
    if let Some(kind) = activity.get("type").and_then(Value::as_str) {
        span.record("kind", kind);
        seen.kind = Some(crate::metrics::activity_type_label(kind));
    }
    let key_owner = match Url::parse(sig.actor_id()) {
        Ok(u) => u,
        Err(_) => return reject(StatusCode::UNAUTHORIZED, "keyId is not a URL"),
    };
    if ctx.urls.is_local(&key_owner) {
        return reject(
            StatusCode::UNAUTHORIZED,
            "keyId names an actor of this instance",
        );
    }
    // Moderation, before anything is fetched or stored: the signer's host and the activity's
    // actor (suspended domains and actors; unlisted domains in allow-list mode).
    if let Some(reason) = ctx.moderation.refuses_actor(key_owner.as_str()) {
        return reject(StatusCode::FORBIDDEN, reason);
    }
    if let Some(claimed) = activity.get("actor").and_then(id_of)
        && let Some(reason) = ctx.moderation.refuses_actor(claimed)
    {
        return reject(StatusCode::FORBIDDEN, reason);
    }
    // 3. The key, from the signing actor; fetched again once if it does not verify.
    let actor = match verify_with_actor(ctx, &sig, &key_owner, &method, path, &headers).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    // 4. The activity's actor is the key's owner.
    let claimed = activity.get("actor").and_then(id_of);
    if claimed != Some(actor.row.ap_id.as_str()) {
        return reject(
            StatusCode::UNAUTHORIZED,
            "the activity's actor is not the signer",
        );
    }
    // 5. Domain checks.
    span.record("actor", actor.row.ap_id.as_str());
    if let Err(reason) = check_domains(ctx, &actor, &activity) {
        return reject(StatusCode::BAD_REQUEST, reason);
    }
    // 6. De-duplication.
    let activity_id = activity
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(id) = &activity_id {
        let row = received_activity::ActiveModel {
            ap_id: Set(id.clone()),
            received_at: Set(Utc::now()),
        };
        match row.insert(&ctx.db).await {
            Ok(_) => {}
            Err(e) if crate::db::is_unique_violation(&e) => {
                tracing::debug!(%id, "inbox: replay ignored");
                seen.duplicate = true;
                return StatusCode::ACCEPTED.into_response();
            }
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    match super::handlers::handle(ctx, &actor, &activity).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => {
            // A refused activity may be sent again once corrected, and one that failed on our
            // side (database) will be: forget its id. If that fails too (the database is
            // down), try a few more times: a remembered id would make the retry a "duplicate"
            // and the activity would be lost.
            if let Some(id) = &activity_id {
                use sea_orm::EntityTrait;
                for wait in [0u64, 100, 500, 2000] {
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    match received_activity::Entity::delete_by_id(id.clone())
                        .exec(&ctx.db)
                        .await
                    {
                        Ok(_) => break,
                        Err(err) => {
                            tracing::warn!(%id, error = %err, "inbox: could not forget a failed activity's id")
                        }
                    }
                }
            }
            match &e {
                AppError::Internal(_) => {}
                other => tracing::info!(reason = %other, "inbox: activity refused"),
            }
            e.into_response()
        }
    }
}

/// Our own failure (the database, typically) while looking up the signer: not the sender's
/// fault, so not a 401 that would make it drop the activity, but a 503 it retries.
fn unavailable(e: AppError) -> Response {
    tracing::warn!(error = %format!("{e:#}"), "inbox: could not look up the signing actor");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::RETRY_AFTER, "10")],
        axum::Json(serde_json::json!({ "error": "temporarily unavailable, try again later" })),
    )
        .into_response()
}

async fn verify_with_actor(
    ctx: &Ctx,
    sig: &signature::SignatureHeader,
    key_owner: &Url,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<RemoteActor, Response> {
    let actor = match remote::dereference(ctx, key_owner).await {
        Ok(a) => a,
        Err(e @ AppError::Internal(_)) => return Err(unavailable(e)),
        Err(e) => {
            return Err(reject(
                StatusCode::UNAUTHORIZED,
                format!("could not fetch the signing actor: {e}"),
            ));
        }
    };
    match signature::verify(sig, method, path, headers, &actor.row.public_key_pem) {
        Ok(()) => return Ok(actor),
        Err(SigError::BadSignature) | Err(SigError::InvalidPublicKey) => {}
        Err(e) => return Err(reject(StatusCode::UNAUTHORIZED, e.to_string())),
    }
    // Maybe the key was rotated: fetch the actor once more.
    let actor = match remote::refetch(ctx, key_owner).await {
        Ok(a) => a,
        Err(e @ AppError::Internal(_)) => return Err(unavailable(e)),
        Err(e) => {
            return Err(reject(
                StatusCode::UNAUTHORIZED,
                format!("could not fetch the signing actor: {e}"),
            ));
        }
    };
    match signature::verify(sig, method, path, headers, &actor.row.public_key_pem) {
        Ok(()) => Ok(actor),
        Err(e) => Err(reject(StatusCode::UNAUTHORIZED, e.to_string())),
    }
}

fn host_of(id: &str) -> Option<String> {
    Url::parse(id).ok().map(|u| domain_of(&u))
}

/// Activity and embedded object on the actor's host; nothing remote claiming our domain.
pub fn check_domains(
    state: &AppState,
    actor: &RemoteActor,
    activity: &Value,
) -> Result<(), String> {
    let actor_host = actor.row.domain.as_str();
    let ours = state.urls.domain();
    if actor_host == ours {
        return Err("a remote actor cannot be on our domain".into());
    }
    if let Some(id) = activity.get("id").and_then(Value::as_str) {
        match host_of(id) {
            Some(h) if h == actor_host => {}
            _ => return Err("the activity id is not on the actor's host".into()),
        }
    }
    let kind = activity
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(object) = activity.get("object").filter(|o| o.is_object()) {
        let checks_owner = matches!(kind, "Create" | "Update");
        if checks_owner {
            if let Some(id) = object.get("id").and_then(Value::as_str) {
                match host_of(id) {
                    Some(h) if h == ours => {
                        return Err("the object claims an id on our domain".into());
                    }
                    Some(h) if h == actor_host => {}
                    _ => return Err("the object id is not on the actor's host".into()),
                }
            }
            let attributed: Vec<&str> = match object.get("attributedTo") {
                Some(Value::Array(a)) => a.iter().filter_map(id_of).collect(),
                Some(v) => id_of(v).into_iter().collect(),
                None => vec![],
            };
            for a in attributed {
                if host_of(a).as_deref() != Some(actor_host) {
                    return Err("the object is attributed to an actor on another host".into());
                }
            }
        }
    }
    Ok(())
}
