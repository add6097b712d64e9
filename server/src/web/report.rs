//! The public report form (no account): `/report?target=<ActivityPub id>` from every entry and
//! organisation page. Rate-limited per client address with the JSON API's bucket, a honeypot
//! field against robots, errors beside the fields with the input kept, and a thank-you page.
//! Reports are stored by the same function as `POST /api/v1/reports`.
use std::collections::BTreeMap;

use axum::{
    Form, Router,
    extract::Query,
    http::{Extensions, HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use minijinja::{Value, context};

use super::Reader;
use crate::{
    AppState,
    app::Ctx,
    error::{AppError, AppResult},
    moderation::{api::submit_report, reports},
};

type Fields = BTreeMap<String, String>;

/// The honeypot: a field people never see nor fill in.
pub const HONEYPOT: &str = "website";

pub fn routes() -> Router {
    Router::new()
        .route("/report", get(form).post(send))
        .route("/report/thanks", get(thanks))
}

/// What is reported, for the page's heading: the entry's or organisation's name.
async fn target_name(state: &AppState, reader: &Reader, target: &str) -> AppResult<Option<String>> {
    if let Some(e) = crate::directory::store::get_by_ap_id(&state.db, target).await? {
        let name = crate::directory::store::parse(&e)
            .map(|p| super::best(p.name(), reader, &state.config.instance.default_language).1)
            .unwrap_or_default();
        return Ok(Some(name));
    }
    if let Some(slug) = target.strip_prefix(state.urls.join("o/").as_str())
        && let Some(o) = crate::accounts::find_org(&state.db, slug).await?
    {
        return Ok(Some(o.name));
    }
    Ok(None)
}

fn categories(state: &AppState, reader: &Reader) -> Vec<Value> {
    reports::CATEGORIES
        .iter()
        .map(|c| {
            context! {
                code => c,
                label => state.web.t(&reader.ui, &format!("report-category-{c}")),
                help => state.web.t(&reader.ui, &format!("report-category-{c}-help")),
            }
        })
        .collect()
}

fn public_page(
    state: &AppState,
    reader: &Reader,
    status: StatusCode,
    name: &str,
    ctx: Value,
) -> AppResult<Response> {
    let mut resp = state.web.page(state, reader, name, ctx)?;
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    reader: &Reader,
    status: StatusCode,
    target: &str,
    name: Option<String>,
    form: Value,
    errors: Value,
    alert: Option<String>,
) -> AppResult<Response> {
    public_page(
        state,
        reader,
        status,
        "report_form.html",
        context! {
            target, target_name => name, categories => categories(state, reader),
            form, errors, alert, max => reports::MAX_COMMENT,
        },
    )
}

async fn form(ctx: Ctx, reader: Reader, Query(q): Query<Fields>) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let target = q.get("target").map(|t| t.trim()).unwrap_or_default();
    let Some(name) = target_name(state, &reader, target).await? else {
        return public_page(
            state,
            &reader,
            StatusCode::NOT_FOUND,
            "report_thanks.html",
            context! { unknown => true },
        );
    };
    form_page(
        state,
        &reader,
        StatusCode::OK,
        target,
        Some(name),
        context! {},
        context! {},
        None,
    )
}

async fn send(
    ctx: Ctx,
    reader: Reader,
    ext: Extensions,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let tr = |k: &str| state.web.t(&reader.ui, k);
    let target = f.get("target").map(|t| t.trim()).unwrap_or_default();
    let name = target_name(state, &reader, target).await?;
    let category = f.get("category").map(|c| c.trim()).unwrap_or_default();
    let comment = f.get("comment").map(|c| c.trim()).unwrap_or_default();
    let kept = context! { category, comment };
    if !ctx.report_limiter.allow(ctx.client_ip(&ext, &headers)) {
        let mut resp = form_page(
            state,
            &reader,
            StatusCode::TOO_MANY_REQUESTS,
            target,
            name,
            kept,
            context! {},
            Some(tr("report-too-many")),
        )?;
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(ctx.config.moderation.report_refill_secs),
        );
        return Ok(resp);
    }
    if f.get(HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        tracing::info!("report form: honeypot filled in, refused");
        return form_page(
            state,
            &reader,
            StatusCode::BAD_REQUEST,
            target,
            name,
            kept,
            context! {},
            Some(tr("report-refused")),
        );
    }
    let mut errors = serde_json::Map::new();
    if !reports::CATEGORIES.contains(&category) {
        errors.insert("category".into(), tr("report-choose-category").into());
    }
    if comment.chars().count() > reports::MAX_COMMENT {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("max", reports::MAX_COMMENT as i64);
        errors.insert(
            "comment".into(),
            state
                .web
                .i18n
                .text(&reader.ui, "report-comment-too-long", Some(&args))
                .into(),
        );
    }
    if name.is_none() {
        return form_page(
            state,
            &reader,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            None,
            kept,
            Value::from_serialize(&errors),
            Some(tr("report-unknown-target")),
        );
    }
    if !errors.is_empty() {
        return form_page(
            state,
            &reader,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            name,
            kept,
            Value::from_serialize(&errors),
            None,
        );
    }
    let comment = (!comment.is_empty()).then_some(comment);
    match submit_report(&ctx, target, category, comment).await {
        Ok(r) => {
            tracing::info!(report = %r.id, "report from the public form");
            Ok(Redirect::to("/report/thanks").into_response())
        }
        Err(AppError::Validation(_)) | Err(AppError::BadRequest(_)) => form_page(
            state,
            &reader,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            name,
            kept,
            context! {},
            Some(tr("report-unknown-target")),
        ),
        Err(e) => Err(e),
    }
}

async fn thanks(ctx: Ctx, reader: Reader) -> AppResult<Response> {
    public_page(
        &ctx,
        &reader,
        StatusCode::OK,
        "report_thanks.html",
        context! {},
    )
}
