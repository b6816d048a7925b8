//! The embedded default store: sled 0.34 in a data folder, one database per retention epoch.
//!
//! # Durability (why the code is shaped like this)
//! A write is acknowledged only after it is on disk, and sled 0.34 needs help for that:
//! - **`flush` is not `fsync`.** On Linux, sled's `Db::flush` writes its log buffers with
//!   `pwrite` and then `sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER)`. That starts and waits
//!   for writeback of the byte range but neither flushes the drive's volatile write cache nor
//!   persists the file's metadata (its size, for an appended log). So after every `flush` we
//!   call `fdatasync` ([`File::sync_data`]) on sled's `db` file ourselves; `fdatasync` on any
//!   descriptor of the inode covers the pages sled wrote through its own descriptor.
//! - **Ciphertext is not in sled.** sled keeps what is inserted in memory until its page cache
//!   evicts it, and its cache limit is a loose hint: six parallel 256 MiB uploads held hundreds
//!   of MiB of chunks in the relay's memory. So chunk bytes are appended to one plain file per
//!   epoch, `chunks.log`, written with positioned writes and read with positioned reads, and sled
//!   holds only where each chunk is (offset, length, SHA-256), a few dozen bytes per 64 KiB. The
//!   relay's memory is then a few buffers per upload, whatever arrives (the memory bench in
//!   `examples/memory_bench.rs` measures it). The digest turns a torn or rotted chunk into a
//!   stable `corrupt` error instead of wrong bytes served.
//! - **Order of durability.** A commit first makes the log durable (`fdatasync` of
//!   `chunks.log`), then inserts the entry and makes sled durable. So an entry that exists after
//!   a crash, acknowledged or not, never points at bytes that did not reach the disk.
//! - **Blob files are never synced.** sled writes any log message larger than
//!   `segment_size / 4` to a separate file under `blobs/` and never syncs it. Every value sled
//!   holds is now under 64 bytes and the segment size is 8 MiB, so a leaf (17 small entries)
//!   is far below the 2 MiB inline limit, nothing ever goes to `blobs/`, and the one file we
//!   `fdatasync` holds everything. The crash test asserts that `blobs/` stays empty.
//! - **Group commit.** `fdatasync` costs milliseconds, so concurrent writers share it: each
//!   writer inserts, takes a ticket, and either becomes the leader that runs
//!   `flush + fdatasync` for every ticket issued so far, or waits for a leader whose flush
//!   started after its insert. The chunk log is synced the same way. Throughput is then bounded by the disk's flush rate times the
//!   number of writers per flush, not by one flush per request.
//! - **Visibility.** Chunks are written under an upload id first; the entry that makes them
//!   visible is inserted last, under the commit lock that also hands out its number. Uncommitted
//!   chunks left by a crash are deleted when the store is reopened.
//! - **Numbers** are per place (see the [module docs](super)): the next number of a case stream
//!   or mailbox is one above its newest entry in any epoch, found under the commit lock; the
//!   inbox's counter has a high-water mark in the `inbox-counter` file, written durably (write,
//!   fsync, rename, fsync the folder) before any number above it is handed out, so an inbox
//!   number is never reused after a crash or once every inbox entry has expired.
//! - **Crash mid-upload.** Bytes of uploads that never committed are overwritten with zeros and
//!   their locations deleted on reopen, as an aborted upload's are when it is aborted.
//!
//! # Retention without rewriting
//! Each retention epoch (see [`Retention`]) has its own database folder,
//! `epoch-<first day>-<last day>`. Uploads begun on a day go to the epoch that covers it. When an
//! epoch's expiry day comes, the whole folder is removed: it is renamed to `doomed-...` (one
//! atomic step, after which it is gone from every listing), then deleted once no reader holds
//! it; a crash in between leaves a `doomed-` folder that the next open deletes. Nothing else is
//! ever removed from a database except the chunk locations of an aborted upload, whose bytes
//! are overwritten with zeros in place (the log's space is reclaimed when the epoch goes). So
//! reclaiming space never stops reads or writes and needs no spare disk, and expired ciphertext leaves the data folder on the day it expires (on
//! SSDs and copy-on-write file systems the freed blocks may persist physically: full-disk
//! encryption of the data volume covers that, see `deploy/README.md`).
//!
//! # Layout
//! Trees are named `<key>_<value>`; keys are built only in the private `keys` module:
//! - `entry_meta`: area tag (1 byte: 0 inbox, 1 case, 2 mailbox) ++ owner (32 bytes: zero for
//!   the inbox, the case stream id, or the mailbox address) ++ seq (u64 big-endian) →
//!   upload id (u64 BE) ++ length (u64 BE) ++ chunk count (u32 BE). The expiry day is the
//!   epoch's, so no entry carries a day of its own.
//! - `chunk_extent`: upload id (u64 BE) ++ chunk index (u32 BE) → offset in `chunks.log`
//!   (u64 BE) ++ length (u32 BE, 1 to 64 KiB) ++ SHA-256 of the chunk (32 bytes).
//! - `chunks.log` (a plain file beside sled's): chunk ciphertext, back to back, in arrival order.
//! - `chunk_bytes`: the chunk bytes themselves, as the first version of the epoch layout kept
//!   them; read if present, never written.
//!
//! A data folder of the earlier single-database layout (`CURRENT` naming `sled-<n>`, with a
//! per-entry expiry day and one counter for every place) is converted on open: each live entry
//! moves, with its number, to the epoch whose expiry is the first on or after its own, and the
//! old folder is deleted once the new ones are durable. Numbers given before the conversion keep
//! the shared counter's gaps until those entries expire.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use candour_core::wire::Ciphertext;
use candour_core::Day;

