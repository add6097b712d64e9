//! Parsing of the search parameters (`GET /api/v1/search` and the list endpoints): every
//! problem is reported at once, each naming its parameter.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{GeoFilter, OriginFilter, SearchParams, StatusFilter};
use crate::directory::{
    model::{EventStatus, Kind, OfferStatus, ServiceStatus, StrEnum},
    taxonomy::taxonomy,
    validate::FieldError,
};

/// The words of a free-text query: runs of letters, digits and combining marks, lower-cased
/// (at most 16 words of at most 64 characters). Everything else separates words, so what
/// reaches the engines never contains query syntax.
pub fn terms(q: &str) -> Vec<String> {
    q.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
        .take(16)
        .collect()
}

/// Combining marks of Latin, Arabic (harakat) and Cyrillic scripts, part of a word.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// RFC 3339, or a date (`from`: the start of that day in UTC, `to`: its end).
fn parse_time(v: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
    let t = if end_of_day {
        d.and_hms_opt(23, 59, 59)?
    } else {
        d.and_hms_opt(0, 0, 0)?
    };
    Some(t.and_utc())
}

fn parse_f64(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn is_domain(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 253
        && v.split(':').next().is_some_and(|host| {
            host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        })
        && v.split(':').nth(1).is_none_or(|p| p.parse::<u16>().is_ok())
        && v.matches(':').count() <= 1
}

/// Every status value of every kind.
fn known_status(v: &str) -> bool {
    ServiceStatus::parse_exact(v).is_some()
        || EventStatus::parse_exact(v).is_some()
        || OfferStatus::parse_exact(v).is_some()
}

/// Reads the query parameters. `implied_kind` is the kind of a list endpoint (`kind` is then
/// ignored); list endpoints also default to every status and every date (`list_defaults`),
/// as they did before filters existed.
pub fn parse(
    params: &BTreeMap<String, String>,
    implied_kind: Option<Kind>,
    now: DateTime<Utc>,
) -> Result<SearchParams, Vec<FieldError>> {
    let mut errors = Vec::new();
    let get = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut p = SearchParams::new(now);
    p.list_defaults = implied_kind.is_some();

    if let Some(q) = get("q") {
        p.terms = terms(q);
    }
    p.kind = implied_kind;
    if implied_kind.is_none()
        && let Some(v) = get("kind")
    {
        match v.parse::<Kind>() {
            Ok(k) => p.kind = Some(k),
            Err(_) => errors.push(FieldError::new(
                "kind",
                format!("unknown kind {v:?}: expected service, event or offer"),
            )),
        }
    }
    if let Some(v) = get("category") {
        if taxonomy().is_category(v) {
            p.categories = Some(taxonomy().with_descendants(v));
        } else {
            errors.push(FieldError::new(
                "category",
                format!("unknown category {v:?}: expected a category code of the taxonomy"),
            ));
        }
    }
    if let Some(v) = get("language") {
        let ok = v.len() <= 35
            && v.split('-').all(|s| {
                (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric())
            })
            && v.split('-').next().is_some_and(|s| s.len() >= 2);
        if ok {
            p.language = Some(v.to_string());
        } else {
            errors.push(FieldError::new(
                "language",
                "must be a language tag (BCP 47), such as fr or pt-BR",
            ));
        }
    }
    if let Some(v) = get("country") {
        if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) {
            p.country = Some(v.to_ascii_uppercase());
        } else {
            errors.push(FieldError::new(
                "country",
                "must be a two-letter ISO 3166-1 country code, such as FR",
            ));
        }
    }
    if let Some(v) = get("locality") {
        p.locality = Some(v.to_string());
    }

    let lat = get("lat").map(|v| (v, parse_f64(v).filter(|x| (-90.0..=90.0).contains(x))));
    let lon = get("lon").map(|v| (v, parse_f64(v).filter(|x| (-180.0..=180.0).contains(x))));
    let radius = get("radius_km").map(|v| (v, parse_f64(v).filter(|x| *x > 0.0 && *x <= 20_000.0)));
    if let Some((_, None)) = lat {
        errors.push(FieldError::new("lat", "must be a latitude from -90 to 90"));
    }
    if let Some((_, None)) = lon {
        errors.push(FieldError::new(
            "lon",
            "must be a longitude from -180 to 180",
        ));
    }
    if let Some((_, None)) = radius {
        errors.push(FieldError::new(
            "radius_km",
            "must be a distance in kilometres, above 0 and at most 20000",
        ));
    }
    match (lat, lon) {
        (Some(_), None) => errors.push(FieldError::new("lon", "required with lat")),
        (None, Some(_)) => errors.push(FieldError::new("lat", "required with lon")),
        (None, None) if radius.is_some() => errors.push(FieldError::new(
            "radius_km",
            "needs a point: give lat and lon too",
        )),
        (Some((_, Some(lat))), Some((_, Some(lon)))) => {
            p.point = Some(GeoFilter {
                lat,
                lon,
                radius_km: radius.and_then(|(_, r)| r),
            });
        }
        _ => {}
    }

    let from = get("from").map(|v| (v, parse_time(v, false)));
    let to = get("to").map(|v| (v, parse_time(v, true)));
    if let Some((_, None)) = from {
        errors.push(FieldError::new(
            "from",
            "must be a date (2026-12-05) or a date and time (RFC 3339)",
        ));
    }
    if let Some((_, None)) = to {
        errors.push(FieldError::new(
            "to",
            "must be a date (2026-12-05) or a date and time (RFC 3339)",
        ));
    }
    p.from = from.and_then(|(_, t)| t);
    p.to = to.and_then(|(_, t)| t);
    if let (Some(f), Some(t)) = (p.from, p.to)
        && t < f
    {
        errors.push(FieldError::new("to", "must not be before from"));
    }

    for (name, slot) in [("open_now", 0), ("free", 1)] {
        if let Some(v) = get(name) {
            match parse_bool(v) {
                Some(b) if slot == 0 => p.open_now = b,
                Some(b) => p.free = Some(b),
                None => errors.push(FieldError::new(name, "must be true or false")),
            }
        }
    }
    if let Some(v) = get("age") {
        match v.parse::<u32>() {
            Ok(a) if a <= 150 => p.age = Some(a),
            _ => errors.push(FieldError::new(
                "age",
                "must be a whole number from 0 to 150",
            )),
        }
    }
    if let Some(v) = get("origin") {
        if v == "local" {
            p.origin = Some(OriginFilter::Local);
        } else if is_domain(v) {
            p.origin = Some(OriginFilter::Domain(v.to_ascii_lowercase()));
        } else {
            errors.push(FieldError::new(
                "origin",
                "must be local or the domain of an instance",
            ));
        }
    }
    if let Some(v) = get("status") {
        if v == "all" {
            p.status = StatusFilter::All;
        } else if known_status(v) {
            p.status = StatusFilter::Only(v.to_string());
        } else {
            errors.push(FieldError::new(
                "status",
                format!(
                    "unknown status {v:?}: expected all, {}, {} or {}",
                    ServiceStatus::expected(),
                    EventStatus::expected(),
                    OfferStatus::expected()
                ),
            ));
        }
    }
    match crate::http::entries::paging(get("page"), get("per_page")) {
        Ok((page, per_page)) => {
            p.page = page;
            p.per_page = per_page;
        }
        Err(crate::error::AppError::Validation(e)) => errors.extend(e),
        Err(_) => {}
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(terms("Santé, logement!"), ["santé", "logement"]);
        assert_eq!(terms("\"a\" OR b* NEAR(c)"), ["a", "or", "b", "near", "c"]);
        assert_eq!(terms("житло سكن"), ["житло", "سكن"]);
        assert!(terms("  -- ").is_empty());
    }

    #[test]
    fn all_problems_at_once() {
        let params: BTreeMap<String, String> = [
            ("category", "nope"),
            ("kind", "thing"),
            ("radius_km", "5"),
            ("from", "yesterday"),
            ("open_now", "maybe"),
            ("age", "-1"),
            ("status", "weird"),
            ("per_page", "500"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errors = parse(&params, None, Utc::now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "category",
            "kind",
            "radius_km",
            "from",
            "open_now",
            "age",
            "status",
            "per_page",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
    }
}
