//! RSA-2048 key pairs for actors. Private keys stay in the database and are never served or
//! logged.
pub use activitypub_federation::http_signatures::Keypair;

pub fn generate() -> anyhow::Result<Keypair> {
    activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| anyhow::anyhow!("generating an RSA key pair: {e}"))
}
