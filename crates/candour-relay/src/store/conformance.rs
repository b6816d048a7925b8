//! The conformance suite every [`Store`] must pass, called by each backend's tests (memory and
//! sled in this crate's `tests/store_conformance.rs`, PostgreSQL in candour-store-pg's), so no
//! backend keeps rules of its own. Each function panics, naming the rule, where a store breaks
//! one.

use std::collections::BTreeMap;

use candour_core::wire::{CaseStreamId, Ciphertext, MailboxAddress};
use candour_core::Day;

use super::{put_blob, read_blob, Place, Retention, Seq, Store, StoreError, UploadId, CHUNK_SIZE};

/// Day 0 of the story, the first day of an epoch on the default grid.
pub fn day(n: i64) -> Day {
    let start = Retention::DEFAULT.epoch_start(Day::from_days_since_epoch(20_000));
    start.plus_days(n)
}

pub fn blob(tag: u8, len: usize) -> Ciphertext {
    Ciphertext::from_sealed_bytes((0..len).map(|i| tag ^ (i % 251) as u8).collect())
}

/// The story every store must tell the same way.
pub fn story(store: &dyn Store) {
    let retention = store.retention();
    let epoch = i64::from(retention.epoch_days);
    let case = Place::Case(CaseStreamId([7; 32]));
    let mailbox = Place::Mailbox(MailboxAddress([9; 32]));

    // Empty to begin with.
    assert!(store.list(Place::Inbox, None, 100).expect("list").is_empty());

    // Sizes around the chunk boundary, including several chunks.
    let sizes = [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17];
    let mut seqs = Vec::new();
    for (i, &len) in sizes.iter().enumerate() {
        let b = blob(i as u8, len);
        let info = put_blob(store, Place::Inbox, &b, day(0)).expect("put");
        assert_eq!(read_blob(store, Place::Inbox, info.seq).expect("read"), Some(b));
        assert_eq!((info.len, info.chunks as usize), (len as u64, len.div_ceil(CHUNK_SIZE)));
        seqs.push(info.seq);
    }
    // The inbox counts 1, 2, 3, ... in commit order; listing pages by cursor.
    assert_eq!(seqs, (1..=sizes.len() as u64).map(Seq).collect::<Vec<_>>());
    let page = store.list(Place::Inbox, None, 2).expect("list");
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs[..2]);
    let rest = store.list(Place::Inbox, Some(page[1].seq), 100).expect("list");
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs[2..]);
    assert_eq!(rest[2].len, (3 * CHUNK_SIZE + 17) as u64);
    assert_eq!(rest[2].chunks, 4);

    // Every entry of an epoch shares one expiry day: the end of the epoch plus the retention.
    let first_expiry = day(epoch - 1).plus_days(1 + i64::from(retention.days));
    assert!(store.list(Place::Inbox, None, 100).expect("list").iter().all(|e| e.expires == first_expiry));
    let later_same_epoch = put_blob(store, Place::Inbox, &blob(9, 5), day(epoch - 1)).expect("put");
    assert_eq!(later_same_epoch.expires, first_expiry, "the arrival day within the epoch does not show");

    // Places are separate, and each counts on its own from 1: no number relates two places.
    let c1 = put_blob(store, case, &blob(40, 10), day(1)).expect("case");
    let m1 = put_blob(store, mailbox, &blob(41, 10), day(1)).expect("mailbox");
    let c2 = put_blob(store, case, &blob(42, 10), day(2)).expect("case");
    assert_eq!((c1.seq, c2.seq, m1.seq), (Seq(1), Seq(2), Seq(1)));
    assert_eq!(store.list(case, None, 10).expect("list").len(), 2);
    assert_eq!(read_blob(store, mailbox, m1.seq).expect("read"), Some(blob(41, 10)));
    assert_eq!(read_blob(store, case, m1.seq).expect("read"), Some(blob(40, 10)), "same number, other place");
    assert_eq!(store.info(Place::Case(CaseStreamId([8; 32])), c1.seq).expect("info"), None);

    // An aborted or uncommitted upload is never visible.
    let upload = store.begin(day(2)).expect("begin");
    store.put_chunk(upload, 0, &blob(50, 100)).expect("chunk");
    assert!(matches!(store.put_chunk(upload, 5, &blob(50, 1)), Err(StoreError::BadChunk(_))));
    assert!(matches!(
        store.put_chunk(upload, 1, &Ciphertext::from_sealed_bytes(vec![0; CHUNK_SIZE + 1])),
        Err(StoreError::BadChunk(_))
    ));
    store.abort(upload).expect("abort");
    assert!(matches!(store.commit(upload, Place::Inbox), Err(StoreError::UnknownUpload)));
    assert_eq!(store.list(Place::Inbox, None, 100).expect("list").len(), sizes.len() + 1);

    // The next epoch: a case stream continues its numbers across epochs, and its entries list in
    // order across them.
    let c3 = put_blob(store, case, &blob(43, 10), day(epoch)).expect("case");
    assert_eq!(c3.seq, Seq(3));
    assert!(c3.expires > first_expiry);
    assert_eq!(store.list(case, None, 10).expect("list").iter().map(|e| e.seq.0).collect::<Vec<_>>(), [1, 2, 3]);
    let newer_inbox = put_blob(store, Place::Inbox, &blob(44, 10), day(epoch)).expect("put");

    // Purge removes exactly the epochs expired on or before today, whole.
    assert_eq!(store.purge_expired(first_expiry.plus_days(-1)).expect("purge").entries, 0, "not a day early");
    let purged = store.purge_expired(first_expiry).expect("purge");
    assert_eq!((purged.entries, purged.epochs), (sizes.len() as u64 + 4, 1));
    for seq in &seqs {
        assert_eq!(read_blob(store, Place::Inbox, *seq).expect("read"), None);
    }
    assert_eq!(read_blob(store, mailbox, m1.seq).expect("read"), None);
    assert_eq!(read_blob(store, case, c3.seq).expect("read"), Some(blob(43, 10)));
    assert_eq!(read_blob(store, Place::Inbox, newer_inbox.seq).expect("read"), Some(blob(44, 10)));
    assert_eq!(store.list(case, None, 10).expect("list").len(), 1);

    // The inbox never reuses a number, even for entries that are gone; a case stream continues
    // from its newest live entry.
    let after = put_blob(store, Place::Inbox, &blob(60, 5), day(epoch + 1)).expect("put");
    assert_eq!(after.seq, Seq(newer_inbox.seq.0 + 1));
    assert_eq!(put_blob(store, case, &blob(61, 5), day(epoch + 1)).expect("put").seq, Seq(4));
    store.check_writable().expect("writable");
}

