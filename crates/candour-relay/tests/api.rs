//! Handler tests without a socket: `router(state).oneshot(request)`.

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use candour_core::api::EntryPage;
use candour_core::pow;
use candour_core::token::MailboxToken;
use candour_core::wire::{CaseStreamId, Ciphertext, ThreadId};
use candour_relay::router;
use candour_relay::store::{read_blob, Place, Seq, SharedStore};
use common::*;
use tower::ServiceExt as _;

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.map(|b| b.to_vec()).unwrap_or_default();
    (status, body)
}

fn code(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).expect("a JSON error body");
    assert!(v["message"].is_string(), "every error has a message");
    v["code"].as_str().expect("a code").to_owned()
}

/// A solution to a challenge for an envelope of at most `max_bytes`.
async fn solved_for(app: &Router, max_bytes: u64) -> String {
    let (status, body) = call(app, challenge_request(max_bytes)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    solve(&body)
}

/// A solution to a challenge for one unit of size (an empty challenge request).
async fn solved(app: &Router) -> String {
    let (status, body) = call(app, Request::post("/v1/inbox/challenge").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    solve(&body)
}

fn submission(solution: &str, body: Vec<u8>) -> Request<Body> {
    Request::post("/v1/inbox")
        .header(pow::HEADER, solution)
        .header("content-type", "application/octet-stream")
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn health_directory_and_openapi() {
    let f = fixture();
    let (state, _) = memory_state(&f);
    let app = router(state);
    let (status, body) = call(&app, Request::get("/healthz").body(Body::empty()).expect("request")).await;
    assert_eq!((status, body), (StatusCode::OK, br#"{"status":"ok"}"#.to_vec()));
    let (status, body) = call(&app, Request::get("/v1/directory").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, f.served, "the directory is served byte for byte");
    let (status, body) = call(&app, Request::get("/v1/openapi.json").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("json");
    for path in [
        "/v1/directory",
        "/v1/policy",
        "/v1/inbox",
        "/v1/inbox/challenge",
        "/v1/cases/{stream}",
        "/v1/mailbox/read",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let (status, body) = call(&app, Request::get("/v1/policy").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    let policy: candour_core::api::Policy = serde_json::from_slice(&body).expect("policy");
    assert_eq!((policy.stanzas, policy.retention_days, policy.retention_epoch_days), (STANZAS, 365, 28));
}

#[tokio::test]
async fn submit_with_proof_of_work_then_a_reviewer_lists_and_reads() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let app = router(state);
    let key = f.reviewer.signing_key();

    let one = envelope(&f);
    let solution = solved(&app).await;
    let (status, _) = call(&app, submission(&solution, one.clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    // The same challenge cannot be used twice.
    let (status, body) = call(&app, submission(&solution, envelope(&f))).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "pow-unknown-challenge"));

    let (status, body) = call(&app, signed(key, Method::GET, "/v1/inbox", vec![], None)).await;
    assert_eq!(status, StatusCode::OK);
    let page: EntryPage = serde_json::from_slice(&body).expect("page");
    assert_eq!(page.entries.len(), 1);
    let seq = page.entries[0].seq;
    let (status, body) = call(&app, signed(key, Method::GET, &format!("/v1/inbox/{}", seq.0), vec![], None)).await;
    assert_eq!((status, body), (StatusCode::OK, one.clone()));
    // Nothing new after the cursor.
    let (_, body) = call(&app, signed(key, Method::GET, &format!("/v1/inbox?after={}", seq.0), vec![], None)).await;
    assert!(serde_json::from_slice::<EntryPage>(&body).expect("page").entries.is_empty());

    // No reviewer, however well signed, can remove an entry or change its life: there is no
    // such request any more, and the entry, its bytes and its expiry day are untouched.
    let expires = store.info(Place::Inbox, seq).expect("info").expect("present").expires;
    let attempts = [
        signed(key, Method::DELETE, &format!("/v1/inbox/{}", seq.0), vec![], None),
        signed(
            key,
            Method::PUT,
            &format!("/v1/inbox/{}/expiry", seq.0),
            br#"{"expires":"2026-12-01"}"#.to_vec(),
            Some("application/json"),
        ),
    ];
    for attempt in attempts {
        let (status, body) = call(&app, attempt).await;
        assert!(
            [StatusCode::METHOD_NOT_ALLOWED, StatusCode::NOT_FOUND].contains(&status),
            "{status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    assert_eq!(store.info(Place::Inbox, seq).expect("info").map(|i| i.expires), Some(expires));
    assert_eq!(read_blob(&*store, Place::Inbox, seq).expect("read").map(Ciphertext::into_bytes), Some(one));
}

#[tokio::test]
async fn signed_requests_refuse_replay_staleness_unknown_keys_and_tampering() {
    let f = fixture();
    let (state, _) = memory_state(&f);
    let app = router(state);
    let key = f.reviewer.signing_key();

    let request = signed(key, Method::GET, "/v1/inbox", vec![], None);
    let (parts, body) = request.into_parts();
    let replay = Request::from_parts(parts.clone(), Body::empty());
    let (status, _) = call(&app, Request::from_parts(parts, body)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&app, replay).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "replayed-request"));

    let stale = signed_at(key, Method::GET, "/v1/inbox", vec![], None, now() - 3600);
    let (status, body) = call(&app, stale).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "stale-request"));

    let stranger = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let (status, body) = call(&app, signed(&stranger, Method::GET, "/v1/inbox", vec![], None)).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "unknown-key"));

    // Signed for one path, sent to another.
    let (mut parts, body) = signed(key, Method::GET, "/v1/inbox", vec![], None).into_parts();
    parts.uri = "/v1/inbox?after=0".parse().expect("uri");
    let (status, body) = call(&app, Request::from_parts(parts, body)).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "bad-signature"));

    // Signed, fresh and never seen here, but for another relay (another force's, or a staging
    // relay where the same reviewer key is listed): captured there, refused here.
    let elsewhere = candour_core::auth::sign_request(
        key,
        "https://relay.elsewhere.invalid",
        "GET",
        "/v1/inbox",
        b"",
        signing_now(),
    );
    let mut builder = Request::builder().method(Method::GET).uri("/v1/inbox");
    for (name, value) in elsewhere.to_header_values() {
        builder = builder.header(name, value);
    }
    let (status, body) = call(&app, builder.body(Body::empty()).expect("request")).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNAUTHORIZED, "bad-signature"));
}

