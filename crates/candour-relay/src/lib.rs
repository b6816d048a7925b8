//! The Candour relay: an append-only store of opaque ciphertext behind an HTTP API
//! (docs/design.md §5).
//!
//! It depends on `candour-core` only for wire types, the directory, proof of work and signed
//! requests; it can never decrypt anything, and its [`store::Store`] accepts only
//! [`Ciphertext`](candour_core::wire::Ciphertext).
//!
//! - [`router`] builds the HTTP API (a test seam: drive it with `tower::ServiceExt::oneshot`);
//! - [`serve`] serves a router on a bound listener until a shutdown future completes;
//! - [`run`] is what `candour serve` calls: open the store, load the directory, bind, start
//!   the retention task, serve.
//!
//! # Wiring `candour serve`
//! ```no_run
//! # async fn example() -> Result<(), candour_relay::RelayError> {
//! let config = candour_relay::Config::load(None)?; // defaults, TOML file, CANDOUR_* variables
//! // `--print-config`: print!("{}", candour_relay::print_config(&config));
//! candour_relay::run(config, candour_relay::shutdown_signal()).await
//! # }
//! ```
//!
//! # Benchmark
//! `cargo run --release -p candour-relay --example ingest_bench -- [seconds] [clients] [bytes]`
//! measures durable ingest of 16 KiB envelopes from 64 concurrent HTTP clients and, in the same
//! run, a raw sled insert + flush + fdatasync loop with the same group commit, and prints
//! reports/s, p50/p99 latency and the ratio.
//!
//! # No metadata
//! The server is built without connect info, so no handler can see a peer address; there is no
//! request-logging layer and no setting to add one; handler spans skip all arguments and carry
//! only a route name. Nothing stored has a time finer than a [`Day`](candour_core::Day).
#![forbid(unsafe_code)]

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::keys::RootPublicKey;
use tokio::net::TcpListener;

pub mod api;
pub mod backup;
pub mod clock;
pub mod config;
mod conn;
pub mod error;
mod guards;
mod openapi;
pub mod retention;
pub mod store;
pub mod web;

pub use api::{router, AppState, Limits};
pub use config::{print_config, Config};
pub use error::{ApiError, RelayError};

/// Reads and verifies the directory file the relay serves. Returns the exact bytes (served
/// unchanged) and the verified document (whose reviewer keys authenticate signed requests).
///
/// The relay trusts no directory on its own say: `roots` (keys `candour-root-...`, or files
/// holding one) are its organisation's pinned roots, and `threshold` distinct ones must have
/// signed. Without roots, or with an unsigned, foreign or altered directory, it refuses to start
/// (a seized or forged directory must not turn a relay into one that serves other keys).
pub fn load_directory(
    path: &Path,
    roots: &[String],
    threshold: usize,
) -> Result<(Vec<u8>, VerifiedDirectory), RelayError> {
    let bytes =
        std::fs::read(path).map_err(|e| RelayError::Directory(format!("cannot read {}: {e}", path.display())))?;
    let verified = verify_directory(&bytes, roots, threshold)?;
    Ok((bytes, verified))
}

/// One force a relay serves: its signed directory, verified, and the roots pinned for it
/// (docs/design.md §5 "Many forces, one relay").
#[derive(Clone, Debug)]
pub struct Force {
    /// The served bytes, unchanged.
    pub bytes: Vec<u8>,
    /// The verified document: its reviewers' keys authenticate signed requests.
    pub verified: VerifiedDirectory,
    /// The roots pinned for it.
    pub roots: Vec<RootPublicKey>,
    /// Signed uploads its reviewers may have in progress at once (`None`: the relay's
    /// `max_signed_uploads`).
    pub max_signed_uploads: Option<usize>,
}

impl Force {
    /// Reads and verifies a force's directory as [`load_directory`] does.
    pub fn load(path: &Path, roots: &[String], threshold: usize) -> Result<Force, RelayError> {
        let (bytes, verified) = load_directory(path, roots, threshold)?;
        let roots = roots.iter().map(|r| parse_root(r)).collect::<Result<Vec<_>, _>>()?;
        Ok(Force { bytes, verified, roots, max_signed_uploads: None })
    }

    fn organisation(&self) -> &str {
        &self.verified.directory().organisation
    }
}

/// Every force `config` names: the one of `directory` first, then each of `forces`, checked
/// together by [`check_forces`].
pub fn load_forces(config: &Config) -> Result<Vec<Force>, RelayError> {
    let mut forces = vec![Force::load(&config.directory, &config.directory_roots, config.directory_threshold)?];
    for more in &config.forces {
        let mut force = Force::load(&more.directory, &more.directory_roots, more.directory_threshold)?;
        force.max_signed_uploads = more.max_signed_uploads;
        forces.push(force);
    }
    check_forces(&forces)?;
    Ok(forces)
}

