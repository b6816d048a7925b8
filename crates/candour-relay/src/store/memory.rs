//! An in-memory [`Store`] for tests. It follows the same rules as [`SledStore`](super::SledStore)
//! (and passes the same conformance suite) but keeps nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use candour_core::wire::Ciphertext;
use candour_core::Day;

use super::{EntryInfo, Place, PurgeReport, Retention, Seq, Store, StoreError, UploadId, CHUNK_SIZE};

#[derive(Default)]
struct Inner {
    next_upload: u64,
    /// The inbox's counter never goes back, even when every inbox entry has expired.
    inbox_high: u64,
    uploads: HashMap<u64, (Day, Vec<Vec<u8>>)>,
    entries: BTreeMap<(Place, Seq), Entry>,
}

struct Entry {
    chunks: Vec<Vec<u8>>,
    /// The first day of the epoch it arrived in.
    epoch: Day,
}

/// Blobs in a mutex-guarded map.
pub struct MemoryStore {
    retention: Retention,
    inner: Mutex<Inner>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_retention(Retention::DEFAULT)
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

impl MemoryStore {
    /// An empty store with the default retention.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with this retention.
    pub fn with_retention(retention: Retention) -> Self {
        MemoryStore { retention, inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Io("a writer panicked".into()))
    }

    fn info_of(&self, seq: Seq, e: &Entry) -> EntryInfo {
        let last = e.epoch.plus_days(i64::from(self.retention.epoch_days.max(1)) - 1);
        EntryInfo {
            seq,
            len: e.chunks.iter().map(|c| c.len() as u64).sum(),
            chunks: e.chunks.len() as u32,
            expires: self.retention.expires_after(last),
        }
    }
}

impl Store for MemoryStore {
    fn retention(&self) -> Retention {
        self.retention
    }

    fn begin(&self, today: Day) -> Result<UploadId, StoreError> {
        let mut inner = self.lock()?;
        inner.next_upload += 1;
        let id = inner.next_upload;
        let epoch = self.retention.epoch_start(today);
        inner.uploads.insert(id, (epoch, Vec::new()));
        Ok(UploadId(id))
    }

    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError> {
        if chunk.len() > CHUNK_SIZE || chunk.is_empty() {
            return Err(StoreError::BadChunk("a chunk must hold 1 to 65536 bytes"));
        }
        let mut inner = self.lock()?;
        let (_, chunks) = inner.uploads.get_mut(&upload.0).ok_or(StoreError::UnknownUpload)?;
        if chunks.len() != index as usize {
            return Err(StoreError::BadChunk("chunks must arrive in order"));
        }
        chunks.push(chunk.as_bytes().to_vec());
        Ok(())
    }

    fn commit(&self, upload: UploadId, place: Place) -> Result<EntryInfo, StoreError> {
        let mut inner = self.lock()?;
        let (epoch, chunks) = inner.uploads.remove(&upload.0).ok_or(StoreError::UnknownUpload)?;
        let newest =
            inner.entries.range((place, Seq(0))..=(place, Seq(u64::MAX))).next_back().map_or(0, |(k, _)| k.1 .0);
        let seq = if place == Place::Inbox {
            inner.inbox_high = inner.inbox_high.max(newest) + 1;
            Seq(inner.inbox_high)
        } else {
            Seq(newest + 1)
        };
        let entry = Entry { chunks, epoch };
        let info = self.info_of(seq, &entry);
        inner.entries.insert((place, seq), entry);
        Ok(info)
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
            .map(|((_, seq), e)| self.info_of(*seq, e))
            .collect())
    }

    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError> {
        Ok(self.lock()?.entries.get(&(place, seq)).map(|e| self.info_of(seq, e)))
    }

    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError> {
        let inner = self.lock()?;
        Ok(inner
            .entries
            .get(&(place, seq))
            .and_then(|e| e.chunks.get(index as usize))
            .map(|c| Ciphertext::from_sealed_bytes(c.clone())))
    }

    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError> {
        let mut inner = self.lock()?;
        let before = inner.entries.len();
        let mut epochs: Vec<Day> = Vec::new();
        let retention = self.retention;
        inner.entries.retain(|_, e| {
            let last = e.epoch.plus_days(i64::from(retention.epoch_days.max(1)) - 1);
            let keep = retention.expires_after(last) > today;
            if !keep && !epochs.contains(&e.epoch) {
                epochs.push(e.epoch);
            }
            keep
        });
        Ok(PurgeReport { entries: (before - inner.entries.len()) as u64, epochs: epochs.len() as u64 })
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        self.lock().map(drop)
    }
}
