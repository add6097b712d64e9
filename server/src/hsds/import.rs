//! Imports of services into one organisation, from an HSDS 3.0 dataset (JSON or datapackage)
//! or from the simple CSV layout ([`super::csv`]).
//!
//! Every record goes through the API's validation ([`validate::validate`]) and the API's store
//! and publish path ([`entries::insert_local_entry`], [`entries::replace_local_entry`]), one
//! transaction per record: a refused record leaves the others intact, and published services
//! reach the organisation's followers as `Create` / `Update` activities. Records are matched
//! by their id in the file (kept in `entries.hsds_id`), so a second import of the same file
//! changes nothing.
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use axum::{
    Json,
    body::Body,
    extract::Query,
    http::{HeaderMap, header},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{EXT, datapackage, service_uuid};
use crate::{
    AppState, accounts,
    app::Ctx,
    db::entities::{entry, organization},
    directory::{
        model::{Entry, Kind},
        store,
        taxonomy::taxonomy,
        validate::{self, Context, FieldError},
    },
    error::{AppError, AppResult},
    http::{auth::ApiUser, entries},
};

/// One record of an import file, converted to an API body (or refused already).
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where the record is in the file: `services[3]`, `line 5`.
    pub at: String,
    /// The record's id in the file.
    pub id: Option<String>,
    /// Its name, for the report.
    pub name: Option<String>,
    /// The API body, or why it cannot be made.
    pub body: Result<Value, Vec<FieldError>>,
}

/// What happened to one record.
#[derive(Serialize, Debug, Clone)]
pub struct RecordReport {
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `created`, `updated`, `unchanged` or `refused` (with a dry run: what would happen).
    pub outcome: &'static str,
    /// The entry created, updated or unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The report of an import.
#[derive(Serialize, Debug, Clone, Default)]
pub struct Report {
    pub organization: String,
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub records: Vec<RecordReport>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for r in &self.records {
            write!(f, "{}: {}", r.at, r.outcome)?;
            if let Some(id) = &r.id {
                write!(f, " (id {id})")?;
            }
            if let Some(n) = &r.name {
                write!(f, " {n:?}")?;
            }
            writeln!(f)?;
            for e in &r.errors {
                writeln!(f, "    {e}")?;
            }
        }
        write!(
            f,
            "{}{}: {} created, {} updated, {} unchanged, {} refused",
            if self.dry_run {
                "dry run, nothing saved — "
            } else {
                ""
            },
            self.organization,
            self.created,
            self.updated,
            self.unchanged,
            self.refused
        )
    }
}

// ---------------------------------------------------------------------------------------------
// HSDS record → API body
// ---------------------------------------------------------------------------------------------

fn nonempty(v: &Value) -> Option<&Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        other => Some(other),
    }
}

/// A whole number written as a float (from a CSV cell) back to an integer.
fn integral(v: &Value) -> Value {
    match v.as_f64() {
        Some(f) if v.is_f64() && f.fract() == 0.0 && (0.0..1e15).contains(&f) => json!(f as u64),
        _ => v.clone(),
    }
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `HH:MM` of an HSDS time (`09:00`, `09:00:00`, `09:00Z`, `09:00-05:00`) and its UTC offset
/// in minutes when it has one.
fn hsds_time(v: &Value) -> (Value, Option<i32>) {
    let Some(s) = v.as_str() else {
        return (v.clone(), None);
    };
    let s = s.trim();
    if s.len() < 5 || !s.is_char_boundary(5) {
        return (json!(s), None);
    }
    let (hm, mut rest) = s.split_at(5);
    if rest.len() >= 3 && rest.starts_with(':') && rest[1..3].chars().all(|c| c.is_ascii_digit()) {
        rest = &rest[3..];
    }
    let offset = if rest == "Z" {
        Some(0)
    } else if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) {
        let sign = if rest.starts_with('-') { -1 } else { 1 };
        let h: i32 = rest[1..3].parse().unwrap_or(0);
        let m: i32 = rest[4..6].parse().unwrap_or(0);
        Some(sign * (h * 60 + m))
    } else if rest.is_empty() {
        None
    } else {
        return (json!(s), None);
    };
    (json!(hm), offset)
}