use super::{EntryInfo, Place, PurgeReport, Retention, Seq, Store, StoreError, UploadId, CHUNK_SIZE};

const TREE_ENTRY_META: &str = "entry_meta";
const TREE_CHUNK_EXTENT: &str = "chunk_extent";
/// Chunks stored in sled itself, by the first version of the epoch layout and by the earlier
/// layout: read, never written.
const TREE_CHUNK_BYTES: &str = "chunk_bytes";
const CHUNK_LOG: &str = "chunks.log";
const INBOX_COUNTER: &str = "inbox-counter";
const EPOCH_PREFIX: &str = "epoch-";
const DOOMED_PREFIX: &str = "doomed-";
const READY_CHECK_PREFIX: &str = "ready-check-";
/// The earlier layout's pointer file.
const LEGACY_CURRENT: &str = "CURRENT";
/// Inbox numbers reserved per durable high-water update.
const COUNTER_BLOCK: u64 = 4096;
/// 8 MiB: see the module docs on blob files.
const SEGMENT_SIZE: usize = 8 * 1024 * 1024;
/// Free space the relay always leaves, whatever the configured reserve: two of sled's segments.
/// A write sled itself cannot complete (a full disk under its log) puts the whole database in
/// an error state that fails every later read until a restart, so a full disk must always be
/// met in the chunk log, whose failed write only refuses the upload under way.
pub const SLED_HEADROOM_BYTES: u64 = 2 * SEGMENT_SIZE as u64;
/// Chunks of an upload between checks of the free space (1 MiB).
const FREE_CHECK_CHUNKS: u32 = 16;
/// sled's page cache per epoch database. About fourteen epochs are open at once with the
/// default retention, and old epochs are read rarely: memory stays bounded.
const CACHE_PER_EPOCH: u64 = 4 * 1024 * 1024;

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

    /// `chunk_extent` (and `chunk_bytes`) key: upload ++ index.
    pub fn chunk(upload: UploadId, index: u32) -> [u8; 12] {
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&upload.0.to_be_bytes());
        k[8..].copy_from_slice(&index.to_be_bytes());
        k
    }

    /// `chunk_extent` prefix of one upload.
    pub fn chunk_prefix(upload: UploadId) -> [u8; 8] {
        upload.0.to_be_bytes()
    }

    /// The upload a `chunk_extent` key belongs to.
    pub fn parse_chunk_upload(k: &[u8]) -> Option<UploadId> {
        Some(UploadId(u64::from_be_bytes(k.get(..8)?.try_into().ok()?)))
    }
}

#[derive(Clone, Copy)]
struct Meta {
    upload: UploadId,
    len: u64,
    chunks: u32,
}

impl Meta {
    fn encode(&self) -> [u8; 20] {
        let mut v = [0u8; 20];
        v[..8].copy_from_slice(&self.upload.0.to_be_bytes());
        v[8..16].copy_from_slice(&self.len.to_be_bytes());
        v[16..20].copy_from_slice(&self.chunks.to_be_bytes());
        v
    }

    fn decode(v: &[u8]) -> Result<Meta, StoreError> {
        let bad = || StoreError::Corrupt("entry metadata");
        let v: &[u8; 20] = v.try_into().map_err(|_| bad())?;
        Ok(Meta {
            upload: UploadId(v[..8].try_into().map(u64::from_be_bytes).map_err(|_| bad())?),
            len: v[8..16].try_into().map(u64::from_be_bytes).map_err(|_| bad())?,
            chunks: v[16..20].try_into().map(u32::from_be_bytes).map_err(|_| bad())?,
        })
    }
}

/// Where a chunk's bytes are in `chunks.log`.
struct Extent {
    offset: u64,
    len: u32,
    sha256: [u8; 32],
}

impl Extent {
    fn encode(&self) -> [u8; 44] {
        let mut v = [0u8; 44];
        v[..8].copy_from_slice(&self.offset.to_be_bytes());
        v[8..12].copy_from_slice(&self.len.to_be_bytes());
        v[12..].copy_from_slice(&self.sha256);
        v
    }

