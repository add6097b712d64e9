//! Test harness: real instances on loopback (port 0), each with its own database — a SQLite
//! file in a temporary directory, or a fresh PostgreSQL database on the server named by
//! `PASSERELLE_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432`). A PostgreSQL test
//! that cannot connect fails: it is never skipped.
#![allow(dead_code)]

use std::{
    path::PathBuf,
    process::Command,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use passerelle::{
    AppState,
    accounts::{self, NewOrganization, Role},
    app::{Application, tokio_util_shim::CancellationToken},
    config::Config,
    db::entities::organization,
    directory::model::LangMap,
};
use sea_orm::{ConnectionTrait, Database};
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per database backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_dbs {
    ($(#[$m:meta])* async fn $name:ident($b:ident: Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(#[$m])*
            async fn run($b: $crate::harness::Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::harness::Backend::Postgres).await
            }
        }
    };
}

pub fn postgres_server() -> String {
    std::env::var("PASSERELLE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database for one test; a PostgreSQL database is dropped when the guard goes.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A SQLite database at `url`, in `dir` (kept as long as the guard lives).
    pub fn sqlite_in(dir: tempfile::TempDir, url: String) -> TestDb {
        TestDb {
            url,
            pg_name: None,
            _dir: Some(dir),
        }
    }

    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                TestDb {
                    url,
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let server = postgres_server();
                let admin = Database::connect(format!("{}/postgres", server.trim_end_matches('/')))
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL test: cannot connect to {server} ({e}). Start PostgreSQL or set \
                             PASSERELLE_TEST_POSTGRES (the tests never skip PostgreSQL)."
                        )
                    });
                drop_stale(&admin).await;
                let name = format!(
                    "pt_{}_{}",
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0),
                    uuid::Uuid::new_v4().simple()
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = format!("{}/{name}", server.trim_end_matches('/'));
                TestDb {
                    url,
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }
}

