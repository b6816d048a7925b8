//! One storage story, run against every backend, so no backend rots.

mod common;

use candour_core::wire::{CaseStreamId, Ciphertext};
use candour_core::Day;
use candour_relay::store::conformance::{bad_input, blob, concurrent_commits, day, reopen_keeps_committed, story};
use candour_relay::store::{
    put_blob, read_blob, MemoryStore, Place, Retention, Seq, SledStore, Store, StoreError, CHUNK_SIZE,
};
use common::{reopen, reopen_sled};

#[test]
fn memory_store_tells_the_story() {
    story(&MemoryStore::new());
}

#[test]
fn sled_store_tells_the_story() {
    let dir = tempfile::tempdir().expect("tempdir");
    story(&SledStore::open(dir.path()).expect("open"));
}

#[test]
fn stores_with_another_retention_tell_the_story() {
    let short = Retention { days: 30, epoch_days: 7 };
    story(&MemoryStore::with_retention(short));
    let dir = tempfile::tempdir().expect("tempdir");
    story(&SledStore::open_with(dir.path(), short).expect("open"));
}

#[test]
fn every_store_refuses_bad_input_and_keeps_what_it_holds() {
    bad_input(&MemoryStore::new());
    let dir = tempfile::tempdir().expect("tempdir");
    bad_input(&SledStore::open(dir.path()).expect("open"));
}

#[test]
fn every_store_numbers_concurrent_commits_once_each() {
    concurrent_commits(&MemoryStore::new(), 4, 10);
    let dir = tempfile::tempdir().expect("tempdir");
    concurrent_commits(&SledStore::open(dir.path()).expect("open"), 4, 10);
}

#[test]
fn sled_store_keeps_committed_and_drops_uncommitted_across_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    reopen_keeps_committed(&|| Box::new(reopen(dir.path())));
    // The uncommitted chunk's bytes are gone from the disk, not just unlisted.
    let orphan = blob(2, 1000).as_bytes()[100..164].to_vec();
    let mut folders = vec![dir.path().to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("readable");
                assert!(!bytes.windows(orphan.len()).any(|w| w == orphan), "{} keeps the orphan", path.display());
            }
        }
    }
}