    fn decode(v: &[u8]) -> Result<Extent, StoreError> {
        let bad = || StoreError::Corrupt("chunk location");
        let v: &[u8; 44] = v.try_into().map_err(|_| bad())?;
        Ok(Extent {
            offset: v[..8].try_into().map(u64::from_be_bytes).map_err(|_| bad())?,
            len: v[8..12].try_into().map(u32::from_be_bytes).map_err(|_| bad())?,
            sha256: v[12..].try_into().map_err(|_| bad())?,
        })
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
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

/// Group commit of one file's durability: callers share a sync that started after they asked.
#[derive(Default)]
struct GroupSync {
    state: Mutex<FlushState>,
    done: Condvar,
}

impl GroupSync {
    /// Returns once `sync` has completed, having started after this call began.
    fn run(&self, sync: impl Fn() -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        state.issued += 1;
        let ticket = state.issued;
        loop {
            if state.flushed >= ticket {
                return Ok(());
            }
            if state.flushing {
                state = self.done.wait(state).map_err(|_| poisoned())?;
                continue;
            }
            state.flushing = true;
            let target = state.issued;
            drop(state);
            let result = sync();
            state = self.state.lock().map_err(|_| poisoned())?;
            state.flushing = false;
            if result.is_ok() {
                state.flushed = state.flushed.max(target);
            }
            self.done.notify_all();
            result?;
        }
    }
}

/// One epoch's database.
struct Epoch {
    first: Day,
    last: Day,
    dir: PathBuf,
    db: sled::Db,
    entries: sled::Tree,
    extents: sled::Tree,
    /// Chunks of the first epoch layout, kept in sled (read only).
    chunk_bytes: sled::Tree,
    db_file: File,
    db_sync: GroupSync,
    log: File,
    /// The end of `chunks.log`, where the next chunk goes.
    log_end: Mutex<u64>,
    log_sync: GroupSync,
}

impl Epoch {
    fn folder_name(first: Day, last: Day) -> String {
        format!("{EPOCH_PREFIX}{first}-{last}")
    }

    /// `epoch-YYYY-MM-DD-YYYY-MM-DD` back to its days.
    fn parse_folder_name(name: &str) -> Option<(Day, Day)> {
        let rest = name.strip_prefix(EPOCH_PREFIX)?;
        if rest.len() != 21 || rest.as_bytes()[10] != b'-' {
            return None;
        }
        let first: Day = rest[..10].parse().ok()?;
        let last: Day = rest[11..].parse().ok()?;
        (first <= last).then_some((first, last))
    }

    fn open(root: &Path, first: Day, last: Day) -> Result<Epoch, StoreError> {
        let dir = root.join(Epoch::folder_name(first, last));
        let db = sled::Config::new()
            .path(&dir)
            .segment_size(SEGMENT_SIZE)
            .cache_capacity(CACHE_PER_EPOCH)
            .flush_every_ms(None)
            .mode(sled::Mode::HighThroughput)
            .open()?;
        let entries = db.open_tree(TREE_ENTRY_META)?;
        let extents = db.open_tree(TREE_CHUNK_EXTENT)?;
        let chunk_bytes = db.open_tree(TREE_CHUNK_BYTES)?;
        let db_file = File::options().read(true).open(dir.join("db"))?;
        let log = File::options().read(true).write(true).create(true).truncate(false).open(dir.join(CHUNK_LOG))?;
        let log_end = log.metadata()?.len();
        fsync_dir(&dir)?;
        fsync_dir(root)?;
        Ok(Epoch {
            first,
            last,
            dir,
            db,
            entries,
            extents,
            chunk_bytes,
            db_file,
            db_sync: GroupSync::default(),
            log,
            log_end: Mutex::new(log_end),
            log_sync: GroupSync::default(),
        })
    }

    /// Returns once everything inserted into sled before the call is on disk.
    fn make_durable(&self) -> Result<(), StoreError> {
        self.db_sync.run(|| {
            self.db.flush()?;
            self.db_file.sync_data()?;
            Ok(())
        })
    }

    /// Returns once every chunk appended to the log before the call is on disk.
    fn make_log_durable(&self) -> Result<(), StoreError> {
        self.log_sync.run(|| Ok(self.log.sync_data()?))
    }

    /// Appends a chunk to the log and records where it is (not yet durable).
    fn put_chunk(&self, upload: UploadId, index: u32, bytes: &[u8]) -> Result<(), StoreError> {
        use std::os::unix::fs::FileExt as _;
        let len = u32::try_from(bytes.len()).map_err(|_| StoreError::BadChunk("a chunk is too large"))?;
        // Room is taken under the lock, the write happens outside it: parallel uploads write
        // at once. A failed write leaves a gap no extent points at.
        let offset = {
            let mut end = self.log_end.lock().map_err(|_| poisoned())?;
            let offset = *end;
            *end += u64::from(len);
            offset
        };
        self.log.write_all_at(bytes, offset)?;
        let extent = Extent { offset, len, sha256: sha256(bytes) };
        self.extents.insert(keys::chunk(upload, index), &extent.encode()[..])?;
        Ok(())
    }

    /// A stored chunk's bytes, checked against the digest recorded with them.
    fn read_chunk(&self, upload: UploadId, index: u32) -> Result<Option<Vec<u8>>, StoreError> {
        use std::os::unix::fs::FileExt as _;
        let key = keys::chunk(upload, index);
        if let Some(v) = self.extents.get(key)? {
            let extent = Extent::decode(&v)?;
            let mut bytes = vec![0u8; extent.len as usize];
            self.log.read_exact_at(&mut bytes, extent.offset).map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => StoreError::Corrupt("the chunk log is shorter than its index"),
                _ => e.into(),
            })?;
            if sha256(&bytes) != extent.sha256 {
                return Err(StoreError::Corrupt("a stored chunk does not match its digest"));
            }
            return Ok(Some(bytes));
        }
        Ok(self.chunk_bytes.get(key)?.map(|v| v.to_vec()))
    }

