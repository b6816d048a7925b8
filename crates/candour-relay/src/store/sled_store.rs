//! The embedded default store: sled 0.34 in a data folder.
//!
//! # Durability (why the code is shaped like this)
//! A write is acknowledged only after it is on disk, and sled 0.34 needs help for that:
//! - **`flush` is not `fsync`.** On Linux, sled's `Db::flush` writes its log buffers with
//!   `pwrite` and then `sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER)`. That starts and waits
//!   for writeback of the byte range but neither flushes the drive's volatile write cache nor
//!   persists the file's metadata (its size, for an appended log). So after every `flush` we
//!   call `fdatasync` ([`File::sync_data`]) on sled's `db` file ourselves; `fdatasync` on any
//!   descriptor of the inode covers the pages sled wrote through its own descriptor.
//! - **Blob files are never synced.** sled writes any log message larger than
//!   `segment_size / 4` to a separate file under `blobs/` and never syncs it. A message is an
//!   inserted value or, when sled consolidates a page, a whole leaf node, and a leaf holds up
//!   to 17 entries before it splits. So every stored value is at most [`CHUNK_SIZE`] (64 KiB)
//!   and the segment size is 8 MiB: the largest leaf (17 x 64 KiB plus keys, about 1.1 MiB)
//!   stays under the 2 MiB inline limit, nothing ever goes to `blobs/`, and the one file we
//!   `fdatasync` holds everything. The crash test asserts that `blobs/` stays empty.
//! - **Group commit.** `fdatasync` costs milliseconds, so concurrent writers share it: each
//!   writer inserts, takes a ticket, and either becomes the leader that runs
//!   `flush + fdatasync` for every ticket issued so far, or waits for a leader whose flush
//!   started after its insert. Throughput is then bounded by the disk's flush rate times the
//!   number of writers per flush, not by one flush per request.
//! - **Visibility.** Chunks are written under an upload id first; the entry that makes them
//!   visible is inserted last, in commit order, under one lock. Uncommitted chunks left by a
//!   crash are deleted when the store is reopened.
//! - **Sequence numbers** come from our own counter whose high-water mark is made durable
//!   before any number above it is handed out, so a number is never reused after a crash (a
//!   reader's cursor never skips a later entry).
//!
//! # Reclaiming space
//! sled keeps overwritten and removed values in its log segments until it happens to rewrite
//! them, so a purged report could survive on disk for a long time. [`Store::reclaim`] therefore
//! rewrites the live data into a fresh database folder `sled-<n+1>`, makes it durable, switches
//! the `CURRENT` file to it (write, fsync, rename, fsync the folder) and deletes the old folder.
//! A crash at any point leaves `CURRENT` naming a complete database; leftovers are deleted on
//! open. (On SSDs and copy-on-write file systems deleted blocks may still exist physically; full
//! disk encryption of the data volume covers that, see `deploy/README.md`.)
//!
//! # Layout
//! Trees are named `<key>_<value>`; keys are built only in the private `keys` module:
//! - `entry_meta`: area tag (1 byte: 0 inbox, 1 case, 2 mailbox) ++ owner (32 bytes: zero for
//!   the inbox, the case stream id, or the mailbox address) ++ seq (u64 big-endian) →
//!   upload id (u64 BE) ++ length (u64 BE) ++ chunk count (u32 BE) ++ expiry day (i64 BE).
//! - `chunk_bytes`: upload id (u64 BE) ++ chunk index (u32 BE) → up to 64 KiB of ciphertext.
//! - `counter_high`: `b"seq"` → the durable high-water mark of the sequence counter (u64 BE).
//! - `flag_value`: `b"reclaim-pending"` → `[1]` while deleted bytes may still be in the files
//!   (written durably with every delete, absent from a freshly rewritten database), so a
//!   restart knows whether a rewrite is owed without rewriting on every start.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard};

use candour_core::wire::Ciphertext;
use candour_core::Day;