/// Everything a store lists and reads at `places`: each entry's listing and bytes.
pub fn dump(store: &dyn Store, places: &[Place]) -> BTreeMap<(Place, u64), (super::EntryInfo, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for &place in places {
        for info in store.list(place, None, usize::MAX).expect("list") {
            let bytes = read_blob(store, place, info.seq).expect("read").expect("listed entries read");
            out.insert((place, info.seq.0), (info, bytes.as_bytes().to_vec()));
        }
    }
    out
}

/// The bad-input table: every wrong call gets its stable error code, and none of them changes,
/// loses or exposes anything already stored.
pub fn bad_input(store: &dyn Store) {
    let case = Place::Case(CaseStreamId([3; 32]));
    let places = [Place::Inbox, case, Place::Mailbox(MailboxAddress([4; 32]))];
    put_blob(store, Place::Inbox, &blob(1, CHUNK_SIZE + 5), day(0)).expect("put");
    put_blob(store, case, &blob(2, 10), day(0)).expect("put");
    let before = dump(store, &places);

    let open = store.begin(day(0)).expect("begin");
    store.put_chunk(open, 0, &blob(3, 10)).expect("first chunk");
    let committed = put_blob(store, case, &blob(5, 3), day(0)).expect("put").seq;
    let never = UploadId(0x7fff_ffff_ffff_fff1);
    type Call<'a> = (&'a str, Box<dyn Fn() -> Result<(), StoreError> + 'a>, &'a str);
    let table: Vec<Call<'_>> = vec![
        (
            "an empty chunk",
            Box::new(|| store.put_chunk(open, 1, &Ciphertext::from_sealed_bytes(Vec::new()))),
            "bad-chunk",
        ),
        (
            "a chunk one byte too large",
            Box::new(|| store.put_chunk(open, 1, &Ciphertext::from_sealed_bytes(vec![7; CHUNK_SIZE + 1]))),
            "bad-chunk",
        ),
        ("a chunk sent twice", Box::new(|| store.put_chunk(open, 0, &blob(3, 10))), "bad-chunk"),
        ("a chunk out of order", Box::new(|| store.put_chunk(open, 2, &blob(3, 10))), "bad-chunk"),
        ("a chunk numbered u32::MAX", Box::new(|| store.put_chunk(open, u32::MAX, &blob(3, 10))), "bad-chunk"),
        ("a chunk of an unknown upload", Box::new(|| store.put_chunk(never, 0, &blob(3, 10))), "unknown-upload"),
        (
            "a chunk of upload id u64::MAX",
            Box::new(|| store.put_chunk(UploadId(u64::MAX), 0, &blob(3, 10))),
            "unknown-upload",
        ),
        ("committing an unknown upload", Box::new(|| store.commit(never, Place::Inbox).map(drop)), "unknown-upload"),
        (
            "committing upload id u64::MAX",
            Box::new(|| store.commit(UploadId(u64::MAX), Place::Inbox).map(drop)),
            "unknown-upload",
        ),
    ];
    for (what, call, code) in &table {
        match call() {
            Err(e) => assert_eq!(e.code(), *code, "{what}: {e}"),
            Ok(()) => panic!("{what} was accepted"),
        }
    }
    // Reading what is not there is an empty answer, never an error or another entry's bytes.
    assert_eq!(store.info(Place::Inbox, Seq(0)).expect("info"), None, "entry 0");
    assert_eq!(store.info(Place::Inbox, Seq(u64::MAX)).expect("info"), None, "entry u64::MAX");
    assert_eq!(store.read_chunk(Place::Inbox, Seq(1), 2).expect("read"), None, "a chunk past the end");
    assert_eq!(store.read_chunk(Place::Inbox, Seq(1), u32::MAX).expect("read"), None, "chunk u32::MAX");
    assert_eq!(store.read_chunk(Place::Mailbox(MailboxAddress([4; 32])), Seq(1), 0).expect("read"), None);
    assert!(store.list(Place::Inbox, Some(Seq(u64::MAX)), 10).expect("list").is_empty(), "after u64::MAX");
    assert!(store.list(Place::Inbox, None, 0).expect("list").is_empty(), "a limit of 0");
    // Aborting twice, or aborting what was never begun, is harmless.
    store.abort(never).expect("abort unknown");
    store.abort(UploadId(u64::MAX)).expect("abort u64::MAX");
    // The open upload, refused chunks and all, still commits what it was given.
    let info = store.commit(open, case).expect("the upload survives refused chunks");
    assert_eq!((info.len, info.chunks), (10, 1));
    assert_eq!(read_blob(store, case, info.seq).expect("read"), Some(blob(3, 10)));
    assert_eq!(store.commit(open, case).map(drop).expect_err("twice").code(), "unknown-upload", "committing twice");
    store.abort(open).expect("abort after commit");
    assert_eq!(read_blob(store, case, info.seq).expect("read"), Some(blob(3, 10)), "aborting after commit keeps it");

    let mut after = dump(store, &places);
    after.remove(&(case, committed.0));
    after.remove(&(case, info.seq.0));
    assert_eq!(after, before, "bad input changed what was stored");
}

