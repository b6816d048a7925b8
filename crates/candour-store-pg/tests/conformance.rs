//! The relay's conformance suite (candour_relay::store::conformance) on PostgreSQL, each test on
//! a throwaway server of its own (tests/cluster), and what only this backend must show: it
//! refuses settings that would break its promises, reconnects after the server restarts, and
//! nothing of a chunk reaches the server's files unsealed.

mod cluster;

use candour_core::wire::Ciphertext;
use candour_relay::store::conformance::{bad_input, blob, concurrent_commits, day, reopen_keeps_committed, story};
use candour_relay::store::{put_blob, read_blob, Place, Retention, Store, CHUNK_SIZE};
use candour_store_pg::{OpenError, PgStore, SCHEMA_VERSION};
use cluster::{Node, Scratch};

fn server() -> (Scratch, Node) {
    let scratch = Scratch::new();
    let node = Node::primary(&scratch, "pg");
    (scratch, node)
}

fn open(url: &str) -> PgStore {
    PgStore::open(url, None, Retention::DEFAULT).unwrap_or_else(|e| panic!("open: {e}"))
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(path.strip_prefix(dir).unwrap_or(&path).display().to_string());
                }
            }
        }
    }
    hits
}

#[test]
fn postgres_store_tells_the_story() {
    let (_scratch, node) = server();
    story(&open(&node.database("story")));
    let short = Retention { days: 30, epoch_days: 7 };
    story(&PgStore::open(&node.database("short"), None, short).expect("open"));
}

#[test]
fn postgres_store_refuses_bad_input_and_keeps_what_it_holds() {
    let (_scratch, node) = server();
    bad_input(&open(&node.database("bad")));
}

#[test]
fn postgres_store_numbers_concurrent_commits_once_each() {
    let (_scratch, node) = server();
    // More writers than the pool has connections: they queue for one, and still get gap-free
    // numbers.
    concurrent_commits(&open(&node.database("busy")), 12, 8);
}

#[test]
fn postgres_store_keeps_committed_and_drops_uncommitted_across_reopen() {
    let (_scratch, node) = server();
    let url = node.database("reopen");
    reopen_keeps_committed(&|| Box::new(open(&url)));
    assert_eq!(node.sql_in("reopen", "SELECT count(*) FROM candour_uploads"), "0");
}

/// Two relays on one database: the second waits for the first's open lock, so it never
/// discards an upload the first still has open, and opens once the first is gone.
#[test]
fn a_second_relay_never_discards_the_first_ones_uploads() {
    let (_scratch, node) = server();
    let url = node.database("two");
    let first = open(&url);
    let upload = first.begin(day(0)).expect("begin");
    first.put_chunk(upload, 0, &blob(1, 100)).expect("chunk");
    let started = std::time::Instant::now();
    let second = PgStore::open(&url, None, Retention::DEFAULT);
    assert_eq!(second.as_ref().err().map(OpenError::code), Some("io"), "refused while the first lives");
    assert!(started.elapsed() >= std::time::Duration::from_secs(10), "it waited for the lock first");
    let info = first.commit(upload, Place::Inbox).expect("the first relay's upload is still there");
    drop(first);
    let second = open(&url);
    assert!(read_blob(&second, Place::Inbox, info.seq).expect("read").is_some());
}

#[test]
fn a_restarted_server_is_reconnected_and_keeps_what_was_committed() {
    let (_scratch, node) = server();
    let store = open(&node.database("restart"));
    let kept = put_blob(&store, Place::Inbox, &blob(1, 3 * CHUNK_SIZE), day(0)).expect("put");
    let open_upload = store.begin(day(0)).expect("begin");
    store.put_chunk(open_upload, 0, &blob(2, 10)).expect("chunk");
    node.stop_immediate();
    assert!(store.list(Place::Inbox, None, 10).is_err(), "no server, no answer");
    assert_eq!(store.check_writable().err().map(|e| e.code()), Some("io"), "not ready without a server");
    node.start();
    assert_eq!(read_blob(&store, Place::Inbox, kept.seq).expect("read"), Some(blob(1, 3 * CHUNK_SIZE)));
    // The first call after the restart took the open lock again (0x63616e64_6f757201), before
    // any readiness check: a second relay would still find the database in use.
    let held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
                AND classid = 1667329636 AND objid = 1869967873";
    assert_eq!(node.sql_in("restart", held), "1", "the open lock is held again");
    store.check_writable().expect("ready again once the server is back");
    let next = put_blob(&store, Place::Inbox, &blob(3, 10), day(0)).expect("put after restart");
    assert_eq!(next.seq.0, kept.seq.0 + 1);
    // The upload open when the server went down may have lost its row or chunks that were not
    // yet on disk (they are written without waiting for it): it is refused (as restarted, or
    // unknown if its row is gone) and discarded, never committed short, and the inbox is as it
    // was.
    let refused = store.commit(open_upload, Place::Inbox).err().map(|e| e.code());
    assert!(matches!(refused, Some("io" | "unknown-upload")), "{refused:?}");
    assert_eq!(node.sql_in("restart", "SELECT count(*) FROM candour_uploads"), "0");
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 2);
}

