//! Loopback tests: a real server on 127.0.0.1:0 in this process, driven over TCP.

mod common;

use std::sync::Arc;
use std::time::Duration;

use candour_core::wire::Ciphertext;
use candour_core::Day;
use candour_relay::retention::purge_and_reclaim;
use candour_relay::store::{put_blob, read_blob, Place, SharedStore, SledStore, Store};
use candour_relay::AppState;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn reclamation_removes_purged_bytes_from_the_data_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store: SharedStore = Arc::new(SledStore::open(tmp.path()).expect("open"));
    let canary = format!("PURGED-CANARY-{:032x}", rand::random::<u128>());
    let keeper = format!("KEPT-{:032x}", rand::random::<u128>());
    let today = Day::from_ymd(2026, 11, 27).expect("day");
    let mut expiring = vec![0u8; 200_000];
    expiring[150_000..150_000 + canary.len()].copy_from_slice(canary.as_bytes());
    let purged =
        put_blob(&*store, Place::Inbox, &Ciphertext::from_sealed_bytes(expiring), today.plus_days(-1)).expect("put");
    let kept = put_blob(
        &*store,
        Place::Inbox,
        &Ciphertext::from_sealed_bytes(keeper.clone().into_bytes()),
        today.plus_days(30),
    )
    .expect("put");
    let deleted = format!("DELETED-CANARY-{:032x}", rand::random::<u128>());
    let gone = put_blob(
        &*store,
        Place::Inbox,
        &Ciphertext::from_sealed_bytes(deleted.clone().into_bytes()),
        today.plus_days(30),
    )
    .expect("put");
    assert!(store.delete(Place::Inbox, gone).expect("delete"));

    // Before: the purged and deleted bytes are on disk, so the scan below can find them.
    let needles: [&[u8]; 2] = [canary.as_bytes(), deleted.as_bytes()];
    assert_eq!(find_needles(&read_tree(tmp.path()), &needles).len(), 2, "the check can fail");

    let n = tokio::task::spawn_blocking({
        let store = store.clone();
        move || purge_and_reclaim(&store, today)
    })
    .await
    .expect("join")
    .expect("purge");
    assert_eq!(n, 1);
    let hits = find_needles(&read_tree(tmp.path()), &needles);
    assert!(hits.is_empty(), "purged bytes still on disk: {hits:?}");
    assert_eq!(read_blob(&*store, Place::Inbox, purged).expect("read"), None);
    assert_eq!(
        read_blob(&*store, Place::Inbox, kept).expect("read").map(|c| c.into_bytes()),
        Some(keeper.clone().into_bytes())
    );
    assert_eq!(find_needles(&read_tree(tmp.path()), &[keeper.as_bytes()]).len(), 1, "live data survives");

    // And it all survives a reopen of the rewritten store.
    drop(store);
    let store = SledStore::open(tmp.path()).expect("reopen");
    assert_eq!(read_blob(&store, Place::Inbox, kept).expect("read").map(|c| c.into_bytes()), Some(keeper.into_bytes()));
}

async fn raw_exchange(addr: std::net::SocketAddr, request: &[u8], close_write: bool) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    if close_write {
        stream.shutdown().await.expect("shutdown");
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

async fn challenge_solution(addr: std::net::SocketAddr) -> String {
    let client = reqwest::Client::new();
    let challenge = client.post(format!("http://{addr}/v1/inbox/challenge")).send().await.expect("challenge");
    solve(&challenge.bytes().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_and_slow_uploads_keep_nothing() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tempdir");
    let store: SharedStore = Arc::new(SledStore::open(tmp.path()).expect("open"));
    let mut limits = test_limits();
    limits.request_timeout = Duration::from_secs(1);
    let server = Server::start(AppState::new(store.clone(), f.served.clone(), f.verified.clone(), limits)).await;

    // Truncated: the client promises 200 000 bytes, sends 100 000 and closes its side.
    let solution = challenge_solution(server.addr).await;
    let mut request = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: 200000\r\n\r\n"
    )
    .into_bytes();
    request.extend(vec![b'x'; 100_000]);
    let response = raw_exchange(server.addr, &request, true).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("\"truncated-upload\""), "{response}");

    // Slow: the client sends part of the body and then nothing; the request times out.
    let solution = challenge_solution(server.addr).await;
    let mut request = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: 200000\r\n\r\n"
    )
    .into_bytes();
    request.extend(vec![b'y'; 70_000]);
    let response = raw_exchange(server.addr, &request, false).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("\"timeout\""), "{response}");

    // Unknown route over the wire: JSON 404 with a code.
    let response =
        raw_exchange(server.addr, b"GET /nope HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n", false).await;
    assert!(response.starts_with("HTTP/1.1 404") && response.contains("\"not-found\""), "{response}");

    server.stop().await;
    assert!(store.list(Place::Inbox, None, 10).expect("list").is_empty());
    // The aborted uploads' clean-up runs on blocking threads that hold the store; wait for
    // them to let go, then reopen (which would delete any straggling chunks) and look again.
    for _ in 0..500 {
        if Arc::strong_count(&store) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(Arc::strong_count(&store), 1, "nothing else holds the store");
    drop(store);
    let reopened = SledStore::open(tmp.path()).expect("reopen");
    assert!(reopened.list(Place::Inbox, None, 10).expect("list").is_empty());
}
