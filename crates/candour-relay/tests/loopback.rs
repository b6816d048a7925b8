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
    let store = reopen(tmp.path());
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
    let reopened = reopen(tmp.path());
    assert!(reopened.list(Place::Inbox, None, 10).expect("list").is_empty());
    drop(reopened);
    // Not just unlisted: the bytes that arrived are nowhere in the data folder. (Pieces from the
    // start, the middle and the end of what was sent before each upload stopped.)
    let tree = common::read_tree(tmp.path());
    let pieces: Vec<&[u8]> = [0, 35_000, 69_000, 99_000].iter().map(|&at| &whole[at..at + 48]).collect();
    let hits = common::find_needles(&tree, &pieces);
    assert!(hits.is_empty(), "an abandoned upload's bytes are still on disk: {hits:?}");
}

/// The bytes the data folder holds on disk.
fn folder_bytes(dir: &std::path::Path) -> u64 {
    files_under(dir).iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// A signed upload is judged by its head before its body is read: a forged signature, an
/// unknown key or a replayed nonce writes nothing to disk however large the body it announces,
/// and a body that is not the one signed is refused and discarded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_uploads_are_refused_before_their_body_touches_the_disk() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tempdir");
    let store: SharedStore = Arc::new(SledStore::open(tmp.path()).expect("open"));
    let mut limits = test_limits();
    limits.max_upload_bytes = 64 * 1024 * 1024;
    let server = Server::start(AppState::new(store.clone(), f.served.clone(), f.verified.clone(), limits)).await;
    let client = reqwest::Client::new();
    let stream = candour_core::wire::CaseStreamId([3; 32]);
    let path = format!("/v1/cases/{stream}");
    let before = folder_bytes(tmp.path());

    // 48 MiB, signed by a stranger, then signed correctly but with one byte of the signature off.
    let big = vec![0x5a; 48 * 1024 * 1024];
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let mut forged = signed_headers(f.reviewer.signing_key(), "POST", &path, &big);
    let sig = forged.get(candour_core::auth::HEADER_SIGNATURE).expect("sig").to_str().expect("text").to_owned();
    let flipped = if sig.starts_with('A') { sig.replacen('A', "B", 1) } else { format!("A{}", &sig[1..]) };
    forged.insert(candour_core::auth::HEADER_SIGNATURE, flipped.parse().expect("header"));
    for (name, headers, code) in [
        ("a stranger's key", signed_headers(&stranger, "POST", &path, &big), "unknown-key"),
        ("a forged signature", forged, "bad-signature"),
    ] {
        let response = client
            .post(server.url(&path))
            .headers(headers)
            .header("content-type", "application/octet-stream")
            .body(big.clone())
            .send()
            .await;
        // The relay answers, and may close the connection, before the body has been sent.
        if let Ok(response) = response {
            assert_eq!(response.status(), 401, "{name}");
            let body: serde_json::Value = response.json().await.expect("json");
            assert_eq!(body["code"], code, "{name}");
        }
    }
    let after = folder_bytes(tmp.path());
    assert!(after < before + 1024 * 1024, "{} bytes reached the disk", after - before);

    // A correctly signed head whose body is another: refused at the end, nothing kept.
    let signed_for = envelope_with(&f, 300_000, 1);
    let mut other = signed_for.clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    let response = client
        .post(server.url(&path))
        .headers(signed_headers(f.reviewer.signing_key(), "POST", &path, &signed_for))
        .header("content-type", "application/octet-stream")
        .body(other)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<serde_json::Value>().await.expect("json")["code"], "body-mismatch");
    assert!(store.list(Place::Case(stream), None, 10).expect("list").is_empty());
    server.stop().await;
}

