//! ActivityPub: actors, objects, activities, inbox verification, delivery.
pub mod actors;
pub mod backfill;
pub mod delivery;
pub mod follows;
pub mod handlers;
pub mod inbox;
pub mod keys;
pub mod objects;
pub mod outbox;
pub mod remote;
pub mod signature;
pub mod topics;

use crate::app::{Application, tokio_util_shim::CancellationToken};

/// The media type of ActivityPub requests and responses.
pub const ACTIVITY_CONTENT_TYPE: &str = "application/activity+json";

/// Start the background workers of `passerelle serve` (the delivery worker, unless
/// `delivery.run_in_server` is off because `passerelle worker` runs apart).
pub fn spawn_workers(
    app: &Application,
    shutdown: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut handles = Vec::new();
    if app.state.config.delivery.run_in_server {
        handles.push(tokio::spawn(delivery::run(app.state.clone(), shutdown)));
    }
    handles
}
