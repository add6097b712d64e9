//! Passerelle: a federated directory of services, events and volunteer offers, speaking
//! ActivityPub. See README.md for running it and FEDERATION.md for the wire format.
pub mod accounts;
pub mod app;
pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod error;
pub mod federation;
pub mod feeds;
pub mod fuzzing;
pub mod hsds;
pub mod http;
pub mod metrics;
pub mod moderation;
pub mod search;
pub mod telemetry;
pub mod urls;
pub mod web;

pub use app::AppState;