/// Drop test databases left by crashed runs (older than an hour).
async fn drop_stale(admin: &sea_orm::DatabaseConnection) {
    static DONE: OnceLock<()> = OnceLock::new();
    if DONE.set(()).is_err() {
        return;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'pt\\_%'",
        ))
        .await
        .unwrap_or_default();
    for r in rows {
        let Ok(name) = r.try_get::<String>("", "datname") else {
            continue;
        };
        let ts = name
            .split('_')
            .nth(1)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(ts) > 3600 {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let server = postgres_server();
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(admin) =
                        Database::connect(format!("{}/postgres", server.trim_end_matches('/')))
                            .await
                    {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

/// One running instance.
pub struct TestApp {
    pub backend: Backend,
    pub base: Url,
    pub domain: String,
    pub state: AppState,
    pub config: Config,
    pub client: reqwest::Client,
    pub shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<()>>,
    pub db: TestDb,
}

/// The configuration tests start from: loopback, insecure federation allowed, quick retries.
pub fn test_config(db_url: &str) -> Config {
    let mut config = Config::defaults();
    config.database.url = db_url.to_string();
    config.database.max_connections = 5;
    config.federation.allow_insecure = true;
    config.delivery.backoff_base_secs = 1;
    config.delivery.backoff_max_secs = 4;
    config.instance.name = "Test instance".into();
    config
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        init_test_logs();
        let db = TestDb::new(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut config = test_config(&db.url);
        config.server.bind = listener.local_addr().expect("addr");
        config.instance.domain = format!("localhost:{port}");
        tweak(&mut config);
        Self::start(backend, db, config, listener).await
    }

    /// Start (or restart) an instance on an existing database and port.
    pub async fn start(
        backend: Backend,
        db: TestDb,
        config: Config,
        listener: tokio::net::TcpListener,
    ) -> TestApp {
        let app = Application::build(config.clone(), listener)
            .await
            .expect("build application");
        let state = app.state.clone();
        let shutdown = CancellationToken::new();
        let workers = passerelle::federation::spawn_workers(&app, shutdown.clone());
        let s = shutdown.clone();
        let server = tokio::spawn(async move {
            app.run_until(s.clone()).await.expect("server");
            s.cancel();
            for w in workers {
                let _ = w.await;
            }
        });
        let base = state.urls.base().clone();
        TestApp {
            backend,
            domain: state.urls.domain(),
            base,
            state,
            config,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            shutdown,
            server: Some(server),
            db,
        }
    }

    /// Stop the server and its workers; returns what a restart needs.
    pub async fn stop(mut self) -> (TestDb, Config) {
        self.shutdown.cancel();
        if let Some(h) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), h).await;
        }
        self.state.db.clone().close().await.ok();
        (
            std::mem::replace(
                &mut self.db,
                TestDb {
                    url: String::new(),
                    pg_name: None,
                    _dir: None,
                },
            ),
            self.config.clone(),
        )
    }

    /// Stop and start again on the same database and port.
    pub async fn restart(self) -> TestApp {
        let backend = self.backend;
        let (db, config) = self.stop().await;
        let mut listener = None;
        for _ in 0..50 {
            match tokio::net::TcpListener::bind(config.server.bind).await {
                Ok(l) => {
                    listener = Some(l);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        Self::start(backend, db, config, listener.expect("rebind the same port")).await
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path.trim_start_matches('/')).expect("url")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_ap(&self, url: &str) -> reqwest::Response {
        self.client
            .get(url)
            .header("Accept", "application/activity+json, application/ld+json")
            .send()
            .await
            .expect("GET AS JSON")
    }

    pub async fn create_org(&self, slug: &str) -> organization::Model {
        self.create_org_with(slug, |_| {}).await
    }

    pub async fn create_org_with(
        &self,
        slug: &str,
        tweak: impl FnOnce(&mut NewOrganization),
    ) -> organization::Model {
        let mut new = NewOrganization {
            slug: slug.into(),
            name: format!("Organisation {slug}"),
            summary: LangMap::single("fr", "Accueil et orientation des personnes exilées"),
            default_language: Some("fr".into()),
            website: Some("https://example.org/".into()),
            phone: Some("+33 3 53 48 00 00".into()),
            address: Some("12 rue Solférino, 59000 Lille".into()),
            languages: vec!["fr".into(), "ar".into(), "en".into()],
            ..Default::default()
        };
        tweak(&mut new);
        accounts::create_organization(&self.state.db, new, "en")
            .await
            .expect("create organisation")
    }

    /// A user with a bearer token.
    pub async fn token_for(&self, email: &str, role: Role, org: Option<&str>) -> String {
        accounts::create_user(&self.state.db, email, "correct horse battery", role, org)
            .await
            .expect("create user");
        accounts::create_token(&self.state.db, email)
            .await
            .expect("create token")
    }

    /// Attempt every due delivery now (the worker does the same in the background).
    pub async fn drain_deliveries(&self) -> usize {
        passerelle::federation::delivery::run_once(&self.state)
            .await
            .expect("deliveries")
    }
}

/// Poll `f` until it returns Some, for up to `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if tokio::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// `tests/interop` with its npm dependencies installed (once per test process).
pub fn interop_dir() -> PathBuf {
    static LOCK: Mutex<bool> = Mutex::new(false);
    let dir = repo_root().join("tests/interop");
    let mut done = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if !*done {
        if !dir.join("node_modules/@fedify/fedify").exists() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&dir)
                .status()
                .expect("npm must be installed (Node.js 20 or later) for the interop tests");
            assert!(status.success(), "npm ci in tests/interop failed");
        }
        *done = true;
    }
    dir
}

/// Run `node tests/interop/<script> <args…>`: Ok(the JSON it printed) or Err(its stderr).
async fn run_node_json(script: &str, args: &[&str]) -> Result<serde_json::Value, String> {
    let dir = interop_dir();
    let out = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node must be installed for the interop tests");
    if out.status.success() {
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bad JSON from {script}: {e}"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Run `node tests/interop/resolve.mjs <mode> <target>`; Ok(JSON) or Err(stderr).
pub async fn fedify_resolve(mode: &str, target: &str) -> Result<serde_json::Value, String> {
    run_node_json("resolve.mjs", &[mode, target]).await
}

/// A Fedify peer (tests/interop/peer.mjs) running for one test; killed on drop.
pub struct FedifyPeer {
    pub base: Url,
    child: tokio::process::Child,
    pub client: reqwest::Client,
}

impl FedifyPeer {
    pub async fn start() -> FedifyPeer {
        use tokio::io::AsyncBufReadExt;
        let dir = interop_dir();
        let mut child = tokio::process::Command::new("node")
            .arg(dir.join("peer.mjs"))
            .args(["--port", "0"])
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the Fedify peer");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("READY ") {
                    return Url::parse(url.trim()).ok();
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .expect("the Fedify peer did not start");
        // Keep draining its stdout so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        FedifyPeer {
            base,
            child,
            client: reqwest::Client::new(),
        }
    }

    pub fn actor(&self) -> Url {
        self.base.join("users/bob").expect("url")
    }

    pub async fn ctl_post(
        &self,
        path_and_query: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let mut req = self
            .client
            .post(self.base.join(path_and_query).expect("url"));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("peer control");
        resp.json().await.expect("peer control JSON")
    }

    pub async fn log(&self) -> Vec<serde_json::Value> {
        self.client
            .get(self.base.join("_ctl/log").expect("url"))
            .send()
            .await
            .expect("peer log")
            .json()
            .await
            .expect("peer log JSON")
    }

    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Expand the document at `url` as JSON-LD (tests/interop/expand.mjs) and check that every term
/// it uses, outside the named `@json` literal terms, expands to an absolute IRI.
pub async fn jsonld_expand(url: &str, json_literals: &[&str]) -> Result<serde_json::Value, String> {
    let mut args = vec![url];
    args.extend_from_slice(json_literals);
    run_node_json("expand.mjs", &args).await
}

/// With `PASSERELLE_TEST_LOG=<filter>` (e.g. `warn,passerelle=debug`), server logs go to the
/// test output (shown for failing tests, or with `--nocapture`).
fn init_test_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if let Ok(filter) = std::env::var("PASSERELLE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}
