//! Directory entries as ActivityPub objects, and back.
use serde_json::{Map, Value, json};

/// Our JSON-LD context for entries: ActivityStreams, Mobilizon's terms for events (schema.org,
/// `mz:`, iCal) and ours (`pas:`), served at `/ns` and documented in FEDERATION.md.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "sc": "http://schema.org#",
            "mz": "https://joinmobilizon.org/ns#",
            "ical": "http://www.w3.org/2002/12/cal/ical#",
            "toot": "http://joinmastodon.org/ns#",
            "Hashtag": "as:Hashtag",
            "sensitive": "as:sensitive",
            "PropertyValue": "sc:PropertyValue",
            "value": "sc:value",
            "PostalAddress": "sc:PostalAddress",
            "address": { "@id": "sc:address", "@type": "sc:PostalAddress" },
            "streetAddress": "sc:streetAddress",
            "postalCode": "sc:postalCode",
            "addressLocality": "sc:addressLocality",
            "addressRegion": "sc:addressRegion",
            "addressCountry": "sc:addressCountry",
            "timezone": { "@id": "mz:timezone", "@type": "sc:Text" },
            "joinMode": { "@id": "mz:joinMode", "@type": "mz:joinModeType" },
            "isOnline": { "@id": "mz:isOnline", "@type": "sc:Boolean" },
            "externalParticipationUrl": { "@id": "mz:externalParticipationUrl", "@type": "sc:URL" },
            "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
            "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
            "inLanguage": "sc:inLanguage",
            "category": "sc:category",
            "ical:status": { "@type": "ical:status" },
            "VirtualLocation": "sc:VirtualLocation",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers"
        }
    ])
}

use chrono::{DateTime, SecondsFormat, Utc};
use url::Url;

use crate::{
    AppState,
    db::entities::entry,
    directory::{
        model::{Entry, EventStatus, JoinMode, LangMap, Location},
        taxonomy::taxonomy,
    },
    federation::actors::text_to_html,
};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Namespace of our own terms (see FEDERATION.md).
pub const NS: &str = "https://w3id.org/passerelle/ns#";

/// The context of our objects: [`context`] plus our own terms.
pub fn entry_context() -> Value {
    let mut ctx = context();
    if let Some(obj) = ctx
        .as_array_mut()
        .and_then(|a| a.get_mut(2))
        .and_then(Value::as_object_mut)
    {
        obj.insert("pas".into(), json!(NS));
        obj.insert(
            "directoryEntry".into(),
            json!({ "@id": "pas:directoryEntry", "@type": "@json" }),
        );
        obj.insert("entryKind".into(), json!("pas:entryKind"));
        obj.insert("taxonomyVersion".into(), json!("pas:taxonomyVersion"));
    }
    ctx
}

