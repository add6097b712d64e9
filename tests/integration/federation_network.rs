//! Instances following each other (the relay model of FEDERATION.md, "Instance-to-instance
//! following") and the durable delivery queue: several real instances in one process, peers that
//! go down and come back, a sender that restarts, peers that refuse, and two workers sharing one
//! database.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use passerelle::{
    AppState,
    accounts::{self, NewOrganization, Role},
    db::entities::{activity, delivery, entry, follower, following, instance_health},
    directory::model::LangMap,
    federation::{delivery as queue, outbox},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::{both_dbs, harness::*};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Send a JSON API request; the answer's status and JSON body (`Null` when not JSON).
pub(crate) async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) async fn admin_token(app: &TestApp) -> String {
    app.token_for("admin@x", Role::Admin, None).await
}

pub(crate) fn service_body(org: &str, name: &str) -> Value {
    json!({
        "organization": org,
        "name": name,
        "description": "Colis alimentaires chaque semaine.",
        "categories": ["food"],
        "languages": ["fr"],
        "online_url": "https://example.org/colis"
    })
}

pub(crate) fn event_body(org: &str, name: &str) -> Value {
    json!({
        "organization": org,
        "name": name,
        "description": "Conversation en français, tous niveaux.",
        "categories": ["language.conversation"],
        "languages": ["fr"],
        "start_time": "2026-11-10T18:30:00+01:00",
        "end_time": "2026-11-10T20:00:00+01:00",
        "timezone": "Europe/Paris",
        "online_url": "https://visio.example.org/cafe-langues"
    })
}

pub(crate) fn offer_body(org: &str, name: &str) -> Value {
    json!({
        "organization": org,
        "name": name,
        "description": "Je peux vous accompagner à vos rendez-vous.",
        "categories": ["administrative"],
        "help_types": ["accompaniment"],
        "languages": ["fr"],
        "area": {"kind": "city", "locality": "Lille", "country": "FR"}
    })
}

