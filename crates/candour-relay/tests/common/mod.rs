//! Shared test fixtures: a freshly signed directory, signed reviewer requests, proof of work,
//! and a loopback server whose guard shuts it down on drop.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request};
use candour_core::auth;
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, RootSecretKey};
use candour_core::pow::{self, Challenge};
use candour_core::Day;
use candour_relay::store::{MemoryStore, SharedStore, SledStore, StoreError};
use candour_relay::{AppState, Limits};

/// A directory signed by a fresh root, with one reviewer whose secrets the test holds.
pub struct Fixture {
    pub root: RootSecretKey,
    pub reviewer: ReviewerSecret,
    pub served: Vec<u8>,
    pub verified: VerifiedDirectory,
}

pub fn fixture() -> Fixture {
    let root = RootSecretKey::generate();
    let reviewer = ReviewerSecret::generate("psd-1");
    let document = serde_json::json!({
        "format": directory::DIRECTORY_FORMAT,
        "organisation": "Test Constabulary",
        "version": 1,
        "not_after": "2099-12-31",
        "relay": {"https": FIXTURE_RELAY},
        "stanzas": 4,
        "queues": [{"id": "psd", "name": "Professional Standards", "independent": true}],
        "reviewers": [{
            "id": "psd-1",
            "display_name": "DS Test (PSD)",
            "role": "reviewer",
            "queues": ["psd"],
            "recipients": [{"kind": "x25519", "key": reviewer.recipient().to_string()}],
            "signing_key": reviewer.public_signing_key().to_string(),
        }],
        "routing": {"rules": [{"queues": ["psd"]}], "fallback_queue": "psd"},
    });
    let served = directory::sign(document.to_string().as_bytes(), &root).expect("directory signs");
    let policy = TrustPolicy {
        roots: vec![root.public()],
        threshold: 1,
        min_version: 0,
        today: Day::from_ymd(2026, 11, 27).expect("a day"),
    };
    let verified = directory::verify(&served, &policy).expect("directory verifies");
    Fixture { root, reviewer, served, verified }
}

pub fn test_limits() -> Limits {
    Limits {
        max_upload_bytes: 1024 * 1024,
        max_json_bytes: 4096,
        pow_difficulty: 4,
        pow_bytes_per_unit: 64 * 1024,
        max_clock_skew_secs: 300,
        request_timeout: std::time::Duration::from_secs(10),
        body_idle_timeout: candour_relay::BODY_IDLE_TIMEOUT,
        max_anonymous_uploads: 8,
        max_anonymous_inflight_bytes: 64 * 1024 * 1024,
        max_signed_uploads: 8,
        page_origins: Vec::new(),
    }
}

/// The fixture directory's constant stanza count.
pub const STANZAS: usize = 4;

/// A real envelope of the relay's shape (sealed to the fixture's reviewer, [`STANZAS`] stanzas)
/// carrying an attachment of `attachment` bytes of `fill`, so its length can be steered.
pub fn envelope_with(f: &Fixture, attachment: usize, fill: u8) -> Vec<u8> {
    let data = vec![fill; attachment];
    let mut reader = &data[..];
    let attachments = if attachment == 0 {
        vec![]
    } else {
        vec![candour_core::envelope::AttachmentSource {
            meta: candour_core::envelope::AttachmentMeta {
                name: "a.bin".into(),
                media_type: "application/octet-stream".into(),
            },
            len: attachment as u64,
            reader: &mut reader,
        }]
    };
    let signer = ed25519_dalek::SigningKey::from_bytes(&rand::random());
    candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &[f.reviewer.recipient()],
        STANZAS,
        b"{}",
        attachments,
        &signer,
        Vec::new(),
    )
    .expect("seals")
}

/// A small real envelope (one padded chunk, 16 KiB).
pub fn envelope(f: &Fixture) -> Vec<u8> {
    envelope_with(f, 0, 0)
}

pub fn memory_state(f: &Fixture) -> (AppState, SharedStore) {
    let store: SharedStore = Arc::new(MemoryStore::new());
    (AppState::new(store.clone(), f.served.clone(), f.verified.clone(), test_limits()), store)
}

pub fn now() -> u64 {
    candour_relay::clock::unix_now()
}

/// The relay address the fixture directory gives: what every reviewer request to a test relay
/// is signed for.
pub const FIXTURE_RELAY: &str = "https://relay.invalid";

/// A request signed by `key` at `timestamp`.
pub fn signed_at(
    key: &ed25519_dalek::SigningKey,
    method: Method,
    path: &str,
    body: Vec<u8>,
    content_type: Option<&str>,
    timestamp: u64,
) -> Request<Body> {
    let headers = auth::sign_request(key, FIXTURE_RELAY, method.as_str(), path, &body, timestamp);
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers.to_header_values() {
        builder = builder.header(name, value);
    }
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    // The signed length is the request's Content-Length, as an HTTP client sends it.
    if !body.is_empty() {
        builder = builder.header("content-length", body.len());
    }
    builder.body(Body::from(body)).expect("request builds")
}

