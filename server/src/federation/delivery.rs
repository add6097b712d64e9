//! The durable delivery queue. Every outgoing activity is one row per target inbox in
//! `deliveries`, written in the same transaction as the change that caused it. Workers (inside
//! `passerelle serve`, or apart in `passerelle worker`) claim due rows with a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL), sign and send them with bounded concurrency, and
//! record the outcome: delivered, retried later with exponential backoff (network errors, 5xx,
//! 408, 429 with `Retry-After`), or abandoned (other 4xx, or too many attempts). Per-instance
//! health spaces out attempts to instances that have been failing for long.
use std::{collections::BTreeSet, time::Duration};

use anyhow::Context;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    QueryFilter, Set, Statement, Value as DbValue,
};
use serde::Serialize;
use tracing::Instrument;
use url::Url;
use uuid::Uuid;

use super::{
    actors::SigningActor,
    signature::{self, SignOptions},
};
use crate::{
    AppState, accounts,
    db::entities::{activity, delivery, follower, instance_health, remote_actor},
    urls::domain_of,
};

/// Inboxes of the accepted followers of `actor`, shared inboxes preferred, each once.
pub async fn follower_inboxes(
    db: &impl ConnectionTrait,
    actor: &str,
) -> Result<BTreeSet<String>, DbErr> {
    let follows = follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(actor))
        .filter(follower::Column::State.eq("accepted"))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = follows.iter().map(|f| f.remote_actor_id).collect();
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let actors = remote_actor::Entity::find()
        .filter(remote_actor::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(actors
        .into_iter()
        .map(|a| a.shared_inbox.unwrap_or(a.inbox))
        .collect())
}

/// Queue a published activity for the followers of its actor and, for a public activity of
/// one of our organisations, for the instances that follow this instance.
pub async fn enqueue_to_followers(
    db: &impl ConnectionTrait,
    state: &AppState,
    row: &activity::Model,
) -> Result<(), DbErr> {
    let mut inboxes = follower_inboxes(db, &row.actor_ap_id).await?;
    let instance = state.urls.instance_actor().to_string();
    if row.public && row.actor_ap_id != instance {
        inboxes.extend(follower_inboxes(db, &instance).await?);
    }
    enqueue(db, row, inboxes, &row.actor_ap_id).await
}

/// Queue one activity for a set of inboxes, signed by `signer` (a local actor id).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    row: &activity::Model,
    inboxes: impl IntoIterator<Item = String>,
    signer: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    for inbox in inboxes {
        let Ok(url) = Url::parse(&inbox) else {
            tracing::warn!(%inbox, "not queueing a delivery to an invalid inbox URL");
            continue;
        };
        delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            activity_id: Set(row.id),
            inbox: Set(inbox),
            domain: Set(domain_of(&url)),
            signer_ap_id: Set(signer.to_string()),
            state: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            finished_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Claim up to `limit` due deliveries for this worker.
pub async fn claim(state: &AppState, limit: u64) -> Result<Vec<delivery::Model>, DbErr> {
    let db = &state.db;
    let now = Utc::now();
    // How long the claimed rows stay reserved for this process (`delivery.lease_secs`): a
    // process that dies mid-send leaves them to be claimed again after this.
    let lease_end = now + chrono::Duration::seconds(state.config.delivery.lease_secs as i64);
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "UPDATE deliveries SET claimed_until = $1 WHERE id IN (\
               SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $2 \
               AND (claimed_until IS NULL OR claimed_until < $2) \
               ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id"
        }
        _ => {
            "UPDATE deliveries SET claimed_until = ? WHERE id IN (\
               SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? \
               AND (claimed_until IS NULL OR claimed_until < ?) \
               ORDER BY next_attempt_at LIMIT ?) RETURNING id"
        }
    };
    let values: Vec<DbValue> = match backend {
        DatabaseBackend::Postgres => vec![lease_end.into(), now.into(), (limit as i64).into()],
        _ => vec![
            lease_end.into(),
            now.into(),
            now.into(),
            (limit as i64).into(),
        ],
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.try_get::<Uuid>("", "id").ok())
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(ids))
        .all(db)
        .await
}

/// What one attempt gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Delivered(u16),
    /// The receiver refused it for good (4xx other than 408/429).
    Rejected(u16, String),
    /// Try again later; `retry_after` when the receiver said when.
    Retry {
        status: Option<u16>,
        error: String,
        retry_after: Option<DateTime<Utc>>,
    },
}

