//! Issue 6: search — full text in every language (accents, plurals, Arabic, Ukrainian), filters,
//! geo distance, open now across time zones and daylight-saving changes, facets, paging, bad
//! parameters; on a fixed multilingual fixture created through the API, plus a federated entry.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use passerelle::{
    accounts::Role,
    db::entities::entry,
    directory::{
        model::Kind,
        store::{self, Origin},
        validate::{self, Context},
    },
    search::{self, SearchParams},
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both_dbs, harness::*};

const ORG: &str = "lille-accueil";

fn service(name: Value, description: Value, extra: Value) -> Value {
    let mut body = json!({
        "organization": ORG,
        "name": name,
        "description": description,
        "categories": ["social"],
        "languages": ["fr"],
    });
    validate::merge_patch(&mut body, &extra);
    body
}

fn place(locality: &str, country: &str, lat: f64, lon: f64) -> Value {
    json!({"locality": locality, "country": country, "latitude": lat, "longitude": lon})
}

fn weekdays(tz: &str) -> Value {
    json!([{"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00", "closes_at": "17:00",
            "timezone": tz}])
}

fn event(name: Value, categories: Value, start: &str, end: &str, extra: Value) -> Value {
    let mut body = json!({
        "organization": ORG,
        "name": name,
        "description": {"fr": "Ouvert à toutes et à tous."},
        "categories": categories,
        "languages": ["fr"],
        "start_time": start,
        "end_time": end,
        "timezone": "Europe/Paris",
        "location": place("Lille", "FR", 50.6256, 3.0489),
    });
    validate::merge_patch(&mut body, &extra);
    body
}

/// Stores, straight through `store::insert`, a local legal service of Lille (French and
/// Ukrainian name, "asile" in its description); its id and record.
async fn insert_asylum_service(
    db: &sea_orm::DatabaseConnection,
) -> (Uuid, passerelle::directory::model::Entry) {
    let body = service(
        json!({"fr": "Permanence juridique", "uk": "Юридична допомога"}),
        json!({"fr": "Conseils sur le droit d'asile."}),
        json!({"categories": ["legal.asylum"], "languages": ["fr", "uk"],
               "locations": [place("Lille", "FR", 50.63, 3.06)]}),
    );
    let entry = validate::validate(
        Kind::Service,
        &body,
        &Context {
            default_language: "fr",
        },
    )
    .unwrap();
    let id = Uuid::now_v7();
    let now = Utc::now();
    let origin = Origin {
        id,
        ap_id: "https://here.example/services/1".into(),
        url: "https://here.example/s/1".into(),
        organization_id: None,
        remote_actor_id: None,
        origin_domain: "here.example".into(),
        local: true,
        published: now,
        updated: now,
    };
    store::insert(db, origin, &entry).await.unwrap();
    (id, entry)
}

/// The fixture: the name (in this file) of each entry → its id.
struct Fixture {
    app: TestApp,
    token: String,
    ids: BTreeMap<&'static str, String>,
}

impl Fixture {
    fn name_of(&self, id: &str) -> &'static str {
        self.ids
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| *k)
            .unwrap_or("?")
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.app.get(path).await;
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// The names of the items of a 200 answer, in order.
    async fn names(&self, path: &str) -> Vec<&'static str> {
        let (status, json) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {json:#}");
        let items = json["items"].as_array().expect("items");
        assert_eq!(
            json["total"].as_u64(),
            Some(items.len() as u64),
            "{path}: more than one page"
        );
        items
            .iter()
            .map(|i| self.name_of(i["id"].as_str().expect("id")))
            .collect()
    }

    async fn set(&self, path: &str) -> BTreeSet<&'static str> {
        self.names(path).await.into_iter().collect()
    }
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

