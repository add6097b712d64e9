//! Issue 9, operations: Prometheus metrics and their access control, request ids, the queue
//! and instance health report (JSON and the admin page), backups and their restore (SQLite
//! with `passerelle backup`, PostgreSQL with pg_dump/pg_restore), and secrets kept out of the
//! logs of a whole flow.
use std::{process::Stdio, time::Duration};

use passerelle::{
    accounts::{self, Role},
    db::entities::{delivery, follower, organization, site},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::{
    both_dbs,
    federation_network::{admin_token, api, create_service, follow_accepted, listed},
    harness::*,
    web::{get, post},
};

const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

/// `/metrics` as text (asserting 200).
async fn scrape(app: &TestApp) -> String {
    let resp = app.get("/metrics").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0"),
    );
    resp.text().await.unwrap()
}

/// The value of the sample `name{labels…}` (labels in the exported order), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

both_dbs! {
    async fn metrics_request_ids_and_access(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org("alpha").await;

        // A request id from the client is kept and returned; otherwise one is made.
        let resp = app.client.get(app.url("/healthz")).header("x-request-id", "req-42.abc").send().await.unwrap();
        assert_eq!(resp.headers()["x-request-id"], "req-42.abc");
        let made = app.get("/healthz").await.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(made.len(), 32, "{made}");
        let other = app.get("/healthz").await.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_ne!(made, other);
        // An unusable one (too long) is replaced.
        let long = "x".repeat(200);
        let resp = app.client.get(app.url("/healthz")).header("x-request-id", &long).send().await.unwrap();
        assert_ne!(resp.headers()["x-request-id"], long.as_str());

        for _ in 0..3 {
            assert_eq!(app.get_ap(app.url("/o/alpha").as_str()).await.status(), 200);
        }
        assert_eq!(app.get("/no/such/page").await.status(), 404);
        let text = scrape(&app).await;
        // Counted by route template, never by raw path.
        assert_eq!(
            sample(&text, r#"passerelle_http_requests_total{method="GET",route="/o/{slug}",status="200"}"#),
            3.0,
            "{text}"
        );
        assert!(!text.contains("route=\"/o/alpha\""), "{text}");
        assert!(!text.contains("/no/such/page"), "{text}");
        assert_eq!(
            sample(&text, r#"passerelle_http_requests_total{method="GET",route="unmatched",status="404"}"#),
            1.0,
            "{text}"
        );
        assert_eq!(
            sample(&text, r#"passerelle_http_request_duration_seconds_count{method="GET",route="/o/{slug}"}"#),
            3.0,
            "{text}"
        );
        assert_eq!(
            sample(&text, r#"passerelle_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/o/{slug}"}"#),
            3.0,
            "{text}"
        );
        // Database pool and queue gauges.
        assert_eq!(sample(&text, "passerelle_db_pool_max_connections{}"), 5.0, "{text}");
        assert!(text.contains("passerelle_db_pool_connections{state=\"idle\"}"), "{text}");
        assert!(text.contains("passerelle_delivery_queue_depth{instance=\"\"} 0.0"), "{text}");
        assert!(text.contains("# TYPE passerelle_inbox_activities counter"), "{text}");

        // Without a token, only direct loopback connections: a request a proxy forwarded is refused.
        for h in ["x-forwarded-for", "forwarded", "x-real-ip"] {
            let resp = app.client.get(app.url("/metrics")).header(h, "203.0.113.9").send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{h}");
        }

        // With a token: the bearer token is required, from anywhere.
        let secured = TestApp::spawn_with(backend, |c| c.metrics.token = "scrape-secret-1".into()).await;
        let resp = secured.get("/metrics").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(resp.headers()["www-authenticate"], "Bearer");
        let resp = secured.client.get(secured.url("/metrics")).bearer_auth("wrong").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let resp = secured.client.get(secured.url("/metrics")).bearer_auth("scrape-secret-1")
            .header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.text().await.unwrap().contains("passerelle_http_requests_total"));

        // Turned off: not there at all.
        let off = TestApp::spawn_with(backend, |c| c.metrics.enabled = false).await;
        assert_eq!(off.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    }
}

both_dbs! {
    async fn inbox_and_delivery_metrics_and_the_health_report(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let c = TestApp::spawn(backend).await;
        a.create_org("alpha").await;
        let (ta, tb, tc) = (admin_token(&a).await, admin_token(&b).await, admin_token(&c).await);
        follow_accepted(&b, &tb, &a, &ta).await;
        follow_accepted(&c, &tc, &a, &ta).await;
        let created = create_service(&a, &ta, "alpha", "Colis alimentaires").await;
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        for app in [&b, &c] {
            crate::federation_network::wait_listed(app, "services", &ap_id, |_| true).await;
        }
        // The follower counted a Create, accepted; the sender a delivery per follower.
        let text = scrape(&b).await;
        assert_eq!(
            sample(&text, r#"passerelle_inbox_activities_total{outcome="accepted",type="Create"}"#)
                + sample(&text, r#"passerelle_inbox_activities_total{type="Create",outcome="accepted"}"#),
            1.0,
            "{text}"
        );
        let text = scrape(&a).await;
        assert_eq!(
            sample(&text, r#"passerelle_inbox_activities_total{type="Follow",outcome="accepted"}"#),
            2.0,
            "{text}"
        );
        for follower in [&b, &c] {
            let series = format!(
                r#"passerelle_delivery_attempts_total{{instance="{}",outcome="delivered"}}"#,
                follower.domain
            );
            assert!(sample(&text, &series) >= 1.0, "{series}: {text}");
            let count = format!(
                r#"passerelle_delivery_duration_seconds_count{{instance="{}"}}"#,
                follower.domain
            );
            assert!(sample(&text, &count) >= 1.0, "{count}: {text}");
        }

        // The same activity delivered again (as after a worker died between sending and
        // recording): the receiver counts a duplicate and stores nothing twice.
        let row = delivery::Entity::find()
            .filter(delivery::Column::Domain.eq(b.domain.as_str()))
            .filter(delivery::Column::State.eq("done"))
            .all(&a.state.db).await.unwrap();
        let again = row.into_iter().max_by_key(|d| d.created_at).unwrap();
        let mut act: delivery::ActiveModel = again.into();
        act.state = Set("pending".into());
        act.next_attempt_at = Set(chrono::Utc::now());
        act.finished_at = Set(None);
        act.update(&a.state.db).await.unwrap();
        a.drain_deliveries().await;
        let text = eventually(20, || async {
            let t = scrape(&b).await;
            (sample(&t, r#"passerelle_inbox_activities_total{type="Create",outcome="duplicate"}"#) == 1.0).then_some(t)
        }).await.expect("the replay is counted as a duplicate");
        assert_eq!(
            sample(&text, r#"passerelle_inbox_activities_total{type="Create",outcome="accepted"}"#),
            1.0,
            "{text}"
        );
        assert_eq!(listed(&b, "services").await.len(), 1);

        // C goes away: deliveries to it fail and wait.
        let c_domain = c.domain.clone();
        c.stop().await;
        create_service(&a, &ta, "alpha", "Cours de français").await;
        // (The background worker may be the one that tries.)
        let series = format!(r#"passerelle_delivery_failures_total{{instance="{c_domain}"}}"#);
        let series = series.as_str();
        let a_ref = &a;
        let b_depth = format!(r#"passerelle_delivery_queue_depth{{instance="{}"}}"#, b.domain);
        let b_depth = b_depth.as_str();
        let text = eventually(20, || async move {
            a_ref.drain_deliveries().await;
            let t = scrape(a_ref).await;
            (sample(&t, series) >= 1.0 && !t.contains(b_depth))
                .then_some(t)
        })
        .await
        .expect("a failed delivery to the stopped instance, the other one delivered");
        let depth = format!(r#"passerelle_delivery_queue_depth{{instance="{c_domain}"}}"#);
        assert_eq!(sample(&text, &depth), 1.0, "{text}");
        assert!(sample(&text, "passerelle_delivery_queue_oldest_pending_seconds{}") > 0.0, "{text}");

        // The health report: admins only.
        let (status, _) = api(&a, Method::GET, "/api/v1/admin/health", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let moderator = a.token_for("mod@x", Role::Moderator, None).await;
        let (status, _) = api(&a, Method::GET, "/api/v1/admin/health", Some(&moderator), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, h) = api(&a, Method::GET, "/api/v1/admin/health", Some(&ta), None).await;
        assert_eq!(status, StatusCode::OK, "{h}");
        assert_eq!(h["queue"]["pending"], 1, "{h}");
        assert!(h["queue"]["oldest_pending_at"].is_string(), "{h}");
        assert!(h["queue"]["oldest_pending_age_secs"].as_i64().unwrap() >= 0, "{h}");
        let inst = |d: &str| h["instances"].as_array().unwrap().iter().find(|i| i["domain"] == d).cloned()
            .unwrap_or_else(|| panic!("{d} not in {h}"));
        let failing = inst(&c_domain);
        assert_eq!(failing["pending"], 1, "{h}");
        assert!(failing["consecutive_failures"].as_i64().unwrap() >= 1, "{h}");
        assert!(failing["last_failure_at"].is_string(), "{h}");
        assert!(failing["last_error"].is_string(), "{h}");
        assert!(failing["last_success_at"].is_string(), "{h}");
        let fine = inst(&b.domain);
        assert_eq!(fine["consecutive_failures"], 0, "{h}");
        assert_eq!(fine["pending"], 0, "{h}");
        assert!(fine["last_success_at"].is_string(), "{h}");
        // Failing instances first.
        assert_eq!(h["instances"][0]["domain"], c_domain.as_str(), "{h}");

        // The admin page shows the same; editors and moderators are refused; no session: sign in.
        let p = get(&a, "/staff/admin/health", &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/staff/login");
        accounts::set_password(&a.state.db, "admin@x", "admin password 1").await.unwrap();
        let cookie = sign_in(&a, "admin@x", "admin password 1").await;
        let p = get(&a, "/staff/admin/health?lang=en", &[("Cookie", cookie.as_str())]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_eq!(p.headers["cache-control"], "no-store");
        assert!(p.text.contains("Queue and instance health"), "{}", p.text);
        assert!(p.text.contains(r#"<dd id="ops-pending">1</dd>"#), "{}", p.text);
        assert!(p.text.contains(&c_domain) && p.text.contains(&b.domain), "{}", p.text);
        let p = get(&a, "/staff/admin/health?lang=fr", &[("Cookie", cookie.as_str())]).await;
        assert!(p.text.contains("File d’envoi et santé des instances"), "{}", p.text);
        accounts::set_password(&a.state.db, "mod@x", "moderator password").await.unwrap();
        let cookie = sign_in(&a, "mod@x", "moderator password").await;
        let p = get(&a, "/staff/admin/health?lang=en", &[("Cookie", cookie.as_str())]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert!(p.text.contains("Administrators only"), "{}", p.text);
    }
}

/// Sign in on the web; the session cookie as a Cookie header value.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let form = get(app, "/staff/login", &[]).await;
    let csrf = form.csrf_field();
    let cookie = format!(
        "psl_login_csrf={}",
        form.cookie_value("psl_login_csrf").unwrap()
    );
    let p = post(
        app,
        "/staff/login",
        Some(&cookie),
        &[
            ("email", email),
            ("password", password),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    format!("psl_session={}", p.cookie_value("psl_session").unwrap())
}

// ---------------------------------------------------------------------------------------------
// Backups
// ---------------------------------------------------------------------------------------------

/// Run `passerelle <args>` against `db_url` (and `domain`); (exit code, stdout, stderr).
async fn command(db_url: &str, domain: &str, args: &[&str]) -> (Option<i32>, String, String) {
    command_with(db_url, domain, args, &[]).await
}

/// [`command`] with more environment variables.
async fn command_with(
    db_url: &str,
    domain: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.envs(env.iter().copied());
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.env("PASSERELLE__DATABASE__URL", db_url)
        .env("PASSERELLE__INSTANCE__DOMAIN", domain)
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("passerelle finished")
        .expect("passerelle ran");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a restore must give back: entries, keys, followers.
struct Snapshot {
    services: Vec<String>,
    site_key: String,
    org_key: String,
    followers: Vec<String>,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let db = &app.state.db;
    let mut services: Vec<String> = listed(app, "services")
        .await
        .iter()
        .map(|e| e["ap_id"].as_str().unwrap().to_string())
        .collect();
    services.sort();
    let mut followers: Vec<String> = follower::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| format!("{} {} {}", f.local_actor_ap_id, f.remote_actor_id, f.state))
        .collect();
    followers.sort();
    Snapshot {
        services,
        site_key: site::Entity::find_by_id(1)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .private_key_pem,
        org_key: organization::Entity::find()
            .filter(organization::Column::Slug.eq("alpha"))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .private_key_pem,
        followers,
    }
}

/// The restored instance answers with the same keys and entries over HTTP too.
async fn check_restored(restored: &TestApp, before: &Snapshot, original: &TestApp) {
    let after = snapshot(restored).await;
    assert_eq!(after.services, before.services);
    assert_eq!(after.site_key, before.site_key);
    assert_eq!(after.org_key, before.org_key);
    assert_eq!(after.followers, before.followers);
    assert!(!after.followers.is_empty());
    // The actor document serves the same public key as the original.
    let mut keys = Vec::new();
    for app in [restored, original] {
        let doc: Value = app
            .get_ap(app.url("/o/alpha").as_str())
            .await
            .json()
            .await
            .unwrap();
        keys.push(doc["publicKey"]["publicKeyPem"].clone());
    }
    assert!(keys[0].is_string());
    assert_eq!(keys[0], keys[1]);
}

/// An instance with an organisation, entries and an instance follower.
async fn filled(backend: Backend) -> (TestApp, TestApp, String) {
    let a = TestApp::spawn(backend).await;
    let b = TestApp::spawn(Backend::Sqlite).await;
    a.create_org("alpha").await;
    let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
    follow_accepted(&b, &tb, &a, &ta).await;
    for i in 0..5 {
        create_service(&a, &ta, "alpha", &format!("Permanence {i}")).await;
    }
    (a, b, ta)
}

/// Start an instance on `db_url` with `original`'s domain (ids), on a new port.
async fn start_restored(backend: Backend, db: TestDb, original: &TestApp) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = test_config(&db.url);
    config.server.bind = listener.local_addr().unwrap();
    config.instance.domain = original.domain.clone();
    // Nothing leaves the restored copy (the original still runs).
    config.delivery.run_in_server = false;
    let mut app = TestApp::start(backend, db, config, listener).await;
    // Requests go to the copy's own port.
    app.base = url::Url::parse(&format!("http://{}/", app.config.server.bind)).unwrap();
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_while_serving_and_restore() {
    let (a, _b, ta) = filled(Backend::Sqlite).await;
    // Uploaded files in `media.dir`, away from the database (the default puts them beside it).
    let uploads = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(uploads.path().join("logos")).unwrap();
    std::fs::write(uploads.path().join("logos/alpha.png"), b"\x89PNG fake logo").unwrap();
    let media_env = [("PASSERELLE__MEDIA__DIR", uploads.path().to_str().unwrap())];
    let before = snapshot(&a).await;

    // Writes go on while the backup runs.
    let writer = {
        let a_url = a.url("/api/v1/services").to_string();
        let token = ta.clone();
        let client = a.client.clone();
        tokio::spawn(async move {
            for i in 0..15 {
                let body =
                    crate::federation_network::service_body("alpha", &format!("Pendant {i}"));
                let r = client
                    .post(&a_url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
            }
        })
    };
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("backup-1");
    let (code, stdout, stderr) = command_with(
        &a.db.url,
        &a.domain,
        &["backup", target.to_str().unwrap()],
        &media_env,
    )
    .await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("1 media file(s)"), "{stdout}");
    writer.await.unwrap();
    assert!(target.join("passerelle.db").is_file());
    assert_eq!(
        std::fs::read(target.join("media/logos/alpha.png")).unwrap(),
        b"\x89PNG fake logo"
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["database"], "passerelle.db");
    assert_eq!(manifest["media_files"], 1);

    // Never over an existing directory (the first backup stays as it was).
    let (code, _, stderr) =
        command(&a.db.url, &a.domain, &["backup", target.to_str().unwrap()]).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        manifest,
        serde_json::from_slice::<Value>(&std::fs::read(target.join("manifest.json")).unwrap())
            .unwrap()
    );

    // Restore: a fresh data directory with the copied files, then start.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(
        target.join("passerelle.db"),
        fresh.path().join("passerelle.db"),
    )
    .unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        fresh.path().join("passerelle.db").display()
    );
    let restored = start_restored(Backend::Sqlite, TestDb::sqlite_in(fresh, url), &a).await;
    // Everything there before the backup began is there; what was written during it is there
    // whole or not at all (a consistent snapshot), never half.
    let after = snapshot(&restored).await;
    for s in &before.services {
        assert!(after.services.contains(s), "{s} lost");
    }
    assert!(after.services.len() <= before.services.len() + 15);
    let all = snapshot(&a).await;
    for s in &after.services {
        assert!(all.services.contains(s), "{s} restored but never created");
    }
    let restored_before = Snapshot {
        services: after.services.clone(),
        ..before
    };
    check_restored(&restored, &restored_before, &a).await;
    // The restored instance serves and takes writes.
    let t = accounts::create_token(&restored.state.db, "admin@x")
        .await
        .unwrap();
    create_service(&restored, &t, "alpha", "Après restauration").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_with_pg_dump_and_restore() {
    let (a, _b, _ta) = filled(Backend::Postgres).await;
    // `passerelle backup` explains the PostgreSQL tools and writes nothing.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("b");
    let (code, _, stderr) =
        command(&a.db.url, &a.domain, &["backup", target.to_str().unwrap()]).await;
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("pg_dump") && stderr.contains("pg_restore"),
        "{stderr}"
    );
    assert!(!target.exists());

    let before = snapshot(&a).await;
    // The documented commands (docs/operations.md), while the instance serves.
    let dump = out.path().join("passerelle.dump");
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&a.db.url)
        .status()
        .expect("pg_dump must be installed (it comes with PostgreSQL)");
    assert!(status.success());
    let fresh = TestDb::new(Backend::Postgres).await;
    let status = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&fresh.url)
        .arg(&dump)
        .status()
        .expect("pg_restore must be installed");
    assert!(status.success());
    let restored = start_restored(Backend::Postgres, fresh, &a).await;
    check_restored(&restored, &before, &a).await;
    let n = delivery::Entity::find()
        .count(&restored.state.db)
        .await
        .unwrap();
    assert_eq!(
        n,
        delivery::Entity::find().count(&a.state.db).await.unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets stay out of the logs
// ---------------------------------------------------------------------------------------------

/// A whole flow on a real `passerelle serve` process with JSON logs at the most verbose level
/// of our own code: staff created with a password, an API token, a web sign-in, entries
/// published and delivered to a follower. No private key, password, token, session secret or
/// CSRF token appears in the logs; every line is JSON; request and activity ids are there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_the_logs_of_a_whole_flow() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let domain = format!("localhost:{port}");
    let password = "a long secret password 7";
    let env = |cmd: &mut tokio::process::Command| {
        for (k, _) in std::env::vars() {
            if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
                cmd.env_remove(k);
            }
        }
        cmd.env("PASSERELLE__DATABASE__URL", &db_url)
            .env("PASSERELLE__INSTANCE__DOMAIN", &domain)
            .env("PASSERELLE__SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("PASSERELLE__SERVER__LOG_FORMAT", "json")
            .env("PASSERELLE__SERVER__LOG_LEVEL", "debug,passerelle=trace")
            .env("PASSERELLE__DELIVERY__BACKOFF_BASE_SECS", "1")
            .env("NO_COLOR", "1")
            .kill_on_drop(true);
    };
    let mut logs = String::new();
    let run = |args: &'static [&'static str], stdin: Option<&'static str>| {
        let mut cmd = tokio::process::Command::new(BIN);
        env(&mut cmd);
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        async move {
            use tokio::io::AsyncWriteExt;
            let mut child = cmd.spawn().unwrap();
            if let Some(input) = stdin {
                let mut pipe = child.stdin.take().unwrap();
                pipe.write_all(input.as_bytes()).await.unwrap();
            }
            let out = child.wait_with_output().await.unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }
    };
    let (_, err) = run(&["migrate"], None).await;
    logs.push_str(&err);
    let (_, err) = run(&["org", "create", "alpha", "--name", "Alpha"], None).await;
    logs.push_str(&err);
    let (_, err) = run(
        &["user", "create", "admin@x.example", "--role", "admin"],
        Some("a long secret password 7\n"),
    )
    .await;
    logs.push_str(&err);
    let (out, err) = run(&["token", "create", "admin@x.example"], None).await;
    logs.push_str(&err);
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(token.len() >= 32);

    let mut server = tokio::process::Command::new(BIN);
    env(&mut server);
    let mut server = server
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{domain}/");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    eventually(60, || {
        let c = client.clone();
        let u = format!("{base}readyz");
        async move {
            c.get(u)
                .send()
                .await
                .ok()
                .filter(|r| r.status() == 200)
                .map(|_| ())
        }
    })
    .await
    .expect("the server started");

    // A follower instance (in this process) follows ours; the server accepts it by hand.
    let b = TestApp::spawn(Backend::Sqlite).await;
    let tb = admin_token(&b).await;
    let (status, f) = api(
        &b,
        Method::POST,
        "/api/v1/admin/instance-follows",
        Some(&tb),
        Some(json!({"target": domain})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    let req_id = eventually(30, || {
        let c = client.clone();
        let (u, t) = (
            format!("{base}api/v1/admin/instance-follow-requests"),
            token.clone(),
        );
        async move {
            let v: Value = c
                .get(u)
                .bearer_auth(t)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            v["items"].as_array()?.first()?["id"]
                .as_str()
                .map(str::to_string)
        }
    })
    .await
    .expect("the follow request arrived");
    let r = client
        .post(format!(
            "{base}api/v1/admin/instance-follow-requests/{req_id}/accept"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    crate::federation_network::wait_follow_state(&b, &tb, f["id"].as_str().unwrap(), "accepted")
        .await;

    // Entries published with the token, delivered to the follower.
    let mut ids = Vec::new();
    for i in 0..2 {
        let r = client
            .post(format!("{base}api/v1/services"))
            .bearer_auth(&token)
            .header("x-request-id", format!("flow-request-{i}"))
            .json(&crate::federation_network::service_body(
                "alpha",
                &format!("Service {i}"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(
            r.json::<Value>().await.unwrap()["ap_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    for id in &ids {
        crate::federation_network::wait_listed(&b, "services", id, |_| true).await;
    }

    // A web sign-in (the password and the CSRF token go over the wire) and a page.
    let form = client
        .get(format!("{base}staff/login"))
        .send()
        .await
        .unwrap();
    let login_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|c| {
            c.to_str()
                .ok()?
                .strip_prefix("psl_login_csrf=")
                .map(|v| v.split(';').next().unwrap().to_string())
        })
        .unwrap();
    let r = client
        .post(format!("{base}staff/login"))
        .header("Cookie", format!("psl_login_csrf={login_cookie}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("email", "admin@x.example"),
                    ("password", password),
                    ("csrf", login_cookie.as_str()),
                ])
                .finish(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|c| {
            c.to_str()
                .ok()?
                .strip_prefix("psl_session=")
                .map(|v| v.split(';').next().unwrap().to_string())
        })
        .unwrap();
    let page = client
        .get(format!("{base}staff/admin/health"))
        .header("Cookie", format!("psl_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let csrf = regex::Regex::new(r#"name="csrf" value="([^"]*)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();

    // Stop the server (SIGTERM through kill(1)) and read everything it wrote.
    let pid = server.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let out = tokio::time::timeout(Duration::from_secs(30), async {
        use tokio::io::AsyncReadExt;
        let mut o = String::new();
        let mut e = String::new();
        server
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut o)
            .await
            .unwrap();
        server
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut e)
            .await
            .unwrap();
        server.wait().await.unwrap();
        o + &e
    })
    .await
    .expect("the server stopped");
    logs.push_str(&out);

    // The secrets of this flow, read from the database.
    let db = passerelle::db::connect(&test_config(&db_url))
        .await
        .unwrap();
    let site_key = site::Entity::find_by_id(1)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .private_key_pem;
    let org_key = organization::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .private_key_pem;
    let key_body = |pem: &str| pem.lines().nth(1).unwrap().to_string();
    assert!(logs.len() > 1000, "too few logs to mean anything: {logs}");
    for (what, secret) in [
        ("PEM header", "PRIVATE KEY".to_string()),
        ("instance key", key_body(&site_key)),
        ("organisation key", key_body(&org_key)),
        ("password", password.to_string()),
        ("API token", token.clone()),
        ("session secret", session.clone()),
        ("CSRF token", csrf.clone()),
        ("sign-in CSRF token", login_cookie.clone()),
    ] {
        assert!(!logs.contains(&secret), "the {what} is in the logs");
    }
    // JSON lines, with request ids (the client's when given) and activity ids.
    let lines: Vec<Value> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let has = |f: &dyn Fn(&Value) -> bool| lines.iter().any(f);
    assert!(
        has(&|l| l["span"]["request_id"] == "flow-request-0"),
        "{out}"
    );
    assert!(
        has(&|l| l["spans"].as_array().is_some_and(|s| s
            .iter()
            .any(|s| s["name"] == "inbox" && s["activity"].is_string()))),
        "{out}"
    );
    assert!(
        has(&|l| l["spans"].as_array().is_some_and(|s| s
            .iter()
            .any(|s| s["name"] == "delivery" && s["activity"].is_string()))),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Key rotation
// ---------------------------------------------------------------------------------------------

/// `passerelle key rotate <org>` while the server runs: the actor serves the new public key, an
/// Update goes to the followers, and what the organisation publishes next is signed with the
/// new key and accepted by a follower that had cached the old one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_key_rotated_while_serving_keeps_federating() {
    let a = TestApp::spawn(Backend::Sqlite).await;
    let b = TestApp::spawn(Backend::Sqlite).await;
    a.create_org("alpha").await;
    let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
    follow_accepted(&b, &tb, &a, &ta).await;
    let first = create_service(&a, &ta, "alpha", "Avant la rotation").await;
    crate::federation_network::wait_listed(
        &b,
        "services",
        first["ap_id"].as_str().unwrap(),
        |_| true,
    )
    .await;
    let key = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            organization::Entity::find()
                .filter(organization::Column::Slug.eq("alpha"))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let old = key(&a).await;

    let (code, stdout, stderr) = command(&a.db.url, &a.domain, &["key", "rotate", "alpha"]).await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let new = key(&a).await;
    assert_ne!(new.private_key_pem, old.private_key_pem);
    assert_ne!(new.public_key_pem, old.public_key_pem);
    let doc: Value = a
        .get_ap(a.url("/o/alpha").as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["publicKey"]["publicKeyPem"],
        new.public_key_pem.as_str()
    );
    // An Update of the actor, for its followers.
    let update = passerelle::db::entities::activity::Entity::find()
        .filter(passerelle::db::entities::activity::Column::Kind.eq("Update"))
        .filter(
            passerelle::db::entities::activity::Column::ObjectApId.eq(a.url("/o/alpha").as_str()),
        )
        .one(&a.state.db)
        .await
        .unwrap()
        .expect("an Update of the actor");
    let json: Value = serde_json::from_str(&update.json).unwrap();
    assert_eq!(
        json["object"]["publicKey"]["publicKeyPem"],
        new.public_key_pem.as_str()
    );
    let queued = delivery::Entity::find()
        .filter(delivery::Column::ActivityId.eq(update.id))
        .count(&a.state.db)
        .await
        .unwrap();
    assert_eq!(queued, 1, "the Update goes to the follower");

    // Signed with the new key, accepted by the follower (which fetches the actor again).
    let second = create_service(&a, &ta, "alpha", "Après la rotation").await;
    crate::federation_network::wait_listed(
        &b,
        "services",
        second["ap_id"].as_str().unwrap(),
        |_| true,
    )
    .await;

    // The instance key: rotated with every process stopped.
    let (db, config) = a.stop().await;
    let before = {
        let c = passerelle::db::connect(&config).await.unwrap();
        site::Entity::find_by_id(1)
            .one(&c)
            .await
            .unwrap()
            .unwrap()
            .private_key_pem
    };
    let (code, stdout, stderr) = command(
        &db.url,
        &config.instance.domain,
        &["key", "rotate", "--instance"],
    )
    .await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("restart"), "{stdout}");
    let c = passerelle::db::connect(&config).await.unwrap();
    let after = site::Entity::find_by_id(1)
        .one(&c)
        .await
        .unwrap()
        .unwrap()
        .private_key_pem;
    assert_ne!(before, after);
    // Neither or both: a slug and --instance together are refused.
    let (code, _, stderr) = command(
        &db.url,
        &config.instance.domain,
        &["key", "rotate", "alpha", "--instance"],
    )
    .await;
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, _) = command(&db.url, &config.instance.domain, &["key", "rotate"]).await;
    assert_eq!(code, Some(2));
    let (code, _, stderr) = command(
        &db.url,
        &config.instance.domain,
        &["key", "rotate", "nobody"],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no organisation nobody"), "{stderr}");
}