/// An IANA zone for a whole-hour UTC offset (`Etc/GMT-2` is UTC+2).
fn zone_for_offset(minutes: i32) -> Option<String> {
    if minutes == 0 {
        return Some("UTC".into());
    }
    if minutes % 60 != 0 || !(-12 * 60..=14 * 60).contains(&minutes) {
        return None;
    }
    let h = minutes / 60;
    Some(if h > 0 {
        format!("Etc/GMT-{h}")
    } else {
        format!("Etc/GMT+{}", -h)
    })
}

/// Category codes of the service's taxonomy terms: our own codes, else Open Eligibility terms
/// mapped back through `hsds_term`.
fn categories_from_attributes(rec: &Value) -> Vec<String> {
    let t = taxonomy();
    let mut codes: Vec<String> = Vec::new();
    for a in array(rec, "attributes") {
        let term = &a["taxonomy_term"];
        let code = term["code"]
            .as_str()
            .or(term["name"].as_str())
            .unwrap_or("");
        let found: Vec<String> = if t.is_category(code) {
            vec![code.to_string()]
        } else {
            let name = term["name"].as_str().unwrap_or(code);
            let matching: Vec<&str> = t
                .categories
                .iter()
                .filter(|c| {
                    c.hsds_term.as_deref().is_some_and(|h| {
                        h.eq_ignore_ascii_case(name) || h.eq_ignore_ascii_case(code)
                    })
                })
                .map(|c| c.code.as_str())
                .collect();
            // The most general category with that term.
            matching
                .iter()
                .find(|c| t.category(c).is_some_and(|c| c.parent.is_none()))
                .or(matching.first())
                .map(|c| vec![c.to_string()])
                .unwrap_or_default()
        };
        for c in found {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    codes
}

/// Renames our field names in error paths to the HSDS names of the record.
fn hsds_field(field: &str) -> String {
    const RENAMES: &[(&str, &str)] = &[
        ("eligibility", "eligibility_description"),
        ("last_verified", "assured_date"),
        ("interpretation_available", "interpretation_services"),
        ("locations", "service_at_locations.location"),
        ("online_url", "service_at_locations.location.url"),
        ("categories", "attributes.taxonomy_term"),
        ("service_area", "service_areas"),
    ];
    for (ours, theirs) in RENAMES {
        if let Some(rest) = field.strip_prefix(ours)
            && (rest.is_empty() || rest.starts_with(['.', '[']))
        {
            return format!("{theirs}{rest}");
        }
    }
    field.to_string()
}

/// Converts one HSDS service record (API shape, nested) into an API body.
pub fn hsds_to_candidate(at: String, rec: &Value, default_language: &str) -> Candidate {
    let name = rec.get("name").and_then(Value::as_str).map(str::to_string);
    let id = match rec.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut errors = Vec::new();
    if !rec.is_object() {
        errors.push(FieldError::new("", "a service must be a JSON object"));
        return Candidate {
            at,
            id,
            name,
            body: Err(errors),
        };
    }
    if id.is_none() {
        errors.push(FieldError::new(
            "id",
            "required: the identifier of the service in the dataset (a string)",
        ));
    }
    let empty = Map::new();
    let ext = match rec.get(EXT) {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            errors.push(FieldError::new(EXT, "must be an object"));
            &empty
        }
    };
    let mut b = Map::new();
    let text = |b: &mut Map<String, Value>, ours: &str, theirs: &str| {
        if let Some(v) = ext.get(ours).filter(|v| v.is_object()) {
            b.insert(ours.into(), v.clone());
        } else if let Some(v) = rec.get(theirs).and_then(nonempty) {
            b.insert(ours.into(), v.clone());
        }
    };
    text(&mut b, "name", "name");
    text(&mut b, "alternate_name", "alternate_name");
    text(&mut b, "description", "description");
    text(&mut b, "eligibility", "eligibility_description");
    text(&mut b, "fees_description", "fees_description");
    text(&mut b, "application_process", "application_process");
    for key in ["status", "url", "email", "assured_date"] {
        if let Some(v) = rec.get(key).and_then(nonempty) {
            let ours = if key == "assured_date" {
                "last_verified"
            } else {
                key
            };
            b.insert(ours.into(), v.clone());
        }
    }
    for key in ["minimum_age", "maximum_age"] {
        if let Some(v) = rec.get(key).and_then(nonempty) {
            b.insert(key.into(), integral(v));
        }
    }
    let joined = |items: &[Value], keys: &[&str], sep: &str| -> Option<String> {
        let parts: Vec<&str> = items
            .iter()
            .filter_map(|i| keys.iter().find_map(|k| i[*k].as_str()))
            .filter(|s| !s.trim().is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(sep))
    };
    match ext.get("required_documents") {
        Some(v) => {
            b.insert("required_documents".into(), v.clone());
        }
        None => {
            if let Some(d) = joined(array(rec, "required_documents"), &["document"], "\n") {
                b.insert("required_documents".into(), json!(d));
            }
        }
    }
    match ext.get("service_area") {
        Some(v) => {
            b.insert("service_area".into(), v.clone());
        }
        None => {
            if let Some(d) = joined(array(rec, "service_areas"), &["name", "description"], "; ") {
                b.insert("service_area".into(), json!(d));
            }
        }
    }
    let categories = match ext.get("categories") {
        Some(v) => v.clone(),
        None => json!(categories_from_attributes(rec)),
    };
    b.insert("categories".into(), categories);
    let languages: Vec<Value> = array(rec, "languages")
        .iter()
        .filter_map(|l| nonempty(&l["code"]).or(nonempty(&l["name"])).cloned())
        .collect();
    b.insert(
        "languages".into(),
        if languages.is_empty() {
            json!([default_language])
        } else {
            Value::Array(languages)
        },
    );
    let phones: Vec<Value> = array(rec, "phones")
        .iter()
        .map(|p| {
            let mut o = Map::new();
            o.insert(
                "number".into(),
                p.get("number").cloned().unwrap_or(Value::Null),
            );
            if let Some(x) = p[EXT]["extension"].as_str() {
                o.insert("extension".into(), json!(x));
            } else if let Some(x) = nonempty(&p["extension"]) {
                o.insert(
                    "extension".into(),
                    match integral(x) {
                        Value::Number(n) => json!(n.to_string()),
                        other => other,
                    },
                );
            }
            if let Some(t) = nonempty(&p["type"]) {
                o.insert("type".into(), t.clone());
            }
            let langs: Vec<Value> = array(p, "languages")
                .iter()
                .filter_map(|l| nonempty(&l["code"]).cloned())
                .collect();
            if !langs.is_empty() {
                o.insert("languages".into(), Value::Array(langs));
            }
            Value::Object(o)
        })
        .collect();
    if !phones.is_empty() {
        b.insert("phones".into(), Value::Array(phones));
    }
    let mut locations = Vec::new();
    let mut online_url = None;
    let mut schedules_src: Vec<&Value> = array(rec, "schedules").iter().collect();
    for (i, sal) in array(rec, "service_at_locations").iter().enumerate() {
        schedules_src.extend(array(sal, "schedules"));
        let loc = &sal["location"];
        if !loc.is_object() {
            continue;
        }
        if loc["location_type"].as_str() == Some("virtual") {
            if online_url.is_none() {
                online_url = nonempty(&loc["url"]).cloned();
            }
            continue;
        }
        let lext = loc[EXT].as_object().unwrap_or(&empty);
        let mut l = Map::new();
        let addr = array(loc, "addresses")
            .iter()
            .find(|a| a["address_type"].as_str() != Some("postal"))
            .or(array(loc, "addresses").first())
            .cloned()
            .unwrap_or(Value::Null);
        for (ours, v) in [
            ("street_address", &addr["address_1"]),
            ("postal_code", &addr["postal_code"]),
            ("locality", &addr["city"]),
            (
                "region",
                if nonempty(&addr["region"]).is_some() {
                    &addr["region"]
                } else {
                    &addr["state_province"]
                },
            ),
            ("country", &addr["country"]),
            ("latitude", &loc["latitude"]),
            ("longitude", &loc["longitude"]),
        ] {
            if let Some(v) = nonempty(v) {
                l.insert(ours.into(), v.clone());
            }
        }
        for (ours, plain) in [
            ("name", loc["name"].clone()),
            ("transportation", loc["transportation"].clone()),
            (
                "accessibility",
                array(loc, "accessibility")
                    .first()
                    .map(|a| a["description"].clone())
                    .unwrap_or(Value::Null),
            ),
        ] {
            if let Some(v) = lext.get(ours).filter(|v| v.is_object()) {
                l.insert(ours.into(), v.clone());
            } else if let Some(v) = nonempty(&plain) {
                l.insert(ours.into(), v.clone());
            }
        }
        if let Some(p) = lext.get("precision") {
            l.insert("precision".into(), p.clone());
        }
        if l.is_empty() {
            errors.push(FieldError::new(
                format!("service_at_locations[{i}].location"),
                "a physical location needs an address or coordinates",
            ));
        }
        locations.push(Value::Object(l));
    }
    if !locations.is_empty() {
        b.insert("locations".into(), Value::Array(locations));
    }
    if let Some(u) = online_url {
        b.insert("online_url".into(), u);
    }
    let mut schedules = Vec::new();
    for (i, sc) in schedules_src.iter().enumerate() {
        let path = format!("schedules[{i}]");
        if let Some(freq) = sc["freq"].as_str()
            && !freq.eq_ignore_ascii_case("WEEKLY")
        {
            errors.push(FieldError::new(
                format!("{path}.freq"),
                format!("only WEEKLY opening hours can be imported, not {freq}"),
            ));
            continue;
        }
        let sext = sc[EXT].as_object().unwrap_or(&empty);
        let mut o = Map::new();
        let (opens, off1) = hsds_time(&sc["opens_at"]);
        let (closes, _) = hsds_time(&sc["closes_at"]);
        o.insert("opens_at".into(), opens);
        o.insert("closes_at".into(), closes);
        if let Some(days) = sc["byday"].as_str().filter(|d| !d.trim().is_empty()) {
            let days: Vec<Value> = days
                .split(',')
                .map(|d| json!(d.trim().to_ascii_uppercase()))
                .collect();
            o.insert("byday".into(), Value::Array(days));
        } else if let Some(v) = nonempty(&sc["byday"]) {
            o.insert("byday".into(), v.clone());
        }
        for key in ["valid_from", "valid_to"] {
            if let Some(v) = nonempty(&sc[key]) {
                o.insert(key.into(), v.clone());
            }
        }
        let zone = sext
            .get("timezone")
            .cloned()
            .or_else(|| {
                let minutes = sc["timezone"]
                    .as_f64()
                    .map(|h| (h * 60.0).round() as i32)
                    .or(off1)?;
                zone_for_offset(minutes).map(Value::String)
            })
            .unwrap_or_else(|| json!("UTC"));
        o.insert("timezone".into(), zone);
        if let Some(v) = sext.get("notes").filter(|v| v.is_object()) {
            o.insert("notes".into(), v.clone());
        } else if let Some(v) = nonempty(&sc["notes"]) {
            o.insert("notes".into(), v.clone());
        }
        schedules.push(Value::Object(o));
    }
    if !schedules.is_empty() {
        b.insert("schedules".into(), Value::Array(schedules));
    }
    let free = match ext.get("free") {
        Some(v) => v.clone(),
        None => json!(array(rec, "cost_options").iter().any(|c| {
            c["amount"].as_f64() == Some(0.0)
                || c["option"]
                    .as_str()
                    .is_some_and(|o| o.to_lowercase().contains("free"))
        })),
    };
    b.insert("free".into(), free);
    let interpretation = match ext.get("interpretation_available") {
        Some(v) => v.clone(),
        None => json!(nonempty(&rec["interpretation_services"]).is_some()),
    };
    b.insert("interpretation_available".into(), interpretation);
    Candidate {
        at,
        id,
        name,
        body: if errors.is_empty() {
            Ok(Value::Object(b))
        } else {
            Err(errors)
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------------

/// An unreadable import file (the whole file is refused).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(
        "the file is {size} bytes, more than the import limit of {limit} bytes (import.max_bytes)"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Invalid(String),
}

impl From<FileError> for AppError {
    fn from(e: FileError) -> AppError {
        match e {
            FileError::TooLarge { .. } => AppError::PayloadTooLarge(e.to_string()),
            FileError::Invalid(m) => AppError::BadRequest(m),
        }
    }
}

fn read_limited(r: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, FileError> {
    let mut buf = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| FileError::Invalid(format!("{what}: {e}")))?;
    if buf.len() as u64 > limit {
        return Err(FileError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// HSDS service records of a file: a zipped datapackage, or JSON (an array of services, a
/// page of `/hsds/services`, one service, or an organization with `services`).
pub fn hsds_records(bytes: &[u8], limit: u64) -> Result<Vec<Value>, FileError> {
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_records(bytes, limit);
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        FileError::Invalid(format!(
            "the file is neither a zipped HSDS datapackage nor valid JSON: {e}"
        ))
    })?;
    json_records(v)
}

fn json_records(v: Value) -> Result<Vec<Value>, FileError> {
    match v {
        Value::Array(items) => Ok(items),
        Value::Object(mut o) => {
            for key in ["contents", "services"] {
                if let Some(Value::Array(items)) = o.remove(key) {
                    return Ok(items);
                }
            }
            if o.contains_key("id") && o.contains_key("name") {
                Ok(vec![Value::Object(o)])
            } else {
                Err(FileError::Invalid(
                    "the JSON must be an array of HSDS services, a page with \"contents\", an organization with \"services\", or one service".into(),
                ))
            }
        }
        _ => Err(FileError::Invalid(
            "the JSON must be an array of HSDS services or an object".into(),
        )),
    }
}

fn zip_records(bytes: &[u8], limit: u64) -> Result<Vec<Value>, FileError> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| FileError::Invalid(format!("the zip file cannot be read: {e}")))?;
    let descriptor = z
        .file_names()
        .filter(|n| *n == "datapackage.json" || n.ends_with("/datapackage.json"))
        .min_by_key(|n| n.len())
        .map(str::to_string)
        .ok_or_else(|| FileError::Invalid("the zip file has no datapackage.json".into()))?;
    let prefix = descriptor.trim_end_matches("datapackage.json").to_string();
    let mut total = 0u64;
    let mut too_large = None;
    let records = datapackage::read_package(|path| {
        let name = format!("{prefix}{path}");
        let Ok(f) = z.by_name(&name) else {
            return Ok(None);
        };
        match read_limited(f, limit.saturating_sub(total), &name) {
            Ok(buf) => {
                total += buf.len() as u64;
                Ok(Some(buf))
            }
            Err(e @ FileError::TooLarge { .. }) => {
                let m = format!("{name}: {e}");
                too_large = Some(e);
                Err(m)
            }
            Err(FileError::Invalid(m)) => Err(m),
        }
    });
    match (records, too_large) {
        (_, Some(FileError::TooLarge { limit, .. })) => Err(FileError::Invalid(format!(
            "the uncompressed datapackage is larger than the import limit of {limit} bytes (import.max_bytes)"
        ))),
        (Ok(r), _) => Ok(r),
        (Err(m), _) => Err(FileError::Invalid(m)),
    }
}

/// HSDS records of a path: a datapackage directory, a zip file or a JSON file.
pub fn hsds_records_from_path(path: &std::path::Path, limit: u64) -> Result<Vec<Value>, FileError> {
    if path.is_dir() {
        let mut total = 0u64;
        return datapackage::read_package(|p| {
            let f = path.join(p);
            if !f.exists() {
                return Ok(None);
            }
            let file = std::fs::File::open(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            let buf = read_limited(file, limit.saturating_sub(total), &f.display().to_string())
                .map_err(|e| format!("{}: {e}", f.display()))?;
            total += buf.len() as u64;
            Ok(Some(buf))
        })
        .map_err(FileError::Invalid);
    }
    hsds_records(&read_file(path, limit)?, limit)
}

/// A file's bytes, refused before reading when larger than `limit`.
pub fn read_file(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| FileError::Invalid(format!("{}: {e}", path.display())))?;
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let f = std::fs::File::open(path)
        .map_err(|e| FileError::Invalid(format!("{}: {e}", path.display())))?;
    read_limited(f, limit, &path.display().to_string())
}

/// Candidates of HSDS records, for one organisation.
pub fn hsds_candidates(records: &[Value], org: &organization::Model) -> Vec<Candidate> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| hsds_to_candidate(format!("services[{i}]"), r, &org.default_language))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------------------------

/// Creates or updates the organisation's services from `candidates` (nothing with `dry_run`).
pub async fn apply(
    state: &AppState,
    org: &organization::Model,
    candidates: Vec<Candidate>,
    dry_run: bool,
    format: Format,
) -> AppResult<Report> {
    let rename: fn(&str) -> String = match format {
        Format::Hsds => hsds_field,
        Format::Csv => super::csv::rename_error,
    };
    let rows = entry::Entity::find()
        .filter(entry::Column::OrganizationId.eq(org.id))
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::Kind.eq(Kind::Service.as_str()))
        .filter(entry::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?;
    let mut existing: HashMap<String, entry::Model> = HashMap::new();
    for row in rows {
        let mut keys = vec![row.id.to_string(), service_uuid(&row).to_string()];
        keys.extend(row.hsds_id.clone());
        for k in keys {
            existing.entry(k).or_insert_with(|| row.clone());
        }
    }
    let ctx = Context {
        default_language: &org.default_language,
    };
    let mut report = Report {
        organization: org.slug.clone(),
        dry_run,
        ..Default::default()
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut wake = false;
    for c in candidates {
        let mut rec = RecordReport {
            at: c.at.clone(),
            id: c.id.clone(),
            name: c.name.clone(),
            outcome: "refused",
            entry_id: None,
            errors: Vec::new(),
        };
        let entry = c.body.and_then(|body| {
            validate::validate(Kind::Service, &body, &ctx).map_err(|errs| {
                errs.into_iter()
                    .map(|e| FieldError::new(rename(&e.field), e.message))
                    .collect()
            })
        });
        let id = c.id.clone().unwrap_or_default();
        let entry = match (entry, seen.get(&id)) {
            (_, Some(first)) => Err(vec![FieldError::new(
                "id",
                format!("{id:?} appears more than once in the file (first at {first})"),
            )]),
            (e, None) => e,
        };
        if !id.is_empty() {
            seen.entry(id.clone()).or_insert_with(|| c.at.clone());
        }
        match entry {
            Err(errors) => rec.errors = errors,
            Ok(entry) => match existing.get(&id) {
                Some(row) if store::parse(row).ok().as_ref() == Some(&entry) => {
                    rec.outcome = "unchanged";
                    rec.entry_id = Some(row.id);
                }
                Some(row) => {
                    rec.entry_id = Some(row.id);
                    if dry_run {
                        rec.outcome = "updated";
                    } else {
                        match save(state, org, Some(row.clone()), &entry, &id).await {
                            Ok(row) => {
                                rec.outcome = "updated";
                                existing.insert(id.clone(), row);
                                wake = true;
                            }
                            Err(e) => rec.errors.push(save_error(&c.at, e)),
                        }
                    }
                }
                None => {
                    if dry_run {
                        rec.outcome = "created";
                    } else {
                        match save(state, org, None, &entry, &id).await {
                            Ok(row) => {
                                rec.outcome = "created";
                                rec.entry_id = Some(row.id);
                                existing.insert(id.clone(), row);
                                wake = true;
                            }
                            Err(e) => rec.errors.push(save_error(&c.at, e)),
                        }
                    }
                }
            },
        }
        match rec.outcome {
            "created" => report.created += 1,
            "updated" => report.updated += 1,
            "unchanged" => report.unchanged += 1,
            _ => report.refused += 1,
        }
        report.records.push(rec);
    }
    if wake {
        state.delivery_wakeup.notify_waiters();
    }
    Ok(report)
}

fn save_error(at: &str, e: AppError) -> FieldError {
    tracing::warn!(record = at, error = %e, "import: a record could not be saved");
    FieldError::new("", "could not be saved (see the server log)")
}

/// Stores one record in its own transaction: a new entry (remembering its id in the file) or
/// an update of `row`.
async fn save(
    state: &AppState,
    org: &organization::Model,
    row: Option<entry::Model>,
    entry: &Entry,
    hsds_id: &str,
) -> AppResult<entry::Model> {
    let txn = crate::db::begin_write(&state.db).await?;
    let saved = match row {
        Some(row) => entries::replace_local_entry(&txn, state, org, row, entry).await?,
        None => {
            // A deleted entry may still hold the id: it gives it up.
            entry::Entity::update_many()
                .col_expr(entry::Column::HsdsId, Expr::value(Option::<String>::None))
                .filter(entry::Column::OrganizationId.eq(org.id))
                .filter(entry::Column::HsdsId.eq(hsds_id))
                .exec(&txn)
                .await?;
            let row = entries::insert_local_entry(&txn, state, org, entry).await?;
            entry::Entity::update_many()
                .col_expr(entry::Column::HsdsId, Expr::value(hsds_id.to_string()))
                .filter(entry::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            entry::Model {
                hsds_id: Some(hsds_id.to_string()),
                ..row
            }
        }
    };
    txn.commit().await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// The format of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Hsds,
    Csv,
}

/// Imports a file's bytes into an organisation.
pub async fn import_bytes(
    state: &AppState,
    org: &organization::Model,
    format: Format,
    bytes: &[u8],
    dry_run: bool,
) -> AppResult<Report> {
    let limit = state.config.import.max_bytes;
    let candidates = match format {
        Format::Hsds => hsds_candidates(&hsds_records(bytes, limit)?, org),
        Format::Csv => {
            if bytes.len() as u64 > limit {
                return Err(FileError::TooLarge {
                    size: bytes.len() as u64,
                    limit,
                }
                .into());
            }
            super::csv::candidates(bytes, &org.default_language).map_err(AppError::BadRequest)?
        }
    };
    apply(state, org, candidates, dry_run, format).await
}

/// Imports a file or datapackage directory (the `passerelle import` command).
pub async fn import_path(
    state: &AppState,
    org_slug: &str,
    format: Format,
    path: &std::path::Path,
    dry_run: bool,
) -> AppResult<Report> {
    let org = accounts::find_org(&state.db, org_slug)
        .await?
        .ok_or_else(|| AppError::field("org", format!("no organisation with slug {org_slug:?}")))?;
    let limit = state.config.import.max_bytes;
    match format {
        Format::Hsds => {
            let records = hsds_records_from_path(path, limit)?;
            apply(
                state,
                &org,
                hsds_candidates(&records, &org),
                dry_run,
                Format::Hsds,
            )
            .await
        }
        Format::Csv => {
            let bytes = read_file(path, limit)?;
            import_bytes(state, &org, Format::Csv, &bytes, dry_run).await
        }
    }
}

async fn admin_import(
    ctx: Ctx,
    user: ApiUser,
    q: BTreeMap<String, String>,
    headers: HeaderMap,
    body: Body,
    format: Format,
) -> AppResult<Json<Value>> {
    user.require_admin()?;
    let slug = q.get("org").filter(|s| !s.is_empty()).ok_or_else(|| {
        AppError::field(
            "org",
            "required: the slug of the organisation to import into",
        )
    })?;
    let dry_run = match q.get("dry_run").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(_) => return Err(AppError::field("dry_run", "must be true or false")),
    };
    let org = accounts::find_org(&ctx.db, slug)
        .await?
        .ok_or_else(|| AppError::field("org", format!("no organisation with slug {slug:?}")))?;
    let limit = ctx.config.import.max_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit
    {
        return Err(FileError::TooLarge { size: len, limit }.into());
    }
    let bytes = axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|_| {
            AppError::PayloadTooLarge(format!(
                "the file is more than the import limit of {limit} bytes (import.max_bytes)"
            ))
        })?;
    if bytes.is_empty() {
        return Err(AppError::BadRequest(
            "the body is empty: send the file as the request body".into(),
        ));
    }
    let report = import_bytes(&ctx, &org, format, &bytes, dry_run).await?;
    tracing::info!(admin = %user.0.email, org = %org.slug, ?format, dry_run, created = report.created, updated = report.updated, refused = report.refused, "import");
    Ok(Json(json!(report)))
}

pub async fn admin_import_hsds(
    ctx: Ctx,
    user: ApiUser,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<Value>> {
    admin_import(ctx, user, q, headers, body, Format::Hsds).await
}

pub async fn admin_import_csv(
    ctx: Ctx,
    user: ApiUser,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<Value>> {
    admin_import(ctx, user, q, headers, body, Format::Csv).await
}
