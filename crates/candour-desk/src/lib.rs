//! The reviewer desk: a web UI for triage, clocks and charts, served by the reviewer's
//! own machine so that keys and plaintext never leave it.
//!
//! [`Desk::bind`] takes an unlocked, synced [`ReviewSession`] and a loopback address;
//! [`Desk::serve`] answers until the reviewer presses "Close desk", the idle timeout passes, or
//! the caller's shutdown future completes. Every write goes through the session's own methods,
//! so it lands on the relay exactly as the command line's would.
//!
//! # Why a browser on loopback is safe enough
//! - Only loopback addresses are accepted ([`DeskError::NotLoopback`]): nothing on the network
//!   can connect.
//! - By default the desk listens on a random address of its own in 127.0.0.0/8 (not
//!   127.0.0.1), because browsers keep cookies per host, not per port: on 127.0.0.1, any other
//!   local server on another port (a developer's tool, another user's process) would be sent the
//!   desk's session cookie, and with `SameSite` it would even count as the same site. On an
//!   address nobody else uses, the cookie goes to the desk alone ([`Desk::bind_private`]).
//! - Other local processes and web pages can reach loopback, so nothing is served without the
//!   session cookie. The cookie comes from a one-time login link (256-bit random code, consumed
//!   on first use) and is itself a fresh 256-bit secret, `HttpOnly; SameSite=Strict`. Secrets
//!   are compared as SHA-256 digests in constant time.
//! - The `Host` header must be the bound `address:port`, so a DNS-rebinding page (whose host is
//!   its own domain) is refused even from the reviewer's own browser.
//! - Every POST carries the session's CSRF token, and is refused if the browser says it came
//!   from another origin.
//! - Pages carry a strict Content-Security-Policy and run no script at all; charts are SVG
//!   built here with every text escaped (maud escapes by default). Report attachments are only
//!   ever downloads (`application/octet-stream`, `Content-Disposition: attachment`), never
//!   rendered by the browser.
//! - Every page is in English or Welsh (`candour-l10n`): the browser's languages choose, and
//!   the switch on every page is a form like any other (POST, CSRF token). The choice is kept
//!   in the desk's memory for its session, so it adds no cookie and no script.

mod auth;
mod charts;
mod figures;
mod forms;
mod language;
mod pages;
mod routes;
mod words;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use candour_core::Day;
use candour_l10n::{Language, Messages};
use tokio::net::TcpListener;
use tokio::sync::{watch, Mutex};

use candour_review::session::{ReviewSession, SyncReport};

/// The default idle timeout.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long in-flight requests may take to finish once the desk is stopping.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Why the desk could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The address is not a loopback address: the desk serves only this machine.
    #[error("the desk only listens on a loopback address (127.0.0.1 or [::1]), not {0}")]
    NotLoopback(SocketAddr),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the desk stopped with an error: {0}")]
    Serve(std::io::Error),
}

impl DeskError {
    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            DeskError::NotLoopback(_) => "not-loopback",
            DeskError::Bind { .. } => "bind",
            DeskError::Serve(_) => "serve",
        }
    }
}

/// The force-wide published figures (`candour review stats merge --html`) as a standalone
/// HTML page in English: the suppressed table, its charts and where each export came from,
/// with the stylesheet inline and nothing loaded from elsewhere. Every text is escaped.
pub fn merged_figures_page(merged: &candour_review::published::MergedTable) -> String {
    merged_figures_page_in(merged, Language::English)
}

/// [`merged_figures_page`] in `language`: a force publishing in English and Welsh writes
/// one page in each.
pub fn merged_figures_page_in(merged: &candour_review::published::MergedTable, language: Language) -> String {
    let m = Messages::new(language);
    pages::merged_figures(m, merged, &figures::published_charts(m, &merged.table)).into_string()
}

/// Refuses any address but loopback (127.0.0.0/8 and ::1): the desk serves this machine only.
pub fn check_loopback(addr: SocketAddr) -> Result<(), DeskError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(DeskError::NotLoopback(addr))
    }
}

/// Why the desk stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The reviewer pressed "Close desk".
    Closed,
    /// No request came for the idle timeout.
    Idle,
    /// The caller's shutdown future completed (e.g. Ctrl-C).
    Shutdown,
}

