//! Candour's protocol, pure: the report schema, the envelope, Padmé padding, mailbox tokens,
//! the signed key directory and routing.
//!
//! No I/O beyond `std::io::{Read, Write}`, no async, no clock (callers pass [`Day`]s), and it
//! builds for `wasm32-unknown-unknown`, so the CLI, the relay and the browser share one
//! implementation of the format. Crypto is composed from `age` (X25519 recipients,
//! ChaCha20-Poly1305 STREAM), `ed25519-dalek`, `hkdf` and `sha2`; each module's docs say why
//! its composition is safe.
//!
//! A report sealed to a reviewer and opened again:
//! ```
//! use candour_core::{envelope, keys::ReviewerSecret, token::MailboxToken, Day};
//! use candour_core::report::{Category, Concern, Document, Report, SCHEMA_V1};
//! use candour_core::message::{open_document, seal_document};
//!
//! let reviewer = ReviewerSecret::generate("psd-1");
//! let token = MailboxToken::generate();
//! // Format 1, which has no route commitment (a format 2 report needs a signed directory to
//! // commit to: `compose_report` in candour-submit writes those).
//! let report = Document::Report(Report {
//!     schema: SCHEMA_V1,
//!     thread_id: token.thread_id(),
//!     concern: Concern {
//!         category: Some(Category::HonestyAndIntegrity),
//!         what: "Cash taken from a seized wallet".into(),
//!         ..Default::default()
//!     },
//!     sealed_to: vec!["psd-1".into()],
//!     reply_recipient: token.reply_identity().to_public().to_string(),
//!     mailbox: token.mailbox_id().address(),
//!     reporter_key: token.public_signing_key(),
//!     day_sent: "2026-11-27".parse::<Day>().unwrap(),
//!     route: None,
//!     last_seen: None,
//!     reader_changes: vec![],
//! });
//! // Twelve stanzas: one real recipient and eleven throwaway decoys.
//! let sealed = seal_document(&[reviewer.recipient()], 12, &report, vec![],
//!                            &token.signing_key(), Vec::new()).unwrap();
//! let opened = open_document(reviewer.identity(), &sealed[..],
//!                            &mut envelope::DiscardAttachments).unwrap();
//! assert_eq!(opened.document, report);
//!
//! // Someone else's identity learns nothing, not even why it failed.
//! let other = ReviewerSecret::generate("sb-1");
//! assert!(open_document(other.identity(), &sealed[..], &mut envelope::DiscardAttachments).is_err());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod commitment;
pub mod conflicts;
pub mod custody;
pub mod day;
mod digest;
pub mod directory;
pub mod envelope;
pub mod keys;
pub mod message;
pub mod names;
pub mod padding;
pub mod page_manifest;
pub mod pow;
pub mod reader_change;
pub mod report;
mod rootsig;
pub mod routing;
pub mod shape;
pub mod text;
pub mod token;
pub mod wire;

pub use day::Day;

// `named_enum!` derives serde through core's own copy, named the same way inside core and out.
extern crate self as candour_core;
#[doc(hidden)]
pub use serde as __serde;
