//! HSDS 3.0 export: the API profile endpoints and the datapackage (see the module
//! documentation of [`crate::hsds`]).
use std::collections::{BTreeMap, HashMap};

use axum::{
    Json,
    extract::{Path, Query},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{EXT, HSDS_VERSION, NAMESPACE, OPENAPI_URL, PROFILE_URL, service_uuid, sub_id};
use crate::{
    AppState,
    app::Ctx,
    db::entities::{entry, organization},
    directory::{
        model::{Entry, Kind, LangMap, Location, Service},
        store,
        taxonomy::{Category, taxonomy},
    },
    error::{AppError, AppResult},
    federation::objects::rfc3339,
    urls::Urls,
};

// ---------------------------------------------------------------------------------------------
// Taxonomies
// ---------------------------------------------------------------------------------------------

/// Our shared category taxonomy.
pub const TAXONOMY_NAME: &str = "passerelle";
/// The Open Eligibility terms our categories map to (`hsds_term` in `assets/taxonomy.json`).
pub const OE_TAXONOMY_NAME: &str = "Open Eligibility";

pub fn taxonomy_uuid(name: &str) -> Uuid {
    sub_id(NAMESPACE, &format!("taxonomy/{name}"))
}

/// The id of one of our categories as an HSDS taxonomy term.
pub fn term_uuid(code: &str) -> Uuid {
    sub_id(NAMESPACE, &format!("taxonomy_term/{TAXONOMY_NAME}/{code}"))
}

fn oe_term_uuid(name: &str) -> Uuid {
    sub_id(
        NAMESPACE,
        &format!("taxonomy_term/{OE_TAXONOMY_NAME}/{name}"),
    )
}

fn taxonomies_json() -> Vec<Value> {
    let t = taxonomy();
    vec![
        json!({
            "id": taxonomy_uuid(TAXONOMY_NAME),
            "name": TAXONOMY_NAME,
            "description": "The shared category taxonomy of the Passerelle network (CC0): one code per kind of help, with labels in several languages.",
            "version": t.version,
        }),
        json!({
            "id": taxonomy_uuid(OE_TAXONOMY_NAME),
            "name": OE_TAXONOMY_NAME,
            "description": "Open Eligibility terms that Passerelle categories correspond to.",
            "uri": "https://openeligibility.org/",
        }),
    ]
}

/// The taxonomies as table rows.
pub fn taxonomies_rows() -> Vec<Map<String, Value>> {
    taxonomies_json()
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn category_term_json(c: &Category) -> Value {
    let name = c
        .labels
        .get("en")
        .cloned()
        .unwrap_or_else(|| c.code.clone());
    let mut t = json!({
        "id": term_uuid(&c.code),
        "code": c.code,
        "name": name,
        "description": format!("Passerelle category {}: {name}", c.code),
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_uuid(TAXONOMY_NAME),
        "language": "en",
    });
    if let Some(parent) = &c.parent {
        t["parent_id"] = json!(term_uuid(parent));
    }
    t[EXT] = json!({ "labels": c.labels });
    t
}

fn oe_term_json(name: &str) -> Value {
    json!({
        "id": oe_term_uuid(name),
        "code": name,
        "name": name,
        "description": format!("Open Eligibility term {name}"),
        "taxonomy": OE_TAXONOMY_NAME,
        "taxonomy_id": taxonomy_uuid(OE_TAXONOMY_NAME),
        "language": "en",
    })
}

/// Every taxonomy term: our categories, then the distinct Open Eligibility terms.
pub fn all_terms() -> Vec<Value> {
    let t = taxonomy();
    let mut terms: Vec<Value> = t.categories.iter().map(category_term_json).collect();
    let mut seen = Vec::new();
    for c in &t.categories {
        if let Some(h) = &c.hsds_term
            && !seen.contains(h)
        {
            seen.push(h.clone());
            terms.push(oe_term_json(h));
        }
    }
    terms
}

/// The category codes a term id stands for (with subcategories for one of our terms); `None`
/// when the id is no term of ours.
fn categories_for_term(id: Uuid) -> Option<Vec<String>> {
    let t = taxonomy();
    if let Some(c) = t.categories.iter().find(|c| term_uuid(&c.code) == id) {
        return Some(t.with_descendants(&c.code));
    }
    let oe: Vec<String> = t
        .categories
        .iter()
        .filter(|c| {
            c.hsds_term
                .as_deref()
                .is_some_and(|h| oe_term_uuid(h) == id)
        })
        .map(|c| c.code.clone())
        .collect();
    (!oe.is_empty()).then_some(oe)
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// Text for the plain HSDS field: the organisation's default language, else the best fallback.
fn plain(map: &LangMap, lang: &str) -> String {
    map.text_for(lang).to_string()
}

fn org_summary(org: &organization::Model) -> LangMap {
    serde_json::from_str(&org.summary).unwrap_or_default()
}

pub fn organization_json(org: &organization::Model, urls: &Urls) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(org.id));
    o.insert("name".into(), json!(org.name));
    o.insert(
        "description".into(),
        json!(plain(&org_summary(org), &org.default_language)),
    );
    if let Some(e) = org.email.as_deref().filter(|e| !e.is_empty()) {
        o.insert("email".into(), json!(e));
    }
    if let Some(w) = org.website.as_deref().filter(|w| !w.is_empty()) {
        o.insert("website".into(), json!(w));
    }
    if let Some(l) = org.icon_url.as_deref().filter(|l| !l.is_empty()) {
        o.insert("logo".into(), json!(l));
    }
    o.insert("uri".into(), json!(urls.org(&org.slug).to_string()));
    Value::Object(o)
}

/// Put `map` (when not empty) under `key` of the extension object `ext`.
fn ext_map(ext: &mut Map<String, Value>, key: &str, map: Option<&LangMap>) {
    if let Some(m) = map.filter(|m| !m.is_empty()) {
        ext.insert(key.into(), json!(m));
    }
}

/// UTC offset in hours of `zone` on `date` (today when `None`), as HSDS `schedule.timezone`.
fn utc_offset_hours(zone: &str, date: Option<NaiveDate>) -> Option<f64> {
    let tz: Tz = zone.parse().ok()?;
    let date = date.unwrap_or_else(|| Utc::now().date_naive());
    let noon = date.and_hms_opt(12, 0, 0)?;
    let local = tz.from_local_datetime(&noon).earliest()?;
    Some(f64::from(local.offset().fix().local_minus_utc()) / 3600.0)
}

fn location_json(service_id: Uuid, org_id: Uuid, i: usize, l: &Location, lang: &str) -> Value {
    let id = sub_id(service_id, &format!("location/{i}"));
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    o.insert("location_type".into(), json!("physical"));
    o.insert("organization_id".into(), json!(org_id));
    if let Some(n) = &l.name {
        o.insert("name".into(), json!(plain(n, lang)));
    }
    if let Some(t) = &l.transportation {
        o.insert("transportation".into(), json!(plain(t, lang)));
    }
    if let Some(v) = l.latitude {
        o.insert("latitude".into(), json!(v));
    }
    if let Some(v) = l.longitude {
        o.insert("longitude".into(), json!(v));
    }
    let has_address = [
        &l.street_address,
        &l.postal_code,
        &l.locality,
        &l.region,
        &l.country,
    ]
    .iter()
    .any(|p| p.is_some());
    let mut addresses = Vec::new();
    if has_address {
        let s = |v: &Option<String>| json!(v.clone().unwrap_or_default());
        let mut a = json!({
            "id": sub_id(id, "address/0"),
            "location_id": id,
            "address_1": s(&l.street_address),
            "city": s(&l.locality),
            "state_province": s(&l.region),
            "postal_code": s(&l.postal_code),
            "country": s(&l.country),
            "address_type": "physical",
        });
        if let Some(r) = &l.region {
            a["region"] = json!(r);
        }
        addresses.push(a);
    }
    o.insert("addresses".into(), Value::Array(addresses));
    let accessibility: Vec<Value> = l
        .accessibility
        .iter()
        .map(|a| {
            json!({
                "id": sub_id(id, "accessibility/0"),
                "location_id": id,
                "description": plain(a, lang),
            })
        })
        .collect();
    o.insert("accessibility".into(), Value::Array(accessibility));
    let mut ext = Map::new();
    ext.insert("precision".into(), json!(l.precision));
    ext_map(&mut ext, "name", l.name.as_ref());
    ext_map(&mut ext, "accessibility", l.accessibility.as_ref());
    ext_map(&mut ext, "transportation", l.transportation.as_ref());
    o.insert(EXT.into(), Value::Object(ext));
    Value::Object(o)
}

fn virtual_location_json(service_id: Uuid, org_id: Uuid, url: &url::Url) -> Value {
    json!({
        "id": sub_id(service_id, "location/online"),
        "location_type": "virtual",
        "url": url.as_str(),
        "organization_id": org_id,
        "addresses": [],
    })
}

/// The HSDS service record of a local service entry, fully nested (organization, locations,
/// schedules...), built from the entry's public view.
pub fn service_json(
    row: &entry::Model,
    service: &Service,
    org: &organization::Model,
    urls: &Urls,
) -> Value {
    let lang = org.default_language.as_str();
    let sid = service_uuid(row);
    let mut s = Map::new();
    s.insert("id".into(), json!(sid));
    s.insert("organization_id".into(), json!(org.id));
    s.insert("name".into(), json!(plain(&service.name, lang)));
    if let Some(a) = &service.alternate_name {
        s.insert("alternate_name".into(), json!(plain(a, lang)));
    }
    s.insert(
        "description".into(),
        json!(plain(&service.description, lang)),
    );
    if let Some(u) = &service.url {
        s.insert("url".into(), json!(u.as_str()));
    }
    if let Some(e) = &service.email {
        s.insert("email".into(), json!(e));
    }
    s.insert("status".into(), json!(service.status.as_str()));
    if service.interpretation_available {
        s.insert(
            "interpretation_services".into(),
            json!("Interpretation available"),
        );
    }
    if let Some(t) = &service.application_process {
        s.insert("application_process".into(), json!(plain(t, lang)));
    }
    if let Some(t) = &service.fees_description {
        s.insert("fees_description".into(), json!(plain(t, lang)));
    }
    if let Some(t) = &service.eligibility {
        s.insert("eligibility_description".into(), json!(plain(t, lang)));
    }
    if let Some(a) = service.minimum_age {
        s.insert("minimum_age".into(), json!(a));
    }
    if let Some(a) = service.maximum_age {
        s.insert("maximum_age".into(), json!(a));
    }
    if let Some(d) = service.last_verified {
        s.insert(
            "assured_date".into(),
            json!(d.format("%Y-%m-%d").to_string()),
        );
    }
    s.insert("last_modified".into(), json!(rfc3339(&row.updated)));

    let phones: Vec<Value> = service
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pid = sub_id(sid, &format!("phone/{i}"));
            let mut o = json!({ "id": pid, "service_id": sid, "number": p.number });
            if let Some(t) = &p.r#type {
                o["type"] = json!(t);
            }
            if let Some(x) = &p.extension {
                match x.parse::<u64>() {
                    Ok(n) if !x.starts_with('0') || x == "0" => o["extension"] = json!(n),
                    _ => o[EXT] = json!({ "extension": x }),
                }
            }
            o["languages"] = Value::Array(
                p.languages
                    .iter()
                    .enumerate()
                    .map(|(j, code)| {
                        json!({ "id": sub_id(pid, &format!("language/{j}")), "phone_id": pid, "code": code })
                    })
                    .collect(),
            );
            o
        })
        .collect();
    s.insert("phones".into(), Value::Array(phones));

    let schedules: Vec<Value> = service
        .schedules
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let mut o = json!({
                "id": sub_id(sid, &format!("schedule/{i}")),
                "service_id": sid,
                "freq": "WEEKLY",
                "opens_at": sc.opens_at,
                "closes_at": sc.closes_at,
            });
            if !sc.byday.is_empty() {
                o["byday"] = json!(
                    sc.byday
                        .iter()
                        .map(|d| d.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                );
            }
            if let Some(d) = sc.valid_from {
                o["valid_from"] = json!(d.to_string());
            }
            if let Some(d) = sc.valid_to {
                o["valid_to"] = json!(d.to_string());
            }
            if let Some(h) = utc_offset_hours(&sc.timezone, sc.valid_from) {
                o["timezone"] = json!(h);
            }
            if let Some(n) = &sc.notes {
                o["notes"] = json!(plain(n, lang));
            }
            let mut ext = Map::new();
            ext.insert("timezone".into(), json!(sc.timezone));
            ext_map(&mut ext, "notes", sc.notes.as_ref());
            o[EXT] = Value::Object(ext);
            o
        })
        .collect();
    s.insert("schedules".into(), Value::Array(schedules));

    let service_areas: Vec<Value> = service
        .service_area
        .iter()
        .map(|a| json!({ "id": sub_id(sid, "service_area/0"), "service_id": sid, "name": plain(a, lang) }))
        .collect();
    s.insert("service_areas".into(), Value::Array(service_areas));

    let mut sals: Vec<Value> = service
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let loc = location_json(sid, org.id, i, l, lang);
            json!({
                "id": sub_id(sid, &format!("service_at_location/{i}")),
                "service_id": sid,
                "location_id": loc["id"],
                "location": loc,
            })
        })
        .collect();
    if let Some(u) = &service.online_url {
        let loc = virtual_location_json(sid, org.id, u);
        sals.push(json!({
            "id": sub_id(sid, "service_at_location/online"),
            "service_id": sid,
            "location_id": loc["id"],
            "location": loc,
        }));
    }
    s.insert("service_at_locations".into(), Value::Array(sals));

    let languages: Vec<Value> = service
        .languages
        .iter()
        .enumerate()
        .map(|(i, code)| json!({ "id": sub_id(sid, &format!("language/{i}")), "service_id": sid, "code": code }))
        .collect();
    s.insert("languages".into(), Value::Array(languages));
    s.insert("organization".into(), organization_json(org, urls));

    let cost_options: Vec<Value> = if service.free {
        vec![json!({
            "id": sub_id(sid, "cost_option/free"),
            "service_id": sid,
            "option": "Free",
            "amount": 0,
        })]
    } else {
        Vec::new()
    };
    s.insert("cost_options".into(), Value::Array(cost_options));
    let documents: Vec<Value> = service
        .required_documents
        .iter()
        .map(|d| json!({ "id": sub_id(sid, "required_document/0"), "service_id": sid, "document": plain(d, lang) }))
        .collect();
    s.insert("required_documents".into(), Value::Array(documents));

    let t = taxonomy();
    let mut attributes = Vec::new();
    for code in &service.categories {
        if let Some(c) = t.category(code) {
            let term = category_term_json(c);
            attributes.push(json!({
                "id": sub_id(sid, &format!("attribute/{code}")),
                "link_id": sid,
                "link_type": "service_category",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }));
            if let Some(h) = &c.hsds_term {
                let oe = oe_term_json(h);
                attributes.push(json!({
                    "id": sub_id(sid, &format!("attribute/{code}/open-eligibility")),
                    "link_id": sid,
                    "link_type": "service_category",
                    "link_entity": "service",
                    "taxonomy_term_id": oe["id"],
                    "taxonomy_term": oe,
                }));
            }
        }
    }
    s.insert("attributes".into(), Value::Array(attributes));

    let mut ext = Map::new();
    ext_map(&mut ext, "name", Some(&service.name));
    ext_map(&mut ext, "alternate_name", service.alternate_name.as_ref());
    ext_map(&mut ext, "description", Some(&service.description));
    ext_map(&mut ext, "eligibility", service.eligibility.as_ref());
    ext_map(
        &mut ext,
        "fees_description",
        service.fees_description.as_ref(),
    );
    ext_map(
        &mut ext,
        "application_process",
        service.application_process.as_ref(),
    );
    ext_map(
        &mut ext,
        "required_documents",
        service.required_documents.as_ref(),
    );
    ext_map(&mut ext, "service_area", service.service_area.as_ref());
    ext.insert("categories".into(), json!(service.categories));
    ext.insert("free".into(), json!(service.free));
    ext.insert(
        "interpretation_available".into(),
        json!(service.interpretation_available),
    );
    ext.insert("entry".into(), json!(row.ap_id));
    s.insert(EXT.into(), Value::Object(ext));
    Value::Object(s)
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/// The services that are exported: local, live, listed, federable.
fn exportable() -> sea_orm::Select<entry::Entity> {
    entry::Entity::find()
        .filter(entry::Column::Kind.eq(Kind::Service.as_str()))
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::OrganizationId.is_not_null())
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::ModerationState.eq(store::VISIBLE))
        .filter(entry::Column::DoNotFederate.eq(false))
}