/// How the desk behaves.
#[derive(Clone, Debug)]
pub struct DeskOptions {
    /// Stop after this long without a request.
    pub idle_timeout: Duration,
    /// Where "Save attachments" writes: a fresh folder per save under it.
    pub save_dir: PathBuf,
    /// The day to act as for clocks and events; `None` for the real (UTC) day.
    pub today: Option<Day>,
    /// The sync done before opening, so the desk can warn about tampered cases at once.
    pub initial_sync: Option<SyncReport>,
}

impl DeskOptions {
    /// Defaults with attachments saved under `save_dir`.
    pub fn new(save_dir: PathBuf) -> DeskOptions {
        DeskOptions { idle_timeout: DEFAULT_IDLE_TIMEOUT, save_dir, today: None, initial_sync: None }
    }
}

/// A message shown once on the next page, with what the reviewer had typed if it failed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flash {
    /// Whether it reports a failure.
    pub error: bool,
    /// The message.
    pub text: String,
    /// Details, one per line (e.g. files saved).
    pub details: Vec<String>,
    /// Text the reviewer typed on a case page, given back after a failure.
    pub drafts: forms::Drafts,
}

/// Everything the handlers share.
pub(crate) struct DeskState {
    pub session: Mutex<ReviewSession>,
    pub gate: auth::Gate,
    pub save_dir: PathBuf,
    pub today: Option<Day>,
    flash: StdMutex<Option<Flash>>,
    /// Cases whose stream failed verification at the last sync: (case, what was found).
    tampered: StdMutex<Vec<(String, String)>>,
    /// The language chosen with the switch for this desk session; `None` follows the browser.
    language: StdMutex<Option<Language>>,
    last_request: StdMutex<Instant>,
    stop: watch::Sender<Option<Stopped>>,
}

