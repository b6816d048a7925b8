//! The HTTP API under `/v1` (see `GET /v1/openapi.json`).
//!
//! Handlers see no peer address (the server is built without connect info), read no
//! user-agent or cookie, and log nothing about a request beyond the route name and, on failure,
//! the stable error code. Spans skip every argument.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use candour_core::api::{
    route, Appended, ChallengeRequest, EntryPage, Health, MailboxRequest, Policy, Stored, DEFAULT_PAGE, MAX_PAGE,
};
use candour_core::auth::SignedHeaders;
use candour_core::directory::VerifiedDirectory;
use candour_core::pow::{self, Challenge, Solution};
use candour_core::shape::{self, Header};
use candour_core::wire::{CaseStreamId, Ciphertext, MailboxAddress};
use candour_core::Day;
use http_body_util::BodyExt as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tracing::instrument;

use crate::error::ApiError;
use crate::guards::{ChallengeIssuer, NonceBook, Refusal};
use crate::store::{EntryInfo, Place, Seq, SharedStore, Store, StoreError, UploadId, CHUNK_SIZE};
use crate::Config;

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
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: SharedStore,
    directory_bytes: Bytes,
    directory: VerifiedDirectory,
    limits: Limits,
    challenges: ChallengeIssuer,
    /// Slots for anonymous uploads in progress.
    anonymous_uploads: Arc<Semaphore>,
    /// The bytes anonymous uploads in progress may still ask for, in MiB.
    anonymous_bytes: Arc<Semaphore>,
    /// Slots for signed uploads in progress.
    signed_uploads: Arc<Semaphore>,
    nonces: NonceBook,
    started_unix: u64,
}

/// Seconds since the Unix epoch on the relay's clock (used for signed-request freshness and
/// today's [`Day`], never stored).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Bytes as whole MiB, rounded up, for the in-flight budget (a semaphore's permits).
fn mib(bytes: u64) -> usize {
    usize::try_from(bytes.div_ceil(1 << 20)).unwrap_or(usize::MAX).min(Semaphore::MAX_PERMITS)
}

/// Today on the relay's clock.
pub fn today() -> Day {
    Day::from_unix_seconds(unix_now())
}

impl AppState {
    /// Builds the state from a store, the served directory bytes and their verified form.
    pub fn new(store: SharedStore, directory_bytes: Vec<u8>, directory: VerifiedDirectory, limits: Limits) -> Self {
        AppState::build(store, directory_bytes, directory, limits, NonceBook::default())
    }

    fn build(
        store: SharedStore,
        directory_bytes: Vec<u8>,
        directory: VerifiedDirectory,
        limits: Limits,
        nonces: NonceBook,
    ) -> Self {
        AppState(Arc::new(Inner {
            anonymous_uploads: Arc::new(Semaphore::new(limits.max_anonymous_uploads)),
            anonymous_bytes: Arc::new(Semaphore::new(mib(limits.max_anonymous_inflight_bytes))),
            signed_uploads: Arc::new(Semaphore::new(limits.max_signed_uploads)),
            store,
            directory_bytes: Bytes::from(directory_bytes),
            directory,
            limits,
            challenges: ChallengeIssuer::default(),
            nonces,
            // Signed requests timestamped in or before the second the relay started are refused:
            // the nonce book starts empty, so one signed before a restart could be replayed.
            started_unix: unix_now(),
        }))
    }

    /// As [`AppState::new`], with the nonces of signed requests also journaled in `data`, so a
    /// request seen before a restart is refused after it (see `guards`).
    pub fn with_nonce_journal(
        store: SharedStore,
        directory_bytes: Vec<u8>,
        directory: VerifiedDirectory,
        limits: Limits,
        data: &std::path::Path,
    ) -> std::io::Result<Self> {
        let nonces = NonceBook::journaled(data, limits.max_clock_skew_secs, unix_now())?;
        Ok(AppState::build(store, directory_bytes, directory, limits, nonces))
    }

    /// The store.
    pub fn store(&self) -> &SharedStore {
        &self.0.store
    }
}

