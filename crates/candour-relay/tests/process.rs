//! The relay as a child process: the canary test (nothing identifying or plaintext reaches disk,
//! logs or responses) and the crash test (SIGKILL at random moments loses nothing acknowledged
//! and shows nothing half-written).

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use candour_core::api::EntryPage;
use candour_core::envelope::{self, DiscardAttachments};
use candour_core::token::MailboxToken;
use candour_core::wire::{CaseStreamId, ThreadId};
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
        Relay::start_with(data, directory, &[]).await
    }

    /// Started with extra `CANDOUR_*` settings.
    async fn start_with(data: &Path, directory: &Path, settings: &[(&str, &str)]) -> Relay {
        Relay::spawn(Command::new(env!("CARGO_BIN_EXE_candour-relay")), data, directory, settings).await
    }

    /// Started on a disk of its own: a `disk_mib` tmpfs mounted at `disk` in a private mount
    /// namespace (`unshare`, in a user namespace unless already root), `ballast_mib` of it taken
    /// by a file `ballast`, the data folder at `disk/data`. The disk is reached from outside
    /// through [`Relay::disk`].
    async fn start_on_small_disk(
        disk: &Path,
        directory: &Path,
        disk_mib: u64,
        ballast_mib: u64,
        settings: &[(&str, &str)],
    ) -> Relay {
        std::fs::create_dir_all(disk).expect("mount point");
        let root = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines().find_map(|l| l.strip_prefix("Uid:")).map(|u| u.split_whitespace().next() == Some("0"))
            })
            .unwrap_or(false);
        let mut command = Command::new("unshare");
        command.arg(if root { "-m" } else { "-rm" }).args([
            "sh",
            "-c",
            r#"mount -t tmpfs -o size="$1"m tmpfs "$2" && dd if=/dev/zero of="$2/ballast" bs=1M count="$3" status=none && exec "$4""#,
            "sh",
        ]);
        command
            .arg(disk_mib.to_string())
            .arg(disk)
            .arg(ballast_mib.to_string())
            .arg(env!("CARGO_BIN_EXE_candour-relay"));
        Relay::spawn(command, &disk.join("data"), directory, settings).await
    }

    /// The relay's own view of `path` (in its mount namespace).
    fn disk(&self, path: &Path) -> PathBuf {
        let pid = self.child.id().expect("running");
        PathBuf::from(format!("/proc/{pid}/root")).join(path.strip_prefix("/").expect("absolute"))
    }

    async fn spawn(mut command: Command, data: &Path, directory: &Path, settings: &[(&str, &str)]) -> Relay {
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CANDOUR_LISTEN", "127.0.0.1:0")
            .env("CANDOUR_DATA", data)
            .env("CANDOUR_DIRECTORY", directory)
            .env(
                "CANDOUR_DIRECTORY_ROOTS",
                std::fs::read_to_string(directory.with_file_name("root.pub")).expect("root"),
            )
            .env("CANDOUR_POW_DIFFICULTY", "4")
            .env("CANDOUR_LOG", "trace")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("spawn relay");
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

    /// The most memory the process has held so far (VmHWM), in bytes.
    fn peak_rss(&self) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmHWM");
        kib * 1024
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
    // Every request names a user agent of its own: it must not be kept either.
    let user_agent = format!("UA-CANARY-{:016x}", rand::random::<u64>());
    let client = reqwest::Client::builder().user_agent(user_agent.clone()).build().expect("client");
    let mut responses: Vec<(String, Vec<u8>)> = Vec::new();
    let started = std::time::SystemTime::now();

    let canary = format!("CANARY-{:032x}", rand::random::<u128>());
    let token = MailboxToken::generate();
    let mailbox_id_hex: String = token.mailbox_id().expose_secret().iter().map(|b| format!("{b:02x}")).collect();
    let seal = |text: &str| {
        let doc = serde_json::json!({"what": text}).to_string();
        envelope::seal(
            envelope::EnvelopeKind::Report,
            &[f.reviewer.recipient()],
            4,
            doc.as_bytes(),
            vec![],
            &token.signing_key(),
            Vec::new(),
        )
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
    // The time of day of the requests, as a log line or a stored record would write it (an ISO
    // date and hour, or hh:mm:), for each minute the test ran in.
    let mut times = Vec::new();
    for moment in [started, std::time::SystemTime::now()] {
        let secs = moment.duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let day = candour_core::Day::from_unix_seconds(secs);
        times.push(format!("{day}T{:02}", (secs / 3600) % 24));
        times.push(format!("{:02}:{:02}:", (secs / 3600) % 24, (secs / 60) % 60));
    }
    let mut needles: Vec<&[u8]> = vec![
        canary.as_bytes(),
        b"127.0.0.1",
        mailbox_id_hex.as_bytes(),
        mailbox_id.expose_secret(),
        user_agent.as_bytes(),
    ];
    needles.extend(times.iter().map(|t| t.as_bytes()));
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
    // 10 in the suite; `scripts/crash-test.sh --rounds N` runs more.
    let rounds: usize = std::env::var("CANDOUR_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(10);
    const CLIENTS: u64 = 8;
    let f = Arc::new(fixture());
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let directory = write_directory(tmp.path(), &f);
    let mut acknowledged: Vec<Vec<u8>> = Vec::new();
    let mut attempted: std::collections::HashSet<[u8; 32]> = std::collections::HashSet::new();
    let mut rng = rand::thread_rng();
    let mut total_killed_inflight = 0usize;

    for _ in 0..rounds {
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
    assert!(acknowledged.len() >= rounds, "the clients got work acknowledged");
    let generations: Vec<String> = std::fs::read_dir(&data)
        .expect("data")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    eprintln!(
        "crash test: {rounds} rounds, {} acknowledged, {} stored, {} in flight at a kill; data folder {generations:?}",
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

/// An envelope's real header and the payload length the relay admits for a padded plaintext of
/// about `plain` bytes: the rest of an attacker's upload can be anything, since the relay cannot
/// read it.
fn envelope_shape(f: &Fixture, plain: u64) -> (Vec<u8>, u64) {
    let sealed = envelope(f);
    let header = candour_core::shape::parse_header(&sealed).expect("header").expect("complete");
    (sealed[..header.len].to_vec(), candour_core::shape::payload_len(candour_core::padding::padded_len(plain)))
}

/// Streams one anonymous upload of `header` then `payload` bytes of filler, holding one 64 KiB
/// piece at a time; returns the status.
async fn stream_upload(url: &str, header: Vec<u8>, payload: u64) -> u16 {
    let client = reqwest::Client::new();
    let total = header.len() as u64 + payload;
    let challenge = client
        .post(format!("{url}/v1/inbox/challenge"))
        .json(&serde_json::json!({ "max_bytes": total }))
        .send()
        .await
        .expect("challenge")
        .bytes()
        .await
        .expect("challenge body");
    let pieces = std::iter::once(header)
        .chain((0..payload.div_ceil(65536)).map(move |i| vec![0xa5u8; (payload - i * 65536).min(65536) as usize]));
    let response = client
        .post(format!("{url}/v1/inbox"))
        .header(candour_core::pow::HEADER, solve(&challenge))
        .header("content-type", "application/octet-stream")
        .header("content-length", total)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(pieces.map(Ok::<_, std::io::Error>))))
        .send()
        .await
        .expect("upload");
    response.status().as_u16()
}

/// The red team's memory attack: six parallel anonymous 256 MiB submissions, then a reviewer
/// reading all six back at once. Before chunks moved out of sled the relay process peaked at
/// 1.3 GiB; it must stay within 128 MiB (a bound on memory, measured from the kernel's own
/// count, not a timing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_large_uploads_and_reads_keep_the_relay_within_128_mib() {
    const UPLOADS: usize = 6;
    const PLAIN: u64 = 256 << 20;
    let f = Arc::new(fixture());
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let directory = write_directory(tmp.path(), &f);
    let relay = Relay::start_with(
        &data,
        &directory,
        &[
            ("CANDOUR_MAX_UPLOAD_BYTES", &(300u64 << 20).to_string()),
            ("CANDOUR_MAX_ANONYMOUS_INFLIGHT_BYTES", &(4u64 << 30).to_string()),
            ("CANDOUR_LOG", "info"),
        ],
    )
    .await;
    let (header, payload) = envelope_shape(&f, PLAIN);
    let uploads: Vec<_> = (0..UPLOADS)
        .map(|_| {
            tokio::spawn({
                let (url, header) = (relay.url.clone(), header.clone());
                async move { stream_upload(&url, header, payload).await }
            })
        })
        .collect();
    for task in uploads {
        assert_eq!(task.await.expect("upload task"), 201, "each upload is stored");
    }
    let after_uploads = relay.peak_rss();
    // Read all six at once, streaming, as a reviewer's sync would.
    let client = reqwest::Client::new();
    let page = reviewer_get(&client, &relay.url, &f, "/v1/inbox?limit=100").await;
    let page: EntryPage = serde_json::from_slice(&page.bytes().await.expect("body")).expect("page");
    assert_eq!(page.entries.len(), UPLOADS);
    let reads: Vec<_> = page
        .entries
        .iter()
        .map(|e| {
            let (client, url, f, seq, len) = (client.clone(), relay.url.clone(), Arc::clone(&f), e.seq.0, e.len);
            tokio::spawn(async move {
                use futures_util::StreamExt as _;
                let response = reviewer_get(&client, &url, &f, &format!("/v1/inbox/{seq}")).await;
                assert_eq!(response.status(), 200);
                let mut stream = response.bytes_stream();
                let mut got = 0u64;
                while let Some(piece) = stream.next().await {
                    got += piece.expect("piece").len() as u64;
                }
                assert_eq!(got, len, "the whole entry comes back");
            })
        })
        .collect();
    for task in reads {
        task.await.expect("read task");
    }
    let after_reads = relay.peak_rss();
    let _ = relay.kill().await;
    eprintln!(
        "relay memory: {UPLOADS} x {} MiB uploads, peak {} MiB after uploads, {} MiB after reads",
        PLAIN >> 20,
        after_uploads >> 20,
        after_reads >> 20
    );
    assert!(after_reads <= 128 << 20, "the relay peaked at {} MiB", after_reads >> 20);
}

/// The disk fills (docs/design.md §1.7, abuse and faults): on a small tmpfs the relay refuses uploads with
/// the stable `disk-full` code and says `not-ready-disk-full`, keeps every entry it acknowledged
/// byte for byte, and takes uploads again once space returns. Run twice: with the reserve set
/// to nothing (the built-in 16 MiB headroom that keeps sled's own log off a full disk still
/// holds), and with a larger reserve, which refuses sooner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_refused_with_a_stable_code_keeps_everything_and_recovers() {
    let f = Arc::new(fixture());
    let tmp = tempfile::tempdir().expect("tempdir");
    let directory = write_directory(tmp.path(), &f);
    let mut stored_counts = Vec::new();
    for (reserve_mib, label) in [("0", "with the built-in headroom only"), ("24", "with a 24 MiB reserve")] {
        let disk = tmp.path().join(format!("disk-{reserve_mib}"));
        let relay = Relay::start_on_small_disk(
            &disk,
            &directory,
            64,
            30,
            &[("CANDOUR_MIN_FREE_MIB", reserve_mib), ("CANDOUR_LOG", "info")],
        )
        .await;
        let client = reqwest::Client::new();
        let ready = |client: reqwest::Client, url: String| async move {
            let r = client.get(format!("{url}/readyz")).send().await.expect("readyz");
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            (status, body["code"].as_str().unwrap_or("").to_owned())
        };
        assert_eq!(ready(client.clone(), relay.url.clone()).await.0, 200, "{label}: ready at first");
        // 1 MiB envelopes until the relay says the disk is full.
        let mut stored = Vec::new();
        let refusal = loop {
            let blob = envelope_with(&f, 1 << 20, stored.len() as u8);
            let response = submit(&client, &relay.url, blob.clone()).await.expect("the relay answers");
            match response.status().as_u16() {
                201 => stored.push(blob),
                status => {
                    let body: serde_json::Value = response.json().await.expect("a JSON refusal");
                    break (status, body["code"].as_str().unwrap_or("").to_owned());
                }
            }
            assert!(stored.len() < 40, "{label}: a 34 MiB disk never filled");
        };
        eprintln!("{label}: {} uploads stored, then {refusal:?}", stored.len());
        assert_eq!(refusal, (507, "disk-full".to_owned()), "{label}");
        assert!(stored.len() >= 5, "{label}: the disk held only {}", stored.len());
        stored_counts.push(stored.len());
        assert_eq!(ready(client.clone(), relay.url.clone()).await, (503, "not-ready-disk-full".to_owned()), "{label}");
        // Every acknowledged entry is there, exactly.
        assert_eq!(read_inbox(&client, &relay.url, &f).await, stored, "{label}: acknowledged entries kept");
        // Space returns: the relay takes uploads again, and still has everything.
        std::fs::remove_file(relay.disk(&disk.join("ballast"))).expect("remove the ballast");
        assert_eq!(ready(client.clone(), relay.url.clone()).await.0, 200, "{label}: ready again");
        let after = envelope_with(&f, 1 << 20, 0xee);
        let response = submit(&client, &relay.url, after.clone()).await.expect("the relay answers");
        assert_eq!(response.status(), 201, "{label}: uploads again once space returns");
        stored.push(after);
        assert_eq!(read_inbox(&client, &relay.url, &f).await, stored, "{label}: everything, in order");
        let logs = String::from_utf8_lossy(&relay.kill().await).into_owned();
        assert!(!logs.contains("panicked"), "{label}: {logs}");
    }
    assert!(stored_counts[1] < stored_counts[0], "a larger reserve refuses sooner: {stored_counts:?}");
}