/// Locks a std mutex; a panic in another handler must not take the desk down with it.
fn lock<T>(m: &StdMutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl DeskState {
    /// The state for a desk whose clients must send `Host: host`; returns it and the one-time
    /// login code.
    pub fn new(session: ReviewSession, options: DeskOptions, host: String) -> (Arc<DeskState>, String) {
        let (gate, code) = auth::Gate::new(host);
        let tampered = options.initial_sync.map(|r| r.tampered).unwrap_or_default();
        let state = DeskState {
            session: Mutex::new(session),
            gate,
            save_dir: options.save_dir,
            today: options.today,
            flash: StdMutex::new(None),
            tampered: StdMutex::new(tampered),
            language: StdMutex::new(None),
            last_request: StdMutex::new(Instant::now()),
            stop: watch::channel(None).0,
        };
        (Arc::new(state), code)
    }

    /// The day clocks and events use.
    pub fn today(&self) -> Day {
        self.today.unwrap_or_else(candour_review::clock::today)
    }

    /// Sets the message for the next page.
    pub fn set_flash(&self, flash: Flash) {
        *lock(&self.flash) = Some(flash);
    }

    /// Takes the message for this page.
    pub fn take_flash(&self) -> Option<Flash> {
        lock(&self.flash).take()
    }

    /// The tampered cases found at the last sync.
    pub fn tampered(&self) -> Vec<(String, String)> {
        lock(&self.tampered).clone()
    }

    /// Records the outcome of a sync.
    pub fn set_tampered(&self, tampered: Vec<(String, String)>) {
        *lock(&self.tampered) = tampered;
    }

    /// The language chosen with the switch, if one was.
    pub fn chosen_language(&self) -> Option<Language> {
        *lock(&self.language)
    }

    /// Keeps `language` for every page of this desk session.
    pub fn choose_language(&self, language: Language) {
        *lock(&self.language) = Some(language);
    }

    /// Notes an authenticated request, for the idle timeout.
    pub fn touch(&self) {
        *lock(&self.last_request) = Instant::now();
    }

    /// Asks the server to stop (the first reason wins).
    pub fn request_stop(&self, why: Stopped) {
        self.stop.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(why);
                true
            } else {
                false
            }
        });
    }

    /// Completes when a stop has been requested.
    async fn stopping(&self) {
        let mut rx = self.stop.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = rx.wait_for(Option::is_some).await;
    }

    /// Completes when no request has come for `timeout`.
    async fn idle(&self, timeout: Duration) {
        loop {
            let deadline = *lock(&self.last_request) + timeout;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// A desk bound to a loopback port, not yet serving.
pub struct Desk {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<DeskState>,
    login_url: String,
    idle_timeout: Duration,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The login URL is a secret until used.
        write!(f, "Desk({})", self.addr)
    }
}

/// A random loopback address other than 127.0.0.1, for a desk of its own (see the module docs).
pub fn private_loopback() -> std::net::Ipv4Addr {
    loop {
        let [a, b, c]: [u8; 3] = rand::random();
        let ip = std::net::Ipv4Addr::new(127, a, b, c);
        // Not 127.0.0.1 (everyone's), not the network or broadcast addresses of 127/8.
        if ip != std::net::Ipv4Addr::LOCALHOST && (a, b, c) != (0, 0, 0) && (a, b, c) != (255, 255, 255) {
            return ip;
        }
    }
}

impl Desk {
    /// Binds a free port on a random loopback address of its own ([`private_loopback`]), so no
    /// other local server shares its cookies. Where the system offers only 127.0.0.1 (some
    /// systems do not route all of 127.0.0.0/8), falls back to it and says so in `fallback`.
    pub async fn bind_private(session: ReviewSession, options: DeskOptions) -> Result<(Desk, bool), DeskError> {
        for _ in 0..8 {
            let addr = SocketAddr::from((private_loopback(), 0));
            if let Ok(listener) = TcpListener::bind(addr).await {
                return Desk::serve_on(listener, session, options).map(|d| (d, false));
            }
        }
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let listener = TcpListener::bind(addr).await.map_err(|source| DeskError::Bind { addr, source })?;
        Desk::serve_on(listener, session, options).map(|d| (d, true))
    }

    /// Binds `addr`, which must be a loopback address (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, session: ReviewSession, options: DeskOptions) -> Result<Desk, DeskError> {
        check_loopback(addr)?;
        let listener = TcpListener::bind(addr).await.map_err(|source| DeskError::Bind { addr, source })?;
        Desk::serve_on(listener, session, options)
    }

    fn serve_on(listener: TcpListener, session: ReviewSession, options: DeskOptions) -> Result<Desk, DeskError> {
        let fallback = SocketAddr::from(([127, 0, 0, 1], 0));
        let bound = listener.local_addr().map_err(|source| DeskError::Bind { addr: fallback, source })?;
        // A listener on a loopback address only ever has a loopback local address; checked again
        // so that the refusal never rests on the resolver.
        check_loopback(bound)?;
        let idle_timeout = options.idle_timeout;
        let (state, code) = DeskState::new(session, options, bound.to_string());
        let login_url = format!("http://{bound}/login/{code}");
        Ok(Desk { listener, addr: bound, state, login_url, idle_timeout })
    }

    /// The one-time login link: opening it once signs the browser in.
    pub fn login_url(&self) -> &str {
        &self.login_url
    }

    /// The address the desk listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until closed, idle for the timeout, or `shutdown` completes.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<Stopped, DeskError> {
        let Desk { listener, state, idle_timeout, .. } = self;
        let app = routes::router(Arc::clone(&state));
        let watcher = Arc::clone(&state);
        let signal = async move {
            tokio::select! {
                () = shutdown => watcher.request_stop(Stopped::Shutdown),
                () = watcher.idle(idle_timeout) => watcher.request_stop(Stopped::Idle),
                () = watcher.stopping() => {}
            }
        };
        let server = axum::serve(listener, app).with_graceful_shutdown(signal).into_future();
        tokio::pin!(server);
        let grace = async {
            state.stopping().await;
            tokio::time::sleep(STOP_GRACE).await;
        };
        tokio::select! {
            served = &mut server => served.map_err(DeskError::Serve)?,
            // A browser holding a request open must not keep the desk (and the keys) alive.
            () = grace => {}
        }
        let why = *state.stop.borrow();
        Ok(why.unwrap_or(Stopped::Shutdown))
    }
}

#[cfg(test)]
mod tests;
