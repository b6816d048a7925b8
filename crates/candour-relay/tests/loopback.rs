//! Loopback tests: a real server on 127.0.0.1:0 in this process, driven over TCP.

mod common;

use std::sync::Arc;
use std::time::Duration;

use candour_core::wire::Ciphertext;
use candour_core::Day;
use candour_relay::retention::purge;
use candour_relay::store::{put_blob, read_blob, Place, SharedStore, SledStore, Store};
use candour_relay::AppState;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn retention_removes_expired_epochs_from_the_data_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store: SharedStore = Arc::new(SledStore::open(tmp.path()).expect("open"));
    let retention = store.retention();
    let canary = format!("PURGED-CANARY-{:032x}", rand::random::<u128>());
    let keeper = format!("KEPT-{:032x}", rand::random::<u128>());
    let today = Day::from_ymd(2026, 11, 27).expect("day");
    // An entry that arrived long enough ago that its epoch has expired, and one from today.
    let long_ago = today.plus_days(-i64::from(retention.days + 2 * retention.epoch_days));
    let mut expiring = vec![0u8; 200_000];
    expiring[150_000..150_000 + canary.len()].copy_from_slice(canary.as_bytes());
    let purged = put_blob(&*store, Place::Inbox, &Ciphertext::from_sealed_bytes(expiring), long_ago).expect("put");
    assert!(purged.expires <= today, "its epoch has expired");
    let kept = put_blob(&*store, Place::Inbox, &Ciphertext::from_sealed_bytes(keeper.clone().into_bytes()), today)
        .expect("put");
    assert!(kept.expires > today.plus_days(i64::from(retention.days)), "kept at least the retention period");
    assert!(kept.seq > purged.seq, "the inbox counts on across epochs");

    // Before: the expired bytes are on disk, so the scan below can find them.
    let needles: [&[u8]; 1] = [canary.as_bytes()];
    assert_eq!(find_needles(&read_tree(tmp.path()), &needles).len(), 1, "the check can fail");

    let report = tokio::task::spawn_blocking({
        let store = store.clone();
        move || purge(&store, today)
    })
    .await
    .expect("join")
    .expect("purge");
    assert_eq!((report.entries, report.epochs), (1, 1));
    let hits = find_needles(&read_tree(tmp.path()), &needles);
    assert!(hits.is_empty(), "purged bytes still on disk: {hits:?}");
    assert_eq!(read_blob(&*store, Place::Inbox, purged.seq).expect("read"), None);
    assert_eq!(
        read_blob(&*store, Place::Inbox, kept.seq).expect("read").map(|c| c.into_bytes()),
        Some(keeper.clone().into_bytes())
    );
    assert_eq!(find_needles(&read_tree(tmp.path()), &[keeper.as_bytes()]).len(), 1, "live data survives");

    // And it all survives a reopen; the inbox's numbers never go back, even once every entry of
    // an epoch is gone.
    drop(store);
    let store = SledStore::open(tmp.path()).expect("reopen");
    assert_eq!(
        read_blob(&store, Place::Inbox, kept.seq).expect("read").map(|c| c.into_bytes()),
        Some(keeper.into_bytes())
    );
    let next = put_blob(&store, Place::Inbox, &Ciphertext::from_sealed_bytes(vec![1; 10]), today).expect("put");
    assert!(next.seq > kept.seq);
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

async fn challenge_solution(addr: std::net::SocketAddr, max_bytes: usize) -> String {
    let client = reqwest::Client::new();
    let challenge = client
        .post(format!("http://{addr}/v1/inbox/challenge"))
        .json(&serde_json::json!({ "max_bytes": max_bytes }))
        .send()
        .await
        .expect("challenge");
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

    // Truncated: the client promises a whole envelope, sends the first 100 000 bytes of it and
    // closes its side.
    let whole = envelope_with(&f, 200_000, 7);
    let solution = challenge_solution(server.addr, whole.len()).await;
    let mut request = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
        whole.len()
    )
    .into_bytes();
    request.extend(&whole[..100_000]);
    let response = raw_exchange(server.addr, &request, true).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("\"truncated-upload\""), "{response}");

    // Slow: the client sends part of the body and then nothing; the request times out.
    let solution = challenge_solution(server.addr, whole.len()).await;
    let mut request = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
        whole.len()
    )
    .into_bytes();
    request.extend(&whole[..70_000]);
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