/// The relay's routes, with JSON errors for unknown routes and methods and the request timeout.
pub fn router(state: AppState) -> Router {
    let timeout = state.0.limits.request_timeout;
    let page_origins: Arc<[String]> = state.0.limits.page_origins.clone().into();
    Router::new()
        .route(route::HEALTHZ, get(healthz))
        .route(route::READYZ, get(readyz))
        .route(route::OPENAPI, get(openapi))
        .route(route::DIRECTORY, get(directory))
        .route(route::POLICY, get(policy))
        .route(route::CHALLENGE, post(challenge))
        .route(route::INBOX, post(submit).get(inbox_list))
        .route(route::INBOX_ENTRY, get(inbox_read))
        .route(route::CASE, post(case_append).get(case_list))
        .route(route::CASE_ENTRY, get(case_read))
        .route(route::MAILBOX, post(mailbox_append))
        .route(route::MAILBOX_LIST, post(mailbox_list))
        .route(route::MAILBOX_READ, post(mailbox_read))
        .merge(crate::web::routes())
        .fallback(|| async { ApiError::NOT_FOUND })
        .method_not_allowed_fallback(|| async { ApiError::METHOD_NOT_ALLOWED })
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| async move {
            match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(response) => response,
                // Dropping the handler drops its upload guard, which discards the partial upload.
                Err(_) => ApiError::TIMEOUT.into_response(),
            }
        }))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn(close_after_refused_bodies))
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            let origins = Arc::clone(&page_origins);
            async move { cross_origin(&origins, req, next).await }
        }))
        .with_state(state)
}

/// The reporters' API, across origins, for a page hosted apart from the relay (README "Where
/// the page comes from"): only for the configured page origins, never with credentials, and
/// only for what the page calls. Any other origin gets no `Access-Control-Allow-Origin`, so its
/// browser keeps the answer from it. The API needs no cookie and reveals nothing a direct
/// request would not, so this is about keeping other sites from using visitors' browsers as
/// a cheap pool of proof-of-work solvers and readers of the relay's answers.
async fn cross_origin(origins: &[String], req: Request, next: Next) -> Response {
    const REPORTER_API: [&str; 5] =
        [route::DIRECTORY, route::CHALLENGE, route::INBOX, route::MAILBOX_LIST, route::MAILBOX_READ];
    let path = req.uri().path();
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| origins.iter().any(|a| a == o))
        .filter(|_| REPORTER_API.contains(&path))
        .and_then(|o| HeaderValue::from_str(o).ok());
    // A preflight from a page origin is answered here; any other OPTIONS goes on to the router
    // (and meets its method-not-allowed error), so an unknown origin learns nothing new.
    let preflight = allowed.is_some()
        && req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(req).await };
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if preflight {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(PAGE_REQUEST_HEADERS));
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
    }
    response
}

/// The request headers the page sends across origins: a JSON or binary body's type, and the
/// proof of work ([`candour_core::pow::HEADER`], checked by a test).
pub const PAGE_REQUEST_HEADERS: &str = "content-type, candour-pow";

/// A request with a body that is refused may have been answered before its body was read, and
/// then the connection cannot carry another request: say so (`Connection: close`), or a client
/// that reuses it meets a connection closed under its next request.
async fn close_after_refused_bodies(req: Request, next: Next) -> Response {
    let has_body = req.method() != Method::GET && req.method() != Method::HEAD;
    let mut response = next.run(req).await;
    if has_body && (response.status().is_client_error() || response.status().is_server_error()) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Any error response that is not already our JSON (an extractor rejection, say) becomes one,
/// so clients always get a stable code and never a framework message.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    match status {
        StatusCode::NOT_FOUND => ApiError::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::METHOD_NOT_ALLOWED,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::WRONG_CONTENT_TYPE,
        StatusCode::REQUEST_TIMEOUT => ApiError::TIMEOUT,
        s if s.is_client_error() => ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "the request is malformed"),
        _ => ApiError::STORAGE,
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Runs a store operation on a blocking thread.
async fn blocking<T, F>(store: &SharedStore, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(&*store)).await.map_err(|_| ApiError::STORAGE)?.map_err(ApiError::from)
}

