//! Signed reviewer requests (DESIGN §5): how a reviewer proves to the relay that a request comes
//! from an Ed25519 key listed in the signed directory.
//!
//! # Canonical request (do not modify: it feeds signatures)
//! ```text
//! candour-request/v1\n
//! <METHOD, upper case>\n
//! <path and query, exactly as in the request line, e.g. /v1/inbox?after=12>\n
//! <SHA-256 of the body, 64 lowercase hex digits>\n
//! <timestamp: Unix seconds, decimal>\n
//! <nonce: 16 random bytes, 32 lowercase hex digits>\n
//! ```
//! The signature is Ed25519 over those bytes. The body digest binds the body; the timestamp lets
//! the relay refuse stale requests; the nonce, remembered by the relay for as long as the
//! timestamp is acceptable, makes each signed request single use. Together a captured request
//! cannot be replayed, altered, or moved to another path.
//!
//! The timestamp is a reviewer's clock, never a reporter's, and the relay keeps it only in memory
//! for the replay window; it is not request metadata about reporters.
//!
//! This module has no clock: callers pass "now".

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use sha2::{Digest, Sha256};

use crate::keys::PublicSigningKey;
use crate::wire::{parse_hex, to_hex as hex};

/// Domain separation: the first line of every canonical request.
pub const CONTEXT: &str = "candour-request/v1";
/// Header carrying the signer's Ed25519 public key (standard base64, as in the directory).
pub const HEADER_KEY: &str = "candour-key";
/// Header carrying the timestamp (Unix seconds, decimal).
pub const HEADER_TIMESTAMP: &str = "candour-timestamp";
/// Header carrying the nonce (32 lowercase hex digits).
pub const HEADER_NONCE: &str = "candour-nonce";
/// Header carrying the Ed25519 signature (standard base64 of 64 bytes).
pub const HEADER_SIGNATURE: &str = "candour-signature";
/// How far a request's timestamp may be from the relay's clock, either way, by default.
pub const DEFAULT_MAX_SKEW_SECONDS: u64 = 300;

/// Why a signed request was refused. Each variant has a stable [`code`](AuthError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A required header is absent.
    #[error("the request is not signed (missing {0} header)")]
    Missing(&'static str),
    /// A header does not parse.
    #[error("the {0} header is malformed")]
    Malformed(&'static str),
    /// The timestamp is outside the allowed window.
    #[error("the request's timestamp is too far from the relay's clock")]
    Stale,
    /// The signature does not verify for this request.
    #[error("the request signature does not verify")]
    BadSignature,
}

impl AuthError {
    /// A stable, machine-readable name for the error class.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Missing(_) => "unsigned-request",
            AuthError::Malformed(_) => "malformed-signature-header",
            AuthError::Stale => "stale-request",
            AuthError::BadSignature => "bad-signature",
        }
    }
}

/// The signature headers of one request, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The signer's public key.
    pub key: PublicSigningKey,
    /// Unix seconds on the signer's clock.
    pub timestamp: u64,
    /// Random, single use.
    pub nonce: [u8; 16],
    /// Ed25519 over the canonical request.
    pub signature: [u8; 64],
}

