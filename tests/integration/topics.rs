//! Topic actors (`@health@DOMAIN`, `@health-lille@DOMAIN`): discovery, actor documents, a real
//! Fedify follower receiving the Announces of local and federated entries, and the outbox.
use passerelle::accounts::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_dbs,
    federation_network::{admin_token, api, create, follow_accepted, wait_listed},
    harness::*,
};

const ORG: &str = "accueil";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn place(locality: &str) -> Value {
    json!({"locality": locality, "country": "FR", "latitude": 50.63, "longitude": 3.06})
}

fn service(name: &str, category: &str, city: &str) -> Value {
    json!({
        "organization": ORG,
        "name": name,
        "description": "Accueil sans rendez-vous.",
        "categories": [category],
        "languages": ["fr"],
        "locations": [place(city)],
    })
}

async fn ap_json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get_ap(app.url(path).as_str()).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn webfinger(app: &TestApp, name: &str) -> (u16, Value) {
    let path = format!(
        "/.well-known/webfinger?resource={}",
        enc(&format!("acct:{name}@{}", app.domain))
    );
    let r = app.get(&path).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
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

async fn peer_received(peer: &FedifyPeer, kind: &str, object_id: &str) -> Option<Value> {
    peer.log()
        .await
        .into_iter()
        .find(|e| e["type"] == kind && e["objectId"] == object_id)
}

/// The Fedify peer follows `@name@app` and sees the Accept.
async fn peer_follows(peer: &FedifyPeer, app: &TestApp, name: &str) {
    let id = app.url(&format!("/t/{name}")).to_string();
    let answer = peer
        .ctl_post(
            &format!(
                "_ctl/follow?target={}",
                enc(&format!("@{name}@{}", app.domain))
            ),
            None,
        )
        .await;
    assert_eq!(answer["object"], id.as_str(), "{answer}");
    eventually(30, || async {
        ctl_get(peer, "_ctl/following")
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["actor"] == id.as_str() && f["accepted"] == true)
            .cloned()
    })
    .await
    .unwrap_or_else(|| panic!("the peer never saw the Accept of {name}"));
    let (_, followers) = ap_json(app, &format!("/t/{name}/followers")).await;
    assert_eq!(followers["totalItems"], 1, "{followers}");
}

both_dbs! {
    async fn topic_webfinger_and_actor(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@accueil.example", Role::Editor, Some(ORG)).await;
        // `health-lille` exists once an entry is in Lille (any category).
        let (status, _) = webfinger(&app, "health-lille").await;
        assert_eq!(status, 404);
        create(&app, &token, "services", service("Colis", "food", "Lille")).await;

        for (name, display) in [("health", "Health"), ("health-lille", "Health · Lille")] {
            let (status, jrd) = webfinger(&app, name).await;
            assert_eq!(status, 200, "{name}: {jrd}");
            let id = app.url(&format!("/t/{name}")).to_string();
            assert_eq!(jrd["subject"], format!("acct:{name}@{}", app.domain));
            let link = jrd["links"].as_array().unwrap().iter()
                .find(|l| l["rel"] == "self").unwrap().clone();
            assert_eq!(link["href"], id.as_str());
            assert_eq!(link["type"], "application/activity+json");

            let (status, actor) = ap_json(&app, &format!("/t/{name}")).await;
            assert_eq!(status, 200, "{actor}");
            assert_eq!(actor["type"], "Group");
            assert_eq!(actor["id"], id.as_str());
            assert_eq!(actor["preferredUsername"], name);
            assert!(actor["name"].as_str().unwrap().starts_with(display), "{actor}");
            assert_eq!(actor["inbox"], format!("{id}/inbox"));
            assert_eq!(actor["outbox"], format!("{id}/outbox"));
            assert_eq!(actor["followers"], format!("{id}/followers"));
            assert_eq!(actor["manuallyApprovesFollowers"], false);
            assert_eq!(actor["publicKey"]["owner"], id.as_str());
            assert!(actor["publicKey"]["publicKeyPem"].as_str().unwrap().contains("PUBLIC KEY"));

            // Fedify parses it strictly.
            let a = fedify_resolve("actor", &format!("@{name}@{}", app.domain))
                .await
                .unwrap_or_else(|e| panic!("Fedify could not resolve {name}: {e}"));
            assert_eq!(a["class"], "Group", "{a}");
            assert_eq!(a["id"], id.as_str());
            assert_eq!(a["preferredUsername"], name);

            // Browsers get a page.
            let html = app.client.get(app.url(&format!("/t/{name}"))).header("Accept", "text/html")
                .send().await.unwrap();
            assert_eq!(html.status(), 200);
            let body = html.text().await.unwrap();
            assert!(body.contains(&format!("@{name}@{}", app.domain)), "{body}");
        }
        // The key is stable: one actor row per topic.
        let (_, a1) = ap_json(&app, "/t/health").await;
        let (_, a2) = ap_json(&app, "/t/health").await;
        assert_eq!(a1["publicKey"]["publicKeyPem"], a2["publicKey"]["publicKeyPem"]);
        // Categories with a hyphen, and accents in city names.
        create(&app, &token, "services", service("Écoute", "mental-health", "Besançon")).await;
        let (status, jrd) = webfinger(&app, "mental-health-besancon").await;
        assert_eq!(status, 200, "{jrd}");
    }
}

