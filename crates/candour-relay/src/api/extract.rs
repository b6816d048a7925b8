//! What a handler takes from a request, each check in one place: a reviewer's signature
//! ([`Signed`], [`SignedUpload`]), the place and entry a path names ([`PlaceAt`], [`EntryAt`]),
//! the listing cursor ([`Page`]) and the token holder's mailbox request ([`MailboxBody`]).
//!
//! Axum runs a handler's extractors in the order of its arguments, the one that reads the body
//! last: a path or query that cannot name anything is refused before a signature is checked
//! (nothing of the store is touched by either), and no body is read before its request's
//! signature and size are accepted.

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use candour_core::api::{MailboxRequest, Seq, DEFAULT_PAGE, MAX_PAGE};
use candour_core::auth::SignedHeaders;
use candour_core::wire::{CaseStreamId, MailboxAddress};
use tokio::sync::OwnedSemaphorePermit;

use super::upload::{content_type_is, parse_json, small_body, upload_body, UploadGuard};
use super::AppState;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::store::{EntryInfo, Place};

/// Authenticates a signed request from its head alone, before any of its body is read: the
/// signature (over this relay's address, method, path, declared length and body digest,
/// timestamp and nonce), the key
/// (a reviewer's in the directory), the timestamp, and the nonce, which is used up here. The
/// caller then reads the body and refuses it unless [`SignedHeaders::body_matches`]. Returns the
/// reviewer's force with the headers.
pub(crate) fn authenticate_head<'s>(
    state: &'s AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(SignedHeaders, &'s super::ServedForce), ApiError> {
    let signed = SignedHeaders::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        .map_err(|e| ApiError::from_auth(&e))?;
    let now = unix_now();
    signed.check_fresh(now, state.0.limits.max_clock_skew_secs).map_err(|e| ApiError::from_auth(&e))?;
    if signed.timestamp <= state.0.started_unix {
        return Err(ApiError::SIGNED_BEFORE_START);
    }
    // The reviewer's force: the one whose directory lists the key (one at most: check_forces).
    let force = state.force_of(&signed.key).ok_or(ApiError::UNKNOWN_KEY)?;
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    // Bound to this relay: the address in the reviewer's own signed directory is the
    // request's first line.
    let relay = &force.directory.directory().relay.https;
    signed.verify(relay, method.as_str(), path).map_err(|e| ApiError::from_auth(&e))?;
    let forget_after = signed.timestamp.saturating_add(state.0.limits.max_clock_skew_secs);
    if !state.0.nonces.record(signed.nonce, forget_after, now, method == Method::GET)? {
        return Err(ApiError::REPLAYED);
    }
    Ok((signed, force))
}

/// A reviewer's request with no body to speak of (a listing or a read), authenticated: its
/// signature, key, timestamp and nonce, and its body (at most the JSON limit) the one signed.
#[derive(Debug)]
pub(crate) struct Signed;

impl FromRequest<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let (signed, _) = authenticate_head(state, &parts.method, &parts.uri, &parts.headers)?;
        if signed.body_len > state.0.limits.max_json_bytes as u64 {
            return Err(ApiError::TOO_LARGE);
        }
        let body = small_body(state, &parts.headers, body).await?;
        if !signed.body_matches(body.len() as u64, &candour_core::auth::body_digest(&body)) {
            return Err(ApiError::BODY_MISMATCH);
        }
        Ok(Signed)
    }
}

/// A reviewer's upload (a case event, a reply), authenticated from its head before any of its
/// body is read, then streamed to the store and checked against the signed length and digest.
/// It holds one of the signed-upload slots until it is committed or dropped; dropping it
/// discards what was stored of it.
pub(crate) struct SignedUpload {
    upload: UploadGuard,
    _slot: OwnedSemaphorePermit,
}

impl FromRequest<AppState> for SignedUpload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let (signed, force) = authenticate_head(state, &parts.method, &parts.uri, &parts.headers)?;
        if !content_type_is(&parts.headers, "application/octet-stream") {
            return Err(ApiError::WRONG_CONTENT_TYPE);
        }
        if signed.body_len > state.0.limits.max_upload_bytes {
            return Err(ApiError::TOO_LARGE);
        }
        // The reviewer's force's own slots: one force's uploads never hold up another's.
        let slot = std::sync::Arc::clone(&force.signed_uploads).try_acquire_owned().map_err(|_| ApiError::BUSY)?;
        let (upload, digest) =
            upload_body(state, &parts.headers, body, signed.body_len, ApiError::BODY_MISMATCH).await?;
        if !signed.body_matches(signed.body_len, &digest) {
            // Dropping the upload discards what was stored of it.
            return Err(ApiError::BODY_MISMATCH);
        }
        Ok(SignedUpload { upload, _slot: slot })
    }
}

impl SignedUpload {
    /// Commits the upload durably to `place`, still holding its slot.
    pub(crate) async fn commit(self, place: Place) -> Result<EntryInfo, ApiError> {
        self.upload.commit(place).await
    }
}

/// The place a path names: a case stream (`{stream}`), a mailbox (`{address}`), or else the
/// inbox.
#[derive(Debug)]
pub(crate) struct PlaceAt(pub(crate) Place);

/// The place and the entry (`{seq}`) a path names.
#[derive(Debug)]
pub(crate) struct EntryAt(pub(crate) Place, pub(crate) Seq);

async fn path_params(parts: &mut Parts, state: &AppState) -> Result<(Place, Option<Seq>), ApiError> {
    let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| ApiError::BAD_ID)?;
    let mut place = Place::Inbox;
    let mut seq = None;
    for (key, value) in &params {
        match key {
            "stream" => place = parse_case(value)?,
            "address" => place = parse_mailbox(value)?,
            "seq" => seq = Some(parse_seq(value)?),
            _ => return Err(ApiError::BAD_ID),
        }
    }
    Ok((place, seq))
}

impl FromRequestParts<AppState> for PlaceAt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(PlaceAt(path_params(parts, state).await?.0))
    }
}

impl FromRequestParts<AppState> for EntryAt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match path_params(parts, state).await? {
            (place, Some(seq)) => Ok(EntryAt(place, seq)),
            (_, None) => Err(ApiError::BAD_ID),
        }
    }
}

/// A listing's cursor and size: `after=<seq>&limit=<n>`, both optional; anything else is
/// refused.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) after: Option<Seq>,
    pub(crate) limit: usize,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        let (after, limit) = parse_page(&parts.uri)?;
        Ok(Page { after, limit })
    }
}

/// The token holder's mailbox request, and the mailbox it opens. The relay holds the secret
/// mailbox id only as long as it takes to hash it into the address.
#[derive(Debug)]
pub(crate) struct MailboxBody(pub(crate) Place, pub(crate) MailboxRequest);

impl FromRequest<AppState> for MailboxBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let body = small_body(state, &parts.headers, body).await?;
        let request: MailboxRequest = parse_json(&parts.headers, &body)?;
        let place = mailbox_place(&request)?;
        Ok(MailboxBody(place, request))
    }
}

/// The relay learns the mailbox id here only long enough to hash it.
fn mailbox_place(request: &MailboxRequest) -> Result<Place, ApiError> {
    // 64 hex digits, parsed with the same strict hex rules as every other 32-byte id.
    let bytes: MailboxAddress = request.mailbox_id.parse().map_err(|_| ApiError::BAD_ID)?;
    Ok(Place::Mailbox(candour_core::token::MailboxId::from_bytes(bytes.0).address()))
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
