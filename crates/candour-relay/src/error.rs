//! Errors: [`RelayError`] for starting and running the relay, [`ApiError`] for HTTP responses.
//!
//! Every HTTP error is `{"code": "<stable-code>", "message": "<human text>"}`. Codes are stable
//! API; messages are fixed strings that never include stored bytes, paths, or error details
//! from the storage layer (those go to the operator's log, which itself carries no request
//! metadata).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// Why the relay could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// The configuration is invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The directory file cannot be read or does not verify.
    #[error("directory: {0}")]
    Directory(String),
    /// The store cannot be opened.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Binding or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

impl RelayError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            RelayError::Config(_) => "relay-config",
            RelayError::Directory(_) => "relay-directory",
            RelayError::Store(e) => e.code(),
            RelayError::Io(_) => "relay-io",
        }
    }
}

/// An HTTP error with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable machine-readable code.
    pub code: &'static str,
    /// A fixed human-readable message.
    pub message: &'static str,
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: &'static str,
}

impl ApiError {
    /// Builds an error.
    pub const fn new(status: StatusCode, code: &'static str, message: &'static str) -> Self {
        ApiError { status, code, message }
    }

    /// 404 for any unknown route or missing entry.
    pub const NOT_FOUND: ApiError = ApiError::new(StatusCode::NOT_FOUND, "not-found", "no such resource");
    /// 405 for a known route with the wrong method.
    pub const METHOD_NOT_ALLOWED: ApiError =
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "this method is not allowed here");
    /// 413.
    pub const TOO_LARGE: ApiError =
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "the request body exceeds the configured limit");
    /// 400 for a body that ended early.
    pub const TRUNCATED: ApiError =
        ApiError::new(StatusCode::BAD_REQUEST, "truncated-upload", "the upload ended early; nothing was stored");
    /// 400 for an empty upload.
    pub const EMPTY: ApiError = ApiError::new(StatusCode::BAD_REQUEST, "empty-body", "the upload is empty");
    /// 415.
    pub const WRONG_CONTENT_TYPE: ApiError = ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "wrong content type for this endpoint",
    );
    /// 400 for JSON that does not parse or match.
    pub const MALFORMED_JSON: ApiError =
        ApiError::new(StatusCode::BAD_REQUEST, "malformed-json", "the JSON body is malformed or has unexpected fields");
    /// 400 for a bad id in the path.
    pub const BAD_ID: ApiError = ApiError::new(StatusCode::BAD_REQUEST, "bad-id", "an id in the path is malformed");
    /// 400 for a bad query string.
    pub const BAD_QUERY: ApiError =
        ApiError::new(StatusCode::BAD_REQUEST, "bad-query", "the query string is malformed");
    /// 408.
    pub const TIMEOUT: ApiError =
        ApiError::new(StatusCode::REQUEST_TIMEOUT, "timeout", "the request took too long; nothing was stored");
    /// 507.
    pub const DISK_FULL: ApiError = ApiError::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "disk-full",
        "the relay is out of storage; nothing was stored, try again later",
    );
    /// 500.
    pub const STORAGE: ApiError = ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "storage-failure",
        "the relay could not complete the operation",
    );
    /// 401 for a proof of work that is missing or malformed.
    pub const POW_REQUIRED: ApiError = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "pow-required",
        "a solved proof-of-work challenge is required (POST /v1/inbox/challenge)",
    );
    /// 401 for an unknown, expired or reused challenge.
    pub const POW_UNKNOWN: ApiError =
        ApiError::new(StatusCode::UNAUTHORIZED, "pow-unknown-challenge", "the challenge is unknown, expired or used");
    /// 401 for a solution that does not meet the difficulty.
    pub const POW_INSUFFICIENT: ApiError =
        ApiError::new(StatusCode::UNAUTHORIZED, "pow-insufficient", "the proof of work does not meet the difficulty");
    /// 503 when too many challenges are outstanding.
    pub const BUSY: ApiError =
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the relay is busy; try again shortly");
    /// 503 from `/readyz`: the store cannot take a durable write now.
    pub const NOT_READY: ApiError =
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", "the relay's store cannot take writes now");
    /// 503 from `/readyz`: the data folder's disk is full or nearly so.
    pub const NOT_READY_FULL: ApiError = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not-ready-disk-full",
        "the relay's disk is full or nearly full; reports cannot be stored",
    );
    /// 401 for a signed request whose key is not a reviewer's.
    pub const UNKNOWN_KEY: ApiError =
        ApiError::new(StatusCode::UNAUTHORIZED, "unknown-key", "the signing key is not a reviewer in the directory");
    /// 401 for a signed request timestamped before the relay started (or in that very second):
    /// it may be a replay of one the relay saw before it restarted. Signing again is enough.
    pub const SIGNED_BEFORE_START: ApiError = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "signed-before-start",
        "this request was signed before the relay (re)started; sign it again",
    );
    /// 401 for a signed request whose body is not the one signed (another length or digest).
    pub const BODY_MISMATCH: ApiError = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "body-mismatch",
        "the body is not the one the request signature covers; nothing was stored",
    );
    /// 401 for a reused nonce.
    pub const REPLAYED: ApiError =
        ApiError::new(StatusCode::UNAUTHORIZED, "replayed-request", "this signed request was already used");
    /// 400 for an upload that is not an envelope Candour writes: not age, another number of
    /// stanzas than the directory's, or a length that is not a padded plaintext's. Nothing
    /// was stored.
    pub const INVALID_ENVELOPE: ApiError = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid-envelope",
        "the upload is not an envelope of this relay's shape (age v1, the directory's stanza count, a padded length); nothing was stored",
    );
    /// 413 for a submission longer than its proof of work admits.
    pub const BEYOND_CHALLENGE: ApiError = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "beyond-challenge",
        "the upload is longer than its proof of work admits; ask for a challenge for its size; nothing was stored",
    );

    /// The 401 for a signed-request failure from `candour_core::auth`.
    pub fn from_auth(e: &candour_core::auth::AuthError) -> Self {
        use candour_core::auth::AuthError;
        let message = match e {
            AuthError::Missing(_) => "this endpoint needs a signed request",
            AuthError::Malformed(_) => "a signature header is malformed",
            AuthError::Stale => "the request timestamp is too far from the relay's clock",
            AuthError::BadSignature => "the request signature does not verify",
            // A kind of failure added to the protocol later: refused all the same, with its code.
            _ => "the signed request is refused",
        };
        ApiError::new(StatusCode::UNAUTHORIZED, e.code(), message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::DiskFull => {
                tracing::error!("storage is full");
                ApiError::DISK_FULL
            }
            other => {
                // The store's messages name error kinds, never stored bytes.
                tracing::error!(error = %other, "storage failure");
                ApiError::STORAGE
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, axum::Json(ErrorBody { code: self.code, message: self.message })).into_response();
        response
            .headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
        response
    }
}
