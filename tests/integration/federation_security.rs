//! The inbox under attack (docs/federation.md, "Security cases a test suite should cover") and
//! federation with a real third-party implementation (Fedify, tests/interop/peer.mjs).
//!
//! Most attacks come from `mallory`, an actor served by a tiny axum server started by the test
//! ([`Fake`]) on `http://localhost:<port>`: it counts every request it receives, which proves
//! when our server did (or did not) fetch anything. Requests are signed with the server's own
//! draft-cavage implementation ([`signature::sign`]).
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode as AxumStatus, Uri, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use passerelle::{
    accounts::Role,
    db::entities::{
        activity, delivery, entry, follower, following, received_activity, remote_actor,
    },
    federation::{
        keys,
        signature::{self, SignOptions, digest_header_value},
    },
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use url::Url;
use uuid::Uuid;

use crate::{both_dbs, harness::*};

pub(crate) const ORG: &str = "lille";
pub(crate) const AS_JSON: &str = "application/activity+json";

// ---------------------------------------------------------------------------------------------
// A fake remote server
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Default)]
pub(crate) struct FakeState {
    /// path → (Content-Type, body)
    docs: Arc<Mutex<HashMap<String, (String, String)>>>,
    /// "METHOD /path" of every request received.
    hits: Arc<Mutex<Vec<String>>>,
}

/// A remote server on loopback serving whatever the test puts in it, counting requests.
pub(crate) struct Fake {
    port: u16,
    state: FakeState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) async fn fake_handler(
    State(s): State<FakeState>,
    method: Method,
    uri: Uri,
    _body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    s.hits.lock().unwrap().push(format!("{method} {path}"));
    if method == Method::POST {
        return AxumStatus::ACCEPTED.into_response();
    }
    // A slow server: documents under /slow/ take a second and a half to come.
    if path.starts_with("/slow/") {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    }
    match s.docs.lock().unwrap().get(&path) {
        Some((ct, body)) => (
            [(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap())],
            body.clone(),
        )
            .into_response(),
        None => AxumStatus::NOT_FOUND.into_response(),
    }
}

/// A remote actor of a [`Fake`] server, with its private key.
#[derive(Clone)]
pub(crate) struct Remote {
    pub(crate) id: String,
    pub(crate) key_id: String,
    pub(crate) private_pem: String,
    pub(crate) public_pem: String,
}

impl Fake {
    pub(crate) async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = FakeState::default();
        let router = Router::new()
            .fallback(fake_handler)
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Fake { port, state, task }
    }

    pub(crate) fn domain(&self) -> String {
        format!("localhost:{}", self.port)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }

    /// A fresh activity (or object) id on this server.
    pub(crate) fn new_id(&self, what: &str) -> String {
        self.url(&format!("/{what}/{}", Uuid::new_v4()))
    }

    pub(crate) fn serve(&self, path: &str, content_type: &str, body: &Value) {
        self.state.docs.lock().unwrap().insert(
            path.to_string(),
            (content_type.to_string(), body.to_string()),
        );
    }

    pub(crate) fn hits(&self) -> Vec<String> {
        self.state.hits.lock().unwrap().clone()
    }

    pub(crate) fn count(&self, method_and_path: &str) -> usize {
        self.hits().iter().filter(|h| *h == method_and_path).count()
    }

    /// An actor with a new RSA key, served as ActivityPub JSON at /users/<name>.
    pub(crate) fn actor(&self, name: &str) -> Remote {
        let kp = keys::generate().unwrap();
        let id = self.url(&format!("/users/{name}"));
        let remote = Remote {
            key_id: format!("{id}#main-key"),
            id,
            private_pem: kp.private_key,
            public_pem: kp.public_key,
        };
        self.serve(
            &format!("/users/{name}"),
            AS_JSON,
            &actor_doc(&remote, &remote.id),
        );
        remote
    }

    /// The actor's key changes on its server.
    pub(crate) fn rotate(&self, remote: &mut Remote) {
        let kp = keys::generate().unwrap();
        remote.private_pem = kp.private_key;
        remote.public_pem = kp.public_key;
        let path = Url::parse(&remote.id).unwrap().path().to_string();
        self.serve(&path, AS_JSON, &actor_doc(remote, &remote.id));
    }
}

pub(crate) fn actor_doc(r: &Remote, id: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": id.rsplit('/').next().unwrap(),
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": r.public_pem},
    })
}

// ---------------------------------------------------------------------------------------------
// Signed deliveries
// ---------------------------------------------------------------------------------------------

/// `http://localhost:<port>/`: where the instance listens (also in production mode, whose ids
/// say https).
pub(crate) fn http_base(app: &TestApp) -> Url {
    Url::parse(&format!("http://{}/", app.domain)).unwrap()
}

pub(crate) fn opts(by: &Remote) -> SignOptions {
    SignOptions::new(by.key_id.clone())
}

/// Headers of a POST of `body` to `path` on `app`, signed with `private_pem` (Host, Date,
/// Digest, Content-Type, Signature).
pub(crate) fn signed_headers(
    app: &TestApp,
    path: &str,
    body: &[u8],
    private_pem: &str,
    opts: &SignOptions,
) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::HOST, HeaderValue::from_str(&app.domain).unwrap());
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AS_JSON));
    signature::sign(&Method::POST, path, &mut h, body, private_pem, opts).unwrap();
    h
}

/// POST `body` with exactly `headers` (Host comes from the URL); (status, body text).
pub(crate) async fn post_raw(
    app: &TestApp,
    path: &str,
    mut headers: HeaderMap,
    body: Vec<u8>,
) -> (u16, String) {
    headers.remove(header::HOST);
    let r = app
        .client
        .post(http_base(app).join(path.trim_start_matches('/')).unwrap())
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// POST an oversized body over a raw socket, reading the answer while the body is still being
/// written: the server answers 413 and closes without reading it all, which an HTTP client
/// reports as a broken pipe instead of the answer. The status, or None if none came.
pub(crate) async fn post_oversized(
    app: &TestApp,
    path: &str,
    headers: &HeaderMap,
    body: Vec<u8>,
) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stream = tokio::net::TcpStream::connect(app.config.server.bind)
        .await
        .unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        app.domain,
        body.len()
    );
    for (k, v) in headers {
        if k != header::HOST {
            head.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap()));
        }
    }
    head.push_str("\r\n");
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
    });
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match rd.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    writer.abort();
    read.ok()?;
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// A correctly signed delivery of `activity` by `by` to `path`.
pub(crate) async fn deliver(
    app: &TestApp,
    path: &str,
    by: &Remote,
    activity: &Value,
) -> (u16, String) {
    deliver_with(app, path, by, activity, opts(by)).await
}

pub(crate) async fn deliver_with(
    app: &TestApp,
    path: &str,
    by: &Remote,
    activity: &Value,
    opts: SignOptions,
) -> (u16, String) {
    let body = activity.to_string().into_bytes();
    let h = signed_headers(app, path, &body, &by.private_pem, &opts);
    post_raw(app, path, h, body).await
}

pub(crate) fn assert_2xx(what: &str, (status, body): &(u16, String)) {
    assert!((200..300).contains(status), "{what}: {status} {body}");
}

