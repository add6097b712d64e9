//! Issue 3: the directory — services, events and volunteer offers through the JSON API, stored,
//! served as ActivityPub objects at their ids, published to the organisation's outbox.
use std::collections::BTreeSet;

use passerelle::{
    accounts::{self, Role},
    db::entities::{activity, entry, organization},
    directory::{
        model::{Entry, Kind},
        store::{self, Origin},
        validate::{self, Context},
    },
    federation::objects::{entry_context, entry_from_object},
};
use reqwest::{Method, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both_dbs, harness::*};

const ORG: &str = "lille-accueil";
const OTHER_ORG: &str = "rhein-hilfe";

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/// A legal-aid desk in Lille, with two schedules.
fn service_body() -> Value {
    json!({
        "organization": ORG,
        "name": {
            "fr": "Permanence juridique asile – Lille",
            "ar": "مكتب المساعدة القانونية لطالبي اللجوء – ليل",
            "uk": "Юридична консультація з питань притулку – Лілль",
            "en": "Asylum legal aid desk – Lille"
        },
        "alternate_name": {"fr": "PJA Lille"},
        "description": {
            "fr": "Conseils juridiques gratuits pour les demandeurs d'asile : préparation du récit pour l'OFPRA, recours devant la CNDA.",
            "ar": "استشارات قانونية مجانية لطالبي اللجوء: التحضير لمقابلة OFPRA والطعن أمام CNDA.",
            "en": "Free legal advice for asylum seekers: preparing the OFPRA interview, appeals to the CNDA."
        },
        "status": "active",
        "categories": ["legal", "legal.asylum"],
        "languages": ["fr", "ar", "en"],
        "url": "https://asso-accueil-lille.example/permanence-juridique",
        "email": "juridique@asso-accueil-lille.example",
        "phones": [{"number": "+33 3 20 00 00 00", "type": "voice", "languages": ["fr", "ar"]}],
        "locations": [{
            "name": {"fr": "Maison des associations"},
            "street_address": "12 rue Solférino",
            "postal_code": "59000",
            "locality": "Lille",
            "region": "Hauts-de-France",
            "country": "FR",
            "latitude": 50.63118,
            "longitude": 3.05364,
            "precision": "exact",
            "accessibility": {"fr": "Accès de plain-pied", "en": "Step-free access"},
            "transportation": {"fr": "Métro République – Beaux-Arts"}
        }],
        "schedules": [
            {"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00", "closes_at": "12:00",
             "timezone": "Europe/Paris"},
            {"byday": ["WE"], "opens_at": "14:00", "closes_at": "17:00", "timezone": "Europe/Paris",
             "valid_from": "2026-01-05", "valid_to": "2026-12-18",
             "notes": {"fr": "Sans rendez-vous", "en": "Walk-in"}}
        ],
        "eligibility": {"fr": "Personnes en demande d'asile ou déboutées", "en": "Asylum seekers, including refused applicants"},
        "minimum_age": 18,
        "free": true,
        "application_process": {"fr": "Venir sur place avec ses documents."},
        "required_documents": {"fr": "Attestation de demande d'asile si vous l'avez"},
        "interpretation_available": true,
        "service_area": {"fr": "Métropole européenne de Lille"},
        "last_verified": "2026-10-01"
    })
}

/// A CV workshop at a place in Lille.
fn event_body() -> Value {
    json!({
        "organization": ORG,
        "name": {
            "fr": "Atelier CV et recherche d'emploi",
            "uk": "Майстер-клас: резюме та пошук роботи",
            "en": "CV and job-search workshop"
        },
        "description": {
            "fr": "Deux heures pour préparer un CV à la française, avec des bénévoles.\n\nApportez vos diplômes.",
            "uk": "Дві години, щоб підготувати резюме за французьким зразком разом із волонтерами."
        },
        "status": "confirmed",
        "categories": ["employment", "employment.job-search"],
        "languages": ["fr", "uk"],
        "start_time": "2026-12-05T14:00:00+01:00",
        "end_time": "2026-12-05T16:00:00+01:00",
        "timezone": "Europe/Paris",
        "location": {
            "name": {"fr": "Centre social Wazemmes"},
            "street_address": "5 place de la Nouvelle Aventure",
            "postal_code": "59000",
            "locality": "Lille",
            "country": "FR",
            "latitude": 50.6256,
            "longitude": 3.0489
        },
        "capacity": 20,
        "remaining_places": 8,
        "join_mode": "registration",
        "registration_url": "https://asso-accueil-lille.example/ateliers/cv",
        "banner_url": "https://asso-accueil-lille.example/media/atelier-cv.jpg",
        "contact": "ateliers@asso-accueil-lille.example"
    })
}

/// An online French conversation evening.
fn online_event_body() -> Value {
    json!({
        "organization": ORG,
        "name": {"fr": "Café des langues en ligne", "en": "Online language café"},
        "description": {"fr": "Conversation en français, tous niveaux."},
        "categories": ["language.conversation"],
        "languages": ["fr"],
        "start_time": "2026-11-10T18:30:00+01:00",
        "end_time": "2026-11-10T20:00:00+01:00",
        "timezone": "Europe/Paris",
        "online_url": "https://visio.asso-accueil-lille.example/cafe-langues"
    })
}

/// A buddy offering accompaniment and interpretation in Lille.
fn offer_body() -> Value {
    json!({
        "organization": ORG,
        "name": {
            "fr": "Accompagnement en préfecture et interprétariat",
            "ar": "مرافقة إلى المحافظة وترجمة شفوية",
            "en": "Accompaniment to the prefecture and interpreting"
        },
        "description": {
            "fr": "Ancienne demandeuse d'asile, je peux vous accompagner à vos rendez-vous et traduire entre l'arabe et le français.",
            "en": "A former asylum seeker, I can go with you to appointments and interpret between Arabic and French."
        },
        "status": "active",
        "categories": ["administrative"],
        "help_types": ["accompaniment", "interpretation"],
        "languages": ["fr", "ar"],
        "area": {"kind": "city", "locality": "Lille", "country": "FR"},
        "availability": {"days": ["SA", "SU"], "times": {"fr": "après-midi", "en": "afternoons"}},
        "requirements": {"fr": "Formation « binômes » suivie en 2026", "en": "Buddy training completed in 2026"}
    })
}

/// A minimal valid service, `n` making its name unique.
fn small_service(n: usize) -> Value {
    json!({
        "organization": ORG,
        "name": format!("Distribution alimentaire n°{n}"),
        "description": "Colis alimentaires chaque semaine.",
        "categories": ["food"],
        "languages": ["fr"],
        "online_url": format!("https://example.org/colis/{n}")
    })
}

fn body_for(kind: Kind) -> Value {
    match kind {
        Kind::Service => service_body(),
        Kind::Event => event_body(),
        Kind::Offer => offer_body(),
    }
}

fn with(mut body: Value, patch: Value) -> Value {
    validate::merge_patch(&mut body, &patch);
    body
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// An instance with the organisation [`ORG`] and an editor token for it.
async fn setup(backend: Backend) -> (TestApp, String) {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    let token = app
        .token_for("editor@lille-accueil.example", Role::Editor, Some(ORG))
        .await;
    (app, token)
}

/// Send a JSON API request; the answer's status and JSON body (`Null` when not JSON).
async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let resp = api_raw(app, method, path, token, body.map(|b| b.to_string())).await;
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn api_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.into_bytes());
    }
    req.send().await.unwrap()
}

/// POST an entry, asserting 201; the created entry's JSON.
async fn create(app: &TestApp, token: &str, kind: Kind, body: &Value) -> Value {
    let (status, json) = api(
        app,
        Method::POST,
        &format!("/api/v1/{}", kind.plural()),
        Some(token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "POST {kind}: {json:#}");
    json
}

fn id_of(json: &Value) -> String {
    json["id"].as_str().expect("id").to_string()
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    api(app, Method::GET, path, None, None).await
}

/// The AS JSON at an ActivityPub id, asserting 200 and the AS content type.
async fn get_as(app: &TestApp, url: &str) -> Value {
    let resp = app.get_ap(url).await;
    assert_eq!(resp.status(), StatusCode::OK, "GET {url} as AS JSON");
    let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/activity+json"), "{ct}");
    resp.json().await.unwrap()
}

async fn get_html(app: &TestApp, url: &str, lang: Option<&str>) -> (StatusCode, String) {
    let mut req = app.client.get(url).header("Accept", "text/html");
    if let Some(l) = lang {
        req = req.header("Accept-Language", l);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    // Entities decoded (the templates escape `/` in URLs as `&#x2f;`).
    let html = resp.text().await.unwrap();
    (
        status,
        html_escape::decode_html_entities(&html).into_owned(),
    )
}

async fn row_count(app: &TestApp) -> (u64, u64) {
    let db = &app.state.db;
    (
        entry::Entity::find().count(db).await.unwrap(),
        activity::Entity::find().count(db).await.unwrap(),
    )
}

async fn stored(app: &TestApp, id: &str) -> entry::Model {
    store::get(&app.state.db, Uuid::parse_str(id).unwrap())
        .await
        .unwrap()
        .expect("stored entry")
}

fn outbox_url(app: &TestApp, slug: &str) -> String {
    app.state.urls.org_outbox(slug).to_string()
}

/// Every activity of an outbox, newest first (all pages).
async fn outbox_items(app: &TestApp, slug: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(format!("{}?page=1", outbox_url(app, slug)));
    while let Some(url) = next {
        let page = get_as(app, &url).await;
        items.extend(page["orderedItems"].as_array().unwrap().iter().cloned());
        next = page["next"].as_str().map(str::to_string);
    }
    items
}

fn error_fields(body: &Value) -> BTreeSet<String> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors array in {body:#}"))
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            e["field"].as_str().unwrap().to_string()
        })
        .collect()
}