pub fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A hashtag name from a category code or a city: letters and digits only, lower case.
pub fn hashtag_name(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == '.' || c == '-' || c == '_' || c == ' ' {
                Some('_')
            } else {
                None
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn lang_html_map(map: &LangMap) -> serde_json::Map<String, Value> {
    map.iter()
        .map(|(l, t)| (l.to_string(), Value::String(text_to_html(t))))
        .collect()
}

fn lang_text_map(map: &LangMap) -> serde_json::Map<String, Value> {
    map.iter()
        .map(|(l, t)| (l.to_string(), Value::String(t.to_string())))
        .collect()
}

pub fn place_json(loc: &Location, lang: &str) -> Value {
    let name = loc
        .name
        .as_ref()
        .and_then(|n| n.get_best(&[lang], lang).map(|(_, t)| t.to_string()))
        .unwrap_or_else(|| loc.one_line());
    let mut place = json!({ "type": "Place", "name": name });
    let mut address = serde_json::Map::new();
    address.insert("type".into(), json!("PostalAddress"));
    for (k, v) in [
        ("streetAddress", &loc.street_address),
        ("postalCode", &loc.postal_code),
        ("addressLocality", &loc.locality),
        ("addressRegion", &loc.region),
        ("addressCountry", &loc.country),
    ] {
        if let Some(v) = v {
            address.insert(k.into(), json!(v));
        }
    }
    if address.len() > 1 {
        place["address"] = Value::Object(address);
    }
    if let (Some(lat), Some(lon)) = (loc.latitude, loc.longitude) {
        place["latitude"] = json!(lat);
        place["longitude"] = json!(lon);
    }
    place
}

/// Mobilizon's event category for our taxonomy code.
fn mobilizon_category(categories: &[String]) -> &'static str {
    let top = categories
        .first()
        .map(|c| c.split('.').next().unwrap_or(""))
        .unwrap_or("");
    match top {
        "health" | "mental-health" => "HEALTH",
        "language" => "LANGUAGE_CULTURE",
        "education" | "employment" | "digital" => "LEARNING",
        "children-family" => "FAMILY",
        "food" => "FOOD_DRINK",
        _ => "COMMUNITY",
    }
}

/// Who publishes an entry, as the object's `attributedTo` and addressing.
pub struct Author {
    pub actor: Url,
    pub followers: Url,
    pub default_language: String,
}

/// The ActivityPub object of an entry. Only the public view is ever put on the wire.
pub fn entry_object(state: &AppState, row: &entry::Model, entry: &Entry, author: &Author) -> Value {
    let public = entry.public_view();
    let tax = taxonomy();
    let lang = author.default_language.as_str();
    let name_map = public.name();
    let name = name_map
        .get_best(&[], lang)
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    let description = public.description();
    let content = description
        .get_best(&[], lang)
        .map(|(_, t)| text_to_html(t))
        .unwrap_or_default();
    let mut summary_map = serde_json::Map::new();
    for (l, _) in name_map.iter() {
        summary_map.insert(l.to_string(), json!(public.summary_line(l, tax)));
    }
    let summary = public.summary_line(lang, tax);

    let mut tags: Vec<Value> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut add_tag = |raw: &str| {
        let n = hashtag_name(raw);
        if !n.is_empty() && seen.insert(n.clone()) {
            tags.push(
                json!({ "type": "Hashtag", "name": format!("#{n}"), "href": state.urls.tag(&n) }),
            );
        }
    };
    for c in public.categories() {
        add_tag(c);
        if let Some(parent) = c.split('.').next().filter(|p| *p != c) {
            add_tag(parent);
        }
    }
    for l in public.locations() {
        if let Some(city) = &l.locality {
            add_tag(city);
        }
    }
    if let Entry::Offer(o) = &public
        && let Some(city) = &o.area.locality
    {
        add_tag(city);
    }

    let mut doc = json!({
        "@context": entry_context(),
        "id": row.ap_id,
        "type": "Page",
        "entryKind": public.kind().as_str(),
        "name": name,
        "nameMap": lang_text_map(name_map),
        "summary": summary,
        "summaryMap": summary_map,
        "content": content,
        "contentMap": lang_html_map(description),
        "mediaType": "text/html",
        "url": row.url,
        "attributedTo": author.actor,
        "to": [PUBLIC],
        "cc": [author.followers],
        "published": rfc3339(&row.published),
        "updated": rfc3339(&row.updated),
        "tag": tags,
        "sensitive": false,
        "taxonomyVersion": tax.version,
        "directoryEntry": serde_json::to_value(&public).unwrap_or(Value::Null),
    });
    if !public.languages().is_empty() {
        doc["inLanguage"] = json!(public.languages());
    }
    let places: Vec<Value> = public
        .locations()
        .into_iter()
        .map(|l| place_json(l, lang))
        .collect();
    match &public {
        Entry::Event(e) => {
            doc["type"] = json!("Event");
            doc["startTime"] = json!(e.start_time.to_rfc3339_opts(SecondsFormat::Secs, true));
            doc["endTime"] = json!(e.end_time.to_rfc3339_opts(SecondsFormat::Secs, true));
            doc["timezone"] = json!(e.timezone);
            doc["category"] = json!(mobilizon_category(&e.categories));
            doc["isOnline"] = json!(e.location.is_none() && e.online_url.is_some());
            let status = match e.status {
                EventStatus::Tentative => "TENTATIVE",
                EventStatus::Confirmed => "CONFIRMED",
                EventStatus::Cancelled => "CANCELLED",
            };
            doc["ical:status"] = json!(status);
            let (join, external) = match (&e.join_mode, &e.registration_url) {
                (JoinMode::Free, _) => ("free", None),
                (_, url) => ("external", url.clone()),
            };
            doc["joinMode"] = json!(join);
            if let Some(u) = external {
                doc["externalParticipationUrl"] = json!(u);
            }
            if let Some(c) = e.capacity {
                doc["maximumAttendeeCapacity"] = json!(c);
            }
            if let Some(r) = e.remaining_places {
                doc["remainingAttendeeCapacity"] = json!(r);
            }
            let mut attachment = Vec::new();
            if let Some(b) = &e.banner_url {
                let media = mime_from_path(b.path());
                // Mastodon and Mobilizon show `image` as the event's picture.
                doc["image"] = json!({ "type": "Image", "mediaType": media, "url": b });
                attachment.push(
                    json!({ "type": "Document", "mediaType": media, "url": b, "name": "Banner" }),
                );
            }
            if let Some(u) = &e.online_url {
                attachment.push(json!({ "type": "Link", "name": "Website", "href": u, "mediaType": "text/html" }));
            }
            if !attachment.is_empty() {
                doc["attachment"] = json!(attachment);
            }
            match (places.into_iter().next(), &e.online_url) {
                (Some(p), _) => doc["location"] = p,
                (None, Some(u)) => doc["location"] = json!({ "type": "VirtualLocation", "url": u }),
                (None, None) => {}
            }
        }
        _ => match places.len() {
            0 => {}
            1 => doc["location"] = places.into_iter().next().unwrap_or(Value::Null),
            _ => doc["location"] = json!(places),
        },
    }
    doc
}

fn mime_from_path(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".webp") {
        "image/webp"
    } else if lower.ends_with(".gif") {
        "image/gif"
    } else {
        "image/jpeg"
    }
}

