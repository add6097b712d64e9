//! What moderation decisions do to stored data: suspending or limiting a domain or an actor,
//! removing, restoring and approving entries, and the state a newly received entry starts in.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::policy::{Severity, covers};
use crate::{
    AppState,
    config::ReviewMode,
    db::entities::{delivery, entry, follower, following, remote_actor},
    directory::store::{LIMITED, PENDING_REVIEW, VISIBLE},
    error::AppResult,
};

/// Remote actors on domains covered by `rule`.
async fn actors_covered(state: &AppState, rule: &str) -> AppResult<Vec<remote_actor::Model>> {
    Ok(remote_actor::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|a| covers(rule, &a.domain))
        .collect())
}

/// Live remote entries whose origin is covered by `rule`.
async fn entries_covered(state: &AppState, rule: &str) -> AppResult<Vec<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Local.eq(false))
        .filter(entry::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|e| covers(rule, &e.origin_domain))
        .collect())
}

/// Sever every follow with these actors (both ways) without telling them (no exchange at all),
/// withdraw their entries, and abandon what is queued for their domain.
async fn sever(state: &AppState, actors: &[remote_actor::Model]) -> AppResult<()> {
    let ids: Vec<Uuid> = actors.iter().map(|a| a.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    follower::Entity::delete_many()
        .filter(follower::Column::RemoteActorId.is_in(ids.clone()))
        .exec(&state.db)
        .await?;
    following::Entity::delete_many()
        .filter(following::Column::RemoteActorId.is_in(ids.clone()))
        .exec(&state.db)
        .await?;
    let rows = entry::Entity::find()
        .filter(entry::Column::RemoteActorId.is_in(ids))
        .filter(entry::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?;
    for r in rows {
        withdraw(state, r).await?;
    }
    Ok(())
}

/// Withdrawn like an unfollowed entry (`updated` kept), so that lifting the block and following
/// again brings it back through backfill.
async fn withdraw(state: &AppState, r: entry::Model) -> AppResult<()> {
    let version = r.version + 1;
    let mut a: entry::ActiveModel = r.into();
    a.deleted_at = Set(Some(Utc::now()));
    a.version = Set(version);
    let row = a.update(&state.db).await?;
    if crate::federation::topics::announce_entry(&state.db, state, &row).await? > 0 {
        state.delivery_wakeup.notify_waiters();
    }
    Ok(())
}

/// Apply a new domain block.
pub async fn apply_domain_block(state: &AppState, rule: &str, severity: Severity) -> AppResult<()> {
    match severity {
        Severity::Suspend => {
            let actors = actors_covered(state, rule).await?;
            sever(state, &actors).await?;
            for e in entries_covered(state, rule).await? {
                withdraw(state, e).await?;
            }
            let pending = delivery::Entity::find()
                .filter(delivery::Column::State.eq("pending"))
                .all(&state.db)
                .await?;
            for d in pending.into_iter().filter(|d| covers(rule, &d.domain)) {
                fail_delivery(state, d, "not sent: the domain is suspended by moderation").await?;
            }
        }
        Severity::Limit => {
            for e in entries_covered(state, rule).await? {
                if e.moderation_state == VISIBLE {
                    set_state(state, e, LIMITED).await?;
                }
            }
        }
    }
    Ok(())
}

/// After a block is lifted (or expired and deleted): limited entries that nothing limits any
/// more are listed again.
pub async fn lift_domain_block(state: &AppState, rule: &str) -> AppResult<()> {
    for e in entries_covered(state, rule).await? {
        if e.moderation_state == LIMITED && !limited_origin(state, &e).await? {
            set_state(state, e, VISIBLE).await?;
        }
    }
    Ok(())
}

/// Apply a sanction on one remote actor.
pub async fn apply_actor_sanction(
    state: &AppState,
    actor: &remote_actor::Model,
    severity: Severity,
) -> AppResult<()> {
    match severity {
        Severity::Suspend => sever(state, std::slice::from_ref(actor)).await,
        Severity::Limit => {
            let rows = entry::Entity::find()
                .filter(entry::Column::RemoteActorId.eq(actor.id))
                .filter(entry::Column::ModerationState.eq(VISIBLE))
                .all(&state.db)
                .await?;
            for e in rows {
                set_state(state, e, LIMITED).await?;
            }
            Ok(())
        }
    }
}

pub async fn lift_actor_sanction(state: &AppState, actor_id: Uuid) -> AppResult<()> {
    let rows = entry::Entity::find()
        .filter(entry::Column::RemoteActorId.eq(actor_id))
        .filter(entry::Column::ModerationState.eq(LIMITED))
        .all(&state.db)
        .await?;
    for e in rows {
        if !limited_origin(state, &e).await? {
            set_state(state, e, VISIBLE).await?;
        }
    }
    Ok(())
}

async fn owner_ap_id(state: &AppState, e: &entry::Model) -> AppResult<Option<String>> {
    Ok(match e.remote_actor_id {
        Some(id) => remote_actor::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|a| a.ap_id),
        None => None,
    })
}

/// Whether the entry's origin (domain or owning actor) is limited.
async fn limited_origin(state: &AppState, e: &entry::Model) -> AppResult<bool> {
    if e.local {
        return Ok(false);
    }
    let owner = owner_ap_id(state, e).await?;
    Ok(state
        .moderation
        .is_limited(&e.origin_domain, owner.as_deref()))
}

pub async fn fail_delivery(state: &AppState, d: delivery::Model, why: &str) -> AppResult<()> {
    let mut a: delivery::ActiveModel = d.into();
    a.state = Set("failed".into());
    a.last_error = Set(Some(why.to_string()));
    a.claimed_until = Set(None);
    a.finished_at = Set(Some(Utc::now()));
    a.update(&state.db).await?;
    Ok(())
}

pub async fn set_state(
    state: &AppState,
    e: entry::Model,
    new_state: &str,
) -> AppResult<entry::Model> {
    let mut a: entry::ActiveModel = e.into();
    a.moderation_state = Set(new_state.to_string());
    let row = a.update(&state.db).await?;
    // An entry that becomes visible (approved from the review queue, restored) is announced
    // by its topics, unless they already announced this version; one that is hidden has its
    // announces undone.
    if crate::federation::topics::announce_entry(&state.db, state, &row).await? > 0 {
        state.delivery_wakeup.notify_waiters();
    }
    Ok(row)
}

/// The state a restored or approved entry takes: limited when its origin is, else visible.
pub async fn shown_state(state: &AppState, e: &entry::Model) -> AppResult<&'static str> {
    Ok(if limited_origin(state, e).await? {
        LIMITED
    } else {
        VISIBLE
    })
}

