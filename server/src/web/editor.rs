//! Staff pages to publish: editors create, edit and delete their organisation's services,
//! events and volunteer offers with HTML forms that cover every field of the directory model.
//!
//! A form is read as flat `name=value` pairs whose names follow the JSON API's field paths
//! (`name.fr`, `locations.0.latitude`, `schedules.1.byday`); they are turned into the API's
//! JSON body and go through the API's own validation and publication
//! ([`crate::http::entries::create_local_entry`] and its siblings), so what the web pages save
//! is exactly what the API would, and followers get the same `Create`/`Update`/`Delete`.
//! Validation errors come back beside their field, with everything the user typed kept.
//! Texts in several languages are one column per language; languages, locations, opening
//! hours and phones are added and removed with submit buttons (no script needed).
use std::collections::{BTreeMap, BTreeSet};

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use minijinja::{Value, context};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value as Json, json};
use uuid::Uuid;

use super::{
    Reader, media,
    staff::{self, csrf_refusal, same, staff_page},
};
use crate::{
    AppState,
    accounts::{self, Role},
    app::Ctx,
    db::entities::{entry, organization, staff_session, user},
    directory::{
        model::{
            AreaKind, Entry, EventStatus, JoinMode, Kind, OfferStatus, PhoneType, Precision,
            ServiceStatus, StrEnum, Weekday, days_text,
        },
        store,
        taxonomy::taxonomy,
        validate::{self, Context, FieldError, normalize_language_tag},
    },
    error::{AppError, AppResult},
    http::entries::{create_local_entry, delete_local_entry, update_local_entry},
};

pub fn routes() -> Router {
    Router::new()
        .route("/staff/entries", get(list))
        .route("/staff/entries/new/{kind}", get(new_form).post(create))
        .route("/staff/entries/{id}/edit", get(edit_form).post(save))
        .route("/staff/entries/{id}/delete", get(delete_form).post(delete))
        // Uploads are limited field by field (see `read_form`).
        .layer(DefaultBodyLimit::disable())
}

// ---------------------------------------------------------------------------------------------
// Who is asking
// ---------------------------------------------------------------------------------------------

/// A signed-in staff member.
pub(crate) struct Staff {
    pub user: user::Model,
    pub session: staff_session::Model,
}

impl Staff {
    pub fn is_admin(&self) -> bool {
        Role::parse(&self.user.role) == Some(Role::Admin)
    }
}

/// The signed-in user, or the redirect to the sign-in form.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Result<Staff, Response>> {
    Ok(match staff::current(state, headers).await? {
        Some((user, session)) => Ok(Staff { user, session }),
        None => Err(Redirect::to("/staff/login").into_response()),
    })
}

/// 403: the user is not staff of this organisation.
pub(crate) fn forbidden(state: &AppState, reader: &Reader) -> AppResult<Response> {
    staff_page(
        state,
        reader,
        StatusCode::FORBIDDEN,
        "staff_error.html",
        context! { title_key => "editor-forbidden-title", text_key => "editor-forbidden-text" },
        vec![],
    )
}

fn not_found(state: &AppState, reader: &Reader) -> AppResult<Response> {
    staff_page(
        state,
        reader,
        StatusCode::NOT_FOUND,
        "staff_error.html",
        context! { title_key => "editor-not-found-title", text_key => "editor-not-found-text" },
        vec![],
    )
}

/// The organisations the user publishes for (every one for administrators), by name.
pub(crate) async fn orgs_of(
    state: &AppState,
    staff: &Staff,
) -> AppResult<Vec<organization::Model>> {
    Ok(if staff.is_admin() {
        organization::Entity::find()
            .order_by_asc(organization::Column::Name)
            .all(&state.db)
            .await?
    } else {
        match staff.user.organization_id {
            Some(id) => organization::Entity::find_by_id(id).all(&state.db).await?,
            None => vec![],
        }
    })
}

