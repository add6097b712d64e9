//! Moderation and administration pages under `/staff/admin/...`, behind the staff sign-in:
//! moderators (and administrators) handle reports, removals and the review queue; only
//! administrators change the federation policy (domain blocks, actor sanctions), read the
//! moderation log, manage users and organisations and import files. Editors get 403 on every
//! page. Each form carries the session's CSRF token, and each action calls the same functions as
//! the JSON API (`moderation::api`, `accounts`, `hsds::import`), which write the moderation log.
use std::collections::BTreeMap;

use axum::{
    Form, Router,
    extract::{Multipart, Path, Query},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use minijinja::{Value, context};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use url::Url;
use uuid::Uuid;

use super::{
    Reader,
    staff::{csrf_refusal, current, same, staff_page, to_login},
};
use crate::{
    AppState,
    accounts::{self, NewOrganization, OrganizationBasics, Role},
    app::Ctx,
    config::FederationMode,
    db::entities::{
        actor_sanction, domain_block, entry, organization, report, staff_session, user,
    },
    directory::{model::LangMap, store},
    error::{AppError, AppResult},
    hsds::import::{Format, import_bytes},
    moderation::{
        api::{self as mapi, LogQuery},
        log::Who,
        policy::{Severity, normalize_domain},
    },
};

type Fields = BTreeMap<String, String>;

pub fn routes() -> Router {
    Router::new()
        .route("/staff/admin", get(overview))
        .route("/staff/admin/reports", get(reports_page))
        .route("/staff/admin/reports/{id}", get(report_page))
        .route("/staff/admin/reports/{id}/resolve", post(report_resolve))
        .route("/staff/admin/reports/{id}/forward", post(report_forward))
        .route(
            "/staff/admin/domain-blocks",
            get(blocks_page).post(block_create),
        )
        .route("/staff/admin/domain-blocks/{id}/delete", post(block_delete))
        .route("/staff/admin/actors", get(actors_page).post(actor_create))
        .route("/staff/admin/actors/{id}/delete", post(actor_delete))
        .route("/staff/admin/entries", get(entries_page))
        .route("/staff/admin/entries/{id}", get(entry_page))
        .route("/staff/admin/entries/{id}/remove", post(entry_remove))
        .route("/staff/admin/entries/{id}/restore", post(entry_restore))
        .route("/staff/admin/review", get(review_page))
        .route("/staff/admin/review/{id}/approve", post(review_approve))
        .route("/staff/admin/review/{id}/reject", post(review_reject))
        .route("/staff/admin/log", get(log_page))
        .route("/staff/admin/log/export", get(log_export))
        .route("/staff/admin/users", get(users_page).post(user_create))
        .route("/staff/admin/users/{id}", get(user_page))
        .route("/staff/admin/users/{id}/role", post(user_role))
        .route("/staff/admin/users/{id}/disable", post(user_disable))
        .route("/staff/admin/users/{id}/delete", post(user_delete))
        .route("/staff/admin/users/{id}/password", post(user_password))
        .route(
            "/staff/admin/organizations",
            get(orgs_page).post(org_create),
        )
        .route(
            "/staff/admin/organizations/{slug}",
            get(org_page).post(org_update),
        )
        .route(
            "/staff/admin/import",
            get(import_page)
                .post(import_upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

// ---------------------------------------------------------------------------------------------
// Access, pages, forms
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Moderator,
    Admin,
}

/// The signed-in staff member of an admin page.
struct Staff {
    user: user::Model,
    session: staff_session::Model,
    who: Who,
    admin: bool,
}

fn is_moderator(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin) | Some(Role::Moderator))
}

/// The dashboard's links to these pages, by role (an empty list for editors).
pub fn links(user: &user::Model) -> Value {
    let role = Role::parse(&user.role);
    let mut out: Vec<Value> = Vec::new();
    let mut add = |url: &str, key: &str| out.push(context! { url, key });
    if is_moderator(role) {
        add("/staff/admin", "admin-overview-title");
        add("/staff/admin/reports", "admin-reports-title");
        add("/staff/admin/review", "admin-review-title");
        add("/staff/admin/entries", "admin-entries-title");
        add("/staff/admin/domain-blocks", "admin-blocks-title");
        add("/staff/admin/actors", "admin-actors-title");
    }
    if role == Some(Role::Admin) {
        add("/staff/admin/log", "admin-log-title");
        add("/staff/admin/users", "admin-users-title");
        add("/staff/admin/organizations", "admin-orgs-title");
        add("/staff/admin/import", "admin-import-title");
    }
    Value::from(out)
}

fn forbidden(state: &AppState, reader: &Reader) -> AppResult<Response> {
    staff_page(
        state,
        reader,
        StatusCode::FORBIDDEN,
        "staff_error.html",
        context! { title_key => "admin-forbidden-title", text_key => "admin-forbidden-text" },
        vec![],
    )
}

/// The staff member if signed in with the role needed; else the response to send (the
/// sign-in page, or 403).
async fn guard(
    state: &AppState,
    reader: &Reader,
    headers: &HeaderMap,
    need: Need,
) -> AppResult<Result<Staff, Response>> {
    let Some((user, session)) = current(state, headers).await? else {
        return Ok(Err(to_login()));
    };
    let role = Role::parse(&user.role);
    let ok = match need {
        Need::Moderator => is_moderator(role),
        Need::Admin => role == Some(Role::Admin),
    };
    if !ok {
        return Ok(Err(forbidden(state, reader)?));
    }
    Ok(Ok(Staff {
        who: Who::from(&user),
        admin: role == Some(Role::Admin),
        user,
        session,
    }))
}

macro_rules! guard {
    ($state:expr, $reader:expr, $headers:expr, $need:expr) => {
        match guard($state, &$reader, &$headers, $need).await? {
            Ok(s) => s,
            Err(r) => return Ok(r),
        }
    };
}

/// As `guard!`, for a form: also the CSRF token.
macro_rules! guard_form {
    ($state:expr, $reader:expr, $headers:expr, $need:expr, $form:expr) => {{
        let s = guard!($state, $reader, $headers, $need);
        let token = $form.get("csrf").map(String::as_str).unwrap_or_default();
        if token.is_empty() || !same(&s.session.csrf_token, token) {
            return csrf_refusal($state, &$reader);
        }
        s
    }};
}

/// An admin page: the staff bar, the navigation and a status line (`done`) come with it.
fn page(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    name: &str,
    ctx: Value,
) -> AppResult<Response> {
    staff_page(
        state,
        reader,
        status,
        name,
        context! {
            email => s.user.email,
            csrf => s.session.csrf_token,
            is_admin => s.admin,
            nav => links(&s.user),
            ..ctx
        },
        vec![],
    )
}

/// The confirmations shown after a redirect (`?done=...`): only these keys.
const DONE: &[&str] = &[
    "block-created",
    "block-deleted",
    "actor-created",
    "actor-deleted",
    "entry-removed",
    "entry-restored",
    "entry-approved",
    "entry-rejected",
    "report-resolved",
    "report-forwarded",
    "user-created",
    "user-role",
    "user-disabled",
    "user-enabled",
    "user-deleted",
    "user-password",
    "org-created",
    "org-updated",
];

fn done_key(q: &Fields) -> Option<String> {
    q.get("done")
        .filter(|d| DONE.contains(&d.as_str()))
        .map(|d| format!("admin-done-{d}"))
}

fn see(url: impl AsRef<str>) -> Response {
    Redirect::to(url.as_ref()).into_response()
}

/// A trimmed form field, `None` when empty.
fn opt(f: &Fields, name: &str) -> Option<String> {
    f.get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn text(f: &Fields, name: &str) -> String {
    opt(f, name).unwrap_or_default()
}

/// A form's errors: the field errors of a validation failure, or one alert for the rest.
struct Problems {
    status: StatusCode,
    errors: serde_json::Map<String, serde_json::Value>,
    alert: Option<String>,
}

impl Problems {
    fn new() -> Problems {
        Problems {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: serde_json::Map::new(),
            alert: None,
        }
    }
    fn field(&mut self, name: &str, message: String) {
        self.errors.insert(name.into(), message.into());
    }
    fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.alert.is_none()
    }
    /// What a backend refusal means for the form; internal errors go on as errors.
    fn from_error(e: AppError) -> AppResult<Problems> {
        let mut p = Problems::new();
        p.status = e.status();
        match e {
            AppError::Validation(list) => {
                for fe in list {
                    let name = fe.field.split('[').next().unwrap_or_default().to_string();
                    let msg = match p.errors.get(&name).and_then(|v| v.as_str()) {
                        Some(prev) => format!("{prev}; {}", fe.message),
                        None => fe.message,
                    };
                    p.errors.insert(name, msg.into());
                }
            }
            AppError::Internal(e) => return Err(AppError::Internal(e)),
            other => p.alert = Some(other.to_string()),
        }
        Ok(p)
    }
    fn errors(&self) -> Value {
        Value::from_serialize(&self.errors)
    }
}

fn tr(state: &AppState, reader: &Reader, key: &str) -> String {
    state.web.t(&reader.ui, key)
}

fn when(d: &DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn entry_name(state: &AppState, reader: &Reader, row: &entry::Model) -> (String, String) {
    match store::parse(row) {
        Ok(e) => super::best(e.name(), reader, &state.config.instance.default_language),
        Err(_) => (String::new(), row.ap_id.clone()),
    }
}

fn entry_summary(state: &AppState, reader: &Reader, row: &entry::Model) -> Value {
    let (lang, name) = entry_name(state, reader, row);
    context! {
        id => row.id.to_string(),
        name, lang,
        kind => tr(state, reader, &format!("kind-{}", row.kind)),
        ap_id => row.ap_id,
        url => row.url,
        origin => row.origin_domain,
        local => row.local,
        state => row.moderation_state,
        state_label => tr(state, reader, &format!("admin-state-{}", row.moderation_state.replace('_', "-"))),
        deleted => row.deleted_at.is_some(),
        admin_url => format!("/staff/admin/entries/{}", row.id),
    }
}

async fn entry_by_id(state: &AppState, id: &str) -> AppResult<Option<entry::Model>> {
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(None);
    };
    Ok(entry::Entity::find_by_id(id).one(&state.db).await?)
}

/// An entry by its id or its ActivityPub id (or the address of its page here).
async fn find_entry(state: &AppState, key: &str) -> AppResult<Option<entry::Model>> {
    let key = key.trim();
    if let Some(e) = entry_by_id(state, key).await? {
        return Ok(Some(e));
    }
    if let Some(e) = store::get_by_ap_id(&state.db, key).await? {
        return Ok(Some(e));
    }
    // The address of a local entry page ends with its id.
    if let Ok(u) = Url::parse(key)
        && state.urls.is_local(&u)
        && let Some(last) = u.path_segments().and_then(|mut s| s.next_back())
    {
        return entry_by_id(state, last).await;
    }
    Ok(None)
}

fn not_found(state: &AppState, reader: &Reader, s: &Staff) -> AppResult<Response> {
    page(
        state,
        reader,
        s,
        StatusCode::NOT_FOUND,
        "admin_message.html",
        context! { title_key => "admin-not-found-title", text_key => "admin-not-found-text" },
    )
}

/// A refusal of an action with no form to show again (e.g. a button): the message page.
fn refused(state: &AppState, reader: &Reader, s: &Staff, e: AppError) -> AppResult<Response> {
    let p = Problems::from_error(e)?;
    let mut message: Vec<String> = p.alert.into_iter().collect();
    for (k, v) in &p.errors {
        message.push(format!("{k}: {}", v.as_str().unwrap_or_default()));
    }
    page(
        state,
        reader,
        s,
        p.status,
        "admin_message.html",
        context! {
            title_key => "admin-refused-title", text_key => "admin-refused-text",
            detail => message.join("; "),
        },
    )
}

fn mode_key(state: &AppState) -> &'static str {
    match state.moderation.mode() {
        FederationMode::Open => "admin-mode-open",
        FederationMode::Allowlist => "admin-mode-allowlist",
    }
}