/// An upload in progress; dropping it without committing discards its chunks.
///
/// A body that fits in one chunk (a typical report) is held in memory and stored, committed
/// and made durable in a single blocking call; larger bodies stream to the store chunk by
/// chunk as they arrive.
struct UploadGuard {
    store: SharedStore,
    today: Day,
    id: Option<UploadId>,
    small: Option<Vec<u8>>,
}

impl UploadGuard {
    /// Commits durably. The guard is disarmed first: once commit starts, only commit's own
    /// failure path may discard the chunks (an abort racing a successful commit would not).
    async fn commit(mut self, place: Place) -> Result<EntryInfo, ApiError> {
        if let Some(bytes) = self.small.take() {
            let blob = Ciphertext::from_sealed_bytes(bytes);
            let today = self.today;
            return blocking(&self.store, move |store| crate::store::put_blob(store, place, &blob, today)).await;
        }
        let Some(id) = self.id.take() else { return Err(ApiError::STORAGE) };
        blocking(&self.store, move |store| {
            let result = store.commit(id, place);
            if result.is_err() {
                let _ = store.abort(id);
            }
            result
        })
        .await
    }
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let store = Arc::clone(&self.store);
            let abort = move || {
                if let Err(e) = store.abort(id) {
                    tracing::warn!(error = %e, "could not discard an unfinished upload; reopening the store will");
                }
            };
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => drop(handle.spawn_blocking(abort)),
                Err(_) => abort(),
            }
        }
    }
}

fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// Refuses a body that is not an envelope Candour writes: logged by code only.
fn invalid_envelope(e: &shape::ShapeError) -> ApiError {
    tracing::info!(reason = e.code(), "refused an upload that is not a well-formed envelope");
    ApiError::INVALID_ENVELOPE
}

/// Streams a body into a new upload in [`CHUNK_SIZE`] chunks, hashing it on the way, and
/// refusing it unless it has the shape of an envelope ([`candour_core::shape`]): the header is
/// checked before the first chunk is stored, the length at the end (or at once, if declared).
/// At most `cap` bytes are read.
async fn upload_body(
    state: &AppState,
    headers: &HeaderMap,
    mut body: Body,
    cap: u64,
    too_large: ApiError,
) -> Result<(UploadGuard, [u8; 32]), ApiError> {
    let declared = declared_length(headers);
    if declared.is_some_and(|n| n > cap) {
        return Err(too_large);
    }
    let stanzas = state.0.directory.directory().stanzas;
    let store = state.store();
    // The upload begins only once a full chunk has arrived: small bodies never touch the
    // store until they are complete.
    let mut guard = UploadGuard { store: Arc::clone(store), today: today(), id: None, small: None };
    let mut hasher = Sha256::new();
    let mut pending: Vec<u8> = Vec::with_capacity(CHUNK_SIZE);
    let mut header: Option<Header> = None;
    let mut total: u64 = 0;
    let mut index: u32 = 0;
    loop {
        let frame = match tokio::time::timeout(state.0.limits.body_idle_timeout, body.frame()).await {
            Err(_) => return Err(ApiError::TIMEOUT),
            Ok(None) => break,
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_))) => return Err(ApiError::TRUNCATED),
        };
        let Ok(data) = frame.into_data() else { continue };
        total = total.saturating_add(data.len() as u64);
        if total > cap {
            return Err(too_large);
        }
        hasher.update(&data);
        let mut rest: &[u8] = &data;
        while !rest.is_empty() {
            // A full chunk is written only once more data follows, so a body of at most one
            // chunk stays in memory for the single-call commit.
            if pending.len() == CHUNK_SIZE {
                if header.is_none() {
                    // The header fits in the first chunk by far; nothing is stored before it is
                    // judged.
                    header = shape::check_prefix(&pending, stanzas, declared).map_err(|e| invalid_envelope(&e))?;
                    if header.is_none() {
                        return Err(invalid_envelope(&shape::ShapeError::NotAge("the header is incomplete")));
                    }
                }
                let id = match guard.id {
                    Some(id) => id,
                    None => {
                        let day = guard.today;
                        let id = blocking(store, move |s| s.begin(day)).await?;
                        guard.id = Some(id);
                        id
                    }
                };
                let chunk =
                    Ciphertext::from_sealed_bytes(std::mem::replace(&mut pending, Vec::with_capacity(CHUNK_SIZE)));
                blocking(store, move |s| s.put_chunk(id, index, &chunk)).await?;
                index = index.checked_add(1).ok_or(ApiError::TOO_LARGE)?;
            }
            let take = rest.len().min(CHUNK_SIZE - pending.len());
            pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
        }
    }
    if declared.is_some_and(|n| n != total) {
        return Err(ApiError::TRUNCATED);
    }
    if total == 0 {
        return Err(ApiError::EMPTY);
    }
    let header = match header {
        Some(h) => h,
        None => shape::check_prefix(&pending, stanzas, None)
            .map_err(|e| invalid_envelope(&e))?
            .ok_or_else(|| invalid_envelope(&shape::ShapeError::NotAge("the header is incomplete")))?,
    };
    shape::check_total_len(&header, total).map_err(|e| invalid_envelope(&e))?;
    match guard.id {
        // Everything fits in one chunk: keep it for a single-call commit.
        None => guard.small = Some(pending),
        Some(id) => {
            let chunk = Ciphertext::from_sealed_bytes(pending);
            blocking(store, move |s| s.put_chunk(id, index, &chunk)).await?;
        }
    }
    Ok((guard, hasher.finalize().into()))
}

