//! The relay's memory under the red team's upload attack: N parallel anonymous submissions of S
//! bytes each (envelope-shaped: a real header and a padded length, the rest random, which is all
//! the relay can check), into a sled store on disk. Prints the process's peak resident memory
//! (VmHWM) before and after, which is the relay's plus this program's few streaming buffers.
//!
//! ```sh
//! cargo run --release -p candour-relay --example memory_bench -- [uploads] [MiB each]   # default 6 x 256
//! ```
//! Data goes under `CANDOUR_BENCH_DIR` (default `./target/memory-bench`).

use std::sync::Arc;
use std::time::Instant;

use candour_core::keys::ReviewerSecret;
use candour_core::pow::{self, Challenge};
use candour_relay::store::{SharedStore, SledStore};
use candour_relay::{AppState, Config, Limits};

#[path = "support/mod.rs"]
mod support;

fn arg(n: usize, default: u64) -> u64 {
    std::env::args().nth(n).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// Peak resident set size of this process, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The header of a real envelope with `stanzas` stanzas, and a payload length the relay admits
/// for a padded plaintext of about `plain` bytes.
fn shape(stanzas: usize, plain: u64) -> (Vec<u8>, u64) {
    let reviewer = ReviewerSecret::generate("psd-1");
    let signer = ed25519_dalek::SigningKey::from_bytes(&rand::random());
    let sealed = candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &[reviewer.recipient()],
        stanzas,
        b"{}",
        vec![],
        &signer,
        Vec::new(),
    )
    .expect("seal");
    let header = candour_core::shape::parse_header(&sealed).expect("header").expect("complete");
    let padded = candour_core::padding::padded_len(plain);
    (sealed[..header.len].to_vec(), candour_core::shape::payload_len(padded))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let uploads = arg(1, 6);
    let mib = arg(2, 256);
    let base =
        std::env::var_os("CANDOUR_BENCH_DIR").map_or_else(|| "target/memory-bench".into(), std::path::PathBuf::from);
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("bench dir");
    let reviewer = ReviewerSecret::generate("psd-1");
    let (served, verified) = support::bench_directory(&reviewer, 12);
    let store: SharedStore = Arc::new(SledStore::open(&base).expect("open"));
    let mut limits = Limits::from_config(&Config::default());
    limits.pow_difficulty = 1;
    limits.max_upload_bytes = 300 << 20;
    limits.max_anonymous_inflight_bytes = 4 << 30;
    limits.request_timeout = std::time::Duration::from_secs(3600);
    let state = AppState::new(store, served, verified, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(candour_relay::serve(listener, candour_relay::router(state), std::future::pending()));
    let before = peak_rss_mib();
    let (header, payload) = shape(12, mib << 20);
    let total = header.len() as u64 + payload;
    println!(
        "{uploads} parallel uploads of {:.1} MiB each; peak RSS before: {before:.1} MiB",
        total as f64 / 1048576.0
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..uploads {
        let header = header.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let challenge: Challenge = client
                .post(format!("http://{addr}/v1/inbox/challenge"))
                .json(&serde_json::json!({ "max_bytes": total }))
                .send()
                .await
                .expect("challenge")
                .json()
                .await
                .expect("json");
            let solution = pow::solve(&challenge).expect("solve");
            // The body streams in 64 KiB pieces: this side holds one at a time.
            let chunks = std::iter::once(header).chain((0..payload.div_ceil(65536)).map(move |i| {
                let len = (payload - i * 65536).min(65536) as usize;
                vec![0xa5u8; len]
            }));
            let stream = futures_util::stream::iter(chunks.map(Ok::<_, std::io::Error>));
            let response = client
                .post(format!("http://{addr}/v1/inbox"))
                .header(pow::HEADER, solution.to_string())
                .header("content-type", "application/octet-stream")
                .header("content-length", total)
                .body(reqwest::Body::wrap_stream(stream))
                .send()
                .await
                .expect("sent");
            response.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("upload"));
    }
    println!(
        "statuses {statuses:?} in {:.1?}; peak RSS after: {:.1} MiB (goal <= 128 MiB)",
        started.elapsed(),
        peak_rss_mib()
    );
}
