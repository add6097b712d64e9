//! Staff pages: sign in with email and password, sessions kept in the database, sign out,
//! change password, and a dashboard of the user's organisations and entries.
//!
//! Sessions: the cookie holds a random 256-bit secret; the database keeps its SHA-256 hash,
//! the user, an expiry and a CSRF token. Every form a signed-in user sends carries that token
//! (synchronizer pattern); the sign-in form, sent before any session exists, carries a token
//! that must equal a cookie set with the form (double submit).
use axum::{
    Form, Router,
    http::{Extensions, HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::{Duration, Utc};
use minijinja::{Value, context};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Reader;
use crate::{
    AppState,
    accounts::{self, Role},
    app::Ctx,
    db::entities::{entry, organization, staff_session, user},
    error::AppResult,
};

/// The session cookie (the secret is in it; HttpOnly).
pub const SESSION_COOKIE: &str = "psl_session";
/// The sign-in form's CSRF cookie (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "psl_login_csrf";
/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn routes() -> Router {
    Router::new()
        .route("/staff", get(dashboard))
        .route("/staff/login", get(login_form).post(login))
        .route("/staff/logout", axum::routing::post(logout))
        .route("/staff/password", get(password_form).post(change_password))
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equal strings, compared in time independent of where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn secure(state: &AppState) -> &'static str {
    if state.urls.base().scheme() == "https" {
        "; Secure"
    } else {
        ""
    }
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        secure(state)
    ))
    .expect("cookie values are URL-safe base64")
}

/// A staff page: never cached, with the page's cookies.
pub(crate) fn staff_page(
    state: &AppState,
    reader: &Reader,
    status: StatusCode,
    name: &str,
    ctx: Value,
    cookies: Vec<HeaderValue>,
) -> AppResult<Response> {
    let mut resp = state.web.page(state, reader, name, ctx)?;
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        h.append(header::SET_COOKIE, c);
    }
    Ok(resp)
}

/// 403 with a page saying what happened.
pub(crate) fn csrf_refusal(state: &AppState, reader: &Reader) -> AppResult<Response> {
    staff_page(
        state,
        reader,
        StatusCode::FORBIDDEN,
        "staff_error.html",
        context! { title_key => "csrf-title", text_key => "csrf-text" },
        vec![],
    )
}

pub(crate) fn to_login() -> Response {
    Redirect::to("/staff/login").into_response()
}

/// The signed-in user and their session, if the session cookie names a live session.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Option<(user::Model, staff_session::Model)>> {
    let Some(secret) = super::i18n::cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(session) = staff_session::Entity::find()
        .filter(staff_session::Column::IdHash.eq(hash(&secret)))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= Utc::now() {
        staff_session::Entity::delete_by_id(session.id)
            .exec(&state.db)
            .await?;
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(session.user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.disabled_at.is_none())
    else {
        return Ok(None);
    };
    Ok(Some((user, session)))
}

// ---------------------------------------------------------------------------------------------
// Sign in
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The sign-in form: `csrf`, the `email` typed (never the password), `errors` beside fields
/// and an `alert` above the form.
fn login_page(
    state: &AppState,
    reader: &Reader,
    status: StatusCode,
    form: Value,
    cookies: Vec<HeaderValue>,
) -> AppResult<Response> {
    staff_page(state, reader, status, "staff_login.html", form, cookies)
}

async fn login_form(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    if current(&ctx, &headers).await?.is_some() {
        return Ok(Redirect::to("/staff").into_response());
    }
    // Reuse the form's token while its cookie lives, so that two tabs both work.
    let (token, cookies) = match super::i18n::cookie_value(&headers, LOGIN_CSRF_COOKIE) {
        Some(t) if t.len() >= 32 => (t, vec![]),
        _ => {
            let t = accounts::random_secret();
            let c = cookie(&ctx, LOGIN_CSRF_COOKIE, &t, 3600 * 12);
            (t, vec![c])
        }
    };
    login_page(
        &ctx,
        &reader,
        StatusCode::OK,
        context! { csrf => token },
        cookies,
    )
}