use super::{EntryInfo, Place, PurgeReport, Seq, Store, StoreError, UploadId, CHUNK_SIZE};

const TREE_ENTRY_META: &str = "entry_meta";
const TREE_CHUNK_BYTES: &str = "chunk_bytes";
const TREE_COUNTER_HIGH: &str = "counter_high";
const TREE_FLAG_VALUE: &str = "flag_value";
const CURRENT: &str = "CURRENT";
/// Sequence numbers reserved per durable high-water update.
const COUNTER_BLOCK: u64 = 4096;
/// 8 MiB: see the module docs on blob files.
const SEGMENT_SIZE: usize = 8 * 1024 * 1024;

/// Every storage key is built and parsed here.
pub(crate) mod keys {
    use super::super::{Place, Seq, UploadId};

    /// `entry_meta` key: tag ++ owner ++ seq.
    pub fn entry(place: Place, seq: Seq) -> [u8; 41] {
        let mut k = [0u8; 41];
        k[..33].copy_from_slice(&entry_prefix(place));
        k[33..].copy_from_slice(&seq.0.to_be_bytes());
        k
    }

    /// `entry_meta` prefix of one place: tag ++ owner.
    pub fn entry_prefix(place: Place) -> [u8; 33] {
        let (tag, owner) = place.key_parts();
        let mut k = [0u8; 33];
        k[0] = tag;
        k[1..].copy_from_slice(&owner);
        k
    }

    /// Parses an `entry_meta` key.
    pub fn parse_entry(k: &[u8]) -> Option<(Place, Seq)> {
        let k: &[u8; 41] = k.try_into().ok()?;
        let owner: [u8; 32] = k[1..33].try_into().ok()?;
        let seq = u64::from_be_bytes(k[33..].try_into().ok()?);
        Some((Place::from_key_parts(k[0], owner)?, Seq(seq)))
    }

    /// `chunk_bytes` key: upload ++ index.
    pub fn chunk(upload: UploadId, index: u32) -> [u8; 12] {
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&upload.0.to_be_bytes());
        k[8..].copy_from_slice(&index.to_be_bytes());
        k
    }

    /// `chunk_bytes` prefix of one upload.
    pub fn chunk_prefix(upload: UploadId) -> [u8; 8] {
        upload.0.to_be_bytes()
    }

    /// The upload a `chunk_bytes` key belongs to.
    pub fn parse_chunk_upload(k: &[u8]) -> Option<UploadId> {
        Some(UploadId(u64::from_be_bytes(k.get(..8)?.try_into().ok()?)))
    }

    /// `counter_high` key.
    pub const COUNTER: &[u8] = b"seq";

    /// `flag_value` key: present while deleted data awaits a reclaim.
    pub const RECLAIM_PENDING: &[u8] = b"reclaim-pending";
}

#[derive(Clone, Copy)]
struct Meta {
    upload: UploadId,
    len: u64,
    chunks: u32,
    expires: Day,
}

impl Meta {
    fn encode(&self) -> [u8; 28] {
        let mut v = [0u8; 28];
        v[..8].copy_from_slice(&self.upload.0.to_be_bytes());
        v[8..16].copy_from_slice(&self.len.to_be_bytes());
        v[16..20].copy_from_slice(&self.chunks.to_be_bytes());
        v[20..].copy_from_slice(&self.expires.days_since_epoch().to_be_bytes());
        v
    }

    fn decode(v: &[u8]) -> Result<Meta, StoreError> {
        let bad = || StoreError::Corrupt("entry metadata");
        let v: &[u8; 28] = v.try_into().map_err(|_| bad())?;
        let u64_at = |r: std::ops::Range<usize>| v[r].try_into().map(u64::from_be_bytes).map_err(|_| bad());
        Ok(Meta {
            upload: UploadId(u64_at(0..8)?),
            len: u64_at(8..16)?,
            chunks: v[16..20].try_into().map(u32::from_be_bytes).map_err(|_| bad())?,
            expires: Day::from_days_since_epoch(v[20..].try_into().map(i64::from_be_bytes).map_err(|_| bad())?),
        })
    }

