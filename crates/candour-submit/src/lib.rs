//! The reporter's side of Candour: compose, strip metadata, seal, submit, and the mailbox client.
//!
//! Nothing here writes to disk: the report, the token and the envelope live in memory (the
//! envelope only in 64 KiB pieces on its way to the relay). Without the default `net` feature
//! the crate has no network code and builds for wasm32, for the browser page.
#![forbid(unsafe_code)]

pub mod attach;
pub mod compose;
pub mod mailbox;
#[cfg(feature = "net")]
pub mod send;
pub mod strip;
#[cfg(feature = "net")]
pub mod upload;
pub mod words;