/// SHA-256 of a body, as the canonical request names it.
pub fn body_digest(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// The canonical request bytes that are signed.
pub fn canonical_request(
    method: &str,
    path_and_query: &str,
    body_sha256: &[u8; 32],
    timestamp: u64,
    nonce: &[u8; 16],
) -> Vec<u8> {
    format!(
        "{CONTEXT}\n{}\n{path_and_query}\n{}\n{timestamp}\n{}\n",
        method.to_ascii_uppercase(),
        hex(body_sha256),
        hex(nonce)
    )
    .into_bytes()
}

/// Signs a request whose body digest is already known (for streamed bodies).
pub fn sign_digest(
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    body_sha256: &[u8; 32],
    timestamp: u64,
    nonce: [u8; 16],
) -> SignedHeaders {
    let message = canonical_request(method, path_and_query, body_sha256, timestamp, &nonce);
    SignedHeaders {
        key: PublicSigningKey(key.verifying_key()),
        timestamp,
        nonce,
        signature: key.sign(&message).to_bytes(),
    }
}

/// Signs a request with a fresh random nonce.
pub fn sign_request(
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: u64,
) -> SignedHeaders {
    let nonce: [u8; 16] = rand::random();
    sign_digest(key, method, path_and_query, &body_digest(body), timestamp, nonce)
}

impl SignedHeaders {
    /// The four `(header name, value)` pairs to send.
    pub fn to_header_values(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_KEY, self.key.to_string()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_NONCE, hex(&self.nonce)),
            (HEADER_SIGNATURE, B64.encode(self.signature)),
        ]
    }

    /// Parses the headers, looked up by name through `header`.
    pub fn from_headers<'a>(header: impl Fn(&'static str) -> Option<&'a str>) -> Result<Self, AuthError> {
        let get = |name: &'static str| header(name).ok_or(AuthError::Missing(name));
        let key = get(HEADER_KEY)?.parse().map_err(|_| AuthError::Malformed(HEADER_KEY))?;
        let ts = get(HEADER_TIMESTAMP)?;
        // Only plain decimal digits: no sign, no spaces, nothing for two parties to read differently.
        if ts.is_empty() || ts.len() > 19 || !ts.bytes().all(|c| c.is_ascii_digit()) {
            return Err(AuthError::Malformed(HEADER_TIMESTAMP));
        }
        let timestamp = ts.parse().map_err(|_| AuthError::Malformed(HEADER_TIMESTAMP))?;
        let nonce = parse_hex::<16>(get(HEADER_NONCE)?).map_err(|_| AuthError::Malformed(HEADER_NONCE))?;
        let signature = B64
            .decode(get(HEADER_SIGNATURE)?)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or(AuthError::Malformed(HEADER_SIGNATURE))?;
        Ok(SignedHeaders { key, timestamp, nonce, signature })
    }

    /// Checks the timestamp against `now` (Unix seconds), allowing `max_skew` either way.
    pub fn check_fresh(&self, now: u64, max_skew: u64) -> Result<(), AuthError> {
        if self.timestamp.abs_diff(now) > max_skew {
            return Err(AuthError::Stale);
        }
        Ok(())
    }

    /// Verifies the signature over this method, path and body digest. Freshness, replay and
    /// whether the key belongs to a reviewer are the caller's checks.
    pub fn verify(&self, method: &str, path_and_query: &str, body_sha256: &[u8; 32]) -> Result<(), AuthError> {
        let message = canonical_request(method, path_and_query, body_sha256, self.timestamp, &self.nonce);
        self.key.0.verify_strict(&message, &Signature::from_bytes(&self.signature)).map_err(|_| AuthError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_refuse_any_change() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let signed = sign_request(&key, "post", "/v1/cases/ab", b"body", 1_000);
        let pairs = signed.to_header_values();
        let parsed = SignedHeaders::from_headers(|n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str()))
            .expect("parses");
        assert_eq!(parsed, signed);
        let digest = body_digest(b"body");
        assert_eq!(parsed.verify("POST", "/v1/cases/ab", &digest), Ok(()));
        assert_eq!(parsed.verify("GET", "/v1/cases/ab", &digest), Err(AuthError::BadSignature));
        assert_eq!(parsed.verify("POST", "/v1/cases/ac", &digest), Err(AuthError::BadSignature));
        assert_eq!(parsed.verify("POST", "/v1/cases/ab", &body_digest(b"bodz")), Err(AuthError::BadSignature));
        assert_eq!(parsed.check_fresh(1_300, 300), Ok(()));
        assert_eq!(parsed.check_fresh(1_301, 300), Err(AuthError::Stale));
        assert_eq!(SignedHeaders::from_headers(|_| None), Err(AuthError::Missing(HEADER_KEY)));
    }
}
