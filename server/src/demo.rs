//! Demonstration data: a small multilingual network of partner organisations with services,
//! events and volunteer offers (`server/assets/demo.json`), loaded through the same validation
//! and publication path as the API.
use anyhow::Context;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde::Deserialize;
use serde_json::Value;

use crate::{
    AppState,
    accounts::{self, NewOrganization},
    db::entities::organization,
    directory::{
        model::{Kind, LangMap},
        validate::{self, Context as VContext},
    },
    error::AppError,
};

const DEMO: &str = include_str!("../assets/demo.json");

#[derive(Deserialize)]
struct Demo {
    organizations: Vec<DemoOrg>,
}

#[derive(Deserialize)]
struct DemoOrg {
    slug: String,
    name: String,
    #[serde(default)]
    summary: LangMap,
    default_language: String,
    website: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    manually_approves_followers: bool,
    #[serde(default)]
    services: Vec<Value>,
    #[serde(default)]
    events: Vec<Value>,
    #[serde(default)]
    offers: Vec<Value>,
}

/// Fill an empty instance with the demo network. Refuses when organisations exist already.
pub async fn load(state: &AppState) -> anyhow::Result<String> {
    let existing = organization::Entity::find().count(&state.db).await?;
    if existing > 0 {
        return Ok(format!(
            "demo data not loaded: the instance already has {existing} organisation(s)"
        ));
    }
    let demo: Demo = serde_json::from_str(DEMO).context("server/assets/demo.json")?;
    let (mut orgs, mut entries) = (0, 0);
    for o in demo.organizations {
        let org = accounts::create_organization(
            &state.db,
            NewOrganization {
                slug: o.slug.clone(),
                name: o.name,
                summary: o.summary,
                default_language: Some(o.default_language),
                website: o.website,
                email: o.email,
                phone: o.phone,
                address: o.address,
                languages: o.languages,
                icon_url: None,
                manually_approves_followers: o.manually_approves_followers,
            },
            &state.config.instance.default_language,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo organisation {}: {}", o.slug, describe(&e)))?;
        orgs += 1;
        for (kind, bodies) in [
            (Kind::Service, &o.services),
            (Kind::Event, &o.events),
            (Kind::Offer, &o.offers),
        ] {
            for (i, body) in bodies.iter().enumerate() {
                let entry = validate::validate(
                    kind,
                    body,
                    &VContext {
                        default_language: &org.default_language,
                    },
                )
                .map_err(|errs| {
                    anyhow::anyhow!(
                        "demo {} {} #{i}: {}",
                        o.slug,
                        kind.as_str(),
                        describe(&AppError::Validation(errs))
                    )
                })?;
                crate::http::entries::create_local_entry(state, &org, &entry)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("demo {} {} #{i}: {}", o.slug, kind.as_str(), describe(&e))
                    })?;
                entries += 1;
            }
        }
    }
    Ok(format!(
        "demo data loaded: {orgs} organisations and {entries} entries"
    ))
}

fn describe(e: &AppError) -> String {
    match e {
        AppError::Validation(errs) => errs
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