/// What forces sharing one relay must agree on, refused at startup in plain words:
/// - one stanza count, so no envelope's header tells which force it was sealed for (padding is
///   Padmé for every force already);
/// - no root pinned for two forces, so each client's pinned root picks exactly one directory;
/// - no reviewer signing key in two directories, so every signed request is one force's;
/// - at most [`candour_core::api::MAX_BUNDLE_DIRECTORIES`] forces, the most a client takes.
pub fn check_forces(forces: &[Force]) -> Result<(), RelayError> {
    let Some(first) = forces.first() else {
        return Err(RelayError::Config("no force to serve: set directory and directory_roots".into()));
    };
    if forces.len() > candour_core::api::MAX_BUNDLE_DIRECTORIES {
        return Err(RelayError::Config(format!(
            "{} forces: one relay serves at most {}",
            forces.len(),
            candour_core::api::MAX_BUNDLE_DIRECTORIES
        )));
    }
    let stanzas = first.verified.directory().stanzas;
    let mut roots = std::collections::BTreeMap::new();
    let mut signers = std::collections::BTreeMap::new();
    for force in forces {
        let theirs = force.verified.directory().stanzas;
        if theirs != stanzas {
            return Err(RelayError::Config(format!(
                "every force on one relay must seal its reports with the same number of stanzas, or an envelope's \
                 header would tell which force it is for: {} has {stanzas}, {} has {theirs}; sign the directories \
                 again with one count",
                first.organisation(),
                force.organisation()
            )));
        }
        for root in &force.roots {
            if let Some(other) = roots.insert(root.fingerprint(), force.organisation()) {
                return Err(RelayError::Config(format!(
                    "root {} is pinned for two forces ({other} and {}): each force pins its own roots",
                    root.fingerprint(),
                    force.organisation()
                )));
            }
        }
        for reviewer in &force.verified.directory().reviewers {
            if let Some(other) = signers.insert(reviewer.signing_key.to_bytes(), force.organisation()) {
                return Err(RelayError::Config(format!(
                    "reviewer {} of {} signs with a key that {other}'s directory also lists: a signed request \
                     must belong to one force",
                    reviewer.id,
                    force.organisation()
                )));
            }
        }
    }
    Ok(())
}

/// Verifies served directory bytes as [`load_directory`] does.
pub fn verify_directory(bytes: &[u8], roots: &[String], threshold: usize) -> Result<VerifiedDirectory, RelayError> {
    if roots.is_empty() {
        return Err(RelayError::Config(
            "directory_roots is empty: pin the organisation's root public key(s) (candour-root-..., or files holding \
             them), so the relay cannot be made to serve a directory they did not sign"
                .into(),
        ));
    }
    let parsed = roots.iter().map(|r| parse_root(r)).collect::<Result<Vec<_>, _>>()?;
    let policy = TrustPolicy { roots: parsed, threshold, min_version: 0, today: clock::today() };
    directory::verify(bytes, &policy).map_err(|e| RelayError::Directory(format!("{e} ({})", e.code())))
}

/// A pinned root given as a key or as a file holding one.
fn parse_root(root: &str) -> Result<RootPublicKey, RelayError> {
    if let Ok(key) = root.trim().parse() {
        return Ok(key);
    }
    let text = std::fs::read_to_string(root).map_err(|e| {
        RelayError::Config(format!("directory_roots: {root:?} is neither a root public key nor a readable file: {e}"))
    })?;
    text.trim()
        .parse()
        .map_err(|e| RelayError::Config(format!("directory_roots: {root} does not hold a root key: {e}")))
}

/// Sends the relay's log to standard error, at the level `CANDOUR_LOG` names (`error`, `warn`,
/// `info`, `debug`, `trace`; `info` otherwise), with no timestamps: precise times help link a
/// report to a person. Both ways of running a relay (`candour serve` and `candour-relay`) log
/// through this one setup.
pub fn init_logging() {
    let level = std::env::var("CANDOUR_LOG").ok().and_then(|l| l.parse().ok()).unwrap_or(tracing::Level::INFO);
    // A log line that cannot be written is dropped: by default the subscriber would report the
    // failure on stderr, the very stream that failed, and that report panics, so a relay whose
    // log reader went away (a closed pipe, a restarted journal) would stop serving.
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .without_time()
        .log_internal_errors(false)
        .init();
}

