//! Staff pages of an organisation: its public profile (name, summary in several languages,
//! logo, website, contacts, languages spoken, whether followers need approval), which
//! federates as an `Update` of the organisation's actor; and its followers, with approval of
//! pending ones (an `Accept` or `Reject` is sent, as the JSON API does).
use std::collections::BTreeMap;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, Request},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use minijinja::{Value, context};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value as Json;

use super::{
    Reader,
    editor::{
        FormAction, FormData, OrgQuery, Staff, change_langs, code_list, form_action, form_langs,
        lang_columns, org_for, picture_of, signed_in, signed_in_form, text_map,
    },
    media,
    staff::staff_page,
};
use crate::{
    AppState,
    app::Ctx,
    db::entities::{follower, organization, remote_actor},
    directory::validate::{MAX_TEXT_CHARS, is_plausible_email, normalize_language_tag},
    error::AppResult,
    federation::{
        actors::{org_languages, org_summary, publish_org_update},
        follows,
    },
};

pub fn routes() -> Router {
    Router::new()
        .route(
            "/staff/orgs/{slug}/profile",
            get(profile_form).post(save_profile),
        )
        .route("/staff/orgs/{slug}/followers", get(followers))
        .route("/staff/orgs/{slug}/followers/{id}/{decision}", post(decide))
        .layer(DefaultBodyLimit::disable())
}