/// The organisation named by `slug` (or the user's own when none is named), if the user may
/// publish for it: `Ok(Err(403 page))` otherwise.
pub(crate) async fn org_for(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    slug: Option<&str>,
) -> AppResult<Result<organization::Model, Response>> {
    let org = match slug.filter(|s| !s.is_empty()) {
        Some(slug) => accounts::find_org(&state.db, slug).await?,
        None => orgs_of(state, staff).await?.into_iter().next(),
    };
    match org {
        Some(o) if accounts::may_publish_for(&staff.user, o.id) => Ok(Ok(o)),
        Some(_) => Ok(Err(forbidden(state, reader)?)),
        None if slug.is_some() => Ok(Err(not_found(state, reader)?)),
        None => Ok(Err(forbidden(state, reader)?)),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading forms (URL-encoded or multipart with pictures)
// ---------------------------------------------------------------------------------------------

/// The fields of a submitted form, in order, as sent.
#[derive(Default, Clone, Debug)]
pub(crate) struct FormData {
    pub pairs: Vec<(String, String)>,
}

impl FormData {
    pub fn get(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != key);
        self.push(key, value);
    }
    /// Value of each field (the first one), for the template.
    fn values(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for (k, v) in &self.pairs {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        m
    }
    /// `name=value` of every field, for checkboxes and selects.
    fn selected(&self) -> BTreeMap<String, bool> {
        self.pairs
            .iter()
            .map(|(k, v)| (format!("{k}={v}"), true))
            .collect()
    }
}

/// A file sent with a form.
pub(crate) struct Upload {
    pub field: String,
    pub data: Vec<u8>,
    /// Larger than `media.max_upload_bytes` (its content was not kept).
    pub too_big: bool,
}

/// Text fields of a form, all together, at most this many bytes.
const MAX_FORM_TEXT: usize = 2 * 1024 * 1024;

/// The form a signed-in staff member sent (multipart or urlencoded) with its uploads, its CSRF
/// token checked; otherwise the response to send instead (the sign-in page, a form that cannot
/// be read, or the CSRF refusal).
pub(crate) async fn signed_in_form(
    state: &AppState,
    reader: &Reader,
    headers: &HeaderMap,
    req: Request,
) -> AppResult<Result<(Staff, FormData, Vec<Upload>), Response>> {
    let staff = match signed_in(state, headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let (form, uploads) = match read_form(state, req).await {
        Ok(f) => f,
        Err(r) => return Ok(Err(r)),
    };
    if !same(&staff.session.csrf_token, form.get("csrf")) {
        return csrf_refusal(state, reader).map(Err);
    }
    Ok(Ok((staff, form, uploads)))
}

/// Read a form, URL-encoded or multipart. A file larger than `media.max_upload_bytes` is read
/// to its end (so that the browser gets the page saying so) but not kept; a request far larger
/// than that is cut short with 413.
pub(crate) async fn read_form(
    state: &AppState,
    req: Request,
) -> Result<(FormData, Vec<Upload>), Response> {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let too_large = || StatusCode::PAYLOAD_TOO_LARGE.into_response();
    let bad = |e: String| (StatusCode::BAD_REQUEST, e).into_response();
    let mut form = FormData::default();
    let mut uploads = Vec::new();
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_FORM_TEXT)
            .await
            .map_err(|_| too_large())?;
        form.pairs = url::form_urlencoded::parse(&bytes).into_owned().collect();
        return Ok((form, uploads));
    }
    let max_file = state.config.media.max_upload_bytes;
    let hard_cap = max_file.saturating_mul(4).saturating_add(MAX_FORM_TEXT);
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| bad(e.body_text()))?;
    let mut text_total = 0usize;
    let mut total = 0usize;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(bad(e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_string();
        if field.file_name().is_some() {
            let mut field = field;
            let mut data = Vec::new();
            let mut size = 0usize;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        size += chunk.len();
                        total += chunk.len();
                        if total > hard_cap {
                            return Err(too_large());
                        }
                        if size > max_file {
                            data = Vec::new();
                        } else {
                            data.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(bad(e.body_text())),
                }
            }
            // A file input left empty is sent with no name and no content.
            if size > 0 {
                uploads.push(Upload {
                    field: name,
                    data,
                    too_big: size > max_file,
                });
            }
        } else {
            let text = field.text().await.map_err(|e| bad(e.body_text()))?;
            text_total += text.len();
            total += text.len();
            if text_total > MAX_FORM_TEXT {
                return Err(too_large());
            }
            form.push(name, text);
        }
    }
    Ok((form, uploads))
}

/// The uploaded file of `field`, processed: `None` when none was sent.
pub(crate) async fn picture_of(
    state: &AppState,
    uploads: &mut Vec<Upload>,
    field: &str,
    max_px: u32,
) -> Option<Result<media::Picture, media::PictureError>> {
    let i = uploads.iter().position(|u| u.field == field)?;
    let u = uploads.swap_remove(i);
    if u.too_big {
        return Some(Err(media::PictureError::TooBig));
    }
    Some(media::process_upload(state, u.data, max_px).await)
}

// ---------------------------------------------------------------------------------------------
// Languages of the texts
// ---------------------------------------------------------------------------------------------

/// Multilingual fields, by the last part of their path.
const TEXT_FIELDS: &[&str] = &[
    "name",
    "alternate_name",
    "description",
    "eligibility",
    "fees_description",
    "application_process",
    "required_documents",
    "service_area",
    "accessibility",
    "transportation",
    "notes",
    "times",
    "requirements",
    "summary",
];

/// The languages the form's texts are written in (`text_langs`), else `default`.
pub(crate) fn form_langs(form: &FormData, default: &str) -> Vec<String> {
    let mut langs: Vec<String> = Vec::new();
    for l in form.all("text_langs") {
        if let Some(tag) = normalize_language_tag(l.trim())
            && !langs.contains(&tag)
        {
            langs.push(tag);
        }
    }
    if langs.is_empty() {
        langs.push(default.to_string());
    }
    langs
}

/// The text languages found in flattened fields (`name.fr` → `fr`), `default` first when the
/// form has none.
fn langs_in(form: &FormData, default: &str) -> Vec<String> {
    let mut langs: Vec<String> = Vec::new();
    for (k, _) in &form.pairs {
        let parts: Vec<&str> = k.split('.').collect();
        if parts.len() >= 2
            && TEXT_FIELDS.contains(&parts[parts.len() - 2])
            && !langs.iter().any(|l| l == parts[parts.len() - 1])
        {
            langs.push(parts[parts.len() - 1].to_string());
        }
    }
    if langs.is_empty() {
        langs.push(default.to_string());
    }
    langs
}

/// A button that changes the form instead of saving it.
pub(crate) enum FormAction {
    Save,
    AddLang,
    RemoveLang(String),
    AddRow(String),
}

pub(crate) fn form_action(form: &FormData) -> FormAction {
    let a = form.get("action");
    if a == "add_lang" {
        FormAction::AddLang
    } else if let Some(tag) = a.strip_prefix("remove_lang:") {
        FormAction::RemoveLang(tag.to_string())
    } else if let Some(list) = a.strip_prefix("add_row:") {
        FormAction::AddRow(list.to_string())
    } else {
        FormAction::Save
    }
}

/// Apply a language button to the form: `Err(message key)` for a tag that is not one.
pub(crate) fn change_langs(
    form: &mut FormData,
    langs: &mut Vec<String>,
    action: &FormAction,
) -> Result<(), &'static str> {
    match action {
        FormAction::AddLang => {
            let typed = form.get("add_lang").trim().to_string();
            let Some(tag) = normalize_language_tag(&typed) else {
                return Err("editor-bad-language");
            };
            if !langs.contains(&tag) {
                langs.push(tag);
            }
            form.set("add_lang", "");
        }
        // The last language stays: a text needs one.
        FormAction::RemoveLang(tag) if langs.len() > 1 => {
            langs.retain(|l| l != tag);
            let suffix = format!(".{tag}");
            form.pairs.retain(|(k, _)| {
                !(k.ends_with(&suffix) && {
                    let parts: Vec<&str> = k.split('.').collect();
                    parts.len() >= 2 && TEXT_FIELDS.contains(&parts[parts.len() - 2])
                })
            });
        }
        _ => {}
    }
    form.pairs.retain(|(k, _)| k != "text_langs");
    for l in langs.iter() {
        form.push("text_langs", l.clone());
    }
    Ok(())
}

