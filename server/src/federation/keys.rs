//! RSA-2048 key pairs for actors. Private keys stay in the database and are never served or
//! logged.
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};

pub use activitypub_federation::http_signatures::Keypair;

use crate::{
    AppState, accounts,
    db::entities::{organization, site},
};

pub fn generate() -> anyhow::Result<Keypair> {
    activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| anyhow::anyhow!("generating an RSA key pair: {e}"))
}

/// Replace an organisation's key pair and tell its followers (an `Update` of the actor, with
/// the new public key). Deliveries still queued are signed with the new key when sent; peers
/// that cached the old key fetch the actor again when a signature stops verifying.
pub async fn rotate_org(state: &AppState, slug: &str) -> anyhow::Result<()> {
    let org = accounts::find_org(&state.db, slug)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("no organisation {slug}"))?;
    let keys = generate()?;
    let txn = state.db.begin().await?;
    let mut row: organization::ActiveModel = org.into();
    row.public_key_pem = Set(keys.public_key);
    row.private_key_pem = Set(keys.private_key);
    let org = row.update(&txn).await?;
    let actor = super::actors::org_actor_json(state, &org);
    super::outbox::publish(
        &txn,
        state,
        &state.urls.org(slug),
        &state.urls.org_followers(slug),
        "Update",
        actor,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replace the instance actor's key pair. Every process reads it at start: run this with every
/// `passerelle` process of the instance stopped, then start them again.
pub async fn rotate_instance(state: &AppState) -> anyhow::Result<()> {
    let keys = generate()?;
    let current = site::Entity::find_by_id(1)
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the instance has no key yet"))?;
    let mut row: site::ActiveModel = current.into();
    row.public_key_pem = Set(keys.public_key);
    row.private_key_pem = Set(keys.private_key);
    row.update(&state.db).await?;
    Ok(())
}
