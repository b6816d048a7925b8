//! The relay as a child process: the canary test (nothing identifying or plaintext reaches disk,
//! logs or responses) and the crash test (SIGKILL at random moments loses nothing acknowledged
//! and shows nothing half-written).

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use candour_core::envelope::{self, DiscardAttachments};
use candour_core::token::MailboxToken;
use candour_core::wire::{CaseStreamId, ThreadId};
use candour_relay::api::EntryPage;
use common::*;
use rand::Rng as _;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// A relay child process; killed with SIGKILL when dropped.
struct Relay {
    child: Child,
    url: String,
    stderr: Arc<Mutex<Vec<u8>>>,
    stdout_first_line: String,
}

impl Relay {
    async fn start(data: &Path, directory: &Path) -> Relay {
        let mut child = Command::new(env!("CARGO_BIN_EXE_candour-relay"))
            .env_clear()
            .env("CANDOUR_LISTEN", "127.0.0.1:0")
            .env("CANDOUR_DATA", data)
            .env("CANDOUR_DIRECTORY", directory)
            .env(
                "CANDOUR_DIRECTORY_ROOTS",
                std::fs::read_to_string(directory.with_file_name("root.pub")).expect("root"),
            )
            .env("CANDOUR_POW_DIFFICULTY", "4")
            .env("CANDOUR_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn relay");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err_pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        // The relay prints this line once its socket is bound: no sleeping, no polling.
        let line = lines.next_line().await.expect("read stdout").unwrap_or_default();
        let port: u16 =
            line.strip_prefix("listening on port ").and_then(|p| p.trim().parse().ok()).unwrap_or_else(|| {
                panic!("relay did not start: {line:?} / {}", String::from_utf8_lossy(&stderr.lock().expect("lock")))
            });
        Relay { child, url: format!("http://localhost:{port}"), stderr, stdout_first_line: line }
    }

    async fn kill(mut self) -> Vec<u8> {
        let _ = self.child.start_kill(); // SIGKILL
        let _ = self.child.wait().await;
        let mut logs = self.stdout_first_line.clone().into_bytes();
        logs.extend_from_slice(&self.stderr.lock().expect("lock"));
        logs
    }
}

/// The fixture's signed directory, and beside it the root that signed it (which the relay pins).
fn write_directory(dir: &Path, f: &Fixture) -> PathBuf {
    let path = dir.join("directory.json");
    std::fs::write(&path, &f.served).expect("write directory");
    std::fs::write(dir.join("root.pub"), f.root.public().to_string()).expect("write root");
    path
}

