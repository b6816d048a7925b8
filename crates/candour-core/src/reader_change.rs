//! Reader changes (document format 2): a reviewer's signed statement that a thread's readers
//! change, so a case can be transferred to another queue or shown to one more reviewer, and
//! the reporter's follow-ups follow it, without any one reviewer being able to route them to
//! someone the reporter excluded.
//!
//! # Why it exists
//! The reporter's route commitment ([`crate::commitment`]) fixes who reads the thread: a
//! Prevent concern that reached the PSD could never reach Special Branch. A [`ReaderChange`]
//! moves it. Reviewers record it in the case history; every receipt and reply after it carries
//! it to the reporter's mailbox, where the reporter's client applies the chain of changes to the
//! commitment ([`apply`]) and seals follow-ups to the result.
//!
//! # What a change must satisfy (checked by reviewers' tools and the reporter's client alike)
//! - it is for this thread, and its `before` is exactly the readers as the previous change (or
//!   the commitment) left them, so a change made on a stale view, or replayed, does not apply;
//! - its author is one of those readers, and signed it with their directory key (current, or
//!   retired within its bounds);
//! - `after` is non-empty, sorted, each once, every reviewer in the directory, and none of them
//!   someone the reporter excluded: exclusions travel with the commitment and are never undone;
//! - a change that removes anyone (a transfer) is by a supervisor: a single reviewer can add a
//!   colleague to a case, but only a supervisor can move it away from the people reading it.
//!
//! # Composition, and why it is safe
//! Ed25519 (`ed25519-dalek`, `verify_strict`) by the author's directory key over
//! [`READER_CHANGE_CONTEXT`] followed by an injective binary encoding of every other field
//! ([`ReaderChange::signed_bytes`]): fixed widths, counted lists and length-prefixed strings, so
//! two different changes never sign the same bytes. The context differs from every envelope,
//! request and commitment context, so the signature can never be replayed as one of those. The
//! reporter's client trusts the directory it verified against the pinned roots for the author's
//! key and role, as it already does for every reply.
//!
//! # Signed bytes (do not modify: golden fixtures freeze them)
//! ```text
//! context            "candour-reader-change/v2\n"
//! thread_id          16 bytes
//! author             u32 BE length and UTF-8 bytes
//! signing_key        32 bytes
//! day                i64 BE days since 1970-01-01
//! directory_version  u64 BE
//! before             u32 BE count, then each id as u32 BE length and UTF-8 bytes
//! after              the same
//! ```

use ed25519_dalek::{Signature, Signer as _, SigningKey};
use serde::{Deserialize, Serialize};

use crate::commitment::MAX_ID_LEN;
use crate::directory::{Role, VerifiedDirectory};
use crate::envelope::MAX_STANZAS;
use crate::keys::PublicSigningKey;
use crate::wire::{SignatureHex, ThreadId};
use crate::Day;

/// Domain separation for the reader-change signature.
pub const READER_CHANGE_CONTEXT: &[u8] = b"candour-reader-change/v2\n";
/// The most reader changes a thread may carry: far more than any case is moved.
pub const MAX_READER_CHANGES: usize = 32;

/// A signed change of a thread's readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderChange {
    /// The thread it is for.
    pub thread_id: ThreadId,
    /// The reviewer id of the author.
    pub author: String,
    /// The author's directory signing key the signature is by.
    pub signing_key: PublicSigningKey,
    /// The day the author made it.
    pub day: Day,
    /// The directory version the author's tool held.
    pub directory_version: u64,
    /// The readers before, sorted, each once.
    pub before: Vec<String>,
    /// The readers after, sorted, each once.
    pub after: Vec<String>,
    /// Ed25519 by `signing_key` over [`ReaderChange::signed_bytes`].
    pub signature: SignatureHex,
}

