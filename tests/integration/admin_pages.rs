//! Moderation and administration pages (/staff/admin/...), the public report form (/report),
//! and the client address behind trusted proxies. Real HTTP on loopback, both databases.
use passerelle::{
    accounts::{self, Role},
    db::entities::{domain_block, entry, moderation_log, organization, report, user},
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::{
    both_dbs,
    harness::*,
    web::{ORG, PASSWORD, Page, create_service, get, post},
};

const ADMIN: &str = "admin@passerelle.example";
const MODERATOR: &str = "moderator@passerelle.example";
const EDITOR: &str = "editor@accueil-lille.example";

async fn admin_app(
    backend: Backend,
    tweak: impl FnOnce(&mut passerelle::config::Config),
) -> TestApp {
    let app = TestApp::spawn_with(backend, tweak).await;
    app.create_org(ORG).await;
    for (email, role, org) in [
        (ADMIN, Role::Admin, None),
        (MODERATOR, Role::Moderator, None),
        (EDITOR, Role::Editor, Some(ORG)),
    ] {
        accounts::create_user(&app.state.db, email, PASSWORD, role, org)
            .await
            .unwrap();
    }
    app
}

/// Sign in through the form; the session cookie (a Cookie header value) and the CSRF token of
/// the session's forms.
async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    let p = get(app, "/staff/login", &[]).await;
    let value = p.cookie_value("psl_login_csrf").expect("login csrf cookie");
    let field = p.csrf_field();
    let p = post(
        app,
        "/staff/login",
        Some(&format!("psl_login_csrf={value}")),
        &[
            ("email", email),
            ("password", PASSWORD),
            ("csrf", field.as_str()),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let cookie = format!("psl_session={}", p.cookie_value("psl_session").unwrap());
    let dash = get(app, "/staff", &[("Cookie", cookie.as_str())]).await;
    assert_eq!(dash.status, StatusCode::OK);
    (cookie, dash.csrf_field())
}

async fn page_as(app: &TestApp, path: &str, cookie: &str) -> Page {
    get(app, path, &[("Cookie", cookie)]).await
}

async fn log_actions(app: &TestApp) -> Vec<moderation_log::Model> {
    moderation_log::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn a_service(app: &TestApp) -> Value {
    let token = accounts::create_token(&app.state.db, EDITOR).await.unwrap();
    create_service(app, &token, json!({
        "organization": ORG, "name": "Permanence juridique", "description": "Conseils gratuits.",
        "categories": ["legal"], "languages": ["fr"], "online_url": "https://example.org/j"
    }))
    .await
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----passerelle-test-boundary-7d0c";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    app: &TestApp,
    path: &str,
    cookie: &str,
    content_type: String,
    body: Vec<u8>,
) -> Page {
    let resp = app
        .client
        .post(app.url(path))
        .header("Content-Type", content_type)
        .header("Cookie", cookie)
        .body(body)
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

// ---------------------------------------------------------------------------------------------
// Roles: every page for the right role, 403 for editors
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn admin_pages_by_role_and_403_for_editors(backend: Backend) {
        let app = admin_app(backend, |_| {}).await;
        let service = a_service(&app).await;
        let entry_id = service["id"].as_str().unwrap().to_string();
        let ap_id = service["ap_id"].as_str().unwrap().to_string();
        let r = post(&app, "/report", None, &[("target", ap_id.as_str()), ("category", "outdated"), ("comment", "Closed")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let report_id = report::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
        let admin_id = accounts::find_user(&app.state.db, ADMIN).await.unwrap().unwrap().id;

        let moderation_pages = vec![
            "/staff/admin".to_string(),
            "/staff/admin/reports".into(),
            "/staff/admin/reports?state=all".into(),
            format!("/staff/admin/reports/{report_id}"),
            "/staff/admin/domain-blocks".into(),
            "/staff/admin/actors".into(),
            "/staff/admin/entries".into(),
            format!("/staff/admin/entries/{entry_id}"),
            "/staff/admin/review".into(),
        ];
        let admin_pages = vec![
            "/staff/admin/log".to_string(),
            "/staff/admin/log/export?format=csv".into(),
            "/staff/admin/users".into(),
            format!("/staff/admin/users/{admin_id}"),
            "/staff/admin/organizations".into(),
            format!("/staff/admin/organizations/{ORG}"),
            "/staff/admin/import".into(),
        ];
        let (admin, _) = sign_in(&app, ADMIN).await;
        let (moderator, _) = sign_in(&app, MODERATOR).await;
        let (editor, editor_csrf) = sign_in(&app, EDITOR).await;

        for path in moderation_pages.iter().chain(admin_pages.iter()) {
            // Not signed in: the sign-in form.
            let p = get(&app, path, &[]).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(p.location(), "/staff/login", "{path}");
            // Editors: 403 everywhere, with a page saying so.
            let p = page_as(&app, path, &editor).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}: {}", p.text);
            assert!(p.text.contains("Your role does not give access to this page."), "{path}");
            // Administrators: everything.
            let p = page_as(&app, path, &admin).await;
            assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.text);
            assert_eq!(p.headers["cache-control"], "no-store", "{path}");
        }
        for path in &moderation_pages {
            let p = page_as(&app, path, &moderator).await;
            assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.text);
        }
        for path in &admin_pages {
            let p = page_as(&app, path, &moderator).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "moderator on {path}");
        }
        // Forms too: an editor with a valid session token is still refused, and nothing changes.
        for path in [
            "/staff/admin/domain-blocks".to_string(),
            format!("/staff/admin/entries/{entry_id}/remove"),
            format!("/staff/admin/reports/{report_id}/resolve"),
            "/staff/admin/users".into(),
        ] {
            let p = post(&app, &path, Some(&editor), &[("csrf", editor_csrf.as_str()), ("domain", "spam.example"), ("severity", "suspend"),
                ("email", "x@y.example"), ("password", "long enough password"), ("role", "admin")]).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(domain_block::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 3);
        let e = entry::Entity::find_by_id(uuid::Uuid::parse_str(&entry_id).unwrap()).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(e.moderation_state, "visible");

        // The dashboard links by role; fields have labels.
        let dash = page_as(&app, "/staff", &admin).await;
        for url in ["/staff/admin/reports", "/staff/admin/users", "/staff/admin/import", "/staff/admin/log"] {
            assert!(dash.text.contains(&format!("href=\"{url}\"")), "admin dashboard lacks {url}");
        }
        let dash = page_as(&app, "/staff", &moderator).await;
        assert!(dash.text.contains("href=\"/staff/admin/reports\""));
        assert!(!dash.text.contains("href=\"/staff/admin/users\""));
        let dash = page_as(&app, "/staff", &editor).await;
        assert!(!dash.text.contains("/staff/admin"), "{}", dash.text);
        let p = page_as(&app, "/staff/admin/domain-blocks", &admin).await;
        for id in ["domain", "severity-suspend", "severity-limit", "public_reason", "private_reason", "expires_at"] {
            assert!(p.text.contains(&format!("<label for=\"{id}\">")), "no label for {id}");
        }
        assert!(p.text.contains("Open: every instance except blocked domains"), "federation mode shown");
        // Translated like every other page.
        let p = page_as(&app, "/staff/admin/users?lang=fr", &admin).await;
        assert!(p.text.contains("Créer un utilisateur"), "{}", p.text);
    }
}

// ---------------------------------------------------------------------------------------------
// CSRF on every form
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn every_admin_form_refuses_a_missing_or_wrong_csrf_token(backend: Backend) {
        let app = admin_app(backend, |_| {}).await;
        let service = a_service(&app).await;
        let entry_id = service["id"].as_str().unwrap().to_string();
        let ap_id = service["ap_id"].as_str().unwrap().to_string();
        post(&app, "/report", None, &[("target", ap_id.as_str()), ("category", "scam")]).await;
        let report_id = report::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
        let mod_id = accounts::find_user(&app.state.db, MODERATOR).await.unwrap().unwrap().id;
        let (admin, csrf) = sign_in(&app, ADMIN).await;
        let forms = [
            format!("/staff/admin/reports/{report_id}/resolve"),
            format!("/staff/admin/reports/{report_id}/forward"),
            "/staff/admin/domain-blocks".into(),
            format!("/staff/admin/domain-blocks/{}/delete", uuid::Uuid::nil()),
            "/staff/admin/actors".into(),
            format!("/staff/admin/actors/{}/delete", uuid::Uuid::nil()),
            format!("/staff/admin/entries/{entry_id}/remove"),
            format!("/staff/admin/entries/{entry_id}/restore"),
            format!("/staff/admin/review/{entry_id}/approve"),
            format!("/staff/admin/review/{entry_id}/reject"),
            "/staff/admin/users".into(),
            format!("/staff/admin/users/{mod_id}/role"),
            format!("/staff/admin/users/{mod_id}/disable"),
            format!("/staff/admin/users/{mod_id}/delete"),
            format!("/staff/admin/users/{mod_id}/password"),
            "/staff/admin/organizations".into(),
            format!("/staff/admin/organizations/{ORG}"),
        ];
        let fields = [("domain", "spam.example"), ("severity", "suspend"), ("action", "remove_entry"),
            ("actor", "https://bad.example/u/x"), ("email", "new@passerelle.example"), ("password", "another long password"),
            ("role", "admin"), ("confirm", MODERATOR), ("slug", "new-org"), ("name", "New name")];
        for path in &forms {
            for token in ["", "wrong-token"] {
                let mut f = fields.to_vec();
                f.push(("csrf", token));
                let p = post(&app, path, Some(&admin), &f).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{path} with {token:?}: {}", p.text);
            }
        }
        // The upload form checks it too.
        let (ct, body) = multipart(&[("csrf", "nope"), ("org", ORG), ("format", "csv")], Some(("a.csv", b"id,name\n")));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        // Nothing happened: no block, no sanction, no new user, the entry and report as they were,
        // nothing logged.
        assert_eq!(domain_block::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 3);
        let m = accounts::find_user(&app.state.db, MODERATOR).await.unwrap().unwrap();
        assert_eq!((m.role.as_str(), m.disabled_at), ("moderator", None));
        assert_eq!(report::Entity::find().one(&app.state.db).await.unwrap().unwrap().state, "open");
        assert!(log_actions(&app).await.is_empty());
        // With the token, the same kind of form works (the token is the session's).
        let p = post(&app, &format!("/staff/admin/users/{mod_id}/role"), Some(&admin),
            &[("csrf", csrf.as_str()), ("role", "admin"), ("org", ""), ("reason", "covering holidays")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Domain blocks and actor sanctions through the forms
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn domain_block_form_is_in_the_api_and_enforced(backend: Backend) {
        let app = admin_app(backend, |_| {}).await;
        let (admin, csrf) = sign_in(&app, ADMIN).await;
        let (moderator, mod_csrf) = sign_in(&app, MODERATOR).await;

        // Errors beside the fields, input kept, nothing saved.
        let p = post(&app, "/staff/admin/domain-blocks", Some(&admin), &[("csrf", csrf.as_str()), ("domain", "not a domain!"),
            ("public_reason", "Spam wave"), ("expires_at", "2001-01-01")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        assert!(p.text.contains("Write a domain name such as spam.example."), "{}", p.text);
        assert!(p.text.contains("Choose suspend or limit."));
        assert!(p.text.contains("The expiry must be in the future."));
        assert!(p.text.contains(">Spam wave</textarea>"), "input kept: {}", p.text);
        assert!(p.text.contains(r#"id="domain-error""#));
        assert_eq!(domain_block::Entity::find().count(&app.state.db).await.unwrap(), 0);

        // Moderators see the list but may not change the policy.
        let p = post(&app, "/staff/admin/domain-blocks", Some(&moderator), &[("csrf", mod_csrf.as_str()), ("domain", "spam.example"), ("severity", "suspend")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = page_as(&app, "/staff/admin/domain-blocks", &moderator).await;
        assert!(!p.text.contains(r#"action="/staff/admin/domain-blocks""#), "no create form for moderators");

        let p = post(&app, "/staff/admin/domain-blocks", Some(&admin), &[("csrf", csrf.as_str()), ("domain", "Spam.Example"),
            ("severity", "suspend"), ("public_reason", "Spam wave"), ("private_reason", "Reported 12 times"), ("expires_at", "2099-12-31")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(p.location(), "/staff/admin/domain-blocks?done=block-created");
        let p = page_as(&app, &p.location(), &admin).await;
        assert!(p.text.contains("The domain is blocked.") && p.text.contains("spam.example"), "{}", p.text);

        // The JSON API shows the same block...
        let token = accounts::create_token(&app.state.db, ADMIN).await.unwrap();
        let blocks: Value = app.client.get(app.url("/api/v1/admin/domain-blocks")).bearer_auth(&token)
            .send().await.unwrap().json().await.unwrap();
        let b = &blocks["items"][0];
        assert_eq!((b["domain"].as_str(), b["severity"].as_str()), (Some("spam.example"), Some("suspend")), "{blocks}");
        assert_eq!(b["public_reason"], "Spam wave");
        assert_eq!(b["private_reason"], "Reported 12 times");
        assert!(b["expires_at"].as_str().unwrap().starts_with("2099-12-31T23:59:59"), "{blocks}");
        assert_eq!(b["created_by"], ADMIN);
        // ... and it is enforced, subdomains included.
        assert!(app.state.moderation.refuses_domain("spam.example").is_some());
        assert!(app.state.moderation.refuses_domain("mastodon.spam.example").is_some());
        assert!(app.state.moderation.refuses_domain("friends.example").is_none());
        // A second block of the same domain is refused with a clear message.
        let p = post(&app, "/staff/admin/domain-blocks", Some(&admin), &[("csrf", csrf.as_str()), ("domain", "spam.example"), ("severity", "limit")]).await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(p.text.contains("already blocked"), "{}", p.text);

        // Deleting lifts it.
        let id = b["id"].as_str().unwrap();
        let p = post(&app, &format!("/staff/admin/domain-blocks/{id}/delete"), Some(&admin), &[("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert!(app.state.moderation.refuses_domain("spam.example").is_none());
        let actions: Vec<String> = log_actions(&app).await.into_iter().map(|l| l.action).collect();
        assert!(actions.contains(&"domain_block.create".into()) && actions.contains(&"domain_block.delete".into()), "{actions:?}");

        // A remote actor sanctioned through its form.
        let p = post(&app, "/staff/admin/actors", Some(&admin), &[("csrf", csrf.as_str()), ("actor", "https://bad.example/users/troll"),
            ("severity", "limit"), ("reason", "harassment")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert!(app.state.moderation.actor_severity("https://bad.example/users/troll").is_some());
        let p = page_as(&app, "/staff/admin/actors", &moderator).await;
        assert!(p.text.contains("https://bad.example/users/troll") && p.text.contains("harassment"));
    }
}

// ---------------------------------------------------------------------------------------------
// Public report form → reports page → resolution with removal; review queue
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn report_form_resolution_removal_and_review(backend: Backend) {
        let app = admin_app(backend, |c| { c.moderation.report_burst = 4; c.moderation.report_refill_secs = 3600; }).await;
        let service = a_service(&app).await;
        let ap_id = service["ap_id"].as_str().unwrap().to_string();
        let entry_id = uuid::Uuid::parse_str(service["id"].as_str().unwrap()).unwrap();

        // A "report" link on the entry page and on the organisation page.
        let p = get(&app, &ap_id, &[]).await;
        assert_eq!(p.status, 200);
        let link = regex::Regex::new(r#"href="(/report\?target=[^"]+)""#).unwrap()
            .captures(&p.text).unwrap_or_else(|| panic!("a report link: {}", p.text))[1].to_string();
        let org_url = app.url(&format!("/o/{ORG}")).to_string();
        let p = get(&app, &org_url, &[]).await;
        assert!(p.text.contains("/report?target="), "{}", p.text);

        // The form: categories with labels, comment, honeypot.
        let p = get(&app, &link, &[]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert!(p.text.contains("Permanence juridique"));
        for c in ["outdated", "scam", "hateful", "privacy", "other"] {
            assert!(p.text.contains(&format!(r#"<label for="category-{c}">"#)), "{c}");
        }
        assert!(p.text.contains(r#"<label for="comment">"#) && p.text.contains(r#"name="website""#));
        assert_eq!(get(&app, "/report?target=https%3A%2F%2Fnowhere.example%2Fx", &[]).await.status, 404);

        // No category: the error beside it, the comment kept (1 of 4 tokens).
        let p = post(&app, "/report", None, &[("target", ap_id.as_str()), ("comment", "Moved to rue Nationale")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains("Choose what is wrong.") && p.text.contains(">Moved to rue Nationale</textarea>"), "{}", p.text);
        // A robot filling the honeypot: refused, nothing stored (2 of 4).
        let p = post(&app, "/report", None, &[("target", ap_id.as_str()), ("category", "scam"), ("website", "http://spam.example")]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert_eq!(report::Entity::find().count(&app.state.db).await.unwrap(), 0);
        // A real report (3 of 4): the thank-you page.
        let p = post(&app, "/report", None, &[("target", ap_id.as_str()), ("category", "outdated"), ("comment", "Moved to rue Nationale"), ("website", "")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(p.location(), "/report/thanks");
        assert!(get(&app, "/report/thanks", &[]).await.text.contains("Your report has been sent"));
        // The JSON API shares the bucket (4 of 4), then both are refused.
        let resp = app.client.post(app.url("/api/v1/reports")).json(&json!({"target": ap_id, "category": "other"})).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let p = post(&app, "/report", None, &[("target", ap_id.as_str()), ("category", "scam"), ("comment", "again")]).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(p.headers.contains_key("retry-after"));
        assert!(p.text.contains("Too many reports") && p.text.contains(">again</textarea>"), "{}", p.text);
        assert_eq!(report::Entity::find().count(&app.state.db).await.unwrap(), 2);

        // The reports page shows it; the detail page has the resolve form.
        let (moderator, csrf) = sign_in(&app, MODERATOR).await;
        let p = page_as(&app, "/staff/admin/reports", &moderator).await;
        assert!(p.text.contains("Wrong or outdated information") && p.text.contains(&ap_id), "{}", p.text);
        let r = report::Entity::find().filter(report::Column::Category.eq("outdated")).one(&app.state.db).await.unwrap().unwrap();
        let p = page_as(&app, &format!("/staff/admin/reports/{}", r.id), &moderator).await;
        assert!(p.text.contains("Moved to rue Nationale") && p.text.contains(r#"value="remove_entry""#), "{}", p.text);
        // Domain actions are for administrators (and for remote content only).
        assert!(!p.text.contains(r#"value="block_domain""#));
        let p = post(&app, &format!("/staff/admin/reports/{}/resolve", r.id), Some(&moderator),
            &[("csrf", csrf.as_str()), ("action", "block_domain"), ("note", "x")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.text);
        // Resolve with removal.
        let p = post(&app, &format!("/staff/admin/reports/{}/resolve", r.id), Some(&moderator),
            &[("csrf", csrf.as_str()), ("action", "remove_entry"), ("note", "Confirmed by phone")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let e = entry::Entity::find_by_id(entry_id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(e.moderation_state, "removed");
        assert_ne!(get(&app, &ap_id, &[]).await.status, 200, "a removed entry is not shown");
        let r = report::Entity::find_by_id(r.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((r.state.as_str(), r.resolution_action.as_deref(), r.resolved_by.as_deref()), ("resolved", Some("remove_entry"), Some(MODERATOR)));
        let p = page_as(&app, "/staff/admin/reports?state=resolved", &moderator).await;
        assert!(p.text.contains(&ap_id));
        let log = log_actions(&app).await;
        for action in ["entry.remove", "report.resolve"] {
            let l = log.iter().find(|l| l.action == action).unwrap_or_else(|| panic!("{action} logged"));
            assert_eq!(l.actor_email, MODERATOR);
            assert_eq!(l.target, ap_id);
        }

        // Restore from the entry page, found by its ActivityPub id.
        let p = page_as(&app, &format!("/staff/admin/entries?entry={}", url::form_urlencoded::byte_serialize(ap_id.as_bytes()).collect::<String>()), &moderator).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), format!("/staff/admin/entries/{entry_id}"));
        let p = page_as(&app, "/staff/admin/entries?entry=nothing-here", &moderator).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.text.contains("No entry with this address or id here."));
        let p = post(&app, &format!("/staff/admin/entries/{entry_id}/restore"), Some(&moderator), &[("csrf", csrf.as_str()), ("reason", "Address fixed")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert_eq!(get(&app, &ap_id, &[]).await.status, 200);
        // Remove with the button on the entry page.
        let p = post(&app, &format!("/staff/admin/entries/{entry_id}/remove"), Some(&moderator), &[("csrf", csrf.as_str()), ("reason", "again")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let p = page_as(&app, &p.location(), &moderator).await;
        assert!(p.text.contains("The entry is removed.") && p.text.contains("/restore"), "{}", p.text);

        // The review queue: an entry waiting is approved or rejected.
        let mut a: entry::ActiveModel = entry::Entity::find_by_id(entry_id).one(&app.state.db).await.unwrap().unwrap().into();
        a.moderation_state = Set("pending_review".into());
        a.update(&app.state.db).await.unwrap();
        let p = page_as(&app, "/staff/admin/review", &moderator).await;
        assert!(p.text.contains("Permanence juridique") && p.text.contains(&format!("/staff/admin/review/{entry_id}/approve")), "{}", p.text);
        let p = post(&app, &format!("/staff/admin/review/{entry_id}/approve"), Some(&moderator), &[("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let e = entry::Entity::find_by_id(entry_id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(e.moderation_state, "visible");
        assert!(page_as(&app, "/staff/admin/review", &moderator).await.text.contains("No entry is waiting for review."));
        // Approving what is not waiting: refused, said so.
        let p = post(&app, &format!("/staff/admin/review/{entry_id}/reject"), Some(&moderator), &[("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(log_actions(&app).await.iter().any(|l| l.action == "entry.approve"));
    }
}

// ---------------------------------------------------------------------------------------------
// Users and organisations through the forms, logged; and from the CLI
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn users_and_organisations_forms_are_logged(backend: Backend) {
        let app = admin_app(backend, |_| {}).await;
        let (admin, csrf) = sign_in(&app, ADMIN).await;
        let new = "new.editor@accueil-lille.example";

        // Validation round trip: errors beside the fields, input kept (never the password).
        let p = post(&app, "/staff/admin/users", Some(&admin), &[("csrf", csrf.as_str()), ("email", new), ("password", "short"), ("role", "editor"), ("org", "")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
        assert!(p.text.contains("at least 10 characters") && p.text.contains("An editor belongs to an organisation"), "{}", p.text);
        assert!(p.text.contains(&format!(r#"value="{new}""#)) && !p.text.contains(r#"value="short""#));
        assert!(accounts::find_user(&app.state.db, new).await.unwrap().is_none());

        // Create an editor of the organisation.
        let p = post(&app, "/staff/admin/users", Some(&admin), &[("csrf", csrf.as_str()), ("email", new), ("password", PASSWORD),
            ("role", "editor"), ("org", ORG), ("reason", "new volunteer")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let u = accounts::find_user(&app.state.db, new).await.unwrap().unwrap();
        assert_eq!(u.role, "editor");
        assert!(page_as(&app, "/staff/admin/users", &admin).await.text.contains(new));
        // A duplicate is refused clearly.
        let p = post(&app, "/staff/admin/users", Some(&admin), &[("csrf", csrf.as_str()), ("email", new), ("password", PASSWORD), ("role", "moderator")]).await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(p.text.contains("exists already"), "{}", p.text);

        // Change the role: logged with who, what, from, to and why.
        let p = post(&app, &format!("/staff/admin/users/{}/role", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("role", "moderator"), ("org", ORG), ("reason", "promoted")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let p = page_as(&app, &p.location(), &admin).await;
        assert!(p.text.contains("The role is changed."), "{}", p.text);
        assert_eq!(accounts::find_user(&app.state.db, new).await.unwrap().unwrap().role, "moderator");
        let log = log_actions(&app).await;
        let created = log.iter().find(|l| l.action == "user.create").expect("user.create logged");
        assert_eq!((created.actor_email.as_str(), created.target.as_str(), created.reason.as_deref()), (ADMIN, new, Some("new volunteer")));
        let change = log.iter().find(|l| l.action == "user.role_change").expect("role change logged");
        assert_eq!((change.actor_email.as_str(), change.actor_role.as_str(), change.target.as_str(), change.reason.as_deref()),
            (ADMIN, "admin", new, Some("promoted")));
        let details: Value = serde_json::from_str(&change.details).unwrap();
        assert_eq!(details["from"]["role"], "editor");
        assert_eq!(details["to"]["role"], "moderator");
        // The log page shows it and filters by action; the exports carry it.
        let p = page_as(&app, "/staff/admin/log?action=user.role_change", &admin).await;
        assert!(p.text.contains("user.role_change") && p.text.contains(new) && !p.text.contains("<code>user.create</code>"), "{}", p.text);
        assert!(p.text.contains("/staff/admin/log/export?action=user.role_change&format=csv"), "{}", p.text);
        let csv = page_as(&app, "/staff/admin/log/export?action=user.role_change&format=csv", &admin).await;
        assert_eq!(csv.status, 200);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(csv.raw.lines().count(), 2, "{}", csv.raw);
        let js = page_as(&app, "/staff/admin/log/export?format=json&actor=ADMIN@passerelle.example", &admin).await;
        let items: Value = serde_json::from_str(&js.raw).unwrap();
        assert!(items.as_array().unwrap().len() >= 2, "{items}");

        // Reset the password; disable: no more sign-in; enable; delete (email typed again).
        let p = post(&app, &format!("/staff/admin/users/{}/password", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("password", "a brand new password")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let fresh = accounts::find_user(&app.state.db, new).await.unwrap().unwrap();
        assert!(accounts::verify_password(&fresh.password_hash, "a brand new password"));
        let p = post(&app, &format!("/staff/admin/users/{}/disable", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("disabled", "1"), ("reason", "left")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let login = get(&app, "/staff/login", &[]).await;
        let cookie = format!("psl_login_csrf={}", login.cookie_value("psl_login_csrf").unwrap());
        let p = post(&app, "/staff/login", Some(&cookie), &[("email", new), ("password", "a brand new password"), ("csrf", login.csrf_field().as_str())]).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "a disabled account cannot sign in");
        let p = post(&app, &format!("/staff/admin/users/{}/disable", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("disabled", "0")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(accounts::find_user(&app.state.db, new).await.unwrap().unwrap().disabled_at.is_none());
        let p = post(&app, &format!("/staff/admin/users/{}/delete", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("confirm", "someone else")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(accounts::find_user(&app.state.db, new).await.unwrap().is_some());
        let p = post(&app, &format!("/staff/admin/users/{}/delete", u.id), Some(&admin), &[("csrf", csrf.as_str()), ("confirm", new)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        assert!(accounts::find_user(&app.state.db, new).await.unwrap().is_none());
        // Administrators cannot lock themselves out.
        let me = accounts::find_user(&app.state.db, ADMIN).await.unwrap().unwrap();
        let p = post(&app, &format!("/staff/admin/users/{}/disable", me.id), Some(&admin), &[("csrf", csrf.as_str()), ("disabled", "1")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let actions: Vec<String> = log_actions(&app).await.into_iter().map(|l| l.action).collect();
        for a in ["user.password_reset", "user.disable", "user.enable", "user.delete"] {
            assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
        }

        // Organisations: create (logged), bad slug refused, edit basic fields.
        let p = post(&app, "/staff/admin/organizations", Some(&admin), &[("csrf", csrf.as_str()), ("slug", "Bad Slug"), ("name", "X")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"id="slug-error""#), "{}", p.text);
        let p = post(&app, "/staff/admin/organizations", Some(&admin), &[("csrf", csrf.as_str()), ("slug", "entraide-roubaix"),
            ("name", "Entraide Roubaix"), ("default_language", "fr"), ("summary", "Aide alimentaire"), ("website", "https://entraide.example")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let org = accounts::find_org(&app.state.db, "entraide-roubaix").await.unwrap().unwrap();
        assert_eq!(org.default_language, "fr");
        let p = page_as(&app, "/staff/admin/organizations/entraide-roubaix", &admin).await;
        assert!(p.text.contains(r#"value="Entraide Roubaix""#) && p.text.contains(">Aide alimentaire</textarea>"), "{}", p.text);
        let p = post(&app, "/staff/admin/organizations/entraide-roubaix", Some(&admin), &[("csrf", csrf.as_str()),
            ("name", "Entraide de Roubaix"), ("summary", "Aide alimentaire et vestiaire"), ("website", "not a url")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains("http or https") && p.text.contains(r#"value="Entraide de Roubaix""#), "{}", p.text);
        let p = post(&app, "/staff/admin/organizations/entraide-roubaix", Some(&admin), &[("csrf", csrf.as_str()),
            ("name", "Entraide de Roubaix"), ("summary", "Aide alimentaire et vestiaire"), ("manually_approves_followers", "on")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let org = organization::Entity::find_by_id(org.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(org.name, "Entraide de Roubaix");
        assert!(org.manually_approves_followers && org.website.is_none());
        assert!(org.summary.contains("vestiaire"));
        // Followers are told: an `Update` of the organisation's actor with the new name.
        let update = crate::federation_network::activity_about(&app, "Update", app.state.urls.org("entraide-roubaix").as_str()).await;
        let doc: Value = serde_json::from_str(&update.json).unwrap();
        assert_eq!(doc["object"]["name"], "Entraide de Roubaix");
        let actions: Vec<String> = log_actions(&app).await.into_iter().map(|l| l.action).collect();
        assert!(actions.contains(&"organization.create".into()) && actions.contains(&"organization.update".into()));
    }
}

both_dbs! {
    async fn cli_role_change_is_logged(backend: Backend) {
        let app = admin_app(backend, |_| {}).await;
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .args(["user", "set-role", MODERATOR, "--role", "editor", "--org", ORG, "--reason", "back to editing"])
            .env("PASSERELLE__DATABASE__URL", &app.db.url)
            .env("PASSERELLE__INSTANCE__DOMAIN", &app.domain)
            .env("PASSERELLE__SERVER__LOG_LEVEL", "warn")
            .output()
            .await
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let u = accounts::find_user(&app.state.db, MODERATOR).await.unwrap().unwrap();
        assert_eq!(u.role, "editor");
        let l = moderation_log::Entity::find().filter(moderation_log::Column::Action.eq("user.role_change"))
            .one(&app.state.db).await.unwrap().expect("logged");
        assert_eq!((l.actor_email.as_str(), l.target.as_str(), l.reason.as_deref()), ("cli", MODERATOR, Some("back to editing")));
        // An editor without an organisation is refused, and nothing changes.
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .args(["user", "set-role", ADMIN, "--role", "editor", "--org", ""])
            .env("PASSERELLE__DATABASE__URL", &app.db.url)
            .env("PASSERELLE__INSTANCE__DOMAIN", &app.domain)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("org"));
        assert_eq!(accounts::find_user(&app.state.db, ADMIN).await.unwrap().unwrap().role, "admin");
    }
}

// ---------------------------------------------------------------------------------------------
// Import upload
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn import_form_dry_run_then_real_run(backend: Backend) {
        let app = admin_app(backend, |c| c.import.max_bytes = 4096).await;
        let (admin, csrf) = sign_in(&app, ADMIN).await;
        let csv = "id,name,description,categories,languages,locality\n\
                   s-1,Cours de français,Cours pour débutants,language,fr,Lille\n\
                   s-2,Sans catégorie,Texte,no-such-category,fr,Lille\n";
        let count = || async { entry::Entity::find().count(&app.state.db).await.unwrap() };
        let before = count().await;

        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", ORG), ("format", "csv"), ("dry_run", "1")], Some(("services.csv", csv.as_bytes())));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert!(p.text.contains("Dry run: nothing was saved"), "{}", p.text);
        assert!(p.text.contains("1 created, 0 updated, 0 unchanged, 1 refused"), "{}", p.text);
        assert!(p.text.contains(r#"data-outcome="refused""#) && p.text.contains("categories"), "{}", p.text);
        assert_eq!(count().await, before, "a dry run changes nothing");

        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", ORG), ("format", "csv")], Some(("services.csv", csv.as_bytes())));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert!(p.text.contains("Import report") && p.text.contains("1 created"), "{}", p.text);
        assert!(p.text.contains("Cours de français"));
        assert_eq!(count().await, before + 1);
        // Again: unchanged (matched by the file's ids).
        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", ORG), ("format", "csv")], Some(("services.csv", csv.as_bytes())));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert!(p.text.contains("0 created, 0 updated, 1 unchanged, 1 refused"), "{}", p.text);

        // Errors: no file, no format, unknown organisation; a file over import.max_bytes; a
        // broken file — each beside its field, nothing imported.
        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", "nope")], None);
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        for id in ["org-error", "format-error", "file-error"] {
            assert!(p.text.contains(&format!(r#"id="{id}""#)), "{id}: {}", p.text);
        }
        let big = vec![b'a'; 5000];
        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", ORG), ("format", "csv")], Some(("big.csv", &big)));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(p.text.contains("import limit of 4096 bytes"), "{}", p.text);
        let (ct, body) = multipart(&[("csrf", csrf.as_str()), ("org", ORG), ("format", "hsds")], Some(("x.json", b"{not json")));
        let p = post_multipart(&app, "/staff/admin/import", &admin, ct, body).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.text);
        assert!(p.text.contains(r#"id="file-error""#));
        assert_eq!(count().await, before + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Trusted proxies
// ---------------------------------------------------------------------------------------------

async fn report_with_xff(app: &TestApp, xff: &str) -> StatusCode {
    // An unknown target: 422 when the bucket has a token, 429 when not (the limit comes first).
    app.client
        .post(app.url("/api/v1/reports"))
        .header("X-Forwarded-For", xff)
        .json(&json!({"target": "https://nowhere.example/x", "category": "other"}))
        .send()
        .await
        .unwrap()
        .status()
}

both_dbs! {
    async fn trusted_proxy_gives_each_client_its_bucket(backend: Backend) {
        let trusted = admin_app(backend, |c| {
            c.moderation.report_burst = 1;
            c.moderation.report_refill_secs = 3600;
            c.http.trusted_proxies = vec!["127.0.0.1/32".into(), "::1/128".into()];
        })
        .await;
        assert_eq!(report_with_xff(&trusted, "203.0.113.1").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report_with_xff(&trusted, "203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS);
        // Another client behind the same proxy has its own bucket; a forged left part does not
        // help (the rightmost untrusted address counts).
        assert_eq!(report_with_xff(&trusted, "203.0.113.2").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report_with_xff(&trusted, "198.51.100.9, 203.0.113.2").await, StatusCode::TOO_MANY_REQUESTS);
        // The public form uses the same key.
        let p = post(&trusted, "/report", None, &[("target", "x"), ("category", "other")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "no header: the proxy's own bucket, still full");
        trusted.stop().await;

        let untrusted = admin_app(backend, |c| {
            c.moderation.report_burst = 1;
            c.moderation.report_refill_secs = 3600;
        })
        .await;
        assert_eq!(report_with_xff(&untrusted, "203.0.113.1").await, StatusCode::UNPROCESSABLE_ENTITY);
        // The header is ignored: the same peer, the same (empty) bucket.
        assert_eq!(report_with_xff(&untrusted, "203.0.113.2").await, StatusCode::TOO_MANY_REQUESTS);
    }
}

both_dbs! {
    async fn staff_sign_in_limit_keys_on_the_client_behind_a_trusted_proxy(backend: Backend) {
        let app = admin_app(backend, |c| {
            c.web.login_attempts_per_ip = 1;
            c.web.login_attempts_per_account = 100;
            c.web.login_refill_secs = 3600;
            c.http.trusted_proxies = vec!["127.0.0.0/8".into()];
        })
        .await;
        let attempt = |xff: &'static str| {
            let app = &app;
            async move {
                let login = get(app, "/staff/login", &[]).await;
                let cookie = format!("psl_login_csrf={}", login.cookie_value("psl_login_csrf").unwrap());
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs([("email", ADMIN), ("password", "wrong password!"), ("csrf", login.csrf_field().as_str())])
                    .finish();
                app.client.post(app.url("/staff/login")).header("Cookie", cookie).header("X-Forwarded-For", xff)
                    .header("Content-Type", "application/x-www-form-urlencoded").body(body).send().await.unwrap().status()
            }
        };
        assert_eq!(attempt("192.0.2.10").await, StatusCode::UNAUTHORIZED);
        assert_eq!(attempt("192.0.2.10").await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(attempt("192.0.2.11").await, StatusCode::UNAUTHORIZED);
    }
}
