//! The HSDS datapackage: a Frictionless `datapackage.json` descriptor plus one CSV table per
//! HSDS object type, zipped. [`flatten`] turns nested HSDS service records into tables;
//! [`unflatten`] rebuilds nested records from tables (for imports).
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Write};

use serde_json::{Map, Value, json};

use super::{EXT, HSDS_VERSION, export::all_terms};
use crate::{
    AppState,
    error::{AppError, AppResult},
};

/// `(resource name, file, columns)`; the columns are the HSDS fields Passerelle writes, plus
/// the `x_passerelle` extension column (a JSON object) where it has one.
pub const TABLES: &[(&str, &str, &[&str])] = &[
    (
        "organization",
        "organizations.csv",
        &[
            "id",
            "name",
            "description",
            "email",
            "website",
            "logo",
            "uri",
        ],
    ),
    (
        "service",
        "services.csv",
        &[
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "last_modified",
            EXT,
        ],
    ),
    (
        "phone",
        "phones.csv",
        &["id", "service_id", "number", "extension", "type", EXT],
    ),
    (
        "language",
        "languages.csv",
        &["id", "service_id", "phone_id", "code", "name"],
    ),
    (
        "schedule",
        "schedules.csv",
        &[
            "id",
            "service_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "timezone",
            "notes",
            EXT,
        ],
    ),
    (
        "service_area",
        "service_areas.csv",
        &["id", "service_id", "name", "description"],
    ),
    (
        "service_at_location",
        "service_at_location.csv",
        &["id", "service_id", "location_id", "description"],
    ),
    (
        "location",
        "locations.csv",
        &[
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "transportation",
            "latitude",
            "longitude",
            EXT,
        ],
    ),
    (
        "address",
        "addresses.csv",
        &[
            "id",
            "location_id",
            "address_1",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
    ),
    (
        "accessibility",
        "accessibility.csv",
        &["id", "location_id", "description"],
    ),
    (
        "cost_option",
        "cost_options.csv",
        &["id", "service_id", "option", "amount"],
    ),
    (
        "required_document",
        "required_documents.csv",
        &["id", "service_id", "document"],
    ),
    (
        "attribute",
        "attributes.csv",
        &[
            "id",
            "link_id",
            "link_type",
            "link_entity",
            "taxonomy_term_id",
        ],
    ),
    (
        "taxonomy",
        "taxonomies.csv",
        &["id", "name", "description", "uri", "version"],
    ),
    (
        "taxonomy_term",
        "taxonomy_terms.csv",
        &[
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "taxonomy_id",
            "language",
        ],
    ),
];

/// Columns holding numbers.
const NUMBER_COLUMNS: &[&str] = &[
    "minimum_age",
    "maximum_age",
    "extension",
    "timezone",
    "latitude",
    "longitude",
    "amount",
    "interval",
    "count",
];

fn field_type(column: &str) -> &'static str {
    match column {
        c if NUMBER_COLUMNS.contains(&c) => "number",
        "assured_date" | "valid_from" | "valid_to" => "date",
        "last_modified" => "datetime",
        EXT => "object",
        _ => "string",
    }
}

/// Rows of every table, by resource name.
pub type Tables = BTreeMap<String, Vec<Map<String, Value>>>;

