//! Public pages beyond the home, entry, organisation and topic pages: search (`/search`), the
//! events calendar (`/events`), the remote-follow form (`POST /follow`), our own
//! `authorize_interaction` page (the subscribe template our WebFinger advertises) and the
//! "near me" script (`/static/near-me.js`, progressive enhancement only).
use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::{
    Form, Router,
    extract::{ConnectInfo, Query},
    http::{Extensions, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use minijinja::{Value, context};
use serde::Deserialize;

use super::Reader;
use crate::{
    AppState,
    app::Ctx,
    directory::{
        model::{Entry, Event, Kind, StrEnum, Weekday, days_text},
        store,
        taxonomy::taxonomy,
    },
    error::AppResult,
    search::{self, query},
};

/// The query parameters of the search page: those of `GET /api/v1/search`.
pub const SEARCH_PARAMS: &[&str] = &[
    "q",
    "kind",
    "category",
    "language",
    "country",
    "locality",
    "lat",
    "lon",
    "radius_km",
    "from",
    "to",
    "open_now",
    "free",
    "age",
    "origin",
    "status",
    "page",
    "per_page",
];

/// The WebFinger link relation of a remote-follow ("subscribe") URL template.
pub const SUBSCRIBE_REL: &str = "http://ostatus.org/schema/1.0/subscribe";

pub fn routes() -> Router {
    Router::new()
        .route("/search", get(search_page))
        .route("/events", get(events_page))
        .route("/follow", post(remote_follow))
        .route("/authorize_interaction", get(authorize_interaction))
        .route("/static/near-me.js", get(near_me_script))
}

/// `path?query` with `pairs` (empty values left out).
fn href(path: &str, pairs: &BTreeMap<String, String>) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// `values` with `name` set to `value` (or removed) and the page number dropped.
fn refine(values: &BTreeMap<String, String>, name: &str, value: Option<&str>) -> String {
    let mut v = values.clone();
    v.remove("page");
    match value {
        Some(x) => v.insert(name.to_string(), x.to_string()),
        None => v.remove(name),
    };
    href("/search", &v)
}

fn label_of(state: &AppState, ui: &str, param: &str, value: &str) -> String {
    match param {
        "kind" => state.web.t(ui, &format!("kind-{value}")),
        "category" => taxonomy().label(value, ui),
        "language" => state
            .web
            .i18n
            .language_name(ui, value)
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

async fn search_page(
    ctx: Ctx,
    reader: Reader,
    Query(raw): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let ui = reader.ui.clone();
    let tr = |k: &str| state.web.t(&ui, k);
    // The last value of a parameter wins; hashtag links (`?tag=`) search for their words.
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    let mut tag = None;
    for (k, v) in raw {
        if SEARCH_PARAMS.contains(&k.as_str()) {
            params.insert(k, v);
        } else if k == "tag" {
            tag = Some(v);
        }
    }
    if let Some(t) = tag
        && params.get("q").is_none_or(|q| q.trim().is_empty())
    {
        params.insert("q".into(), t);
    }
    let values: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let default_lang = state.config.instance.default_language.clone();
    let mut errors = serde_json::Map::new();
    let mut items = Vec::new();
    let mut facets = Vec::new();
    let mut total = 0u64;
    let mut paging = Value::UNDEFINED;
    let status = match query::parse(&params, None, Utc::now()) {
        Err(problems) => {
            for e in problems {
                let key = format!("search-error-{}", e.field);
                errors
                    .entry(e.field.clone())
                    .or_insert_with(|| tr(&key).into());
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(p) => {
            let result = search::search(&state.db, &state.search_cache, &p).await?;
            total = result.total;
            for hit in &result.hits {
                let Ok(e) = store::parse(&hit.row) else {
                    continue;
                };
                let public = e.public_view();
                let (lang, name) = super::best(public.name(), &reader, &default_lang);
                items.push(context! {
                    name, lang,
                    url => state.urls.entry(public.kind(), hit.row.id).to_string(),
                    kind => tr(&format!("kind-{}", hit.row.kind)),
                    summary => public.summary_line(&ui, taxonomy()),
                    origin => (!hit.row.local).then(|| hit.row.origin_domain.clone()),
                    distance => hit.distance_km.map(|d| format!("{d:.1}")),
                });
            }
            for (param, counts) in [
                ("kind", &result.facets.kind),
                ("category", &result.facets.category),
                ("language", &result.facets.language),
                ("country", &result.facets.country),
            ] {
                let current = values.get(param);
                let mut list: Vec<(&String, &u64)> =
                    counts.iter().filter(|(_, n)| **n > 0).collect();
                list.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let links: Vec<Value> = list
                    .into_iter()
                    .take(15)
                    .map(|(v, n)| {
                        let active = current.is_some_and(|c| c.eq_ignore_ascii_case(v));
                        context! {
                            label => label_of(state, &ui, param, v),
                            count => n,
                            active,
                            href => refine(&values, param, (!active).then_some(v.as_str())),
                        }
                    })
                    .collect();
                if !links.is_empty() {
                    facets.push(context! {
                        param, title => tr(&format!("search-facet-{param}")), links,
                    });
                }
            }
            let pages = total.div_ceil(p.per_page).max(1);
            let page_href = |n: u64| {
                let mut v = values.clone();
                v.insert("page".into(), n.to_string());
                href("/search", &v)
            };
            paging = context! {
                page => p.page, pages,
                prev => (p.page > 1).then(|| page_href(p.page - 1)),
                next => (p.page < pages).then(|| page_href(p.page + 1)),
            };
            StatusCode::OK
        }
    };
    // The category choices: each top-level category, then its subcategories.
    let tax = taxonomy();
    let mut categories = Vec::new();
    for c in tax.top_level() {
        categories
            .push(context! { code => c.code, label => tax.label(&c.code, &ui), sub => false });
        for s in tax.children(&c.code) {
            categories
                .push(context! { code => s.code, label => tax.label(&s.code, &ui), sub => true });
        }
    }
    let kinds: Vec<Value> = ["service", "event", "offer"]
        .iter()
        .map(|k| context! { code => k, label => tr(&format!("kind-{k}")) })
        .collect();
    let advanced_open = ["origin", "status", "age", "from", "to"]
        .iter()
        .any(|k| values.contains_key(*k));
    let mut feed_params = values.clone();
    feed_params.remove("page");
    feed_params.remove("per_page");
    let mut resp = state.web.page(
        state,
        &reader,
        "search.html",
        context! {
            v => Value::from_serialize(&values),
            errors => Value::from_serialize(&errors),
            has_errors => !errors.is_empty(),
            searched => !values.is_empty(),
            items, facets, total, paging, categories, kinds, advanced_open,
            clear_href => "/search",
            calendar_href => href("/feeds/search.ics", &feed_params),
            atom_href => href("/feeds/search.atom", &feed_params),
        },
    )?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn near_me_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../templates/near-me.js"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Events calendar
// ---------------------------------------------------------------------------------------------

/// The local start and end of an event in its own time zone, and the zone's name (the stored
/// offset when the zone is unknown).
pub fn event_local(e: &Event) -> (NaiveDateTime, NaiveDateTime, String) {
    match e.timezone.parse::<Tz>() {
        Ok(tz) => (
            e.start_time.with_timezone(&tz).naive_local(),
            e.end_time.with_timezone(&tz).naive_local(),
            e.timezone.clone(),
        ),
        Err(_) => (
            e.start_time.naive_local(),
            e.end_time
                .with_timezone(e.start_time.offset())
                .naive_local(),
            format!("UTC{}", e.start_time.offset()),
        ),
    }
}

/// "Mon 2026-11-30" in the reader's language.
fn day_label(date: NaiveDate, ui: &str) -> String {
    let wd = Weekday::ALL[date.weekday().num_days_from_monday() as usize];
    format!("{} {}", days_text(&[wd], ui), date.format("%Y-%m-%d"))
}

fn iso_week(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn parse_week(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-1", v.trim()), "%G-W%V-%u").ok()
}

/// Days shown by the "upcoming" view.
const UPCOMING_DAYS: i64 = 30;
/// Events read for one view at most.
const CALENDAR_MAX: u64 = 500;

async fn events_page(
    ctx: Ctx,
    reader: Reader,
    Query(raw): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let ui = reader.ui.clone();
    let tr = |k: &str| state.web.t(&ui, k);
    let now = Utc::now();
    let get = |k: &str| raw.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut errors = serde_json::Map::new();
    // The week shown: ?week=2026-W48, or seven days from ?from=2026-11-30; else the coming
    // days.
    let mut start: Option<NaiveDate> = None;
    if let Some(w) = get("week") {
        match parse_week(w) {
            Some(d) => start = Some(d),
            None => {
                errors.insert("week".into(), tr("events-error-week").into());
            }
        }
    } else if let Some(f) = get("from") {
        match NaiveDate::parse_from_str(f, "%Y-%m-%d") {
            Ok(d) => start = Some(d),
            Err(_) => {
                errors.insert("from".into(), tr("events-error-from").into());
            }
        }
    }
    // The other search filters apply too (category, language, place…).
    let mut params: BTreeMap<String, String> = raw
        .iter()
        .filter(|(k, _)| {
            SEARCH_PARAMS.contains(&k.as_str())
                && !matches!(k.as_str(), "from" | "to" | "kind" | "page" | "per_page")
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    params.insert("kind".into(), "event".into());
    let mut days: Vec<Value> = Vec::new();
    let mut status = StatusCode::OK;
    match query::parse(&params, None, now) {
        Err(problems) => {
            for e in problems {
                errors
                    .entry(e.field.clone())
                    .or_insert_with(|| tr(&format!("search-error-{}", e.field)).into());
            }
        }
        Ok(mut p) if errors.is_empty() => {
            // Local days differ from UTC days by up to 14 hours: read a day more each side,
            // then keep the events by their local date.
            let (first, last) = match start {
                Some(d) => (d, d + Duration::days(6)),
                None => {
                    let today = now.date_naive();
                    (today, today + Duration::days(UPCOMING_DAYS))
                }
            };
            p.from = Some(match start {
                Some(_) => (first - Duration::days(1))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc(),
                None => now,
            });
            p.to = Some(
                (last + Duration::days(2))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc(),
            );
            p.page = 1;
            p.per_page = CALENDAR_MAX;
            let result = search::search(&state.db, &state.search_cache, &p).await?;
            let default_lang = state.config.instance.default_language.clone();
            let mut by_day: BTreeMap<NaiveDate, Vec<(NaiveDateTime, Value)>> = BTreeMap::new();
            for hit in &result.hits {
                let Ok(Entry::Event(e)) = store::parse(&hit.row).map(|e| e.public_view()) else {
                    continue;
                };
                let (ls, le, zone) = event_local(&e);
                // An event under way when the view starts is shown on its first day.
                let day = ls.date().max(first);
                if day > last || le.date() < first {
                    continue;
                }
                if start.is_none() && e.end_time.with_timezone(&Utc) < now {
                    continue;
                }
                let (lang, name) = super::best(&e.name, &reader, &default_lang);
                let when = if ls.date() == le.date() {
                    format!("{}–{}", ls.format("%H:%M"), le.format("%H:%M"))
                } else {
                    format!(
                        "{} – {}",
                        ls.format("%Y-%m-%d %H:%M"),
                        le.format("%Y-%m-%d %H:%M")
                    )
                };
                by_day.entry(day).or_default().push((
                    ls,
                    context! {
                        name, lang, when, zone,
                        start => e.start_time.to_rfc3339(),
                        url => state.urls.entry(Kind::Event, hit.row.id).to_string(),
                        place => e.location.as_ref().map(|l| l.short_place(&ui)).filter(|p| !p.is_empty())
                            .or_else(|| e.online_url.as_ref().map(|_| tr("events-online"))),
                        cancelled => e.status.as_str() == "cancelled",
                        origin => (!hit.row.local).then(|| hit.row.origin_domain.clone()),
                    },
                ));
            }
            for (day, mut list) in by_day {
                list.sort_by_key(|(t, _)| *t);
                days.push(context! {
                    date => day.format("%Y-%m-%d").to_string(),
                    label => day_label(day, &ui),
                    events => list.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
                });
            }
        }
        Ok(_) => {}
    }
    if !errors.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // Navigation keeps the filters.
    let filters: BTreeMap<String, String> = params
        .iter()
        .filter(|(k, v)| k.as_str() != "kind" && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let nav = |week: Option<NaiveDate>| {
        let mut f = filters.clone();
        if let Some(d) = week {
            f.insert("week".into(), iso_week(d));
        }
        href("/events", &f)
    };
    let this_monday = {
        let t = now.date_naive();
        t - Duration::days(t.weekday().num_days_from_monday() as i64)
    };
    let week = start.map(|d| {
        let end = d + Duration::days(6);
        context! {
            title => state.web.i18n.text_with(&ui, "events-week-title", &[
                ("week", &iso_week(d)), ("first", &day_label(d, &ui)), ("last", &day_label(end, &ui)),
            ]),
            prev => nav(Some(d - Duration::days(7))),
            next => nav(Some(d + Duration::days(7))),
        }
    });
    let mut cal = filters.clone();
    cal.remove("status");
    let mut resp = state.web.page(
        state,
        &reader,
        "events.html",
        context! {
            days, week,
            errors => Value::from_serialize(&errors),
            week_value => get("week").unwrap_or_default(),
            from_value => get("from").unwrap_or_default(),
            this_week => nav(Some(this_monday)),
            next_week => nav(Some(this_monday + Duration::days(7))),
            upcoming => nav(None),
            upcoming_days => UPCOMING_DAYS,
            calendar_href => if cal.is_empty() {
                "/feeds/events.ics".to_string()
            } else {
                href("/feeds/search.ics", &cal)
            },
            feeds => crate::feeds::instance_links(state),
        },
    )?;
    *resp.status_mut() = status;
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// Remote follow
// ---------------------------------------------------------------------------------------------

/// `user@server` from what a reader typed (`@user@server`, `acct:user@server` too):
/// `(user, server)`, the server lower-cased, with its port if it has one.
pub fn parse_handle(input: &str) -> Option<(String, String)> {
    let s = input.trim();
    let s = match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("acct:") => &s[5..],
        _ => s,
    };
    let s = s.strip_prefix('@').unwrap_or(s);
    let (user, host) = s.split_once('@')?;
    let user_ok = !user.is_empty()
        && user.len() <= 100
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+'));
    let host = host.to_ascii_lowercase();
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host.as_str(), None),
    };
    let host_ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    (user_ok && host_ok).then(|| (user.to_string(), host))
}

/// Why a remote follow could not be sent on.
#[derive(Debug, PartialEq, Eq)]
pub enum FollowProblem {
    Malformed,
    Blocked,
    Unreachable,
    NoAccount,
    NoTemplate,
}

impl FollowProblem {
    fn key(&self) -> &'static str {
        match self {
            FollowProblem::Malformed => "follow-error-malformed",
            FollowProblem::Blocked => "follow-error-blocked",
            FollowProblem::Unreachable => "follow-error-unreachable",
            FollowProblem::NoAccount => "follow-error-no-account",
            FollowProblem::NoTemplate => "follow-error-no-template",
        }
    }
    fn status(&self) -> StatusCode {
        match self {
            FollowProblem::Malformed | FollowProblem::NoTemplate | FollowProblem::NoAccount => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            FollowProblem::Blocked => StatusCode::FORBIDDEN,
            FollowProblem::Unreachable => StatusCode::BAD_GATEWAY,
        }
    }
}

/// The security headers of a page with the remote-follow form: `form-action` also allows the
/// reader's own server, since browsers apply it to the redirect that follows the form (our
/// 303 to their server's follow page). Only https (and http when insecure federation is on,
/// for local testing).
pub fn allow_follow_redirect(state: &AppState, mut resp: Response) -> Response {
    let extra = if state.config.federation.allow_insecure {
        "form-action 'self' https: http:"
    } else {
        "form-action 'self' https:"
    };
    let csp = super::security::CONTENT_SECURITY_POLICY.replace("form-action 'self'", extra);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// Largest WebFinger answer read.
const MAX_JRD_BYTES: usize = 64 * 1024;
/// Timeout of the whole WebFinger lookup.
const LOOKUP_SECS: u64 = 10;

/// The reader's own server's follow page for `uri`: WebFinger of their account (never of a
/// blocked domain), its subscribe template, `{uri}` filled in.
pub async fn subscribe_url(
    state: &AppState,
    account: &str,
    uri: &str,
) -> Result<url::Url, FollowProblem> {
    let (user, host) = parse_handle(account).ok_or(FollowProblem::Malformed)?;
    if state.moderation.refuses_domain(&host).is_some() {
        return Err(FollowProblem::Blocked);
    }
    let wf = url::Url::parse_with_params(
        &format!("{}://{host}/.well-known/webfinger", state.config.scheme()),
        &[("resource", format!("acct:{user}@{host}"))],
    )
    .map_err(|_| FollowProblem::Malformed)?;
    let secs = LOOKUP_SECS.min(state.config.federation.request_timeout_secs.max(1));
    let fetch = async {
        let mut resp = state
            .http
            .get(wf.clone())
            .header(
                header::ACCEPT,
                "application/jrd+json, application/json;q=0.9",
            )
            .send()
            .await
            .map_err(|_| FollowProblem::Unreachable)?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND
            || resp.status() == reqwest::StatusCode::GONE
        {
            return Err(FollowProblem::NoAccount);
        }
        if !resp.status().is_success() {
            return Err(FollowProblem::Unreachable);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|_| FollowProblem::Unreachable)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_JRD_BYTES {
                return Err(FollowProblem::Unreachable);
            }
        }
        Ok::<Vec<u8>, FollowProblem>(body)
    };
    let body = tokio::time::timeout(std::time::Duration::from_secs(secs), fetch)
        .await
        .map_err(|_| FollowProblem::Unreachable)??;
    let jrd: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| FollowProblem::Unreachable)?;
    let template = jrd["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"].as_str() == Some(SUBSCRIBE_REL))
        .filter_map(|l| l["template"].as_str())
        .find(|t| t.contains("{uri}"))
        .ok_or(FollowProblem::NoTemplate)?;
    let encoded: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    let target = url::Url::parse(&template.replace("{uri}", &encoded))
        .map_err(|_| FollowProblem::NoTemplate)?;
    if !matches!(target.scheme(), "https" | "http") {
        return Err(FollowProblem::NoTemplate);
    }
    Ok(target)
}

#[derive(Deserialize, Default)]
pub struct FollowForm {
    #[serde(default)]
    account: String,
    /// The actor to follow: one of our organisations, or a federated entry's author.
    #[serde(default)]
    target: String,
}

/// What the follow form can follow: `(actor id, handle, page to go back to)`.
pub async fn follow_target(
    state: &AppState,
    target: &str,
) -> AppResult<Option<(String, String, String)>> {
    use crate::http::wellknown::{Resource, parse_resource};
    if let Ok(Resource::Organization(slug)) =
        parse_resource(target, &state.urls.domain(), state.urls.base())
        && target.starts_with("http")
    {
        return Ok(crate::accounts::find_org(&state.db, &slug).await?.map(|o| {
            let id = state.urls.org(&o.slug).to_string();
            (
                id.clone(),
                format!("@{}@{}", o.slug, state.urls.domain()),
                id,
            )
        }));
    }
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let actor = crate::db::entities::remote_actor::Entity::find()
        .filter(crate::db::entities::remote_actor::Column::ApId.eq(target))
        .one(&state.db)
        .await?;
    Ok(actor.map(|a| {
        let handle = a
            .preferred_username
            .as_ref()
            .map(|u| format!("@{u}@{}", a.domain))
            .unwrap_or_else(|| a.ap_id.clone());
        let page = a.url.clone().unwrap_or_else(|| a.ap_id.clone());
        (a.ap_id, handle, page)
    }))
}

async fn remote_follow(
    ctx: Ctx,
    reader: Reader,
    ext: Extensions,
    Form(form): Form<FollowForm>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let Some((uri, handle, back)) = follow_target(state, form.target.trim()).await? else {
        return Err(crate::error::AppError::NotFound(
            "nothing to follow here".into(),
        ));
    };
    let ip = ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip());
    let (status, key) = if !state.follow_limiter.allow(ip) {
        (StatusCode::TOO_MANY_REQUESTS, "follow-error-too-many")
    } else {
        match subscribe_url(state, &form.account, &uri).await {
            Ok(target) => {
                let mut resp = (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, target.to_string())],
                )
                    .into_response();
                resp.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return Ok(resp);
            }
            Err(p) => {
                tracing::info!(problem = ?p, "remote follow refused");
                (p.status(), p.key())
            }
        }
    };
    let error = state.web.i18n.text_with(
        &reader.ui,
        key,
        &[(
            "server",
            parse_handle(&form.account)
                .map(|(_, h)| h)
                .unwrap_or_default()
                .as_str(),
        )],
    );
    let mut resp = state.web.page(
        state,
        &reader,
        "remote_follow.html",
        context! {
            follow => context! { target => uri, handle, account => form.account, error },
            back,
        },
    )?;
    *resp.status_mut() = status;
    Ok(allow_follow_redirect(state, resp))
}

#[derive(Deserialize)]
struct InteractionQuery {
    #[serde(default)]
    uri: String,
}

/// Where our WebFinger's subscribe template leads: this instance has no reader accounts, so
/// the page explains how to follow from one's own fediverse account.
async fn authorize_interaction(
    ctx: Ctx,
    reader: Reader,
    Query(q): Query<InteractionQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let uri = q.uri.trim().to_string();
    let target = if uri.is_empty() {
        None
    } else {
        follow_target(state, &uri).await?
    };
    let shown = (!uri.is_empty() && (uri.starts_with("https://") || uri.starts_with("http://")))
        .then(|| uri.clone());
    let resp = state.web.page(
        state,
        &reader,
        "authorize_interaction.html",
        context! {
            uri => shown,
            follow => target.map(|(id, handle, _)| context! { target => id, handle }),
        },
    )?;
    Ok(allow_follow_redirect(state, resp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert_eq!(
            parse_handle("@alice@Mastodon.Example"),
            Some(("alice".into(), "mastodon.example".into()))
        );
        assert_eq!(
            parse_handle("acct:bob@localhost:3000"),
            Some(("bob".into(), "localhost:3000".into()))
        );
        assert_eq!(
            parse_handle(" carol@social.example.org "),
            Some(("carol".into(), "social.example.org".into()))
        );
        for bad in [
            "",
            "alice",
            "@alice",
            "alice@",
            "@alice@bad host",
            "a/b@x.example",
            "alice@x.example/path",
            "alice@-x.example",
            "alice@x.example:99999",
            "https://x.example/@alice",
        ] {
            assert_eq!(parse_handle(bad), None, "{bad}");
        }
    }

    #[test]
    fn weeks() {
        assert_eq!(
            parse_week("2026-W48"),
            NaiveDate::from_ymd_opt(2026, 11, 23)
        );
        assert_eq!(
            iso_week(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            "2026-W48"
        );
        assert_eq!(
            iso_week(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            "2026-W53"
        );
        assert_eq!(parse_week("2026-48"), None);
        assert_eq!(parse_week("nope"), None);
    }
}
