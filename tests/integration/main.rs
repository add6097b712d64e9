//! Integration tests: real instances on loopback, real databases (SQLite and PostgreSQL), a
//! real third-party ActivityPub implementation (Fedify) for interop.
mod harness;

mod admin_pages;
mod browser;
mod cli;
mod directory;
mod editor;
mod faults;
mod federation_network;
mod federation_security;
mod feeds;
mod fixtures;
mod foundation;
mod hsds;
mod inbox;
mod load;
mod moderation;
mod ops;
mod public_pages;
mod scaleout;
mod search;
mod staff;
mod topics;
mod web;
