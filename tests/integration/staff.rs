//! Staff pages: sign-in (sessions, CSRF, rate limits), dashboard, sign-out, password change.
use passerelle::{
    accounts::{self, Role},
    db::entities::staff_session,
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use sha2::Digest;

use crate::{
    both_dbs,
    harness::*,
    web::{ORG, PASSWORD, Page, assert_security_headers, create_service, get, post},
};

// ---------------------------------------------------------------------------------------------
// Staff sign-in
// ---------------------------------------------------------------------------------------------

const EDITOR: &str = "editor@accueil-lille.example";

async fn staff_app(
    backend: Backend,
    tweak: impl FnOnce(&mut passerelle::config::Config),
) -> TestApp {
    let app = TestApp::spawn_with(backend, tweak).await;
    app.create_org(ORG).await;
    accounts::create_user(&app.state.db, EDITOR, PASSWORD, Role::Editor, Some(ORG))
        .await
        .unwrap();
    app
}

/// The sign-in form: its CSRF cookie (as a Cookie header value) and field.
async fn login_form(app: &TestApp) -> (String, String) {
    let p = get(app, "/staff/login", &[]).await;
    assert_eq!(p.status, 200);
    assert_eq!(p.headers["cache-control"], "no-store");
    let value = p
        .cookie_value("psl_login_csrf")
        .expect("a CSRF cookie with the form");
    let field = p.csrf_field();
    assert_eq!(value, field);
    (format!("psl_login_csrf={value}"), field)
}

async fn try_login(app: &TestApp, email: &str, password: &str) -> Page {
    let (cookie, csrf) = login_form(app).await;
    post(
        app,
        "/staff/login",
        Some(&cookie),
        &[
            ("email", email),
            ("password", password),
            ("csrf", csrf.as_str()),
        ],
    )
    .await
}

/// Sign in; returns the session cookie as a Cookie header value.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let p = try_login(app, email, password).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    assert_eq!(p.location(), "/staff");
    format!(
        "psl_session={}",
        p.cookie_value("psl_session").expect("a session cookie")
    )
}