/// Reads a small body fully, refusing more than the JSON limit.
async fn small_body(state: &AppState, headers: &HeaderMap, mut body: Body) -> Result<Bytes, ApiError> {
    let cap = state.0.limits.max_json_bytes;
    if declared_length(headers).is_some_and(|n| n > cap as u64) {
        return Err(ApiError::TOO_LARGE);
    }
    let mut out = Vec::new();
    loop {
        let frame = match tokio::time::timeout(state.0.limits.body_idle_timeout, body.frame()).await {
            Err(_) => return Err(ApiError::TIMEOUT),
            Ok(None) => break,
            Ok(Some(frame)) => frame,
        };
        let frame = frame.map_err(|_| ApiError::TRUNCATED)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > cap {
                return Err(ApiError::TOO_LARGE);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

fn parse_json<T: for<'de> Deserialize<'de>>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    if !content_type_is(headers, "application/json") {
        return Err(ApiError::WRONG_CONTENT_TYPE);
    }
    serde_json::from_slice(body).map_err(|_| ApiError::MALFORMED_JSON)
}

/// Authenticates a signed request from its head alone, before any of its body is read: the
/// signature (over this relay's address, method, path, declared length and body digest,
/// timestamp and nonce), the key
/// (a reviewer's in the directory), the timestamp, and the nonce, which is used up here. The
/// caller then reads the body and refuses it unless [`SignedHeaders::body_matches`].
fn authenticate_head(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<SignedHeaders, ApiError> {
    let signed = SignedHeaders::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        .map_err(|e| ApiError::from_auth(&e))?;
    let now = unix_now();
    signed.check_fresh(now, state.0.limits.max_clock_skew_secs).map_err(|e| ApiError::from_auth(&e))?;
    if signed.timestamp <= state.0.started_unix {
        return Err(ApiError::SIGNED_BEFORE_START);
    }
    if state.0.directory.reviewer_by_signing_key(&signed.key).is_none() {
        return Err(ApiError::UNKNOWN_KEY);
    }
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    // Bound to this relay: its own signed directory's address is the request's first line.
    let relay = &state.0.directory.directory().relay.https;
    signed.verify(relay, method.as_str(), path).map_err(|e| ApiError::from_auth(&e))?;
    let forget_after = signed.timestamp.saturating_add(state.0.limits.max_clock_skew_secs);
    if !state.0.nonces.record(signed.nonce, forget_after, now, method == Method::GET)? {
        return Err(ApiError::REPLAYED);
    }
    Ok(signed)
}

/// Authenticates a reviewer request with a small body and returns the body.
async fn authenticate(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ApiError> {
    let signed = authenticate_head(state, method, uri, headers)?;
    if signed.body_len > state.0.limits.max_json_bytes as u64 {
        return Err(ApiError::TOO_LARGE);
    }
    let body = small_body(state, headers, body).await?;
    if !signed.body_matches(body.len() as u64, &candour_core::auth::body_digest(&body)) {
        return Err(ApiError::BODY_MISMATCH);
    }
    Ok(body)
}

fn parse_seq(s: &str) -> Result<Seq, ApiError> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::BAD_ID);
    }
    s.parse().map(Seq).map_err(|_| ApiError::BAD_ID)
}

fn parse_case(s: &str) -> Result<Place, ApiError> {
    s.parse::<CaseStreamId>().map(Place::Case).map_err(|_| ApiError::BAD_ID)
}

fn parse_mailbox(s: &str) -> Result<Place, ApiError> {
    s.parse::<MailboxAddress>().map(Place::Mailbox).map_err(|_| ApiError::BAD_ID)
}

/// `after=<seq>&limit=<n>`, both optional; anything else is refused.
fn parse_page(uri: &Uri) -> Result<(Option<Seq>, usize), ApiError> {
    let mut after = None;
    let mut limit = DEFAULT_PAGE;
    for pair in uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("after", v)) => after = Some(parse_seq(v).map_err(|_| ApiError::BAD_QUERY)?),
            Some(("limit", v)) => {
                limit = v.parse::<usize>().ok().filter(|n| (1..=MAX_PAGE).contains(n)).ok_or(ApiError::BAD_QUERY)?
            }
            _ => return Err(ApiError::BAD_QUERY),
        }
    }
    Ok((after, limit))
}

