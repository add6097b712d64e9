//! Search over the directory: full text in every language, filters, facets, stable paging.
//!
//! - SQLite (the embedded default): the database answers only the full-text match (FTS5, see
//!   [`sqlite`]), as a list of row numbers; the filters, the facets, the order and the page are
//!   computed over an in-memory copy of what a search reads of each entry ([`cache`]), which
//!   follows every write through a change number.
//! - PostgreSQL: one pass. The database selects the matches (full text, see [`postgres`], and
//!   every filter on the columns) and hands them over as ONE value, each match a few fields
//!   ([`keys_pass`]); Rust checks the exact distance to a point (SQL selects the bounding
//!   box), counts the facets, ranks and cuts the page.
//! - On both, a filter that needs the record (open now, free, age) reads the candidates with
//!   their record ([`candidates`]) and checks them here (schedules, ages).
//!
//! Order: distance when a point is given, else rank when there is text; then `updated`
//! descending, then id descending. Only the rows of the page are then read whole.
//!
//! Rank: the number of query words found in the entry's name, in any language (both engines).
//! Every match must contain every word somewhere; `bm25` / `ts_rank` over every match cost more
//! than everything else together on a broad query (BENCHMARKS.md), for an order that mostly
//! came down to the same thing: name matches first.
//!
//! Facets are counted over the whole result with every filter applied (including the facet's
//! own), so each facet's counts are those of the current result and `kind` counts add up to
//! `total`.
pub mod cache;
pub mod postgres;
pub mod query;
pub mod sqlite;

pub use cache::KeyCache;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Statement, Value,
};
use uuid::Uuid;