/// A valid Argon2 hash of a random password: unknown accounts cost as much as known ones.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| accounts::hash_password(&accounts::random_secret()).unwrap_or_default())
}

async fn login(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    ext: Extensions,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let tr = |k: &str| state.web.t(&reader.ui, k);
    let expected = super::i18n::cookie_value(&headers, LOGIN_CSRF_COOKIE);
    if !expected.is_some_and(|e| !form.csrf.is_empty() && same(&e, &form.csrf)) {
        return csrf_refusal(state, &reader);
    }
    let email = form.email.trim().to_lowercase();
    let mut errors = serde_json::Map::new();
    if email.is_empty() {
        errors.insert("email".into(), tr("staff-field-required").into());
    }
    if form.password.is_empty() {
        errors.insert("password".into(), tr("staff-field-required").into());
    }
    if !errors.is_empty() {
        return login_page(
            state,
            &reader,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { csrf => form.csrf, email => form.email, errors => Value::from_serialize(&errors) },
            vec![],
        );
    }
    let ip = state.client_ip(&ext, &headers);
    // Both buckets are charged on every attempt, so neither many accounts from one address
    // nor one account from many addresses can be guessed at speed.
    let ip_ok = state.login_ip_limiter.allow(ip);
    let account_ok = state.login_account_limiter.allow(email.clone());
    if !(ip_ok && account_ok) {
        let mut resp = login_page(
            state,
            &reader,
            StatusCode::TOO_MANY_REQUESTS,
            context! { csrf => form.csrf, email => form.email, alert => tr("staff-too-many-attempts") },
            vec![],
        )?;
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(state.config.web.login_refill_secs),
        );
        return Ok(resp);
    }
    let user = accounts::find_user(&state.db, &email).await?;
    let password = form.password.clone();
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = tokio::task::spawn_blocking(move || accounts::verify_password(&stored, &password))
        .await
        .unwrap_or(false);
    // A disabled account is refused like a wrong password (nothing tells it exists).
    let Some(user) = user.filter(|u| ok && u.disabled_at.is_none()) else {
        tracing::info!(ip = ?ip, "staff sign-in refused");
        return login_page(
            state,
            &reader,
            StatusCode::UNAUTHORIZED,
            context! { csrf => form.csrf, email => form.email, alert => tr("staff-sign-in-failed") },
            vec![],
        );
    };
    let secret = accounts::random_secret();
    let now = Utc::now();
    let lifetime = state.config.web.session_lifetime_secs;
    staff_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        id_hash: Set(hash(&secret)),
        user_id: Set(user.id),
        csrf_token: Set(accounts::random_secret()),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(lifetime as i64)),
        last_seen_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    // Expired sessions of this user go now (others go when they are next presented).
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::UserId.eq(user.id))
        .filter(staff_session::Column::ExpiresAt.lte(now))
        .exec(&state.db)
        .await?;
    tracing::info!(user = %user.id, "staff signed in");
    let mut resp = Redirect::to("/staff").into_response();
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookie(state, SESSION_COOKIE, &secret, lifetime as i64),
    );
    h.append(header::SET_COOKIE, cookie(state, LOGIN_CSRF_COOKIE, "", 0));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// Sign out
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

async fn logout(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((_, session)) = current(state, &headers).await? else {
        return Ok(to_login());
    };
    if !same(&session.csrf_token, &form.csrf) {
        return csrf_refusal(state, &reader);
    }
    staff_session::Entity::delete_by_id(session.id)
        .exec(&state.db)
        .await?;
    let mut resp = to_login();
    resp.headers_mut()
        .append(header::SET_COOKIE, cookie(state, SESSION_COOKIE, "", 0));
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------------------------

pub(crate) fn role_key(role: &str) -> &'static str {
    match Role::parse(role) {
        Some(Role::Admin) => "role-admin",
        Some(Role::Moderator) => "role-moderator",
        _ => "role-editor",
    }
}