async fn list_page(
    state: &AppState,
    place: Place,
    after: Option<Seq>,
    limit: usize,
) -> Result<Json<EntryPage>, ApiError> {
    let entries = blocking(state.store(), move |s| s.list(place, after, limit)).await?;
    let next = entries.last().map(|e| e.seq);
    Ok(Json(EntryPage { entries, next }))
}

async fn entry_body(state: &AppState, place: Place, seq: Seq) -> Result<Response, ApiError> {
    let info = blocking(state.store(), move |s| s.info(place, seq)).await?.ok_or(ApiError::NOT_FOUND)?;
    let store = Arc::clone(state.store());
    let chunks = info.chunks;
    // The first chunk is read before answering: a damaged entry then gets a JSON error with
    // its code, not a 200 whose body breaks off before anything arrives.
    let first = match chunks {
        0 => None,
        _ => Some(blocking(&store, move |s| s.read_chunk(place, seq, 0)).await?.ok_or(ApiError::NOT_FOUND)?),
    };
    let mut first = first.map(|c| Bytes::from(c.into_bytes()));
    let stream = futures_util::stream::unfold(0u32, move |index| {
        let first = if index == 0 { first.take() } else { None };
        let store = Arc::clone(&store);
        async move {
            if index >= chunks {
                return None;
            }
            if let Some(first) = first {
                return Some((Ok(first), 1));
            }
            match blocking(&store, move |s| s.read_chunk(place, seq, index)).await {
                Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk.into_bytes())), index + 1)),
                // Deleted while being read, or a storage failure: cut the body short, so the
                // reader sees a failed download and never wrong bytes.
                // (A storage failure is logged for the operator on its way here.)
                Ok(None) | Err(_) => Some((Err(std::io::Error::other("entry unavailable")), chunks)),
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(info.len));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn append_signed(
    state: &AppState,
    place: Place,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Appended>), ApiError> {
    let signed = authenticate_head(state, method, uri, headers)?;
    if !content_type_is(headers, "application/octet-stream") {
        return Err(ApiError::WRONG_CONTENT_TYPE);
    }
    if signed.body_len > state.0.limits.max_upload_bytes {
        return Err(ApiError::TOO_LARGE);
    }
    let _slot = state.0.signed_uploads.clone().try_acquire_owned().map_err(|_| ApiError::BUSY)?;
    let (upload, digest) = upload_body(state, headers, body, signed.body_len, ApiError::BODY_MISMATCH).await?;
    if !signed.body_matches(signed.body_len, &digest) {
        // Dropping the upload discards what was stored of it.
        return Err(ApiError::BODY_MISMATCH);
    }
    let info = upload.commit(place).await?;
    Ok((StatusCode::CREATED, Json(Appended { seq: info.seq, expires: info.expires })))
}

