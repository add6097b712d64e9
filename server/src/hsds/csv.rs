//! The simple CSV layout of services for partners who keep their directory in a spreadsheet:
//! one row per service, documented in `docs/csv-format.md`.
use std::collections::BTreeSet;

use axum::{
    extract::Path,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{
    export::{Exported, Filters, exported_services},
    import::Candidate,
};
use crate::{
    accounts,
    app::Ctx,
    directory::{
        model::{LangMap, Schedule, Service, StrEnum, Weekday},
        validate::FieldError,
    },
    error::{AppError, AppResult},
};

/// Columns whose cells are texts in several languages: `name:fr`, `name:ar`; a column
/// without `:lang` is in the organisation's default language.
pub const TEXT_COLUMNS: &[&str] = &[
    "name",
    "alternate_name",
    "description",
    "eligibility",
    "fees_description",
    "application_process",
    "required_documents",
    "service_area",
];

/// The other columns, in order.
pub const PLAIN_COLUMNS: &[&str] = &[
    "status",
    "categories",
    "languages",
    "url",
    "email",
    "phones",
    "street_address",
    "postal_code",
    "locality",
    "region",
    "country",
    "latitude",
    "longitude",
    "precision",
    "online_url",
    "opening_hours",
    "timezone",
    "minimum_age",
    "maximum_age",
    "free",
    "interpretation_available",
    "last_verified",
];

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

// ---------------------------------------------------------------------------------------------
// Opening hours: "Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00"
// ---------------------------------------------------------------------------------------------

/// `Mo-Fr`, `Mo,We,Fr`, `Sa-Mo`; empty for every day.
pub fn format_days(days: &[Weekday]) -> String {
    crate::directory::model::day_groups(days)
        .into_iter()
        .map(|g| match (*g.start(), *g.end()) {
            (s, e) if s == e => DAYS[s].to_string(),
            (s, e) => format!("{}-{}", DAYS[s], DAYS[e]),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The compact form of a list of schedules (adjacent schedules on the same days share a group).
pub fn format_hours(schedules: &[Schedule]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for s in schedules {
        let days = format_days(&s.byday);
        let range = format!("{}-{}", s.opens_at, s.closes_at);
        match groups.last_mut() {
            Some((d, ranges)) if *d == days => ranges.push(range),
            _ => groups.push((days, vec![range])),
        }
    }
    groups
        .into_iter()
        .map(|(days, ranges)| {
            if days.is_empty() {
                ranges.join(",")
            } else {
                format!("{days} {}", ranges.join(","))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn parse_day(s: &str) -> Result<usize, String> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("unknown day {s:?} (use Mo, Tu, We, Th, Fr, Sa, Su)"))
}

/// Parses the compact form into `(days, opens_at, closes_at)` triples.
pub fn parse_hours(s: &str) -> Result<Vec<(Vec<Weekday>, String, String)>, String> {
    let mut out = Vec::new();
    for group in s.split(';').map(str::trim).filter(|g| !g.is_empty()) {
        let (days_part, ranges) = match group.split_once(char::is_whitespace) {
            Some((d, r)) if !d.contains(':') => (d, r.trim()),
            _ => ("", group),
        };
        let mut days: Vec<Weekday> = Vec::new();
        for item in days_part
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let (a, b) = match item.split_once('-') {
                Some((a, b)) => (parse_day(a.trim())?, parse_day(b.trim())?),
                None => {
                    let d = parse_day(item)?;
                    (d, d)
                }
            };
            let mut i = a;
            loop {
                let day = Weekday::ALL[i];
                if !days.contains(&day) {
                    days.push(day);
                }
                if i == b {
                    break;
                }
                i = (i + 1) % 7;
            }
        }
        for range in ranges.split(',').map(str::trim) {
            let (opens, closes) = range
                .split_once('-')
                .map(|(a, b)| (a.trim(), b.trim()))
                .filter(|(a, b)| a.len() == 5 && b.len() == 5)
                .ok_or_else(|| {
                    format!("{range:?} is not a time range like 09:00-12:00 (in {group:?})")
                })?;
            out.push((days.clone(), opens.to_string(), closes.to_string()));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

fn text_languages(services: &[&Service]) -> Vec<(String, BTreeSet<String>)> {
    TEXT_COLUMNS
        .iter()
        .map(|col| {
            let mut langs = BTreeSet::new();
            for s in services {
                if let Some(m) = text_of(s, col) {
                    langs.extend(m.languages().map(str::to_string));
                }
            }
            (col.to_string(), langs)
        })
        .collect()
}

fn text_of<'a>(s: &'a Service, col: &str) -> Option<&'a LangMap> {
    match col {
        "name" => Some(&s.name),
        "alternate_name" => s.alternate_name.as_ref(),
        "description" => Some(&s.description),
        "eligibility" => s.eligibility.as_ref(),
        "fees_description" => s.fees_description.as_ref(),
        "application_process" => s.application_process.as_ref(),
        "required_documents" => s.required_documents.as_ref(),
        "service_area" => s.service_area.as_ref(),
        _ => None,
    }
}

fn plain_cell(e: &Exported, col: &str) -> String {
    let s = &e.service;
    let loc = s.locations.first();
    let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    match col {
        "status" => s.status.as_str().to_string(),
        "categories" => s.categories.join(";"),
        "languages" => s.languages.join(";"),
        "url" => s.url.as_ref().map(|u| u.to_string()).unwrap_or_default(),
        "email" => opt(s.email.as_ref()),
        "phones" => s
            .phones
            .iter()
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        "street_address" => opt(loc.and_then(|l| l.street_address.as_ref())),
        "postal_code" => opt(loc.and_then(|l| l.postal_code.as_ref())),
        "locality" => opt(loc.and_then(|l| l.locality.as_ref())),
        "region" => opt(loc.and_then(|l| l.region.as_ref())),
        "country" => opt(loc.and_then(|l| l.country.as_ref())),
        "latitude" => loc
            .and_then(|l| l.latitude)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        "longitude" => loc
            .and_then(|l| l.longitude)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        "precision" => loc
            .map(|l| l.precision.as_str().to_string())
            .unwrap_or_default(),
        "online_url" => s
            .online_url
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default(),
        "opening_hours" => format_hours(&s.schedules),
        "timezone" => s
            .schedules
            .first()
            .map(|sc| sc.timezone.clone())
            .unwrap_or_default(),
        "minimum_age" => s.minimum_age.map(|v| v.to_string()).unwrap_or_default(),
        "maximum_age" => s.maximum_age.map(|v| v.to_string()).unwrap_or_default(),
        "free" => yes(s.free),
        "interpretation_available" => yes(s.interpretation_available),
        "last_verified" => s.last_verified.map(|d| d.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The CSV of these services.
pub fn services_csv(services: &[Exported], default_language: &str) -> AppResult<Vec<u8>> {
    let refs: Vec<&Service> = services.iter().map(|e| &e.service).collect();
    let mut text_cols = text_languages(&refs);
    for (col, langs) in &mut text_cols {
        if langs.is_empty() && (col == "name" || col == "description") {
            langs.insert(default_language.to_string());
        }
    }
    let mut header = vec!["id".to_string()];
    for (col, langs) in &text_cols {
        header.extend(langs.iter().map(|l| format!("{col}:{l}")));
    }
    header.extend(PLAIN_COLUMNS.iter().map(|c| c.to_string()));
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(anyhow::Error::from)?;
    for e in services {
        let mut row = vec![
            e.row
                .hsds_id
                .clone()
                .unwrap_or_else(|| e.row.id.to_string()),
        ];
        for (col, langs) in &text_cols {
            let map = text_of(&e.service, col);
            row.extend(
                langs
                    .iter()
                    .map(|l| map.and_then(|m| m.get(l)).unwrap_or("").to_string()),
            );
        }
        row.extend(PLAIN_COLUMNS.iter().map(|c| plain_cell(e, c)));
        w.write_record(&row).map_err(anyhow::Error::from)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

/// `GET /api/v1/organizations/{slug}/services.csv`: the organisation's exported services.
pub async fn export_handler(ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let org = accounts::find_org(&ctx.db, &slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no organisation {slug}")))?;
    let services = exported_services(
        &ctx.db,
        &Filters {
            organization_id: Some(org.id),
            ..Default::default()
        },
    )
    .await?;
    let body = services_csv(&services, &org.default_language)?;
    let disposition = format!("attachment; filename=\"{}-services.csv\"", org.slug);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

fn split_list(s: &str) -> Vec<Value> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| json!(x))
        .collect()
}

fn boolean(s: &str) -> Value {
    match s.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "oui" | "ja" | "sí" | "si" => json!(true),
        "no" | "n" | "false" | "0" | "non" | "nein" => json!(false),
        _ => json!(s),
    }
}

fn number(s: &str) -> Value {
    let t = s.trim().replace(',', ".");
    if let Ok(n) = t.parse::<u64>() {
        return json!(n);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => json!(f),
        _ => json!(s),
    }
}

/// Our error paths → CSV column names.
fn column_of(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("locations[0].") {
        return rest.split(['.', '[']).next().unwrap_or(rest).to_string();
    }
    for (prefix, col) in [("schedules", "opening_hours"), ("phones", "phones")] {
        if field.starts_with(prefix) {
            let inner = field.split_once("].").map(|(_, f)| f).unwrap_or("");
            return if inner == "timezone" {
                "timezone".into()
            } else {
                col.into()
            };
        }
    }
    for col in TEXT_COLUMNS {
        if let Some(lang) = field.strip_prefix(col).and_then(|r| r.strip_prefix('.')) {
            return format!("{col}:{lang}");
        }
    }
    for col in ["categories", "languages"] {
        if field.starts_with(&format!("{col}[")) {
            return col.to_string();
        }
    }
    if field == "locations" {
        // "a service needs at least one location or an online_url"
        return "locality".to_string();
    }
    field.to_string()
}

/// One row → candidate.
fn row_candidate(
    line: u64,
    header: &[String],
    cells: &[&str],
    default_language: &str,
) -> Candidate {
    let at = format!("line {line}");
    let mut b = Map::new();
    let mut errors = Vec::new();
    let mut loc = Map::new();
    let mut id = None;
    let mut name = None;
    let mut hours = None;
    let mut zone = None;
    for (h, raw) in header.iter().zip(cells) {
        let v = raw.trim();
        if v.is_empty() {
            continue;
        }
        let (col, lang) = match h.split_once(':') {
            Some((c, l)) => (c, Some(l)),
            None => (h.as_str(), None),
        };
        if TEXT_COLUMNS.contains(&col) {
            let lang = lang.unwrap_or(default_language);
            let entry = b
                .entry(col.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            entry[lang] = json!(v);
            if col == "name" && (name.is_none() || lang == default_language) {
                name = Some(v.to_string());
            }
            continue;
        }
        match col {
            "id" => id = Some(v.to_string()),
            "status" | "url" | "email" | "online_url" | "last_verified" => {
                b.insert(col.into(), json!(v));
            }
            "categories" | "languages" => {
                b.insert(col.into(), Value::Array(split_list(v)));
            }
            "phones" => {
                let phones: Vec<Value> = split_list(v)
                    .into_iter()
                    .map(|n| json!({ "number": n }))
                    .collect();
                b.insert("phones".into(), Value::Array(phones));
            }
            "street_address" | "postal_code" | "locality" | "region" | "country" | "precision" => {
                loc.insert(col.into(), json!(v));
            }
            "latitude" | "longitude" => {
                loc.insert(col.into(), number(v));
            }
            "minimum_age" | "maximum_age" => {
                b.insert(col.into(), number(v));
            }
            "free" | "interpretation_available" => {
                b.insert(col.into(), boolean(v));
            }
            "opening_hours" => hours = Some(v.to_string()),
            "timezone" => zone = Some(v.to_string()),
            _ => errors.push(FieldError::new(
                h.clone(),
                "unknown column (see docs/csv-format.md)",
            )),
        }
    }
    if !loc.is_empty() {
        b.insert("locations".into(), json!([loc]));
    }
    if let Some(h) = hours {
        match parse_hours(&h) {
            Ok(ranges) => {
                let Some(zone) = zone.clone() else {
                    errors.push(FieldError::new(
                        "timezone",
                        "required with opening_hours: an IANA time zone such as Europe/Paris",
                    ));
                    return Candidate {
                        at,
                        id,
                        name,
                        body: Err(errors),
                    };
                };
                let schedules: Vec<Value> = ranges
                    .into_iter()
                    .map(|(days, opens, closes)| {
                        let mut o =
                            json!({ "opens_at": opens, "closes_at": closes, "timezone": zone });
                        if !days.is_empty() {
                            o["byday"] = json!(days.iter().map(|d| d.as_str()).collect::<Vec<_>>());
                        }
                        o
                    })
                    .collect();
                b.insert("schedules".into(), Value::Array(schedules));
            }
            Err(m) => errors.push(FieldError::new("opening_hours", m)),
        }
    }
    if id.is_none() {
        errors.push(FieldError::new(
            "id",
            "required: a stable identifier of the service in your file (any text, unique per row)",
        ));
    }
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

/// Candidates of a CSV file; a file that cannot be read as CSV (broken quoting, not UTF-8,
/// no `id` column) is refused whole, naming the line.
pub fn candidates(bytes: &[u8], default_language: &str) -> Result<Vec<Candidate>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| {
            format!(
                "the header row cannot be read: {}",
                super::datapackage::csv_error(&e)
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if !header.iter().any(|h| h == "id") {
        return Err("the header row has no id column (see docs/csv-format.md)".into());
    }
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            format!(
                "the file is not valid CSV, nothing was imported: {}",
                super::datapackage::csv_error(&e)
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    Ok(rows
        .iter()
        .map(|(line, rec)| {
            let cells: Vec<&str> = rec.iter().collect();
            let mut c = row_candidate(*line, &header, &cells, default_language);
            c.body = c.body.map_err(|errs| {
                errs.into_iter()
                    .map(|e| FieldError::new(column_of(&e.field), e.message))
                    .collect()
            });
            c
        })
        .collect())
}

/// Error paths of validation (done later, in [`super::import::apply`]) use our field names;
/// for CSV they are renamed to columns there too.
pub fn rename_error(field: &str) -> String {
    column_of(field)
}
