//! The route commitment (document format 2): the reporter's own signed statement of who may read
//! a thread, so that no single reviewer decides where the reporter's follow-ups go.
//!
//! # Why it exists
//! In format 1 the reporter's client sealed follow-ups to the recipient list of the newest reply,
//! vouched for by one reviewer's signature: one corrupt reader could add the reviewer the
//! reporter excluded, or drop every other reader. In format 2 the report carries a
//! [`RouteCommitment`] signed by the token's signing key (the same key that signs the envelope);
//! every reply and receipt echoes it; the reporter's client accepts only a commitment its own
//! token signed and seals follow-ups to those readers (intersected with the current directory).
//! A reviewer can show the reporter a proposed addition, but cannot make the client apply it.
//!
//! # Composition, and why it is safe
//! - The signature is Ed25519 (`ed25519-dalek`, verified with `verify_strict`) by the reporter's
//!   token-derived key over [`COMMITMENT_CONTEXT`] followed by a length-prefixed binary encoding
//!   of every other field ([`RouteCommitment::signed_bytes`]). The encoding is injective (fixed
//!   widths, counted lists, length-prefixed strings), so two different commitments never sign
//!   the same bytes, and no JSON canonicalisation is involved. The context differs from the
//!   envelope's, so a commitment signature can never be replayed as an envelope signature or
//!   the other way round.
//! - Only the token holder has the signing key: a reviewer that echoes the commitment cannot
//!   change it, and one signed for another thread fails the thread check.
//! - `recipients_digest` is SHA-256 over [`RECIPIENTS_DIGEST_CONTEXT`] and every reader's id,
//!   X25519 recipient and signing key in sorted order, as the reporter's directory gave them. It
//!   binds the committed readers to the keys the report was sealed to, so a reviewer can tell a
//!   report sealed under a forged directory from one sealed under the one it trusts.
//!
//! # Signed bytes (do not modify: golden fixtures freeze them)
//! ```text
//! context            "candour-route-commitment/v2\n"
//! thread_id          16 bytes
//! directory_version  u64 big-endian
//! recipients_digest  32 bytes
//! readers            u32 BE count, then each id as u32 BE length and UTF-8 bytes
//! excluded           the same
//! ```

use ed25519_dalek::{Signature, Signer as _, SigningKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::directory::VerifiedDirectory;
use crate::envelope::MAX_STANZAS;
use crate::keys::PublicSigningKey;
use crate::wire::ThreadId;
pub use crate::wire::{Sha256Hex, SignatureHex};

/// Domain separation for the commitment signature.
pub const COMMITMENT_CONTEXT: &[u8] = b"candour-route-commitment/v2\n";
/// Domain separation for the digest of the readers' keys.
pub const RECIPIENTS_DIGEST_CONTEXT: &[u8] = b"candour-recipients-digest/v2\n";
/// The most reviewers a reporter may exclude (far more than any queue has).
pub const MAX_EXCLUDED: usize = 256;
/// The longest reviewer id a commitment carries.
pub const MAX_ID_LEN: usize = 128;

/// Who may read a thread, signed by the reporter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteCommitment {
    /// The thread it is for.
    pub thread_id: ThreadId,
    /// The readers, sorted, each once.
    pub readers: Vec<String>,
    /// The reviewers the reporter excluded, sorted, each once: never to be added.
    pub excluded: Vec<String>,
    /// [`recipients_digest`] of the readers under the reporter's directory.
    pub recipients_digest: Sha256Hex,
    /// The version of the directory the reporter routed with.
    pub directory_version: u64,
    /// Ed25519 by the reporter's key over [`RouteCommitment::signed_bytes`].
    pub signature: SignatureHex,
}

/// Why a commitment is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitmentError {
    /// A commitment names no reader.
    #[error("a route commitment names no reader")]
    NoReaders,
    /// Readers or exclusions are not sorted, repeat someone, or are too many or too long.
    #[error("a route commitment's lists are not sorted, repeat a reviewer or are too long")]
    NotCanonical,
    /// A reader is also excluded.
    #[error("a route commitment names {0} both as a reader and as excluded")]
    ExcludedReader(String),
    /// A reader is not in the directory it was made with.
    #[error("{0} is not in the directory, so the route cannot be committed to")]
    UnknownReader(String),
    /// The signature does not verify under the reporter's key.
    #[error("the route commitment is not signed by this report's reporter")]
    BadSignature,
    /// The commitment is for another thread.
    #[error("the route commitment is for another thread")]
    OtherThread,
}

impl CommitmentError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            CommitmentError::NoReaders => "commitment-no-readers",
            CommitmentError::NotCanonical => "commitment-not-canonical",
            CommitmentError::ExcludedReader(_) => "commitment-excluded-reader",
            CommitmentError::UnknownReader(_) => "commitment-unknown-reader",
            CommitmentError::BadSignature => "commitment-bad-signature",
            CommitmentError::OtherThread => "commitment-other-thread",
        }
    }
}