async fn dashboard(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = current(state, &headers).await? else {
        return Ok(to_login());
    };
    // Administrators publish for every organisation; others for their own.
    let orgs = match Role::parse(&user.role) {
        Some(Role::Admin) => {
            organization::Entity::find()
                .order_by_asc(organization::Column::Name)
                .all(&state.db)
                .await?
        }
        _ => match user.organization_id {
            Some(id) => organization::Entity::find_by_id(id).all(&state.db).await?,
            None => vec![],
        },
    };
    let mut list = Vec::new();
    for org in &orgs {
        let rows = entry::Entity::find()
            .filter(entry::Column::OrganizationId.eq(org.id))
            .filter(entry::Column::DeletedAt.is_null())
            .order_by_desc(entry::Column::Updated)
            .all(&state.db)
            .await?;
        let entries: Vec<Value> = rows
            .iter()
            .filter_map(|r| {
                let e = crate::directory::store::parse(r).ok()?;
                let (lang, name) = super::best(e.name(), &reader, &org.default_language);
                Some(context! {
                    name, lang,
                    kind => state.web.t(&reader.ui, &format!("kind-{}", r.kind)),
                    url => state.urls.entry(e.kind(), r.id).to_string(),
                })
            })
            .collect();
        list.push(context! {
            name => org.name,
            slug => org.slug,
            url => state.urls.org(&org.slug).to_string(),
            handle => format!("@{}@{}", org.slug, state.urls.domain()),
            entries,
        });
    }
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_home.html",
        context! {
            email => user.email,
            role => state.web.t(&reader.ui, role_key(&user.role)),
            csrf => session.csrf_token,
            orgs => list,
            admin_links => super::admin::links(&user),
        },
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Change password
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn password_form(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = current(state, &headers).await? else {
        return Ok(to_login());
    };
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_password.html",
        context! { email => user.email, csrf => session.csrf_token, errors => context! {}, min => MIN_PASSWORD_CHARS },
        vec![],
    )
}

async fn change_password(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((user, session)) = current(state, &headers).await? else {
        return Ok(to_login());
    };
    if !same(&session.csrf_token, &form.csrf) {
        return csrf_refusal(state, &reader);
    }
    let ui = reader.ui.as_str();
    let mut errors = serde_json::Map::new();
    let stored = user.password_hash.clone();
    let current_pw = form.current.clone();
    let current_ok = !form.current.is_empty()
        && tokio::task::spawn_blocking(move || accounts::verify_password(&stored, &current_pw))
            .await
            .unwrap_or(false);
    if form.current.is_empty() {
        errors.insert(
            "current".into(),
            state.web.t(ui, "staff-field-required").into(),
        );
    } else if !current_ok {
        errors.insert(
            "current".into(),
            state.web.t(ui, "staff-wrong-current-password").into(),
        );
    }
    if form.new.chars().count() < MIN_PASSWORD_CHARS {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("min", MIN_PASSWORD_CHARS as i64);
        errors.insert(
            "new".into(),
            state
                .web
                .i18n
                .text(ui, "staff-password-too-short", Some(&args))
                .into(),
        );
    } else if form.new != form.confirm {
        errors.insert(
            "confirm".into(),
            state.web.t(ui, "staff-passwords-differ").into(),
        );
    }
    if !errors.is_empty() {
        return staff_page(
            state,
            &reader,
            StatusCode::UNPROCESSABLE_ENTITY,
            "staff_password.html",
            context! {
                email => user.email, csrf => session.csrf_token,
                errors => Value::from_serialize(&errors), min => MIN_PASSWORD_CHARS,
            },
            vec![],
        );
    }
    let new = form.new.clone();
    let new_hash = tokio::task::spawn_blocking(move || accounts::hash_password(&new))
        .await
        .map_err(|e| anyhow::anyhow!("hashing task: {e}"))??;
    let user_id = user.id;
    let email = user.email.clone();
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(new_hash);
    active.update(&state.db).await?;
    // Every other session of this user ends: whoever else knew the old password is out.
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::UserId.eq(user_id))
        .filter(staff_session::Column::Id.ne(session.id))
        .exec(&state.db)
        .await?;
    tracing::info!(user = %user_id, "staff password changed");
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_password.html",
        context! {
            email, csrf => session.csrf_token, errors => context! {},
            min => MIN_PASSWORD_CHARS, done => true,
        },
        vec![],
    )
}
