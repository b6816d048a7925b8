//! An in-memory [`Store`] for tests. It follows the same rules as [`SledStore`](super::SledStore)
//! (and passes the same conformance suite) but keeps nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use candour_core::wire::Ciphertext;
use candour_core::Day;

use super::{EntryInfo, Place, PurgeReport, Seq, Store, StoreError, UploadId, CHUNK_SIZE};

#[derive(Default)]
struct Inner {
    next: u64,
    uploads: HashMap<u64, Vec<Vec<u8>>>,
    entries: BTreeMap<(Place, Seq), Entry>,
}

struct Entry {
    chunks: Vec<Vec<u8>>,
    expires: Day,
}

impl Entry {
    fn info(&self, seq: Seq) -> EntryInfo {
        EntryInfo {
            seq,
            len: self.chunks.iter().map(|c| c.len() as u64).sum(),
            chunks: self.chunks.len() as u32,
            expires: self.expires,
        }
    }
}

/// Blobs in a mutex-guarded map.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Io("a writer panicked".into()))
    }
}

impl Store for MemoryStore {
    fn begin(&self) -> Result<UploadId, StoreError> {
        let mut inner = self.lock()?;
        inner.next += 1;
        let id = inner.next;
        inner.uploads.insert(id, Vec::new());
        Ok(UploadId(id))
    }

    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError> {
        if chunk.len() > CHUNK_SIZE || chunk.is_empty() {
            return Err(StoreError::BadChunk("a chunk must hold 1 to 65536 bytes"));
        }
        let mut inner = self.lock()?;
        let chunks = inner.uploads.get_mut(&upload.0).ok_or(StoreError::UnknownUpload)?;
        if chunks.len() != index as usize {
            return Err(StoreError::BadChunk("chunks must arrive in order"));
        }
        chunks.push(chunk.as_bytes().to_vec());
        Ok(())
    }

    fn commit(&self, upload: UploadId, place: Place, expires: Day) -> Result<Seq, StoreError> {
        let mut inner = self.lock()?;
        let chunks = inner.uploads.remove(&upload.0).ok_or(StoreError::UnknownUpload)?;
        inner.next += 1;
        let seq = Seq(inner.next);
        inner.entries.insert((place, seq), Entry { chunks, expires });
        Ok(seq)
    }

    fn abort(&self, upload: UploadId) -> Result<(), StoreError> {
        self.lock()?.uploads.remove(&upload.0);
        Ok(())
    }

    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError> {
        let inner = self.lock()?;
        let from = after.map_or(Seq(0), |s| Seq(s.0.saturating_add(1)));
        Ok(inner
            .entries
            .range((place, from)..=(place, Seq(u64::MAX)))
            .take(limit)
            .map(|((_, seq), e)| e.info(*seq))
            .collect())
    }

    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError> {
        Ok(self.lock()?.entries.get(&(place, seq)).map(|e| e.info(seq)))
    }

    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError> {
        let inner = self.lock()?;
        Ok(inner
            .entries
            .get(&(place, seq))
            .and_then(|e| e.chunks.get(index as usize))
            .map(|c| Ciphertext::from_sealed_bytes(c.clone())))
    }

    fn set_expiry(&self, place: Place, seq: Seq, expires: Day) -> Result<bool, StoreError> {
        let mut inner = self.lock()?;
        Ok(inner.entries.get_mut(&(place, seq)).map(|e| e.expires = expires).is_some())
    }

    fn delete(&self, place: Place, seq: Seq) -> Result<bool, StoreError> {
        Ok(self.lock()?.entries.remove(&(place, seq)).is_some())
    }

    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError> {
        let mut inner = self.lock()?;
        let before = inner.entries.len();
        inner.entries.retain(|_, e| e.expires > today);
        Ok(PurgeReport { entries: (before - inner.entries.len()) as u64 })
    }

    fn reclaim(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
