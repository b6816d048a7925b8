//! One relay, several forces (docs/design.md §5 "Many forces, one relay"): every force's directory is served in one
//! bundle, each force's reviewers are known by their own directory, each force has signed-upload
//! slots of its own, and forces whose directories would tell their reports apart are refused.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{Method, Request, StatusCode};
use candour_core::api::DirectoryBundle;
use candour_core::directory::{self, TrustPolicy};
use candour_core::keys::RootSecretKey;
use candour_core::Day;
use candour_relay::store::{MemoryStore, Place, SharedStore};
use candour_relay::{router, AppState, Force};
use common::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tower::ServiceExt as _;

fn force(f: &Fixture) -> Force {
    Force {
        bytes: f.served.clone(),
        verified: f.verified.clone(),
        roots: vec![f.root.public()],
        max_signed_uploads: None,
    }
}

fn policy_of(f: &Fixture) -> TrustPolicy {
    TrustPolicy {
        roots: vec![f.root.public()],
        threshold: 1,
        min_version: 0,
        today: Day::from_ymd(2026, 11, 27).expect("day"),
    }
}

/// A directory like the fixture's, changed by `edit`, signed by `root`.
fn signed_like(f: &Fixture, root: &RootSecretKey, edit: impl FnOnce(&mut directory::Directory)) -> Force {
    let mut doc = f.verified.directory().clone();
    edit(&mut doc);
    let bytes = directory::sign(&serde_json::to_vec(&doc).expect("json"), root).expect("signs");
    let policy = TrustPolicy { roots: vec![root.public()], ..policy_of(f) };
    let verified = directory::verify(&bytes, &policy).expect("verifies");
    Force { bytes, verified, roots: vec![root.public()], max_signed_uploads: None }
}

async fn call(app: &axum::Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    (status, to_bytes(response.into_body(), usize::MAX).await.expect("body").to_vec())
}

