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
//!
//! De-duplication, exactly once across crashes ([`claim`]): the activity id is inserted into
//! `received_activities` with `done_at` NULL (a claim) before the handler runs, and marked done
//! when it succeeded; a failed handler releases the claim (the sender's retry is processed).
//! The whole receipt runs in a task of its own, so that a sender closing the connection (its
//! timeout) does not stop a handler half-way, leaving a claim that answers 503 until its lease
//! ends.
//! A copy of an id that is done gets 202 and has no effect; a copy arriving while the claim is
//! fresh gets 503 with `Retry-After` (never 202: the first request may still fail). A claim
//! older than `federation.inbox_claim_secs` was left by a process that died (or lost its
//! database) mid-handler: the next copy takes it over, with a conditional UPDATE only one
//! request can win, and runs the handler again. Handlers are therefore idempotent: a re-run
//! finds what the first run stored and adds nothing twice (see `handlers::handle`). No
//! transaction is held across a handler (handlers fetch from other servers, and on SQLite a
//! long write transaction would block every writer). Ids of activities done more than
//! `federation.inbox_retention_days` ago are deleted hourly ([`purge`], run by
//! `app::spawn_hourly_purge`).
use std::time::Duration;

use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, OriginalUri},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TryInsertResult, sea_query::Expr,
};
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
    /// Its id had been handled already.
    duplicate: bool,
    /// Another request was handling the same id (answered 503).
    in_progress: bool,
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
    // Everything runs to its end in a task of its own. When a sender stops waiting (its
    // timeout) and closes the connection, axum drops this request's future; a handler dropped
    // half-way would leave its claim unfinished (every retry answered 503 until the lease
    // ends), and the activity uncounted.
    let state = ctx.app_data().clone();
    let task = tokio::spawn(async move {
        let ctx = match state.data().await {
            Ok(ctx) => ctx,
            Err(e) => return AppError::Internal(e).into_response(),
        };
        let mut seen = Seen::default();
        let resp = receive(&ctx, method, uri, headers, body, &mut seen, &span)
            .instrument(span.clone())
            .await;
        let status = resp.status();
        let outcome = if seen.duplicate {
            "duplicate"
        } else if seen.in_progress {
            "in_progress"
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
    });
    match task.await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "inbox: the task handling an activity failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
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
    // 6. De-duplication: claim the activity's id (see [`claim`]).
    let activity_id = activity
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let lease = Duration::from_secs(ctx.config.federation.inbox_claim_secs);
    let mut ours = None;
    if let Some(id) = &activity_id {
        // The claim's token: its time, as stored (see `claim`).
        let now = Utc::now().trunc_subsecs(6);
        match claim(&ctx.db, id, lease, now).await {
            Ok(Claim::Handle { token, resumed }) => {
                if resumed {
                    tracing::info!(%id, "inbox: taking over an activity left unfinished");
                }
                ours = Some((token, resumed));
            }
            Ok(Claim::Done) => {
                tracing::debug!(%id, "inbox: replay ignored");
                seen.duplicate = true;
                return StatusCode::ACCEPTED.into_response();
            }
            Ok(Claim::Busy { retry_after }) => {
                // Never 202 here: the other request may still fail, and then this copy (which
                // the sender would consider delivered) was the one to process.
                tracing::info!(%id, "inbox: already being handled, the sender is asked to retry");
                seen.in_progress = true;
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, retry_after.to_string())],
                    axum::Json(serde_json::json!({
                        "error": "this activity is being handled, try again later"
                    })),
                )
                    .into_response();
            }
            Err(e) => {
                // The claim may have been stored before the error (a connection lost after the
                // commit): release it, or every retry would get 503 until the lease ends.
                release_with_retries(&ctx.db, id, now).await;
                return AppError::from(e).into_response();
            }
        }
    }
    // 7. The handler (this function runs in a task of its own: see `inbox`).
    handle_claimed(ctx, &actor, &activity, activity_id, ours).await
}

/// Runs the handler of a claimed activity (`ours`: the claim's token, and whether it was taken
/// over from a process that died), then marks it done, or releases the claim if it failed.
async fn handle_claimed(
    ctx: &Ctx,
    actor: &RemoteActor,
    activity: &Value,
    activity_id: Option<String>,
    ours: Option<(DateTime<Utc>, bool)>,
) -> Response {
    let resumed = ours.is_some_and(|(_, resumed)| resumed);
    match super::handlers::handle(ctx, actor, activity, resumed).await {
        Ok(()) => {
            if let Some(id) = &activity_id
                && let Err(e) = mark_done(&ctx.db, id, Utc::now()).await
            {
                // The activity was handled: the sender is told so. Its claim stays unfinished,
                // so a copy sent again after the lease runs the handler once more, which finds
                // its work done (handlers are idempotent for that reason).
                tracing::warn!(%id, error = %e, "inbox: could not mark a handled activity done");
            }
            StatusCode::ACCEPTED.into_response()
        }
        Err(e) => {
            // A refused activity may be sent again once corrected, and one that failed on our
            // side (database) will be: release the claim. If that fails too (the database is
            // down), try a few more times, or the retry would get 503 until the lease ends.
            if let (Some(id), Some((token, _))) = (&activity_id, ours) {
                release_with_retries(&ctx.db, id, token).await;
            }
            match &e {
                AppError::Internal(_) => {}
                other => tracing::info!(reason = %other, "inbox: activity refused"),
            }
            e.into_response()
        }
    }
}