/// A data folder written by the earlier single-database layout (one `sled-0` with a counter for
/// every place and an expiry day per entry) opens with every live entry readable under its
/// number, and nothing of the old layout left.
#[test]
fn a_data_folder_of_the_earlier_layout_is_converted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let today = Day::from_unix_seconds(candour_relay::clock::unix_now());
    let case = Place::Case(CaseStreamId([7; 32]));
    {
        let old = sled::Config::new()
            .path(dir.path().join("sled-0"))
            .segment_size(8 * 1024 * 1024)
            // No background flusher, so dropping the database lets go of its lock at once.
            .flush_every_ms(None)
            .open()
            .expect("old database");
        let entries = old.open_tree("entry_meta").expect("tree");
        let chunks = old.open_tree("chunk_bytes").expect("tree");
        let counter = old.open_tree("counter_high").expect("tree");
        let put = |place: Place, seq: u64, upload: u64, data: &[u8], expires: Day| {
            let (tag, owner) = match place {
                Place::Inbox => (0u8, [0u8; 32]),
                Place::Case(id) => (1, id.0),
                Place::Mailbox(a) => (2, a.0),
            };
            let mut key = vec![tag];
            key.extend_from_slice(&owner);
            key.extend_from_slice(&seq.to_be_bytes());
            let mut meta = upload.to_be_bytes().to_vec();
            meta.extend_from_slice(&(data.len() as u64).to_be_bytes());
            meta.extend_from_slice(&1u32.to_be_bytes());
            meta.extend_from_slice(&expires.days_since_epoch().to_be_bytes());
            entries.insert(key, meta).expect("insert");
            let mut ck = upload.to_be_bytes().to_vec();
            ck.extend_from_slice(&0u32.to_be_bytes());
            chunks.insert(ck, data).expect("insert");
        };
        put(Place::Inbox, 1, 11, b"report", today.plus_days(300));
        put(case, 2, 12, b"event", today.plus_days(400));
        put(Place::Inbox, 3, 13, b"expired", today.plus_days(-1));
        put(Place::Inbox, 4, 14, b"follow-up", today.plus_days(30));
        counter.insert(b"seq", &4096u64.to_be_bytes()).expect("insert");
        old.flush().expect("flush");
        std::fs::write(dir.path().join("CURRENT"), "sled-0\n").expect("current");
    }
    let store = SledStore::open(dir.path()).expect("converts");
    let read = |place: Place, seq: u64| read_blob(&store, place, Seq(seq)).expect("read").map(Ciphertext::into_bytes);
    assert_eq!(read(Place::Inbox, 1), Some(b"report".to_vec()));
    assert_eq!(read(case, 2), Some(b"event".to_vec()));
    assert_eq!(read(Place::Inbox, 3), None, "already expired: not carried over");
    assert_eq!(read(Place::Inbox, 4), Some(b"follow-up".to_vec()));
    let listed = store.list(Place::Inbox, None, 10).expect("list");
    assert_eq!(listed.iter().map(|e| e.seq.0).collect::<Vec<_>>(), [1, 4], "in number order across epochs");
    let event = store.info(case, Seq(2)).expect("info").expect("present");
    assert!(event.expires >= today.plus_days(400), "never shorter than the life it had");
    assert!(event.expires < today.plus_days(400 + i64::from(store.retention().epoch_days)));
    // Exactly the earliest expiry an epoch on the grid has on or after the entry's own: found
    // by trying every epoch around it, not by the store's formula.
    let r = store.retention();
    let (days, epoch_days) = (i64::from(r.days), i64::from(r.epoch_days));
    let grid_expiry = |original: Day| {
        (0..4 * epoch_days)
            .map(|k| r.epoch_start(original.plus_days(-days - 2 * epoch_days + k)))
            .map(|first| r.expires_after(first.plus_days(epoch_days - 1)))
            .filter(|e| *e >= original)
            .min()
            .expect("an epoch")
    };
    for (place, seq, original) in [
        (Place::Inbox, 1, today.plus_days(300)),
        (case, 2, today.plus_days(400)),
        (Place::Inbox, 4, today.plus_days(30)),
    ] {
        let info = store.info(place, Seq(seq)).expect("info").expect("present");
        assert_eq!(info.expires, grid_expiry(original), "entry {seq}");
    }
    assert!(put_blob(&store, Place::Inbox, &blob(1, 5), today).expect("put").seq.0 > 4096);
    assert_eq!(put_blob(&store, case, &blob(1, 5), today).expect("put").seq, Seq(3));
    drop(store);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!left.iter().any(|n| n == "CURRENT" || n.starts_with("sled-")), "{left:?}");
}

/// A chunk log damaged on disk (a flipped byte, a truncated file) gives the stable `corrupt`
/// error for the entries it touches, never wrong bytes, and every other entry still reads.
#[test]
fn a_damaged_chunk_log_is_reported_not_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = {
        let store = SledStore::open(dir.path()).expect("open");
        let first = put_blob(&store, Place::Inbox, &blob(1, CHUNK_SIZE + 10), day(0)).expect("put");
        let second = put_blob(&store, Place::Inbox, &blob(2, 100), day(0)).expect("put");
        (first.seq, second.seq)
    };
    let epoch = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("epoch-")))
        .expect("an epoch folder");
    let log = epoch.join("chunks.log");
    let mut bytes = std::fs::read(&log).expect("log");
    assert_eq!(bytes.len(), CHUNK_SIZE + 10 + 100, "the log holds the chunks and nothing else");
    bytes[7] ^= 0x40; // inside the first entry's first chunk
    std::fs::write(&log, &bytes).expect("write");
    let store = reopen(dir.path());
    let err = read_blob(&store, Place::Inbox, first).expect_err("a damaged chunk");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(err.code(), "corrupt");
    assert_eq!(read_blob(&store, Place::Inbox, second).expect("read"), Some(blob(2, 100)));
    drop(store);
    // Cut off inside the second entry: it is reported too, and the store still opens.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .expect("open log")
        .set_len((CHUNK_SIZE + 10 + 50) as u64)
        .expect("truncate");
    let store = reopen(dir.path());
    let err = read_blob(&store, Place::Inbox, second).expect_err("a truncated chunk");
    assert_eq!(err.code(), "corrupt", "{err:?}");
    // New entries go after the end the file has now, and read back.
    let third = put_blob(&store, Place::Inbox, &blob(3, 300), day(1)).expect("put after damage");
    assert_eq!(read_blob(&store, Place::Inbox, third.seq).expect("read"), Some(blob(3, 300)));
}