pub(crate) fn lang_columns(state: &AppState, reader: &Reader, langs: &[String]) -> Vec<Value> {
    langs
        .iter()
        .map(|tag| {
            let name = state
                .web
                .i18n
                .language_name(&reader.ui, tag)
                .map(|n| format!("{n} ({tag})"))
                .unwrap_or_else(|| tag.clone());
            context! { tag, name }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Form → API body
// ---------------------------------------------------------------------------------------------

/// A language map from `prefix.<lang>` fields (empty texts left out); `None` when all empty.
pub(crate) fn text_map(form: &FormData, langs: &[String], prefix: &str) -> Option<Json> {
    let mut m = Map::new();
    for l in langs {
        let t = form.get(&format!("{prefix}.{l}"));
        if !t.trim().is_empty() {
            m.insert(l.clone(), Json::String(t.trim_end().to_string()));
        }
    }
    (!m.is_empty()).then_some(Json::Object(m))
}

fn text(form: &FormData, key: &str) -> Option<Json> {
    let t = form.get(key).trim();
    (!t.is_empty()).then(|| Json::String(t.to_string()))
}

/// A number when it is one (the validator says what is wrong otherwise).
fn number(form: &FormData, key: &str) -> Option<Json> {
    let t = form.get(key).trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<u64>() {
        return Some(json!(n));
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(x) if x.is_finite() => Some(json!(x)),
        _ => Some(Json::String(t.to_string())),
    }
}

fn flag(form: &FormData, key: &str) -> bool {
    form.all(key).contains(&"true")
}

/// Codes typed in one field, separated by commas, semicolons or spaces.
pub(crate) fn code_list(form: &FormData, key: &str) -> Json {
    Json::Array(
        form.get(key)
            .split([',', ';', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Json::String(s.to_string()))
            .collect(),
    )
}

fn checked(form: &FormData, key: &str) -> Json {
    Json::Array(
        form.all(key)
            .into_iter()
            .map(|s| Json::String(s.to_string()))
            .collect(),
    )
}

fn put(obj: &mut Map<String, Json>, key: &str, v: Option<Json>) {
    if let Some(v) = v {
        obj.insert(key.to_string(), v);
    }
}

/// How many rows of `list` the form has (`list.N.…` fields).
fn rows(form: &FormData, list: &str) -> usize {
    let prefix = format!("{list}.");
    form.pairs
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix(&prefix)?
                .split('.')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// Whether every field under `prefix.` is empty, but those named in `ignored`.
fn row_is_empty(form: &FormData, prefix: &str, ignored: &[&str]) -> bool {
    let p = format!("{prefix}.");
    form.pairs.iter().all(|(k, v)| {
        let Some(rest) = k.strip_prefix(&p) else {
            return true;
        };
        ignored.contains(&rest) || v.trim().is_empty()
    })
}

fn location(form: &FormData, langs: &[String], p: &str) -> Option<Json> {
    if row_is_empty(form, p, &["precision"]) {
        return None;
    }
    let mut o = Map::new();
    let k = |f: &str| format!("{p}.{f}");
    put(&mut o, "name", text_map(form, langs, &k("name")));
    for f in [
        "street_address",
        "postal_code",
        "locality",
        "region",
        "country",
    ] {
        put(&mut o, f, text(form, &k(f)));
    }
    put(&mut o, "latitude", number(form, &k("latitude")));
    put(&mut o, "longitude", number(form, &k("longitude")));
    put(&mut o, "precision", text(form, &k("precision")));
    put(
        &mut o,
        "accessibility",
        text_map(form, langs, &k("accessibility")),
    );
    put(
        &mut o,
        "transportation",
        text_map(form, langs, &k("transportation")),
    );
    Some(Json::Object(o))
}

fn schedule(form: &FormData, langs: &[String], p: &str) -> Option<Json> {
    if row_is_empty(form, p, &["timezone"]) {
        return None;
    }
    let mut o = Map::new();
    let k = |f: &str| format!("{p}.{f}");
    o.insert("byday".into(), checked(form, &k("byday")));
    for f in [
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "timezone",
    ] {
        put(&mut o, f, text(form, &k(f)));
    }
    put(&mut o, "notes", text_map(form, langs, &k("notes")));
    Some(Json::Object(o))
}

fn phone(form: &FormData, _langs: &[String], p: &str) -> Option<Json> {
    if row_is_empty(form, p, &["type"]) {
        return None;
    }
    let mut o = Map::new();
    let k = |f: &str| format!("{p}.{f}");
    put(&mut o, "number", text(form, &k("number")));
    put(&mut o, "extension", text(form, &k("extension")));
    put(&mut o, "type", text(form, &k("type")));
    let langs = code_list(form, &k("languages"));
    if langs.as_array().is_some_and(|a| !a.is_empty()) {
        o.insert("languages".into(), langs);
    }
    Some(Json::Object(o))
}

/// For each row list, the form row of each item of the API body (empty rows are left out).
type RowMaps = BTreeMap<&'static str, Vec<usize>>;

fn row_list(
    form: &FormData,
    langs: &[String],
    list: &'static str,
    item: fn(&FormData, &[String], &str) -> Option<Json>,
    maps: &mut RowMaps,
) -> Json {
    let mut items = Vec::new();
    let mut map = Vec::new();
    for i in 0..rows(form, list) {
        if let Some(v) = item(form, langs, &format!("{list}.{i}")) {
            items.push(v);
            map.push(i);
        }
    }
    maps.insert(list, map);
    Json::Array(items)
}

/// A `datetime-local` value (`2026-12-05T14:00`) in time zone `tz`, as RFC 3339.
fn local_time(value: &str, tz: &str) -> Result<Option<String>, ()> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .ok_or(())?;
    let zone: Tz = tz.trim().parse().unwrap_or(chrono_tz::UTC);
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|d| Some(d.fixed_offset().to_rfc3339()))
        .ok_or(())
}

/// An instant as a `datetime-local` value in time zone `tz`.
fn to_local(t: &DateTime<FixedOffset>, tz: &str) -> String {
    match tz.parse::<Tz>() {
        Ok(zone) => t.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// The API body of the form, where each list item came from in the form, and the errors found
/// before validation (times that do not exist), already in the reader's words.
fn body_of(kind: Kind, form: &FormData, langs: &[String]) -> (Json, RowMaps, Vec<FieldError>) {
    let mut o = Map::new();
    let mut maps = RowMaps::new();
    let mut errors = Vec::new();
    put(&mut o, "name", text_map(form, langs, "name"));
    put(&mut o, "description", text_map(form, langs, "description"));
    put(&mut o, "status", text(form, "status"));
    o.insert("categories".into(), checked(form, "categories"));
    o.insert("languages".into(), code_list(form, "languages"));
    o.insert(
        "safety".into(),
        json!({ "do_not_federate": flag(form, "safety.do_not_federate") }),
    );
    match kind {
        Kind::Service => {
            put(
                &mut o,
                "alternate_name",
                text_map(form, langs, "alternate_name"),
            );
            for f in ["url", "email", "online_url", "last_verified"] {
                put(&mut o, f, text(form, f));
            }
            let phones = row_list(form, langs, "phones", phone, &mut maps);
            o.insert("phones".into(), phones);
            let locations = row_list(form, langs, "locations", location, &mut maps);
            if locations.as_array().is_some_and(|a| !a.is_empty()) {
                o.insert("locations".into(), locations);
            }
            let schedules = row_list(form, langs, "schedules", schedule, &mut maps);
            o.insert("schedules".into(), schedules);
            for f in [
                "eligibility",
                "fees_description",
                "application_process",
                "required_documents",
                "service_area",
            ] {
                put(&mut o, f, text_map(form, langs, f));
            }
            put(&mut o, "minimum_age", number(form, "minimum_age"));
            put(&mut o, "maximum_age", number(form, "maximum_age"));
            o.insert("free".into(), json!(flag(form, "free")));
            o.insert(
                "interpretation_available".into(),
                json!(flag(form, "interpretation_available")),
            );
        }
        Kind::Event => {
            let tz = form.get("timezone");
            for f in ["start_time", "end_time"] {
                match local_time(form.get(f), tz) {
                    Ok(v) => put(&mut o, f, v.map(Json::String)),
                    Err(()) => errors.push(FieldError::new(f, "editor-bad-time")),
                }
            }
            for f in [
                "timezone",
                "online_url",
                "join_mode",
                "registration_url",
                "banner_url",
                "contact",
            ] {
                put(&mut o, f, text(form, f));
            }
            put(&mut o, "location", location(form, langs, "location"));
            put(&mut o, "capacity", number(form, "capacity"));
            put(&mut o, "remaining_places", number(form, "remaining_places"));
        }
        Kind::Offer => {
            o.insert("help_types".into(), checked(form, "help_types"));
            let mut area = Map::new();
            for f in ["kind", "locality", "region", "country"] {
                put(&mut area, f, text(form, &format!("area.{f}")));
            }
            o.insert("area".into(), Json::Object(area));
            let mut av = Map::new();
            let days = checked(form, "availability.days");
            if days.as_array().is_some_and(|a| !a.is_empty()) {
                av.insert("days".into(), days);
            }
            put(
                &mut av,
                "times",
                text_map(form, langs, "availability.times"),
            );
            put(&mut av, "until", text(form, "availability.until"));
            if !av.is_empty() {
                o.insert("availability".into(), Json::Object(av));
            }
            put(
                &mut o,
                "requirements",
                text_map(form, langs, "requirements"),
            );
        }
    }
    (Json::Object(o), maps, errors)
}

/// The form field an API error path names: `locations[2].name.fr` → `locations.N.name.fr`
/// (N the form row), `languages[1]` → `languages` (a list typed in one field).
fn field_of(path: &str, maps: &RowMaps) -> String {
    let mut parts: Vec<String> = Vec::new();
    for seg in path.split('.') {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        parts.push(name.to_string());
        if let Some(i) = index {
            let row = maps.get(name).and_then(|m| m.get(i).copied()).unwrap_or(i);
            parts.push(row.to_string());
        }
    }
    if parts.len() >= 2
        && parts.last().is_some_and(|p| p.parse::<usize>().is_ok())
        && matches!(
            parts[parts.len() - 2].as_str(),
            "languages" | "categories" | "help_types" | "byday" | "days"
        )
    {
        parts.pop();
    }
    parts.join(".")
}

/// An error message in the reader's words where we have them; the validator's (English)
/// otherwise.
pub(crate) fn message(state: &AppState, ui: &str, e: &FieldError) -> String {
    let m = e.message.as_str();
    let key = if m.starts_with("editor-") {
        m
    } else if m == "is required" || m == "must not be empty" {
        "staff-field-required"
    } else if m.starts_with("must contain at least one language") {
        "editor-need-language"
    } else if m == "must be after start_time" {
        "editor-end-before-start"
    } else if m.starts_with("a service needs at least one location") {
        "editor-need-place-service"
    } else if m.starts_with("an event needs a location") {
        "editor-need-place-event"
    } else if m.starts_with("is required when join_mode") {
        "editor-registration-needed"
    } else if m.starts_with("a location needs") {
        "editor-location-empty"
    } else if m.starts_with("is required when kind is") {
        "staff-field-required"
    } else if m.contains("is not a valid e-mail address") {
        "editor-bad-email"
    } else if m == "must be an http or https URL" || m.starts_with("is not a valid URL") {
        "editor-bad-url"
    } else if m.contains("is not a valid BCP-47 language tag") {
        "editor-bad-language"
    } else if m.starts_with("too long") {
        "editor-too-long"
    } else if m.starts_with("must be a non-negative integer") {
        "editor-bad-number"
    } else if m.starts_with("must be a number") || m.starts_with("must be between -") {
        "editor-bad-coordinate"
    } else if m.starts_with("is required when latitude")
        || m.starts_with("is required when longitude")
    {
        "editor-coordinates-pair"
    } else if m.contains("ISO 3166-1") {
        "editor-bad-country"
    } else if m.starts_with("must be a time HH:MM") {
        "editor-bad-hhmm"
    } else if m.starts_with("must be a date") {
        "editor-bad-date"
    } else if m.contains("IANA time zone") {
        "editor-bad-timezone"
    } else if m == "must not be less than minimum_age" {
        "editor-age-order"
    } else if m == "must not be more than capacity" {
        "editor-places-order"
    } else if m == "must not be before valid_from" {
        "editor-dates-order"
    } else {
        return m.to_string();
    };
    state.web.t(ui, key)
}

// ---------------------------------------------------------------------------------------------
// Entry → form
// ---------------------------------------------------------------------------------------------

fn flatten(prefix: &str, v: &Json, form: &mut FormData) {
    match v {
        Json::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, form);
            }
        }
        Json::Array(a) if prefix.ends_with("languages") => {
            let codes: Vec<&str> = a.iter().filter_map(Json::as_str).collect();
            form.push(prefix, codes.join(", "));
        }
        Json::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                match item {
                    Json::Object(_) => flatten(&format!("{prefix}.{i}"), item, form),
                    Json::String(s) => form.push(prefix, s.clone()),
                    other => form.push(prefix, other.to_string()),
                }
            }
        }
        Json::String(s) => form.push(prefix, s.clone()),
        Json::Null => {}
        other => form.push(prefix, other.to_string()),
    }
}

