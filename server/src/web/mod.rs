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
        env.add_template("entry.html", include_str!("../../templates/entry.html"))?;
        env.add_template("home.html", include_str!("../../templates/home.html"))?;
        env.add_template("topic.html", include_str!("../../templates/topic.html"))?;
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
    Router::new()
        .route("/", get(home))
        .route("/static/style.css", get(style))
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
            feeds => crate::feeds::org_links(state, org),
            languages => org_languages(org).join(", "),
            handle => format!("@{}@{}", org.slug, state.urls.domain()),
            actor_url => state.urls.org(&org.slug).to_string(),
        },
    )
}

/// The HTML page of an entry (local or federated): every public field.
pub async fn entry_page(
    state: &AppState,
    headers: &HeaderMap,
    row: &crate::db::entities::entry::Model,
) -> AppResult<Response> {
    use crate::directory::{model::Entry, store, taxonomy::taxonomy};
    let entry = store::parse(row)?.public_view();
    let org = match row.organization_id {
        Some(id) => crate::accounts::find_org_by_id(&state.db, id).await?,
        None => None,
    };
    let default_lang = org
        .as_ref()
        .map(|o| o.default_language.clone())
        .unwrap_or_else(|| state.config.instance.default_language.clone());
    let lang = reader_language(headers, &default_lang);
    let (name_lang, name) = entry
        .name()
        .get_best(&[lang.as_str()], &default_lang)
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .unwrap_or_default();
    let (description_lang, description) = entry
        .description()
        .get_best(&[lang.as_str()], &default_lang)
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .unwrap_or_default();
    let fallback = (crate::directory::model::primary_subtag(&name_lang)
        != crate::directory::model::primary_subtag(&lang))
    .then(|| format!("Not available in your language; shown in {name_lang}."));
    let tax = taxonomy();
    let mut fields: Vec<(String, String)> = Vec::new();
    let cats: Vec<String> = entry
        .categories()
        .iter()
        .map(|c| tax.label(c, &lang))
        .collect();
    if !cats.is_empty() {
        fields.push(("Categories".into(), cats.join(", ")));
    }
    if !entry.languages().is_empty() {
        fields.push(("Languages".into(), entry.languages().join(", ")));
    }
    let text = |m: &Option<crate::directory::model::LangMap>| {
        m.as_ref().and_then(|m| {
            m.get_best(&[lang.as_str()], &default_lang)
                .map(|(_, t)| t.to_string())
        })
    };
    match &entry {
        Entry::Service(s) => {
            fields.push(("Status".into(), s.status.as_str().to_string()));
            for sc in &s.schedules {
                let days: Vec<&str> = sc.byday.iter().map(|d| d.as_str()).collect();
                fields.push((
                    "Opening hours".into(),
                    format!(
                        "{} {}–{} ({})",
                        days.join(" "),
                        sc.opens_at,
                        sc.closes_at,
                        sc.timezone
                    ),
                ));
            }
            if let Some(t) = text(&s.eligibility) {
                fields.push(("Who can use it".into(), t));
            }
            if s.minimum_age.is_some() || s.maximum_age.is_some() {
                fields.push((
                    "Age".into(),
                    format!(
                        "{}–{}",
                        s.minimum_age.map(|a| a.to_string()).unwrap_or_default(),
                        s.maximum_age.map(|a| a.to_string()).unwrap_or_default()
                    ),
                ));
            }
            fields.push((
                "Cost".into(),
                if s.free {
                    "Free".into()
                } else {
                    text(&s.fees_description).unwrap_or_else(|| "Not free".into())
                },
            ));
            if let Some(t) = text(&s.application_process) {
                fields.push(("How to apply".into(), t));
            }
            if let Some(t) = text(&s.required_documents) {
                fields.push(("Documents to bring".into(), t));
            }
            if s.interpretation_available {
                fields.push(("Interpretation".into(), "Available".into()));
            }
            if let Some(t) = text(&s.service_area) {
                fields.push(("Area served".into(), t));
            }
            if let Some(u) = &s.url {
                fields.push(("Website".into(), u.to_string()));
            }
            if let Some(e) = &s.email {
                fields.push(("Email".into(), e.clone()));
            }
            for p in &s.phones {
                fields.push(("Phone".into(), p.number.clone()));
            }
            if let Some(u) = &s.online_url {
                fields.push(("Online".into(), u.to_string()));
            }
            if let Some(d) = &s.last_verified {
                fields.push(("Last verified".into(), d.to_string()));
            }
        }
        Entry::Event(e) => {
            fields.push(("Status".into(), e.status.as_str().to_string()));
            fields.push((
                "Starts".into(),
                format!("{} ({})", e.start_time.format("%Y-%m-%d %H:%M"), e.timezone),
            ));
            fields.push((
                "Ends".into(),
                format!("{} ({})", e.end_time.format("%Y-%m-%d %H:%M"), e.timezone),
            ));
            if let Some(c) = e.capacity {
                fields.push(("Places".into(), c.to_string()));
            }
            if let Some(r) = e.remaining_places {
                fields.push(("Places left".into(), r.to_string()));
            }
            fields.push(("How to join".into(), e.join_mode.as_str().to_string()));
            if let Some(u) = &e.registration_url {
                fields.push(("Registration".into(), u.to_string()));
            }
            if let Some(u) = &e.online_url {
                fields.push(("Online".into(), u.to_string()));
            }
            if let Some(c) = &e.contact {
                fields.push(("Contact".into(), c.clone()));
            }
        }
        Entry::Offer(o) => {
            let helps: Vec<String> = o.help_types.iter().map(|h| tax.label(h, &lang)).collect();
            fields.push(("Help offered".into(), helps.join(", ")));
            fields.push((
                "Area".into(),
                [
                    Some(o.area.kind.as_str().to_string()),
                    o.area.locality.clone(),
                    o.area.region.clone(),
                    o.area.country.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            ));
            if !o.availability.days.is_empty() {
                fields.push((
                    "Days".into(),
                    o.availability
                        .days
                        .iter()
                        .map(|d| d.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
            }
            if let Some(t) = text(&o.availability.times) {
                fields.push(("Times".into(), t));
            }
            if let Some(u) = &o.availability.until {
                fields.push(("Until".into(), u.to_string()));
            }
            if let Some(t) = text(&o.requirements) {
                fields.push(("Requirements".into(), t));
            }
            fields.push((
                "Contact".into(),
                "Through the organisation, which puts you in touch.".into(),
            ));
        }
    }
    let locations: Vec<minijinja::Value> = entry
        .locations()
        .into_iter()
        .map(|l| {
            let map = match (l.latitude, l.longitude) {
                (Some(lat), Some(lon)) => Some(format!("geo:{lat},{lon}")),
                _ => None,
            };
            context! { title => l.name.as_ref().and_then(|n| n.get_best(&[lang.as_str()], &default_lang).map(|(_, t)| t.to_string())).unwrap_or_else(|| "Address".into()), text => l.one_line(), map => map }
        })
        .collect();
    let origin = if row.local {
        format!(
            "Published by {} on this instance",
            org.as_ref().map(|o| o.name.clone()).unwrap_or_default()
        )
    } else {
        format!("Published on {} — {}", row.origin_domain, row.ap_id)
    };
    let handle = org
        .as_ref()
        .map(|o| format!("@{}@{}", o.slug, state.urls.domain()));
    let ui = "en";
    state.web.render(
        "entry.html",
        context! {
            lang => ui, dir => text_direction(ui),
            instance_name => state.config.instance.name,
            t => context! { skip => "Skip to content" },
            kind => row.kind, kind_label => row.kind,
            name, name_lang, description_lang,
            description => description.split("\n\n").map(str::to_string).collect::<Vec<_>>(),
            summary => entry.summary_line(&lang, tax),
            fallback, fields, locations, origin, handle,
            follow => "Follow from your fediverse account",
            open_map => "Open in a map application",
            federated => row.local && !row.do_not_federate,
            ap_id => row.ap_id,
        },
    )
}

/// The home page: what this instance is, its organisations, the newest entries (local and
/// federated) and the partner instances it follows.
async fn home(ctx: crate::app::Ctx, headers: HeaderMap) -> AppResult<Response> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::db::entities::{entry, following, organization, remote_actor};
    use crate::directory::{store, taxonomy::taxonomy};
    let state: &AppState = &ctx;
    let default_lang = state.config.instance.default_language.clone();
    let lang = reader_language(&headers, &default_lang);
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
        let (l, name) = public
            .name()
            .get_best(&[lang.as_str()], &default_lang)
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .unwrap_or_default();
        let local_url = state.urls.entry(public.kind(), r.id).to_string();
        entries.push(context! {
            name, lang => l,
            url => local_url,
            kind => r.kind,
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
    let ui = "en";
    state.web.render(
        "home.html",
        context! {
            lang => ui, dir => text_direction(ui),
            instance_name => state.config.instance.name,
            description => state.config.instance.description,
            t => context! {
                skip => "Skip to content",
                organizations => "Organisations",
                no_orgs => "No organisation yet.",
                newest => "Newest entries",
                no_entries => "No entry yet.",
                partners => "Partner instances",
                calendar => "Calendar of events (iCalendar: subscribe in your calendar app)",
                atom => "New entries (Atom feed)",
            },
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
    headers: &HeaderMap,
    topic: &crate::federation::topics::Topic,
) -> AppResult<Response> {
    use crate::federation::topics;
    let default = state.config.instance.default_language.clone();
    let lang = reader_language(headers, &default);
    let rows = topics::matching_entries(&state.db, topic, 50).await?;
    let entries: Vec<minijinja::Value> = rows
        .iter()
        .filter_map(|r| {
            let e = crate::directory::store::parse(r).ok()?;
            let name = e
                .name()
                .get_best(&[lang.as_str()], &default)
                .map(|(_, t)| t.to_string())
                .unwrap_or_default();
            Some(context! { name => name, url => r.url, kind => r.kind, locality => r.locality })
        })
        .collect();
    let ui = "en";
    state.web.render(
        "topic.html",
        context! {
            lang => ui,
            dir => text_direction(ui),
            instance_name => state.config.instance.name,
            t => context! {
                skip => "Skip to content",
                follow => "Follow from your fediverse account",
                follow_help => "Copy this handle into the search box of your Mastodon (or other fediverse) app and follow it: new entries will appear in your home feed.",
                latest => "Latest entries",
                none => "No entries yet.",
            },
            title => topics::display_name(topic, &lang),
            feeds => crate::feeds::topic_links(state, topic, &topics::display_name(topic, &lang)),
            summary => topics::summary(state, topic, &lang),
            entries => entries,
            handle => format!("@{}@{}", topic.name, state.urls.domain()),
            actor_url => state.urls.topic(&topic.name).to_string(),
        },
    )
}
