//! Validation of directory entries received as JSON API bodies.
//!
//! [`validate`] reads a JSON object field by field and reports every problem at once, each
//! with the path of the offending field (`locations[0].latitude`, `name.xx-!!`). What it
//! returns is normalised: language tags in canonical case (`pt-BR`), country codes in upper
//! case, duplicates removed from code lists, plain-string texts put under the default
//! language. [`merge_patch`] implements RFC 7396 for PATCH.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use language_tags::LanguageTag;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

use super::model::{
    Area, AreaKind, Availability, Entry, Event, EventStatus, JoinMode, Kind, LangMap, Location,
    Offer, OfferStatus, Phone, PhoneType, Precision, Safety, Schedule, Service, ServiceStatus,
    StrEnum, Weekday, parse_hhmm,
};
use super::taxonomy::taxonomy;

/// One problem in a request body.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Path of the field: `name`, `locations[0].latitude`, `name.xx-!!`; empty for the body
    /// itself.
    pub field: String,
    /// What is wrong, in English.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// What validation needs to know about the request.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Language of texts given as a plain string instead of a language map.
    pub default_language: &'a str,
}

/// Top-level keys accepted and ignored: `organization` is handled by the caller, the others
/// are read-only fields of GET responses (so that a GET response can be PUT back).
pub const IGNORED_FIELDS: &[&str] = &[
    "organization",
    "id",
    "ap_id",
    "kind",
    "origin",
    "published",
    "updated",
];

/// Maximum characters of a name or alternate name, per language.
pub const MAX_NAME_CHARS: usize = 200;
/// Maximum characters of a description, per language.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
/// Maximum characters of other texts, per language.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Maximum languages in one language map.
pub const MAX_MAP_LANGUAGES: usize = 20;
pub const MAX_LOCATIONS: usize = 20;
pub const MAX_SCHEDULES: usize = 50;
pub const MAX_PHONES: usize = 20;
/// Maximum characters of short plain strings (address parts, phone numbers...).
const MAX_SHORT_CHARS: usize = 200;
/// Maximum characters of a URL.
const MAX_URL_CHARS: usize = 2_000;
/// Maximum items of code and language lists.
const MAX_LIST_ITEMS: usize = 50;

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted.
pub const COUNTRY_CODES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (exact, upper case).
pub fn is_country_code(code: &str) -> bool {
    COUNTRY_CODES.binary_search(&code).is_ok()
}

/// A well-formed and valid (IANA-registered subtags) BCP-47 tag in canonical case
/// (`FR` → `fr`, `pt-br` → `pt-BR`, `zh-hant` → `zh-Hant`), or `None`.
pub fn normalize_language_tag(tag: &str) -> Option<String> {
    let parsed = LanguageTag::parse(tag).ok()?;
    parsed.is_valid().then(|| parsed.into_string())
}

/// A simple sanity check: `local@domain.tld`, no spaces, at most 254 characters.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !local.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains(['(', ')', '<', '>', ',', ';', ':', '[', ']', '"', '\\'])
}

/// Validates an API body for an entry of `kind` and returns the normalised entry, or every
/// problem found.
///
/// Texts (language maps) accept `{"fr": "...", "ar": "..."}` or a plain string meaning
/// `ctx.default_language`. `null` is the same as an absent field. Keys in [`IGNORED_FIELDS`]
/// are ignored; any other unknown key is an error.
pub fn validate(kind: Kind, body: &Value, ctx: &Context) -> Result<Entry, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![FieldError::new("", "the body must be a JSON object")]);
    };
    let mut c = Checker::new(ctx);
    let entry = match kind {
        Kind::Service => c.service(obj).map(Entry::Service),
        Kind::Event => c.event(obj).map(Entry::Event),
        Kind::Offer => c.offer(obj).map(Entry::Offer),
    };
    match entry {
        Some(entry) if c.errors.is_empty() => Ok(entry),
        _ if c.errors.is_empty() => Err(vec![FieldError::new("", "invalid entry")]),
        _ => Err(c.errors),
    }
}