/// The form of a stored entry (the whole record: hidden locations too).
fn form_of(entry: &Entry, default_lang: &str) -> FormData {
    let mut form = FormData::default();
    let json = serde_json::to_value(entry).unwrap_or_default();
    flatten("", &json, &mut form);
    form.pairs.retain(|(k, _)| k != "kind");
    if let Entry::Event(e) = entry {
        form.set("start_time", to_local(&e.start_time, &e.timezone));
        form.set("end_time", to_local(&e.end_time, &e.timezone));
    }
    let langs = langs_in(&form, default_lang);
    for l in langs {
        form.push("text_langs", l);
    }
    form
}

/// A time zone to suggest for new rows: the form's own, else one for the instance's language.
fn default_zone(state: &AppState, form: &FormData) -> String {
    let own = form
        .pairs
        .iter()
        .find(|(k, v)| (k == "timezone" || k.ends_with(".timezone")) && !v.trim().is_empty())
        .map(|(_, v)| v.clone());
    own.unwrap_or_else(|| {
        match crate::directory::model::primary_subtag(&state.config.instance.default_language) {
            "it" => "Europe/Rome",
            "es" => "Europe/Madrid",
            "de" => "Europe/Berlin",
            "uk" => "Europe/Kyiv",
            "en" => "Europe/London",
            _ => "Europe/Paris",
        }
        .to_string()
    })
}