#[tokio::test]
async fn case_streams_and_mailboxes() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let app = router(state);
    let key = f.reviewer.signing_key();
    let stream = CaseStreamId::for_thread(&ThreadId([5; 16]));

    // A report first, as in life: its number must not be related to the case's or mailbox's.
    let (status, _) = call(&app, submission(&solved(&app).await, envelope(&f))).await;
    assert_eq!(status, StatusCode::CREATED);

    let path = format!("/v1/cases/{stream}");
    let events = [envelope_with(&f, 10, 1), envelope_with(&f, 20, 2)];
    let mut numbers = Vec::new();
    for event in &events {
        let (status, body) =
            call(&app, signed(key, Method::POST, &path, event.clone(), Some("application/octet-stream"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let appended: candour_core::api::Appended = serde_json::from_slice(&body).expect("appended");
        numbers.push(appended.seq.0);
    }
    let (_, body) = call(&app, signed(key, Method::GET, &path, vec![], None)).await;
    let page: EntryPage = serde_json::from_slice(&body).expect("page");
    assert_eq!(page.entries.len(), 2);
    let (_, body) =
        call(&app, signed(key, Method::GET, &format!("{path}/{}", page.entries[1].seq.0), vec![], None)).await;
    assert_eq!(body, events[1]);

    // A reviewer replies into a mailbox; only the token holder's id opens it.
    let token = MailboxToken::generate();
    let address = token.mailbox_id().address();
    let reply = envelope_with(&f, 30, 3);
    let (status, body) = call(
        &app,
        signed(key, Method::POST, &format!("/v1/mailboxes/{address}"), reply.clone(), Some("application/octet-stream")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let appended: candour_core::api::Appended = serde_json::from_slice(&body).expect("appended");
    let seq = appended.seq;
    // Each place counts on its own: the report is the inbox's 1, the events the stream's 1 and
    // 2, the reply the mailbox's 1. One shared counter would have given 1, 2, 3, 4 and linked
    // them in a seized copy.
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list")[0].seq, Seq(1));
    assert_eq!(numbers, [1, 2]);
    assert_eq!(seq, Seq(1));
    assert_eq!(appended.expires, store.info(Place::Mailbox(address), seq).expect("info").expect("present").expires);
    let id_hex: String = token.mailbox_id().expose_secret().iter().map(|b| format!("{b:02x}")).collect();
    let list = Request::post("/v1/mailbox/list")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({"mailbox_id": id_hex}).to_string()))
        .expect("request");
    let (status, body) = call(&app, list).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_slice::<EntryPage>(&body).expect("page").entries.len(), 1);
    let read = Request::post("/v1/mailbox/read")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({"mailbox_id": id_hex, "seq": seq.0}).to_string()))
        .expect("request");
    assert_eq!(call(&app, read).await, (StatusCode::OK, reply.clone()));
    // The address itself is not the key to the mailbox.
    let wrong = Request::post("/v1/mailbox/list")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({"mailbox_id": address.to_string()}).to_string()))
        .expect("request");
    let (_, body) = call(&app, wrong).await;
    assert!(serde_json::from_slice::<EntryPage>(&body).expect("page").entries.is_empty());
    assert_eq!(
        read_blob(&*store, Place::Mailbox(address), seq).expect("read"),
        Some(Ciphertext::from_sealed_bytes(reply))
    );
}