async fn fixture(backend: Backend) -> Fixture {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    let token = app
        .token_for("editor@lille-accueil.example", Role::Editor, Some(ORG))
        .await;
    let bodies: Vec<(&'static str, Kind, Value)> = vec![
        (
            "housing",
            Kind::Service,
            service(
                json!({"fr": "Logements d'urgence pour familles", "en": "Emergency housing for families",
                       "uk": "Житло для сімей", "ar": "سكن طارئ للعائلات"}),
                json!({"fr": "Hébergement temporaire des familles à la rue.",
                       "en": "Temporary shelter for homeless families."}),
                json!({"categories": ["accommodation.emergency-shelter"], "languages": ["fr", "uk"],
                       "locations": [place("Lille", "FR", 50.6310, 3.0600)],
                       "schedules": weekdays("Europe/Paris"), "free": true, "minimum_age": 18}),
            ),
        ),
        (
            "health",
            Kind::Service,
            service(
                json!({"fr": "Centre de santé Solférino", "en": "Solférino health centre"}),
                json!({"fr": "Consultations médicales, santé pour tous, sans avance de frais."}),
                json!({"categories": ["health.primary-care"], "languages": ["fr", "en"],
                       "locations": [place("Roubaix", "FR", 50.6942, 3.1746)],
                       "schedules": weekdays("America/New_York"), "free": false,
                       "maximum_age": 25}),
            ),
        ),
        (
            "legal",
            Kind::Service,
            service(
                json!({"fr": "Permanence juridique", "ar": "استشارة قانونية"}),
                json!({"fr": "Droit d'asile, titre de séjour, aide au logement.",
                       "ar": "استشارات قانونية مجانية لطالبي اللجوء"}),
                json!({"categories": ["legal.asylum"], "languages": ["fr", "ar"],
                       "locations": [place("Paris", "FR", 48.8566, 2.3522)], "free": true}),
            ),
        ),
        (
            "inactive",
            Kind::Service,
            service(
                json!({"fr": "Ancien logement solidaire"}),
                json!({"fr": "Fermé."}),
                json!({"categories": ["accommodation.housing-search"], "status": "inactive",
                       "locations": [place("Lille", "FR", 50.6300, 3.0500)]}),
            ),
        ),
        (
            "berlin",
            Kind::Service,
            service(
                json!({"de": "Rechtsberatung Berlin", "en": "Legal advice Berlin"}),
                json!({"de": "Beratung zum Aufenthaltsrecht.", "en": "Advice on residence permits."}),
                json!({"categories": ["legal.residence-permit"], "languages": ["de", "en"],
                       "locations": [place("Berlin", "DE", 52.5200, 13.4050)]}),
            ),
        ),
        (
            "workshop",
            Kind::Event,
            event(
                json!({"fr": "Atelier santé mentale", "uk": "Майстерня психічного здоров'я"}),
                json!(["mental-health.psychological-support"]),
                "2030-06-01T14:00:00+02:00",
                "2030-06-01T16:00:00+02:00",
                json!({"languages": ["fr", "uk"]}),
            ),
        ),
        (
            "past",
            Kind::Event,
            event(
                json!({"fr": "Café des langues"}),
                json!(["language"]),
                "2020-03-01T18:00:00+01:00",
                "2020-03-01T20:00:00+01:00",
                json!({"languages": ["fr", "en"]}),
            ),
        ),
        (
            "cancelled",
            Kind::Event,
            event(
                json!({"fr": "Réunion d'information logement"}),
                json!(["accommodation.housing-search"]),
                "2030-07-01T10:00:00+02:00",
                "2030-07-01T12:00:00+02:00",
                json!({"status": "cancelled"}),
            ),
        ),
        (
            "buddy",
            Kind::Offer,
            json!({
                "organization": ORG,
                "name": {"fr": "Accompagnement aux rendez-vous", "uk": "Супровід на зустрічі"},
                "description": {"fr": "Je vous accompagne et je traduis."},
                "categories": ["administrative"],
                "help_types": ["accompaniment", "interpretation"],
                "languages": ["fr", "uk", "ar"],
                "area": {"kind": "city", "locality": "Lille", "country": "FR"}
            }),
        ),
        (
            "deleted",
            Kind::Service,
            service(
                json!({"fr": "Logement supprimé"}),
                json!({"fr": "Supprimé."}),
                json!({"online_url": "https://example.org/supprime"}),
            ),
        ),
        (
            "removed",
            Kind::Service,
            service(
                json!({"fr": "Logement retiré"}),
                json!({"fr": "Retiré."}),
                json!({"online_url": "https://example.org/retire"}),
            ),
        ),
    ];
    let mut ids = BTreeMap::new();
    for (name, kind, body) in bodies {
        let resp = app
            .client
            .post(app.url(&format!("/api/v1/{}", kind.plural())))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let json: Value = resp.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{name}: {json:#}");
        ids.insert(name, json["id"].as_str().unwrap().to_string());
    }
    // Deleted through the API; removed by a moderator.
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/services/{}", ids["deleted"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let removed = entry::Entity::find_by_id(Uuid::parse_str(&ids["removed"]).unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut removed: entry::ActiveModel = removed.into();
    removed.moderation_state = Set(store::REMOVED.to_string());
    removed.update(&app.state.db).await.unwrap();

    // A service federated from another instance.
    let remote_body = service(
        json!({"fr": "Aide juridique gratuite à Lyon", "uk": "Безкоштовна юридична допомога"}),
        json!({"fr": "Pour les personnes exilées."}),
        json!({"categories": ["legal"], "languages": ["uk", "fr"],
               "locations": [place("Lyon", "FR", 45.7640, 4.8357)], "free": true}),
    );
    let remote = validate::validate(
        Kind::Service,
        &remote_body,
        &Context {
            default_language: "fr",
        },
    )
    .unwrap();
    let remote_id = Uuid::now_v7();
    let now = Utc::now();
    store::insert(
        &app.state.db,
        Origin {
            id: remote_id,
            ap_id: "https://remote.example/services/1".into(),
            url: "https://remote.example/s/1".into(),
            organization_id: None,
            remote_actor_id: None,
            origin_domain: "remote.example".into(),
            local: false,
            published: now,
            updated: now,
        },
        &remote,
    )
    .await
    .unwrap();
    ids.insert("remote", remote_id.to_string());
    Fixture { app, token, ids }
}

both_dbs! {
    async fn full_text(backend: Backend) {
        let f = fixture(backend).await;
        // Relevance: the entry named "Logements" comes before the one that mentions "logement"
        // in its description; inactive, cancelled, deleted and removed ones are not found.
        assert_eq!(f.names("/api/v1/search?q=logement").await, ["housing", "legal"]);
        // Plural forms: the query in the plural finds the singular.
        assert_eq!(f.names("/api/v1/search?q=logements").await, ["housing", "legal"]);
        assert_eq!(f.set("/api/v1/search?q=consultation").await, set(&["health"]));
        // Prefix of a word.
        assert_eq!(f.names("/api/v1/search?q=loge").await, ["housing", "legal"]);
        // Accent-insensitive, both ways.
        assert_eq!(f.set("/api/v1/search?q=sante").await, set(&["health", "workshop"]));
        assert_eq!(f.set("/api/v1/search?q=SANTÉ").await, set(&["health", "workshop"]));
        assert_eq!(f.set("/api/v1/search?q=solferino").await, set(&["health"]));
        // Every word must match.
        assert_eq!(f.names("/api/v1/search?q=sante%20mentale").await, ["workshop"]);
        // Arabic and Ukrainian.
        assert_eq!(f.names("/api/v1/search?q=%D9%82%D8%A7%D9%86%D9%88%D9%86%D9%8A%D8%A9").await, ["legal"]); // قانونية
        assert_eq!(f.names("/api/v1/search?q=%D0%B6%D0%B8%D1%82%D0%BB%D0%BE").await, ["housing"]); // житло
        assert_eq!(f.names("/api/v1/search?q=%D1%81%D1%83%D0%BF%D1%80%D0%BE%D0%B2%D1%96%D0%B4").await, ["buddy"]); // супровід
        // English and German texts of the same entries.
        assert_eq!(f.names("/api/v1/search?q=families").await, ["housing"]);
        assert_eq!(f.names("/api/v1/search?q=Rechtsberatung").await, ["berlin"]);
        // Federated entries are found too.
        assert_eq!(f.set("/api/v1/search?q=juridique").await, set(&["legal", "remote"]));
        let (_, json) = f.get("/api/v1/search?q=%D1%8E%D1%80%D0%B8%D0%B4%D0%B8%D1%87%D0%BD%D0%B0").await; // юридична
        assert_eq!(json["total"], 1, "{json:#}");
        assert_eq!(json["items"][0]["origin"]["local"], false);
        assert_eq!(json["items"][0]["origin"]["domain"], "remote.example");
        // Deleted and removed entries are never found, whatever the filters.
        for q in ["supprime", "retire"] {
            assert!(f.names(&format!("/api/v1/search?q={q}&status=all&from=2000-01-01")).await.is_empty());
            assert!(f.names(&format!("/api/v1/services?q={q}")).await.is_empty());
        }
        // Query syntax is only text.
        assert_eq!(f.names("/api/v1/search?q=%22logement%22%20OR%20*").await, Vec::<&str>::new());
        assert_eq!(f.names("/api/v1/search?q=logement%20%22%27():*&").await, ["housing", "legal"]);
        // Inactive and cancelled entries are found when asked for.
        assert_eq!(
            f.set("/api/v1/search?q=logement&status=all").await,
            set(&["housing", "legal", "inactive", "cancelled"])
        );
        // Stemming where the engine has it (PostgreSQL, per language): "family" finds
        // "families", "médicaux" finds "médicales". FTS5 has prefixes only.
        let stemmed = if backend == Backend::Postgres { vec!["housing"] } else { vec![] };
        assert_eq!(f.names("/api/v1/search?q=family").await, stemmed);
        let stemmed = if backend == Backend::Postgres { vec!["health"] } else { vec![] };
        assert_eq!(f.names("/api/v1/search?q=m%C3%A9dicaux").await, stemmed);
        // The index follows updates, in every language.
        let resp = f
            .app
            .client
            .patch(f.app.url(&format!("/api/v1/services/{}", f.ids["legal"])))
            .bearer_auth(&f.token)
            .json(&json!({"description": {"fr": "Droit d'asile et titre de séjour.",
                                          "uk": "Притулок і посвідка на проживання"}}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        assert_eq!(f.names("/api/v1/search?q=logement").await, ["housing"]);
        assert_eq!(f.names("/api/v1/search?q=%D0%BF%D1%80%D0%B8%D1%82%D1%83%D0%BB%D0%BE%D0%BA").await, ["legal"]); // притулок
        assert_eq!(f.names("/api/v1/search?q=asile").await, ["legal"]);
    }
}

both_dbs! {
    async fn filters(backend: Backend) {
        let f = fixture(backend).await;
        let visible = ["housing", "health", "legal", "berlin", "remote", "workshop", "buddy"];
        assert_eq!(f.set("/api/v1/search").await, set(&visible));
        // Kind.
        assert_eq!(f.set("/api/v1/search?kind=event").await, set(&["workshop"]));
        assert_eq!(f.set("/api/v1/search?kind=offers").await, set(&["buddy"]));
        // Category: a parent includes its children.
        assert_eq!(f.set("/api/v1/search?category=legal").await, set(&["legal", "berlin", "remote"]));
        assert_eq!(f.set("/api/v1/search?category=legal.asylum").await, set(&["legal"]));
        assert_eq!(
            f.set("/api/v1/search?category=accommodation&status=all").await,
            set(&["housing", "inactive", "cancelled"])
        );
        // Language of help.
        assert_eq!(f.set("/api/v1/search?language=uk").await, set(&["housing", "workshop", "buddy", "remote"]));
        assert_eq!(f.set("/api/v1/search?language=de").await, set(&["berlin"]));
        // Country and locality.
        assert_eq!(f.set("/api/v1/search?country=de").await, set(&["berlin"]));
        assert_eq!(f.set("/api/v1/search?locality=lille").await, set(&["housing", "workshop", "buddy"]));
        // Origin.
        assert_eq!(f.set("/api/v1/search?origin=remote.example").await, set(&["remote"]));
        assert_eq!(
            f.set("/api/v1/search?origin=local").await,
            set(&["housing", "health", "legal", "berlin", "workshop", "buddy"])
        );
        let (_, own) = f.get("/api/v1/search?origin=local").await;
        let domain = own["items"][0]["origin"]["domain"].as_str().unwrap().to_string();
        assert_eq!(f.set(&format!("/api/v1/search?origin={domain}")).await.len(), 6);
        // Status.
        assert_eq!(f.set("/api/v1/search?status=inactive").await, set(&["inactive"]));
        assert_eq!(f.set("/api/v1/search?status=cancelled").await, set(&["cancelled"]));
        assert_eq!(f.set("/api/v1/search?status=all").await.len(), 9);
        // Event dates: upcoming by default; past events when `from` is in the past.
        assert_eq!(f.set("/api/v1/search?kind=event&from=2020-01-01").await, set(&["workshop", "past"]));
        assert_eq!(
            f.set("/api/v1/search?kind=event&from=2020-01-01&to=2021-01-01").await,
            set(&["past"])
        );
        assert_eq!(
            f.set("/api/v1/search?kind=event&from=2030-06-01T13:00:00Z&to=2030-06-30").await,
            set(&["workshop"])
        );
        assert!(f.set("/api/v1/search?kind=event&from=2031-01-01").await.is_empty());
        assert_eq!(f.set("/api/v1/search?status=all&from=2000-01-01").await.len(), 10);
        // Free of charge: free services and volunteer offers; or services that are not free.
        assert_eq!(f.set("/api/v1/search?free=true").await, set(&["housing", "legal", "remote", "buddy"]));
        assert_eq!(f.set("/api/v1/search?free=false").await, set(&["health", "berlin"]));
        // Age: services whose age limits admit it.
        assert_eq!(f.set("/api/v1/search?age=16").await, set(&["health", "legal", "berlin", "remote"]));
        assert_eq!(f.set("/api/v1/search?age=30").await, set(&["housing", "legal", "berlin", "remote"]));
        // Filters combine with the text and with each other.
        assert_eq!(f.set("/api/v1/search?q=juridique&origin=local").await, set(&["legal"]));
        assert_eq!(f.set("/api/v1/search?q=logement&category=legal&free=true").await, set(&["legal"]));
        assert_eq!(f.set("/api/v1/search?category=legal&country=FR&language=uk").await, set(&["remote"]));

        // The list endpoints: the same filters, kind implied; every status and date by default.
        assert_eq!(f.set("/api/v1/events").await, set(&["workshop", "past", "cancelled"]));
        assert_eq!(f.set("/api/v1/events?from=2025-01-01&status=confirmed").await, set(&["workshop"]));
        assert_eq!(f.set("/api/v1/services?category=legal&kind=event").await, set(&["legal", "berlin", "remote"]));
        assert_eq!(f.names("/api/v1/services?q=logement&status=active").await, ["housing", "legal"]);
        let (status, json) = f.get("/api/v1/services?category=accommodation").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["total"], 2, "{json:#}");
        assert_eq!(json["facets"]["kind"], json!({"service": 2}));
        assert_eq!(json["facets"]["category"], json!({"accommodation": 2}));
    }
}

both_dbs! {
    async fn geo_distance(backend: Backend) {
        let f = fixture(backend).await;
        let lille = "lat=50.6292&lon=3.0573";
        assert_eq!(
            f.names(&format!("/api/v1/search?{lille}&radius_km=20")).await,
            ["housing", "workshop", "health"]
        );
        assert_eq!(
            f.names(&format!("/api/v1/search?{lille}&radius_km=250")).await,
            ["housing", "workshop", "health", "legal"]
        );
        // Without a radius: every entry, nearest first, those without coordinates last.
        assert_eq!(
            f.names(&format!("/api/v1/search?{lille}")).await,
            ["housing", "workshop", "health", "legal", "remote", "berlin", "buddy"]
        );
        let (_, json) = f.get(&format!("/api/v1/search?{lille}&radius_km=250")).await;
        let d: Vec<f64> = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["distance_km"].as_f64().expect("distance_km"))
            .collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
        assert!(d[0] < 0.5 && (9.0..13.0).contains(&d[2]) && (195.0..215.0).contains(&d[3]), "{d:?}");
        // Combined with text and filters.
        assert_eq!(
            f.names(&format!("/api/v1/search?{lille}&radius_km=700&q=juridique")).await,
            ["legal", "remote"]
        );
        assert_eq!(f.names("/api/v1/search?lat=52.5&lon=13.4&radius_km=50").await, ["berlin"]);
        // Without a point, no distance.
        let (_, json) = f.get("/api/v1/search?q=logement").await;
        assert!(json["items"][0].get("distance_km").is_none(), "{json:#}");
    }
}

both_dbs! {
    async fn open_now_across_time_zones(backend: Backend) {
        let f = fixture(backend).await;
        let db = &f.app.state.db;
        let cache = &f.app.state.search_cache;
        let open_at = |y, m, d, h, min| {
            let mut p = SearchParams::new(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap());
            p.open_now = true;
            p.per_page = 100;
            p
        };
        let names = |r: search::SearchResult| -> BTreeSet<&'static str> {
            r.hits.iter().map(|h| f.name_of(&h.row.id.to_string())).collect()
        };
        // housing: Mon–Fri 09:00–17:00 Europe/Paris; health: the same hours in New York.
        // Wednesday 25 March 2026: Paris is UTC+1 (winter), New York UTC-4 (summer since 8 March).
        let r = search::search(db, cache, &open_at(2026, 3, 25, 8, 30)).await.unwrap(); // 09:30 / 04:30
        assert_eq!(names(r), set(&["housing"]));
        let r = search::search(db, cache, &open_at(2026, 3, 25, 15, 30)).await.unwrap(); // 16:30 / 11:30
        assert_eq!(names(r), set(&["housing", "health"]));
        // Monday 30 March, after Paris moved to UTC+2: 15:30 UTC is 17:30 in Paris, closed.
        let r = search::search(db, cache, &open_at(2026, 3, 30, 15, 30)).await.unwrap(); // 17:30 / 11:30
        assert_eq!(names(r), set(&["health"]));
        let r = search::search(db, cache, &open_at(2026, 3, 30, 7, 30)).await.unwrap(); // 09:30 / 03:30
        assert_eq!(names(r), set(&["housing"]));
        // Saturday: nothing open.
        let r = search::search(db, cache, &open_at(2026, 3, 28, 12, 0)).await.unwrap();
        assert_eq!(r.total, 0);
        // An event in progress is open now.
        let r = search::search(db, cache, &open_at(2030, 6, 1, 12, 30)).await.unwrap();
        assert_eq!(names(r), set(&["workshop"]));
        // Open now combines with the text; over HTTP the parameter is accepted.
        let mut p = open_at(2026, 3, 25, 15, 30);
        p.terms = vec!["sante".into()];
        assert_eq!(names(search::search(db, cache, &p).await.unwrap()), set(&["health"]));
        let (status, _) = f.get("/api/v1/search?open_now=true").await;
        assert_eq!(status, StatusCode::OK);
    }
}