/// POST an entry to `/api/v1/<kind>`, asserting 201; the created entry's JSON.
pub(crate) async fn create(app: &TestApp, token: &str, kind: &str, body: Value) -> Value {
    let (status, json) = api(
        app,
        Method::POST,
        &format!("/api/v1/{kind}"),
        Some(token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "POST {kind}: {json:#}");
    json
}

pub(crate) async fn create_service(app: &TestApp, token: &str, org: &str, name: &str) -> Value {
    create(app, token, "services", service_body(org, name)).await
}

pub(crate) fn ap_id(v: &Value) -> String {
    v["ap_id"].as_str().expect("ap_id").to_string()
}

/// Everything `/api/v1/<kind>` lists (one page of 100 is enough here).
pub(crate) async fn listed(app: &TestApp, kind: &str) -> Vec<Value> {
    let (status, json) = api(
        app,
        Method::GET,
        &format!("/api/v1/{kind}?per_page=100"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "GET /api/v1/{kind}: {json}");
    json["items"].as_array().unwrap().clone()
}

/// The listed entry with this ActivityPub id, if any.
pub(crate) async fn listed_entry(app: &TestApp, kind: &str, ap_id: &str) -> Option<Value> {
    listed(app, kind)
        .await
        .into_iter()
        .find(|e| e["ap_id"] == ap_id)
}

/// Wait until `app` lists the entry `ap_id` (and `check` holds for it).
pub(crate) async fn wait_listed(
    app: &TestApp,
    kind: &str,
    ap_id: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let check = &check;
    eventually(30, || async move {
        listed_entry(app, kind, ap_id).await.filter(|e| check(e))
    })
    .await
    .unwrap_or_else(|| panic!("{ap_id} never listed (as expected) on {}", app.domain))
}

/// Wait until `app` no longer lists the entry `ap_id`.
pub(crate) async fn wait_unlisted(app: &TestApp, kind: &str, ap_id: &str) {
    eventually(30, || async move {
        listed_entry(app, kind, ap_id).await.is_none().then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("{ap_id} still listed on {}", app.domain));
}

/// The listed entries of `kind` that came from `domain`.
pub(crate) async fn listed_from(app: &TestApp, kind: &str, domain: &str) -> Vec<Value> {
    listed(app, kind)
        .await
        .into_iter()
        .filter(|e| e["origin"]["domain"] == domain)
        .collect()
}

/// `follower`'s administrator asks to follow `target`'s instance; the new follow's id.
pub(crate) async fn request_follow(follower: &TestApp, token: &str, target: &TestApp) -> String {
    let (status, json) = api(
        follower,
        Method::POST,
        "/api/v1/admin/instance-follows",
        Some(token),
        Some(json!({ "target": target.domain })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "follow {}: {json}",
        target.domain
    );
    assert_eq!(json["state"], "pending", "{json}");
    assert_eq!(json["domain"], target.domain.as_str(), "{json}");
    assert_eq!(
        json["target"],
        target.state.urls.instance_actor().as_str(),
        "{json}"
    );
    json["id"].as_str().unwrap().to_string()
}

/// Wait until `target`'s administrator sees `follower`'s pending request; its id.
pub(crate) async fn pending_request(target: &TestApp, token: &str, follower: &TestApp) -> String {
    let actor = follower.state.urls.instance_actor().to_string();
    let actor = actor.as_str();
    eventually(30, || async move {
        let (status, json) = api(
            target,
            Method::GET,
            "/api/v1/admin/instance-follow-requests",
            Some(token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{json}");
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["actor"] == actor)
            .map(|i| {
                assert_eq!(i["state"], "pending", "{i}");
                assert_eq!(i["type"], "Application", "{i}");
                i["id"].as_str().unwrap().to_string()
            })
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "the follow request of {} never reached {}",
            follower.domain, target.domain
        )
    })
}

/// The pending requests `target`'s administrator sees.
pub(crate) async fn requests(target: &TestApp, token: &str) -> Vec<Value> {
    let (status, json) = api(
        target,
        Method::GET,
        "/api/v1/admin/instance-follow-requests",
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["items"].as_array().unwrap().clone()
}

/// `follower`'s instance follows, as its administrator sees them.
pub(crate) async fn follows(follower: &TestApp, token: &str) -> Vec<Value> {
    let (status, json) = api(
        follower,
        Method::GET,
        "/api/v1/admin/instance-follows",
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["items"].as_array().unwrap().clone()
}

/// Wait until `follower`'s follow `id` is in `state`.
pub(crate) async fn wait_follow_state(follower: &TestApp, token: &str, id: &str, state: &str) {
    eventually(30, || async move {
        follows(follower, token)
            .await
            .iter()
            .any(|f| f["id"] == id && f["state"] == state)
            .then_some(())
    })
    .await
    .unwrap_or_else(|| panic!("follow {id} of {} never became {state}", follower.domain));
}

/// `follower` follows `target`'s instance, and `target`'s administrator accepts.
pub(crate) async fn follow_accepted(
    follower: &TestApp,
    follower_token: &str,
    target: &TestApp,
    target_token: &str,
) -> String {
    let id = request_follow(follower, follower_token, target).await;
    let req = pending_request(target, target_token, follower).await;
    let (status, json) = api(
        target,
        Method::POST,
        &format!("/api/v1/admin/instance-follow-requests/{req}/accept"),
        Some(target_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
    wait_follow_state(follower, follower_token, &id, "accepted").await;
    id
}

/// The rows of `app`'s `followers` table for its instance actor.
pub(crate) async fn instance_followers(app: &TestApp) -> Vec<follower::Model> {
    follower::Entity::find()
        .filter(follower::Column::LocalActorApId.eq(app.state.urls.instance_actor().as_str()))
        .all(&app.state.db)
        .await
        .unwrap()
}

/// The local activity of `kind` about `object` on `app`.
pub(crate) async fn activity_about(app: &TestApp, kind: &str, object: &str) -> activity::Model {
    activity::Entity::find()
        .filter(activity::Column::Local.eq(true))
        .filter(activity::Column::Kind.eq(kind))
        .filter(activity::Column::ObjectApId.eq(object))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no local {kind} of {object}"))
}

pub(crate) async fn deliveries_of(app: &TestApp, activity_id: uuid::Uuid) -> Vec<delivery::Model> {
    delivery::Entity::find()
        .filter(delivery::Column::ActivityId.eq(activity_id))
        .all(&app.state.db)
        .await
        .unwrap()
}

pub(crate) async fn health_of(app: &TestApp, domain: &str) -> Option<instance_health::Model> {
    instance_health::Entity::find_by_id(domain.to_string())
        .one(&app.state.db)
        .await
        .unwrap()
}

/// Bind `addr` again (the previous listener may take a moment to go).
pub(crate) async fn rebind(addr: std::net::SocketAddr) -> tokio::net::TcpListener {
    for _ in 0..100 {
        if let Ok(l) = tokio::net::TcpListener::bind(addr).await {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot bind {addr} again");
}

/// Drain the delivery queues of `apps`, then wait a bounded 3 s: for checks that something does
/// NOT arrive.
pub(crate) async fn settle(apps: &[&TestApp]) {
    for app in apps {
        app.drain_deliveries().await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    for app in apps {
        app.drain_deliveries().await;
    }
}

// ---------------------------------------------------------------------------------------------
// A fake inbox: answers every POST with a fixed status and records what it received.
// ---------------------------------------------------------------------------------------------

/// What a fake inbox received: when, and the body.
type Hits = Arc<Mutex<Vec<(DateTime<Utc>, Value)>>>;

struct FakeInbox {
    url: String,
    domain: String,
    hits: Hits,
    task: tokio::task::JoinHandle<()>,
}

impl FakeInbox {
    async fn start(status: u16, retry_after: Option<&'static str>, delay: Duration) -> FakeInbox {
        use axum::{http::HeaderValue, response::IntoResponse};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits: Hits = Arc::default();
        let recorded = hits.clone();
        let handler = move |body: axum::body::Bytes| {
            let recorded = recorded.clone();
            async move {
                let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
                recorded.lock().unwrap().push((Utc::now(), json));
                tokio::time::sleep(delay).await;
                let mut resp = (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    "fake inbox",
                )
                    .into_response();
                if let Some(r) = retry_after {
                    resp.headers_mut()
                        .insert("retry-after", HeaderValue::from_static(r));
                }
                resp
            }
        };
        let router = axum::Router::new().route("/inbox", axum::routing::post(handler));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        FakeInbox {
            url: format!("http://{addr}/inbox"),
            domain: addr.to_string(),
            hits,
            task,
        }
    }

    fn count(&self) -> usize {
        self.hits.lock().unwrap().len()
    }

    fn times(&self) -> Vec<DateTime<Utc>> {
        self.hits.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }

    /// How many POSTs each activity id got.
    fn per_activity(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for (_, body) in self.hits.lock().unwrap().iter() {
            let id = body["id"].as_str().unwrap_or("<none>").to_string();
            *out.entry(id).or_insert(0) += 1;
        }
        out
    }
}

impl Drop for FakeInbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn delivery_to(app: &TestApp, inbox: &str) -> delivery::Model {
    let rows = delivery::Entity::find()
        .filter(delivery::Column::Inbox.eq(inbox))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one delivery to {inbox}: {rows:#?}");
    rows.into_iter().next().unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Instances following each other
// ---------------------------------------------------------------------------------------------

both_dbs! {
    /// A follows B, B follows C: B's entries reach A (backfill, then every change); C's entries
    /// reach B but never A; after A unfollows B nothing of B reaches A and B's entries leave
    /// A's directory.
    async fn instances_follow_each_other_and_relay_changes(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let c = TestApp::spawn(backend).await;
        let (ta, tb, tc) = (admin_token(&a).await, admin_token(&b).await, admin_token(&c).await);
        a.create_org("a-org").await;
        b.create_org("b-org").await;
        c.create_org("c-org").await;

        // Before any follow: B has a service, an event and an offer, plus one deleted service.
        let b_service = create_service(&b, &tb, "b-org", "Service de B d'avant").await;
        let b_event = create(&b, &tb, "events", event_body("b-org", "Événement de B d'avant")).await;
        let b_offer = create(&b, &tb, "offers", offer_body("b-org", "Offre de B d'avant")).await;
        let b_gone = create_service(&b, &tb, "b-org", "Service de B supprimé").await;
        let (status, _) = api(
            &b,
            Method::DELETE,
            &format!("/api/v1/services/{}", b_gone["id"].as_str().unwrap()),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // Published after that deletion: the backfill applies an outbox oldest first, so once
        // this one is on A, so is the deletion before it.
        let b_after = create_service(&b, &tb, "b-org", "Service de B d'après").await;
        let c_before = create_service(&c, &tc, "c-org", "Service de C d'avant").await;
        let a_own = create_service(&a, &ta, "a-org", "Service de A").await;

        // B follows C (C's administrator accepts): C's entries reach B.
        follow_accepted(&b, &tb, &c, &tc).await;
        wait_listed(&b, "services", &ap_id(&c_before), |e| {
            e["origin"]["local"] == false && e["origin"]["domain"] == c.domain.as_str()
        })
        .await;

        // A follows B. The request waits for B's administrator.
        let follow_id = request_follow(&a, &ta, &b).await;
        let req = pending_request(&b, &tb, &a).await;
        let pending = follows(&a, &ta).await;
        assert_eq!(pending.len(), 1, "{pending:#?}");
        assert_eq!(pending[0]["state"], "pending");
        let rows = instance_followers(&b).await;
        let from_a: Vec<_> = rows
            .iter()
            .filter(|f| f.follower_ap_id == a.state.urls.instance_actor().as_str())
            .collect();
        assert_eq!(from_a.len(), 1, "{rows:#?}");
        assert_eq!(from_a[0].state, "pending");
        // Nothing of B reaches A while the follow is pending.
        assert!(listed_from(&a, "services", &b.domain).await.is_empty());

        let (status, json) = api(
            &b,
            Method::POST,
            &format!("/api/v1/admin/instance-follow-requests/{req}/accept"),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
        wait_follow_state(&a, &ta, &follow_id, "accepted").await;
        assert!(requests(&b, &tb).await.is_empty());
        assert_eq!(instance_followers(&b).await.iter().filter(|f| f.state == "accepted").count(), 1);
        // Accepting twice: the request is no longer pending.
        let (status, _) = api(
            &b,
            Method::POST,
            &format!("/api/v1/admin/instance-follow-requests/{req}/accept"),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Backfill: what B published before the follow is in A's directory, as B's.
        for (kind, created) in [("services", &b_service), ("events", &b_event), ("offers", &b_offer), ("services", &b_after)] {
            let got = wait_listed(&a, kind, &ap_id(created), |_| true).await;
            assert_eq!(got["origin"]["local"], false, "{got:#}");
            assert_eq!(got["origin"]["domain"], b.domain.as_str(), "{got:#}");
            assert_eq!(
                got["origin"]["actor"],
                b.state.urls.org("b-org").as_str(),
                "{got:#}"
            );
            assert_eq!(got["kind"], created["kind"], "{got:#}");
            assert_eq!(got["name"], created["name"], "{got:#}");
        }
        // ... but not what B had deleted (B's outbox up to `b_after` is applied), and nothing
        // from C, which B follows.
        assert!(listed_entry(&a, "services", &ap_id(&b_gone)).await.is_none());
        assert!(listed_from(&a, "services", &c.domain).await.is_empty());
        // A's own entry is untouched.
        assert!(listed_entry(&a, "services", &ap_id(&a_own)).await.is_some());

        // Live changes on B reach A within seconds: create ...
        let created = create_service(&b, &tb, "b-org", "Nouveau service de B").await;
        let id = created["id"].as_str().unwrap().to_string();
        let on_a = wait_listed(&a, "services", &ap_id(&created), |_| true).await;
        assert_eq!(on_a["origin"]["local"], false);
        assert_eq!(on_a["origin"]["domain"], b.domain.as_str());
        assert_ne!(on_a["id"], created["id"], "A stores it under its own id");
        // ... update ...
        let (status, json) = api(
            &b,
            Method::PATCH,
            &format!("/api/v1/services/{id}"),
            Some(&tb),
            Some(json!({"name": "Service de B, nouveau nom", "categories": ["food", "legal"]})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let updated = wait_listed(&a, "services", &ap_id(&created), |e| {
            e["name"].to_string().contains("nouveau nom")
        })
        .await;
        assert_eq!(updated["name"], json["name"], "{updated:#}");
        assert_eq!(updated["categories"], json["categories"], "{updated:#}");
        assert_eq!(listed_from(&a, "services", &b.domain).await.len(), 3, "b_service, b_after and the new one");
        // ... delete.
        let (status, _) = api(
            &b,
            Method::DELETE,
            &format!("/api/v1/services/{id}"),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        wait_unlisted(&a, "services", &ap_id(&created)).await;
        let (status, _) = api(
            &a,
            Method::GET,
            &format!("/api/v1/services/{}", on_a["id"].as_str().unwrap()),
            None,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::GONE);

        // Nothing of C reaches A: C's new entry reaches B, never A.
        let c_new = create_service(&c, &tc, "c-org", "Nouveau service de C").await;
        wait_listed(&b, "services", &ap_id(&c_new), |_| true).await;
        settle(&[&c, &b]).await;
        assert!(listed_from(&a, "services", &c.domain).await.is_empty());
        let on_a = entry::Entity::find()
            .filter(entry::Column::OriginDomain.eq(c.domain.as_str()))
            .count(&a.state.db)
            .await
            .unwrap();
        assert_eq!(on_a, 0, "A stores nothing from C");

        // Unfollow: B's entries leave A's directory at once ...
        let (status, json) = api(
            &a,
            Method::DELETE,
            &format!("/api/v1/admin/instance-follows/{follow_id}"),
            Some(&ta),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
        assert!(follows(&a, &ta).await.is_empty());
        for kind in ["services", "events", "offers"] {
            assert!(listed_from(&a, kind, &b.domain).await.is_empty(), "{kind}");
        }
        assert!(listed_entry(&a, "services", &ap_id(&a_own)).await.is_some());
        // ... B forgets A as a follower of its instance ...
        let a_actor = a.state.urls.instance_actor().to_string();
        let a_actor = a_actor.as_str();
        eventually(30, || async {
            (!instance_followers(&b).await.iter().any(|f| f.follower_ap_id == a_actor)).then_some(())
        })
        .await
        .expect("B still lists A as a follower of its instance");
        // ... and B's new entries no longer go to A.
        let before = delivery::Entity::find()
            .filter(delivery::Column::Domain.eq(a.domain.as_str()))
            .count(&b.state.db)
            .await
            .unwrap();
        let after_unfollow = create_service(&b, &tb, "b-org", "Service de B après").await;
        settle(&[&b]).await;
        assert!(listed_entry(&a, "services", &ap_id(&after_unfollow)).await.is_none());
        assert!(listed_from(&a, "services", &b.domain).await.is_empty());
        let after = delivery::Entity::find()
            .filter(delivery::Column::Domain.eq(a.domain.as_str()))
            .count(&b.state.db)
            .await
            .unwrap();
        assert_eq!(before, after, "B queued something for A after the unfollow");
        // Unfollowing again: no such follow.
        let (status, _) = api(
            &a,
            Method::DELETE,
            &format!("/api/v1/admin/instance-follows/{follow_id}"),
            Some(&ta),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

both_dbs! {
    /// Unfollowing withdraws B's entries from A; following B again brings them back (the
    /// backfill restores what the unfollow withdrew), while what B itself deleted stays deleted.
    async fn following_again_restores_withdrawn_entries(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        b.create_org("b-org").await;
        let kept = create_service(&b, &tb, "b-org", "Service de B").await;
        let dropped = create_service(&b, &tb, "b-org", "Service de B bientôt supprimé").await;

        let first = follow_accepted(&a, &ta, &b, &tb).await;
        wait_listed(&a, "services", &ap_id(&kept), |_| true).await;
        wait_listed(&a, "services", &ap_id(&dropped), |_| true).await;
        let (status, _) = api(
            &a,
            Method::DELETE,
            &format!("/api/v1/admin/instance-follows/{first}"),
            Some(&ta),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert!(listed_from(&a, "services", &b.domain).await.is_empty());
        let a_actor = a.state.urls.instance_actor().to_string();
        let a_actor = a_actor.as_str();
        let b_ref = &b;
        eventually(30, || async move {
            (!instance_followers(b_ref).await.iter().any(|f| f.follower_ap_id == a_actor))
                .then_some(())
        })
        .await
        .expect("B still lists A as a follower");

        // While A does not follow B, B deletes one entry.
        let (status, _) = api(
            &b,
            Method::DELETE,
            &format!("/api/v1/services/{}", dropped["id"].as_str().unwrap()),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // The backfill applies B's outbox oldest first: once this one is on A, so is the
        // deletion before it.
        let later = create_service(&b, &tb, "b-org", "Service de B publié ensuite").await;

        let second = follow_accepted(&a, &ta, &b, &tb).await;
        assert_ne!(first, second);
        let back = wait_listed(&a, "services", &ap_id(&kept), |_| true).await;
        assert_eq!(back["origin"]["domain"], b.domain.as_str());
        assert_eq!(back["name"], kept["name"]);
        wait_listed(&a, "services", &ap_id(&later), |_| true).await;
        settle(&[&a, &b]).await;
        assert!(listed_entry(&a, "services", &ap_id(&dropped)).await.is_none());
        // One row per entry on A, however often it came and went.
        let rows = entry::Entity::find()
            .filter(entry::Column::ApId.eq(ap_id(&kept)))
            .count(&a.state.db)
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }
}

both_dbs! {
    /// The queue does not keep order: when A unfollows and follows B again quickly, B may get the
    /// new Follow before the old Undo. The Undo names the old Follow, so it must not end the new
    /// one.
    async fn a_late_undo_does_not_end_a_newer_follow(backend: Backend) {
        let a = TestApp::spawn_with(backend, |c| c.delivery.run_in_server = false).await;
        let a_domain = a.domain.clone();
        let b = TestApp::spawn_with(backend, move |c| {
            c.federation.auto_accept_instances = vec![a_domain];
        })
        .await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        b.create_org("b-org").await;
        let first = request_follow(&a, &ta, &b).await;
        a.drain_deliveries().await;
        wait_follow_state(&a, &ta, &first, "accepted").await;
        let (status, _) = api(
            &a,
            Method::DELETE,
            &format!("/api/v1/admin/instance-follows/{first}"),
            Some(&ta),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let second = request_follow(&a, &ta, &b).await;

        // Hold the Undo back; the new Follow goes first.
        let undo = activity::Entity::find()
            .filter(activity::Column::Kind.eq("Undo"))
            .one(&a.state.db)
            .await
            .unwrap()
            .expect("the Undo");
        let undo_delivery = deliveries_of(&a, undo.id).await.remove(0);
        let mut held: delivery::ActiveModel = undo_delivery.clone().into();
        held.next_attempt_at = Set(Utc::now() + chrono::Duration::hours(1));
        held.update(&a.state.db).await.unwrap();
        assert_eq!(a.drain_deliveries().await, 1);
        wait_follow_state(&a, &ta, &second, "accepted").await;
        // Now the Undo of the first Follow arrives.
        let mut due: delivery::ActiveModel = undo_delivery.into();
        due.next_attempt_at = Set(Utc::now());
        due.update(&a.state.db).await.unwrap();
        a.drain_deliveries().await;
        settle(&[&a, &b]).await;

        // A follows B (accepted), so B must still count A among its followers ...
        assert_eq!(follows(&a, &ta).await[0]["state"], "accepted");
        let a_actor = a.state.urls.instance_actor().to_string();
        let rows = instance_followers(&b).await;
        assert!(
            rows.iter().any(|f| f.follower_ap_id == a_actor && f.state == "accepted"),
            "B dropped A's newer follow: {rows:#?}"
        );
        // ... and B's new entries reach A.
        let created = create_service(&b, &tb, "b-org", "Service de B").await;
        wait_listed(&a, "services", &ap_id(&created), |_| true).await;
    }
}

both_dbs! {
    /// B's administrator rejects A's follow: A's follow becomes "rejected", nothing of B reaches
    /// A, and A may ask again.
    async fn a_rejected_instance_follow(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        b.create_org("b-org").await;
        let before = create_service(&b, &tb, "b-org", "Service de B").await;

        let follow_id = request_follow(&a, &ta, &b).await;
        let req = pending_request(&b, &tb, &a).await;
        let (status, json) = api(
            &b,
            Method::POST,
            &format!("/api/v1/admin/instance-follow-requests/{req}/reject"),
            Some(&tb),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
        wait_follow_state(&a, &ta, &follow_id, "rejected").await;
        assert!(requests(&b, &tb).await.is_empty());
        assert!(instance_followers(&b).await.is_empty());

        // Nothing of B reaches A: neither a backfill nor new entries.
        let after = create_service(&b, &tb, "b-org", "Autre service de B").await;
        settle(&[&b, &a]).await;
        assert!(listed_entry(&a, "services", &ap_id(&before)).await.is_none());
        assert!(listed_entry(&a, "services", &ap_id(&after)).await.is_none());
        assert_eq!(entry::Entity::find().count(&a.state.db).await.unwrap(), 0);

        // A rejected follow may be asked again; it is pending once more.
        let again = request_follow(&a, &ta, &b).await;
        assert_ne!(again, follow_id);
        let rows = follows(&a, &ta).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0]["state"], "pending");
        pending_request(&b, &tb, &a).await;
    }
}

both_dbs! {
    /// B accepts follows from the domains in `federation.auto_accept_instances` without an
    /// administrator; others still wait.
    async fn auto_accepted_instance_follow(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let a_domain = a.domain.clone();
        let b = TestApp::spawn_with(backend, move |c| {
            c.federation.auto_accept_instances = vec![a_domain];
        })
        .await;
        let c = TestApp::spawn(backend).await;
        let (ta, tb, tc) = (admin_token(&a).await, admin_token(&b).await, admin_token(&c).await);
        b.create_org("b-org").await;
        let before = create_service(&b, &tb, "b-org", "Service de B").await;

        let follow_id = request_follow(&a, &ta, &b).await;
        wait_follow_state(&a, &ta, &follow_id, "accepted").await;
        let rows = instance_followers(&b).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0].state, "accepted");
        assert_eq!(rows[0].follower_ap_id, a.state.urls.instance_actor().as_str());
        // Backfilled, and new entries follow.
        wait_listed(&a, "services", &ap_id(&before), |e| {
            e["origin"]["domain"] == b.domain.as_str()
        })
        .await;
        let after = create_service(&b, &tb, "b-org", "Autre service de B").await;
        wait_listed(&a, "services", &ap_id(&after), |_| true).await;

        // C is not on the list: its follow waits for B's administrator.
        let c_follow = request_follow(&c, &tc, &b).await;
        pending_request(&b, &tb, &c).await;
        settle(&[&b, &c]).await;
        let rows = follows(&c, &tc).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["id"], c_follow.as_str());
        assert_eq!(rows[0]["state"], "pending");
        assert!(entry::Entity::find().count(&c.state.db).await.unwrap() == 0);
    }
}

// ---------------------------------------------------------------------------------------------
// 2–3. Peers that are down, senders that restart
// ---------------------------------------------------------------------------------------------

both_dbs! {
    /// B follows A; B goes down; A's new entry waits in the queue (attempted, failing, B's
    /// instance marked unhealthy) and reaches B once B is back on the same port.
    async fn delivery_to_a_peer_that_is_down_then_up(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        a.create_org("a-org").await;
        follow_accepted(&b, &tb, &a, &ta).await;
        let b_domain = b.domain.clone();
        let b_bind = b.config.server.bind;
        let (b_db, b_config) = b.stop().await;

        let created = create_service(&a, &ta, "a-org", "Service pendant la panne").await;
        let act = activity_about(&a, "Create", &ap_id(&created)).await;
        let act_id = act.id;
        let a_ref = &a;
        let failed = eventually(30, || async move {
            let rows = deliveries_of(a_ref, act_id).await;
            assert_eq!(rows.len(), 1, "one delivery, to B: {rows:#?}");
            rows.into_iter().next().filter(|d| d.attempts >= 1)
        })
        .await
        .expect("the delivery to B was never attempted");
        assert_eq!(failed.domain, b_domain);
        assert_eq!(failed.state, "pending", "{failed:#?}");
        assert!(failed.last_error.is_some(), "{failed:#?}");
        assert_eq!(failed.last_status, None, "a network error has no status");
        assert!(failed.finished_at.is_none());
        let health = health_of(&a, &b_domain).await.expect("health of B");
        assert!(health.consecutive_failures >= 1, "{health:#?}");
        assert!(health.last_failure_at.is_some());
        assert!(health.last_error.is_some());
        // The administrator sees it too.
        let (status, stats) = api(&a, Method::GET, "/api/v1/admin/deliveries", Some(&ta), None).await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        assert!(stats["pending"].as_u64().unwrap() >= 1, "{stats}");
        let listed_health = stats["instances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["domain"] == b_domain.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("B's health missing: {stats:#}"));
        assert!(listed_health["consecutive_failures"].as_i64().unwrap() >= 1, "{stats:#}");
        assert!(listed_health["last_error"].is_string(), "{stats:#}");

        // B is back, on the same port: the entry arrives.
        let b = TestApp::start(backend, b_db, b_config, rebind(b_bind).await).await;
        assert_eq!(b.domain, b_domain);
        let got = wait_listed(&b, "services", &ap_id(&created), |_| true).await;
        assert_eq!(got["origin"]["local"], false);
        assert_eq!(got["origin"]["domain"], a.domain.as_str());
        let done = eventually(30, || async move {
            deliveries_of(a_ref, act_id)
                .await
                .into_iter()
                .find(|d| d.state == "done")
        })
        .await
        .expect("delivery done");
        assert!(done.attempts >= 2, "{done:#?}");
        assert!(done.finished_at.is_some());
        assert!(matches!(done.last_status, Some(s) if (200..300).contains(&s)), "{done:#?}");
        let health = health_of(&a, &b_domain).await.unwrap();
        assert_eq!(health.consecutive_failures, 0, "{health:#?}");
        assert!(health.last_success_at.is_some());
    }
}

both_dbs! {
    /// An entry created while B is down survives a restart of A and reaches B exactly once.
    async fn a_sender_restart_loses_nothing(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        a.create_org("a-org").await;
        follow_accepted(&b, &tb, &a, &ta).await;
        let b_bind = b.config.server.bind;
        let (b_db, b_config) = b.stop().await;

        let created = create_service(&a, &ta, "a-org", "Service avant le redémarrage").await;
        let act_id = activity_about(&a, "Create", &ap_id(&created)).await.id;
        {
            let a_ref = &a;
            eventually(30, || async move {
                deliveries_of(a_ref, act_id).await.iter().any(|d| d.attempts >= 1).then_some(())
            })
            .await
            .expect("attempted while B is down");
        }

        let a = a.restart().await;
        let rows = deliveries_of(&a, act_id).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0].state, "pending", "{rows:#?}");

        let b = TestApp::start(backend, b_db, b_config, rebind(b_bind).await).await;
        wait_listed(&b, "services", &ap_id(&created), |_| true).await;
        let a_ref = &a;
        eventually(30, || async move {
            deliveries_of(a_ref, act_id).await.iter().any(|d| d.state == "done").then_some(())
        })
        .await
        .expect("delivery done");
        // Exactly once: one delivery row, done; one stored entry and one received Create on B.
        settle(&[&a]).await;
        let rows = deliveries_of(&a, act_id).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0].state, "done");
        let stored = entry::Entity::find()
            .filter(entry::Column::ApId.eq(ap_id(&created)))
            .all(&b.state.db)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].version, 1, "stored once, never updated by a second copy");
        assert_eq!(entry::Entity::find().count(&b.state.db).await.unwrap(), 1);
        let received = activity::Entity::find()
            .filter(activity::Column::Local.eq(false))
            .filter(activity::Column::Kind.eq("Create"))
            .count(&b.state.db)
            .await
            .unwrap();
        assert_eq!(received, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Peers that refuse
// ---------------------------------------------------------------------------------------------

both_dbs! {
    /// 403 and 410 are final after one attempt; 500 is retried (until `max_attempts`); 429 waits
    /// for its Retry-After. The administrator's view of the queue counts them.
    async fn refusing_peers_are_not_retried_forever(backend: Backend) {
        let a = TestApp::spawn_with(backend, |c| {
            c.delivery.run_in_server = false; // this test drives the queue itself
            c.delivery.max_attempts = 4;
        })
        .await;
        let ta = admin_token(&a).await;
        a.create_org("a-org").await;
        let created = create_service(&a, &ta, "a-org", "Service").await;
        let act = activity_about(&a, "Create", &ap_id(&created)).await;
        assert!(deliveries_of(&a, act.id).await.is_empty(), "no followers yet");

        let no = Duration::ZERO;
        let forbidden = FakeInbox::start(403, None, no).await;
        let gone = FakeInbox::start(410, None, no).await;
        let broken = FakeInbox::start(500, None, no).await;
        let busy = FakeInbox::start(429, Some("2"), no).await;
        let fine = FakeInbox::start(202, None, no).await;
        let inboxes = [&forbidden, &gone, &broken, &busy, &fine].map(|f| f.url.clone());
        queue::enqueue(&a.state.db, &act, inboxes, &act.actor_ap_id).await.unwrap();

        let t0 = Utc::now();
        assert_eq!(a.drain_deliveries().await, 5);
        for (peer, status) in [(&forbidden, 403), (&gone, 410)] {
            let d = delivery_to(&a, &peer.url).await;
            assert_eq!(d.state, "failed", "{d:#?}");
            assert_eq!(d.attempts, 1);
            assert_eq!(d.last_status, Some(status));
            assert!(d.finished_at.is_some());
            assert!(d.last_error.is_some());
            assert_eq!(peer.count(), 1);
        }
        let d = delivery_to(&a, &broken.url).await;
        assert_eq!((d.state.as_str(), d.attempts, d.last_status), ("pending", 1, Some(500)), "{d:#?}");
        assert!(d.next_attempt_at > t0);
        let d = delivery_to(&a, &busy.url).await;
        assert_eq!((d.state.as_str(), d.attempts, d.last_status), ("pending", 1, Some(429)), "{d:#?}");
        assert!(
            d.next_attempt_at >= t0 + chrono::Duration::seconds(2),
            "Retry-After: 2 not honoured: next attempt at {}, first at {t0}",
            d.next_attempt_at
        );
        let d = delivery_to(&a, &fine.url).await;
        assert_eq!((d.state.as_str(), d.attempts, d.last_status), ("done", 1, Some(202)), "{d:#?}");
        // Every peer got the activity itself.
        for peer in [&forbidden, &gone, &broken, &busy, &fine] {
            assert_eq!(peer.hits.lock().unwrap()[0].1["id"], act.ap_id.as_str());
        }
        // Nothing is due right now.
        assert_eq!(a.drain_deliveries().await, 0);

        // The administrator's view.
        let (status, stats) = api(&a, Method::GET, "/api/v1/admin/deliveries", Some(&ta), None).await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        assert_eq!((stats["pending"].as_u64(), stats["done"].as_u64(), stats["failed"].as_u64()),
            (Some(2), Some(1), Some(2)), "{stats:#}");
        let instances = stats["instances"].as_array().unwrap();
        let health = |domain: &str| {
            instances
                .iter()
                .find(|h| h["domain"] == domain)
                .cloned()
                .unwrap_or_else(|| panic!("no health for {domain}: {stats:#}"))
        };
        let h = health(&broken.domain);
        assert_eq!(h["consecutive_failures"], 1, "{h}");
        assert!(h["last_error"].is_string() && h["last_failure_at"].is_string(), "{h}");
        let h = health(&fine.domain);
        assert_eq!(h["consecutive_failures"], 0, "{h}");
        assert!(h["last_success_at"].is_string(), "{h}");
        // A 403 means the instance answered: it is not unhealthy.
        assert_eq!(health(&forbidden.domain)["consecutive_failures"], 0);

        // Drive the queue: the 500 peer is retried until max_attempts, then abandoned.
        let a_ref = &a;
        let broken_url = broken.url.as_str();
        let last = eventually(40, || async move {
            a_ref.drain_deliveries().await;
            Some(delivery_to(a_ref, broken_url).await).filter(|d| d.state != "pending")
        })
        .await
        .expect("the 500 peer was retried forever");
        assert_eq!(last.state, "failed", "{last:#?}");
        assert_eq!(last.attempts, 4, "{last:#?}");
        assert_eq!(last.last_status, Some(500));
        assert_eq!(broken.count(), 4);
        // Its attempts were spaced out (backoff 1 s, 2 s, 4 s; health pauses may add more).
        let times = broken.times();
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= chrono::Duration::milliseconds(900), "{times:?}");
        }
        // The 429 peer was tried again, but not before its Retry-After.
        let busy_url = busy.url.as_str();
        eventually(20, || async move {
            a_ref.drain_deliveries().await;
            (delivery_to(a_ref, busy_url).await.attempts >= 2).then_some(())
        })
        .await
        .expect("the 429 peer was never retried");
        let times = busy.times();
        assert!(times.len() >= 2);
        assert!(
            times[1] - times[0] >= chrono::Duration::milliseconds(1990),
            "retried {} ms after a 429 with Retry-After: 2",
            (times[1] - times[0]).num_milliseconds()
        );
        // The refusing peers were never asked again.
        assert_eq!(forbidden.count(), 1);
        assert_eq!(gone.count(), 1);
        assert_eq!(fine.count(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Two workers on one database
// ---------------------------------------------------------------------------------------------

/// Drain `state`'s queue until nothing is pending; how many deliveries this worker attempted.
async fn worker_loop(state: AppState) -> usize {
    let mut attempted = 0;
    loop {
        let n = queue::run_once(&state).await.unwrap();
        attempted += n;
        if n == 0 {
            let pending = delivery::Entity::find()
                .filter(delivery::Column::State.eq("pending"))
                .count(&state.db)
                .await
                .unwrap();
            if pending == 0 {
                return attempted;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Two states (two worker processes, in effect) on one database share 200 deliveries: each is
/// sent exactly once.
async fn two_workers_share_one_queue(backend: Backend) {
    const N: usize = 200;
    let db = TestDb::new(backend).await;
    let mut config = test_config(&db.url);
    // Nobody fetches anything from this instance: its address need not be served.
    config.instance.domain = "localhost:9".into();
    let s1 = AppState::init(config.clone()).await.unwrap();
    let s2 = AppState::init(config).await.unwrap();
    let org = accounts::create_organization(
        &s1.db,
        NewOrganization {
            slug: "a-org".into(),
            name: "Organisation".into(),
            summary: LangMap::single("fr", "Accueil"),
            default_language: Some("fr".into()),
            ..Default::default()
        },
        "en",
    )
    .await
    .unwrap();
    let actor = s1.urls.org(&org.slug);
    let followers = s1.urls.org_followers(&org.slug);
    // A peer that takes a little time, so that the workers overlap.
    let peer = FakeInbox::start(202, None, Duration::from_millis(10)).await;
    let mut ids = Vec::new();
    for i in 0..N {
        let object = json!({ "id": s1.urls.join(&format!("notes/{i}")), "type": "Note" });
        let act = outbox::publish(&s1.db, &s1, &actor, &followers, "Create", object)
            .await
            .unwrap();
        queue::enqueue(&s1.db, &act, [peer.url.clone()], actor.as_str())
            .await
            .unwrap();
        ids.push(act.ap_id);
    }
    assert_eq!(
        delivery::Entity::find().count(&s1.db).await.unwrap(),
        N as u64
    );

    let (n1, n2) = tokio::time::timeout(Duration::from_secs(120), async {
        tokio::join!(
            tokio::spawn(worker_loop(s1.clone())),
            tokio::spawn(worker_loop(s2.clone()))
        )
    })
    .await
    .expect("the workers never finished");
    let (n1, n2) = (n1.unwrap(), n2.unwrap());
    assert_eq!(n1 + n2, N, "deliveries attempted: {n1} + {n2}");
    assert!(n1 > 0 && n2 > 0, "both workers took part: {n1} + {n2}");

    let received = peer.per_activity();
    assert_eq!(received.len(), N, "distinct activities received");
    for id in &ids {
        assert_eq!(
            received.get(id),
            Some(&1),
            "{id} received {:?} times",
            received.get(id)
        );
    }
    let rows = delivery::Entity::find().all(&s1.db).await.unwrap();
    assert_eq!(rows.len(), N);
    for d in &rows {
        assert_eq!((d.state.as_str(), d.attempts), ("done", 1), "{d:#?}");
    }
    s1.db.clone().close().await.ok();
    s2.db.clone().close().await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_on_one_postgres_never_send_twice() {
    two_workers_share_one_queue(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_on_one_sqlite_file_never_send_twice() {
    two_workers_share_one_queue(Backend::Sqlite).await;
}

// ---------------------------------------------------------------------------------------------
// 6. The administration API is for administrators
// ---------------------------------------------------------------------------------------------

both_dbs! {
    /// Every /api/v1/admin endpoint: 401 without a (valid) token, 403 for an editor, and nothing
    /// changes; moderators may read the delivery queue only.
    async fn admin_api_is_for_administrators(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        let (ta, tb) = (admin_token(&a).await, admin_token(&b).await);
        a.create_org("a-org").await;
        b.create_org("b-org").await;
        let ea = a.token_for("editor@a", Role::Editor, Some("a-org")).await;
        let eb = b.token_for("editor@b", Role::Editor, Some("b-org")).await;
        let ma = a.token_for("moderator@a", Role::Moderator, None).await;
        // A real follow (pending on B) to act on.
        let follow_id = request_follow(&a, &ta, &b).await;
        let req = pending_request(&b, &tb, &a).await;

        let on_a: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, "/api/v1/admin/instance-follows".into(), None),
            (
                Method::POST,
                "/api/v1/admin/instance-follows".into(),
                Some(json!({ "target": b.domain })),
            ),
            (Method::DELETE, format!("/api/v1/admin/instance-follows/{follow_id}"), None),
            (Method::GET, "/api/v1/admin/instance-follow-requests".into(), None),
            (Method::GET, "/api/v1/admin/deliveries".into(), None),
        ];
        let on_b: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, "/api/v1/admin/instance-follow-requests".into(), None),
            (Method::POST, format!("/api/v1/admin/instance-follow-requests/{req}/accept"), None),
            (Method::POST, format!("/api/v1/admin/instance-follow-requests/{req}/reject"), None),
            (Method::GET, "/api/v1/admin/deliveries".into(), None),
        ];
        for (app, editor, cases) in [(&a, &ea, &on_a), (&b, &eb, &on_b)] {
            for (method, path, body) in cases {
                let (status, json) = api(app, method.clone(), path, Some(editor), body.clone()).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "editor: {method} {path}: {json}");
                let (status, json) = api(app, method.clone(), path, None, body.clone()).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "no token: {method} {path}: {json}");
                let (status, json) =
                    api(app, method.clone(), path, Some("not-a-token"), body.clone()).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "bad token: {method} {path}: {json}");
            }
        }
        // Moderators read the queue, but do not manage follows.
        let (status, _) = api(&a, Method::GET, "/api/v1/admin/deliveries", Some(&ma), None).await;
        assert_eq!(status, StatusCode::OK);
        for (method, path, body) in &on_a[..4] {
            let (status, json) = api(&a, method.clone(), path, Some(&ma), body.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "moderator: {method} {path}: {json}");
        }

        // Nothing changed: A's follow still pending (and the only one), B's request still there.
        let rows = follows(&a, &ta).await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0]["id"], follow_id.as_str());
        assert_eq!(rows[0]["state"], "pending");
        let pending = requests(&b, &tb).await;
        assert_eq!(pending.len(), 1, "{pending:#?}");
        assert_eq!(pending[0]["id"], req.as_str());
        assert_eq!(following::Entity::find().count(&a.state.db).await.unwrap(), 1);

        // The administrator's view of the queue.
        let (status, stats) = api(&a, Method::GET, "/api/v1/admin/deliveries", Some(&ta), None).await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        for key in ["pending", "done", "failed"] {
            assert!(stats[key].is_u64(), "{key}: {stats:#}");
        }
        assert!(stats["instances"].is_array(), "{stats:#}");
        // The Follow to B was delivered: one done, B healthy.
        let a_ref = &a;
        let b_domain = b.domain.as_str();
        let ta_ref = ta.as_str();
        eventually(30, || async move {
            let (_, stats) =
                api(a_ref, Method::GET, "/api/v1/admin/deliveries", Some(ta_ref), None).await;
            let healthy = stats["instances"].as_array()?.iter().any(|h| {
                h["domain"] == b_domain && h["consecutive_failures"] == 0 && h["last_success_at"].is_string()
            });
            (stats["done"].as_u64()? >= 1 && healthy).then_some(())
        })
        .await
        .expect("the delivery of the Follow to B in the admin view");
    }
}
