//! The reporter's side of Candour: compose, strip metadata, seal, submit, and the mailbox client.
//!
//! Nothing here writes to disk: the report, the token and the envelope live in memory (the
//! envelope only in 64 KiB pieces on its way to the relay).
#![forbid(unsafe_code)]

pub mod client;
pub mod compose;
pub mod mailbox;
pub mod send;
pub mod strip;
pub mod upload;