    /// Whether any chunk of `upload` is recorded.
    fn has_chunks(&self, upload: UploadId) -> Result<bool, StoreError> {
        let prefix = keys::chunk_prefix(upload);
        Ok(self.extents.scan_prefix(prefix).next().transpose()?.is_some()
            || self.chunk_bytes.scan_prefix(prefix).next().transpose()?.is_some())
    }

    fn meta(&self, place: Place, seq: Seq) -> Result<Option<Meta>, StoreError> {
        self.entries.get(keys::entry(place, seq))?.map(|v| Meta::decode(&v)).transpose()
    }

    /// The newest number at `place` in this epoch.
    fn newest(&self, place: Place) -> Result<Option<Seq>, StoreError> {
        let range = keys::entry(place, Seq(0))..=keys::entry(place, Seq(u64::MAX));
        match self.entries.range(range).next_back() {
            Some(item) => {
                let (k, _) = item?;
                Ok(Some(keys::parse_entry(&k).ok_or(StoreError::Corrupt("entry key"))?.1))
            }
            None => Ok(None),
        }
    }

    fn remove_chunks(&self, upload: UploadId) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut extents = Vec::new();
        for item in self.extents.scan_prefix(keys::chunk_prefix(upload)) {
            let (key, value) = item?;
            extents.push(Extent::decode(&value)?);
            batch.remove(key);
        }
        self.erase(&extents)?;
        self.extents.apply_batch(batch)?;
        Ok(())
    }

    /// Overwrites the bytes of chunks no entry will ever reference (an aborted upload, or one a
    /// crash cut short) with zeros, durably, before their locations go: a seized disk holds no
    /// ciphertext of an upload that never became an entry. (On SSDs and copy-on-write file
    /// systems the old blocks may persist physically; full-disk encryption covers that.)
    fn erase(&self, extents: &[Extent]) -> Result<(), StoreError> {
        use std::os::unix::fs::FileExt as _;
        if extents.is_empty() {
            return Ok(());
        }
        let zeros = vec![0u8; extents.iter().map(|e| e.len as usize).max().unwrap_or(0)];
        for extent in extents {
            self.log.write_all_at(&zeros[..extent.len as usize], extent.offset)?;
        }
        self.make_log_durable()
    }

    /// Deletes the locations (and, in the first layout, the bytes) of chunks that no entry
    /// references (a crash mid-upload).
    fn remove_orphans(&self) -> Result<(), StoreError> {
        let mut referenced = HashSet::new();
        for value in self.entries.iter().values() {
            referenced.insert(Meta::decode(&value?)?.upload.0);
        }
        let orphaned = |key: &[u8]| -> Result<bool, StoreError> {
            let upload = keys::parse_chunk_upload(key).ok_or(StoreError::Corrupt("chunk key"))?;
            Ok(!referenced.contains(&upload.0))
        };
        // Chunk locations in the log: their bytes are erased before the locations go.
        let mut batch = sled::Batch::default();
        let mut extents = Vec::new();
        for item in self.extents.iter() {
            let (key, value) = item?;
            if orphaned(&key)? {
                extents.push(Extent::decode(&value)?);
                batch.remove(key);
            }
        }
        self.erase(&extents)?;
        self.extents.apply_batch(batch)?;
        // Chunks of the first layout, bytes and all, in sled: keys alone are enough.
        let mut batch = sled::Batch::default();
        for key in self.chunk_bytes.iter().keys() {
            let key = key?;
            if orphaned(&key)? {
                batch.remove(key);
            }
        }
        self.chunk_bytes.apply_batch(batch)?;
        Ok(())
    }
}

#[derive(Default)]
struct Counter {
    next: u64,
    high: u64,
}

struct Upload {
    epoch: Day,
    chunks: u32,
    len: u64,
}

/// sled in a data folder, one database per retention epoch. See the module documentation for
/// the durability and retention arguments.
pub struct SledStore {
    root: PathBuf,
    retention: Retention,
    /// Open epochs by their first day.
    epochs: RwLock<BTreeMap<Day, Arc<Epoch>>>,
    /// Hands out numbers and inserts entries, one commit at a time.
    commit: Mutex<()>,
    inbox: Mutex<Counter>,
    /// Uploads in progress; not persisted, so a restart discards them.
    uploads: Mutex<HashMap<u64, Upload>>,
    /// Below this much free space on the data folder's file system the store takes no new
    /// uploads and says it cannot take writes ([`Store::check_writable`]).
    min_free_bytes: std::sync::atomic::AtomicU64,
}