/// What [`claim`] made of an activity id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller handles the activity: first received (`resumed` false), or taken over from a
    /// request that did not finish within the lease (its process died, typically). `token` is
    /// the claim's `received_at`, which only this claim holds.
    Handle { token: DateTime<Utc>, resumed: bool },
    /// Handled already: a replay.
    Done,
    /// Another request is handling it now; try again in `retry_after` seconds.
    Busy { retry_after: u64 },
}

/// Claim the activity `id` at `now`, for `lease` (see the module documentation). `now`, cut
/// to microseconds as PostgreSQL stores it, is the claim's token: the caller passes it to
/// [`release`] (also when this fails: the claim may have been stored before the error).
///
/// One row per id in `received_activities`: inserted with `done_at` NULL (a claim), set done by
/// [`mark_done`] when the handler succeeded, deleted by [`release`] when it failed. A claim
/// older than `lease` is taken over by a conditional UPDATE that only one request can win, also
/// between processes on one PostgreSQL database.
pub async fn claim(
    db: &DatabaseConnection,
    id: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Claim, DbErr> {
    let token = now.trunc_subsecs(6);
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let cutoff = now
        .checked_sub_signed(lease)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    // A few rounds: the row can change between our statements (released, done, taken over).
    for _ in 0..3 {
        let inserted = received_activity::Entity::insert(received_activity::ActiveModel {
            ap_id: Set(id.to_string()),
            received_at: Set(token),
            done_at: Set(None),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(1)) {
            return Ok(Claim::Handle {
                token,
                resumed: false,
            });
        }
        let Some(row) = received_activity::Entity::find_by_id(id).one(db).await? else {
            continue; // released meanwhile: claim it anew
        };
        if row.done_at.is_some() {
            return Ok(Claim::Done);
        }
        if row.received_at < cutoff {
            let taken = received_activity::Entity::update_many()
                .col_expr(received_activity::Column::ReceivedAt, Expr::value(token))
                .filter(received_activity::Column::ApId.eq(id))
                .filter(received_activity::Column::DoneAt.is_null())
                .filter(received_activity::Column::ReceivedAt.lt(cutoff))
                .exec(db)
                .await?;
            if taken.rows_affected == 1 {
                return Ok(Claim::Handle {
                    token,
                    resumed: true,
                });
            }
            continue; // someone else took it over or finished it: look again
        }
        let left = row
            .received_at
            .checked_add_signed(lease)
            .map_or(30, |end| (end - now).num_seconds());
        return Ok(Claim::Busy {
            retry_after: left.clamp(1, 30) as u64,
        });
    }
    Ok(Claim::Busy { retry_after: 5 })
}

/// The activity `id` was handled (by whichever request holds its claim now).
pub async fn mark_done(db: &DatabaseConnection, id: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let done = received_activity::Entity::update_many()
        .col_expr(received_activity::Column::DoneAt, Expr::value(now))
        .filter(received_activity::Column::ApId.eq(id))
        .filter(received_activity::Column::DoneAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        tracing::debug!(%id, "inbox: the activity was marked done by another request");
    }
    Ok(())
}

/// [`release`], tried a few times over about three seconds (the database may be restarting).
async fn release_with_retries(db: &DatabaseConnection, id: &str, token: DateTime<Utc>) {
    for wait in [0u64, 100, 500, 2000] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        match release(db, id, token).await {
            Ok(()) => return,
            Err(err) => {
                tracing::warn!(%id, error = %err, "inbox: could not release a claim")
            }
        }
    }
}

/// Forget the claim `token` on `id` (its handler failed), unless another request took it over.
pub async fn release(db: &DatabaseConnection, id: &str, token: DateTime<Utc>) -> Result<(), DbErr> {
    received_activity::Entity::delete_many()
        .filter(received_activity::Column::ApId.eq(id))
        .filter(received_activity::Column::DoneAt.is_null())
        .filter(received_activity::Column::ReceivedAt.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Delete the ids of activities handled more than `retention_days` before `now`, and claims
/// abandoned that long ago (received, never finished, and never sent again since). Claims
/// within their lease are never deleted: the retention is counted in days, the lease in
/// seconds, and an abandoned claim is also older than `lease`.
pub async fn purge(
    db: &DatabaseConnection,
    retention_days: u32,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let cutoff = now - chrono::Duration::days(i64::from(retention_days));
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let lease_cutoff = now
        .checked_sub_signed(lease)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let res = received_activity::Entity::delete_many()
        .filter(
            Condition::any()
                .add(received_activity::Column::DoneAt.lt(cutoff))
                .add(
                    Condition::all()
                        .add(received_activity::Column::DoneAt.is_null())
                        .add(received_activity::Column::ReceivedAt.lt(cutoff))
                        .add(received_activity::Column::ReceivedAt.lt(lease_cutoff)),
                ),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
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