/// Writers at once: `threads` threads each commit `each` entries to the inbox and to one case
/// stream between them. Every commit gets its own number, the numbers of each place run
/// 1, 2, 3, ... with no gap, and each number holds exactly the bytes committed under it.
pub fn concurrent_commits(store: &dyn Store, threads: u8, each: u8) {
    let case = Place::Case(CaseStreamId([11; 32]));
    let committed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for t in 0..threads {
            let committed = &committed;
            scope.spawn(move || {
                for i in 0..each {
                    let place = if i % 2 == 0 { Place::Inbox } else { case };
                    let bytes = blob(t.wrapping_mul(31).wrapping_add(i), 100 + usize::from(i));
                    let info = put_blob(store, place, &bytes, day(0)).expect("put");
                    committed.lock().expect("lock").push((place, info.seq, bytes));
                }
            });
        }
    });
    let committed = committed.into_inner().expect("lock");
    for place in [Place::Inbox, case] {
        let mut numbers: Vec<u64> = committed.iter().filter(|c| c.0 == place).map(|c| c.1 .0).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>(), "{place:?} numbers are 1..n, once each");
    }
    for (place, seq, bytes) in &committed {
        assert_eq!(read_blob(store, *place, *seq).expect("read").as_ref(), Some(bytes), "{place:?} {seq:?}");
    }
}

/// What survives closing and opening a persistent store again: committed entries with their
/// numbers, never an upload left open, and the inbox counter, which goes on from where it was.
/// `open` opens the same store each time it is called.
pub fn reopen_keeps_committed(open: &dyn Fn() -> Box<dyn Store>) {
    let (kept, open_upload) = {
        let store = open();
        let kept = put_blob(store.as_ref(), Place::Inbox, &blob(1, 2 * CHUNK_SIZE), day(5)).expect("put");
        let upload = store.begin(day(5)).expect("begin");
        store.put_chunk(upload, 0, &blob(2, 1000)).expect("chunk");
        // The process "dies" here with the upload open.
        (kept, upload)
    };
    let store = open();
    assert_eq!(read_blob(store.as_ref(), Place::Inbox, kept.seq).expect("read"), Some(blob(1, 2 * CHUNK_SIZE)));
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 1);
    assert!(
        matches!(store.commit(open_upload, Place::Inbox), Err(StoreError::UnknownUpload)),
        "an upload left open by a crash is gone after reopening"
    );
    let next = put_blob(store.as_ref(), Place::Inbox, &blob(3, 10), day(5)).expect("put");
    assert!(next.seq > kept.seq, "numbers are never reused after a restart");
}
