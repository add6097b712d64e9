//! Server-rendered HTML pages, in the reader's language (see [`i18n`]).
pub mod admin;
pub mod editor;
pub mod i18n;
pub mod media;
pub mod ops;
pub mod profile;
pub mod public;
pub mod report;
pub mod security;
pub mod staff;

use std::sync::Arc;

use axum::{
    Router,
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use minijinja::{Environment, State, Value, context, value::Kwargs};

pub use i18n::{Reader, text_direction};

use crate::{
    AppState,
    db::entities::organization,
    error::{AppError, AppResult},
    federation::actors::{org_languages, org_summary},
};

pub struct Web {
    env: Environment<'static>,
    pub i18n: Arc<i18n::I18n>,
}

impl Web {
    pub fn new() -> anyhow::Result<Web> {
        let i18n = Arc::new(i18n::I18n::load()?);
        let mut env = Environment::new();
        // Every `templates/*.html`, embedded by build.rs.
        const TEMPLATES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));
        for &(name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        // `t("key", name=value, ...)`: the interface text in the page's language (`lang`).
        let tr = i18n.clone();
        env.add_function(
            "t",
            move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let lang = state
                    .lookup("lang")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| i18n::REFERENCE.to_string());
                let mut args = fluent_bundle::FluentArgs::new();
                for name in kwargs.args() {
                    let v: Value = kwargs.get(name)?;
                    let fv = match i64::try_from(v.clone()) {
                        Ok(n) if v.is_number() => fluent_bundle::FluentValue::from(n),
                        _ => fluent_bundle::FluentValue::from(v.to_string()),
                    };
                    args.set(name.to_string(), fv);
                }
                Ok(tr.text(&lang, key, Some(&args)))
            },
        );
        // `x|urlencode`: a query-string value (minijinja's own filter is not compiled in).
        env.add_filter("urlencode", |v: String| -> String {
            url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
        });
        Ok(Web { env, i18n })
    }

    /// The interface text `key` in `lang`.
    pub fn t(&self, lang: &str, key: &str) -> String {
        self.i18n.text(lang, key, None)
    }

    /// Render a page for `reader`: `lang`, `dir` and the language switcher are added to `ctx`,
    /// the security headers to the response, and the language cookie when the reader chose one.
    pub fn page(
        &self,
        state: &AppState,
        reader: &Reader,
        name: &str,
        ctx: Value,
    ) -> AppResult<Response> {
        let languages: Vec<Value> = i18n::LANGUAGES
            .iter()
            .map(|(code, own)| {
                context! {
                    code => code,
                    name => own,
                    dir => text_direction(code),
                    href => reader.switch_to(code),
                }
            })
            .collect();
        let full = context! {
            lang => reader.ui,
            dir => reader.dir(),
            languages,
            instance_name => state.config.instance.name,
            ..ctx
        };
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| AppError::Internal(e.into()))?;
        let html = tpl.render(full).map_err(|e| AppError::Internal(e.into()))?;
        let mut resp = Html(html).into_response();
        let h = resp.headers_mut();
        security::add_headers(h);
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept, Accept-Language, Cookie"),
        );
        if let Some(lang) = reader.remember {
            let cookie = format!(
                "{}={lang}; Path=/; Max-Age=31536000; SameSite=Lax{}",
                i18n::COOKIE,
                if state.urls.base().scheme() == "https" {
                    "; Secure"
                } else {
                    ""
                }
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.append(header::SET_COOKIE, v);
            }
        }
        Ok(resp)
    }
}

pub fn routes() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/static/style.css", get(style))
        .merge(staff::routes())
        .merge(public::routes())
        .merge(crate::buddy::routes())
        .merge(editor::routes())
        .merge(profile::routes())
        .merge(media::routes())
        .merge(admin::routes())
        .merge(report::routes())
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

/// The text of a language map best suited to the reader: `(language, text)`.
fn best(
    map: &crate::directory::model::LangMap,
    reader: &Reader,
    default: &str,
) -> (String, String) {
    map.get_best(&reader.preferences(), default)
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .unwrap_or_default()
}

