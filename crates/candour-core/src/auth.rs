//! Signed reviewer requests (docs/design.md §5): how a reviewer proves to the relay that a request comes
//! from an Ed25519 key listed in the signed directory.
//!
//! # Canonical request, version 3 (do not modify: it feeds signatures)
//! ```text
//! candour-request/v3\n
//! <relay: the relay's https address exactly as the signed directory gives it>\n
//! <METHOD, upper case>\n
//! <path and query, exactly as in the request line, e.g. /v1/inbox?after=12>\n
//! <body length in bytes, decimal>\n
//! <SHA-256 of the body, 64 lowercase hex digits>\n
//! <timestamp: Unix seconds, decimal>\n
//! <nonce: 16 random bytes, 32 lowercase hex digits>\n
//! ```
//! The signature is Ed25519 (verified strictly) over those bytes. The body's length and digest
//! travel in the request head ([`HEADER_CONTENT_SHA256`] and `Content-Length`), so the relay
//! checks the signature, the timestamp and the nonce *before it reads a byte of the body*: a
//! forged or replayed upload is refused without touching the disk. It then streams the body and
//! accepts it only if it has exactly the signed length and digest. The timestamp lets the relay
//! refuse stale requests; the nonce, remembered by the relay for as long as the timestamp is
//! acceptable, makes each signed request single use. Together a captured request cannot be
//! replayed, altered, or moved to another path; and the relay line, which each relay checks
//! against its own signed directory, means a request captured at one relay (another force's, a
//! staging relay sharing a reviewer's key) is refused by every other, whose nonce book has never
//! seen it. (Version 1 signed no length, version 2 no relay; relays refuse both.)
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
pub const CONTEXT: &str = "candour-request/v3";
/// Header carrying the signer's Ed25519 public key (standard base64, as in the directory).
pub const HEADER_KEY: &str = "candour-key";
/// Header carrying the timestamp (Unix seconds, decimal).
pub const HEADER_TIMESTAMP: &str = "candour-timestamp";
/// Header carrying the nonce (32 lowercase hex digits).
pub const HEADER_NONCE: &str = "candour-nonce";
/// Header carrying the Ed25519 signature (standard base64 of 64 bytes).
pub const HEADER_SIGNATURE: &str = "candour-signature";
/// Header carrying the SHA-256 of the body (64 lowercase hex digits); the body's length is the
/// request's `Content-Length` (absent means an empty body).
pub const HEADER_CONTENT_SHA256: &str = "candour-content-sha256";
/// The HTTP header the signed length is read from.
pub const HEADER_CONTENT_LENGTH: &str = "content-length";
/// How far a request's timestamp may be from the relay's clock, either way, by default.
pub const DEFAULT_MAX_SKEW_SECONDS: u64 = 300;

/// Why a signed request was refused. Each variant has a stable [`code`](AuthError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// The body's length, as signed.
    pub body_len: u64,
    /// The body's SHA-256, as signed.
    pub body_sha256: [u8; 32],
}