// ---------------------------------------------------------------------------------------------
// Rendering the form
// ---------------------------------------------------------------------------------------------

fn options<T: StrEnum>(state: &AppState, ui: &str, prefix: &str) -> Vec<Value> {
    T::ALL
        .iter()
        .map(|v| {
            let value = v.as_str();
            let label = if prefix.is_empty() {
                value.to_string()
            } else {
                state
                    .web
                    .t(ui, &format!("{prefix}{}", value.replace(' ', "-")))
            };
            context! { value, label }
        })
        .collect()
}

fn kind_of(s: &str) -> Option<Kind> {
    match s {
        "service" | "services" => Some(Kind::Service),
        "event" | "events" => Some(Kind::Event),
        "offer" | "offers" => Some(Kind::Offer),
        _ => None,
    }
}

struct FormPage<'a> {
    kind: Kind,
    org: &'a organization::Model,
    /// Organisations an administrator may choose from (new entries only).
    orgs: Vec<organization::Model>,
    /// `None` for a new entry.
    entry: Option<&'a entry::Model>,
    form: FormData,
    langs: Vec<String>,
    errors: BTreeMap<String, String>,
    status: StatusCode,
    notice: Option<String>,
}

fn render_form(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    p: FormPage,
) -> AppResult<Response> {
    let ui = reader.ui.as_str();
    let tax = taxonomy();
    let mut form = p.form;
    // Blank rows to fill in: one more location, phone and two more opening hours.
    let zone = default_zone(state, &form);
    let extra =
        |form: &FormData, list: &str, min: usize, blank: usize| (rows(form, list) + blank).max(min);
    let n_locations = extra(&form, "locations", 1, usize::from(p.entry.is_some()));
    let n_phones = extra(&form, "phones", 1, usize::from(p.entry.is_some()));
    let n_schedules = extra(&form, "schedules", 2, if p.entry.is_some() { 1 } else { 0 });
    for i in 0..n_schedules {
        let k = format!("schedules.{i}.timezone");
        if form.get(&k).is_empty() {
            form.set(&k, zone.clone());
        }
    }
    if p.kind == Kind::Event && form.get("timezone").is_empty() {
        form.set("timezone", zone.clone());
    }
    let categories: Vec<Value> = tax
        .top_level()
        .map(|c| {
            let children: Vec<Value> = tax
                .children(&c.code)
                .map(|s| context! { code => s.code, label => tax.label(&s.code, ui) })
                .collect();
            context! { code => c.code, label => tax.label(&c.code, ui), children }
        })
        .collect();
    let help_types: Vec<Value> = tax
        .help_types
        .iter()
        .map(|h| context! { code => h.code, label => tax.label(&h.code, ui) })
        .collect();
    let weekdays: Vec<Value> = Weekday::ALL
        .iter()
        .map(|d| context! { code => d.as_str(), label => days_text(&[*d], ui) })
        .collect();
    let statuses = match p.kind {
        Kind::Service => options::<ServiceStatus>(state, ui, "service-status-"),
        Kind::Event => options::<EventStatus>(state, ui, "event-status-"),
        Kind::Offer => options::<OfferStatus>(state, ui, "editor-offer-status-"),
    };
    let error_list: Vec<Value> = p
        .errors
        .iter()
        .map(|(k, m)| context! { id => k.replace('.', "-"), message => m })
        .collect();
    let zones: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name())
        .filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("US/"))
        .collect();
    let action = match p.entry {
        Some(r) => format!("/staff/entries/{}/edit", r.id),
        None => format!("/staff/entries/new/{}?org={}", p.kind.as_str(), p.org.slug),
    };
    let orgs: Vec<Value> = p
        .orgs
        .iter()
        .map(|o| context! { slug => o.slug, name => o.name })
        .collect();
    staff_page(
        state,
        reader,
        p.status,
        "staff_entry_form.html",
        context! {
            email => staff.user.email,
            csrf => staff.session.csrf_token,
            kind => p.kind.as_str(),
            kind_label => state.web.t(ui, &format!("kind-{}", p.kind.as_str())),
            is_new => p.entry.is_none(),
            public_url => p.entry.map(|r| r.ap_id.clone()),
            org => context! { slug => p.org.slug, name => p.org.name },
            orgs,
            action,
            multipart => p.kind == Kind::Event,
            langs => lang_columns(state, reader, &p.langs),
            v => Value::from_serialize(form.values()),
            sel => Value::from_serialize(form.selected()),
            errors => Value::from_serialize(&p.errors),
            error_list,
            notice => p.notice,
            n_locations, n_phones, n_schedules,
            categories, help_types, weekdays, statuses,
            precisions => options::<Precision>(state, ui, "editor-precision-"),
            phone_types => options::<PhoneType>(state, ui, "editor-phone-"),
            join_modes => options::<JoinMode>(state, ui, "join-"),
            area_kinds => options::<AreaKind>(state, ui, "area-"),
            zones,
            max_upload_mib => format!("{:.1}", state.config.media.max_upload_bytes as f64 / 1_048_576.0),
            banner_max => media::BANNER_MAX_PX,
        },
        vec![],
    )
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub(crate) struct OrgQuery {
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
    /// The page of the entry list (from 1).
    #[serde(default)]
    pub page: Option<String>,
}