/// The visible note for a text shown in a language the reader did not ask for (neither the
/// interface language nor one of their browser's), if it is.
fn fallback_note(web: &Web, reader: &Reader, shown: &str) -> Option<String> {
    use crate::directory::model::primary_subtag;
    if shown.is_empty()
        || reader
            .preferences()
            .iter()
            .any(|p| primary_subtag(shown).eq_ignore_ascii_case(primary_subtag(p)))
    {
        return None;
    }
    Some(match web.i18n.language_name(&reader.ui, shown) {
        Some(name) => web
            .i18n
            .text_with(&reader.ui, "fallback-note", &[("language", &name)]),
        None => web
            .i18n
            .text_with(&reader.ui, "fallback-note-code", &[("tag", shown)]),
    })
}

pub async fn org_page(
    state: &AppState,
    reader: &Reader,
    org: &organization::Model,
) -> AppResult<Response> {
    let summary = org_summary(org);
    let (summary_lang, summary_text) = best(&summary, reader, &org.default_language);
    let resp = state.web.page(
        state,
        reader,
        "org.html",
        context! {
            org => context! {
                name => org.name,
                icon => org.icon_url.as_deref().filter(|i| !i.is_empty()),
                website => org.website,
                address => org.address,
                phone => org.phone,
            },
            summary => summary_text,
            summary_lang => summary_lang,
            languages_spoken => org_languages(org).join(", "),
            feeds => crate::feeds::org_links(state, org),
            handle => format!("@{}@{}", org.slug, state.urls.domain()),
            actor_url => state.urls.org(&org.slug).to_string(),
            follow => context! {
                target => state.urls.org(&org.slug).to_string(),
                handle => format!("@{}@{}", org.slug, state.urls.domain()),
            },
        },
    )?;
    Ok(public::allow_follow_redirect(state, resp))
}

/// The HTML page of an entry (local or federated): every public field.
pub async fn entry_page(
    state: &AppState,
    reader: &Reader,
    row: &crate::db::entities::entry::Model,
) -> AppResult<Response> {
    entry_page_with(state, reader, row, None).await
}