// ---------------------------------------------------------------------------------------------
// Overview
// ---------------------------------------------------------------------------------------------

async fn overview(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let open_reports = report::Entity::find()
        .filter(report::Column::State.eq("open"))
        .count(&state.db)
        .await?;
    let pending = mapi::pending_entries(&ctx).await?.len();
    let blocks = domain_block::Entity::find().count(&state.db).await?;
    page(
        state,
        &reader,
        &s,
        StatusCode::OK,
        "admin_overview.html",
        context! {
            mode_key => mode_key(state),
            review_mode => format!("{:?}", state.config.moderation.review_remote_entries).to_lowercase(),
            open_reports, pending, blocks,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

fn report_view(state: &AppState, reader: &Reader, r: &report::Model) -> Value {
    context! {
        id => r.id.to_string(),
        url => format!("/staff/admin/reports/{}", r.id),
        target => r.target,
        category => r.category,
        category_label => tr(state, reader, &format!("report-category-{}", r.category)),
        comment => r.comment,
        origin => r.origin,
        origin_label => tr(state, reader, if r.origin == "remote" { "admin-report-remote" } else { "admin-report-local" }),
        reporter_domain => r.reporter_domain,
        reporter_actor => r.reporter_actor,
        state => r.state,
        resolution_note => r.resolution_note,
        resolution_action => r.resolution_action,
        resolved_by => r.resolved_by,
        resolved_at => r.resolved_at.as_ref().map(when),
        forwarded_at => r.forwarded_at.as_ref().map(when),
        created_at => when(&r.created_at),
    }
}

async fn reports_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let filter = match q.get("state").map(String::as_str) {
        Some("resolved") => "resolved",
        Some("all") => "all",
        _ => "open",
    };
    let rows = mapi::list_reports_in(&ctx, Some(filter)).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| report_view(state, &reader, r))
        .collect();
    page(
        state,
        &reader,
        &s,
        StatusCode::OK,
        "admin_reports.html",
        context! { items, filter, done => done_key(&q) },
    )
}

#[allow(clippy::too_many_arguments)]
async fn report_detail(
    state: &AppState,
    ctx: &Ctx,
    reader: &Reader,
    s: &Staff,
    r: &report::Model,
    status: StatusCode,
    form: Value,
    problems: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let target_entry = match r.entry_id {
        Some(id) => entry::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let forwardable = target_entry.as_ref().is_some_and(|e| !e.local);
    let mut actions = vec!["none"];
    if target_entry.is_some() {
        actions.push("remove_entry");
    }
    let remote_target = match &target_entry {
        Some(e) => !e.local,
        None => Url::parse(&r.target).is_ok_and(|u| !ctx.urls.is_local(&u)),
    };
    if s.admin && remote_target {
        actions.push("limit_domain");
        actions.push("block_domain");
    }
    let actions: Vec<Value> = actions
        .into_iter()
        .map(|a| context! { code => a, label => tr(state, reader, &format!("admin-action-{}", a.replace('_', "-"))) })
        .collect();
    page(
        state,
        reader,
        s,
        status,
        "admin_report.html",
        context! {
            r => report_view(state, reader, r),
            entry => target_entry.as_ref().map(|e| entry_summary(state, reader, e)),
            actions, forwardable, form,
            errors => problems.errors(), alert => problems.alert.clone(), done,
        },
    )
}

async fn load_report(state: &Ctx, id: &str) -> AppResult<Option<report::Model>> {
    match mapi::load_report(state, id).await {
        Ok(r) => Ok(Some(r)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn report_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let Some(r) = load_report(&ctx, &id).await? else {
        return not_found(state, &reader, &s);
    };
    report_detail(
        state,
        &ctx,
        &reader,
        &s,
        &r,
        StatusCode::OK,
        context! {},
        &Problems::new(),
        done_key(&q),
    )
    .await
}

async fn report_resolve(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Moderator, f);
    let Some(r) = load_report(&ctx, &id).await? else {
        return not_found(state, &reader, &s);
    };
    let action = opt(&f, "action").unwrap_or_else(|| "none".into());
    let note = opt(&f, "note");
    let mut p = Problems::new();
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        p.field("note", tr(state, &reader, "admin-too-long"));
    }
    if p.is_empty() {
        match mapi::resolve(&ctx, &s.who, r.clone(), note, &action).await {
            Ok(_) => {
                return Ok(see(format!(
                    "/staff/admin/reports/{id}?done=report-resolved"
                )));
            }
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    report_detail(
        state,
        &ctx,
        &reader,
        &s,
        &r,
        p.status,
        context! { note => f.get("note"), action },
        &p,
        None,
    )
    .await
}

async fn report_forward(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Moderator, f);
    let Some(r) = load_report(&ctx, &id).await? else {
        return not_found(state, &reader, &s);
    };
    match mapi::forward(&ctx, &s.who, &r).await {
        Ok(_) => Ok(see(format!(
            "/staff/admin/reports/{id}?done=report-forwarded"
        ))),
        Err(e) => refused(state, &reader, &s, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Domain blocks
// ---------------------------------------------------------------------------------------------

/// An expiry typed in the form: a date (end of that day, UTC) or a date and time (UTC).
fn parse_expiry(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|d| d.and_utc())
}

async fn blocks_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let rows = domain_block::Entity::find()
        .order_by_asc(domain_block::Column::Domain)
        .all(&state.db)
        .await?;
    let now = Utc::now();
    let items: Vec<Value> = rows
        .iter()
        .map(|b| {
            context! {
                id => b.id.to_string(),
                domain => b.domain,
                severity => b.severity,
                severity_label => tr(state, reader, &format!("admin-severity-{}", b.severity)),
                public_reason => b.public_reason,
                private_reason => b.private_reason,
                expires_at => b.expires_at.as_ref().map(when),
                expired => b.expires_at.is_some_and(|e| e <= now),
                created_at => when(&b.created_at),
                created_by => b.created_by,
            }
        })
        .collect();
    page(
        state,
        reader,
        s,
        status,
        "admin_blocks.html",
        context! {
            items, form, errors => p.errors(), alert => p.alert.clone(), done,
            mode_key => mode_key(state),
        },
    )
}

async fn blocks_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    blocks_view(
        state,
        &reader,
        &s,
        StatusCode::OK,
        context! { severity => "suspend" },
        &Problems::new(),
        done_key(&q),
    )
    .await
}

async fn block_create(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let mut p = Problems::new();
    let domain = match opt(&f, "domain") {
        None => {
            p.field("domain", tr(state, &reader, "staff-field-required"));
            None
        }
        Some(d) => match normalize_domain(&d) {
            Some(d) => Some(d),
            None => {
                p.field("domain", tr(state, &reader, "admin-bad-domain"));
                None
            }
        },
    };
    let severity = match f.get("severity").map(|v| Severity::parse(v.trim())) {
        Some(Some(sev)) => Some(sev),
        _ => {
            p.field("severity", tr(state, &reader, "admin-bad-severity"));
            None
        }
    };
    let public_reason = opt(&f, "public_reason");
    let private_reason = opt(&f, "private_reason");
    for (name, v) in [
        ("public_reason", &public_reason),
        ("private_reason", &private_reason),
    ] {
        if v.as_ref().is_some_and(|v| v.chars().count() > 1000) {
            p.field(name, tr(state, &reader, "admin-too-long"));
        }
    }
    let expires_at = match opt(&f, "expires_at") {
        None => None,
        Some(v) => match parse_expiry(&v) {
            Some(d) if d > Utc::now() => Some(d),
            Some(_) => {
                p.field("expires_at", tr(state, &reader, "admin-expiry-past"));
                None
            }
            None => {
                p.field("expires_at", tr(state, &reader, "admin-bad-date"));
                None
            }
        },
    };
    if let (true, Some(domain), Some(severity)) = (p.is_empty(), domain, severity) {
        match mapi::add_block(
            &ctx,
            &s.who,
            domain,
            severity,
            public_reason,
            private_reason,
            expires_at,
        )
        .await
        {
            Ok(_) => return Ok(see("/staff/admin/domain-blocks?done=block-created")),
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    blocks_view(
        state,
        &reader,
        &s,
        p.status,
        Value::from_serialize(&f),
        &p,
        None,
    )
    .await
}

async fn block_delete(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found(state, &reader, &s);
    };
    match mapi::remove_block(&ctx, &s.who, id).await {
        Ok(()) => Ok(see("/staff/admin/domain-blocks?done=block-deleted")),
        Err(e) => refused(state, &reader, &s, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Sanctions on single remote actors
// ---------------------------------------------------------------------------------------------

async fn actors_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let rows = actor_sanction::Entity::find()
        .order_by_asc(actor_sanction::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|a| {
            context! {
                id => a.id.to_string(),
                actor => a.ap_id,
                severity => a.severity,
                severity_label => tr(state, reader, &format!("admin-severity-{}", a.severity)),
                reason => a.reason,
                created_at => when(&a.created_at),
                created_by => a.created_by,
            }
        })
        .collect();
    page(
        state,
        reader,
        s,
        status,
        "admin_actors.html",
        context! { items, form, errors => p.errors(), alert => p.alert.clone(), done },
    )
}

async fn actors_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    actors_view(
        state,
        &reader,
        &s,
        StatusCode::OK,
        context! { severity => "suspend" },
        &Problems::new(),
        done_key(&q),
    )
    .await
}

async fn actor_create(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let mut p = Problems::new();
    let actor = match opt(&f, "actor").map(|a| Url::parse(&a)) {
        Some(Ok(u))
            if !ctx.urls.is_local(&u) && (u.scheme() == "https" || u.scheme() == "http") =>
        {
            Some(u)
        }
        None => {
            p.field("actor", tr(state, &reader, "staff-field-required"));
            None
        }
        _ => {
            p.field("actor", tr(state, &reader, "admin-bad-actor"));
            None
        }
    };
    let severity = match f.get("severity").map(|v| Severity::parse(v.trim())) {
        Some(Some(sev)) => Some(sev),
        _ => {
            p.field("severity", tr(state, &reader, "admin-bad-severity"));
            None
        }
    };
    let reason = opt(&f, "reason");
    if reason.as_ref().is_some_and(|v| v.chars().count() > 1000) {
        p.field("reason", tr(state, &reader, "admin-too-long"));
    }
    if let (true, Some(actor), Some(severity)) = (p.is_empty(), actor, severity) {
        match mapi::add_sanction(&ctx, &s.who, actor, severity, reason).await {
            Ok(_) => return Ok(see("/staff/admin/actors?done=actor-created")),
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    actors_view(
        state,
        &reader,
        &s,
        p.status,
        Value::from_serialize(&f),
        &p,
        None,
    )
    .await
}

async fn actor_delete(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found(state, &reader, &s);
    };
    match mapi::remove_sanction(&ctx, &s.who, id).await {
        Ok(()) => Ok(see("/staff/admin/actors?done=actor-deleted")),
        Err(e) => refused(state, &reader, &s, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Entries: find, remove, restore; the review queue
// ---------------------------------------------------------------------------------------------

async fn entries_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let mut p = Problems::new();
    p.status = StatusCode::OK;
    if let Some(key) = opt(&q, "entry") {
        if let Some(e) = find_entry(state, &key).await? {
            return Ok(see(format!("/staff/admin/entries/{}", e.id)));
        }
        p.status = StatusCode::NOT_FOUND;
        p.field("entry", tr(state, &reader, "admin-entry-unknown"));
    }
    let removed = entry::Entity::find()
        .filter(entry::Column::ModerationState.eq(store::REMOVED))
        .filter(entry::Column::DeletedAt.is_null())
        .order_by_desc(entry::Column::Updated)
        .limit(200)
        .all(&state.db)
        .await?;
    let removed: Vec<Value> = removed
        .iter()
        .map(|e| entry_summary(state, &reader, e))
        .collect();
    page(
        state,
        &reader,
        &s,
        p.status,
        "admin_entries.html",
        context! { removed, form => context! { entry => q.get("entry") }, errors => p.errors() },
    )
}

async fn entry_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    e: &entry::Model,
    status: StatusCode,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    page(
        state,
        reader,
        s,
        status,
        "admin_entry.html",
        context! {
            e => entry_summary(state, reader, e),
            removed => e.moderation_state == store::REMOVED,
            pending => e.moderation_state == store::PENDING_REVIEW,
            errors => p.errors(), alert => p.alert.clone(), done,
        },
    )
}

async fn entry_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let Some(e) = entry_by_id(state, &id).await? else {
        return not_found(state, &reader, &s);
    };
    entry_view(
        state,
        &reader,
        &s,
        &e,
        StatusCode::OK,
        &Problems::new(),
        done_key(&q),
    )
    .await
}

async fn entry_action(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    id: String,
    f: Fields,
    restore: bool,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Moderator, f);
    let Some(e) = entry_by_id(state, &id).await? else {
        return not_found(state, &reader, &s);
    };
    let reason = opt(&f, "reason");
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        let mut p = Problems::new();
        p.field("reason", tr(state, &reader, "admin-too-long"));
        return entry_view(state, &reader, &s, &e, p.status, &p, None).await;
    }
    let result = if restore {
        mapi::restore(&ctx, &s.who, e.clone(), reason.as_deref()).await
    } else if e.moderation_state == store::REMOVED {
        Err(AppError::Conflict(tr(
            state,
            &reader,
            "admin-already-removed",
        )))
    } else {
        mapi::remove(&ctx, &s.who, e.clone(), reason.as_deref()).await
    };
    match result {
        Ok(_) => Ok(see(format!(
            "/staff/admin/entries/{id}?done={}",
            if restore {
                "entry-restored"
            } else {
                "entry-removed"
            }
        ))),
        Err(err) => {
            let p = Problems::from_error(err)?;
            entry_view(state, &reader, &s, &e, p.status, &p, None).await
        }
    }
}

async fn entry_remove(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    entry_action(ctx, reader, headers, id, f, false).await
}

async fn entry_restore(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    entry_action(ctx, reader, headers, id, f, true).await
}

async fn review_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Moderator);
    let rows = mapi::pending_entries(&ctx).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|e| entry_summary(state, &reader, e))
        .collect();
    page(
        state,
        &reader,
        &s,
        StatusCode::OK,
        "admin_review.html",
        context! {
            items, done => done_key(&q),
            review_mode => format!("{:?}", state.config.moderation.review_remote_entries).to_lowercase(),
        },
    )
}

async fn review_decide(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    id: String,
    f: Fields,
    approve: bool,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Moderator, f);
    let Some(e) = entry_by_id(state, &id).await? else {
        return not_found(state, &reader, &s);
    };
    if e.moderation_state != store::PENDING_REVIEW {
        return refused(
            state,
            &reader,
            &s,
            AppError::Conflict(tr(state, &reader, "admin-not-pending")),
        );
    }
    // A rejected entry is removed: hidden, and kept out through later Updates and backfills.
    let result = if approve {
        mapi::approve(&ctx, &s.who, e).await
    } else {
        let reason = opt(&f, "reason").unwrap_or_else(|| "rejected in review".into());
        mapi::remove(&ctx, &s.who, e, Some(&reason)).await
    };
    match result {
        Ok(_) => Ok(see(format!(
            "/staff/admin/review?done={}",
            if approve {
                "entry-approved"
            } else {
                "entry-rejected"
            }
        ))),
        Err(err) => refused(state, &reader, &s, err),
    }
}

