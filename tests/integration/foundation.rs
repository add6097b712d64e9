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
