//! Calendars (iCalendar) and feeds (Atom, RSS 2.0) of the directory.
//!
//! Every feed is a search (see [`crate::search`]) with the same query parameters as
//! `GET /api/v1/search`, within a scope — the instance, an organisation, a category — so it
//! shows exactly what search shows: visible, live entries, local and federated. Two more
//! parameters: `lang` (the language of titles and texts; default: the organisation's or the
//! instance's) and, on calendars, `include=opening_hours` (services' weekly opening hours as
//! recurring events).
//!
//! | URL | What |
//! |-----|------|
//! | `/feeds/events.ics` | events of the instance (local and federated) |
//! | `/feeds/organizations/{slug}/events.ics` | events of an organisation |
//! | `/feeds/search.ics?…` | events matching a search |
//! | `/feeds/entries/{id}/opening-hours.ics` | a service's opening hours |
//! | `/feeds/entries.atom`, `.rss` | new and updated entries of the instance |
//! | `/feeds/organizations/{slug}/entries.atom`, `.rss` | … of an organisation |
//! | `/feeds/categories/{code}/entries.atom`, `.rss` | … of a category (and its subcategories) |
//! | `/feeds/search.atom`, `.rss` | … matching a search |
//!
//! Calendars default to every status (a cancelled event stays, with `STATUS:CANCELLED`, so
//! that subscribers see the cancellation) and to events ending at most 30 days ago. Every
//! answer carries an `ETag` (a hash of the body) and a `Last-Modified` (the last change of any
//! entry, moderation decision or, for an organisation, its profile), and conditional requests
//! get `304 Not Modified`.
pub mod ical;
pub mod syndication;

use std::collections::{BTreeMap, HashMap};

use axum::{
    Router,
    extract::{OriginalUri, Path, Query},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    AppState,
    app::Ctx,
    db::entities::{entry, moderation_log, organization},
    directory::{
        model::{Entry, EventStatus, Kind, LangMap, ServiceStatus, parse_hhmm},
        store,
        taxonomy::taxonomy,
        validate::FieldError,
    },
    error::{AppError, AppResult},
    search::{self, SearchParams, StatusFilter, query},
};

pub const ICS: &str = "text/calendar; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const RSS: &str = "application/rss+xml; charset=utf-8";

/// At most this many events in a calendar, and entries in a feed, unless `per_page` says less.
const CALENDAR_LIMIT: u64 = 1000;
const FEED_LIMIT: u64 = 50;
/// Calendars keep events that ended this many days ago.
const CALENDAR_PAST_DAYS: i64 = 30;

pub fn routes() -> Router {
    Router::new()
        // /feeds/events.ics, search.ics, entries.atom|rss, search.atom|rss
        .route("/feeds/{file}", get(instance_or_search))
        // /feeds/organizations/{slug}/events.ics, entries.atom|rss
        .route("/feeds/organizations/{slug}/{file}", get(organization))
        // /feeds/categories/{code}/entries.atom|rss
        .route("/feeds/categories/{code}/{file}", get(category))
        .route(
            "/feeds/entries/{id}/opening-hours.ics",
            get(opening_hours_calendar),
        )
}

type Params = Query<BTreeMap<String, String>>;

async fn instance_or_search(
    ctx: Ctx,
    headers: HeaderMap,
    uri: OriginalUri,
    Path(file): Path<String>,
    Query(q): Params,
) -> AppResult<Response> {
    let scope = match file.split_once('.').map(|(stem, _)| stem) {
        Some("search") => Scope::Search,
        _ => Scope::Instance,
    };
    serve(&ctx, &headers, &uri, scope, &file, &q).await
}

async fn organization(
    ctx: Ctx,
    headers: HeaderMap,
    uri: OriginalUri,
    Path((slug, file)): Path<(String, String)>,
    Query(q): Params,
) -> AppResult<Response> {
    serve(&ctx, &headers, &uri, Scope::Organization(slug), &file, &q).await
}

async fn category(
    ctx: Ctx,
    headers: HeaderMap,
    uri: OriginalUri,
    Path((code, file)): Path<(String, String)>,
    Query(q): Params,
) -> AppResult<Response> {
    serve(&ctx, &headers, &uri, Scope::Category(code), &file, &q).await
}