async fn review_approve(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    review_decide(ctx, reader, headers, id, f, true).await
}

async fn review_reject(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    review_decide(ctx, reader, headers, id, f, false).await
}

// ---------------------------------------------------------------------------------------------
// The moderation log (administrators)
// ---------------------------------------------------------------------------------------------

const LOG_PER_PAGE: u64 = 50;

fn log_filters(q: &Fields) -> LogQuery {
    LogQuery {
        action: opt(q, "action"),
        actor: opt(q, "actor"),
        target: opt(q, "target"),
        format: opt(q, "format"),
        ..Default::default()
    }
}

fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v {
            ser.append_pair(k, v);
        }
    }
    ser.finish()
}

async fn log_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    let lq = log_filters(&q);
    let page_no = q
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let total = mapi::log_query(&lq).count(&state.db).await?;
    let rows = mapi::log_query(&lq)
        .offset((page_no - 1) * LOG_PER_PAGE)
        .limit(LOG_PER_PAGE)
        .all(&state.db)
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|l| {
            context! {
                at => when(&l.at), actor => l.actor_email, role => l.actor_role,
                action => l.action, target => l.target, reason => l.reason, details => l.details,
            }
        })
        .collect();
    let filters = [
        ("action", lq.action.clone()),
        ("actor", lq.actor.clone()),
        ("target", lq.target.clone()),
    ];
    let base = query_string(&filters);
    let with = |extra: (&str, Option<String>)| {
        let mut all: Vec<(&str, Option<String>)> = filters.to_vec();
        all.push(extra);
        query_string(&all)
    };
    let pages = total.div_ceil(LOG_PER_PAGE).max(1);
    page(
        state,
        &reader,
        &s,
        StatusCode::OK,
        "admin_log.html",
        context! {
            items, total, page => page_no, pages,
            filter => context! { action => lq.action, actor => lq.actor, target => lq.target },
            csv_url => format!("/staff/admin/log/export?{}", with(("format", Some("csv".into())))),
            json_url => format!("/staff/admin/log/export?{}", with(("format", Some("json".into())))),
            prev_url => (page_no > 1).then(|| format!("/staff/admin/log?{}", with(("page", Some((page_no - 1).to_string()))))),
            next_url => (page_no < pages).then(|| format!("/staff/admin/log?{}", with(("page", Some((page_no + 1).to_string()))))),
            base,
        },
    )
}