/// Completes on SIGINT or SIGTERM (Ctrl-C, `systemctl stop`): a ready-made `shutdown` for
/// [`run`]. If the signal handlers cannot be installed it never completes.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// How long a client may take to send a request's headers before its connection is closed
/// (slow-header attacks); bodies are bounded by [`BODY_IDLE_TIMEOUT`] and the request timeout.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an upload may send nothing before it is cut off (slow-body attacks): a Tor
/// circuit that stalls longer than this has failed anyway.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once by default; more wait in the listen queue until one closes.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// Serves `router` on an already-bound listener until `shutdown` completes, then lets
/// in-flight requests finish and returns (at most [`DEFAULT_MAX_CONNECTIONS`] at once).
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    serve_limited(listener, router, shutdown, DEFAULT_MAX_CONNECTIONS).await
}

/// [`serve`] with at most `max_connections` connections open at once: the next is accepted
/// only when one closes, so however many a client opens, the relay's sockets and memory stay
/// bounded (slow ones are cut off by [`HEADER_READ_TIMEOUT`] and [`BODY_IDLE_TIMEOUT`]).
///
/// Each accepted connection's peer address is dropped unread, right here: the router is
/// served without connect info, so no handler, span or log line can ever see it.
pub async fn serve_limited(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    max_connections: usize,
) -> Result<(), RelayError> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            (slot, accepted) = async {
                // A slot first: while every one is taken, connections wait in the kernel's queue.
                let slot = Arc::clone(&slots).acquire_owned().await;
                (slot, listener.accept().await)
            } => {
                let Ok(slot) = slot else { break };
                let stream = match accepted {
                    Ok((stream, _peer)) => stream,
                    Err(_) => {
                        // Usually out of file descriptors: back off instead of spinning.
                        tracing::warn!("accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Responses are streamed in pieces; without TCP_NODELAY, Nagle's algorithm and
                // the client's delayed ACK stall each small read by about 40 ms.
                let _ = stream.set_nodelay(true);
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                let io = hyper_util::rt::TokioIo::new(conn::JsonRefusals::new(stream));
                let connection = http.serve_connection(io, service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away mid-request is not an error worth a log line.
                    let _ = connection.await;
                    drop(slot);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Runs the relay as `candour serve` does: opens the sled store in `config.data`, loads and
/// verifies `config.directory`, binds `config.listen`, starts the retention task and serves
/// until `shutdown` completes.
///
/// The binary only builds the [`Config`] (e.g. `Config::load(file)?` plus `--listen`/`--data`
/// overrides) and calls this; `candour serve --print-config` prints [`print_config`].
pub async fn run(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), RelayError> {
    let listener = TcpListener::bind(config.listen).await?;
    run_on(listener, config, shutdown).await
}

/// [`run`] on a listener that is already bound (tests bind `127.0.0.1:0` first). Opens the
/// store `config.store` names, which must be sled here: a PostgreSQL store is opened by
/// `candour serve` (crates/candour-store-pg), which hands it to [`run_on_store`].
pub async fn run_on(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    if config.store_kind()? != config::StoreKind::Sled {
        return Err(RelayError::Config(
            "this program opens only the sled store: run `candour serve` for store = postgres://...".into(),
        ));
    }
    // The directories first: a relay that cannot serve them touches no data folder.
    let forces = load_forces(&config)?;
    let data = config.data.clone();
    let retention = config.retention();
    let sled = tokio::task::spawn_blocking(move || store::SledStore::open_with(data, retention))
        .await
        .map_err(|_| RelayError::Config("the store opener panicked".into()))??;
    sled.set_min_free_bytes(config.min_free_mib.saturating_mul(1 << 20));
    serve_store(listener, config, Arc::new(sled), forces, shutdown).await
}

/// [`run_on`] over a store that is already open, for a backend that lives in a crate of its
/// own. `config.store` is not read.
pub async fn run_on_store(
    listener: TcpListener,
    config: Config,
    store: store::SharedStore,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    let forces = load_forces(&config)?;
    // The data folder holds the journal of signed requests already seen, whatever the store.
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&config.data)
            .map_err(|e| RelayError::Config(format!("cannot create the data folder {}: {e}", config.data.display())))?;
    }
    serve_store(listener, config, store, forces, shutdown).await
}

async fn serve_store(
    listener: TcpListener,
    config: Config,
    store: store::SharedStore,
    forces: Vec<Force>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RelayError> {
    let state = AppState::with_nonce_journal(store.clone(), forces, Limits::from_config(&config), &config.data)?;
    let retention = tokio::spawn(retention::run(store, Duration::from_secs(config.purge_interval_secs.max(60))));
    tracing::info!("relay listening");
    let result = serve_limited(listener, router(state), shutdown, config.max_connections).await;
    retention.abort();
    result
}
