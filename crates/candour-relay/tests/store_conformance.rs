//! One storage story, run against every backend, so no backend rots.

use candour_core::wire::{CaseStreamId, Ciphertext, MailboxAddress};
use candour_core::Day;
use candour_relay::store::{put_blob, read_blob, MemoryStore, Place, Seq, SledStore, Store, StoreError, CHUNK_SIZE};

fn day(n: i64) -> Day {
    Day::from_days_since_epoch(20_000 + n)
}

fn blob(tag: u8, len: usize) -> Ciphertext {
    Ciphertext::from_sealed_bytes((0..len).map(|i| tag ^ (i % 251) as u8).collect())
}

/// The story every store must tell the same way.
fn story(store: &dyn Store) {
    let case = Place::Case(CaseStreamId([7; 32]));
    let mailbox = Place::Mailbox(MailboxAddress([9; 32]));

    // Empty to begin with.
    assert!(store.list(Place::Inbox, None, 100).expect("list").is_empty());

    // Sizes around the chunk boundary, including several chunks.
    let sizes = [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17];
    let mut seqs = Vec::new();
    for (i, &len) in sizes.iter().enumerate() {
        let b = blob(i as u8, len);
        let seq = put_blob(store, Place::Inbox, &b, day(10)).expect("put");
        assert_eq!(read_blob(store, Place::Inbox, seq).expect("read"), Some(b));
        seqs.push(seq);
    }
    // Numbers grow in commit order; listing pages by cursor.
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let page = store.list(Place::Inbox, None, 2).expect("list");
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs[..2]);
    let rest = store.list(Place::Inbox, Some(page[1].seq), 100).expect("list");
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs[2..]);
    assert_eq!(rest[2].len, (3 * CHUNK_SIZE + 17) as u64);
    assert_eq!(rest[2].chunks, 4);

    // Places are separate.
    let c = put_blob(store, case, &blob(40, 10), day(10)).expect("case");
    let m = put_blob(store, mailbox, &blob(41, 10), day(3)).expect("mailbox");
    assert_eq!(store.list(case, None, 10).expect("list").len(), 1);
    assert_eq!(read_blob(store, Place::Inbox, c).expect("read"), None);
    assert_eq!(read_blob(store, mailbox, m).expect("read"), Some(blob(41, 10)));
    assert_eq!(store.info(Place::Case(CaseStreamId([8; 32])), c).expect("info"), None);

    // An aborted or uncommitted upload is never visible.
    let upload = store.begin().expect("begin");
    store.put_chunk(upload, 0, &blob(50, 100)).expect("chunk");
    assert!(matches!(store.put_chunk(upload, 5, &blob(50, 1)), Err(StoreError::BadChunk(_))));
    assert!(matches!(
        store.put_chunk(upload, 1, &Ciphertext::from_sealed_bytes(vec![0; CHUNK_SIZE + 1])),
        Err(StoreError::BadChunk(_))
    ));
    store.abort(upload).expect("abort");
    assert!(matches!(store.commit(upload, Place::Inbox, day(1)), Err(StoreError::UnknownUpload)));
    assert_eq!(store.list(Place::Inbox, None, 100).expect("list").len(), sizes.len());

    // Expiry and deletion.
    assert!(store.set_expiry(Place::Inbox, seqs[0], day(1)).expect("expiry"));
    assert!(!store.set_expiry(Place::Inbox, Seq(u64::MAX), day(1)).expect("expiry"));
    assert_eq!(store.info(Place::Inbox, seqs[0]).expect("info").map(|i| i.expires), Some(day(1)));
    assert!(store.delete(Place::Inbox, seqs[1]).expect("delete"));
    assert!(!store.delete(Place::Inbox, seqs[1]).expect("delete again"));
    assert_eq!(store.read_chunk(Place::Inbox, seqs[1], 0).expect("read"), None);

    // Purge removes exactly what expired on or before today; reclaim keeps the rest readable.
    let purged = store.purge_expired(day(3)).expect("purge");
    assert_eq!(purged.entries, 2, "the inbox entry set to day 1 and the mailbox entry of day 3");
    store.reclaim().expect("reclaim");
    assert_eq!(read_blob(store, Place::Inbox, seqs[0]).expect("read"), None);
    assert_eq!(read_blob(store, mailbox, m).expect("read"), None);
    for (i, seq) in seqs.iter().enumerate().skip(2) {
        assert_eq!(read_blob(store, Place::Inbox, *seq).expect("read"), Some(blob(i as u8, sizes[i])));
    }
    // Numbers keep growing after a reclaim.
    let after = put_blob(store, Place::Inbox, &blob(60, 5), day(10)).expect("put");
    assert!(after > m);
}

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
fn sled_store_keeps_committed_and_drops_uncommitted_across_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (kept, last) = {
        let store = SledStore::open(dir.path()).expect("open");
        let kept = put_blob(&store, Place::Inbox, &blob(1, 2 * CHUNK_SIZE), day(5)).expect("put");
        let upload = store.begin().expect("begin");
        store.put_chunk(upload, 0, &blob(2, 1000)).expect("chunk");
        // The process "dies" here with the upload open.
        (kept, kept)
    };
    let store = SledStore::open(dir.path()).expect("reopen");
    assert_eq!(read_blob(&store, Place::Inbox, kept).expect("read"), Some(blob(1, 2 * CHUNK_SIZE)));
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 1);
    let next = put_blob(&store, Place::Inbox, &blob(3, 10), day(5)).expect("put");
    assert!(next > last, "numbers are never reused after a restart");
}

#[test]
fn sled_store_remembers_owed_reclaims_across_restarts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let canary = format!("OWED-{:032x}", rand::random::<u128>());
    {
        let store = SledStore::open(dir.path()).expect("open");
        let seq = put_blob(&store, Place::Inbox, &Ciphertext::from_sealed_bytes(canary.clone().into_bytes()), day(5))
            .expect("put");
        assert!(store.delete(Place::Inbox, seq).expect("delete"));
        // The process stops before the retention task reclaims.
    }
    let store = SledStore::open(dir.path()).expect("reopen");
    let holds = |path: &std::path::PathBuf| {
        std::fs::read(path).expect("read").windows(canary.len()).any(|w| w == canary.as_bytes())
    };
    assert!(files(dir.path()).iter().any(holds), "before the reclaim the deleted bytes are on disk");
    store.reclaim().expect("reclaim");
    for path in files(dir.path()) {
        let bytes = std::fs::read(&path).expect("read");
        assert!(
            !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
            "{} still holds deleted bytes",
            path.display()
        );
    }
}

fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}
