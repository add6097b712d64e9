//! WebFinger (RFC 7033, with Mastodon's loop-back and FEP-d556) and NodeInfo 2.1 (FEP-f1d5,
//! FEP-2677).
use axum::{
    Router,
    extract::Query,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::{
    accounts,
    app::Ctx,
    db::entities::{entry, organization},
    error::{AppError, AppResult},
    urls::INSTANCE_ACTOR_USERNAME,
};

pub fn routes() -> Router {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/.well-known/host-meta", get(host_meta))
        .route("/nodeinfo/2.1", get(nodeinfo))
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

/// What a WebFinger resource names on this instance.
#[derive(Debug, PartialEq, Eq)]
pub enum Resource {
    Instance,
    /// An organisation, or else a topic (organisations are resolved first).
    Organization(String),
    /// A topic actor, named by its URL.
    Topic(String),
}

/// Parse a WebFinger `resource`: `acct:user@domain`, `user@domain`, or one of our URLs.
/// Err(400 message) for malformed or foreign resources.
pub fn parse_resource(resource: &str, domain: &str, base: &Url) -> Result<Resource, String> {
    let r = resource.trim();
    if r.is_empty() {
        return Err("resource is empty".into());
    }
    if r.starts_with("http://") || r.starts_with("https://") {
        let url = Url::parse(r).map_err(|_| "resource is not a valid URL".to_string())?;
        if url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return Err("resource names another domain".into());
        }
        let path = url.path().trim_end_matches('/');
        if path.is_empty() || path == "/actor" {
            return Ok(Resource::Instance);
        }
        if let Some(slug) = path.strip_prefix("/o/")
            && !slug.is_empty()
            && !slug.contains('/')
        {
            return Ok(Resource::Organization(slug.to_string()));
        }
        if let Some(name) = path.strip_prefix("/t/")
            && !name.is_empty()
            && !name.contains('/')
        {
            return Ok(Resource::Topic(name.to_string()));
        }
        return Err("resource is not an actor URL of this instance".into());
    }
    let acct = if r.len() >= 5 && r[..5].eq_ignore_ascii_case("acct:") {
        &r[5..]
    } else {
        r
    };
    let acct = acct.strip_prefix('@').unwrap_or(acct);
    let (user, host) = acct
        .rsplit_once('@')
        .ok_or_else(|| "resource must be acct:user@domain or a URL".to_string())?;
    if user.is_empty() || host.is_empty() || user.contains('@') || user.contains('/') {
        return Err("resource must be acct:user@domain or a URL".into());
    }
    if !host.eq_ignore_ascii_case(domain) {
        return Err("resource names another domain".into());
    }
    let user = user.to_ascii_lowercase();
    if user == INSTANCE_ACTOR_USERNAME || user.eq_ignore_ascii_case(domain) {
        Ok(Resource::Instance)
    } else {
        Ok(Resource::Organization(user))
    }
}

fn jrd(body: serde_json::Value) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jrd+json; charset=utf-8"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

async fn webfinger(ctx: Ctx, Query(q): Query<WebfingerQuery>) -> AppResult<Response> {
    let resource = q
        .resource
        .ok_or_else(|| AppError::BadRequest("the resource parameter is required".into()))?;
    let domain = ctx.urls.domain();
    let parsed =
        parse_resource(&resource, &domain, ctx.urls.base()).map_err(AppError::BadRequest)?;
    let (username, actor, profile) = match parsed {
        Resource::Instance => (
            INSTANCE_ACTOR_USERNAME.to_string(),
            ctx.urls.instance_actor(),
            ctx.urls.base().clone(),
        ),
        Resource::Organization(slug) => match accounts::find_org(&ctx.db, &slug).await? {
            Some(org) => {
                let id = ctx.urls.org(&org.slug);
                (org.slug, id.clone(), id)
            }
            None => topic_link(&ctx, &slug, &domain).await?,
        },
        Resource::Topic(name) => topic_link(&ctx, &name, &domain).await?,
    };
    let subscribe = format!("{}authorize_interaction?uri={{uri}}", ctx.urls.base());
    Ok(jrd(json!({
        "subject": format!("acct:{username}@{domain}"),
        "aliases": [actor],
        "links": [
            { "rel": "self", "type": "application/activity+json", "href": actor },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile },
            { "rel": "http://ostatus.org/schema/1.0/subscribe", "template": subscribe },
        ]
    })))
}

