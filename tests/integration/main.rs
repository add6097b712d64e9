//! Integration tests: real instances on loopback, real databases (SQLite and PostgreSQL), a
//! real third-party ActivityPub implementation (Fedify) for interop.
mod harness;

mod browser;
mod cli;
mod directory;
mod faults;
mod federation_network;
mod federation_security;
mod feeds;
mod fixtures;
mod foundation;
mod hsds;
mod load;
mod moderation;
mod ops;
mod scaleout;
mod search;
mod staff;
mod topics;
mod web;