/// The document `file` of a scope: `events.ics` (instance and organisation), `entries.atom` and
/// `entries.rss` (instance, organisation, category), `search.ics`, `search.atom` and
/// `search.rss` (the search scope); anything else is not found.
async fn serve(
    ctx: &Ctx,
    headers: &HeaderMap,
    uri: &OriginalUri,
    scope: Scope,
    file: &str,
    q: &BTreeMap<String, String>,
) -> AppResult<Response> {
    let search = matches!(scope, Scope::Search);
    let calendar_scope = !matches!(scope, Scope::Category(_));
    match (file, search) {
        ("events.ics", false) if calendar_scope => calendar(ctx, headers, uri, scope, q).await,
        ("search.ics", true) => calendar(ctx, headers, uri, scope, q).await,
        ("entries.atom", false) | ("search.atom", true) => {
            feed(ctx, headers, uri, scope, Format::Atom, q).await
        }
        ("entries.rss", false) | ("search.rss", true) => {
            feed(ctx, headers, uri, scope, Format::Rss, q).await
        }
        _ => Err(AppError::not_found(&format!("feed {file}"))),
    }
}

#[derive(Debug, Clone)]
enum Scope {
    Instance,
    Search,
    Organization(String),
    Category(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Atom,
    Rss,
}

/// A scope resolved against the database, with the parsed search.
struct Request {
    params: SearchParams,
    org: Option<organization::Model>,
    /// The language asked for (`lang`), else the default one.
    lang: String,
    default_lang: String,
    include_hours: bool,
    title: String,
    page_url: String,
    self_url: String,
}

fn valid_language_tag(v: &str) -> bool {
    v.len() <= 35
        && v.split('-')
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
        && v.split('-').next().is_some_and(|s| s.len() >= 2)
}

/// Parses the feed's own parameters and the search parameters together (every problem at
/// once, each naming its parameter), then applies the scope.
async fn resolve(
    state: &AppState,
    uri: &OriginalUri,
    scope: &Scope,
    raw: &BTreeMap<String, String>,
    calendar: bool,
) -> AppResult<Request> {
    let now = Utc::now();
    let mut errors = Vec::new();
    let get = |name: &str| raw.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let lang = get("lang").and_then(|v| {
        if valid_language_tag(v) {
            Some(v.to_string())
        } else {
            errors.push(FieldError::new(
                "lang",
                "must be a language tag (BCP 47), such as fr or pt-BR",
            ));
            None
        }
    });
    let mut include_hours = false;
    if let Some(v) = get("include") {
        for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if calendar && part == "opening_hours" {
                include_hours = true;
            } else if calendar {
                errors.push(FieldError::new(
                    "include",
                    format!("unknown value {part:?}: expected opening_hours"),
                ));
            } else {
                errors.push(FieldError::new(
                    "include",
                    "only calendars (.ics) take include=opening_hours",
                ));
            }
        }
    }
    let mut search_raw = raw.clone();
    search_raw.remove("lang");
    search_raw.remove("include");
    if matches!(scope, Scope::Category(_)) {
        search_raw.remove("category");
    }
    let mut params = match query::parse(&search_raw, None, now) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    if calendar
        && let Some(p) = &params
        && get("kind").is_some()
        && p.kind != Some(Kind::Event)
    {
        errors.push(FieldError::new(
            "kind",
            "a calendar holds events: leave kind out or use kind=event \
             (include=opening_hours adds the opening hours of services)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut params = params.take().expect("parsed without errors");
    let per_page_given = get("per_page").is_some();
    if calendar {
        params.kind = Some(Kind::Event);
        if get("status").is_none() {
            params.status = StatusFilter::All;
        }
        if get("from").is_none() {
            params.from = Some(now - Duration::days(CALENDAR_PAST_DAYS));
        }
        if !per_page_given {
            params.per_page = CALENDAR_LIMIT;
        }
    } else if !per_page_given {
        params.per_page = FEED_LIMIT;
    }

    let instance = &state.config.instance;
    let what = if calendar { "events" } else { "new entries" };
    let (org, title, page_url, default_lang) = match scope {
        Scope::Instance => (
            None,
            format!("{} · {what}", instance.name),
            state.urls.base().to_string(),
            instance.default_language.clone(),
        ),
        Scope::Search => {
            let q = get("q").map(|q| format!(" “{q}”")).unwrap_or_default();
            (
                None,
                format!("{} · {what} · search{q}", instance.name),
                state.urls.base().to_string(),
                instance.default_language.clone(),
            )
        }
        Scope::Organization(slug) => {
            let org = crate::accounts::find_org(&state.db, slug)
                .await?
                .ok_or_else(|| AppError::not_found("organization"))?;
            params.organization = Some(org.id);
            let title = format!("{} · {what}", org.name);
            let page = state.urls.org(&org.slug).to_string();
            let default = org.default_language.clone();
            (Some(org), title, page, default)
        }
        Scope::Category(code) => {
            let tax = taxonomy();
            if !tax.is_category(code) {
                return Err(AppError::NotFound(format!("no such category: {code}")));
            }
            params.categories = Some(tax.with_descendants(code));
            let lang = lang.as_deref().unwrap_or(&instance.default_language);
            let is_top = tax.category(code).is_some_and(|c| c.parent.is_none());
            let page = if is_top {
                state.urls.topic(code).to_string()
            } else {
                state.urls.base().to_string()
            };
            (
                None,
                format!("{} · {what} · {}", instance.name, tax.label(code, lang)),
                page,
                instance.default_language.clone(),
            )
        }
    };
    let self_url = uri
        .0
        .path_and_query()
        .map(|pq| state.urls.join(pq.as_str()).to_string())
        .unwrap_or_else(|| state.urls.join(uri.0.path()).to_string());
    Ok(Request {
        params,
        org,
        lang: lang.unwrap_or_else(|| default_lang.clone()),
        default_lang,
        include_hours,
        title,
        page_url,
        self_url,
    })
}

/// When anything a feed shows may last have changed: the newest change of an entry (a
/// deletion counts: it updates the entry), of a moderation decision (which may hide an entry
/// without touching it) and of the organisation. Conservative: a change elsewhere moves it too.
async fn last_change(
    state: &AppState,
    org: Option<&organization::Model>,
) -> AppResult<DateTime<Utc>> {
    let entries: Option<DateTime<Utc>> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Updated)
        .order_by_desc(entry::Column::Updated)
        .limit(1)
        .into_tuple()
        .one(&state.db)
        .await?;
    let moderation: Option<DateTime<Utc>> = moderation_log::Entity::find()
        .select_only()
        .column(moderation_log::Column::At)
        .order_by_desc(moderation_log::Column::At)
        .limit(1)
        .into_tuple()
        .one(&state.db)
        .await?;
    Ok([
        Some(state.site.created_at),
        entries,
        moderation,
        org.map(|o| o.updated_at),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or_else(Utc::now))
}

/// Whether an `If-None-Match` list names this entity tag (weak comparison).
fn etag_matches(header_value: &str, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    header_value
        .split(',')
        .any(|t| t.trim() == "*" || strip(t) == strip(etag))
}

/// The answer to a feed request: 200 with the body, or 304 when the client's copy is current
/// (`If-None-Match` first; `If-Modified-Since` only without it, as RFC 9110 says).
pub fn conditional(
    headers: &HeaderMap,
    body: String,
    content_type: &'static str,
    last_modified: DateTime<Utc>,
) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    // HTTP dates have whole seconds.
    let seconds = last_modified.timestamp();
    let lm_time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds.max(0) as u64);
    let lm = httpdate::fmt_http_date(lm_time);
    let not_modified = match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(inm) => etag_matches(inm, &etag),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| lm_time <= since),
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&lm) {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Text in the reader's language: `(language, text)`.
fn best(map: &LangMap, lang: &str, default: &str) -> (String, String) {
    map.get_best(&[lang], default)
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .unwrap_or_default()
}

/// Visible, live rows of a search (the page asked for).
async fn rows(state: &AppState, p: &SearchParams) -> AppResult<Vec<(entry::Model, Entry)>> {
    let result = search::search(&state.db, &state.search_cache, p).await?;
    let mut out = Vec::with_capacity(result.hits.len());
    for hit in result.hits {
        match store::parse(&hit.row) {
            Ok(e) => out.push((hit.row, e.public_view())),
            Err(e) => tracing::warn!(error = %e, "entry left out of a feed"),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Calendars
// ---------------------------------------------------------------------------------------------

async fn calendar(
    state: &AppState,
    headers: &HeaderMap,
    uri: &OriginalUri,
    scope: Scope,
    raw: &BTreeMap<String, String>,
) -> AppResult<Response> {
    let req = resolve(state, uri, &scope, raw, true).await?;
    let events = rows(state, &req.params).await?;
    let services = if req.include_hours {
        let mut p = req.params.clone();
        p.kind = Some(Kind::Service);
        p.status = match &req.params.status {
            StatusFilter::All if raw.get("status").is_none() => StatusFilter::Default,
            s => s.clone(),
        };
        rows(state, &p).await?
    } else {
        Vec::new()
    };
    let last = last_change(state, req.org.as_ref()).await?;
    let mut cal = Calendar::new(&req.title);
    for (row, e) in &events {
        cal.event(state, row, e, &req.lang, &req.default_lang);
    }
    for (row, e) in &services {
        cal.opening_hours(state, row, e, &req.lang, &req.default_lang);
    }
    Ok(conditional(headers, cal.finish(), ICS, last))
}

async fn opening_hours_calendar(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(raw): Params,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let lang = match raw.get("lang").map(|v| v.trim()).filter(|v| !v.is_empty()) {
        Some(v) if valid_language_tag(v) => Some(v.to_string()),
        Some(_) => {
            return Err(AppError::field(
                "lang",
                "must be a language tag (BCP 47), such as fr or pt-BR",
            ));
        }
        None => None,
    };
    let not_found = || AppError::not_found("service");
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let row = store::get(&state.db, id).await?.ok_or_else(not_found)?;
    if row.kind != Kind::Service.as_str()
        || row.deleted_at.is_some()
        || row.moderation_state != store::VISIBLE
    {
        return Err(not_found());
    }
    let entry = store::parse(&row)?.public_view();
    let org = match row.organization_id {
        Some(id) => crate::accounts::find_org_by_id(&state.db, id).await?,
        None => None,
    };
    let default_lang = org
        .as_ref()
        .map(|o| o.default_language.clone())
        .unwrap_or_else(|| state.config.instance.default_language.clone());
    let lang = lang.unwrap_or_else(|| default_lang.clone());
    let (_, name) = best(entry.name(), &lang, &default_lang);
    let mut cal = Calendar::new(&name);
    cal.opening_hours(state, &row, &entry, &lang, &default_lang);
    let last = last_change(state, org.as_ref()).await?;
    Ok(conditional(&headers, cal.finish(), ICS, last))
}

struct Calendar {
    title: String,
    zones: ical::ZoneUse,
    events: ical::Writer,
}

fn status_of(e: &Entry) -> &'static str {
    match e {
        Entry::Event(ev) => match ev.status {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Tentative => "TENTATIVE",
            EventStatus::Cancelled => "CANCELLED",
        },
        Entry::Service(s) => match s.status {
            ServiceStatus::Active => "CONFIRMED",
            _ => "CANCELLED",
        },
        Entry::Offer(_) => "CONFIRMED",
    }
}

impl Calendar {
    fn new(title: &str) -> Calendar {
        Calendar {
            title: title.to_string(),
            zones: ical::ZoneUse::default(),
            events: ical::Writer::new(),
        }
    }

    /// The properties every component of an entry has.
    fn common(
        &mut self,
        state: &AppState,
        row: &entry::Model,
        e: &Entry,
        lang: &str,
        default: &str,
        description_extra: &[String],
    ) {
        let w = &mut self.events;
        w.line("DTSTAMP", &ical::utc_stamp(&row.updated));
        w.line("CREATED", &ical::utc_stamp(&row.published));
        w.line("LAST-MODIFIED", &ical::utc_stamp(&row.updated));
        // `version` starts at 1 and grows with every change of the record.
        w.line("SEQUENCE", &(row.version.max(1) - 1).to_string());
        let (name_lang, name) = best(e.name(), lang, default);
        w.text_lang("SUMMARY", &name_lang, &name);
        let (desc_lang, desc) = best(e.description(), lang, default);
        let mut text = desc;
        for extra in description_extra.iter().filter(|s| !s.is_empty()) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(extra);
        }
        if !text.is_empty() {
            w.text_lang("DESCRIPTION", &desc_lang, &text);
        }
        if let Some(loc) = e.primary_location() {
            let address = loc.one_line();
            let place = match loc.name.as_ref().map(|n| best(n, lang, default).1) {
                Some(n) if !n.is_empty() && n != address => {
                    if address.is_empty() {
                        n
                    } else {
                        format!("{n}, {address}")
                    }
                }
                _ => address,
            };
            if !place.is_empty() {
                w.text("LOCATION", &place);
            }
            if let Some((lat, lon)) = loc.coordinates() {
                w.line("GEO", &format!("{lat};{lon}"));
            }
        } else if let Some(u) = e.online_url() {
            w.text("LOCATION", u.as_str());
        }
        let tax = taxonomy();
        let cats: Vec<String> = e
            .categories()
            .iter()
            .map(|c| ical::escape_text(&tax.label(c, lang)))
            .collect();
        if !cats.is_empty() {
            w.line("CATEGORIES", &cats.join(","));
        }
        w.line("STATUS", status_of(e));
        w.line("CLASS", "PUBLIC");
        w.line("URL", state.urls.entry(e.kind(), row.id).as_str());
    }

    fn event(
        &mut self,
        state: &AppState,
        row: &entry::Model,
        e: &Entry,
        lang: &str,
        default: &str,
    ) {
        let Entry::Event(ev) = e else { return };
        let start = ev.start_time.with_timezone(&Utc);
        let end = ev.end_time.with_timezone(&Utc);
        let zone = ev.timezone.parse::<Tz>().ok();
        if let Some(tz) = zone {
            self.zones.add(tz, start, end);
        }
        let mut extra = Vec::new();
        if let Some(u) = &ev.online_url {
            extra.push(format!("Online: {u}"));
        }
        if let Some(u) = &ev.registration_url {
            extra.push(format!("Registration: {u}"));
        }
        self.events.begin("VEVENT");
        self.events.text("UID", &row.ap_id);
        self.events.zoned("DTSTART", start, zone);
        self.events.zoned("DTEND", end, zone);
        self.common(state, row, e, lang, default, &extra);
        self.events.line("TRANSP", "OPAQUE");
        self.events.end("VEVENT");
    }

    /// Each weekly schedule of a service as a recurring event in the schedule's zone, from
    /// its first opening on or after `valid_from` (else the service's publication), until
    /// `valid_to`.
    fn opening_hours(
        &mut self,
        state: &AppState,
        row: &entry::Model,
        e: &Entry,
        lang: &str,
        default: &str,
    ) {
        let Entry::Service(s) = e else { return };
        for (i, sc) in s.schedules.iter().enumerate() {
            let Ok(tz) = sc.timezone.parse::<Tz>() else {
                continue;
            };
            let (Some(opens), Some(closes)) = (parse_hhmm(&sc.opens_at), parse_hhmm(&sc.closes_at))
            else {
                continue;
            };
            let anchor = sc
                .valid_from
                .unwrap_or_else(|| row.published.with_timezone(&tz).date_naive());
            let Some(date) = ical::first_opening(anchor, |d| sc.applies_on(d), sc.valid_to) else {
                continue;
            };
            let time = |minutes: u32| {
                NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(NaiveTime::MIN)
            };
            let start = ical::local_to_utc(tz, date, time(opens));
            let end_date = if closes > opens && closes < 1440 {
                date
            } else {
                date.succ_opt().unwrap_or(date)
            };
            let end = ical::local_to_utc(tz, end_date, time(closes % 1440));
            let mut rule = if sc.byday.is_empty() {
                "FREQ=DAILY".to_string()
            } else {
                let mut days: Vec<&str> = Vec::new();
                for d in &sc.byday {
                    if !days.contains(&d.as_str()) {
                        days.push(d.as_str());
                    }
                }
                format!("FREQ=WEEKLY;BYDAY={}", days.join(","))
            };
            let until = sc.valid_to.map(|to| {
                ical::local_to_utc(
                    tz,
                    to,
                    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
                )
            });
            if let Some(u) = until {
                rule.push_str(&format!(";UNTIL={}", ical::utc_stamp(&u)));
            }
            self.zones.add(tz, start, until.unwrap_or(end).max(end));
            let notes = sc
                .notes
                .as_ref()
                .map(|n| best(n, lang, default).1)
                .unwrap_or_default();
            self.events.begin("VEVENT");
            self.events
                .text("UID", &format!("{}#opening-hours-{}", row.ap_id, i + 1));
            self.events.zoned("DTSTART", start, Some(tz));
            self.events.zoned("DTEND", end, Some(tz));
            self.events.line("RRULE", &rule);
            self.common(state, row, e, lang, default, &[notes]);
            self.events.line("TRANSP", "TRANSPARENT");
            self.events.end("VEVENT");
        }
    }

    fn finish(self) -> String {
        let mut w = ical::Writer::new();
        w.begin("VCALENDAR");
        w.line("VERSION", "2.0");
        w.line(
            "PRODID",
            &format!(
                "-//Passerelle//Passerelle {}//EN",
                env!("CARGO_PKG_VERSION")
            ),
        );
        w.line("CALSCALE", "GREGORIAN");
        w.text("NAME", &self.title);
        w.text("X-WR-CALNAME", &self.title);
        w.line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        w.line("X-PUBLISHED-TTL", "PT1H");
        self.zones.write(&mut w, Utc::now());
        let mut out = w.finish();
        out.push_str(&self.events.finish());
        let mut end = ical::Writer::new();
        end.end("VCALENDAR");
        out.push_str(&end.finish());
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Atom and RSS
// ---------------------------------------------------------------------------------------------

async fn feed(
    state: &AppState,
    headers: &HeaderMap,
    uri: &OriginalUri,
    scope: Scope,
    format: Format,
    raw: &BTreeMap<String, String>,
) -> AppResult<Response> {
    let req = resolve(state, uri, &scope, raw, false).await?;
    let found = rows(state, &req.params).await?;
    let last = last_change(state, req.org.as_ref()).await?;
    let tax = taxonomy();
    let mut org_names: HashMap<Uuid, String> = HashMap::new();
    let mut items = Vec::with_capacity(found.len());
    for (row, e) in &found {
        let author = match row.organization_id {
            Some(id) => match org_names.get(&id) {
                Some(name) => name.clone(),
                None => {
                    let name = crate::accounts::find_org_by_id(&state.db, id)
                        .await?
                        .map(|o| o.name)
                        .unwrap_or_default();
                    org_names.insert(id, name.clone());
                    name
                }
            },
            None => row.origin_domain.clone(),
        };
        let (title_lang, title) = best(e.name(), &req.lang, &req.default_lang);
        let (summary_lang, description) = best(e.description(), &req.lang, &req.default_lang);
        let line = e.summary_line(&req.lang, tax);
        let summary = [line, description]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        items.push(syndication::Item {
            id: row.ap_id.clone(),
            link: state.urls.entry(e.kind(), row.id).to_string(),
            title,
            title_lang,
            summary,
            summary_lang,
            published: row.published,
            updated: row.updated,
            author,
            categories: e
                .categories()
                .iter()
                .map(|c| (c.clone(), tax.label(c, &req.lang)))
                .collect(),
        });
    }
    let updated = items.iter().map(|i| i.updated).max().unwrap_or(last);
    let doc = syndication::Feed {
        self_url: req.self_url,
        page_url: req.page_url,
        title: req.title,
        subtitle: state.config.instance.description.clone(),
        lang: req.lang,
        author: state.config.instance.name.clone(),
        updated,
        items,
    };
    Ok(match format {
        Format::Atom => conditional(headers, syndication::atom(&doc), ATOM, last),
        Format::Rss => conditional(headers, syndication::rss(&doc), RSS, last),
    })
}

// ---------------------------------------------------------------------------------------------
// Links from the HTML pages
// ---------------------------------------------------------------------------------------------

/// A `<link rel="alternate">` of a page: `{type, title, href}`.
fn link(kind: &str, title: String, href: String) -> minijinja::Value {
    minijinja::context! { type => kind, title => title, href => href }
}

/// The instance's calendar and feeds (home page).
pub fn instance_links(state: &AppState) -> Vec<minijinja::Value> {
    let name = &state.config.instance.name;
    vec![
        link(
            "application/atom+xml",
            format!("{name} (Atom)"),
            state.urls.join("feeds/entries.atom").to_string(),
        ),
        link(
            "application/rss+xml",
            format!("{name} (RSS)"),
            state.urls.join("feeds/entries.rss").to_string(),
        ),
        link(
            "text/calendar",
            format!("{name}: events"),
            state.urls.join("feeds/events.ics").to_string(),
        ),
    ]
}

/// An organisation's calendar and feeds.
pub fn org_links(state: &AppState, org: &organization::Model) -> Vec<minijinja::Value> {
    let base = format!("feeds/organizations/{}", org.slug);
    vec![
        link(
            "application/atom+xml",
            format!("{} (Atom)", org.name),
            state.urls.join(&format!("{base}/entries.atom")).to_string(),
        ),
        link(
            "application/rss+xml",
            format!("{} (RSS)", org.name),
            state.urls.join(&format!("{base}/entries.rss")).to_string(),
        ),
        link(
            "text/calendar",
            format!("{}: events", org.name),
            state.urls.join(&format!("{base}/events.ics")).to_string(),
        ),
    ]
}

/// A topic's feeds: its category's, narrowed to its city for a category + city topic.
pub fn topic_links(
    state: &AppState,
    topic: &crate::federation::topics::Topic,
    title: &str,
) -> Vec<minijinja::Value> {
    let (atom, rss, ics) = match topic.city_label.as_deref().or(topic.city.as_deref()) {
        None => {
            let base = format!("feeds/categories/{}", topic.category);
            let ics = {
                let mut u = state.urls.join("feeds/search.ics");
                u.query_pairs_mut().append_pair("category", &topic.category);
                u
            };
            (
                state.urls.join(&format!("{base}/entries.atom")),
                state.urls.join(&format!("{base}/entries.rss")),
                ics,
            )
        }
        Some(city) => {
            let with = |path: &str| {
                let mut u = state.urls.join(path);
                u.query_pairs_mut()
                    .append_pair("category", &topic.category)
                    .append_pair("locality", city);
                u
            };
            (
                with("feeds/search.atom"),
                with("feeds/search.rss"),
                with("feeds/search.ics"),
            )
        }
    };
    vec![
        link(
            "application/atom+xml",
            format!("{title} (Atom)"),
            atom.to_string(),
        ),
        link(
            "application/rss+xml",
            format!("{title} (RSS)"),
            rss.to_string(),
        ),
        link("text/calendar", format!("{title}: events"), ics.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tags() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"def\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }

    #[test]
    fn not_modified_answers() {
        let t = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.600Z")
            .unwrap()
            .with_timezone(&Utc);
        let first = conditional(&HeaderMap::new(), "body".into(), ICS, t);
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].clone();
        let lm = first.headers()[header::LAST_MODIFIED].clone();
        assert_eq!(lm, "Fri, 02 Jan 2026 03:04:05 GMT");
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, etag.clone());
        assert_eq!(
            conditional(&h, "body".into(), ICS, t).status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            conditional(&h, "other".into(), ICS, t).status(),
            StatusCode::OK
        );
        let mut h = HeaderMap::new();
        h.insert(header::IF_MODIFIED_SINCE, lm);
        assert_eq!(
            conditional(&h, "x".into(), ICS, t).status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            conditional(&h, "x".into(), ICS, t + Duration::seconds(1)).status(),
            StatusCode::OK
        );
    }
}