/// Entries on one page of the staff list, newest change first.
pub const STAFF_LIST_PAGE: u64 = 50;

/// The page of a list asked for: `Ok(1)` when none is; otherwise the error page to answer
/// (400 for what is not a page number, 404 beyond the last of `pages`).
fn list_page(
    state: &AppState,
    reader: &Reader,
    asked: Option<&str>,
    pages: u64,
) -> AppResult<Result<u64, Response>> {
    let status = match asked.filter(|p| !p.is_empty()).map(str::parse::<u64>) {
        None => return Ok(Ok(1)),
        Some(Ok(n)) if (1..=pages).contains(&n) => return Ok(Ok(n)),
        Some(Ok(_)) => StatusCode::NOT_FOUND,
        Some(Err(_)) => StatusCode::BAD_REQUEST,
    };
    staff_page(
        state,
        reader,
        status,
        "staff_error.html",
        context! { title_key => "editor-no-such-page-title", text_key => "editor-no-such-page-text" },
        vec![],
    )
    .map(Err)
}

/// The organisation's entries, with links to edit and delete them.
async fn list(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let staff = match signed_in(state, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let org = match org_for(state, &reader, &staff, q.org.as_deref()).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let ui = reader.ui.as_str();
    let listed = entry::Entity::find()
        .filter(entry::Column::OrganizationId.eq(org.id))
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::DeletedAt.is_null());
    let total = listed.clone().count(&state.db).await?;
    let pages = total.div_ceil(STAFF_LIST_PAGE).max(1);
    let page = match list_page(state, &reader, q.page.as_deref(), pages)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let rows = listed
        .order_by_desc(entry::Column::Updated)
        .order_by_desc(entry::Column::Id)
        .offset((page - 1) * STAFF_LIST_PAGE)
        .limit(STAFF_LIST_PAGE)
        .all(&state.db)
        .await?;
    let page_href = |n: u64| format!("/staff/entries?org={}&page={n}", org.slug);
    let paging = context! {
        page, pages, total,
        prev => (page > 1).then(|| page_href(page - 1)),
        next => (page < pages).then(|| page_href(page + 1)),
    };
    let entries: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let e = store::parse(r).ok()?;
            let (lang, name) = super::best(e.name(), &reader, &org.default_language);
            let slug = e.status_str().replace(' ', "-");
            let status = match e.kind() {
                Kind::Service => state.web.t(ui, &format!("service-status-{slug}")),
                Kind::Event => state.web.t(ui, &format!("event-status-{slug}")),
                Kind::Offer => state.web.t(ui, &format!("editor-offer-status-{slug}")),
            };
            Some(context! {
                id => r.id.to_string(), name, lang, status,
                kind => state.web.t(ui, &format!("kind-{}", r.kind)),
                url => r.ap_id,
                updated => r.updated.format("%Y-%m-%d %H:%M").to_string(),
                removed => r.moderation_state == store::REMOVED,
                not_federated => r.do_not_federate,
            })
        })
        .collect();
    let orgs: Vec<Value> = if staff.is_admin() {
        orgs_of(state, &staff)
            .await?
            .iter()
            .map(|o| context! { slug => o.slug, name => o.name })
            .collect()
    } else {
        vec![]
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some(state.web.t(ui, "editor-created")),
        Some("saved") => Some(state.web.t(ui, "editor-saved")),
        Some("deleted") => Some(state.web.t(ui, "editor-deleted")),
        _ => None,
    };
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_entries.html",
        context! {
            email => staff.user.email, csrf => staff.session.csrf_token,
            org => context! { slug => org.slug, name => org.name },
            orgs, entries, notice, paging,
        },
        vec![],
    )
}