/// [`entry_page`], with the buddy request form's state (`buddy`) when a request was just
/// sent or refused.
pub async fn entry_page_with(
    state: &AppState,
    reader: &Reader,
    row: &crate::db::entities::entry::Model,
    buddy: Option<Value>,
) -> AppResult<Response> {
    use crate::directory::{model::Entry, store, taxonomy::taxonomy};
    let web = &state.web;
    let ui = reader.ui.as_str();
    let tr = |key: &str| web.t(ui, key);
    let full = store::parse(row)?;
    let entry = full.public_view();
    let org = match row.organization_id {
        Some(id) => crate::accounts::find_org_by_id(&state.db, id).await?,
        None => None,
    };
    let default_lang = org
        .as_ref()
        .map(|o| o.default_language.clone())
        .unwrap_or_else(|| state.config.instance.default_language.clone());
    let prefs = reader.preferences();
    let (name_lang, name) = best(entry.name(), reader, &default_lang);
    let (description_lang, description) = best(entry.description(), reader, &default_lang);
    let fallback = fallback_note(web, reader, &name_lang);
    let description_fallback = (primary(&description_lang) != primary(&name_lang))
        .then(|| fallback_note(web, reader, &description_lang))
        .flatten();
    let tax = taxonomy();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut field = |key: &str, value: String| fields.push((tr(key), value));
    let cats: Vec<String> = entry
        .categories()
        .iter()
        .map(|c| tax.label(c, ui))
        .collect();
    if !cats.is_empty() {
        field("field-categories", cats.join(", "));
    }
    if !entry.languages().is_empty() {
        field("field-languages", entry.languages().join(", "));
    }
    let text = |m: &Option<crate::directory::model::LangMap>| {
        m.as_ref().and_then(|m| {
            m.get_best(&prefs, &default_lang)
                .map(|(_, t)| t.to_string())
        })
    };
    let slug = |s: &str| s.replace(' ', "-");
    match &entry {
        Entry::Service(s) => {
            field(
                "field-status",
                tr(&format!("service-status-{}", slug(s.status.as_str()))),
            );
            // Opening hours are kept in the service's own time zone: shown as they are, with
            // the zone named, the days in the reader's language.
            for sc in &s.schedules {
                let mut line = format!(
                    "{} {}–{} ({})",
                    crate::directory::model::days_text(&sc.byday, ui),
                    sc.opens_at,
                    sc.closes_at,
                    sc.timezone
                );
                if sc.valid_from.is_some() || sc.valid_to.is_some() {
                    line.push_str(&format!(
                        " · {}–{}",
                        sc.valid_from.map(|d| d.to_string()).unwrap_or_default(),
                        sc.valid_to.map(|d| d.to_string()).unwrap_or_default()
                    ));
                }
                if let Some(n) = text(&sc.notes) {
                    line.push_str(&format!(" · {n}"));
                }
                field("field-opening-hours", line);
            }
            if let Some(t) = text(&s.eligibility) {
                field("field-eligibility", t);
            }
            if s.minimum_age.is_some() || s.maximum_age.is_some() {
                field(
                    "field-age",
                    format!(
                        "{}–{}",
                        s.minimum_age.map(|a| a.to_string()).unwrap_or_default(),
                        s.maximum_age.map(|a| a.to_string()).unwrap_or_default()
                    ),
                );
            }
            field(
                "field-cost",
                if s.free {
                    tr("cost-free")
                } else {
                    text(&s.fees_description).unwrap_or_else(|| tr("cost-not-free"))
                },
            );
            if let Some(t) = text(&s.application_process) {
                field("field-how-to-apply", t);
            }
            if let Some(t) = text(&s.required_documents) {
                field("field-documents", t);
            }
            if s.interpretation_available {
                field("field-interpretation", tr("interpretation-available"));
            }
            if let Some(t) = text(&s.service_area) {
                field("field-area-served", t);
            }
            if let Some(u) = &s.url {
                field("field-website", u.to_string());
            }
            if let Some(e) = &s.email {
                field("field-email", e.clone());
            }
            for p in &s.phones {
                field("field-phone", p.number.clone());
            }
            if let Some(u) = &s.online_url {
                field("field-online", u.to_string());
            }
            if let Some(d) = &s.last_verified {
                field("field-last-verified", d.to_string());
            }
        }
        Entry::Event(e) => {
            field(
                "field-status",
                tr(&format!("event-status-{}", slug(e.status.as_str()))),
            );
            // In the event's own time zone, whatever offset the times were stored with.
            let (start, end, zone) = public::event_local(e);
            field(
                "field-starts",
                format!("{} ({zone})", start.format("%Y-%m-%d %H:%M")),
            );
            field(
                "field-ends",
                format!("{} ({zone})", end.format("%Y-%m-%d %H:%M")),
            );
            if let Some(c) = e.capacity {
                field("field-places", c.to_string());
            }
            if let Some(r) = e.remaining_places {
                field("field-places-left", r.to_string());
            }
            field(
                "field-how-to-join",
                tr(&format!("join-{}", slug(e.join_mode.as_str()))),
            );
            if let Some(u) = &e.registration_url {
                field("field-registration", u.to_string());
            }
            if let Some(u) = &e.online_url {
                field("field-online", u.to_string());
            }
            if let Some(c) = &e.contact {
                field("field-contact", c.clone());
            }
        }
        Entry::Offer(o) => {
            let helps: Vec<String> = o.help_types.iter().map(|h| tax.label(h, ui)).collect();
            field("field-help-offered", helps.join(", "));
            field(
                "field-area",
                [
                    Some(tr(&format!("area-{}", o.area.kind.as_str()))),
                    o.area.locality.clone(),
                    o.area.region.clone(),
                    o.area.country.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            );
            if !o.availability.days.is_empty() {
                field(
                    "field-days",
                    crate::directory::model::days_text(&o.availability.days, ui),
                );
            }
            if let Some(t) = text(&o.availability.times) {
                field("field-times", t);
            }
            if let Some(u) = &o.availability.until {
                field("field-until", u.to_string());
            }
            if let Some(t) = text(&o.requirements) {
                field("field-requirements", t);
            }
            field("field-contact", tr("offer-contact"));
        }
    }
    let locations: Vec<Value> = entry
        .locations()
        .into_iter()
        .map(|l| {
            // A geo: URI opens the reader's map application (phones); OpenStreetMap is the
            // fallback that works everywhere. Without coordinates, both search the address.
            let line = l.one_line();
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let (map, osm) = match (l.latitude, l.longitude) {
                (Some(lat), Some(lon)) => (
                    Some(format!("geo:{lat},{lon}")),
                    Some(format!(
                        "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
                    )),
                ),
                _ if !line.is_empty() => (
                    Some(format!("geo:0,0?q={}", enc(&line))),
                    Some(format!(
                        "https://www.openstreetmap.org/search?query={}",
                        enc(&line)
                    )),
                ),
                _ => (None, None),
            };
            let title = l
                .name
                .as_ref()
                .and_then(|n| {
                    n.get_best(&prefs, &default_lang)
                        .map(|(_, t)| t.to_string())
                })
                .unwrap_or_else(|| tr("location-address"));
            context! { title, text => line, map, osm }
        })
        .collect();
    let origin = if row.local {
        web.i18n.text_with(
            ui,
            "origin-local",
            &[(
                "org",
                org.as_ref().map(|o| o.name.as_str()).unwrap_or_default(),
            )],
        )
    } else {
        web.i18n
            .text_with(ui, "origin-remote", &[("domain", &row.origin_domain)])
    };
    // Following: our organisation's actor, or a federated entry's author.
    let mut follow = None;
    if row.local {
        if let Some(o) = &org {
            follow = Some(context! {
                target => state.urls.org(&o.slug).to_string(),
                handle => format!("@{}@{}", o.slug, state.urls.domain()),
            });
        }
    } else if let Some(actor_id) = row.remote_actor_id {
        use sea_orm::EntityTrait;
        if let Some(a) = crate::db::entities::remote_actor::Entity::find_by_id(actor_id)
            .one(&state.db)
            .await?
        {
            let handle = a
                .preferred_username
                .as_ref()
                .map(|u| format!("@{u}@{}", a.domain));
            follow = handle.map(|handle| context! { target => a.ap_id, handle });
        }
    }
    let handle = follow
        .as_ref()
        .and_then(|f| f.get_attr("handle").ok())
        .filter(|h| !h.is_undefined());
    // Volunteer offers: the buddy request form on ours; a link to the origin on federated ones.
    let is_offer = row.kind == crate::directory::model::Kind::Offer.as_str();
    let buddy = if is_offer && crate::buddy::takes_requests(row, &full) {
        Some(buddy.unwrap_or_else(|| {
            crate::buddy::form_context(
                state,
                row,
                &Default::default(),
                &Default::default(),
                None,
                false,
            )
        }))
    } else {
        None
    };
    let buddy_remote = (is_offer && !row.local).then(|| row.url.clone());
    let buddy_closed = is_offer && row.local && buddy.is_none();
    let mut request_languages: Vec<Value> = Vec::new();
    if buddy.is_some() {
        let mut codes: Vec<String> = entry.languages().to_vec();
        for (code, _) in i18n::LANGUAGES {
            if !codes.iter().any(|c| c == code) {
                codes.push(code.to_string());
            }
        }
        for code in codes {
            let name = web
                .i18n
                .language_name(ui, &code)
                .unwrap_or_else(|| code.clone());
            request_languages.push(context! { code, name });
        }
    }
    let has_follow_form = follow.is_some();
    let resp = web.page(
        state,
        reader,
        "entry.html",
        context! {
            kind => row.kind,
            kind_label => tr(&format!("kind-{}", row.kind)),
            name, name_lang, description_lang, fallback, description_fallback,
            description => Value::from_safe_string(security::text_to_html(&description)),
            summary => entry.summary_line(ui, tax),
            fields, locations, origin, handle, follow, buddy, buddy_remote, buddy_closed,
            request_languages, reader_lang => reader.ui,
            remote_url => (!row.local).then(|| row.ap_id.clone()),
            federated => row.local && !row.do_not_federate,
            ap_id => row.ap_id,
            banner => match &entry {
                Entry::Event(e) => e.banner_url.as_ref().map(|u| u.to_string()),
                _ => None,
            },
        },
    )?;
    Ok(if has_follow_form {
        public::allow_follow_redirect(state, resp)
    } else {
        resp
    })
}

fn primary(tag: &str) -> String {
    crate::directory::model::primary_subtag(tag).to_ascii_lowercase()
}

/// The home page: what this instance is, its organisations, the newest entries (local and
/// federated) and the partner instances it follows.
async fn home(ctx: crate::app::Ctx, reader: Reader) -> AppResult<Response> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::db::entities::{entry, following, organization, remote_actor};
    use crate::directory::{store, taxonomy::taxonomy};
    let state: &AppState = &ctx;
    let default_lang = state.config.instance.default_language.clone();
    let lang = reader.ui.clone();
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::Name)
        .all(&state.db)
        .await?;
    let orgs: Vec<minijinja::Value> = orgs
        .iter()
        .map(|o| {
            context! {
                name => o.name,
                url => state.urls.org(&o.slug).to_string(),
                handle => format!("@{}@{}", o.slug, state.urls.domain()),
            }
        })
        .collect();
    let rows = entry::Entity::find()
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::ModerationState.eq(store::VISIBLE))
        .order_by_desc(entry::Column::Updated)
        .limit(20)
        .all(&state.db)
        .await?;
    let mut entries = Vec::new();
    for r in &rows {
        let Ok(e) = store::parse(r) else { continue };
        let public = e.public_view();
        let (l, name) = best(public.name(), &reader, &default_lang);
        let local_url = state.urls.entry(public.kind(), r.id).to_string();
        entries.push(context! {
            name, lang => l,
            url => local_url,
            kind => state.web.t(&lang, &format!("kind-{}", r.kind)),
            summary => public.summary_line(&lang, taxonomy()),
            origin => (!r.local).then(|| r.origin_domain.clone()),
        });
    }
    let follows = following::Entity::find()
        .filter(following::Column::LocalActorApId.eq(state.urls.instance_actor().as_str()))
        .filter(following::Column::State.eq("accepted"))
        .all(&state.db)
        .await?;
    let mut partners = Vec::new();
    for f in follows {
        if let Some(a) = remote_actor::Entity::find_by_id(f.remote_actor_id)
            .one(&state.db)
            .await?
        {
            partners.push(
                a.name
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("{n} ({})", a.domain))
                    .unwrap_or(a.domain),
            );
        }
    }
    // Categories (links to the search) and the next few events.
    let tax = taxonomy();
    let categories: Vec<minijinja::Value> = tax
        .top_level()
        .map(|c| {
            context! {
                label => tax.label(&c.code, &lang),
                url => format!("/search?category={}", c.code),
            }
        })
        .collect();
    let mut upcoming = Vec::new();
    {
        let mut p = crate::search::SearchParams::new(chrono::Utc::now());
        p.kind = Some(crate::directory::model::Kind::Event);
        p.per_page = 100;
        let found = crate::search::search(&state.db, &state.search_cache, &p).await?;
        let mut events: Vec<_> = found
            .hits
            .iter()
            .filter_map(|h| match store::parse(&h.row).ok()?.public_view() {
                crate::directory::model::Entry::Event(e) => Some((h.row.id, e)),
                _ => None,
            })
            .collect();
        events.sort_by_key(|(_, e)| e.start_time);
        for (id, e) in events.into_iter().take(5) {
            let (start, _, zone) = public::event_local(&e);
            let (l, name) = best(&e.name, &reader, &default_lang);
            upcoming.push(context! {
                name, lang => l,
                url => state.urls.entry(crate::directory::model::Kind::Event, id).to_string(),
                when => format!("{} ({zone})", start.format("%Y-%m-%d %H:%M")),
            });
        }
    }
    state.web.page(
        state,
        &reader,
        "home.html",
        context! {
            description => state.config.instance.description,
            orgs, entries, partners, categories, upcoming,
            feeds => crate::feeds::instance_links(state),
            calendar_url => state.urls.join("feeds/events.ics").to_string(),
            atom_url => state.urls.join("feeds/entries.atom").to_string(),
        },
    )
}

/// The HTML page of a topic actor: what it is, its handle, and its latest matching entries.
pub async fn topic_page(
    state: &AppState,
    reader: &Reader,
    topic: &crate::federation::topics::Topic,
) -> AppResult<Response> {
    use crate::federation::topics;
    let default = state.config.instance.default_language.clone();
    let lang = reader.ui.clone();
    let rows = topics::matching_entries(&state.db, topic, 50).await?;
    let entries: Vec<minijinja::Value> = rows
        .iter()
        .filter_map(|r| {
            let e = crate::directory::store::parse(r).ok()?;
            let (name_lang, name) = best(e.name(), reader, &default);
            Some(context! { name, name_lang, url => r.url, kind => r.kind, locality => r.locality })
        })
        .collect();
    state.web.page(
        state,
        reader,
        "topic.html",
        context! {
            title => topics::display_name(topic, &lang),
            feeds => crate::feeds::topic_links(state, topic, &topics::display_name(topic, &lang)),
            summary => topics::summary(state, topic, &lang),
            entries => entries,
            handle => format!("@{}@{}", topic.name, state.urls.domain()),
            actor_url => state.urls.topic(&topic.name).to_string(),
        },
    )
}
