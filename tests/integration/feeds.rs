//! Issue 8 (calendars and feeds): iCalendar, Atom and RSS documents checked by independent
//! parsers (Python's `icalendar` and `feedparser`, through tests/feeds_check.py), conditional
//! requests as a subscribing calendar or feed reader makes them, moderation and filters, and
//! the links from the HTML pages.
use std::{
    collections::BTreeMap,
    io::Write,
    process::{Command, Stdio},
    time::Duration,
};

use chrono::Utc;
use passerelle::{
    accounts::Role,
    directory::{
        model::Kind,
        store::{self, Origin},
        validate::{self, Context},
    },
};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both_dbs, harness::*};

const ORG: &str = "solidarite-lille";
const OTHER: &str = "autre-asso";
const REMOTE_AP_ID: &str = "https://remote.example/events/1";

/// A description with every character iCalendar escapes, and non-ASCII text long enough to
/// be folded.
const DESCRIPTION: &str = "Apportez votre CV; une imprimante, des stylos\\crayons.\nDeuxième ligne : \
     entretiens d'embauche, lettres de motivation — en français, українською та العربية.";

/// Runs tests/feeds_check.py on a document and returns its JSON summary.
fn check(mode: &str, body: &str) -> Value {
    let mut child = Command::new("python3")
        .arg(repo_root().join("tests/feeds_check.py"))
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("write the document");
    let out = child.wait_with_output().expect("checker output");
    assert!(
        out.status.success(),
        "feeds_check.py {mode} failed: {}\n--- document ---\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("checker JSON")
}

struct Fx {
    app: TestApp,
    token: String,
    other_token: String,
    moderator: String,
    ids: BTreeMap<&'static str, String>,
}

impl Fx {
    fn ap_id(&self, name: &str) -> String {
        let kind = if name == "permanence" {
            "services"
        } else {
            "events"
        };
        self.app
            .url(&format!("/{kind}/{}", self.ids[name]))
            .to_string()
    }

    async fn fetch(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let resp = self.app.get(path).await;
        let status = resp.status();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.unwrap())
    }

    /// A 200 calendar, parsed.
    async fn calendar(&self, path: &str) -> Value {
        let (status, headers, body) = self.fetch(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/calendar; charset=utf-8"
        );
        let summary = check("ical", &body);
        assert_eq!(summary["crlf_only"], true, "{path}");
        assert!(summary["max_line_octets"].as_u64().unwrap() <= 75, "{path}");
        assert_eq!(summary["every_tzid_defined"], true, "{path}: {summary:#}");
        for (tzid, t) in summary["timezones"].as_object().unwrap() {
            assert_eq!(
                t["mismatches"],
                json!([]),
                "{path}: VTIMEZONE {tzid} is wrong"
            );
        }
        summary
    }

    async fn feed(&self, path: &str, content_type: &str) -> Value {
        let (status, headers, body) = self.fetch(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(headers[header::CONTENT_TYPE], content_type, "{path}");
        let summary = check("feed", &body);
        assert_eq!(summary["bozo"], false, "{path}: {summary:#}\n{body}");
        summary
    }

    async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let resp = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

fn uids(cal: &Value) -> Vec<String> {
    let mut v: Vec<String> = cal["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn event_with_uid<'a>(cal: &'a Value, uid: &str) -> &'a Value {
    cal["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["uid"] == uid)
        .unwrap_or_else(|| panic!("no event {uid} in {cal:#}"))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn event_body(org: &str, name: Value, start: &str, end: &str, tz: &str, extra: Value) -> Value {
    let mut body = json!({
        "organization": org,
        "name": name,
        "description": {"fr": DESCRIPTION},
        "categories": ["employment.job-search"],
        "languages": ["fr"],
        "start_time": start,
        "end_time": end,
        "timezone": tz,
        "location": {"name": {"fr": "Maison des associations"}, "street_address": "27 rue Jean Moulin",
                     "postal_code": "59000", "locality": "Lille", "country": "FR",
                     "latitude": 50.6311, "longitude": 3.0571},
    });
    validate::merge_patch(&mut body, &extra);
    body
}

async fn fixture(backend: Backend) -> Fx {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    app.create_org(OTHER).await;
    let token = app
        .token_for("editor@solidarite.example", Role::Editor, Some(ORG))
        .await;
    let other_token = app
        .token_for("editor@autre.example", Role::Editor, Some(OTHER))
        .await;
    let moderator = app
        .token_for("mod@example.org", Role::Moderator, None)
        .await;
    let mut fx = Fx {
        app,
        token,
        other_token,
        moderator,
        ids: BTreeMap::new(),
    };
    let bodies: Vec<(&'static str, Kind, bool, Value)> = vec![
        (
            "atelier",
            Kind::Event,
            true,
            event_body(
                ORG,
                json!({"fr": "Atelier CV, lettres; entretiens", "uk": "Майстерня з резюме"}),
                "2030-06-01T14:00:00+02:00",
                "2030-06-01T16:00:00+02:00",
                "Europe/Paris",
                json!({}),
            ),
        ),
        (
            "newyork",
            Kind::Event,
            true,
            event_body(
                ORG,
                json!({"fr": "Webinaire depuis New York", "en": "Webinar from New York"}),
                "2030-01-15T10:00:00-05:00",
                "2030-01-15T12:00:00-05:00",
                "America/New_York",
                json!({"location": null, "online_url": "https://visio.example/ny"}),
            ),
        ),
        (
            "annule",
            Kind::Event,
            true,
            event_body(
                ORG,
                json!({"fr": "Réunion annulée"}),
                "2030-07-01T10:00:00+02:00",
                "2030-07-01T12:00:00+02:00",
                "Europe/Paris",
                json!({"status": "cancelled", "categories": ["language"]}),
            ),
        ),
        (
            "retire",
            Kind::Event,
            true,
            event_body(
                ORG,
                json!({"fr": "Événement retiré"}),
                "2030-08-01T10:00:00+02:00",
                "2030-08-01T12:00:00+02:00",
                "Europe/Paris",
                json!({}),
            ),
        ),
        (
            "autre",
            Kind::Event,
            false,
            event_body(
                OTHER,
                json!({"fr": "Fête de quartier"}),
                "2030-09-01T15:00:00+02:00",
                "2030-09-01T18:00:00+02:00",
                "Europe/Paris",
                json!({"categories": ["social"]}),
            ),
        ),
        (
            "permanence",
            Kind::Service,
            true,
            json!({
                "organization": ORG,
                "name": {"fr": "Permanence emploi", "en": "Job desk"},
                "description": {"fr": "Aide à la recherche d'emploi."},
                "categories": ["employment"],
                "languages": ["fr", "ar"],
                "locations": [{"locality": "Lille", "country": "FR", "latitude": 50.63, "longitude": 3.06}],
                "schedules": [
                    {"byday": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:00",
                     "timezone": "Europe/Paris", "valid_from": "2030-01-01"},
                    {"byday": ["FR"], "opens_at": "20:00", "closes_at": "08:00",
                     "timezone": "Europe/Paris", "valid_from": "2030-01-01", "valid_to": "2030-12-31",
                     "notes": {"fr": "Nuit solidaire"}}
                ]
            }),
        ),
    ];
    for (name, kind, ours, body) in bodies {
        let token = if ours {
            fx.token.clone()
        } else {
            fx.other_token.clone()
        };
        let (status, json) = fx
            .api(
                Method::POST,
                &format!("/api/v1/{}", kind.plural()),
                &token,
                body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {json:#}");
        fx.ids
            .insert(name, json["id"].as_str().unwrap().to_string());
    }
    // An event federated from another instance.
    let remote = validate::validate(
        Kind::Event,
        &event_body(
            ORG,
            json!({"fr": "Cours de français (Lyon)"}),
            "2030-05-10T09:00:00+02:00",
            "2030-05-10T11:00:00+02:00",
            "Europe/Paris",
            json!({"categories": ["language.conversation"],
                   "location": {"locality": "Lyon", "country": "FR"}}),
        ),
        &Context {
            default_language: "fr",
        },
    )
    .unwrap();
    let now = Utc::now();
    store::insert(
        &fx.app.state.db,
        Origin {
            id: Uuid::now_v7(),
            ap_id: REMOTE_AP_ID.into(),
            url: "https://remote.example/e/1".into(),
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
    fx
}

both_dbs! {
    async fn calendars_are_valid_icalendar(backend: Backend) {
        let fx = fixture(backend).await;
        let cal = fx.calendar("/feeds/events.ics").await;
        assert_eq!(cal["version"], "2.0");
        assert_eq!(cal["name"], "Test instance · events");
        // Every visible event, local and federated, cancelled included; no service.
        let expected = sorted(vec![
            fx.ap_id("atelier"), fx.ap_id("newyork"), fx.ap_id("annule"), fx.ap_id("retire"),
            fx.ap_id("autre"), REMOTE_AP_ID.to_string(),
        ]);
        assert_eq!(uids(&cal), expected);
        assert_eq!(cal["tzids_used"], json!(["America/New_York", "Europe/Paris"]));

        let a = event_with_uid(&cal, &fx.ap_id("atelier"));
        assert_eq!(a["dtstart"], "2030-06-01T14:00:00");
        assert_eq!(a["dtstart_tzid"], "Europe/Paris");
        assert_eq!(a["dtstart_utc"], "2030-06-01T12:00:00+00:00");
        assert_eq!(a["dtend"], "2030-06-01T16:00:00");
        assert_eq!(a["summary"], "Atelier CV, lettres; entretiens");
        assert_eq!(a["summary_lang"], "fr");
        // Escaping and folding undone by the parser give the text back.
        assert_eq!(a["description"], DESCRIPTION);
        assert_eq!(a["status"], "CONFIRMED");
        assert_eq!(a["sequence"], 0);
        assert_eq!(a["geo"], json!([50.6311, 3.0571]));
        // Category labels in the reader's language (the instance's, English, by default).
        assert_eq!(a["categories"], json!(["Job search"]));
        assert_eq!(a["location"], "Maison des associations, 27 rue Jean Moulin, 59000 Lille, FR");
        assert_eq!(a["url"], fx.ap_id("atelier"));
        assert!(a["last_modified"].as_str().is_some());
        assert_eq!(a["rrule"], Value::Null);

        let ny = event_with_uid(&cal, &fx.ap_id("newyork"));
        assert_eq!(ny["dtstart"], "2030-01-15T10:00:00");
        assert_eq!(ny["dtstart_tzid"], "America/New_York");
        assert_eq!(ny["dtstart_utc"], "2030-01-15T15:00:00+00:00");
        assert_eq!(ny["location"], "https://visio.example/ny");
        assert!(ny["description"].as_str().unwrap().ends_with("Online: https://visio.example/ny"));
        assert_eq!(event_with_uid(&cal, &fx.ap_id("annule"))["status"], "CANCELLED");
        assert_eq!(event_with_uid(&cal, REMOTE_AP_ID)["url"].as_str().map(|u| u.starts_with(fx.app.base.as_str())), Some(true));

        // Another language, when the entry has it; the default language otherwise.
        let uk = fx.calendar("/feeds/events.ics?lang=uk").await;
        assert_eq!(event_with_uid(&uk, &fx.ap_id("atelier"))["summary"], "Майстерня з резюме");
        assert_eq!(event_with_uid(&uk, &fx.ap_id("atelier"))["summary_lang"], "uk");
        assert_eq!(event_with_uid(&uk, &fx.ap_id("atelier"))["categories"], json!(["Пошук роботи"]));
        assert_eq!(event_with_uid(&uk, &fx.ap_id("annule"))["summary"], "Réunion annulée");

        // The organisation's calendar: its own events only.
        let org = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics")).await;
        assert_eq!(uids(&org), sorted(vec![fx.ap_id("atelier"), fx.ap_id("newyork"),
            fx.ap_id("annule"), fx.ap_id("retire")]));
        assert_eq!(org["name"], format!("Organisation {ORG} · events"));

        // An update through the API raises SEQUENCE and LAST-MODIFIED, same UID.
        let before = event_with_uid(&org, &fx.ap_id("atelier")).clone();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (status, json) = fx.api(Method::PATCH, &format!("/api/v1/events/{}", fx.ids["atelier"]),
            &fx.token, json!({"start_time": "2030-06-01T15:00:00+02:00",
                              "end_time": "2030-06-01T17:00:00+02:00"})).await;
        assert_eq!(status, StatusCode::OK, "{json:#}");
        let org = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics")).await;
        let after = event_with_uid(&org, &fx.ap_id("atelier"));
        assert_eq!(after["sequence"], 1);
        assert_eq!(after["dtstart"], "2030-06-01T15:00:00");
        assert!(after["last_modified"].as_str() > before["last_modified"].as_str(), "{after:#}");
        let (status, json) = fx.api(Method::PATCH, &format!("/api/v1/events/{}", fx.ids["atelier"]),
            &fx.token, json!({"status": "tentative"})).await;
        assert_eq!(status, StatusCode::OK, "{json:#}");
        let org = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics")).await;
        assert_eq!(event_with_uid(&org, &fx.ap_id("atelier"))["sequence"], 2);
        assert_eq!(event_with_uid(&org, &fx.ap_id("atelier"))["status"], "TENTATIVE");
    }
}

both_dbs! {
    async fn opening_hours_as_recurring_events(backend: Backend) {
        let fx = fixture(backend).await;
        let path = format!("/feeds/entries/{}/opening-hours.ics", fx.ids["permanence"]);
        let cal = fx.calendar(&path).await;
        assert_eq!(cal["name"], "Permanence emploi");
        let ap = fx.ap_id("permanence");
        assert_eq!(uids(&cal), vec![format!("{ap}#opening-hours-1"), format!("{ap}#opening-hours-2")]);
        let day = event_with_uid(&cal, &format!("{ap}#opening-hours-1"));
        assert_eq!(day["rrule"], "FREQ=WEEKLY;BYDAY=MO,WE");
        // 2030-01-01 is a Tuesday: the first opening is Wednesday 2 January, in Paris time.
        assert_eq!(day["dtstart"], "2030-01-02T09:00:00");
        assert_eq!(day["dtstart_tzid"], "Europe/Paris");
        assert_eq!(day["dtend"], "2030-01-02T12:00:00");
        assert_eq!(day["dtstart_utc"], "2030-01-02T08:00:00+00:00");
        assert_eq!(day["status"], "CONFIRMED");
        // The night opening ends the next morning; it stops at valid_to.
        let night = event_with_uid(&cal, &format!("{ap}#opening-hours-2"));
        assert_eq!(night["dtstart"], "2030-01-04T20:00:00");
        assert_eq!(night["dtend"], "2030-01-05T08:00:00");
        assert_eq!(night["rrule"], "FREQ=WEEKLY;UNTIL=20301231T225959Z;BYDAY=FR");
        assert!(night["description"].as_str().unwrap().ends_with("Nuit solidaire"));
        let en = fx.calendar(&format!("{path}?lang=en")).await;
        assert_eq!(event_with_uid(&en, &format!("{ap}#opening-hours-1"))["summary"], "Job desk");

        // On the organisation's calendar, on request only.
        let org = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics?include=opening_hours")).await;
        assert_eq!(uids(&org).len(), 6, "{org:#}");
        assert!(uids(&org).contains(&format!("{ap}#opening-hours-2")));
        let plain = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics")).await;
        assert_eq!(uids(&plain).len(), 4);

        // Not a service, unknown, removed: 404.
        for id in [fx.ids["atelier"].clone(), Uuid::now_v7().to_string(), "nope".into()] {
            let (status, _, _) = fx.fetch(&format!("/feeds/entries/{id}/opening-hours.ics")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        }
        let (status, json) = fx.api(Method::POST,
            &format!("/api/v1/admin/entries/{}/remove", fx.ids["permanence"]), &fx.moderator,
            json!({"reason": "test"})).await;
        assert_eq!(status, StatusCode::OK, "{json:#}");
        assert_eq!(fx.fetch(&path).await.0, StatusCode::NOT_FOUND);
        let org = fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics?include=opening_hours")).await;
        assert_eq!(uids(&org).len(), 4);
    }
}

both_dbs! {
    async fn conditional_requests_and_removal(backend: Backend) {
        let fx = fixture(backend).await;
        for path in ["/feeds/events.ics", "/feeds/entries.atom", "/feeds/entries.rss",
                     &format!("/feeds/organizations/{ORG}/events.ics")] {
            let (status, headers, _) = fx.fetch(path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(headers.contains_key(header::ETAG), "{path}");
            assert!(headers.contains_key(header::LAST_MODIFIED), "{path}");
            assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
        }
        let path = "/feeds/events.ics";
        let (_, headers, body) = fx.fetch(path).await;
        let etag = headers[header::ETAG].to_str().unwrap().to_string();
        let last_modified = headers[header::LAST_MODIFIED].to_str().unwrap().to_string();
        let conditional = |name: &'static str, value: String| {
            let client = fx.app.client.clone();
            let url = fx.app.url(path);
            async move {
                let resp = client.get(url).header(name, value).send().await.unwrap();
                let status = resp.status();
                let etag = resp.headers().get(header::ETAG).map(|v| v.to_str().unwrap().to_string());
                (status, etag, resp.text().await.unwrap())
            }
        };
        // Nothing changed: 304, empty body, same tag.
        let (status, tag, text) = conditional("If-None-Match", etag.clone()).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(tag.as_deref(), Some(etag.as_str()));
        assert!(text.is_empty());
        assert_eq!(conditional("If-Modified-Since", last_modified.clone()).await.0, StatusCode::NOT_MODIFIED);
        assert_eq!(conditional("If-None-Match", "\"other\"".into()).await.0, StatusCode::OK);
        // The same document twice: the same tag.
        let (_, again, body_again) = fx.fetch(path).await;
        assert_eq!(again[header::ETAG].to_str().unwrap(), etag);
        assert_eq!(body_again, body);

        // An update (HTTP dates have whole seconds: let one pass).
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (status, json) = fx.api(Method::PATCH, &format!("/api/v1/events/{}", fx.ids["newyork"]),
            &fx.token, json!({"name": {"en": "Webinar (new time)"}})).await;
        assert_eq!(status, StatusCode::OK, "{json:#}");
        let (status, new_tag, text) = conditional("If-None-Match", etag.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(text.contains("SUMMARY;LANGUAGE=en:Webinar (new time)"), "{text}");
        let new_tag = new_tag.unwrap();
        assert_ne!(new_tag, etag);
        assert_eq!(conditional("If-Modified-Since", last_modified.clone()).await.0, StatusCode::OK);
        assert_eq!(conditional("If-None-Match", new_tag.clone()).await.0, StatusCode::NOT_MODIFIED);

        // A moderator removes an entry: it disappears from every feed, and the tag changes.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (_, headers, _) = fx.fetch(path).await;
        let lm_before_removal = headers[header::LAST_MODIFIED].to_str().unwrap().to_string();
        let (status, json) = fx.api(Method::POST,
            &format!("/api/v1/admin/entries/{}/remove", fx.ids["retire"]), &fx.moderator,
            json!({"reason": "spam"})).await;
        assert_eq!(status, StatusCode::OK, "{json:#}");
        assert_eq!(conditional("If-None-Match", new_tag.clone()).await.0, StatusCode::OK);
        assert_eq!(conditional("If-Modified-Since", lm_before_removal).await.0, StatusCode::OK);
        let retire = fx.ap_id("retire");
        assert!(!uids(&fx.calendar(path).await).contains(&retire));
        assert!(!uids(&fx.calendar(&format!("/feeds/organizations/{ORG}/events.ics")).await).contains(&retire));
        let atom = fx.feed("/feeds/entries.atom", "application/atom+xml; charset=utf-8").await;
        assert!(atom["entries"].as_array().unwrap().iter().all(|e| e["id"] != retire.as_str()));
        // Deleted by its organisation: gone too.
        let resp = fx.app.client.delete(fx.app.url(&format!("/api/v1/events/{}", fx.ids["annule"])))
            .bearer_auth(&fx.token).send().await.unwrap();
        assert!(resp.status().is_success());
        assert!(!uids(&fx.calendar(path).await).contains(&fx.ap_id("annule")));
    }
}

both_dbs! {
    async fn atom_and_rss_feeds(backend: Backend) {
        let fx = fixture(backend).await;
        let atom = fx.feed("/feeds/entries.atom", "application/atom+xml; charset=utf-8").await;
        assert_eq!(atom["version"], "atom10");
        assert_eq!(atom["title"], "Test instance · new entries");
        assert_eq!(atom["link"], fx.app.base.as_str());
        let entries = atom["entries"].as_array().unwrap();
        // Every kind, local and federated; the cancelled event is hidden as in search.
        let ids: Vec<String> = entries.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(sorted(ids), sorted(vec![fx.ap_id("atelier"), fx.ap_id("newyork"),
            fx.ap_id("retire"), fx.ap_id("autre"), fx.ap_id("permanence"), REMOTE_AP_ID.into()]));
        let a = entries.iter().find(|e| e["id"] == fx.ap_id("atelier").as_str()).unwrap();
        assert_eq!(a["title"], "Atelier CV, lettres; entretiens");
        assert_eq!(a["link"], fx.ap_id("atelier"));
        assert_eq!(a["author"], format!("Organisation {ORG}"));
        assert_eq!(a["tags"], json!(["employment.job-search"]));
        assert!(a["summary"].as_str().unwrap().contains("Apportez votre CV"));
        assert!(a["updated"].as_str().is_some());
        // Newest first.
        assert_eq!(entries[0]["id"], REMOTE_AP_ID);

        let rss = fx.feed("/feeds/entries.rss?lang=en", "application/rss+xml; charset=utf-8").await;
        assert_eq!(rss["version"], "rss20");
        assert_eq!(rss["language"], "en");
        let titles: Vec<&str> = rss["entries"].as_array().unwrap().iter()
            .map(|e| e["title"].as_str().unwrap()).collect();
        assert!(titles.contains(&"Job desk"), "{titles:?}");
        assert!(titles.contains(&"Webinar from New York"), "{titles:?}");
        assert_eq!(rss["entries"].as_array().unwrap().len(), 6);
        let p = rss["entries"].as_array().unwrap().iter().find(|e| e["title"] == "Job desk").unwrap();
        assert_eq!(p["id"], fx.ap_id("permanence"));
        assert_eq!(p["link"], fx.ap_id("permanence"));

        // An organisation's feed.
        let org = fx.feed(&format!("/feeds/organizations/{OTHER}/entries.atom"), "application/atom+xml; charset=utf-8").await;
        let ids: Vec<&str> = org["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![fx.ap_id("autre")]);
        // A category feed includes its subcategories.
        let cat = fx.feed("/feeds/categories/employment/entries.rss", "application/rss+xml; charset=utf-8").await;
        let ids: Vec<String> = cat["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(sorted(ids), sorted(vec![fx.ap_id("atelier"), fx.ap_id("newyork"),
            fx.ap_id("retire"), fx.ap_id("permanence")]));
        let cat = fx.feed("/feeds/categories/language/entries.atom", "application/atom+xml; charset=utf-8").await;
        let ids: Vec<&str> = cat["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![REMOTE_AP_ID]);
        // A search feed with its filters.
        let s = fx.feed("/feeds/search.atom?kind=service", "application/atom+xml; charset=utf-8").await;
        let ids: Vec<&str> = s["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![fx.ap_id("permanence")]);
        let s = fx.feed("/feeds/search.rss?q=webinaire", "application/rss+xml; charset=utf-8").await;
        assert_eq!(s["entries"].as_array().unwrap().len(), 1);
        assert_eq!(s["entries"][0]["id"], fx.ap_id("newyork"));
        assert_eq!(s["title"], "Test instance · new entries · search “webinaire”");
    }
}

both_dbs! {
    async fn search_calendars_filters_and_errors(backend: Backend) {
        let fx = fixture(backend).await;
        // The search parameters narrow the calendar.
        let cal = fx.calendar("/feeds/search.ics?q=atelier").await;
        assert_eq!(uids(&cal), vec![fx.ap_id("atelier")]);
        let cal = fx.calendar("/feeds/search.ics?category=employment&from=2030-03-01").await;
        assert_eq!(uids(&cal), sorted(vec![fx.ap_id("atelier"), fx.ap_id("retire")]));
        let cal = fx.calendar("/feeds/search.ics?origin=remote.example").await;
        assert_eq!(uids(&cal), vec![REMOTE_AP_ID.to_string()]);
        let cal = fx.calendar("/feeds/search.ics?status=confirmed&to=2030-06-30").await;
        assert_eq!(uids(&cal), sorted(vec![fx.ap_id("atelier"), fx.ap_id("newyork"), REMOTE_AP_ID.into()]));
        let cal = fx.calendar("/feeds/search.ics?locality=Lyon").await;
        assert_eq!(uids(&cal), vec![REMOTE_AP_ID.to_string()]);
        // Opening hours of the services a search finds.
        let cal = fx.calendar("/feeds/search.ics?q=permanence&include=opening_hours").await;
        assert_eq!(cal["events"].as_array().unwrap().len(), 2, "{cal:#}");
        // Past events are left out by default, as in search (30 days back), unless asked.
        let cal = fx.calendar("/feeds/search.ics?from=2031-01-01").await;
        assert_eq!(uids(&cal), Vec::<String>::new());

        // Bad parameters: 422 naming each one.
        let fields = |json: &Value| -> Vec<String> {
            let mut v: Vec<String> = json["errors"].as_array().expect("errors").iter()
                .map(|e| e["field"].as_str().unwrap().to_string()).collect();
            v.sort();
            v
        };
        for (path, expected) in [
            ("/feeds/search.ics?category=nope&lang=%21%21&include=everything", vec!["category", "include", "lang"]),
            ("/feeds/events.ics?kind=service", vec!["kind"]),
            ("/feeds/search.atom?from=yesterday&per_page=500", vec!["from", "per_page"]),
            ("/feeds/entries.rss?include=opening_hours", vec!["include"]),
            (&format!("/feeds/organizations/{ORG}/events.ics?radius_km=3"), vec!["radius_km"]),
            (&format!("/feeds/entries/{}/opening-hours.ics?lang=x", fx.ids["permanence"]), vec!["lang"]),
        ] {
            let (status, _, body) = fx.fetch(path).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            let json: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(fields(&json), expected, "{path}: {json:#}");
        }
        // Unknown organisation or category: 404.
        for path in ["/feeds/organizations/nobody/events.ics", "/feeds/organizations/nobody/entries.atom",
                     "/feeds/categories/nope/entries.rss"] {
            assert_eq!(fx.fetch(path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
    }
}

both_dbs! {
    async fn pages_link_their_feeds(backend: Backend) {
        let fx = fixture(backend).await;
        let html = |path: String| {
            let client = fx.app.client.clone();
            let url = fx.app.url(&path);
            async move {
                let resp = client.get(url).header("Accept", "text/html").send().await.unwrap();
                assert_eq!(resp.status(), StatusCode::OK, "{path}");
                // The template engine escapes `/` and `&` in attributes.
                resp.text().await.unwrap().replace("&#x2f;", "/").replace("&amp;", "&")
            }
        };
        let base = fx.app.base.as_str().trim_end_matches('/').to_string();
        let home = html("/".into()).await;
        for (kind, href) in [("application/atom+xml", "/feeds/entries.atom"),
                             ("application/rss+xml", "/feeds/entries.rss"),
                             ("text/calendar", "/feeds/events.ics")] {
            let tag = format!("<link rel=\"alternate\" type=\"{kind}\"");
            let line = home.lines().find(|l| l.contains(&tag)).unwrap_or_else(|| panic!("{kind} in {home}"));
            assert!(line.contains(&format!("href=\"{base}{href}\"")), "{line}");
        }
        // A visible link to the instance's calendar.
        assert!(home.contains(&format!("<a href=\"{base}/feeds/events.ics\">")), "{home}");

        let org = html(format!("/o/{ORG}")).await;
        for href in ["entries.atom", "entries.rss", "events.ics"] {
            assert!(org.contains(&format!("href=\"{base}/feeds/organizations/{ORG}/{href}\"")), "{href}: {org}");
        }
        let topic = html("/t/employment".into()).await;
        assert!(topic.contains(&format!("type=\"application/atom+xml\" title=\"Employment (Atom)\" href=\"{base}/feeds/categories/employment/entries.atom\"")), "{topic}");
        assert!(topic.contains(&format!("type=\"text/calendar\" title=\"Employment: events\" href=\"{base}/feeds/search.ics?category=employment\"")), "{topic}");
        let city = html("/t/employment-lille".into()).await;
        assert!(city.contains(&format!("href=\"{base}/feeds/search.atom?category=employment&locality=Lille\"")), "{city}");
        // Each link gives a valid document.
        fx.feed("/feeds/search.atom?category=employment&locality=Lille", "application/atom+xml; charset=utf-8").await;
        fx.calendar("/feeds/search.ics?category=employment").await;
    }
}