both_dbs! {
    async fn unknown_topic_is_404(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@accueil.example", Role::Editor, Some(ORG)).await;
        create(&app, &token, "services", service("Colis", "food", "Lille")).await;
        for name in ["cooking", "health-paris", "lille", "health-"] {
            let (status, _) = webfinger(&app, name).await;
            assert_eq!(status, 404, "webfinger {name}");
            let (status, _) = ap_json(&app, &format!("/t/{name}")).await;
            assert_eq!(status, 404, "actor {name}");
        }
        let (status, _) = ap_json(&app, "/t/cooking/outbox").await;
        assert_eq!(status, 404);
        // Organisations come first, and may not take a category code.
        let (status, jrd) = webfinger(&app, ORG).await;
        assert_eq!(status, 200);
        assert_eq!(jrd["links"][0]["href"], app.url(&format!("/o/{ORG}")).to_string());
        let refused = passerelle::accounts::create_organization(
            &app.state.db,
            passerelle::accounts::NewOrganization {
                slug: "health".into(),
                name: "Health".into(),
                ..Default::default()
            },
            "en",
        )
        .await;
        assert!(refused.is_err(), "an organisation took a category code");
    }
}

both_dbs! {
    async fn fedify_follows_a_topic_and_receives_announces(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org(ORG).await;
        let token = app.token_for("editor@accueil.example", Role::Editor, Some(ORG)).await;
        create(&app, &token, "services", service("Colis", "food", "Lille")).await;
        let peer = FedifyPeer::start().await;
        peer_follows(&peer, &app, "health-lille").await;
        let topic = app.url("/t/health-lille").to_string();

        // A health service in Lille: announced, its object the entry's id.
        let created = create(&app, &token, "services", service("Permanence santé", "health", "Lille")).await;
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        let a = eventually(30, || peer_received(&peer, "Announce", &ap_id)).await
            .expect("no Announce at the peer");
        assert_eq!(a["actor"], topic.as_str());
        // A subcategory of health counts too.
        let sub = create(&app, &token, "services", service("Dentiste", "health.dental", "Lille")).await;
        let sub_id = sub["ap_id"].as_str().unwrap().to_string();
        eventually(30, || peer_received(&peer, "Announce", &sub_id)).await.expect("second Announce");

        // Another city, another category: nothing.
        let roubaix = create(&app, &token, "services", service("Santé Roubaix", "health", "Roubaix")).await;
        let food = create(&app, &token, "services", service("Colis Lille", "food", "Lille")).await;
        // do-not-federate entries are never announced.
        let mut hidden = service("Santé discrète", "health", "Lille");
        hidden["safety"] = json!({"do_not_federate": true});
        let (status, hidden) = api(&app, Method::POST, "/api/v1/services", Some(&token), Some(hidden)).await;
        assert_eq!(status, StatusCode::CREATED, "{hidden}");
        crate::federation_network::settle(&[&app]).await;
        for other in [&roubaix, &food, &hidden] {
            let id = other["ap_id"].as_str().unwrap();
            assert!(peer_received(&peer, "Announce", id).await.is_none(), "announced: {id}");
        }

        // The outbox lists the Announces, newest first.
        let (_, outbox) = ap_json(&app, "/t/health-lille/outbox").await;
        assert_eq!(outbox["totalItems"], 2, "{outbox}");
        let (_, page) = ap_json(&app, "/t/health-lille/outbox?page=1").await;
        let items = page["orderedItems"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{page}");
        assert_eq!(items[0]["type"], "Announce");
        assert_eq!(items[0]["object"], sub_id.as_str());
        assert_eq!(items[1]["object"], ap_id.as_str());
        assert_eq!(items[1]["audience"], topic.as_str());
        assert_eq!(items[1]["to"], json!(["https://www.w3.org/ns/activitystreams#Public"]));
        assert_eq!(items[1]["cc"], json!([format!("{topic}/followers")]));

        // An update is announced again (a new Announce of the same object); a health topic
        // without followers still lists it in its outbox once its actor exists.
        let path = format!("/api/v1/services/{}", created["id"].as_str().unwrap());
        let (status, body) = api(&app, Method::PATCH, &path, Some(&token),
            Some(json!({"name": "Permanence santé (le mardi)"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, outbox) = ap_json(&app, "/t/health-lille/outbox").await;
        assert_eq!(outbox["totalItems"], 3, "{outbox}");
        eventually(30, || async {
            let n = peer.log().await.into_iter()
                .filter(|e| e["type"] == "Announce" && e["objectId"] == ap_id.as_str()).count();
            (n == 2).then_some(())
        }).await.expect("the update was not announced");

        // Deleting an entry undoes its Announce: the follower gets an Undo of that Announce.
        let announce = peer_received(&peer, "Announce", &sub_id).await.unwrap();
        let announce_id = announce["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/services/{}", sub["id"].as_str().unwrap());
        let (status, body) = api(&app, Method::DELETE, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let undo = eventually(30, || peer_received(&peer, "Undo", &announce_id)).await
            .expect("the deletion did not undo the Announce");
        assert_eq!(undo["actor"], topic.as_str());
        assert_eq!(undo["objectType"], "Announce", "{undo}");
        // Only once, and only for that entry.
        crate::federation_network::settle(&[&app]).await;
        let undos: Vec<Value> = peer.log().await.into_iter().filter(|e| e["type"] == "Undo").collect();
        assert_eq!(undos.len(), 1, "{undos:?}");

        // The topic page lists the matching entries.
        let body = app.client.get(app.url("/t/health-lille")).header("Accept", "text/html")
            .send().await.unwrap().text().await.unwrap();
        assert!(body.contains("Permanence santé"), "{body}");
        assert!(!body.contains("Santé Roubaix"), "{body}");

        let errors = ctl_get(&peer, "_ctl/errors").await;
        assert_eq!(errors, json!([]), "the peer's inbox reported errors");
        peer.kill().await;
    }
}

both_dbs! {
    async fn federated_entry_is_announced_by_topic(backend: Backend) {
        let a = TestApp::spawn(backend).await;
        let b = TestApp::spawn(backend).await;
        a.create_org(ORG).await;
        b.create_org(ORG).await;
        let a_token = a.token_for("editor@a.example", Role::Editor, Some(ORG)).await;
        let b_token = b.token_for("editor@b.example", Role::Editor, Some(ORG)).await;
        let (a_admin, b_admin) = (admin_token(&a).await, admin_token(&b).await);
        create(&a, &a_token, "services", service("Colis", "food", "Lille")).await;
        follow_accepted(&a, &a_admin, &b, &b_admin).await;
        let peer = FedifyPeer::start().await;
        peer_follows(&peer, &a, "health-lille").await;

        let created = create(&b, &b_token, "services", service("Centre de santé", "health", "Lille")).await;
        let ap_id = created["ap_id"].as_str().unwrap().to_string();
        assert!(ap_id.starts_with(b.url("/").as_str()), "{ap_id}");
        wait_listed(&a, "services", &ap_id, |_| true).await;
        let ann = eventually(30, || peer_received(&peer, "Announce", &ap_id)).await
            .expect("A's topic never announced B's entry");
        assert_eq!(ann["actor"], a.url("/t/health-lille").to_string());
        // An entry of B elsewhere is not.
        let elsewhere = create(&b, &b_token, "services", service("Santé Lyon", "health", "Lyon")).await;
        let elsewhere_id = elsewhere["ap_id"].as_str().unwrap().to_string();
        wait_listed(&a, "services", &elsewhere_id, |_| true).await;
        crate::federation_network::settle(&[&a, &b]).await;
        assert!(peer_received(&peer, "Announce", &elsewhere_id).await.is_none());
        let (_, page) = ap_json(&a, "/t/health-lille/outbox?page=1").await;
        assert_eq!(page["orderedItems"][0]["object"], ap_id.as_str(), "{page}");

        // A moderator of A removes B's entry: A's topic undoes its Announce.
        let listed = wait_listed(&a, "services", &ap_id, |_| true).await;
        let local_id = listed["id"].as_str().unwrap();
        let (status, json) = api(&a, Method::POST, &format!("/api/v1/admin/entries/{local_id}/remove"),
            Some(&a_admin), Some(json!({"reason": "misleading"}))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let undo = eventually(30, || peer_received(&peer, "Undo", ann["id"].as_str().unwrap())).await
            .expect("the removal did not undo the Announce");
        assert_eq!(undo["actor"], a.url("/t/health-lille").to_string());
        peer.kill().await;
    }
}