async fn log_export(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let _s = guard!(state, reader, headers, Need::Admin);
    let mut resp = mapi::log_export(&ctx, &log_filters(&q)).await?;
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// Users (administrators)
// ---------------------------------------------------------------------------------------------

const ROLES: [&str; 3] = ["editor", "moderator", "admin"];

async fn org_choices(state: &AppState) -> AppResult<Vec<organization::Model>> {
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Name)
        .all(&state.db)
        .await?)
}

/// `(value, label)` pairs of a select.
fn org_options(orgs: &[organization::Model]) -> Vec<(String, String)> {
    orgs.iter()
        .map(|o| (o.slug.clone(), o.name.clone()))
        .collect()
}

fn role_options(state: &AppState, reader: &Reader) -> Vec<(String, String)> {
    ROLES
        .iter()
        .map(|r| (r.to_string(), tr(state, reader, super::staff::role_key(r))))
        .collect()
}

async fn users_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(&state.db)
        .await?;
    let orgs = org_choices(state).await?;
    let items: Vec<Value> = users
        .iter()
        .map(|u| {
            let org = u
                .organization_id
                .and_then(|id| orgs.iter().find(|o| o.id == id));
            context! {
                url => format!("/staff/admin/users/{}", u.id),
                email => u.email,
                role => tr(state, reader, super::staff::role_key(&u.role)),
                org => org.map(|o| o.name.clone()),
                disabled => u.disabled_at.is_some(),
                created_at => when(&u.created_at),
            }
        })
        .collect();
    page(
        state,
        reader,
        s,
        status,
        "admin_users.html",
        context! {
            items, form, errors => p.errors(), alert => p.alert.clone(), done,
            roles => role_options(state, reader), orgs => org_options(&orgs),
            min => super::staff::MIN_PASSWORD_CHARS,
        },
    )
}

