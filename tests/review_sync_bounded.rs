//! A reviewer's sync stays within bounded memory whatever the inbox holds, and downloads of
//! entries that are not for the reviewer stop after their header (docs/design.md §1.7).
//!
//! The red team's attack: cheap junk entries of about 61 MiB each, some whose header is for another
//! queue, some whose header is for this reviewer but whose payload is garbage, and one genuine
//! report larger than the default download limit. Before, sync held every fetched entry in
//! memory (12 such entries took it past 6 GB). The `candour review sync` process is measured by
//! GNU time's maximum resident set size; the bytes it downloads by a counting proxy.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use candour_client::RelayClient;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_submit::compose::compose_report;
use candour_submit::send::{send, Attachment, AttachmentData};
use common::Relay;

/// Plaintext size of each junk entry: under the default 64 MiB download limit once padded.
const JUNK_MIB: u64 = 60;
/// The goal for a reviewer's sync (issue: at most 256 MiB under the attack).
const SYNC_RSS_LIMIT_KIB: u64 = 256 * 1024;

/// A proxy in front of the relay that counts the bytes it passes to the client.
async fn counting_proxy(relay: std::net::SocketAddr) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let down = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&down);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Ok(upstream) = tokio::net::TcpStream::connect(relay).await else { return };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut up_read, mut up_write) = upstream.into_split();
                let upward = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut up_write).await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
                    let n = match up_read.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    counter.fetch_add(n as u64, Ordering::Relaxed);
                }
                upward.abort();
            });
        }
    });
    (url, down)
}

/// Uploads an envelope-shaped junk entry: the real header of an envelope sealed to `readers`,
/// then `JUNK_MIB` MiB of filler (which the relay cannot tell from ciphertext).
async fn junk(client: &RelayClient, readers: &[&str]) {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let recipients: Vec<_> = readers
        .iter()
        .map(|id| dir.reviewer(id).and_then(|r| r.x25519_recipient()).expect("a reader in the directory"))
        .collect();
    let signer = ed25519_dalek::SigningKey::from_bytes(&rand::random());
    let small = candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &recipients,
        dir.directory().stanzas,
        b"{}",
        vec![],
        &signer,
        Vec::new(),
    )
    .expect("seal");
    let header = candour_core::shape::parse_header(&small).expect("header").expect("complete");
    let header = small[..header.len].to_vec();
    let payload = candour_core::shape::payload_len(candour_core::padding::padded_len(JUNK_MIB << 20));
    let total = header.len() as u64 + payload;
    let pieces = std::iter::once(header)
        .chain((0..payload.div_ceil(65536)).map(move |i| vec![0x5au8; (payload - i * 65536).min(65536) as usize]));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(pieces.map(Ok::<_, std::io::Error>)));
    let solution = client.solve_challenge(total).await.expect("challenge");
    client.submit(&solution, body).await.expect("the relay stores junk of the right shape");
}

/// Runs `candour review sync --json ARGS` as psd-1 under GNU time; returns the output and the
/// process's peak resident set in KiB.
fn sync(relay: &str, cache: &Path, args: &[&str]) -> (Output, u64) {
    let keys = common::keys_example();
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "candour-peak-rss-kib=%M"])
        .arg(env!("CARGO_BIN_EXE_candour"))
        .args(["review", "sync", "--json", "--relay", relay, "--cache"])
        .arg(cache)
        .arg("--root")
        .arg(keys.join("root.pub"))
        .args(args)
        .env("CANDOUR_IDENTITY", keys.join("reviewers/psd-1.key"))
        .env("CANDOUR_PASSPHRASE_FILE", keys.join("passphrase.txt"))
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY")
        .env_remove("CANDOUR_MAX_ENTRY_MIB");
    // GNU time (scripts/test.sh installs it) runs the CLI.
    let out = common::output_within(cmd, std::time::Duration::from_secs(600));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("candour-peak-rss-kib="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak from GNU time: {stderr}"));
    (out, peak)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_stays_bounded_under_junk_and_stops_downloads_not_for_this_reviewer() {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    // 8 for Special Branch only, 4 "for" psd-1 whose payload is garbage.
    for _ in 0..8 {
        junk(&client, &["sb-1"]).await;
    }
    for _ in 0..4 {
        junk(&client, &["psd-1", "psd-2"]).await;
    }
    // A genuine report with a 70 MiB attachment: over the default 64 MiB download limit.
    let dir = client.directory(&common::policy()).await.expect("directory");
    let evidence = tempfile::NamedTempFile::new().expect("file");
    {
        use std::io::Write as _;
        let mut f = std::fs::File::create(evidence.path()).expect("create");
        let block: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        for _ in 0..70 {
            f.write_all(&block).expect("write");
        }
    }
    let token = MailboxToken::generate();
    let concern = Concern {
        category: Some(Category::HonestyAndIntegrity),
        what: "Bodycam footage of the sergeant taking the cash".into(),
        ..Default::default()
    };
    let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
    let footage = Attachment {
        meta: candour_core::envelope::AttachmentMeta { name: "bodycam.mp4".into(), media_type: "video/mp4".into() },
        data: AttachmentData::File(evidence.path().to_owned()),
    };
    send(&client, composed.plan(&dir, &token), vec![footage], None).await.expect("send");

    let (proxy, downloaded) = counting_proxy(relay.addr).await;
    let cache = tempfile::tempdir().expect("cache");
    let cache = cache.path().join("psd-1.cache");

    let (out, peak) = sync(&proxy, &cache, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let first_download = downloaded.swap(0, Ordering::Relaxed);
    eprintln!("first sync: peak {} MiB, downloaded {} MiB", peak >> 10, first_download >> 20);
    assert_eq!(out.status.code(), Some(3), "garbage for this reviewer is refused, loudly: {stderr}");
    assert_eq!(report["skipped"], 8, "{report}");
    assert_eq!(report["rejected"].as_array().map(Vec::len), Some(4), "{report}");
    assert_eq!(report["reports"], 0, "{report}");
    let deferred = report["deferred"].as_array().expect("deferred");
    assert_eq!(deferred.len(), 1, "{report}");
    assert!(deferred[0].as_str().is_some_and(|d| d.contains("a higher limit takes it in")), "{report}");
    assert!(stderr.contains("`candour review sync --max-entry-mib N` takes in"), "the CLI says how: {stderr}");
    assert!(stderr.contains("not taken in yet: inbox entry 13"), "{stderr}");
    assert!(peak <= SYNC_RSS_LIMIT_KIB, "sync peaked at {} MiB", peak >> 10);
    // 12 x 64 MiB of junk are on the relay; headers and a first chunk are all sync needs.
    assert!(first_download < 12 * (JUNK_MIB << 20) / 4, "downloaded {} MiB of junk", first_download >> 20);

    // A higher limit takes the genuine report in, streamed, within the same bound.
    let (out, peak) = sync(&proxy, &cache, &["--max-entry-mib", "128"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    eprintln!("second sync: peak {} MiB, downloaded {} MiB", peak >> 10, downloaded.load(Ordering::Relaxed) >> 20);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(report["reports"], 1, "{report}");
    assert_eq!(report["deferred"].as_array().map(Vec::len), Some(0), "{report}");
    assert!(downloaded.load(Ordering::Relaxed) >= 70 << 20, "the whole report was read to verify it");
    assert!(peak <= SYNC_RSS_LIMIT_KIB, "sync peaked at {} MiB", peak >> 10);
}
