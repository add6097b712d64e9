//! Issue 9, load: 50 concurrent senders post signed Creates (events from followed remote
//! actors, signed with our own draft-cavage code, distinct ids, some deliberately sent twice)
//! to one instance. Every valid one is processed, none twice, none lost (rows counted; a copy
//! that races its original is answered 503 and sent again, as a real sender would), and
//! the health route stays responsive meanwhile (latency measured; p99 under 2 s).
//!
//! This is a correctness test, not a benchmark (see BENCHMARKS.md for throughput). The number
//! of activities is `PASSERELLE_LOAD_ACTIVITIES` (default 2,000, which keeps a debug build under
//! about a minute per database on two shared cores); the 20,000 is run with
//! `PASSERELLE_LOAD_ACTIVITIES=20000` (see docs/operations.md, "Load and fault tests").
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use passerelle::{
    db::entities::{activity, entry, received_activity},
    federation::signature,
};
use reqwest::header::{CONTENT_TYPE, HOST, HeaderMap};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    both_dbs,
    federation_security::{Remote, event_object, http_base, insert_following, opts, setup, wrap},
};

const SENDERS: usize = 50;

fn activities() -> usize {
    std::env::var("PASSERELLE_LOAD_ACTIVITIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

both_dbs! {
    async fn fifty_senders_every_activity_once_and_health_responsive(backend: Backend) {
        let n = activities();
        let (app, fake, _mallory) = setup(backend).await;
        // Ten followed actors on one remote server.
        let actors: Vec<Remote> = (0..10).map(|i| fake.actor(&format!("sender{i}"))).collect();
        for a in &actors {
            insert_following(&app, a, "accepted").await;
        }
        // Distinct activities; every 40th is queued a second time, further on (it may race
        // with its first copy or come after it).
        let mut work: Vec<(usize, Arc<Vec<u8>>)> = Vec::with_capacity(n + n / 40);
        let mut dups = Vec::new();
        for i in 0..n {
            let by = &actors[i % actors.len()];
            let oid = fake.new_id("events");
            let act = wrap(
                &fake,
                "Create",
                by,
                event_object(&oid, by, &format!("Atelier {i}"), "<p>Cours de français, aide au logement.</p>"),
            );
            let body = Arc::new(act.to_string().into_bytes());
            work.push((i % actors.len(), body.clone()));
            if i % 40 == 0 {
                dups.push((i % actors.len(), body));
            }
            if i % 40 == 39 || i == n - 1 {
                work.append(&mut dups);
            }
        }
        let sent_twice = n.div_ceil(40);
        let total = work.len();
        assert_eq!(total, n + sent_twice);
        work.reverse(); // popped from the end: in order
        let queue = Arc::new(Mutex::new(work));
        let actors = Arc::new(actors);

        // The health route, probed every 25 ms while the load runs.
        let done = Arc::new(AtomicBool::new(false));
        let probe = {
            let (done, url) = (done.clone(), app.url("/healthz"));
            let client = reqwest::Client::new();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while !done.load(Ordering::SeqCst) {
                    let t = Instant::now();
                    let r = client.get(url.clone()).send().await.expect("healthz");
                    assert!(r.status().is_success());
                    lat.push(t.elapsed());
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                lat
            })
        };
        let started = Instant::now();
        let mut senders = Vec::new();
        for _ in 0..SENDERS {
            let (queue, actors) = (queue.clone(), actors.clone());
            let client = app.client.clone();
            let (domain, url) = (app.domain.clone(), http_base(&app).join("inbox").unwrap());
            senders.push(tokio::spawn(async move {
                let (mut failures, mut busy) = (Vec::new(), 0u64);
                loop {
                    let Some((who, body)) = queue.lock().unwrap().pop() else {
                        return (failures, busy);
                    };
                    let by = &actors[who];
                    // A copy that races its original gets 503 with Retry-After (the original is
                    // being handled): sent again, as a real sender would (sooner, for the test).
                    for attempt in 0..100 {
                        let mut h = HeaderMap::new();
                        h.insert(HOST, domain.parse().unwrap());
                        h.insert(CONTENT_TYPE, "application/activity+json".parse().unwrap());
                        signature::sign(&axum::http::Method::POST, "/inbox", &mut h, &body, &by.private_pem, &opts(by))
                            .unwrap();
                        h.remove(HOST);
                        match client.post(url.clone()).headers(h).body(body.to_vec()).send().await {
                            Ok(r) if r.status().is_success() => {}
                            Ok(r) if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE
                                && r.headers().contains_key(reqwest::header::RETRY_AFTER) =>
                            {
                                busy += 1;
                                if attempt == 99 {
                                    failures.push("still 503 after 100 tries".to_string());
                                }
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                continue;
                            }
                            Ok(r) => failures.push(format!("{} {}", r.status(), r.text().await.unwrap_or_default())),
                            Err(e) => failures.push(format!("{e}")),
                        }
                        break;
                    }
                }
            }));
        }
        let (mut failures, mut busy) = (Vec::new(), 0);
        for s in senders {
            let (f, b) = s.await.unwrap();
            failures.extend(f);
            busy += b;
        }
        let elapsed = started.elapsed();
        done.store(true, Ordering::SeqCst);
        let mut lat = probe.await.unwrap();
        assert!(failures.is_empty(), "{} of {total} posts failed, e.g. {:?}", failures.len(), &failures[..failures.len().min(5)]);

        // Every distinct activity processed once: one recorded id, one stored activity, one
        // entry each; the second copies were recognised.
        let db = &app.state.db;
        let received = received_activity::Entity::find().count(db).await.unwrap();
        let creates = activity::Entity::find()
            .filter(activity::Column::Local.eq(false))
            .filter(activity::Column::Kind.eq("Create"))
            .count(db)
            .await
            .unwrap();
        let entries = entry::Entity::find().filter(entry::Column::Local.eq(false)).count(db).await.unwrap();
        assert_eq!((received, creates, entries), (n as u64, n as u64, n as u64));
        let m = |outcome: &str| {
            app.state.metrics.counter(
                "passerelle_inbox_activities_total",
                &[("type", "Create"), ("outcome", outcome)],
            )
        };
        assert_eq!(m("accepted"), n as u64);
        // Each second copy ends as a duplicate, once (after 503s if it raced its original).
        assert_eq!(m("duplicate"), sent_twice as u64);
        assert_eq!(m("in_progress"), busy);

        lat.sort();
        assert!(!lat.is_empty());
        let p = |q: f64| lat[((q * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1];
        eprintln!(
            "load ({backend:?}): {total} posts ({n} distinct, {busy} copies answered 503 while their original was handled) \
             by {SENDERS} senders in {:.1} s ({:.0}/s); /healthz during the load: {} probes, p50 {:?}, p99 {:?}, max {:?}",
            elapsed.as_secs_f64(),
            total as f64 / elapsed.as_secs_f64(),
            lat.len(),
            p(0.5),
            p(0.99),
            lat[lat.len() - 1]
        );
        assert!(p(0.99) < Duration::from_secs(2), "/healthz p99 {:?}", p(0.99));
    }
}
