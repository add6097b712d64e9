//! Asking for a buddy: the request form of a LOCAL volunteer offer's page, and the pages where
//! the mediating organisation's staff read the requests and mark them handled.
//!
//! Requests are private: they live in `buddy_requests` only, which no JSON, ActivityPub,
//! HSDS or feed output reads; they are never federated (a federated offer's page links to its
//! origin instead of showing the form). They are deleted `[buddy] retention_days` after they
//! were sent, handled or not ([`purge`], run hourly by the server: `app::spawn_hourly_purge`).
//!
//! Spam resistance without third-party services: a honeypot field (`website`, hidden from
//! people), and a signed timestamp (`token`: the offer's id and the time the form was shown,
//! with an HMAC keyed by the instance's private key) refusing forms sent back faster than
//! `[buddy] min_fill_secs` or more than a day later; plus a per-address token bucket.
use std::net::SocketAddr;

use axum::{
    Form, Router,
    extract::{ConnectInfo, Path},
    http::{Extensions, HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use minijinja::{Value, context};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    AppState,
    app::Ctx,
    db::entities::entry,
    directory::{
        model::{Entry, Kind, OfferStatus},
        store,
    },
    error::{AppError, AppResult},
    web::{Reader, staff},
};

/// The table of requests (migration 000010).
pub mod buddy_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "buddy_requests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The local volunteer offer the request was sent from.
        pub entry_id: Uuid,
        /// The mediating organisation (the offer's), whose staff alone see it.
        pub organization_id: Uuid,
        pub name: String,
        pub contact: String,
        pub language: String,
        pub message: String,
        pub created_at: DateTimeUtc,
        pub handled_at: Option<DateTimeUtc>,
        pub handled_by: Option<Uuid>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A form older than this is refused (the reader gets a fresh one).
pub const TOKEN_MAX_AGE_SECS: i64 = 24 * 3600;
pub const MAX_NAME: usize = 100;
pub const MAX_CONTACT: usize = 200;
pub const MAX_MESSAGE: usize = 4000;

pub fn routes() -> Router {
    Router::new()
        .route("/offers/{id}/buddy-request", post(submit))
        .route("/staff/requests", get(list))
        .route("/staff/requests/{id}", get(detail))
        .route("/staff/requests/{id}/handled", post(mark_handled))
}

// ---------------------------------------------------------------------------------------------
// The signed timestamp
// ---------------------------------------------------------------------------------------------

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_key(state: &AppState) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"passerelle buddy form token\0");
    h.update(state.site.private_key_pem.as_bytes());
    h.finalize().to_vec()
}

/// The form's token for `offer`, shown at `at`: `unix seconds.hmac`.
pub fn form_token(state: &AppState, offer: Uuid, at: DateTime<Utc>) -> String {
    let ts = at.timestamp();
    let mac = hmac_sha256(&token_key(state), format!("{offer}.{ts}").as_bytes());
    format!("{ts}.{}", hex(&mac))
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Invalid,
    TooFast,
    Expired,
}