/// A signed GET, signed again a second later if the relay started in the second it was
/// signed (as the reviewer's tool does: such requests could be replays from before a restart).
async fn reviewer_get(client: &reqwest::Client, url: &str, f: &Fixture, path: &str) -> reqwest::Response {
    for attempt in 0..3 {
        let response = client
            .get(format!("{url}{path}"))
            .headers(signed_headers(f.reviewer.signing_key(), "GET", path, b""))
            .send()
            .await
            .expect("reviewer request");
        if response.status() != 401 || attempt == 2 {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    unreachable!("the loop returns")
}

async fn read_inbox(client: &reqwest::Client, url: &str, f: &Fixture) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut after: Option<u64> = None;
    loop {
        let path = match after {
            Some(a) => format!("/v1/inbox?after={a}&limit=1000"),
            None => "/v1/inbox?limit=1000".to_owned(),
        };
        let response = reviewer_get(client, url, f, &path).await;
        let body = response.bytes().await.expect("body");
        let page: EntryPage = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("not a page ({e}): {}", String::from_utf8_lossy(&body)));
        if page.entries.is_empty() {
            return out;
        }
        for e in &page.entries {
            let response = reviewer_get(client, url, f, &format!("/v1/inbox/{}", e.seq.0)).await;
            assert_eq!(response.status(), 200);
            let bytes = response.bytes().await.expect("body").to_vec();
            assert_eq!(bytes.len() as u64, e.len, "listed length matches the body");
            out.push(bytes);
        }
        after = page.next.map(|s| s.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_never_reaches_disk_logs_or_responses() {
    let f = fixture();
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let directory = write_directory(tmp.path(), &f);
    let relay = Relay::start(&data, &directory).await;
    let client = reqwest::Client::new();
    let mut responses: Vec<(String, Vec<u8>)> = Vec::new();

    let canary = format!("CANARY-{:032x}", rand::random::<u128>());
    let token = MailboxToken::generate();
    let mailbox_id_hex: String = token.mailbox_id().expose_secret().iter().map(|b| format!("{b:02x}")).collect();
    let seal = |text: &str| {
        let doc = serde_json::json!({"what": text}).to_string();
        envelope::seal(&[f.reviewer.recipient()], 4, doc.as_bytes(), vec![], &token.signing_key(), Vec::new())
            .expect("seal")
    };

    // A report, a case event and a reply, all carrying the canary inside the envelope.
    let report = seal(&format!("report {canary}"));
    let response = submit(&client, &relay.url, report.clone()).await.expect("submit");
    assert_eq!(response.status(), 201);
    responses.push(("submit".into(), response.bytes().await.expect("body").to_vec()));
    let stream = CaseStreamId::for_thread(&ThreadId([1; 16]));
    for (path, body) in [
        (format!("/v1/cases/{stream}"), seal(&format!("event {canary}"))),
        (format!("/v1/mailboxes/{}", token.mailbox_id().address()), seal(&format!("reply {canary}"))),
    ] {
        let response = client
            .post(format!("{}{path}", relay.url))
            .headers(signed_headers(f.reviewer.signing_key(), "POST", &path, &body))
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("append");
        assert_eq!(response.status(), 201);
        responses.push((path, response.bytes().await.expect("body").to_vec()));
    }
    // Some refused requests too: their error bodies must not echo anything either.
    let response = client.get(format!("{}/v1/inbox", relay.url)).send().await.expect("unsigned");
    responses.push(("unsigned".into(), response.bytes().await.expect("body").to_vec()));
    let response = client
        .post(format!("{}/v1/mailbox/list", relay.url))
        .header("content-type", "application/json")
        .body(serde_json::json!({"mailbox_id": mailbox_id_hex}).to_string())
        .send()
        .await
        .expect("mailbox list");
    responses.push(("mailbox list".into(), response.bytes().await.expect("body").to_vec()));

    // The reviewer reads the report back and it opens to the canary: the test is not vacuous.
    let inbox = read_inbox(&client, &relay.url, &f).await;
    assert_eq!(inbox, vec![report]);
    let opened = envelope::open(f.reviewer.identity(), &inbox[0][..], &mut DiscardAttachments).expect("opens");
    assert!(String::from_utf8_lossy(&opened.document).contains(&canary));
    for (i, body) in inbox.into_iter().enumerate() {
        responses.push((format!("inbox read {i}"), body));
    }

    let logs = relay.kill().await;
    assert!(!logs.is_empty(), "logs were captured");
    let mut haystacks = read_tree(&data);
    assert!(!haystacks.is_empty(), "the data folder has files");
    haystacks.push(("relay logs".into(), logs));
    haystacks.extend(responses);
    let mailbox_id = token.mailbox_id();
    let needles: [&[u8]; 4] = [canary.as_bytes(), b"127.0.0.1", mailbox_id_hex.as_bytes(), mailbox_id.expose_secret()];
    let hits = find_needles(&haystacks, &needles);
    assert!(hits.is_empty(), "found: {hits:?}");
}

#[test]
fn the_canary_scan_can_fail() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("sub")).expect("mkdir");
    std::fs::write(tmp.path().join("sub/leak"), b"xxCANARY-1yy").expect("write");
    let mut haystacks = read_tree(tmp.path());
    haystacks.push(("logs".into(), b"request from 127.0.0.1:5000".to_vec()));
    let hits = find_needles(&haystacks, &[b"CANARY-1", b"127.0.0.1"]);
    assert_eq!(hits.len(), 2, "{hits:?}");
}

/// A real envelope of a random size (the relay stores only envelopes of its shape). Each is
/// unique, so its SHA-256 names it: a stored entry must be exactly one that was sent.
fn make_blob(rng: &mut impl rand::Rng, f: &Fixture) -> Vec<u8> {
    envelope_with(f, rng.gen_range(0..200_000), rng.gen())
}

fn blob_id(blob: &[u8]) -> [u8; 32] {
    Sha256::digest(blob).into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_test_sigkill_loses_nothing_acknowledged() {
    const ROUNDS: usize = 10;
    const CLIENTS: u64 = 8;
    let f = Arc::new(fixture());
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let directory = write_directory(tmp.path(), &f);
    let mut acknowledged: Vec<Vec<u8>> = Vec::new();
    let mut attempted: std::collections::HashSet<[u8; 32]> = std::collections::HashSet::new();
    let mut rng = rand::thread_rng();
    let mut total_killed_inflight = 0usize;

    for _ in 0..ROUNDS {
        let relay = Relay::start(&data, &directory).await;
        let url = relay.url.clone();
        let acked = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            let (url, acked, sent, f) = (url.clone(), Arc::clone(&acked), Arc::clone(&sent), Arc::clone(&f));
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_entropy();
                loop {
                    let blob = make_blob(&mut rng, &f);
                    sent.lock().expect("lock").push(blob.clone());
                    match submit(&client, &url, blob.clone()).await {
                        Ok(r) if r.status() == 201 => acked.lock().expect("lock").push(blob),
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(_) => return, // the relay died under us
                    }
                }
            }));
        }
        // Kill at a random moment while the clients are busy.
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..900))).await;
        let _ = relay.kill().await;
        for t in tasks {
            t.await.expect("client task");
        }
        let acked = std::mem::take(&mut *acked.lock().expect("lock"));
        let sent = std::mem::take(&mut *sent.lock().expect("lock"));
        total_killed_inflight += sent.len() - acked.len();
        attempted.extend(sent.iter().map(|b| blob_id(b)));
        acknowledged.extend(acked);
    }

    // Restart once more and check everything.
    let relay = Relay::start(&data, &directory).await;
    let client = reqwest::Client::new();
    let stored = read_inbox(&client, &relay.url, &f).await;
    let _ = relay.kill().await;
    let stored_set: std::collections::HashSet<&Vec<u8>> = stored.iter().collect();
    for blob in &acknowledged {
        assert!(stored_set.contains(blob), "an acknowledged blob is missing or damaged");
    }
    for blob in &stored {
        // A half-written or altered entry would not hash to anything that was sent.
        assert!(attempted.contains(&blob_id(blob)), "a stored blob is not exactly one that was sent");
    }
    assert_eq!(stored_set.len(), stored.len(), "no blob is stored twice");
    // sled never wrote a blob file, which it would never have synced (see SledStore docs).
    let blobs_dir_files: usize = std::fs::read_dir(&data)
        .expect("data")
        .flatten()
        .map(|epoch| files_under_if(&epoch.path().join("blobs")))
        .sum();
    assert_eq!(blobs_dir_files, 0, "sled wrote unsynced blob files");
    assert!(acknowledged.len() >= ROUNDS, "the clients got work acknowledged");
    let generations: Vec<String> = std::fs::read_dir(&data)
        .expect("data")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    eprintln!(
        "crash test: {ROUNDS} rounds, {} acknowledged, {} stored, {} in flight at a kill; data folder {generations:?}",
        acknowledged.len(),
        stored.len(),
        total_killed_inflight
    );
}

fn files_under_if(dir: &Path) -> usize {
    if dir.is_dir() {
        files_under(dir).len()
    } else {
        0
    }
}
