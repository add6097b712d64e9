//! Issue 9, faults: an activity is processed exactly once even when the process handling it
//! dies (server/src/federation/inbox.rs, "De-duplication"). A process killed mid-handler is
//! represented by what it leaves in the database: a claim (`received_activities` row without
//! `done_at`), alone (killed before the handler stored anything) or beside everything the
//! handler stored (killed between the handler and marking the activity done). Deliveries are
//! real signed HTTP posts to a running instance, on SQLite and PostgreSQL.
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use passerelle::{
    db::entities::{activity, delivery, entry, received_activity, report},
    federation::inbox::{self, Claim},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use url::Url;

use crate::{
    both_dbs,
    federation_security::{
        Remote, assert_status, deliver, event_object, follow, followers_count, http_base,
        insert_following, opts, org_id, remote_activities, remote_entries, setup, signed_headers,
        wrap,
    },
    harness::*,
};

const LEASE: StdDuration = StdDuration::from_secs(300);

/// Leave a claim on `id` as a process that died `age` ago while handling it would (replacing
/// any row: also "handled, but never marked done").
async fn leave_claim(app: &TestApp, id: &str, age: Duration) -> DateTime<Utc> {
    let db = &app.state.db;
    received_activity::Entity::delete_by_id(id)
        .exec(db)
        .await
        .unwrap();
    // Microseconds, as the databases keep them.
    let at = (Utc::now() - age).trunc_subsecs(6);
    received_activity::ActiveModel {
        ap_id: Set(id.to_string()),
        received_at: Set(at),
        done_at: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    at
}

async fn claim_row(app: &TestApp, id: &str) -> Option<received_activity::Model> {
    received_activity::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
}

fn inbox_count(app: &TestApp, kind: &str, outcome: &str) -> u64 {
    app.state.metrics.counter(
        "passerelle_inbox_activities_total",
        &[("type", kind), ("outcome", outcome)],
    )
}

fn id_of(activity: &Value) -> &str {
    activity["id"].as_str().unwrap()
}

async fn count_activities(app: &TestApp, kind: &str) -> u64 {
    activity::Entity::find()
        .filter(activity::Column::Kind.eq(kind))
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn reports(app: &TestApp) -> u64 {
    report::Entity::find().count(&app.state.db).await.unwrap()
}

/// A signed delivery, with the whole answer (headers included).
async fn deliver_response(app: &TestApp, by: &Remote, activity: &Value) -> reqwest::Response {
    let body = activity.to_string().into_bytes();
    let mut h = signed_headers(app, "/inbox", &body, &by.private_pem, &opts(by));
    h.remove(reqwest::header::HOST);
    app.client
        .post(http_base(app).join("inbox").unwrap())
        .headers(h)
        .body(body)
        .send()
        .await
        .unwrap()
}

both_dbs! {
    /// (a) A claim left by a process that died before storing anything: once the lease has
    /// passed, the sender's retry takes it over, the activity is processed and marked done.
    async fn claim_left_by_a_crashed_process_is_taken_over(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;

        let create = wrap(&fake, "Create", &alice,
            event_object(&fake.new_id("events"), &alice, "Atelier CV", "<p>Aide au CV</p>"));
        let at = leave_claim(&app, id_of(&create), Duration::seconds(301)).await;
        assert_status("taken over", 202, &deliver(&app, "/inbox", &alice, &create).await);
        let entries = remote_entries(&app).await;
        assert_eq!(entries.len(), 1);
        let row = claim_row(&app, id_of(&create)).await.unwrap();
        assert!(row.received_at > at, "the claim was renewed by the request that took it over");
        assert!(row.done_at.is_some(), "marked done");
        assert_eq!(inbox_count(&app, "Create", "accepted"), 1);
        // And now it is a replay.
        assert_status("replay", 202, &deliver(&app, "/inbox", &alice, &create).await);
        assert_eq!(remote_entries(&app).await.len(), 1);
        assert_eq!(count_activities(&app, "Create").await, 1);
        assert_eq!(inbox_count(&app, "Create", "duplicate"), 1);

        // A Follow whose claim was left: the follower is added (and accepted) once.
        let f = follow(&fake, &mallory, &org_id(&app));
        leave_claim(&app, id_of(&f), Duration::hours(2)).await;
        assert_status("follow taken over", 202, &deliver(&app, "/inbox", &mallory, &f).await);
        assert_eq!(followers_count(&app).await, 1);
        assert_eq!(count_activities(&app, "Accept").await, 1);
        assert!(claim_row(&app, id_of(&f)).await.unwrap().done_at.is_some());
    }
}

both_dbs! {
    /// A process that died after its handler stored everything, before the activity was marked
    /// done: the retry runs each handler again, which adds nothing twice (no second entry,
    /// follower, Accept, report) and answers 202, never a refusal.
    async fn handlers_run_again_after_a_crash_add_nothing_twice(backend: Backend) {
        let (app, fake, mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;
        let db = &app.state.db;
        // Deliver, then leave the claim as if the process had died before marking it done,
        // then deliver again after the lease.
        let twice = |by: Remote, a: Value| {
            let app = &app;
            async move {
                assert_status("first", 202, &deliver(app, "/inbox", &by, &a).await);
                leave_claim(app, id_of(&a), Duration::seconds(400)).await;
                assert_status("again", 202, &deliver(app, "/inbox", &by, &a).await);
                assert!(claim_row(app, id_of(&a)).await.unwrap().done_at.is_some(), "{a}");
            }
        };

        // Create: one entry, one stored activity.
        let event_id = fake.new_id("events");
        let create = wrap(&fake, "Create", &alice, event_object(&event_id, &alice, "Permanence", "<p>Droit</p>"));
        twice(alice.clone(), create).await;
        assert_eq!(remote_entries(&app).await.len(), 1);
        assert_eq!(count_activities(&app, "Create").await, 1);

        // Follow: one follower, one Accept queued.
        let f = follow(&fake, &mallory, &org_id(&app));
        twice(mallory.clone(), f.clone()).await;
        assert_eq!(followers_count(&app).await, 1);
        let accepts = activity::Entity::find()
            .filter(activity::Column::Kind.eq("Accept"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(accepts.len(), 1, "one Accept");
        let queued = delivery::Entity::find()
            .filter(delivery::Column::ActivityId.eq(accepts[0].id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(queued, 1, "one Accept delivery");

        // Flag: one report.
        let flag = json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": fake.new_id("flags"), "type": "Flag", "actor": mallory.id,
            "object": [org_id(&app)], "content": "spam: listings"});
        twice(mallory.clone(), flag.clone()).await;
        assert_eq!(reports(&app).await, 1);
        let r = report::Entity::find().one(db).await.unwrap().unwrap();
        assert_eq!(r.activity_ap_id.as_deref(), Some(id_of(&flag)));
        // A different Flag with the same content is another report.
        let mut other = flag.clone();
        other["id"] = json!(fake.new_id("flags"));
        assert_status("another Flag", 202, &deliver(&app, "/inbox", &mallory, &other).await);
        assert_eq!(reports(&app).await, 2);

        // Undo of the Follow: the follow is gone after the first run; the second finds nothing
        // to undo and still answers 202.
        let undo = wrap(&fake, "Undo", &mallory, f.clone());
        twice(mallory.clone(), undo).await;
        assert_eq!(followers_count(&app).await, 0);
        assert_eq!(count_activities(&app, "Undo").await, 1);

        // Delete of the entry: deleted once.
        let delete = wrap(&fake, "Delete", &alice, json!(event_id));
        twice(alice.clone(), delete).await;
        let e = entry::Entity::find().filter(entry::Column::ApId.eq(&event_id)).one(db).await.unwrap().unwrap();
        assert!(e.deleted_at.is_some());
        assert_eq!(count_activities(&app, "Delete").await, 1);

        assert_eq!(inbox_count(&app, "Undo", "accepted"), 2);
        assert_eq!(inbox_count(&app, "Undo", "refused"), 0);
    }
}

both_dbs! {
    /// (b) A fresh claim: another request is handling the activity. A copy gets 503 with
    /// Retry-After (never 202, since that request may still fail) and stores nothing; once the
    /// other request has handled it and marked it done, a copy gets 202 and it is stored once.
    async fn fresh_claim_is_answered_503_until_done(backend: Backend) {
        let (app, fake, _mallory) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;
        let create = wrap(&fake, "Create", &alice,
            event_object(&fake.new_id("events"), &alice, "Atelier", "<p>Logement</p>"));
        let id = id_of(&create);
        let at = leave_claim(&app, id, Duration::seconds(5)).await;

        let r = deliver_response(&app, &alice, &create).await;
        assert_eq!(r.status().as_u16(), 503);
        let retry_after: u64 = r.headers()[reqwest::header::RETRY_AFTER]
            .to_str().unwrap().parse().expect("Retry-After in seconds");
        assert!((1..=30).contains(&retry_after), "Retry-After {retry_after}");
        assert!(remote_entries(&app).await.is_empty(), "nothing stored");
        assert!(remote_activities(&app).await.is_empty(), "nothing stored");
        let row = claim_row(&app, id).await.unwrap();
        assert_eq!((row.received_at, row.done_at), (at, None), "the claim is left alone");
        assert_eq!(inbox_count(&app, "Create", "in_progress"), 1);
        assert_eq!(inbox_count(&app, "Create", "accepted"), 0);

        // The request holding the claim finishes: it handles the activity and marks it done.
        let data = app.state.data().await.unwrap();
        let actor = passerelle::federation::remote::dereference(&data, &Url::parse(&alice.id).unwrap())
            .await
            .unwrap();
        passerelle::federation::handlers::handle(&data, &actor, &create, false).await.unwrap();
        inbox::mark_done(&app.state.db, id, Utc::now()).await.unwrap();

        let r = deliver_response(&app, &alice, &create).await;
        assert_eq!(r.status().as_u16(), 202);
        assert_eq!(remote_entries(&app).await.len(), 1, "stored once");
        assert_eq!(remote_activities(&app).await.len(), 1);
        assert_eq!(inbox_count(&app, "Create", "duplicate"), 1);
    }
}

both_dbs! {
    /// Claims raced by concurrent requests (on PostgreSQL, as several processes would): for a
    /// new id and for an abandoned claim, exactly one request gets to handle the activity. A
    /// request whose claim was taken over cannot release the new claim.
    async fn only_one_request_wins_a_claim(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let db = app.state.db.clone();
        for round in 0..8 {
            let stale = round % 2 == 1;
            let id = format!("https://remote.example/activities/{round}");
            if stale {
                leave_claim(&app, &id, Duration::hours(1)).await;
            }
            let tasks: Vec<_> = (0..3)
                .map(|i| {
                    let (db, id) = (db.clone(), id.clone());
                    // Distinct tokens: one microsecond apart.
                    let now = Utc::now() + Duration::microseconds(i);
                    tokio::spawn(async move { inbox::claim(&db, &id, LEASE, now).await.unwrap() })
                })
                .collect();
            let mut claims = Vec::new();
            for t in tasks {
                claims.push(t.await.unwrap());
            }
            let won: Vec<_> = claims.iter().filter_map(|c| match c {
                Claim::Handle { token, resumed } => Some((*token, *resumed)),
                _ => None,
            }).collect();
            assert_eq!(won.len(), 1, "round {round}: {claims:?}");
            assert_eq!(won[0].1, stale, "round {round}: resumed");
            assert!(claims.iter().all(|c| matches!(c, Claim::Handle { .. } | Claim::Busy { .. })), "{claims:?}");
            let row = claim_row(&app, &id).await.unwrap();
            assert_eq!(row.received_at, won[0].0, "round {round}: the winner's token is stored");
        }

        // A handler slower than the lease: its claim is taken over; when it then fails, its
        // release leaves the new claim alone.
        let id = "https://remote.example/activities/slow";
        let first = Utc::now() - Duration::seconds(400);
        let Claim::Handle { token: old, resumed: false } = inbox::claim(&db, id, LEASE, first).await.unwrap() else {
            panic!("a new id is ours");
        };
        let Claim::Handle { token: new, resumed: true } = inbox::claim(&db, id, LEASE, Utc::now()).await.unwrap() else {
            panic!("an expired claim is taken over");
        };
        inbox::release(&db, id, old).await.unwrap();
        assert_eq!(claim_row(&app, id).await.unwrap().received_at, new);
        assert!(matches!(inbox::claim(&db, id, LEASE, Utc::now()).await.unwrap(), Claim::Busy { .. }));
        inbox::mark_done(&db, id, Utc::now()).await.unwrap();
        assert_eq!(inbox::claim(&db, id, LEASE, Utc::now()).await.unwrap(), Claim::Done);
        // A released claim is claimed anew.
        let id = "https://remote.example/activities/failed";
        let Claim::Handle { token, .. } = inbox::claim(&db, id, LEASE, Utc::now()).await.unwrap() else {
            panic!("a new id is ours");
        };
        inbox::release(&db, id, token).await.unwrap();
        assert!(claim_row(&app, id).await.is_none());
        assert!(matches!(
            inbox::claim(&db, id, LEASE, Utc::now()).await.unwrap(),
            Claim::Handle { resumed: false, .. }
        ));
    }
}

both_dbs! {
    /// (d) The purge deletes ids handled longer ago than the retention, and claims abandoned
    /// that long ago; it keeps recent ids and every claim still within reach.
    async fn purge_removes_old_ids_and_keeps_claims_in_progress(backend: Backend) {
        // The server's own hourly purge (which runs at start, maybe after the rows below are
        // in) keeps ten years: only the calls below delete anything.
        let app = TestApp::spawn_with(backend, |c| c.federation.inbox_retention_days = 3650).await;
        let db = &app.state.db;
        let now = Utc::now();
        let rows = [
            ("old-done", now - Duration::days(45), Some(now - Duration::days(40))),
            ("recent-done", now - Duration::days(10), Some(now - Duration::days(10))),
            ("received-long-ago-done-lately", now - Duration::days(40), Some(now - Duration::days(2))),
            ("fresh-claim", now, None),
            ("claim-past-its-lease", now - Duration::hours(1), None),
            ("abandoned-claim", now - Duration::days(31), None),
        ];
        for (name, received, done) in rows {
            received_activity::ActiveModel {
                ap_id: Set(format!("https://remote.example/{name}")),
                received_at: Set(received),
                done_at: Set(done),
            }
            .insert(db)
            .await
            .unwrap();
        }
        let deleted = inbox::purge(db, 30, LEASE, now).await.unwrap();
        assert_eq!(deleted, 2);
        let mut left: Vec<String> = received_activity::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.ap_id.trim_start_matches("https://remote.example/").to_string())
            .collect();
        left.sort();
        assert_eq!(left, ["claim-past-its-lease", "fresh-claim", "received-long-ago-done-lately", "recent-done"]);
        // Nothing more to do the next time.
        assert_eq!(inbox::purge(db, 30, LEASE, now).await.unwrap(), 0);
        // A shorter retention takes more, never a claim within its lease.
        assert_eq!(inbox::purge(db, 1, LEASE, now).await.unwrap(), 2);
        let mut left: Vec<String> = received_activity::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.ap_id.trim_start_matches("https://remote.example/").to_string())
            .collect();
        left.sort();
        assert_eq!(left, ["claim-past-its-lease", "fresh-claim"]);
    }
}

both_dbs! {
    /// Ids received before the migration were handled: they become done (`done_at =
    /// received_at`), so that a replay of them is still a duplicate; down and up again work.
    async fn migration_marks_earlier_ids_done(backend: Backend) {
        use passerelle_migrations::{Migrator, MigratorTrait};
        use sea_orm::{ConnectionTrait, sea_query::{Alias, Query}};
        let test_db = TestDb::new(backend).await;
        let db = sea_orm::Database::connect(&test_db.url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        // Back to just before the inbox claims migration, whatever came after it.
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        let position = names
            .iter()
            .position(|n| n == "m20261129_000001_inbox_claims")
            .expect("the inbox claims migration");
        Migrator::down(&db, Some((names.len() - position) as u32)).await.unwrap();
        let received = Utc::now() - Duration::days(3);
        db.execute(
            &Query::insert()
                .into_table(Alias::new("received_activities"))
                .columns([Alias::new("ap_id"), Alias::new("received_at")])
                .values_panic(["https://remote.example/a/1".into(), received.into()])
                .to_owned(),
        )
        .await
        .unwrap();
        Migrator::up(&db, None).await.unwrap();
        let row = received_activity::Entity::find_by_id("https://remote.example/a/1")
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.done_at, Some(row.received_at));
        assert_eq!(
            inbox::claim(&db, "https://remote.example/a/1", LEASE, Utc::now()).await.unwrap(),
            Claim::Done
        );
        db.close().await.ok();
    }
}

both_dbs! {
    /// Deliveries are retried and arrive in any order: an Update older than the version stored
    /// (by its `updated`) changes nothing, a newer one replaces it, the same version again is
    /// accepted; each answers 202.
    async fn an_older_update_arriving_late_changes_nothing(backend: Backend) {
        let (app, fake, _) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;
        let db = &app.state.db;
        let id = fake.new_id("events");
        let version = |name: &str, updated: &str| {
            let mut o = event_object(&id, &alice, name, "<p>Droit</p>");
            o["updated"] = json!(updated);
            o
        };
        let stored_name = || async {
            let e = entry::Entity::find()
                .filter(entry::Column::ApId.eq(&id))
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let data: Value = serde_json::from_str(&e.data).unwrap();
            (data["name"].as_object().unwrap().values().next().unwrap().as_str().unwrap().to_string(), e.updated)
        };
        let create = wrap(&fake, "Create", &alice, version("Version 1", "2026-10-01T10:00:00Z"));
        assert_status("create", 202, &deliver(&app, "/inbox", &alice, &create).await);
        // Version 3 arrives before version 2.
        let v3 = wrap(&fake, "Update", &alice, version("Version 3", "2026-10-03T10:00:00Z"));
        assert_status("v3", 202, &deliver(&app, "/inbox", &alice, &v3).await);
        let v2 = wrap(&fake, "Update", &alice, version("Version 2", "2026-10-02T10:00:00Z"));
        assert_status("v2, late", 202, &deliver(&app, "/inbox", &alice, &v2).await);
        let (name, updated) = stored_name().await;
        assert_eq!(name, "Version 3");
        assert_eq!(updated, "2026-10-03T10:00:00Z".parse::<DateTime<Utc>>().unwrap());
        // The same version, delivered again under another activity id (an Announce of it, a
        // retry): accepted, nothing changes.
        let again = wrap(&fake, "Update", &alice, version("Version 3", "2026-10-03T10:00:00Z"));
        assert_status("v3 again", 202, &deliver(&app, "/inbox", &alice, &again).await);
        assert_eq!(stored_name().await.0, "Version 3");
        // A newer one replaces it.
        let v4 = wrap(&fake, "Update", &alice, version("Version 4", "2026-10-04T10:00:00Z"));
        assert_status("v4", 202, &deliver(&app, "/inbox", &alice, &v4).await);
        assert_eq!(stored_name().await.0, "Version 4");
        assert_eq!(remote_entries(&app).await.len(), 1);
    }
}

both_dbs! {
    /// A sender that stops waiting (its timeout) and closes the connection while the handler
    /// runs does not leave the activity half-handled: the handler runs to its end (its object
    /// is stored), the id is marked done, and the sender's retry gets 202, not 503 until the
    /// lease ends.
    async fn a_sender_that_hangs_up_leaves_nothing_unfinished(backend: Backend) {
        let (app, fake, _) = setup(backend).await;
        let alice = fake.actor("alice");
        insert_following(&app, &alice, "accepted").await;
        // An Announce makes the handler fetch the object from its origin, which is slow.
        let path = format!("/slow/events/{}", uuid::Uuid::new_v4());
        let object_id = fake.url(&path);
        fake.serve(&path, "application/activity+json", &event_object(&object_id, &alice, "Atelier", "<p>Venez</p>"));
        let announce = wrap(&fake, "Announce", &alice, json!(object_id));
        let body = announce.to_string().into_bytes();
        let mut headers = signed_headers(&app, "/inbox", &body, &alice.private_pem, &opts(&alice));
        headers.remove(reqwest::header::HOST);
        let impatient = reqwest::Client::builder()
            .timeout(StdDuration::from_millis(400))
            .build()
            .unwrap();
        let sent = impatient
            .post(http_base(&app).join("inbox").unwrap())
            .headers(headers)
            .body(body)
            .send()
            .await;
        assert!(sent.is_err_and(|e| e.is_timeout()), "the sender should have given up");
        let done = eventually(15, || async {
            claim_row(&app, id_of(&announce)).await.and_then(|r| r.done_at)
        })
        .await;
        assert!(done.is_some(), "the activity was left unfinished");
        assert_eq!(remote_entries(&app).await.len(), 1, "the announced object was not stored");
        // The sender's retry is a duplicate of a handled activity.
        assert_status("retry", 202, &deliver(&app, "/inbox", &alice, &announce).await);
        assert_eq!(remote_entries(&app).await.len(), 1);
    }
}