/// A topic actor's WebFinger answer: (username, actor id, profile page).
async fn topic_link(ctx: &Ctx, name: &str, domain: &str) -> AppResult<(String, Url, Url)> {
    let (topic, _) = crate::federation::topics::lookup(ctx, name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no account {name}@{domain}")))?;
    let id = ctx.urls.topic(&topic.name);
    Ok((topic.name, id.clone(), id))
}

async fn host_meta(ctx: Ctx) -> Response {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="{}.well-known/webfinger?resource={{uri}}"/>
</XRD>
"#,
        ctx.urls.base()
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

pub const NODEINFO_21_PROFILE: &str =
    r#"application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#""#;

async fn nodeinfo_links(ctx: Ctx) -> Response {
    let body = json!({
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": ctx.urls.join("nodeinfo/2.1"),
            },
            {
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": ctx.urls.instance_actor(),
            }
        ]
    });
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

/// NodeInfo 2.1. Users are the organisations (our local actors); active ones published or
/// updated an entry in the period; local posts are the live local entries.
async fn nodeinfo(ctx: Ctx) -> AppResult<Response> {
    let db = &ctx.db;
    let total = organization::Entity::find().count(db).await?;
    let active_since = |days: i64| {
        entry::Entity::find()
            .filter(entry::Column::Local.eq(true))
            .filter(entry::Column::DeletedAt.is_null())
            .filter(entry::Column::Updated.gte(Utc::now() - Duration::days(days)))
    };
    let orgs_active = |rows: Vec<entry::Model>| {
        let mut ids: Vec<_> = rows.into_iter().filter_map(|e| e.organization_id).collect();
        ids.sort();
        ids.dedup();
        ids.len() as u64
    };
    let active_month = orgs_active(active_since(30).all(db).await?);
    let active_halfyear = orgs_active(active_since(180).all(db).await?);
    let local_posts = entry::Entity::find()
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    let cfg = &ctx.config.instance;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "passerelle",
            "version": env!("CARGO_PKG_VERSION"),
            "repository": "https://example.invalid/passerelle",
            "homepage": ctx.urls.base(),
        },
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": [] },
        "openRegistrations": false,
        "usage": {
            "users": { "total": total, "activeHalfyear": active_halfyear, "activeMonth": active_month },
            "localPosts": local_posts,
        },
        "metadata": {
            "nodeName": cfg.name,
            "nodeDescription": cfg.description,
            "defaultLanguage": cfg.default_language,
            "contactEmail": cfg.contact_email,
        }
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(NODEINFO_21_PROFILE),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        let base = Url::parse("https://dir.example.org/").unwrap();
        let d = "dir.example.org";
        let p = |r: &str| parse_resource(r, d, &base);
        assert_eq!(
            p("acct:lille@dir.example.org"),
            Ok(Resource::Organization("lille".into()))
        );
        assert_eq!(
            p("lille@dir.example.org"),
            Ok(Resource::Organization("lille".into()))
        );
        assert_eq!(
            p("acct:@lille@DIR.example.org"),
            Ok(Resource::Organization("lille".into()))
        );
        assert_eq!(p("acct:instance@dir.example.org"), Ok(Resource::Instance));
        assert_eq!(
            p("acct:dir.example.org@dir.example.org"),
            Ok(Resource::Instance)
        );
        assert_eq!(p("https://dir.example.org/"), Ok(Resource::Instance));
        assert_eq!(p("https://dir.example.org"), Ok(Resource::Instance));
        assert_eq!(
            p("https://dir.example.org/o/lille"),
            Ok(Resource::Organization("lille".into()))
        );
        assert!(p("acct:lille@evil.example").is_err());
        assert!(p("https://evil.example/o/lille").is_err());
        assert!(p("lille").is_err());
        assert!(p("acct:@dir.example.org").is_err());
        assert!(p("").is_err());
        assert!(p("https://dir.example.org/o/lille/outbox").is_err());
    }
}
