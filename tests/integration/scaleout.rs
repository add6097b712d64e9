//! Issue 9, scale-out on PostgreSQL: two `passerelle serve` processes (the compiled binary)
//! answer for one public address on one database, with a `passerelle worker` process beside
//! them; entries created through both servers reach every follower exactly once. Then the
//! worker is killed in the middle of a fan-out and another started: nothing is lost, and
//! nothing is applied twice.
//!
//! PostgreSQL only (this is about PostgreSQL scale-out); like every PostgreSQL test here it
//! fails, never skips, when PostgreSQL is absent. The followers are real Passerelle instances
//! in this process (SQLite), which count what their inboxes receive.
use std::{path::Path, process::Stdio};

use passerelle::{
    accounts::{self, NewOrganization, Role},
    db::entities::{activity, delivery},
    directory::model::LangMap,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    federation_network::{admin_token, api, listed, service_body, wait_follow_state},
    harness::*,
};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What the tests of whole processes share: a database, three receiving instances (in this
/// process, SQLite), a free port for the instance under test and one configuration file for
/// its processes, which accepts the receivers' follows automatically and retries fast.
pub(crate) struct Deployment {
    pub db: TestDb,
    pub receivers: Vec<TestApp>,
    pub port: u16,
    pub domain: String,
    pub config: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Deployment {
    /// `delivery`: more lines for the `[delivery]` section (e.g. `run_in_server = false\n`).
    pub(crate) async fn new(backend: Backend, delivery: &str) -> Deployment {
        let db = TestDb::new(backend).await;
        let receivers = vec![
            TestApp::spawn(Backend::Sqlite).await,
            TestApp::spawn(Backend::Sqlite).await,
            TestApp::spawn(Backend::Sqlite).await,
        ];
        let port = free_port();
        let domain = format!("localhost:{port}");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("passerelle.toml");
        let accepted: Vec<String> = receivers
            .iter()
            .map(|r| format!("{:?}", r.domain))
            .collect();
        std::fs::write(
            &config,
            format!(
                "[server]\nbind = \"127.0.0.1:{port}\"\nlog_level = \"warn,passerelle=info\"\n\
                 [instance]\ndomain = \"{domain}\"\n\
                 [database]\nurl = \"{}\"\nmax_connections = 4\n\
                 [federation]\nallow_insecure = true\nrequest_timeout_secs = 3\n\
                 auto_accept_instances = [{}]\n\
                 [delivery]\n{delivery}backoff_base_secs = 1\nbackoff_max_secs = 2\n\
                 lease_secs = 5\nconcurrency = 4\n",
                db.url,
                accepted.join(", ")
            ),
        )
        .unwrap();
        Deployment {
            db,
            receivers,
            port,
            domain,
            config,
            _dir: dir,
        }
    }

    /// A connection of the test's own to the shared database (at most `connections`).
    pub(crate) async fn connect(&self, connections: u32) -> DatabaseConnection {
        let mut cfg = test_config(&self.db.url);
        cfg.database.max_connections = connections;
        passerelle::db::connect(&cfg).await.unwrap()
    }

    /// Each receiver's instance follows ours, and waits for the Accept (sent automatically by
    /// whichever of our processes delivers).
    pub(crate) async fn receivers_follow(&self) {
        for r in &self.receivers {
            let t = admin_token(r).await;
            let (status, f) = api(
                r,
                Method::POST,
                "/api/v1/admin/instance-follows",
                Some(&t),
                Some(json!({ "target": self.domain })),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{f}");
            wait_follow_state(r, &t, f["id"].as_str().unwrap(), "accepted").await;
        }
    }
}

/// One `passerelle` process; killed when dropped.
pub(crate) struct Proc {
    child: tokio::process::Child,
    name: &'static str,
}

pub(crate) fn spawn(
    name: &'static str,
    config: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> Proc {
    let mut cmd = tokio::process::Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    // With PASSERELLE_TEST_LOG set, the processes' logs go to the test output.
    let logs = std::env::var("PASSERELLE_TEST_LOG").is_ok();
    cmd.arg("--config")
        .arg(config)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(if logs {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stderr(if logs {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .kill_on_drop(true);
    Proc {
        child: cmd.spawn().expect("start passerelle"),
        name,
    }
}

impl Proc {
    pub(crate) async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
    pub(crate) fn assert_running(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "the {} process exited",
            self.name
        );
    }
}

pub(crate) async fn wait_ready(client: &reqwest::Client, port: u16) {
    eventually(90, || async move {
        let r = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .ok()?;
        (r.status() == StatusCode::OK).then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("the server on port {port} never became ready"));
}

/// POST a service through the server on `port`; its ActivityPub id.
pub(crate) async fn publish(
    client: &reqwest::Client,
    port: u16,
    token: &str,
    name: &str,
) -> String {
    let r = client
        .post(format!("http://127.0.0.1:{port}/api/v1/services"))
        .bearer_auth(token)
        .json(&service_body("alpha", name))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "through port {port}");
    r.json::<Value>().await.unwrap()["ap_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Each receiver lists every entry of `ids`, once.
pub(crate) async fn wait_received(receivers: &[TestApp], ids: &[String], pg: &DatabaseConnection) {
    for r in receivers {
        let arrived = eventually(120, || async move {
            let got: Vec<String> = listed(r, "services")
                .await
                .iter()
                .map(|e| e["ap_id"].as_str().unwrap().to_string())
                .collect();
            ids.iter().all(|id| got.contains(id)).then_some(())
        })
        .await;
        if arrived.is_none() {
            let rows: Vec<String> = create_deliveries(pg, ids)
                .await
                .iter()
                .filter(|d| d.state != "done")
                .map(|d| {
                    format!(
                        "{} {} attempts={} status={:?} error={:?} next={} claimed={:?}",
                        d.inbox,
                        d.state,
                        d.attempts,
                        d.last_status,
                        d.last_error,
                        d.next_attempt_at,
                        d.claimed_until
                    )
                })
                .collect();
            panic!(
                "{} did not receive every entry; deliveries not done:\n{}",
                r.domain,
                rows.join("\n")
            );
        }
        let got: Vec<String> = listed(r, "services")
            .await
            .iter()
            .map(|e| e["ap_id"].as_str().unwrap().to_string())
            .collect();
        for id in ids {
            assert_eq!(
                got.iter().filter(|g| *g == id).count(),
                1,
                "{id} listed more than once on {}",
                r.domain
            );
        }
    }
}

/// The Create activities of `ids` and their deliveries to `inbox_domain`.
pub(crate) async fn create_deliveries(
    db: &DatabaseConnection,
    ids: &[String],
) -> Vec<delivery::Model> {
    let acts = activity::Entity::find()
        .filter(activity::Column::Kind.eq("Create"))
        .filter(activity::Column::ObjectApId.is_in(ids.to_vec()))
        .all(db)
        .await
        .unwrap();
    assert_eq!(acts.len(), ids.len(), "one Create per entry");
    delivery::Entity::find()
        .filter(delivery::Column::ActivityId.is_in(acts.iter().map(|a| a.id).collect::<Vec<_>>()))
        .all(db)
        .await
        .unwrap()
}

pub(crate) fn inbox_count(r: &TestApp, outcome: &str) -> u64 {
    r.state.metrics.counter(
        "passerelle_inbox_activities_total",
        &[("type", "Create"), ("outcome", outcome)],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_and_a_worker_on_postgres_deliver_each_activity_exactly_once() {
    // Fails (never skips) without PostgreSQL.
    // One file for every process: the public address is server A's (server B stands behind
    // the same name, as behind a proxy); A only serves, B serves and delivers, the worker
    // only delivers.
    let d = Deployment::new(Backend::Postgres, "run_in_server = false\n").await;
    let (port_a, port_b, config, receivers) = (d.port, free_port(), &d.config, &d.receivers);
    let client = reqwest::Client::new();
    // Every process migrates at start; they take turns (advisory lock), so start them together.
    let mut a = spawn("server A", config, &["serve"], &[]);
    let mut b = spawn(
        "server B",
        config,
        &["serve"],
        &[
            ("PASSERELLE__SERVER__BIND", format!("127.0.0.1:{port_b}")),
            ("PASSERELLE__DELIVERY__RUN_IN_SERVER", "true".into()),
        ],
    );
    let mut worker = spawn("worker", config, &["worker"], &[]);
    wait_ready(&client, port_a).await;
    wait_ready(&client, port_b).await;

    // The organisation and an editor's token, straight in the shared database.
    let pg = d.connect(2).await;
    let token = alpha_with_an_editor(&pg).await;
    d.receivers_follow().await;

    // Entries through both servers, interleaved and concurrent.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (client, token) = (client.clone(), token.clone());
        let port = if i % 2 == 0 { port_a } else { port_b };
        tasks.push(tokio::spawn(async move {
            publish(&client, port, &token, &format!("Service {i}")).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    wait_received(receivers, &ids, &pg).await;
    // Exactly once: every receiver's inbox took each Create once, and no copy came twice.
    for r in receivers {
        assert_eq!(inbox_count(r, "accepted"), ids.len() as u64, "{}", r.domain);
        assert_eq!(inbox_count(r, "duplicate"), 0, "{}", r.domain);
    }
    // The queue agrees: one delivery per (activity, follower), each sent in one attempt. A
    // sender records the attempt once the receiver's answer is in, which can be a moment
    // after the receiver stored the entry.
    let (pg_ref, ids_ref) = (&pg, &ids);
    let rows = eventually(30, || async move {
        let rows = create_deliveries(pg_ref, ids_ref).await;
        rows.iter().all(|d| d.state == "done").then_some(rows)
    })
    .await
    .expect("every delivery recorded as done");
    assert_eq!(rows.len(), ids.len() * receivers.len());
    for d in &rows {
        assert_eq!((d.state.as_str(), d.attempts), ("done", 1), "{d:?}");
    }
    // Server A (run_in_server = false) delivered nothing itself.
    let metrics_a = client
        .get(format!("http://127.0.0.1:{port_a}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !metrics_a.contains("passerelle_delivery_attempts_total{"),
        "{metrics_a}"
    );
    assert!(
        metrics_a.contains("route=\"/api/v1/{kind}\",status=\"201\""),
        "{metrics_a}"
    );

    // The worker dies (SIGKILL) in the middle of a fan-out; another one takes over.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (client, token) = (client.clone(), token.clone());
        let port = if i % 2 == 0 { port_a } else { port_b };
        tasks.push(tokio::spawn(async move {
            publish(&client, port, &token, &format!("Second wave {i}")).await
        }));
    }
    let mut more = Vec::new();
    for t in tasks {
        more.push(t.await.unwrap());
    }
    // Kill as soon as the fan-out has started.
    let more_ref = &more;
    let pg_ref = &pg;
    eventually(30, || async move {
        let rows = create_deliveries(pg_ref, more_ref).await;
        rows.iter().any(|d| d.state == "done").then_some(())
    })
    .await
    .expect("the second fan-out started");
    worker.kill().await;
    let left = create_deliveries(&pg, &more)
        .await
        .iter()
        .filter(|d| d.state != "done")
        .count();
    assert!(
        left > 0,
        "the fan-out was over before the worker was killed"
    );
    let mut worker2 = spawn("worker 2", config, &["worker"], &[]);
    wait_received(receivers, &more, &pg).await;
    let rows = create_deliveries(&pg, &more).await;
    assert_eq!(rows.len(), more.len() * receivers.len());
    eventually(30, || {
        let pg = pg.clone();
        let more = more.clone();
        async move {
            let rows = create_deliveries(&pg, &more).await;
            rows.iter().all(|d| d.state == "done").then_some(())
        }
    })
    .await
    .expect("every delivery done");
    let total = (ids.len() + more.len()) as u64;
    // Applied once each. A copy the killed worker had sent without recording it may be sent
    // again by whoever takes its lease over: the receiver recognises it by its id and ignores
    // it. There can be no more such copies than deliveries in flight (delivery.concurrency).
    let mut replays = 0;
    for r in receivers {
        assert_eq!(inbox_count(r, "accepted"), total, "{}", r.domain);
        replays += inbox_count(r, "duplicate");
    }
    assert!(replays <= 4, "{replays} copies sent twice");
    a.assert_running();
    b.assert_running();
    worker2.assert_running();
    a.kill().await;
    b.kill().await;
    worker2.kill().await;
    pg.close().await.ok();
}

/// Organisation `alpha` with one editor, `ed@alpha.example`; returns the editor's API token.
pub(crate) async fn alpha_with_an_editor(conn: &sea_orm::DatabaseConnection) -> String {
    accounts::create_organization(
        conn,
        NewOrganization {
            slug: "alpha".into(),
            name: "Alpha".into(),
            summary: LangMap::single("fr", "Accueil"),
            ..Default::default()
        },
        "en",
    )
    .await
    .unwrap();
    accounts::create_user(
        conn,
        "ed@alpha.example",
        "correct horse battery",
        Role::Editor,
        Some("alpha"),
    )
    .await
    .unwrap();
    accounts::create_token(conn, "ed@alpha.example")
        .await
        .unwrap()
}
