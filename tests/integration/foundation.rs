//! Issue 2: a runnable instance, organisations as discoverable actors.
use crate::{both_dbs, harness::*};

both_dbs! {
    async fn webfinger_and_actor(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let org = app.create_org("lille-accueil").await;
        let resp = app.get(&format!("/.well-known/webfinger?resource=acct:{}@{}", org.slug, app.domain)).await;
        assert_eq!(resp.status(), 200);
        let jrd: serde_json::Value = resp.json().await.unwrap();
        let actor_id = app.url("/o/lille-accueil").to_string();
        assert_eq!(jrd["subject"], format!("acct:lille-accueil@{}", app.domain));
        let selfs: Vec<_> = jrd["links"].as_array().unwrap().iter().filter(|l| l["rel"] == "self").collect();
        assert_eq!(selfs.len(), 1);
        assert_eq!(selfs[0]["href"], actor_id);
        let actor: serde_json::Value = app.get_ap(&actor_id).await.json().await.unwrap();
        assert_eq!(actor["id"], actor_id);
        assert_eq!(actor["type"], "Organization");
        assert_eq!(actor["preferredUsername"], "lille-accueil");
        assert!(actor["publicKey"]["publicKeyPem"].as_str().unwrap().contains("BEGIN PUBLIC KEY"));
        assert!(!actor.to_string().contains("PRIVATE KEY"));
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

async fn webfinger(app: &TestApp, resource: &str) -> reqwest::Response {
    app.client
        .get(app.url("/.well-known/webfinger"))
        .query(&[("resource", resource)])
        .header("Accept", "application/jrd+json, application/json")
        .send()
        .await
        .unwrap()
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn media_type(r: &reqwest::Response) -> String {
    content_type(r)
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `rel="self"` links of a JRD.
fn self_links(jrd: &serde_json::Value) -> Vec<serde_json::Value> {
    jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rel"] == "self")
        .cloned()
        .collect()
}

/// The one `rel="self"` link of a JRD, checked to be `application/activity+json`.
#[track_caller]
fn the_self_href(jrd: &serde_json::Value) -> String {
    let selfs = self_links(jrd);
    assert_eq!(selfs.len(), 1, "exactly one self link: {jrd}");
    assert_eq!(selfs[0]["type"], "application/activity+json", "{jrd}");
    selfs[0]["href"].as_str().unwrap().to_string()
}

async fn get_with_accept(app: &TestApp, path_or_url: &str, accept: &str) -> reqwest::Response {
    let url = if path_or_url.starts_with("http") {
        url::Url::parse(path_or_url).unwrap()
    } else {
        app.url(path_or_url)
    };
    app.client
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .unwrap()
}

const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// The base64 body of a PEM, without armour and whitespace, to compare keys across encoders.
fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// WebFinger

both_dbs! {
    async fn webfinger_acct_and_mastodon_loopback(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org("lille").await;
        let actor_id = app.url("/o/lille").to_string();

        let resp = webfinger(&app, &format!("acct:lille@{}", app.domain)).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(media_type(&resp), "application/jrd+json");
        let jrd: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(jrd["subject"], format!("acct:lille@{}", app.domain));
        assert_eq!(the_self_href(&jrd), actor_id);
        let profile: Vec<_> = jrd["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rel"] == "http://webfinger.net/rel/profile-page")
            .collect();
        assert_eq!(profile.len(), 1, "{jrd}");
        assert_eq!(profile[0]["type"], "text/html");
        let profile_url = profile[0]["href"].as_str().unwrap();
        // The profile page is an HTML page for a browser.
        let page = get_with_accept(&app, profile_url, BROWSER_ACCEPT).await;
        assert_eq!(page.status(), 200);
        assert_eq!(media_type(&page), "text/html");

        // Mastodon's resolver sends the resource unencoded.
        let raw = app
            .get(&format!("/.well-known/webfinger?resource=acct:lille@{}", app.domain))
            .await;
        assert_eq!(raw.status(), 200);
        let raw: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(the_self_href(&raw), actor_id);

        // The loop-back: from the actor's preferredUsername and host, WebFinger again.
        let actor: serde_json::Value = app.get_ap(&actor_id).await.json().await.unwrap();
        assert_eq!(actor["id"], actor_id);
        let id = url::Url::parse(actor["id"].as_str().unwrap()).unwrap();
        let host = match id.port() {
            Some(p) => format!("{}:{p}", id.host_str().unwrap()),
            None => id.host_str().unwrap().to_string(),
        };
        let again = webfinger(
            &app,
            &format!("acct:{}@{host}", actor["preferredUsername"].as_str().unwrap()),
        )
        .await;
        assert_eq!(again.status(), 200);
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(the_self_href(&again), actor["id"].as_str().unwrap());

        // Other spellings of the same account.
        for resource in [
            format!("lille@{}", app.domain),
            format!("@lille@{}", app.domain),
            format!("acct:LILLE@{}", app.domain.to_uppercase()),
        ] {
            let r = webfinger(&app, &resource).await;
            assert_eq!(r.status(), 200, "{resource}");
            let jrd: serde_json::Value = r.json().await.unwrap();
            assert_eq!(the_self_href(&jrd), actor_id, "{resource}");
        }

        // The actor URL as resource.
        let r = webfinger(&app, &actor_id).await;
        assert_eq!(r.status(), 200);
        let jrd: serde_json::Value = r.json().await.unwrap();
        assert_eq!(the_self_href(&jrd), actor_id);
        assert_eq!(jrd["subject"], format!("acct:lille@{}", app.domain));
    }
}

both_dbs! {
    async fn webfinger_refuses_unknown_foreign_and_malformed(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org("lille").await;

        let r = webfinger(&app, &format!("acct:nobody@{}", app.domain)).await;
        assert_eq!(r.status(), 404);
        let r = webfinger(&app, app.url("/o/nobody").as_str()).await;
        assert_eq!(r.status(), 404);

        let foreign = [
            "acct:lille@evil.example".to_string(),
            "lille@evil.example".to_string(),
            "https://evil.example/o/lille".to_string(),
            // Our host name on another port is another instance.
            format!("acct:lille@{}:1", app.base.host_str().unwrap()),
        ];
        for resource in &foreign {
            let r = webfinger(&app, resource).await;
            assert_eq!(r.status(), 400, "{resource}");
            let body = r.text().await.unwrap();
            assert!(!body.contains("evil.example"), "{resource} echoed: {body}");
            assert!(!body.contains(":1\""), "{resource} echoed: {body}");
        }

        let missing = app.get("/.well-known/webfinger").await;
        assert_eq!(missing.status(), 400);
        for resource in [
            "".to_string(),
            "lille".to_string(),
            format!("acct:@{}", app.domain),
            "acct:lille@".to_string(),
            format!("acct:a/b@{}", app.domain),
            app.url("/o/lille/outbox").to_string(),
            "http://[not a url".to_string(),
        ] {
            let r = webfinger(&app, &resource).await;
            assert_eq!(r.status(), 400, "{resource:?}");
        }
    }
}

both_dbs! {
    async fn webfinger_for_the_base_url_names_the_instance_actor(backend: Backend) {
        // FEP-d556: resource=<base URL> links the server actor.
        let app = TestApp::spawn(backend).await;
        let instance = app.url("/actor").to_string();
        for resource in [
            app.base.to_string(),
            app.base.to_string().trim_end_matches('/').to_string(),
            format!("acct:instance@{}", app.domain),
            format!("acct:{}@{}", app.domain, app.domain),
        ] {
            let r = webfinger(&app, &resource).await;
            assert_eq!(r.status(), 200, "{resource}");
            assert_eq!(media_type(&r), "application/jrd+json");
            let jrd: serde_json::Value = r.json().await.unwrap();
            assert_eq!(the_self_href(&jrd), instance, "{resource}");
            assert!(!jrd["subject"].as_str().unwrap().is_empty());
        }
        let actor: serde_json::Value = app.get_ap(&instance).await.json().await.unwrap();
        assert_eq!(actor["type"], "Application");
        assert_eq!(actor["id"], instance);
    }
}

// ---------------------------------------------------------------------------------------------
// Content negotiation

both_dbs! {
    async fn org_actor_content_negotiation(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.create_org_with("lille", |o| o.name = "Accueil Lille".into()).await;
        let actor_id = app.url("/o/lille").to_string();

        for accept in [
            "application/activity+json",
            r#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#,
            "application/activity+json, application/ld+json",
            r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1"#,
        ] {
            let r = get_with_accept(&app, "/o/lille", accept).await;
            assert_eq!(r.status(), 200, "{accept}");
            assert_eq!(content_type(&r), "application/activity+json", "{accept}");
            let vary = r.headers().get("vary").map(|v| v.to_str().unwrap().to_ascii_lowercase());
            assert!(vary.is_some_and(|v| v.contains("accept")), "{accept}: no Vary: Accept");
            let doc: serde_json::Value = r.json().await.unwrap();
            assert_eq!(doc["id"], actor_id, "{accept}");
            assert_eq!(doc["type"], "Organization");
        }

        for accept in [BROWSER_ACCEPT, "text/html", "*/*"] {
            let r = get_with_accept(&app, "/o/lille", accept).await;
            assert_eq!(r.status(), 200, "{accept}");
            assert_eq!(media_type(&r), "text/html", "{accept}");
            let vary = r.headers().get("vary").map(|v| v.to_str().unwrap().to_ascii_lowercase());
            assert!(
                vary.is_some_and(|v| v.contains("accept")),
                "{accept}: the HTML variant has no Vary: Accept, a cache may serve it to fediverse software"
            );
            let html = r.text().await.unwrap();
            assert!(html.contains("Accueil Lille"), "{html}");
            assert!(html.contains(&format!("@lille@{}", app.domain)), "{html}");
            assert!(html.contains("<html lang=\""), "{html}");
            assert!(html.contains(" dir=\""), "{html}");
            assert!(!html.trim_start().starts_with('{'));
        }

        // No Accept at all (a plain link): HTML.
        let r = app.client.get(app.url("/o/lille")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(media_type(&r), "text/html");

        for accept in ["application/activity+json", BROWSER_ACCEPT] {
            let r = get_with_accept(&app, "/o/nobody", accept).await;
            assert_eq!(r.status(), 404, "{accept}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Actor documents

both_dbs! {
    async fn org_actor_snapshot(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let org = app.create_org("lille-accueil").await;
        let resp = app.get_ap(app.url("/o/lille-accueil").as_str()).await;
        assert_eq!(resp.status(), 200);
        let text = resp.text().await.unwrap();
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(original["publicKey"]["publicKeyPem"], org.public_key_pem);
        let published = chrono::DateTime::parse_from_rfc3339(original["published"].as_str().unwrap())
            .unwrap();
        assert!((published.timestamp() - org.created_at.timestamp()).abs() <= 1);

        let text = text
            .replace(app.base.as_str(), "https://example.test/")
            .replace(&app.domain, "example.test");
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        insta::assert_json_snapshot!("org_actor", doc, {
            ".publicKey.publicKeyPem" => "[public key PEM]",
            ".published" => "[published]",
        });
    }
}

both_dbs! {
    async fn instance_actor_and_keys(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let org = app.create_org("lille").await;
        let other = app.create_org("roubaix").await;
        let id = app.url("/actor").to_string();

        let r = app.get_ap(&id).await;
        assert_eq!(r.status(), 200);
        assert_eq!(content_type(&r), "application/activity+json");
        let actor: serde_json::Value = r.json().await.unwrap();
        assert_eq!(actor["id"], id);
        assert_eq!(actor["type"], "Application");
        assert_eq!(actor["manuallyApprovesFollowers"], true);
        assert!(!actor["preferredUsername"].as_str().unwrap().is_empty());
        assert_eq!(actor["inbox"], app.url("/actor/inbox").to_string());
        assert_eq!(actor["endpoints"]["sharedInbox"], app.url("/inbox").to_string());
        assert_eq!(actor["publicKey"]["id"], format!("{id}#main-key"));
        assert_eq!(actor["publicKey"]["owner"], id);
        let context = actor["@context"].to_string();
        assert!(context.contains("https://www.w3.org/ns/activitystreams"));
        assert!(context.contains("https://w3id.org/security/v1"));
        let instance_pem = actor["publicKey"]["publicKeyPem"].as_str().unwrap();
        assert!(instance_pem.contains("BEGIN PUBLIC KEY"));
        assert_eq!(instance_pem, app.state.site.public_key_pem);
        // Every actor has its own key.
        assert_ne!(pem_body(instance_pem), pem_body(&org.public_key_pem));
        assert_ne!(pem_body(&org.public_key_pem), pem_body(&other.public_key_pem));

        // A browser is sent to the home page, and caches are told the answer depends on Accept.
        let r = get_with_accept(&app, "/actor", BROWSER_ACCEPT).await;
        assert!(r.status().is_redirection(), "{}", r.status());
        let vary = r.headers().get("vary").map(|v| v.to_str().unwrap().to_ascii_lowercase());
        assert!(vary.is_some_and(|v| v.contains("accept")));

        // The instance actor is stable across restarts (same key).
        let app = app.restart().await;
        let again: serde_json::Value = app.get_ap(&id).await.json().await.unwrap();
        assert_eq!(again["publicKey"]["publicKeyPem"], instance_pem);

        // No private key in any document we serve.
        let secrets: Vec<String> = [&org.private_key_pem, &app.state.site.private_key_pem]
            .iter()
            .map(|p| pem_body(p))
            .collect();
        let secret_lines: Vec<String> = [&org.private_key_pem, &app.state.site.private_key_pem]
            .iter()
            .flat_map(|p| p.lines().filter(|l| !l.starts_with("-----") && l.len() > 20).map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(!secret_lines.is_empty());
        let docs = [
            ("/o/lille", "application/activity+json"),
            ("/o/lille", BROWSER_ACCEPT),
            ("/o/lille/outbox", "application/activity+json"),
            ("/o/lille/outbox?page=1", "application/activity+json"),
            ("/o/lille/followers", "application/activity+json"),
            ("/o/lille/following", "application/activity+json"),
            ("/actor", "application/activity+json"),
            ("/actor/outbox", "application/activity+json"),
            ("/actor/followers", "application/activity+json"),
            ("/.well-known/nodeinfo", "application/json"),
            ("/nodeinfo/2.1", "application/json"),
            ("/.well-known/host-meta", "*/*"),
        ];
        for (path, accept) in docs {
            let r = get_with_accept(&app, path, accept).await;
            assert_eq!(r.status(), 200, "{path}");
            let body = r.text().await.unwrap();
            assert!(!body.contains("PRIVATE KEY"), "{path} serves a private key");
            let compact: String = body.replace("\\n", "").chars().filter(|c| !c.is_whitespace()).collect();
            for s in &secrets {
                assert!(!compact.contains(s.as_str()), "{path} serves a private key");
            }
            for l in &secret_lines {
                assert!(!body.contains(l.as_str()), "{path} serves part of a private key");
            }
        }
        for resource in [format!("acct:lille@{}", app.domain), app.base.to_string()] {
            let body = webfinger(&app, &resource).await.text().await.unwrap();
            assert!(!body.contains("PRIVATE KEY"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// NodeInfo

both_dbs! {
    async fn nodeinfo_links_and_counts(backend: Backend) {
        let app = TestApp::spawn(backend).await;

        let r = app.get("/.well-known/nodeinfo").await;
        assert_eq!(r.status(), 200);
        // Mobilizon rejects anything but application/json here.
        assert_eq!(media_type(&r), "application/json");
        let links: serde_json::Value = r.json().await.unwrap();
        let links = links["links"].as_array().unwrap();
        let href = |rel: &str| {
            links
                .iter()
                .find(|l| l["rel"] == rel)
                .unwrap_or_else(|| panic!("no {rel} link: {links:?}"))["href"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let doc_url = href("http://nodeinfo.diaspora.software/ns/schema/2.1");
        assert_eq!(doc_url, app.url("/nodeinfo/2.1").to_string());
        assert_eq!(
            href("https://www.w3.org/ns/activitystreams#Application"),
            app.url("/actor").to_string()
        );

        let nodeinfo = |app: &TestApp, url: String| {
            let client = app.client.clone();
            async move {
                let r = client.get(url).send().await.unwrap();
                assert_eq!(r.status(), 200);
                assert_eq!(
                    content_type(&r),
                    r#"application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#""#
                );
                r.json::<serde_json::Value>().await.unwrap()
            }
        };
        let empty = nodeinfo(&app, doc_url.clone()).await;
        assert_eq!(empty["usage"]["users"]["total"], 0);

        app.create_org("lille").await;
        app.create_org("roubaix").await;
        let doc = nodeinfo(&app, doc_url).await;
        assert_eq!(doc["version"], "2.1");
        let name = doc["software"]["name"].as_str().unwrap();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{name}"
        );
        assert!(!doc["software"]["version"].as_str().unwrap().is_empty());
        assert_eq!(doc["protocols"], serde_json::json!(["activitypub"]));
        assert!(doc["services"]["inbound"].is_array());
        assert!(doc["services"]["outbound"].is_array());
        assert!(doc["openRegistrations"].is_boolean());
        assert!(doc["metadata"].is_object());
        assert_eq!(doc["usage"]["users"]["total"], 2);
        assert_eq!(doc["usage"]["localPosts"], 0);
        // Nobody has published anything yet.
        assert_eq!(doc["usage"]["users"]["activeMonth"], 0);
        assert_eq!(doc["usage"]["users"]["activeHalfyear"], 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Collections

both_dbs! {
    async fn org_collections_are_empty_and_followers_are_never_listed(backend: Backend) {
        use passerelle::db::entities::{follower, remote_actor};
        use sea_orm::{ActiveModelTrait, Set};

        let app = TestApp::spawn(backend).await;
        app.create_org("lille").await;
        let actor = app.url("/o/lille").to_string();

        let outbox_url = app.url("/o/lille/outbox").to_string();
        let r = app.get_ap(&outbox_url).await;
        assert_eq!(r.status(), 200);
        assert_eq!(content_type(&r), "application/activity+json");
        let outbox: serde_json::Value = r.json().await.unwrap();
        assert_eq!(outbox["id"], outbox_url);
        assert_eq!(outbox["type"], "OrderedCollection");
        assert_eq!(outbox["totalItems"], 0);
        for key in ["orderedItems", "items"] {
            let items = &outbox[key];
            assert!(items.is_null() || items.as_array().is_some_and(|a| a.is_empty()), "{outbox}");
        }
        let page: serde_json::Value = app.get_ap(&format!("{outbox_url}?page=1")).await.json().await.unwrap();
        assert_eq!(page["type"], "OrderedCollectionPage");
        assert_eq!(page["partOf"], outbox_url);
        assert_eq!(page["orderedItems"], serde_json::json!([]));
        assert!(page["next"].is_null());

        // Two remote followers, one accepted and one pending.
        let now = chrono::Utc::now();
        let mut follower_ids = Vec::new();
        for (i, state) in ["accepted", "pending"].iter().enumerate() {
            let ap_id = format!("https://remote{i}.example/users/secret-follower-{i}");
            let remote = remote_actor::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                ap_id: Set(ap_id.clone()),
                actor_type: Set("Person".into()),
                domain: Set(format!("remote{i}.example")),
                preferred_username: Set(Some(format!("secret-follower-{i}"))),
                name: Set(None),
                inbox: Set(format!("{ap_id}/inbox")),
                shared_inbox: Set(None),
                outbox: Set(None),
                followers_url: Set(None),
                url: Set(None),
                public_key_id: Set(format!("{ap_id}#main-key")),
                public_key_pem: Set("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".into()),
                raw: Set("{}".into()),
                fetched_at: Set(now),
                created_at: Set(now),
            }
            .insert(&app.state.db)
            .await
            .unwrap();
            follower::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                local_actor_ap_id: Set(actor.clone()),
                follower_ap_id: Set(ap_id.clone()),
                remote_actor_id: Set(remote.id),
                follow_ap_id: Set(format!("https://remote{i}.example/follows/{i}")),
                state: Set((*state).into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&app.state.db)
            .await
            .unwrap();
            follower_ids.push(ap_id);
        }

        let followers_url = app.url("/o/lille/followers").to_string();
        for url in [followers_url.clone(), format!("{followers_url}?page=1")] {
            let r = app.get_ap(&url).await;
            assert_eq!(r.status(), 200, "{url}");
            assert_eq!(content_type(&r), "application/activity+json");
            let body = r.text().await.unwrap();
            for id in &follower_ids {
                assert!(!body.contains("secret-follower"), "{url} lists {id}: {body}");
                assert!(!body.contains("remote0.example"), "{url} lists followers: {body}");
            }
            let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(doc["id"], followers_url);
            assert_eq!(doc["type"], "OrderedCollection");
            // Counted (accepted only), not listed.
            assert_eq!(doc["totalItems"], 1, "{body}");
            assert!(doc["first"].is_null() && doc["orderedItems"].is_null() && doc["items"].is_null(), "{body}");
        }

        let following: serde_json::Value = app
            .get_ap(app.url("/o/lille/following").as_str())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(following["type"], "OrderedCollection");
        assert_eq!(following["totalItems"], 0);

        for path in ["/o/nobody/outbox", "/o/nobody/followers", "/o/nobody/following"] {
            assert_eq!(app.get_ap(app.url(path).as_str()).await.status(), 404, "{path}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Health

both_dbs! {
    async fn health_and_readiness(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap().trim(), "ok");
        let r = app.get("/readyz").await;
        assert_eq!(r.status(), 200);

        // With the database gone, the server is alive but not ready.
        app.state.db.clone().close().await.ok();
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), 200);
        let r = app.get("/readyz").await;
        assert_eq!(r.status(), 503);
    }
}

// ---------------------------------------------------------------------------------------------
// Interop: Fedify resolves what we publish

both_dbs! {
    async fn fedify_resolves_org_actor_nodeinfo_and_webfinger(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let org = app.create_org_with("lille", |o| o.name = "Accueil Lille".into()).await;
        app.create_org("roubaix").await;
        let id = app.url("/o/lille").to_string();
        let handle = format!("@lille@{}", app.domain);

        for target in [handle.clone(), format!("acct:lille@{}", app.domain), id.clone()] {
            let a = fedify_resolve("actor", &target)
                .await
                .unwrap_or_else(|e| panic!("Fedify could not resolve {target}: {e}"));
            assert_eq!(a["class"], "Organization", "{target}: {a}");
            assert_eq!(a["id"], id);
            assert_eq!(a["preferredUsername"], "lille");
            assert_eq!(a["name"], "Accueil Lille");
            assert_eq!(a["inbox"], app.url("/o/lille/inbox").to_string());
            assert_eq!(a["outbox"], app.url("/o/lille/outbox").to_string());
            assert_eq!(a["followers"], app.url("/o/lille/followers").to_string());
            assert_eq!(a["sharedInbox"], app.url("/inbox").to_string());
            assert_eq!(a["manuallyApprovesFollowers"], false);
            assert_eq!(a["publicKey"]["owner"], id);
            assert_eq!(a["publicKey"]["id"], format!("{id}#main-key"));
            let pem = a["publicKey"]["pem"].as_str().unwrap();
            assert_eq!(pem_body(pem), pem_body(&org.public_key_pem), "{target}: another key");
            // Mastodon's loop-back check passed.
            assert_eq!(a["handle"], handle);
            let attachments = a["attachments"].as_array().unwrap();
            for name in ["Website", "Address", "Phone", "Languages spoken"] {
                assert!(
                    attachments.iter().any(|p| p["class"] == "PropertyValue" && p["name"] == name),
                    "{target}: no PropertyValue {name}: {a}"
                );
            }
        }

        let instance = fedify_resolve("actor", app.url("/actor").as_str()).await.unwrap();
        assert_eq!(instance["class"], "Application");
        assert_eq!(instance["manuallyApprovesFollowers"], true);
        assert_ne!(
            pem_body(instance["publicKey"]["pem"].as_str().unwrap()),
            pem_body(&org.public_key_pem)
        );

        let ni = fedify_resolve("nodeinfo", app.base.as_str()).await.unwrap();
        assert_eq!(ni["software"]["name"], "passerelle");
        assert_eq!(ni["protocols"], serde_json::json!(["activitypub"]));
        assert_eq!(ni["usage"]["users"]["total"], 2);
        assert_eq!(ni["usage"]["localPosts"], 0);

        let jrd = fedify_resolve("webfinger", &format!("acct:lille@{}", app.domain)).await.unwrap();
        assert_eq!(jrd["subject"], format!("acct:lille@{}", app.domain));
        assert_eq!(the_self_href(&jrd), id);

        let unknown = fedify_resolve("actor", &format!("@nobody@{}", app.domain)).await;
        assert!(unknown.is_err(), "an unknown handle resolved: {unknown:?}");
        let unknown = fedify_resolve("actor", app.url("/o/nobody").as_str()).await;
        assert!(unknown.is_err(), "an unknown actor URL resolved: {unknown:?}");
    }
}
