//! Backfill after a follow is accepted: read the followed actor's outbox — or, for another
//! instance, the outboxes of each of its organisations — page by page, bounded, and store what
//! they published.
use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use super::remote::{self, RemoteActor, id_of};
use crate::{AppState, urls::domain_of};

/// At most this many outbox pages per actor, and this many actors per instance.
const MAX_PAGES: usize = 5;
const MAX_ACTORS: usize = 200;

pub async fn backfill(state: &AppState, target: &RemoteActor) -> anyhow::Result<usize> {
    let data = state.data().await?;
    let raw: Value = serde_json::from_str(&target.row.raw)?;
    let mut actors = vec![target.clone()];
    // Another Passerelle lists its organisations (see FEDERATION.md).
    if let Some(list) = raw.get("organizations").and_then(Value::as_str) {
        let url = Url::parse(list)?;
        let mut next = Some(url);
        let mut pages = 0;
        while let Some(u) = next.take() {
            if pages >= MAX_PAGES || actors.len() > MAX_ACTORS || domain_of(&u) != target.row.domain
            {
                break;
            }
            pages += 1;
            let doc = fetch_object_http::<AppState, Value>(&u, &data.reset_request_count())
                .await?
                .object;
            let page = match doc.get("first") {
                Some(first) if doc.get("orderedItems").is_none() && doc.get("items").is_none() => {
                    match id_of(first) {
                        Some(f) => {
                            fetch_object_http::<AppState, Value>(
                                &Url::parse(f)?,
                                &data.reset_request_count(),
                            )
                            .await?
                            .object
                        }
                        None => first.clone(),
                    }
                }
                _ => doc,
            };
            for item in items(&page) {
                if let Some(id) = id_of(item).and_then(|i| Url::parse(i).ok())
                    && domain_of(&id) == target.row.domain
                    && let Ok(a) = remote::dereference(&data.reset_request_count(), &id).await
                {
                    actors.push(a);
                }
            }
            next = page
                .get("next")
                .and_then(id_of)
                .and_then(|n| Url::parse(n).ok());
        }
    }
    let mut stored = 0;
    for actor in &actors {
        match backfill_actor(state, actor).await {
            Ok(n) => stored += n,
            Err(e) => {
                tracing::warn!(actor = %actor.row.ap_id, error = %e, "backfill of an outbox failed")
            }
        }
    }
    Ok(stored)
}

fn items(page: &Value) -> Vec<&Value> {
    page.get("orderedItems")
        .or_else(|| page.get("items"))
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Apply an actor's outbox, oldest first, so that Updates and Deletes land after Creates.
async fn backfill_actor(state: &AppState, actor: &RemoteActor) -> anyhow::Result<usize> {
    let data = state.data().await?;
    let Some(outbox) = actor.row.outbox.as_deref().and_then(|o| Url::parse(o).ok()) else {
        return Ok(0);
    };
    if domain_of(&outbox) != actor.row.domain {
        return Ok(0);
    }
    let doc = fetch_object_http::<AppState, Value>(&outbox, &data.reset_request_count())
        .await?
        .object;
    let mut activities: Vec<Value> = items(&doc).into_iter().cloned().collect();
    let mut next = doc.get("first").and_then(|f| match f {
        Value::String(s) => Url::parse(s).ok(),
        other => {
            activities.extend(items(other).into_iter().cloned());
            other
                .get("next")
                .and_then(id_of)
                .and_then(|n| Url::parse(n).ok())
        }
    });
    let mut pages = 0;
    while let Some(u) = next.take() {
        if pages >= MAX_PAGES || domain_of(&u) != actor.row.domain {
            break;
        }
        pages += 1;
        let page = fetch_object_http::<AppState, Value>(&u, &data.reset_request_count())
            .await?
            .object;
        activities.extend(items(&page).into_iter().cloned());
        next = page
            .get("next")
            .and_then(id_of)
            .and_then(|n| Url::parse(n).ok());
    }
    let mut stored = 0;
    for act in activities.iter().rev() {
        let kind = act.get("type").and_then(Value::as_str).unwrap_or_default();
        let object = act.get("object").cloned().unwrap_or(Value::Null);
        match kind {
            "Create" | "Update" if object.is_object() => {
                if super::inbox::check_domains(state, actor, act).is_err() {
                    continue;
                }
                match super::handlers::ingest(state, actor, &object).await {
                    Ok(Some(_)) => stored += 1,
                    Ok(None) => {}
                    Err(e) => tracing::debug!(error = %e, "backfill: object skipped"),
                }
            }
            "Delete" => {
                if let Some(id) = id_of(&object)
                    && let Some(row) = crate::directory::store::get_by_ap_id(&state.db, id).await?
                    && !row.local
                    && row.remote_actor_id == Some(actor.row.id)
                    && row.deleted_at.is_none()
                {
                    let row = crate::directory::store::mark_deleted(&state.db, row).await?;
                    if super::topics::announce_entry(&state.db, state, &row).await? > 0 {
                        state.delivery_wakeup.notify_waiters();
                    }
                }
            }
            _ => {}
        }
    }
    Ok(stored)
}
