//! Issue 9, faults: peers that time out, answer 500, close the connection or send 100 MB; a
//! 100 MB POST to our inbox; PostgreSQL connections cut under load; the server killed
//! (SIGKILL) in the middle of a fan-out and restarted. Nothing is lost, nothing is applied or
//! delivered twice.
//!
//! The misbehaving peer is a raw TCP server ([`Peer`]) speaking just enough HTTP/1.1, so that
//! it can do what no polite server library does: never answer, hang up, or stream a huge body
//! while counting how much of it was actually taken.
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use passerelle::{
    accounts::Role,
    db::entities::{activity, delivery, entry, received_activity},
    federation::keys,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    both_dbs,
    federation_security::{
        Remote, actor_doc, event_object, http_base, insert_following, opts, signed_headers,
    },
    harness::*,
    scaleout,
};

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

/// How the peer answers POSTs (and, for `Huge`, GETs of its actor documents too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Mode {
    Ok = 0,
    Fail500 = 1,
    Timeout = 2,
    Close = 3,
    Huge = 4,
}

#[derive(Default)]
struct PeerState {
    /// path → JSON document served on GET.
    docs: Mutex<HashMap<String, String>>,
    /// Bodies of the POSTs answered 202 (in `Ok` mode).
    accepted: Mutex<Vec<Value>>,
    /// Every POST received, whatever the answer.
    posts: AtomicUsize,
    /// Bytes of huge bodies written into the connection (taken by the other side or its
    /// kernel buffers).
    huge_written: AtomicU64,
    mode: AtomicU8,
}

/// A raw HTTP/1.1 peer on loopback (one request per connection).
struct Peer {
    port: u16,
    state: Arc<PeerState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Peer {
    async fn start() -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(PeerState::default());
        let s = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(serve_one(sock, s.clone()));
            }
        });
        Peer { port, state, task }
    }

    fn set(&self, mode: Mode) {
        self.state.mode.store(mode as u8, Ordering::SeqCst);
    }

    fn domain(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// An actor with a fresh key, its document served at /users/<name>, inbox /users/<name>/inbox.
    fn actor(&self, name: &str) -> Remote {
        let kp = keys::generate().unwrap();
        let id = format!("http://localhost:{}/users/{name}", self.port);
        let r = Remote {
            key_id: format!("{id}#main-key"),
            id: id.clone(),
            private_pem: kp.private_key,
            public_pem: kp.public_key,
        };
        self.state
            .docs
            .lock()
            .unwrap()
            .insert(format!("/users/{name}"), actor_doc(&r, &id).to_string());
        r
    }

    /// Creates answered 202 whose object is `object_id`.
    fn creates_of(&self, object_id: &str) -> usize {
        self.state
            .accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a["type"] == "Create" && a["object"]["id"] == object_id)
            .count()
    }

    fn accepted_of_type(&self, kind: &str) -> usize {
        self.state
            .accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a["type"] == kind)
            .count()
    }
}

async fn serve_one(mut sock: tokio::net::TcpStream, s: Arc<PeerState>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.lines();
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, path) = (
        first.next().unwrap_or_default().to_string(),
        first.next().unwrap_or_default().to_string(),
    );
    let len: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = &buf[head_end..head_end + len];
    let mode = s.mode.load(Ordering::SeqCst);
    if method == "GET" {
        if mode == Mode::Huge as u8 {
            huge(&mut sock, &s, "200 OK", "application/activity+json").await;
            return;
        }
        let doc = s.docs.lock().unwrap().get(&path).cloned();
        let resp = match doc {
            Some(d) => format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{d}",
                d.len()
            ),
            None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_string(),
        };
        let _ = sock.write_all(resp.as_bytes()).await;
        return;
    }
    s.posts.fetch_add(1, Ordering::SeqCst);
    match mode {
        m if m == Mode::Ok as u8 => {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                s.accepted.lock().unwrap().push(v);
            }
            let _ = sock
                .write_all(
                    b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
        m if m == Mode::Fail500 as u8 => {
            let _ = sock
                .write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops")
                .await;
        }
        m if m == Mode::Timeout as u8 => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        m if m == Mode::Close as u8 => {
            drop(sock);
        }
        _ => huge(&mut sock, &s, "500 Internal Server Error", "text/plain").await,
    }
}

