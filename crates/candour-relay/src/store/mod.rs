//! Storage: three append-only areas of opaque ciphertext (docs/design.md §5).
//!
//! Every method takes and returns [`Ciphertext`], ids derived one-way from client secrets
//! ([`CaseStreamId`], [`MailboxAddress`]) and [`Day`]s: the storage API has no way to accept a
//! report, an IP address or a time of day.
//!
//! A blob is uploaded as numbered chunks of at most [`CHUNK_SIZE`] bytes under an [`UploadId`],
//! then [`committed`](Store::commit) to a [`Place`]. Commit is the single step that makes a
//! blob visible, and it returns only once the blob is durable, so a blob is either wholly
//! listed and readable or absent. An upload that is never committed (a truncated request, a
//! refused signature, a crash) is discarded by [`Store::abort`] or when the store is reopened.
//!
//! # Numbers: one counter per place
//! Each place numbers its own entries 1, 2, 3, ... in commit order, so no stored number relates
//! two places (a report, its reply and its first case event do not get 1, 2, 3 from one shared
//! counter). The inbox's counter is kept durably and never goes back, so a reviewer's cursor
//! ("everything after n") never misses an entry committed later. A case stream or mailbox
//! continues from its newest live entry; once retention has removed every entry of one, its
//! numbering may start again, and nothing about it is kept.
//!
//! # Retention: uniform, decided by the relay alone
//! No client can delete an entry, or shorten or extend its life (docs/design.md §1.5, §5). Every entry
//! belongs to the retention *epoch* it arrived in (`epoch_days` consecutive days) and is kept
//! for `days` after the epoch ends, then removed with the whole epoch ([`Retention`]). So the
//! expiry day says nothing but the arrival epoch, nothing a reviewer does renews or shortens an
//! entry, and removing expired data drops a whole database at once instead of rewriting the
//! store (see [`SledStore`]).

use std::sync::Arc;

use candour_core::wire::{CaseStreamId, Ciphertext, MailboxAddress};
use candour_core::Day;

pub mod conformance;
pub mod memory;
pub mod sled_store;

pub use memory::MemoryStore;
pub use sled_store::SledStore;

/// The largest chunk a store accepts: 64 KiB, the size of an age payload chunk. Small values
/// keep memory bounded for any blob size and, for sled 0.34, keep every value inline in the
/// log (see [`SledStore`]).
pub const CHUNK_SIZE: usize = 64 * 1024;

/// Where an entry lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// The shared inbox: reports and follow-ups.
    Inbox,
    /// A case stream of encrypted case events.
    Case(CaseStreamId),
    /// A reporter's mailbox of encrypted replies, filed under the hash of the mailbox id.
    Mailbox(MailboxAddress),
}

impl Place {
    /// The one-byte area tag and 32-byte owner used in storage keys.
    pub(crate) fn key_parts(&self) -> (u8, [u8; 32]) {
        match self {
            Place::Inbox => (0, [0; 32]),
            Place::Case(id) => (1, id.0),
            Place::Mailbox(addr) => (2, addr.0),
        }
    }

    pub(crate) fn from_key_parts(tag: u8, owner: [u8; 32]) -> Option<Place> {
        match tag {
            0 => Some(Place::Inbox),
            1 => Some(Place::Case(CaseStreamId(owner))),
            2 => Some(Place::Mailbox(MailboxAddress(owner))),
            _ => None,
        }
    }
}

/// An entry's number within its place (its position in that place's commit order, and the
/// cursor for listing), and what a listing says about an entry: the API's own types.
pub use candour_core::api::{EntryInfo, Seq};

/// A handle for the chunks of a blob that is not yet committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UploadId(pub u64);

/// The relay's retention policy, the same for every entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Days every entry is kept after the end of the epoch it arrived in.
    pub days: u32,
    /// Days per epoch: entries arriving within one epoch share an expiry day.
    pub epoch_days: u32,
}

impl Retention {
    /// A year, in four-week epochs: an entry lives between 365 and 392 days, and its expiry day
    /// tells only the four weeks it arrived in.
    pub const DEFAULT: Retention = Retention { days: 365, epoch_days: 28 };

    /// The first day of the epoch that `day` falls in, on a grid of `epoch_days` from
    /// 1970-01-01.
    pub fn epoch_start(&self, day: Day) -> Day {
        let n = day.days_since_epoch();
        Day::from_days_since_epoch(n - n.rem_euclid(i64::from(self.epoch_days.max(1))))
    }

