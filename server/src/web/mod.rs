//! Server-rendered HTML pages.
use axum::{
    Router,
    http::{HeaderMap, HeaderValue, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use minijinja::{Environment, context};

use crate::{
    AppState,
    db::entities::organization,
    error::{AppError, AppResult},
    federation::actors::{org_languages, org_summary},
};

pub struct Web {
    env: Environment<'static>,
}

impl Web {
    pub fn new() -> anyhow::Result<Web> {
        let mut env = Environment::new();
        env.add_template("base.html", include_str!("../../templates/base.html"))?;
        env.add_template("org.html", include_str!("../../templates/org.html"))?;
        Ok(Web { env })
    }

    pub fn render(&self, name: &str, ctx: minijinja::Value) -> AppResult<Response> {
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| AppError::Internal(e.into()))?;
        let html = tpl.render(ctx).map_err(|e| AppError::Internal(e.into()))?;
        Ok(Html(html).into_response())
    }
}

pub fn routes() -> Router {
    Router::new().route("/static/style.css", get(style))
}

async fn style() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../templates/style.css"),
    )
        .into_response()
}

/// The reader's language from Accept-Language, among the instance's, else the default.
pub fn reader_language(headers: &HeaderMap, default: &str) -> String {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|l| l.split(';').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty() && l != "*")
        .unwrap_or_else(|| default.to_string())
}

pub fn text_direction(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or("");
    if ["ar", "fa", "he", "ps", "ur", "ckb", "dv", "yi"].contains(&primary) {
        "rtl"
    } else {
        "ltr"
    }
}

pub async fn org_page(
    state: &AppState,
    headers: &HeaderMap,
    org: &organization::Model,
) -> AppResult<Response> {
    let lang = reader_language(headers, &org.default_language);
    let summary = org_summary(org);
    let (summary_lang, summary_text) = summary
        .get_best(&[lang.as_str()], &org.default_language)
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .unwrap_or_default();
    let ui = "en";
    state.web.render(
        "org.html",
        context! {
            lang => ui,
            dir => text_direction(ui),
            instance_name => state.config.instance.name,
            t => context! {
                skip => "Skip to content",
                website => "Website",
                address => "Address",
                phone => "Phone",
                languages => "Languages spoken",
                follow => "Follow from your fediverse account",
                follow_help => "Copy this handle into the search box of your Mastodon (or other fediverse) app and follow it to see new entries.",
            },
            org => context! {
                name => org.name,
                website => org.website,
                address => org.address,
                phone => org.phone,
            },
            summary => summary_text,
            summary_lang => summary_lang,
            languages => org_languages(org).join(", "),
            handle => format!("@{}@{}", org.slug, state.urls.domain()),
            actor_url => state.urls.org(&org.slug).to_string(),
        },
    )
}