/// Answer with a 100 MB body, counting what could be written before the other side hung up.
async fn huge(sock: &mut tokio::net::TcpStream, s: &PeerState, status: &str, ct: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {HUNDRED_MB}\r\nConnection: close\r\n\r\n"
    );
    if sock.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let block = vec![b' '; 64 * 1024];
    let mut sent = 0u64;
    while sent < HUNDRED_MB {
        let write = tokio::time::timeout(Duration::from_secs(10), sock.write_all(&block)).await;
        match write {
            Ok(Ok(())) => {
                sent += block.len() as u64;
                s.huge_written
                    .fetch_add(block.len() as u64, Ordering::SeqCst);
            }
            _ => return,
        }
    }
}

/// An instance with the organisation "alpha" (quick retries, 2 s timeout), an editor's token,
/// a peer, and the peer's actor "bob" following alpha (the Accept delivered).
async fn followed_instance(backend: Backend) -> (TestApp, String, Peer) {
    let app = TestApp::spawn_with(backend, |c| {
        c.federation.request_timeout_secs = 2;
        c.delivery.backoff_base_secs = 1;
        c.delivery.backoff_max_secs = 2;
    })
    .await;
    app.create_org("alpha").await;
    let token = app
        .token_for("ed@alpha.example", Role::Editor, Some("alpha"))
        .await;
    let peer = Peer::start().await;
    let bob = peer.actor("bob");
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("http://{}/follows/1", peer.domain()),
        "type": "Follow",
        "actor": bob.id,
        "object": app.state.urls.org("alpha").to_string(),
    });
    let body = follow.to_string().into_bytes();
    let h = signed_headers(&app, "/o/alpha/inbox", &body, &bob.private_pem, &opts(&bob));
    let r = post(&app, "/o/alpha/inbox", h, body).await;
    assert!(r.0.is_success(), "follow: {r:?}");
    let p = &peer;
    eventually(30, || async move {
        (p.accepted_of_type("Accept") == 1).then_some(())
    })
    .await
    .expect("the Accept reached the peer");
    (app, token, peer)
}

async fn post(
    app: &TestApp,
    path: &str,
    mut h: reqwest::header::HeaderMap,
    body: Vec<u8>,
) -> (StatusCode, String) {
    h.remove(reqwest::header::HOST);
    let r = app
        .client
        .post(http_base(app).join(path.trim_start_matches('/')).unwrap())
        .headers(h)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap_or_default())
}

async fn deliveries_of(app: &TestApp, object_id: &str) -> Vec<delivery::Model> {
    let acts = activity::Entity::find()
        .filter(activity::Column::Kind.eq("Create"))
        .filter(activity::Column::ObjectApId.eq(object_id))
        .all(&app.state.db)
        .await
        .unwrap();
    delivery::Entity::find()
        .filter(delivery::Column::ActivityId.is_in(acts.iter().map(|a| a.id).collect::<Vec<_>>()))
        .all(&app.state.db)
        .await
        .unwrap()
}

both_dbs! {
    /// A peer that answers 500, never answers, hangs up, or sends a 100 MB error body: the
    /// delivery is retried; when the peer recovers it arrives, once. The 100 MB body is not read.
    async fn failing_peer_gets_the_delivery_once_it_recovers(backend: Backend) {
        let (app, token, peer) = followed_instance(backend).await;
        let port = app.config.server.bind.port();
        for (i, mode) in [Mode::Fail500, Mode::Timeout, Mode::Close, Mode::Huge].into_iter().enumerate() {
            peer.set(mode);
            let posts_before = peer.state.posts.load(Ordering::SeqCst);
            let id = scaleout::publish(&app.client, port, &token, &format!("Service {i}")).await;
            // At least two failed attempts, recorded as such.
            let (a, id_ref) = (&app, &id);
            let failed = eventually(60, || async move {
                let d = deliveries_of(a, id_ref).await;
                (d.len() == 1 && d[0].state == "pending" && d[0].attempts >= 2).then(|| d[0].clone())
            })
            .await
            .unwrap_or_else(|| panic!("{mode:?}: no retried delivery"));
            assert!(failed.last_error.is_some() || failed.last_status.is_some(), "{mode:?}: {failed:?}");
            if mode == Mode::Huge || mode == Mode::Fail500 {
                assert_eq!(failed.last_status, Some(500), "{mode:?}: {failed:?}");
            }
            assert!(peer.state.posts.load(Ordering::SeqCst) >= posts_before + 2, "{mode:?}");
            assert_eq!(peer.creates_of(&id), 0, "{mode:?}");
            if mode == Mode::Huge {
                // Each attempt took a few kilobytes (and what the kernel buffers hold), not 100 MB.
                let written = peer.state.huge_written.load(Ordering::SeqCst);
                assert!(written < 3 * HUNDRED_MB / 10, "{written} bytes of the huge answers were taken");
            }
            peer.set(Mode::Ok);
            let done = eventually(60, || async move {
                let d = deliveries_of(a, id_ref).await;
                (d[0].state == "done").then_some(())
            })
            .await;
            assert!(done.is_some(), "{mode:?}: never delivered: {:?}", deliveries_of(&app, &id).await);
            // Exactly once, and nothing more comes later.
            tokio::time::sleep(Duration::from_secs(2)).await;
            assert_eq!(peer.creates_of(&id), 1, "{mode:?}");
        }
    }
}