    fn info(&self, seq: Seq) -> EntryInfo {
        EntryInfo { seq, len: self.len, chunks: self.chunks, expires: self.expires }
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) => io.into(),
            sled::Error::Corruption { .. } => StoreError::Corrupt("sled reports corruption"),
            other => StoreError::Io(format!("{other}")),
        }
    }
}

#[derive(Default)]
struct FlushState {
    issued: u64,
    flushed: u64,
    flushing: bool,
}

/// One open database folder.
struct Generation {
    number: u64,
    dir: PathBuf,
    db: sled::Db,
    entries: sled::Tree,
    chunks: sled::Tree,
    counter: sled::Tree,
    flags: sled::Tree,
    db_file: File,
    flush: Mutex<FlushState>,
    flushed: Condvar,
}

#[derive(Default)]
struct Counter {
    next: u64,
    high: u64,
}

#[derive(Default)]
struct Upload {
    chunks: u32,
    len: u64,
}

/// sled in a data folder. See the module documentation for the durability argument.
pub struct SledStore {
    root: PathBuf,
    current: RwLock<Arc<Generation>>,
    counter: Mutex<Counter>,
    /// Uploads in progress; not persisted, so a restart discards them.
    uploads: Mutex<HashMap<u64, Upload>>,
    /// Whether anything was deleted since the last reclaim (mirrors the durable
    /// `reclaim-pending` flag).
    dirty: AtomicBool,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore").field("root", &self.root).finish()
    }
}

fn poisoned() -> StoreError {
    StoreError::Io("a writer panicked".into())
}

fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

fn open_generation(root: &Path, number: u64) -> Result<Generation, StoreError> {
    let dir = root.join(format!("sled-{number}"));
    let db = sled::Config::new()
        .path(&dir)
        .segment_size(SEGMENT_SIZE)
        .cache_capacity(64 * 1024 * 1024)
        .mode(sled::Mode::HighThroughput)
        .open()?;
    let entries = db.open_tree(TREE_ENTRY_META)?;
    let chunks = db.open_tree(TREE_CHUNK_BYTES)?;
    let counter = db.open_tree(TREE_COUNTER_HIGH)?;
    let flags = db.open_tree(TREE_FLAG_VALUE)?;
    let db_file = File::options().read(true).open(dir.join("db"))?;
    fsync_dir(&dir)?;
    fsync_dir(root)?;
    Ok(Generation {
        number,
        dir,
        db,
        entries,
        chunks,
        counter,
        flags,
        db_file,
        flush: Mutex::new(FlushState::default()),
        flushed: Condvar::new(),
    })
}

impl Generation {
    /// Returns once everything inserted before the call is on disk (group commit).
    fn make_durable(&self) -> Result<(), StoreError> {
        let mut state = self.flush.lock().map_err(|_| poisoned())?;
        state.issued += 1;
        let ticket = state.issued;
        loop {
            if state.flushed >= ticket {
                return Ok(());
            }
            if state.flushing {
                state = self.flushed.wait(state).map_err(|_| poisoned())?;
                continue;
            }
            state.flushing = true;
            let target = state.issued;
            drop(state);
            let result = self.flush_and_sync();
            state = self.flush.lock().map_err(|_| poisoned())?;
            state.flushing = false;
            if result.is_ok() {
                state.flushed = state.flushed.max(target);
            }
            self.flushed.notify_all();
            result?;
        }
    }