/// Unauthenticated uploads in flight are bounded in number and in the bytes they asked for:
/// beyond either, the relay answers `busy` without reading the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_uploads_in_flight_are_bounded() {
    let f = fixture();
    let mut limits = test_limits();
    limits.max_anonymous_uploads = 2;
    limits.max_anonymous_inflight_bytes = 3 * 1024 * 1024;
    let store: SharedStore = Arc::new(candour_relay::store::MemoryStore::new());
    let server = Server::start(AppState::new(store.clone(), f.served.clone(), f.verified.clone(), limits)).await;
    let whole = envelope_with(&f, 1_000_000, 3);
    // Two uploads that announce a megabyte each and stall after the first bytes.
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let solution = challenge_solution(server.addr, whole.len()).await;
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
        let head = format!(
            "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
            whole.len()
        );
        stream.write_all(head.as_bytes()).await.expect("head");
        stream.write_all(&whole[..70_000]).await.expect("some body");
        stalled.push(stream);
    }
    // Let the relay take both in (a listing is served after them on another connection).
    let _ = reqwest::Client::new().get(server.url("/healthz")).send().await;
    // A third is refused from its head alone: no byte of its body is needed.
    let solution = challenge_solution(server.addr, whole.len()).await;
    let head = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
        whole.len()
    );
    let response = raw_exchange(server.addr, head.as_bytes(), false).await;
    assert!(response.starts_with("HTTP/1.1 503") && response.contains("\"busy\""), "{response}");
    drop(stalled);
    // Once they are gone, a reporter gets through.
    let mut stored = false;
    for _ in 0..50 {
        let response = submit(&reqwest::Client::new(), &server.url(""), whole.clone()).await.expect("sent");
        if response.status() == 201 {
            stored = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(stored, "the slots came back");
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 1);
    server.stop().await;
}

/// A signed request seen before a restart is not accepted again after it, however fast the
/// restart (the relay's memory of nonces does not survive one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_from_before_a_restart_is_not_replayed_after_it() {
    let f = fixture();
    let data = tempfile::tempdir().expect("tmp");
    let store: SharedStore = Arc::new(candour_relay::store::MemoryStore::new());
    let state = || {
        let force = candour_relay::Force {
            bytes: f.served.clone(),
            verified: f.verified.clone(),
            roots: Vec::new(),
            max_signed_uploads: None,
        };
        AppState::with_nonce_journal(store.clone(), vec![force], test_limits(), data.path()).expect("state")
    };
    // Signed a minute ahead (within the allowed skew), so the restarted relay's own start second
    // cannot refuse it however slowly this test runs: only the journal can.
    let server = Server::start(state()).await;
    let signed =
        candour_core::auth::sign_request(f.reviewer.signing_key(), FIXTURE_RELAY, "GET", "/v1/inbox", b"", now() + 60);
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in signed.to_header_values() {
        headers.insert(name, value.parse().expect("header value"));
    }
    let client = reqwest::Client::new();
    let first = client.get(server.url("/v1/inbox")).headers(headers.clone()).send().await.expect("sent");
    assert_eq!(first.status(), 200);
    let replayed = client.get(server.url("/v1/inbox")).headers(headers.clone()).send().await.expect("sent");
    assert_eq!(replayed.status(), 401, "refused while the relay remembers it");
    server.stop().await;
    // The restart: a new process with an empty nonce book.
    let server = Server::start(state()).await;
    let replayed = client.get(server.url("/v1/inbox")).headers(headers).send().await.expect("sent");
    assert_eq!(replayed.status(), 401, "replayed across a restart");
    assert_eq!(replayed.json::<serde_json::Value>().await.expect("json")["code"], "replayed-request");
    server.stop().await;
}

