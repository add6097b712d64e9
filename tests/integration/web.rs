//! Web pages: interface language (choice, cookie, Accept-Language), right-to-left layout,
//! fallback notes, security headers and sanitised remote text. Helpers shared with staff.rs.
use passerelle::{
    accounts::Role,
    directory::{
        model::Kind,
        store::{self, Origin},
        validate::{self, Context},
    },
    federation::objects::entry_from_object,
};
use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both_dbs, harness::*};

pub(crate) const ORG: &str = "accueil-lille";
pub(crate) const PASSWORD: &str = "correct horse battery";

/// A page as a browser asks for it: status, headers and the body with entities decoded and
/// Fluent's bidi isolation marks removed.
pub(crate) struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub raw: String,
    pub text: String,
}

impl Page {
    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }
    pub(crate) fn cookie_value(&self, name: &str) -> Option<String> {
        self.cookie(name)
            .map(|c| c.split(';').next().unwrap()[name.len() + 1..].to_string())
    }
    /// The hidden CSRF field of the page's form.
    pub(crate) fn csrf_field(&self) -> String {
        let re = regex::Regex::new(r#"name="csrf" value="([^"]*)""#).unwrap();
        re.captures(&self.text)
            .unwrap_or_else(|| panic!("no csrf field in {}", self.text))[1]
            .to_string()
    }
    pub(crate) fn location(&self) -> String {
        self.headers["location"].to_str().unwrap().to_string()
    }
}

async fn into_page(resp: reqwest::Response) -> Page {
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

pub(crate) async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = app.client.get(app.url(path)).header("Accept", "text/html");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    into_page(req.send().await.unwrap()).await
}

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Page {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut req = app
        .client
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    into_page(req.send().await.unwrap()).await
}