/// The free space below which a store is not ready, by default: room for a few uploads.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 256 * 1024 * 1024;

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore").field("root", &self.root).field("retention", &self.retention).finish()
    }
}

fn poisoned() -> StoreError {
    StoreError::Io("a writer panicked".into())
}

fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// Writes a small file durably: temporary file, fsync, rename, fsync the folder.
fn write_durably(root: &Path, name: &str, contents: &[u8]) -> Result<(), StoreError> {
    use std::io::Write as _;
    let tmp = root.join(format!("{name}.tmp"));
    let mut f = File::create(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    std::fs::rename(&tmp, root.join(name))?;
    fsync_dir(root)
}

fn read_inbox_counter(root: &Path) -> Result<u64, StoreError> {
    match std::fs::read_to_string(root.join(INBOX_COUNTER)) {
        Ok(text) => text.trim().parse().map_err(|_| StoreError::Corrupt("the inbox-counter file")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into()),
    }
}

impl SledStore {
    /// Opens (or creates) the store in a data folder with the default retention.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, StoreError> {
        SledStore::open_with(root, Retention::DEFAULT)
    }

    /// Opens (or creates) the store in a data folder, discarding uncommitted uploads and
    /// leftovers of an interrupted purge, and converting a folder of the earlier layout.
    pub fn open_with(root: impl AsRef<Path>, retention: Retention) -> Result<Self, StoreError> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root)?;
        if root.join(LEGACY_CURRENT).exists() {
            legacy::convert(&root, retention)?;
        }
        let mut epochs = BTreeMap::new();
        for entry in std::fs::read_dir(&root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(DOOMED_PREFIX) {
                std::fs::remove_dir_all(entry.path())?;
            } else if let Some((first, last)) = Epoch::parse_folder_name(&name) {
                let epoch = Epoch::open(&root, first, last)?;
                epoch.remove_orphans()?;
                epochs.insert(first, Arc::new(epoch));
            } else if name.ends_with(".tmp") || name.starts_with(READY_CHECK_PREFIX) {
                std::fs::remove_file(entry.path())?;
            }
        }
        let mut newest_inbox = 0;
        for epoch in epochs.values() {
            newest_inbox = newest_inbox.max(epoch.newest(Place::Inbox)?.map_or(0, |s| s.0));
        }
        let high = read_inbox_counter(&root)?.max(newest_inbox);
        let store = SledStore {
            root,
            retention,
            epochs: RwLock::new(epochs),
            commit: Mutex::new(()),
            inbox: Mutex::new(Counter { next: high, high }),
            uploads: Mutex::new(HashMap::new()),
            min_free_bytes: std::sync::atomic::AtomicU64::new(DEFAULT_MIN_FREE_BYTES),
        };
        for epoch in store.epochs()? {
            epoch.make_durable()?;
        }
        // Reserve a first block of inbox numbers now, durably, so the first commit does not
        // pay for it.
        {
            let mut counter = store.inbox.lock().map_err(|_| poisoned())?;
            store.raise_inbox_high(&mut counter)?;
        }
        Ok(store)
    }

    /// Sets the free space below which new uploads are refused and [`Store::check_writable`]
    /// fails (uploads under way may use a quarter of it); 0 checks nothing.
    pub fn set_min_free_bytes(&self, bytes: u64) {
        self.min_free_bytes.store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// The data folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every place that holds an entry, in every epoch: what a backup check reads back
    /// (`crate::backup`). The relay itself never needs it: it is asked for places by name.
    pub fn places(&self) -> Result<Vec<Place>, StoreError> {
        let mut places = std::collections::BTreeSet::new();
        for epoch in self.epochs()? {
            for item in epoch.entries.iter() {
                let (key, _) = item?;
                let (place, _) = keys::parse_entry(&key).ok_or(StoreError::Corrupt("entry key"))?;
                places.insert(place.key_parts());
            }
        }
        places
            .into_iter()
            .map(|(tag, owner)| Place::from_key_parts(tag, owner).ok_or(StoreError::Corrupt("place")))
            .collect()
    }

    /// The free space new uploads need: the configured reserve, and never less than
    /// [`SLED_HEADROOM_BYTES`].
    fn min_free(&self) -> u64 {
        self.min_free_bytes.load(std::sync::atomic::Ordering::Relaxed).max(SLED_HEADROOM_BYTES)
    }

    /// `disk-full` unless the data folder's file system has `bytes` free.
    fn check_free(&self, bytes: u64) -> Result<(), StoreError> {
        if bytes > 0 && fs2::available_space(&self.root)? < bytes {
            return Err(StoreError::DiskFull);
        }
        Ok(())
    }

    fn epochs(&self) -> Result<Vec<Arc<Epoch>>, StoreError> {
        Ok(self.epochs.read().map_err(|_| poisoned())?.values().cloned().collect())
    }

    fn epoch(&self, first: Day) -> Result<Arc<Epoch>, StoreError> {
        self.epochs.read().map_err(|_| poisoned())?.get(&first).cloned().ok_or(StoreError::UnknownUpload)
    }

    /// The epoch covering `today`, opened now if it is new.
    fn epoch_for(&self, today: Day) -> Result<Arc<Epoch>, StoreError> {
        {
            let epochs = self.epochs.read().map_err(|_| poisoned())?;
            if let Some((_, e)) = epochs.range(..=today).next_back() {
                if e.last >= today {
                    return Ok(Arc::clone(e));
                }
            }
        }
        let mut epochs = self.epochs.write().map_err(|_| poisoned())?;
        if let Some((_, e)) = epochs.range(..=today).next_back() {
            if e.last >= today {
                return Ok(Arc::clone(e));
            }
        }
        // On the grid, but never overlapping an existing epoch (the grid may have changed).
        let mut first = self.retention.epoch_start(today);
        if let Some((_, before)) = epochs.range(..=today).next_back() {
            first = first.max(before.last.plus_days(1));
        }
        let mut last = first.plus_days(i64::from(self.retention.epoch_days.max(1)) - 1);
        if let Some((&next, _)) = epochs.range(today.plus_days(1)..).next() {
            last = last.min(next.plus_days(-1));
        }
        let epoch = Arc::new(Epoch::open(&self.root, first, last)?);
        epochs.insert(first, Arc::clone(&epoch));
        Ok(epoch)
    }

    fn uploads(&self) -> Result<MutexGuard<'_, HashMap<u64, Upload>>, StoreError> {
        self.uploads.lock().map_err(|_| poisoned())
    }

    fn raise_inbox_high(&self, counter: &mut Counter) -> Result<(), StoreError> {
        let high = counter.next.max(counter.high) + COUNTER_BLOCK;
        write_durably(&self.root, INBOX_COUNTER, format!("{high}\n").as_bytes())?;
        counter.high = high;
        Ok(())
    }

    fn info_in(&self, epoch: &Epoch, seq: Seq, meta: &Meta) -> EntryInfo {
        EntryInfo { seq, len: meta.len, chunks: meta.chunks, expires: self.retention.expires_after(epoch.last) }
    }

    /// The epoch holding an entry, and its metadata.
    fn find(&self, place: Place, seq: Seq) -> Result<Option<(Arc<Epoch>, Meta)>, StoreError> {
        for epoch in self.epochs()?.into_iter().rev() {
            if let Some(meta) = epoch.meta(place, seq)? {
                return Ok(Some((epoch, meta)));
            }
        }
        Ok(None)
    }
}

