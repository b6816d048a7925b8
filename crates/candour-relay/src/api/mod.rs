//! The HTTP API under `/v1`: the contract of [`candour_core::api`], served (see
//! `GET /v1/openapi.json`).
//!
//! Handlers see no peer address (the server is built without connect info), read no
//! user-agent or cookie, and log nothing about a request beyond the route's template and, on
//! failure, the stable error code. Spans skip every argument.
//!
//! - `router`: the routes, and the layers every request passes (timeouts, JSON
//!   errors, cross-origin rules for the reporters' page).
//! - `extract`: what a handler takes from a request, each check once: a reviewer's signature
//!   (`Signed`, `SignedUpload`), the place and entry a path names, the listing cursor, the
//!   token holder's mailbox request.
//! - `upload`: bodies read within bounds, and uploads streamed to the store.
//! - `handlers`: one handler per verb, mounted for the inbox, case streams and mailboxes alike.

mod extract;
mod handlers;
mod router;
mod upload;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::unix_now;
use axum::body::Bytes;
use candour_core::directory::VerifiedDirectory;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::guards::{ChallengeIssuer, NonceBook};
use crate::store::{SharedStore, Store, StoreError};
use crate::{Config, RelayError};

pub use router::{router, PAGE_REQUEST_HEADERS};

/// The limits a running relay enforces, taken from [`Config`].
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest upload in bytes.
    pub max_upload_bytes: u64,
    /// Largest JSON (or other small) body in bytes.
    pub max_json_bytes: usize,
    /// Proof-of-work difficulty in bits for the first unit of size.
    pub pow_difficulty: u8,
    /// Bytes one unit of proof of work buys.
    pub pow_bytes_per_unit: u64,
    /// Allowed clock skew of signed requests, seconds.
    pub max_clock_skew_secs: u64,
    /// Per-request time limit.
    pub request_timeout: Duration,
    /// How long an upload may send nothing before it is cut off.
    pub body_idle_timeout: Duration,
    /// Anonymous (proof-of-work) uploads in progress at once; more are refused as `busy`.
    pub max_anonymous_uploads: usize,
    /// Bytes that anonymous uploads in progress may have asked for, together (each reserves
    /// its challenge's size before its body is read).
    pub max_anonymous_inflight_bytes: u64,
    /// Signed (reviewer) uploads in progress at once.
    pub max_signed_uploads: usize,
    /// Origins of reporter pages hosted elsewhere whose browsers may call the reporters' API
    /// (see [`Config::page_origins`]).
    pub page_origins: Vec<String>,
}

impl Limits {
    /// The limits a configuration asks for.
    pub fn from_config(config: &Config) -> Self {
        Limits {
            max_upload_bytes: config.max_upload_bytes,
            max_json_bytes: config.max_json_bytes,
            pow_difficulty: config.pow_difficulty,
            pow_bytes_per_unit: config.pow_bytes_per_unit,
            max_clock_skew_secs: config.max_clock_skew_secs,
            request_timeout: Duration::from_secs(config.request_timeout_secs),
            body_idle_timeout: crate::BODY_IDLE_TIMEOUT,
            max_anonymous_uploads: config.max_anonymous_uploads,
            max_anonymous_inflight_bytes: config.max_anonymous_inflight_bytes,
            max_signed_uploads: config.max_signed_uploads,
            page_origins: config.page_origins.clone(),
        }
    }
}

/// Everything the handlers share. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(pub(crate) Arc<Inner>);

/// One force as the handlers see it.
#[derive(Debug)]
pub(crate) struct ServedForce {
    pub(crate) directory: VerifiedDirectory,
    /// Slots for this force's signed uploads in progress.
    pub(crate) signed_uploads: Arc<Semaphore>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) store: SharedStore,
    /// The first force's directory, served at `/v1/directory`.
    pub(crate) directory_bytes: Bytes,
    /// Every force's, as one [`candour_core::api::DirectoryBundle`] (`/v1/directories`).
    pub(crate) bundle: Bytes,
    /// The forces, the first first; [`crate::check_forces`] holds for them.
    pub(crate) forces: Vec<ServedForce>,
    /// The stanza count of every force's envelopes.
    pub(crate) stanzas: usize,
    pub(crate) limits: Limits,
    pub(crate) challenges: ChallengeIssuer,
    /// Slots for anonymous uploads in progress.
    pub(crate) anonymous_uploads: Arc<Semaphore>,
    /// The bytes anonymous uploads in progress may still ask for, in MiB.
    pub(crate) anonymous_bytes: Arc<Semaphore>,
    pub(crate) nonces: NonceBook,
    pub(crate) started_unix: u64,
}