/// Filters of the list endpoints.
#[derive(Default, Debug)]
pub struct Filters {
    pub search: Option<String>,
    pub organization_id: Option<Uuid>,
    pub categories: Option<Vec<String>>,
    pub modified_after: Option<DateTime<Utc>>,
}

/// One exported service with what its record needs.
pub struct Exported {
    pub row: entry::Model,
    pub service: Service,
    pub org: organization::Model,
}

async fn orgs_by_id(db: &impl ConnectionTrait) -> AppResult<HashMap<Uuid, organization::Model>> {
    Ok(organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

fn public_service(row: &entry::Model) -> AppResult<Option<Service>> {
    match store::parse(row)?.public_view() {
        Entry::Service(s) => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// Every exported service matching `filters`, oldest first (stable order).
pub async fn exported_services(
    db: &impl ConnectionTrait,
    filters: &Filters,
) -> AppResult<Vec<Exported>> {
    let mut q = exportable();
    if let Some(org) = filters.organization_id {
        q = q.filter(entry::Column::OrganizationId.eq(org));
    }
    if let Some(after) = filters.modified_after {
        q = q.filter(entry::Column::Updated.gte(after));
    }
    let rows = q
        .order_by_asc(entry::Column::Published)
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?;
    let orgs = orgs_by_id(db).await?;
    let needle = filters
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let mut out = Vec::new();
    for row in rows {
        let Some(org) = row.organization_id.and_then(|id| orgs.get(&id)) else {
            continue;
        };
        let Some(service) = public_service(&row)? else {
            continue;
        };
        if let Some(cats) = &filters.categories
            && !service.categories.iter().any(|c| cats.contains(c))
        {
            continue;
        }
        if let Some(n) = &needle {
            let texts = [
                Some(&service.name),
                Some(&service.description),
                service.alternate_name.as_ref(),
            ];
            let hit = texts
                .into_iter()
                .flatten()
                .flat_map(|m| m.iter().map(|(_, t)| t))
                .any(|t| t.to_lowercase().contains(n.as_str()));
            if !hit {
                continue;
            }
        }
        out.push(Exported {
            org: org.clone(),
            row,
            service,
        });
    }
    Ok(out)
}

/// The exported service whose HSDS id is `id`.
async fn find_service(db: &impl ConnectionTrait, id: &str) -> AppResult<Option<Exported>> {
    let Ok(uuid) = Uuid::parse_str(id) else {
        return Ok(None);
    };
    Ok(exported_services(db, &Filters::default())
        .await?
        .into_iter()
        .find(|e| service_uuid(&e.row) == uuid))
}

/// Organisations that have at least one exported service.
async fn exported_orgs(db: &impl ConnectionTrait) -> AppResult<Vec<organization::Model>> {
    let mut ids: Vec<Uuid> = exported_services(db, &Filters::default())
        .await?
        .into_iter()
        .map(|e| e.org.id)
        .collect();
    ids.sort();
    ids.dedup();
    let orgs = orgs_by_id(db).await?;
    let mut list: Vec<organization::Model> =
        ids.iter().filter_map(|id| orgs.get(id).cloned()).collect();
    list.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(list)
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

type Params = Query<BTreeMap<String, String>>;

/// `page` (from 1) and `per_page` (1 to 1000, default 50), each error naming its parameter.
fn paging(q: &BTreeMap<String, String>) -> AppResult<(usize, usize)> {
    let mut errors = Vec::new();
    let page = match q.get("page").map(|p| p.parse::<usize>()) {
        None => 1,
        Some(Ok(p)) if p >= 1 => p,
        Some(_) => {
            errors.push(crate::directory::validate::FieldError::new(
                "page",
                "must be a whole number from 1",
            ));
            1
        }
    };
    let per_page = match q.get("per_page").map(|p| p.parse::<usize>()) {
        None => 50,
        Some(Ok(p)) if (1..=1000).contains(&p) => p,
        Some(_) => {
            errors.push(crate::directory::validate::FieldError::new(
                "per_page",
                "must be a whole number from 1 to 1000",
            ));
            50
        }
    };
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::Validation(errors))
    }
}

fn parse_filters(q: &BTreeMap<String, String>) -> AppResult<Filters> {
    let mut errors = Vec::new();
    let mut f = Filters {
        search: q.get("search").cloned(),
        ..Default::default()
    };
    if let Some(o) = q.get("organization_id") {
        match Uuid::parse_str(o) {
            Ok(id) => f.organization_id = Some(id),
            Err(_) => errors.push(crate::directory::validate::FieldError::new(
                "organization_id",
                "must be a UUID",
            )),
        }
    }
    for key in ["taxonomy_term_id", "taxonomy_id"] {
        let Some(v) = q.get(key) else { continue };
        let codes = match Uuid::parse_str(v) {
            Err(_) => {
                errors.push(crate::directory::validate::FieldError::new(
                    key,
                    "must be a UUID",
                ));
                continue;
            }
            Ok(id) if key == "taxonomy_term_id" => categories_for_term(id).unwrap_or_default(),
            Ok(id)
                if id == taxonomy_uuid(TAXONOMY_NAME) || id == taxonomy_uuid(OE_TAXONOMY_NAME) =>
            {
                taxonomy()
                    .categories
                    .iter()
                    .map(|c| c.code.clone())
                    .collect()
            }
            Ok(_) => Vec::new(),
        };
        f.categories = Some(match f.categories.take() {
            None => codes,
            Some(prev) => prev.into_iter().filter(|c| codes.contains(c)).collect(),
        });
    }
    if let Some(m) = q.get("modified_after") {
        let parsed = DateTime::parse_from_rfc3339(m)
            .map(|d| d.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(m, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc())
            });
        match parsed {
            Some(d) => f.modified_after = Some(d),
            None => errors.push(crate::directory::validate::FieldError::new(
                "modified_after",
                "must be a date (YYYY-MM-DD) or an RFC 3339 date-time",
            )),
        }
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// An HSDS 3.0 `Page` with `contents`.
fn page_json(items: Vec<Value>, page: usize, per_page: usize) -> Value {
    let total = items.len();
    let total_pages = total.div_ceil(per_page);
    let contents: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": contents.len(),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

pub async fn root(ctx: Ctx) -> Json<Value> {
    Json(json!({
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": OPENAPI_URL,
        "services": ctx.urls.join("hsds/services").to_string(),
        "datapackage": ctx.urls.join("hsds/datapackage.zip").to_string(),
    }))
}

pub async fn services(ctx: Ctx, Query(q): Params) -> AppResult<Json<Value>> {
    let (page, per_page) = paging(&q)?;
    let filters = parse_filters(&q)?;
    let items = exported_services(&ctx.db, &filters)
        .await?
        .iter()
        .map(|e| service_json(&e.row, &e.service, &e.org, &ctx.urls))
        .collect();
    Ok(Json(page_json(items, page, per_page)))
}

pub async fn service(ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let e = find_service(&ctx.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no service with id {id}")))?;
    Ok(Json(service_json(&e.row, &e.service, &e.org, &ctx.urls)))
}

pub async fn organizations(ctx: Ctx, Query(q): Params) -> AppResult<Json<Value>> {
    let (page, per_page) = paging(&q)?;
    let needle = q.get("search").map(|s| s.trim().to_lowercase());
    let items = exported_orgs(&ctx.db)
        .await?
        .iter()
        .filter(|o| {
            needle
                .as_deref()
                .is_none_or(|n| o.name.to_lowercase().contains(n))
        })
        .map(|o| organization_json(o, &ctx.urls))
        .collect();
    Ok(Json(page_json(items, page, per_page)))
}

pub async fn organization(ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let not_found = || AppError::NotFound(format!("no organization with id {id}"));
    let uuid = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let org = exported_orgs(&ctx.db)
        .await?
        .into_iter()
        .find(|o| o.id == uuid)
        .ok_or_else(not_found)?;
    let mut o = organization_json(&org, &ctx.urls);
    let services: Vec<Value> = exported_services(
        &ctx.db,
        &Filters {
            organization_id: Some(org.id),
            ..Default::default()
        },
    )
    .await?
    .iter()
    .map(|e| {
        let mut s = service_json(&e.row, &e.service, &e.org, &ctx.urls);
        if let Some(m) = s.as_object_mut() {
            m.remove("organization");
        }
        s
    })
    .collect();
    o["services"] = Value::Array(services);
    Ok(Json(o))
}

/// Every service-at-location record, with its location and its service (without nesting).
fn service_at_locations_of(e: &Exported, urls: &Urls) -> Vec<Value> {
    let s = service_json(&e.row, &e.service, &e.org, urls);
    let mut flat = s.clone();
    if let Some(m) = flat.as_object_mut() {
        for k in [
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "required_documents",
            "attributes",
            "organization",
        ] {
            m.remove(k);
        }
    }
    s["service_at_locations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut sal| {
            sal["service"] = flat.clone();
            sal
        })
        .collect()
}

pub async fn service_at_locations(ctx: Ctx, Query(q): Params) -> AppResult<Json<Value>> {
    let (page, per_page) = paging(&q)?;
    let filters = parse_filters(&q)?;
    let items = exported_services(&ctx.db, &filters)
        .await?
        .iter()
        .flat_map(|e| service_at_locations_of(e, &ctx.urls))
        .collect();
    Ok(Json(page_json(items, page, per_page)))
}

pub async fn service_at_location(ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    exported_services(&ctx.db, &Filters::default())
        .await?
        .iter()
        .flat_map(|e| service_at_locations_of(e, &ctx.urls))
        .find(|sal| sal["id"].as_str() == Some(id.as_str()))
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no service_at_location with id {id}")))
}

pub async fn taxonomies(Query(q): Params) -> AppResult<Json<Value>> {
    let (page, per_page) = paging(&q)?;
    Ok(Json(page_json(taxonomies_json(), page, per_page)))
}

pub async fn taxonomy_by_id(Path(id): Path<String>) -> AppResult<Json<Value>> {
    taxonomies_json()
        .into_iter()
        .find(|t| t["id"].as_str() == Some(id.as_str()))
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no taxonomy with id {id}")))
}

pub async fn taxonomy_terms(Query(q): Params) -> AppResult<Json<Value>> {
    let (page, per_page) = paging(&q)?;
    let needle = q.get("search").map(|s| s.trim().to_lowercase());
    let taxonomy_id = q.get("taxonomy_id");
    let items = all_terms()
        .into_iter()
        .filter(|t| taxonomy_id.is_none_or(|id| t["taxonomy_id"].as_str() == Some(id.as_str())))
        .filter(|t| {
            needle.as_deref().is_none_or(|n| {
                ["name", "code"]
                    .iter()
                    .any(|k| t[*k].as_str().is_some_and(|s| s.to_lowercase().contains(n)))
            })
        })
        .collect();
    Ok(Json(page_json(items, page, per_page)))
}

pub async fn taxonomy_term(Path(id): Path<String>) -> AppResult<Json<Value>> {
    all_terms()
        .into_iter()
        .find(|t| t["id"].as_str() == Some(id.as_str()))
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no taxonomy_term with id {id}")))
}

pub async fn datapackage(ctx: Ctx, Query(q): Params) -> AppResult<Response> {
    let filters = parse_filters(&q)?;
    let services = exported_services(&ctx.db, &filters).await?;
    let records: Vec<Value> = services
        .iter()
        .map(|e| service_json(&e.row, &e.service, &e.org, &ctx.urls))
        .collect();
    let zip = super::datapackage::zip(&ctx, &records)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"hsds-datapackage.zip\""),
            ),
        ],
        zip,
    )
        .into_response())
}

/// Records of every exported service (for the CLI and tests).
pub async fn all_service_records(state: &AppState) -> AppResult<Vec<Value>> {
    Ok(exported_services(&state.db, &Filters::default())
        .await?
        .iter()
        .map(|e| service_json(&e.row, &e.service, &e.org, &state.urls))
        .collect())
}