async fn users_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    users_view(
        state,
        &reader,
        &s,
        StatusCode::OK,
        context! { role => "editor" },
        &Problems::new(),
        done_key(&q),
    )
    .await
}

fn check_password(state: &AppState, reader: &Reader, p: &mut Problems, password: &str) {
    if password.chars().count() < super::staff::MIN_PASSWORD_CHARS {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("min", super::staff::MIN_PASSWORD_CHARS as i64);
        p.field(
            "password",
            state
                .web
                .i18n
                .text(&reader.ui, "staff-password-too-short", Some(&args)),
        );
    }
}

async fn user_create(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let mut p = Problems::new();
    let email = text(&f, "email");
    if email.is_empty() {
        p.field("email", tr(state, &reader, "staff-field-required"));
    }
    let password = f.get("password").cloned().unwrap_or_default();
    check_password(state, &reader, &mut p, &password);
    let role = f.get("role").and_then(|r| Role::parse(r.trim()));
    if role.is_none() {
        p.field("role", tr(state, &reader, "admin-bad-role"));
    }
    let org = opt(&f, "org");
    if role == Some(Role::Editor) && org.is_none() {
        p.field("org", tr(state, &reader, "admin-editor-needs-org"));
    }
    if let (true, Some(role)) = (p.is_empty(), role) {
        match accounts::create_user_logged(
            &state.db,
            &s.who,
            &email,
            &password,
            role,
            org.as_deref(),
            opt(&f, "reason").as_deref(),
        )
        .await
        {
            Ok(_) => return Ok(see("/staff/admin/users?done=user-created")),
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    // Never send the password back.
    let mut kept = f.clone();
    kept.remove("password");
    users_view(
        state,
        &reader,
        &s,
        p.status,
        Value::from_serialize(&kept),
        &p,
        None,
    )
    .await
}

async fn user_by_id(state: &AppState, id: &str) -> AppResult<Option<user::Model>> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id).one(&state.db).await?)
}

