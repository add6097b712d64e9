//! Federation benchmark (issue 9): a real `passerelle serve` process (the release binary next
//! to this one) on a fresh SQLite file (or, with `--backend postgres`, a fresh PostgreSQL
//! database), measured over HTTP on loopback, each figure against a limit measured in the same
//! run:
//!
//! - inbox: signed Creates accepted per second (50 connections, requests signed beforehand)
//!   against RSA-2048 verifications per second of the `rsa` crate on one core;
//! - writes: entries stored per second by that inbox run against single-row transactions per
//!   second of the same driver (sqlx through sea-orm, `db::connect`) on the same database;
//! - fan-out: one entry delivered to 10,000 followers on 200 loopback instances (light axum
//!   receivers in this process that count and verify nothing) against RSA-2048 signatures per
//!   second;
//! - reads: WebFinger, actor and object GETs per second with `wrk` against `/healthz`;
//! - memory: the server's VmRSS idle and at its highest during each load, and VmHWM.
//!
//! ```text
//! cargo build --release -p passerelle --bin passerelle --bin bench_federation
//! taskset -c 1 ./target/release/bench_federation --server-cpus 0
//! ```
//!
//! `--server-cpus` starts the server under `taskset -c <list>`; this process (load generator,
//! receivers) stays where it was started. See BENCHMARKS.md.
mod common;

