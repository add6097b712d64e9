//! Issue 8 (Open Referral half): the HSDS 3.0 API profile and datapackage, HSDS and CSV
//! imports. Output is validated against the official HSDS 3.0 JSON schemas committed under
//! tests/hsds-schema/ (openreferral/specification, 3.0 line, CC-BY-SA 4.0).
use std::{collections::BTreeSet, io::Read, path::PathBuf};

use passerelle::{
    accounts::Role,
    db::entities::{activity, entry},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{both_dbs, harness::*};

const ORG: &str = "lille-accueil";

fn service_body() -> Value {
    json!({
        "organization": ORG,
        "name": {
            "fr": "Permanence juridique asile – Lille",
            "ar": "مكتب المساعدة القانونية لطالبي اللجوء – ليل",
            "en": "Asylum legal aid desk – Lille"
        },
        "alternate_name": {"fr": "PJA Lille"},
        "description": {
            "fr": "Conseils juridiques gratuits pour les demandeurs d'asile, \"sans rendez-vous\", recours devant la CNDA.",
            "ar": "استشارات قانونية مجانية لطالبي اللجوء.",
            "en": "Free legal advice for asylum seekers, appeals to the CNDA."
        },
        "status": "active",
        "categories": ["legal", "legal.asylum"],
        "languages": ["fr", "ar", "en"],
        "url": "https://asso-accueil-lille.example/permanence-juridique",
        "email": "juridique@asso-accueil-lille.example",
        "phones": [{"number": "+33 3 20 00 00 00", "extension": "12", "type": "voice", "languages": ["fr", "ar"]}],
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
        "eligibility": {"fr": "Personnes en demande d'asile", "en": "Asylum seekers"},
        "minimum_age": 18,
        "free": true,
        "application_process": {"fr": "Venir sur place avec ses documents."},
        "required_documents": {"fr": "Attestation de demande d'asile si vous l'avez"},
        "interpretation_available": true,
        "service_area": {"fr": "Métropole européenne de Lille"},
        "last_verified": "2026-10-01"
    })
}

/// A food bank shown at city precision, with an online form, and a second hidden location.
fn food_body() -> Value {
    json!({
        "organization": ORG,
        "name": {"fr": "Colis alimentaires", "uk": "Продуктові набори"},
        "description": {"fr": "Distribution de colis le samedi."},
        "categories": ["food"],
        "languages": ["fr", "uk"],
        "locations": [
            {"street_address": "3 rue des Postes", "postal_code": "59000", "locality": "Lille",
             "country": "FR", "latitude": 50.62345, "longitude": 3.04567, "precision": "city"},
            {"street_address": "Adresse confidentielle 1", "locality": "Roubaix", "country": "FR",
             "precision": "hidden"}
        ],
        "online_url": "https://asso-accueil-lille.example/colis",
        "schedules": [{"byday": ["SA"], "opens_at": "10:00", "closes_at": "12:30", "timezone": "Europe/Paris"}]
    })
}

fn event_body() -> Value {
    json!({
        "organization": ORG,
        "name": {"fr": "Atelier CV"},
        "description": {"fr": "Deux heures pour préparer un CV."},
        "categories": ["employment"],
        "languages": ["fr"],
        "start_time": "2026-12-05T14:00:00+01:00",
        "end_time": "2026-12-05T16:00:00+01:00",
        "timezone": "Europe/Paris",
        "location": {"locality": "Lille", "country": "FR"}
    })
}

async fn post(app: &TestApp, path: &str, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let resp = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let resp = app.get(path).await;
    assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
    resp.json().await.expect("json")
}

/// An instance with the organisation, an admin token, and two services, an event and a
/// do-not-federate service published through the API.
async fn source(backend: Backend) -> (TestApp, String) {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    let token = app.token_for("admin@example.org", Role::Admin, None).await;
    for (kind, body) in [
        ("services", service_body()),
        ("services", food_body()),
        ("events", event_body()),
        ("services", {
            let mut b = food_body();
            b["name"] = json!({"fr": "Hébergement d'urgence (local)"});
            b["safety"] = json!({"do_not_federate": true});
            b
        }),
    ] {
        let (status, v) = post(
            &app,
            &format!("/api/v1/{kind}"),
            &token,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    (app, token)
}

/// A fresh instance with the same organisation (same slug and default language).
async fn target(backend: Backend) -> (TestApp, String) {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    let token = app.token_for("admin@example.org", Role::Admin, None).await;
    (app, token)
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

fn load_schema(path: &str) -> Value {
    let file = repo_root().join("tests/hsds-schema/schema").join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut schema: Value = serde_json::from_str(&text).expect("schema JSON");
    inline_refs(&mut schema);
    schema
}

/// The table schemas refer to each other by file name (`"$ref": "taxonomy.json"`): inline them.
fn inline_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && r.ends_with(".json")
                && !r.contains('/')
            {
                *v = load_schema(&r.clone());
                return;
            }
            m.values_mut().for_each(inline_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(inline_refs),
        _ => {}
    }
}

fn schema(path: &str) -> jsonschema::Validator {
    let schema = load_schema(path);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("compile schema")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid HSDS 3.0: {errors:#?}"
    );
}

/// The HSDS `Page` shape (components/schemas/Page of the HSDS OpenAPI document) plus
/// `contents`.
fn assert_page(v: &Value, total: u64, page: u64, size: u64) {
    let openapi: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/hsds-schema/schema/openapi.json"))
            .unwrap(),
    )
    .unwrap();
    let page_schema = jsonschema::validator_for(&openapi["components"]["schemas"]["Page"]).unwrap();
    assert_valid(&page_schema, v, "page");
    for key in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
    ] {
        assert!(v.get(key).is_some(), "page without {key}: {v}");
    }
    assert_eq!(v["total_items"], json!(total), "{v}");
    assert_eq!(v["page_number"], json!(page));
    assert_eq!(v["size"], json!(size));
    assert_eq!(v["contents"].as_array().map(Vec::len), Some(size as usize));
}

/// A service record without what must differ between two instances: the organisation's id
/// and address (uri), the entry it came from, and the time of the last change.
fn normalised(mut s: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["organization_id", "organization", "last_modified", "entry"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut s);
    s
}

async fn count_entries(app: &TestApp) -> u64 {
    entry::Entity::find().count(&app.state.db).await.unwrap()
}

async fn count_creates(app: &TestApp) -> u64 {
    activity::Entity::find()
        .filter(activity::Column::Kind.eq("Create"))
        .filter(activity::Column::Local.eq(true))
        .count(&app.state.db)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn hsds_export_is_valid_hsds(backend: Backend) {
        let (app, _) = source(backend).await;
        let root = get_json(&app, "/hsds/").await;
        assert_eq!(root["version"], "3.0");
        assert!(root["profile"].as_str().unwrap().starts_with("https://"));
        assert!(root["openapi_url"].as_str().unwrap().ends_with("openapi.json"));

        let page = get_json(&app, "/hsds/services").await;
        // Two services: not the event, not the do-not-federate service.
        assert_page(&page, 2, 1, 2);
        let service_schema = schema("compiled/service.json");
        for s in page["contents"].as_array().unwrap() {
            assert_valid(&service_schema, s, "a /hsds/services item");
            let one = get_json(&app, &format!("/hsds/services/{}", s["id"].as_str().unwrap())).await;
            assert_valid(&service_schema, &one, "/hsds/services/{id}");
            assert_eq!(&one, s);
        }
        let legal = page["contents"].as_array().unwrap().iter()
            .find(|s| s["name"] == "Permanence juridique asile – Lille").expect("legal aid");
        assert_eq!(legal["status"], "active");
        assert_eq!(legal["eligibility_description"], "Personnes en demande d'asile");
        assert_eq!(legal["minimum_age"], 18);
        assert_eq!(legal["assured_date"], "2026-10-01");
        assert_eq!(legal["x_passerelle"]["name"]["ar"], "مكتب المساعدة القانونية لطالبي اللجوء – ليل");
        assert_eq!(legal["phones"][0]["extension"], 12);
        assert_eq!(legal["schedules"][0]["byday"], "MO,TU,WE,TH,FR");
        assert_eq!(legal["schedules"][0]["x_passerelle"]["timezone"], "Europe/Paris");
        assert_eq!(legal["schedules"][1]["timezone"], 1.0);
        let codes: BTreeSet<&str> = legal["attributes"].as_array().unwrap().iter()
            .filter_map(|a| a["taxonomy_term"]["code"].as_str()).collect();
        assert!(codes.contains("legal.asylum") && codes.contains("legal"), "{codes:?}");
        assert_eq!(legal["cost_options"][0]["amount"], 0);
        let addr = &legal["service_at_locations"][0]["location"]["addresses"][0];
        assert_eq!(addr["address_1"], "12 rue Solférino");
        assert_eq!(addr["city"], "Lille");
        assert_eq!(legal["organization"]["name"], format!("Organisation {ORG}"));

        // The food bank: city precision (no street, rounded coordinates), hidden location
        // left out, the online form as a virtual location.
        let food = page["contents"].as_array().unwrap().iter()
            .find(|s| s["name"] == "Colis alimentaires").expect("food");
        let sals = food["service_at_locations"].as_array().unwrap();
        assert_eq!(sals.len(), 2, "{sals:#?}");
        assert_eq!(sals[0]["location"]["latitude"], 50.62);
        assert_eq!(sals[0]["location"]["addresses"][0]["address_1"], "");
        assert_eq!(sals[1]["location"]["location_type"], "virtual");
        assert!(!food.to_string().contains("confidentielle"));
        assert!(!food.to_string().contains("Roubaix"));

        let orgs = get_json(&app, "/hsds/organizations").await;
        assert_page(&orgs, 1, 1, 1);
        assert_valid(&schema("compiled/organization_list.json"), &orgs["contents"][0], "organization list item");
        let org = get_json(&app, &format!("/hsds/organizations/{}", orgs["contents"][0]["id"].as_str().unwrap())).await;
        assert_valid(&schema("compiled/organization.json"), &org, "/hsds/organizations/{id}");
        assert_eq!(org["services"].as_array().unwrap().len(), 2);

        let sal = get_json(&app, "/hsds/service_at_locations").await;
        assert_page(&sal, 3, 1, 3);
        let sal_schema = schema("compiled/service_at_location.json");
        for s in sal["contents"].as_array().unwrap() {
            assert_valid(&sal_schema, s, "service_at_location");
        }
        let one = get_json(&app, &format!("/hsds/service_at_locations/{}", sal["contents"][0]["id"].as_str().unwrap())).await;
        assert_eq!(one, sal["contents"][0]);

        let taxonomies = get_json(&app, "/hsds/taxonomies").await;
        let tax_schema = schema("taxonomy.json");
        for t in taxonomies["contents"].as_array().unwrap() {
            assert_valid(&tax_schema, t, "taxonomy");
        }
        let terms = get_json(&app, "/hsds/taxonomy_terms?per_page=1000").await;
        let term_schema = schema("taxonomy_term.json");
        assert!(terms["total_items"].as_u64().unwrap() > 14);
        for t in terms["contents"].as_array().unwrap() {
            assert_valid(&term_schema, t, "taxonomy_term");
        }
    }
}

both_dbs! {
    async fn hsds_query_parameters_and_cors(backend: Backend) {
        let (app, _) = source(backend).await;
        for path in ["/hsds/", "/hsds/services", "/hsds/taxonomy_terms", "/hsds/services/00000000-0000-0000-0000-000000000000", "/hsds/datapackage.zip", &format!("/api/v1/organizations/{ORG}/services.csv")] {
            let resp = app.get(path).await;
            assert_eq!(
                resp.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()),
                Some("*"),
                "CORS on {path}"
            );
        }
        assert_eq!(app.get("/hsds/services/00000000-0000-0000-0000-000000000000").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/hsds/services/not-a-uuid").await.status(), StatusCode::NOT_FOUND);

        let p1 = get_json(&app, "/hsds/services?per_page=1").await;
        assert_page(&p1, 2, 1, 1);
        assert_eq!(p1["total_pages"], 2);
        assert_eq!(p1["first_page"], true);
        assert_eq!(p1["last_page"], false);
        let p2 = get_json(&app, "/hsds/services?per_page=1&page=2").await;
        assert_page(&p2, 2, 2, 1);
        assert_eq!(p2["last_page"], true);
        assert_ne!(p1["contents"][0]["id"], p2["contents"][0]["id"]);
        let p3 = get_json(&app, "/hsds/services?per_page=1&page=3").await;
        assert_eq!(p3["empty"], true);
        assert_eq!(p3["size"], 0);

        // search matches any language of the name or description.
        let s = get_json(&app, "/hsds/services?search=%D0%BF%D1%80%D0%BE%D0%B4%D1%83%D0%BA%D1%82%D0%BE%D0%B2%D1%96").await;
        assert_page(&s, 1, 1, 1);
        assert_eq!(s["contents"][0]["name"], "Colis alimentaires");
        assert_page(&get_json(&app, "/hsds/services?search=CNDA").await, 1, 1, 1);
        assert_page(&get_json(&app, "/hsds/services?search=nothing-like-this").await, 0, 1, 0);

        // taxonomy_term_id: a parent term matches its subcategories.
        let terms = get_json(&app, "/hsds/taxonomy_terms?per_page=1000&search=legal").await;
        let legal = terms["contents"].as_array().unwrap().iter().find(|t| t["code"] == "legal").unwrap();
        let by_term = get_json(&app, &format!("/hsds/services?taxonomy_term_id={}", legal["id"].as_str().unwrap())).await;
        assert_page(&by_term, 1, 1, 1);
        assert_eq!(by_term["contents"][0]["name"], "Permanence juridique asile – Lille");

        let org_id = by_term["contents"][0]["organization_id"].as_str().unwrap().to_string();
        assert_page(&get_json(&app, &format!("/hsds/services?organization_id={org_id}")).await, 2, 1, 2);
        assert_page(&get_json(&app, "/hsds/services?organization_id=018f0000-0000-7000-8000-000000000000").await, 0, 1, 0);
        assert_page(&get_json(&app, "/hsds/services?modified_after=2000-01-01").await, 2, 1, 2);
        assert_page(&get_json(&app, "/hsds/services?modified_after=2999-01-01T00:00:00Z").await, 0, 1, 0);
        // Filters combine (AND).
        assert_page(&get_json(&app, &format!("/hsds/services?organization_id={org_id}&search=colis")).await, 1, 1, 1);

        for (query, param) in [("page=0", "page"), ("per_page=5000", "per_page"), ("organization_id=x", "organization_id"),
                               ("modified_after=yesterday", "modified_after"), ("taxonomy_term_id=1", "taxonomy_term_id")] {
            let resp = app.get(&format!("/hsds/services?{query}")).await;
            assert!(resp.status().is_client_error(), "{query}: {}", resp.status());
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["errors"][0]["field"], param, "{query}: {body}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn hsds_round_trip_into_a_fresh_instance(backend: Backend) {
        let (a, _) = source(backend).await;
        let exported = get_json(&a, "/hsds/services?per_page=1000").await;
        let (b, token) = target(backend).await;

        let path = format!("/api/v1/admin/import/hsds?org={ORG}");
        let body = serde_json::to_vec(&exported).unwrap();
        let (status, dry) = post(&b, &format!("{path}&dry_run=true"), &token, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{dry}");
        assert_eq!((dry["created"].as_u64(), dry["dry_run"].as_bool()), (Some(2), Some(true)), "{dry}");
        assert_eq!(count_entries(&b).await, 0, "a dry run changes nothing");

        let (status, report) = post(&b, &path, &token, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["created"], 2, "{report}");
        assert_eq!(report["refused"], 0, "{report}");
        // Published through the API's path: one Create activity per service.
        assert_eq!(count_creates(&b).await, 2);

        let again = get_json(&b, "/hsds/services?per_page=1000").await;
        let ids = |v: &Value| v["contents"].as_array().unwrap().iter().map(|s| s["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids(&exported), ids(&again), "HSDS ids are kept");
        let norm = |v: &Value| v["contents"].as_array().unwrap().iter().cloned().map(normalised).collect::<Vec<_>>();
        assert_eq!(norm(&exported), norm(&again));

        // Idempotent: a second import changes nothing.
        let (_, second) = post(&b, &path, &token, body).await;
        assert_eq!((second["unchanged"].as_u64(), second["created"].as_u64(), second["updated"].as_u64()), (Some(2), Some(0), Some(0)), "{second}");
        assert_eq!(count_entries(&b).await, 2);
        assert_eq!(count_creates(&b).await, 2);

        // The datapackage of A holds the same records: importing it is "unchanged" too.
        let zip = a.get("/hsds/datapackage.zip").await;
        assert_eq!(zip.headers()["content-type"], "application/zip");
        let zip = zip.bytes().await.unwrap().to_vec();
        let (status, from_zip) = post(&b, &path, &token, zip.clone()).await;
        assert_eq!(status, StatusCode::OK, "{from_zip}");
        assert_eq!(from_zip["unchanged"], 2, "{from_zip}");

        // A changed record is updated (and federated as an Update).
        let mut changed = exported.clone();
        changed["contents"][0]["x_passerelle"]["description"]["fr"] = json!("Nouvelle description.");
        let (_, third) = post(&b, &path, &token, serde_json::to_vec(&changed).unwrap()).await;
        assert_eq!((third["updated"].as_u64(), third["unchanged"].as_u64()), (Some(1), Some(1)), "{third}");
        let updates = activity::Entity::find().filter(activity::Column::Kind.eq("Update")).count(&b.state.db).await.unwrap();
        assert_eq!(updates, 1);

        // The datapackage: a Frictionless descriptor and the HSDS tables.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut descriptor = String::new();
        archive.by_name("datapackage.json").unwrap().read_to_string(&mut descriptor).unwrap();
        let descriptor: Value = serde_json::from_str(&descriptor).unwrap();
        assert_eq!(descriptor["profile"], "tabular-data-package");
        for table in ["organizations.csv", "services.csv", "locations.csv", "addresses.csv", "schedules.csv",
                      "languages.csv", "taxonomy_terms.csv", "service_at_location.csv", "phones.csv", "attributes.csv"] {
            assert!(descriptor["resources"].as_array().unwrap().iter().any(|r| r["path"] == table), "{table}");
            let mut text = String::new();
            archive.by_name(table).unwrap_or_else(|_| panic!("{table}")).read_to_string(&mut text).unwrap();
            assert!(text.lines().next().unwrap().starts_with("id,"), "{table}: {text}");
        }
        let mut services = String::new();
        archive.by_name("services.csv").unwrap().read_to_string(&mut services).unwrap();
        assert_eq!(services.lines().count(), 3, "{services}");
    }
}

both_dbs! {
    async fn csv_round_trip_and_row_errors(backend: Backend) {
        let (a, _) = source(backend).await;
        let resp = a.get(&format!("/api/v1/organizations/{ORG}/services.csv")).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv_a = resp.text().await.unwrap();
        let header = csv_a.lines().next().unwrap();
        assert!(header.starts_with("id,name:ar,name:en,name:fr,name:uk,"), "{header}");
        assert!(csv_a.contains("Mo-Fr 09:00-12:00; We 14:00-17:00"), "{csv_a}");
        assert!(csv_a.contains("legal;legal.asylum"), "{csv_a}");
        // The description with quotes and a comma is quoted.
        assert!(csv_a.contains("\"Conseils juridiques gratuits pour les demandeurs d'asile, \"\"sans rendez-vous\"\", recours devant la CNDA.\""), "{csv_a}");

        let (b, token) = target(backend).await;
        let path = format!("/api/v1/admin/import/csv?org={ORG}");
        let (status, report) = post(&b, &path, &token, csv_a.clone().into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["created"], 2, "{report}");
        let csv_b = b.get(&format!("/api/v1/organizations/{ORG}/services.csv")).await.text().await.unwrap();
        assert_eq!(csv_a, csv_b);
        let (_, second) = post(&b, &path, &token, csv_a.clone().into_bytes()).await;
        assert_eq!(second["unchanged"], 2, "{second}");

        // Row errors: each refused row names its columns; the good row is created.
        let bad = "id,name,description,categories,languages,opening_hours,timezone,latitude,locality\n\
                   ok-1,Cours de français,Cours pour débutants,language,fr,Mo-Fr 18:00-20:00,Europe/Paris,,Lille\n\
                   bad-1,Sans catégorie,Texte,no-such-category,fr,,,,\n\
                   bad-2,Horaires faux,Texte,food,fr,Mo-Xx 09:00-10:00,Europe/Paris,,\n\
                   bad-3,Latitude,Texte,food,fr,,,north,Lille\n\
                   ,Sans id,Texte,food,fr,,,,\n\
                   bad-4,,Sans nom,food,fr,Mo 09:00-10:00,,,\n";
        let before = count_entries(&b).await;
        let (status, report) = post(&b, &path, &token, bad.as_bytes().to_vec()).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!((report["created"].as_u64(), report["refused"].as_u64()), (Some(1), Some(5)), "{report}");
        let fields = |i: usize| report["records"][i]["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>();
        assert_eq!(report["records"][0]["outcome"], "created");
        assert_eq!(report["records"][0]["at"], "line 2");
        assert!(fields(1).contains("categories"), "{report}");
        assert!(fields(2).contains("opening_hours"), "{report}");
        assert!(fields(3).contains("latitude"), "{report}");
        assert!(fields(4).contains("id"), "{report}");
        assert!(fields(5).contains("timezone"), "{report}");
        assert_eq!(count_entries(&b).await, before + 1);

        // Broken quoting (a quote never closed swallows the following rows): the whole file
        // is refused, naming the line; nothing changes.
        let broken = "id,name,description,categories,languages,locality\n\
                      q-1,Cours,\"Texte sans fin,language,fr,Lille\n\
                      q-2,Autre,Texte,food,fr,Lille\n";
        let before = count_entries(&b).await;
        let (status, body) = post(&b, &path, &token, broken.as_bytes().to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let msg = body["error"].as_str().unwrap();
        assert!(msg.contains("line") && msg.contains("quot"), "{msg}");
        assert_eq!(count_entries(&b).await, before);
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed imports
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn hsds_malformed_imports_change_nothing_they_should_not(backend: Backend) {
        let (b, token) = target(backend).await;
        let path = format!("/api/v1/admin/import/hsds?org={ORG}");
        let good = json!({
            "id": "8c1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10",
            "name": "Food bank",
            "description": "Food parcels every Saturday",
            "status": "active",
            "languages": [{"id": "0a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "code": "en"}],
            "attributes": [{"id": "1a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "taxonomy_term": {"id": "2a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "name": "Food", "description": "Food"}}],
            "schedules": [{"id": "3a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00:00", "closes_at": "12:00:00", "timezone": 1}],
            "service_at_locations": [{"id": "4a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "location": {
                "id": "5a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "location_type": "physical",
                "addresses": [{"id": "6a1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "address_1": "1 High Street", "city": "Dover",
                               "state_province": "Kent", "postal_code": "CT16 1AA", "country": "GB", "address_type": "physical"}]}}]
        });
        let records = json!([
            good,
            {"id": "b1", "name": 123, "description": "x", "status": "open", "minimum_age": "ten",
             "attributes": [{"id": "z", "taxonomy_term": {"code": "food", "name": "Food", "description": "-"}}]},
            {"name": "No id", "description": "x", "status": "active",
             "attributes": [{"id": "z", "taxonomy_term": {"code": "food", "name": "Food", "description": "-"}}]},
            {"id": "b3", "description": "no name", "status": "active",
             "attributes": [{"id": "z", "taxonomy_term": {"code": "food", "name": "Food", "description": "-"}}]},
            {"id": "b4", "name": "Monthly", "description": "x", "status": "active",
             "attributes": [{"id": "z", "taxonomy_term": {"code": "food", "name": "Food", "description": "-"}}],
             "schedules": [{"id": "s", "freq": "MONTHLY", "bymonthday": "1", "opens_at": "10:00", "closes_at": "11:00"}]},
            "not an object",
            {"id": "8c1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10", "name": "Duplicate", "description": "x", "status": "active"}
        ]);
        let (status, report) = post(&b, &path, &token, serde_json::to_vec(&records).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!((report["created"].as_u64(), report["refused"].as_u64()), (Some(1), Some(6)), "{report:#}");
        let fields = |i: usize| report["records"][i]["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>();
        let f1 = fields(1);
        assert!(f1.contains("name") && f1.contains("status") && f1.contains("minimum_age"), "{f1:?}");
        assert!(fields(2).contains("id"));
        assert!(fields(3).contains("name"));
        assert!(fields(4).contains("schedules[0].freq"));
        assert!(fields(5).contains(""));
        assert!(fields(6).contains("id"));
        assert_eq!(count_entries(&b).await, 1);
        // The one good record: an Open Eligibility term mapped to our category, the numeric
        // time zone to an IANA zone.
        let page = get_json(&b, "/hsds/services").await;
        let s = &page["contents"][0];
        assert_eq!(s["id"], "8c1d5a52-3b7e-4a4c-9d8f-0c3a7e2b9f10");
        assert_eq!(s["x_passerelle"]["categories"], json!(["food"]));
        assert_eq!(s["schedules"][0]["x_passerelle"]["timezone"], "Etc/GMT-1");
        assert_eq!(s["schedules"][0]["opens_at"], "10:00");
        let address = &s["service_at_locations"][0]["location"]["addresses"][0];
        assert_eq!((address["city"].as_str(), address["state_province"].as_str()), (Some("Dover"), Some("Kent")));

        // Not JSON, not a zip: 400, nothing changed.
        let creates = count_creates(&b).await;
        let (status, body) = post(&b, &path, &token, b"<services/>".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"].as_str().unwrap().contains("JSON"), "{body}");
        // A zip without datapackage.json.
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        z.start_file("services.csv", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut z, b"id,name\n").unwrap();
        let bad_zip = z.finish().unwrap().into_inner();
        let (status, body) = post(&b, &path, &token, bad_zip).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"].as_str().unwrap().contains("datapackage.json"), "{body}");

        // 50 MB: refused before anything is read, with the limit named.
        let big = vec![b' '; 50 * 1024 * 1024];
        let (status, body) = post(&b, &path, &token, big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(body["error"].as_str().unwrap().contains("import.max_bytes"), "{body}");
        assert_eq!(count_entries(&b).await, 1);
        assert_eq!(count_creates(&b).await, creates);

        // Only administrators; the organisation must exist.
        let editor = b.token_for("editor@example.org", Role::Editor, Some(ORG)).await;
        let (status, _) = post(&b, &path, &editor, serde_json::to_vec(&records).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = post(&b, "/api/v1/admin/import/hsds?org=nobody", &token, b"[]".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["field"], "org");
        assert_eq!(count_entries(&b).await, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

fn cli(config: &PathBuf, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--config").arg(config).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.output().expect("run passerelle")
}

both_dbs! {
    async fn import_command_reads_datapackages_and_csv(backend: Backend) {
        let (a, _) = source(backend).await;
        let zip = a.get("/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
        let csv = a.get(&format!("/api/v1/organizations/{ORG}/services.csv")).await.bytes().await.unwrap().to_vec();
        let (b, _) = target(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("passerelle.toml");
        std::fs::write(&config, format!(
            "[instance]\ndomain = \"{}\"\n\n[database]\nurl = \"{}\"\nmax_connections = 2\n\n[import]\nmax_bytes = 10485760\n",
            b.domain, b.db.url
        )).unwrap();
        // A datapackage directory (the zip, unpacked).
        let pkg = dir.path().join("pkg");
        zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap().extract(&pkg).unwrap();
        let zip_path = dir.path().join("hsds.zip");
        std::fs::write(&zip_path, &zip).unwrap();

        let out = tokio::task::spawn_blocking({
            let (config, pkg) = (config.clone(), pkg.clone());
            move || cli(&config, &["import", "hsds", pkg.to_str().unwrap(), "--org", ORG, "--dry-run"])
        }).await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("dry run") && stdout.contains("2 created"), "{stdout}");
        assert_eq!(count_entries(&b).await, 0);

        let out = tokio::task::spawn_blocking({
            let (config, zip_path) = (config.clone(), zip_path.clone());
            move || cli(&config, &["import", "hsds", zip_path.to_str().unwrap(), "--org", ORG])
        }).await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("2 created"), "{stdout}");
        assert_eq!(count_entries(&b).await, 2);

        // The CSV of the same services matches them (ids kept): the food bank is unchanged;
        // the legal desk is updated, since the CSV has no room for its place's name, its
        // schedule notes or its phone's details.
        let csv_path = dir.path().join("services.csv");
        std::fs::write(&csv_path, &csv).unwrap();
        let out = tokio::task::spawn_blocking({
            let (config, csv_path) = (config.clone(), csv_path.clone());
            move || cli(&config, &["import", "csv", csv_path.to_str().unwrap(), "--org", ORG])
        }).await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("0 created, 1 updated, 1 unchanged, 0 refused"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(count_entries(&b).await, 2);

        // Larger than import.max_bytes (10 MiB here): refused with the limit named.
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; 11 * 1024 * 1024]).unwrap();
        let out = tokio::task::spawn_blocking({
            let (config, big) = (config.clone(), big.clone());
            move || cli(&config, &["import", "hsds", big.to_str().unwrap(), "--org", ORG])
        }).await.unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("import.max_bytes"), "{stderr}");
        assert_eq!(count_entries(&b).await, 2);
    }
}