fn push(tables: &mut Tables, table: &str, record: &Value, extra: &[(&str, &Value)]) {
    let Some(obj) = record.as_object() else {
        return;
    };
    let mut row = Map::new();
    for (k, v) in obj {
        let nested = v.is_array() || (v.is_object() && k != EXT);
        if !nested {
            row.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in extra {
        row.insert((*k).to_string(), (*v).clone());
    }
    let rows = tables.entry(table.to_string()).or_default();
    if let Some(id) = row.get("id")
        && rows.iter().any(|r| r.get("id") == Some(id))
    {
        return;
    }
    rows.push(row);
}

fn each<'a>(record: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    record[key].as_array().into_iter().flatten()
}

/// Nested HSDS service records → tables.
pub fn flatten(services: &[Value]) -> Tables {
    let mut t = Tables::new();
    for s in services {
        let sid = &s["id"];
        if s["organization"].is_object() {
            push(&mut t, "organization", &s["organization"], &[]);
        }
        push(&mut t, "service", s, &[]);
        for p in each(s, "phones") {
            push(&mut t, "phone", p, &[]);
            for l in each(p, "languages") {
                push(&mut t, "language", l, &[]);
            }
        }
        for (key, table) in [
            ("schedules", "schedule"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("cost_options", "cost_option"),
            ("required_documents", "required_document"),
            ("attributes", "attribute"),
        ] {
            for r in each(s, key) {
                push(&mut t, table, r, &[]);
            }
        }
        for sal in each(s, "service_at_locations") {
            push(&mut t, "service_at_location", sal, &[("service_id", sid)]);
            let loc = &sal["location"];
            if loc.is_object() {
                push(&mut t, "location", loc, &[]);
                for a in each(loc, "addresses") {
                    push(&mut t, "address", a, &[]);
                }
                for a in each(loc, "accessibility") {
                    push(&mut t, "accessibility", a, &[]);
                }
            }
        }
    }
    for term in all_terms() {
        push(&mut t, "taxonomy_term", &term, &[]);
    }
    t
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// One table as CSV text (header row, then one row per record).
pub fn table_csv(columns: &[&str], rows: &[Map<String, Value>]) -> AppResult<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(columns).map_err(anyhow::Error::from)?;
    for r in rows {
        w.write_record(columns.iter().map(|c| cell(r.get(*c))))
            .map_err(anyhow::Error::from)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

/// The Frictionless descriptor of the package.
pub fn descriptor(state: &AppState) -> Value {
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|(name, path, columns)| {
            let fields: Vec<Value> = columns
                .iter()
                .map(|c| json!({ "name": c, "type": field_type(c) }))
                .collect();
            json!({
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": { "fields": fields, "primaryKey": "id" },
            })
        })
        .collect();
    json!({
        "name": "human_services_data",
        "title": format!("{} — services (Open Referral HSDS {HSDS_VERSION})", state.config.instance.name),
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "homepage": state.urls.base().as_str(),
        "x_passerelle": "Columns named x_passerelle hold a JSON object with what HSDS cannot express (texts in several languages, IANA time zones, location precision); see docs/csv-format.md.",
        "resources": resources,
    })
}

/// The zipped datapackage of these service records.
pub fn zip(state: &AppState, services: &[Value]) -> AppResult<Vec<u8>> {
    let tables = flatten(services);
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let io = |e: std::io::Error| AppError::Internal(e.into());
    let ze = |e: zip::result::ZipError| AppError::Internal(e.into());
    z.start_file("datapackage.json", opts).map_err(ze)?;
    z.write_all(
        serde_json::to_string_pretty(&descriptor(state))
            .map_err(anyhow::Error::from)?
            .as_bytes(),
    )
    .map_err(io)?;
    let empty = Vec::new();
    for (name, path, columns) in TABLES {
        let rows = if *name == "taxonomy" {
            &super::export::taxonomies_rows()
        } else {
            tables.get(*name).unwrap_or(&empty)
        };
        z.start_file(*path, opts).map_err(ze)?;
        z.write_all(&table_csv(columns, rows)?).map_err(io)?;
    }
    Ok(z.finish().map_err(ze)?.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Parses one CSV table; numbers and JSON columns typed. Errors name the file and the line.
pub fn read_table(file: &str, bytes: &[u8]) -> Result<Vec<Map<String, Value>>, String> {
    let mut r = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(bytes);
    let headers = r
        .headers()
        .map_err(|e| format!("{file}: cannot read the header row: {e}"))?
        .clone();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{file}: {}", csv_error(&e)))?;
        let mut row = Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if v.is_empty() {
                continue;
            }
            let value = if NUMBER_COLUMNS.contains(&h) {
                v.parse::<f64>()
                    .ok()
                    .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                    .unwrap_or_else(|| Value::String(v.to_string()))
            } else if h == EXT {
                serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()))
            } else {
                Value::String(v.to_string())
            };
            row.insert(h.to_string(), value);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A CSV error with its line, in plain words.
pub fn csv_error(e: &::csv::Error) -> String {
    let line = e.position().map(|p| p.line());
    let what = match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "a row has {len} fields where the header has {expected_len} (check the quoting: a field containing a comma, a quote or a line break must be enclosed in double quotes, and quotes inside it doubled)"
        ),
        ::csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    match line {
        Some(l) => format!("line {l}: {what}"),
        None => what,
    }
}

fn index(rows: &[Map<String, Value>]) -> HashMap<String, &Map<String, Value>> {
    rows.iter()
        .filter_map(|r| {
            r.get("id")
                .and_then(Value::as_str)
                .map(|id| (id.to_string(), r))
        })
        .collect()
}

fn children(rows: &[Map<String, Value>], key: &str, id: &str) -> Vec<Value> {
    rows.iter()
        .filter(|r| r.get(key).and_then(Value::as_str) == Some(id))
        .map(|r| Value::Object(r.clone()))
        .collect()
}

/// Tables → nested service records (in the order of `services.csv`).
pub fn unflatten(t: &Tables) -> Vec<Value> {
    let empty = Vec::new();
    let get = |name: &str| t.get(name).unwrap_or(&empty);
    let orgs = index(get("organization"));
    let locations = index(get("location"));
    let terms = index(get("taxonomy_term"));
    let mut out = Vec::new();
    for s in get("service") {
        let mut rec = s.clone();
        let sid = s
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let phones: Vec<Value> = children(get("phone"), "service_id", &sid)
            .into_iter()
            .map(|mut p| {
                let pid = p["id"].as_str().unwrap_or("").to_string();
                p["languages"] = Value::Array(children(get("language"), "phone_id", &pid));
                p
            })
            .collect();
        rec.insert("phones".into(), Value::Array(phones));
        for (key, table) in [
            ("schedules", "schedule"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("cost_options", "cost_option"),
            ("required_documents", "required_document"),
        ] {
            rec.insert(
                key.into(),
                Value::Array(children(get(table), "service_id", &sid)),
            );
        }
        let attributes: Vec<Value> = children(get("attribute"), "link_id", &sid)
            .into_iter()
            .map(|mut a| {
                if let Some(term) = a["taxonomy_term_id"].as_str().and_then(|id| terms.get(id)) {
                    a["taxonomy_term"] = Value::Object((*term).clone());
                }
                a
            })
            .collect();
        rec.insert("attributes".into(), Value::Array(attributes));
        let sals: Vec<Value> = children(get("service_at_location"), "service_id", &sid)
            .into_iter()
            .map(|mut sal| {
                if let Some(loc) = sal["location_id"].as_str().and_then(|id| locations.get(id)) {
                    let mut loc = Value::Object((*loc).clone());
                    let lid = loc["id"].as_str().unwrap_or("").to_string();
                    loc["addresses"] = Value::Array(children(get("address"), "location_id", &lid));
                    loc["accessibility"] =
                        Value::Array(children(get("accessibility"), "location_id", &lid));
                    sal["location"] = loc;
                }
                sal
            })
            .collect();
        rec.insert("service_at_locations".into(), Value::Array(sals));
        if let Some(org) = s
            .get("organization_id")
            .and_then(Value::as_str)
            .and_then(|id| orgs.get(id))
        {
            rec.insert("organization".into(), Value::Object((*org).clone()));
        }
        out.push(Value::Object(rec));
    }
    out
}

/// Reads a datapackage given a way to read its files by path (relative to datapackage.json).
/// Tables that are absent are empty; `services.csv` is required.
pub fn read_package(
    mut read: impl FnMut(&str) -> Result<Option<Vec<u8>>, String>,
) -> Result<Vec<Value>, String> {
    let descriptor =
        read("datapackage.json")?.ok_or_else(|| "datapackage.json is missing".to_string())?;
    let descriptor: Value = serde_json::from_slice(&descriptor)
        .map_err(|e| format!("datapackage.json is not valid JSON: {e}"))?;
    let mut paths: HashMap<String, String> = TABLES
        .iter()
        .map(|(n, p, _)| (n.to_string(), p.to_string()))
        .collect();
    for r in descriptor["resources"].as_array().into_iter().flatten() {
        if let (Some(n), Some(p)) = (r["name"].as_str(), r["path"].as_str()) {
            paths.insert(n.to_string(), p.to_string());
        }
    }
    let mut tables = Tables::new();
    for (name, _, _) in TABLES {
        let path = &paths[*name];
        if path.contains("..") || path.starts_with('/') {
            return Err(format!(
                "resource {name}: path {path:?} is not inside the package"
            ));
        }
        match read(path)? {
            Some(bytes) => {
                tables.insert(name.to_string(), read_table(path, &bytes)?);
            }
            None if *name == "service" => {
                return Err(format!("the package has no {path} (the services table)"));
            }
            None => {}
        }
    }
    Ok(unflatten(&tables))
}
