//! The directory: services, events and volunteer offers. Knows nothing of HTTP or ActivityPub.
pub mod model;
pub mod store;
pub mod taxonomy;
pub mod validate;