impl Store for SledStore {
    fn retention(&self) -> Retention {
        self.retention
    }

    fn begin(&self, today: Day) -> Result<UploadId, StoreError> {
        // A new upload only while the reserve is free (see `Config::min_free_mib`).
        self.check_free(self.min_free())?;
        let epoch = self.epoch_for(today)?;
        // Random rather than sequential: concurrent uploads then write to different leaves of
        // `chunk_extent` instead of all contending for (and repeatedly rewriting) the last one.
        // An id is never reused while its chunks exist.
        loop {
            let id: u64 = rand::random();
            if epoch.has_chunks(UploadId(id))? {
                continue;
            }
            let mut uploads = self.uploads()?;
            if let std::collections::hash_map::Entry::Vacant(slot) = uploads.entry(id) {
                slot.insert(Upload { epoch: epoch.first, chunks: 0, len: 0 });
                return Ok(UploadId(id));
            }
        }
    }

    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError> {
        if chunk.len() > CHUNK_SIZE || chunk.is_empty() {
            return Err(StoreError::BadChunk("a chunk must hold 1 to 65536 bytes"));
        }
        let first = {
            let uploads = self.uploads()?;
            let state = uploads.get(&upload.0).ok_or(StoreError::UnknownUpload)?;
            if state.chunks != index {
                return Err(StoreError::BadChunk("chunks must arrive in order"));
            }
            state.epoch
        };
        // Uploads under way may dig into a quarter of the reserve, checked once per MiB, so
        // sled's own small writes never meet a full disk.
        if index % FREE_CHECK_CHUNKS == 0 {
            self.check_free(self.min_free() / 4 * 3)?;
        }
        self.epoch(first)?.put_chunk(upload, index, chunk.as_bytes())?;
        let mut uploads = self.uploads()?;
        let state = uploads.get_mut(&upload.0).ok_or(StoreError::UnknownUpload)?;
        state.chunks += 1;
        state.len += chunk.len() as u64;
        Ok(())
    }

    fn commit(&self, upload: UploadId, place: Place) -> Result<EntryInfo, StoreError> {
        let state = self.uploads()?.remove(&upload.0).ok_or(StoreError::UnknownUpload)?;
        let epoch = self.epoch(state.epoch)?;
        let meta = Meta { upload, len: state.len, chunks: state.chunks };
        // The bytes first: an entry must never outlive them (see the module docs).
        epoch.make_log_durable()?;
        let seq = {
            // Numbering and insertion under one lock: entries appear in number order, so a
            // reader's cursor never passes a number that is inserted later.
            let _commit = self.commit.lock().map_err(|_| poisoned())?;
            let seq = if place == Place::Inbox {
                let mut counter = self.inbox.lock().map_err(|_| poisoned())?;
                counter.next += 1;
                if counter.next >= counter.high {
                    self.raise_inbox_high(&mut counter)?;
                }
                Seq(counter.next)
            } else {
                let mut newest = 0;
                for e in self.epochs()? {
                    newest = newest.max(e.newest(place)?.map_or(0, |s| s.0));
                }
                Seq(newest + 1)
            };
            epoch.entries.insert(keys::entry(place, seq), &meta.encode())?;
            seq
        };
        epoch.make_durable()?;
        Ok(self.info_in(&epoch, seq, &meta))
    }