#[test]
fn the_store_refuses_a_server_or_connection_string_that_breaks_its_promises() {
    let (_scratch, node) = server();
    let url = node.database("refuse");
    let with_password = url.replace("candour@", "candour:secret@");
    assert_eq!(
        PgStore::open(&with_password, None, Retention::DEFAULT).err().map(|e| e.code()),
        Some("password-in-connection-string")
    );
    assert_eq!(
        PgStore::open("postgres://candour@127.0.0.1:notaport/x", None, Retention::DEFAULT).err().map(|e| e.code()),
        Some("bad-connection-string")
    );
    // A schema newer than this program: refused, untouched.
    drop(open(&url));
    node.sql_in("refuse", &format!("UPDATE candour_schema SET version = {}", SCHEMA_VERSION + 1));
    let newer = PgStore::open(&url, None, Retention::DEFAULT).err();
    assert_eq!(newer.as_ref().map(OpenError::code), Some("schema-too-new"), "{newer:?}");
    assert_eq!(node.sql_in("refuse", "SELECT version FROM candour_schema"), (SCHEMA_VERSION + 1).to_string());
    // fsync = off: nothing the server acknowledges would be durable.
    node.set("fsync = off");
    node.stop_immediate();
    node.start();
    assert_eq!(node.sql("SHOW fsync"), "off");
    assert_eq!(PgStore::open(&node.url(), None, Retention::DEFAULT).err().map(|e| e.code()), Some("fsync-off"));
}

/// The server's files, WAL included, never hold a chunk as the relay received it: each is
/// sealed under its epoch's key first. Once the epoch is purged, its key is gone from the table
/// files (the WAL keeps it until recycled: deploy/postgresql/README.md).
#[test]
fn chunks_reach_the_server_only_sealed_and_a_purged_epochs_key_leaves_its_table() {
    let (_scratch, node) = server();
    let store = open(&node.database("sealed"));
    let marker: Vec<u8> = b"CANDOUR-CANARY-CHUNK-".iter().copied().cycle().take(3 * CHUNK_SIZE).collect();
    let canary = Ciphertext::from_sealed_bytes(marker.clone());
    let info = put_blob(&store, Place::Inbox, &canary, day(0)).expect("put");
    assert_eq!(read_blob(&store, Place::Inbox, info.seq).expect("read"), Some(canary));
    let key_hex = node.sql_in("sealed", "SELECT encode(key, 'hex') FROM candour_epochs");
    assert_eq!(key_hex.len(), 64, "one epoch, one 256-bit key");
    node.sql("CHECKPOINT");
    let hits = files_holding(&node.data, &marker[..64]);
    assert!(hits.is_empty(), "a chunk in the clear in {hits:?}");

    let key: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).expect("hex")).collect();
    let base = node.data.join("base");
    assert!(!files_holding(&base, &key).is_empty(), "the check can see a key where one is");
    let purged = store.purge_expired(info.expires).expect("purge");
    assert_eq!((purged.entries, purged.epochs), (1, 1));
    node.sql("CHECKPOINT");
    let hits = files_holding(&base, &key);
    assert!(hits.is_empty(), "the purged epoch's key is still in {hits:?}");
    assert_eq!(node.sql_in("sealed", "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'candour_chunks_%'"), "0");
}

/// A primary whose synchronous standby is gone cannot make a write durable on two machines: the
/// readiness check says so within its deadline instead of hanging with it.
#[test]
fn readiness_fails_when_the_synchronous_standby_is_lost() {
    let scratch = Scratch::new();
    let primary = Node::primary(&scratch, "primary");
    let standby = Node::standby_of(&primary, &scratch, "standby");
    primary.require_synchronous_standby();
    let store = open(&primary.url());
    let info = put_blob(&store, Place::Inbox, &blob(1, 100), day(0)).expect("put while the standby is up");
    store.check_writable().expect("ready with its standby");
    standby.kill();
    let started = std::time::Instant::now();
    assert_eq!(store.check_writable().err().map(|e| e.code()), Some("io"), "not ready without its standby");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "said so in time: {:?}", started.elapsed());
    // What was acknowledged stays readable.
    assert!(read_blob(&store, Place::Inbox, info.seq).expect("read").is_some());
}

/// A database that asks for a password gets the first line of the password file, and a wrong
/// one is refused with a code that quotes nothing of it.
#[test]
fn the_password_comes_from_its_file_and_a_wrong_one_is_refused() {
    let (scratch, node) = server();
    node.sql("CREATE ROLE relay LOGIN PASSWORD 'correct horse battery'");
    node.sql("CREATE DATABASE owned OWNER relay");
    let hba = node.data.join("pg_hba.conf");
    let rules = std::fs::read_to_string(&hba).expect("pg_hba.conf");
    std::fs::write(&hba, format!("host all relay 127.0.0.1/32 scram-sha-256\n{rules}")).expect("write pg_hba.conf");
    node.set("password_encryption = 'scram-sha-256'");
    let url = format!("postgres://relay@127.0.0.1:{}/owned", node.port);

    let file = scratch.path().join("password");
    std::fs::write(&file, "correct horse battery\nignored second line\n").expect("write");
    let password = PgStore::read_password_file(&file).expect("read");
    assert_eq!(&password[..], b"correct horse battery");
    let store = PgStore::open(&url, Some(&password), Retention::DEFAULT).expect("opens with the password");
    put_blob(&store, Place::Inbox, &blob(1, 10), day(0)).expect("put");
    drop(store);

    let wrong = PgStore::open(&url, Some(b"wrong"), Retention::DEFAULT).expect_err("refused");
    assert!(!wrong.to_string().contains("wrong"), "{wrong}");
    assert_eq!(wrong.code(), "io");
    assert!(PgStore::open(&url, None, Retention::DEFAULT).is_err(), "no password, no entry");
    assert_eq!(
        PgStore::read_password_file(&scratch.path().join("missing")).err().map(|e| e.code()),
        Some("password-file")
    );
}
