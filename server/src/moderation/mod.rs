//! Moderation (issue 7): federation policy (domain blocks, the allow-list, sanctions on single
//! remote actors) enforced inbound, outbound and on fetches; removal, restoration and review of
//! entries; reports (local ones and `Flag` activities); and the append-only moderation log.
pub mod actions;
pub mod api;
pub mod log;
pub mod policy;
pub mod ratelimit;
pub mod reports;

pub use policy::{Policy, Severity};