// ---------------------------------------------------------------------------------------------
// Languages
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn interface_language_from_choice_cookie_and_header(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;

        // Arabic from Accept-Language: right to left, Arabic text.
        let p = get(&app, "/", &[("Accept-Language", "ar-SY, en;q=0.5")]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(r#"<html lang="ar" dir="rtl">"#), "{}", p.text);
        assert!(p.text.contains("المنظمات"), "{}", p.text);
        assert!(p.text.contains("انتقل إلى المحتوى"), "{}", p.text);
        assert!(!p.text.contains(">Organisations<"));
        let vary = p.headers["vary"].to_str().unwrap().to_ascii_lowercase();
        assert!(vary.contains("accept-language") && vary.contains("cookie"), "{vary}");
        // Nothing to remember when the reader did not choose.
        assert!(p.cookie("lang").is_none(), "{:?}", p.set_cookies());

        // q-values, not order: Italian wins here; unknown languages are skipped.
        let p = get(&app, "/", &[("Accept-Language", "en;q=0.3, xx, it;q=0.8")]).await;
        assert!(p.text.contains(r#"<html lang="it" dir="ltr">"#), "{}", p.text);
        assert!(p.text.contains("Organizzazioni"));
        // Nothing usable: the instance default (English).
        let p = get(&app, "/", &[]).await;
        assert!(p.text.contains(r#"<html lang="en" dir="ltr">"#));
        assert!(p.text.contains(">Organisations<"));

        // ?lang=uk wins over the header and is remembered in a cookie.
        let p = get(&app, "/?lang=uk", &[("Accept-Language", "ar")]).await;
        assert!(p.text.contains(r#"<html lang="uk" dir="ltr">"#), "{}", p.text);
        assert!(p.text.contains("Організації"), "{}", p.text);
        let cookie = p.cookie("lang").expect("a lang cookie");
        assert!(cookie.starts_with("lang=uk;"), "{cookie}");
        for attr in ["Path=/", "Max-Age=31536000", "SameSite=Lax"] {
            assert!(cookie.contains(attr), "{cookie} lacks {attr}");
        }
        // The instance is on http here: no Secure flag (browsers would drop the cookie).
        assert!(!cookie.contains("Secure"), "{cookie}");
        // An unknown choice changes nothing and sets nothing.
        let p = get(&app, "/?lang=xx", &[("Accept-Language", "de")]).await;
        assert!(p.text.contains(r#"<html lang="de""#));
        assert!(p.cookie("lang").is_none());

        // The cookie wins over the header, on every page.
        let org_path = format!("/o/{ORG}");
        for path in ["/", org_path.as_str()] {
            let p = get(&app, path, &[("Cookie", "other=1; lang=de"), ("Accept-Language", "ar")]).await;
            assert_eq!(p.status, 200, "{path}");
            assert!(p.text.contains(r#"<html lang="de" dir="ltr">"#), "{path}: {}", p.text);
            // A language switcher made of plain links, each language named in itself.
            for (code, name) in [("en", "English"), ("fr", "Français"), ("ar", "العربية"), ("uk", "Українська")] {
                assert!(
                    p.text.contains(&format!(r#"<a href="?lang={code}" hreflang="{code}" lang="{code}""#)),
                    "{path}: no link to {code}"
                );
                assert!(p.text.contains(name), "{path}: {name}");
            }
            assert!(p.text.contains(r#"aria-current="true">Deutsch<"#), "{path}");
        }
        let p = get(&app, &org_path, &[("Cookie", "lang=de")]).await;
        assert!(p.text.contains("Gesprochene Sprachen"), "{}", p.text);
        assert!(p.text.contains("Mit deinem Fediverse-Konto folgen"));
    }
}

/// An editor's token and an organisation whose default language is French.
async fn with_org(app: &TestApp) -> String {
    app.create_org(ORG).await;
    app.token_for("editor@accueil-lille.example", Role::Editor, Some(ORG))
        .await
}

pub(crate) async fn create_service(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

both_dbs! {
    async fn entry_text_in_the_readers_language_or_with_a_note(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let token = with_org(&app).await;
        let created = create_service(&app, &token, json!({
            "organization": ORG,
            "name": {"fr": "Épicerie solidaire", "en": "Community grocery"},
            "description": {"fr": "Colis alimentaires chaque semaine."},
            "categories": ["food"],
            "languages": ["fr"],
            "free": true,
            "schedules": [{"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00",
                           "closes_at": "12:00", "timezone": "Europe/Paris"}],
            "online_url": "https://example.org/colis"
        })).await;
        let path = format!("/services/{}", created["id"].as_str().unwrap());

        // French reader: everything in French, no note.
        let p = get(&app, &path, &[("Accept-Language", "fr-FR")]).await;
        assert_eq!(p.status, 200);
        assert!(p.text.contains(r#"<h1 lang="fr">Épicerie solidaire</h1>"#), "{}", p.text);
        assert!(!p.text.contains(r#"<p class="note">"#), "{}", p.text);
        assert!(p.text.contains("Horaires d’ouverture") && p.text.contains("Gratuit"), "{}", p.text);
        assert!(p.text.contains("lun.–ven. 09:00–12:00"), "{}", p.text);

        // English reader: the English name; the description exists only in French, so it says so,
        // and the fragment carries lang="fr".
        let p = get(&app, &path, &[("Accept-Language", "en")]).await;
        assert!(p.text.contains(r#"<h1 lang="en">Community grocery</h1>"#), "{}", p.text);
        assert!(p.text.contains(r#"<p class="note">This text is in French.</p>"#), "{}", p.text);
        assert!(p.text.contains(r#"<div class="description" lang="fr"><p>Colis alimentaires"#), "{}", p.text);
        assert!(p.text.contains("Opening hours") && p.text.contains("Mon–Fri"));

        // German reader (no German text): French with a German note.
        let p = get(&app, &path, &[("Cookie", "lang=de")]).await;
        assert!(p.text.contains(r#"<html lang="de""#));
        assert!(p.text.contains(r#"<h1 lang="fr">Épicerie solidaire</h1>"#), "{}", p.text);
        assert!(p.text.contains(r#"<p class="note">Dieser Text ist auf Französisch.</p>"#), "{}", p.text);
        assert!(p.text.contains("Öffnungszeiten") && p.text.contains("Kostenlos"), "{}", p.text);
        // ... unless the browser says the reader reads English too.
        let p = get(&app, &path, &[("Cookie", "lang=de"), ("Accept-Language", "de, en;q=0.5")]).await;
        assert!(p.text.contains(r#"<h1 lang="en">Community grocery</h1>"#), "{}", p.text);

        // Arabic and Ukrainian readers: their notes, right-to-left for Arabic.
        let p = get(&app, &format!("{path}?lang=ar"), &[]).await;
        assert!(p.text.contains(r#"<html lang="ar" dir="rtl">"#));
        assert!(p.text.contains("هذا النص باللغة الفرنسية."), "{}", p.text);
        assert!(p.text.contains("أوقات الدوام"), "{}", p.text);
        let p = get(&app, &format!("{path}?lang=uk"), &[]).await;
        assert!(p.text.contains("Цей текст написано французькою мовою."), "{}", p.text);
        assert!(p.text.contains("Послуга"), "{}", p.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Security
// ---------------------------------------------------------------------------------------------

pub(crate) fn assert_security_headers(what: &str, p: &Page) {
    let csp = p
        .headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(part), "{what}: CSP {csp} lacks {part}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(p.headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        p.headers["referrer-policy"], "strict-origin-when-cross-origin",
        "{what}"
    );
    // The pages themselves need nothing the policy forbids.
    assert!(!p.raw.contains("<script"), "{what}");
    assert!(!p.raw.contains(" style="), "{what}");
}

both_dbs! {
    async fn html_pages_carry_security_headers(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let token = with_org(&app).await;
        let created = create_service(&app, &token, json!({
            "organization": ORG, "name": "Distribution", "description": "Colis.",
            "categories": ["food"], "languages": ["fr"], "online_url": "https://example.org/c"
        })).await;
        let entry_path = format!("/services/{}", created["id"].as_str().unwrap());
        for path in ["/", &format!("/o/{ORG}"), &entry_path, "/t/food"] {
            let p = get(&app, path, &[]).await;
            assert_eq!(p.status, 200, "{path}");
            assert_security_headers(path, &p);
        }
        // The stylesheet uses logical properties, so that right-to-left pages mirror.
        let css = app.get("/static/style.css").await.text().await.unwrap();
        assert!(css.contains("margin-inline") && css.contains("inset-inline-start"), "{css}");
        assert!(!css.contains("margin-left") && !css.contains("left:"), "{css}");
    }
}

both_dbs! {
    async fn remote_markup_never_becomes_script(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        // An event from a Mobilizon-like instance, its description in HTML.
        let object = json!({
            "id": "https://remote.example/events/1",
            "type": "Event",
            "name": "Atelier <b>vélo</b>",
            "content": "<p>Atelier <b>vélo</b>.</p><script>alert('xss-script')</script>\
                <img src=x onerror=\"alert('xss-img')\"><p onclick=\"alert('xss-click')\">fin</p>",
            "mediaType": "text/html",
            "startTime": "2026-12-05T14:00:00+01:00",
            "endTime": "2026-12-05T16:00:00+01:00",
            "timezone": "Europe/Paris",
            "url": "https://remote.example/events/1",
        });
        let event = entry_from_object(&object, "fr").expect("an event");
        // A directory entry from a Passerelle peer whose text is markup, typed as text.
        let service = validate::validate(Kind::Service, &json!({
            "name": {"fr": "<script>alert('xss-name')</script>Permanence"},
            "description": {"fr": "Bonjour <script>alert('xss-desc')</script>\n\n<img src=x onerror=alert('xss-img2')>"},
            "categories": ["legal"], "languages": ["fr"], "online_url": "https://remote.example/s"
        }), &Context { default_language: "fr" }).expect("a valid service");
        let mut paths = Vec::new();
        for (n, e) in [event, service].iter().enumerate() {
            let id = Uuid::now_v7();
            store::insert(&app.state.db, Origin {
                id,
                ap_id: format!("https://remote.example/x/{n}"),
                url: format!("https://remote.example/x/{n}"),
                organization_id: None,
                remote_actor_id: None,
                origin_domain: "remote.example".into(),
                local: false,
                published: chrono::Utc::now(),
                updated: chrono::Utc::now(),
            }, e).await.unwrap();
            paths.push(format!("/{}/{id}", e.kind().plural()));
        }
        for path in paths.iter().map(String::as_str).chain(["/"]) {
            let p = get(&app, path, &[]).await;
            assert_eq!(p.status, 200, "{path}");
            let raw = p.raw.to_ascii_lowercase();
            for tag in ["<script", "<img", "<b>", "onclick=\"", "onerror=\""] {
                assert!(!raw.contains(tag), "{path} has {tag}: {}", p.raw);
            }
            assert_security_headers(path, &p);
        }
        // The text is still there, as text.
        let p = get(&app, &paths[0], &[]).await;
        assert!(p.text.contains("fin") && p.text.contains("vélo"), "{}", p.text);
        assert!(p.text.contains("Published on remote.example"), "{}", p.text);
        let p = get(&app, &paths[1], &[]).await;
        assert!(p.raw.contains("&lt;script&gt;alert("), "{}", p.raw);
        assert!(p.raw.contains("<p>Bonjour &lt;script&gt;"), "{}", p.raw);
    }
}
