//! Bodies, read within bounds: small JSON bodies whole, uploads streamed to the store chunk by
//! chunk and judged as envelopes on the way ([`candour_core::shape`]).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use candour_core::shape::{self, Header};
use candour_core::wire::Ciphertext;
use candour_core::Day;
use http_body_util::BodyExt as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{blocking, AppState};
use crate::clock::today;
use crate::error::ApiError;
use crate::store::{EntryInfo, Place, SharedStore, UploadId, CHUNK_SIZE};

/// An upload in progress; dropping it without committing discards its chunks.
///
/// A body that fits in one chunk (a typical report) is held in memory and stored, committed
/// and made durable in a single blocking call; larger bodies stream to the store chunk by
/// chunk as they arrive.
pub(crate) struct UploadGuard {
    store: SharedStore,
    today: Day,
    id: Option<UploadId>,
    small: Option<Vec<u8>>,
}

impl UploadGuard {
    /// Commits durably. The guard is disarmed first: once commit starts, only commit's own
    /// failure path may discard the chunks (an abort racing a successful commit would not).
    pub(crate) async fn commit(mut self, place: Place) -> Result<EntryInfo, ApiError> {
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

pub(crate) fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
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
pub(crate) async fn upload_body(
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
    let stanzas = state.0.stanzas;
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
pub(crate) async fn small_body(state: &AppState, headers: &HeaderMap, mut body: Body) -> Result<Bytes, ApiError> {
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

/// A small body as JSON of type `T`, refused unless it says it is JSON.
pub(crate) fn parse_json<T: for<'de> Deserialize<'de>>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    if !content_type_is(headers, "application/json") {
        return Err(ApiError::WRONG_CONTENT_TYPE);
    }
    serde_json::from_slice(body).map_err(|_| ApiError::MALFORMED_JSON)
}