fn set(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|s| s.to_string()).collect()
}

/// The validated entry a body stands for (the org's default language is `fr`).
fn expected_entry(kind: Kind, body: &Value) -> Entry {
    validate::validate(
        kind,
        body,
        &Context {
            default_language: "fr",
        },
    )
    .unwrap()
}

/// Snapshot form: our base URL replaced by `https://example.test/`, UUIDs by `[uuid]`,
/// timestamps set by the server by `[date]`.
fn redact(app: &TestApp, v: &Value) -> Value {
    let text = v
        .to_string()
        .replace(app.base.as_str(), "https://example.test/")
        .replace(&app.domain, "example.test");
    let uuid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let text = uuid.replace_all(&text, "[uuid]");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    redact_dates(&mut v);
    v
}

fn redact_dates(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if ["published", "updated", "deleted"].contains(&k.as_str()) && x.is_string() {
                    *x = json!("[date]");
                } else {
                    redact_dates(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_dates),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// JSON-LD terms
// ---------------------------------------------------------------------------------------------

/// The terms the ActivityStreams context (https://www.w3.org/ns/activitystreams) defines.
const AS_TERMS: &[&str] = &[
    "id",
    "type", // aliases of @id and @type
    // types
    "Object",
    "Link",
    "Activity",
    "IntransitiveActivity",
    "Collection",
    "OrderedCollection",
    "CollectionPage",
    "OrderedCollectionPage",
    "Accept",
    "TentativeAccept",
    "Add",
    "Arrive",
    "Create",
    "Delete",
    "Follow",
    "Ignore",
    "Join",
    "Leave",
    "Like",
    "Offer",
    "Invite",
    "Reject",
    "TentativeReject",
    "Remove",
    "Undo",
    "Update",
    "View",
    "Listen",
    "Read",
    "Move",
    "Travel",
    "Announce",
    "Block",
    "Flag",
    "Dislike",
    "Question",
    "Application",
    "Group",
    "Organization",
    "Person",
    "Service",
    "Relationship",
    "Article",
    "Document",
    "Audio",
    "Image",
    "Video",
    "Note",
    "Page",
    "Event",
    "Place",
    "Mention",
    "Profile",
    "Tombstone",
    // properties
    "actor",
    "attachment",
    "attributedTo",
    "audience",
    "bcc",
    "bto",
    "cc",
    "context",
    "current",
    "first",
    "generator",
    "icon",
    "image",
    "inReplyTo",
    "instrument",
    "last",
    "location",
    "items",
    "orderedItems",
    "oneOf",
    "anyOf",
    "closed",
    "origin",
    "next",
    "object",
    "prev",
    "preview",
    "result",
    "replies",
    "tag",
    "target",
    "to",
    "url",
    "accuracy",
    "altitude",
    "content",
    "contentMap",
    "name",
    "nameMap",
    "duration",
    "endTime",
    "height",
    "href",
    "hreflang",
    "partOf",
    "latitude",
    "longitude",
    "mediaType",
    "published",
    "radius",
    "rel",
    "startIndex",
    "startTime",
    "summary",
    "summaryMap",
    "totalItems",
    "units",
    "updated",
    "width",
    "subject",
    "relationship",
    "describes",
    "formerType",
    "deleted",
    "source",
    "inbox",
    "outbox",
    "followers",
    "following",
    "liked",
    "likes",
    "shares",
    "streams",
    "preferredUsername",
    "endpoints",
    "sharedInbox",
    "proxyUrl",
    "oauthAuthorizationEndpoint",
    "oauthTokenEndpoint",
    "provideClientKey",
    "signClientKey",
    "uploadMedia",
];

/// Terms defined by a document's `@context` (ActivityStreams by URL, others inline).
fn defined_terms(context: &Value) -> BTreeSet<String> {
    let parts = match context {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut terms = BTreeSet::new();
    for p in parts {
        match p {
            Value::String(s) if s == "https://www.w3.org/ns/activitystreams" => {
                terms.extend(AS_TERMS.iter().map(|t| t.to_string()));
            }
            Value::Object(m) => terms.extend(m.keys().cloned()),
            _ => {}
        }
    }
    terms
}

fn is_defined(term: &str, terms: &BTreeSet<String>) -> bool {
    term.starts_with('@')
        || terms.contains(term)
        || term
            .split_once(':')
            .is_some_and(|(prefix, _)| terms.contains(prefix))
}

/// Keys (and `type` values) of `doc` that its context does not define; `*Map` values (language
/// tags) and `directoryEntry` (an `@json` literal) are not walked into.
fn undefined_terms(doc: &Value, terms: &BTreeSet<String>) -> Vec<String> {
    fn walk(path: &str, v: &Value, terms: &BTreeSet<String>, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "@context" {
                        continue;
                    }
                    let p = format!("{path}.{k}");
                    if !is_defined(k, terms) {
                        out.push(p.clone());
                    }
                    if k == "type"
                        && let Some(t) = x.as_str()
                        && !is_defined(t, terms)
                    {
                        out.push(format!("{p} = {t}"));
                    }
                    if k == "directoryEntry" || k.ends_with("Map") {
                        continue;
                    }
                    walk(&p, x, terms, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), x, terms, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", doc, terms, &mut out);
    out
}

/// Assert that every term of an AS document is defined by its own `@context`.
fn assert_terms_defined(doc: &Value) {
    let terms = defined_terms(&doc["@context"]);
    let undefined = undefined_terms(doc, &terms);
    assert!(
        undefined.is_empty(),
        "terms not defined by the document's @context (a JSON-LD processor drops them): {undefined:?}\n{doc:#}"
    );
}

/// What every entry object must carry for Mastodon and other readers.
fn assert_readable_object(obj: &Value, app: &TestApp, slug: &str) {
    for key in ["name", "summary", "content", "url"] {
        assert!(
            obj[key].as_str().is_some_and(|s| !s.trim().is_empty()),
            "{key} missing or empty: {obj:#}"
        );
    }
    for key in ["nameMap", "summaryMap", "contentMap"] {
        assert!(
            obj[key].as_object().is_some_and(|m| !m.is_empty()),
            "{key} missing: {obj:#}"
        );
    }
    assert_eq!(obj["mediaType"], "text/html");
    assert_eq!(obj["attributedTo"], app.state.urls.org(slug).to_string());
    assert_eq!(
        obj["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert_eq!(
        obj["cc"],
        json!([app.state.urls.org_followers(slug).to_string()])
    );
    for t in obj["tag"].as_array().unwrap() {
        assert_eq!(t["type"], "Hashtag");
        assert!(t["name"].as_str().unwrap().starts_with('#'));
        assert!(t["href"].as_str().unwrap().starts_with(app.base.as_str()));
    }
}

fn hashtags(obj: &Value) -> BTreeSet<String> {
    obj["tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Round trips and snapshots
// ---------------------------------------------------------------------------------------------

/// API → storage → AS JSON → parsed back into the same record; the AS JSON snapshot.
async fn round_trip(backend: Backend, kind: Kind) {
    let (app, token) = setup(backend).await;
    let body = body_for(kind);
    let created = create(&app, &token, kind, &body).await;
    let id = id_of(&created);
    let ap_id = created["ap_id"].as_str().unwrap().to_string();
    assert_eq!(
        ap_id,
        app.url(&format!("/{}/{id}", kind.plural())).to_string()
    );
    assert_eq!(created["kind"], kind.as_str());
    assert_eq!(created["organization"], ORG);
    assert_eq!(created["origin"]["local"], true);
    assert_eq!(created["origin"]["domain"], app.domain);

    // Storage holds exactly the validated record.
    let expected = expected_entry(kind, &body);
    let row = stored(&app, &id).await;
    assert_eq!(store::parse(&row).unwrap(), expected);
    assert_eq!(row.kind, kind.as_str());
    assert!(row.local);

    // GET without a token answers what POST answered.
    let (status, got) = get_json(&app, &format!("/api/v1/{}/{id}", kind.plural())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, created);

    // The AS object parses back into the same record.
    let obj = get_as(&app, &ap_id).await;
    assert_eq!(obj["id"], ap_id);
    assert_eq!(obj["url"], ap_id);
    assert_readable_object(&obj, &app, ORG);
    assert_eq!(obj["@context"], entry_context());
    assert_terms_defined(&obj);
    let back = entry_from_object(&obj, "fr").unwrap();
    assert_eq!(back, expected, "{kind}: AS JSON → entry");
    // Even read with another default language: the maps carry their languages.
    assert_eq!(entry_from_object(&obj, "de").unwrap(), expected);

    // Plain fields beside the maps, in the organisation's language.
    assert_eq!(obj["name"], body["name"]["fr"]);
    assert_eq!(obj["nameMap"], body["name"]);
    let summary_langs: BTreeSet<&String> = obj["summaryMap"].as_object().unwrap().keys().collect();
    let name_langs: BTreeSet<&String> = obj["nameMap"].as_object().unwrap().keys().collect();
    assert_eq!(summary_langs, name_langs);
    assert_eq!(
        obj["contentMap"].as_object().unwrap().len(),
        body["description"].as_object().unwrap().len()
    );
    assert!(obj["content"].as_str().unwrap().starts_with("<p>"));
    let tags = hashtags(&obj);
    match kind {
        Kind::Service => {
            assert_eq!(obj["type"], "Page");
            assert_eq!(obj["entryKind"], "service");
            assert!(obj["directoryEntry"].is_object());
            assert_eq!(tags, set(&["#legal", "#legal_asylum", "#lille"]));
            assert_eq!(obj["location"]["type"], "Place");
            assert_eq!(obj["location"]["latitude"], json!(50.63118));
            assert_eq!(
                obj["location"]["address"]["streetAddress"],
                "12 rue Solférino"
            );
            assert!(
                obj["summary"].as_str().unwrap().contains("Lille, FR"),
                "{}",
                obj["summary"]
            );
        }
        Kind::Event => {
            assert_eq!(obj["type"], "Event");
            assert_eq!(obj["startTime"], "2026-12-05T14:00:00+01:00");
            assert_eq!(obj["endTime"], "2026-12-05T16:00:00+01:00");
            assert_eq!(obj["timezone"], "Europe/Paris");
            assert_eq!(obj["isOnline"], false);
            assert_eq!(obj["ical:status"], "CONFIRMED");
            assert_eq!(obj["joinMode"], "external");
            assert_eq!(
                obj["externalParticipationUrl"],
                "https://asso-accueil-lille.example/ateliers/cv"
            );
            assert_eq!(obj["maximumAttendeeCapacity"], 20);
            assert_eq!(obj["remainingAttendeeCapacity"], 8);
            let place = &obj["location"];
            assert_eq!(place["type"], "Place");
            assert_eq!(place["name"], "Centre social Wazemmes");
            assert!(place["latitude"].is_f64() && place["longitude"].is_f64());
            assert_eq!(place["latitude"], json!(50.6256));
            assert_eq!(place["longitude"], json!(3.0489));
            assert_eq!(place["address"]["type"], "PostalAddress");
            assert_eq!(place["address"]["addressLocality"], "Lille");
            assert_eq!(place["address"]["postalCode"], "59000");
            assert_eq!(place["address"]["addressCountry"], "FR");
            let attachments = obj["attachment"].as_array().unwrap();
            assert!(
                attachments
                    .iter()
                    .all(|a| a["mediaType"].as_str().is_some()),
                "Gancio needs mediaType on attachments: {attachments:#?}"
            );
            assert!(
                attachments
                    .iter()
                    .any(|a| a["type"] == "Document" && a["mediaType"] == "image/jpeg")
            );
            assert_eq!(
                tags,
                set(&["#employment", "#employment_job_search", "#lille"])
            );
            // The standard Event fields alone (as Mobilizon or Gancio read them) give back
            // the same event where the vocabularies overlap.
            let mut plain = obj.clone();
            plain.as_object_mut().unwrap().remove("directoryEntry");
            let Entry::Event(e) = entry_from_object(&plain, "fr").unwrap() else {
                panic!("not an event")
            };
            let Entry::Event(x) = &expected else {
                unreachable!()
            };
            assert_eq!(e.name, x.name);
            assert_eq!(e.start_time, x.start_time);
            assert_eq!(e.end_time, x.end_time);
            assert_eq!(e.timezone, x.timezone);
            assert_eq!(e.status, x.status);
            assert_eq!(e.capacity, x.capacity);
            assert_eq!(e.remaining_places, x.remaining_places);
            assert_eq!(e.registration_url, x.registration_url);
            assert_eq!(e.banner_url, x.banner_url);
            let (l, xl) = (e.location.unwrap(), x.location.clone().unwrap());
            assert_eq!(
                (
                    l.latitude,
                    l.longitude,
                    l.locality,
                    l.street_address,
                    l.country
                ),
                (
                    xl.latitude,
                    xl.longitude,
                    xl.locality,
                    xl.street_address,
                    xl.country
                )
            );
            assert_eq!(
                e.description.get("fr"),
                Some(
                    "Deux heures pour préparer un CV à la française, avec des bénévoles.\n\nApportez vos diplômes."
                )
            );
        }
        Kind::Offer => {
            assert_eq!(obj["type"], "Page");
            assert_eq!(obj["entryKind"], "offer");
            assert!(obj.get("location").is_none(), "an offer has no place");
            assert_eq!(tags, set(&["#administrative", "#lille"]));
            assert!(
                obj["summary"].as_str().unwrap().contains("Lille"),
                "{}",
                obj["summary"]
            );
        }
    }

    // Browsers get HTML at the same id (a French reader gets the French name).
    let (status, html) = get_html(&app, &ap_id, Some("fr")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html"), "{html}");
    assert!(
        html.contains(
            body["name"]["fr"]
                .as_str()
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
        )
    );
    assert!(html.contains(&format!(
        r#"<link rel="alternate" type="application/activity+json" href="{ap_id}">"#
    )));

    // The outbox has the Create embedding the same object.
    let items = outbox_items(&app, ORG).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "Create");
    assert_eq!(items[0]["actor"], app.state.urls.org(ORG).to_string());
    let mut embedded = obj.clone();
    embedded.as_object_mut().unwrap().remove("@context");
    assert_eq!(items[0]["object"], embedded);

    // One snapshot per kind, shared by both backends.
    let snap = redact(&app, &obj);
    match kind {
        Kind::Service => insta::assert_json_snapshot!("service_as_json", snap),
        Kind::Event => insta::assert_json_snapshot!("event_as_json", snap),
        Kind::Offer => insta::assert_json_snapshot!("offer_as_json", snap),
    }
}

both_dbs! {
    async fn service_round_trip(backend: Backend) {
        round_trip(backend, Kind::Service).await;
    }
}

both_dbs! {
    async fn event_round_trip(backend: Backend) {
        round_trip(backend, Kind::Event).await;
    }
}

both_dbs! {
    async fn offer_round_trip(backend: Backend) {
        round_trip(backend, Kind::Offer).await;
    }
}

both_dbs! {
    async fn online_event_has_a_virtual_location(backend: Backend) {
        let (app, token) = setup(backend).await;
        let body = online_event_body();
        let created = create(&app, &token, Kind::Event, &body).await;
        let obj = get_as(&app, created["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["type"], "Event");
        assert_eq!(obj["isOnline"], true);
        assert_eq!(
            obj["location"],
            json!({"type": "VirtualLocation", "url": "https://visio.asso-accueil-lille.example/cafe-langues"})
        );
        assert_eq!(obj["joinMode"], "free");
        assert_terms_defined(&obj);
        assert_readable_object(&obj, &app, ORG);
        assert_eq!(entry_from_object(&obj, "fr").unwrap(), expected_entry(Kind::Event, &body));
        // Without directoryEntry, the online link survives as online_url.
        let mut plain = obj.clone();
        plain.as_object_mut().unwrap().remove("directoryEntry");
        let Entry::Event(e) = entry_from_object(&plain, "fr").unwrap() else { panic!() };
        assert_eq!(
            e.online_url.unwrap().as_str(),
            "https://visio.asso-accueil-lille.example/cafe-langues"
        );
        assert!(e.location.is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn validation_reports_every_problem_and_saves_nothing(backend: Backend) {
        let (app, token) = setup(backend).await;
        let before = row_count(&app).await;

        // Service: unknown category, bad language tags, bad time zone, latitude out of range,
        // text over its limit, unknown field — all in one answer.
        let bad_service = with(service_body(), json!({
            "categories": ["legal", "housing"],
            "languages": ["fr", "xx-!!"],
            "name": {"en_GB!": "Legal aid"},
            "description": "x".repeat(10_001),
            "locations": [{"locality": "Lille", "latitude": 91.5, "longitude": 3.0}],
            "schedules": [{"opens_at": "09:00", "closes_at": "12:00", "timezone": "Europe/Lile"}],
            "colour": "blue"
        }));
        let (status, body) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(&bad_service)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:#}");
        assert_eq!(
            error_fields(&body),
            set(&[
                "categories[1]",
                "languages[1]",
                "name.en_GB!",
                "description",
                "locations[0].latitude",
                "schedules[0].timezone",
                "colour",
            ]),
            "{body:#}"
        );
        assert_eq!(body.as_object().unwrap().len(), 1, "only `errors`: {body:#}");
        for e in body["errors"].as_array().unwrap() {
            assert_eq!(e.as_object().unwrap().len(), 2, "{{field, message}}: {e}");
        }
        let msg = |field: &str| {
            body["errors"].as_array().unwrap().iter()
                .find(|e| e["field"] == field).unwrap()["message"].as_str().unwrap().to_string()
        };
        assert!(msg("categories[1]").contains("housing"));
        assert!(msg("description").contains("10001"), "{}", msg("description"));

        // Event: end before start, bad time zone, coordinates out of range.
        let bad_event = with(event_body(), json!({
            "start_time": "2026-12-05T16:00:00+01:00",
            "end_time": "2026-12-05T14:00:00+01:00",
            "timezone": "Mars/Olympus_Mons",
            "location": {"latitude": -95.0, "longitude": 181.0},
            "remaining_places": 25
        }));
        let (status, body) = api(&app, Method::POST, "/api/v1/events", Some(&token), Some(&bad_event)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            error_fields(&body),
            set(&["end_time", "timezone", "location.latitude", "location.longitude", "remaining_places"]),
            "{body:#}"
        );

        // Offer: a volunteer's personal contact has no field to go in.
        let bad_offer = with(offer_body(), json!({
            "contact": "+33 6 12 34 56 78",
            "help_types": ["babysitting"],
            "area": {"kind": "city", "locality": null}
        }));
        let (status, body) = api(&app, Method::POST, "/api/v1/offers", Some(&token), Some(&bad_offer)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["contact", "help_types[0]", "area.locality"]), "{body:#}");

        // Missing or unknown organisation.
        let mut no_org = service_body();
        no_org.as_object_mut().unwrap().remove("organization");
        let (status, body) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(&no_org)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["organization"]));
        let (status, body) = api(&app, Method::POST, "/api/v1/services", Some(&token),
            Some(&with(service_body(), json!({"organization": "nobody-here"})))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["organization"]));

        // Not an object; not JSON at all.
        let (status, body) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(&json!([1, 2]))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let resp = api_raw(&app, Method::POST, "/api/v1/services", Some(&token),
            Some(r#"{"organization": "lille-accueil", "name": "#.into())).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"].as_str().is_some_and(|e| e.contains("JSON")), "{body}");

        // Nothing half-saved: no entry row, no activity.
        assert_eq!(row_count(&app).await, before);

        // A failed PUT or PATCH leaves the stored entry and the outbox as they were.
        let created = create(&app, &token, Kind::Service, &service_body()).await;
        let id = id_of(&created);
        let row_before = stored(&app, &id).await;
        let counts_before = row_count(&app).await;
        let path = format!("/api/v1/services/{id}");
        let (status, body) = api(&app, Method::PATCH, &path, Some(&token),
            Some(&json!({"status": "closed", "minimum_age": -1, "name": {"fr": "Nouveau nom"}}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["status", "minimum_age"]), "{body:#}");
        let (status, _) = api(&app, Method::PUT, &path, Some(&token),
            Some(&with(service_body(), json!({"languages": []})))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(stored(&app, &id).await, row_before);
        assert_eq!(row_count(&app).await, counts_before);
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication and authorisation
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn tokens_and_permissions(backend: Backend) {
        let (app, token) = setup(backend).await;
        app.create_org_with(OTHER_ORG, |o| o.default_language = Some("de".into())).await;
        let other = app.token_for("editor@rhein-hilfe.example", Role::Editor, Some(OTHER_ORG)).await;
        let admin = app.token_for("admin@instance.example", Role::Admin, None).await;
        let before = row_count(&app).await;

        // No token, a malformed header, an unknown token: 401.
        let (status, _) = api(&app, Method::POST, "/api/v1/services", None, Some(&service_body())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let resp = app.client.post(app.url("/api/v1/services"))
            .header("Authorization", format!("Basic {token}"))
            .body(service_body().to_string()).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let (status, _) = api(&app, Method::POST, "/api/v1/services", Some("psl_not-a-token"), Some(&service_body())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // An editor of another organisation: 403.
        let (status, body) = api(&app, Method::POST, "/api/v1/services", Some(&other), Some(&service_body())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(row_count(&app).await, before);

        // Its own editor and an administrator may.
        let mine = create(&app, &token, Kind::Service, &service_body()).await;
        let by_admin = create(&app, &admin, Kind::Offer, &offer_body()).await;
        assert_eq!(by_admin["organization"], ORG);
        let theirs = create(&app, &other, Kind::Event,
            &with(event_body(), json!({"organization": OTHER_ORG}))).await;
        assert_eq!(theirs["organization"], OTHER_ORG);
        // Plain strings are in the publishing organisation's default language.
        let plain = create(&app, &other, Kind::Service,
            &with(small_service(1), json!({"organization": OTHER_ORG}))).await;
        assert_eq!(plain["name"], json!({"de": "Distribution alimentaire n°1"}));

        // PATCH, PUT and DELETE of another organisation's entry: 403, nothing changes.
        let path = format!("/api/v1/services/{}", id_of(&mine));
        let row_before = stored(&app, &id_of(&mine)).await;
        let counts = row_count(&app).await;
        let (status, _) = api(&app, Method::PATCH, &path, Some(&other), Some(&json!({"status": "inactive"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api(&app, Method::PUT, &path, Some(&other), Some(&service_body())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api(&app, Method::DELETE, &path, Some(&other), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(stored(&app, &id_of(&mine)).await, row_before);
        assert_eq!(row_count(&app).await, counts);
        // Nor may an entry move to another organisation.
        let (status, body) = api(&app, Method::PATCH, &path, Some(&admin), Some(&json!({"organization": OTHER_ORG}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["organization"]));

        // A revoked token: 401, even for what it could do before.
        accounts::revoke_tokens(&app.state.db, &token).await.unwrap();
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"status": "inactive"}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(&service_body())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(row_count(&app).await, counts);

        // Reading needs no token.
        let (status, _) = get_json(&app, &path).await;
        assert_eq!(status, StatusCode::OK);
    }
}

both_dbs! {
    async fn unknown_ids_and_collections(backend: Backend) {
        let (app, token) = setup(backend).await;
        let event = create(&app, &token, Kind::Event, &event_body()).await;
        let random = Uuid::now_v7();
        for path in [
            format!("/api/v1/services/{random}"),
            "/api/v1/services/not-a-uuid".to_string(),
            // An event's id is not a service's.
            format!("/api/v1/services/{}", id_of(&event)),
            "/api/v1/widgets".to_string(),
        ] {
            let (status, body) = get_json(&app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}: {body}");
        }
        let path = format!("/api/v1/offers/{random}");
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api(&app, Method::PUT, &path, Some(&token), Some(&offer_body())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api(&app, Method::DELETE, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let resp = app.get_ap(app.url(&format!("/services/{random}")).as_str()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let resp = app.get_ap(app.url(&format!("/activities/{random}")).as_str()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }
}

// ---------------------------------------------------------------------------------------------
// PUT, PATCH, DELETE
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn patch_changes_only_given_fields(backend: Backend) {
        let (app, token) = setup(backend).await;
        let created = create(&app, &token, Kind::Service, &service_body()).await;
        let id = id_of(&created);
        let path = format!("/api/v1/services/{id}");
        let (status, patched) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({
            "name": {"en": "Asylum legal advice – Lille", "de": "Asylrechtsberatung – Lille"},
            "alternate_name": null,
            "minimum_age": 16
        }))).await;
        assert_eq!(status, StatusCode::OK, "{patched:#}");

        // Language maps merge (RFC 7396): fr, ar, uk kept; en replaced; de added.
        let mut name = created["name"].clone();
        name["en"] = json!("Asylum legal advice – Lille");
        name["de"] = json!("Asylrechtsberatung – Lille");
        assert_eq!(patched["name"], name);
        assert!(patched.get("alternate_name").is_none());
        assert_eq!(patched["minimum_age"], 16);
        // Everything else as it was.
        let mut expected = created.clone();
        let e = expected.as_object_mut().unwrap();
        e.insert("name".into(), name);
        e.shift_remove("alternate_name");
        e.insert("minimum_age".into(), json!(16));
        e.insert("updated".into(), patched["updated"].clone());
        assert_eq!(patched, expected);
        assert!(patched["updated"].as_str() >= created["updated"].as_str());
        assert_eq!(stored(&app, &id).await.version, 2);

        // The outbox: Create, then Update with the new object.
        let items = outbox_items(&app, ORG).await;
        let kinds: Vec<&str> = items.iter().map(|i| i["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["Update", "Create"]);
        assert_eq!(items[0]["object"]["nameMap"]["de"], "Asylrechtsberatung – Lille");
        assert_eq!(items[0]["object"]["id"], created["ap_id"]);
        let obj = get_as(&app, created["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["nameMap"]["de"], "Asylrechtsberatung – Lille");
    }
}

both_dbs! {
    async fn put_replaces_the_whole_entry(backend: Backend) {
        let (app, token) = setup(backend).await;
        let created = create(&app, &token, Kind::Event, &event_body()).await;
        let id = id_of(&created);
        let path = format!("/api/v1/events/{id}");

        // A GET response PUT back as it is changes nothing but `updated`.
        let (_, got) = get_json(&app, &path).await;
        let row_before = stored(&app, &id).await;
        let (status, put) = api(&app, Method::PUT, &path, Some(&token), Some(&got)).await;
        assert_eq!(status, StatusCode::OK, "{put:#}");
        let mut expected = got.clone();
        expected["updated"] = put["updated"].clone();
        assert_eq!(put, expected);
        let row_after = stored(&app, &id).await;
        assert_eq!(row_after.data, row_before.data);
        assert_eq!(row_after.version, row_before.version + 1);

        // PUT is whole: what the body leaves out is gone.
        let minimal = json!({
            "name": "Atelier CV",
            "description": "Préparer un CV.",
            "start_time": "2026-12-12T10:00:00+01:00",
            "end_time": "2026-12-12T12:00:00+01:00",
            "timezone": "Europe/Paris",
            "online_url": "https://visio.example/cv"
        });
        let (status, put) = api(&app, Method::PUT, &path, Some(&token), Some(&minimal)).await;
        assert_eq!(status, StatusCode::OK, "{put:#}");
        assert_eq!(put["name"], json!({"fr": "Atelier CV"}));
        for gone in ["location", "capacity", "remaining_places", "banner_url", "contact", "registration_url"] {
            assert!(put.get(gone).is_none(), "{gone} should be gone: {put:#}");
        }
        assert_eq!(put["join_mode"], "free");
        assert_eq!(store::parse(&stored(&app, &id).await).unwrap(), expected_entry(Kind::Event, &minimal));
        let obj = get_as(&app, created["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["location"]["type"], "VirtualLocation");
        assert_eq!(obj["startTime"], "2026-12-12T10:00:00+01:00");

        let kinds: Vec<String> = outbox_items(&app, ORG).await.iter()
            .map(|i| i["type"].as_str().unwrap().to_string()).collect();
        assert_eq!(kinds, ["Update", "Update", "Create"]);
    }
}

both_dbs! {
    async fn delete_leaves_a_tombstone(backend: Backend) {
        let (app, token) = setup(backend).await;
        let created = create(&app, &token, Kind::Offer, &offer_body()).await;
        let id = id_of(&created);
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/offers/{id}");
        let resp = api_raw(&app, Method::DELETE, &path, Some(&token), None).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);

        let (status, _) = get_json(&app, &path).await;
        assert_eq!(status, StatusCode::GONE);
        let resp = app.get_ap(&ap_id).await;
        assert_eq!(resp.status(), StatusCode::GONE);
        let tomb: Value = resp.json().await.unwrap();
        assert_eq!(tomb["type"], "Tombstone");
        assert_eq!(tomb["id"], ap_id);
        assert_eq!(tomb["formerType"], "Page");
        assert!(chrono::DateTime::parse_from_rfc3339(tomb["deleted"].as_str().unwrap()).is_ok());
        assert_terms_defined(&tomb);
        let (status, html) = get_html(&app, &ap_id, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!html.contains("Accompagnement en préfecture"));

        // Gone from the list; a second DELETE, a PATCH or a PUT: 404.
        let (_, list) = get_json(&app, "/api/v1/offers").await;
        assert_eq!(list["total"], 0);
        assert_eq!(list["items"], json!([]));
        let (status, _) = api(&app, Method::DELETE, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The outbox: Delete (with the Tombstone), then Create.
        let items = outbox_items(&app, ORG).await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["type"], "Delete");
        assert_eq!(items[0]["object"]["type"], "Tombstone");
        assert_eq!(items[0]["object"]["id"], ap_id);
        assert_eq!(items[1]["type"], "Create");

        // A deleted event is a Tombstone whose former type is Event.
        let event = create(&app, &token, Kind::Event, &event_body()).await;
        let (status, _) = api(&app, Method::DELETE, &format!("/api/v1/events/{}", id_of(&event)), Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let resp = app.get_ap(event["ap_id"].as_str().unwrap()).await;
        assert_eq!(resp.status(), StatusCode::GONE);
        let tomb: Value = resp.json().await.unwrap();
        assert_eq!(tomb["formerType"], "Event");
    }
}

// ---------------------------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn list_pages_local_and_federated_entries(backend: Backend) {
        let (app, token) = setup(backend).await;
        let mut ids = Vec::new();
        for n in 0..3 {
            ids.push(id_of(&create(&app, &token, Kind::Service, &small_service(n)).await));
        }
        create(&app, &token, Kind::Event, &event_body()).await;
        // A service federated from another instance.
        let remote = expected_entry(Kind::Service, &small_service(99));
        let remote_id = Uuid::now_v7();
        let later = chrono::Utc::now() + chrono::Duration::seconds(5);
        store::insert(&app.state.db, Origin {
            id: remote_id,
            ap_id: "https://remote.example/services/1".into(),
            url: "https://remote.example/s/1".into(),
            organization_id: None,
            remote_actor_id: None,
            origin_domain: "remote.example".into(),
            local: false,
            published: later,
            updated: later,
        }, &remote).await.unwrap();

        let (status, page1) = get_json(&app, "/api/v1/services?per_page=2").await;
        assert_eq!(status, StatusCode::OK, "{page1:#}");
        assert_eq!(page1["total"], 4);
        assert_eq!(page1["page"], 1);
        assert_eq!(page1["per_page"], 2);
        let items = page1["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        // Newest first: the federated one, then the last local one.
        assert_eq!(items[0]["id"], remote_id.to_string());
        assert_eq!(items[0]["origin"]["local"], false);
        assert_eq!(items[0]["origin"]["domain"], "remote.example");
        assert_eq!(items[0]["origin"]["url"], "https://remote.example/s/1");
        assert_eq!(items[0]["ap_id"], "https://remote.example/services/1");
        assert_eq!(items[0]["organization"], Value::Null);
        assert_eq!(items[1]["id"], ids[2]);
        assert_eq!(items[1]["origin"]["local"], true);
        assert_eq!(items[1]["origin"]["actor"], app.state.urls.org(ORG).to_string());
        assert!(items.iter().all(|i| i["kind"] == "service"));
        let (_, page2) = get_json(&app, "/api/v1/services?per_page=2&page=2").await;
        let ids2: Vec<&str> = page2["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(ids2, [ids[1].as_str(), ids[0].as_str()]);
        let (_, page3) = get_json(&app, "/api/v1/services?per_page=2&page=3").await;
        assert_eq!(page3["items"], json!([]));
        assert_eq!(page3["total"], 4);
        let (_, events) = get_json(&app, "/api/v1/events").await;
        assert_eq!(events["total"], 1);
        assert_eq!(events["per_page"], 20);

        // A federated entry redirects fediverse software to its origin.
        let resp = app.get_ap(app.url(&format!("/services/{remote_id}")).as_str()).await;
        assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(resp.headers()["location"], "https://remote.example/services/1");

        // Bad paging parameters: 422 naming each.
        let (status, body) = get_json(&app, "/api/v1/services?per_page=0").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["per_page"]));
        let (status, body) = get_json(&app, "/api/v1/services?per_page=101&page=0").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["page", "per_page"]));
        let (status, body) = get_json(&app, "/api/v1/services?page=abc").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_fields(&body), set(&["page"]));
    }
}

// ---------------------------------------------------------------------------------------------
// Outbox and activities
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn outbox_pages_newest_first(backend: Backend) {
        let (app, token) = setup(backend).await;
        let mut ap_ids = Vec::new();
        for n in 0..25 {
            ap_ids.push(create(&app, &token, Kind::Service, &small_service(n)).await["ap_id"]
                .as_str().unwrap().to_string());
        }
        let outbox = outbox_url(&app, ORG);
        let coll = get_as(&app, &outbox).await;
        assert_eq!(coll["type"], "OrderedCollection");
        assert_eq!(coll["id"], outbox);
        assert_eq!(coll["totalItems"], 25);
        assert_eq!(coll["first"], format!("{outbox}?page=1"));
        assert_eq!(coll["last"], format!("{outbox}?page=2"));

        let page1 = get_as(&app, &format!("{outbox}?page=1")).await;
        assert_eq!(page1["type"], "OrderedCollectionPage");
        assert_eq!(page1["partOf"], outbox);
        assert_eq!(page1["totalItems"], 25);
        assert_eq!(page1["next"], format!("{outbox}?page=2"));
        assert!(page1.get("prev").is_none());
        let items1 = page1["orderedItems"].as_array().unwrap();
        assert_eq!(items1.len(), 20);
        let page2 = get_as(&app, &format!("{outbox}?page=2")).await;
        assert_eq!(page2["prev"], format!("{outbox}?page=1"));
        assert!(page2.get("next").is_none());
        let items2 = page2["orderedItems"].as_array().unwrap();
        assert_eq!(items2.len(), 5);

        let all: Vec<&Value> = items1.iter().chain(items2).collect();
        let objects: Vec<&str> = all.iter().map(|a| a["object"]["id"].as_str().unwrap()).collect();
        let newest_first: Vec<&str> = ap_ids.iter().rev().map(String::as_str).collect();
        assert_eq!(objects, newest_first);
        let org_actor = app.state.urls.org(ORG).to_string();
        for a in &all {
            assert_eq!(a["type"], "Create");
            assert_eq!(a["actor"], org_actor);
            assert_eq!(a["object"]["type"], "Page");
            assert_eq!(a["object"]["attributedTo"], org_actor);
            assert!(a["object"]["summary"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(a.get("@context").is_none(), "items carry no @context of their own");
            assert_eq!(a["to"], json!(["https://www.w3.org/ns/activitystreams#Public"]));
        }

        // Every activity dereferences at its id.
        let mut seen = BTreeSet::new();
        for a in &all {
            let id = a["id"].as_str().unwrap();
            assert!(id.starts_with(app.url("/activities/").as_str()), "{id}");
            assert!(seen.insert(id.to_string()), "duplicate activity id {id}");
            let doc = get_as(&app, id).await;
            assert_terms_defined(&doc);
            let mut without_context = doc.clone();
            without_context.as_object_mut().unwrap().remove("@context");
            assert_eq!(&&without_context, a);
        }
        // Another organisation's outbox is its own.
        app.create_org(OTHER_ORG).await;
        let other = get_as(&app, &outbox_url(&app, OTHER_ORG)).await;
        assert_eq!(other["totalItems"], 0);
        assert!(other.get("first").is_none());
    }
}

both_dbs! {
    /// The outbox page's @context must define the terms of the objects embedded in it
    /// (`directoryEntry`, `entryKind`, `taxonomyVersion`), or JSON-LD readers drop them.
    async fn outbox_page_context_defines_its_items_terms(backend: Backend) {
        let (app, token) = setup(backend).await;
        create(&app, &token, Kind::Service, &service_body()).await;
        create(&app, &token, Kind::Event, &event_body()).await;
        let page = get_as(&app, &format!("{}?page=1", outbox_url(&app, ORG))).await;
        assert_eq!(page["orderedItems"].as_array().unwrap().len(), 2);
        assert_terms_defined(&page);
    }
}

// ---------------------------------------------------------------------------------------------
// Location precision and do-not-federate
// ---------------------------------------------------------------------------------------------

/// Everything public about an entry, as text: API (item and list), AS JSON, HTML, outbox and
/// activity documents.
async fn everything_public(app: &TestApp, kind: Kind, created: &Value) -> String {
    let ap_id = created["ap_id"].as_str().unwrap();
    let mut out = String::new();
    let (_, item) = get_json(
        app,
        &format!("/api/v1/{}/{}", kind.plural(), id_of(created)),
    )
    .await;
    out.push_str(&item.to_string());
    let (_, list) = get_json(app, &format!("/api/v1/{}?per_page=100", kind.plural())).await;
    out.push_str(&list.to_string());
    let resp = app.get_ap(ap_id).await;
    out.push_str(&resp.text().await.unwrap());
    for lang in [None, Some("en"), Some("ar")] {
        let (status, html) = get_html(app, ap_id, lang).await;
        assert_eq!(status, StatusCode::OK);
        out.push_str(&html);
    }
    for a in outbox_items(app, ORG).await {
        out.push_str(&a.to_string());
        let doc = app
            .get_ap(a["id"].as_str().unwrap())
            .await
            .text()
            .await
            .unwrap();
        out.push_str(&doc);
    }
    out
}

both_dbs! {
    async fn hidden_addresses_never_leave_the_instance(backend: Backend) {
        let (app, token) = setup(backend).await;
        // A shelter whose address is hidden, with a public drop-in desk.
        let shelter = with(service_body(), json!({
            "categories": ["accommodation", "accommodation.safe-housing"],
            "locations": [
                {"name": {"fr": "Refuge Tournesol"}, "street_address": "17 impasse Cachette",
                 "postal_code": "59 777 CEDEX", "locality": "Euralille", "country": "FR",
                 "latitude": 50.637913, "longitude": 3.074631, "precision": "hidden"},
                {"name": {"fr": "Accueil de jour"}, "street_address": "4 rue Nationale",
                 "postal_code": "59000", "locality": "Lille", "country": "FR",
                 "latitude": 50.6366, "longitude": 3.0635, "precision": "exact"}
            ]
        }));
        let created = create(&app, &token, Kind::Service, &shelter).await;
        // An event at a hidden place (for the registered only).
        let event = create(&app, &token, Kind::Event, &with(event_body(), json!({
            "location": {"name": {"fr": "Refuge Tournesol"}, "street_address": "17 impasse Cachette",
                         "postal_code": "59 777 CEDEX", "locality": "Euralille",
                         "latitude": 50.637913, "longitude": 3.074631, "precision": "hidden"}
        }))).await;
        // The secrets are stored (for the organisation), nowhere else.
        let row = stored(&app, &id_of(&created)).await;
        assert!(row.data.contains("impasse Cachette"));
        assert_eq!(row.locality.as_deref(), Some("Lille"), "derived columns use the public view");
        let event_row = stored(&app, &id_of(&event)).await;
        assert_eq!((event_row.latitude, event_row.locality.as_deref()), (None, None));

        let mut text = everything_public(&app, Kind::Service, &created).await;
        text.push_str(&everything_public(&app, Kind::Event, &event).await);
        for secret in ["Cachette", "Tournesol", "59 777", "Euralille", "euralille", "50.637913", "3.074631", "50.638", "3.075"] {
            assert!(!text.contains(secret), "{secret:?} leaked");
        }
        // The public desk is there.
        assert!(text.contains("4 rue Nationale"));
        let obj = get_as(&app, created["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["location"]["type"], "Place", "one public place left: {obj:#}");
        assert!(!hashtags(&obj).contains("#euralille"));
        let ev = get_as(&app, event["ap_id"].as_str().unwrap()).await;
        assert!(ev.get("location").is_none(), "{ev:#}");
    }
}

both_dbs! {
    async fn street_and_city_precision_blur_what_is_published(backend: Backend) {
        let (app, token) = setup(backend).await;
        let street = create(&app, &token, Kind::Service, &with(service_body(), json!({
            "locations": [{"street_address": "23bis rue des Postes", "postal_code": "59000",
                           "locality": "Lille", "country": "FR",
                           "latitude": 50.627654, "longitude": 3.051234, "precision": "street"}]
        }))).await;
        let loc = &street["locations"][0];
        assert_eq!(loc["street_address"], "rue des Postes");
        assert_eq!(loc["latitude"], json!(50.628));
        assert_eq!(loc["longitude"], json!(3.051));
        assert_eq!(loc["precision"], "street");
        let obj = get_as(&app, street["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["location"]["address"]["streetAddress"], "rue des Postes");
        assert_eq!(obj["location"]["latitude"], json!(50.628));
        assert_eq!(obj["directoryEntry"]["locations"][0]["precision"], "street");
        let text = everything_public(&app, Kind::Service, &street).await;
        assert!(!text.contains("23bis") && !text.contains("50.627654"));

        let city = create(&app, &token, Kind::Event, &with(event_body(), json!({
            "location": {"name": {"fr": "Appartement de Samira"}, "street_address": "8 rue Masséna",
                         "postal_code": "59000", "locality": "Lille", "country": "FR",
                         "latitude": 50.632987, "longitude": 3.056789, "precision": "city"}
        }))).await;
        let obj = get_as(&app, city["ap_id"].as_str().unwrap()).await;
        let place = &obj["location"];
        assert_eq!(place["type"], "Place");
        assert_eq!(place["latitude"], json!(50.63));
        assert_eq!(place["longitude"], json!(3.06));
        assert!(place["address"].get("streetAddress").is_none());
        assert_eq!(place["address"]["addressLocality"], "Lille");
        let text = everything_public(&app, Kind::Event, &city).await;
        for secret in ["Samira", "Masséna", "50.632987"] {
            assert!(!text.contains(secret), "{secret:?} leaked");
        }
    }
}

both_dbs! {
    async fn do_not_federate_stays_local(backend: Backend) {
        let (app, token) = setup(backend).await;
        let (_, activities_before) = row_count(&app).await;
        let body = with(offer_body(), json!({"safety": {"do_not_federate": true}}));
        let created = create(&app, &token, Kind::Offer, &body).await;
        let id = id_of(&created);
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        assert_eq!(created["safety"]["do_not_federate"], true);
        assert_eq!(row_count(&app).await.1, activities_before, "no activity");
        // Local readers see it; the fediverse does not.
        let (status, _) = get_json(&app, &format!("/api/v1/offers/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = get_html(&app, &ap_id, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("application/activity+json"), "no AS alternate link");
        assert_eq!(app.get_ap(&ap_id).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get_as(&app, &outbox_url(&app, ORG)).await["totalItems"], 0);

        // Updates of a local-only entry publish nothing.
        let path = format!("/api/v1/offers/{id}");
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(row_count(&app).await.1, activities_before);

        // Opening it to the fediverse is a Create; closing it again a Delete.
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"safety": {"do_not_federate": false}}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(get_as(&app, &ap_id).await["id"], ap_id);
        let (status, _) = api(&app, Method::PATCH, &path, Some(&token), Some(&json!({"safety": {"do_not_federate": true}}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.get_ap(&ap_id).await.status(), StatusCode::NOT_FOUND);
        let items = outbox_items(&app, ORG).await;
        let kinds: Vec<&str> = items.iter().map(|i| i["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["Delete", "Create"]);
        assert_eq!(items[0]["object"]["type"], "Tombstone");
        // Deleting it while local-only publishes nothing more.
        let (status, _) = api(&app, Method::DELETE, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(outbox_items(&app, ORG).await.len(), 2);

        // A do-not-federate service and event: not in the outbox either.
        for (kind, body) in [(Kind::Service, service_body()), (Kind::Event, event_body())] {
            let c = create(&app, &token, kind, &with(body, json!({"safety": {"do_not_federate": true}}))).await;
            assert_eq!(app.get_ap(c["ap_id"].as_str().unwrap()).await.status(), StatusCode::NOT_FOUND);
        }
        assert_eq!(get_as(&app, &outbox_url(&app, ORG)).await["totalItems"], 2);
    }
}

// ---------------------------------------------------------------------------------------------
// Languages
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn multilingual_fallbacks(backend: Backend) {
        let (app, token) = setup(backend).await;
        // Plain strings are in the organisation's default language; tags are normalised.
        let created = create(&app, &token, Kind::Service, &with(small_service(1), json!({
            "name": {"FR": "Épicerie solidaire", "pt-br": "Mercearia solidária", "uk": "Соціальна крамниця"},
            "languages": ["FR", "pt-br", "uk"]
        }))).await;
        assert_eq!(created["description"], json!({"fr": "Colis alimentaires chaque semaine."}));
        assert_eq!(created["languages"], json!(["fr", "pt-BR", "uk"]));
        assert_eq!(
            created["name"],
            json!({"fr": "Épicerie solidaire", "pt-BR": "Mercearia solidária", "uk": "Соціальна крамниця"})
        );
        let ap_id = created["ap_id"].as_str().unwrap();
        let obj = get_as(&app, ap_id).await;
        assert_eq!(obj["name"], "Épicerie solidaire");
        assert_eq!(obj["nameMap"]["pt-BR"], "Mercearia solidária");
        assert_eq!(obj["summaryMap"].as_object().unwrap().len(), 3);
        assert_eq!(obj["inLanguage"], json!(["fr", "pt-BR", "uk"]));

        // HTML: the reader's language when there is one (exact, or same primary subtag)...
        for (accept, text, lang) in [
            ("uk", "Соціальна крамниця", "uk"),
            ("pt-BR,pt;q=0.8", "Mercearia solidária", "pt-BR"),
            ("pt-PT", "Mercearia solidária", "pt-BR"),
            ("fr-BE", "Épicerie solidaire", "fr"),
        ] {
            let (status, html) = get_html(&app, ap_id, Some(accept)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains(&format!(r#"<h1 lang="{lang}">{text}</h1>"#)), "{accept}: {html}");
            // No note about the name (the description, French only, has its own note).
            assert!(!html.contains("</h1>\n  <p class=\"note\">"), "{accept}: {html}");
        }
        // ...else the organisation's language, saying so.
        let (_, html) = get_html(&app, ap_id, Some("de-DE,de;q=0.9")).await;
        assert!(html.contains(r#"<h1 lang="fr">Épicerie solidaire</h1>"#), "{html}");
        // (Fluent isolates the language name with U+2068 … U+2069.)
        assert!(html.contains("Dieser Text ist auf \u{2068}Französisch\u{2069}."), "{html}");
        // The description exists only in French: shown in French, marked as such.
        let (_, html) = get_html(&app, ap_id, Some("uk")).await;
        assert!(html.contains(r#"<div class="description" lang="fr">"#), "{html}");

        // An organisation whose language an entry lacks: English, then the first language.
        app.create_org_with(OTHER_ORG, |o| o.default_language = Some("de".into())).await;
        let other = app.token_for("editor@rhein-hilfe.example", Role::Editor, Some(OTHER_ORG)).await;
        let en = create(&app, &other, Kind::Service, &with(small_service(2), json!({
            "organization": OTHER_ORG,
            "name": {"ar": "توزيع الطعام", "en": "Food parcels"},
            "description": {"ar": "طرود غذائية كل أسبوع", "en": "Weekly food parcels"}
        }))).await;
        let obj = get_as(&app, en["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["name"], "Food parcels");
        assert_eq!(obj["content"], "<p>Weekly food parcels</p>");
        let (_, html) = get_html(&app, en["ap_id"].as_str().unwrap(), Some("it")).await;
        assert!(html.contains(r#"<h1 lang="en">Food parcels</h1>"#), "{html}");
        let first = create(&app, &other, Kind::Service, &with(small_service(3), json!({
            "organization": OTHER_ORG,
            "name": {"uk": "Продуктові набори", "ar": "توزيع الطعام"},
            "description": {"uk": "Щотижня", "ar": "كل أسبوع"}
        }))).await;
        let obj = get_as(&app, first["ap_id"].as_str().unwrap()).await;
        assert_eq!(obj["name"], "توزيع الطعام", "first language in tag order");
        assert_eq!(obj["nameMap"], json!({"ar": "توزيع الطعام", "uk": "Продуктові набори"}));
    }
}

// ---------------------------------------------------------------------------------------------
// JSON-LD context
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn context_document_at_ns(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let resp = app.get("/ns").await;
        assert_eq!(resp.status(), StatusCode::OK);
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("application/ld+json"), "{ct}");
        let doc: Value = resp.json().await.unwrap();
        let ours = entry_context()[2].clone();
        assert_eq!(doc, json!({"@context": ours}));
        let ctx = doc["@context"].as_object().unwrap();
        assert_eq!(ctx["pas"], passerelle::federation::objects::NS);
        assert_eq!(ctx["directoryEntry"]["@type"], "@json");
        for term in ["PostalAddress", "address", "timezone", "joinMode", "isOnline", "VirtualLocation", "Hashtag", "entryKind", "taxonomyVersion"] {
            assert!(ctx.contains_key(term), "{term} not defined at /ns");
        }
        // Every value is a string or a term definition with an @id or @type.
        for (k, v) in ctx {
            assert!(v.is_string() || v.get("@id").is_some() || v.get("@type").is_some(), "{k}: {v}");
        }
    }
}

#[test]
fn term_check_catches_undefined_terms() {
    let ctx = entry_context();
    let doc = json!({
        "@context": ctx,
        "type": "Event",
        "name": "x",
        "location": {"type": "Place", "address": {"type": "PostalAddress", "streetAddress": "1 rue"}},
        "ical:status": "CONFIRMED",
        "colour": "blue",
        "tag": [{"type": "Hashtag", "name": "#x"}, {"type": "Emoji"}],
        "directoryEntry": {"anything": 1},
        "nameMap": {"fr": "x"}
    });
    let terms = defined_terms(&doc["@context"]);
    assert_eq!(
        undefined_terms(&doc, &terms),
        [".colour", ".tag[1].type = Emoji"]
    );
}

// ---------------------------------------------------------------------------------------------
// Demo data
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn demo_loader(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let db = &app.state.db;
        let msg = passerelle::demo::load(&app.state).await.unwrap();
        assert!(msg.contains("demo data loaded: 4 organisations"), "{msg}");
        let orgs = organization::Entity::find().all(db).await.unwrap();
        assert_eq!(orgs.len(), 4);
        let rows = entry::Entity::find().all(db).await.unwrap();
        assert!(msg.contains(&format!("and {} entries", rows.len())), "{msg}");
        for kind in Kind::ALL {
            let n = rows.iter().filter(|r| r.kind == kind.as_str()).count();
            assert!(n > 0, "no demo {kind}");
            let (_, list) = get_json(&app, &format!("/api/v1/{}?per_page=100", kind.plural())).await;
            assert_eq!(list["total"], n);
        }
        for o in &orgs {
            assert!(rows.iter().any(|r| r.organization_id == Some(o.id)), "{} has no entries", o.slug);
        }
        let federated = rows.iter().filter(|r| !r.do_not_federate).count() as u64;
        let activities = activity::Entity::find().count(db).await.unwrap();
        assert_eq!(activities, federated, "one Create per federated entry");

        // Every demo entry is a readable AS object that parses back into its public record.
        for r in &rows {
            let org = orgs.iter().find(|o| Some(o.id) == r.organization_id).unwrap();
            if r.do_not_federate {
                assert_eq!(app.get_ap(&r.ap_id).await.status(), StatusCode::NOT_FOUND);
                continue;
            }
            let obj = get_as(&app, &r.ap_id).await;
            assert_readable_object(&obj, &app, &org.slug);
            assert_terms_defined(&obj);
            let public = store::parse(r).unwrap().public_view();
            assert_eq!(entry_from_object(&obj, &org.default_language).unwrap(), public, "{}", r.ap_id);
            assert_eq!(obj["name"], public.name().get_best(&[], &org.default_language).unwrap().1);
            let (status, _) = get_html(&app, &r.ap_id, Some("ar")).await;
            assert_eq!(status, StatusCode::OK);
        }

        // A second load refuses and changes nothing.
        let again = passerelle::demo::load(&app.state).await.unwrap();
        assert!(again.contains("not loaded"), "{again}");
        assert_eq!(organization::Entity::find().count(db).await.unwrap(), 4);
        assert_eq!(entry::Entity::find().count(db).await.unwrap(), rows.len() as u64);
        assert_eq!(activity::Entity::find().count(db).await.unwrap(), activities);
        // Nor does it load into an instance that has any organisation.
        let other = TestApp::spawn(backend).await;
        other.create_org(ORG).await;
        let msg = passerelle::demo::load(&other.state).await.unwrap();
        assert!(msg.contains("not loaded"), "{msg}");
        assert_eq!(entry::Entity::find().count(&other.state.db).await.unwrap(), 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Interop: Fedify parses what we publish
// ---------------------------------------------------------------------------------------------

fn instant(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&chrono::Utc)
}

/// What Fedify reads as `name` (or `summary`, `content`) is our plain value or one of the
/// language-tagged ones: JSON-LD does not order the values of one property.
fn assert_one_of(theirs: &Value, ours: &Value, key: &str) {
    let mut candidates = vec![ours[key].clone()];
    if let Some(m) = ours[format!("{key}Map").as_str()].as_object() {
        candidates.extend(m.values().cloned());
    }
    assert!(
        theirs.is_string() && candidates.contains(theirs),
        "Fedify's {key} {theirs} is none of ours: {candidates:?}"
    );
}

async fn fedify(mode: &str, target: &str) -> Value {
    fedify_resolve(mode, target)
        .await
        .unwrap_or_else(|e| panic!("Fedify could not resolve {mode} {target}: {e}"))
}

both_dbs! {
    async fn fedify_parses_every_kind(backend: Backend) {
        let (app, token) = setup(backend).await;
        let service = create(&app, &token, Kind::Service, &service_body()).await;
        let event = create(&app, &token, Kind::Event, &event_body()).await;
        let offer = create(&app, &token, Kind::Offer, &offer_body()).await;
        let online = create(&app, &token, Kind::Event, &online_event_body()).await;

        // A service: a Page with name, summary, url and hashtags.
        let ap_id = service["ap_id"].as_str().unwrap();
        let ours = get_as(&app, ap_id).await;
        let s = fedify("object", ap_id).await;
        assert_eq!(s["class"], "Page", "{s:#}");
        assert_eq!(s["id"], ap_id);
        for key in ["name", "summary", "content"] {
            assert_one_of(&s[key], &ours, key);
        }
        assert_eq!(s["url"], ap_id);
        assert_eq!(s["attributedTo"], app.state.urls.org(ORG).to_string());
        assert_eq!(s["to"], json!(["https://www.w3.org/ns/activitystreams#Public"]));
        let tags: BTreeSet<String> = s["tags"].as_array().unwrap().iter().map(|t| {
            assert_eq!(t["class"], "Hashtag", "{t}");
            assert!(t["href"].as_str().is_some_and(|h| h.starts_with(app.base.as_str())), "{t}");
            t["name"].as_str().unwrap().to_string()
        }).collect();
        assert_eq!(tags, set(&["#legal", "#legal_asylum", "#lille"]));
        assert_eq!(s["nameMap"], ours["nameMap"]);
        assert_eq!(s["summaryMap"], ours["summaryMap"]);
        assert_eq!(s["contentMap"], ours["contentMap"]);
        assert_eq!(s["location"]["class"], "Place");
        assert_eq!(instant(s["published"].as_str().unwrap()), instant(ours["published"].as_str().unwrap()));

        // An event: times as the same instants, a Place with coordinates.
        let ap_id = event["ap_id"].as_str().unwrap();
        let e = fedify("object", ap_id).await;
        assert_eq!(e["class"], "Event", "{e:#}");
        let ours = get_as(&app, ap_id).await;
        assert_one_of(&e["name"], &ours, "name");
        assert_one_of(&e["summary"], &ours, "summary");
        assert_eq!(instant(e["startTime"].as_str().unwrap()), instant("2026-12-05T14:00:00+01:00"));
        assert_eq!(instant(e["endTime"].as_str().unwrap()), instant("2026-12-05T16:00:00+01:00"));
        let place = &e["location"];
        assert_eq!(place["class"], "Place", "{place}");
        assert_eq!(place["name"], "Centre social Wazemmes");
        assert_eq!(place["latitude"], json!(50.6256));
        assert_eq!(place["longitude"], json!(3.0489));
        assert!(e["summary"].as_str().is_some_and(|s| s.contains("2026-12-05")), "{}", e["summary"]);
        assert_eq!(e["url"], ap_id);
        let attachments = e["attachments"].as_array().unwrap();
        assert!(attachments.iter().any(|a| a["class"] == "Document" && a["mediaType"] == "image/jpeg"), "{attachments:#?}");
        let tags: BTreeSet<&str> = e["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert!(tags.contains("#employment") && tags.contains("#lille"), "{tags:?}");

        // An online event: its location keeps the link.
        let o = fedify("object", online["ap_id"].as_str().unwrap()).await;
        assert_eq!(o["class"], "Event");
        assert_eq!(instant(o["startTime"].as_str().unwrap()), instant("2026-11-10T18:30:00+01:00"));

        // An offer: a Page, with its summary and hashtags.
        let ap_id = offer["ap_id"].as_str().unwrap();
        let f = fedify("object", ap_id).await;
        assert_eq!(f["class"], "Page", "{f:#}");
        let ours = get_as(&app, ap_id).await;
        assert_one_of(&f["name"], &ours, "name");
        assert_eq!(f["nameMap"], ours["nameMap"]);
        assert!(f["summary"].as_str().is_some_and(|s| s.contains("Lille")), "{}", f["summary"]);
        assert_eq!(f["url"], ap_id);
        assert_eq!(f["location"], Value::Null);
        let tags: BTreeSet<&str> = f["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(tags, BTreeSet::from(["#administrative", "#lille"]));

        // The outbox: Create activities with their objects embedded, newest first.
        let outbox = outbox_url(&app, ORG);
        let ob = fedify("outbox", &outbox).await;
        assert_eq!(ob["class"], "OrderedCollection", "{ob:#}");
        assert_eq!(ob["id"], outbox);
        assert_eq!(ob["totalItems"], 4);
        let items = ob["items"].as_array().unwrap();
        assert_eq!(items.len(), 4);
        let expected = [
            (&online, "Event"),
            (&offer, "Page"),
            (&event, "Event"),
            (&service, "Page"),
        ];
        for (item, (created, class)) in items.iter().zip(expected) {
            assert_eq!(item["class"], "Create", "{item}");
            assert_eq!(item["objectEmbedded"], true, "{item}");
            assert_eq!(item["objectClass"], class, "{item}");
            assert_eq!(item["objectId"], created["ap_id"], "{item}");
        }

        // A Tombstone is what a deleted entry answers; Fedify sees it as such.
        let (status, _) = api(&app, Method::DELETE, &format!("/api/v1/offers/{}", id_of(&offer)), Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let ob = fedify("outbox", &outbox).await;
        assert_eq!(ob["items"][0]["class"], "Delete", "{ob:#}");
        assert_eq!(ob["items"][0]["objectId"], offer["ap_id"]);
    }
}

both_dbs! {
    /// Every document we serve expands cleanly as JSON-LD with a real processor (jsonld.js):
    /// no term of ours dropped or turned into a blank-node term (ActivityStreams' `@vocab` is
    /// `_:`, so an undefined term would silently become `_:term`).
    async fn documents_expand_cleanly_as_json_ld(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        passerelle::demo::load(&app.state).await.unwrap();
        let rows = entry::Entity::find().all(&app.state.db).await.unwrap();
        let mut checked = 0;
        for kind in Kind::ALL {
            let row = rows
                .iter()
                .find(|r| r.kind == kind.as_str() && !r.do_not_federate)
                .expect("a demo entry of each kind");
            let out = jsonld_expand(&row.ap_id, &["directoryEntry"]).await.unwrap_or_else(|e| panic!("{kind}: {e}"));
            let expanded = out["expanded"].to_string();
            assert!(expanded.contains("https://w3id.org/passerelle/ns#directoryEntry"), "{kind}: {expanded}");
            assert!(expanded.contains("https://w3id.org/passerelle/ns#entryKind"), "{kind}");
            if kind == Kind::Event {
                for iri in ["http://schema.org#address", "http://schema.org#postalCode", "https://joinmobilizon.org/ns#timezone"] {
                    assert!(expanded.contains(iri), "event lacks {iri}: {expanded}");
                }
            }
            checked += 1;
        }
        let org = organization::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        for url in [
            app.url(&format!("/o/{}", org.slug)).to_string(),
            app.url("/actor").to_string(),
            app.url(&format!("/o/{}/outbox?page=1", org.slug)).to_string(),
        ] {
            jsonld_expand(&url, &["directoryEntry"]).await.unwrap_or_else(|e| panic!("{url}: {e}"));
            checked += 1;
        }
        assert_eq!(checked, 6);
        // The check itself can fail: without the @json exemption, the record's own keys are
        // not terms of the context.
        let service = rows.iter().find(|r| r.kind == "service" && !r.do_not_federate).unwrap();
        let err = jsonld_expand(&service.ap_id, &[]).await.unwrap_err();
        assert!(err.contains("terms dropped"), "{err}");
    }
}
