//! The handlers: one per verb, the inbox, case streams and mailboxes sharing them (the path
//! says which place; see `extract`). Every one of them reads and writes only ciphertext.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use candour_core::api::{Appended, ChallengeRequest, EntryPage, Health, Policy, Stored, MAX_PAGE};
use candour_core::pow::{self, Challenge, Solution};

use super::extract::{EntryAt, MailboxBody, Page, PlaceAt, Signed, SignedUpload};
use super::upload::{content_type_is, declared_length, parse_json, small_body, upload_body};
use super::{blocking, mib, AppState};
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::guards::Refusal;
use crate::store::{Place, Seq};

pub(super) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".to_owned() })
}

/// Ready to take reports: the store accepts a durable write now and has room. `/healthz` only
/// says the process answers.
pub(super) async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match blocking(state.store(), |s| s.check_writable()).await {
        Ok(()) => Ok(Json(Health { status: "ready".to_owned() })),
        Err(e) if e == ApiError::DISK_FULL => Err(ApiError::NOT_READY_FULL),
        Err(_) => Err(ApiError::NOT_READY),
    }
}

pub(super) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::document()).into_response()
}

/// The signed directory, byte for byte as signed: clients verify these exact bytes.
pub(super) async fn directory(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.0.directory_bytes.clone()).into_response()
}

/// Every force's signed directory in one bundle, the same for every caller.
pub(super) async fn directories(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.0.bundle.clone()).into_response()
}

/// The public policy: retention, the envelope shape and the price of proof of work.
pub(super) async fn policy(State(state): State<AppState>) -> Json<Policy> {
    let limits = &state.0.limits;
    let retention = state.store().retention();
    Json(Policy {
        retention_days: retention.days,
        retention_epoch_days: retention.epoch_days,
        stanzas: state.0.stanzas,
        max_upload_bytes: limits.max_upload_bytes,
        pow_difficulty: limits.pow_difficulty,
        pow_bytes_per_unit: limits.pow_bytes_per_unit,
    })
}

/// A challenge for an envelope of at most `max_bytes` (one unit if the body is empty). Stateless:
/// nothing is stored (see `guards`).
pub(super) async fn challenge(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
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
pub(super) async fn submit(
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

/// A listing of the place the path names, signed by a reviewer (the inbox, a case stream).
pub(super) async fn list(
    State(state): State<AppState>,
    PlaceAt(place): PlaceAt,
    page: Page,
    _: Signed,
) -> Result<Json<EntryPage>, ApiError> {
    list_page(&state, place, page.after, page.limit).await
}

/// One entry of the place the path names, signed by a reviewer.
pub(super) async fn read(
    State(state): State<AppState>,
    EntryAt(place, seq): EntryAt,
    _: Signed,
) -> Result<Response, ApiError> {
    entry_body(&state, place, seq).await
}

/// An append to the place the path names, signed by a reviewer (a case stream, a mailbox):
/// answered only once it is durably stored.
pub(super) async fn append(
    PlaceAt(place): PlaceAt,
    upload: SignedUpload,
) -> Result<(StatusCode, Json<Appended>), ApiError> {
    let info = upload.commit(place).await?;
    Ok((StatusCode::CREATED, Json(Appended { seq: info.seq, expires: info.expires })))
}

/// The token holder's listing of their mailbox.
pub(super) async fn mailbox_list(
    State(state): State<AppState>,
    MailboxBody(place, request): MailboxBody,
) -> Result<Json<EntryPage>, ApiError> {
    list_page(&state, place, request.after, MAX_PAGE).await
}

/// The token holder's read of one entry of their mailbox.
pub(super) async fn mailbox_read(
    State(state): State<AppState>,
    MailboxBody(place, request): MailboxBody,
) -> Result<Response, ApiError> {
    let seq = request.seq.ok_or(ApiError::MALFORMED_JSON)?;
    entry_body(&state, place, seq).await
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
