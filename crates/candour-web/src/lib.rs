//! Candour's reporter page in the browser: the same sealing code as `candour report`, built for
//! `wasm32-unknown-unknown` and driven by the page's small script (`crates/candour-web/page/`).
//!
//! The page hands each call a request in one buffer and reads the answer from another
//! ([`frame`]); [`api`] does the work with `candour-core` and `candour-submit` (directory
//! verification against the pinned root compiled in here, routing, metadata stripping,
//! sealing, proof of work, opening replies); the page does only the HTTP and the form.
//!
//! Nothing here keeps state between calls except the randomness generator ([`rng`]) and the
//! two transfer buffers, which are wiped after every call.

pub mod api;
pub mod frame;
pub mod rng;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod abi;

pub use api::{call, WebError};