/// Bytes as whole MiB, rounded up, for the in-flight budget (a semaphore's permits).
pub(crate) fn mib(bytes: u64) -> usize {
    usize::try_from(bytes.div_ceil(1 << 20)).unwrap_or(usize::MAX).min(Semaphore::MAX_PERMITS)
}

impl AppState {
    /// Builds the state of a relay for one force from a store, the served directory bytes and
    /// their verified form.
    pub fn new(store: SharedStore, directory_bytes: Vec<u8>, directory: VerifiedDirectory, limits: Limits) -> Self {
        let force =
            crate::Force { bytes: directory_bytes, verified: directory, roots: Vec::new(), max_signed_uploads: None };
        AppState::build(store, vec![force], limits, NonceBook::default())
    }

    /// Builds the state of a relay serving every one of `forces` (the first at
    /// `/v1/directory`), refusing them unless [`crate::check_forces`] holds.
    pub fn for_forces(store: SharedStore, forces: Vec<crate::Force>, limits: Limits) -> Result<Self, RelayError> {
        crate::check_forces(&forces)?;
        Ok(AppState::build(store, forces, limits, NonceBook::default()))
    }

    fn build(store: SharedStore, forces: Vec<crate::Force>, limits: Limits, nonces: NonceBook) -> Self {
        let bundle = candour_core::api::DirectoryBundle {
            format: candour_core::api::DIRECTORY_BUNDLE_FORMAT.to_owned(),
            // Verified directories are JSON, so UTF-8: the text is the bytes.
            directories: forces.iter().map(|f| String::from_utf8_lossy(&f.bytes).into_owned()).collect(),
        };
        let bundle = serde_json::to_vec(&bundle).unwrap_or_default();
        let directory_bytes = forces.first().map(|f| Bytes::from(f.bytes.clone())).unwrap_or_default();
        let stanzas = forces.first().map_or(0, |f| f.verified.directory().stanzas);
        let forces = forces
            .into_iter()
            .map(|f| ServedForce {
                signed_uploads: Arc::new(Semaphore::new(f.max_signed_uploads.unwrap_or(limits.max_signed_uploads))),
                directory: f.verified,
            })
            .collect();
        AppState(Arc::new(Inner {
            anonymous_uploads: Arc::new(Semaphore::new(limits.max_anonymous_uploads)),
            anonymous_bytes: Arc::new(Semaphore::new(mib(limits.max_anonymous_inflight_bytes))),
            store,
            directory_bytes,
            bundle: Bytes::from(bundle),
            forces,
            stanzas,
            limits,
            challenges: ChallengeIssuer::default(),
            nonces,
            // Signed requests timestamped in or before the second the relay started are refused:
            // the nonce book starts empty, so one signed before a restart could be replayed.
            started_unix: unix_now(),
        }))
    }

    /// As [`AppState::for_forces`], with the nonces of signed requests also journaled in
    /// `data`, so a request seen before a restart is refused after it (see `guards`).
    pub fn with_nonce_journal(
        store: SharedStore,
        forces: Vec<crate::Force>,
        limits: Limits,
        data: &std::path::Path,
    ) -> Result<Self, RelayError> {
        crate::check_forces(&forces)?;
        let nonces = NonceBook::journaled(data, limits.max_clock_skew_secs, unix_now())?;
        Ok(AppState::build(store, forces, limits, nonces))
    }

    /// The force whose directory lists `key` as a reviewer's signing key, if any.
    pub(crate) fn force_of(&self, key: &candour_core::keys::PublicSigningKey) -> Option<&ServedForce> {
        self.0.forces.iter().find(|f| f.directory.reviewer_by_signing_key(key).is_some())
    }

    /// The store.
    pub fn store(&self) -> &SharedStore {
        &self.0.store
    }
}

/// Runs a store operation on a blocking thread.
pub(crate) async fn blocking<T, F>(store: &SharedStore, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(&*store)).await.map_err(|_| ApiError::STORAGE)?.map_err(ApiError::from)
}