/// RFC 7396 JSON merge patch: objects merge recursively, `null` removes a key, anything else
/// replaces. Key order of `target` is preserved, new keys are appended.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.shift_remove(key);
            } else {
                merge_patch(target.entry(key.as_str()).or_insert(Value::Null), value);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

const SERVICE_FIELDS: &[&str] = &[
    "name",
    "alternate_name",
    "description",
    "status",
    "categories",
    "languages",
    "url",
    "email",
    "phones",
    "locations",
    "online_url",
    "schedules",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "free",
    "fees_description",
    "application_process",
    "required_documents",
    "interpretation_available",
    "service_area",
    "last_verified",
    "safety",
];

const EVENT_FIELDS: &[&str] = &[
    "name",
    "description",
    "status",
    "categories",
    "languages",
    "start_time",
    "end_time",
    "timezone",
    "location",
    "online_url",
    "capacity",
    "remaining_places",
    "join_mode",
    "registration_url",
    "banner_url",
    "contact",
    "safety",
];

const OFFER_FIELDS: &[&str] = &[
    "name",
    "description",
    "status",
    "categories",
    "help_types",
    "languages",
    "area",
    "availability",
    "requirements",
    "safety",
];

const LOCATION_FIELDS: &[&str] = &[
    "name",
    "street_address",
    "postal_code",
    "locality",
    "region",
    "country",
    "latitude",
    "longitude",
    "precision",
    "accessibility",
    "transportation",
];

const PHONE_FIELDS: &[&str] = &["number", "extension", "type", "languages"];

const SCHEDULE_FIELDS: &[&str] = &[
    "byday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "timezone",
    "notes",
];

const AREA_FIELDS: &[&str] = &["kind", "locality", "region", "country"];
const AVAILABILITY_FIELDS: &[&str] = &["days", "times", "until"];
const SAFETY_FIELDS: &[&str] = &["do_not_federate"];

/// A field value, `null` counting as absent.
fn get<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// Kind of code list.
#[derive(Clone, Copy)]
enum Codes {
    Category,
    HelpType,
}

struct Checker {
    errors: Vec<FieldError>,
    default_language: String,
}

impl Checker {
    fn new(ctx: &Context) -> Self {
        Checker {
            errors: Vec::new(),
            default_language: normalize_language_tag(ctx.default_language)
                .unwrap_or_else(|| ctx.default_language.to_string()),
        }
    }

    fn err(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, got: &Value) {
        self.err(path, format!("must be {expected}, not {}", json_type(got)));
    }

    /// Errors for keys not in `known` (nor in `ignored`).
    fn unknown_fields(
        &mut self,
        path: &str,
        obj: &Map<String, Value>,
        known: &[&str],
        ignored: &[&str],
    ) {
        for key in obj.keys() {
            if !known.contains(&key.as_str()) && !ignored.contains(&key.as_str()) {
                self.err(join(path, key), "unknown field");
            }
        }
    }

    /// The value as an object, or an error.
    fn object<'v>(&mut self, path: &str, v: &'v Value) -> Option<&'v Map<String, Value>> {
        let obj = v.as_object();
        if obj.is_none() {
            self.wrong_type(path, "an object", v);
        }
        obj
    }

    /// The value as an array (absent: empty), at most `max` items.
    fn array<'v>(&mut self, path: &str, v: Option<&'v Value>, max: usize) -> &'v [Value] {
        match v {
            None => &[],
            Some(Value::Array(items)) => {
                if items.len() > max {
                    self.err(
                        path,
                        format!("too many items ({}, at most {max})", items.len()),
                    );
                }
                items
            }
            Some(other) => {
                self.wrong_type(path, "an array", other);
                &[]
            }
        }
    }

    fn check_length(&mut self, path: &str, text: &str, max: usize) {
        let n = text.chars().count();
        if n > max {
            self.err(path, format!("too long ({n} characters, at most {max})"));
        }
    }

    /// A language map, or a plain string in the default language.
    /// Optional maps silently drop empty texts.
    fn text(&mut self, path: &str, v: Option<&Value>, need: Need, max: usize) -> Option<LangMap> {
        let Some(v) = v else {
            if need == Need::Required {
                self.err(path, "is required");
            }
            return None;
        };
        match v {
            Value::String(s) => {
                if s.trim().is_empty() {
                    if need == Need::Required {
                        self.err(path, "must not be empty");
                    }
                    return None;
                }
                self.check_length(path, s, max);
                Some(LangMap::single(self.default_language.clone(), s.clone()))
            }
            Value::Object(obj) => {
                if obj.len() > MAX_MAP_LANGUAGES {
                    self.err(
                        path,
                        format!(
                            "too many languages ({}, at most {MAX_MAP_LANGUAGES})",
                            obj.len()
                        ),
                    );
                }
                let mut map = BTreeMap::new();
                let mut had_errors = false;
                for (key, value) in obj {
                    let field = join(path, key);
                    let before = self.errors.len();
                    let tag = normalize_language_tag(key);
                    if tag.is_none() {
                        self.err(
                            &field,
                            format!("'{key}' is not a valid BCP-47 language tag"),
                        );
                    }
                    let text = match value {
                        Value::String(s) if s.trim().is_empty() => {
                            if need == Need::Required {
                                self.err(&field, "must not be empty");
                            }
                            None
                        }
                        Value::String(s) => {
                            self.check_length(&field, s, max);
                            Some(s.clone())
                        }
                        Value::Null => None,
                        other => {
                            self.wrong_type(&field, "a string", other);
                            None
                        }
                    };
                    if self.errors.len() == before
                        && let (Some(tag), Some(text)) = (tag, text)
                        && map.insert(tag, text).is_some()
                    {
                        self.err(&field, "duplicate language");
                    }
                    had_errors |= self.errors.len() > before;
                }
                if map.is_empty() && !had_errors {
                    if need == Need::Required {
                        self.err(path, "is required");
                    }
                    return None;
                }
                Some(LangMap(map))
            }
            other => {
                self.wrong_type(path, "a string or an object of language tag → text", other);
                None
            }
        }
    }

    /// A plain string; empty means absent.
    fn string(&mut self, path: &str, v: Option<&Value>, need: Need, max: usize) -> Option<String> {
        match v {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                self.check_length(path, s, max);
                Some(s.clone())
            }
            Some(Value::String(_)) if need == Need::Required => {
                self.err(path, "must not be empty");
                None
            }
            Some(Value::String(_)) => None,
            Some(other) => {
                self.wrong_type(path, "a string", other);
                None
            }
            None => {
                if need == Need::Required {
                    self.err(path, "is required");
                }
                None
            }
        }
    }

    fn boolean(&mut self, path: &str, v: Option<&Value>) -> bool {
        match v {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.wrong_type(path, "true or false", other);
                false
            }
        }
    }

    fn unsigned(&mut self, path: &str, v: Option<&Value>) -> Option<u32> {
        let v = v?;
        let n = v.as_u64().and_then(|n| u32::try_from(n).ok());
        if n.is_none() {
            if v.is_number() {
                self.err(path, "must be a non-negative integer");
            } else {
                self.wrong_type(path, "a non-negative integer", v);
            }
        }
        n
    }

    fn coordinate(&mut self, path: &str, v: Option<&Value>, limit: f64) -> Option<f64> {
        let v = v?;
        let Some(x) = v.as_f64() else {
            self.wrong_type(path, "a number", v);
            return None;
        };
        if !(-limit..=limit).contains(&x) {
            self.err(path, format!("must be between -{limit} and {limit}"));
            return None;
        }
        Some(x)
    }

    /// A string matched against an enum; absent gives `None` (no error).
    fn enumeration<T: StrEnum>(&mut self, path: &str, v: Option<&Value>) -> Option<T> {
        match v? {
            Value::String(s) => {
                let parsed = T::parse_exact(s);
                if parsed.is_none() {
                    self.err(path, format!("must be one of: {}", T::expected()));
                }
                parsed
            }
            other => {
                self.wrong_type(path, "a string", other);
                None
            }
        }
    }

    fn date(&mut self, path: &str, v: Option<&Value>) -> Option<NaiveDate> {
        let s = self.string(path, v, Need::Optional, MAX_SHORT_CHARS)?;
        let date = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        if date.is_none() {
            self.err(path, "must be a date YYYY-MM-DD");
        }
        date
    }

    fn datetime(&mut self, path: &str, v: Option<&Value>) -> Option<DateTime<FixedOffset>> {
        let s = self.string(path, v, Need::Required, MAX_SHORT_CHARS)?;
        let t = DateTime::parse_from_rfc3339(&s).ok();
        if t.is_none() {
            self.err(
                path,
                "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-12-05T14:00:00+01:00",
            );
        }
        t
    }

    fn timezone(&mut self, path: &str, v: Option<&Value>) -> Option<String> {
        let s = self.string(path, v, Need::Required, MAX_SHORT_CHARS)?;
        if s.parse::<Tz>().is_err() {
            self.err(
                path,
                format!("'{s}' is not an IANA time zone (e.g. Europe/Paris)"),
            );
            return None;
        }
        Some(s)
    }

    fn hhmm(&mut self, path: &str, v: Option<&Value>, allow_24: bool) -> Option<String> {
        let s = self.string(path, v, Need::Required, MAX_SHORT_CHARS)?;
        match parse_hhmm(&s) {
            Some(m) if m < 1440 || allow_24 => Some(s),
            _ => {
                self.err(
                    path,
                    if allow_24 {
                        "must be a time HH:MM between 00:00 and 24:00"
                    } else {
                        "must be a time HH:MM between 00:00 and 23:59"
                    },
                );
                None
            }
        }
    }

    fn url(&mut self, path: &str, v: Option<&Value>) -> Option<Url> {
        let s = self.string(path, v, Need::Optional, MAX_URL_CHARS)?;
        match Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
            Ok(_) => {
                self.err(path, "must be an http or https URL");
                None
            }
            Err(e) => {
                self.err(path, format!("is not a valid URL ({e})"));
                None
            }
        }
    }

    fn email(&mut self, path: &str, v: Option<&Value>) -> Option<String> {
        let s = self.string(path, v, Need::Optional, 254)?;
        if !is_plausible_email(&s) {
            self.err(path, "is not a valid e-mail address");
            return None;
        }
        Some(s)
    }

    fn country(&mut self, path: &str, v: Option<&Value>) -> Option<String> {
        let s = self.string(path, v, Need::Optional, MAX_SHORT_CHARS)?;
        let upper = s.trim().to_ascii_uppercase();
        if !is_country_code(&upper) {
            self.err(
                path,
                format!("'{s}' is not an ISO 3166-1 alpha-2 country code (e.g. FR)"),
            );
            return None;
        }
        Some(upper)
    }

    /// A list of language tags, normalised and deduplicated.
    fn languages(&mut self, path: &str, v: Option<&Value>, need: Need) -> Vec<String> {
        if v.is_none() && need == Need::Required {
            self.err(path, "is required");
            return Vec::new();
        }
        let items = self.array(path, v, MAX_LIST_ITEMS);
        let mut out: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("{path}[{i}]");
            match item {
                Value::String(s) => match normalize_language_tag(s) {
                    Some(tag) => {
                        if !out.contains(&tag) {
                            out.push(tag);
                        }
                    }
                    None => self.err(field, format!("'{s}' is not a valid BCP-47 language tag")),
                },
                other => self.wrong_type(&field, "a string", other),
            }
        }
        if need == Need::Required && v.and_then(Value::as_array).is_some_and(Vec::is_empty) {
            self.err(path, "must contain at least one language");
        }
        out
    }

    /// A list of taxonomy codes, deduplicated.
    fn codes(&mut self, path: &str, v: Option<&Value>, need: Need, kind: Codes) -> Vec<String> {
        if v.is_none() && need == Need::Required {
            self.err(path, "is required");
            return Vec::new();
        }
        let items = self.array(path, v, MAX_LIST_ITEMS);
        let t = taxonomy();
        let mut out: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("{path}[{i}]");
            match (item, kind) {
                (Value::String(s), Codes::Category) if !t.is_category(s) => {
                    self.err(field, format!("unknown category '{s}'"));
                }
                (Value::String(s), Codes::HelpType) if !t.is_help_type(s) => {
                    self.err(field, format!("unknown help type '{s}'"));
                }
                (Value::String(s), _) => {
                    if !out.contains(s) {
                        out.push(s.clone());
                    }
                }
                (other, _) => self.wrong_type(&field, "a string", other),
            }
        }
        if need == Need::Required && v.and_then(Value::as_array).is_some_and(Vec::is_empty) {
            self.err(path, "must not be empty");
        }
        out
    }

    fn weekdays(&mut self, path: &str, v: Option<&Value>) -> Vec<Weekday> {
        let items = self.array(path, v, 7 * 4);
        let mut out: Vec<Weekday> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("{path}[{i}]");
            match item {
                Value::String(s) => match Weekday::parse_lenient(s) {
                    Some(day) => {
                        if !out.contains(&day) {
                            out.push(day);
                        }
                    }
                    None => self.err(field, format!("must be one of: {}", Weekday::expected())),
                },
                other => self.wrong_type(&field, "a string", other),
            }
        }
        out.sort_by_key(Weekday::index);
        out
    }

    fn safety(&mut self, v: Option<&Value>) -> Safety {
        let Some(obj) = v.and_then(|v| self.object("safety", v)) else {
            return Safety::default();
        };
        self.unknown_fields("safety", obj, SAFETY_FIELDS, &[]);
        Safety {
            do_not_federate: self.boolean("safety.do_not_federate", get(obj, "do_not_federate")),
        }
    }

    fn location(&mut self, path: &str, v: &Value) -> Option<Location> {
        let obj = self.object(path, v)?;
        self.unknown_fields(path, obj, LOCATION_FIELDS, &[]);
        let p = |key: &str| join(path, key);
        let name = self.text(&p("name"), get(obj, "name"), Need::Optional, MAX_NAME_CHARS);
        let street_address = self.string(
            &p("street_address"),
            get(obj, "street_address"),
            Need::Optional,
            MAX_SHORT_CHARS,
        );
        let postal_code = self.string(
            &p("postal_code"),
            get(obj, "postal_code"),
            Need::Optional,
            20,
        );
        let locality = self.string(
            &p("locality"),
            get(obj, "locality"),
            Need::Optional,
            MAX_SHORT_CHARS,
        );
        let region = self.string(
            &p("region"),
            get(obj, "region"),
            Need::Optional,
            MAX_SHORT_CHARS,
        );
        let country = self.country(&p("country"), get(obj, "country"));
        let latitude = self.coordinate(&p("latitude"), get(obj, "latitude"), 90.0);
        let longitude = self.coordinate(&p("longitude"), get(obj, "longitude"), 180.0);
        match (get(obj, "latitude"), get(obj, "longitude")) {
            (Some(_), None) => self.err(p("longitude"), "is required when latitude is given"),
            (None, Some(_)) => self.err(p("latitude"), "is required when longitude is given"),
            _ => {}
        }
        let precision = self
            .enumeration::<Precision>(&p("precision"), get(obj, "precision"))
            .unwrap_or_default();
        let accessibility = self.text(
            &p("accessibility"),
            get(obj, "accessibility"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let transportation = self.text(
            &p("transportation"),
            get(obj, "transportation"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let place_keys = [
            "name",
            "street_address",
            "postal_code",
            "locality",
            "region",
            "country",
            "latitude",
        ];
        if place_keys.iter().all(|k| get(obj, k).is_none()) {
            self.err(
                path,
                "a location needs at least a name, an address part or coordinates",
            );
        }
        Some(Location {
            name,
            street_address,
            postal_code,
            locality,
            region,
            country,
            latitude,
            longitude,
            precision,
            accessibility,
            transportation,
        })
    }

    fn phone(&mut self, path: &str, v: &Value) -> Option<Phone> {
        let obj = self.object(path, v)?;
        self.unknown_fields(path, obj, PHONE_FIELDS, &[]);
        let p = |key: &str| join(path, key);
        let number = self.string(&p("number"), get(obj, "number"), Need::Required, 50);
        if let Some(n) = &number {
            let digits = n.chars().filter(char::is_ascii_digit).count();
            let allowed = n
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
            if digits < 2 || !allowed {
                self.err(
                    p("number"),
                    "must be a phone number (digits, spaces and + - ( ) . /)",
                );
            }
        }
        let extension = self.string(&p("extension"), get(obj, "extension"), Need::Optional, 20);
        let r#type = self
            .enumeration::<PhoneType>(&p("type"), get(obj, "type"))
            .map(|t| t.as_str().to_string());
        let languages = self.languages(&p("languages"), get(obj, "languages"), Need::Optional);
        Some(Phone {
            number: number?,
            extension,
            r#type,
            languages,
        })
    }

    fn schedule(&mut self, path: &str, v: &Value) -> Option<Schedule> {
        let obj = self.object(path, v)?;
        self.unknown_fields(path, obj, SCHEDULE_FIELDS, &[]);
        let p = |key: &str| join(path, key);
        let byday = self.weekdays(&p("byday"), get(obj, "byday"));
        let opens_at = self.hhmm(&p("opens_at"), get(obj, "opens_at"), false);
        let closes_at = self.hhmm(&p("closes_at"), get(obj, "closes_at"), true);
        let valid_from = self.date(&p("valid_from"), get(obj, "valid_from"));
        let valid_to = self.date(&p("valid_to"), get(obj, "valid_to"));
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            self.err(p("valid_to"), "must not be before valid_from");
        }
        let timezone = self.timezone(&p("timezone"), get(obj, "timezone"));
        let notes = self.text(
            &p("notes"),
            get(obj, "notes"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        Some(Schedule {
            byday,
            opens_at: opens_at?,
            closes_at: closes_at?,
            valid_from,
            valid_to,
            timezone: timezone?,
            notes,
        })
    }

    fn list<T>(
        &mut self,
        path: &str,
        v: Option<&Value>,
        max: usize,
        item: fn(&mut Self, &str, &Value) -> Option<T>,
    ) -> Vec<T> {
        let items = self.array(path, v, max);
        items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| item(self, &format!("{path}[{i}]"), v))
            .collect()
    }

    fn service(&mut self, obj: &Map<String, Value>) -> Option<Service> {
        self.unknown_fields("", obj, SERVICE_FIELDS, IGNORED_FIELDS);
        let name = self.text("name", get(obj, "name"), Need::Required, MAX_NAME_CHARS);
        let alternate_name = self.text(
            "alternate_name",
            get(obj, "alternate_name"),
            Need::Optional,
            MAX_NAME_CHARS,
        );
        let description = self.text(
            "description",
            get(obj, "description"),
            Need::Required,
            MAX_DESCRIPTION_CHARS,
        );
        let status = self
            .enumeration::<ServiceStatus>("status", get(obj, "status"))
            .unwrap_or_default();
        let categories = self.codes(
            "categories",
            get(obj, "categories"),
            Need::Required,
            Codes::Category,
        );
        let languages = self.languages("languages", get(obj, "languages"), Need::Required);
        let url = self.url("url", get(obj, "url"));
        let email = self.email("email", get(obj, "email"));
        let phones = self.list("phones", get(obj, "phones"), MAX_PHONES, Self::phone);
        let locations = self.list(
            "locations",
            get(obj, "locations"),
            MAX_LOCATIONS,
            Self::location,
        );
        let online_url = self.url("online_url", get(obj, "online_url"));
        // Present and not `[]` (a wrong type is reported on its own).
        let has_locations =
            get(obj, "locations").is_some_and(|v| v.as_array().is_none_or(|a| !a.is_empty()));
        if !has_locations && get(obj, "online_url").is_none() {
            self.err(
                "locations",
                "a service needs at least one location or an online_url",
            );
        }
        let schedules = self.list(
            "schedules",
            get(obj, "schedules"),
            MAX_SCHEDULES,
            Self::schedule,
        );
        let eligibility = self.text(
            "eligibility",
            get(obj, "eligibility"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let minimum_age = self.unsigned("minimum_age", get(obj, "minimum_age"));
        let maximum_age = self.unsigned("maximum_age", get(obj, "maximum_age"));
        if let (Some(min), Some(max)) = (minimum_age, maximum_age)
            && min > max
        {
            self.err("maximum_age", "must not be less than minimum_age");
        }
        let free = self.boolean("free", get(obj, "free"));
        let fees_description = self.text(
            "fees_description",
            get(obj, "fees_description"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let application_process = self.text(
            "application_process",
            get(obj, "application_process"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let required_documents = self.text(
            "required_documents",
            get(obj, "required_documents"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let interpretation_available = self.boolean(
            "interpretation_available",
            get(obj, "interpretation_available"),
        );
        let service_area = self.text(
            "service_area",
            get(obj, "service_area"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let last_verified = self.date("last_verified", get(obj, "last_verified"));
        let safety = self.safety(get(obj, "safety"));
        Some(Service {
            name: name?,
            alternate_name,
            description: description?,
            status,
            categories,
            languages,
            url,
            email,
            phones,
            locations,
            online_url,
            schedules,
            eligibility,
            minimum_age,
            maximum_age,
            free,
            fees_description,
            application_process,
            required_documents,
            interpretation_available,
            service_area,
            last_verified,
            safety,
        })
    }

    fn event(&mut self, obj: &Map<String, Value>) -> Option<Event> {
        self.unknown_fields("", obj, EVENT_FIELDS, IGNORED_FIELDS);
        let name = self.text("name", get(obj, "name"), Need::Required, MAX_NAME_CHARS);
        let description = self.text(
            "description",
            get(obj, "description"),
            Need::Required,
            MAX_DESCRIPTION_CHARS,
        );
        let status = self
            .enumeration::<EventStatus>("status", get(obj, "status"))
            .unwrap_or_default();
        let categories = self.codes(
            "categories",
            get(obj, "categories"),
            Need::Optional,
            Codes::Category,
        );
        let languages = self.languages("languages", get(obj, "languages"), Need::Optional);
        let start_time = self.datetime("start_time", get(obj, "start_time"));
        let end_time = self.datetime("end_time", get(obj, "end_time"));
        if let (Some(start), Some(end)) = (start_time, end_time)
            && end <= start
        {
            self.err("end_time", "must be after start_time");
        }
        let timezone = self.timezone("timezone", get(obj, "timezone"));
        let location = get(obj, "location").and_then(|v| self.location("location", v));
        let online_url = self.url("online_url", get(obj, "online_url"));
        if get(obj, "location").is_none() && get(obj, "online_url").is_none() {
            self.err("location", "an event needs a location or an online_url");
        }
        let capacity = self.unsigned("capacity", get(obj, "capacity"));
        let remaining_places = self.unsigned("remaining_places", get(obj, "remaining_places"));
        if let (Some(capacity), Some(remaining)) = (capacity, remaining_places)
            && remaining > capacity
        {
            self.err("remaining_places", "must not be more than capacity");
        }
        let join_mode = self
            .enumeration::<JoinMode>("join_mode", get(obj, "join_mode"))
            .unwrap_or_default();
        let registration_url = self.url("registration_url", get(obj, "registration_url"));
        if join_mode != JoinMode::Free && get(obj, "registration_url").is_none() {
            self.err(
                "registration_url",
                format!("is required when join_mode is {}", join_mode.as_str()),
            );
        }
        let banner_url = self.url("banner_url", get(obj, "banner_url"));
        let contact = self.string("contact", get(obj, "contact"), Need::Optional, 500);
        let safety = self.safety(get(obj, "safety"));
        Some(Event {
            name: name?,
            description: description?,
            status,
            categories,
            languages,
            start_time: start_time?,
            end_time: end_time?,
            timezone: timezone?,
            location,
            online_url,
            capacity,
            remaining_places,
            join_mode,
            registration_url,
            banner_url,
            contact,
            safety,
        })
    }

    fn area(&mut self, v: Option<&Value>) -> Option<Area> {
        let Some(v) = v else {
            self.err("area", "is required");
            return None;
        };
        let obj = self.object("area", v)?;
        self.unknown_fields("area", obj, AREA_FIELDS, &[]);
        let kind = self.enumeration::<AreaKind>("area.kind", get(obj, "kind"));
        if get(obj, "kind").is_none() {
            self.err(
                "area.kind",
                format!("is required (one of: {})", AreaKind::expected()),
            );
        }
        let locality = self.string(
            "area.locality",
            get(obj, "locality"),
            Need::Optional,
            MAX_SHORT_CHARS,
        );
        let region = self.string(
            "area.region",
            get(obj, "region"),
            Need::Optional,
            MAX_SHORT_CHARS,
        );
        let country = self.country("area.country", get(obj, "country"));
        match kind {
            Some(AreaKind::City) if get(obj, "locality").is_none() => {
                self.err("area.locality", "is required when kind is city");
            }
            Some(AreaKind::Region) if get(obj, "region").is_none() => {
                self.err("area.region", "is required when kind is region");
            }
            _ => {}
        }
        Some(Area {
            kind: kind?,
            locality,
            region,
            country,
        })
    }

    fn availability(&mut self, v: Option<&Value>) -> Availability {
        let Some(obj) = v.and_then(|v| self.object("availability", v)) else {
            return Availability::default();
        };
        self.unknown_fields("availability", obj, AVAILABILITY_FIELDS, &[]);
        Availability {
            days: self.weekdays("availability.days", get(obj, "days")),
            times: self.text(
                "availability.times",
                get(obj, "times"),
                Need::Optional,
                MAX_NAME_CHARS,
            ),
            until: self.date("availability.until", get(obj, "until")),
        }
    }

    fn offer(&mut self, obj: &Map<String, Value>) -> Option<Offer> {
        self.unknown_fields("", obj, OFFER_FIELDS, IGNORED_FIELDS);
        let name = self.text("name", get(obj, "name"), Need::Required, MAX_NAME_CHARS);
        let description = self.text(
            "description",
            get(obj, "description"),
            Need::Required,
            MAX_DESCRIPTION_CHARS,
        );
        let status = self
            .enumeration::<OfferStatus>("status", get(obj, "status"))
            .unwrap_or_default();
        let categories = self.codes(
            "categories",
            get(obj, "categories"),
            Need::Optional,
            Codes::Category,
        );
        let help_types = self.codes(
            "help_types",
            get(obj, "help_types"),
            Need::Required,
            Codes::HelpType,
        );
        let languages = self.languages("languages", get(obj, "languages"), Need::Required);
        let area = self.area(get(obj, "area"));
        let availability = self.availability(get(obj, "availability"));
        let requirements = self.text(
            "requirements",
            get(obj, "requirements"),
            Need::Optional,
            MAX_TEXT_CHARS,
        );
        let safety = self.safety(get(obj, "safety"));
        Some(Offer {
            name: name?,
            description: description?,
            status,
            categories,
            help_types,
            languages,
            area: area?,
            availability,
            requirements,
            safety,
        })
    }
}

/// Set of field paths, for tests and callers that want to look errors up.
pub fn error_fields(errors: &[FieldError]) -> BTreeSet<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::model::fixtures::{event_json, offer_json, service_json};
    use serde_json::json;

    const CTX: Context<'static> = Context {
        default_language: "fr",
    };

    fn ok(kind: Kind, body: &Value) -> Entry {
        match validate(kind, body, &CTX) {
            Ok(e) => e,
            Err(errors) => panic!("unexpected errors: {errors:#?}"),
        }
    }

    fn errors(kind: Kind, body: &Value) -> Vec<FieldError> {
        match validate(kind, body, &CTX) {
            Ok(e) => panic!("expected errors, got {e:#?}"),
            Err(errors) => errors,
        }
    }

    /// Applies `patch` (merge patch) to the fixture of `kind` and asserts exactly one error,
    /// on `field`; returns its message.
    fn one_error(kind: Kind, patch: Value, field: &str) -> String {
        let mut body = match kind {
            Kind::Service => service_json(),
            Kind::Event => event_json(),
            Kind::Offer => offer_json(),
        };
        merge_patch(&mut body, &patch);
        let errs = errors(kind, &body);
        assert_eq!(
            errs.len(),
            1,
            "expected one error on {field} for {patch}, got {errs:#?}"
        );
        assert_eq!(errs[0].field, field, "for {patch}: {errs:#?}");
        errs[0].message.clone()
    }

    // -- valid examples and round trips -------------------------------------------------------

    #[test]
    fn valid_service() {
        let Entry::Service(s) = ok(Kind::Service, &service_json()) else {
            panic!("not a service")
        };
        assert_eq!(s.name.len(), 4);
        assert_eq!(
            s.name.get("uk"),
            Some("Юридична консультація з питань притулку – Лілль")
        );
        assert_eq!(s.status, ServiceStatus::Active);
        assert_eq!(s.categories, ["legal", "legal.asylum"]);
        assert_eq!(s.languages, ["fr", "ar", "en"]);
        assert_eq!(s.schedules.len(), 2);
        assert_eq!(s.schedules[0].byday.len(), 5);
        assert_eq!(s.locations[0].precision, Precision::Exact);
        assert_eq!(s.locations[0].country.as_deref(), Some("FR"));
        assert_eq!(s.phones[0].r#type.as_deref(), Some("voice"));
        assert!(s.free && s.interpretation_available);
        assert_eq!(s.minimum_age, Some(18));
        assert_eq!(s.last_verified, NaiveDate::from_ymd_opt(2026, 10, 1));
        assert!(!s.safety.do_not_federate);
    }

    #[test]
    fn valid_event() {
        let Entry::Event(e) = ok(Kind::Event, &event_json()) else {
            panic!("not an event")
        };
        assert_eq!(e.status, EventStatus::Confirmed);
        assert_eq!(e.join_mode, JoinMode::Registration);
        assert_eq!(e.start_time.to_rfc3339(), "2026-12-05T14:00:00+01:00");
        assert_eq!(e.capacity, Some(20));
        assert_eq!(e.remaining_places, Some(8));
        assert_eq!(
            e.location.as_ref().and_then(|l| l.locality.as_deref()),
            Some("Lille")
        );
    }

    #[test]
    fn valid_offer() {
        let Entry::Offer(o) = ok(Kind::Offer, &offer_json()) else {
            panic!("not an offer")
        };
        assert_eq!(o.help_types, ["accompaniment", "interpretation"]);
        assert_eq!(o.area.kind, AreaKind::City);
        assert_eq!(o.availability.days, [Weekday::Saturday, Weekday::Sunday]);
        assert_eq!(o.status, OfferStatus::Active);
    }

    #[test]
    fn round_trip_all_kinds() {
        for (kind, body) in [
            (Kind::Service, service_json()),
            (Kind::Event, event_json()),
            (Kind::Offer, offer_json()),
        ] {
            let entry = ok(kind, &body);
            let json = serde_json::to_value(&entry).unwrap();
            assert_eq!(json["kind"], kind.as_str());
            let again = ok(kind, &json);
            assert_eq!(again, entry, "{kind} round trip");
            // And the serde form reads back too.
            let parsed: Entry = serde_json::from_value(json).unwrap();
            assert_eq!(parsed, entry);
        }
    }

    #[test]
    fn round_trip_with_read_only_fields() {
        let entry = ok(Kind::Service, &service_json());
        let mut json = serde_json::to_value(&entry).unwrap();
        merge_patch(
            &mut json,
            &json!({
                "id": "0193b3c4-0000-7000-8000-000000000000",
                "ap_id": "https://passerelle.example/services/0193b3c4",
                "organization": "asso-accueil-lille",
                "origin": "local",
                "published": "2026-10-01T10:00:00Z",
                "updated": "2026-10-02T10:00:00Z"
            }),
        );
        assert_eq!(ok(Kind::Service, &json), entry);
    }

    #[test]
    fn minimal_bodies_get_defaults() {
        let s = ok(
            Kind::Service,
            &json!({
                "name": "Distribution alimentaire",
                "description": "Colis alimentaires chaque semaine.",
                "categories": ["food"],
                "languages": ["fr"],
                "online_url": "https://example.org/colis"
            }),
        );
        let Entry::Service(s) = s else {
            panic!("not a service")
        };
        assert_eq!(s.status, ServiceStatus::Active);
        assert!(!s.free && !s.interpretation_available && !s.safety.do_not_federate);
        assert!(s.phones.is_empty() && s.locations.is_empty() && s.schedules.is_empty());
        let e = ok(
            Kind::Event,
            &json!({
                "name": "Café des langues",
                "description": "Rencontre",
                "start_time": "2026-12-05T18:00:00+01:00",
                "end_time": "2026-12-05T20:00:00+01:00",
                "timezone": "Europe/Paris",
                "location": {"locality": "Lille", "country": "fr"}
            }),
        );
        let Entry::Event(e) = e else {
            panic!("not an event")
        };
        assert_eq!(e.status, EventStatus::Confirmed);
        assert_eq!(e.join_mode, JoinMode::Free);
        let loc = e.location.unwrap();
        assert_eq!(loc.precision, Precision::Exact);
        assert_eq!(loc.country.as_deref(), Some("FR"));
        let o = ok(
            Kind::Offer,
            &json!({
                "name": "Échange de langues",
                "description": "Arabe contre français",
                "help_types": ["language-exchange"],
                "languages": ["ar", "fr"],
                "area": {"kind": "online"}
            }),
        );
        let Entry::Offer(o) = o else {
            panic!("not an offer")
        };
        assert_eq!(o.status, OfferStatus::Active);
        assert!(o.availability.is_empty() && o.categories.is_empty());
    }

    #[test]
    fn plain_string_text_uses_default_language() {
        let mut body = service_json();
        merge_patch(
            &mut body,
            &json!({"name": "Permanence juridique", "eligibility": "Tout public"}),
        );
        let Entry::Service(s) = ok(Kind::Service, &body) else {
            panic!("not a service")
        };
        assert_eq!(s.name, LangMap::single("fr", "Permanence juridique"));
        assert_eq!(s.eligibility, Some(LangMap::single("fr", "Tout public")));
        let ctx = Context {
            default_language: "UK",
        };
        let Ok(Entry::Service(s)) = validate(Kind::Service, &body, &ctx) else {
            panic!("invalid")
        };
        assert_eq!(s.name, LangMap::single("uk", "Permanence juridique"));
    }

    #[test]
    fn language_tags_are_normalised() {
        let mut body = service_json();
        merge_patch(
            &mut body,
            &json!({"languages": ["FR", "pt-br", "fr", "zh-hant"], "name": {"PT-br": "Assistência jurídica"}}),
        );
        let Entry::Service(s) = ok(Kind::Service, &body) else {
            panic!("not a service")
        };
        assert_eq!(s.languages, ["fr", "pt-BR", "zh-Hant"]);
        assert_eq!(s.name.get("pt-BR"), Some("Assistência jurídica"));
        // Other keys of the fixture's name were kept by the merge patch.
        assert!(s.name.get("ar").is_some());
    }

    #[test]
    fn empty_optional_texts_are_dropped() {
        let mut body = service_json();
        merge_patch(
            &mut body,
            &json!({"eligibility": "", "fees_description": {"fr": "", "en": " "}}),
        );
        let Entry::Service(s) = ok(Kind::Service, &body) else {
            panic!("not a service")
        };
        assert_eq!(s.eligibility, None);
        assert_eq!(s.fees_description, None);
    }

    // -- every check --------------------------------------------------------------------------

    #[test]
    fn body_must_be_an_object() {
        let errs = errors(Kind::Service, &json!(["name"]));
        assert_eq!(
            errs,
            [FieldError::new("", "the body must be a JSON object")]
        );
    }

    #[test]
    fn unknown_fields() {
        assert_eq!(
            one_error(Kind::Service, json!({"colour": "blue"}), "colour"),
            "unknown field"
        );
        assert_eq!(
            one_error(
                Kind::Service,
                json!({"locations": [{"locality": "Lille", "floor": 2}]}),
                "locations[0].floor"
            ),
            "unknown field"
        );
        // A volunteer offer can never carry personal contact details.
        one_error(Kind::Offer, json!({"email": "buddy@example.org"}), "email");
        one_error(Kind::Offer, json!({"phones": []}), "phones");
        one_error(
            Kind::Offer,
            json!({"area": {"latitude": 50.6}}),
            "area.latitude",
        );
        one_error(
            Kind::Event,
            json!({"safety": {"secret": true}}),
            "safety.secret",
        );
    }

    #[test]
    fn required_fields_service() {
        for field in ["name", "description", "categories", "languages"] {
            let msg = one_error(Kind::Service, json!({ field: null }), field);
            assert_eq!(msg, "is required");
        }
        assert_eq!(
            one_error(Kind::Service, json!({"categories": []}), "categories"),
            "must not be empty"
        );
        assert_eq!(
            one_error(Kind::Service, json!({"languages": []}), "languages"),
            "must contain at least one language"
        );
        one_error(Kind::Service, json!({"locations": null}), "locations");
        one_error(Kind::Service, json!({"locations": []}), "locations");
        // An online service needs no location.
        let mut body = service_json();
        merge_patch(
            &mut body,
            &json!({"locations": null, "online_url": "https://visio.example/permanence"}),
        );
        ok(Kind::Service, &body);
    }

    #[test]
    fn required_fields_event() {
        for field in ["name", "description", "start_time", "end_time", "timezone"] {
            assert_eq!(
                one_error(Kind::Event, json!({ field: null }), field),
                "is required"
            );
        }
        assert_eq!(
            one_error(Kind::Event, json!({"location": null}), "location"),
            "an event needs a location or an online_url"
        );
        let mut body = event_json();
        merge_patch(
            &mut body,
            &json!({"location": null, "online_url": "https://meet.example/atelier"}),
        );
        ok(Kind::Event, &body);
    }

    #[test]
    fn required_fields_offer() {
        for field in ["name", "description", "help_types", "languages", "area"] {
            assert_eq!(
                one_error(Kind::Offer, json!({ field: null }), field),
                "is required"
            );
        }
        one_error(Kind::Offer, json!({"help_types": []}), "help_types");
        one_error(Kind::Offer, json!({"languages": []}), "languages");
        one_error(Kind::Offer, json!({"area": {"kind": null}}), "area.kind");
        one_error(
            Kind::Offer,
            json!({"area": {"locality": null}}),
            "area.locality",
        );
        one_error(
            Kind::Offer,
            json!({"area": {"kind": "region", "locality": null}}),
            "area.region",
        );
        one_error(
            Kind::Offer,
            json!({"area": {"kind": "county"}}),
            "area.kind",
        );
    }

    #[test]
    fn wrong_json_types() {
        assert_eq!(
            one_error(Kind::Service, json!({"name": 42}), "name"),
            "must be a string or an object of language tag → text, not a number"
        );
        assert_eq!(
            one_error(Kind::Service, json!({"name": {"fr": 42}}), "name.fr"),
            "must be a string, not a number"
        );
        assert_eq!(
            one_error(Kind::Service, json!({"categories": "legal"}), "categories"),
            "must be an array, not a string"
        );
        one_error(Kind::Service, json!({"free": "yes"}), "free");
        one_error(Kind::Service, json!({"minimum_age": "18"}), "minimum_age");
        one_error(Kind::Service, json!({"minimum_age": -1}), "minimum_age");
        one_error(Kind::Service, json!({"minimum_age": 1.5}), "minimum_age");
        one_error(
            Kind::Service,
            json!({"locations": {"locality": "Lille"}}),
            "locations",
        );
        one_error(
            Kind::Service,
            json!({"locations": ["Lille"]}),
            "locations[0]",
        );
        one_error(Kind::Service, json!({"languages": [1]}), "languages[0]");
        one_error(
            Kind::Service,
            json!({"locations": [{"latitude": "50.6", "longitude": 3.0}]}),
            "locations[0].latitude",
        );
        one_error(Kind::Event, json!({"capacity": true}), "capacity");
        one_error(Kind::Offer, json!({"availability": ["SA"]}), "availability");
        one_error(Kind::Offer, json!({"safety": true}), "safety");
        one_error(
            Kind::Offer,
            json!({"safety": {"do_not_federate": "no"}}),
            "safety.do_not_federate",
        );
    }

    #[test]
    fn unknown_category_and_help_type() {
        assert_eq!(
            one_error(
                Kind::Service,
                json!({"categories": ["legal", "housing"]}),
                "categories[1]"
            ),
            "unknown category 'housing'"
        );
        one_error(
            Kind::Event,
            json!({"categories": ["party"]}),
            "categories[0]",
        );
        one_error(
            Kind::Offer,
            json!({"categories": ["accompaniment"]}),
            "categories[0]",
        );
        assert_eq!(
            one_error(
                Kind::Offer,
                json!({"help_types": ["accompaniment", "legal"]}),
                "help_types[1]"
            ),
            "unknown help type 'legal'"
        );
    }

    #[test]
    fn bad_language_tags() {
        let msg = one_error(
            Kind::Service,
            json!({"languages": ["fr", "xx-!!"]}),
            "languages[1]",
        );
        assert!(msg.contains("BCP-47"), "{msg}");
        one_error(
            Kind::Service,
            json!({"languages": ["french"]}),
            "languages[0]",
        );
        one_error(
            Kind::Service,
            json!({"name": {"xx-!!": "Bonjour"}}),
            "name.xx-!!",
        );
        one_error(
            Kind::Service,
            json!({"phones": [{"number": "0320000000", "languages": ["zz-ZZZZ1"]}]}),
            "phones[0].languages[0]",
        );
        one_error(
            Kind::Service,
            json!({"locations": [{"locality": "Lille", "accessibility": {"qqq-qqq": "x"}}]}),
            "locations[0].accessibility.qqq-qqq",
        );
        assert_eq!(
            one_error(
                Kind::Service,
                json!({"name": {"FR": "Permanence"}}),
                "name.FR"
            ),
            "duplicate language"
        );
    }

    #[test]
    fn bad_timezone() {
        let msg = one_error(Kind::Event, json!({"timezone": "Europe/Lille"}), "timezone");
        assert!(msg.contains("IANA"), "{msg}");
        one_error(
            Kind::Service,
            json!({"schedules": [{"opens_at": "09:00", "closes_at": "12:00", "timezone": "CEST+2"}]}),
            "schedules[0].timezone",
        );
        one_error(
            Kind::Service,
            json!({"schedules": [{"opens_at": "09:00", "closes_at": "12:00"}]}),
            "schedules[0].timezone",
        );
    }

    #[test]
    fn bad_times() {
        one_error(
            Kind::Event,
            json!({"start_time": "2026-12-05 14:00"}),
            "start_time",
        );
        one_error(
            Kind::Event,
            json!({"end_time": "2026-12-05T16:00:00"}),
            "end_time",
        );
        assert_eq!(
            one_error(
                Kind::Event,
                json!({"end_time": "2026-12-05T13:00:00+01:00"}),
                "end_time"
            ),
            "must be after start_time"
        );
        // Equal instants, written with different offsets.
        one_error(
            Kind::Event,
            json!({"end_time": "2026-12-05T13:00:00Z"}),
            "end_time",
        );
        // The same instant later in another offset is fine.
        let mut body = event_json();
        merge_patch(&mut body, &json!({"end_time": "2026-12-05T15:00:00Z"}));
        ok(Kind::Event, &body);
    }

    #[test]
    fn bad_coordinates() {
        let loc = |lat: Value, lon: Value| json!({"locations": [{"locality": "Lille", "latitude": lat, "longitude": lon}]});
        assert_eq!(
            one_error(
                Kind::Service,
                loc(json!(91.0), json!(3.0)),
                "locations[0].latitude"
            ),
            "must be between -90 and 90"
        );
        one_error(
            Kind::Service,
            loc(json!(-90.5), json!(3.0)),
            "locations[0].latitude",
        );
        assert_eq!(
            one_error(
                Kind::Service,
                loc(json!(50.0), json!(180.5)),
                "locations[0].longitude"
            ),
            "must be between -180 and 180"
        );
        assert_eq!(
            one_error(
                Kind::Service,
                loc(json!(50.0), Value::Null),
                "locations[0].longitude"
            ),
            "is required when latitude is given"
        );
        one_error(
            Kind::Service,
            loc(Value::Null, json!(3.0)),
            "locations[0].latitude",
        );
        one_error(
            Kind::Event,
            json!({"location": {"latitude": 95}}),
            "location.latitude",
        );
        ok(Kind::Service, &{
            let mut b = service_json();
            merge_patch(&mut b, &loc(json!(-90), json!(180)));
            b
        });
    }

    #[test]
    fn empty_location() {
        one_error(
            Kind::Service,
            json!({"locations": [{"precision": "city"}]}),
            "locations[0]",
        );
    }

    #[test]
    fn bad_country() {
        let msg = one_error(
            Kind::Service,
            json!({"locations": [{"locality": "Lille", "country": "FRA"}]}),
            "locations[0].country",
        );
        assert!(msg.contains("ISO 3166-1"), "{msg}");
        one_error(
            Kind::Service,
            json!({"locations": [{"locality": "London", "country": "UK"}]}),
            "locations[0].country",
        );
        one_error(
            Kind::Offer,
            json!({"area": {"country": "EU"}}),
            "area.country",
        );
        assert!(is_country_code("UA") && is_country_code("PS") && !is_country_code("XK"));
    }

    #[test]
    fn country_list_is_complete_and_sorted() {
        assert_eq!(COUNTRY_CODES.len(), 249);
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            COUNTRY_CODES
                .iter()
                .all(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()))
        );
    }

    #[test]
    fn bad_email() {
        for bad in [
            "juridique",
            "juridique@asso",
            "a b@asso.example",
            "@asso.example",
            "x@.example",
            "x@asso..example",
        ] {
            let msg = one_error(Kind::Service, json!({ "email": bad }), "email");
            assert_eq!(msg, "is not a valid e-mail address", "{bad}");
        }
        assert!(is_plausible_email("prénom.nom+tag@asso-accueil.example"));
    }

    #[test]
    fn bad_urls() {
        assert_eq!(
            one_error(Kind::Service, json!({"url": "ftp://asso.example/"}), "url"),
            "must be an http or https URL"
        );
        one_error(Kind::Service, json!({"url": "javascript:alert(1)"}), "url");
        one_error(Kind::Service, json!({"url": "not a url"}), "url");
        one_error(
            Kind::Service,
            json!({"online_url": "mailto:x@y.example"}),
            "online_url",
        );
        one_error(
            Kind::Event,
            json!({"banner_url": "file:///etc/passwd"}),
            "banner_url",
        );
        one_error(
            Kind::Event,
            json!({"registration_url": "asso.example/inscription"}),
            "registration_url",
        );
    }

    #[test]
    fn bad_schedule_times_and_dates() {
        let sched = |extra: Value| {
            let mut s =
                json!({"opens_at": "09:00", "closes_at": "12:00", "timezone": "Europe/Paris"});
            merge_patch(&mut s, &extra);
            json!({ "schedules": [s] })
        };
        assert_eq!(
            one_error(
                Kind::Service,
                sched(json!({"opens_at": "9h"})),
                "schedules[0].opens_at"
            ),
            "must be a time HH:MM between 00:00 and 23:59"
        );
        one_error(
            Kind::Service,
            sched(json!({"opens_at": "24:00"})),
            "schedules[0].opens_at",
        );
        one_error(
            Kind::Service,
            sched(json!({"closes_at": "12:75"})),
            "schedules[0].closes_at",
        );
        one_error(
            Kind::Service,
            sched(json!({"closes_at": null})),
            "schedules[0].closes_at",
        );
        one_error(
            Kind::Service,
            sched(json!({"byday": ["MO", "XX"]})),
            "schedules[0].byday[1]",
        );
        one_error(
            Kind::Service,
            sched(json!({"valid_from": "05/01/2026"})),
            "schedules[0].valid_from",
        );
        assert_eq!(
            one_error(
                Kind::Service,
                sched(json!({"valid_from": "2026-06-01", "valid_to": "2026-05-31"})),
                "schedules[0].valid_to"
            ),
            "must not be before valid_from"
        );
        one_error(
            Kind::Service,
            json!({"last_verified": "yesterday"}),
            "last_verified",
        );
        one_error(
            Kind::Offer,
            json!({"availability": {"until": "2026-13-01"}}),
            "availability.until",
        );
        one_error(
            Kind::Offer,
            json!({"availability": {"days": ["lundi"]}}),
            "availability.days[0]",
        );
        // 24:00 closes at midnight; closes before opens runs past midnight.
        let mut b = service_json();
        merge_patch(
            &mut b,
            &sched(json!({"opens_at": "20:00", "closes_at": "24:00"})),
        );
        ok(Kind::Service, &b);
        merge_patch(
            &mut b,
            &sched(json!({"opens_at": "20:00", "closes_at": "08:00"})),
        );
        ok(Kind::Service, &b);
    }

    #[test]
    fn ages_places_and_join_mode() {
        assert_eq!(
            one_error(
                Kind::Service,
                json!({"minimum_age": 26, "maximum_age": 16}),
                "maximum_age"
            ),
            "must not be less than minimum_age"
        );
        assert_eq!(
            one_error(
                Kind::Event,
                json!({"remaining_places": 21}),
                "remaining_places"
            ),
            "must not be more than capacity"
        );
        assert_eq!(
            one_error(
                Kind::Event,
                json!({"registration_url": null}),
                "registration_url"
            ),
            "is required when join_mode is registration"
        );
        one_error(
            Kind::Event,
            json!({"join_mode": "external", "registration_url": null}),
            "registration_url",
        );
        let mut b = event_json();
        merge_patch(
            &mut b,
            &json!({"join_mode": "free", "registration_url": null}),
        );
        ok(Kind::Event, &b);
    }

    #[test]
    fn text_limits() {
        let long = |n: usize| "é".repeat(n);
        ok(Kind::Service, &{
            let mut b = service_json();
            merge_patch(
                &mut b,
                &json!({"name": {"fr": long(200)}, "description": {"fr": long(10_000)}, "eligibility": {"fr": long(4_000)}}),
            );
            b
        });
        assert_eq!(
            one_error(Kind::Service, json!({"name": {"fr": long(201)}}), "name.fr"),
            "too long (201 characters, at most 200)"
        );
        one_error(
            Kind::Service,
            json!({"alternate_name": long(201)}),
            "alternate_name",
        );
        one_error(
            Kind::Service,
            json!({"description": {"ar": long(10_001)}}),
            "description.ar",
        );
        one_error(
            Kind::Service,
            json!({"eligibility": {"en": long(4_001)}}),
            "eligibility.en",
        );
        one_error(
            Kind::Event,
            json!({"description": long(10_001)}),
            "description",
        );
        one_error(
            Kind::Offer,
            json!({"requirements": {"fr": long(4_001)}}),
            "requirements.fr",
        );
        let many: Map<String, Value> = [
            "fr", "en", "ar", "uk", "ru", "de", "es", "it", "pt", "ps", "fa", "ti", "so", "am",
            "tr", "ku", "ro", "pl", "sq", "ka", "hy",
        ]
        .iter()
        .map(|l| (l.to_string(), json!("x")))
        .collect();
        assert_eq!(many.len(), 21);
        assert_eq!(
            one_error(Kind::Service, json!({ "name": many }), "name"),
            "too many languages (21, at most 20)"
        );
    }

    #[test]
    fn empty_required_text() {
        assert_eq!(
            one_error(Kind::Service, json!({"name": ""}), "name"),
            "must not be empty"
        );
        assert_eq!(
            one_error(Kind::Service, json!({"name": "  "}), "name"),
            "must not be empty"
        );
        // Merge patch merges maps: replace the whole name with one empty entry.
        let mut b = service_json();
        b["name"] = json!({"fr": ""});
        let errs = errors(Kind::Service, &b);
        assert_eq!(errs, [FieldError::new("name.fr", "must not be empty")]);
        b["name"] = json!({});
        let errs = errors(Kind::Service, &b);
        assert_eq!(errs, [FieldError::new("name", "is required")]);
    }

    #[test]
    fn list_limits() {
        let locations: Vec<Value> = (0..21)
            .map(|i| json!({"locality": format!("Ville {i}")}))
            .collect();
        assert_eq!(
            one_error(
                Kind::Service,
                json!({ "locations": locations }),
                "locations"
            ),
            "too many items (21, at most 20)"
        );
        let schedules: Vec<Value> = (0..51)
            .map(|_| json!({"opens_at": "09:00", "closes_at": "12:00", "timezone": "Europe/Paris"}))
            .collect();
        one_error(
            Kind::Service,
            json!({ "schedules": schedules }),
            "schedules",
        );
        let phones: Vec<Value> = (0..21)
            .map(|_| json!({"number": "03 20 00 00 00"}))
            .collect();
        one_error(Kind::Service, json!({ "phones": phones }), "phones");
    }

    #[test]
    fn phones() {
        one_error(
            Kind::Service,
            json!({"phones": [{"type": "voice"}]}),
            "phones[0].number",
        );
        one_error(
            Kind::Service,
            json!({"phones": [{"number": "call us"}]}),
            "phones[0].number",
        );
        let msg = one_error(
            Kind::Service,
            json!({"phones": [{"number": "0320", "type": "pigeon"}]}),
            "phones[0].type",
        );
        assert!(
            msg.starts_with("must be one of: voice, fax, text, cell"),
            "{msg}"
        );
    }

    #[test]
    fn bad_status_values() {
        let msg = one_error(
            Kind::Service,
            json!({"status": "temporarily_closed"}),
            "status",
        );
        assert_eq!(
            msg,
            "must be one of: active, inactive, temporarily closed, defunct"
        );
        one_error(Kind::Event, json!({"status": "postponed"}), "status");
        one_error(Kind::Offer, json!({"status": "inactive"}), "status");
        one_error(Kind::Event, json!({"join_mode": "invite"}), "join_mode");
        one_error(
            Kind::Service,
            json!({"locations": [{"locality": "Lille", "precision": "fuzzy"}]}),
            "locations[0].precision",
        );
        let mut b = service_json();
        merge_patch(&mut b, &json!({"status": "temporarily closed"}));
        assert_eq!(ok(Kind::Service, &b).status_str(), "temporarily closed");
    }

    #[test]
    fn all_errors_at_once() {
        let mut b = service_json();
        merge_patch(
            &mut b,
            &json!({
                "name": null,
                "categories": ["legal", "housing"],
                "languages": ["fr", "xx-!!"],
                "locations": [{"locality": "Lille", "latitude": 123.0, "longitude": 3.0}],
                "colour": "blue"
            }),
        );
        let errs = errors(Kind::Service, &b);
        assert_eq!(errs.len(), 5, "{errs:#?}");
        assert_eq!(
            error_fields(&errs),
            BTreeSet::from([
                "name",
                "categories[1]",
                "languages[1]",
                "locations[0].latitude",
                "colour"
            ])
        );
        assert!(errs.iter().all(|e| !e.message.is_empty()));
        assert_eq!(
            serde_json::to_value(&errs[0])
                .unwrap()
                .as_object()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn offer_privacy_and_do_not_federate() {
        let mut b = offer_json();
        merge_patch(&mut b, &json!({"safety": {"do_not_federate": true}}));
        let entry = ok(Kind::Offer, &b);
        assert!(entry.safety().do_not_federate);
        let json = serde_json::to_value(&entry).unwrap();
        for key in [
            "email",
            "phones",
            "phone",
            "contact",
            "locations",
            "location",
        ] {
            assert!(json.get(key).is_none(), "{key}");
        }
    }

    // -- merge patch ----------------------------------------------------------------------------

    #[test]
    fn merge_patch_rfc7396_examples() {
        // The examples of RFC 7396, appendix A.
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }

    #[test]
    fn merge_patch_keeps_key_order() {
        let mut target = json!({"a": 1, "b": 2, "c": 3});
        merge_patch(&mut target, &json!({"a": null, "d": 4}));
        let keys: Vec<&String> = target.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "c", "d"]);
    }

    #[test]
    fn patch_a_stored_entry() {
        let entry = ok(Kind::Service, &service_json());
        let mut json = serde_json::to_value(&entry).unwrap();
        merge_patch(
            &mut json,
            &json!({"name": {"ar": null, "es": "Asesoría jurídica"}, "status": "temporarily closed", "email": null}),
        );
        let Entry::Service(s) = ok(Kind::Service, &json) else {
            panic!("not a service")
        };
        assert_eq!(s.name.get("ar"), None);
        assert_eq!(s.name.get("es"), Some("Asesoría jurídica"));
        assert_eq!(s.status, ServiceStatus::TemporarilyClosed);
        assert_eq!(s.email, None);
    }
}
