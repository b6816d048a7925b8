//! The Candour relay: an append-only store of opaque ciphertext behind an HTTP API.
//!
//! It depends on `candour-core` only for wire types and can never decrypt anything.
#![forbid(unsafe_code)]