use crate::db::entities::entry;
use crate::directory::{
    model::{Entry, Kind},
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
    pub fn new(backend: DatabaseBackend) -> Sql {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// A placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        // Numbered on both engines (`$n`, `?n`), so that a value may be bound before text that
        // comes earlier in the statement (a score in the select list, say).
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    pub fn push(&mut self, s: &str) {
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

/// `column` contains `needle` (a plain substring, no pattern characters).
fn contains(sql: &mut Sql, column: &str, needle: &str) -> String {
    let n = sql.bind(needle.to_string());
    match sql.backend {
        DatabaseBackend::Postgres => format!("strpos({column}, {n}) > 0"),
        _ => format!("instr({column}, {n}) > 0"),
    }
}

fn or_false(conds: Vec<String>) -> String {
    if conds.is_empty() {
        "1 = 0".to_string()
    } else {
        conds.join(" OR ")
    }
}

/// The filters SQL applies (`e` is `entries`, or SQLite's `entries_search`), appended as
/// ` AND …`: never deleted or removed entries; inactive, defunct and cancelled ones only when
/// asked for (or on the lists); events upcoming or within from/to; then [`entry_filters`].
fn sql_filters(p: &SearchParams, sql: &mut Sql) {
    sql.push(" AND e.deleted_at IS NULL AND e.moderation_state = ");
    let visible = sql.bind(store::VISIBLE);
    sql.push(&visible);
    if p.status == StatusFilter::Default && !p.list_defaults {
        sql.push(
            " AND NOT ((e.kind = 'service' AND e.status IN ('inactive', 'defunct')) \
             OR (e.kind = 'event' AND e.status = 'cancelled'))",
        );
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
    entry_filters(p, sql);
}

/// The filters on an entry's columns (`e`), appended as ` AND …`.
fn entry_filters(p: &SearchParams, sql: &mut Sql) {
    let t = "e";
    if let Some(kind) = p.kind {
        let k = sql.bind(kind.as_str());
        sql.push(&format!(" AND {t}.kind = {k}"));
    }
    if let Some(cats) = &p.categories {
        // `categories` is a JSON array of codes: each wanted code, quoted, is a substring.
        let conds: Vec<String> = cats
            .iter()
            .map(|c| contains(sql, &format!("{t}.categories"), &format!("\"{c}\"")))
            .collect();
        sql.push(&format!(" AND ({})", or_false(conds)));
    }
    if let Some(lang) = &p.language {
        // `languages` is a JSON array of BCP-47 tags: `fr` matches `fr` and `fr-BE`, `fr-BE`
        // only itself (case-insensitively).
        let lang = lang.to_lowercase();
        let languages = format!("lower({t}.languages)");
        let mut conds = vec![contains(sql, &languages, &format!("\"{lang}\""))];
        if !lang.contains('-') {
            conds.push(contains(sql, &languages, &format!("\"{lang}-")));
        }
        sql.push(&format!(" AND ({})", or_false(conds)));
    }
    if let Some(c) = &p.country {
        let c = sql.bind(c.clone());
        sql.push(&format!(" AND {t}.country = {c}"));
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
    if let StatusFilter::Only(s) = &p.status {
        let s = sql.bind(s.clone());
        sql.push(&format!(" AND e.status = {s}"));
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

/// Top-level category of a code (`legal` for `legal.asylum`; a code the taxonomy does not
/// know is its own top level), from a map built once.
fn top_level(code: &str) -> &str {
    static TOPS: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    let tops = TOPS.get_or_init(|| {
        let t = taxonomy();
        t.categories
            .iter()
            .map(|c| {
                let mut current = c.code.clone();
                while let Some(parent) = t.category(&current).and_then(|c| c.parent.clone()) {
                    current = parent;
                }
                (c.code.clone(), current)
            })
            .collect()
    });
    tops.get(code).map_or(code, String::as_str)
}

/// The `FROM … WHERE …` of a search (text match and every SQL filter; `e` has the columns of
/// `entries`, see [`sqlite`] and [`postgres`]) and its score expression (higher is better).
fn from_where(p: &SearchParams, backend: DatabaseBackend) -> (Sql, String) {
    let mut sql = Sql::new(backend);
    let score = if p.terms.is_empty() {
        sql.push(match backend {
            DatabaseBackend::Postgres => " FROM entries e WHERE 1 = 1",
            _ => " FROM entries_search e WHERE 1 = 1",
        });
        "CAST(0 AS DOUBLE PRECISION)".to_string()
    } else if backend == DatabaseBackend::Postgres {
        postgres::text_match(&mut sql, &p.terms)
    } else {
        sqlite::text_match(&mut sql, &p.terms)
    };
    sql_filters(p, &mut sql);
    (sql, score)
}

/// The SQL of a search and its bound values (for the fuzzer: building it must not panic,
/// whatever the parameters the parser accepted): SQLite's full-text match (the rest is done in
/// memory, see [`cache`]), PostgreSQL's one-pass statement, or the candidates' query when
/// there is a filter on the record.
pub fn sql_for(p: &SearchParams, backend: DatabaseBackend) -> (String, usize) {
    let sql = if p.needs_record() {
        let (mut sql, score) = from_where(p, backend);
        sql.text = format!("SELECT e.id, {score}{}", sql.text);
        sql
    } else if backend == DatabaseBackend::Postgres {
        keys_pass_sql(p)
    } else {
        sqlite::matches_sql(&p.terms)
    };
    (sql.text, sql.values.len())
}

/// Rows of a result with the same kind, country, categories and languages: the facets are
/// counted over these groups rather than over rows.
#[derive(Debug)]
struct Group {
    kind: String,
    country: Option<String>,
    categories: String,
    languages: String,
    n: i64,
}

fn count_facets(groups: &[Group]) -> (u64, Facets) {
    let mut facets = Facets::default();
    let mut total = 0;
    for g in groups {
        let n = u64::try_from(g.n).unwrap_or(0);
        total += n;
        *facets.kind.entry(g.kind.clone()).or_default() += n;
        if let Some(country) = &g.country {
            *facets.country.entry(country.clone()).or_default() += n;
        }
        let categories = json_list(&g.categories);
        let mut tops: Vec<&str> = categories.iter().map(|c| top_level(c)).collect();
        tops.sort_unstable();
        tops.dedup();
        for t in tops {
            *facets.category.entry(t.to_string()).or_default() += n;
        }
        let mut langs = json_list(&g.languages);
        langs.sort_unstable();
        langs.dedup();
        for l in langs {
            *facets.language.entry(l).or_default() += n;
        }
    }
    (total, facets)
}

/// Field and record separators of the one-row match list of [`keys_pass`] (ASCII unit and
/// record separators: never in a kind, a country code or a JSON list of tags).
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

async fn query_as<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    sql: Sql,
) -> Result<Vec<T>, DbErr> {
    db.query_all_raw(Statement::from_sql_and_values(
        sql.backend,
        sql.text,
        sql.values,
    ))
    .await?
    .iter()
    .map(|row| T::from_query_result(row, ""))
    .collect()
}

/// Runs a search; `cache` is the process's copy of the search keys of the database `db`
/// (SQLite only).
///
/// With a filter on the record (open now, free, age), the candidates that SQL selects are read
/// (narrow columns, and the record), checked in Rust (exact distance, schedules…), counted,
/// sorted and cut ([`candidates`]). Otherwise, on SQLite, the database answers only the
/// full-text match and everything else is done over the in-memory copy ([`cache`]); on
/// PostgreSQL, one statement reads every match once, as one value
/// ([`keys_pass`]), from which the total, the facets and the page are taken here. Then the rows
/// of the page are read.
pub async fn search(
    db: &impl ConnectionTrait,
    cache: &KeyCache,
    p: &SearchParams,
) -> Result<SearchResult, DbErr> {
    let per_page = p.per_page;
    let offset = p.page.saturating_sub(1).saturating_mul(per_page);
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let (page, total, facets): (Vec<(Uuid, Option<f64>)>, u64, Facets) = if p.needs_record() {
        candidates(db, p, offset, per_page).await?
    } else if postgres {
        keys_pass(db, p, offset, per_page).await?
    } else {
        cache.refresh(db).await?;
        if p.terms.is_empty() {
            cache.select(p, None, &[], offset, per_page)
        } else {
            let (sids, in_name) = sqlite::matches(db, &p.terms).await?;
            cache.select(p, Some(&sids), &in_name, offset, per_page)
        }
    };

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

/// PostgreSQL: the SQL of the one-pass search: one statement, one row, whose `rows` value
/// holds every match as its score, its id, `updated` (µs since 1970), latitude, longitude,
/// kind, country, categories and languages (unit-separated; records separated by the record
/// separator).
pub fn keys_pass_sql(p: &SearchParams) -> Sql {
    let (mut sql, score) = from_where(p, DatabaseBackend::Postgres);
    let score = if p.terms.is_empty() {
        "0".to_string()
    } else {
        format!("CAST({score} AS INTEGER)")
    };
    // `updated` as microseconds since 1970 (`to_char` cost 4 µs a row).
    sql.text = format!(
        "SELECT string_agg(({score})::text || chr(31) || e.id::text || chr(31) \
         || (extract(epoch FROM e.updated) * 1000000)::bigint::text || chr(31) \
         || coalesce(e.latitude::text, '') || chr(31) || coalesce(e.longitude::text, '') \
         || chr(31) || e.kind || chr(31) || coalesce(e.country, '') || chr(31) \
         || e.categories || chr(31) || e.languages, chr(30)) AS rows{}",
        sql.text
    );
    sql
}

/// PostgreSQL, without a filter on the record: reads every match ONCE, as one value
/// (see [`keys_pass_sql`]), then counts, ranks and cuts the page here. A broad query matches
/// tens of thousands of entries; a second pass over them (to count apart from ranking) cost as
/// much as the first, and rows handed over one at a time cost more than both.
async fn keys_pass(
    db: &impl ConnectionTrait,
    p: &SearchParams,
    offset: u64,
    per_page: u64,
) -> Result<(Vec<(Uuid, Option<f64>)>, u64, Facets), DbErr> {
    let sql = keys_pass_sql(p);
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            sql.backend,
            sql.text,
            sql.values,
        ))
        .await?;
    let text = match row {
        Some(r) => r.try_get::<Option<String>>("", "rows")?,
        None => None,
    };
    let text = text.unwrap_or_default();
    let malformed = |r: &str| DbErr::Custom(format!("malformed search row {r:?}"));
    // (first key, updated in µs, id) of each match, and the matches per facet group. The first
    // key sorts ascending: the distance when there is a point (none: last), else the negated
    // score.
    let mut matches: Vec<(f64, i64, &str)> = Vec::new();
    let mut groups: HashMap<&str, i64> = HashMap::new();
    for record in text.split(RECORD).filter(|r| !r.is_empty()) {
        let mut f = record.splitn(6, UNIT);
        let (Some(score), Some(id), Some(updated), Some(lat), Some(lon), Some(group)) =
            (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(malformed(record));
        };
        let score: i64 = score.parse().map_err(|_| malformed(record))?;
        let updated: i64 = updated.parse().map_err(|_| malformed(record))?;
        let first = match &p.point {
            None => -(score as f64),
            Some(g) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
                (Ok(lat), Ok(lon)) => {
                    let d = haversine_km(g.lat, g.lon, lat, lon);
                    if g.radius_km.is_some_and(|r| d > r) {
                        continue;
                    }
                    d
                }
                // Without coordinates: last, and only when there is no radius.
                _ if g.radius_km.is_some() => continue,
                _ => f64::INFINITY,
            },
        };
        matches.push((first, updated, id));
        *groups.entry(group).or_default() += 1;
    }
    let mut parsed = Vec::with_capacity(groups.len());
    for (group, n) in groups {
        let mut f = group.split(UNIT);
        let (Some(kind), Some(country), Some(categories), Some(languages)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(malformed(group));
        };
        parsed.push(Group {
            kind: kind.to_string(),
            country: (!country.is_empty()).then(|| country.to_string()),
            categories: categories.to_string(),
            languages: languages.to_string(),
            n,
        });
    }
    let (total, facets) = count_facets(&parsed);
    // Nearest or best score first, then the most recently updated, then the highest id. Only
    // the rows up to the end of the page are sorted.
    // (Hyphenated lower-case ids order as text as they do as UUIDs.)
    let order = |a: &(f64, i64, &str), b: &(f64, i64, &str)| {
        a.0.total_cmp(&b.0)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| b.2.cmp(a.2))
    };
    let page = page_of(matches, offset, per_page, order)
        .iter()
        .map(|(first, _, id)| {
            let distance = (p.point.is_some() && first.is_finite()).then_some(*first);
            Uuid::try_parse(id)
                .map(|id| (id, distance))
                .map_err(|_| malformed(id))
        })
        .collect::<Result<_, _>>()?;
    Ok((page, total, facets))
}

/// The items `offset .. offset + per_page` of `items` in `order`; only the items up to the
/// end of the page are sorted (a broad query has tens of thousands).
fn page_of<T>(
    mut items: Vec<T>,
    offset: u64,
    per_page: u64,
    order: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
) -> Vec<T> {
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let end = start.saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX));
    if end < items.len() {
        items.select_nth_unstable_by(end, order);
        items.truncate(end);
    }
    items.sort_unstable_by(order);
    items.drain(..start.min(items.len()));
    items
}

/// The search with a point or a filter on the record: every candidate SQL selects is checked
/// here. Returns the page (ids and distances), the total and the facets.
async fn candidates(
    db: &impl ConnectionTrait,
    p: &SearchParams,
    offset: u64,
    per_page: u64,
) -> Result<(Vec<(Uuid, Option<f64>)>, u64, Facets), DbErr> {
    let backend = db.get_database_backend();
    let data = match (p.needs_record(), backend) {
        (false, _) => "CAST(NULL AS TEXT)",
        (true, DatabaseBackend::Postgres) => "e.data",
        (true, _) => "(SELECT d.data FROM entries d WHERE d.id = e.id)",
    };
    let (mut sql, score) = from_where(p, backend);
    sql.text = format!(
        "SELECT e.id, e.kind, e.categories, e.languages, e.country, e.latitude, e.longitude, \
         e.updated, {data} AS data, {score} AS search_score{}",
        sql.text
    );
    let rows: Vec<Candidate> = query_as(db, sql).await?;
    let mut kept: Vec<(Candidate, Option<f64>)> = Vec::new();
    for c in rows {
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

    let mut groups: HashMap<(&str, Option<&str>, &str, &str), i64> = HashMap::new();
    for (c, _) in &kept {
        *groups
            .entry((
                c.kind.as_str(),
                c.country.as_deref(),
                c.categories.as_str(),
                c.languages.as_str(),
            ))
            .or_default() += 1;
    }
    let groups: Vec<Group> = groups
        .into_iter()
        .map(|((kind, country, categories, languages), n)| Group {
            kind: kind.to_string(),
            country: country.map(str::to_string),
            categories: categories.to_string(),
            languages: languages.to_string(),
            n,
        })
        .collect();
    let (total, facets) = count_facets(&groups);

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
    let page = kept
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(per_page).unwrap_or(usize::MAX))
        .map(|(c, d)| (c.id, *d))
        .collect();
    Ok((page, total, facets))
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
        assert_eq!(top_level("not.a.category"), "not.a.category");
    }
}