    fn flush_and_sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.db_file.sync_data()?;
        Ok(())
    }

    fn meta(&self, place: Place, seq: Seq) -> Result<Option<Meta>, StoreError> {
        self.entries.get(keys::entry(place, seq))?.map(|v| Meta::decode(&v)).transpose()
    }

    /// Records, in the same flush as the deletion it follows, that deleted bytes remain.
    fn mark_reclaim_pending(&self) -> Result<(), StoreError> {
        self.flags.insert(keys::RECLAIM_PENDING, &[1u8])?;
        Ok(())
    }

    fn remove_chunks(&self, upload: UploadId) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for item in self.chunks.scan_prefix(keys::chunk_prefix(upload)).keys() {
            batch.remove(item?);
        }
        self.chunks.apply_batch(batch)?;
        Ok(())
    }
}

impl SledStore {
    /// Opens (or creates) the store in a data folder, discarding uncommitted uploads and
    /// leftovers of an interrupted reclaim.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, StoreError> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root)?;
        let number = match std::fs::read_to_string(root.join(CURRENT)) {
            Ok(text) => text
                .trim()
                .strip_prefix("sled-")
                .and_then(|n| n.parse().ok())
                .ok_or(StoreError::Corrupt("the CURRENT file"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_current(&root, 0)?;
                0
            }
            Err(e) => return Err(e.into()),
        };
        remove_other_generations(&root, number)?;
        let generation = open_generation(&root, number)?;
        // Uncommitted chunks (a crash mid-upload) are garbage: delete them.
        let referenced = referenced_uploads(&generation)?;
        let mut batch = sled::Batch::default();
        let mut orphans = false;
        for key in generation.chunks.iter().keys() {
            let key = key?;
            let upload = keys::parse_chunk_upload(&key).ok_or(StoreError::Corrupt("chunk key"))?;
            if !referenced.contains(&upload.0) {
                batch.remove(key);
                orphans = true;
            }
        }
        generation.chunks.apply_batch(batch)?;
        if orphans {
            generation.mark_reclaim_pending()?;
        }
        let dirty = generation.flags.contains_key(keys::RECLAIM_PENDING)?;
        let high = read_high(&generation)?;
        let store = SledStore {
            root,
            current: RwLock::new(Arc::new(generation)),
            counter: Mutex::new(Counter { next: high, high }),
            uploads: Mutex::new(HashMap::new()),
            dirty: AtomicBool::new(dirty),
        };
        // Reserve a first block now, durably, so the first commit does not pay for it.
        {
            let generation = store.generation()?;
            let mut counter = store.counter.lock().map_err(|_| poisoned())?;
            raise_high(&generation, &mut counter)?;
            generation.make_durable()?;
        }
        Ok(store)
    }

    /// The data folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn generation(&self) -> Result<RwLockReadGuard<'_, Arc<Generation>>, StoreError> {
        self.current.read().map_err(|_| poisoned())
    }

    fn uploads(&self) -> Result<MutexGuard<'_, HashMap<u64, Upload>>, StoreError> {
        self.uploads.lock().map_err(|_| poisoned())
    }
}

fn read_high(generation: &Generation) -> Result<u64, StoreError> {
    match generation.counter.get(keys::COUNTER)? {
        Some(v) => Ok(u64::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt("counter"))?)),
        None => Ok(0),
    }
}

fn raise_high(generation: &Generation, counter: &mut Counter) -> Result<(), StoreError> {
    counter.high = counter.next.max(counter.high) + COUNTER_BLOCK;
    generation.counter.insert(keys::COUNTER, &counter.high.to_be_bytes())?;
    Ok(())
}

fn referenced_uploads(generation: &Generation) -> Result<HashSet<u64>, StoreError> {
    let mut set = HashSet::new();
    for value in generation.entries.iter().values() {
        set.insert(Meta::decode(&value?)?.upload.0);
    }
    Ok(set)
}