/// SHA-256 of the readers' ids and keys under `dir`, in sorted order; `None` if a reader is not
/// in it (or has no X25519 key).
pub fn recipients_digest(dir: &VerifiedDirectory, readers: &[String]) -> Option<[u8; 32]> {
    let mut sorted: Vec<&String> = readers.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut h = Sha256::new();
    h.update(RECIPIENTS_DIGEST_CONTEXT);
    h.update((sorted.len() as u32).to_be_bytes());
    for id in sorted {
        let reviewer = dir.reviewer(id)?;
        let recipient = reviewer.x25519_recipient()?.to_string();
        for part in [id.as_bytes(), recipient.as_bytes()] {
            h.update((part.len() as u32).to_be_bytes());
            h.update(part);
        }
        h.update(reviewer.signing_key.to_bytes());
    }
    Some(h.finalize().into())
}

fn canonical(list: &[String], most: usize) -> bool {
    list.len() <= most
        && list.iter().all(|id| !id.is_empty() && id.len() <= MAX_ID_LEN)
        && list.windows(2).all(|w| w[0] < w[1])
}

impl RouteCommitment {
    /// Commits to `readers` (excluding `excluded`) of `thread_id` under `dir`, signed by the
    /// reporter's key. The lists are sorted and deduplicated here.
    pub fn sign(
        dir: &VerifiedDirectory,
        thread_id: ThreadId,
        readers: &[String],
        excluded: &[String],
        reporter: &SigningKey,
    ) -> Result<RouteCommitment, CommitmentError> {
        let sorted = |list: &[String]| {
            let mut v = list.to_vec();
            v.sort();
            v.dedup();
            v
        };
        let (readers, excluded) = (sorted(readers), sorted(excluded));
        let digest = match recipients_digest(dir, &readers) {
            Some(d) => d,
            None => {
                let unknown = readers.iter().find(|id| dir.reviewer(id).is_none()).cloned().unwrap_or_default();
                return Err(CommitmentError::UnknownReader(unknown));
            }
        };
        let mut commitment = RouteCommitment {
            thread_id,
            readers,
            excluded,
            recipients_digest: Sha256Hex(digest),
            directory_version: dir.directory().version,
            signature: SignatureHex([0; 64]),
        };
        commitment.check_shape()?;
        commitment.signature = SignatureHex(reporter.sign(&commitment.signed_bytes()).to_bytes());
        Ok(commitment)
    }

    fn check_shape(&self) -> Result<(), CommitmentError> {
        if self.readers.is_empty() {
            return Err(CommitmentError::NoReaders);
        }
        if !canonical(&self.readers, MAX_STANZAS) || !canonical(&self.excluded, MAX_EXCLUDED) {
            return Err(CommitmentError::NotCanonical);
        }
        if let Some(both) = self.readers.iter().find(|r| self.excluded.contains(r)) {
            return Err(CommitmentError::ExcludedReader(both.clone()));
        }
        Ok(())
    }

    /// Checks the lists' shape and the signature under `reporter`, for `thread_id`.
    pub fn verify(&self, reporter: &PublicSigningKey, thread_id: &ThreadId) -> Result<(), CommitmentError> {
        if &self.thread_id != thread_id {
            return Err(CommitmentError::OtherThread);
        }
        self.check_shape()?;
        let signature = Signature::from_bytes(&self.signature.0);
        reporter.0.verify_strict(&self.signed_bytes(), &signature).map_err(|_| CommitmentError::BadSignature)
    }

    /// What the signature covers (see the module docs).
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(COMMITMENT_CONTEXT);
        out.extend_from_slice(&self.thread_id.0);
        out.extend_from_slice(&self.directory_version.to_be_bytes());
        out.extend_from_slice(&self.recipients_digest.0);
        for list in [&self.readers, &self.excluded] {
            out.extend_from_slice(&(list.len() as u32).to_be_bytes());
            for id in list {
                out.extend_from_slice(&(id.len() as u32).to_be_bytes());
                out.extend_from_slice(id.as_bytes());
            }
        }
        out
    }

    /// Whether the readers' keys under `dir` are the ones committed to. Meaningful only when
    /// `dir` has the commitment's version: a later directory may rotate keys.
    pub fn matches_keys(&self, dir: &VerifiedDirectory) -> bool {
        recipients_digest(dir, &self.readers) == Some(self.recipients_digest.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_bytes_are_injective_across_list_boundaries() {
        let base = RouteCommitment {
            thread_id: ThreadId([1; 16]),
            readers: vec!["ab".into()],
            excluded: vec![],
            recipients_digest: Sha256Hex([2; 32]),
            directory_version: 3,
            signature: SignatureHex([0; 64]),
        };
        let moved = RouteCommitment { readers: vec![], excluded: vec!["ab".into()], ..base.clone() };
        let split = RouteCommitment { readers: vec!["a".into(), "b".into()], ..base.clone() };
        assert_ne!(base.signed_bytes(), moved.signed_bytes());
        assert_ne!(base.signed_bytes(), split.signed_bytes());
    }
}