#[allow(clippy::too_many_arguments)]
async fn user_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    u: &user::Model,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let orgs = org_choices(state).await?;
    let org = u
        .organization_id
        .and_then(|id| orgs.iter().find(|o| o.id == id))
        .map(|o| o.slug.clone());
    page(
        state,
        reader,
        s,
        status,
        "admin_user.html",
        context! {
            u => context! {
                id => u.id.to_string(), email => u.email, role => u.role, org,
                role_label => tr(state, reader, super::staff::role_key(&u.role)),
                disabled => u.disabled_at.is_some(),
                disabled_at => u.disabled_at.as_ref().map(when),
                created_at => when(&u.created_at),
                is_self => u.id == s.user.id,
            },
            form, errors => p.errors(), alert => p.alert.clone(), done,
            roles => role_options(state, reader), orgs => org_options(&orgs),
            min => super::staff::MIN_PASSWORD_CHARS,
        },
    )
}

async fn user_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    let Some(u) = user_by_id(state, &id).await? else {
        return not_found(state, &reader, &s);
    };
    user_view(
        state,
        &reader,
        &s,
        &u,
        StatusCode::OK,
        context! {},
        &Problems::new(),
        done_key(&q),
    )
    .await
}

/// One of the user page's forms: `act` does it; a refusal shows the page again with the
/// errors beside that form's fields.
async fn user_form<F, Fut>(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    id: String,
    f: Fields,
    act: F,
) -> AppResult<Response>
where
    F: FnOnce(AppState, Who, user::Model, Fields, Problems) -> Fut,
    Fut: std::future::Future<Output = AppResult<Result<&'static str, Problems>>>,
{
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let Some(u) = user_by_id(state, &id).await? else {
        return not_found(state, &reader, &s);
    };
    match act(
        state.clone(),
        s.who.clone(),
        u.clone(),
        f.clone(),
        Problems::new(),
    )
    .await?
    {
        Ok("user-deleted") => Ok(see("/staff/admin/users?done=user-deleted")),
        Ok(done) => Ok(see(format!("/staff/admin/users/{id}?done={done}"))),
        Err(p) => {
            let mut kept = f;
            kept.remove("password");
            // The user as it is now (unchanged: nothing was saved).
            user_view(
                state,
                &reader,
                &s,
                &u,
                p.status,
                Value::from_serialize(&kept),
                &p,
                None,
            )
            .await
        }
    }
}