    fn abort(&self, upload: UploadId) -> Result<(), StoreError> {
        // Only an upload still in progress owns its chunks; once committed they are the entry's.
        let Some(state) = self.uploads()?.remove(&upload.0) else { return Ok(()) };
        // The epoch may have been purged meanwhile, chunks and all.
        let Ok(epoch) = self.epoch(state.epoch) else { return Ok(()) };
        epoch.remove_chunks(upload)?;
        epoch.make_durable()
    }

    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError> {
        let start = keys::entry(place, Seq(after.map_or(0, |s| s.0.saturating_add(1))));
        let end = keys::entry(place, Seq(u64::MAX));
        let mut out = Vec::new();
        for epoch in self.epochs()? {
            for item in epoch.entries.range(start..=end).take(limit) {
                let (k, v) = item?;
                let (_, seq) = keys::parse_entry(&k).ok_or(StoreError::Corrupt("entry key"))?;
                out.push(self.info_in(&epoch, seq, &Meta::decode(&v)?));
            }
        }
        // A place's entries can span epochs (and, after a conversion, out of order): merge.
        out.sort_by_key(|e| e.seq);
        out.truncate(limit);
        Ok(out)
    }

    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError> {
        Ok(self.find(place, seq)?.map(|(epoch, meta)| self.info_in(&epoch, seq, &meta)))
    }

    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError> {
        let Some((epoch, meta)) = self.find(place, seq)? else { return Ok(None) };
        if index >= meta.chunks {
            return Ok(None);
        }
        match epoch.read_chunk(meta.upload, index)? {
            Some(v) => Ok(Some(Ciphertext::from_sealed_bytes(v))),
            None => Err(StoreError::Corrupt("a committed entry is missing a chunk")),
        }
    }

    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError> {
        let mut report = PurgeReport::default();
        let expired: Vec<Arc<Epoch>> = {
            let mut epochs = self.epochs.write().map_err(|_| poisoned())?;
            let firsts: Vec<Day> =
                epochs.values().filter(|e| self.retention.expires_after(e.last) <= today).map(|e| e.first).collect();
            firsts.iter().filter_map(|f| epochs.remove(f)).collect()
        };
        for epoch in expired {
            report.entries += epoch.entries.len() as u64;
            report.epochs += 1;
            let doomed = self.root.join(format!("{DOOMED_PREFIX}{}", Epoch::folder_name(epoch.first, epoch.last)));
            // One atomic step takes the epoch out of every future open; then its files go.
            std::fs::rename(&epoch.dir, &doomed)?;
            fsync_dir(&self.root)?;
            // Readers in flight hold the epoch for the length of one call.
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut epoch = epoch;
            let alone = loop {
                match Arc::try_unwrap(epoch) {
                    Ok(alone) => break Some(alone),
                    Err(shared) if Instant::now() < deadline => {
                        epoch = shared;
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => break None,
                }
            };
            // Still held after 30 s: the folder is renamed already, the next open deletes it.
            if let Some(alone) = alone {
                drop(alone);
                std::fs::remove_dir_all(&doomed)?;
            }
        }
        Ok(report)
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        // Nearly full is not ready: new uploads are refused.
        self.check_free(self.min_free())?;
        // The same path as every durable write: the folder's disk must accept a write and an
        // fsync. A random name, so concurrent checks do not meet.
        let name = format!("{READY_CHECK_PREFIX}{:016x}", rand::random::<u64>());
        write_durably(&self.root, &name, b"ok\n")?;
        std::fs::remove_file(self.root.join(&name))?;
        fsync_dir(&self.root)
    }
}

/// Conversion of a data folder of the earlier layout (see the module docs).
mod legacy {
    use super::*;