both_dbs! {
    /// The actor a signature names serves 100 MB: the fetch stops at its limit, the delivery
    /// is refused, and the server goes on.
    async fn huge_actor_document_is_cut_off(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org("alpha").await;
        let peer = Peer::start().await;
        let eve = peer.actor("eve");
        peer.set(Mode::Huge);
        let act = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("http://{}/follows/1", peer.domain()),
            "type": "Follow",
            "actor": eve.id,
            "object": app.state.urls.org("alpha").to_string(),
        });
        let body = act.to_string().into_bytes();
        let h = signed_headers(&app, "/o/alpha/inbox", &body, &eve.private_pem, &opts(&eve));
        let started = Instant::now();
        let (status, text) = post(&app, "/o/alpha/inbox", h, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
        assert!(text.contains("could not fetch"), "{text}");
        assert!(started.elapsed() < Duration::from_secs(20));
        let written = peer.state.huge_written.load(Ordering::SeqCst);
        assert!(written < 3 * HUNDRED_MB / 10, "{written} bytes of the 100 MB actor were taken");
        assert_eq!(received_activity::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    }
}

both_dbs! {
    /// A 100 MB POST to an inbox: 413 long before the body has been sent.
    async fn hundred_megabyte_post_is_refused_early(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org("alpha").await;
        let stream = tokio::net::TcpStream::connect(app.config.server.bind).await.unwrap();
        let (mut rd, mut wr) = stream.into_split();
        let head = format!(
            "POST /inbox HTTP/1.1\r\nHost: {}\r\nContent-Type: application/activity+json\r\n\
             Content-Length: {HUNDRED_MB}\r\nConnection: close\r\n\r\n",
            app.domain
        );
        let written = Arc::new(AtomicU64::new(0));
        let w = written.clone();
        let writer = tokio::spawn(async move {
            wr.write_all(head.as_bytes()).await.ok()?;
            let block = vec![b' '; 64 * 1024];
            let mut sent = 0u64;
            while sent < HUNDRED_MB {
                wr.write_all(&block).await.ok()?;
                sent += block.len() as u64;
                w.store(sent, Ordering::SeqCst);
            }
            Some(())
        });
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        tokio::time::timeout(Duration::from_secs(30), async {
            while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
                match rd.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&chunk[..n]),
                }
            }
        })
        .await
        .expect("an answer within 30 s");
        let at_answer = written.load(Ordering::SeqCst);
        writer.abort();
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 413"), "{text}");
        assert!(at_answer < 3 * HUNDRED_MB / 10, "{at_answer} bytes were taken before the answer");
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    }
}