/// The Tombstone a deleted entry answers with (410) and that `Delete` carries.
pub fn tombstone(row: &entry::Model) -> Value {
    let former = if row.kind == "event" { "Event" } else { "Page" };
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": row.ap_id,
        "type": "Tombstone",
        "formerType": former,
        "deleted": rfc3339(&row.deleted_at.unwrap_or(row.updated)),
    })
}

/// Why a remote object could not become a directory entry.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("unsupported object type {0:?}")]
    Unsupported(String),
    #[error("invalid entry: {0}")]
    Invalid(String),
}

fn errors_text(errs: &[crate::directory::validate::FieldError]) -> String {
    errs.iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A directory entry from an ActivityPub object: exactly from `directoryEntry` when another
/// Passerelle sent it, else from the standard fields of an `Event` (Mobilizon, Gancio, ...).
/// Everything goes through the same validation as the API, so a remote peer cannot store what
/// a local editor could not.
pub fn entry_from_object(object: &Value, default_language: &str) -> Result<Entry, IngestError> {
    use crate::directory::{
        model::Kind,
        validate::{Context, validate},
    };
    let ctx = Context { default_language };
    let ty = object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(record) = object.get("directoryEntry").filter(|v| v.is_object()) {
        let kind: Kind = record
            .get("kind")
            .and_then(Value::as_str)
            .and_then(|k| k.parse().ok())
            .ok_or_else(|| {
                IngestError::Invalid("directoryEntry.kind is missing or unknown".into())
            })?;
        let mut record = record.clone();
        // Categories unknown to our taxonomy version are dropped rather than refusing the entry.
        if let Some(cats) = record.get_mut("categories").and_then(Value::as_array_mut) {
            cats.retain(|c| c.as_str().is_some_and(|c| taxonomy().is_category(c)));
        }
        return validate(kind, &record, &ctx).map_err(|e| IngestError::Invalid(errors_text(&e)));
    }
    if ty != "Event" {
        return Err(IngestError::Unsupported(ty));
    }
    event_from_as(object, &ctx).map_err(IngestError::Invalid)
}

/// A language map from `xMap` (or the plain `x` in the default language), as plain text.
fn text_map(object: &Value, key: &str, default_language: &str, html: bool) -> Option<Value> {
    let clean = |s: &str| {
        if html {
            html_to_text(s)
        } else {
            s.trim().to_string()
        }
    };
    if let Some(map) = object.get(format!("{key}Map")).and_then(Value::as_object) {
        let m: Map<String, Value> = map
            .iter()
            .filter_map(|(l, t)| t.as_str().map(|t| (l.clone(), Value::String(clean(t)))))
            .filter(|(_, t)| t.as_str().is_some_and(|t| !t.is_empty()))
            .collect();
        if !m.is_empty() {
            return Some(Value::Object(m));
        }
    }
    let plain = object
        .get(key)
        .and_then(Value::as_str)
        .map(clean)
        .filter(|t| !t.is_empty())?;
    let lang = object
        .get("inLanguage")
        .and_then(|v| {
            v.as_str()
                .or_else(|| v.as_array().and_then(|a| a.first()).and_then(Value::as_str))
        })
        .unwrap_or(default_language);
    let mut m = Map::new();
    m.insert(lang.to_string(), Value::String(plain));
    Some(Value::Object(m))
}

/// Remote HTML to plain text: sanitised by ammonia with no tags allowed, paragraphs kept.
pub fn html_to_text(html: &str) -> String {
    let with_breaks = html
        .replace("</p>", "\n\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let text = ammonia::Builder::empty().clean(&with_breaks).to_string();
    let decoded = html_escape::decode_html_entities(&text).into_owned();
    decoded.trim().to_string()
}

/// Whether a location is online: a `VirtualLocation`, or (Gancio) a `Place` whose `address` is one.
fn is_virtual(loc: &Value) -> bool {
    let virtual_type = |v: Option<&Value>| {
        v.and_then(|v| v.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t == "VirtualLocation")
    };
    virtual_type(Some(loc)) || virtual_type(loc.get("address"))
}

fn virtual_url(loc: &Value) -> Option<String> {
    loc.get("url")
        .or_else(|| loc.get("address").and_then(|a| a.get("url")))
        .and_then(|u| u.as_str().or_else(|| u.get("href").and_then(Value::as_str)))
        .map(str::to_string)
}

/// The event's physical place (the first location that is not virtual) and its online address
/// (the URL of the first virtual one); `location` may be one object or an array mixing both.
fn locations(object: &Value) -> (Option<&Value>, Option<String>) {
    let all: Vec<&Value> = match object.get("location") {
        Some(Value::Array(a)) => a.iter().filter(|l| l.is_object()).collect(),
        Some(v) if v.is_object() => vec![v],
        _ => vec![],
    };
    let physical = all.iter().copied().find(|l| !is_virtual(l));
    let online = all
        .iter()
        .copied()
        .filter(|l| is_virtual(l))
        .find_map(virtual_url);
    (physical, online)
}

/// An IANA zone for an event that names none (Gancio): from the offset of its start time, as
/// `Etc/GMT-2` for `+02:00` (the `Etc` zones count the other way), `UTC` when it cannot say.
fn zone_of_offset(start: Option<&str>) -> String {
    use chrono::Offset;
    let secs = start
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.offset().fix().local_minus_utc())
        .unwrap_or(0);
    let hours = secs / 3600;
    if secs == 0 || secs % 3600 != 0 || !(-12..=14).contains(&hours) {
        return "UTC".into();
    }
    format!("Etc/GMT{:+}", -hours)
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn event_from_as(
    object: &Value,
    ctx: &crate::directory::validate::Context,
) -> Result<Entry, String> {
    use crate::directory::{model::Kind, validate::validate};
    let lang = ctx.default_language;
    let name = text_map(object, "name", lang, false).ok_or("an event needs a name")?;
    let description = text_map(object, "content", lang, true)
        .or_else(|| text_map(object, "summary", lang, true))
        .unwrap_or_else(|| name.clone());
    let mut body = Map::new();
    body.insert("name".into(), name);
    body.insert("description".into(), description);
    for (from, to) in [("startTime", "start_time"), ("endTime", "end_time")] {
        if let Some(t) = object.get(from).and_then(Value::as_str) {
            body.insert(to.into(), json!(t));
        }
    }
    if !body.contains_key("end_time")
        && let Some(start) = object.get("startTime").and_then(Value::as_str)
    {
        // FEP-8a8e makes endTime optional: assume two hours.
        if let Ok(s) = chrono::DateTime::parse_from_rfc3339(start) {
            body.insert(
                "end_time".into(),
                json!((s + chrono::Duration::hours(2)).to_rfc3339()),
            );
        }
    }
    let tz = object
        .get("timezone")
        .and_then(Value::as_str)
        .filter(|t| t.parse::<chrono_tz::Tz>().is_ok())
        .map(str::to_string)
        .unwrap_or_else(|| zone_of_offset(object.get("startTime").and_then(Value::as_str)));
    body.insert("timezone".into(), json!(tz));
    let status = object
        .get("ical:status")
        .or_else(|| object.get("status"))
        .and_then(Value::as_str)
        .map(|s| s.to_ascii_lowercase())
        .filter(|s| ["tentative", "confirmed", "cancelled"].contains(&s.as_str()))
        .unwrap_or_else(|| "confirmed".into());
    body.insert("status".into(), json!(status));
    let (place, mut online) = locations(object);
    if let Some(loc) = place {
        let addr = loc.get("address");
        let mut l = Map::new();
        if let Some(n) = loc
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
        {
            l.insert("name".into(), json!({ lang: n.trim() }));
        }
        match addr {
            Some(Value::Object(a)) => {
                for (from, to) in [
                    ("streetAddress", "street_address"),
                    ("postalCode", "postal_code"),
                    ("addressLocality", "locality"),
                    ("addressRegion", "region"),
                ] {
                    if let Some(v) = a
                        .get(from)
                        .and_then(Value::as_str)
                        .filter(|v| !v.trim().is_empty())
                    {
                        l.insert(to.into(), json!(v.trim()));
                    }
                }
                if let Some(c) = a.get("addressCountry").and_then(Value::as_str) {
                    let c = c.trim();
                    if c.len() == 2
                        && crate::directory::validate::is_country_code(&c.to_ascii_uppercase())
                    {
                        l.insert("country".into(), json!(c.to_ascii_uppercase()));
                    }
                }
            }
            Some(Value::String(s)) if !s.trim().is_empty() => {
                l.insert("street_address".into(), json!(s.trim()));
            }
            _ => {}
        }
        if let (Some(lat), Some(lon)) = (number(loc.get("latitude")), number(loc.get("longitude")))
        {
            l.insert("latitude".into(), json!(lat));
            l.insert("longitude".into(), json!(lon));
        }
        if !l.is_empty() {
            body.insert("location".into(), Value::Object(l));
        }
    }
    if online.is_none() && object.get("isOnline").and_then(Value::as_bool) == Some(true) {
        online = object
            .get("url")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    if online.is_none() && !body.contains_key("location") {
        online = object.get("url").and_then(|u| {
            u.as_str()
                .map(str::to_string)
                .or_else(|| u.get("href").and_then(Value::as_str).map(str::to_string))
        });
    }
    if let Some(u) = online {
        body.insert("online_url".into(), json!(u));
    }
    // Mobilizon sends 0 for "no limit".
    if let Some(c) = number(object.get("maximumAttendeeCapacity")).filter(|c| *c > 0.0) {
        body.insert("capacity".into(), json!(c as u32));
    }
    if let Some(c) = number(object.get("remainingAttendeeCapacity")) {
        body.insert("remaining_places".into(), json!(c as u32));
    }
    match object.get("joinMode").and_then(Value::as_str) {
        Some("external") => {
            if let Some(u) = object
                .get("externalParticipationUrl")
                .and_then(Value::as_str)
            {
                body.insert("join_mode".into(), json!("external"));
                body.insert("registration_url".into(), json!(u));
            }
        }
        Some("restricted") | Some("invite") => {
            if let Some(u) = object.get("url").and_then(Value::as_str) {
                body.insert("join_mode".into(), json!("registration"));
                body.insert("registration_url".into(), json!(u));
            }
        }
        _ => {}
    }
    let banner = object
        .get("attachment")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter().find_map(|x| {
                let is_image = x
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.starts_with("image/"));
                if is_image {
                    x.get("url").and_then(Value::as_str).map(str::to_string)
                } else {
                    None
                }
            })
        });
    if let Some(b) = banner {
        body.insert("banner_url".into(), json!(b));
    }
    let body = Value::Object(body);
    validate(Kind::Event, &body, ctx).map_err(|e| errors_text(&e))
}