/// The relay pins its organisation's root: it refuses to start on a directory that root did not
/// sign (a forged one, an unsigned one, an altered one), and refuses to start with no root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_refuses_a_directory_its_root_did_not_sign() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("root.pub");
    std::fs::write(&root, f.root.public().to_string()).expect("root");
    let other = candour_core::keys::RootSecretKey::generate();
    let document: serde_json::Value =
        serde_json::from_slice::<serde_json::Value>(&f.served).expect("served")["directory"].clone();
    let forged = candour_core::directory::sign(document.to_string().as_bytes(), &other).expect("signs");
    let mut altered = f.served.clone();
    let at = altered.windows(4).position(|w| w == b"Test").expect("organisation name");
    altered[at] = b'B';
    let start = |name: &str, bytes: &[u8], roots: Vec<String>| {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let config = candour_relay::Config {
            data: tmp.path().join(format!("data-{name}")),
            directory: path,
            directory_roots: roots,
            ..candour_relay::Config::default()
        };
        async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            // A relay that starts serves until told to stop: stop it at once.
            candour_relay::run_on(listener, config, async {}).await
        }
    };
    let pinned = vec![root.display().to_string()];
    assert!(start("good.json", &f.served, pinned.clone()).await.is_ok(), "the real directory starts");
    for (name, bytes, roots, expect) in [
        ("forged.json", forged, pinned.clone(), "below-threshold"),
        ("unsigned.json", document.to_string().into_bytes(), pinned.clone(), "malformed"),
        ("altered.json", altered, pinned.clone(), "bad-signature"),
        ("no-root.json", f.served.clone(), vec![], "directory_roots is empty"),
    ] {
        let err = start(name, &bytes, roots).await.expect_err(name).to_string();
        assert!(err.contains(expect), "{name}: {err}");
    }
}

/// Every refusal is JSON with a stable code, even those the HTTP layer makes on its own
/// (malformed request lines and headers, sizes it will not parse, an HTTP/2 preface).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_http_gets_a_json_code_too() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let server = Server::start(state).await;
    let many_headers: String = (0..200).map(|i| format!("x-{i}: 1\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a bad method", b"G@T / HTTP/1.1\r\nhost: x\r\n\r\n".to_vec(), "malformed-http"),
        ("a space in the path", b"GET /a b HTTP/1.1\r\nhost: x\r\n\r\n".to_vec(), "malformed-http"),
        ("HTTP/2.0", b"GET / HTTP/2.0\r\nhost: x\r\n\r\n".to_vec(), "malformed-http"),
        ("a header without a colon", b"GET /v2 HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n".to_vec(), "malformed-http"),
        // hyper's read buffer may take a header this size whole when it arrives at once; then
        // the route answers (not-found), else the size is refused: JSON either way.
        (
            "a 500 KB header",
            [&b"GET /v2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-a: "[..], &[b'a'; 500_000], b"\r\n\r\n"].concat(),
            "headers-too-large|not-found",
        ),
        ("200 headers", format!("GET /v2 HTTP/1.1\r\nhost: x\r\n{many_headers}\r\n").into_bytes(), "headers-too-large"),
        ("a 70 KB path", format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a".repeat(70_000)).into_bytes(), "uri-too-long"),
        ("a bad Content-Length", b"POST /v1/inbox HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n".to_vec(), "malformed-http"),
        ("two Content-Lengths", b"POST /v1/inbox HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab".to_vec(), "malformed-http"),
        ("an unknown transfer coding", b"POST /v1/inbox HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n".to_vec(), "malformed-http"),
        ("a NUL in the path", b"GET /v1\x00 HTTP/1.1\r\nhost: x\r\n\r\n".to_vec(), "malformed-http"),
        ("a folded header", b"GET /v2 HTTP/1.1\r\nhost: x\r\nx-a: b\r\n c\r\n\r\n".to_vec(), "malformed-http"),
        ("TLS on plain HTTP", [&[0x16u8, 3, 1, 2, 0, 1, 0, 1, 0xfc, 3, 3][..], &[0; 50]].concat(), "malformed-http"),
        ("an HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(), "malformed-http"),
        ("a JSON body declared too large", b"POST /v1/mailbox/list HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 999999\r\n\r\n{".to_vec(), "too-large"),
    ];
    for (name, request, code) in cases {
        let response = raw_exchange(server.addr, &request, false).await;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(head.contains("content-type: application/json"), "{name}: {response:?}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}: {body:?}"));
        assert!(json["code"].as_str().is_some_and(|c| code.split('|').any(|k| k == c)), "{name}: {response}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}");
    }
    assert!(store.list(Place::Inbox, None, 10).expect("list").is_empty());
    server.stop().await;
}