/// PostgreSQL only (for SQLite, a restart of the database is not a thing: it is a file in the
/// process). Signed Creates from 20 concurrent senders while every connection of the server is
/// terminated, three times: the senders retry what failed, as real servers do, and in the end
/// every entry is stored once and every activity id recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_terminated_under_load_lose_nothing() {
    let (app, fake, _mallory) = crate::federation_security::setup(Backend::Postgres).await;
    let actors: Vec<Remote> = (0..4).map(|i| fake.actor(&format!("sender{i}"))).collect();
    for a in &actors {
        insert_following(&app, a, "accepted").await;
    }
    let n = 600usize;
    let bodies: Vec<(usize, Vec<u8>)> = (0..n)
        .map(|i| {
            let by = &actors[i % actors.len()];
            let oid = fake.new_id("events");
            let act = crate::federation_security::wrap(
                &fake,
                "Create",
                by,
                event_object(&oid, by, &format!("Event {i}"), "<p>Cours de français</p>"),
            );
            (i % actors.len(), act.to_string().into_bytes())
        })
        .collect();
    let dbname = app.db.url.rsplit('/').next().unwrap().to_string();
    let queue = Arc::new(Mutex::new(bodies));
    let retried = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..20 {
        let (queue, actors, retried) = (queue.clone(), actors.clone(), retried.clone());
        let client = app.client.clone();
        let (domain, base) = (app.domain.clone(), http_base(&app));
        senders.push(tokio::spawn(async move {
            loop {
                let Some((who, body)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let by = &actors[who];
                let mut tries = 0;
                loop {
                    let mut h = reqwest::header::HeaderMap::new();
                    h.insert(reqwest::header::HOST, domain.parse().unwrap());
                    h.insert(
                        reqwest::header::CONTENT_TYPE,
                        "application/activity+json".parse().unwrap(),
                    );
                    passerelle::federation::signature::sign(
                        &axum::http::Method::POST,
                        "/inbox",
                        &mut h,
                        &body,
                        &by.private_pem,
                        &opts(by),
                    )
                    .unwrap();
                    h.remove(reqwest::header::HOST);
                    let r = client
                        .post(base.join("inbox").unwrap())
                        .headers(h)
                        .body(body.clone())
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().is_success() => break,
                        Ok(r) if r.status().is_client_error() => {
                            panic!(
                                "refused: {} {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            )
                        }
                        _ => {
                            tries += 1;
                            retried.fetch_add(1, Ordering::SeqCst);
                            assert!(tries < 50, "the server never recovered");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
            }
        }));
    }
    // Cut every connection of the server three times while the senders work.
    let admin = sea_orm::Database::connect(format!(
        "{}/postgres",
        postgres_server().trim_end_matches('/')
    ))
    .await
    .unwrap();
    let mut cut = 0;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let rows = admin
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                format!(
                    "SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity \
                     WHERE datname = '{dbname}' AND pid <> pg_backend_pid()"
                ),
            ))
            .await
            .unwrap();
        cut += rows.len();
    }
    for s in senders {
        s.await.unwrap();
    }
    assert!(cut > 0, "no connection was terminated");
    assert!(queue.lock().unwrap().is_empty());
    // Everything once.
    let db = &app.state.db;
    let entries = entry::Entity::find()
        .filter(entry::Column::Local.eq(false))
        .count(db)
        .await
        .unwrap();
    let received = received_activity::Entity::find().count(db).await.unwrap();
    let creates = activity::Entity::find()
        .filter(activity::Column::Local.eq(false))
        .filter(activity::Column::Kind.eq("Create"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(
        (entries, received, creates),
        (n as u64, n as u64, n as u64),
        "after {cut} connections cut and {} retries",
        retried.load(Ordering::SeqCst)
    );
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    admin.close().await.ok();
}

/// A single `passerelle serve` on SQLite (the compiled binary) is killed with SIGKILL in the
/// middle of a fan-out to three followers, and started again on the same file: every follower
/// gets every entry, and applies it once. (scaleout.rs does the same for a separate worker on
/// PostgreSQL.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_killed_during_delivery_on_sqlite_loses_and_repeats_nothing() {
    let d = scaleout::Deployment::new(Backend::Sqlite, "").await;
    let (port, config, receivers) = (d.port, &d.config, &d.receivers);
    let client = reqwest::Client::new();
    let mut server = scaleout::spawn("server", config, &["serve"], &[]);
    scaleout::wait_ready(&client, port).await;
    let conn = d.connect(1).await;
    let token = scaleout::alpha_with_an_editor(&conn).await;
    d.receivers_follow().await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(scaleout::publish(&client, port, &token, &format!("Service {i}")).await);
    }
    // Kill as soon as the fan-out has started, before it is over.
    let (ids_ref, conn_ref) = (&ids, &conn);
    eventually(30, || async move {
        let rows = scaleout::create_deliveries(conn_ref, ids_ref).await;
        rows.iter().any(|d| d.state == "done").then_some(())
    })
    .await
    .expect("the fan-out started");
    server.kill().await;
    let left = scaleout::create_deliveries(&conn, &ids)
        .await
        .iter()
        .filter(|d| d.state != "done")
        .count();
    assert!(
        left > 0,
        "the fan-out was over before the server was killed"
    );
    let mut server = scaleout::spawn("server again", config, &["serve"], &[]);
    scaleout::wait_ready(&client, port).await;
    scaleout::wait_received(receivers, &ids, &conn).await;
    let (ids_ref, conn_ref) = (&ids, &conn);
    eventually(30, || async move {
        let rows = scaleout::create_deliveries(conn_ref, ids_ref).await;
        rows.iter().all(|d| d.state == "done").then_some(())
    })
    .await
    .expect("every delivery done");
    // Applied once each; a copy sent but not recorded before the kill may come again (at most
    // one per delivery in flight), and is recognised by its id.
    let mut replays = 0;
    for r in receivers {
        assert_eq!(
            scaleout::inbox_count(r, "accepted"),
            ids.len() as u64,
            "{}",
            r.domain
        );
        replays += scaleout::inbox_count(r, "duplicate");
    }
    assert!(replays <= 4, "{replays} copies sent twice");
    server.assert_running();
    server.kill().await;
    conn.close().await.ok();
}