    /// The expiry day of entries of an epoch whose last day is `last`.
    pub fn expires_after(&self, last: Day) -> Day {
        last.plus_days(1 + i64::from(self.days))
    }
}

/// What a purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Entries removed.
    pub entries: u64,
    /// Whole epochs removed.
    pub epochs: u64,
}

/// A storage failure. Messages are for operators' logs and never carry stored bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The disk is full (or the quota is reached): nothing was acknowledged.
    #[error("the disk is full")]
    DiskFull,
    /// The upload handle is unknown (never begun, already committed or aborted).
    #[error("unknown upload")]
    UnknownUpload,
    /// A chunk was larger than [`CHUNK_SIZE`] or out of order.
    #[error("bad chunk: {0}")]
    BadChunk(&'static str),
    /// The stored data does not decode: a bug or a damaged disk.
    #[error("stored data is corrupt: {0}")]
    Corrupt(&'static str),
    /// Any other I/O or database failure.
    #[error("storage failure: {0}")]
    Io(String),
}

impl StoreError {
    /// A stable, machine-readable name, for operators' logs.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::DiskFull => "disk-full",
            StoreError::UnknownUpload => "unknown-upload",
            StoreError::BadChunk(_) => "bad-chunk",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Io(_) => "io",
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28) || e.raw_os_error() == Some(122)
        {
            StoreError::DiskFull
        } else {
            StoreError::Io(e.kind().to_string())
        }
    }
}

/// The relay's storage. Methods block (on disk I/O) and are called from blocking threads.
///
/// There is no way to delete an entry or change its expiry: entries leave only by
/// [`Store::purge_expired`], by the uniform [`Retention`] policy.
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// The retention policy this store applies.
    fn retention(&self) -> Retention;
    /// Starts an upload that arrives on `today` (which decides its epoch).
    fn begin(&self, today: Day) -> Result<UploadId, StoreError>;
    /// Stores chunk `index` (0, 1, 2, ... in order) of an upload. Not durable, not visible.
    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError>;
    /// Makes an upload visible at `place` under the place's next number. Returns only once the
    /// entry and all its chunks are durable.
    fn commit(&self, upload: UploadId, place: Place) -> Result<EntryInfo, StoreError>;
    /// Discards an uncommitted upload.
    fn abort(&self, upload: UploadId) -> Result<(), StoreError>;
    /// Entries at `place` with a number above `after`, in order, at most `limit`.
    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError>;
    /// One entry's listing.
    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError>;
    /// Chunk `index` of an entry, if the entry and chunk exist.
    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError>;
    /// Removes every entry whose expiry day is on or before `today`.
    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError>;
    /// Checks that the store can take a write now (for readiness): it is open, and a durable
    /// write of a few bytes succeeds.
    fn check_writable(&self) -> Result<(), StoreError>;
}

/// Stores a whole blob that is already in memory: chunks it, commits it, and aborts the upload
/// on any failure so nothing partial remains.
pub fn put_blob(store: &dyn Store, place: Place, blob: &Ciphertext, today: Day) -> Result<EntryInfo, StoreError> {
    let upload = store.begin(today)?;
    let result = (|| {
        for (i, chunk) in blob.as_bytes().chunks(CHUNK_SIZE).enumerate() {
            let index = u32::try_from(i).map_err(|_| StoreError::BadChunk("too many chunks"))?;
            store.put_chunk(upload, index, &Ciphertext::from_sealed_bytes(chunk.to_vec()))?;
        }
        store.commit(upload, place)
    })();
    if result.is_err() {
        // The original error matters more than a failure to clean up, which reopening redoes.
        let _ = store.abort(upload);
    }
    result
}
/// Reads a whole entry into memory (tests and small blobs; the HTTP API streams chunks).
pub fn read_blob(store: &dyn Store, place: Place, seq: Seq) -> Result<Option<Ciphertext>, StoreError> {
    let Some(info) = store.info(place, seq)? else { return Ok(None) };
    let mut out = Vec::with_capacity(usize::try_from(info.len).unwrap_or(0));
    for index in 0..info.chunks {
        match store.read_chunk(place, seq, index)? {
            Some(chunk) => out.extend_from_slice(chunk.as_bytes()),
            None => return Err(StoreError::Corrupt("a committed entry is missing a chunk")),
        }
    }
    Ok(Some(Ciphertext::from_sealed_bytes(out)))
}

/// A shared handle to any store.
pub type SharedStore = Arc<dyn Store>;