both_dbs! {
    async fn staff_sign_in_dashboard_and_sign_out(backend: Backend) {
        let app = staff_app(backend, |_| {}).await;
        let token = accounts::create_token(&app.state.db, EDITOR).await.unwrap();
        let created = create_service(&app, &token, json!({
            "organization": ORG, "name": "Permanence juridique", "description": "Conseils.",
            "categories": ["legal"], "languages": ["fr"], "online_url": "https://example.org/j"
        })).await;

        // Not signed in: sent to the form.
        let p = get(&app, "/staff", &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/staff/login");
        let p = get(&app, "/staff/login?lang=fr", &[]).await;
        assert_security_headers("/staff/login", &p);
        assert!(p.text.contains("Connexion des équipes") && p.text.contains("Mot de passe"), "{}", p.text);
        assert!(p.text.contains(r#"<label for="email">"#) && p.text.contains(r#"<label for="password">"#));

        // Sign in (the email's case does not matter).
        let p = try_login(&app, "Editor@Accueil-Lille.example", PASSWORD).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let set = p.cookie("psl_session").expect("session cookie");
        for attr in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=43200"] {
            assert!(set.contains(attr), "{set} lacks {attr}");
        }
        assert!(!set.contains("Secure"), "http instance: {set}");
        let secret = p.cookie_value("psl_session").unwrap();
        assert!(secret.len() >= 43, "256 bits: {secret}");
        let session = format!("psl_session={secret}");
        // The database has the hash, never the secret.
        let rows = staff_session::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        let hex: String = sha2::Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(rows[0].id_hash, hex);
        assert!(rows[0].id_hash != secret && rows[0].csrf_token != secret);

        // The dashboard: the organisation and its entry, linked.
        let p = get(&app, "/staff", &[("Cookie", &session)]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert_eq!(p.headers["cache-control"], "no-store");
        assert_security_headers("/staff", &p);
        assert!(p.text.contains(&format!("Signed in as {EDITOR}")), "{}", p.text);
        assert!(p.text.contains(&format!("Organisation {ORG}")), "{}", p.text);
        assert!(p.text.contains(&format!(r#"href="{}""#, created["ap_id"].as_str().unwrap())), "{}", p.text);
        assert!(p.text.contains(">Permanence juridique<"));
        assert!(p.text.contains("Editor"));
        let csrf = p.csrf_field();
        assert_eq!(csrf, rows[0].csrf_token);
        // A signed-in user asking for the form goes to the dashboard.
        let p = get(&app, "/staff/login", &[("Cookie", &session)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);

        // Sign out without the token, or with another: refused, still signed in.
        for form in [vec![], vec![("csrf", "forged")]] {
            let p = post(&app, "/staff/logout", Some(&session), &form).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{form:?}");
            assert!(p.text.contains("This form cannot be accepted"), "{}", p.text);
            assert_security_headers("403", &p);
            assert_eq!(get(&app, "/staff", &[("Cookie", &session)]).await.status, 200);
        }
        // With it: the session ends, the cookie is cleared, and the old cookie is worthless.
        let p = post(&app, "/staff/logout", Some(&session), &[("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/staff/login");
        let cleared = p.cookie("psl_session").expect("cleared cookie");
        assert!(cleared.starts_with("psl_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
        assert_eq!(staff_session::Entity::find().count(&app.state.db).await.unwrap(), 0);
        let p = get(&app, "/staff", &[("Cookie", &session)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/staff/login");

        // An administrator sees every organisation.
        app.create_org("rhein-hilfe").await;
        accounts::create_user(&app.state.db, "admin@example.org", PASSWORD, Role::Admin, None).await.unwrap();
        let admin = sign_in(&app, "admin@example.org", PASSWORD).await;
        let p = get(&app, "/staff?lang=it", &[("Cookie", &admin)]).await;
        assert!(p.text.contains("Organisation rhein-hilfe") && p.text.contains(&format!("Organisation {ORG}")));
        assert!(p.text.contains("Amministratore") && p.text.contains("Le tue organizzazioni"), "{}", p.text);
    }
}

both_dbs! {
    async fn wrong_password_and_unknown_account_look_the_same(backend: Backend) {
        let app = staff_app(backend, |_| {}).await;
        let wrong = try_login(&app, EDITOR, "not the password").await;
        let unknown = try_login(&app, "nobody@example.org", "not the password").await;
        for (what, p) in [("wrong password", &wrong), ("unknown account", &unknown)] {
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{what}");
            assert!(p.text.contains("The email address or the password is not right."), "{what}: {}", p.text);
            assert!(p.cookie("psl_session").is_none(), "{what}");
            // The typed address is kept; the password never comes back.
            assert!(!p.text.contains("not the password"), "{what}");
        }
        assert!(wrong.text.contains(&format!(r#"value="{EDITOR}""#)), "{}", wrong.text);
        assert!(unknown.text.contains(r#"value="nobody@example.org""#));
        assert_eq!(staff_session::Entity::find().count(&app.state.db).await.unwrap(), 0);

        // Empty fields: named beside the field, in the reader's language.
        let (cookie, csrf) = login_form(&app).await;
        let p = post(&app, "/staff/login?lang=es", Some(&cookie), &[("email", "x@example.org"), ("password", ""), ("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.text.contains(r#"<p class="field-error" id="password-error">Rellena este campo.</p>"#), "{}", p.text);
        assert!(p.text.contains(r#"aria-describedby="password-error""#));
        assert!(!p.text.contains("email-error"));
        assert!(p.text.contains(r#"value="x@example.org""#));
    }
}

both_dbs! {
    async fn sign_in_form_needs_its_csrf_token(backend: Backend) {
        let app = staff_app(backend, |_| {}).await;
        let (cookie, csrf) = login_form(&app).await;
        let good = [("email", EDITOR), ("password", PASSWORD)];
        // No cookie, no field, a field that is not the cookie's: 403, nobody signed in.
        let cases: Vec<(Option<&str>, Option<&str>)> = vec![
            (None, Some(csrf.as_str())),
            (Some(cookie.as_str()), None),
            (Some(cookie.as_str()), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
            (Some("psl_login_csrf="), Some("")),
        ];
        for (c, field) in cases {
            let mut form = good.to_vec();
            if let Some(f) = field {
                form.push(("csrf", f));
            }
            let p = post(&app, "/staff/login", c, &form).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{c:?} {field:?}");
            assert!(p.text.contains("This form cannot be accepted"), "{}", p.text);
            assert!(p.cookie("psl_session").is_none());
        }
        assert_eq!(staff_session::Entity::find().count(&app.state.db).await.unwrap(), 0);
        // The right pair works.
        let mut form = good.to_vec();
        form.push(("csrf", csrf.as_str()));
        let p = post(&app, "/staff/login", Some(&cookie), &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    }
}

both_dbs! {
    async fn sign_in_attempts_are_limited_per_account_and_per_address(backend: Backend) {
        let app = staff_app(backend, |c| {
            c.web.login_attempts_per_account = 3;
            c.web.login_attempts_per_ip = 5;
            c.web.login_refill_secs = 3600;
        })
        .await;
        accounts::create_user(&app.state.db, "other@accueil-lille.example", PASSWORD, Role::Editor, Some(ORG))
            .await
            .unwrap();
        for _ in 0..3 {
            assert_eq!(try_login(&app, EDITOR, "guess").await.status, StatusCode::UNAUTHORIZED);
        }
        // The account's bucket is empty: even the right password waits.
        let p = try_login(&app, EDITOR, PASSWORD).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.text);
        assert!(p.text.contains("Too many sign-in attempts"), "{}", p.text);
        assert_eq!(p.headers["retry-after"], "3600");
        assert!(p.cookie("psl_session").is_none());
        // Another account from the same address still gets in (5th attempt from here) ...
        sign_in(&app, "other@accueil-lille.example", PASSWORD).await;
        // ... but the address's bucket is now empty too.
        let p = try_login(&app, "other@accueil-lille.example", PASSWORD).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

both_dbs! {
    async fn an_expired_session_signs_out(backend: Backend) {
        let app = staff_app(backend, |_| {}).await;
        let session = sign_in(&app, EDITOR, PASSWORD).await;
        assert_eq!(get(&app, "/staff", &[("Cookie", &session)]).await.status, 200);
        let row = staff_session::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert!(row.expires_at > chrono::Utc::now() + chrono::Duration::hours(11));
        let mut a: staff_session::ActiveModel = row.into();
        a.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
        a.update(&app.state.db).await.unwrap();
        let p = get(&app, "/staff", &[("Cookie", &session)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/staff/login");
        // The expired row is gone.
        assert_eq!(staff_session::Entity::find().count(&app.state.db).await.unwrap(), 0);
        // A made-up cookie is nobody.
        let p = get(&app, "/staff/password", &[("Cookie", "psl_session=made-up")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
    }
}

both_dbs! {
    async fn change_password(backend: Backend) {
        let app = staff_app(backend, |_| {}).await;
        let other_device = sign_in(&app, EDITOR, PASSWORD).await;
        let session = sign_in(&app, EDITOR, PASSWORD).await;
        let p = get(&app, "/staff/password", &[("Cookie", &session)]).await;
        assert_eq!(p.status, 200);
        let csrf = p.csrf_field();
        let new = "a brand new passphrase";

        // Without the token, or with the other session's: 403 and nothing changes.
        let other_csrf = get(&app, "/staff/password", &[("Cookie", &other_device)]).await.csrf_field();
        assert_ne!(other_csrf, csrf);
        for token in [None, Some(other_csrf.as_str())] {
            let mut form = vec![("current", PASSWORD), ("new", new), ("confirm", new)];
            if let Some(t) = token {
                form.push(("csrf", t));
            }
            let p = post(&app, "/staff/password", Some(&session), &form).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{token:?}");
            assert!(p.text.contains("This form cannot be accepted"));
        }
        let user = accounts::find_user(&app.state.db, EDITOR).await.unwrap().unwrap();
        assert!(accounts::verify_password(&user.password_hash, PASSWORD));

        // Errors beside their fields; the passwords are never sent back.
        let cases = [
            ("wrong current", vec![("current", "not it"), ("new", new), ("confirm", new)], "current", "This is not your current password."),
            ("too short", vec![("current", PASSWORD), ("new", "short"), ("confirm", "short")], "new", "The password must be at least 10 characters long."),
            ("mismatch", vec![("current", PASSWORD), ("new", new), ("confirm", "a brand new passphrasE")], "confirm", "The two new passwords are not the same."),
        ];
        for (what, mut form, field, message) in cases {
            form.push(("csrf", csrf.as_str()));
            let p = post(&app, "/staff/password", Some(&session), &form).await;
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(
                p.text.contains(&format!(r#"<p class="field-error" id="{field}-error">{message}</p>"#)),
                "{what}: {}", p.text
            );
            assert!(!p.text.contains(new) && !p.text.contains(PASSWORD), "{what}: a password came back");
        }
        let user = accounts::find_user(&app.state.db, EDITOR).await.unwrap().unwrap();
        assert!(accounts::verify_password(&user.password_hash, PASSWORD));

        // In Ukrainian, the length rule with its plural.
        let p = post(&app, "/staff/password?lang=uk", Some(&session),
            &[("current", PASSWORD), ("new", "short"), ("confirm", "short"), ("csrf", csrf.as_str())]).await;
        assert!(p.text.contains("Пароль має містити щонайменше 10 символів."), "{}", p.text);

        // The change.
        let p = post(&app, "/staff/password", Some(&session),
            &[("current", PASSWORD), ("new", new), ("confirm", new), ("csrf", csrf.as_str())]).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert!(p.text.contains("Your password has been changed."), "{}", p.text);
        // This session goes on; the other device's ended.
        assert_eq!(get(&app, "/staff", &[("Cookie", &session)]).await.status, 200);
        assert_eq!(get(&app, "/staff", &[("Cookie", &other_device)]).await.status, StatusCode::SEE_OTHER);
        let left = staff_session::Entity::find()
            .filter(staff_session::Column::UserId.eq(user.id))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(left, 1);
        // The old password no longer works; the new one does.
        assert_eq!(try_login(&app, EDITOR, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        sign_in(&app, EDITOR, new).await;
    }
}