#[tokio::test]
async fn every_force_is_served_and_each_reviewer_is_known_by_their_own_directory() {
    let (kent, essex) = (fixture(), fixture());
    let store: SharedStore = Arc::new(MemoryStore::new());
    let state = AppState::for_forces(store.clone(), vec![force(&kent), force(&essex)], test_limits()).expect("state");
    let app = router(state);

    let (status, bundle) = call(&app, Request::get("/v1/directories").body(Body::empty()).expect("r")).await;
    assert_eq!(status, StatusCode::OK);
    let parsed: DirectoryBundle = serde_json::from_slice(&bundle).expect("a bundle");
    assert_eq!(parsed.format, "candour-directories/1");
    // Byte for byte as each root signed it.
    assert_eq!(
        parsed.directories.iter().map(|d| d.as_bytes().to_vec()).collect::<Vec<_>>(),
        [kent.served.clone(), essex.served.clone()]
    );
    // Each client's pinned root picks its own; a root of neither picks none.
    let (index, picked) = directory::pick(&bundle, &policy_of(&essex)).expect("essex's");
    assert_eq!((index, picked.served_sha256()), (1, essex.verified.served_sha256()));
    assert_eq!(directory::pick(&bundle, &policy_of(&kent)).expect("kent's").0, 0);
    let stranger = TrustPolicy { roots: vec![RootSecretKey::generate().public()], ..policy_of(&kent) };
    let refused = directory::pick(&bundle, &stranger).expect_err("no directory of a stranger's");
    assert_eq!(refused.code(), "not-served", "{refused}");
    // The first force's directory stays where clients from before shared relays look.
    let (_, first) = call(&app, Request::get("/v1/directory").body(Body::empty()).expect("r")).await;
    assert_eq!(first, kent.served);

    // Both forces' reviewers list the one inbox; a key in neither directory is refused.
    for f in [&kent, &essex] {
        let (status, body) = call(&app, signed(f.reviewer.signing_key(), Method::GET, "/v1/inbox", vec![], None)).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    }
    let outsider = candour_core::keys::ReviewerSecret::generate("psd-1");
    let (status, body) = call(&app, signed(outsider.signing_key(), Method::GET, "/v1/inbox", vec![], None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(String::from_utf8_lossy(&body).contains("unknown-key"));
    // Each force's reviewer appends to a case stream; both land in the one store.
    for f in [&kent, &essex] {
        let path = format!("/v1/cases/{}", "ab".repeat(32));
        let request =
            signed(f.reviewer.signing_key(), Method::POST, &path, envelope(f), Some("application/octet-stream"));
        let (status, body) = call(&app, request).await;
        assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    }
    let stream = Place::Case(candour_core::wire::CaseStreamId([0xab; 32]));
    assert_eq!(store.list(stream, None, 10).expect("list").len(), 2);
}

/// Forces whose directories would tell their reports apart, or make a client's pin or a signed
/// request ambiguous, are refused before anything is served, in words an operator can act on.
#[test]
fn forces_that_would_tell_their_reports_apart_are_refused() {
    let (kent, essex) = (fixture(), fixture());
    let store = || -> SharedStore { Arc::new(MemoryStore::new()) };
    let refusal = |forces: Vec<Force>| match AppState::for_forces(store(), forces, test_limits()) {
        Ok(_) => panic!("served"),
        Err(e) => e.to_string(),
    };
    assert!(AppState::for_forces(store(), vec![force(&kent), force(&essex)], test_limits()).is_ok());

    let wider = signed_like(&essex, &essex.root, |d| {
        d.stanzas = STANZAS + 1;
        d.organisation = "Essex Police".into();
    });
    let said = refusal(vec![force(&kent), wider]);
    assert!(said.contains("same number of stanzas") && said.contains("Essex Police has 5"), "{said}");

    let mut twice = force(&essex);
    twice.roots.push(kent.root.public());
    let said = refusal(vec![force(&kent), twice]);
    assert!(said.contains("pinned for two forces") && said.contains(&kent.root.public().fingerprint()), "{said}");

    // Essex's directory listing Kent's reviewer's signing key.
    let shared = signed_like(&essex, &essex.root, |d| d.reviewers[0].signing_key = kent.reviewer.public_signing_key());
    let said = refusal(vec![force(&kent), shared]);
    assert!(said.contains("also lists"), "{said}");

    assert!(refusal(vec![]).contains("no force"));
}

/// Each force has signed-upload slots of its own: one force's reviewers holding all of theirs
/// (here: one, set for that force alone) never make another force's reviewer wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_forces_uploads_never_hold_up_anothers() {
    let (kent, essex) = (fixture(), fixture());
    let mut kent_force = force(&kent);
    kent_force.max_signed_uploads = Some(1);
    let store: SharedStore = Arc::new(MemoryStore::new());
    let state = AppState::for_forces(store.clone(), vec![kent_force, force(&essex)], test_limits()).expect("state");
    let server = Server::start(state).await;
    let path = |n: u8| format!("/v1/cases/{}", format!("{n:02x}").repeat(32));
    let big = envelope_with(&kent, 500_000, 7);
    // Kent's one upload, its head sent and its body stalled after 70 kB.
    let head = |key: &ed25519_dalek::SigningKey, path: &str, body: &[u8]| {
        let signed = candour_core::auth::sign_request(key, FIXTURE_RELAY, "POST", path, body, signing_now());
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nhost: relay\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in signed.to_header_values() {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head
    };
    let mut stalled = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    stalled.write_all(head(kent.reviewer.signing_key(), &path(1), &big).as_bytes()).await.expect("head");
    stalled.write_all(&big[..70_000]).await.expect("some body");
    let _ = reqwest::Client::new().get(server.url("/healthz")).send().await;

    // Kent's second upload is refused from its head; Essex's goes through.
    let exchange = |request: Vec<u8>| async move {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
        stream.write_all(&request).await.expect("write");
        let mut out = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut out))
            .await
            .expect("answered")
            .expect("read");
        String::from_utf8_lossy(&out[..n]).into_owned()
    };
    let small = envelope(&kent);
    let mut second = head(kent.reviewer.signing_key(), &path(2), &small).into_bytes();
    second.extend_from_slice(&small);
    let answer = exchange(second).await;
    assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("\"busy\""), "{answer}");
    let theirs = envelope(&essex);
    let mut request = head(essex.reviewer.signing_key(), &path(3), &theirs).into_bytes();
    request.extend_from_slice(&theirs);
    let answer = exchange(request).await;
    assert!(answer.starts_with("HTTP/1.1 201"), "Essex waited on Kent's slots: {answer}");
    drop(stalled);
    server.stop().await;
}
