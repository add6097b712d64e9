//! Moderation (issue 7): domain blocks (suspend, limit, subdomains, expiry), the allow-list,
//! removal and restoration of federated entries across Updates, the review queue, reports
//! (local, `Flag` from a peer, forwarded as a `Flag`), role checks and the moderation log.
use chrono::Utc;
use passerelle::{
    accounts::Role,
    config::{FederationMode, ReviewMode},
    db::entities::{activity, delivery, entry, follower, following},
    federation::{delivery as queue, keys},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use url::Url;

use crate::{
    both_dbs,
    federation_network::{admin_token, ap_id, api, create, event_body, follow_accepted, listed},
    federation_security::{
        Fake, ORG, Remote, assert_2xx, assert_status, deliver, event_object, follow,
        insert_following, org_id, received_count, setup, wrap,
    },
    harness::*,
};

async fn entry_by_ap_id(app: &TestApp, ap_id: &str) -> Option<entry::Model> {
    entry::Entity::find()
        .filter(entry::Column::ApId.eq(ap_id))
        .one(&app.state.db)
        .await
        .unwrap()
}

async fn is_listed(app: &TestApp, kind: &str, ap_id: &str) -> bool {
    listed(app, kind).await.iter().any(|e| e["ap_id"] == ap_id)
}

/// `mallory` (followed by our instance) creates an event; the stored entry.
async fn remote_event(app: &TestApp, fake: &Fake, by: &Remote, name: &str) -> entry::Model {
    let id = fake.new_id("events");
    let create = wrap(
        fake,
        "Create",
        by,
        event_object(&id, by, name, "<p>Permanence</p>"),
    );
    assert_2xx("Create", &deliver(app, "/inbox", by, &create).await);
    entry_by_ap_id(app, &id).await.expect("entry stored")
}

async fn block(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, json) = api(
        app,
        Method::POST,
        "/api/v1/admin/domain-blocks",
        Some(token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

both_dbs! {
    async fn suspended_domain_is_cut_off_both_ways(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let admin = admin_token(&app).await;
        // Follows both ways and an entry received from the domain.
        let f = follow(&fake, &mallory, &org_id(&app));
        assert_2xx("Follow", &deliver(&app, "/inbox", &mallory, &f).await);
        insert_following(&app, &mallory, "accepted").await;
        let e = remote_event(&app, &fake, &mallory, "Permanence juridique").await;
        assert!(is_listed(&app, "events", &e.ap_id).await);
        assert_eq!(follower::Entity::find().count(&app.state.db).await.unwrap(), 1);

        block(&app, &admin, json!({"domain": fake.domain(), "severity": "suspend",
            "public_reason": "Spam", "private_reason": "Reports 1 and 2"})).await;

        // Its content is gone, follows severed both ways.
        assert!(entry_by_ap_id(&app, &e.ap_id).await.unwrap().deleted_at.is_some());
        assert!(!is_listed(&app, "events", &e.ap_id).await);
        assert_eq!(follower::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(following::Entity::find().count(&app.state.db).await.unwrap(), 0);

        // Inbound: refused with 403 before processing and before any outbound fetch. (An
        // Accept queued before the block may still be in flight, so only GETs count here.)
        let gets = |f: &Fake| f.hits().iter().filter(|h| h.starts_with("GET")).count();
        let fetched = gets(&fake);
        let received = received_count(&app).await;
        let create = wrap(&fake, "Create", &mallory,
            event_object(&fake.new_id("events"), &mallory, "Encore", "<p>x</p>"));
        assert_status("suspended Create", 403, &deliver(&app, "/inbox", &mallory, &create).await);
        let eve = fake.actor("eve");
        let f = follow(&fake, &eve, &org_id(&app));
        assert_status("new actor of a suspended domain", 403,
            &deliver(&app, "/o/lille/inbox", &eve, &f).await);
        // A subdomain is covered (its keyId is refused before anything is resolved).
        let kp = keys::generate().unwrap();
        let sub_id = format!("http://sub.{}/users/zed", fake.domain());
        let sub = Remote { key_id: format!("{sub_id}#main-key"), id: sub_id,
            private_pem: kp.private_key, public_pem: kp.public_key };
        let f = json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/follows/1", sub.id), "type": "Follow", "actor": sub.id,
            "object": org_id(&app)});
        assert_status("subdomain", 403, &deliver(&app, "/inbox", &sub, &f).await);
        assert_eq!(gets(&fake), fetched, "no request reached the suspended domain");
        assert_eq!(received_count(&app).await, received, "nothing was processed");

        // Fetches are never made.
        let data = app.state.data().await.unwrap();
        let other = Url::parse(&fake.url("/users/other")).unwrap();
        assert!(passerelle::federation::remote::dereference(&data, &other).await.is_err());
        assert_eq!(gets(&fake), fetched, "no fetch from the suspended domain");

        let hits = fake.hits().len();

        // Outbound: a delivery queued for it is failed, never sent.
        let act = activity::Entity::find().filter(activity::Column::Local.eq(true))
            .one(&app.state.db).await.unwrap().expect("a local activity (the Accept)");
        let inbox = fake.url("/inbox");
        queue::enqueue(&app.state.db, &act, [inbox.clone()],
            app.state.urls.instance_actor().as_str()).await.unwrap();
        app.drain_deliveries().await;
        let d = eventually(10, || {
            let inbox = inbox.clone();
            let db = app.state.db.clone();
            async move {
                delivery::Entity::find().filter(delivery::Column::Inbox.eq(inbox))
                    .filter(delivery::Column::State.eq("failed"))
                    .filter(delivery::Column::LastError.contains("suspended"))
                    .one(&db).await.unwrap()
            }
        }).await.expect("the delivery is failed with a clear reason");
        assert_eq!(d.attempts, 0, "{d:?}");
        assert_eq!(fake.hits().len(), hits, "nothing was sent to the suspended domain");
    }
}

both_dbs! {
    async fn limited_domain_is_hidden_but_reachable_and_blocks_expire(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let admin = admin_token(&app).await;
        insert_following(&app, &mallory, "accepted").await;
        let e = remote_event(&app, &fake, &mallory, "Cours de français").await;
        assert!(is_listed(&app, "events", &e.ap_id).await);

        let b = block(&app, &admin, json!({"domain": fake.domain(), "severity": "limit"})).await;
        assert!(!is_listed(&app, "events", &e.ap_id).await, "limited: not listed");
        let (status, json) = api(&app, Method::GET, &format!("/api/v1/events/{}", e.id),
            None, None).await;
        assert_eq!(status, StatusCode::OK, "limited: reachable by id: {json}");
        // A new entry from it arrives limited; a follow from it needs approval even though the
        // organisation approves automatically.
        let e2 = remote_event(&app, &fake, &mallory, "Atelier").await;
        assert_eq!(e2.moderation_state, "limited");
        let f = follow(&fake, &mallory, &org_id(&app));
        assert_2xx("Follow", &deliver(&app, "/inbox", &mallory, &f).await);
        let row = follower::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(row.state, "pending");

        // Lifting the block lists them again.
        let (status, _) = api(&app, Method::DELETE,
            &format!("/api/v1/admin/domain-blocks/{}", b["id"].as_str().unwrap()),
            Some(&admin), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert!(is_listed(&app, "events", &e.ap_id).await);
        assert!(is_listed(&app, "events", &e2.ap_id).await);

        // An expired block no longer applies.
        let fake2 = Fake::start().await;
        let eve = fake2.actor("eve");
        let expires = Utc::now() + chrono::Duration::seconds(3);
        block(&app, &admin, json!({"domain": fake2.domain(), "severity": "suspend",
            "expires_at": expires.to_rfc3339()})).await;
        let f = follow(&fake2, &eve, &org_id(&app));
        assert_status("blocked", 403, &deliver(&app, "/inbox", &eve, &f).await);
        tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
        let f = follow(&fake2, &eve, &org_id(&app));
        assert_2xx("after expiry", &deliver(&app, "/inbox", &eve, &f).await);
        let (_, list) = api(&app, Method::GET, "/api/v1/admin/domain-blocks", Some(&admin),
            None).await;
        assert_eq!(list["items"][0]["expired"], true, "{list}");
    }
}

both_dbs! {
    async fn allowlist_mode_refuses_unlisted_domains(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.federation.mode = FederationMode::Allowlist)
            .await;
        app.create_org(ORG).await;
        let fake = Fake::start().await;
        let mallory = fake.actor("mallory");
        let admin = admin_token(&app).await;
        let f = follow(&fake, &mallory, &org_id(&app));
        assert_status("unlisted", 403, &deliver(&app, "/inbox", &mallory, &f).await);
        assert!(fake.hits().is_empty(), "nothing fetched from an unlisted domain");
        let (status, json) = api(&app, Method::POST, "/api/v1/admin/allowed-domains",
            Some(&admin), Some(json!({"domain": fake.domain()}))).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        let f = follow(&fake, &mallory, &org_id(&app));
        assert_2xx("listed", &deliver(&app, "/inbox", &mallory, &f).await);
        let (_, list) = api(&app, Method::GET, "/api/v1/admin/allowed-domains", Some(&admin),
            None).await;
        assert_eq!(list["mode"], "allowlist");
        assert_eq!(list["items"][0]["domain"], fake.domain().as_str());
    }
}

/// Wait until `app` holds `ap_id` and `check` holds for the row.
async fn wait_row(
    app: &TestApp,
    ap_id: &str,
    check: impl Fn(&entry::Model) -> bool,
) -> entry::Model {
    let check = &check;
    eventually(30, || async move {
        app.drain_deliveries().await;
        entry_by_ap_id(app, ap_id).await.filter(|r| check(r))
    })
    .await
    .unwrap_or_else(|| panic!("{ap_id} never as expected on {}", app.domain))
}

both_dbs! {
    async fn review_removal_across_updates_and_forwarded_reports(backend: Backend) {
        let a = TestApp::spawn_with(backend, |c| {
            c.moderation.review_remote_entries = ReviewMode::NewInstances
        }).await;
        let b = TestApp::spawn(backend).await;
        b.create_org("lille").await;
        let ta = admin_token(&a).await;
        let tb = admin_token(&b).await;
        let moderator = a.token_for("mod@x", Role::Moderator, None).await;
        follow_accepted(&a, &ta, &b, &tb).await;

        // Review queue: the first entry of a new instance waits.
        let e1 = create(&b, &tb, "events", event_body("lille", "Café langues")).await;
        let ap1 = ap_id(&e1);
        let row1 = wait_row(&a, &ap1, |_| true).await;
        assert_eq!(row1.moderation_state, "pending_review");
        assert!(!is_listed(&a, "events", &ap1).await);
        let path1 = format!("/api/v1/events/{}", row1.id);
        assert_eq!(api(&a, Method::GET, &path1, None, None).await.0, StatusCode::NOT_FOUND);
        let (status, queue) = api(&a, Method::GET, "/api/v1/admin/review-queue",
            Some(&moderator), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(queue["items"][0]["ap_id"], ap1.as_str(), "{queue}");
        let (status, json) = api(&a, Method::POST,
            &format!("/api/v1/admin/entries/{}/approve", row1.id), Some(&moderator), None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert!(is_listed(&a, "events", &ap1).await);
        // The instance is no longer new: its next entry is listed at once.
        let e2 = create(&b, &tb, "events", event_body("lille", "Atelier CV")).await;
        let row2 = wait_row(&a, &ap_id(&e2), |_| true).await;
        assert_eq!(row2.moderation_state, "visible");

        // Removed on A, updated on B: still removed on A, with the new content stored.
        let (status, json) = api(&a, Method::POST,
            &format!("/api/v1/admin/entries/{}/remove", row1.id), Some(&moderator),
            Some(json!({"reason": "misleading"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert_eq!(api(&a, Method::GET, &path1, None, None).await.0, StatusCode::NOT_FOUND);
        assert!(!is_listed(&a, "events", &ap1).await);
        let (status, json) = api(&b, Method::PATCH,
            &format!("/api/v1/events/{}", e1["id"].as_str().unwrap()), Some(&tb),
            Some(json!({"name": "Café langues, nouveau lieu"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        b.drain_deliveries().await;
        let row = wait_row(&a, &ap1, |r| r.data.contains("nouveau lieu")).await;
        assert_eq!(row.moderation_state, "removed");
        assert_eq!(api(&a, Method::GET, &path1, None, None).await.0, StatusCode::NOT_FOUND);
        assert!(!is_listed(&a, "events", &ap1).await);
        let (status, json) = api(&a, Method::POST,
            &format!("/api/v1/admin/entries/{}/restore", row1.id), Some(&moderator), None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let (status, json) = api(&a, Method::GET, &path1, None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(json.to_string().contains("nouveau lieu"), "{json}");

        // A report on A forwarded to B arrives as a Flag from A's instance actor.
        let (status, json) = api(&a, Method::POST, "/api/v1/reports", None,
            Some(json!({"target": ap1, "category": "outdated", "comment": "Moved"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        let report = json["id"].as_str().unwrap().to_string();
        let (status, json) = api(&a, Method::POST,
            &format!("/api/v1/admin/reports/{report}/forward"), Some(&moderator), None).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{json}");
        assert_eq!(json["flag"]["actor"], a.state.urls.instance_actor().as_str());
        let (ap1, tb, a, b) = (&ap1, &tb, &a, &b);
        let got = eventually(30, || async move {
            a.drain_deliveries().await;
            let (_, list) = api(b, Method::GET, "/api/v1/admin/reports", Some(tb), None).await;
            list["items"].as_array().unwrap().iter().find(|r| r["target"] == ap1.as_str()).cloned()
        }).await.expect("the Flag reached B");
        assert_eq!(got["origin"], "remote");
        assert_eq!(got["reporter_actor"], a.state.urls.instance_actor().as_str());
        assert_eq!(got["category"], "outdated");
        assert_eq!(got["comment"], "outdated: Moved");
    }
}

both_dbs! {
    async fn flags_from_peers_and_anonymous_reports(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.moderation.report_burst = 4;
            c.moderation.report_refill_secs = 3600;
        }).await;
        app.create_org(ORG).await;
        let fake = Fake::start().await;
        let mallory = fake.actor("mallory");
        let admin = admin_token(&app).await;
        // Mastodon's Flag: object list, content; from a peer we do not follow.
        let flag = json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": fake.new_id("flags"), "type": "Flag", "actor": mallory.id,
            "object": [org_id(&app), fake.url("/unknown")], "content": "Spam listings"});
        assert_2xx("Flag", &deliver(&app, "/inbox", &mallory, &flag).await);
        let (_, list) = api(&app, Method::GET, "/api/v1/admin/reports", Some(&admin), None).await;
        let r = &list["items"][0];
        assert_eq!(r["origin"], "remote", "{list}");
        assert_eq!(r["target"], org_id(&app).as_str());
        assert_eq!(r["reporter_domain"], fake.domain().as_str());
        assert_eq!(r["comment"], "Spam listings");

        // Validation names each bad field.
        let (status, json) = api(&app, Method::POST, "/api/v1/reports", None,
            Some(json!({"target": 5, "category": "nope", "comment": 7, "extra": 1}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = json["errors"].as_array().unwrap().iter()
            .filter_map(|e| e["field"].as_str()).collect();
        for f in ["target", "category", "comment", "extra"] {
            assert!(fields.contains(&f), "{f} not named: {json}");
        }
        let (status, json) = api(&app, Method::POST, "/api/v1/reports", None,
            Some(json!({"target": "http://nowhere.example/x", "category": "scam"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
        let good = json!({"target": org_id(&app), "category": "scam", "comment": "Fake"});
        for _ in 0..2 {
            let (status, json) = api(&app, Method::POST, "/api/v1/reports", None,
                Some(good.clone())).await;
            assert_eq!(status, StatusCode::CREATED, "{json}");
        }
        // Rate limit: four per address here.
        let (status, _) = api(&app, Method::POST, "/api/v1/reports", None, Some(good)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let (_, list) = api(&app, Method::GET, "/api/v1/admin/reports", Some(&admin), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
    }
}

both_dbs! {
    async fn roles_and_the_moderation_log(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let admin = admin_token(&app).await;
        let moderator = app.token_for("mod@x", Role::Moderator, None).await;
        let editor = app.token_for("ed@x", Role::Editor, Some(ORG)).await;
        let id = uuid::Uuid::now_v7();
        // (method, path, administrators only)
        let endpoints = [
            (Method::GET, "/api/v1/admin/domain-blocks".to_string(), false),
            (Method::POST, "/api/v1/admin/domain-blocks".to_string(), true),
            (Method::DELETE, format!("/api/v1/admin/domain-blocks/{id}"), true),
            (Method::GET, "/api/v1/admin/allowed-domains".to_string(), false),
            (Method::POST, "/api/v1/admin/allowed-domains".to_string(), true),
            (Method::DELETE, format!("/api/v1/admin/allowed-domains/{id}"), true),
            (Method::GET, "/api/v1/admin/actor-sanctions".to_string(), false),
            (Method::POST, "/api/v1/admin/actor-sanctions".to_string(), true),
            (Method::DELETE, format!("/api/v1/admin/actor-sanctions/{id}"), true),
            (Method::POST, format!("/api/v1/admin/entries/{id}/remove"), false),
            (Method::POST, format!("/api/v1/admin/entries/{id}/restore"), false),
            (Method::POST, format!("/api/v1/admin/entries/{id}/approve"), false),
            (Method::GET, "/api/v1/admin/review-queue".to_string(), false),
            (Method::GET, "/api/v1/admin/reports".to_string(), false),
            (Method::POST, format!("/api/v1/admin/reports/{id}/resolve"), false),
            (Method::POST, format!("/api/v1/admin/reports/{id}/forward"), false),
            (Method::GET, "/api/v1/admin/log".to_string(), true),
            (Method::GET, "/api/v1/admin/log/export?format=csv".to_string(), true),
        ];
        for (m, path, admin_only) in &endpoints {
            let body = Some(json!({}));
            let (s, j) = api(&app, m.clone(), path, None, body.clone()).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {path} without a token: {j}");
            let (s, j) = api(&app, m.clone(), path, Some(&editor), body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{m} {path} as an editor: {j}");
            let (s, j) = api(&app, m.clone(), path, Some(&moderator), body).await;
            if *admin_only {
                assert_eq!(s, StatusCode::FORBIDDEN, "{m} {path} as a moderator: {j}");
            } else {
                assert_ne!(s, StatusCode::FORBIDDEN, "{m} {path} as a moderator: {j}");
                assert_ne!(s, StatusCode::UNAUTHORIZED, "{m} {path} as a moderator: {j}");
            }
        }

        // Actions, each logged.
        let b = block(&app, &admin, json!({"domain": "spam.example", "severity": "suspend",
            "private_reason": "phishing"})).await;
        let (s, _) = api(&app, Method::DELETE,
            &format!("/api/v1/admin/domain-blocks/{}", b["id"].as_str().unwrap()),
            Some(&admin), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let e = create(&app, &admin, "events", event_body(ORG, "Permanence")).await;
        let eid = e["id"].as_str().unwrap();
        let public = format!("/api/v1/events/{eid}");
        let (s, j) = api(&app, Method::POST, &format!("/api/v1/admin/entries/{eid}/remove"),
            Some(&moderator), Some(json!({"reason": "duplicate"}))).await;
        assert_eq!(s, StatusCode::OK, "{j}");
        assert_eq!(api(&app, Method::GET, &public, None, None).await.0, StatusCode::NOT_FOUND);
        let (s, j) = api(&app, Method::POST, &format!("/api/v1/admin/entries/{eid}/restore"),
            Some(&moderator), None).await;
        assert_eq!(s, StatusCode::OK, "{j}");
        assert_eq!(api(&app, Method::GET, &public, None, None).await.0, StatusCode::OK);
        let (s, j) = api(&app, Method::POST, "/api/v1/reports", None,
            Some(json!({"target": ap_id(&e), "category": "privacy"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{j}");
        let rid = j["id"].as_str().unwrap().to_string();
        // A moderator may not change policy through a resolution.
        let (s, _) = api(&app, Method::POST, &format!("/api/v1/admin/reports/{rid}/resolve"),
            Some(&moderator), Some(json!({"action": "block_domain"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, j) = api(&app, Method::POST, &format!("/api/v1/admin/reports/{rid}/resolve"),
            Some(&moderator), Some(json!({"note": "address shown", "action": "remove_entry"})))
            .await;
        assert_eq!(s, StatusCode::OK, "{j}");
        assert_eq!(j["state"], "resolved");
        assert_eq!(api(&app, Method::GET, &public, None, None).await.0, StatusCode::NOT_FOUND);

        let (s, log) = api(&app, Method::GET, "/api/v1/admin/log?per_page=100", Some(&admin),
            None).await;
        assert_eq!(s, StatusCode::OK, "{log}");
        let items = log["items"].as_array().unwrap();
        let actions: Vec<&str> = items.iter().filter_map(|i| i["action"].as_str()).collect();
        for a in ["domain_block.create", "domain_block.delete", "entry.remove", "entry.restore",
            "report.resolve"] {
            assert!(actions.contains(&a), "{a} not logged: {actions:?}");
        }
        let removal = items.iter().find(|i| i["reason"] == "duplicate").expect("reason kept");
        assert_eq!(removal["actor"]["email"], "mod@x");
        assert_eq!(removal["actor"]["role"], "moderator");
        assert_eq!(removal["target"], ap_id(&e).as_str());
        let created = items.iter().find(|i| i["action"] == "domain_block.create").unwrap();
        assert_eq!(created["actor"]["email"], "admin@x");
        assert_eq!(created["target"], "spam.example");
        assert_eq!(created["details"]["severity"], "suspend");
        let (_, only) = api(&app, Method::GET, "/api/v1/admin/log?action=entry.remove",
            Some(&admin), None).await;
        assert_eq!(only["total"], 2, "{only}");
        assert!(only["items"].as_array().unwrap().iter().all(|i| i["action"] == "entry.remove"));

        // Exports.
        let resp = app.client.get(app.url("/api/v1/admin/log/export?format=csv"))
            .bearer_auth(&admin).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = resp.text().await.unwrap();
        assert!(csv.starts_with("id,at,actor_email,actor_role,action,target,reason,details"));
        assert_eq!(csv.lines().count(), items.len() + 1, "{csv}");
        assert!(csv.contains("\"domain_block.create\""));
        let (s, j) = api(&app, Method::GET, "/api/v1/admin/log/export?format=json",
            Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(j.as_array().unwrap().len(), items.len());
        // Append-only: nothing updates or deletes it.
        for m in [Method::PUT, Method::DELETE, Method::PATCH] {
            let (s, _) = api(&app, m, "/api/v1/admin/log", Some(&admin), None).await;
            assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
        }
    }
}

both_dbs! {
    async fn single_remote_actor_suspend_and_limit(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let admin = admin_token(&app).await;
        let trudy = fake.actor("trudy");
        insert_following(&app, &mallory, "accepted").await;
        insert_following(&app, &trudy, "accepted").await;
        let em = remote_event(&app, &fake, &mallory, "De mallory").await;
        let et = remote_event(&app, &fake, &trudy, "De trudy").await;
        // Limit trudy: her entries leave the listings, reachable by id.
        let (s, j) = api(&app, Method::POST, "/api/v1/admin/actor-sanctions", Some(&admin),
            Some(json!({"actor": trudy.id, "severity": "limit", "reason": "unchecked"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{j}");
        assert!(!is_listed(&app, "events", &et.ap_id).await);
        assert!(is_listed(&app, "events", &em.ap_id).await);
        let (s, _) = api(&app, Method::GET, &format!("/api/v1/events/{}", et.id), None, None)
            .await;
        assert_eq!(s, StatusCode::OK);
        // Suspend mallory: her deliveries are refused, her entries withdrawn; trudy's domain is
        // not affected.
        let (s, j) = api(&app, Method::POST, "/api/v1/admin/actor-sanctions", Some(&admin),
            Some(json!({"actor": mallory.id, "severity": "suspend"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{j}");
        assert!(entry_by_ap_id(&app, &em.ap_id).await.unwrap().deleted_at.is_some());
        let f = follow(&fake, &mallory, &org_id(&app));
        assert_status("suspended actor", 403, &deliver(&app, "/inbox", &mallory, &f).await);
        let f = follow(&fake, &trudy, &org_id(&app));
        assert_2xx("other actor", &deliver(&app, "/inbox", &trudy, &f).await);
        let (_, list) = api(&app, Method::GET, "/api/v1/admin/actor-sanctions", Some(&admin),
            None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
        // Lifting the limit lists trudy's entries again.
        let limit = list["items"].as_array().unwrap().iter()
            .find(|i| i["severity"] == "limit").unwrap()["id"].as_str().unwrap().to_string();
        let (s, _) = api(&app, Method::DELETE,
            &format!("/api/v1/admin/actor-sanctions/{limit}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(is_listed(&app, "events", &et.ap_id).await);
    }
}

both_dbs! {
    /// A moderator removes one of the instance's own entries: the instances that follow it get
    /// a Delete and stop listing it; editing it while removed sends nothing; restoring it sends
    /// it again.
    async fn removing_a_local_entry_reaches_followers(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        a.create_org(ORG).await;
        let (a_admin, b_admin) = (admin_token(&a).await, admin_token(&b).await);
        let editor = a.token_for("editor@a.example", Role::Editor, Some(ORG)).await;
        follow_accepted(&b, &b_admin, &a, &a_admin).await;
        let created = crate::federation_network::create_service(&a, &editor, ORG, "Bons alimentaires").await;
        let id = ap_id(&created);
        crate::federation_network::wait_listed(&b, "services", &id, |_| true).await;

        let local_id = created["id"].as_str().unwrap();
        let (status, json) = api(&a, Method::POST, &format!("/api/v1/admin/entries/{local_id}/remove"),
            Some(&a_admin), Some(json!({"reason": "scam"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        crate::federation_network::wait_unlisted(&b, "services", &id).await;

        // Edited while removed: followers hear nothing of it. Documents carry whole seconds, and
        // a follower takes a deleted entry back only with a later `updated` than its deletion:
        // the edit comes in a later second.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let (status, json) = api(&a, Method::PATCH, &format!("/api/v1/services/{local_id}"),
            Some(&editor), Some(json!({"name": "Bons alimentaires (nouveau)"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        crate::federation_network::settle(&[&a, &b]).await;
        assert!(!is_listed(&b, "services", &id).await, "an edit of a removed entry federated");

        let (status, json) = api(&a, Method::POST, &format!("/api/v1/admin/entries/{local_id}/restore"),
            Some(&a_admin), Some(json!({"reason": "checked with the partner"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let back = crate::federation_network::wait_listed(&b, "services", &id, |_| true).await;
        assert_eq!(back["name"], json!({"fr": "Bons alimentaires (nouveau)"}), "{back}");
    }
}