/// A body that stops arriving is cut off, and connections are bounded: beyond the limit the
/// next one waits until one closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_are_cut_off_and_connections_are_bounded() {
    let f = fixture();
    let mut limits = test_limits();
    limits.body_idle_timeout = Duration::from_millis(500);
    limits.request_timeout = Duration::from_secs(60);
    let store: SharedStore = Arc::new(candour_relay::store::MemoryStore::new());
    let state = AppState::new(store, f.served.clone(), f.verified.clone(), limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(candour_relay::serve_limited(
        listener,
        candour_relay::router(state),
        async {
            let _ = stopped.await;
        },
        3,
    ));

    // Slow body: the head and a little, then nothing: cut off after the idle timeout, not the
    // request timeout of a minute.
    let whole = envelope_with(&f, 200_000, 1);
    let solution = challenge_solution(addr, whole.len()).await;
    let mut request = format!(
        "POST /v1/inbox HTTP/1.1\r\nhost: relay\r\ncandour-pow: {solution}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
        whole.len()
    )
    .into_bytes();
    request.extend(&whole[..1_000]);
    let started = std::time::Instant::now();
    let response = raw_exchange(addr, &request, false).await;
    assert!(response.starts_with("HTTP/1.1 408") && response.contains("\"timeout\""), "{response}");
    assert!(started.elapsed() < Duration::from_secs(30), "cut off by the idle timeout");

    // Three connections that send nothing hold every slot...
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    // ...so a fourth is not served while they are open...
    let mut fourth = tokio::net::TcpStream::connect(addr).await.expect("connect");
    fourth.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("write");
    let mut first = [0u8; 1];
    let waited = tokio::time::timeout(Duration::from_millis(300), fourth.read(&mut first)).await;
    assert!(waited.is_err(), "served beyond the connection limit");
    // ...and is, once one of them closes.
    drop(idle.pop());
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), fourth.read_to_end(&mut out)).await.expect("served").expect("read");
    assert!(String::from_utf8_lossy(&out).contains("200 OK"));
    let _ = stop.send(());
    drop(idle);
    let _ = served.await;
}

/// Removing expired data rewrites nothing that lives and needs no spare disk: the live epoch's
/// files are the same files before and after, and writes go on while it happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purging_touches_no_live_data_and_blocks_no_write() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().expect("tempdir");
    let store: SharedStore = Arc::new(SledStore::open(tmp.path()).expect("open"));
    let retention = store.retention();
    let today = Day::from_ymd(2026, 11, 27).expect("day");
    let long_ago = today.plus_days(-i64::from(retention.days + 2 * retention.epoch_days));
    // 40 MiB expired, 40 MiB live.
    let blob = Ciphertext::from_sealed_bytes(vec![7u8; 4 * 1024 * 1024]);
    for _ in 0..10 {
        put_blob(&*store, Place::Inbox, &blob, long_ago).expect("old");
        put_blob(&*store, Place::Inbox, &blob, today).expect("live");
    }
    let live_db = |tmp: &std::path::Path| {
        files_under(tmp).into_iter().find(|p| {
            p.file_name().is_some_and(|n| n == "db")
                && p.to_string_lossy().contains(&today.to_string()[..4])
                && !p.to_string_lossy().contains(&long_ago.to_string()[..7])
        })
    };
    let db = live_db(tmp.path()).expect("the live epoch's log");
    let before = (std::fs::metadata(&db).expect("meta").ino(), folder_bytes(tmp.path()));
    let writer = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || {
            (0..20u8)
                .filter(|i| {
                    put_blob(&*store, Place::Inbox, &Ciphertext::from_sealed_bytes(vec![*i; 10_000]), today).is_ok()
                })
                .count()
        })
    };
    let purged = tokio::task::spawn_blocking({
        let store = store.clone();
        move || purge(&store, today)
    })
    .await
    .expect("join")
    .expect("purge");
    assert_eq!(writer.await.expect("writes"), 20);
    assert_eq!((purged.entries, purged.epochs), (10, 1));
    let after = std::fs::metadata(&db).expect("the live epoch's log is still there").ino();
    assert_eq!(after, before.0, "the live data was not rewritten");
    assert!(folder_bytes(tmp.path()) < before.1, "the expired bytes are gone");
    assert_eq!(store.list(Place::Inbox, None, 100).expect("list").len(), 30);
}
