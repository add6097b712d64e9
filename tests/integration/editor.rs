//! Staff pages to publish: the entry forms (every field, several languages, validation
//! round trips, CSRF, who may), pictures (checked, resized, served, federated), the
//! organisation profile (federated as an Update) and the approval of followers.
use std::io::Cursor;

use passerelle::{
    accounts::{self, Role},
    db::entities::{entry, follower},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    both_dbs,
    federation_network::{
        activity_about, admin_token, api, create, create_service, event_body, follow_accepted,
        follows, listed_entry, wait_follow_state, wait_listed,
    },
    harness::*,
    web::{ORG, PASSWORD, Page, assert_security_headers, get, post},
};

const EDITOR: &str = "editor@accueil-lille.example";

/// An instance with the organisation, its editor, and a media directory of its own.
async fn editor_app(
    backend: Backend,
    tweak: impl FnOnce(&mut passerelle::config::Config),
) -> (TestApp, tempfile::TempDir) {
    let media = tempfile::tempdir().unwrap();
    let dir = media.path().to_path_buf();
    let app = TestApp::spawn_with(backend, |c| {
        c.media.dir = dir;
        tweak(c);
    })
    .await;
    app.create_org(ORG).await;
    accounts::create_user(&app.state.db, EDITOR, PASSWORD, Role::Editor, Some(ORG))
        .await
        .unwrap();
    (app, media)
}