/// Why a reader change does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReaderChangeError {
    /// It is for another thread.
    #[error("the reader change is for another thread")]
    OtherThread,
    /// A list is empty, unsorted, repeats someone or is too long.
    #[error("the reader change's lists are empty, not sorted, repeat a reviewer or are too long")]
    NotCanonical,
    /// `before` is not the thread's readers as they stand.
    #[error("the reader change was made from other readers than the thread has now")]
    Stale,
    /// Nothing would change.
    #[error("the reader change leaves the readers as they are")]
    NoChange,
    /// The author is not one of the readers it changes.
    #[error("{0} is not one of the thread's readers, so cannot change them")]
    NotAReader(String),
    /// The signature is not by the author's directory key.
    #[error("the reader change is not signed by {0}'s directory key")]
    BadSignature(String),
    /// A new reader is someone the reporter excluded.
    #[error("the reporter excluded {0}: they can never be made a reader")]
    Excluded(String),
    /// A new reader is not in the directory (or has no encryption key).
    #[error("{0} is not a reviewer in the directory")]
    UnknownReader(String),
    /// Someone would be removed, and the author is not a supervisor.
    #[error("only a supervisor can move a case away from its readers; {0} is not one")]
    NotASupervisor(String),
    /// More changes than a thread may carry.
    #[error("a thread carries at most {MAX_READER_CHANGES} reader changes")]
    TooMany,
}

impl ReaderChangeError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            ReaderChangeError::OtherThread => "reader-change-other-thread",
            ReaderChangeError::NotCanonical => "reader-change-not-canonical",
            ReaderChangeError::Stale => "reader-change-stale",
            ReaderChangeError::NoChange => "reader-change-no-change",
            ReaderChangeError::NotAReader(_) => "reader-change-not-a-reader",
            ReaderChangeError::BadSignature(_) => "reader-change-bad-signature",
            ReaderChangeError::Excluded(_) => "reader-change-excluded",
            ReaderChangeError::UnknownReader(_) => "reader-change-unknown-reader",
            ReaderChangeError::NotASupervisor(_) => "reader-change-not-a-supervisor",
            ReaderChangeError::TooMany => "reader-change-too-many",
        }
    }
}

fn canonical(list: &[String]) -> bool {
    !list.is_empty()
        && list.len() <= MAX_STANZAS
        && list.iter().all(|id| !id.is_empty() && id.len() <= MAX_ID_LEN)
        && list.windows(2).all(|w| w[0] < w[1])
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut v = list.to_vec();
    v.sort();
    v.dedup();
    v
}

impl ReaderChange {
    /// A change of `thread_id`'s readers from `before` to `after` by `author`, signed with
    /// their directory key, checked as [`ReaderChange::verify`] would check it.
    // Each argument is one field of the statement; bundling them would only rename them.
    #[allow(clippy::too_many_arguments)]
    pub fn sign(
        dir: &VerifiedDirectory,
        thread_id: ThreadId,
        author: &str,
        key: &SigningKey,
        day: Day,
        before: &[String],
        after: &[String],
        excluded: &[String],
    ) -> Result<ReaderChange, ReaderChangeError> {
        let mut change = ReaderChange {
            thread_id,
            author: author.to_owned(),
            signing_key: PublicSigningKey(key.verifying_key()),
            day,
            directory_version: dir.directory().version,
            before: sorted(before),
            after: sorted(after),
            signature: SignatureHex([0; 64]),
        };
        change.signature = SignatureHex(key.sign(&change.signed_bytes()).to_bytes());
        change.verify(dir, &thread_id, &change.before.clone(), excluded)?;
        Ok(change)
    }