async fn user_role(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let r2 = reader.clone();
    user_form(
        ctx,
        reader,
        headers,
        id,
        f,
        |state, who, u, f, mut p| async move {
            let Some(role) = f.get("role").and_then(|r| Role::parse(r.trim())) else {
                p.field("role", tr(&state, &r2, "admin-bad-role"));
                return Ok(Err(p));
            };
            let org = text(&f, "org");
            if role == Role::Editor && org.is_empty() {
                p.field("org", tr(&state, &r2, "admin-editor-needs-org"));
                return Ok(Err(p));
            }
            match accounts::set_role(
                &state.db,
                &who,
                &u.email,
                role,
                Some(&org),
                opt(&f, "reason").as_deref(),
            )
            .await
            {
                Ok(_) => Ok(Ok("user-role")),
                Err(e) => Ok(Err(Problems::from_error(e)?)),
            }
        },
    )
    .await
}

async fn user_disable(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    user_form(
        ctx,
        reader,
        headers,
        id,
        f,
        |state, who, u, f, _| async move {
            let disable = f.get("disabled").map(String::as_str) != Some("0");
            match accounts::set_disabled(
                &state.db,
                &who,
                &u.email,
                disable,
                opt(&f, "reason").as_deref(),
            )
            .await
            {
                Ok(_) => Ok(Ok(if disable {
                    "user-disabled"
                } else {
                    "user-enabled"
                })),
                Err(e) => Ok(Err(Problems::from_error(e)?)),
            }
        },
    )
    .await
}

async fn user_delete(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let r2 = reader.clone();
    user_form(
        ctx,
        reader,
        headers,
        id,
        f,
        |state, who, u, f, mut p| async move {
            // The email typed again, so that a stray click deletes nothing.
            if !text(&f, "confirm").eq_ignore_ascii_case(&u.email) {
                p.field("confirm", tr(&state, &r2, "admin-confirm-email"));
                return Ok(Err(p));
            }
            match accounts::delete_user(&state.db, &who, &u.email, opt(&f, "reason").as_deref())
                .await
            {
                Ok(()) => Ok(Ok("user-deleted")),
                Err(e) => Ok(Err(Problems::from_error(e)?)),
            }
        },
    )
    .await
}