fn write_current(root: &Path, number: u64) -> Result<(), StoreError> {
    use std::io::Write as _;
    let tmp = root.join("CURRENT.tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(format!("sled-{number}\n").as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, root.join(CURRENT))?;
    fsync_dir(root)
}

fn remove_other_generations(root: &Path, keep: u64) -> Result<(), StoreError> {
    let keep = format!("sled-{keep}");
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("sled-") && name != keep.as_str() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

impl Store for SledStore {
    fn begin(&self) -> Result<UploadId, StoreError> {
        let generation = self.generation()?;
        // Random rather than sequential: concurrent uploads then write to different leaves of
        // `chunk_bytes` instead of all contending for (and repeatedly rewriting) the last one.
        // An id is never reused while its chunks exist.
        loop {
            let id: u64 = rand::random();
            if generation.chunks.scan_prefix(keys::chunk_prefix(UploadId(id))).next().is_some() {
                continue;
            }
            let mut uploads = self.uploads()?;
            if let std::collections::hash_map::Entry::Vacant(slot) = uploads.entry(id) {
                slot.insert(Upload::default());
                return Ok(UploadId(id));
            }
        }
    }

    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError> {
        if chunk.len() > CHUNK_SIZE || chunk.is_empty() {
            return Err(StoreError::BadChunk("a chunk must hold 1 to 65536 bytes"));
        }
        let generation = self.generation()?;
        {
            let uploads = self.uploads()?;
            let state = uploads.get(&upload.0).ok_or(StoreError::UnknownUpload)?;
            if state.chunks != index {
                return Err(StoreError::BadChunk("chunks must arrive in order"));
            }
        }
        generation.chunks.insert(keys::chunk(upload, index), chunk.as_bytes())?;
        let mut uploads = self.uploads()?;
        let state = uploads.get_mut(&upload.0).ok_or(StoreError::UnknownUpload)?;
        state.chunks += 1;
        state.len += chunk.len() as u64;
        Ok(())
    }

    fn commit(&self, upload: UploadId, place: Place, expires: Day) -> Result<Seq, StoreError> {
        let generation = self.generation()?;
        let state = self.uploads()?.remove(&upload.0).ok_or(StoreError::UnknownUpload)?;
        let meta = Meta { upload, len: state.len, chunks: state.chunks, expires };
        let seq = {
            // Numbering and insertion under one lock: entries appear in number order, so a
            // reader's cursor never passes a number that is inserted later.
            let mut counter = self.counter.lock().map_err(|_| poisoned())?;
            counter.next += 1;
            if counter.next >= counter.high {
                raise_high(&generation, &mut counter)?;
                generation.make_durable()?;
            }
            let seq = Seq(counter.next);
            generation.entries.insert(keys::entry(place, seq), &meta.encode())?;
            seq
        };
        generation.make_durable()?;
        Ok(seq)
    }

    fn abort(&self, upload: UploadId) -> Result<(), StoreError> {
        let generation = self.generation()?;
        // Only an upload still in progress owns its chunks; once committed they are the entry's.
        if self.uploads()?.remove(&upload.0).is_some() {
            generation.remove_chunks(upload)?;
            // The discarded chunks' bytes stay in sled's files until the next rewrite.
            generation.mark_reclaim_pending()?;
            generation.make_durable()?;
            self.dirty.store(true, Ordering::SeqCst);
        }
        Ok(())
    }

    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError> {
        let generation = self.generation()?;
        let start = keys::entry(place, Seq(after.map_or(0, |s| s.0.saturating_add(1))));
        let end = keys::entry(place, Seq(u64::MAX));
        let mut out = Vec::new();
        for item in generation.entries.range(start..=end).take(limit) {
            let (k, v) = item?;
            let (_, seq) = keys::parse_entry(&k).ok_or(StoreError::Corrupt("entry key"))?;
            out.push(Meta::decode(&v)?.info(seq));
        }
        Ok(out)
    }

    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError> {
        Ok(self.generation()?.meta(place, seq)?.map(|m| m.info(seq)))
    }

    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError> {
        let generation = self.generation()?;
        let Some(meta) = generation.meta(place, seq)? else { return Ok(None) };
        if index >= meta.chunks {
            return Ok(None);
        }
        match generation.chunks.get(keys::chunk(meta.upload, index))? {
            Some(v) => Ok(Some(Ciphertext::from_sealed_bytes(v.to_vec()))),
            None => Err(StoreError::Corrupt("a committed entry is missing a chunk")),
        }
    }

    fn set_expiry(&self, place: Place, seq: Seq, expires: Day) -> Result<bool, StoreError> {
        let generation = self.generation()?;
        let key = keys::entry(place, seq);
        let Some(mut meta) = generation.meta(place, seq)? else { return Ok(false) };
        meta.expires = expires;
        generation.entries.insert(key, &meta.encode())?;
        generation.make_durable()?;
        Ok(true)
    }

    fn delete(&self, place: Place, seq: Seq) -> Result<bool, StoreError> {
        let generation = self.generation()?;
        let Some(old) = generation.entries.remove(keys::entry(place, seq))? else { return Ok(false) };
        // The entry goes first: a crash before the chunks go leaves orphans that open deletes.
        generation.remove_chunks(Meta::decode(&old)?.upload)?;
        generation.mark_reclaim_pending()?;
        generation.make_durable()?;
        self.dirty.store(true, Ordering::SeqCst);
        Ok(true)
    }

    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError> {
        let generation = self.generation()?;
        let mut expired = Vec::new();
        // A full scan: the store holds thousands of entries, not billions, and a day index
        // would be one more structure to keep consistent across crashes.
        for item in generation.entries.iter() {
            let (k, v) = item?;
            let meta = Meta::decode(&v)?;
            if meta.expires <= today {
                expired.push((k, meta.upload));
            }
        }
        for (k, upload) in &expired {
            generation.entries.remove(k)?;
            generation.remove_chunks(*upload)?;
        }
        if !expired.is_empty() {
            generation.mark_reclaim_pending()?;
            generation.make_durable()?;
            self.dirty.store(true, Ordering::SeqCst);
        }
        Ok(PurgeReport { entries: expired.len() as u64 })
    }

    fn reclaim(&self) -> Result<(), StoreError> {
        // The write lock waits for every operation in flight and holds off new ones while the
        // live data is copied; in-progress uploads keep their chunks.
        let mut current = self.current.write().map_err(|_| poisoned())?;
        // Nothing deleted since the last rewrite: nothing to reclaim, skip the copy.
        if !self.dirty.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let result = self.rewrite(&mut current);
        if result.is_err() {
            self.dirty.store(true, Ordering::SeqCst);
        }
        result
    }
}

impl SledStore {
    /// Copies the live data into a fresh generation and switches to it (see the module docs).
    fn rewrite(&self, current: &mut Arc<Generation>) -> Result<(), StoreError> {
        let old = Arc::clone(current);
        let number = old.number + 1;
        let fresh_dir = self.root.join(format!("sled-{number}"));
        if fresh_dir.exists() {
            std::fs::remove_dir_all(&fresh_dir)?;
        }
        let fresh = open_generation(&self.root, number)?;
        let mut keep: HashSet<u64> = self.uploads()?.keys().copied().collect();
        for item in old.entries.iter() {
            let (k, v) = item?;
            keep.insert(Meta::decode(&v)?.upload.0);
            fresh.entries.insert(k, v)?;
        }
        for item in old.chunks.iter() {
            let (k, v) = item?;
            let upload = keys::parse_chunk_upload(&k).ok_or(StoreError::Corrupt("chunk key"))?;
            if keep.contains(&upload.0) {
                fresh.chunks.insert(k, v)?;
            }
        }
        {
            let mut counter = self.counter.lock().map_err(|_| poisoned())?;
            raise_high(&fresh, &mut counter)?;
        }
        fresh.make_durable()?;
        write_current(&self.root, number)?;
        *current = Arc::new(fresh);
        let old_dir = old.dir.clone();
        drop(old);
        std::fs::remove_dir_all(old_dir)?;
        Ok(())
    }
}