    /// Copies every live entry of `sled-<n>` into epochs, then removes the old layout. Safe to
    /// repeat after a crash: epochs made by an interrupted conversion are deleted first, and the
    /// old folder stays until `CURRENT` is removed, the single step that ends the conversion.
    pub(super) fn convert(root: &Path, retention: Retention) -> Result<(), StoreError> {
        let current = std::fs::read_to_string(root.join(LEGACY_CURRENT))?;
        let old_dir = root.join(current.trim());
        if !current.trim().starts_with("sled-") || !old_dir.is_dir() {
            return Err(StoreError::Corrupt("the CURRENT file of the earlier layout"));
        }
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            if Epoch::parse_folder_name(&entry.file_name().to_string_lossy()).is_some() {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        let old = sled::Config::new().path(&old_dir).segment_size(SEGMENT_SIZE).flush_every_ms(None).open()?;
        let entries = old.open_tree(TREE_ENTRY_META)?;
        let chunks = old.open_tree(TREE_CHUNK_BYTES)?;
        let counter = old.open_tree("counter_high")?;
        let mut epochs: BTreeMap<Day, Epoch> = BTreeMap::new();
        let today = Day::from_unix_seconds(crate::clock::unix_now());
        let mut inbox_high = match counter.get(b"seq")? {
            Some(v) => u64::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt("counter"))?),
            None => 0,
        };
        for item in entries.iter() {
            let (k, v) = item?;
            let v: &[u8; 28] = v.as_ref().try_into().map_err(|_| StoreError::Corrupt("entry metadata"))?;
            let meta = Meta::decode(&v[..20])?;
            let expires = Day::from_days_since_epoch(i64::from_be_bytes(
                v[20..].try_into().map_err(|_| StoreError::Corrupt("day"))?,
            ));
            if expires <= today {
                continue; // the earlier store would have purged it
            }
            // The first epoch on the grid whose expiry is on or after the entry's own.
            let first = retention.epoch_start(expires.plus_days(-1 - i64::from(retention.days)));
            let last = first.plus_days(i64::from(retention.epoch_days.max(1)) - 1);
            if let std::collections::btree_map::Entry::Vacant(slot) = epochs.entry(first) {
                slot.insert(Epoch::open(root, first, last)?);
            }
            let epoch = epochs.get(&first).ok_or(StoreError::Corrupt("epoch"))?;
            for index in 0..meta.chunks {
                let bytes = chunks
                    .get(keys::chunk(meta.upload, index))?
                    .ok_or(StoreError::Corrupt("a committed entry is missing a chunk"))?;
                epoch.put_chunk(meta.upload, index, &bytes)?;
            }
            // Made durable below, log first; a crash before `CURRENT` goes repeats all this.
            epoch.entries.insert(&k, &meta.encode())?;
            if let Some((Place::Inbox, seq)) = keys::parse_entry(&k) {
                inbox_high = inbox_high.max(seq.0);
            }
        }
        for epoch in epochs.values() {
            epoch.make_log_durable()?;
            epoch.make_durable()?;
        }
        drop(epochs);
        drop(old);
        write_durably(root, INBOX_COUNTER, format!("{inbox_high}\n").as_bytes())?;
        std::fs::remove_file(root.join(LEGACY_CURRENT))?;
        fsync_dir(root)?;
        // The old database and any generation an interrupted rewrite of the earlier layout left.
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with("sled-") && entry.path().is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Every caller's data is synced by a sync that started after it asked: one caller, one
    /// sync; a failed sync is reported and the next caller syncs again; callers that queue
    /// behind a sync in progress share the next one instead of each running their own.
    #[test]
    fn group_sync_runs_a_sync_for_every_caller_and_shares_it_between_waiting_ones() {
        let group = GroupSync::default();
        let runs = AtomicU32::new(0);
        let counted = || {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(())
        };
        group.run(counted).expect("sync");
        assert_eq!(runs.load(Ordering::SeqCst), 1, "a lone caller's sync runs");
        group.run(counted).expect("sync");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "and runs again for the next caller");
        let failed = group.run(|| Err(StoreError::Io("disk gone".into())));
        assert!(matches!(failed, Err(StoreError::Io(m)) if m == "disk gone"));
        group.run(counted).expect("sync");
        assert_eq!(runs.load(Ordering::SeqCst), 3, "a failure covers nobody");

        // Eight callers arrive while one slow sync runs: it started before they asked, so it
        // covers none of them, and they share what follows rather than running eight.
        let group = Arc::new(GroupSync::default());
        let runs = Arc::new(AtomicU32::new(0));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let (group, runs) = (Arc::clone(&group), Arc::clone(&runs));
            std::thread::spawn(move || {
                group.run(|| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    started_tx.send(()).expect("started");
                    release_rx.recv().expect("released");
                    Ok(())
                })
            })
        };
        started_rx.recv().expect("the first sync is running");
        let waiting: Vec<_> = (0..8)
            .map(|_| {
                let (group, runs) = (Arc::clone(&group), Arc::clone(&runs));
                std::thread::spawn(move || {
                    group.run(|| {
                        runs.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                })
            })
            .collect();
        // Waits on the state itself, not on time: each waiter has taken its ticket once
        // `issued` counts it (bounded, so a broken group fails rather than hangs).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while group.state.lock().expect("lock").issued < 9 {
            assert!(std::time::Instant::now() < deadline, "the waiters never asked");
            std::thread::yield_now();
        }
        release_tx.send(()).expect("release");
        first.join().expect("join").expect("sync");
        for w in waiting {
            w.join().expect("join").expect("sync");
        }
        let total = runs.load(Ordering::SeqCst);
        assert!((2..=9).contains(&total), "{total} syncs");
        assert!(total < 9, "the waiting callers shared a sync: {total}");
    }
}