// ---------------------------------------------------------------------------------------------
// Handlers

#[instrument(skip_all, fields(route = "healthz"))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".to_owned() })
}

/// Ready to take reports: the store accepts a durable write now and has room. `/healthz` only
/// says the process answers.
#[instrument(skip_all, fields(route = "readyz"))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match blocking(state.store(), |s| s.check_writable()).await {
        Ok(()) => Ok(Json(Health { status: "ready".to_owned() })),
        Err(e) if e == ApiError::DISK_FULL => Err(ApiError::NOT_READY_FULL),
        Err(_) => Err(ApiError::NOT_READY),
    }
}

#[instrument(skip_all, fields(route = "openapi"))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::document()).into_response()
}

/// The signed directory, byte for byte as signed: clients verify these exact bytes.
#[instrument(skip_all, fields(route = "directory"))]
async fn directory(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.0.directory_bytes.clone()).into_response()
}

/// The public policy: retention, the envelope shape and the price of proof of work.
#[instrument(skip_all, fields(route = "policy"))]
async fn policy(State(state): State<AppState>) -> Json<Policy> {
    let limits = &state.0.limits;
    let retention = state.store().retention();
    Json(Policy {
        retention_days: retention.days,
        retention_epoch_days: retention.epoch_days,
        stanzas: state.0.directory.directory().stanzas,
        max_upload_bytes: limits.max_upload_bytes,
        pow_difficulty: limits.pow_difficulty,
        pow_bytes_per_unit: limits.pow_bytes_per_unit,
    })
}