/// SHA-256 of a body, as the canonical request names it.
pub fn body_digest(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// The canonical request bytes that are signed.
pub fn canonical_request(
    relay: &str,
    method: &str,
    path_and_query: &str,
    body_len: u64,
    body_sha256: &[u8; 32],
    timestamp: u64,
    nonce: &[u8; 16],
) -> Vec<u8> {
    format!(
        "{CONTEXT}\n{relay}\n{}\n{path_and_query}\n{body_len}\n{}\n{timestamp}\n{}\n",
        method.to_ascii_uppercase(),
        hex(body_sha256),
        hex(nonce)
    )
    .into_bytes()
}

/// Signs a request to `relay` (the directory's `relay.https`) whose body length and digest are
/// already known (for streamed bodies).
// Each argument is one field of the canonical request.
#[allow(clippy::too_many_arguments)]
pub fn sign_digest(
    key: &SigningKey,
    relay: &str,
    method: &str,
    path_and_query: &str,
    body_len: u64,
    body_sha256: &[u8; 32],
    timestamp: u64,
    nonce: [u8; 16],
) -> SignedHeaders {
    let message = canonical_request(relay, method, path_and_query, body_len, body_sha256, timestamp, &nonce);
    SignedHeaders {
        key: PublicSigningKey(key.verifying_key()),
        timestamp,
        nonce,
        signature: key.sign(&message).to_bytes(),
        body_len,
        body_sha256: *body_sha256,
    }
}

/// Signs a request to `relay` with a fresh random nonce.
pub fn sign_request(
    key: &SigningKey,
    relay: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: u64,
) -> SignedHeaders {
    let nonce: [u8; 16] = rand::random();
    sign_digest(key, relay, method, path_and_query, body.len() as u64, &body_digest(body), timestamp, nonce)
}

impl SignedHeaders {
    /// The five `(header name, value)` pairs to send (the length goes as `Content-Length`,
    /// which the HTTP client sets from the body).
    pub fn to_header_values(&self) -> [(&'static str, String); 5] {
        [
            (HEADER_KEY, self.key.to_string()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_NONCE, hex(&self.nonce)),
            (HEADER_SIGNATURE, B64.encode(self.signature)),
            (HEADER_CONTENT_SHA256, hex(&self.body_sha256)),
        ]
    }

    /// Parses the headers, looked up by name through `header`. A missing `Content-Length`
    /// means an empty body.
    pub fn from_headers<'a>(header: impl Fn(&'static str) -> Option<&'a str>) -> Result<Self, AuthError> {
        let get = |name: &'static str| header(name).ok_or(AuthError::Missing(name));
        let key = get(HEADER_KEY)?.parse().map_err(|_| AuthError::Malformed(HEADER_KEY))?;
        let timestamp = decimal(get(HEADER_TIMESTAMP)?).ok_or(AuthError::Malformed(HEADER_TIMESTAMP))?;
        let nonce = parse_hex::<16>(get(HEADER_NONCE)?).map_err(|_| AuthError::Malformed(HEADER_NONCE))?;
        let signature = B64
            .decode(get(HEADER_SIGNATURE)?)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or(AuthError::Malformed(HEADER_SIGNATURE))?;
        let body_sha256 =
            parse_hex::<32>(get(HEADER_CONTENT_SHA256)?).map_err(|_| AuthError::Malformed(HEADER_CONTENT_SHA256))?;
        let body_len = match header(HEADER_CONTENT_LENGTH) {
            Some(len) => decimal(len).ok_or(AuthError::Malformed(HEADER_CONTENT_LENGTH))?,
            None => 0,
        };
        Ok(SignedHeaders { key, timestamp, nonce, signature, body_len, body_sha256 })
    }

    /// Checks the timestamp against `now` (Unix seconds), allowing `max_skew` either way.
    pub fn check_fresh(&self, now: u64, max_skew: u64) -> Result<(), AuthError> {
        if self.timestamp.abs_diff(now) > max_skew {
            return Err(AuthError::Stale);
        }
        Ok(())
    }

    /// Verifies the signature over this method, path and the declared body length and digest,
    /// before the body is read. Freshness, replay, whether the key belongs to a reviewer, and
    /// whether the body then matches [`SignedHeaders::body_matches`], are the caller's checks.
    pub fn verify(&self, relay: &str, method: &str, path_and_query: &str) -> Result<(), AuthError> {
        // The canonical request is one field a line: a method or path holding a line break could
        // stand for another pair of them. HTTP allows neither; refused all the same.
        if [relay, method, path_and_query].iter().any(|f| f.bytes().any(|b| b < 0x20 || b == 0x7f)) {
            return Err(AuthError::BadSignature);
        }
        let message = canonical_request(
            relay,
            method,
            path_and_query,
            self.body_len,
            &self.body_sha256,
            self.timestamp,
            &self.nonce,
        );
        self.key.0.verify_strict(&message, &Signature::from_bytes(&self.signature)).map_err(|_| AuthError::BadSignature)
    }

    /// Whether a body read in full is the one signed.
    pub fn body_matches(&self, len: u64, sha256: &[u8; 32]) -> bool {
        // The digest is public (it is in the request); no secret is compared here.
        len == self.body_len && sha256 == &self.body_sha256
    }
}