async fn staff_and_org(
    state: &AppState,
    reader: &Reader,
    headers: &HeaderMap,
    slug: &str,
) -> AppResult<Result<(Staff, organization::Model), Response>> {
    let staff = match signed_in(state, headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    Ok(org_for(state, reader, &staff, Some(slug))
        .await?
        .map(|org| (staff, org)))
}

// ---------------------------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------------------------

fn form_of(org: &organization::Model) -> FormData {
    let mut f = FormData::default();
    f.push("name", org.name.clone());
    let summary = org_summary(org);
    for (l, t) in summary.iter() {
        f.push(format!("summary.{l}"), t);
    }
    let mut langs: Vec<String> = summary.languages().map(str::to_string).collect();
    if langs.is_empty() {
        langs.push(org.default_language.clone());
    }
    for l in langs {
        f.push("text_langs", l);
    }
    for (k, v) in [
        ("website", &org.website),
        ("email", &org.email),
        ("phone", &org.phone),
        ("address", &org.address),
    ] {
        f.push(k, v.clone().unwrap_or_default());
    }
    f.push("languages", org_languages(org).join(", "));
    if org.manually_approves_followers {
        f.push("manually_approves_followers", "true");
    }
    f
}

#[allow(clippy::too_many_arguments)]
fn render(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    org: &organization::Model,
    form: &FormData,
    langs: &[String],
    errors: &BTreeMap<String, String>,
    status: StatusCode,
    notice: Option<String>,
) -> AppResult<Response> {
    let mut values = BTreeMap::new();
    for (k, v) in &form.pairs {
        values.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let error_list: Vec<Value> = errors
        .iter()
        .map(|(k, m)| context! { id => k.replace('.', "-"), message => m })
        .collect();
    staff_page(
        state,
        reader,
        status,
        "staff_org_profile.html",
        context! {
            email => staff.user.email, csrf => staff.session.csrf_token,
            org => context! {
                slug => org.slug, name => org.name, icon => org.icon_url,
                handle => format!("@{}@{}", org.slug, state.urls.domain()),
                url => state.urls.org(&org.slug).to_string(),
            },
            langs => lang_columns(state, reader, langs),
            v => Value::from_serialize(&values),
            approve => form.all("manually_approves_followers").contains(&"true"),
            errors => Value::from_serialize(errors),
            error_list, notice,
            max_upload_mib => format!("{:.1}", state.config.media.max_upload_bytes as f64 / 1_048_576.0),
            logo_max => media::LOGO_MAX_PX,
        },
        vec![],
    )
}

async fn profile_form(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, org) = match staff_and_org(state, &reader, &headers, &slug).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let form = form_of(&org);
    let langs = form_langs(&form, &org.default_language);
    let notice = (q.done.as_deref() == Some("saved"))
        .then(|| state.web.t(&reader.ui, "editor-profile-saved"));
    render(
        state,
        &reader,
        &staff,
        &org,
        &form,
        &langs,
        &BTreeMap::new(),
        StatusCode::OK,
        notice,
    )
}

async fn save_profile(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(slug): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, mut form, mut uploads) = match signed_in_form(state, &reader, &headers, req).await?
    {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let org = match org_for(state, &reader, &staff, Some(&slug)).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let ui = reader.ui.as_str();
    let t = |k: &str| state.web.t(ui, k);
    let mut langs = form_langs(&form, &org.default_language);
    let action = form_action(&form);
    let mut errors = BTreeMap::new();
    if !matches!(action, FormAction::Save) {
        let status = match change_langs(&mut form, &mut langs, &action) {
            Ok(()) => StatusCode::OK,
            Err(key) => {
                errors.insert("add_lang".to_string(), t(key));
                StatusCode::UNPROCESSABLE_ENTITY
            }
        };
        return render(
            state, &reader, &staff, &org, &form, &langs, &errors, status, None,
        );
    }

    let name = form.get("name").trim().to_string();
    if name.is_empty() {
        errors.insert("name".into(), t("staff-field-required"));
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), t("editor-too-long"));
    }
    let summary = text_map(&form, &langs, "summary").unwrap_or(Json::Object(Default::default()));
    if let Some(m) = summary.as_object() {
        for (l, text) in m {
            if text
                .as_str()
                .is_some_and(|s| s.chars().count() > MAX_TEXT_CHARS)
            {
                errors.insert(format!("summary.{l}"), t("editor-too-long"));
            }
        }
    }
    let optional = |k: &str| Some(form.get(k).trim().to_string()).filter(|s| !s.is_empty());
    let website = optional("website");
    if let Some(w) = &website {
        let ok = url::Url::parse(w)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            errors.insert("website".into(), t("editor-bad-url"));
        }
    }
    let email = optional("email");
    if email.as_deref().is_some_and(|e| !is_plausible_email(e)) {
        errors.insert("email".into(), t("editor-bad-email"));
    }
    let phone = optional("phone");
    if phone.as_deref().is_some_and(|p| p.chars().count() > 50) {
        errors.insert("phone".into(), t("editor-too-long"));
    }
    let address = optional("address");
    if address.as_deref().is_some_and(|a| a.chars().count() > 500) {
        errors.insert("address".into(), t("editor-too-long"));
    }
    let mut spoken: Vec<String> = Vec::new();
    for code in code_list(&form, "languages")
        .as_array()
        .into_iter()
        .flatten()
    {
        let code = code.as_str().unwrap_or_default();
        match normalize_language_tag(code) {
            Some(tag) if !spoken.contains(&tag) => spoken.push(tag),
            Some(_) => {}
            None => {
                errors.insert("languages".into(), t("editor-bad-language"));
            }
        }
    }
    let approve = form.all("manually_approves_followers").contains(&"true");
    let logo = picture_of(state, &mut uploads, "logo", media::LOGO_MAX_PX).await;
    if let Some(Err(e)) = &logo {
        errors.insert("logo".into(), t(e.key()));
    }
    if !errors.is_empty() {
        return render(
            state,
            &reader,
            &staff,
            &org,
            &form,
            &langs,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    }
    let icon_url = match &logo {
        Some(Ok(picture)) => Some(media::store(state, picture).await?.to_string()),
        _ if form.all("remove_logo").contains(&"true") => None,
        _ => org.icon_url.clone(),
    };
    let txn = crate::db::begin_write(&state.db).await?;
    let mut a: organization::ActiveModel = org.into();
    a.name = Set(name);
    a.summary = Set(summary.to_string());
    a.website = Set(website);
    a.email = Set(email);
    a.phone = Set(phone);
    a.address = Set(address);
    a.languages = Set(Json::from(spoken).to_string());
    a.icon_url = Set(icon_url);
    a.manually_approves_followers = Set(approve);
    a.updated_at = Set(Utc::now());
    let org = a.update(&txn).await?;
    publish_org_update(&txn, state, &org).await?;
    txn.commit().await?;
    state.delivery_wakeup.notify_waiters();
    tracing::info!(org = %org.slug, user = %staff.user.id, "organisation profile saved");
    Ok(Redirect::to(&format!("/staff/orgs/{}/profile?done=saved", org.slug)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Followers
// ---------------------------------------------------------------------------------------------

async fn followers(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, org) = match staff_and_org(state, &reader, &headers, &slug).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let actor = state.urls.org(&org.slug).to_string();
    let rows = follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(&actor))
        .order_by_asc(follower::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut pending = Vec::new();
    let mut accepted = Vec::new();
    for f in &rows {
        let a = remote_actor::Entity::find_by_id(f.remote_actor_id)
            .one(&state.db)
            .await?;
        let handle = a.as_ref().map(|a| match &a.preferred_username {
            Some(u) => format!("@{u}@{}", a.domain),
            None => a.domain.clone(),
        });
        let item = context! {
            id => f.id.to_string(),
            actor => f.follower_ap_id,
            name => a.as_ref().and_then(|a| a.name.clone()).filter(|n| !n.is_empty()),
            handle,
            since => f.created_at.format("%Y-%m-%d").to_string(),
        };
        if f.state == "pending" {
            pending.push(item);
        } else {
            accepted.push(item);
        }
    }
    let notice = match q.done.as_deref() {
        Some("accept") => Some(state.web.t(&reader.ui, "editor-follower-accepted")),
        Some("reject") => Some(state.web.t(&reader.ui, "editor-follower-rejected")),
        _ => None,
    };
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_org_followers.html",
        context! {
            email => staff.user.email, csrf => staff.session.csrf_token,
            org => context! { slug => org.slug, name => org.name, approves => org.manually_approves_followers },
            pending, accepted, notice,
        },
        vec![],
    )
}

async fn decide(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path((slug, id, decision)): Path<(String, String, String)>,
    req: Request,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, _, _) = match signed_in_form(state, &reader, &headers, req).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let org = match org_for(state, &reader, &staff, Some(&slug)).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let accept = match decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Ok(StatusCode::NOT_FOUND.into_response()),
    };
    let actor = state.urls.org(&org.slug).to_string();
    let row = match crate::http::admin::find_pending(&ctx, &actor, &id).await {
        Ok(r) => r,
        Err(_) => {
            return staff_page(
                state,
                &reader,
                StatusCode::NOT_FOUND,
                "staff_error.html",
                context! { title_key => "editor-not-found-title", text_key => "editor-follower-gone" },
                vec![],
            );
        }
    };
    let who = row.follower_ap_id.clone();
    follows::decide_follower(state, row, accept).await?;
    tracing::info!(org = %org.slug, follower = %who, accept, user = %staff.user.id, "follower decided on the staff pages");
    Ok(Redirect::to(&format!(
        "/staff/orgs/{}/followers?done={decision}",
        org.slug
    ))
    .into_response())
}