    /// Checks the change against the thread's readers as they stand (`current`) and the
    /// reporter's exclusions, under `dir` (see the module docs).
    pub fn verify(
        &self,
        dir: &VerifiedDirectory,
        thread_id: &ThreadId,
        current: &[String],
        excluded: &[String],
    ) -> Result<(), ReaderChangeError> {
        if &self.thread_id != thread_id {
            return Err(ReaderChangeError::OtherThread);
        }
        if !canonical(&self.before) || !canonical(&self.after) {
            return Err(ReaderChangeError::NotCanonical);
        }
        if self.before != sorted(current) {
            return Err(ReaderChangeError::Stale);
        }
        if self.before == self.after {
            return Err(ReaderChangeError::NoChange);
        }
        if self.before.binary_search(&self.author).is_err() {
            return Err(ReaderChangeError::NotAReader(self.author.clone()));
        }
        if !dir.signed_by_author(&self.author, &self.signing_key, self.day, Some(self.directory_version))
            || self
                .signing_key
                .0
                .verify_strict(&self.signed_bytes(), &Signature::from_bytes(&self.signature.0))
                .is_err()
        {
            return Err(ReaderChangeError::BadSignature(self.author.clone()));
        }
        if let Some(id) = self.after.iter().find(|id| excluded.contains(id)) {
            return Err(ReaderChangeError::Excluded(id.clone()));
        }
        if let Some(id) = self.after.iter().find(|id| dir.reviewer(id).and_then(|r| r.x25519_recipient()).is_none()) {
            return Err(ReaderChangeError::UnknownReader(id.clone()));
        }
        let removes = self.before.iter().any(|id| self.after.binary_search(id).is_err());
        if removes && dir.reviewer(&self.author).is_none_or(|r| r.role != Role::Supervisor) {
            return Err(ReaderChangeError::NotASupervisor(self.author.clone()));
        }
        Ok(())
    }

    /// The readers this change adds.
    pub fn added(&self) -> Vec<String> {
        self.after.iter().filter(|id| self.before.binary_search(id).is_err()).cloned().collect()
    }

    /// The readers this change removes.
    pub fn removed(&self) -> Vec<String> {
        self.before.iter().filter(|id| self.after.binary_search(id).is_err()).cloned().collect()
    }

    /// What the signature covers (see the module docs).
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(READER_CHANGE_CONTEXT);
        out.extend_from_slice(&self.thread_id.0);
        out.extend_from_slice(&(self.author.len() as u32).to_be_bytes());
        out.extend_from_slice(self.author.as_bytes());
        out.extend_from_slice(self.signing_key.0.as_bytes());
        out.extend_from_slice(&self.day.days_since_epoch().to_be_bytes());
        out.extend_from_slice(&self.directory_version.to_be_bytes());
        for list in [&self.before, &self.after] {
            out.extend_from_slice(&(list.len() as u32).to_be_bytes());
            for id in list {
                out.extend_from_slice(&(id.len() as u32).to_be_bytes());
                out.extend_from_slice(id.as_bytes());
            }
        }
        out
    }
}

/// The readers a thread has after a chain of changes, and what was made of each change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedChanges {
    /// The readers now, sorted.
    pub readers: Vec<String>,
    /// The changes applied, in order.
    pub applied: Vec<ReaderChange>,
    /// Changes that did not apply, each with why.
    pub refused: Vec<(ReaderChange, ReaderChangeError)>,
}

/// Applies `changes` (in any order, repeats ignored) to a thread's first readers (its route
/// commitment's), with the reporter's exclusions: each step
/// takes the one change whose `before` is the readers as they stand and that verifies, so the
/// result depends only on the set of changes. Where two valid changes start from the same
/// readers (made at once by two readers), the earlier day, then the smaller signature, applies,
/// and the other is refused as stale.
pub fn apply(
    dir: &VerifiedDirectory,
    thread_id: &ThreadId,
    first: &[String],
    excluded: &[String],
    changes: &[ReaderChange],
) -> AppliedChanges {
    let mut pending: Vec<&ReaderChange> = Vec::new();
    for c in changes {
        if !pending.iter().any(|p| p.signature == c.signature) {
            pending.push(c);
        }
    }
    pending.sort_by_key(|a| (a.day, a.signature.0));
    let mut readers = sorted(first);
    let mut applied = Vec::new();
    let mut refused = Vec::new();
    while applied.len() < MAX_READER_CHANGES {
        let next = pending.iter().position(|c| c.verify(dir, thread_id, &readers, excluded).is_ok());
        let Some(i) = next else { break };
        let change = pending.remove(i);
        readers = change.after.clone();
        applied.push(change.clone());
    }
    for c in pending {
        let why = if applied.len() >= MAX_READER_CHANGES {
            ReaderChangeError::TooMany
        } else {
            c.verify(dir, thread_id, &readers, excluded).err().unwrap_or(ReaderChangeError::Stale)
        };
        refused.push((c.clone(), why));
    }
    AppliedChanges { readers, applied, refused }
}
