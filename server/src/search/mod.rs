//! Search over the directory: full text in every language, filters, facets, stable paging.
//!
//! One pass: the database selects the candidates — the text match (SQLite FTS5 or PostgreSQL
//! full text, see [`sqlite`] and [`postgres`], ranked) and the filters SQL can apply on the
//! derived columns (kind, country, locality, origin, status, event dates, a bounding box around
//! the point); then Rust applies what needs the record or exact arithmetic (categories with
//! their subcategories, language of help, exact distance, open now, free, age), counts the
//! facets, sorts (distance when a point is given, else rank when there is text; then `updated`
//! descending, then id descending) and cuts the page. Only the rows of the page are then read
//! whole.
//!
//! Facets are counted over the whole result with every filter applied (including the facet's
//! own), so each facet's counts are those of the current result and `kind` counts add up to
//! `total`.
pub mod postgres;
pub mod query;
pub mod sqlite;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Statement, Value,
};
use uuid::Uuid;

use crate::db::entities::entry;
use crate::directory::{
    model::{Entry, Kind, primary_subtag},
    store,
    taxonomy::taxonomy,
};

/// Mean radius of the Earth, km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

#[derive(Debug, Clone, PartialEq)]
pub struct GeoFilter {
    pub lat: f64,
    pub lon: f64,
    /// Only entries within this distance; without it, every entry, nearest first.
    pub radius_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OriginFilter {
    Local,
    /// The domain of the instance the entries come from.
    Domain(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum StatusFilter {
    /// Hide inactive and defunct services and cancelled events.
    #[default]
    Default,
    All,
    /// Exactly this status.
    Only(String),
}

/// What to search for. Built by [`query::parse`] from query parameters.
#[derive(Debug, Clone)]
pub struct SearchParams {
    /// Lower-cased words; each must match (as a word prefix) in some language.
    pub terms: Vec<String>,
    pub kind: Option<Kind>,
    /// A category and its subcategories: entries with any of them.
    pub categories: Option<Vec<String>>,
    /// Language of help.
    pub language: Option<String>,
    pub country: Option<String>,
    pub locality: Option<String>,
    pub point: Option<GeoFilter>,
    /// Events ending at or after this time (default: `now`, unless `list_defaults`).
    pub from: Option<DateTime<Utc>>,
    /// Events starting at or before this time.
    pub to: Option<DateTime<Utc>>,
    /// Services open now (by their schedules, in their time zones) and events in progress.
    pub open_now: bool,
    /// `true`: free services and volunteer offers; `false`: services that are not free.
    pub free: Option<bool>,
    /// Services admitting this age.
    pub age: Option<u32>,
    pub origin: Option<OriginFilter>,
    /// Entries of this local organisation only (not a query parameter: the organisation
    /// feeds set it).
    pub organization: Option<Uuid>,
    pub status: StatusFilter,
    /// List endpoints: every status and every event date unless asked otherwise.
    pub list_defaults: bool,
    pub page: u64,
    pub per_page: u64,
    /// The present moment for "upcoming" and "open now" (a parameter, so tests can fix it).
    pub now: DateTime<Utc>,
}

impl SearchParams {
    pub fn new(now: DateTime<Utc>) -> SearchParams {
        SearchParams {
            terms: Vec::new(),
            kind: None,
            categories: None,
            language: None,
            country: None,
            locality: None,
            point: None,
            from: None,
            to: None,
            open_now: false,
            free: None,
            age: None,
            origin: None,
            organization: None,
            status: StatusFilter::Default,
            list_defaults: false,
            page: 1,
            per_page: 20,
            now,
        }
    }

    fn needs_record(&self) -> bool {
        self.open_now || self.age.is_some() || self.free.is_some()
    }
}

/// One result: the whole row, and its distance from the point when one was given.
#[derive(Debug, Clone)]
pub struct Hit {
    pub row: entry::Model,
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Facets {
    pub category: BTreeMap<String, u64>,
    pub language: BTreeMap<String, u64>,
    pub country: BTreeMap<String, u64>,
    pub kind: BTreeMap<String, u64>,
}

#[derive(Debug, Clone)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: Facets,
}

/// The columns read for every candidate (`data` only when a filter needs the record).
#[derive(Debug, FromQueryResult)]
struct Candidate {
    id: Uuid,
    kind: String,
    categories: String,
    languages: String,
    country: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    updated: DateTime<Utc>,
    search_score: f64,
    data: Option<String>,
}

/// A SQL statement under construction, with placeholders for the backend.
pub struct Sql {
    pub backend: DatabaseBackend,
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    fn new(backend: DatabaseBackend) -> Sql {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// A placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_string(),
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// Great-circle distance (haversine), km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// The filters SQL applies (`e` is `entries`), appended as ` AND …`.
fn sql_filters(p: &SearchParams, sql: &mut Sql) {
    sql.push(" AND e.deleted_at IS NULL AND e.moderation_state = ");
    let visible = sql.bind(store::VISIBLE);
    sql.push(&visible);
    if let Some(kind) = p.kind {
        let k = sql.bind(kind.as_str());
        sql.push(&format!(" AND e.kind = {k}"));
    }
    if let Some(c) = &p.country {
        let c = sql.bind(c.clone());
        sql.push(&format!(" AND e.country = {c}"));
    }
    if let Some(l) = &p.locality {
        let l = sql.bind(l.to_lowercase());
        sql.push(&format!(" AND lower(e.locality) = {l}"));
    }
    match &p.origin {
        Some(OriginFilter::Local) => {
            let t = sql.bind(true);
            sql.push(&format!(" AND e.local = {t}"));
        }
        Some(OriginFilter::Domain(d)) => {
            let d = sql.bind(d.clone());
            sql.push(&format!(" AND lower(e.origin_domain) = {d}"));
        }
        None => {}
    }
    if let Some(org) = p.organization {
        let o = sql.bind(org);
        sql.push(&format!(" AND e.organization_id = {o}"));
    }
    match &p.status {
        StatusFilter::Default if !p.list_defaults => sql.push(
            " AND NOT ((e.kind = 'service' AND e.status IN ('inactive', 'defunct')) \
             OR (e.kind = 'event' AND e.status = 'cancelled'))",
        ),
        StatusFilter::Only(s) => {
            let s = sql.bind(s.clone());
            sql.push(&format!(" AND e.status = {s}"));
        }
        _ => {}
    }
    // Events: upcoming by default (still running or to come), or within from/to.
    let from = p.from.or((!p.list_defaults).then_some(p.now));
    if from.is_some() || p.to.is_some() {
        let mut conds = Vec::new();
        if let Some(f) = from {
            conds.push(format!("e.end_time >= {}", sql.bind(f)));
        }
        if let Some(t) = p.to {
            conds.push(format!("e.start_time <= {}", sql.bind(t)));
        }
        sql.push(&format!(
            " AND (e.kind <> 'event' OR ({}))",
            conds.join(" AND ")
        ));
    }
    if let Some(g) = &p.point
        && let Some(r) = g.radius_km
    {
        // A box containing the circle; the exact distance is checked afterwards. The
        // longitude is not bounded near the poles or across the antimeridian.
        let dlat = r / 111.19;
        let (lo, hi) = (g.lat - dlat, g.lat + dlat);
        let (lo, hi) = (sql.bind(lo), sql.bind(hi));
        sql.push(&format!(" AND e.latitude BETWEEN {lo} AND {hi}"));
        let cos = (g.lat.abs() + dlat).min(90.0).to_radians().cos();
        if cos > 0.01 {
            let dlon = r / (111.19 * cos);
            if g.lon - dlon > -180.0 && g.lon + dlon < 180.0 {
                let (lo, hi) = (sql.bind(g.lon - dlon), sql.bind(g.lon + dlon));
                sql.push(&format!(" AND e.longitude BETWEEN {lo} AND {hi}"));
            }
        }
    }
    if p.open_now {
        sql.push(" AND e.kind IN ('service', 'event')");
    }
    match p.free {
        Some(true) => sql.push(" AND e.kind IN ('service', 'offer')"),
        Some(false) => sql.push(" AND e.kind = 'service'"),
        None => {}
    }
    if p.age.is_some() {
        sql.push(" AND e.kind = 'service'");
    }
}

/// The prefix a query word is matched with: the word, without a final plural `s` or `x` when
/// it has more than three letters, so that "logements" also finds "logement" (and "cheveux"
/// "cheveu") on both engines.
pub fn prefix_of(term: &str) -> &str {
    match term.strip_suffix(['s', 'x']) {
        Some(stem) if stem.chars().count() >= 3 => stem,
        _ => term,
    }
}

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

fn language_matches(entry_lang: &str, wanted: &str) -> bool {
    entry_lang.eq_ignore_ascii_case(wanted)
        || (!wanted.contains('-') && primary_subtag(entry_lang).eq_ignore_ascii_case(wanted))
}

/// The filters on the record itself (open now, free, age).
fn record_matches(p: &SearchParams, entry: &Entry) -> bool {
    match entry {
        Entry::Service(s) => {
            (!p.open_now || s.schedules.iter().any(|sc| sc.is_open_at(p.now)))
                && p.free.is_none_or(|f| s.free == f)
                && p.age.is_none_or(|a| {
                    s.minimum_age.is_none_or(|min| a >= min)
                        && s.maximum_age.is_none_or(|max| a <= max)
                })
        }
        Entry::Event(e) => {
            (!p.open_now
                || (e.start_time.with_timezone(&Utc) <= p.now
                    && p.now < e.end_time.with_timezone(&Utc)))
                && p.free.is_none()
                && p.age.is_none()
        }
        Entry::Offer(_) => !p.open_now && p.free != Some(false) && p.age.is_none(),
    }
}

/// Top-level category of a code (`legal` for `legal.asylum`).
fn top_level(code: &str) -> String {
    let mut current = code.to_string();
    while let Some(parent) = taxonomy().category(&current).and_then(|c| c.parent.clone()) {
        current = parent;
    }
    current
}

/// Runs a search.
pub async fn search(db: &impl ConnectionTrait, p: &SearchParams) -> Result<SearchResult, DbErr> {
    let backend = db.get_database_backend();
    let mut sql = Sql::new(backend);
    let data = if p.needs_record() {
        "e.data"
    } else {
        "CAST(NULL AS TEXT)"
    };
    let columns = format!(
        "e.id, e.kind, e.categories, e.languages, e.country, e.latitude, e.longitude, \
         e.updated, {data} AS data"
    );
    if p.terms.is_empty() {
        sql.push(&format!(
            "SELECT {columns}, CAST(0 AS DOUBLE PRECISION) AS search_score \
             FROM entries e WHERE 1 = 1"
        ));
    } else if backend == DatabaseBackend::Postgres {
        postgres::text_match(&mut sql, &columns, &p.terms);
    } else {
        sqlite::text_match(&mut sql, &columns, &p.terms);
    }
    sql_filters(p, &mut sql);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend, sql.text, sql.values,
        ))
        .await?;

    let mut kept: Vec<(Candidate, Option<f64>)> = Vec::new();
    for row in rows {
        let c = Candidate::from_query_result(&row, "")?;
        if let Some(cats) = &p.categories
            && !json_list(&c.categories).iter().any(|x| cats.contains(x))
        {
            continue;
        }
        if let Some(lang) = &p.language
            && !json_list(&c.languages)
                .iter()
                .any(|l| language_matches(l, lang))
        {
            continue;
        }
        let distance = match (&p.point, c.latitude, c.longitude) {
            (Some(g), Some(lat), Some(lon)) => Some(haversine_km(g.lat, g.lon, lat, lon)),
            _ => None,
        };
        if let Some(r) = p.point.as_ref().and_then(|g| g.radius_km)
            && distance.is_none_or(|d| d > r)
        {
            continue;
        }
        if p.needs_record() {
            let Some(json) = c.data.as_deref() else {
                continue;
            };
            let entry: Entry = serde_json::from_str(json)
                .map_err(|e| DbErr::Custom(format!("entry {} has invalid data: {e}", c.id)))?;
            if !record_matches(p, &entry) {
                continue;
            }
        }
        kept.push((c, distance));
    }

    let mut facets = Facets::default();
    for (c, _) in &kept {
        *facets.kind.entry(c.kind.clone()).or_default() += 1;
        if let Some(country) = &c.country {
            *facets.country.entry(country.clone()).or_default() += 1;
        }
        let mut tops: Vec<String> = json_list(&c.categories)
            .iter()
            .map(|x| top_level(x))
            .collect();
        tops.sort();
        tops.dedup();
        for t in tops {
            *facets.category.entry(t).or_default() += 1;
        }
        let mut langs = json_list(&c.languages);
        langs.sort();
        langs.dedup();
        for l in langs {
            *facets.language.entry(l).or_default() += 1;
        }
    }

    let by_point = p.point.is_some();
    kept.sort_by(|(a, da), (b, db)| {
        let first = if by_point {
            // Nearest first; entries without coordinates last.
            match (da, db) {
                (Some(x), Some(y)) => x.total_cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        } else {
            b.search_score.total_cmp(&a.search_score)
        };
        first
            .then_with(|| b.updated.cmp(&a.updated))
            .then_with(|| b.id.cmp(&a.id))
    });

    let total = kept.len() as u64;
    let start =
        usize::try_from(p.page.saturating_sub(1).saturating_mul(p.per_page)).unwrap_or(usize::MAX);
    let page: Vec<(Uuid, Option<f64>)> = kept
        .iter()
        .skip(start)
        .take(usize::try_from(p.per_page).unwrap_or(usize::MAX))
        .map(|(c, d)| (c.id, *d))
        .collect();
    let mut rows: HashMap<Uuid, entry::Model> = if page.is_empty() {
        HashMap::new()
    } else {
        entry::Entity::find()
            .filter(entry::Column::Id.is_in(page.iter().map(|(id, _)| *id)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    let hits = page
        .into_iter()
        .filter_map(|(id, distance_km)| rows.remove(&id).map(|row| Hit { row, distance_km }))
        .collect();
    Ok(SearchResult {
        hits,
        total,
        facets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // Lille – Paris: about 204 km.
        let d = haversine_km(50.6292, 3.0573, 48.8566, 2.3522);
        assert!((d - 204.0).abs() < 3.0, "{d}");
        assert!(haversine_km(1.0, 1.0, 1.0, 1.0).abs() < 1e-9);
    }

    #[test]
    fn plural_prefixes() {
        assert_eq!(prefix_of("logements"), "logement");
        assert_eq!(prefix_of("cheveux"), "cheveu");
        assert_eq!(prefix_of("bus"), "bus");
        assert_eq!(prefix_of("житло"), "житло");
    }

    #[test]
    fn top_levels() {
        assert_eq!(top_level("legal.asylum"), "legal");
        assert_eq!(top_level("legal"), "legal");
    }
}