/// Whether `token` is ours for `offer`, shown long enough ago and not too long ago.
pub fn check_token(
    state: &AppState,
    offer: Uuid,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), TokenProblem> {
    let (ts, mac) = token.trim().split_once('.').ok_or(TokenProblem::Invalid)?;
    let ts: i64 = ts.parse().map_err(|_| TokenProblem::Invalid)?;
    let expected = hex(&hmac_sha256(
        &token_key(state),
        format!("{offer}.{ts}").as_bytes(),
    ));
    if !staff::same(&expected, mac) {
        return Err(TokenProblem::Invalid);
    }
    let age = now.timestamp() - ts;
    if age < state.config.buddy.min_fill_secs as i64 {
        return Err(TokenProblem::TooFast);
    }
    if age > TOKEN_MAX_AGE_SECS {
        return Err(TokenProblem::Expired);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------------------------

/// Delete the requests sent more than `retention_days` before `now` (handled or not).
pub async fn purge(
    db: &impl ConnectionTrait,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let cutoff = now - Duration::days(i64::from(retention_days));
    let res = buddy_request::Entity::delete_many()
        .filter(buddy_request::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default, serde::Serialize, Clone)]
pub struct RequestForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub message: String,
    /// The honeypot: hidden from people, filled in by robots.
    #[serde(default, skip_serializing)]
    pub website: String,
    #[serde(default, skip_serializing)]
    pub token: String,
}

/// Whether an entry row is an offer of ours whose page shows the form.
pub fn takes_requests(row: &entry::Model, e: &Entry) -> bool {
    row.local
        && row.kind == Kind::Offer.as_str()
        && row.organization_id.is_some()
        && row.deleted_at.is_none()
        && row.moderation_state == store::VISIBLE
        && matches!(e, Entry::Offer(o) if o.status == OfferStatus::Active)
}

/// The form's part of an offer page's context.
pub fn form_context(
    state: &AppState,
    row: &entry::Model,
    values: &RequestForm,
    errors: &serde_json::Map<String, serde_json::Value>,
    alert: Option<String>,
    sent: bool,
) -> Value {
    context! {
        action => format!("/offers/{}/buddy-request", row.id),
        token => form_token(state, row.id, Utc::now()),
        v => Value::from_serialize(values),
        errors => Value::from_serialize(errors),
        alert, sent,
        max_name => MAX_NAME, max_contact => MAX_CONTACT, max_message => MAX_MESSAGE,
    }
}

async fn submit(
    ctx: Ctx,
    reader: Reader,
    ext: Extensions,
    Path(id): Path<String>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let ui = reader.ui.clone();
    let tr = |k: &str| state.web.t(&ui, k);
    let not_found = || AppError::NotFound(format!("no volunteer offer {id} takes requests here"));
    let uuid = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let row = store::get(&state.db, uuid).await?.ok_or_else(not_found)?;
    let entry = store::parse(&row)?;
    if !takes_requests(&row, &entry) {
        return Err(not_found());
    }
    let org_id = row.organization_id.ok_or_else(not_found)?;
    let reader = &reader;
    let page = |status: StatusCode,
                errors: serde_json::Map<String, serde_json::Value>,
                alert: Option<String>,
                sent: bool,
                values: RequestForm| {
        let buddy = form_context(state, &row, &values, &errors, alert, sent);
        let row = row.clone();
        async move {
            let mut resp = crate::web::entry_page_with(state, reader, &row, Some(buddy)).await?;
            *resp.status_mut() = status;
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok::<Response, AppError>(resp)
        }
    };
    let ip = ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip());
    // Every attempt costs a token of the address's bucket.
    if !state.buddy_limiter.allow(ip) {
        let mut resp = page(
            StatusCode::TOO_MANY_REQUESTS,
            Default::default(),
            Some(tr("buddy-too-many")),
            false,
            form.clone(),
        )
        .await?;
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(state.config.buddy.request_refill_secs),
        );
        return Ok(resp);
    }
    if !form.website.trim().is_empty() {
        tracing::info!(ip = ?ip, "buddy request refused: honeypot filled in");
        return page(
            StatusCode::BAD_REQUEST,
            Default::default(),
            Some(tr("buddy-refused")),
            false,
            form.clone(),
        )
        .await;
    }
    match check_token(state, row.id, &form.token, Utc::now()) {
        Ok(()) => {}
        Err(p) => {
            tracing::info!(ip = ?ip, problem = ?p, "buddy request refused: form token");
            let key = match p {
                TokenProblem::TooFast => "buddy-too-fast",
                TokenProblem::Expired => "buddy-expired",
                TokenProblem::Invalid => "buddy-refused",
            };
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                Default::default(),
                Some(tr(key)),
                false,
                form.clone(),
            )
            .await;
        }
    }
    let name = form.name.trim().to_string();
    let contact = form.contact.trim().to_string();
    let language = form.language.trim().to_string();
    let message = form.message.trim().to_string();
    let mut errors = serde_json::Map::new();
    let mut need = |field: &str, value: &str, max: usize| {
        if value.is_empty() {
            errors.insert(field.into(), tr("buddy-required").into());
        } else if value.chars().count() > max {
            errors.insert(
                field.into(),
                state
                    .web
                    .i18n
                    .text_with(&ui, "buddy-too-long", &[("max", &max.to_string())])
                    .into(),
            );
        }
    };
    need("name", &name, MAX_NAME);
    need("contact", &contact, MAX_CONTACT);
    need("message", &message, MAX_MESSAGE);
    if !language.is_empty() && language_tags::LanguageTag::parse(&language).is_err() {
        errors.insert("language".into(), tr("buddy-bad-language").into());
    }
    if !errors.is_empty() {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
            false,
            form.clone(),
        )
        .await;
    }
    buddy_request::ActiveModel {
        id: Set(Uuid::now_v7()),
        entry_id: Set(row.id),
        organization_id: Set(org_id),
        name: Set(name),
        contact: Set(contact),
        language: Set(language),
        message: Set(message),
        created_at: Set(Utc::now()),
        handled_at: Set(None),
        handled_by: Set(None),
    }
    .insert(&state.db)
    .await?;
    tracing::info!(offer = %row.id, "buddy request received");
    page(
        StatusCode::OK,
        Default::default(),
        None,
        true,
        RequestForm::default(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Staff pages
// ---------------------------------------------------------------------------------------------

/// The requests a staff member may read: those of their own organisation (administrators
/// included: requests go to the mediating organisation only).
fn visible_to(user: &crate::db::entities::user::Model, r: &buddy_request::Model) -> bool {
    user.organization_id == Some(r.organization_id)
}

async fn offer_name(state: &AppState, reader: &Reader, entry_id: Uuid) -> AppResult<String> {
    let default = state.config.instance.default_language.clone();
    Ok(match store::get(&state.db, entry_id).await? {
        Some(row) => store::parse(&row)
            .ok()
            .and_then(|e| {
                e.name()
                    .get_best(&reader.preferences(), &default)
                    .map(|(_, t)| t.to_string())
            })
            .unwrap_or_default(),
        None => String::new(),
    })
}

fn request_context(r: &buddy_request::Model, offer: String, state: &AppState) -> Value {
    context! {
        id => r.id.to_string(),
        url => format!("/staff/requests/{}", r.id),
        offer, offer_url => state.urls.entry(Kind::Offer, r.entry_id).to_string(),
        name => r.name, contact => r.contact, language => r.language, message => r.message,
        created => r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        handled => r.handled_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    }
}

async fn list(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = staff::current(state, &headers).await? else {
        return Ok(Redirect::to("/staff/login").into_response());
    };
    let rows = match user.organization_id {
        Some(org) => {
            buddy_request::Entity::find()
                .filter(buddy_request::Column::OrganizationId.eq(org))
                .order_by_desc(buddy_request::Column::CreatedAt)
                .all(&state.db)
                .await?
        }
        None => vec![],
    };
    let mut open = Vec::new();
    let mut handled = Vec::new();
    for r in &rows {
        let c = request_context(r, offer_name(state, &reader, r.entry_id).await?, state);
        if r.handled_at.is_some() {
            handled.push(c);
        } else {
            open.push(c);
        }
    }
    staff::staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_requests.html",
        context! {
            email => user.email, csrf => session.csrf_token,
            open, handled, has_org => user.organization_id.is_some(),
            retention_days => state.config.buddy.retention_days,
        },
        vec![],
    )
}

/// A request of the user's organisation, or 404 (the same for every other request, so that
/// nobody learns which ids exist).
async fn load_visible(
    state: &AppState,
    user: &crate::db::entities::user::Model,
    id: &str,
) -> AppResult<buddy_request::Model> {
    let nf = || AppError::NotFound("no such request".into());
    let uuid = Uuid::parse_str(id).map_err(|_| nf())?;
    buddy_request::Entity::find_by_id(uuid)
        .one(&state.db)
        .await?
        .filter(|r| visible_to(user, r))
        .ok_or_else(nf)
}

async fn detail(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = staff::current(state, &headers).await? else {
        return Ok(Redirect::to("/staff/login").into_response());
    };
    let r = load_visible(state, &user, &id).await?;
    let offer = offer_name(state, &reader, r.entry_id).await?;
    staff::staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_request.html",
        context! {
            email => user.email, csrf => session.csrf_token,
            r => request_context(&r, offer, state),
        },
        vec![],
    )
}

async fn mark_handled(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<staff::CsrfForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = staff::current(state, &headers).await? else {
        return Ok(Redirect::to("/staff/login").into_response());
    };
    if !staff::same(&session.csrf_token, &form.csrf) {
        return staff::csrf_refusal(state, &reader);
    }
    let r = load_visible(state, &user, &id).await?;
    if r.handled_at.is_none() {
        let mut a: buddy_request::ActiveModel = r.into();
        a.handled_at = Set(Some(Utc::now()));
        a.handled_by = Set(Some(user.id));
        a.update(&state.db).await?;
    }
    Ok(Redirect::to("/staff/requests").into_response())
}