/// The local actor that signs deliveries as `ap_id`.
pub async fn local_signer(state: &AppState, ap_id: &str) -> anyhow::Result<SigningActor> {
    if ap_id == state.urls.instance_actor().as_str() {
        return Ok(SigningActor::instance(state));
    }
    let prefix = state.urls.join("o/");
    if let Some(slug) = ap_id.strip_prefix(prefix.as_str())
        && let Some(org) = accounts::find_org(&state.db, slug)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        return Ok(SigningActor::organization(state, &org));
    }
    if let Some(name) = super::topics::name_in_id(state, ap_id)
        && let Some(topic) = super::topics::find_actor(&state.db, name).await?
    {
        return Ok(SigningActor::topic(state, &topic));
    }
    anyhow::bail!("no local actor {ap_id} to sign with")
}

/// Sign `body` as `signer` and POST it to `inbox`.
pub async fn send_signed(
    state: &AppState,
    signer: &SigningActor,
    inbox: &Url,
    body: Vec<u8>,
) -> Outcome {
    let mut headers = HeaderMap::new();
    let host = domain_of(inbox);
    let path = match inbox.query() {
        Some(q) => format!("{}?{q}", inbox.path()),
        None => inbox.path().to_string(),
    };
    let (Ok(host_value), Ok(ua)) = (
        HeaderValue::from_str(&host),
        HeaderValue::from_str(&crate::http::user_agent(state)),
    ) else {
        return Outcome::Rejected(0, "invalid inbox host".into());
    };
    headers.insert(header::HOST, host_value);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::ACTIVITY_CONTENT_TYPE),
    );
    headers.insert(header::USER_AGENT, ua);
    let opts = SignOptions::new(format!("{}#main-key", signer.id));
    // The parsed key is cached (a fan-out signs thousands of deliveries with one key).
    let signed = signature::signing_key(&signer.private_key_pem).and_then(|key| {
        signature::sign_with_key(&Method::POST, &path, &mut headers, &body, &key, &opts)
    });
    if let Err(e) = signed {
        return Outcome::Rejected(0, format!("signing failed: {e}"));
    }
    headers.remove(header::HOST); // reqwest sets Host itself from the URL (same value).
    let result = state
        .http
        .post(inbox.clone())
        .headers(headers)
        .body(body)
        .send()
        .await;
    match result {
        Err(e) => Outcome::Retry {
            status: None,
            error: format!("{e}"),
            retry_after: None,
        },
        Ok(resp) => {
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            // Only the start of the answer is kept (for `last_error`): a peer may send an
            // endless or huge body, which must not be read into memory.
            let head = read_limited(resp, RESPONSE_KEEP_BYTES).await.0;
            let text: String = String::from_utf8_lossy(&head).chars().take(300).collect();
            classify(status, text, retry_after)
        }
    }
}

/// How much of a delivery's answer is read: enough for the 300 characters kept.
const RESPONSE_KEEP_BYTES: usize = 4096;

/// Read at most `limit` bytes of a response's body, then drop the response (closing the
/// connection if the body went on). The bytes read, and whether the body was complete.
pub async fn read_limited(mut resp: reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit.saturating_sub(out.len());
                if chunk.len() > room {
                    out.extend_from_slice(&chunk[..room]);
                    return (out, false);
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}

pub fn classify(status: u16, text: String, retry_after: Option<DateTime<Utc>>) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered(status),
        408 | 429 => Outcome::Retry {
            status: Some(status),
            error: text,
            retry_after,
        },
        400..=499 => Outcome::Rejected(status, text),
        _ => Outcome::Retry {
            status: Some(status),
            error: text,
            retry_after,
        },
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<DateTime<Utc>> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Utc::now() + chrono::Duration::seconds(secs.min(7 * 86400) as i64));
    }
    httpdate::parse_http_date(v).ok().map(DateTime::<Utc>::from)
}

/// Exponential backoff: base · 2^(attempt-1), capped.
pub fn backoff(state: &AppState, attempt: u32) -> chrono::Duration {
    let base = state.config.delivery.backoff_base_secs.max(1);
    let cap = state.config.delivery.backoff_max_secs.max(base);
    let secs = base
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(30))
        .min(cap);
    chrono::Duration::seconds(secs as i64)
}

async fn health(state: &AppState, domain: &str) -> Result<Option<instance_health::Model>, DbErr> {
    instance_health::Entity::find_by_id(domain.to_string())
        .one(&state.db)
        .await
}

