//! The reviewer's side of Candour: fetch, decrypt, triage, reply and statistics (docs/design.md §5-6).
//!
//! - [`session::ReviewSession`] is a reviewer at work: `sync` pulls inbox blobs and case events
//!   from the relay, trial-decrypts, verifies every signature and hash link, and keeps an
//!   encrypted local [`cache`]; `triage`, `record` and `reply` append signed case events.
//! - [`event`] defines case events (signed, hash-chained, sealed to the case's reviewers) and
//!   names tampering; [`state`] folds them into a case's state with a documented merge rule.
//! - [`triage`] holds the docs/design.md §6 fields; [`clocks`] the 7-day and 3-month duties and
//!   escalation; [`escalation`] the sanitised notices that take a late case beyond the unit;
//!   [`link`] subject linking; [`stats`] published figures with small-number suppression and
//!   the sanitised export; [`published`] the force-wide table merged from every queue's signed
//!   export, suppressed once after merging; [`views`] what `inbox` and `show` display.
//! - The desk (crate `candour-desk`) serves all of this as a web UI on loopback, to the
//!   reviewer's own browser.
//!
//! Nothing decrypted is written to disk in the clear, except attachments a reviewer
//! explicitly saves to a folder of their choice.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cache;
pub mod client;
/// The device clock the engine signs and dates with (the client crate's, so there is one).
pub use candour_client::clock;
pub mod alerts;
pub mod clocks;
pub mod custody;
pub mod escalation;
pub mod event;
pub mod keyring;
pub mod link;
pub mod published;
pub mod session;
pub mod state;
pub mod stats;
pub mod triage;
pub mod views;

pub use session::{ReviewError, ReviewSession, SyncReport};