/// Plain decimal digits only: no sign, no spaces, nothing for two parties to read differently.
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELAY: &str = "https://candour.example.police.uk";

    #[test]
    fn sign_verify_and_refuse_any_change() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let signed = sign_request(&key, RELAY, "post", "/v1/cases/ab", b"body", 1_000);
        let pairs = signed.to_header_values();
        let parsed_with_length = SignedHeaders::from_headers(|n| match n {
            HEADER_CONTENT_LENGTH => Some("4"),
            _ => pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str()),
        })
        .expect("parses");
        assert_eq!(parsed_with_length, signed);
        let parsed = parsed_with_length;
        assert_eq!(parsed.verify(RELAY, "POST", "/v1/cases/ab"), Ok(()));
        assert!(parsed.body_matches(4, &body_digest(b"body")));
        assert!(!parsed.body_matches(4, &body_digest(b"bodz")) && !parsed.body_matches(5, &body_digest(b"body")));
        assert_eq!(parsed.verify(RELAY, "GET", "/v1/cases/ab"), Err(AuthError::BadSignature));
        // Another relay (another force's, a staging one) refuses what was signed for this one.
        assert_eq!(
            parsed.verify("https://candour.other.example", "POST", "/v1/cases/ab"),
            Err(AuthError::BadSignature)
        );
        assert_eq!(parsed.verify(RELAY, "POST", "/v1/cases/ac"), Err(AuthError::BadSignature));
        let split = sign_request(&key, RELAY, "POST\n/v1/x", "/v1/y", b"", 1_000);
        assert_eq!(
            split.verify(RELAY, "POST\n/v1/x", "/v1/y"),
            Err(AuthError::BadSignature),
            "no line breaks in fields"
        );
        // A different declared length or digest is a different request.
        let longer = SignedHeaders { body_len: 5, ..parsed.clone() };
        assert_eq!(longer.verify(RELAY, "POST", "/v1/cases/ab"), Err(AuthError::BadSignature));
        let other = SignedHeaders { body_sha256: body_digest(b"bodz"), ..parsed.clone() };
        assert_eq!(other.verify(RELAY, "POST", "/v1/cases/ab"), Err(AuthError::BadSignature));
        // Without a Content-Length the body is empty, which is not what was signed.
        let no_length = SignedHeaders::from_headers(|n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str()))
            .expect("parses");
        assert_eq!(no_length.verify(RELAY, "POST", "/v1/cases/ab"), Err(AuthError::BadSignature));
        assert_eq!(parsed.check_fresh(1_300, 300), Ok(()));
        assert_eq!(parsed.check_fresh(1_301, 300), Err(AuthError::Stale));
        assert_eq!(SignedHeaders::from_headers(|_| None), Err(AuthError::Missing(HEADER_KEY)));
    }

    /// The timestamp and length headers are plain decimal digits, at most 19 of them, or the
    /// request is refused; and the freshness window is exactly `max_skew` either way.
    #[test]
    fn numbers_in_headers_are_plain_decimals_and_the_window_is_exact() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let pairs = sign_request(&key, RELAY, "GET", "/v1/inbox", b"", 1_000).to_header_values();
        let pairs = &pairs;
        let with = |name: &'static str, value: &'static str| {
            SignedHeaders::from_headers(move |n| {
                if n == name {
                    return Some(value);
                }
                pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str())
            })
        };
        for bad in ["", "+1000", " 1000", "1000 ", "-1", "1e3", "0x10", "10000000000000000000", "99999999999999999999"]
        {
            assert_eq!(with(HEADER_TIMESTAMP, bad), Err(AuthError::Malformed(HEADER_TIMESTAMP)), "{bad:?}");
            assert_eq!(with(HEADER_CONTENT_LENGTH, bad), Err(AuthError::Malformed(HEADER_CONTENT_LENGTH)), "{bad:?}");
        }
        // Nineteen digits is the most, and fits.
        assert_eq!(with(HEADER_TIMESTAMP, "9999999999999999999").map(|h| h.timestamp), Ok(9_999_999_999_999_999_999));
        assert_eq!(with(HEADER_TIMESTAMP, "0").map(|h| h.timestamp), Ok(0));
        let signed = with(HEADER_TIMESTAMP, "1000").expect("parses");
        for (now, fresh) in [(700, true), (699, false), (1_300, true), (1_301, false), (1_000, true)] {
            assert_eq!(signed.check_fresh(now, 300).is_ok(), fresh, "now {now}");
        }
        assert_eq!(signed.check_fresh(1_000, 0), Ok(()), "no skew allowed: only the same second");
        assert_eq!(signed.check_fresh(1_001, 0), Err(AuthError::Stale));
    }

    /// Control characters in a signed field are refused (they could stand for a line break of
    /// the canonical form); printable ones, the space included, are not.
    #[test]
    fn control_characters_in_fields_are_refused_and_only_they() {
        let key = SigningKey::from_bytes(&[9; 32]);
        for (path, ok) in [("/v1/a b", true), ("/v1/a~b", true), ("/v1/a\x1fb", false), ("/v1/a\x7fb", false)] {
            let signed = sign_request(&key, RELAY, "GET", path, b"", 1_000);
            assert_eq!(signed.verify(RELAY, "GET", path).is_ok(), ok, "{path:?}");
        }
    }

    /// The codes are part of the API: clients and scripts match on them.
    #[test]
    fn error_codes_are_stable() {
        assert_eq!(AuthError::Missing(HEADER_KEY).code(), "unsigned-request");
        assert_eq!(AuthError::Malformed(HEADER_NONCE).code(), "malformed-signature-header");
        assert_eq!(AuthError::Stale.code(), "stale-request");
        assert_eq!(AuthError::BadSignature.code(), "bad-signature");
    }
}