/// The first version of the epoch layout kept chunk bytes in sled (`chunk_bytes`): such an
/// epoch still reads, and new uploads into it go to the chunk log.
#[test]
fn an_epoch_with_chunks_inside_sled_still_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seq = {
        let store = SledStore::open(dir.path()).expect("open");
        put_blob(&store, Place::Inbox, &blob(4, 2 * CHUNK_SIZE + 3), day(0)).expect("put").seq
    };
    let epoch = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("epoch-")))
        .expect("an epoch folder");
    // Rewrite the epoch as the first layout had it: bytes in `chunk_bytes`, no extents, no log.
    {
        let db = reopen_sled(&sled::Config::new().path(&epoch).segment_size(8 << 20).flush_every_ms(None));
        let extents = db.open_tree("chunk_extent").expect("tree");
        let chunk_bytes = db.open_tree("chunk_bytes").expect("tree");
        let log = std::fs::read(epoch.join("chunks.log")).expect("log");
        for item in extents.iter() {
            let (k, v) = item.expect("record");
            let offset = u64::from_be_bytes(v[..8].try_into().expect("offset")) as usize;
            let len = u32::from_be_bytes(v[8..12].try_into().expect("len")) as usize;
            chunk_bytes.insert(&k, &log[offset..offset + len]).expect("insert");
            extents.remove(&k).expect("remove");
        }
        db.flush().expect("flush");
    }
    std::fs::remove_file(epoch.join("chunks.log")).expect("remove log");
    let store = reopen(dir.path());
    assert_eq!(read_blob(&store, Place::Inbox, seq).expect("read"), Some(blob(4, 2 * CHUNK_SIZE + 3)));
    let next = put_blob(&store, Place::Inbox, &blob(5, 10), day(0)).expect("put");
    assert_eq!(read_blob(&store, Place::Inbox, next.seq).expect("read"), Some(blob(5, 10)));
    assert_eq!(std::fs::metadata(epoch.join("chunks.log")).expect("log").len(), 10);
}

/// An aborted upload's bytes leave the disk at once, not at the next restart: an abandoned
/// report must not sit in the chunk log until the relay happens to be restarted.
#[test]
fn an_aborted_upload_leaves_no_bytes_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(dir.path()).expect("open");
    put_blob(&store, Place::Inbox, &blob(4, 100), day(5)).expect("put");
    let upload = store.begin(day(5)).expect("begin");
    store.put_chunk(upload, 0, &blob(9, 3000)).expect("chunk");
    store.put_chunk(upload, 1, &blob(8, 3000)).expect("chunk");
    let needles = [blob(9, 3000).as_bytes()[200..264].to_vec(), blob(8, 3000).as_bytes()[200..264].to_vec()];
    let needles: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
    assert_eq!(common::find_needles(&common::read_tree(dir.path()), &needles).len(), 2, "the scan sees them first");
    store.abort(upload).expect("abort");
    assert_eq!(common::find_needles(&common::read_tree(dir.path()), &needles), Vec::<String>::new());
    assert_eq!(store.commit(upload, Place::Inbox).expect_err("gone").code(), StoreError::UnknownUpload.code());
}

/// Inbox numbers are never given out twice, even once every entry that held them has expired
/// and its epoch is gone: a reviewer's cursor past a number would otherwise skip a new report.
#[test]
fn inbox_numbers_are_never_reused_after_everything_expired() {
    let dir = tempfile::tempdir().expect("tempdir");
    let short = Retention { days: 30, epoch_days: 7 };
    let last = {
        let store = SledStore::open_with(dir.path(), short).expect("open");
        let mut last = Seq(0);
        for tag in 0..3 {
            last = put_blob(&store, Place::Inbox, &blob(tag, 10), day(1)).expect("put").seq;
        }
        store.purge_expired(day(400)).expect("purge");
        assert!(store.list(Place::Inbox, None, 10).expect("list").is_empty(), "all expired");
        last
    };
    let store = common::when_released(
        || SledStore::open_with(dir.path(), short),
        |e| matches!(e, StoreError::Io(kind) if kind == "other error"),
    );
    let next = put_blob(&store, Place::Inbox, &blob(7, 10), day(401)).expect("put").seq;
    assert!(next > last, "{next:?} after {last:?}");
}