async fn new_form(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let staff = match signed_in(state, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let Some(kind) = kind_of(&kind) else {
        return not_found(state, &reader);
    };
    let org = match org_for(state, &reader, &staff, q.org.as_deref()).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let mut form = FormData::default();
    let langs = vec![org.default_language.clone()];
    form.push("text_langs", org.default_language.clone());
    // The model's defaults, where they are not the first choice of their list.
    if kind == Kind::Event {
        form.push("status", EventStatus::default().as_str());
    }
    let orgs = if staff.is_admin() {
        orgs_of(state, &staff).await?
    } else {
        vec![]
    };
    render_form(
        state,
        &reader,
        &staff,
        FormPage {
            kind,
            org: &org,
            orgs,
            entry: None,
            form,
            langs,
            errors: BTreeMap::new(),
            status: StatusCode::OK,
            notice: None,
        },
    )
}

async fn create(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<OrgQuery>,
    req: Request,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, form, uploads) = match signed_in_form(state, &reader, &headers, req).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let Some(kind) = kind_of(&kind) else {
        return not_found(state, &reader);
    };
    // An administrator chooses the organisation in the form.
    let slug = Some(form.get("organization"))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or(q.org);
    let org = match org_for(state, &reader, &staff, slug.as_deref()).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    submit(state, &reader, &staff, kind, &org, None, form, uploads).await
}

/// Load a local entry for its staff: `Ok(Err(page))` when it cannot be edited here.
async fn entry_for(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    id: &str,
) -> AppResult<Result<(entry::Model, organization::Model), Response>> {
    let row = match Uuid::parse_str(id) {
        Ok(u) => store::get(&state.db, u).await?,
        Err(_) => None,
    };
    let Some(row) = row.filter(|r| r.deleted_at.is_none()) else {
        return Ok(Err(not_found(state, reader)?));
    };
    let Some(org_id) = row.organization_id.filter(|_| row.local) else {
        return Ok(Err(forbidden(state, reader)?));
    };
    let org = accounts::find_org_by_id(&state.db, org_id)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    if !accounts::may_publish_for(&staff.user, org.id) {
        return Ok(Err(forbidden(state, reader)?));
    }
    Ok(Ok((row, org)))
}

