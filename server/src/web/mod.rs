//! Server-rendered HTML pages, in the reader's language (see [`i18n`]).
pub mod admin;
pub mod i18n;
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
            .map(|(code, own)| context! { code => code, name => own, dir => text_direction(code) })
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
    state.web.page(
        state,
        reader,
        "org.html",
        context! {
            org => context! {
                name => org.name,
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
        },
    )
}

/// The HTML page of an entry (local or federated): every public field.
pub async fn entry_page(
    state: &AppState,
    reader: &Reader,
    row: &crate::db::entities::entry::Model,
) -> AppResult<Response> {
    use crate::directory::{model::Entry, store, taxonomy::taxonomy};
    let web = &state.web;
    let ui = reader.ui.as_str();
    let tr = |key: &str| web.t(ui, key);
    let entry = store::parse(row)?.public_view();
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
            for sc in &s.schedules {
                field(
                    "field-opening-hours",
                    format!(
                        "{} {}–{} ({})",
                        crate::directory::model::days_text(&sc.byday, ui),
                        sc.opens_at,
                        sc.closes_at,
                        sc.timezone
                    ),
                );
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
            field(
                "field-starts",
                format!("{} ({})", e.start_time.format("%Y-%m-%d %H:%M"), e.timezone),
            );
            field(
                "field-ends",
                format!("{} ({})", e.end_time.format("%Y-%m-%d %H:%M"), e.timezone),
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
            let map = match (l.latitude, l.longitude) {
                (Some(lat), Some(lon)) => Some(format!("geo:{lat},{lon}")),
                _ => None,
            };
            let title = l
                .name
                .as_ref()
                .and_then(|n| {
                    n.get_best(&prefs, &default_lang)
                        .map(|(_, t)| t.to_string())
                })
                .unwrap_or_else(|| tr("location-address"));
            context! { title, text => l.one_line(), map }
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
    let handle = org
        .as_ref()
        .map(|o| format!("@{}@{}", o.slug, state.urls.domain()));
    web.page(
        state,
        reader,
        "entry.html",
        context! {
            kind => row.kind,
            kind_label => tr(&format!("kind-{}", row.kind)),
            name, name_lang, description_lang, fallback, description_fallback,
            description => Value::from_safe_string(security::text_to_html(&description)),
            summary => entry.summary_line(ui, tax),
            fields, locations, origin, handle,
            remote_url => (!row.local).then(|| row.ap_id.clone()),
            federated => row.local && !row.do_not_federate,
            ap_id => row.ap_id,
        },
    )
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
    state.web.page(
        state,
        &reader,
        "home.html",
        context! {
            description => state.config.instance.description,
            orgs, entries, partners,
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
