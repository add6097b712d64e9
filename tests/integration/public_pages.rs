//! Public pages: search (filters, facet links, paging, errors beside the fields), the events
//! calendar (days, weeks, times in each event's own time zone), entry pages (map links, time
//! zones), remote follow (a real second Passerelle instance, the Fedify peer, error cases) and
//! buddy requests (form, spam defences, rate limit, staff pages, retention, privacy).
use chrono::{Datelike, Duration, Utc};
use passerelle::{
    accounts::{self, Role},
    buddy::{self, buddy_request},
    directory::{
        model::Kind,
        store::{self, Origin},
        validate::{self, Context},
    },
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    both_dbs,
    harness::*,
    web::{ORG, PASSWORD, Page, get, post},
};

async fn create(app: &TestApp, token: &str, kind: &str, body: Value) -> Value {
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/{kind}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let json: Value = resp.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

fn id_of(created: &Value) -> String {
    created["id"].as_str().unwrap().to_string()
}

/// The value of attribute `attr` of the first `<a …>` whose text contains `text`.
fn link_to(p: &Page, text: &str) -> String {
    let re = regex::Regex::new(r#"<a href="([^"]*)"[^>]*>([^<]*)</a>"#).unwrap();
    re.captures_iter(&p.text)
        .find(|c| c[2].contains(text))
        .unwrap_or_else(|| panic!("no link {text:?} in {}", p.text))[1]
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn search_page_filters_facets_paging_and_errors(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@accueil-lille.example", Role::Editor, Some(ORG)).await;
        let place = |city: &str, country: &str, lat: f64, lon: f64| json!([{
            "street_address": "1 rue X", "locality": city, "country": country,
            "latitude": lat, "longitude": lon }]);
        create(&app, &token, "services", json!({"organization": ORG,
            "name": {"fr": "Permanence juridique Lille"}, "description": {"fr": "Droit d'asile."},
            "categories": ["legal"], "languages": ["fr", "uk"], "free": true,
            "locations": place("Lille", "FR", 50.63, 3.06)})).await;
        create(&app, &token, "services", json!({"organization": ORG,
            "name": {"fr": "Permanence juridique Roubaix"}, "description": {"fr": "Droit des étrangers."},
            "categories": ["legal"], "languages": ["fr"], "free": true,
            "locations": place("Roubaix", "FR", 50.69, 3.17)})).await;
        create(&app, &token, "services", json!({"organization": ORG,
            "name": {"fr": "Épicerie solidaire"}, "description": {"fr": "Colis alimentaires."},
            "categories": ["food"], "languages": ["ar"], "free": true,
            "locations": place("Bruxelles", "BE", 50.85, 4.35)})).await;

        // The home page's search box goes to /search.
        let p = get(&app, "/", &[]).await;
        assert!(p.text.contains(r#"action="/search""#) && p.text.contains(r#"<label for="home-q">"#), "{}", p.text);

        // Everything, with facets as links that refine the query.
        let p = get(&app, "/search", &[]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert!(p.text.contains("3 results"), "{}", p.text);
        for field in ["q", "kind", "category", "language", "locality", "country", "lat", "lon",
                      "radius_km", "free", "open_now", "from", "to", "age", "origin", "status"] {
            assert!(p.text.contains(&format!(r#"<label for="{field}">"#)), "label {field}");
            assert!(p.text.contains(&format!(r#"id="{field}" name="{field}""#)), "field {field}");
        }
        // The "near me" button is hidden until the script shows it, and the script is ours.
        assert!(p.text.contains(r#"<script src="/static/near-me.js" defer></script>"#));
        assert!(p.text.contains(r#"id="near-me" hidden"#), "{}", p.text);
        let js = app.client.get(app.url("/static/near-me.js")).send().await.unwrap();
        assert_eq!(js.status(), 200);
        assert!(js.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
        assert!(js.text().await.unwrap().contains("navigator.geolocation"));
        let csp = p.headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        // Facets: Legal (2), Food (1), countries FR (2), BE (1).
        let legal = link_to(&p, "Legal");
        assert_eq!(legal, "/search?category=legal");
        assert!(p.text.contains("Legal aid (2)"), "{}", p.text);
        let be = link_to(&p, "BE (1)");
        assert_eq!(be, "/search?country=BE");

        // Following a facet link narrows the results; the active facet removes itself.
        let p = get(&app, &legal, &[]).await;
        assert!(p.text.contains("2 results"), "{}", p.text);
        assert!(p.text.contains("Permanence juridique Lille") && !p.text.contains("Épicerie"));
        assert!(p.text.contains(r#"<option value="legal" selected>"#), "the form shows the filter");
        let re = regex::Regex::new(r#"<a href="([^"]*)" aria-current="true" class="active">Legal"#).unwrap();
        assert_eq!(&re.captures(&p.text).expect("the active facet")[1], "/search");
        // A second facet keeps the first.
        let uk = link_to(&p, "Ukrainian (1)");
        assert_eq!(uk, "/search?category=legal&language=uk");
        let p = get(&app, &uk, &[]).await;
        assert!(p.text.contains("One result") && p.text.contains("Permanence juridique Lille"), "{}", p.text);

        // Words, city, near a point (nearest first, with the distance).
        let p = get(&app, "/search?q=juridique&locality=Roubaix", &[]).await;
        assert!(p.text.contains("One result") && p.text.contains("Roubaix"), "{}", p.text);
        assert!(p.text.contains(r#"value="juridique""#) && p.text.contains(r#"value="Roubaix""#));
        let p = get(&app, "/search?lat=50.85&lon=4.35&radius_km=20", &[]).await;
        assert!(p.text.contains("One result") && p.text.contains("Épicerie solidaire"), "{}", p.text);
        assert!(p.text.contains("0.0 km away"), "{}", p.text);

        // Paging keeps the query.
        let p = get(&app, "/search?q=permanence&per_page=1", &[]).await;
        assert!(p.text.contains("2 results") && p.text.contains("Page 1 of 2"), "{}", p.text);
        let next = regex::Regex::new(r#"<a href="([^"]*)" rel="next">"#).unwrap()
            .captures(&p.text).expect("a next link")[1].to_string();
        assert_eq!(next, "/search?page=2&per_page=1&q=permanence");
        let p2 = get(&app, &next, &[]).await;
        assert!(p2.text.contains("Page 2 of 2") && p2.text.contains(r#"rel="prev""#));
        let first = ["Lille", "Roubaix"].into_iter().find(|c| p.text.contains(&format!("Permanence juridique {c}"))).unwrap();
        assert!(!p2.text.contains(&format!("Permanence juridique {first}")), "another entry on page 2");

        // Bad parameters: 422, each message beside its field, the input kept, in the
        // reader's language.
        let p = get(&app, "/search?q=abc&lat=100&lon=3&country=France&category=nope", &[]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"<p class="field-error" id="lat-error">Type a latitude from -90 to 90"#), "{}", p.text);
        assert!(p.text.contains(r#"id="country-error">Type a two-letter country code"#));
        assert!(p.text.contains(r#"id="category-error">This category does not exist."#));
        assert!(p.text.contains(r#"id="lat" name="lat" value="100""#), "input kept");
        assert!(p.text.contains(r#"value="France""#) && p.text.contains(r#"value="abc""#));
        assert!(p.text.contains(r#"aria-describedby="lat-error""#));
        assert!(!p.text.contains("lon-error"), "lon is fine");
        let p = get(&app, "/search?radius_km=5&lang=fr", &[]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"id="radius_km-error">Tapez une distance en kilomètres"#), "{}", p.text);
        // The API names the same parameter.
        let api = app.client.get(app.url("/api/v1/search?lat=100&lon=3")).send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(api.text().await.unwrap().contains("\"lat\""));
    }
}

// ---------------------------------------------------------------------------------------------
// Events calendar and entry pages
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn events_calendar_and_entry_pages_in_the_events_time_zone(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@accueil-lille.example", Role::Editor, Some(ORG)).await;
        // Ten days from now, an event in Tokyo (no summer time) stored with New York's
        // offset: 20:00-05:00 is 10:00 the next day in Tokyo.
        let base = (Utc::now() + Duration::days(10)).date_naive();
        let tokyo_day = base + Duration::days(1);
        let tokyo = create(&app, &token, "events", json!({"organization": ORG,
            "name": {"en": "Tokyo meetup"}, "description": {"en": "Hello."},
            "categories": ["social"], "languages": ["en"],
            "start_time": format!("{base}T20:00:00-05:00"), "end_time": format!("{base}T21:30:00-05:00"),
            "timezone": "Asia/Tokyo", "online_url": "https://example.org/live"})).await;
        let paris = create(&app, &token, "events", json!({"organization": ORG,
            "name": {"fr": "Atelier CV"}, "description": {"fr": "CV."},
            "categories": ["employment"], "languages": ["fr"],
            "start_time": format!("{base}T13:00:00+00:00"), "end_time": format!("{base}T15:00:00+00:00"),
            "timezone": "Europe/Paris",
            "location": {"street_address": "5 place de la Nouvelle Aventure", "postal_code": "59000",
                         "locality": "Lille", "country": "FR", "latitude": 50.6256, "longitude": 3.0489}})).await;

        // The coming days, by local day, times in each event's zone with the zone named.
        let p = get(&app, "/events", &[]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        let tokyo_at = p.text.find(&format!(r#"<time datetime="{tokyo_day}">"#)).expect("Tokyo's day");
        let paris_at = p.text.find(&format!(r#"<time datetime="{base}">"#)).expect("Paris's day");
        assert!(paris_at < tokyo_at, "days in order");
        assert!(p.text.contains("10:00–11:30</time> <span class=\"zone\" dir=\"ltr\">(Asia/Tokyo)</span>"), "{}", p.text);
        assert!(p.text.contains("14:00–16:00</time> <span class=\"zone\" dir=\"ltr\">(Europe/Paris)</span>"), "{}", p.text);
        assert!(!p.text.contains("20:00–21:30"), "never the stored offset's time");
        assert!(p.text.contains(r#"href="/feeds/events.ics" id="events-ical""#), "the iCal feed");

        // The week containing the Paris event, by ISO week and by a first day.
        let iso = base.iso_week();
        let week = format!("{}-W{:02}", iso.year(), iso.week());
        let p = get(&app, &format!("/events?week={week}"), &[]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(&format!("Week {week}:")), "{}", p.text);
        assert!(p.text.contains("Atelier CV"));
        let prev = regex::Regex::new(r#"<a href="([^"]*)" rel="prev""#).unwrap().captures(&p.text).unwrap()[1].to_string();
        let next = regex::Regex::new(r#"<a href="([^"]*)" rel="next""#).unwrap().captures(&p.text).unwrap()[1].to_string();
        let monday = chrono::NaiveDate::from_isoywd_opt(iso.year(), iso.week(), chrono::Weekday::Mon).unwrap();
        let w = |d: chrono::NaiveDate| { let i = d.iso_week(); format!("/events?week={}-W{:02}", i.year(), i.week()) };
        assert_eq!(prev, w(monday - Duration::days(7)));
        assert_eq!(next, w(monday + Duration::days(7)));
        // Seven days from the Tokyo day: Tokyo is in, Paris (the day before) is out.
        let p = get(&app, &format!("/events?from={tokyo_day}"), &[]).await;
        assert!(p.text.contains("Tokyo meetup") && !p.text.contains("Atelier CV"), "{}", p.text);
        // A filter applies to the calendar too.
        let p = get(&app, "/events?category=employment", &[]).await;
        assert!(p.text.contains("Atelier CV") && !p.text.contains("Tokyo meetup"), "{}", p.text);
        assert!(p.text.contains("/feeds/search.ics?category=employment"), "{}", p.text);
        // Bad week: 422 with the message beside the field.
        let p = get(&app, "/events?week=2026-48", &[]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"id="week-error">Type a week such as 2026-W48."#), "{}", p.text);
        assert!(p.text.contains(r#"value="2026-48""#));

        // Entry page: the Tokyo time with the zone named, not the stored offset.
        let p = get(&app, &format!("/events/{}", id_of(&tokyo)), &[]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(&format!("<dd>{tokyo_day} 10:00 (Asia/Tokyo)</dd>")), "{}", p.text);
        assert!(p.text.contains(&format!("<dd>{tokyo_day} 11:30 (Asia/Tokyo)</dd>")));
        assert!(!p.text.contains(&format!("{base} 20:00")));
        // Map links: geo: URI for map applications and OpenStreetMap.
        let p = get(&app, &format!("/events/{}", id_of(&paris)), &[]).await;
        assert!(p.text.contains(&format!("<dd>{base} 14:00 (Europe/Paris)</dd>")), "{}", p.text);
        assert!(p.text.contains(r#"<a href="geo:50.6256,3.0489" class="geo">Open in a map application</a>"#), "{}", p.text);
        assert!(p.text.contains(r#"href="https://www.openstreetmap.org/?mlat=50.6256&mlon=3.0489#map=17/50.6256/3.0489" class="osm""#), "{}", p.text);
        // The home page lists upcoming events in their zones.
        let p = get(&app, "/", &[]).await;
        assert!(p.text.contains(&format!("{tokyo_day} 10:00 (Asia/Tokyo)")), "{}", p.text);

        // A service: opening hours in its zone with days in the reader's language, an
        // address without coordinates searched on the map, the last verified date.
        let s = create(&app, &token, "services", json!({"organization": ORG,
            "name": {"fr": "Accueil de jour"}, "description": {"fr": "Accueil."},
            "categories": ["accommodation"], "languages": ["fr"],
            "schedules": [{"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00",
                           "closes_at": "12:00", "timezone": "Europe/Paris"}],
            "locations": [{"street_address": "12 rue Solférino", "postal_code": "59000",
                           "locality": "Lille", "country": "FR"}],
            "last_verified": "2026-11-02"})).await;
        let p = get(&app, &format!("/services/{}?lang=fr", id_of(&s)), &[]).await;
        assert!(p.text.contains("<dd>lun.–ven. 09:00–12:00 (Europe/Paris)</dd>"), "{}", p.text);
        assert!(p.text.contains("<dd>2026-11-02</dd>"), "{}", p.text);
        assert!(p.text.contains("https://www.openstreetmap.org/search?query=12+rue+Solf%C3%A9rino"), "{}", p.text);
        assert!(p.text.contains("geo:0,0?q=12+rue+Solf%C3%A9rino"), "{}", p.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Remote follow
// ---------------------------------------------------------------------------------------------

async fn follow_post(app: &TestApp, account: &str, target: &str) -> Page {
    post(
        app,
        "/follow",
        None,
        &[("account", account), ("target", target)],
    )
    .await
}

both_dbs! {
    async fn remote_follow_redirects_to_the_readers_server(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        a.create_org(ORG).await;
        b.create_org("lecteurs").await;
        let target = a.url(&format!("/o/{ORG}")).to_string();

        // Our WebFinger advertises a subscribe template, and the page it leads to explains.
        let wf: Value = a.client.get(a.url(&format!("/.well-known/webfinger?resource=acct:{ORG}@{}", a.domain)))
            .send().await.unwrap().json().await.unwrap();
        let template = wf["links"].as_array().unwrap().iter()
            .find(|l| l["rel"] == "http://ostatus.org/schema/1.0/subscribe")
            .and_then(|l| l["template"].as_str()).expect("a subscribe template").to_string();
        assert_eq!(template, format!("{}authorize_interaction?uri={{uri}}", a.base));

        // The organisation page: the handle and the form.
        let p = get(&a, &format!("/o/{ORG}"), &[]).await;
        assert!(p.text.contains(&format!("@{ORG}@{}", a.domain)));
        assert!(p.text.contains(r#"<form class="follow-form" method="post" action="/follow">"#), "{}", p.text);
        assert!(p.text.contains(&format!(r#"name="target" value="{target}""#)));
        assert!(p.text.contains(r#"<label for="follow-account">"#) && p.text.contains(r#"id="follow-account" name="account""#));
        // Browsers apply form-action to the redirect after the form: the reader's server is
        // allowed on pages with the form, and only there.
        let csp = |p: &Page| p.headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp(&p).contains("form-action 'self' https: http:;"), "{}", csp(&p));
        assert!(csp(&p).contains("script-src 'self';"));
        let search = get(&a, "/search", &[]).await;
        assert!(csp(&search).contains("form-action 'self';"), "{}", csp(&search));

        // A reader of instance B: A looks up B's WebFinger and sends them to B's template.
        let p = follow_post(&a, &format!("@lecteurs@{}", b.domain), &target).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        assert_eq!(p.location(), format!("{}authorize_interaction?uri={encoded}", b.base));
        // B's page explains that it has no reader accounts, and shows the address.
        let resp = b.client.get(p.location()).header("Accept", "text/html").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let html = html_escape::decode_html_entities(&resp.text().await.unwrap()).to_string();
        assert!(html.contains("has no reader accounts") && html.contains(&target), "{html}");
        // A's own page, for its own organisation, shows the handle and the form.
        let p = get(&a, &format!("/authorize_interaction?uri={encoded}"), &[]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(&format!("@{ORG}@{}", a.domain)) && p.text.contains(r#"action="/follow""#));

        // Entry pages have the same form, for the organisation's actor.
        let token = a.token_for("editor@accueil-lille.example", Role::Editor, Some(ORG)).await;
        let s = create(&a, &token, "services", json!({"organization": ORG, "name": {"fr": "Permanence"},
            "description": {"fr": "Aide."}, "categories": ["legal"], "languages": ["fr"],
            "online_url": "https://example.org/x"})).await;
        let p = get(&a, &format!("/services/{}", id_of(&s)), &[]).await;
        assert!(p.text.contains(&format!(r#"name="target" value="{target}""#)), "{}", p.text);

        // Errors, the handle kept: malformed, unknown account, nobody listening, blocked.
        let p = follow_post(&a, "not a handle", &target).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"id="follow-account-error">This is not an account address."#), "{}", p.text);
        assert!(p.text.contains(r#"value="not a handle""#));
        let p = follow_post(&a, &format!("nobody@{}", b.domain), &target).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(&format!("{} does not know this account", b.domain)), "{}", p.text);
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let p = follow_post(&a, &format!("x@127.0.0.1:{port}"), &target).await;
        assert_eq!(p.status, StatusCode::BAD_GATEWAY);
        assert!(p.text.contains("did not answer"), "{}", p.text);
        let admin = a.token_for("admin@example.org", Role::Admin, None).await;
        let resp = a.client.post(a.url("/api/v1/admin/domain-blocks")).bearer_auth(&admin)
            .json(&json!({"domain": "localhost", "severity": "suspend"})).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        // (our own domain, also localhost, is never refused; B's port is covered by the rule)
        let p = follow_post(&a, &format!("lecteurs@{}", b.domain), &target).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.text);
        assert!(p.text.contains("does not exchange with"), "{}", p.text);
        // Unknown targets are refused.
        let p = follow_post(&a, &format!("lecteurs@{}", b.domain), "https://elsewhere.example/o/x").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
    }
}

/// The Fedify peer (a real third-party implementation) does not advertise a subscribe
/// template: the reader is told so, with the handle to copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_follow_against_a_server_without_a_template() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_org(ORG).await;
    let peer = FedifyPeer::start().await;
    let host = format!(
        "{}:{}",
        peer.base.host_str().unwrap(),
        peer.base.port().unwrap()
    );
    let wf = reqwest::Client::new()
        .get(
            peer.base
                .join(&format!("/.well-known/webfinger?resource=acct:bob@{host}"))
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(wf.status(), 200, "the peer knows bob");
    let jrd: Value = wf.json().await.unwrap();
    assert!(
        jrd["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["rel"] != buddy_rel()),
        "{jrd}"
    );
    let target = app.url(&format!("/o/{ORG}")).to_string();
    let p = follow_post(&app, &format!("bob@{host}"), &target).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(
        p.text
            .contains(&format!("{host} does not offer a follow page")),
        "{}",
        p.text
    );
    assert!(
        p.text.contains(&format!("@{ORG}@{}", app.domain)),
        "the handle to copy"
    );
    peer.kill().await;
}

fn buddy_rel() -> &'static str {
    passerelle::web::public::SUBSCRIBE_REL
}

// ---------------------------------------------------------------------------------------------
// Buddy requests
// ---------------------------------------------------------------------------------------------

const OTHER: &str = "autre-asso";
const EDITOR_A: &str = "editor@accueil-lille.example";
const EDITOR_B: &str = "editor@autre-asso.example";

/// Sign in on the staff pages; the session cookie as a Cookie header value.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let p = get(app, "/staff/login", &[]).await;
    let csrf_cookie = p.cookie_value("psl_login_csrf").unwrap();
    let field = p.csrf_field();
    let p = post(
        app,
        "/staff/login",
        Some(&format!("psl_login_csrf={csrf_cookie}")),
        &[
            ("email", email),
            ("password", PASSWORD),
            ("csrf", field.as_str()),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    format!("psl_session={}", p.cookie_value("psl_session").unwrap())
}

fn token_field(p: &Page) -> String {
    regex::Regex::new(r#"name="token" value="([^"]*)""#)
        .unwrap()
        .captures(&p.text)
        .unwrap_or_else(|| panic!("no token field in {}", p.text))[1]
        .to_string()
}

/// A form token shown `secs` seconds ago.
fn aged_token(app: &TestApp, offer: &str, secs: i64) -> String {
    buddy::form_token(
        &app.state,
        Uuid::parse_str(offer).unwrap(),
        Utc::now() - Duration::seconds(secs),
    )
}

async fn buddy_app(backend: Backend, burst: u32) -> (TestApp, String) {
    let app = TestApp::spawn_with(backend, |c| {
        c.buddy.request_burst = burst;
        c.buddy.min_fill_secs = 3;
    })
    .await;
    app.create_org(ORG).await;
    app.create_org(OTHER).await;
    accounts::create_user(&app.state.db, EDITOR_A, PASSWORD, Role::Editor, Some(ORG))
        .await
        .unwrap();
    accounts::create_user(&app.state.db, EDITOR_B, PASSWORD, Role::Editor, Some(OTHER))
        .await
        .unwrap();
    let token = accounts::create_token(&app.state.db, EDITOR_A)
        .await
        .unwrap();
    let mut body = passerelle_offer();
    body["organization"] = ORG.into();
    let offer = create(&app, &token, "offers", body).await;
    (app, id_of(&offer))
}

fn passerelle_offer() -> Value {
    json!({
        "name": {"fr": "Accompagnement en préfecture", "en": "Accompaniment to the prefecture"},
        "description": {"fr": "Je peux vous accompagner.", "en": "I can go with you."},
        "status": "active", "categories": ["administrative"],
        "help_types": ["accompaniment"], "languages": ["fr", "ar"],
        "area": {"kind": "city", "locality": "Lille", "country": "FR"}
    })
}

const SECRET: &str = "Je cherche quelqu'un pour la préfecture mardi";

async fn send(app: &TestApp, offer: &str, fields: &[(&str, &str)]) -> Page {
    post(app, &format!("/offers/{offer}/buddy-request"), None, fields).await
}

both_dbs! {
    async fn buddy_requests_reach_only_the_mediating_organisation(backend: Backend) {
        let (app, offer) = buddy_app(backend, 50).await;
        let db = &app.state.db;
        let count = || async { buddy_request::Entity::find().count(db).await.unwrap() };

        // The form: labelled fields with stable names, the honeypot, a signed token.
        let page = get(&app, &format!("/offers/{offer}"), &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains(&format!(r#"action="/offers/{offer}/buddy-request#buddy""#)), "{}", page.text);
        for (id, name) in [("buddy-name", "name"), ("buddy-contact", "contact"),
                           ("buddy-language", "language"), ("buddy-message", "message"),
                           ("buddy-website", "website")] {
            assert!(page.text.contains(&format!(r#"<label for="{id}">"#)), "{id}");
            assert!(page.text.contains(&format!(r#"id="{id}" name="{name}""#)), "{id}");
        }
        let fresh = token_field(&page);
        let good = aged_token(&app, &offer, 10);

        // Sent at once: refused as automated, the input kept, nothing stored.
        let p = send(&app, &offer, &[("name", "Amina"), ("contact", "06 00 00 00 00"),
            ("language", "ar"), ("message", SECRET), ("token", fresh.as_str())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        assert!(p.text.contains("The form was sent very quickly"), "{}", p.text);
        assert!(p.text.contains(r#"value="Amina""#) && p.text.contains(SECRET));
        // Honeypot filled in, a forged token, a day-old form: refused too.
        let p = send(&app, &offer, &[("name", "Bot"), ("contact", "x"), ("message", "spam"),
            ("website", "http://spam.example"), ("token", good.as_str())]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.text.contains("This request cannot be accepted."), "{}", p.text);
        let forged = format!("{}.{}", Utc::now().timestamp() - 60, "0".repeat(64));
        let p = send(&app, &offer, &[("name", "Bot"), ("contact", "x"), ("message", "spam"),
            ("token", forged.as_str())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let old = aged_token(&app, &offer, 2 * 24 * 3600);
        let p = send(&app, &offer, &[("name", "Amina"), ("contact", "x"), ("message", "hello"),
            ("token", old.as_str())]).await;
        assert!(p.text.contains("The form was open for too long"), "{}", p.text);
        // Missing fields: errors beside them, the rest kept.
        let p = send(&app, &offer, &[("name", ""), ("contact", "06 00"), ("message", SECRET),
            ("language", "ar"), ("token", good.as_str())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"<p class="field-error" id="buddy-name-error">Fill in this field.</p>"#), "{}", p.text);
        assert!(p.text.contains(r#"value="06 00""#) && p.text.contains(SECRET));
        assert!(p.text.contains(r#"<option value="ar" selected>"#));
        assert_eq!(count().await, 0, "nothing stored by refused forms");

        // A good request is stored for the offer's organisation.
        let p = send(&app, &offer, &[("name", "Amina"), ("contact", "06 00 00 00 00"),
            ("language", "ar"), ("message", SECRET), ("token", good.as_str())]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert!(p.text.contains("Your request has been sent."), "{}", p.text);
        let rows = buddy_request::Entity::find().all(db).await.unwrap();
        assert_eq!(rows.len(), 1);
        let org_a = accounts::find_org(db, ORG).await.unwrap().unwrap();
        assert_eq!(rows[0].organization_id, org_a.id);
        assert_eq!(rows[0].entry_id.to_string(), offer);
        assert_eq!((rows[0].name.as_str(), rows[0].language.as_str()), ("Amina", "ar"));
        let rid = rows[0].id;

        // The mediating organisation's staff see it and mark it handled.
        let p = get(&app, "/staff/requests", &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "signed-in staff only");
        let a = sign_in(&app, EDITOR_A).await;
        let p = get(&app, "/staff/requests", &[("Cookie", &a)]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert_eq!(p.headers["cache-control"], "no-store");
        assert!(p.text.contains(&format!(r#"<a href="/staff/requests/{rid}" dir="auto">Amina</a>"#)), "{}", p.text);
        let p = get(&app, &format!("/staff/requests/{rid}"), &[("Cookie", &a)]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(SECRET) && p.text.contains("06 00 00 00 00"), "{}", p.text);
        let csrf = p.csrf_field();
        let bad = post(&app, &format!("/staff/requests/{rid}/handled"), Some(&a), &[("csrf", "nope")]).await;
        assert_eq!(bad.status, StatusCode::FORBIDDEN);

        // Another organisation's staff: not listed, 404 on the request, cannot mark it.
        let b = sign_in(&app, EDITOR_B).await;
        let p = get(&app, "/staff/requests", &[("Cookie", &b)]).await;
        assert_eq!(p.status, 200);
        assert!(!p.text.contains("Amina") && !p.text.contains(&rid.to_string()), "{}", p.text);
        let p = get(&app, &format!("/staff/requests/{rid}"), &[("Cookie", &b)]).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(!p.text.contains(SECRET));
        let b_page = get(&app, "/staff/requests", &[("Cookie", &b)]).await;
        let p = post(&app, &format!("/staff/requests/{rid}/handled"), Some(&b),
            &[("csrf", b_page.csrf_field().as_str())]).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(buddy_request::Entity::find_by_id(rid).one(db).await.unwrap().unwrap().handled_at.is_none());

        let p = post(&app, &format!("/staff/requests/{rid}/handled"), Some(&a), &[("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let row = buddy_request::Entity::find_by_id(rid).one(db).await.unwrap().unwrap();
        assert!(row.handled_at.is_some() && row.handled_by.is_some());
        let p = get(&app, "/staff/requests", &[("Cookie", &a)]).await;
        assert!(p.text.contains(r#"id="requests-handled""#) && !p.text.contains(r#"id="requests-open""#), "{}", p.text);

        // Never in any public output: JSON API, ActivityPub, outbox, search, feeds, HSDS, pages.
        let org_outbox = format!("/o/{ORG}/outbox?page=true");
        let urls = [
            format!("/api/v1/offers/{offer}"), "/api/v1/offers".into(),
            "/api/v1/search?q=prefecture".into(), "/api/v1/search?q=Amina".into(),
            "/feeds/entries.atom".into(), "/feeds/entries.rss".into(),
            "/hsds/services".into(), format!("/offers/{offer}"), "/".into(),
            "/search?q=accompagnement".into(), org_outbox,
        ];
        for u in &urls {
            let body = app.client.get(app.url(u)).send().await.unwrap().text().await.unwrap();
            assert!(!body.contains("Amina") && !body.contains("préfecture mardi") && !body.contains("06 00 00"),
                "{u} leaks the request: {body}");
        }
        let ap = app.get_ap(app.url(&format!("/offers/{offer}")).as_str()).await.text().await.unwrap();
        assert!(ap.contains("Accompaniment") || ap.contains("Accompagnement"), "{ap}");
        assert!(!ap.contains("Amina") && !ap.contains("mardi"));
    }
}

both_dbs! {
    async fn buddy_requests_rate_limit_and_remote_offers(backend: Backend) {
        let (app, offer) = buddy_app(backend, 2).await;
        let good = aged_token(&app, &offer, 10);
        let fields = [("name", "Amina"), ("contact", "amina@example.org"), ("language", "fr"),
                      ("message", "Bonjour"), ("token", good.as_str())];
        for _ in 0..2 {
            assert_eq!(send(&app, &offer, &fields).await.status, 200);
        }
        let p = send(&app, &offer, &fields).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(p.headers.contains_key("retry-after"));
        assert!(p.text.contains("Too many requests were sent") && p.text.contains("amina@example.org"), "{}", p.text);
        assert_eq!(buddy_request::Entity::find().count(&app.state.db).await.unwrap(), 2);

        // A federated offer: no form, a link to its origin; posting is refused.
        let entry = validate::validate(Kind::Offer, &passerelle_offer(), &Context { default_language: "fr" }).unwrap();
        let id = Uuid::now_v7();
        store::insert(&app.state.db, Origin {
            id, ap_id: "https://remote.example/offers/1".into(),
            url: "https://remote.example/offers/1/page".into(),
            organization_id: None, remote_actor_id: None, origin_domain: "remote.example".into(),
            local: false, published: Utc::now(), updated: Utc::now(),
        }, &entry).await.unwrap();
        let p = get(&app, &format!("/offers/{id}"), &[]).await;
        assert_eq!(p.status, 200);
        assert!(!p.text.contains("buddy-request") && !p.text.contains(r#"name="token""#), "{}", p.text);
        assert!(p.text.contains(r#"<a href="https://remote.example/offers/1/page" rel="nofollow noopener" id="buddy-origin">"#), "{}", p.text);
        let token = buddy::form_token(&app.state, id, Utc::now() - Duration::seconds(10));
        let p = send(&app, &id.to_string(), &[("name", "A"), ("contact", "B"), ("message", "C"),
            ("token", token.as_str())]).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
    }
}

both_dbs! {
    async fn buddy_requests_are_purged_after_the_retention_period(backend: Backend) {
        let (app, offer) = buddy_app(backend, 5).await;
        let db = &app.state.db;
        let org = accounts::find_org(db, ORG).await.unwrap().unwrap();
        let now = Utc::now();
        let mut ids = Vec::new();
        for (days, handled) in [(100, false), (91, true), (89, false), (1, true)] {
            let id = Uuid::now_v7();
            buddy_request::ActiveModel {
                id: Set(id), entry_id: Set(Uuid::parse_str(&offer).unwrap()),
                organization_id: Set(org.id), name: Set("N".into()), contact: Set("C".into()),
                language: Set("fr".into()), message: Set("M".into()),
                created_at: Set(now - Duration::days(days)),
                handled_at: Set(handled.then_some(now)), handled_by: Set(None),
            }.insert(db).await.unwrap();
            ids.push(id);
        }
        assert_eq!(app.config.buddy.retention_days, 90, "the documented default");
        let deleted = buddy::purge(db, app.config.buddy.retention_days, now).await.unwrap();
        assert_eq!(deleted, 2);
        let left: Vec<Uuid> = buddy_request::Entity::find().all(db).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(left.len(), 2);
        assert!(left.contains(&ids[2]) && left.contains(&ids[3]));
        // With a later clock the rest goes too.
        assert_eq!(buddy::purge(db, 90, now + Duration::days(120)).await.unwrap(), 2);
        assert_eq!(buddy_request::Entity::find().count(db).await.unwrap(), 0);
    }
}