async fn edit_form(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let staff = match signed_in(state, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let (row, org) = match entry_for(state, &reader, &staff, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let entry = store::parse(&row)?;
    let form = form_of(&entry, &org.default_language);
    let langs = form_langs(&form, &org.default_language);
    let kind = entry.kind();
    let notice =
        (q.done.as_deref() == Some("saved")).then(|| state.web.t(&reader.ui, "editor-saved"));
    render_form(
        state,
        &reader,
        &staff,
        FormPage {
            kind,
            org: &org,
            orgs: vec![],
            entry: Some(&row),
            form,
            langs,
            errors: BTreeMap::new(),
            status: StatusCode::OK,
            notice,
        },
    )
}

async fn save(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, form, uploads) = match signed_in_form(state, &reader, &headers, req).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let (row, org) = match entry_for(state, &reader, &staff, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let kind = kind_of(&row.kind).ok_or_else(|| AppError::not_found("entry"))?;
    submit(state, &reader, &staff, kind, &org, Some(row), form, uploads).await
}

/// A submitted entry form: a button that changes the form, or saving (validated as the API
/// validates; stored and published as the API does).
#[allow(clippy::too_many_arguments)]
async fn submit(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    kind: Kind,
    org: &organization::Model,
    row: Option<entry::Model>,
    mut form: FormData,
    mut uploads: Vec<Upload>,
) -> AppResult<Response> {
    let ui = reader.ui.as_str();
    let mut langs = form_langs(&form, &org.default_language);
    let action = form_action(&form);
    let orgs = if row.is_none() && staff.is_admin() {
        orgs_of(state, staff).await?
    } else {
        vec![]
    };
    let page = |form: FormData, langs: Vec<String>, errors, status| FormPage {
        kind,
        org,
        orgs: orgs.clone(),
        entry: row.as_ref(),
        form,
        langs,
        errors,
        status,
        notice: None,
    };
    match &action {
        FormAction::Save => {}
        FormAction::AddRow(list) => {
            if matches!(list.as_str(), "locations" | "phones" | "schedules") {
                let n = rows(&form, list);
                let key = if list == "phones" {
                    "number"
                } else if list == "locations" {
                    "locality"
                } else {
                    "opens_at"
                };
                form.push(format!("{list}.{n}.{key}"), "");
            }
            change_langs(&mut form, &mut langs, &action).ok();
            return render_form(
                state,
                reader,
                staff,
                page(form, langs, BTreeMap::new(), StatusCode::OK),
            );
        }
        _ => {
            let mut errors = BTreeMap::new();
            let status = match change_langs(&mut form, &mut langs, &action) {
                Ok(()) => StatusCode::OK,
                Err(key) => {
                    errors.insert("add_lang".to_string(), state.web.t(ui, key));
                    StatusCode::UNPROCESSABLE_ENTITY
                }
            };
            return render_form(state, reader, staff, page(form, langs, errors, status));
        }
    }
    let (body, maps, mut problems) = body_of(kind, &form, &langs);
    let banner = if kind == Kind::Event {
        picture_of(state, &mut uploads, "banner", media::BANNER_MAX_PX).await
    } else {
        None
    };
    if let Some(Err(e)) = &banner {
        problems.push(FieldError::new("banner", e.key()));
    }
    let validated = validate::validate(
        kind,
        &body,
        &Context {
            default_language: &org.default_language,
        },
    );
    let mut entry = match validated {
        Ok(e) if problems.is_empty() => e,
        Ok(_) => {
            return invalid(
                state,
                reader,
                staff,
                page(
                    form,
                    langs,
                    BTreeMap::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                problems,
                &maps,
            );
        }
        Err(errs) => {
            // Our own errors (times) replace what the validator said of the same fields.
            let ours: BTreeSet<String> = problems.iter().map(|e| e.field.clone()).collect();
            problems.extend(errs.into_iter().filter(|e| !ours.contains(&e.field)));
            return invalid(
                state,
                reader,
                staff,
                page(
                    form,
                    langs,
                    BTreeMap::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                problems,
                &maps,
            );
        }
    };
    if let (Some(Ok(picture)), Entry::Event(e)) = (&banner, &mut entry) {
        e.banner_url = Some(media::store(state, picture).await?);
    }
    let (row, done) = match row {
        None => (create_local_entry(state, org, &entry).await?, "created"),
        Some(row) => (update_local_entry(state, org, row, &entry).await?, "saved"),
    };
    tracing::info!(entry = %row.id, user = %staff.user.id, done, "entry saved on the staff pages");
    Ok(Redirect::to(&format!("/staff/entries?org={}&done={done}", org.slug)).into_response())
}

fn invalid(
    state: &AppState,
    reader: &Reader,
    staff: &Staff,
    mut page: FormPage,
    problems: Vec<FieldError>,
    maps: &RowMaps,
) -> AppResult<Response> {
    let ui = reader.ui.as_str();
    for e in &problems {
        let key = field_of(&e.field, maps);
        let key = if key.is_empty() {
            "form".to_string()
        } else {
            key
        };
        let msg = message(state, ui, e);
        match page.errors.get_mut(&key) {
            Some(m) if !m.contains(&msg) => {
                m.push(' ');
                m.push_str(&msg);
            }
            Some(_) => {}
            None => {
                page.errors.insert(key, msg);
            }
        }
    }
    render_form(state, reader, staff, page)
}

async fn delete_form(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let staff = match signed_in(state, &headers).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let (row, org) = match entry_for(state, &reader, &staff, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let entry = store::parse(&row)?;
    let (lang, name) = super::best(entry.name(), &reader, &org.default_language);
    staff_page(
        state,
        &reader,
        StatusCode::OK,
        "staff_entry_delete.html",
        context! {
            email => staff.user.email, csrf => staff.session.csrf_token,
            id => row.id.to_string(), name, lang,
            kind => state.web.t(&reader.ui, &format!("kind-{}", row.kind)),
            url => row.ap_id,
            org => context! { slug => org.slug, name => org.name },
        },
        vec![],
    )
}

async fn delete(
    ctx: Ctx,
    reader: Reader,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let state: &AppState = &ctx;
    let (staff, _, _) = match signed_in_form(state, &reader, &headers, req).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let (row, org) = match entry_for(state, &reader, &staff, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let id = row.id;
    delete_local_entry(state, &org, row).await?;
    tracing::info!(entry = %id, user = %staff.user.id, "entry deleted on the staff pages");
    Ok(Redirect::to(&format!("/staff/entries?org={}&done=deleted", org.slug)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData {
            pairs: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_stored_entry_makes_the_same_entry_again() {
        use crate::directory::model::fixtures;
        let ctx = Context {
            default_language: "fr",
        };
        for (kind, body) in [
            (Kind::Service, fixtures::service_json()),
            (Kind::Event, fixtures::event_json()),
            (Kind::Offer, fixtures::offer_json()),
        ] {
            let entry = validate::validate(kind, &body, &ctx).unwrap();
            let f = form_of(&entry, "fr");
            let langs = form_langs(&f, "fr");
            let (again, _, problems) = body_of(kind, &f, &langs);
            assert!(problems.is_empty(), "{problems:?}");
            let back = validate::validate(kind, &again, &ctx)
                .unwrap_or_else(|e| panic!("{kind}: {e:?}\n{again:#}"));
            assert_eq!(back, entry, "{kind}");
        }
    }

    #[test]
    fn error_paths_name_form_fields() {
        let mut maps = RowMaps::new();
        maps.insert("locations", vec![0, 2]);
        assert_eq!(
            field_of("locations[1].latitude", &maps),
            "locations.2.latitude"
        );
        assert_eq!(
            field_of("locations[1].name.fr", &maps),
            "locations.2.name.fr"
        );
        assert_eq!(field_of("languages[3]", &maps), "languages");
        assert_eq!(
            field_of("phones[0].languages[1]", &maps),
            "phones.0.languages"
        );
        assert_eq!(field_of("name", &maps), "name");
    }

    #[test]
    fn empty_rows_and_texts_are_left_out() {
        let f = form(&[
            ("name.fr", "Permanence"),
            ("name.ar", "  "),
            ("locations.0.precision", "exact"),
            ("locations.1.locality", "Lille"),
            ("schedules.0.timezone", "Europe/Paris"),
            ("start_time", "2026-03-29T02:30"),
        ]);
        let langs = vec!["fr".to_string(), "ar".to_string()];
        let (body, maps, _) = body_of(Kind::Service, &f, &langs);
        assert_eq!(body["name"], json!({"fr": "Permanence"}));
        assert_eq!(body["locations"], json!([{"locality": "Lille"}]));
        assert_eq!(maps["locations"], vec![1]);
        assert_eq!(body["schedules"], json!([]));
        // 02:30 does not exist in Paris on the night clocks go forward.
        assert_eq!(local_time("2026-03-29T02:30", "Europe/Paris"), Err(()));
        assert_eq!(
            local_time("2026-12-05T14:00", "Europe/Paris"),
            Ok(Some("2026-12-05T14:00:00+01:00".to_string()))
        );
    }
}