pub fn signed(
    key: &ed25519_dalek::SigningKey,
    method: Method,
    path: &str,
    body: Vec<u8>,
    content_type: Option<&str>,
) -> Request<Body> {
    signed_at(key, method, path, body, content_type, signing_now())
}

/// The timestamp test requests are signed with: a second ahead of the relay's clock (well
/// within the skew allowed), because a relay refuses requests signed in the second it started.
pub fn signing_now() -> u64 {
    now() + 1
}

/// A challenge for an envelope of at most `max_bytes`, as a reporter's client asks for one.
pub fn challenge_request(max_bytes: u64) -> Request<Body> {
    Request::post("/v1/inbox/challenge")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({ "max_bytes": max_bytes }).to_string()))
        .expect("request")
}

pub fn solve(challenge_json: &[u8]) -> String {
    let challenge: Challenge = serde_json::from_slice(challenge_json).expect("a challenge");
    pow::solve(&challenge).expect("solvable").to_string()
}

/// reqwest headers for a signed request.
pub fn signed_headers(
    key: &ed25519_dalek::SigningKey,
    method: &str,
    path: &str,
    body: &[u8],
) -> reqwest::header::HeaderMap {
    let signed = auth::sign_request(key, FIXTURE_RELAY, method, path, body, signing_now());
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in signed.to_header_values() {
        map.insert(name, value.parse().expect("header value"));
    }
    map
}

/// A relay on 127.0.0.1:0 in this process; dropping the guard shuts it down.
pub struct Server {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start(state: AppState) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel();
        let handle = tokio::spawn(async move {
            candour_relay::serve(listener, candour_relay::router(state), async {
                let _ = rx.await;
            })
            .await
            .expect("serves");
        });
        Server { addr, shutdown: Some(tx), handle: Some(handle) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Shuts down and waits for in-flight requests to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Submits one envelope over HTTP the way a reporter's client does: challenge, solve, post.
pub async fn submit(client: &reqwest::Client, server: &str, envelope: Vec<u8>) -> reqwest::Result<reqwest::Response> {
    let challenge = client
        .post(format!("{server}/v1/inbox/challenge"))
        .json(&serde_json::json!({ "max_bytes": envelope.len() }))
        .send()
        .await?
        .bytes()
        .await?;
    let solution = solve(&challenge);
    client
        .post(format!("{server}/v1/inbox"))
        .header(pow::HEADER, solution)
        .header("content-type", "application/octet-stream")
        .body(envelope)
        .send()
        .await
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Where in `haystacks` (name, bytes) any needle occurs.
pub fn find_needles(haystacks: &[(String, Vec<u8>)], needles: &[&[u8]]) -> Vec<String> {
    let mut hits = Vec::new();
    for (name, bytes) in haystacks {
        for needle in needles {
            if bytes.windows(needle.len()).any(|w| w == *needle) {
                hits.push(format!("{} in {name}", String::from_utf8_lossy(needle)));
            }
        }
    }
    hits
}

/// The contents of every file under `dir`, named by path. A file that vanished between listing
/// and reading (a store's temporary file) is left out; one that cannot be read fails the test,
/// so an unreadable file never passes a canary scan as an empty one.
pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .filter_map(|p| match std::fs::read(&p) {
            Ok(bytes) => Some((p.display().to_string(), bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("canary scan cannot read {}: {e}", p.display()),
        })
        .collect()
}

/// Opens what a store in this process used until a moment ago. sled's own I/O threads let go
/// of a database's lock a little after its last handle is dropped (a relay restart is a new
/// process, which never waits for this), so while `open` reports that lock busy it is asked
/// again, for at most ten seconds; any other failure, or a lock still held then, fails the test.
pub fn when_released<T, E: std::fmt::Debug>(
    mut open: impl FnMut() -> Result<T, E>,
    lock_busy: impl Fn(&E) -> bool,
) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match open() {
            Ok(opened) => return opened,
            Err(e) if lock_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("open: {e:?}"),
        }
    }
}

/// The sled store at `dir`, opened again in this process (see [`when_released`]). The store
/// reports the busy lock by its kind alone.
pub fn reopen(dir: &std::path::Path) -> SledStore {
    when_released(|| SledStore::open(dir), |e| matches!(e, StoreError::Io(kind) if kind == "other error"))
}

/// A sled database opened again in this process (see [`when_released`]).
pub fn reopen_sled(config: &sled::Config) -> sled::Db {
    when_released(|| config.open(), |e| e.to_string().contains("could not acquire lock"))
}