use common::{cpus_of, loadavg, machine, status_field};

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use axum::{Router, extract::State, http::StatusCode, routing::post};
use chrono::Utc;
use clap::Parser;
use passerelle::{
    accounts::{self, NewOrganization, Role},
    config::Config,
    db::{
        self,
        entities::{entry, follower, following, remote_actor},
    },
    directory::model::LangMap,
    federation::{keys, signature},
};
use rsa::{
    Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey,
    pkcs8::{DecodePrivateKey, DecodePublicKey},
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Federation throughput against in-run limits (issue 9)")]
struct Args {
    /// Signed Creates posted to the inbox.
    #[arg(long, default_value_t = 5000)]
    activities: usize,
    /// Concurrent connections posting them.
    #[arg(long, default_value_t = 50)]
    connections: usize,
    /// Followers of the published entry.
    #[arg(long, default_value_t = 10_000)]
    followers: usize,
    /// Receiving instances they are spread over.
    #[arg(long, default_value_t = 200)]
    instances: usize,
    /// The server's `delivery.concurrency`.
    #[arg(long, default_value_t = 32)]
    delivery_concurrency: usize,
    /// Seconds per wrk run and per limit measurement.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Start the server pinned with `taskset -c <list>`.
    #[arg(long)]
    server_cpus: Option<String>,
    /// The database: a fresh SQLite file in a temporary directory, or a fresh database on the
    /// PostgreSQL server of `PASSERELLE_TEST_POSTGRES` (default
    /// `postgres://postgres@127.0.0.1:5432`); removed afterwards.
    #[arg(long, value_enum, default_value = "sqlite")]
    backend: Backend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

fn postgres_admin() -> String {
    std::env::var("PASSERELLE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// kB from a `/proc/<pid>/status` line such as `VmRSS:   12345 kB`.
fn kb(pid: u32, field: &str) -> u64 {
    status_field(&pid.to_string(), field)
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Operations per second of `f` run back to back for `secs` on this thread.
fn per_second(secs: u64, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < Duration::from_secs(secs) {
        f();
        n += 1;
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// RSA-2048 PKCS#1 v1.5 SHA-256 (what rsa-sha256 HTTP signatures use): (verifications/s,
/// signatures/s) of the `rsa` crate on this thread.
fn rsa_limits(secs: u64) -> anyhow::Result<(f64, f64)> {
    let kp = keys::generate()?;
    let private = RsaPrivateKey::from_pkcs8_pem(&kp.private_key)?;
    let public = RsaPublicKey::from_public_key_pem(&kp.public_key)?;
    let digest = Sha256::digest(b"(request-target): post /inbox\nhost: example\ndate: now");
    let sig = private.sign(Pkcs1v15Sign::new::<Sha256>(), &digest)?;
    let verify = per_second(secs, || {
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &sig)
            .expect("verifies");
    });
    let sign = per_second(secs, || {
        std::hint::black_box(
            private
                .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
                .expect("signs"),
        );
    });
    Ok((verify, sign))
}

/// The server process, its VmRSS sampled every 50 ms into `peak` (reset per phase).
struct Server {
    child: tokio::process::Child,
    pid: u32,
    peak: Arc<AtomicU64>,
}

impl Server {
    fn rss(&self) -> u64 {
        kb(self.pid, "VmRSS")
    }
    fn phase(&self) {
        self.peak.store(self.rss(), Ordering::SeqCst);
    }
    fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }
}

async fn start_server(config: &std::path::Path, cpus: Option<&str>) -> anyhow::Result<Server> {
    let exe = std::env::current_exe()?;
    let bin: PathBuf = exe.parent().context("no directory")?.join("passerelle");
    if !bin.exists() {
        bail!(
            "{} not found: cargo build --release -p passerelle --bin passerelle",
            bin.display()
        );
    }
    let mut cmd = match cpus {
        Some(c) => {
            let mut cmd = tokio::process::Command::new("taskset");
            cmd.arg("-c").arg(c).arg(&bin);
            cmd
        }
        None => tokio::process::Command::new(&bin),
    };
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--config")
        .arg(config)
        .arg("serve")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let child = cmd.spawn().context("starting passerelle serve")?;
    let pid = child.id().context("no pid")?;
    let peak = Arc::new(AtomicU64::new(0));
    let p = peak.clone();
    tokio::spawn(async move {
        loop {
            p.fetch_max(kb(pid, "VmRSS"), Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    Ok(Server { child, pid, peak })
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server never became ready")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn actor_doc(id: &str, public_pem: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": id.rsplit('/').next().unwrap_or("x"),
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": public_pem},
    })
}

fn remote_row(id: &str, domain: &str, public_pem: &str) -> remote_actor::ActiveModel {
    let now = Utc::now();
    remote_actor::ActiveModel {
        id: Set(Uuid::now_v7()),
        ap_id: Set(id.to_string()),
        actor_type: Set("Person".into()),
        domain: Set(domain.to_string()),
        preferred_username: Set(id.rsplit('/').next().map(str::to_string)),
        name: Set(None),
        inbox: Set(format!("{id}/inbox")),
        shared_inbox: Set(None),
        outbox: Set(None),
        followers_url: Set(None),
        url: Set(None),
        public_key_id: Set(format!("{id}#main-key")),
        public_key_pem: Set(public_pem.to_string()),
        raw: Set(actor_doc(id, public_pem).to_string()),
        fetched_at: Set(now),
        created_at: Set(now),
    }
}

/// Run `wrk` (pinned like this process) and return its requests per second.
async fn wrk(url: &str, accept: Option<&str>, secs: u64) -> anyhow::Result<f64> {
    let mut cmd = tokio::process::Command::new("wrk");
    cmd.args(["-t1", "-c32", &format!("-d{secs}s")]);
    if let Some(a) = accept {
        cmd.arg("-H").arg(format!("Accept: {a}"));
    }
    let out = cmd
        .arg(url)
        .output()
        .await
        .context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx") {
        bail!("wrk got errors from {url}:\n{text}");
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec from wrk:\n{text}"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    let dir = std::env::temp_dir().join(format!(
        "passerelle_bench_fed_{}_{}",
        std::process::id(),
        Utc::now().timestamp()
    ));
    std::fs::create_dir_all(&dir)?;
    let (db_url, pg_name) = match args.backend {
        Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!(
                "passerelle_bench_fed_{}_{}",
                std::process::id(),
                Utc::now().timestamp()
            );
            let admin = sea_orm::Database::connect(&postgres_admin()).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
            let mut url = url::Url::parse(&postgres_admin())?;
            url.set_path(&name);
            (url.to_string(), Some(name))
        }
    };
    let result = run(&args, &dir, db_url).await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(name) = pg_name {
        let admin = sea_orm::Database::connect(&postgres_admin()).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        admin.close().await?;
    }
    result
}

async fn run(args: &Args, dir: &std::path::Path, db_url: String) -> anyhow::Result<()> {
    let load_start = loadavg();
    eprintln!("limits: RSA-2048 on one core…");
    let (verify_s, sign_s) = rsa_limits(args.seconds.min(5))?;
    let port = free_port()?;
    let domain = format!("localhost:{port}");
    let base = format!("http://{domain}");
    let mut config = Config::defaults();
    config.database.url = db_url.clone();
    config.instance.domain = domain.clone();
    config.federation.allow_insecure = true;

    // The remote side: 10 senders on one instance (real keys, actor documents served), and
    // the receiving instances.
    let senders_port = free_port()?;
    let senders_domain = format!("localhost:{senders_port}");
    let mut senders = Vec::new();
    let docs = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    for i in 0..10 {
        let kp = keys::generate()?;
        let id = format!("http://{senders_domain}/users/s{i}");
        docs.lock().unwrap().insert(
            format!("/users/s{i}"),
            actor_doc(&id, &kp.public_key).to_string(),
        );
        senders.push((id, kp));
    }
    {
        let docs = docs.clone();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", senders_port)).await?;
        let app = Router::new().fallback(move |uri: axum::http::Uri| {
            let d = docs.lock().unwrap().get(uri.path()).cloned();
            async move {
                use axum::response::IntoResponse;
                match d {
                    Some(d) => (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "application/activity+json",
                        )],
                        d,
                    )
                        .into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    let received = Arc::new(AtomicUsize::new(0));
    let mut receiver_domains = Vec::new();
    for _ in 0..args.instances {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        receiver_domains.push(format!("localhost:{}", listener.local_addr()?.port()));
        let app = Router::new()
            .route("/users/{name}/inbox", post(count))
            .with_state(received.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
    }

    // The database: migrated, an organisation and an editor, followed senders, followers.
    {
        let conn = db::connect(&config).await?;
        db::migrate(&conn).await?;
        accounts::create_organization(
            &conn,
            NewOrganization {
                slug: "alpha".into(),
                name: "Alpha".into(),
                summary: LangMap::single("fr", "Accueil"),
                ..Default::default()
            },
            "en",
        )
        .await?;
        accounts::create_user(
            &conn,
            "ed@alpha.example",
            "correct horse battery",
            Role::Editor,
            Some("alpha"),
        )
        .await?;
        let now = Utc::now();
        let urls = passerelle::urls::Urls::new(config.base_url());
        for (id, kp) in &senders {
            let row = remote_row(id, &senders_domain, &kp.public_key)
                .insert(&conn)
                .await?;
            following::ActiveModel {
                id: Set(Uuid::now_v7()),
                local_actor_ap_id: Set(urls.instance_actor().to_string()),
                target_ap_id: Set(id.clone()),
                remote_actor_id: Set(row.id),
                follow_ap_id: Set(urls.activity(Uuid::now_v7()).to_string()),
                state: Set("accepted".into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&conn)
            .await?;
        }
        let placeholder_key = &senders[0].1.public_key;
        let txn = sea_orm::TransactionTrait::begin(&conn).await?;
        for i in 0..args.followers {
            let d = &receiver_domains[i % receiver_domains.len()];
            let id = format!("http://{d}/users/f{i}");
            let row = remote_row(&id, d, placeholder_key).insert(&txn).await?;
            follower::ActiveModel {
                id: Set(Uuid::now_v7()),
                local_actor_ap_id: Set(urls.org("alpha").to_string()),
                follower_ap_id: Set(id.clone()),
                remote_actor_id: Set(row.id),
                follow_ap_id: Set(format!("http://{d}/follows/{i}")),
                state: Set("accepted".into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        conn.close().await?;
    }
    let token = {
        let conn = db::connect(&config).await?;
        let t = accounts::create_token(&conn, "ed@alpha.example").await?;
        conn.close().await?;
        t
    };

    let cfg_path = dir.join("passerelle.toml");
    std::fs::write(
        &cfg_path,
        format!(
            "[server]\nbind = \"127.0.0.1:{port}\"\nlog_level = \"warn\"\n\
             [instance]\ndomain = \"{domain}\"\n\
             [database]\nurl = \"{db_url}\"\n\
             [federation]\nallow_insecure = true\n\
             [delivery]\nconcurrency = {}\n",
            args.delivery_concurrency
        ),
    )?;
    let mut server = start_server(&cfg_path, args.server_cpus.as_deref()).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;
    wait_ready(&client, &base).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let server_cpus = cpus_of(&server.pid.to_string());
    let idle_rss = server.rss();

    // --- inbox (and writes) ---
    eprintln!("inbox: signing {} activities…", args.activities);
    let mut requests = Vec::with_capacity(args.activities);
    for i in 0..args.activities {
        let (id, kp) = &senders[i % senders.len()];
        let oid = format!("http://{senders_domain}/events/{}", Uuid::new_v4());
        let body = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("http://{senders_domain}/activities/{}", Uuid::new_v4()),
            "type": "Create",
            "actor": id,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "id": oid, "type": "Event", "name": format!("Atelier {i}"),
                "content": "<p>Cours de français et aide au logement.</p>",
                "mediaType": "text/html",
                "startTime": "2027-02-05T14:00:00+01:00", "endTime": "2027-02-05T16:00:00+01:00",
                "timezone": "Europe/Paris", "url": oid, "attributedTo": id,
                "published": "2026-10-01T10:00:00Z",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            },
        })
        .to_string()
        .into_bytes();
        let mut h = axum::http::HeaderMap::new();
        h.insert(axum::http::header::HOST, domain.parse()?);
        h.insert(
            axum::http::header::CONTENT_TYPE,
            "application/activity+json".parse()?,
        );
        signature::sign(
            &axum::http::Method::POST,
            "/inbox",
            &mut h,
            &body,
            &kp.private_key,
            &signature::SignOptions::new(format!("{id}#main-key")),
        )?;
        h.remove(axum::http::header::HOST);
        requests.push((h, body));
    }
    let queue = Arc::new(std::sync::Mutex::new(requests));
    let failed = Arc::new(AtomicUsize::new(0));
    server.phase();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (queue, client, failed) = (queue.clone(), client.clone(), failed.clone());
        let url = format!("{base}/inbox");
        tasks.push(tokio::spawn(async move {
            loop {
                let Some((h, body)) = queue.lock().unwrap().pop() else {
                    return;
                };
                match client.post(&url).headers(h).body(body).send().await {
                    Ok(r) if r.status().is_success() => {}
                    _ => {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let inbox_secs = t.elapsed().as_secs_f64();
    let inbox_rss = server.peak();
    let failed = failed.load(Ordering::SeqCst);
    let stored = {
        let conn = db::connect(&config).await?;
        let n = entry::Entity::find().count(&conn).await?;
        conn.close().await?;
        n
    };
    let inbox_rate = (args.activities - failed) as f64 / inbox_secs;
    let writes_rate = stored as f64 / inbox_secs;

    // --- fan-out ---
    eprintln!("fan-out to {} followers…", args.followers);
    server.phase();
    let t = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/services"))
        .bearer_auth(&token)
        .json(&json!({
            "organization": "alpha",
            "name": "Colis alimentaires",
            "description": "Colis alimentaires chaque semaine.",
            "categories": ["food"],
            "languages": ["fr"],
            "online_url": "https://example.org/colis",
        }))
        .send()
        .await?;
    if r.status() != StatusCode::CREATED {
        bail!("publishing: {} {}", r.status(), r.text().await?);
    }
    let object_url = r.json::<Value>().await?["ap_id"]
        .as_str()
        .context("no ap_id")?
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(1800);
    while received.load(Ordering::SeqCst) < args.followers {
        if Instant::now() > deadline {
            bail!(
                "fan-out incomplete: {} of {}",
                received.load(Ordering::SeqCst),
                args.followers
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let fanout_secs = t.elapsed().as_secs_f64();
    let fanout_rss = server.peak();
    let fanout_rate = args.followers as f64 / fanout_secs;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let extra = received.load(Ordering::SeqCst) - args.followers;

    // --- reads ---
    eprintln!("reads with wrk…");
    let ap = "application/activity+json";
    let mut reads = Vec::new();
    let targets: [(&str, String, Option<&str>); 4] = [
        ("/healthz (limit)", format!("{base}/healthz"), None),
        (
            "WebFinger",
            format!("{base}/.well-known/webfinger?resource=acct:alpha@{domain}"),
            None,
        ),
        ("actor (organisation)", format!("{base}/o/alpha"), Some(ap)),
        ("object (service)", object_url.clone(), Some(ap)),
    ];
    for (name, url, accept) in &targets {
        server.phase();
        let rps = wrk(url, *accept, args.seconds).await?;
        reads.push((*name, rps, server.peak()));
    }
    let hwm = kb(server.pid, "VmHWM");
    let _ = server.child.kill().await;

    // --- raw single-row transactions on the same file, same driver and settings ---
    eprintln!("raw transactions…");
    let conn = db::connect(&config).await?;
    conn.execute_unprepared(match args.backend {
        Backend::Sqlite => "CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
        Backend::Postgres => "CREATE TABLE bench_raw (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)",
    })
    .await?;
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < Duration::from_secs(args.seconds.min(5)) {
        let txn = sea_orm::TransactionTrait::begin(&conn).await?;
        txn.execute_unprepared("INSERT INTO bench_raw (v) VALUES ('x')")
            .await?;
        txn.commit().await?;
        n += 1;
    }
    let raw_rate = n as f64 / t.elapsed().as_secs_f64();
    conn.close().await?;
    let health_rps = reads[0].1;

    println!(
        "### Federation, {}\n",
        match args.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    );
    println!("- machine: {}", machine());
    println!(
        "- placement: bench (load generator, receivers, limits) Cpus_allowed_list {}; server {}",
        cpus_of("self"),
        server_cpus
    );
    println!(
        "- load average (1/5/15 min) at start {load_start}, at end {}",
        loadavg()
    );
    println!(
        "- limits: RSA-2048 verifications {verify_s:.0}/s, signatures {sign_s:.0}/s (rsa crate, one core); raw single-row transactions {raw_rate:.0}/s"
    );
    println!();
    println!("| measure | result | limit | ratio | server VmRSS peak |");
    println!("|---|---:|---:|---:|---:|");
    println!("| idle | | | | {} MB |", idle_rss / 1024);
    println!(
        "| inbox: {} signed Creates, {} connections ({failed} failed) | {inbox_rate:.0}/s | {verify_s:.0} verifications/s | {:.3} | {} MB |",
        args.activities,
        args.connections,
        inbox_rate / verify_s,
        inbox_rss / 1024
    );
    println!(
        "| writes: entries stored by the inbox run ({stored}) | {writes_rate:.0}/s | {raw_rate:.0} raw txn/s | {:.3} | (same run) |",
        writes_rate / raw_rate
    );
    println!(
        "| fan-out: 1 entry to {} followers on {} instances, {fanout_secs:.1} s ({extra} extra) | {fanout_rate:.0} deliveries/s | {sign_s:.0} signatures/s | {:.3} | {} MB |",
        args.followers,
        args.instances,
        fanout_rate / sign_s,
        fanout_rss / 1024
    );
    for (name, rps, peak) in &reads {
        println!(
            "| reads: {name} (wrk -t1 -c32 -d{}s) | {rps:.0} req/s | {health_rps:.0} /healthz req/s | {:.3} | {} MB |",
            args.seconds,
            rps / health_rps,
            peak / 1024
        );
    }
    println!("| server VmHWM (whole run) | | | | {} MB |", hwm / 1024);
    Ok(())
}

async fn count(State(n): State<Arc<AtomicUsize>>) -> StatusCode {
    n.fetch_add(1, Ordering::SeqCst);
    StatusCode::ACCEPTED
}
