//! Storage: three append-only areas of opaque ciphertext (DESIGN §5).
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
//! Entries are numbered by a [`Seq`] taken at commit time from one counter shared by all areas,
//! never reused, even across crashes. So listing "everything after cursor n" never misses an
//! entry committed later.

use std::sync::Arc;

use candour_core::wire::{CaseStreamId, Ciphertext, MailboxAddress};
use candour_core::Day;
use serde::{Deserialize, Serialize};

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

/// An entry's number: its position in commit order, and the cursor for listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

/// A handle for the chunks of a blob that is not yet committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UploadId(pub u64);

/// What a listing says about one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInfo {
    /// The entry's number.
    pub seq: Seq,
    /// Its length in bytes.
    pub len: u64,
    /// Its number of chunks.
    pub chunks: u32,
    /// The first day on which it may be purged.
    pub expires: Day,
}

/// What a purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Entries removed.
    pub entries: u64,
}

/// A storage failure. Messages are for operators' logs and never carry stored bytes.
#[derive(Debug, thiserror::Error)]
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
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Starts an upload.
    fn begin(&self) -> Result<UploadId, StoreError>;
    /// Stores chunk `index` (0, 1, 2, ... in order) of an upload. Not durable, not visible.
    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError>;
    /// Makes an upload of `chunks` chunks visible at `place`, expiring on `expires`. Returns
    /// only once the entry and all its chunks are durable.
    fn commit(&self, upload: UploadId, place: Place, expires: Day) -> Result<Seq, StoreError>;
    /// Discards an uncommitted upload.
    fn abort(&self, upload: UploadId) -> Result<(), StoreError>;
    /// Entries at `place` with a number above `after`, in order, at most `limit`.
    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError>;
    /// One entry's listing.
    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError>;
    /// Chunk `index` of an entry, if the entry and chunk exist.
    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError>;
    /// Changes an entry's expiry day (durably). False if there is no such entry.
    fn set_expiry(&self, place: Place, seq: Seq, expires: Day) -> Result<bool, StoreError>;
    /// Deletes an entry (durably). False if there is no such entry.
    fn delete(&self, place: Place, seq: Seq) -> Result<bool, StoreError>;
    /// Deletes every entry whose expiry day is on or before `today`.
    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError>;
    /// Gives the space of deleted data back, so deleted bytes no longer exist on disk.
    fn reclaim(&self) -> Result<(), StoreError>;
}

/// Stores a whole blob that is already in memory: chunks it, commits it, and aborts the upload
/// on any failure so nothing partial remains.
pub fn put_blob(store: &dyn Store, place: Place, blob: &Ciphertext, expires: Day) -> Result<Seq, StoreError> {
    let upload = store.begin()?;
    let result = (|| {
        for (i, chunk) in blob.as_bytes().chunks(CHUNK_SIZE).enumerate() {
            let index = u32::try_from(i).map_err(|_| StoreError::BadChunk("too many chunks"))?;
            store.put_chunk(upload, index, &Ciphertext::from_sealed_bytes(chunk.to_vec()))?;
        }
        store.commit(upload, place, expires)
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