async fn record_health(
    state: &AppState,
    domain: &str,
    ok: bool,
    error: Option<String>,
    retry_after: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let existing = health(state, domain).await?;
    let failures = match (&existing, ok) {
        (_, true) => 0,
        (Some(h), false) => h.consecutive_failures + 1,
        (None, false) => 1,
    };
    // After repeated failures the whole instance is paused: its deliveries wait until then.
    let pause = if ok {
        None
    } else if failures >= 3 {
        let b = Utc::now() + backoff(state, failures as u32 - 2);
        Some(retry_after.map_or(b, |r| r.max(b)))
    } else {
        retry_after
    };
    let model = instance_health::ActiveModel {
        domain: Set(domain.to_string()),
        consecutive_failures: Set(failures),
        last_success_at: Set(if ok {
            Some(now)
        } else {
            existing.as_ref().and_then(|h| h.last_success_at)
        }),
        last_failure_at: Set(if ok {
            existing.as_ref().and_then(|h| h.last_failure_at)
        } else {
            Some(now)
        }),
        last_error: Set(if ok {
            existing.as_ref().and_then(|h| h.last_error.clone())
        } else {
            error
        }),
        retry_after: Set(pause),
    };
    match existing {
        Some(_) => {
            model.update(&state.db).await?;
        }
        None => {
            if let Err(e) = model.insert(&state.db).await
                && !crate::db::is_unique_violation(&e)
            {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Attempt one claimed delivery and record what happened. Returns the outcome.
pub async fn attempt(state: &AppState, d: delivery::Model) -> anyhow::Result<Outcome> {
    let now = Utc::now();
    // A claimed batch is attempted a few at a time: renew this row's lease just before
    // sending, and only if it is still ours (a row whose lease ran out while it waited may
    // have been claimed by another process, which sends it: we must not).
    let renewed = now + chrono::Duration::seconds(state.config.delivery.lease_secs as i64);
    let ours = match d.claimed_until {
        Some(t) => delivery::Column::ClaimedUntil.eq(t),
        None => delivery::Column::ClaimedUntil.is_null(),
    };
    let kept = delivery::Entity::update_many()
        .col_expr(
            delivery::Column::ClaimedUntil,
            sea_orm::sea_query::Expr::value(renewed),
        )
        .filter(delivery::Column::Id.eq(d.id))
        .filter(delivery::Column::State.eq("pending"))
        .filter(ours)
        .exec(&state.db)
        .await?;
    if kept.rows_affected != 1 {
        tracing::debug!("delivery claimed by another process meanwhile: not sent here");
        return Ok(Outcome::Retry {
            status: None,
            error: "claimed by another process".into(),
            retry_after: None,
        });
    }
    // An instance that has been failing is paused: move the delivery after the pause.
    if let Some(h) = health(state, &d.domain).await?
        && let Some(until) = h.retry_after.filter(|u| *u > now)
    {
        let mut a: delivery::ActiveModel = d.into();
        a.next_attempt_at = Set(until);
        a.claimed_until = Set(None);
        a.update(&state.db).await?;
        return Ok(Outcome::Retry {
            status: None,
            error: "instance paused".into(),
            retry_after: Some(until),
        });
    }
    // Nothing is ever sent to a suspended domain (or, in allow-list mode, an unlisted one).
    if let Some(reason) = state.moderation.refuses_domain(&d.domain) {
        let why = format!("not sent: {reason}");
        crate::moderation::actions::fail_delivery(state, d, &why)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(Outcome::Rejected(0, why));
    }
    let act = activity::Entity::find_by_id(d.activity_id)
        .one(&state.db)
        .await?
        .context("delivery of a missing activity")?;
    tracing::Span::current().record("activity", act.ap_id.as_str());
    let inbox = Url::parse(&d.inbox).context("inbox URL")?;
    let outcome = if !state.config.federation.allow_insecure
        && (inbox.scheme() != "https" || inbox.port().is_some())
    {
        Outcome::Rejected(
            0,
            "inbox URL not allowed in production mode (http or explicit port)".into(),
        )
    } else {
        let signer = local_signer(state, &d.signer_ap_id).await?;
        let started = std::time::Instant::now();
        let outcome = send_signed(state, &signer, &inbox, act.json.into_bytes()).await;
        let instance = vec![("instance", d.domain.clone())];
        state.metrics.observe(
            "passerelle_delivery_duration_seconds",
            instance.clone(),
            started.elapsed(),
        );
        let label = match &outcome {
            Outcome::Delivered(_) => "delivered",
            Outcome::Rejected(..) => "rejected",
            Outcome::Retry { .. } => "retry",
        };
        state.metrics.inc(
            "passerelle_delivery_attempts_total",
            vec![("instance", d.domain.clone()), ("outcome", label.into())],
        );
        if label != "delivered" {
            state
                .metrics
                .inc("passerelle_delivery_failures_total", instance);
        }
        outcome
    };
    // The backoff counts from the end of the attempt: a slow peer (up to the request timeout)
    // must not eat into it.
    let now = Utc::now();
    let attempts = d.attempts + 1;
    let domain = d.domain.clone();
    let mut a: delivery::ActiveModel = d.into();
    a.attempts = Set(attempts);
    a.claimed_until = Set(None);
    match &outcome {
        Outcome::Delivered(status) => {
            a.state = Set("done".into());
            a.last_status = Set(Some(*status as i32));
            a.finished_at = Set(Some(now));
            record_health(state, &domain, true, None, None).await?;
        }
        Outcome::Rejected(status, text) => {
            a.state = Set("failed".into());
            a.last_status = Set(Some(*status as i32));
            a.last_error = Set(Some(format!("rejected: {text}")));
            a.finished_at = Set(Some(now));
            // The instance answered: it is reachable.
            if *status != 0 {
                record_health(state, &domain, true, None, None).await?;
            }
        }
        Outcome::Retry {
            status,
            error,
            retry_after,
        } => {
            a.last_status = Set(status.map(|s| s as i32));
            a.last_error = Set(Some(error.clone()));
            if attempts as u32 >= state.config.delivery.max_attempts {
                a.state = Set("failed".into());
                a.finished_at = Set(Some(now));
            } else {
                let next = now + backoff(state, attempts as u32);
                a.next_attempt_at = Set(retry_after.map_or(next, |r| r.max(next)));
            }
            record_health(state, &domain, false, Some(error.clone()), *retry_after).await?;
        }
    }
    a.update(&state.db).await?;
    Ok(outcome)
}

/// Claim and attempt every due delivery once, with bounded concurrency. Returns how many were
/// attempted (tests call this to drain the queue synchronously).
pub async fn run_once(state: &AppState) -> anyhow::Result<usize> {
    let concurrency = state.config.delivery.concurrency;
    let claimed = claim(state, (concurrency * 4) as u64).await?;
    let n = claimed.len();
    futures::stream::iter(claimed)
        .for_each_concurrent(concurrency, |d| {
            // Every log line of this attempt carries the delivery, its inbox and the activity.
            let span = tracing::info_span!(
                "delivery",
                delivery = %d.id,
                inbox = %d.inbox,
                activity = tracing::field::Empty
            );
            async move {
                match attempt(state, d).await {
                    Ok(o) => tracing::debug!(outcome = ?o, "delivery attempted"),
                    Err(e) => tracing::warn!(error = %e, "delivery attempt failed"),
                }
            }
            .instrument(span)
        })
        .await;
    Ok(n)
}

/// The worker loop: drain due deliveries, then wait for new work or the next tick.
pub async fn run(state: AppState, shutdown: crate::app::tokio_util_shim::CancellationToken) {
    tracing::info!("delivery worker started");
    let mut policy_read = tokio::time::Instant::now();
    loop {
        if shutdown.is_cancelled() {
            break;
        }
        // A worker running apart from the server learns policy changes from the database.
        if policy_read.elapsed() > Duration::from_secs(30) {
            policy_read = tokio::time::Instant::now();
            if let Err(e) = state.moderation.refresh(&state.db).await {
                tracing::warn!(error = %e, "could not refresh the federation policy");
            }
        }
        let worked = match run_once(&state).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "delivery worker error");
                0
            }
        };
        if worked == 0 {
            tokio::select! {
                _ = state.delivery_wakeup.notified() => {},
                _ = tokio::time::sleep(Duration::from_millis(500)) => {},
                _ = shutdown.cancelled() => break,
            }
        }
    }
    tracing::info!("delivery worker stopped");
}

/// Queue depth and failures, for administrators.
#[derive(Debug, Serialize)]
pub struct QueueStats {
    pub pending: u64,
    pub done: u64,
    pub failed: u64,
    pub instances: Vec<instance_health::Model>,
}

impl Serialize for instance_health::Model {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("InstanceHealth", 6)?;
        st.serialize_field("domain", &self.domain)?;
        st.serialize_field("consecutive_failures", &self.consecutive_failures)?;
        st.serialize_field("last_success_at", &self.last_success_at)?;
        st.serialize_field("last_failure_at", &self.last_failure_at)?;
        st.serialize_field("last_error", &self.last_error)?;
        st.serialize_field("paused_until", &self.retry_after)?;
        st.end()
    }
}

pub async fn stats(state: &AppState) -> Result<QueueStats, DbErr> {
    use sea_orm::PaginatorTrait;
    let count = |s: &'static str| {
        delivery::Entity::find()
            .filter(delivery::Column::State.eq(s))
            .count(&state.db)
    };
    Ok(QueueStats {
        pending: count("pending").await?,
        done: count("done").await?,
        failed: count("failed").await?,
        instances: instance_health::Entity::find().all(&state.db).await?,
    })
}