pub(crate) fn assert_status(what: &str, expected: u16, (status, body): &(u16, String)) {
    assert_eq!(*status, expected, "{what}: {body}");
}

pub(crate) fn assert_4xx(what: &str, (status, body): &(u16, String)) {
    assert!((400..500).contains(status), "{what}: {status} {body}");
}

// ---------------------------------------------------------------------------------------------
// Activities and database helpers
// ---------------------------------------------------------------------------------------------

pub(crate) fn org_id(app: &TestApp) -> String {
    app.state.urls.org(ORG).to_string()
}

pub(crate) fn follow(fake: &Fake, by: &Remote, target: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fake.new_id("follows"),
        "type": "Follow",
        "actor": by.id,
        "object": target,
    })
}

/// A remote Event as Mobilizon would send it.
pub(crate) fn event_object(id: &str, by: &Remote, name: &str, content: &str) -> Value {
    json!({
        "id": id,
        "type": "Event",
        "name": name,
        "content": content,
        "mediaType": "text/html",
        "startTime": "2026-12-05T14:00:00+01:00",
        "endTime": "2026-12-05T16:00:00+01:00",
        "timezone": "Europe/Paris",
        "url": id,
        "attributedTo": by.id,
        "published": "2026-10-01T10:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

pub(crate) fn wrap(fake: &Fake, kind: &str, by: &Remote, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fake.new_id("activities"),
        "type": kind,
        "actor": by.id,
        "object": object,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

pub(crate) async fn followers_count(app: &TestApp) -> u64 {
    follower::Entity::find().count(&app.state.db).await.unwrap()
}

pub(crate) async fn received_count(app: &TestApp) -> u64 {
    received_activity::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

pub(crate) async fn remote_activities(app: &TestApp) -> Vec<activity::Model> {
    activity::Entity::find()
        .filter(activity::Column::Local.eq(false))
        .all(&app.state.db)
        .await
        .unwrap()
}

pub(crate) async fn remote_entries(app: &TestApp) -> Vec<entry::Model> {
    entry::Entity::find()
        .filter(entry::Column::Local.eq(false))
        .all(&app.state.db)
        .await
        .unwrap()
}

pub(crate) async fn remote_actor_rows(app: &TestApp) -> Vec<remote_actor::Model> {
    remote_actor::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

/// Nothing at all was stored from a refused delivery.
pub(crate) async fn assert_nothing_stored(app: &TestApp, what: &str) {
    assert_eq!(
        followers_count(app).await,
        0,
        "{what}: a follower was stored"
    );
    assert_eq!(
        received_count(app).await,
        0,
        "{what}: the activity id was recorded"
    );
    assert!(
        remote_activities(app).await.is_empty(),
        "{what}: an activity was stored"
    );
    assert!(
        remote_entries(app).await.is_empty(),
        "{what}: an entry was stored"
    );
}

/// The remote actor as our server stores it (fetched from its server if needed).
pub(crate) async fn remote_row(app: &TestApp, r: &Remote) -> remote_actor::Model {
    let data = app.state.data().await.unwrap();
    passerelle::federation::remote::dereference(&data, &Url::parse(&r.id).unwrap())
        .await
        .unwrap()
        .row
}

/// Our instance actor follows `r` (state given), as after an accepted instance follow.
pub(crate) async fn insert_following(app: &TestApp, r: &Remote, state: &str) -> following::Model {
    let row = remote_row(app, r).await;
    let now = Utc::now();
    following::ActiveModel {
        id: Set(Uuid::now_v7()),
        local_actor_ap_id: Set(app.state.urls.instance_actor().to_string()),
        target_ap_id: Set(row.ap_id.clone()),
        remote_actor_id: Set(row.id),
        follow_ap_id: Set(app.state.urls.activity(Uuid::now_v7()).to_string()),
        state: Set(state.into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.state.db)
    .await
    .unwrap()
}

/// An instance with the organisation [`ORG`], a fake remote server and its actor mallory.
pub(crate) async fn setup(backend: Backend) -> (TestApp, Fake, Remote) {
    let app = TestApp::spawn(backend).await;
    app.create_org(ORG).await;
    let fake = Fake::start().await;
    let mallory = fake.actor("mallory");
    (app, fake, mallory)
}

pub(crate) const INBOXES: [&str; 3] = ["/inbox", "/actor/inbox", "/o/lille/inbox"];

// ---------------------------------------------------------------------------------------------
// 1. Unsigned POST
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn unsigned_post_is_refused_without_any_fetch(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let body = follow(&fake, &mallory, &org_id(&app)).to_string();
        for path in INBOXES {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AS_JSON));
            h.insert(header::DATE, HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now())).unwrap());
            h.insert("digest", HeaderValue::from_str(&digest_header_value(body.as_bytes())).unwrap());
            let r = post_raw(&app, path, h, body.clone().into_bytes()).await;
            assert_status(path, 401, &r);
        }
        assert!(fake.hits().is_empty(), "our server made requests: {:?}", fake.hits());
        assert_nothing_stored(&app, "unsigned").await;
        assert!(remote_actor_rows(&app).await.is_empty());

        // The same activity, signed, is accepted: the refusal was about the signature.
        let r = deliver(&app, "/o/lille/inbox", &mallory, &serde_json::from_str(&body).unwrap()).await;
        assert_2xx("signed", &r);
        assert_eq!(followers_count(&app).await, 1);
        assert_eq!(fake.count("GET /users/mallory"), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Digest mismatch
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn altered_body_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let original = follow(&fake, &mallory, &org_id(&app));
        let signed_body = original.to_string().into_bytes();
        let h = signed_headers(&app, "/inbox", &signed_body, &mallory.private_pem, &opts(&mallory));

        // Another target in the body, same signature and Digest.
        let mut altered = original.clone();
        altered["object"] = json!(app.state.urls.instance_actor().to_string());
        let r = post_raw(&app, "/inbox", h.clone(), altered.to_string().into_bytes()).await;
        assert_status("altered body", 401, &r);
        assert!(r.1.contains("digest"), "{}", r.1);
        // A Digest recomputed for the new body does not match the signature.
        let mut h2 = h.clone();
        h2.insert("digest", HeaderValue::from_str(&digest_header_value(altered.to_string().as_bytes())).unwrap());
        let r = post_raw(&app, "/inbox", h2, altered.to_string().into_bytes()).await;
        assert_status("altered body with a new Digest", 401, &r);
        assert_nothing_stored(&app, "altered").await;

        // The untouched request goes through.
        let r = post_raw(&app, "/inbox", h, signed_body).await;
        assert_2xx("original", &r);
        let rows = follower::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].local_actor_ap_id, org_id(&app));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Signed by A, actor B
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn activity_actor_must_be_the_signer(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        // Signed with mallory's key (keyId mallory), the body claims alice.
        let forged = follow(&fake, &alice, &org_id(&app));
        let r = deliver(&app, "/inbox", &mallory, &forged).await;
        assert_status("actor: alice, signed by mallory", 401, &r);
        // keyId alice, signed with mallory's key.
        let mut fake_alice = mallory.clone();
        fake_alice.key_id = alice.key_id.clone();
        let r = deliver(&app, "/inbox", &fake_alice, &forged).await;
        assert_status("keyId alice, mallory's key", 401, &r);
        assert_nothing_stored(&app, "forged actor").await;

        // Alice herself may.
        let r = deliver(&app, "/inbox", &alice, &forged).await;
        assert_2xx("alice", &r);
        let rows = follower::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].follower_ap_id, alice.id);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Activity id on another host
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn activity_id_on_another_host_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let other = Fake::start().await;
        for id in [
            other.new_id("follows"),
            "https://elsewhere.example/follows/1".to_string(),
            // Same host name, another port: another instance.
            format!("http://localhost:1/follows/{}", Uuid::new_v4()),
            "urn:uuid:0b0c2f4e-9f0a-4f8e-8d8e-6f8d0c7a9b11".to_string(),
        ] {
            let mut a = follow(&fake, &mallory, &org_id(&app));
            a["id"] = json!(id);
            let r = deliver(&app, "/o/lille/inbox", &mallory, &a).await;
            assert_status(&id, 400, &r);
        }
        assert_nothing_stored(&app, "foreign activity id").await;
        assert!(other.hits().is_empty(), "{:?}", other.hits());

        let r = deliver(&app, "/o/lille/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app))).await;
        assert_2xx("own id", &r);
        assert_eq!(followers_count(&app).await, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Create of an object from another host
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn create_of_a_foreign_object_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        insert_following(&app, &mallory, "accepted").await;
        let other = Fake::start().await;
        let carol = other.actor("carol");

        let foreign_id = event_object(&other.new_id("events"), &mallory, "Atelier", "<p>Venez</p>");
        let mut foreign_author = event_object(&fake.new_id("events"), &mallory, "Atelier", "<p>Venez</p>");
        foreign_author["attributedTo"] = json!(carol.id);
        let mut foreign_coauthor = event_object(&fake.new_id("events"), &mallory, "Atelier", "<p>Venez</p>");
        foreign_coauthor["attributedTo"] = json!([mallory.id, {"type": "Person", "id": carol.id}]);
        for (what, object) in [
            ("object id on another host", foreign_id),
            ("attributedTo on another host", foreign_author),
            ("one attributedTo on another host", foreign_coauthor),
        ] {
            for kind in ["Create", "Update"] {
                let r = deliver(&app, "/inbox", &mallory, &wrap(&fake, kind, &mallory, object.clone())).await;
                assert_status(&format!("{kind}: {what}"), 400, &r);
            }
        }
        assert!(remote_entries(&app).await.is_empty());
        assert!(remote_activities(&app).await.is_empty());
        assert_eq!(received_count(&app).await, 0);
        assert!(other.hits().is_empty(), "{:?}", other.hits());

        // Mallory's own event is stored.
        let own = event_object(&fake.new_id("events"), &mallory, "Atelier", "<p>Venez</p>");
        let r = deliver(&app, "/inbox", &mallory, &wrap(&fake, "Create", &mallory, own.clone())).await;
        assert_2xx("own object", &r);
        let entries = remote_entries(&app).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].ap_id, own["id"].as_str().unwrap());
        assert_eq!(entries[0].origin_domain, fake.domain());
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Remote activities or objects claiming our domain
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn remote_cannot_claim_our_ids(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        insert_following(&app, &mallory, "accepted").await;
        let token = app.token_for("editor@lille.example", Role::Editor, Some(ORG)).await;
        let r = app
            .client
            .post(app.url("/api/v1/events"))
            .bearer_auth(&token)
            .json(&json!({
                "organization": ORG,
                "name": {"fr": "Café des langues"},
                "description": {"fr": "Conversation en français, tous niveaux."},
                "start_time": "2026-11-10T18:30:00+01:00",
                "end_time": "2026-11-10T20:00:00+01:00",
                "timezone": "Europe/Paris",
                "online_url": "https://visio.example.org/cafe"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let created: Value = r.json().await.unwrap();
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        let api_path = format!("/api/v1/events/{}", created["id"].as_str().unwrap());
        let before = entry::Entity::find().one(&app.state.db).await.unwrap().unwrap();

        let mut hijack = event_object(&ap_id, &mallory, "Hijacked", "<p>pwned</p>");
        hijack["attributedTo"] = json!(org_id(&app));
        let mut ours_by_mallory = hijack.clone();
        ours_by_mallory["attributedTo"] = json!(mallory.id);
        let mut follow_with_our_id = follow(&fake, &mallory, &org_id(&app));
        follow_with_our_id["id"] = json!(app.state.urls.activity(Uuid::now_v7()).to_string());
        let mut create_with_our_id = wrap(&fake, "Create", &mallory, event_object(&fake.new_id("events"), &mallory, "X", "x"));
        create_with_our_id["id"] = json!(app.state.urls.activity(Uuid::now_v7()).to_string());
        let cases = [
            ("Update of our entry", wrap(&fake, "Update", &mallory, hijack.clone())),
            ("Update of our entry, attributed to mallory", wrap(&fake, "Update", &mallory, ours_by_mallory.clone())),
            ("Create with our entry's id", wrap(&fake, "Create", &mallory, ours_by_mallory)),
            ("Delete of our entry", wrap(&fake, "Delete", &mallory, json!(ap_id))),
            ("Delete of our entry, embedded", wrap(&fake, "Delete", &mallory, json!({"id": ap_id, "type": "Tombstone"}))),
            ("Follow whose id is ours", follow_with_our_id),
            ("Create whose id is ours", create_with_our_id),
        ];
        for (what, a) in &cases {
            let r = deliver(&app, "/inbox", &mallory, a).await;
            assert_4xx(what, &r);
        }
        // A delivery signed with our own organisation's key (as if it were remote).
        let org = passerelle::accounts::find_org(&app.state.db, ORG).await.unwrap().unwrap();
        let impostor = Remote {
            id: org_id(&app),
            key_id: format!("{}#main-key", org_id(&app)),
            private_pem: org.private_key_pem.clone(),
            public_pem: org.public_key_pem.clone(),
        };
        let r = deliver(&app, "/inbox", &impostor, &wrap(&fake, "Update", &impostor, hijack)).await;
        assert_status("signed as our own organisation", 401, &r);

        let after = entry::Entity::find_by_id(before.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(after, before, "our entry was changed");
        let (status, shown) = {
            let r = app.get(&api_path).await;
            (r.status(), r.json::<Value>().await.unwrap())
        };
        assert_eq!(status, 200);
        assert_eq!(shown["name"]["fr"], "Café des langues");
        assert_eq!(entry::Entity::find().count(&app.state.db).await.unwrap(), 1);
        assert!(remote_activities(&app).await.is_empty());
        assert_eq!(followers_count(&app).await, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Date window
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn dates_outside_the_window_are_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        for (what, date) in [
            ("two hours old", Utc::now() - Duration::hours(2)),
            ("61 minutes old", Utc::now() - Duration::minutes(61)),
            ("two hours ahead", Utc::now() + Duration::hours(2)),
            ("61 minutes ahead", Utc::now() + Duration::minutes(61)),
        ] {
            let mut o = opts(&mallory);
            o.date = Some(date);
            let r = deliver_with(&app, "/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app)), o).await;
            assert_status(what, 401, &r);
        }
        // Unparseable Date, covered by a valid signature.
        for bad in ["yesterday", "Wed, 32 May 2024 12:00:00 GMT", "1714564800"] {
            let body = follow(&fake, &mallory, &org_id(&app)).to_string().into_bytes();
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_str(&app.domain).unwrap());
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AS_JSON));
            h.insert(header::DATE, HeaderValue::from_static(bad));
            signature::sign(&Method::POST, "/inbox", &mut h, &body, &mallory.private_pem, &opts(&mallory)).unwrap();
            assert_eq!(h[header::DATE], bad);
            let r = post_raw(&app, "/inbox", h, body).await;
            assert_status(bad, 401, &r);
        }
        assert!(fake.hits().is_empty(), "{:?}", fake.hits());
        assert_nothing_stored(&app, "bad dates").await;

        // Within the window, either way.
        for (i, date) in [Utc::now() - Duration::minutes(30), Utc::now() + Duration::minutes(30)].into_iter().enumerate() {
            let mut o = opts(&mallory);
            o.date = Some(date);
            let target = if i == 0 { org_id(&app) } else { app.state.urls.instance_actor().to_string() };
            let r = deliver_with(&app, "/inbox", &mallory, &follow(&fake, &mallory, &target), o).await;
            assert_2xx("30 minutes", &r);
        }
        assert_eq!(followers_count(&app).await, 2);
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Replay
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn replayed_delivery_has_no_second_effect(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let a = follow(&fake, &mallory, &org_id(&app));
        let body = a.to_string().into_bytes();
        let h = signed_headers(&app, "/o/lille/inbox", &body, &mallory.private_pem, &opts(&mallory));
        let first = post_raw(&app, "/o/lille/inbox", h.clone(), body.clone()).await;
        assert_2xx("first", &first);
        let second = post_raw(&app, "/o/lille/inbox", h.clone(), body.clone()).await;
        assert_2xx("replay", &second);
        // The same activity, signed anew (a retry by the sender), is no different.
        let third = deliver(&app, "/o/lille/inbox", &mallory, &a).await;
        assert_2xx("re-sent", &third);

        assert_eq!(followers_count(&app).await, 1);
        let accepts = activity::Entity::find()
            .filter(activity::Column::Kind.eq("Accept"))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(accepts.len(), 1, "one Accept");
        let deliveries = delivery::Entity::find()
            .filter(delivery::Column::ActivityId.eq(accepts[0].id))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(deliveries.len(), 1, "one Accept queued");
        assert_eq!(deliveries[0].inbox, format!("{}/inbox", mallory.id));
        assert_eq!(remote_activities(&app).await.len(), 1);
        assert_eq!(received_count(&app).await, 1);
        // The Accept arrives, once.
        eventually(15, || async { (fake.count("POST /users/mallory/inbox") >= 1).then_some(()) })
            .await
            .expect("the Accept was not delivered");
        assert_eq!(delivery::Entity::find().count(&app.state.db).await.unwrap(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Required covered headers
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn signature_must_cover_target_host_date_and_digest(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        for list in [
            "host date digest content-type",
            "(request-target) date digest content-type",
            "(request-target) host date content-type",
            "(request-target) host digest content-type",
            "date",
        ] {
            let mut o = opts(&mallory);
            o.covered = Some(list.split(' ').map(str::to_string).collect());
            let r = deliver_with(&app, "/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app)), o).await;
            assert_status(list, 401, &r);
            assert!(r.1.contains("must cover"), "{list}: {}", r.1);
        }
        assert!(fake.hits().is_empty(), "{:?}", fake.hits());
        assert_nothing_stored(&app, "partial signatures").await;

        let mut o = opts(&mallory);
        o.covered = Some(["(request-target)", "host", "date", "digest"].map(String::from).to_vec());
        let r = deliver_with(&app, "/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app)), o).await;
        assert_2xx("complete list", &r);
    }
}

// ---------------------------------------------------------------------------------------------
// 10. Actor documents that must not be trusted
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn actor_served_as_html_or_with_another_id_is_refused(backend: Backend) {
        let (app, fake, _mallory) = setup(backend).await;
        // Served as text/html.
        let html = fake.actor("html");
        fake.serve("/users/html", "text/html; charset=utf-8", &actor_doc(&html, &html.id));
        let r = deliver(&app, "/inbox", &html, &follow(&fake, &html, &org_id(&app))).await;
        assert_status("text/html actor", 401, &r);
        assert!(fake.count("GET /users/html") >= 1, "{:?}", fake.hits());
        // Served as application/json (not an ActivityPub type either).
        fake.serve("/users/html", "application/json", &actor_doc(&html, &html.id));
        let r = deliver(&app, "/inbox", &html, &follow(&fake, &html, &org_id(&app))).await;
        assert_status("application/json actor", 401, &r);

        // An actor document whose id is another URL, on another host.
        let liar = fake.actor("liar");
        fake.serve("/users/liar", AS_JSON, &actor_doc(&liar, "https://elsewhere.example/users/liar"));
        let mut a = follow(&fake, &liar, &org_id(&app));
        let r = deliver(&app, "/inbox", &liar, &a).await;
        assert_status("id on another host", 401, &r);
        a["actor"] = json!("https://elsewhere.example/users/liar");
        let r = deliver(&app, "/inbox", &liar, &a).await;
        assert_status("id on another host, actor matching it", 401, &r);
        // Same host, another path that does not exist.
        fake.serve("/users/liar", AS_JSON, &actor_doc(&liar, &fake.url("/users/nobody")));
        let r = deliver(&app, "/inbox", &liar, &follow(&fake, &liar, &org_id(&app))).await;
        assert_status("id on another path", 401, &r);

        assert!(remote_actor_rows(&app).await.is_empty(), "an untrusted actor was stored");
        assert_nothing_stored(&app, "untrusted actors").await;

        // Served correctly, the same actor is accepted.
        fake.serve("/users/html", AS_JSON, &actor_doc(&html, &html.id));
        let r = deliver(&app, "/inbox", &html, &follow(&fake, &html, &org_id(&app))).await;
        assert_2xx("fixed", &r);
    }
}

// ---------------------------------------------------------------------------------------------
// 11. Production mode: no http, loopback or explicit ports
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn production_mode_never_fetches_insecure_key_urls(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.federation.allow_insecure = false).await;
        app.create_org(ORG).await;
        assert_eq!(app.state.urls.base().scheme(), "https");
        // Anything that connects is counted (TLS or not).
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let c = connections.clone();
        let accept = tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                drop(s);
            }
        });
        let kp = keys::generate().unwrap();
        for actor in [
            format!("http://localhost:{port}/users/mallory"),
            format!("https://localhost:{port}/users/mallory"),
            format!("https://127.0.0.1:{port}/users/mallory"),
            format!("http://127.0.0.1:{port}/users/mallory"),
            "https://localhost/users/mallory".to_string(),
            "https://127.0.0.1/users/mallory".to_string(),
            "https://[::1]/users/mallory".to_string(),
            "https://10.0.0.1/users/mallory".to_string(),
        ] {
            let by = Remote {
                key_id: format!("{actor}#main-key"),
                id: actor.clone(),
                private_pem: kp.private_key.clone(),
                public_pem: kp.public_key.clone(),
            };
            let a = json!({
                "id": format!("{actor}/follows/1"),
                "type": "Follow",
                "actor": actor,
                "object": org_id(&app),
            });
            let r = deliver(&app, "/inbox", &by, &a).await;
            assert_status(&actor, 401, &r);
            // Refused at the key fetch, not earlier: the signature itself was fine.
            assert!(r.1.contains("could not fetch the signing actor"), "{actor}: {}", r.1);
        }
        assert_eq!(connections.load(Ordering::SeqCst), 0, "our server connected to the key URL");
        accept.abort();
        assert!(remote_actor_rows(&app).await.is_empty());
        assert_eq!(followers_count(&app).await, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// 12. Oversized and deeply nested bodies
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn huge_or_deeply_nested_bodies_are_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        // 10 MiB of JSON.
        let mut big = follow(&fake, &mallory, &org_id(&app));
        big["padding"] = json!("x".repeat(10 * 1024 * 1024));
        let body = big.to_string().into_bytes();
        for path in INBOXES {
            let h = signed_headers(&app, path, &body, &mallory.private_pem, &opts(&mallory));
            assert_eq!(post_oversized(&app, path, &h, body.clone()).await, Some(413), "10 MiB to {path}");
        }
        // Deeply nested JSON, correctly signed.
        let arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let mut objects = String::new();
        for _ in 0..10_000 {
            objects.push_str("{\"a\":");
        }
        objects.push('1');
        objects.push_str(&"}".repeat(10_000));
        let in_activity = format!(
            "{{\"id\":\"{}\",\"type\":\"Follow\",\"actor\":\"{}\",\"object\":{arrays}}}",
            fake.new_id("follows"),
            mallory.id
        );
        for (what, text) in [("arrays", arrays), ("objects", objects), ("inside an activity", in_activity)] {
            let body = text.into_bytes();
            let h = signed_headers(&app, "/inbox", &body, &mallory.private_pem, &opts(&mallory));
            let r = post_raw(&app, "/inbox", h, body).await;
            assert_status(what, 400, &r);
        }
        assert!(fake.hits().is_empty(), "{:?}", fake.hits());
        assert_nothing_stored(&app, "huge or nested").await;
        // The server is still fine.
        let r = deliver(&app, "/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app))).await;
        assert_2xx("normal", &r);
    }
}

// ---------------------------------------------------------------------------------------------
// 13. WebFinger for a foreign domain
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn webfinger_for_a_foreign_domain_never_echoes_it(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let host = app.base.host_str().unwrap().to_string();
        for resource in [
            "acct:lille@attacker.example".to_string(),
            "lille@attacker.example".to_string(),
            "acct:lille@ATTACKER.example".to_string(),
            "https://attacker.example/o/lille".to_string(),
            format!("acct:lille@attacker.example@{}", app.domain),
            format!("acct:lille@{host}.attacker.example"),
            "acct:lille@attacker.example\"><script>alert(1)</script>".to_string(),
        ] {
            let mut url = app.url("/.well-known/webfinger");
            url.query_pairs_mut().append_pair("resource", &resource);
            let r = app.client.get(url).send().await.unwrap();
            assert_eq!(r.status(), 400, "{resource}");
            let body = r.text().await.unwrap();
            assert!(!body.to_ascii_lowercase().contains("attacker.example"), "{resource} echoed: {body}");
            assert!(!body.contains("<script"), "{resource} echoed: {body}");
        }
        // Our own domain works.
        let mut url = app.url("/.well-known/webfinger");
        url.query_pairs_mut().append_pair("resource", &format!("acct:lille@{}", app.domain));
        assert_eq!(app.client.get(url).send().await.unwrap().status(), 200);
    }
}

// ---------------------------------------------------------------------------------------------
// 14. Only the target accepts, only the follower undoes, only the owner updates or deletes
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn accept_from_a_non_target_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        let ours = insert_following(&app, &alice, "pending").await;
        remote_row(&app, &mallory).await;
        let embedded = json!({"id": ours.follow_ap_id, "type": "Follow",
            "actor": app.state.urls.instance_actor(), "object": alice.id});
        for (what, object) in [("by URI", json!(ours.follow_ap_id)), ("embedded", embedded.clone())] {
            for kind in ["Accept", "Reject"] {
                let r = deliver(&app, "/actor/inbox", &mallory, &wrap(&fake, kind, &mallory, object.clone())).await;
                assert_status(&format!("{kind} by mallory, {what}"), 403, &r);
            }
        }
        let row = following::Entity::find_by_id(ours.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(row.state, "pending");
        assert!(remote_activities(&app).await.is_empty());

        let r = deliver(&app, "/actor/inbox", &alice, &wrap(&fake, "Accept", &alice, embedded)).await;
        assert_2xx("Accept by alice", &r);
        let row = following::Entity::find_by_id(ours.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(row.state, "accepted");
    }
}

both_dbs! {
    async fn undo_by_a_non_follower_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        let alice_follow = follow(&fake, &alice, &org_id(&app));
        assert_2xx("alice follows", &deliver(&app, "/o/lille/inbox", &alice, &alice_follow).await);
        let embedded_as_alice = alice_follow.clone();
        let mut embedded_as_mallory = alice_follow.clone();
        embedded_as_mallory["actor"] = json!(mallory.id);
        for (what, object) in [
            ("by URI", alice_follow["id"].clone()),
            ("embedded, actor alice", embedded_as_alice),
            ("embedded, actor mallory", embedded_as_mallory),
        ] {
            let r = deliver(&app, "/o/lille/inbox", &mallory, &wrap(&fake, "Undo", &mallory, object)).await;
            assert_4xx(&format!("Undo by mallory, {what}"), &r);
        }
        let rows = follower::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].follower_ap_id, alice.id);
        assert_eq!(rows[0].state, "accepted");

        let r = deliver(&app, "/o/lille/inbox", &alice, &wrap(&fake, "Undo", &alice, alice_follow)).await;
        assert_2xx("Undo by alice", &r);
        assert_eq!(followers_count(&app).await, 0);
    }
}

both_dbs! {
    async fn update_or_delete_by_a_non_owner_is_refused(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;
        insert_following(&app, &mallory, "accepted").await;
        let event_id = fake.new_id("events");
        let original = event_object(&event_id, &alice, "Repair café", "<p>Apportez vos vélos.</p>");
        assert_2xx("alice creates", &deliver(&app, "/inbox", &alice, &wrap(&fake, "Create", &alice, original.clone())).await);
        let before = entry::Entity::find().one(&app.state.db).await.unwrap().expect("alice's entry");
        assert!(before.data.contains("Repair café"));

        // Mallory, on the same host, tries to change alice's entry.
        let honest = event_object(&event_id, &alice, "Hijacked by mallory", "<p>pwned</p>");
        let claimed = event_object(&event_id, &mallory, "Hijacked by mallory", "<p>pwned</p>");
        let mut both = claimed.clone();
        both["attributedTo"] = json!([alice.id, mallory.id]);
        for (what, a) in [
            ("Update attributed to alice", wrap(&fake, "Update", &mallory, honest)),
            ("Update attributed to mallory", wrap(&fake, "Update", &mallory, claimed.clone())),
            ("Update attributed to both", wrap(&fake, "Update", &mallory, both)),
            ("Create over alice's entry", wrap(&fake, "Create", &mallory, claimed)),
            ("Delete by URI", wrap(&fake, "Delete", &mallory, json!(event_id))),
            ("Delete embedded", wrap(&fake, "Delete", &mallory, json!({"id": event_id, "type": "Tombstone"}))),
        ] {
            let r = deliver(&app, "/inbox", &mallory, &a).await;
            assert_4xx(what, &r);
        }
        let after = entry::Entity::find_by_id(before.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(after, before, "alice's entry was changed by mallory");
        assert_eq!(entry::Entity::find().count(&app.state.db).await.unwrap(), 1);

        // Alice may.
        let mut updated = original.clone();
        updated["name"] = json!("Repair café (nouvelle date)");
        updated["updated"] = json!(Utc::now().to_rfc3339());
        assert_2xx("alice updates", &deliver(&app, "/inbox", &alice, &wrap(&fake, "Update", &alice, updated)).await);
        let row = entry::Entity::find_by_id(before.id).one(&app.state.db).await.unwrap().unwrap();
        assert!(row.data.contains("nouvelle date"), "{}", row.data);
        assert_2xx("alice deletes", &deliver(&app, "/inbox", &alice, &wrap(&fake, "Delete", &alice, json!(event_id))).await);
        let row = entry::Entity::find_by_id(before.id).one(&app.state.db).await.unwrap().unwrap();
        assert!(row.deleted_at.is_some());
    }
}

// ---------------------------------------------------------------------------------------------
// 15. Announce of a third-party object
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn announced_object_is_fetched_from_its_origin(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        insert_following(&app, &mallory, "accepted").await;
        let origin = Fake::start().await;
        let carol = origin.actor("carol");
        let event_path = "/events/1";
        let event_id = origin.url(event_path);
        let mut at_origin = event_object(&event_id, &carol, "Cours de français (origine)", "<p>Tous niveaux.</p>");
        at_origin["@context"] = json!("https://www.w3.org/ns/activitystreams");
        origin.serve(event_path, AS_JSON, &at_origin);

        let forged = event_object(&event_id, &carol, "Forged by the relay", "<p>Rendez-vous ailleurs.</p>");
        let r = deliver(&app, "/actor/inbox", &mallory, &wrap(&fake, "Announce", &mallory, forged)).await;
        assert_2xx("Announce", &r);
        assert_eq!(origin.count(&format!("GET {event_path}")), 1, "{:?}", origin.hits());
        let stored = remote_entries(&app).await;
        assert_eq!(stored.len(), 1);
        let e = &stored[0];
        assert_eq!(e.ap_id, event_id);
        assert!(e.data.contains("Cours de français (origine)"), "{}", e.data);
        assert!(!e.data.contains("Forged"), "{}", e.data);
        assert!(!e.data.contains("ailleurs"), "{}", e.data);
        assert_eq!(e.origin_domain, origin.domain());
        let carol_row = remote_actor::Entity::find()
            .filter(remote_actor::Column::ApId.eq(&carol.id))
            .one(&app.state.db)
            .await
            .unwrap()
            .expect("carol was fetched");
        assert_eq!(e.remote_actor_id, Some(carol_row.id));

        // An announced object that its origin does not serve is not stored.
        let missing = origin.url("/events/404");
        let r = deliver(&app, "/actor/inbox", &mallory, &wrap(&fake, "Announce", &mallory,
            event_object(&missing, &carol, "Ghost", "<p>boo</p>"))).await;
        assert_4xx("Announce of a missing object", &r);
        assert_eq!(remote_entries(&app).await.len(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 16. Remote HTML
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn remote_html_is_sanitised(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        insert_following(&app, &mallory, "accepted").await;
        let content = "<p>Atelier <b>vélo</b>.</p><script>alert('xss-script')</script>\
            <img src=x onerror=\"alert('xss-img')\"><a href=\"javascript:alert('xss-link')\">inscription</a>\
            <iframe src=\"javascript:alert('xss-frame')\"></iframe><p onclick=\"alert('xss-click')\">fin</p>";
        let mut object = event_object(&fake.new_id("events"), &mallory, "Atelier <b>vélo</b>", content);
        object["summary"] = json!("<svg onload=alert('xss-svg')>résumé</svg>");
        let r = deliver(&app, "/inbox", &mallory, &wrap(&fake, "Create", &mallory, object)).await;
        assert_2xx("Create", &r);
        let stored = remote_entries(&app).await;
        assert_eq!(stored.len(), 1);
        let row = &stored[0];
        let dangerous = ["<script", "onerror", "onclick", "onload", "javascript:", "xss-", "<iframe", "<img"];
        for needle in dangerous {
            assert!(!row.data.to_ascii_lowercase().contains(needle), "stored {needle}: {}", row.data);
        }
        assert!(row.data.contains("inscription") && row.data.contains("fin"), "{}", row.data);

        let api: Value = app.get(&format!("/api/v1/events/{}", row.id)).await.json().await.unwrap();
        let description = api["description"].to_string().to_ascii_lowercase();
        assert!(description.contains("vélo"), "{api}");
        for needle in dangerous {
            assert!(!description.contains(needle), "API served {needle}: {api}");
        }
        let page = app
            .client
            .get(app.url(&format!("/events/{}", row.id)))
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("inscription"), "{html}");
        for needle in dangerous {
            assert!(!html.to_ascii_lowercase().contains(needle), "page served {needle}: {html}");
        }
        // The name is text: its markup is escaped, never interpreted.
        assert!(!html.contains("<b>vélo</b>"), "{html}");
    }
}

// ---------------------------------------------------------------------------------------------
// 17. RFC 9421 alone
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn rfc9421_only_gets_401_so_senders_fall_back(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let a = follow(&fake, &mallory, &org_id(&app));
        let body = a.to_string().into_bytes();
        let created = Utc::now().timestamp();
        let input = format!(
            "sig1=(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");created={created};keyid=\"{}\";alg=\"rsa-v1_5-sha256\"",
            mallory.key_id
        );
        // Shaped as Mastodon >= 4.5 and Fedify >= 2 send it; the signature value is not
        // checked (RFC 9421 is not verified), the request must get 401 whatever it is.
        let content_digest = format!("sha-256=:{}:", digest_header_value(&body).trim_start_matches("SHA-256="));
        let sig_b64 = digest_header_value(b"not a real signature").replace("SHA-256=", "").repeat(8);
        for path in INBOXES {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AS_JSON));
            h.insert(header::DATE, HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now())).unwrap());
            h.insert("content-digest", HeaderValue::from_str(&content_digest).unwrap());
            h.insert("signature-input", HeaderValue::from_str(&input).unwrap());
            h.insert("signature", HeaderValue::from_str(&format!("sig1=:{sig_b64}:")).unwrap());
            let r = post_raw(&app, path, h, body.clone()).await;
            assert_status(&format!("RFC 9421 to {path}"), 401, &r);
        }
        assert!(fake.hits().is_empty(), "{:?}", fake.hits());
        assert_nothing_stored(&app, "RFC 9421").await;

        // The sender falls back to draft-cavage: accepted.
        let r = deliver(&app, "/o/lille/inbox", &mallory, &a).await;
        assert_2xx("draft-cavage", &r);
        assert_eq!(followers_count(&app).await, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 18. Key rotation
// ---------------------------------------------------------------------------------------------

both_dbs! {
    async fn rotated_key_is_fetched_again_once(backend: Backend) {
        let (app, fake, mut mallory) = setup(backend).await;
        let r = deliver(&app, "/o/lille/inbox", &mallory, &follow(&fake, &mallory, &org_id(&app))).await;
        assert_2xx("first", &r);
        assert_eq!(fake.count("GET /users/mallory"), 1);
        let old = mallory.clone();
        let cached = remote_row(&app, &mallory).await;
        assert_eq!(fake.count("GET /users/mallory"), 1, "the actor is cached");

        fake.rotate(&mut mallory);
        let r = deliver(&app, "/actor/inbox", &mallory, &follow(&fake, &mallory, app.state.urls.instance_actor().as_str())).await;
        assert_2xx("new key", &r);
        assert_eq!(fake.count("GET /users/mallory"), 2, "fetched again exactly once");
        let row = remote_row(&app, &mallory).await;
        assert_eq!(row.id, cached.id);
        assert_ne!(row.public_key_pem, cached.public_key_pem);
        assert_eq!(row.public_key_pem.trim(), mallory.public_pem.trim());
        assert_eq!(followers_count(&app).await, 2);

        // The old key no longer works (one more fetch, then 401).
        let r = deliver(&app, "/o/lille/inbox", &old, &wrap(&fake, "Undo", &old, json!({"type": "Follow", "actor": old.id, "object": org_id(&app)}))).await;
        assert_status("old key", 401, &r);
        assert_eq!(fake.count("GET /users/mallory"), 3);
        assert_eq!(followers_count(&app).await, 2);
        // And the new one keeps working without a fetch.
        let r = deliver(&app, "/o/lille/inbox", &mallory, &wrap(&fake, "Undo", &mallory, json!({"type": "Follow", "actor": mallory.id, "object": org_id(&app)}))).await;
        assert_2xx("new key again", &r);
        assert_eq!(fake.count("GET /users/mallory"), 3);
        assert_eq!(followers_count(&app).await, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Fedify interop
// ---------------------------------------------------------------------------------------------

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn ctl_get(peer: &FedifyPeer, path: &str) -> Value {
    peer.client
        .get(peer.base.join(path).unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The peer's entry for `actor` in /_ctl/following.
async fn peer_following(peer: &FedifyPeer, actor: &str) -> Option<Value> {
    ctl_get(peer, "_ctl/following")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["actor"] == actor)
        .cloned()
}

async fn peer_received(peer: &FedifyPeer, kind: &str, object_id: &str) -> Option<Value> {
    peer.log()
        .await
        .into_iter()
        .find(|e| e["type"] == kind && e["objectId"] == object_id)
}

async fn api_send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

both_dbs! {
    async fn fedify_follows_and_receives_create_update_delete(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@lille.example", Role::Editor, Some(ORG)).await;
        let peer = FedifyPeer::start().await;
        let bob = peer.actor().to_string();
        let org = org_id(&app);

        let answer = peer.ctl_post(&format!("_ctl/follow?target={}", enc(&format!("@{ORG}@{}", app.domain))), None).await;
        assert_eq!(answer["object"], org, "{answer}");
        let f = eventually(30, || async {
            peer_following(&peer, &org).await.filter(|f| f["accepted"] == true)
        })
        .await
        .expect("the peer never saw our Accept");
        assert_eq!(f["rejected"], false);
        let accept = peer_received(&peer, "Accept", answer["id"].as_str().unwrap()).await.expect("Accept in the log");
        assert_eq!(accept["actor"], org);
        let followers: Value = app.get_ap(app.url("/o/lille/followers").as_str()).await.json().await.unwrap();
        assert_eq!(followers["totalItems"], 1, "{followers}");
        let row = follower::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(row.follower_ap_id, bob);
        assert_eq!(row.state, "accepted");

        // Create.
        let (status, created) = api_send(&app, reqwest::Method::POST, "/api/v1/events", &token, Some(json!({
            "organization": ORG,
            "name": {"fr": "Café des langues", "en": "Language café"},
            "description": {"fr": "Conversation en français, tous niveaux."},
            "start_time": "2026-11-10T18:30:00+01:00",
            "end_time": "2026-11-10T20:00:00+01:00",
            "timezone": "Europe/Paris",
            "online_url": "https://visio.example.org/cafe"
        }))).await;
        assert_eq!(status, 201, "{created}");
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        let api_path = format!("/api/v1/events/{}", created["id"].as_str().unwrap());
        let c = eventually(30, || peer_received(&peer, "Create", &ap_id)).await.expect("no Create at the peer");
        assert_eq!(c["actor"], org);
        assert_eq!(c["objectType"], "Event");
        let o = fedify_resolve("object", &ap_id).await.unwrap_or_else(|e| panic!("Fedify cannot fetch {ap_id}: {e}"));
        assert_eq!(o["class"], "Event");
        assert_eq!(o["id"], ap_id);
        assert_eq!(o["attributedTo"], org);

        // Update.
        let (status, body) = api_send(&app, reqwest::Method::PATCH, &api_path, &token,
            Some(json!({"name": {"fr": "Café des langues (complet)"}}))).await;
        assert_eq!(status, 200, "{body}");
        let u = eventually(30, || peer_received(&peer, "Update", &ap_id)).await.expect("no Update at the peer");
        assert_eq!(u["actor"], org);
        let o = fedify_resolve("object", &ap_id).await.unwrap();
        assert!(o["name"].to_string().contains("complet") || o["nameMap"].to_string().contains("complet"), "{o}");

        // Delete.
        let (status, body) = api_send(&app, reqwest::Method::DELETE, &api_path, &token, None).await;
        assert_eq!(status, 204, "{body}");
        let d = eventually(30, || peer_received(&peer, "Delete", &ap_id)).await.expect("no Delete at the peer");
        assert_eq!(d["actor"], org);
        match fedify_resolve("object", &ap_id).await {
            Err(_) => {}
            Ok(o) => assert_eq!(o["class"], "Tombstone", "a deleted entry still resolves: {o}"),
        }
        let errors = ctl_get(&peer, "_ctl/errors").await;
        assert_eq!(errors, json!([]), "the peer's inbox reported errors");
        peer.kill().await;
    }
}

both_dbs! {
    async fn fedify_follow_of_a_manually_approving_org(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        for slug in ["calais", "dunkerque"] {
            app.create_org_with(slug, |o| o.manually_approves_followers = true).await;
        }
        let calais_token = app.token_for("staff@calais.example", Role::Editor, Some("calais")).await;
        let dk_token = app.token_for("staff@dunkerque.example", Role::Editor, Some("dunkerque")).await;
        let peer = FedifyPeer::start().await;
        let bob = peer.actor().to_string();

        for (slug, token, accept) in [("calais", &calais_token, true), ("dunkerque", &dk_token, false)] {
            let actor = app.state.urls.org(slug).to_string();
            let answer = peer.ctl_post(&format!("_ctl/follow?target={}", enc(&format!("@{slug}@{}", app.domain))), None).await;
            assert_eq!(answer["object"], actor, "{answer}");
            // Pending: stored, nothing sent.
            let row = eventually(15, || async {
                follower::Entity::find()
                    .filter(follower::Column::LocalActorApId.eq(&actor))
                    .one(&app.state.db)
                    .await
                    .unwrap()
            })
            .await
            .expect("the follow was not stored");
            assert_eq!(row.state, "pending");
            assert_eq!(row.follower_ap_id, bob);
            app.drain_deliveries().await;
            let f = peer_following(&peer, &actor).await.unwrap();
            assert_eq!((f["accepted"].clone(), f["rejected"].clone()), (json!(false), json!(false)), "{f}");
            let answers = activity::Entity::find()
                .filter(activity::Column::ActorApId.eq(&actor))
                .filter(activity::Column::Kind.is_in(["Accept", "Reject"]))
                .count(&app.state.db)
                .await
                .unwrap();
            assert_eq!(answers, 0, "an answer was sent before staff decided");

            // Staff list and decide.
            let (status, list) = api_send(&app, reqwest::Method::GET, &format!("/api/v1/organizations/{slug}/follow-requests"), token, None).await;
            assert_eq!(status, 200, "{list}");
            assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
            assert_eq!(list["items"][0]["actor"], bob);
            let id = list["items"][0]["id"].as_str().unwrap().to_string();
            let verb = if accept { "accept" } else { "reject" };
            // Staff of another organisation may not.
            let other = if accept { &dk_token } else { &calais_token };
            let (status, _) = api_send(&app, reqwest::Method::POST, &format!("/api/v1/organizations/{slug}/follow-requests/{id}/{verb}"), other, None).await;
            assert_eq!(status, 403);
            let (status, body) = api_send(&app, reqwest::Method::POST, &format!("/api/v1/organizations/{slug}/follow-requests/{id}/{verb}"), token, None).await;
            assert_eq!(status, 204, "{body}");
            let key = if accept { "accepted" } else { "rejected" };
            let f = eventually(30, || async { peer_following(&peer, &actor).await.filter(|f| f[key] == true) })
                .await
                .unwrap_or_else(|| panic!("the peer never saw our {verb}"));
            assert_eq!(f[if accept { "rejected" } else { "accepted" }], false);
            let kind = if accept { "Reject" } else { "Accept" };
            assert!(peer.log().await.iter().all(|e| !(e["type"] == kind && e["actor"] == actor)));
            let rows = follower::Entity::find()
                .filter(follower::Column::LocalActorApId.eq(&actor))
                .all(&app.state.db)
                .await
                .unwrap();
            if accept {
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].state, "accepted");
            } else {
                assert!(rows.is_empty(), "a rejected follower stays: {rows:?}");
            }
        }
        peer.kill().await;
    }
}

both_dbs! {
    async fn our_instance_follows_a_fedify_actor_and_receives_its_posts(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.token_for("admin@example.org", Role::Admin, None).await;
        let peer = FedifyPeer::start().await;
        let bob = peer.actor().to_string();

        let (status, body) = api_send(&app, reqwest::Method::POST, "/api/v1/admin/instance-follows", &admin,
            Some(json!({"target": bob}))).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["target"], bob);
        let row = eventually(30, || async {
            following::Entity::find()
                .filter(following::Column::TargetApId.eq(&bob))
                .filter(following::Column::State.eq("accepted"))
                .one(&app.state.db)
                .await
                .unwrap()
        })
        .await
        .expect("the peer's Accept never arrived");
        assert_eq!(row.local_actor_ap_id, app.state.urls.instance_actor().to_string());
        let followers = ctl_get(&peer, "_ctl/followers").await;
        assert_eq!(followers, json!([app.state.urls.instance_actor().to_string()]));

        let post = peer.ctl_post("_ctl/post?text=hello", None).await;
        assert_eq!(post["recipients"], 1, "{post}");
        let create_id = post["id"].as_str().unwrap().to_string();
        let act = eventually(30, || async {
            activity::Entity::find()
                .filter(activity::Column::ApId.eq(&create_id))
                .one(&app.state.db)
                .await
                .unwrap()
        })
        .await
        .expect("the peer's Create never arrived");
        assert_eq!(act.kind, "Create");
        assert_eq!(act.actor_ap_id, bob);
        assert!(!act.local);
        assert_eq!(act.object_ap_id.as_deref(), post["object"].as_str());
        peer.kill().await;
    }
}

both_dbs! {
    async fn fedify_unsigned_and_tampered_deliveries_get_401(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let peer = FedifyPeer::start().await;
        let bob = peer.actor().to_string();
        let inbox = app.url("/o/lille/inbox").to_string();
        let make_follow = |n: u32| json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": peer.base.join(&format!("follows/raw-{n}")).unwrap().to_string(),
            "type": "Follow",
            "actor": bob,
            "object": org_id(&app),
        });
        peer.ctl_post("_ctl/reset", None).await;

        let r = peer.ctl_post(&format!("_ctl/deliver-unsigned?inbox={}", enc(&inbox)), Some(make_follow(1))).await;
        assert_eq!(r["status"], 401, "{r}");
        let r = peer.ctl_post(&format!("_ctl/deliver-tampered?inbox={}", enc(&inbox)), Some(make_follow(2))).await;
        assert_eq!(r["status"], 401, "{r}");
        let r = peer.ctl_post(
            &format!("_ctl/deliver-tampered?inbox={}&merge={}", enc(&inbox), enc(&json!({"object": app.state.urls.instance_actor()}).to_string())),
            Some(make_follow(3)),
        ).await;
        assert_eq!(r["status"], 401, "{r}");
        // A signature that does not cover the digest.
        let r = peer.ctl_post(
            &format!("_ctl/deliver-raw?inbox={}&headers={}", enc(&inbox), enc("(request-target) host date")),
            Some(make_follow(4)),
        ).await;
        assert_eq!(r["status"], 401, "{r}");
        // An expired Date.
        let old = httpdate::fmt_http_date(std::time::SystemTime::now() - std::time::Duration::from_secs(7200));
        let r = peer.ctl_post(&format!("_ctl/deliver-raw?inbox={}&date={}", enc(&inbox), enc(&old)), Some(make_follow(5))).await;
        assert_eq!(r["status"], 401, "{r}");
        assert_eq!(followers_count(&app).await, 0);
        let requests = ctl_get(&peer, "_ctl/requests").await;
        assert_eq!(requests, json!([]), "our server fetched something for refused deliveries");

        let r = peer.ctl_post(&format!("_ctl/deliver-raw?inbox={}", enc(&inbox)), Some(make_follow(6))).await;
        assert_eq!(r["status"], 202, "{r}");
        let rows = follower::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].follower_ap_id, bob);
        assert_eq!(rows[0].follow_ap_id, make_follow(6)["id"].as_str().unwrap());
        // Our Accept reaches bob and passes Fedify's verification.
        eventually(30, || async {
            peer.log().await.into_iter().find(|e| e["type"] == "Accept" && e["actor"] == org_id(&app))
        })
        .await
        .expect("bob never received our Accept");
        peer.kill().await;
    }
}