/// Sign in through the form; the session cookie (a Cookie header value).
async fn sign_in(app: &TestApp, email: &str) -> String {
    let p = get(app, "/staff/login", &[]).await;
    let csrf = p.csrf_field();
    let cookie = format!(
        "psl_login_csrf={}",
        p.cookie_value("psl_login_csrf").unwrap()
    );
    let p = post(
        app,
        "/staff/login",
        Some(&cookie),
        &[
            ("email", email),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    format!("psl_session={}", p.cookie_value("psl_session").unwrap())
}

/// A page for a signed-in user.
async fn page(app: &TestApp, session: &str, path: &str) -> Page {
    get(app, path, &[("Cookie", session)]).await
}

/// Post a form with the page's CSRF token added.
async fn submit(
    app: &TestApp,
    session: &str,
    csrf: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Page {
    let mut f = form.to_vec();
    f.push(("csrf", csrf));
    post(app, path, Some(session), &f).await
}

/// Post a multipart form (with files: field, file name, content type, bytes).
async fn submit_multipart(
    app: &TestApp,
    session: &str,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, &str, &str, Vec<u8>)>,
) -> Page {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (field, name, mime, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .unwrap();
        form = form.part(field.to_string(), part);
    }
    let resp = app
        .client
        .post(app.url(path))
        .header("Cookie", session)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let raw = resp.text().await.unwrap();
    let text = html_escape::decode_html_entities(&raw).replace(['\u{2068}', '\u{2069}'], "");
    Page {
        status,
        headers,
        raw,
        text,
    }
}

async fn local_entries(app: &TestApp) -> u64 {
    entry::Entity::find()
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::DeletedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn only_entry(app: &TestApp) -> entry::Model {
    let rows = entry::Entity::find()
        .filter(entry::Column::Local.eq(true))
        .filter(entry::Column::DeletedAt.is_null())
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    rows.into_iter().next().unwrap()
}

async fn api_get(app: &TestApp, kind: &str, id: &str) -> (StatusCode, Value) {
    api(
        app,
        Method::GET,
        &format!("/api/v1/{kind}/{id}"),
        None,
        None,
    )
    .await
}

fn png(w: u32, h: u32, noise: bool) -> Vec<u8> {
    let mut seed = 12345u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        if noise {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            image::Rgb([(seed >> 16) as u8, (seed >> 8) as u8, seed as u8])
        } else {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        }
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn has_field(p: &Page, name: &str) {
    let id = name.replace('.', "-");
    assert!(
        p.text.contains(&format!(r#"name="{name}""#)),
        "no field {name}"
    );
    assert!(p.text.contains(&format!(r#"id="{id}""#)), "no id {id}");
    assert!(
        p.text.contains(&format!(r#"<label for="{id}">"#)),
        "no label for {id}"
    );
}

/// The error paragraph beside a field, with its text.
fn error_beside(p: &Page, field: &str, text: &str) {
    let id = field.replace('.', "-");
    let want = format!(r#"<p class="field-error" id="{id}-error">"#);
    let at = p
        .text
        .find(&want)
        .unwrap_or_else(|| panic!("no error beside {field}: {}", p.text));
    let rest = &p.text[at + want.len()..];
    let msg = &rest[..rest.find("</p>").unwrap()];
    assert!(
        msg.contains(text),
        "error beside {field} is {msg:?}, not {text:?}"
    );
    let described = p
        .text
        .contains(&format!(r#"aria-describedby="{id}-error""#))
        || p.text
            .contains(&format!(r#"aria-describedby="{id}-hint {id}-error""#));
    assert!(described, "{field} not described by its error");
}

// ---------------------------------------------------------------------------------------------
// Pages, CSRF, who may
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn entry_pages_render_every_field_and_refuse_strangers(backend: Backend) {
        let (app, _media) = editor_app(backend, |_| {}).await;
        // Not signed in: to the sign-in form.
        for path in ["/staff/entries", "/staff/entries/new/service", &format!("/staff/orgs/{ORG}/profile"), &format!("/staff/orgs/{ORG}/followers")] {
            let p = get(&app, path, &[]).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(p.location(), "/staff/login");
        }
        let s = sign_in(&app, EDITOR).await;

        // The dashboard links the pages.
        let p = page(&app, &s, "/staff").await;
        for href in [format!("/staff/entries?org={ORG}"), format!("/staff/orgs/{ORG}/profile"), format!("/staff/orgs/{ORG}/followers")] {
            assert!(p.text.contains(&format!(r#"href="{href}""#)), "{href}: {}", p.text);
        }
        let p = page(&app, &s, "/staff/entries").await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert_security_headers("/staff/entries", &p);
        assert_eq!(p.headers["cache-control"], "no-store");
        for k in ["service", "event", "offer"] {
            assert!(p.text.contains(&format!(r#"href="/staff/entries/new/{k}?org={ORG}""#)), "{}", p.text);
        }

        // Every field of the model, labelled.
        let p = page(&app, &s, "/staff/entries/new/service").await;
        assert_eq!(p.status, 200, "{}", p.text);
        for f in [
            "name.fr", "alternate_name.fr", "description.fr", "status", "languages", "url", "email",
            "online_url", "phones.0.number", "phones.0.extension", "phones.0.type", "phones.0.languages",
            "locations.0.name.fr", "locations.0.street_address", "locations.0.postal_code",
            "locations.0.locality", "locations.0.region", "locations.0.country", "locations.0.latitude",
            "locations.0.longitude", "locations.0.precision", "locations.0.accessibility.fr",
            "locations.0.transportation.fr", "schedules.0.opens_at", "schedules.0.closes_at",
            "schedules.0.timezone", "schedules.0.valid_from", "schedules.0.valid_to", "schedules.0.notes.fr",
            "schedules.1.opens_at", "eligibility.fr", "minimum_age", "maximum_age", "free", "fees_description.fr",
            "application_process.fr", "required_documents.fr", "interpretation_available",
            "service_area.fr", "last_verified", "safety.do_not_federate", "add_lang",
        ] {
            has_field(&p, f);
        }
        assert!(p.text.contains(r#"id="categories-legal-asylum" name="categories" type="checkbox" value="legal.asylum""#), "{}", p.text);
        assert!(p.text.contains(r#"<label for="categories-legal-asylum">"#));
        assert!(p.text.contains(r#"id="schedules-0-byday-MO" name="schedules.0.byday" type="checkbox" value="MO""#));
        assert!(p.text.contains(r#"<option value="city">The town only</option>"#), "{}", p.text);
        let p = page(&app, &s, "/staff/entries/new/event?lang=fr").await;
        assert_eq!(p.status, 200, "{}", p.text);
        for f in [
            "name.fr", "description.fr", "status", "languages", "start_time", "end_time", "timezone",
            "location.name.fr", "location.street_address", "location.locality", "location.country",
            "location.latitude", "location.longitude", "location.precision", "online_url", "join_mode",
            "registration_url", "capacity", "remaining_places", "contact", "banner", "banner_url",
            "safety.do_not_federate",
        ] {
            has_field(&p, f);
        }
        assert!(p.text.contains(r#"enctype="multipart/form-data""#));
        assert!(p.text.contains(r#"type="datetime-local""#));
        assert!(p.text.contains("Nouveau : Événement"), "{}", p.text);
        assert!(p.text.contains(r#"<option value="confirmed" selected>"#), "{}", p.text);
        let p = page(&app, &s, "/staff/entries/new/offer").await;
        for f in ["name.fr", "description.fr", "status", "languages", "area.kind", "area.locality", "area.region", "area.country", "availability.times.fr", "availability.until", "requirements.fr", "safety.do_not_federate"] {
            has_field(&p, f);
        }
        assert!(p.text.contains(r#"name="help_types" type="checkbox" value="accompaniment""#), "{}", p.text);
        assert!(p.text.contains(r#"name="availability.days" type="checkbox" value="SA""#));
        assert_eq!(page(&app, &s, "/staff/entries/new/nonsense").await.status, 404);

        // Without the CSRF token, or with another one: 403, nothing stored.
        let good = [("name.fr", "Permanence"), ("description.fr", "Conseils"), ("categories", "legal"), ("languages", "fr"), ("online_url", "https://example.org/visio"), ("text_langs", "fr")];
        for bad in [None, Some("forged")] {
            let mut f = good.to_vec();
            if let Some(b) = bad {
                f.push(("csrf", b));
            }
            let p = post(&app, "/staff/entries/new/service", Some(&s), &f).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{bad:?}");
            assert!(p.text.contains("This form cannot be accepted"), "{}", p.text);
        }
        assert_eq!(local_entries(&app).await, 0);

        // A moderator of no organisation, an editor of another: 403 everywhere here.
        app.create_org("rhein-hilfe").await;
        accounts::create_user(&app.state.db, "mod@example.org", PASSWORD, Role::Moderator, None).await.unwrap();
        accounts::create_user(&app.state.db, "other@example.org", PASSWORD, Role::Editor, Some("rhein-hilfe")).await.unwrap();
        let token = accounts::create_token(&app.state.db, EDITOR).await.unwrap();
        let (status, created) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(json!({
            "organization": ORG, "name": "Permanence", "description": "Conseils", "categories": ["legal"],
            "languages": ["fr"], "online_url": "https://example.org/visio"
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap();
        for who in ["mod@example.org", "other@example.org"] {
            let s2 = sign_in(&app, who).await;
            let csrf = page(&app, &s2, "/staff").await.csrf_field();
            for path in [
                format!("/staff/entries?org={ORG}"),
                format!("/staff/entries/new/service?org={ORG}"),
                format!("/staff/entries/{id}/edit"),
                format!("/staff/entries/{id}/delete"),
                format!("/staff/orgs/{ORG}/profile"),
                format!("/staff/orgs/{ORG}/followers"),
            ] {
                let p = page(&app, &s2, &path).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{who} {path}: {}", p.text);
                assert!(p.text.contains("Not allowed"), "{}", p.text);
            }
            let p = submit(&app, &s2, &csrf, &format!("/staff/entries/{id}/delete"), &[]).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
            let p = submit(&app, &s2, &csrf, &format!("/staff/entries/new/service?org={ORG}"), &good).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
            let p = submit(&app, &s2, &csrf, &format!("/staff/orgs/{ORG}/profile"), &[("name", "Pirates")]).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
        }
        assert_eq!(local_entries(&app).await, 1);
        assert_eq!(api_get(&app, "services", id).await.0, StatusCode::OK);
        assert_eq!(accounts::find_org(&app.state.db, ORG).await.unwrap().unwrap().name, format!("Organisation {ORG}"));

        // An administrator picks the organisation.
        accounts::create_user(&app.state.db, "admin@example.org", PASSWORD, Role::Admin, None).await.unwrap();
        let sa = sign_in(&app, "admin@example.org").await;
        let p = page(&app, &sa, "/staff/entries?org=rhein-hilfe").await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(r#"<option value="rhein-hilfe" selected>"#), "{}", p.text);
        let p = page(&app, &sa, "/staff/entries/new/service?org=rhein-hilfe").await;
        assert!(p.text.contains(r#"<select id="organization" name="organization">"#), "{}", p.text);
        let csrf = p.csrf_field();
        let p = submit(&app, &sa, &csrf, "/staff/entries/new/service", &[("organization", "rhein-hilfe"), ("name.de", "Beratung"), ("description.de", "Rechtsberatung"), ("categories", "legal"), ("languages", "de"), ("online_url", "https://example.org/b"), ("text_langs", "de")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(p.location(), "/staff/entries?org=rhein-hilfe&done=created");
        let (_, list) = api(&app, Method::GET, "/api/v1/services", None, None).await;
        let mine: Vec<&Value> = list["items"].as_array().unwrap().iter().filter(|e| e["organization"] == "rhein-hilfe").collect();
        assert_eq!(mine.len(), 1, "{list:#}");
        assert_eq!(mine[0]["name"], json!({"de": "Beratung"}));
    }
}

// ---------------------------------------------------------------------------------------------
// A service: validation round trip, then create, edit and delete
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn service_round_trip_create_edit_delete(backend: Backend) {
        let (app, _media) = editor_app(backend, |_| {}).await;
        let s = sign_in(&app, EDITOR).await;
        let p = page(&app, &s, "/staff/entries/new/service").await;
        let csrf = p.csrf_field();

        // Add Arabic: the same form comes back with a column for it, nothing saved.
        let p = submit(&app, &s, &csrf, "/staff/entries/new/service", &[
            ("text_langs", "fr"), ("name.fr", "Permanence juridique"), ("action", "add_lang"), ("add_lang", "AR"),
        ]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        has_field(&p, "name.ar");
        has_field(&p, "description.ar");
        has_field(&p, "locations.0.name.ar");
        assert!(p.text.contains(r#"value="Permanence juridique""#));
        let p = submit(&app, &s, &csrf, "/staff/entries/new/service", &[("text_langs", "fr"), ("action", "add_lang"), ("add_lang", "not a language")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "add_lang", "This is not a language code");
        assert_eq!(local_entries(&app).await, 0);

        // Bad input: 422, each error beside its field, everything typed kept, nothing stored.
        let bad = [
            ("text_langs", "fr"), ("text_langs", "ar"),
            ("name.fr", "Permanence juridique"), ("name.ar", "استشارة قانونية"),
            ("description.fr", ""), ("languages", "fr, xx-!!"),
            ("email", "pas-une-adresse"),
            ("locations.0.street_address", "12 rue Solférino"), ("locations.0.locality", "Lille"),
            ("locations.0.latitude", "nord"), ("locations.0.longitude", "3.06"), ("locations.0.precision", "street"),
            ("locations.1.precision", "exact"),
            ("locations.2.locality", "Roubaix"), ("locations.2.country", "Frankreich"),
            ("schedules.0.byday", "MO"), ("schedules.0.byday", "WE"), ("schedules.0.opens_at", "09:00"),
            ("schedules.0.closes_at", "25:00"), ("schedules.0.timezone", "Europe/Paris"),
            ("schedules.1.timezone", "Europe/Paris"),
            ("minimum_age", "18"), ("maximum_age", "16"), ("free", "true"),
        ];
        let p = submit(&app, &s, &csrf, "/staff/entries/new/service", &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        error_beside(&p, "description", "Fill in this field.");
        error_beside(&p, "categories", "Fill in this field.");
        error_beside(&p, "languages", "This is not a language code");
        error_beside(&p, "email", "This is not an email address.");
        error_beside(&p, "locations.0.latitude", "a latitude from -90 to 90");
        // The third row of the form (the second was empty) keeps its own place for errors.
        error_beside(&p, "locations.2.country", "two-letter country code");
        error_beside(&p, "schedules.0.closes_at", "Give a time such as 09:30.");
        error_beside(&p, "maximum_age", "must not be less than the minimum age");
        assert!(p.text.contains(r#"class="error-summary""#) && p.text.contains(r##"href="#locations-0-latitude""##));
        for kept in [r#"value="nord""#, r#"value="pas-une-adresse""#, r#"value="Frankreich""#, r#"value="fr, xx-!!""#, r#"value="25:00""#, "استشارة قانونية", r#"value="Roubaix""#] {
            assert!(p.text.contains(kept), "{kept} not kept: {}", p.text);
        }
        assert!(p.text.contains(r#"id="schedules-0-byday-WE" name="schedules.0.byday" type="checkbox" value="WE" checked"#));
        assert!(p.text.contains(r#"<option value="street" selected>"#));
        assert!(p.text.contains(r#"id="free" name="free" type="checkbox" value="true" checked"#));
        assert_eq!(local_entries(&app).await, 0);
        // In the reader's language.
        let p = submit(&app, &s, &csrf, "/staff/entries/new/service?lang=fr", &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "schedules.0.closes_at", "Indiquez une heure comme 09:30.");
        error_beside(&p, "description", "Remplissez ce champ.");
        assert!(p.text.contains("Certains champs sont à corriger"));

        // Fixed: 303 to the list, and the entry is in the API as typed.
        let good = [
            ("text_langs", "fr"), ("text_langs", "ar"),
            ("name.fr", "Permanence juridique"), ("name.ar", "استشارة قانونية"),
            ("alternate_name.fr", "PJ"),
            ("description.fr", "Conseils gratuits\n\nsur le droit d'asile."), ("description.ar", "استشارات مجانية"),
            ("status", "active"), ("categories", "legal"), ("categories", "legal.asylum"),
            ("languages", "fr, ar en"), ("url", "https://example.org/pj"), ("email", "pj@example.org"),
            ("online_url", ""),
            ("phones.0.number", "+33 3 20 00 00 00"), ("phones.0.type", "voice"), ("phones.0.languages", "fr, ar"),
            ("phones.1.type", ""),
            ("locations.0.name.fr", "Maison des associations"),
            ("locations.0.street_address", "12 rue Solférino"), ("locations.0.postal_code", "59000"),
            ("locations.0.locality", "Lille"), ("locations.0.country", "fr"),
            ("locations.0.latitude", "50.6292"), ("locations.0.longitude", "3,0573"), ("locations.0.precision", "street"),
            ("locations.0.accessibility.fr", "Rez-de-chaussée"), ("locations.0.transportation.ar", "المترو"),
            ("locations.1.precision", "exact"),
            ("schedules.0.byday", "MO"), ("schedules.0.byday", "WE"), ("schedules.0.opens_at", "09:00"),
            ("schedules.0.closes_at", "12:30"), ("schedules.0.timezone", "Europe/Paris"),
            ("schedules.0.valid_from", "2026-01-01"), ("schedules.0.notes.fr", "Sans rendez-vous"),
            ("schedules.1.timezone", "Europe/Paris"),
            ("eligibility.fr", "Demandeurs d'asile"), ("minimum_age", "18"), ("free", "true"),
            ("application_process.fr", "Venir sur place"), ("required_documents.fr", "Une pièce d'identité"),
            ("interpretation_available", "true"), ("service_area.fr", "Métropole lilloise"),
            ("last_verified", "2026-11-01"),
        ];
        let p = submit(&app, &s, &csrf, "/staff/entries/new/service", &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(p.location(), format!("/staff/entries?org={ORG}&done=created"));
        let row = only_entry(&app).await;
        let id = row.id.to_string();
        let (status, e) = api_get(&app, "services", &id).await;
        assert_eq!(status, 200);
        assert_eq!(e["name"], json!({"fr": "Permanence juridique", "ar": "استشارة قانونية"}), "{e:#}");
        assert_eq!(e["alternate_name"], json!({"fr": "PJ"}));
        assert_eq!(e["description"]["fr"], "Conseils gratuits\n\nsur le droit d'asile.");
        assert_eq!(e["categories"], json!(["legal", "legal.asylum"]));
        assert_eq!(e["languages"], json!(["fr", "ar", "en"]));
        assert_eq!(e["phones"], json!([{"number": "+33 3 20 00 00 00", "type": "voice", "languages": ["fr", "ar"]}]));
        assert_eq!(e["locations"].as_array().unwrap().len(), 1, "{e:#}");
        // Public view: the street without its number, coordinates rounded.
        assert_eq!(e["locations"][0]["street_address"], "rue Solférino");
        assert_eq!(e["locations"][0]["latitude"], 50.629);
        assert_eq!(e["locations"][0]["country"], "FR");
        assert_eq!(e["locations"][0]["transportation"], json!({"ar": "المترو"}));
        assert_eq!(e["schedules"], json!([{"byday": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:30", "valid_from": "2026-01-01", "timezone": "Europe/Paris", "notes": {"fr": "Sans rendez-vous"}}]));
        assert_eq!(e["minimum_age"], 18);
        assert_eq!(e["free"], true);
        assert_eq!(e["interpretation_available"], true);
        assert_eq!(e["last_verified"], "2026-11-01");
        assert_eq!(e["eligibility"], json!({"fr": "Demandeurs d'asile"}));
        // The whole record keeps the exact place.
        let full = passerelle::directory::store::parse(&row).unwrap();
        assert_eq!(full.locations()[0].street_address.as_deref(), Some("12 rue Solférino"));
        assert_eq!(full.locations()[0].longitude, Some(3.0573));
        // The list and the public page show it.
        let p = page(&app, &s, &format!("/staff/entries?org={ORG}&done=created")).await;
        assert!(p.text.contains("The entry has been published.") && p.text.contains(">Permanence juridique<"), "{}", p.text);
        assert!(p.text.contains(&format!(r#"href="/staff/entries/{id}/edit""#)));
        let public = get(&app, &format!("/services/{id}?lang=fr"), &[]).await;
        assert_eq!(public.status, 200);
        assert!(public.text.contains("Permanence juridique"), "{}", public.text);
        assert!(public.text.contains("Demandeurs d'asile"), "{}", public.text);

        // Edit: the form holds every value of the record.
        let p = page(&app, &s, &format!("/staff/entries/{id}/edit")).await;
        assert_eq!(p.status, 200, "{}", p.text);
        for v in [r#"value="12 rue Solférino""#, r#"value="3.0573""#, r#"value="fr, ar, en""#, r#"value="2026-11-01""#, "Conseils gratuits\n\nsur le droit d'asile.", r#"value="Sans rendez-vous""#, "المترو", r#"value="+33 3 20 00 00 00""#] {
            assert!(p.text.contains(v), "{v} missing: {}", p.text);
        }
        assert!(p.text.contains(r#"value="legal.asylum" checked"#));
        assert!(p.text.contains(r#"name="text_langs" value="ar""#));
        has_field(&p, "locations.1.locality");
        // Removing a language drops its texts from the form (not from the entry yet).
        let mut edit: Vec<(String, String)> = good.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        edit.retain(|(k, _)| k != "name.fr");
        edit.push(("name.fr".into(), "Permanence juridique gratuite".into()));
        edit.push(("maximum_age".into(), "99".into()));
        edit.push(("safety.do_not_federate".into(), "true".into()));
        let pairs: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let p = submit(&app, &s, &csrf, &format!("/staff/entries/{id}/edit"), &pairs).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let (_, e) = api_get(&app, "services", &id).await;
        assert_eq!(e["name"]["fr"], "Permanence juridique gratuite");
        assert_eq!(e["maximum_age"], 99);
        assert_eq!(e["safety"]["do_not_federate"], true);
        // A bad edit changes nothing.
        let mut worse = pairs.clone();
        worse.retain(|(k, _)| *k != "name.fr" && *k != "name.ar");
        let p = submit(&app, &s, &csrf, &format!("/staff/entries/{id}/edit"), &worse).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "name", "Fill in this field.");
        assert_eq!(api_get(&app, "services", &id).await.1["name"]["fr"], "Permanence juridique gratuite");

        // Delete: a confirmation page first, then gone from the API and the public page.
        let p = page(&app, &s, &format!("/staff/entries/{id}/delete")).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains("Delete this entry?") && p.text.contains("Permanence juridique gratuite"));
        assert!(p.text.contains(&format!(r#"action="/staff/entries/{id}/delete""#)));
        assert_eq!(post(&app, &format!("/staff/entries/{id}/delete"), Some(&s), &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api_get(&app, "services", &id).await.0, StatusCode::OK);
        let p = submit(&app, &s, &csrf, &format!("/staff/entries/{id}/delete"), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), format!("/staff/entries?org={ORG}&done=deleted"));
        assert_eq!(api_get(&app, "services", &id).await.0, StatusCode::GONE);
        assert_eq!(get(&app, &format!("/services/{id}"), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(page(&app, &s, &format!("/staff/entries/{id}/edit")).await.status, StatusCode::NOT_FOUND);
        let p = page(&app, &s, &format!("/staff/entries?org={ORG}")).await;
        assert!(!p.text.contains("Permanence juridique gratuite"));
    }
}

// ---------------------------------------------------------------------------------------------
// An event in two languages, an end before its start, a banner; an offer
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn event_in_two_languages_with_a_banner_and_an_offer(backend: Backend) {
        let (app, _media) = editor_app(backend, |_| {}).await;
        let s = sign_in(&app, EDITOR).await;
        let csrf = page(&app, &s, "/staff/entries/new/event").await.csrf_field();
        let mut event = vec![
            ("csrf", csrf.as_str()), ("text_langs", "fr"), ("text_langs", "uk"),
            ("name.fr", "Atelier CV"), ("name.uk", "Майстерня резюме"),
            ("description.fr", "Préparer son CV."), ("description.uk", "Підготовка резюме."),
            ("status", "confirmed"), ("categories", "employment"), ("languages", "fr, uk"),
            ("start_time", "2026-12-05T14:00"), ("end_time", "2026-12-05T13:00"), ("timezone", "Europe/Paris"),
            ("location.name.fr", "Centre social"), ("location.locality", "Lille"), ("location.country", "FR"),
            ("location.precision", "city"),
            ("join_mode", "registration"), ("registration_url", "https://example.org/inscription"),
            ("capacity", "12"), ("remaining_places", "5"), ("contact", "ateliers@example.org"),
        ];
        let p = submit_multipart(&app, &s, "/staff/entries/new/event", &event, vec![]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        error_beside(&p, "end_time", "The end must be after the start.");
        assert!(p.text.contains(r#"value="2026-12-05T13:00""#) && p.text.contains("Майстерня резюме"));
        assert_eq!(local_entries(&app).await, 0);
        // A time that does not exist in Paris (clocks go forward).
        event.retain(|(k, _)| *k != "end_time");
        event.push(("end_time", "2027-03-28T02:30"));
        let p = submit_multipart(&app, &s, "/staff/entries/new/event", &event, vec![]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "end_time", "exist in this time zone");

        // Fixed, with a banner twice the allowed width.
        event.retain(|(k, _)| *k != "end_time");
        event.push(("end_time", "2026-12-05T16:00"));
        let p = submit_multipart(&app, &s, "/staff/entries/new/event", &event, vec![("banner", "cv.png", "image/png", png(2400, 800, false))]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let row = only_entry(&app).await;
        let id = row.id.to_string();
        let (_, e) = api_get(&app, "events", &id).await;
        assert_eq!(e["name"], json!({"fr": "Atelier CV", "uk": "Майстерня резюме"}), "{e:#}");
        assert_eq!(e["start_time"], "2026-12-05T14:00:00+01:00");
        assert_eq!(e["end_time"], "2026-12-05T16:00:00+01:00");
        assert_eq!(e["join_mode"], "registration");
        assert_eq!(e["capacity"], 12);
        assert_eq!(e["location"]["precision"], "city");
        let banner = e["banner_url"].as_str().expect("a banner").to_string();
        assert!(banner.starts_with(app.url("/media/").as_str()), "{banner}");
        let resp = app.client.get(&banner).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "image/png");
        assert!(resp.headers()["cache-control"].to_str().unwrap().contains("max-age"));
        let img = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (1200, 400));
        // In the ActivityPub object and on the public page.
        let obj: Value = app.get_ap(&row.ap_id).await.json().await.unwrap();
        assert_eq!(obj["image"]["url"], banner.as_str(), "{obj:#}");
        assert_eq!(obj["image"]["mediaType"], "image/png");
        let public = get(&app, &format!("/events/{id}?lang=uk"), &[]).await;
        assert!(public.text.contains(&format!(r#"<img class="banner" src="{banner}""#)), "{}", public.text);
        assert!(public.text.contains("Майстерня резюме"));

        // The edit form shows the times in the event's zone; a new text file is refused.
        let p = page(&app, &s, &format!("/staff/entries/{id}/edit")).await;
        assert!(p.text.contains(r#"value="2026-12-05T14:00""#) && p.text.contains(&format!(r#"value="{banner}""#)), "{}", p.text);
        let mut edit: Vec<(&str, &str)> = event.clone();
        edit.push(("banner_url", banner.as_str()));
        let p = submit_multipart(&app, &s, &format!("/staff/entries/{id}/edit"), &edit, vec![("banner", "photo.png", "image/png", b"just some text, not a picture".to_vec())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        error_beside(&p, "banner", "not a PNG, JPEG or WebP picture");
        let mut broken = png(300, 300, true);
        broken.truncate(broken.len() / 2);
        let p = submit_multipart(&app, &s, &format!("/staff/entries/{id}/edit"), &edit, vec![("banner", "photo.png", "image/png", broken)]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "banner", "damaged");
        assert_eq!(api_get(&app, "events", &id).await.1["banner_url"], banner.as_str());

        // An offer.
        let csrf = page(&app, &s, "/staff/entries/new/offer").await.csrf_field();
        let p = submit(&app, &s, &csrf, "/staff/entries/new/offer", &[
            ("text_langs", "fr"), ("name.fr", "Accompagnement aux rendez-vous"), ("description.fr", "Une bénévole vous accompagne."),
            ("help_types", "accompaniment"), ("help_types", "interpretation"), ("languages", "fr, ar"),
            ("area.kind", "city"), ("area.locality", "Lille"), ("area.country", "FR"),
            ("availability.days", "SA"), ("availability.times.fr", "après-midi"), ("availability.until", "2027-06-30"),
            ("requirements.fr", "Formation suivie"), ("status", "active"),
        ]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let (_, list) = api(&app, Method::GET, "/api/v1/offers", None, None).await;
        let o = &list["items"][0];
        assert_eq!(o["help_types"], json!(["accompaniment", "interpretation"]), "{o:#}");
        assert_eq!(o["area"], json!({"kind": "city", "locality": "Lille", "country": "FR"}));
        assert_eq!(o["availability"], json!({"days": ["SA"], "times": {"fr": "après-midi"}, "until": "2027-06-30"}));
        assert_eq!(o["requirements"], json!({"fr": "Formation suivie"}));
    }
}

// ---------------------------------------------------------------------------------------------
// Edits reach followers
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn an_edit_on_the_staff_pages_reaches_a_following_instance(backend: Backend) {
        let (a, _media) = editor_app(backend, |_| {}).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        follow_accepted(&b, &tb, &a, &ta).await;

        let s = sign_in(&a, EDITOR).await;
        let csrf = page(&a, &s, "/staff/entries/new/service").await.csrf_field();
        let mut form = vec![
            ("text_langs", "fr"), ("name.fr", "Banque alimentaire"), ("description.fr", "Colis chaque semaine."),
            ("categories", "food"), ("languages", "fr"), ("locations.0.locality", "Lille"), ("locations.0.country", "FR"),
            ("locations.0.precision", "city"),
        ];
        let p = submit(&a, &s, &csrf, "/staff/entries/new/service", &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let row = only_entry(&a).await;
        wait_listed(&b, "services", &row.ap_id, |e| e["name"]["fr"] == "Banque alimentaire").await;

        form.retain(|(k, _)| *k != "name.fr");
        form.push(("name.fr", "Banque alimentaire du samedi"));
        let p = submit(&a, &s, &csrf, &format!("/staff/entries/{}/edit", row.id), &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let got = wait_listed(&b, "services", &row.ap_id, |e| e["name"]["fr"] == "Banque alimentaire du samedi").await;
        assert_eq!(got["origin"]["domain"], a.domain.as_str());
        activity_about(&a, "Update", &row.ap_id).await;

        let p = submit(&a, &s, &csrf, &format!("/staff/entries/{}/delete", row.id), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        eventually(30, || async { listed_entry(&b, "services", &row.ap_id).await.is_none().then_some(()) })
            .await
            .expect("the deletion reaches the follower");
    }
}

// ---------------------------------------------------------------------------------------------
// Organisation profile, logo, followers
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn profile_logo_and_follower_approval(backend: Backend) {
        let (a, media) = editor_app(backend, |c| c.media.max_upload_bytes = 200_000).await;
        let b = TestApp::spawn(backend).await;
        let tb = admin_token(&b).await;
        let s = sign_in(&a, EDITOR).await;
        let p = page(&a, &s, &format!("/staff/orgs/{ORG}/profile")).await;
        assert_eq!(p.status, 200, "{}", p.text);
        for f in ["name", "summary.fr", "website", "email", "phone", "address", "languages", "manually_approves_followers", "logo", "add_lang"] {
            has_field(&p, f);
        }
        assert!(p.text.contains("Accueil et orientation des personnes exilées"));
        let csrf = p.csrf_field();
        let path = format!("/staff/orgs/{ORG}/profile");
        let fields = |extra: &[(&'static str, &'static str)]| {
            let mut f: Vec<(&str, &str)> = vec![
                ("text_langs", "fr"), ("text_langs", "en"),
                ("name", "Accueil Lille"), ("summary.fr", "Accueil et orientation."), ("summary.en", "Welcome and guidance."),
                ("website", "https://accueil-lille.example/"), ("email", "contact@accueil-lille.example"),
                ("phone", "+33 3 20 00 00 01"), ("address", "12 rue Solférino, Lille"), ("languages", "fr, ar, en, uk"),
                ("manually_approves_followers", "true"),
            ];
            f.extend_from_slice(extra);
            f
        };
        // CSRF, then bad input kept beside the fields.
        let p = submit_multipart(&a, &s, &path, &fields(&[]), vec![]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let mut with = fields(&[("website", "accueil-lille"), ("languages", "fr, ???")]);
        with.retain(|(k, v)| !((*k == "website" && v.starts_with("https")) || (*k == "languages" && *v == "fr, ar, en, uk")));
        with.push(("csrf", csrf.as_str()));
        let p = submit_multipart(&a, &s, &path, &with, vec![]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        error_beside(&p, "website", "https://");
        error_beside(&p, "languages", "not a language code");
        assert!(p.text.contains(r#"value="accueil-lille""#) && p.text.contains("Welcome and guidance."));
        // Pictures: text named .png, too big, damaged.
        let mut ok = fields(&[]);
        ok.push(("csrf", csrf.as_str()));
        let p = submit_multipart(&a, &s, &path, &ok, vec![("logo", "logo.png", "image/png", b"hello".repeat(100))]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "logo", "not a PNG, JPEG or WebP picture");
        let big = png(600, 600, true);
        assert!(big.len() > 200_000, "{}", big.len());
        let p = submit_multipart(&a, &s, &path, &ok, vec![("logo", "logo.png", "image/png", big)]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "logo", "too big");
        let mut broken = png(100, 100, false);
        broken.truncate(broken.len() - 40);
        let p = submit_multipart(&a, &s, &path, &ok, vec![("logo", "logo.png", "image/png", broken)]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        error_beside(&p, "logo", "damaged");
        assert_eq!(std::fs::read_dir(media.path()).map(|d| d.count()).unwrap_or(0), 0, "nothing written");
        let org = accounts::find_org(&a.state.db, ORG).await.unwrap().unwrap();
        assert_eq!(org.name, format!("Organisation {ORG}"));

        // Saved: resized logo, served, in the actor document; an Update for followers.
        let p = submit_multipart(&a, &s, &path, &ok, vec![("logo", "logo.png", "image/png", png(1000, 500, false))]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(p.location(), format!("/staff/orgs/{ORG}/profile?done=saved"));
        let actor_url = a.state.urls.org(ORG).to_string();
        let actor: Value = a.get_ap(&actor_url).await.json().await.unwrap();
        assert_eq!(actor["name"], "Accueil Lille");
        assert_eq!(actor["manuallyApprovesFollowers"], true);
        assert_eq!(actor["summaryMap"]["en"], "<p>Welcome and guidance.</p>");
        let icon = actor["icon"]["url"].as_str().expect("icon").to_string();
        let resp = a.client.get(&icon).send().await.unwrap();
        assert_eq!(resp.headers()["content-type"], "image/png");
        let img = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (400, 200));
        let update = activity_about(&a, "Update", &actor_url).await;
        let doc: Value = serde_json::from_str(&update.json).unwrap();
        assert_eq!(doc["object"]["icon"]["url"], icon.as_str());
        let public = get(&a, &format!("/o/{ORG}"), &[]).await;
        assert!(public.text.contains(&format!(r#"src="{icon}""#)), "{}", public.text);
        let p = page(&a, &s, &format!("/staff/orgs/{ORG}/profile?done=saved")).await;
        assert!(p.text.contains(r#"id="manually_approves_followers" name="manually_approves_followers" type="checkbox" value="true" checked"#), "{}", p.text);
        assert!(p.text.contains(r#"value="fr, ar, en, uk""#));

        // B's instance asks to follow the organisation: it waits for approval.
        let (status, json) = api(&b, Method::POST, "/api/v1/admin/instance-follows", Some(&tb), Some(json!({"target": actor_url}))).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        let follow_id = json["id"].as_str().unwrap().to_string();
        let pending = eventually(30, || async {
            follower::Entity::find()
                .filter(follower::Column::LocalActorApId.eq(actor_url.as_str()))
                .one(&a.state.db)
                .await
                .unwrap()
        })
        .await
        .expect("the follow reaches A");
        assert_eq!(pending.state, "pending");
        let p = page(&a, &s, &format!("/staff/orgs/{ORG}/followers")).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(&format!("@instance@{}", b.domain)), "{}", p.text);
        let accept = format!("/staff/orgs/{ORG}/followers/{}/accept", pending.id);
        assert!(p.text.contains(&format!(r#"action="{accept}""#)), "{}", p.text);
        assert_eq!(post(&a, &accept, Some(&s), &[]).await.status, StatusCode::FORBIDDEN);
        let p = submit(&a, &s, &csrf, &accept, &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        // The Accept reaches B.
        wait_follow_state(&b, &tb, &follow_id, "accepted").await;
        assert!(follows(&b, &tb).await.iter().any(|f| f["id"] == follow_id.as_str() && f["state"] == "accepted"));
        let p = page(&a, &s, &format!("/staff/orgs/{ORG}/followers?done=accept")).await;
        assert!(p.text.contains("The follower has been accepted.") && p.text.contains("Nobody is waiting."), "{}", p.text);
        // Deciding again: no longer pending.
        assert_eq!(submit(&a, &s, &csrf, &accept, &[]).await.status, StatusCode::NOT_FOUND);

        // The next profile change reaches B, which reads the organisation again.
        let mut renamed: Vec<(&str, &str)> = ok.iter().filter(|(k, _)| *k != "name").cloned().collect();
        renamed.push(("name", "Accueil Lille Wazemmes"));
        let p = submit_multipart(&a, &s, &path, &renamed, vec![]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let seen = eventually(30, || async {
            passerelle::db::entities::remote_actor::Entity::find()
                .filter(passerelle::db::entities::remote_actor::Column::ApId.eq(actor_url.as_str()))
                .one(&b.state.db)
                .await
                .unwrap()
                .filter(|r| r.name.as_deref() == Some("Accueil Lille Wazemmes"))
        })
        .await
        .expect("B sees the new name");
        let raw: Value = serde_json::from_str(&seen.raw).unwrap();
        assert_eq!(raw["icon"]["url"], icon.as_str(), "the logo is kept");

        // A third instance asks too, and is refused: a Reject reaches it.
        let c = TestApp::spawn(backend).await;
        let tc = admin_token(&c).await;
        let (status, json) = api(&c, Method::POST, "/api/v1/admin/instance-follows", Some(&tc), Some(json!({"target": actor_url}))).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        let c_follow = json["id"].as_str().unwrap().to_string();
        let c_actor = c.state.urls.instance_actor().to_string();
        let pending = eventually(30, || async {
            follower::Entity::find()
                .filter(follower::Column::FollowerApId.eq(c_actor.as_str()))
                .one(&a.state.db)
                .await
                .unwrap()
        })
        .await
        .expect("C's follow reaches A");
        let p = page(&a, &s, &format!("/staff/orgs/{ORG}/followers")).await;
        assert!(p.text.contains(&format!("id=\"reject-{}\"", pending.id)), "{}", p.text);
        let p = submit(&a, &s, &csrf, &format!("/staff/orgs/{ORG}/followers/{}/reject", pending.id), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        wait_follow_state(&c, &tc, &c_follow, "rejected").await;
        let left = follower::Entity::find()
            .filter(follower::Column::LocalActorApId.eq(actor_url.as_str()))
            .all(&a.state.db)
            .await
            .unwrap();
        assert_eq!(left.len(), 1, "{left:#?}");
        assert_eq!(left[0].follower_ap_id, b.state.urls.instance_actor().as_str());
    }
}

// ---------------------------------------------------------------------------------------------
// The staff list of entries comes in pages
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn the_staff_list_of_entries_comes_in_pages(backend: Backend) {
        let (app, _media) = editor_app(backend, |_| {}).await;
        let token = admin_token(&app).await;
        let per_page = passerelle::web::editor::STAFF_LIST_PAGE as usize;
        let mut ids = Vec::new();
        for i in 0..per_page + 2 {
            let e = create_service(&app, &token, ORG, &format!("Permanence numéro {i:03}")).await;
            ids.push(e["id"].as_str().unwrap().to_string());
        }
        let s = sign_in(&app, EDITOR).await;
        // The first page: the newest changes, as many as a page holds, and a link to the next.
        let first = page(&app, &s, &format!("/staff/entries?org={ORG}")).await;
        assert_eq!(first.status, StatusCode::OK);
        let rows = |p: &Page| ids.iter().filter(|id| p.text.contains(&format!(r#"id="entry-{id}""#))).count();
        assert_eq!(rows(&first), per_page);
        assert!(first.text.contains(&format!(r#"id="entry-{}""#, ids[per_page + 1])), "the newest entry comes first");
        assert!(!first.text.contains(&format!(r#"id="entry-{}""#, ids[0])));
        assert!(first.text.contains("Page 1 of 2"), "{}", first.text);
        assert!(first.text.contains(&format!(r#"href="/staff/entries?org={ORG}&page=2""#)), "{}", first.text);
        assert!(!first.raw.contains(r#"id="entries-prev""#));
        // The second: the rest, the oldest among them, and a link back.
        let second = page(&app, &s, &format!("/staff/entries?org={ORG}&page=2")).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(rows(&second), 2);
        assert!(second.text.contains(&format!(r#"id="entry-{}""#, ids[0])));
        assert!(second.text.contains("Page 2 of 2"));
        assert!(second.text.contains(&format!(r#"href="/staff/entries?org={ORG}&page=1""#)));
        assert!(!second.raw.contains(r#"id="entries-next""#));
        // A page that does not exist, or that is not a number, says so.
        let beyond = page(&app, &s, &format!("/staff/entries?org={ORG}&page=3")).await;
        assert_eq!(beyond.status, StatusCode::NOT_FOUND);
        assert!(beyond.text.contains("The list of entries has no page with this number."));
        for bad in ["0", "two", "-1"] {
            let p = page(&app, &s, &format!("/staff/entries?org={ORG}&page={bad}")).await;
            assert_eq!(p.status, if bad == "0" { StatusCode::NOT_FOUND } else { StatusCode::BAD_REQUEST }, "page={bad}");
            assert!(p.text.contains("The list of entries has no page with this number."), "page={bad}");
        }
        // With one page only, there is no page navigation.
        let (app2, _media2) = editor_app(backend, |_| {}).await;
        let token2 = admin_token(&app2).await;
        create_service(&app2, &token2, ORG, "Seule permanence").await;
        let s2 = sign_in(&app2, EDITOR).await;
        let only = page(&app2, &s2, &format!("/staff/entries?org={ORG}")).await;
        assert!(only.text.contains("Seule permanence"));
        assert!(!only.raw.contains(r#"class="paging""#));
        assert_eq!(page(&app2, &s2, &format!("/staff/entries?org={ORG}&page=1")).await.status, StatusCode::OK);
    }
}

// ---------------------------------------------------------------------------------------------
// Pictures nothing uses any more are deleted once old enough
// ---------------------------------------------------------------------------------------------

/// A picture file in `dir`, last changed `days` ago; its name.
fn picture_file(dir: &std::path::Path, name: &str, days: u64) -> String {
    let path = dir.join(name);
    std::fs::write(&path, b"picture bytes").unwrap();
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(when)
        .unwrap();
    name.to_string()
}

/// The organisation's logo URL, set straight in the database.
async fn set_logo(app: &TestApp, url: Option<String>) {
    let org = passerelle::accounts::find_org(&app.state.db, ORG)
        .await
        .unwrap()
        .unwrap();
    let mut a: passerelle::db::entities::organization::ActiveModel = org.into();
    a.icon_url = sea_orm::Set(url);
    sea_orm::ActiveModelTrait::update(a, &app.state.db)
        .await
        .unwrap();
}

fn new_picture_name() -> String {
    format!("{}.png", uuid::Uuid::new_v4())
}

both_dbs! {
    async fn unused_pictures_are_deleted_once_old_enough(backend: Backend) {
        let media = tempfile::tempdir().unwrap();
        let dir = media.path().to_path_buf();
        // Left from before the start: the server's hourly sweep deletes it as soon as it starts.
        let stale = picture_file(&dir, &new_picture_name(), 40);
        let config_dir = dir.clone();
        let app = TestApp::spawn_with(backend, move |c| c.media.dir = config_dir).await;
        let mut gone = false;
        for _ in 0..100 {
            if !dir.join(&stale).exists() {
                gone = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(gone, "the server did not delete an unused 40-day-old picture at start");

        app.create_org(ORG).await;
        let token = admin_token(&app).await;
        let media_url = |name: &str| app.state.urls.join(&format!("media/{name}")).to_string();
        // Used, and old: the organisation's logo, an event's banner.
        let logo = picture_file(&dir, &new_picture_name(), 40);
        set_logo(&app, Some(media_url(&logo))).await;
        let banner = picture_file(&dir, &new_picture_name(), 40);
        let mut body = event_body(ORG, "Café des langues");
        body["banner_url"] = json!(media_url(&banner));
        create(&app, &token, "events", body).await;
        // The banner of an event that was deleted since, old.
        let deleted_banner = picture_file(&dir, &new_picture_name(), 40);
        let mut body = event_body(ORG, "Atelier annulé");
        body["banner_url"] = json!(media_url(&deleted_banner));
        let cancelled = create(&app, &token, "events", body).await;
        let (status, _) = api(&app, Method::DELETE, &format!("/api/v1/events/{}", cancelled["id"].as_str().unwrap()), Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // Unused: old, young, and what an interrupted upload left; a file that is not ours.
        let orphan = picture_file(&dir, &new_picture_name(), 31);
        let young = picture_file(&dir, &new_picture_name(), 29);
        let partial = picture_file(&dir, &format!(".{}.tmp", new_picture_name()), 31);
        let foreign = picture_file(&dir, "README.txt", 400);

        let now = std::time::SystemTime::now();
        let deleted = passerelle::web::media::delete_unused(&app.state.db, &dir, 30, now).await.unwrap();
        let exists = |n: &str| dir.join(n).exists();
        assert!(exists(&logo), "the organisation's logo was deleted");
        assert!(exists(&banner), "an event's banner was deleted");
        assert!(exists(&young), "a picture younger than the retention was deleted");
        assert!(exists(&foreign), "a file that is not a picture of ours was deleted");
        assert!(!exists(&deleted_banner), "a deleted event's banner was kept");
        assert!(!exists(&orphan), "an unused picture was kept");
        assert!(!exists(&partial), "an interrupted upload was kept");
        assert_eq!(deleted, 3);
        // Still served, what was kept.
        assert_eq!(app.client.get(media_url(&banner)).send().await.unwrap().status(), StatusCode::OK);
        assert_eq!(app.client.get(media_url(&orphan)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        // Nothing more to do the second time.
        assert_eq!(passerelle::web::media::delete_unused(&app.state.db, &dir, 30, now).await.unwrap(), 0);
        // The logo removed: the old one goes, being old enough.
        set_logo(&app, None).await;
        assert_eq!(passerelle::web::media::delete_unused(&app.state.db, &dir, 30, now).await.unwrap(), 1);
        assert!(!exists(&logo));
        assert!(exists(&banner));
    }
}