/// Everything in the store, listed and read back, for before/after comparison.
fn snapshot(store: &SharedStore, places: &[Place]) -> Vec<(Place, Seq, String, Vec<u8>)> {
    let mut out = Vec::new();
    for place in places {
        for info in store.list(*place, None, 10_000).expect("list") {
            let bytes = read_blob(&**store, *place, info.seq).expect("read").expect("present").into_bytes();
            out.push((*place, info.seq, info.expires.to_string(), bytes));
        }
    }
    out
}

/// A body that delivers some bytes and then fails, as hyper's body does when a client
/// disconnects mid-upload.
fn truncated_body(f: &Fixture) -> Body {
    let start = envelope_with(f, 100_000, 1)[..70_000].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(start), Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "client went away"))];
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn bad_input_table() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let app = router(state);
    let key = f.reviewer.signing_key();
    let stream = CaseStreamId([4; 32]);
    let places = [Place::Inbox, Place::Case(stream)];

    // Some content to protect.
    let large = envelope_with(&f, 100_000, 7);
    assert_eq!(call(&app, submission(&solved_for(&app, large.len() as u64).await, large)).await.0, StatusCode::CREATED);
    let case_path = format!("/v1/cases/{stream}");
    assert_eq!(
        call(&app, signed(key, Method::POST, &case_path, envelope(&f), Some("application/octet-stream"))).await.0,
        StatusCode::CREATED
    );
    let before = snapshot(&store, &places);
    assert_eq!(before.len(), 2);
    let seq = before[0].1 .0;
    let good = envelope(&f);
    // Not envelopes of this relay's shape.
    let random: Vec<u8> = (0..20_000).map(|_| rand::random::<u8>()).collect();
    let plaintext = br#"{"what": "the sergeant took the cash"}"#.to_vec();
    let two_stanzas = {
        let signer = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
        candour_core::envelope::seal(
            candour_core::envelope::EnvelopeKind::Report,
            &[f.reviewer.recipient()],
            2,
            b"{}",
            vec![],
            &signer,
            Vec::new(),
        )
        .expect("seals")
    };
    let mut longer = good.clone();
    longer.extend_from_slice(&[0; 16]);
    let mut shorter = good.clone();
    shorter.truncate(good.len() - 1);
    // A token the relay never issued (its MAC is wrong), with the work done.
    let forged = {
        let token = pow::ChallengeToken::new([1; 16], 1 << 20, 4, now(), [0; pow::MAC_LEN]);
        pow::solve(&pow::Challenge::for_token(token)).expect("solve").to_string()
    };

    let octet = Some("application/octet-stream");
    let json = Some("application/json");
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let big = vec![0u8; 1024 * 1024 + 1];

    let mut cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "unknown route",
            Request::get("/v2/anything").body(Body::empty()).expect("r"),
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        ("no such page", Request::get("/admin").body(Body::empty()).expect("r"), StatusCode::NOT_FOUND, "not-found"),
        (
            "post to the page",
            Request::post("/").body(Body::from("x")).expect("r"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "wrong method",
            Request::delete("/v1/directory").body(Body::empty()).expect("r"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "submit without pow",
            Request::post("/v1/inbox")
                .header("content-type", "application/octet-stream")
                .body(Body::from("x"))
                .expect("r"),
            StatusCode::UNAUTHORIZED,
            "pow-required",
        ),
        (
            "submit with garbage pow",
            Request::post("/v1/inbox")
                .header(pow::HEADER, "zz:00")
                .header("content-type", "application/octet-stream")
                .body(Body::from("x"))
                .expect("r"),
            StatusCode::UNAUTHORIZED,
            "pow-required",
        ),
        (
            "submit with an unissued challenge",
            submission(&forged, good.clone()),
            StatusCode::UNAUTHORIZED,
            "pow-unknown-challenge",
        ),
        (
            "submit with insufficient work",
            submission(&insufficient(&app).await, good.clone()),
            StatusCode::UNAUTHORIZED,
            "pow-insufficient",
        ),
        (
            "submit random bytes",
            submission(&solved(&app).await, random.clone()),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "submit a plaintext body",
            submission(&solved(&app).await, plaintext),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "submit an age file with 2 stanzas, not the directory's 4",
            submission(&solved(&app).await, two_stanzas.clone()),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "submit an envelope with bytes added",
            submission(&solved(&app).await, longer.clone()),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "submit an envelope one byte short",
            submission(&solved(&app).await, shorter),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "submit beyond the challenge's size",
            submission(&solved_for(&app, 1000).await, good.clone()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "beyond-challenge",
        ),
        (
            "challenge beyond the upload limit",
            challenge_request(1024 * 1024 + 1),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
        ),
        (
            "challenge request malformed",
            Request::post("/v1/inbox/challenge")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"max_bytes":"lots"}"#))
                .expect("r"),
            StatusCode::BAD_REQUEST,
            "malformed-json",
        ),
        (
            "challenge request as text",
            Request::post("/v1/inbox/challenge").header("content-type", "text/plain").body(Body::from("1")).expect("r"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            "submit as JSON",
            Request::post("/v1/inbox")
                .header(pow::HEADER, solved(&app).await)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .expect("r"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            "submit without content type",
            Request::post("/v1/inbox").header(pow::HEADER, solved(&app).await).body(Body::from("x")).expect("r"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            "submit too large",
            submission(&solved_for(&app, 1024 * 1024).await, big.clone()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "beyond-challenge",
        ),
        (
            "submit declaring too large",
            Request::post("/v1/inbox")
                .header(pow::HEADER, solved(&app).await)
                .header("content-type", "application/octet-stream")
                .header("content-length", "99999999")
                .body(Body::from("x"))
                .expect("r"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "beyond-challenge",
        ),
        ("submit empty", submission(&solved(&app).await, vec![]), StatusCode::BAD_REQUEST, "empty-body"),
        (
            "submit truncated",
            Request::post("/v1/inbox")
                .header(pow::HEADER, solved_for(&app, 200_000).await)
                .header("content-type", "application/octet-stream")
                .body(truncated_body(&f))
                .expect("r"),
            StatusCode::BAD_REQUEST,
            "truncated-upload",
        ),
        (
            "unsigned list",
            Request::get("/v1/inbox").body(Body::empty()).expect("r"),
            StatusCode::UNAUTHORIZED,
            "unsigned-request",
        ),
        (
            "stale list",
            signed_at(key, Method::GET, "/v1/inbox", vec![], None, now() + 3600),
            StatusCode::UNAUTHORIZED,
            "stale-request",
        ),
        (
            "stranger's list",
            signed(&stranger, Method::GET, "/v1/inbox", vec![], None),
            StatusCode::UNAUTHORIZED,
            "unknown-key",
        ),
        (
            "malformed signature header",
            malformed_signature(key),
            StatusCode::UNAUTHORIZED,
            "malformed-signature-header",
        ),
        (
            "bad cursor",
            signed(key, Method::GET, "/v1/inbox?after=-1", vec![], None),
            StatusCode::BAD_REQUEST,
            "bad-query",
        ),
        (
            "unknown query key",
            signed(key, Method::GET, "/v1/inbox?from=1", vec![], None),
            StatusCode::BAD_REQUEST,
            "bad-query",
        ),
        (
            "limit zero",
            signed(key, Method::GET, "/v1/inbox?limit=0", vec![], None),
            StatusCode::BAD_REQUEST,
            "bad-query",
        ),
        (
            "non-numeric entry",
            signed(key, Method::GET, "/v1/inbox/abc", vec![], None),
            StatusCode::BAD_REQUEST,
            "bad-id",
        ),
        (
            "missing entry",
            signed(key, Method::GET, "/v1/inbox/999999", vec![], None),
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        ("short case id", signed(key, Method::GET, "/v1/cases/abcd", vec![], None), StatusCode::BAD_REQUEST, "bad-id"),
        (
            "upper-case case id",
            signed(key, Method::GET, &format!("/v1/cases/{}", "AB".repeat(32)), vec![], None),
            StatusCode::BAD_REQUEST,
            "bad-id",
        ),
        (
            "case append of random bytes",
            signed(key, Method::POST, &case_path, random.clone(), octet),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "case append with 2 stanzas",
            signed(key, Method::POST, &case_path, two_stanzas.clone(), octet),
            StatusCode::BAD_REQUEST,
            "invalid-envelope",
        ),
        (
            "case append as text",
            signed(key, Method::POST, &case_path, b"x".to_vec(), Some("text/plain")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            "case append too large",
            signed(key, Method::POST, &case_path, big, octet),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
        ),
        ("case append, body swapped", swapped_body(&f, &case_path), StatusCode::UNAUTHORIZED, "body-mismatch"),
        (
            "delete an entry",
            signed(key, Method::DELETE, &format!("/v1/inbox/{seq}"), vec![], None),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "delete a case event",
            signed(key, Method::DELETE, &format!("{case_path}/1"), vec![], None),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "shorten an entry's life",
            signed(key, Method::PUT, &format!("/v1/inbox/{seq}/expiry"), br#"{"expires":"2026-12-01"}"#.to_vec(), json),
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        (
            "mailbox list without JSON type",
            Request::post("/v1/mailbox/list").body(Body::from("{}")).expect("r"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            "mailbox list malformed",
            Request::post("/v1/mailbox/list")
                .header("content-type", "application/json")
                .body(Body::from("["))
                .expect("r"),
            StatusCode::BAD_REQUEST,
            "malformed-json",
        ),
        (
            "mailbox list short id",
            Request::post("/v1/mailbox/list")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"mailbox_id":"ab"}"#))
                .expect("r"),
            StatusCode::BAD_REQUEST,
            "bad-id",
        ),
        (
            "mailbox read without seq",
            Request::post("/v1/mailbox/read")
                .header("content-type", "application/json")
                .body(Body::from(format!(r#"{{"mailbox_id":"{}"}}"#, "ab".repeat(32))))
                .expect("r"),
            StatusCode::BAD_REQUEST,
            "malformed-json",
        ),
        (
            "mailbox read missing",
            Request::post("/v1/mailbox/read")
                .header("content-type", "application/json")
                .body(Body::from(format!(r#"{{"mailbox_id":"{}","seq":1}}"#, "ab".repeat(32))))
                .expect("r"),
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        (
            "mailbox append unsigned",
            Request::post(format!("/v1/mailboxes/{}", "ab".repeat(32)))
                .header("content-type", "application/octet-stream")
                .body(Body::from("x"))
                .expect("r"),
            StatusCode::UNAUTHORIZED,
            "unsigned-request",
        ),
    ];
    // A replay of a request that is refused is still refused (the nonce of a refused request
    // is not burnt, but its replay is refused for the same reason).
    cases.push((
        "signed read of a bad id",
        signed(key, Method::GET, "/v1/inbox/1x", vec![], None),
        StatusCode::BAD_REQUEST,
        "bad-id",
    ));
    assert!(cases.len() >= 45);

    for (name, request, status, expected) in cases {
        let (got, body) = call(&app, request).await;
        assert_eq!(got, status, "{name}: status (body {})", String::from_utf8_lossy(&body));
        assert_eq!(code(&body), expected, "{name}: code");
        assert_eq!(snapshot(&store, &places), before, "{name}: the store changed");
    }
    // The aborted uploads' clean-up runs on blocking threads, each holding the store: with the
    // router gone, wait until they have all let go (the condition itself, not a guess at how
    // long they take), then check again that nothing was left.
    drop(app);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::sync::Arc::strong_count(&store) > 1 {
        assert!(std::time::Instant::now() < deadline, "clean-up tasks still hold the store");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(snapshot(&store, &places), before);
}

/// A solution header for a real challenge whose counter does not meet the difficulty.
async fn insufficient(app: &Router) -> String {
    let (_, body) = call(app, Request::post("/v1/inbox/challenge").body(Body::empty()).expect("request")).await;
    let challenge: pow::Challenge = serde_json::from_slice(&body).expect("challenge");
    let counter = (0u64..).find(|&n| pow::work(&challenge.challenge, n) < 4).expect("some counter fails");
    format!("{}:{counter:016x}", challenge.challenge)
}

fn malformed_signature(key: &ed25519_dalek::SigningKey) -> Request<Body> {
    let (mut parts, body) = signed(key, Method::GET, "/v1/inbox", vec![], None).into_parts();
    parts.headers.insert(candour_core::auth::HEADER_SIGNATURE, "not base64!".parse().expect("header"));
    Request::from_parts(parts, body)
}

/// A signed upload whose body is swapped for another of the same length and shape.
fn swapped_body(f: &Fixture, path: &str) -> Request<Body> {
    let signed_for = envelope(f);
    let mut other = signed_for.clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    let (parts, _) =
        signed(f.reviewer.signing_key(), Method::POST, path, signed_for, Some("application/octet-stream")).into_parts();
    Request::from_parts(parts, Body::from(other))
}

#[tokio::test]
async fn uploads_across_chunk_boundaries_read_back_exactly() {
    let f = fixture();
    let (state, _) = memory_state(&f);
    let app = router(state);
    let key = f.reviewer.signing_key();
    // Envelopes of one padded chunk, just under and over the relay's 64 KiB storage chunk, and
    // of several.
    for (i, attachment) in [0, 40_000, 64_000, 66_000, 200_000].into_iter().enumerate() {
        let body = envelope_with(&f, attachment, i as u8);
        // Delivered in odd-sized pieces, as a network would.
        let pieces: Vec<Result<Vec<u8>, std::io::Error>> = body.chunks(7_777).map(|c| Ok(c.to_vec())).collect();
        let request = Request::post("/v1/inbox")
            .header(pow::HEADER, solved_for(&app, body.len() as u64).await)
            .header("content-type", "application/octet-stream")
            .body(Body::from_stream(futures_util::stream::iter(pieces)))
            .expect("request");
        assert_eq!(call(&app, request).await.0, StatusCode::CREATED);
        let (_, page) = call(&app, signed(key, Method::GET, "/v1/inbox", vec![], None)).await;
        let page: EntryPage = serde_json::from_slice(&page).expect("page");
        let seq = page.entries.last().expect("entry").seq;
        let (status, read) = call(&app, signed(key, Method::GET, &format!("/v1/inbox/{}", seq.0), vec![], None)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(read == body, "an envelope of {} bytes reads back exactly", body.len());
    }
}

#[tokio::test]
async fn the_work_grows_with_the_size_asked_for() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let app = router(state);
    let difficulty = |body: Vec<u8>| serde_json::from_slice::<pow::Challenge>(&body).expect("challenge").difficulty;
    let unit = test_limits().pow_bytes_per_unit;
    let (_, small) = call(&app, challenge_request(unit)).await;
    let (_, double) = call(&app, challenge_request(unit + 1)).await;
    let (_, large) = call(&app, challenge_request(16 * unit)).await;
    assert_eq!((difficulty(small), difficulty(double), difficulty(large)), (4, 5, 8));
    // One cheap solve does not buy a large upload: a body beyond the token's bound is refused
    // while it streams, and nothing is kept.
    let big = envelope_with(&f, 200_000, 9);
    let (status, body) = call(&app, submission(&solved_for(&app, unit).await, big.clone())).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "beyond-challenge"));
    assert!(store.list(Place::Inbox, None, 10).expect("list").is_empty());
    let (status, _) = call(&app, submission(&solved_for(&app, big.len() as u64).await, big)).await;
    assert_eq!(status, StatusCode::CREATED);
}

/// A store whose disk is full: every write fails with `DiskFull`.
#[derive(Debug)]
struct FullDisk(candour_relay::store::MemoryStore);

impl candour_relay::store::Store for FullDisk {
    fn retention(&self) -> candour_relay::store::Retention {
        self.0.retention()
    }
    fn begin(&self, _: candour_core::Day) -> Result<candour_relay::store::UploadId, candour_relay::store::StoreError> {
        Err(candour_relay::store::StoreError::DiskFull)
    }
    fn put_chunk(
        &self,
        _: candour_relay::store::UploadId,
        _: u32,
        _: &Ciphertext,
    ) -> Result<(), candour_relay::store::StoreError> {
        Err(candour_relay::store::StoreError::DiskFull)
    }
    fn commit(
        &self,
        _: candour_relay::store::UploadId,
        _: Place,
    ) -> Result<candour_relay::store::EntryInfo, candour_relay::store::StoreError> {
        Err(candour_relay::store::StoreError::DiskFull)
    }
    fn abort(&self, upload: candour_relay::store::UploadId) -> Result<(), candour_relay::store::StoreError> {
        self.0.abort(upload)
    }
    fn list(
        &self,
        place: Place,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<Vec<candour_relay::store::EntryInfo>, candour_relay::store::StoreError> {
        self.0.list(place, after, limit)
    }
    fn info(
        &self,
        place: Place,
        seq: Seq,
    ) -> Result<Option<candour_relay::store::EntryInfo>, candour_relay::store::StoreError> {
        self.0.info(place, seq)
    }
    fn read_chunk(
        &self,
        place: Place,
        seq: Seq,
        index: u32,
    ) -> Result<Option<Ciphertext>, candour_relay::store::StoreError> {
        self.0.read_chunk(place, seq, index)
    }
    fn purge_expired(
        &self,
        today: candour_core::Day,
    ) -> Result<candour_relay::store::PurgeReport, candour_relay::store::StoreError> {
        self.0.purge_expired(today)
    }
    fn check_writable(&self) -> Result<(), candour_relay::store::StoreError> {
        Err(candour_relay::store::StoreError::DiskFull)
    }
}

#[tokio::test]
async fn a_full_disk_is_a_clear_error_and_stores_nothing() {
    let f = fixture();
    let store: SharedStore = std::sync::Arc::new(FullDisk(candour_relay::store::MemoryStore::new()));
    let app = router(candour_relay::AppState::new(store.clone(), f.served.clone(), f.verified.clone(), test_limits()));
    for attachment in [0, 200_000] {
        let body = envelope_with(&f, attachment, 1);
        let (status, body) = call(&app, submission(&solved_for(&app, body.len() as u64).await, body)).await;
        assert_eq!((status, code(&body).as_str()), (StatusCode::INSUFFICIENT_STORAGE, "disk-full"));
    }
    assert!(store.list(Place::Inbox, None, 10).expect("list").is_empty());
}

/// Challenges cost the relay nothing to hand out: a client asking for more than the earlier
/// book of outstanding challenges could hold (100,000) neither fills anything nor turns a
/// reporter away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_challenges_blocks_no_reporter() {
    let f = fixture();
    let (state, store) = memory_state(&f);
    let app = router(state);
    let started = std::time::Instant::now();
    let flood = 120_000;
    for i in 0..flood {
        let (status, body) =
            call(&app, Request::post("/v1/inbox/challenge").body(Body::empty()).expect("request")).await;
        assert_eq!(status, StatusCode::OK, "challenge {i}: {}", String::from_utf8_lossy(&body));
    }
    let took = started.elapsed();
    let (status, body) = call(&app, submission(&solved(&app).await, envelope(&f))).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 1);
    eprintln!("{flood} challenges issued in {took:.1?}; the next reporter's submission was stored");
}

/// `/readyz` tells the truth: ready only when the store takes a durable write and has room,
/// while `/healthz` says only that the process answers.
#[tokio::test]
async fn readiness_says_whether_reports_can_be_stored() {
    let f = fixture();
    let ready = router(memory_state(&f).0);
    let (status, body) = call(&ready, Request::get("/readyz").body(Body::empty()).expect("request")).await;
    assert_eq!((status, body), (StatusCode::OK, br#"{"status":"ready"}"#.to_vec()));
    let full: SharedStore = std::sync::Arc::new(FullDisk(candour_relay::store::MemoryStore::new()));
    let full = router(candour_relay::AppState::new(full, f.served.clone(), f.verified.clone(), test_limits()));
    let (status, body) = call(&full, Request::get("/readyz").body(Body::empty()).expect("request")).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::SERVICE_UNAVAILABLE, "not-ready-disk-full"));
    let (status, _) = call(&full, Request::get("/healthz").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK, "alive, not ready");
    // A real store on a disk with less room than it asks for.
    let dir = tempfile::tempdir().expect("tmp");
    let sled = candour_relay::store::SledStore::open(dir.path()).expect("open");
    sled.set_min_free_bytes(u64::MAX);
    let nearly_full = router(candour_relay::AppState::new(
        std::sync::Arc::new(sled),
        f.served.clone(),
        f.verified.clone(),
        test_limits(),
    ));
    let (status, body) = call(&nearly_full, Request::get("/readyz").body(Body::empty()).expect("request")).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::SERVICE_UNAVAILABLE, "not-ready-disk-full"));
}