/// The state a newly received remote entry starts in: limited origin, review queue, or visible.
pub async fn initial_state(
    state: &AppState,
    domain: &str,
    owner_ap_id: &str,
) -> AppResult<&'static str> {
    if state.moderation.is_limited(domain, Some(owner_ap_id)) {
        return Ok(LIMITED);
    }
    let review = match state.config.moderation.review_remote_entries {
        ReviewMode::Off => false,
        ReviewMode::All => true,
        ReviewMode::NewInstances => {
            // An instance stays new until a moderator has approved one of its entries (or one
            // was shown before the review queue was turned on).
            entry::Entity::find()
                .filter(entry::Column::Local.eq(false))
                .filter(entry::Column::OriginDomain.eq(domain))
                .filter(entry::Column::ModerationState.is_in([VISIBLE, LIMITED]))
                .one(&state.db)
                .await?
                .is_none()
        }
    };
    Ok(if review { PENDING_REVIEW } else { VISIBLE })
}

/// A local entry that a moderator hides (removes) or shows again (restores) changes for the
/// instances that follow its organisation too: a `Delete` (Tombstone) when it stops being
/// shown, a `Create` when it is shown again. Entries that do not federate, and changes that
/// do not cross between shown and hidden, send nothing.
pub async fn federate_local_visibility(
    state: &AppState,
    row: &entry::Model,
    was_shown: bool,
) -> AppResult<()> {
    let shown = row.moderation_state == VISIBLE || row.moderation_state == LIMITED;
    if !row.local || row.do_not_federate || row.deleted_at.is_some() || shown == was_shown {
        return Ok(());
    }
    let Some(org_id) = row.organization_id else {
        return Ok(());
    };
    let Some(org) = crate::accounts::find_org_by_id(&state.db, org_id).await? else {
        return Ok(());
    };
    let author = crate::http::entries::author(state, &org);
    let (kind, object) = if shown {
        let entry = crate::directory::store::parse(row)?;
        let object = crate::federation::objects::entry_object(state, row, &entry, &author);
        ("Create", object)
    } else {
        let mut t = crate::federation::objects::tombstone(row);
        t["deleted"] = serde_json::json!(crate::federation::objects::rfc3339(&Utc::now()));
        ("Delete", t)
    };
    crate::federation::outbox::publish(
        &state.db,
        state,
        &author.actor,
        &author.followers,
        kind,
        object,
    )
    .await?;
    state.delivery_wakeup.notify_waiters();
    Ok(())
}