async fn user_password(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let r2 = reader.clone();
    user_form(
        ctx,
        reader,
        headers,
        id,
        f,
        |state, who, u, f, mut p| async move {
            let password = f.get("password").cloned().unwrap_or_default();
            check_password(&state, &r2, &mut p, &password);
            if !p.is_empty() {
                return Ok(Err(p));
            }
            match accounts::reset_password(&state.db, &who, &u.email, &password).await {
                Ok(_) => Ok(Ok("user-password")),
                Err(e) => Ok(Err(Problems::from_error(e)?)),
            }
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Organisations (administrators)
// ---------------------------------------------------------------------------------------------

async fn orgs_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    let orgs = org_choices(state).await?;
    let items: Vec<Value> = orgs
        .iter()
        .map(|o| {
            context! {
                slug => o.slug, name => o.name,
                url => format!("/staff/admin/organizations/{}", o.slug),
                public_url => state.urls.org(&o.slug).to_string(),
                handle => format!("@{}@{}", o.slug, state.urls.domain()),
            }
        })
        .collect();
    page(
        state,
        reader,
        s,
        status,
        "admin_orgs.html",
        context! {
            items, form, errors => p.errors(), alert => p.alert.clone(), done,
            default_language => state.config.instance.default_language,
        },
    )
}

async fn orgs_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    orgs_view(
        state,
        &reader,
        &s,
        StatusCode::OK,
        context! { default_language => state.config.instance.default_language },
        &Problems::new(),
        done_key(&q),
    )
    .await
}

fn basics(f: &Fields) -> OrganizationBasics {
    OrganizationBasics {
        name: text(f, "name"),
        summary: text(f, "summary"),
        website: opt(f, "website"),
        email: opt(f, "email"),
        phone: opt(f, "phone"),
        address: opt(f, "address"),
        manually_approves_followers: f.contains_key("manually_approves_followers"),
    }
}

async fn org_create(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let mut p = Problems::new();
    let slug = text(&f, "slug").to_lowercase();
    if slug.is_empty() {
        p.field("slug", tr(state, &reader, "staff-field-required"));
    }
    let b = basics(&f);
    if b.name.is_empty() {
        p.field("name", tr(state, &reader, "staff-field-required"));
    }
    if p.is_empty() {
        let lang = opt(&f, "default_language")
            .unwrap_or_else(|| state.config.instance.default_language.clone());
        let new = NewOrganization {
            slug,
            name: b.name,
            summary: if b.summary.is_empty() {
                LangMap::default()
            } else {
                LangMap::single(&lang, &b.summary)
            },
            default_language: Some(lang),
            website: b.website,
            email: b.email,
            phone: b.phone,
            address: b.address,
            manually_approves_followers: b.manually_approves_followers,
            ..Default::default()
        };
        match accounts::create_organization_logged(
            &state.db,
            &s.who,
            new,
            &state.config.instance.default_language,
        )
        .await
        {
            Ok(_) => return Ok(see("/staff/admin/organizations?done=org-created")),
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    orgs_view(
        state,
        &reader,
        &s,
        p.status,
        Value::from_serialize(&f),
        &p,
        None,
    )
    .await
}

fn org_form(o: &organization::Model) -> Value {
    let summary: LangMap = serde_json::from_str(&o.summary).unwrap_or_default();
    context! {
        name => o.name,
        summary => summary.get(&o.default_language).unwrap_or_default(),
        website => o.website, email => o.email, phone => o.phone, address => o.address,
        manually_approves_followers => o.manually_approves_followers.then_some("on"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn org_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    o: &organization::Model,
    status: StatusCode,
    form: Value,
    p: &Problems,
    done: Option<String>,
) -> AppResult<Response> {
    page(
        state,
        reader,
        s,
        status,
        "admin_org.html",
        context! {
            o => context! {
                slug => o.slug, name => o.name, default_language => o.default_language,
                public_url => state.urls.org(&o.slug).to_string(),
                handle => format!("@{}@{}", o.slug, state.urls.domain()),
            },
            form, errors => p.errors(), alert => p.alert.clone(), done,
        },
    )
}

async fn org_page(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    let Some(o) = accounts::find_org(&state.db, &slug).await? else {
        return not_found(state, &reader, &s);
    };
    org_view(
        state,
        &reader,
        &s,
        &o,
        StatusCode::OK,
        org_form(&o),
        &Problems::new(),
        done_key(&q),
    )
    .await
}

async fn org_update(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard_form!(state, reader, headers, Need::Admin, f);
    let Some(o) = accounts::find_org(&state.db, &slug).await? else {
        return not_found(state, &reader, &s);
    };
    let b = basics(&f);
    let mut p = Problems::new();
    if b.name.is_empty() {
        p.field("name", tr(state, &reader, "staff-field-required"));
    } else {
        match accounts::update_organization_basics(&state.db, &s.who, &slug, b).await {
            Ok(updated) => {
                // Followers see the new name and presentation (an `Update` of the actor).
                crate::federation::actors::publish_org_update(&state.db, state, &updated).await?;
                state.delivery_wakeup.notify_waiters();
                return Ok(see(format!(
                    "/staff/admin/organizations/{slug}?done=org-updated"
                )));
            }
            Err(e) => p = Problems::from_error(e)?,
        }
    }
    org_view(
        state,
        &reader,
        &s,
        &o,
        p.status,
        Value::from_serialize(&f),
        &p,
        None,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Import upload (administrators)
// ---------------------------------------------------------------------------------------------

async fn import_view(
    state: &AppState,
    reader: &Reader,
    s: &Staff,
    status: StatusCode,
    form: Value,
    p: &Problems,
    report: Option<Value>,
) -> AppResult<Response> {
    let orgs = org_choices(state).await?;
    page(
        state,
        reader,
        s,
        status,
        "admin_import.html",
        context! {
            orgs => org_options(&orgs), form, errors => p.errors(), alert => p.alert.clone(),
            report, max_bytes => state.config.import.max_bytes,
            max_mib => format!("{:.1}", state.config.import.max_bytes as f64 / 1_048_576.0),
        },
    )
}

async fn import_page(ctx: Ctx, reader: Reader, headers: HeaderMap) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    import_view(
        state,
        &reader,
        &s,
        StatusCode::OK,
        context! { format => "hsds", dry_run => true },
        &Problems::new(),
        None,
    )
    .await
}

async fn import_upload(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    mut mp: Multipart,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let s = guard!(state, reader, headers, Need::Admin);
    let limit = state.config.import.max_bytes;
    let mut fields = Fields::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    let mut broken = false;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                broken = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        if (bytes.len() + c.len()) as u64 > limit {
                            too_large = true;
                            break;
                        }
                        bytes.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(_) => {
                        broken = true;
                        break;
                    }
                }
            }
            if too_large || broken {
                break;
            }
            file = Some((filename, bytes));
        } else {
            match field.text().await {
                Ok(t) if t.len() <= 10_000 => {
                    fields.insert(name, t);
                }
                _ => {
                    broken = true;
                    break;
                }
            }
        }
    }
    // The token first: nothing of an unauthenticated form is looked at.
    let token = fields.get("csrf").map(String::as_str).unwrap_or_default();
    if token.is_empty() || !same(&s.session.csrf_token, token) {
        return csrf_refusal(state, &reader);
    }
    let dry_run = fields.contains_key("dry_run");
    let format = match fields.get("format").map(String::as_str) {
        Some("csv") => Some(Format::Csv),
        Some("hsds") => Some(Format::Hsds),
        _ => None,
    };
    let kept = context! {
        org => fields.get("org"), format => fields.get("format"), dry_run,
    };
    let mut p = Problems::new();
    if too_large {
        p.status = StatusCode::PAYLOAD_TOO_LARGE;
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("limit", limit as i64);
        p.field(
            "file",
            state
                .web
                .i18n
                .text(&reader.ui, "admin-import-too-large", Some(&args)),
        );
    } else if broken {
        p.status = StatusCode::BAD_REQUEST;
        p.alert = Some(tr(state, &reader, "admin-import-broken"));
    }
    if format.is_none() {
        p.field("format", tr(state, &reader, "admin-import-bad-format"));
    }
    let org = match opt(&fields, "org") {
        None => {
            p.field("org", tr(state, &reader, "staff-field-required"));
            None
        }
        Some(slug) => match accounts::find_org(&state.db, &slug).await? {
            Some(o) => Some(o),
            None => {
                p.field("org", tr(state, &reader, "admin-unknown-org"));
                None
            }
        },
    };
    if !too_large && file.as_ref().is_none_or(|(_, b)| b.is_empty()) {
        p.field("file", tr(state, &reader, "admin-import-no-file"));
    }
    if let (true, Some(org), Some(format), Some((filename, bytes))) =
        (p.is_empty(), org, format, file)
    {
        match import_bytes(state, &org, format, &bytes, dry_run).await {
            Ok(report) => {
                tracing::info!(admin = %s.user.email, org = %org.slug, ?format, dry_run, created = report.created, updated = report.updated, refused = report.refused, "import from the upload form");
                let records: Vec<Value> = report
                    .records
                    .iter()
                    .map(|r| {
                        context! {
                            at => r.at, id => r.id, name => r.name, outcome => r.outcome,
                            outcome_label => tr(state, &reader, &format!("admin-outcome-{}", r.outcome)),
                            entry_url => r.entry_id.map(|id| format!("/staff/admin/entries/{id}")),
                            errors => r.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                        }
                    })
                    .collect();
                let summary = context! {
                    organization => org.name, filename, dry_run => report.dry_run,
                    created => report.created, updated => report.updated,
                    unchanged => report.unchanged, refused => report.refused, records,
                };
                return import_view(
                    state,
                    &reader,
                    &s,
                    StatusCode::OK,
                    kept,
                    &Problems::new(),
                    Some(summary),
                )
                .await;
            }
            Err(e) => {
                let mut q = Problems::from_error(e)?;
                // A file that cannot be read at all: beside the file field.
                if let Some(a) = q.alert.take() {
                    q.field("file", a);
                }
                p = q;
            }
        }
    }
    import_view(state, &reader, &s, p.status, kept, &p, None).await
}