/// A challenge for an envelope of at most `max_bytes` (one unit if the body is empty). Stateless:
/// nothing is stored (see `guards`).
#[instrument(skip_all, fields(route = "inbox.challenge"))]
async fn challenge(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let limits = &state.0.limits;
    let body = small_body(&state, &headers, body).await?;
    let max_bytes = if body.is_empty() {
        limits.pow_bytes_per_unit.min(limits.max_upload_bytes)
    } else {
        let request: ChallengeRequest = parse_json(&headers, &body)?;
        request.max_bytes
    };
    if max_bytes > limits.max_upload_bytes {
        return Err(ApiError::TOO_LARGE);
    }
    let difficulty =
        pow::difficulty_for(limits.pow_difficulty, limits.pow_bytes_per_unit, max_bytes).ok_or(ApiError::TOO_LARGE)?;
    let token = state.0.challenges.issue(max_bytes, difficulty, unix_now());
    let mut response = Json(Challenge::for_token(token)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Anyone may submit, with a solved challenge. The response carries no entry number: a
/// reporter has no use for one, and it would be one more thing to link.
///
/// Order matters: the token's MAC and age, then the work, are checked from the headers alone;
/// only a valid solution is remembered as used; the body is read only after that, never beyond
/// the token's size bound, and stored only if it has an envelope's shape.
#[instrument(skip_all, fields(route = "inbox.submit"))]
async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    if !content_type_is(&headers, "application/octet-stream") {
        return Err(ApiError::WRONG_CONTENT_TYPE);
    }
    let solution: Solution = headers
        .get(pow::HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::POW_REQUIRED)?
        .parse()
        .map_err(|_| ApiError::POW_REQUIRED)?;
    let now = unix_now();
    let token = solution.challenge;
    state.0.challenges.check(&token, now).map_err(|_| ApiError::POW_UNKNOWN)?;
    pow::verify(&solution).map_err(|_| ApiError::POW_INSUFFICIENT)?;
    if let Err(Refusal::Used | Refusal::Unknown | Refusal::Expired) = state.0.challenges.redeem(&token, now)? {
        return Err(ApiError::POW_UNKNOWN);
    }
    let cap = token.max_bytes().min(state.0.limits.max_upload_bytes);
    // Unauthenticated bytes in flight are bounded: a slot, and the size asked for, are reserved
    // before the body is read, and given back when the upload ends either way.
    let _slot = state.0.anonymous_uploads.clone().try_acquire_owned().map_err(|_| ApiError::BUSY)?;
    let wanted = u32::try_from(mib(declared_length(&headers).unwrap_or(cap).min(cap)).max(1)).unwrap_or(u32::MAX);
    let _bytes = state.0.anonymous_bytes.clone().try_acquire_many_owned(wanted).map_err(|_| ApiError::BUSY)?;
    let (upload, _) = upload_body(&state, &headers, body, cap, ApiError::BEYOND_CHALLENGE).await?;
    upload.commit(Place::Inbox).await?;
    Ok((StatusCode::CREATED, Json(Stored::new())))
}

#[instrument(skip_all, fields(route = "inbox.list"))]
async fn inbox_list(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EntryPage>, ApiError> {
    authenticate(&state, &method, &uri, &headers, body).await?;
    let (after, limit) = parse_page(&uri)?;
    list_page(&state, Place::Inbox, after, limit).await
}

#[instrument(skip_all, fields(route = "inbox.read"))]
async fn inbox_read(
    State(state): State<AppState>,
    Path(seq): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authenticate(&state, &method, &uri, &headers, body).await?;
    entry_body(&state, Place::Inbox, parse_seq(&seq)?).await
}

#[instrument(skip_all, fields(route = "case.append"))]
async fn case_append(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Appended>), ApiError> {
    let place = parse_case(&stream)?;
    append_signed(&state, place, &method, &uri, &headers, body).await
}

#[instrument(skip_all, fields(route = "case.list"))]
async fn case_list(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EntryPage>, ApiError> {
    let place = parse_case(&stream)?;
    authenticate(&state, &method, &uri, &headers, body).await?;
    let (after, limit) = parse_page(&uri)?;
    list_page(&state, place, after, limit).await
}

#[instrument(skip_all, fields(route = "case.read"))]
async fn case_read(
    State(state): State<AppState>,
    Path((stream, seq)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (place, seq) = (parse_case(&stream)?, parse_seq(&seq)?);
    authenticate(&state, &method, &uri, &headers, body).await?;
    entry_body(&state, place, seq).await
}

#[instrument(skip_all, fields(route = "mailbox.append"))]
async fn mailbox_append(
    State(state): State<AppState>,
    Path(address): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Appended>), ApiError> {
    let place = parse_mailbox(&address)?;
    append_signed(&state, place, &method, &uri, &headers, body).await
}

/// The relay learns the mailbox id here only long enough to hash it.
fn mailbox_place(request: &MailboxRequest) -> Result<Place, ApiError> {
    // 64 hex digits, parsed with the same strict hex rules as every other 32-byte id.
    let bytes: MailboxAddress = request.mailbox_id.parse().map_err(|_| ApiError::BAD_ID)?;
    Ok(Place::Mailbox(candour_core::token::MailboxId::from_bytes(bytes.0).address()))
}

#[instrument(skip_all, fields(route = "mailbox.list"))]
async fn mailbox_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EntryPage>, ApiError> {
    let body = small_body(&state, &headers, body).await?;
    let request: MailboxRequest = parse_json(&headers, &body)?;
    let place = mailbox_place(&request)?;
    list_page(&state, place, request.after, MAX_PAGE).await
}

#[instrument(skip_all, fields(route = "mailbox.read"))]
async fn mailbox_read(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let body = small_body(&state, &headers, body).await?;
    let request: MailboxRequest = parse_json(&headers, &body)?;
    let place = mailbox_place(&request)?;
    let seq = request.seq.ok_or(ApiError::MALFORMED_JSON)?;
    entry_body(&state, place, seq).await
}