both_dbs! {
    async fn facets_and_paging(backend: Backend) {
        let f = fixture(backend).await;
        let (_, all) = f.get("/api/v1/search").await;
        assert_eq!(all["total"], 7);
        let facets = &all["facets"];
        assert_eq!(facets["kind"], json!({"service": 5, "event": 1, "offer": 1}));
        assert_eq!(facets["country"], json!({"FR": 6, "DE": 1}));
        assert_eq!(
            facets["category"],
            json!({"accommodation": 1, "health": 1, "legal": 3, "mental-health": 1,
                   "administrative": 1})
        );
        assert_eq!(facets["language"], json!({"fr": 6, "uk": 4, "ar": 2, "en": 2, "de": 1}));
        // Facets follow the query; kind counts add up to the total.
        for path in [
            "/api/v1/search?q=logement",
            "/api/v1/search?category=legal",
            "/api/v1/search?language=uk",
            "/api/v1/search?status=all&from=2000-01-01",
            "/api/v1/search?lat=50.63&lon=3.06&radius_km=20",
        ] {
            let (_, json) = f.get(path).await;
            let sum: u64 = json["facets"]["kind"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum();
            assert_eq!(Some(sum), json["total"].as_u64(), "{path}: {json:#}");
        }
        let (_, json) = f.get("/api/v1/search?category=legal").await;
        assert_eq!(json["facets"]["category"], json!({"legal": 3}));
        assert_eq!(json["facets"]["country"], json!({"FR": 2, "DE": 1}));

        // Paging: stable, complete, without repeats.
        let whole: Vec<String> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let mut paged = Vec::new();
        for page in 1..=3 {
            let path = format!("/api/v1/search?per_page=3&page={page}");
            let (_, json) = f.get(&path).await;
            let (_, again) = f.get(&path).await;
            assert_eq!(json["items"], again["items"]);
            assert_eq!(json["total"], 7);
            assert_eq!(json["page"], page);
            assert_eq!(json["per_page"], 3);
            paged.extend(
                json["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_string()),
            );
        }
        assert_eq!(paged, whole);
        let (_, json) = f.get("/api/v1/search?per_page=3&page=4").await;
        assert_eq!(json["items"], json!([]));
        assert_eq!(json["total"], 7);
        // Ties in rank are broken by `updated` then id: the same order every time.
        let (_, a) = f.get("/api/v1/search?q=logement&per_page=1&page=2").await;
        assert_eq!(a["items"][0]["id"].as_str(), Some(f.ids["legal"].as_str()));
    }
}

both_dbs! {
    async fn bad_parameters(backend: Backend) {
        let f = fixture(backend).await;
        let fields = |json: &Value| -> BTreeSet<String> {
            json["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .map(|e| {
                    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
                    e["field"].as_str().unwrap().to_string()
                })
                .collect()
        };
        let (status, json) = f
            .get("/api/v1/search?category=nope&kind=thing&from=tomorrow&to=2026-13-01&open_now=maybe\
                  &free=perhaps&age=old&status=weird&per_page=0&page=0&country=France\
                  &origin=not%20a%20domain&language=%21%21")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let expected: BTreeSet<String> = [
            "category", "kind", "from", "to", "open_now", "free", "age", "status", "per_page",
            "page", "country", "origin", "language",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(fields(&json), expected, "{json:#}");
        for (query, field) in [
            ("radius_km=5", "radius_km"),
            ("lat=100&lon=3", "lat"),
            ("lat=50&lon=-181", "lon"),
            ("lat=50", "lon"),
            ("lat=50&lon=3&radius_km=-1", "radius_km"),
            ("per_page=101", "per_page"),
            ("age=200", "age"),
            ("from=2026-12-05&to=2026-12-01", "to"),
        ] {
            let (status, json) = f.get(&format!("/api/v1/search?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(fields(&json), [field.to_string()].into(), "{query}: {json:#}");
        }
        let (status, json) = f.get("/api/v1/services?category=nope&radius_km=3").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&json), ["category".to_string(), "radius_km".to_string()].into());
    }
}

both_dbs! {
    /// An instance with entries upgraded to the search index of migration 6 (on SQLite, the
    /// narrow `entries_search` copy and the FTS table rebuilt on its ids): the existing entries
    /// are found, and later writes (update of the text, moderation, deletion) keep the index in
    /// step; migrating down and up again gives the same answers.
    async fn search_index_follows_upgrades_and_writes(backend: Backend) {
        use passerelle_migrations::{Migrator, MigratorTrait};
        let test_db = TestDb::new(backend).await;
        let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        // The migrations from the search index (migration 6) on.
        let since_search_index = u32::try_from(Migrator::migrations().len() - 5).unwrap();
        let (id, entry) = insert_asylum_service(&db).await;
        // An instance that had this entry before migration 6 upgrades.
        Migrator::down(&db, Some(since_search_index)).await.unwrap();
        Migrator::up(&db, None).await.unwrap();

        // The process's in-memory search keys (SQLite), kept across the writes below; a
        // process started after the migrations read them afresh.
        let mut cache = search::KeyCache::new();
        async fn found(
            db: &sea_orm::DatabaseConnection,
            cache: &search::KeyCache,
            q: &str,
            category: Option<&str>,
        ) -> Vec<Uuid> {
            let mut p = SearchParams::new(Utc::now());
            p.terms = search::query::terms(q);
            p.categories = category.map(|c| vec![c.to_string()]);
            let r = search::search(db, cache, &p).await.unwrap();
            assert_eq!(r.total as usize, r.hits.len());
            r.hits.iter().map(|h| h.row.id).collect()
        }
        assert_eq!(found(&db, &cache, "asile", None).await, vec![id]);
        assert_eq!(found(&db, &cache, "юридична", Some("legal.asylum")).await, vec![id]);
        assert_eq!(found(&db, &cache, "asile", Some("health")).await, Vec::<Uuid>::new());

        // New text replaces the old in the index.
        let row = store::get(&db, id).await.unwrap().unwrap();
        let mut changed = entry.clone();
        if let passerelle::directory::model::Entry::Service(s) = &mut changed {
            s.description = passerelle::directory::model::LangMap(
                [("fr".to_string(), "Aide au logement.".to_string())].into(),
            );
        }
        store::update(&db, row, &changed, Utc::now()).await.unwrap();
        assert_eq!(found(&db, &cache, "asile", None).await, Vec::<Uuid>::new());
        assert_eq!(found(&db, &cache, "logement", None).await, vec![id]);

        // Moderation state and deletion reach the index.
        let row = store::get(&db, id).await.unwrap().unwrap();
        let mut a: entry::ActiveModel = row.into();
        a.moderation_state = Set(store::REMOVED.to_string());
        a.update(&db).await.unwrap();
        assert_eq!(found(&db, &cache, "logement", None).await, Vec::<Uuid>::new());
        let row = store::get(&db, id).await.unwrap().unwrap();
        let mut a: entry::ActiveModel = row.into();
        a.moderation_state = Set(store::VISIBLE.to_string());
        a.update(&db).await.unwrap();
        assert_eq!(found(&db, &cache, "logement", None).await, vec![id]);

        // Down to migration 5 and up again: the index is rebuilt from the entries.
        Migrator::down(&db, Some(since_search_index)).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        cache = search::KeyCache::new();
        assert_eq!(found(&db, &cache, "logement", None).await, vec![id]);

        entry::Entity::delete_by_id(id).exec(&db).await.unwrap();
        assert_eq!(found(&db, &cache, "logement", None).await, Vec::<Uuid>::new());
        if backend == Backend::Sqlite {
            use sea_orm::ConnectionTrait;
            let rows = db
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    "SELECT (SELECT COUNT(*) FROM entries_search) + (SELECT COUNT(*) FROM entries_fts) AS n",
                ))
                .await
                .unwrap();
            let n: i64 = rows[0].try_get("", "n").unwrap();
            assert_eq!(n, 0, "the index keeps rows of deleted entries");
        }
        db.close().await.unwrap();
        drop(test_db);
    }
}

both_dbs! {
    /// The search keys a process keeps in memory (SQLite: `search::cache`) follow the writes of
    /// another process on the same database: a new entry, a change of category and country, a
    /// removal by moderation, a status, a deletion. (Two connection pools on one database file
    /// are two processes as far as the database is concerned; on PostgreSQL the search reads
    /// the tables themselves, and the same answers are expected.)
    async fn search_keys_follow_another_process(backend: Backend) {
        use passerelle_migrations::{Migrator, MigratorTrait};
        let test_db = TestDb::new(backend).await;
        let writer = sea_orm::Database::connect(&test_db.url).await.unwrap();
        Migrator::up(&writer, None).await.unwrap();
        let reader = sea_orm::Database::connect(&test_db.url).await.unwrap();
        let cache = search::KeyCache::new();
        let search = |q: &'static str, filters: &'static [(&'static str, &'static str)]| {
            let (reader, cache) = (&reader, &cache);
            async move {
                let mut params: BTreeMap<String, String> =
                    filters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                if !q.is_empty() {
                    params.insert("q".into(), q.into());
                }
                let p = search::query::parse(&params, None, Utc::now()).unwrap();
                search::search(reader, cache, &p).await.unwrap()
            }
        };
        let ids = |r: &search::SearchResult| r.hits.iter().map(|h| h.row.id).collect::<Vec<_>>();
        assert_eq!(search("asile", &[]).await.total, 0);

        let (id, entry) = insert_asylum_service(&writer).await;
        let r = search("asile", &[]).await;
        assert_eq!(ids(&r), vec![id]);
        assert_eq!(r.facets.category, BTreeMap::from([("legal".to_string(), 1)]));
        assert_eq!(r.facets.country, BTreeMap::from([("FR".to_string(), 1)]));
        assert_eq!(
            r.facets.language,
            BTreeMap::from([("fr".to_string(), 1), ("uk".to_string(), 1)])
        );
        assert_eq!(search("", &[("locality", "lille")]).await.total, 1);
        assert_eq!(search("", &[("lat", "50.63"), ("lon", "3.06"), ("radius_km", "5")]).await.total, 1);

        // Another category, another country, another city.
        let mut changed = entry.clone();
        if let passerelle::directory::model::Entry::Service(s) = &mut changed {
            s.categories = vec!["health".into()];
            s.locations[0].locality = Some("Bruxelles".into());
            s.locations[0].country = Some("BE".into());
            s.locations[0].latitude = Some(50.85);
            s.locations[0].longitude = Some(4.35);
        }
        let row = store::get(&writer, id).await.unwrap().unwrap();
        store::update(&writer, row, &changed, Utc::now()).await.unwrap();
        let r = search("asile", &[]).await;
        assert_eq!(r.facets.category, BTreeMap::from([("health".to_string(), 1)]));
        assert_eq!(r.facets.country, BTreeMap::from([("BE".to_string(), 1)]));
        assert_eq!(search("asile", &[("category", "legal")]).await.total, 0);
        assert_eq!(search("", &[("locality", "lille")]).await.total, 0);
        assert_eq!(search("", &[("locality", "bruxelles")]).await.total, 1);
        assert_eq!(search("", &[("lat", "50.63"), ("lon", "3.06"), ("radius_km", "5")]).await.total, 0);

        // Removed by moderation, then shown again.
        let set_state = |state: &'static str| {
            let writer = &writer;
            async move {
                let row = store::get(writer, id).await.unwrap().unwrap();
                let mut a: entry::ActiveModel = row.into();
                a.moderation_state = Set(state.to_string());
                a.update(writer).await.unwrap();
            }
        };
        set_state(store::REMOVED).await;
        assert_eq!(search("asile", &[]).await.total, 0);
        assert_eq!(search("", &[]).await.total, 0);
        set_state(store::VISIBLE).await;
        assert_eq!(search("asile", &[]).await.total, 1);

        // Inactive: hidden unless every status is asked for.
        let row = store::get(&writer, id).await.unwrap().unwrap();
        let mut a: entry::ActiveModel = row.into();
        a.status = Set("inactive".to_string());
        a.update(&writer).await.unwrap();
        assert_eq!(search("asile", &[]).await.total, 0);
        assert_eq!(search("asile", &[("status", "all")]).await.total, 1);
        assert_eq!(search("asile", &[("status", "inactive")]).await.total, 1);

        // Deleted.
        entry::Entity::delete_by_id(id).exec(&writer).await.unwrap();
        assert_eq!(search("asile", &[("status", "all")]).await.total, 0);
        assert_eq!(search("", &[("status", "all")]).await.total, 0);
        writer.close().await.unwrap();
        reader.close().await.unwrap();
        drop(test_db);
    }
}