/// What a crash or an operator leaves in the data folder: stray temporary and readiness-check
/// files are cleared on opening, a folder that only looks like an epoch is left alone (never
/// a panic), and an inbox counter that cannot be read stops the store rather than restarting
/// the numbering.
#[test]
fn leftovers_in_the_data_folder_are_cleared_or_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(SledStore::open(dir.path()).expect("open"));
    std::fs::write(dir.path().join("inbox-counter.tmp"), b"12").expect("write");
    std::fs::write(dir.path().join("ready-check-4711"), b"").expect("write");
    std::fs::create_dir(dir.path().join("epoch-x")).expect("mkdir");
    std::fs::create_dir(dir.path().join("epoch-2026-01-01")).expect("mkdir");
    let store = common::reopen(dir.path());
    assert!(!dir.path().join("inbox-counter.tmp").exists(), "a temporary file is cleared");
    assert!(!dir.path().join("ready-check-4711").exists(), "a readiness probe a crash left is cleared");
    assert!(dir.path().join("epoch-x").exists() && dir.path().join("epoch-2026-01-01").exists(), "left alone");
    let shown = format!("{store:?}");
    assert!(shown.contains("SledStore") && shown.contains("retention"), "{shown}");
    drop(store);
    let counter = dir.path().join("inbox-counter");
    if counter.exists() {
        std::fs::remove_file(&counter).expect("rm");
    }
    std::fs::create_dir(&counter).expect("a counter that cannot be read as a file");
    // Asked again while sled's threads still hold the last handle's lock (see common::reopen).
    let refused = common::when_released(
        || match SledStore::open(dir.path()) {
            Ok(_) => panic!("a store whose inbox counter cannot be read opened"),
            Err(StoreError::Io(kind)) if kind == "other error" => Err(StoreError::Io(kind)),
            Err(refused) => Ok(refused),
        },
        |e| matches!(e, StoreError::Io(kind) if kind == "other error"),
    );
    assert!(refused.to_string().to_lowercase().contains("directory"), "{refused}");
}

/// The free-space reserve, as documented: sled's two segments at least, 256 MiB by default.
/// Uploads under way are checked against three quarters of it, on their first chunk and every
/// 16th, so a long upload cannot fill the disk under sled's own log.
#[test]
fn uploads_under_way_stop_at_three_quarters_of_the_reserve() {
    use candour_relay::store::sled_store::{DEFAULT_MIN_FREE_BYTES, SLED_HEADROOM_BYTES};
    assert_eq!(SLED_HEADROOM_BYTES, 16 << 20, "two 8 MiB sled segments");
    assert_eq!(DEFAULT_MIN_FREE_BYTES, 256 << 20);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(dir.path()).expect("open");
    let free = fs2::available_space(dir.path()).expect("free space");
    let chunk = blob(5, 100);
    // A reserve a little above the free space: no new upload, but one under way goes on
    // (three quarters of it is below what is free).
    let upload = store.begin(day(5)).expect("begin");
    store.set_min_free_bytes(free / 10 * 12);
    assert_eq!(store.begin(day(5)).expect_err("no new upload").code(), StoreError::DiskFull.code());
    store.put_chunk(upload, 0, &chunk).expect("three quarters of the reserve is free");
    // Twice the free space: three quarters of it is not free, checked on chunk 16, not 1 to 15.
    store.set_min_free_bytes(free * 2);
    for index in 1..16 {
        store.put_chunk(upload, index, &chunk).expect("checked once per 16 chunks");
    }
    assert_eq!(
        store.put_chunk(upload, 16, &chunk).expect_err("the 16th is checked").code(),
        StoreError::DiskFull.code()
    );
    let fresh = {
        store.set_min_free_bytes(0);
        store.begin(day(5)).expect("begin")
    };
    store.set_min_free_bytes(free * 2);
    assert_eq!(
        store.put_chunk(fresh, 0, &chunk).expect_err("the first is checked").code(),
        StoreError::DiskFull.code()
    );
}

/// The earlier layout's `CURRENT` file must name a `sled-` folder that exists: anything else is
/// refused as damage rather than converted, so an operator's stray file never drives a
/// conversion that deletes epochs.
#[test]
fn a_current_file_naming_anything_but_an_earlier_database_is_refused() {
    for (name, make_folder) in [("elsewhere", true), ("sled-0", false)] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("CURRENT"), format!("{name}\n")).expect("write");
        if make_folder {
            std::fs::create_dir(dir.path().join(name)).expect("mkdir");
        }
        let refused = SledStore::open(dir.path()).expect_err("refused");
        assert_eq!(refused.code(), StoreError::Corrupt("").code(), "{name}: {refused}");
        assert!(dir.path().join("CURRENT").exists(), "{name}: nothing was converted or removed");
    }
}
